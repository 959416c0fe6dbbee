"""The Coach dial's second signal: development follow-through.

Definitions (FRAMEWORK.md)
--------------------------
* **Follow-through rate** = actions completed ÷ actions whose due date has passed
  (both counted over the actions due: an action completed early but not yet due is in neither).
* **Revisit rate** = completed actions revisited ÷ completed actions.

"As of"
-------
``as_of`` = ``filters.end`` when set, else the latest date recorded in the development actions
(assigned, completed or revisited; never a due date, which is a plan, and never the wall clock),
over the whole table so that narrowing the filters does not move it. Everything is judged on
that day: an action is *due* when due_date < as_of, *completed* when completed_date ≤ as_of,
*revisited* when it is completed and revisited_date ≤ as_of. An action without a due date is
never due; a revisit recorded without a completion is not counted.

Attribution and scope
---------------------
An action belongs to the manager who assigned it (its ``manager`` column, resolved through
``v_person_ref``), else the rep's roster manager. Period: ``assigned_date`` in the period;
region / team: the rep's roster row; manager: the action's manager (so an action keeps the
manager who assigned it after the rep moves); segment / product filters do not apply.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.people import managers, roster_names
from analytics.settings import Settings
from analytics.store.caching import per_data_version, per_run
from analytics.store.workspace import Workspace

ACTION_COLUMNS = ["action_id", "rep", "manager", "capability", "action_type", "assigned_date", "due_date",
                  "completed_date", "revisited_date", "as_of", "is_due", "is_completed", "is_revisited",
                  "is_overdue", "days_to_complete", "days_to_revisit", "days_overdue"]
MANAGER_COLUMNS = ["manager", "n_actions", "n_due", "n_completed_due", "follow_through_rate", "n_completed",
                   "n_revisited", "revisit_rate", "median_days_to_complete", "median_days_to_revisit",
                   "n_overdue"]
OVERDUE_COLUMNS = ["action_id", "rep", "manager", "capability", "action_type", "assigned_date", "due_date",
                   "days_overdue"]
NOT_REVISITED_COLUMNS = ["action_id", "rep", "manager", "capability", "action_type", "assigned_date",
                         "completed_date", "days_since_completed"]

_ACTIONS_SQL = """
SELECT a.action_id, coalesce(pr.name, a.rep) AS rep,
       coalesce(pm.name, nullif(trim(a.manager), ''), ro.manager_name) AS manager,
       a.capability, a.action_type, a.assigned_date, a.due_date, a.completed_date, a.revisited_date
FROM development_actions a
LEFT JOIN v_person_ref pr ON pr.ref = a.rep
LEFT JOIN v_person_ref pm ON pm.ref = nullif(trim(a.manager), '')
LEFT JOIN v_roster ro ON ro.name = coalesce(pr.name, a.rep)
"""


@per_run
def as_of(ws: Workspace, filters: Filters = Filters()) -> pd.Timestamp | None:
    """The day follow-through is judged on: ``filters.end``, else the latest assigned, completed or
    revisited date in the whole development-actions table; None when there is none."""
    if filters.end is not None:
        return pd.Timestamp(filters.end)
    latest = ws.scalar(
        "SELECT max(greatest(assigned_date, completed_date, revisited_date)) FROM development_actions")
    return None if latest is None else pd.Timestamp(latest)


@per_run
def actions(ws: Workspace, filters: Filters = Filters()) -> pd.DataFrame:
    """Development actions in scope, with what was true of each on the as-of day.

    The actions of the period are held with the workspace (:func:`_period_actions`) and a
    region, team or manager pick selects its rows from them (:func:`_picked`), as the SQL of
    :func:`_actions_in_scope` (the direct computation) selects them; a pick with no rows is
    computed directly.

    Derived fields (all judged on ``as_of``, see the module docstring):
    is_due = due_date < as_of; is_completed = completed_date ≤ as_of;
    is_revisited = is_completed and revisited_date ≤ as_of; is_overdue = is_due and not
    is_completed; days_to_complete = completed_date − assigned_date (completed only);
    days_to_revisit = revisited_date − completed_date (revisited only);
    days_overdue = as_of − due_date (overdue only).

    Returns
    -------
    DataFrame: action_id, rep, manager, capability, action_type, assigned_date, due_date,
    completed_date, revisited_date, as_of, is_due, is_completed, is_revisited, is_overdue,
    days_to_complete, days_to_revisit, days_overdue (days as floats, NaN when not applicable).
    """
    held = _period_actions(ws, filters.period())
    if not filters.picks_people:
        return held
    picked = _picked(ws, filters, held)
    return picked if len(picked) else _actions_in_scope(ws, filters)


@per_data_version(pool="filtered")
def _period_actions(ws: Workspace, period: Filters) -> pd.DataFrame:
    """Every action of the period (nobody picked): :func:`actions` picks its people from these
    (its rows depend on the period and the as-of day, ``period.end``, alone)."""
    return _actions_in_scope(ws, period)


def _picked(ws: Workspace, filters: Filters, held: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`_period_actions` the people filters pick, as :func:`_actions_in_scope`'s
    SQL picks them: the rep's roster row in the regions and teams, the action's manager among
    the managers (a missing rep or manager is in no picked scope)."""
    keep = np.ones(len(held), dtype=bool)
    places = filters.regions_and_teams()
    if places.picks_people:
        keep &= held["rep"].isin(roster_names(ws, places)).fillna(False).astype(bool).to_numpy()
    if filters.managers:
        keep &= held["manager"].isin(filters.managers).fillna(False).astype(bool).to_numpy()
    return held[keep].reset_index(drop=True)


