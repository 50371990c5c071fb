"""Reading the `[options]` section of an odoo.conf file, as Odoo's own config does."""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from pathlib import Path

from console.domain.errors import UsageError

# Odoo writes unset options as "False" (or leaves them empty).
_UNSET = {"", "false", "none"}


def _value(options: configparser.SectionProxy, key: str) -> str | None:
    raw = options.get(key)
    if raw is None or raw.strip().lower() in _UNSET:
        return None
    return raw.strip()


@dataclass(frozen=True, slots=True)
class OdooConf:
    """The options of odoo.conf the console uses. Passwords stay private to this object."""

    path: Path
    db_host: str | None = None
    db_port: int | None = None
    db_user: str | None = None
    db_password: str | None = None
    db_names: tuple[str, ...] = ()
    db_sslmode: str | None = None
    # How Odoo lists its databases (docs/odoo-databases.md): the regexp of --db-filter, and
    # the template database it leaves out of the list (Odoo's default: template0).
    dbfilter: str | None = None
    db_template: str | None = None
    data_dir: str | None = None
    logfile: str | None = None
    email_from: str | None = None
    from_filter: str | None = None
    smtp_server: str | None = None
    smtp_port: int | None = None
    smtp_ssl: str | None = None  # as written: what it means depends on the version
    smtp_user: str | None = None
    smtp_password: str | None = None

    def __repr__(self) -> str:  # never leak the passwords through a repr
        return (
            f"OdooConf(path={str(self.path)!r}, db_host={self.db_host!r}, "
            f"db_names={self.db_names!r})"
        )


def _port(options: configparser.SectionProxy, key: str, path: Path) -> int | None:
    value = _value(options, key)
    if value is None:
        return None
    try:
        port = int(value)
    except ValueError:
        raise UsageError(f"{path}: {key} = {value!r} is not a number") from None
    if not 1 <= port <= 65535:
        raise UsageError(f"{path}: {key} = {port} is out of range (1 to 65535)")
    return port


def read_odoo_conf(path: Path) -> OdooConf:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            parser.read_file(handle)
    except FileNotFoundError as exc:
        raise UsageError(f"Odoo configuration file not found: {path}") from exc
    except IsADirectoryError as exc:
        raise UsageError(f"{path} is a directory, not an odoo.conf file") from exc
    except PermissionError as exc:
        raise UsageError(f"Cannot read {path}: permission denied") from exc
    except configparser.Error as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(f"{path} is not a valid odoo.conf file: {first_line}") from exc
    if not parser.has_section("options"):
        raise UsageError(f"{path} has no [options] section: is it an odoo.conf file?")
    options = parser["options"]
    names = _value(options, "db_name")
    smtp_ssl = options.get("smtp_ssl")
    return OdooConf(
        path=path,
        db_host=_value(options, "db_host"),
        db_port=_port(options, "db_port", path),
        db_user=_value(options, "db_user"),
        db_password=_value(options, "db_password"),
        db_names=tuple(n.strip() for n in names.split(",") if n.strip()) if names else (),
        db_sslmode=_value(options, "db_sslmode"),
        dbfilter=_value(options, "dbfilter"),
        db_template=_value(options, "db_template"),
        data_dir=_value(options, "data_dir"),
        logfile=_value(options, "logfile"),
        email_from=_value(options, "email_from"),
        from_filter=_value(options, "from_filter"),
        smtp_server=_value(options, "smtp_server"),
        smtp_port=_port(options, "smtp_port", path),
        smtp_ssl=smtp_ssl,
        smtp_user=_value(options, "smtp_user"),
        smtp_password=_value(options, "smtp_password"),
    )


_TRUE_19 = {"1", "yes", "true", "on"}
_FALSE_19 = {"0", "no", "false", "off"}


def smtp_ssl_enabled(conf: OdooConf, version: int) -> bool:
    """Whether Odoo ``version`` connects with STARTTLS to odoo.conf's SMTP server.

    ``IrMailServer.connect`` uses STARTTLS when ``tools.config.get('smtp_ssl')`` is
    truthy (odoo.conf never selects implicit SSL). Up to 18 the file's value is kept as a
    string except ``True``/``true`` and ``False``/``false``: so ``0``, ``no`` or ``off``
    mean STARTTLS too, only an empty value or ``False`` mean none. 19 parses booleans
    (``1 yes true on`` / ``0 no false off``, any case; ``None`` is unset) and refuses to
    start on any other value (``smtp_ssl_problem``); that case reads as False here.
    """
    raw = conf.smtp_ssl
    if raw is None:
        return False
    if version <= 18:
        return raw not in ("", "False", "false")
    return raw.lower() in _TRUE_19


def smtp_ssl_problem(conf: OdooConf, version: int) -> str | None:
    """Why Odoo ``version`` cannot start with this smtp_ssl value (19), or None."""
    raw = conf.smtp_ssl
    if raw is None or version <= 18 or raw == "None" or raw.lower() in _TRUE_19 | _FALSE_19:
        return None
    return (
        f"{conf.path}: smtp_ssl = {raw!r} is not a boolean: Odoo {version} refuses to start "
        "with it (use 1/yes/true/on or 0/no/false/off)"
    )
