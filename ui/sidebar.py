"""The sidebar every page shares: which workspace is loaded, the global filters, the demo."""

from __future__ import annotations

import streamlit as st

from analytics.filters import Filters
from analytics.people import filter_options
from ui.components import md_escape
from ui.session import get_workspace, open_demo, set_workspace
from ui.state import get_filters, memo, set_filters


def render_filters(ws) -> None:
    """Period, region, team, manager, segment and product: one Filters value in session state,
    applied by every page as bound SQL parameters."""
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
    def pick(label: str, options: list[str], chosen: tuple[str, ...], key: str) -> tuple[str, ...]:
        if not options:
            return ()
        return tuple(st.multiselect(label, options, default=[v for v in chosen if v in options],
                                    key=f"f-{key}-{k}", placeholder=f"All {label.lower()}s"))

    regions = pick("Region", opts.regions, current.regions, "region")
    teams = pick("Team", opts.teams_in(regions), current.teams, "team")
    managers = pick("Manager", opts.managers_in(regions, teams), current.managers, "manager")
    segments = pick("Segment", opts.segments, current.segments, "segment")
    products = pick("Product", opts.products, current.products, "product")
    filters = Filters(
        start=None if start == opts.first_date else start,
        end=None if end == opts.last_date else end,
        regions=regions, teams=teams, managers=managers, segments=segments, products=products,
    )
    if filters != current:
        set_filters(filters)
    if not filters.is_default and st.button("Clear filters", icon=":material/filter_alt_off:", width="stretch"):
        for key in [f"f-{name}-{k}" for name in ("period", "region", "team", "manager", "segment", "product")]:
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
