"""Validation: a mapped raw table -> typed canonical rows, rejects and warnings.

Rules, the same for every table:
- a cell with text that is not a valid value of its column's type rejects the row (the
  value is wrong, and the app does not guess what was meant);
- a blank required cell rejects the row;
- a blank optional cell loads as missing ("not measured" downstream, never zero);
- a repeated key rejects the later row (the first is loaded);
- warnings (close date before created date, negative amount, unknown owner) load the row
  and are listed beside it.
Every row read is either loaded or rejected: ``rows_read == loaded + rejected``.

Rejects and warnings are found a column at a time, as masks; only the first
:data:`~analytics.ingest.readers.REJECTS_KEPT` of each by row are written out as rows (all,
with ``keep=None``: the full list a download derives again from the file), the rest counted.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics import schema
from analytics.ingest.readers import REJECTS_KEPT, RawTable, Reject
from analytics.ingest.values import (
    DISTINCT_FROM,
    MAX_NAME_CHARS,
    TYPE_WORDS,
    Parsed,
    blank_mask,
    currency_in_amounts,
    fold_emails,
    has_marks,
    parse,
)
from analytics.schema import Column, normalise_header
from analytics.store.caching import in_parallel
from analytics.store.memory import return_memory
from analytics.store.workspace import MEMORY_LIMIT, THREADS

Progress = Callable[[float, str], None]
#: Rows from which a file's steps hand freed memory back as they go (see analytics.store.memory).
LARGE = 1_000_000


#: Rows from which a file's columns are parsed side by side (below, threads cost more than they save).
PARALLEL_ROWS = 20_000
#: What parsing a column costs, relative, by kind (the costliest start first, so the threads end
#: together): IDs and free text are cleaned cell by cell, the rest once per distinct text.
_PARSE_COST = {"id": 3, "prose": 3, "text": 2}


#: The columns of a list of rejects or warnings, as shown and downloaded.
REPORT_COLUMNS = ["file", "row", "column", "value", "reason"]
#: What a group of problems says about the ones asked for (positions in the group): a value
#: per column of REPORT_COLUMNS after "row", one for all or one per problem.
Describe = Callable[[np.ndarray], dict[str, Any]]


class Problems:
    """The rejects or the warnings of one file, added a group at a time (one column's bad
    cells, say) as the rows they are on and a function that words them. Only the first
    ``keep`` by row are ever worded, one by one, in :meth:`first`; the rest are counted
    (``total``). With ``keep=None``, :meth:`frame` words every one, a column at a time."""

    def __init__(self, file_name: str, keep: int | None = REJECTS_KEPT) -> None:
        self.file_name, self.keep = file_name, keep
        self.total = 0
        self._groups: list[tuple[np.ndarray, Describe]] = []

    def add(self, rows: np.ndarray, describe: Describe, count: int | None = None) -> None:
        """``count`` problems (default: ``len(rows)``), on ``rows`` (ascending; only the first
        ``keep`` are needed)."""
        count = len(rows) if count is None else count
        if count:
            self.total += count
            self._groups.append((np.asarray(rows[: self.keep] if self.keep is not None else rows, dtype=np.int64),
                                 describe))

    def add_written(self, items: list[Reject], more: int = 0) -> None:
        """Problems already written out (a reader's), and ``more`` of them that were not."""
        self.add(*_written(sorted(items, key=lambda r: r.row)), len(items) + more)

    def first(self) -> list[Reject]:
        """The first ``keep`` problems by row (a row's in the order they were added)."""
        if not self._groups:
            return []
        rows = np.concatenate([g[0] for g in self._groups])
        group = np.concatenate([np.full(len(g[0]), i) for i, g in enumerate(self._groups)])
        at = np.concatenate([np.arange(len(g[0])) for g in self._groups])
        order = np.argsort(rows, kind="stable")[: self.keep]
        out: list[Reject | None] = [None] * len(order)
        for i, (_, describe) in enumerate(self._groups):
            slots = np.flatnonzero(group[order] == i)
            if not len(slots):
                continue
            sel = at[order][slots]
            said = {k: list(_each(v, len(sel))) for k, v in describe(sel).items()}
            for n, slot in enumerate(slots):
                out[slot] = Reject(self.file_name, int(rows[order[slot]]), str(said["column"][n]),
                                   str(said["value"][n]), str(said["reason"][n]))
        written = [r for r in out if r is not None]
        # what was written stands in for the groups: their text and masks can go
        self._groups = [_written(written)] if written else []
        return written

    def frame(self) -> pd.DataFrame:
        """Every problem as a table sorted by row, worded a group (a column) at a time."""
        parts = []
        for rows, describe in self._groups:
            said = describe(np.arange(len(rows)))
            parts.append(pd.DataFrame({
                "file": pd.Series(self.file_name, index=range(len(rows)), dtype="str"), "row": rows,
                **{k: _text(said[k], len(rows)) for k in REPORT_COLUMNS[2:]}}))
        if not parts:
            return pd.DataFrame({c: pd.Series([], dtype="str" if c != "row" else "int64") for c in REPORT_COLUMNS})
        out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        return out.sort_values("row", kind="stable").reset_index(drop=True)


def _written(items: list[Reject]) -> tuple[np.ndarray, Describe]:
    """A group of problems already written out (in row order)."""
    return np.array([r.row for r in items], dtype=np.int64), lambda sel: {
        "column": [items[i].column for i in sel], "value": [items[i].value for i in sel],
        "reason": [items[i].reason for i in sel]}


def _each(value: Any, n: int) -> Any:
    """One value per problem: a scalar repeated, a sequence as it is (by position)."""
    if isinstance(value, str):
        return [value] * n
    if isinstance(value, pd.Series):
        return value.reset_index(drop=True)
    return value


def _text(value: Any, n: int) -> pd.Series:
    """A column of text for a table of problems, by position (a text column is not copied)."""
    if isinstance(value, str):
        return pd.Series(value, index=range(n), dtype="str")
    if isinstance(value, pd.Series):
        return value.reset_index(drop=True).astype("str")
    return pd.Series(value, dtype="str")


@dataclass
class Prepared:
    """Rows ready to load, with what was kept out and why."""

    table: str
    frame: pd.DataFrame
    rows: np.ndarray
    rejects: Problems
    warnings: Problems
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_rejected: int = 0

    @property
    def rows_loaded(self) -> int:
        return len(self.frame)


def _shorts(cells: pd.Series) -> pd.Series:
    """Each cell of a text column as shown in a list of problems, at most 80 characters (by
    position)."""
    cells = cells.astype("str").fillna("").reset_index(drop=True)
    long = (cells.str.len() > 80).to_numpy(dtype=bool)
    if long.any():
        cells = cells.where(~long, cells.str.slice(0, 77) + "...")
    return cells


#: Rows from which a file's keys are checked and derived in DuckDB (below, a connection costs
#: more than it saves).
ENGINE_ROWS = 100_000


@contextmanager
def _engine() -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB of its own for a step of the checks, with the session engine's guard rails
    (never spill to disk, no file access); closed after the step."""
    con = duckdb.connect(config={"enable_external_access": False, "threads": THREADS, "memory_limit": MEMORY_LIMIT,
                                 "temp_directory": ""})  # in this order: DuckDB applies them in turn
    try:
        yield con
    finally:
        con.close()


def _arrow_text(s: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A text column as Arrow, without a copy where pandas holds it in Arrow already."""
    if isinstance(s.array, pd.arrays.ArrowStringArray):
        return s.array.__arrow_array__()
    return pa.array(s.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)


def _derive_key(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    """A stable key from several columns: a hash of their text plus the occurrence number, so
    that identical rows stay distinct and the same row gets the same key next cycle."""
    if frame.empty:  # no rows (a header-only file): no keys, and agg would return a frame
        return pd.Series([], index=frame.index, dtype="object")
    joined = _joined(frame[cols])
    occurrence = joined.groupby(joined).cumcount()
    text = joined + "\x1e" + occurrence.astype("str")
    if len(text) < ENGINE_ROWS:
        return pd.Series(["~" + hashlib.sha1(t.encode("utf-8")).hexdigest()[:16] for t in text.tolist()],
                         index=frame.index, dtype="str")
    # the same SHA-1 of the same UTF-8 text, in the engine: vectorised, on both cores
    with _engine() as con:
        con.register("t", pa.table({"t": _arrow_text(text)}))
        keys = con.sql("SELECT '~' || left(sha1(t), 16) AS k FROM t").to_arrow_table().column("k")
    return pd.Series(pd.array(keys, dtype="str"), index=frame.index)


def _surely_distinct(values: pd.Series) -> bool:
    """True when no value repeats, proven cheaply: distinct 64-bit hashes (DuckDB's, on the
    Arrow text without a copy) mean distinct values. False means "check exactly": a repeat,
    or, rarely, two values with one hash. At millions of IDs it is several times faster and
    smaller than a hash table of the texts (pandas' or Arrow's): benchmarks/RESULTS.md."""
    if len(values) < ENGINE_ROWS or not isinstance(values.array, pd.arrays.ArrowStringArray):
        return not values.duplicated().any()
    with _engine() as con:
        con.register("k", pa.table({"k": values.array.__arrow_array__()}))
        hashes = con.execute("SELECT hash(k) AS h FROM k").fetchnumpy()["h"]
    hashes.sort()
    return not bool((hashes[1:] == hashes[:-1]).any())


def _joined(frame: pd.DataFrame) -> pd.Series:
    """Each row's cells as text joined by the unit separator, column-wise (vectorised: a
    row-wise join was far slower: benchmarks/RESULTS.md)."""
    if len(frame.columns) == 1 and isinstance(frame.iloc[:, 0].dtype, pd.StringDtype):
        return frame.iloc[:, 0].fillna("")  # one text key (an ID): as it is
    if len(frame.columns) == 1:
        return frame.astype("str").fillna("").iloc[:, 0]
    # in Arrow: several times faster than pandas' ``first.str.cat(others, sep="\x1f")`` (benchmarks/RESULTS.md)
    cells = [_text_cells(frame.iloc[:, i]) for i in range(len(frame.columns))]
    joined = pc.binary_join_element_wise(*cells, pa.scalar("\x1f", pa.large_string()))
    return pd.Series(pd.array(joined, dtype="str"), index=frame.index, name=frame.columns[0])


def _text_cells(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    """``column.astype("str").fillna("")`` as Arrow text. A categorical of text (a parsed name,
    capability or cycle) becomes its categories' text by its codes, in Arrow: pandas' ``astype``
    made a Python string per row first (three key columns of 400,000 reviews: 0.175 CPU-s,
    benchmarks/RESULTS.md)."""
    if isinstance(column.dtype, pd.CategoricalDtype) and isinstance(column.cat.categories.dtype, pd.StringDtype):
        codes = column.cat.codes.to_numpy()
        categories = pa.array(column.cat.categories.to_numpy(dtype=object), type=pa.large_string())
        text = pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), categories).cast(pa.large_string())
        return pc.fill_null(text, pa.scalar("", pa.large_string()))
    return pc.cast(_arrow_text(column.astype("str").fillna("")), pa.large_string())


def _mask(part: pd.Series | None, n: int) -> np.ndarray:
    return np.zeros(n, dtype=bool) if part is None else part.to_numpy(dtype=bool)


def _codepoints(cells: pd.Series) -> pd.Series:
    """Invisible characters as a reader can see them: ``"\u200b"`` -> ``"U+200B"`` (by position)."""
    return _shorts(pd.Series([" ".join(f"U+{ord(c):04X}" for c in str(v)[:30]) if isinstance(v, str) else ""
                              for v in cells], dtype="str"))


def _altered_cells(warnings: Problems, altered: list[tuple[Column, pd.Series, Parsed]], mapping: dict[str, str],
                   loads: np.ndarray, rows: np.ndarray, notes: list[str]) -> None:
    """Warnings for the loaded rows whose text was read as blank (it held only invisible
    characters) or cut to the longest a name may be, and a note per column."""
    keep = warnings.keep
    for col, text, parsed in altered:
        src, label = mapping[col.name], col.name.replace("_", " ")
        emptied = np.flatnonzero(_mask(parsed.emptied, len(loads)) & loads)
        written = emptied[:keep] if keep is not None else emptied
        warnings.add(rows[written], lambda sel, text=text, written=written, src=src, label=label: {
            "column": src, "value": _codepoints(text.iloc[written[sel]]),
            "reason": f"{label} holds only invisible characters (such as zero-width spaces); loaded as blank"},
            len(emptied))
        cut = np.flatnonzero(_mask(parsed.cut, len(loads)) & loads)
        written_cut = cut[:keep] if keep is not None else cut

        def long_cells(sel: np.ndarray, text=text, written=written_cut, src=src, label=label) -> dict[str, Any]:
            cells = text.iloc[written[sel]].astype("str").reset_index(drop=True)
            return {"column": src, "value": _shorts(cells),
                    "reason": f"{label} is longer than {MAX_NAME_CHARS} characters ("
                              + cells.str.len().map("{:,}".format) + f"); its first {MAX_NAME_CHARS} were kept"}

        warnings.add(rows[written_cut], long_cells, len(cut))
        if len(emptied):
            k = len(emptied)
            notes.append(f"{src}: {k:,} value{'s' if k > 1 else ''} held only invisible characters (such as "
                         "zero-width spaces) and loaded as blank; the rows are listed under warnings.")
        if len(cut):
            k = len(cut)
            notes.append(f"{src}: {k:,} value{'s' if k > 1 else ''} longer than {MAX_NAME_CHARS} characters "
                         f"{'were' if k > 1 else 'was'} cut to {MAX_NAME_CHARS}; the rows are listed under "
                         "warnings.")


def _bad_cells(text: pd.Series, at: np.ndarray, src: str, word: str, reasons: pd.Series | None) -> Describe:
    """Words the bad cells at positions ``at`` of ``text``: the parser's reason, or 'is not'."""
    def describe(sel: np.ndarray) -> dict[str, Any]:
        shown = _shorts(text.iloc[at[sel]])
        reason = "'" + shown + "' is not " + word
        if reasons is not None:  # a parser's own reason, where it gave one
            given = reasons.iloc[at[sel]].reset_index(drop=True)
            has = given.map(lambda g: isinstance(g, str)).to_numpy(dtype=bool)
            if has.any():
                reason = reason.astype(object).where(~has, given)
        return {"column": src, "value": shown, "reason": reason}
    return describe


def _counted(values: pd.Series, most: int = 5) -> str:
    """``"EUR 120, USD 30"``: the values of a column with how many rows hold each, most first."""
    counts = values.dropna().value_counts()
    shown = ", ".join(f"{k} {v:,}" for k, v in counts.head(most).items())
    return shown + (f" and {len(counts) - most:,} more" if len(counts) > most else "")


def _distinct_texts(cells: pd.Series) -> tuple[pd.Series, np.ndarray | None]:
    """(the distinct texts of a column, each row's position among them), as :func:`parse` finds
    them; (the column itself, None) for a column too short to gain from it."""
    if len(cells) < DISTINCT_FROM:
        return cells, None
    codes, uniques = pd.factorize(cells.array, use_na_sentinel=False)
    return pd.Series(uniques), codes


def _currency_notes(raw: RawTable, t: schema.Table, mapping: dict[str, str], typed: dict[str, pd.Series],
                    notes: list[str]) -> None:
    """A table with a ``currency`` column: when the file maps none, the currency each amount cell
    carries (``"€1.200,00"``, ``"1,200 EUR"``) is read into it; when the amount is one the CRM
    converted to the company's currency, the deals' own currencies are named, not used."""
    if "currency" not in t.column_names or "amount" not in mapping:
        return
    src = mapping["amount"]
    if "currency" not in mapping:
        # each check is per cell and the note asks only which texts occur (and how many rows
        # are unmarked), so they run once per distinct amount text, as the parsers do
        # (1,000,000 deals hold 43,701: 0.4-0.5 CPU-s on one core before, benchmarks/RESULTS.md)
        cells, codes = _distinct_texts(raw.frame[src])
        if has_marks(cells):
            found = currency_in_amounts(cells)
            unmarked_cells = (found.isna() & ~blank_mask(cells)).to_numpy(dtype=bool)
            if codes is not None:  # every row's currency, from its text's
                found = pd.Series(found.array.take(codes), index=raw.frame.index)
                unmarked = int(np.bincount(codes, minlength=len(cells))[unmarked_cells].sum())
            else:
                unmarked = int(unmarked_cells.sum())
            if found.notna().any():
                typed["currency"] = found
                notes.append(f"{src}: the currency was read from the amount cells ({_counted(found)})"
                             + (f"; {unmarked:,} amount{'s carry' if unmarked != 1 else ' carries'} no currency mark "
                                "(currency not known)" if unmarked else "")
                             + ("; '$' is read as US dollars" if cells.str.contains("$", regex=False).any()
                                and not cells.str.contains(r"(?i)[a-z]{1,3}\$", regex=True).any() else "")
                             + ".")
    if normalise_header(src) in {normalise_header(h) for h in schema.CONVERTED_AMOUNT_HEADERS}:
        own = t.column("currency")
        theirs = [h for h in raw.headers if own.matches(h) and h != mapping.get("currency")]
        in_what = f" ({mapping['currency']})" if "currency" in mapping else ""
        note = (f"{src}: amounts are the CRM's conversion to the company's currency{in_what}, so totals are in one "
                "currency")
        if theirs:
            own_values = parse("currency", raw.frame[theirs[0]]).values
            note += f"; the deals' own currencies ({theirs[0]}: {_counted(own_values)}) are not used for totals"
        notes.append(note + ".")


def prepare(raw: RawTable, table_name: str, mapping: dict[str, str],
            progress: Progress | None = None, keep: int | None = REJECTS_KEPT) -> Prepared:
    """Parse, check and key the rows of ``raw`` for ``table_name`` under ``mapping``. ``keep``:
    how many rejects and warnings to write out (None: all, for :meth:`Problems.frame`)."""
    t = schema.table(table_name)
    n = len(raw.frame)
    rows = raw.rows
    rejects = Problems(raw.file_name, keep)
    whole = raw.whole_rows
    rejects.add_written(raw.rejects, raw.more_rejects - (len(whole) if whole is not None else 0))
    if whole is not None and len(whole):
        order = np.argsort(whole["row"].to_numpy(), kind="stable")
        rejects.add(whole["row"].to_numpy()[order], lambda sel: {
            "column": "(whole row)", "value": whole["value"].iloc[order[sel]],
            "reason": whole["reason"].iloc[order[sel]]})
    warnings = Problems(raw.file_name, keep)
    notes: list[str] = list(raw.notes)
    rejected = np.zeros(n, dtype=bool)
    typed: dict[str, pd.Series] = {}
    mapped = [c for c in t.columns if c.name in mapping]
    naming = schema.NAMING_COLUMNS.get(table_name, ())
    emails = schema.PERSON_EMAIL_COLUMNS.get(table_name, ())
    altered: list[tuple[Column, pd.Series, Parsed]] = []  # cells read as blank or cut: listed once rows are kept
    kinds = ["prose" if c.name in schema.MULTILINE_COLUMNS.get(table_name, ()) else c.type for c in mapped]
    if progress:
        progress(0.1, f"Reading {len(mapped)} column{'s' if len(mapped) != 1 else ''}")

    def read(col: Column, kind: str) -> Parsed:
        parsed = parse(kind, raw.frame[mapping[col.name]], MAX_NAME_CHARS if col.name in naming else None)
        if col.name in emails:
            parsed.values = fold_emails(parsed.values)
        if n >= LARGE:
            return_memory(collect=False)  # the column's intermediate text is freed: do not carry it on
        return parsed

    # the columns are parsed side by side (Arrow and the parsers' NumPy work run without the GIL;
    # a large file's columns are most of its import: benchmarks/RESULTS.md); their rejects are
    # then added in the columns' order, as one by one
    parsed_columns = (in_parallel([functools.partial(read, c, k) for c, k in zip(mapped, kinds, strict=True)],
                                  costs=[_PARSE_COST.get(k, 1) for k in kinds]) if n >= PARALLEL_ROWS
                      else [read(c, k) for c, k in zip(mapped, kinds, strict=True)])
    for i, (col, parsed) in enumerate(zip(mapped, parsed_columns, strict=True)):
        src = mapping[col.name]
        if progress:
            progress(0.1 + 0.6 * i / max(1, len(mapped)), f"Checking {src}")
        text = raw.frame[src]
        typed[col.name] = parsed.values
        if parsed.emptied is not None or parsed.cut is not None:
            altered.append((col, text, parsed))
        if parsed.note:
            notes.append(f"{src}: {parsed.note}.")
        bad = parsed.bad.to_numpy(dtype=bool)
        at = np.flatnonzero(bad)
        if len(at):
            written = at[:keep] if keep is not None else at
            rejects.add(rows[written], _bad_cells(text, written, src, TYPE_WORDS.get(col.type, "valid"),
                                                   parsed.reasons), len(at))
        rejected |= bad
        if col.required:
            missing = (parsed.values.isna().to_numpy(dtype=bool)) & ~bad
            at = np.flatnonzero(missing)
            written = at[:keep] if keep is not None else at
            invisible = _mask(parsed.emptied, n)[written]

            def blank(sel: np.ndarray, src=src, col=col, text=text, written=written, invisible=invisible):
                shown = _codepoints(text.iloc[written[sel]]).where(invisible[sel], "")
                reason = pd.Series(f"{col.name.replace('_', ' ')} is required but blank", index=shown.index,
                                   dtype="str").where(~invisible[sel], f"{col.name.replace('_', ' ')} is required "
                                                      "but blank (the cell holds only invisible characters)")
                return {"column": src, "value": shown, "reason": reason}

            rejects.add(rows[written], blank, len(at))
            rejected |= missing

    _currency_notes(raw, t, mapping, typed, notes)

    # Key: from the export, or derived when the export has no ID column.
    key_cols = list(t.key)
    if not all(k in typed for k in key_cols):
        basis = [c for c in t.derived_key_from if c in mapping]
        if t.derived_key_from == ("name",) and basis:  # people and accounts: the name is the ID
            typed[t.key[0]] = typed[basis[0]].astype("str").where(typed[basis[0]].notna(), None)
            notes.append(f"No ID column: rows are identified by {mapping[basis[0]]}.")
        elif basis:
            typed[t.key[0]] = _derive_key(raw.frame[[mapping[c] for c in basis]], [mapping[c] for c in basis])
            notes.append(
                "No ID column: rows are identified by "
                + ", ".join(mapping[c] for c in basis)
                + " (a later upload replaces rows that match on all of them)."
            )
    key_frame = pd.DataFrame({k: typed[k] for k in key_cols if k in typed})
    if len(key_frame.columns) == len(key_cols) and n:
        key_missing = key_frame.isna().any(axis=1).to_numpy() & ~rejected
        rejects.add(rows[key_missing], lambda sel: {"column": mapping.get(key_cols[0], key_cols[0]), "value": "",
                                                    "reason": "the row has no ID"})
        rejected |= key_missing
        live = ~rejected
        # a history (several rows per key, one per change) is told apart by its date: rows repeat
        # only when key and date both do (an undated row of a history is its first)
        dated = [c for c in t.history if c in typed]
        if dated:
            key_cols = key_cols + dated
            key_frame = key_frame.assign(**{c: typed[c].astype("str").where(typed[c].notna(), "")
                                            for c in dated})
        # a rejected row's key may be missing: as text it is empty (it competes for nothing)
        keys = _joined(key_frame)
        # only rows still loading compete for a key: a rejected row does not claim its ID
        live_keys = keys if live.all() else keys[live]  # (all of them, usually: no copy of the IDs)
        dup = np.zeros(n, dtype=bool)
        if not _surely_distinct(live_keys):  # proving none repeats is cheaper than marking repeats
            dup[np.flatnonzero(live)[live_keys.duplicated(keep="first").to_numpy()]] = True
        if dup.any():
            first_row = pd.Series(rows[live], index=live_keys.values)
            first_row = first_row[~first_row.index.duplicated(keep="first")]
            label = ", ".join(mapping.get(k, k) for k in key_cols)
            at = np.flatnonzero(dup)
            written = at[:keep] if keep is not None else at

            def duplicates(sel: np.ndarray, written=written, keys=keys, first_row=first_row) -> dict[str, Any]:
                ks = keys.iloc[written[sel]]
                firsts = ks.map(first_row).astype("int64").astype("str").reset_index(drop=True)
                return {"column": label, "value": _shorts(ks.str.replace("\x1f", " / ", regex=False)),
                        "reason": f"duplicate ID: the same {label} is already on row " + firsts}

            rejects.add(rows[written], duplicates, len(at))
            rejected |= dup

    loads = ~rejected
    everything = bool(loads.all())  # usual: no row rejected, so no copy of the columns
    out = pd.DataFrame(index=range(int(loads.sum())))
    for col in t.columns:
        if col.name in typed:
            out[col.name] = (typed[col.name] if everything else typed[col.name][loads]).reset_index(drop=True)
        else:
            out[col.name] = pd.Series(np.nan, index=out.index, dtype="float64")  # not in the file: NULL when loaded
    kept_rows = rows[loads]
    _altered_cells(warnings, altered, mapping, loads, rows, notes)

    # Row warnings: the row loads, the user sees it.
    if table_name in ("opportunities",):
        if "close_date" in typed and "created_date" in typed:
            early = (out["close_date"] < out["created_date"]).fillna(False).to_numpy(dtype=bool)
            at = np.flatnonzero(early)
            written = at[:keep] if keep is not None else at

            def early_close(sel: np.ndarray, written=written) -> dict[str, Any]:
                close = out["close_date"].iloc[written[sel]].dt.strftime("%Y-%m-%d").reset_index(drop=True)
                created = out["created_date"].iloc[written[sel]].dt.strftime("%Y-%m-%d").reset_index(drop=True)
                return {"column": mapping["close_date"], "value": close,
                        "reason": "close date is before the created date (" + created + ")"}

            warnings.add(kept_rows[written], early_close, len(at))
    for money_col in [c.name for c in t.columns if c.type == "money" and c.name in typed]:
        neg = (out[money_col] < 0).fillna(False).to_numpy(dtype=bool)
        at = np.flatnonzero(neg)
        written = at[:keep] if keep is not None else at
        warnings.add(kept_rows[written], lambda sel, money_col=money_col, written=written: {
            "column": mapping[money_col], "value": [str(v) for v in out[money_col].iloc[written[sel]].tolist()],
            "reason": "negative amount"}, len(at))
    if keep is not None:  # written out now: the groups' hold on the file's text goes with them
        rejects.first()
        warnings.first()
    if progress:
        progress(0.75, "Checked")
    rows_rejected = raw.rows_read - n + int(rejected.sum())
    return Prepared(table_name, out, kept_rows, rejects, warnings, notes, raw.rows_read, rows_rejected)


#: unknown values named in a column's one summarised warning (the rest are counted; Data health lists them)
UNKNOWN_NAMED = 3


def unknown_people_warnings(prepared: Prepared, mapping: dict[str, str], known: set[str]) -> None:
    """One warning per person-reference column (owner, rep, manager) whose values the roster does
    not know, added to ``prepared.warnings``: how many rows name how many people not in the roster,
    on the first such row, with the first few values (the Data page's Data health names them and
    what they may have meant). One per column, not one per row: a wide target sheet of 81 unknown
    owners gave 809 warnings that said the same thing as the panel."""
    if not known:
        return
    for col in schema.PERSON_REFERENCES.get(prepared.table, ()):
        if col not in mapping:
            continue
        values = prepared.frame[col]
        if set(values.dropna().unique()) <= known:  # usual: checked once per distinct name
            continue
        unknown = values.notna() & ~values.isin(known)
        at = np.flatnonzero(unknown.to_numpy(dtype=bool))
        names = pd.unique(values.iloc[at])
        noun = col.replace("_", " ")
        reason = (f"{len(at):,} row{'s' if len(at) != 1 else ''} name{'s' if len(at) == 1 else ''} "
                  f"{len(names):,} {noun}{'s' if len(names) != 1 else ''} not in the roster: see Data health "
                  "on the Data page")
        shown = "; ".join(str(v) for v in names[:UNKNOWN_NAMED]) + (
            f"; {len(names) - UNKNOWN_NAMED:,} more" if len(names) > UNKNOWN_NAMED else "")
        value = shown if len(shown) <= 80 else shown[:77] + "..."

        def describe(sel: np.ndarray, column=mapping[col], value=value, reason=reason) -> dict[str, Any]:
            return {"column": column, "value": value, "reason": reason}

        prepared.warnings.add(prepared.rows[at[:1]], describe, 1)
    if prepared.warnings.keep is not None:
        prepared.warnings.first()
