"""The workspace: one sandboxed, in-memory DuckDB per browser session, and the data in it.

A :class:`Workspace` holds the canonical tables of :mod:`analytics.schema`, the editable stage
mapping and a log of imports. Its connection cannot read or write server files, install
extensions or change its own limits, so SQL run on it can only see this session's data; each
thread reads it through a cursor of its own. This module is that engine and what changes or
reads its data: loading (a row whose key is present replaces the old one), queries, and the
version every change of data bumps. Beside it, one job each: its tables' and views' SQL
(:mod:`~analytics.store.schema_sql`), the deal views resolved once per version
(:mod:`~analytics.store.resolved`), the stage mapping (:mod:`~analytics.store.stages`), the
results derived from its data (:mod:`~analytics.store.derived`), query results as DataFrames
(:mod:`~analytics.store.frames`), the saved workspace file (:mod:`~analytics.store.workspace_file`).
A copy of a workspace (the anonymised one) knows what it was made from (:class:`Origin`).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from analytics import schema
from analytics.store import schema_sql, stages, workspace_file
from analytics.store.derived import DerivedResults, forget_public, public_results
from analytics.store.frames import as_if_queried, result_frame
from analytics.store.resolved import ResolvedViews
from analytics.store.schema_sql import IMPORT_LOG, INTERNAL_COLUMNS, REPORTING_CURRENCY, STAGE_MAP, quote_ident
from analytics.store.workspace_file import WorkspaceFileError

#: names other modules import from here (defined beside the workspace, each in its own module)
__all__ = ["IMPORT_LOG", "INTERNAL_COLUMNS", "MEMORY_LIMIT", "STAGE_MAP", "THREADS", "LoadResult", "Origin",
           "Workspace", "WorkspaceFileError", "as_if_queried", "quote_ident", "result_frame"]


def machine_memory() -> int | None:
    """Bytes of memory the server may use: the container's limit where there is one (cgroup v2),
    else the machine's; None where the system does not say (not Linux/macOS). ``tools.serve``
    divides it between the processes of a cluster (docs/DEPLOY.md)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # no sysconf
        return None
    try:  # cgroup v2: the container's own limit ("max" when there is none)
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        total = min(total, int(limit)) if limit.isdigit() else total
    except OSError:
        pass
    return total


def _default_memory_limit() -> str:
    """A quarter of the memory the server may use (the container's limit where there is one,
    else the machine's), at least 1 GB: a large organisation's workspace (two years, 2,000
    reps, 1M deals, 5M activities) takes about that much in the engine (benchmarks/RESULTS.md)
    and its analyses need room beyond it. A ceiling, not a reservation: no one session can take more than a quarter, and a
    query over it fails with a message while the session carries on. In a cluster
    (``tools.serve``) each process is given its own share through ``BENCH_DUCKDB_MEMORY_LIMIT``."""
    total = machine_memory()
    if total is None:  # the floor
        return "1GB"
    return f"{max(1, total // 4 // 1024**3)}GB"


#: Guard rails for a session's engine; the deployment may set them.
MEMORY_LIMIT = os.environ.get("BENCH_DUCKDB_MEMORY_LIMIT") or _default_memory_limit()
THREADS = int(os.environ.get("BENCH_DUCKDB_THREADS", "2"))


#: Rows of each batch :func:`whole_batches` hands the engine (DuckDB's row group).
LOAD_BATCH_ROWS = 122_880


def whole_batches(table: pa.Table, rows: int | None = None) -> pa.RecordBatchReader:
    """``table``'s rows as a stream of batches whose columns are each one array of their own, made
    one batch at a time as the engine reads them (a batch's copy, never the table's).

    A frame's columns reach Arrow in different pieces (the reader's blocks for the text it kept,
    one array for a parsed column), and DuckDB scans a table of such columns in slices: loading
    5,000,000 activities took 1.8-2.1 CPU-s that way, against 1.1-1.6 s from whole batches, and a
    1,000,000-deal export 1.0 s against 0.6 s (benchmarks/RESULTS.md)."""
    rows = rows or LOAD_BATCH_ROWS

    def batches():
        for start in range(0, table.num_rows, rows):
            yield from table.slice(start, rows).combine_chunks().to_batches()

    return pa.RecordBatchReader.from_batches(table.schema, batches())


