"""Demo: design an MBRP programme and check it against the evidence (module 03, lesson 01).

All the rules live in :func:`course.protocol.check_protocol` (pure, tested);
this module wires labelled controls to it, draws one timeline figure that is
updated in place, lists the warnings, and exports a printable handout with
:func:`course.protocol.export_handout` (new time-stamped files, never an
overwrite).

References
----------
.. [1] ClinicalTrials.gov NCT01159535 (8 weekly 2-hour sessions, groups of
   10-14, two therapists) [@nct01159535]
.. [2] Bowen S et al. (2014). *JAMA Psychiatry* 71(5):547-556 (assessments
   at baseline, 3, 6 and 12 months) [@bowen2014]
"""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from .. import plotting, protocol
from ..i18n import N_, tr
from . import _layout

DAYS_PER_MONTH = 30.4375
#: Sliders: field -> (description, min, max, step).
SLIDERS = {
    "sessions": (N_("Sessions (weekly)"), 1, 16, 1),
    "session_minutes": (N_("Session length (min)"), 30, 180, 15),
    "group_size": (N_("Group size"), 2, 24, 1),
    "facilitators": (N_("Facilitators"), 1, 3, 1),
    "practices_per_session": (N_("Practices per session"), 0, 6, 1),
    "home_practice_min_per_day": (N_("Home practice (min/day)"), 0, 60, 5),
}
#: How each severity is named to the learner (the keys are code).
SEVERITY_NAMES = {"problem": N_("problem"), "caution": N_("caution"), "note": N_("note")}
_SEVERITY_COLOUR = {"problem": plotting.PALETTE["vermillion"], "caution": plotting.PALETTE["orange"],
                    "note": plotting.PALETTE["sky"]}


def session_months(sessions: int) -> np.ndarray:
    """Months after baseline at which weekly sessions 1..n fall (session 1 in week 1)."""
    return np.arange(int(sessions)) * 7 / DAYS_PER_MONTH


class ProtocolPlot:
    """A timeline of the plan: weekly sessions and assessment points, with the checker's verdict."""

    def __init__(self, plan=None):
        self.plan = protocol.validate_plan(plan or protocol.EXAMPLE_PLAN)
        self.fig, self.ax = plt.subplots(figsize=(8.0, 2.8))
        blue, black = plotting.PALETTE["blue"], plotting.PALETTE["black"]
        (self.sessions_line,) = self.ax.plot([], [], "|", color=blue, markersize=16, markeredgewidth=2,
                                             label=tr("group sessions (weekly)"))
        self.points = {}
        self.labels = {}
        for key, month in protocol.TIME_POINT_MONTHS.items():
            (self.points[key],) = self.ax.plot([month], [0], "D", color=black, markersize=8)
            above = key == "post"  # post sits near 3m when there are many sessions: label it above
            self.labels[key] = self.ax.text(month, 0.3 if above else -0.3, key, ha="center",
                                            va="bottom" if above else "top", fontsize=9)
        self.ax.set_xlim(-0.5, 13)
        self.ax.set_ylim(-1.0, 1.6)
        self.ax.set_yticks([0, 1], [tr("assessments"), tr("sessions")])
        self.ax.set_xlabel(tr("Months after baseline"))
        self.ax.grid(axis="y", visible=False)
        self.verdict = self.ax.text(0.99, 0.97, "", transform=self.ax.transAxes, ha="right", va="top", fontsize=9,
                                    bbox=dict(boxstyle="round", fc="white", ec="0.7"))
        self.ax.set_title(tr("contact hours"), fontsize=10)  # placeholder so tight_layout leaves room
        self.fig.tight_layout()
        self.warnings = []
        self.skipped = []  # lines of the reasons box that name no rule (set by the demo)
        self.update()
        _layout.freeze(self.fig, [(self.ax, "xy")])

    def update(self, **changes) -> None:
        """Change some fields of the plan (e.g. ``sessions=6``), re-check it and move the artists."""
        self.plan = protocol.validate_plan({**self.plan, **changes})
        self.warnings = protocol.check_protocol(self.plan)
        months = session_months(self.plan["sessions"])
        self.sessions_line.set_data(months, np.ones_like(months))
        post = self.plan["sessions"] * 7 / DAYS_PER_MONTH  # the end of the last week of sessions
        self.points["post"].set_data([post], [0])
        self.labels["post"].set_x(post)
        for key in protocol.TIME_POINTS:
            shown = key in self.plan["assessments"]
            self.points[key].set_visible(shown)
            self.labels[key].set_visible(shown)
        n_problems = len(protocol.problems(self.warnings))
        worst = "problem" if n_problems else ("caution" if any(w.severity == "caution" for w in self.warnings)
                                              else "note")
        self.verdict.set_text(protocol.summarise(self.warnings))
        self.verdict.get_bbox_patch().set_edgecolor(_SEVERITY_COLOUR[worst])
        hours = protocol.contact_hours(self.plan["sessions"], self.plan["session_minutes"])
        self.ax.set_title(tr("{sessions} sessions x {minutes} min = {hours:g} contact hours (trial protocol: 16)",
                             sessions=self.plan["sessions"], minutes=self.plan["session_minutes"], hours=hours),
                          fontsize=10, y=_layout.TITLE_Y)

    def summary(self) -> str:
        """One sentence with the plan's key numbers and the checker's counts."""
        p = self.plan
        hours = protocol.contact_hours(p["sessions"], p["session_minutes"])
        points = ", ".join(p["assessments"]) or tr("none")
        return tr("Plan: {sessions} weekly sessions of {minutes} min ({hours:g} contact hours), groups of {size} "
                  "with {facilitators} facilitator(s), assessments at {points}. Check: {check}",
                  sessions=p["sessions"], minutes=p["session_minutes"], hours=hours, size=p["group_size"],
                  facilitators=p["facilitators"], points=points, check=protocol.summarise(self.warnings))

    def warnings_html(self) -> str:
        """The warnings as an HTML list (escaped), problems first."""
        lines = "; ".join(html.escape(line) for line in self.skipped)
        skipped = ("<p>" + tr("Not understood (write <code>rule: reason</code> with a rule name from a warning): "
                              "{lines}", lines=lines) + "</p>") if self.skipped else ""
        if not self.warnings:
            return "<p>" + html.escape(tr("No warnings.")) + "</p>" + skipped
        items = "".join(f"<li><strong>{html.escape(tr(SEVERITY_NAMES.get(w.severity, w.severity)))}</strong>: "
                        f"{html.escape(w.message)} <em>({html.escape(w.citation)})</em>"
                        + (tr(" Recorded reason: {reason}", reason=html.escape(w.reason)) if w.reason else "")
                        + "</li>"
                        for w in self.warnings)
        return f"<ul>{items}</ul>" + skipped

    def alt_text(self) -> str:
        """Alt text written from the plan."""
        p = self.plan
        months = session_months(p["sessions"])
        points = ", ".join(p["assessments"]) or tr("no time points")
        return tr("Timeline from baseline to 13 months: {sessions} weekly group sessions ending at about "
                  "{months:.1f} months, and assessment points at {points}. ",
                  sessions=p["sessions"], months=months[-1], points=points) + self.summary()

    def render(self) -> plotting.AltFigure:
        """The current figure with alt text written from the plan."""
        return plotting.render(self.fig, self.alt_text(), close=False)

    def export(self, folder=".") -> list[Path]:
        """Write the handout files for the current plan (see :func:`course.protocol.export_handout`)."""
        return protocol.export_handout(self.plan, folder)


