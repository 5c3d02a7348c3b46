"""course.protocol: the MBRP session plan, every checker rule (pass and fail), arithmetic and exports."""

from __future__ import annotations

import datetime
import html.parser
import io
import json

import pandas as pd
import pytest

from course import protocol
from course.paths import REFERENCES_FILE

GOOD = protocol.EXAMPLE_PLAN


def plan(**changes):
    return {**GOOD, **changes}


def rules(p, severity=None):
    return {w.rule for w in protocol.check_protocol(p) if severity is None or w.severity == severity}


def only(p, rule):
    found = [w for w in protocol.check_protocol(p) if w.rule == rule]
    assert len(found) == 1, found
    return found[0]


# --- the session plan --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sessions():
    return protocol.load_session_plan()


def test_session_plan_has_the_eight_published_themes(sessions):
    assert list(sessions["session"]) == list(range(1, 9))
    assert tuple(sessions["theme"]) == protocol.THEMES
    assert set(sessions["duration_min"]) == {120}
    assert sessions["session"].dtype.kind == "i"


def test_core_practices_appear_where_the_published_tables_put_them(sessions):
    def first(practice):
        return next(int(r.session) for r in sessions.itertuples() if practice in r.core_practices)

    assert first("raisin") == 1 and first("body scan") == 1
    assert first("urge surfing") == 2
    assert first("SOBER breathing space") == 3
    assert first("loving-kindness") == 7
    assert "lapse versus relapse" in sessions.loc[sessions["session"] == 6, "topics"].item()
    counts = [len(protocol.practices(c)) for c in sessions["core_practices"]]
    assert max(counts) == protocol.MAX_PUBLISHED_PRACTICES == 4 and min(counts) == 1


def test_every_source_key_exists(sessions):
    known = {entry["id"] for entry in json.loads(REFERENCES_FILE.read_text(encoding="utf-8"))}
    keys = {k for cell in sessions["source_keys"] for k in protocol.practices(cell)}
    assert keys == {"zgierska2017", "hemenway2021", "bowen2011manual", "nct01159535"}
    assert keys <= known


def test_broken_session_plan_is_explained(tmp_path, monkeypatch):
    from course.errors import DataError

    (tmp_path / protocol.SESSION_PLAN_FILE).write_text("session,theme\n1,x\n")
    monkeypatch.setenv("COURSE_DATASETS", str(tmp_path))
    with pytest.raises(DataError, match="lacks the column"):
        protocol.load_session_plan()


# --- schema -----------------------------------------------------------------------------


def test_validate_plan_cleans_and_orders():
    clean = protocol.validate_plan(plan(sessions=8.0, measures=["practice_log", "PACS", "PACS"], name="  A  "))
    assert clean["sessions"] == 8 and isinstance(clean["sessions"], int)
    assert clean["measures"] == ["PACS", "practice_log"]
    assert clean["name"] == "A" and clean["notes"] == ""


@pytest.mark.parametrize("bad, words", [
    ([1, 2], "dictionary"),
    ({k: v for k, v in GOOD.items() if k != "group_size"}, "lacks the field"),
    (plan(colour="blue"), "does not know"),
    (plan(sessions="8"), "whole number"),
    (plan(sessions=True), "whole number"),
    (plan(session_minutes=90.5), "whole number"),
    (plan(group_size=0), "accepts"),
    (plan(screening="acute_psychosis"), "should be a list"),
    (plan(measures=["BDI"]), "does not know"),
    (plan(notes=3), "should be text"),
    (plan(deviations="shorter"), "should be a dictionary"),
    (plan(deviations={"colour": "we like blue rooms very much"}), "does not have"),
    (plan(deviations={"session-length": 90}), "should be text"),
])
def test_schema_problems_are_sentences(bad, words):
    with pytest.raises(protocol.PlanError, match=words):
        protocol.validate_plan(bad)


# --- every rule, pass and fail -------------------------------------------------------------


def test_the_example_plan_has_only_the_home_practice_note():
    warnings = protocol.check_protocol(GOOD)
    assert [(w.rule, w.severity) for w in warnings] == [("home-practice-dose", "note")]
    assert "10-20 minutes" in warnings[0].message and "could not verify" in warnings[0].message
    assert "dose that changes outcomes is unknown" in warnings[0].message
    assert protocol.problems(warnings) == []


def test_sessions_rule():
    assert "sessions" not in rules(plan(sessions=8))
    w = only(plan(sessions=6), "sessions")
    assert w.severity == "problem" and "fewer than the 8" in w.message and "nct01159535" in w.citation
    assert only(plan(sessions=10), "sessions").severity == "caution"


