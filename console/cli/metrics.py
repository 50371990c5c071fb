"""`odoo-mailq metrics`: the Prometheus / OpenMetrics exporter.

    odoo-mailq metrics --listen 127.0.0.1:9877   serve /metrics over HTTP until stopped
    odoo-mailq metrics --textfile PATH.prom      write once for node_exporter, then exit

The series are in console.cli.metrics_families, what they are read from in
console.services.metrics; ``run_exporter(targets, ...)`` serves any list of databases
(console.services.metrics_targets.MetricsTarget), one or a whole server's.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.domain.errors import UsageError
from console.domain.sanitize import one_line

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from console.config.connection import ConnectionSettings
    from console.services.metrics_targets import MetricsCollector, MetricsTarget, TargetReading

DEFAULT_SCRAPE_TIMEOUT = 10.0  # seconds: the statement timeout of the exporter's queries
PROG = "odoo-mailq"


def add_metrics_parser(sub: Any) -> None:
    """Register `metrics` on the main parser's `sub(name, help)` factory."""
    metrics = sub("metrics", "Prometheus / OpenMetrics exporter: serve /metrics or write a file")
    where = metrics.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="serve http://HOST:PORT/metrics until stopped (e.g. 127.0.0.1:9877; IPv6 as "
        "[::1]:9877)",
    )
    where.add_argument(
        "--textfile",
        type=Path,
        metavar="PATH",
        help="write the metrics to PATH atomically and exit (node_exporter's textfile "
        "collector reads *.prom files)",
    )
    metrics.add_argument(  # also before the command: SUPPRESS keeps that value
        "--daily-limit",
        type=int,
        metavar="N",
        default=argparse.SUPPRESS,
        help="your provider's mails-per-day quota, exported next to the 24-hour volume",
    )
    metrics.add_argument(
        "--all-databases",
        action="store_true",
        default=argparse.SUPPRESS,
        help='every Odoo database of the server, as Odoo lists them (README "Fleet"), each '
        "labelled with its name; the list is made again every minute",
    )
    from console.cli.fleet_options import add_http_host

    add_http_host(metrics, sub=True)
    metrics.add_argument(
        "--label",
        metavar="NAME",
        help="the database label of the series (default: the database's name)",
    )
    metrics.add_argument(
        "--max-causes",
        type=int,
        default=20,
        metavar="N",
        help="failure causes exported one by one, the others summed as key=other (default 20)",
    )
    metrics.add_argument(
        "--scrape-timeout",
        type=float,
        default=DEFAULT_SCRAPE_TIMEOUT,
        metavar="SECONDS",
        help="statement timeout of each query of a scrape, at most --statement-timeout "
        f"(default {DEFAULT_SCRAPE_TIMEOUT:g})",
    )


def run_metrics(settings: ConnectionSettings, args: argparse.Namespace) -> int:
    """The command on the one database the connection options name."""
    from console.backends.connect import target_label
    from console.services.metrics_targets import MetricsTarget

    if getattr(args, "json", False):
        raise UsageError("metrics has no --json: its output is Prometheus text")
    if args.scrape_timeout <= 0:
        raise UsageError("--scrape-timeout must be a positive number of seconds")
    timeout_ms = min(settings.statement_timeout_ms, int(args.scrape_timeout * 1000))
    settings = replace(settings, read_only=True, statement_timeout_ms=timeout_ms)
    daily_limit = getattr(args, "daily_limit", None)
    if daily_limit is not None and daily_limit < 1:
        raise UsageError("--daily-limit must be at least 1")
    if getattr(args, "all_databases", False):
        if args.label is not None:
            raise UsageError("--label names one database: with --all-databases each is its name")
        discover = _fleet_targets(settings, getattr(args, "http_host", None), daily_limit)
        return run_exporter(
            discover(), listen=args.listen, textfile=args.textfile,
            max_causes=args.max_causes, discover=discover,
        )  # fmt: skip
    label = args.label if args.label is not None else target_label(settings)
    if not label:
        raise UsageError("the database has no name to label its series with: give --label")
    target = MetricsTarget(label, settings, daily_limit)
    return run_exporter(
        [target], listen=args.listen, textfile=args.textfile, max_causes=args.max_causes
    )


