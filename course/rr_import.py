"""Read the RR-interval files that heart-rate straps, watches and phone apps export.

One function, :func:`read_rr_export`, takes the bytes of an uploaded file
and either returns an :class:`RRImport` (the intervals in milliseconds, the
column and units it chose, the beats it flagged, and notes to show the
reader) or raises :class:`course.errors.DataError` with one sentence saying
why the file is not an RR series at all. The HRV lab calls it for every
upload; ``tests/test_rr_import.py`` runs it on a corpus of realistic exports
(``tests/fixtures/rr_exports/``).

What it accepts, and says it did:

* a column called ``RR``, ``rr_ms``, ``RR (ms)``, ``IBI``, ``nn_ms`` and the
  like, or the only numeric column, or a bare list with no header line; the
  choice of column is offered only when it is ambiguous;
* milliseconds or seconds (converted to milliseconds, and said so; the
  reader can override the units);
* commas, semicolons or tabs between columns, decimal commas, a byte-order
  mark, Windows line ends, UTF-8, Latin-1 or UTF-16 text (Excel's "Unicode
  Text"), and lines of text (device name, date) above the header;
* intervals that look like missed, extra or premature (ectopic) beats:
  these are **flagged, not refused** (lesson 3's local-median rule,
  :func:`course.artefacts.flag_artefacts`, plus the plausible range).

What it refuses, each with one sentence: an empty or binary file, heart
rates in beats per minute instead of intervals, blank, NaN, infinite, zero
or negative values, values that are neither milliseconds nor seconds, more
than :data:`MAX_INTERVALS` intervals (refused before parsing, so it is
fast), and recordings under :data:`MIN_DURATION_S` seconds (ultra-short).
Recordings under 5 minutes are read, with a note that ties back to lesson 1.

The course's usability rule: when more than :data:`USABLE_FLAGGED_PCT` % of
the intervals are flagged (and so would be corrected), do not interpret HRV
from the recording. This limit is the course's own teaching convention, not a
published standard: editing changes HRV values in ways that depend on the
method and the measure [@peltola2012], and no single published cut-off was
found.

References
----------
.. [1] Task Force of the ESC and NASPE (1996). Heart rate variability:
   standards of measurement, physiological interpretation and clinical use.
   *Circulation* 93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
   [@taskforce1996]
.. [2] Peltola MA (2012). Role of editing of R-R intervals in the analysis of
   heart rate variability. *Front Physiol* 3:148.
   doi:10.3389/fphys.2012.00148 [@peltola2012]
.. [3] Shaffer F, Meehan ZM, Zerr CL (2020). A critical review of
   ultra-short-term heart rate variability norms research. *Front Neurosci*
   14:594880. doi:10.3389/fnins.2020.594880 [@shaffer2020ultra]
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import artefacts
from .errors import DataError
from .i18n import N_, format_number, ntr, tr

#: Plausible adult RR intervals in milliseconds (240 down to 24 beats per minute).
PLAUSIBLE_MS = (250.0, 2500.0)
#: The same range in seconds: a column whose median lies here is read as seconds.
PLAUSIBLE_S = (0.25, 2.5)
#: A column whose median lies here looks like heart rate in beats per minute.
HEART_RATE_BPM = (25.0, 240.0)
#: Most intervals a file may hold (about two days at 70 beats a minute).
MAX_INTERVALS = 200_000
#: Largest file read at all, in bytes (a 200,000-line export with a few columns is far smaller).
MAX_BYTES = 20_000_000
#: Fewest intervals a file must hold.
MIN_INTERVALS = 10
#: Recordings shorter than this (seconds) are refused as ultra-short.
MIN_DURATION_S = 60.0
#: Standard length of a short-term recording (Task Force 1996); shorter ones get a note.
SHORT_TERM_S = 300.0
#: A recording within this many seconds of 5 minutes counts as 5 minutes.
SHORT_TERM_TOLERANCE_S = 10.0
#: The course's rule: more than this percentage flagged (corrected) and HRV is not interpreted.
USABLE_FLAGGED_PCT = 5.0
#: Premature-looking beats above this percentage of intervals (or :data:`ECTOPIC_MEDICAL_COUNT`) raise the medical note.
ECTOPIC_MEDICAL_PCT = 1.0
#: ... or at least this many premature-looking beats.
ECTOPIC_MEDICAL_COUNT = 10
#: Units the reader may choose: None (detect), "ms" or "s".
UNITS = {None: N_("detect automatically"), "ms": N_("milliseconds"), "s": N_("seconds")}

#: More than this percentage flagged counts as a very irregular trace (the course's own rule).
IRREGULAR_PCT = 15.0
#: The reminder shown with every uploaded file.
SAFETY_NOTE = N_("Education, not clinical advice: a very irregular trace, or palpitations, fainting or chest pain, "
                 "are for a doctor.")
#: The sentence shown whenever a recording looks medically irregular.
MEDICAL_NOTE = N_("A very irregular trace, or palpitations, fainting or chest pain, are for a doctor, not for this "
                  "lab. Frequent ectopic (premature) beats are a medical matter, not an artefact to tidy away. "
                  "This lab is education, not clinical advice.")

_RR_NAME = re.compile(r"(^|[^a-z])(rr|rri|ibi|nn|nni|interval|intervals|r-r|rr-interval)([^a-z]|$)", re.I)
_HR_NAME = re.compile(r"(^|[^a-z])(hr|bpm|heart ?rate|puls|pulse)([^a-z]|$)", re.I)
_TIME_NAME = re.compile(r"(^|[^a-z])(time|timestamp|date|clock|elapsed|tid|index|beat|no|nr|sample)([^a-z]|$)",
                        re.I)
_SHOW = 5


@dataclass
class RRImport:
    """An RR series read from an export, with what was decided and what the reader should be told.

    Attributes
    ----------
    rr_ms : numpy.ndarray
        The intervals in milliseconds, in file order, as read (not corrected).
    name : str
        The file's name (last part only).
    column : str
        The column used (``"column 1"`` etc. when the file has no header line).
    choices : list of str
        Columns the reader may choose from; more than one only when the choice was ambiguous.
    units : {"ms", "s"}
        The units the values were read in ("s" values were multiplied by 1000).
    units_detected : bool
        True when the units were detected, False when the reader set them.
    lines : numpy.ndarray
        The line of the file (as a text editor counts them) that each interval came from.
    flagged : numpy.ndarray of bool
        Intervals flagged as possible artefacts or ectopic beats.
    kinds : list of str
        For each interval: ``""`` (not flagged), ``"long"`` (possibly a missed beat),
        ``"premature"`` (short, then a long pause), ``"short"`` (possibly an extra beat) or
        ``"other"``.
    notes : list of str
        Plain sentences for the reader: what was detected, converted and flagged.
    """

    rr_ms: np.ndarray
    name: str
    column: str
    choices: list = field(default_factory=list)
    units: str = "ms"
    units_detected: bool = True
    lines: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=int))
    flagged: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))
    kinds: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        """True when the reader should be offered a choice of column."""
        return len(self.choices) > 1

    @property
    def duration_s(self) -> float:
        """Total duration of the intervals, in seconds."""
        return float(self.rr_ms.sum() / 1000.0)

    @property
    def n_flagged(self) -> int:
        """Number of flagged intervals."""
        return int(self.flagged.sum())

    @property
    def flagged_pct(self) -> float:
        """Flagged intervals as a percentage of all intervals."""
        return 100.0 * self.n_flagged / self.rr_ms.size

    @property
    def n_premature(self) -> int:
        """Number of intervals that look like premature (ectopic) beats."""
        return sum(kind == "premature" for kind in self.kinds)

    @property
    def usable(self) -> bool:
        """The course's rule: at most :data:`USABLE_FLAGGED_PCT` % of the intervals flagged."""
        return self.flagged_pct <= USABLE_FLAGGED_PCT

    @property
    def medical_flag(self) -> bool:
        """True when many beats look premature (ectopic) or the trace is very irregular: a matter for a doctor."""
        return (self.n_premature >= ECTOPIC_MEDICAL_COUNT or self.flagged_pct > IRREGULAR_PCT
                or 100.0 * self.n_premature / self.rr_ms.size > ECTOPIC_MEDICAL_PCT)

    def correction_note(self, method: str) -> str:
        """One sentence on what a correction method did and whether the recording is still usable.

        Parameters
        ----------
        method : {"none", "interpolate", "delete"}
            Lesson 3's choices: leave flagged intervals, interpolate them, or delete them.
        """
        n, pct = self.n_flagged, self.flagged_pct
        verdict = (tr("at most {limit:g} % flagged, so by the course's own rule (not a published "
                      "standard) the recording is still usable", limit=USABLE_FLAGGED_PCT) if self.usable else
                   tr("more than {limit:g} % flagged, so by the course's own rule (not a published "
                      "standard) do not interpret HRV from this recording, corrected or not", limit=USABLE_FLAGGED_PCT))
        if method == "interpolate":
            done = tr("{n} of {total} intervals ({pct:.1f} %) were corrected by interpolation", n=n,
                      total=self.rr_ms.size, pct=pct)
        elif method == "delete":
            done = tr("{n} of {total} intervals ({pct:.1f} %) were deleted", n=n, total=self.rr_ms.size, pct=pct)
        else:
            done = tr("{n} of {total} intervals ({pct:.1f} %) are flagged and left as they are", n=n,
                      total=self.rr_ms.size, pct=pct)
        return tr("{done}: {verdict}.", done=done, verdict=verdict)


