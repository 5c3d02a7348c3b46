"""Read NN-interval files and check them before any analysis.

A trainee who opens a file exported from a heart-rate monitor or from
Excel should learn what is wrong with it in one sentence, with the line
numbers they will see in a text editor (the header is line 1). Every
problem raises :class:`course.errors.DataError`; nothing is silently fixed.

Semicolon-separated files with decimal commas (what Excel writes when the
computer's language is Norwegian, for example) are read as they are. The
same strict checks can be run on a file's bytes (:func:`read_nn_csv_bytes`;
:func:`problem_sentence` turns its error into one line).

The HRV lab does not use these strict readers for uploads any more: it reads
real exports from straps, watches and apps with
:func:`course.rr_import.read_rr_export`, which detects the column and the
units, says what it converted, and flags likely missed or premature beats
instead of refusing the file. The readers here stay strict because they
check the course's own files, where any surprise is an error.

References
----------
.. [1] Task Force of the European Society of Cardiology and the North American
   Society of Pacing and Electrophysiology (1996). Heart rate variability:
   standards of measurement, physiological interpretation and clinical use.
   *Circulation* 93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
.. [2] Goldberger AL et al. (2000). PhysioBank, PhysioToolkit, and PhysioNet:
   components of a new research resource for complex physiologic signals.
   *Circulation* 101(23):e215-e220. doi:10.1161/01.CIR.101.23.e215
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import numpy as np

from course.errors import DataError
from course.i18n import N_, format_number, tr
from course.paths import datasets_dir

#: Plausible adult NN intervals in milliseconds (240 down to 24 beats per minute).
PLAUSIBLE_NN_MS = (250.0, 2500.0)
#: Fewest intervals a file must hold.
MIN_INTERVALS = 10
#: A median below this many "milliseconds" means the file is in seconds.
SECONDS_MEDIAN_LIMIT = 10.0
#: The shipped recordings, by the name passed to :func:`load_nsrdb_nn`.
NSRDB_FILES = {"5min": "nsrdb_nn_5min.csv", "60min": "nsrdb_nn_60min.csv"}

#: Hints for a missing column, written for code: (with a suggested column, without one).
CODE_COLUMN_HINTS = (
    N_("Use read_nn_csv(path, column={suggestion!r})."),
    N_("Pass the name of the column that holds the intervals in milliseconds, for example "
       "read_nn_csv(path, column='RR')."),
)
_SHOW = 5  # how many bad rows to quote in a message
_LIKELY_NAME = re.compile(r"(^|[^a-z])(rr|rri|ibi|nn|nni|interval|intervals)([^a-z]|$)", re.IGNORECASE)


def read_nn_csv(path, column: str = "nn_ms") -> np.ndarray:
    """Read one column of NN intervals (milliseconds) from a CSV file.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file. The first line must hold the column names. Commas,
        semicolons or tabs may separate the columns; with semicolons or tabs
        a decimal comma (``812,5``) is accepted.
    column : str, default "nn_ms"
        Name of the column holding the intervals, in milliseconds.

    Returns
    -------
    numpy.ndarray
        The intervals as a 1-D float64 array, in milliseconds, in file order.

    Raises
    ------
    course.errors.DataError
        If the file is missing, empty, not a readable table, lacks the
        column, has blank or non-numeric cells, seems to be in seconds, has
        intervals outside 250-2500 ms, or holds fewer than 10 intervals.
        The message names the file and the line numbers as seen in a text
        editor (the header is line 1).

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    path = Path(path)
    return _nn_from_bytes(_read_bytes(path), path.name, column, CODE_COLUMN_HINTS)


def load_nsrdb_nn(length: str = "5min") -> np.ndarray:
    """Load one of the course's real NN-interval recordings.

    Both series come from the MIT-BIH Normal Sinus Rhythm Database on
    PhysioNet, as shipped with pyHRV 0.5.0; see ``datasets/nsrdb_nn.md``.

    Parameters
    ----------
    length : {"5min", "60min"}
        ``"5min"``: 337 intervals (about 5 minutes); ``"60min"``: 4,684
        intervals (about 60 minutes).

    Returns
    -------
    numpy.ndarray
        NN intervals in milliseconds (float64).

    Raises
    ------
    course.errors.DataError
        If ``length`` is not one of the options, or the file fails the
        checks of :func:`read_nn_csv`.

    References
    ----------
    .. [1] Goldberger AL et al. (2000). PhysioBank, PhysioToolkit, and
       PhysioNet. *Circulation* 101(23):e215-e220.
       doi:10.1161/01.CIR.101.23.e215
    .. [2] Gomes P (2026). pyHRV: Python toolbox for heart rate variability,
       version 0.5.0. https://pypi.org/project/pyhrv/0.5.0/
    """
    if length not in NSRDB_FILES:
        options = ", ".join(repr(key) for key in NSRDB_FILES)
        raise DataError(
            tr("There is no recording called {length}; the options are {options}.", length=repr(length),
               options=options),
            hint=tr('For example load_nsrdb_nn("5min").'),
        )
    return read_nn_csv(datasets_dir() / NSRDB_FILES[length])