def test_session_length_rule_calls_the_seeds_60_to_90_minutes_untested_not_wrong():
    assert not {"session-length", "session-length-long"} & rules(plan(session_minutes=120))
    for minutes in (60, 90, 105):
        w = only(plan(session_minutes=minutes), "session-length")
        assert w.severity == "caution" and "shorter than the trial protocol" in w.message
        assert "untested rather than wrong" in w.message and "record why" in w.message
        assert w.citation == "nct01159535"
    assert only(plan(session_minutes=150), "session-length-long").severity == "caution"


@pytest.mark.parametrize("size, severity", [(10, None), (14, None), (15, "problem"), (24, "problem"),
                                            (9, "note"), (6, "note"), (5, "caution"), (2, "caution")])
def test_group_size_rule(size, severity):
    found = [w for w in protocol.check_protocol(plan(group_size=size)) if w.rule == "group-size"]
    assert [w.severity for w in found] == ([severity] if severity else [])


def test_facilitators_rule():
    assert "facilitators" not in rules(plan(facilitators=2))
    assert "facilitators" not in rules(plan(facilitators=3))
    w = only(plan(facilitators=1), "facilitators")
    assert w.severity == "problem" and "two therapists" in w.message


def test_practices_rule():
    for n in (1, 4):
        assert "practices" not in rules(plan(practices_per_session=n))
    assert only(plan(practices_per_session=0), "practices").severity == "problem"
    assert only(plan(practices_per_session=5), "practices").severity == "caution"


def test_home_practice_rules():
    none = protocol.check_protocol(plan(home_practice_min_per_day=0))
    assert [w.severity for w in none if w.rule == "home-practice"] == ["problem"]
    assert not [w for w in none if w.rule == "home-practice-dose"]
    assert "home-practice" not in rules(plan(home_practice_min_per_day=45))
    assert only(plan(home_practice_min_per_day=60), "home-practice").severity == "caution"
    assert only(plan(home_practice_min_per_day=5), "home-practice-dose").severity == "note"


@pytest.mark.parametrize("screen, rule", [("acute_psychosis", "screen-psychosis"),
                                          ("acute_withdrawal_or_crisis", "screen-withdrawal-crisis"),
                                          ("cognitive_impairment", "screen-cognitive")])
def test_each_screen_from_the_trials_exclusions_is_outside_the_evidence_base(screen, rule):
    left_out = [s for s in protocol.SCREENING if s != screen]
    w = only(plan(screening=left_out), rule)
    assert w.severity == "problem" and "nct01159535" in w.citation and "course guidance" not in w.citation
    assert "excluded" in w.message and ("outside the evidence base" in w.message or "does not cover" in w.message)
    assert rule not in rules(GOOD)


def test_trauma_screen_is_course_guidance_and_intoxication_plan_a_caution():
    w = only(plan(screening=[s for s in protocol.SCREENING if s != "trauma_screening_and_referral"]), "screen-trauma")
    assert w.severity == "problem" and "course guidance" in w.citation
    w = only(plan(screening=[s for s in protocol.SCREENING if s != "intoxication_plan"]), "intoxication-plan")
    assert w.severity == "caution" and w.citation == "course guidance"
    assert "intoxicated or sedated" in w.message and "opioid agonist" in w.message


def test_no_screening_at_all_gives_four_problems():
    assert {"screen-psychosis", "screen-withdrawal-crisis", "screen-cognitive", "screen-trauma"} <= rules(
        plan(screening=[]), "problem")


def test_assessment_rules():
    assert only(plan(assessments=["post", "6m", "12m"]), "baseline").severity == "problem"
    assert only(plan(assessments=["baseline", "post"]), "follow-up").severity == "problem"
    assert only(plan(assessments=["baseline", "3m", "6m"]), "follow-up").severity == "caution"
    # the Bowen 2014 schedule (baseline, 3, 6, 12 months; no post) passes
    assert not {"baseline", "follow-up"} & rules(plan(assessments=["baseline", "3m", "6m", "12m"]))


def test_measure_rules():
    w = only(plan(measures=["FFMQ", "days_of_use", "attendance", "practice_log"]), "craving-measure")
    assert w.severity == "problem" and "grant2017" in w.citation
    assert only(plan(measures=["PACS", "attendance", "practice_log", "FFMQ"]), "use-measure").severity == "problem"
    for use in ("time_to_first_use", "days_of_use"):
        assert "use-measure" not in rules(plan(measures=["PACS", use]))
    assert only(plan(measures=["PACS", "days_of_use"]), "attendance").severity == "caution"
    assert only(plan(measures=["PACS", "days_of_use"]), "practice-log").severity == "caution"
    assert only(plan(measures=["PACS", "days_of_use"]), "ffmq").severity == "note"


