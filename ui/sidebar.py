"""The sidebar every page shares: which workspace is loaded, the global filters, the demo."""

from __future__ import annotations

import streamlit as st

from analytics.filters import Filters, period_label, quarter_of, quarters
from analytics.people import filter_options
from ui import privacy
from ui.components import LABEL_CHARS, clip, md_escape
from ui.currency import render_picker as render_currency
from ui.frame import error_boundary
from ui.session import get_source_workspace, get_workspace, open_demo, set_workspace
from ui.state import get_filters, memo, set_filters


def render_filters(ws) -> None:
    """Period, region, team, manager, segment and product: one Filters value in session state,
    applied by every page as bound SQL parameters."""
    opts = memo("filter_options", filter_options, ws)
    current = get_filters()
    st.markdown("**Filters**")
    k = ws.id  # a new workspace starts with its own widgets
    if opts.first_date and opts.last_date:
        start, end = render_period(opts.first_date, opts.last_date, current, k)
    else:
        start = end = None
    def pick(label: str, options: list[str], chosen: tuple[str, ...], key: str) -> tuple[str, ...]:
        if not options:
            return ()
        return tuple(st.multiselect(label, options, default=[v for v in chosen if v in options],
                                    key=f"f-{key}-{k}", placeholder=f"All {label.lower()}s", format_func=clip))

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
        for key in [f"f-{name}-{k}" for name in ("period", "quarter", "region", "team", "manager", "segment", "product")]:
            st.session_state.pop(key, None)
        set_filters(Filters())
        st.rerun()


ALL_DATES = "All dates"


def render_period(first, last, current: Filters, k: str) -> tuple:
    """The period in one action: a calendar quarter (or all dates) from the picker, or any range
    from the dates below it (the picker then reads "Custom range"). The dates may run to the
    edges of the first and last quarters, so that a quarter the data only partly covers is still
    that quarter (and reads so: "2026 Q3")."""
    period_key, quarter_key = f"f-period-{k}", f"f-quarter-{k}"
    named = quarters(first, last)
    if period_key not in st.session_state:
        st.session_state[period_key] = (current.start or first, current.end or last)
    held = st.session_state[period_key]
    if isinstance(held, tuple) and len(held) == 2:  # the picker follows the dates (a half-picked range keeps it)
        whole = held == (first, last)
        label = period_label(*held)
        st.session_state[quarter_key] = ALL_DATES if whole else label if label in named else None

    def to_quarter() -> None:
        chosen = st.session_state.get(quarter_key)
        if chosen == ALL_DATES:
            st.session_state[period_key] = (first, last)
        elif chosen in named:
            st.session_state[period_key] = named[chosen]

    st.selectbox("Quarter", [ALL_DATES, *named], key=quarter_key, on_change=to_quarter,
                 placeholder="Custom range (dates below)",
                 help="One calendar quarter in one step; the dates below set any other range.")
    picked = st.date_input("Period", min_value=quarter_of(first)[0], max_value=quarter_of(last)[1],
                           key=period_key, format="YYYY-MM-DD")
    return picked if isinstance(picked, tuple) and len(picked) == 2 else (current.start, current.end)


def render_workshop(base) -> None:
    """The projector switch: pseudonyms for people (accounts and amounts optionally), for
    every page, chart, table and download of this session until it is turned off."""
    current = privacy.options()
    on = st.toggle("Anonymise names", value=current is not None, key="anon-on",
                   help="Every person and team on every page, chart, table and download becomes a pseudonym "
                        "that stays the same for this session (\"Manager 03\", \"Rep 041\", \"Team 07\"), and "
                        "names inside any text (deal names, subjects, file names) are replaced. Turn off to see names.")
    wanted = None
    if on:
        accounts = st.checkbox("Accounts too", value=True if current is None else current.accounts,
                               key="anon-accounts", help="Customer account and company names become "
                                                         "\"Account 0007\". Untick to show them.")
        index = st.checkbox("Amounts as an index", value=bool(current and current.amounts_as_index),
                            key="anon-index", help="Amounts are scaled so the median won deal is 100 points; "
                                                   "shares and attainment do not change.")
        wanted = privacy.new_options(accounts, index)
    if wanted == current:
        return
    # the filters name people as the pages show them: carry the choice across the switch
    filters = get_filters()
    old_names = privacy.pseudonyms(base)
    if old_names is not None:
        filters = old_names.backward(filters)
    st.session_state[privacy.OPTIONS_KEY] = wanted
    new_names = privacy.pseudonyms(base)
    if new_names is not None:
        filters = new_names.forward(filters)
    set_filters(filters)
    privacy.carry_people(old_names, new_names)
    st.rerun()


def render_sidebar() -> None:
    base = get_source_workspace()
    with st.sidebar:
        st.markdown("### Bench Strength")
        st.caption("Which managers develop their teams, and which only manage them.")
        icon = {"demo": ":material/science:", "uploads": ":material/folder_open:",
                "saved": ":material/inventory_2:"}.get(base.source, ":material/inbox:")
        label = base.label if not privacy.is_on() else get_workspace().label
        st.markdown(f"{icon} **Workspace:** {md_escape(label, LABEL_CHARS)}")
        counts = {k: v for k, v in base.counts().items() if v}
        if counts:
            st.caption(" · ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in counts.items()))
        else:
            st.caption("Nothing loaded yet.")
        if base.source != "demo":
            if st.button("Back to the demo", icon=":material/restart_alt:", width="stretch"):
                set_workspace(open_demo())
                set_filters(Filters())
                st.rerun()
        if counts:
            render_workshop(base)
            st.divider()
            # a failure here would otherwise stop every page: the pages still draw, with the filters held
            with error_boundary("The filters could not be drawn for this workspace; the pages show the data "
                                "with the filters already set. The details were written to the server log.",
                                what="sidebar filters"):
                render_currency(base)
                render_filters(get_workspace())
