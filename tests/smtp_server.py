"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, on a free port.

It records every envelope (MAIL FROM, RCPT TO, raw DATA) and can misbehave on demand:
refuse some recipients with 550, answer DATA with a 4xx, stall before answering DATA,
require AUTH (and refuse it), offer STARTTLS or speak implicit TLS with a throwaway
self-signed certificate (made with the ``openssl`` command), drop the connection during
DATA, or delay every reply.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

REFUSED_REPLY = "550 5.1.1 <{address}>: Recipient address rejected: User unknown"
TEMPFAIL_REPLY = "451 4.3.0 Temporary lookup failure, try again later"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_CERT_LOCK = threading.Lock()
_CERT: tuple[Path, Path] | None = None


def self_signed_cert() -> tuple[Path, Path]:
    """(certificate, key) files for CN=localhost, made once per test session."""
    global _CERT
    with _CERT_LOCK:
        if _CERT is None:
            openssl = shutil.which("openssl")
            if openssl is None:
                raise RuntimeError("the openssl command is needed for the TLS tests")
            directory = Path(tempfile.mkdtemp(prefix="mailq-smtp-cert-"))
            cert, key = directory / "cert.pem", directory / "key.pem"
            subprocess.run(
                [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                 "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
                check=True, capture_output=True, timeout=60,
            )  # fmt: skip
            _CERT = (cert, key)
        return _CERT


def _server_context() -> ssl.SSLContext:
    cert, key = self_signed_cert()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    return context


class _Handler:
    def __init__(self, server: SmtpTestServer) -> None:
        self.server = server

    async def _pause(self) -> None:
        if self.server.delay:
            await asyncio.sleep(self.server.delay)

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        await self._pause()
        session.host_name = hostname
        return responses

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        await self._pause()
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        await self._pause()
        if address.lower() in self.server.refuse:
            return REFUSED_REPLY.format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        received = Received(
            str(envelope.mail_from), tuple(envelope.rcpt_tos), bytes(envelope.original_content)
        )
        if self.server.drop_during_data:
            self.server.record(received)
            server.transport.close()
            return "421 4.3.0 closing"
        await self._pause()
        if self.server.data_delay:
            await asyncio.sleep(self.server.data_delay)
        if self.server.tempfail:
            return TEMPFAIL_REPLY
        self.server.record(received)
        return "250 2.0.0 Ok: queued"


class SmtpTestServer:
    """``with SmtpTestServer(...) as smtp:`` then ``smtp.port`` / ``smtp.received``."""

    def __init__(
        self,
        *,
        refuse: Iterable[str] = (),
        tempfail: bool = False,
        auth: tuple[str, str] | None = None,
        tls: str = "none",  # none | starttls | implicit
        drop_during_data: bool = False,
        delay: float = 0.0,
        data_delay: float = 0.0,
    ) -> None:
        self.refuse = {a.lower() for a in refuse}
        self.tempfail = tempfail
        self.auth = auth
        self.tls = tls
        self.drop_during_data = drop_during_data
        self.delay = delay
        self.data_delay = data_delay
        self.host = "127.0.0.1"
        self.port = free_port()
        self.received: list[Received] = []
        self.auth_attempts: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def record(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)

    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [r.message for r in self.received]

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword) or self.auth is None:
            return AuthResult(success=False, handled=False)
        login, password = data.login.decode(), data.password.decode()
        self.auth_attempts.append((login, password))
        if (login, password) == self.auth:
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)  # aiosmtpd answers 535 5.7.8

    def start(self) -> SmtpTestServer:
        kwargs: dict[str, Any] = {"hostname": self.host, "port": self.port, "ready_timeout": 10}
        if self.tls == "implicit":
            kwargs["ssl_context"] = _server_context()
        elif self.tls == "starttls":
            kwargs["tls_context"] = _server_context()
        if self.auth is not None:
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
            kwargs.update(
                authenticator=self._authenticate, auth_required=True, auth_require_tls=False
            )
        self._controller = Controller(_Handler(self), **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
