"""JupyterLab's own interface language for each edition of the course.

JupyterLab translates its menus and dialogs with language packs; the
bokmål edition uses ``jupyterlab-language-pack-no-NO`` (locale ``no_NO``, the
only Norwegian pack JupyterLab publishes). The choice is a user setting of
``@jupyterlab/translation-extension``; :func:`write_settings` writes it into a
JupyterLab settings folder (``JUPYTERLAB_SETTINGS_DIR``), keeping any choice
the learner has made there since.
"""

from __future__ import annotations

import json
from pathlib import Path

#: JupyterLab locale per course language.
LAB_LOCALES = {"en": "en", "nb": "no_NO"}
SETTINGS_FILE = Path("@jupyterlab") / "translation-extension" / "plugin.jupyterlab-settings"


def write_settings(folder: Path, lang: str = "nb") -> Path:
    """Make JupyterLab started with ``JUPYTERLAB_SETTINGS_DIR=folder`` speak ``lang``; return the file."""
    path = Path(folder) / SETTINGS_FILE
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"locale": LAB_LOCALES[lang]}, indent=2) + "\n", encoding="utf-8")
    return path
