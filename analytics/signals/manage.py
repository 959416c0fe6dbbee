"""The Manage dial's evidence and attainment: quota, pipeline coverage, hygiene, activity standards.

"As of" is never the wall clock: it is the filter's end date when set, else the latest close
date of a closed deal in the data, so the same workspace always gives the same numbers.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.people import managers, per_manager, per_period_by_owner
from analytics.periods import as_of
from analytics.settings import Settings
from analytics.store.caching import per_data_version, per_run
from analytics.store.workspace import Workspace

NAN = float("nan")


def _next_quarter(when: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter after ``when``."""
    start = (pd.Timestamp(when) + pd.offsets.QuarterBegin(startingMonth=1)).date()
    return start, (pd.Timestamp(start) + pd.offsets.QuarterEnd(startingMonth=3)).date()


@per_period_by_owner
def _owner_pipeline(ws: Workspace, filters: Filters, when: date, stale_days: int) -> pd.DataFrame:
    """Each owner's deals open at ``when`` per manager of the deal (:func:`pipeline_by_manager`'s
    rules): n_open_deals, n_with_close (with a close date), closing_amount (amount of those
    closing in the quarter after ``when``; NaN when none of them has one), n_closing (those
    with an amount), n_not_closing (deals not closing then), n_past_due, n_stale, n_judged,
    n_judged_bad (judged, and past due or stale). Held per period, segment, product, date and
    staleness; the people filters pick from it."""
    next_start, next_end = _next_quarter(when)
    deals, params = filters.clause(segment="o.segment", product="o.product")
    return ws.query(
        f"""WITH open_deals AS (
                SELECT o.opportunity_id, o.owner_name, o.manager_name, o.amount, o.close_date, o.created_date
                FROM v_opportunities o
                WHERE NOT o.is_closed AND coalesce(o.created_date <= ?, true) AND o.manager_name IS NOT NULL AND {deals}),
            touch AS (
                SELECT d.opportunity_id, greatest(d.created_date, max(CAST(h.changed_at AS DATE)),
                                                  max(a.activity_date)) AS last_touch
                FROM open_deals d
                LEFT JOIN stage_history h ON h.opportunity_id = d.opportunity_id
                     AND CAST(h.changed_at AS DATE) <= ?
                LEFT JOIN activities a ON a.opportunity_id = d.opportunity_id AND a.activity_date <= ?
                GROUP BY d.opportunity_id, d.created_date),
            flagged AS (
                SELECT d.owner_name, d.manager_name AS manager, d.amount, d.close_date,
                       coalesce(d.close_date BETWEEN ? AND ?, false) AS closing_next,
                       coalesce(d.close_date < ?, false) AS past_due,
                       coalesce(date_diff('day', t.last_touch, ?) > ?, false) AS stale,
                       t.last_touch IS NOT NULL OR d.close_date IS NOT NULL AS judged
                FROM open_deals d JOIN touch t USING (opportunity_id))
            SELECT owner_name, manager,
                   count(close_date) AS n_with_close,
                   sum(amount) FILTER (WHERE closing_next) AS closing_amount,
                   count(amount) FILTER (WHERE closing_next) AS n_closing,
                   count(*) FILTER (WHERE NOT closing_next) AS n_not_closing,
                   count(*) AS n_open_deals, count(*) FILTER (WHERE past_due) AS n_past_due,
                   count(*) FILTER (WHERE stale) AS n_stale,
                   count(*) FILTER (WHERE judged) AS n_judged,
                   count(*) FILTER (WHERE judged AND (past_due OR stale)) AS n_judged_bad
            FROM flagged GROUP BY ALL ORDER BY ALL""",
        # bound in the order the placeholders appear
        [when, *params, when, when, next_start, next_end, when, when, stale_days],
    )


@per_data_version
def _manager_quotas(ws: Workspace, next_start: date, when: date) -> pd.DataFrame:
    """Each manager's quota (all their reps') of the quarter starting ``next_start``
    (next_quota), and of the latest quarter starting on or before ``when`` (latest_quota)."""
    return ws.query(
        """WITH quota AS (
                SELECT manager_name AS manager, period_start, sum(amount) AS quota
                FROM v_quotas WHERE manager_name IS NOT NULL GROUP BY 1, 2)
            SELECT manager,
                   max(quota) FILTER (WHERE period_start = ?) AS next_quota,
                   arg_max(quota, period_start) FILTER (WHERE period_start <= ?) AS latest_quota
            FROM quota GROUP BY 1""",
        [next_start, when],
    )


