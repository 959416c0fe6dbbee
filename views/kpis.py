"""Pipeline & KPIs: leading, predictive and outcome measures, each at its cadence, per team or rep,
against the standards the user sets."""

import altair as alt
import pandas as pd
import streamlit as st

from analytics.outputs import charts
from analytics.results import kpis
from ui.components import attainment_basis, download_csv, labelled_table, needs_data, page_header
from ui.session import get_workspace
from ui.settings_form import thresholds_form
from ui.state import get_filters, get_settings, memo

LEVELS = {"team": "Per team (manager)", "rep": "Per rep"}
#: each grain's axis labels and ticks, always with the year ("Q3 2026", "Sep 2026"; weeks and days ticked
#: by month, one tick per period at most, so no label repeats), and its tooltip ("Week of 7 Sep 2026")
TIME = {"quarter": ("Q%q %Y", ("month", 3), "Quarter", "Q%q %Y"), "month": ("%b %Y", ("month", 1), "Month", "%b %Y"),
        "week": ("%b %Y", ("month", 1), "Week of", "%-d %b %Y"), "day": ("%b %Y", ("month", 1), "Day", "%-d %b %Y")}
STAGE_LABELS = {"n": "Moves", "rate": "Share of moves out", "from_rank": "From stage's rank",
                "to_rank": "To stage's rank"}