def _fleet_targets(
    settings: ConnectionSettings, http_host: str | None, daily_limit: int | None
) -> Callable[[], list[MetricsTarget]]:
    """Every Odoo database of the settings' server, as the fleet lists them (not the ones
    it skips), each a target with the exporter's read-only session and timeout."""
    from console.backends.connect import discover_databases, odoo_databases
    from console.services.metrics_targets import MetricsTarget

    def discover() -> list[MetricsTarget]:
        listing = odoo_databases(discover_databases(settings, http_host=http_host))
        return [
            MetricsTarget(
                database.name,
                replace(
                    database.settings,
                    read_only=True,
                    statement_timeout_ms=settings.statement_timeout_ms,
                ),
                daily_limit,
            )
            for database in listing.databases
        ]

    return discover


def run_exporter(
    targets: Sequence[MetricsTarget],
    *,
    listen: str | None = None,
    textfile: Path | None = None,
    max_causes: int = 20,
    discover: Callable[[], Sequence[MetricsTarget]] | None = None,
) -> int:
    """Serve these databases on ``listen`` ("HOST:PORT") until stopped, or write them once
    to ``textfile``: what `metrics` runs, for one database or many."""
    from console.services.metrics_targets import MetricsCollector

    if max_causes < 1:
        raise UsageError("--max-causes must be at least 1")
    address = None if listen is None else parse_listen(listen)
    collector = MetricsCollector(targets, max_causes=max_causes, discover=discover)
    try:
        if address is not None:
            return _serve(collector, *address)
        assert textfile is not None
        return _write_textfile(collector, textfile)
    finally:
        collector.close()


def parse_listen(text: str) -> tuple[str, int]:
    """ "HOST:PORT" or "[IPv6]:PORT" as (host, port); UsageError otherwise."""
    host, sep, port = text.strip().rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        sep = ""  # an IPv6 address needs brackets
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(
            f"--listen {text!r}: expected HOST:PORT, e.g. 127.0.0.1:9877 or [::1]:9877"
        )
    return host, int(port)


def _registry(collector: MetricsCollector) -> CollectorRegistry:
    from prometheus_client import CollectorRegistry

    from console.cli.metrics_families import QueueMetrics

    registry = CollectorRegistry(auto_describe=False)
    report = _Transitions()
    registry.register(QueueMetrics(lambda: report(collector.scrape())))
    return registry


class _Transitions:
    """Says on stderr when a database stops answering and when it answers again (not at
    every failed scrape)."""

    def __init__(self) -> None:
        self.down: dict[str, str] = {}

    def __call__(self, readings: Sequence[TargetReading]) -> Sequence[TargetReading]:
        for reading in readings:
            label = reading.target.label
            if reading.error is not None and label not in self.down:
                _say(f"database {label} is down: {reading.error}")
                self.down[label] = reading.error
            elif reading.error is None and label in self.down:
                _say(f"database {label} answers again")
                del self.down[label]
        return readings


def _say(message: str) -> None:
    print(f"{PROG}: metrics: {one_line(message)}", file=sys.stderr, flush=True)


def _serve(collector: MetricsCollector, host: str, port: int) -> int:
    import signal
    import threading
    from contextlib import suppress

    from prometheus_client import start_http_server

    try:
        server, thread = start_http_server(port, addr=host, registry=_registry(collector))
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    except ValueError as exc:  # a host name the resolver cannot read at all
        raise UsageError(f"cannot listen on {host}:{port}: {exc}") from None
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    shown = f"[{host}]" if ":" in host else host
    labels = ", ".join(r.target.label for r in collector.readers)
    _say(f"serving http://{shown}:{server.server_port}/metrics for {labels}")
    with suppress(KeyboardInterrupt):  # Ctrl-C stops it as SIGTERM does
        stop.wait()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    return 0


def _write_textfile(collector: MetricsCollector, path: Path) -> int:
    from prometheus_client import write_to_textfile

    if path.is_dir():
        raise UsageError(f"--textfile {path}: is a directory")
    try:
        write_to_textfile(str(path), _registry(collector))
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return 0
