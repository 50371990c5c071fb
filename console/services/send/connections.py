"""The SMTP side of a Send now run: each server's connections, each claiming a small
window of mails, and the wait while Odoo's own senders are busy."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from console.odoo.send_plan import Claimed
from console.services.send.outcomes import OutcomeRecorder
from console.services.send.run_state import Group
from console.smtp.deliver import deliver
from console.smtp.reasons import text_of
from console.smtp.sender import SmtpFailure, SmtpSession

WINDOW = 4  # mails a connection claims at once: fewer transactions, few claimed unsent
QUIET_POLL = 0.05


class ConnectionRunner(OutcomeRecorder):
    """Every group sent over its server's connections, in one event loop."""

    # -- async part -------------------------------------------------------------------
    def _run_async(self, groups: list[Group]) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mailq-send-db")
        try:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                asyncio.run(self._send_groups(groups))
                return
            # called from a thread that runs an event loop: use a thread of our own
            errors: list[BaseException] = []

            def target() -> None:
                try:
                    asyncio.run(self._send_groups(groups))
                except BaseException as exc:  # re-raised in the caller's thread
                    errors.append(exc)

            thread = threading.Thread(target=target, name="mailq-send")
            thread.start()
            thread.join()
            if errors:
                raise errors[0]
        finally:
            self.executor.shutdown(wait=True)
            self.executor = None

    async def _send_groups(self, groups: list[Group]) -> None:
        for pool in self.pools.values():
            pool.slots = asyncio.Semaphore(pool.limit)
        outcomes = await asyncio.gather(
            *(self._send_group(group) for group in groups), return_exceptions=True
        )
        while self.recorders:  # every outcome is written before the cron lock is released
            await asyncio.gather(*self.recorders.copy())
            self.recorders = [task for task in self.recorders if not task.done()]
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def _send_group(self, group: Group) -> None:
        endpoint, pool = group.endpoint, group.pool
        if pool is None or pool.slots is None:
            await self._connection_failed(group, endpoint.refusal or "no SMTP host")
            return
        await pool.slots.acquire()
        first = SmtpSession(endpoint, self.timeout)
        try:
            await first.open()
        except SmtpFailure as failure:
            pool.slots.release()
            reason = self.mask.text(text_of(failure.odoo_error, self.version))
            await self._connection_failed(group, reason)
            return
        workers = min(pool.limit, len(group.queue))
        results = await asyncio.gather(
            self._connection(group, first),
            *(self._connection(group, None) for _ in range(workers - 1)),
            return_exceptions=True,
        )
        why = group.broken[-1] if group.broken else "the SMTP session ended"
        for item in group.queue:
            self.skipped[item.id] = (
                f"not attempted: {self.gave_up}"
                if self.gave_up
                else f"not attempted: {why}; left outgoing"
            )
        group.queue.clear()
        if group.ready:
            await self._release(list(group.ready), why)
            group.ready.clear()
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _connection(self, group: Group, session: SmtpSession | None) -> None:
        """One SMTP connection of the group, holding one of its server's slots."""
        pool = group.pool
        assert pool is not None and pool.slots is not None
        if session is None:
            await pool.slots.acquire()
        try:
            if session is None:
                if not group.queue and not group.ready:
                    return
                session = SmtpSession(group.endpoint, self.timeout)
                try:
                    await session.open()
                except SmtpFailure:
                    return  # the other connections carry on (the provider may cap them)
            pool.opened()
            group.active += 1
            try:
                await self._send_on(group, session)
            finally:
                group.active -= 1
                pool.open_now -= 1
                await session.close()
        finally:
            pool.slots.release()

    async def _send_on(self, group: Group, session: SmtpSession) -> None:
        assert self.context is not None and self.session is not None
        mine: deque[Claimed] = deque()  # claimed by this connection, not yet handed over
        try:
            while session.usable:
                if group.ready:
                    claimed = group.ready.popleft()
                elif mine:
                    claimed = mine.popleft()
                elif group.queue and self.gave_up is None:
                    size = max(1, min(WINDOW, len(group.queue) // max(1, group.active)))
                    window = [group.queue.popleft() for _ in range(min(size, len(group.queue)))]
                    claim = await self._db(self.session.claim, window)
                    self._take(claim)
                    mine.extend(claim.claimed)
                    if claim.busy:  # nothing was written: the window goes back, in order
                        group.queue.extendleft(reversed(window))
                        await self._wait_quiet(claim.busy)
                    continue
                else:
                    return
                if not session.usable:
                    group.ready.appendleft(claimed)
                    break
                # From here on the mail may reach the server: it is never put back.
                outcome = await deliver(
                    session, claimed.prepared.content, claimed.item.route, self.context
                )
                self._record_later(claimed, outcome)
        finally:
            group.ready.extend(mine)
        if group.queue or group.ready:
            group.broken.append(f"the connection to {group.endpoint.label} broke")

    async def _wait_quiet(self, busy: list[Any]) -> None:
        """Wait until no Odoo session could be sending (console.odoo.senders_guard); once
        ``quiet_wait`` seconds, ``gave_up`` says why and the rest is left to Odoo's queue."""
        assert self.session is not None
        if self.quiet_lock is None:
            self.quiet_lock = asyncio.Lock()
        loop = asyncio.get_running_loop()
        async with self.quiet_lock:
            started = loop.time()
            while busy and self.gave_up is None:
                if loop.time() - started > self.quiet_wait:
                    who = busy[0].describe()
                    self.gave_up = (
                        f"other sessions of the database (Odoo sending, or anything holding "
                        f"a snapshot) stayed busy for {self.quiet_wait:g} s ({who}); left "
                        "outgoing, and Odoo's queue was asked to run"
                    )
                    self.deferred = True
                    break
                await asyncio.sleep(QUIET_POLL)
                busy = await self._db(self.session.busy_sessions)
