"""Top movers: reps whose capabilities improved most, for recognising movement, not only revenue."""

import streamlit as st

from analytics.diagnosis import movers_by_manager, top_movers
from analytics.signals import moved_rule
from ui.components import download_csv, needs_data, page_header
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Top movers", filters)
    st.markdown("Recognition should reward behaviour and movement, not only results: these reps improved their "
                "capabilities most (mean slope of their normalised scores per review cycle).")
    st.caption(memo("moved_rule", moved_rule, ws, settings))
    n = st.slider("How many", 5, 30, 10, 5, key="movers-n")
    movers = memo("top_movers", top_movers, ws, filters, settings, n)
    if movers.empty:
        needs_data("Not measured: top movers need capability reviews over at least two cycles per rep.")
        return
    st.dataframe(movers, hide_index=True, width="stretch", column_config={
        "mean_slope": st.column_config.NumberColumn("mean slope per cycle", format="%+.3f"),
        "best_rise": st.column_config.NumberColumn("rise on best capability", format="%+.2f"),
        "n_capabilities": "capabilities", "n_cycles": "cycles"})
    download_csv(movers, "top-movers.csv", key="dl-movers")
    st.subheader("Whose reps move")
    by_manager = memo("movers_by_manager", movers_by_manager, ws, filters, settings, n)
    st.dataframe(by_manager, hide_index=True, width="stretch", column_config={
        "share_improving": st.column_config.ProgressColumn("share improving", min_value=0, max_value=1,
                                                           format="percent"),
        "mean_slope": st.column_config.NumberColumn("mean slope per cycle", format="%+.3f")})
    download_csv(by_manager, "movers-by-manager.csv", key="dl-movers-manager")


render()
