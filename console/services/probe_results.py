"""What the SMTP probe is given and what it reports: a target, each step, the verdict."""

from __future__ import annotations

from dataclasses import dataclass, field

from console.domain.classify import Classification
from console.domain.health import Status


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
    name: str  # connect, ehlo, starttls, ehlo-tls, login, mail-from, rcpt, data, rset, quit
    ok: bool
    reply: str  # the server's reply ("250 OK") or what went wrong
    code: int | None = None
    elapsed_ms: int = 0
    command: str = ""  # what the client said ("MAIL FROM:<a@b>"), credentials masked


@dataclass(frozen=True, slots=True)
class Delivery:
    """A real message to hand over instead of MAIL FROM + RSET (the test mail)."""

    sender: str  # the envelope sender (MAIL FROM)
    recipients: tuple[str, ...]
    data: bytes = field(repr=False)  # the message as sent
    summary: str = ""  # shown for DATA: "1234 bytes, Subject: ..."


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
