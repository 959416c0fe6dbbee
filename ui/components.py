"""Streamlit helpers shared by pages: metric cards with their basis, downloads, notices."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.fmt import LABEL_CHARS, NAME_CHARS, clip, fmt_pct, md_escape  # noqa: F401 - re-exported for pages
from analytics.fmt import fmt_money as _fmt_money
from analytics.ingest import analyses_supported
from analytics.outputs.downloads import (  # noqa: F401 - re-exported for pages
    about_rows,
    column_kind,
    download_name,
    header_label,
    neutralise,
    safe_csv,
    safe_xlsx,
)
from analytics.results import quota_basis
from ui import currency, privacy, session
from ui.state import get_filters, memo

NOT_MEASURED = "not measured"


def metric(label: str, value: str | None, basis: str, help: str | None = None) -> None:
    """A metric card that always says what it rests on; a missing value reads 'not measured'."""
    st.metric(label, value if value is not None else NOT_MEASURED, help=help)
    st.caption(basis)


#: tables up to this many rows have their CSV written with the page; larger ones when clicked
EAGER_CSV_ROWS = 2_000


def download_csv(frame: pd.DataFrame, file_name: str, label: str = "Download CSV", key: str | None = None,
                 title: str | None = None) -> None:
    """Download a table as CSV or as an Excel workbook. The workbook, and the CSV of a table over
    :data:`EAGER_CSV_ROWS` rows, are built only when clicked; values a spreadsheet would run as formulas are written as text (see analytics.outputs.downloads):
    a hostile cell cannot execute on the user's machine. The grid's own export is switched off
    (``client.disableDataExport``), so these buttons are the only way out.

    Both files are named after the table, the filters and the day (``kpis-team-2026-q3-2026-12-07.csv``);
    the workbook keeps each column's number format under headers in words, after an "About" sheet
    naming the table (``title``), the filters, the workspace as shown (a pseudonym while Anonymise
    is on) and when it was made. The CSV stays plain data under the table's own column names."""
    from datetime import UTC, datetime

    stem = file_name.rsplit(".", 1)[0]
    key = key or f"dl-{file_name}"
    made = datetime.now(UTC)
    summary = get_filters().summary()
    title = title or header_label(stem.replace("-", " "))
    about = about_rows(title, summary,
                       clip(session.get_workspace().label, LABEL_CHARS), made)
    # side by side, each as wide as its label (never cut at a narrow window), wrapping below when
    # there is no room; one button per container: two deferred downloads in one container can lose
    # the first one's file
    with st.container(horizontal=True, gap="small"):
        with st.container(width="content"):
            # a small table's CSV is written with the page (a few ms: benchmarks/RESULTS.md) and served as a
            # file: a deferred download was now and then never served in the browser tests
            data = safe_csv(frame) if len(frame) <= EAGER_CSV_ROWS else (lambda: safe_csv(frame))
            st.download_button(label, data=data, file_name=download_name(f"{stem}.csv", summary, made),
                               mime="text/csv", key=key, icon=":material/download:", width="content")
        with st.container(width="content"):
            st.download_button("Excel", data=lambda: safe_xlsx({title: frame}, about=about),
                               file_name=download_name(f"{stem}.xlsx", summary, made),
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               key=f"{key}-xlsx", icon=":material/table_view:", width="content")


#: how a column of each kind (analytics.outputs.downloads.column_kind) reads in a table on a page:
#: percentages whole (shown ×100), amounts and counts with thousands separators, days whole
_TABLE_FORMATS = {"percent": "%.0f%%", "money": "%,.0f", "count": "%,.0f", "days": "%.0f", "multiple": "%.1f×",
                  "number": "%.1f"}


def labelled_table(frame: pd.DataFrame, title: str, caption: str, file_name: str, key: str,
                   labels: dict[str, str] | None = None, download: pd.DataFrame | None = None) -> None:
    """A table as a reader takes it in: headers in words (``labels`` first, then
    :func:`header_label`), each column formatted for its kind (whole percentages, amounts with
    separators, days as dates "7 Sep 2026"), a caption saying what it is, and its downloads
    (``title`` names it in the workbook's About sheet). The downloads keep the values as computed
    (of ``download`` when given: the table with every column the page leaves out)."""
    labels = labels or {}
    shown, config = frame.copy(deep=False), {}
    for col in frame.columns:
        label = labels.get(col) or header_label(col)
        kind = column_kind(col, frame[col].dtype)
        if kind == "percent":
            shown[col] = frame[col] * 100
        if kind == "date":
            config[col] = st.column_config.DatetimeColumn(label, format="D MMM YYYY")
        elif kind in _TABLE_FORMATS:
            config[col] = st.column_config.NumberColumn(label, format=_TABLE_FORMATS[kind])
        elif pd.api.types.is_bool_dtype(frame[col].dtype):
            config[col] = st.column_config.CheckboxColumn(label)
        else:
            config[col] = st.column_config.TextColumn(label)
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, placeholder="—")
    st.caption(caption)
    download_csv(frame if download is None else download, file_name, key=key, title=title)


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
