"""The stage mapping: which stages of the deals count as closed and which as won.

An export that carries no IsClosed/IsWon flags of its own says a deal's outcome only through its
stage. The workspace keeps one row per stage seen in its data (table ``_stage_map``), each
with the default outcome of its name (:func:`analytics.schema.default_stage_outcome`) until the
user (the Data page's stage editor, or a settings file) sets another; ``v_opportunities`` reads
it for deals without flags (:mod:`analytics.store.schema_sql`).
"""

from __future__ import annotations

from typing import Protocol

import duckdb
import pandas as pd

from analytics import schema
from analytics.store.schema_sql import STAGE_MAP


class _Data(Protocol):
    """The workspace whose stage mapping this is (its cursor and queries)."""

    con: duckdb.DuckDBPyConnection

    def query(self, sql: str, params: list | dict | None = None) -> pd.DataFrame: ...


def refresh(ws: _Data) -> None:
    """Give every stage seen in the data an entry (the default outcome) in the mapping."""
    stages = ws.query(
        f"""SELECT DISTINCT stage FROM (SELECT stage FROM opportunities UNION ALL SELECT stage FROM stage_history)
            WHERE stage IS NOT NULL AND stage NOT IN (SELECT stage FROM {STAGE_MAP})"""
    )["stage"]
    rows = [(s, *schema.default_stage_outcome(s)) for s in stages]
    if rows:
        ws.con.executemany(f"INSERT INTO {STAGE_MAP} VALUES (?, ?, ?)", rows)


def table(ws: _Data) -> pd.DataFrame:
    """Stages with their outcome and how many deals are at each (explicit flags noted)."""
    return ws.query(
        f"""SELECT m.stage, m.is_closed, m.is_won,
                   count(o.opportunity_id) AS deals,
                   count(o.is_closed) + count(o.is_won) > 0 AS export_has_flags
            FROM {STAGE_MAP} m LEFT JOIN opportunities o ON o.stage = m.stage
            GROUP BY ALL ORDER BY deals DESC, m.stage"""
    )


def set_outcomes(ws: _Data, outcomes: dict[str, tuple[bool, bool]]) -> None:
    """Set (is_closed, is_won) per stage; won implies closed (the caller marks the data changed)."""
    for stage, (closed, won) in outcomes.items():
        ws.con.execute(f"INSERT OR REPLACE INTO {STAGE_MAP} VALUES (?, ?, ?)", [stage, bool(closed or won), bool(won)])
