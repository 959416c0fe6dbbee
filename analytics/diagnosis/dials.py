"""The three dials (Lead, Manage, Coach), the development index and the hero pattern.

Every signal is scored on an absolute 0..100 scale anchored in FRAMEWORK.md (:data:`ANCHORS`:
shares × 100, rates against their standard, capability slope against its target, skill time
against the 50/50 rule), never against the other managers, so the same evidence reads the same
in any filter and at any client. A signal counts only on at least ``min_signal_evidence`` of its
evidence. Each dial is the weighted mean of its measured signal scores, scored only on at least
``min_dial_signals`` of them (Coach also needs coaching evidence: sessions, development actions or
named gaps); otherwise it reads "not enough evidence" and says why. A signal with no evidence is
"not measured"; nothing is imputed. The rank among the managers in scope is context beside the
score (``rank_in_scope_<dial>`` of ``n_ranked_<dial>``), never part of it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

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


#: Figures read with a signal and blanked with it when its link is broken (the flag and interval of
#: the confidence gap would otherwise outlive the gap they are drawn from).
COMPANIONS: dict[str, tuple[str, ...]] = {
    "confidence_gap": ("confidence_gap_low", "confidence_gap_high", "over_confident"),
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
        for col in (key, *COMPANIONS.get(key, ())):
            if col in out.columns:
                out[col] = None if out[col].dtype == object else np.nan
    return out


@dataclass(frozen=True)
class Anchor:
    """How one signal's value reads on the absolute 0..100 scale (FRAMEWORK.md's standards).

    ``kind`` is one of

    * ``"share"``: a share of 0..1 (an agreement, a rate, a share of deals), scored share × 100;
    * ``"standard"``: a rate against the standard in the setting ``setting``, scored
      min(value ÷ standard, 1) × 100;
    * ``"ramp"``: 0 at or below 0, 100 at or above the setting ``setting``, linear between;
    * ``"peak"``: 100 at the target in the setting ``setting``, falling linearly to 0 at 0 and at 1.

    ``column`` is the evidence column scored (the signal's own by default); ``why`` the anchor's
    justification, shown with the signal table.
    """

    kind: str
    why: str
    setting: str | None = None
    column: str | None = None


_SHARE = "a share of 0..1: every point of it counts the same wherever the manager works"

#: Every signal's anchor: the same evidence scores the same in any filter and at any client,
#: because nothing here depends on the other managers (tests/unit/test_dials.py fails on a signal
#: missing). Lower-is-better signals would be read by their anchor, never by a rank.
ANCHORS: dict[str, Anchor] = {
    "lead_direction": Anchor("share", "reps' mean answer on direction, 0 at the scale's bottom, 100 at its top"),
    "lead_motivation": Anchor("share", "reps' mean answer on motivation, 0 at the scale's bottom, 100 at its top"),
    "lead_buy_in": Anchor("share", "reps' mean answer on buy-in, 0 at the scale's bottom, 100 at its top"),
    "retention": Anchor("share", "share of the team's reps still there: " + _SHARE),
    "pipeline_reviews_per_rep_month": Anchor(
        "standard", "100 at the pipeline-review standard (a review with each rep every fortnight), "
                    "in proportion below it", "pipeline_review_standard"),
    "coverage_vs_standard": Anchor("share", "open pipeline against the coverage standard, 100 at the standard"),
    "hygiene": Anchor("share", "share of open deals neither stale nor past due: " + _SHARE),
    "activity_standard_met": Anchor("share", "share of rep-weeks at the activity standard: " + _SHARE),
    "capability_slope": Anchor(
        "ramp", "0 when capability is flat or falling, 100 at the target slope (the 'moved' rise "
                "over two cycles), linear between", "capability_slope_target"),
    "share_gaps_moved": Anchor("share", "share of decided named gaps that moved: " + _SHARE),
    "follow_through_rate": Anchor("share", "development actions completed of those due: " + _SHARE),
    "revisit_rate": Anchor("share", "completed actions revisited: " + _SHARE),
    "independence": Anchor("share", "complex deals won without the manager: " + _SHARE),
    "quality_index": Anchor("share", "mean share of sessions showing the four behaviours: " + _SHARE),
    "skill_time_closeness": Anchor(
        "peak", "the 50/50 rule: 100 at the target share of 1:1 time on skills, 0 at no skill time "
                "or all of it, linear between", "skill_time_target", "skill_time_share"),
}

#: Coach signals that are coaching evidence (sessions, development actions or named gaps): the
#: Coach dial needs at least one. Capability movement and independence alone never make a Coach
#: score (flat reviews and a manager who never joins a deal say nothing of coaching).
COACHING_EVIDENCE: tuple[str, ...] = ("quality_index", "skill_time_closeness", "follow_through_rate",
                                      "revisit_rate", "share_gaps_moved")
NO_COACHING_EVIDENCE = "not enough evidence: no coaching sessions, development actions or named gaps"

#: The two signals that show a team can perform without the manager (the development index).
DEVELOPMENT_SIGNALS: tuple[str, ...] = ("capability_slope", "independence")


def anchored(key: str, values: pd.Series, settings: Settings = Settings()) -> pd.Series:
    """A signal's values on its absolute 0..100 scale (:data:`ANCHORS`); missing stays missing.

    >>> anchored("hygiene", pd.Series([0.0, 0.8, 1.0])).tolist()
    [0.0, 80.0, 100.0]
    >>> anchored("pipeline_reviews_per_rep_month", pd.Series([0.5, 2.0, 6.0])).tolist()
    [25.0, 100.0, 100.0]
    >>> anchored("capability_slope", pd.Series([-0.02, 0.0, 0.025, 0.1])).tolist()
    [0.0, 0.0, 50.0, 100.0]
    >>> anchored("skill_time_closeness", pd.Series([0.0, 0.25, 0.5, 0.75, 1.0])).tolist()
    [0.0, 50.0, 100.0, 50.0, 0.0]
    """
    a = ANCHORS[key]
    v = pd.to_numeric(values, errors="coerce").astype(float)
    if a.kind == "share":
        score = v.clip(0.0, 1.0)
    elif a.kind == "standard":
        score = (v / float(getattr(settings, a.setting))).clip(0.0, 1.0)
    elif a.kind == "ramp":
        score = (v / float(getattr(settings, a.setting))).clip(0.0, 1.0)
    elif a.kind == "peak":
        t = float(getattr(settings, a.setting))
        v = v.clip(0.0, 1.0)
        below = v / t if t > 0 else pd.Series(np.where(v <= 0, 1.0, 0.0), index=v.index)
        above = (1 - v) / (1 - t) if t < 1 else pd.Series(np.where(v >= 1, 1.0, 0.0), index=v.index)
        score = below.where(v <= t, above).where(v.notna())
    else:  # pragma: no cover - the table is data, checked by tests
        raise ValueError(f"unknown anchor kind {a.kind!r}")
    return score * 100


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series(np.nan, index=frame.index, dtype=float)


def signal_scores(evidence: pd.DataFrame, settings: Settings = Settings()) -> pd.DataFrame:
    """``score_<signal>`` per manager (0..100, :func:`anchored`), NaN when the signal is not
    measured or rests on less than ``settings.min_signal_evidence`` of its evidence (a missing
    count column counts as none)."""
    out = pd.DataFrame(index=evidence.index)
    for s in SIGNALS:
        a = ANCHORS[s.key]
        value = _column(evidence, s.key)
        scored = anchored(s.key, _column(evidence, a.column) if a.column else value, settings)
        count = pd.to_numeric(_column(evidence, s.evidence), errors="coerce").fillna(0)
        out[f"score_{s.key}"] = scored.where(value.notna() & (count >= settings.min_signal_evidence))
    return out


def _rests_on(row: dict, keys: list[str], settings: Settings) -> tuple[list[str], list[str]]:
    """The measured signals of a dial in words (label, n) and those below the minimum evidence."""
    used, thin = [], []
    for k in keys:
        s = SIGNAL_BY_KEY[k]
        count = row.get(s.evidence)
        n = 0 if count is None or pd.isna(count) else int(count)
        if not pd.isna(row.get(f"score_{k}")):
            used.append(f"{s.label}: {n:,} {s.evidence_label}")
        elif not pd.isna(row.get(k)) and n < settings.min_signal_evidence:
            thin.append(f"{s.label}: {n:,} {s.evidence_label}")
    return used, thin


def dial_note(row: dict, dial: str, settings: Settings = Settings()) -> str:
    """Why a dial of one manager (a diagnosis row with its ``score_*`` columns) is not scored: ""
    when it is, else "not measured: ..." (no evidence at all) or "not enough evidence: ..."."""
    keys = [s.key for s in SIGNALS if s.dial == dial and settings.weight(s.key) > 0]
    used, thin = _rests_on(row, keys, settings)
    coaching = [k for k in keys if k in COACHING_EVIDENCE and not pd.isna(row.get(f"score_{k}"))]
    if len(used) >= settings.min_dial_signals and (dial != "coach" or coaching):
        return ""
    if not used and not thin:
        return f"not measured: none of its {len(keys)} signals has evidence yet"
    if dial == "coach" and len(used) >= settings.min_dial_signals:
        return NO_COACHING_EVIDENCE + (f" (below the minimum of {settings.min_signal_evidence}: {'; '.join(thin)})"
                                       if thin else "")
    said = f"not enough evidence: rests on {len(used)} of {len(keys)} signals"
    said += f" ({'; '.join(used)})" if used else ""
    if thin:
        said += f"; below the minimum of {settings.min_signal_evidence}: {'; '.join(thin)}"
    if dial == "coach" and not coaching:
        said += "; no coaching sessions, development actions or named gaps"
    return said


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st ...

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '102nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_context(rank, n_ranked) -> str:
    """The rank in scope as context ("3rd of 12 in scope"); "" when unranked or alone in scope.

    >>> rank_context(3.0, 12), rank_context(1.0, 1), rank_context(float("nan"), 5)
    ('3rd of 12 in scope', '', '')
    """
    if rank is None or n_ranked is None or pd.isna(rank) or pd.isna(n_ranked) or int(n_ranked) < 2:
        return ""
    return f"{ordinal(int(rank))} of {int(n_ranked)} in scope"


def dial_rests_on(row, dial: str) -> str:
    """The evidence behind each signal a dial of one manager rests on (its scored signals, each
    count once): "48 survey answers, 10 reps"; "" when none is scored."""
    parts = []
    for s in SIGNALS:
        score = row.get(f"score_{s.key}")
        if s.dial == dial and score is not None and not pd.isna(score):
            count = row.get(s.evidence)
            parts.append(f"{0 if count is None or pd.isna(count) else int(count):,} {s.evidence_label}")
    return ", ".join(dict.fromkeys(parts))


def dial_basis(row, dial: str) -> str:
    """What a dial of one manager rests on, with its rank as context: "3 of 4 signals (48 survey
    answers, 10 reps) · 3rd of 12 in scope"; when it is not scored, why (its ``dial_note_<dial>``)."""
    value = row.get(dial)
    if value is None or pd.isna(value):
        return str(row.get(f"dial_note_{dial}") or "not measured")
    n, of = int(row.get(f"n_signals_{dial}") or 0), int(row.get(f"of_signals_{dial}") or 0)
    rank = rank_context(row.get(f"rank_in_scope_{dial}"), row.get(f"n_ranked_{dial}"))
    return " · ".join(bit for bit in (f"{n} of {of} signals ({dial_rests_on(row, dial)})", rank) if bit)


