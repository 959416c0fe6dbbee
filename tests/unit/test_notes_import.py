"""Coaching behaviours read from a coaching log's notes at import (issue 21, analytics/ingest/notes_import)
and the recognition of the notes column by header and by values.

Most tests replace the reader (``coaching_text.read_notes``, being rewritten elsewhere) by a fake that
reads a note from tags in its text, so they test the import's side of the contract, not the rules;
a few run the real reader on clear-cut notes from docs/COACHING_TEXT.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import schema
from analytics.ingest import coaching_text
from analytics.ingest.notes_import import READER_FAILED
from analytics.ingest.pipeline import analyse_file, import_file
from analytics.ingest.recognise import is_prose, recognise
from analytics.store.workspace import Workspace
from tests.coaching_notes import generate

B = schema.COACHING_BEHAVIOURS
G, A, P, T = B
REAL = "/work/shared/data/real"


def fake_reader(calls: list):
    """A reader that reads ``[+b]`` (shown), ``[-b]`` (not shown), ``[?b]`` (uncertain) tags for b in
    g/a/p/t, and ``LANG`` / ``BOILER`` as not read; records each call's texts."""
    keys = dict(zip("gapt", B, strict=True))

    def read(texts, progress=None):
        texts = list(texts)
        calls.append(texts)
        rows = []
        for i, text in enumerate(texts):
            row = {"text_status": "read"}
            if "LANG" in text or "BOILER" in text:
                row["text_status"] = "not read: " + ("language" if "LANG" in text else "boilerplate")
            for k, b in keys.items():
                if row["text_status"] != "read":
                    row[b], row[f"{b}_confidence"], row[f"{b}_evidence"] = pd.NA, np.nan, None
                elif f"[+{k}]" in text:
                    row[b], row[f"{b}_confidence"], row[f"{b}_evidence"] = True, 0.9, f"evidence {k} of {text[:12]}"
                elif f"[?{k}]" in text:
                    row[b], row[f"{b}_confidence"], row[f"{b}_evidence"] = pd.NA, 0.5, f"maybe {k}"
                else:
                    row[b], row[f"{b}_confidence"], row[f"{b}_evidence"] = False, 0.05, None
            rows.append(row)
            if progress:
                progress((i + 1) / len(texts))
        out = pd.DataFrame(rows, columns=["text_status"] + [c for b in B for c in (b, f"{b}_confidence",
                                                                                   f"{b}_evidence")])
        for b in B:
            out[b] = out[b].astype("boolean")
        return out

    return read


@pytest.fixture
def calls(monkeypatch) -> list:
    seen: list = []
    monkeypatch.setattr(coaching_text, "read_notes", fake_reader(seen))
    return seen


def csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def load(frame: pd.DataFrame, table: str | None = "coaching_sessions", ws: Workspace | None = None,
         name: str = "log.csv", progress=None):
    ws = ws or Workspace()
    report = import_file(ws, analyse_file(name, csv(frame)), table, progress=progress)
    return ws, report


def sessions(ws: Workspace) -> pd.DataFrame:
    return ws.query("SELECT * FROM coaching_sessions ORDER BY session_id")


def log(notes: list, **extra) -> pd.DataFrame:
    n = len(notes)
    return pd.DataFrame({"Session ID": [f"s{i:03d}" for i in range(n)], "Manager": ["Dana Kim"] * n,
                         "Rep": [f"Rep {i % 7}" for i in range(n)],
                         "Date": [f"2025-0{1 + i % 9}-1{i % 10}" for i in range(n)], "Notes": notes, **extra})


# --------------------------------------------------------------------------- reading at import