# --- a file uploaded in a notebook (the HRV lab) ----------------------------------


def read_nn_csv_bytes(content, filename: str = "upload.csv", column: str = "nn_ms", *,
                      column_hints: tuple[str, str] = CODE_COLUMN_HINTS) -> np.ndarray:
    """Read NN intervals (milliseconds) from the bytes of a CSV file, with the checks of :func:`read_nn_csv`.

    Parameters
    ----------
    content : bytes or memoryview
        The file's contents.
    filename : str
        The name the file had on the learner's computer; only its last part
        is used, in the messages.
    column : str
        Name of the column holding the intervals, in milliseconds.
    column_hints : (str, str)
        How a missing column's hint tells the reader to name another one
        (default :data:`CODE_COLUMN_HINTS`, for code).

    Returns
    -------
    numpy.ndarray
        The intervals as a 1-D float64 array, in milliseconds, in file order.

    Raises
    ------
    course.errors.DataError
        Whatever :func:`read_nn_csv` would find wrong with the same file.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    name = Path(str(filename or "")).name or "upload.csv"
    return _nn_from_bytes(bytes(content), name, column or "nn_ms", column_hints)


def problem_sentence(exc: DataError) -> str:
    """A :class:`~course.errors.DataError` as one line for a widget: its message, then its hint."""
    return exc.message + (f" {exc.hint}" if exc.hint else "")


def upload_contents(value) -> tuple[bytes, str] | None:
    """The file in an ipywidgets ``FileUpload.value``.

    Parameters
    ----------
    value : tuple or dict
        ``FileUpload.value``: a tuple of dicts (ipywidgets 8) or a dict by
        file name (ipywidgets 7).

    Returns
    -------
    (bytes, str) or None
        The last file's contents and name, or None when nothing is uploaded.
    """
    if not value:
        return None
    if isinstance(value, dict):  # ipywidgets 7: {name: {"metadata": ..., "content": ...}}
        name, item = next(iter(value.items()))
        return bytes(item["content"]), item.get("metadata", {}).get("name", name)
    item = value[-1]  # ipywidgets 8: a tuple of dicts
    return bytes(item["content"]), item.get("name", "upload.csv")


# --- steps of read_nn_csv, in the order they run --------------------------------


def _read_bytes(path: Path) -> bytes:
    name = path.name
    if not path.exists():
        raise DataError(
            tr("The file '{name}' does not exist (looked for {path}).", name=name, path=str(path.resolve())),
            hint=tr("Check the spelling and the folder; in Jupyter the path is relative to the notebook's folder."),
        )
    if path.is_dir():
        raise DataError(tr("'{name}' is a folder, not a file.", name=name),
                        hint=tr("Give the path to the CSV file inside it."))
    return path.read_bytes()


def _nn_from_bytes(raw: bytes, name: str, column: str, column_hints: tuple[str, str]) -> np.ndarray:
    text = _decode(raw, name)
    delimiter = _guess_delimiter(text)
    header, rows = _parse_rows(text, delimiter, name)
    cells = _column_cells(header, rows, column, delimiter, name, column_hints)
    values = _to_numbers(cells, column, delimiter, name)
    _check_values(values, [line for line, _ in cells], column, name)
    return values


def _decode(raw: bytes, name: str) -> str:
    if not raw.strip():
        raise DataError(
            tr("The file '{name}' is empty.", name=name),
            hint=tr("Export the data again; the file should start with a header line such as 'nn_ms'."),
        )
    if b"\x00" in raw[:4096] or raw[:4] == b"PK\x03\x04":
        raise DataError(
            tr("The file '{name}' is not a text (CSV) file; it may be an Excel workbook or another binary format.",
               name=name),
            hint=tr("In Excel choose File > Save As > CSV, then read the .csv file."),
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(  # pragma: no cover - cp1252 fails only on a handful of bytes
        tr("The file '{name}' uses a text encoding the course cannot read.", name=name),
        hint=tr("Save it again as 'CSV UTF-8'."),
    )


def _guess_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _parse_rows(text: str, delimiter: str, name: str):
    """Return the header and a list of (line number, fields) for data rows."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        header = [cell.strip() for cell in next(reader)]
        for fields in reader:
            rows.append((reader.line_num, fields))
    except csv.Error as exc:
        raise DataError(
            tr("The file '{name}' could not be read as a table near line {line} ({error}).", name=name,
               line=reader.line_num, error=str(exc)),
            hint=tr("Open it in a text editor and look for stray quotation marks on that line."),
        ) from None
    # Blank lines at the very end are harmless; drop them.
    while rows and not "".join(rows[-1][1]).strip():
        rows.pop()
    if not rows:
        raise DataError(
            tr("The file '{name}' has a header line but no data rows.", name=name),
            hint=tr("Check that the export included the intervals, one per line below the header."),
        )
    wrong = [(line, len(fields)) for line, fields in rows if fields and len(fields) != len(header)]
    if wrong:
        line, count = wrong[0]
        hint = tr("Every line needs the same number of separators as the header.")
        if delimiter == "," and count > len(header):
            hint = tr(
                "If the numbers use a decimal comma (`812,5`), save the file with semicolons between "
                "columns (Excel's 'CSV (semicolon separated)') or use decimal points."
            )
        raise DataError(
            tr("The file '{name}' could not be read as a table: line {line} has {count} field(s) "
               "but the header (line 1) has {header}.", name=name, line=line, count=count, header=len(header)),
            hint=hint,
        )
    return header, rows


