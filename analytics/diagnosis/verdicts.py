"""The landing page's answer: which managers develop their team, which carry the number.

Read from one diagnosis (:func:`analytics.diagnosis.dials.diagnosis`), on the framework's fixed
standards, never against the other managers:

* **carrying the number**: the hero pattern (:mod:`analytics.diagnosis.hero`): at plan, involved
  in most of the team's won complex deals, the team's capability flat; "cannot tell" is not a hero;
* **developing their team**: the team's capability measurably rising on reviews: the slope per
  cycle at or above ``flat_slope`` with its 95% interval above 0 (the opposite of the hero
  pattern's "flat", :func:`analytics.signals.capability.is_flat`), on reviews in at least
  ``hero_min_review_cycles`` cycles (the hero pattern's own bar: two cycles make one change, not a
  trend).

A manager neither verdict can be given for is *withheld* with the reason (the evidence not
measured, or too thin), counted, never placed; a manager judged on both and showing neither is
counted apart. Each verdict's reason is one sentence with the n's it rests on, in the app's
vocabulary: whole percentages, capability slopes in points per cycle on the 0–100 scale.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.fmt import fmt_count, fmt_pct, fmt_slope
from analytics.settings import SIGNAL_BY_KEY, Settings
from analytics.signals.capability import is_flat

#: What fills each piece of evidence the verdicts need, keyed as the hero pattern's "cannot
#: tell" reasons name it (data: a new piece of evidence is one more line).
NEEDS: dict[str, str] = {
    "roster": "a people export naming each rep's manager",
    "capability movement": SIGNAL_BY_KEY["capability_slope"].needs + " over at least three cycles",
    "attainment": "a quota export (owner, period, amount) beside closed-won deals",
    "manager involvement": SIGNAL_BY_KEY["independence"].needs,
}
#: The per-manager figure (a key of :data:`analytics.diagnosis.dials.RESTS_ON`) behind each piece
#: of evidence: when its link between files is broken, the fix is the link, not another export.
FIGURE_OF: dict[str, str] = {"capability movement": "capability_slope", "attainment": "attainment",
                             "manager involvement": "involvement_won_complex"}
#: The canonical table whose export fills each piece of evidence, where one table does (involvement
#: may come from a flag on the deals or from activities): a loaded table is not asked for again.
FILLED_BY: dict[str, str] = {"roster": "people", "capability movement": "reviews", "attainment": "quotas"}


@dataclass(frozen=True)
class Verdict:
    """One manager placed, with the one-sentence reason and the evidence it rests on."""

    manager: str
    reason: str


@dataclass
class Verdicts:
    """The diagnosis in two lists, and what kept the other managers out of them."""

    developing: list[Verdict] = field(default_factory=list)
    carrying: list[Verdict] = field(default_factory=list)
    #: (why, how many managers): the managers no verdict can be given for, by reason
    withheld: list[tuple[str, int]] = field(default_factory=list)
    #: managers judged on both counts who show neither pattern
    neither: int = 0
    managers: int = 0
    #: managers whose capability movement could be judged (developing or not), and those the hero
    #: pattern was decided for (carrying or not): an empty list says "none" only over these
    told_developing: int = 0
    told_carrying: int = 0
    #: the exports that would let the withheld managers be judged (NEEDS' wording)
    needs: list[str] = field(default_factory=list)

    @property
    def n_withheld(self) -> int:
        return sum(n for _, n in self.withheld)

    @property
    def judged_nobody(self) -> bool:
        return not self.developing and not self.carrying and not self.neither


def points_per_cycle(slope: float) -> str:
    """A capability slope (normalised 0..1 per cycle) in points per cycle on the 0–100 scale
    (:func:`analytics.fmt.fmt_slope`).

    >>> points_per_cycle(0.0237), points_per_cycle(-0.0001), points_per_cycle(0.00094)
    ('+2.4 points per cycle', '0 points per cycle', '+0.1 points per cycle')
    >>> points_per_cycle(-0.012)
    '−1.2 points per cycle'
    """
    return fmt_slope(100 * slope)




def _count(value) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def developing_reason(r: dict) -> str:
    """Why a manager is developing their team, with the n's."""
    bits = [f"Capability up {points_per_cycle(r['capability_slope'])} over "
            f"{fmt_count(_count(r.get('n_cycles')), 'review cycle')} "
            f"({fmt_count(_count(r.get('n_rep_capabilities')), 'rep-capability series', 'rep-capability series')})"]
    if not pd.isna(r.get("independence", np.nan)) and _count(r.get("n_complex_won")):
        bits.append(f"{fmt_pct(r['independence'])} of {fmt_count(_count(r['n_complex_won']), 'won complex deal')}"
                    " closed without the manager")
    if not pd.isna(r.get("coach", np.nan)):
        bits.append(f"Coach dial {r['coach']:.0f}")
    if not pd.isna(r.get("attainment", np.nan)):
        bits.append(f"{fmt_pct(r['attainment'])} of plan")
    return "; ".join(bits) + "."


