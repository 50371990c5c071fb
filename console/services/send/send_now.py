""" "Send now": send outgoing mails through SMTP the way Odoo's ``mail.mail.send()`` does,
without ever sending one twice.

1. On PostgreSQL the queue cron's row lock is taken first, as Odoo's cron runner takes it
   (``FOR NO KEY UPDATE``, here ``NOWAIT``): while we hold it Odoo's queue cannot run.
   If Odoo holds it, nothing is sent: every mail is reported skipped, because Odoo's
   queue is sending them right now. It is held to the end.
2. Each SMTP server (a host and login) gets up to N connections at once
   (console.smtp.concurrency). Each connection claims a small window of the next mails
   (console.odoo.send_steps): rows locked without waiting, re-checked ``outgoing``,
   Odoo's pre-send placeholder written and COMMITTED before any of them is handed to
   SMTP, in a moment when no other Odoo session could be sending them
   (console.odoo.senders_guard: Odoo senders outside the cron runner read the mail's
   state from a snapshot and write only after sending). The outcomes are written as
   they come, several mails per transaction, with the values ``_send`` +
   ``_postprocess_sent_message`` write for that version.
3. A claimed mail that was never handed to SMTP (its connection broke first) goes to
   another connection, else is put back exactly as it was (``outgoing``) and reported as
   not attempted. After a crash, a claimed mail keeps the placeholder: never ``outgoing``
   if it may have reached the server, never ``sent`` unless the server accepted it.
4. Campaign mails (tracking pixel, unsubscribe links: only Odoo can render them) and
   mails only Odoo can send (OAuth / certificate servers, oversized attachments) are
   left to Odoo's queue, which is asked to run now (``ir_cron_trigger`` + NOTIFY).
5. Every reason is masked (``console.domain.secrets``) before it is written or reported:
   a server that echoes the login in its 535 reply must not put the password into
   ``failure_reason``, the notifications, the journal or the screen. Odoo stores the raw
   reply; the masked one still reads and classifies the same.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from console.backends.base import MailQueueBackend, SendSession
from console.domain.actions import SKIP_CAMPAIGN, SKIP_GONE, SKIP_LOCKED
from console.domain.errors import QueueBusy
from console.domain.secrets import Credential, SecretMask
from console.domain.timefmt import utcnow_naive
from console.odoo.send_plan import Claim, Claimed, Planned, Recorded, scheduled_skip
from console.services.send.report import SendReport
from console.smtp.concurrency import (
    MAX_CONCURRENCY,
    ConcurrencyPolicy,
    ServerConnections,
)
from console.smtp.deliver import Outcome, deliver
from console.smtp.reasons import text_of
from console.smtp.routing import MAX_MESSAGE_MB, SendContext
from console.smtp.rows import PlanRow
from console.smtp.sender import SmtpFailure, SmtpSession
from console.smtp.server_choice import Endpoint

T = TypeVar("T")
WINDOW = 4  # mails a connection claims at once: fewer transactions, few claimed unsent
RECORD_BATCH = 200  # outcomes written per transaction at most
QUIET_WAIT = 60.0  # seconds to wait for Odoo's own senders to go quiet (senders_guard)
QUIET_POLL = 0.05

__all__ = [
    "MAX_CONCURRENCY",
    "SKIP_GONE",
    "SKIP_LOCKED",
    "QueueBusy",
    "SendReport",
    "send_now",
]


def send_now(
    backend: MailQueueBackend,
    mail_ids: list[int],
    *,
    uid: int,
    concurrency: int | None = None,
    policy: ConcurrencyPolicy | None = None,
    timeout: float = 30.0,
    include_scheduled: bool = False,
    max_message_mb: float = MAX_MESSAGE_MB,
    quiet_wait: float = QUIET_WAIT,
) -> SendReport:
    """Send these mails now; see the module docstring. Raises QueueBusy, ConsoleError.

    ``policy`` says how many connections each server gets; ``concurrency`` alone
    replaces its generic number (provider limits and per-server overrides still apply).
    """
    if policy is None:
        policy = ConcurrencyPolicy()
    if concurrency is not None:
        count = max(1, min(int(concurrency), MAX_CONCURRENCY))
        policy = ConcurrencyPolicy(count, "requested", policy.overrides)
    ids = list(dict.fromkeys(int(i) for i in mail_ids))
    run = _SendRun(backend, uid, policy, timeout, include_scheduled)
    run.max_message_mb = max_message_mb
    run.quiet_wait = quiet_wait
    try:
        return run.execute(ids)
    except QueueBusy as busy:  # Odoo's runner is sending the queue: nothing to do here
        return SendReport(skipped={i: str(busy) for i in ids})


@dataclass(slots=True)
class _Pool:
    """The connection budget of one server: a host and login, as providers count."""

    host: str
    limit: int
    source: str
    servers: list[str] = field(default_factory=list)
    slots: asyncio.Semaphore | None = None  # made in the event loop
    open_now: int = 0
    peak: int = 0

    def opened(self) -> None:
        self.open_now += 1
        self.peak = max(self.peak, self.open_now)


@dataclass(slots=True)
class _Group:
    """The mails of one endpoint, as Odoo's ``_split_by_mail_configuration`` groups them."""

    endpoint: Endpoint
    pool: _Pool | None  # None: the endpoint is refused before connecting
    queue: deque[Planned] = field(default_factory=deque)  # not claimed yet
    ready: deque[Claimed] = field(default_factory=deque)  # claimed, never handed to SMTP
    broken: list[str] = field(default_factory=list)
    active: int = 0  # connections sending for this group now


