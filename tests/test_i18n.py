"""The bokmål edition's machinery: language choice, messages, catalogues, drift and the generated notebooks."""

from __future__ import annotations

import shutil

import nbformat
import pytest

from course import i18n
from course.i18n import build as edition
from course.i18n import catalogues, checks, drafts, lab
from course.paths import MODULES_DIR

LESSON = MODULES_DIR / "02-exposure-critique" / "02-what-dropout-data-say.ipynb"


# --- which language a kernel speaks -------------------------------------------------------------

def test_language_comes_from_the_environment_then_the_folder_marker(tmp_path, monkeypatch):
    monkeypatch.delenv(i18n.ENV, raising=False)
    deep = tmp_path / "student-nb" / "01-module"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert i18n.language() == "en"
    (tmp_path / "student-nb" / i18n.MARKER).write_text("nb\n")
    i18n._language_of_folder.cache_clear()
    assert i18n.language() == "nb"          # found in a parent folder
    monkeypatch.setenv(i18n.ENV, "en")
    assert i18n.language() == "en"          # the environment has the last word
    monkeypatch.setenv(i18n.ENV, "no_NO")
    assert i18n.language() == "nb"
    with i18n.using("en"):
        assert i18n.language() == "en"
    with pytest.raises(ValueError, match="not 'fr'"):
        with i18n.using("fr"):
            pass


def test_numbers_are_written_the_norwegian_way_only_in_bokmal():
    message = "{share:.1f} % of {n:,} people"   # not in any catalogue: the English comes back
    with i18n.using("en"):
        assert i18n.tr(message, share=14.7, n=12345) == "14.7 % of 12,345 people"
    with i18n.using("nb"):
        assert i18n.tr(message, share=14.7, n=12345) == "14,7 % of 12\u00a0345 people"
        assert i18n.tr("{label} {x}", label="v1.2", x=3) == "v1.2 3"   # text fields are left alone
        assert i18n.format_number(0.63, ".2f") == "0,63"


def test_a_translated_message_comes_back_in_bokmal(monkeypatch):
    fake = {(None, "Hello {name}"): "Hei {name}", (None, "One"): "Én"}
    monkeypatch.setattr(catalogues, "runtime_messages", lambda lang: fake)
    with i18n.using("nb"):
        assert i18n.tr("Hello {name}", name="Kari") == "Hei Kari"
        assert i18n.ntr("One", "{n} things", 1) == "Én"
        assert i18n.ntr("One", "{n} things", 3) == "3 things"  # untranslated: English
        assert i18n._("Not in the catalogue") == "Not in the catalogue"
    assert i18n.tr("Hello {name}", name="Kari") == "Hello Kari"


# --- catalogues ------------------------------------------------------------------------------------

def test_every_notebook_has_a_catalogue_holding_its_markdown_cells_by_id():
    found = catalogues.templates()
    for notebook in catalogues.notebooks():
        path = catalogues.notebook_catalogue(notebook)
        assert path in found, notebook
        nb = nbformat.read(notebook, as_version=4)
        wanted = {f"cell {c.id}" for c in nb.cells if c.cell_type == "markdown" and c.source.strip()
                  and not catalogues.is_references_cell(c)}
        assert wanted == {e.context for e in found[path] if e.context}, notebook


def test_code_strings_marked_with_tr_are_extracted_with_their_fields():
    entries = catalogues.strings_in_code('print(tr("{n} beats in {s:.0f} s", n=3, s=2.0))\n'
                                         'x = "not marked"\nntr("{n} arm", "{n} arms", k)\n', "x.py")
    assert [e.msgid for e in entries] == ["{n} beats in {s:.0f} s", "{n} arm", "{n} arms"]


def test_faithfulness_catches_lost_numbers_citations_links_and_code():
    english = ("Dropout was 14.7% in 1,234 people ([Ong et al. 2016](#ref-ong2016)); "
               "see `dropout_pct` and <https://example.org/x>.")
    good = ("Frafallet var 14,7 % blant 1 234 personer ([Ong et al. 2016](#ref-ong2016)); "
            "se `dropout_pct` og <https://example.org/x>.")
    assert checks.faithfulness(english, good) == []
    assert any("numbers" in p and "14.7" in p for p in checks.faithfulness(english, good.replace("14,7", "15")))
    assert any("citation keys" in p for p in checks.faithfulness(english, good.replace("#ref-ong2016", "#ref-x")))
    assert any("code" in p for p in checks.faithfulness(english, good.replace("`dropout_pct`", "dropout_pct")))
    assert any("links" in p for p in checks.faithfulness(english, good.replace("example.org/x", "example.org/y")))
    assert any("{fields}" in p for p in checks.faithfulness("{n} arms", "{k} armer", is_cell=False))


