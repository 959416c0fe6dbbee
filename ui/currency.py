"""The currency money is reported in: the sidebar's choice, and the notice under every page's title.

Shown only when the data holds more than one currency (:mod:`analytics.results.currency`); with one,
nothing is drawn and every page reads as it always did.
"""

from __future__ import annotations

import streamlit as st

from analytics.fmt import md_escape
from analytics.results.currency import CurrencyScope, currency_scope
from analytics.store.workspace import Workspace
from ui import privacy
from ui.state import memo


def scope(ws: Workspace) -> CurrencyScope:
    return memo("currency_scope", currency_scope, ws)


def render_picker(base: Workspace) -> None:
    """A "Currency" choice in the sidebar, when the deals and quotas hold several: the currency
    with the most won amount first. Set on the session's own workspace (an anonymised copy
    follows it)."""
    now = scope(base)
    if not now.mixed:
        return
    options = list(now.currencies)
    picked = st.selectbox("Currency", options, index=options.index(now.reporting), key=f"f-currency-{base.id}",
                          help="Money is never summed across currencies: sums, deal sizes, pipeline and attainment "
                               "count the deals and quotas in this currency. Counts and win rates count every deal.")
    if picked != now.reporting:
        base.set_reporting_currency(picked)
        st.rerun()


def render_notice(ws: Workspace) -> None:
    """Which currency the page's money is in, and what its totals leave out (nothing with one)."""
    text = scope(ws).notice(index=privacy.index_amounts())
    if text:
        st.caption(f":material/currency_exchange: {md_escape(text)}")


def suffix(ws: Workspace) -> str:
    """`` USD`` after an amount when the data holds several currencies; empty with one."""
    now = scope(ws)
    return f" {now.reporting}" if now.mixed and not privacy.index_amounts() else ""


def quotas_left_out(ws: Workspace) -> str | None:
    """Why no quota is compared with won amounts when the quotas are in another currency or none
    (None when that is not the reason); ask only when no quota counts."""
    return scope(ws).quotas_left_out()
