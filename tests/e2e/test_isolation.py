"""Two browser sessions at once: neither sees the other's upload, anywhere; a closed tab's
workspace is released.

Each session uploads a roster and deals whose names carry a marker unique to it. The test
walks the pages in both, keeps every websocket message the server sent each browser (page
text, tables as Arrow, chart data), downloads each session's saved workspace (its DuckDB
tables, as Parquet) and looks for the other session's marker in all of it. Then one tab is
closed: the server must log the release of its workspace within the configured time
(``server.disconnectedSessionTTL``, short here), while the other session carries on.
"""

from __future__ import annotations

import io
import re
import time
import uuid
import zipfile
from pathlib import Path

import psutil
import pyarrow.parquet as pq
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RUN_TIMEOUT_MS, exports_input, go, start_server, wait_for_app_run
from ui.lifecycle import release_after

pytestmark = pytest.mark.e2e

RELEASE_AFTER_S = 6  # at 3 s a tab whose connection stalled 1.5 s on a busy machine was already released
#: a deferred download's click is repeated this often, each waited for this long
DOWNLOAD_TRIES, DOWNLOAD_WAIT_S = 3, 15
MEDIA_ZIP = re.compile(rb"/media/[A-Za-z0-9_\-]+\.zip")
RELEASED = "Released a closed session's data"
PAGES = [("Overview", ""), ("Managers", "managers"), ("Manager detail", "manager"), ("Data", "data")]


@pytest.fixture(scope="module")
def server():
    with start_server("--server.disconnectedSessionTTL", str(RELEASE_AFTER_S)) as s:
        yield s


class Session:
    """One browser tab with its own marker, files and a record of what the server sent it."""

    def __init__(self, browser, tmp: Path, tag: str) -> None:
        self.marker = f"Zq{tag}{uuid.uuid4().hex[:10]}"
        self.manager = f"Mara {self.marker}"
        self.rep = f"Rex {self.marker}"
        self.files = self._write(tmp / tag)
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(RUN_TIMEOUT_MS)
        self.frames: list[bytes] = []
        self.page.on("websocket", lambda ws: ws.on("framereceived", lambda p: self.frames.append(
            p if isinstance(p, bytes) else p.encode("utf-8"))))

    def _write(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True)
        people = folder / f"people-{self.marker}.csv"
        people.write_text(
            "person_id,name,manager,team,region,role\n"
            f"M1,{self.manager},,Team {self.marker},EMEA,Sales Manager\n"
            f"R1,{self.rep},M1,Team {self.marker},EMEA,Account Executive\n", encoding="utf-8")
        deals = folder / f"deals-{self.marker}.csv"
        deals.write_text(
            "opportunity_id,name,owner,account,amount,stage,created_date,close_date\n"
            + "".join(f"D{i},Deal {self.marker} {i},R1,Account {self.marker},{1000 * (i + 1)},"
                      f"{'Closed Won' if i % 2 else 'Closed Lost'},2025-01-0{i + 1},2025-03-0{i + 1}\n"
                      for i in range(6)), encoding="utf-8")
        return [people, deals]

    def upload(self, url: str) -> None:
        self.url = url
        self.page.goto(f"{url}/data")
        wait_for_app_run(self.page)
        # a new session opens on the demo, whatever another session has loaded
        expect(self.page.get_by_text("Demo: Northwind Cloud").first).to_be_visible(timeout=RUN_TIMEOUT_MS)
        exports_input(self.page).set_input_files([str(f) for f in self.files])
        wait_for_app_run(self.page)
        self.page.get_by_role("button", name="Load 2 files into the workspace").click()
        wait_for_app_run(self.page)
        expect(self.page.get_by_text(f"deals-{self.marker}.csv: 6 rows read · 6 loaded · 0 rejected")).to_be_visible(timeout=RUN_TIMEOUT_MS)

    def go(self, link: str, slug: str) -> None:
        go(self.page, link, slug)
        expect(self.page.get_by_test_id("stException")).to_have_count(0)

    def saved_workspace_text(self) -> str:
        """Every value of every table in this session's DuckDB, from its own Save button."""
        data = self.saved_workspace()
        parts = []
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in zf.namelist():
                parts.append(name)
                if name.endswith(".parquet"):
                    parts.append(pq.read_table(io.BytesIO(zf.read(name))).to_pandas().to_csv())
                else:
                    parts.append(zf.read(name).decode("utf-8", "replace"))
        return "\n".join(parts)

    def saved_workspace(self) -> bytes:
        """This session's saved workspace file, from its own Save button on the Data page."""
        self.go("Data", "data")
        seen = len(self.frames)
        # the file is made on the click and its address sent down the websocket; read it from
        # there (Chromium may hold back a script-started download, which is not under test).
        # Headless Chromium now and then drops a click on a deferred download button, so no
        # request reaches the server (benchmarks and earlier sessions saw ~1 in 5 over many
        # downloads in one page): the click is repeated, at most DOWNLOAD_TRIES times
        found = None
        for _ in range(DOWNLOAD_TRIES):
            self.page.get_by_role("button", name="Save workspace").click()
            deadline = time.monotonic() + DOWNLOAD_WAIT_S
            while not (found := MEDIA_ZIP.search(b"".join(self.frames[seen:]))) and time.monotonic() < deadline:
                self.page.wait_for_timeout(200)
            if found:
                break
        assert found, "the saved workspace never arrived"
        response = self.page.request.get(self.url + found.group(0).decode())
        assert response.ok
        return response.body()


