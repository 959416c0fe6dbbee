"""`make loadtest`'s arithmetic and tables, apart from the browsers (benchmarks/loadtest.py).

Nothing here starts a process or a browser: what to run (an address, or 1 and N processes),
percentiles, the summary of one configuration, the side-by-side table of several, what the
kill during load did to whom, the gain per added core, and the marked section of
benchmarks/RESULTS.md that ``--write-results`` replaces. The unit tests
(tests/unit/test_loadtest_report.py) drive these on canned inputs.
"""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

#: an app process may keep this much more after the sessions than before them (MB)
MEMORY_GATE_MB = 100
BEGIN = "<!-- loadtest:begin -->"
END = "<!-- loadtest:end -->"
NOT_MEASURED = "not measured"


# ----------------------------------------------------------------------------- what to run
def default_processes(cores: int | None = None) -> list[int]:
    """``1 N``: one plain process, then N = the cores of the machine, at least 2."""
    return [1, max(2, cores if cores is not None else (os.cpu_count() or 2))]


def parse_processes(text: str | None, cores: int | None = None) -> list[int]:
    """``"1 2"`` or ``"1,4"`` → [1, 2] / [1, 4]; ``N`` stands for the cores (at least 2);
    empty or None → :func:`default_processes`. Each count once, in the order given.

    >>> parse_processes("1 N", cores=4), parse_processes("2,1", cores=2), parse_processes(None, cores=1)
    ([1, 4], [2, 1], [1, 2])
    """
    n = default_processes(cores)[1]
    if text is None or not text.strip():
        return default_processes(cores)
    out: list[int] = []
    for word in text.replace(",", " ").split():
        if word.upper() == "N":
            k = n
        else:
            try:
                k = int(word)
            except ValueError:
                raise ValueError(f"PROCESSES: {word!r} is not a number of processes (e.g. \"1 2\" or \"1 N\")") from None
            if k < 1:
                raise ValueError(f"PROCESSES: {k} processes cannot serve anyone (at least 1)")
        if k not in out:
            out.append(k)
    return out


@dataclass(frozen=True)
class Config:
    """One configuration to measure: an address given from outside, or N processes started here
    (1: a plain ``streamlit run``; more: a cluster behind HAProxy)."""
    kind: str  # "url" | "local"
    processes: int = 0
    url: str | None = None
    pids: tuple[int, ...] = ()
    kill_after: float | None = None

    @property
    def label(self) -> str:
        if self.kind == "url":
            return f"{self.url} (given)"
        return "1 process" if self.processes == 1 else f"{self.processes} processes + HAProxy"


def plan(url: str | None, processes: str | None, pids: Iterable[int] = (), kill_after: float | None = None,
         cores: int | None = None, duration: float | None = None, no_kill: bool = False) -> list[Config]:
    """The configurations of one run, in order. With ``url`` only that address (the harness then
    only drives browsers; ``pids`` are processes whose memory and CPU it may watch, and a kill
    needs processes it started, so ``kill_after`` is refused). Without, each of ``processes``;
    the kill runs in the configurations of more than one process (not in a single one: killing
    the only process is no test of a cluster), after ``kill_after`` s or, when not given, two
    thirds of ``duration``; ``no_kill`` leaves it out.
    """
    if no_kill:
        kill_after = None
    elif kill_after is None and duration and not url:
        kill_after = round(duration * 2 / 3)
    if url:
        if processes and processes.strip():
            raise ValueError("give either URL (a server or balancer already running) or PROCESSES (started here), not both")
        if kill_after is not None:
            raise ValueError("--kill-after needs a cluster the harness started (no URL): it kills one of its processes")
        url = url.rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"URL must start with http:// or https:// (got {url!r})")
        return [Config("url", url=url, pids=tuple(pids))]
    if tuple(pids):
        raise ValueError("--pids only goes with URL: without it the harness watches the processes it starts")
    counts = parse_processes(processes, cores)
    return [Config("local", processes=k, kill_after=kill_after if k > 1 else None) for k in counts]


