"""Build benchmark databases once and keep them served until interrupted.

    python -m bench.keep_db 100k 1M [--urls-file PATH]

Building the 1M-mail database takes about a minute; the benchmarks that take ``--url``
(``bench.cli_speed``, ``bench.key_latency``) can then run again and again against it.
The cluster is throwaway (``testkit/pgcluster.py``): Ctrl-C or SIGTERM stops it and
deletes its data. The URLs are printed and written to ``--urls-file`` (one
``size URL`` a line), default ``/tmp/odoo-mailq-bench-urls.txt``.
"""

from __future__ import annotations

import argparse
import signal
import time
from pathlib import Path
from types import FrameType

from bench.pgenv import BenchCluster, say
from bench.report import parse_size, size_label

DEFAULT_URLS_FILE = Path("/tmp/odoo-mailq-bench-urls.txt")


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.keep_db", description=__doc__)
    parser.add_argument("sizes", nargs="+", help="mail counts, e.g. 100k 1M")
    parser.add_argument("--urls-file", type=Path, default=DEFAULT_URLS_FILE)
    args = parser.parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    env = BenchCluster()
    try:
        env.start()
        lines = []
        for mails in sorted(parse_size(s) for s in args.sizes):
            name = env.build(mails)
            lines.append(f"{size_label(mails)} {env.url(name)}")
        args.urls_file.write_text("".join(f"{line}\n" for line in lines))
        for line in lines:
            print(line, flush=True)
        say(f"serving; URLs in {args.urls_file}; Ctrl-C stops the cluster")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        args.urls_file.unlink(missing_ok=True)
        env.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
