"""Attainment: closed-won amount in the quota periods divided by the quota for those periods, per
manager and per rep, the one definition every result and diagnosis reads.

Only the quota periods the data can judge count (:class:`analytics.periods.QuotaCut`): a period
that ended by the day the data is judged at. A period in progress (partly elapsed) or not yet
started is shown apart (``quota_in_progress``, ``won_in_progress``, ``n_periods_in_progress``),
never counted as nothing won, and never pro-rated: deals close unevenly within a quarter (its
last weeks carry most of them), so a straight-line share of a quota would judge the early weeks
of every quarter as behind plan. :func:`quota_basis` says in one sentence what attainment rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from analytics.filters import Filters
from analytics.fmt import fmt_day, fmt_money, fmt_pct
from analytics.people import REPS_SQL, per_manager, per_period_by_owner
from analytics.periods import QuotaCut, quota_cut
from analytics.settings import Settings
from analytics.store.caching import per_run
from analytics.store.links import DEAL_OWNERS, ROSTER, broken
from analytics.store.workspace import Workspace

ATTAINMENT_COLUMNS = ["rep", "manager", "attainment", "won_in_quota", "quota", "n_quota_periods",
                      "quota_in_progress", "won_in_progress", "n_periods_in_progress", "attainment_note"]
#: the columns attainment_by_manager adds beside attainment (the periods shown apart)
IN_PROGRESS_COLUMNS = ["quota_in_progress", "won_in_progress", "n_periods_in_progress"]
#: the links attainment rests on: quota owners to the roster (their manager) and to the deal owners
#: (the deals counted against a quota); on a broken one attainment is not measured (analytics.store.links)
ATTAINMENT_LINKS = (("quotas", "owner", ROSTER), ("quotas", "owner", DEAL_OWNERS))


def attainment_withheld(ws: Workspace) -> str | None:
    """Why attainment is not measured though quotas are loaded (a broken link), or None."""
    return broken(ws, ATTAINMENT_LINKS)


def attainment_cut(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> QuotaCut:
    """The quota periods attainment judges under the filters and settings (:func:`analytics.periods.quota_cut`)."""
    return quota_cut(ws, filters, settings.quota_end_grace_days)


#: What attainment sums per owner over the quota rows ``q`` (each marked ``judged``) joined to ``won``:
#: the judgeable periods, and apart, the periods in progress or not started (constant SQL, no user value).
_SUMS = ("sum(coalesce(won.won, 0)) FILTER (WHERE judged) AS won_in_quota, "
         "sum(q.amount) FILTER (WHERE judged) AS quota, count(*) FILTER (WHERE judged) AS n_quota_periods, "
         "sum(q.amount) FILTER (WHERE NOT judged) AS quota_in_progress, "
         "sum(coalesce(won.won_to_date, 0)) FILTER (WHERE NOT judged) AS won_in_progress, "
         "count(*) FILTER (WHERE NOT judged) AS n_periods_in_progress")


def _won_sql(cut: QuotaCut) -> tuple[str, list]:
    """Won amount per owner and quota period (``v_won_in_quota``), all of it (won) and closed by
    the cut's as-of (won_to_date: what an in-progress period has won so far)."""
    if cut.as_of is None:
        return ("SELECT owner_name, period_start, sum(amount) AS won, sum(amount) AS won_to_date "
                "FROM v_won_in_quota GROUP BY ALL"), []
    return ("SELECT owner_name, period_start, sum(amount) AS won, "
            "sum(amount) FILTER (WHERE close_date <= ?) AS won_to_date FROM v_won_in_quota GROUP BY ALL"), [cut.as_of]


