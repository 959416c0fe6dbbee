"""Who is a rep and who is a manager, in one place for every metric.

A *rep* is a person with a manager in the roster (or who owns deals) and who manages no one;
a *manager* is the manager of at least one rep. Directors (managers of managers) are neither.
Owners that are not people (a "Renewal Bot", an integration user) are no one: the workspace's views
leave them out (``v_roster``, ``v_opportunities``, ``v_quotas``, ``v_activities``) unless the setting
``include_non_person_owners`` is on (``Workspace.include_non_person_owners``), so no rep list, dial or
total counts them; :func:`non_person_owners` says who they are and what they own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from analytics import schema
from analytics.filters import Filters
from analytics.store.caching import per_data_version, per_run
from analytics.store.workspace import Workspace


@dataclass(frozen=True)
class NonPersonOwners:
    """Owners that are not people (``schema.looks_automated``: integration users, automation agents,
    queues): by name, with their deals and the deals' amount, and the roster rows that look like one.
    Counted whether or not the setting ``include_non_person_owners`` counts them in the figures."""

    owners: tuple[tuple[str, int, float], ...] = ()
    roster: tuple[str, ...] = ()
    included: bool = False

    @property
    def deals(self) -> int:
        return sum(n for _, n, _ in self.owners)

    @property
    def amount(self) -> float:
        return float(sum(a for _, _, a in self.owners))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*(o for o, _, _ in self.owners), *self.roster]))


@per_data_version
def non_person_owners(ws: Workspace) -> NonPersonOwners:
    """The owners of deals, and the roster's names, that are not people (the pattern bound as a parameter)."""
    pattern = [schema.NOT_A_PERSON_SQL]
    owners = ws.query(
        """SELECT coalesce(r.name, o.owner) AS owner, count(*) AS deals, coalesce(sum(o.amount), 0) AS amount
           FROM opportunities o LEFT JOIN v_person_ref r ON r.ref = o.owner
           WHERE regexp_matches(coalesce(r.name, o.owner, ''), ?) GROUP BY 1 ORDER BY 2 DESC, 1""", pattern)
    roster = ws.query("SELECT DISTINCT name FROM people WHERE regexp_matches(coalesce(name, ''), ?) ORDER BY 1",
                      pattern)["name"].tolist()
    return NonPersonOwners(tuple((str(o), int(n), float(a)) for o, n, a in owners.itertuples(index=False)),
                           tuple(roster), ws.includes_non_person_owners)


REPS_SQL = """
SELECT DISTINCT name FROM (
    SELECT name FROM v_roster WHERE manager_name IS NOT NULL
    UNION ALL SELECT owner_name FROM v_opportunities WHERE owner_name IS NOT NULL
) WHERE name NOT IN (SELECT manager_name FROM v_roster WHERE manager_name IS NOT NULL)
"""


@per_data_version
def _all_reps(ws: Workspace) -> pd.DataFrame:
    return ws.query(
        f"""SELECT s.name AS rep, r.manager_name AS manager, r.team, r.region, r.segment,
                   r.start_date, r.end_date
            FROM ({REPS_SQL}) s LEFT JOIN v_roster r ON r.name = s.name
            ORDER BY manager, rep"""
    )


@per_data_version
def _roster(ws: Workspace) -> pd.DataFrame:
    return ws.query("SELECT name, manager_name, team, region FROM v_roster")


def roster_names(ws: Workspace, filters: Filters) -> list[str]:
    """The names whose roster row is in the filters' region, team and manager (what
    ``Filters.clause(person=...)`` selects in SQL)."""
    return list(_roster_names(ws, filters.people))


@per_run
def _roster_names(ws: Workspace, people: Filters) -> tuple[str, ...]:
    """:func:`roster_names`, once per page run and people pick (a page's held blocks pick their
    owners with it a score of times: 0.1 CPU-s of Pipeline & KPIs at 10% after a region change)."""
    r = _roster(ws)
    return tuple(r.loc[people.mask(r, region="region", team="team", manager="manager_name"), "name"].dropna().tolist())


