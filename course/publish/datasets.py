"""Regenerate the course's data files: every SIMULATED dataset from its seed, or the real NSRDB files.

Usage::

    python -m course.publish.datasets                 # rewrite every simulated dataset in datasets/
    python -m course.publish.datasets --check         # say which files differ; write nothing
    python -m course.publish.datasets --from FOLDER   # rebuild the two real NN-interval files

**Simulated datasets** (the default): every dataset declared with
:class:`course.simulated.SimulatedDataset` by a module in
:data:`course.simulated.SIMULATORS` is simulated from its seed and written
byte for byte. ``--check`` compares instead and exits with status 1 when a
file is missing or differs (for CI and maintainers).

**Real NN intervals** (``--from``): ``nsrdb_nn_5min.csv`` and
``nsrdb_nn_60min.csv`` are plain copies of two NumPy files that ship inside
the pyHRV 0.5.0 package (folder ``pyhrv/files``); this is the written record
of how they were made. The SHA-256 checksums of the source files are
checked first, so nothing is written from a different version of the files.

``--to FOLDER`` writes to (or, with ``--check``, compares with) another
folder instead of ``datasets/``.

References
----------
.. [1] Gomes P (2026). pyHRV: Python toolbox for heart rate variability,
   version 0.5.0 (BSD-3-Clause). https://pypi.org/project/pyhrv/0.5.0/
.. [2] Goldberger AL et al. (2000). PhysioBank, PhysioToolkit, and PhysioNet:
   components of a new research resource for complex physiologic signals.
   *Circulation* 101(23):e215-e220. doi:10.1161/01.CIR.101.23.e215
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

from .. import simulated
from ..errors import DataError, explained_on_the_command_line
from ..paths import datasets_dir

#: Source file in pyhrv/files -> (CSV written, SHA-256 of the pyHRV 0.5.0 file).
SOURCES = {
    "SampleNNISeriesShort.npy": (
        "nsrdb_nn_5min.csv",
        "5da9260d02171574cdb3865bf6298fe6069bfa2a4bfc8529a4dff8e524a32f76",
    ),
    "SampleNNISeriesLong.npy": (
        "nsrdb_nn_60min.csv",
        "819b269d6c7bad8a74e1e48e15d9ce73d650eb10e5a7008104d1a6e0d2608f34",
    ),
}


def nn_csv_text(nn_ms) -> str:
    """Format NN intervals as the course's CSV text.

    Parameters
    ----------
    nn_ms : array_like of int
        Whole-millisecond NN intervals.

    Returns
    -------
    str
        A header line ``beat,nn_ms`` and one line per interval, with
        ``beat`` counted from 1 and ``nn_ms`` in milliseconds; lines end
        with ``\\n``.

    References
    ----------
    .. [1] Gomes P (2026). pyHRV 0.5.0. https://pypi.org/project/pyhrv/0.5.0/
    """
    values = np.asarray(nn_ms)
    if values.ndim != 1 or not np.all(np.isfinite(values)) or not np.all(values == np.round(values)):
        raise DataError("The NN intervals to write must be one series of whole milliseconds.")
    lines = ["beat,nn_ms"] + [f"{i},{int(v)}" for i, v in enumerate(values, start=1)]
    return "\n".join(lines) + "\n"


def nsrdb_csv_texts(source_dir, *, verify: bool = True) -> dict[str, str]:
    """The text of ``nsrdb_nn_5min.csv`` and ``nsrdb_nn_60min.csv`` from the pyHRV files.

    Parameters
    ----------
    source_dir : str or pathlib.Path
        The ``pyhrv/files`` folder holding ``SampleNNISeriesShort.npy`` and
        ``SampleNNISeriesLong.npy``.
    verify : bool, default True
        Refuse source files whose SHA-256 differs from pyHRV 0.5.0's.

    Returns
    -------
    dict of str to str
        File name -> its text (see :func:`nn_csv_text`; intervals in ms).

    Raises
    ------
    course.errors.DataError
        If the folder or a file is missing, or a checksum does not match.

    References
    ----------
    .. [1] Gomes P (2026). pyHRV 0.5.0. https://pypi.org/project/pyhrv/0.5.0/
    """
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise DataError(
            f"The folder '{source_dir}' does not exist.",
            hint="Point --from at the 'pyhrv/files' folder of an unpacked pyHRV 0.5.0 wheel.",
        )
    texts = {}
    for source_name, (csv_name, expected) in SOURCES.items():
        source = source_dir / source_name
        if not source.is_file():
            raise DataError(
                f"'{source_name}' is missing from '{source_dir}'.",
                hint="Point --from at the 'pyhrv/files' folder of an unpacked pyHRV 0.5.0 wheel.",
            )
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        if verify and digest != expected:
            raise DataError(
                f"'{source_name}' is not the pyHRV 0.5.0 file (SHA-256 {digest}, expected {expected}).",
                hint="Use the files from pyHRV 0.5.0, which the datasheet describes.",
            )
        texts[csv_name] = nn_csv_text(np.load(source, allow_pickle=False))
    return texts


def write_nsrdb_csvs(source_dir, target_dir=None, *, verify: bool = True) -> list[Path]:
    """Write ``nsrdb_nn_5min.csv`` and ``nsrdb_nn_60min.csv`` made by :func:`nsrdb_csv_texts`.

    Nothing is written unless both source files pass its checks (which
    raise :class:`course.errors.DataError`).

    Parameters
    ----------
    source_dir, verify
        As for :func:`nsrdb_csv_texts`.
    target_dir : str or pathlib.Path, optional
        Where to write the CSV files; defaults to the course's datasets folder.

    Returns
    -------
    list of pathlib.Path
        The CSV files written.

    References
    ----------
    .. [1] Gomes P (2026). pyHRV 0.5.0. https://pypi.org/project/pyhrv/0.5.0/
    """
    texts = nsrdb_csv_texts(source_dir, verify=verify)
    return [simulated.write_dataset_text(text, name, target_dir) for name, text in texts.items()]


def simulated_csv_texts() -> dict[str, str]:
    """File name -> text of every registered SIMULATED dataset, regenerated from its seed."""
    return {dataset.file_name: dataset.csv_text() for dataset in simulated.registered()}


def differing_files(texts: dict[str, str], folder=None) -> list[str]:
    """The names among ``texts`` whose file in ``folder`` (default: datasets/) is missing or not byte-identical."""
    folder = Path(folder) if folder is not None else datasets_dir()
    return [name for name, text in texts.items()
            if not (folder / name).is_file() or (folder / name).read_bytes() != text.encode("utf-8")]


@explained_on_the_command_line
def main(argv=None) -> int:
    """Run the command line (see the module docstring for the options).

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        0 when the files were written (or, with ``--check``, are all
        identical); 1 when a file differs under ``--check`` or a problem was
        found (a one-sentence message goes to standard error).
    """
    parser = argparse.ArgumentParser(prog="python -m course.publish.datasets", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="report which files are missing or differ from their regeneration; write nothing")
    parser.add_argument("--from", dest="source", default=None, metavar="FOLDER",
                        help="rebuild the real NSRDB files from this pyhrv/files folder instead of the simulated ones")
    parser.add_argument("--to", dest="target", default=None, metavar="FOLDER",
                        help="folder to write to or compare with (default: datasets/)")
    args = parser.parse_args(argv)
    folder = Path(args.target) if args.target is not None else datasets_dir()
    texts = nsrdb_csv_texts(args.source) if args.source is not None else simulated_csv_texts()
    differ = differing_files(texts, folder)
    if args.check:
        for name in texts:
            state = ("MISSING" if not (folder / name).is_file() else "DIFFERS") if name in differ else "identical"
            print(f"{state:9}  {folder / name}")
        if differ:
            print(f"{len(differ)} of {len(texts)} file(s) differ from their regeneration; "
                  "run python -m course.publish.datasets"
                  f"{' --from FOLDER' if args.source else ''} to rewrite them.", file=sys.stderr)
            return 1
        return 0
    for name, text in texts.items():
        if name in differ:
            print(f"wrote      {simulated.write_dataset_text(text, name, folder)}")
        else:
            print(f"unchanged  {folder / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
