"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, on a free port.

It records every envelope (MAIL FROM, RCPT TO, raw DATA) and can misbehave on demand:
refuse some recipients (or whole domains) with 550, defer domains with 451 at RCPT,
answer DATA with a 4xx, stall before answering DATA,
require AUTH (and refuse it), offer STARTTLS or speak implicit TLS with a throwaway
self-signed certificate (made with the ``openssl`` command), drop the connection during
DATA, or delay every reply. ``faults`` make one command (MAIL, RCPT or the reply after
DATA) stall, reset the connection, or answer garbage, a few times. It counts the
connections open at once and can refuse those above a limit, as providers do.
With ``auth_echo`` a refused login is answered the way some servers do, echoing what
the client sent: ``535 5.7.8 Authentication failed for <user> <password> (AUTH PLAIN
<base64 of NUL user NUL password>)``, or the two base64 answers of AUTH LOGIN;
``auth_mechanisms`` limits what it offers (e.g. ``("LOGIN",)``).
"""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import shutil
import socket
import ssl
import struct
import subprocess
import tempfile
import threading
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from testkit.net import free_port

REFUSED_REPLY = "550 5.1.1 <{address}>: Recipient address rejected: User unknown"
TEMPFAIL_REPLY = "451 4.3.0 Temporary lookup failure, try again later"
DEFERRED_RCPT_REPLY = (
    "451 4.7.1 <{address}>: Recipient address rejected: greylisted, try again later"
)
TOO_MANY_REPLY = "421 4.3.2 Concurrent connections limit exceeded"
GARBAGE_REPLY = "hello, this is not an SMTP reply"
CLOSING_REPLY = "421 4.7.0 Too many messages in this session, closing connection"
BAD_CODE_REPLY = "700 7.0.0 a reply code SMTP does not have"


@dataclass(frozen=True)
class Fault:
    """Misbehave on ``command`` (MAIL, RCPT, or DATA: the reply after the message) once
    ``after`` messages were accepted, ``times`` times (counted over every connection).

    action: ``stall`` (answer after ``seconds``), ``reset`` (TCP RST), ``garbage`` (a line
    without a reply code), ``bad_code`` (a code SMTP does not have), ``truncated`` (half
    a reply, then close), ``close421`` (a 421 reply, then close). At DATA the message is
    kept (it was received, only the answer is wrong), except on ``reset``.
    """

    command: str
    action: str
    after: int = 0
    times: int = 1
    seconds: float = 5.0

    @property
    def keeps_message(self) -> bool:
        return self.command == "DATA" and self.action != "reset"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    mail_options: tuple[str, ...] = ()  # the MAIL FROM parameters (SIZE=...)

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


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

    async def _misbehave(self, server: Any, command: str, received: Received | None) -> str | None:
        """The reply of a due fault ("" once the connection is gone), else None."""
        fault = self.server.take_fault(command)
        if fault is None:
            return None
        if fault.keeps_message and received is not None:
            self.server.record(received)
        if fault.action == "stall":
            await asyncio.sleep(fault.seconds)
            return "250 OK"
        if fault.action == "reset":
            sock = server.transport.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            server.transport.abort()
            return ""
        if fault.action == "truncated":
            server.transport.write(b"25")
            server.transport.close()
            return ""
        if fault.action == "close421":  # a provider's "too many messages" ending the session
            server.transport.write(CLOSING_REPLY.encode() + b"\r\n")
            server.transport.close()
            return ""
        return GARBAGE_REPLY if fault.action == "garbage" else BAD_CODE_REPLY

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
        fault = await self._misbehave(server, "MAIL", None)
        if fault is not None:
            return fault
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        await self._pause()
        fault = await self._misbehave(server, "RCPT", None)
        if fault is not None:
            return fault
        domain = address.rpartition("@")[2].lower()
        if address.lower() in self.server.refuse or domain in self.server.refuse_domains:
            return REFUSED_REPLY.format(address=address)
        if domain in self.server.defer_domains:
            return DEFERRED_RCPT_REPLY.format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        received = Received(
            str(envelope.mail_from),
            tuple(envelope.rcpt_tos),
            bytes(envelope.original_content),
            tuple(envelope.mail_options),
        )
        fault = await self._misbehave(server, "DATA", received)
        if fault is not None:
            return fault
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
        refuse_domains: Iterable[str] = (),
        defer_domains: Iterable[str] = (),
        tempfail: bool = False,
        auth: tuple[str, str] | None = None,
        tls: str = "none",  # none | starttls | implicit
        drop_during_data: bool = False,
        delay: float = 0.0,
        data_delay: float = 0.0,
        faults: Iterable[Fault] = (),
        connection_limit: int | None = None,
        auth_echo: bool = False,
        auth_mechanisms: tuple[str, ...] | None = None,
    ) -> None:
        self.refuse = {a.lower() for a in refuse}
        self.refuse_domains = {d.lower() for d in refuse_domains}  # 550 at RCPT
        self.defer_domains = {d.lower() for d in defer_domains}  # 451 at RCPT
        self.tempfail = tempfail
        self.auth = auth
        self.tls = tls
        self.drop_during_data = drop_during_data
        self.delay = delay
        self.data_delay = data_delay
        self.faults = list(faults)
        self.fault_hits = [0] * len(self.faults)
        self.connection_limit = connection_limit
        self.auth_echo = auth_echo
        self.auth_mechanisms = auth_mechanisms
        self.open_connections = 0
        self.max_open_connections = 0  # the most open at the same time
        self.refused_connections = 0  # over connection_limit
        self.host = "127.0.0.1"
        self.port = free_port()
        self.received: list[Received] = []
        self.auth_attempts: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def record(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)

    def take_fault(self, command: str) -> Fault | None:
        with self._lock:
            for number, fault in enumerate(self.faults):
                due = fault.command == command and len(self.received) >= fault.after
                if due and self.fault_hits[number] < fault.times:
                    self.fault_hits[number] += 1
                    return fault
        return None

    def connection_opened(self) -> bool:
        """Count a new connection; False when it is over the limit (refused)."""
        with self._lock:
            if self.connection_limit is not None and (
                self.open_connections >= self.connection_limit
            ):
                self.refused_connections += 1
                return False
            self.open_connections += 1
            self.max_open_connections = max(self.max_open_connections, self.open_connections)
            return True

    def connection_closed(self) -> None:
        with self._lock:
            self.open_connections -= 1

    def wait_until_idle(self, timeout: float = 10.0) -> None:
        """Return once no connection is open (what was in flight is recorded or dropped);
        AssertionError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while self.open_connections:
            assert time.monotonic() < deadline, f"{self.open_connections} connections stay open"
            time.sleep(0.01)

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
        if self.auth_echo:
            return AuthResult(success=False, handled=False, message=_echo(mechanism, data))
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
            if self.auth_mechanisms is not None:
                offered = {"LOGIN", "PLAIN"}
                kwargs["auth_exclude_mechanism"] = sorted(offered - set(self.auth_mechanisms))
        self._controller = _Controller(self, _Handler(self), **kwargs)
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