def test_text_read_where_the_export_has_no_flags(calls):
    ws, rep = load(log(["we did [+g] and [?a] today, long enough", "nothing shown in this one at all"]))
    s = sessions(ws)
    assert rep.rows_read == rep.rows_loaded == 2
    assert list(s["text_status"]) == ["read", "read"]
    assert list(s[G]) == [True, False]
    assert list(s[f"{G}_source"]) == ["text", "text"]
    assert s[f"{G}_evidence"][0].startswith("evidence g") and pd.isna(s[f"{G}_evidence"][1])
    assert s[f"{G}_confidence"].tolist() == [0.9, 0.05]
    # uncertain: source text, value NULL, its confidence and the sentence kept
    assert pd.isna(s[A][0]) and s[f"{A}_source"][0] == "text" and s[f"{A}_confidence"][0] == 0.5
    assert s[f"{A}_evidence"][0] == "maybe a"


def test_export_flags_win_over_text_and_are_used_as_they_are(calls):
    frame = log(["[+g] [+a] long note one here", "[+g] [+a] long note two here", "[+g] [+a] long note three"],
                **{"Named Gap": ["no", "", "yes"]})
    ws, rep = load(frame)
    s = sessions(ws)
    assert rep.rows_loaded == 3
    assert list(s[G]) == [False, True, True]  # row 1 had no flag: read from its notes
    assert list(s[f"{G}_source"]) == ["export", "text", "export"]
    assert pd.isna(s[f"{G}_evidence"][0]) and pd.isna(s[f"{G}_confidence"][0])
    assert list(s[A]) == [True, True, True] and set(s[f"{A}_source"]) == {"text"}
    assert "the export's own flags are used as they are for names a specific gap (2 sessions)" in " ".join(rep.notes)


def test_fully_flagged_rows_are_not_read(calls):
    flags = {"Named Gap": ["yes"] * 3, "Asked First": ["no"] * 3, "Tied To Plan": ["yes"] * 3,
             "Tracked Application": ["yes", "no", ""]}
    ws, _ = load(log(["[+t] one long enough note", "[+t] another long enough note", "[+t] third long enough"],
                     **flags))
    assert calls == [["[+t] third long enough"]]  # only the row with a behaviour left to read
    s = sessions(ws)
    assert list(s["tracked_application_source"]) == ["export", "export", "text"]
    assert s["text_status"].isna().tolist() == [True, True, False]


def test_distinct_texts_are_read_once(calls):
    template = "Agenda done [+p] role play set for Thursday"
    notes = [template] * 150 + [f"note {i} [+g] of its own, long enough" for i in range(50)]
    ws, rep = load(log(notes))
    assert len(calls) == 1 and len(calls[0]) == 51
    assert int(ws.scalar("SELECT count(*) FROM coaching_sessions WHERE tied_to_plan")) == 150
    assert int(ws.scalar("SELECT count(*) FROM coaching_sessions WHERE named_specific_gap")) == 50
    assert rep.rows_loaded == 200


def test_uncertain_and_not_read_are_counted_in_words(calls):
    notes = ["[+g] [?a] a long note"] * 3 + ["LANG hemos revisado la llamada"] * 2 + ["BOILER"] + ["", None, "  "]
    ws, rep = load(log(notes))
    said = " ".join(rep.notes)
    assert "Behaviours read from the notes of 3 sessions: shown with confidence — names a specific gap in 100%" in said
    assert "asks before telling" not in said.split("—")[1].split(";")[0]  # no confident reading of it
    assert "3 readings uncertain (not counted)" in said
    assert "6 notes not read (3 empty, 2 in another language, 1 boilerplate" in said
    s = sessions(ws)
    assert s["text_status"].value_counts().to_dict() == {"read": 3, "not read: empty": 3, "not read: language": 2,
                                                         "not read: boilerplate": 1}
    not_read = s[s["text_status"] != "read"]
    for b in B:  # not measured: no value, no source
        assert not_read[b].isna().all() and not_read[f"{b}_source"].isna().all()
    assert [t for c in calls for t in c].count("") == 0  # empty notes never go to the reader


