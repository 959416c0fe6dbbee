"""What-if: goal seek on the sales-velocity identity, quota scenarios, and the dial weights and
thresholds every page of this session uses."""

import streamlit as st

from analytics.results import goal_seek, quota_scenario, velocity_baseline
from ui.components import attainment_basis, download_csv, md_escape, needs_data, page_header
from ui.session import get_workspace
from ui.settings_form import settings_actions, survey_rules_form, thresholds_form, weights_form
from ui.state import get_filters, get_settings, memo

LEVERS = {"win_rate": "Win rate alone", "opportunities": "More opportunities alone", "deal_size": "Deal size alone",
          "cycle_days": "Shorter cycle alone", "mix": "An even mix of all four"}


def goal_seek_section(ws, filters) -> None:
    st.subheader("Goal seek")
    st.caption("Starts from the revenue actually won per quarter, and moves it in proportion to the levers of "
               "sales velocity: opportunities × win rate × average deal size (and, for the same deals in play, "
               "inversely to cycle length), computed on the filtered data.")
    base = memo("velocity_baseline", velocity_baseline, ws, filters)
    if base.reason("actual"):
        needs_data(f"Not measured: {base.reason('actual')}. Goal seek starts from the revenue actually won, so it "
                   "needs won deals with a close date and an amount.")
        return
    st.dataframe(base.as_frame(), hide_index=True, width="stretch",
                 column_config={"value": st.column_config.NumberColumn(format="%,.2f")})
    st.caption(md_escape(base.note))
    default = max(round(base.actual_revenue_per_quarter * 1.2, -3), 1.0)
    c1, c2 = st.columns(2)
    target = c1.number_input("Revenue target per quarter", min_value=1.0, value=float(default), step=10_000.0,
                             format="%.0f", key="gs-target")
    lever = c2.selectbox("Reach it through", list(LEVERS), format_func=LEVERS.get, key="gs-lever")
    result = goal_seek(base, target, lever)
    st.markdown(md_escape(result.attrs.get("note", "")))
    st.dataframe(result[["label", "current", "needed", "change_pct", "feasible", "note"]], hide_index=True,
                 width="stretch", column_config={"change_pct": st.column_config.NumberColumn("change", format="%+.1f%%"),
                                                 "current": st.column_config.NumberColumn(format="%,.3f"),
                                                 "needed": st.column_config.NumberColumn(format="%,.3f")})
    download_csv(result, "goal-seek.csv", key="dl-goal-seek")
    if st.button("Reset the goal seek", key="gs-reset", icon=":material/restart_alt:"):
        for key in ("gs-target", "gs-lever"):
            st.session_state.pop(key, None)
        st.rerun()


def quota_section(ws, filters, settings) -> None:
    st.subheader("Quota scenario")
    change = st.slider("Change every quota by (%)", -50, 50, 0, 5, key="quota-change")
    scenario = memo("quota_scenario", quota_scenario, ws, filters, settings, float(change))
    if scenario.n_reps == 0:
        needs_data("Not measured: the quota scenario needs a quota export beside closed-won deals.")
        return
    st.markdown(md_escape(scenario.sentence))
    attainment_basis(ws, filters, settings)
    c1, c2 = st.columns(2)
    c1.metric("Reps at plan", f"{scenario.reps_at_plan_after} of {scenario.n_reps}",
              delta=scenario.reps_at_plan_after - scenario.reps_at_plan_before)
    c2.metric("Managers at plan", f"{scenario.managers_at_plan_after} of {scenario.n_managers}",
              delta=scenario.managers_at_plan_after - scenario.managers_at_plan_before)
    with st.expander("Per manager"):
        st.dataframe(scenario.managers, hide_index=True, width="stretch",
                     column_config={"attainment": st.column_config.NumberColumn(format="percent"),
                                    "attainment_after": st.column_config.NumberColumn(format="percent")})
    download_csv(scenario.reps, "quota-scenario-reps.csv", "Download reps", key="dl-quota-reps")
    download_csv(scenario.managers, "quota-scenario-managers.csv", "Download managers", key="dl-quota-managers")
    if change and st.button("Reset the quota scenario", key="quota-reset", icon=":material/restart_alt:"):
        st.session_state.pop("quota-change", None)
        st.rerun()


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("What-if", filters)
    goal_seek_section(ws, filters)
    quota_section(ws, filters, settings)
    st.subheader("Dial weights and thresholds")
    st.caption("Changed here, they apply to every page in this session: the Managers dials, the hero pattern, "
               "the gap classification, the independence curves, the survey measures. Reset returns to the "
               "framework's defaults.")
    with st.expander("Weight of each signal in its dial", icon=":material/balance:"):
        weights_form()
    thresholds_form()
    with st.expander("What a survey item measures", icon=":material/quiz:"):
        survey_rules_form()
    settings_actions()


render()
