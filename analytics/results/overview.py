"""Headline figures of a workspace under the current filters: who is in it, what period,
revenue against quota."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.filters import Filters, deal_clause
from analytics.fmt import quarter_label
from analytics.people import managers, reps
from analytics.results.attainment import ATTAINMENT_LINKS, attainment_by_manager, attainment_cut, attainment_withheld
from analytics.settings import Settings
from analytics.store.links import ROSTER, broken, rests_on
from analytics.store.workspace import Workspace

#: the link the per-manager deal figures rest on: a deal reaches a manager through its owner's roster row
MANAGER_LINKS = (("opportunities", "owner", ROSTER),)


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
    #: why closed-won vs quota is not measured though quotas are loaded (None: it is measured)
    quota_not_measured: str | None = None
    #: what closed-won vs quota rests on when the quota owners join the deals only in part
    quota_rests_on: str | None = None
    #: why the per-manager figures (won deals, revenue) are not measured: the deal owners do not
    #: join the roster (None: they are measured)
    managers_not_measured: str | None = None
    #: what the per-manager figures rest on when the deal owners join the roster only in part
    managers_rest_on: str | None = None

    @property
    def attainment(self) -> float | None:
        if not self.quota or self.won_in_quota_periods is None or self.quota_not_measured:
            return None
        return self.won_in_quota_periods / self.quota


def headline(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> Headline:
    """Who and what period is in scope, closed-won revenue, and closed-won vs quota over the
    judgeable quota periods (:func:`analytics.results.attainment.attainment_cut`; the periods in
    progress are :func:`analytics.results.attainment.quota_basis`'s)."""
    n_reps = len(reps(ws, filters))
    n_managers = len(managers(ws, filters))
    # closed deals count in their close quarter; open deals' close dates are only expected
    span_where, span_params = deal_clause(filters, "CASE WHEN o.is_closed THEN coalesce(o.close_date, o.created_date) "
                                                   "ELSE o.created_date END")
    q = ws.row(
        f"""SELECT min(d), max(d), count(DISTINCT date_trunc('quarter', d)) FROM (
               SELECT CASE WHEN o.is_closed THEN coalesce(o.close_date, o.created_date) ELSE o.created_date END AS d
               FROM v_opportunities o WHERE {span_where}) WHERE d IS NOT NULL""", span_params)
    won_where, won_params = deal_clause(filters)
    won = ws.row(
        f"SELECT sum(o.amount), count(*) FROM v_opportunities o WHERE o.is_won AND {won_where}", won_params)
    q_where, q_params = attainment_cut(ws, filters, settings).clause(filters)
    quota = ws.row(
        f"SELECT sum(q.amount), count(DISTINCT q.owner_name) FROM v_quotas q WHERE {q_where}", q_params)
    # a quota counts deals of its owner (v_won_in_quota joins resolved names): when the quota owners
    # do not join the deal owners (analytics.store.links' rule), 0% would be a wrong join, not a result
    withheld = attainment_withheld(ws)
    in_periods = ws.scalar(
        f"""SELECT sum(w.amount) FROM v_won_in_quota w JOIN v_quotas q
            ON q.owner_name = w.owner_name AND q.period_start = w.period_start WHERE {q_where}""", q_params)
    return Headline(
        managers=n_managers, reps=n_reps,
        first_quarter=quarter_label(q[0]), last_quarter=quarter_label(q[1]), quarters=int(q[2] or 0),
        won_revenue=won[0], won_deals=int(won[1] or 0),
        quota=quota[0], quota_reps=int(quota[1] or 0),
        won_in_quota_periods=(in_periods or 0.0) if quota[0] else None,
        quota_not_measured=None if not quota[0] or not withheld else (
            f"not measured: {withheld}; the quota file names people differently from the deals "
            "(see Data health on the Data page)"),
        quota_rests_on=rests_on(ws, ATTAINMENT_LINKS) if quota[0] else None,
        managers_not_measured=(f"not measured: {why}: see Data health on the Data page"
                               if (why := broken(ws, MANAGER_LINKS)) else None),
        managers_rest_on=rests_on(ws, MANAGER_LINKS),
    )


def revenue_by_quarter(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Closed-won revenue and quota per quarter of the period's start: ``quota`` of the judgeable
    quota periods (missing where none was loaded), ``quota_in_progress`` of the periods in progress
    or not yet started (shown apart: never a quota against nothing won)."""
    won_where, won_params = deal_clause(filters)
    cut = attainment_cut(ws, filters, settings)
    scope, s_params = cut.scope_sql("q")
    judged, j_params = cut.judged_sql("q")
    people, p_params = filters.clause(person="q.owner_name")
    return ws.query(
        f"""WITH won AS (
               SELECT date_trunc('quarter', o.close_date) AS quarter, sum(o.amount) AS won_revenue,
                      count(*) AS won_deals
               FROM v_opportunities o WHERE o.is_won AND o.close_date IS NOT NULL AND {won_where} GROUP BY 1),
           quota AS (
               SELECT date_trunc('quarter', q.period_start) AS quarter,
                      sum(q.amount) FILTER (WHERE {judged}) AS quota,
                      sum(q.amount) FILTER (WHERE NOT coalesce({judged}, FALSE)) AS quota_in_progress
               FROM v_quotas q WHERE {scope} AND {people} GROUP BY 1)
           SELECT coalesce(won.quarter, quota.quarter) AS quarter, won_revenue, won_deals, quota, quota_in_progress
           FROM won FULL OUTER JOIN quota ON won.quarter = quota.quarter
           ORDER BY 1""",
        won_params + j_params + j_params + s_params + p_params,
    )


def managers_summary(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Per manager in scope: reps, won deals and revenue, quota and attainment (quota periods only)."""
    base = managers(ws, filters)[["manager", "reps"]]
    if base.empty:
        return base.assign(won_deals=pd.Series(dtype="int64"), won_revenue=pd.Series(dtype=float),
                           quota=pd.Series(dtype=float), attainment=pd.Series(dtype=float))
    won_where, won_params = deal_clause(filters)
    won = ws.query(
        f"""SELECT o.manager_name AS manager, count(*) AS won_deals, sum(o.amount) AS won_revenue
            FROM v_opportunities o WHERE o.is_won AND {won_where} GROUP BY 1""", won_params)
    att = attainment_by_manager(ws, filters, settings)[["manager", "quota", "attainment"]]
    out = base.merge(won, on="manager", how="left").merge(att, on="manager", how="left")
    if broken(ws, MANAGER_LINKS):  # deals that reach no manager: not measured, never 0 won
        out["won_deals"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["won_revenue"] = float("nan")
        return out.sort_values("manager", ignore_index=True)
    out["won_deals"] = out["won_deals"].fillna(0).astype("int64")
    return out.sort_values("won_revenue", ascending=False, na_position="last", ignore_index=True)
