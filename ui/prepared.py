"""Files that take seconds to build (PDF handouts, the offline report): built on a click in
the page's own run, held in this session's state for the data they were built from, then
offered as a download. The session's DuckDB connection is only used from the script run."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

HELD_KEY = "prepared-files"


def prepared_download(what: str, build: Callable[[], bytes | str], basis: tuple, file_name: str, mime: str,
                      key: str, icon: str = ":material/description:") -> None:
    """A "Prepare" button, then the download of what it built while ``basis`` holds."""
    held: dict = st.session_state.setdefault(HELD_KEY, {})
    current = held.get(key)
    if current is not None and current[0] != basis:
        held.pop(key)
        current = None
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        if st.button(f"Prepare {what}", key=f"prep-{key}", icon=icon, type="primary" if current is None else "secondary"):
            with st.spinner(f"Preparing {what}…"):
                data = build()
            held[key] = current = (basis, data.encode("utf-8") if isinstance(data, str) else data)
        if current is not None:
            st.download_button(f"Download {what}", data=current[1], file_name=file_name, mime=mime,
                               key=f"dl-{key}", icon=":material/download:")
            st.caption(f"{len(current[1]) / 1024:,.0f} KB, built for the filters and data shown")
