"""The pure rules: failure classification and the reading of Odoo's failure texts."""
