"""Live SMTP probe: talk to each outgoing server the way Odoo would, step by step.

For every active `ir_mail_server` (and the odoo.conf fallback) it connects with the
configured encryption (`none`, `starttls`, `ssl`, 19's `*_strict` verify certificates),
says EHLO, logs in with the stored credentials, optionally tries `MAIL FROM` the default
From and `RSET`s, and reports each step's real reply. Every step has a timeout, so a
silent port cannot hang the probe. Credentials are never printed: every reply text goes
through the console's secret mask (``console.domain.secrets``: the password and its
base64 / AUTH PLAIN / AUTH LOGIN forms, the database's other secrets) and the login is
masked too. aiosmtplib is imported only when a probe runs.

`probe_results` holds what a probe is given and reports, `probe_session` one probe's
timed and masked steps; this module runs the conversation and gives the verdict.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from console.domain.actions import SUPERUSER_ID
from console.domain.classify import Classification, classify
from console.domain.health import Status
from console.domain.sanitize import one_line
from console.domain.secrets import NO_SECRETS, Credential, SecretMask
from console.services.probe_results import Delivery, ProbeResult, ProbeStep, ProbeTarget
from console.services.probe_session import ProbeSession, StepFailed, smtp_client

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend

__all__ = [
    "DEFAULT_TIMEOUT",
    "Delivery",
    "ProbeResult",
    "ProbeStep",
    "ProbeTarget",
    "probe_backend",
    "probe_plan",
    "probe_target",
    "probe_targets",
]

DEFAULT_TIMEOUT = 10.0
IMPLICIT_TLS_PORTS = frozenset({465})
STARTTLS_PORTS = frozenset({25, 587, 2525})


async def probe_target(
    target: ProbeTarget,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    mail_from: str | None = None,
    mask: SecretMask = NO_SECRETS,
    delivery: Delivery | None = None,
) -> ProbeResult:
    """Probe one server; never raises, never waits much longer than a few timeouts.
    With ``delivery`` the session hands the message over (MAIL FROM, RCPT TO, DATA)
    instead of stopping at MAIL FROM: the test mail."""
    probe = ProbeSession(target, timeout, mask)
    if target.refusal:
        probe.note("config", False, target.refusal)
        return _result(
            probe,
            Status.CRITICAL,
            f"Odoo refuses this server: {one_line(target.refusal)}",
            "Fix the server record (host, archived state) in Odoo",
        )
    if not target.host:
        probe.note("config", False, "no host")
        return _result(probe, Status.CRITICAL, "No SMTP host configured", "Set the host")
    try:
        return await asyncio.wait_for(_run(probe, mail_from, delivery), timeout * 9)
    except TimeoutError:
        probe.note("probe", False, "the whole probe timed out")
        return _result(
            probe,
            Status.CRITICAL,
            "The server stalls (the whole probe timed out)",
            "Probe host:port from the Odoo host; check firewalls and the server's load",
        )


async def _run(
    probe: ProbeSession, mail_from: str | None, delivery: Delivery | None = None
) -> ProbeResult:
    target = probe.target
    implicit = target.encryption.startswith("ssl")
    client = smtp_client(target, probe.timeout, implicit)
    try:
        try:
            await probe.step(
                "connect", client.connect(), probe.timeout * 2, f"(connect to {target.where})"
            )
        except StepFailed as failed:
            return await _connect_failed(probe, failed)
        await probe.step("ehlo", client.ehlo(), command="EHLO")
        if target.encryption.startswith("starttls"):
            if not client.supports_extension("starttls"):
                probe.note("starttls", False, "STARTTLS extension not supported by server.")
                return _failed(probe, "STARTTLS extension not supported by server.")
            starttls = client.starttls(validate_certs=_strict(target))
            await probe.step("starttls", starttls, command="STARTTLS")
            await probe.step("ehlo-tls", client.ehlo(), command="EHLO")
        login_note = ""
        if target.unsupported:
            probe.note("login", True, f"not tested: {target.unsupported}")
            login_note = "login not tested"
        elif target.user:
            if not client.supports_extension("auth"):
                probe.note("login", False, "SMTP AUTH extension not supported by server.")
                return _failed(probe, "SMTP AUTH extension not supported by server.")
            login = client.login(target.user, target.password or "")
            await probe.step("login", login, command="AUTH ******** (user and password masked)")
        else:
            probe.note("login", True, "no user configured: not logging in")
        accepted = ""
        if delivery is not None:
            accepted = await _deliver(probe, client, delivery)
        elif mail_from:
            await probe.step(
                "mail-from", client.mail(mail_from), command=f"MAIL FROM:<{mail_from}>"
            )
            await probe.step("rset", client.rset(), command="RSET")
        with contextlib.suppress(StepFailed):  # the verdict is made; a rude goodbye is fine
            await probe.step("quit", client.quit(), command="QUIT")
        done = ["connects"]
        if implicit or target.encryption.startswith("starttls"):
            done.append("TLS ok")
        if target.user and not target.unsupported:
            done.append("login accepted")
        if mail_from and delivery is None:
            done.append(f"MAIL FROM {mail_from} accepted")
        if accepted:
            done.append(f"message accepted ({accepted})")
        if login_note:
            return _result(
                probe,
                Status.WARNING,
                ", ".join(done) + f"; {login_note} ({target.unsupported})",
                "Test the login from Odoo (Test Connection on the server form)",
            )
        return _result(probe, Status.OK, ", ".join(done), "")
    except StepFailed as failed:
        return _failed(probe, failed.step.reply)
    finally:
        _close(client)


async def _deliver(probe: ProbeSession, client: Any, delivery: Delivery) -> str:
    """MAIL FROM, RCPT TO each recipient, DATA: the server's final reply."""
    sender = delivery.sender
    await probe.step("mail-from", client.mail(sender), command=f"MAIL FROM:<{sender}>")
    for recipient in delivery.recipients:
        await probe.step("rcpt", client.rcpt(recipient), command=f"RCPT TO:<{recipient}>")
    data = client.data(delivery.data)
    await probe.step("data", data, probe.timeout * 3, f"DATA ({delivery.summary})")
    return probe.steps[-1].reply  # masked, as every reply


