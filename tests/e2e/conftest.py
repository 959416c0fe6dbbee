"""A real ``streamlit run`` server and headless Debian Chromium, as a user would meet the app.

The server starts once per test session on a free port; its log is printed when start-up
fails. Pages are driven with Playwright's auto-waiting ``expect``; ``wait_for_app_run``
waits until Streamlit reports the script finished, never a fixed sleep.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
START_TIMEOUT_S = 60
RUN_TIMEOUT_MS = 60_000
#: another client's /_stcore/health must answer within this while a hostile file is handled (issue 16)
HEALTH_WITHIN_S = 2.0

pytestmark = pytest.mark.e2e


#: an ``expect`` waits this long by default (Playwright's own default is 5 s): on a CI machine at
#: load 15+ a page's run after a click has taken longer, and a passing expectation returns at once
expect.set_options(timeout=20_000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def start_server(*extra_args: str, env: dict[str, str] | None = None):
    """A real ``streamlit run app.py`` on a free port, healthy when entered; stopped on exit.

    ``extra_args`` are more ``streamlit run`` options (e.g. ``--server.maxUploadSize 1``)."""
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *extra_args],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
    )
    server = Server(f"http://127.0.0.1:{port}", proc, Path(log.name))
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError("streamlit exited during start-up:\n" + server.log())
            try:
                with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("streamlit did not become healthy:\n" + server.log())
            time.sleep(0.25)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        server_log = server.log()
        if "Traceback" in server_log:
            print("\n--- streamlit server log ---\n" + server_log[-5000:])
        os.unlink(log.name)


@pytest.fixture(scope="session")
def app_url():
    with start_server() as server:
        yield server.url


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_url) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(RUN_TIMEOUT_MS)
    yield pg
    context.close()


#: the app is connected, then also its script not running, looked at every POLL_MS: a selector wait backs
#: off to one look every 500 ms, which lost ~0.25 s on each run that takes longer than that; a look on every
#: animation frame makes an idle headless page draw 60 frames a second, CPU the server needs
POLL_MS = 50
APP_CONNECTED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return !!app && app.dataset.testConnectionState === 'CONNECTED';
}"""
APP_IDLE = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return !!app && app.dataset.testConnectionState === 'CONNECTED' && app.dataset.testScriptState === 'notRunning';
}"""

#: arms a watch on the app's script state: every change is counted with its time (kept across calls)
ARM_RUN_WATCH = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (window.__benchWatched !== app) {
    window.__benchWatched = app;
    new MutationObserver(() => { window.__benchRuns += 1; window.__benchChanged = performance.now(); })
      .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
  window.__benchRuns = 0;
  window.__benchArmed = window.__benchChanged = performance.now();
}"""

#: the run the action caused has finished: the script state changed since the watch was armed and has
#: been 'notRunning' for ``settle`` ms (a script's st.rerun stops and starts the run again), or no run
#: was seen within ``grace`` ms (an action that reruns nothing, or a run too short to be drawn). The
#: grace is long on purpose: a loaded machine's server may take a while to start the run (the fixed
#: 200 ms this replaces let a page be checked before its own run had begun).
RUN_DONE = """([settle, grace]) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.dataset.testConnectionState !== 'CONNECTED' || app.dataset.testScriptState !== 'notRunning') return false;
  if (window.__benchArmed === undefined) return true;  // a new document since: its own load was the run
  const now = performance.now();
  return window.__benchRuns > 0 ? now - window.__benchChanged >= settle : now - window.__benchArmed >= grace;
}"""
SETTLE_MS, GRACE_MS = 100, 1000


def wait_for_app_run(page: Page, timeout: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the app is connected and its script has finished running (each up to ``timeout``)."""
    page.wait_for_function(APP_CONNECTED, timeout=timeout, polling=POLL_MS)
    page.wait_for_function(APP_IDLE, timeout=timeout, polling=POLL_MS)


def arm_run_watch(page: Page) -> None:
    """Before an action that reruns the script: from now on, :func:`wait_for_rerun` waits for that run."""
    wait_for_app_run(page)
    page.evaluate(ARM_RUN_WATCH)


def wait_for_rerun(page: Page, timeout: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the run started since :func:`arm_run_watch` has finished (not the run before it)."""
    page.wait_for_function(RUN_DONE, arg=[SETTLE_MS, GRACE_MS], timeout=timeout, polling=POLL_MS)


def click_and_wait(page: Page, locator) -> None:
    """Click what reruns the script and wait until that run is over."""
    arm_run_watch(page)
    locator.click()
    wait_for_rerun(page)


#: the Data page's uploader of exports: the one file input taking several files. Picked by that, not
#: by its place: Streamlit draws an uploader once its lazily loaded component has arrived, after the
#: run has ended, so the first input on a page just drawn may be the "Open workspace" one
EXPORTS_INPUT = "[data-testid='stFileUploaderDropzoneInput'][multiple]"


def exports_input(page: Page):
    """The Data page's input for exports (Playwright waits for it to be drawn)."""
    return page.locator(EXPORTS_INPUT)


def exports_uploader(page: Page):
    """The Data page's uploader of exports, with the messages it draws."""
    return page.get_by_test_id("stFileUploader").filter(has=page.locator(EXPORTS_INPUT))


def workspace_input(page: Page):
    """The Data page's "Open workspace" input."""
    return (page.get_by_test_id("stFileUploader").filter(has_text="Open workspace")
            .get_by_test_id("stFileUploaderDropzoneInput"))


def open_page(page: Page, app_url: str, path: str = "") -> None:
    page.goto(f"{app_url}/{path}")
    wait_for_app_run(page)


def go(page: Page, link: str, slug: str) -> None:
    """Open a page from the sidebar and wait until its own run (not the last page's) is done."""
    arm_run_watch(page)
    page.get_by_role("link", name=link, exact=True).click()
    page.wait_for_function("slug => location.pathname.replace(/\\/$/, '').endsWith('/' + slug) || (!slug && "
                           "location.pathname.split('/').filter(Boolean).length === 0)", arg=slug)
    wait_for_rerun(page)


class HealthWatch:
    """Asks the server's health endpoint every 100 ms from another client; the slowest answer."""

    def __init__(self, url: str) -> None:
        self.url, self.slowest, self.failures = f"{url}/_stcore/health", 0.0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            t0 = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=10) as r:
                    ok = r.status == 200
            except OSError as exc:
                ok, self.failures = False, [*self.failures, str(exc)]
            took = time.monotonic() - t0
            self.slowest = max(self.slowest, took if ok else float("inf"))
            self._stop.wait(0.1)

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
