"""The stated-time rule: how long a lesson takes, estimated from its source notebook.

    python -m course.publish.lesson_time show NOTEBOOK...    # a table of the estimate and what it counts
    python -m course.publish.lesson_time update NOTEBOOK...  # rewrite the title cell's **Time:** line
    python -m course.publish.lesson_time check NOTEBOOK...   # exit 1 if a stated time differs from the rule
    python -m course.publish.lesson_time start-page [--check]  # the start page's lesson and module times

The estimate is for a Python novice who reads English as a second language,
and counts what learners see and do (the course's own rule; the constants
below are named so that they can be changed in one place once real cohorts
have been measured with :mod:`course.grader.timing`):

**Reading and demos (R)**

* every word of Markdown learners see, at :data:`READING_WORDS_PER_MINUTE`
  (130 words a minute). Left out: the references cell, the manually graded
  answer cells (learners get an empty cell in their place), and the
  ``**Time:**`` line itself (so rewriting it never changes the estimate).
  Citations, link targets, HTML tags and Markdown symbols are not words.
  Adults reading English non-fiction silently average about 238 words a minute, and readers of English
  as a second language are slower [@brysbaert2019]; the course assumes a
  little over half that rate for careful study of technical text with numbers,
  tables and figures;
* :data:`DEMO_MINUTES` per interactive demo (a code cell that calls a
  function whose name ends in ``_demo``);
* :data:`CODE_CELL_MINUTES` per other code cell that is not graded (run it,
  read what it prints or shows).

**Exercises (E)**

* :data:`CODE_EXERCISE_MINUTES` per autograded code exercise (an answer cell
  with ``### BEGIN SOLUTION``);
* a verdict exercise (an answer cell that holds only a dictionary of verdict
  words, checked with ``check_format``) instead gets
  :data:`VERDICT_EXERCISE_MINUTES` plus :data:`VERDICT_ITEM_MINUTES` per item;
* :data:`THINK_MINUTES` per **Think!** prompt;
* :data:`REFLECTION_MINUTES_PER_100_WORDS` per 100 words of a written
  reflection, taking the upper bound of the word range its prompt states
  ("150-250 words" counts as 250); a reflection whose prompt states no range
  counts as :data:`DEFAULT_REFLECTION_WORDS` words and is reported as a problem.

R and E are each rounded up to a multiple of :data:`ROUND_TO_MINUTES`, and the
title cell states ``**Time:** about T minutes: R of reading and demos, E of
exercises.`` with T = R + E.

The constants were calibrated on the lessons of December 2025 against three
expert reviewers' estimate of 60-90 minutes per lesson for a Python novice
(12 of the 13 lessons came out at 60-90 minutes, the shortest at 55), and so
that a 250-350-word reflection counts about 25 minutes, as the reviewers
found.

References
----------
[@brysbaert2019]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from ..errors import DataError, explained_on_the_command_line

#: Reading rate for technical English read by second-language readers (words per minute; the course's assumption).
READING_WORDS_PER_MINUTE = 130
#: Minutes per interactive demo (trying its controls and reading its caption).
DEMO_MINUTES = 3.0
#: Minutes per other code cell that is not graded (run it and read its output).
CODE_CELL_MINUTES = 0.5
#: Minutes per autograded code exercise, for a Python novice (read, write, run the checks, fix).
CODE_EXERCISE_MINUTES = 10.0
#: Minutes per verdict exercise, before its items (read the choices, type the dictionary, run the check).
VERDICT_EXERCISE_MINUTES = 3.0
#: Minutes per item of a verdict exercise (weigh the evidence for one item).
VERDICT_ITEM_MINUTES = 1.0
#: Minutes per **Think!** prompt.
THINK_MINUTES = 2.0
#: Minutes per 100 words of a written reflection (upper bound of the stated range).
REFLECTION_MINUTES_PER_100_WORDS = 7.0
#: Words assumed for a reflection whose prompt states no range.
DEFAULT_REFLECTION_WORDS = 250
#: R and E are each rounded up to a multiple of this many minutes.
ROUND_TO_MINUTES = 5

TIME_PREFIX = "**Time:**"
_TIME_LINE = re.compile(r"^\*\*Time:\*\*.*$", re.M)
_STATED = re.compile(r"^\*\*Time:\*\* about (\d+) minutes: (\d+) of reading and demos, (\d+) of exercises\.$", re.M)
_WORD_RANGE = re.compile(r"(\d+)\s*(?:-|–|—|to)\s*(\d+)\s+words", re.I)
_DEMO_CALL = re.compile(r"\b\w+_demo\s*\(")
_THINK = re.compile(r"\*\*Think!?\*\*")
_VERDICT_ITEM = re.compile(r"""^\s*["'][^"']+["']\s*:\s*["'][^"']*["']\s*,?\s*(#.*)?$""")
_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")


@dataclass
class Estimate:
    """What the rule counted in one lesson, and the minutes it gives.

    Attributes
    ----------
    words : int
        Words of Markdown learners see.
    demos, code_cells, code_exercises, verdict_exercises, verdict_items, think_prompts : int
        Counts of each kind of element.
    reflection_words : list of int
        Upper bound of the stated word range of each reflection.
    reading, exercises : int
        R and E in minutes, each rounded up to :data:`ROUND_TO_MINUTES`.
    problems : list of str
        What the rule could not count as it should (one sentence each).
    """

    words: int = 0
    demos: int = 0
    code_cells: int = 0
    code_exercises: int = 0
    verdict_exercises: int = 0
    verdict_items: int = 0
    think_prompts: int = 0
    reflection_words: list[int] = field(default_factory=list)
    reading: int = 0
    exercises: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """T = R + E, in minutes."""
        return self.reading + self.exercises

    def time_line(self) -> str:
        """The title cell's line: ``**Time:** about T minutes: R of reading and demos, E of exercises.``"""
        return (f"{TIME_PREFIX} about {self.total} minutes: {self.reading} of reading and demos, "
                f"{self.exercises} of exercises.")


def _round_up(minutes: float) -> int:
    step = ROUND_TO_MINUTES
    return int(step * math.ceil(round(minutes, 6) / step)) if minutes > 0 else 0


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", []) or []


def prose_words(markdown: str) -> int:
    """Words a learner reads in a Markdown text.

    Citations (an at sign and a key in square brackets), link targets,
    images, HTML tags and comments, and Markdown symbols are not counted;
    the text of links and code spans is.

    Parameters
    ----------
    markdown : str
        Markdown source.

    Returns
    -------
    int
        Number of words.
    """
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    text = re.sub(r"\[@[^\]]*\]", " ", text)                 # citations
    text = re.sub(r"\[[^\]]*\]\(#ref-[^)]*\)", " ", text)      # citations shown as author-year links
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)         # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)      # links: keep the text
    text = re.sub(r"<[^>]+>", " ", text)                      # HTML tags
    text = re.sub(r"https?://\S+", " ", text)
    return len(_WORD.findall(text))


