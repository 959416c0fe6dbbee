"""Goal hierarchies in quota exports: team roll-up goals kept apart from personal quotas.

A CRM's goal export (Dynamics 365 goals, Salesforce goals and targets) holds a person's goals
and, beside them, the team goals that roll them up: a parent goal per quarter owned by the
manager. Loaded as quotas, the parent would count again as the manager's own quota. A row is a
team goal when

* it is the parent of other rows (its name is another row's ``Parent Goal``),
* it is marked ``Rollup Only from Child Goals`` = Yes, or
* its owner is the ``Manager`` of other rows' owners with a goal starting on the same day.

Such rows are not loaded (the quotas table has no place for a team goal) and are listed in the
import report as "team roll-up goal, kept apart", with their row: they are not rows read, like a
report's footer. Files without these columns are untouched. All of it is data and small pure
functions; :mod:`analytics.ingest.pipeline` applies it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from analytics.ingest.readers import RawTable
from analytics.schema import normalise_header

#: headers, folded by :func:`normalise_header`
NAME_HEADERS = ("goalname", "name", "goal", "goaltitle", "title")
PARENT_HEADERS = ("parentgoal", "parentgoalname", "parent", "parentname")
ROLLUP_HEADERS = ("rolluponlyfromchildgoals", "rolluponly", "isrollup", "rollup")
MANAGER_HEADERS = ("manager", "goalmanager", "managername")
YES = {"yes", "true", "1", "y", "x", "ja", "oui"}
REASON = "team roll-up goal, kept apart"


def _header(headers: list[str], wanted: tuple[str, ...], skip: set[str] = frozenset()) -> str | None:
    by_norm: dict[str, str] = {}
    for h in headers:
        if h not in skip:
            by_norm.setdefault(normalise_header(h), h)
    return next((by_norm[w] for w in wanted if w in by_norm), None)


def _fold(col: pd.Series) -> pd.Series:
    return col.fillna("").astype(str).str.strip().str.casefold()


def team_goals(frame: pd.DataFrame, mapping: dict[str, str]) -> list[tuple[int, str]]:
    """(position in ``frame``, why) of each row that is a team goal, in order."""
    headers = list(frame.columns)
    used = set(mapping.values())
    why: dict[int, str] = {}
    name_h = _header(headers, NAME_HEADERS, used)
    parent_h = _header(headers, PARENT_HEADERS, used)
    if name_h and parent_h:
        names, parents = _fold(frame[name_h]), _fold(frame[parent_h])
        children = parents[parents != ""].value_counts()
        for i in np.flatnonzero(names.isin(children.index).to_numpy() & (names != "").to_numpy()):
            n = int(children[names.iloc[i]])
            why.setdefault(int(i), f"{REASON}: the parent of {n} goal{'s' if n != 1 else ''}")
    rollup_h = _header(headers, ROLLUP_HEADERS, used)
    if rollup_h:
        for i in np.flatnonzero(_fold(frame[rollup_h]).isin(YES).to_numpy()):
            why.setdefault(int(i), f"{REASON}: {rollup_h} = {frame[rollup_h].iloc[i]}")
    # the owner's manager: the quota's own manager column when mapped (analytics.schema.QUOTAS)
    manager_h = mapping.get("manager") or _header(headers, MANAGER_HEADERS, used)
    owner_h, start_h = mapping.get("owner"), mapping.get("period_start")
    if manager_h and owner_h and start_h:
        owners, managers, starts = _fold(frame[owner_h]), _fold(frame[manager_h]), _fold(frame[start_h])
        reps = owners != managers
        led = set(zip(managers[reps & (managers != "")], starts[reps & (managers != "")], strict=True))
        for i, key in enumerate(zip(owners, starts, strict=True)):
            if key[0] and key in led:
                why.setdefault(i, f"{REASON}: the manager's goal for the period of their reps' goals")
    return sorted(why.items())


def split_team_goals(raw: RawTable, mapping: dict[str, str]) -> tuple[RawTable, list[tuple[int, str]]]:
    """``raw`` without its team goals, and (row, why) of each team goal taken out."""
    found = team_goals(raw.frame, mapping)
    if not found:
        return raw, []
    drop = np.zeros(len(raw.frame), dtype=bool)
    drop[[i for i, _ in found]] = True
    kept = replace(raw, frame=raw.frame.loc[~drop].reset_index(drop=True), rows=raw.rows[~drop])
    return kept, [(int(raw.rows[i]), why) for i, why in found]
