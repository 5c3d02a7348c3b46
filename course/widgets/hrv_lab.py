"""The HRV lab (lesson 03): analyse a shipped recording or your own RR/NN file.

:func:`analyse` puts the course's tested science together for one series:
time-domain HRV (:mod:`course.hrv`), the spectrum and the Task Force's 10x
rule (:mod:`course.spectral`) and artefact flags (:mod:`course.artefacts`),
with plain-language warnings. Uploaded files are read by
:func:`course.rr_import.read_rr_export`, which detects the column and the
units, says what it did, and flags likely missed or premature beats instead
of refusing the file; the lab offers lesson 3's corrections (interpolate or
delete) and says whether the recording is still usable. The widget (:func:`hrv_lab_demo`) only
wires controls to these with :func:`course.widgets.controls_demo` and
updates one figure in place. Every problem with an uploaded file is shown as
a sentence, never a traceback.

References
----------
.. [1] Task Force of the ESC and NASPE (1996). Heart rate variability:
   standards of measurement, physiological interpretation and clinical use.
   *Circulation* 93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
   [@taskforce1996]
.. [2] Shaffer F, Meehan ZM, Zerr CL (2020). A critical review of
   ultra-short-term heart rate variability norms research. *Front Neurosci*
   14:594880. doi:10.3389/fnins.2020.594880 [@shaffer2020ultra]
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from .. import artefacts, data, hrv, plotting, rr_import, spectral
from ..errors import DataError
from ..i18n import N_, format_number, tr
from . import _layout

#: Standard length (s) of a short-term recording (Task Force 1996).
SHORT_TERM_S = 300.0
#: A recording within this many seconds of 5 minutes counts as a 5-minute recording.
SHORT_TERM_TOLERANCE_S = 10.0
#: What the dropdown offers, in order: (label, key).
SOURCES = [(N_("MIT-BIH recording, 5 minutes"), "5min"), (N_("MIT-BIH recording, 60 minutes"), "60min"),
           (N_("Your uploaded file"), "upload")]
#: Lesson 3's choices for flagged intervals: (label, key).
METHODS = [(N_("Leave as they are"), "none"), (N_("Interpolate (lesson 3)"), "interpolate"),
           (N_("Delete (lesson 3)"), "delete")]
#: Units for an uploaded file: (label, key); None detects them.
UNIT_CHOICES = [(N_("Detect automatically"), None), (N_("Milliseconds"), "ms"), (N_("Seconds"), "s")]
#: The warning about recordings shorter than 5 minutes (dropped when the file reader already said it).
SHORTER_THAN_5_MIN = N_("The recording is shorter than 5 minutes, the standard length for short-term HRV, so "
                        "its values cannot be compared with 5-minute norms; few ultra-short measures have been "
                        "shown to agree with 5-minute values.")


def _translated(choices):
    """(label, key) pairs with the labels in the current language."""
    return [(tr(label), key) for label, key in choices]


# --- the analysis ----------------------------------------------------------------------


@dataclass
class LabReport:
    """Everything the HRV lab shows for one series."""

    source: str
    original_ms: np.ndarray
    nn_ms: np.ndarray
    flagged: np.ndarray
    corrected: bool
    threshold: float
    duration_s: float
    time_domain: dict
    frequency: dict
    freqs_hz: np.ndarray
    psd: np.ndarray
    warnings: list = field(default_factory=list)
    method: str = "none"

    @property
    def n_flagged(self) -> int:
        """Number of intervals the artefact rule flagged."""
        return int(self.flagged.sum())

    def rows(self) -> list[tuple[str, str]]:
        """``(metric, value)`` pairs for display; frequency measures the 10x rule rules out read 'not shown'."""
        t, f = self.time_domain, self.frequency

        def show(value, fmt):
            return tr("not shown (recording too short)") if value is None else format_number(value, fmt)

        n, total = self.n_flagged, self.original_ms.size
        if self.corrected and n and self.method == "interpolate":
            flagged = tr("{n} of {total} (corrected)", n=n, total=total)
        elif self.corrected and n and self.method == "delete":
            flagged = tr("{n} of {total} (deleted)", n=n, total=total)
        else:
            flagged = tr("{n} of {total}", n=n, total=total)
        return [
            (tr("Intervals analysed"), f"{t['n_intervals']}"),
            (tr("Duration"), tr("{s:.0f} s ({m:.1f} min)", s=self.duration_s, m=self.duration_s / 60)),
            (tr("Mean heart rate"), tr("{bpm:.1f} bpm", bpm=t["mean_hr_bpm"])),
            ("SDNN", format_number(t["sdnn_ms"], ".1f") + " ms"),
            ("RMSSD", format_number(t["rmssd_ms"], ".1f") + " ms"),
            ("pNN50", format_number(t["pnn50_pct"], ".1f") + " %"),
            (tr("VLF power"), show(f["vlf_ms2"], ".0f") + (" ms²" if f["vlf_ms2"] is not None else "")),
            (tr("LF power"), show(f["lf_ms2"], ".0f") + (" ms²" if f["lf_ms2"] is not None else "")),
            (tr("HF power"), show(f["hf_ms2"], ".0f") + (" ms²" if f["hf_ms2"] is not None else "")),
            ("LF/HF", show(f["lf_hf"], ".2f")),
            (tr("Flagged intervals"), flagged),
        ]

    def summary(self) -> str:
        """One line: source, length, SDNN, RMSSD, HF, flagged count and number of warnings."""
        t, f = self.time_domain, self.frequency
        hf = tr("not shown") if f["hf_ms2"] is None else format_number(f["hf_ms2"], ".0f") + " ms²"
        return tr("{source}: {n} intervals over {seconds:.0f} s; SDNN {sdnn:.1f} ms, RMSSD {rmssd:.1f} ms, "
                  "HF {hf}; {flagged} interval(s) flagged; {warnings} warning(s).",
                  source=self.source, n=t["n_intervals"], seconds=self.duration_s, sdnn=t["sdnn_ms"],
                  rmssd=t["rmssd_ms"], hf=hf, flagged=self.n_flagged, warnings=len(self.warnings))

    def html(self) -> str:
        """The metrics table and the warnings as HTML (text escaped)."""
        body = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in self.rows())
        measure, value, heading = html.escape(tr("Measure")), html.escape(tr("Value")), html.escape(tr("Warnings"))
        table = (f"<table><thead><tr><th>{measure}</th><th>{value}</th>"
                 f"</tr></thead><tbody>{body}</tbody></table>")
        warnings = "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings)
        return table + (f"<p><strong>{heading}</strong></p><ul>{warnings}</ul>" if warnings else "")


def analyse(nn_ms, *, correct: bool = False, threshold: float = artefacts.DEFAULT_THRESHOLD,
            source: str | None = None, method: str | None = None, flagged=None) -> LabReport:
    """Time- and frequency-domain HRV, flagged artefacts and plain-language warnings for one series.

    Frequency measures are left out (``None``) when the recording is too short
    for them by the Task Force's 10x rule: HF needs 67 s, LF and LF/HF 250 s,
    VLF about 50 minutes.

    Parameters
    ----------
    nn_ms : array_like
        Intervals in milliseconds (at least 10).
    correct : bool
        If True, flagged intervals are replaced by interpolation
        (:func:`course.artefacts.correct_artefacts`) before the metrics; the
        same as ``method="interpolate"``.
    method : {None, "none", "interpolate", "delete"}
        Lesson 3's choice for flagged intervals; overrides ``correct``.
    flagged : array of bool, optional
        Flags to use (from :func:`course.rr_import.read_rr_export`, which
        also flags implausible intervals); by default the local-median rule.
    threshold : float
        Artefact threshold, as a fraction of the local median.
    source : str, optional
        A name for the series, used in the summary (default "Recording").

    Returns
    -------
    LabReport

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    .. [2] Shaffer F, Meehan ZM, Zerr CL (2020). *Front Neurosci*
       14:594880. doi:10.3389/fnins.2020.594880
    """
    source = tr("Recording") if source is None else source
    original = hrv.as_nn_array(nn_ms, min_length=data.MIN_INTERVALS, metric=tr("The HRV lab"))
    method = method or ("interpolate" if correct else "none")
    if method not in artefacts.CORRECTION_METHODS:
        raise DataError(tr("Correction {method} is not an option; use 'none', 'interpolate' or 'delete'.",
                           method=repr(method)))
    if flagged is None:
        flagged = artefacts.flag_artefacts(original, threshold)
    flagged = np.asarray(flagged, dtype=bool)
    corrected = method != "none" and bool(flagged.any())
    nn = artefacts.apply_correction(original, flagged, method, min_good=data.MIN_INTERVALS) if corrected else original
    duration = float(nn.sum() / 1000.0)
    time_domain = hrv.time_domain(nn)
    frequency = spectral.frequency_domain(nn)
    freqs, psd = spectral.welch_psd(nn)
    warnings = []
    allowed = spectral.bands_allowed(duration)
    shortest = spectral.MIN_DURATION_S
    if not allowed["HF"]:
        warnings.append(tr("The recording lasts only {duration:.0f} s. The 10x rule needs at least {hf:.0f} s "
                           "for the HF band and {lf:.0f} s for the LF band, so no frequency-domain values are "
                           "shown.", duration=duration, hf=shortest["HF"], lf=shortest["LF"]))
    elif not allowed["LF"]:
        warnings.append(tr("The recording lasts {duration:.0f} s. The 10x rule needs at least {lf:.0f} s for "
                           "the LF band, so LF power and LF/HF are not shown; HF power is.",
                           duration=duration, lf=shortest["LF"]))
    if not allowed["VLF"]:
        warnings.append(tr("VLF power needs at least {vlf:.0f} s (about {minutes:.0f} minutes) by the same "
                           "rule, so it is not shown.", vlf=shortest["VLF"], minutes=shortest["VLF"] / 60))
    if duration < SHORT_TERM_S - SHORT_TERM_TOLERANCE_S:
        warnings.append(tr(SHORTER_THAN_5_MIN))
    for name, key in (("VLF", "vlf_ms2"), ("LF", "lf_ms2"), ("HF", "hf_ms2")):
        if not allowed[name]:
            frequency[key] = None
    if not allowed["LF"]:
        frequency["lf_hf"] = frequency["lf_nu"] = frequency["hf_nu"] = None
    n_flagged = int(flagged.sum())
    if n_flagged:
        what = {"interpolate": tr("They were replaced by interpolation from their neighbours before the metrics "
                                  "were computed."),
                "delete": tr("They were deleted before the metrics were computed (the series is shorter, and "
                             "intervals that were not neighbours now are)."),
                "none": tr("The metrics use the intervals as they are.")}[method]
        warnings.append(tr("{n} of {total} intervals ({pct:.1f} %) differ from the median of their neighbours "
                           "by more than {threshold:.0f} %. They may be missed, extra or premature beats, or "
                           "large genuine swings: look at the marked points on the tachogram. {what}",
                           n=n_flagged, total=original.size, pct=100 * n_flagged / original.size,
                           threshold=100 * threshold, what=what))
    return LabReport(source, original, nn, flagged, corrected, float(threshold), duration,
                     time_domain, frequency, freqs, psd, warnings, method)


# --- the widget ------------------------------------------------------------------------


def _source_label(source: str) -> str:
    """The dropdown label of a source key, or a DataError naming the options."""
    labels = {key: label for label, key in SOURCES}
    if source not in labels:
        options = ", ".join(repr(k) for k in labels)
        raise DataError(tr("There is no recording called {source}; choose one of {options}.",
                           source=repr(source), options=options))
    return tr(labels[source])


class HRVLab:
    """One figure (tachogram above, spectrum below) for whichever series is chosen; updated in place."""

    def __init__(self, source: str = "5min", correct: bool = False, method: str | None = None):
        _source_label(source)  # refuse an unknown source before drawing anything
        self.method = method or ("interpolate" if correct else "none")
        self.source = source
        self.imported: rr_import.RRImport | None = None
        self.upload_name: str | None = None
        self.upload_bytes: bytes | None = None
        self.column: str | None = None  # None: detect
        self.units: str | None = None  # None: detect
        self.problem: str | None = None
        self.report: LabReport | None = None
        self._shipped: dict = {}  # analyses of the shipped recordings, by (source, method): they never change
        self.fig, (self.ax_t, self.ax_f) = plt.subplots(2, 1, figsize=(7.5, 5.4))
        (self.tacho,) = self.ax_t.plot([], [], lw=1.0, label=tr("Intervals"))
        self.marks = self.ax_t.scatter([], [], s=28, marker="o", facecolors="none", linewidths=1.4,
                                       edgecolors=plotting.PALETTE["vermillion"], label=tr("Flagged"), zorder=3)
        self.ax_t.set_xlabel(tr("Time (s)"))
        self.ax_t.set_ylabel(tr("Interval (ms)"))
        self.ax_t.legend(loc="upper right", fontsize=8, framealpha=0.9)
        plotting.shade_bands(self.ax_f)
        (self.spec,) = self.ax_f.plot([], [], color=plotting.PALETTE["blue"])
        self.ax_f.set_xlim(0, 0.5)
        self.ax_f.set_xlabel(tr("Frequency (Hz)"))
        self.ax_f.set_ylabel("ms²/Hz")
        self.fig.tight_layout()
        self.select(source)
        _layout.freeze(self.fig, [(self.ax_f, "x")])

    # kept for code written against the checkbox version -------------------------------

    @property
    def correct(self) -> bool:
        """True when flagged intervals are corrected (interpolated or deleted)."""
        return self.method != "none"

    @property
    def uploaded(self) -> np.ndarray | None:
        """The uploaded intervals (ms), or None."""
        return None if self.imported is None else self.imported.rr_ms

    # state changes -------------------------------------------------------------------

    def update(self, source: str | None = None, correct: bool | None = None, method: str | None = None) -> None:
        """Choose a source and/or what to do with flagged intervals; None keeps a setting.

        ``method`` is ``"none"``, ``"interpolate"`` or ``"delete"`` (lesson 3);
        ``correct=True`` is the same as ``"interpolate"``.
        """
        if correct is not None:
            self.method = "interpolate" if correct else "none"
        if method is not None:
            self.method = method
        self.select(self.source if source is None else source)

    def select(self, source: str) -> None:
        """Analyse a shipped recording ("5min", "60min") or the uploaded file ("upload")."""
        self.source = source
        if source == "upload":
            if self.imported is None:
                self.problem = self.problem or tr("No file uploaded yet. Use the Upload button to choose a CSV or "
                                                  "text file of RR intervals (milliseconds or seconds).")
                return
            self.problem = None
            self._show(self.imported.rr_ms, tr("Your file '{name}'", name=self.upload_name))
        else:
            self.problem = None
            self._show(None, _source_label(source), shipped=source)

    def load_bytes(self, content, filename: str, column: str | None = None, units: str | None = None) -> str | None:
        """Read an uploaded file; on success analyse it, otherwise keep the sentence. Returns the problem or None.

        ``column`` and ``units`` (None: detect) are kept for later re-reads of the same file.
        """
        self.column, self.units = column, units
        self.upload_bytes, self.upload_name = bytes(content), Path(str(filename)).name
        result, problem = rr_import.try_read_rr_export(self.upload_bytes, self.upload_name, column=self.column,
                                                       units=self.units)
        if problem:
            self.imported, self.problem = None, problem
            return problem
        self.imported = result
        self.select("upload")
        return None

    def set_column(self, column: str | None) -> str | None:
        """Read the last uploaded file again from another column (None: detect)."""
        if self.upload_bytes is None:
            self.column = column
            return None
        return self.load_bytes(self.upload_bytes, self.upload_name, column, self.units)

    def set_units(self, units: str | None) -> str | None:
        """Read the last uploaded file again in other units: None (detect), "ms" or "s"."""
        if self.upload_bytes is None:
            self.units = units
            return None
        return self.load_bytes(self.upload_bytes, self.upload_name, self.column, units)

    def _show(self, nn, label: str, shipped: str | None = None) -> None:
        key = (shipped, self.method)
        try:
            if shipped and key in self._shipped:
                r = self._shipped[key]
            elif shipped:
                r = analyse(data.load_nsrdb_nn(shipped), method=self.method, source=label)
                self._shipped[key] = r
            else:
                r = analyse(nn, method=self.method, source=label, flagged=self.imported.flagged)
                # the file reader already said the recording is short (it adds that note below this length)
                raw_s = float(self.imported.rr_ms.sum() / 1000.0)
                if raw_s < rr_import.SHORT_TERM_S - rr_import.SHORT_TERM_TOLERANCE_S:
                    r.warnings = [w for w in r.warnings if w != tr(SHORTER_THAN_5_MIN)]
        except DataError as exc:  # a sentence in the widget, never a traceback
            self.problem = data.problem_sentence(exc)
            self.report = None
            return
        self.report = r
        t = spectral.beat_times(r.nn_ms)
        self.tacho.set_data(t, r.nn_ms)
        t_orig = spectral.beat_times(r.original_ms)
        self.marks.set_offsets(np.column_stack([t_orig[r.flagged], r.original_ms[r.flagged]])
                               if r.n_flagged else np.empty((0, 2)))
        both = np.concatenate([r.nn_ms, r.original_ms])
        pad = 0.05 * (both.max() - both.min() + 1)
        self.ax_t.set_xlim(0, max(t[-1], t_orig[-1]))
        self.ax_t.set_ylim(both.min() - pad, both.max() + pad)
        self.ax_t.set_title(label, fontsize=10, y=_layout.TITLE_Y)
        keep = r.freqs_hz <= 0.5
        self.spec.set_data(r.freqs_hz[keep], r.psd[keep])
        self.ax_f.set_ylim(0, 1.1 * float(r.psd[keep].max()) if keep.any() and r.psd[keep].max() > 0 else 1)

    # output --------------------------------------------------------------------------

    @property
    def showing_upload(self) -> bool:
        """True when the uploaded file is chosen and was read."""
        return self.source == "upload" and self.imported is not None

    @property
    def has_figure(self) -> bool:
        """False while "Your uploaded file" is chosen and no good file has been uploaded."""
        return self.report is not None and not (self.source == "upload" and self.imported is None)

    def notes(self) -> list[str]:
        """What the lab did with the uploaded file (plain sentences), when it is shown; else []."""
        if not self.showing_upload:
            return []
        r = self.imported
        unchanged = r.correction_note("none")  # the reader's sentence for "left as they are"
        notes = [r.correction_note(self.method) if n == unchanged else n for n in r.notes]
        if not self.imported.medical_flag:  # with the flag, the full medical note is already there
            notes.append(tr(rr_import.SAFETY_NOTE))
        return notes

    def message_html(self) -> str:
        """The current problem (if any), notes about the uploaded file and the report, as HTML (text escaped)."""
        parts = []
        if self.problem:
            heading = html.escape(tr("Problem with the file:"))
            parts.append(f"<p><strong>{heading}</strong> {html.escape(self.problem)}</p>")
        if self.showing_upload and self.report is not None:
            items = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes())
            heading = html.escape(tr("About your file"))
            parts.append(f"<p><strong>{heading}</strong></p><ul>{items}</ul>")
        if self.has_figure:
            parts.append(self.report.html())
        return "".join(parts)

    def summary(self) -> str:
        """One line about the series shown (see :meth:`LabReport.summary`)."""
        return self.report.summary()

    def alt_text(self) -> str:
        """Alt text for the figure, from the current report (naming the kinds of flagged beats in an upload)."""
        r = self.report
        f = r.frequency
        peak = tr("The HF peak is at {hz:.2f} Hz.", hz=f["hf_peak_hz"]) if f["hf_ms2"] is not None else ""
        kinds = ""
        if self.showing_upload and r.n_flagged:
            counts = {}
            for kind in self.imported.kinds:
                if kind:
                    counts[kind] = counts.get(kind, 0) + 1
            names = {"long": tr("possible missed beats"), "premature": tr("possible premature beats"),
                     "pause": tr("pauses after them"), "short": tr("short intervals"), "other": tr("large swings")}
            kinds = " (" + ", ".join(f"{n} {names[k]}" for k, n in counts.items()) + ")"
        done = ({"interpolate": tr(" and interpolated"), "delete": tr(" and deleted")}.get(r.method, "")
                if r.corrected else "")
        return tr("Two charts for {source}. Top: tachogram of {n} intervals over {seconds:.0f} s, from {low:.0f} "
                  "to {high:.0f} ms, with {flagged} flagged interval(s){kinds} circled{done}. Bottom: power "
                  "spectrum from 0 to 0.5 Hz with the VLF, LF and HF bands shaded. {peak}",
                  source=r.source, n=r.nn_ms.size, seconds=r.duration_s, low=r.nn_ms.min(), high=r.nn_ms.max(),
                  flagged=r.n_flagged, kinds=kinds, done=done, peak=peak)

    def render(self) -> plotting.AltFigure:
        """The current figure as a displayable image with alt text."""
        return plotting.render(self.fig, self.alt_text(), close=False)


def hrv_lab_demo(source: str = "5min"):
    """Choose a recording or upload your own RR export; see metrics, notes, warnings and flagged beats.

    Returns the widget box (or ``None`` when :func:`course.widgets.headless`).
    """
    from . import controls_demo, draw_once, headless

    lab = HRVLab(source)
    if headless():
        return draw_once(lab)

    import ipywidgets as widgets

    style = {"description_width": "initial"}
    chooser = widgets.Dropdown(options=_translated(SOURCES), value=source, description=tr("Recording"),
                               style=style)
    upload = widgets.FileUpload(accept=".csv,.txt", multiple=False, description=tr("Upload CSV"),
                                tooltip=tr("Choose a CSV or text file of RR intervals (milliseconds or seconds)"))
    column = widgets.Dropdown(options=[(tr("Detected automatically"), None)], value=None, description=tr("Column"),
                              style=style, tooltip=tr("Which column of your file holds the intervals"),
                              layout=widgets.Layout(display="none"))  # shown only when the choice is ambiguous
    units = widgets.Dropdown(options=_translated(UNIT_CHOICES), value=None, description=tr("Units"), style=style,
                             tooltip=tr("Units of the intervals in your file"))
    method = widgets.Dropdown(options=_translated(METHODS), value="none", description=tr("Flagged beats"),
                              style=style, tooltip=tr("What to do with flagged intervals before the metrics "
                                                      "(lesson 3)"))
    busy = {"column": False}

    def refresh_column_menu():
        r = lab.imported
        busy["column"] = True
        try:
            if r is not None and r.ambiguous:
                column.options = [(c, c) for c in r.choices]
                column.value = r.column
                column.layout.display = None
            elif lab.column is None:
                column.options = [(tr("Detected automatically"), None)]

                column.value = None
                column.layout.display = "none"
        finally:
            busy["column"] = False

    def uploaded(value):
        contents = data.upload_contents(value)
        if contents is not None:
            ok = lab.load_bytes(*contents, column=None, units=units.value) is None
            refresh_column_menu()
            if ok:
                chooser.value = "upload"  # a good file is shown at once

    def column_chosen(value):
        if busy["column"]:
            return
        lab.set_column(value)
        if lab.imported is not None:
            chooser.value = "upload"

    def units_chosen(value):
        lab.set_units(value)
        refresh_column_menu()
        if lab.imported is not None:
            chooser.value = "upload"

    return controls_demo(
        lab, {"source": chooser, "upload": upload, "column": column, "units": units, "method": method},
        update=lambda values: lab.update(source=values["source"], method=values["method"]),
        handlers={"upload": uploaded, "column": column_chosen, "units": units_chosen},
        caption=lambda lab: lab.message_html(),
        layout=lambda parts: [widgets.HBox([chooser, upload]), widgets.HBox([column, units, method]),
                              parts["caption"], parts["figure"]])
