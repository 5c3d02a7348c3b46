"""Course content kept as data (``course/content/``): what it holds, its schema checks, no answers in plain text."""

from __future__ import annotations

import re
import tomllib

import pytest
from test_claims import PRACTICE_ALSO_RIGHT, PRACTICE_KEY
from test_evidence_check import KEY as SEED_001_KEY
from test_evidence_check import SEED_000_KEY
from test_mbrp_evidence import KEY as SEED_002_KEY

from course import claims, content, evidence_check, mbrp_evidence, references, verdicts
from course.errors import DataError
from course.paths import REPO_ROOT

EXERCISES = [(evidence_check.SEED_001, SEED_001_KEY), (evidence_check.SEED_000, SEED_000_KEY),
             (mbrp_evidence.SEED_002_CLAIMS, SEED_002_KEY), (claims.PRACTICE, PRACTICE_KEY)]


# --------------------------------------------------------------------------- what the files hold

def test_loaded_tables_hold_what_the_code_held():
    assert [len(key.rows) for key, _ in EXERCISES] == [7, 9, 12, 7]
    assert [key.name for key, _ in EXERCISES] == ["seed001", "seed000", "seed002", "claims-m02"]
    first = evidence_check.SEED_001.table().iloc[0]
    assert first.ref_id == "delooff2018"
    assert first.as_cited.startswith("de Looff, Cornet, Embregts, Nijman & Didden (2018). 'Associations of")
    assert first.what_the_check_found.endswith("the links with heart rate and HRV were for job stress.")
    garland = mbrp_evidence.SEED_002_CLAIMS.table().set_index("claim_id").loc["garland2022"]
    assert "45.0 % of the MORE group versus 24.4 % of the supportive-therapy group" in garland.what_the_check_found
    assert claims.PRACTICE.table().iloc[-1].statement_id == "g_stabilise_first"
    assert list(evidence_check.VERDICTS) == ["verified", "verified with errors", "mixed up", "not found",
                                             "not a research source"]
    assert list(mbrp_evidence.CLAIM_VERDICTS) == ["accurate", "partly accurate", "overstated", "wrong details",
                                                  "not found"]


def test_loaded_claims_hold_what_the_code_held():
    assert [c.claim_id for c in claims.CLAIMS] == ["standard_method", "dropout_half", "poorly_tolerated",
                                                   "complex_trauma", "low_effect", "relapse_common",
                                                   "causes_harm", "insight_alternative"]
    assert [len(c.evidence) for c in claims.CLAIMS] == [3, 7, 4, 5, 3, 4, 3, 1]
    assert [len(c.numbers) for c in claims.CLAIMS] == [0, 7, 6, 2, 4, 2, 2, 0]
    dropout = claims.by_id("dropout_half")
    assert dropout.numbers[3] == ("Guideline therapies (Varker)", 20.9, False)
    assert dropout.evidence[0].finding == ("Pooled dropout across randomised trials of psychological therapies "
                                           "for adult PTSD: 16% (95% CI 14-18%).")
    assert dropout.evidence[4].label == "Medium" and dropout.unit == "% who dropped out"
    assert claims.LABELS == ("High", "Medium")
    assert isinstance(claims.CLAIMS[0], claims.Claim) and isinstance(dropout.evidence[0], claims.Evidence)


def test_estimates_have_their_columns_and_kinds():
    table = mbrp_evidence.effect_estimates()
    assert list(table.columns) == mbrp_evidence.ESTIMATE_COLUMNS and len(table) == 6
    assert table["estimate"].dtype == float
    assert table.iloc[2].to_dict() == {"source": "li2017", "outcome": "Craving",
                                       "comparison": "mindfulness treatments vs controls (7 RCTs)", "scale": "SMD",
                                       "estimate": -0.63, "ci_low": -1.17, "ci_high": -0.08,
                                       "certainty": "conference-abstract figures"}


def test_every_citation_key_resolves_in_references_json():
    known = references.load()
    cited = {k for c in claims.CLAIMS for k in c.keys()} | set(mbrp_evidence.effect_estimates()["source"])
    assert cited and cited <= set(known), sorted(cited - set(known))


# --------------------------------------------------------------------------- the hashed keys

@pytest.mark.parametrize("key,plain", EXERCISES, ids=lambda x: getattr(x, "name", ""))
def test_the_stored_hashes_still_match_the_existing_keys(key, plain):
    for item_id, verdict in plain.items():
        assert verdicts.verdict_digest(key.name, item_id, verdict) in key.answer_hashes[item_id], item_id
    assert key.number_correct(plain) == len(plain)
    assert key.points_earned(plain, 3) == 3


