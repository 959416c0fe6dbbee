"""The Coach dial's session evidence: the four behaviours, the 50/50 rule and cadence.

A session is attributed to the manager named on the session (the manager at the time),
resolved through ``v_person_ref`` when the log holds an ID; the rep likewise.

Scope of a session
------------------
* period: ``session_date`` inside the filter period;
* region / team: the rep's row in the roster (``Filters.clause(person=...)``);
* manager: the session's own manager, so a manager's figures are the same whether or not the
  manager filter selects them, and sessions they held with reps who have since moved count.

Cadence is measured over the *observed period*: the filter period when set (each open end
taken from the coaching log), else the span of the whole coaching log, in days ÷ 30.44 and
never less than one month. The span does not depend on the region/team/manager filters, so a
manager's cadence does not change when the page is narrowed to them.

Missing evidence is NaN, never 0: a manager with no sessions in scope has NaN rates, quality,
skill-time share and cadence, with ``n_sessions`` = 0.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.people import managers, reps
from analytics.settings import Settings
from analytics.store.caching import per_run
from analytics.store.workspace import Workspace, as_if_queried, quote_ident

#: The four observable behaviours (column of ``coaching_sessions`` -> plain label), in FRAMEWORK order.
BEHAVIOURS: dict[str, str] = {
    "named_specific_gap": "names a specific capability gap",
    "asked_before_telling": "asks before telling",
    "tied_to_plan": "ties it to a development plan",
    "tracked_application": "tracks independent application",
}

#: Average days in a month, for cadence.
DAYS_PER_MONTH = 30.44

RATE_COLUMNS = [f"rate_{b}" for b in BEHAVIOURS]
OBSERVED_COLUMNS = [f"n_{b}_observed" for b in BEHAVIOURS]

MANAGER_COLUMNS = [
    "manager", "n_sessions", "n_reps_coached", *RATE_COLUMNS, *OBSERVED_COLUMNS, "quality_index",
    "skill_time_share", "n_sessions_with_split", "skill_time_gap", "sessions_per_rep_month",
    "pipeline_reviews_per_rep_month", "n_pipeline_reviews", "n_team_reps",
]
MANAGER_COUNTS = ("n_sessions", "n_reps_coached", *OBSERVED_COLUMNS, "n_sessions_with_split",
                  "n_pipeline_reviews", "n_team_reps")
REP_COLUMNS = ["rep", "manager", "n_sessions", "sessions_per_month", "last_session_date",
               "days_since_last_session", "quality_index"]

#: Sessions with the manager and rep resolved to names (IDs go through the roster).
_SESSIONS = """
SELECT cs.session_id, cs.session_date, cs.minutes, cs.session_type, cs.focus_capability,
       cs.pipeline_minutes, cs.skill_minutes,
       cs.named_specific_gap, cs.asked_before_telling, cs.tied_to_plan, cs.tracked_application,
       coalesce(pm.name, cs.manager) AS manager_name, coalesce(pr.name, cs.rep) AS rep_name