def lb_states_from_csv(text: str, backend: str = "app") -> dict[str, str]:
    """HAProxy's ``;csv`` stats → {server: status} for the servers of ``backend``."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return {}
    header = lines[0].lstrip("# ").split(",")
    ix = {k: i for i, k in enumerate(header)}
    out = {}
    for line in lines[1:]:
        cells = line.split(",")
        if len(cells) <= max(ix["pxname"], ix["svname"], ix["status"]):
            continue
        if cells[ix["pxname"]] == backend and cells[ix["svname"]] not in ("FRONTEND", "BACKEND"):
            out[cells[ix["svname"]]] = cells[ix["status"]]
    return out


# ----------------------------------------------------------------------------- numbers
def pct(values: Iterable[float], q: float) -> float:
    """The q-th percentile, linear between ranks (NaN when there is nothing).

    >>> pct([1, 2, 3, 4], 50), pct([], 95) != pct([], 95)
    (2.5, True)
    """
    values = list(values)
    if not values:
        return float("nan")
    return float(np.percentile(values, q, method="linear"))


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.mean(values) if values else float("nan")


def secs(x: float | None, digits: int = 2) -> str:
    """Seconds for the table; a missing value is said, never printed as 0."""
    return NOT_MEASURED if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f} s"


def mb(x: float | None) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.0f}"


@dataclass
class Visit:
    """One page run seen by a session: when it ended (harness clock, s), the page, how long, whose."""
    t: float
    title: str
    s: float
    who: str = ""


def steady_throughput(visits: list[Visit], spans: dict[str, tuple[float, float]]) -> float:
    """Pages per second with every session in its steady state: the sum over sessions of the
    pages each finished within its own span (from the end of its first upload to the end of its
    run or the kill) over that span. Opening the app and uploading, which take tens of seconds on
    a loaded machine, are not page visits and would otherwise weigh on a shorter window more.
    No session in a steady state (every upload ended after the kill) is NaN, not 0.

    >>> v = [Visit(1, "A", 1, "s1"), Visit(3, "A", 1, "s1"), Visit(5, "A", 1, "s2"), Visit(9, "A", 1, "s2")]
    >>> steady_throughput(v, {"s1": (0, 4), "s2": (4, 8)})   # 2/4 + 1/4 (s2's page at 9 is after its span)
    0.75
    """
    total, seen = 0.0, False
    for who, (t0, t1) in spans.items():
        if t1 > t0:
            seen = True
            total += sum(1 for v in visits if v.who == who and t0 < v.t <= t1) / (t1 - t0)
    return total if seen else float("nan")


@dataclass
class SessionOutcome:
    """What one session went through, as the kill report needs it (canned in the tests)."""
    name: str
    node_start: str | None = None  # the node its sticky cookie named after opening the app
    node_end: str | None = None  # ... at the end
    failure: str | None = None
    moved: bool = False  # its node was killed; it reconnected (to another node) and carried on
    saw_message: bool = False  # the app told it that it landed on another node
    recovered_s: float | None = None  # from the kill until it had its data again
    data_kept: bool | None = None  # at the end its workspace was still its upload (None: not checked)
    visits_after_kill: int = 0
    message_after_s: float | None = None  # from the kill until the app's message was on its page


def kill_report(outcomes: list[SessionOutcome], killed: str, killed_at: float | None,
                lb_down_at: float | None, probes: list[tuple[float, str | None]] | None = None,
                t_start: float = 0.0) -> dict:
    """What the kill of ``killed`` (at ``killed_at`` on the harness clock) did.

    * on the killed node (by the sticky cookie after opening): *moved* (reconnected elsewhere and
      carried on; not a failure of the cluster), *lost* (failed anyway), and how many saw the
      app's message;
    * elsewhere: failures (the gate: must be 0) and whether they kept their data;
    * the balancer: seconds from the kill until its stats called the node down, and the last
      new-session probe (a request without cookie: ``(t, node or None on an error)``) still sent
      to the dead node or failing after the kill.
    """
    mine = [o for o in outcomes if o.node_start == killed]
    others = [o for o in outcomes if o.node_start != killed]
    moved = [o for o in mine if o.moved and not o.failure]
    lost = [o for o in mine if o.failure]
    recovered = [o.recovered_s for o in moved if o.recovered_s is not None]
    bad_probes = [t for t, node in (probes or []) if killed_at is not None and t >= killed_at
                  and (node is None or node == killed)]
    after = [t for t, _ in (probes or []) if killed_at is not None and t >= killed_at]
    return {
        "killed": killed,
        "at_s": (killed_at - t_start) if killed_at is not None else float("nan"),
        "sessions_on_killed": len(mine),
        "moved": len(moved),
        "lost": len(lost),
        "lost_reasons": {o.name: o.failure for o in lost},
        "saw_message": sum(o.saw_message for o in mine),
        "message_after_s_max": max((o.message_after_s for o in mine if o.message_after_s is not None),
                                   default=float("nan")),
        "recovered_s_p50": pct(recovered, 50),
        "recovered_s_max": max(recovered, default=float("nan")),
        "sessions_elsewhere": len(others),
        "failed_elsewhere": sum(1 for o in others if o.failure),
        "failed_elsewhere_reasons": {o.name: o.failure for o in others if o.failure},
        "elsewhere_kept_data": sum(1 for o in others if o.data_kept),
        "elsewhere_checked": sum(1 for o in others if o.data_kept is not None),
        "lb_down_after_s": (lb_down_at - killed_at) if lb_down_at is not None and killed_at is not None else None,
        "probes_after_kill": len(after),
        "probes_to_dead_or_failed": len(bad_probes),
        "last_bad_probe_after_s": (max(bad_probes) - killed_at) if bad_probes else None,
    }


def summarise_config(label: str, *, sessions: int, duration: float, elapsed: float,
                     visits: list[Visit], opens: list[float], uploads: list[float],
                     failures: dict[str, str], window: tuple[float, float],
                     memory: dict[str, dict[str, float | None]] | None,
                     cpu: dict[str, float], kill: dict | None = None,
                     spans: dict[str, tuple[float, float]] | None = None) -> dict:
    """One configuration's numbers. ``window`` (harness clock) bounds the visits counted for the
    page times and throughput: the whole run, or up to the kill when there is one (the pages
    after it are counted apart, as ``after_kill``). ``memory``: per process ``before``, ``peak``,
    ``after`` MB (None: not measured). ``cpu``: mean % of one core for ``server``, ``balancer``,
    ``browsers`` and ``machine`` (% of all cores). ``spans``: each session's steady state (see
    :func:`steady_throughput`); without, throughput is the window's pages over its length."""
    t0, t1 = window
    inside = [v for v in visits if t0 <= v.t <= t1]
    outside = [v for v in visits if v.t > t1]
    per_page: dict[str, list[float]] = {}
    for v in inside:
        per_page.setdefault(v.title, []).append(v.s)
    times = [v.s for v in inside]
    span = max(t1 - t0, 1e-9)
    growth = {}
    if memory:
        for name, m in memory.items():
            if m.get("before") is not None and m.get("after") is not None:
                growth[name] = m["after"] - m["before"]
    gates = {"no_failed_sessions": not failures,
             "memory_returned": all(g <= MEMORY_GATE_MB for g in growth.values()) if growth else None}
    if kill is not None:
        gates["kill_spared_the_others"] = kill["failed_elsewhere"] == 0
    return {
        "label": label, "sessions": sessions, "duration_s": duration, "elapsed_s": round(elapsed, 1),
        "window_s": round(span, 1),
        "pages_visited": len(visits), "pages_in_window": len(inside),
        "pages_per_s": steady_throughput(visits, spans) if spans else len(inside) / span,
        "page_run_s": {"p50": pct(times, 50), "p95": pct(times, 95), "max": max(times, default=float("nan"))},
        "per_page_p95_s": {t: pct(ts, 95) for t, ts in per_page.items()},
        "after_kill_page_run_s": {"n": len(outside), "p50": pct([v.s for v in outside], 50),
                                  "p95": pct([v.s for v in outside], 95)},
        "open_s": {"p50": pct(opens, 50), "p95": pct(opens, 95)},
        "upload_load_s": {"p50": pct(uploads, 50), "p95": pct(uploads, 95)},
        "failed_sessions": len(failures), "failures": dict(failures),
        "memory_mb": memory, "memory_growth_mb": growth,
        "cpu_mean_pct": cpu, "kill": kill, "gates": gates,
    }


