"""Sending mail the way Odoo does: MIME building, server choice, SMTP, and "Send now".

Import the submodules directly; this package imports nothing heavy at start-up
(aiosmtplib is only loaded by `console.smtp.sender`).
"""
