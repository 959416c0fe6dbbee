"""Coaching evidence: the four behaviours, coaching quality, the 50/50 rule, cadence, and the
confidence gap between what managers believe and what their reps say."""

import streamlit as st

from analytics.diagnosis.dials import RESTS_ON
from analytics.fmt import fmt_count, fmt_points, user_table
from analytics.outputs import charts
from analytics.signals import BEHAVIOURS, coaching_by_manager, coaching_by_rep, survey_by_manager
from ui import readings
from ui.components import download_csv, needs_data, page_header
from ui.data_health import link_notice
from ui.readings import SHORT
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo

RESEARCH_NOTE = ("External research, not computed from your data: most managers believe they coach "
                 "consistently, while in published research only about six in ten of their reps agree.")


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Coaching evidence", filters)
    coach = memo("coaching", coaching_by_manager, ws, filters, settings)
    if coach.empty:
        needs_data("No managers in scope: the roster needs each rep's manager.")
        return

    st.subheader("The four behaviours")
    linked = link_notice(ws, RESTS_ON["quality_index"], "Coaching evidence")
    if linked and int(coach["n_sessions"].sum()) == 0:
        needs_data("Not measured: coaching evidence needs a coaching-session log with manager, rep, date and the "
                   "four behaviour flags (named a gap, asked first, tied to a plan, tracked application).")
    elif linked:
        st.caption("Share of each manager's logged sessions that showed each behaviour; n/m = not measured.")
        rates = {f"rate_{k}": SHORT[k] for k in BEHAVIOURS}
        rates["quality_index"] = "Quality index"
        st.altair_chart(charts.signal_heatmap(coach[["manager", *rates]], rates, "share of sessions"), width="stretch")
        table = coach[["manager", "n_sessions", "n_reps_coached", *rates, "skill_time_share",
                       "sessions_per_rep_month", "pipeline_reviews_per_rep_month"]].rename(columns=rates)
        st.dataframe(user_table(table, {"skill_time_share": "Skill time",
                                        "sessions_per_rep_month": "Sessions per rep per month",
                                        "pipeline_reviews_per_rep_month": "Pipeline reviews per rep per month"},
                                shares=list(rates.values()),
                                decimals={"sessions_per_rep_month": 1, "pipeline_reviews_per_rep_month": 1}),
                     hide_index=True, width="stretch")
        download_csv(table, "coaching-by-manager.csv", key="dl-coaching")
        readings.rests_on_lines(ws, filters)  # what each rate rests on, and its examples: only when read from text

        st.subheader("Skill time against the 50/50 rule")
        if coach["skill_time_share"].notna().any():
            st.caption(f"Share of 1:1 minutes spent on skill development rather than pipeline review; the dashed "
                       f"line is the {settings.skill_time_target:.0%} target.")
            st.altair_chart(charts.skill_time_chart(coach, settings.skill_time_target), width="stretch")
        else:
            needs_data("Not measured: the coaching log needs pipeline and skill minutes per session.")

        with st.expander("Coaching cadence per rep", icon=":material/event_repeat:"):
            per_rep = memo("coaching_by_rep", coaching_by_rep, ws, filters, settings)
            st.caption("Sessions per month for each rep and days since their last session (as of the latest "
                       "session in scope). More often is not better: look for reps nobody coaches.")
            st.dataframe(user_table(per_rep.sort_values(["manager", "sessions_per_month"]),
                                    decimals={"sessions_per_month": 1, "days_since_last_session": 0}),
                         hide_index=True, width="stretch")
            download_csv(per_rep, "coaching-by-rep.csv", key="dl-coaching-rep")

    st.subheader("Confidence is not evidence")
    survey = memo("surveys", survey_by_manager, ws, filters, settings)
    both = survey.dropna(subset=["self_rating", "reps_agree"])
    surveyed = link_notice(ws, RESTS_ON["confidence_gap"], "The confidence gap")
    if surveyed and both.empty:
        needs_data("Not measured: the confidence gap needs a survey where managers rate their own coaching and "
                   "reps rate their manager's (e.g. 'My manager coaches me consistently').")
    elif surveyed:
        st.caption("Each manager's own rating that they coach consistently, beside the share of their reps who "
                   f"agree (a score of {settings.agree_score:g} or more of 5). Largest gap first.")
        st.altair_chart(charts.confidence_chart(survey), width="stretch")
        gap = survey[["manager", "self_rating", "n_self_ratings", "reps_agree", "n_rep_coaching_answers",
                      "n_rep_coaching_respondents", "confidence_gap", "confidence_gap_low", "confidence_gap_high",
                      "over_confident"]].sort_values("confidence_gap", ascending=False, na_position="last")
        gap["over_confident"] = gap["over_confident"].map({True: "yes", False: "no"}).fillna(
            gap["confidence_gap"].map(lambda g: "not measured" if g != g else "cannot tell"))
        st.caption(f"Over-confident only when the gap's {settings.overconfidence_confidence:.0%} interval lies "
                   f"wholly above {fmt_points(settings.overconfidence_min_gap).lstrip('+')} (published research finds about 40 points usual); "
                   f"with fewer than {settings.overconfidence_min_answers} reps answering, an unclear gap reads "
                   "'cannot tell'. Each rep counts once however many waves they answered.")
        st.dataframe(user_table(gap, {
            "self_rating": "Self-rating", "reps_agree": "Reps who agree", "confidence_gap": "Gap",
            "confidence_gap_low": "Gap from", "confidence_gap_high": "Gap to", "over_confident": "Over-confident",
            "n_self_ratings": "Self answers", "n_rep_coaching_answers": "Rep answers",
            "n_rep_coaching_respondents": "Reps answering"},
            points=["confidence_gap", "confidence_gap_low", "confidence_gap_high"]), hide_index=True, width="stretch")
        download_csv(gap, "confidence-gap.csv", key="dl-gap")
    st.caption(f":material/menu_book: {RESEARCH_NOTE}")

    missing = int((coach["n_sessions"] == 0).sum())
    if 0 < missing < len(coach):
        st.caption(f"{fmt_count(missing, 'manager')} {'has' if missing == 1 else 'have'} no logged sessions in "
                   "scope: their behaviours read 'not measured'.")


render()
