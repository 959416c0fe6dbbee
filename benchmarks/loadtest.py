"""`make loadtest`: N concurrent real browser sessions against one real server, for a while.

What it does
------------
1. Writes a ~5 MB opportunities export once per run into a temp dir: the demo's deals
   (data/demo/opportunities.csv) repeated with new IDs and varied amounts, owners unchanged.
   It is uploaded together with the demo roster (data/demo/people.csv, 20 KB): on the demo,
   an upload *replaces* the demo workspace, and without a roster owners resolve to no manager,
   so most pages would show "add exports" instead of running their analyses.
2. Starts its own ``streamlit run app.py`` on a free port (headless, no file watcher,
   ``--server.disconnectedSessionTTL`` short, default 10 s, so closed tabs are released).
3. Warm-up: one browser session opens the demo, visits every sidebar page, uploads and loads
   the export, visits every page again, and closes; then the harness waits for its release.
4. N sessions at once (default 8), each with its own browser context: one shared Chromium by
   default (``--browser-per-session`` for one each; measured no faster on 2 cores). Sessions
   are asyncio tasks on Playwright's async API rather than threads: the sync API is bound to
   its thread, so N threads would need N Playwright drivers besides N browsers, on the same
   cores as the server. Starts are spread over ``--ramp`` s. Each session opens the app (the demo),
   uploads the export on the Data page and clicks Load, checks the validation report shows
   rows loaded, then visits every page of the sidebar in turn by link click (Presenter mode
   is left by its own "Leave presenter mode" link) until ``--duration`` seconds have passed.
5. All sessions close; the harness waits for their release and measures memory again.

What it measures
----------------
* Page run time: from the click on a sidebar link until the app reports its script finished
  (``data-test-script-state='notRunning'``) on the new URL, after a run was seen to start. A
  MutationObserver in the page timestamps every script-state change, so a stale notRunning
  from the previous page is never measured, and the 300 ms quiet period used to confirm no
  further rerun follows (``st.rerun``) is not counted.
* Upload + load time: from handing the files to the uploader until the run after Load ends.
* Failed sessions: any wait over ``--timeout`` (120 s), an ``stException`` element on a
  page, a lost connection, or a crashed browser/page; the reason is recorded.
* Server memory: RSS of the server process plus any children (psutil), sampled every second.
  **before** = after the server is up and the warm-up session (above) has run and been
  released: imports, the shared demo cache and first-use costs are paid once, not per session.
  **during** = peak and mean while the N sessions run. **after** = once every session has
  closed and been released: at least the TTL, then until the app's janitor (ui/lifecycle.py)
  has logged a release for every session opened and RSS is steady (10 s within 2 MB), at
  most TTL + 60 s. The CPU of the server, of the harness's browsers and of the whole machine
  is sampled alongside: on a small machine the browsers compete with the server.

Gates (exit status 1 if either fails): 0 failed sessions; after - before <= 100 MB.

Run: ``python -m benchmarks.loadtest --sessions 8 --duration 300`` (``--json PATH`` also
writes the results as JSON). Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
EXPORT_NAME = "loadtest-opportunities.csv"
MB = 1024 * 1024
MEMORY_GATE_MB = 100
QUIET_MS = 300
START_TIMEOUT_S = 60

#: Installed in every page before the app loads: timestamps each script-state change of the app.
STATE_OBSERVER = """
(() => {
  const b = window.__bs = {starts: 0, state: null, t: performance.now()};
  const note = (s) => {
    if (s === b.state) return;
    b.state = s; b.t = performance.now();
    if (s === 'running' || s === 'rerunRequested') b.starts += 1;
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.target.getAttribute('data-testid') === 'stApp') note(r.target.getAttribute('data-test-script-state'));
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
})();
"""

#: True once the app is connected, on the expected path, not running, a run has started since
#: the click and it has been quiet for ``quiet`` ms. A run has started when the state went to
#: running, or when the URL moved to the new page (the app changes it once the new page's run
#: has begun; a click during a rerun of the last page can keep the state at running throughout).
#: When neither is seen (the same page again), 15 s without a run are taken as done.
RUN_DONE = """
({path, path0, starts0, t0, quiet}) => {
  const app = document.querySelector("[data-testid='stApp']");
  const b = window.__bs;
  if (!app || !b) return false;
  if (path !== null && location.pathname.replace(/\\/+$/, '') !== path) return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  const state = app.getAttribute('data-test-script-state');
  if (state !== b.state) { b.state = state; b.t = performance.now(); }
  if (state !== 'notRunning') return false;
  const now = performance.now();
  const moved = path !== null && path0 !== path;
  if (b.starts <= starts0 && !moved && now - t0 < 15000) return false;
  return now - b.t >= quiet;
}
"""


class SessionFailed(Exception):
    """A session's reason to stop: a timeout, an exception on a page, a crash."""


