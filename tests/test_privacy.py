"""Learners' names and work never reach git.

A snapshot of the repository (tracked files plus new, not ignored ones, as
they are in the working tree) is committed into a fresh git repository in a
temporary folder. A short nbgrader lifecycle then runs there from the
repository root with the repository's own ``nbgrader_config.py``, the
learners' copy is built with ``python -m course.publish.student``, and JupyterLab-
style checkpoints are saved. Every folder that then holds learner data must
exist (so the test cannot pass vacuously) and ``git status`` must be clean.
"""

from __future__ import annotations

import fnmatch
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course.grader import lifecycle, nbgrader_api as grading
from course.paths import REPO_ROOT, STUDENT_DIR

ASSIGNMENT = "01-nervous-system"
NOTEBOOK = "01-hrv-basics"
# A placeholder learner id made up at run time, so no file can contain it unless this run put it there.
LEARNER = f"kari-nordmann-{secrets.token_hex(4)}"

# Where the real course keeps learner data (relative to the repository root).
LEARNER_PATHS = [
    "grading/release",
    "grading/submitted",
    "grading/autograded",
    "grading/feedback",
    "grading/solution",
    "grading/exchange",
    "grading/gradebook.db",
    "grading/grades.csv",
    "student",
    ".ipynb_checkpoints",
]
CHECKPOINTED = [f"modules/{ASSIGNMENT}/{NOTEBOOK}.ipynb", f"student/{ASSIGNMENT}/{NOTEBOOK}.ipynb"]

# Only the repository's own .gitignore may decide what is ignored.
GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=GIT_ENV, check=check)


def _snapshot(dest: Path) -> None:
    """Copy what git would commit from the working tree into ``dest`` and commit it there."""
    listed = _git(REPO_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
    for name in filter(None, listed.split("\0")):
        src = REPO_ROOT / name
        if src.is_file() or src.is_symlink():  # files deleted in the working tree are skipped
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name, follow_symlinks=False)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "-c", "user.name=Course test", "-c", "user.email=test@example.invalid",
         "commit", "-q", "--no-verify", "-m", "snapshot")
    assert _git(dest, "status", "--porcelain", "--untracked-files=all").stdout == ""


def _relative(path: str) -> str:
    return Path(os.path.relpath(path, REPO_ROOT)).as_posix()


