"""A read-only HTML edition of the course, for reading without a kernel.

``python -m course.publish.edition build OUT_DIR`` builds the learners' versions of
every lesson in a temporary folder, runs each one top to bottom with
``COURSE_HEADLESS=1`` (demos draw once with their defaults, no controls) and
``allow_errors=True`` (the checks of unanswered exercises stop with "Not
answered yet"), and converts it to HTML with nbconvert's ``lab`` template.
``--source`` renders the instructor's versions instead: they hold the
solutions, hidden tests and mark schemes, so never publish that edition to
learners.

* Figures keep their text alternative: the course shows every figure as an
  ``<img alt="...">`` (``plotting.show``). nbconvert's optional HTML
  sanitiser would drop ``<img>`` altogether, so it stays off (the HTML comes
  from the course's own code), and every page is checked for images without
  alt text (:func:`images_without_alt`).
* An error from an unanswered exercise is shown as the course's one-line
  message ("Not answered yet: ..."), never a traceback (:func:`shorten_errors`),
  and an answer cell's stub line ("Write your answer here, ...") says that the
  exercise is left for the live notebook (:func:`mark_unanswered`).
* Citations are links to the lesson's reference list (``#ref-key``,
  :mod:`course.references`); each entry keeps its ``id`` (the sanitiser is
  off, below), so the links move to it.
* Links between notebooks point at the HTML pages, and ``index.html`` lists
  the start page and every lesson in course order under the course title.
* Every page meets WCAG 2.2 AA contrast and marks links by more than colour:
  :data:`ACCESSIBLE_CSS` darkens the lab template's syntax colours and
  prompts and underlines links in text (the axe-core audit in
  ``tests/browser/test_axe_pages.py`` checks every page).
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
import tempfile
from contextlib import contextmanager
from datetime import date
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from ..errors import CourseError, NotAttempted, StubStillThere
from ..feedback import STUB_LINE
from ..i18n import N_, tr, using
from ..paths import MODULES_DIR, REPO_ROOT

START_PAGE = "START-HERE.ipynb"
DEFAULT_OUT = REPO_ROOT / "edition"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
UNANSWERED_TEXT = N_("This exercise is left for you to answer in the live notebook.")
UNANSWERED = NotAttempted(UNANSWERED_TEXT)

#: Added to every lesson page. The lab template's light theme draws code with
#: colours below 4.5:1 on the code cells' grey (numbers #080, comments #408080,
#: operators #a2f, ...), dims the prompts to half opacity, and tells links in a
#: paragraph apart from the text by colour only (WCAG 1.4.1, 1.4.3). These
#: values keep the hues and reach at least 4.9:1 on #f5f5f5.
ACCESSIBLE_CSS = """<style>
:root {
  --jp-mirror-editor-atom-color: #5b5bd6; --jp-mirror-editor-bracket-color: #66664d;
  --jp-mirror-editor-builtin-color: #007000; --jp-mirror-editor-keyword-color: #007000;
  --jp-mirror-editor-comment-color: #367070; --jp-mirror-editor-error-color: #c00000;
  --jp-mirror-editor-hr-color: #6b6b6b; --jp-mirror-editor-meta-color: #8a17d6;
  --jp-mirror-editor-number-color: #007000; --jp-mirror-editor-operator-color: #8a17d6;
  --jp-mirror-editor-quote-color: #007000;
  --jp-cell-inprompt-font-color: #2a6aa3; --jp-cell-outprompt-font-color: #a84d32;
  --jp-cell-prompt-not-active-opacity: 1; --jp-cell-prompt-not-active-font-color: #616161;
}
.jp-RenderedHTMLCommon a:link, .jp-RenderedHTMLCommon a:visited,
.jp-RenderedText pre a:link { text-decoration: underline; }
</style>
"""


def _unanswered_line() -> str:
    """The read-only page's line for an unanswered exercise, in the current language."""
    return NotAttempted(tr(UNANSWERED_TEXT))._render_traceback_()[0]


class EditionError(CourseError):
    """The edition could not be built as asked."""

    heading = "Edition problem"


# ---------------------------------------------------------------------------
# Which notebooks, in which order
# ---------------------------------------------------------------------------

def lesson_order(root: Path) -> list[str]:
    """Notebook paths relative to ``root``: the start page, then each assignment's lessons in order."""
    from ..grader.nbgrader_api import ASSIGNMENT_NAME

    root = Path(root)
    pages = [START_PAGE] if (root / START_PAGE).exists() else []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and ASSIGNMENT_NAME.match(p.name)):
        pages += [f"{folder.name}/{nb.name}" for nb in sorted(folder.glob("*.ipynb"))
                  if not nb.name.endswith(".new.ipynb")]
    return pages


def _select(pages: list[str], lessons) -> list[str]:
    if lessons is None:
        return pages
    wanted = [PurePosixPath(str(x)).as_posix() for x in lessons]
    unknown = [w for w in wanted if w not in pages]
    if unknown:
        raise EditionError(f"There is no lesson {unknown[0]!r}; lessons look like {pages[-1]!r}.")
    return [p for p in pages if p == START_PAGE or p in wanted]


