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
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from analytics.filters import Filters, deal_clause
from analytics.people import roster_names
from analytics.results.kpis import evidence_owners, outcome_totals, rep_scope, stage_stays
from analytics.settings import Settings
from analytics.signals.manage import activity_days
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
                "reason"]
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


def link(x: pd.Series, y: pd.Series, x_name: str, y_name: str, min_n: int = MIN_REPS) -> dict:
    """One link of the chain: Spearman's ρ between two per-rep numbers, with n, interval and words."""
    x_label, x_more = MEASURES.get(x_name, (x_name, "higher"))
    y_label, _ = MEASURES.get(y_name, (y_name, "higher"))
    row = {"link": f"{x_label} → {y_label}", "x": x_name, "y": y_name, "measured": False, "rho": float("nan"),
           "n": 0, "ci_low": float("nan"), "ci_high": float("nan"), "p_value": float("nan"),
           "strength": "not measured", "sentence": "", "reason": ""}
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
    """The per-rep numbers of the chain (module notes). Columns: :data:`REP_COLUMNS`."""
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
    in_scope = created[created["rep"].isin(out["rep"])]
    basis = "stage history" if in_scope["has_history"].any() else "won ÷ created"
    per = created.groupby("rep").agg(n_opportunities=("opportunity_id", "size"),
                                     n_with_history=("has_history", "sum"), n_advanced=("advanced", "sum"),
                                     n_won_created=("won", "sum"))
    out = out.merge(per, left_on="rep", right_index=True, how="left")
    for c in ("n_opportunities", "n_with_history", "n_advanced", "n_won_created"):
        out[c] = out[c].fillna(0).astype("int64")
    n_opps = out["n_opportunities"].astype(float)
    out["activities_per_opportunity"] = out["activities"] / n_opps.where(n_opps > 0)
    if basis == "stage history":
        den = out["n_with_history"].astype(float)
        out["stage_conversion"] = out["n_advanced"] / den.where(den > 0)
    else:
        out["stage_conversion"] = out["n_won_created"] / n_opps.where(n_opps > 0)
    out["conversion_basis"] = basis

    tot = outcome_totals(ws, filters, "rep")[["rep", "won", "lost", "win_rate", "revenue"]]
    out = out.merge(tot, on="rep", how="left")
    for c in ("won", "lost"):
        out[c] = out[c].fillna(0).astype("int64")
    return out[REP_COLUMNS]


def needle_chain(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> NeedleChain:
    """The chain activities per opportunity → stage conversion → win rate → revenue across reps.

    Returns a :class:`NeedleChain`: ``links`` (columns :data:`LINK_COLUMNS`, one row per link in
    chain order) and ``reps`` (:func:`rep_chain`).
    """
    per_rep = rep_chain(ws, filters, settings)
    rows = [link(per_rep[x], per_rep[y], x, y) for x, y in zip(CHAIN[:-1], CHAIN[1:], strict=True)]
    links = pd.DataFrame(rows, columns=LINK_COLUMNS)
    links["n"] = links["n"].astype("int64")
    return NeedleChain(links=links, reps=per_rep)