def per_core(one: dict, many: dict) -> dict:
    """The gain of N processes over one, and what one more core would give, from measured numbers.

    Throughput is pages per second of the closed-loop sessions (each waits for its page before
    the next click), each past its first upload and before any kill (:func:`steady_throughput`). *Server-core* is the server processes' mean
    CPU in cores (100 % of one core = 1). The assumption for "per added core": the page mix is
    CPU-bound in the app processes, so an added core given wholly to one more app process serves
    what a server-core served in the N-process run (pages/s per server-core), with nothing
    else shared getting in the way (the balancer's CPU is counted apart and is small).
    """
    def cores(s):
        return s["cpu_mean_pct"].get("server", float("nan")) / 100

    t1, tn = one["pages_per_s"], many["pages_per_s"]
    c1, cn = cores(one), cores(many)
    per_server_core_n = tn / cn if cn and not math.isnan(cn) and cn > 0 else float("nan")
    per_server_core_1 = t1 / c1 if c1 and not math.isnan(c1) and c1 > 0 else float("nan")
    return {
        "throughput_gain": tn / t1 if t1 else float("nan"),
        "p95_ratio": many["page_run_s"]["p95"] / one["page_run_s"]["p95"] if one["page_run_s"]["p95"] else float("nan"),
        "server_cores_1": c1, "server_cores_n": cn,
        "pages_per_server_core_1": per_server_core_1, "pages_per_server_core_n": per_server_core_n,
        "per_added_core_pages_s": per_server_core_n,
        "per_added_core_pct": (per_server_core_n / t1 * 100) if t1 else float("nan"),
    }


