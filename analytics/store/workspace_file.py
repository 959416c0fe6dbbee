"""The saved workspace file: writing it, and reading it back without trusting it.

A saved workspace (:func:`write`, for :meth:`analytics.store.workspace.Workspace.save`) is a zip
holding a manifest and one Parquet file per table of :data:`TABLES`; :func:`read` (for
:meth:`~analytics.store.workspace.Workspace.open`) opens one into a new workspace.

A file built to look like one can cost far more memory than its size: a zip member that inflates
a thousandfold, or a Parquet text column whose dictionary holds one 64 KB string that a million
rows repeat (under 1 KB on disk, 64 GB decoded, decoded by pyarrow outside DuckDB's memory
limit). So every size is checked before anything is decoded, from what the decoder itself will
read, and checked again while reading:

*zip*
    The end record is read first: at most :data:`MAX_MEMBERS` members listed in at most
    :data:`MAX_DIRECTORY_BYTES` (before ``zipfile`` makes an object per member). Each member
    once, not encrypted. Only the manifest and the known tables are unpacked (anything else is
    never read); their declared sizes at most :data:`MAX_UNPACKED_BYTES` in all and at most
    :data:`MAX_MEMBER_RATIO` times their packed size. Members are read in 1 MB pieces into a
    buffer of the declared size and never beyond it: one that inflates further (or less) is
    refused as altered.
*manifest*
    At most :data:`MAX_MANIFEST_BYTES` of JSON (nesting too deep is "damaged"); the label is
    kept to :data:`MAX_LABEL_CHARS` characters of one line.
*Parquet structure*
    Footer at most :data:`MAX_FOOTER_BYTES`, at most :data:`MAX_ROW_GROUPS` row groups and
    :data:`MAX_COLUMNS` columns, none nested; each known column of the type the app saves;
    row counts that add up. Columns the app does not know are not read.
*pages*
    Every page header of every column read is parsed (Thrift compact, the same bytes the
    Parquet reader reads before it allocates): each page at most :data:`MAX_PAGE_BYTES`
    unpacked, no encoding that expands without bound (DELTA_BYTE_ARRAY), and the page sizes and
    value counts must add up to the metadata's exactly, so metadata that lies is refused. At
    most :data:`MAX_PAGES` pages in a workspace, unpacking to at most twice the budget below.
*decoded size*
    What each column takes once decoded, before anything is decoded: fixed-width columns rows x
    width; text, where the bounds below are loose, as the footer declares it (Parquet's size
    statistics, which pyarrow writes, and which reading checks); otherwise bounded from the pages: plain
    pages their own unpacked size, dictionary-encoded values (the bomb) values x the
    dictionary's longest value (from the dictionary page when its values share one length, as
    IDs do, else from the first row of the row group read dictionary-encoded, which decodes the
    dictionary page but no rows), and where the bounds still exceed the budget, counted exactly
    through the dictionary indices (4 bytes a row), stopping once over. The budget is the
    session's memory limit (its DuckDB ``memory_limit``): over it, the workspace is refused,
    naming the largest column and the limit.
*reading*
    A row group at a time, in batches of at most :data:`OPEN_BATCH_BYTES` as decoded. Text
    stored only through a dictionary, or whose longest value would hold a batch under
    :data:`MIN_DECODED_BATCH_ROWS` rows, reaches DuckDB dictionary-encoded (never expanded in
    pyarrow, and faster to insert). Each batch's text is counted before it is inserted, and
    reading stops at once when a column holds more than its metadata declared.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import struct
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, TypeVar

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analytics import schema
from analytics.store.schema_sql import CORRECTIONS, IMPORT_LOG, INTERNAL_COLUMNS, STAGE_MAP

log = logging.getLogger(__name__)

WORKSPACE_FORMAT = "bench-strength-workspace"
WORKSPACE_VERSION = 1
MANIFEST = "manifest.json"
#: the tables a saved workspace holds, in the order they are written and read (a file saved before
#: corrections existed has no ``_corrections`` member: it opens with none)
TABLES = (*schema.TABLES, STAGE_MAP, IMPORT_LOG, CORRECTIONS)
#: rows of a saved table decoded and inserted at a time when a workspace is opened (at most:
#: batches are also bounded in bytes, OPEN_BATCH_BYTES)
OPEN_BATCH_ROWS = 1024 * 1024
#: a saved workspace may not decode to more rows than this, whatever its zip sizes say
MAX_WORKSPACE_ROWS = int(os.environ.get("BENCH_MAX_WORKSPACE_ROWS", "20000000"))
#: members a saved workspace holds: the manifest and one per table (the app saves 17)
MAX_MEMBERS = 64
#: the zip's list of members (a saved workspace's is far smaller: benchmarks/RESULTS.md)
MAX_DIRECTORY_BYTES = 1_000_000
#: the manifest and tables unpacked, in all: the largest workspace the app holds
#: (MAX_WORKSPACE_ROWS) saves well under it (benchmarks/RESULTS.md)
MAX_UNPACKED_BYTES = 500_000_000
#: a member may unpack to at most this many times its packed size (saved tables pack a few
#: times, benchmarks/RESULTS.md; deflate reaches ~1,000 on repeated bytes), checked above
#: RATIO_FROM_BYTES
MAX_MEMBER_RATIO = 100
RATIO_FROM_BYTES = 1_000_000
#: a saved manifest is far smaller (benchmarks/RESULTS.md)
MAX_MANIFEST_BYTES = 1_000_000
#: the workspace label shown in the sidebar, reports and handouts
MAX_LABEL_CHARS = 200
#: a saved table's footer takes a few KB
MAX_FOOTER_BYTES = 16_000_000
#: a saved table has one row group per 1M rows
MAX_ROW_GROUPS = 1000
#: a saved table has at most 17 columns
MAX_COLUMNS = 256
#: a page unpacked (pyarrow writes pages of ~1 MB; a cell holds at most 131,072 characters)
MAX_PAGE_BYTES = 16_000_000
#: page headers parsed in one workspace (a 1M-deal organisation has far fewer: benchmarks/RESULTS.md)
MAX_PAGES = 200_000
#: at most this many bytes decoded per batch when reading (and at most the rows the caller allows)
OPEN_BATCH_BYTES = 128 * 1024**2
#: text whose longest value would hold a batch under this many rows is read dictionary-encoded
#: (so a hostile dictionary cannot make reading take a million tiny batches)
MIN_DECODED_BATCH_ROWS = 65_536
#: rows counted through dictionary indices at a time (4 bytes a row)
_COUNT_BATCH_ROWS = 1024 * 1024
#: footers parsed in Python for the text sizes they declare (a saved table's takes a few KB;
#: larger ones are sized from the pages alone)
_PARSED_FOOTER_BYTES = 256 * 1024
#: a table's text bounded loosely at more than this reads the sizes its footer declares
_DECLARED_FROM_BYTES = 16 * 1024**2
#: a dictionary chunk's loose bound (values x the dictionary page's size) above which its
#: longest value is read for a tighter one, when the loose bounds exceed the budget
_REFINE_FROM_BYTES = 1024**2
_PIECE = 1024**2


class WorkspaceFileError(ValueError):
    """A workspace file that cannot be opened; the message is for the user."""


def size_text(n: float) -> str:
    """Bytes in words, in the units DuckDB's memory limit is set in (1 GB = 10^9 bytes).

    >>> size_text(2e9), size_text(13_107_200_000), size_text(512)
    ('2 GB', '13.1 GB', '512 bytes')
    """
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= scale:
            return f"{n / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{int(n):,} bytes"


_UNITS = {"": 1, "B": 1, "BYTES": 1, "K": 10**3, "KB": 10**3, "M": 10**6, "MB": 10**6, "G": 10**9, "GB": 10**9,
          "T": 10**12, "TB": 10**12, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def memory_bytes(limit: str) -> int:
    """A DuckDB memory limit ("5GB", "512MB", "2GiB") in bytes; 1 GB when it cannot be read.

    >>> memory_bytes("5GB"), memory_bytes("512 MiB")
    (5000000000, 536870912)
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", str(limit))
    if not m or m.group(2).upper() not in _UNITS:
        return 10**9
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def clean_label(label: object, default: str) -> str:
    """A manifest's label as one line of at most MAX_LABEL_CHARS characters (no control
    characters); ``default`` when there is none."""
    if not isinstance(label, str):
        return default
    text = " ".join("".join(" " if unicodedata.category(ch)[0] == "C" else ch
                            for ch in label[: MAX_LABEL_CHARS * 4]).split())
    if not text:
        return default
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1].rstrip() + "…"


