"""Odoo's tables as the console reads and writes them: causes, bus rows, tracking, inbound
routing, the queue index, the filestore."""
