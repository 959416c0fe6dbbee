"""Analytics at large-organisation scale: what a user waits for on each page, and the memory it takes.

Every analytics computation a page runs (read from ``views/*.py`` and the shared sidebar) is
listed by :func:`page_metrics`, grouped by page. :func:`measure` times each one by calling the
analytics function directly (no session memo, which is keyed on the filters), with the default
filters on a workspace holding nothing derived from its data yet (the first visit after an
import), and again after one realistic filter change made on that page (the workspace then holds
what the page's visit with the default filters derived from the data:
:meth:`analytics.store.workspace.Workspace.derived`). Per page it adds ``(sum of metrics)`` and ``(page total)``: one pass
over the page's metrics as the page runs them (building blocks such as the managers in scope or
the closed deals computed once per run, ``analytics.store.caching``), what a user waits for on that page.

Function API (the combined ``benchmarks/run.py`` table calls these)
-------------------------------------------------------------------
``workspace_for(tag)``
    The large-org workspace of a scale tag (``"1pct"``, ``"10pct"``, ``"100pct"``), opened from
    ``benchmarks/out/ws-<tag>.zip`` and compacted (:meth:`Workspace.compact`, as the app's
    warm-up does); the zip is made once from ``benchmarks/out/largeorg-<tag>`` through the
    app's import path when it is missing.
``page_metrics(ws) -> list[Metric]``
    ``Metric(page, name, call)``; ``call(filters, ctx)`` runs one computation. ``ctx`` is a
    :class:`Context` (the manager and rep the detail widgets start on, and the diagnosis some
    view-side helpers take), made untimed by :func:`context` for each filter value.
``changed_filters(ws, kind="region") -> Filters``
    The one filter change measured: the region with the most reps (or, with ``kind="quarter"``,
    the last full quarter of deal dates).
``measure(ws, filters_default=None, filters_changed=None, repeats=3, pages=None) -> list[Row]``
    ``Row(page, metric, default_s, changed_s)``; medians of ``repeats`` calls. Each metric is
    timed on its own (cold: nothing shared). Per page, ``metric == SUM`` is the sum of those, and
    ``metric == TOTAL`` the time of one pass over the page's metrics in a single
    ``analytics.store.caching.one_run()`` block, as the page runs them: what a user waits for.
``changed_totals(ws, filters_changed, repeats=3, pages=None) -> dict[str, float]``
    Page -> the ``(page total)`` after one filter change alone (what ``make bench`` measures for a
    change of dates, beside :func:`measure`'s change of region).
``format_table(rows, title="") -> str``
    The rows as a readable fixed-width table.
``analytics_peak_rss(tag, repeats=1) -> dict``
    In a fresh subprocess: RSS after opening the workspace and warming it as the app does
    (:func:`analytics.store.warm.warm`: the building blocks built, every table compressed), and the
    peak RSS (sampled every 10 ms; and the process's exact high-water mark) while computing
    every page's metrics with both filter values. MB.
``demo_session_memory() -> dict``
    In a fresh subprocess: RSS increase from creating a Workspace, importing ``data/demo``
    through ``import_directory`` and computing the Overview and Managers metrics. MB.

Standalone::

    python -m benchmarks.analytics --scale 1.0            # table for 100 %
    python -m benchmarks.analytics --scale 0.01 0.1 1.0 --memory --demo-memory
    python -m benchmarks.analytics --scale 1.0 --pages Managers "Manager detail" --repeats 1

Speed is never asserted in tests; the targets of the performance issue are printed beside
the numbers (manager pages under 1 s, a filter change under 0.5 s, peak RSS under 2 GB at full
scale, a session holding the demo under 200 MB).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analytics.diagnosis.clusters import cluster_managers
from analytics.diagnosis.dials import diagnosis, link_reasons, manager_evidence, signal_table
from analytics.diagnosis.gaps import category_counts, gap_classification
from analytics.diagnosis.movers import movers_by_manager, top_movers
from analytics.diagnosis.verdicts import verdicts
from analytics.filters import Filters
from analytics.ingest.supports import analyses_supported
from analytics.outputs.findings import insights
from analytics.people import filter_options
from analytics.results import kpis
from analytics.results.attainment import quota_basis
from analytics.results.distribution import attainment_distribution, pareto, stars_and_strugglers
from analytics.results.needle import needle_chain
from analytics.results.overview import headline, managers_summary, revenue_by_quarter
from analytics.results.whatif import goal_seek, quota_scenario, velocity_baseline
from analytics.settings import Settings
from analytics.signals.capability import capability_by_manager, named_gaps, naming_cycles, review_scores
from analytics.signals.coaching import (
    BEHAVIOURS,
    behaviour_counts,
    coaching_by_manager,
    coaching_by_rep,
    session_examples,
)
from analytics.signals.follow_through import (
    actions,
    completed_not_revisited,
    follow_through_by_manager,
    overdue_actions,
)
from analytics.signals.independence import (
    closed_deals,
    complex_threshold,
    dependency_curve,
    dependency_trend,
    independence_by_manager,
    independence_by_rep,
)
from analytics.signals.surveys import survey_by_manager
from analytics.store.caching import one_run
from analytics.store.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
DEMO_DIR = ROOT / "data" / "demo"
SCALES = {0.01: "1pct", 0.1: "10pct", 1.0: "100pct"}
TOTAL = "(page total)"
SUM = "(sum of metrics)"
PAGES = ("Sidebar", "Overview", "Managers", "Manager detail", "Coaching evidence", "Manager clusters",
         "Capability trends", "Follow-through", "Execution independence", "Skill gap or fit gap", "Top movers",
         "Pipeline & KPIs", "What moves the needle", "Distribution", "What-if", "Presenter mode",
         "Handouts and report")
#: the pages a manager-facing workshop lives on (the 1 s target)
MANAGER_PAGES = ("Managers", "Manager detail")


# ----------------------------------------------------------------------------- what pages compute
@dataclass
class Context:
    """What a page's widgets start on, resolved (untimed) once per filter value."""

    settings: Settings
    diag: pd.DataFrame
    manager: str | None  # Manager detail's selectbox starts on the first manager of the diagnosis
    rep: str | None  # Capability trends: first rep of the first manager's team (sorted)


