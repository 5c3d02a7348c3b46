"""Checking a reference list: the seed articles' references, verdict by verdict.

For each reference a seed article lists, the course records a short form of
how it was cited and what a check of databases and publisher pages found
(from the course's evidence file, section E). Learners choose a verdict from
:data:`VERDICTS`; the answer key is stored only as hashes
(:class:`course.verdicts.VerdictKey`), so reading the package does not give
it away (a determined learner could still try every option: fine for
self-study, not for exams). Lessons end the test cell with
``points_earned(answers, points)``: partial credit in proportion to the
right verdicts. Where a reference could fairly get two verdicts, the key
accepts both and a sealed note (``[seed001.why]`` in the content file) says
why; the learner reads it only after giving one of them.

Module 01 uses :data:`SEED_001` (burnout), module 02 :data:`SEED_000`
(exposure therapy). The content lives in ``course/content/reference_checks.toml``.
"""

from __future__ import annotations

from . import content

#: The content file this module reads.
CONTENT_FILE = "reference_checks.toml"

#: The five verdicts a learner can give a reference, with what each means.
VERDICTS = content.verdict_words(content.read_toml(CONTENT_FILE), CONTENT_FILE)

#: The burnout seed article's references (module 01): ``ref_id``, ``as_cited``, ``what_the_check_found``.
SEED_001 = content.verdict_key(CONTENT_FILE, "seed001")

#: The exposure-therapy seed article's references (module 02), with the same columns.
SEED_000 = content.verdict_key(CONTENT_FILE, "seed000")