class _SendRun:
    def __init__(
        self,
        backend: MailQueueBackend,
        uid: int,
        policy: ConcurrencyPolicy,
        timeout: float,
        include_scheduled: bool,
    ) -> None:
        self.include_scheduled = include_scheduled  # else mails due later stay queued
        self.backend = backend
        self.version = backend.info.odoo_version
        self.uid = uid
        self.policy = policy
        self.timeout = timeout
        self.sent: list[int] = []
        self.failed: dict[int, str] = {}
        self.skipped: dict[int, str] = {}
        self.deleted: list[int] = []
        self.notes: list[str] = []
        self.possibly_delivered: list[int] = []
        self.scheduled: list[datetime] = []  # left queued: due later, not asked to send
        self.campaigns: set[int] = set()
        self.deferred = False
        self.pools: dict[tuple[str, str], _Pool] = {}
        self.executor: ThreadPoolExecutor | None = None
        self.context: SendContext | None = None
        self.session: SendSession | None = None
        self.pending: list[tuple[Claimed, Outcome]] = []
        self.recorders: list[asyncio.Task[None]] = []
        self.quiet_lock: asyncio.Lock | None = None  # one connection polls for the others
        self.gave_up: str | None = None  # why the console stopped waiting for Odoo
        self.mask: SecretMask = backend.secret_mask()
        self.max_message_mb = MAX_MESSAGE_MB  # bigger mails are left to Odoo (prepare.TooBig)
        self.quiet_wait = QUIET_WAIT  # how long to wait for the other sessions to go quiet

    # -- the run ----------------------------------------------------------------------
    def execute(self, ids: list[int]) -> SendReport:
        session = self.session = self.backend.send_session(self.uid, self.max_message_mb)
        try:
            settings, plan = session.open(ids)
            # the passwords this run logs in with, as they are now
            self.mask = self.mask.with_credentials(
                Credential(s.smtp_pass, s.smtp_user) for s in settings.servers if s.smtp_pass
            )
            assert session.context is not None
            self.context = session.context
            self._check_overrides(settings.servers)
            groups = self._plan(ids, plan)
            if groups:
                with session.sending():
                    self._run_async(groups)
            if self.deferred:
                session.ask_queue_to_run()
        finally:
            session.close()
            self.notes.extend(session.notes)
        mask = self.mask.text
        return SendReport(
            sent=self.sent,
            failed={k: mask(v) for k, v in self.failed.items()},
            skipped={k: mask(v) for k, v in self.skipped.items()},
            deferred_campaign_ids=sorted(self.campaigns),
            deleted=self.deleted,
            notes=[mask(note) for note in self.notes],
            possibly_delivered=self.possibly_delivered,
            scheduled_later=sorted(self.scheduled),
            connections=[
                ServerConnections(tuple(p.servers), p.host, p.limit, p.source, p.peak)
                for p in self.pools.values()
            ],
        )

    def _check_overrides(self, servers: Sequence[Any]) -> None:
        assert self.context is not None
        known = [s.name for s in servers] + [s.smtp_host for s in servers]
        known += [self.context.conf.smtp_server, "odoo.conf"]
        for key in self.policy.unmatched(known):
            source = self.policy.overrides[key].source
            self.notes.append(
                f"{source} names {key!r}, which is neither the name nor the host of an "
                "outgoing mail server: check the spelling"
            )

    def _plan(self, ids: Sequence[int], plan: dict[int, PlanRow]) -> list[_Group]:
        assert self.context is not None
        groups: dict[str, _Group] = {}
        now = utcnow_naive()
        for mail_id in ids:
            row = plan.get(mail_id)
            if row is None:
                self.skipped[mail_id] = SKIP_GONE
            elif row.state != "outgoing":
                self.skipped[mail_id] = f"not outgoing any more (now {row.state!r})"
            elif row.scheduled_date and row.scheduled_date > now and not self.include_scheduled:
                self.skipped[mail_id] = scheduled_skip(row.scheduled_date)
                self.scheduled.append(row.scheduled_date)
            elif row.mailing_id:
                self.skipped[mail_id] = SKIP_CAMPAIGN
                self.campaigns.add(int(row.mailing_id))
                self.deferred = True
            else:
                route = self.context.route(row)
                endpoint = route.endpoint
                if endpoint.unsupported:
                    self.skipped[mail_id] = (
                        f"{endpoint.unsupported}, which only Odoo can use: "
                        "asked Odoo's queue to run instead"
                    )
                    self.deferred = True
                    continue
                group = groups.get(endpoint.key)
                if group is None:
                    group = groups[endpoint.key] = _Group(endpoint, self._pool(endpoint))
                group.queue.append(Planned(mail_id, route))
        return list(groups.values())

    def _pool(self, endpoint: Endpoint) -> _Pool | None:
        if endpoint.refusal or not endpoint.host:
            return None
        key = (endpoint.host.lower(), (endpoint.user or "").lower())
        limit = self.policy.limit_for(endpoint.label, endpoint.host)
        pool = self.pools.get(key)
        if pool is None:
            pool = self.pools[key] = _Pool(endpoint.host, limit.limit, limit.source)
        elif limit.limit < pool.limit:  # two names for one account: the lower number
            pool.limit, pool.source = limit.limit, limit.source
        pool.servers.append(endpoint.label)
        return pool

    # -- async part -------------------------------------------------------------------
    def _run_async(self, groups: list[_Group]) -> None:
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

    async def _db(self, work: Callable[..., T], *args: Any) -> T:
        """Every database step runs in the one DB thread, in the order asked."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(work, *args))

    async def _send_groups(self, groups: list[_Group]) -> None:
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

    async def _send_group(self, group: _Group) -> None:
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

    async def _connection(self, group: _Group, session: SmtpSession | None) -> None:
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

    async def _send_on(self, group: _Group, session: SmtpSession) -> None:
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

    async def _connection_failed(self, group: _Group, reason: str) -> None:
        """``send()``: the batch's SMTP connection failed (failure_type mail_smtp)."""
        assert self.session is not None
        failed, skipped = await self._db(self.session.connection_failed, list(group.queue), reason)
        await self._db(self.session.announce)
        group.queue.clear()
        for mail_id in failed:
            self.failed[mail_id] = reason
        self.skipped.update(skipped)