def test_drafts_round_trip_and_refuse_english_that_does_not_match(tmp_path):
    catalogue = tmp_path / "lesson.po"
    catalogues.save(catalogues.merge([catalogues.Entry("# Hello\n\nTwo lines.", "cell abc"),
                                      catalogues.Entry("{n} arms")], catalogues.load(catalogue)), catalogue)
    draft = drafts.export(catalogue)
    assert "##### cell abc\n----- en\n# Hello\n\nTwo lines.\n----- nb\n" in draft
    filled = draft.replace("Two lines.\n----- nb\n", "Two lines.\n----- nb\n# Hei\n\nTo linjer.\n", 1)
    filled = filled.replace("{n} arms\n----- nb\n", "{n} arms\n----- nb\n{n} armer\n", 1)
    assert drafts.import_draft(catalogue, filled) == 2
    loaded = catalogues.load(catalogue)
    assert loaded.get("# Hello\n\nTwo lines.", context="cell abc").string == "# Hei\n\nTo linjer."
    assert loaded.get("{n} arms").string == "{n} armer"
    assert drafts.export(catalogue, untranslated_only=True) == "\n"
    with pytest.raises(drafts.DraftError, match="no entry 'cell abc'"):
        drafts.import_draft(catalogue, "##### cell abc\n----- en\nOther English\n----- nb\nAnnet\n")


def test_a_changed_english_cell_keeps_its_translation_but_is_marked_fuzzy(tmp_path):
    catalogue = tmp_path / "lesson.po"
    catalogues.save(catalogues.merge([catalogues.Entry("Old English", "cell abc")], catalogues.load(catalogue)),
                    catalogue)
    drafts.import_draft(catalogue, "##### cell abc\n----- en\nOld English\n----- nb\nGammel norsk\n")
    merged = catalogues.merge([catalogues.Entry("New English", "cell abc")], catalogues.load(catalogue))
    message = merged.get("New English", context="cell abc")
    assert message.string == "Gammel norsk" and "fuzzy" in message.flags
    assert message.previous_id == ["Old English"]


def test_a_long_previous_english_survives_saving_and_loading_again(tmp_path):
    """Babel wraps a long previous msgid like prose and cannot read it back; load() puts it together again."""
    old = ("## The modules\n\nEach module stands on its own, but they \"work\" best in order. " * 4).strip()
    catalogue = tmp_path / "lesson.po"
    catalogues.save(catalogues.merge([catalogues.Entry(old, "cell abc")], catalogues.load(catalogue)), catalogue)
    drafts.import_draft(catalogue, f"##### cell abc\n----- en\n{old}\n----- nb\nGammel norsk\n")
    catalogues.save(catalogues.merge([catalogues.Entry("New English", "cell abc")], catalogues.load(catalogue)),
                    catalogue)
    assert "#| msgid" in catalogue.read_text(encoding="utf-8")  # written wrapped, over several lines
    for _ in range(2):  # as `python -m course.i18n update` does, again and again
        message = catalogues.load(catalogue).get("New English", context="cell abc")
        assert message.previous_id == [old] and message.user_comments == [] and "fuzzy" in message.flags
        catalogues.save(catalogues.merge([catalogues.Entry("New English", "cell abc")],
                                         catalogues.load(catalogue)), catalogue)
    assert "# |" not in catalogue.read_text(encoding="utf-8")


# --- drift: CI fails when the English changes and the bokmål does not follow ------------------------

