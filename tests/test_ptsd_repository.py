"""The optional PTSD-Repository download: never touches the network in tests.

The fetch function is replaced by fakes: one that fails as an offline
computer would, and one that returns a tiny Metapsy-style CSV.
"""

from __future__ import annotations

import socket
import urllib.error

import pytest

from course import ptsd_repository as repo
from course.errors import DataError

# Tiny fake in the Metapsy format: ';' separated, decimal commas, NA, a quoted field with a line break,
# one arm compared with two controls (two rows), and one arm without completion data.
FAKE_CSV = (
    '"";"study";"condition_arm1";"condition_arm2";"multi_arm1";"n_randomized_arm1";'
    '"condition_arm1.psychotherapy_subclass";"format";"military_status";"def_treatment_completion";'
    '"percent_completed";"full_ref"\n'
    '"1";"Alpha, 2001";"PE";"Waitlist";NA;40;"Trauma-focused";"Individual";"Community";'
    '"completed all 12 sessions";0,75;"Alpha A. A trial.\nSecond line."\n'
    '"2";"Alpha, 2001";"PE";"TAU";NA;40;"Trauma-focused";"Individual";"Community";'
    '"completed all 12 sessions";0,75;"Alpha A. A trial."\n'
    '"3";"Beta, 2010";"PCT";"Waitlist";NA;20;"Non-Trauma-focused";"Group";"Veterans";'
    '"6 or more sessions";0,9;"Beta B."\n'
    '"4";"Gamma, 2015";"CPT";"Waitlist";NA;30;"Trauma-focused";"Individual";"Active Duty Military";'
    'NA;NA;"Gamma C."\n'
).encode("utf-8")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail loudly if anything tries to open a real connection."""
    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to use the network")
    monkeypatch.setattr(repo.urllib.request, "urlopen", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("error", [
    urllib.error.URLError("[Errno -3] Temporary failure in name resolution"),
    socket.timeout("timed out"),
    ConnectionRefusedError(111, "Connection refused"),
])
def test_offline_raises_a_one_sentence_data_error(monkeypatch, error):
    def offline(url, timeout):
        raise error
    monkeypatch.setattr(repo, "_fetch", offline)
    with pytest.raises(DataError) as info:
        repo.download_arm_level_data()
    message = str(info.value)
    assert message.startswith("The PTSD-Repository file could not be downloaded")
    assert "the lesson works fully without it" in message
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence
    assert isinstance(info.value, ValueError)


def test_fetch_gets_the_pinned_url_and_a_short_timeout(monkeypatch, capsys):
    seen = {}

    def fake(url, timeout):
        seen.update(url=url, timeout=timeout)
        return FAKE_CSV
    monkeypatch.setattr(repo, "_fetch", fake)
    table = repo.download_arm_level_data()
    assert seen["url"] == repo.DEFAULT_URL and "23.0.3" in seen["url"]
    assert 0 < seen["timeout"] <= 10
    out = capsys.readouterr().out
    assert "10.5281/zenodo.10027042" in out and "ODC-By" in out and "National Center for PTSD" in out
    assert len(table) == 4


def test_parsing_reads_decimal_commas_na_and_quoted_line_breaks():
    table = repo.parse_metapsy_csv(FAKE_CSV)
    assert list(table["percent_completed"].iloc[:3]) == [0.75, 0.75, 0.9]
    assert table["percent_completed"].isna().iloc[3]
    assert table.loc[0, "full_ref"] == "Alpha A. A trial.\nSecond line."
    assert table["n_randomized_arm1"].tolist() == [40, 40, 20, 30]


def test_arm_completion_drops_repeats_and_missing_and_computes_dropout():
    arms = repo.arm_completion(repo.parse_metapsy_csv(FAKE_CSV))
    assert arms["study"].tolist() == ["Alpha, 2001", "Beta, 2010"]
    assert arms["dropout_pct"].tolist() == pytest.approx([25.0, 10.0])
    assert arms["dropouts_est"].tolist() == [10, 2]
    assert repo.pooled_dropout_pct(arms) == pytest.approx(100 * 12 / 60)
    assert arms["def_treatment_completion"].tolist() == ["completed all 12 sessions", "6 or more sessions"]


def test_percent_values_above_one_are_read_as_percent():
    text = FAKE_CSV.decode().replace(";0,75;", ";75;")
    arms = repo.arm_completion(repo.parse_metapsy_csv(text))
    assert arms["dropout_pct"].tolist() == pytest.approx([25.0, 10.0])


def test_wrong_file_is_explained(monkeypatch):
    monkeypatch.setattr(repo, "_fetch", lambda url, timeout: b"<html>Not found</html>")
    with pytest.raises(DataError, match="lacks the column"):
        repo.download_arm_level_data(show_attribution=False)
    with pytest.raises(DataError, match="not a readable"):
        repo.parse_metapsy_csv(b"")
    with pytest.raises(DataError, match="No arm"):
        repo.pooled_dropout_pct(repo.arm_completion(repo.parse_metapsy_csv(FAKE_CSV)).iloc[:0])


def test_nothing_of_the_dataset_is_shipped():
    from course.paths import datasets_dir
    names = [p.name.lower() for p in datasets_dir().iterdir()]
    assert not any("metapsy" in n or "ptsd_arm" in n or "psyctr" in n for n in names)
