"""A fingerprint of Odoo's mail tables, to prove an action wrote nothing there."""

from __future__ import annotations

import hashlib

from sqlalchemy import create_engine, inspect, text

TABLES = (
    "mail_mail",
    "mail_message",
    "mail_notification",
    "mail_mail_res_partner_rel",
    "ir_mail_server",
    "ir_config_parameter",
    "ir_cron",
)


def checksum(url: str) -> dict[str, tuple[int, str]]:
    """Per mail table: its row count and a digest of every row."""
    engine = create_engine(url)
    try:
        existing = set(inspect(engine).get_table_names())
        found = {}
        with engine.connect() as connection:
            for table in TABLES:
                if table not in existing:
                    continue
                rows = connection.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")).all()
                digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
                found[table] = (len(rows), digest)
        return found
    finally:
        engine.dispose()