@per_run
def attainment_by_manager(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Attainment = closed-won amount in the judgeable quota periods ÷ quota for those periods.

    Quota periods count when they start inside the filter period (all periods when none is set)
    and ended by the day the data is judged at (:func:`attainment_cut`); a won deal counts toward
    its owner's quota period that contains its close date. Periods in progress or not started are
    summed apart: quota_in_progress, won_in_progress (won so far), n_periods_in_progress.

    Columns: manager, won_in_quota, quota, attainment, n_reps_with_quota, n_quota_periods,
    quota_in_progress, won_in_progress, n_periods_in_progress.
    """
    counts = ("n_reps_with_quota", "n_quota_periods", "n_periods_in_progress")
    # reps are picked by region and team through the roster; the manager pick reads each quota's
    # manager at the time (a rep who moved keeps their earlier periods with their earlier manager)
    o = _owner_attainment(ws, replace(filters, managers=()), attainment_cut(ws, filters, settings))
    if filters.managers:
        o = o[o["manager"].isin(filters.managers).to_numpy()].reset_index(drop=True)
    if o.empty:
        frame = pd.DataFrame({"manager": pd.Series([], dtype="str"), "won_in_quota": [], "quota": [], "attainment": [],
                              "n_reps_with_quota": pd.Series([], dtype="int64"),
                              "n_quota_periods": pd.Series([], dtype="int64"), "quota_in_progress": [],
                              "won_in_progress": [], "n_periods_in_progress": pd.Series([], dtype="int64")})
        return per_manager(ws, filters, frame, counts)
    g = o.groupby("manager")
    frame = pd.concat([g["won_in_quota"].sum(min_count=1), g["quota"].sum(min_count=1), g["n_quota_periods"].sum(),
                       g["quota_in_progress"].sum(min_count=1), g["won_in_progress"].sum(min_count=1),
                       g["n_periods_in_progress"].sum(),
                       (o["n_quota_periods"] > 0).groupby(o["manager"]).sum().rename("n_reps_with_quota")], axis=1)
    frame["attainment"] = frame["won_in_quota"] / frame["quota"].where(frame["quota"] != 0)
    if attainment_withheld(ws):  # 0% against a quota no deal joins is a wrong join, not a result
        frame["attainment"] = float("nan")
    frame = frame.reset_index()[["manager", "won_in_quota", "quota", "attainment", "n_reps_with_quota",
                                 "n_quota_periods", *IN_PROGRESS_COLUMNS]]
    return per_manager(ws, filters, frame, counts)


@per_period_by_owner
def _owner_attainment(ws: Workspace, filters: Filters, cut: QuotaCut) -> pd.DataFrame:
    """Each owner's quota periods of the filter period, per manager of the quota rows: the
    judgeable ones summed (won_in_quota: won deals credited to them; quota, NaN when none counts;
    n_quota_periods) and those in progress or not started apart (won_in_progress: won so far;
    quota_in_progress; n_periods_in_progress). Held per period; the people filters pick from it."""
    scope, s_params = cut.scope_sql("q")
    judged, j_params = cut.judged_sql("q")
    won, w_params = _won_sql(cut)
    out = ws.query(
        f"""WITH q AS (SELECT *, coalesce({judged}, FALSE) AS judged FROM v_quotas q
                       WHERE {scope} AND q.manager_name IS NOT NULL),
                won AS ({won})
            SELECT q.owner_name, q.manager_name AS manager,
                   {_SUMS}
            FROM q LEFT JOIN won USING (owner_name, period_start)
            GROUP BY ALL ORDER BY ALL""",
        j_params + s_params + w_params,
    )
    for c in ("won_in_quota", "quota", "quota_in_progress", "won_in_progress"):
        out[c] = out[c].astype(float)
    return out


def rep_attainment(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Attainment per rep, with the quota logic of :func:`analytics.results.attainment.attainment_by_manager`.

    attainment = won_in_quota ÷ quota, where quota sums the rep's judgeable quota periods (started
    inside the filter period, ended by the day the data is judged at: :func:`attainment_cut`) and
    won_in_quota sums the won deals that count toward those periods (``v_won_in_quota``: each won
    deal counts once, toward the first of its owner's quota periods holding its close date). NaN
    when the rep has no judgeable quota in scope (not measured; never 0), with the reason in
    ``attainment_note``. Periods in progress or not yet started are summed apart.

    Parameters
    ----------
    ws : the workspace.
    filters : period (quota periods inside it), region / team / manager through the roster.
    settings : ``quota_end_grace_days`` (when a period has ended).

    Returns
    -------
    DataFrame: rep, manager (roster), attainment, won_in_quota, quota, n_quota_periods,
    quota_in_progress, won_in_progress, n_periods_in_progress, attainment_note ("" when
    measured); one row per rep of :func:`analytics.people.reps`, ordered by manager then rep.
    """
    cut = attainment_cut(ws, filters, settings)
    scope, s_params = cut.scope_sql("q")
    judged, j_params = cut.judged_sql("q")
    won, w_params = _won_sql(cut)
    who, who_params = filters.clause(region="r.region", team="r.team", manager="r.manager_name")
    out = ws.query(
        f"""WITH q AS (SELECT *, coalesce({judged}, FALSE) AS judged FROM v_quotas q
                       WHERE {scope} AND q.owner_name IS NOT NULL),
                won AS ({won}),
                per AS (SELECT q.owner_name AS rep,
                               {_SUMS}
                        FROM q LEFT JOIN won USING (owner_name, period_start) GROUP BY 1)
            SELECT s.name AS rep, r.manager_name AS manager, per.won_in_quota, per.quota, per.n_quota_periods,
                   per.quota_in_progress, per.won_in_progress, per.n_periods_in_progress
            FROM ({REPS_SQL}) s LEFT JOIN v_roster r ON r.name = s.name LEFT JOIN per ON per.rep = s.name
            WHERE {who} ORDER BY manager, rep""",
        j_params + s_params + w_params + who_params,
    )
    for c in ("n_quota_periods", "n_periods_in_progress"):
        out[c] = out[c].fillna(0).astype("int64")
    for c in ("won_in_quota", "quota", "quota_in_progress", "won_in_progress"):
        out[c] = out[c].astype(float)
    out["attainment"] = (out["won_in_quota"] / out["quota"].where(out["quota"] > 0)).astype(float)
    withheld = attainment_withheld(ws)
    if withheld:
        out["attainment"] = float("nan")
    out["attainment_note"] = _notes(out, cut, withheld)
    return out[ATTAINMENT_COLUMNS].reset_index(drop=True)


def _notes(out: pd.DataFrame, cut: QuotaCut, withheld: str | None) -> pd.Series:
    """Why each rep's attainment is not measured ("" when it is), vectorised over the reps."""
    note = pd.Series("", index=out.index, dtype=object)
    missing = out["attainment"].isna()
    note[missing] = "not measured: no quota in scope"
    if cut.as_of is not None:
        note[missing & (out["n_periods_in_progress"] > 0)] = f"not measured: no quota period ended by {fmt_day(cut.as_of)}"
    note[missing & (out["quota"] == 0)] = "not measured: the quota is zero"
    if withheld:
        note[out["quota"].notna()] = f"not measured: {withheld}"
    return note


# ------------------------------------------------------------------------------ what it rests on


@dataclass(frozen=True)
class QuotaBasis:
    """What attainment rests on under the filters: the judgeable quota periods and those shown apart.

    Periods are counted as distinct (start, end) pairs over the quota owners in scope.
    """

    cut: QuotaCut
    n_judged: int = 0
    last_judged_end: date | None = None
    n_in_progress: int = 0
    n_future: int = 0
    #: share of the in-progress periods' days elapsed by as-of (the mean over them; None: none)
    elapsed: float | None = None
    quota_in_progress: float | None = None
    won_in_progress: float | None = None
    quota_future: float | None = None

    @property
    def sentence(self) -> str:
        """One sentence for a page: what attainment counts, and what it shows apart.

        >>> cut = QuotaCut(as_of=date(2026, 11, 8), source="the last closed deal", grace_days=14)
        >>> QuotaBasis(cut, 7, date(2026, 9, 30), 1, 1, 0.43, 1000.0, 380.0, 900.0).sentence
        'Attainment over 7 quota periods ended by 30 Sep 2026 (as of 8 Nov 2026, the last closed deal); 1 period in progress (43% elapsed, 38% of its quota won so far) and 1 not yet started are shown apart, not counted (never pro-rated).'
        >>> QuotaBasis(cut, 0, None, 1, 0, 0.43, 1000.0, 380.0).sentence
        'Attainment not measured: no quota period ended by 8 Nov 2026 (the last closed deal); 1 period in progress (43% elapsed, 38% of its quota won so far) is shown apart, not counted (never pro-rated).'
        >>> QuotaBasis(cut).sentence, QuotaBasis(QuotaCut(), n_judged=54).sentence
        ('', '')
        """
        if self.cut.as_of is None or not (self.n_judged or self.n_in_progress or self.n_future):
            return ""  # no closed deal: attainment says itself why it is not measured
        as_of = fmt_day(self.cut.as_of)
        if self.n_judged:
            head = f"Attainment over {_n(self.n_judged, 'quota period')} ended by {fmt_day(self.last_judged_end)}"
            if as_of:
                head += f" (as of {as_of}, {self.cut.source})"
        else:
            head = f"Attainment not measured: no quota period ended by {as_of} ({self.cut.source})"
        apart = []
        if self.n_in_progress:
            won = (f", {fmt_pct(self.won_in_progress / self.quota_in_progress)} of "
                   f"{'its' if self.n_in_progress == 1 else 'their'} quota won so far"
                   if self.quota_in_progress and self.won_in_progress is not None else "")
            apart.append(f"{_n(self.n_in_progress, 'period')} in progress ({fmt_pct(self.elapsed)} elapsed{won})")
        if self.n_future:
            apart.append(f"{self.n_future} not yet started")
        if not apart:
            return head + "."
        verb = "is" if self.n_in_progress + self.n_future == 1 else "are"
        return head + "; " + " and ".join(apart) + f" {verb} shown apart, not counted (never pro-rated)."

    @property
    def short(self) -> str:
        """The basis in a few words, for a line beside one manager's attainment ("" when no quota).

        >>> cut = QuotaCut(as_of=date(2026, 11, 8), source="the last closed deal", grace_days=14)
        >>> QuotaBasis(cut, 7, date(2026, 9, 30), 1, 1).short
        'quota periods ended by 30 Sep 2026; 2 in progress or not started shown apart'
        """
        if self.cut.as_of is None or not (self.n_judged or self.n_in_progress or self.n_future):
            return ""
        head = (f"quota periods ended by {fmt_day(self.last_judged_end)}" if self.n_judged
                else f"no quota period ended by {fmt_day(self.cut.as_of)}")
        apart = self.n_in_progress + self.n_future
        return head + (f"; {apart} in progress or not started shown apart" if apart else "")

    def money(self, index: bool = False) -> str:
        """The amounts of the periods shown apart ("" when none); ``index``: amounts as an index
        (the workshop's privacy, :func:`analytics.fmt.fmt_money`)."""
        bits = []
        if self.quota_in_progress:
            bits.append(f"{fmt_money(self.won_in_progress, index) or 0} won so far of "
                        f"{fmt_money(self.quota_in_progress, index)} quota in progress")
        if self.quota_future:
            bits.append(f"{fmt_money(self.quota_future, index)} quota not yet started")
        return "; ".join(bits)


def _n(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


@per_run
def quota_basis(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> QuotaBasis:
    """What attainment rests on under the filters (:class:`QuotaBasis`): the quota periods of the
    quota owners in scope, by the rule of :func:`attainment_by_manager`, one row per period in SQL."""
    cut = attainment_cut(ws, filters, settings)
    scope, s_params = cut.scope_sql("q")
    judged, j_params = cut.judged_sql("q")
    won, w_params = _won_sql(cut)
    people, p_params = filters.clause(person="q.owner_name")
    per = ws.query(
        f"""WITH q AS (SELECT q.owner_name, q.period_start, q.period_end, q.amount,
                              coalesce({judged}, FALSE) AS judged
                       FROM v_quotas q WHERE {scope} AND {people} AND q.period_start IS NOT NULL
                                             AND q.period_end IS NOT NULL),
                won AS ({won})
            SELECT q.period_start, q.period_end, q.judged, sum(q.amount) AS quota,
                   sum(coalesce(won.won_to_date, 0)) AS won
            FROM q LEFT JOIN won USING (owner_name, period_start) GROUP BY ALL ORDER BY ALL""",
        j_params + s_params + p_params + w_params)
    if per.empty:
        return QuotaBasis(cut)
    per = per.assign(period_start=pd.to_datetime(per["period_start"]), period_end=pd.to_datetime(per["period_end"]),
                     judged=per["judged"].astype(bool))
    judged = per[per["judged"]]
    rest = per[~per["judged"]]
    as_of = pd.Timestamp(cut.as_of) if cut.as_of is not None else None
    started = rest["period_start"] <= as_of if as_of is not None else pd.Series(False, index=rest.index)
    prog, fut = rest[started], rest[~started]
    elapsed = None
    if len(prog):
        days = (prog["period_end"] - prog["period_start"]).dt.days + 1
        done = (prog["period_end"].clip(upper=as_of) - prog["period_start"]).dt.days + 1
        elapsed = float((done / days).clip(0, 1).mean())
    return QuotaBasis(
        cut=cut, n_judged=len(judged),
        last_judged_end=judged["period_end"].max().date() if len(judged) else None,
        n_in_progress=len(prog), n_future=len(fut), elapsed=elapsed,
        quota_in_progress=float(prog["quota"].sum()) if len(prog) else None,
        won_in_progress=float(prog["won"].sum()) if len(prog) else None,
        quota_future=float(fut["quota"].sum()) if len(fut) else None)
