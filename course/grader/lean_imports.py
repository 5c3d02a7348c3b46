"""Leave out one slow import that grading never uses.

``nbformat`` loads ``jsonschema``, and ``jsonschema`` loads ``rfc3987_syntax``
as it starts, to check strings declared with the ``iri`` format. That package
builds its Lark grammars while it is imported: about 2 s of CPU per process on
the course's 2-core machines, paid again by every grading process (upstream:
python-jsonschema/jsonschema#1428). The notebook schemas declare no ``iri``
format, so the grading commands mark the package as unavailable before
``nbformat`` is imported; ``jsonschema`` then simply does not register that
one format checker.

Importing this module applies it (the parallel grader's fork server imports it
first); :func:`apply` does the same by call.
"""

from __future__ import annotations

import sys

#: Packages the grading processes never need, each skipped for the reason above.
SKIPPED = ("rfc3987_syntax",)


def apply() -> list[str]:
    """Mark each of :data:`SKIPPED` as unavailable unless it is already loaded; return those marked."""
    marked = []
    for name in SKIPPED:
        if name not in sys.modules:
            sys.modules[name] = None  # "import name" now raises ImportError, which jsonschema expects
            marked.append(name)
    return marked


apply()