@pytest.fixture(scope="module")
def used_clone(tmp_path_factory):
    """A committed snapshot of the repository after a short lifecycle has run in it."""
    clone = tmp_path_factory.mktemp("clone")
    _snapshot(clone)
    # The learners' copy, built by the clone's own code (run from the clone, `course` is the clone's).
    student = subprocess.Popen([sys.executable, "-m", "course.publish.student"], cwd=clone,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    config = grading.load_config(clone)  # the repository's own nbgrader_config.py: every folder as in the real course
    config.CourseDirectory.notebook_id = NOTEBOOK  # one lesson only, to stay fast
    home = tmp_path_factory.mktemp("home")  # the learner works outside the course folder
    learner = lifecycle.learner_config(config, home, LEARNER)
    api = grading.api(config)
    old_cwd = os.getcwd()
    os.chdir(clone)  # as an instructor runs nbgrader: from the repository root
    try:
        grading.generate(config, ASSIGNMENT)
        headless_before = os.environ.get("COURSE_HEADLESS")
        lifecycle.generate_solution(config, ASSIGNMENT)
        assert os.environ.get("COURSE_HEADLESS") == headless_before
        lifecycle.check(api.release_assignment(ASSIGNMENT), "release_assignment")
        path = lifecycle.fetch_assignment(learner, ASSIGNMENT) / f"{NOTEBOOK}.ipynb"
        source = nbformat.read(clone / "modules" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
        nbformat.write(grading.fill_answers(nbformat.read(path, as_version=4), source), path)
        lifecycle.submit(learner, ASSIGNMENT)
        lifecycle.check(api.collect(ASSIGNMENT), "collect")
        lifecycle.check(api.autograde(ASSIGNMENT, LEARNER), "autograde")
        lifecycle.grade_manually(config, ASSIGNMENT, NOTEBOOK, LEARNER, "reflection-hrv-limits", 2,
                                 comment=f"Good points, {LEARNER}.")
        lifecycle.check(api.generate_feedback(ASSIGNMENT), "generate_feedback")
        lifecycle.check(api.release_feedback(ASSIGNMENT), "release_feedback")
        assert lifecycle.fetch_feedback(learner, ASSIGNMENT)
        lifecycle.export_grades(config)
        output, _ = student.communicate(timeout=300)
        assert student.returncode == 0, output
        from jupyter_server.services.contents.filemanager import FileContentsManager

        contents = FileContentsManager(root_dir=str(clone))  # what JupyterLab uses when it saves
        for name in CHECKPOINTED:
            contents.create_checkpoint(name)
    finally:
        os.chdir(old_cwd)
        if student.poll() is None:
            student.kill()
    return clone


def test_learner_work_exists_where_the_course_puts_it(used_clone):
    for rel in LEARNER_PATHS[:-1]:
        assert (used_clone / rel).exists(), rel
    submitted = used_clone / "grading" / "submitted" / LEARNER / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    assert submitted.is_file()
    assert (used_clone / "grading" / "feedback" / LEARNER / ASSIGNMENT / f"{NOTEBOOK}.html").is_file()
    assert LEARNER in (used_clone / "grading" / "grades.csv").read_text(encoding="utf-8")
    inbound = used_clone / "grading" / "exchange" / "clinician-course" / "inbound"
    assert [p.name.split("+")[0] for p in inbound.iterdir()] == [LEARNER]
    solution = (used_clone / "grading" / "solution" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text(encoding="utf-8")
    assert "return 60000 / np.mean(nn_ms)" in solution  # the answer key holds the answers
    assert "application/vnd.jupyter.widget-view+json" not in solution  # demos ran headless
    assert (used_clone / "student" / "START-HERE.ipynb").is_file()
    assert (used_clone / "student" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").is_file()
    for name in CHECKPOINTED:
        folder = (used_clone / name).parent / ".ipynb_checkpoints"
        assert (folder / f"{NOTEBOOK}-checkpoint.ipynb").is_file(), folder


def test_git_sees_nothing_of_the_learners(used_clone):
    status = _git(used_clone, "status", "--porcelain", "--untracked-files=all").stdout
    assert status == "", f"learner files would be committed:\n{status}"
    assert _git(used_clone, "grep", "-I", "-l", LEARNER, check=False).stdout == ""
    # each learner path is ignored by a rule, not merely absent
    ignored = _git(used_clone, "check-ignore", *LEARNER_PATHS[:-1], *(str(Path(n).parent / ".ipynb_checkpoints")
                                                                    for n in CHECKPOINTED)).stdout.split()
    assert len(ignored) == len(LEARNER_PATHS) - 1 + len(CHECKPOINTED)


def test_gitignore_lists_every_learner_path():
    rules = []
    for line in (REPO_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "!")):
            rules.append(line.strip("/"))
    for rel in LEARNER_PATHS:
        assert any(fnmatch.fnmatchcase(rel, rule) for rule in rules), f"{rel} is not in .gitignore"


def test_learner_paths_are_where_the_config_puts_them():
    """If nbgrader_config.py moves a folder, LEARNER_PATHS (and .gitignore) must follow."""
    config = grading.load_config(REPO_ROOT)
    cd = config.CourseDirectory
    assert Path(cd.root) == REPO_ROOT
    from_config = {Path(getattr(cd, f"{step}_directory")).as_posix()
                   for step in ("release", "submitted", "autograded", "feedback", "solution")}
    assert cd.db_url.startswith("sqlite:///")
    from_config |= {_relative(cd.db_url[len("sqlite:///"):]), _relative(config.ExportPlugin.to),
                    _relative(config.Exchange.root), _relative(STUDENT_DIR)}
    assert from_config == set(LEARNER_PATHS) - {".ipynb_checkpoints"}
