"""Everything the console knows about Odoo's tables and versions. No Textual here."""
