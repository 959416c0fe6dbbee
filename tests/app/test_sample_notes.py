"""The Data page's "Try the notes reader" (ui/sample_notes.py): on the demo, one click adds the sample
coaching log of free-text notes (data/samples/coaching_notes.csv) through the ordinary import, the
validation report shows it, the workspace stops being the shared demo, and a summary links to
Coaching evidence; the section names no person and hands out no names while they are anonymised."""

from __future__ import annotations

import re

import pandas as pd

from tests.app.test_pages import ROOT, app, texts
from tests.factories import workspace_with

SAMPLE = ROOT / "data" / "samples" / "coaching_notes.csv"
N = len(pd.read_csv(SAMPLE, usecols=["Session ID"]))
ADD = f"Add sample coaching notes ({N} sessions, no yes/no columns)"
DOWNLOAD = "Download the sample (CSV)"


def _name_words() -> set[str]:
    people = pd.read_csv(ROOT / "data" / "demo" / "people.csv", usecols=["name"])["name"]
    return {w.lower() for n in people for w in re.findall(r"\w{3,}", n)}


def _data_page(workspace=None):
    at = app(workspace).run()
    at.switch_page("views/data.py").run()
    assert not at.exception
    return at


def _section_text(at) -> str:
    return "\n".join(str(e.value) for e in (*at.markdown, *at.caption)
                     if "notes reader" in str(e.value) or "Coaching tools export" in str(e.value))


def test_the_demo_offers_the_sample_and_the_section_names_no_person():
    at = _data_page()
    assert any(b.label == ADD for b in at.button)
    download = next(d for d in at.get("download_button") if d.label == DOWNLOAD)
    assert not download.disabled
    section = _section_text(at)
    assert "Try the notes reader" in section and f"{N} coaching sessions" in section
    assert not set(re.findall(r"\w+", section.lower())) & _name_words()


def test_adding_the_sample_loads_it_through_the_import_and_leaves_the_shared_demo():
    at = _data_page()
    ws = at.session_state["workspace"]
    before = ws.counts()["coaching_sessions"]
    assert ws.shared_as is not None  # the untouched demo: its results are shared between sessions
    next(b for b in at.button if b.label == ADD).click().run()
    assert not at.exception
    ws = at.session_state["workspace"]
    assert ws.counts()["coaching_sessions"] == before + N  # added to the demo, nothing replaced
    assert ws.source == "uploads" and ws.shared_as is None and ws.label == "Demo + sample coaching notes"
    shown = texts(at)
    assert f"coaching_notes.csv: {N:,} rows read · {N:,} loaded · 0 rejected · {N:,} new" in shown  # the report
    summary = [s.value for s in at.success if s.value.startswith("Sample coaching notes added")]
    assert summary and summary[0].startswith(f"Sample coaching notes added: {N} sessions loaded, 0 rejected.")
    assert [t.value for t in at.toast] == [f"Sample coaching notes added: {N} sessions loaded, 0 rejected."]
    assert any(p.proto.page.endswith("coaching.py") or "Coaching evidence" in p.proto.label
               for p in at.get("page_link"))
    assert not any(b.label == ADD for b in at.button)  # offered on the demo only
    at.run()  # the toast once; the summary stays with its report
    assert not at.toast and any(s.value.startswith("Sample coaching notes added") for s in at.success)


def test_with_names_anonymised_the_file_is_not_handed_out_and_adding_still_works():
    at = _data_page()
    at.sidebar.toggle(key="anon-on").set_value(True).run()
    assert not at.exception
    assert next(d for d in at.get("download_button") if d.label == DOWNLOAD).disabled
    next(b for b in at.button if b.label == ADD).click().run()
    assert not at.exception
    assert at.session_state["workspace"].counts()["coaching_sessions"] > N
    shown = texts(at)
    assert "Sample coaching notes added" in shown
    assert not set(re.findall(r"\w+", shown.lower())) & _name_words(), "a demo name on the Data page"


def test_the_sample_is_not_offered_on_a_workspace_of_uploads():
    ws = workspace_with(people=[{"person_id": "p1", "name": "Ann Lee"}])
    ws.source = "uploads"
    at = _data_page(ws)
    assert not any(b.label == ADD for b in at.button)
    assert "Try the notes reader" not in texts(at)


def test_after_adding_the_summary_says_what_was_read_from_the_notes():
    at = _data_page()
    next(b for b in at.button if b.label == ADD).click().run()
    summary = next(s.value for s in at.success if s.value.startswith("Sample coaching notes added"))
    assert "notes read" in summary and "Shown in the text: names a specific capability gap in" in summary