@dataclass
class LoadResult:
    inserted: int
    replaced: int


@dataclass(frozen=True)
class Origin:
    """What a copy of a workspace was made from, and how.

    A copy made the same way (``how``) from the same workspace (``id``) is the same workspace to
    the pages: its id is the origin's with ``how`` appended, so widgets keyed on it keep their
    state when it is made again, and its version is the origin's ``version``, the version of the
    data it was made from, so results memoised for an older copy are not read for a newer one.
    """

    id: str
    version: int
    how: str


class Workspace:
    """A session's data.

    Parameters
    ----------
    memory_limit, threads : the engine's limits (locked once set).
    origin : what this workspace is a copy of (None: it is no copy).

    Examples
    --------
    >>> ws = Workspace()
    >>> ws.counts()["opportunities"]
    0
    """

    def __init__(self, memory_limit: str = MEMORY_LIMIT, threads: int = THREADS, origin: Origin | None = None) -> None:
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
        #: what this workspace is a copy of, if it is one
        self.origin = origin
        #: distinguishes workspaces in widget keys (a new workspace must not inherit edits)
        self.id = uuid.uuid4().hex[:12] if origin is None else f"{origin.id}-{origin.how}"
        #: bumped on every change of data or stage mapping: results computed for an older
        #: version are stale (a copy starts at its origin's)
        self.version = 0 if origin is None else origin.version
        #: results that depend on the data alone (not on the filters), for the current version
        self._results = DerivedResults()
        #: the version ``v_opportunities`` was resolved for
        self._resolved = ResolvedViews()
        #: whether owners that are not people count in the views (:meth:`include_non_person_owners`)
        self._include_non_person = False
        #: the version ``_not_a_person`` was filled for (-1: not yet)
        self._not_a_person_version = -1
        #: set only on a session's untouched copy of public data (the built-in demo, by its content
        #: digest): results computed on it may be shared between sessions, since every such copy holds
        #: the same data. Any change of data or stage mapping clears it (:meth:`_changed`); an
        #: anonymised or other copy never has it.
        self.shared_as: str | None = None
        schema_sql.create(self.con)

    @classmethod
    def copy_of(cls, origin: Origin, tables: dict[str, pa.Table]) -> Workspace:
        """A new workspace holding ``tables`` (by name, columns by name) as the data of ``origin``
        at its version: the anonymised copy of a workspace."""
        ws = cls(origin=origin)
        try:
            for name, arrow in tables.items():
                ws._append(name, arrow)
        except BaseException:
            ws.close()
            raise
        return ws

    def made_from(self, other: Workspace) -> bool:
        """Whether this is a copy of ``other`` as its data is now (same workspace, same version)."""
        return self.origin is not None and (self.origin.id, self.origin.version) == (other.id, other.version)

    # ----------------------------------------------------------------- the engine
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
        self._results.clear()
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
        self._before(sql)
        return result_frame(self.con, sql, params)

    def _before(self, sql: str) -> None:
        """Before ``sql`` runs: the owners who are not people listed for this version of the data
        (the views leave them out), then the deal views resolved (:mod:`analytics.store.resolved`)."""
        if (self._not_a_person_version != self.version and not self.closed
                and any(view in sql for view in schema_sql.FILTERED_VIEWS)):
            with self._resolved.lock:
                version = self.version
                if self._not_a_person_version != version:
                    schema_sql.refresh_not_a_person(self.con)
                    self._not_a_person_version = version
        self._resolved.before(self, sql)

    def row(self, sql: str, params: list | dict | None = None) -> tuple | None:
        """The first row of a query (None when there is none), its result read to the end: a
        result left unfinished (``fetchone()``) keeps its cursor's snapshot open, and with it
        the memory of every table dropped or replaced since."""
        self._before(sql)
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
        """Non-missing values per column of a table (the coverage panel and what the data supports
        read this on every Overview: counted once per version, as :meth:`counts`; a scan of every
        column of every table, 0.09 s at a million deals)."""
        def count(t: schema.Table) -> dict[str, int]:
            exprs = ", ".join(f"count({quote_ident(c.name)})" for c in t.columns)
            row = self.con.execute(f"SELECT {exprs} FROM {quote_ident(t.name)}").fetchall()[0]
            return {c.name: int(v) for c, v in zip(t.columns, row, strict=True)}

        # every table in one held result: the pool holds a bounded number of results
        held = self.derived(("column_filled",), lambda: {t.name: count(t) for t in schema.TABLES.values()})
        return dict(held[schema.table(table_name).name])

    @property
    def is_empty(self) -> bool:
        return not any(self.counts().values())

    @property
    def includes_non_person_owners(self) -> bool:
        """Whether owners that are not people (``schema.looks_automated``) count in the views."""
        return self._include_non_person

    def include_non_person_owners(self, include: bool) -> None:
        """Count owners that are not people in the views, or keep them out (the session's setting
        ``include_non_person_owners``): the views are made again, and it is a change of the data's version."""
        include = bool(include)
        if self.closed or self._include_non_person == include:
            return
        with self._resolved.lock:
            schema_sql.create_views(self.con, include)
            self._include_non_person = include
            shared_as = self.shared_as  # the same data seen another way: the flag keys what is shared
            self._changed()
            self.shared_as = shared_as

    def known_people(self) -> set[str]:
        """Every person ID and name in the roster."""
        return set(self.query("SELECT ref FROM v_person_ref")["ref"].dropna())

    # ----------------------------------------------------------------- versions and derived results
    @contextmanager
    def transaction(self):
        """Statements that land together or not at all: committed when the block ends, rolled
        back (and the error raised again) when it raises."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _changed(self) -> None:
        """The data or stage mapping changed: a new version, and nothing resolved is kept (the
        deal views read their live views again: :mod:`analytics.store.resolved`)."""
        with self._resolved.lock:
            self.version += 1
            self.shared_as = None
            self._resolved.forget(self)

    def derived(self, key: tuple, build: Callable[[], object], pool: str = "data"):
        """``build()``, computed once per version of this workspace's data and held with it, in
        ``pool`` (:class:`analytics.store.derived.DerivedResults`: pools bounded in results and
        bytes; a result being built on another thread is waited for, not built twice).

        For building blocks that depend on the data alone (all closed deals with their evidence,
        all review scores): the filters are applied to the held result afterwards, so a filter
        change does not recompute them. Any change of data or stage mapping drops everything held.
        """
        tag = self._public_tag(key)
        if tag is None:
            return self._results.get(key, build, pool, version=lambda: self.version)
        # public data (the untouched demo): held once for every session on it; kept only if this
        # workspace is still that data when the build ends (a change meanwhile: version -1, not kept)
        return public_results(tag).get(
            key, build, pool, version=lambda: 0 if (self.shared_as, self._include_non_person) == tag else -1)

    def _public_tag(self, key: tuple) -> tuple | None:
        """What names this workspace's public data (:attr:`shared_as` and the owners-not-people
        flag), or None: a session's own data, or a key with an argument known only by address
        (an object of one session's must never be held for all)."""
        shared_as = self.shared_as
        if shared_as is None or " at 0x" in repr(key):
            return None
        return (shared_as, self._include_non_person)

    @property
    def _derived(self):
        """What is held derived from the data, key -> ``(value,)`` (benchmarks and tests read it)."""
        tag = self._public_tag(())
        return (self._results if tag is None else public_results(tag)).held

    def compact(self) -> None:
        """Compress the session's tables in memory.

        DuckDB compresses a table (dictionaries, FSST for text, bit-packing for numbers) when
        it checkpoints it; an in-memory database otherwise keeps every value as loaded. The
        large organisation's tables take about a tenth of their loaded size once checkpointed
        (benchmarks/RESULTS.md), and the analyses read them as fast or faster. A checkpoint rewrites only tables changed
        since the last one and runs beside readers; the data and its version do not change, so
        nothing held is dropped.
        """
        self.con.execute("CHECKPOINT")

    def forget_derived(self) -> None:
        """Drop every held derived result and the resolved copies of the deal views (benchmarks
        time the first visit after an import with this); on public data, the results every
        session on it reads."""
        self._results.clear()
        tag = self._public_tag(())
        if tag is not None:
            forget_public(tag)
        self._resolved.forget(self)

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
        staged = pa.Table.from_pandas(frame[t.column_names], preserve_index=False)
        try:
            with self.transaction():
                # rows with a key already present are replaced: delete them, then insert every row
                # straight from the staged frame (one copy; a first load has nothing to delete)
                replaced = 0
                if self.con.execute(f"SELECT EXISTS (FROM {tq})").fetchall()[0][0]:
                    self.con.register("_staging", staged)
                    replaced = int(self.con.execute(
                        f"DELETE FROM {tq} USING (SELECT {incoming_keys} FROM _staging s) i WHERE {same_key}"
                    ).fetchall()[0][0])
                    self.con.unregister("_staging")
                self.con.register("_staging", whole_batches(staged))
                self.con.execute(f"INSERT INTO {tq} SELECT {typed} FROM _staging s")
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
        stages.refresh(self)

    def stage_map(self) -> pd.DataFrame:
        """Stages with their outcome and how many deals are at each (explicit flags noted)."""
        return stages.table(self)

    def set_stage_outcomes(self, outcomes: dict[str, tuple[bool, bool]]) -> None:
        """Set (is_closed, is_won) per stage; won implies closed (:mod:`analytics.store.stages`)."""
        stages.set_outcomes(self, outcomes)
        self._changed()

    # ----------------------------------------------------------------- currencies
    def currencies(self) -> pd.DataFrame:
        """Per currency of the deals and quotas (None: none named): won amount, deals and quotas,
        most won first; with ``reporting`` True on the currency money is reported in when there
        are several (:data:`analytics.store.schema_sql` ``v_currency``). Held per version."""
        return self.derived(("currencies",), lambda: self.query(
            """WITH q AS (SELECT currency, count(*) AS quotas FROM quotas GROUP BY ALL)
               SELECT coalesce(a.currency, q.currency) AS currency, coalesce(a.won, 0) AS won,
                      coalesce(a.deals, 0) AS deals, coalesce(q.quotas, 0) AS quotas,
                      (SELECT mixed FROM v_currency) AND coalesce(a.currency, q.currency)
                          IS NOT DISTINCT FROM (SELECT reporting FROM v_currency) AS reporting
               FROM v_currency_amounts a FULL JOIN q ON a.currency IS NOT DISTINCT FROM q.currency
               ORDER BY won DESC, deals DESC, currency NULLS LAST"""))

    def set_reporting_currency(self, currency: str | None) -> None:
        """Report money in ``currency`` (None: the one with the most won amount). A new version:
        every sum is recomputed in it."""
        self.con.execute(f"DELETE FROM {REPORTING_CURRENCY}")
        if currency is not None:
            self.con.execute(f"INSERT INTO {REPORTING_CURRENCY} VALUES (?)", [currency])
        self._changed()

    # ----------------------------------------------------------------- whole workspace
    def save(self) -> bytes:
        """Everything loaded, as one zip: a manifest and one Parquet file per table
        (:func:`analytics.store.workspace_file.write`)."""
        cur = self.con.cursor()  # its own handle: save may run on a download thread
        try:
            return workspace_file.write(self.label, lambda name: cur.sql(f"SELECT * FROM {quote_ident(name)}")
                                        .to_arrow_table())
        finally:
            cur.close()

    @classmethod
    def open(cls, data: bytes, file_name: str = "workspace.zip") -> Workspace:
        """Restore a workspace saved by :meth:`save`; anything else raises WorkspaceFileError.

        Nothing in the file is trusted: sizes, counts and types are checked before anything is
        decoded, and the decoded size against this session's memory limit
        (:func:`analytics.store.workspace_file.read`)."""
        ws, label = workspace_file.read(data, file_name, lambda: cls(memory_limit=MEMORY_LIMIT), MEMORY_LIMIT)
        ws.source = "saved"
        ws.label = label
        return ws

    def insert_arrow(self, name: str, arrow: pa.Table) -> None:
        """Append an Arrow table's rows to a table (columns by name)."""
        if arrow.num_rows:
            self._append(name, arrow)
            self._changed()

    def _append(self, name: str, arrow: pa.Table) -> None:
        """Rows into a table, the version unchanged (the caller says whether the data changed)."""
        if arrow.num_rows == 0:
            return
        self.con.register("_restore", arrow)
        try:
            cols = ", ".join(quote_ident(c) for c in arrow.column_names)
            self.con.execute(f"INSERT INTO {quote_ident(name)} ({cols}) SELECT {cols} FROM _restore")
        finally:
            self.con.unregister("_restore")
