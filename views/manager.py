"""Manager detail: one manager's dials and evidence, the three signals over time, the four
behaviours with example sessions, the confidence gap, and a checklist for the next 1:1."""

import pandas as pd
import streamlit as st

from analytics.diagnosis import (
    checklist_basis,
    diagnosis,
    empty_checklist_note,
    next_one_on_one,
    scope_medians,
    signal_table,
)
from analytics.diagnosis.dials import DIALS, SIGNALS, dial_basis, link_notes, link_reasons
from analytics.diagnosis.verdicts import verdicts
from analytics.fmt import fmt_measure, fmt_points, quarter_label, user_table
from analytics.outputs import charts, handout_pdf
from analytics.outputs.downloads import file_stem
from analytics.people import attribution_rule
from analytics.signals import (
    actions,
    behaviour_counts,
    confidence_verdict,
    dependency_curve,
    follow_through_by_quarter,
    named_gaps,
    review_scores,
    trend_label,
)
from analytics.signals.capability import is_flat
from analytics.signals.coaching_text import reading_counts
from analytics.signals.trends import trend_basis, trend_words
from ui import privacy, readings
from ui.components import NAME_CHARS, attainment_basis, clip, fmt_pct, md_escape, needs_data, page_header
from ui.currency import quotas_left_out
from ui.prepared import prepared_download
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo


