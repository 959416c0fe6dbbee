"""Capability trends: scores across review cycles, named gaps, and whether they moved."""

import streamlit as st

from analytics.diagnosis.dials import RESTS_ON
from analytics.outputs import charts
from analytics.signals import capability_by_manager, moved_rule, named_gaps, naming_cycles, review_scores
from ui import privacy
from ui.components import NAME_CHARS, clip, download_csv, md_escape, needs_data, page_header
from ui.data_health import link_notice
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo

NEEDS = "Capability trends need a review export with rep, capability, cycle and score."


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Capability trends", filters)
    scores = memo("review_scores", review_scores, ws, filters)
    if scores.empty:
        needs_data(f"Not measured: {NEEDS}")
        return
    if not link_notice(ws, RESTS_ON["capability_slope"], "Capability trends"):
        return
    gaps = memo("named_gaps", named_gaps, ws, filters, settings)
    managers = sorted(scores["manager"].dropna().unique())
    team = st.selectbox("Team of", managers, key=privacy.person_key("cap-manager"), format_func=clip)
    mine = scores[scores["manager"] == team]

    st.subheader("Reps by capability")
    latest = (mine.sort_values("cycle_index").groupby(["rep", "capability"], as_index=False).last())
    wide = latest.pivot(index="rep", columns="capability", values="score_norm").reset_index()
    caps = [c for c in wide.columns if c != "rep"]
    last_cycle = mine.loc[mine["cycle_index"].idxmax(), "cycle"]
    st.caption(f"Each rep's latest normalised score per capability (0 = bottom of the scale, 1 = top), "
               f"up to {md_escape(last_cycle, NAME_CHARS)}; n/m = not reviewed.")
    st.altair_chart(charts.signal_heatmap(wide, {c: c for c in caps}, "score", ".2f", row="rep"), width="stretch")

    st.subheader("One rep across cycles")
    reps = sorted(mine["rep"].unique())
    rep = st.selectbox("Rep", reps, key=privacy.person_key("cap-rep"), format_func=clip)
    history = mine[mine["rep"] == rep]
    marks = naming_cycles(ws, rep, filters)
    st.altair_chart(charts.rep_trend_chart(history, marks), width="stretch")
    st.caption("Triangles: cycles in which the capability was named as a gap in a coaching session or a "
               "development action.")
    rep_gaps = gaps[gaps["rep"] == rep][["capability", "status", "named_cycles", "baseline_norm", "best_within",
                                         "rise"]]
    if rep_gaps.empty:
        st.caption("No capability of this rep was named as a gap in scope.")
    else:
        st.dataframe(rep_gaps, hide_index=True, width="stretch",
                     column_config={"rise": st.column_config.NumberColumn(format="%+.2f"),
                                    "baseline_norm": st.column_config.NumberColumn("score when named", format="%.2f"),
                                    "best_within": st.column_config.NumberColumn(
                                        f"best within {settings.moved_within_cycles} cycles", format="%.2f")})

    st.subheader("Named gaps: moved or stuck, per manager")
    st.caption(memo("moved_rule", moved_rule, ws, settings) + f" It is **stuck** when named in "
               f"{settings.stuck_min_cycles} or more cycles without that rise. The slope is flat when its 95% "
               f"interval holds 0 or it is under {settings.flat_slope:.3f} per cycle.")
    per_manager = memo("capability_by_manager", capability_by_manager, ws, filters, settings)
    table = per_manager[["manager", "capability_slope", "capability_slope_low", "capability_slope_high",
                         "n_rep_capabilities", "n_reps_reviewed", "n_named_gaps", "n_gaps_moved",
                         "n_gaps_stuck", "share_gaps_moved"]]
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "capability_slope": st.column_config.NumberColumn("slope per cycle", format="%+.3f"),
        "capability_slope_low": st.column_config.NumberColumn("95% from", format="%+.3f"),
        "capability_slope_high": st.column_config.NumberColumn("95% to", format="%+.3f"),
        "n_rep_capabilities": "rep-capability series",
        "share_gaps_moved": st.column_config.ProgressColumn("share moved", min_value=0, max_value=1,
                                                            format="percent")})
    download_csv(table, "named-gaps-by-manager.csv", key="dl-gaps-manager")

    st.subheader("The same gaps quarter after quarter")
    stuck = gaps[gaps["status"] == "stuck"].sort_values(["manager", "named_cycles"], ascending=[True, False])
    if stuck.empty:
        st.caption("No stuck gaps in scope.")
    else:
        show = stuck[["manager", "rep", "capability", "named_cycles", "baseline_norm", "best_within", "rise"]]
        st.dataframe(show, hide_index=True, width="stretch",
                     column_config={"named_cycles": st.column_config.NumberColumn("cycles named", format="%d"),
                                    "rise": st.column_config.NumberColumn(format="%+.2f")})
        download_csv(show, "stuck-gaps.csv", key="dl-stuck")


render()