#: For every row of the checker's table, a plan (changes to the example plan) that makes it fire.
FIRES = {
    ("sessions", "problem"): {"sessions": 6},
    ("sessions", "caution"): {"sessions": 10},
    ("session-length", "caution"): {"session_minutes": 90},
    ("session-length-long", "caution"): {"session_minutes": 150},
    ("group-size", "problem"): {"group_size": 15},
    ("group-size", "caution"): {"group_size": 5},
    ("group-size", "note"): {"group_size": 9},
    ("facilitators", "problem"): {"facilitators": 1},
    ("practices", "problem"): {"practices_per_session": 0},
    ("practices", "caution"): {"practices_per_session": 5},
    ("home-practice", "problem"): {"home_practice_min_per_day": 0},
    ("home-practice", "caution"): {"home_practice_min_per_day": 60},
    ("home-practice-dose", "note"): {"home_practice_min_per_day": 5},
    ("screen-psychosis", "problem"): {"screening": ["acute_withdrawal_or_crisis", "trauma_screening_and_referral"]},
    ("screen-withdrawal-crisis", "problem"): {"screening": ["acute_psychosis", "trauma_screening_and_referral"]},
    ("screen-cognitive", "problem"): {"screening": ["acute_psychosis", "trauma_screening_and_referral"]},
    ("screen-trauma", "problem"): {"screening": ["acute_psychosis", "acute_withdrawal_or_crisis"]},
    ("intoxication-plan", "caution"): {"screening": ["acute_psychosis", "acute_withdrawal_or_crisis"]},
    ("baseline", "problem"): {"assessments": ["post", "3m", "6m", "12m"]},
    ("follow-up", "problem"): {"assessments": ["baseline", "post"]},
    ("follow-up", "caution"): {"assessments": ["baseline", "post", "6m"]},
    ("craving-measure", "problem"): {"measures": ["FFMQ", "days_of_use", "attendance", "practice_log"]},
    ("use-measure", "problem"): {"measures": ["PACS", "FFMQ", "attendance", "practice_log"]},
    ("attendance", "caution"): {"measures": ["PACS", "FFMQ", "days_of_use", "practice_log"]},
    ("practice-log", "caution"): {"measures": ["PACS", "FFMQ", "days_of_use", "attendance"]},
    ("ffmq", "note"): {"measures": ["PACS", "days_of_use", "attendance", "practice_log"]},
}


def test_every_row_of_the_table_can_fire():
    rows = [(r.rule, r.severity) for r in protocol.RULES]
    assert len(rows) == len(set(rows)) and set(rows) == set(FIRES), "give every new row a plan in FIRES"
    for row in protocol.RULES:
        p = protocol.validate_plan(plan(**FIRES[(row.rule, row.severity)]))
        assert row.applies(p), row.applies.__name__
        fired = [w for w in protocol.check_protocol(p) if (w.rule, w.severity) == (row.rule, row.severity)]
        assert fired == [row.warning(p)]
        assert row.severity in protocol.SEVERITIES and row.citation


def test_the_example_plan_triggers_no_row_but_the_always_on_dose_note():
    fired = [(r.rule, r.severity) for r in protocol.RULES if r.applies(protocol.validate_plan(GOOD))]
    assert fired == [("home-practice-dose", "note")]  # given whenever any home practice is planned
    dose = next(r for r in protocol.RULES if r.rule == "home-practice-dose")
    assert not dose.applies(protocol.validate_plan(plan(home_practice_min_per_day=0)))


def test_rows_that_share_an_id_never_fire_together():
    grid = [plan(sessions=s, group_size=g, practices_per_session=n, home_practice_min_per_day=m, assessments=a)
            for s in (1, 7, 8, 9) for g in (1, 5, 6, 9, 10, 14, 15) for n in (0, 1, 4, 5) for m in (0, 1, 45, 46)
            for a in (["baseline"], ["3m"], ["6m", "12m"], ["3m", "6m"])]
    for p in grid:
        ids = [w.rule for w in protocol.check_protocol(p) if w.rule != "home-practice-dose"]
        assert len(ids) == len(set(ids)), p


def test_conditions_read_as_words():
    names = [row.applies.__name__ for row in protocol.RULES]
    assert names[:3] == ["sessions < 8", "sessions > 8", "session_minutes < 120"]
    assert "6 <= group_size < 10" in names and "'acute_psychosis' not in screening" in names
    assert "none of 3m, 6m, 12m in assessments" in names


