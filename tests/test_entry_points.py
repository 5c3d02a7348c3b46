"""The README's two commands, CI and Binder all use the same entry points."""

from __future__ import annotations

import os
import re
import subprocess

from course.paths import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_states_the_two_commands_near_the_top():
    top = README[:1500]
    assert "./course.sh open" in top
    assert "./course.sh test" in top


def test_ci_runs_exactly_the_readme_test_command():
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1].strip() == "exec ./course.sh test"


def test_scripts_are_executable_and_parse():
    for script in ("course.sh", ".ci/run", "postBuild"):
        path = REPO_ROOT / script
        assert os.access(path, os.X_OK), f"{script} is not executable"
        subprocess.run(["bash", "-n", str(path)], check=True)
        assert "set -e" in path.read_text(encoding="utf-8"), f"{script} must stop at the first error"


def test_unknown_subcommand_explains_usage():
    result = subprocess.run(["bash", str(REPO_ROOT / "course.sh"), "frobnicate"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "usage: ./course.sh open [--lang en|nb] | test" in result.stderr


def test_open_refuses_a_language_the_course_does_not_have_before_installing_anything():
    result = subprocess.run(["bash", str(REPO_ROOT / "course.sh"), "open", "--lang", "fr"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "Norwegian bokmål (--lang nb), not 'fr'" in result.stderr


def test_open_in_bokmal_builds_student_nb_with_bokmal_kernels_and_menus():
    script = (REPO_ROOT / "course.sh").read_text(encoding="utf-8")
    nb_branch = script[script.index('if [ "$lang" = nb ]'):script.index("exec \"$VENV/bin/jupyter\" lab")]
    assert "export COURSE_LANG=nb" in nb_branch
    assert "JUPYTERLAB_SETTINGS_DIR" in nb_branch and "course.i18n lab-settings" in nb_branch
    assert '"$PY" -m course.publish.student --lang "$lang"' in script
    assert "folder=student-nb" in script


def test_binder_link_opens_the_start_page_in_the_student_copy():
    link = re.search(r"https://mybinder\.org/v2/gh/[^)\s]+", README).group(0)
    assert link.endswith("?urlpath=lab/tree/student/START-HERE.ipynb")
    postbuild = (REPO_ROOT / "postBuild").read_text(encoding="utf-8")
    assert "python -m course.publish.student" in postbuild


def test_a_second_binder_link_opens_the_bokmal_start_page():
    links = re.findall(r"https://mybinder\.org/v2/gh/[^)\s]+", README)
    assert any(link.endswith("?urlpath=lab/tree/student-nb/START-HERE.ipynb") for link in links)
    assert "python -m course.publish.student --lang nb" in (REPO_ROOT / "postBuild").read_text(encoding="utf-8")
