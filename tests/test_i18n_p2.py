"""Bokmål for the widgets and science modules of helper p2: English by default, bokmål under i18n.using("nb")."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from course import i18n  # noqa: E402


def _series(n=400, seed=0):
    rng = np.random.default_rng(seed)
    return 800 + 40 * rng.standard_normal(n)


def test_hrv_lab_summary_in_both_languages_with_decimal_comma():
    from course.widgets import hrv_lab

    english = hrv_lab.analyse(_series()).summary()
    assert "intervals over" in english and "warning(s)" in english
    with i18n.using("nb"):
        report = hrv_lab.analyse(_series())
        bokmal = report.summary()
        rows = dict(report.rows())
    assert "intervaller over" in bokmal and "advarsel(er)" in bokmal
    assert "Opptak:" in bokmal
    sdnn = report.time_domain["sdnn_ms"]
    assert f"SDNN {sdnn:.1f}".replace(".", ",") in bokmal  # decimal comma
    assert "Gjennomsnittlig hjertefrekvens" in rows and rows["Gjennomsnittlig hjertefrekvens"].endswith("slag/min")


def test_hrv_lab_warnings_and_dataerror_translated():
    from course.errors import DataError
    from course.widgets import hrv_lab

    with i18n.using("nb"):
        warnings = hrv_lab.analyse(_series(200)).warnings
        assert any("10x-regelen krever minst" in w for w in warnings)
        try:
            hrv_lab.analyse(_series(), method="smooth")
        except DataError as exc:
            assert "er ikke et valg" in str(exc) and "smooth" in str(exc)
        else:  # pragma: no cover
            raise AssertionError("an unknown method must be refused")
    assert any("The 10x rule needs at least" in w for w in hrv_lab.analyse(_series(200)).warnings)


def test_protocol_designer_title_and_summary():
    from course.widgets import protocol_designer

    with i18n.using("nb"):
        plot = protocol_designer.ProtocolPlot()
        title, summary = plot.ax.get_title(), plot.summary()
    assert "kontakttimer" in title and "studieprotokollen: 16" in title
    assert summary.startswith("Plan: 8 ukentlige samlinger")
    english = protocol_designer.ProtocolPlot()
    assert "contact hours (trial protocol: 16)" in english.ax.get_title()


def test_cortisol_table_keeps_columns_in_bokmal():
    from course.widgets import cortisol

    with i18n.using("nb"):
        plot = cortisol.CortisolDayPlot(delay_min=15)
        lines = plot.table.get_text().splitlines()
        title = plot.fig._suptitle.get_text()
    assert lines[0].split() == ["sann", "i", "tide", "sent"]
    assert all(len(line) == len(lines[0]) for line in lines)
    assert "," in lines[2] and "." not in lines[2].split(None, 2)[-1]  # AUCg values with decimal comma
    assert title.startswith("SIMULERT")
    assert cortisol.CortisolDayPlot().table.get_text().startswith("            true on time  late")


def test_trial_and_forest_labels():
    from course.widgets import forest_explorer, trial_simulator

    with i18n.using("nb"):
        trial = trial_simulator.TrialSimulatorPlot(n_per_arm=60)
        assert trial.ax.get_xlabel() == "Dager siden oppstart av ettervernet"
        assert "per arm" in trial.box.get_text() and "frafall" in trial.box.get_text()
        forest = forest_explorer.ForestExplorerPlot()
        assert forest.ax.get_xlabel().startswith("Frafall (%) med 95 % konfidensintervall")
        options = dict((v, k) for k, v in forest_explorer.therapy_options())
        assert options["PE"] == "Forlenget eksponering (PE)"
    assert dict((v, k) for k, v in forest_explorer.therapy_options())["PE"] == "Prolonged Exposure (PE)"


def test_dropout_and_breathing_alt_text():
    from course.widgets import breathing, dropout_definitions

    with i18n.using("nb"):
        alt = dropout_definitions.DropoutDefinitionsPlot().alt_text()
        title = breathing.BreathingPlot().ax_t.get_title()
    assert alt.startswith("To søylediagrammer av en SIMULERT studiearm")
    assert "Frafall etter definisjon" in alt
    assert title.startswith("SIMULERT: pust")


def test_hrv_error_in_both_languages():
    import pytest

    from course import hrv
    from course.errors import DataError

    with pytest.raises(DataError, match="needs at least 2 NN intervals"):
        hrv.time_domain([800])
    with i18n.using("nb"), pytest.raises(DataError, match="trenger minst 2 NN-intervaller"):
        hrv.time_domain([800])
    with i18n.using("nb"), pytest.raises(DataError, match=r"Et vindu på 2,5 s er for kort"):
        hrv.windowed_time_domain(_series(), 2.5)


def test_effects_sentences_with_decimal_comma():
    from course import effects

    english = effects.nnt_in_words(0.058, 0.174, outcome="bad")
    assert english == "Treat about 9 people for one fewer bad outcome (NNT 8.6)."
    with i18n.using("nb"):
        assert effects.nnt_in_words(0.058, 0.174, outcome="bad") == (
            "Behandle omtrent 9 personer for å få ett dårlig utfall mindre (NNT 8,6).")
        words = effects.ratio_ci_in_words(0.72, 0.46, 1.13)
        assert effects.natural_frequency(0.2) == "omtrent 2 av 10 (20,0%)"
    assert words.startswith("Beste estimat: 28 % lavere odds.")
    assert words.endswith("«ingen forskjell» er ikke utelukket.")


def test_meta_and_survival_descriptions():
    from course import meta, survival

    result = meta.pool_proportions([10, 20, 15], [50, 80, 60])
    english = meta.describe_pool(result)
    with i18n.using("nb"):
        bokmal = meta.describe_pool(result)
        km = survival.describe_km({"A": ([5, 8, 12, 20], [1, 0, 1, 1])})
    assert english.startswith("Pooled dropout over 3 arms")
    assert bokmal.startswith("Samlet frafall over 3 armer")
    assert f"{result.estimate_pct:.1f}".replace(".", ",") in bokmal
    assert "A: 4 personer, 3 hendelser, median" in km and "dager" in km


def test_measures_power_and_breathing_messages():
    import pytest

    from course import breathing, measures, power
    from course.errors import DataError

    with i18n.using("nb"):
        lines = measures.pacs_cutoffs(16)
        with pytest.raises(DataError, match="0,05 er det vanlige valget"):
            power.n_per_arm(0.3, alpha=2)
        summary = breathing.breathing_spectrum(6).summary()
    assert lines[0].startswith("total >= 15: nådd (sensitivitet 67 %")
    assert lines[1].startswith("total > 20: ikke nådd")
    assert measures.pacs_cutoffs(16)[0].startswith("total >= 15: reached")
    assert summary.startswith("Pust 6 ganger i minuttet (0,100 Hz)")
    assert "i LF-båndet" in summary
