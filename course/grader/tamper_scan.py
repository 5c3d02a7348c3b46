"""Find code in a submission that changes how it is checked, before it runs.

Autograding runs the learner's cells and the course's test cells in one
Python process, so learner code could replace the checking helpers
(``feedback.check_value = lambda *a, **k: None``), patch NumPy so any answer
looks right, rewrite later cells through IPython's hooks, or open the
gradebook. :func:`tamper_findings` reads every cell a learner can edit (answer
cells and cells they added; locked cells are restored by nbgrader) and reports
the constructs that have no place in an answer. A runtime check after the
tests (``course.grader.preprocessors``) catches what a static reading misses.

This is a guard against the common tricks, not a proof: see the trust
boundary in grading/README.md.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

# Names whose attributes an answer never needs to set.
ALWAYS_PROTECTED = frozenset({"course", "sys", "builtins", "__builtins__", "np", "numpy", "pd", "pandas",
                              "math", "statistics", "scipy", "stats", "IPython", "ipykernel", "nbgrader"})
# Any use of these names is a finding: they reach into the interpreter, IPython or the test machinery.
FORBIDDEN_NAMES = {
    "get_ipython": "reaches into IPython (it can rewrite or hide later cells)",
    "__builtins__": "changes Python's built-in functions",
    "builtins": "changes Python's built-in functions",
    "importlib": "reloads or swaps modules",
    "__import__": "imports modules by hand",
    "exec": "runs code built as text (it can hide anything)",
    "eval": "runs code built as text (it can hide anything)",
    "compile": "builds code from text",
    "setattr": "sets attributes by name",
    "delattr": "deletes attributes by name",
    "globals": "edits the notebook's namespace by hand",
    "ctypes": "edits memory directly",
    "gc": "walks the interpreter's objects",
    "inspect": "inspects the running program's frames",
    "mock": "patches code with unittest.mock",
}
FORBIDDEN_MODULES = {"ctypes", "gc", "inspect", "importlib", "builtins", "unittest", "mock",
                     "IPython", "ipykernel", "nbgrader", "sqlite3", "sqlalchemy", "pickle", "marshal"}
FORBIDDEN_ATTRIBUTES = {
    "modules": "sys", "excepthook": "sys", "settrace": "sys", "setprofile": "sys", "displayhook": "sys",
    "__code__": "", "__globals__": "", "__closure__": "", "__subclasses__": "", "f_globals": "",
    "f_locals": "", "f_back": "", "tb_frame": "", "__dict__": "",
}
SUSPICIOUS_TEXT = ("gradebook", "nbgrader", "hidden tests")
# Where the names the tests use may come from (e.g. ``from course import feedback``, ``import numpy as np``).
TRUSTED_ROOTS = frozenset({"course", "numpy", "scipy", "pandas", "matplotlib", "statsmodels", "lifelines",
                           "math", "statistics"})


@dataclass(frozen=True)
class Finding:
    """One construct in a learner-editable cell: where it is and what it does."""

    cell: str
    line: int
    code: str
    why: str

    def sentence(self) -> str:
        return f"{self.cell}, line {self.line}: `{self.code}` {self.why}"


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _python_source(source: str) -> str:
    """Cell text as Python: IPython magics and shell lines blanked (they are not answers)."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        lines[0] = ""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def import_bindings(source: str) -> dict[str, str]:
    """Names bound by ``import`` statements in ``source`` -> the module or object they name."""
    try:
        tree = ast.parse(_python_source(source))
    except SyntaxError:
        return {}
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                out[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            for alias in node.names:
                out[alias.asname or alias.name] = f"{base}.{alias.name}"
    return out


def loaded_names(source: str) -> set[str]:
    """Names a cell reads (e.g. ``feedback``, ``hrv``, ``np`` in a test cell)."""
    try:
        tree = ast.parse(_python_source(source))
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def protected_names(nb) -> set[str]:
    """Module-like names the locked (test) cells use: bound by an import somewhere in the notebook."""
    used: set[str] = set()
    bound: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        bound |= set(import_bindings(cell.source))
        if _nbgrader(cell).get("locked"):
            used |= loaded_names(cell.source)
    return (used & bound) | ALWAYS_PROTECTED


class _Scanner(ast.NodeVisitor):
    def __init__(self, cell: str, protected: set[str], lines: list[str]):
        self.cell, self.protected, self.lines = cell, protected, lines
        self.findings: list[Finding] = []
        self.depth = 0  # 0 = top level of the cell

    def add(self, node: ast.AST, why: str) -> None:
        line = getattr(node, "lineno", 1)
        code = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
        if len(code) > 80:
            code = code[:77] + "..."
        self.findings.append(Finding(self.cell, line, code, why))

    # --- binding and changing names
    def _target(self, target: ast.AST, node: ast.AST, verb: str) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._target(elt, node, verb)
        elif isinstance(target, ast.Starred):
            self._target(target.value, node, verb)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            root = _root_name(target)
            if root in self.protected:
                self.add(node, f"{verb} part of `{root}`, which the tests use")
        elif isinstance(target, ast.Name) and self.depth == 0 and target.id in self.protected:
            self.add(node, f"replaces `{target.id}`, which the tests use")

    def visit_Assign(self, node):
        for t in node.targets:
            self._target(t, node, "changes")
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._target(node.target, node, "changes")
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._target(node.target, node, "changes")
        self.generic_visit(node)

    def visit_Delete(self, node):
        for t in node.targets:
            self._target(t, node, "deletes")
        self.generic_visit(node)

    def visit_For(self, node):
        self._target(node.target, node, "changes")
        self.generic_visit(node)

    def visit_With(self, node):
        for item in node.items:
            if item.optional_vars is not None:
                self._target(item.optional_vars, node, "changes")
        self.generic_visit(node)

    def visit_NamedExpr(self, node):
        self._target(node.target, node, "changes")
        self.generic_visit(node)

    def visit_Global(self, node):
        for name in node.names:
            if name in self.protected:
                self.add(node, f"declares `{name}` global to replace it")

    def visit_Nonlocal(self, node):
        self.visit_Global(node)

    def _define(self, node):
        if self.depth == 0 and node.name in self.protected:
            self.add(node, f"replaces `{node.name}`, which the tests use")
        for deco in getattr(node, "decorator_list", []):
            self.visit(deco)
        self.depth += 1
        for child in ast.iter_child_nodes(node):
            if child not in getattr(node, "decorator_list", []):
                self.visit(child)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _define

    def visit_Lambda(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    # --- imports
    def _import(self, node, modules: list[str], bindings: dict[str, str]):
        for module in modules:
            top = module.split(".")[0]
            if module in FORBIDDEN_MODULES or top in FORBIDDEN_MODULES:
                self.add(node, f"imports `{module}`, which an answer does not need")
        if self.depth == 0:
            for name, target in bindings.items():
                root = target.lstrip(".").split(".")[0]
                if name in self.protected and root not in TRUSTED_ROOTS and root != name:
                    self.add(node, f"replaces `{name}`, which the tests use")

    def visit_Import(self, node):
        self._import(node, [a.name for a in node.names],
                     {a.asname or a.name.split(".")[0]: a.name for a in node.names})

    def visit_ImportFrom(self, node):
        module = "." * node.level + (node.module or "")
        self._import(node, [module], {a.asname or a.name: f"{module}.{a.name}" for a in node.names})

    # --- references
    def visit_Name(self, node):
        why = FORBIDDEN_NAMES.get(node.id)
        if why:
            self.add(node, why)

    def visit_Attribute(self, node):
        owner = FORBIDDEN_ATTRIBUTES.get(node.attr)
        if owner is not None and (owner == "" or _root_name(node) == owner):
            self.add(node, "reaches into the interpreter's internals")
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, str):
            low = node.value.lower()
            for word in SUSPICIOUS_TEXT:
                if word in low:
                    self.add(node, f"mentions {word!r}")
                    break


def scan_source(source: str, cell: str, protected: set[str]) -> list[Finding]:
    """Findings in one cell's ``source``; a cell that is not valid Python has none (it fails when run)."""
    text = _python_source(source)
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    scanner = _Scanner(cell, set(protected) | ALWAYS_PROTECTED, text.splitlines())
    scanner.visit(tree)
    seen, unique = set(), []
    for f in scanner.findings:
        if (f.line, f.why) not in seen:
            seen.add((f.line, f.why))
            unique.append(f)
    return unique


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def cell_label(cell, index: int) -> str:
    gid = _nbgrader(cell).get("grade_id")
    return f"cell {gid!r}" if gid else f"cell {index + 1}"


def tamper_findings(nb) -> list[Finding]:
    """Findings in every code cell of ``nb`` that is not locked (answers, lesson cells, cells the learner added)."""
    protected = protected_names(nb)
    out: list[Finding] = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or _nbgrader(cell).get("locked"):
            continue
        out.extend(scan_source(cell.source, cell_label(cell, i), protected))
    return out