def test_a_file_without_notes_never_calls_the_reader(monkeypatch):
    def boom(texts, progress=None):
        raise AssertionError("the reader was called")

    monkeypatch.setattr(coaching_text, "read_notes", boom)
    frame = log(["x"] * 4).drop(columns=["Notes"]).assign(**{"Named Gap": ["yes", "no", "", "yes"]})
    ws, rep = load(frame)
    s = sessions(ws)
    assert rep.rows_loaded == 4
    assert s["text_status"].isna().all()
    assert list(s[f"{G}_source"].fillna("-")) == ["export", "export", "-", "export"]
    assert s[f"{A}_source"].isna().all() and s[A].isna().all()  # no flag, no notes: not measured


def test_a_failing_reader_never_takes_the_import_down(monkeypatch):
    def broken(texts, progress=None):
        raise RuntimeError("model exploded")

    monkeypatch.setattr(coaching_text, "read_notes", broken)
    ws, rep = load(log(["a long enough note here"] * 5 + [""]))
    assert rep.error is None and rep.rows_read == rep.rows_loaded == 6
    s = sessions(ws)
    assert (s["text_status"] == READER_FAILED).sum() == 5
    assert all(s[b].isna().all() for b in B)
    said = " ".join(rep.notes)
    assert "The notes of 5 sessions could not be read (the reader failed: RuntimeError)" in said
    assert "1 note not read (1 empty" in said


def test_a_reader_giving_the_wrong_number_of_rows_counts_as_failing(monkeypatch):
    monkeypatch.setattr(coaching_text, "read_notes", lambda texts, progress=None: pd.DataFrame({"text_status": []}))
    ws, rep = load(log(["a long enough note here", "another long enough note"]))
    assert rep.rows_loaded == 2 and (sessions(ws)["text_status"] == READER_FAILED).all()


def test_progress_moves_while_reading(calls):
    seen = []
    load(log([f"note number {i} [+g], long enough" for i in range(40)]), progress=lambda f, t: seen.append((f, t)))
    reading = [(f, t) for f, t in seen if t.startswith("Reading coaching notes")]
    assert reading[-1][1] == "Reading coaching notes: 40 of 40 sessions"
    fractions = [f for f, _ in reading]
    assert fractions == sorted(fractions) and 0.75 <= fractions[0] and fractions[-1] <= 0.85


def test_readings_are_stored_and_a_saved_workspace_does_not_read_again(calls, monkeypatch):
    ws, _ = load(log(["[+g] [+p] the long enough note", "[-g] another long enough one"]))
    before = sessions(ws)
    monkeypatch.setattr(coaching_text, "read_notes", lambda *a, **k: pytest.fail("read again on open"))
    again = sessions(Workspace.open(ws.save()))
    pd.testing.assert_frame_equal(before, again)


def test_header_shapes_vary_and_rows_still_add_up(calls):
    frame = log(["[+a] asked first, long enough", None, "[+t] tracked it alone, long enough"] * 20)
    frame = frame.rename(columns={"Notes": "SESSION_NOTES", "Manager": "coach", "Rep": "Coachee"})
    frame = frame[["Date", "SESSION_NOTES", "Coachee", "Session ID", "coach"]].assign(Region=["EMEA"] * 60)
    frame.loc[5, "Date"] = "not a date"  # a "[+t]" row: rejected, the others load
    ws, rep = load(frame, table=None)
    assert rep.table == "coaching_sessions"
    assert rep.rows_read == rep.rows_loaded + rep.rows_rejected == 60 and rep.rows_rejected == 1
    s = sessions(ws)
    assert s[A].sum() == 20 and s[T].sum() == 19
    assert (s["text_status"] == "not read: empty").sum() == 20


def test_the_real_reader_reads_clear_cut_notes():
    """The rules' own examples (docs/COACHING_TEXT.md), through the real reader: whatever reader is
    merged must read these, and the import must carry its readings into the table."""
    notes = ["Manager: What did you notice when the buyer pushed back on price?",
             "Hemos revisado la llamada de descubrimiento con el cliente y los próximos pasos del acuerdo",
             ""]
    ws, rep = load(log(notes))
    s = sessions(ws)
    assert bool(s[A][0]) is True  # shown with confidence (an uncertain <NA> raises here)
    assert s[f"{A}_source"][0] == "text" and isinstance(s[f"{A}_evidence"][0], str)
    assert s["text_status"][1] == "not read: language" and s["text_status"][2] == "not read: empty"
    assert rep.rows_loaded == 3