@per_run
def pipeline_by_manager(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Pipeline coverage and hygiene as of :func:`as_of`.

    coverage = open pipeline closing in the quarter after as-of ÷ that quarter's quota; when no
    quota was loaded for it, the latest quarter's quota stands in (``coverage_basis`` says which).
    A deal is *past due* when open with a close date before as-of, *stale* when its last touch
    (created, a stage change or an activity) is more than ``settings.stale_days`` before as-of.
    hygiene = 1 − (past due or stale) ÷ open deals whose last touch or close date is known
    (``n_judged``; a deal with neither cannot be judged and is left out).

    Columns: manager, open_pipeline, coverage_quota, coverage, coverage_basis, n_open_deals,
    n_judged, n_past_due, n_stale, hygiene.
    """
    when = as_of(ws, filters)
    base = managers(ws, filters)[["manager"]]
    if when is None:
        empty = base.assign(open_pipeline=float("nan"), coverage_quota=float("nan"), coverage=float("nan"),
                            coverage_basis=None, n_open_deals=0, n_judged=0, n_past_due=0, n_stale=0,
                            hygiene=float("nan"))
        return empty
    next_start, _ = _next_quarter(when)
    o = _owner_pipeline(ws, filters, when, settings.stale_days)
    counts = ["n_open_deals", "n_judged", "n_past_due", "n_stale"]
    if o.empty:
        return base.assign(open_pipeline=NAN, coverage_quota=NAN, coverage=NAN, coverage_basis=None,
                           **{c: 0 for c in counts}, hygiene=NAN)
    g = o.groupby("manager")
    frame = pd.concat([g[["n_with_close", "n_closing", "n_not_closing", "n_judged_bad", *counts]].sum(),
                       g["closing_amount"].sum(min_count=1)], axis=1)
    # the amount closing next quarter: 0 when no open deal closes then (NaN when every open deal
    # does and none has an amount); NaN when no open deal has a close date (timing not measured)
    frame["open_pipeline"] = frame["closing_amount"].where(
        frame["n_closing"] > 0, np.where(frame["n_not_closing"] > 0, 0.0, NAN)).where(frame["n_with_close"] > 0)
    frame["hygiene"] = 1 - frame["n_judged_bad"] / frame["n_judged"].where(frame["n_judged"] > 0)
    frame = frame.reset_index().merge(_manager_quotas(ws, next_start, when), on="manager", how="left")
    frame["coverage_quota"] = frame["next_quota"].fillna(frame["latest_quota"])
    frame["coverage"] = frame["open_pipeline"] / frame["coverage_quota"].where(frame["coverage_quota"] != 0)
    frame["coverage_basis"] = np.where(frame["next_quota"].notna(), "next quarter's quota",
                                       np.where(frame["latest_quota"].notna(),
                                                "latest quarter's quota (none loaded for next quarter)", None))
    frame = frame[["manager", "open_pipeline", "coverage_quota", "coverage", "coverage_basis", *counts, "hygiene"]]
    return per_manager(ws, filters, frame, ("n_open_deals", "n_judged", "n_past_due", "n_stale"))


def activity_by_manager(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Activity standards: share of rep-weeks with at least the target number of activities.

    Weeks (Monday to Sunday) count from each rep's first to last logged activity in scope (a
    rep-week with none counts as a miss); a rep is a roster member with a manager who manages
    no one. Columns: manager, activity_standard_met, activities_per_rep_week, n_rep_weeks.

    activity_standard_met = rep-weeks with n ≥ target ÷ n_rep_weeks and activities_per_rep_week
    = activities ÷ n_rep_weeks, pooled over the manager's reps. The activities per person and
    day are counted once per version of the data; the filters pick from those counts.
    """
    per_rep = rep_weeks(ws, filters, settings.activity_target_per_week)
    if per_rep.empty:
        frame = pd.DataFrame({"manager": pd.Series([], dtype="str"), "activity_standard_met": [],
                              "activities_per_rep_week": [], "n_rep_weeks": []})
        return per_manager(ws, filters, frame, ("n_rep_weeks",))
    roster = _roster_managers(ws)
    per_rep = per_rep.join(roster, how="inner")
    g = per_rep.groupby("manager", observed=True).agg(met=("met", "sum"), n=("n", "sum"), n_rep_weeks=("n_weeks", "sum"))
    frame = pd.DataFrame({
        "manager": pd.Series(g.index, dtype="str"),
        "activity_standard_met": (g["met"] / g["n_rep_weeks"]).astype(float).to_numpy(),
        "activities_per_rep_week": (g["n"] / g["n_rep_weeks"]).astype(float).to_numpy(),
        "n_rep_weeks": g["n_rep_weeks"].astype("int64").to_numpy(),
    })
    return per_manager(ws, filters, frame, ("n_rep_weeks",))


@per_period_by_owner
def rep_weeks(ws: Workspace, filters: Filters, target: float) -> pd.DataFrame:
    """Each person's activity weeks in scope (index owner_name): ``n_weeks`` from their first to
    their last week (Monday to Sunday) with a logged activity, ``met`` those with at least
    ``target`` activities (a week with none misses, unless the target is 0), ``n`` activities in
    those weeks. From the held activities per person and day; held per period (the people
    filters pick from it: :func:`analytics.people.per_period_by_owner`)."""
    days = activity_days(ws)
    keep = filters.mask(days, date="day")
    if not keep.all():  # no period: every day, without picking a million rows one by one
        days = days[keep]
    if days.empty:
        return pd.DataFrame({"n_weeks": pd.Series([], dtype="int64"), "met": pd.Series([], dtype="int64"),
                             "n": pd.Series([], dtype="int64")}, index=pd.Index([], name="owner_name", dtype="str"))
    week = days["day"] - pd.to_timedelta(days["day"].dt.day_of_week, unit="D")
    weekly = days.assign(week=week).groupby(["owner_name", "week"], as_index=False, observed=True)["n"].sum()
    weekly["met"] = weekly["n"] >= target
    per_rep = weekly.groupby("owner_name", observed=True).agg(
        w0=("week", "min"), w1=("week", "max"), n=("n", "sum"), met=("met", "sum"), n_active=("week", "size"))
    per_rep["n_weeks"] = (per_rep["w1"] - per_rep["w0"]).dt.days // 7 + 1
    if target <= 0:  # a week with no activity meets a target of none
        per_rep["met"] += per_rep["n_weeks"] - per_rep["n_active"]
    return per_rep[["n_weeks", "met", "n"]]


@per_data_version
def activity_days(ws: Workspace) -> pd.DataFrame:
    """Activities per owner (resolved through the roster) and day, over the whole workspace
    (activities without a date in one row per owner, day NaT: counted when no period is set)."""
    # in no particular order: every reader groups them (sorting them costs time at scale). The
    # owners are numbered first (each distinct export value resolved once, a few thousand), so
    # the million (owner, day) groups hash a number instead of a name: 0.65 -> 0.54 CPU-s at 5M
    # activities (benchmarks/RESULTS.md); an activity without an owner has no number, as it has no name
    df = ws.query(
        """WITH owners AS (SELECT x.owner, coalesce(r.name, x.owner) AS owner_name
                           FROM (SELECT DISTINCT owner FROM activities) x LEFT JOIN v_person_ref r ON r.ref = x.owner),
                names AS (SELECT owner_name, row_number() OVER () AS k
                          FROM (SELECT DISTINCT owner_name FROM owners WHERE owner_name IS NOT NULL)),
                numbered AS (SELECT owners.owner, names.k FROM owners JOIN names USING (owner_name)),
                per_day AS (SELECT numbered.k, a.activity_date AS day, count(*) AS n
                            FROM v_activities a JOIN numbered ON numbered.owner = a.owner GROUP BY ALL)
           SELECT names.owner_name, per_day.day, per_day.n FROM per_day JOIN names USING (k)"""
    )
    df["day"] = pd.to_datetime(df["day"])
    df["n"] = df["n"].astype("int64")
    return df


@per_data_version
def _roster_managers(ws: Workspace) -> pd.DataFrame:
    """The roster's reps (a manager, and managing no one), indexed by name: their manager."""
    return ws.query(
        """SELECT name, manager_name AS manager FROM v_roster WHERE manager_name IS NOT NULL
           AND name NOT IN (SELECT manager_name FROM v_roster WHERE manager_name IS NOT NULL)"""
    ).set_index("name")
