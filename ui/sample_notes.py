"""The Data page's "Try the notes reader" section: on the built-in demo, one click adds a sample
coaching log whose sessions carry only what managers wrote (``data/samples/coaching_notes.csv``,
written by ``python -m tools.notes_sample``), through the ordinary import path, so a consultant can
show behaviours read from text without client data; and the file itself, as an example of the
export shape.

The section names no person (the sample is the demo's own fictional people, and the Anonymise
switch hides them on every page as usual). After the click the workspace is no longer the
untouched demo: :func:`ui.imports.load` does the bookkeeping of any load (report, warm-up, the
shared demo results left behind), and a summary says what was read with a link to Coaching
evidence.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from analytics.fmt import fmt_count
from analytics.ingest.pipeline import ImportJob, analyse_file
from analytics.ingest.text_readings import TextReadings, text_readings
from analytics.signals.coaching import BEHAVIOURS
from analytics.store import Workspace
from ui import privacy
from ui.imports import GENERATION_KEY, load
from ui.session import reports

SAMPLE_FILE = Path(__file__).resolve().parents[1] / "data" / "samples" / "coaching_notes.csv"
#: the workspace's name once the sample is added to the demo
LABEL = "Demo + sample coaching notes"
#: session keys: the workspace the sample was added to, and whether its toast is still to show
ADDED_KEY, TOAST_KEY = "sample-notes-added-to", "sample-notes-toast"
COACHING_PAGE = "views/coaching.py"


def sample_ids() -> list[str]:
    """The sample's session IDs (public, generated data; read from the file when asked)."""
    return pd.read_csv(SAMPLE_FILE, usecols=["Session ID"], dtype=str)["Session ID"].tolist()


def sample_notes_section(ws: Workspace) -> None:
    """On the demo: the section with the button and the download; after the sample was added to
    this workspace: what was read from it."""
    if st.session_state.get(ADDED_KEY) == ws.id:
        added_summary(ws)
    if ws.source != "demo" or not SAMPLE_FILE.is_file():
        return
    n = len(sample_ids())
    with st.container(border=True):
        st.markdown("**:material/edit_note: Try the notes reader**")
        st.caption("Coaching tools export what managers write, not yes/no columns. This sample adds "
                   f"{fmt_count(n, 'coaching session')} of the demo's managers with their own reps, with notes only: "
                   "1:1 notes, CRM activity descriptions, call-review transcripts and coaching-tool summaries. "
                   "The app reads the four coaching behaviours from the text and keeps the sentence that shows each.")
        with st.container(horizontal=True, gap="small"):
            clicked = st.button(f"Add sample coaching notes ({fmt_count(n, 'session')}, no yes/no columns)",
                                icon=":material/note_add:", key="sample-notes-add")
            hidden = privacy.is_on()  # the file holds the demo's names as they are: not handed out while anonymised
            st.download_button("Download the sample (CSV)", data=SAMPLE_FILE.read_bytes, file_name=SAMPLE_FILE.name,
                               mime="text/csv", icon=":material/download:", key="sample-notes-dl", disabled=hidden,
                               help=("Not while names are anonymised: the file holds the names." if hidden else
                                     "An example of the export shape: Session ID, Manager, Rep, Date, Type, "
                                     "Duration (min), Notes."))
        if clicked:
            add_sample(ws)


def add_sample(ws: Workspace) -> None:
    """Import the sample into the session's workspace as any upload added to it is imported."""
    analysis = analyse_file(SAMPLE_FILE.name, SAMPLE_FILE.read_bytes())
    st.session_state[ADDED_KEY] = ws.id
    st.session_state[TOAST_KEY] = True
    load(ws, "add", [ImportJob(analysis)], st.session_state.get(GENERATION_KEY, 0), label=LABEL)


def added_summary(ws: Workspace) -> None:
    """What the sample's import loaded and read, while its report is the page's; a toast once."""
    report = next((r for r in reports() if r.file == SAMPLE_FILE.name), None)
    if report is None:
        st.session_state.pop(ADDED_KEY, None)  # another import since: the report above is that one's
        return
    if report.error:
        return  # the validation report below says why
    got = text_readings(ws, sample_ids())
    head = (f"Sample coaching notes added: {fmt_count(report.rows_loaded, 'session')} loaded, "
            f"{report.rows_rejected:,} rejected.")
    st.success(head + " " + read_sentence(got), icon=":material/edit_note:")
    st.page_link(COACHING_PAGE, label="See the behaviours on Coaching evidence", icon=":material/record_voice_over:")
    if st.session_state.pop(TOAST_KEY, False):
        st.toast(head, icon=":material/edit_note:")


def read_sentence(got: TextReadings) -> str:
    """What was read from the notes, in words (counts only: no note, no name).

    >>> read_sentence(TextReadings(sessions=3))
    'The behaviours were not read from the notes: this version of the app loads notes without reading them.'
    >>> read_sentence(TextReadings(sessions=3, read=2, not_read={"empty": 1},
    ...                            shown={"tied_to_plan": 2}, uncertain={"tied_to_plan": 0}))
    '2 notes read (1 could not be: 1 empty). Shown in the text: ties it to a development plan in 2 sessions.'
    """
    if not got.read and not got.not_read:
        return "The behaviours were not read from the notes: this version of the app loads notes without reading them."
    unread = sum(got.not_read.values())
    text = fmt_count(got.read, "note") + " read"
    if unread:
        text += f" ({unread:,} could not be: " + ", ".join(f"{n:,} {why}" for why, n in got.not_read.items()) + ")"
    shown = [f"{BEHAVIOURS[b]} in {fmt_count(n, 'session')}" for b, n in got.shown.items() if n]
    text += ". Shown in the text: " + ("; ".join(shown) if shown else "none of the four behaviours") + "."
    uncertain = sum(got.uncertain.values())
    if uncertain:
        text += f" {fmt_count(uncertain, 'reading')} uncertain, left out of the rates."
    return text