def trend(frame: pd.DataFrame, x: str, y: str, title: str, fmt: str, rule: float | None = None,
          grain: str = "week") -> alt.LayerChart:
    when, (interval, step), called, day = TIME[grain]
    base = alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(color=charts.WON), color=charts.WON).encode(
        x=alt.X(f"{x}:T", title=None, axis=alt.Axis(format=when, labelOverlap=True,
                                                     tickCount={"interval": interval, "step": step})),
        y=alt.Y(f"{y}:Q", title=title, axis=alt.Axis(format=fmt)),
        tooltip=[alt.Tooltip(f"{x}:T", title=called, format=day),
                 alt.Tooltip(f"{y}:Q", title=title, format=fmt.replace("~s", ",.0f"))])
    layers = [base]
    if rule is not None:
        layers.append(alt.Chart(pd.DataFrame({"r": [rule]})).mark_rule(color=charts.QUOTA, strokeDash=[4, 4])
                      .encode(y="r:Q"))
    return alt.layer(*layers).properties(height=220)


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Pipeline & KPIs", filters)
    if not ws.counts()["opportunities"]:
        needs_data("Not measured: KPIs need an opportunities export (owner, amount, stage, created and close dates).")
        return
    level = st.radio("Show", list(LEVELS), format_func=LEVELS.get, horizontal=True, key="kpi-level")
    unmeasured = memo("kpi_level_missing", kpis.level_not_measured, ws, filters, level)
    if unmeasured:  # an empty table per team or rep would read as if there were nothing to see
        st.info(f"{LEVELS[level]}: not measured, because {unmeasured}. The charts for the whole organisation "
                "below count every deal.", icon=":material/info:")
    leading_tab, predictive_tab, outcome_tab, standards_tab = st.tabs(
        ["Leading (daily / weekly)", "Predictive (weekly)", "Outcomes (monthly / quarterly)", "Below standard"])

    with leading_tab:
        grain = st.segmented_control("Grain", ["week", "day"], default="week", key="kpi-lead-grain") or "week"
        org = memo("leading_org", kpis.leading, ws, filters, settings, grain, "org")
        if org["activities"].notna().any():
            st.altair_chart(trend(org, "period", "activities", f"Activities per {grain}", ",.0f",
                                  org["activity_target"].iloc[-1] if grain == "week" else None, grain), width="stretch")
        else:
            st.caption("Activities not measured: needs an activities export.")
        st.altair_chart(trend(org, "period", "pipeline_added", f"Pipeline added per {grain}", "~s", None, grain),
                        width="stretch")
        if unmeasured:
            st.caption(f"{LEVELS[level]}: not measured.")
        else:
            per = memo("leading", kpis.leading, ws, filters, settings, grain, level)
            labelled_table(per, f"Leading measures per {grain}", f"{LEVELS[level]}, each {grain} (dated by its first "
                           "day): activities logged, pipeline added by the deals created, deals created and deals "
                           "moving to a later stage.", f"leading-{grain}-{level}.csv", "dl-leading")

    with predictive_tab:
        org = memo("predictive_org", kpis.predictive, ws, filters, settings, "org")
        if org["coverage"].notna().any():
            st.altair_chart(trend(org, "week", "coverage", "Pipeline coverage (× quota)", ".1f",
                                  settings.coverage_standard, "week"), width="stretch")
            st.caption(f"Dashed line: the coverage standard of {settings.coverage_standard:g}×. Basis: "
                       f"{org['coverage_basis'].dropna().iloc[-1] if org['coverage_basis'].notna().any() else 'n/a'}.")
        else:
            st.caption("Coverage not measured: needs open deals with close dates and a quota export.")
        st.markdown("**Stage-to-stage conversion**")
        conv = memo("stage_conversion", kpis.stage_conversion, ws, filters)
        if conv.empty:
            st.caption("Not measured: needs an opportunity stage-history export.")
        else:
            labelled_table(conv, "Stage-to-stage conversion", "Each row: the moves in the period from one stage to "
                           "the next, and their share of every move out of the first stage.",
                           "stage-conversion.csv", "dl-conv", STAGE_LABELS)
            st.markdown("**Time in stage**")
            tis = memo("time_in_stage", kpis.time_in_stage, ws, filters)
            labelled_table(tis, "Time in stage", "Days a deal stayed in each stage. The last stage of a deal still "
                           "open has no end yet and is left out (stays still open).", "time-in-stage.csv", "dl-tis",
                           {"n": "Stays", "rank": "Stage's rank"})
        st.markdown("**Velocity** = open deals × win rate × average deal size ÷ cycle length (revenue per day)")
        if unmeasured:
            st.caption(f"{LEVELS[level]}: not measured.")
        else:
            vel = memo("velocity", kpis.velocity, ws, filters, level)
            labelled_table(vel, "Sales velocity", f"{LEVELS[level]}: the inputs of velocity and the revenue per day "
                           "they imply.", f"velocity-{level}.csv", "dl-velocity")

    with outcome_tab:
        grain = st.segmented_control("Grain", ["month", "quarter"], default="quarter", key="kpi-out-grain") or "quarter"
        org = memo("outcomes_org", kpis.outcomes, ws, filters, settings, grain, "org")
        st.altair_chart(trend(org, "period", "revenue", f"Closed-won revenue per {grain}", "~s", None, grain),
                        width="stretch")
        if org["win_rate"].notna().any():
            st.altair_chart(trend(org, "period", "win_rate", "Win rate", ".0%", None, grain), width="stretch")
        if unmeasured:
            st.caption(f"{LEVELS[level]}: not measured.")
        else:
            per = memo("kpi_summary", kpis.kpi_summary, ws, filters, settings, level)
            cols = [c for c in ["manager", "rep", "revenue", "quota", "attainment", "won", "lost", "win_rate",
                                "avg_deal_size", "cycle_length_days"] if c in per.columns]
            labelled_table(per[cols], "Outcomes", f"{LEVELS[level]}: closed-won revenue against quota, deals won "
                           "and lost, win rate, average deal size and cycle length in the period.",
                           f"kpis-{level}.csv", "dl-kpis", download=per)
            attainment_basis(ws, filters, settings)

    with standards_tab:
        judged = memo("standards", kpis.below_standard, ws, filters, settings, False)
        below = judged[judged["n_below"] > 0].reset_index(drop=True)
        shown = below[below["level"] == level]
        st.caption(f"Standards: coverage {settings.coverage_standard:g}× next quarter's quota; "
                   f"{settings.activity_target_per_week:g} activities per rep per week in at least half the weeks; "
                   "attainment of 100%.")
        checked, unchecked = kpis.standards_checked(judged, level, settings)
        ran = f"Checked: {'; '.join(checked)}." + (f" Not checked: {'; '.join(unchecked)}." if unchecked else "")
        if unmeasured:
            st.info(f"Not measured: {unmeasured}.", icon=":material/info:")
        elif not checked:  # nothing ran: never an all-clear
            st.info("Not measured: no standard has evidence for anyone in scope, so nothing could be checked. "
                    + "; ".join(w[0].upper() + w[1:] for w in unchecked) + ".", icon=":material/info:")
        elif shown.empty and not unchecked:
            st.success(f"Nobody in scope is below a standard. {ran}", icon=":material/check:")
        elif shown.empty:  # an all-clear over part of the standards only: said as such, not green
            st.info(f"Nobody in scope is below the standards that could be checked. {ran}", icon=":material/info:")
        else:
            labelled_table(shown, "Below standard", f"Everyone below at least one standard. {ran}",
                           "below-standard.csv", "dl-below", download=below)
        if shown.empty:
            download_csv(below, "below-standard.csv", key="dl-below", title="Below standard")
        thresholds_form()


render()