@dataclass(frozen=True)
class Metric:
    page: str
    name: str
    call: Callable[[Filters, Context], object]


@dataclass
class Row:
    page: str
    metric: str
    default_s: float | None
    changed_s: float | None


def context(ws: Workspace, filters: Filters, settings: Settings | None = None) -> Context:
    settings = settings or Settings()
    diag = diagnosis(ws, filters, settings)
    manager = diag["manager"].iloc[0] if not diag.empty else None
    scores = review_scores(ws, filters)
    rep = None
    if not scores.empty:
        team = sorted(scores["manager"].dropna().unique())
        if team:
            mine = scores[scores["manager"] == team[0]]
            reps = sorted(mine["rep"].unique())
            rep = reps[0] if reps else None
    return Context(settings, diag, manager, rep)


def _behaviour_examples(ws: Workspace, f: Filters, c: Context) -> list:
    """Manager detail opens an expander per behaviour; Streamlit runs the body even when closed."""
    counts = behaviour_counts(ws, c.manager, f)
    out = []
    for key in BEHAVIOURS:
        if counts.get(key, (0, 0))[1]:
            out.append(session_examples(ws, c.manager, key, True, 3, f))
            out.append(session_examples(ws, c.manager, key, False, 3, f))
    return out


def page_metrics(ws: Workspace) -> list[Metric]:
    """Every analytics computation each page runs with its default widget values, in page order.

    Charts and Streamlit drawing are left out: this is the engine's share of a page.
    """
    s = lambda c: c.settings  # noqa: E731
    M = Metric
    return [
        # every page: the sidebar (filter options are memoised per workspace, not per filter)
        M("Sidebar", "counts", lambda f, c: ws.counts()),
        M("Sidebar", "filter_options", lambda f, c: filter_options(ws)),
        M("Overview", "headline", lambda f, c: headline(ws, f)),
        M("Overview", "revenue_by_quarter", lambda f, c: revenue_by_quarter(ws, f)),
        M("Overview", "quota_basis", lambda f, c: quota_basis(ws, f, s(c))),
        M("Overview", "managers_summary", lambda f, c: managers_summary(ws, f)),
        M("Overview", "coverage", lambda f, c: analyses_supported(ws)),
        # the answer first (issue 20): the diagnosis the Managers page reads, and the two lists from it
        M("Overview", "diagnosis", lambda f, c: diagnosis(ws, f, s(c))),
        M("Overview", "verdicts", lambda f, c: verdicts(c.diag, s(c), {t for t, n in ws.counts().items() if n},
                                                        link_reasons(ws))),
        M("Managers", "diagnosis", lambda f, c: diagnosis(ws, f, s(c))),
        M("Managers", "signal_table", lambda f, c: signal_table(c.diag)),
        M("Manager detail", "diagnosis", lambda f, c: diagnosis(ws, f, s(c))),
        M("Manager detail", "behaviour_counts", lambda f, c: behaviour_counts(ws, c.manager, f)),
        M("Manager detail", "named_gaps", lambda f, c: named_gaps(ws, f, s(c))),
        M("Manager detail", "review_scores", lambda f, c: review_scores(ws, f)),
        M("Manager detail", "dependency_curve", lambda f, c: dependency_curve(ws, f, s(c))),
        M("Manager detail", "actions", lambda f, c: actions(ws, f)),
        M("Manager detail", "session_examples x8", lambda f, c: _behaviour_examples(ws, f, c)),
        M("Manager detail", "signal_table (one)", lambda f, c: signal_table(c.diag[c.diag["manager"] == c.manager])),
        M("Coaching evidence", "coaching_by_manager", lambda f, c: coaching_by_manager(ws, f, s(c))),
        M("Coaching evidence", "coaching_by_rep", lambda f, c: coaching_by_rep(ws, f, s(c))),
        M("Coaching evidence", "survey_by_manager", lambda f, c: survey_by_manager(ws, f, s(c))),
        M("Manager clusters", "manager_evidence", lambda f, c: manager_evidence(ws, f, s(c))),
        M("Manager clusters", "cluster_managers",
          lambda f, c: cluster_managers(c.diag, s(c).min_managers_for_clusters, k=None)),
        M("Capability trends", "review_scores", lambda f, c: review_scores(ws, f)),
        M("Capability trends", "named_gaps", lambda f, c: named_gaps(ws, f, s(c))),
        M("Capability trends", "naming_cycles", lambda f, c: naming_cycles(ws, c.rep, f) if c.rep else None),
        M("Capability trends", "capability_by_manager", lambda f, c: capability_by_manager(ws, f, s(c))),
        M("Follow-through", "follow_through_by_manager", lambda f, c: follow_through_by_manager(ws, f, s(c))),
        M("Follow-through", "overdue_actions", lambda f, c: overdue_actions(ws, f)),
        M("Follow-through", "completed_not_revisited", lambda f, c: completed_not_revisited(ws, f)),
        M("Execution independence", "complexity flag count",
          lambda f, c: ws.scalar("SELECT count(is_complex) FROM opportunities")),
        M("Execution independence", "complex_threshold", lambda f, c: complex_threshold(ws, s(c))),
        M("Execution independence", "closed_deals", lambda f, c: closed_deals(ws, f, s(c))),
        M("Execution independence", "dependency_curve", lambda f, c: dependency_curve(ws, f, s(c))),
        M("Execution independence", "dependency_trend", lambda f, c: dependency_trend(ws, f, s(c))),
        M("Execution independence", "independence_by_manager", lambda f, c: independence_by_manager(ws, f, s(c))),
        M("Execution independence", "independence_by_rep", lambda f, c: independence_by_rep(ws, f, s(c))),
        M("Skill gap or fit gap", "gap_classification", lambda f, c: category_counts(gap_classification(ws, f, s(c)))),
        M("Top movers", "top_movers", lambda f, c: top_movers(ws, f, s(c), 10)),
        M("Top movers", "movers_by_manager", lambda f, c: movers_by_manager(ws, f, s(c), 10)),
        M("Pipeline & KPIs", "counts", lambda f, c: ws.counts()),
        M("Pipeline & KPIs", "leading week org", lambda f, c: kpis.leading(ws, f, s(c), "week", "org")),
        M("Pipeline & KPIs", "leading week team", lambda f, c: kpis.leading(ws, f, s(c), "week", "team")),
        M("Pipeline & KPIs", "predictive org", lambda f, c: kpis.predictive(ws, f, s(c), "org")),
        M("Pipeline & KPIs", "stage_conversion", lambda f, c: kpis.stage_conversion(ws, f)),
        M("Pipeline & KPIs", "time_in_stage", lambda f, c: kpis.time_in_stage(ws, f)),
        M("Pipeline & KPIs", "velocity team", lambda f, c: kpis.velocity(ws, f, "team")),
        M("Pipeline & KPIs", "outcomes quarter org", lambda f, c: kpis.outcomes(ws, f, s(c), "quarter", "org")),
        M("Pipeline & KPIs", "kpi_summary team", lambda f, c: kpis.kpi_summary(ws, f, s(c), "team")),
        M("Pipeline & KPIs", "below_standard", lambda f, c: kpis.below_standard(ws, f, s(c))),
        M("What moves the needle", "needle_chain", lambda f, c: needle_chain(ws, f, s(c))),
        M("Distribution", "attainment_distribution", lambda f, c: attainment_distribution(ws, f, s(c))),
        M("Distribution", "pareto rep", lambda f, c: pareto(ws, f, "rep")),
        M("Distribution", "pareto account", lambda f, c: pareto(ws, f, "account")),
        M("Distribution", "pareto product", lambda f, c: pareto(ws, f, "product")),
        M("Distribution", "stars_and_strugglers", lambda f, c: stars_and_strugglers(ws, f, s(c))),
        M("What-if", "velocity_baseline + goal_seek",
          lambda f, c: goal_seek(b, b.actual_revenue_per_quarter * 1.2, "win_rate")
          if not (b := velocity_baseline(ws, f)).reason("actual") else b),
        M("What-if", "quota_scenario", lambda f, c: quota_scenario(ws, f, s(c), 0.0)),
        M("Presenter mode", "insights", lambda f, c: insights(ws, f, s(c), False)),
        M("Handouts and report", "diagnosis", lambda f, c: diagnosis(ws, f, s(c))),
    ]


