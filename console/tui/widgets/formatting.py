"""Turn domain values into short cell text and styled words (no widgets here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from console.domain.errors import ConsoleError
from console.domain.failure_text import reason_headline
from console.domain.sanitize import one_line as sanitized_line

if TYPE_CHECKING:
    from console.domain.models import MailRow

# Short words for the table; the detail view uses Odoo's labels.
STATE_WORDS: dict[str, str] = {
    "outgoing": "outgoing",
    "exception": "failed",
    "sent": "sent",
    "cancel": "cancelled",
    "received": "received",
}
STATE_TONES: dict[str, str] = {
    "outgoing": "warning",
    "exception": "error",
    "sent": "success",
    "cancel": "muted",
    "received": "muted",
}


@dataclass(frozen=True, slots=True)
class Palette:
    """Rich styles for the semantic tones, taken from the running theme's variables."""

    tones: Mapping[str, Style]

    @classmethod
    def from_variables(cls, variables: Mapping[str, str]) -> Palette:
        from textual.color import Color, ColorParseError

        tones: dict[str, Style] = {"muted": Style(dim=True), "": Style()}
        for tone in ("error", "warning", "success", "accent", "primary"):
            raw = variables.get(tone)
            try:
                color = Color.parse(raw).rich_color if raw else None
            except ColorParseError:
                color = None
            tones[tone] = Style(color=color, bold=tone == "error")
        return cls(tones)

    def style(self, tone: str) -> Style:
        return self.tones.get(tone, Style())

    def word(self, word: str, tone: str) -> Text:
        return Text(word, style=self.style(tone), end="")


def one_line(value: str | None) -> str:
    """Any text as one clean line: control characters dropped, whitespace collapsed."""
    if not value:
        return ""
    return sanitized_line(value, collapse_whitespace=True)


def ellipsize(value: str, width: int) -> str:
    if width <= 0:
        return ""
    if len(value) <= width:
        return value
    return value[: width - 1] + "…"


def cell(value: str | None, width: int | None = None) -> Text:
    """A table cell that is never parsed as markup."""
    text = one_line(value)
    if width is not None:
        text = ellipsize(text, width)
    return Text(text, end="", no_wrap=True)


def state_word(state: str | None) -> str:
    if not state:
        return "?"
    return STATE_WORDS.get(state, state)


def recipients_text(row: MailRow) -> str:
    """The raw email_to, else the first partner recipient and how many more."""
    raw = one_line(row.email_to)
    if raw:
        return raw
    if not row.recipients:
        return "(no recipient)"
    first = row.recipients[0]
    shown = one_line(first.email) or one_line(first.name) or f"partner {first.partner_id}"
    more = max(row.recipient_count, len(row.recipients)) - 1
    return f"{shown} (+{more})" if more else shown


def document_text(model: str | None, res_id: int | None, record_name: str | None) -> str:
    """`sale.order,77 "S01077"`; empty when the mail is not linked to a record."""
    if not model:
        return ""
    ref = f"{model},{res_id}" if res_id else model
    name = one_line(record_name)
    return f'{ref} "{name}"' if name else ref


def failure_headline(reason: str | None) -> str:
    """The first useful line of an Odoo failure reason, as one printable line."""
    return one_line(reason_headline(reason))


# Classifications that only know the reply's code class: the provider's own words say more.
_GENERIC_FAMILIES = frozenset({"smtp_4xx", "smtp_5xx", "unrecognised"})


def failure_cause(reason: str | None, failure_type: str | None) -> str:
    """The cause of a failure as the Causes pane names it ("535 auth failed"), or the
    reason's first useful line when the classifier knows no more than the code."""
    from console.domain.classify import classify_known

    classification = classify_known(reason, failure_type)
    if classification.family in _GENERIC_FAMILIES and reason:
        return failure_headline(reason)
    return one_line(classification.title)


def interval_text(number: int | None, unit: str | None) -> str:
    if number is None or not unit:
        return "?"
    return f"{number} {unit}"


