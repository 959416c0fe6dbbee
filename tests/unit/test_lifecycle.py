"""A closed tab's workspace is released once its session has been gone for the configured time."""

from __future__ import annotations

import gc
import threading

import duckdb
import pytest

from analytics.store.workspace import Workspace
from ui.lifecycle import Janitor, release_after, return_memory, tick


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def world():
    """A fake server: which sessions have a browser, and which the server was told to drop."""
    active: set[str] = set()
    forgotten: list[str] = []
    clock = Clock()
    janitor = Janitor(active.__contains__, forgotten.append, release_after=60, clock=clock)
    return janitor, active, forgotten, clock


def test_a_disconnected_session_is_released_after_the_configured_time(world):
    janitor, active, forgotten, clock = world
    ws, copy = Workspace(), Workspace()
    active.add("tab-a")
    janitor.track("tab-a", ws)
    janitor.track("tab-a", copy)  # e.g. the anonymised copy
    janitor.track("tab-a", ws)  # tracking twice is harmless
    assert janitor.sweep() == []

    active.discard("tab-a")  # the tab closes
    assert janitor.sweep() == []  # first seen gone now
    clock.now += 59
    assert janitor.sweep() == []
    assert not ws.closed
    clock.now += 1
    assert janitor.sweep() == ["tab-a"]
    assert forgotten == ["tab-a"]
    assert ws.closed and copy.closed
    with pytest.raises(duckdb.ConnectionException):
        ws.counts()
    assert janitor.tracked_sessions() == 0
    assert janitor.sweep() == []  # released once


def test_a_session_that_reconnects_in_time_keeps_its_workspace(world):
    janitor, active, forgotten, clock = world
    ws = Workspace()
    janitor.track("tab-a", ws)  # not connected: the clock starts at the first sweep
    janitor.sweep()
    clock.now += 50
    active.add("tab-a")  # the network came back
    janitor.sweep()
    active.discard("tab-a")
    clock.now += 50
    assert janitor.sweep() == []  # the clock restarted at the second disconnect
    assert not ws.closed and forgotten == []
    clock.now += 60
    assert janitor.sweep() == ["tab-a"]
    assert ws.closed


def test_only_the_closed_tab_is_released(world):
    janitor, active, _forgotten, clock = world
    gone, staying = Workspace(), Workspace()
    active.add("tab-b")
    janitor.track("tab-a", gone)
    janitor.track("tab-b", staying)
    janitor.sweep()
    clock.now += 120
    assert janitor.sweep() == ["tab-a"]
    assert gone.closed
    assert staying.counts()["opportunities"] == 0
    assert janitor.tracked_sessions() == 1


def test_the_registry_keeps_no_workspace_alive(world):
    """It holds weak references: a workspace the session dropped is freed at once, and
    the janitor skips it."""
    janitor, _active, forgotten, clock = world
    ws = Workspace()
    janitor.track("tab-a", ws)
    del ws
    gc.collect()
    clock.now += 1
    janitor.sweep()
    clock.now += 60
    assert janitor.sweep() == ["tab-a"]
    assert forgotten == ["tab-a"]


def test_closing_releases_every_threads_cursor():
    ws = Workspace()
    seen = []

    def use():
        seen.append(ws.counts()["people"])

    t = threading.Thread(target=use)
    t.start()
    t.join()
    ws.close()
    assert seen == [0] and ws.closed
    ws.close()  # twice is fine


def test_the_janitor_survives_a_failing_server_call(world):
    _janitor, _active, _forgotten, clock = world

    def refuse(_sid):
        raise RuntimeError("session already gone")

    janitor = Janitor(lambda _sid: False, refuse, release_after=0, clock=clock)
    ws = Workspace()
    janitor.track("tab-a", ws)
    assert janitor.sweep() == ["tab-a"]
    assert ws.closed


def test_release_comes_before_streamlit_forgets_the_session():
    """Streamlit drops an expired session without shutting it down (its uploads would stay in
    memory), so the janitor acts within the TTL even when it sees the disconnection a look late."""
    for ttl in (1, 3, 10, 120, 3600):
        assert 0 < release_after(ttl) + tick(ttl) < ttl
    assert release_after(120) == 110


def test_memory_is_handed_back_once_per_sweep_that_released_something(world):
    _janitor, _active, forgotten, clock = world
    calls = []
    janitor = Janitor(lambda _sid: False, forgotten.append, release_after=10, clock=clock,
                      after_release=lambda: calls.append(clock.now))
    janitor.track("tab-a", Workspace())
    janitor.track("tab-b", Workspace())
    janitor.sweep()
    assert calls == []
    clock.now += 10
    assert sorted(janitor.sweep()) == ["tab-a", "tab-b"]
    assert len(calls) == 1
    return_memory()  # the real one runs on this platform without error


def test_a_session_whose_browser_comes_back_during_the_sweep_is_not_released():
    """The race the isolation test once met: the tab was seen gone long enough, but its browser
    reconnected before the release ran; the session must keep its workspace and stay tracked."""
    clock = Clock()
    checks: list[str] = []

    def is_active(sid: str) -> bool:
        checks.append(sid)
        return len(checks) > 2  # gone at the first two looks, back at the check before release

    forgotten: list[str] = []
    janitor = Janitor(is_active, forgotten.append, release_after=60, clock=clock)
    ws = Workspace()
    janitor.track("tab-a", ws)
    assert janitor.sweep() == []
    clock.now += 60
    assert janitor.sweep() == []
    assert forgotten == [] and not ws.closed
    assert janitor.tracked_sessions() == 1
    ws.close()