def _is_verdict_exercise(answer: str, tests: str) -> bool:
    body = answer.split("### BEGIN SOLUTION", 1)[-1].split("### END SOLUTION", 1)[0]
    lines = [ln for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    dict_only = bool(lines) and re.match(r"^\s*\w+\s*=\s*\{\s*$", lines[0]) is not None and lines[-1].strip() == "}"
    return dict_only and "check_format" in tests


def _verdict_items(answer: str) -> int:
    body = answer.split("### BEGIN SOLUTION", 1)[-1].split("### END SOLUTION", 1)[0]
    return sum(1 for ln in body.splitlines() if _VERDICT_ITEM.match(ln))


def estimate(nb: Any) -> Estimate:
    """Estimate a lesson's reading and exercise time by the rule in this module.

    Parameters
    ----------
    nb : notebook
        The lesson's source notebook (nbformat node).

    Returns
    -------
    Estimate
        Counts, R and E in minutes (rounded up to 5), and problems.
    """
    est = Estimate()
    cells = list(nb.get("cells", []))
    extra_reading = 0.0
    exercise_minutes = 0.0
    for i, cell in enumerate(cells):
        grading = _nbgrader(cell)
        source = cell.get("source", "")
        if cell.get("cell_type") == "markdown":
            if "references" in _tags(cell):
                continue
            if grading.get("solution"):  # a manually graded answer: learners see an empty cell
                prompt = next((c.get("source", "") for c in reversed(cells[:i]) if c.get("cell_type") == "markdown"),
                              "")
                ranges = _WORD_RANGE.findall(prompt)
                if ranges:
                    words = max(int(high) for _, high in ranges)
                else:
                    words = DEFAULT_REFLECTION_WORDS
                    est.problems.append(f"the reflection {grading.get('grade_id')!r} states no word range in its "
                                        f"prompt (for example \"150-250 words\"); counted as {words} words")
                est.reflection_words.append(words)
                continue
            est.words += prose_words(_TIME_LINE.sub("", source))  # the Time line itself is not counted
            est.think_prompts += len(_THINK.findall(source))
        elif cell.get("cell_type") == "code":
            if grading.get("solution"):
                tests = next((c.get("source", "") for c in cells[i + 1:]
                              if c.get("cell_type") == "code" and _nbgrader(c).get("grade")), "")
                if _is_verdict_exercise(source, tests):
                    est.verdict_exercises += 1
                    est.verdict_items += _verdict_items(source)
                else:
                    est.code_exercises += 1
            elif grading.get("grade"):
                continue  # a test cell: its time is in its exercise's allowance
            elif _DEMO_CALL.search(source):
                est.demos += 1
            elif source.strip():
                est.code_cells += 1
    extra_reading = est.demos * DEMO_MINUTES + est.code_cells * CODE_CELL_MINUTES
    exercise_minutes = (est.code_exercises * CODE_EXERCISE_MINUTES
                        + est.verdict_exercises * VERDICT_EXERCISE_MINUTES
                        + est.verdict_items * VERDICT_ITEM_MINUTES
                        + est.think_prompts * THINK_MINUTES
                        + sum(est.reflection_words) / 100.0 * REFLECTION_MINUTES_PER_100_WORDS)
    est.reading = _round_up(est.words / READING_WORDS_PER_MINUTE + extra_reading)
    est.exercises = _round_up(exercise_minutes)
    return est


def _title_cell(nb: Any):
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown" and _TIME_LINE.search(cell.get("source", "")):
            return cell
    return None


def _read(notebook: Any):
    if isinstance(notebook, (str, Path)):
        path = Path(notebook)
        try:
            return nbformat.read(path, as_version=4)
        except (OSError, ValueError) as exc:  # nbformat's read errors are ValueErrors
            raise DataError(f"{path} could not be read as a notebook ({exc.__class__.__name__}).") from None
    return notebook


def problems(notebook: Any) -> list[str]:
    """Problems with a lesson's stated time, one sentence each (empty when it follows the rule).

    Parameters
    ----------
    notebook : str, Path or notebook
        A lesson's source notebook, or its path.
    """
    nb = _read(notebook)
    est = estimate(nb)
    found = list(est.problems)
    cell = _title_cell(nb)
    if cell is None:
        return found + [f"no '{TIME_PREFIX}' line in the title cell; the rule gives \"{est.time_line()}\" "
                        "(python -m course.publish.lesson_time update NOTEBOOK writes it)"]
    line = _TIME_LINE.search(cell["source"]).group(0).strip()
    if line != est.time_line():
        found.append(f"the stated time \"{line}\" differs from the rule's \"{est.time_line()}\" "
                     "(python -m course.publish.lesson_time update NOTEBOOK rewrites it)")
    return found


def update(path: str | Path) -> bool:
    """Rewrite the title cell's ``**Time:**`` line of the notebook at ``path`` by the rule; nothing else changes.

    Returns
    -------
    bool
        True if the file changed.

    Raises
    ------
    DataError
        When the notebook cannot be read or has no ``**Time:**`` line.
    """
    path = Path(path)
    nb = _read(path)
    cell = _title_cell(nb)
    if cell is None:
        raise DataError(f"{path} has no '{TIME_PREFIX}' line in a Markdown cell: add one to the title cell "
                        "(any text after it), then run update again.")
    new_line = estimate(nb).time_line()
    old_source = cell["source"]
    new_source = _TIME_LINE.sub(lambda _: new_line, old_source, count=1)
    if new_source == old_source:
        return False
    # Replace the line in the file's text, so the JSON layout and every other byte stay as they were.
    raw = path.read_text(encoding="utf-8")
    old_line = _TIME_LINE.search(old_source).group(0)
    for ascii_only in (False, True):
        before = json.dumps(old_line, ensure_ascii=ascii_only)[1:-1]
        if raw.count(before) == 1:
            path.write_text(raw.replace(before, json.dumps(new_line, ensure_ascii=ascii_only)[1:-1]),
                            encoding="utf-8")
            break
    else:
        cell["source"] = new_source
        nbformat.write(nb, path)
    return True


_LESSON_LINK = re.compile(r"\]\((?P<path>[^)\s]+\.ipynb)\) \(about \d+ min\)")
_MODULE_TIME = re.compile(r"\*\*Time:\*\* about [^*\n\"]*?hours?\.(?= )")


def _hours(minutes: int) -> str:
    """Minutes as hours to the nearest half hour: 390 -> 'about 6.5 hours'."""
    half_hours = max(1, math.floor(minutes / 30 + 0.5))
    return f"about {half_hours / 2:g} hour{'' if half_hours == 2 else 's'}"


def start_page_text(path: str | Path) -> str:
    """The start page's text with each lesson's ``(about N min)`` and each module's ``**Time:**`` by the rule.

    A lesson link ``[title](folder/lesson.ipynb) (about N min)`` gets the
    lesson's estimate; the ``**Time:** about ... hours.`` after a module's
    list of lessons gets their sum, to the nearest half hour.
    """
    path = Path(path)
    raw = path.read_text(encoding="utf-8")
    minutes: list[int] = []

    def lesson(match: re.Match) -> str:
        total = estimate(_read(path.parent / match.group("path"))).total
        minutes.append(total)
        return f"]({match.group('path')}) (about {total} min)"

    def module(_: re.Match) -> str:
        total = sum(minutes)
        minutes.clear()
        return f"**Time:** {_hours(total)}."

    out = []
    for i, piece in enumerate(re.split(f"({_MODULE_TIME.pattern})", raw)):
        if i % 2:  # re.split puts each match of the captured pattern at an odd index
            out.append(module(None) if minutes else piece)
        else:
            out.append(_LESSON_LINK.sub(lesson, piece))
    return "".join(out)


def start_page_problems(path: str | Path) -> list[str]:
    """Where the start page's lesson or module times differ from the rule (one sentence each)."""
    path = Path(path)
    old, new = path.read_text(encoding="utf-8").splitlines(), start_page_text(path).splitlines()
    return [f"{path.name}: {a.strip()[:120]!r} should read {b.strip()[:120]!r} "
            "(python -m course.publish.lesson_time start-page)" for a, b in zip(old, new) if a != b]


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
                     for r in rows)


