"""The results summed up: the worst status, a header line, the Nagios plugin line."""

from __future__ import annotations

from collections.abc import Sequence

from console.domain.health.model import CheckResult, Status, worst


def overall(results: Sequence[CheckResult]) -> Status:
    return worst([r.status for r in results])


def health_summary(results: Sequence[CheckResult]) -> str:
    """One line for a header: '✖ 2 critical ▲ 1 warn', or '✔ healthy'."""
    counts = {status: sum(1 for r in results if r.status is status) for status in Status}
    parts = []
    if counts[Status.CRITICAL]:
        parts.append(f"✖ {counts[Status.CRITICAL]} critical")
    if counts[Status.WARNING]:
        parts.append(f"▲ {counts[Status.WARNING]} warn")
    if counts[Status.UNKNOWN]:
        parts.append(f"? {counts[Status.UNKNOWN]} unknown")
    return " ".join(parts) if parts else "✔ healthy"


def check_line(results: Sequence[CheckResult], *, name: str = "MAILQ") -> str:
    """The Nagios plugin line: 'MAILQ CRITICAL - 59 failed, ... | failed=59;10;50 ...'."""
    status = overall(results)
    problems = [r for r in results if r.status is status and status is not Status.OK]
    if status is Status.CRITICAL:  # the warnings matter too, after the criticals
        problems += [r for r in results if r.status is Status.WARNING]
    if problems:
        text = ", ".join(r.summary for r in problems)
    else:
        failed = next((r for r in results if r.id == "failed_mails"), None)
        text = "mail queue healthy" + (f", {failed.summary}" if failed else "")
    perf = " ".join(p.render() for r in results for p in r.perf)
    line = f"{name} {status.name} - {_one_line(text)}"
    return f"{line} | {perf}" if perf else line


def _one_line(text: str) -> str:
    return " ".join(text.replace("|", "/").split())