# ----------------------------------------------------------------------------- filters
def changed_filters(ws: Workspace, kind: str = "region") -> Filters:
    """One realistic change from the defaults, with a value present in the data."""
    if kind == "region":
        region = ws.scalar("""SELECT region FROM v_roster WHERE region IS NOT NULL AND manager_name IS NOT NULL
                              GROUP BY region ORDER BY count(*) DESC, region LIMIT 1""")
        return Filters(regions=(region,)) if region else Filters()
    if kind == "quarter":
        last = ws.scalar("SELECT max(close_date) FROM v_opportunities WHERE is_closed")
        if last is None:
            return Filters()
        q = pd.Timestamp(last).to_period("Q") - 1  # the last full quarter
        return Filters(start=q.start_time.date(), end=q.end_time.date())
    raise ValueError(f"unknown filter change {kind!r}")


# ----------------------------------------------------------------------------- timing
def _median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(ws: Workspace, filters_default: Filters | None = None, filters_changed: Filters | None = None,
            repeats: int = 3, pages: tuple[str, ...] | None = None, settings: Settings | None = None,
            progress: Callable[[str], None] | None = None, changed_repeats: int | None = None) -> list[Row]:
    """Median seconds per metric with the default filters (nothing held: the first visit) and
    after one filter change (what the page's default visit held), plus a ``(page total)`` row per
    page (one pass over its metrics as the page runs them). ``changed_repeats`` (default
    ``repeats``) runs the short after-a-change measures more often than the first visits."""
    filters_default = filters_default or Filters()
    changed_repeats = changed_repeats or repeats
    if filters_changed is None:
        filters_changed = changed_filters(ws)
    metrics = [m for m in page_metrics(ws) if pages is None or m.page in pages]
    names = list(dict.fromkeys(m.page for m in metrics))
    results: dict[tuple[str, str], list[float | None]] = {(m.page, m.name): [None, None] for m in metrics}
    totals: dict[str, list[float | None]] = {page: [None, None] for page in names}

    def cold(fn: Callable[[], object]) -> Callable[[], object]:
        """The first visit after an import: nothing derived from the data is held yet."""
        def run():
            ws.forget_derived()
            return fn()
        return run

    def after(held: dict, fn: Callable[[], object]) -> Callable[[], object]:
        """A filter change: what the page's visit with the default filters left held."""
        def run():
            _restore_derived(ws, held)
            return fn()
        return run

    ctx = context(ws, filters_default, settings)
    for m in metrics:
        results[(m.page, m.name)][0] = _median_time(cold(lambda m=m: m.call(filters_default, ctx)), repeats)
        if progress:
            progress(f"default {m.page} / {m.name}: {results[(m.page, m.name)][0]:.3f}s")
    for page in names:
        totals[page][0] = _median_time(cold(lambda p=page: _page_pass(metrics, p, filters_default, ctx)), repeats)
    changed_ctx = context(ws, filters_changed, settings)
    for page in names:
        ws.forget_derived()
        _page_pass(metrics, page, filters_default, ctx)  # the user is on the page, then changes a filter
        held = _held_derived(ws)
        for m in metrics:
            if m.page == page:
                results[(m.page, m.name)][1] = _median_time(
                    after(held, lambda m=m: m.call(filters_changed, changed_ctx)), changed_repeats)
                if progress:
                    progress(f"changed {m.page} / {m.name}: {results[(m.page, m.name)][1]:.3f}s")
        totals[page][1] = _median_time(after(held, lambda p=page: _page_pass(metrics, p, filters_changed, changed_ctx)),
                                       changed_repeats)
    rows: list[Row] = []
    for page in names:
        mine = [Row(page, name, *v) for (p, name), v in results.items() if p == page]
        rows += mine
        if len(mine) > 1:
            rows.append(Row(page, SUM, sum(r.default_s for r in mine), sum(r.changed_s for r in mine)))
        rows.append(Row(page, TOTAL, *totals[page]))
    return rows