def _actions_in_scope(ws: Workspace, filters: Filters) -> pd.DataFrame:
    """:func:`actions` computed from the development actions in SQL, the filters applied there."""
    d_sql, d_params = filters.period().clause(date="x.assigned_date")
    r_sql, r_params = filters.regions_and_teams().clause(person="x.rep")
    m_sql, m_params = filters.managers_only().clause(manager="x.manager")
    df = ws.query(
        f"SELECT * FROM ({_ACTIONS_SQL}) x WHERE {d_sql} AND {r_sql} AND {m_sql} ORDER BY x.assigned_date, x.action_id",
        d_params + r_params + m_params,
    )
    day = as_of(ws, filters)
    for col in ("assigned_date", "due_date", "completed_date", "revisited_date"):
        df[col] = pd.to_datetime(df[col])
    df["as_of"] = pd.Series(day, index=df.index, dtype="datetime64[us]")
    if day is None:
        df["is_due"] = df["is_completed"] = df["is_revisited"] = False
    else:
        df["is_due"] = (df["due_date"] < day).fillna(False).astype(bool)
        df["is_completed"] = (df["completed_date"] <= day).fillna(False).astype(bool)
        df["is_revisited"] = (df["is_completed"] & (df["revisited_date"] <= day).fillna(False)).astype(bool)
    df["is_overdue"] = df["is_due"] & ~df["is_completed"]
    df["days_to_complete"] = _days(df["completed_date"] - df["assigned_date"]).where(df["is_completed"])
    df["days_to_revisit"] = _days(df["revisited_date"] - df["completed_date"]).where(df["is_revisited"])
    df["days_overdue"] = _days(df["as_of"] - df["due_date"]).where(df["is_overdue"])
    return df[ACTION_COLUMNS].reset_index(drop=True)


def follow_through_by_manager(ws: Workspace, filters: Filters = Filters(),
                              settings: Settings = Settings()) -> pd.DataFrame:
    """Follow-through and revisit rates per manager (one row per manager in scope).

    follow_through_rate = n_completed_due ÷ n_due, where n_due counts actions with
    due_date < as_of and n_completed_due those of them completed by as_of (NaN when n_due = 0);
    revisit_rate = n_revisited ÷ n_completed (NaN when n_completed = 0);
    median_days_to_complete = median of completed_date − assigned_date over completed actions;
    median_days_to_revisit = median of revisited_date − completed_date over revisited actions.

    Returns
    -------
    DataFrame: manager, n_actions, n_due, n_completed_due, follow_through_rate, n_completed,
    n_revisited, revisit_rate, median_days_to_complete, median_days_to_revisit, n_overdue.
    """
    a = actions(ws, filters)
    a = a.assign(completed_due=a["is_due"] & a["is_completed"])
    per = a.groupby("manager").agg(
        n_actions=("action_id", "size"), n_due=("is_due", "sum"), n_completed_due=("completed_due", "sum"),
        n_completed=("is_completed", "sum"), n_revisited=("is_revisited", "sum"),
        median_days_to_complete=("days_to_complete", "median"),
        median_days_to_revisit=("days_to_revisit", "median"), n_overdue=("is_overdue", "sum"))
    out = managers(ws, filters)[["manager"]].merge(per, left_on="manager", right_index=True, how="left")
    for col in MANAGER_COLUMNS:
        if col.startswith("n_"):
            out[col] = out[col].fillna(0).astype("int64")
    out["follow_through_rate"] = _ratio(out["n_completed_due"], out["n_due"])
    out["revisit_rate"] = _ratio(out["n_revisited"], out["n_completed"])
    for col in ("median_days_to_complete", "median_days_to_revisit"):
        out[col] = out[col].astype(float)
    return out[MANAGER_COLUMNS].reset_index(drop=True)


