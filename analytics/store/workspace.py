"""The workspace: one sandboxed, in-memory DuckDB per browser session.

It holds the canonical tables of :mod:`analytics.schema`, the editable stage mapping and a
log of imports. The connection cannot read or write server files, install extensions or
change its own limits, so SQL run on it can only see this session's data.

Views resolve what exports store as references: ``v_opportunities`` gives each deal its
owner's name (an ID resolved through People), the owner's manager, team and region, the
account name, and closed/won flags (the export's own flags, else the stage mapping).
"""

from __future__ import annotations

import io
import json
import logging
import os
import threading
import time
import uuid
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analytics import schema
from analytics.store import workspace_file
from analytics.store.workspace_file import WorkspaceFileError

log = logging.getLogger(__name__)


def _default_memory_limit() -> str:
    """A quarter of the memory the server may use (the container's limit where there is one,
    else the machine's), at least 1 GB: a large organisation's workspace (two years, 2,000
    reps, 1M deals, 5M activities) takes ~1 GB in the engine and its analyses need room beyond
    that. A ceiling, not a reservation: no one session can take more than a quarter, and a
    query over it fails with a message while the session carries on."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # no sysconf (not Linux/macOS): the floor
        return "1GB"
    try:  # cgroup v2: the container's own limit ("max" when there is none)
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        total = min(total, int(limit)) if limit.isdigit() else total
    except OSError:
        pass
    return f"{max(1, total // 4 // 1024**3)}GB"


#: Guard rails for a session's engine; the deployment may set them.
MEMORY_LIMIT = os.environ.get("BENCH_DUCKDB_MEMORY_LIMIT") or _default_memory_limit()
THREADS = int(os.environ.get("BENCH_DUCKDB_THREADS", "2"))
#: derived results a workspace holds at once (see :meth:`Workspace.derived`)
DERIVED_SIZE = 32
#: results held per pool: "data" for blocks of the data alone, "filtered" for owner-level blocks
#: of one period, segment and product (:func:`analytics.people.per_period_by_owner`), which come and go
#: with the filters and must not push the data's blocks out
POOL_SIZES = {"data": DERIVED_SIZE, "filtered": 32}
#: and at most this many bytes of DataFrames per pool (the newest result is always kept): a
#: period's day-by-day leading events for 2,000 reps take 101 MB, and each period picked adds
#: its own set
POOL_BYTES = {"filtered": 256 * 1024**2}
#: rows of a saved table decoded and inserted at a time when a workspace is opened (at most:
#: batches are also bounded in bytes, workspace_file.OPEN_BATCH_BYTES)
OPEN_BATCH_ROWS = 1024 * 1024
#: a saved workspace may not decode to more rows than this, whatever its zip sizes say
MAX_WORKSPACE_ROWS = int(os.environ.get("BENCH_MAX_WORKSPACE_ROWS", "20000000"))

WORKSPACE_FORMAT = "bench-strength-workspace"
WORKSPACE_VERSION = 1

STAGE_MAP = "_stage_map"
#: view -> the table holding its copy once resolved (in this order: the second reads the first)
RESOLVED = {"v_opportunities": "_opportunities_resolved", "v_won_in_quota": "_won_in_quota_resolved"}
IMPORT_LOG = "_imports"
#: the columns of the two tables the app keeps beside the canonical ones (as created in
#: Workspace._create), which a saved workspace holds too
INTERNAL_COLUMNS = {
    STAGE_MAP: {"stage": "VARCHAR", "is_closed": "BOOLEAN", "is_won": "BOOLEAN"},
    IMPORT_LOG: {"file": "VARCHAR", "table_name": "VARCHAR", "shape": "VARCHAR", "rows_read": "BIGINT",
                 "rows_loaded": "BIGINT", "rows_rejected": "BIGINT", "inserted": "BIGINT", "replaced": "BIGINT",
                 "imported_at": "TIMESTAMP"},
}
#: no value (a build that failed)
_NOTHING = object()


def quote_ident(name: str) -> str:
    """Quote an SQL identifier (the one helper every module uses)."""
    return '"' + str(name).replace('"', '""') + '"'


def _is_text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def result_frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None) -> pd.DataFrame:
    """The DataFrame of a query, as DuckDB's ``.df()`` makes it, built faster.

    ``.df()`` turns every text value into a Python string and back into pandas' ``str``
    column: at a million deals that took longer than the query itself (1.1 of 2.1 s for the
    closed deals). Through Arrow, text columns become the same pyarrow-backed ``str`` columns
    without Python strings, and every other column is converted by DuckDB itself from the
    Arrow copy (``from_arrow(...).df()``), so ints with NULLs stay ``Int32``/``Int64``, dates
    become ``datetime64[us]`` and decimals floats exactly as before. As ``.df()`` does, a text
    column that is empty or all NULL is an ``object`` column of ``None``.
    """
    rel = con.sql(sql, params=params or None)
    if rel is None:  # not a query: nothing to show
        return pd.DataFrame()
    names = rel.columns
    if "VARCHAR" not in (str(t) for t in rel.types) or len(set(names)) != len(names):
        return rel.df()
    table = rel.to_arrow_table()
    n = table.num_rows
    rest = [i for i, f in enumerate(table.schema) if not _is_text(f.type)]
    other = con.from_arrow(table.select(rest)).df() if rest else None
    columns = {}
    for i, name in enumerate(table.column_names):
        col = table.column(i)
        if not _is_text(col.type):
            columns[name] = other[name]
        elif n == 0 or col.null_count == n:
            columns[name] = pd.Series([None] * n, dtype=object)
        else:
            columns[name] = col.to_pandas()
    return pd.DataFrame(columns, index=pd.RangeIndex(n))


def as_if_queried(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows picked from a query's frame, typed as DuckDB's ``.df()`` types a query returning
    just them: text with no value left is ``object`` (None), and whole numbers or flags with
    no NULL left are plain numpy columns (``.df()`` makes ``Int32``/``boolean`` only when a
    NULL is present)."""
    out = frame.reset_index(drop=True)
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.StringDtype) and s.isna().all():
            out[col] = pd.Series([None] * len(s), dtype=object)
        elif (isinstance(s.dtype, pd.BooleanDtype) or isinstance(s.dtype, pd.api.extensions.ExtensionDtype)
              and pd.api.types.is_integer_dtype(s.dtype)) and not s.isna().any():
            out[col] = s.to_numpy(dtype=s.dtype.numpy_dtype)
    return out