def _page_pass(metrics: list[Metric], page: str, f: Filters, c: Context) -> None:
    """One pass over a page's metrics as the page runs them (the page frame, ui/frame.py, runs
    each page in ``one_run``)."""
    with one_run():
        for m in metrics:
            if m.page == page:
                m.call(f, c)


def changed_totals(ws: Workspace, filters_changed: Filters, repeats: int = 3, pages: tuple[str, ...] | None = None,
                   settings: Settings | None = None, filters_default: Filters | None = None) -> dict[str, float]:
    """Page -> median seconds of one pass over the page after ``filters_changed``, the page's
    visit with the default filters held: the ``(page total)`` after a change of :func:`measure`,
    without its first visits and single computations (``make bench`` adds a change of dates
    with this, beside :func:`measure`'s change of region)."""
    filters_default = filters_default or Filters()
    metrics = [m for m in page_metrics(ws) if pages is None or m.page in pages]
    ctx, changed_ctx = context(ws, filters_default, settings), context(ws, filters_changed, settings)
    out: dict[str, float] = {}
    for page in dict.fromkeys(m.page for m in metrics):
        ws.forget_derived()
        _page_pass(metrics, page, filters_default, ctx)  # the user is on the page, then changes a filter
        held = _held_derived(ws)

        def changed(page: str = page, held: dict = held) -> None:
            _restore_derived(ws, held)
            _page_pass(metrics, page, filters_changed, changed_ctx)

        out[page] = _median_time(changed, repeats)
    return out