def _looks_numeric(text: str, delimiter: str) -> bool:
    return _parse_number(text, delimiter) is not None


def _parse_number(text: str, delimiter: str):
    cleaned = text.strip()
    if delimiter != ",":
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _column_cells(header, rows, column, delimiter, name, column_hints=CODE_COLUMN_HINTS):
    """Return [(line number, cell text)] for the requested column."""
    if column in header:
        position = header.index(column)
        return [(line, fields[position] if fields else "") for line, fields in rows]
    found = ", ".join(repr(h) for h in header)
    if all(_looks_numeric(h, delimiter) for h in header):
        raise DataError(
            tr("The file '{name}' has no column called {column}: its first line holds numbers "
               "({found}), so it seems to have no header line.", name=name, column=repr(column), found=found),
            hint=tr("Add a first line with the column name, for example '{column}'.", column=column),
        )
    suggestion = _suggest_column(header, rows, column, delimiter)
    with_suggestion, without = column_hints
    hint = tr(with_suggestion, suggestion=suggestion) if suggestion else tr(without)
    raise DataError(tr("The file '{name}' has no column called {column}. Columns found: {found}.", name=name,
                       column=repr(column), found=found), hint=hint)


def _suggest_column(header, rows, column, delimiter):
    for h in header:
        if h.lower() == column.lower():
            return h
    named = [h for h in header if _LIKELY_NAME.search(h.replace("_", " "))]
    if len(named) == 1:
        return named[0]
    numeric = []
    for i, h in enumerate(header):
        cells = [fields[i] for _, fields in rows if len(fields) > i and fields[i].strip()]
        if cells and all(_looks_numeric(c, delimiter) for c in cells):
            numeric.append(h)
    if len(numeric) == 1:
        return numeric[0]
    return None


def _quote(pairs) -> str:
    shown = ", ".join(tr("line {line}: {value}", line=line, value=repr(value)) for line, value in pairs[:_SHOW])
    more = len(pairs) - _SHOW
    return shown + (tr(" and {more} more", more=more) if more > 0 else "")


