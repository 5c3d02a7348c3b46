"""Optional, online only: arm-level completion data from the PTSD-Repository (Metapsy format).

The course does **not** ship a copy of this dataset. A learner who wants to
look at real trial arms can call :func:`download_arm_level_data`, which
fetches the public CSV from the Metapsy project's GitHub release, prints
the attribution the licence asks for, and returns a table. Without a
network connection it raises :class:`course.errors.DataError` with one
sentence saying why, and the lesson works without it.

The file is semicolon-separated with decimal commas and ``NA`` for missing
values; ``percent_completed`` is a proportion (0-1) "as defined by the
completion definition" of each trial, and it is coded only for the active
arm (arm 1) of some comparisons.

References
----------
National Center for PTSD (PTSD-Repository) and the Metapsy project (2023).
data-ptsd-psyctr, version 23.0.3. doi:10.5281/zenodo.10027042.
Open Data Commons Attribution License (ODC-By) 1.0. [@ptsdrepository2023]
"""

from __future__ import annotations

import http.client
import io
import urllib.error
import urllib.request

import pandas as pd

from .errors import DataError
from .i18n import N_, tr

#: The public file, pinned to release 23.0.3 (commit 18e03cb) of metapsy-project/data-ptsd-psyctr.
DEFAULT_URL = "https://raw.githubusercontent.com/metapsy-project/data-ptsd-psyctr/23.0.3/data.csv"
TIMEOUT_S = 5.0
ATTRIBUTION = N_(
    "Data: PTSD-Repository, National Center for PTSD (U.S. Department of Veterans Affairs), in the format of "
    "the Metapsy project (metapsy-project/data-ptsd-psyctr, version 23.0.3), doi:10.5281/zenodo.10027042. "
    "Licence: Open Data Commons Attribution License (ODC-By) 1.0; cite the dataset when you use it."
)
OFFLINE_MESSAGE = N_(
    "The PTSD-Repository file could not be downloaded ({reason}), probably because this computer is offline "
    "or the address is blocked; this extension is optional and the lesson works fully without it."
)
#: Columns the arm-level summary needs (Metapsy names).
REQUIRED_COLUMNS = ["study", "condition_arm1", "n_randomized_arm1", "percent_completed"]
OPTIONAL_COLUMNS = ["multi_arm1", "condition_arm1.psychotherapy_subclass", "format", "military_status",
                    "def_treatment_completion"]


def _fetch(url: str, timeout: float) -> bytes:
    """The raw bytes at ``url`` (network access; replaced by a fake in the tests)."""
    request = urllib.request.Request(url, headers={"User-Agent": "clinician-course (optional download)"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (fixed https URL)
        return response.read()


def parse_metapsy_csv(raw: bytes | str) -> pd.DataFrame:
    """Read a Metapsy CSV (``;`` separated, decimal comma, ``NA`` missing) and check its columns.

    Raises
    ------
    DataError
        If the text cannot be read as such a table or lacks the columns the
        course uses (:data:`REQUIRED_COLUMNS`).
    """
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    try:
        table = pd.read_csv(io.StringIO(text), sep=";", decimal=",", na_values=["NA"], keep_default_na=True,
                            low_memory=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(tr("The downloaded file is not a readable semicolon-separated table ({error}).",
                           error=str(exc)),
                        hint=tr("The lesson works without it; try again later or check the address.")) from None
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        missing = ", ".join(missing)
        raise DataError(tr("The downloaded file lacks the column(s) {missing}, so it is not the "
                           "PTSD-Repository table the course expects.", missing=missing),
                        hint=tr("The lesson works without it; pass url= only if you know the file's format."))
    for column in ("n_randomized_arm1", "percent_completed"):
        table[column] = pd.to_numeric(table[column], errors="coerce")
    return table


def download_arm_level_data(url: str = DEFAULT_URL, timeout: float = TIMEOUT_S,
                            show_attribution: bool = True) -> pd.DataFrame:
    """Download the PTSD-Repository comparison table (only when called) and return it.

    Parameters
    ----------
    url : str
        Where to fetch the Metapsy CSV from; the default is pinned to release 23.0.3.
    timeout : float
        Seconds to wait for the network before giving up (default 5).
    show_attribution : bool
        Print the attribution that the ODC-By licence asks for (default True).

    Returns
    -------
    pandas.DataFrame
        One row per comparison (a therapy arm against a control), all columns of the file.

    Raises
    ------
    DataError
        Offline, timed out, blocked, or the file is not in the expected format;
        the message says, in one sentence, why and that the lesson works without it.

    References
    ----------
    PTSD-Repository / Metapsy (2023), doi:10.5281/zenodo.10027042 [@ptsdrepository2023].
    """
    try:
        raw = _fetch(url, timeout)
    except (urllib.error.URLError, OSError, TimeoutError, http.client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", None) or type(exc).__name__
        raise DataError(tr(OFFLINE_MESSAGE, reason=str(reason))) from None
    table = parse_metapsy_csv(raw)
    if show_attribution:
        print(tr(ATTRIBUTION))
    return table


def arm_completion(table: pd.DataFrame) -> pd.DataFrame:
    """One row per active arm that reports completion, with its dropout in per cent.

    Keeps rows with both ``n_randomized_arm1`` and ``percent_completed``,
    drops repeated rows of the same arm (one arm can be compared with several
    controls), and adds ``dropout_pct = 100 * (1 - percent_completed)`` and
    ``dropouts_est = round(n_randomized_arm1 * (1 - percent_completed))``.
    ``percent_completed`` is a proportion in the file; values above 1 are
    read as per cent.

    Caveats to keep in mind: active arms only (control-arm dropout is not
    coded), completion "as defined by" each trial, and a small, selective subset.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        missing = ", ".join(missing)
        raise DataError(tr("The table lacks the column(s) {missing}.", missing=missing))
    keep = table.dropna(subset=["n_randomized_arm1", "percent_completed"]).copy()
    keep["completed"] = keep["percent_completed"].where(keep["percent_completed"] <= 1,
                                                        keep["percent_completed"] / 100)
    arm_keys = ["study", "condition_arm1"] + [c for c in ("multi_arm1",) if c in keep.columns] + ["n_randomized_arm1"]
    keep = keep.drop_duplicates(subset=arm_keys)
    columns = ["study", "condition_arm1"] + [c for c in OPTIONAL_COLUMNS if c in keep.columns]
    out = keep[columns + ["n_randomized_arm1"]].copy()
    out["dropout_pct"] = 100 * (1 - keep["completed"])
    out["dropouts_est"] = (keep["n_randomized_arm1"] * (1 - keep["completed"]) + 0.5).astype(int)
    return out.reset_index(drop=True)


def pooled_dropout_pct(arms: pd.DataFrame) -> float:
    """Crude pooled dropout (per cent): estimated dropouts over people randomised, summed across arms."""
    total = float(arms["n_randomized_arm1"].sum())
    if total == 0:
        raise DataError(tr("No arm with completion data, so there is no dropout to pool."))
    return 100 * float(arms["dropouts_est"].sum()) / total
