"""Development follow-through: assigned → completed → revisited, per manager."""

import pandas as pd
import streamlit as st

from analytics.fmt import fmt_count, user_table
from analytics.outputs import charts
from analytics.signals import completed_not_revisited, follow_through_by_manager, overdue_actions
from ui import privacy
from ui.components import clip, download_csv, needs_data, page_header
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Development follow-through", filters)
    per_manager = memo("follow_through", follow_through_by_manager, ws, filters, settings)
    if per_manager.empty or int(per_manager["n_actions"].sum()) == 0:
        needs_data("Not measured: follow-through needs a development-actions export with rep, assigned, due, "
                   "completed and revisited dates.")
        return
    st.markdown("**Follow-through** = actions due (due date passed) that were completed ÷ actions due, so it "
                "never passes 100%; **revisit rate** = completed actions the manager came back to ÷ completed actions.")
    table = per_manager[["manager", "n_actions", "n_due", "n_completed_due", "follow_through_rate", "n_completed",
                         "n_revisited", "revisit_rate", "median_days_to_complete", "median_days_to_revisit",
                         "n_overdue"]]
    st.dataframe(user_table(table, decimals={"median_days_to_complete": 0, "median_days_to_revisit": 0}),
                 hide_index=True, width="stretch")
    download_csv(table, "follow-through-by-manager.csv", key="dl-ft")

    st.subheader("One manager's funnel")
    manager = st.selectbox("Manager", table["manager"].tolist(), key=privacy.person_key("ft-manager"), format_func=clip)
    row = table.set_index("manager").loc[manager]
    steps = pd.DataFrame({"step": ["Assigned", "Due", "Completed (of due)", "Revisited"],
                          "count": [int(row["n_actions"]), int(row["n_due"]), int(row["n_completed_due"]),
                                    int(row["n_revisited"])]})
    st.altair_chart(charts.funnel_chart(steps), width="stretch")

    overdue = memo("overdue", overdue_actions, ws, filters)
    mine = overdue[overdue["manager"] == manager]
    st.subheader(f"Overdue actions ({len(mine)})")
    if mine.empty:
        st.caption("No overdue actions.")
    else:
        st.caption(f"{fmt_count(len(mine), 'action')} past due and not completed.")
        st.dataframe(user_table(mine), hide_index=True, width="stretch")
    download_csv(overdue, "overdue-actions.csv", "Download all overdue actions", key="dl-overdue")

    never = memo("not_revisited", completed_not_revisited, ws, filters)
    mine = never[never["manager"] == manager]
    st.subheader(f"Completed but never revisited ({len(mine)})")
    if mine.empty:
        st.caption("Every completed action was revisited.")
    else:
        st.dataframe(user_table(mine), hide_index=True, width="stretch")
    download_csv(never, "completed-not-revisited.csv", "Download all completed, never revisited",
                 key="dl-not-revisited")


render()