def _held_derived(ws: Workspace) -> dict:
    """What the workspace holds derived from its data (:meth:`Workspace.derived`), to restore."""
    return dict(ws._derived)


def _restore_derived(ws: Workspace, held: dict) -> None:
    """Back to what was held (the resolved deal views stay as the page's visit left them)."""
    ws._derived.clear()
    ws._derived.update(held)


def format_table(rows: list[Row], title: str = "", totals_only: bool = False) -> str:
    out = [title] if title else []
    out.append(f"{'page':<24}{'metric':<34}{'default s':>10}{'changed s':>11}")
    for r in rows:
        if totals_only and r.metric != TOTAL:
            continue
        fmt = lambda v: "" if v is None else f"{v:.3f}"  # noqa: E731
        flag = ""
        if r.metric == TOTAL and r.default_s is not None:
            if r.page in MANAGER_PAGES and max(r.default_s, r.changed_s) >= 1.0:
                flag = "  > 1 s target"
            elif r.changed_s is not None and r.changed_s >= 0.5:
                flag = "  > 0.5 s change target"
        out.append(f"{r.page:<24}{r.metric:<34}{fmt(r.default_s):>10}{fmt(r.changed_s):>11}{flag}")
    return "\n".join(out)


# ----------------------------------------------------------------------------- workspaces
def workspace_zip(tag: str) -> Path:
    return OUT / f"ws-{tag}.zip"


