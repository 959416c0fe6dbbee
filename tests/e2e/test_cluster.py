"""The app as a team gets it from `make serve`: two app processes behind HAProxy (tools/serve.py).

One cluster for the module (N=2). Through the balancer, pages load and navigate, and uploads
(PUT /_stcore/upload_file) and downloads (/media/...) reach the process that holds the tab's
websocket. Then the kill test: two tabs pinned to different processes each load their own files;
one process is killed (SIGKILL); the balancer takes it out within seconds and sends new
sessions to the live one; the other tab's data is intact; the killed tab, reconnected to the
live process, says plainly that its files are gone, is on the demo, and its saved workspace
opens again there.
"""

from __future__ import annotations

import time
import urllib.request
from http.cookies import SimpleCookie

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RUN_TIMEOUT_MS, go, wait_for_app_run, workspace_input
from tests.e2e.test_isolation import Session
from tools.serve import COOKIE, Cluster
from ui.cluster import LOST_PROCESS

pytestmark = pytest.mark.e2e

#: the killed process stays down for the rest of the module (its restart is tests/unit/test_serve.py's)
HOLD_S = 600


@pytest.fixture(scope="module")
def cluster():
    with Cluster(n=2, backoff=HOLD_S) as c:
        yield c


def node_of(session: Session) -> str:
    return {k["name"]: k["value"] for k in session.context.cookies()}[COOKIE]


def workspace_line(session: Session):
    """The sidebar's "Workspace: <label>" line."""
    return (session.page.get_by_test_id("stSidebar").get_by_test_id("stMarkdownContainer")
            .filter(has_text="Workspace:").first)


def pin(session: Session, cluster: Cluster, node: str) -> None:
    """Send this tab to ``node``: the sticky cookie the balancer would have set."""
    session.context.add_cookies([{"name": COOKIE, "value": node, "url": cluster.url}])


def new_browser_node(cluster: Cluster) -> str:
    """The process the balancer gives a browser that carries no cookie yet (its first request)."""
    with urllib.request.urlopen(cluster.url + "/", timeout=30) as r:
        cookie = SimpleCookie()
        for header in r.headers.get_all("Set-Cookie") or []:
            cookie.load(header)
    return cookie[COOKIE].value


def test_through_the_balancer_pages_load_and_navigate(browser, cluster):
    # one tab on each process, opened at once (each process's first session loads the demo)
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in cluster.nodes]
    try:
        pages = []
        for context, node in zip(contexts, cluster.nodes, strict=True):
            context.add_cookies([{"name": COOKIE, "value": node.name, "url": cluster.url}])
            page = context.new_page()
            page.set_default_timeout(RUN_TIMEOUT_MS)
            page.goto(f"{cluster.url}/data", wait_until="commit")
            pages.append(page)
        for page in pages:
            wait_for_app_run(page)
            expect(page.get_by_text("Demo: Northwind Cloud").first).to_be_visible()
        go(pages[0], "Distribution", "distribution")
        for page in pages:
            expect(page.get_by_test_id("stException")).to_have_count(0)
            assert LOST_PROCESS not in page.content()  # a first visit is told nothing
        # each tab stayed on its process; a browser without the cookie is given one
        assert [{k["name"]: k["value"] for k in c.cookies()}[COOKIE] for c in contexts] == ["app1", "app2"]
        assert new_browser_node(cluster) in ("app1", "app2")
    finally:
        for context in contexts:
            context.close()


def test_a_killed_process_loses_only_its_own_sessions_and_says_so(browser, cluster, tmp_path):
    a, b = Session(browser, tmp_path, "a"), Session(browser, tmp_path, "b")
    pin(a, cluster, "app1")
    pin(b, cluster, "app2")
    try:
        # each tab loads its own files on its own process, through the balancer
        a.upload(cluster.url)
        b.upload(cluster.url)
        assert (node_of(a), node_of(b)) == ("app1", "app2")
        saved = tmp_path / "a-saved.zip"
        saved.write_bytes(a.saved_workspace())  # a download (/media/...) through the balancer
        label = workspace_line(a).inner_text().split("Workspace:", 1)[1].strip()  # without its icon
        assert a.marker in label

        killed_at = time.monotonic()
        cluster.kill("app1", hold=HOLD_S)
        # any request of a's sent after the stop (here a page's; a download, a probe) moves its sticky
        # cookie to the live process before its websocket reconnects: the message must not rest on it
        assert a.context.request.get(cluster.url + "/").ok
        assert node_of(a) == "app2"
        down_after = cluster.wait_status("app1", "DOWN", timeout=15)
        print(f"\nthe balancer stopped routing to the killed process after {down_after:.1f} s")
        assert down_after < 5

        # a new session goes to the live process
        assert all(new_browser_node(cluster) == "app2" for _ in range(3))

        # b's session, on the live process, still has its own data
        seen = len(b.frames)
        b.go("Managers", "managers")
        assert b.marker.encode() in b"".join(b.frames[seen:])

        # a reconnects to the live process: told plainly, on the demo, its files gone
        expect(a.page.get_by_text(LOST_PROCESS)).to_be_visible(timeout=RUN_TIMEOUT_MS)
        print(f"the killed tab showed the message within {time.monotonic() - killed_at:.1f} s of the kill")
        wait_for_app_run(a.page)
        assert node_of(a) == "app2"
        expect(a.page.get_by_text("Demo: Northwind Cloud").first).to_be_visible()
        assert a.marker not in a.page.get_by_test_id("stMain").inner_text()

        # a's saved workspace opens again on the live process (an upload through the balancer)
        workspace_input(a.page).set_input_files(str(saved))
        expect(workspace_line(a)).to_contain_text(label, timeout=RUN_TIMEOUT_MS)
        wait_for_app_run(a.page)
        seen = len(a.frames)
        a.go("Managers", "managers")
        assert a.marker.encode() in b"".join(a.frames[seen:])
        expect(a.page.get_by_text(LOST_PROCESS)).to_have_count(0)  # said once, on the first page
        assert "Traceback" not in cluster.log("app2")
    finally:
        for context in (a.context, b.context):
            context.close()
