"""One throwaway PostgreSQL cluster for the whole run, and the databases built in it.

Databases are built by ``sample_db.generate`` once per size; writes are measured on
copies (``CREATE DATABASE ... TEMPLATE ... STRATEGY FILE_COPY``) so every repetition
starts from the same rows. Nothing is cached across runs: the cluster is deleted on exit.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import psycopg
from psycopg import sql

from testkit.odoo_dbs import build_postgres
from testkit.pgcluster import PgCluster


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class BenchCluster:
    def __init__(self) -> None:
        self.cluster = PgCluster()
        self.build_seconds: dict[int, float] = {}
        self._copies = 0

    def start(self) -> BenchCluster:
        self.cluster.start()
        say(f"PostgreSQL cluster on port {self.cluster.port} ({self.server_version()})")
        return self

    def stop(self) -> None:
        self.cluster.stop()

    def server_version(self) -> str:
        with self.cluster.connect() as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return f"PostgreSQL {row[0] if row else '?'}"

    # -- addresses ------------------------------------------------------------------
    def url(self, dbname: str) -> str:
        """SQLAlchemy URL, as the console takes it (--db)."""
        return self.cluster.url(dbname)

    def conninfo(self, dbname: str) -> str:
        return self.cluster.conninfo(dbname)

    def connect(
        self, dbname: str, autocommit: bool = False, prepare: bool = True
    ) -> psycopg.Connection[Any]:
        """psycopg's default auto-prepare (5 runs) unless ``prepare`` is False."""
        conn = psycopg.connect(self.conninfo(dbname), autocommit=autocommit)
        if not prepare:
            conn.prepare_threshold = None
        return conn

    # -- databases ------------------------------------------------------------------
    def build(self, mails: int) -> str:
        """A fresh Odoo 17 database of about ``mails`` mails; returns its name."""
        name = f"mailq_{mails}"
        url = self.cluster.create_database(name)
        started = time.monotonic()
        build_postgres(url, 17, mails=mails)  # around the real clock, as the tests build them
        self.build_seconds[mails] = time.monotonic() - started
        # A live database is vacuumed routinely; without this, autovacuum would run in the
        # middle of the measurements and plans would change with the visibility map.
        self.vacuum_analyze(name)
        say(f"built {name} in {self.build_seconds[mails]:.1f} s")
        return name

    def copy(self, template: str, prefix: str = "copy") -> str:
        """A copy of ``template`` (which must have no open connection)."""
        self._copies += 1
        name = f"{prefix}_{self._copies}"
        with self.cluster.connect() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        return name

    def drop(self, name: str) -> None:
        self.cluster.drop_database(name)

    def execute(self, dbname: str, statement: str, params: Any = None) -> int:
        """Run one statement and commit; returns the row count."""
        with self.connect(dbname) as conn:
            cursor = conn.execute(statement, params)
            count = cursor.rowcount
            conn.commit()
        return count

    def vacuum_analyze(self, dbname: str) -> None:
        with self.connect(dbname, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
