"""The three dials (Lead, Manage, Coach), the development index and the hero pattern.

Each dial is the weighted mean of the percentile ranks, among the managers in the current
filter, of the dial's *measured* signals (FRAMEWORK.md). A signal with no evidence for a
manager is left out of that manager's dial and shown as "not measured"; a dial with no
measured signal is not measured. Nothing is imputed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pandas as pd

from analytics.diagnosis.hero import hero_pattern  # noqa: F401 - the hero pattern, read from here by callers
from analytics.filters import Filters
from analytics.people import filter_options, managers
from analytics.results import attainment
from analytics.settings import DIALS, SIGNAL_BY_KEY, SIGNALS, Settings, Signal  # noqa: F401 - the dials' vocabulary, read from here by pages
from analytics.signals import capability, coaching, follow_through, independence, manage, surveys
from analytics.store.caching import in_parallel, opens_run
from analytics.store.links import DEAL_OWNERS, ROSTER, broken, rests_on
from analytics.store.workspace import Workspace

#: The frames a manager's evidence joins, ``fn(ws, filters, settings)`` each, in the order they are
#: merged (the evidence's column order), each with its relative cost: :func:`in_parallel` starts
#: the costliest first, so the two threads finish together. The costs are ranks (9 the slowest, the
#: order the speed work tuned); only their order counts, so a new frame takes a cost between its
#: neighbours' (tests/unit/test_dials.py fails on a ``*_by_manager`` frame missing here).
EVIDENCE_FRAMES: tuple[tuple[Callable[..., pd.DataFrame], float], ...] = (
    (attainment.attainment_by_manager, 2),
    (manage.pipeline_by_manager, 6),
    (manage.activity_by_manager, 7),
    (coaching.coaching_by_manager, 3),
    (surveys.survey_by_manager, 4),
    (surveys.retention_by_manager, 1),
    (capability.capability_by_manager, 8),
    (follow_through.follow_through_by_manager, 5),
    (independence.independence_by_manager, 9),
)

_DEALS = ("opportunities", "owner", ROSTER)
_QUOTAS = ("quotas", "owner", ROSTER)
_QUOTAS_TO_DEALS = ("quotas", "owner", DEAL_OWNERS)
_ACTIVITIES = ("activities", "owner", ROSTER)
_REVIEWED = ("reviews", "rep", ROSTER)
_ACTIONS = ("development_actions", "rep", ROSTER)
_COACHING = ("coaching_sessions", "manager", ROSTER)
_SURVEYED = ("surveys", "subject_manager", ROSTER)

#: What each per-manager figure of the evidence rests on: the links between files (keys of
#: :data:`analytics.store.links.LINKS`) its rows need to reach a manager. A figure on a broken link
#: is not measured, with the link's reason (:func:`link_reasons`); data, not code: a new signal
#: names its links here (tests/unit/test_link_figures.py fails on a signal missing).
RESTS_ON: dict[str, tuple[tuple[str, str, str], ...]] = {
    "attainment": (_QUOTAS, _QUOTAS_TO_DEALS),
    "lead_direction": (_SURVEYED,), "lead_motivation": (_SURVEYED,), "lead_buy_in": (_SURVEYED,),
    "confidence_gap": (_SURVEYED,),
    "retention": (),
    "pipeline_reviews_per_rep_month": (_COACHING,),
    "coverage_vs_standard": (_DEALS, _QUOTAS),
    "hygiene": (_DEALS,),
    "activity_standard_met": (_ACTIVITIES,),
    "capability_slope": (_REVIEWED,), "share_gaps_moved": (_REVIEWED,),
    "follow_through_rate": (_ACTIONS,), "revisit_rate": (_ACTIONS,),
    "independence": (_DEALS,), "involvement_won_complex": (_DEALS,),
    "quality_index": (_COACHING,), "skill_time_closeness": (_COACHING,), "skill_time_share": (_COACHING,),
}


def link_reasons(ws: Workspace) -> dict[str, str]:
    """Each per-manager figure of :data:`RESTS_ON` whose link is broken, with the reason it is not
    measured (the store's one rule, :func:`analytics.store.links.broken`)."""
    out = {}
    for key, keys in RESTS_ON.items():
        why = broken(ws, keys)
        if why:
            out[key] = why
    return out


def link_notes(ws: Workspace) -> dict[str, str]:
    """Each per-manager figure of :data:`RESTS_ON` that rests on a partial link, with what it rests on."""
    out = {}
    for key, keys in RESTS_ON.items():
        said = rests_on(ws, keys)
        if said:
            out[key] = said
    return out


@opens_run
def manager_evidence(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """One wide row per manager in scope: every signal, its evidence counts, and the context
    the pages show (team size, attainment, involvement, confidence gap, dependency trend)."""
    base = managers(ws, filters)  # every signal needs it: computed once, before the others start
    frames = in_parallel([functools.partial(fn, ws, filters, settings) for fn, _ in EVIDENCE_FRAMES],
                         costs=[cost for _, cost in EVIDENCE_FRAMES])
    out = base
    for f in frames:
        new = [c for c in f.columns if c == "manager" or c not in out.columns]
        out = out.merge(f[new], on="manager", how="left")
    out = out.copy()  # one block after the merges
    out["coverage_vs_standard"] = (out["coverage"] / settings.coverage_standard).clip(upper=1.0)
    out["skill_time_closeness"] = -(out["skill_time_share"] - settings.skill_time_target).abs()
    for s in SIGNALS:
        if s.evidence in out.columns:
            out[s.evidence] = out[s.evidence].fillna(0).astype("int64")
    for key in link_reasons(ws):  # built on a broken link: not measured, never a misleading number
        if key in out.columns:
            out[key] = np.nan
    return out


def percentile_ranks(values: pd.Series) -> pd.Series:
    """Percentile rank (0..100] among the measured values; missing stays missing."""
    return values.rank(pct=True, method="average") * 100


def dial_scores(evidence: pd.DataFrame, settings: Settings = Settings()) -> pd.DataFrame:
    """Lead, Manage and Coach per manager, with how many signals each rests on.

    Columns: manager, lead, manage, coach, n_signals_<dial>, of_signals_<dial>, and
    rank_<signal> for every signal (its percentile rank, or NaN when not measured).
    """
    out = evidence[["manager"]].copy()
    for s in SIGNALS:
        values = evidence[s.key] if s.key in evidence.columns else pd.Series(np.nan, index=evidence.index)
        ranked = percentile_ranks(values if s.higher_is_better else -values)
        out[f"rank_{s.key}"] = ranked
    for dial in DIALS:
        keys = [s.key for s in SIGNALS if s.dial == dial]
        ranks = out[[f"rank_{k}" for k in keys]]
        weights = np.array([settings.weight(k) for k in keys], dtype=float)
        present = ranks.notna().to_numpy()
        w = present * weights
        total = (ranks.fillna(0).to_numpy() * w).sum(axis=1)
        denom = w.sum(axis=1)
        out[dial] = np.where(denom > 0, total / np.where(denom > 0, denom, 1), np.nan)
        out[f"n_signals_{dial}"] = present.sum(axis=1)
        out[f"of_signals_{dial}"] = len(keys)
    return out


def development_index(evidence: pd.DataFrame) -> pd.Series:
    """Mean percentile rank of capability movement and execution independence (the two
    signals that show the team can perform without the manager); NaN when neither is measured."""
    ranks = pd.concat([percentile_ranks(evidence["capability_slope"]),
                       percentile_ranks(evidence["independence"])], axis=1)
    return ranks.mean(axis=1, skipna=True)


@opens_run
def diagnosis(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Everything the Managers page shows, one row per manager."""
    ev = manager_evidence(ws, filters, settings)
    dials = dial_scores(ev, settings)
    out = ev.merge(dials, on="manager", how="left").assign(development_index=development_index(ev).to_numpy())
    return out.merge(hero_pattern(ev, settings), on="manager", how="left")


def signal_table(diag: pd.DataFrame, reasons: dict[str, str] | None = None,
                 notes: dict[str, str] | None = None) -> pd.DataFrame:
    """Every signal of every manager in a diagnosis, long: value, percentile rank, what it
    rests on, and, where not measured, the export that would fill it, or the broken link's reason
    (``reasons``, from :func:`link_reasons`); a signal on a partial link says so (``notes``, from
    :func:`link_notes`)."""
    reasons, notes = reasons or {}, notes or {}
    rows = []
    for r in diag.to_dict("records"):
        for s in SIGNALS:
            value = r.get(s.key)
            measured = value is not None and not pd.isna(value)
            rows.append({
                "manager": r["manager"], "dial": DIALS[s.dial], "signal": s.label,
                "value": round(float(value), 3) if measured else None,
                "percentile rank": r.get(f"rank_{s.key}"),
                "rests on": f"{int(r.get(s.evidence) or 0):,} {s.evidence_label}"
                            + (f" ({notes[s.key]})" if measured and s.key in notes else ""),
                "status": "measured" if measured else (f"not measured: {reasons[s.key]}" if s.key in reasons
                                                       else f"not measured: needs {s.needs}"),
            })
    return pd.DataFrame(rows)


def prepare_pages(ws: Workspace, settings: Settings = Settings()) -> None:
    """Build what the pages start from for the workspace's current data: the sidebar's counts and
    options and the Managers page's building blocks (what the manager pages, the coaching and
    capability pages and Execution independence start from). The warm-up after an import runs it
    (:func:`analytics.store.warm.warm_up`)."""
    ws.counts()
    filter_options(ws)
    diagnosis(ws, Filters(), settings)
