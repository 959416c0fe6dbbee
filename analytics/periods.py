"""When the data in scope is judged: "as of" is never the wall clock but the filter's end date when
set, else the latest close date of a closed deal in the data, so the same workspace always gives
the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from analytics.filters import Filters
from analytics.store.caching import per_data_version, per_run
from analytics.store.workspace import Workspace


@per_run
def as_of(ws: Workspace, filters: Filters = Filters()) -> date | None:
    """The date the pipeline is judged at: the filter's end, else the last closed deal's close date."""
    if filters.end is not None:
        return filters.end
    return _last_close(ws)


@per_data_version
def _last_close(ws: Workspace) -> date | None:
    value = ws.scalar("SELECT max(close_date) FROM v_opportunities WHERE is_closed")
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


@dataclass(frozen=True)
class QuotaCut:
    """Which quota periods attainment can judge, and the day it judges them at.

    A quota period is **judgeable** when it ended by the day the data is judged at, **in
    progress** when it started by then but ends later (partly elapsed), **future** when it starts
    after it. Attainment counts judgeable periods only: a period the data cannot have finished is
    shown apart, never counted as nothing won (issue 19).

    The last closed deal of a finished period seldom closes on its last day (a weekend, the
    holidays before 31 December, a small team's sparse deals), so when the day comes from the data
    a period still counts as ended when its end is at most ``grace_days`` after it, and never more
    than a sixth of the period (5 days of a month, 14 of a quarter at the default of 14).

    Attributes
    ----------
    as_of : the day the data is judged at: the filter's end when set, unless the data stops
        before it (the last closed deal's close date, over every deal of the workspace, not per
        rep: a rep without deals is not "in progress" for that reason); None when there is
        neither (every period is judged: nothing tells a finished period from an unfinished one).
    source : what ``as_of`` is: "the filter's end" or "the last closed deal" ("" when None).
    grace_days : the days a period may end after ``as_of`` and count as ended (0 for a filter's end).
    start, end : the filter period: periods starting before ``start`` or after ``end`` lie outside
        it (None: no bound).

    >>> cut = QuotaCut(as_of=date(2026, 9, 28), source="the last closed deal", grace_days=14)
    >>> [cut.status(date(2026, s, 1), date(2026, e, d)) for s, e, d in ((7, 9, 30), (9, 10, 31), (10, 12, 31))]
    ['judgeable', 'in progress', 'future']
    >>> cut.status(date(2026, 9, 1), date(2026, 9, 30)), cut.status(date(2026, 7, 1), date(2026, 10, 10))
    ('judgeable', 'judgeable')
    >>> cut.elapsed(date(2026, 9, 1), date(2026, 10, 31))
    0.45901639344262296
    """

    as_of: date | None = None
    source: str = ""
    grace_days: int = 0
    start: date | None = None
    end: date | None = None

    def tolerance(self, period_start: date, period_end: date) -> int:
        """Days a period may end after ``as_of`` and still count as ended."""
        return min(self.grace_days, ((period_end - period_start).days + 1) // 6)

    def status(self, period_start: date, period_end: date) -> str:
        """"judgeable", "in progress" or "future" (the rule of the SQL of :meth:`judged_sql`)."""
        if self.as_of is None or (period_end - self.as_of).days <= self.tolerance(period_start, period_end):
            return "judgeable"
        return "in progress" if period_start <= self.as_of else "future"

    def elapsed(self, period_start: date, period_end: date) -> float:
        """Share of a period's days up to and including ``as_of`` (0..1)."""
        if self.as_of is None:
            return 1.0
        days = (period_end - period_start).days + 1
        done = (min(self.as_of, period_end) - period_start).days + 1
        return max(0.0, min(1.0, done / days)) if days > 0 else 1.0

    def scope_sql(self, alias: str = "q") -> tuple[str, list]:
        """The quota periods of the filter period, judgeable or not (alias ``q``): those starting
        inside it (a period the filter's end cuts is in progress, not left out)."""
        parts, params = ["TRUE"], []
        if self.start is not None:
            parts.append(f"{alias}.period_start >= ?")
            params.append(self.start)
        if self.end is not None:
            parts.append(f"{alias}.period_start <= ?")
            params.append(self.end)
        return " AND ".join(parts), params

    def judged_sql(self, alias: str = "q") -> tuple[str, list]:
        """The condition that a quota period is judgeable (alias ``q``; :meth:`status`'s rule)."""
        if self.as_of is None:
            return "TRUE", []
        return (f"(datediff('day', CAST(? AS DATE), {alias}.period_end) <= "
                f"least(?, (datediff('day', {alias}.period_start, {alias}.period_end) + 1) // 6))"), [
            self.as_of, int(self.grace_days)]

    def clause(self, filters: Filters, alias: str = "q") -> tuple[str, list]:
        """Judgeable quota periods inside the filter period, for the people in scope (the rule
        :func:`analytics.filters.quota_clause` had, cut where the data ends)."""
        scope, s_params = self.scope_sql(alias)
        judged, j_params = self.judged_sql(alias)
        people, p_params = filters.clause(person=f"{alias}.owner_name")
        return f"{scope} AND {judged} AND {people}", s_params + j_params + p_params


def quota_cut(ws: Workspace, filters: Filters = Filters(), grace_days: int = 14) -> QuotaCut:
    """The :class:`QuotaCut` of a workspace under the filters.

    ``grace_days`` (``settings.quota_end_grace_days``) lets the last closed deal fall up to that
    many days before a period's end and the period still count as ended; an explicit filter end
    is taken as it is, unless the data stops before it (its last closed deal, with that grace,
    does not reach it).
    """
    last = _last_close(ws)
    if filters.end is not None and (last is None or filters.end <= last + timedelta(days=int(grace_days))):
        return QuotaCut(as_of=filters.end, source="the filter's end", start=filters.start, end=filters.end)
    if last is not None:
        return QuotaCut(as_of=last, source="the last closed deal", grace_days=int(grace_days),
                        start=filters.start, end=filters.end)
    return QuotaCut(start=filters.start, end=filters.end)