def test_the_generated_set_loads_with_every_note_accounted_for():
    data = generate(seed=3, n_train=120, n_heldout=40)
    ws, rep = load(log(data["text"].tolist()))
    s = sessions(ws)
    assert rep.rows_loaded == 160
    assert s["text_status"].notna().all()
    read = s["text_status"] == "read"
    for b in B:
        assert (s.loc[read, f"{b}_source"] == "text").all()
        shown = s[b].fillna(False).astype(bool)
        assert s.loc[shown, f"{b}_evidence"].notna().all()


# --------------------------------------------------------------------------- recognition

NOTES = generate(seed=5, n_train=60, n_heldout=0)["text"].tolist()


def rows_with(headers: list[str], prose: str | None, n: int = 60, flags: bool = False) -> pd.DataFrame:
    out = {}
    for h in headers:
        low = h.lower()
        if "manager" in low or low.startswith("coach") and "coachee" not in low or low == "led by":
            out[h] = ["Dana Kim", "Max Muster"] * (n // 2)
        elif any(w in low for w in ("rep", "coachee", "employee", "seller")):
            out[h] = [f"Rep {i % 9}" for i in range(n)]
        elif "date" in low or low == "held on":
            out[h] = [f"2025-03-{1 + i % 28:02d}" for i in range(n)]
        elif "type" in low:
            out[h] = ["1:1", "Call review"] * (n // 2)
        else:
            out[h] = ["EMEA", "NA"] * (n // 2)
    if prose:
        out[prose] = [NOTES[i % len(NOTES)] or "A note with several words in it" for i in range(n)]
    if flags:
        out["Named Gap"] = ["yes", "no"] * (n // 2)
    return pd.DataFrame(out)


@pytest.mark.parametrize("header", ["Notes", "NOTES", "session_notes", "Meeting-Notes", "1:1 Notes", "Transcript",
                                    "Call Transcript", "Summary", "coaching notes"])
def test_notes_column_recognised_by_header_variants(header):
    frame = rows_with(["Manager", "Rep", "Date"], header)
    rec = recognise(list(frame.columns), None, frame)
    assert rec.table == "coaching_sessions" and rec.recognised
    assert rec.mapping["notes"] == header


@pytest.mark.parametrize("header", ["Recap", "Manager comments", "What we covered", "Text", "Coaching Summary",
                                    "Call_Transcript", "Observations (free text)"])
@pytest.mark.parametrize("people", [("Manager", "Rep", "Date"), ("Coach", "Coachee", "Session Date", "Type"),
                                    ("manager_name", "Employee", "Held On", "Region")])
def test_notes_column_recognised_by_its_values(header, people):
    frame = rows_with(list(people), header)
    rec = recognise(list(frame.columns), None, frame)
    assert rec.table == "coaching_sessions" and rec.recognised, rec.candidates[:3]
    assert rec.mapping["notes"] == header


def test_a_column_of_short_values_is_never_taken_as_notes():
    frame = rows_with(["Manager", "Rep", "Date", "Outcome"], None)
    frame["Outcome"] = ["Good call", "Needs work", "Great"] * 20
    rec = recognise(list(frame.columns), None, frame)
    assert "notes" not in rec.mapping
    assert not is_prose(["Sam Lee", "Dana Kim", "Ann Roe", "1:1 with Sam"])


def test_a_header_another_column_owns_is_not_taken_as_notes():
    """A long subject line is the subject's, never guessed as the notes."""
    frame = rows_with(["Manager", "Rep", "Date"], "Subject")
    rec = recognise(list(frame.columns), None, frame)
    assert rec.mapping.get("notes") != "Subject"


def test_the_log_with_flags_and_notes_maps_both():
    frame = rows_with(["Manager", "Rep", "Date"], "Recap", flags=True)
    rec = recognise(list(frame.columns), None, frame)
    assert rec.recognised and rec.mapping["notes"] == "Recap" and rec.mapping[G] == "Named Gap"


def test_a_roster_with_a_notes_column_stays_a_roster():
    frame = pd.DataFrame({"Name": [f"Rep {i}" for i in range(30)], "Manager": ["Dana Kim"] * 30,
                          "Team": ["North", "South", "East"] * 10, "Region": ["EMEA"] * 30,
                          "Notes": [NOTES[i] or "Joined from a competitor in March; strong on enterprise deals"
                                    for i in range(30)]})
    rec = recognise(list(frame.columns), None, frame)
    assert rec.table == "people"


def test_real_exports_recognised_as_before():
    """A Salesforce Task export with a Description stays activities (the description mapped), an
    opportunities export with a Description stays opportunities."""
    from pathlib import Path
    for path, table in (("salesforce-api-export/Task.csv", "activities"),
                        ("salesforce-api-export/Opportunity.csv", "opportunities"),
                        ("salesforce-devorg-export/Opportunity.csv", "opportunities")):
        data = Path(REAL, path).read_bytes()
        a = analyse_file(Path(path).name, data)
        assert a.recognition.table == table and a.recognition.recognised
        assert "notes" not in a.recognition.mapping
    task = analyse_file("Task.csv", Path(REAL, "salesforce-api-export/Task.csv").read_bytes())
    assert task.recognition.mapping["description"] == "Description"


def test_many_notes_are_read_by_worker_processes_in_order(monkeypatch):
    """Above PARALLEL_FROM distinct notes the reading is shared among worker processes (the real
    reader, started fresh): the readings come back in the notes' order, as read in process."""
    from analytics.ingest import notes_import

    texts = generate(seed=9, n_train=30, n_heldout=10)["text"].fillna("").tolist()
    here = coaching_text.read_notes(texts)
    monkeypatch.setattr(notes_import, "PARALLEL_FROM", 10)
    monkeypatch.setattr(notes_import, "CHUNK", 7)
    steps = []
    shared = notes_import.read_texts(texts, steps.append)
    pd.testing.assert_frame_equal(shared, here)
    assert steps[-1] == 1.0 and len(steps) == 6


def test_the_import_reads_the_notes_as_written_line_breaks_and_all():
    """A transcript's speaker turns and a note's bullets are lines: the import keeps them
    (``schema.MULTILINE_COLUMNS``) and reads exactly what the reader reads on the raw text. Before,
    every text had its whitespace made one space, so a transcript reached the reader as one line
    and its rep turns read as uncertain manager evidence."""
    from analytics.ingest.coaching_text import read_notes
    from tests.coaching_notes_written import load

    notes = load()
    notes = notes[notes["form"].isin(["transcript", "note"])].head(120).reset_index(drop=True)
    frame = pd.DataFrame({"Session ID": [f"S{i:04d}" for i in range(len(notes))], "Manager": "Dana Kim",
                          "Rep": "Sam Lee", "Session Date": "2026-03-02",
                          "Notes": notes["text"].fillna("").str.replace("\n", "\r\n", regex=False)})
    ws = Workspace()
    report = import_file(ws, analyse_file("log.csv", frame.to_csv(index=False).encode()))
    assert report.rows_loaded == len(notes)
    got = ws.query("SELECT * FROM coaching_sessions ORDER BY session_id")
    assert got["notes"].fillna("").str.contains("\n").sum() >= 0.8 * notes["text"].fillna("").str.contains("\n").sum()
    assert not got["notes"].fillna("").str.contains("\r").any()
    direct = read_notes(notes["text"])
    for b in schema.COACHING_BEHAVIOURS:
        assert got[b].astype("boolean").fillna(False).tolist() == direct[b].fillna(False).tolist(), b
        assert got[b].isna().sum() == direct[b].isna().sum(), b