def _strict(target: ProbeTarget) -> bool:
    return target.encryption.endswith("_strict")


def _close(client: Any) -> None:
    try:
        if client.is_connected:
            client.close()
    except Exception:
        return


async def _connect_failed(probe: ProbeSession, failed: StepFailed) -> ProbeResult:
    """Recognise the port/encryption mismatches, checking the other mode for real."""
    target = probe.target
    reply = failed.step.reply.lower()
    implicit = target.encryption.startswith("ssl")
    mismatch_ssl = implicit and any(
        s in reply for s in ("wrong_version_number", "wrong version number", "unknown_protocol")
    )
    silent = not implicit and ("timed out" in reply or "timeout" in reply)
    if mismatch_ssl and await _speaks(probe, use_tls=False):
        return _result(
            probe,
            Status.CRITICAL,
            f"SSL/TLS on a port that speaks plain SMTP: port {target.port} expects STARTTLS or "
            "no encryption",
            "Set encryption to TLS (STARTTLS) on this port, or use port 465 with SSL/TLS",
            classify("[SSL: WRONG_VERSION_NUMBER] wrong version number", None),
        )
    if silent and await _speaks(probe, use_tls=True):
        return _result(
            probe,
            Status.CRITICAL,
            f"No greeting in plain text: port {target.port} speaks implicit TLS",
            "Set encryption to SSL/TLS for this port (465), or use 587 with STARTTLS",
            classify("[SSL: WRONG_VERSION_NUMBER] wrong version number", None),
        )
    if silent and target.port in IMPLICIT_TLS_PORTS:
        return _result(
            probe,
            Status.CRITICAL,
            f"No greeting on port {target.port}: it usually expects implicit TLS (SSL/TLS)",
            "Set encryption to SSL/TLS on 465, or use 587 with STARTTLS",
            classify(failed.step.reply, None),
        )
    return _failed(probe, failed.step.reply)


