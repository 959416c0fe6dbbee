"""One manager's evidence as plain values: what the Manager detail page shows, for handouts
and reports that are not Streamlit pages.

:func:`manager_profiles` computes the diagnosis, the named gaps and the dependency curve once
for every manager in scope (each dial on its absolute 0..100 scale; the rank among *those* managers
is context beside it), then builds one
:class:`ManagerProfile` per manager asked for. Every figure equals the one on the page; a
figure with no evidence is None and its ``basis`` says which export would fill it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.diagnosis.checklist import (
    ChecklistItem,
    checklist_basis,
    empty_checklist_note,
    next_one_on_one,
    scope_medians,
)
from analytics.diagnosis.dials import DIALS, diagnosis, dial_rests_on, rank_context
from analytics.filters import Filters
from analytics.fmt import clip, fmt_pct, fmt_slope, signed
from analytics.results.attainment import quota_basis
from analytics.settings import Settings
from analytics.signals.capability import named_gaps
from analytics.signals.coaching import BEHAVIOURS, behaviour_counts
from analytics.signals.coaching_text import reading_counts
from analytics.signals.independence import dependency_curve
from analytics.signals.surveys import confidence_verdict
from analytics.store.workspace import Workspace

#: What fills each of the three signals when it is not measured (worded as on the page).
NEEDS_REVIEWS = "needs a review export (rep, capability, cycle, score)"
NEEDS_ACTIONS = "needs a development-actions export"
NEEDS_DEALS = "needs closed deals with a manager-involved flag or activities on them"
NEEDS_QUOTA = "needs a quota export"
NEEDS_CONFIDENCE = "needs the manager's self-rating and reps' answers on coaching consistency"
NEEDS_SPLIT = "needs a coaching log with pipeline and skill minutes"


@dataclass(frozen=True)
class SignalLine:
    """One of the three signals of development. ``value`` None = not measured (``basis`` then
    says which export would fill it); ``trend`` is a word ("moving", "flat", "shrinking", ...)."""

    label: str
    value: str | None
    basis: str
    trend: str | None = None


@dataclass(frozen=True)
class BehaviourLine:
    """One of the four coaching behaviours: shown in ``shown`` of ``observed`` sessions
    (``observed`` 0 = not measured)."""

    key: str
    label: str
    shown: int
    observed: int

    @property
    def measured(self) -> bool:
        return self.observed > 0

    @property
    def rate(self) -> float | None:
        return self.shown / self.observed if self.observed else None


@dataclass
class ManagerProfile:
    manager: str
    team: str | None
    region: str | None
    reps: int
    dials: dict[str, float | None]  # key of dials.DIALS -> 0..100, None = not measured
    dial_basis: dict[str, str]  # key of dials.DIALS -> "3 of 4 signals measured"
    attainment: float | None
    attainment_basis: str
    development_index: float | None
    hero: bool | None  # None = cannot tell
    hero_reason: str
    signals: list[SignalLine]  # capability movement, follow-through, dependency on the manager
    behaviours: list[BehaviourLine]  # the four, in BEHAVIOURS order
    skill_time_share: float | None
    confidence_gap: float | None
    confidence_basis: str
    checklist: list[ChecklistItem]
    stuck_gaps: list[str]  # "Rep: capability"
    skill_time_basis: str = ""
    self_rating: float | None = None
    reps_agree: float | None = None
    won_in_quota: float | None = None  # closed-won amount in the quota periods
    quota: float | None = None
    managers_in_scope: int = 0  # the managers in scope (the rank's context, never part of a score)
    dial_notes: dict[str, str] | None = None  # key of dials.DIALS -> "" when scored, else why not
    dial_evidence: dict[str, str] | None = None  # key of dials.DIALS -> "48 survey answers, 10 reps"
    dial_ranks: dict[str, str] | None = None  # key of dials.DIALS -> "2nd of 15 in scope" ("" alone)
    checklist_note: str = ""  # what an empty checklist means: the checks that ran and those that could not


def _num(value) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(v) else v


def _int(value) -> int:
    v = _num(value)
    return 0 if v is None else int(v)


def _text(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def _hero(value) -> bool | None:
    if value is True or value is False:
        return value
    if value is None or pd.isna(value):
        return None
    return bool(value)


def _capability_signal(row: pd.Series, settings: Settings) -> SignalLine:
    label = "Capability movement"
    slope = _num(row.get("capability_slope"))
    if slope is None:
        return SignalLine(label, None, NEEDS_REVIEWS, None)
    basis = f"slope over {_int(row.get('n_rep_capabilities'))} rep-capability series"
    cycles = _int(row.get("n_cycles"))
    if cycles:
        basis += f", {cycles} review cycles"
    decided = _int(row.get("n_gaps_decided"))
    if decided:
        basis += f"; {_int(row.get('n_gaps_moved'))} of {decided} named gaps moved"
    low, high = _num(row.get("capability_slope_low")), _num(row.get("capability_slope_high"))
    if low is not None and high is not None:
        basis += f"; 95% interval {signed(100 * low, 1)} to {signed(100 * high, 1)} points"
    # never "moving" (or "falling") when the slope's interval holds 0
    trend = ("moving" if slope >= settings.flat_slope and (low is None or low > 0) else
             "falling" if slope <= -settings.flat_slope and (high is None or high < 0) else "flat")
    return SignalLine(label, fmt_slope(100 * slope), basis, trend)  # points of the 0–100 scale


def _follow_through_signal(row: pd.Series) -> SignalLine:
    label = "Development follow-through"
    if not _int(row.get("n_actions")):
        return SignalLine(label, None, NEEDS_ACTIONS, None)
    due, done = _int(row.get("n_due")), _int(row.get("n_completed_due"))
    completed, revisited = _int(row.get("n_completed")), _int(row.get("n_revisited"))
    basis = f"{done} of {due} due completed · {revisited} of {completed} completed revisited"
    rate = _num(row.get("follow_through_rate"))
    if rate is None:
        return SignalLine(label, None, f"no action due yet ({_int(row.get('n_actions'))} assigned)", None)
    return SignalLine(label, f"{fmt_pct(rate)} completed of due", basis, None)


def _dependency_signal(row: pd.Series, curve: pd.DataFrame) -> SignalLine:
    label = "Dependency on the manager"
    if curve.empty:
        return SignalLine(label, None, NEEDS_DEALS, None)
    closed, involved = int(curve["n_complex_closed"].sum()), int(curve["n_involved"].sum())
    value = f"{fmt_pct(involved / closed)} of complex deals with the manager" if closed else None
    trend = _text(row.get("dependency_trend"))
    basis = f"{closed} complex closed deals over {len(curve)} quarters"
    n_won = _int(row.get("n_complex_won"))
    inv = _num(row.get("involvement_won_complex"))
    if n_won and inv is not None:
        basis += f"; involved in {fmt_pct(inv)} of {n_won} won"
    return SignalLine(label, value, basis, trend)


def manager_profiles(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(),
                     managers: list[str] | None = None) -> list[ManagerProfile]:
    """A :class:`ManagerProfile` per manager in scope (alphabetical), or per name in
    ``managers`` (in that order; names not in scope are left out).

    The dials are absolute (the same evidence reads the same whoever is in scope); their rank among
    all managers in scope, whichever are asked for, is context.
    """
    diag = diagnosis(ws, filters, settings)
    if diag.empty:
        return []
    by_manager = diag.drop_duplicates("manager").set_index("manager")
    periods = quota_basis(ws, filters, settings).short  # what attainment rests on, said once per manager
    names = [m for m in (managers if managers is not None else diag["manager"].tolist()) if m in by_manager.index]
    if not names:
        return []
    gaps = named_gaps(ws, filters, settings)
    stuck = gaps[gaps["status"] == "stuck"]
    curve = dependency_curve(ws, filters, settings).dropna(subset=["dependency"])
    medians = scope_medians(by_manager)  # each checklist item's benchmark: the managers in scope

    out = []
    for manager in names:
        row = by_manager.loc[manager]
        counts = behaviour_counts(ws, manager, filters)
        mine = stuck[stuck["manager"] == manager]
        examples = [f"{clip(r.rep)}: {clip(r.capability)}" for r in mine.itertuples()]
        items = next_one_on_one(row, counts, examples, settings, medians=medians,
                                readings=reading_counts(ws, manager, filters))
        judged = ((gaps["manager"] == manager) & (gaps["status"] != "not measured")).any()  # a stuck gap could show
        note = "" if items else empty_checklist_note(*checklist_basis(row, counts, judged))

        attainment = _num(row.get("attainment"))
        ranks = {d: rank_context(row.get(f"rank_in_scope_{d}"), row.get(f"n_ranked_{d}")) for d in DIALS}
        share = _num(row.get("skill_time_share"))
        gap = _num(row.get("confidence_gap"))
        self_rating, agree = _num(row.get("self_rating")), _num(row.get("reps_agree"))
        if gap is None:
            confidence_basis = NEEDS_CONFIDENCE
        else:
            confidence_basis = (f"self-rating {fmt_pct(self_rating)} ({_int(row.get('n_self_ratings'))} answers) "
                                f"against {fmt_pct(agree)} of reps agreeing "
                                f"({_int(row.get('n_rep_coaching_answers'))} answers from "
                                f"{_int(row.get('n_rep_coaching_respondents'))} reps); "
                                + confidence_verdict(row, settings))
        out.append(ManagerProfile(
            manager=manager,
            team=_text(row.get("team")),
            region=_text(row.get("region")),
            reps=_int(row.get("reps")),
            dials={d: _num(row.get(d)) for d in DIALS},
            dial_basis={d: f"{_int(row.get(f'n_signals_{d}'))} of {_int(row.get(f'of_signals_{d}'))} "
                           "signals measured" for d in DIALS},
            dial_notes={d: _text(row.get(f"dial_note_{d}")) or "" for d in DIALS},
            dial_evidence={d: dial_rests_on(row, d) for d in DIALS},
            dial_ranks=ranks,
            attainment=attainment,
            attainment_basis=(f"{_int(row.get('n_reps_with_quota'))} reps with quota"
                              + (f" over the {periods}" if periods else "") if attainment is not None
                              else periods if _int(row.get("n_periods_in_progress")) and periods
                              else NEEDS_QUOTA),
            development_index=_num(row.get("development_index")),
            hero=_hero(row.get("hero")),
            hero_reason=_text(row.get("reason")) or "",
            signals=[_capability_signal(row, settings), _follow_through_signal(row),
                     _dependency_signal(row, curve[curve["manager"] == manager])],
            behaviours=[BehaviourLine(key, label, *counts.get(key, (0, 0))) for key, label in BEHAVIOURS.items()],
            skill_time_share=share,
            confidence_gap=gap,
            confidence_basis=confidence_basis,
            checklist=items,
            checklist_note=note,
            stuck_gaps=examples,
            skill_time_basis=(f"{_int(row.get('n_sessions_with_split'))} sessions with a minutes split"
                              if share is not None else NEEDS_SPLIT),
            self_rating=self_rating,
            reps_agree=agree,
            won_in_quota=_num(row.get("won_in_quota")),
            quota=_num(row.get("quota")),
            managers_in_scope=len(by_manager),
        ))
    return out