def wait_for_log(server, text: str, count: int, timeout_s: float) -> float:
    """Seconds until ``text`` appears ``count`` times in the server log (fails after timeout)."""
    start = time.monotonic()
    while server.log().count(text) < count:
        if time.monotonic() - start > timeout_s:
            pytest.fail(f"the server did not log {text!r} within {timeout_s:.0f} s:\n{server.log()[-3000:]}")
        time.sleep(0.2)
    return time.monotonic() - start


def server_temp_files(server) -> list[str]:
    """Files the server process holds open outside the repository (its own log aside)."""
    proc = psutil.Process(server.proc.pid)
    return sorted(f.path for f in proc.open_files()
                  if f.path != str(server.log_path) and not f.path.startswith(str(Path.cwd())))


def test_two_sessions_never_see_each_other_and_a_closed_tab_is_released(browser, server, tmp_path):
    a = Session(browser, tmp_path, "a")
    b = Session(browser, tmp_path, "b")
    try:
        # both load at once: a uploads, b (opening on the demo beside a's upload) uploads while a's session
        # is live (this covers what tests/e2e/test_journeys.py checked of a second session, merged here)
        a.upload(server.url)
        b.upload(server.url)
        for s in (a, b):
            for link, slug in PAGES:
                s.go(link, slug)
        saved = {s.marker: s.saved_workspace_text() for s in (a, b)}

        for me, other in ((a, b), (b, a)):
            assert me.marker in saved[me.marker] and me.rep in saved[me.marker]
            assert other.marker not in saved[me.marker], "a saved workspace holds the other session's rows"
            sent = b"".join(me.frames)
            assert me.marker.encode() in sent
            assert other.marker.encode() not in sent, "the server sent one session the other's data"
            assert other.marker not in me.page.content()

        # a's tab closes: its workspace is released within the configured time; b carries on
        released_before = server.log().count(RELEASED)
        files_before = server_temp_files(server)
        a.context.close()
        waited = wait_for_log(server, RELEASED, released_before + 1, timeout_s=RELEASE_AFTER_S + 20)
        assert waited >= release_after(RELEASE_AFTER_S) - 0.5, "released before the configured time"
        assert server_temp_files(server) == files_before == []
        seen = len(b.frames)
        b.go("Managers", "managers")
        assert b.marker.encode() in b"".join(b.frames[seen:])  # b's pages still draw b's data
    finally:
        for s in (a, b):
            try:
                s.context.close()
            except Exception:
                pass

    # b's tab closes too: both sessions are gone from the server, nothing held
    wait_for_log(server, RELEASED, released_before + 2, timeout_s=RELEASE_AFTER_S + 20)


def test_a_reloaded_tab_starts_on_the_demo_not_on_the_released_upload(browser, server, tmp_path):
    """A tab reopened after release gets a fresh session: the demo, never the old upload."""
    s = Session(browser, tmp_path, "c")
    try:
        s.upload(server.url)
        s.page.goto("about:blank")  # leave: the session's connection drops
        wait_for_log(server, RELEASED, server.log().count(RELEASED) + 1, timeout_s=RELEASE_AFTER_S + 20)
        s.page.goto(server.url)
        wait_for_app_run(s.page)
        expect(s.page.get_by_text("Demo: Northwind Cloud").first).to_be_visible(timeout=RUN_TIMEOUT_MS)
        assert s.marker not in s.page.content()
    finally:
        s.context.close()
