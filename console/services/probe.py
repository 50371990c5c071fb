"""Live SMTP probe: talk to each outgoing server the way Odoo would, step by step.

For every active `ir_mail_server` (and the odoo.conf fallback) it connects with the
configured encryption (`none`, `starttls`, `ssl`, 19's `*_strict` verify certificates),
says EHLO, logs in with the stored credentials, optionally tries `MAIL FROM` the default
From and `RSET`s, and reports each step's real reply. Every step has a timeout, so a
silent port cannot hang the probe. Credentials are never printed: every reply text goes
through the console's secret mask (``console.domain.secrets``: the password and its
base64 / AUTH PLAIN / AUTH LOGIN forms, the database's other secrets) and the login is
masked too. aiosmtplib is imported only when a probe runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from console.domain.actions import SUPERUSER_ID
from console.domain.classify import Classification, classify
from console.domain.health import Status
from console.domain.sanitize import one_line
from console.domain.secrets import NO_SECRETS, Credential, SecretMask

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend

T = TypeVar("T")

DEFAULT_TIMEOUT = 10.0
IMPLICIT_TLS_PORTS = frozenset({465})
STARTTLS_PORTS = frozenset({25, 587, 2525})


@dataclass(frozen=True, slots=True)
class ProbeTarget:
    """Where and how to connect. The password never leaves this object."""

    key: str  # "server:<id>" or "odoo.conf"
    label: str
    host: str | None
    port: int
    encryption: str  # none | starttls | ssl | starttls_strict | ssl_strict
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    refusal: str | None = None  # Odoo itself would refuse this server (no host, ...)
    unsupported: str | None = None  # a login only Odoo can do (OAuth, certificate)

    @property
    def where(self) -> str:
        return f"{self.host or '?'}:{self.port} ({self.encryption})"


@dataclass(frozen=True, slots=True)
class ProbeStep:
    name: str  # connect, ehlo, starttls, ehlo-tls, login, mail-from, rset, quit
    ok: bool
    reply: str  # the server's reply ("250 OK") or what went wrong
    code: int | None = None
    elapsed_ms: int = 0


@dataclass(frozen=True, slots=True)
class ProbeResult:
    key: str
    label: str
    where: str
    status: Status
    verdict: str
    fix: str
    steps: tuple[ProbeStep, ...]
    classification: Classification | None = None
    encryption: str = "none"  # as configured: none | starttls | ssl | *_strict (19)

    @property
    def certificate_verified(self) -> bool | None:
        """Whether the server's TLS certificate is checked (None: no TLS configured)."""
        if self.encryption.endswith("_strict"):
            return True
        return False if self.encryption in ("starttls", "ssl") else None

    @property
    def tls_note(self) -> str:
        """Said plainly wherever the probe is shown: what `starttls`/`ssl` do not check."""
        if self.certificate_verified is not False:
            return ""
        return (
            "the TLS certificate is NOT verified (Odoo 16-18 do not verify it, nor 19 in "
            "starttls/ssl mode; this probe and Send now do the same): a server or network "
            "that impersonates this host would be accepted and see the password; Odoo 19's "
            "starttls_strict/ssl_strict verify it"
        )


class _StepFailed(Exception):
    def __init__(self, step: ProbeStep, error: BaseException | None) -> None:
        super().__init__(step.reply)
        self.step = step
        self.error = error


class _Probe:
    def __init__(self, target: ProbeTarget, timeout: float, mask: SecretMask) -> None:
        self.target = target
        self.timeout = timeout
        self.steps: list[ProbeStep] = []
        if target.password:
            mask = mask.with_credentials([Credential(target.password, target.user)])
        self._mask = mask.with_secrets([target.user] if target.user else [])

    def mask(self, text: str) -> str:
        return one_line(self._mask.text(text), 300)

    async def step(self, name: str, work: Awaitable[T], timeout: float | None = None) -> T:
        started = time.monotonic()
        try:
            result = await asyncio.wait_for(work, timeout or self.timeout)
        except Exception as exc:
            elapsed = int((time.monotonic() - started) * 1000)
            code = getattr(exc, "code", None)
            failed = ProbeStep(
                name,
                False,
                self.mask(_describe(exc)),
                code if isinstance(code, int) else None,
                elapsed,
            )
            self.steps.append(failed)
            raise _StepFailed(failed, exc) from None
        elapsed = int((time.monotonic() - started) * 1000)
        code = getattr(result, "code", None)
        message = getattr(result, "message", "")
        reply = f"{code} {message}".strip() if code is not None else "ok"
        self.steps.append(
            ProbeStep(
                name, True, self.mask(reply), code if isinstance(code, int) else None, elapsed
            )
        )
        return result

    def note(self, name: str, ok: bool, reply: str) -> ProbeStep:
        step = ProbeStep(name, ok, self.mask(reply))
        self.steps.append(step)
        return step