async def _speaks(probe: ProbeSession, *, use_tls: bool) -> bool:
    """Does the port greet us in the other encryption mode? (a short, separate try)"""
    target = probe.target
    client = smtp_client(target, min(probe.timeout, 5.0), use_tls)
    name = "try-ssl" if use_tls else "try-plain"
    try:
        await probe.step(name, client.connect(), min(probe.timeout, 5.0) * 2)
        return True
    except StepFailed:
        return False
    finally:
        _close(client)


def _failed(probe: ProbeSession, reply: str) -> ProbeResult:
    classification = classify(reply, None)
    last = probe.steps[-1].name if probe.steps else "probe"
    return _result(
        probe,
        Status.CRITICAL,
        f"{last} failed: {classification.title} ({classification.explanation})",
        classification.fix,
        classification,
    )


def _result(
    probe: ProbeSession,
    status: Status,
    verdict: str,
    fix: str,
    classification: Classification | None = None,
) -> ProbeResult:
    target = probe.target
    return ProbeResult(
        key=target.key,
        label=target.label,
        where=target.where,
        status=status,
        verdict=probe.mask(verdict),
        fix=fix,
        steps=tuple(probe.steps),
        classification=classification,
        encryption=target.encryption,
    )


async def probe_targets(
    targets: Sequence[ProbeTarget],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    mail_from: str | None = None,
    mask: SecretMask = NO_SECRETS,
) -> list[ProbeResult]:
    """Probe every target concurrently (for a running event loop, e.g. the TUI)."""
    return list(
        await asyncio.gather(
            *(probe_target(t, timeout=timeout, mail_from=mail_from, mask=mask) for t in targets)
        )
    )


# -- targets from the database --------------------------------------------------------------
def probe_plan(backend: MailQueueBackend) -> tuple[list[ProbeTarget], str | None]:
    """(targets, default From): active servers in Odoo's order, then the odoo.conf fallback."""
    from console.smtp.server_choice import ConfSmtp, resolve_endpoint

    settings, conf_file = backend.mail_settings(SUPERUSER_ID)
    conf = conf_file or ConfSmtp()
    default_filter = settings.params.get("mail.default.from_filter") or conf.from_filter
    targets: list[ProbeTarget] = []
    active = [s for s in settings.servers if s.active]
    for server in active:
        endpoint = resolve_endpoint(server, conf, default_filter)
        targets.append(endpoint_target(endpoint))
    if conf_file is not None or not active:
        fallback = resolve_endpoint(None, conf, default_filter)
        label = "odoo.conf" if conf_file is not None else "odoo.conf defaults (no -c given)"
        targets.append(endpoint_target(fallback, label))
    return targets, backend.default_from_address()


def endpoint_target(endpoint: Any, label: str | None = None) -> ProbeTarget:
    return ProbeTarget(
        key=endpoint.key,
        label=label or endpoint.label,
        host=endpoint.host,
        port=int(endpoint.port),
        encryption=endpoint.encryption or "none",
        user=endpoint.user,
        password=endpoint.password,
        refusal=endpoint.refusal,
        unsupported=endpoint.unsupported,
    )


def probe_backend(
    backend: MailQueueBackend,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    mail_from: str | bool | None = None,
) -> list[ProbeResult]:
    """Probe every server of this database (blocking; runs its own event loop).

    `mail_from`: True tries MAIL FROM the default From, a string that address, None skips.
    Refused (FictitiousServers) on the sample while its servers are the fictitious ones.
    """
    from console.services.sample_guard import PROBE, refuse_fictitious_servers

    refuse_fictitious_servers(backend, PROBE)
    targets, default_from = probe_plan(backend)
    sender: str | None = None
    if mail_from is True:
        sender = default_from
    elif isinstance(mail_from, str) and mail_from:
        sender = mail_from
    # the servers' own passwords too, whatever the backend's mask knows (over Odoo's API
    # it knows the API key only)
    mask = backend.secret_mask().with_credentials(
        Credential(t.password, t.user) for t in targets if t.password
    )
    return asyncio.run(probe_targets(targets, timeout=timeout, mail_from=sender, mask=mask))