def dial_summary(row, dial: str) -> str:
    """A dial of one manager in words: "72 · 3 of 4 signals (48 survey answers, 10 reps) · 3rd of 12
    in scope", or "not enough evidence: ..." / "not measured: ..."."""
    value = row.get(dial)
    basis = dial_basis(row, dial)
    return basis if value is None or pd.isna(value) else f"{value:.0f} · {basis}"


def dial_scores(evidence: pd.DataFrame, settings: Settings = Settings()) -> pd.DataFrame:
    """Lead, Manage and Coach per manager on the absolute 0..100 scale, with what each rests on.

    Each dial is the weighted mean (``settings.weight``) of its measured signal scores
    (:func:`signal_scores`); it is scored only on at least ``settings.min_dial_signals`` of them,
    and Coach only with at least one signal of :data:`COACHING_EVIDENCE`; otherwise NaN, with
    ``dial_note_<dial>`` saying why. The rank among the managers given (1 = best, ties share the
    best rank) is context, never part of a score.

    Columns: manager, every ``score_<signal>``, and per dial: <dial>, dial_note_<dial>,
    n_signals_<dial> (measured signals it rests on), of_signals_<dial>, rank_in_scope_<dial>,
    n_ranked_<dial>.
    """
    scores = signal_scores(evidence, settings)
    out = pd.concat([evidence[["manager"]].reset_index(drop=True), scores.reset_index(drop=True)], axis=1)
    rows = pd.concat([evidence.reset_index(drop=True), scores.reset_index(drop=True)], axis=1).to_dict("records")
    for dial in DIALS:
        keys = [s.key for s in SIGNALS if s.dial == dial]
        weights = np.array([settings.weight(k) for k in keys], dtype=float)
        block = out[[f"score_{k}" for k in keys]].to_numpy(dtype=float)
        present = ~np.isnan(block) & (weights > 0)
        w = present * weights
        denom = w.sum(axis=1)
        mean = (np.where(present, block, 0.0) * w).sum(axis=1) / np.where(denom > 0, denom, 1)
        coaching = np.array([k in COACHING_EVIDENCE for k in keys])
        enough = present.sum(axis=1) >= settings.min_dial_signals
        if dial == "coach":
            enough &= (present & coaching).any(axis=1)
        out[dial] = np.where(enough & (denom > 0), mean, np.nan)
        out[f"dial_note_{dial}"] = [dial_note(r, dial, settings) for r in rows]
        out[f"n_signals_{dial}"] = present.sum(axis=1)
        out[f"of_signals_{dial}"] = int((weights > 0).sum())
        out[f"rank_in_scope_{dial}"] = out[dial].rank(ascending=False, method="min")
        out[f"n_ranked_{dial}"] = int(out[dial].notna().sum())
    return out


