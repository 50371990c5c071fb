"""Where to connect: --db > -c odoo.conf > $ODOO_MAILQ_DB > the bundled sample."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from console.config.url_check import EXPECTED, check_db_url
from console.domain.errors import UsageError

if TYPE_CHECKING:  # SQLAlchemy loads in the connect worker, after the TUI's first paint
    from sqlalchemy.engine import URL

    from console.config.odoo_conf import OdooConf

ENV_DB_URL = "ODOO_MAILQ_DB"


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """What the operator asked for on the command line."""

    db_url: str | None = None
    odoo_config: Path | None = None
    database: str | None = None  # -d NAME
    read_only: bool = False
    statement_timeout_ms: int = 30_000
    reset_sample: bool = False
    data_dir: str | None = None  # --data-dir: Odoo's data_dir, for filestore attachments
    # Odoo's external API instead of the database (--url, --odoo-db, --login)
    api_url: str | None = None
    odoo_db: str | None = None
    login: str | None = None
    api_key: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class ResolvedTarget:
    """The database to open, decided from the settings."""

    url: URL
    source: str  # "--db", "odoo.conf", "$ODOO_MAILQ_DB" or "sample"
    odoo_conf: OdooConf | None = None
    data_dir: str | None = None  # --data-dir as given (console.odoo.filestore decides)
    log_file: Path | None = None  # Odoo's log that goes with this database (the sample's)

    @property
    def display_url(self) -> str:
        return mask_url(self.url)


def mask_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def parse_db_url(raw: str, origin: str) -> URL:
    """A SQLAlchemy URL, with `postgresql://` routed to psycopg 3."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    backend = check_db_url(raw, origin)  # scheme, driver, port, percent-encoding
    try:
        url = make_url(raw.strip())
    except (ArgumentError, ValueError):
        raise UsageError(f"{origin}: not a database URL ({EXPECTED})") from None
    if backend == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
        if not url.database:
            raise UsageError(f"{origin}: the URL names no database (add /dbname at the end)")
        return url
    if not url.database or url.database == ":memory:":
        raise UsageError(f"{origin}: an SQLite URL needs a file path (sqlite:///path/file.sqlite)")
    if not Path(url.database).is_file():
        raise UsageError(f"{origin}: no SQLite database file at {url.database}")
    return url


def _url_from_odoo_conf(conf: OdooConf, database: str | None) -> URL:
    from sqlalchemy.engine import URL

    names = conf.db_names
    if database:
        name = database
    elif len(names) == 1:
        name = names[0]
    elif not names:
        raise UsageError(
            f"{conf.path} sets no db_name: choose the database with -d NAME "
            "(odoo-mailq fleet lists them)"
        )
    else:
        raise UsageError(
            f"{conf.path} lists several databases ({', '.join(names)}): choose one with -d NAME "
            "(odoo-mailq fleet shows them all)"
        )
    if name.startswith(("postgres://", "postgresql://")):
        return parse_db_url(name, f"{conf.path} db_name")
    query: dict[str, str] = {}
    if conf.db_sslmode:
        query["sslmode"] = conf.db_sslmode
    host = conf.db_host
    if host is None:
        # libpq's default: the local Unix socket, as Odoo itself does when db_host is unset.
        query["host"] = "/var/run/postgresql"
    return URL.create(
        "postgresql+psycopg",
        username=conf.db_user,
        password=conf.db_password,
        host=host,
        port=conf.db_port,
        database=name,
        query=query,
    )


def precheck_target(settings: ConnectionSettings) -> None:
    """The checks that need no database driver, so the TUI can refuse a bad target before
    it opens (SQLAlchemy itself loads later, in the connect worker)."""
    conf = settings_odoo_conf(settings)  # a bad odoo.conf (db_port = abc) fails here
    if settings.db_url:
        check_db_url(settings.db_url, "--db")
        return
    if conf is not None:
        if not settings.database and len(conf.db_names) != 1:
            _url_from_odoo_conf(conf, None)  # raises the one-line reason
        name = settings.database or conf.db_names[0]
        if name.startswith(("postgres://", "postgresql://")):
            check_db_url(name, f"{conf.path} db_name")
        return
    raw = os.environ.get(ENV_DB_URL, "").strip()
    if raw:
        check_db_url(raw, f"${ENV_DB_URL}")


def resolve_target(settings: ConnectionSettings) -> ResolvedTarget:
    """Apply the precedence rules; the sample is copied to the state directory on first use."""
    conf = settings_odoo_conf(settings)
    if settings.db_url:
        url = parse_db_url(settings.db_url, "--db")
        if settings.database and url.get_backend_name() == "postgresql":
            url = url.set(database=settings.database)
        return ResolvedTarget(url, "--db", conf, settings.data_dir)
    if conf is not None:
        url = _url_from_odoo_conf(conf, settings.database)
        return ResolvedTarget(url, "odoo.conf", conf, settings.data_dir)
    env_url = os.environ.get(ENV_DB_URL, "").strip()
    if env_url:
        url = parse_db_url(env_url, f"${ENV_DB_URL}")
        if settings.database and url.get_backend_name() == "postgresql":
            url = url.set(database=settings.database)
        return ResolvedTarget(url, f"${ENV_DB_URL}", data_dir=settings.data_dir)
    from sqlalchemy.engine import URL

    from console.config.sample import sample_database_path, sample_log_path

    path = sample_database_path(reset=settings.reset_sample)
    log = sample_log_path()
    url = URL.create("sqlite", database=str(path))
    return ResolvedTarget(url, "sample", log_file=log if log.is_file() else None)


def targets_sample(settings: ConnectionSettings) -> bool:
    """True when these settings open the bundled sample (nothing else was named)."""
    return not (
        settings.db_url
        or settings.odoo_config
        or settings.api_url
        or os.environ.get(ENV_DB_URL, "").strip()
    )


def sample_log(settings: ConnectionSettings) -> Path | None:
    """The sample's Odoo log when these settings open the sample (its copy is made now if
    needed, so the log's times match the copy's), else None."""
    if not targets_sample(settings):
        return None
    from console.config.sample import sample_database_path, sample_log_path

    sample_database_path(reset=settings.reset_sample)
    log = sample_log_path()
    return log if log.is_file() else None


def settings_odoo_conf(settings: ConnectionSettings) -> OdooConf | None:
    """The odoo.conf given with -c, read (None without -c)."""
    if not settings.odoo_config:
        return None
    from console.config.odoo_conf import read_odoo_conf  # configparser: only with -c

    return read_odoo_conf(settings.odoo_config)
