"""What moves the needle: how activities relate to objectives, and objectives to results, across reps.

FRAMEWORK.md: "managers can only manage activities". The chain ties them together::

    activities per opportunity -> stage conversion -> win rate -> revenue

Per rep in scope (:func:`analytics.people.reps`), over the filter period:

* **activities_per_opportunity** = activities the rep logged (``activity_date`` in the period)
  ÷ opportunities the rep created (``created_date`` in the period). NaN when the rep created
  none, or has no activity in the workspace at all (not measured, never 0).
* **stage_conversion** = share of those opportunities that advanced past their first stage
  (any move to a later stage in their stage history, :func:`analytics.results.kpis.stage_stays`),
  among those with a stage history. When no opportunity in scope has a stage history it is
  won ÷ created for every rep instead (``conversion_basis`` says which: one basis for all reps,
  so that they are compared on the same measure).
* **win_rate** = won ÷ (won + lost) of the deals closed in the period; **revenue** = their
  closed-won amount (:func:`analytics.results.kpis.outcome_totals`).

Each link is the Spearman rank correlation ρ (``scipy.stats.spearmanr``; ties get average ranks)
over the reps with both numbers, with a 95% interval from the Fisher z transform of ρ:
z = atanh(ρ), standard error √(1.06 ÷ (n − 3)) (the Fieller, Hartley & Pearson variance for
Spearman's ρ), interval tanh(z ± 1.96·se). Strength: |ρ| < 0.2 "no clear link", < 0.4 "weak",
< 0.6 "moderate", else "strong". Fewer than :data:`MIN_REPS` reps with both numbers, or a number
that is the same for every rep, and the link is "not measured". A correlation across reps is an
association: it does not show that changing one number would change the next.

**Linked by definition.** Each measure carries what it was computed from in this workspace
(:data:`DEFINITIONS`: its numerator and denominator, as data; the stage conversion has two, one
per ``conversion_basis``). Two measures that share a part (a numerator or denominator component,
or one built from the other) correlate partly by construction: won ÷ created and won ÷ closed
both count the won deals, so their ρ says little about reps. Such a link keeps its ρ and n for the
record but is marked ``by_definition`` with the ``shared`` part named, its strength reads "linked
by definition", and it is never ranked, charted or called the strongest link (the page and the
Presenter finding list it apart). Every link says what each side was computed from
(``x_from``, ``y_from``, ``computed_from``); a link by definition says what would measure it
better where a definition knows (``remedy``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from analytics.filters import Filters, deal_clause
from analytics.people import roster_names, rows_in_people
from analytics.results.kpis import evidence_owners, outcome_totals, rep_scope, stage_stays
from analytics.settings import Settings
from analytics.signals.manage import activity_days
from analytics.store.caching import per_data_version
from analytics.store.workspace import Workspace

#: fewer reps than this with both numbers and a link is not measured
MIN_REPS = 8
Z_95 = 1.959963984540054
#: (name, how the text says it, comparative)
MEASURES = {
    "activities_per_opportunity": ("activities per opportunity", "more"),
    "stage_conversion": ("stage conversion", "higher"),
    "win_rate": ("win rate", "higher"),
    "revenue": ("revenue", "higher"),
}
CHAIN = ("activities_per_opportunity", "stage_conversion", "win_rate", "revenue")
LINK_COLUMNS = ["link", "x", "y", "measured", "rho", "n", "ci_low", "ci_high", "p_value", "strength", "sentence",
                "reason", "x_from", "y_from", "computed_from", "by_definition", "shared", "remedy"]
#: the strength of a link whose two sides share a definition (never a finding)
BY_DEFINITION = "linked by definition"


class Definition(NamedTuple):
    """What a measure is computed from: a numerator and, for a ratio, a denominator (plain words).

    >>> d = Definition("won deals", "closed deals")
    >>> d.text, sorted(d.parts)
    ('won deals ÷ closed deals', ['closed deals', 'won deals'])
    >>> Definition("closed-won amount").text
    'closed-won amount'
    """

    numerator: str
    denominator: str | None = None
    #: what would measure it better, said when it makes a link one by definition
    remedy: str = ""

    @property
    def text(self) -> str:
        return self.numerator if self.denominator is None else f"{self.numerator} ÷ {self.denominator}"

    @property
    def parts(self) -> frozenset[str]:
        return frozenset(p for p in (self.numerator, self.denominator) if p)


#: measure -> basis -> what it is computed from (``None``: one definition whatever the data). Two
#: measures sharing a part are linked by definition. A measure built from another lists that one's
#: parts too, so the rule catches it.
DEFINITIONS: dict[str, dict[str | None, Definition]] = {
    "activities_per_opportunity": {None: Definition("activities logged", "opportunities created")},
    "stage_conversion": {
        "stage history": Definition("opportunities that advanced a stage", "opportunities with a stage history"),
        "won ÷ created": Definition("won deals", "opportunities created",
                                    remedy="A stage history export would measure stage conversion from stages."),
    },
    "win_rate": {None: Definition("won deals", "closed deals")},
    "revenue": {None: Definition("closed-won amount")},
}


def definition(measure: str, basis: str | None = None) -> Definition:
    """What ``measure`` was computed from on ``basis`` (the stage conversion's ``conversion_basis``).

    >>> definition("stage_conversion", "won ÷ created").text
    'won deals ÷ opportunities created'
    >>> definition("win_rate", "won ÷ created").text
    'won deals ÷ closed deals'
    """
    options = DEFINITIONS.get(measure, {})
    if basis in options:
        return options[basis]
    if None in options:
        return options[None]
    return Definition(MEASURES.get(measure, (measure,))[0])


def shared_parts(a: Definition, b: Definition) -> tuple[str, ...]:
    """The parts two definitions share, sorted (empty: the link is not built in).

    >>> shared_parts(Definition("won deals", "opportunities created"), Definition("won deals", "closed deals"))
    ('won deals',)
    >>> shared_parts(Definition("won deals", "closed deals"), Definition("closed-won amount"))
    ()
    """
    return tuple(sorted(a.parts & b.parts))


REP_COLUMNS = ["rep", "manager", "activities", "n_opportunities", "activities_per_opportunity", "n_with_history",
               "n_advanced", "stage_conversion", "conversion_basis", "won", "lost", "win_rate", "revenue"]


class NeedleChain(NamedTuple):
    """The links of the chain (one row each) and the per-rep numbers they rest on."""

    links: pd.DataFrame
    reps: pd.DataFrame


def strength_label(rho: float) -> str:
    """Plain words for |ρ|.

    >>> strength_label(0.1), strength_label(-0.3), strength_label(0.5), strength_label(0.6)
    ('no clear link', 'weak', 'moderate', 'strong')
    """
    r = abs(rho)
    if r < 0.2:
        return "no clear link"
    if r < 0.4:
        return "weak"
    if r < 0.6:
        return "moderate"
    return "strong"


def fisher_interval(rho: float, n: int, level_z: float = Z_95) -> tuple[float, float]:
    """95% interval for Spearman's ρ by the Fisher z transform, se = √(1.06 ÷ (n − 3)).

    >>> lo, hi = fisher_interval(0.0, 109)
    >>> round(lo, 3), round(hi, 3)
    (-0.194, 0.194)
    """
    if n <= 3 or math.isnan(rho):
        return float("nan"), float("nan")
    if abs(rho) > 1 - 1e-12:  # a perfect rank agreement (up to rounding): nothing to spread
        edge = math.copysign(1.0, rho)
        return edge, edge
    z = math.atanh(rho)
    se = math.sqrt(1.06 / (n - 3))
    return math.tanh(z - level_z * se), math.tanh(z + level_z * se)


def _fmt(v: float) -> str:
    return f"{v:.2f}".replace("-", "−")


def link(x: pd.Series, y: pd.Series, x_name: str, y_name: str, min_n: int = MIN_REPS,
         x_def: Definition | None = None, y_def: Definition | None = None) -> dict:
    """One link of the chain: Spearman's ρ between two per-rep numbers, with n, interval and words.

    ``x_def`` and ``y_def`` say what each side was computed from (default: :func:`definition` of
    the measure); sides that share a part make the link one "linked by definition" (module notes).
    """
    x_label, x_more = MEASURES.get(x_name, (x_name, "higher"))
    y_label, _ = MEASURES.get(y_name, (y_name, "higher"))
    x_def, y_def = x_def or definition(x_name), y_def or definition(y_name)
    shared = shared_parts(x_def, y_def)
    row = {"link": f"{x_label} → {y_label}", "x": x_name, "y": y_name, "measured": False, "rho": float("nan"),
           "n": 0, "ci_low": float("nan"), "ci_high": float("nan"), "p_value": float("nan"),
           "strength": "not measured", "sentence": "", "reason": "", "x_from": x_def.text, "y_from": y_def.text,
           "computed_from": f"{x_label} ({x_def.text}) and {y_label} ({y_def.text})",
           "by_definition": bool(shared), "shared": " and ".join(shared),
           "remedy": " ".join(dict.fromkeys(d.remedy for d in (x_def, y_def) if d.remedy)) if shared else ""}
    both = pd.DataFrame({"x": pd.to_numeric(x, errors="coerce"), "y": pd.to_numeric(y, errors="coerce")})
    both = both.replace([np.inf, -np.inf], np.nan).dropna()
    n = len(both)
    row["n"] = n
    if n < min_n:
        who = "No rep has" if n == 0 else "Only 1 rep has" if n == 1 else f"Only {n} reps have"
        row["reason"] = f"{who} both {x_label} and {y_label}; at least {min_n} are needed."
    elif both["x"].nunique() < 2 or both["y"].nunique() < 2:
        same = x_label if both["x"].nunique() < 2 else y_label
        row["reason"] = f"Every rep has the same {same}, so there is nothing to compare."
    if row["reason"]:
        row["sentence"] = f"Not measured: {row['reason']}"
        return row
    res = stats.spearmanr(both["x"], both["y"])
    rho, p = float(res.statistic), float(res.pvalue)
    lo, hi = fisher_interval(rho, n)
    strength = strength_label(rho)
    row.update(measured=True, rho=rho, ci_low=lo, ci_high=hi, p_value=p, strength=strength)
    stat = f"ρ = {_fmt(rho)}, n = {n}"
    if shared:
        row["strength"] = BY_DEFINITION
        row["sentence"] = (f"{x_label[:1].upper()}{x_label[1:]} and {y_label} are linked by definition: both are "
                           f"built from {row['shared']}, so their correlation ({stat}) is largely built in, not a "
                           "finding about reps.")
        row["sentence"] += f" {row['remedy']}" if row["remedy"] else ""
        return row
    if strength == "no clear link":
        text = f"Across these reps, {x_label} and {y_label} show no clear link ({stat})."
    else:
        direction = "higher" if rho > 0 else "lower"
        text = (f"Reps with {x_more} {x_label} tend to have {direction} {y_label} ({stat}); "
                "this is an association, not proof that one causes the other.")
    if lo <= 0 <= hi and strength != "no clear link":
        text += f" The 95% interval ({_fmt(lo)} to {_fmt(hi)}) includes no link at all."
    row["sentence"] = text
    return row


def rep_chain(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """The per-rep numbers of the chain (module notes). Columns: :data:`REP_COLUMNS`.

    Each rep's numbers are that rep's alone (activities, deals created, outcomes); only the
    conversion's basis looks at everyone in scope (stage history when any rep in scope has some).
    So a region, team or manager change picks the reps' rows from the rows held for the period
    (:func:`_held_rep_rows`) and settles the basis for those reps, instead of recomputing.
    """
    if not filters.picks_people:
        return _conversion(_held_rep_rows(ws, filters, settings))
    picked = rows_in_people(ws, filters)
    if picked is None or not picked.any():  # no one picked: computed, so its column types are no one's
        rows = _rep_rows(ws, filters, settings)
    else:
        rows = _held_rep_rows(ws, filters.without_people(), settings)[picked].reset_index(drop=True)
    return _conversion(rows)


@per_data_version(pool="filtered")
def _held_rep_rows(ws: Workspace, filters: Filters, settings: Settings) -> pd.DataFrame:
    """:func:`_rep_rows` of every rep for a period (filters without people), held for people changes."""
    return _rep_rows(ws, filters, settings)


def _rep_rows(ws: Workspace, filters: Filters, settings: Settings) -> pd.DataFrame:
    """The per-rep numbers before the conversion: one row per row of ``rep_scope``, in its order."""
    scope = rep_scope(ws, filters)
    days = activity_days(ws)  # per owner and day, held per version of the data
    keep = filters.mask(days, date="day")
    if filters.picks_people:
        keep &= days["owner_name"].isin(roster_names(ws, filters)).fillna(False).astype(bool)
    acts = (days[keep].groupby("owner_name", as_index=False)["n"].sum()
            .rename(columns={"owner_name": "rep", "n": "activities"}))
    evidence = evidence_owners(ws)[0]
    c_where, c_params = deal_clause(filters, "o.created_date")
    created = ws.query(f"SELECT o.opportunity_id, o.owner_name AS rep, o.is_won FROM v_opportunities o "
                       f"WHERE o.owner_name IS NOT NULL AND {c_where}", c_params)
    out = scope.merge(acts, on="rep", how="left")
    has_evidence = out["rep"].isin(evidence)
    out["activities"] = out["activities"].astype(float).where(~has_evidence, out["activities"].fillna(0))

    stays = stage_stays(ws, Filters())
    with_history = set(stays["opportunity_id"])
    advanced = set(stays.loc[stays["is_advance"], "opportunity_id"])
    created["has_history"] = created["opportunity_id"].isin(with_history)
    created["advanced"] = created["opportunity_id"].isin(advanced) & created["has_history"]
    created["won"] = created["is_won"].fillna(False).astype(bool)
    per = created.groupby("rep").agg(n_opportunities=("opportunity_id", "size"),
                                     n_with_history=("has_history", "sum"), n_advanced=("advanced", "sum"),
                                     n_won_created=("won", "sum"))
    out = out.merge(per, left_on="rep", right_index=True, how="left")
    for c in ("n_opportunities", "n_with_history", "n_advanced", "n_won_created"):
        out[c] = out[c].fillna(0).astype("int64")
    n_opps = out["n_opportunities"].astype(float)
    out["activities_per_opportunity"] = out["activities"] / n_opps.where(n_opps > 0)
    tot = outcome_totals(ws, filters, "rep")[["rep", "won", "lost", "win_rate", "revenue"]]
    out = out.merge(tot, on="rep", how="left")
    for c in ("won", "lost"):
        out[c] = out[c].fillna(0).astype("int64")
    return out


def _conversion(out: pd.DataFrame) -> pd.DataFrame:
    """The stage conversion of :func:`_rep_rows`' reps, on stage history when any of them has
    a created deal with some (else won ÷ created). Columns: :data:`REP_COLUMNS`."""
    out = out.copy()
    basis = "stage history" if out["n_with_history"].gt(0).any() else "won ÷ created"
    n_opps = out["n_opportunities"].astype(float)
    if basis == "stage history":
        den = out["n_with_history"].astype(float)
        out["stage_conversion"] = out["n_advanced"] / den.where(den > 0)
    else:
        out["stage_conversion"] = out["n_won_created"] / n_opps.where(n_opps > 0)
    out["conversion_basis"] = basis
    return out[REP_COLUMNS]


def needle_chain(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> NeedleChain:
    """The chain activities per opportunity → stage conversion → win rate → revenue across reps.

    Returns a :class:`NeedleChain`: ``links`` (columns :data:`LINK_COLUMNS`, one row per link in
    chain order; each says what its sides were computed from in this workspace, and whether they
    share a definition) and ``reps`` (:func:`rep_chain`).
    """
    per_rep = rep_chain(ws, filters, settings)
    basis = per_rep["conversion_basis"].iloc[0] if len(per_rep) else None
    rows = [link(per_rep[x], per_rep[y], x, y, x_def=definition(x, basis), y_def=definition(y, basis))
            for x, y in zip(CHAIN[:-1], CHAIN[1:], strict=True)]
    links = pd.DataFrame(rows, columns=LINK_COLUMNS)
    links["n"] = links["n"].astype("int64")
    return NeedleChain(links=links, reps=per_rep)
