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

The run is built in layers: `run_state` (the plan, each server's budget, every mail's
fate), `outcomes` (the database writes), `connections` (the SMTP connections); this
module opens the run and reports it.
"""

from __future__ import annotations

from console.backends.base import MailQueueBackend
from console.domain.actions import SKIP_GONE, SKIP_LOCKED
from console.domain.errors import QueueBusy
from console.domain.secrets import Credential
from console.services.sample_guard import SEND_NOW, refuse_fictitious_servers
from console.services.send.connections import ConnectionRunner
from console.services.send.report import SendReport
from console.services.send.run_state import QUIET_WAIT
from console.smtp.concurrency import (
    MAX_CONCURRENCY,
    ConcurrencyPolicy,
    ServerConnections,
)
from console.smtp.routing import MAX_MESSAGE_MB

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
    refuse_fictitious_servers(backend, SEND_NOW)  # the sample's servers exist nowhere
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


class _SendRun(ConnectionRunner):
    """One run: open the session, plan, send, and report."""

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
