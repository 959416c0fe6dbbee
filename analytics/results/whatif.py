"""What-if: goal seek on the sales-velocity identity, and quota scenarios.

The sales-velocity identity
---------------------------
velocity = opportunities × win rate × average deal size ÷ cycle length. In its usual form the
opportunities are the deals in play and velocity is revenue per day. Here *opportunities* are
the deals **created per quarter** (on average over the period), which makes the identity read
per quarter::

    revenue per quarter = opportunities × win rate × deal size

(by Little's law the deals in play ≈ creation rate × cycle length, so the two forms agree in a
steady state; :func:`analytics.results.kpis.velocity` reports the open-pipeline form per day). Cycle length enters as a lever at the same number of deals in play: a shorter
cycle turns them over faster, so revenue scales with current cycle ÷ new cycle.

:func:`velocity_baseline` measures the four levers on the filtered data, and the revenue actually
won per quarter; :func:`goal_seek` (pure) starts from that actual revenue (not from the identity's
implied figure, which the baseline's note compares with it) and says how far one lever alone, or
several together, must move to reach a revenue target, refusing with the reason when an input is
not measured;
:func:`quota_scenario` scales every quota and counts who lands at plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.results.attainment import attainment_by_manager, rep_attainment
from analytics.settings import Settings
from analytics.store.workspace import Workspace

#: The levers of the identity, in the order tables list them.
LEVERS = ("opportunities", "win_rate", "deal_size", "cycle_days")
LEVER_LABELS = {"opportunities": "Opportunities created per quarter", "win_rate": "Win rate",
                "deal_size": "Average deal size", "cycle_days": "Cycle length (days)"}
#: Levers that move against revenue (a shorter cycle means more revenue).
INVERSE = frozenset({"cycle_days"})
#: Comparisons with limits and plan are made at this many decimals.
DECIMALS = 9
GOAL_COLUMNS = ["lever", "label", "current", "needed", "change_pct", "feasible", "note"]
#: Implied and actual revenue "agree" when they differ by less than this share of the actual.
AGREE = 0.05
OPPORTUNITIES_BASIS = "deals created per quarter (average over the calendar quarters of the period)"


# ------------------------------------------------------------------------------ baseline
@dataclass(frozen=True)
class VelocityBaseline:
    """The four levers, and revenue per quarter implied by them and actually won.

    Attributes
    ----------
    opportunities : deals created per quarter (n_created ÷ n_quarters_created).
    win_rate : won ÷ (won + lost), deals closed in the period.
    deal_size : mean amount of the won deals closed in the period (``avg_deal_size``).
    cycle_days : mean days from created to close of those won deals (both dates known, close
        not before created).
    actual_revenue_per_quarter : won revenue closed in the period ÷ n_quarters_closed.
    n_created, n_quarters_created, n_won, n_lost, won_revenue, n_cycle_deals, n_quarters_closed :
        the counts behind them. start, end : the period used.
    note : why implied and actual revenue differ, in plain words.
    """

    opportunities: float
    win_rate: float
    deal_size: float
    cycle_days: float
    actual_revenue_per_quarter: float = np.nan
    n_created: int = 0
    n_quarters_created: int = 0
    n_won: int = 0
    n_lost: int = 0
    won_revenue: float = np.nan
    n_cycle_deals: int = 0
    n_quarters_closed: int = 0
    start: date | None = None
    end: date | None = None
    opportunities_basis: str = OPPORTUNITIES_BASIS
    note: str = field(default="")
    #: (input, reason) for each input not measured: a lever of :data:`LEVERS`, or ``"actual"``.
    missing: tuple[tuple[str, str], ...] = ()
    n_won_with_created: int = 0

    def reason(self, name: str) -> str:
        """Why ``name`` (a lever or ``"actual"``) is not measured; "" when it is."""
        for k, why in self.missing:
            if k == name:
                return why
        value = self.actual_revenue_per_quarter if name == "actual" else self.lever(name)
        if value is None or not np.isfinite(value) or value <= 0:
            return ("no revenue actually won is measured on this selection" if name == "actual"
                    else f"{LEVER_LABELS[name].lower()} is not measured on this selection")
        return ""

    @property
    def avg_deal_size(self) -> float:
        return self.deal_size

    @property
    def revenue_per_quarter(self) -> float:
        """Implied by the identity: opportunities × win rate × deal size."""
        return float(self.opportunities * self.win_rate * self.deal_size)

    def lever(self, name: str) -> float:
        if name not in LEVERS:
            raise ValueError(f"lever must be one of {LEVERS} or 'mix', not {name!r}")
        return float(getattr(self, name))

    def as_frame(self) -> pd.DataFrame:
        """The baseline as a two-column table (measure, value) for display and download."""
        rows = [
            ("Opportunities created per quarter", self.opportunities),
            ("Win rate (won ÷ closed)", self.win_rate),
            ("Average won deal size", self.deal_size),
            ("Cycle length of won deals (days)", self.cycle_days),
            ("Revenue per quarter implied (opportunities × win rate × deal size)", self.revenue_per_quarter),
            ("Revenue per quarter actually won (goal seek starts here)", self.actual_revenue_per_quarter),
            ("Deals created", self.n_created), ("Quarters (created)", self.n_quarters_created),
            ("Deals won", self.n_won), ("Deals lost", self.n_lost), ("Won revenue", self.won_revenue),
            ("Quarters (closed)", self.n_quarters_closed),
        ]
        return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": float})


def _quarters(first, last) -> int:
    """Calendar quarters from the one holding ``first`` to the one holding ``last``, inclusive."""
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return 0
    a, b = pd.Timestamp(first), pd.Timestamp(last)
    if b < a:
        return 0
    return (b.year - a.year) * 4 + (b.quarter - a.quarter) + 1


def _date(value) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def velocity_baseline(ws: Workspace, filters: Filters = Filters()) -> VelocityBaseline:
    """The four levers of the sales-velocity identity, measured on the filtered deals.

    Deals in scope: owner in the region / team / manager filters (roster), deal in the segment /
    product filters. Then, for the period:

    * opportunities = deals with a created date in the period ÷ calendar quarters of the period
      (a partial quarter counts as a whole one);
    * win_rate = won ÷ (won + lost) over deals with a close date in the period;
    * deal_size = mean amount of those won deals (amount known);
    * cycle_days = mean (close date − created date) of those won deals, where both are known and
      the close is not before the creation;
    * actual_revenue_per_quarter = their won amount ÷ calendar quarters of the period: goal seek
      starts from it, not from the identity.

    The period is the filter's start and end where set; an open end is the data's own first or
    last date: created dates for opportunities, close dates of closed deals for the rest.
    revenue_per_quarter (implied) and actual_revenue_per_quarter differ: deals created in a
    quarter close about a cycle later, some are still open, and volumes and win rates change
    over the period; ``note`` gives the gap. ``missing`` says, per input not measured, why (no
    closed deals, no created dates, won deals that close before they were created, ...).
    """
    where, params = filters.clause(region="o.region", team="o.team", manager="o.manager_name",
                                   segment="o.segment", product="o.product")
    created_in, c_params = filters.period().clause(date="o.created_date")
    closed_in, d_params = filters.period().clause(date="o.close_date")
    created = ws.row(
        f"""SELECT count(*), min(o.created_date), max(o.created_date) FROM v_opportunities o
            WHERE o.created_date IS NOT NULL AND {created_in} AND {where}""",
        c_params + params,
    )
    closed = ws.row(
        f"""SELECT count(*) FILTER (WHERE o.is_won), count(*) FILTER (WHERE NOT o.is_won),
                   sum(o.amount) FILTER (WHERE o.is_won), avg(o.amount) FILTER (WHERE o.is_won),
                   avg(date_diff('day', o.created_date, o.close_date))
                       FILTER (WHERE o.is_won AND o.close_date >= o.created_date),
                   count(*) FILTER (WHERE o.is_won AND o.close_date >= o.created_date),
                   min(o.close_date), max(o.close_date),
                   count(*) FILTER (WHERE o.is_won AND o.created_date IS NOT NULL)
            FROM v_opportunities o
            WHERE o.is_closed AND o.close_date IS NOT NULL AND {closed_in} AND {where}""",
        d_params + params,
    )
    n_created = int(created[0] or 0)
    q_created = _quarters(filters.start or created[1], filters.end or created[2])
    n_won, n_lost = int(closed[0] or 0), int(closed[1] or 0)
    won_revenue = float(closed[2]) if closed[2] is not None else (0.0 if n_won == 0 else np.nan)
    q_closed = _quarters(filters.start or closed[6], filters.end or closed[7])
    opportunities = n_created / q_created if q_created else np.nan
    win_rate = n_won / (n_won + n_lost) if n_won + n_lost else np.nan
    deal_size = float(closed[3]) if closed[3] is not None else np.nan
    cycle = float(closed[4]) if closed[4] is not None else np.nan
    actual = won_revenue / q_closed if q_closed else np.nan
    start = filters.start or _date(min((d for d in (created[1], closed[6]) if d is not None), default=None))
    end = filters.end or _date(max((d for d in (created[2], closed[7]) if d is not None), default=None))
    base = VelocityBaseline(
        opportunities=float(opportunities), win_rate=float(win_rate), deal_size=deal_size, cycle_days=cycle,
        actual_revenue_per_quarter=float(actual), n_created=n_created, n_quarters_created=q_created,
        n_won=n_won, n_lost=n_lost, won_revenue=won_revenue, n_cycle_deals=int(closed[5] or 0),
        n_quarters_closed=q_closed, start=start, end=end, n_won_with_created=int(closed[8] or 0))
    missing = _missing(base)
    if "opportunities" in dict(missing):  # created dates that do not date the deals give no count either
        base = replace(base, opportunities=np.nan)
    return _with_note(replace(base, missing=missing))


def _missing(b: VelocityBaseline) -> tuple[tuple[str, str], ...]:
    """(input, reason) for each input the data does not measure, in plain words."""
    out: list[tuple[str, str]] = []
    no_won = "no deal was won in the period"
    dates_after_close = b.n_won > 0 and b.n_won_with_created > 0 and b.n_cycle_deals == 0
    if b.n_created == 0:
        out.append(("opportunities", "no deal has a created date in the period"))
    elif dates_after_close:
        # created dates that follow every won deal's close do not date the opportunities either
        out.append(("opportunities", f"none of the {b.n_won:,} won deals closes on or after its created date, so "
                    "the created dates do not say when deals were opened"))
    if b.n_won + b.n_lost == 0:
        out.append(("win_rate", "no deal was closed (won or lost) in the period"))
    if b.n_won == 0:
        out.append(("deal_size", no_won))
    elif not np.isfinite(b.deal_size):
        out.append(("deal_size", "the won deals have no amount"))
    if b.n_won == 0:
        out.append(("cycle_days", no_won))
    elif not np.isfinite(b.cycle_days):
        out.append(("cycle_days", "the won deals have no created date"
                    if b.n_won_with_created == 0 else
                    f"none of the {b.n_won:,} won deals closes on or after its created date; the created dates may "
                    "record when the deals were loaded, not when they were opened"))
    if b.n_won == 0:
        out.append(("actual", no_won))
    elif not np.isfinite(b.won_revenue):
        out.append(("actual", "the won deals have no amount"))
    return tuple(out)


def _money(x: float) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:,.0f}"


def _with_note(b: VelocityBaseline) -> VelocityBaseline:
    """One sentence on where goal seek starts, and one on how the identity compares with it."""
    implied, actual = b.revenue_per_quarter, b.actual_revenue_per_quarter
    why_actual = b.reason("actual")
    if why_actual:
        start = f"Goal seek cannot start: {why_actual}."
    else:
        start = (f"Goal seek starts from the revenue actually won: {_money(actual)} a quarter "
                 f"({_money(b.won_revenue)} over {b.n_quarters_closed} quarter{'s' * (b.n_quarters_closed != 1)}).")
    if not np.isfinite(implied) or implied <= 0:
        missing = [f"{LEVER_LABELS[k].lower()} ({b.reason(k)})" for k in ("opportunities", "win_rate", "deal_size")
                   if b.reason(k)]
        note = start + " The identity cannot be computed on this selection: no " + "; no ".join(missing) + "."
    elif why_actual:
        note = start + f" The identity implies {_money(implied)} a quarter, with nothing won to compare it with."
    else:
        gap = implied / actual - 1
        ident = (f"the identity ({b.opportunities:,.1f} opportunities × {b.win_rate:.0%} win rate × "
                 f"{_money(b.deal_size)}) implies {_money(implied)}")
        if abs(gap) < AGREE:
            note = start + f" {ident[0].upper() + ident[1:]} a quarter, within {AGREE:.0%} of it."
        else:
            cycle = (f"about a cycle later ({b.cycle_days:,.0f} days on average)" if np.isfinite(b.cycle_days)
                     else "later (the cycle length is not measured)")
            note = (start + f" By contrast {ident} a quarter, {abs(gap):.0%} {'above' if gap > 0 else 'below'} "
                    f"what was won: deals created in a quarter close {cycle}, some are still open or never "
                    "close, and volumes and win rates change over the period; the identity describes a steady state.")
    return replace(b, note=note)


# ------------------------------------------------------------------------------ goal seek
def _fmt(lever: str, x: float) -> str:
    if x is None or not np.isfinite(x):
        return "n/a"
    if lever == "win_rate":
        return f"{x:.1%}"
    if lever == "cycle_days":
        return f"{x:,.0f} days"
    if lever == "opportunities":
        return f"{x:,.1f}"
    return f"{x:,.0f}"


def _weights(lever: str, mix_weights: dict[str, float] | None) -> dict[str, float]:
    if lever in LEVERS:
        return {lever: 1.0}
    if lever != "mix":
        raise ValueError(f"lever must be one of {LEVERS} or 'mix', not {lever!r}")
    weights = {k: 1.0 for k in LEVERS} if mix_weights is None else dict(mix_weights)
    unknown = set(weights) - set(LEVERS)
    if unknown:
        raise ValueError(f"unknown levers in the mix: {sorted(unknown)}; levers are {LEVERS}")
    if any(not np.isfinite(w) or w < 0 for w in weights.values()):
        raise ValueError("mix weights must be 0 or more")
    weights = {k: float(weights[k]) for k in LEVERS if weights.get(k, 0) > 0}
    if not weights:
        raise ValueError("the mix needs at least one lever with a positive weight")
    return weights


def goal_seek(baseline: VelocityBaseline, target_revenue: float, lever: str = "win_rate",
              mix_weights: dict[str, float] | None = None) -> pd.DataFrame:
    """How far the levers must move for revenue to reach ``target_revenue`` a quarter.

    ratio = target ÷ baseline.actual_revenue_per_quarter: goal seek starts from what was actually
    won, not from the identity's implied figure. When that is not measured (no deal won, won
    deals without an amount) it refuses: every row's needed value is NaN, not feasible, and the
    note says why. Revenue is proportional to opportunities,
    win rate and deal size, and inversely proportional to cycle length, so:

    * one lever alone: needed = current × ratio (cycle length: current ÷ ratio);
    * a mix (``lever="mix"``): lever i moves by a factor f_i with ln f_i = (w_i ÷ Σw) · ln ratio,
      so the factors multiply to the ratio. Even weights (the default: all four levers, weight 1)
      give every lever the same f = ratio^(1/k), k the number of levers in the mix; cycle length
      is divided by its factor. ``mix_weights`` maps levers to weights ≥ 0 (a lever left out or
      at 0 does not move). A lever the baseline has not measured is left out of the mix, and
      the note says why. A single lever that is not measured is refused with its reason.
      ``mix_weights`` is ignored for a single lever.

    Feasibility: a win rate above 100% and a cycle under one day are infeasible (compared at 9
    decimals); the other levers have no hard limit.

    Returns
    -------
    DataFrame: lever, label, current, needed, change_pct (needed ÷ current − 1, in percent),
    feasible, note; one row per lever that moves. ``attrs`` holds base_revenue, target_revenue,
    ratio and note (the whole result in one sentence).

    Examples
    --------
    >>> b = VelocityBaseline(opportunities=100, win_rate=0.2, deal_size=10_000, cycle_days=90,
    ...                      actual_revenue_per_quarter=200_000)
    >>> goal_seek(b, 250_000, "win_rate")[["current", "needed", "change_pct"]].round(4).values.tolist()
    [[0.2, 0.25, 25.0]]
    """
    weights = _weights(lever, mix_weights)
    target = float(target_revenue)
    if not np.isfinite(target) or target <= 0:
        raise ValueError("the revenue target must be a positive amount")
    base = baseline.actual_revenue_per_quarter
    rows = []
    if baseline.reason("actual"):
        note = f"Goal seek cannot start: {baseline.reason('actual')}."
        for k in weights:
            rows.append(dict(lever=k, label=LEVER_LABELS[k], current=baseline.lever(k), needed=np.nan,
                             change_pct=np.nan, feasible=False, note=note))
        out = pd.DataFrame(rows, columns=GOAL_COLUMNS)
        out.attrs.update(base_revenue=base, target_revenue=target, ratio=np.nan, note=note)
        return _typed(out)
    ratio = target / base
    unmeasured = [k for k in weights if baseline.reason(k)]
    moving = {k: w for k, w in weights.items() if k not in unmeasured}
    total_w = sum(moving.values())
    for k in weights:
        current = baseline.lever(k)
        if k in unmeasured:
            rows.append(dict(lever=k, label=LEVER_LABELS[k], current=current, needed=np.nan, change_pct=np.nan,
                             feasible=False, note=f"{LEVER_LABELS[k]} is not measured: {baseline.reason(k)}."))
            continue
        factor = math.exp(moving[k] / total_w * math.log(ratio))
        needed = current / factor if k in INVERSE else current * factor
        change = (needed / current - 1) * 100
        feasible, why = True, ""
        if k == "win_rate" and round(needed, DECIMALS) > 1:
            feasible, why = False, " That is above 100%: not possible."
        if k == "cycle_days" and round(needed, DECIMALS) < 1:
            feasible, why = False, " That is under one day: not possible."
        rows.append(dict(lever=k, label=LEVER_LABELS[k], current=current, needed=needed, change_pct=change,
                         feasible=feasible,
                         note=f"{LEVER_LABELS[k]} from {_fmt(k, current)} to {_fmt(k, needed)} ({change:+.1f}%).{why}"))
    out = pd.DataFrame(rows, columns=GOAL_COLUMNS)
    aim = f"{_money(target)} a quarter (from {_money(base)}, {(ratio - 1) * 100:+.1f}%)"
    if not moving:
        note = (f"Goal seek cannot reach {aim}: " + "; ".join(
            f"{LEVER_LABELS[k].lower()} is not measured ({baseline.reason(k)})" for k in unmeasured) + ".")
    elif len(weights) == 1:
        r = rows[0]
        note = (f"To reach {aim} with everything else unchanged: {r['note']}")
    else:
        even = len({round(w, DECIMALS) for w in moving.values()}) == 1
        how = (f"each of the {len(moving)} levers moves by the same factor {ratio ** (1 / len(moving)):.3f}"
               + (" (cycle length divided by it)" if "cycle_days" in moving else "")
               if even else "the levers move in proportion to their weights (on a log scale)")
        note = f"To reach {aim}, {how}."
        if unmeasured:
            note += " Not measured, so left out: " + "; ".join(
                f"{LEVER_LABELS[k].lower()} ({baseline.reason(k)})" for k in unmeasured) + "."
    if not out["feasible"].all() and moving:
        bad = out.loc[~out["feasible"] & out["needed"].notna(), "label"].tolist()
        if bad:
            note += " Not feasible: " + ", ".join(b.lower() for b in bad) + "."
    out.attrs.update(base_revenue=base, target_revenue=target, ratio=ratio, note=note)
    return _typed(out)


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    attrs = dict(out.attrs)
    out = out.astype({"current": float, "needed": float, "change_pct": float, "feasible": bool})
    out.attrs.update(attrs)
    return out


# ------------------------------------------------------------------------------ quota scenario
@dataclass(frozen=True)
class QuotaScenario:
    """Who lands at plan before and after every quota changes by ``change_pct``.

    Attributes
    ----------
    change_pct : the change applied to every quota (−10 = quotas 10% lower).
    plan : attainment at or above this is at plan.
    reps : rep, manager, won_in_quota, quota, quota_after, attainment, attainment_after, at_plan,
        at_plan_after (reps with a quota in scope).
    managers : manager, won_in_quota, quota, quota_after, attainment, attainment_after, at_plan,
        at_plan_after, n_reps_with_quota (managers with a quota in scope).
    reps_at_plan_before, reps_at_plan_after, managers_at_plan_before, managers_at_plan_after.
    n_reps, n_managers : measured (with a quota); n_reps_without_quota, n_managers_without_quota.
    sentence : the result in plain words.
    """

    change_pct: float
    plan: float
    reps: pd.DataFrame
    managers: pd.DataFrame
    reps_at_plan_before: int
    reps_at_plan_after: int
    managers_at_plan_before: int
    managers_at_plan_after: int
    n_reps: int
    n_managers: int
    n_reps_without_quota: int
    n_managers_without_quota: int
    sentence: str

    def counts(self) -> pd.DataFrame:
        """level, n_measured, at_plan_before, at_plan_after (for display and download)."""
        return pd.DataFrame(
            [("reps", self.n_reps, self.reps_at_plan_before, self.reps_at_plan_after),
             ("managers", self.n_managers, self.managers_at_plan_before, self.managers_at_plan_after)],
            columns=["level", "n_measured", "at_plan_before", "at_plan_after"])


def _scenario(frame: pd.DataFrame, factor: float, plan: float) -> pd.DataFrame:
    out = frame[frame["quota"].notna() & (frame["quota"] > 0)].copy()
    out["won_in_quota"] = out["won_in_quota"].astype(float)
    out["quota"] = out["quota"].astype(float)
    out["quota_after"] = out["quota"] * factor
    out["attainment"] = out["won_in_quota"] / out["quota"]
    out["attainment_after"] = out["won_in_quota"] / out["quota_after"]
    out["at_plan"] = out["attainment"].round(DECIMALS) >= plan
    out["at_plan_after"] = out["attainment_after"].round(DECIMALS) >= plan
    return out


def quota_scenario(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(),
                   change_pct: float = 0.0, plan: float | None = None) -> QuotaScenario:
    """Scale every quota by (1 + change_pct ÷ 100) and count reps and managers at plan.

    Attainment = closed-won amount in the quota periods ÷ quota, as on the manager pages: per
    rep :func:`analytics.results.attainment.rep_attainment`, per manager
    :func:`analytics.results.attainment.attainment_by_manager` (the team's won amount ÷ the team's quota).
    The won amounts stay as they are, so attainment after = attainment ÷ (1 + change_pct ÷ 100).
    At plan: attainment ≥ ``plan`` (default ``settings.hero_attainment``, 1.0), compared at 9
    decimals. Reps and managers without a quota in scope are not counted (and are reported).
    """
    factor = 1 + float(change_pct) / 100
    if not np.isfinite(factor) or factor <= 0:
        raise ValueError("a quota change must leave quotas above zero (more than −100%)")
    plan = float(settings.hero_attainment if plan is None else plan)
    reps_all = rep_attainment(ws, filters, settings)
    reps = _scenario(reps_all, factor, plan)
    reps = reps[["rep", "manager", "won_in_quota", "quota", "quota_after", "attainment", "attainment_after",
                 "at_plan", "at_plan_after"]].reset_index(drop=True)
    mgr_all = attainment_by_manager(ws, filters, settings)
    mgrs = _scenario(mgr_all, factor, plan)
    mgrs = mgrs[["manager", "won_in_quota", "quota", "quota_after", "attainment", "attainment_after", "at_plan",
                 "at_plan_after", "n_reps_with_quota"]].sort_values("manager", ignore_index=True)
    r0, r1 = int(reps["at_plan"].sum()), int(reps["at_plan_after"].sum())
    m0, m1 = int(mgrs["at_plan"].sum()), int(mgrs["at_plan_after"].sum())
    change = "unchanged" if factor == 1 else f"{float(change_pct):+g}%"
    sentence = (f"With quotas {change}: {r1} of {len(reps)} reps at plan (now {r0}) and {m1} of {len(mgrs)} "
                f"managers (now {m0}); plan = attainment of {plan:.0%} or more.")
    return QuotaScenario(change_pct=float(change_pct), plan=plan, reps=reps, managers=mgrs,
                         reps_at_plan_before=r0, reps_at_plan_after=r1, managers_at_plan_before=m0,
                         managers_at_plan_after=m1, n_reps=len(reps), n_managers=len(mgrs),
                         n_reps_without_quota=int(len(reps_all) - len(reps)),
                         n_managers_without_quota=int(len(mgr_all) - len(mgrs)), sentence=sentence)
