"""Release a closed tab's workspace: its DuckDB connection closed, Streamlit's copy of its
uploads dropped, a configured time after its browser disconnected.

Streamlit keeps a disconnected session for ``server.disconnectedSessionTTL`` seconds so that a
dropped connection can resume it, then forgets it without any hook: its session state (and so
the session's in-memory DuckDB) stays in memory until the garbage collector or the next
session lookup happens to drop it, and its uploaded files stay in the upload manager.

This module closes that gap. Each workspace a session opens is *tracked* under the session's
id by a weak reference (the registry holds no data and keeps nothing alive; no page reads
it). A daemon thread, the janitor, looks at the tracked sessions every few seconds. Once a
session has had no browser connected for :func:`release_after` seconds (a little less than
``server.disconnectedSessionTTL``, so that Streamlit still holds the session) it:

1. asks Streamlit to close the session (``Runtime.clear_user_info_for_session``: it can no
   longer be resumed, and it is shut down and dropped from the server's session store, so its
   session state goes with it), and removes its uploaded files and media references itself
   (in case the store had already let the session go);
2. closes each of the session's workspaces (every per-thread cursor and the connection).

A session whose browser comes back in time is left alone.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from streamlit import config
from streamlit.logger import get_logger
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from analytics.store.memory import return_memory

#: Streamlit's logger writes to the server log at its configured level (info by default)
log = get_logger("bench_strength.lifecycle")

#: seconds between two looks at the tracked sessions, at most
MAX_TICK_S = 5.0


def tick(ttl: float) -> float:
    """Seconds between two looks, for a session TTL of ``ttl``."""
    return max(0.2, min(MAX_TICK_S, ttl / 4))


def release_after(ttl: float) -> float:
    """Seconds of disconnection after which a session is released: two looks before
    Streamlit's own TTL ends, because the janitor sees a disconnection up to one look late
    and Streamlit forgets an expired session without shutting it down."""
    return max(0.0, ttl - 2 * tick(ttl))


@dataclass
class _Tracked:
    refs: list[weakref.ref] = field(default_factory=list)
    #: monotonic time the janitor first saw the session without a browser; None while connected
    disconnected_since: float | None = None


class Janitor:
    """Closes the workspaces of sessions that have been disconnected for ``release_after`` s.

    ``is_active(session_id)`` says whether a browser is connected; ``forget(session_id)``
    tells the server to drop the session. Both come from Streamlit's runtime in the app and
    are fakes in unit tests, where ``clock`` is too.
    """

    def __init__(self, is_active: Callable[[str], bool], forget: Callable[[str], None],
                 release_after: float, clock: Callable[[], float] = time.monotonic,
                 tick: float = MAX_TICK_S, after_release: Callable[[], None] | None = None) -> None:
        self._is_active = is_active
        self._after_release = after_release
        self._forget = forget
        self.release_after = float(release_after)
        self.tick = tick
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, _Tracked] = {}
        self.released = 0

    def track(self, session_id: str, workspace) -> None:
        with self._lock:
            entry = self._sessions.setdefault(session_id, _Tracked())
            entry.refs = [r for r in entry.refs if r() is not None]
            if not any(r() is workspace for r in entry.refs):
                entry.refs.append(weakref.ref(workspace))

    def tracked_sessions(self) -> int:
        with self._lock:
            return len(self._sessions)

    def sweep(self) -> list[str]:
        """One look: release what is due; returns the ids of the sessions released."""
        now = self._clock()
        due: list[tuple[str, _Tracked]] = []
        with self._lock:
            for sid, entry in list(self._sessions.items()):
                if self._is_active(sid):
                    entry.disconnected_since = None
                    continue
                if entry.disconnected_since is None:
                    entry.disconnected_since = now
                if now - entry.disconnected_since >= self.release_after:
                    due.append((sid, self._sessions.pop(sid)))
        released: list[tuple[str, _Tracked]] = []
        for sid, entry in due:
            # a browser that came back since the look above keeps its session and workspace
            # (Streamlit resumes it; forgetting it now would close the data under a live tab)
            if self._is_active(sid):
                entry.disconnected_since = None
                with self._lock:  # tracked again (a track() meanwhile made a new entry: merge into it)
                    kept = self._sessions.setdefault(sid, entry)
                    if kept is not entry:
                        kept.refs.extend(r for r in entry.refs if r not in kept.refs)
                continue
            released.append((sid, entry))
        due = released
        for sid, entry in due:
            try:
                self._forget(sid)
            except Exception:  # the server may already have dropped it
                log.debug("session %s was already gone", sid, exc_info=True)
            closed = 0
            for ref in entry.refs:
                ws = ref()
                if ws is not None and not ws.closed:
                    ws.close()
                    closed += 1
            self.released += 1
            log.info("Released a closed session's data (%d workspace(s) closed; %d session(s) still held)",
                     closed, self.tracked_sessions())
        if due and self._after_release is not None:
            self._after_release()
        return [sid for sid, _ in due]

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.wait(self.tick):
            try:
                self.sweep()
            except Exception:  # never let the janitor die; log and look again next tick
                log.exception("releasing closed sessions failed")


_start_lock = threading.Lock()
_janitor: Janitor | None = None
_stop = threading.Event()


def _runtime_janitor() -> Janitor | None:
    """The process's janitor, started on first use; None outside a Streamlit server."""
    global _janitor
    if _janitor is not None:
        return _janitor
    if not Runtime.exists():
        return None
    with _start_lock:
        if _janitor is None:
            runtime = Runtime.instance()
            ttl = float(config.get_option("server.disconnectedSessionTTL"))

            def forget(session_id: str) -> None:
                # thread-safe calls: the close itself runs on the server's event loop
                runtime.clear_user_info_for_session(session_id)
                runtime.uploaded_file_mgr.remove_session_files(session_id)
                runtime.media_file_mgr.clear_session_refs(session_id)
                runtime.media_file_mgr.remove_orphaned_files()

            janitor = Janitor(runtime.is_active_session, forget, release_after=release_after(ttl),
                              tick=tick(ttl), after_release=return_memory)
            threading.Thread(target=janitor.run_forever, args=(_stop,), name="bench-janitor",
                             daemon=True).start()
            _janitor = janitor
    return _janitor


def track(workspace) -> None:
    """Release ``workspace`` with the current session once its tab has gone.

    Outside a running server (AppTest, scripts) there is no session to outlive: no-op."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return
    janitor = _runtime_janitor()
    if janitor is not None:
        janitor.track(ctx.session_id, workspace)
