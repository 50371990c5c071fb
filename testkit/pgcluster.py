"""A throwaway PostgreSQL cluster for the test suite.

``PgCluster`` runs ``initdb`` in a fresh temporary directory and starts a
private server on a free TCP port of 127.0.0.1 (plus a unix socket inside
that directory).  Durability is switched off, since the data is thrown away.
When we are root the server runs as the OS user ``postgres``.

Authentication (``pg_hba.conf``):

* ``PW_USER`` (``mailq_pw``) over TCP must give ``PW_PASSWORD`` (scram-sha-256),
  so tests can check wrong-password handling;
* every other role, over TCP on 127.0.0.1 or the unix socket, is trusted.

The server is stopped by ``stop()``, by an ``atexit`` hook, and on SIGTERM /
SIGHUP when nobody else handles those.  A cluster left behind by a test run
that was killed outright (SIGKILL) is reaped the next time a cluster starts.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import FrameType
from urllib.parse import quote

import psycopg
from psycopg import sql

from testkit.net import free_port

PW_USER = "mailq_pw"
PW_PASSWORD = "s3cret-pw"
SUPERUSER = "postgres"
OS_USER = "postgres"
DIR_PREFIX = "mailq-pg-"
OWNER_FILE = "owner.pid"

INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install the Debian "
    "package `postgresql` (`apt-get install -y postgresql`; `bash tests/run.sh` does "
    "this for you), or put the directory holding initdb/pg_ctl on PATH."
)


class PgClusterError(RuntimeError):
    """The throwaway cluster could not be created or started."""


def find_bindir() -> Path:
    """Directory holding ``initdb`` and ``pg_ctl``.

    Tried in order: ``pg_config --bindir``, the highest
    ``/usr/lib/postgresql/*/bin`` (Debian layout), then PATH.
    """
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10
            )
            if out.returncode == 0 and out.stdout.strip():
                candidates.append(Path(out.stdout.strip()))

    def version_key(path: str) -> tuple[int, ...]:
        name = Path(path).parent.name
        return tuple(int(p) for p in re.findall(r"\d+", name)) or (0,)

    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version_key, reverse=True)
    candidates.extend(Path(d) for d in debian)

    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)

    for cand in candidates:
        if all(os.access(cand / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return cand
    raise PgClusterError(INSTALL_HINT)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---------------------------------------------------------------- cleanup on exit

_LIVE: set[PgCluster] = set()
_LIVE_LOCK = threading.Lock()
_HOOKS_INSTALLED = False


def _stop_all() -> None:
    with _LIVE_LOCK:
        clusters = list(_LIVE)
    for cluster in clusters:
        with contextlib.suppress(Exception):
            cluster.stop()


def _on_signal(signum: int, frame: FrameType | None) -> None:
    _stop_all()
    # Die the way the signal meant us to.
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_hooks() -> None:
    global _HOOKS_INSTALLED
    if _HOOKS_INSTALLED:
        return
    _HOOKS_INSTALLED = True
    atexit.register(_stop_all)
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        # Only take over signals nobody else handles.
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _on_signal)


# ---------------------------------------------------------------- the cluster


class PgCluster:
    """A private, disposable PostgreSQL server.  See the module docstring."""

    PW_USER = PW_USER
    PW_PASSWORD = PW_PASSWORD
    SUPERUSER = SUPERUSER

    def __init__(self, *, bindir: Path | None = None, start_timeout: float = 60.0) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.bindir = bindir
        self.start_timeout = start_timeout
        self.base_dir: Path | None = None
        self.startup_seconds: float | None = None
        self._as_root = os.geteuid() == 0
        self._started = False

    # -- paths
    @property
    def data_dir(self) -> Path:
        assert self.base_dir is not None, "cluster not started"
        return self.base_dir / "data"

    @property
    def socket_dir(self) -> Path:
        assert self.base_dir is not None, "cluster not started"
        return self.base_dir

    @property
    def log_file(self) -> Path:
        assert self.base_dir is not None, "cluster not started"
        return self.base_dir / "server.log"

    @property
    def running(self) -> bool:
        return self._started

    # -- lifecycle
    def start(self) -> PgCluster:
        if self._started:
            return self
        t0 = time.monotonic()
        if self.bindir is None:
            self.bindir = find_bindir()
        reap_orphans()
        _install_hooks()
        self.base_dir = self._make_base_dir()
        with _LIVE_LOCK:
            _LIVE.add(self)
        try:
            self._initdb()
            self._start_server()
            self._bootstrap_roles()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def stop(self) -> None:
        """Fast shutdown, then remove the directory.  Safe to call twice."""
        base = self.base_dir
        if base is None:
            return
        try:
            if (self.data_dir / "postmaster.pid").exists():
                proc = self._run_pg(
                    ["pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "30", "stop"],
                    check=False,
                )
                if proc.returncode != 0 and (self.data_dir / "postmaster.pid").exists():
                    self._run_pg(
                        ["pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"],
                        check=False,
                    )
        finally:
            self._started = False
            self.base_dir = None
            shutil.rmtree(base, ignore_errors=True)
            with _LIVE_LOCK:
                _LIVE.discard(self)

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- URLs and databases
    def url(
        self, dbname: str = "postgres", user: str = SUPERUSER, password: str | None = None
    ) -> str:
        """SQLAlchemy URL ``postgresql+psycopg://user[:pw]@127.0.0.1:PORT/dbname``."""
        self._require_started()
        auth = quote(user, safe="")
        if password is not None:
            auth += ":" + quote(password, safe="")
        return f"postgresql+psycopg://{auth}@{self.host}:{self.port}/{quote(dbname, safe='')}"

    def conninfo(
        self, dbname: str = "postgres", user: str = SUPERUSER, password: str | None = None
    ) -> str:
        """libpq conninfo string for ``psycopg.connect``."""
        self._require_started()
        return psycopg.conninfo.make_conninfo(
            host=self.host,
            port=self.port,
            dbname=dbname,
            user=user,
            password=password,
            connect_timeout=10,
        )

    def connect(self, dbname: str = "postgres", autocommit: bool = True) -> psycopg.Connection:
        """A superuser psycopg connection."""
        return psycopg.connect(self.conninfo(dbname), autocommit=autocommit)

    def create_database(self, name: str, owner: str | None = None) -> str:
        """Create database ``name`` (optionally owned by ``owner``); return its URL."""
        stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if owner is not None:
            stmt = sql.SQL("{} OWNER {}").format(stmt, sql.Identifier(owner))
        with self.connect() as conn:
            conn.execute(stmt)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` if it exists, kicking out its sessions."""
        with self.connect() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    # -- internals
    def _require_started(self) -> None:
        if not self._started:
            raise PgClusterError("PgCluster is not running; call start() first")

    def _make_base_dir(self) -> Path:
        # The unix socket path must stay under ~107 bytes: avoid long TMPDIRs.
        parent = tempfile.gettempdir()
        if len(parent) > 60:
            parent = "/tmp"
        base = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=parent))
        (base / OWNER_FILE).write_text(f"{os.getpid()}\n")
        if self._as_root:
            pw = pwd_entry()
            os.chown(base, pw.pw_uid, pw.pw_gid)
        return base

    def _cmd(self, argv: list[str]) -> list[str]:
        assert self.bindir is not None
        argv = [str(self.bindir / argv[0]), *argv[1:]]
        if self._as_root:
            pwd_entry()
            return ["runuser", "-u", OS_USER, "--", *argv]
        return argv

    def _run_pg(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            self._cmd(argv),
            cwd=self.base_dir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=self.start_timeout + 30,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        )
        if check and proc.returncode != 0:
            raise PgClusterError(
                f"{argv[0]} failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
                + self._log_tail()
            )
        return proc

    def _log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_file.read_text(errors="replace")
        except (OSError, AssertionError):
            return ""
        return "\n--- server log (tail) ---\n" + "\n".join(text.splitlines()[-lines:])

    def _initdb(self) -> None:
        self._run_pg(
            [
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ]
        )
        hba = (
            "# written by testkit/pgcluster.py\n"
            "# TYPE  DATABASE  USER      ADDRESS        METHOD\n"
            f"host    all       {PW_USER}  127.0.0.1/32   scram-sha-256\n"
            "local   all       all                      trust\n"
            "host    all       all       127.0.0.1/32   trust\n"
        )
        self._write_as_owner(self.data_dir / "pg_hba.conf", hba)

    def _server_conf(self) -> str:
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.socket_dir}'",
            "max_connections": "100",
            "shared_buffers": "32MB",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "password_encryption": "'scram-sha-256'",
            "logging_collector": "off",
            "log_min_messages": "warning",
            "timezone": "'UTC'",
        }
        body = "".join(f"{k} = {v}\n" for k, v in settings.items())
        return f"# written by testkit/pgcluster.py\n{body}"

    def _start_server(self) -> None:
        # The free port may be snatched between probing and binding: retry.
        last: PgClusterError | None = None
        for _attempt in range(5):
            self.port = free_port(self.host)
            self._write_as_owner(self.data_dir / "postgresql.auto.conf", self._server_conf())
            proc = self._run_pg(
                [
                    "pg_ctl",
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_file),
                    "-w",
                    "-t",
                    str(int(self.start_timeout)),
                    "start",
                ],
                check=False,
            )
            if proc.returncode == 0:
                self._started = True
                self._wait_ready()
                return
            last = PgClusterError(
                f"pg_ctl start failed (exit {proc.returncode}) on port {self.port}:\n"
                f"{proc.stdout}\n{proc.stderr}{self._log_tail()}"
            )
            if "could not bind" not in self._log_tail(60) and "in use" not in self._log_tail(60):
                break
            # A half-started server must be gone before the next try.
            self._run_pg(["pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "stop"], False)
        assert last is not None
        raise last

    def _wait_ready(self) -> None:
        """pg_ctl -w already waited; make sure TCP answers too."""
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                with psycopg.connect(self.conninfo(), autocommit=True) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise PgClusterError(
                        "server did not accept TCP connections" + self._log_tail()
                    ) from None
                time.sleep(0.05)

    def _bootstrap_roles(self) -> None:
        with self.connect() as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                    sql.Identifier(PW_USER), sql.Literal(PW_PASSWORD)
                )
            )

    def _write_as_owner(self, path: Path, text: str) -> None:
        path.write_text(text)
        if self._as_root:
            pw = pwd_entry()
            os.chown(path, pw.pw_uid, pw.pw_gid)
        path.chmod(0o600)

    def __repr__(self) -> str:
        state = f"port={self.port}" if self._started else "stopped"
        return f"<PgCluster {state} dir={self.base_dir}>"


def pwd_entry() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(OS_USER)
    except KeyError:
        raise PgClusterError(
            f"running as root but OS user {OS_USER!r} does not exist; " + INSTALL_HINT
        ) from None


def reap_orphans() -> None:
    """Stop and delete clusters whose owning test process is gone (e.g. SIGKILLed)."""
    parents = {tempfile.gettempdir(), "/tmp"}
    for parent in parents:
        for base in glob.glob(os.path.join(parent, DIR_PREFIX + "*")):
            owner_file = Path(base) / OWNER_FILE
            try:
                owner = int(owner_file.read_text().strip())
            except (OSError, ValueError):
                continue
            if _pid_alive(owner):
                continue
            data = Path(base) / "data"
            if (data / "postmaster.pid").exists():
                orphan = PgCluster()
                orphan.base_dir = Path(base)
                with contextlib.suppress(Exception):
                    orphan.bindir = find_bindir()
                    orphan._run_pg(["pg_ctl", "-D", str(data), "-m", "immediate", "stop"], False)
            shutil.rmtree(base, ignore_errors=True)
