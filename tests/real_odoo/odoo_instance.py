"""Real Odoo on the suite's throwaway PostgreSQL: its databases, its ORM, its server.

``OdooInstance`` (one per version and test session):

* ``template()``: a database with ``mail`` and ``mass_mailing`` installed by ``odoo-bin -i``
  (16-46 s), kept as a ``pg_dump`` in the cache and restored (a second or two) on later runs;
* ``new_database(name)``: a copy of the template (``CREATE DATABASE ... TEMPLATE``) with its
  filestore, for one test module or one test;
* ``orm(db, code, **args)``: Odoo's own code on that database, through one long-lived
  Odoo process (``agent_main.py``), committed as a shell script would be;
* ``serve(db, ...)``: ``odoo-bin`` serving HTTP and running crons, as in production.

Odoo refuses to connect as ``postgres``, so it uses the role ``odoo`` (the cluster trusts
local connections); the console connects as the same role, as an operator with odoo.conf.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from psycopg import sql

from testkit.pgcluster import PgCluster
from tests.real_odoo.environment import ADDONS, OdooTree, cache_dir, file_lock

ROLE = "odoo"
AGENT = Path(__file__).with_name("agent_main.py")
MARKER = "@@odoo-agent@@ "


class OdooError(RuntimeError):
    """Odoo's code raised: the message carries Odoo's traceback."""


class OdooAgent:
    """One Odoo process that runs snippets of ORM code on request (see agent_main.py)."""

    def __init__(self, python: Path, odoo_tree: OdooTree, conf: Path, log: Path) -> None:
        self._log = log.open("ab")
        self._process = subprocess.Popen(
            [str(python), "-W", "ignore", str(AGENT), str(odoo_tree.source), str(conf)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            bufsize=1,
        )
        self._lock = threading.Lock()
        self.version = int(self._read()["version"])

    def _read(self) -> Any:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            if line.startswith(MARKER):
                answer = json.loads(line[len(MARKER) :])
                if not answer["ok"]:
                    raise OdooError(answer["error"])
                return answer["result"]
        raise OdooError(
            f"the Odoo agent stopped (exit {self._process.wait()}); see {self._log.name}"
        )

    def run(self, db: str, code: str, uid: int = 1, **args: Any) -> Any:
        request = {"db": db, "code": code, "args": args, "uid": uid}
        with self._lock:
            assert self._process.stdin is not None
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            return self._read()

    def close(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._log.close()


class OdooInstance:
    def __init__(self, odoo_tree: OdooTree, python: Path, cluster: PgCluster, workdir: Path):
        self.tree = odoo_tree
        self.version = odoo_tree.version
        self.python = python
        self.cluster = cluster
        self.workdir = workdir
        self.data_dir = workdir / "data"
        self.conf = workdir / "odoo.conf"
        self.log_dir = workdir / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._agent: OdooAgent | None = None
        self._template: str | None = None
        self._ensure_role()
        self.write_conf(self.conf)

    # -- configuration ------------------------------------------------------------------
    def _ensure_role(self) -> None:
        create = sql.SQL(
            "DO $$ BEGIN CREATE ROLE {} LOGIN CREATEDB; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"  # in parallel
        ).format(sql.Identifier(ROLE))
        with self.cluster.connect() as conn:
            conn.execute(create)

    def write_conf(self, path: Path, **extra: object) -> Path:
        options = {
            "db_host": self.cluster.host,
            "db_port": self.cluster.port,
            "db_user": ROLE,
            "db_password": "False",
            "addons_path": self.tree.addons_path,
            "data_dir": self.data_dir,
            "list_db": "False",
            "without_demo": "all",
            "log_level": "info",
            **extra,
        }
        lines = ["[options]", *(f"{key} = {value}" for key, value in options.items())]
        path.write_text("\n".join(lines) + "\n")
        return path

    def url(self, db: str) -> str:
        """The console's URL for this database (the role Odoo uses)."""
        return self.cluster.url(db, user=ROLE)

    # -- databases ----------------------------------------------------------------------
    def template(self) -> str:
        if self._template is None:
            name = f"odoo{self.version}_template"
            dump = cache_dir() / f"odoo{self.version}-{self.tree.fingerprint()}.dump"
            with file_lock(dump.name):
                if not dump.exists():
                    self._install(name)
                    self._pg("pg_dump", "-Fc", "-f", str(dump) + ".partial", name)
                    os.replace(str(dump) + ".partial", dump)
                    self._save_filestore(name, dump)
                else:
                    self._restore(name, dump)
            self._template = name
        return self._template

    def _install(self, name: str) -> None:
        self.cluster.drop_database(name)
        log = self.log_dir / f"install-{name}.log"
        command = [str(self.python), "-W", "ignore", str(self.tree.odoo_bin), "-c", str(self.conf),
                   "-d", name, "-i", ADDONS, "--stop-after-init", "--no-http",
                   f"--logfile={log}"]  # fmt: skip
        done = subprocess.run(command, cwd=self.tree.source, capture_output=True, text=True)
        if done.returncode != 0:
            raise OdooError(f"odoo-bin -i {ADDONS} failed: {done.stderr[-3000:]}\nlog: {log}")

    def _pg(self, tool: str, *argv: str) -> None:
        assert self.cluster.bindir is not None
        command = [str(self.cluster.bindir / tool), "-h", self.cluster.host,
                   "-p", str(self.cluster.port), "-U", "postgres", *argv]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True)

    def _save_filestore(self, name: str, dump: Path) -> None:
        source = self.data_dir / "filestore" / name
        target = dump.with_suffix(".filestore")
        shutil.rmtree(target, ignore_errors=True)
        if source.is_dir():
            shutil.copytree(source, target)

    def _restore(self, name: str, dump: Path) -> None:
        self.cluster.drop_database(name)
        self.cluster.create_database(name, owner=ROLE)
        self._pg("pg_restore", "--no-owner", f"--role={ROLE}", "-d", name, str(dump))
        saved = dump.with_suffix(".filestore")
        if saved.is_dir():
            shutil.copytree(saved, self.data_dir / "filestore" / name, dirs_exist_ok=True)

    def new_database(self, name: str) -> str:
        template = self.template()
        self.cluster.drop_database(name)
        with self.cluster.connect() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {}").format(
                    sql.Identifier(name), sql.Identifier(template), sql.Identifier(ROLE)
                )
            )
        source = self.data_dir / "filestore" / template
        if source.is_dir():
            shutil.copytree(source, self.data_dir / "filestore" / name, dirs_exist_ok=True)
        return name

    # -- Odoo's code --------------------------------------------------------------------
    def orm(self, db: str, code: str, uid: int = 1, **args: Any) -> Any:
        """Run ORM code in Odoo on ``db`` (``env``, ``args`` in scope; set ``result``)."""
        if self._agent is None:
            self._agent = OdooAgent(self.python, self.tree, self.conf, self.log_dir / "agent.log")
        return self._agent.run(db, code, uid, **args)

    @contextlib.contextmanager
    def serve(
        self, db: str, *, http_port: int | None = None, cron_threads: int = 0
    ) -> Iterator[subprocess.Popen[bytes]]:
        """``odoo-bin`` on ``db``: HTTP on ``http_port`` (none without), ``cron_threads``
        cron workers (Odoo's cron runner), logging to ``logs/server-<db>.log``."""
        log = self.log_dir / f"server-{db}.log"
        command = [str(self.python), "-W", "ignore", str(self.tree.odoo_bin), "-c", str(self.conf),
                   "-d", db, f"--max-cron-threads={cron_threads}", f"--logfile={log}",
                   f"--db-filter=^{db}$"]  # fmt: skip
        command += [f"--http-port={http_port}"] if http_port else ["--no-http"]
        offset = log.stat().st_size if log.exists() else 0  # the log is appended to
        process = subprocess.Popen(command, cwd=self.tree.source, stdin=subprocess.DEVNULL)
        try:
            _wait_for(log, "Modules loaded" if not http_port else "HTTP service", process, offset)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def close(self) -> None:
        if self._agent is not None:
            self._agent.close()
            self._agent = None


def _wait_for(
    log: Path, text: str, process: subprocess.Popen[bytes], offset: int, timeout: float = 90
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise OdooError(f"odoo-bin exited with {process.returncode}; see {log}")
        if log.exists():
            with log.open(errors="replace") as handle:
                handle.seek(offset)
                if text in handle.read():
                    return
        time.sleep(0.2)
    raise OdooError(f"odoo-bin did not log {text!r} within {timeout:.0f} s; see {log}")