def _plain_key_hits(text: str, plain: dict) -> list:
    hits = []
    for item_id, verdict in plain.items():
        pattern = rf"""["']?{re.escape(item_id)}["']?\s*[:=]\s*["']{re.escape(verdict)}["']"""
        hits += [m.group(0) for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    return hits


@pytest.mark.parametrize("key,plain", EXERCISES, ids=lambda x: getattr(x, "name", ""))
def test_every_sealed_note_opens_with_a_right_verdict(key, plain):
    """A note in [section.why] is sealed with the item's accepted verdicts, so the right answer opens it."""
    assert set(key.earned_notes(plain)) == set(key.notes)
    for item_id in key.notes:
        assert len(key.answer_hashes[item_id]) > 1, f"{item_id} has a note but only one accepted verdict"
        wrong = next(w for w in key.verdicts if not key._is_right(item_id, w))
        assert item_id not in key.earned_notes(dict(plain, **{item_id: wrong}))


def test_no_plain_answer_key_anywhere_in_the_package_or_its_data():
    files = [p for p in (REPO_ROOT / "course").rglob("*") if p.is_file() and p.suffix in {".py", ".toml", ".csv",
                                                                                          ".json", ".md", ".txt"}]
    assert any(p.suffix == ".toml" for p in files) and any(p.suffix == ".csv" for p in files)
    for path in files:
        text = path.read_text(encoding="utf-8", errors="ignore")
        for plain in [plain for _, plain in EXERCISES] + [PRACTICE_ALSO_RIGHT]:
            assert _plain_key_hits(text, plain) == [], path.relative_to(REPO_ROOT)


def test_the_plain_key_search_would_find_a_leak():
    assert _plain_key_hits('grossi2015 = "mixed up"\n', SEED_001_KEY)
    assert _plain_key_hits('{"d_harms_rare": "not quantified"}', PRACTICE_KEY)


def test_the_package_data_ships_every_content_file():
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["course.content"]
    for path in content.CONTENT_DIR.iterdir():
        if path.is_file() and path.suffix != ".py":
            assert any(path.match(p) for p in patterns), path.name


# --------------------------------------------------------------------------- broken files are explained

EXERCISE_TOML = '''
[verdicts]
right = "it holds"
wrong = "it does not"

[quiz]
name = "quiz"
item = "statement"
variable = "verdicts"
agreement = "match the key"
hint = "Reread them."
columns = ["statement_id", "statement"]

[[quiz.items]]
statement_id = "a"
statement = "The sky is blue."

[[quiz.items]]
statement_id = "b"
statement = "Water is dry."

[quiz.key]
a = "HASH_A"
b = ["HASH_B", "HASH_B2"]
'''


def _exercise(tmp_path, old: str = "", new: str = ""):
    text = EXERCISE_TOML.replace("HASH_A", verdicts.verdict_digest("quiz", "a", "right")) \
        .replace("HASH_B2", verdicts.verdict_digest("quiz", "b", "right")) \
        .replace("HASH_B", verdicts.verdict_digest("quiz", "b", "wrong"))
    path = tmp_path / "quiz.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_well_formed_exercise_file_loads_with_two_accepted_verdicts(tmp_path):
    key = content.verdict_key(_exercise(tmp_path), "quiz")
    key.require_all_correct({"a": "right", "b": "wrong"})
    key.require_all_correct({"a": "right", "b": "right"})
    assert key.number_correct({"a": "wrong", "b": "wrong"}) == 1


@pytest.mark.parametrize("old,new,words", [
    ('statement = "Water is dry."', 'statement = "Water is dry.', "not valid TOML"),
    ('hint = "Reread them."\n', "", "hint are missing"),
    ('hint = "Reread them."', 'hint = "Reread them."\nhnit = "typo"', "unknown field(s) hnit"),
    ('columns = ["statement_id", "statement"]', 'columns = "statement_id"', "should hold a list of texts"),
    ('statement = "The sky is blue."', 'statement = 3', "item 1: the field 'statement' should hold a piece of text"),
    ('statement_id = "b"', 'statement_id = "a"', "appear more than once"),
    ("[quiz.key]\na = ", "[quiz.key]\nc = ", "same order"),
    ('right = "it holds"', 'Right = "it holds"', "lower case"),
    ('\na = "', '\na = "zz', "8-character hash"),
    ("[verdicts]", "[words]", "[verdicts] table"),
])
def test_a_broken_exercise_file_is_explained(tmp_path, old, new, words):
    with pytest.raises(DataError) as caught:
        content.verdict_key(_exercise(tmp_path, old, new), "quiz")
    assert words in str(caught.value)
    assert "quiz.toml" in str(caught.value)


WHY_B = "Both fair: the statement is wrong, but one could read it as right."


def _with_notes(tmp_path, why: str):
    path = _exercise(tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + "\n[quiz.why]\n" + why, encoding="utf-8")
    return path


def test_sealed_notes_load_and_open_only_with_an_accepted_verdict(tmp_path, capsys):
    sealed = verdicts.VerdictKey.seal_notes("quiz", {"b": (["wrong", "right"], WHY_B)})["b"]
    key = content.verdict_key(_with_notes(tmp_path, f'b = ["{sealed[0]}", "{sealed[1]}"]\n'), "quiz")
    assert key.notes == {"b": sealed}
    assert key.earned_notes({"a": "right", "b": "right"}) == {"b": WHY_B}
    assert key.earned_notes({"a": "right", "b": "wrong"}) == {"b": WHY_B}
    assert key.points_earned({"a": "wrong", "b": "wrong"}, 2) == 1
    assert f"About b: {WHY_B}" in capsys.readouterr().out
    single = content.verdict_key(_with_notes(tmp_path, f'b = "{sealed[0]}"\n'), "quiz")
    assert single.earned_notes({"a": "right", "b": "wrong"}) == {"b": WHY_B}
    assert single.earned_notes({"a": "right", "b": "right"}) == {}
    assert content.verdict_key(_exercise(tmp_path), "quiz").notes == {}


@pytest.mark.parametrize("why,words", [
    ('c = "{s}"\n', "has a note for 'c', which is not an item of the exercise; the items are a, b"),
    ('b = "Both fair: the statement is wrong."\n', "the note of b in [quiz.why] should be a sealed note"),
    ('b = "abc"\n', "should be a sealed note"),
    ('b = "{s}0"\n', "should be a sealed note"),
    ('b = "{S}"\n', "should be a sealed note"),
    ("b = []\n", "should be a sealed note"),
    ("b = 3\n", "should be a sealed note"),
    ('a = ["{s}", "{s}"]\n', "a has 2 sealed notes in [quiz.why] but accepts only 1 verdict"),
    ('why = "{s}"\n', "not an item"),
])
def test_a_broken_notes_table_is_explained(tmp_path, why, words):
    sealed = verdicts.seal_note("quiz", "b", "wrong", WHY_B)
    with pytest.raises(DataError) as caught:
        content.verdict_key(_with_notes(tmp_path, why.format(s=sealed, S=sealed.upper())), "quiz")
    assert words in str(caught.value) and "quiz.toml" in str(caught.value)


def test_a_notes_table_that_is_not_a_table_is_explained(tmp_path):
    path = _exercise(tmp_path, 'hint = "Reread them."', 'hint = "Reread them."\nwhy = "plain text"')
    with pytest.raises(DataError, match="the field 'why' should hold a table"):
        content.verdict_key(path, "quiz")


def test_a_missing_file_or_exercise_is_explained(tmp_path):
    with pytest.raises(DataError, match="is missing"):
        content.read_toml(tmp_path / "nothing.toml")
    with pytest.raises(DataError, match=r"no exercise called \[other\]"):
        content.verdict_key(_exercise(tmp_path), "other")


def _claims_file(tmp_path, old: str, new: str):
    text = (content.CONTENT_DIR / claims.CONTENT_FILE).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "claims.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_claims_file_loads_from_any_path(tmp_path):
    assert claims.load_claims(_claims_file(tmp_path, "[[claims]]", "[[claims]]")) == claims.CLAIMS


@pytest.mark.parametrize("old,new,words", [
    ('verdict = "supported"', 'verdict = "true"', "claim 1 (standard_method): the verdict 'true' is not one of"),
    ('label = "High"', 'label = "Low"', "evidence label 'Low' is not one that may be taught"),
    ("value = 16.0", 'value = "16"', "the field 'value' should hold a number"),
    ('claim_id = "dropout_half"', 'claim_id = "standard_method"', "its own claim_id"),
    ('unit = "% who dropped out"\n', "", "needs their unit"),
    ('why = "The article', 'wy = "The article', "the field(s) why are missing"),
])
def test_a_broken_claims_file_is_explained(tmp_path, old, new, words):
    with pytest.raises(DataError) as caught:
        claims.load_claims(_claims_file(tmp_path, old, new))
    assert words in str(caught.value)
    assert "claims.toml" in str(caught.value)


ESTIMATES_CSV = """source,outcome,comparison,scale,estimate,ci_low,ci_high,certainty
grant2017,Relapse,MBRP vs comparators,odds ratio,0.72,0.46,1.13,low quality
"""


@pytest.mark.parametrize("old,new,words", [
    ("0.72,0.46", "0.72,0.80", "line 2: the interval 0.8 to 1.13 should contain the estimate 0.72"),
    ("0.72,", "about 0.7,", "line 2: column 'estimate' should hold numbers"),
    ("odds ratio", "hazard ratio", "the scale should be one of SMD, odds ratio"),
    ("0.72,0.46,1.13", "0.72,,1.13", "every column needs a value"),
    (",certainty", "", "lacks the column(s) certainty"),
])
def test_a_broken_estimates_file_is_explained(tmp_path, old, new, words):
    path = tmp_path / "estimates.csv"
    path.write_text(ESTIMATES_CSV, encoding="utf-8")
    assert len(content.read_estimates(path)) == 1
    path.write_text(ESTIMATES_CSV.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        content.read_estimates(path)
    assert words in str(caught.value) and "estimates.csv" in str(caught.value)
    with pytest.raises(DataError, match="is missing"):
        content.read_estimates(tmp_path / "none.csv")
