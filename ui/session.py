"""The session's workspace and what belongs with it, held in ``st.session_state`` only.

Uploaded data never goes through ``st.cache_resource``, ``st.cache_data`` or module-level state.
What is shared between sessions is the *demo* (public, generated data) only: its workspace as
saved bytes and those bytes decoded (:func:`_demo_tables`), so that every new session opens the
demo without re-parsing its exports or its saved file, and what is computed on a session's
untouched copy of it (``Workspace.shared_as``): the pages' results (:func:`ui.state.memo`) and the
building blocks derived from its data (:func:`analytics.store.derived.public_results`).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path

import pyarrow as pa
import streamlit as st

from analytics.diagnosis.dials import prepare_pages
from analytics.ingest.pipeline import ImportReport, import_directory
from analytics.store import warm, workspace_file
from analytics.store.workspace import MEMORY_LIMIT, Workspace
from ui import lifecycle, privacy
from ui.state import get_settings

log = logging.getLogger("bench_strength")

DEMO_DIR = Path(__file__).resolve().parents[1] / "data" / "demo"
DEMO_LABEL = "Demo: Northwind Cloud (fictional sales organisation)"
WS_KEY = "workspace"
REPORTS_KEY = "import_reports"
#: set when this session's workspace was found released under it (see get_source_workspace)
RELEASED_KEY = "workspace_released"
RELEASED_NOTICE = ("This tab lost its connection to the server for longer than the server keeps a closed tab's "
                   "data, so the files loaded in it were released and it has reopened on the demo. A workspace "
                   "file saved earlier opens again on the Data page; anything not saved needs loading again.")


def _demo_digest() -> str:
    """The demo's content digest: its files hashed once per process and again only when one of
    them changes on disk (name, size or modification time), not read again for every session."""
    return _digest_of(tuple((p.name, s.st_size, s.st_mtime_ns)
                            for p in sorted(DEMO_DIR.glob("*.csv")) for s in [p.stat()]))


@functools.lru_cache(maxsize=2)
def _digest_of(stamp: tuple[tuple[str, int, int], ...]) -> str:
    h = hashlib.sha256()
    for name, _size, _mtime in stamp:
        h.update(name.encode())
        h.update((DEMO_DIR / name).read_bytes())
    return h.hexdigest()


@st.cache_data(max_entries=2, show_spinner="Opening the demo workspace…")
def _demo_workspace_bytes(digest: str) -> bytes:
    """The demo, imported through the upload path once per demo version (keyed on content)."""
    ws = Workspace()
    try:
        import_directory(ws, DEMO_DIR)
        ws.label = DEMO_LABEL
        return ws.save()
    finally:
        ws.close()


@functools.lru_cache(maxsize=2)
def _demo_tables(digest: str) -> tuple[tuple[str, pa.Table], ...]:
    """The saved demo decoded once per demo version: its ``(table, Arrow batch)`` rows in the
    order :meth:`Workspace.open` puts them in. Public generated data only (never an upload); a
    session copies them into its own database and never changes them."""
    _label, tables = workspace_file.decode(_demo_workspace_bytes(digest), "demo", MEMORY_LIMIT)
    return tuple(tables)


def open_demo() -> Workspace:
    """A new workspace on the demo: the demo's decoded rows copied into it (the same rows, in the
    same order, as opening its saved bytes would put there, without decoding and checking a file
    the app wrote itself again for every session), then compacted."""
    digest = _demo_digest()
    ws = workspace_file.filled(Workspace, _demo_tables(digest))
    try:
        ws.compact()  # much less engine memory for every session on the demo, quickly (benchmarks/RESULTS.md)
    except BaseException:
        ws.close()
        raise
    ws.source, ws.label = "demo", DEMO_LABEL
    ws.shared_as = f"demo-{digest}"  # public data: results on it are shared until it changes (ui.state, derived)
    return ws


def get_source_workspace() -> Workspace:
    """This session's workspace as loaded (real names), opened on the demo the first time.
    Only the Data page reads it: it is where files are loaded into and saved from."""
    ws = st.session_state.get(WS_KEY)
    if ws is not None and ws.closed:
        # released by ui.lifecycle while this session was away (its browser came back just as the
        # release ran): never draw from a closed workspace; say so once and start on the demo
        st.session_state[RELEASED_KEY] = True
        st.session_state.pop(REPORTS_KEY, None)
        ws = None
    if ws is None:
        ws = open_demo()
        st.session_state[WS_KEY] = ws
        lifecycle.track(ws)
    return ws


def released_notice() -> str | None:
    """The notice for a session whose data was released under it, once (None otherwise)."""
    return RELEASED_NOTICE if st.session_state.pop(RELEASED_KEY, False) else None


def get_workspace() -> Workspace:
    """What every page shows: the session's workspace, or its anonymised copy while the
    sidebar's Anonymise switch is on; either counts owners that are not people as the session's
    setting ``include_non_person_owners`` says."""
    include = get_settings().include_non_person_owners
    source = get_source_workspace()
    source.include_non_person_owners(include)
    shown = privacy.shown(source)
    shown.include_non_person_owners(include)
    return shown


def set_workspace(ws: Workspace) -> None:
    old = st.session_state.get(WS_KEY)
    st.session_state[WS_KEY] = ws
    lifecycle.track(ws)
    st.session_state.pop(REPORTS_KEY, None)
    privacy.release()
    if old is not None and old is not ws:
        old.close()


WARM_KEY = "warm-up-pending"


def warm_up(ws: Workspace) -> None:
    """After an import or an opened workspace: build what the pages start from and compress the
    tables while the user reads the report (:mod:`analytics.store.warm`), with the session's settings. It
    starts once the next run has drawn the report (:func:`start_pending_warm_up`), so the two
    do not compete for the cores."""
    st.session_state[WARM_KEY] = ws.id


def start_pending_warm_up() -> None:
    """Start the warm-up asked for by :func:`warm_up`, if its workspace is still the session's."""
    pending = st.session_state.pop(WARM_KEY, None)
    ws = st.session_state.get(WS_KEY)
    if pending is not None and ws is not None and ws.id == pending and not ws.closed:
        warm.warm_up(ws, functools.partial(prepare_pages, settings=get_settings()))


def reports() -> list[ImportReport]:
    return st.session_state.get(REPORTS_KEY, [])


def set_reports(items: list[ImportReport]) -> None:
    st.session_state[REPORTS_KEY] = items
