"""What Send now and the .eml export need to build messages as Odoo does on this database:
its settings, odoo.conf's SMTP fallback, where its filestore is."""

from __future__ import annotations

from console.backends.sql import SqlBackend
from console.config.odoo_conf import smtp_ssl_enabled, smtp_ssl_problem
from console.domain.errors import UsageError
from console.odoo.filestore import DataDir, find_data_dir
from console.smtp.routing import MAX_MESSAGE_MB, SendContext
from console.smtp.rows import DbSettings
from console.smtp.server_choice import ConfSmtp


def conf_smtp(backend: SqlBackend) -> ConfSmtp:
    """odoo.conf's SMTP settings, Odoo's fallback when no server matches."""
    conf = backend.target.odoo_conf
    if conf is None:
        return ConfSmtp()
    problem = smtp_ssl_problem(conf, backend.version.major)
    if problem:  # Odoo itself would not run with this file: send nothing
        raise UsageError(problem)
    return ConfSmtp(
        smtp_server=conf.smtp_server,
        smtp_port=conf.smtp_port,
        smtp_ssl=smtp_ssl_enabled(conf, backend.version.major),
        smtp_user=conf.smtp_user,
        smtp_password=conf.smtp_password,
        email_from=conf.email_from,
        from_filter=conf.from_filter,
    )


def database_name(backend: SqlBackend) -> str:
    """The name Odoo's filestore folder has: the PostgreSQL database's."""
    if backend.is_postgres:
        return backend.target.url.database or ""
    return backend.info.name


def data_dir(backend: SqlBackend) -> DataDir:
    conf = backend.target.odoo_conf
    return find_data_dir(
        backend.target.data_dir, conf.data_dir if conf else None, database_name(backend)
    )


def send_context(
    backend: SqlBackend, settings: DbSettings, *, max_message_mb: float = MAX_MESSAGE_MB
) -> SendContext:
    return SendContext(
        version=backend.version.major,
        settings=settings,
        conf=conf_smtp(backend),
        data_dir=data_dir(backend).path,
        dbname=database_name(backend),
        max_message_mb=max_message_mb,
    )
