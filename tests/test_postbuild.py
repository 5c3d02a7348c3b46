"""Binder's postBuild works on a clean copy of the repository (only the files git tracks).

The script is run for real with ``bash``, in a temporary copy, with this
environment's ``python`` first on PATH. ``COURSE_POSTBUILD_SKIP_PIP=1`` skips
its ``pip install -e .`` (which would point the test environment at the copy)
and ``PYTHONPATH`` makes ``import course`` find the copy instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course import feedback
from course.paths import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _tracked_copy(dest: Path) -> Path:
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("needs a git checkout to list the tracked files")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode("utf-8").split("\0")):
        source = REPO_ROOT / name
        if not source.is_file():  # deleted in the working tree, not yet committed
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest / name)
    return dest


def _run_postbuild(copy: Path, tmp: Path) -> tuple[subprocess.CompletedProcess, dict]:
    prefix, conda = tmp / "nb-prefix", tmp / "conda"
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "COURSE_DATASETS", "VIRTUAL_ENV")}
    env.update({
        "PATH": str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
        "PYTHONPATH": str(copy),
        "COURSE_POSTBUILD_SKIP_PIP": "1",
        "NB_PYTHON_PREFIX": str(prefix),  # where repo2docker puts the environment JupyterLab runs from
        "CONDA_DIR": str(conda),          # repo2docker's base conda; JupyterLab does not read settings there
        "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),  # ~/.jupyter on Binder
    })
    result = subprocess.run(["bash", "postBuild"], cwd=copy, env=env, capture_output=True, text=True, timeout=600)
    return result, {"prefix": prefix, "conda": conda, "config": tmp / "jupyter-config"}


@pytest.fixture(scope="module")
def postbuild(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("binder")
    copy = _tracked_copy(tmp / "repo")
    result, dirs = _run_postbuild(copy, tmp)
    return copy, result, dirs


def test_postbuild_succeeds_on_a_clean_copy(postbuild):
    copy, result, _ = postbuild
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Student versions are ready" in result.stdout
    # The course package came from the copy, so the student folder is in the copy, not in this checkout.
    assert f"created {copy / 'student'}" in result.stdout
    assert "pip" not in result.stdout.lower()


def test_start_page_and_every_lesson_are_built_without_answers(postbuild):
    copy, result, _ = postbuild
    student = copy / "student"
    assert (student / "START-HERE.ipynb").read_bytes() == (copy / "modules" / "START-HERE.ipynb").read_bytes()
    lessons = sorted(p.relative_to(copy / "modules") for p in (copy / "modules").glob("[0-9][0-9]-*/*.ipynb"))
    assert len(lessons) >= 10
    for lesson in lessons:
        built = student / lesson
        assert built.exists(), f"postBuild did not build {lesson}"
        text = built.read_text(encoding="utf-8")
        for leak in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert leak not in text, f"{lesson} still contains {leak!r}"
        nb = nbformat.read(built, as_version=4)
        answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert answers, f"{lesson} has no answer cells"
        for cell in answers:
            stub = feedback.STUB_CALL if cell.cell_type == "code" else "YOUR ANSWER HERE"
            assert stub in cell.source, f"{lesson}: {cell.metadata['nbgrader']['grade_id']} is not a stub"


def test_the_bokmal_copy_is_built_beside_it_with_its_language_marker(postbuild):
    from course import i18n

    copy, _, _ = postbuild
    bokmal = copy / "student-nb"
    assert (bokmal / i18n.MARKER).read_text(encoding="utf-8").strip() == "nb"
    built = sorted(p.relative_to(bokmal) for p in bokmal.rglob("*.ipynb"))
    assert built == sorted(p.relative_to(copy / "student") for p in (copy / "student").rglob("*.ipynb"))
    for lesson in built:
        nb = nbformat.read(bokmal / lesson, as_version=4)
        written = [c for c in nb.cells if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution")]
        assert all(c.source.strip() == i18n.TEXT_STUBS["nb"] for c in written), lesson


def test_jupyterlab_overrides_go_where_jupyterlab_reads_them(postbuild):
    copy, _, dirs = postbuild
    written = dirs["prefix"] / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(written.read_text(encoding="utf-8")) == json.loads(
        (copy / "jupyterlab-overrides.json").read_text(encoding="utf-8"))
    assert json.loads(written.read_text())["@jupyterlab/apputils-extension:notification"]["checkForUpdates"] is False
    # Cell-run timestamps for the instructor report's time on task (course/grader/timing.py).
    assert json.loads(written.read_text())["@jupyterlab/notebook-extension:tracker"]["recordTiming"] is True
    assert not dirs["conda"].exists()  # repo2docker's base environment: JupyterLab would never see the file there
    # JupyterLab's settings folder is <sys.prefix>/share/jupyter/lab/settings, the layout postBuild writes.
    from jupyterlab.commands import get_app_dir
    if not os.environ.get("JUPYTERLAB_DIR"):
        assert Path(get_app_dir()).resolve() == (Path(sys.prefix) / "share" / "jupyter" / "lab").resolve()


def test_the_course_css_is_served_the_way_jupyter_server_finds_it(postbuild):
    """Links in lesson text underlined (axe rule link-in-text-block): custom.css in the config folder's
    custom/, and LabApp.custom_css on in the environment's server settings."""
    copy, _, dirs = postbuild
    css = dirs["config"] / "custom" / "custom.css"
    assert css.read_text(encoding="utf-8") == (copy / "jupyterlab-custom" / "custom.css").read_text(encoding="utf-8")
    assert "text-decoration: underline" in css.read_text(encoding="utf-8")
    settings = dirs["prefix"] / "etc" / "jupyter" / "jupyter_server_config.d" / "clinician-course.json"
    assert json.loads(settings.read_text(encoding="utf-8")) == {"LabApp": {"custom_css": True}}
    from jupyter_server.serverapp import ServerApp
    app = ServerApp(config_dir=str(dirs["config"]))  # where a server with that config folder looks for custom/
    assert str(dirs["config"] / "custom") in app.static_custom_path


def test_a_failing_step_stops_postbuild(tmp_path):
    copy = _tracked_copy(tmp_path / "repo")
    lesson = next((copy / "modules").glob("01-*/01-*.ipynb"))
    lesson.write_text("{ this is not a notebook", encoding="utf-8")
    result, dirs = _run_postbuild(copy, tmp_path)
    assert result.returncode != 0
    # set -e: the steps after the failed one never ran.
    assert not (dirs["prefix"] / "share").exists()


def test_postbuild_declares_stop_on_error_and_honours_the_skip_switch():
    script = (REPO_ROOT / "postBuild").read_text(encoding="utf-8")
    commands = [line.strip() for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[0] == "set -euo pipefail"
    assert "COURSE_POSTBUILD_SKIP_PIP" in script and "python -m pip install --no-deps -e ." in script


def test_readme_binder_link_opens_the_built_start_page():
    link = re.search(r"\[launch on Binder\]\((https://mybinder\.org/v2/gh/[^)\s]+)\)", README)
    assert link, "README has no 'launch on Binder' link"
    assert re.fullmatch(r"https://mybinder\.org/v2/gh/[\w.-]+/[\w.-]+/[\w./-]+\?urlpath=lab/tree/student/START-HERE\.ipynb",
                        link.group(1)), link.group(1)
