"""A session whose workspace was released under it (ui.lifecycle closed it while the tab was
away, and the browser came back) says so once and carries on on the demo, never drawing from
the closed workspace."""

from __future__ import annotations

from tests.app.test_pages import app
from ui.session import RELEASED_NOTICE, WS_KEY


def _warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def test_a_released_workspace_is_replaced_by_the_demo_with_a_notice():
    at = app().run()
    held = at.session_state[WS_KEY]
    held.close()  # what the janitor does to a released session's workspace
    at.switch_page("views/data.py").run()
    assert not at.exception
    assert RELEASED_NOTICE in _warnings(at)
    ws = at.session_state[WS_KEY]
    assert ws is not held and not ws.closed and not ws.is_empty
    assert any("Demo: Northwind Cloud" in m.value for m in at.markdown) or "Demo" in ws.label
    at.switch_page("views/overview.py").run()  # said once
    assert not at.exception and RELEASED_NOTICE not in _warnings(at)


def test_no_notice_in_a_session_that_kept_its_workspace():
    at = app().run()
    at.switch_page("views/data.py").run()
    assert not at.exception and RELEASED_NOTICE not in _warnings(at)
