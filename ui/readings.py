"""The coaching behaviours read from text, on Coaching evidence and Manager detail: what each rate
rests on (export, notes, corrections; uncertain and not-read readings beside it), the examples
behind a rate (the evidence sentence, never the notes) and a correction per example.

The pages read the workspace they are shown (the anonymised copy while Anonymise is on: its
sentences are scrubbed and its names are pseudonyms). A correction is the user's, of the session's
own data: it is made on the session's workspace (:func:`ui.session.get_source_workspace`), the
session found through the pseudonyms when its ID was renumbered, and it is a new version of the
data, so every rate is recomputed on the rerun.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.fmt import EMPTY, NAME_CHARS, clip, fmt_date, md_escape, user_table
from analytics.signals.coaching import BEHAVIOURS, behaviour_counts, session_examples
from analytics.signals.coaching_text import (
    SOURCE_WORDS,
    confidence_band,
    has_text,
    not_read_reasons,
    not_read_words,
    reading_examples,
    reading_summary,
    reading_word,
    rests_on,
)
from analytics.store.corrections import correct_reading
from ui import privacy, session
from ui.state import MEMO_KEY, memo

#: the short names of the behaviours, as the Coaching evidence page heads its columns
SHORT = {"named_specific_gap": "Named the gap", "asked_before_telling": "Asked first",
         "tied_to_plan": "Tied to plan", "tracked_application": "Tracked application"}
#: an evidence sentence, at most this many characters (it wraps and is read in full below that)
SENTENCE_CHARS = 300
SHOWS = "Shows it?"
#: the correction control: Yes or No corrects the reading; nothing chosen keeps it (or undoes a correction)
CHOICES = {"Yes": True, "No": False}
CORRECTION_HELP = (f"“{SHOWS}”: Yes or No corrects the reading for that session (kept with the workspace and "
                   "counted as corrected); choosing the selected answer again clears it, which keeps the "
                   "reading or undoes the correction.")
#: an example's row (its container's key starts with this) and the light rule between two rows
ROW_KEY = "reading-example"
_ROW = f"[data-testid='stLayoutWrapper']:has(> [class*='st-key-{ROW_KEY}-'])"
ROW_CSS = (f"<style>{_ROW} + {_ROW} {{ border-top: 1px solid rgba(128, 128, 128, 0.2); padding-top: 0.5rem; }}"
           "</style>")

#: the last correction made on these pages (session state): shown with an Undo until the data changes
JUST_KEY = "readings-just-corrected"


def summary(ws, filters, manager: str | None = None) -> pd.DataFrame:
    return memo("reading_summary", reading_summary, ws, filters, manager)


def rests_on_lines(ws, filters) -> bool:
    """Coaching evidence: one line per behaviour saying what its rate rests on, and the notes not
    read by reason, then the examples behind each rate. Only when a rate rests on text (a log of
    export flags alone: nothing drawn, False)."""
    s = summary(ws, filters)
    if not has_text(s):
        return False
    st.markdown("**What the rates rest on**")
    for r in s.itertuples():
        st.caption(f"{SHORT[r.behaviour]}: {md_escape(rests_on(r._asdict()))}")
    reasons = memo("not_read_reasons", not_read_reasons, ws, filters, None)
    if reasons:
        st.caption(md_escape(not_read_words(reasons)) + " (never counted as a behaviour not shown).")
    st.markdown("**Examples behind the rates**")
    st.caption("The sentence each reading rests on (never the whole note), uncertain readings first. "
               + CORRECTION_HELP)
    for b in BEHAVIOURS:
        with st.expander(f"{SHORT[b]}: examples behind the rate", icon=":material/format_quote:"):
            examples(ws, filters, None, b, limit=10)
    return True


def examples(ws, filters, manager: str | None, behaviour: str, limit: int) -> None:
    """The readings behind one behaviour's rate: per example the sentence in full (it wraps), under
    it who and when with the reading, and beside it its correction control."""
    frame = memo("reading_examples", reading_examples, ws, manager, behaviour, limit, filters)
    if frame.empty:
        st.caption("No reading from text here: the rate rests on the export's flags.")
        return
    st.html(ROW_CSS)
    just_corrected(manager, behaviour)
    changed = []
    for i, row in enumerate(example_rows(frame, with_manager=manager is None)):
        with st.container(horizontal=True, wrap=False, vertical_alignment="center", key=f"{ROW_KEY}-{behaviour}-{i}"):
            with st.container(gap=None):  # the sentence takes the width the control leaves
                st.markdown(row["sentence"])
                st.caption(row["line"])
            picked = st.segmented_control(SHOWS, list(CHOICES), default=row["choice"], label_visibility="collapsed",
                                          key=choice_key(ws, manager, behaviour, i))
        if picked != row["choice"]:
            changed.append((frame["session_id"].iloc[i], CHOICES.get(picked), row["sentence"]))
    if changed:
        correct(ws, manager, behaviour, changed)


def example_rows(frame: pd.DataFrame, with_manager: bool) -> list[dict]:
    """Examples as a user reads them: the sentence quoted (md-escaped, clipped only past
    :data:`SENTENCE_CHARS`); a line "date · manager → rep · reading · band" (no manager on one
    manager's page), the band the reader's confidence, or where the value came from when not from
    the notes; and the correction chosen (Yes/No when corrected, else None)."""
    rows = []
    for r in frame.itertuples(index=False):
        known = not pd.isna(r.value)
        who = md_escape(r.rep, NAME_CHARS) or EMPTY
        if with_manager:
            who = f"{md_escape(r.manager, NAME_CHARS) or EMPTY} → {who}"
        band = confidence_band(r.confidence, r.source) if r.source == "text" else SOURCE_WORDS.get(r.source, EMPTY)
        said = clip(r.evidence, None) if isinstance(r.evidence, str) else ""
        rows.append({
            "sentence": f"“{md_escape(said, SENTENCE_CHARS)}”" if said else "_No sentence kept for this reading._",
            "line": " · ".join([fmt_date(r.session_date) or EMPTY, who, reading_word(r.value), band]),
            "choice": ("Yes" if bool(r.value) else "No") if r.source == "correction" and known else None,
        })
    return rows


def choice_key(ws, manager: str | None, behaviour: str, i: int) -> str:
    """An example's correction control: per version of the data, so a correction draws fresh controls."""
    return f"readings-{ws.id}-{ws.version}-{behaviour}-{'all' if manager is None else manager}-{i}"


def correct(ws, manager: str | None, behaviour: str, changes: list[tuple[str, bool | None, str]]) -> None:
    """The user's corrections (session ID as shown, value, sentence as shown) made on the session's
    own workspace, the session found through the pseudonyms when the page shows the anonymised
    copy; the last one remembered for :func:`just_corrected`; then the page drawn again."""
    base = session.get_source_workspace()
    names = privacy.pseudonyms(base) if ws is not base else None
    done, last = False, None
    for sid, value, sentence in changes:
        real = names.real_id(sid) if names else sid
        if correct_reading(base, real, behaviour, value):
            done = True
            last = None if value is None else {"where": (behaviour, manager), "session_id": real, "value": value,
                                               "sentence": sentence}
    if done:
        if last is not None:
            last["version"] = (base.id, base.version)
        st.session_state[JUST_KEY] = last
        st.session_state.pop(MEMO_KEY, None)
        st.rerun()


def just_corrected(manager: str | None, behaviour: str) -> None:
    """The correction just made here, with an Undo, until the data changes again: the corrected
    reading is listed by its date among the others and may no longer be among the few shown."""
    last = st.session_state.get(JUST_KEY)
    if not last or last["where"] != (behaviour, manager):
        return
    base = session.get_source_workspace()
    if last["version"] != (base.id, base.version):
        return
    with st.container(horizontal=True, wrap=False, vertical_alignment="center"):
        st.caption(f"Corrected just now: {last['sentence']} → {reading_word(last['value'])} "
                   "(now listed by its date with the other readings).")
        if st.button("Undo", key=f"{JUST_KEY}-{behaviour}", icon=":material/undo:", type="tertiary",
                     help="Undo this correction: the reading stands again."):
            if correct_reading(base, last["session_id"], behaviour, None):
                st.session_state[JUST_KEY] = None
                st.session_state.pop(MEMO_KEY, None)
                st.rerun()


def manager_behaviours(ws, filters, manager: str) -> None:
    """Manager detail: each behaviour's count with example sessions; where a rate rests on text,
    what it rests on and up to three readings with their correction control."""
    counts = behaviour_counts(ws, manager, filters)
    text = summary(ws, filters, manager)
    read = has_text(text)
    rows = text.set_index("behaviour")
    for key, label in BEHAVIOURS.items():
        shown, observed = counts.get(key, (0, 0))
        basis = rests_on(rows.loc[key]) if read else ""
        if not observed and not (read and int(rows.loc[key, "n_uncertain"])):
            st.markdown(f"- **{label.capitalize()}**: not measured")
            continue
        title = f"{shown} of {observed} sessions ({shown / observed:.0%})" if observed else "not measured"
        with st.expander(f"{label.capitalize()}: {title}"):
            if read:
                st.caption(md_escape(basis) + ". The readings behind it, uncertain first: " + CORRECTION_HELP)
                examples(ws, filters, manager, key, limit=3)
            if observed:
                st.caption("Sessions that showed it")
                st.dataframe(user_table(session_examples(ws, manager, key, True, 3, filters)), hide_index=True,
                             width="stretch")
                st.caption("Sessions that did not")
                st.dataframe(user_table(session_examples(ws, manager, key, False, 3, filters)), hide_index=True,
                             width="stretch")
