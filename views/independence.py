"""Execution independence: do reps win their complex deals without the manager stepping in?"""

import streamlit as st

from analytics.fmt import fmt_ordinal, fmt_slope, quarter_label, user_table
from analytics.outputs import charts
from analytics.settings import bound
from analytics.signals import (
    closed_deals,
    complex_threshold,
    dependency_curve,
    dependency_trend,
    flagged_deals,
    independence_by_manager,
    independence_by_rep,
    trend_label,
)
from ui import privacy
from ui.components import clip, download_csv, fmt_money, needs_data, page_header
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo, set_settings


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Execution independence", filters)
    st.markdown("**Independence** = share of a team's complex deals won without the manager involved. The "
                "**dependency curve** is, per quarter, the share of the team's complex closed deals with the "
                "manager involved; a shrinking curve is a team that is learning to win without them.")
    flagged = flagged_deals(ws)
    use_flag = settings.use_complexity_flag
    if flagged:
        use_flag = st.toggle(f"Use the export's own complexity flag ({flagged:,} deals carry it)",
                             value=settings.use_complexity_flag, key="use-complexity-flag",
                             help="Off: every deal is judged by the amount threshold below")
    b = bound("complexity_percentile")  # the range the settings file and the What-if page use
    pct = st.slider("Complex deal: amount at or above this percentile of closed deals", b.lo, b.hi,
                    float(settings.complexity_percentile), b.step, key="complexity-percentile",
                    disabled=bool(flagged and use_flag),
                    help="Used for deals without an explicit complexity flag, or for all when the flag is off")
    if pct != settings.complexity_percentile or use_flag != settings.use_complexity_flag:
        settings = settings.with_(complexity_percentile=pct, use_complexity_flag=use_flag)
        set_settings(settings)
    threshold = memo("complex_threshold", complex_threshold, ws, settings)
    if flagged and use_flag:
        st.caption(f"Complex = the export's flag where a deal has one; other deals at {fmt_money(threshold) or 'n/a'} "
                   f"or more (the {fmt_ordinal(100 * pct)} percentile of closed amounts).")
    else:
        st.caption(f"Complex = closed amount of {fmt_money(threshold) or 'n/a'} or more (the {fmt_ordinal(100 * pct)} percentile of "
                   "the organisation's closed amounts).")

    deals = memo("closed_deals", closed_deals, ws, filters, settings)
    if deals.empty or deals["involved"].isna().all():
        needs_data("Not measured: independence needs closed deals with amounts, and a manager-involved flag or "
                   "activities linked to the deals (to see who took part).")
        return
    curve = memo("dependency_curve", dependency_curve, ws, filters, settings)
    trend = memo("dependency_trend", dependency_trend, ws, filters, settings)
    st.subheader("Dependency curves")
    st.caption("Per manager and quarter: the share of the team's complex closed deals with the manager involved.")
    st.altair_chart(charts.dependency_small_multiples(curve, trend.assign(words=trend_label(trend, short=True))),
                    width="content")

    st.subheader("Per manager")
    per_manager = memo("independence", independence_by_manager, ws, filters, settings)
    st.caption(f"The trend is the slope of the curve in points per quarter, each quarter weighted by its deals, "
               f"with its 95% interval: flat when the interval holds 0 or the slope is under "
               f"{fmt_slope(100 * settings.dependency_flat_band, 'quarter')}; a flat curve that still moves "
               "visibly reads 'growing (or shrinking) within noise'.")
    table = per_manager[["manager", "independence", "n_complex_won", "dependency_slope", "dependency_slope_low",
                         "dependency_slope_high", "dependency_trend", "n_quarters", "n_complex_won_not_measured"]]
    slopes = ["dependency_slope", "dependency_slope_low", "dependency_slope_high"]
    shown = table.assign(dependency_trend=trend_label(table, short=True), **{c: 100 * table[c] for c in slopes})
    st.dataframe(user_table(shown.sort_values("dependency_slope"), {
        "dependency_slope": "Slope (points per quarter)", "dependency_slope_low": "95% from",
        "dependency_slope_high": "95% to", "dependency_trend": "Trend",
        "n_complex_won_not_measured": "Won complex deals with unknown involvement"}, slopes=slopes),
        hide_index=True, width="stretch")
    download_csv(table, "independence-by-manager.csv", key="dl-ind-manager")

    st.subheader("Per rep, by quarter")
    per_rep = memo("independence_by_rep", independence_by_rep, ws, filters, settings)
    manager = st.selectbox("Team of", table["manager"].tolist(), key=privacy.person_key("ind-manager"), format_func=clip)
    mine = per_rep[per_rep["manager"] == manager].copy()
    if mine.empty:
        st.caption("No complex deals won by this team in scope.")
    else:
        mine["quarter"] = mine["quarter"].map(quarter_label)
        wide = mine.pivot_table(index="rep", columns="quarter", values="independence").reset_index()
        quarters = [c for c in wide.columns if c != "rep"]
        st.altair_chart(charts.signal_heatmap(wide, {q: q for q in quarters}, "independence", row="rep"),
                        width="stretch")
        st.caption("Share of each rep's complex won deals without the manager, per quarter (blank: no complex win).")
    download_csv(per_rep, "independence-by-rep.csv", key="dl-ind-rep")


render()
