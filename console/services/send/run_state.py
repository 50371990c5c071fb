"""A Send now run's state: its mails grouped by endpoint, each server's connection budget,
and what became of every mail (sent, failed, skipped, left to Odoo).

The layers on top: `outcomes.py` writes what SMTP answered, `connections.py` drives the
SMTP connections, `send_now.py` opens and closes the run.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from console.backends.base import MailQueueBackend, SendSession
from console.domain.actions import SKIP_CAMPAIGN, SKIP_GONE, SKIP_HELD, scheduled_later_reason
from console.domain.pause import is_held
from console.domain.secrets import SecretMask
from console.domain.timefmt import utcnow_naive
from console.odoo.send_plan import Claimed, Planned
from console.smtp.concurrency import ConcurrencyPolicy
from console.smtp.deliver import Outcome
from console.smtp.routing import MAX_MESSAGE_MB, SendContext
from console.smtp.rows import PlanRow
from console.smtp.server_choice import Endpoint

QUIET_WAIT = 60.0  # seconds to wait for Odoo's own senders to go quiet (senders_guard)


@dataclass(slots=True)
class Pool:
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
class Group:
    """The mails of one endpoint, as Odoo's ``_split_by_mail_configuration`` groups them."""

    endpoint: Endpoint
    pool: Pool | None  # None: the endpoint is refused before connecting
    queue: deque[Planned] = field(default_factory=deque)  # not claimed yet
    ready: deque[Claimed] = field(default_factory=deque)  # claimed, never handed to SMTP
    broken: list[str] = field(default_factory=list)
    active: int = 0  # connections sending for this group now


class RunState:
    """What one run knows: its settings, its groups' budgets and every mail's fate."""

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
        self.pools: dict[tuple[str, str], Pool] = {}
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

    def _plan(self, ids: Sequence[int], plan: dict[int, PlanRow]) -> list[Group]:
        assert self.context is not None
        groups: dict[str, Group] = {}
        now = utcnow_naive()
        for mail_id in ids:
            row = plan.get(mail_id)
            if row is None:
                self.skipped[mail_id] = SKIP_GONE
            elif row.state != "outgoing":
                self.skipped[mail_id] = f"not outgoing any more (now {row.state!r})"
            elif is_held(row.scheduled_date):
                self.skipped[mail_id] = SKIP_HELD
            elif row.scheduled_date and row.scheduled_date > now and not self.include_scheduled:
                self.skipped[mail_id] = scheduled_later_reason(row.scheduled_date)
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
                    group = groups[endpoint.key] = Group(endpoint, self._pool(endpoint))
                group.queue.append(Planned(mail_id, route))
        return list(groups.values())

    def _pool(self, endpoint: Endpoint) -> Pool | None:
        if endpoint.refusal or not endpoint.host:
            return None
        key = (endpoint.host.lower(), (endpoint.user or "").lower())
        limit = self.policy.limit_for(endpoint.label, endpoint.host)
        pool = self.pools.get(key)
        if pool is None:
            pool = self.pools[key] = Pool(endpoint.host, limit.limit, limit.source)
        elif limit.limit < pool.limit:  # two names for one account: the lower number
            pool.limit, pool.source = limit.limit, limit.source
        pool.servers.append(endpoint.label)
        return pool
