"""Course content kept as data: claim cards, reference checks, published estimates.

Prose and small tables that lessons quote live in this folder as data files,
not as Python constants: TOML (read with the standard library's
:mod:`tomllib`) for prose, CSV for tables of numbers. The loaders here read a
file, check its schema and explain any problem in one sentence
(:class:`course.errors.DataError`); the science modules build their objects
from the checked records:

* ``reference_checks.toml``: :data:`course.evidence_check.SEED_001` and ``SEED_000``;
* ``mbrp_claims.toml``: :data:`course.mbrp_evidence.SEED_002_CLAIMS`;
* ``mbrp_estimates.csv``: :func:`course.mbrp_evidence.effect_estimates`;
* ``exposure_claims.toml``: :data:`course.claims.CLAIMS` and :data:`course.claims.PRACTICE`.

Verdict exercises store their right answers only as hashes
(:class:`course.verdicts.VerdictKey`); never put a plain answer key here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..errors import DataError
from ..verdicts import VerdictKey

#: The folder holding the content files.
CONTENT_DIR = Path(__file__).resolve().parent

#: What each kind of field must hold, in words for error messages.
KINDS = {
    "text": "a piece of text",
    "number": "a number",
    "flag": "true or false",
    "texts": "a list of texts",
    "table": "a table of named values",
    "records": "a list of tables",
}

_HASH = re.compile(r"[0-9a-f]{8}")
# A sealed note: the 4-byte mark and at least one byte of text, as lower-case hex.
_SEALED = re.compile(r"[0-9a-f]{10,}")


def content_path(path) -> Path:
    """A content file: a bare file name is looked up in :data:`CONTENT_DIR`, any other path is used as it is."""
    path = Path(path)
    return CONTENT_DIR / path if path.parent == Path(".") else path


def read_toml(path) -> dict:
    """Read one TOML content file, explaining a missing or malformed file in a sentence."""
    path = content_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"The content file {path.name} is missing from {path.parent}.",
                        hint="Restore it from the course repository.") from None
    except UnicodeDecodeError:
        raise DataError(f"The content file {path.name} is not UTF-8 text.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"The content file {path.name} is not valid TOML: {exc}.",
                        hint="Look for a missing quote, bracket or comma at that line.") from None
    from ..i18n.content import translate

    return translate(path.name, data)


def _is_kind(value, kind: str) -> bool:
    if kind == "text":
        return isinstance(value, str) and bool(value.strip())
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "flag":
        return isinstance(value, bool)
    if kind == "texts":
        return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    if kind == "table":
        return isinstance(value, dict)
    if kind == "records":
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    raise ValueError(f"unknown kind {kind!r}")


def check_record(record: dict, where: str, required: dict, optional: dict | None = None) -> dict:
    """Check that ``record`` has every ``required`` field, no unknown field, and each of the stated kind.

    ``required`` and ``optional`` map field names to a kind in :data:`KINDS`.
    ``where`` names the record in the sentence ("exposure_claims.toml, claim 2").
    Returns ``record``.
    """
    optional = optional or {}
    missing = [name for name in required if name not in record]
    if missing:
        raise DataError(f"{where}: the field(s) {', '.join(missing)} are missing.")
    unknown = [name for name in record if name not in required and name not in optional]
    if unknown:
        raise DataError(f"{where}: unknown field(s) {', '.join(unknown)}; the fields are "
                        f"{', '.join(list(required) + list(optional))}.", hint="Check the spelling.")
    for name, kind in {**required, **optional}.items():
        if name in record and not _is_kind(record[name], kind):
            raise DataError(f"{where}: the field '{name}' should hold {KINDS[kind]}, not {record[name]!r}.")
    return record


def verdict_words(data: dict, where: str) -> dict:
    """The ``[verdicts]`` table of a content file: lower-case verdict words, each with its meaning."""
    words = data.get("verdicts")
    if not isinstance(words, dict) or not words:
        raise DataError(f"{where}: a [verdicts] table (verdict = \"what it means\") is missing.")
    for word, meaning in words.items():
        if word != word.strip().lower() or not _is_kind(meaning, "text"):
            raise DataError(f"{where}: the verdict {word!r} should be written in lower case and have a meaning.")
    return dict(words)


def verdict_key(path, section: str) -> VerdictKey:
    """Build the :class:`course.verdicts.VerdictKey` of exercise ``section`` of a TOML content file.

    The file has a ``[verdicts]`` table (word = meaning) and, for each
    exercise, a table with its salt ``name``, the feedback words (``item``,
    ``variable``, ``agreement``, ``hint``), the table ``columns`` (the first
    is the item id), ``[[section.items]]`` and a ``[section.key]`` of hashes.
    An optional ``[section.why]`` table holds, for an arguable item, the
    sealed note that says why it accepts more than one verdict: one hex
    string, or a list with one per accepted verdict, exactly as
    :meth:`course.verdicts.VerdictKey.seal_notes` writes them.
    """
    path = content_path(path)
    data = read_toml(path)
    if section not in data:
        raise DataError(f"{path.name} has no exercise called [{section}].")
    verdicts = verdict_words(data, path.name)
    where = f"{path.name}, [{section}]"
    exercise = check_record(data[section], where, {
        "name": "text", "item": "text", "variable": "text", "agreement": "text", "hint": "text",
        "columns": "texts", "items": "records", "key": "table"}, {"why": "table"})
    columns = exercise["columns"]
    rows = []
    for number, item in enumerate(exercise["items"], start=1):
        check_record(item, f"{where}, item {number}", {column: "text" for column in columns})
        rows.append(tuple(item[column] for column in columns))
    ids = [row[0] for row in rows]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise DataError(f"{where}: the item id(s) {', '.join(duplicated)} appear more than once.")
    key = exercise["key"]
    if list(key) != ids:
        raise DataError(f"{where}: the key must list the items in the same order as [[{section}.items]]; "
                        f"items: {', '.join(ids)}; key: {', '.join(key)}.")
    hashes = {}
    for item_id, stored in key.items():
        digests = [stored] if isinstance(stored, str) else stored
        if not isinstance(digests, list) or not digests or not all(
                isinstance(d, str) and _HASH.fullmatch(d) for d in digests):
            raise DataError(f"{where}: the key of {item_id} should be an 8-character hash, or a list of them, "
                            f"not {stored!r}.", hint="Write new hashes with VerdictKey.hashes_for.")
        hashes[item_id] = tuple(digests)
    notes = _sealed_notes(exercise.get("why", {}), hashes, where, section)
    return VerdictKey(name=exercise["name"], columns=tuple(columns), rows=tuple(rows), verdicts=verdicts,
                      answer_hashes=hashes, item=exercise["item"], variable=exercise["variable"],
                      agreement=exercise["agreement"], hint=exercise["hint"], notes=notes)


def _sealed_notes(why: dict, hashes: dict, where: str, section: str) -> dict:
    """The checked ``[section.why]`` table: ``{item_id: (sealed hex, ...)}``."""
    notes = {}
    for item_id, stored in why.items():
        if item_id not in hashes:
            raise DataError(f"{where}: [{section}.why] has a note for {item_id!r}, which is not an item of the "
                            f"exercise; the items are {', '.join(hashes)}.", hint="Check the spelling of the id.")
        sealed = [stored] if isinstance(stored, str) else stored
        if not isinstance(sealed, list) or not sealed or not all(
                isinstance(s, str) and _SEALED.fullmatch(s) and len(s) % 2 == 0 for s in sealed):
            raise DataError(f"{where}: the note of {item_id} in [{section}.why] should be a sealed note (a long "
                            f"hex string) or a list of them, not {_shorten(stored)}.",
                            hint="Write sealed notes with VerdictKey.seal_notes; never store the note as text.")
        if len(sealed) > len(hashes[item_id]):
            raise DataError(f"{where}: {item_id} has {len(sealed)} sealed notes in [{section}.why] but accepts "
                            f"only {len(hashes[item_id])} verdict(s); seal the note once per accepted verdict.")
        notes[item_id] = tuple(sealed)
    return notes


def _shorten(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


#: Columns of the published-estimates table and their kinds, for :func:`read_estimates`.
ESTIMATE_COLUMNS = {"source": "text", "outcome": "text", "comparison": "text", "scale": "text",
                    "estimate": "number", "ci_low": "number", "ci_high": "number", "certainty": "text"}
#: The scales an estimate may be on.
ESTIMATE_SCALES = ("SMD", "odds ratio")


def read_estimates(path):
    """A CSV of published effect estimates with 95 % CIs, checked row by row.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`ESTIMATE_COLUMNS`, in that order.
    """
    from ..data import read_table

    path = content_path(path)
    if not path.exists():
        raise DataError(f"The content file {path.name} is missing from {path.parent}.",
                        hint="Restore it from the course repository.")
    table = read_table(path, ESTIMATE_COLUMNS)[list(ESTIMATE_COLUMNS)]
    for line, row in enumerate(table.itertuples(), start=2):
        where = f"{path.name}, line {line}"
        if any(not str(getattr(row, c)).strip() for c, kind in ESTIMATE_COLUMNS.items() if kind == "text") \
                or table.loc[row.Index, ["estimate", "ci_low", "ci_high"]].isna().any():
            raise DataError(f"{where}: every column needs a value.")
        if row.scale not in ESTIMATE_SCALES:
            raise DataError(f"{where}: the scale should be one of {', '.join(ESTIMATE_SCALES)}, not {row.scale!r}.")
        if not row.ci_low <= row.estimate <= row.ci_high:
            raise DataError(f"{where}: the interval {row.ci_low:g} to {row.ci_high:g} should contain the estimate "
                            f"{row.estimate:g}.")
        if row.scale == "odds ratio" and row.ci_low <= 0:
            raise DataError(f"{where}: an odds ratio and its limits must be above zero.")
    return table
