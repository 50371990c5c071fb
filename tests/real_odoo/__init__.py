"""The real-Odoo tier: real Odoo 16-19 (from ``ODOO_SRC_<V>``) on the suite's PostgreSQL.

Traffic is made by Odoo's ORM, the console's actions are compared with Odoo's own methods
on twin records, and races against Odoo's senders are counted at a real SMTP server.
See environment.py for how to point it at an Odoo tree, odoo_instance.py for how Odoo
is run.
"""
