"""Streamlit helpers shared by pages: metric cards with their basis, downloads, notices."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.fmt import LABEL_CHARS, NAME_CHARS, clip, fmt_pct, md_escape  # noqa: F401 - re-exported for pages
from analytics.fmt import fmt_money as _fmt_money
from analytics.ingest import analyses_supported
from analytics.outputs.downloads import neutralise, safe_csv, safe_xlsx  # noqa: F401 - re-exported for pages
from analytics.results import quota_basis
from ui import currency, privacy, session
from ui.state import memo

NOT_MEASURED = "not measured"


def metric(label: str, value: str | None, basis: str, help: str | None = None) -> None:
    """A metric card that always says what it rests on; a missing value reads 'not measured'."""
    st.metric(label, value if value is not None else NOT_MEASURED, help=help)
    st.caption(basis)


#: tables up to this many rows have their CSV written with the page; larger ones when clicked
EAGER_CSV_ROWS = 2_000


def download_csv(frame: pd.DataFrame, file_name: str, label: str = "Download CSV", key: str | None = None) -> None:
    """Download a table as CSV or as an Excel workbook. The workbook, and the CSV of a table over
    :data:`EAGER_CSV_ROWS` rows, are built only when clicked; values a spreadsheet would run as formulas are written as text (see analytics.outputs.downloads):
    a hostile cell cannot execute on the user's machine. The grid's own export is switched off
    (``client.disableDataExport``), so these buttons are the only way out."""
    stem = file_name.rsplit(".", 1)[0]
    key = key or f"dl-{file_name}"
    # one button per column: two deferred downloads in one container can lose the first one's file
    csv_col, xlsx_col, _ = st.columns([2.2, 1.2, 6.6], gap="small")
    with csv_col:
        # a small table's CSV is written with the page (a few ms: benchmarks/RESULTS.md) and served as a
        # file: a deferred download was now and then never served in the browser tests
        data = safe_csv(frame) if len(frame) <= EAGER_CSV_ROWS else (lambda: safe_csv(frame))
        st.download_button(label, data=data, file_name=f"{stem}.csv", mime="text/csv",
                           key=key, icon=":material/download:", width="stretch")
    with xlsx_col:
        st.download_button("Excel", data=lambda: safe_xlsx({stem: frame}), file_name=f"{stem}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"{key}-xlsx", icon=":material/table_view:", width="stretch")


def fmt_money(value: float | None) -> str | None:
    """Amounts as the session shows them: "pts" while the workshop shows amounts as an index; with
    the currency after them when the data holds several (``"1.2m USD"``)."""
    text = _fmt_money(value, index=privacy.index_amounts())
    if text is None:
        return None
    return text + currency.suffix(session.get_workspace())


def attainment_basis(ws, filters, settings) -> None:
    """Say once, beside the page's attainment, what it rests on: the quota periods ended by the day
    the data is judged at, and those in progress or not started, shown apart (issue 19)."""
    basis = memo("quota_basis", quota_basis, ws, filters, settings)
    if not basis.sentence:
        return
    money = basis.money(privacy.index_amounts())
    st.caption(f":material/event: {md_escape(basis.sentence)}" + (f" ({md_escape(money)})" if money else ""))


def needs_data(message: str, page: str = "views/data.py") -> None:
    """Say plainly what is missing and where to add it."""
    st.info(message, icon=":material/upload_file:")
    st.page_link(page, label="Add exports on the Data page", icon=":material/upload:")


def page_header(title: str, filters) -> None:
    """Title and the one-line summary of the filters every number on the page obeys."""
    st.title(title)
    st.caption(f":material/filter_alt: {md_escape(filters.summary())}")
    currency.render_notice(session.get_workspace())


def supports_list(ws) -> None:
    """What your data supports: how many analyses are ready, then each one that is not, with what
    it needs (a missing export, or a broken link between files and its fix)."""
    cov = analyses_supported(ws)
    ready = [c for c in cov if c.supported]
    st.markdown(f"**{len(ready)} of {len(cov)} analyses** have the data they need.")
    if ready and len(ready) < len(cov):
        st.caption("Ready: " + "; ".join(c.title for c in ready) + ".")
    for c in cov:
        if not c.supported:
            tag = ":orange[broken link]" if c.broken_link else ":orange[needs data]"
            st.markdown(f"- {tag} **{c.title}**: {md_escape(c.reason)}")
