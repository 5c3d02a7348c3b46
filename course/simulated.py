"""One pattern for the course's SIMULATED datasets: declare once, write and load the same way.

Each simulator module (``autonomic``, ``cortisol``, ``dropout_sim``,
``practice_log``, ``trial_sim``) declares its file as a
:class:`SimulatedDataset` named ``DATASET``: the file name, the seed, the
columns and the kind of value each holds, the function that simulates the
table from the seed, the CSV formatting, and the checks every row must pass.
Everything else is shared:

* :meth:`SimulatedDataset.csv_text` turns the simulated table into the exact
  text of the file, so regenerating from the seed gives the same bytes;
* :meth:`SimulatedDataset.write` writes it (through :func:`write_dataset_text`);
* :meth:`SimulatedDataset.load` reads the file back and checks it, explaining
  any problem in one sentence that names the file and, where there is one,
  the line (the header is line 1).

Every simulated file has a ``simulated`` column that says ``True`` on every
row; the loader refuses a row that does not. ``python -m
course.publish.datasets`` regenerates every dataset in :data:`SIMULATORS`.
"""

from __future__ import annotations

import importlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import pandas as pd

from .data import read_table
from .errors import DataError
from .i18n import N_, format_number, tr
from .paths import datasets_dir

#: The modules that declare a simulated dataset, each as a module-level ``DATASET``.
SIMULATORS = ("course.autonomic", "course.cortisol", "course.dropout_sim", "course.practice_log", "course.trial_sim")

#: The command that regenerates every simulated dataset from its seed.
REGENERATE_COMMAND = "python -m course.publish.datasets"

#: Kinds of column a simulated dataset may declare, and what each holds.
KINDS = {
    "text": N_("text"),
    "integer": N_("whole numbers"),
    "integer or blank": N_("whole numbers or blanks"),
    "number": N_("numbers"),
    "flag": N_("True or False"),
}

#: The column every simulated dataset has, ``True`` on every row.
FLAG_COLUMN = "simulated"

_HINT_TEXT = N_("Regenerate the course's simulated files with `python -m course.publish.datasets` in a terminal, "
                "or restore the file from the course repository.")


def _hint() -> str:
    """The hint under every problem with a simulated file, in the current language."""
    return tr(_HINT_TEXT)
_READ_AS = {"text": "text", "integer": "integer", "integer or blank": "integer", "number": "number", "flag": "text"}


@dataclass(frozen=True)
class Check:
    """A rule every row of a simulated dataset must pass.

    Attributes
    ----------
    passes : callable
        Takes the loaded table and returns a boolean Series, True for rows
        that pass (a missing value counts as passing).
    explain : callable
        Takes one failing row (a Series) and says what is wrong with it, as
        a clause such as ``"rr_ms is -3; it must be greater than 0"``.
    """

    passes: Callable[[pd.DataFrame], pd.Series]
    explain: Callable[[pd.Series], str]


def _show(value) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float):
        return format_number(value, "g")
    return str(value)


def one_of(column: str, allowed, what: str | None = None) -> Check:
    """A check that every value of ``column`` is one of ``allowed`` (e.g. the known conditions)."""
    allowed = tuple(allowed)
    what = what or column
    return Check(lambda table: table[column].isin(allowed),
                 lambda row: tr("unknown {what} {value} (known: {allowed})", what=tr(what), value=_show(row[column]),
                                allowed=(", ".join(map(str, allowed)))))


def within(column: str, low, high, unit: str = "") -> Check:
    """A check that every value of ``column`` lies from ``low`` to ``high`` (inclusive); blanks pass."""
    unit_text = f" {unit}" if unit else ""
    return Check(lambda table: (table[column] >= low) & (table[column] <= high),
                 lambda row: tr("{column} is {value}; it must lie between {low} and {high}{unit_text}",
                                column=column, value=_show(row[column]), low=low, high=high, unit_text=unit_text))


