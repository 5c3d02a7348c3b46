"""A real JupyterHub on loopback for tests: OS users, a shared nbgrader exchange, REST helpers.

Used by ``tests/test_hub_multiuser.py`` and ``tests/test_lti_login.py``. The hub
runs as root with ``configurable-http-proxy`` (from npm, in ``.cache/node``), the
dummy authenticator (unless ``extra_config`` sets another) and the local process
spawner, so each hub user's server runs as the OS user of the same name. The
tests drive everything through the hub's REST API (with a service token allowed
to manage users and reach their servers) and the single-user servers' own APIs
(contents, nbgrader's assignment list and formgrader).
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from course.paths import REPO_ROOT

CHP = REPO_ROOT / ".cache" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
COURSE_ID = "clinician-course"


def why_not_runnable() -> str | None:
    """A sentence saying why a real multi-user hub cannot run here, or ``None``."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "creating OS users for a multi-user hub needs root (CI runs as root)"
    if shutil.which("useradd") is None and not Path("/usr/sbin/useradd").exists():
        return "useradd is not available on this host"
    if not CHP.exists():
        return f"configurable-http-proxy is not installed at {CHP} (./course.sh test installs it with npm)"
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        return "jupyterhub is not installed (it is in the test extra: ./course.sh test installs it)"
    from course.grader.isolation import closed_folders, kernel_needs

    closed = closed_folders(kernel_needs())
    if closed:
        return ("other users cannot reach the course's Python through " + ", ".join(closed) +
                " (run python -m course.grader.sandbox_setup as root; ./course.sh test does)")
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create_user(name: str, home: Path) -> pwd.struct_passwd:
    subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash",
                    "--user-group", name], check=True, capture_output=True, text=True)
    os.chmod(home, 0o700)
    return pwd.getpwnam(name)


def delete_user(name: str) -> None:
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    from course.grader.sandbox import kill_user_processes

    kill_user_processes(uid)
    subprocess.run(["userdel", "--remove", name], capture_output=True, text=True)


def chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid)
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)


@dataclass
class Hub:
    """A running hub: its URL, the service token, the base folder and the process."""

    url: str
    token: str
    base: Path
    process: subprocess.Popen
    users: list[str] = field(default_factory=list)
    log: Path | None = None

    # ---------------------------------------------------------------- HTTP
    def request(self, method: str, path: str, data=None, form: dict | None = None, timeout: float = 300):
        """JSON (or ``None``) from ``method`` on ``path`` (relative to the hub's public URL)."""
        headers = {"Authorization": f"token {self.token}"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers)
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read().decode()
        return json.loads(text) if text.strip() else None

    def api(self, method: str, path: str, **kw):
        return self.request(method, "/hub/api" + path, **kw)

    def server(self, user: str, method: str, path: str, **kw):
        """Call ``path`` on ``user``'s single-user server through the proxy (the path part is URL-quoted)."""
        where, _, query = path.partition("?")
        quoted = urllib.parse.quote(where) + (f"?{query}" if query else "")
        return self.request(method, f"/user/{user}{quoted}", **kw)

    # ---------------------------------------------------------------- lifecycle
    def start_servers(self, names: list[str], timeout: float = 120) -> None:
        for name in names:
            self.api("POST", f"/users/{name}/server", data={})
        deadline = time.monotonic() + timeout
        waiting = set(names)
        while waiting and time.monotonic() < deadline:
            for name in list(waiting):
                info = self.api("GET", f"/users/{name}")
                if (info.get("servers") or {}).get("", {}).get("ready"):
                    waiting.discard(name)
            time.sleep(0.5)
        if waiting:
            raise RuntimeError(f"servers did not start: {sorted(waiting)}\n{self.tail()}")

    def tail(self, lines: int = 60) -> str:
        if self.log and self.log.exists():
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        for name in self.users:
            try:
                self.api("DELETE", f"/users/{name}/server", timeout=30)
            except Exception:
                pass
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


HUB_CONFIG = """
c = get_config()  # noqa
c.JupyterHub.bind_url = {bind_url!r}
c.JupyterHub.hub_bind_url = {hub_url!r}
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.ConfigurableHTTPProxy.api_url = {proxy_api!r}
c.ConfigurableHTTPProxy.auth_token = {proxy_token!r}
c.JupyterHub.db_url = {db_url!r}
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = set({users!r})
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {environment!r}
c.JupyterHub.services = [{{"name": "course-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "course-test",
    "scopes": ["admin:users", "admin:servers", "admin:server_state", "access:servers", "read:users"],
    "services": ["course-test"],
}}]
c.JupyterHub.cleanup_servers = True
{extra_config}
"""


def start_hub(base: Path, users: list[str], environment: dict, timeout: float = 60,
              extra_config: str = "") -> Hub:
    """Start JupyterHub (as root) on free loopback ports; return when its API answers.

    ``extra_config`` is appended to the generated jupyterhub_config.py (e.g. another authenticator).
    """
    port, hub_port, proxy_port = free_port(), free_port(), free_port()
    token = secrets.token_hex(16)
    scripts = Path(sys.executable).parent
    config = base / "jupyterhub_config.py"
    config.write_text(HUB_CONFIG.format(
        bind_url=f"http://127.0.0.1:{port}", hub_url=f"http://127.0.0.1:{hub_port}", chp=str(CHP),
        proxy_api=f"http://127.0.0.1:{proxy_port}", proxy_token=secrets.token_hex(16),
        db_url=f"sqlite:///{base / 'jupyterhub.sqlite'}", cookie=str(base / "jupyterhub_cookie_secret"),
        users=sorted(users), singleuser=str(scripts / "jupyterhub-singleuser"), environment=environment,
        token=token, extra_config=extra_config), encoding="utf-8")
    log = base / "jupyterhub.log"
    env = dict(os.environ, PATH=f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}")
    with open(log, "wb") as out:
        process = subprocess.Popen([str(scripts / "jupyterhub"), "-f", str(config)], cwd=base, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}", token, base, process, list(users), log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterHub exited with {process.returncode}:\n{hub.tail()}")
        try:
            hub.api("GET", "/")
            return hub
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    hub.stop()
    raise RuntimeError(f"JupyterHub did not answer within {timeout:.0f} s:\n{hub.tail()}")


def make_base() -> Path:
    """A temporary folder for one hub, with ``home/`` for its users' home folders."""
    base = Path(tempfile.mkdtemp(prefix="course-hub-"))
    os.chmod(base, 0o755)
    (base / "home").mkdir()
    os.chmod(base / "home", 0o755)
    return base