FROM coaching_sessions cs
LEFT JOIN v_person_ref pm ON pm.ref = cs.manager
LEFT JOIN v_person_ref pr ON pr.ref = cs.rep
"""


def _scope(filters: Filters, *, people: bool = True) -> tuple[str, list]:
    """WHERE fragment over ``s`` (a :data:`_SESSIONS` row) for the filters.

    Period on ``session_date``; region/team through the rep's roster row; manager filter on the
    session's own manager. ``people=False`` keeps the period only.
    """
    period = filters.period()
    if not people:
        return period.clause(date="s.session_date")
    where, params = period.with_(regions=filters.regions, teams=filters.teams).clause(
        date="s.session_date", person="s.rep_name")
    who, who_params = filters.managers_only().clause(manager="s.manager_name")
    return f"({where}) AND ({who})", params + who_params


def _behaviour(behaviour: str) -> str:
    if behaviour not in BEHAVIOURS:
        raise ValueError(f"unknown behaviour {behaviour!r}; known: {', '.join(BEHAVIOURS)}")
    return behaviour


def _date(value) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def observed_months(ws: Workspace, filters: Filters = Filters()) -> float | None:
    """Length of the observed period in months, for cadence.

    months = max(1, (end − start) in days ÷ 30.44), where start/end are the filter period's
    ends when set, else the first/last session date in the coaching log. None when the log is
    empty and the filter period leaves an end open.
    """
    first, last = ws.row("SELECT min(session_date), max(session_date) FROM coaching_sessions")
    start = filters.start if filters.start is not None else _date(first)
    end = filters.end if filters.end is not None else _date(last)
    if start is None or end is None:
        return None
    return max(1.0, (end - start).days / DAYS_PER_MONTH)


def _rates_sql() -> str:
    parts = []
    for b in BEHAVIOURS:
        col = quote_ident(b)
        parts.append(f"avg(CAST(s.{col} AS DOUBLE)) AS {quote_ident('rate_' + b)}")
        parts.append(f"count(s.{col}) AS {quote_ident('n_' + b + '_observed')}")
    return ", ".join(parts)


def _quality(frame: pd.DataFrame) -> pd.Series:
    """Mean of the behaviour rates that are measured (NaN when none is)."""
    rates = frame[RATE_COLUMNS].astype(float)
    return rates.mean(axis=1, skipna=True).where(rates.notna().any(axis=1), np.nan)


def coaching_by_manager(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Coaching behaviours, quality index, the 50/50 rule and cadence per manager.

    Parameters
    ----------
    ws : the workspace.
    filters : period (on ``session_date``), region/team (the rep's roster row), manager (the
        session's manager).
    settings : ``skill_time_target`` is the 50/50 rule's target share.

    Returns
    -------
    pandas.DataFrame
        One row per manager of :func:`analytics.people.managers`, with

        * ``n_sessions``, ``n_reps_coached`` (distinct reps among them);
        * ``rate_<b>`` = sessions showing behaviour b ÷ sessions where b was recorded
          (a NULL flag is left out of the denominator), ``n_<b>_observed`` that denominator;
        * ``quality_index`` = mean of the measured ``rate_<b>`` (NaN when none is);
        * ``skill_time_share`` = Σ skill_minutes ÷ Σ (skill_minutes + pipeline_minutes) over the
          ``n_sessions_with_split`` sessions where both are known;
          ``skill_time_gap`` = skill_time_share − ``settings.skill_time_target``;
        * ``sessions_per_rep_month`` = n_sessions ÷ ``n_team_reps`` (reps of the manager in
          scope) ÷ months (:func:`observed_months`);
          ``pipeline_reviews_per_rep_month`` the same for the ``n_pipeline_reviews`` sessions
          whose type contains "pipeline" (any case).

        Metrics without evidence are NaN (cadence too, when the manager has no session).

    Examples
    --------
    >>> from tests.factories import workspace_with
    >>> ws = workspace_with(people=[{"name": "Ann", "manager": "Max"}],
    ...     coaching_sessions=[{"manager": "Max", "rep": "Ann", "session_date": "2025-01-06",
    ...                         "asked_before_telling": True}])
    >>> coaching_by_manager(ws)[["manager", "n_sessions", "rate_asked_before_telling"]].to_dict("records")
    [{'manager': 'Max', 'n_sessions': 1, 'rate_asked_before_telling': 1.0}]
    """
    base = managers(ws, filters)[["manager", "reps"]].rename(columns={"reps": "n_team_reps"})
    where, params = _scope(filters)
    split = "s.skill_minutes IS NOT NULL AND s.pipeline_minutes IS NOT NULL"
    frame = ws.query(
        f"""SELECT s.manager_name AS manager, count(*) AS n_sessions,
                   count(DISTINCT s.rep_name) AS n_reps_coached, {_rates_sql()},
                   sum(s.skill_minutes) FILTER (WHERE {split}) AS skill_sum,
                   sum(s.skill_minutes + s.pipeline_minutes) FILTER (WHERE {split}) AS split_sum,
                   count(*) FILTER (WHERE {split}) AS n_sessions_with_split,
                   count(*) FILTER (WHERE lower(s.session_type) LIKE '%pipeline%') AS n_pipeline_reviews
            FROM ({_SESSIONS}) s
            WHERE s.manager_name IS NOT NULL AND {where}
            GROUP BY 1""",
        params,
    )
    out = base.merge(frame, on="manager", how="left")
    for c in MANAGER_COUNTS:
        out[c] = out[c].fillna(0).astype("int64")
    for c in (*RATE_COLUMNS, "skill_sum", "split_sum"):
        out[c] = out[c].astype(float)
    out["quality_index"] = _quality(out)
    out["skill_time_share"] = out["skill_sum"] / out["split_sum"].where(out["split_sum"] > 0)
    out["skill_time_gap"] = out["skill_time_share"] - settings.skill_time_target
    months = observed_months(ws, filters)
    held = (out["n_sessions"] > 0) & (out["n_team_reps"] > 0) & (months is not None)
    per = out["n_team_reps"].astype(float) * (months or np.nan)
    out["sessions_per_rep_month"] = (out["n_sessions"] / per).where(held, np.nan)
    out["pipeline_reviews_per_rep_month"] = (out["n_pipeline_reviews"] / per).where(held, np.nan)
    return out[MANAGER_COLUMNS]


