"""odoo-mailq: a terminal operator console for the outgoing mail of an Odoo database."""

__version__ = "0.1.0"