@dataclass
class LoadResult:
    inserted: int
    replaced: int


def _frame_bytes(value) -> int:
    """Bytes a held DataFrame (or a tuple of them) takes, by its columns' buffers."""
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=False).sum())
    if isinstance(value, tuple):
        return sum(_frame_bytes(v) for v in value)
    return 0


_VIEWS = """
CREATE OR REPLACE VIEW v_person_ref AS
SELECT ref, any_value(name) AS name FROM (
    SELECT person_id AS ref, name FROM people WHERE person_id IS NOT NULL
    UNION ALL SELECT name AS ref, name FROM people WHERE name IS NOT NULL
) GROUP BY ref;

CREATE OR REPLACE VIEW v_people AS
SELECT p.person_id, p.name, coalesce(m.name, p.manager) AS manager_name, p.team, p.region,
       p.segment, p.role, p.email, p.start_date, p.end_date, p.is_active
FROM people p LEFT JOIN v_person_ref m ON m.ref = p.manager;

CREATE OR REPLACE VIEW v_roster AS
SELECT name, any_value(manager_name) AS manager_name, any_value(team) AS team,
       any_value(region) AS region, any_value(segment) AS segment, any_value(role) AS role,
       min(start_date) AS start_date, max(end_date) AS end_date
FROM v_people GROUP BY name;

CREATE OR REPLACE VIEW v_opportunities_live AS
SELECT o.opportunity_id, o.name, o.owner, coalesce(r.name, o.owner) AS owner_name,
       ro.manager_name, ro.team, ro.region, coalesce(ro.segment, o.segment) AS segment,
       o.account, coalesce(a.name, o.account) AS account_name, o.stage,
       coalesce(o.is_closed, sm.is_closed, false) OR coalesce(o.is_won, false) AS is_closed,
       coalesce(o.is_won, sm.is_won, false) AS is_won,
       CASE WHEN coalesce(o.is_won, sm.is_won, false) AND o.actual_amount IS NOT NULL
            THEN o.actual_amount ELSE o.amount END AS amount,
       o.probability, o.created_date, o.close_date, o.product, o.lead_source,
       o.is_complex, o.manager_involved
FROM opportunities o
LEFT JOIN v_person_ref r ON r.ref = o.owner
LEFT JOIN v_roster ro ON ro.name = coalesce(r.name, o.owner)
LEFT JOIN (SELECT account_id, any_value(name) AS name FROM accounts GROUP BY account_id) a
       ON a.account_id = o.account
LEFT JOIN _stage_map sm ON sm.stage = o.stage;

-- what every analysis reads: the live view, or its copy resolved once per version of the data
-- (Workspace.query switches it; any change of data switches it back); so for v_won_in_quota
CREATE OR REPLACE VIEW v_opportunities AS SELECT * FROM v_opportunities_live;

CREATE OR REPLACE VIEW v_quotas AS
SELECT coalesce(r.name, q.owner) AS owner_name, ro.manager_name, ro.team, ro.region,
       q.period_start, q.period_end, q.amount
FROM quotas q
LEFT JOIN v_person_ref r ON r.ref = q.owner
LEFT JOIN v_roster ro ON ro.name = coalesce(r.name, q.owner);

-- Each won deal counts toward one quota period of its owner: the first that holds its close
-- date (periods that share a boundary day, or overlap, must not count it twice).
CREATE OR REPLACE VIEW v_won_in_quota_live AS
SELECT o.opportunity_id, o.owner_name, o.manager_name, o.amount, o.close_date, q.period_start, q.period_end
FROM v_opportunities o JOIN v_quotas q
  ON q.owner_name = o.owner_name AND o.close_date BETWEEN q.period_start AND q.period_end
WHERE o.is_won
QUALIFY row_number() OVER (PARTITION BY o.opportunity_id ORDER BY q.period_start) = 1;
CREATE OR REPLACE VIEW v_won_in_quota AS SELECT * FROM v_won_in_quota_live;

CREATE OR REPLACE VIEW v_activities AS
SELECT a.*, coalesce(r.name, a.owner) AS owner_name
FROM activities a LEFT JOIN v_person_ref r ON r.ref = a.owner;
"""