def read_rr_export(raw, name: str = "upload.csv", *, column: str | None = None,
                   units: str | None = None, threshold: float = artefacts.DEFAULT_THRESHOLD) -> RRImport:
    """Read an exported file of RR intervals from its bytes; flag artefacts; explain every decision.

    Parameters
    ----------
    raw : bytes or memoryview
        The file's contents.
    name : str
        The file's name on the reader's computer; only its last part is used, in sentences.
    column : str, optional
        The column to use; None detects it (a likely name, else the only numeric column).
    units : {None, "ms", "s"}
        None detects milliseconds or seconds from the median; "ms" or "s" overrides that.
    threshold : float
        Lesson 3's local-median threshold for flagging (default 0.2).

    Returns
    -------
    RRImport
        The intervals in milliseconds with the decisions and notes.

    Raises
    ------
    course.errors.DataError
        With one sentence (and a hint) when the file is not an RR series the lab can use.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    .. [2] Peltola MA (2012). *Front Physiol* 3:148. doi:10.3389/fphys.2012.00148

    Examples
    --------
    >>> rr = read_rr_export(b"RR\\n" + b"\\n".join(b"0.8" for _ in range(100)), "watch.csv")
    >>> rr.units, float(rr.rr_ms[0]), rr.notes[1][:30]
    ('s', 800.0, 'Read as seconds and converted ')
    """
    name = Path(str(name or "")).name or "upload.csv"
    if units not in UNITS:
        raise DataError(tr("Units {units} are not an option; use None (detect), 'ms' or 's'.", units=repr(units)))
    raw = bytes(raw)
    _check_size_and_kind(raw, name)
    text, encoding_note = _decode(raw)
    text = text.replace("\ufeff", "")  # byte-order marks written twice, or in the middle of a joined file
    if not text.strip():
        raise DataError(tr("The file '{name}' is empty.", name=name),
                        hint=tr("Export the recording again; it should hold one RR interval per line."))
    table, header, first_line, preamble = _parse(text, name)
    preamble_note = (tr("Skipped {n} line(s) of text (such as the device's name or the date) above the header "
                        "on line {line}.", n=preamble, line=first_line - 1)
                     if preamble > 0 and header is not None else None)
    if preamble == -1:
        preamble_note = tr("The file holds all its numbers on one line; they were read as a list of intervals, "
                           "in order.")
    chosen, choices, column_note = _choose_column(table, header, column, name)
    values, lines = _column_values(table, chosen, first_line, name)
    values, used_units, units_note = _units(values, chosen, units, name)
    notes = [n for n in (encoding_note, preamble_note, column_note, units_note) if n]
    result = _with_flags(values, lines, name, chosen, choices, used_units, units is None, notes, threshold)
    return result