def protocol_designer_demo(plan=None, folder="."):
    """Labelled controls for an MBRP plan, a timeline, the checker's warnings and an export button.

    Parameters
    ----------
    plan : dict, optional
        Start values (default :data:`course.protocol.EXAMPLE_PLAN`).
    folder : str or pathlib.Path
        Where "Export handout" writes its files (default: the notebook's folder).

    Returns
    -------
    ipywidgets.VBox or None
        The controls and outputs, or ``None`` when :func:`course.widgets.headless`
        (then the figure and a one-line summary are shown once). Besides the
        attributes :func:`course.widgets.controls_demo` sets, ``export`` is
        the button and ``status`` the line that reports what it wrote.
    """
    from . import controls_demo, draw_once, headless

    plot = ProtocolPlot(plan)
    if headless():
        return draw_once(plot)

    import ipywidgets as widgets

    style = {"description_width": "initial"}
    layout = widgets.Layout(width="360px")
    sliders = {field: widgets.IntSlider(value=plot.plan[field], min=low, max=high, step=step,
                                        description=tr(description), continuous_update=False,
                                        style=style, layout=layout)
               for field, (description, low, high, step) in SLIDERS.items()}
    checks = {f"{group}:{key}": widgets.Checkbox(value=key in plot.plan[group], description=tr(label),
                                                 indent=False, style=style)
              for group, options in protocol.LIST_FIELDS.items() for key, label in options.items()}
    texts = {
        "name": widgets.Text(value=plot.plan["name"], description=tr("Programme name"), continuous_update=False,
                             style=style, layout=widgets.Layout(width="420px")),
        "notes": widgets.Textarea(value=plot.plan["notes"], description=tr("Notes for the handout"),
                                  continuous_update=False, style=style, layout=widgets.Layout(width="420px")),
        "deviations": widgets.Textarea(
            value="\n".join(f"{rule}: {reason}" for rule, reason in plot.plan["deviations"].items()),
            description=tr("Reasons for departures (rule: reason, one per line)"), continuous_update=False,
            style=style, layout=widgets.Layout(width="420px")),
    }
    button = widgets.Button(description=tr("Export handout"), tooltip=tr("Write Markdown, HTML and CSV files"),
                            icon="download")
    status = widgets.HTML()

    def apply(values):
        lists = {group: [key for key in options if values[f"{group}:{key}"]]
                 for group, options in protocol.LIST_FIELDS.items()}
        deviations, plot.skipped = protocol.parse_deviations(values["deviations"])
        plot.update(**{field: values[field] for field in (*SLIDERS, "name", "notes")}, **lists,
                    deviations=deviations)

    def on_export(_button):
        try:
            paths = plot.export(folder)
        except OSError as exc:
            status.value = "<p>" + tr("Could not write the handout: {error}", error=html.escape(str(exc))) + "</p>"
            return
        names = ", ".join(html.escape(p.name) for p in paths)
        where = html.escape(str(Path(folder).resolve()))
        status.value = ("<p>" + tr("Saved {names} in {folder}. Open the .html file in a browser to print it.",
                                   names=names, folder=where) + "</p>")

    button.on_click(on_export)

    def column(title, group):
        return widgets.VBox([widgets.HTML(f"<strong>{title}</strong>"),
                             *[box for name, box in checks.items() if name.startswith(f"{group}:")]])

    def arrange(parts):
        return [widgets.HTML("<strong>" + html.escape(tr("Format")) + "</strong>"), *sliders.values(),
                widgets.HBox([column(html.escape(tr("Safety screening")), "screening"),
                              column(html.escape(tr("Assessments")), "assessments"),
                              column(html.escape(tr("Measures")), "measures")]),

                *texts.values(), parts["caption"], parts["figure"], parts["report"], widgets.HBox([button]), status]

    box = controls_demo(plot, {**sliders, **checks, **texts}, update=apply, report=lambda p: p.warnings_html(),
                        layout=arrange)
    box.export, box.status = button, status
    return box
