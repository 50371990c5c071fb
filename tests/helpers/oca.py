"""OCA mail modules in a test database, shaped as the modules leave it: their
``ir_module_module`` rows, the tables they add (``queue_job`` from OCA/queue's queue_job,
``mail_tracking_email`` from mail_tracking: columns as the ORM creates them, no DB
defaults, ``queue_job`` without log-access columns as ``_log_access = False``) and the
queue cron as their install hooks set it."""

from __future__ import annotations

from datetime import datetime

from tests.helpers.db import Db

_SERIAL = {"sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT", "pg": "SERIAL PRIMARY KEY"}


def install_modules(db: Db, *names: str, state: str = "installed") -> None:
    for name in names:
        db.sql(
            "INSERT INTO ir_module_module (name, state, latest_version, author, license, "
            "create_date, write_date) VALUES (:name, :state, :version, "
            "'Odoo Community Association (OCA)', 'AGPL-3', :now, :now)",
            name=name,
            state=state,
            version=f"{db.version}.0.1.0.0",
            now=datetime(2024, 1, 1),
        )


def create_queue_job(db: Db) -> None:
    """queue_job's table (OCA/queue 16.0 ``queue.job``, ``_log_access = False``)."""
    db.sql(
        f"CREATE TABLE queue_job (id {_SERIAL[db.kind]}, uuid VARCHAR NOT NULL, "
        "graph_uuid VARCHAR, user_id INTEGER NOT NULL REFERENCES res_users(id), "
        "company_id INTEGER, name VARCHAR, model_name VARCHAR, method_name VARCHAR, "
        "records TEXT, record_ids TEXT, args TEXT, kwargs TEXT, func_string VARCHAR, "
        "exc_name VARCHAR, exc_message VARCHAR, exc_info TEXT, result TEXT, "
        "state VARCHAR NOT NULL, priority INTEGER, date_created TIMESTAMP, "
        "date_started TIMESTAMP, date_enqueued TIMESTAMP, date_done TIMESTAMP, "
        "date_cancelled TIMESTAMP, exec_time FLOAT, eta TIMESTAMP, retry INTEGER, "
        "max_retries INTEGER, channel_method_name VARCHAR, job_function_id INTEGER, "
        "channel VARCHAR, identity_key VARCHAR, worker_pid INTEGER)"
    )
    db.sql("CREATE INDEX queue_job_state_index ON queue_job (state)")


def add_job(
    db: Db,
    mail_id: int,
    state: str,
    created: datetime,
    *,
    model: str = "mail.mail",
    method: str = "_send_mail_jobified",
) -> int:
    """One job as mail_queue_job's ``with_delay`` stores it."""
    return db.insert(
        "queue_job",
        uuid=f"00000000-0000-4000-8000-{mail_id:012d}{state[:1]}"[:36],
        user_id=1,
        name="Delayed email send (operation: create)",
        model_name=model,
        method_name=method,
        record_ids=f"[{mail_id}]",
        args="[]",
        kwargs="{}",
        func_string=f"mail.mail({mail_id},).{method}()",
        state=state,
        priority=10,
        date_created=created,
        retry=0 if state == "pending" else 1,
        max_retries=5,
        channel="root.mail",
        identity_key=f"mail.mail,{mail_id}",
        exc_info="smtplib.SMTPRecipientsRefused: ..." if state == "failed" else None,
    )


def create_tracking(db: Db) -> None:
    """mail_tracking's ``mail_tracking_email`` (16.0), log-access columns included."""
    db.sql(
        f"CREATE TABLE mail_tracking_email (id {_SERIAL[db.kind]}, name VARCHAR, "
        "display_name VARCHAR, timestamp NUMERIC, time TIMESTAMP, date DATE, "
        "mail_message_id INTEGER, mail_id INTEGER, partner_id INTEGER, recipient VARCHAR, "
        "recipient_address VARCHAR, sender VARCHAR, state VARCHAR, "
        "error_smtp_server VARCHAR, error_type VARCHAR, error_description VARCHAR, "
        "bounce_type VARCHAR, bounce_description VARCHAR, token VARCHAR, "
        "create_uid INTEGER, create_date TIMESTAMP, write_uid INTEGER, write_date TIMESTAMP)"
    )


def add_tracking(
    db: Db, mail_id: int | None, state: str, at: datetime, error_type: str | None = None
) -> int:
    return db.insert(
        "mail_tracking_email",
        name="Quotation S00042",
        time=at,
        mail_id=mail_id,
        recipient="customer@example.net",
        recipient_address="customer@example.net",
        sender="sales@acme-shop.example",
        state=state,
        error_smtp_server="smtp.acme-shop.example" if error_type else None,
        error_type=error_type,
        error_description="550 5.1.1 User unknown" if error_type else None,
        create_date=at,
        write_date=at,
    )


def queue_cron_id(db: Db) -> int:
    row = db.one(
        "SELECT res_id FROM ir_model_data WHERE module = 'mail' "
        "AND name = 'ir_cron_mail_scheduler_action'"
    )
    return int(row[0])


def set_queue_cron(
    db: Db, *, active: bool | None = None, interval: tuple[int, str] | None = None
) -> None:
    """The queue cron as an install hook leaves it (mail_queue_job: inactive;
    mail_post_defer: every minute)."""
    cron = queue_cron_id(db)
    if active is not None:
        db.sql("UPDATE ir_cron SET active = :a WHERE id = :id", a=active, id=cron)
    if interval is not None:
        db.sql(
            "UPDATE ir_cron SET interval_number = :n, interval_type = :t WHERE id = :id",
            n=interval[0],
            t=interval[1],
            id=cron,
        )
