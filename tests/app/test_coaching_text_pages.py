"""AppTest: Coaching evidence and Manager detail on a coaching log read from text (issue 21, the
evidence part): each rate says what it rests on, the notes not read are counted by reason, the
examples behind a rate show the evidence sentence (never the note) with a correction column, a
correction changes the rate at once, and under Anonymise the sentences are scrubbed and the names
pseudonyms. On the demo (flags only) the pages stay as they were."""

from __future__ import annotations

import pandas as pd

from analytics.store.corrections import corrections
from tests.app.test_pages import app, texts
from tests.factories import workspace_with
from tests.unit.test_reading_evidence import PEOPLE, SECRET, B, sessions
from ui.readings import SHOWS, editor_key


def text_log():
    return workspace_with(people=PEOPLE, coaching_sessions=sessions())


def everything(at) -> str:
    """What the page shows: its texts and every table's cells."""
    return texts(at) + "\n" + "\n".join(d.value.astype(str).to_csv() for d in at.dataframe)


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
    editor = at.data_editor(key=editor_key(ws, None, B)).value
    assert editor["Evidence"].iloc[0].startswith("Don't you think")  # the uncertain reading first
    assert editor["Reading"].tolist() == ["uncertain · 50% it shows", "shown · corrected", "shown · confident",
                                          "shown · confident", "not shown · confident"]
    assert editor[SHOWS].tolist() == ["—", "Yes", "—", "—", "—"]  # the corrected one marked
    assert SECRET not in page  # the notes themselves never reach the page


def test_a_correction_on_coaching_evidence_changes_the_rate_at_once():
    ws = text_log()
    at = coaching_page(ws)
    key = editor_key(ws, None, B)
    at.session_state[key] = {"edited_rows": {"0": {SHOWS: "Yes"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and not at.error, [e.message for e in at.exception]
    assert corrections(ws)[["session_id", "value"]].values.tolist() == [["S3", True]]
    page = texts(at)
    assert ("Asked first: 71% of 7 sessions — read from text in 3, from the export in 2, corrected in 2") in page
    assert "uncertain, not counted" not in page.split("Asked first:")[1].split("\n")[0]
    editor = at.data_editor(key=editor_key(ws, None, B)).value  # a fresh editor for the new version
    assert editor[SHOWS].tolist().count("Yes") == 2


def test_manager_detail_says_what_each_rate_rests_on_with_three_examples():
    ws = text_log()
    at = app(ws).run()
    at.switch_page("views/manager.py").run()
    at.selectbox(key="detail-manager@0").set_value("Max Moreno").run()
    assert not at.exception and not at.error, [e.message for e in at.exception]
    page = everything(at)
    assert ("60% of 5 sessions — read from text in 2, from the export in 2, corrected in 1; "
            "1 reading uncertain, not counted") in page
    editor = at.data_editor(key=editor_key(ws, "Max Moreno", B)).value
    assert len(editor) == 3 and "Manager" not in editor.columns
    assert SECRET not in page


def test_under_anonymise_sentences_are_scrubbed_and_names_are_pseudonyms():
    ws = workspace_with(people=PEOPLE, coaching_sessions=[
        {**s, f"{B}_evidence": f"Asked Dana Whitfield what she noticed ({s['session_id']})"}
        if s[f"{B}_evidence"] else s for s in sessions()])
    at = app(ws).run()
    at.sidebar.toggle(key="anon-on").set_value(True).run()
    at.switch_page("views/coaching.py").run()
    assert not at.exception and not at.error, [e.message for e in at.exception]
    editors = [d.value for d in at.data_editor]
    assert editors
    shown = pd.concat(editors).astype(str).to_csv()
    assert "Dana" not in shown and "Whitfield" not in shown and "Max Moreno" not in shown
    assert "[name]" in shown or "Rep " in shown


def test_the_demo_pages_stay_as_they_were():
    at = app().run()
    at.switch_page("views/coaching.py").run()
    assert not at.exception and not at.error
    assert "What the rates rest on" not in texts(at) and not at.data_editor
    at.switch_page("views/manager.py").run()
    assert not at.exception and not at.error
    assert "read from text" not in texts(at) and not at.data_editor


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
    at.session_state[editor_key(copy, None, B)] = {"edited_rows": {"0": {SHOWS: "No"}}, "added_rows": [],
                                                   "deleted_rows": []}
    at.run()
    assert not at.exception and not at.error, [e.message for e in at.exception]
    assert corrections(ws)[["session_id", "value"]].values.tolist() == [["S3-Dana", False]]
    assert "Asked first: 57% of 7 sessions" in texts(at)  # the page reads the copy made again
