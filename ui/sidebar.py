"""The sidebar every page shares: which workspace is loaded, the global filters, the demo."""

from __future__ import annotations

import streamlit as st

from analytics.filters import Filters
from analytics.people import filter_options
from ui.components import md_escape
from ui.session import get_workspace, open_demo, set_workspace
from ui.state import get_filters, memo, set_filters


def render_filters(ws) -> None:
    """Period, region and team: one Filters value in session state, applied by every page."""
    opts = memo("filter_options", filter_options, ws)
    current = get_filters()
    st.markdown("**Filters**")
    k = ws.id  # a new workspace starts with its own widgets
    if opts.first_date and opts.last_date:
        picked = st.date_input(
            "Period", value=(current.start or opts.first_date, current.end or opts.last_date),
            min_value=opts.first_date, max_value=opts.last_date, key=f"f-period-{k}", format="YYYY-MM-DD",
        )
        start, end = (picked if isinstance(picked, tuple) and len(picked) == 2 else (current.start, current.end))
    else:
        start = end = None
    regions = st.multiselect("Region", opts.regions, default=[r for r in current.regions if r in opts.regions],
                             key=f"f-region-{k}", placeholder="All regions")
    team_choices = opts.teams
    teams = st.multiselect("Team", team_choices, default=[t for t in current.teams if t in team_choices],
                           key=f"f-team-{k}", placeholder="All teams")
    filters = Filters(
        start=None if start == opts.first_date else start,
        end=None if end == opts.last_date else end,
        regions=tuple(regions), teams=tuple(teams),
    )
    if filters != current:
        set_filters(filters)
    if not filters.is_default and st.button("Clear filters", icon=":material/filter_alt_off:", width="stretch"):
        for key in (f"f-period-{k}", f"f-region-{k}", f"f-team-{k}"):
            st.session_state.pop(key, None)
        set_filters(Filters())
        st.rerun()


def render_sidebar() -> None:
    ws = get_workspace()
    with st.sidebar:
        st.markdown("### Bench Strength")
        st.caption("Which managers develop their teams, and which only manage them.")
        icon = {"demo": ":material/science:", "uploads": ":material/folder_open:",
                "saved": ":material/inventory_2:"}.get(ws.source, ":material/inbox:")
        st.markdown(f"{icon} **Workspace:** {md_escape(ws.label)}")
        counts = {k: v for k, v in ws.counts().items() if v}
        if counts:
            st.caption(" · ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in counts.items()))
        else:
            st.caption("Nothing loaded yet.")
        if ws.source != "demo":
            if st.button("Back to the demo", icon=":material/restart_alt:", width="stretch"):
                set_workspace(open_demo())
                set_filters(Filters())
                st.rerun()
        if counts:
            st.divider()
            render_filters(ws)
