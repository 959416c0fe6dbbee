"""The next-1:1 checklist: what to do in the next 1:1, the action the manager's verdict calls for
first, then the weakest evidence, each item with the counts it rests on and a benchmark ("ask
before telling: only 11 of 107 sessions started with a question (10%); the median in scope is 35%
(15 managers measured)").

The first item answers the manager's verdict (:data:`VERDICT_ACTIONS`, data: the first verdict
that holds and has an item wins; a flagged hero steps back from complex deals, an over-confident
manager checks the coaching with the reps, a low Coach dial practises the coaching behaviour most
missing). It is never cut by the limit. The benchmark is the median over the managers in scope
measured on the same figure (:func:`scope_medians`; not measured is left out, and n said), and the
fixed standard where FRAMEWORK.md has one (the 50/50 rule; the hero bar, a setting).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.fmt import fmt_count, fmt_pct, fmt_points
from analytics.settings import Settings

BEHAVIOUR_ITEMS = {
    "named_specific_gap": ("Name the gap", "{s} of {o} sessions named a specific capability gap"),
    "asked_before_telling": ("Ask before telling", "{s} of {o} sessions started with a question"),
    "tied_to_plan": ("Tie it to the plan", "{s} of {o} sessions tied the point to a development plan"),
    "tracked_application": ("Track independent application",
                            "{s} of {o} sessions checked whether the rep applied it alone"),
}

#: The figure each item is benchmarked on: item key -> (column of ``dials.diagnosis``, or
#: ``(numerator, denominator)`` of two count columns; a zero denominator is not measured). One
#: median per key over the managers in scope (:func:`scope_medians`).
BENCHMARK_COLUMNS: dict[str, str | tuple[str, str]] = {
    **{key: f"rate_{key}" for key in BEHAVIOUR_ITEMS},
    "skill_time": "skill_time_share",
    "follow_through": "follow_through_rate",
    "revisit": "revisit_rate",
    "step_back": "involvement_won_complex",
    "check_coaching": "confidence_gap",
    "stuck_gaps": ("n_gaps_stuck", "n_gaps_decided"),
}


@dataclass(frozen=True)
class VerdictAction:
    """One row of :data:`VERDICT_ACTIONS`: when ``row[column] <op> value``, the checklist leads with
    the most severe item of the first family in ``leads_with`` that has one."""

    verdict: str  # how the page names it beside the item: "(verdict: hero pattern)"
    column: str
    op: str  # "is" (identity, for True/False/None flags) or "<"
    value: object
    leads_with: tuple[str, ...]  # item keys; "behaviour" stands for the four coaching behaviours
    why: str


#: The action each verdict calls for, first match wins (the hero first: it is the product's question).
VERDICT_ACTIONS: tuple[VerdictAction, ...] = (
    VerdictAction("hero pattern", "hero", "is", True, ("step_back",),
                  "at plan by carrying the team's complex deals while capability stays flat: "
                  "let the reps run them"),
    VerdictAction("over-confident", "over_confident", "is", True, ("check_coaching",),
                  "the self-rating clears the reps' view by more than its noise: hear the reps first"),
    VerdictAction("low Coach", "coach", "<", 50.0,
                  ("behaviour", "follow_through", "revisit", "skill_time", "stuck_gaps"),
                  "Coach below half of the framework's standard (a dial only scores on enough evidence): "
                  "practise the coaching behaviour most missing, else the weakest coaching evidence"),
)
_OPS = {"is": operator.is_, "<": operator.lt}


@dataclass(frozen=True)
class ChecklistItem:
    title: str
    evidence: str  # what it rests on: the counts
    severity: float  # 0..1, how far below the bar; the list after the verdict's action is sorted by it
    benchmark: str = ""  # the manager's value against the median in scope and/or the fixed standard
    action: str = ""  # what to do, when the title alone does not say it
    key: str = ""  # which check made it (a key of BENCHMARK_COLUMNS)
    verdict: str = ""  # the verdict it answers when it leads the list (VERDICT_ACTIONS), else ""

    @property
    def text(self) -> str:
        """Evidence, benchmark and action in one sentence (without the title or a final stop)."""
        out = self.evidence + (f"; {self.benchmark}" if self.benchmark else "")
        return out + (f". {self.action[:1].upper()}{self.action[1:]}" if self.action else "")

    def sentence(self) -> str:
        return f"**{self.title}**: {self.text}."


def _missing(v) -> bool:
    return v is None or pd.isna(v)


def _points(share: float, sign: bool = False) -> str:
    """A difference of shares in points (:func:`analytics.fmt.fmt_points`): 0.5 -> "+50 points" with
    ``sign``, "50 points" without."""
    text = fmt_points(share)
    return text if sign else text.removeprefix("+")


#: key -> (median, number of managers measured on it)
Medians = dict[str, tuple[float, int]]


def scope_medians(scope: pd.DataFrame) -> Medians:
    """The median of each benchmarked figure over the managers in ``scope`` measured on it.

    ``scope`` is :func:`analytics.diagnosis.dials.diagnosis` (one row per manager in scope); a
    figure not measured (NaN, or a zero denominator) is left out and the n says how many remain.

    >>> scope_medians(pd.DataFrame({"follow_through_rate": [0.2, None, 0.6]}))["follow_through"]
    (0.4, 2)
    """
    scope = scope.drop_duplicates("manager") if "manager" in scope.columns else scope
    values = {}
    for key, col in BENCHMARK_COLUMNS.items():
        if isinstance(col, tuple):
            num, den = col
            if num not in scope.columns or den not in scope.columns:
                continue
            d = pd.to_numeric(scope[den], errors="coerce")
            values[key] = pd.to_numeric(scope[num], errors="coerce") / d.where(d > 0)
        elif col in scope.columns:
            values[key] = pd.to_numeric(scope[col], errors="coerce")
    out: Medians = {}
    for key, v in values.items():
        v = v.dropna()
        if len(v):
            out[key] = (float(v.median()), int(len(v)))
    return out


def _median(key: str, medians: Medians | None, points: bool = False) -> str:
    """ "the median in scope is 45% (15 managers measured)", or "" with fewer than two measured."""
    median, n = (medians or {}).get(key, (None, 0))
    if median is None or n < 2:
        return ""
    value = _points(median, sign=True) if points else fmt_pct(median)
    return f"the median in scope is {value} ({fmt_count(n, 'manager')} measured)"


def _benchmark(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _holds(v, op: str, value) -> bool:
    if _missing(v):
        return False
    if op == "is":
        return isinstance(v, (bool, np.bool_)) and bool(v) is value
    return bool(_OPS[op](float(v), value))


def verdict_action(row: pd.Series, items: list[ChecklistItem]) -> tuple[VerdictAction, ChecklistItem] | None:
    """The first verdict of :data:`VERDICT_ACTIONS` that holds for ``row`` and has an item, with that item."""
    for v in VERDICT_ACTIONS:
        if not _holds(row.get(v.column), v.op, v.value):
            continue
        for family in v.leads_with:
            keys = set(BEHAVIOUR_ITEMS) if family == "behaviour" else {family}
            found = [i for i in items if i.key in keys]
            if found:
                return v, max(found, key=lambda i: i.severity)
    return None


def read_from_notes(n_text: int, observed: int, n_uncertain: int) -> str:
    """What a behaviour item rests on when its sessions were read from the notes ("" when none was).

    >>> read_from_notes(14, 16, 2), read_from_notes(3, 3, 0), read_from_notes(0, 5, 0)
    ('read from the notes of 14 of 16 sessions; 2 uncertain, not counted', 'read from the notes of 3 of 3 sessions', '')
    """
    if not n_text and not n_uncertain:
        return ""
    out = f"read from the notes of {n_text:,} of {fmt_count(observed, 'session')}"
    return out + (f"; {n_uncertain:,} uncertain, not counted" if n_uncertain else "")


def next_one_on_one(row: pd.Series, behaviour_counts: dict[str, tuple[int, int]], stuck_examples: list[str],
                    settings: Settings = Settings(), limit: int = 6,
                    medians: Medians | None = None,
                    readings: dict[str, tuple[int, int]] | None = None) -> list[ChecklistItem]:
    """Checklist items for one manager's row of ``dials.diagnosis``: the verdict's action first
    (:data:`VERDICT_ACTIONS`, never cut by ``limit``), then the rest weakest first.

    Only measured evidence produces an item; a behaviour shown in at least half of the
    sessions, follow-through of 70% or more, and so on, produce none. ``medians`` (from
    :func:`scope_medians` over the managers in scope) give each item its benchmark beside the
    fixed standard where there is one; without them an item is benchmarked on its bar.
    ``readings`` (behaviour -> sessions read confidently from the notes, readings uncertain:
    :func:`analytics.signals.coaching_text.reading_counts`) make a behaviour item say so.
    """
    items: list[ChecklistItem] = []
    for key, (title, text) in BEHAVIOUR_ITEMS.items():
        shown, observed = behaviour_counts.get(key, (0, 0))
        if observed and shown / observed < 0.5:
            n_text, n_uncertain = (readings or {}).get(key, (0, 0))
            basis = read_from_notes(n_text, observed, n_uncertain)
            items.append(ChecklistItem(
                title, f"only {text.format(s=shown, o=observed)} ({fmt_pct(shown / observed)}"
                + (f"; {basis})" if basis else ")"), 1 - shown / observed,
                _median(key, medians) or "the checklist's bar is 50%",
                key=key))
    share = row.get("skill_time_share")
    if not _missing(share) and abs(share - settings.skill_time_target) > 0.15:
        direction = "skills" if share < settings.skill_time_target else "pipeline"
        n_split = row.get("n_sessions_with_split")
        over = f" over {fmt_count(int(n_split), 'session')} with a minutes split" if not _missing(n_split) else ""
        items.append(ChecklistItem(
            "Rebalance the 1:1", f"{fmt_pct(share)} of 1:1 minutes went to skill development{over}",
            abs(share - settings.skill_time_target) * 1.5,
            _benchmark(f"the 50/50 rule's target is {fmt_pct(settings.skill_time_target)}",
                       _median("skill_time", medians)),
            f"more time on {direction}", key="skill_time"))
    ft, due, done = row.get("follow_through_rate"), row.get("n_due", 0), row.get("n_completed_due", 0)
    if not _missing(ft) and ft < 0.7:
        items.append(ChecklistItem("Close the loop on development actions",
                                   f"{int(done)} of {int(due)} actions due were completed ({fmt_pct(ft)})",
                                   0.7 - ft + 0.2, _median("follow_through", medians) or "the checklist's bar is 70%",
                                   key="follow_through"))
    rv, comp, revisited = row.get("revisit_rate"), row.get("n_completed", 0), row.get("n_revisited", 0)
    if not _missing(rv) and rv < 0.5:
        items.append(ChecklistItem("Revisit what was practised",
                                   f"{int(revisited)} of {int(comp)} completed actions were revisited ({fmt_pct(rv)})",
                                   0.5 - rv + 0.1, _median("revisit", medians) or "the checklist's bar is 50%",
                                   key="revisit"))
    inv, n_cw = row.get("involvement_won_complex"), row.get("n_complex_won", 0)
    if not _missing(inv) and inv >= settings.hero_involvement:
        items.append(ChecklistItem("Step back from complex deals",
                                   f"involved in {fmt_pct(inv)} of the team's {int(n_cw)} won complex deals",
                                   inv - settings.hero_involvement + 0.3,
                                   _benchmark(f"the hero bar is {fmt_pct(settings.hero_involvement)}",
                                              _median("step_back", medians)),
                                   "pick one deal the rep runs alone", key="step_back"))
    gap, flag = row.get("confidence_gap"), row.get("over_confident")
    if not _missing(gap) and not _missing(flag) and bool(flag):  # the gap's interval clears the bar (surveys.over_confidence)
        items.append(ChecklistItem(
            "Check the coaching with the reps",
            f"self-rating {fmt_pct(row.get('self_rating'))} ({fmt_count(int(row.get('n_self_ratings', 0)), 'answer')}), but "
            f"{fmt_pct(row.get('reps_agree'))} of {fmt_count(int(row.get('n_rep_coaching_answers', 0)), 'rep answer')} "
            f"({fmt_count(int(row.get('n_rep_coaching_respondents', 0)), 'rep')}) agree they are coached consistently: "
            f"a gap of {_points(gap, sign=True)} ({settings.overconfidence_confidence:.0%} interval "
            f"{round(100 * row.get('confidence_gap_low'))} to "
            f"{_points(row.get('confidence_gap_high'))})",
            gap, _median("check_coaching", medians, points=True) or "the standard is no gap (0 points)",
            key="check_coaching"))
    if stuck_examples:
        k = len(stuck_examples)
        n_stuck, decided = row.get("n_gaps_stuck"), row.get("n_gaps_decided")
        share = (f"; {int(n_stuck)} of {int(decided)} judged gaps stuck ({fmt_pct(n_stuck / decided)})"
                 if not _missing(n_stuck) and not _missing(decided) and decided else "")
        items.append(ChecklistItem("Rethink stuck gaps",
                                   f"{fmt_count(k, 'named gap')} {'has' if k == 1 else 'have'} not moved in two or more "
                                   f"cycles (e.g. {stuck_examples[0]}){share}", 0.5,
                                   _median("stuck_gaps", medians) if share else "",
                                   "change the approach, or treat as a fit question", key="stuck_gaps"))
    ranked = sorted(items, key=lambda i: i.severity, reverse=True)
    found = verdict_action(row, items)
    if found is None:
        return ranked[:limit]
    verdict, lead = found
    return [replace(lead, verdict=verdict.verdict)] + [i for i in ranked if i is not lead][:max(limit - 1, 0)]


#: What the checklist reads: (label, the row column measured when not missing, the export that would measure it).
#: Behaviours and stuck gaps are read from their own arguments, not from the row.
CHECKS = (
    ("coaching behaviours", None, "a coaching sessions export with the behaviour flags"),
    ("skill time", "skill_time_share", "coaching sessions with a skills/pipeline minutes split"),
    ("follow-through", "follow_through_rate", "a development actions export with due dates"),
    ("revisits", "revisit_rate", "development actions with revisit dates"),
    ("involvement in complex deals", "involvement_won_complex",
     "a manager-involved flag or activities on closed deals"),
    ("coaching survey", "confidence_gap", "a coaching survey export"),
    ("stuck gaps", None, "a capability reviews export"),
)
#: Fewer checks than this that ran make an empty checklist "thin evidence", not "no weak spot".
FEW_CHECKS = 4


def checklist_basis(row: pd.Series, behaviour_counts: dict[str, tuple[int, int]],
                    gaps_measured: bool) -> tuple[list[str], list[str]]:
    """The checks :func:`next_one_on_one` could run for this manager, and those it could not (with the export).

    >>> checklist_basis(pd.Series({"follow_through_rate": 0.8}), {"tied_to_plan": (0, 0)}, False)[0]
    ['follow-through']
    """
    ran = {"coaching behaviours": any(o for _, o in behaviour_counts.values()), "stuck gaps": bool(gaps_measured)}
    checked, unchecked = [], []
    for label, col, needs in CHECKS:
        done = ran[label] if col is None else not _missing(row.get(col))
        if done:
            checked.append(label)
        else:
            unchecked.append(f"{label} (needs {needs})")
    return checked, unchecked


def empty_checklist_note(checked: list[str], unchecked: list[str]) -> str:
    """What an empty checklist means, by how much it rests on: never an all-clear over checks that did not run.

    >>> empty_checklist_note([], ["skill time (needs x)"])
    'No checklist yet: none of the evidence it reads is measured here, so nothing could be checked. Not checked: skill time (needs x).'
    >>> empty_checklist_note(["follow-through"], ["skill time (needs x)"])[:60]
    'No item, but this rests on few signals (1 of 2 checks ran): '
    """
    not_run = f" Not checked: {'; '.join(unchecked)}." if unchecked else ""
    if not checked:
        return f"No checklist yet: none of the evidence it reads is measured here, so nothing could be checked.{not_run}"
    ran = f"Checked: {', '.join(checked)}."
    total = len(checked) + len(unchecked)
    if len(checked) < min(FEW_CHECKS, total):
        return (f"No item, but this rests on few signals ({len(checked)} of {total} checks ran): "
                f"not a sign that all is well. {ran}{not_run}")
    return f"No weak spot in the checks that ran. Ask what the team's next stretch is. {ran}{not_run}"
