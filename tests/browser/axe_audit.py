"""Accessibility audit of a page with axe-core, split into the course's content and JupyterLab's own.

:func:`audit` injects ``axe.min.js`` (npm ``axe-core``, installed by
``./course.sh test`` into ``.cache/node``) into every frame of a Playwright
page and runs it with :data:`TAGS`:

* WCAG 2.0, 2.1 and 2.2 levels A and AA: the level that EN 301 549 and the
  Norwegian universal-design regulation require of teaching material;
* ``best-practice``: heading order, landmarks, empty table headers and the
  like, which are not WCAG failures on their own but are what a screen-reader
  user trips over in a long lesson.

Not ``wcag2aaa`` (enhanced contrast: not required, and JupyterLab's theme
would fail it everywhere) and not ``experimental`` (rules that change between
axe versions).

Each violating element is classified in the page with ``element.closest``:
*course* when it sits in a notebook cell's rendered markdown or in a cell's
output (figures, widget views, feedback messages), or anywhere on a page the
course writes itself (the static HTML edition, the instructor report: pass
``all_course=True``); *jupyterlab* otherwise (menus, toolbars, file browser,
the code editor, prompts, status bar). Rules about the page as a whole
(:data:`PAGE_RULES`: landmarks, the page's title and language, bypass blocks)
are JupyterLab's on a JupyterLab page. An element inside an iframe is
classified by its iframe.

Only *serious* and *critical* course findings fail a test
(:data:`FAILING_IMPACTS`); everything found is recorded in :data:`RESULTS` for
the session's artefact (``build/accessibility/axe-report.json``, written by
conftest.py).
"""

from __future__ import annotations

import json
import pickle
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from course.paths import REPO_ROOT

AXE_JS = REPO_ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
MISSING_AXE = ("axe-core is not installed at .cache/node/node_modules/axe-core, so the accessibility audit is "
               "skipped: run `./course.sh test`, which installs it with npm (Node.js needed).")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING_IMPACTS = ("serious", "critical")
REPORT_DIR = REPO_ROOT / "build" / "accessibility"

#: Rules about the page as a whole; on a JupyterLab page the page is JupyterLab's.
PAGE_RULES = {"region", "landmark-one-main", "landmark-no-duplicate-main", "landmark-unique",
              "landmark-complementary-is-top-level", "landmark-main-is-top-level", "landmark-banner-is-top-level",
              "landmark-contentinfo-is-top-level", "landmark-no-duplicate-banner",
              "landmark-no-duplicate-contentinfo", "page-has-heading-one", "bypass", "document-title",
              "html-has-lang", "html-lang-valid", "meta-viewport", "meta-viewport-large"}

#: Where the course's own content is on a JupyterLab page: a cell's rendered
#: markdown and a cell's outputs (widget views, figures and feedback are outputs).
COURSE_CONTENT = ".jp-Cell .jp-RenderedMarkdown, .jp-Cell .jp-MarkdownOutput, .jp-Cell .jp-OutputArea-output"
#: What JupyterLab adds inside the course's markdown: heading anchors (¶) and collapse buttons.
ADDED_BY_JUPYTERLAB = ".jp-InternalAnchorLink, .jp-collapseHeadingButton"

#: Rules that look at what is drawn (colours, sizes): on a JupyterLab page they run on the course's
#: content only (a second, smaller axe run), because over JupyterLab's code editors they triple the
#: audit's time. JupyterLab's own colours are audited on the start page (VISUAL_ON_WHOLE_PAGE).
VISUAL_RULES = ["color-contrast", "link-in-text-block", "target-size"]
VISUAL_ON_WHOLE_PAGE = {"student/START-HERE.ipynb"}

