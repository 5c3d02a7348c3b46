"""A throw-away PostgreSQL server for tests: ``initdb`` in a temporary folder, loopback only, removed at the end.

Uses Debian's ``postgresql`` package (``/usr/lib/postgresql/<version>/bin``, newest
version first) or ``initdb`` on ``PATH``. PostgreSQL refuses to run as root, so
as root the server runs as the ``postgres`` system user when it exists, else as
``nobody``, in a folder that user owns; otherwise as the current user.

    with PostgresServer() as server:
        url = server.create_database("lifecycle")   # postgresql://grader:...@127.0.0.1:PORT/lifecycle

It listens on 127.0.0.1 at a free port (its Unix socket stays in the temporary
folder), with ``fsync`` and friends off for speed; the role ``grader`` has a
password and owns every database made with :meth:`PostgresServer.create_database`.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

ROLE = "grader"
ADMIN = "course_admin"
SPEED_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=200")


def bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: Debian's newest version, else the one on ``PATH``."""
    def version(path: str) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", Path(path).parent.parent.name))

    found = [p for p in glob.glob("/usr/lib/postgresql/*/bin/initdb") if os.access(p, os.X_OK)]
    if found:
        return Path(max(found, key=version)).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def why_not_runnable() -> str | None:
    """Why no test server can be started here (a sentence for ``pytest.skip``), or ``None`` when it can."""
    folder = bin_dir()
    if folder is None:
        return ("PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH); "
                "./course.sh test installs it with apt when run as root, or: sudo apt-get install -y postgresql")
    if not (folder / "pg_ctl").exists():
        return f"PostgreSQL's pg_ctl is missing next to {folder / 'initdb'}"
    if os.geteuid() == 0 and _server_account() is None:
        return "running as root and neither the postgres nor the nobody user exists to run the server as"
    return None


def _server_account() -> pwd.struct_passwd | None:
    """The unprivileged account the server runs as (``None`` when not root: the current user)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    return None


def _enterable_temp_dir(account: pwd.struct_passwd | None) -> str:
    """The temporary folder, or /tmp when the server's user could not reach it (e.g. TMPDIR under /root)."""
    base = Path(tempfile.gettempdir()).resolve()
    if account is None or all(os.stat(p).st_mode & 0o001 for p in (base, *base.parents)):
        return str(base)
    return "/tmp"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One PostgreSQL cluster in a temporary folder; a context manager that always cleans up."""

    def __init__(self):
        self.bin = bin_dir()
        self.account = _server_account()
        self.password = secrets.token_urlsafe(16)
        self.admin_password = secrets.token_urlsafe(16)
        self.folder: Path | None = None
        self.port: int | None = None
        self._started = False

    # -- running commands as the server's user
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        kwargs = {}
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC"}
        if self.account is not None:
            kwargs = {"user": self.account.pw_uid, "group": self.account.pw_gid, "extra_groups": []}
            env["HOME"] = str(self.folder)
        run = subprocess.run([str(self.bin / args[0]), *args[1:]], cwd=self.folder, env=env,
                             capture_output=True, text=True, timeout=120, **kwargs)
        if check and run.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({run.returncode}):\n{run.stdout}{run.stderr}\n{tail}")
        return run

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def start(self) -> "PostgresServer":
        # In the system temporary folder (not pytest's, which is private to root) so the server's user can enter it.
        self.folder = Path(tempfile.mkdtemp(prefix="course-postgres-", dir=_enterable_temp_dir(self.account)))
        try:
            if self.account is not None:
                os.chown(self.folder, self.account.pw_uid, self.account.pw_gid)
            pwfile = self.folder / "admin-password"
            pwfile.write_text(self.admin_password + "\n")
            if self.account is not None:
                os.chown(pwfile, self.account.pw_uid, self.account.pw_gid)
            self._run("initdb", "-D", str(self.data), "-U", ADMIN, f"--pwfile={pwfile}", "-E", "UTF8",
                      "--locale=C.UTF-8", "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
                      "--no-sync")
            pwfile.unlink()
            for attempt in range(3):  # another process may take the free port before the server does
                self.port = _free_port()
                options = " ".join(["-c listen_addresses=127.0.0.1", f"-p {self.port}",
                                    f"-c unix_socket_directories={self.folder}"]
                                   + [f"-c {s}" for s in SPEED_SETTINGS])
                run = self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data),
                                "-l", str(self.folder / "server.log"), "-o", options, check=attempt == 2)
                if run.returncode == 0:
                    break
            self._started = True
            self._admin(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{self.password}'")
        except BaseException:
            self.stop()
            raise
        return self

    def _admin(self, sql: str) -> None:
        """Run one statement as the superuser, outside a transaction (as CREATE DATABASE needs)."""
        from sqlalchemy import create_engine, text

        engine = create_engine(f"postgresql://{ADMIN}:{self.admin_password}@127.0.0.1:{self.port}/postgres",
                               isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(sql))
        finally:
            engine.dispose()

    def url(self, database: str, password: str | None = None) -> str:
        """The URL of ``database`` for the ``grader`` role, in the form deploy/README.md documents."""
        return f"postgresql://{ROLE}:{password or self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new, empty database owned by ``grader``; returns its URL."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"use a plain lower-case database name, not {name!r}")
        self._admin(f"CREATE DATABASE {name} OWNER {ROLE}")
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder; safe to call twice."""
        if self.folder is None:
            return
        try:
            if self._started:
                self._run("pg_ctl", "stop", "-m", "fast", "-w", "-D", str(self.data), check=False)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder, self._started = None, False

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
