"""The sample coaching log in free text (tools/notes_sample.py, data/samples/coaching_notes.csv):
deterministic, an export with notes and no behaviour flags, the demo's own managers and reps on
their reporting lines, the four forms, a few notes that cannot be read, and the demo's story
(developers write coaching, heroes and operators write deal status) visible in the text itself,
checked on simple proxies without the app's reader. Then the file through the import, and what
the Data page says it read (analytics.ingest.text_readings)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from analytics.ingest.pipeline import analyse_file, import_file
from analytics.ingest.text_readings import TextReadings, text_readings
from analytics.schema import COACHING_BEHAVIOURS, reading_columns
from analytics.store.workspace import Workspace
from tests.factories import workspace_with
from tools import notes_sample

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
SAMPLE = ROOT / "data" / "samples" / "coaching_notes.csv"


@pytest.fixture(scope="module")
def generated() -> pd.DataFrame:
    return notes_sample.generate()


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    """The committed file, as a user's spreadsheet would read it (text, empty cells as "")."""
    return pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return pd.read_csv(DEMO / "people.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def archetypes() -> dict[str, str]:
    return json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))["managers"]


def test_the_file_is_written_deterministically_and_the_committed_one_is_current(generated):
    again = notes_sample.to_csv(notes_sample.generate())
    assert notes_sample.to_csv(generated) == again  # same seed, same bytes
    assert SAMPLE.read_bytes() == again, "data/samples/coaching_notes.csv is stale: run python -m tools.notes_sample"
    assert notes_sample.SAMPLE_FILE == SAMPLE
    from ui.sample_notes import SAMPLE_FILE  # the Data page offers this very file
    assert SAMPLE_FILE == SAMPLE


def test_the_file_is_a_coaching_export_with_notes_and_no_behaviour_flags(sample):
    assert tuple(sample.columns) == ("Session ID", "Manager", "Rep", "Date", "Type", "Duration (min)", "Notes")
    rec = analyse_file(SAMPLE.name, SAMPLE.read_bytes()).recognition
    assert rec.recognised and rec.table == "coaching_sessions"
    assert rec.mapping["notes"] == "Notes" and rec.mapping["session_id"] == "Session ID"
    flags = {c for b in COACHING_BEHAVIOURS for c in (b, *reading_columns(b))} | {"text_status"}
    assert not flags & set(rec.mapping)
    assert not rec.unmapped_headers  # every column is one a coaching tool exports


def test_ids_are_unique_and_never_the_demo_logs(sample):
    assert 280 <= len(sample) <= 320
    assert sample["Session ID"].is_unique
    assert sample["Session ID"].str.fullmatch(r"NOTE-\d{4}").all()
    demo_ids = set(pd.read_csv(DEMO / "coaching_sessions.csv", usecols=["session_id"])["session_id"])
    assert not demo_ids & set(sample["Session ID"])


def test_every_session_is_a_demo_manager_with_their_own_rep_while_employed(sample, people, archetypes):
    reps = sample.merge(people, left_on="Rep", right_on="name", how="left", validate="many_to_one")
    assert reps["name"].notna().all(), "a rep not in the demo's roster"
    assert (reps["manager"] == reps["Manager"]).all(), "a session with someone else's rep"
    assert (reps["role"] == "Account Executive").all()
    assert ((reps["start_date"] <= reps["Date"]) & ((reps["end_date"] == "") | (reps["Date"] <= reps["end_date"]))).all()
    managers = set(people.loc[people["role"] == "Sales Manager", "name"])
    assert set(sample["Manager"]) == managers == set(archetypes)  # every manager of the demo, and only them
    assert sample.groupby("Manager").size().min() >= 10


def test_dates_spread_over_the_last_four_quarters_of_the_demo_log(sample):
    log = pd.to_datetime(pd.read_csv(DEMO / "coaching_sessions.csv", usecols=["session_date"])["session_date"])
    last = log.max().to_period("Q")
    wanted = {last - k for k in range(4)}
    quarters = pd.to_datetime(sample["Date"], format="%Y-%m-%d").dt.to_period("Q")
    assert set(quarters) == wanted
    assert quarters.value_counts().min() >= 0.15 * len(sample)  # spread, not bunched in one quarter
    assert sample["Duration (min)"].astype(int).between(15, 90).all()


def _manager_words(note: str) -> str:
    """A note without the rep's turns of a transcript (only the manager's words count)."""
    return "\n".join(line for line in note.splitlines()
                     if not re.match(r"^\s*(\[[\d:]+\]\s*)?rep\s*:", line, re.IGNORECASE))


