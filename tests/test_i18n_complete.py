"""CI fails on drift: every bokmål translation is present, current and faithful to the English.

``python -m course.i18n check`` lists the same problems with the command that fixes each.
"""

from __future__ import annotations

import hashlib
import re

from course.i18n import checks
from course.paths import REPO_ROOT


def test_every_translation_is_present_current_and_faithful():
    found = checks.problems("nb")
    assert not found, f"{len(found)} translation problem(s):\n- " + "\n- ".join(found[:40])


def test_the_bokmal_marking_guide_translates_the_current_english_one():
    english = (REPO_ROOT / "grading" / "MARKING.md").read_bytes()
    bokmal = (REPO_ROOT / "grading" / "MARKING.nb.md").read_text(encoding="utf-8")
    stated = re.search(r"Translated from MARKING\.md, sha256 ([0-9a-f]{12})", bokmal)
    assert stated, "MARKING.nb.md does not say which MARKING.md it translates"
    assert stated.group(1) == hashlib.sha256(english).hexdigest()[:12], (
        "grading/MARKING.md changed after MARKING.nb.md was translated: update the bokmål guide and its hash")
