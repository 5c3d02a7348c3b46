"""Rebuild the course's NN-interval CSV files from the pyHRV sample files.

The two CSV files in ``datasets/`` are plain copies of two NumPy files
that ship inside the pyHRV 0.5.0 package (folder ``pyhrv/files``). This
script is the written record of how they were made; the course and its
tests never need to run it. Usage::

    python -m course.publish.datasets --from /path/to/pyhrv/files

The SHA-256 checksums of the source files are checked first, so the
script refuses to write anything from a different version of the files.

References
----------
.. [1] Gomes P (2018). pyHRV: Python toolbox for heart rate variability,
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

from ..errors import CourseError, DataError
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
    .. [1] Gomes P (2018). pyHRV 0.5.0. https://pypi.org/project/pyhrv/0.5.0/
    """
    values = np.asarray(nn_ms)
    if values.ndim != 1 or not np.all(np.isfinite(values)) or not np.all(values == np.round(values)):
        raise DataError("The NN intervals to write must be one series of whole milliseconds.")
    lines = ["beat,nn_ms"] + [f"{i},{int(v)}" for i, v in enumerate(values, start=1)]
    return "\n".join(lines) + "\n"


def write_nsrdb_csvs(source_dir, target_dir=None, *, verify: bool = True) -> list[Path]:
    """Write ``nsrdb_nn_5min.csv`` and ``nsrdb_nn_60min.csv`` from the pyHRV files.

    Parameters
    ----------
    source_dir : str or pathlib.Path
        The ``pyhrv/files`` folder holding ``SampleNNISeriesShort.npy`` and
        ``SampleNNISeriesLong.npy``.
    target_dir : str or pathlib.Path, optional
        Where to write the CSV files; defaults to the course's datasets folder.
    verify : bool, default True
        Refuse source files whose SHA-256 differs from pyHRV 0.5.0's.

    Returns
    -------
    list of pathlib.Path
        The CSV files written.

    Raises
    ------
    course.errors.DataError
        If the folder or a file is missing, or a checksum does not match.

    References
    ----------
    .. [1] Gomes P (2018). pyHRV 0.5.0. https://pypi.org/project/pyhrv/0.5.0/
    """
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise DataError(
            f"The folder '{source_dir}' does not exist.",
            hint="Point --from at the 'pyhrv/files' folder of an unpacked pyHRV 0.5.0 wheel.",
        )
    target_dir = Path(target_dir) if target_dir is not None else datasets_dir()
    arrays = {}
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
        arrays[csv_name] = np.load(source, allow_pickle=False)
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for csv_name, values in arrays.items():
        target = target_dir / csv_name
        target.write_text(nn_csv_text(values), encoding="utf-8", newline="")
        written.append(target)
    return written


def main(argv=None) -> int:
    """Run the command line: ``python -m course.publish.datasets --from FOLDER [--to FOLDER]``.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        0 when both files were written, 2 when a problem was found (the
        message goes to standard error).

    References
    ----------
    .. [1] Gomes P (2018). pyHRV 0.5.0. https://pypi.org/project/pyhrv/0.5.0/
    """
    parser = argparse.ArgumentParser(prog="python -m course.publish.datasets", description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", required=True, help="the pyhrv/files folder")
    parser.add_argument("--to", dest="target", default=None, help="output folder (default: datasets/)")
    args = parser.parse_args(argv)
    try:
        written = write_nsrdb_csvs(args.source, args.target)
    except CourseError as exc:
        print(f"make_datasets: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