def workspace_for(tag: str) -> Workspace:
    """The saved large-org workspace of a scale tag, imported and saved once when missing."""
    path = workspace_zip(tag)
    if not path.exists():
        from analytics.ingest.pipeline import import_directory

        folder = OUT / f"largeorg-{tag}"
        if not folder.exists():
            raise FileNotFoundError(f"{folder}: generate it with benchmarks/largeorg.py first")
        ws = Workspace()
        try:
            import_directory(ws, folder)
            ws.label = f"largeorg {tag}"
            path.write_bytes(ws.save())
        finally:
            ws.close()
    ws = Workspace.open(path.read_bytes(), path.name)
    ws.compact()  # as the app's warm-up does after an import or an opened workspace (analytics.store.warm)
    return ws


def tag_for(scale: float) -> str:
    return SCALES.get(scale, f"{scale * 100:g}pct")


# ----------------------------------------------------------------------------- memory
class _RssSampler:
    """The process's peak resident set, sampled every ``interval`` seconds in a thread."""

    def __init__(self, interval: float = 0.01) -> None:
        import psutil

        self._proc = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.peak = self._proc.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            time.sleep(self._interval)

    def __enter__(self) -> _RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)


def _rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


MB = 1024 * 1024


def _child_analytics_rss(tag: str, repeats: int) -> dict:
    from analytics.diagnosis.dials import prepare_pages
    from analytics.store.warm import warm
    from benchmarks.peak import own_peak_rss_mb, reset_own_peak_rss

    before = _rss()
    ws = workspace_for(tag)
    # opening the saved workspace (decoding 6.6M rows at 100%) is not analytics: its peak is
    # reported on its own, and the high-water mark starts again before the warm-up
    open_peak = own_peak_rss_mb()
    reset = reset_own_peak_rss()
    warm(ws, prepare_pages)  # as the app does after an opened workspace: the blocks built, then every table compressed
    after_open = _rss()
    metrics = page_metrics(ws)
    with _RssSampler() as sampler:
        for _ in range(max(1, repeats)):
            for filters in (Filters(), changed_filters(ws)):
                ctx = context(ws, filters)
                for page in dict.fromkeys(m.page for m in metrics):
                    with one_run():  # one page at a time, as the pages run
                        results = [m.call(filters, ctx) for m in metrics if m.page == page]
                    del results
    return {"tag": tag, "rss_before_mb": before / MB, "rss_after_open_mb": after_open / MB,
            "peak_during_analytics_mb": sampler.peak / MB,
            "analytics_increase_mb": (sampler.peak - after_open) / MB,
            "open_peak_mb": open_peak, "peak_reset": reset,
            # the warm-up and every page, with the workspace held (since the reset, when it worked)
            "analytics_peak_mb": own_peak_rss_mb()}