#: Findings in the course's content that cannot be fixed on the course's side,
#: keyed by (rule id, CSS selector the element matches); value: why. Each entry
#: is printed in the session summary, and tests/browser/test_axe_pages.py checks
#: that every entry still matches something (an entry nobody needs is stale).
ALLOWED: dict[tuple[str, str], str] = {
    # ipywidgets 8.1 draws a slider with noUiSlider and passes it no `handleAttributes`, so the handle
    # (role="slider") has no accessible name: the widget's `description` is a separate <label> that is
    # not tied to the handle, and Python cannot set attributes on the handle. A screen reader announces
    # the value only. Upstream: noUiSlider's handleAttributes option exists; ipywidgets does not use it.
    ("aria-input-field-name", ".widget-slider .noUi-handle"):
        "ipywidgets' slider handle has no accessible name (set by ipywidgets' JavaScript, not the course)",
    # (JupyterLab's light theme also removes the underline from links in rendered markdown, axe's
    # link-in-text-block: the course fixes that itself with jupyterlab-custom/custom.css, which
    # course.sh, Binder and the test server load; test_axe_pages checks a cited link passes.)
}

#: Every page audited in this process, for the artefact and the terminal summary.
RESULTS: list["PageAudit"] = []
#: With pytest-xdist each worker leaves its pages here; the main process merges them (tests/conftest.py).
PARTS_DIR = REPORT_DIR / "parts"


def save_part(worker: str, folder: Path = PARTS_DIR) -> None:
    """This worker's audited pages, for the main process to merge into one report."""
    if RESULTS:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{worker}.pickle").write_bytes(pickle.dumps(RESULTS))


def merge_parts(folder: Path = PARTS_DIR) -> list["PageAudit"]:
    """Every page audited in the session: this process's and the workers' (their files are removed)."""
    results = list(RESULTS)
    for part in sorted(folder.glob("*.pickle")) if folder.is_dir() else []:
        results += pickle.loads(part.read_bytes())
        part.unlink()
    results.sort(key=lambda r: (r.kind, r.page))
    RESULTS[:] = results
    return results


def clear_parts(folder: Path = PARTS_DIR) -> None:
    """Forget pages left by an earlier, interrupted session."""
    for part in folder.glob("*.pickle") if folder.is_dir() else []:
        part.unlink()


@dataclass
class Finding:
    rule: str
    impact: str
    help: str
    help_url: str
    owner: str            # "course" or "jupyterlab"
    target: str           # axe's CSS selector for the element
    html: str             # axe's snippet of the element
    failure: str = ""     # axe's summary of what fails (e.g. the measured contrast)
    cell: int | None = None  # the notebook cell (0-based) holding it, on a lesson page
    allowed: str = ""     # the reason from ALLOWED, when the finding is allowed

    def sentence(self) -> str:
        where = f"cell {self.cell}: " if self.cell is not None else ""
        return (f"{where}{self.rule} ({self.impact}): {self.help}: {' '.join(self.failure.split())[:300]} "
                f"[{self.target}] {self.html[:300]} (see {self.help_url})")


@dataclass
class PageAudit:
    page: str             # lesson path or page name
    kind: str             # "lesson", "lesson-nb", "edition", "edition-nb", "report", ...
    url: str
    axe_version: str
    rules_checked: int
    seconds: float
    frames: int
    findings: list[Finding] = field(default_factory=list)
    note: str = ""        # a limit of this page's audit, in words

    def failing(self) -> list[Finding]:
        """Serious or critical findings in the course's content that are not allowed."""
        return [f for f in self.findings
                if f.owner == "course" and f.impact in FAILING_IMPACTS and not f.allowed]

    def count(self, owner: str) -> int:
        """Findings of ``owner`` ("course" or "jupyterlab"), allowed ones left out."""
        return sum(1 for f in self.findings if f.owner == owner and not f.allowed)

    def allowed(self) -> int:
        return sum(1 for f in self.findings if f.allowed)

    def failure_message(self) -> str:
        found = self.failing()
        return (f"axe-core {self.axe_version} finds {len(found)} serious or critical accessibility problem(s) "
                f"in the course's content of {self.page}:\n- " + "\n- ".join(f.sentence() for f in found))

    def as_json(self) -> dict:
        data = asdict(self)
        by_rule: dict[str, dict] = {}
        for f in self.findings:
            entry = by_rule.setdefault(f.rule, {"impact": f.impact, "course": 0, "jupyterlab": 0, "allowed": 0})
            entry["allowed" if f.allowed else f.owner] += 1
        data.update(course_violations=self.count("course"), jupyterlab_violations=self.count("jupyterlab"),
                    allowed_violations=self.allowed(), failing=len(self.failing()), violations_by_rule=by_rule)
        return data