def carrying_reason(r: dict) -> str:
    """Why a manager carries the number (the hero pattern), with the n's."""
    return (f"{fmt_pct(r['attainment'])} of plan, but involved in {fmt_pct(r['involvement_won_complex'])} of the "
            f"team's {_count(r.get('n_complex_won'))} won complex deals; capability flat "
            f"({points_per_cycle(r['capability_slope'])} over {fmt_count(_count(r.get('n_cycles')), 'review cycle')}).")


def _withheld_reason(reason) -> str:
    text = str(reason or "evidence not measured").removeprefix("Cannot tell: ").rstrip(".")
    return text


def _need(key: str, broken: dict[str, str]) -> str:
    why = broken.get(FIGURE_OF.get(key, ""))
    return f"{key}: {why}, see Data health on the Data page" if why else NEEDS[key]


#: what the lists read of a diagnosis row (:func:`developing_reason`, :func:`carrying_reason`, the
#: withheld reasons); a missing column reads as not measured, as before
_READS = ("manager", "capability_slope", "n_cycles", "n_rep_capabilities", "independence", "n_complex_won", "coach",
          "attainment", "involvement_won_complex", "reason")


def verdicts(diag: pd.DataFrame, settings: Settings = Settings(),
             loaded: frozenset[str] | set[str] = frozenset({"people"}),
             broken: dict[str, str] | None = None) -> Verdicts:
    """The landing page's two lists from one diagnosis (see the module's docstring).

    ``loaded`` names the tables holding rows (:meth:`Workspace.counts`). An empty diagnosis with
    no roster asks for the roster and the evidence not loaded yet (:data:`FILLED_BY`); with a
    roster loaded it asks for nothing (the filters leave no manager, or the roster names none).
    ``broken`` holds the figures whose link between files is broken, with the reason
    (:func:`analytics.diagnosis.dials.link_reasons`): what the withheld managers need is then that
    link, not another export.
    """
    broken = broken or {}
    if diag.empty:
        if "people" in loaded:
            return Verdicts()
        return Verdicts(needs=[text for key, text in NEEDS.items() if FILLED_BY.get(key) not in loaded])
    slope = pd.to_numeric(diag["capability_slope"], errors="coerce")
    low = pd.to_numeric(diag["capability_slope_low"], errors="coerce")
    high = pd.to_numeric(diag["capability_slope_high"], errors="coerce")
    cycles = pd.to_numeric(diag["n_cycles"], errors="coerce").fillna(0)
    judged_capability = slope.notna() & (cycles >= settings.hero_min_review_cycles)
    moving = judged_capability & (slope > 0) & ~is_flat(slope, low, high, settings.flat_slope)
    hero = diag["hero"].map(lambda v: v is True or v is np.True_)
    told = diag["hero"].map(lambda v: v is not None and not pd.isna(v))

    read = [c for c in _READS if c in diag.columns]  # not the diagnosis's hundred columns, copied per list
    rows = diag[read].assign(_moving=moving.to_numpy(), _hero=hero.to_numpy(), _told=told.to_numpy())
    developing = rows[rows["_moving"]].sort_values(["capability_slope", "manager"], ascending=[False, True])
    carrying = rows[rows["_hero"]].sort_values(["involvement_won_complex", "manager"], ascending=[False, True])
    rest = rows[~rows["_moving"] & ~rows["_hero"]]
    withheld = rest[~rest["_told"]]
    reasons = Counter(_withheld_reason(r) for r in withheld["reason"])
    needs = [_need(key, broken) for key in NEEDS if any(key in why for why in reasons)]
    return Verdicts(
        developing=[Verdict(r["manager"], developing_reason(r)) for r in developing.to_dict("records")],
        carrying=[Verdict(r["manager"], carrying_reason(r)) for r in carrying.to_dict("records")],
        withheld=sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])),
        neither=int(len(rest) - len(withheld)),
        managers=len(diag),
        told_developing=int(judged_capability.sum()),
        told_carrying=int(told.sum()),
        needs=needs,
    )
