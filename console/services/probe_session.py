"""One probe's SMTP conversation: each step timed, its reply masked, a failure kept.

aiosmtplib is imported only when a client is made, that is when a probe runs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

from console.domain.sanitize import one_line
from console.domain.secrets import Credential, SecretMask
from console.services.probe_results import ProbeStep, ProbeTarget

T = TypeVar("T")


class StepFailed(Exception):
    """A step that failed; the step is already in the session's list."""

    def __init__(self, step: ProbeStep, error: BaseException | None) -> None:
        super().__init__(step.reply)
        self.step = step
        self.error = error


class ProbeSession:
    """The steps of one probe, and the mask their replies go through."""

    def __init__(self, target: ProbeTarget, timeout: float, mask: SecretMask) -> None:
        self.target = target
        self.timeout = timeout
        self.steps: list[ProbeStep] = []
        if target.password:
            mask = mask.with_credentials([Credential(target.password, target.user)])
        self._mask = mask.with_secrets([target.user] if target.user else [])

    def mask(self, text: str) -> str:
        return one_line(self._mask.text(text), 300)

    async def step(
        self, name: str, work: Awaitable[T], timeout: float | None = None, command: str = ""
    ) -> T:
        """Run one SMTP step; ``command`` is what the client says (shown, masked)."""
        said = self.mask(command) if command else ""
        started = time.monotonic()
        try:
            result = await asyncio.wait_for(work, timeout or self.timeout)
        except Exception as exc:
            elapsed = int((time.monotonic() - started) * 1000)
            code = getattr(exc, "code", None)
            failed = ProbeStep(
                name,
                False,
                self.mask(describe_failure(exc)),
                code if isinstance(code, int) else None,
                elapsed,
                said,
            )
            self.steps.append(failed)
            raise StepFailed(failed, exc) from None
        elapsed = int((time.monotonic() - started) * 1000)
        code = getattr(result, "code", None)
        message = getattr(result, "message", "")
        reply = f"{code} {message}".strip() if code is not None else "ok"
        self.steps.append(
            ProbeStep(
                name, True, self.mask(reply), code if isinstance(code, int) else None, elapsed, said
            )
        )
        return result

    def note(self, name: str, ok: bool, reply: str) -> ProbeStep:
        step = ProbeStep(name, ok, self.mask(reply))
        self.steps.append(step)
        return step


def describe_failure(exc: BaseException) -> str:
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


def smtp_client(target: ProbeTarget, timeout: float, use_tls: bool) -> Any:
    import aiosmtplib

    return aiosmtplib.SMTP(
        hostname=target.host,
        port=target.port,
        timeout=timeout,
        use_tls=use_tls,
        start_tls=False,  # we do STARTTLS ourselves, as its own step
        validate_certs=target.encryption.endswith("_strict"),
    )