def in_people(ws: Workspace, frame: pd.DataFrame, filters: Filters, owner: str = "owner_name") -> pd.DataFrame:
    """The rows of ``frame`` whose ``owner`` (a column, or the index's name) is in the filters'
    people, as ``Filters.clause(person=...)`` selects them in SQL (a missing owner is never in a
    picked scope); every row when the filters pick no one."""
    if not filters.picks_people:
        return frame
    names = roster_names(ws, filters)
    if owner in frame.columns:
        return frame[frame[owner].isin(names).fillna(False).astype(bool).to_numpy()].reset_index(drop=True)
    return frame[frame.index.isin(names)]


def per_period_by_owner(fn: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """Mark ``fn(ws, filters, ...)`` as owner-level: its rows each belong to one owner
    (``owner_name``, a column or the index) and depend on that owner's data alone. Held per data
    version and per period (with segment and product); the people filters pick owners' rows.

    The result for the filters without their people part is held with the workspace (pool
    "filtered"), and the people part then picks its owners (:func:`in_people`): changing the
    region, team or manager reads what is held instead of recomputing, and gives the rows the
    people filters in SQL would have given. Changing the period, segment or product computes
    (and holds) a new result.

    One of the caching decorators (the decision table: :mod:`analytics.store.caching`); it lives
    here because it picks owners through the roster (:func:`in_people`), a layer above the store.
    """
    held = per_data_version(fn, pool="filtered")

    @functools.wraps(fn)
    def wrapper(ws: Workspace, filters: Filters, *args, **kwargs) -> pd.DataFrame:
        return in_people(ws, held(ws, filters.without_people(), *args, **kwargs), filters)

    return wrapper


@per_run
def reps(ws: Workspace, filters: Filters = Filters()) -> pd.DataFrame:
    """One row per rep in scope: name, manager, team, region, segment, start and end dates.

    Every rep of the workspace is found once per version of its data; the filters (region,
    team, manager on the rep's roster row) then pick from them.
    """
    r = _all_reps(ws)
    keep = filters.mask(r, region="region", team="team", manager="manager")
    return r if keep.all() else r[keep].reset_index(drop=True)


def rows_in_people(ws: Workspace, filters: Filters) -> np.ndarray | None:
    """Which rows of :func:`reps` without the people filters are :func:`reps` with them (a boolean
    array), for results held per rep and period that a region, team or manager change picks from;
    None when the filters pick by no region, team or manager, or when a rep has several roster rows (a rep-level result's
    rows are then not one per rep)."""
    if not filters.picks_people:
        return None
    r = _all_reps(ws)
    if not r["rep"].is_unique:
        return None
    return filters.mask(r, region="region", team="team", manager="manager").to_numpy()


@per_run
def managers(ws: Workspace, filters: Filters = Filters()) -> pd.DataFrame:
    """One row per manager in scope with their team size (reps in scope)."""
    r = reps(ws, filters)
    r = r[r["manager"].notna()]
    if r.empty:
        return pd.DataFrame({"manager": pd.Series([], dtype="str"), "team": pd.Series([], dtype="str"),
                             "region": pd.Series([], dtype="str"), "reps": pd.Series([], dtype="int64")})
    out = r.groupby("manager", as_index=False).agg(reps=("rep", "nunique")).sort_values("manager", ignore_index=True)
    team, region = _mode_by(r, "manager", "team"), _mode_by(r, "manager", "region")
    # built from Python values, so the dtype is inferred as the per-group aggregation inferred it
    return pd.DataFrame({
        "manager": out["manager"],
        "team": pd.Series([team.get(m) for m in out["manager"]], index=out.index),
        "region": pd.Series([region.get(m) for m in out["manager"]], index=out.index),
        "reps": out["reps"],
    })


def _mode_by(frame: pd.DataFrame, key: str, col: str) -> dict:
    """The most frequent non-missing ``col`` per ``key``, ties to the smallest value (as
    ``Series.mode().iat[0]`` picks); keys with no value are absent. One vectorised pass instead
    of a Python call per group (managers() runs in nearly every metric)."""
    d = frame[[key, col]].dropna()
    n = d.groupby([key, col], sort=False).size().rename("_n").reset_index()
    n = n.sort_values([key, "_n", col], ascending=[True, False, True], kind="mergesort")
    return dict(n.drop_duplicates(key)[[key, col]].itertuples(index=False, name=None))


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
    #: (region, team, manager) of every rep, so the widgets can narrow each other's choices
    places: list[tuple] = field(default_factory=list)

    def teams_in(self, regions: tuple[str, ...]) -> list[str]:
        return sorted({t for r, t, _ in self.places if t and (not regions or r in regions)})

    def managers_in(self, regions: tuple[str, ...], teams: tuple[str, ...]) -> list[str]:
        return sorted({m for r, t, m in self.places
                       if m and (not regions or r in regions) and (not teams or t in teams)})


def _as_date(value) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


@per_data_version
def filter_options(ws: Workspace) -> FilterOptions:
    """The data's span (deal created and close dates) and the regions, teams and managers in it."""
    span = ws.row(
        """SELECT min(d), max(d) FROM (
               SELECT created_date AS d FROM v_opportunities
               UNION ALL SELECT close_date FROM v_opportunities WHERE is_closed) WHERE d IS NOT NULL"""
    )
    r = reps(ws)
    deals = ws.query("SELECT DISTINCT segment, product FROM v_opportunities")
    return FilterOptions(
        first_date=_as_date(span[0]), last_date=_as_date(span[1]),
        regions=sorted(r["region"].dropna().unique().tolist()),
        teams=sorted(r["team"].dropna().unique().tolist()),
        managers=sorted(r["manager"].dropna().unique().tolist()),
        segments=sorted(deals["segment"].dropna().unique().tolist()),
        products=sorted(deals["product"].dropna().unique().tolist()),
        # a missing region, team or manager is None (a NaN would be truthy, and unsortable among names)
        places=[tuple(None if pd.isna(v) else v for v in place)
                for place in r[["region", "team", "manager"]].drop_duplicates().itertuples(index=False, name=None)],
    )


def per_manager(ws: Workspace, filters: Filters, frame: pd.DataFrame, counts: tuple[str, ...]) -> pd.DataFrame:
    """Every manager in scope, with the metric frame joined on (missing evidence stays NaN)."""
    base = managers(ws, filters)[["manager"]]
    out = base.merge(frame, on="manager", how="left")
    for c in counts:
        out[c] = out[c].fillna(0).astype("int64")
    return out


# ----------------------------------------------------------------------------- attribution in time
@dataclass(frozen=True)
class Attribution:
    """Which rule credits deals, quotas and involvement to a manager (``v_opportunities`` and
    ``v_quotas``, :mod:`analytics.store.schema_sql`): the record's own manager column, else the
    reporting-line history at the time, else the roster's current manager. The people filters
    (region, team, manager) always pick reps by their current roster row.

    ``deal_rows``/``quota_rows``: deals and quota periods whose own row names a manager the roster
    knows (``unmatched_rows``: those naming someone else, credited by the next rule);
    ``changes``: changes of manager in the reporting-line history; ``people_with_history``: the
    people it covers."""

    deal_rows: int = 0
    quota_rows: int = 0
    changes: int = 0
    people_with_history: int = 0
    #: rows whose own manager column names no one the roster knows (credited by the next rule)
    unmatched_rows: int = 0

    @property
    def at_the_time(self) -> bool:
        return bool(self.deal_rows or self.quota_rows or self.changes)

    def sentence(self) -> str:
        """The rule in a user's words, for a caption.

        >>> Attribution().sentence()
        'Deals and quotas are credited to the current roster manager (no reporting-line history in the data).'
        >>> Attribution(people_with_history=3).sentence()
        "Deals and quotas are credited to the current roster manager (its reporting-line history changes no one's manager)."
        >>> Attribution(changes=412, people_with_history=300).sentence()
        'Deals and quotas are credited to the manager at the time, from the reporting-line history (412 changes).'
        >>> Attribution(unmatched_rows=2).sentence()
        'Deals and quotas are credited to the current roster manager; 2 rows name a manager the roster does not know, credited by the next rule.'
        >>> Attribution(deal_rows=10, changes=1, people_with_history=1).sentence()
        "Deals and quotas are credited to the manager at the time, from the deal rows' own manager column, else from the reporting-line history (1 change)."
        """
        if not self.at_the_time and not self.unmatched_rows:
            why = ("its reporting-line history changes no one's manager" if self.people_with_history
                   else "no reporting-line history in the data")
            return f"Deals and quotas are credited to the current roster manager ({why})."
        parts = []
        if self.deal_rows:
            parts.append("the deal rows' own manager column")
        if self.quota_rows:
            parts.append("the quota rows' own manager column")
        if self.changes:
            parts.append(f"the reporting-line history ({self.changes:,} change{'' if self.changes == 1 else 's'})")
        said = "Deals and quotas are credited to the manager at the time, from " + ", else from ".join(parts)
        if not self.at_the_time:
            said = "Deals and quotas are credited to the current roster manager"
        if self.unmatched_rows:
            said += (f"; {self.unmatched_rows:,} row{' names' if self.unmatched_rows == 1 else 's name'} a manager "
                     "the roster does not know, credited by the next rule")
        return said + "."


#: rows whose own manager column names a roster person or a known manager, and all that name one
_OWN_MANAGER_SQL = """
WITH known AS (SELECT ref FROM v_person_ref UNION SELECT manager_name FROM v_known_manager)
SELECT (SELECT count(*) FROM opportunities WHERE owner_manager IN (SELECT ref FROM known)),
       (SELECT count(owner_manager) FROM opportunities WHERE trim(owner_manager) <> ''),
       (SELECT count(*) FROM quotas WHERE manager IN (SELECT ref FROM known)),
       (SELECT count(manager) FROM quotas WHERE trim(manager) <> '')
"""

#: changes of manager between consecutive lines of a person's reporting-line history
_CHANGES_SQL = """
SELECT count(*) FILTER (WHERE prev IS NOT NULL AND prev IS DISTINCT FROM manager_name), count(DISTINCT name)
FROM (SELECT name, manager_name, lag(manager_name) OVER (PARTITION BY name ORDER BY valid_from) AS prev
      FROM v_manager_spans)
"""


def reporting_line_changes(ws: Workspace) -> tuple[int, int]:
    """Changes of manager in the reporting-line history, and the people it covers (0, 0 without one)."""
    changes, people = ws.row(_CHANGES_SQL)
    return int(changes or 0), int(people or 0)


@per_data_version
def attribution(ws: Workspace) -> Attribution:
    """Which rule credits deals and quotas to managers in this workspace (:class:`Attribution`)."""
    deal_rows, deal_all, quota_rows, quota_all = ws.row(_OWN_MANAGER_SQL)
    changes, people = reporting_line_changes(ws)
    unmatched = int(deal_all or 0) - int(deal_rows or 0) + int(quota_all or 0) - int(quota_rows or 0)
    return Attribution(int(deal_rows or 0), int(quota_rows or 0), changes, people, unmatched)


def attribution_rule(ws: Workspace) -> str:
    """The rule crediting deals, quotas and involvement to managers, as one sentence for a caption
    ("... the manager at the time, from the reporting-line history (412 changes)")."""
    return attribution(ws).sentence()
