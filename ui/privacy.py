"""Anonymise for a projector: this session's pages run on an anonymised copy of its workspace.

The switch lives in the sidebar. While it is on, :func:`ui.session.get_workspace` hands every
page the copy built by :func:`analytics.store.anonymise.anonymise` (stable pseudonyms for the
session's people and teams, accounts unless unticked, amounts optionally), so charts, tables
and downloads cannot show a real name: there is none in the data they read. The copy and its
:class:`~analytics.store.anonymise.Pseudonyms` are kept in ``st.session_state`` only and rebuilt
when the workspace changes. What the pages draw from the session itself rather than from the
copy (the import's file names and messages on the Data page, the people picked on a page) goes
through the pseudonyms too.
"""

from __future__ import annotations

import secrets

import streamlit as st

from analytics.store.anonymise import AnonymiseOptions, Pseudonyms, anonymise
from analytics.store.workspace import Workspace
from ui import lifecycle

OPTIONS_KEY = "anonymise_options"
COPY_KEY = "anonymised_copy"
SALT_KEY = "anonymise_salt"
#: Widgets holding one person as the pages show them (a real name, or a pseudonym while the
#: switch is on): carried across the switch so a page keeps the person it shows.
PERSON_WIDGETS = ("ind-manager", "gaps-manager", "cap-manager", "cap-rep", "ft-manager")
#: Manager detail's choice: the URL's ``?manager=`` (its selectbox starts from it).
DETAIL_WIDGET, DETAIL_PARAM = "detail-manager", "manager"
#: how many times the names shown have changed in this session (the switch, its options)
GENERATION_KEY = "anonymise_generation"


def person_key(key: str) -> str:
    """The key of a widget that shows a person, for the names shown now. It changes with every
    flip of the switch, so the widget is drawn anew with the person carried across
    (:func:`carry_people`): a widget kept under one key shows the browser's memory of its old
    option (the real name) even when the server has moved its value to the pseudonym."""
    return f"{key}@{st.session_state.get(GENERATION_KEY, 0)}"


def options() -> AnonymiseOptions | None:
    """The session's anonymise options; None when names are shown."""
    return st.session_state.get(OPTIONS_KEY)


def is_on() -> bool:
    return options() is not None


def index_amounts() -> bool:
    opts = options()
    return bool(opts and opts.amounts_as_index)


def new_options(accounts: bool, amounts_as_index: bool) -> AnonymiseOptions:
    salt = st.session_state.setdefault(SALT_KEY, secrets.token_hex(8))
    return AnonymiseOptions(accounts=accounts, amounts_as_index=amounts_as_index, salt=salt)


def _copy(base: Workspace, opts: AnonymiseOptions) -> tuple[Workspace, Pseudonyms]:
    """The anonymised copy of ``base`` as its data is now, made with ``opts`` (made again when
    either changed). The copy's id and version come from its origin (``base``): its own memo
    entries and widgets, kept when it is made again the same way from a newer version."""
    held = st.session_state.get(COPY_KEY)
    if held is not None:
        made_with, ws, names = held
        if made_with == opts and ws.made_from(base):
            return ws, names
        ws.close()
        st.session_state.pop(COPY_KEY, None)
    with st.spinner("Anonymising…"):
        ws, names = anonymise(base, opts)
    st.session_state[COPY_KEY] = (opts, ws, names)
    lifecycle.track(ws)
    return ws, names


def shown(base: Workspace) -> Workspace:
    """What pages read: ``base`` itself, or its anonymised copy while the switch is on."""
    opts = options()
    if opts is None:
        return base
    return _copy(base, opts)[0]


def pseudonyms(base: Workspace) -> Pseudonyms | None:
    opts = options()
    return None if opts is None else _copy(base, opts)[1]


def release() -> None:
    """Close the anonymised copy (the workspace changed or the session ends)."""
    held = st.session_state.pop(COPY_KEY, None)
    if held is not None:
        held[1].close()


def carry_people(old: Pseudonyms | None, new: Pseudonyms | None) -> None:
    """The people picked on the pages, as they read after the switch: back to the real name
    through the old pseudonyms, then to the new ones. Manager detail keeps its manager."""

    def move(value):
        if not isinstance(value, str):
            return value
        if old is not None:
            value = old.real_person(value)
        return value if new is None else new.person(value)

    held = {key: st.session_state.pop(person_key(key), None) for key in PERSON_WIDGETS}
    picked = st.session_state.pop(person_key(DETAIL_WIDGET), None) or st.query_params.get(DETAIL_PARAM)
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1
    for key, value in held.items():
        if value is not None:
            st.session_state[person_key(key)] = move(value)
    # Manager detail starts its selectbox from the URL: set that (a value set on the widget as
    # well would make Streamlit warn about two defaults)
    if picked:
        st.query_params[DETAIL_PARAM] = move(picked)