def greater_than(column: str, bound, unit: str = "") -> Check:
    """A check that every value of ``column`` is greater than ``bound``; blanks pass."""
    unit_text = f" {unit}" if unit else ""
    return Check(lambda table: table[column] > bound,
                 lambda row: tr("{column} is {value}{unit_text}; it must be greater than {bound}{unit_text}",
                                column=column, value=_show(row[column]), unit_text=unit_text, bound=bound))


def at_least(column: str, bound, unit: str = "") -> Check:
    """A check that every value of ``column`` is at least ``bound``; blanks pass."""
    unit_text = f" {unit}" if unit else ""
    return Check(lambda table: table[column] >= bound,
                 lambda row: tr("{column} is {value}{unit_text}; it must be at least {bound}{unit_text}",
                                column=column, value=_show(row[column]), unit_text=unit_text, bound=bound))


def not_more_than(column: str, other: str) -> Check:
    """A check that ``column`` is never larger than ``other`` on the same row (e.g. dropouts and people)."""
    return Check(lambda table: table[column] <= table[other],
                 lambda row: tr("{column} is {value}, more than {other} ({other_value})",
                                column=column, value=_show(row[column]), other=other, other_value=_show(row[other])))


@dataclass(frozen=True, eq=False)
class SimulatedDataset:
    """The declaration of one SIMULATED data file in ``datasets/``.

    Attributes
    ----------
    file_name : str
        Name of the CSV file in the datasets folder, e.g. ``"hrv_sim_rr.csv"``.
    seed : int
        Seed of the committed file.
    columns : mapping of str to str
        The columns in file order, each with its kind (a key of :data:`KINDS`).
        One of them must be ``simulated``, of kind ``"flag"``.
    simulate : callable
        Called as ``simulate(seed=seed)``; returns a DataFrame with exactly
        these columns.
    float_format : str, optional
        Passed to :meth:`pandas.DataFrame.to_csv` (e.g. ``"%.3f"``); the
        rest of the format is fixed: UTF-8, a header line, no index, lines
        ending in ``\\n``, blanks for missing values.
    checks : tuple of Check
        Content checks beyond the column kinds (see :func:`one_of`,
        :func:`within`, :func:`greater_than`, :func:`at_least`,
        :func:`not_more_than`).
    """

    file_name: str
    seed: int
    columns: Mapping[str, str]
    simulate: Callable[..., pd.DataFrame]
    float_format: str | None = None
    checks: tuple[Check, ...] = ()

    def __post_init__(self):
        unknown = {name: kind for name, kind in self.columns.items() if kind not in KINDS}
        if unknown:
            raise ValueError(f"{self.file_name}: unknown column kind(s) {unknown}; use one of {', '.join(KINDS)}.")
        if self.columns.get(FLAG_COLUMN) != "flag":
            raise ValueError(f"{self.file_name}: a simulated dataset needs a '{FLAG_COLUMN}' column of kind 'flag'.")

    @property
    def column_names(self) -> list[str]:
        """The column names in file order."""
        return list(self.columns)

    @property
    def module(self) -> str:
        """The module that simulates this dataset, e.g. ``"course.autonomic"``."""
        return self.simulate.__module__

    def path(self, folder=None) -> Path:
        """Where the file lives: ``folder`` or, by default, the course's datasets folder."""
        return (Path(folder) if folder is not None else datasets_dir()) / self.file_name

    # --- writing -------------------------------------------------------------------

    def table(self, seed: int | None = None) -> pd.DataFrame:
        """Simulate the table from ``seed`` (default: :attr:`seed`), with the declared columns in order."""
        frame = self.simulate(seed=self.seed if seed is None else seed)
        if set(frame.columns) != set(self.columns):
            raise ValueError(f"{self.module} simulated the columns {list(frame.columns)}, "
                             f"but {self.file_name} declares {self.column_names}.")
        return frame[self.column_names]

    def csv_text(self, seed: int | None = None) -> str:
        """The exact text of the file simulated from ``seed`` (default: :attr:`seed`)."""
        buffer = io.StringIO()
        self.table(seed).to_csv(buffer, index=False, lineterminator="\n", float_format=self.float_format)
        return buffer.getvalue()

    def write(self, target_dir=None) -> Path:
        """Write the file simulated from :attr:`seed` into ``target_dir`` (default: datasets/); return its path."""
        return write_dataset_text(self.csv_text(), self.file_name, target_dir)

    # --- loading -------------------------------------------------------------------

    def load(self, path=None) -> pd.DataFrame:
        """Read the file and check it; explain any problem in one sentence.

        Parameters
        ----------
        path : str or pathlib.Path, optional
            Defaults to :attr:`file_name` in the datasets folder.

        Returns
        -------
        pandas.DataFrame
            The declared columns: ``"integer"`` as int64, ``"integer or
            blank"`` as pandas' nullable Int64 (blanks are ``<NA>``),
            ``"number"`` as float64, ``"flag"`` as bool, text as str.

        Raises
        ------
        course.errors.DataError
            If the file is missing or empty, lacks a column, has a cell of
            the wrong kind or a blank where one is not allowed, has a row not
            marked simulated, or fails one of :attr:`checks`. The message
            names the file and the line, with a hint to regenerate it.
        """
        path = self.path() if path is None else Path(path)
        if path.is_dir():
            raise DataError(tr("'{name}' is a folder, not the data file {file_name}.",
                               name=path.name, file_name=self.file_name), hint=_hint())
        if not path.is_file():
            raise DataError(tr("The file {name} is missing from {parent}.", name=path.name, parent=path.parent),
                            hint=_hint())
        if not path.read_bytes().strip():
            raise DataError(tr("The file {name} is empty.", name=path.name), hint=_hint())
        try:
            table = read_table(path, {name: _READ_AS[kind] for name, kind in self.columns.items()})
        except DataError as exc:
            raise DataError(exc.message, hint=_hint()) from None
        for name, kind in self.columns.items():
            if kind in ("integer", "number"):
                _no_blanks(table, name, kind, path.name)
        _every_row_simulated(table, path.name)
        for name, kind in self.columns.items():
            if kind == "integer":
                table[name] = table[name].astype("int64")
        for check in self.checks:
            failing = ~pd.Series(check.passes(table), index=table.index).fillna(True).astype(bool)
            if failing.any():
                first = failing.idxmax()
                raise DataError(tr("{name}, line {line}: {problem}.", name=path.name, line=_line(first),
                                   problem=check.explain(table.loc[first])), hint=_hint())
        return table