def test_every_public_function_documents_units_and_references():
    import inspect

    functions = [f for name, f in inspect.getmembers(protocol, inspect.isfunction)
                 if not name.startswith("_") and f.__module__ == protocol.__name__]
    assert len(functions) >= 15
    for func in functions:
        doc = func.__doc__ or ""
        takes_arguments = bool(inspect.signature(func).parameters)
        assert ("Parameters" in doc or not takes_arguments) and "Returns" in doc and "References" in doc, \
            func.__name__


def test_warnings_are_sorted_cited_sentences():
    worst = plan(sessions=4, session_minutes=60, group_size=20, facilitators=1, practices_per_session=0,
                 home_practice_min_per_day=0, screening=[], assessments=["post"], measures=[])
    warnings = protocol.check_protocol(worst)
    severities = [w.severity for w in warnings]
    assert severities == sorted(severities, key=protocol.SEVERITIES.index)
    assert len(protocol.problems(warnings)) == 13
    known = {e["id"] for e in json.loads(REFERENCES_FILE.read_text(encoding="utf-8"))} | {"course guidance"}
    for w in warnings:
        assert w.message.endswith(".") and (w.message[0].isupper() or w.message[0].isdigit())
        assert {c.strip() for c in w.citation.split(";")} <= known
        assert str(w).startswith(f"[{w.severity}]")
    assert protocol.summarise(warnings) == "13 problems, 4 cautions and 1 note."


# --- arithmetic --------------------------------------------------------------------------


def test_contact_and_home_practice_hours():
    assert protocol.contact_hours(8, 120) == 16.0
    assert protocol.contact_hours(8, 90) == 12.0
    assert protocol.contact_hours(0, 120) == 0.0
    assert protocol.home_practice_hours(15) == pytest.approx(14.0)  # 15 min x 56 days / 60
    assert protocol.home_practice_hours(20, weeks=4, days_per_week=5) == pytest.approx(20 * 20 / 60)


# --- exports -----------------------------------------------------------------------------


@pytest.mark.parametrize("p", [GOOD, plan(screening=[], assessments=[], measures=[], name="Tirsdag, gruppe \"B\"",
                                          notes="Line one\nline two; with a semicolon, and a comma"),
                               plan(session_minutes=90, deviations={"session-length": "Rooms, sadly; \"booked\" for 90"})])
def test_csv_round_trip(p):
    text = protocol.plan_to_csv(p)
    assert protocol.plan_from_csv(text) == protocol.validate_plan(p)
    table = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert list(table.columns) == ["field", "value"]
    assert table.set_index("field").loc["session_minutes", "value"] == str(p["session_minutes"])


def test_csv_read_back_rejects_a_broken_file():
    with pytest.raises(protocol.PlanError, match="two columns"):
        protocol.plan_from_csv("a,b\n1,2\n")
    with pytest.raises(protocol.PlanError, match="whole number"):
        protocol.plan_from_csv(protocol.plan_to_csv(GOOD).replace("sessions,8", "sessions,eight"))


class _Collector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_escapes_user_text_and_is_a_full_page():
    evil = plan(name="<script>alert(1)</script>", notes="<img src=x onerror=alert(2)> & more")
    page = protocol.plan_to_html(evil)
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&amp; more" in page
    parser = _Collector()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert parser.tags[:2] == ["html", "head"] and "table" in parser.tags
    text = "".join(parser.text)
    assert "<img src=x onerror=alert(2)> & more" in text  # shown as text, not run
    assert "Automatic pilot and relapse" in text and "16 hours" in text


def test_html_and_markdown_show_the_warnings_with_citations():
    short = plan(session_minutes=90, name="Pipe | name")
    warnings = protocol.check_protocol(short)
    md = protocol.plan_to_markdown(short, warnings)
    page = protocol.plan_to_html(short, warnings)
    assert md.startswith("# Pipe / name\n")
    for text in (md, page):
        assert "shorter than the trial protocol" in text and "nct01159535" in text
        assert "0 problems, 1 caution and 1 note." in text
    reasoned = plan(session_minutes=90, deviations={"session-length": "Rooms are booked for 90 minutes & no longer"})
    assert "Recorded reason: Rooms are booked for 90 minutes &amp; no longer" in protocol.plan_to_html(reasoned)
    assert "Recorded reason: Rooms are booked" in protocol.plan_to_markdown(reasoned)
    assert "Contact time: 12 hours" in md
    assert md.count("\n1. **Automatic pilot") == 1 and "8. **Social support" in md
    fewer = protocol.plan_to_markdown(plan(sessions=6))
    assert "6. **Seeing thoughts" in fewer and "7. **Self-care" not in fewer


