"""Tiny hand-made workspaces for metric tests.

>>> ws = workspace_with(people=[{"name": "Ann", "manager": "Max"}])
>>> ws.counts()["people"]
1
"""

from __future__ import annotations

import pandas as pd

from analytics import schema
from analytics.store.workspace import Workspace


def frame_for(table_name: str, rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Rows as a frame with every canonical column (missing ones blank); ISO date strings are
    cast by the workspace. Keys missing from a row are filled: people by name, others by index."""
    t = schema.table(table_name)
    df = pd.DataFrame(rows).copy()
    for c in t.columns:
        if c.name not in df.columns:
            df[c.name] = None
    if len(t.key) == 1 and df[t.key[0]].isna().any():
        k = t.key[0]
        fallback = df["name"] if table_name in ("people", "accounts") else pd.Series(
            [f"{table_name}-{i}" for i in range(len(df))], index=df.index)
        df[k] = df[k].where(df[k].notna(), fallback)
    return df[t.column_names].astype(object).where(df[t.column_names].notna(), None)


def workspace_with(**tables: list[dict] | pd.DataFrame) -> Workspace:
    """A workspace holding exactly these rows, loaded through Workspace.load."""
    ws = Workspace()
    for name in schema.LOAD_ORDER:
        if name in tables:
            ws.load(name, frame_for(name, tables[name]))
    unknown = set(tables) - set(schema.TABLES)
    if unknown:
        raise KeyError(f"unknown tables {unknown}")
    return ws
