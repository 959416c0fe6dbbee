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
    table = pd.DataFrame({
        "manager": diag["manager"], "team": diag["team"], "reps": diag["reps"],
        **{label: diag[d] for d, label in DIALS.items()},
        "attainment": diag["attainment"], "development index": diag["development_index"],
        "hero pattern": diag["hero"].map({True: "yes", False: "no"}).fillna("cannot tell"),
        **{f"{label} rests on": [dial_basis(r, d) for r in diag.to_dict("records")] for d, label in DIALS.items()},
    })
    dial_col = {label: st.column_config.ProgressColumn(label, min_value=0, max_value=100, format="%.0f")
                for label in DIALS.values()}
    st.dataframe(table.sort_values("Coach", ascending=False, na_position="last"), hide_index=True, width="stretch",
                 column_config={**dial_col,
                                "attainment": st.column_config.NumberColumn("attainment", format="percent"),
                                "development index": st.column_config.NumberColumn(format="%.0f")})
    download_csv(table, "managers-dials.csv", key="dl-dials")

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
        st.caption(f"{len(unknown)} manager(s) cannot be judged for the hero pattern: "
                   + md_escape(unknown["reason"].iloc[0]))

    with st.expander("Signals behind each dial", icon=":material/list:"):
        signals = signal_table(diag, link_reasons(ws), link_notes(ws), settings)
        st.dataframe(signals, hide_index=True, width="stretch",
                     column_config={"score": st.column_config.NumberColumn(format="%.0f")})
        download_csv(signals, "managers-signals.csv", key="dl-signals")
    thresholds_form()


render()
