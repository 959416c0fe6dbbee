"""`make loadtest`: N concurrent real browser sessions against the app, for a while: against an
address given (one server or a load balancer), or against one plain process and then a cluster
of N behind HAProxy, side by side in one run, with one process killed during the load.

What it runs
------------
* ``--url http://host:port`` (``make loadtest URL=...``): that address only. The harness drives
  browsers and reports what it sees from outside; the memory and CPU of the processes behind
  it are "not measured" unless their pids are given (``--pids``, ``PIDS=``).
* Otherwise each of ``--processes`` (``PROCESSES="1 2"``; default ``"1 N"``, N = the machine's
  cores, at least 2), one after the other with the same workload: 1 is one plain
  ``streamlit run app.py`` on a free port; more is the cluster of tools/serve.py (the same
  ``streamlit run`` per process, Debian's HAProxy in front with a sticky cookie and health
  checks on ``/_stcore/health``). Every process runs headless, without a file watcher and with
  ``--server.disconnectedSessionTTL`` short (default 10 s) so that closed tabs are released.

The workload (per configuration)
--------------------------------
1. A ~5 MB opportunities export is written once per run: the demo's deals (data/demo/
   opportunities.csv) repeated with new IDs and varied amounts, owners unchanged. It is uploaded
   with the demo roster (data/demo/people.csv): an upload *replaces* the demo workspace, and
   without a roster owners resolve to no manager.
2. Warm-up: one browser session per app process, straight to its own port (the balancer would
   choose for itself), opens the demo, visits every sidebar page, uploads and loads the export,
   visits every page again, and closes; then the harness waits for its release.
3. ``--sessions`` sessions at once (default 8), a browser context each in one shared Chromium
   (``--browser-per-session`` for one each), as asyncio tasks on Playwright's async API, starts
   spread over ``--ramp`` s. Each opens the app (the demo), uploads the export on the Data page
   and clicks Load, checks the report shows rows loaded, then visits every page of the sidebar
   in turn by link click (Presenter mode is left by its "Exit presenter mode" button) until
   ``--duration`` seconds have passed. Behind the balancer each session's node is read from
   its sticky cookie.
4. **The kill** (configurations of more than one process; ``--kill-after S``, default two
   thirds of the duration; ``--no-kill``): the app process with the most sessions is killed
   (SIGKILL through the cluster's API, held down for the rest of the run). From then on the
   balancer's stats are polled until it calls the process down, and a new-session probe (a
   request without cookie) is sent every 0.5 s for 30 s. A session of the killed process whose
   page fails, or that lands on another process (its cookie, or the app's message from
   ui/cluster.py, says so), is given Streamlit's own reconnection (15 s), reloaded if need be,
   checked for the app's message, and uploads its export again: *moved*, not failed; if that
   fails it is *lost* (a failed session). Sessions elsewhere must not fail, and at the end each
   checks its workspace is still its upload (the sidebar offers "Back to the demo").
5. All sessions close; the harness waits for their release and measures memory again.

What it measures
----------------
* Page run time: from the click on a sidebar link until the app reports its script finished
  (``data-test-script-state='notRunning'``) on the new URL, after a run was seen to start. A
  MutationObserver in the page timestamps every script-state change, so a stale notRunning
  from the previous page is never measured, and the 300 ms quiet period used to confirm no
  further rerun follows (``st.rerun``) is not counted. With a kill, the page times and the
  throughput are counted up to the kill; the pages after it have their own row.
* Opening the app, and upload + load: from handing the files to the uploader until the run
  after Load ends.
* Failed sessions: any wait over ``--timeout`` (120 s), an ``stException`` element on a page,
  a lost connection, or a crashed browser/page; the reason is recorded.
* Memory, per app process (and HAProxy): RSS of the process plus its children (psutil), each
  second. **before** = after the process is up and its warm-up session has run and been
  released; **peak** while the sessions run; **after** = once every session has closed and been
  released (the janitor's log lines of ui/lifecycle.py, then RSS steady 10 s within 2 MB, at
  most TTL + 60 s). A killed process has no after.
* CPU (mean while the sessions run, up to a kill): the app processes, the balancer, the
  harness's own browsers, and the whole machine: on a small machine the browsers compete with
  the servers. From these: the gain of N processes over one, and what one more core would give
  (benchmarks/loadtest_report.py, ``per_core``: its assumption is stated there and in the table).

Gates (exit status 1 if any fails): 0 failed sessions; after - before <= 100 MB per process;
with a kill, 0 failures among the sessions of the other processes.

Run: ``python -m benchmarks.loadtest --sessions 8 --duration 150`` (``--json PATH`` also writes
the results as JSON; ``--write-results`` replaces the section between ``<!-- loadtest:begin -->``
and ``<!-- loadtest:end -->`` of benchmarks/RESULTS.md, as ``make loadtest`` does). Not part of
``make test``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
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
from playwright.async_api import TimeoutError as PlaywrightTimeout

from benchmarks import loadtest_report as rep
from benchmarks.loadtest_report import SessionOutcome, Visit

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
EXPORT_NAME = "loadtest-opportunities.csv"
MB = 1024 * 1024
MEMORY_GATE_MB = rep.MEMORY_GATE_MB
QUIET_MS = 300
try:  # what the app says to a tab whose process stopped (behind the balancer)
    from ui.cluster import LOST_PROCESS as _LOST
except ImportError:  # pragma: no cover - a checkout without the cluster
    _LOST = "The app process that held your session stopped"
#: Behind a balancer: notes whether the app's message to a moved tab was ever on the page (it
#: shows on the new process's first page only, possibly while the harness waits elsewhere), by
#: looking at the text each time a run ends.
MOVED_OBSERVER = """
(() => {
  const text = __TEXT__;
  new MutationObserver((records) => {
    if (window.__moved) return;
    for (const r of records) {
      if (r.target.getAttribute('data-testid') === 'stApp'
          && r.target.getAttribute('data-test-script-state') === 'notRunning'
          && document.body && document.body.innerText.includes(text)) { window.__moved = true; return; }
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
})();
""".replace("__TEXT__", json.dumps(_LOST[:60]))
MOVED_SEEN = "(text) => !!window.__moved || (!!document.body && document.body.innerText.includes(text))"
START_TIMEOUT_S = 60
#: how long a session whose process was killed waits for the app's message before reopening
MESSAGE_WAIT_S = 30

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


# ----------------------------------------------------------------------------- the servers
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_args(ttl: int) -> list[str]:
    """The options every app process of the harness gets (one alone, or each of a cluster)."""
    return ["--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", "--server.disconnectedSessionTTL", str(ttl)]


def wait_healthy(url: str, proc: subprocess.Popen | None, log_path: Path | None, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("streamlit exited during start-up:\n" + (log_path.read_text() if log_path else ""))
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not become healthy" + (":\n" + log_path.read_text() if log_path else ""))
        time.sleep(0.25)


def start_server(port: int, ttl: int, log_path: Path) -> subprocess.Popen:
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", *server_args(ttl)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, log_path)
    except RuntimeError:
        proc.kill()
        raise
    return proc


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


@dataclass
class Node:
    """One app process: its name (the balancer's, e.g. ``app1``), pid, its own address and log."""
    name: str
    pid: int | None
    url: str | None = None
    log: Path | None = None


class Target:
    """What one configuration measures: the address the sessions open, the app processes behind
    it (empty when unknown), the balancer's pid, its sticky cookie and its stats as CSV."""

    label = ""
    url = ""
    nodes: list[Node]
    lb_pid: int | None = None
    cookie: str | None = None
    stats_csv: str | None = None

    def kill(self, name: str) -> None:
        raise RuntimeError(f"{self.label}: the harness cannot kill a process it did not start")

    def close(self) -> None:
        pass

    def node_of(self, cookie_value: str | None) -> str | None:
        """The node a sticky cookie's value names (None: no cookie, or not one of ours)."""
        return cookie_value if cookie_value in {n.name for n in self.nodes} else None

    def lb_states(self) -> dict[str, str] | None:
        """The balancer's view of each app process (``UP``, ``DOWN``, ``MAINT``…) from its stats CSV."""
        if not self.stats_csv:
            return None
        with urllib.request.urlopen(self.stats_csv, timeout=2) as r:
            return rep.lb_states_from_csv(r.read().decode("utf-8", "replace"))


class SingleTarget(Target):
    """One plain ``streamlit run app.py`` (what ``make run`` starts), on a free port."""

    def __init__(self, ttl: int, folder: Path) -> None:
        port = free_port()
        log = folder / "streamlit-1.log"
        self.proc = start_server(port, ttl, log)
        self.url = f"http://127.0.0.1:{port}"
        self.label = "1 process"
        self.nodes = [Node("app", self.proc.pid, self.url, log)]

    def close(self) -> None:
        stop_server(self.proc)


class ExternalTarget(Target):
    """An address already serving (one server or a balancer). The harness only drives browsers;
    the processes of ``pids`` (if given) are watched for memory and CPU."""

    def __init__(self, url: str, pids: tuple[int, ...]) -> None:
        self.url, self.label = url, f"{url} (given)"
        self.nodes = [Node(f"pid {p}", p) for p in pids]
        wait_healthy(url, None, None, timeout=10)


class ClusterTarget(Target):
    """N app processes behind HAProxy, started by the cluster's own supervisor (tools/serve.py:
    the same ``streamlit run`` per process, Debian's HAProxy in front, a sticky cookie)."""

    def __init__(self, n: int, ttl: int, hold: float) -> None:
        from tools.serve import Cluster

        self.hold = hold
        self.cluster = Cluster(n=n, port=0, extra_args=["--server.disconnectedSessionTTL", str(ttl)])
        self.cluster.__enter__()
        c = self.cluster
        self.url = c.url.rstrip("/")
        self.label = f"{n} processes + HAProxy"
        self.lb_pid = c.lb_pid
        self.cookie = c.cookie
        self.nodes = [Node(x.name, x.pid, x.url, x.log_path) for x in c.nodes]

    def kill(self, name: str) -> None:
        # SIGKILL, as a crash; held down for the rest of the run (the supervisor would otherwise
        # start it again after its back-off, as a new process the samples do not follow)
        self.cluster.kill(name, hold=self.hold)

    def lb_states(self) -> dict[str, str] | None:
        return self.cluster.status()

    def close(self) -> None:
        self.cluster.stop()


# ----------------------------------------------------------------------------- the samples

def cpu_of(known: dict[int, psutil.Process], procs: list[psutil.Process]) -> float:
    """Percent of one core ``procs`` used since the last look. ``known`` keeps one Process object
    per pid across looks: ``cpu_percent`` measures since the last call on the same object."""
    total = 0.0
    for p in procs:
        held = known.setdefault(p.pid, p)
        try:
            total += held.cpu_percent()
        except psutil.NoSuchProcess:
            known.pop(p.pid, None)
    return total

class Sampler(threading.Thread):
    """One server process (`make bench`'s browser row, benchmarks/browser.py), once a second, on a thread of its own: the server's RSS (process + children) and CPU, the
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
        return cpu_of(self._procs, procs)

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


@dataclass
class Sample:
    t: float
    rss: dict[str, float]  # MB per app process (its tree), and "haproxy"
    server: float  # CPU of the app processes, % of one core
    balancer: float
    browsers: float  # the harness's own children that are not servers: Chromium, Playwright's driver
    machine: float  # % of all cores


class ServersSampler(threading.Thread):
    """Once a second, on a thread of its own: each app process's RSS (process + children) and
    CPU, the balancer's, the CPU of this harness's browsers and of the whole machine."""

    def __init__(self, target: Target) -> None:
        super().__init__(daemon=True)
        self.target = target
        self.procs: dict[str, psutil.Process] = {}
        for n in target.nodes:
            try:
                self.procs[n.name] = psutil.Process(n.pid)
            except (psutil.NoSuchProcess, TypeError, ValueError):
                pass
        self.lb = None
        if target.lb_pid:
            try:
                self.lb = psutil.Process(target.lb_pid)
            except psutil.NoSuchProcess:
                pass
        self.samples: list[Sample] = []
        self._halt = threading.Event()
        self._known: dict[int, psutil.Process] = {}

    @staticmethod
    def _tree(root: psutil.Process | None) -> list[psutil.Process]:
        if root is None:
            return []
        try:
            return [root, *root.children(recursive=True)] if root.is_running() else []
        except psutil.NoSuchProcess:
            return []

    @staticmethod
    def _rss(procs: list[psutil.Process]) -> float | None:
        total, seen = 0, False
        for p in procs:
            try:
                total += p.memory_info().rss
                seen = True
            except psutil.NoSuchProcess:
                pass
        return total / MB if seen else None

    def _cpu(self, procs: list[psutil.Process]) -> float:
        return cpu_of(self._known, procs)

    def sample(self) -> Sample:
        me = psutil.Process()
        trees = {name: self._tree(p) for name, p in self.procs.items()}
        lb = self._tree(self.lb)
        rss = {name: v for name, t in trees.items() if (v := self._rss(t)) is not None}
        if lb and (v := self._rss(lb)) is not None:
            rss["haproxy"] = v
        servers = {p.pid for t in (*trees.values(), lb) for p in t}
        mine = [p for p in self._tree(me)[1:] if p.pid not in servers]
        browsers = []
        for p in mine:
            try:
                if not p.name().startswith(("python", "haproxy", "streamlit")):
                    browsers.append(p)
            except psutil.NoSuchProcess:
                pass
        return Sample(time.monotonic(), rss, self._cpu([p for t in trees.values() for p in t]), self._cpu(lb),
                      self._cpu(browsers), psutil.cpu_percent())

    def run(self) -> None:
        psutil.cpu_percent()
        while not self._halt.wait(1.0):
            self.samples.append(self.sample())

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def between(self, t0: float, t1: float) -> list[Sample]:
        return [s for s in self.samples if t0 <= s.t <= t1]

    def alive(self) -> list[str]:
        out = []
        for name, p in self.procs.items():
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    out.append(name)
            except psutil.NoSuchProcess:
                pass
        return out

    def settle(self, ttl: int, expect_released: int, label: str) -> dict[str, float]:
        """Wait until the closed sessions are released and every live process's RSS is steady, at
        most TTL + 60 s; each one's mean of its last 3 samples.

        Released: the janitor's log lines of the live processes count ``expect_released`` releases
        in all and none still held (without logs, TTL + 20 s are given instead). Steady: each
        one's last 10 s of samples lie within 2 MB."""
        t0 = time.monotonic()
        time.sleep(ttl)
        logs = [n.log for n in self.target.nodes if n.log and n.name in self.alive()]
        while True:
            waited = time.monotonic() - t0
            counts = [released_in_log(p) for p in logs]
            count = sum(c for c, _ in counts)
            if logs and count:
                released = count >= expect_released and all(h in (0, None) for _, h in counts)
            else:
                released = waited >= ttl + 20
            recent = [s for s in self.samples if s.t >= time.monotonic() - 10]
            names = [n for n in self.alive()] + (["haproxy"] if self.lb else [])
            series = {n: [s.rss[n] for s in recent if n in s.rss] for n in names}
            steady = all(len(v) >= 9 and max(v) - min(v) <= 2 for v in series.values())
            if (released and steady) or waited >= ttl + 60:
                why = "released and steady" if released and steady else \
                    f"time limit; released={released}, steady={steady}"
                now = ", ".join(f"{n} {v[-1]:.0f} MB" for n, v in series.items() if v) or "no process watched"
                print(f"  {label}: {now} after {waited:.0f} s ({why}; {count} session(s) released so far)",
                      flush=True)
                return {n: statistics.mean(v[-3:]) for n, v in series.items() if v}
            time.sleep(1)


# ----------------------------------------------------------------------------- one session
@dataclass
class KillState:
    """The kill during load, shared by the sessions: which node, when, what the balancer did."""
    after_s: float | None = None
    node: str | None = None
    at: float | None = None
    lb_down_at: float | None = None
    probes: list[tuple[float, str | None]] = field(default_factory=list)
    note: str = ""


@dataclass
class SessionResult:
    name: str
    pages: int = 0
    passes: int = 0
    uploads: int = 0
    page_s: dict[str, list[float]] = field(default_factory=dict)
    visits: list[Visit] = field(default_factory=list)
    upload_s: list[float] = field(default_factory=list)
    open_s: list[float] = field(default_factory=list)
    rows_loaded: int = 0
    error_alerts: int = 0
    unobserved_runs: list[str] = field(default_factory=list)
    failure: str | None = None
    node_start: str | None = None
    node_end: str | None = None
    moved: bool = False
    saw_message: bool = False
    recovered_s: float | None = None
    data_kept: bool | None = None
    visits_after_kill: int = 0
    message_after_s: float | None = None
    steady_from: float | None = None  # the end of its first upload (harness clock)
    ended: float | None = None

    def outcome(self) -> SessionOutcome:
        return SessionOutcome(self.name, self.node_start, self.node_end, self.failure, self.moved, self.saw_message,
                              self.recovered_s, self.data_kept, self.visits_after_kill, self.message_after_s)


class Session:
    """One browser tab driving the app, as a user clicking through the sidebar would."""

    def __init__(self, name: str, context: BrowserContext, url: str, timeout_s: float, files: list[Path],
                 target: Target | None = None, kill: KillState | None = None) -> None:
        self.r = SessionResult(name)
        self.context, self.url, self.timeout_ms, self.files = context, url, timeout_s * 1000, files
        self.target, self.kill = target, kill or KillState()
        self.page: Page | None = None
        self.crashed = False
        self.data_path: str | None = None

    async def start(self) -> None:
        await self.context.add_init_script(STATE_OBSERVER)
        if self.target is not None and self.target.cookie:
            await self.context.add_init_script(MOVED_OBSERVER)
        self.page = await self.context.new_page()
        self.page.set_default_timeout(self.timeout_ms)
        self.page.on("crash", lambda _: setattr(self, "crashed", True))

    def hit(self) -> bool:
        """Its node has been killed and it has not moved yet."""
        return self.kill.at is not None and self.r.node_start is not None and \
            self.r.node_start == self.kill.node and not self.r.moved

    async def node(self) -> str | None:
        """The app process its sticky cookie names (None without a balancer)."""
        if self.target is None or not self.target.cookie:
            return None
        for c in await self.context.cookies():
            if c["name"] == self.target.cookie:
                return self.target.node_of(c["value"])
        return None

    async def _mark(self) -> tuple[int, float, str]:
        """Runs started so far, the page's clock and its path: taken just before a click."""
        return tuple(await self.page.evaluate(
            "() => [window.__bs ? window.__bs.starts : 0, performance.now(), location.pathname.replace(/\\/+$/, '')]"))

    async def _wait_run(self, what: str, path: str | None, mark: tuple[int, float, str]) -> float:
        """Wait until the run started after ``mark`` has finished; its duration in seconds. Waits
        in slices of 5 s: a session whose node was killed stops waiting after one (it recovers)."""
        starts0, t0, path0 = mark
        give_up = time.monotonic() + self.timeout_ms / 1000
        while True:
            try:
                await self.page.wait_for_function(
                    RUN_DONE, arg={"path": path, "path0": path0, "starts0": starts0, "t0": t0, "quiet": QUIET_MS},
                    polling=100, timeout=max(1000.0, min(5000.0, (give_up - time.monotonic()) * 1000)))
                break
            except PlaywrightTimeout as exc:
                if self.hit() or time.monotonic() >= give_up:
                    raise SessionFailed(await self._describe(f"{what}: {type(exc).__name__}", exc)) from None
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
        self.r.node_start = await self.node()

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
            await link.click(timeout=5000 if self.hit() else self.timeout_ms)
        except Exception as exc:
            raise SessionFailed(await self._describe(f"click {link_name or title}: {type(exc).__name__}", exc)) from None
        self._record(title, await self._wait_run(title, path, mark))
        if link_name is None and not await self.page.locator("[data-testid='stSidebarNav']").is_visible():
            await self.leave_presenter(title)

    def _record(self, title: str, took: float) -> None:
        self.r.page_s.setdefault(title, []).append(took)
        self.r.visits.append(Visit(time.monotonic(), title, took, self.r.name))
        self.r.pages += 1
        if self.kill.at is not None:
            self.r.visits_after_kill += 1

    async def leave_presenter(self, title: str) -> None:
        """Presenter mode hides the sidebar; it is left by its own button ("Exit presenter mode",
        back to the Overview) or, in older versions, a link ("Leave presenter mode")."""
        button = self.page.get_by_role("button", name=re.compile(r"exit presenter mode", re.I))
        link = self.page.get_by_role("link", name="Leave presenter mode")
        if await button.count():
            mark = await self._mark()
            try:
                await button.first.click(timeout=5000 if self.hit() else self.timeout_ms)
            except Exception as exc:
                raise SessionFailed(await self._describe(f"exit presenter mode: {type(exc).__name__}", exc)) from None
            self._record("Exit presenter mode", await self._wait_run("Exit presenter mode", None, mark))
        elif await link.count():
            back = await link.evaluate("a => new URL(a.href).pathname.replace(/\\/+$/, '')")
            await self.visit("Managers", back, link_name="Leave presenter mode")
        else:
            raise SessionFailed(f"{title}: the sidebar is hidden and there is no way back")
        try:
            await self.page.locator("[data-testid='stSidebarNav']").wait_for(state="visible", timeout=15_000)
        except Exception:
            raise SessionFailed(await self._describe(f"{title}: the sidebar did not come back after leaving")) from None

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
        button = self.page.get_by_role("button", name=re.compile(r"^Load \d+ files? into the workspace$"))
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
        if self.r.steady_from is None:
            self.r.steady_from = time.monotonic()

    async def moved_message(self) -> bool:
        """The app's message to a tab whose process stopped (ui/cluster.py) is on the page."""
        return bool(await self.page.evaluate(MOVED_SEEN, _LOST[:60]))

    async def check_moved(self) -> bool:
        """After a visit by a session whose node was killed: did it land elsewhere (its cookie, or
        the app's message, says so)? Then its data went with the process: it uploads again."""
        if not self.hit():
            return False
        seen = await self.moved_message()
        now = await self.node()
        if not seen and (now is None or now == self.r.node_start):
            return False
        if seen:
            self._saw()
        await self._carry_on()
        return True

    async def recover(self, why: str) -> None:
        """Its node was killed under it and a wait failed: give the page the time Streamlit's own
        reconnection and the new process's first run take to show the app's message (up to
        ``MESSAGE_WAIT_S``), then carry on. A failure here is the session lost."""
        try:
            try:
                await self.page.wait_for_function(MOVED_SEEN, arg=_LOST[:60], polling=250,
                                                  timeout=MESSAGE_WAIT_S * 1000)
                self._saw()
            except Exception:
                pass
            await self._carry_on()
        except SessionFailed as exc:
            raise SessionFailed(f"its node was killed ({why}); it could not carry on: {exc}") from None

    def _saw(self) -> None:
        if not self.r.saw_message:
            self.r.saw_message = True
            self.r.message_after_s = time.monotonic() - self.kill.at

    async def _carry_on(self) -> None:
        """Open the Data page afresh (the uploader of the old page still holds files that died with
        the process) and upload again, as a user told by the message would."""
        self.r.moved = True
        try:
            await self.page.goto(self.url + self.data_path, timeout=self.timeout_ms)
        except Exception as exc:
            raise SessionFailed(await self._describe(f"reopen the Data page: {type(exc).__name__}", exc)) from None
        await self._wait_run("reopen the Data page", None, (0, 0.0, ""))
        if await self.moved_message():
            self._saw()
        await self.upload(self.data_path)
        self.r.recovered_s = time.monotonic() - self.kill.at

    async def check_data(self) -> None:
        """At the end: is its workspace still its upload (the sidebar offers "Back to the demo")?"""
        try:
            if await self.page.locator("[data-testid='stSidebarNav']").is_visible():
                self.r.data_kept = bool(await self.page.get_by_role("button", name="Back to the demo").count())
        except Exception:
            self.r.data_kept = None
        self.r.node_end = await self.node()

    async def until(self, links: list[tuple[str, str]], deadline: float) -> None:
        """Visit the sidebar's pages in turn until ``deadline``; a session whose node was killed
        and that lands elsewhere uploads again and starts the sidebar over."""
        while time.monotonic() < deadline:
            for title, path in links:
                if time.monotonic() >= deadline:
                    break
                await self.visit(title, path)
                if await self.check_moved():
                    break
            else:
                self.r.passes += 1

    async def walk(self, links: list[tuple[str, str]]) -> None:
        for title, path in links:
            await self.visit(title, path)
        self.r.passes += 1


async def run_session(name: str, browser: Browser | None, pw, url: str, args, files: list[Path],
                      deadline: float | None, delay: float = 0.0, target: Target | None = None,
                      kill: KillState | None = None, registry: list | None = None) -> SessionResult:
    """Open, upload, then walk the sidebar until ``deadline`` (once each way when None: the warm-up)."""
    await asyncio.sleep(delay)
    own = None
    if browser is None:
        own = browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    s = Session(name, context, url, args.timeout, files, target, kill)
    if registry is not None:
        registry.append(s)
    try:
        await s.start()
        await s.open()
        links = await s.sidebar_links()
        if not links:
            raise SessionFailed("no pages in the sidebar")
        s.data_path = next((p for t, p in links if t == "Data"), None)
        if s.data_path is None:
            raise SessionFailed("no Data page in the sidebar")
        if deadline is None:
            await s.walk(links)
            await s.upload(s.data_path)
            await s.walk(links)
        else:
            uploaded = False
            while True:
                try:
                    if not uploaded:
                        await s.upload(s.data_path)
                        uploaded = True
                    await s.until(links, deadline)
                    s.r.ended = time.monotonic()
                    break
                except SessionFailed as exc:
                    if not s.hit():
                        raise
                    await s.recover(str(exc))  # uploads again; a failure here is the session lost
                    uploaded = True
            await s.check_data()
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
    where = f", node {s.r.node_start}" + (f" → {s.r.node_end}" if s.r.node_end != s.r.node_start else "") \
        if s.r.node_start else ""
    moved = " (moved after the kill" + (", saw the message" if s.r.saw_message else "") + ")" if s.r.moved else ""
    print(f"  {name}: {s.r.pages} pages, {s.r.passes} full passes, {s.r.uploads} upload(s){where}{moved}, {state}",
          flush=True)
    return s.r


# ----------------------------------------------------------------------------- the kill
def probe(url: str, cookie: str | None) -> str | None:
    """A new session's first request (no cookie): the node the balancer's cookie names, or None on
    an error."""
    try:
        with urllib.request.urlopen(url + "/", timeout=3) as r:
            for value in r.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                if name.strip() == cookie:
                    return rest.split(";", 1)[0]
            return ""
    except OSError:
        return None


def watch_after_kill(target: Target, kill: KillState, seconds: float = 30.0) -> None:
    """From the kill for ``seconds``: poll the balancer's stats until it calls the node down, and
    send a new-session probe every half second."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.monotonic()
        if kill.lb_down_at is None:
            try:
                state = (target.lb_states() or {}).get(kill.node, "")
                if state.startswith(("DOWN", "MAINT")):
                    kill.lb_down_at = time.monotonic()
            except OSError:
                pass
        kill.probes.append((t, probe(target.url, target.cookie)))
        time.sleep(max(0.0, 0.5 - (time.monotonic() - t)))


async def killer(target: Target, kill: KillState, t_start: float, sessions: list[Session]) -> None:
    await asyncio.sleep(max(0.0, t_start + kill.after_s - time.monotonic()))
    counts: dict[str, int] = {}
    for s in sessions:
        if s.r.node_start and not s.r.failure:
            counts[s.r.node_start] = counts.get(s.r.node_start, 0) + 1
    if not counts:
        kill.note = "no session was known on any node (no sticky cookie seen): nothing killed"
        return
    kill.node = max(sorted(counts), key=lambda n: counts[n])  # the node with the most sessions
    print(f"killing {kill.node} ({counts[kill.node]} session(s) on it) at {kill.after_s:.0f} s…", flush=True)
    kill.at = time.monotonic()
    await asyncio.to_thread(target.kill, kill.node)
    await asyncio.to_thread(watch_after_kill, target, kill)


# ----------------------------------------------------------------------------- one configuration
async def drive(target: Target, args, files: list[Path], sampler: ServersSampler, kill_after: float | None) -> dict:
    async with async_playwright() as pw:
        shared = None if args.browser_per_session else await pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        # each app process is warmed by its own session, straight to its port (the balancer would
        # send all of them to whichever it likes); behind a given address, as many sessions at once
        # as processes are known (a balancer sending new sessions to the least busy spreads them)
        direct = [n.url for n in target.nodes if n.url]
        if direct:
            warms = []
            for i, u in enumerate(direct):
                print(f"warm-up session {i + 1}/{len(direct)} at {u} (demo, every page, upload, every page)…",
                      flush=True)
                warms.append(await run_session(f"warm-up {i + 1}", shared, pw, u, args, files, None))
        else:
            k = max(1, len(target.nodes))
            print(f"{k} warm-up session(s) at once at {target.url} (demo, every page, upload, every page)…", flush=True)
            warms = list(await asyncio.gather(*(run_session(f"warm-up {i + 1}", shared, pw, target.url, args, files,
                                                            None, delay=i * 2.0) for i in range(k))))
        warm_urls = direct or [target.url] * len(warms)
        failed = [w.failure for w in warms if w.failure]
        if failed:
            raise RuntimeError(f"the warm-up session failed: {failed[0]}")
        before = await asyncio.to_thread(sampler.settle, args.ttl, len(warm_urls), "before (warm-up released)")

        print(f"{args.sessions} sessions for {args.duration} s at {target.url}…", flush=True)
        kill = KillState(after_s=kill_after)
        registry: list[Session] = []
        t_start = time.monotonic()
        deadline = t_start + args.duration
        step = args.ramp / max(1, args.sessions - 1) if args.sessions > 1 else 0
        killing = asyncio.create_task(killer(target, kill, t_start, registry)) if kill_after else None
        results = await asyncio.gather(*(
            run_session(f"session {i + 1}", shared, pw, target.url, args, files, deadline, delay=i * step,
                        target=target, kill=kill, registry=registry)
            for i in range(args.sessions)))
        t_end = time.monotonic()
        if killing is not None:
            await killing
        if shared is not None:
            await shared.close()
    live = set(sampler.alive())
    during = sampler.between(t_start, kill.at or t_end)
    on_live = sum(1 for r in results if r.node_end in live or (r.node_end is None and not r.node_start))
    direct = [n for n in target.nodes if n.url]
    warmed_live = sum(1 for n in direct if n.name in live) if direct else len(warm_urls)
    after = sampler.settle(args.ttl, warmed_live + on_live, "after (all sessions released)")
    return {"warms": warms, "results": list(results), "before": before, "after": after, "during": during,
            "all_samples": sampler.between(t_start, t_end), "t_start": t_start, "t_end": t_end, "kill": kill}


def summarise(target: Target, run: dict, args, log_text: str) -> dict:
    results: list[SessionResult] = run["results"]
    kill: KillState = run["kill"]
    window = (run["t_start"], kill.at or run["t_end"])
    memory = None
    names = sorted({n for s in run["all_samples"] for n in s.rss} | set(run["before"]))
    if names:
        memory = {}
        for n in names:
            peak = max((s.rss[n] for s in run["all_samples"] if n in s.rss), default=None)
            memory[n] = {"before": run["before"].get(n), "peak": peak, "after": run["after"].get(n),
                         "killed": n == kill.node}
    during = run["during"]
    cpu = {"server": rep.mean(s.server for s in during) if target.nodes else float("nan"),
           "balancer": rep.mean(s.balancer for s in during) if target.lb_pid else float("nan"),
           "browsers": rep.mean(s.browsers for s in during), "machine": rep.mean(s.machine for s in during)}
    kreport = None
    if kill.node:
        kreport = rep.kill_report([r.outcome() for r in results], kill.node, kill.at, kill.lb_down_at, kill.probes,
                                  t_start=run["t_start"])
    s = rep.summarise_config(
        target.label, sessions=args.sessions, duration=args.duration, elapsed=run["t_end"] - run["t_start"],
        visits=[v for r in results for v in r.visits], opens=[t for r in results for t in r.open_s],
        uploads=[t for r in results for t in r.upload_s], failures={r.name: r.failure for r in results if r.failure},
        window=window, memory=memory, cpu=cpu, kill=kreport,
        spans={r.name: (r.steady_from, min(r.ended or run["t_end"], window[1])) for r in results
               if r.steady_from is not None})
    warm_pages = [t for w in run["warms"] for ts in w.page_s.values() for t in ts]
    s.update({
        "error_alerts": sum(r.error_alerts for r in results),
        "unobserved_runs": [w for r in results for w in r.unobserved_runs],
        "server_tracebacks": log_text.count("Traceback"),
        "sessions_released_by_server": released_in_log_text(log_text),
        "warm_up_s": {"page_p50": rep.pct(warm_pages, 50), "page_max": max(warm_pages, default=float("nan"))},
        "kill_note": kill.note,
        "load_average_end": round(os.getloadavg()[0], 1),
        "sessions_by_node": {r.name: [r.node_start, r.node_end] for r in results},
    })
    return s


def print_config(s: dict) -> None:
    p, o = s["page_run_s"], s["open_s"]
    print(f"\n{s['label']}: {s['pages_visited']:,} pages, {s['pages_per_s']:.2f} pages/s in the window; page run "
          f"p50 {p['p50']:.2f} s · p95 {p['p95']:.2f} s · max {p['max']:.2f} s; open p50 {o['p50']:.2f} s; "
          f"failed sessions {s['failed_sessions']}; error alerts {s['error_alerts']}; runs not seen starting "
          f"{len(s['unobserved_runs'])}; server tracebacks {s['server_tracebacks']}")
    for name, why in s["failures"].items():
        print(f"  {name}: {why}")
    if s["kill_note"]:
        print(f"  kill: {s['kill_note']}")


def run_config(cfg: rep.Config, args, files: list[Path], folder: Path) -> dict:
    sub = folder / cfg.label.replace(" ", "-").replace("/", "_").replace(":", "")
    sub.mkdir(exist_ok=True)
    print(f"\n=== {cfg.label} ===", flush=True)
    if cfg.kind == "url":
        target: Target = ExternalTarget(cfg.url, cfg.pids)
    elif cfg.processes == 1:
        target = SingleTarget(args.ttl, sub)
    else:
        target = ClusterTarget(cfg.processes, args.ttl, hold=args.duration + args.ttl + 120)
    sampler = ServersSampler(target)
    sampler.start()
    try:
        print(f"{target.label} at {target.url}: " + (", ".join(n.name if n.name.endswith(str(n.pid)) else
                                                               f"{n.name} pid {n.pid}" for n in target.nodes)
                                                     or "processes not known (memory not measured)"), flush=True)
        run = asyncio.run(drive(target, args, files, sampler, cfg.kill_after))
    finally:
        try:
            sampler.stop()
        finally:
            target.close()
    log_text = "".join(n.log.read_text(errors="replace") for n in target.nodes if n.log and n.log.exists())
    if args.server_log:
        args.server_log.with_suffix(f".{sub.name}.log").write_text(log_text, encoding="utf-8")
    s = summarise(target, run, args, log_text)
    print_config(s)
    if s["server_tracebacks"] or s["failed_sessions"]:
        print("\n--- end of the server log(s) ---\n" + (log_text[-4000:] if log_text.strip() else "(empty)"),
              file=sys.stderr)
    return s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default=None,
                    help="measure this address (a server or a balancer already running) instead of starting one")
    ap.add_argument("--pids", type=int, nargs="*", default=[],
                    help="with --url: the app processes to watch for memory and CPU")
    ap.add_argument("--processes", default=None,
                    help='the configurations started here, in order: "1 N" by default (N = cores, at least 2); '
                         '1 is a plain streamlit run, more a cluster behind HAProxy')
    ap.add_argument("--sessions", type=int, default=8, help="concurrent browser sessions (default 8)")
    ap.add_argument("--duration", type=float, default=150, help="seconds the sessions keep visiting pages, per configuration")
    ap.add_argument("--kill-after", type=float, default=None,
                    help="in each configuration of more than one process, kill one after this many seconds "
                         "(default: two thirds of --duration)")
    ap.add_argument("--no-kill", action="store_true", help="no kill during load")
    ap.add_argument("--timeout", type=float, default=120, help="longest wait for one run, s (default 120)")
    ap.add_argument("--ttl", type=int, default=10, help="server.disconnectedSessionTTL, s (default 10)")
    ap.add_argument("--export-mb", type=float, default=5.0, help="size of the uploaded export (default 5)")
    ap.add_argument("--ramp", type=float, default=5.0, help="spread the session starts over this many s")
    ap.add_argument("--browser-per-session", action="store_true", help="one Chromium per session, not one shared")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument("--server-log", type=Path, help="keep the servers' logs beside this path")
    ap.add_argument("--write-results", type=Path, nargs="?", const=ROOT / "benchmarks" / "RESULTS.md",
                    help="replace the load test's section of this file (benchmarks/RESULTS.md by default)")
    args = ap.parse_args(argv)

    try:
        configs = rep.plan(args.url, args.processes, args.pids, args.kill_after, duration=args.duration,
                           no_kill=args.no_kill)
    except ValueError as exc:
        ap.error(str(exc))
    where = rep.machine()
    print(f"machine: {where}", flush=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    summaries = []
    with tempfile.TemporaryDirectory(prefix="bench-loadtest-") as tmp:
        folder = Path(tmp)
        export, rows = make_export(folder, args.export_mb)
        size = export.stat().st_size / MB
        print(f"export: {export.name}, {size:.2f} MB, {rows:,} rows (+ people.csv)", flush=True)
        files = [export, DEMO / "people.csv"]
        for cfg in configs:
            summaries.append(run_config(cfg, args, files, folder))
    table = rep.side_by_side(summaries)
    print("\n" + table)
    notes = [f"Each configuration: {args.sessions} sessions (one shared Chromium, a context each) for "
             f"{args.duration:.0f} s, each uploading a {size:.1f} MB export ({rows:,} deals) with the demo roster, "
             "then visiting every page of the sidebar in turn; page run time is from the click until the app's run "
             "ends. Before and after: each app process after a warm-up session of its own was released, and again "
             "after every session closed and was released."]
    locals_ = [s for s in summaries if not s["label"].endswith("(given)")]
    ones = [s for s in locals_ if s["label"] == "1 process"]
    many = [s for s in locals_ if s["label"] != "1 process"]
    if ones and many:
        g = rep.gain_text(ones[0], many[-1], os.cpu_count() or 1)
        print("\n" + g)
        notes.append(g)
    if any(s["kill"] for s in summaries):
        notes.append("The kill: SIGKILL of the app process with the most sessions (by their sticky cookie) "
                     "during the load. Page times and throughput of that column are counted up to the kill; the "
                     "pages after it are in their own row. *Moved*: its sessions that reconnected to another process "
                     "and carried on (they upload again: their data died with the process); *lost*: those that "
                     "could not (counted as failed sessions).")
    if args.json:
        args.json.write_text(json.dumps({"machine": where, "date": started, "configs": summaries}, indent=2,
                                        default=str) + "\n", encoding="utf-8")
    if args.write_results:
        command = "python -m benchmarks.loadtest " + " ".join(argv if argv is not None else sys.argv[1:])
        section = rep.Section(started, where, command.strip(), table, notes).render()
        path = args.write_results
        path.write_text(rep.replace_section(path.read_text(encoding="utf-8") if path.exists() else "", section),
                        encoding="utf-8")
        print(f"\nwritten into {path}")
    ok = all(v is not False for s in summaries for v in s["gates"].values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