def _to_numbers(cells, column, delimiter, name) -> np.ndarray:
    blank = [(line, text) for line, text in cells if not text.strip()]
    if blank:
        lines = ", ".join(str(line) for line, _ in blank[:_SHOW])
        more = tr(" and {more} more", more=len(blank) - _SHOW) if len(blank) > _SHOW else ""
        raise DataError(
            tr("The file '{name}' has {n} blank cell(s) in column {column}, at line(s) {lines}{more}.", name=name,
               n=len(blank), column=repr(column), lines=lines, more=more),
            hint=tr("Delete those lines or fill them in; a missing beat cannot be guessed."),
        )
    values = [_parse_number(text, delimiter) for _, text in cells]
    bad = [(line, text) for (line, text), value in zip(cells, values) if value is None]
    if bad:
        hint = tr("Remove text, units such as 'ms' and notes from the column, leaving only numbers.")
        if delimiter == "," and any("," in text for _, text in bad):
            hint = tr("Decimal commas need semicolons between columns; otherwise use decimal points.")
        raise DataError(
            tr("The file '{name}' has {n} value(s) in column {column} that are not numbers: {quoted}.", name=name,
               n=len(bad), column=repr(column), quoted=_quote(bad)),
            hint=hint,
        )
    return np.asarray(values, dtype=float)


def _check_values(values: np.ndarray, lines, column, name) -> None:
    if values.size < MIN_INTERVALS:
        raise DataError(
            tr("The file '{name}' holds only {n} interval(s); at least {least} are needed.", name=name,
               n=values.size, least=MIN_INTERVALS),
            hint=tr("Use a longer recording (HRV is usually measured over 5 minutes or more)."),
        )
    median = float(np.median(values))
    if median < SECONDS_MEDIAN_LIMIT:
        raise DataError(
            tr("The values in column {column} of '{name}' have a median of {median:g}: "
               "these look like seconds; multiply by 1000 to get milliseconds.", column=repr(column), name=name,
               median=median),
            hint=tr("The course never converts units silently; convert the column (values * 1000) and check it."),
        )
    low, high = PLAUSIBLE_NN_MS
    outside = [(line, _format_ms(v)) for line, v in zip(lines, values) if not low <= v <= high]
    if outside:
        shown = ", ".join(tr("line {line}: {value}", line=line, value=v) for line, v in outside[:_SHOW])
        more = tr(" and {more} more", more=len(outside) - _SHOW) if len(outside) > _SHOW else ""
        raise DataError(
            tr("The file '{name}' has {n} interval(s) outside {low:g}-{high:g} ms, "
               "the plausible range for adult NN intervals: {shown}{more}.", name=name, n=len(outside), low=low,
               high=high, shown=shown, more=more),
            hint=tr("These are often missed or extra beats; correct or remove them before computing HRV."),
        )


def _format_ms(value: float) -> str:
    return format_number(value, "g") + " ms"


# --- small published tables ------------------------------------------------------

_KINDS = {"text": N_("text"), "integer": N_("whole numbers"), "number": N_("numbers")}


def read_table(path, columns: dict[str, str]):
    """Read a small CSV table and check it has ``columns`` of the stated kinds.

    ``columns`` maps each required column to ``"text"``, ``"integer"`` or
    ``"number"``; blank cells are allowed (missing values) in numeric columns.
    Problems raise :class:`course.errors.DataError` naming the file, the
    column and the first offending line.
    """
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise DataError(tr("The file {name} is missing from {folder}.", name=path.name, folder=str(path.parent)),
                        hint=tr("Restore it from the course repository (git checkout -- datasets/)."))
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise DataError(tr("The file '{name}' is empty.", name=path.name),
                        hint=tr("Restore it from the course repository (git checkout -- datasets/).")) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(tr("{name} could not be read as a CSV table: {error}", name=path.name, error=str(exc))) from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        missing, present = ", ".join(missing), ", ".join(table.columns)
        raise DataError(tr("{name} lacks the column(s) {missing}; it has {present}.", name=path.name,
                           missing=missing, present=present))
    for column, kind in columns.items():
        if kind == "text":
            continue
        cells = table[column].str.strip()
        numbers = pd.to_numeric(cells.where(cells != ""), errors="coerce")
        bad = cells[(cells != "") & numbers.isna()]
        if kind == "integer":
            bad = pd.concat([bad, cells[numbers.notna() & (numbers % 1 != 0)]])
        if len(bad):
            line = int(bad.index[0]) + 2  # header is line 1
            raise DataError(tr("{name}, line {line}: column '{column}' should hold {kind}, not {value}.",
                               name=path.name, line=line, column=column, kind=tr(_KINDS[kind]),
                               value=repr(bad.iloc[0])))
        table[column] = numbers.astype("Int64") if kind == "integer" else numbers.astype(float)
    return table