# --- in the page ----------------------------------------------------------------------

RUN_JS = """async ({tags, pageRules, course, added, allCourse, allowed, visualRules, visualOnCourse}) => {
  const started = performance.now();
  // JupyterLab's <body> is 0 px high with overflow: hidden (the shell inside is absolutely positioned), so
  // axe would take every cell for clipped and skip colour contrast and target size on all of them. The
  // body gets the window's height while axe runs; nothing moves.
  const height = document.body.style.height;
  if (!allCourse) document.body.style.height = '100vh';
  const runs = [];
  try {
    if (!visualOnCourse) {
      runs.push(await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}));
    } else {
      const off = Object.fromEntries(visualRules.map(id => [id, {enabled: false}]));
      runs.push(await axe.run(document, {runOnly: {type: 'tag', values: tags}, rules: off,
                                         resultTypes: ['violations']}));
      const include = course.split(',').map(s => [s.trim()]).filter(s => document.querySelector(s[0]));
      if (include.length) {
        runs.push(await axe.run({include}, {runOnly: {type: 'rule', values: visualRules},
                                            resultTypes: ['violations']}));
      }
    }
  } finally {
    document.body.style.height = height;
  }
  const result = {violations: runs.flatMap(r => r.violations)};
  const resolve = target => {
    // A target is a list of selectors, one per frame; a shadow-DOM step is itself a list.
    let el = null, root = document;
    const first = target[0];
    const steps = Array.isArray(first) ? first : [first];
    for (const step of steps) {
      el = (root.shadowRoot || root).querySelector(step);
      if (!el) return null;
      root = el;
    }
    return el;
  };
  const cellIndex = el => {
    const cell = el && el.closest('.jp-Notebook .jp-Cell');
    return cell ? [...cell.parentElement.children].filter(c => c.classList.contains('jp-Cell')).indexOf(cell)
                : null;
  };
  const findings = [];
  for (const rule of result.violations) {
    for (const node of rule.nodes) {
      const el = resolve(node.target);  // in an iframe: the iframe itself
      let owner = 'jupyterlab';
      if (allCourse) owner = 'course';
      else if (!pageRules.includes(rule.id) && el && el.closest(course) && !el.closest(added)) owner = 'course';
      const allow = allowed.find(([id, selector]) => id === rule.id && el && el.matches(selector));
      findings.push({rule: rule.id, impact: node.impact || rule.impact || 'unknown', help: rule.help,
                     help_url: rule.helpUrl, owner, target: JSON.stringify(node.target), html: node.html,
                     failure: (node.failureSummary || '').slice(0, 600),
                     cell: allCourse ? null : cellIndex(el), allowed: allow ? allow[2] : ''});
    }
  }
  const rules = new Set(runs.flatMap(r => [...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable]
    .map(rule => rule.id))).size;
  return {version: axe.version, rules, findings, ms: performance.now() - started};
}"""


def inject(page) -> int:
    """Load axe-core into every frame of ``page``; return the number of frames."""
    if not AXE_JS.exists():
        raise FileNotFoundError(MISSING_AXE)
    injected = 0
    for frame in page.frames:
        try:
            frame.add_script_tag(path=str(AXE_JS))
            # Pages read from file:// or set in place have the origin "null", which axe's frame messages
            # would refuse; every page audited here is local, so any origin may answer.
            frame.evaluate("() => axe.configure({allowedOrigins: ['<unsafe_all_origins>']})")
            injected += 1
        except Exception:  # a frame that went away or refuses scripts: axe skips it (frame-tested)
            if frame == page.main_frame:
                raise
    return injected


