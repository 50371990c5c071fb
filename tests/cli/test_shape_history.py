"""`shape` and `history` through `python -m console`, on SQLite and PostgreSQL: the numbers
against what the test works out from the raw rows (tests/helpers/shape.py), the @domain
filter against the shape's rows, and what the commands refuse."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.helpers.cli import assert_one_line_error, run_cli
from tests.helpers.db import OdooDatabases
from tests.helpers.shape import LABELS, expected_history, expected_shape, mails_to

API = ("--url", "http://127.0.0.1:9", "--odoo-db", "acme", "--login", "admin")


def _url(kind: str, sample_path: Path, odoo_databases: OdooDatabases) -> str:
    return f"sqlite:///{sample_path}" if kind == "sqlite" else odoo_databases.get("pg", 17)


def _json(*args: str) -> dict[str, object]:
    result = run_cli(*args, "--json")
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def _at(value: object) -> datetime:
    return datetime.fromisoformat(str(value).removesuffix("Z"))


@pytest.mark.parametrize("kind", ["sqlite", "pg"])
@pytest.mark.parametrize("state", ["outgoing", "exception"])
def test_shape_by_domain_counts_what_the_rows_say(
    kind: str, state: str, sample_path: Path, odoo_databases: OdooDatabases
) -> None:
    url = _url(kind, sample_path, odoo_databases)
    cli_state = "failed" if state == "exception" else "outgoing"
    shape = _json("shape", "--db", url, "--state", cli_state, "--limit", "1000")
    total, table, later = expected_shape(url, state, _at(shape["at"]))
    assert sum(total.values()) > 0, "the scenario has mails of this state"
    shown_total = shape["total"]
    assert isinstance(shown_total, dict)
    assert [shown_total["counts"][label] for label in LABELS] == [total[i] for i in range(9)]
    assert shape["scheduled_later"] == later
    rows = shape["rows"]
    assert isinstance(rows, list)
    got = {row["key"]: [row["counts"][label] for label in LABELS] for row in rows}
    assert got == table
    totals = [row["total"] for row in rows]
    assert totals == sorted(totals, reverse=True)  # biggest first
    if state == "exception":
        assert sum(total[i] for i in range(9)) == len(mails_to_any(url))


def mails_to_any(url: str) -> list[int]:
    from tests.helpers.db import rows

    return [r[0] for r in rows(url, "SELECT id FROM mail_mail WHERE state = 'exception'")]


@pytest.mark.parametrize("kind", ["sqlite", "pg"])
def test_the_domain_filter_lists_a_rows_mails(
    kind: str, sample_path: Path, odoo_databases: OdooDatabases
) -> None:
    url = _url(kind, sample_path, odoo_databases)
    shape = _json("shape", "--db", url, "--state", "failed", "--limit", "3")
    rows = shape["rows"]
    assert isinstance(rows, list)
    top = rows[0]
    assert top["filter"] == "@" + top["key"]
    listed = run_cli("mails", "--db", url, "--state", "failed", "--grep", top["filter"],
                     "--limit", "1000", "--json")  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    ids = {mail["id"] for mail in json.loads(listed.stdout)}
    assert ids == mails_to(url, "exception", top["key"])
    assert len(ids) == top["total"]


@pytest.mark.parametrize("kind", ["sqlite", "pg"])
def test_shape_by_model_server_and_cause_count_every_mail_once(
    kind: str, sample_path: Path, odoo_databases: OdooDatabases
) -> None:
    url = _url(kind, sample_path, odoo_databases)
    from tests.helpers.db import rows

    models = dict(
        rows(
            url,
            "SELECT coalesce(m.model, '(no document)'), count(*) FROM mail_mail x "
            "JOIN mail_message m ON m.id = x.mail_message_id WHERE x.state = 'exception' "
            "GROUP BY 1",
        )
    )
    by_model = _json("shape", "--db", url, "--state", "failed", "--by", "model", "--limit", "99")
    assert {r["key"]: r["total"] for r in by_model["rows"]} == models  # type: ignore[union-attr]
    failed = sum(models.values())
    for by in ("server", "cause"):
        shape = _json("shape", "--db", url, "--state", "failed", "--by", by)
        assert sum(r["total"] for r in shape["rows"]) == failed  # type: ignore[union-attr]
    servers = _json("shape", "--db", url, "--state", "failed", "--by", "server")
    named = {r["key"] for r in servers["rows"]}  # type: ignore[union-attr]
    listed = json.loads(run_cli("mails", "--db", url, "--state", "failed", "--limit", "1000",
                                "--json").stdout)  # fmt: skip
    assert named == {mail["server"]["name"] or "odoo.conf" for mail in listed}
    causes = json.loads(run_cli("causes", "--db", url, "--json").stdout)
    titles: dict[str, int] = {}
    for cause in causes:  # two causes may read alike: one row
        titles[cause["title"]] = titles.get(cause["title"], 0) + cause["count"]
    by_cause = _json("shape", "--db", url, "--state", "failed", "--by", "cause", "--limit", "99")
    shown = {r["key"]: r["total"] for r in by_cause["rows"]}  # type: ignore[union-attr]
    assert shown == titles


@pytest.mark.parametrize("kind", ["sqlite", "pg"])
def test_history_counts_what_odoo_keeps(
    kind: str, sample_path: Path, odoo_databases: OdooDatabases
) -> None:
    url = _url(kind, sample_path, odoo_databases)
    history = _json("history", "--db", url, "--days", "7", "--tz", "UTC")
    since, until = _at(history["since"]), _at(history["until"])
    assert (until - since).days == 7
    expected = expected_history(url, since, until)
    hours = history["hours"]
    assert isinstance(hours, list) and len(hours) == 7 * 24
    for kind_name in ("sent", "failed", "bounced"):
        got = {_at(h["hour"]): h[kind_name] for h in hours if h[kind_name]}
        assert got == dict(expected[kind_name]), kind_name
    assert sum(expected["sent"].values()) > 0
    days = history["days"]
    assert isinstance(days, list)
    assert sum(d["sent"] for d in days) == sum(expected["sent"].values())


def test_history_marks_the_days_over_the_daily_limit(sample_path: Path) -> None:
    url = f"sqlite:///{sample_path}"
    history = _json("history", "--db", url, "--days", "7", "--tz", "UTC", "--daily-limit", "20")
    days = history["days"]
    assert isinstance(days, list)
    assert [d["over_limit"] for d in days] == [d["sent"] > 20 for d in days]
    assert any(d["over_limit"] for d in days) and not all(d["over_limit"] for d in days)
    text = run_cli("history", "--db", url, "--days", "7", "--tz", "UTC", "--daily-limit", "20")
    lines = text.stdout.splitlines()
    assert "daily limit 20" in lines[1] and all(len(line) <= 80 for line in lines)
    over = [line for line in lines if line.endswith("  over")]
    assert len(over) == sum(1 for d in days if d["over_limit"])


def test_shape_text_fits_80_columns(sample_path: Path) -> None:
    result = run_cli("shape", "--db", f"sqlite:///{sample_path}", "--state", "failed")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    table = [line for line in lines if not line.startswith(("A mail counts", "Failed mails"))]
    assert all(len(line) <= 80 for line in table), table
    assert lines[1].split() == ["T", *LABELS]


def test_bad_options_and_the_api_are_refused_in_one_line(sample_path: Path) -> None:
    db = ("--db", f"sqlite:///{sample_path}")
    assert_one_line_error(run_cli("shape", *db, "--limit", "0"), "--limit")
    assert_one_line_error(run_cli("shape", *db, "--by", "colour"), "--by")
    assert_one_line_error(run_cli("history", *db, "--days", "0"), "--days")
    assert_one_line_error(run_cli("history", *db, "--daily-limit", "-5"), "--daily-limit")
    key = {"ODOO_MAILQ_API_KEY": "k"}
    assert_one_line_error(run_cli("shape", *API, env=key), "needs database access")
    assert_one_line_error(run_cli("history", *API, env=key), "needs database access")
