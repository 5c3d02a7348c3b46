"""One JupyterLab server and one headless Chromium for all browser tests.

The server serves the learners' copy of the course (student versions, as
Binder does) from a temporary folder. Chromium is Debian's
``/usr/bin/chromium`` (``./course.sh test`` installs it when run as root);
Playwright only drives it, so ``playwright install`` is never needed. Without
Chromium or Playwright the browser tests are skipped with a sentence saying
how to install them.

The accessibility audit (axe_audit.py) collects every page's findings; at the
end of the session tests/conftest.py writes them to ``build/accessibility/``
(even when tests fail, and merged from every pytest-xdist worker) and lists
JupyterLab's own violations in the terminal summary.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from course.publish import student


CHROMIUM = Path("/usr/bin/chromium")
CUSTOM_CSS = Path(__file__).resolve().parents[2] / "jupyterlab-custom" / "custom.css"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1300, "height": 1000}
SERVER_START_TIMEOUT_S = 60
INSTALL_HINT = ("Chromium is not installed at /usr/bin/chromium, so the browser tests are skipped. "
                "Install it with `sudo apt-get update && sudo apt-get install -y chromium` "
                "(Debian/Ubuntu), or run `./course.sh test` as root, which installs it.")

# User settings for the test server only (its own JUPYTERLAB_SETTINGS_DIR):
# render every cell (no windowing) so the whole lesson is in the page, and no
# news or update pop-ups over the notebook.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
}


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: runs a lesson in JupyterLab in a real browser (Chromium)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    """A JupyterLab server started in its own process group; ``url(path)`` adds the token."""

    def __init__(self, root: Path, work: Path, settings_extra: dict | None = None):
        self.root = Path(root)
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(work) / "jupyterlab.log"
        settings = Path(work) / "lab-settings"
        for name, values in {**LAB_SETTINGS, **(settings_extra or {})}.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        env = dict(os.environ)
        for variable in ("COURSE_HEADLESS", "NBGRADER_EXECUTION"):  # the demos must show their controls
            env.pop(variable, None)
        # A Jupyter config folder of the test's own: nothing from ~/.jupyter, and custom/custom.css there.
        config_dir = Path(work) / "jupyter-config"
        (config_dir / "custom").mkdir(parents=True, exist_ok=True)
        shutil.copy2(CUSTOM_CSS, config_dir / "custom" / "custom.css")
        env.update(JUPYTER_CONFIG_DIR=str(config_dir), JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(Path(work) / "lab-workspaces"),
                   JUPYTER_RUNTIME_DIR=str(Path(work) / "jupyter-runtime"))
        args = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}", "--LabApp.news_url=None",
                # the course's custom.css, as course.sh and Binder serve it: links in lesson text underlined
                "--LabApp.custom_css=True"]
        if os.geteuid() == 0:
            args.append("--allow-root")
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(args, cwd=self.root, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{sep}token={self.token}"

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(self.url(f"api/{path}"), method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_until_ready(self, timeout: float = SERVER_START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode} while starting:\n"
                                   f"{self.log_tail()}")
            try:
                self.api("status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.25)
        raise RuntimeError(f"JupyterLab did not answer on port {self.port} within {timeout:.0f} s:\n{self.log_tail()}")

    def shutdown_kernels(self) -> None:
        """End every kernel session (one lesson's kernel must not slow down the next)."""
        try:
            for session in self.api("sessions"):
                self.api(f"sessions/{session['id']}", method="DELETE")
        except (urllib.error.URLError, OSError, ValueError):
            pass

    def stop(self) -> None:
        """Stop the server by its PID (its kernels with it); kill its process group if it hangs."""
        try:
            if self.process.poll() is None:
                self.shutdown_kernels()
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=10)
        finally:
            self._log.close()


def answer_kernel_question(page, timeout_ms: float) -> bool:
    """Accept JupyterLab's kernel choice if it asks (True); any other dialog fails with its words.

    On a loaded machine JupyterLab can open a notebook before it has read the kernel list,
    and then asks which kernel to start (preselected: the notebook's own); a learner clicks Select.
    """
    dialog = page.locator(".jp-Dialog")
    if not dialog.count():
        return False
    select = dialog.locator("button:has-text('Select')")
    if not select.count():
        raise AssertionError(f"JupyterLab showed a dialog: {' '.join(dialog.first.inner_text().split())!r}")
    select.first.click(timeout=timeout_ms)
    dialog.first.wait_for(state="detached", timeout=timeout_ms)
    return True


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(INSTALL_HINT)
    pytest.importorskip("playwright.sync_api",
                        reason="Playwright is not installed: run `./course.sh test` (it installs the test extra).")
    return CHROMIUM


@pytest.fixture(scope="session")
def student_root(tmp_path_factory) -> Path:
    """A folder holding ``student/`` (the learners' copy) as Binder serves it."""
    root = tmp_path_factory.mktemp("binder")
    student.build(root / "student")
    return root


@pytest.fixture(scope="session")
def lab_server(chromium_path, student_root, tmp_path_factory):
    server = LabServer(student_root, tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path, tmp_path_factory):
    """One Chromium (a persistent context with a fresh profile) for the whole session."""
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    playwright = sync_playwright().start()
    try:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(chromium_path), headless=True, args=CHROMIUM_FLAGS,
            viewport=VIEWPORT)
        try:
            yield context
        finally:
            context.close()
    finally:
        playwright.stop()
        shutil.rmtree(profile, ignore_errors=True)
