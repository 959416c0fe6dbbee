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

from dataclasses import dataclass, field, replace
from datetime import date


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
        if person is not None and (self.regions or self.teams or self.managers):
            sub, sub_params = Filters(regions=self.regions, teams=self.teams, managers=self.managers).clause(
                region="region", team="team", manager="manager_name")
            parts.append(f"{person} IN (SELECT name FROM v_roster WHERE {sub})")
            params.extend(sub_params)
        return (" AND ".join(parts) if parts else "TRUE"), params

    def summary(self) -> str:
        """One line for the top of each page."""
        bits = []
        if self.start or self.end:
            bits.append(f"{self.start or '…'} to {self.end or '…'}")
        for label, values in (("region", self.regions), ("team", self.teams), ("manager", self.managers),
                              ("segment", self.segments), ("product", self.products)):
            if values:
                shown = ", ".join(values[:3]) + (f" +{len(values) - 3}" if len(values) > 3 else "")
                bits.append(f"{label}: {shown}")
        return "All data" if not bits else " · ".join(bits)


@dataclass(frozen=True)
class FilterOptions:
    """What the filter widgets can offer, read from the workspace."""

    first_date: date | None = None
    last_date: date | None = None
    regions: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    managers: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)


def filter_options(ws) -> FilterOptions:
    """Distinct values present in the workspace for each filter."""

    def distinct(sql: str) -> list[str]:
        return [v for v in ws.query(sql).iloc[:, 0].tolist() if v is not None]

    span = ws.con.execute(
        """SELECT min(d), max(d) FROM (
               SELECT created_date AS d FROM opportunities UNION ALL SELECT close_date FROM opportunities
               WHERE is_closed OR is_won) WHERE d IS NOT NULL"""
    ).fetchone()
    return FilterOptions(
        first_date=span[0], last_date=span[1],
        regions=distinct("SELECT DISTINCT region FROM v_roster ORDER BY 1"),
        teams=distinct("SELECT DISTINCT team FROM v_roster ORDER BY 1"),
        managers=distinct("SELECT DISTINCT manager_name FROM v_roster WHERE name IN "
                          "(SELECT name FROM v_roster WHERE manager_name IS NOT NULL) ORDER BY 1"),
        segments=distinct("SELECT DISTINCT segment FROM v_opportunities ORDER BY 1"),
        products=distinct("SELECT DISTINCT product FROM opportunities ORDER BY 1"),
    )
