"""Attainment: closed-won amount in the quota periods divided by the quota for those periods, per
manager and per rep, the one definition every result and diagnosis reads."""

from __future__ import annotations

import pandas as pd

from analytics.filters import Filters
from analytics.people import REPS_SQL, per_manager, per_period_by_owner
from analytics.settings import Settings
from analytics.store.caching import per_run
from analytics.store.links import DEAL_OWNERS, ROSTER, broken
from analytics.store.workspace import Workspace

ATTAINMENT_COLUMNS = ["rep", "manager", "attainment", "won_in_quota", "quota", "n_quota_periods"]
#: the links attainment rests on: quota owners to the roster (their manager) and to the deal owners
#: (the deals counted against a quota); on a broken one attainment is not measured (analytics.store.links)
ATTAINMENT_LINKS = (("quotas", "owner", ROSTER), ("quotas", "owner", DEAL_OWNERS))


def attainment_withheld(ws: Workspace) -> str | None:
    """Why attainment is not measured though quotas are loaded (a broken link), or None."""
    return broken(ws, ATTAINMENT_LINKS)


@per_run
def attainment_by_manager(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Attainment = closed-won amount in the quota periods ÷ quota for those periods.

    Quota periods count when they lie inside the filter period (all periods when none is set);
    a won deal counts toward its owner's quota period that contains its close date.

    Columns: manager, won_in_quota, quota, attainment, n_reps_with_quota, n_quota_periods.
    """
    o = _owner_attainment(ws, filters)
    if o.empty:
        frame = pd.DataFrame({"manager": pd.Series([], dtype="str"), "won_in_quota": [], "quota": [], "attainment": [],
                              "n_reps_with_quota": pd.Series([], dtype="int64"),
                              "n_quota_periods": pd.Series([], dtype="int64")})
        return per_manager(ws, filters, frame, ("n_reps_with_quota", "n_quota_periods"))
    g = o.groupby("manager")
    frame = pd.concat([g["won_in_quota"].sum(), g["quota"].sum(min_count=1), g["owner_name"].count(),
                       g["n_quota_periods"].sum()], axis=1).rename(columns={"owner_name": "n_reps_with_quota"})
    frame["attainment"] = frame["won_in_quota"] / frame["quota"].where(frame["quota"] != 0)
    if attainment_withheld(ws):  # 0% against a quota no deal joins is a wrong join, not a result
        frame["attainment"] = float("nan")
    frame = frame.reset_index()[["manager", "won_in_quota", "quota", "attainment", "n_reps_with_quota",
                                 "n_quota_periods"]]
    return per_manager(ws, filters, frame, ("n_reps_with_quota", "n_quota_periods"))


@per_period_by_owner
def _owner_attainment(ws: Workspace, filters: Filters) -> pd.DataFrame:
    """Each owner's quota periods inside the filter period, per manager of the quota rows:
    won_in_quota (won deals credited to them), quota (NaN when no period has an amount),
    n_quota_periods. Held per period; the people filters pick from it."""
    period, p_params = filters.clause(date="q.period_start")
    end_ok, e_params = filters.until_end().clause(date="q.period_end")
    return ws.query(
        f"""WITH q AS (SELECT * FROM v_quotas q WHERE {period} AND {end_ok} AND q.manager_name IS NOT NULL),
                won AS (SELECT owner_name, period_start, sum(amount) AS won
                        FROM v_won_in_quota GROUP BY ALL)
            SELECT q.owner_name, q.manager_name AS manager, sum(coalesce(won.won, 0)) AS won_in_quota,
                   sum(q.amount) AS quota, count(*) AS n_quota_periods
            FROM q LEFT JOIN won USING (owner_name, period_start)
            GROUP BY ALL ORDER BY ALL""",
        p_params + e_params,
    )


def rep_attainment(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Attainment per rep, with the quota logic of :func:`analytics.results.attainment.attainment_by_manager`.

    attainment = won_in_quota ÷ quota, where quota sums the rep's quota periods that lie inside
    the filter period (all periods when none is set) and won_in_quota sums the won deals that
    count toward those periods (``v_won_in_quota``: each won deal counts once, toward the first
    of its owner's quota periods holding its close date). NaN when the rep has no quota in scope
    (not measured; never 0).

    Parameters
    ----------
    ws : the workspace.
    filters : period (quota periods inside it), region / team / manager through the roster.
    settings : unused (kept for the common signature).

    Returns
    -------
    DataFrame: rep, manager (roster), attainment, won_in_quota, quota, n_quota_periods; one row
    per rep of :func:`analytics.people.reps`, ordered by manager then rep.
    """
    period, p_params = filters.period().clause(date="q.period_start")
    end_ok, e_params = filters.until_end().clause(date="q.period_end")
    who, w_params = filters.clause(region="r.region", team="r.team", manager="r.manager_name")
    out = ws.query(
        f"""WITH q AS (SELECT * FROM v_quotas q WHERE {period} AND {end_ok} AND q.owner_name IS NOT NULL),
                won AS (SELECT owner_name, period_start, sum(amount) AS won FROM v_won_in_quota GROUP BY ALL),
                per AS (SELECT q.owner_name AS rep, sum(coalesce(won.won, 0)) AS won_in_quota,
                               sum(q.amount) AS quota, count(*) AS n_quota_periods
                        FROM q LEFT JOIN won USING (owner_name, period_start) GROUP BY 1)
            SELECT s.name AS rep, r.manager_name AS manager, per.won_in_quota, per.quota, per.n_quota_periods
            FROM ({REPS_SQL}) s LEFT JOIN v_roster r ON r.name = s.name LEFT JOIN per ON per.rep = s.name
            WHERE {who} ORDER BY manager, rep""",
        p_params + e_params + w_params,
    )
    out["n_quota_periods"] = out["n_quota_periods"].fillna(0).astype("int64")
    out["won_in_quota"] = out["won_in_quota"].astype(float)
    out["quota"] = out["quota"].astype(float)
    out["attainment"] = (out["won_in_quota"] / out["quota"].where(out["quota"] > 0)).astype(float)
    if attainment_withheld(ws):
        out["attainment"] = float("nan")
    return out[ATTAINMENT_COLUMNS].reset_index(drop=True)
