"""Headline figures of a workspace: who is in it, what period, revenue against quota."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.people import REPS_SQL
from analytics.workspace import Workspace


@dataclass
class Headline:
    managers: int
    reps: int
    first_quarter: str | None
    last_quarter: str | None
    quarters: int
    won_revenue: float | None
    won_deals: int
    quota: float | None
    quota_reps: int
    won_in_quota_periods: float | None

    @property
    def attainment(self) -> float | None:
        if not self.quota or self.won_in_quota_periods is None:
            return None
        return self.won_in_quota_periods / self.quota




def quarter_label(ts) -> str | None:
    if ts is None or pd.isna(ts):
        return None
    ts = pd.Timestamp(ts)
    return f"{ts.year}-Q{(ts.month - 1) // 3 + 1}"


def headline(ws: Workspace) -> Headline:
    reps = ws.scalar(f"SELECT count(*) FROM ({REPS_SQL})")
    managers = ws.scalar(
        f"""SELECT count(DISTINCT manager_name) FROM v_roster
            WHERE manager_name IS NOT NULL AND name IN ({REPS_SQL})"""
    )
    q = ws.con.execute(
        # closed deals count in their close quarter; open deals' close dates are only expected
        """SELECT min(d), max(d), count(DISTINCT date_trunc('quarter', d)) FROM (
               SELECT CASE WHEN is_closed THEN coalesce(close_date, created_date) ELSE created_date END AS d
               FROM v_opportunities) WHERE d IS NOT NULL"""
    ).fetchone()
    won = ws.con.execute(
        "SELECT sum(amount), count(*) FROM v_opportunities WHERE is_won"
    ).fetchone()
    quota = ws.con.execute("SELECT sum(amount), count(DISTINCT owner_name) FROM v_quotas").fetchone()
    in_periods = ws.scalar("SELECT sum(amount) FROM v_won_in_quota")
    return Headline(
        managers=int(managers or 0), reps=int(reps or 0),
        first_quarter=quarter_label(q[0]), last_quarter=quarter_label(q[1]), quarters=int(q[2] or 0),
        won_revenue=won[0], won_deals=int(won[1] or 0),
        quota=quota[0], quota_reps=int(quota[1] or 0),
        won_in_quota_periods=in_periods if quota[0] else None,
    )


def revenue_by_quarter(ws: Workspace) -> pd.DataFrame:
    """Closed-won revenue and quota per quarter (quota missing where none was loaded)."""
    return ws.query(
        """WITH won AS (
               SELECT date_trunc('quarter', close_date) AS quarter, sum(amount) AS won_revenue,
                      count(*) AS won_deals
               FROM v_opportunities WHERE is_won AND close_date IS NOT NULL GROUP BY 1),
           quota AS (
               SELECT date_trunc('quarter', period_start) AS quarter, sum(amount) AS quota
               FROM v_quotas GROUP BY 1)
           SELECT coalesce(won.quarter, quota.quarter) AS quarter, won_revenue, won_deals, quota
           FROM won FULL OUTER JOIN quota ON won.quarter = quota.quarter
           ORDER BY 1"""
    )


def managers_summary(ws: Workspace) -> pd.DataFrame:
    """Per manager: reps, won deals and revenue, quota and attainment (quota periods only)."""
    return ws.query(
        f"""WITH reps AS (SELECT name, manager_name FROM v_roster WHERE manager_name IS NOT NULL
                          AND name IN ({REPS_SQL})),
           won AS (SELECT owner_name, count(*) AS won_deals, sum(amount) AS won_revenue
                   FROM v_opportunities WHERE is_won GROUP BY 1),
           quota AS (SELECT owner_name, sum(amount) AS quota FROM v_quotas GROUP BY 1),
           won_q AS (SELECT owner_name, sum(amount) AS won_in_quota FROM v_won_in_quota GROUP BY 1)
           SELECT r.manager_name AS manager, count(*) AS reps,
                  sum(coalesce(won.won_deals, 0)) AS won_deals,
                  sum(won.won_revenue) AS won_revenue,
                  sum(quota.quota) AS quota,
                  sum(won_q.won_in_quota) / nullif(sum(quota.quota), 0) AS attainment
           FROM reps r LEFT JOIN won ON won.owner_name = r.name
           LEFT JOIN quota ON quota.owner_name = r.name
           LEFT JOIN won_q ON won_q.owner_name = r.name
           GROUP BY 1 ORDER BY won_revenue DESC NULLS LAST"""
    )
