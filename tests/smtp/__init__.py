"""Messages built as Odoo builds them: bodies, plain text, headers, big mails."""
