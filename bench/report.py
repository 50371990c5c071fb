"""The results table: metric, size, console, baseline, ratio, target, verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["s", "MB"]
TargetKind = Literal["max_ratio", "min_speedup", "max_value", "info"]


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    limit: float = 0.0

    def label(self, unit: Unit) -> str:
        if self.kind == "max_ratio":
            return f"<= {self.limit:g}x"
        if self.kind == "min_speedup":
            return f">= {self.limit:g}x faster"
        if self.kind == "max_value":
            return f"< {self.limit:g} {unit}"
        return "-"


INFO = Target("info")


@dataclass(frozen=True, slots=True)
class Row:
    metric: str
    size: str
    console: float | None  # seconds or MB
    baseline: float | None
    unit: Unit
    target: Target = INFO
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.console is None or not self.baseline:
            return None
        return self.console / self.baseline

    @property
    def verdict(self) -> str:
        ratio = self.ratio
        kind = self.target.kind
        if self.console is None:
            return "n/a"
        if kind == "max_ratio":
            return "-" if ratio is None else ("ok" if ratio <= self.target.limit else "MISS")
        if kind == "min_speedup":
            if ratio is None:
                return "-"
            return "ok" if 1 / ratio >= self.target.limit else "MISS"
        if kind == "max_value":
            return "ok" if self.console < self.target.limit else "MISS"
        return "info"


def fmt_value(value: float | None, unit: Unit) -> str:
    if value is None:
        return "-"
    if unit == "MB":
        return f"{value:.1f} MB"
    if value < 0.001:
        return f"{value * 1e6:.0f} us"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def fmt_ratio(row: Row) -> str:
    ratio = row.ratio
    if ratio is None:
        return "-"
    if ratio < 1:
        return f"{ratio:.2f}x ({1 / ratio:.1f}x faster)"
    return f"{ratio:.2f}x"


HEADERS = ("metric", "size", "console", "baseline", "ratio", "target", "verdict", "note")


def cells(row: Row) -> tuple[str, ...]:
    return (
        row.metric,
        row.size,
        fmt_value(row.console, row.unit),
        fmt_value(row.baseline, row.unit),
        fmt_ratio(row),
        row.target.label(row.unit),
        row.verdict,
        row.note,
    )


def text_table(rows: list[Row]) -> str:
    """A plain aligned table for the terminal."""
    table = [HEADERS, *(cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    lines = []
    for number, line in enumerate(table):
        lines.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    lines = [
        "| " + " | ".join(HEADERS) + " |",
        "|" + "|".join("---" for _ in HEADERS) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells(row)) + " |")
    return "\n".join(lines)


def size_label(mails: int) -> str:
    if mails >= 1_000_000 and mails % 1_000_000 == 0:
        return f"{mails // 1_000_000}M"
    if mails >= 1000 and mails % 1000 == 0:
        return f"{mails // 1000}k"
    return str(mails)


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = 1
    if text.endswith("k"):
        factor, text = 1000, text[:-1]
    elif text.endswith("m"):
        factor, text = 1_000_000, text[:-1]
    return int(float(text) * factor)