def development_index(evidence: pd.DataFrame, settings: Settings = Settings()) -> pd.Series:
    """Mean absolute score (0..100) of capability movement and execution independence (the two
    signals that show the team can perform without the manager); NaN when neither is measured.
    Like the dials, it does not depend on who else is in scope."""
    scores = signal_scores(evidence, settings)
    return scores[[f"score_{k}" for k in DEVELOPMENT_SIGNALS]].mean(axis=1, skipna=True)


@opens_run
def diagnosis(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Everything the Managers page shows, one row per manager: the evidence, the dials of
    :func:`dial_scores` (with every ``score_<signal>``), the development index and the hero pattern."""
    ev = manager_evidence(ws, filters, settings)
    dials = dial_scores(ev, settings)
    # the development index from the signal scores the dials hold (:func:`development_index`, not scored twice)
    index = dials[[f"score_{k}" for k in DEVELOPMENT_SIGNALS]].mean(axis=1, skipna=True)
    out = ev.merge(dials, on="manager", how="left").assign(development_index=index.to_numpy())
    return out.merge(hero_pattern(ev, settings), on="manager", how="left")


def signal_table(diag: pd.DataFrame, reasons: dict[str, str] | None = None,
                 notes: dict[str, str] | None = None, settings: Settings = Settings()) -> pd.DataFrame:
    """Every signal of every manager in a diagnosis, long: value, absolute score (0..100), what it
    rests on, the standard it is scored against, and a status: "measured", "below the minimum of
    3 ..." (evidence too thin to count), or "not measured" with the export that would fill it, or
    the broken link's reason (``reasons``, from :func:`link_reasons`); a signal on a partial link
    says so (``notes``, from :func:`link_notes`)."""
    reasons, notes = reasons or {}, notes or {}
    rows = []
    for r in diag.to_dict("records"):
        for s in SIGNALS:
            value, score = r.get(s.key), r.get(f"score_{s.key}")
            measured = value is not None and not pd.isna(value)
            count = r.get(s.evidence)
            n = 0 if count is None or pd.isna(count) else int(count)
            if not measured:
                status = f"not measured: {reasons[s.key]}" if s.key in reasons else f"not measured: needs {s.needs}"
            elif score is None or pd.isna(score):
                status = (f"below the minimum of {settings.min_signal_evidence} {s.evidence_label}: "
                          "not counted in the dial")
            else:
                status = "measured"
            rows.append({
                "manager": r["manager"], "dial": DIALS[s.dial], "signal": s.label,
                "value": round(float(value), 3) if measured else None,
                "score": None if score is None or pd.isna(score) else round(float(score), 1),
                "rests on": f"{n:,} {s.evidence_label}" + (f" ({notes[s.key]})" if measured and s.key in notes else ""),
                "scored against": ANCHORS[s.key].why,
                "status": status,
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
