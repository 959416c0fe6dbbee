"""Behind a load balancer (``make serve``, docs/DEPLOY.md): tell a tab plainly when the app process
that held its session stopped.

Each process of a cluster knows its name (``BENCH_NODE``, e.g. ``app2``) and the name of the
cookie in which the balancer records which process served the tab's websocket, that is, which
process holds its session (``BENCH_NODE_COOKIE``; deploy/haproxy.cfg writes it on the websocket's
handshake only). When that process stops, the browser's frontend reconnects and the balancer
sends it to a live process, where a *new* session starts: its first run sees the cookie naming
another process. That session is on the demo (the files loaded on the stopped process are gone
with it), so its first page says so, with the way to the Data page where a saved workspace file
opens again. Outside a cluster (no ``BENCH_NODE``) nothing changes.

Streamlit's frontend reruns the page when it reconnects only if a run was under way or an
automatic rerun is registered; a tab idle on a page would keep showing the stopped process's
page, and the new session would not start, until the user clicked something. So in a cluster
every page holds one fragment that draws nothing and reruns itself once a day
(:data:`DORMANT_EVERY`): its registration makes a reconnect rerun the page at once.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import timedelta

import streamlit as st

log = logging.getLogger("bench_strength")

#: session state: (whether the session came from a process that stopped, the page of its first run)
ARRIVAL_KEY = "cluster_arrival"
DATA_PAGE = "views/data.py"
LOST_PROCESS = ("The app process that held your session stopped, so the files you loaded there are gone. "
                "Your saved workspace file opens again on the Data page; anything not saved needs loading again. "
                "You are on the demo data meanwhile.")


#: the dormant fragment's interval: it only has to exist (a browser timer of at most 24.8 days)
DORMANT_EVERY = timedelta(days=1)


def _dormant() -> None:
    """Draws nothing; registered so that a reconnect reruns the page (module docstring)."""


def moved_from(node: str | None, cookie_name: str | None, cookies: Mapping[str, str]) -> bool:
    """Whether a session starting on process ``node`` comes from another process: the cookie
    ``cookie_name`` names another process as the one that held the tab's session.

    >>> moved_from("app2", "bench_node", {"bench_node": "app1"})
    True
    >>> moved_from("app2", "bench_node", {"bench_node": "app2"})   # its own process
    False
    >>> moved_from("app2", "bench_node", {})                        # a first visit
    False
    >>> moved_from(None, "bench_node", {"bench_node": "app1"})      # not in a cluster
    False
    """
    if not node or not cookie_name:
        return False
    was = cookies.get(cookie_name)
    return bool(was) and was != node


def _cookies() -> Mapping[str, str]:
    try:
        return st.context.cookies
    except Exception:  # noqa: BLE001 - no request (a script run outside a server): no cookie
        return {}


def lost_process_notice(url_path: str, *, node: str | None = None, cookie_name: str | None = None,
                        cookies: Mapping[str, str] | None = None) -> bool:
    """On the first page a session opens after its process stopped, say so (until the user opens
    another page). The decision is taken on the session's first run only; ``node``,
    ``cookie_name`` and ``cookies`` default to the process's environment and the request's
    cookies. Returns whether the message was drawn."""
    state = st.session_state
    node = node if node is not None else os.environ.get("BENCH_NODE")
    if node:
        with st.sidebar:
            st.fragment(_dormant, run_every=DORMANT_EVERY)()
    if ARRIVAL_KEY not in state:
        cookie_name = cookie_name if cookie_name is not None else os.environ.get("BENCH_NODE_COOKIE")
        moved = moved_from(node, cookie_name, _cookies() if cookies is None else cookies)
        if moved:
            log.info("A session moved to %s from a process that stopped", node)
        state[ARRIVAL_KEY] = (moved, url_path)
    moved, first_page = state[ARRIVAL_KEY]
    if moved and url_path != first_page:  # the user went on: said once
        state[ARRIVAL_KEY] = moved, first_page = False, first_page
    if not moved:
        return False
    st.warning(LOST_PROCESS, icon=":material/sync_problem:")
    st.page_link(DATA_PAGE, label="Open a saved workspace on the Data page", icon=":material/upload_file:")
    return True
