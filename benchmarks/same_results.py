"""Every page computation's result on one version of the code, to compare with another's.

A speed change must leave every result as it was. ``dump`` runs every computation of every page
(:func:`benchmarks.analytics.page_metrics`, plus the pages' diagnosis and the held closed deals)
under several filters and settings (the defaults; a region, a quarter and both, each after the
defaults' visit held its blocks; a region with nothing held; the amount rule for complexity; the
median as the complexity bar) and pickles the results; ``compare`` reads two such files and
compares them result by result: DataFrames with ``assert_frame_equal(check_exact=True)`` (the
closed deals, which come in no particular order, sorted by deal first), arrays with
``array_equal``, everything else with ``==``; charts by their Vega-Lite JSON, other objects by
their attributes. Run ``dump`` from each tree (a detached worktree of the base commit for
"before")::

    (cd /work/wt-base && .venv/bin/python -m benchmarks.same_results dump demo /tmp/before-demo.pkl)
    .venv/bin/python -m benchmarks.same_results dump demo /tmp/after-demo.pkl
    .venv/bin/python -m benchmarks.same_results compare /tmp/before-demo.pkl /tmp/after-demo.pkl

The source is ``demo``, a scale tag (``10pct``: ``benchmarks/out/ws-10pct.zip``) or a folder of
exports (imported as the app does). Not a test: at 10% a dump takes one to two minutes.
"""

from __future__ import annotations

import math
import os
import pickle
import sys
import time

import numpy as np
import pandas as pd

#: results that come in no particular order, compared sorted by these columns
UNORDERED = {"closed_deals": ["opportunity_id"]}


def _plain(v, depth: int = 0):
    """Something picklable and comparable."""
    if isinstance(v, pd.DataFrame | pd.Series | str | int | float | bool | type(None) | np.ndarray):
        return v
    if isinstance(v, dict):
        return {k: _plain(x, depth) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return tuple(_plain(x, depth) for x in v) if hasattr(v, "_fields") else type(v)(_plain(x, depth) for x in v)
    if hasattr(v, "__dataclass_fields__"):
        return (type(v).__name__, {k: _plain(getattr(v, k), depth) for k in v.__dataclass_fields__})
    if hasattr(v, "to_dict") and type(v).__module__.startswith("altair"):
        return ("altair", _plain(v.to_dict(), depth))
    if hasattr(v, "__dict__") and depth < 3:
        return (type(v).__name__, {k: _plain(x, depth + 1) for k, x in vars(v).items()})
    try:
        pickle.dumps(v)
        return v
    except Exception:  # noqa: BLE001 - whatever it is, its text is compared
        return repr(v)


def dump(source: str, out: str) -> int:
    from analytics.filters import Filters
    from analytics.settings import Settings
    from analytics.signals import independence
    from analytics.store.caching import one_run
    from analytics.store.workspace import Workspace
    from benchmarks import analytics as bench

    if source == "demo" or os.path.isdir(source):
        from analytics.ingest.pipeline import import_directory

        ws = Workspace()
        import_directory(ws, bench.DEMO_DIR if source == "demo" else source)
        ws.compact()
    else:
        ws = bench.workspace_for(source)
    region, quarter = bench.changed_filters(ws, "region"), bench.changed_filters(ws, "quarter")
    both = Filters(regions=region.regions, start=quarter.start, end=quarter.end)
    results: dict = {}

    def run_all(label: str, f: Filters, s: Settings) -> None:
        ctx = bench.context(ws, f, s)
        results[(label, "context.diag")] = ctx.diag
        for m in bench.page_metrics(ws):
            with one_run():
                try:
                    r = m.call(f, ctx)
                except Exception as e:  # noqa: BLE001 - an error is a result too
                    r = ("EXC", type(e).__name__, str(e))
            results[(label, m.page, m.name)] = _plain(r)

    t0 = time.time()
    ws.forget_derived()
    run_all("default", Filters(), Settings())
    run_all("region (held)", region, Settings())
    run_all("quarter (held)", quarter, Settings())
    run_all("region+quarter (held)", both, Settings())
    for label, f, s in (("region (cold)", region, Settings()), ("amount rule", Filters(), Settings(use_complexity_flag=False)),
                        ("p50 complexity", region, Settings(complexity_percentile=0.5))):
        ws.forget_derived()
        run_all(label, f, s)
    s = Settings()
    results[("held", "_all_closed_deals")] = independence._all_closed_deals(
        ws, s.complexity_percentile, s.use_complexity_flag).sort_values("opportunity_id", ignore_index=True)
    with open(out, "wb") as fh:
        pickle.dump(results, fh)
    print(f"{source}: {len(results)} results in {time.time() - t0:.1f}s -> {out}")
    return 0


def _same(x, y, path) -> None:
    if isinstance(x, pd.DataFrame):
        pd.testing.assert_frame_equal(x, y, check_exact=True, obj=str(path))
    elif isinstance(x, pd.Series):
        pd.testing.assert_series_equal(x, y, check_exact=True, obj=str(path))
    elif isinstance(x, np.ndarray):
        assert isinstance(y, np.ndarray) and x.dtype == y.dtype and x.shape == y.shape, f"{path}: arrays differ"
        assert np.array_equal(x, y, equal_nan=x.dtype.kind in "fc"), f"{path}: arrays differ"
    elif isinstance(x, dict):
        assert isinstance(y, dict) and list(x) == list(y), f"{path}: keys differ"
        for k in x:
            _same(x[k], y[k], (*path, k))
    elif isinstance(x, list | tuple):
        assert type(x) is type(y) and len(x) == len(y), f"{path}: {type(x).__name__} of {len(x)} vs {y!r:.80}"
        for i, (u, v) in enumerate(zip(x, y, strict=True)):
            _same(u, v, (*path, i))
    elif isinstance(x, float) and math.isnan(x):
        assert isinstance(y, float) and math.isnan(y), f"{path}: {x!r} vs {y!r}"
    else:
        assert type(x) is type(y) and x == y, f"{path}: {x!r} vs {y!r}"


def compare(before: str, after: str) -> int:
    with open(before, "rb") as fa, open(after, "rb") as fb:
        a, b = pickle.load(fa), pickle.load(fb)

    def norm(k, v):
        cols = UNORDERED.get(k[-1])
        if isinstance(v, pd.DataFrame) and cols and all(c in v.columns for c in cols):
            return v.sort_values(cols, ignore_index=True)
        return v

    if list(a) != list(b):
        print(f"different results: {sorted(set(a) ^ set(b), key=str)[:10]}")
        return 1
    bad = 0
    for k in a:
        try:
            _same(norm(k, a[k]), norm(k, b[k]), k)
        except Exception as e:  # noqa: BLE001 - reported, counted
            bad += 1
            print("DIFF", k, str(e)[:600])
    print(f"{len(a)} results compared, {bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("dump", "compare"):
        raise SystemExit(__doc__)
    raise SystemExit(dump(*sys.argv[2:]) if sys.argv[1] == "dump" else compare(*sys.argv[2:]))
