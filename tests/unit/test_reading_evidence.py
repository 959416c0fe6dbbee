"""What a coaching-behaviour rate rests on (issue 21, the evidence part): counts per source of a
hand-built log in the shapes the import writes (export flags, confident readings of the notes,
uncertain ones, notes not read, corrections), the notes not read by reason, the examples behind a
rate (never the notes, uncertain first), the next-1:1 checklist saying it read the notes, the
notes and evidence sentences scrubbed by Anonymise, and no page, ui or output module selecting the
notes column."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.diagnosis.checklist import next_one_on_one
from analytics.filters import Filters
from analytics.signals.coaching import coaching_by_manager
from analytics.signals.coaching_text import (
    EXAMPLE_COLUMNS,
    has_text,
    not_read_reasons,
    not_read_words,
    reading_counts,
    reading_examples,
    reading_summary,
    rests_on,
)
from analytics.store.anonymise import anonymise
from tests.factories import workspace_with

ROOT = Path(__file__).resolve().parents[2]
B = "asked_before_telling"
#: every note holds this: it must never come out of the signals or onto a page
SECRET = "NOTE-BODY-ONLY"

PEOPLE = [{"name": "Dana Whitfield", "manager": "Max Moreno", "region": "East"},
          {"name": "Omar Quist", "manager": "Max Moreno", "region": "East"},
          {"name": "Lena Fox", "manager": "Priya Nair", "region": "West"},
          {"name": "Max Moreno"}, {"name": "Priya Nair"}]


def session(sid, manager, rep, day, status=None, value=None, source=None, confidence=None, evidence=None, **more):
    row = {"session_id": sid, "manager": manager, "rep": rep, "session_date": f"2025-03-{day:02d}",
           "text_status": status, B: value, f"{B}_source": source, f"{B}_confidence": confidence,
           f"{B}_evidence": evidence, **more}
    if status is not None and "notes" not in more:
        row["notes"] = f"{SECRET} {evidence or 'Talked through the week.'} {SECRET}"
    return row


def sessions() -> list[dict]:
    """Max: 9 sessions in every shape; Priya: one confident reading and one note in another language."""
    return [
        session("S1", "Max Moreno", "Dana Whitfield", 3, "read", True, "text", 0.92,
                "What did you notice when the buyer pushed back?"),
        session("S2", "Max Moreno", "Omar Quist", 4, "read", False, "text", 0.05),
        session("S3", "Max Moreno", "Dana Whitfield", 5, "read", None, "text", 0.5,
                "Don't you think you should have asked about budget?"),
        session("S4", "Max Moreno", "Omar Quist", 6, value=True, source="export"),
        session("S5", "Max Moreno", "Dana Whitfield", 7, value=False),  # a flag imported before readings existed
        session("S6", "Max Moreno", "Omar Quist", 8, "not read: language"),
        session("S7", "Max Moreno", "Dana Whitfield", 9, "not read: boilerplate"),
        session("S8", "Max Moreno", "Omar Quist", 10, "read", True, "correction", 0.1,
                "Asked him how he read the pushback before giving my view."),
        session("S9", "Max Moreno", "Dana Whitfield", 11),  # nothing recorded
        session("P1", "Priya Nair", "Lena Fox", 3, "read", True, "text", 0.88, "How do you think the discovery went?"),
        session("P2", "Priya Nair", "Lena Fox", 12, "not read: language"),
    ]


@pytest.fixture()
def ws():
    w = workspace_with(people=PEOPLE, coaching_sessions=sessions())
    yield w
    w.close()


def row(summary: pd.DataFrame, behaviour: str = B) -> pd.Series:
    return summary.set_index("behaviour").loc[behaviour]


def test_counts_per_source_for_one_manager(ws):
    r = row(reading_summary(ws, manager="Max Moreno"))
    got = {k: int(r[k]) for k in ("n_sessions", "n_observed", "n_shown", "n_export", "n_text", "n_uncertain",
                                   "n_corrected", "n_not_read")}
    assert got == {"n_sessions": 9, "n_observed": 5, "n_shown": 3, "n_export": 2, "n_text": 2, "n_uncertain": 1,
                   "n_corrected": 1, "n_not_read": 2}
    assert r["rate"] == pytest.approx(3 / 5) and r["share_from_text"] == pytest.approx(2 / 5)
    assert rests_on(r) == ("60% of 5 sessions — read from text in 2, from the export in 2, corrected in 1; "
                           "1 reading uncertain, not counted")


def test_the_rate_is_the_one_coaching_by_manager_shows(ws):
    by_manager = coaching_by_manager(ws).set_index("manager")
    for manager in ("Max Moreno", "Priya Nair"):
        assert row(reading_summary(ws, manager=manager))["rate"] == pytest.approx(by_manager.loc[manager, f"rate_{B}"])
    everyone = row(reading_summary(ws))
    assert (int(everyone["n_sessions"]), int(everyone["n_observed"]), int(everyone["n_text"])) == (11, 6, 3)
    assert everyone["rate"] == pytest.approx(4 / 6)


def test_filters_scope_the_counts_as_the_coaching_signals_do(ws):
    west = row(reading_summary(ws, Filters(regions=("West",))))
    assert (int(west["n_sessions"]), int(west["n_text"]), int(west["n_not_read"])) == (2, 1, 1)
    early = row(reading_summary(ws, Filters(end=pd.Timestamp("2025-03-05").date()), "Max Moreno"))
    assert (int(early["n_sessions"]), int(early["n_observed"]), int(early["n_uncertain"])) == (3, 2, 1)


def test_missing_evidence_is_not_measured_never_zero(ws):
    other = row(reading_summary(ws, manager="Max Moreno"), "tied_to_plan")  # no reading, no flag anywhere
    assert int(other["n_observed"]) == 0 and np.isnan(other["rate"]) and np.isnan(other["share_from_text"])
    assert int(other["n_not_read"]) == 2  # the notes not read say why, beside it
    assert rests_on(other).startswith("not measured")
    nobody = reading_summary(ws, manager="No One")
    assert (nobody["n_sessions"] == 0).all() and nobody["rate"].isna().all()


def test_a_log_of_flags_alone_has_no_text():
    flags = workspace_with(people=PEOPLE, coaching_sessions=[
        {"session_id": "F1", "manager": "Max Moreno", "rep": "Omar Quist", "session_date": "2025-03-01",
         "named_specific_gap": True, "asked_before_telling": False}])
    try:
        assert not has_text(reading_summary(flags))
        assert not_read_reasons(flags) == {}
        assert reading_examples(flags, None, B).empty
    finally:
        flags.close()


def test_not_read_reasons_count_notes_per_reason(ws):
    assert not_read_reasons(ws) == {"language": 2, "boilerplate": 1}
    assert not_read_reasons(ws, manager="Max Moreno") == {"boilerplate": 1, "language": 1}
    assert not_read_words(not_read_reasons(ws)) == "3 notes not read: 2 in another language, 1 boilerplate only"
    assert not_read_reasons(ws, Filters(managers=("Priya Nair",))) == {"language": 1}


def test_examples_prefer_uncertain_readings_and_never_carry_the_notes(ws):
    ex = reading_examples(ws, "Max Moreno", B)
    assert list(ex.columns) == EXAMPLE_COLUMNS and "notes" not in ex.columns
    assert ex["session_id"].tolist() == ["S3", "S8", "S1", "S2"]  # uncertain, then sentences newest first, then the rest
    assert ex["value"].isna().tolist() == [True, False, False, False]
    assert ex["source"].tolist() == ["text", "correction", "text", "text"]
    assert not ex.astype(str).apply(lambda c: c.str.contains(SECRET)).any().any()
    assert ex.loc[0, "evidence"].startswith("Don't you think")
    assert reading_examples(ws, "Max Moreno", B, limit=2)["session_id"].tolist() == ["S3", "S8"]
    assert reading_examples(ws, "Max Moreno", B, shows=True)["session_id"].tolist() == ["S8", "S1"]
    assert reading_examples(ws, "Max Moreno", B, shows=False)["session_id"].tolist() == ["S2"]
    assert set(reading_examples(ws, None, B)["manager"]) == {"Max Moreno", "Priya Nair"}
    with pytest.raises(ValueError):
        reading_examples(ws, "Max Moreno", "notes")


def test_the_checklist_says_when_a_behaviour_item_was_read_from_the_notes(ws):
    counts = {B: (1, 4)}  # only 1 of 4 sessions shows it: an item
    readings = reading_counts(ws, "Max Moreno")
    assert readings[B] == (2, 1)
    item = next(i for i in next_one_on_one(pd.Series(dtype=object), counts, [], readings=readings) if i.key == B)
    assert "read from the notes of 2 of 4 sessions; 1 uncertain, not counted" in item.text
    plain = next(i for i in next_one_on_one(pd.Series(dtype=object), counts, []) if i.key == B)
    assert "notes" not in plain.text  # a log of flags reads as before


# --------------------------------------------------------------------------- Anonymise
def test_names_in_notes_and_evidence_are_scrubbed_and_categories_kept():
    people = [{"name": "Dana Whitfield", "manager": "Will Price"}, {"name": "Will Price"}]
    note = ("Asked Dana what she noticed on the Globex call; Dana Whitfield then ran the price talk. "
            "We will review it next week. dana agreed.")
    evidence = "Asked Dana what she noticed on the Globex call"
    ws = workspace_with(people=people, accounts=[{"account_id": "A1", "name": "Globex Corporation"}],
                        coaching_sessions=[session("S-Dana-7", "Will Price", "Dana Whitfield", 3, "read", True, "text",
                                                   0.9, evidence, notes=note),
                                           session("S2", "Will Price", "Dana Whitfield", 4, "not read: language")])
    copy, names = anonymise(ws)
    try:
        got = copy.query("SELECT * FROM coaching_sessions ORDER BY session_date")
        text = " ".join(got[["notes", f"{B}_evidence"]].fillna("").to_numpy().ravel())
        assert not re.search(r"(?i)\b(dana|whitfield|globex)\b", text), text
        assert "[name]" in text and names.people["Dana Whitfield"] in text and "Account" in text
        assert "We will review" in text and "the price talk" in text  # common words stay words
        assert got["text_status"].tolist() == ["read", "not read: language"]
        assert got[f"{B}_source"].fillna("").tolist() == ["text", ""] and bool(got[B].iloc[0]) is True
        # the session's ID held a name: renumbered, and the pseudonyms find the real one (to correct it)
        shown = got["session_id"].tolist()[0]
        assert "Dana" not in shown and names.real_id(shown) == "S-Dana-7"
    finally:
        copy.close()
        ws.close()


# --------------------------------------------------------------------------- no page shows notes
_SELECTS_NOTES = re.compile(r"(?i)(\bselect\b[^;]*\bnotes\b|\.\"?notes\b|\bcs\.\*|\bselect\s+\*\s+from\s+coaching_sessions)")


def _strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_no_view_ui_or_output_module_selects_the_notes_column():
    files = [*(ROOT / "views").glob("*.py"), *(ROOT / "ui").glob("*.py"), *(ROOT / "analytics" / "outputs").glob("*.py"),
             ROOT / "analytics" / "signals" / "coaching_text.py"]
    assert len(files) > 20
    for path in files:
        for s in _strings(path):
            assert s != "notes" and not _SELECTS_NOTES.search(s), (path.name, s[:120])


def test_the_notes_check_would_catch_a_page_that_selects_them():
    for bad in ('SELECT session_id, notes FROM coaching_sessions', 'SELECT cs.* FROM coaching_sessions cs',
                'x.notes', 'SELECT * FROM coaching_sessions'):
        assert _SELECTS_NOTES.search(bad), bad
    assert not _SELECTS_NOTES.search("the sentence each reading rests on (never the whole note)")


def test_a_log_of_flags_only_costs_one_query_for_the_checklist_basis(monkeypatch):
    """reading_counts (called per manager by handouts and Manager detail) asks once whether any
    reading came from text and stops there on a log of flags only (200 managers at 100% would
    otherwise run 200 summaries)."""
    from analytics.signals import coaching_text

    ws = workspace_with(coaching_sessions=[
        {"session_id": "S1", "manager": "Ann Lee", "rep": "Bo Chan", "session_date": "2026-01-05",
         "named_specific_gap": True, "named_specific_gap_source": "export"}])
    calls = []
    monkeypatch.setattr(coaching_text, "reading_summary", lambda *a, **k: calls.append(a))
    assert coaching_text.reading_counts(ws, "Ann Lee") == {}
    assert calls == []
