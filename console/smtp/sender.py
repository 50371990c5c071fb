"""SMTP sessions with aiosmtplib, behaving like Odoo's ``IrMailServer.connect`` /
``send_email`` (smtplib), with a timeout on the connection and on every command.

Errors are translated into the ``smtplib`` / ``socket`` / ``ssl`` exceptions Odoo would
have caught, so ``console.smtp.reasons`` can write Odoo's exact failure text. Passwords
never appear in an exception, a repr or a log line.

Like Odoo 16-18, TLS (``starttls`` / ``ssl``) does not verify the server certificate
(smtplib's default context); 19's ``*_strict`` modes do.
"""

from __future__ import annotations

import asyncio
import errno as errno_module
import io
import os
import smtplib
import socket
import ssl
from copy import copy as shallow_copy
from dataclasses import dataclass, field
from email.message import EmailMessage

import aiosmtplib

from console.domain.mailtools import idna_encode
from console.smtp.header_check import CheckedBytesGenerator, HeaderWriteError
from console.smtp.server_choice import Endpoint


class SmtpFailure(Exception):
    """An SMTP problem, carried as the exception Odoo's smtplib code would have seen."""

    def __init__(
        self, odoo_error: BaseException, *, broken: bool, maybe_delivered: bool = False
    ) -> None:
        super().__init__(f"{type(odoo_error).__name__}: {odoo_error}")
        self.odoo_error = odoo_error
        self.broken = broken  # the session cannot be used any more
        # The message was transmitted and no clear refusal came back (a timeout, a drop,
        # garbage instead of the final reply): the server may have accepted it.
        self.maybe_delivered = maybe_delivered

    @property
    def disconnected(self) -> bool:
        """Odoo re-raises SMTPServerDisconnected out of ``_send`` (no failure is written)."""
        return isinstance(self.odoo_error, smtplib.SMTPServerDisconnected)


def _b(message: str) -> bytes:
    return message.encode("utf-8", errors="replace")


def _os_error(exc: OSError) -> OSError:
    """socket.create_connection's error (asyncio words its messages differently)."""
    if isinstance(exc, ssl.SSLError | socket.gaierror | TimeoutError):
        return exc
    code = exc.errno
    if code is not None and code in errno_module.errorcode:
        return type(exc)(code, os.strerror(code))
    return exc


