"""Managers: the three dials with their evidence, and "same quota, different manager"."""

import pandas as pd
import streamlit as st

from analytics.diagnosis.dials import DIALS, SIGNALS, diagnosis, link_notes, link_reasons, signal_table
from analytics.outputs import charts
from analytics.people import attribution_rule
from ui.components import NAME_CHARS, download_csv, md_escape, needs_data, page_header
from ui.session import get_workspace
from ui.settings_form import thresholds_form
from ui.state import get_filters, get_settings, memo


def dial_basis(row: pd.Series, dial: str) -> str:
    n, of = int(row[f"n_signals_{dial}"]), int(row[f"of_signals_{dial}"])
    if n == 0:
        return "not measured"
    parts = []
    for s in SIGNALS:
        if s.dial == dial and pd.notna(row.get(s.key)):
            parts.append(f"{int(row.get(s.evidence, 0)):,} {s.evidence_label}")
    seen = list(dict.fromkeys(parts))
    return f"{n} of {of} signals · " + ", ".join(seen[:2])


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Managers", filters)
    diag = memo("diagnosis", diagnosis, ws, filters, settings)
    if diag.empty:
        needs_data("No managers in scope: the roster needs each rep's manager (a people export with rep and manager).")
        return
    st.markdown("Each dial is the mean percentile rank, among the managers shown, of the signals measured for "
                "that manager; **not measured** means no export holds the evidence yet.")
    table = pd.DataFrame({
        "manager": diag["manager"], "team": diag["team"], "reps": diag["reps"],
        **{label: diag[d] for d, label in DIALS.items()},
        "attainment": diag["attainment"], "development index": diag["development_index"],
        "hero pattern": diag["hero"].map({True: "yes", False: "no"}).fillna("cannot tell"),
        **{f"{label} rests on": diag.apply(dial_basis, axis=1, dial=d) for d, label in DIALS.items()},
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
        signals = signal_table(diag, link_reasons(ws), link_notes(ws))
        st.dataframe(signals, hide_index=True, width="stretch",
                     column_config={"percentile rank": st.column_config.NumberColumn(format="%.0f")})
        download_csv(signals, "managers-signals.csv", key="dl-signals")
    thresholds_form()


render()