# ----------------------------------------------------------------------------- the table
def _cell(v) -> str:
    return "—" if v is None else str(v)


def side_by_side(summaries: list[dict]) -> str:
    """One markdown table, a column per configuration."""
    def row(name: str, fn) -> str:
        return "| " + name + " | " + " | ".join(_cell(fn(s)) for s in summaries) + " |"

    def pp(d, digits=2):
        return f"{secs(d['p50'], digits)} / {secs(d['p95'], digits)}"

    lines = ["| measure | " + " | ".join(s["label"] for s in summaries) + " |",
             "| --- |" + " --- |" * len(summaries),
             row("sessions × duration", lambda s: f"{s['sessions']} × {s['duration_s']:.0f} s"),
             row("pages visited (in the window)", lambda s: f"{s['pages_visited']:,} ({s['pages_in_window']:,} in "
                                                            f"{s['window_s']:.0f} s)"),
             row("throughput, pages/s (all sessions past their upload)", lambda s: NOT_MEASURED + " (no session past "
                 "its upload before the kill)" if math.isnan(s["pages_per_s"]) else f"{s['pages_per_s']:.2f}"),
             row("page run time p50 / p95", lambda s: pp(s["page_run_s"])),
             row("page run time max", lambda s: secs(s["page_run_s"]["max"]))]
    titles = sorted({t for s in summaries for t in s["per_page_p95_s"]},
                    key=lambda t: -max(s["per_page_p95_s"].get(t, 0) or 0 for s in summaries))
    for t in titles:
        lines.append(row(f"&nbsp;&nbsp;{t} p95", lambda s, t=t: secs(s["per_page_p95_s"][t])
                         if t in s["per_page_p95_s"] else "not visited"))
    lines += [row("opening the app p50 / p95", lambda s: pp(s["open_s"])),
              row("upload + load p50", lambda s: secs(s["upload_load_s"]["p50"])),
              row("failed sessions", lambda s: str(s["failed_sessions"]) + (
                  " (" + "; ".join(f"{k}: {v}" for k, v in s["failures"].items())[:300] + ")" if s["failures"] else ""))]
    procs = sorted({p for s in summaries for p in (s["memory_mb"] or {})})
    for p in procs:
        def mem(s, p=p):
            m = (s["memory_mb"] or {}).get(p)
            if m is None:
                return NOT_MEASURED if not s["memory_mb"] else "—"
            return f"{mb(m.get('before'))} / {mb(m.get('peak'))} / {mb(m.get('after')) if m.get('after') is not None else 'killed' if m.get('killed') else '—'}"
        lines.append(row(f"memory MB {p} (before / peak / after)", mem))
    if not procs:
        lines.append(row("memory per process", lambda s: NOT_MEASURED + " (no processes known: give --pids)"))

    def cpu(s, k):
        v = s["cpu_mean_pct"].get(k)
        return NOT_MEASURED if v is None or math.isnan(v) else f"{v:.0f} %"
    lines += [row("load average (1 min) at the end", lambda s: _cell(s.get("load_average_end"))),
              row("CPU: app processes (% of one core)", lambda s: cpu(s, "server")),
              row("CPU: balancer", lambda s: cpu(s, "balancer")),
              row("CPU: harness's browsers", lambda s: cpu(s, "browsers")),
              row("CPU: whole machine (% of all cores)", lambda s: cpu(s, "machine"))]
    if any(s["kill"] for s in summaries):
        def k(s, fn):
            return fn(s["kill"]) if s["kill"] else "—"
        lines += [
            row("kill: node killed at", lambda s: k(s, lambda x: f"{x['killed']} at {x['at_s']:.0f} s")),
            row("kill: its sessions moved / lost", lambda s: k(s, lambda x: f"{x['moved']} / {x['lost']} of "
                                                                           f"{x['sessions_on_killed']}")),
            row("kill: its sessions shown the message (latest after)", lambda s: k(
                s, lambda x: f"{x['saw_message']} of {x['sessions_on_killed']} ({secs(x['message_after_s_max'], 1)})")),
            row("kill: back with their data p50 / max", lambda s: k(s, lambda x: f"{secs(x['recovered_s_p50'], 1)} / "
                                                                                f"{secs(x['recovered_s_max'], 1)}")),
            row("kill: other sessions failed / kept data", lambda s: k(s, lambda x: f"{x['failed_elsewhere']} of "
                                                                                   f"{x['sessions_elsewhere']} / "
                                                                                   f"{x['elsewhere_kept_data']} of "
                                                                                   f"{x['elsewhere_checked']} checked")),
            row("kill: balancer marked it down after", lambda s: k(s, lambda x: secs(x["lb_down_after_s"], 1))),
            row("kill: new-session probes to it or failed", lambda s: k(s, lambda x: f"{x['probes_to_dead_or_failed']} of "
                                                                                     f"{x['probes_after_kill']}" + (
                f" (last {x['last_bad_probe_after_s']:.1f} s after)" if x["last_bad_probe_after_s"] is not None else ""))),
            row("page run time after the kill p50 / p95", lambda s: k(s, lambda x: pp(s["after_kill_page_run_s"]) +
                                                                      f" ({s['after_kill_page_run_s']['n']} pages)")),
        ]

    def gate(s):
        out = []
        for name, v in s["gates"].items():
            out.append(f"{name.replace('_', ' ')}: {'PASS' if v else NOT_MEASURED if v is None else 'FAIL'}")
        return "; ".join(out)
    lines.append(row("gates", gate))
    return "\n".join(lines)