class Workspace:
    """A session's data.

    Parameters
    ----------
    memory_limit, threads : the engine's limits (locked once set).

    Examples
    --------
    >>> ws = Workspace()
    >>> ws.counts()["opportunities"]
    0
    """

    def __init__(self, memory_limit: str = MEMORY_LIMIT, threads: int = THREADS) -> None:
        self._lock = threading.Lock()
        self._cursors: dict[int, duckdb.DuckDBPyConnection] = {}
        self._root = duckdb.connect(
            ":memory:",
            config={
                "enable_external_access": False,
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                "memory_limit": memory_limit,
                "threads": threads,
                # never spill a session's data to a shared directory on disk: over its memory
                # limit a query fails with a message instead
                "temp_directory": "",
            },
        )
        self._root.execute("SET lock_configuration = true")
        self.source = "empty"
        self.label = "Empty workspace"
        #: distinguishes workspaces in widget keys (a new workspace must not inherit edits)
        self.id = uuid.uuid4().hex[:12]
        #: bumped on every change of data or stage mapping: results computed for an older
        #: version are stale
        self.version = 0
        #: results that depend on the data alone (not on the filters), for the current version
        self._derived: OrderedDict = OrderedDict()
        #: key -> the pool (see POOL_SIZES) of each held result
        self._derived_pool: dict[tuple, str] = {}
        self._derived_version = -1
        self._derived_lock = threading.Lock()
        #: (version, key) -> (thread, Event) of the builds under way
        self._building: dict[tuple, tuple[int, threading.Event]] = {}
        #: the version ``v_opportunities`` was resolved for (-1: it is the live view)
        self._resolved_version = -1
        self._resolve_lock = threading.RLock()
        self._create()

    # ----------------------------------------------------------------- structure
    def _create(self) -> None:
        for t in schema.TABLES.values():
            cols = ", ".join(f"{quote_ident(c.name)} {c.sql_type}" for c in t.columns)
            self.con.execute(f"CREATE TABLE {quote_ident(t.name)} ({cols})")
        self.con.execute(
            f"CREATE TABLE {STAGE_MAP} (stage VARCHAR PRIMARY KEY, is_closed BOOLEAN NOT NULL, is_won BOOLEAN NOT NULL)"
        )
        self.con.execute(
            f"""CREATE TABLE {IMPORT_LOG} (file VARCHAR, table_name VARCHAR, shape VARCHAR,
                rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, inserted BIGINT,
                replaced BIGINT, imported_at TIMESTAMP)"""
        )
        self.con.execute(_VIEWS)

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """This thread's handle on the session's database.

        A DuckDB connection serves one call at a time and refuses a second. Streamlit runs
        each rerun of a page on a new thread, and an interrupted run can still be inside a
        query when the next run starts; download callbacks run on threads of their own. So
        each thread gets its own cursor on the same in-memory database (same data, same
        sandbox), and cursors of finished threads are closed as new ones are made.
        """
        ident = threading.get_ident()
        cur = self._cursors.get(ident)
        if cur is not None:
            # DuckDB 2.0 refuses register(), sql() and cursor() while a result from execute()
            # is unfinished (a fetchone() leaves one): run it to its end first, as the next
            # execute() would (a no-op when there is none; well under a microsecond)
            cur.complete()
            return cur
        with self._lock:
            if self._root is None:
                raise duckdb.ConnectionException("this workspace is closed")
            alive = {t.ident for t in threading.enumerate()}
            for gone in [i for i in self._cursors if i not in alive]:
                self._cursors.pop(gone).close()
            cur = self._cursors[ident] = self._root.cursor()
            return cur

    @property
    def closed(self) -> bool:
        return self._root is None

    def interrupt(self) -> None:
        """Stop the queries running on this workspace's cursors now (each raises DuckDB's
        ``InterruptException`` in its thread); the data and later queries are unaffected."""
        with self._lock:
            for cur in self._cursors.values():
                cur.interrupt()

    def close(self) -> None:
        """Close every cursor and the connection; the data is gone (calling it twice is fine).
        A query still running on another thread (a warm-up) is interrupted first: DuckDB refuses
        to close a connection busy with a call, so each close is retried until the call has
        stopped (at most ~5 s; then the connection is left to close when its thread lets go)."""
        with self._derived_lock:
            self._derived.clear()
            self._derived_pool.clear()
        with self._lock:
            cursors = list(self._cursors.values())
            self._cursors.clear()
            root, self._root = self._root, None
        for cur in cursors:
            cur.interrupt()
        deadline = time.monotonic() + 5
        for con in [*cursors, *([root] if root is not None else [])]:
            while True:
                try:
                    con.close()
                    break
                except duckdb.ResourceInUseException:
                    if time.monotonic() > deadline:
                        break
                    con.interrupt()
                    time.sleep(0.01)

    # ----------------------------------------------------------------- reading
    def query(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        """Run SQL with bound parameters and return a DataFrame (the frame DuckDB's ``.df()``
        makes: same columns, dtypes and values; see :func:`result_frame`)."""
        self._resolve(sql)
        return result_frame(self.con, sql, params)

    def row(self, sql: str, params: list | dict | None = None) -> tuple | None:
        """The first row of a query (None when there is none), its result read to the end: a
        result left unfinished (``fetchone()``) keeps its cursor's snapshot open, and with it
        the memory of every table dropped or replaced since."""
        self._resolve(sql)
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0] if rows else None

    def scalar(self, sql: str, params: list | dict | None = None):
        row = self.row(sql, params)
        return row[0] if row else None

    def counts(self) -> dict[str, int]:
        """Rows per table (every page's sidebar shows them: counted once per version)."""
        held = self.derived(("counts",), lambda: {
            name: int(self.scalar(f"SELECT count(*) FROM {quote_ident(name)}")) for name in schema.TABLES})
        return dict(held)

    def column_filled(self, table_name: str) -> dict[str, int]:
        """Non-missing values per column of a table (the coverage panel reads this)."""
        t = schema.table(table_name)
        exprs = ", ".join(f"count({quote_ident(c.name)})" for c in t.columns)
        row = self.con.execute(f"SELECT {exprs} FROM {quote_ident(t.name)}").fetchall()[0]
        return {c.name: int(v) for c, v in zip(t.columns, row, strict=True)}

    @property
    def is_empty(self) -> bool:
        return not any(self.counts().values())

    def known_people(self) -> set[str]:
        """Every person ID and name in the roster."""
        return set(self.query("SELECT ref FROM v_person_ref")["ref"].dropna())

    # ----------------------------------------------------------------- resolved deals
    def _resolve(self, sql: str) -> None:
        """Point ``v_opportunities`` and ``v_won_in_quota`` at copies of their live views made
        once per version of the data, when ``sql`` reads one (an import's own queries never do,
        so loading stays one copy).

        The live view resolves each deal's owner, roster manager, team, region, account and
        stage outcome through four joins, and the deals credited to quota periods join those
        with the quotas; every analysis of a page reads them, so at a million deals those joins
        were most of each query's time. The copies are tables of this session's
        database like any other, and :meth:`_changed` drops them on any change of data. Copies
        that cannot be made (say, over the memory limit) leave the live views in place.
        """
        if self._resolved_version == self.version or self._root is None:
            return
        if not any(view in sql for view in RESOLVED):
            return
        with self._resolve_lock:
            version = self.version
            if self._resolved_version == version:
                return
            cur = self.con
            try:
                for view, table in RESOLVED.items():
                    cur.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {view}_live")
                    cur.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM {table}")
            except duckdb.Error:
                self._live_views()
                return
            if self.version == version:
                self._resolved_version = version
            else:  # the data changed meanwhile: back to the live view
                self._live_views()

    def _live_views(self) -> None:
        for view, table in RESOLVED.items():
            self.con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM {view}_live")
            self.con.execute(f"DROP TABLE IF EXISTS {table}")

    def _changed(self) -> None:
        """The data or stage mapping changed: a new version, and nothing resolved is kept."""
        with self._resolve_lock:
            self.version += 1
            if self._resolved_version != -1:
                self._live_views()
                self._resolved_version = -1

    # ----------------------------------------------------------------- derived results
    def derived(self, key: tuple, build: Callable[[], object], pool: str = "data"):
        """``build()``, computed once per version of this workspace's data and held with it.

        For building blocks that depend on the data alone (all closed deals with their
        evidence, all review scores): the filters are applied to the held result afterwards,
        so a filter change does not recompute them. Held by this workspace object, which lives
        in its session's state only; any change of data or stage mapping (a new version)
        drops everything held. At most ``POOL_SIZES[pool]`` results of a pool are kept (the
        pool's least recently used first out): the "filtered" pool's results, one set per
        period, segment and product filter, never push out the data's own.

        A result being built on another thread (a page's computations run on two, and the
        warm-up after an import on one more) is waited for, not built a second time; a build
        that fails, or whose data changed meanwhile, leaves the waiters to build their own.
        """
        store = self._derived
        me = threading.get_ident()
        while True:
            with self._derived_lock:  # the build itself runs outside: it may take seconds
                version = self.version
                if self._derived_version != version:
                    store.clear()
                    self._derived_pool.clear()
                    self._derived_version = version
                hit = store.get(key)
                if hit is not None:
                    store.move_to_end(key)
                    return hit[0]
                pending = self._building.get((version, key))
                if pending is None or pending[0] == me:  # none, or this thread's own (re-entered)
                    pending = self._building[(version, key)] = (me, threading.Event())
                    break
            pending[1].wait()
        try:
            value = build()
        except BaseException:
            self._end_build(version, key, pending)
            raise
        # data changed while building (another thread): the result is not kept
        self._end_build(version, key, pending, value, pool)
        return value

    def _end_build(self, version: int, key: tuple, pending: tuple, value=_NOTHING, pool: str = "data") -> None:
        """Hold a finished build's result (if its data is still current), then wake its waiters."""
        with self._derived_lock:
            if self._building.get((version, key)) is pending:
                del self._building[(version, key)]
            if value is not _NOTHING and self.version == version and self._derived_version == version:
                self._derived[key] = (value,)
                self._derived_pool[key] = pool
                mine = [k for k in self._derived if self._derived_pool.get(k, "data") == pool]  # oldest first
                drop = max(0, len(mine) - POOL_SIZES.get(pool, DERIVED_SIZE))
                budget = POOL_BYTES.get(pool)
                if budget is not None:
                    sizes = [_frame_bytes(self._derived[k][0]) for k in mine]
                    total = sum(sizes[drop:])
                    while drop < len(mine) - 1 and total > budget:
                        total -= sizes[drop]
                        drop += 1
                for old in mine[:drop]:
                    del self._derived[old]
                    self._derived_pool.pop(old, None)
        pending[1].set()

    def compact(self) -> None:
        """Compress the session's tables in memory.

        DuckDB compresses a table (dictionaries, FSST for text, bit-packing for numbers) when
        it checkpoints it; an in-memory database otherwise keeps every value as loaded. The
        large organisation's 6.6 million rows take 1,273 MB as loaded and 128 MB checkpointed,
        and the analyses read them as fast or faster. A checkpoint rewrites only tables changed
        since the last one and runs beside readers; the data and its version do not change, so
        nothing held is dropped.
        """
        self.con.execute("CHECKPOINT")

    def forget_derived(self) -> None:
        """Drop every held derived result and the resolved copies of the deal views (benchmarks
        time the first visit after an import with this)."""
        with self._derived_lock:
            self._derived.clear()
            self._derived_pool.clear()
        with self._resolve_lock:
            if self._resolved_version != -1 and self._root is not None:
                self._live_views()
            self._resolved_version = -1

    # ----------------------------------------------------------------- writing
    def load(self, table_name: str, frame: pd.DataFrame) -> LoadResult:
        """Add rows; a row whose key is already present replaces the old one."""
        t = schema.table(table_name)
        if frame.empty:
            return LoadResult(0, 0)
        tq = quote_ident(t.name)
        typed = ", ".join(f"CAST(s.{quote_ident(c.name)} AS {c.sql_type}) AS {quote_ident(c.name)}" for c in t.columns)
        keys = {k: next(c for c in t.columns if c.name == k) for k in t.key}
        incoming_keys = ", ".join(f"CAST(s.{quote_ident(k)} AS {c.sql_type}) AS {quote_ident(k)}" for k, c in keys.items())
        same_key = " AND ".join(f"{tq}.{quote_ident(k)} = i.{quote_ident(k)}" for k in t.key)
        # Arrow, not the pandas frame: DuckDB scans Arrow columns directly (columns of Python
        # objects, such as an unmapped column of None, are read value by value).
        self.con.register("_staging", pa.Table.from_pandas(frame[t.column_names], preserve_index=False))
        try:
            self.con.execute("BEGIN TRANSACTION")
            # rows with a key already present are replaced: delete them, then insert every row
            # straight from the staged frame (one copy; a first load has nothing to delete)
            replaced = 0
            if self.con.execute(f"SELECT EXISTS (FROM {tq})").fetchall()[0][0]:
                replaced = int(self.con.execute(
                    f"DELETE FROM {tq} USING (SELECT {incoming_keys} FROM _staging s) i WHERE {same_key}"
                ).fetchall()[0][0])
            self.con.execute(f"INSERT INTO {tq} SELECT {typed} FROM _staging s")
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        finally:
            self.con.unregister("_staging")
        if table_name in ("opportunities", "stage_history"):
            self.refresh_stage_map()
        self._changed()
        return LoadResult(len(frame) - replaced, replaced)

    def log_import(self, file: str, table_name: str, shape: str | None, rows_read: int, rows_loaded: int,
                   rows_rejected: int, inserted: int, replaced: int) -> None:
        self.con.execute(
            f"INSERT INTO {IMPORT_LOG} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [file, table_name, shape, rows_read, rows_loaded, rows_rejected, inserted, replaced,
             datetime.now(UTC).replace(tzinfo=None)],
        )

    def import_log(self) -> pd.DataFrame:
        return self.query(f"SELECT * FROM {IMPORT_LOG} ORDER BY imported_at")

    # ----------------------------------------------------------------- stage mapping
    def refresh_stage_map(self) -> None:
        """Give every stage seen in the data an entry (the default outcome) in the mapping."""
        stages = self.query(
            f"""SELECT DISTINCT stage FROM (SELECT stage FROM opportunities UNION ALL SELECT stage FROM stage_history)
                WHERE stage IS NOT NULL AND stage NOT IN (SELECT stage FROM {STAGE_MAP})"""
        )["stage"]
        rows = [(s, *schema.default_stage_outcome(s)) for s in stages]
        if rows:
            self.con.executemany(f"INSERT INTO {STAGE_MAP} VALUES (?, ?, ?)", rows)

    def stage_map(self) -> pd.DataFrame:
        """Stages with their outcome and how many deals are at each (explicit flags noted)."""
        return self.query(
            f"""SELECT m.stage, m.is_closed, m.is_won,
                       count(o.opportunity_id) AS deals,
                       count(o.is_closed) + count(o.is_won) > 0 AS export_has_flags
                FROM {STAGE_MAP} m LEFT JOIN opportunities o ON o.stage = m.stage
                GROUP BY ALL ORDER BY deals DESC, m.stage"""
        )

    def set_stage_outcomes(self, outcomes: dict[str, tuple[bool, bool]]) -> None:
        """Set (is_closed, is_won) per stage; won implies closed."""
        for stage, (closed, won) in outcomes.items():
            self.con.execute(
                f"INSERT OR REPLACE INTO {STAGE_MAP} VALUES (?, ?, ?)", [stage, bool(closed or won), bool(won)]
            )
        self._changed()

    # ----------------------------------------------------------------- whole workspace
    def save(self) -> bytes:
        """Everything loaded, as one zip: a manifest and one Parquet file per table."""
        buf = io.BytesIO()
        cur = self.con.cursor()  # its own handle: save may run on a download thread
        counts: dict[str, int] = {}
        try:
            with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for name in (*schema.TABLES, STAGE_MAP, IMPORT_LOG):
                    arrow = cur.sql(f"SELECT * FROM {quote_ident(name)}").to_arrow_table()
                    counts[name] = arrow.num_rows
                    out = io.BytesIO()
                    pq.write_table(arrow, out)
                    zf.writestr(f"tables/{name}.parquet", out.getvalue())
                manifest = {
                    "format": WORKSPACE_FORMAT,
                    "version": WORKSPACE_VERSION,
                    "schema_version": schema.SCHEMA_VERSION,
                    "label": self.label,
                    "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "tables": {k: v for k, v in counts.items() if k in schema.TABLES},
                }
                zf.writestr("manifest.json", json.dumps(manifest, indent=2))
        finally:
            cur.close()
        return buf.getvalue()

    @classmethod
    def open(cls, data: bytes, file_name: str = "workspace.zip") -> Workspace:
        """Restore a workspace saved by :meth:`save`; anything else raises WorkspaceFileError.

        Nothing in the file is trusted: sizes, counts and types are checked before anything is
        decoded, and the decoded size against this session's memory limit
        (:mod:`analytics.store.workspace_file`)."""
        try:
            return cls._open(data, file_name)
        except WorkspaceFileError:
            raise
        except duckdb.OutOfMemoryException:
            raise WorkspaceFileError(
                f"{file_name}: the workspace does not fit in this server's memory limit for a session "
                f"({workspace_file.size_text(workspace_file.memory_bytes(MEMORY_LIMIT))}), so it is not opened.") from None
        except Exception:  # damaged zips and Parquet raise many types; the user needs one message
            log.info("workspace file not readable: %s", file_name, exc_info=True)
            raise WorkspaceFileError(
                f"{file_name}: the workspace file is damaged and cannot be opened. Open the last workspace you "
                "saved, or load the exports again.") from None

    @classmethod
    def _open(cls, data: bytes, file_name: str) -> Workspace:
        names = [*schema.TABLES, STAGE_MAP, IMPORT_LOG]
        members = workspace_file.read_members(data, file_name, names)
        manifest = workspace_file.read_manifest(members.pop(workspace_file.MANIFEST), file_name)
        if manifest.get("format") != WORKSPACE_FORMAT:
            raise WorkspaceFileError(f"{file_name}: not a saved Bench Strength workspace.")
        version = manifest.get("schema_version", 0)
        if not isinstance(version, int) or version > schema.SCHEMA_VERSION:
            raise WorkspaceFileError(f"{file_name}: saved by a newer version of Bench Strength; update the app to open it.")
        ws = cls(memory_limit=MEMORY_LIMIT)
        try:
            types = {**{t.name: {c.name: c.sql_type for c in t.columns} for t in schema.TABLES.values()},
                     **INTERNAL_COLUMNS}
            plans = [workspace_file.open_table(name, f"tables/{name}.parquet", members.pop(f"tables/{name}.parquet"),
                                               types[name], file_name)
                     for name in names if f"tables/{name}.parquet" in members]
            rows = sum(p.rows for p in plans)
            if rows > MAX_WORKSPACE_ROWS:
                raise WorkspaceFileError(
                    f"{file_name}: the workspace holds {rows:,} rows; this server opens at most {MAX_WORKSPACE_ROWS:,}.")
            pages_left = workspace_file.MAX_PAGES
            for p in plans:
                pages_left = workspace_file.check_pages(p, file_name, pages_left)
            workspace_file.check_budget(plans, workspace_file.memory_bytes(MEMORY_LIMIT), file_name)
            while plans:
                p = plans.pop(0)  # each table's bytes are let go once it is in
                for arrow in workspace_file.batches(p, file_name, OPEN_BATCH_ROWS):
                    ws.insert_arrow(p.name, arrow)
        except BaseException:
            ws.close()
            raise
        ws.source = "saved"
        ws.label = workspace_file.clean_label(manifest.get("label"), "Saved workspace")
        return ws

    def insert_arrow(self, name: str, arrow: pa.Table) -> None:
        """Append an Arrow table's rows to a table (columns by name)."""
        if arrow.num_rows == 0:
            return
        self.con.register("_restore", arrow)
        try:
            cols = ", ".join(quote_ident(c) for c in arrow.column_names)
            self.con.execute(f"INSERT INTO {quote_ident(name)} ({cols}) SELECT {cols} FROM _restore")
        finally:
            self.con.unregister("_restore")
        self._changed()
