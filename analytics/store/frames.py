"""DataFrames from the session's database, typed exactly as DuckDB's ``.df()`` types them.

Every analysis reads query results as DataFrames; this module makes them faster than
``.df()`` while keeping its columns, dtypes and values (:func:`result_frame`), types rows picked
from such a frame as a query returning just them would be (:func:`as_if_queried`), and says
how many bytes a held frame takes (:func:`frame_bytes`, for the derived results' byte budget).
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa


def is_text(t: pa.DataType) -> bool:
    """An Arrow text type (string, large string or string view)."""
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def result_frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None) -> pd.DataFrame:
    """The DataFrame of a query, as DuckDB's ``.df()`` makes it, built faster.

    ``.df()`` turns every text value into a Python string and back into pandas' ``str``
    column: at a million deals that took about as long as the query itself (figures in
    benchmarks/RESULTS.md). Through Arrow, text columns become the same pyarrow-backed ``str`` columns
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
    rest = [i for i, f in enumerate(table.schema) if not is_text(f.type)]
    other = con.from_arrow(table.select(rest)).df() if rest else None
    columns = {}
    for i, name in enumerate(table.column_names):
        col = table.column(i)
        if not is_text(col.type):
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


def frame_bytes(value) -> int:
    """Bytes a held DataFrame (or a tuple of them) takes, by its columns' buffers; 0 for anything else.

    >>> frame_bytes((pd.DataFrame({"x": [1.0, 2.0]}), "not a frame")) >= 16
    True
    """
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=False).sum())
    if isinstance(value, tuple):
        return sum(frame_bytes(v) for v in value)
    return 0
