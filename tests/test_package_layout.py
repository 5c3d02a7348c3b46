"""The package's rooms: lessons' code at the top, the grading engine in ``grader/``, tools in ``publish/``."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from course.paths import MODULES_DIR, REPO_ROOT

PACKAGE = REPO_ROOT / "course"
#: Old command names kept for one release (each only forwards to its new home).
ALIASES = {"parallel_autograde": "grader.parallel", "grade_report": "grader.report",
           "sandbox_setup": "grader.sandbox_setup"}
#: Top-level modules no lesson imports yet that still belong to the lessons' side: the one reference
#: list, whose entries every lesson's References cell shows (built by ``python -m course.references``).
LESSON_SIDE = {"references"}
#: What the grading engine may use from the learners' side of the package.
GRADER_MAY_IMPORT = {"paths", "errors", "plotting", "i18n"}  # i18n: the text stub of each language


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _course_imports(path: Path) -> set[str]:
    """Every ``course`` module a file imports (absolute or relative), as dotted names."""
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "course"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "course":
                continue
            found.add(target)
            found |= {f"{target}.{a.name}" for a in node.names}
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    return {name for name in found if name in modules}


def _notebook_imports(path: Path) -> set[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "course":
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "course"}
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    return {name for name in found if name in modules}


def _reachable_from_lessons() -> set[str]:
    todo = set()
    for notebook in MODULES_DIR.rglob("*.ipynb"):
        todo |= _notebook_imports(notebook)
    seen = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = REPO_ROOT / Path(*name.split("."))
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        todo |= _course_imports(path) - seen
    return seen


def test_every_top_level_module_serves_the_lessons():
    """No file at the top of ``course/`` is instructor- or author-only (the old command names aside)."""
    reachable = _reachable_from_lessons()
    top = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    unused = sorted(name for name in top - set(ALIASES) - LESSON_SIDE if f"course.{name}" not in reachable)
    assert unused == [], f"not used by any lesson: {unused}; instructor tools go to course/grader, " \
                         "author tools to course/publish"


def test_old_command_names_only_forward():
    for old, new in ALIASES.items():
        source = (PACKAGE / f"{old}.py").read_text(encoding="utf-8")
        assert f"from .{new.rsplit('.', 1)[0]} import {new.rsplit('.', 1)[1]}" in source
        assert len(source.splitlines()) < 25, f"course/{old}.py should only forward to course.{new}"


@pytest.mark.parametrize("old", sorted(ALIASES))
def test_old_command_names_still_run(old):
    done = subprocess.run([sys.executable, "-m", f"course.{old}", "--help"], capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"course.{ALIASES[old]}" in done.stdout  # the help names the new command
    assert f"is now course.{ALIASES[old]}" in done.stderr


def test_the_grading_engine_uses_only_plotting_paths_errors_and_i18n_from_the_lessons_side():
    for path in (PACKAGE / "grader").glob("*.py"):
        outside = {name for name in _course_imports(path)
                   if not name.startswith("course.grader") and name != "course"}
        allowed = {f"course.{m}" for m in GRADER_MAY_IMPORT}
        assert outside <= allowed, f"{path.name} imports {sorted(outside - allowed)}"


def test_the_learners_side_never_imports_the_grader_or_the_publishing_tools():
    for path in list(PACKAGE.glob("*.py")) + list((PACKAGE / "widgets").glob("*.py")):
        if path.stem in ALIASES:
            continue
        bad = {n for n in _course_imports(path) if n.startswith(("course.grader", "course.publish"))}
        assert not bad, f"{path.relative_to(REPO_ROOT)} imports {sorted(bad)}"


def test_the_sandbox_launcher_starts_light_and_finds_itself():
    """The launcher runs before every grading kernel: importing it must not pull in nbgrader or NumPy."""
    code = ("import sys, course.grader.sandbox as s; "
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('nbgrader', 'numpy', 'pandas', 'nbformat', 'traitlets', 'matplotlib')); "
            "print(heavy); print(s.launcher_command(['k'], s.Limits())[2])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    heavy, module = done.stdout.splitlines()
    assert heavy == "[]"
    assert module == "course.grader.sandbox"


def test_documentation_comments_sit_on_what_they_document():
    """A ``#:`` comment documents the assignment right below it (Sphinx's rule); an orphan documents nothing."""
    orphans = []
    for path in PACKAGE.rglob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if not line.lstrip().startswith("#:"):
                continue
            following = next((x for x in lines[i + 1:] if not x.lstrip().startswith("#:")), "")
            if not re.match(r"\s*[A-Za-z_][\w.]*\s*(:[^=]+)?=", following):
                orphans.append(f"{path.relative_to(REPO_ROOT)}:{i + 1}")
    assert orphans == []


def test_nothing_points_outside_the_repository():
    """Docs and docstrings name only what a clone has: no sibling folders of the project, no developer machines' paths."""
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True).stdout.split()
    outside = ["..", "/work"]  # written in pieces so that this test does not find itself
    pattern = re.compile("|".join(re.escape(f"{a}/{b}") for a in outside for b in ("shared", "main")))
    hits = []
    for name in tracked:
        path = REPO_ROOT / name
        if path.suffix not in {".py", ".md", ".ipynb", ".toml", ".yml", ".yaml", ".cfg", ".sh", ""} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        hits += [f"{name}: {m.group(0)}" for m in pattern.finditer(text)]
    assert hits == []