QUARTER_COLUMNS = ["quarter", "n_due", "n_completed_due", "follow_through_rate"]


def follow_through_by_quarter(a: pd.DataFrame) -> pd.DataFrame:
    """Follow-through per quarter of assignment, from :func:`actions` rows (one manager's, or any).

    follow_through_rate = n_completed_due ÷ n_due over the actions assigned in the quarter: the
    completed actions counted are those *among the due ones* (the same set as the denominator), so
    the rate is a share, 0..1, like :func:`follow_through_by_manager`'s; an action completed early
    and not yet due is in neither. Quarters with nothing due are left out (no rate to draw).

    >>> rows = pd.DataFrame({"assigned_date": pd.to_datetime(["2025-01-05", "2025-02-01", "2025-02-03"]),
    ...                      "is_due": [True, False, False], "is_completed": [True, True, True]})
    >>> follow_through_by_quarter(rows).to_dict("records")
    [{'quarter': '2025-Q1', 'n_due': 1, 'n_completed_due': 1, 'follow_through_rate': 1.0}]

    Returns
    -------
    DataFrame: quarter (label, "2025-Q1"), n_due, n_completed_due, follow_through_rate; in time order.
    """
    if a.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "quarter" else float) for c in QUARTER_COLUMNS})
    q = pd.to_datetime(a["assigned_date"]).dt.to_period("Q")
    frame = pd.DataFrame({"q": q, "due": a["is_due"].astype(bool),
                          "done": (a["is_due"].astype(bool) & a["is_completed"].astype(bool))})
    per = frame.groupby("q").agg(n_due=("due", "sum"), n_completed_due=("done", "sum"))
    per = per[per["n_due"] > 0].sort_index()
    out = pd.DataFrame({"quarter": [f"{p.year}-Q{p.quarter}" for p in per.index],
                        "n_due": per["n_due"].astype("int64").to_numpy(),
                        "n_completed_due": per["n_completed_due"].astype("int64").to_numpy()})
    out["follow_through_rate"] = (out["n_completed_due"] / out["n_due"]).astype(float)
    return out[QUARTER_COLUMNS]


def overdue_actions(ws: Workspace, filters: Filters = Filters()) -> pd.DataFrame:
    """Actions whose due date has passed (due_date < as_of) and that are not completed by as_of.

    days_overdue = as_of − due_date.

    Returns
    -------
    DataFrame: action_id, rep, manager, capability, action_type, assigned_date, due_date,
    days_overdue; most overdue first.
    """
    a = actions(ws, filters)
    a = a[a["is_overdue"]].sort_values(["days_overdue", "rep"], ascending=[False, True])
    return a[OVERDUE_COLUMNS].reset_index(drop=True)


def completed_not_revisited(ws: Workspace, filters: Filters = Filters()) -> pd.DataFrame:
    """Actions completed by as_of that the manager has not revisited with the rep.

    days_since_completed = as_of − completed_date.

    Returns
    -------
    DataFrame: action_id, rep, manager, capability, action_type, assigned_date, completed_date,
    days_since_completed; longest waiting first.
    """
    a = actions(ws, filters)
    a = a[a["is_completed"] & ~a["is_revisited"]]
    a = a.assign(days_since_completed=_days(a["as_of"] - a["completed_date"]))
    a = a.sort_values(["days_since_completed", "rep"], ascending=[False, True])
    return a[NOT_REVISITED_COLUMNS].reset_index(drop=True)


def _days(delta: pd.Series) -> pd.Series:
    return (delta / pd.Timedelta(days=1)).astype(float)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.where(den > 0)).astype(float).replace([np.inf, -np.inf], np.nan)
