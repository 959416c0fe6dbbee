"""The session's filters and settings, and its memo of computed results.

All three live in ``st.session_state`` only. Results are memoised per session, keyed on the
workspace (its id and version), the filters and the settings, so a page redraw does not
recompute a diagnosis that cannot have changed; no result is shared with another session.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from analytics.filters import Filters
from analytics.ingest.settings_file import MAX_MAPPINGS
from analytics.settings import Settings
from analytics.store.workspace import Workspace

FILTERS_KEY = "filters"
SETTINGS_KEY = "settings"
MEMO_KEY = "memo"
MEMO_SIZE = 24

T = TypeVar("T")


def get_filters() -> Filters:
    return st.session_state.get(FILTERS_KEY, Filters())


def set_filters(filters: Filters) -> None:
    st.session_state[FILTERS_KEY] = filters


def get_settings() -> Settings:
    return st.session_state.get(SETTINGS_KEY, Settings())


def set_settings(settings: Settings) -> None:
    st.session_state[SETTINGS_KEY] = settings


MAPPINGS_KEY = "session_mappings"
STAGES_KEY = "pending_stage_outcomes"


def session_mappings() -> list[dict]:
    """Column mappings made or loaded in this session (they go into the settings file)."""
    return list(st.session_state.get(MAPPINGS_KEY, []))


def add_session_mappings(mappings: list[dict]) -> None:
    """Hold mappings for the session's settings file: one per table and set of source columns
    (the newest wins), and at most as many as a settings file holds (the oldest go first)."""
    held = st.session_state.setdefault(MAPPINGS_KEY, [])
    for m in mappings:
        sig = (m.get("table"), tuple(sorted(m.get("columns", {}).values())))
        held[:] = [h for h in held if (h.get("table"), tuple(sorted(h.get("columns", {}).values()))) != sig]
        held.append(m)
    del held[: max(0, len(held) - MAX_MAPPINGS)]


def pending_stage_outcomes() -> dict[str, tuple[bool, bool]]:
    """Stage outcomes from a settings file, applied to every workspace loaded afterwards."""
    return dict(st.session_state.get(STAGES_KEY, {}))


def set_pending_stage_outcomes(outcomes: dict[str, tuple[bool, bool]]) -> None:
    st.session_state[STAGES_KEY] = dict(outcomes)


def memo(name: str, fn: Callable[..., T], ws: Workspace, *args) -> T:
    """``fn(ws, *args)``, computed once per (workspace version, arguments) in this session."""
    store: OrderedDict = st.session_state.setdefault(MEMO_KEY, OrderedDict())
    key = (name, ws.id, ws.version, *args)
    if key in store:
        store.move_to_end(key)
        return store[key]
    value = fn(ws, *args)
    store[key] = value
    while len(store) > MEMO_SIZE:
        store.popitem(last=False)
    return value
