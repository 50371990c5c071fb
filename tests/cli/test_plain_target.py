"""The PostgreSQL target `status` resolves without SQLAlchemy (config.plain_target) is the
one resolve_target makes with it: the same URL shown (password masked), the same keywords
for psycopg.connect, the same precedence; and None wherever only the full path can say."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

from console.config.connection import ENV_DB_URL, ConnectionSettings, resolve_target
from console.config.plain_target import plain_postgres_target

URLS = (
    "postgresql://odoo@db.example.com:5433/acme_prod",
    "postgresql+psycopg://odoo:s3cret@db.example.com/acme",
    "postgres://odoo:p%40ss%23w0rd%25@db.example.com/acme%20prod",
    "postgresql://odoo@/acme?host=/var/run/postgresql&port=5433",
    "postgresql://od%2Foo@[::1]:5432/acme?sslmode=require&application_name=x%20y",
    "postgresql://@localhost/acme",
    "postgresql+psycopg2://odoo:@10.0.0.5/acme",
    "postgresql://localhost/a+b c?connect_timeout=3",
)


def _full(settings: ConnectionSettings) -> tuple[str, dict[str, object]]:
    url = resolve_target(settings).url
    _, kwargs = PGDialect_psycopg().create_connect_args(url)
    kwargs.pop("context", None)  # the dialect's type adapters, not part of the target
    return url.render_as_string(hide_password=True), kwargs


def _plain(settings: ConnectionSettings) -> tuple[str, dict[str, object]]:
    target = plain_postgres_target(settings)
    assert target is not None
    return target.display_url, target.connect_kwargs()


@pytest.mark.parametrize("url", URLS)
def test_a_url_reads_as_sqlalchemy_reads_it(url: str) -> None:
    settings = ConnectionSettings(db_url=url)
    assert _plain(settings) == _full(settings)
    assert "s3cret" not in _plain(settings)[0]


@pytest.mark.parametrize("url", URLS[:3])
def test_the_environment_and_dash_d(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DB_URL, url)
    for settings in (ConnectionSettings(), ConnectionSettings(database="other db")):
        assert _plain(settings) == _full(settings)
    with_db = ConnectionSettings(db_url=url, database="picked")
    assert _plain(with_db) == _full(with_db)  # --db wins over the environment


@pytest.mark.parametrize(
    "body",
    [
        "db_host = db.example.com\ndb_port = 5433\ndb_user = odoo\ndb_password = pw%1\n"
        "db_name = acme\ndb_sslmode = verify-full\n",
        "db_user = odoo\ndb_name = acme\n",  # no host: the local socket, as Odoo
        "db_host = db.example.com\ndb_name = postgresql://u:pw@other/named\n",
    ],
)
def test_an_odoo_conf(body: str, tmp_path: Path) -> None:
    conf = tmp_path / "odoo.conf"
    conf.write_text("[options]\n" + body)
    settings = ConnectionSettings(odoo_config=conf)
    assert _plain(settings) == _full(settings)


def test_only_the_full_path_answers_the_rest(tmp_path: Path) -> None:
    conf = tmp_path / "odoo.conf"
    conf.write_text("[options]\ndb_name = a,b\n")
    sqlite = tmp_path / "x.sqlite"
    sqlite.write_bytes(b"")
    for settings in (
        ConnectionSettings(),  # the sample
        ConnectionSettings(db_url=f"sqlite:///{sqlite}"),
        ConnectionSettings(db_url="postgresql://u@h1/db?host=h2&host=h3"),  # several hosts
        ConnectionSettings(db_url="postgresql://u@host/"),  # no database: the full path says
        ConnectionSettings(db_url="not a url"),
        ConnectionSettings(odoo_config=conf),  # several databases: -d is needed
        ConnectionSettings(odoo_config=tmp_path / "missing.conf"),
        ConnectionSettings(api_url="https://acme.odoo.com"),
    ):
        assert plain_postgres_target(settings) is None, settings
