"""The next-1:1 checklist: a manager's weakest evidence, worded as things to do, each with
the counts it rests on ("ask before telling: only 2 of 9 sessions started with a question")."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.fmt import fmt_count
from analytics.settings import Settings

BEHAVIOUR_ITEMS = {
    "named_specific_gap": ("Name the gap", "{s} of {o} sessions named a specific capability gap"),
    "asked_before_telling": ("Ask before telling", "{s} of {o} sessions started with a question"),
    "tied_to_plan": ("Tie it to the plan", "{s} of {o} sessions tied the point to a development plan"),
    "tracked_application": ("Track independent application",
                            "{s} of {o} sessions checked whether the rep applied it alone"),
}


@dataclass(frozen=True)
class ChecklistItem:
    title: str
    evidence: str
    severity: float  # 0..1, how far below the bar; the list is sorted by it

    def sentence(self) -> str:
        return f"**{self.title}**: {self.evidence}."


def _missing(v) -> bool:
    return v is None or pd.isna(v)


def next_one_on_one(row: pd.Series, behaviour_counts: dict[str, tuple[int, int]], stuck_examples: list[str],
                    settings: Settings = Settings(), limit: int = 6) -> list[ChecklistItem]:
    """Checklist items for one manager's row of ``dials.diagnosis``, weakest first.

    Only measured evidence produces an item; a behaviour shown in at least half of the
    sessions, follow-through of 70% or more, and so on, produce none.
    """
    items: list[ChecklistItem] = []
    for key, (title, text) in BEHAVIOUR_ITEMS.items():
        shown, observed = behaviour_counts.get(key, (0, 0))
        if observed and shown / observed < 0.5:
            items.append(ChecklistItem(title, "only " + text.format(s=shown, o=observed), 1 - shown / observed))
    share = row.get("skill_time_share")
    if not _missing(share) and abs(share - settings.skill_time_target) > 0.15:
        direction = "skills" if share < settings.skill_time_target else "pipeline"
        items.append(ChecklistItem(
            "Rebalance the 1:1", f"{share:.0%} of 1:1 minutes went to skill development against the "
            f"{settings.skill_time_target:.0%} target (more time on {direction})",
            abs(share - settings.skill_time_target) * 1.5))
    ft, due, done = row.get("follow_through_rate"), row.get("n_due", 0), row.get("n_completed_due", 0)
    if not _missing(ft) and ft < 0.7:
        items.append(ChecklistItem("Close the loop on development actions",
                                   f"{int(done)} of {int(due)} actions due were completed", 0.7 - ft + 0.2))
    rv, comp, revisited = row.get("revisit_rate"), row.get("n_completed", 0), row.get("n_revisited", 0)
    if not _missing(rv) and rv < 0.5:
        items.append(ChecklistItem("Revisit what was practised",
                                   f"{int(revisited)} of {int(comp)} completed actions were revisited", 0.5 - rv + 0.1))
    inv, n_cw = row.get("involvement_won_complex"), row.get("n_complex_won", 0)
    if not _missing(inv) and inv >= settings.hero_involvement:
        items.append(ChecklistItem("Step back from complex deals",
                                   f"involved in {inv:.0%} of the team's {int(n_cw)} won complex deals; "
                                   "pick one the rep runs alone", inv - settings.hero_involvement + 0.3))
    gap, flag = row.get("confidence_gap"), row.get("over_confident")
    if not _missing(gap) and not _missing(flag) and bool(flag):  # the gap's interval clears the bar (surveys.over_confidence)
        items.append(ChecklistItem(
            "Check the coaching with the reps",
            f"self-rating {row.get('self_rating'):.0%} ({int(row.get('n_self_ratings', 0))} answers), but "
            f"{row.get('reps_agree'):.0%} of {int(row.get('n_rep_coaching_answers', 0))} rep answers "
            f"({int(row.get('n_rep_coaching_respondents', 0))} reps) agree they are coached consistently: "
            f"a gap of {row.get('confidence_gap_low'):.0%} to {row.get('confidence_gap_high'):.0%}", gap))
    if stuck_examples:
        items.append(ChecklistItem("Rethink stuck gaps",
                                   f"{fmt_count(len(stuck_examples), 'named gap')} "
                                   f"{'has' if len(stuck_examples) == 1 else 'have'} not moved in two or more cycles "
                                   f"(e.g. {stuck_examples[0]}): change the approach, or treat as a fit question",
                                   0.5))
    return sorted(items, key=lambda i: i.severity, reverse=True)[:limit]


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