def title_of(nb, fallback: str) -> str:
    """The text of the notebook's one ``# `` heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def module_titles(start_nb) -> dict[str, str]:
    """``{"01": "The nervous system under stress", ...}`` from the start page's ``### Module NN: ...`` headings."""
    titles = {}
    for cell in start_nb.cells if start_nb is not None else []:
        for match in re.finditer(r"^###\s+Modul[e]?\s+(\d\d):\s*(.+?)\s*$", cell.source, flags=re.M):
            titles[match.group(1)] = match.group(2)
    return titles


# ---------------------------------------------------------------------------
# Running and cleaning up a notebook
# ---------------------------------------------------------------------------

@contextmanager
def _headless_environment():
    saved = os.environ.get("COURSE_HEADLESS")
    os.environ["COURSE_HEADLESS"] = "1"  # inherited by the kernels started below
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("COURSE_HEADLESS", None)
        else:
            os.environ["COURSE_HEADLESS"] = saved


def execute(nb, folder: Path, timeout: int = 300):
    """Run ``nb`` top to bottom in ``folder``, headless, carrying on past errors."""
    from nbclient import NotebookClient

    with _headless_environment():
        NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True, record_timing=False,
                       resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def _one_line(output) -> str:
    lines = [ANSI.sub("", line).strip() for line in "\n".join(output.get("traceback", [])).splitlines()]
    lines = [line for line in lines if line]
    looks_rendered = lines and len(lines) <= 3 and not any(
        line.startswith("Traceback") or set(line) <= set("-") or line.startswith("Cell In") for line in lines)
    if looks_rendered:  # the course's own message (CourseError._render_traceback_): keep its first line
        return lines[0]
    if output.get("ename") in {"NotImplementedError", StubStillThere.__name__}:
        return _unanswered_line()
    value = ANSI.sub("", str(output.get("evalue", ""))).strip().splitlines()
    return f"{output.get('ename', 'Error')}: {value[0]}" if value else str(output.get("ename", "Error"))


def shorten_errors(nb) -> int:
    """Replace every error output's traceback with one plain line; return how many were changed."""
    changed = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [_one_line(output)]
                changed += 1
    return changed


def mark_unanswered(nb) -> int:
    """Replace the stub's line in unanswered answer cells by :data:`UNANSWERED`; return how many.

    In the live notebook the line asks the learner to write an answer and run
    the check; on a read-only page it says where to answer instead.
    """
    changed = 0
    line, stub_line = _unanswered_line(), tr(STUB_LINE)
    for cell in nb.cells:
        if cell.get("cell_type") != "code" or not cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and stub_line in output.get("text", ""):
                output["text"] = output["text"].replace(stub_line, line)
                changed += 1
    return changed


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

class _ImageFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))

    handle_startendtag = handle_starttag


def images(page_html: str) -> list[dict]:
    """The attributes of every ``<img>`` in an HTML page."""
    finder = _ImageFinder()
    finder.feed(page_html)
    return finder.images


def images_without_alt(page_html: str) -> list[str]:
    """A short description of every ``<img>`` whose alt text is missing or empty."""
    return [f"<img src={str(img.get('src', '?'))[:40]!r}...>" for img in images(page_html)
            if not (img.get("alt") or "").strip()]


def _exporter(lang: str = "en"):
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.language_code = lang  # <html lang="..."> for screen readers
    # Off on purpose: bleach's allow-list has no <img>, so sanitising would delete every figure
    # (and its alt text). The pages hold only the course's own HTML.
    exporter.sanitize_html = False
    return exporter


def with_accessible_style(page_html: str) -> str:
    """``page_html`` with :data:`ACCESSIBLE_CSS` as the last style of its head."""
    return page_html.replace("</head>", ACCESSIBLE_CSS + "</head>", 1)


def _link_pages(page_html: str, page: str, pages: set[str]) -> str:
    """Point links to other notebooks of the edition at their HTML pages."""
    here = PurePosixPath(page).parent

    def swap(match):
        target, fragment = match.group(2), match.group(3) or ""
        if re.match(r"^[a-z]+:", target) or target.startswith("/"):
            return match.group(0)
        resolved = os.path.normpath((here / target).as_posix()).replace(os.sep, "/")
        if resolved in pages:
            return f'{match.group(1)}{target[: -len(".ipynb")]}.html{fragment}"'
        return match.group(0)

    return re.sub(r'(href=")([^"#]+\.ipynb)(#[^"]*)?"', swap, page_html)