def try_read_rr_export(raw, name: str = "upload.csv", **options) -> tuple[RRImport | None, str | None]:
    """:func:`read_rr_export` that never raises: ``(result, None)`` or ``(None, sentence)``."""
    try:
        return read_rr_export(raw, name, **options), None
    except DataError as exc:
        return None, exc.message + (f" {exc.hint}" if exc.hint else "")
    except Exception as exc:  # pragma: no cover - anything unexpected still becomes a sentence
        shown = Path(str(name or "")).name or "upload.csv"
        return None, tr("The file '{name}' could not be read ({kind}: {error}). "
                        "Check that it is a CSV or text file of RR intervals.", name=shown, kind=type(exc).__name__,
                        error=str(exc))


def corrected(result: RRImport, method: str) -> np.ndarray:
    """The series after lesson 3's correction: ``"none"``, ``"interpolate"`` or ``"delete"``.

    Out-of-range intervals are flagged even when the local-median rule misses
    them, so the flags of :func:`read_rr_export` are used, not recomputed
    (:func:`course.artefacts.apply_correction`).
    """
    return artefacts.apply_correction(result.rr_ms, result.flagged, method, min_good=MIN_INTERVALS)


# --- steps, in the order they run -------------------------------------------------------


def _check_size_and_kind(raw: bytes, name: str) -> None:
    if not raw.strip():
        raise DataError(tr("The file '{name}' is empty.", name=name),
                        hint=tr("Export the recording again; it should hold one RR interval per line."))
    utf16 = raw[:2] in (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode Text": NUL bytes are expected
    if not utf16 and (raw[:4] == b"PK\x03\x04" or b"\x00" in raw[:4096] or raw[:5] == b"%PDF-"):
        raise DataError(tr("The file '{name}' is not a text file; it may be an Excel workbook, a PDF or "
                           "another binary format.", name=name),
                        hint=tr("Export the intervals as CSV or text (in Excel: File > Save As > CSV)."))
    sample = raw[:4096]
    control = sum(b < 9 or 13 < b < 32 for b in sample)
    if not utf16 and control > 0.05 * len(sample):
        raise DataError(tr("The file '{name}' is not a text file (it holds many control bytes).", name=name),
                        hint=tr("Export the intervals as CSV or text."))
    lines = max(raw.count(b"\n"), raw.count(b"\r")) + (0 if raw.endswith((b"\n", b"\r")) else 1)
    if len(raw) > MAX_BYTES or lines > MAX_INTERVALS + 1:  # + 1 for a header line
        raise DataError(tr("The file '{name}' is too large for the lab: it holds about {lines:,} lines "
                           "({mb:.1f} MB), more than the {most:,} intervals (about two days) "
                           "the lab reads.", name=name, lines=lines, mb=len(raw) / 1e6, most=MAX_INTERVALS),
                        hint=tr("Cut out the part you want to look at, for example 5 minutes at rest."))


def _decode(raw: bytes) -> tuple[str, str | None]:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return raw.decode("utf-16"), tr("The file is UTF-16 text (Excel's \"Unicode Text\"); it was read as such.")
        except UnicodeDecodeError:
            raise DataError(tr("The file starts like UTF-16 text but cannot be read as it."),
                            hint=tr("Save it again as CSV (UTF-8).")) from None
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return raw.decode("latin-1"), tr("The file is not UTF-8 text; it was read as Latin-1 (Western European).")


def _is_number(cell: str) -> bool:
    try:
        float(cell.strip().replace(",", "."))
        return True
    except ValueError:
        return False


def _layout(lines: list[str]) -> tuple[str, str]:
    """Separator and decimal mark, from the first lines."""
    head = lines[:20]
    for sep in (";", "\t"):
        if any(sep in line for line in head):
            return sep, ","
    decimal_comma = re.compile(r"\s*-?\d+,\d+\s*")
    data = head[1:] if head and not decimal_comma.fullmatch(head[0]) and "," not in head[0] else head
    if data and all(decimal_comma.fullmatch(line) for line in data if line.strip()):
        return "\n", ","  # one column with decimal commas ("0,812")
    if any("," in line for line in head):
        return ",", "."
    return "\n", "."


_NUMERIC_LINE = re.compile(r"[\d\s.,;:\t+\-TZeE/]*\d[\d\s.,;:\t+\-TZeE/]*")


def _preamble_length(lines: list[str]) -> int:
    """How many lines of text (device name, date, notes) come before the header line.

    The data start at the first line that holds only numbers, dates and
    separators; the line just before it is the header. Nothing is skipped
    when that leaves at most one line above the data.
    """
    for k, line in enumerate(lines[:60]):
        if _NUMERIC_LINE.fullmatch(line):
            header = k - 1
            while header >= 0 and not lines[header].strip():
                header -= 1
            return max(header, 0)
    return 0


def _parse(text: str, name: str):
    """(table of strings, header or None, line of the first data row, lines of text skipped or -1 for one line)."""
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    skipped = 0
    while lines and not lines[0].strip():
        lines.pop(0)
        skipped += 1
    one_line = len(lines) == 1 and len(re.findall(r"[,;\t ]+", lines[0].strip())) >= MIN_INTERVALS - 1
    if one_line:  # all the intervals on one line, e.g. "812, 830, 790, ..."
        sep = next((c for c in (";", "\t", ",") if c in lines[0]), None)
        lines = [cell.strip() for cell in (lines[0].split(sep) if sep else lines[0].split()) if cell.strip()]
    preamble = _preamble_length(lines)
    if preamble:
        lines = lines[preamble:]
        skipped += preamble
    sep, decimal = _layout(lines)
    body = "\n".join(lines)
    try:
        if sep == "\n":
            table = pd.read_csv(io.StringIO(body), header=None, dtype=str, skip_blank_lines=False,
                                names=["column 1"], sep="\x1f", engine="c", keep_default_na=False)
        else:
            table = pd.read_csv(io.StringIO(body), header=None, dtype=str, sep=sep, skip_blank_lines=False,
                                keep_default_na=False, engine="c")
    except pd.errors.EmptyDataError:
        raise DataError(tr("The file '{name}' holds no table of numbers.", name=name),
                        hint=tr("Export the recording again; it should hold one RR interval per line.")) from None
    except pd.errors.ParserError as exc:
        found = re.search(r"line (\d+)", str(exc))
        if found:
            message = tr("The file '{name}' could not be read as a table near line {line}: the lines do not all "
                         "have the same number of columns.", name=name, line=int(found.group(1)) + skipped)
        else:
            message = tr("The file '{name}' could not be read as a table: the lines do not all have the "
                         "same number of columns.", name=name)
        raise DataError(message, hint=tr("Open it in a text editor and check that line.")) from None
    table = table.apply(lambda col: col.str.strip())
    if decimal == ",":
        table = table.apply(lambda col: col.str.replace(",", ".", regex=False))
    first = [str(v) for v in table.iloc[0]]
    header = None
    if not all(_is_number(v) or not v for v in first) or all(not v for v in first):
        header = []
        for i, v in enumerate(first):  # blank names get a number; a repeated name gets "(2)", "(3)", ...
            label, n = v or f"column {i + 1}", 2
            while label in header:
                label, n = f"{v or f'column {i + 1}'} ({n})", n + 1
            header.append(label)
        table = table.iloc[1:]
    if header is None:
        table.columns = [f"column {i + 1}" for i in range(table.shape[1])] if sep != "\n" else ["column 1"]
    else:
        table.columns = header
    table = table.reset_index(drop=True)
    # drop columns that are entirely blank (a trailing separator on every line)
    table = table.loc[:, [(table[c] != "").any() for c in table.columns]]
    first_line = 1 + skipped + (1 if header is not None else 0)
    if table.empty or table.shape[1] == 0:
        raise DataError(tr("The file '{name}' has a header line but no data rows.", name=name),
                        hint=tr("Check that the export included the intervals, one per line below the header."))
    if len(table) > MAX_INTERVALS:
        raise DataError(tr("The file '{name}' holds {rows:,} rows, more than the {most:,} "
                           "intervals (about two days) the lab reads.", name=name, rows=len(table), most=MAX_INTERVALS),
                        hint=tr("Cut out the part you want to look at, for example 5 minutes at rest."))
    return table, header, first_line, (-1 if one_line else preamble)


def _numbers(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.where(series != ""), errors="coerce")


def _kind_of_column(name: str, values: pd.Series) -> str:
    """"rr", "hr", "time" or "other", from the name and then the values."""
    finite = values[np.isfinite(values)]
    if _RR_NAME.search(name.replace("_", " ")):
        return "rr"
    if _HR_NAME.search(name.replace("_", " ")):
        return "hr"
    if _TIME_NAME.search(name.replace("_", " ")):
        return "time"
    if finite.size > 3 and bool(np.all(np.diff(finite.to_numpy()) > 0)):
        return "time"  # strictly increasing: a clock or a counter, not intervals
    return "other"


def _choose_column(table: pd.DataFrame, header, column, name):
    columns = list(table.columns)
    numeric = {}
    for c in columns:
        values = _numbers(table[c])
        if values.notna().mean() >= 0.5:
            numeric[c] = values
    if column is not None:
        if column not in columns:
            found = ", ".join(repr(c) for c in columns)
            raise DataError(tr("The file '{name}' has no column called {column}. Columns found: {found}.",
                               name=name, column=repr(column), found=found),
                            hint=tr("Choose one of those in the Column menu."))
        rr_like = [c for c in numeric if _kind_of_column(c, numeric[c]) in ("rr", "other")]
        choices = rr_like if len(rr_like) > 1 else []
        note = tr("Read the intervals from the column {column}, as you chose.", column=repr(column))
        return column, (choices if column in choices else ([column] + choices if choices else [])), note
    if not numeric:
        found = ", ".join(repr(c) for c in columns)
        raise DataError(tr("The file '{name}' has no column of numbers (columns found: {found}), so it holds no "
                           "RR intervals.", name=name, found=found),
                        hint=tr("Export the RR or beat-to-beat intervals as CSV or text."))
    kinds = {c: _kind_of_column(c, v) for c, v in numeric.items()}
    named = [c for c in numeric if kinds[c] == "rr"]
    others = [c for c in numeric if kinds[c] == "other"]
    heart = [c for c in numeric if kinds[c] == "hr"]
    if len(named) == 1:
        return named[0], [], _column_note(header, named[0], tr("its name"))
    candidates = named or others
    if len(candidates) == 1:
        return candidates[0], [], _column_note(header, candidates[0], tr("the only column of intervals"))
    if not candidates and heart:
        median = float(np.nanmedian(numeric[heart[0]]))
        raise DataError(tr("The column {column} of '{name}' (median {median:g}) looks like heart rates in "
                           "beats per minute, not intervals between beats.", column=repr(heart[0]), name=name,
                           median=median),
                        hint=tr("HRV needs the RR (beat-to-beat) intervals; export those instead of heart rate."))
    if not candidates:
        columns = ", ".join(repr(c) for c in numeric)
        raise DataError(tr("The file '{name}' holds only clock times or counters "
                           "({columns}), not intervals between beats.", name=name,
                           columns=columns),
                        hint=tr("Export the RR (beat-to-beat) intervals."))
    # Ambiguous: take the column whose values look most like intervals, and offer the choice.
    def plausible_share(c):
        v = numeric[c].to_numpy()
        ms = np.mean((v >= PLAUSIBLE_MS[0]) & (v <= PLAUSIBLE_MS[1]))
        s = np.mean((v >= PLAUSIBLE_S[0]) & (v <= PLAUSIBLE_S[1]))
        return max(ms, s)
    best = max(candidates, key=plausible_share)
    listed = ", ".join(repr(c) for c in candidates)
    note = tr("The file has several columns that could hold the intervals ({listed}); the lab used {best}, whose "
              "values look most like intervals. Choose another in the Column menu if that is wrong.", listed=listed,
              best=repr(best))
    return best, candidates, note


def _column_note(header, column, why):
    if header is None:
        return tr("The file has no header line; its numbers were read as RR intervals.")
    return tr("Read the intervals from the column {column} ({why}).", column=repr(column), why=why)


def _quote_lines(lines, values=None) -> str:
    if values is None:
        shown = ", ".join(str(int(line)) for line in lines[:_SHOW])
    else:
        shown = ", ".join(tr("line {line}: {value}", line=int(line), value=value)
                          for line, value in zip(lines[:_SHOW], values[:_SHOW]))
    more = len(lines) - _SHOW
    return shown + (tr(" and {more} more", more=more) if more > 0 else "")


def _column_values(table, column, first_line, name):
    cells = table[column]
    lines = np.arange(first_line, first_line + len(cells))
    # blank lines at the very end or in a column that stops early: drop trailing blanks only
    keep = len(cells)
    while keep and cells.iloc[keep - 1] == "":
        keep -= 1
    cells, lines = cells.iloc[:keep], lines[:keep]
    values = _numbers(cells)
    text = cells.to_numpy()
    blank = np.flatnonzero(text == "")
    if blank.size:
        raise DataError(tr("The column {column} of '{name}' has {n} blank cell(s), at line(s) "
                           "{lines}: a gap in the beats cannot be filled in by guessing.", column=repr(column),
                           name=name, n=blank.size, lines=_quote_lines(lines[blank])),
                        hint=tr("Use a stretch of the recording without gaps, or delete those lines if you know "
                                "no beat is missing there."))
    bad = np.flatnonzero(values.isna().to_numpy() & ~np.isin(np.char.lower(text.astype(str)), ["nan", "na"]))
    if bad.size:
        raise DataError(tr("The column {column} of '{name}' has {n} value(s) that are not numbers: {quoted}.",
                           column=repr(column), name=name, n=bad.size,
                           quoted=_quote_lines(lines[bad], [repr(t) for t in text[bad]])),
                        hint=tr("Remove text, units such as 'ms' and notes from the column, leaving only numbers."))
    v = values.to_numpy(dtype=float)
    nonfinite = np.flatnonzero(~np.isfinite(v))
    if nonfinite.size:
        raise DataError(tr("The column {column} of '{name}' has {n} missing or infinite value(s) "
                           "(NaN or inf), at line(s) {lines}: a gap in the beats cannot be "
                           "filled in by guessing.", column=repr(column), name=name, n=nonfinite.size,
                           lines=_quote_lines(lines[nonfinite])),
                        hint=tr("Use a stretch of the recording without gaps."))
    negative = np.flatnonzero(v <= 0)
    if negative.size:
        raise DataError(tr("The column {column} of '{name}' has {n} value(s) that are zero or "
                           "negative ({quoted}), but an "
                           "interval between two heartbeats is always positive, so this is not an RR series.",
                           column=repr(column), name=name, n=negative.size,
                           quoted=_quote_lines(lines[negative], [format_number(x, "g") for x in v[negative]])),
                        hint=tr("Check that you exported the RR intervals, not their differences or a filtered "
                                "signal."))
    if v.size < MIN_INTERVALS:
        raise DataError(tr("The file '{name}' holds only {n} interval(s); at least {least} are needed.", name=name,
                           n=v.size, least=MIN_INTERVALS),
                        hint=tr("Use a longer recording (HRV is usually measured over 5 minutes or more)."))
    return v, lines


def _units(values, column, units, name):
    median = float(np.median(values))
    if units is None:
        if PLAUSIBLE_MS[0] <= median <= PLAUSIBLE_MS[1]:
            return values, "ms", None
        if PLAUSIBLE_S[0] <= median <= PLAUSIBLE_S[1]:
            return values * 1000.0, "s", tr("Read as seconds and converted to milliseconds (× 1000): the values in "
                                            "{column} have a median of {median:g}, which as milliseconds would "
                                            "be impossibly short. If they are not seconds, change Units.",
                                            column=repr(column), median=median)
        if HEART_RATE_BPM[0] <= median <= HEART_RATE_BPM[1]:
            raise DataError(tr("The values in {column} of '{name}' (median {median:g}) look like heart rates in "
                               "beats per minute, not intervals between beats.", column=repr(column), name=name,
                               median=median),
                            hint=tr("HRV needs the RR (beat-to-beat) intervals; export those instead of heart rate."))
        raise DataError(tr("The values in {column} of '{name}' have a median of {median:g}, which is neither "
                           "milliseconds ({ms_low:g}-{ms_high:g}) nor seconds "
                           "({s_low:g}-{s_high:g}) for intervals between heartbeats.", column=repr(column), name=name,
                           median=median, ms_low=PLAUSIBLE_MS[0], ms_high=PLAUSIBLE_MS[1], s_low=PLAUSIBLE_S[0],
                           s_high=PLAUSIBLE_S[1]),
                        hint=tr("Check that this column holds RR intervals."))
    ms = values * 1000.0 if units == "s" else values
    word = tr(UNITS[units])
    if units == "s":
        note = tr("Read as {word}, as you chose (converted to milliseconds, × 1000).", word=word)
    else:
        note = tr("Read as {word}, as you chose.", word=word)
    median_ms = float(np.median(ms))
    if not PLAUSIBLE_MS[0] <= median_ms <= PLAUSIBLE_MS[1]:
        raise DataError(tr("Read as {word}, the values in {column} of '{name}' have a median of {median:g} ms, "
                           "outside the plausible {low:g}-{high:g} ms for intervals between "
                           "heartbeats.", word=word, column=repr(column), name=name, median=median_ms,
                           low=PLAUSIBLE_MS[0], high=PLAUSIBLE_MS[1]),
                        hint=tr("Set Units back to 'detect automatically' or choose the other unit."))
    return ms, units, note


def classify(rr_ms, flagged) -> list[str]:
    """Name each flagged interval: "long" (possibly a missed beat), "premature", "short" (possibly extra) or "other".

    A premature (ectopic) beat shows as a short interval followed by a long one
    (the compensatory pause); a missed beat as one interval about twice the
    usual length; an extra beat as short intervals. These names are guesses
    for the reader, not diagnoses.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    rr = np.asarray(rr_ms, dtype=float)
    median = artefacts.local_median(rr, 4) if rr.size >= 3 else rr
    kinds = [""] * rr.size
    for i in np.flatnonzero(flagged):
        ratio = rr[i] / median[i]
        if ratio < 1 and i + 1 < rr.size and rr[i + 1] / median[i + 1] > 1.1:
            kinds[i] = "premature"
        elif ratio > 1 and i > 0 and kinds[i - 1] == "premature":
            kinds[i] = "pause"
        elif ratio >= 1.6:
            kinds[i] = "long"
        elif ratio < 1:
            kinds[i] = "short"
        else:
            kinds[i] = "other"
    return kinds


def _with_flags(values, lines, name, column, choices, units, detected, notes, threshold) -> RRImport:
    duration = float(values.sum() / 1000.0)
    if duration < MIN_DURATION_S:
        raise DataError(tr("The recording in '{name}' lasts only {duration:.0f} s; the lab needs at least "
                           "{least:.0f} s, because ultra-short readings are rarely shown to agree with "
                           "standard 5-minute values.", name=name, duration=duration, least=MIN_DURATION_S),
                        hint=tr("Record for at least 5 minutes, sitting or lying still."))
    low, high = PLAUSIBLE_MS
    outside = (values < low) | (values > high)
    if outside.mean() > 0.5:
        raise DataError(tr("More than half of the intervals in '{name}' lie outside {low:g}-{high:g} ms, so this is "
                           "not an RR series the lab can analyse.", name=name, low=low, high=high),
                        hint=tr("Check that you exported the RR intervals."))
    flagged = artefacts.flag_artefacts(values, threshold) | outside
    kinds = classify(values, flagged)
    result = RRImport(values, name, column, list(choices), units, detected, lines, flagged, kinds, list(notes))
    if duration < SHORT_TERM_S - SHORT_TERM_TOLERANCE_S:
        result.notes.append(tr("The recording lasts {minutes:.1f} minutes, less than the 5 minutes of a "
                               "standard short-term recording: it is analysed, but, as lesson 1 showed, its values "
                               "cannot be compared with 5-minute norms.", minutes=duration / 60))
    if outside.any():
        where = np.flatnonzero(outside)
        result.notes.append(tr("{n} interval(s) lie outside the plausible {low:g}-{high:g} ms "
                               "({quoted}); they are flagged, not refused.", n=where.size, low=low, high=high,
                               quoted=_quote_lines(lines[where], [format_number(values[i], "g") + " ms"
                                                                  for i in where])))
    if result.n_flagged:
        counts = {k: sum(1 for x in kinds if x == k) for k in ("long", "premature", "pause", "short", "other")}
        words = {"long": tr("possible missed beats (about twice the usual length or more)"),
                 "premature": tr("possible premature (ectopic) beats (a short interval, then a long pause)"),
                 "pause": tr("the long pauses after those"),
                 "short": tr("short intervals (possibly extra beats or noise)"),
                 "other": tr("large swings from their neighbours (these may be genuine)")}
        parts = [tr("{what}: {n}", what=words[k], n=n) for k, n in counts.items() if n]
        kinds_found = "; ".join(parts).capitalize()
        result.notes.append(tr("{n} of {total} intervals ({pct:.1f} %) are "
                               "flagged and circled on the tachogram. {kinds}. Look at the "
                               "trace: a flag is a question, not a verdict. Lesson 3's corrections (interpolate or "
                               "delete) are offered in the Flagged beats menu.", n=result.n_flagged, total=values.size,
                               pct=result.flagged_pct, kinds=kinds_found))
        result.notes.append(result.correction_note("none"))
    else:
        result.notes.append(tr("No interval is flagged by lesson 3's {pct:.0f} % rule; still look at the "
                               "trace.", pct=100 * threshold))
    if result.medical_flag:
        what = (ntr("{n} beat looks premature (ectopic)", "{n} beats look premature (ectopic)", result.n_premature)
                if result.n_premature
                else tr("{pct:.0f} % of the intervals are flagged: the trace is very irregular",
                        pct=result.flagged_pct))
        result.notes.append(tr("{what}. {note}", what=what, note=tr(MEDICAL_NOTE)))
    return result