def coaching_by_rep(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Coaching each rep received, whoever held the session.

    Parameters
    ----------
    ws : the workspace.
    filters : the reps in scope are :func:`analytics.people.reps` (region/team/manager through
        the roster); the period applies to ``session_date``.
    settings : unused (kept for the common signature).

    Returns
    -------
    pandas.DataFrame
        One row per rep in scope: ``rep``, ``manager`` (roster), ``n_sessions``,
        ``sessions_per_month`` = n_sessions ÷ months (:func:`observed_months`),
        ``last_session_date``, ``days_since_last_session`` = as-of − last session date, where
        as-of is ``filters.end`` when set, else the latest session date in the coaching log
        (never the wall clock), and ``quality_index`` = mean of the measured behaviour rates
        over the rep's sessions. NaN (NaT for the date) when the rep has no session in scope.
    """
    base = reps(ws, filters)[["rep", "manager"]]
    where, params = _scope(filters, people=False)
    frame = ws.query(
        f"""SELECT s.rep_name AS rep, count(*) AS n_sessions, max(s.session_date) AS last_session_date,
                   {_rates_sql()}
            FROM ({_SESSIONS}) s WHERE s.rep_name IS NOT NULL AND {where} GROUP BY 1""",
        params,
    )
    out = base.merge(frame, on="rep", how="left")
    out["n_sessions"] = out["n_sessions"].fillna(0).astype("int64")
    for c in RATE_COLUMNS:
        out[c] = out[c].astype(float)
    out["quality_index"] = _quality(out)
    months = observed_months(ws, filters)
    out["sessions_per_month"] = (out["n_sessions"] / (months or np.nan)).where(out["n_sessions"] > 0, np.nan)
    out["last_session_date"] = pd.to_datetime(out["last_session_date"])
    as_of = filters.end if filters.end is not None else _date(
        ws.scalar("SELECT max(session_date) FROM coaching_sessions"))
    if as_of is None:
        out["days_since_last_session"] = np.nan
    else:
        out["days_since_last_session"] = (pd.Timestamp(as_of) - out["last_session_date"]).dt.days.astype(float)
    return out[REP_COLUMNS]


@per_run
def _manager_sessions(ws: Workspace, manager: str, filters: Filters = Filters()) -> pd.DataFrame:
    """The manager's sessions in scope with the four behaviour flags, newest first: what
    :func:`session_examples` and :func:`behaviour_counts` pick from (one query for the eight
    example lists and the counts of a Manager detail page, not nine)."""
    where, params = _scope(filters)
    flags = ", ".join(f"s.{quote_ident(b)}" for b in BEHAVIOURS)
    return ws.query(
        f"""SELECT s.session_date, s.rep_name AS rep, s.session_type, s.focus_capability, s.minutes, {flags}
            FROM ({_SESSIONS}) s
            WHERE s.manager_name = ? AND {where}
            ORDER BY s.session_date DESC, s.session_id DESC""",
        [manager, *params],
    )


_EXAMPLE_COLUMNS = ["session_date", "rep", "session_type", "focus_capability", "minutes"]


def session_examples(ws: Workspace, manager: str, behaviour: str, shows: bool, limit: int = 3,
                     filters: Filters = Filters()) -> pd.DataFrame:
    """The manager's sessions that show (``shows=True``) or lack the behaviour, newest first.

    Sessions where the behaviour was not recorded (NULL) are neither. Scope as in
    :func:`coaching_by_manager`.

    Returns
    -------
    pandas.DataFrame
        At most ``limit`` rows: session_date, rep, session_type, focus_capability, minutes.
    """
    col = _behaviour(behaviour)
    sessions = _manager_sessions(ws, manager, filters)
    flag = sessions[col]
    picked = sessions[flag.notna() & (flag.astype("boolean") == bool(shows)).fillna(False)]
    return as_if_queried(picked.head(max(0, int(limit)))[_EXAMPLE_COLUMNS])


def behaviour_counts(ws: Workspace, manager: str, filters: Filters = Filters()) -> dict[str, tuple[int, int]]:
    """Behaviour -> (sessions showing it, sessions where it was recorded) for one manager.

    For the checklist sentence "only 2 of 9 sessions started with a question"; the rate of
    :func:`coaching_by_manager` is shown ÷ observed. Scope as in :func:`coaching_by_manager`.
    """
    sessions = _manager_sessions(ws, manager, filters)
    out = {}
    for b in BEHAVIOURS:
        flag = sessions[b].astype("boolean")
        out[b] = (int(flag.fillna(False).sum()), int(flag.notna().sum()))
    return out
