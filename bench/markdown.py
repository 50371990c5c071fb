"""Write the generated results section of BENCHMARKS.md, keeping the prose around it."""

from __future__ import annotations

from pathlib import Path

from bench.queries import Explained
from bench.report import Row, markdown_table

START = "<!-- results:start (written by python -m bench.run; edit outside these markers) -->"
END = "<!-- results:end -->"
STUB = "# Benchmarks\n\nSee `python -m bench.run --help`.\n\n"


def results_section(
    command: str, rows: list[Row], explains: list[Explained], notes: list[str]
) -> str:
    lines = [START, "", f"Command: `{command}`", ""]
    lines += [f"- {note}" for note in notes]
    lines += ["", markdown_table(rows), ""]
    if explains:
        lines += [
            "### Plans of the console's statements over 100 ms at the largest size",
            "",
            "EXPLAIN (ANALYZE, BUFFERS) right after the measurements (so with a warm cache), "
            "with the console's own compiled SQL and, for the text filter, the baseline's.",
            "",
        ]
        for explained in explains:
            lines += [f"#### {explained.title}", "", "```", explained.plan, "```", ""]
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_results(
    path: Path, command: str, rows: list[Row], explains: list[Explained], notes: list[str]
) -> None:
    section = results_section(command, rows, explains, notes)
    text = path.read_text() if path.exists() else STUB
    if START in text and END in text:
        before = text[: text.index(START)]
        after = text[text.index(END) + len(END) :].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
