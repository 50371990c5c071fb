"""Build an Odoo-shaped mail-queue database (PostgreSQL or SQLite) with an on-call scenario.

    python -m sample_db.generate [--url URL] [--odoo-version 16|17|18|19] [--mails N]
                                 [--seed S] [--anchor ISO] [--log PATH]

Without ``--url`` it rewrites the bundled ``sample_db/odoo17_sample.sqlite`` and the Odoo
17 log of its mails next to it, ``odoo17_sample.log`` (``sample_db.odoo_log``). Every
timestamp is relative to the anchor (naive UTC, default 2026-11-27T08:00:00); the same
arguments always give the same rows. ``--mails N`` makes about N ``mail_mail`` rows: the
hand-written scenario plus bulk history in realistic proportions.
"""

from __future__ import annotations

import argparse
import heapq
import random
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from sample_db.base import build_base
from sample_db.bulk import BulkMails, plan_bulk
from sample_db.campaigns import build_campaign_base
from sample_db.crons import build_crons
from sample_db.field_catalog import build_field_catalog
from sample_db.mails import MailFactory, MailSpec
from sample_db.odoo_ddl import SUPPORTED_VERSIONS, add_constraints_and_indexes, create_tables
from sample_db.odoo_ddl_blacklist import add_sample_blacklist
from sample_db.odoo_log import OdooLog
from sample_db.scenario import Scenario
from sample_db.sinks import PostgresSink, RowSink, SqliteSink

DEFAULT_ANCHOR = datetime(2026, 11, 27, 8, 0, 0)
SAMPLE_PATH = Path(__file__).resolve().parent / "odoo17_sample.sqlite"
SAMPLE_LOG = SAMPLE_PATH.with_suffix(".log")
SAMPLE_MAILS = 400  # mail_mail rows when --mails is not given


@dataclass(slots=True)
class BuildReport:
    """What was built: handy for tests and the CLI summary."""

    version: int
    mails_by_state: dict[str, int]
    tags: dict[str, list[int]]
    mailings: dict[str, int]
    crons: dict[str, int]
    rows: dict[str, int] = field(default_factory=dict)


def build_database(
    url: str,
    *,
    version: int = 17,
    mails: int | None = None,
    seed: int = 7,
    anchor: datetime | None = None,
    progress: bool = False,
    log_path: Path | None = None,
) -> None:
    """Create the schema of Odoo ``version`` in the (empty) database at ``url`` and fill it;
    with ``log_path``, also write Odoo 17's log of its mails there."""
    build_database_report(
        url,
        version=version,
        mails=mails,
        seed=seed,
        anchor=anchor,
        progress=progress,
        log_path=log_path,
    )


def build_database_report(
    url: str,
    *,
    version: int = 17,
    mails: int | None = None,
    seed: int = 7,
    anchor: datetime | None = None,
    progress: bool = False,
    log_path: Path | None = None,
) -> BuildReport:
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"Odoo version must be one of {SUPPORTED_VERSIONS}, not {version}")
    if log_path is not None and version != 17:
        raise ValueError("the log is written in Odoo 17's wording: it needs --odoo-version 17")
    anchor = (anchor or DEFAULT_ANCHOR).replace(microsecond=0, tzinfo=None)
    target = SAMPLE_MAILS if mails is None else mails
    _remove_sqlite_file(url)
    engine = sa.create_engine(url)
    try:
        pg = engine.dialect.name == "postgresql"
        if pg:
            _check_empty(engine)
        _say(progress, f"creating the Odoo {version} schema ({engine.dialect.name})")
        create_tables(engine, version, with_constraints=not pg)
        sink: RowSink = (
            PostgresSink(engine, version, progress=progress) if pg else SqliteSink(engine, version)
        )
        report = _fill(sink, version, anchor, seed, target, progress, log_path)
        sink.close()
        report.rows = dict(sink.written)
        if pg:
            _say(progress, "adding foreign keys and indexes")
            add_constraints_and_indexes(engine, version)
            _set_sequences(engine)
        add_sample_blacklist(url, version, anchor=anchor)  # after the sequences: it inserts
        _say(progress, "analyzing")
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    finally:
        engine.dispose()
    return report


