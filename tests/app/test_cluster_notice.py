"""AppTest: behind the balancer (ui/cluster.py), a session that starts on a process other than the
one its browser's sticky cookie names is told once that its process stopped; nothing changes
outside a cluster or on the browser's own process."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui.cluster

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120


def run_app(monkeypatch, node: str | None, cookies: dict[str, str], page: str = "views/data.py") -> AppTest:
    """app.py's first run on ``page`` as a process named ``node`` with the browser's ``cookies``."""
    if node is None:
        monkeypatch.delenv("BENCH_NODE", raising=False)
    else:
        monkeypatch.setenv("BENCH_NODE", node)
    monkeypatch.setenv("BENCH_NODE_COOKIE", "bench_node_ws")
    monkeypatch.setattr(ui.cluster, "_cookies", lambda: cookies)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.switch_page(page).run()
    assert not at.exception
    return at


def notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if w.value == ui.cluster.LOST_PROCESS]


def test_a_session_moved_off_a_stopped_process_is_told_once(monkeypatch):
    at = run_app(monkeypatch, "app2", {"bench_node_ws": "app1", "bench_node": "app2", "other": "x"})
    assert len(notices(at)) == 1
    assert any(link.label.startswith("Open a saved workspace") for link in at.get("page_link"))
    at.run()  # the same page again (a widget changed): still said
    assert len(notices(at)) == 1
    at.switch_page("views/distribution.py").run()  # another page: said once, not forever
    assert not notices(at)
    # the decision was the session's first run's: the cookie seen later does not bring it back
    monkeypatch.setattr(ui.cluster, "_cookies", lambda: {"bench_node_ws": "app9"})
    at.switch_page("views/data.py").run()
    assert not notices(at)


@pytest.mark.parametrize("node, cookies", [
    ("app2", {"bench_node_ws": "app2"}),  # the browser's own process
    ("app2", {}),                      # a first visit: no cookie yet
    ("app2", {"bench_node": "app1"}),  # only the sticky cookie: no websocket recorded yet
    (None, {"bench_node_ws": "app1"}),    # not in a cluster: nothing changes
])
def test_no_notice_otherwise(monkeypatch, node, cookies):
    assert not notices(run_app(monkeypatch, node, cookies))


def test_the_decision():
    moved = ui.cluster.moved_from
    assert moved("app2", "bench_node_ws", {"bench_node_ws": "app1"})
    assert not moved("app2", "bench_node_ws", {"bench_node_ws": "app2"})
    assert not moved("app2", "bench_node_ws", {"bench_node_ws": ""})
    assert not moved("app2", None, {"bench_node_ws": "app1"})
    assert not moved("", "bench_node_ws", {"bench_node_ws": "app1"})
