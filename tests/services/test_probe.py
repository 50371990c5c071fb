"""The live SMTP probe against real servers on 127.0.0.1 (aiosmtpd), no mocks.

Plain, STARTTLS with a self-signed certificate, implicit TLS, a server refusing the
login, a closed port, and both port/encryption mismatches; then the probe driven by the
servers of a real Odoo-shaped database and the odoo.conf fallback.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from console.backends.sql import open_backend
from console.cli.triage import run_triage
from console.config.connection import ConnectionSettings
from console.domain.health import Status
from console.services.probe import ProbeTarget, probe_backend, probe_plan, probe_target
from testkit.net import free_port
from testkit.odoo_dbs import build_sqlite
from testkit.smtp_server import SmtpTestServer

USER, PASSWORD = "relay-user@acme-shop.example", "S3cret-Pa55word!"
LOCAL = "127.0.0.1"
STEP_TIMEOUT = 1.5

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, SmtpTestServer]]:
    made = {
        "plain": SmtpTestServer(),
        "starttls": SmtpTestServer(tls="starttls", auth=(USER, PASSWORD)),
        "implicit": SmtpTestServer(tls="implicit"),
        "refusing": SmtpTestServer(auth=(USER, "another password")),
    }
    for server in made.values():
        server.start()
    yield made
    for server in made.values():
        server.stop()


def target(port: int, encryption: str, **kw: str | None) -> ProbeTarget:
    return ProbeTarget("t", "test", LOCAL, port, encryption, **kw)


async def test_plain_server_with_mail_from(servers: dict[str, SmtpTestServer]) -> None:
    result = await probe_target(
        target(servers["plain"].port, "none"), timeout=STEP_TIMEOUT, mail_from="a@acme-shop.example"
    )
    assert result.status is Status.OK
    names = [s.name for s in result.steps]
    assert names == ["connect", "ehlo", "login", "mail-from", "rset", "quit"]
    assert result.steps[0].code == 220 and result.steps[3].reply == "250 OK"
    assert "MAIL FROM a@acme-shop.example accepted" in result.verdict
    assert servers["plain"].received == []  # RSET: nothing was sent


async def test_starttls_self_signed_login_accepted(servers: dict[str, SmtpTestServer]) -> None:
    result = await probe_target(
        target(servers["starttls"].port, "starttls", user=USER, password=PASSWORD),
        timeout=STEP_TIMEOUT,
    )
    assert result.status is Status.OK, result
    steps = {s.name: s for s in result.steps}
    assert steps["starttls"].code == 220 and steps["login"].code == 235
    assert "STARTTLS" in steps["ehlo"].reply and "STARTTLS" not in steps["ehlo-tls"].reply
    assert result.verdict == "connects, TLS ok, login accepted"


async def test_strict_starttls_rejects_the_self_signed_certificate(
    servers: dict[str, SmtpTestServer],
) -> None:
    result = await probe_target(
        target(servers["starttls"].port, "starttls_strict", user=USER, password=PASSWORD),
        timeout=STEP_TIMEOUT,
    )
    assert result.status is Status.CRITICAL
    assert result.classification is not None
    assert result.classification.family == "tls_certificate"


async def test_implicit_tls(servers: dict[str, SmtpTestServer]) -> None:
    result = await probe_target(target(servers["implicit"].port, "ssl"), timeout=STEP_TIMEOUT)
    assert result.status is Status.OK and result.verdict == "connects, TLS ok"


async def test_login_refused_never_shows_the_credentials(
    servers: dict[str, SmtpTestServer],
) -> None:
    result = await probe_target(
        target(servers["refusing"].port, "none", user=USER, password=PASSWORD),
        timeout=STEP_TIMEOUT,
    )
    assert result.status is Status.CRITICAL
    assert result.steps[-1].name == "login" and result.steps[-1].code == 535
    assert result.classification is not None and result.classification.family == "auth"
    assert "535 auth failed" in result.verdict
    dumped = repr(result)
    assert PASSWORD not in dumped and USER not in dumped


async def test_closed_port() -> None:
    started = time.monotonic()
    result = await probe_target(target(free_port(), "starttls"), timeout=STEP_TIMEOUT)
    assert time.monotonic() - started < 5
    assert result.status is Status.CRITICAL
    assert result.classification is not None and result.classification.family == "refused"
    assert result.steps[0].name == "connect" and not result.steps[0].ok


async def test_ssl_on_a_plain_port_is_recognised(servers: dict[str, SmtpTestServer]) -> None:
    result = await probe_target(target(servers["plain"].port, "ssl"), timeout=STEP_TIMEOUT)
    assert result.status is Status.CRITICAL
    assert "WRONG_VERSION_NUMBER" in result.steps[0].reply
    assert [s.name for s in result.steps] == ["connect", "try-plain"] and result.steps[1].ok
    assert result.verdict.startswith("SSL/TLS on a port that speaks plain SMTP")
    assert "STARTTLS" in result.fix


async def test_plain_on_an_implicit_tls_port_times_out_then_is_recognised(
    servers: dict[str, SmtpTestServer],
) -> None:
    started = time.monotonic()
    result = await probe_target(target(servers["implicit"].port, "starttls"), timeout=STEP_TIMEOUT)
    assert time.monotonic() - started < 4 * STEP_TIMEOUT + 2  # bounded: never a hang
    assert result.status is Status.CRITICAL
    assert "timed out" in result.steps[0].reply
    assert result.steps[1].name == "try-ssl" and result.steps[1].ok
    assert "speaks implicit TLS" in result.verdict and "SSL/TLS" in result.fix


async def test_starttls_requested_but_not_offered(servers: dict[str, SmtpTestServer]) -> None:
    result = await probe_target(target(servers["plain"].port, "starttls"), timeout=STEP_TIMEOUT)
    assert result.status is Status.CRITICAL
    assert result.classification is not None and result.classification.family == "no_starttls"


async def test_odoo_refusal_needs_no_network() -> None:
    result = await probe_target(
        ProbeTarget("server:9", "archived", None, 25, "none", refusal="Missing SMTP Server")
    )
    assert result.status is Status.CRITICAL and result.steps[0].name == "config"


# -- driven by the database -----------------------------------------------------------------
def test_probe_the_servers_of_a_database(
    servers: dict[str, SmtpTestServer], tmp_path: Path
) -> None:
    url = build_sqlite(tmp_path, 17)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE ir_mail_server SET smtp_host = :h, smtp_port = :p, smtp_user = :u, "
                "smtp_pass = :pw, smtp_encryption = 'starttls' WHERE id = 1"
            ),
            {"h": LOCAL, "p": servers["starttls"].port, "u": USER, "pw": PASSWORD},
        )
        connection.execute(
            text(
                "UPDATE ir_mail_server SET smtp_host = :h, smtp_port = :p, "
                "smtp_encryption = 'ssl' WHERE id = 2"
            ),
            {"h": LOCAL, "p": servers["plain"].port},
        )
    engine.dispose()
    conf = tmp_path / "odoo.conf"
    conf.write_text(f"[options]\nsmtp_server = {LOCAL}\nsmtp_port = {free_port()}\n")
    backend = open_backend(ConnectionSettings(db_url=url, odoo_config=conf))
    try:
        targets, default_from = probe_plan(backend)
        assert [t.label for t in targets] == ["Brevo relay", "Office 365", "odoo.conf"]
        assert default_from == "notifications@acme-shop.example"
        results = probe_backend(backend, timeout=STEP_TIMEOUT, mail_from=True)
        args = argparse.Namespace(command="probe", json=True, timeout=STEP_TIMEOUT, mail_from="")
        output, code = run_triage(backend, args, tz=None)  # type: ignore[arg-type]
    finally:
        backend.close()
    by_label = {r.label: r for r in results}
    assert by_label["Brevo relay"].status is Status.OK
    assert any(s.name == "mail-from" and s.code == 250 for s in by_label["Brevo relay"].steps)
    assert by_label["Office 365"].verdict.startswith("SSL/TLS on a port that speaks plain")
    assert by_label["odoo.conf"].classification is not None
    assert by_label["odoo.conf"].classification.family == "refused"
    assert code == 1  # at least one server is broken
    payload = json.loads(output)
    assert [p["status"] for p in payload] == ["OK", "CRITICAL", "CRITICAL"]
    assert PASSWORD not in output and USER not in output