def _fill(
    sink: RowSink,
    version: int,
    anchor: datetime,
    seed: int,
    target: int,
    progress: bool,
    log_path: Path | None,
) -> BuildReport:
    rng = random.Random(seed)
    bulk_rng = random.Random(f"{seed}-bulk")
    world = build_base(sink, version, anchor, rng)
    build_crons(sink, world)
    build_campaign_base(sink, world, rng)
    scenario = Scenario(world, rng).build()
    kept = sum(1 for spec in scenario if not spec.deleted)
    plan = plan_bulk(sink, world, bulk_rng, max(0, target - kept))
    factory = MailFactory(sink, version, random.Random(f"{seed}-message-ids"))
    bulk = BulkMails(world, plan, bulk_rng).specs()
    _say(progress, f"generating about {target:,} mails ({kept} hand-written)")
    merged: Iterable[MailSpec] = heapq.merge(scenario, bulk, key=lambda s: s.at)
    log = OdooLog(world, seed) if log_path is not None else None
    for spec in merged:
        mail_id = factory.emit(spec)
        if log is not None:
            log.add(spec, mail_id, factory.last_message_id)
    if log is not None and log_path is not None:
        _say(progress, f"writing Odoo's log of these mails to {log_path}")
        log.write(log_path)
    build_field_catalog(sink, world)
    return BuildReport(
        version=version,
        mails_by_state=dict(factory.mail_ids_by_state),
        tags={k: list(v) for k, v in factory.tags.items()},
        mailings=dict(world.mailings),
        crons=dict(world.crons),
    )


def _remove_sqlite_file(url: str) -> None:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(str(parsed.database))
        for extra in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)


def _check_empty(engine: sa.Engine) -> None:
    if sa.inspect(engine).has_table("mail_mail"):
        raise RuntimeError("the target database already has Odoo tables; use an empty database")


def _set_sequences(engine: sa.Engine) -> None:
    """Move every serial sequence past the ids written by COPY."""
    with engine.begin() as conn:
        inspector = sa.inspect(conn)
        for table in inspector.get_table_names():
            if "id" not in {col["name"] for col in inspector.get_columns(table)}:
                continue
            seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table})
            name = seq.scalar()
            if name is not None:
                top = f'COALESCE((SELECT max(id) FROM "{table}"), 0) + 1'
                conn.execute(sa.text(f"SELECT setval('{name}', {top}, false)"))


def _say(enabled: bool, message: str) -> None:
    if enabled:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_db.generate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--url", help="SQLAlchemy URL of an empty database (default: the bundled sample)"
    )
    parser.add_argument("--odoo-version", type=int, choices=SUPPORTED_VERSIONS, default=17)
    parser.add_argument(
        "--mails", type=int, default=None, help=f"about N mails (default {SAMPLE_MAILS})"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--anchor",
        type=datetime.fromisoformat,
        default=DEFAULT_ANCHOR,
        help="the scenario's 'now', naive UTC ISO (default 2026-11-27T08:00:00)",
    )
    parser.add_argument(
        "--log",
        type=Path,
        help="also write Odoo 17's log of the mails there (default without --url: "
        f"{SAMPLE_LOG.name} next to the sample)",
    )
    args = parser.parse_args(argv)
    url = args.url or f"sqlite:///{SAMPLE_PATH}"
    log_path = args.log or (None if args.url else SAMPLE_LOG)
    started = time.monotonic()
    report = build_database_report(
        url,
        version=args.odoo_version,
        mails=args.mails,
        seed=args.seed,
        anchor=args.anchor,
        progress=True,
        log_path=log_path,
    )
    states = ", ".join(f"{k} {v:,}" for k, v in sorted(report.mails_by_state.items()))
    _say(True, f"done in {time.monotonic() - started:.1f} s: mails {states}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
