"""The warm-up after an import: builds what the pages start from, on its own thread, and the
pages then read exactly what they would have computed themselves."""

from __future__ import annotations

import functools
import threading
import time

import pandas as pd

from analytics.diagnosis.dials import diagnosis, prepare_pages
from analytics.filters import Filters
from analytics.settings import Settings
from analytics.store.warm import warm_up
from analytics.store.workspace import Workspace


def _copy(ws: Workspace) -> Workspace:
    return Workspace.open(ws.save(), "copy")


def _held(ws: Workspace) -> set[str]:
    """The names of the building blocks a workspace holds (per_data_version keys are (module, name, args))."""
    return {key[1] if len(key) == 3 else key[0] for key in ws._derived}


def test_warm_up_holds_the_building_blocks_and_the_pages_read_the_same_results(demo_workspace):
    settings = Settings(complexity_percentile=0.7)
    cold, warmed = _copy(demo_workspace), _copy(demo_workspace)
    try:
        expected = diagnosis(cold, Filters(), settings)
        warm_up(warmed, functools.partial(prepare_pages, settings=settings)).join(60)
        assert {"_all_closed_deals", "activity_days", "_all_review_scores", "_all_reps", "filter_options",
                "counts"} <= _held(warmed)
        before = set(warmed._derived)
        pd.testing.assert_frame_equal(diagnosis(warmed, Filters(), settings), expected)
        assert set(warmed._derived) == before  # everything read from what the warm-up held
    finally:
        cold.close()
        warmed.close()


def test_warm_up_of_a_closed_workspace_ends_quietly(demo_workspace):
    ws = _copy(demo_workspace)
    ws.close()
    thread = warm_up(ws, prepare_pages)
    thread.join(30)
    assert not thread.is_alive()


def test_a_change_of_data_during_the_warm_up_leaves_nothing_stale(demo_workspace):
    ws = _copy(demo_workspace)
    try:
        thread = warm_up(ws, prepare_pages)
        ws.set_stage_outcomes({"Negotiation": (True, True)})  # a new version while it runs
        thread.join(60)
        fresh = _copy(ws)
        try:
            pd.testing.assert_frame_equal(diagnosis(ws, Filters()), diagnosis(fresh, Filters()))
        finally:
            fresh.close()
    finally:
        ws.close()


def test_stopping_the_warm_ups_interrupts_a_running_one(demo_workspace, monkeypatch):
    """At exit no warm-up is left inside a query (a daemon thread there can abort the process)."""
    from analytics.store import warm as warm_module

    started, release = threading.Event(), threading.Event()

    def slow(ws, build):
        started.set()
        release.wait(5)  # pandas work between two queries: nothing to interrupt yet
        ws.con.sql("SELECT count(*) FROM range(100000000000)").fetchall()  # minutes, unless interrupted

    ws = Workspace.open(demo_workspace.save(), "demo")
    monkeypatch.setattr(warm_module, "warm", slow)
    try:
        thread = warm_up(ws, prepare_pages)
        assert started.wait(5)
        release.set()
        t0 = time.monotonic()
        warm_module.stop_warm_ups(timeout=10)
        assert not thread.is_alive() and time.monotonic() - t0 < 10
        assert ws.scalar("SELECT 1") == 1  # the workspace itself is untouched
    finally:
        ws.close()
