"""Capability trends: scores across review cycles, named gaps, and whether they moved."""

import streamlit as st

from analytics.diagnosis.dials import RESTS_ON
from analytics.fmt import fmt_slope, user_table
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
    wide = latest.assign(score=100 * latest["score_norm"]).pivot(index="rep", columns="capability",
                                                                 values="score").reset_index()
    caps = [c for c in wide.columns if c != "rep"]
    last_cycle = mine.loc[mine["cycle_index"].idxmax(), "cycle"]
    st.caption(f"Each rep's latest score per capability on a 0–100 scale (0 = bottom of the review scale, "
               f"100 = top; darker = higher), up to {md_escape(last_cycle, NAME_CHARS)}; n/m = not reviewed.")
    st.altair_chart(charts.signal_heatmap(wide, {c: c for c in caps}, "score (0–100)", ".0f", row="rep",
                                          domain=(0, 100)), width="stretch")

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
        st.dataframe(user_table(_points(rep_gaps), {"best_within": f"Best within {settings.moved_within_cycles} cycles",
                                                    "rise": "Rise (points)"}, slopes=["rise"], decimals=_WHOLE),
                     hide_index=True, width="stretch")

    st.subheader("Named gaps: moved or stuck, per manager")
    st.caption(memo("moved_rule", moved_rule, ws, settings) + f" It is **stuck** when named in "
               f"{settings.stuck_min_cycles} or more cycles without that rise. The slope is flat when its 95% "
               f"interval holds 0 or it is under {fmt_slope(100 * settings.flat_slope)} (scores on a 0–100 scale).")
    per_manager = memo("capability_by_manager", capability_by_manager, ws, filters, settings)
    table = per_manager[["manager", "capability_slope", "capability_slope_low", "capability_slope_high",
                         "n_rep_capabilities", "n_reps_reviewed", "n_named_gaps", "n_gaps_moved",
                         "n_gaps_stuck", "share_gaps_moved"]]
    slopes = ["capability_slope", "capability_slope_low", "capability_slope_high"]
    st.dataframe(user_table(table.assign(**{c: 100 * table[c] for c in slopes}), {
        "capability_slope": "Slope (points per cycle)", "capability_slope_low": "95% from",
        "capability_slope_high": "95% to", "share_gaps_moved": "Share moved"}, slopes=slopes),
        hide_index=True, width="stretch")
    download_csv(table, "named-gaps-by-manager.csv", key="dl-gaps-manager")

    st.subheader("The same gaps quarter after quarter")
    stuck = gaps[gaps["status"] == "stuck"].sort_values(["manager", "named_cycles"], ascending=[True, False])
    if stuck.empty:
        st.caption("No stuck gaps in scope.")
    else:
        show = stuck[["manager", "rep", "capability", "named_cycles", "baseline_norm", "best_within", "rise"]]
        st.dataframe(user_table(_points(show), {"rise": "Rise (points)"}, slopes=["rise"], decimals=_WHOLE),
                     hide_index=True, width="stretch")
        download_csv(show, "stuck-gaps.csv", key="dl-stuck")


#: scores shown on the 0–100 scale, whole points
_WHOLE = {"baseline_norm": 0, "best_within": 0, "rise": 0}


def _points(gaps):
    """Normalised scores (0–1) of a gaps table on the 0–100 scale the page reads."""
    return gaps.assign(**{c: 100 * gaps[c] for c in _WHOLE if c in gaps})


render()