# ----------------------------------------------------------------------------- the zip


def _end_record(data: bytes) -> tuple[int, int] | None:
    """(members, bytes) the zip's central directory declares, from its end record (zip64 too),
    found as ``zipfile`` finds it; None when there is none (zipfile then refuses the file)."""
    at = len(data) - 22
    if at < 0:
        return None
    if data[at:at + 4] != b"PK\x05\x06" or data[-2:] != b"\x00\x00":
        at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
        if at < 0 or at + 22 > len(data):
            return None
    members, size = struct.unpack_from("<HI", data, at + 10)
    if at >= 20 and data[at - 20:at - 16] == b"PK\x06\x07":
        # zip64: zipfile reads the record just before the locator (whatever the locator says)
        rec = at - 20 - 56
        if rec >= 0 and data[rec:rec + 4] == b"PK\x06\x06":
            members, size = struct.unpack_from("<QQ", data, rec + 32)
    return members, size


def read_members(data: bytes, file_name: str, tables: list[str]) -> dict[str, bytearray]:
    """The manifest and the known tables' Parquet bytes (``tables/<name>.parquet``), unpacked
    within the limits above; other members are left packed."""
    end = _end_record(data)
    if end is not None:
        members, size = end
        if members > MAX_MEMBERS:
            raise WorkspaceFileError(
                f"{file_name}: the zip holds {members:,} files; a saved workspace holds at most {MAX_MEMBERS}.")
        if size > MAX_DIRECTORY_BYTES:
            raise WorkspaceFileError(
                f"{file_name}: the zip's list of files takes {size_text(size)}; a saved workspace's takes at most "
                f"{size_text(MAX_DIRECTORY_BYTES)}.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise WorkspaceFileError(f"{file_name}: not a saved Bench Strength workspace (not a zip file).") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise WorkspaceFileError(
                f"{file_name}: the zip holds {len(infos):,} files; a saved workspace holds at most {MAX_MEMBERS}.")
        seen: set[str] = set()
        for info in infos:
            if info.filename in seen:
                raise WorkspaceFileError(
                    f"{file_name}: the zip holds {info.filename} more than once; a saved workspace holds each once.")
            seen.add(info.filename)
        if MANIFEST not in seen:
            raise WorkspaceFileError(f"{file_name}: not a saved Bench Strength workspace (no manifest).")
        wanted = {MANIFEST, *(f"tables/{t}.parquet" for t in tables)}
        infos = [i for i in infos if i.filename in wanted]
        for info in infos:
            if info.flag_bits & 0x1:
                raise WorkspaceFileError(f"{file_name}: {info.filename} is encrypted; a saved workspace is not.")
            if info.filename == MANIFEST and info.file_size > MAX_MANIFEST_BYTES:
                raise WorkspaceFileError(
                    f"{file_name}: its manifest takes {size_text(info.file_size)}; a saved workspace's takes at most "
                    f"{size_text(MAX_MANIFEST_BYTES)}.")
            if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_MEMBER_RATIO * max(1, info.compress_size):
                raise WorkspaceFileError(
                    f"{file_name}: {info.filename} would unpack from {size_text(info.compress_size)} to "
                    f"{size_text(info.file_size)}, {info.file_size / max(1, info.compress_size):,.0f} times its packed "
                    f"size; a saved workspace unpacks to at most {MAX_MEMBER_RATIO} times, so this file is refused "
                    f"as a zip bomb.")
        total = sum(i.file_size for i in infos)
        if total > MAX_UNPACKED_BYTES:
            raise WorkspaceFileError(
                f"{file_name}: the workspace unpacks to {size_text(total)}, more than the "
                f"{size_text(MAX_UNPACKED_BYTES)} the app accepts.")
        return {info.filename: _read_member(zf, info, file_name) for info in infos}


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, file_name: str) -> bytearray:
    """A member's bytes, read in pieces into a buffer of its declared size and never beyond it
    (zipfile stops at the declared size and then checks the CRC)."""
    buf = bytearray(info.file_size)
    view = memoryview(buf)
    pos = 0
    altered = WorkspaceFileError(
        f"{file_name}: {info.filename} does not unpack to the {size_text(info.file_size)} the zip declares; the file "
        f"is damaged or was altered.")
    try:
        with zf.open(info) as f:
            while pos < len(buf):
                piece = f.read(min(_PIECE, len(buf) - pos))
                if not piece:
                    raise altered
                view[pos:pos + len(piece)] = piece
                pos += len(piece)
            if f.read(1):  # never more than declared (and at the end, zipfile checks the CRC)
                raise altered
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError, RuntimeError):
        raise altered from None
    finally:
        view.release()
    return buf


