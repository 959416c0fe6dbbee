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

from analytics.fmt import EMPTY, clip, fmt_date, md_escape, user_table
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
#: an evidence sentence in a table cell, at most this many characters
SENTENCE_CHARS = 200
SHOWS = "Shows it?"
#: the examples' columns, in pixels: the sentence takes what is left
WIDTHS = {"Date": 90, "Manager": 115, "Rep": 115, "Evidence": 300, "Reading": 150}
#: the correction column: the reading stands (or a correction is undone), or it is corrected
CHOICES = {EMPTY: None, "Yes": True, "No": False}
CORRECTION_HELP = (f"“{SHOWS}”: Yes or No corrects the reading for that session (kept with the workspace and "
                   f"counted as corrected); {EMPTY} keeps the reading, or undoes a correction.")


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
    """The readings behind one behaviour's rate, each with its correction control."""
    frame = memo("reading_examples", reading_examples, ws, manager, behaviour, limit, filters)
    if frame.empty:
        st.caption("No reading from text here: the rate rests on the export's flags.")
        return
    shown = example_table(frame, with_manager=manager is None)
    key = editor_key(ws, manager, behaviour)
    edited = st.data_editor(
        shown, hide_index=True, width="stretch", key=key,
        disabled=[c for c in shown.columns if c != SHOWS],
        column_config={**{c: st.column_config.TextColumn(width=w) for c, w in WIDTHS.items()},
                       SHOWS: st.column_config.SelectboxColumn(SHOWS, options=list(CHOICES), required=True,
                                                                help=CORRECTION_HELP, width=85)})
    changed = [(sid, CHOICES.get(new)) for sid, old, new in zip(frame["session_id"], shown[SHOWS], edited[SHOWS],
                                                                 strict=True) if new != old]
    if changed:
        correct(ws, behaviour, changed)


def example_table(frame: pd.DataFrame, with_manager: bool) -> pd.DataFrame:
    """Examples as a user reads them: date, (manager,) rep, the sentence clipped, the reading with
    its confidence band (or where it came from, when not from the notes), and the correction column
    (Yes/No when corrected)."""
    corrected = frame["source"].eq("correction")
    reading = [reading_word(v) + " · " + (confidence_band(c, s) if s == "text" else SOURCE_WORDS.get(s, s or EMPTY))
               for v, c, s in zip(frame["value"], frame["confidence"], frame["source"], strict=True)]
    return pd.DataFrame({
        "Date": [fmt_date(d) or EMPTY for d in frame["session_date"]],
        **({"Manager": [clip(m) for m in frame["manager"]]} if with_manager else {}),
        "Rep": [clip(r) for r in frame["rep"]],
        "Evidence": [clip(e, SENTENCE_CHARS) if isinstance(e, str) and e.strip() else EMPTY for e in frame["evidence"]],
        "Reading": reading,
        SHOWS: [("Yes" if bool(v) else "No") if c and not pd.isna(v) else EMPTY
                for v, c in zip(frame["value"], corrected, strict=True)],
    })


def editor_key(ws, manager: str | None, behaviour: str) -> str:
    """The examples editor's key: per version of the data, so a correction draws a fresh editor."""
    return f"readings-{ws.id}-{ws.version}-{behaviour}-{'all' if manager is None else manager}"


def correct(ws, behaviour: str, changes: list[tuple[str, bool | None]]) -> None:
    """The user's corrections made on the session's own workspace, then the page drawn again."""
    base = session.get_source_workspace()
    names = privacy.pseudonyms(base) if ws is not base else None
    done = False
    for sid, value in changes:
        done |= correct_reading(base, names.real_id(sid) if names else sid, behaviour, value)
    if done:
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