# ----------------------------------------------------------------------------- the export
def make_export(folder: Path, size_mb: float) -> tuple[Path, int]:
    """The demo's deals repeated (new IDs, amounts varied +-15 %) until ``size_mb`` MB."""
    base = pd.read_csv(DEMO / "opportunities.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(2026)
    target = int(size_mb * MB)
    per_row = (DEMO / "opportunities.csv").stat().st_size / len(base)
    copies, rows, k = [], 0, 0
    while rows * per_row < target * 1.05:
        c = base.copy()
        if k:
            c["opportunity_id"] = c["opportunity_id"] + f"-L{k}"
            c["amount"] = (c["amount"].astype(float) * rng.uniform(0.85, 1.15, len(c))).map("{:.2f}".format)
        copies.append(c)
        rows += len(c)
        k += 1
    text = pd.concat(copies, ignore_index=True).to_csv(index=False, lineterminator="\n")
    cut = text.rfind("\n", 0, target) + 1  # whole rows, up to the target size
    path = folder / EXPORT_NAME
    path.write_text(text[:cut], encoding="utf-8")
    return path, text[:cut].count("\n") - 1


# ----------------------------------------------------------------------------- the server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, ttl: int, log_path: Path) -> subprocess.Popen:
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--server.disconnectedSessionTTL", str(ttl)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            raise RuntimeError("streamlit exited during start-up:\n" + log_path.read_text())
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("streamlit did not become healthy:\n" + log_path.read_text())
        time.sleep(0.25)


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


RELEASED = re.compile(r"Released a closed session's data .*?; (\d+) session\(s\) still held")


def released_in_log(log_path: Path) -> tuple[int, int | None]:
    """Sessions the app's janitor (ui/lifecycle.py) has released so far, by its log lines, and
    how many it still held at the last one (None: no such line yet)."""
    found = RELEASED.findall(log_path.read_text(errors="replace"))
    return len(found), (int(found[-1]) if found else None)


def released_in_log_text(text: str) -> int:
    return len(RELEASED.findall(text))


class Sampler(threading.Thread):
    """Once a second, on a thread of its own: the server's RSS (process + children) and CPU, the
    CPU of this harness's browsers (its own child processes), and the machine's CPU."""

    def __init__(self, server_pid: int, log_path: Path) -> None:
        super().__init__(daemon=True)
        self.server = psutil.Process(server_pid)
        self.log_path = log_path
        #: (monotonic s, server RSS MB, server CPU % of one core, browsers CPU %, machine CPU % of all cores)
        self.samples: list[tuple[float, float, float, float, float]] = []
        self._halt = threading.Event()
        self._procs: dict[int, psutil.Process] = {}

    def _tree(self, root: psutil.Process) -> list[psutil.Process]:
        try:
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def rss_mb(self) -> float:
        total = 0
        for p in self._tree(self.server):
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total / MB

    def _cpu(self, procs: list[psutil.Process]) -> float:
        total = 0.0
        for p in procs:
            known = self._procs.setdefault(p.pid, p)  # cpu_percent measures since the last call on the object
            try:
                total += known.cpu_percent()
            except psutil.NoSuchProcess:
                self._procs.pop(p.pid, None)
        return total

    def run(self) -> None:
        me = psutil.Process()
        psutil.cpu_percent()
        while not self._halt.wait(1.0):
            if not self.server.is_running():
                return
            server = self._tree(self.server)
            server_pids = {p.pid for p in server}
            browsers = [p for p in self._tree(me)[1:] if p.pid not in server_pids]
            self.samples.append((time.monotonic(), self.rss_mb(), self._cpu(server), self._cpu(browsers),
                                 psutil.cpu_percent()))

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def between(self, t0: float, t1: float) -> list[tuple[float, float, float, float, float]]:
        return [s for s in self.samples if t0 <= s[0] <= t1]

    def settle(self, ttl: int, expect_released: int, label: str) -> float:
        """Wait until the closed sessions are released and RSS is steady, at most TTL + 60 s.

        Released: the janitor's log shows ``expect_released`` releases in all and none still
        held (without such log lines, TTL + 20 s are given instead). Steady: the last 10 s of
        samples lie within 2 MB. The result is the mean of the last 3 samples."""
        t0 = time.monotonic()
        time.sleep(ttl)
        while True:
            waited = time.monotonic() - t0
            count, held = released_in_log(self.log_path)
            released = (count >= expect_released and held == 0) if count else waited >= ttl + 20
            recent = [s[1] for s in self.samples if s[0] >= time.monotonic() - 10]
            steady = len(recent) >= 9 and max(recent) - min(recent) <= 2
            if (released and steady) or waited >= ttl + 60:
                why = "released and steady" if released and steady else \
                    f"time limit; released={released}, steady={steady}"
                print(f"  {label}: {recent[-1]:.0f} MB after {waited:.0f} s ({why}; "
                      f"{count} session(s) released so far by the server)", flush=True)
                return statistics.mean(recent[-3:])
            time.sleep(1)


# ----------------------------------------------------------------------------- one session
@dataclass
class SessionResult:
    name: str
    pages: int = 0
    passes: int = 0
    uploads: int = 0
    page_s: dict[str, list[float]] = field(default_factory=dict)
    upload_s: list[float] = field(default_factory=list)
    open_s: list[float] = field(default_factory=list)
    rows_loaded: int = 0
    error_alerts: int = 0
    unobserved_runs: list[str] = field(default_factory=list)
    failure: str | None = None


class Session:
    """One browser tab driving the app, as a user clicking through the sidebar would."""

    def __init__(self, name: str, context: BrowserContext, url: str, timeout_s: float, files: list[Path]) -> None:
        self.r = SessionResult(name)
        self.context, self.url, self.timeout_ms, self.files = context, url, timeout_s * 1000, files
        self.page: Page | None = None
        self.crashed = False

    async def start(self) -> None:
        await self.context.add_init_script(STATE_OBSERVER)
        self.page = await self.context.new_page()
        self.page.set_default_timeout(self.timeout_ms)
        self.page.on("crash", lambda _: setattr(self, "crashed", True))

    async def _mark(self) -> tuple[int, float, str]:
        """Runs started so far, the page's clock and its path: taken just before a click."""
        return tuple(await self.page.evaluate(
            "() => [window.__bs ? window.__bs.starts : 0, performance.now(), location.pathname.replace(/\\/+$/, '')]"))

    async def _wait_run(self, what: str, path: str | None, mark: tuple[int, float, str]) -> float:
        """Wait until the run started after ``mark`` has finished; its duration in seconds."""
        starts0, t0, path0 = mark
        try:
            await self.page.wait_for_function(
                RUN_DONE, arg={"path": path, "path0": path0, "starts0": starts0, "t0": t0, "quiet": QUIET_MS},
                polling=100, timeout=self.timeout_ms)
        except Exception as exc:
            raise SessionFailed(await self._describe(f"{what}: {type(exc).__name__}", exc)) from None
        starts, t_end = await self.page.evaluate("() => [window.__bs.starts, window.__bs.t]")
        if starts <= starts0 and (path is None or path == path0):
            self.r.unobserved_runs.append(what)
        await self._check(what)
        return max(0.0, t_end - t0) / 1000

    async def _describe(self, what: str, exc: BaseException | None = None) -> str:
        if self.crashed:
            return f"{what}: page crashed"
        try:
            state = await self.page.evaluate(
                "() => { const a = document.querySelector(\"[data-testid='stApp']\");"
                " return a ? [a.getAttribute('data-test-script-state'), a.getAttribute('data-test-connection-state'),"
                " location.pathname] : [null, null, location.pathname]; }", )
            return f"{what} (script={state[0]}, connection={state[1]}, path={state[2]})"
        except Exception:
            return f"{what}: {str(exc).splitlines()[0] if exc else 'browser gone'}"

    async def _check(self, what: str) -> None:
        exc = self.page.locator("[data-testid='stException']")
        if await exc.count():
            text = (await exc.first.inner_text())[:300].replace("\n", " | ")
            raise SessionFailed(f"{what}: exception on the page: {text}")
        self.r.error_alerts += await self.page.locator("[data-testid='stAlertContentError']").count()

    async def open(self) -> None:
        await self.page.goto(self.url + "/", timeout=self.timeout_ms)
        self.r.open_s.append(await self._wait_run("open the app", None, (0, 0.0, "")))

    async def sidebar_links(self) -> list[tuple[str, str]]:
        """Every page in the sidebar's navigation, in menu order: (title, path)."""
        links = self.page.locator("[data-testid='stSidebarNav'] a")
        out = []
        for i in range(await links.count()):
            a = links.nth(i)
            title = (await a.inner_text()).strip().splitlines()[-1].strip()
            path = await a.evaluate("a => new URL(a.href).pathname.replace(/\\/+$/, '')")
            out.append((title, path))
        return out

    async def visit(self, title: str, path: str, link_name: str | None = None) -> None:
        mark = await self._mark()
        link = self.page.get_by_role("link", name=link_name or title, exact=True)
        try:
            await link.click(timeout=self.timeout_ms)
        except Exception as exc:
            raise SessionFailed(await self._describe(f"click {link_name or title}: {type(exc).__name__}", exc)) from None
        took = await self._wait_run(title, path, mark)
        self.r.page_s.setdefault(title, []).append(took)
        self.r.pages += 1
        if link_name is None and not await self.page.locator("[data-testid='stSidebarNav']").is_visible():
            # Presenter mode hides the sidebar; it is left by its own link (to Managers)
            leave = self.page.get_by_role("link", name="Leave presenter mode")
            if not await leave.count():
                raise SessionFailed(f"{title}: the sidebar is hidden and there is no way back")
            back = await leave.evaluate("a => new URL(a.href).pathname.replace(/\\/+$/, '')")
            await self.visit("Managers", back, link_name="Leave presenter mode")

    async def upload(self, data_path: str) -> None:
        """On the Data page: hand the files to the uploader, wait for their analysis (the Load
        button), click Load, and check the validation report names the export with rows loaded."""
        if await self.page.evaluate("() => location.pathname.replace(/\\/+$/, '')") != data_path:
            await self.visit("Data", data_path)
        start = time.monotonic()
        mark = await self._mark()
        # the exports' uploader takes several files (the page's other one opens a workspace file)
        await self.page.locator("[data-testid='stFileUploaderDropzoneInput'][multiple]").first.set_input_files(
            [str(f) for f in self.files], timeout=self.timeout_ms)
        button = self.page.get_by_role("button", name=f"Load {len(self.files)} file(s) into the workspace")
        try:
            await button.wait_for(state="visible", timeout=self.timeout_ms)
        except Exception as exc:
            raise SessionFailed(await self._describe(f"upload: no Load button: {type(exc).__name__}", exc)) from None
        await self._wait_run("upload", data_path, mark)
        mark = await self._mark()
        try:
            await button.click(timeout=self.timeout_ms)
        except Exception as exc:
            raise SessionFailed(await self._describe(f"click Load: {type(exc).__name__}", exc)) from None
        await self._wait_run("load", data_path, mark)
        headline = self.page.get_by_text(re.compile(rf"^{re.escape(EXPORT_NAME)}: [\d,]+ rows read · [\d,]+ loaded"))
        try:
            await headline.first.wait_for(timeout=15_000)
        except Exception:
            alerts = await self.page.locator("[data-testid='stAlert']").all_inner_texts()
            still = await button.count()
            raise SessionFailed(await self._describe(
                f"load: no import message for the export (Load button still shown: {bool(still)}; "
                f"alerts: {' | '.join(a.strip()[:120] for a in alerts[:3]) or 'none'})")) from None
        loaded = int(re.search(r"rows read · ([\d,]+) loaded", await headline.first.inner_text()).group(1)
                     .replace(",", ""))
        if loaded <= 0:
            raise SessionFailed("load: 0 rows loaded")
        self.r.rows_loaded = loaded
        self.r.upload_s.append(time.monotonic() - start)
        self.r.uploads += 1

    async def walk(self, links: list[tuple[str, str]]) -> None:
        for title, path in links:
            await self.visit(title, path)
        self.r.passes += 1


async def run_session(name: str, browser: Browser | None, pw, url: str, args, files: list[Path],
                      deadline: float | None, delay: float = 0.0) -> SessionResult:
    """Open, upload, then walk the sidebar until ``deadline`` (once each way when None: the warm-up)."""
    await asyncio.sleep(delay)
    own = None
    if browser is None:
        own = browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    s = Session(name, context, url, args.timeout, files)
    try:
        await s.start()
        await s.open()
        links = await s.sidebar_links()
        if not links:
            raise SessionFailed("no pages in the sidebar")
        data_path = next((p for t, p in links if t == "Data"), None)
        if data_path is None:
            raise SessionFailed("no Data page in the sidebar")
        if deadline is None:
            await s.walk(links)
            await s.upload(data_path)
            await s.walk(links)
        else:
            await s.upload(data_path)
            while time.monotonic() < deadline:
                for title, path in links:
                    if time.monotonic() >= deadline:
                        break
                    await s.visit(title, path)
                else:
                    s.r.passes += 1
    except SessionFailed as exc:
        s.r.failure = str(exc)
    except Exception as exc:  # the browser or Playwright itself gave way
        s.r.failure = await s._describe(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    finally:
        try:
            await context.close()
        except Exception:
            pass
        if own is not None:
            await own.close()
    state = "FAILED: " + s.r.failure if s.r.failure else "ok"
    print(f"  {name}: {s.r.pages} pages, {s.r.passes} full passes, {s.r.uploads} upload(s), {state}", flush=True)
    return s.r


async def drive(url: str, args, files: list[Path], sampler: Sampler) -> dict:
    async with async_playwright() as pw:
        shared = None if args.browser_per_session else await pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        print("warm-up session (demo, every page, upload, every page)…", flush=True)
        warm = await run_session("warm-up", shared, pw, url, args, files, None)
        if warm.failure:
            raise RuntimeError(f"the warm-up session failed: {warm.failure}")
        before = await asyncio.to_thread(sampler.settle, args.ttl, 1, "before (warm-up released)")

        print(f"{args.sessions} sessions for {args.duration} s…", flush=True)
        t_start = time.monotonic()
        deadline = t_start + args.duration
        step = args.ramp / max(1, args.sessions - 1) if args.sessions > 1 else 0
        results = await asyncio.gather(*(
            run_session(f"session {i + 1}", shared, pw, url, args, files, deadline, delay=i * step)
            for i in range(args.sessions)))
        t_end = time.monotonic()
        if shared is not None:
            await shared.close()
    during = sampler.between(t_start, t_end)
    after = sampler.settle(args.ttl, 1 + args.sessions, "after (all sessions released)")
    return {"warm": warm, "results": list(results), "before": before, "after": after, "during": during,
            "elapsed": t_end - t_start}


# ----------------------------------------------------------------------------- the report
def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return float(np.percentile(values, q, method="linear"))


def summarise(run: dict, args, export_rows: int, export_mb: float, log_text: str) -> dict:
    results: list[SessionResult] = run["results"]
    page_times = [t for r in results for ts in r.page_s.values() for t in ts]
    uploads = [t for r in results for t in r.upload_s]
    opens = [t for r in results for t in r.open_s]
    rss = [s[1] for s in run["during"]]
    cpu = {name: statistics.mean(s[i] for s in run["during"]) if run["during"] else float("nan")
           for i, name in ((2, "server_pct_of_one_core"), (3, "browsers_pct_of_one_core"), (4, "machine_pct_of_all_cores"))}
    per_page: dict[str, list[float]] = {}
    for r in results:
        for title, ts in r.page_s.items():
            per_page.setdefault(title, []).extend(ts)
    failed = [r for r in results if r.failure]
    warm_pages = [t for ts in run["warm"].page_s.values() for t in ts]
    growth = run["after"] - run["before"]
    return {
        "sessions": args.sessions, "duration_s": args.duration, "elapsed_s": round(run["elapsed"], 1),
        "browser": "one per session" if args.browser_per_session else "one shared Chromium, a context per session",
        "export": {"file": EXPORT_NAME, "mb": round(export_mb, 2), "rows": export_rows, "with": "people.csv (demo roster)"},
        "pages_visited": sum(r.pages for r in results), "full_passes": sum(r.passes for r in results),
        "uploads": len(uploads), "rows_loaded_per_upload": max((r.rows_loaded for r in results), default=0),
        "failed_sessions": len(failed), "failures": {r.name: r.failure for r in failed},
        "page_run_s": {"p50": pct(page_times, 50), "p95": pct(page_times, 95), "max": max(page_times, default=float("nan"))},
        "upload_load_s": {"p50": pct(uploads, 50), "p95": pct(uploads, 95), "max": max(uploads, default=float("nan"))},
        "open_s": {"p50": pct(opens, 50), "p95": pct(opens, 95)},
        "per_page_s": {t: {"n": len(ts), "p50": pct(ts, 50), "p95": pct(ts, 95), "max": max(ts)}
                       for t, ts in per_page.items()},
        "error_alerts": sum(r.error_alerts for r in results),
        "unobserved_runs": [w for r in results for w in r.unobserved_runs],
        "memory_mb": {"before": run["before"], "during_peak": max(rss, default=float("nan")),
                      "during_mean": statistics.mean(rss) if rss else float("nan"),
                      "after": run["after"], "after_minus_before": growth},
        "cpu_mean_during": cpu,
        "sessions_released_by_server": released_in_log_text(log_text),
        "server_tracebacks": log_text.count("Traceback"),
        "warm_up_s": {"page_p50": pct(warm_pages, 50), "page_max": max(warm_pages, default=float("nan")),
                      "upload_load": run["warm"].upload_s[0] if run["warm"].upload_s else float("nan")},
        "gates": {"no_failed_sessions": not failed, "memory_returned": growth <= MEMORY_GATE_MB},
    }


def print_report(s: dict) -> None:
    ok = lambda b: "PASS" if b else "FAIL"  # noqa: E731
    m, p, u, c, w = s["memory_mb"], s["page_run_s"], s["upload_load_s"], s["cpu_mean_during"], s["warm_up_s"]
    rows = [
        ("sessions", f"{s['sessions']} ({s['browser']})"),
        ("duration", f"{s['duration_s']} s (ran {s['elapsed_s']} s)"),
        ("export", f"{s['export']['file']}: {s['export']['mb']} MB, {s['export']['rows']:,} rows, + {s['export']['with']}"),
        ("pages visited", f"{s['pages_visited']:,} ({s['full_passes']} full passes of the sidebar)"),
        ("uploads", f"{s['uploads']} ({s['rows_loaded_per_upload']:,} rows loaded each)"),
        ("failed sessions", str(s["failed_sessions"])),
        *((f"  {name}", why) for name, why in s["failures"].items()),
        ("page run time", f"p50 {p['p50']:.2f} s · p95 {p['p95']:.2f} s · max {p['max']:.2f} s"),
        ("upload + load time", f"p50 {u['p50']:.2f} s · p95 {u['p95']:.2f} s · max {u['max']:.2f} s"),
        ("open the app (demo)", f"p50 {s['open_s']['p50']:.2f} s · p95 {s['open_s']['p95']:.2f} s"),
        ("warm-up, alone", f"page run p50 {w['page_p50']:.2f} s · max {w['page_max']:.2f} s · upload + load "
                           f"{w['upload_load']:.2f} s (one session, before the load: the unloaded baseline)"),
        ("error alerts seen", f"{s['error_alerts']} (st.error boxes; not failures)"),
        ("runs not seen starting", f"{len(s['unobserved_runs'])} (taken as done after 15 s; timed to the last state "
                                   f"change){': ' + ', '.join(sorted(set(s['unobserved_runs']))) if s['unobserved_runs'] else ''}"),
        ("server tracebacks", str(s["server_tracebacks"])),
        ("CPU during (mean)", f"server {c['server_pct_of_one_core']:.0f} % · browsers {c['browsers_pct_of_one_core']:.0f} % "
                              f"(% of one core) · whole machine {c['machine_pct_of_all_cores']:.0f} % of "
                              f"{psutil.cpu_count()} cores"),
        ("sessions released", f"{s['sessions_released_by_server']} by the server's janitor (log), of "
                              f"{s['sessions'] + 1} opened incl. the warm-up"),
        ("memory before", f"{m['before']:.0f} MB  (server up, one warm-up session ran every page and upload, "
                          "closed and released)"),
        ("memory during", f"peak {m['during_peak']:.0f} MB · mean {m['during_mean']:.0f} MB"),
        ("memory after", f"{m['after']:.0f} MB  (all sessions closed, TTL passed, RSS settled)"),
        ("after - before", f"{m['after_minus_before']:+.0f} MB"),
        ("gate: 0 failed sessions", ok(s["gates"]["no_failed_sessions"])),
        (f"gate: after within {MEMORY_GATE_MB} MB", ok(s["gates"]["memory_returned"])),
    ]
    width = max(len(k) for k, _ in rows) + 2
    print("\nLoad test")
    print("-" * 100)
    for k, v in rows:
        print(f"{k:<{width}}{v}")
    print("-" * 100)
    print(f"{'page':<26}{'visits':>8}{'p50 s':>9}{'p95 s':>9}{'max s':>9}")
    for title, v in sorted(s["per_page_s"].items(), key=lambda kv: -kv[1]["p95"]):
        print(f"{title:<26}{v['n']:>8}{v['p50']:>9.2f}{v['p95']:>9.2f}{v['max']:>9.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=8, help="concurrent browser sessions (default 8)")
    ap.add_argument("--duration", type=float, default=300, help="seconds the sessions keep visiting pages")
    ap.add_argument("--timeout", type=float, default=120, help="longest wait for one run, s (default 120)")
    ap.add_argument("--ttl", type=int, default=10, help="server.disconnectedSessionTTL, s (default 10)")
    ap.add_argument("--export-mb", type=float, default=5.0, help="size of the uploaded export (default 5)")
    ap.add_argument("--ramp", type=float, default=5.0, help="spread the session starts over this many s")
    ap.add_argument("--browser-per-session", action="store_true", help="one Chromium per session, not one shared")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument("--server-log", type=Path, help="keep the server's log here")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-loadtest-") as tmp:
        folder = Path(tmp)
        export, rows = make_export(folder, args.export_mb)
        mb = export.stat().st_size / MB
        print(f"export: {export.name}, {mb:.2f} MB, {rows:,} rows (+ people.csv)", flush=True)
        files = [export, DEMO / "people.csv"]
        log_path = folder / "streamlit.log"
        port = free_port()
        proc = start_server(port, args.ttl, log_path)
        sampler = Sampler(proc.pid, log_path)
        sampler.start()
        try:
            print(f"server on port {port}, pid {proc.pid}, {sampler.rss_mb():.0f} MB at start", flush=True)
            run = asyncio.run(drive(f"http://127.0.0.1:{port}", args, files, sampler))
        finally:
            try:
                sampler.stop()
            finally:
                stop_server(proc)
            if args.server_log:
                shutil.copy(log_path, args.server_log)
        log_text = log_path.read_text(errors="replace")
        summary = summarise(run, args, rows, mb, log_text)
    print_report(summary)
    if summary["server_tracebacks"] or summary["failed_sessions"]:
        tail = log_text[-4000:] if log_text.strip() else "(empty)"
        print("\n--- end of the server log ---\n" + tail, file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    return 0 if all(summary["gates"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