def _line(index) -> int:
    return int(index) + 2  # the header is line 1


def _no_blanks(table: pd.DataFrame, column: str, kind: str, name: str) -> None:
    blank = table[column].isna()
    if blank.any():
        raise DataError(tr("{name}, line {line}: column '{column}' is blank; it should hold {kind}.",
                           name=name, line=_line(blank.idxmax()), column=column, kind=tr(KINDS[kind])), hint=_hint())


def _every_row_simulated(table: pd.DataFrame, name: str) -> None:
    cells = table[FLAG_COLUMN].str.strip()
    unmarked = cells != "True"
    if unmarked.any():
        first = unmarked.idxmax()
        raise DataError(tr("{name}, line {line}: the row is not marked simulated ({flag} is {value!r}, "
                           "not 'True'); every row of the course's SIMULATED files says True.",
                           name=name, line=_line(first), flag=FLAG_COLUMN, value=cells[first]),
                        hint=_hint())
    table[FLAG_COLUMN] = True


def write_dataset_text(text: str, file_name: str, target_dir=None) -> Path:
    """Write a generated dataset's text to ``target_dir/file_name`` (default: the datasets folder).

    Generated datasets are rewritten byte for byte; this is the one place
    that writes them (UTF-8, lines as given, no newline translation).

    Parameters
    ----------
    text : str
        The whole file.
    file_name : str
        Name of the file, e.g. ``"cortisol_sim.csv"``.
    target_dir : str or pathlib.Path, optional
        Folder to write into (created if needed); defaults to the datasets folder.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    folder = Path(target_dir) if target_dir is not None else datasets_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def registered() -> list[SimulatedDataset]:
    """Every simulated dataset the course ships, in the order of :data:`SIMULATORS`."""
    return [importlib.import_module(name).DATASET for name in SIMULATORS]