def audit(page, name: str, kind: str, *, all_course: bool = False, record: bool = True) -> PageAudit:
    """Run axe-core on ``page`` as it is now; return (and, with ``record``, keep) the classified findings."""
    started = time.monotonic()
    frames = inject(page)
    allowed = [[rule, selector, reason] for (rule, selector), reason in ALLOWED.items()]
    visual_on_course = not all_course and name not in VISUAL_ON_WHOLE_PAGE
    raw = page.evaluate(RUN_JS, {"tags": TAGS, "pageRules": sorted(PAGE_RULES), "course": COURSE_CONTENT,
                                 "added": ADDED_BY_JUPYTERLAB, "allCourse": all_course, "allowed": allowed,
                                 "visualRules": VISUAL_RULES, "visualOnCourse": visual_on_course})
    result = PageAudit(page=name, kind=kind, url=_without_token(page.url), axe_version=raw["version"],
                       rules_checked=raw["rules"], seconds=round(time.monotonic() - started, 2), frames=frames,
                       findings=[Finding(**f) for f in raw["findings"]],
                       note="colours and sizes checked in the course's content only" if visual_on_course else "")
    if record:
        RESULTS.append(result)
    return result


def _without_token(url: str) -> str:
    return url.split("?token=")[0].split("&token=")[0]


# --- the session's artefact and summary ----------------------------------------------------

def write_report(results: list[PageAudit], folder: Path = REPORT_DIR) -> Path:
    """Write ``axe-report.json`` and ``axe-summary.md`` into ``folder``; return the JSON's path."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {"axe_version": results[0].axe_version if results else None, "tags": TAGS,
            "failing_impacts": list(FAILING_IMPACTS),
            "allowed": [{"rule": r, "selector": s, "reason": why} for (r, s), why in ALLOWED.items()],
            "pages": [r.as_json() for r in results]}
    path = folder / "axe-report.json"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "axe-summary.md").write_text(summary_markdown(results), encoding="utf-8")
    return path


def summary_markdown(results: list[PageAudit]) -> str:
    version = results[0].axe_version if results else "?"
    lines = [f"# axe-core {version} audit", "",
             f"Tags: {', '.join(TAGS)}. A page fails on a serious or critical violation in the course's content.",
             "Course violations leave out the allowed ones (axe-report.json lists them with their reason).",
             "", "| Page | Kind | Rules checked | Course violations | Failing | Allowed | JupyterLab violations "
                 "| Rules violated |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for r in results:
        rules = ", ".join(f"{rule} ({n})" for rule, n in _rule_counts(r.findings).items()) or "none"
        lines.append(f"| {r.page} | {r.kind} | {r.rules_checked} | {r.count('course')} | {len(r.failing())} | "
                     f"{r.allowed()} | {r.count('jupyterlab')} | {rules} |")
    return "\n".join(lines) + "\n"


def _rule_counts(findings: list[Finding]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    return counts


def jupyterlab_summary(results: list[PageAudit]) -> list[str]:
    """One line per rule that JupyterLab's own interface violates: impact, count, pages."""
    rules: dict[str, dict] = {}
    for r in results:
        for f in r.findings:
            if f.owner != "jupyterlab":
                continue
            entry = rules.setdefault(f.rule, {"impact": f.impact, "count": 0, "pages": [], "help": f.help})
            entry["count"] += 1
            if r.page not in entry["pages"]:
                entry["pages"].append(r.page)
    lines = []
    for rule, e in sorted(rules.items(), key=lambda item: (-_severity(item[1]["impact"]), item[0])):
        pages = ", ".join(e["pages"][:4]) + (f" and {len(e['pages']) - 4} more" if len(e["pages"]) > 4 else "")
        lines.append(f"{rule} ({e['impact']}): {e['count']} element(s) on {len(e['pages'])} page(s) "
                     f"[{pages}]: {e['help']}")
    return lines


def allowed_summary(results: list[PageAudit]) -> list[str]:
    lines = []
    for (rule, selector), reason in ALLOWED.items():
        hits = sum(1 for r in results for f in r.findings if f.rule == rule and f.allowed == reason)
        lines.append(f"{rule} on {selector!r}: {hits} element(s) allowed because {reason}")
    return lines


def _severity(impact: str) -> int:
    return {"critical": 4, "serious": 3, "moderate": 2, "minor": 1}.get(impact, 0)
