"""Figures carry alt text and use a colour-blind-safe palette."""

from __future__ import annotations

import base64
import itertools

import colorspacious
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb

from course import plotting


# Smallest perceptual distance (CAM02-UCS, about 1 = just noticeable) between any two
# palette colours as seen with full protan, deutan or tritan colour-vision deficiency,
# simulated with Machado et al. (2009) as implemented in colorspacious.
MIN_DISTANCE = 10.0
CVD_TYPES = ["protanomaly", "deuteranomaly", "tritanomaly"]


def smallest_distance(colours, cvd_type):
    space = {"name": "sRGB1+CVD", "cvd_type": cvd_type, "severity": 100}
    seen = [colorspacious.cspace_convert(to_rgb(c), space, "CAM02-UCS") for c in colours]
    return min(np.linalg.norm(a - b) for a, b in itertools.combinations(seen, 2))


def test_palette_is_okabe_ito():
    assert set(plotting.CYCLE) <= set(plotting.PALETTE.values())
    assert plotting.CYCLE[:3] == ["#0072B2", "#E69F00", "#009E73"]


def test_style_uses_the_palette():
    plotting.use_course_style()
    assert plt.rcParams["axes.prop_cycle"].by_key()["color"] == plotting.CYCLE


@pytest.mark.parametrize("cvd_type", CVD_TYPES)
def test_palette_stays_distinct_with_colour_vision_deficiency(cvd_type):
    assert smallest_distance(plotting.CYCLE, cvd_type) >= MIN_DISTANCE


def test_red_green_palette_would_fail_the_check():
    assert smallest_distance(["#d62728", "#2ca02c"], "deuteranomaly") < MIN_DISTANCE


@pytest.mark.parametrize("alt", [None, "", "   ", "a plot"])
def test_missing_or_token_alt_text_is_refused(alt):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="alt text"):
        plotting.render(fig, alt)
    plt.close(fig)


def test_rendered_figure_has_img_with_alt_and_png():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    shown = plotting.render(fig, 'Line rising from 1 to 3 with "quotes" & ampersand.', caption="A caption")
    bundle = shown._repr_mimebundle_()
    assert 'alt="Line rising from 1 to 3 with &quot;quotes&quot; &amp; ampersand."' in bundle["text/html"]
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"].startswith("[Figure] Line rising")
    assert "<figcaption>A caption</figcaption>" in bundle["text/html"]
    assert not plt.fignum_exists(fig.number)


def test_tachogram_alt_text_is_written_from_the_data():
    nn = np.array([800.0, 900.0, 1000.0])
    assert plotting.describe_tachogram(nn).startswith("Line chart of 3 NN intervals over 3 seconds")
    ax = plotting.tachogram(nn)
    assert ax.get_ylabel() == "NN interval (ms)"
    plt.close(ax.figure)


def test_overflow_is_detected_and_reused_figures_that_fit_skip_the_crop():
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.set_xlabel("a label")
    assert plotting.overflows(fig)  # no layout: the x label hangs below the figure
    fig.tight_layout()
    assert not plotting.overflows(fig)
    plotting.render(fig, "A figure whose content fits inside it.", close=False)
    assert fig._course_tight_crop is False
    plt.close(fig)


# --- the HRV figures lessons share ----------------------------------------------------------


@pytest.fixture(scope="module")
def five_min():
    from course.data import load_nsrdb_nn

    return load_nsrdb_nn("5min")


def test_spectrum_figure_and_alt_text(five_min):
    fig, ax = plotting.spectrum_figure(five_min, methods=("welch", "lomb"))
    assert len(ax.lines) == 2 and len(ax.patches) == 3  # two spectra, three shaded bands
    plt.close(fig)
    alt = plotting.describe_spectrum(five_min)
    assert "HF band is at 0.24 Hz" in alt and "LF/HF 0.32" in alt


def test_flag_figure_circles_the_flagged_intervals(five_min):
    fig, alt = plotting.flag_figure(five_min)
    circles = fig.axes[0].collections[0].get_offsets()
    assert len(circles) == 23
    assert " 23 intervals differ from the median of their neighbours by more than 20 % and are circled" in alt
    assert "for example 1078 ms at 6 s" in alt
    plt.close(fig)
    fig, alt = plotting.flag_figure(five_min, threshold=0.5)
    assert len(fig.axes[0].collections[0].get_offsets()) == 0 and alt.endswith("more than 50 % and are circled.")
    plt.close(fig)


def test_tachogram_refuses_impossible_intervals():
    from course.errors import DataError

    with pytest.raises(DataError, match="zero or negative"):
        plotting.tachogram([800, 0, 810])
    plt.close("all")
