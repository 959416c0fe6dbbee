"""The session's filters and settings, and its memo of computed results.

All three live in ``st.session_state`` only. Results are memoised per session, keyed on the
workspace (its id and version), the filters and the settings, so a page redraw does not
recompute a diagnosis that cannot have changed; no result computed on a session's own data is
shared with another session. The one exception is public data: on the untouched built-in demo
(:attr:`Workspace.shared_as`), a result is computed once per server for every session that asks
for it with the same arguments (``st.cache_data``, a copy handed to each), so the landing page
of a new session does not rebuild the demo's diagnosis. An upload, an added file, a stage
mapping or a currency choice clears ``shared_as`` and the session computes on its own again;
the anonymised copy never has it.
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
#: results on the built-in demo held for every session (each small: a diagnosis, a table, a chart)
SHARED_SIZE = 256

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


@st.cache_data(max_entries=SHARED_SIZE, show_spinner=False)
def _shared(shared_as: str, includes_non_person: bool, name: str, key: str, _fn: Callable, _ws: Workspace, _args):
    """``_fn(_ws, *_args)`` on public data, once per server for the same (data, name, arguments);
    ``key`` is the arguments' ``repr`` (dataclasses of plain values: filters, settings, numbers)."""
    return _fn(_ws, *_args)


def memo(name: str, fn: Callable[..., T], ws: Workspace, *args) -> T:
    """``fn(ws, *args)``, computed once per (workspace version, arguments) in this session, or
    once per server on the untouched demo (see the module's docstring)."""
    key = repr(args)
    if ws.shared_as is not None and " at 0x" not in key:  # arguments known by value, never by address
        try:
            what = f"{name}:{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', '')}"
            return _shared(ws.shared_as, ws.includes_non_person_owners, what, key, fn, ws, args)
        except Exception:  # noqa: BLE001 - a result that cannot be copied (pickled) for another session, or a
            pass  # failure of fn: computed again below in this session's memo, where a real failure raises as before
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
