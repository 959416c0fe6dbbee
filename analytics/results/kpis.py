"""KPIs at their cadence (FRAMEWORK.md, "the performance-management cycle").

* **Leading** (daily or weekly): activities, pipeline added, deals created, deals advancing.
* **Predictive** (weekly): open pipeline and coverage; stage-to-stage conversion, time in stage
  and sales velocity.
* **Outcomes** (monthly or quarterly): revenue against quota, win rate, average deal size,
  cycle length.

Levels
------
``level="rep"`` gives one entity per rep in scope (:func:`analytics.people.reps`, columns ``rep``
and ``manager``); ``level="team"`` one per manager (column ``manager``: the deals, activities and
quotas of the manager's reps); ``level="org"`` one row for everything in scope (column
``scope``), including deals of owners who are not reps, so that it agrees with the Overview.

Scope
-----
Every user value is a bound parameter (:meth:`analytics.filters.Filters.clause`). The period
applies to each table's own date: activities by ``activity_date``, deals *created* by
``created_date``, deals *closed* by ``close_date``, stage moves by the date of the move, quota
periods that lie inside the period. Region, team and manager apply through the owner's roster
row; segment and product to the deal (activities and quotas have neither).

Missing evidence is NaN, never 0: a rep with no activity in the workspace at all has NaN
activities (not 0), a deal set without stage history has NaN deals advancing, an entity with
no open deal with a close date has NaN coverage. Columns starting ``n_`` (and ``won``, ``lost``,
``deals_created``) are integer counts of the evidence.

Stage order
-----------
A stage history is collapsed first (consecutive rows with the same stage, such as Salesforce's
amount edits, are one stay). Open stages are ordered by their median win probability when every
one has a probability, else by their mean position in the collapsed histories
(:func:`stage_order`); won stages come after every open stage; lost stages have no rank.
A move **advances** a deal when it enters a won stage from a stage that is not won, or moves
from one open stage to a later open stage. Moves into lost stages and reopenings do not.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from analytics.filters import Filters, deal_clause
from analytics.people import per_period_by_owner, reps, roster_names
from analytics.periods import QuotaCut, as_of
from analytics.results.attainment import attainment_by_manager, attainment_cut, attainment_withheld
from analytics.settings import Settings
from analytics.signals.manage import activity_by_manager, activity_days, pipeline_by_manager, rep_weeks
from analytics.store.caching import opens_run, per_data_version, per_run
from analytics.store.workspace import STAGE_MAP, Workspace

LEVELS = ("team", "rep", "org")
#: the entity column(s) of each level
KEYS = {"rep": ["rep", "manager"], "team": ["manager"], "org": ["scope"]}
#: the column(s) that identify an entity (a rep's manager is an attribute, possibly empty)
GROUP = {"rep": ["rep"], "team": ["manager"], "org": ["scope"]}
ORG = "All in scope"
#: below-standard rules that are not (yet) settings
ACTIVITY_MET_STANDARD = 0.5
ATTAINMENT_STANDARD = 1.0

_FREQ = {"day": "D", "week": "7D", "month": "MS", "quarter": "QS"}
NAN = float("nan")


# ----------------------------------------------------------------------------- helpers
def _check(level: str, grain: str | None = None, grains: tuple[str, ...] = ()) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if grain is not None and grain not in grains:
        raise ValueError(f"grain must be one of {grains}, not {grain!r}")


def period_start(values: pd.Series, grain: str) -> pd.Series:
    """First day of the day / week (Monday) / month / quarter holding each date (NaT stays NaT)."""
    s = pd.to_datetime(pd.Series(values)).astype("datetime64[ns]").dt.normalize()
    if grain == "day":
        return s
    if grain == "week":
        return s - pd.to_timedelta(s.dt.day_of_week, unit="D")
    if grain == "month":
        return s.dt.to_period("M").dt.start_time
    if grain == "quarter":
        return s.dt.to_period("Q").dt.start_time
    raise ValueError(f"unknown grain {grain!r}")


def rep_scope(ws: Workspace, filters: Filters = Filters()) -> pd.DataFrame:
    """:func:`analytics.people.reps` (rep, manager). Not cached here: the engine keeps no state
    between calls (a session's results are memoised in that session, by the UI)."""
    return reps(ws, filters)[["rep", "manager"]].reset_index(drop=True)


def entities(ws: Workspace, filters: Filters, level: str) -> pd.DataFrame:
    """The entities of a level in scope, one row each (key columns only)."""
    if level == "rep":
        return rep_scope(ws, filters)
    if level == "team":
        # people.managers: the managers of the reps in scope
        r = rep_scope(ws, filters)["manager"].dropna()
        return pd.DataFrame({"manager": sorted(r.unique())}, dtype=r.dtype)
    return pd.DataFrame({"scope": [ORG]})


def level_not_measured(ws: Workspace, filters: Filters, level: str) -> str | None:
    """Why ``level`` has no entity in scope, in words for "not measured" (a per-rep or per-team
    table with no row is not evidence of anything); None when it has one. The organisation
    always has one: its figures count every deal, owned or not."""
    _check(level)
    if level == "org" or not entities(ws, filters, level).empty:
        return None
    if filters.picks_people and not entities(ws, filters.without_people(), level).empty:
        return "the region, team or manager picked in the sidebar leaves no one in scope; widen the filters"
    if rep_scope(ws).empty:
        if not ws.scalar("SELECT count(*) FROM v_opportunities WHERE owner_name IS NOT NULL"):
            return ("no deal names its owner (the opportunities export has no owner column, such as OwnerId) and "
                    "no roster names a rep's manager")
        return "no rep in the roster or among the deal owners"
    return "no rep in scope has a manager in the roster: load a people export naming each rep's manager"


def _attribute(frame: pd.DataFrame, level: str, scope: pd.DataFrame, owner: str = "owner_name") -> pd.DataFrame:
    """Owner-level rows with the level's key columns (rows outside the level's scope dropped)."""
    if level == "org":
        return frame.assign(scope=ORG)
    # a row without an owner belongs to no rep and no team; the owner column takes the scope's
    # type (an export without owners groups its rows under a float NaN, which merges with nothing)
    missing = frame[owner].isna()
    if missing.any():
        frame = frame[~missing]
    if frame[owner].dtype != scope["rep"].dtype:
        frame = frame.astype({owner: scope["rep"].dtype})
    if level == "rep":
        out = frame[frame[owner].isin(set(scope["rep"]))]
        return out.assign(rep=out[owner])
    out = frame.merge(scope.rename(columns={"rep": owner}), on=owner, how="inner")
    return out[out["manager"].notna()]


def _with_manager(frame: pd.DataFrame, scope: pd.DataFrame) -> pd.DataFrame:
    """Rep-level rows with each rep's manager beside the rep."""
    frame = frame.drop(columns=["manager"], errors="ignore")
    frame.insert(frame.columns.get_loc("rep") + 1, "manager", frame["rep"].map(scope.set_index("rep")["manager"]))
    return frame


def _sum_known(frame: pd.DataFrame, keys: list[str], known: dict[str, str], plain: dict[str, str] | None = None,
               count: dict[str, str] | None = None, size: str | None = None) -> pd.DataFrame:
    """Grouped sums: ``known`` columns stay NaN when no value in the group is known, ``plain``
    ones are ordinary sums, ``count`` counts known values, ``size`` counts rows."""
    g = frame.groupby(keys, dropna=False)
    parts = [g[list(known)].sum(min_count=1).rename(columns=known)]
    if plain:
        parts.append(g[list(plain)].sum().rename(columns=plain))
    if count:
        parts.append(g[list(count)].count().rename(columns=count))
    if size:
        parts.append(g.size().rename(size))
    return pd.concat(parts, axis=1)


def _int(frame: pd.DataFrame, cols) -> pd.DataFrame:
    for c in cols:
        frame[c] = frame[c].fillna(0).astype("int64")
    return frame


def _ratio(num, den):
    num = pd.to_numeric(num, errors="coerce").astype(float)
    den = pd.to_numeric(den, errors="coerce").astype(float)
    return num / den.where(den != 0)


# ----------------------------------------------------------------------------- stage history
@per_data_version
def stage_order(ws: Workspace) -> pd.DataFrame:
    """Stages with their rank (see the module notes).

    Open stages are ordered by their median win probability (from the stage history and the
    opportunities at that stage) when every open stage has one, as CRMs set probability to rise
    through the stages; otherwise by their mean position in the collapsed histories. Ties go
    to the mean position, then the name. ``order_basis`` says which.

    Columns: stage, is_closed, is_won, rank, probability, mean_position, order_basis.
    """
    frame = ws.query(
        f"""WITH h AS (
                SELECT opportunity_id, stage, changed_at, history_id,
                       lag(stage) OVER (PARTITION BY opportunity_id ORDER BY changed_at, history_id) AS prev
                FROM stage_history WHERE stage IS NOT NULL AND changed_at IS NOT NULL),
            c AS (SELECT * FROM h WHERE prev IS NULL OR prev <> stage),
            p AS (SELECT stage, row_number() OVER (PARTITION BY opportunity_id ORDER BY changed_at, history_id) - 1
                         AS pos FROM c),
            pos AS (SELECT stage, avg(pos) AS mean_position FROM p GROUP BY stage),
            prob AS (SELECT stage, median(probability) AS probability FROM (
                         SELECT stage, probability FROM stage_history WHERE probability IS NOT NULL
                         UNION ALL SELECT stage, probability FROM opportunities WHERE probability IS NOT NULL)
                     GROUP BY stage)
            SELECT pos.stage, coalesce(m.is_closed, false) AS is_closed, coalesce(m.is_won, false) AS is_won,
                   CAST(prob.probability AS DOUBLE) AS probability, pos.mean_position
            FROM pos LEFT JOIN {STAGE_MAP} m ON m.stage = pos.stage LEFT JOIN prob ON prob.stage = pos.stage"""
    )
    open_ = ~frame["is_closed"]
    by_probability = bool(open_.any()) and bool(frame.loc[open_, "probability"].notna().all())
    keys = ["probability", "mean_position", "stage"] if by_probability else ["mean_position", "stage"]
    frame = frame.sort_values(keys, ignore_index=True)
    open_ = ~frame["is_closed"]
    frame["rank"] = np.nan
    frame.loc[open_, "rank"] = np.arange(1, int(open_.sum()) + 1, dtype=float)
    frame.loc[frame["is_won"], "rank"] = float(open_.sum() + 1)
    frame["order_basis"] = "probability" if by_probability else "position in the histories"
    cols = ["stage", "is_closed", "is_won", "rank", "probability", "mean_position", "order_basis"]
    return frame.sort_values(["rank", "mean_position"], na_position="last", ignore_index=True)[cols]


def stage_stays(ws: Workspace, filters: Filters = Filters()) -> pd.DataFrame:
    """Every stay in a stage from the collapsed stage histories, with the move that ended it.

    One row per stay: opportunity_id, owner_name, stage, entered_at, next_stage, left_at (NaT for
    the last stay), days (fractional days between entering and leaving), move_date (date of the
    move out), is_advance (the move out advances the deal; False for the last stay).
    rank and next_rank are the stages' :func:`stage_order` ranks; stage_is_closed says whether
    the stage is a won or lost one. The period filter applies to ``move_date`` for stays that
    ended, to the entry date for the last stay; people, segment and product filters to the
    deal's row in ``v_opportunities``.
    """
    stays = _all_stays(ws)
    keep = filters.mask(stays, date="f_date", segment="f_segment", product="f_product")
    if filters.picks_people:
        keep &= stays["owner_name"].isin(roster_names(ws, filters)).fillna(False).astype(bool)
    return stays.loc[keep, _STAY_COLUMNS].reset_index(drop=True)


_STAY_COLUMNS = ["opportunity_id", "owner_name", "stage", "entered_at", "next_stage", "left_at", "days", "move_date",
                 "is_advance", "stage_is_closed", "rank", "next_rank"]


@per_data_version
def _all_stays(ws: Workspace) -> pd.DataFrame:
    """Every stay of the workspace, with the columns :func:`stage_stays` filters on (read once
    per version of the data)."""
    stays = ws.query(
        """WITH h AS (
                SELECT opportunity_id, stage, changed_at, history_id,
                       lag(stage) OVER (PARTITION BY opportunity_id ORDER BY changed_at, history_id) AS prev
                FROM stage_history WHERE stage IS NOT NULL AND changed_at IS NOT NULL),
            c AS (SELECT * FROM h WHERE prev IS NULL OR prev <> stage),
            s AS (SELECT opportunity_id, stage, changed_at AS entered_at,
                         lead(stage) OVER w AS next_stage, lead(changed_at) OVER w AS left_at
                  FROM c WINDOW w AS (PARTITION BY opportunity_id ORDER BY changed_at, history_id))
            SELECT s.opportunity_id, o.owner_name, s.stage, s.entered_at, s.next_stage, s.left_at,
                   date_diff('second', s.entered_at, s.left_at) / 86400.0 AS days,
                   CAST(s.left_at AS DATE) AS move_date,
                   CAST(coalesce(s.left_at, s.entered_at) AS DATE) AS f_date,
                   o.segment AS f_segment, o.product AS f_product
            FROM s LEFT JOIN v_opportunities o ON o.opportunity_id = s.opportunity_id
            ORDER BY s.opportunity_id, s.entered_at"""
    )
    stays["f_date"] = pd.to_datetime(stays["f_date"])
    order = stage_order(ws).set_index("stage")
    rank = stays["stage"].map(order["rank"])
    next_rank = stays["next_stage"].map(order["rank"])
    won = stays["stage"].map(order["is_won"]).fillna(False).astype(bool)
    next_won = stays["next_stage"].map(order["is_won"]).fillna(False).astype(bool)
    closed = stays["stage"].map(order["is_closed"]).fillna(False).astype(bool)
    next_closed = stays["next_stage"].map(order["is_closed"]).fillna(False).astype(bool)
    both_open = ~closed & ~next_closed & stays["next_stage"].notna()
    stays["is_advance"] = (next_won & ~won) | (both_open & (next_rank > rank))
    stays["is_advance"] = stays["is_advance"].fillna(False).astype(bool)
    stays["stage_is_closed"] = closed
    stays["rank"], stays["next_rank"] = rank, next_rank
    return stays


def stage_conversion(ws: Workspace, filters: Filters = Filters()) -> pd.DataFrame:
    """Stage-to-stage conversion from the stage history, ordered per opportunity.

    For each pair of consecutive (collapsed) stages of a deal, ``n`` counts the moves from
    ``from_stage`` to ``to_stage`` whose date is in the period; ``n_from`` counts every move out
    of ``from_stage`` in the period; ``rate = n ÷ n_from``. Deals still sitting in
    ``from_stage`` have not converted either way and are not counted.

    Columns: from_stage, to_stage, from_rank, to_rank, is_advance, n, n_from, rate.
    """
    stays = stage_stays(ws, filters)
    moves = stays[stays["next_stage"].notna()]
    cols = ["from_stage", "to_stage", "from_rank", "to_rank", "is_advance", "n", "n_from", "rate"]
    if moves.empty:
        return pd.DataFrame({c: pd.Series([], dtype="int64" if c in ("n", "n_from") else "object") for c in cols})
    pairs = (moves.groupby(["stage", "next_stage"], as_index=False)
                  .agg(n=("opportunity_id", "size"), is_advance=("is_advance", "first"),
                       from_rank=("rank", "first"), to_rank=("next_rank", "first"))
                  .rename(columns={"stage": "from_stage", "next_stage": "to_stage"}))
    pairs["n_from"] = pairs.groupby("from_stage")["n"].transform("sum")
    pairs["rate"] = pairs["n"] / pairs["n_from"]
    pairs = _int(pairs, ("n", "n_from"))
    return pairs.sort_values(["from_rank", "from_stage", "n"], ascending=[True, True, False],
                             na_position="last", ignore_index=True)[cols]


def time_in_stage(ws: Workspace, filters: Filters = Filters()) -> pd.DataFrame:
    """Days from entering a stage to entering the next one, per stage, from the stage history.

    A stay counts when the move that ended it is in the period. The last stay of a deal has no
    end: for an open stage (an open deal, or a history that stops before the close) it is
    open-ended and **excluded** (counted in ``n_open_ended``, by entry date); a won or lost
    stage at the end is where the deal finished, not a stay.

    Columns: stage, rank, n, median_days, mean_days, n_open_ended.
    """
    stays = stage_stays(ws, filters)
    ended = stays[stays["next_stage"].notna()]
    stats = ended.groupby("stage")["days"].agg(n="size", median_days="median", mean_days="mean")
    open_ended = stays[stays["next_stage"].isna() & ~stays["stage_is_closed"]].groupby("stage").size()
    out = stats.join(open_ended.rename("n_open_ended"), how="outer").reset_index()
    out = _int(out, ("n", "n_open_ended"))
    out["rank"] = out["stage"].map(stays.groupby("stage")["rank"].first())
    cols = ["stage", "rank", "n", "median_days", "mean_days", "n_open_ended"]
    return out.sort_values(["rank", "stage"], na_position="last", ignore_index=True)[cols]


# ----------------------------------------------------------------------------- leading
@per_run
def leading(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(), grain: str = "week",
            level: str = "rep") -> pd.DataFrame:
    """Leading indicators per entity per day or week.

    activities = activities logged (``activity_date`` in the period); pipeline_added = amount of
    the deals created (``created_date``; NaN when none of them has an amount); deals_created =
    how many; deals_advancing = deals with a move into a later stage (module notes) that day or
    week. Each entity's rows run from its first to its last period with any of these events, a
    period without events counting 0. activities is NaN for an owner with no activity in the
    workspace at all, deals_advancing NaN for an owner none of whose deals has a stage history.

    The activity standard is weekly: with ``grain="week"`` activity_target =
    ``settings.activity_target_per_week`` per rep (team and org: × the reps with activity
    evidence that week, ``n_reps``) and met = activities ≥ activity_target; ``n_reps_met`` counts
    the reps who met it on their own. With ``grain="day"`` both are empty.

    Columns: key columns, period, activities, activity_target, met, pipeline_added,
    deals_created, deals_advancing, and for team and org n_reps, n_reps_met.
    """
    _check(level, grain, ("day", "week"))
    scope = rep_scope(ws, filters)
    events = _leading_events(ws, filters, grain)
    target = settings.activity_target_per_week if grain == "week" else NAN
    events["activity_target"] = target
    events["met"] = (events["activities"] >= target).astype("boolean").where(events["activities"].notna() & (grain == "week"))

    out = _attribute(events, level, scope)
    if level == "rep":
        out = _with_manager(out, scope)
        cols = ["rep", "manager", "period", "activities", "activity_target", "met", "pipeline_added",
                "deals_created", "deals_advancing"]
        return out.sort_values(["manager", "rep", "period"], ignore_index=True)[cols]
    k = KEYS[level]
    agg = _sum_known(out, [*k, "period"], {"activities": "activities", "pipeline_added": "pipeline_added",
                                            "deals_advancing": "deals_advancing"},
                     plain={"deals_created": "deals_created", "met": "n_reps_met"},
                     count={"activities": "n_reps"}).reset_index()
    agg["activity_target"] = (target * agg["n_reps"]).where(agg["n_reps"] > 0)
    agg["met"] = (agg["activities"] >= agg["activity_target"]).astype("boolean").where(agg["activity_target"].notna())
    agg = _int(agg, ("deals_created", "n_reps", "n_reps_met"))
    cols = [*k, "period", "activities", "activity_target", "met", "pipeline_added", "deals_created",
            "deals_advancing", "n_reps", "n_reps_met"]
    return agg.sort_values([*k, "period"], ignore_index=True)[cols]


@per_period_by_owner
def _leading_events(ws: Workspace, filters: Filters, grain: str) -> pd.DataFrame:
    """Each owner's leading events per day or week, from their first to their last period with
    any (the part of :func:`leading` every level shares; held per period, segment and product,
    the people filters pick from it: :func:`analytics.people.per_period_by_owner`)."""
    acts = activity_days(ws)  # activities per owner and day, held per version of the data
    acts = acts[filters.mask(acts, date="day")]
    c_where, c_params = deal_clause(filters, "o.created_date")
    created = ws.query(f"SELECT o.owner_name, o.created_date AS d, o.amount FROM v_opportunities o "
                       f"WHERE o.owner_name IS NOT NULL AND o.created_date IS NOT NULL AND {c_where}", c_params)
    stays = stage_stays(ws, filters)
    moves = stays[stays["is_advance"] & stays["owner_name"].notna()]
    act_evidence, hist_evidence = evidence_owners(ws)

    keys = ["owner_name", "period"]
    parts = [
        acts.assign(period=period_start(acts["day"], grain)).groupby(keys)["n"].sum().rename("activities"),
        _sum_known(created.assign(period=period_start(created["d"], grain)), keys, {"amount": "pipeline_added"},
                   size="deals_created"),
        moves.assign(period=period_start(moves["move_date"], grain)).groupby(keys)["opportunity_id"]
             .nunique().rename("deals_advancing"),
    ]
    events = pd.concat([p for p in parts], axis=1).reset_index() if any(len(p) for p in parts) else pd.DataFrame(
        columns=[*keys, "activities", "pipeline_added", "deals_created", "deals_advancing"])
    # each owner's periods from first to last event
    if len(events):
        span = events.groupby("owner_name")["period"].agg(["min", "max"])
        # days and weeks are fixed steps: the grid is built in one vectorised pass (a date_range
        # per owner and an explode took seconds for a few thousand reps)
        step = pd.Timedelta(days=1 if grain == "day" else 7)
        first = pd.DatetimeIndex(span["min"]).astype("datetime64[ns]")
        n = ((pd.DatetimeIndex(span["max"]).astype("datetime64[ns]") - first) // step).to_numpy().astype("int64") + 1
        offsets = np.arange(int(n.sum()), dtype="int64") - np.repeat(np.cumsum(n) - n, n)
        grid = pd.DataFrame({"owner_name": span.index.repeat(n),
                             "period": first.repeat(n) + pd.to_timedelta(offsets * step.value, unit="ns")})
        grid["period"] = grid["period"].astype("datetime64[ns]")
        events = grid.merge(events, on=keys, how="left")
    no_created = events["deals_created"].isna()
    events["deals_created"] = events["deals_created"].fillna(0).astype("int64")
    events.loc[no_created, "pipeline_added"] = 0.0
    events["pipeline_added"] = events["pipeline_added"].astype(float)
    has_act = events["owner_name"].isin(act_evidence)
    events["activities"] = events["activities"].astype(float).where(~has_act, events["activities"].fillna(0))
    has_hist = events["owner_name"].isin(hist_evidence)
    events["deals_advancing"] = events["deals_advancing"].astype(float).where(
        ~has_hist, events["deals_advancing"].fillna(0))
    return events


@per_data_version
def evidence_owners(ws: Workspace) -> tuple[frozenset, frozenset]:
    """Owners with any activity, and owners of a deal with a stage history, in the workspace."""
    evidence = ws.query(
        """SELECT DISTINCT 'activities' AS kind, owner_name FROM v_activities
           UNION ALL
           SELECT DISTINCT 'history', o.owner_name FROM v_opportunities o
           WHERE o.opportunity_id IN (SELECT opportunity_id FROM stage_history)""").dropna()
    return (frozenset(evidence.loc[evidence["kind"] == "activities", "owner_name"]),
            frozenset(evidence.loc[evidence["kind"] == "history", "owner_name"]))


@per_run
def activity_standard(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(),
                      level: str = "rep") -> pd.DataFrame:
    """Share of rep-weeks at or above ``settings.activity_target_per_week``, the rule of
    :func:`analytics.signals.manage.activity_by_manager` (weeks from each rep's first to last logged
    activity in scope; a week with none is a miss). Team level is that function's result.

    Columns: key columns, activity_met_share, activities_per_rep_week, n_rep_weeks, n_rep_weeks_met.
    """
    _check(level)
    if level == "team":
        m = activity_by_manager(ws, filters, settings).rename(columns={"activity_standard_met": "activity_met_share"})
        # the share is met ÷ rep-weeks, so the count of weeks met is exact
        m["n_rep_weeks_met"] = (m["activity_met_share"] * m["n_rep_weeks"]).round()
        return _int(m, ("n_rep_weeks", "n_rep_weeks_met"))[
            ["manager", "activity_met_share", "activities_per_rep_week", "n_rep_weeks", "n_rep_weeks_met"]]
    base = entities(ws, filters, level)
    per_rep = rep_weeks(ws, filters, settings.activity_target_per_week).rename(
        columns={"n_weeks": "n_rep_weeks", "met": "n_rep_weeks_met", "n": "n_activities"}).reset_index()
    scope = rep_scope(ws, filters)
    # rep-weeks are counted for reps only, at every level (as manage.activity_by_manager does)
    per_rep = _attribute(per_rep, "rep", scope)
    if level == "org":
        per_rep = per_rep.assign(scope=ORG)
    k = KEYS[level]
    g = per_rep.groupby(k[0])[["n_rep_weeks", "n_rep_weeks_met", "n_activities"]].sum()
    out = base.merge(g, left_on=k[0], right_index=True, how="left")
    out["activity_met_share"] = _ratio(out["n_rep_weeks_met"], out["n_rep_weeks"])
    out["activities_per_rep_week"] = _ratio(out["n_activities"], out["n_rep_weeks"])
    out = _int(out, ("n_rep_weeks", "n_rep_weeks_met"))
    return out[[*k, "activity_met_share", "activities_per_rep_week", "n_rep_weeks", "n_rep_weeks_met"]]


# ----------------------------------------------------------------------------- predictive
def _quarter_after(at: pd.Series) -> tuple[pd.Series, pd.Series]:
    start = (pd.to_datetime(at).dt.to_period("Q").dt.start_time + pd.DateOffset(months=3)).astype("datetime64[ns]")
    return start, (start + pd.DateOffset(months=3) - pd.Timedelta(days=1)).astype("datetime64[ns]")


def coverage_at(ws: Workspace, filters: Filters, settings: Settings, level: str,
                points: pd.DataFrame) -> pd.DataFrame:
    """Open pipeline and coverage of each entity at each point (columns ``week`` and ``at``).

    The rule of :func:`analytics.signals.manage.pipeline_by_manager`, evaluated at ``at``: a deal is open
    at ``at`` when created on or before it (or with no created date) and not closed by then
    (open now, or closed after ``at``); coverage = amount of those deals with a close date in
    the calendar quarter after ``at`` ÷ that quarter's quota (the entity's reps' quotas starting
    that quarter; when none, the latest quarter's starting on or before ``at``). The expected
    close date is the deal's close date as the export holds it now (exports keep no history of
    it). Coverage is NaN when no open deal has a close date, or no quota is known.

    Columns: key columns, week, as_of, open_pipeline, n_open_deals, pipeline_next_quarter,
    coverage_quota, coverage, coverage_basis, meets_standard.
    """
    k, g = KEYS[level], GROUP[level]
    pts = points[["week", "at"]].copy()
    pts["week"] = pd.to_datetime(pts["week"]).astype("datetime64[ns]")
    pts["at"] = pd.to_datetime(pts["at"]).astype("datetime64[ns]")
    pts["next_start"], pts["next_end"] = _quarter_after(pts["at"])
    owner = _open_by_owner(ws, filters, tuple(tuple(t.date() for t in pts[c])
                                              for c in ("week", "at", "next_start", "next_end")))
    scope = rep_scope(ws, filters)
    owner = _attribute(owner, level, scope)
    agg = _sum_known(owner, [*g, "week"], {"open_pipeline": "open_pipeline"},
                     plain={"n_open_deals": "n_open_deals", "n_with_close": "n_with_close",
                            "pipeline_next_quarter": "pipeline_next_quarter"}).reset_index()
    base = entities(ws, filters, level).merge(pts, how="cross")
    out = base.merge(agg, on=[*g, "week"], how="left")
    out = _int(out, ("n_open_deals", "n_with_close"))
    # no open deal with a close date: the pipeline's timing is not measured
    out["pipeline_next_quarter"] = out["pipeline_next_quarter"].where(out["n_with_close"] > 0)

    # every quota period counts here, whatever the period filter: only the people part applies
    quotas = _quotas_by_start(ws, filters.people)
    quotas = _attribute(quotas, level, scope).groupby([*g, "period_start"], as_index=False)["quota"].sum()
    quotas["period_start"] = pd.to_datetime(quotas["period_start"]).astype("datetime64[ns]")
    nxt = quotas.rename(columns={"period_start": "next_start", "quota": "next_quota"})
    out = out.merge(nxt, on=[*g, "next_start"], how="left")
    if quotas.empty:
        out["latest_quota"] = NAN
    else:
        left = out[[*g, "at"]].reset_index().sort_values("at")
        right = quotas.sort_values("period_start").rename(columns={"quota": "latest_quota"})
        for c in g:  # merge_asof needs the same dtypes on both sides
            left[c], right[c] = left[c].astype(object), right[c].astype(object)
        latest = pd.merge_asof(left, right, left_on="at", right_on="period_start", by=g, direction="backward")
        out["latest_quota"] = latest.set_index("index")["latest_quota"].reindex(out.index)
    out["coverage_quota"] = out["next_quota"].fillna(out["latest_quota"])
    out["coverage"] = _ratio(out["pipeline_next_quarter"], out["coverage_quota"])
    out["coverage_basis"] = np.where(out["next_quota"].notna(), "next quarter's quota",
                                     np.where(out["latest_quota"].notna(),
                                              "latest quarter's quota (none loaded for next quarter)", None))
    out["meets_standard"] = (out["coverage"] >= settings.coverage_standard).astype("boolean").where(
        out["coverage"].notna())
    out = out.rename(columns={"at": "as_of"})
    cols = [*k, "week", "as_of", "open_pipeline", "n_open_deals", "pipeline_next_quarter", "coverage_quota",
            "coverage", "coverage_basis", "meets_standard"]
    return out.sort_values([*k, "week"], ignore_index=True)[cols]


@per_period_by_owner
def _quotas_by_start(ws: Workspace, filters: Filters) -> pd.DataFrame:
    """Each owner's quota per period start (all periods; held, the people filters pick)."""
    return ws.query("SELECT q.owner_name, q.period_start, sum(q.amount) AS quota FROM v_quotas q "
                    "GROUP BY ALL ORDER BY ALL")


@per_period_by_owner
def _open_by_owner(ws: Workspace, filters: Filters, points: tuple[tuple[date, ...], ...]) -> pd.DataFrame:
    """Each owner's deals open at each point (:func:`coverage_at`'s rule): ``points`` holds the
    weeks, the dates judged at, and the next quarters' first and last days. Held per period,
    segment, product and points; the people filters pick from it."""
    people, params = deal_clause(filters, None)
    owner = ws.query(
        f"""WITH pts AS (
                SELECT unnest(?::DATE[]) AS week, unnest(?::DATE[]) AS at, unnest(?::DATE[]) AS next_start,
                       unnest(?::DATE[]) AS next_end),
            deals AS (SELECT o.owner_name, o.amount, o.created_date, o.close_date, o.is_closed
                      FROM v_opportunities o WHERE {people})
            SELECT p.week, d.owner_name, sum(d.amount) AS open_pipeline, count(*) AS n_open_deals,
                   count(d.close_date) AS n_with_close,
                   sum(CASE WHEN d.close_date BETWEEN p.next_start AND p.next_end THEN d.amount ELSE 0 END)
                       AS pipeline_next_quarter
            FROM pts p JOIN deals d
              ON coalesce(d.created_date <= p.at, true)
             AND (NOT d.is_closed OR coalesce(d.close_date > p.at, false))
            GROUP BY ALL""",
        [list(c) for c in points] + params,
    )
    owner["week"] = pd.to_datetime(owner["week"]).astype("datetime64[ns]")
    return owner


def predictive(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(),
               level: str = "team") -> pd.DataFrame:
    """Open pipeline and coverage per entity per week (see :func:`coverage_at`).

    Weeks (Monday starts) run from the filter's start (else the first deal's created date) to
    the week of :func:`analytics.periods.as_of`; each week is judged at its Sunday, the last at
    as-of itself, so the last row agrees with :func:`analytics.signals.manage.pipeline_by_manager`
    whenever no deal closed after as-of. Stage conversion, time in stage and velocity are
    :func:`stage_conversion`, :func:`time_in_stage` and :func:`velocity`.
    """
    _check(level)
    when = as_of(ws, filters)
    k = KEYS[level]
    cols = [*k, "week", "as_of", "open_pipeline", "n_open_deals", "pipeline_next_quarter", "coverage_quota",
            "coverage", "coverage_basis", "meets_standard"]
    if when is None:
        return pd.DataFrame(columns=cols)
    first = filters.start or ws.scalar("SELECT min(created_date) FROM v_opportunities")
    if first is None or pd.isna(first):
        first = when
    first = min(pd.Timestamp(first), pd.Timestamp(when))
    weeks = pd.date_range(period_start(pd.Series([first]), "week").iat[0],
                          period_start(pd.Series([when]), "week").iat[0], freq="7D")
    ends = pd.Series(weeks + pd.Timedelta(days=6))
    points = pd.DataFrame({"week": weeks, "at": ends.where(ends <= pd.Timestamp(when), pd.Timestamp(when))})
    return coverage_at(ws, filters, settings, level, points)[cols]


# ----------------------------------------------------------------------------- outcomes
@per_run
def _closed_deals(ws: Workspace, filters: Filters) -> pd.DataFrame:
    where, params = deal_clause(filters, "o.close_date")
    return ws.query(
        f"""SELECT o.opportunity_id, o.owner_name, o.amount, o.is_won, o.created_date, o.close_date,
                   CASE WHEN o.created_date IS NOT NULL AND o.close_date >= o.created_date
                        THEN CAST(date_diff('day', o.created_date, o.close_date) AS DOUBLE) END AS cycle_days
            FROM v_opportunities o WHERE o.is_closed AND {where}""",
        params,
    )


_SUMS = ["won", "lost", "won_amount", "n_won_amount", "won_cycle", "n_cycle"]


@per_period_by_owner
def _owner_outcomes(ws: Workspace, filters: Filters, grain: str | None = None) -> pd.DataFrame:
    """Each owner's closed deals in scope, summed over the period (``grain`` None) or per
    calendar month or quarter of the close date (column ``period``): won, lost, won_amount (NaN
    when no won deal has an amount), n_won_amount, won_cycle (the won deals' cycle days summed,
    NaN when none is known), n_cycle. Held per period, segment and product; the people filters
    pick from it (:func:`analytics.people.per_period_by_owner`)."""
    deals = _closed_deals(ws, filters)
    keys = ["owner_name"]
    if grain is not None:
        deals["period"] = period_start(deals["close_date"], grain)
        keys.append("period")
    if deals.empty:
        return pd.DataFrame({c: pd.Series([], dtype=deals[c].dtype if c in deals else "float64")
                             for c in [*keys, *_SUMS]})
    won = deals["is_won"].astype(bool)
    d = deals.assign(won_=won, lost_=~won, won_amount=deals["amount"].where(won),
                     won_cycle=deals["cycle_days"].where(won))
    g = _sum_known(d, keys, {"won_amount": "won_amount", "won_cycle": "won_cycle"},
                   plain={"won_": "won", "lost_": "lost"}, count={"won_amount": "n_won_amount", "won_cycle": "n_cycle"})
    return g.reset_index()[[*keys, *_SUMS]]


def _outcome_stats(owner: pd.DataFrame, level: str, scope: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """:func:`_owner_outcomes` summed per entity of ``level`` (and period), with
    cycle_length_days = the won deals' cycle days ÷ n_cycle."""
    d = _attribute(owner, level, scope)
    stats = ["won", "lost", "won_amount", "n_won_amount", "n_cycle", "cycle_length_days"]
    if d.empty:
        return pd.DataFrame({c: pd.Series([], dtype=d[c].dtype if c in keys and c in d else "float64")
                             for c in [*keys, *stats]})
    g = _sum_known(d, keys, {"won_amount": "won_amount", "won_cycle": "won_cycle"},
                   plain={"won": "won", "lost": "lost", "n_won_amount": "n_won_amount", "n_cycle": "n_cycle"})
    g["cycle_length_days"] = g["won_cycle"] / g["n_cycle"].where(g["n_cycle"] > 0)
    return g.reset_index()[[*keys, *stats]]


def _finish_outcomes(g: pd.DataFrame, ws: Workspace) -> pd.DataFrame:
    g = _int(g, ("won", "lost", "n_won_amount", "n_cycle"))
    # revenue: a real 0 when nothing was won; unknown when won deals carry no amount
    g["revenue"] = g["won_amount"].where(g["won"] > 0, 0.0)
    g.loc[(g["won"] > 0) & (g["n_won_amount"] == 0), "revenue"] = NAN
    g["win_rate"] = _ratio(g["won"], g["won"] + g["lost"])
    g["avg_deal_size"] = _ratio(g["won_amount"], g["n_won_amount"])
    g["attainment"] = _ratio(g["won_in_quota"], g["quota"])
    if attainment_withheld(ws):  # quotas that join no deal: not measured, never 0%
        g["attainment"] = NAN
    return g


@per_period_by_owner
def _owner_quotas(ws: Workspace, filters: Filters, grain: str | None,
                  cut: QuotaCut) -> pd.DataFrame:
    """Each owner's judgeable quota periods inside the filter period (``cut``: those that ended
    by the day the data is judged at): summed (quota, n_quota_periods), or with a grain spread
    over the calendar months or quarters they overlap, by days (period, quota). Held per period;
    the people filters pick from it."""
    where, params = cut.clause(filters)
    quotas = ws.query(f"SELECT q.owner_name, q.period_start, q.period_end, q.amount FROM v_quotas q WHERE {where}",
                      params)
    if grain is None:
        return quotas.groupby("owner_name", dropna=False, as_index=False).agg(
            quota=("amount", "sum"), n_quota_periods=("amount", "size"))
    return _allocate(quotas, grain).groupby(["owner_name", "period"], dropna=False, as_index=False)["quota"].sum()


@per_period_by_owner
def _owner_credited(ws: Workspace, filters: Filters, grain: str | None,
                    cut: QuotaCut) -> pd.DataFrame:
    """Each owner's won deals credited to their judgeable quota periods inside the filter period
    (attainment_by_manager's rule), summed (won_in_quota), or per calendar month or
    quarter of the close date (period). Held per period; the people filters pick from it."""
    where, params = cut.clause(filters)
    won = ws.query(
        f"""SELECT w.owner_name, w.close_date, w.amount FROM v_won_in_quota w
            WHERE EXISTS (SELECT 1 FROM v_quotas q WHERE q.owner_name = w.owner_name
                          AND q.period_start = w.period_start AND {where})""",
        params,
    )
    keys = ["owner_name"]
    if grain is not None:
        won["period"] = period_start(won["close_date"], grain)
        keys.append("period")
    return won.groupby(keys, dropna=False, as_index=False)["amount"].sum().rename(columns={"amount": "won_in_quota"})


def _months_after(d: date, months: int) -> date:
    m = d.month - 1 + months
    return date(d.year + m // 12, m % 12 + 1, 1)


def _allocate(quotas: pd.DataFrame, grain: str) -> pd.DataFrame:
    """Each quota period's amount spread over the calendar periods it overlaps, by days."""
    step = 1 if grain == "month" else 3
    rows = []
    for owner, s, e, amount in zip(quotas["owner_name"], pd.to_datetime(quotas["period_start"]),
                                   pd.to_datetime(quotas["period_end"]), quotas["amount"], strict=True):
        if pd.isna(s) or pd.isna(e) or pd.isna(amount):
            continue
        s, e = s.date(), e.date()
        days = (e - s).days + 1
        if days <= 0:
            continue
        p = date(s.year, s.month - (s.month - 1) % step, 1)
        while p <= e:
            nxt = _months_after(p, step)
            overlap = (min(e, nxt - timedelta(days=1)) - max(s, p)).days + 1
            if overlap > 0:
                rows.append((owner, pd.Timestamp(p), amount * overlap / days))
            p = nxt
    out = pd.DataFrame(rows, columns=["owner_name", "period", "quota"])
    out["period"] = out["period"].astype("datetime64[ns]")
    return out


OUTCOME_COLUMNS = ["revenue", "quota", "won_in_quota", "attainment", "won", "lost", "win_rate", "avg_deal_size",
                   "cycle_length_days", "n_cycle", "n_won_amount"]


def outcomes(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(), grain: str = "month",
             level: str = "team") -> pd.DataFrame:
    """Outcomes per entity per calendar month or quarter of the close date.

    revenue = amount of closed-won deals; won, lost = closed deals won and not won;
    win_rate = won ÷ (won + lost); avg_deal_size = mean amount of the won deals that have one
    (``n_won_amount``); cycle_length_days = mean (close − created) in days over won deals with
    both dates and a close on or after the created date (``n_cycle``; a close before creation is
    a data error and left out). quota = the judgeable quota periods inside the filter period
    (ended by the day the data is judged at: :func:`analytics.results.attainment.attainment_cut`), spread over
    the calendar periods by days; won_in_quota = won deals credited to those quota periods
    (:func:`analytics.results.attainment.attainment_by_manager`'s rule); attainment = won_in_quota ÷ quota.
    Quotas are set per person, so quota and attainment ignore the segment and product filters
    (as the Overview and the Manage pages do); revenue and counts obey them. Closed deals without
    a close date are kept under period NaT when no period is set.

    Columns: key columns, period, revenue, quota, won_in_quota, attainment, won, lost, win_rate,
    avg_deal_size, cycle_length_days, n_cycle, n_won_amount.
    """
    _check(level, grain, ("month", "quarter"))
    k, gk = KEYS[level], GROUP[level]
    scope = rep_scope(ws, filters)
    g = _outcome_stats(_owner_outcomes(ws, filters, grain), level, scope, [*gk, "period"])
    cut = attainment_cut(ws, filters, settings)
    alloc = _attribute(_owner_quotas(ws, filters, grain, cut), level, scope).groupby([*gk, "period"])["quota"].sum()
    credited = _attribute(_owner_credited(ws, filters, grain, cut), level, scope).groupby(
        [*gk, "period"])["won_in_quota"].sum()
    q = pd.concat([alloc, credited], axis=1).reset_index()
    g = g.merge(q, on=[*gk, "period"], how="outer")
    g["won_in_quota"] = g["won_in_quota"].where(g["quota"].isna(), g["won_in_quota"].fillna(0.0))
    g = _finish_outcomes(g, ws)
    if level == "rep":
        g = _with_manager(g, scope)
    return g.sort_values([*k, "period"], ignore_index=True)[[*k, "period", *OUTCOME_COLUMNS]]


@per_run
def outcome_totals(ws: Workspace, filters: Filters = Filters(), level: str = "team",
                   settings: Settings = Settings()) -> pd.DataFrame:
    """:func:`outcomes` over the whole period, one row per entity in scope (NaN without evidence)."""
    _check(level)
    k, gk = KEYS[level], GROUP[level]
    scope = rep_scope(ws, filters)
    g = _outcome_stats(_owner_outcomes(ws, filters), level, scope, gk)
    cut = attainment_cut(ws, filters, settings)
    qa = _attribute(_owner_quotas(ws, filters, None, cut), level, scope).groupby(gk)[["quota", "n_quota_periods"]].sum()
    credited = _attribute(_owner_credited(ws, filters, None, cut), level, scope).groupby(gk)["won_in_quota"].sum()
    out = entities(ws, filters, level).merge(g, on=gk, how="left")
    out = out.merge(qa, left_on=gk, right_index=True, how="left").merge(credited, left_on=gk, right_index=True,
                                                                           how="left")
    out["won_in_quota"] = out["won_in_quota"].where(out["quota"].isna(), out["won_in_quota"].fillna(0.0))
    out = _finish_outcomes(_int(out, ("won", "lost", "n_won_amount", "n_cycle", "n_quota_periods")), ws)
    # an entity with no closed deal at all has no evidence of revenue
    out.loc[out["won"] + out["lost"] == 0, "revenue"] = NAN
    return out[[*k, *OUTCOME_COLUMNS, "n_quota_periods"]]


def velocity(ws: Workspace, filters: Filters = Filters(), level: str = "team") -> pd.DataFrame:
    """Sales velocity: expected revenue per day flowing out of the open pipeline.

    velocity_per_day = (open opportunities × win rate × average deal size) ÷ average cycle
    length in days, the sales-velocity identity. open opportunities = deals open at
    :func:`analytics.periods.as_of` (the rule of :func:`coverage_at`); win rate, average deal
    size and cycle length are :func:`outcome_totals` over the period. NaN when any part is
    missing or the cycle length is not positive.

    Columns: key columns, n_open, win_rate, avg_deal_size, cycle_length_days, velocity_per_day,
    won, lost, n_cycle.
    """
    _check(level)
    if as_of(ws, filters) is None:
        n_open = entities(ws, filters, level).assign(n_open_deals=0)
    else:
        n_open = _coverage_now(ws, filters, level)
    return _velocity(outcome_totals(ws, filters, level), n_open, level)


@per_run
def _coverage_now(ws: Workspace, filters: Filters, level: str) -> pd.DataFrame:
    """:func:`coverage_at` at :func:`analytics.periods.as_of` alone (velocity, the summary and the
    standards all read it: computed once per page run). Its ``meets_standard`` is judged against
    the default standard; callers read the pipeline, the coverage and the open deals only."""
    when = pd.Timestamp(as_of(ws, filters))
    return coverage_at(ws, filters, Settings(), level, pd.DataFrame({"week": [when], "at": [when]}))


def _velocity(tot: pd.DataFrame, n_open: pd.DataFrame, level: str) -> pd.DataFrame:
    k, g = KEYS[level], GROUP[level]
    tot = tot.merge(n_open[[*g, "n_open_deals"]].rename(columns={"n_open_deals": "n_open"}), on=g, how="left")
    tot = _int(tot, ("n_open",))
    cycle = tot["cycle_length_days"].where(tot["cycle_length_days"] > 0)
    tot["velocity_per_day"] = tot["n_open"] * tot["win_rate"] * tot["avg_deal_size"] / cycle
    return tot[[*k, "n_open", "win_rate", "avg_deal_size", "cycle_length_days", "velocity_per_day", "won", "lost",
                "n_cycle"]]


# ----------------------------------------------------------------------------- standards
def _current_coverage(ws: Workspace, filters: Filters, settings: Settings, level: str,
                      with_total: bool = True) -> pd.DataFrame:
    k = KEYS[level]
    cols = ["open_pipeline", "pipeline_next_quarter", "coverage_quota", "coverage", "coverage_basis", "n_open_deals"]
    when = as_of(ws, filters)
    if level == "team":
        # the Manage page's own figure (same rule as coverage_at)
        p = pipeline_by_manager(ws, filters, settings).rename(columns={"open_pipeline": "pipeline_next_quarter"})
        if when is not None and with_total:
            total = _coverage_now(ws, filters, level)[[*k, "open_pipeline"]]
            p = p.merge(total, on=k, how="left")
        else:
            p["open_pipeline"] = NAN
        return p[[*k, *cols]]
    if when is None:
        return entities(ws, filters, level).assign(**{c: NAN for c in cols}, n_open_deals=0)
    return _coverage_now(ws, filters, level)[[*k, *cols]]


def _attainment(ws: Workspace, filters: Filters, settings: Settings, level: str) -> pd.DataFrame:
    k = KEYS[level]
    if level == "team":
        return attainment_by_manager(ws, filters, settings)[["manager", "won_in_quota", "quota", "attainment"]]
    return outcome_totals(ws, filters, level, settings)[[*k, "won_in_quota", "quota", "attainment"]]


@opens_run
def below_standard(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(),
                   only_below: bool = True) -> pd.DataFrame:
    """Reps and teams below the standards, with the numbers.

    Standards: coverage (as of :func:`analytics.periods.as_of`) below
    ``settings.coverage_standard``; share of rep-weeks meeting ``settings.activity_target_per_week``
    below ``ACTIVITY_MET_STANDARD`` (0.5); attainment over the period below
    ``ATTAINMENT_STANDARD`` (1.0, plan). Team figures are the Manage page's
    (:mod:`analytics.signals.manage`); rep figures follow the same rules. A standard without evidence
    is neither met nor missed (<NA>).

    Columns: level ("rep" | "team"), name, manager, coverage, coverage_standard, below_coverage,
    activity_met_share, n_rep_weeks, below_activity, attainment, quota, below_attainment,
    n_below, below (the standards missed, in words). With ``only_below`` only rows with
    ``n_below`` > 0.
    """
    frames = []
    for level in ("rep", "team"):
        g = GROUP[level]
        f = entities(ws, filters, level)
        f = f.merge(_current_coverage(ws, filters, settings, level, with_total=False)[[*g, "coverage"]], on=g,
                    how="left")
        f = f.merge(activity_standard(ws, filters, settings, level)[[*g, "activity_met_share", "n_rep_weeks"]],
                    on=g, how="left")
        f = f.merge(_attainment(ws, filters, settings, level)[[*g, "attainment", "quota"]], on=g, how="left")
        f["level"] = level
        f["name"] = f["rep"] if level == "rep" else f["manager"]
        if level == "team":
            f["manager"] = f["name"]
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    out["coverage_standard"] = settings.coverage_standard
    out["below_coverage"] = (out["coverage"] < settings.coverage_standard).astype("boolean").where(
        out["coverage"].notna())
    out["below_activity"] = (out["activity_met_share"] < ACTIVITY_MET_STANDARD).astype("boolean").where(
        out["activity_met_share"].notna())
    out["below_attainment"] = (out["attainment"] < ATTAINMENT_STANDARD).astype("boolean").where(
        out["attainment"].notna())
    flags = {"below_coverage": "coverage", "below_activity": "activity", "below_attainment": "attainment"}
    out["n_below"] = sum(out[c].fillna(False).astype(int) for c in flags).astype("int64")
    # the standards missed in words, from one boolean array per standard (a row-wise apply built a
    # Series per row: a tenth of Pipeline & KPIs after a filter change at 2,000 reps)
    hits = [out[c].fillna(False).astype(bool).to_numpy() for c in flags]
    out["below"] = pd.Series([", ".join(w for w, hit in zip(flags.values(), row, strict=True) if hit)
                              for row in zip(*hits, strict=True)], index=out.index) \
        if len(out) else pd.Series([], dtype="object")
    out["n_rep_weeks"] = out["n_rep_weeks"].fillna(0).astype("int64")
    if only_below:
        out = out[out["n_below"] > 0]
    cols = ["level", "name", "manager", "coverage", "coverage_standard", "below_coverage", "activity_met_share",
            "n_rep_weeks", "below_activity", "attainment", "quota", "below_attainment", "n_below", "below"]
    return out.sort_values(["level", "n_below", "name"], ascending=[False, False, True], ignore_index=True)[cols]


@opens_run
def kpi_summary(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(),
                level: str = "team") -> pd.DataFrame:
    """One row per entity with the headline of each cadence over the filter period.

    Team and org rows carry ``n_reps`` (reps in scope). Leading: activities,
    activities_per_rep_week, activity_met_share (n_rep_weeks),
    pipeline_added, deals_created, deals_advancing. Predictive (as of
    :func:`analytics.periods.as_of`): open_pipeline, pipeline_next_quarter, coverage,
    coverage_basis, n_open_deals, velocity_per_day. Outcomes: revenue, quota, attainment, won,
    lost, win_rate, avg_deal_size, cycle_length_days (n_cycle). Team attainment, coverage and
    activity standard are the Manage page's own figures.
    """
    _check(level)
    k = KEYS[level]
    out = entities(ws, filters, level)
    if out.empty:
        cols = [*k, *(["n_reps"] if level != "rep" else []), *SUMMARY_COLUMNS]
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in cols})
    if level != "rep":
        scope = rep_scope(ws, filters)
        sizes = (scope.groupby("manager").size() if level == "team"
                 else pd.Series({ORG: len(scope)}))
        out["n_reps"] = out[k[0]].map(sizes).fillna(0).astype("int64")
    g = GROUP[level]
    lead = leading(ws, filters, settings, "week", level)
    lead_tot = _sum_known(lead, g, {"activities": "activities", "pipeline_added": "pipeline_added",
                                    "deals_advancing": "deals_advancing"}, plain={"deals_created": "deals_created"})
    out = out.merge(lead_tot, left_on=g, right_index=True, how="left")
    out = out.merge(activity_standard(ws, filters, settings, level)[[*g, "activities_per_rep_week",
                                                                     "activity_met_share", "n_rep_weeks"]],
                    on=g, how="left")
    cov = _current_coverage(ws, filters, settings, level)
    out = out.merge(cov.drop(columns=[c for c in k if c not in g]), on=g, how="left")
    tot = outcome_totals(ws, filters, level, settings)
    out = out.merge(_velocity(tot, cov, level)[[*g, "velocity_per_day"]], on=g, how="left")
    if level == "team":
        att = _attainment(ws, filters, settings, level)
        tot = tot.drop(columns=["quota", "won_in_quota", "attainment"]).merge(att, on=g, how="left")
    out = out.merge(tot[[*g, "revenue", "quota", "attainment", "won", "lost", "win_rate", "avg_deal_size",
                         "cycle_length_days", "n_cycle"]], on=g, how="left")
    out = _int(out, ("deals_created", "n_rep_weeks", "n_open_deals", "won", "lost", "n_cycle"))
    out["meets_coverage"] = (out["coverage"] >= settings.coverage_standard).astype("boolean").where(
        out["coverage"].notna())
    return out.reset_index(drop=True)[[*k, *(["n_reps"] if level != "rep" else []), *SUMMARY_COLUMNS]]


SUMMARY_COLUMNS = ["activities", "activities_per_rep_week", "activity_met_share", "n_rep_weeks", "pipeline_added",
                   "deals_created", "deals_advancing", "open_pipeline", "pipeline_next_quarter", "coverage_quota",
                   "coverage", "coverage_basis", "meets_coverage", "n_open_deals", "velocity_per_day", "revenue",
                   "quota", "attainment", "won", "lost", "win_rate", "avg_deal_size", "cycle_length_days", "n_cycle"]


#: What each standard reads, and the export that lets it be checked when nothing in scope has it.
STANDARD_EVIDENCE = {
    "coverage": ("coverage", "a quota export and open deals with close dates"),
    "activity_met_share": ("activity standard", "an activities export"),
    "attainment": ("attainment", "a quota export"),
}


def standards_checked(judged: pd.DataFrame, level: str, settings: Settings = Settings()) -> tuple[list[str], list[str]]:
    """Which standards of :func:`below_standard` (``only_below=False``) ran at ``level``, and which could not.

    A standard ran when at least one rep (or team) in scope has its evidence; the first list names
    each with its bar and how many were judged, the second each that did not run with the export it
    needs. An all-clear is honest only over the first list.

    >>> f = pd.DataFrame({"level": ["rep", "rep"], "coverage": [None, None],
    ...                   "activity_met_share": [0.6, None], "attainment": [1.2, 0.9]})
    >>> standards_checked(f, "rep")
    (['activity standard (1 rep)', 'attainment against 100% (2 reps)'], ['coverage (needs a quota export and open deals with close dates)'])
    """
    mine = judged[judged["level"] == level]
    bars = {"coverage": f" against {settings.coverage_standard:g}× next quarter's quota",
            "activity_met_share": "", "attainment": f" against {ATTAINMENT_STANDARD:.0%}"}
    unit = "rep" if level == "rep" else "team"
    checked, unchecked = [], []
    for col, (word, needs) in STANDARD_EVIDENCE.items():
        n = int(mine[col].notna().sum()) if col in mine else 0
        if n:
            checked.append(f"{word}{bars[col]} ({n} {unit}{'' if n == 1 else 's'})")
        else:
            unchecked.append(f"{word} (needs {needs})")
    return checked, unchecked