def _describe(exc: BaseException) -> str:
    """The exception as Odoo's smtplib code would have worded it, for classify()."""
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "timed out: no reply within the step timeout"
    try:
        from console.smtp.sender import odoo_equivalent

        equivalent = odoo_equivalent(exc)
    except Exception:
        equivalent = exc
    text = str(equivalent) or type(equivalent).__name__
    cause = exc.__cause__
    if "ssl" in type(cause).__name__.lower() and str(cause) not in text:
        text = f"{text} ({cause})"
    return f"{type(equivalent).__name__}: {text}"


def _client(target: ProbeTarget, timeout: float, use_tls: bool) -> Any:
    import aiosmtplib

    return aiosmtplib.SMTP(
        hostname=target.host,
        port=target.port,
        timeout=timeout,
        use_tls=use_tls,
        start_tls=False,  # we do STARTTLS ourselves, as its own step
        validate_certs=target.encryption.endswith("_strict"),
    )


async def probe_target(
    target: ProbeTarget,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    mail_from: str | None = None,
    mask: SecretMask = NO_SECRETS,
) -> ProbeResult:
    """Probe one server; never raises, never waits much longer than a few timeouts."""
    probe = _Probe(target, timeout, mask)
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
        return await asyncio.wait_for(_run(probe, mail_from), timeout * 9)
    except TimeoutError:
        probe.note("probe", False, "the whole probe timed out")
        return _result(
            probe,
            Status.CRITICAL,
            "The server stalls (the whole probe timed out)",
            "Probe host:port from the Odoo host; check firewalls and the server's load",
        )


async def _run(probe: _Probe, mail_from: str | None) -> ProbeResult:
    target = probe.target
    implicit = target.encryption.startswith("ssl")
    client = _client(target, probe.timeout, implicit)
    try:
        try:
            await probe.step("connect", client.connect(), probe.timeout * 2)
        except _StepFailed as failed:
            return await _connect_failed(probe, failed)
        await probe.step("ehlo", client.ehlo())
        if target.encryption.startswith("starttls"):
            if not client.supports_extension("starttls"):
                probe.note("starttls", False, "STARTTLS extension not supported by server.")
                return _failed(probe, "STARTTLS extension not supported by server.")
            await probe.step("starttls", client.starttls(validate_certs=_strict(target)))
            await probe.step("ehlo-tls", client.ehlo())
        login_note = ""
        if target.unsupported:
            probe.note("login", True, f"not tested: {target.unsupported}")
            login_note = "login not tested"
        elif target.user:
            if not client.supports_extension("auth"):
                probe.note("login", False, "SMTP AUTH extension not supported by server.")
                return _failed(probe, "SMTP AUTH extension not supported by server.")
            await probe.step("login", client.login(target.user, target.password or ""))
        else:
            probe.note("login", True, "no user configured: not logging in")
        if mail_from:
            await probe.step("mail-from", client.mail(mail_from))
            await probe.step("rset", client.rset())
        with contextlib.suppress(_StepFailed):  # the verdict is made; a rude goodbye is fine
            await probe.step("quit", client.quit())
        done = ["connects"]
        if implicit or target.encryption.startswith("starttls"):
            done.append("TLS ok")
        if target.user and not target.unsupported:
            done.append("login accepted")
        if mail_from:
            done.append(f"MAIL FROM {mail_from} accepted")
        if login_note:
            return _result(
                probe,
                Status.WARNING,
                ", ".join(done) + f"; {login_note} ({target.unsupported})",
                "Test the login from Odoo (Test Connection on the server form)",
            )
        return _result(probe, Status.OK, ", ".join(done), "")
    except _StepFailed as failed:
        return _failed(probe, failed.step.reply)
    finally:
        _close(client)


def _strict(target: ProbeTarget) -> bool:
    return target.encryption.endswith("_strict")


def _close(client: Any) -> None:
    try:
        if client.is_connected:
            client.close()
    except Exception:
        return


async def _connect_failed(probe: _Probe, failed: _StepFailed) -> ProbeResult:
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


async def _speaks(probe: _Probe, *, use_tls: bool) -> bool:
    """Does the port greet us in the other encryption mode? (a short, separate try)"""
    target = probe.target
    client = _client(target, min(probe.timeout, 5.0), use_tls)
    name = "try-ssl" if use_tls else "try-plain"
    try:
        await probe.step(name, client.connect(), min(probe.timeout, 5.0) * 2)
        return True
    except _StepFailed:
        return False
    finally:
        _close(client)


def _failed(probe: _Probe, reply: str) -> ProbeResult:
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
    probe: _Probe,
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
        targets.append(_target(endpoint))
    if conf_file is not None or not active:
        fallback = resolve_endpoint(None, conf, default_filter)
        label = "odoo.conf" if conf_file is not None else "odoo.conf defaults (no -c given)"
        targets.append(_target(fallback, label))
    return targets, backend.default_from_address()


def _target(endpoint: Any, label: str | None = None) -> ProbeTarget:
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
    """
    targets, default_from = probe_plan(backend)
    sender: str | None = None
    if mail_from is True:
        sender = default_from
    elif isinstance(mail_from, str) and mail_from:
        sender = mail_from
    mask = backend.secret_mask()
    return asyncio.run(probe_targets(targets, timeout=timeout, mail_from=sender, mask=mask))
