"""The Data page's card for a wide review or survey export (analytics.ingest.ratings): which table
it is loaded as (capability reviews or survey responses, the best guess preselected, or another
table mapped by hand), and one checkbox per column offered as ratings, ticked when it looks like
ratings; the load takes only the ticked columns. Held in this session's widgets only."""

from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from analytics import schema
from analytics.ingest.pipeline import FileAnalysis
from analytics.ingest.ratings import TABLES as RATING_TABLES
from ui import privacy
from ui.components import clip, md_escape

#: the choice that loads the file as it was read, mapped by hand
AS_READ = "as-read"
#: lines of the file made into the preview's long rows
PREVIEW_LINES = 5


def ratings_card(a: FileAnalysis, fid: str, mapping_form) -> tuple[str | None, dict[str, str], tuple | None]:
    """The card's table choice and column checkboxes; returns (table, mapping, ticked columns).
    ``mapping_form`` draws the generic form, for a file loaded as another table."""
    layout = a.ratings
    n = a.wide_raw.rows_read
    options = [layout.table, *[t for t in RATING_TABLES if t != layout.table], AS_READ]
    labels = {t: schema.table(t).label for t in RATING_TABLES} | {AS_READ: "Another table (map the columns myself)"}
    st.info(f"**{md_escape(a.file_name)}**: one row per person with a column per "
            f"{'rating' if layout.table == 'reviews' else 'question'} ({n:,} lines, {len(a.wide_raw.headers)} "
            f"columns): each ticked column's cells become rows. The best guess is preselected.",
            icon=":material/table_rows:")
    for note in a.wide_raw.notes:
        st.caption(md_escape(note))
    table = st.radio("This file holds", options, format_func=lambda t: labels[t], horizontal=True,
                     key=f"ratings-table-{fid}")
    if table == AS_READ:
        as_read = dataclasses.replace(a, raw=a.wide_raw, recognition=None, ratings=None)
        chosen, mapping, _ = mapping_form(as_read, fid, expanded=True,
                                          tables=[t for t in schema.TABLES if t not in RATING_TABLES])
        return chosen, mapping, None
    who = [f"person: {layout.person}"]
    for what, header in (("manager" if table == "surveys" else "reviewer", layout.manager), ("cycle", layout.cycle),
                         ("date", layout.date), ("year", layout.year)):
        if header:
            who.append(f"{what}: {header}")
    st.caption("Columns read as " + md_escape("; ".join(clip(w) for w in who)) + ". Tick the columns that are "
               f"{'ratings' if table == 'reviews' else 'questions'}; numbers that are no rating (an age, an "
               "income, years) are left unticked.")
    ticked = []
    cols = st.columns(3)
    for i, c in enumerate(layout.columns):
        with cols[i % 3]:
            if st.checkbox(f"{clip(c.header)} ({c.scale})", value=c.rating, key=f"ratings-col-{fid}-{i}",
                           help=md_escape(c.header)):
                ticked.append(c.header)
    ticked = tuple(ticked)
    if not ticked:
        st.warning("Tick at least one column to load.", icon=":material/warning:")
        return table, {}, ticked
    frame = a.wide_raw.frame
    cells = int(np.sum([frame[h].fillna("").astype("str").str.strip().ne("").sum() for h in ticked]))
    head = dataclasses.replace(a.wide_raw, frame=frame.head(PREVIEW_LINES), rows=a.wide_raw.rows[:PREVIEW_LINES])
    long, rec = dataclasses.replace(a, wide_raw=head).as_ratings(table, ticked)
    st.caption(f"{cells:,} {'ratings' if table == 'reviews' else 'answers'} from {n:,} lines, {len(ticked)} "
               f"column{'s' if len(ticked) != 1 else ''} → **{schema.table(table).label}**.")
    if privacy.is_on():
        st.caption(":material/visibility_off: Preview hidden while names are anonymised.")
    else:
        st.dataframe(long.frame.head(8), hide_index=True, width="stretch", height=213)
    if rec.missing_required:
        if "subject_manager" in rec.missing_required:
            st.warning("Survey answers need the manager they are about, and this file has no manager column: "
                       "add one to the export, or load it as capability reviews.", icon=":material/warning:")
        else:
            st.warning("Still needed: " + ", ".join(m.replace("_", " ") for m in rec.missing_required),
                       icon=":material/warning:")
    return table, rec.mapping, ticked
