"""Plain-text tables for the CLI, for people reading a terminal or a cron mail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from console.domain.cells import cell_len, clip_cells, pad_cells
from console.domain.envelopes import EnvelopeCounts, EnvelopePage
from console.domain.failure_text import reason_headline
from console.domain.models import CampaignRow, CronRow, DatabaseInfo, MailRow, QueueStatus
from console.domain.pause import is_held
from console.domain.sanitize import one_line
from console.domain.states import MAIL_STATES, mail_state_label
from console.domain.timefmt import full_local, short_local, utcnow_naive, zone_name


def clip(text: object, limit: int) -> str:
    """One line of at most ``limit`` terminal cells (a CJK character or an emoji takes
    two), cut with an ellipsis."""
    return clip_cells(one_line(text), limit)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns aligned in terminal cells, not characters."""
    widths = [cell_len(h) for h in headers]
    for row in rows:
        widths = [max(w, cell_len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = (pad_cells(c, w) for c, w in zip(cells, widths, strict=True))
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), *(line(row) for row in rows)])


def status_text(info: DatabaseInfo, status: QueueStatus, tz: tzinfo) -> str:
    mode = "read-only" if info.read_only else "read-write"
    lines = [
        f"Database   {info.name} ({info.dialect}, {mode})",
        f"Odoo       {info.odoo_version_label}",
    ]
    if info.neutralized:
        lines.append("NEUTRALIZED database: Odoo does not send mail from it on purpose")
    if status.paused is not None:
        lines.append(f"QUEUE PAUSED: Odoo's queue is {status.paused.describe(utcnow_naive())}")
    for state in MAIL_STATES:
        lines.append(f"{mail_state_label(state):<16} {status.counts.get(state, 0):>9}")
    if status.oldest_due_outgoing is not None:
        lines.append(
            f"Oldest due outgoing mail queued {full_local(status.oldest_due_outgoing, tz)}"
        )
    if status.scheduled_future:
        lines.append(f"{status.scheduled_future} outgoing mails are scheduled for later")
    if status.envelopes is not None:
        lines.append(envelope_count_line(status.envelopes))
    for note in info.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)


def _to(mail: MailRow) -> str:
    if mail.email_to:
        return mail.email_to
    if not mail.recipients:
        return ""
    first = mail.recipients[0].email or mail.recipients[0].name or "?"
    more = max(mail.recipient_count, len(mail.recipients)) - 1
    return f"{first} (+{more})" if more else first


def mails_text(
    mails: Sequence[MailRow], tz: tzinfo, total: int | None, *, by_failure: bool = False
) -> str:
    """`by_failure`: the failed mails, newest failure first, with when each failed."""
    rows = [
        [
            str(m.id),
            "HELD"
            if m.state == "outgoing" and is_held(m.scheduled_date)
            else mail_state_label(m.state),
            short_local((m.failed_at or m.date) if by_failure else m.date, tz),
            clip(m.email_from, 28),
            clip(_to(m), 28),
            clip(m.subject, 36),
            clip(reason_headline(m.failure_reason), 60) if m.state == "exception" else "",
        ]
        for m in mails
    ]
    when = "FAILED" if by_failure else "DATE"
    body = table(["ID", "STATE", when, "FROM", "TO", "SUBJECT", "REASON"], rows)
    shown = f"{len(mails)} shown" + (f" of {total}" if total is not None else "")
    return f"{body}\n{shown} · times in {zone_name(tz)}"


def crons_text(crons: Sequence[CronRow], tz: tzinfo) -> str:
    rows = []
    for cron in crons:
        interval = f"{cron.interval_number} {cron.interval_type}" if cron.interval_number else "?"
        flags = []
        if cron.overdue:
            flags.append("OVERDUE")
        if cron.running:
            flags.append("RUNNING")
        if cron.failure_count:
            flags.append(f"{cron.failure_count} failures")
        rows.append(
            [
                str(cron.id),
                clip(cron.name, 48),
                "yes" if cron.active else "no",
                interval,
                short_local(cron.nextcall, tz),
                short_local(cron.lastcall, tz),
                " ".join(flags),
            ]
        )
    body = table(["ID", "NAME", "ACTIVE", "EVERY", "NEXT", "LAST", "FLAGS"], rows)
    return f"{body}\ntimes in {zone_name(tz)}"


def campaigns_text(campaigns: Sequence[CampaignRow], tz: tzinfo) -> str:
    if not campaigns:
        return "No mass-mailing campaign is queued or sending."
    rows = [
        [
            ("HEAD" if c.is_head else str(c.position)) if c.due else "later",
            str(c.id),
            clip(c.name or c.subject, 32),
            c.state,
            short_local(c.schedule_date, tz) or "now",
            "?" if c.recipients is None else str(c.recipients),
            f"{c.traces} ({c.traces_sent} sent, {c.traces_failed} failed)",
            short_local(c.last_trace_at, tz),
        ]
        for c in campaigns
    ]
    body = table(["POS", "ID", "NAME", "STATE", "SCHEDULE", "RCPT", "TRACES", "LAST TRACE"], rows)
    return f"{body}\nOrder: as Odoo's mass-mailing cron takes them · times in {zone_name(tz)}"


def envelope_count_line(counts: EnvelopeCounts) -> str:
    """The red envelopes in one line, as `status` and `doctor` print them."""
    if not counts.messages:
        return "Red envelopes    none (no chatter message has a failed e-mail recipient)"
    parts = [f"{counts.notifications} failed recipients"]
    if counts.bounced:
        parts.append(f"{counts.bounced} bounced")
    if counts.mail_gone:
        parts.append(f"{counts.mail_gone} without a mail row")
    label = "Red envelopes"
    return f"{label:<16} {counts.messages:>9} messages ({', '.join(parts)}): `envelopes`"


def envelopes_text(page: EnvelopePage, tz: tzinfo) -> str:
    """One block per envelope: the message, then each failed recipient in Odoo's words."""
    if not page.rows:
        return "No red envelope: no chatter message has a failed e-mail recipient"
    lines: list[str] = []
    for envelope in page.rows:
        document = envelope.record_name or f"{envelope.model} #{envelope.res_id}"
        lines.append(
            f"#{envelope.message_id}  {short_local(envelope.when, tz)}  "
            f"{one_line(document, 40)}  by {one_line(envelope.author_name or '?', 30)}"
        )
        for r in envelope.recipients:
            mail = f"mail #{r.mail_id} {r.mail_state}" if r.mail_state else "no mail row"
            who = one_line(r.email or r.name or "?", 40)
            lines.append(f"    {r.status:<9} {who}  {one_line(r.words, 60)}  ({mail})")
        more = envelope.recipient_count - len(envelope.recipients)
        if more > 0:
            lines.append(f"    ... and {more} more failed recipients")
    if page.has_more:
        lines.append("(more: --limit N)")
    return "\n".join(lines)
