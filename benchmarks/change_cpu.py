"""CPU and wall time of pages after a filter change, as :func:`benchmarks.analytics.measure` times
them (the page's default visit held, then one pass with the changed filters), with the process's
CPU time (user + system, every thread) beside the wall: on a shared 2-core machine the wall swings
with other people's runs, the CPU much less (benchmarks/RESULTS.md, third round of filter changes).

    PYTHONPATH=. python -m benchmarks.change_cpu 100pct region Overview "Manager clusters"
    REPS=5 PROF=1 ...   # five passes per page; PROF=1 also writes a cProfile (CPU clock, threads serial)
"""

from __future__ import annotations

import cProfile
import os
import pstats
import resource
import statistics
import sys
import time

from analytics.store.caching import one_at_a_time
from benchmarks import analytics as bench


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(tag: str, kind: str, pages: list[str]) -> None:
    ws = bench.workspace_for(tag)
    f0, f1 = bench.Filters(), bench.changed_filters(ws, kind)
    ctx0, ctx1 = bench.context(ws, f0), bench.context(ws, f1)
    metrics = bench.page_metrics(ws)
    reps = int(os.environ.get("REPS", "5"))
    for page in pages:
        ws.forget_derived()
        bench._page_pass(metrics, page, f0, ctx0)
        held = bench._held_derived(ws)
        walls, cpus = [], []
        for _ in range(reps):
            bench._restore_derived(ws, held)
            t0, c0 = time.perf_counter(), _cpu()
            bench._page_pass(metrics, page, f1, ctx1)
            walls.append(time.perf_counter() - t0)
            cpus.append(_cpu() - c0)
        print(f"{page:<24} wall {statistics.median(walls):.3f} ({min(walls):.3f}-{max(walls):.3f})  "
              f"cpu {statistics.median(cpus):.3f} ({min(cpus):.3f}-{max(cpus):.3f})", flush=True)
        if os.environ.get("PROF"):
            bench._restore_derived(ws, held)
            profile = cProfile.Profile(time.process_time)
            with one_at_a_time():  # every thread's work counted
                profile.enable()
                bench._page_pass(metrics, page, f1, ctx1)
                profile.disable()
            out = f"prof-{tag}-{page.replace(' ', '_').replace('&', 'and')}.txt"
            with open(out, "w") as fh:
                stats = pstats.Stats(profile, stream=fh)
                stats.sort_stats("cumulative").print_stats(80)
            print("  ->", out)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
