"""AppTest: Coaching evidence and Manager detail on a coaching log read from text (issue 21, the
evidence part): each rate says what it rests on, the notes not read are counted by reason, the
examples behind a rate show the evidence sentence in full (never the note; wrapped, clipped only
past 300 characters) with who, when and the reading under it and a "Shows it?" Yes/No control
beside it; a correction changes the rate at once and is undone by clearing the control, and under
Anonymise the sentences are scrubbed, the names pseudonyms and a correction lands on the real
session. On the demo (flags only) the pages stay as they were."""

from __future__ import annotations

import re

from analytics.store.corrections import corrections
from tests.app.test_pages import app, texts
from tests.factories import workspace_with
from tests.unit.test_reading_evidence import PEOPLE, SECRET, B, session, sessions
from ui.readings import SENTENCE_CHARS, choice_key


def text_log():
    return workspace_with(people=PEOPLE, coaching_sessions=sessions())


def everything(at) -> str:
    """What the page shows: its texts and every table's cells."""
    return texts(at) + "\n" + "\n".join(d.value.astype(str).to_csv() for d in at.dataframe)


def unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def examples_of(at, label: str) -> list[dict]:
    """The examples in the expander whose label starts with ``label``, in order: the sentence as
    read (without markdown escapes), its line "date · (manager →) rep · reading · band" split in
    its parts, and the "Shows it?" control (its value: "Yes", "No" or None)."""
    box = next(e for e in at.expander if e.label.startswith(label))
    sentences = [unescaped(m.value) for m in box.markdown if m.value.startswith(("“", "_No sentence"))]
    lines = [unescaped(c.value).split(" · ") for c in box.caption if " · " in c.value]
    controls = list(box.segmented_control)
    assert len(sentences) == len(lines) == len(controls), (sentences, lines)
    return [{"sentence": t, "date": ln[0], "who": ln[1], "reading": " · ".join(ln[2:]), "control": c}
            for t, ln, c in zip(sentences, lines, controls, strict=True)]


def row_of(rows: list[dict], start: str) -> dict:
    return next(r for r in rows if r["sentence"].startswith("“" + start))


def coaching_page(ws):
    at = app(ws).run()
    at.switch_page("views/coaching.py").run()
    assert not at.exception and not at.error, [e.message for e in at.exception]
    return at


def test_coaching_evidence_says_what_each_rate_rests_on_and_shows_the_sentences():
    ws = text_log()
    at = coaching_page(ws)
    page = everything(at)
    assert "What the rates rest on" in page
    assert ("Asked first: 67% of 6 sessions — read from text in 3, from the export in 2, corrected in 1; "
            "1 reading uncertain, not counted") in page
    assert "3 notes not read: 2 in another language, 1 boilerplate only" in page
    assert "Named the gap: not measured" in page  # nothing read or flagged: never 0%
    rows = examples_of(at, "Asked first")
    assert rows[0]["sentence"] == "“Don't you think you should have asked about budget?”"  # the uncertain one first
    assert [r["reading"] for r in rows] == ["uncertain · 50% it shows", "shown · corrected", "shown · confident",
                                            "shown · confident", "not shown · confident"]
    assert [r["control"].value for r in rows] == [None, "Yes", None, None, None]  # the corrected one marked
    assert rows[0]["date"] == "5 Mar 2025" and rows[0]["who"] == "Max Moreno → Dana Whitfield"
    assert rows[0]["control"].key == choice_key(ws, None, B, 0) and rows[0]["control"].options == ["Yes", "No"]
    assert row_of(rows, "What did you notice")["who"] == "Max Moreno → Dana Whitfield"
    assert SECRET not in page  # the notes themselves never reach the page


def test_the_evidence_sentence_reads_in_full_and_is_clipped_only_past_300_characters():
    full = ("What did you notice when the buyer pushed back on the price in the second call, and what would you "
            "ask first if the procurement lead raised it again next week?")
    endless = "How did the discovery go with the new champion, and what would you try next time? " * 6
    ws = workspace_with(people=PEOPLE, coaching_sessions=[
        session("L1", "Max Moreno", "Dana Whitfield", 3, "read", True, "text", 0.95, full),
        session("L2", "Max Moreno", "Omar Quist", 4, "read", True, "text", 0.93, endless)])
    at = coaching_page(ws)
    assert len(full) > 100 and len(endless) > SENTENCE_CHARS
    rows = examples_of(at, "Asked first")
    assert row_of(rows, "What did")["sentence"] == f"“{full}”"  # unclipped, on the page as it was written
    assert row_of(rows, "How did")["sentence"] == "“" + endless[: SENTENCE_CHARS - 1].rstrip() + "…”"
    assert full in unescaped(texts(at)) and SECRET not in texts(at)


