"""`make bench`: the large-organisation benchmark, printed as one table of medians.

The data: :mod:`benchmarks.largeorg` writes a generated organisation (2,000 reps under 200
managers, 8 quarters, 1,000,000 opportunities in a Salesforce report shape with US dates and
currency strings, 5,000,000 activities, 400,000 review rows, 100,000 coaching sessions, 50,000
development actions, 20,000 survey responses) at 1%, 10% and 100% into ``benchmarks/out``
(git-ignored; made on the first run, ~15 s at full scale).

What each row measures (medians of ``--repeats`` runs; every import run in a fresh process):

* **import: app** - the app's whole import path for the folder (``import_directory``: read,
  recognise, parse, validate, load into a session's sandboxed DuckDB), beside, in the same run,
  **bare DuckDB** (``CREATE TABLE ... AS SELECT * FROM read_csv(file)`` per file, all cores)
  and **pandas** (``pandas.read_csv(file)`` per file): the practical limit, and what an analyst
  would otherwise use. Peak RSS is the import process's own high-water mark (``VmHWM``).
* **analytics** - every computation each page shows (:mod:`benchmarks.analytics` lists them by
  reading the views), called directly without the session memo, with the default filters and
  after one filter change (the region with the most reps): what a user waits for on the page;
  and each page's whole pass after a change of dates (the last full quarter), whose building
  blocks the page's first visit did not make (:func:`benchmarks.analytics.changed_totals`).
  Peak RSS in a fresh process opening the saved workspace and computing every page twice.
* **session holding the demo** - RSS increase of a process that imports the demo and computes
  the Overview and Managers metrics.
* **browser** (:mod:`benchmarks.browser`) - a real ``streamlit run`` server and Chromium: from
  choosing people, quotas and the 1,000,000-row opportunities export on the Data page to the
  validation report shown, and a region picked in the sidebar on the Managers page until the
  page finished running.
* **growth** - the exponent k fitted to time ~ rows^k over the three scales (1 = linear in the
  data; below 1 where fixed costs, such as the roster, which does not grow, weigh at 1%).

* **read coaching notes** (:mod:`benchmarks.notes`) - the text reader on 100,000 notes of the
  import mix (terse notes, CRM descriptions, summaries, transcripts of 20-60 turns), in this
  process: seconds (in the 100% column) and notes per second.

* **demo** - the column of the demo workspace: a session holding it, its import, and the
  workshop steps a consultant waits for (anonymise, presenter findings, handouts, report).

Targets (from the performance issue) are judged on the 100% column and printed beside it.
A full run takes 8 to 10 minutes on 2 cores (first visits at 100% run once unless
``--full-analytics-repeats`` says otherwise; the measures after a filter change run
``--repeats`` times at every scale);
``python -m benchmarks.run --quick`` runs 1% and 10% only, without the browser.
Speed is never asserted in tests; this prints. Results: ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.peak import own_peak_rss_mb

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
SCALES = {0.01: "1pct", 0.1: "10pct", 1.0: "100pct"}
#: The demo's column in the table (not a scale of the large organisation).
DEMO = 0.0
DEMO_DIR = ROOT / "data" / "demo"
MB = 1024 * 1024


# ----------------------------------------------------------------------------- workers
def _worker(kind: str, folder: Path) -> dict:
    """One import of ``folder`` by ``kind``, timed in this (fresh) process."""
    files = sorted(folder.glob("*.csv"))
    if kind == "app":
        from analytics.ingest.pipeline import import_directory
        from analytics.store.workspace import Workspace

        ws = Workspace()
        t0 = time.perf_counter()
        reports = import_directory(ws, folder)
        seconds = time.perf_counter() - t0
        rows = sum(r.rows_read for r in reports)
        problems = [f"{r.file}: {r.error}" for r in reports if r.error]
        problems += [f"{r.file}: {r.rows_rejected} rejected" for r in reports if r.rows_rejected]
        ws.close()
    elif kind == "duckdb":
        import duckdb

        con = duckdb.connect()
        t0 = time.perf_counter()
        for i, f in enumerate(files):
            con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv(?)", [str(f)])
        seconds = time.perf_counter() - t0
        rows = sum(con.execute(f"SELECT count(*) FROM t{i}").fetchall()[0][0] for i in range(len(files)))
        con.close()
        problems = []
    elif kind == "pandas":
        import pandas as pd

        t0 = time.perf_counter()
        frames = [pd.read_csv(f) for f in files]
        seconds = time.perf_counter() - t0
        rows = sum(len(df) for df in frames)
        problems = []
    else:
        raise ValueError(kind)
    return {"s": seconds, "peak_mb": own_peak_rss_mb(), "rows": rows, "problems": problems}


def _run_worker(kind: str, folder: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "benchmarks.run", "--worker", kind, str(folder)],
                         capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{kind} import of {folder} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- steps
def ensure_data(scales: list[float]) -> dict[float, Path]:
    from benchmarks.largeorg import generate

    folders = {}
    for scale in scales:
        folder = OUT / f"largeorg-{SCALES[scale]}"
        if not (folder / "ground_truth.json").exists():
            t0 = time.perf_counter()
            generate(folder, scale=scale, threads=2)
            print(f"generated {folder.name} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        folders[scale] = folder
    return folders


def measure_imports(folder: Path, repeats: int) -> dict:
    runs: dict[str, list[dict]] = {"app": [], "duckdb": [], "pandas": []}
    for _ in range(repeats):
        for kind in runs:  # interleaved, so a busy moment of the machine hits all three alike
            runs[kind].append(_run_worker(kind, folder))
    med = {k: statistics.median(r["s"] for r in v) for k, v in runs.items()}
    return {
        "rows": runs["app"][0]["rows"],
        "bytes": sum(f.stat().st_size for f in folder.glob("*.csv")),
        "app_s": med["app"], "duckdb_s": med["duckdb"], "pandas_s": med["pandas"],
        "app_peak_mb": statistics.median(r["peak_mb"] for r in runs["app"]),
        "duckdb_peak_mb": statistics.median(r["peak_mb"] for r in runs["duckdb"]),
        "pandas_peak_mb": statistics.median(r["peak_mb"] for r in runs["pandas"]),
        "problems": runs["app"][0]["problems"],
        "all_s": {k: [round(r["s"], 3) for r in v] for k, v in runs.items()},
    }


def measure_analytics(scale: float, repeats: int, changed_repeats: int | None = None) -> dict:
    from benchmarks import analytics as A

    tag = SCALES[scale]
    ws = A.workspace_for(tag)
    try:
        rows = A.measure(ws, repeats=repeats, changed_repeats=changed_repeats)
        # a change of dates: the quarter's building blocks are new to the session (the region's are picked)
        dates = A.changed_totals(ws, A.changed_filters(ws, "quarter"), repeats=changed_repeats or repeats)
    finally:
        ws.close()
    totals = {r.page: (r.default_s, r.changed_s) for r in rows if r.metric == A.TOTAL}
    slowest = sorted((r for r in rows if r.metric not in (A.TOTAL, A.SUM)),
                     key=lambda r: -max(r.default_s, r.changed_s or 0))
    return {"totals": totals, "dates": dates, "peak": A.analytics_peak_rss(tag),
            "slowest": [(r.page, r.metric, r.default_s, r.changed_s) for r in slowest[:8]],
            "rows": [(r.page, r.metric, r.default_s, r.changed_s) for r in rows]}


def measure_demo(repeats: int) -> dict[str, float]:
    """On the demo workspace: its import, and the workshop steps a consultant waits for."""
    from analytics.ingest.pipeline import import_directory
    from analytics.outputs.findings import insights
    from analytics.outputs.handout import handout_pdf
    from analytics.outputs.report import report_html
    from analytics.store.anonymise import AnonymiseOptions, anonymise
    from analytics.store.workspace import Workspace

    def timed(fn) -> float:
        fn()  # warm: first use of the renderers
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    def demo_import() -> None:
        fresh = Workspace()
        import_directory(fresh, DEMO_DIR)
        fresh.close()

    out = {"demo: import (9 exports)": timed(demo_import)}
    ws = Workspace()
    import_directory(ws, DEMO_DIR)
    steps = {
        "demo: anonymise (people, accounts, index)": lambda: anonymise(
            ws, AnonymiseOptions(accounts=True, amounts_as_index=True, salt="bench"))[0].close(),
        "demo: presenter findings": lambda: insights(ws),
        "demo: handouts, 15 managers (PDF)": lambda: handout_pdf(ws),
        "demo: report (HTML, offline)": lambda: report_html(ws),
    }
    out.update({label: timed(fn) for label, fn in steps.items()})
    ws.close()
    return out


# ----------------------------------------------------------------------------- table
def growth(values: dict[float, float | None], rows: dict[float, int]) -> float | None:
    """The fitted exponent k of value ~ rows^k over the scales (1: linear in the data)."""
    pts = [(math.log10(rows[s]), math.log10(v)) for s, v in values.items() if v and v > 0 and s in rows]
    x, y = zip(*pts, strict=True) if pts else ((), ())
    if len(set(x)) < 2:  # fewer than two sizes: no slope
        return None
    return float(np.polyfit(x, y, 1)[0])


def judge(value: float | None, limit: float, below: bool = True) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not measured"
    return "met" if (value < limit if below else value > limit) else "MISSED"


def build_rows(scales: list[float], imports: dict, analytics: dict, demo: dict | None,
               browser: dict, demo_steps: dict[str, float] | None = None, notes: dict | None = None) -> list[tuple]:
    """(measure, {scale: value}, unit, target text, verdict) for the table."""
    full = max(scales)
    rows: list[tuple] = []

    def add(name, values, unit, target="", verdict=""):
        rows.append((name, values, unit, target, verdict))

    def col(key):
        return {s: imports[s][key] for s in scales}

    add("rows in the exports", col("rows"), "n")
    add("import: app (read, recognise, parse, validate, load)", col("app_s"), "s")
    add("import: bare DuckDB read_csv", col("duckdb_s"), "s")
    add("import: pandas.read_csv", col("pandas_s"), "s")
    ratio_d = {s: imports[s]["app_s"] / imports[s]["duckdb_s"] for s in scales}
    ratio_p = {s: imports[s]["app_s"] / imports[s]["pandas_s"] for s in scales}
    add("import: app / DuckDB", ratio_d, "x", "<= 1.5", judge(ratio_d[full], 1.5 + 1e-9))
    add("import: app / pandas", ratio_p, "x", "< 1", judge(ratio_p[full], 1.0))
    add("import: peak RSS, app", col("app_peak_mb"), "MB", "< 2048", judge(imports[full]["app_peak_mb"], 2048))
    add("import: peak RSS, bare DuckDB", col("duckdb_peak_mb"), "MB")
    add("import: peak RSS, pandas", col("pandas_peak_mb"), "MB")
    if analytics:
        from benchmarks.analytics import MANAGER_PAGES

        pages = list(analytics[full]["totals"])
        for page in pages:
            d = {s: analytics[s]["totals"].get(page, (None, None))[0] for s in scales if s in analytics}
            c = {s: analytics[s]["totals"].get(page, (None, None))[1] for s in scales if s in analytics}
            manager = page in MANAGER_PAGES
            add(f"analytics: {page}", d, "s", "< 1" if manager else "", judge(d.get(full), 1.0) if manager else "")
            add(f"analytics: {page}, after a filter change", c, "s", "< 0.5", judge(c.get(full), 0.5))
            q = {s: analytics[s].get("dates", {}).get(page) for s in scales if s in analytics}
            if any(v is not None for v in q.values()):
                add(f"analytics: {page}, after a change of dates", q, "s", "< 0.5", judge(q.get(full), 0.5))
        # the process's own exact high-water mark (VmHWM), not the 10 ms samples, which miss spikes
        peak = {s: analytics[s]["peak"].get("analytics_peak_mb", analytics[s]["peak"].get("maxrss_process_mb"))
                for s in scales if s in analytics}
        add("analytics: peak RSS", peak, "MB", "< 2048", judge(peak.get(full), 2048))
        opened = {s: analytics[s]["peak"].get("open_peak_mb") for s in scales if s in analytics}
        if any(v is not None for v in opened.values()):
            add("open a saved workspace: peak RSS", opened, "MB")
    if demo:
        held = demo.get("held_increase_mb")
        add("session holding the demo (RSS increase)", {DEMO: held}, "MB", "< 200", judge(held, 200))
    if notes:
        add(f"Read coaching notes ({notes['notes']:,}, import mix)", {full: notes["seconds"]}, "s", "< 60",
            judge(notes["seconds"], 60))
        add("Read coaching notes: notes per second", {full: notes["notes_per_s"]}, "n")
        if "import_seconds" in notes:
            add(f"Import a coaching log of {notes['import_sessions']:,} sessions with notes (end to end)",
                {full: notes["import_seconds"]}, "s", "< 60", judge(notes["import_seconds"], 60))
    for label, seconds in (demo_steps or {}).items():
        add(label, {DEMO: seconds}, "s")
    for scale, res in browser.items():
        if not res:
            continue
        add("browser: choose files -> validation report", {scale: res.get("choose_to_report_s")}, "s")
        add("browser: Managers page, first visit", {scale: res.get("managers_first_visit_s")}, "s")
        add("browser: filter change -> page finished", {scale: res.get("filter_pick_region_s")}, "s",
            "< 0.5", judge(res.get("filter_pick_region_s"), 0.5) if scale == full else "")
        add("browser: server peak RSS, upload + import", {scale: res.get("rss_mb", {}).get("peak_upload_import")}, "MB")
    return rows


def format_rows(rows: list[tuple], scales: list[float], n_rows: dict[float, int]) -> str:
    width = max(len(r[0]) for r in rows) + 2
    if any(DEMO in r[1] for r in rows):
        scales = [*scales, DEMO]
    head = (f"{'measure':<{width}}" + "".join(f"{SCALES.get(s, 'demo'):>11}" for s in scales)
            + f"{'growth':>8}  {'target':<15}result")
    lines = [head, "-" * len(head)]
    for name, values, unit, target, verdict in rows:
        cells = ""
        for s in scales:
            v = values.get(s)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                cells += f"{'':>11}"
            elif unit == "n":
                cells += f"{int(v):>11,}"
            elif unit == "MB":
                cells += f"{v:>8,.0f} MB"
            elif unit == "x":
                cells += f"{v:>10.2f}x"
            else:
                cells += f"{v:>9.3f} s"
        g = growth(values, n_rows) if unit == "s" and len([v for v in values.values() if v]) >= 2 else None
        lines.append(f"{name:<{width}}{cells}{'' if g is None else f'{g:8.2f}':>8}  "
                     f"{(target + ' ' + ('s' if unit == 's' else unit if unit != 'x' else 'x')) if target else '':<15}"
                     f"{verdict}")
    return "\n".join(lines)


def machine() -> str:
    import duckdb
    import pandas as pd
    import psutil
    import pyarrow as pa

    cpu = platform.processor() or platform.machine()
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
        cpu = model
    except (OSError, StopIteration):
        pass
    return (f"{os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / 1024**3:.0f} GB RAM, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, duckdb {duckdb.__version__}, "
            f"pandas {pd.__version__}, pyarrow {pa.__version__}; load average at start "
            f"{os.getloadavg()[0]:.1f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--worker", nargs=2, metavar=("KIND", "FOLDER"), help=argparse.SUPPRESS)
    ap.add_argument("--scales", type=float, nargs="+", default=list(SCALES), choices=list(SCALES))
    ap.add_argument("--repeats", type=int, default=3, help="runs per import and per metric (median)")
    ap.add_argument("--full-analytics-repeats", type=int, default=1,
                    help="first-visit runs per metric at 100%% (one pass over every page takes minutes there; default 1)")
    ap.add_argument("--no-browser", action="store_true", help="leave out the browser rows")
    ap.add_argument("--no-analytics", action="store_true", help="leave out the analytics rows")
    ap.add_argument("--quick", action="store_true", help="1%% and 10%% only, no browser")
    ap.add_argument("--json", type=Path, default=OUT / "bench.json", help="where the numbers are also written")
    ap.add_argument("--table-from", type=Path, help="print the table of a saved run's JSON, measuring nothing")
    args = ap.parse_args(argv)
    if args.table_from:
        saved = json.loads(args.table_from.read_text(encoding="utf-8"))
        scales = saved["scales"]
        imports = {s: saved["imports"][str(s)] for s in scales}
        analytics = {s: saved["analytics"][str(s)] for s in scales if str(s) in saved["analytics"]}
        browser = {float(k): v for k, v in saved["browser"].items()}
        rows = build_rows(scales, imports, analytics, saved["demo"], browser, saved.get("demo_steps"),
                          saved.get("notes"))
        print(f"machine: {saved['machine']}\n")
        print(format_rows(rows, scales, {s: imports[s]["rows"] for s in scales}))
        return 0
    if args.worker:
        print(json.dumps(_worker(args.worker[0], Path(args.worker[1]))))
        return 0
    scales = [0.01, 0.1] if args.quick else sorted(args.scales)
    where = machine()
    print(f"machine: {where}", flush=True)
    folders = ensure_data(scales)
    t_start = time.perf_counter()
    imports = {}
    for s in scales:
        print(f"... importing {SCALES[s]} ({args.repeats} runs each: app, DuckDB, pandas)", file=sys.stderr, flush=True)
        imports[s] = measure_imports(folders[s], args.repeats)
    analytics, demo = {}, None
    if not args.no_analytics:
        from benchmarks.analytics import demo_session_memory

        for s in scales:
            print(f"... analytics at {SCALES[s]}", file=sys.stderr, flush=True)
            analytics[s] = measure_analytics(s, args.full_analytics_repeats if s == 1.0 else args.repeats,
                                             args.repeats)  # after a change: seconds, so always repeated
        demo = demo_session_memory()
    browser: dict[float, dict] = {}
    if not (args.no_browser or args.quick):
        from benchmarks.browser import measure_browser

        full = max(scales)
        print(f"... browser at {SCALES[full]}", file=sys.stderr, flush=True)
        browser[full] = measure_browser(folders[full])
    demo_steps = measure_demo(args.repeats)
    from benchmarks.notes import measure_notes, measure_notes_import

    print("... reading 100,000 coaching notes", file=sys.stderr, flush=True)
    notes = measure_notes()
    print("... importing a coaching log of 100,000 sessions with notes", file=sys.stderr, flush=True)
    imported = measure_notes_import()
    notes |= {"import_seconds": imported["seconds"], "import_sessions": imported["sessions"]}
    rows = build_rows(scales, imports, analytics, demo, browser, demo_steps, notes)
    print()
    print(format_rows(rows, scales, {s: imports[s]["rows"] for s in scales}))
    print(f"\n(medians of {args.repeats} runs, first visits at 100%: {args.full_analytics_repeats}; imports each in a "
          f"fresh process; bench took {time.perf_counter() - t_start:.0f} s)")
    for s in scales:
        if imports[s]["problems"]:
            print(f"import problems at {SCALES[s]}: {imports[s]['problems']}")
    if analytics:
        full = max(analytics)
        print(f"\nslowest single computations at {SCALES[full]} (default s, after a filter change s):")
        for page, metric, d, c in analytics[full]["slowest"]:
            print(f"  {page:<22}{metric:<40}{d:8.3f}{'' if c is None else f'{c:8.3f}'}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": where, "scales": scales, "imports": imports,
                                     "analytics": {str(k): v for k, v in analytics.items()},
                                     "demo": demo, "demo_steps": demo_steps, "notes": notes, "browser": {str(k): v for k, v in browser.items()}},
                                    indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