def test_the_four_forms_are_there(generated, sample):
    forms = generated["form"].value_counts()
    assert set(forms.index) == set(notes_sample.FORMS)
    assert forms.min() >= 0.2 * len(generated)
    notes = sample["Notes"]
    turns = notes.str.count(r"(?m)^(?:\[[\d:]+\] )?(?:Manager|Rep): ")
    transcripts = notes[(turns >= 4) & notes.str.contains(r"(?m)^(?:\[[\d:]+\] )?Rep: ")]
    assert len(transcripts) >= 50  # call-review transcripts with Manager:/Rep: turns
    fielded = notes[notes.str.count(r"(?m)^[A-Z][\w ]+: \S") >= 2]
    assert len(fielded.index.difference(transcripts.index)) >= 40  # coaching-tool summaries: one field a line
    terse = notes[notes.str.contains(r"\b(?:w/|b4|nxt|disc|obj|dev plan|f/u|asked amt)\b") & (notes == notes.str.lower())]
    assert len(terse) >= 10  # typed in a hurry: lower case, abbreviations
    styles = set(generated["style"])
    assert {"prose", "terse", "nonnative", "crm", "spoken", "summary"} <= styles
    assert notes.str.len().max() > 600 and notes[notes.str.len() > 0].str.len().min() < 40  # long and short


def test_about_five_percent_cannot_be_read_and_one_is_in_spanish(generated, sample):
    unread = generated["style"].str.startswith("not read")
    assert 0.03 <= unread.mean() <= 0.07
    assert generated.loc[unread, [f"shows_{b}" for b in COACHING_BEHAVIOURS]].isna().all().all()  # no label, not "no"
    assert (generated["style"] == "not read: language").sum() == 1
    words = sample["Notes"].str.lower().str.findall(r"[a-záéíóúñ]+")
    spanish = words.map(lambda w: sum(x in {"la", "de", "el", "con", "que", "las", "los", "y"} for x in w) / max(1, len(w)))
    assert (spanish > 0.25).sum() == 1
    blank = ~sample["Notes"].str.contains(r"[A-Za-z]")
    assert 3 <= blank.sum() <= 10  # empty cells among them


def test_developers_write_coaching_and_heroes_write_deal_status(sample, archetypes):
    """The demo's story on proxies read off the text (never the app's reader)."""
    words = sample["Notes"].map(_manager_words).str.lower()
    proxies = pd.DataFrame({
        # an open question to the rep about their own work, or reported as asked
        "open question": words.str.contains(
            r"\b(?:how|what)\b[^.?!\n]*\byou\b[^.?!\n]*\?|\basked\b[^.\n]*\b(?:how|what)\b|self[- ]?assess|reflection question"),
        "development plan": words.str.contains(r"development plan|\bidp\b|dev plan:|role play|practi[sc]e")
                            & ~words.str.contains(r"skipped|no time|not had time"),
        "on their own": words.str.contains(r"\balone\b|on (?:their|your) own|without (?:me|my help|help)|independently|\bsolo\b"),
        "deal status": words.str.contains(r"forecast|pipe|close date|closes?\b|\bcommit|amount|proposal|stage|\bsign"),
    })
    share = proxies.groupby(sample["Manager"].map(archetypes)).mean()
    for proxy in ("open question", "development plan", "on their own"):
        for other in ("hero", "operator"):
            assert share.loc["developer", proxy] >= 2 * share.loc[other, proxy], (proxy, other, share[proxy].to_dict())
        assert share[proxy].idxmax() == "developer", share[proxy].to_dict()
    for other in ("hero", "operator"):
        assert share.loc[other, "deal status"] > share.loc["developer", "deal status"] + 0.1
    # heroes ask as many questions as anyone: status and telling ones, which is the boundary case
    asks = words.str.contains(r"\?").groupby(sample["Manager"].map(archetypes)).mean()
    assert asks["hero"] >= 0.5 * asks["developer"]


def test_what_the_notes_were_written_to_show_follows_the_demo_log(generated, archetypes):
    """Per archetype, how often a session's notes show each behaviour is the demo log's rate over
    the same quarters (to a session in twenty, and the few notes that cannot be read)."""
    log = pd.read_csv(DEMO / "coaching_sessions.csv", parse_dates=["session_date"])
    first = pd.Period(log["session_date"].max(), "Q") - 3
    log = log[log["session_date"] >= first.start_time]
    demo = log.groupby(log["manager"].map(archetypes))[list(COACHING_BEHAVIOURS)].mean()
    read = generated[~generated["style"].str.startswith("not read")]
    mine = read.groupby("archetype")[[f"shows_{b}" for b in COACHING_BEHAVIOURS]].mean()
    mine.columns = list(COACHING_BEHAVIOURS)
    assert (mine - demo).abs().max().max() <= 0.1, (mine - demo).round(2)  # as many as the rate says, not a draw
    for b in COACHING_BEHAVIOURS:
        assert mine[b].idxmax() == "developer" and mine.loc["developer", b] >= 0.6
        assert mine.loc["hero", b] <= 0.4 and mine.loc["operator", b] <= 0.4