def test_a_correction_on_coaching_evidence_changes_the_rate_at_once_and_clearing_it_undoes_it():
    ws = text_log()
    at = coaching_page(ws)
    examples_of(at, "Asked first")[0]["control"].set_value("Yes").run()  # the uncertain reading
    assert not at.exception and not at.error, [e.message for e in at.exception]
    assert corrections(ws)[["session_id", "value"]].values.tolist() == [["S3", True]]
    page = texts(at)
    assert ("Asked first: 71% of 7 sessions — read from text in 3, from the export in 2, corrected in 2") in page
    assert "uncertain, not counted" not in page.split("Asked first:")[1].split("\n")[0]
    rows = examples_of(at, "Asked first")  # fresh controls for the new version
    assert [r["control"].value for r in rows].count("Yes") == 2
    assert all(r["control"].key.startswith(f"readings-{ws.id}-{ws.version}-") for r in rows)
    again = row_of(rows, "Don't you think")
    assert again["reading"] == "shown · corrected" and again["control"].value == "Yes"
    assert "Corrected just now: “Don't you think you should have asked about budget?” → shown" in texts(at)
    again["control"].set_value(None).run()  # cleared: the correction undone, the reading back
    assert not at.exception and not at.error, [e.message for e in at.exception]
    assert corrections(ws).empty and "Corrected just now" not in texts(at)
    assert ("Asked first: 67% of 6 sessions — read from text in 3, from the export in 2, corrected in 1; "
            "1 reading uncertain, not counted") in texts(at)
    back = examples_of(at, "Asked first")[0]
    assert back["reading"] == "uncertain · 50% it shows" and back["control"].value is None


def test_manager_detail_says_what_each_rate_rests_on_with_three_examples():
    ws = text_log()
    at = app(ws).run()
    at.switch_page("views/manager.py").run()
    at.selectbox(key="detail-manager@0").set_value("Max Moreno").run()
    assert not at.exception and not at.error, [e.message for e in at.exception]
    page = everything(at)
    assert ("60% of 5 sessions — read from text in 2, from the export in 2, corrected in 1; "
            "1 reading uncertain, not counted") in page
    rows = examples_of(at, "Asks before telling")
    assert len(rows) == 3 and all("→" not in r["who"] and "Max" not in r["who"] for r in rows)  # date · rep
    assert rows[0]["sentence"].startswith("“Don't you think") and rows[0]["who"] == "Dana Whitfield"
    assert rows[0]["control"].key == choice_key(ws, "Max Moreno", B, 0)
    rows[2]["control"].set_value("No").run()
    assert not at.exception and not at.error, [e.message for e in at.exception]
    assert corrections(ws)["value"].tolist() == [False] and "corrected in 2" in texts(at)
    assert SECRET not in page


def test_under_anonymise_sentences_are_scrubbed_and_names_are_pseudonyms():
    ws = workspace_with(people=PEOPLE, coaching_sessions=[
        {**s, f"{B}_evidence": f"Asked Dana Whitfield what she noticed ({s['session_id']})"}
        if s[f"{B}_evidence"] else s for s in sessions()])
    at = app(ws).run()
    at.sidebar.toggle(key="anon-on").set_value(True).run()
    at.switch_page("views/coaching.py").run()
    assert not at.exception and not at.error, [e.message for e in at.exception]
    rows = examples_of(at, "Asked first")
    assert rows
    shown = "\n".join(f"{r['sentence']} {r['date']} {r['who']}" for r in rows)
    assert "Dana" not in shown and "Whitfield" not in shown and "Max Moreno" not in shown
    assert "[name]" in shown or "Rep " in shown
    assert "Dana" not in texts(at) and "Whitfield" not in texts(at)


def test_the_demo_pages_stay_as_they_were():
    at = app().run()
    at.switch_page("views/coaching.py").run()
    assert not at.exception and not at.error
    assert "What the rates rest on" not in texts(at) and not readings_controls(at)
    at.switch_page("views/manager.py").run()
    assert not at.exception and not at.error
    assert "read from text" not in texts(at) and not readings_controls(at)


def readings_controls(at) -> list:
    return [c for c in at.button_group if str(c.key).startswith("readings-")] + list(at.data_editor)


def test_a_correction_under_anonymise_lands_on_the_real_session():
    """A session ID holding a name is renumbered in the anonymised copy; the correction made on it
    reaches the session's own row through the pseudonyms."""
    ws = workspace_with(people=PEOPLE, coaching_sessions=[{**s, "session_id": f"{s['session_id']}-Dana"}
                                                          for s in sessions()])
    at = app(ws).run()
    at.sidebar.toggle(key="anon-on").set_value(True).run()
    at.switch_page("views/coaching.py").run()
    copy = at.session_state["anonymised_copy"][1]
    assert copy.made_from(ws) and copy.scalar("SELECT count(*) FROM coaching_sessions WHERE session_id LIKE 'ID %'")
    at.segmented_control(key=choice_key(copy, None, B, 0)).set_value("No").run()
    assert not at.exception and not at.error, [e.message for e in at.exception]
    assert corrections(ws)[["session_id", "value"]].values.tolist() == [["S3-Dana", False]]
    assert "Asked first: 57% of 7 sessions" in texts(at)  # the page reads the copy made again
    assert row_of(examples_of(at, "Asked first"), "Don't you think")["control"].value == "No"
    undo = [b for b in at.button if b.label == "Undo"]
    assert len(undo) == 1  # the correction just made, with its Undo
    undo[0].click().run()
    assert not at.exception and not at.error, [e.message for e in at.exception]
    assert corrections(ws).empty and "Asked first: 67% of 6 sessions" in texts(at)  # undone on the real session
    assert "Corrected just now" not in texts(at) and not [b for b in at.button if b.label == "Undo"]
    row_of(examples_of(at, "Asked first"), "Don't you think")["control"].set_value("Yes").run()
    assert corrections(ws)[["session_id", "value"]].values.tolist() == [["S3-Dana", True]]
    row_of(examples_of(at, "Asked first"), "Don't you think")["control"].set_value(None).run()  # cleared: undone
    assert not at.exception and not at.error, [e.message for e in at.exception]
    assert corrections(ws).empty and "Asked first: 67% of 6 sessions" in texts(at)
