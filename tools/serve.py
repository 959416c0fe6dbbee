"""`make serve N=4`: N identical app processes behind HAProxy, on one machine, with one command.

Each process is the same ``streamlit run app.py`` (headless, no file watcher) on a free loopback
port; Debian's HAProxy (``deploy/haproxy.cfg``, rendered with this start's ports) listens on the
address users open, keeps each browser tab on the process that holds its session (a sticky
cookie), sends new sessions to the least busy process and checks every process's
``/_stcore/health`` each second. This module is the small supervisor around them:

* it sizes each process's memory and engine threads from the machine (:func:`budget`) and prints
  the budget at start, with a warning when the processes cannot each hold a large workspace;
* it gives every process the same cookie secret, generated for this start and never written to
  disk (``STREAMLIT_SERVER_COOKIE_SECRET`` in the children's environment, so it is not on a
  command line either): a signed cookie (sign-in) stays valid whichever process reads it;
* it tells each process its node name and the name of the cookie in which the balancer records
  the process of a tab's websocket (``BENCH_NODE``, ``BENCH_NODE_COOKIE``), so a session moved
  off a stopped process can say so (``ui/cluster.py``);
* it restarts a process that exits on its own after :data:`RESTART_BACKOFF_S` (the balancer's
  health check brings it back into rotation), and on Ctrl-C / SIGTERM stops the balancer and
  every process (each in a process group of its own, so their children go too).

The API (the load test and the tests use it; keep it stable)
-----------------------------------------------------------
>>> with Cluster(n=2, port=0) as c:            # doctest: +SKIP
...     c.url                                  # the balancer: 'http://127.0.0.1:41234'
...     [(n.name, n.port, n.pid) for n in c.nodes]
...     c.kill("app1")                         # SIGKILL the process (and its children), as a crash
...     c.node("app1").restarts                # started again after the backoff (hold=s delays it)
...     c.wait_status("app1", "DOWN")          # seconds until the balancer took it out
...     c.status()                             # {'app1': 'DOWN', 'app2': 'UP'} (HAProxy's view)
...     c.lb_pid, c.log("app2"), c.lb_log()    # the balancer's pid; each process's and its log
...     c.stats()                              # HAProxy's statistics CSV as dicts (c.stats_port)

``Cluster(n, port=0, *, bind="127.0.0.1", env=None, extra_args=(), restart=True,
backoff=RESTART_BACKOFF_S, command=None, cookie=COOKIE)``: ``port=0`` picks a free port;
``env`` is added to every process's environment (a ``BENCH_DUCKDB_*`` there wins over the
budget); ``extra_args`` are more ``streamlit run`` options; ``command(node)`` replaces the
``streamlit run`` command line (tests start a stub server). ``Cluster.budget`` is the
:class:`Budget` in force.

The command line: ``python -m tools.serve --processes N --port P [--bind 0.0.0.0]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "haproxy.cfg"
STREAMLIT_CONFIG = ROOT / ".streamlit" / "config.toml"
HAPROXY = os.environ.get("BENCH_HAPROXY") or shutil.which("haproxy") or "/usr/sbin/haproxy"

#: the sticky cookie's name (HAProxy inserts it)
COOKIE = "bench_node"
#: the cookie HAProxy writes on a websocket's handshake: the process that holds the tab's session
WS_COOKIE_SUFFIX = "_ws"
#: seconds before a process that exited on its own is started again
RESTART_BACKOFF_S = 2.0
#: seconds a process may take to answer its health check at start
START_TIMEOUT_S = 90.0

MiB = 1024**2
GiB = 1024**3
#: the least one session's engine may use: a large organisation's workspace (1M deals, 5M
#: activities) takes ~1 GB in the engine (benchmarks/RESULTS.md), as in analytics/store/workspace.py
SESSION_FLOOR = 1 * GiB
#: what a process holding one such workspace reaches at its peak (import 2.0 GB, analytics
#: 1.8-1.9 GB at 100% scale in benchmarks/RESULTS.md): a process's share below it gets a warning
LARGE_SESSION_PEAK = 2 * GiB
#: a session's engine threads, as today in one process (analytics/store/workspace.py)
MAX_THREADS = 2


def machine_cores() -> int:
    """The cores this server may use: its CPU affinity, bounded by a cgroup v2 quota (cpu.max)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota.isdigit():
            cores = min(cores, max(1, int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    return max(1, cores)


def machine_memory() -> int:
    """Bytes the server may use (the container's limit where there is one); 4 GB if unknown."""
    from analytics.store.workspace import machine_memory as engine_view

    return engine_view() or 4 * GiB


@dataclass(frozen=True)
class Budget:
    """How the machine is shared between ``processes`` app processes.

    ``share = memory / processes`` is what one process may use. One session's engine may use
    ``session_limit = min(memory / 4, max(SESSION_FLOOR, share / 2))``: half its process's
    share (a process serves several tabs; half leaves room for the rest and for Python), never
    less than the floor a large workspace needs, never more than a quarter of the machine
    (today's limit of a single process, so N = 1 and N = 2 keep it). Engine threads per session:
    ``max(1, min(2, cores // processes))``. ``fits`` is False when a share is under
    :data:`LARGE_SESSION_PEAK` (a process could not hold one 1M-deal workspace).
    """

    processes: int
    memory: int
    cores: int
    share: int
    session_limit: int
    threads: int

    @property
    def fits(self) -> bool:
        return self.share >= LARGE_SESSION_PEAK

    def env(self) -> dict[str, str]:
        """The variables the app reads (analytics/store/workspace.py)."""
        return {"BENCH_DUCKDB_MEMORY_LIMIT": f"{self.session_limit // MiB}MiB",
                "BENCH_DUCKDB_THREADS": str(self.threads)}

    def describe(self) -> str:
        lines = [f"Budget: {self.memory / GiB:.1f} GB of memory and {self.cores} core(s) for "
                 f"{self.processes} process(es): {self.share / GiB:.1f} GB each; each session's "
                 f"engine at most {self.session_limit / GiB:.2f} GB and {self.threads} thread(s)."]
        if not self.fits:
            lines.append(f"WARNING: {self.share / GiB:.1f} GB per process is less than the "
                         f"{LARGE_SESSION_PEAK / GiB:.0f} GB one process needs to hold a large "
                         "organisation's workspace (1M deals): such a session may run out of memory. "
                         "Start fewer processes or give the machine more memory.")
        return "\n".join(lines)


def budget(processes: int, memory: int | None = None, cores: int | None = None) -> Budget:
    """The budget of ``processes`` processes on this machine (or on ``memory`` bytes and ``cores``).

    >>> b = budget(4, memory=16 * GiB, cores=2)
    >>> b.share // GiB, b.session_limit // GiB, b.threads, b.fits
    (4, 2, 1, True)
    >>> budget(1, memory=16 * GiB, cores=2).session_limit // GiB   # as a single process today
    4
    >>> b = budget(8, memory=8 * GiB, cores=2)
    >>> b.session_limit // GiB, b.threads, b.fits                  # the floor; a warning
    (1, 1, False)
    """
    if processes < 1:
        raise ValueError("at least one process")
    memory = machine_memory() if memory is None else memory
    cores = machine_cores() if cores is None else cores
    share = memory // processes
    session_limit = min(memory // 4, max(SESSION_FLOOR, share // 2))
    session_limit = max(session_limit, min(SESSION_FLOOR, memory))  # a tiny machine: the floor
    threads = max(1, min(MAX_THREADS, cores // processes))
    return Budget(processes, memory, cores, share, session_limit, threads)


def max_body_bytes(config: Path = STREAMLIT_CONFIG) -> int:
    """The largest request body the balancer lets through: the app's ``server.maxUploadSize``
    (MB) plus the 1 MB Streamlit allows beyond it for a multipart upload's envelope.

    >>> max_body_bytes() == (200 + 1) * 1024 * 1024
    True
    """
    try:
        mb = tomllib.loads(config.read_text())["server"]["maxUploadSize"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        mb = 200  # Streamlit's default
    return (int(mb) + 1) * MiB


def render_config(*, port: int, stats_port: int, servers: Sequence[tuple[str, int]], bind: str = "127.0.0.1",
                  cookie: str = COOKIE, max_body: int | None = None, template: Path = TEMPLATE) -> str:
    """``deploy/haproxy.cfg`` with its @NAME@ placeholders filled (``servers``: name, port)."""
    app = "\n".join(f"    server {name} 127.0.0.1:{p} check cookie {name}" for name, p in servers)
    values = {"PORT": str(port), "BIND": bind, "STATS_PORT": str(stats_port), "COOKIE": cookie,
              "MAX_BODY": str(max_body_bytes() if max_body is None else max_body),
              "SERVERS": app}
    text = template.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


def _stop_group(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM to the process's group (it and its children), then SIGKILL after ``timeout``."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass
class Node:
    """One app process: its name (the balancer's server and cookie value), port, process, log."""

    name: str
    port: int
    log_path: Path
    proc: subprocess.Popen | None = None
    restarts: int = 0
    #: set by :meth:`Cluster.kill` and by stopping: not restarted before this monotonic time
    hold_until: float = 0.0

    @property
    def pid(self) -> int | None:
        return None if self.proc is None else self.proc.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    """N app processes behind HAProxy; a context manager (see the module docstring)."""

    n: int = 2
    port: int = 0
    bind: str = "127.0.0.1"
    env: dict[str, str] | None = None
    extra_args: Sequence[str] = ()
    restart: bool = True
    backoff: float = RESTART_BACKOFF_S
    command: Callable[[Node], list[str]] | None = None
    cookie: str = COOKIE
    quiet: bool = True
    nodes: list[Node] = field(default_factory=list, init=False)
    budget: Budget | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
        self._secret = secrets.token_hex(32)
        self._lb: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._monitor: threading.Thread | None = None
        self.stats_port = 0

    # ----- starting -----
    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind in ("0.0.0.0", "") else self.bind
        return f"http://{host}:{self.port}"

    @property
    def lb_pid(self) -> int | None:
        return None if self._lb is None else self._lb.pid

    def _node_command(self, node: Node) -> list[str]:
        if self.command is not None:
            return self.command(node)
        return [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                "--server.port", str(node.port), "--server.address", "127.0.0.1",
                "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
                *self.extra_args]

    def _node_env(self, node: Node) -> dict[str, str]:
        env = {**os.environ, **(self.budget.env() if self.budget else {})}
        given = self.env or {}
        for key in ("BENCH_DUCKDB_MEMORY_LIMIT", "BENCH_DUCKDB_THREADS"):  # the deployment's own wins
            if key in os.environ:
                env[key] = os.environ[key]
        env.update(given)
        env.update({"BENCH_NODE": node.name, "BENCH_NODE_COOKIE": self.cookie + WS_COOKIE_SUFFIX,
                    "STREAMLIT_SERVER_COOKIE_SECRET": self._secret})
        return env

    def _spawn(self, node: Node) -> None:
        log = open(node.log_path, "ab")  # noqa: SIM115 - the child holds it; closed below
        try:
            node.proc = subprocess.Popen(self._node_command(node), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=self._node_env(node), start_new_session=True)
        finally:
            log.close()

    def start(self) -> None:
        if not Path(HAPROXY).exists():
            raise RuntimeError(f"HAProxy not found at {HAPROXY}: `make serve` installs Debian's haproxy")
        self.budget = budget(self.n)
        self.port = self.port or free_port()
        self.stats_port = free_port()
        self.nodes = [Node(f"app{k}", free_port(), self._dir / f"app{k}.log") for k in range(1, self.n + 1)]
        for node in self.nodes:
            self._spawn(node)
        cfg = self._dir / "haproxy.cfg"
        cfg.write_text(render_config(port=self.port, stats_port=self.stats_port, bind=self.bind, cookie=self.cookie,
                                     servers=[(n.name, n.port) for n in self.nodes]))
        lb_log = open(self._dir / "haproxy.log", "ab")  # noqa: SIM115
        try:
            self._lb = subprocess.Popen([HAPROXY, "-f", str(cfg), "-db"], stdout=lb_log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        finally:
            lb_log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        for node in self.nodes:
            while not _healthy(f"{node.url}/_stcore/health"):
                if node.proc.poll() is not None:
                    raise RuntimeError(f"{node.name} exited during start-up:\n{self.log(node.name)[-3000:]}")
                if self._lb.poll() is not None:
                    raise RuntimeError(f"HAProxy exited during start-up:\n{self.lb_log()[-3000:]}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{node.name} did not become healthy:\n{self.log(node.name)[-3000:]}")
                time.sleep(0.2)
        self.wait_status(None, "UP", timeout=max(5.0, deadline - time.monotonic()))
        self._monitor = threading.Thread(target=self._watch, name="bench-cluster-monitor", daemon=True)
        self._monitor.start()

    # ----- while running -----
    def _watch(self) -> None:
        """Restart a process that exited on its own, after the backoff."""
        exited_at: dict[str, float] = {}
        while not self._stopping.wait(0.2):
            for node in self.nodes:
                with self._lock:
                    if self._stopping.is_set() or node.proc is None or node.proc.poll() is None:
                        exited_at.pop(node.name, None)
                        continue
                    now = time.monotonic()
                    first = exited_at.setdefault(node.name, now)
                    if not self.restart or now < max(first + self.backoff, node.hold_until):
                        continue
                    self._say(f"{node.name} exited ({node.proc.returncode}); starting it again")
                    node.restarts += 1
                    exited_at.pop(node.name, None)
                    self._spawn(node)

    def _say(self, text: str) -> None:
        if not self.quiet:
            print(text, flush=True)
        with open(self._dir / "supervisor.log", "a") as f:
            f.write(f"{time.strftime('%H:%M:%S')} {text}\n")

    def node(self, name: str) -> Node:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)

    def kill(self, name: str, sig: int = signal.SIGKILL, hold: float = 0.0) -> None:
        """Send ``sig`` to the process ``name`` and its children (as a crash would); it is restarted
        after the backoff, or ``hold`` seconds, whichever is later (when restarting is on)."""
        with self._lock:
            node = self.node(name)
            node.hold_until = time.monotonic() + hold
            os.killpg(node.proc.pid, sig)
            node.proc.wait(timeout=10)

    def stats(self) -> list[dict[str, str]]:
        """HAProxy's statistics CSV (one dict per proxy and server)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.stats_port}/;csv", timeout=5) as r:
            text = r.read().decode()
        return list(csv.DictReader(io.StringIO(text.lstrip("# "))))

    def status(self) -> dict[str, str]:
        """Each process's state as the balancer sees it: 'UP', 'DOWN', or a transition ('UP 1/2')."""
        return {row["svname"]: row["status"] for row in self.stats()
                if row["pxname"] == "app" and row["svname"] not in ("FRONTEND", "BACKEND")}

    def wait_status(self, name: str | None, state: str, timeout: float = 30.0) -> float:
        """Seconds until the balancer reports ``name`` (every process when None) as ``state``."""
        t0 = time.monotonic()
        while True:
            try:
                seen = self.status()
            except OSError:
                seen = {}
            names = [n.name for n in self.nodes] if name is None else [name]
            if seen and all(seen.get(n) == state for n in names):
                return time.monotonic() - t0
            if time.monotonic() - t0 > timeout:
                raise TimeoutError(f"{names} not {state} after {timeout:.0f} s: {seen}")
            time.sleep(0.1)

    def log(self, name: str) -> str:
        path = self.node(name).log_path
        return path.read_text(errors="replace") if path.exists() else ""

    def lb_log(self) -> str:
        path = self._dir / "haproxy.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # ----- stopping -----
    def stop(self) -> None:
        """Stop the balancer, then every process (their groups); idempotent."""
        self._stopping.set()
        if self._monitor is not None and self._monitor is not threading.current_thread():
            self._monitor.join(timeout=5)
        with self._lock:
            if self._lb is not None:
                _stop_group(self._lb, timeout=5)
            for node in self.nodes:
                if node.proc is not None:
                    _stop_group(node.proc)
        shutil.rmtree(self._dir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", "-n", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="the balancer's port (default 8501)")
    parser.add_argument("--bind", default="127.0.0.1",
                        help="the balancer's interface (default 127.0.0.1; 0.0.0.0 to serve other machines)")
    args, extra = parser.parse_known_args(argv)

    def on_stop(signum, frame):  # leave the with-block, which stops everything
        raise KeyboardInterrupt

    # Ctrl-C, SIGTERM, a closed terminal; SIGINT set explicitly, as a shell starting the command in
    # the background (`make serve &`) hands it down ignored
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_stop)
    cluster = Cluster(n=args.processes, port=args.port, bind=args.bind, extra_args=extra, quiet=False)
    print(f"Starting {args.processes} app process(es) behind HAProxy ({HAPROXY})...", flush=True)
    try:
        with cluster as c:
            print(c.budget.describe())
            for node in c.nodes:
                print(f"  {node.name}: 127.0.0.1:{node.port} (pid {node.pid})")
            print(f"  balancer: pid {c.lb_pid}; statistics on http://127.0.0.1:{c.stats_port}/")
            if args.bind != "127.0.0.1":
                print(f"  listening on {args.bind}:{c.port} over plain HTTP: put TLS in front (docs/DEPLOY.md)")
            print(f"\nBench Strength is ready: {c.url}  (Ctrl-C stops it)", flush=True)
            while c._lb.poll() is None:
                time.sleep(0.5)
            print(f"HAProxy exited:\n{c.lb_log()[-2000:]}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("\nStopped: the balancer and every app process.")
        return 0
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
