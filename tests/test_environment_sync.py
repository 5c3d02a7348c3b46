"""Binder's environment.yml and pyproject.toml declare the same runtime packages."""

from __future__ import annotations

import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from course.paths import REPO_ROOT


def _requirements(lines):
    return {canonicalize_name(r.name): r.specifier for r in map(Requirement, lines)}


def _pyproject():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    return project, _requirements(project["dependencies"])


def _environment():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    return conda, _requirements(pip)


def compare(ours: dict[str, SpecifierSet], theirs: dict[str, SpecifierSet]) -> list[str]:
    """Differences between two name -> specifier tables, one sentence each."""
    problems = [f"{name} is only in pyproject.toml" for name in ours.keys() - theirs.keys()]
    problems += [f"{name} is only in environment.yml" for name in theirs.keys() - ours.keys()]
    problems += [f"{name}: pyproject.toml says '{ours[name]}', environment.yml says '{theirs[name]}'"
                 for name in ours.keys() & theirs.keys() if ours[name] != theirs[name]]
    return sorted(problems)


def test_same_packages_and_versions():
    _, ours = _pyproject()
    _, theirs = _environment()
    assert compare(ours, theirs) == []


def test_required_packages_are_declared():
    _, ours = _pyproject()
    for needed in ("jupyterlab", "ipywidgets", "nbgrader", "pandas", "matplotlib", "nbval"):
        assert needed in ours


def test_python_pin_matches():
    project, _ = _pyproject()
    conda, _ = _environment()
    python = next(d for d in conda if d.startswith("python"))
    version = python.split("=", 1)[1]
    assert version == "3.11"
    assert SpecifierSet(project["requires-python"]).contains("3.11.7")


def test_compare_reports_drift():
    a = _requirements(["pandas>=2.2,<3", "scipy"])
    b = _requirements(["pandas>=2.2,<4", "numpy"])
    problems = compare(a, b)
    assert "scipy is only in pyproject.toml" in problems
    assert "numpy is only in environment.yml" in problems
    assert any(p.startswith("pandas:") for p in problems)