def gain_text(one: dict, many: dict, cores: int) -> str:
    g = per_core(one, many)
    return (f"**Gain of {many['label']} over {one['label']}:** throughput ×{g['throughput_gain']:.2f} "
            f"({one['pages_per_s']:.2f} → {many['pages_per_s']:.2f} pages/s), page p95 ×{g['p95_ratio']:.2f}. "
            f"The app processes used {g['server_cores_1']:.2f} → {g['server_cores_n']:.2f} cores of {cores}; "
            f"the rest went to the harness's browsers and the machine's other work, so on {cores} cores the gain is "
            f"bounded by the cores the servers can get, not by the number of processes. "
            f"Per server-core: {g['pages_per_server_core_1']:.2f} pages/s (1 process) and "
            f"{g['pages_per_server_core_n']:.2f} (N). **Per added core** (assuming the page mix stays CPU-bound in "
            f"the app processes and an added core serves what a server-core served here, the browsers elsewhere): "
            f"about +{g['per_added_core_pages_s']:.2f} pages/s, +{g['per_added_core_pct']:.0f} % of one process's "
            f"throughput.")


def replace_section(text: str, body: str, begin: str = BEGIN, end: str = END) -> str:
    """``text`` with what lies between the markers replaced by ``body``; when the markers are
    missing, the section is appended at the end (so the first run adds it). Markers out of order
    or doubled are refused rather than guessed.
    """
    nb, ne = text.count(begin), text.count(end)
    block = f"{begin}\n{body.strip()}\n{end}"
    if nb == ne == 0:
        return text.rstrip("\n") + "\n\n" + block + "\n"
    if nb != 1 or ne != 1 or text.index(begin) > text.index(end):
        raise ValueError(f"RESULTS.md: expected one {begin} before one {end}")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return head + block + tail


def machine() -> str:
    """The machine line of the section: cores, CPU, memory, system, and the versions that serve."""
    import platform
    import subprocess
    from importlib.metadata import version

    import psutil

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        haproxy = subprocess.run(["haproxy", "-v"], capture_output=True, text=True, timeout=5).stdout.split()[2]
    except (OSError, IndexError, subprocess.SubprocessError):
        haproxy = NOT_MEASURED
    return (f"{os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / 1024**3:.0f} GB RAM, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"Streamlit {version('streamlit')}, HAProxy {haproxy}, Chromium (Debian's); load average at start "
            f"{os.getloadavg()[0]:.1f}")


@dataclass
class Section:
    """What ``--write-results`` writes between the markers."""
    date: str
    machine: str
    command: str
    table: str
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        notes = "\n".join(f"- {n}" for n in self.notes)
        return (f"## Load test (`make loadtest`, {self.date})\n\n"
                f"Written by `{self.command}` (`--write-results`); every number below is from that one run.\n\n"
                f"**Machine:** {self.machine}\n\n{self.table}\n" + (f"\n{notes}\n" if notes else ""))
