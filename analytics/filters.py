"""The global filters: one value that every metric turns into a parameterised WHERE clause.

Identifiers come from the engine (and go through :func:`quote_ident`); the user's values are
always bound parameters, never text in the SQL.

Examples
--------
>>> f = Filters(regions=("EMEA",))
>>> f.clause(region="r.region")
('r.region IN (?)', ['EMEA'])
>>> Filters().clause(region="r.region")
('TRUE', [])
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from analytics.fmt import clip, fmt_day


@dataclass(frozen=True)
class Filters:
    """Period, and the people and deals in scope. Empty means "all"."""

    start: date | None = None
    end: date | None = None
    regions: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    managers: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    products: tuple[str, ...] = ()

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)

    @property
    def is_default(self) -> bool:
        return self == Filters()

    @property
    def picks_people(self) -> bool:
        """Whether the filters pick people (region, team or manager, through the roster)."""
        return bool(self.regions or self.teams or self.managers)

    @property
    def people(self) -> Filters:
        """The people part alone (region, team, manager)."""
        return Filters(regions=self.regions, teams=self.teams, managers=self.managers)

    def without_people(self) -> Filters:
        """Everything but the people part (period, segment, product)."""
        return replace(self, regions=(), teams=(), managers=()) if self.picks_people else self

    def period(self) -> Filters:
        """The period alone: the same dates, nobody picked, every segment and product.

        >>> Filters(start=date(2025, 1, 1), end=date(2025, 3, 31), managers=("Max",), products=("Pulse",)).period().summary()
        '2025 Q1'
        """
        return Filters(start=self.start, end=self.end)

    def until_end(self) -> Filters:
        """Everything up to the period's end (a history as of that day): no start, nobody picked,
        every segment and product.

        >>> Filters(start=date(2025, 1, 1), end=date(2025, 3, 31), regions=("EMEA",)).until_end().summary()
        '… to 31 Mar 2025'
        """
        return Filters(end=self.end)

    def from_start(self) -> Filters:
        """Everything from the period's start on: no end, nobody picked, every segment and product.

        >>> Filters(start=date(2025, 1, 1), end=date(2025, 3, 31), regions=("EMEA",)).from_start().summary()
        '1 Jan 2025 to …'
        """
        return Filters(start=self.start)

    def regions_and_teams(self) -> Filters:
        """The region and team picks alone: reps where the roster places them, whoever managed
        them (for records that name their own manager at the time, filtered with
        :meth:`managers_only`); every date, segment and product.

        >>> Filters(end=date(2025, 3, 31), regions=("EMEA",), teams=("Core",), managers=("Max",)).regions_and_teams().summary()
        'region: EMEA · team: Core'
        """
        return Filters(regions=self.regions, teams=self.teams)

    def managers_only(self) -> Filters:
        """The manager picks alone: every date, region, team, segment and product.

        >>> Filters(end=date(2025, 3, 31), regions=("EMEA",), managers=("Max",)).managers_only().summary()
        'manager: Max'
        """
        return Filters(managers=self.managers)

    def clause(self, *, date: str | None = None, region: str | None = None, team: str | None = None,
               manager: str | None = None, segment: str | None = None, product: str | None = None,
               person: str | None = None) -> tuple[str, list]:
        """SQL condition and parameters for the columns a query has.

        Each keyword names the SQL expression holding that attribute in the caller's query;
        filters on attributes the query does not name are not applied by this clause.
        ``person`` names a column of people's names: region, team and manager filters are then
        applied through the roster (``v_roster``), for tables that only name the rep.
        """
        parts: list[str] = []
        params: list = []
        if date is not None:
            if self.start is not None:
                parts.append(f"{date} >= ?")
                params.append(self.start)
            if self.end is not None:
                parts.append(f"{date} <= ?")
                params.append(self.end)

        def member(expr: str | None, values: tuple[str, ...]) -> None:
            if expr is not None and values:
                parts.append(f"{expr} IN ({', '.join('?' for _ in values)})")
                params.extend(values)

        member(region, self.regions)
        member(team, self.teams)
        member(manager, self.managers)
        member(segment, self.segments)
        member(product, self.products)
        if person is not None and self.picks_people:
            sub, sub_params = self.people.clause(
                region="region", team="team", manager="manager_name")
            parts.append(f"{person} IN (SELECT name FROM v_roster WHERE {sub})")
            params.extend(sub_params)
        return (" AND ".join(parts) if parts else "TRUE"), params

    def mask(self, frame, *, date: str | None = None, region: str | None = None, team: str | None = None,
             manager: str | None = None, segment: str | None = None, product: str | None = None):
        """The rows of a DataFrame in scope, as :meth:`clause` selects them in SQL: each keyword
        names the frame's column for that attribute; a missing value is never in a filtered
        scope (as SQL's comparison with NULL). A boolean Series aligned on ``frame``.
        """
        import pandas as pd

        keep = pd.Series(True, index=frame.index)
        if date is not None and (self.start is not None or self.end is not None):
            when = frame[date]
            if not pd.api.types.is_datetime64_any_dtype(when):  # e.g. Python dates, as SQL's DATE
                when = pd.to_datetime(when, errors="coerce")
            if self.start is not None:
                keep &= (when >= pd.Timestamp(self.start)).fillna(False).astype(bool)
            if self.end is not None:
                keep &= (when <= pd.Timestamp(self.end)).fillna(False).astype(bool)
        for col, values in ((region, self.regions), (team, self.teams), (manager, self.managers),
                            (segment, self.segments), (product, self.products)):
            if col is not None and values:
                keep &= frame[col].isin(values).fillna(False).astype(bool)
        return keep

    def summary(self) -> str:
        """One line for the top of each page: a period that is one calendar quarter reads as the
        quarter, any other as its days.

        >>> Filters(start=date(2026, 7, 1), end=date(2026, 9, 30), regions=("EMEA",)).summary()
        '2026 Q3 · region: EMEA'
        >>> Filters(start=date(2026, 7, 1), end=date(2026, 8, 15)).summary(), Filters().summary()
        ('1 Jul 2026 to 15 Aug 2026', 'All data')
        """
        bits = []
        if self.start or self.end:
            bits.append(period_label(self.start, self.end))
        for label, values in (("region", self.regions), ("team", self.teams), ("manager", self.managers),
                              ("segment", self.segments), ("product", self.products)):
            if values:
                shown = ", ".join(clip(v) for v in values[:3]) + (f" +{len(values) - 3}" if len(values) > 3 else "")
                bits.append(f"{label}: {shown}")
        return "All data" if not bits else " · ".join(bits)


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter holding ``day``.

    >>> quarter_of(date(2026, 8, 15))
    (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    """
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def quarter_name(day: date) -> str:
    """The calendar quarter holding ``day`` as the filters write it.

    >>> quarter_name(date(2026, 9, 30))
    '2026 Q3'
    """
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def quarters(first: date, last: date) -> dict[str, tuple[date, date]]:
    """Every calendar quarter from the one holding ``first`` to the one holding ``last``, the
    latest first: its name and its first and last day.

    >>> list(quarters(date(2025, 11, 3), date(2026, 2, 1)))
    ['2026 Q1', '2025 Q4']
    """
    out: dict[str, tuple[date, date]] = {}
    day = quarter_of(first)[0]
    while day <= last:
        start, end = quarter_of(day)
        out[quarter_name(day)] = (start, end)
        day = date.fromordinal(end.toordinal() + 1)
    return dict(reversed(out.items()))


def period_label(start: date | None, end: date | None) -> str:
    """A period in words: a calendar quarter by its name, else its days ("…" for an open end).

    >>> period_label(date(2026, 1, 1), date(2026, 3, 31)), period_label(None, date(2026, 3, 31))
    ('2026 Q1', '… to 31 Mar 2026')
    """
    if start is not None and end is not None and quarter_of(start) == (start, end):
        return quarter_name(start)
    return f"{fmt_day(start) if start else '…'} to {fmt_day(end) if end else '…'}"


def deal_clause(filters: Filters, date: str = "o.close_date") -> tuple[str, list]:
    """The filters on v_opportunities (alias ``o``): period on ``date``, people through the
    owner's roster row, segment and product on the deal."""
    return filters.clause(date=date, person="o.owner_name", segment="o.segment", product="o.product")


def quota_clause(filters: Filters) -> tuple[str, list]:
    """Quota periods inside the filter period, for the people in scope (alias ``q``)."""
    start, p1 = filters.from_start().clause(date="q.period_start")
    end, p2 = filters.until_end().clause(date="q.period_end")
    people, p3 = filters.clause(person="q.owner_name")
    return f"{start} AND {end} AND {people}", p1 + p2 + p3