def test_export_writes_three_files_and_never_overwrites(tmp_path):
    when = datetime.datetime(2026, 3, 1, 9, 30, 0)
    first = protocol.export_handout(GOOD, tmp_path, now=when)
    assert [p.name for p in first] == ["mbrp_plan-20260301-093000.md", "mbrp_plan-20260301-093000.html",
                                       "mbrp_plan-20260301-093000.csv"]
    before = {p: p.read_bytes() for p in first}
    second = protocol.export_handout(plan(sessions=6), tmp_path, now=when)
    assert [p.name for p in second] == ["mbrp_plan-20260301-093000-2.md", "mbrp_plan-20260301-093000-2.html",
                                        "mbrp_plan-20260301-093000-2.csv"]
    assert {p: p.read_bytes() for p in first} == before
    assert protocol.plan_from_csv(second[2].read_text(encoding="utf-8"))["sessions"] == 6
    assert len(list(tmp_path.iterdir())) == 6


# --- checks used by the graded exercise ----------------------------------------------------


def test_require_no_warnings_passes_and_fails_in_words():
    from course.errors import CheckFailed

    assert [w.rule for w in protocol.require_no_warnings(GOOD)] == ["home-practice-dose"]
    protocol.require_no_warnings(GOOD, severities=("problem", "caution"))
    with pytest.raises(CheckFailed, match=r"1 warning\(s\) of severity 'problem': \(1\) 5 sessions"):
        protocol.require_no_warnings(plan(sessions=5))
    protocol.require_no_warnings(plan(group_size=5))  # a caution only
    with pytest.raises(CheckFailed, match="'problem' or 'caution'"):
        protocol.require_no_warnings(plan(group_size=5), severities=("problem", "caution"))
    with pytest.raises(CheckFailed, match="does not follow the schema"):
        protocol.require_no_warnings({"sessions": 8})


REASON = "Rooms are booked for ninety minutes, so we log attendance and practice closely"


def test_require_justified_passes_the_trial_format_and_a_justified_deviation():
    protocol.require_justified(GOOD)  # the exact trial format needs no reasons
    protocol.require_justified(plan(group_size=10, facilitators=3, assessments=["baseline", "3m", "6m", "12m"]))
    short = plan(session_minutes=90, deviations={"session-length": REASON})
    warnings = protocol.require_justified(short)
    assert [w.reason for w in warnings if w.rule == "session-length"] == [REASON]
    several = plan(session_minutes=90, group_size=5, assessments=["baseline", "post", "6m"],
                   deviations={"session-length": REASON, "group-size": "A rural service: few clients start each term",
                               "follow-up": "Funding ends at six months; we will seek a 12-month check later"})
    protocol.require_justified(several)


@pytest.mark.parametrize("bad, words", [
    (plan(session_minutes=90), r"1 caution\(s\) still need a recorded reason: \(1\) 'session-length'"),
    (plan(session_minutes=90, deviations={"session-length": "shorter is fine"}), "'session-length'"),  # too short
    (plan(session_minutes=90, deviations={"group-size": REASON}), "'session-length'"),  # reason for another rule
    (plan(session_minutes=90, group_size=5, deviations={"session-length": REASON}), "'group-size'"),
    (plan(screening=["acute_psychosis"], deviations={"screen-trauma": REASON}), "severity 'problem'"),
    (plan(sessions=6, deviations={"sessions": REASON}), "severity 'problem'"),  # problems cannot be reasoned away
    ({"sessions": 8}, "does not follow the schema"),
])
def test_require_justified_fails_an_unjustified_plan_in_words(bad, words):
    from course.errors import CheckFailed

    with pytest.raises(CheckFailed, match=words):
        protocol.require_justified(bad)


def test_unjustified_lists_only_cautions_without_a_reason():
    p = plan(session_minutes=90, group_size=5, deviations={"group-size": REASON})
    assert [w.rule for w in protocol.unjustified(p)] == ["session-length"]
    assert protocol.unjustified(GOOD) == []


def test_parse_deviations_keeps_known_rules_and_returns_the_rest():
    found, skipped = protocol.parse_deviations("session-length: rooms are booked\n\nno colon here\ncolour: blue\n"
                                               "group-size:   \n")
    assert found == {"session-length": "rooms are booked"}
    assert skipped == ["no colon here", "colour: blue", "group-size:   "]
    assert protocol.parse_deviations("") == ({}, [])
