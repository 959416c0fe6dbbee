"""`make bench`'s table (benchmarks/run.py): the numbers it prints are the ones it measured.

Speed itself is never asserted (the machines are noisy): these check that each import worker
really imports every row, and that the table's growth exponents and verdicts are computed right.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from benchmarks import largeorg, run


def test_growth_exponent_is_the_slope_in_rows():
    rows = {0.01: 1_000, 0.1: 10_000, 1.0: 100_000}
    assert run.growth({0.01: 0.02, 0.1: 0.2, 1.0: 2.0}, rows) == pytest.approx(1.0)
    assert run.growth({0.01: 0.01, 0.1: 0.1, 1.0: 10.0}, rows) == pytest.approx(1.5, abs=0.05)
    assert run.growth({0.01: None, 0.1: 0.2, 1.0: None}, rows) is None  # one point: no slope


def test_verdicts():
    assert run.judge(0.9, 1.0) == "met" and run.judge(1.2, 1.0) == "MISSED"
    assert run.judge(None, 1.0) == run.judge(math.nan, 1.0) == "not measured"


def test_each_import_worker_reads_every_row_and_the_table_judges_the_full_scale(tmp_path):
    written = largeorg.generate(tmp_path, scale=0.001, seed=7)
    total = sum(written.values())
    results = {kind: run._worker(kind, tmp_path) for kind in ("app", "duckdb", "pandas")}
    assert {kind: r["rows"] for kind, r in results.items()} == {"app": total, "duckdb": total, "pandas": total}
    assert results["app"]["problems"] == []
    assert all(r["s"] > 0 and r["peak_mb"] > 0 for r in results.values())

    imports = {s: {"rows": total, "app_s": 3.0 * s, "duckdb_s": 1.0 * s, "pandas_s": 4.0 * s,
                   "app_peak_mb": 100.0 * s, "duckdb_peak_mb": 50.0, "pandas_peak_mb": 60.0} for s in (0.01, 0.1, 1.0)}
    imports[1.0]["app_peak_mb"] = 2500.0
    rows = run.build_rows([0.01, 0.1, 1.0], imports, {}, {"held_increase_mb": 150.0}, {},
                          {"demo: import (9 exports)": 2.0})
    verdicts = {name: verdict for name, _, _, _, verdict in rows}
    assert verdicts["import: app / DuckDB"] == "MISSED"  # 3x
    assert verdicts["import: app / pandas"] == "met"  # 0.75x
    assert verdicts["import: peak RSS, app"] == "MISSED"
    assert verdicts["session holding the demo (RSS increase)"] == "met"
    table = run.format_rows(rows, [0.01, 0.1, 1.0], {s: total for s in (0.01, 0.1, 1.0)})
    assert "3.00x" in table and "2,500 MB" in table and "MISSED" in table
    assert table.splitlines()[0].split()[1:5] == ["1pct", "10pct", "100pct", "demo"]
    demo_line = next(line for line in table.splitlines() if line.startswith("demo: import"))
    assert demo_line.split()[-2:] == ["2.000", "s"]  # in the demo column, with no growth


def test_a_workers_peak_is_its_own_not_the_bench_processs():
    """Workers are forked and exec'd from the bench; ru_maxrss carries the bench process's
    high-water mark across exec (a trivial child read 1.9 GB beside a 2 GB parent), so the
    peak is read from the worker's own VmHWM."""
    import subprocess
    import sys

    import numpy as np

    held = np.ones(300 * 1024 * 1024 // 8)  # 300 MB resident in this (parent) process
    code = "from benchmarks.peak import own_peak_rss_mb; print(own_peak_rss_mb())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert float(out.stdout.strip()) < 200 < held.nbytes / 2**20


def test_the_analytics_child_runs_every_page_computation_on_a_small_organisation(tmp_path, monkeypatch):
    """The bench's memory child (warm-up, then every page's computations under two filter
    settings) calls the engine as the pages do: a renamed or re-shaped engine function fails
    here, not half-way through ``make bench``."""
    from benchmarks import analytics as A

    largeorg.generate(tmp_path / "largeorg-tiny", scale=0.001, seed=3)
    monkeypatch.setattr(A, "OUT", tmp_path)
    out = A._child_analytics_rss("tiny", 1)
    assert out["tag"] == "tiny" and out["analytics_peak_mb"] > 0


def test_the_notes_import_row_times_a_whole_import_of_a_coaching_log_with_notes():
    """make bench's row for reading notes at import: a coaching log with notes imported end to end
    (every session loaded), judged against the issue's 60 s."""
    from benchmarks import notes

    res = notes.measure_notes_import(300)
    assert res["sessions"] == 300 and res["seconds"] > 0
    reading = {"notes": 300, "seconds": 0.1, "notes_per_s": 3000.0,
               "import_seconds": res["seconds"], "import_sessions": res["sessions"]}
    rows = run.build_rows([1.0], {1.0: {"rows": 1, "app_s": 1.0, "duckdb_s": 1.0, "pandas_s": 1.0, "app_peak_mb": 1,
                                        "duckdb_peak_mb": 1, "pandas_peak_mb": 1}}, {}, None, {}, None, reading)
    row = next(r for r in rows if r[0].startswith("Import a coaching log of 300 sessions with notes"))
    assert row[1] == {1.0: res["seconds"]} and row[3] == "< 60" and row[4] == "met"


def test_the_change_of_dates_row_times_each_page_after_the_change_and_is_judged(tmp_path):
    """make bench's row for a change of dates: each page's pass after the last full quarter is
    picked (its visit with the default filters held), printed under the 0.5 s target."""
    from analytics.ingest.pipeline import import_directory
    from analytics.store.workspace import Workspace
    from benchmarks import analytics as A

    largeorg.generate(tmp_path, scale=0.001, seed=5)
    ws = Workspace()
    try:
        import_directory(ws, tmp_path)
        quarter = A.changed_filters(ws, "quarter")
        assert quarter.start is not None and quarter.end is not None
        times = A.changed_totals(ws, quarter, repeats=1, pages=("Overview", "Managers"))
    finally:
        ws.close()
    assert set(times) == {"Overview", "Managers"} and all(t > 0 for t in times.values())
    analytics = {1.0: {"totals": {"Overview": (2.0, 0.3)}, "dates": {"Overview": 0.7},
                       "peak": {"analytics_peak_mb": 100.0}}}
    imports = {1.0: {"rows": 1, "app_s": 1.0, "duckdb_s": 1.0, "pandas_s": 1.0, "app_peak_mb": 1,
                     "duckdb_peak_mb": 1, "pandas_peak_mb": 1}}
    rows = {r[0]: r for r in run.build_rows([1.0], imports, analytics, None, {})}
    assert rows["analytics: Overview, after a filter change"][4] == "met"
    assert rows["analytics: Overview, after a change of dates"][1:] == ({1.0: 0.7}, "s", "< 0.5", "MISSED")
