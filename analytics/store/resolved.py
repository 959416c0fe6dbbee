"""The deal views a workspace's analyses read, resolved once per version of its data.

``v_opportunities`` resolves each deal's owner, manager at the time (and roster manager), team,
region, account and stage outcome through a handful of joins, and ``v_won_in_quota`` joins those with the quotas
(:mod:`analytics.store.schema_sql`); every analysis of a page reads them, so at a million deals
those joins were most of each query's time. :class:`ResolvedViews` points the two views at
copies of their live views (tables of the session's database like any other), made the first
time a query reads one for a version of the data, and back at the live views on any change of
data. Copies that cannot be made (say, over the memory limit) leave the live views in place.
"""

from __future__ import annotations

import threading
from typing import Protocol

import duckdb

#: view -> the table holding its copy once resolved (in this order: each reads those before it;
#: the roster and the quotas are small, but their live views join the manager links, roles,
#: territories and the reporting currency on every read)
RESOLVED = {"v_roster": "_roster_resolved", "v_quotas": "_quotas_resolved",
            "v_opportunities": "_opportunities_resolved", "v_won_in_quota": "_won_in_quota_resolved"}


class _Data(Protocol):
    """What the views are resolved for: a workspace (its cursor, version, and whether it is closed)."""

    con: duckdb.DuckDBPyConnection
    version: int
    closed: bool


class ResolvedViews:
    """Which version of a workspace's data its deal views are resolved for.

    Attributes
    ----------
    version : the version the copies were made for; -1 while the views are the live ones.
    lock : held while copies are made or dropped, and while the data's version changes, so a
        copy is never kept for data that changed while it was made.
    """

    def __init__(self) -> None:
        self.version = -1
        self.lock = threading.RLock()

    def before(self, data: _Data, sql: str) -> None:
        """Before ``sql`` runs: resolve the views for the data's current version if it reads one
        (an import's own queries never do, so loading stays one copy)."""
        if self.version == data.version or data.closed:
            return
        if not any(view in sql for view in RESOLVED):
            return
        with self.lock:
            version = data.version
            if self.version == version:
                return
            cur = data.con
            try:
                for view, table in RESOLVED.items():
                    cur.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {view}_live")
                    cur.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM {table}")
            except duckdb.Error:
                self._live(data.con)
                return
            if data.version == version:
                self.version = version
            else:  # the data changed meanwhile: back to the live view
                self._live(data.con)

    def forget(self, data: _Data) -> None:
        """Back to the live views, the copies dropped (nothing to drop in a closed workspace)."""
        with self.lock:
            if self.version != -1 and not data.closed:
                self._live(data.con)
            self.version = -1

    @staticmethod
    def _live(con: duckdb.DuckDBPyConnection) -> None:
        for view, table in RESOLVED.items():
            con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM {view}_live")
            con.execute(f"DROP TABLE IF EXISTS {table}")
