"""The course in two languages: English (the source) and Norwegian bokmål.

English is written in the code and the notebooks; bokmål comes from gettext
catalogues (``.po`` files, read with Babel) in ``course/locale/nb/``:

* ``python/<module>.po``: messages from the course's Python code (feedback,
  errors, widget labels, figure text), marked with ``_()`` or ``tr()``;
* ``notebooks/<module>/<lesson>.po``: each lesson's markdown cells (keyed by
  cell id, build time only) and the strings its code cells mark with ``tr()``;
* ``content/<file>.po``: the prose fields of the content files (claim cards).

Which language a kernel speaks is decided once per working folder:
``COURSE_LANG`` if it is set (``./course.sh open --lang nb``, a hub's spawner
setting), else a ``.course-lang`` file in the notebook's folder or above it
(written into every generated bokmål folder, so Binder, nbgrader releases and
submissions carry it), else English.

Use ``_("text")`` for a fixed message and ``tr("text {n}", n=3)`` for one with
fields; ``tr`` also writes numbers the Norwegian way in bokmål (decimal comma,
a space between thousands). Call them when the text is shown, not at import.
"""

from __future__ import annotations

import os
import string
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

#: Languages the course is written in; the first is the source.
LANGUAGES = ("en", "nb")
#: Names of each language, in that language.
LANGUAGE_NAMES = {"en": "English", "nb": "norsk bokmål"}
#: The file that tells a kernel which language a generated folder is in.
MARKER = ".course-lang"
#: Environment variable that chooses the language for every kernel a server starts.
ENV = "COURSE_LANG"

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

#: What an unanswered written answer says in the student version, per language (nbgrader's text stub).
TEXT_STUBS = {"en": "YOUR ANSWER HERE", "nb": "SKRIV SVARET DITT HER"}

_forced: list[str] = []


def _normalise(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().lower().replace("-", "_")
    if code in ("nb", "no", "nb_no", "no_no", "nob", "norsk", "bokmal", "bokmål"):
        return "nb"
    if code.startswith("en"):
        return "en"
    return None


@lru_cache(maxsize=64)
def _language_of_folder(folder: str) -> str | None:
    path = Path(folder)
    for candidate in (path, *path.parents):
        marker = candidate / MARKER
        try:
            if marker.is_file():
                return _normalise(marker.read_text(encoding="utf-8"))
        except OSError:
            return None
    return None


def language() -> str:
    """The language messages are shown in now: ``"en"`` or ``"nb"``."""
    if _forced:
        return _forced[-1]
    chosen = _normalise(os.environ.get(ENV))
    if chosen:
        return chosen
    try:
        cwd = os.getcwd()
    except OSError:
        return "en"
    return _language_of_folder(cwd) or "en"


@contextmanager
def using(lang: str):
    """Show messages in ``lang`` inside a ``with`` block (tests, builders)."""
    code = _normalise(lang)
    if code is None:
        raise ValueError(f"The course is written in {', '.join(LANGUAGES)}, not {lang!r}.")
    _forced.append(code)
    try:
        yield code
    finally:
        _forced.pop()


def _lookup(msgid: str, context: str | None = None) -> str:
    lang = language()
    if lang == "en":
        return msgid
    from .catalogues import runtime_messages

    return runtime_messages(lang).get((context, msgid)) or msgid


def _(msgid: str) -> str:
    """``msgid`` in the current language (English when no translation exists)."""
    return _lookup(msgid)


def N_(msgid: str) -> str:
    """Mark ``msgid`` for translation without translating it yet (module constants)."""
    return msgid


class _LocalFormatter(string.Formatter):
    """Formats numbers the bokmål way: 0,63 and 10 000 (code and output keep 0.63 in English)."""

    def format_field(self, value, format_spec):
        text = super().format_field(value, format_spec)
        if _is_number(value):
            text = text.translate(_NB_NUMBER)
            if format_spec.endswith("%"):  # Norwegian puts a space before the per cent sign: 50 %
                text = text[:-1].rstrip() + "\u00a0%"
        return text


_NB_NUMBER = str.maketrans({",": "\u00a0", ".": ","})


def _is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return type(value).__module__ == "numpy" and hasattr(value, "dtype") and value.dtype.kind in "iuf"


def format_number(value, spec: str = "") -> str:
    """``format(value, spec)`` written the way the current language writes numbers."""
    if language() == "nb" and _is_number(value):
        return _LocalFormatter().format_field(value, spec)
    return format(value, spec)


def tr(msgid: str, /, **fields) -> str:
    """Translate ``msgid`` and fill its ``{fields}``; numbers follow the language's habits."""
    text = _lookup(msgid)
    if not fields:
        return text
    if language() == "nb":
        return _LocalFormatter().format(text, **fields)
    return text.format(**fields)


def ntr(singular: str, plural: str, n: int, /, **fields) -> str:
    """Like :func:`tr`, choosing the singular or plural message by ``n`` (filled in as ``{n}``)."""
    fields.setdefault("n", n)
    return tr(singular if n == 1 else plural, **fields)


__all__ = ["LANGUAGES", "LANGUAGE_NAMES", "language", "using", "_", "N_", "tr", "ntr", "format_number"]
