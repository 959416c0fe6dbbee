"""Managers: the three dials with their evidence, and "same quota, different manager"."""

import pandas as pd
import streamlit as st

from analytics.diagnosis.dials import DIALS, diagnosis, dial_basis, link_notes, link_reasons, signal_table
from analytics.outputs import charts
from analytics.people import attribution_rule
from ui.components import NAME_CHARS, attainment_basis, download_csv, md_escape, needs_data, page_header
from ui.session import get_workspace
from ui.settings_form import thresholds_form
from ui.state import get_filters, get_settings, memo

HERO = {True: "⚑ carries the number", False: "not flagged"}
ROW_PX = 35  # a row of the grid (and its header): the table is drawn tall enough for every manager
DIAL_HELP = ("0–100: the mean of its measured signals, each scored against a fixed standard. Blank: not enough "
             "evidence or not measured. How many signals it rests on, and the rank in scope: 'What each dial "
             "rests on' below; every signal: 'Signals behind each dial'.")


def table_columns() -> dict:
    """The dials table's headers, widths and help: it fits the page at 1280 px with the sidebar open (818 px;
    the team is in the CSV and the chart's tooltip)."""
    col = st.column_config
    return {
        "manager": col.TextColumn("Manager", width=140),
        "hero pattern": col.TextColumn("Hero pattern", width=150, help=(
            "⚑ carries the number: at plan, but the manager was involved in most of the team's won complex "
            "deals and capability stayed flat (the reasons are under the chart). Cannot tell: an input is "
            "not measured or rests on too few deals or review cycles.")),
        "reps": col.NumberColumn("Reps", width=50, format="%d"),
        **{label: col.ProgressColumn(label, min_value=0, max_value=100, format="%.0f", width=80,
                                     help=f"{label}: {DIAL_HELP}") for label in DIALS.values()},
        "development index": col.NumberColumn("Development index", width=125, format="%.0f", help=(
            "0–100: the team's capability movement and execution independence; the height of each "
            "manager in the chart below.")),
        "attainment": col.NumberColumn("Attainment", width=90, format="%.0f%%",
                                       help="Closed-won revenue ÷ quota over the period in scope."),
    }


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Managers", filters)
    diag = memo("diagnosis", diagnosis, ws, filters, settings)
    if diag.empty:
        needs_data("No managers in scope: the roster needs each rep's manager (a people export with rep and manager).")
        return
    st.markdown("Each dial is the mean of its measured signals, each scored 0–100 against a fixed standard from the "
                "framework (not against the other managers), so the same evidence reads the same in any filter; the "
                "rank in scope is context. **Not enough evidence** means too few signals (Coach also needs coaching "
                "sessions, development actions or named gaps); **not measured** means no export holds the evidence yet.")
    records = diag.to_dict("records")
    rests = {label: [dial_basis(r, d) for r in records] for d, label in DIALS.items()}
    table = pd.DataFrame({
        "manager": diag["manager"], "hero pattern": diag["hero"].map(HERO).fillna("cannot tell"),
        "reps": diag["reps"], **{label: diag[d] for d, label in DIALS.items()},
        "development index": diag["development_index"], "attainment": diag["attainment"] * 100,
    })
    # the answer first: the flagged heroes, then who develops their team most (development index)
    order = diag.assign(flagged=diag["hero"] == True).sort_values(  # noqa: E712 - None means cannot tell
        ["flagged", "development_index", "coach"], ascending=[False, False, False], na_position="last").index
    st.dataframe(table.loc[order], hide_index=True, width="stretch", height=ROW_PX * (min(len(table), 40) + 1) + 3,
                 column_config=table_columns())
    download_csv(table.assign(team=diag["team"], attainment=diag["attainment"]).rename(columns=str.capitalize).assign(
        **{f"{label} rests on": v for label, v in rests.items()}), "managers-dials.csv", key="dl-dials")
    with st.expander("What each dial rests on", icon=":material/fact_check:"):
        basis = pd.DataFrame({"manager": [r["manager"] for r in records for _ in DIALS],
                              "dial": [label for _ in records for label in DIALS.values()],
                              "score": [r[d] for r in records for d in DIALS],
                              "rests on": [rests[label][i] for i in range(len(records)) for label in DIALS.values()]})
        st.dataframe(basis, hide_index=True, width="stretch", column_config={
            "manager": "Manager", "dial": "Dial", "rests on": "Rests on",
            "score": st.column_config.NumberColumn("Score", format="%.0f")})

    st.subheader("Same quota, different manager")
    st.caption("Attainment against the development index (capability movement and execution independence). "
               "Managers at plan but low on development, who carried the complex deals themselves, are flagged.")
    attainment_basis(ws, filters, settings)
    st.caption(attribution_rule(ws))
    plotted = diag.dropna(subset=["attainment", "development_index"])
    if plotted.empty:
        needs_data("The chart needs attainment (a quota export) and either capability reviews or deals with "
                   "manager involvement.")
    else:
        st.altair_chart(charts.same_quota_chart(diag, settings.hero_attainment), width="stretch")
    flagged = diag[diag["hero"] == True]  # noqa: E712 - None means cannot tell
    if not flagged.empty:
        st.markdown("**Hero pattern**")
        for r in flagged.itertuples():
            st.markdown(f"- **{md_escape(r.manager, NAME_CHARS)}**: {md_escape(r.reason)}")
    unknown = diag[diag["hero"].isna()]
    if not unknown.empty:
        st.caption(f"{len(unknown)} manager{'s' if len(unknown) != 1 else ''} cannot be judged for the hero pattern: "
                   + md_escape(unknown["reason"].iloc[0]))

    with st.expander("Signals behind each dial", icon=":material/list:"):
        signals = signal_table(diag, link_reasons(ws), link_notes(ws), settings)
        st.dataframe(signals, hide_index=True, width="stretch",
                     column_config={"score": st.column_config.NumberColumn(format="%.0f")})
        download_csv(signals, "managers-signals.csv", key="dl-signals")
    thresholds_form()


render()