def read_manifest(raw: bytes | bytearray, file_name: str) -> dict:
    try:
        manifest = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise WorkspaceFileError(f"{file_name}: the workspace manifest is damaged.") from None
    if not isinstance(manifest, dict):
        raise WorkspaceFileError(f"{file_name}: not a saved Bench Strength workspace.")
    return manifest


# ----------------------------------------------------------------------------- Thrift (compact)


class _Malformed(Exception):
    pass


def _varint(buf, pos: int, end: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= end:
            raise _Malformed
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise _Malformed


def _value(buf, pos: int, end: int, kind: int, depth: int):
    """One Thrift compact value of type ``kind`` at ``pos``: (value, next position). Integers,
    structs (as {field id: value}) and lists are returned; binary, doubles and maps are skipped
    (None). Every element takes at least a byte, so the work is bounded by the bytes parsed."""
    if kind in (4, 5, 6):  # i16, i32, i64: zigzag varints
        n, pos = _varint(buf, pos, end)
        return (n >> 1) ^ -(n & 1), pos
    if kind == 12:
        return _struct(buf, pos, end, depth + 1)
    if kind == 8:  # binary: length, bytes
        n, pos = _varint(buf, pos, end)
        if n > end - pos:
            raise _Malformed
        return None, pos + n
    if kind in (1, 2, 3):  # a bool element of a list, or a byte
        if pos >= end:
            raise _Malformed
        return buf[pos], pos + 1
    if kind == 7:  # double
        if pos + 8 > end:
            raise _Malformed
        return None, pos + 8
    if kind in (9, 10, 11):  # list, set, map
        if depth > 16:
            raise _Malformed
        if kind == 11:
            n, pos = _varint(buf, pos, end)
            if n == 0:
                return None, pos
            if pos >= end:
                raise _Malformed
            kinds = (buf[pos] >> 4, buf[pos] & 0x0F)
            pos += 1
        else:
            if pos >= end:
                raise _Malformed
            n, kinds = buf[pos] >> 4, (buf[pos] & 0x0F,)
            pos += 1
            if n == 15:
                n, pos = _varint(buf, pos, end)
        if n > end - pos:  # every element takes at least a byte
            raise _Malformed
        items = []
        for _ in range(n):
            for k in kinds:
                item, pos = _value(buf, pos, end, k, depth + 1)
                items.append(item)
        return (items if kind != 11 else None), pos
    raise _Malformed


def _struct(buf, pos: int, end: int, depth: int = 0) -> tuple[dict, int]:
    """A Thrift compact struct at ``pos`` as {field id: value} (see :func:`_value`), and the
    position after it. Integer and binary fields, most of a page header or a footer, are read
    here without a call each."""
    if depth > 16:
        raise _Malformed
    fields: dict[int, object] = {}
    fid = 0
    while True:
        if pos >= end:
            raise _Malformed
        head = buf[pos]
        pos += 1
        if head == 0:
            return fields, pos
        kind = head & 0x0F
        if head >> 4:
            fid += head >> 4
        else:
            n, pos = _varint(buf, pos, end)
            fid = (n >> 1) ^ -(n & 1)
        if kind == 5 or kind == 6 or kind == 8 or kind == 4:
            if pos >= end:
                raise _Malformed
            n = buf[pos]
            if n < 0x80:
                pos += 1
            else:
                n, pos = _varint(buf, pos, end)
            if kind == 8:  # binary: skipped
                pos += n
                if pos > end:
                    raise _Malformed
            else:
                fields[fid] = (n >> 1) ^ -(n & 1)
        elif kind == 1 or kind == 2:  # a bool field carries its value in its type
            fields[fid] = kind == 1
        else:
            fields[fid], pos = _value(buf, pos, end, kind, depth)


# ----------------------------------------------------------------------------- Parquet tables

_DATA_PAGE, _INDEX_PAGE, _DICTIONARY_PAGE, _DATA_PAGE_V2 = 0, 1, 2, 3
#: Parquet encodings: PLAIN, PLAIN_DICTIONARY, RLE, BIT_PACKED (levels only),
#: DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, RLE_DICTIONARY, BYTE_STREAM_SPLIT
_ENCODINGS = {0: "PLAIN", 2: "PLAIN_DICTIONARY", 3: "RLE", 4: "BIT_PACKED", 5: "DELTA_BINARY_PACKED",
              6: "DELTA_LENGTH_BYTE_ARRAY", 7: "DELTA_BYTE_ARRAY", 8: "RLE_DICTIONARY", 9: "BYTE_STREAM_SPLIT"}
_DICTIONARY = {2, 8}
#: value encodings whose decoded text is at most the page's own size (DELTA_BYTE_ARRAY is not:
#: each value may repeat the previous one's prefix, so a tiny page can decode to gigabytes)
_TEXT_OK = {0, 2, 6, 8}
_FIXED_OK = {0, 2, 3, 5, 8, 9}

#: what each SQL type of the app's tables accepts from a saved table
_KINDS = {
    "VARCHAR": ("text", lambda t: _is_text(t)),
    "BOOLEAN": ("true/false values", pa.types.is_boolean),
    "DOUBLE": ("numbers", lambda t: pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_decimal(t)),
    "BIGINT": ("whole numbers", pa.types.is_integer),
    "INTEGER": ("whole numbers", pa.types.is_integer),
    "DATE": ("dates", lambda t: pa.types.is_date(t) or pa.types.is_timestamp(t)),
    "TIMESTAMP": ("date-times", lambda t: pa.types.is_timestamp(t) or pa.types.is_date(t)),
}


def _is_text(t: pa.DataType) -> bool:
    if pa.types.is_dictionary(t):
        t = t.value_type
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def _described(t: pa.DataType) -> str:
    if pa.types.is_nested(t):
        return "nested values (lists or records)"
    if _is_text(t):
        return "text"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return "raw bytes"
    for kind, accepts in _KINDS.values():
        if accepts(t):
            return kind
    return f"values of type {t}"


@dataclass
class _Chunk:
    """One column chunk, as its page headers and metadata describe it."""

    rows: int = 0
    dictionary_bytes: int = 0  # the dictionary page unpacked (0: none)
    dictionary_values: int = 0  # values in dictionary-encoded data pages
    plain_bytes: int = 0  # data pages not dictionary-encoded, unpacked
    first_from_dictionary: bool = False  # the first data page is dictionary-encoded
    longest: int | None = None  # the dictionary's longest value, once read
    dictionary_page: tuple[int, int, int, str] | None = None  # where its data is, packed, entries, codec
    declared: int | None = None  # the text bytes the metadata declares (Parquet size statistics)


@dataclass
class _Column:
    name: str
    text: bool
    width: int  # bytes a value takes decoded (text: its offset)
    chunks: list[_Chunk] = field(default_factory=list)
    exact: int | None = None  # text bytes counted from the dictionary indices

    def fixed(self, c: _Chunk) -> int:
        """A chunk's decoded bytes besides text values: values or offsets, validity."""
        return c.rows * self.width + c.rows // 8 + 8

    def longest(self, c: _Chunk) -> int:
        """The chunk's dictionary's longest value, or a bound of it (the dictionary page's size)."""
        return c.longest if c.longest is not None else max(0, c.dictionary_bytes - 4)

    def chunk_bound(self, c: _Chunk) -> int:
        """An upper bound of a chunk's decoded bytes: plain pages decode to at most their own
        size; dictionary-encoded values to at most the dictionary's longest value each."""
        if not self.text:
            return self.fixed(c)
        return self.fixed(c) + c.plain_bytes + c.dictionary_values * self.longest(c)

    @property
    def from_dictionary_only(self) -> bool:
        """Text stored only through dictionaries: read dictionary-encoded, never expanded."""
        return self.text and all(c.plain_bytes == 0 and (c.rows == 0 or c.dictionary_bytes) for c in self.chunks)

    @property
    def declared(self) -> int | None:
        sizes = [c.declared for c in self.chunks if c.rows]
        return sum(sizes) if self.text and None not in sizes else None

    @property
    def by_bound(self) -> bool:
        """Sized by bounds alone (no declared size and no exact count)."""
        return self.text and self.declared is None and self.exact is None

    @property
    def size(self) -> int:
        """Decoded bytes, for the budget: as declared (checked while reading), else counted, else
        bounded."""
        if self.by_bound:
            return sum(self.chunk_bound(c) for c in self.chunks)
        fixed = sum(self.fixed(c) for c in self.chunks)
        return fixed + (self.declared if self.declared is not None else self.exact or 0) if self.text else fixed


@dataclass
class TablePlan:
    """One saved table, checked: how to read it and what it may take once decoded."""

    name: str
    member: str
    raw: bytearray  # the Parquet bytes (parsed by hand: faster to index than the Arrow buffer)
    buffer: pa.Buffer  # the same bytes, for pyarrow
    file: pq.ParquetFile
    rows: int
    columns: list[_Column] = field(default_factory=list)
    pages: int = 0  # bytes of the pages to be read, unpacked

    @property
    def size(self) -> int:
        return sum(c.size for c in self.columns)


def open_table(name: str, member: str, raw: bytearray, types: dict[str, str], file_name: str) -> TablePlan:
    """A saved table's structure checked from its footer (nothing decoded yet)."""
    def refuse(why: str) -> WorkspaceFileError:
        return WorkspaceFileError(f"{file_name}: {member} {why}")

    if len(raw) < 12 or raw[:4] != b"PAR1" or raw[-4:] != b"PAR1":
        raise refuse("is not a Parquet table; the file is damaged.")
    footer = int.from_bytes(raw[-8:-4], "little")
    if footer > MAX_FOOTER_BYTES:
        raise refuse(f"has metadata of {size_text(footer)}; a saved table's takes at most {size_text(MAX_FOOTER_BYTES)}.")
    if footer > len(raw) - 12:
        raise refuse("is not a Parquet table; the file is damaged.")
    buffer = pa.py_buffer(raw)
    f = pq.ParquetFile(pa.BufferReader(buffer))
    md = f.metadata
    if md.num_row_groups > MAX_ROW_GROUPS:
        raise refuse(f"is split into {md.num_row_groups:,} row groups; a saved table has at most {MAX_ROW_GROUPS:,}.")
    if md.num_columns > MAX_COLUMNS:
        raise refuse(f"has {md.num_columns:,} columns; a saved table has at most {MAX_COLUMNS}.")
    schema = f.schema_arrow
    for fld in schema:
        if pa.types.is_nested(fld.type):
            raise refuse(f"has a nested column ({fld.name}); a saved workspace's columns hold single values.")
    if len(schema) != md.num_columns or any(md.schema.column(j).max_repetition_level for j in range(md.num_columns)):
        raise refuse("has nested columns; a saved workspace's columns hold single values.")
    names = schema.names
    known = [n for n in names if n in types]
    if len(set(known)) != len(known):
        raise refuse("holds a column twice; the file is damaged or was altered.")
    plan = TablePlan(name, member, raw, buffer, f, md.num_rows)
    for j, n in enumerate(names):
        if n not in types:
            continue  # a column the app does not know is not read
        t = schema.field(j).type
        kind, accepts = _KINDS.get(types[n], ("values", lambda _t: True))
        text = kind == "text"
        stored_as_text = md.schema.column(j).physical_type == "BYTE_ARRAY"
        if not pa.types.is_null(t) and (not accepts(t) or text != stored_as_text):
            raise WorkspaceFileError(
                f"{file_name}: column {n} of {member} holds {_described(t)} where a saved workspace holds {kind}.")
        width = 4 if text or pa.types.is_null(t) else max(1, (t.bit_width + 7) // 8)
        plan.columns.append(_Column(n, text, width))
    rows = [md.row_group(g).num_rows for g in range(md.num_row_groups)]
    if md.num_rows < 0 or min(rows, default=0) < 0 or sum(rows) != md.num_rows:
        raise refuse(f"says it holds {md.num_rows:,} rows but its row groups hold {sum(rows):,}; the file is damaged "
                     "or was altered.")
    return plan


def check_pages(plan: TablePlan, file_name: str, pages_left: int) -> int:
    """Parse every page header of the columns to be read, refusing pages over MAX_PAGE_BYTES,
    encodings that expand without bound, and sizes or counts that do not add up to the
    metadata's; note each chunk's declared text size. Returns the pages left to parse."""
    buf = plan.raw
    footer = int.from_bytes(buf[-8:-4], "little")
    data_end = len(buf) - 8 - footer
    md = plan.file.metadata
    index = {n: j for j, n in enumerate(plan.file.schema_arrow.names)}

    def altered(col: str, what: str) -> WorkspaceFileError:
        return WorkspaceFileError(f"{file_name}: {plan.member}'s metadata does not match its data ({what} of column "
                                  f"{col}); the file is damaged or was altered.")

    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        for col in plan.columns:
            meta = rg.column(index[col.name])
            chunk = _Chunk(rows=rg.num_rows)
            col.chunks.append(chunk)
            if meta.file_path:
                raise altered(col.name, "a reference to another file")
            if meta.num_values != rg.num_rows:
                raise altered(col.name, "the values of a row group")
            if rg.num_rows == 0:
                continue  # nothing of it is read
            start = meta.data_page_offset
            dictionary_at = meta.dictionary_page_offset if meta.has_dictionary_page else None
            if dictionary_at and 0 < dictionary_at < start:  # where the Parquet reader starts too
                start = dictionary_at
            end = start + meta.total_compressed_size
            if start < 4 or meta.total_compressed_size < 0 or end > data_end:
                raise altered(col.name, "where its pages are")
            pos, unpacked, values = start, 0, 0
            while pos < end:
                pages_left -= 1
                if pages_left < 0:
                    raise WorkspaceFileError(f"{file_name}: the workspace has more than {MAX_PAGES:,} pages of data; a "
                                             "saved workspace has a few thousand.")
                try:
                    header, body = _struct(buf, pos, end)
                except _Malformed:
                    raise altered(col.name, "a page header") from None
                kind, size, packed = header.get(1), header.get(2), header.get(3)
                if not all(isinstance(v, int) for v in (kind, size, packed)) or size < 0 or packed < 0 or (
                        body + packed > end):
                    raise altered(col.name, "a page header")
                if size > MAX_PAGE_BYTES:
                    raise WorkspaceFileError(
                        f"{file_name}: {plan.member} has a page of {size_text(size)} unpacked (column {col.name}); a "
                        f"saved table's pages take at most {size_text(MAX_PAGE_BYTES)}.")
                unpacked += body - pos + size
                sub = header.get({_DATA_PAGE: 5, _DICTIONARY_PAGE: 7, _DATA_PAGE_V2: 8}.get(kind, -1))
                if not isinstance(sub, dict) or not isinstance(sub.get(1), int) or sub[1] < 0:
                    raise altered(col.name, "a page header")
                if kind == _DICTIONARY_PAGE:
                    if chunk.dictionary_bytes or values or sub.get(2) not in (0, 2):
                        raise altered(col.name, "a dictionary page")
                    chunk.dictionary_bytes = max(4, size)
                    chunk.dictionary_page = (body, packed, sub[1], meta.compression)
                else:
                    encoding = sub.get(2 if kind == _DATA_PAGE else 4)
                    if encoding not in (_TEXT_OK if col.text else _FIXED_OK):
                        raise WorkspaceFileError(
                            f"{file_name}: column {col.name} of {plan.member} is stored in a way a saved workspace "
                            f"never is ({_ENCODINGS.get(encoding, encoding)}), which can unpack without bound; it is "
                            "not read.")
                    if encoding in _DICTIONARY:
                        if not chunk.dictionary_bytes:
                            raise altered(col.name, "a dictionary")
                        chunk.first_from_dictionary |= values == 0
                        chunk.dictionary_values += sub[1]
                    else:
                        chunk.plain_bytes += size
                    values += sub[1]
                pos = body + packed
            if pos != end or unpacked != meta.total_uncompressed_size:
                raise altered(col.name, "the unpacked size")
            plan.pages += unpacked
            if values != meta.num_values:
                raise altered(col.name, "the number of values")
    # the text sizes the footer declares, where bounds alone are loose enough to matter
    loose = sum(col.chunk_bound(c) - col.fixed(c) for col in plan.columns if col.text for c in col.chunks)
    if loose > _DECLARED_FROM_BYTES and footer <= _PARSED_FOOTER_BYTES:
        declared = _declared_sizes(buf, data_end, len(buf) - 8) or {}
        for col in plan.columns:
            if col.text:
                for g, c in enumerate(col.chunks):
                    c.declared = declared.get((g, index[col.name])) if c.rows else None
    return pages_left


def _declared_sizes(buf, start: int, end: int) -> dict[tuple[int, int], int] | None:
    """(row group, column) -> the text bytes the footer declares for it (Parquet's size
    statistics, written by pyarrow), or None when the footer cannot be read for them."""
    try:
        meta, _ = _struct(buf, start, end)
    except _Malformed:
        return None
    out = {}
    for g, rg in enumerate(meta.get(4) or []):
        for j, chunk in enumerate((rg.get(1) or []) if isinstance(rg, dict) else []):
            sizes = ((chunk.get(3) or {}).get(16) or {}) if isinstance(chunk, dict) else {}
            value = sizes.get(1) if isinstance(sizes, dict) else None
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                out[(g, j)] = value
    return out


def refine(plan: TablePlan, wanted: Callable[[_Column, _Chunk], bool]) -> None:
    """Read the longest value of each dictionary ``wanted`` picks: at once where its values all
    have one length (IDs), else from the first row of the row group read dictionary-encoded,
    which carries the chunk's whole dictionary (pyarrow inserts a dictionary page whole)
    without decoding its rows."""
    groups: dict[int, list[str]] = {}
    for col in plan.columns:
        for g, c in enumerate(col.chunks):
            if col.text and c.rows and c.dictionary_values and c.first_from_dictionary and c.longest is None and (
                    wanted(col, c)):
                c.longest = _uniform_length(plan.raw, c)
                if c.longest is None:
                    groups.setdefault(g, []).append(col.name)
    if not groups:
        return
    names = sorted({n for cols in groups.values() for n in cols})
    f = pq.ParquetFile(pa.BufferReader(plan.buffer), read_dictionary=names, pre_buffer=False)
    by_name = {c.name: c for c in plan.columns}
    for g, cols in groups.items():
        batch = next(f.iter_batches(batch_size=1, row_groups=[g], columns=cols, use_threads=False))
        for n in cols:
            arr = batch.column(n)
            if pa.types.is_dictionary(arr.type):
                by_name[n].chunks[g].longest = int(pc.max(pc.binary_length(arr.dictionary)).as_py() or 0)


_CODECS = {"UNCOMPRESSED": None, "SNAPPY": "snappy", "GZIP": "gzip", "ZSTD": "zstd", "BROTLI": "brotli"}


def _uniform_length(raw: bytearray, c: _Chunk) -> int | None:
    """The length of every value of a dictionary page whose values all have one length (n
    values of L bytes take exactly n x (4 + L) bytes, each after its 4-byte length, and every
    length says L), else None. Several times faster than reading the dictionary through
    pyarrow (benchmarks/RESULTS.md)."""
    if c.dictionary_page is None:
        return None
    at, packed, n, codec = c.dictionary_page
    size = c.dictionary_bytes
    if n <= 0 or (size - 4 * n) % n or codec not in _CODECS:
        return None
    length = (size - 4 * n) // n
    data = pa.py_buffer(raw)[at:at + packed]
    try:
        page = data if _CODECS[codec] is None else pa.Codec(_CODECS[codec]).decompress(data, decompressed_size=size)
    except (pa.ArrowException, ValueError):
        return None  # left to the reader, which says what is wrong
    if len(page) != size:
        return None
    heads = np.lib.stride_tricks.as_strided(np.frombuffer(page, dtype=np.uint8), shape=(n, 4), strides=(4 + length, 1))
    return length if bool((np.ascontiguousarray(heads).view("<u4") == length).all()) else None


def count_exactly(plan: TablePlan, col: _Column, stop_above: int) -> int:
    """The exact bytes of a text column's values, counted through its dictionary indices (the
    text is never expanded); counting stops once over ``stop_above``."""
    f = pq.ParquetFile(pa.BufferReader(plan.buffer), read_dictionary=[col.name], pre_buffer=False)
    total = 0
    for g, c in enumerate(col.chunks):
        if not c.rows:
            continue
        for batch in f.iter_batches(batch_size=_COUNT_BATCH_ROWS, row_groups=[g], columns=[col.name],
                                    use_threads=False):
            total += _text_bytes(batch.column(0))
            if total > stop_above:
                return total
    return total


def _text_bytes(arr: pa.Array) -> int:
    """Bytes of the values of a text array (a dictionary array's counted through its indices:
    each value's length, from the dictionary's offsets, picked by the indices, with numpy)."""
    if not pa.types.is_dictionary(arr.type):
        return int(pc.sum(pc.binary_length(arr)).as_py() or 0)
    d, indices = arr.dictionary, arr.indices
    if len(d) == 0 or indices.null_count == len(indices):
        return 0
    if indices.null_count:
        indices = indices.drop_null()
    wide = pa.types.is_large_string(d.type) or pa.types.is_large_binary(d.type)
    if not (pa.types.is_string(d.type) or pa.types.is_binary(d.type) or wide):
        return int(pc.sum(pc.take(pc.binary_length(d), indices)).as_py() or 0)
    offsets = np.frombuffer(d.buffers()[1], dtype=np.int64 if wide else np.int32)[d.offset:d.offset + len(d) + 1]
    picks = np.frombuffer(indices.buffers()[1], dtype=indices.type.to_pandas_dtype())
    return int(np.diff(offsets).astype(np.int64)[picks[indices.offset:indices.offset + len(indices)]].sum())


def check_budget(plans: list[TablePlan], budget: int, file_name: str) -> None:
    """Refuse a workspace whose columns would take more than ``budget`` bytes decoded. Bounds
    over it are tightened first (each dictionary's longest value, then exact counts through the
    indices, largest first), so a genuine workspace is not refused for a loose bound. Its pages
    may unpack to at most twice the budget (a page is unpacked once, one at a time a column,
    but dictionary pages of a thousand row groups would each be unpacked in full)."""
    pages = sum(p.pages for p in plans)
    if pages > 2 * budget:
        raise WorkspaceFileError(
            f"{file_name}: its tables' pages unpack to {size_text(pages)}, more than twice this server's memory limit "
            f"for a session ({size_text(budget)}), so it is not opened.")
    total = sum(p.size for p in plans)
    for p in sorted(plans, key=lambda p: -p.size):
        if total <= budget:
            break
        before = p.size
        refine(p, lambda col, c: col.by_bound and col.chunk_bound(c) > _REFINE_FROM_BYTES)
        total += p.size - before
    if total > budget:
        for _, plan, col in sorted(((c.size, t, c) for t in plans for c in t.columns if c.by_bound),
                                   key=lambda x: -x[0]):
            before = col.size
            col.exact = count_exactly(plan, col, stop_above=budget)
            total += col.size - before
            if total <= budget or col.size > budget:
                break
    if total > budget:
        size, p, col = max(((c.size, p, c) for p in plans for c in p.columns), key=lambda x: x[0])
        alone = f" (column {col.name} of {p.member} alone: {size_text(size)})" if size > budget / 4 else ""
        raise WorkspaceFileError(
            f"{file_name}: the workspace would take more than {size_text(budget)} of memory once opened{alone}; "
            f"{size_text(budget)} is this server's memory limit for a session, so it is not opened.")


def batches(plan: TablePlan, file_name: str, max_rows: int) -> Iterator[pa.Table]:
    """The table's rows as Arrow tables, a row group at a time in batches of at most
    OPEN_BATCH_BYTES decoded (and ``max_rows`` rows), each checked before it is handed on:
    reading stops once a column holds more than its metadata declared (or than its bound)."""
    if not plan.rows or not plan.columns:
        return
    # text read dictionary-encoded: stored only through dictionaries, or where a row may take
    # more than a small batch allows (a dictionary whose longest value is unknown or long): in
    # Arrow it then takes its indices, never the values they repeat
    as_dictionary = {c.name for c in plan.columns if c.from_dictionary_only or any(
        ch.dictionary_values and not ch.first_from_dictionary for ch in c.chunks)}
    refine(plan, lambda col, c: col.name not in as_dictionary)  # the longest value a row can take
    as_dictionary |= {col.name for col in plan.columns if col.text and any(
        c.dictionary_values and col.longest(c) * MIN_DECODED_BATCH_ROWS > OPEN_BATCH_BYTES for c in col.chunks)}
    f = pq.ParquetFile(pa.BufferReader(plan.buffer), read_dictionary=sorted(as_dictionary) or None)
    names = [c.name for c in plan.columns]
    seen = dict.fromkeys(names, 0)
    allowed = {c.name: c.size + 1024**2 for c in plan.columns}
    for g in range(plan.file.metadata.num_row_groups):
        rows = plan.columns[0].chunks[g].rows
        if not rows:
            continue
        held, per_row = 0, 0
        for col in plan.columns:
            c = col.chunks[g]
            per_row += col.width + 1 + (-(-c.plain_bytes // rows) if col.text else 0)
            if col.name in as_dictionary:
                held += c.dictionary_bytes
            elif col.text and c.dictionary_values:
                per_row += col.longest(c)
        size = max(1, min(max_rows, rows, (OPEN_BATCH_BYTES - min(held, OPEN_BATCH_BYTES // 2)) // per_row))
        got = 0
        for batch in f.iter_batches(batch_size=size, row_groups=[g], columns=names):
            got += batch.num_rows
            for col in plan.columns:
                arr = batch.column(col.name)
                if col.text and pa.types.is_dictionary(arr.type):
                    # what DuckDB will hold: the values the indices pick (counted, unless the
                    # column is sized by its bound, which rows x the longest value stays within)
                    if col.by_bound and col.from_dictionary_only:
                        d = arr.dictionary
                        add = len(arr) * ((pc.max(pc.binary_length(d)).as_py() or 0) if len(d) else 0)
                    else:
                        add = _text_bytes(arr)
                    add += len(arr) * col.width
                else:
                    add = arr.nbytes
                seen[col.name] += add
                if seen[col.name] > allowed[col.name] or got > rows:
                    raise WorkspaceFileError(
                        f"{file_name}: {plan.member} holds more data than its metadata declares (column {col.name}); "
                        "the file is damaged or was altered, and reading stopped.")
            yield pa.Table.from_batches([batch])
        if got != rows:
            raise WorkspaceFileError(f"{file_name}: {plan.member} holds fewer rows than its metadata declares; the "
                                     "file is damaged or was altered.")


# ----------------------------------------------------------------------------- the whole file
class Target(Protocol):
    """Where a saved workspace is opened into: a new, empty workspace."""

    def insert_arrow(self, name: str, arrow: pa.Table) -> None: ...

    def close(self) -> None: ...


W = TypeVar("W", bound=Target)


def write(label: str, read_table: Callable[[str], pa.Table]) -> bytes:
    """A workspace as one zip: a manifest and one Parquet file per table of :data:`TABLES`, each
    table read with ``read_table(name)`` when its turn comes (one held at a time)."""
    buf = io.BytesIO()
    counts: dict[str, int] = {}
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in TABLES:
            arrow = read_table(name)
            counts[name] = arrow.num_rows
            out = io.BytesIO()
            pq.write_table(arrow, out)
            zf.writestr(f"tables/{name}.parquet", out.getvalue())
        manifest = {
            "format": WORKSPACE_FORMAT,
            "version": WORKSPACE_VERSION,
            "schema_version": schema.SCHEMA_VERSION,
            "label": label,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "tables": {k: v for k, v in counts.items() if k in schema.TABLES},
        }
        zf.writestr(MANIFEST, json.dumps(manifest, indent=2))
    return buf.getvalue()


def read(data: bytes, file_name: str, new: Callable[[], W], memory_limit: str) -> tuple[W, str]:
    """A saved workspace opened into ``new()``, and its label; anything else raises
    :class:`WorkspaceFileError` with a message for the user (the new workspace closed).

    Nothing in the file is trusted: sizes, counts and types are checked before anything is
    decoded, and the decoded size against ``memory_limit`` (the session's DuckDB limit)."""
    try:
        return _read(data, file_name, new, memory_limit)
    except WorkspaceFileError:
        raise
    except duckdb.OutOfMemoryException:
        raise WorkspaceFileError(
            f"{file_name}: the workspace does not fit in this server's memory limit for a session "
            f"({size_text(memory_bytes(memory_limit))}), so it is not opened.") from None
    except Exception:  # damaged zips and Parquet raise many types; the user needs one message
        log.info("workspace file not readable: %s", file_name, exc_info=True)
        raise WorkspaceFileError(
            f"{file_name}: the workspace file is damaged and cannot be opened. Open the last workspace you "
            "saved, or load the exports again.") from None


def _read(data: bytes, file_name: str, new: Callable[[], W], memory_limit: str) -> tuple[W, str]:
    label, tables = decode(data, file_name, memory_limit)
    return filled(new, tables), label


def filled(new: Callable[[], W], tables: Iterable[tuple[str, pa.Table]]) -> W:
    """A new workspace (``new()``) holding ``tables``' rows, ``(table, Arrow batch)`` in order;
    closed again when one cannot go in."""
    ws = new()
    try:
        for name, arrow in tables:
            ws.insert_arrow(name, arrow)
    except BaseException:
        ws.close()
        raise
    return ws


def decode(data: bytes, file_name: str, memory_limit: str) -> tuple[str, Iterator[tuple[str, pa.Table]]]:
    """A saved workspace's label, and its rows as ``(table, Arrow batch)`` in the order they go in.

    The manifest, sizes, counts, pages and the decoded size against ``memory_limit`` are checked
    here (raising :class:`WorkspaceFileError`); the batches are decoded as they are drawn, each
    checked on the way, and each table's bytes are let go once its batches are drawn. Errors other
    than :class:`WorkspaceFileError` are the caller's to word (:func:`read` does)."""
    members = read_members(data, file_name, list(TABLES))
    manifest = read_manifest(members.pop(MANIFEST), file_name)
    if manifest.get("format") != WORKSPACE_FORMAT:
        raise WorkspaceFileError(f"{file_name}: not a saved Bench Strength workspace.")
    version = manifest.get("schema_version", 0)
    if not isinstance(version, int) or version > schema.SCHEMA_VERSION:
        raise WorkspaceFileError(f"{file_name}: saved by a newer version of Bench Strength; update the app to open it.")
    types = {**{t.name: {c.name: c.sql_type for c in t.columns} for t in schema.TABLES.values()},
             **INTERNAL_COLUMNS}
    plans = [open_table(name, f"tables/{name}.parquet", members.pop(f"tables/{name}.parquet"), types[name],
                        file_name)
             for name in TABLES if f"tables/{name}.parquet" in members]
    rows = sum(p.rows for p in plans)
    if rows > MAX_WORKSPACE_ROWS:
        raise WorkspaceFileError(
            f"{file_name}: the workspace holds {rows:,} rows; this server opens at most {MAX_WORKSPACE_ROWS:,}.")
    pages_left = MAX_PAGES
    for p in plans:
        pages_left = check_pages(p, file_name, pages_left)
    check_budget(plans, memory_bytes(memory_limit), file_name)

    def tables() -> Iterator[tuple[str, pa.Table]]:
        while plans:
            p = plans.pop(0)  # each table's bytes are let go once it is in
            for arrow in batches(p, file_name, OPEN_BATCH_ROWS):
                yield p.name, arrow

    return clean_label(manifest.get("label"), "Saved workspace"), tables()
