"""1:1s and call reviews logged as CRM activities, loaded as coaching sessions too (issue 21,
analytics/ingest/activity_sessions): the rep from an attendee or the subject, the manager from the
owner through the roster, warnings for those that cannot be placed, nothing when there is no roster.
The reader is replaced by a fake (it reads ``[+g]`` tags), so these test the import, not the rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import schema
from analytics.ingest import coaching_text
from analytics.ingest.activity_sessions import coaching_rows
from analytics.ingest.pipeline import analyse_file, import_file
from analytics.store.workspace import Workspace

B = schema.COACHING_BEHAVIOURS


@pytest.fixture
def calls(monkeypatch) -> list:
    seen: list = []

    def read(texts, progress=None):
        texts = list(texts)
        seen.append(texts)
        out = pd.DataFrame({"text_status": ["read"] * len(texts)})
        for b in B:
            shown = [b == B[0] and "[+g]" in t for t in texts]
            out[b] = pd.array(shown, dtype="boolean")
            out[f"{b}_confidence"] = np.where(shown, 0.9, 0.05)
            out[f"{b}_evidence"] = [t[:20] if s else None for t, s in zip(texts, shown, strict=True)]
        return out

    monkeypatch.setattr(coaching_text, "read_notes", read)
    return seen


ROSTER = pd.DataFrame({
    "User ID": ["U1", "U2", "U3", "U4", "U5", "U6", "U7"],
    "Name": ["Dana Kim", "Sam Lee", "Ann Roe", "Sam Ortiz", "Max Muster", "Lena Berg", "Priya Nair"],
    "Manager": [None, "U1", "U1", "U5", None, "U5", "U5"],
    "Email": ["dana@x.com", "sam@x.com", "ann@x.com", "sortiz@x.com", "max@x.com", "lena@x.com", "priya@x.com"],
})
NOTE = "Asked what she noticed on the call [+g], long enough"


def activities(rows: list[dict], header_case=str) -> pd.DataFrame:
    base = {"Activity ID": None, "Assigned To": "Dana Kim", "Date": "2025-02-03", "Subject": "Call with Acme",
            "Type": "Meeting", "Description": NOTE, "Attendees": "", "Duration": 30}
    frame = pd.DataFrame([{**base, "Activity ID": f"a{i}", **r} for i, r in enumerate(rows)])
    return frame.rename(columns=header_case)


def load(frame: pd.DataFrame, ws: Workspace | None = None, roster: bool = True, name: str = "acts.csv"):
    ws = ws or Workspace()
    if roster and not ws.counts()["people"]:
        import_file(ws, analyse_file("users.csv", ROSTER.to_csv(index=False).encode()), "people")
    report = import_file(ws, analyse_file(name, frame.to_csv(index=False).encode()), "activities")
    return ws, report


def sessions(ws: Workspace) -> pd.DataFrame:
    return ws.query("SELECT * FROM coaching_sessions ORDER BY session_id")


def test_rep_from_an_attendee_who_reports_to_the_owner(calls):
    ws, rep = load(activities([{"Subject": "Weekly 1:1", "Attendees": "Dana Kim; Sam Lee"},
                               {"Subject": "Call review - Globex", "Assigned To": "U5",
                                "Attendees": "max@x.com, LENA@X.COM"}]))
    s = sessions(ws)
    assert list(s["session_id"]) == ["activity a0", "activity a1"]
    assert list(s["manager"]) == ["Dana Kim", "Max Muster"] and list(s["rep"]) == ["Sam Lee", "Lena Berg"]
    assert list(s["session_type"]) == ["1:1", "call review"]
    assert list(s["minutes"]) == [30.0, 30.0]
    assert str(s["session_date"][0])[:10] == "2025-02-03"
    assert list(s["notes"]) == [NOTE, NOTE]
    assert list(s[B[0]]) == [True, True] and set(s[f"{B[0]}_source"]) == {"text"}
    assert rep.rows_read == rep.rows_loaded == 2 and rep.warnings_total == 0
    said = " ".join(rep.notes)
    assert "2 of 2 activities were 1:1s or call reviews with notes: loaded as 2 coaching sessions" in said
    assert "Behaviours read from the descriptions of 2 sessions" in said


@pytest.mark.parametrize("subject, rep", [("1:1 with Sam Lee", "Sam Lee"), ("Ann / Dana 1-1", "Ann Roe"),
                                          ("ann roe one-on-one", "Ann Roe"), ("Coaching: Sam", "Sam Lee"),
                                          ("Role play w/ Ann (objections)", "Ann Roe"),
                                          ("Ride-along with Sam Lee", "Sam Lee"), ("1on1 Sam", "Sam Lee")])
def test_rep_named_in_the_subject(calls, subject, rep):
    ws, _ = load(activities([{"Subject": subject}]))
    assert list(sessions(ws)["rep"]) == [rep]


def test_a_first_name_two_reports_share_is_not_enough(calls):
    """Max manages Sam Ortiz, Lena and Priya; a second Sam under Max would make "Sam" ambiguous."""
    roster = pd.concat([ROSTER, pd.DataFrame({"User ID": ["U8"], "Name": ["Sam Young"], "Manager": ["U5"],
                                              "Email": ["sy@x.com"]})])
    ws = Workspace()
    import_file(ws, analyse_file("users.csv", roster.to_csv(index=False).encode()), "people")
    ws, rep = load(activities([{"Subject": "1:1 Sam", "Assigned To": "Max Muster"},
                               {"Subject": "1:1 Sam Young", "Assigned To": "Max Muster"}]), ws)
    assert list(sessions(ws)["rep"]) == ["Sam Young"]
    assert rep.warnings_total == 1 and rep.warnings[0].row == 2


def test_unplaceable_conversations_are_warnings_with_their_row(calls):
    frame = activities([{"Subject": "1:1 with Sam Lee"},                       # row 2: loads
                        {"Subject": "Weekly 1:1"},                             # row 3: no rep named
                        {"Subject": "1:1 with Sam", "Assigned To": "Sam Lee"},  # row 4: owner manages no one
                        {"Subject": "1:1", "Assigned To": "Zed Nobody"},       # row 5: owner not in roster
                        {"Subject": "1:1 Sam Lee and Ann Roe"}])               # row 6: two reps
    ws, rep = load(frame)
    assert len(sessions(ws)) == 1
    assert rep.rows_read == rep.rows_loaded == 5  # the activities themselves all load
    mine = [w for w in rep.warnings if "coaching session" in w.reason]
    assert [w.row for w in mine] == [3, 4, 5, 6]
    assert all(w.file == "acts.csv" and w.column == "Subject" for w in mine)
    assert "no attendee or subject names one of Dana Kim's reports" in mine[0].reason
    assert "no one who reports to Sam Lee" in mine[1].reason
    assert "not in the roster" in mine[2].reason and "one rep" in mine[3].reason
    said = " ".join(rep.notes)
    assert "5 of 5 activities were 1:1s or call reviews with notes: loaded as 1 coaching session" in said
    assert "4 not loaded: " in said and "listed under warnings" in said


def test_one_reason_names_the_manager(calls):
    ws, rep = load(activities([{"Subject": "1:1 with Sam Lee"}, {"Subject": "Weekly 1:1"}]))
    assert ("1 not loaded: no attendee or subject names one of Dana Kim's reports (listed under warnings)"
            in " ".join(rep.notes))


def test_without_a_roster_one_line_and_nothing_loaded(calls):
    ws, rep = load(activities([{"Subject": "1:1 with Sam Lee"}, {"Subject": "Call review"}]), roster=False)
    assert ws.counts()["coaching_sessions"] == 0 and rep.rows_loaded == 2
    mine = [n for n in rep.notes if "1:1s or call reviews" in n]
    assert len(mine) == 1 and "without a roster none can be placed" in mine[0]
    assert calls == []


def test_not_coaching_conversations_are_left_alone(calls):
    frame = activities([{"Subject": "Skip-level 1:1 with Sam Lee"}, {"Subject": "Call with Acme re 1:1 pricing"},
                        {"Subject": "1:1 with Sam Lee", "Description": ""},
                        {"Subject": "Discovery call 2025-1-1"}, {"Subject": "Q3 pipeline", "Type": "Email"}])
    ws, rep = load(frame)
    # only "Call with Acme re 1:1 pricing" looks like one (a 1:1 in its subject): no rep is named
    assert ws.counts()["coaching_sessions"] == 0
    assert [w.row for w in rep.warnings if "coaching session" in w.reason] == [3]


def test_the_type_column_can_mark_the_conversation(calls):
    ws, _ = load(activities([{"Subject": "Sam Lee", "Type": "Coaching"}, {"Subject": "Ann", "Type": "1:1 Meeting"}]))
    assert list(sessions(ws)["session_type"]) == ["coaching", "1:1"]


def test_a_second_upload_replaces_rather_than_duplicates(calls):
    frame = activities([{"Subject": "1:1 with Sam Lee"}, {"Subject": "Call review with Ann"}])
    ws, _ = load(frame)
    frame.loc[0, "Description"] = "Changed note, nothing shown now, long enough"
    ws, rep = load(frame, ws)
    s = sessions(ws)
    assert len(s) == 2 and list(s[B[0]]) == [False, True]
    assert ws.counts()["activities"] == 2 and rep.replaced == 2


def test_activity_counts_do_not_change(calls):
    frame = activities([{"Subject": "1:1 with Sam Lee"}, {"Subject": "Call", "Date": "not a date"},
                        {"Subject": "Demo"}])
    _, with_text = load(frame)
    _, without = load(frame.drop(columns=["Description"]))
    counts = ("rows_read", "rows_loaded", "rows_rejected", "inserted", "replaced")
    assert [getattr(with_text, c) for c in counts] == [getattr(without, c) for c in counts] == [3, 2, 1, 2, 0]


def test_activities_without_descriptions_never_call_the_reader(calls):
    load(activities([{"Subject": "1:1 with Sam Lee"}] * 3).drop(columns=["Description"]))
    assert calls == []


@pytest.mark.parametrize("header", ["Description", "COMMENTS", "hs_meeting_body", "Meeting Notes", "call_notes",
                                    "Full Comments"])
def test_description_header_variants(calls, header):
    frame = activities([{"Subject": "1:1 with Sam Lee"}]).rename(columns={"Description": header})
    frame["Extra"] = "x"
    ws, _ = load(frame)
    assert list(sessions(ws)["rep"]) == ["Sam Lee"]


def test_matching_is_vectorised_and_finds_the_few():
    n = 5000
    frame = pd.DataFrame({"subject": pd.array(["Call with Acme"] * n, dtype="string"),
                          "activity_type": pd.array(["Call"] * n, dtype="string"),
                          "description": pd.array(["text here"] * n, dtype="string")})
    frame.loc[[10, 4000], "subject"] = ["1:1 with Sam", "Pipeline call review"]
    frame.loc[4000, "description"] = None
    assert coaching_rows(frame).tolist() == [10]


def test_real_task_export_loads_as_before_with_no_sessions(calls):
    from pathlib import Path
    data = Path("/work/shared/data/real/salesforce-api-export/Task.csv").read_bytes()
    ws = Workspace()
    rep = import_file(ws, analyse_file("Task.csv", data))
    assert rep.table == "activities" and rep.rows_read == rep.rows_loaded == 75
    assert ws.counts()["coaching_sessions"] == 0 and calls == []
    assert rep.warnings_total == 0 and not [n for n in rep.notes if "1:1" in n]


def test_a_failure_placing_the_sessions_never_undoes_the_activities(calls, monkeypatch):
    from analytics.ingest import pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "sessions_from_activities", broken)
    ws, rep = load(activities([{"Subject": "1:1 with Sam Lee"}]))
    assert rep.error is None and rep.rows_loaded == 1 and ws.counts()["activities"] == 1
    assert any("could not be loaded as coaching sessions (RuntimeError)" in n for n in rep.notes)
