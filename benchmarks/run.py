"""`make bench`: the app's full import path against bare DuckDB and pandas on the same files.

Medians over repeated runs, printed as one table. This is the starting point of the
performance issue's suite; it measures the exports shipped with the app (the demo) and the
real Maven CRM sample, so it runs anywhere in seconds.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

from analytics.ingest.pipeline import import_directory
from analytics.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
SETS = {"demo": ROOT / "data" / "demo", "maven-crm": ROOT.parent / "shared" / "data" / "real" / "maven-crm"}
REPEATS = 3


def median_time(fn) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def app_import(folder: Path) -> None:
    ws = Workspace()
    import_directory(ws, folder)
    ws.close()


def bare_duckdb(folder: Path) -> None:
    con = duckdb.connect()
    for i, f in enumerate(sorted(folder.glob("*.csv"))):
        con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv(?)", [str(f)])
    con.close()


def bare_pandas(folder: Path) -> None:
    for f in sorted(folder.glob("*.csv")):
        pd.read_csv(f)


def main() -> int:
    rows = []
    for name, folder in SETS.items():
        if not folder.exists():
            print(f"skipping {name}: {folder} not found", file=sys.stderr)
            continue
        n_rows = sum(sum(1 for _ in f.open("rb")) - 1 for f in folder.glob("*.csv"))
        app_s, duck_s, pd_s = (median_time(lambda fn=fn, folder=folder: fn(folder)) for fn in (app_import, bare_duckdb, bare_pandas))
        rows.append((name, n_rows, app_s, duck_s, pd_s))
    print(f"{'data set':<12}{'rows':>10}{'app import s':>14}{'duckdb s':>10}{'pandas s':>10}{'app/duckdb':>12}{'app/pandas':>12}")
    for name, n, a, d, p in rows:
        print(f"{name:<12}{n:>10,}{a:>14.3f}{d:>10.3f}{p:>10.3f}{a / d:>12.1f}{a / p:>12.1f}")
    print(f"(medians of {REPEATS} runs; app import = read, recognise, parse, validate, load into a session DuckDB)")
    workshop()
    return 0


def workshop() -> None:
    """The workshop features on the demo: what a consultant waits for after a click."""
    from analytics.anonymise import AnonymiseOptions, anonymise
    from analytics.handout import handout_pdf
    from analytics.insights import insights
    from analytics.report import report_html

    ws = Workspace()
    import_directory(ws, SETS["demo"])
    steps = {
        "anonymise (people, accounts, index)": lambda: anonymise(
            ws, AnonymiseOptions(accounts=True, amounts_as_index=True, salt="bench"))[0].close(),
        "presenter findings (9 insights)": lambda: insights(ws),
        "handouts, 15 managers (PDF)": lambda: handout_pdf(ws),
        "report (HTML, offline)": lambda: report_html(ws),
    }
    print()
    print(f"{'workshop step on the demo':<40}{'median s':>10}")
    for label, fn in steps.items():
        fn()  # warm: first use of the renderers
        print(f"{label:<40}{median_time(fn):>10.3f}")
    ws.close()


if __name__ == "__main__":
    sys.exit(main())
