"""Where the course's files live, found from this package's location.

The course is installed in editable mode (``pip install -e .``), so the
package folder sits inside the repository and the data travel with it.
``COURSE_DATASETS`` overrides the data folder (used by tests).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MODULES_DIR = REPO_ROOT / "modules"
STUDENT_DIR = REPO_ROOT / "student"
REFERENCES_FILE = REPO_ROOT / "references.json"


def datasets_dir() -> Path:
    """The folder holding the course's data files and their datasheets."""
    return Path(os.environ.get("COURSE_DATASETS", REPO_ROOT / "datasets"))
