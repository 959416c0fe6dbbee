"""A user's corrections of the coaching behaviours read from text, kept with the workspace.

A reading of a session's notes (or an export's flag) can be wrong; the user who sees the evidence
sentence can say whether the session shows the behaviour. :func:`correct_reading` writes that
answer into the canonical column (``coaching_sessions.<behaviour>``, so every rate, download and
saved workspace uses it) with ``<behaviour>_source`` = ``"correction"``, keeps the evidence
sentence and the reader's confidence, and records the correction in the internal table
``_corrections`` (:data:`analytics.store.schema_sql.CORRECTIONS`): the session, the behaviour,
the value, and the value and source it replaced (``was_value``/``was_source``, from the first
correction, so undoing restores the reading itself). The table is saved with the workspace and
read back by the strict reader of :mod:`analytics.store.workspace_file`.

:func:`apply_corrections` puts every stored correction back on the rows of the same sessions: the
import calls it after loading coaching sessions, so a new upload of the same sessions gets the
user's corrections again (their ``was_*`` refreshed from the new reading).

Every change is a new version of the workspace's data (held results and memoised pages are
recomputed; a shared result of the untouched demo no longer applies). User values (session IDs)
reach SQL only as bound parameters; column names come from :data:`analytics.schema.COACHING_BEHAVIOURS`
and are quoted.

Examples
--------
>>> from tests.factories import workspace_with
>>> ws = workspace_with(coaching_sessions=[{"session_id": "S1", "manager": "Max", "rep": "Ann",
...     "session_date": "2025-01-06", "tied_to_plan": False, "tied_to_plan_source": "text"}])
>>> correct_reading(ws, "S1", "tied_to_plan", True)
True
>>> ws.row("SELECT tied_to_plan, tied_to_plan_source FROM coaching_sessions")
(True, 'correction')
>>> correct_reading(ws, "S1", "tied_to_plan", None)  # undo: the reading is back
True
>>> ws.row("SELECT tied_to_plan, tied_to_plan_source FROM coaching_sessions")
(False, 'text')
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from analytics.schema import COACHING_BEHAVIOURS, reading_columns
from analytics.store.schema_sql import CORRECTIONS, quote_ident
from analytics.store.workspace import Workspace

#: ``<behaviour>_source`` of a corrected value
CORRECTION = "correction"


def _behaviour(behaviour: str) -> str:
    if behaviour not in COACHING_BEHAVIOURS:
        raise ValueError(f"unknown behaviour {behaviour!r}; known: {', '.join(COACHING_BEHAVIOURS)}")
    return behaviour


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def correct_reading(ws: Workspace, session_id: str, behaviour: str, value: bool | None) -> bool:
    """Set (``value`` True/False) or undo (None) the user's correction of one session's behaviour.

    A value: ``coaching_sessions.<behaviour>`` = value and its source ``"correction"`` on the rows
    of ``session_id`` (evidence and confidence kept); the first correction of that session and
    behaviour remembers the value and source it replaced. None: the remembered value and source
    are restored and the correction deleted. Returns whether anything changed (an unknown session
    changes nothing; a correction to the value it already has changes nothing either). A change
    is a new version of the data.
    """
    col = quote_ident(_behaviour(behaviour))
    source = quote_ident(reading_columns(behaviour)[0])
    sid = str(session_id)
    current = ws.row(f"SELECT {col}, {source} FROM coaching_sessions WHERE session_id = ? LIMIT 1", [sid])
    stored = ws.row(f"SELECT value, was_value, was_source FROM {CORRECTIONS} WHERE session_id = ? AND behaviour = ?",
                    [sid, behaviour])
    con = ws.con
    if value is None:
        if stored is None:
            return False
        with ws.transaction():
            if current is not None:
                con.execute(f"UPDATE coaching_sessions SET {col} = ?, {source} = ? WHERE session_id = ?",
                            [stored[1], stored[2], sid])
            con.execute(f"DELETE FROM {CORRECTIONS} WHERE session_id = ? AND behaviour = ?", [sid, behaviour])
        ws._changed()
        return True
    if current is None:
        return False
    value = bool(value)
    if stored is not None and stored[0] == value and current == (value, CORRECTION):
        return False
    with ws.transaction():
        if stored is None:
            con.execute(f"INSERT INTO {CORRECTIONS} VALUES (?, ?, ?, ?, ?, ?)",
                        [sid, behaviour, value, current[0], current[1], _now()])
        else:
            con.execute(f"UPDATE {CORRECTIONS} SET value = ?, corrected_at = ? WHERE session_id = ? AND behaviour = ?",
                        [value, _now(), sid, behaviour])
        con.execute(f"UPDATE coaching_sessions SET {col} = ?, {source} = ? WHERE session_id = ?",
                    [value, CORRECTION, sid])
    ws._changed()
    return True


def _differs(behaviour: str) -> str:
    """Rows of ``cs`` whose behaviour does not hold correction ``c``'s value as a correction."""
    col, source = quote_ident(behaviour), quote_ident(reading_columns(behaviour)[0])
    return (f"(c.behaviour = ? AND (cs.{col} IS DISTINCT FROM c.value "
            f"OR cs.{source} IS DISTINCT FROM '{CORRECTION}'))")


def apply_corrections(ws: Workspace) -> int:
    """Every stored correction put back on the coaching sessions with its session ID; the number
    of session rows that changed (0: nothing to do, and the version stays).

    A row that holds a new reading (its source is not ``"correction"``: a new upload of the
    session) first gives the correction its ``was_value``/``was_source``, so undoing the correction
    later restores the new reading. Set-based: one statement per behaviour, whatever the rows.
    """
    if not ws.scalar(f"SELECT EXISTS (FROM {CORRECTIONS})"):
        return 0
    behaviours = list(COACHING_BEHAVIOURS)
    where = " OR ".join(_differs(b) for b in behaviours)
    changed = int(ws.scalar(
        f"""SELECT count(DISTINCT cs.rowid) FROM coaching_sessions cs
            JOIN {CORRECTIONS} c ON c.session_id = cs.session_id WHERE {where}""", behaviours))
    if not changed:
        return 0
    con = ws.con
    with ws.transaction():
        for b in behaviours:
            col, source = quote_ident(b), quote_ident(reading_columns(b)[0])
            con.execute(
                f"""UPDATE {CORRECTIONS} c SET was_value = cs.{col}, was_source = cs.{source}
                    FROM coaching_sessions cs
                    WHERE c.session_id = cs.session_id AND c.behaviour = ?
                      AND cs.{source} IS DISTINCT FROM '{CORRECTION}'""", [b])
            con.execute(
                f"""UPDATE coaching_sessions cs SET {col} = c.value, {source} = '{CORRECTION}'
                    FROM {CORRECTIONS} c WHERE {_differs(b)} AND c.session_id = cs.session_id""", [b])
    ws._changed()
    return changed


def corrections(ws: Workspace) -> pd.DataFrame:
    """The stored corrections, newest first: session_id, behaviour, value, was_value, was_source,
    corrected_at."""
    return ws.query(f"SELECT * FROM {CORRECTIONS} ORDER BY corrected_at DESC, session_id, behaviour")
