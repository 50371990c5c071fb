"""Writing a Send now run's outcomes as they come, several mails per transaction, and
putting back the mails that never reached SMTP."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from console.odoo.send_plan import Claim, Claimed, Recorded
from console.services.send.run_state import Group, RunState
from console.smtp.deliver import Outcome

T = TypeVar("T")
RECORD_BATCH = 200  # outcomes written per transaction at most


class OutcomeRecorder(RunState):
    """The database side of a run: one DB thread, outcomes batched, claims accounted."""

    async def _db(self, work: Callable[..., T], *args: Any) -> T:
        """Every database step runs in the one DB thread, in the order asked."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(work, *args))

    def _take(self, claim: Claim) -> None:
        self.skipped.update(claim.skipped)
        self.deferred = self.deferred or claim.deferred
        if claim.contested:
            who = "; ".join(s.describe() for s in claim.contenders[:2])
            for claimed in claim.contested:
                self.failed[claimed.item.id] = claimed.placeholder_reason
                self.possibly_delivered.append(claimed.item.id)
            self.notes.append(
                f"Mails {', '.join(str(c.item.id) for c in claim.contested)} were claimed at "
                f"the instant an Odoo session began ({who}); it may send them itself, so the "
                "console did not: they keep Odoo's placeholder (Delivery failed). Check the "
                "recipients' mailboxes or Odoo's log before retrying them"
            )

    # -- writing outcomes (as they come, several per transaction) -----------------------
    def _record_later(self, claimed: Claimed, outcome: Outcome) -> None:
        outcome.failure_reason = self.mask.optional(outcome.failure_reason)
        outcome.detail = self.mask.optional(outcome.detail)
        self.pending.append((claimed, outcome))
        if not any(not task.done() for task in self.recorders):
            self.recorders.append(asyncio.get_running_loop().create_task(self._record()))

    async def _record(self) -> None:
        assert self.session is not None
        while self.pending:
            batch = self.pending[:RECORD_BATCH]
            del self.pending[:RECORD_BATCH]
            for done in await self._db(self.session.record, batch):
                self._recorded(done)
            await self._db(self.session.announce)

    def _recorded(self, done: Recorded) -> None:
        claimed, outcome = done.claimed, done.outcome
        mail_id = claimed.item.id
        server = claimed.item.route.endpoint.label
        placeholder_reason = claimed.placeholder_reason
        if outcome.reached_server and (outcome.kind != "sent" or done.error):
            # not marked sent, yet the server may hold it
            self.possibly_delivered.append(mail_id)
        if done.error:
            what = "was sent" if outcome.kind == "sent" else "was not sent"
            self.failed[mail_id] = placeholder_reason
            self.notes.append(
                f"Mail {mail_id} {what}, but recording the outcome failed ({done.error}); it "
                "stays in exception with Odoo's placeholder reason: do not retry it blindly"
            )
            return
        if done.deleted:
            self.deleted.append(mail_id)
        if outcome.kind == "sent":
            self.sent.append(mail_id)
            return
        self.failed[mail_id] = done.stored_reason or placeholder_reason
        if outcome.kind == "dropped":
            self.notes.append(
                f"Mail {mail_id}: {server} closed the connection while it was being sent "
                f"({outcome.detail}); like Odoo, it stays in exception with the placeholder "
                "reason and is not sent again"
            )
        elif outcome.reached_server:
            self.notes.append(
                f"Mail {mail_id} may have reached {server} although it failed (no clear "
                "answer to its message, or a later recipient was refused): check before "
                "retrying it"
            )

    # -- mails that were not handed to SMTP ---------------------------------------------
    async def _release(self, claimed: list[Claimed], why: str) -> None:
        assert self.session is not None
        for mail_id, problem in (await self._db(self.session.release, claimed)).items():
            if problem is None:
                self.skipped[mail_id] = f"not attempted: {why}; left outgoing"
                continue
            placeholder = next(c.placeholder_reason for c in claimed if c.item.id == mail_id)
            self.failed[mail_id] = placeholder
            self.notes.append(
                f"Mail {mail_id} was not sent ({why}) but could not be put back to outgoing "
                f"({problem}); it keeps Odoo's placeholder reason. It never reached the SMTP "
                "server: retrying it is safe"
            )

    async def _connection_failed(self, group: Group, reason: str) -> None:
        """``send()``: the batch's SMTP connection failed (failure_type mail_smtp)."""
        assert self.session is not None
        failed, skipped = await self._db(self.session.connection_failed, list(group.queue), reason)
        await self._db(self.session.announce)
        group.queue.clear()
        for mail_id in failed:
            self.failed[mail_id] = reason
        self.skipped.update(skipped)
