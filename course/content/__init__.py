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
from ..i18n import N_, tr
from ..verdicts import VerdictKey

#: The folder holding the content files.
CONTENT_DIR = Path(__file__).resolve().parent

#: What each kind of field must hold, in words for error messages.
KINDS = {
    "text": N_("a piece of text"),
    "number": N_("a number"),
    "flag": N_("true or false"),
    "texts": N_("a list of texts"),
    "table": N_("a table of named values"),
    "records": N_("a list of tables"),
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
        raise DataError(tr("The content file {name} is missing from {folder}.", name=path.name, folder=str(path.parent)),
                        hint=tr("Restore it from the course repository.")) from None
    except UnicodeDecodeError:
        raise DataError(tr("The content file {name} is not UTF-8 text.", name=path.name)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(tr("The content file {name} is not valid TOML: {error}.", name=path.name, error=str(exc)),
                        hint=tr("Look for a missing quote, bracket or comma at that line.")) from None
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
        missing = ", ".join(missing)
        raise DataError(tr("{where}: the field(s) {missing} are missing.", where=where, missing=missing))
    unknown = [name for name in record if name not in required and name not in optional]
    if unknown:
        unknown, fields = ", ".join(unknown), ", ".join(list(required) + list(optional))
        raise DataError(tr("{where}: unknown field(s) {unknown}; the fields are {fields}.", where=where,
                           unknown=unknown, fields=fields), hint=tr("Check the spelling."))
    for name, kind in {**required, **optional}.items():
        if name in record and not _is_kind(record[name], kind):
            raise DataError(tr("{where}: the field '{name}' should hold {kind}, not {value}.", where=where, name=name,
                               kind=tr(KINDS[kind]), value=repr(record[name])))
    return record


def verdict_words(data: dict, where: str) -> dict:
    """The ``[verdicts]`` table of a content file: lower-case verdict words, each with its meaning."""
    words = data.get("verdicts")
    if not isinstance(words, dict) or not words:
        raise DataError(tr("{where}: a [verdicts] table (verdict = \"what it means\") is missing.", where=where))
    for word, meaning in words.items():
        if word != word.strip().lower() or not _is_kind(meaning, "text"):
            raise DataError(tr("{where}: the verdict {word} should be written in lower case and have a meaning.",
                               where=where, word=repr(word)))
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
        raise DataError(tr("{name} has no exercise called [{section}].", name=path.name, section=section))
    verdicts = verdict_words(data, path.name)
    where = f"{path.name}, [{section}]"
    exercise = check_record(data[section], where, {
        "name": "text", "item": "text", "variable": "text", "agreement": "text", "hint": "text",
        "columns": "texts", "items": "records", "key": "table"}, {"why": "table"})
    columns = exercise["columns"]
    rows = []
    for number, item in enumerate(exercise["items"], start=1):
        check_record(item, tr("{where}, item {number}", where=where, number=number), {column: "text" for column in columns})
        rows.append(tuple(item[column] for column in columns))
    ids = [row[0] for row in rows]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        duplicated = ", ".join(duplicated)
        raise DataError(tr("{where}: the item id(s) {ids} appear more than once.", where=where, ids=duplicated))
    key = exercise["key"]
    if list(key) != ids:
        items, keys = ", ".join(ids), ", ".join(key)
        raise DataError(tr("{where}: the key must list the items in the same order as [[{section}.items]]; "
                           "items: {items}; key: {keys}.", where=where, section=section, items=items, keys=keys))
    hashes = {}
    for item_id, stored in key.items():
        digests = [stored] if isinstance(stored, str) else stored
        if not isinstance(digests, list) or not digests or not all(
                isinstance(d, str) and _HASH.fullmatch(d) for d in digests):
            raise DataError(tr("{where}: the key of {item} should be an 8-character hash, or a list of them, "
                               "not {value}.", where=where, item=item_id, value=repr(stored)),
                            hint=tr("Write new hashes with VerdictKey.hashes_for."))
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
            items = ", ".join(hashes)
            raise DataError(tr("{where}: [{section}.why] has a note for {item}, which is not an item of the "
                               "exercise; the items are {items}.", where=where, section=section, item=repr(item_id),
                               items=items), hint=tr("Check the spelling of the id."))
        sealed = [stored] if isinstance(stored, str) else stored
        if not isinstance(sealed, list) or not sealed or not all(
                isinstance(s, str) and _SEALED.fullmatch(s) and len(s) % 2 == 0 for s in sealed):
            raise DataError(tr("{where}: the note of {item} in [{section}.why] should be a sealed note (a long "
                               "hex string) or a list of them, not {value}.", where=where, item=item_id,
                               section=section, value=_shorten(stored)),
                            hint=tr("Write sealed notes with VerdictKey.seal_notes; never store the note as text."))
        if len(sealed) > len(hashes[item_id]):
            raise DataError(tr("{where}: {item} has {n} sealed notes in [{section}.why] but accepts "
                               "only {accepted} verdict(s); seal the note once per accepted verdict.", where=where,
                               item=item_id, n=len(sealed), section=section, accepted=len(hashes[item_id])))
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
        raise DataError(tr("The content file {name} is missing from {folder}.", name=path.name, folder=str(path.parent)),
                        hint=tr("Restore it from the course repository."))
    table = read_table(path, ESTIMATE_COLUMNS)[list(ESTIMATE_COLUMNS)]
    for line, row in enumerate(table.itertuples(), start=2):
        where = tr("{name}, line {line}", name=path.name, line=line)
        if any(not str(getattr(row, c)).strip() for c, kind in ESTIMATE_COLUMNS.items() if kind == "text") \
                or table.loc[row.Index, ["estimate", "ci_low", "ci_high"]].isna().any():
            raise DataError(tr("{where}: every column needs a value.", where=where))
        if row.scale not in ESTIMATE_SCALES:
            scales = ", ".join(ESTIMATE_SCALES)
            raise DataError(tr("{where}: the scale should be one of {scales}, not {value}.", where=where, scales=scales,
                               value=repr(row.scale)))
        if not row.ci_low <= row.estimate <= row.ci_high:
            raise DataError(tr("{where}: the interval {low:g} to {high:g} should contain the estimate "
                               "{estimate:g}.", where=where, low=row.ci_low, high=row.ci_high, estimate=row.estimate))
        if row.scale == "odds ratio" and row.ci_low <= 0:
            raise DataError(tr("{where}: an odds ratio and its limits must be above zero.", where=where))
    return table