@explained_on_the_command_line
def main(argv: list[str] | None = None) -> int:
    """Command line: ``show``, ``update`` or ``check`` for one or more notebooks."""
    parser = argparse.ArgumentParser(prog="python -m course.publish.lesson_time",
                                     description="Estimate lesson times by the course's rule (docs/AUTHORING.md).")
    parser.add_argument("command", choices=["show", "update", "check", "start-page"])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="lesson notebooks; for start-page, the start page (default modules/START-HERE.ipynb)")
    parser.add_argument("--check", action="store_true", help="start-page: report differences, change nothing")
    args = parser.parse_intermixed_args(argv)
    if args.command == "start-page":
        from ..paths import MODULES_DIR

        page = args.notebooks[0] if args.notebooks else MODULES_DIR / "START-HERE.ipynb"
        found = start_page_problems(page)
        if args.check:
            print("\n".join(found) or f"{page}: every lesson and module time follows the rule.")
            return 1 if found else 0
        if found:
            page.write_text(start_page_text(page), encoding="utf-8")
        print(f"{page}: {'updated' if found else 'already follows the rule'}")
        return 0
    if not args.notebooks:
        parser.error("give one or more lesson notebooks")
    if args.command == "show":
        rows = [["lesson", "words", "demos", "code", "exercises", "verdicts(items)", "think", "reflection words",
                 "R", "E", "T", "stated"]]
        from ..grader.timing import stated_minutes

        for path in args.notebooks:
            nb = _read(path)
            est = estimate(nb)
            stated = stated_minutes(nb)
            rows.append([path.stem, str(est.words), str(est.demos), str(est.code_cells), str(est.code_exercises),
                         f"{est.verdict_exercises}({est.verdict_items})", str(est.think_prompts),
                         "+".join(map(str, est.reflection_words)) or "-", str(est.reading), str(est.exercises),
                         str(est.total), "-" if stated is None else str(stated)])
        print(_table(rows))
        return 0
    if args.command == "update":
        for path in args.notebooks:
            print(f"{path}: {'updated' if update(path) else 'already follows the rule'}")
        return 0
    failing = 0
    for path in args.notebooks:
        found = problems(path)
        if found:
            failing += 1
            print(f"{path}:\n" + "\n".join(f"  - {p}" for p in found))
    if failing:
        print(f"{failing} of {len(args.notebooks)} lesson(s) state a time that differs from the rule.")
        return 1
    print(f"All {len(args.notebooks)} lesson(s) state the time the rule gives.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
