"""Build what the pages start from in the background, straight after an import.

The first page visit after an import builds the results that depend on the data alone (all closed
deals with their manager-involvement evidence, activities per person and day, review scores
and named gaps, the reps, the filter options): seconds at a million deals, most of the
Managers page's first visit. :func:`warm_up` builds them on a thread of its own while the user
reads the validation report. The workspace holds them (:meth:`Workspace.derived`); a page that
asks for one still being built waits for that build instead of starting its own, so a user who
clicks straight away waits no longer than without the warm-up. Then it compresses the tables:
a table loaded into the session's in-memory engine is held as loaded, uncompressed, until a
checkpoint compresses it (:meth:`Workspace.compact`).

Nothing is shared: the thread reads only the workspace it was given, keeps nothing of its own,
and ends on any error (a closed workspace, a change of data, the session's memory limit),
leaving the page to compute as it would have.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable

from analytics.store.caching import one_at_a_time, one_run
from analytics.store.workspace import Workspace

log = logging.getLogger("bench_strength")

#: what a warm-up builds: given the workspace, build what the pages start from (the layers above
#: say what that is: :func:`analytics.diagnosis.dials.prepare_pages`)
Build = Callable[[Workspace], object]


def warm(ws: Workspace, build: Build) -> None:
    """``build`` the workspace's building blocks for its current data, then compress the freshly
    loaded tables (:meth:`Workspace.compact`: a fraction of the memory, benchmarks/RESULTS.md).
    Building first: a user who opens a page straight away waits for the blocks, not for the
    compression. The blocks are built one at a time (:func:`analytics.store.caching.one_at_a_time`):
    the peak memory is lower, the time about the same."""
    with one_run(), one_at_a_time():  # nobody waits on it yet: one large build at a time, a lower peak
        build(ws)
    ws.compact()


class _WarmUp(threading.Thread):
    """A warm-up's daemon thread; it knows its workspace only while it runs."""

    def __init__(self, ws: Workspace, build: Build) -> None:
        super().__init__(name=f"warm-up-{ws.id}", daemon=True)
        self.ws: Workspace | None = ws
        self.build = build

    def run(self) -> None:
        ws = self.ws
        try:
            warm(ws, self.build)
        except Exception as exc:  # noqa: BLE001 - the page computes what is missing, and reports its own errors
            log.info("warm-up of workspace %s stopped: %s", ws.id, type(exc).__name__)
        finally:
            self.ws = None


def warm_up(ws: Workspace, build: Build) -> threading.Thread:
    """:func:`warm` on a daemon thread; returns the started thread."""
    thread = _WarmUp(ws, build)
    thread.start()
    return thread


def stop_warm_ups(timeout: float = 5.0) -> None:
    """Interrupt the warm-ups still running and wait for them (at most ``timeout`` seconds in
    all). Run when the process exits: a daemon thread left inside a DuckDB query while the
    interpreter shuts down can abort the process."""
    deadline = time.monotonic() + timeout
    for thread in [t for t in threading.enumerate() if isinstance(t, _WarmUp)]:
        while thread.is_alive() and time.monotonic() < deadline:
            ws = thread.ws
            if ws is not None and not ws.closed:
                ws.interrupt()  # between two queries it has nothing to stop: asked again below
            thread.join(0.1)


atexit.register(stop_warm_ups)