def _demo_people_then_sample() -> tuple[Workspace, object]:
    ws = Workspace()
    assert import_file(ws, analyse_file("people.csv", (DEMO / "people.csv").read_bytes())).error is None
    return ws, import_file(ws, analyse_file(SAMPLE.name, SAMPLE.read_bytes()))


def test_the_file_loads_whole_through_the_import_with_every_person_known():
    ws, report = _demo_people_then_sample()
    try:
        assert report.error is None
        assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (len(notes_sample.generate()),) * 2 + (0,)
        assert report.warnings_total == 0  # no unknown manager or rep
        loaded = ws.query("SELECT session_id, notes FROM coaching_sessions ORDER BY session_id")
        assert loaded["session_id"].str.startswith("NOTE-").all()
        assert loaded["notes"].str.contains("Manager: ").sum() >= 50  # the text arrives whole
    finally:
        ws.close()


def test_the_import_reads_the_behaviours_from_the_notes_and_the_story_shows():
    ws, report = _demo_people_then_sample()
    try:
        got = text_readings(ws, pd.read_csv(SAMPLE, usecols=["Session ID"])["Session ID"])
        assert got.sessions == report.rows_loaded
        assert got.read >= 0.9 * got.sessions and 5 <= sum(got.not_read.values()) <= 25
        assert all(got.shown[b] > 0 for b in COACHING_BEHAVIOURS)
        archetypes = json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))["managers"]
        rates = ws.query("SELECT manager, avg(named_specific_gap::INT) AS gap, avg(asked_before_telling::INT) AS ask, "
                         "avg(tied_to_plan::INT) AS plan, avg(tracked_application::INT) AS track "
                         "FROM coaching_sessions WHERE named_specific_gap_source = 'text' GROUP BY manager")
        by = rates.groupby(rates["manager"].map(archetypes))[["gap", "ask", "plan", "track"]].mean()
        assert (by.loc["developer"] > by.loc["hero"]).all() and (by.loc["developer"] > by.loc["operator"]).all()
    finally:
        ws.close()


def _session(i: int, **values) -> dict:
    return {"session_id": f"NOTE-{i:04d}", "manager": "Ann Lee", "rep": "Bo Chan",
            "session_date": f"2026-01-{i:02d}", **values}


def test_text_readings_count_only_the_sessions_asked_about_by_where_each_value_came_from():
    ws = workspace_with(coaching_sessions=[
        _session(1, text_status="read", named_specific_gap=True, named_specific_gap_source="text",
                 asked_before_telling=False, asked_before_telling_source="text"),
        _session(2, text_status="read", named_specific_gap=True, named_specific_gap_source="correction"),
        _session(3, text_status="not read: empty"),
        _session(4, text_status="not read: language"),
        _session(5, text_status="not read: empty"),
        {**_session(6, named_specific_gap=True, named_specific_gap_source="export"), "session_id": "CS-1"},
    ])
    try:
        got = text_readings(ws, ["NOTE-0001", "NOTE-0002", "NOTE-0003", "NOTE-0004", "NOTE-0005", "NOTE-0099"])
        assert got.sessions == 5 and got.read == 2  # CS-1 not asked about, NOTE-0099 not there
        assert got.not_read == {"empty": 2, "language": 1}
        assert got.shown["named_specific_gap"] == 1  # the correction and the export flag are not text
        assert got.not_shown["asked_before_telling"] == 1
        # read, no confident value: uncertain (session 1 for the two behaviours it did not show, session 2 for three)
        assert got.uncertain == {"named_specific_gap": 0, "asked_before_telling": 1, "tied_to_plan": 2,
                                 "tracked_application": 2}
        assert got.readings == 2
        assert text_readings(ws, []) == TextReadings()
    finally:
        ws.close()


def test_the_sentence_after_adding_names_counts_only():
    from ui.sample_notes import read_sentence
    got = TextReadings(sessions=300, read=285, not_read={"empty": 7, "boilerplate": 7, "language": 1},
                       shown={"named_specific_gap": 120, "asked_before_telling": 1, "tied_to_plan": 0,
                              "tracked_application": 80},
                       uncertain={"named_specific_gap": 3, "asked_before_telling": 0, "tied_to_plan": 0,
                                  "tracked_application": 0})
    assert read_sentence(got) == (
        "285 notes read (15 could not be: 7 empty, 7 boilerplate, 1 language). Shown in the text: names a specific "
        "capability gap in 120 sessions; asks before telling in 1 session; tracks independent application in 80 "
        "sessions. 3 readings uncertain, left out of the rates.")