def _child_demo_memory() -> dict:
    from analytics.ingest.pipeline import import_directory

    before = _rss()
    with _RssSampler() as sampler:
        ws = Workspace()
        import_directory(ws, DEMO_DIR)
        ws.compact()  # as a session's demo is (ui.session.open_demo)
        after_import = _rss()
        f, settings = Filters(), Settings()
        ctx = Context(settings, pd.DataFrame(), None, None)
        results = [m.call(f, ctx) for m in page_metrics(ws) if m.page in ("Sidebar", "Overview", "Managers")
                   and m.name != "signal_table"]
        results.append(signal_table(diagnosis(ws, f, settings)))
        after = _rss()
    return {"rss_before_mb": before / MB, "after_import_increase_mb": (after_import - before) / MB,
            "held_increase_mb": (after - before) / MB, "peak_increase_mb": (sampler.peak - before) / MB}


def _in_subprocess(args: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-m", "benchmarks.analytics", *args], cwd=ROOT, capture_output=True,
                          text=True, check=True, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    return json.loads(done.stdout.strip().splitlines()[-1])


def analytics_peak_rss(tag: str, repeats: int = 1) -> dict:
    """Peak RSS while every page's metrics run (both filter values), in a fresh process. MB."""
    return _in_subprocess(["--child-rss", tag, "--repeats", str(repeats)])


def demo_session_memory() -> dict:
    """RSS a session holding the demo adds (Workspace + demo import + Overview and Managers
    metrics), in a fresh process. MB; the target is under 200."""
    return _in_subprocess(["--child-demo"])


# ----------------------------------------------------------------------------- command line
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scale", type=float, nargs="+", default=[1.0], help="0.01, 0.1 and/or 1.0")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--pages", nargs="+", default=None, help="only these pages")
    p.add_argument("--change", choices=["region", "quarter"], default="region")
    p.add_argument("--totals", action="store_true", help="page totals only")
    p.add_argument("--memory", action="store_true", help="also the analytics peak RSS per scale (subprocess)")
    p.add_argument("--demo-memory", action="store_true", help="also the demo session's memory (subprocess)")
    p.add_argument("--progress", action="store_true")
    p.add_argument("--child-rss", help=argparse.SUPPRESS)
    p.add_argument("--child-demo", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child_rss:
        print(json.dumps(_child_analytics_rss(a.child_rss, a.repeats)))
        return 0
    if a.child_demo:
        print(json.dumps(_child_demo_memory()))
        return 0
    for scale in a.scale:
        tag = tag_for(scale)
        t0 = time.perf_counter()
        ws = workspace_for(tag)
        opened = time.perf_counter() - t0
        changed = changed_filters(ws, a.change)
        counts = {k: v for k, v in ws.counts().items() if v}
        print(f"\n== scale {scale:g} ({tag}): opened in {opened:.1f}s; "
              + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        print(f"   changed filter: {changed.summary()}; medians of {a.repeats}")
        rows = measure(ws, Filters(), changed, a.repeats, tuple(a.pages) if a.pages else None,
                       progress=(lambda m: print("   ..", m, file=sys.stderr, flush=True)) if a.progress else None)
        print(format_table(rows, totals_only=a.totals))
        ws.close()
        if a.memory:
            m = analytics_peak_rss(tag)
            print(f"   memory ({tag}): RSS after opening {m['rss_after_open_mb']:.0f} MB, peak while computing "
                  f"every page {m['peak_during_analytics_mb']:.0f} MB (+{m['analytics_increase_mb']:.0f} MB), "
                  f"analytics peak (own high-water mark) {m['analytics_peak_mb']:.0f} MB (target < 2048 at full scale)")
    if a.demo_memory:
        m = demo_session_memory()
        print(f"\ndemo session: +{m['held_increase_mb']:.0f} MB held after import and Overview+Managers metrics "
              f"(peak +{m['peak_increase_mb']:.0f} MB; import alone +{m['after_import_increase_mb']:.0f} MB); "
              "target < 200 MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
