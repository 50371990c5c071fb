"""The database side of one Send now run, as the data boundary offers it
(``MailQueueBackend.send_session``); ``console.backends.sql_send`` implements it."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from console.odoo.send_plan import Claim, Claimed, Planned, Recorded, Session
    from console.smtp.deliver import Outcome
    from console.smtp.routing import SendContext
    from console.smtp.rows import DbSettings, PlanRow


class SendSession(Protocol):
    """The database side of one Send now run (console.services.send.send_now drives it).

    ``open`` takes Odoo's queue lock (``QueueBusy`` if Odoo's queue holds it) and reads
    the settings and the mails' plan rows; the steps then run one at a time, from one
    thread; ``close`` releases Odoo's queue. ``notes`` say what the session noticed.
    """

    notes: list[str]
    context: SendContext | None

    def open(self, ids: Sequence[int]) -> tuple[DbSettings, dict[int, PlanRow]]: ...

    def sending(self) -> AbstractContextManager[None]:
        """Around the SMTP part (the lock timeout of every claim and record)."""
        ...

    def claim(self, items: Sequence[Planned]) -> Claim: ...

    def record(self, results: Sequence[tuple[Claimed, Outcome]]) -> list[Recorded]: ...

    def release(self, claimed: Sequence[Claimed]) -> dict[int, str | None]: ...

    def connection_failed(
        self, items: Sequence[Planned], reason: str
    ) -> tuple[list[int], dict[int, str]]: ...

    def busy_sessions(self) -> list[Session]:
        """The other sessions that could be sending right now (empty: a quiet moment)."""
        ...

    def announce(self) -> None:
        """Tell Odoo's listeners about what the last commits wrote (the bus)."""
        ...

    def ask_queue_to_run(self) -> None:
        """Ask Odoo's Email Queue Manager to run now (what Odoo must send itself)."""
        ...

    def close(self) -> None:
        """Release the connections; the backend is not used afterwards."""
        ...
