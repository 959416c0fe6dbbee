"""Streamlit helpers shared by pages: metric cards with their basis, downloads, notices."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

log = logging.getLogger("bench_strength")

NOT_MEASURED = "not measured"


def metric(label: str, value: str | None, basis: str, help: str | None = None) -> None:
    """A metric card that always says what it rests on; a missing value reads 'not measured'."""
    st.metric(label, value if value is not None else NOT_MEASURED, help=help)
    st.caption(basis)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>!~$|#])")


def md_escape(text: object) -> str:
    """User text (file names, labels, headers) shown in markdown as written, never as markup:
    a workspace label cannot, say, embed a remote image."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def download_csv(frame: pd.DataFrame, file_name: str, label: str = "Download CSV", key: str | None = None) -> None:
    """Download a table as CSV. Values that a spreadsheet would run as formulas are written
    as text (a leading apostrophe), so a hostile cell cannot execute on the user's machine."""
    # the CSV is built only when the user clicks, not on every rerun of the page
    st.download_button(label, data=lambda: safe_csv(frame), file_name=file_name, mime="text/csv",
                       key=key or f"dl-{file_name}", icon=":material/download:")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> bytes:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out.to_csv(index=False).encode("utf-8")


def needs_data(message: str, page: str = "views/data.py") -> None:
    """Say plainly what is missing and where to add it."""
    st.info(message, icon=":material/upload_file:")
    st.page_link(page, label="Add exports on the Data page", icon=":material/upload:")


def guarded(render: Callable[[], None]) -> Callable[[], None]:
    """Run a page body; an unexpected error becomes a plain message, never a traceback."""

    @functools.wraps(render)
    def wrapper() -> None:
        try:
            render()
        except Exception as exc:  # noqa: BLE001 - the last line of defence for the page
            if type(exc).__name__ in ("RerunException", "StopException"):
                raise
            log.exception("page failed")
            st.error(
                "Something went wrong while drawing this page. Your data is unchanged; "
                "the details were written to the server log. Try again, or reload the page.",
                icon=":material/error:",
            )

    return wrapper


def fmt_money(value: float | None) -> str | None:
    if value is None or pd.isna(value):
        return None
    v = float(value)
    for unit, div in (("bn", 1e9), ("m", 1e6), ("k", 1e3)):
        if abs(v) >= div:
            return f"{v / div:,.1f}{unit}"
    return f"{v:,.0f}"


def fmt_pct(value: float | None, digits: int = 0) -> str | None:
    if value is None or pd.isna(value):
        return None
    return f"{100 * float(value):.{digits}f}%"


def page_header(title: str, filters) -> None:
    """Title and the one-line summary of the filters every number on the page obeys."""
    st.title(title)
    st.caption(f":material/filter_alt: {md_escape(filters.summary())}")
