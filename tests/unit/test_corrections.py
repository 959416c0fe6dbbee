"""Corrections of coaching-behaviour readings (issue 21, the evidence part): a correction changes
the rate at once (a new version: held and per-run results, the demo's shared results), undo
restores the reading, a new upload of the same sessions gets the corrections back, and a saved
workspace keeps them (and one saved before corrections existed still opens)."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from analytics.signals.coaching import behaviour_counts, coaching_by_manager
from analytics.signals.coaching_text import reading_summary
from analytics.store.caching import one_run
from analytics.store.corrections import apply_corrections, correct_reading, corrections
from analytics.store.workspace import Workspace
from tests.factories import frame_for, workspace_with
from tests.unit.test_reading_evidence import PEOPLE, B, sessions


@pytest.fixture()
def ws():
    w = workspace_with(people=PEOPLE, coaching_sessions=sessions())
    yield w
    w.close()


def summary(ws, manager="Max Moreno"):
    return reading_summary(ws, manager=manager).set_index("behaviour").loc[B]


def flag(ws, sid, behaviour=B):
    return ws.row(f"SELECT {behaviour}, {behaviour}_source, {behaviour}_confidence, {behaviour}_evidence "
                  "FROM coaching_sessions WHERE session_id = ?", [sid])


def test_a_correction_changes_the_rate_at_once_and_undo_restores_the_reading(ws):
    before = summary(ws)
    assert (before["rate"], int(before["n_corrected"]), int(before["n_text"])) == (pytest.approx(0.6), 1, 2)
    version = ws.version
    assert correct_reading(ws, "S2", B, True) is True  # a confident "not shown" read from text, corrected
    assert ws.version > version
    after = summary(ws)
    assert after["rate"] == pytest.approx(4 / 5) and int(after["n_corrected"]) == 2 and int(after["n_text"]) == 1
    assert coaching_by_manager(ws).set_index("manager").loc["Max Moreno", f"rate_{B}"] == pytest.approx(4 / 5)
    assert flag(ws, "S2")[:3] == (True, "correction", 0.05)  # the reader's confidence kept
    stored = corrections(ws)
    assert stored[["session_id", "behaviour", "value", "was_value", "was_source"]].values.tolist() == [
        ["S2", B, True, False, "text"]]
    assert correct_reading(ws, "S2", B, None) is True
    assert flag(ws, "S2")[:2] == (False, "text") and corrections(ws).empty
    assert summary(ws)["rate"] == pytest.approx(0.6)


def test_a_second_correction_keeps_what_the_first_replaced(ws):
    correct_reading(ws, "S3", B, True)  # an uncertain reading: no value yet
    assert int(summary(ws)["n_uncertain"]) == 0 and flag(ws, "S3")[3].startswith("Don't you think")  # evidence kept
    correct_reading(ws, "S3", B, False)
    assert flag(ws, "S3")[:2] == (False, "correction") and len(corrections(ws)) == 1
    version = ws.version
    assert correct_reading(ws, "S3", B, False) is False and ws.version == version  # nothing to change
    correct_reading(ws, "S3", B, None)
    assert flag(ws, "S3")[:2] == (None, "text") and int(summary(ws)["n_uncertain"]) == 1


def test_nothing_changes_for_an_unknown_session_or_an_undo_without_a_correction(ws):
    version = ws.version
    assert correct_reading(ws, "nope", B, True) is False
    assert correct_reading(ws, "S1", B, None) is False
    assert ws.version == version and corrections(ws).empty
    with pytest.raises(ValueError):
        correct_reading(ws, "S1", "notes", True)


def test_a_session_id_is_a_bound_value():
    sid = "S'1\"; DROP TABLE coaching_sessions; --"
    w = workspace_with(people=PEOPLE, coaching_sessions=[{**sessions()[1], "session_id": sid}])
    try:
        assert correct_reading(w, sid, B, True) and flag(w, sid)[:2] == (True, "correction")
        assert correct_reading(w, sid, B, None) and flag(w, sid)[:2] == (False, "text")
    finally:
        w.close()


def test_held_and_per_run_results_and_shared_results_are_dropped(ws):
    ws.shared_as = "demo-abc"  # an untouched demo's results are shared between sessions: no longer
    with one_run():  # inside one page run: the per-run block of the manager's sessions is recomputed
        assert behaviour_counts(ws, "Max Moreno")[B] == (3, 5)
        correct_reading(ws, "S2", B, True)
        assert behaviour_counts(ws, "Max Moreno")[B] == (4, 5)
    assert ws.shared_as is None
    held = ws.derived(("probe",), lambda: ws.version)
    correct_reading(ws, "S2", B, None)
    assert ws.derived(("probe",), lambda: ws.version) == held + 1


def test_a_new_upload_of_the_same_sessions_gets_the_corrections_back(ws):
    correct_reading(ws, "S2", B, True)
    correct_reading(ws, "S5", B, True)  # an export flag corrected
    correct_reading(ws, "P1", "tied_to_plan", False)
    again = {r["session_id"]: r for r in sessions()}
    again["S2"] = {**again["S2"], f"{B}_confidence": 0.15}  # the reader changed its mind a little
    ws.load("coaching_sessions", frame_for("coaching_sessions", [again["S2"], again["S5"], again["S1"]]))
    assert flag(ws, "S2")[:2] == (False, "text") and flag(ws, "S5")[:2] == (False, None)  # the upload's
    version = ws.version
    assert apply_corrections(ws) == 2  # S2 and S5; P1 was not uploaded again and still holds its correction
    assert ws.version > version
    assert flag(ws, "S2")[:3] == (True, "correction", 0.15) and flag(ws, "S5")[:2] == (True, "correction")
    assert flag(ws, "P1", "tied_to_plan")[:2] == (False, "correction")
    assert apply_corrections(ws) == 0  # all in place: nothing changes, the version stays
    stored = corrections(ws).set_index(["session_id", "behaviour"])
    assert pd.isna(stored.loc[("S5", B), "was_source"]) and not stored.loc[("S2", B), "was_value"]
    correct_reading(ws, "S2", B, None)  # undo restores the new upload's reading
    assert flag(ws, "S2")[:3] == (False, "text", 0.15)


def test_apply_corrections_without_any_is_free():
    w = workspace_with(people=PEOPLE, coaching_sessions=sessions())
    try:
        version = w.version
        assert apply_corrections(w) == 0 and w.version == version
    finally:
        w.close()


def test_a_saved_workspace_keeps_its_corrections_and_applies_them_on_the_next_upload(ws):
    correct_reading(ws, "S2", B, True)
    correct_reading(ws, "S3", B, False)
    opened = Workspace.open(ws.save(), "ws.zip")
    try:
        assert corrections(opened)[["session_id", "value"]].sort_values("session_id").values.tolist() == [
            ["S2", True], ["S3", False]]
        assert flag(opened, "S2")[:2] == (True, "correction")
        assert summary(opened)["rate"] == pytest.approx(summary(ws)["rate"])
        assert apply_corrections(opened) == 0  # saved as corrected
        opened.load("coaching_sessions", frame_for("coaching_sessions", sessions()))  # the same log, uploaded again
        assert apply_corrections(opened) == 2 and flag(opened, "S3")[:2] == (False, "correction")
        correct_reading(opened, "S3", B, None)
        assert flag(opened, "S3")[:2] == (None, "text")
    finally:
        opened.close()


def test_a_workspace_saved_before_corrections_existed_opens_with_none(ws):
    correct_reading(ws, "S2", B, True)
    saved = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(ws.save())) as src, zipfile.ZipFile(saved, "w") as dst:
        for item in src.infolist():
            if item.filename != "tables/_corrections.parquet":
                dst.writestr(item, src.read(item))
    opened = Workspace.open(saved.getvalue(), "old.zip")
    try:
        assert corrections(opened).empty and opened.counts()["coaching_sessions"] == len(sessions())
    finally:
        opened.close()


def test_an_upload_of_the_same_sessions_gets_the_users_corrections_back_through_the_import():
    """The import itself re-applies corrections (analytics.ingest.notes_import.load_sessions) and
    says so in its report; before the wiring, the re-upload brought the text's reading back."""
    from analytics.ingest.pipeline import analyse_file, import_file

    csv = (b"Session ID,Manager,Rep,Date,Notes\n"
           b"S-1,Dana Kim,Sam Lee,2026-03-02,What did you notice when the buyer pushed back on price?\n"
           b"S-2,Dana Kim,Sam Lee,2026-03-09,Pipeline looks fine. Acme closes Friday.\n"
           b"S-3,Dana Kim,Ann Roe,2026-03-10,Ann skipped the economic buyer on Globex and stayed single-threaded.\n"
           b"S-4,Dana Kim,Ann Roe,2026-03-17,We put negotiation on her development plan; role play on Thursday.\n")
    ws = Workspace()
    first = import_file(ws, analyse_file("log.csv", csv))
    assert first.rows_loaded == 4
    correct_reading(ws, "S-1", "asked_before_telling", False)
    again = import_file(ws, analyse_file("log.csv", csv))
    row = ws.query("SELECT asked_before_telling, asked_before_telling_source FROM coaching_sessions "
                   "WHERE session_id = 'S-1'").iloc[0]
    assert row["asked_before_telling"] == False  # noqa: E712 - a nullable boolean
    assert row["asked_before_telling_source"] == "correction"
    assert any("corrections of readings were applied again to 1 session" in n for n in again.notes)