def _copy_modules(tmp_path):
    copy = tmp_path / "modules"
    shutil.copytree(MODULES_DIR, copy, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return copy


def test_changing_one_english_cell_makes_the_check_fail_and_name_the_cell(tmp_path):
    copy = _copy_modules(tmp_path)
    lesson = copy / LESSON.relative_to(MODULES_DIR)
    nb = nbformat.read(lesson, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown" and "dropout matters" in c.source)
    cell.source += "\n\nA sentence added to the English after the translation was made."
    nbformat.write(nb, lesson)
    found = checks.problems("nb", only=LESSON.stem, modules_dir=copy)
    named = [p for p in found if f"cell {cell.id}" in p]
    assert named and all(("stale" in p) or ("no translation" in p) for p in named), found


def test_a_new_english_message_in_code_makes_the_check_fail(tmp_path):
    copy = _copy_modules(tmp_path)
    lesson = copy / LESSON.relative_to(MODULES_DIR)
    nb = nbformat.read(lesson, as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.source += '\nprint(tr("A brand-new message nobody has translated"))'
    nbformat.write(nb, lesson)
    found = checks.problems("nb", only=LESSON.stem, modules_dir=copy)
    assert any("A brand-new message nobody has translated" in p and "no translation" in p for p in found), found


# --- the generated edition ------------------------------------------------------------------------

def test_the_generated_notebooks_share_every_code_cell_id_and_grade_id(tmp_path):
    written = edition.build(tmp_path / "modules", "nb")
    assert len(written) == len(catalogues.notebooks())
    for target in written:
        source = nbformat.read(MODULES_DIR / target.relative_to(tmp_path / "modules"), as_version=4)
        built = nbformat.read(target, as_version=4)
        assert [c.id for c in built.cells] == [c.id for c in source.cells]
        for old, new in zip(source.cells, built.cells):
            assert old.metadata.get("nbgrader") == new.metadata.get("nbgrader")
            if old.cell_type == "code":
                assert old.source == new.source
                assert new.outputs == [] and edition.CHECK_OUTPUT_TAG not in new.metadata.get("tags", [])
        assert built.metadata["course"]["language"] == "nb"
        assert (target.parent / i18n.MARKER).read_text().strip() == "nb"
    assert (tmp_path / "modules" / i18n.MARKER).exists()


def test_a_finished_translation_replaces_the_english_and_an_unfinished_one_does_not(tmp_path, monkeypatch):
    nb = nbformat.read(LESSON, as_version=4)
    first, second = [c for c in nb.cells if c.cell_type == "markdown"][:2]
    fake = catalogues.merge([catalogues.Entry(first.source, "cell " + first.id),
                             catalogues.Entry(second.source, "cell " + second.id)], catalogues.load(tmp_path / "x"))
    fake.get(first.source, context="cell " + first.id).string = "# Leksjon 2"
    monkeypatch.setattr(edition, "cell_translations",
                        lambda *a, **k: {m.context[5:]: m for m in fake if m.id})
    built = edition.translate_notebook(LESSON, "nb")
    cells = {c.id: c.source for c in built.cells}
    assert cells[first.id] == "# Leksjon 2"
    assert cells[second.id] == second.source
    with pytest.raises(edition.MissingTranslation, match=second.id):
        edition.translate_notebook(LESSON, "nb", strict=True)
    refs = [c for c in built.cells if catalogues.is_references_cell(c)]
    assert refs and refs[0].source.startswith("## Referanser")


def test_jupyterlab_settings_choose_the_norwegian_language_pack_and_keep_a_learners_choice(tmp_path):
    import importlib.metadata as md
    import json

    path = lab.write_settings(tmp_path, "nb")
    assert json.loads(path.read_text())["locale"] == "no_NO"
    packs = {ep.name for ep in md.entry_points(group="jupyterlab.languagepack")}
    assert "no_NO" in packs, "jupyterlab-language-pack-no-NO is not installed"
    path.write_text('{"locale": "en"}')
    lab.write_settings(tmp_path, "nb")
    assert json.loads(path.read_text())["locale"] == "en"


def test_a_draft_matches_english_that_ends_in_a_newline(tmp_path):
    catalogue = tmp_path / "lesson.po"
    catalogues.save(catalogues.merge([catalogues.Entry("{n} claims\n")], catalogues.load(catalogue)), catalogue)
    draft = drafts.export(catalogue).replace("----- nb\n", "----- nb\n{n} påstander\n", 1)
    assert drafts.import_draft(catalogue, draft) == 1
    assert catalogues.load(catalogue).get("{n} claims\n").string == "{n} påstander\n"


def test_per_cent_gets_a_space_in_bokmal():
    with i18n.using("nb"):
        assert i18n.tr("{share:.0%} of people", share=0.5) == "50\u00a0% of people"
        assert i18n.format_number(0.125, ".1%") == "12,5\u00a0%"
    assert i18n.tr("{share:.0%} of people", share=0.5) == "50% of people"
