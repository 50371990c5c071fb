"""What Send now and the .eml export need to build messages as Odoo does on this database:
its settings, odoo.conf's SMTP fallback, where its filestore is."""

from __future__ import annotations

from console.config.connection import ResolvedTarget
from console.config.odoo_conf import smtp_ssl_enabled, smtp_ssl_problem
from console.domain.errors import UsageError
from console.odoo.filestore import DataDir, find_data_dir
from console.smtp.routing import MAX_MESSAGE_MB, SendContext
from console.smtp.rows import DbSettings
from console.smtp.server_choice import ConfSmtp


def conf_smtp(target: ResolvedTarget, version: int) -> ConfSmtp:
    """odoo.conf's SMTP settings, Odoo's fallback when no server matches."""
    conf = target.odoo_conf
    if conf is None:
        return ConfSmtp()
    problem = smtp_ssl_problem(conf, version)
    if problem:  # Odoo itself would not run with this file: send nothing
        raise UsageError(problem)
    return ConfSmtp(
        smtp_server=conf.smtp_server,
        smtp_port=conf.smtp_port,
        smtp_ssl=smtp_ssl_enabled(conf, version),
        smtp_user=conf.smtp_user,
        smtp_password=conf.smtp_password,
        email_from=conf.email_from,
        from_filter=conf.from_filter,
    )


def data_dir(target: ResolvedTarget, dbname: str) -> DataDir:
    """Where this database's filestore is (console.odoo.filestore)."""
    conf = target.odoo_conf
    return find_data_dir(target.data_dir, conf.data_dir if conf else None, dbname)


def send_context(
    target: ResolvedTarget,
    version: int,
    dbname: str,
    settings: DbSettings,
    *,
    max_message_mb: float = MAX_MESSAGE_MB,
) -> SendContext:
    """Everything the message builder needs about this database and its odoo.conf."""
    return SendContext(
        version=version,
        settings=settings,
        conf=conf_smtp(target, version),
        data_dir=data_dir(target, dbname).path,
        dbname=dbname,
        max_message_mb=max_message_mb,
    )
