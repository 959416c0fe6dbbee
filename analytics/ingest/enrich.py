"""Files that enrich the roster instead of adding people: a manager-link file (a person and their
manager), a role hierarchy (Salesforce UserRole) and a territory list with its managers.

They load into tables of their own (``manager_links``, ``roles``, ``territories`` in
:mod:`analytics.schema`) and the roster view resolves them (``v_people`` in
:mod:`analytics.store.schema_sql`), so the order of uploads does not matter. This module holds
what the import adds for them: a manager link whose person is not in the roster is rejected (it
never adds a person; rows with effective dates are a reporting-line history, several per person),
and :class:`Enrichment` says what a file did to the roster, measured as the
roster the pages read before and after it loaded. Its wording is the Data page's
(``ui/import_report.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analytics import schema
from analytics.ingest.validate import Prepared, _shorts
from analytics.people import reporting_line_changes
from analytics.store.workspace import Workspace

#: what a manager-link row's person is matched by, as the roster view matches it
NO_ROSTER = "no roster is loaded: load the people file first (or in the same upload)"
NOT_IN_ROSTER = "not in the roster (a manager-link file never adds people)"


@dataclass(frozen=True)
class Roster:
    """The roster's references: IDs and names as they are, e-mails in lower case."""

    refs: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()

    @classmethod
    def of(cls, ws: Workspace) -> Roster:
        refs = ws.query("SELECT ref FROM v_person_ref")["ref"].dropna()
        emails = ws.query("SELECT DISTINCT lower(email) AS e FROM people WHERE email IS NOT NULL")["e"]
        return cls(frozenset(refs), frozenset(emails))

    def matches(self, values: pd.Series) -> np.ndarray:
        """Which values name a roster person (by ID or name exactly, by e-mail in any case)."""
        text = values.astype("string")
        hit = text.isin(self.refs) | text.str.lower().isin(self.emails)
        return hit.fillna(False).to_numpy(dtype=bool)


def reject_unmatched_people(prepared: Prepared, mapping: dict[str, str], roster: Roster) -> None:
    """Move the manager-link rows whose person is not in the roster from ``prepared.frame`` to
    its rejects, with the reason (vectorised: one pass over the column)."""
    if prepared.table != "manager_links" or "person" not in mapping or prepared.frame.empty:
        return
    persons = prepared.frame["person"]
    keep = roster.matches(persons)
    if keep.all():
        return
    at = np.flatnonzero(~keep)
    limit = prepared.rejects.keep
    written = at[:limit] if limit is not None else at
    reason = NOT_IN_ROSTER if roster.refs else NO_ROSTER

    def describe(sel: np.ndarray, written=written) -> dict[str, Any]:
        return {"column": mapping["person"], "value": _shorts(persons.iloc[written[sel]].astype("str")),
                "reason": reason}

    prepared.rejects.add(prepared.rows[written], describe, len(at))
    if limit is not None:
        prepared.rejects.first()
    prepared.frame = prepared.frame[keep].reset_index(drop=True)
    prepared.rows = prepared.rows[keep]
    prepared.rows_rejected += len(at)


@dataclass(frozen=True)
class Enrichment:
    """What an enriching file did to the roster the pages read.

    ``items``: links, roles or territories loaded; ``set``/``changed``: people whose manager was
    none and now is one / was another; ``regions_named``: people whose region now reads as a
    territory's name; ``roles_named``: people whose role now reads as a role's name;
    ``ambiguous_roles``: parent roles held by more than one person, so the people under them are
    left without a manager, and ``ambiguous_people`` those people; ``unknown_managers``: distinct
    managers named that are not in the roster (kept as written)."""

    table: str
    items: int
    set: int = 0
    changed: int = 0
    regions_named: int = 0
    roles_named: int = 0
    ambiguous_roles: int = 0
    ambiguous_people: int = 0
    unknown_managers: int = 0
    #: a manager-link file with effective dates: the changes of manager in the reporting-line
    #: history, and the people it covers (deals and quotas go to the manager at the time)
    history_changes: int = 0
    history_people: int = 0


def roster_view(ws: Workspace) -> pd.DataFrame:
    """The roster as the pages read it, one row per person, to compare before and after a load."""
    return ws.query("SELECT person_id, manager_name, region, role FROM v_people").set_index("person_id")


def enrichment(ws: Workspace, table: str, before: pd.DataFrame, items: int) -> Enrichment:
    """What loading ``items`` rows of ``table`` changed in the roster (``before``: :func:`roster_view`)."""
    after = roster_view(ws)
    after = after[~after.index.duplicated()]
    before = before[~before.index.duplicated()].reindex(after.index)

    def differs(col: str) -> pd.Series:
        return after[col].notna() & (before[col].isna() | (before[col] != after[col]))

    was_none = before["manager_name"].isna()
    moved = differs("manager_name")
    ambiguous = ws.row(
        """SELECT count(DISTINCT r.parent_role_id), count(DISTINCT o.person_id)
           FROM v_role_of o JOIN v_role_parent rp ON rp.role_id = o.role_id
           JOIN roles r ON r.role_id = o.role_id JOIN v_people_ref p ON p.person_id = o.person_id
           WHERE rp.holders > 1 AND coalesce(p.link_manager, p.manager, p.territory_manager) IS NULL""") \
        if table == "roles" else (0, 0)
    unknown = 0
    changes = people = 0
    if table == "manager_links":
        unknown = int(ws.scalar(
            """SELECT count(DISTINCT l.manager) FROM v_manager_link_rows l
               WHERE l.manager NOT IN (SELECT ref FROM v_person_ref)"""))
        changes, people = reporting_line_changes(ws)
    return Enrichment(table, items, set=int((moved & was_none).sum()), changed=int((moved & ~was_none).sum()),
                      regions_named=int(differs("region").sum()) if table == "territories" else 0,
                      roles_named=int(differs("role").sum()) if table == "roles" else 0,
                      ambiguous_roles=int(ambiguous[0]), ambiguous_people=int(ambiguous[1]),
                      unknown_managers=unknown, history_changes=changes, history_people=people)


def is_enrichment(table: str | None) -> bool:
    return table in schema.ENRICHMENT_TABLES