def odoo_equivalent(exc: BaseException) -> BaseException:
    """The exception smtplib (and so Odoo) raises for the same event."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return smtplib.SMTPRecipientsRefused(
            {r.recipient: (r.code, _b(r.message)) for r in exc.recipients}
        )
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused):
        return smtplib.SMTPRecipientsRefused({exc.recipient: (exc.code, _b(exc.message))})
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        return smtplib.SMTPSenderRefused(exc.code, _b(exc.message), exc.sender)
    if isinstance(exc, aiosmtplib.SMTPConnectResponseError):
        return smtplib.SMTPConnectError(exc.code, _b(exc.message))
    if isinstance(exc, aiosmtplib.SMTPConnectTimeoutError) and "waiting" not in exc.message:
        return TimeoutError("timed out")  # socket.create_connection: socket.timeout
    if isinstance(exc, aiosmtplib.SMTPReadTimeoutError | aiosmtplib.SMTPConnectTimeoutError):
        # smtplib.getreply: an OSError while reading closes and raises this
        return smtplib.SMTPServerDisconnected("Connection unexpectedly closed: timed out")
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):  # our own guard on a command
        return smtplib.SMTPServerDisconnected("Connection unexpectedly closed: timed out")
    if isinstance(exc, aiosmtplib.SMTPTimeoutError):  # TLS handshake
        return TimeoutError("timed out")
    if isinstance(exc, aiosmtplib.SMTPConnectError):
        cause = exc.__cause__
        if isinstance(cause, OSError):
            return _os_error(cause)
        return OSError(str(exc))
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected | ConnectionError):
        return smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    for source, target in (
        (aiosmtplib.SMTPDataError, smtplib.SMTPDataError),
        (aiosmtplib.SMTPAuthenticationError, smtplib.SMTPAuthenticationError),
        (aiosmtplib.SMTPHeloError, smtplib.SMTPHeloError),
    ):
        if isinstance(exc, source):
            return target(exc.code, _b(exc.message))
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return smtplib.SMTPResponseException(exc.code, _b(exc.message))
    if isinstance(exc, aiosmtplib.SMTPException):
        text = exc.message
        if "STARTTLS" in text:
            return smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server.")
        if "AUTH extension" in text:
            return smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
        if "No suitable authentication" in text:
            return smtplib.SMTPException("No suitable authentication method found.")
        return smtplib.SMTPException(text)
    if isinstance(exc, OSError):
        return _os_error(exc)
    return exc


_MALFORMED = "Malformed SMTP response line: "


def _malformed_reply(exc: BaseException) -> bytes | None:
    """The message smtplib keeps from a reply line without a numeric code, else None.

    smtplib.getreply: ``int(line[:3])`` fails, so the code is -1 and the message is
    ``line[4:].strip()``; aiosmtplib raises with the whole line in its message.
    """
    if not isinstance(exc, aiosmtplib.SMTPResponseException) or exc.code != -1:
        return None
    if not exc.message.startswith(_MALFORMED):
        return None
    line = exc.message[len(_MALFORMED) :].encode("utf-8", errors="surrogateescape")
    return line[4:].strip(b" \t\r\n")


@dataclass(slots=True)
class _Progress:
    """Where one ``send`` is: MAIL, RCPT (which recipient) or DATA."""

    stage: str = "MAIL"
    recipient: str = ""
    refused: dict[str, tuple[int, bytes]] = field(default_factory=dict)

    def refusal(self, code: int, message: bytes, sender: str) -> smtplib.SMTPException:
        """What smtplib.sendmail raises for a reply it does not accept here. (For a
        recipient, smtplib would go on with the next ones; we stop: the session is out
        of step, and the mail fails as when every recipient is refused.)"""
        if self.stage == "MAIL":
            return smtplib.SMTPSenderRefused(code, message, sender)
        if self.stage == "RCPT":
            return smtplib.SMTPRecipientsRefused({**self.refused, self.recipient: (code, message)})
        return smtplib.SMTPDataError(code, message)


def _login_user(user: str) -> str:
    local, at, domain = user.rpartition("@")
    if at:
        return local + at + idna_encode(domain)
    return user


def flatten(message: EmailMessage, international: bool) -> bytes:
    """``smtplib.send_message``'s serialization (CRLF, Bcc removed), on a patched Python:
    a header that would carry a line break raises HeaderWriteError (header_check.py)."""
    copy = shallow_copy(message)  # smtplib: copy.copy, then delete the Bcc headers
    del copy["Bcc"]
    del copy["Resent-Bcc"]
    with io.BytesIO() as buffer:
        if international:
            policy = message.policy.clone(utf8=True)  # type: ignore[call-arg]
            CheckedBytesGenerator(buffer, policy=policy).flatten(copy, linesep="\r\n")
        else:
            CheckedBytesGenerator(buffer).flatten(copy, linesep="\r\n")
        return buffer.getvalue()


@dataclass(slots=True)
class SmtpSession:
    """One SMTP connection to an endpoint; used by one sender at a time."""

    endpoint: Endpoint
    timeout: float
    _client: aiosmtplib.SMTP | None = None

    @property
    def usable(self) -> bool:
        return self._client is not None and self._client.is_connected

    async def open(self) -> None:
        """Connect, STARTTLS and log in like ``IrMailServer.connect``."""
        endpoint = self.endpoint
        strict = endpoint.encryption.endswith("_strict")
        use_tls = endpoint.encryption.startswith("ssl")
        start_tls = endpoint.encryption.startswith("starttls")
        client = aiosmtplib.SMTP(
            hostname=endpoint.host,
            port=endpoint.port,
            timeout=self.timeout,
            use_tls=use_tls,
            start_tls=start_tls,
            validate_certs=strict,
        )
        self._client = client
        try:
            await asyncio.wait_for(client.connect(), timeout=self.timeout * 3)
            if endpoint.user:
                await asyncio.wait_for(
                    client.login(_login_user(endpoint.user), endpoint.password or ""),
                    timeout=self.timeout * 3,
                )
            if client.is_ehlo_or_helo_needed:
                await asyncio.wait_for(client.ehlo(), timeout=self.timeout * 2)
        except Exception as exc:  # every failure here is a connect failure for Odoo
            await self.abort()
            raise SmtpFailure(odoo_equivalent(exc), broken=True) from None

    async def send(self, sender: str, recipients: list[str], message: EmailMessage) -> None:
        """``smtp.send_message(message, smtp_from, smtp_to_list)``."""
        client = self._client
        if client is None or not client.is_connected:
            raise SmtpFailure(
                smtplib.SMTPServerDisconnected("please run connect() first"), broken=True
            )
        try:
            "".join([sender, *recipients]).encode("ascii")
            international = False
        except UnicodeEncodeError:
            if not client.supports_extension("smtputf8"):
                raise SmtpFailure(
                    smtplib.SMTPNotSupportedError(
                        "One or more source or delivery addresses require internationalized "
                        "email support, but the server does not advertise the required "
                        "SMTPUTF8 capability"
                    ),
                    broken=False,
                ) from None
            international = True
        try:
            data = flatten(message, international)
        except HeaderWriteError as exc:  # smtplib fails before MAIL FROM: the session is fine
            raise SmtpFailure(exc, broken=False) from None
        options = ["SMTPUTF8", "BODY=8BITMIME"] if international else []
        if client.supports_extension("size"):
            options.insert(0, f"size={len(data)}")
        progress = _Progress()
        try:
            await asyncio.wait_for(
                self._transaction(client, sender, recipients, data, options, progress),
                timeout=self.timeout * 4,
            )
        except Exception as exc:
            in_data = progress.stage == "DATA"
            malformed = _malformed_reply(exc)
            if malformed is not None:  # smtplib reads the line as code -1, in step;
                refusal = progress.refusal(-1, malformed, sender)
                await self.abort()  # aiosmtplib keeps the line: the session is out of step
                raise SmtpFailure(refusal, broken=True, maybe_delivered=in_data) from None
            equivalent = odoo_equivalent(exc)
            socket_error = isinstance(equivalent, OSError) and not isinstance(
                equivalent, smtplib.SMTPException
            )
            broken = (
                not client.is_connected
                or socket_error
                or isinstance(equivalent, smtplib.SMTPServerDisconnected)
            )
            if broken:
                await self.abort()
            else:  # smtplib: RSET after a refusal; also clears a half-sent envelope
                await self._reset(client)
            refused = isinstance(equivalent, smtplib.SMTPDataError) and (
                400 <= equivalent.smtp_code < 600
            )
            raise SmtpFailure(
                equivalent, broken=broken, maybe_delivered=in_data and not refused
            ) from None

    async def _transaction(
        self,
        client: aiosmtplib.SMTP,
        sender: str,
        recipients: list[str],
        data: bytes,
        options: list[str],
        progress: _Progress,
    ) -> None:
        """``smtplib.SMTP.sendmail``'s steps and refusals, one command at a time, so a
        failure is known to come before the message was transmitted, or after."""
        encoding = "utf-8" if "SMTPUTF8" in options else "ascii"
        await client.mail(sender, options=options, encoding=encoding)
        progress.stage = "RCPT"
        refused = progress.refused
        for recipient in recipients:
            progress.recipient = recipient
            try:
                await client.rcpt(recipient, encoding=encoding)
            except aiosmtplib.SMTPRecipientRefused as exc:
                refused[recipient] = (exc.code, _b(exc.message))
                if exc.code == 421:  # aiosmtplib has closed the connection, as smtplib
                    raise smtplib.SMTPRecipientsRefused(refused) from None
        if len(refused) == len(recipients):
            raise smtplib.SMTPRecipientsRefused(refused)
        progress.stage = "DATA"
        await client.data(data)

    async def _reset(self, client: aiosmtplib.SMTP) -> None:
        """smtplib's ``_rset`` after a refusal (after a 421 the connection is already
        closed); never raises: the next send tells if the session is gone."""
        if not client.is_connected:
            return
        try:
            await asyncio.wait_for(client.rset(), timeout=self.timeout)
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code < 0:  # a garbage answer: out of step, better no session
                await self.abort()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            await self.abort()

    async def close(self) -> None:
        """QUIT politely; never raises."""
        client = self._client
        if client is None:
            return
        if client.is_connected:
            try:
                await asyncio.wait_for(client.quit(), timeout=self.timeout)
            except Exception:
                await self.abort()
                return
        self._client = None

    async def abort(self) -> None:
        client = self._client
        self._client = None
        if client is not None and client.is_connected:
            try:
                client.close()
            except Exception:
                return