def _index_html(title: str, entries: list[tuple[str, str]], modules: dict[str, str], source: bool,
                lang: str = "en") -> str:
    """``entries``: ``(html_path, page_title)`` in course order."""
    parts, current = [], ""
    for href, page_title in entries:
        folder = href.split("/")[0] if "/" in href else None
        if folder != current:
            if parts:
                parts.append("</ul>")
            if folder:
                number = folder[:2]
                heading = (tr("Module {number}: {title}", number=number, title=modules[number])
                           if number in modules else folder)
                parts.append(f"<h2>{html.escape(heading)}</h2>")
            parts.append("<ul>")
            current = folder
        parts.append(f'<li><a href="{html.escape(href, quote=True)}">{html.escape(page_title)}</a></li>')
    parts.append("</ul>")
    kind = (tr("the instructor's versions, with solutions, hidden tests and mark schemes: not for learners")
            if source else tr("the learners' versions: exercises are shown unanswered"))
    intro = tr("A read-only edition of the course, built on {day} from {kind}. Demos show one figure with their "
               "default settings. To run the code and answer the exercises, open the notebooks in JupyterLab "
               "(see the course README).", day=date.today().isoformat(), kind=html.escape(kind))
    return f"""<!DOCTYPE html>
<html lang="{html.escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
line-height: 1.5; }} li {{ margin: 0.3rem 0; }}</style>
</head>
<body>
<main>
<h1>{html.escape(title)}</h1>
<p>{intro}</p>
{chr(10).join(parts)}
</main>
</body>
</html>
"""


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------

def _prepare(tmp: Path, source: bool, modules_dir: Path, lang: str = "en") -> Path:
    if source:
        target = tmp / "modules"
        if lang != "en":
            from ..i18n.build import build as build_language

            build_language(target, lang, modules_dir)
        else:
            shutil.copytree(modules_dir, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        return target
    from . import student

    target = tmp / "student"
    student.build(target, modules_dir, lang=lang)
    return target


def build(out_dir: Path = DEFAULT_OUT, *, source: bool = False, lessons=None,
          modules_dir: Path = MODULES_DIR, timeout: int = 300, log=print, lang: str = "en") -> dict:
    """Build the HTML edition into ``out_dir``; return ``{"index": path, "pages": [...], "problems": [...]}``.

    ``lessons`` (paths like ``"01-nervous-system/01-hrv-basics.ipynb"``)
    restricts the edition to those lessons plus the start page. ``lang="nb"``
    builds the bokmål edition: generated lessons, kernels giving feedback in
    bokmål, ``<html lang="nb">`` on every page.
    """
    with using(lang):
        return _build(out_dir, source, lessons, modules_dir, timeout, log, lang)


def _build(out_dir, source, lessons, modules_dir, timeout, log, lang) -> dict:
    import nbformat

    out_dir = Path(out_dir)
    if out_dir.resolve() in (REPO_ROOT.resolve(), Path(modules_dir).resolve()):
        raise EditionError(f"Choose an output folder of its own, not {out_dir}; for example `edition`.")
    exporter = _exporter(lang)
    problems: list[str] = []
    written: list[Path] = []
    entries: list[tuple[str, str]] = []
    course_title, modules = "The course", {}
    with tempfile.TemporaryDirectory(prefix="course-edition-") as tmp:
        root = _prepare(Path(tmp), source, Path(modules_dir), lang)
        pages = _select(lesson_order(root), lessons)
        html_pages = set(pages)
        for page in pages:
            path = root / page
            log(f"running {page} ...")
            nb = nbformat.read(path, as_version=4)
            execute(nb, path.parent, timeout=timeout)
            shorten_errors(nb)
            mark_unanswered(nb)
            page_title = title_of(nb, path.stem)
            if page == START_PAGE:
                course_title, modules = page_title, module_titles(nb)
            body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": page_title}})
            body = with_accessible_style(_link_pages(body, page, html_pages))
            problems += [f"{page}: figure without alt text {img}" for img in images_without_alt(body)]
            target = out_dir / PurePosixPath(page).with_suffix(".html")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
            written.append(target)
            entries.append((PurePosixPath(page).with_suffix(".html").as_posix(),
                            tr("Start here") if page == START_PAGE else page_title))
    index = out_dir / "index.html"
    index.write_text(_index_html(course_title, entries, modules, source, lang), encoding="utf-8")
    return {"index": index, "pages": written, "problems": problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.publish.edition",
                                     description="Build a read-only HTML edition of the course.")
    sub = parser.add_subparsers(dest="action", required=True)
    cmd = sub.add_parser("build", help="run every lesson headless and write HTML pages and index.html")
    cmd.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT,
                     help="where to write (default: edition/, git-ignored)")
    cmd.add_argument("--source", action="store_true",
                     help="render the instructor's versions (with solutions; not for learners)")
    cmd.add_argument("--lang", default="en", choices=["en", "nb"],
                     help="language of the edition: en (default) or nb (norsk bokmål)")
    cmd.add_argument("--lesson", action="append", dest="lessons", metavar="NN-module/NN-lesson.ipynb",
                     help="only this lesson (and the start page); may be given several times")
    args = parser.parse_args(argv)
    try:
        result = build(args.out_dir, source=args.source, lessons=args.lessons, lang=args.lang)
    except CourseError as exc:
        print(f"{exc.heading}: {exc}", file=sys.stderr)
        return 1
    for problem in result["problems"]:
        print(f"Problem: {problem}", file=sys.stderr)
    print(f"Wrote {len(result['pages'])} pages to {args.out_dir}; open {result['index']} in a browser.")
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
