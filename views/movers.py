"""Top movers: reps whose capabilities improved most, for recognising movement, not only revenue."""

import streamlit as st

from analytics.diagnosis import movers_by_manager, top_movers
from analytics.fmt import user_table
from analytics.signals import moved_rule
from ui.components import download_csv, needs_data, page_header
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Top movers", filters)
    st.markdown("Recognition should reward behaviour and movement, not only results: these reps improved their "
                "capabilities most (mean slope of their scores, on a 0–100 scale, in points per review cycle).")
    st.caption(memo("moved_rule", moved_rule, ws, settings))
    n = st.slider("How many", 5, 30, 10, 5, key="movers-n")
    movers = memo("top_movers", top_movers, ws, filters, settings, n)
    if movers.empty:
        needs_data("Not measured: top movers need capability reviews over at least two cycles per rep.")
        return
    st.dataframe(user_table(_points(movers), _LABELS, slopes=["mean_slope", "best_rise"],
                            decimals={"best_rise": 0}), hide_index=True, width="stretch")
    download_csv(movers, "top-movers.csv", key="dl-movers")
    st.subheader("Whose reps move")
    by_manager = memo("movers_by_manager", movers_by_manager, ws, filters, settings, n)
    st.dataframe(user_table(_points(by_manager), _LABELS, slopes=["mean_slope"]), hide_index=True, width="stretch")
    download_csv(by_manager, "movers-by-manager.csv", key="dl-movers-manager")


_LABELS = {"mean_slope": "Mean slope (points per cycle)", "best_rise": "Rise on best capability (points)"}


def _points(frame):
    """Slopes and rises of normalised scores (0–1) in points of the 0–100 scale."""
    return frame.assign(**{c: 100 * frame[c] for c in ("mean_slope", "best_rise") if c in frame})


render()
