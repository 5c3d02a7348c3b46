"""course.grader.lean_imports: the grading processes skip rfc3987_syntax, and nothing they do needs it."""

import subprocess
import sys

from course.paths import REPO_ROOT


def _python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


CHECK = """
import sys, nbformat, jsonschema
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1 + 1')])
nbformat.validate(nbformat.reads(nbformat.writes(nb), as_version=4))
print(repr(sys.modules.get('rfc3987_syntax')), 'iri' in jsonschema.Draft7Validator.FORMAT_CHECKER.checkers)
"""


def test_with_it_nbformat_works_without_the_slow_package():
    assert _python("import course.grader.lean_imports\n" + CHECK) == "None False"


def test_without_it_the_slow_package_is_still_loaded():
    """If this fails, jsonschema no longer loads rfc3987_syntax at start-up: lean_imports can go."""
    loaded, iri = _python(CHECK).rsplit(" ", 1)
    assert loaded.startswith("<module 'rfc3987_syntax'") and iri == "True"


def test_the_parallel_graders_processes_apply_it_first():
    out = _python("import sys\nfrom course.grader import parallel\n"
                  "ctx = parallel._context()\n"
                  "from multiprocessing import forkserver\n"
                  "print(ctx.get_start_method(), forkserver._forkserver._preload_modules[0])")
    assert out == "forkserver course.grader.lean_imports"
    source = (REPO_ROOT / "course" / "grader" / "parallel.py").read_text(encoding="utf-8")
    main = source[source.index("def main("):]
    assert main.index("lean_imports.apply()") < main.index("load_config()")  # before nbgrader loads nbformat