def verdict(ws, diag, manager, row, settings) -> None:
    """The manager's verdict as the Overview gives it: carries the number, or develops the team."""
    if row["hero"] is True:
        st.warning(f"**Carries the number (hero pattern).** {md_escape(row['reason'])}", icon=":material/warning:")
        return
    v = verdicts(diag, settings, {t for t, n in ws.counts().items() if n}, link_reasons(ws))
    for item in v.developing:
        if item.manager == manager:
            st.success(f"**Develops the team.** {md_escape(item.reason)}", icon=":material/trending_up:")


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Manager detail", filters)
    diag = memo("diagnosis", diagnosis, ws, filters, settings)
    if diag.empty:
        needs_data("No managers in scope: the roster needs each rep's manager.")
        return
    names = diag["manager"].tolist()
    wanted = st.query_params.get("manager")
    manager = st.selectbox("Manager", names, index=names.index(wanted) if wanted in names else 0, key=privacy.person_key("detail-manager"),
                           format_func=clip)
    st.query_params["manager"] = manager
    row = diag.set_index("manager").loc[manager]
    st.caption(f"{md_escape(row['team'] or 'No team', NAME_CHARS)} · {md_escape(row['region'] or 'no region', NAME_CHARS)} · "
               f"{int(row['reps'])} reps in scope")
    st.caption(attribution_rule(ws))
    verdict(ws, diag, manager, row, settings)  # the answer first, then the dials it rests on

    cols = st.columns(4)
    for col, (dial, label) in zip(cols, DIALS.items(), strict=False):
        value, note = row[dial], row[f"dial_note_{dial}"]
        col.metric(label, f"{value:.0f}" if pd.notna(value) else
                   "not enough evidence" if note.startswith("not enough") else "not measured",
                   help="The mean of the dial's measured signals, each scored 0–100 against a fixed standard from "
                        "the framework (not against the other managers): the same evidence reads the same in any filter")
        col.caption(md_escape(dial_basis(row, dial))
                    + (f"; {len(off)} withheld: a broken link (see below)" if (off := [
                        s.key for s in SIGNALS if s.dial == dial and s.key in link_reasons(ws)]) else ""))
    att = row["attainment"]
    cols[3].metric("Attainment", fmt_pct(att) or "not measured")
    reasons = link_reasons(ws)
    cols[3].caption(f"{int(row['n_reps_with_quota'])} reps with quota" if pd.notna(att) else
                    md_escape(reasons["attainment"]) if "attainment" in reasons else
                    "no quota period has ended yet" if row.get("n_periods_in_progress", 0) else
                    quotas_left_out(ws) or "needs a quota export")
    attainment_basis(ws, filters, settings)
    index = privacy.index_amounts()
    prepared_download("handout (PDF)", lambda: handout_pdf(ws, filters, settings, [manager], index_amounts=index,
                                                           workspace_label=ws.label),
                      (ws.id, ws.version, filters, settings, index, manager), f"handout-{file_stem(manager, 'manager')}.pdf",
                      "application/pdf", key="manager-handout", icon=":material/picture_as_pdf:")

    st.subheader("Next 1:1 checklist")
    counts = behaviour_counts(ws, manager, filters)
    gaps = memo("named_gaps", named_gaps, ws, filters, settings)
    stuck = gaps[(gaps["manager"] == manager) & (gaps["status"] == "stuck")]
    examples = [f"{clip(r.rep)}: {clip(r.capability)}" for r in stuck.itertuples()]
    items = next_one_on_one(row, counts, examples, settings, medians=scope_medians(diag),
                            readings=memo("reading_counts", reading_counts, ws, manager, filters))
    if items:
        st.caption("The action the manager's verdict calls for first, then the weakest evidence; each against the "
                   "median of the managers in scope measured on it, or the framework's standard.")
        for i, item in enumerate(items, start=1):
            why = f" (verdict: {md_escape(item.verdict)})" if item.verdict else ""
            st.markdown(f"{i}. **{md_escape(item.title)}**{why}: {md_escape(item.text)}.")
    else:
        judged = ((gaps["manager"] == manager) & (gaps["status"] != "not measured")).any()  # a stuck gap could show
        st.caption(md_escape(empty_checklist_note(*checklist_basis(row, counts, judged))))

    st.subheader("The three signals over time")
    c1, c2, c3 = st.columns(3)
    with c1:
        st.markdown("**Capability movement**")
        scores = memo("review_scores", review_scores, ws, filters)
        mine = scores[scores["manager"] == manager]
        if mine.empty:
            st.caption("Not measured: needs a review export (rep, capability, cycle, score).")
        else:
            trend = mine.groupby(["cycle_index", "cycle"], as_index=False)["score_norm"].mean()
            trend["score"] = 100 * trend["score_norm"]
            st.altair_chart(charts.line_over_time(trend, "cycle", "score", None, "Team mean score (0–100)",
                                                  y_format="d", domain=(0, 100)), width="stretch")
            st.caption(_capability_words(row, len(trend), settings) if pd.notna(row["capability_slope"]) else "")
    with c2:
        st.markdown("**Dependency curve**")
        curve = memo("dependency_curve", dependency_curve, ws, filters, settings)
        mine = curve[(curve["manager"] == manager)].dropna(subset=["dependency"])
        if mine.empty:
            st.caption("Not measured: needs closed deals with a manager-involved flag or activities on them.")
        else:
            mine = mine.assign(quarter=mine["quarter"].map(quarter_label))
            st.altair_chart(charts.line_over_time(mine, "quarter", "dependency", None,
                                                  "Complex deals with manager"), width="stretch")
            st.caption(f"Trend: {trend_label(diag[diag['manager'] == manager]).iloc[0]} ("
                       + trend_basis(*(100 * row[f"dependency_slope{s}"] for s in ("", "_low", "_high")), "quarter",
                                     int(mine["n_complex_closed"].sum()), "complex closed deal", len(mine)) + ")")
    with c3:
        st.markdown("**Development follow-through**")
        acts = memo("actions", actions, ws, filters)
        mine = acts[acts["manager"] == manager]
        if mine.empty:
            st.caption("Not measured: needs a development-actions export.")
        else:
            by_q = follow_through_by_quarter(mine)  # completed of the due ÷ due: never above 100%
            st.altair_chart(charts.line_over_time(by_q, "quarter", "follow_through_rate", None,
                                                  "Completed of due"), width="stretch")
            st.caption(f"By quarter assigned: {int(row['n_completed_due'])} of {int(row['n_due'])} due completed · "
                       f"{int(row['n_revisited'])} of {int(row['n_completed'])} completed revisited")

    st.subheader("The four behaviours")
    readings.manager_behaviours(ws, filters, manager)  # example sessions; readings from text with corrections

    st.subheader("Confidence gap")
    if "confidence_gap" in reasons:
        st.caption(f"Not measured: {md_escape(reasons['confidence_gap'])} (see Data health on the Data page).")
    elif pd.isna(row["confidence_gap"]):
        st.caption("Not measured: needs the manager's self-rating and reps' answers on coaching consistency.")
    else:
        st.markdown(f"Self-rating **{row['self_rating']:.0%}** ({int(row['n_self_ratings'])} answers) against "
                    f"**{row['reps_agree']:.0%}** of reps agreeing ({int(row['n_rep_coaching_answers'])} answers): "
                    f"a gap of **{fmt_points(row['confidence_gap'])}**; {md_escape(confidence_verdict(row, settings))}.")

    with st.expander("Every signal for this manager"):
        table = signal_table(diag[diag["manager"] == manager], reasons, link_notes(ws), settings).drop(columns="manager")
        units = {s.label: s.unit for s in SIGNALS}
        table["value"] = [fmt_measure(v, units.get(s, "")) for v, s in zip(table["value"], table["signal"], strict=True)]
        st.dataframe(user_table(table, decimals={"score": 0}), hide_index=True, width="stretch")


def _capability_words(row, cycles: int, settings) -> str:
    """The capability slope in points per cycle, with the words the drawn team mean agrees with."""
    slope, low, high = (100 * row[f"capability_slope{s}"] for s in ("", "_low", "_high"))
    flat = bool(is_flat([row["capability_slope"]], [row["capability_slope_low"]], [row["capability_slope_high"]],
                        settings.flat_slope)[0])
    words = trend_words("flat" if flat else "rising" if slope > 0 else "falling", slope, cycles)
    return (f"Capability {words}: " + trend_basis(slope, low, high, "cycle", int(row["n_rep_capabilities"]),
                                                  "rep-capability series", cycles))


render()
