"""``report.md``: the support bundle's data (``report.json``) as a page a person reads.

Rendered from the already redacted data, so both files say the same thing. Database
text is made safe for Markdown: one line, control characters removed, table pipes and
backticks escaped, long values cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from console.domain.sanitize import one_line, printable_block


def _cell(value: Any, limit: int = 80) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict) and "utc" in value:
        return _cell(value.get("local") or value.get("utc"), limit)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        value = ", ".join(str(_cell(v, limit)) for v in value)
    text = one_line(value, limit).replace("|", "\\|").replace("`", "'")
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _when(value: Any) -> str:
    """'2026-11-27 08:00:00 UTC (2026-11-27 09:00:00 CET, Europe/Paris)'."""
    if not isinstance(value, dict) or "utc" not in value:
        return _cell(value)
    utc = str(value["utc"]).replace("T", " ").rstrip("Z") + " UTC"
    zone = str(value.get("zone") or "")
    if zone in ("", "UTC", "Etc/UTC"):
        return utc
    return f"{utc} ({_cell(value.get('local'))}, {_cell(zone)})"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    if not rows:
        return ["(none)", ""]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _block(text: Any) -> list[str]:
    body = printable_block(text).replace("```", "'''")
    return ["```", body, "```", ""]


def render_markdown(data: dict[str, Any]) -> str:
    db = data.get("database") or {}
    out = [
        f"# odoo-mailq support bundle: {_cell(db.get('name'))}",
        "",
        f"- Generated: {_when(data.get('generated_at'))}",
        f"- Times below: UTC, with the local time in {_cell(data.get('time_zone'))}",
        f"- Database: `{_cell(db.get('url'), 200)}` ({_cell(db.get('engine'))})",
        f"- Odoo version: {_cell(db.get('odoo_version'))}",
        f"- Neutralized: {_cell(db.get('neutralized'))} · mass mailing: "
        f"{_cell(db.get('mass_mailing'))} · read-only session: {_cell(db.get('read_only'))}",
    ]
    redaction = data.get("redaction") or {}
    out += [
        f"- Redaction: {_cell(redaction.get('summary'), 200)}; addresses "
        f"{_cell(redaction.get('addresses'))}; {_cell(redaction.get('attachments'), 200)}",
        "",
    ]
    out += _queue(data.get("queue"))
    out += _health(data.get("health"))
    out += _groups(data.get("failure_groups"))
    out += _crons(data.get("crons"))
    out += _campaigns(data.get("campaigns"))
    out += _servers(data.get("outgoing_servers"), data.get("odoo_conf"))
    out += _settings(data.get("parameters"), data.get("aliases"))
    out += _journal(data.get("journal"))
    out += _emls(data.get("eml"))
    missing = data.get("not_available") or {}
    if missing:
        out += ["## Not available over this connection", ""]
        out += [f"- {_cell(k)}: {_cell(v, 300)}" for k, v in missing.items()] + [""]
    errors = data.get("errors") or []
    if errors:
        out += ["## Sections that could not be read", ""]
        out += [f"- {_cell(e, 300)}" for e in errors] + [""]
    return "\n".join(out)


def _queue(queue: Any) -> list[str]:
    out = ["## Queue", ""]
    if not queue:
        return [*out, "(could not be read)", ""]
    counts = queue.get("counts") or {}
    out += _table(["state", "mails"], [[_cell(k), str(v)] for k, v in counts.items()])
    out.append(f"Oldest mail due and still outgoing: {_when(queue.get('oldest_due_outgoing'))}")
    out += [f"Scheduled for later: {queue.get('scheduled_future', 0)}", ""]
    return out


def _health(results: Any) -> list[str]:
    rows = [
        [
            _cell(r.get("status")),
            _cell(r.get("title"), 40),
            _cell(r.get("summary"), 60),
            _cell(r.get("fix"), 100),
        ]
        for r in results or []
    ]
    return ["## Health checks", "", *_table(["status", "check", "finding", "fix"], rows)]


def _groups(groups: Any) -> list[str]:
    out = ["## Failures by cause", ""]
    if not groups:
        return [*out, "No failed mail.", ""]
    for g in groups:
        out += [
            f"### {_cell(g.get('title'))} — {g.get('count')} mails ({_cell(g.get('class'))})",
            "",
            f"- Key: `{_cell(g.get('key'))}` · failed first {_when(g.get('first_seen'))} · "
            f"last {_when(g.get('last_seen'))}",
            f"- Servers: {_cell(g.get('via') or g.get('servers'), 300)}",
            f"- Meaning: {_cell(g.get('explanation'), 300)}",
            f"- Fix: {_cell(g.get('fix'), 300)}",
            "",
        ]
        for s in g.get("samples") or []:
            out += [
                f"Mail {s.get('mail_id')} · failed {_when(s.get('failed') or s.get('date'))} · "
                f"record "
                f"`{_cell(s.get('record'))}` {_cell(s.get('record_name'), 60)}",
                f"  subject {_cell(s.get('subject'), 100)} · to {_cell(s.get('to'), 120)}",
                *_block(s.get("failure_reason")),
            ]
    return out


def _crons(crons: Any) -> list[str]:
    rows = [
        [
            str(c.get("id")),
            _cell(c.get("name"), 50),
            _cell(c.get("active")),
            f"{c.get('interval_number')} {c.get('interval_type')}",
            _when(c.get("nextcall")),
            _cell(c.get("overdue")),
            _cell(c.get("running")),
        ]
        for c in crons or []
        if c.get("mail_related")
    ]
    headers = ["id", "cron", "active", "every", "next call", "overdue", "running"]
    return ["## Mail crons", "", *_table(headers, rows)]


def _campaigns(campaigns: Any) -> list[str]:
    rows = [
        [
            str(c.get("position") or "—"),
            str(c.get("id")),
            _cell(c.get("subject"), 50),
            _cell(c.get("state")),
            f"{c.get('traces_sent')}/{c.get('recipients') or '?'}",
            _when(c.get("last_trace_at")),
        ]
        for c in campaigns or []
    ]
    headers = ["queue", "id", "subject", "state", "sent", "last trace"]
    return ["## Queued campaigns", "", *_table(headers, rows)]


def _servers(servers: Any, conf: Any) -> list[str]:
    rows = [
        [
            str(s.get("id")),
            _cell(s.get("name"), 30),
            _cell(s.get("smtp_host"), 40),
            _cell(s.get("smtp_port")),
            _cell(s.get("smtp_encryption")),
            _cell(s.get("smtp_authentication")),
            _cell(s.get("smtp_user"), 40),
            _cell(s.get("from_filter"), 40),
            _cell(s.get("active")),
        ]
        for s in servers or []
    ]
    headers = ["id", "name", "host", "port", "encryption", "auth", "user", "from_filter", "active"]
    out = ["## Outgoing mail servers (no passwords)", "", *_table(headers, rows)]
    if conf:
        out += ["odoo.conf (no passwords):", ""]
        out += [f"- {k}: {_cell(v, 200)}" for k, v in conf.items()] + [""]
    return out


def _settings(params: Any, aliases: Any) -> list[str]:
    out = ["## Mail parameters", ""]
    out += _table(["key", "value"], [[_cell(k), _cell(v, 120)] for k, v in (params or {}).items()])
    if aliases:
        out += ["## Aliases", ""]
        for d in aliases.get("domains") or []:
            out.append(
                f"- Alias domain {_cell(d.get('name'))}: bounce {_cell(d.get('bounce'))}, "
                f"catchall {_cell(d.get('catchall'))}"
            )
        if aliases.get("catchall_domain"):
            out.append(f"- mail.catchall.domain {_cell(aliases.get('catchall_domain'))}")
        rows = [
            [
                str(a.get("id")),
                _cell(a.get("address")),
                _cell(a.get("model")),
                _cell(a.get("contact")),
                _cell(a.get("status")),
            ]
            for a in aliases.get("aliases") or []
        ]
        out += ["", *_table(["id", "address", "model", "contact", "status"], rows)]
    return out


def _journal(entries: Any) -> list[str]:
    rows = [
        [
            _cell(e.get("time")),
            _cell(e.get("os_user")),
            _cell(e.get("action")),
            _cell(e.get("result"), 100),
        ]
        for e in entries or []
    ]
    return [
        "## Recent console actions (journal)",
        "",
        *_table(["time", "who", "action", "result"], rows),
    ]


def _emls(entries: Any) -> list[str]:
    out = ["## Failed mails as .eml", ""]
    if not entries:
        return [*out, "(none)", ""]
    for e in entries:
        files = ", ".join(e.get("files") or []) or "not written"
        note = e.get("note") or "; ".join(e.get("notes") or [])
        out.append(
            f"- Mail {e.get('mail_id')}: {_cell(files, 200)}"
            + (f" ({_cell(note, 200)})" if note else "")
        )
    return [*out, ""]