def ordinal(number: int) -> str:
    """'1st', '2nd', '3rd', '4th', '11th', '22nd'."""
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


INTERVAL_UNITS = {"minutes": "m", "hours": "h", "days": "d", "weeks": "w", "months": "mo"}


def interval_short(number: int | None, unit: str | None) -> str:
    """'15m', '1h', '1mo': a cron's interval in a narrow column."""
    if number is None or not unit:
        return "?"
    return f"{number}{INTERVAL_UNITS.get(unit, unit)}"


def yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return "yes" if value else "no"


def count_text(value: int | None) -> str:
    return "?" if value is None else str(value)


def describe_error(exc: BaseException) -> str:
    """One line for the operator: the ConsoleError's sentence, else the exception class."""
    if isinstance(exc, ConsoleError):
        message = one_line(str(exc))
        return message or type(exc).__name__
    first = one_line(str(exc).splitlines()[0] if str(exc) else "")
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


# -- triage words: each state is a word (and a glyph) before it is a colour -------------
# Classification.klass -> (word for the table, tone)
CAUSE_CLASSES: dict[str, tuple[str, str]] = {
    "transient": ("transient", "warning"),
    "permanent-recipient": ("recipient", "accent"),
    "configuration": ("config", "error"),
    "unrecognised": ("?", "muted"),
}
# Health Status name -> (glyph, word, tone)
STATUS_LOOKS: dict[str, tuple[str, str, str]] = {
    "OK": ("✔", "OK", "success"),
    "WARNING": ("▲", "WARNING", "warning"),
    "CRITICAL": ("✖", "CRITICAL", "error"),
    "UNKNOWN": ("?", "UNKNOWN", "muted"),
}


def cause_class(klass: str) -> tuple[str, str]:
    """('config', 'error') for a classification's klass; unknown ones read '?'."""
    return CAUSE_CLASSES.get(klass, ("?", "muted"))


def status_look(name: str) -> tuple[str, str, str]:
    """(glyph, word, tone) of a health status name (OK, WARNING, CRITICAL, UNKNOWN)."""
    return STATUS_LOOKS.get(name, ("?", name, "muted"))


def summary_tone(summary: str) -> str:
    """The tone of a `health_summary` line: its worst glyph decides."""
    if "✖" in summary:
        return "error"
    if "▲" in summary:
        return "warning"
    if "?" in summary:
        return "muted"
    return "success"


def compact_summary(summary: str) -> str:
    """'✖ 4 critical ▲ 1 warn' -> '✖4 ▲1' for a narrow header."""
    words = summary.split()
    out: list[str] = []
    for index, word in enumerate(words):
        if word in ("✖", "▲", "?") and index + 1 < len(words):
            out.append(f"{word}{words[index + 1]}")
    return " ".join(out) if out else summary.replace(" healthy", "")


# What the drivers say when the database server itself is gone (restarted, unreachable),
# as opposed to a query that failed on its own (odd data, a timeout, a missing table).
_DISCONNECT_MARKERS = (
    "connection refused",
    "lost the connection",
    "server closed the connection",
    "terminating connection",
    "could not connect",
    "cannot connect to",
    "connection is closed",
    "connection already closed",
    "connection reset",
    "connection timed out",
    "timeout expired",
    "no route to host",
    "network is unreachable",
    "broken pipe",
    "ssl syscall error",
    "consuming input failed",
    "the database system is starting up",
    "the database system is shutting down",
    "the database system is in recovery mode",
    "no connection to the server",
)


def is_disconnect(exc: BaseException) -> bool:
    """Whether an error means the database cannot be reached (vs one query failing).

    The backend raises its one-line errors `from None`; the driver's exception is still
    the `__context__`, read here by duck typing (the TUI never imports SQLAlchemy).
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 8:
        seen.add(id(current))
        if getattr(current, "connection_invalidated", False) is True:
            return True
        lowered = str(current).lower()
        if any(marker in lowered for marker in _DISCONNECT_MARKERS):
            return True
        current = current.__cause__ or current.__context__
    return False