def _echo(mechanism: str, data: LoginPassword) -> str:
    """A 535 reply that repeats the credentials, as some servers' replies do."""
    b64 = base64.b64encode
    if mechanism.upper() == "PLAIN":
        sent = b64(b"\0" + data.login + b"\0" + data.password).decode()
    else:
        sent = f"{b64(data.login).decode()} {b64(data.password).decode()}"
    who = f"{data.login.decode()} {data.password.decode()}"
    return f"535 5.7.8 Authentication failed for {who} (AUTH {mechanism.upper()} {sent})"


class _ObservedSmtp(SMTP):
    """aiosmtpd's server, counting its connections and refusing those over the limit."""

    def __init__(self, owner: SmtpTestServer, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.counted = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        first = self.transport is None  # not the same connection again after STARTTLS
        super().connection_made(transport)
        if first:
            self.counted = self.owner.connection_opened()

    def connection_lost(self, error: Exception | None) -> None:
        if self.counted:
            self.counted = False
            self.owner.connection_closed()
        super().connection_lost(error)

    async def _handle_client(self) -> None:
        if not self.counted:  # the greeting a provider sends when over its limit
            await self.push(TOO_MANY_REPLY)
            assert self.transport is not None
            self.transport.close()
            return
        await super()._handle_client()


class _Controller(Controller):
    def __init__(self, owner: SmtpTestServer, handler: Any, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.owner = owner

    def factory(self) -> SMTP:
        return _ObservedSmtp(self.owner, self.handler, **self.SMTP_kwargs)
