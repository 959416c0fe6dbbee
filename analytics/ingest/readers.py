"""Readers: uploaded bytes -> a table of text cells, with every row accounted for.

A reader never guesses types: every cell stays text, so that the value parsers can say
exactly which cell was wrong. Rows a reader cannot split into the header's columns (ragged
rows) are returned as rejects with their row number; everything else is a row read.

Row numbers follow the spreadsheet convention: the header is row 1, the first data row is 2.
"""

from __future__ import annotations

import array
import codecs
import csv
import io
import json
import logging
import re
import struct
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analytics.ingest.errors import ExportError
from analytics.ingest.headerless import SAMPLE_LINES, column_kinds, column_names, first_row_is_data
from analytics.ingest.values import byte_lengths, empty_cells

log = logging.getLogger(__name__)

#: Guard rails (named settings, not literals in code).
MAX_XLSX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_XLSX_COMPRESSION_RATIO = 200
#: Parts (files) in a workbook's zip: a workbook has a few dozen, a few hundred with many sheets.
MAX_XLSX_PARTS = 5000
MAX_COLUMNS = 2000
#: Longest column name: CRM field labels are short (Salesforce caps them at 40 characters);
#: a longer "header" is a data line or a file that is not an export.
MAX_HEADER_CHARS = 1000
#: Longest cell of a CSV: Salesforce's long text area, the largest field a CRM export carries,
#: holds 131,072 characters.
MAX_CELL_CHARS = 131_072
#: Longest cell of a workbook: Excel's own limit. A longer cell was not written by Excel (nor
#: can Excel open it whole); such a row is rejected, and exporting as CSV keeps the value.
MAX_XLSX_CELL_CHARS = 32_767
#: Text a workbook's cells may decode to, in UTF-8 bytes as the frame holds it: no more than the
#: largest upload (``server.maxUploadSize``, 200 MB) could hold as CSV. Shared strings let a
#: 239 KB workbook name one 130,000-character value in 10,000 cells: 1.3 GB once decoded.
MAX_XLSX_TEXT_BYTES = 200 * 1024 * 1024
#: Cells read from a workbook (a sheet's used area, empty cells in it included): 10 million
#: (650,000 rows of 15 columns) are read within the reader's time and memory below on 2 cores;
#: CSV has no such limit. The reader before this one (openpyxl) was many times slower, and took
#: minutes over a small file of tens of millions of tiny cells (benchmarks/RESULTS.md).
MAX_XLSX_CELLS = 10_000_000
#: The process that reads a workbook's cells may use this much memory (address space) and CPU
#: time, and is stopped after ``XLSX_READER_SECONDS`` of wall time, the issue's bound for a file
#: to be read or refused (a sheet of MAX_XLSX_CELLS cells fits within both: benchmarks/RESULTS.md).
XLSX_READER_MEMORY_BYTES = 3 << 30
XLSX_READER_SECONDS = 30
SNIFF_BYTES = 64 * 1024
#: Block of a large CSV that each core parses (files over two blocks are read in parallel).
PARALLEL_BLOCK_BYTES = 8 << 20
#: How much of each XML part of a workbook is checked for entity declarations (they can only
#: appear in the prolog, before the first element).
XML_PROLOG_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
#: Share of control characters above which a file is binary, not text.
MAX_CONTROL_SHARE = 0.05
#: A CSV in which more than this many rows, and more than half of the rows read so far, do not
#: fit the header is refused as a whole: its header, delimiter or a trailing separator on every
#: row is wrong, and listing its rows as rejects would only bury that.
RAGGED_REFUSE_FROM = 10_000
#: Rejects (and warnings) of one file written out for the page: the first this many by row.
#: Beyond them only their number is held; the full list is derived again from the file when it
#: is downloaded. (Millions of rejects written one by one held a session for minutes and
#: gigabytes: benchmarks/RESULTS.md.)
REJECTS_KEPT = 1_000

#: File signatures of things people upload by mistake, and what to call them.
_MAGIC = (
    (b"\x89PNG", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF8", "an image (GIF)"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "compressed (gzip)"),
    (b"BZh", "compressed (bzip2)"),
    (b"7z\xbc\xaf\x27\x1c", "compressed (7-Zip)"),
    (b"Rar!", "compressed (RAR)"),
    (b"\x28\xb5\x2f\xfd", "compressed (zstd)"),
)
WHAT_TO_UPLOAD = "Upload the CSV or XLSX file exported from your CRM or spreadsheet."


@dataclass
class Reject:
    """One problem that kept a row out of the workspace."""

    file: str
    row: int
    column: str
    value: str
    reason: str


@dataclass
class RawTable:
    """A file read as text.

    ``frame`` has one text column per header (headers made unique and non-empty), ``rows``
    the row number of each line of ``frame``, and ``rejects`` the rows that could not be
    read (the first :data:`REJECTS_KEPT` of each kind, unless read with ``keep=None``; the
    rest are counted in ``more_rejects``). ``rows_read`` = ``len(frame)`` + rejected rows.
    Read with ``keep=None``, the rows of a CSV that do not fit its header are in
    ``whole_rows`` instead, as a table (row, value, reason), counted in ``more_rejects``.
    """

    file_name: str
    headers: list[str]
    frame: pd.DataFrame
    rows: np.ndarray
    rejects: list[Reject] = field(default_factory=list)
    kind: str = "csv"
    encoding: str = "utf-8"
    delimiter: str = ","
    notes: list[str] = field(default_factory=list)
    #: rows rejected beyond those in ``rejects`` (a reader rejects a row once)
    more_rejects: int = 0
    whole_rows: pd.DataFrame | None = None
    #: the report's footer (Salesforce's "Filtered By:", "Copyright (c) ... salesforce.com",
    #: "Generated By:"...): (row, text) of each line, not rows read, named in ``notes``
    footer: list[tuple[int, str]] = field(default_factory=list)
    #: the file has no header row: its first line is data, its columns are "Column 1" … "Column N"
    headerless: bool = False
    #: what each column's values look like ("ID", "date", "money"…), for a headerless file
    column_kinds: dict[str, str] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return len(self.frame) + len({r.row for r in self.rejects}) + self.more_rejects


def unique_headers(raw_headers: list[str]) -> list[str]:
    """Trim headers, name empty ones, and number repeats so every column has its own name."""
    out: list[str] = []
    seen: dict[str, int] = {}
    taken = {" ".join(str(h if h is not None else "").replace("\ufeff", "").split()).lower() for h in raw_headers}
    for i, h in enumerate(raw_headers, start=1):
        name = " ".join(str(h if h is not None else "").replace("\ufeff", "").split())
        if not name:
            name = f"Column {i}"
        base, n = name, 1
        # a renamed repeat never takes a name that another header really has
        while name.lower() in seen or (n > 1 and name.lower() in taken):
            n += 1
            name = f"{base} ({n})"
        seen[name.lower()] = 1
        out.append(name)
    return out


def read_export(file_name: str, data: bytes, keep: int | None = REJECTS_KEPT) -> RawTable:
    """Read an uploaded export (CSV or XLSX, recognised by content, not by name). ``keep``:
    how many rejects of each kind to write out (None: all of them)."""
    if _blank(data.lstrip(b"\xef\xbb\xbf")):
        raise ExportError(file_name, "the file is empty.")
    head = data[:8]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        table = _read_xlsx(file_name, data, keep)
        if not file_name.lower().endswith((".xlsx", ".xlsm")):
            table.notes.append("The file holds an Excel workbook; it was read as XLSX.")
        return _no_rows_note(table)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if "EncryptionInfo".encode("utf-16-le") in data[:1 << 20]:
            raise ExportError(
                file_name,
                "the workbook is protected with a password, so the app cannot read it. Open it in Excel, "
                "save a copy without the password (File, Info, Protect Workbook) as .xlsx or CSV, and upload that.",
            )
        raise ExportError(
            file_name,
            "this is an old Excel .xls workbook, which the app does not read. "
            "Open it in Excel and save it as .xlsx or CSV, then upload that.",
        )
    for magic, what in _MAGIC:
        if head.startswith(magic):
            advice = "Unpack it and upload the CSV or XLSX inside." if what.startswith("compressed") else WHAT_TO_UPLOAD
            raise ExportError(file_name, f"this file is {what}, not an export. {advice}")
    table = _read_csv(file_name, data, keep)
    if file_name.lower().endswith((".xlsx", ".xls", ".xlsm")):
        table.notes.append("The file is named like an Excel workbook but holds CSV text; it was read as CSV.")
    return _no_rows_note(table)


NO_ROWS = ("The file has its header row but no rows of data (an export of an empty report or view, or "
           "of a filter that matched nothing), so nothing was loaded from it.")


def _no_rows_note(table: RawTable) -> RawTable:
    """A file with a header and no data is no error: it loads no rows, and says so."""
    if table.rows_read == 0:
        table.notes.insert(0, NO_ROWS)
    return table


# --------------------------------------------------------------------------- CSV

_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_LINE_END = re.compile(rb"\r\n|\n|\r")
_SEP_HINT = re.compile(rb"^\s*sep=(.)\s*$", re.IGNORECASE)


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is zero, as in UTF-16 text of mostly
    Latin letters saved without a byte-order mark; None otherwise."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0 : pairs * 2 : 2].count(0), sample[1 : pairs * 2 : 2].count(0)
    if odd >= 0.6 * pairs and even <= 0.05 * pairs:
        return "utf-16-le"
    if even >= 0.6 * pairs and odd <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _byte_as_cp1252(b: int) -> str:
    return chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252")


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as Windows-1252."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(_byte_as_cp1252(b) for b in exc.object[exc.start : exc.end]), exc.end


codecs.register_error("bench-strength-cp1252", _cp1252_fallback)


def _decode_mixed(body: bytes) -> tuple[str, list[int]]:
    """Decode UTF-8 text in which some lines are not UTF-8 (a Windows-1252 line pasted into a
    UTF-8 file): valid UTF-8 stays as it is, every other byte is read as Windows-1252.
    Returns the text and the numbers of the lines that were not all UTF-8."""
    out: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(body.split(b"\n"), start=1):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            if _UTF8_MULTIBYTE.search(line):  # both in one line: byte by byte
                out.append(line.decode("utf-8", errors="bench-strength-cp1252"))
            else:
                out.append(line.decode("cp1252", errors="bench-strength-cp1252"))
            lines.append(number)
    return "\n".join(out), lines


_NOT_SPACE = re.compile(rb"\S")


def _blank(data: bytes) -> bool:
    """True when the bytes hold nothing but whitespace (``not data.strip()``, without copying
    a file of hundreds of megabytes)."""
    return not data or data.isspace()


def _valid_utf8(data: bytes) -> bool:
    """True when the bytes are valid UTF-8. Arrow checks them in place; ``bytes.decode`` would
    build a string as large as the file (a second copy of a 450 MB export) only to drop it."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _decode(file_name: str, data: bytes) -> tuple[bytes, str, list[str]]:
    """The file as UTF-8 bytes without a byte-order mark, the encoding it was written in,
    and notes for the user. Text in no known encoding is refused."""
    raw, encoding = data, ""
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            raw, encoding = data[len(bom) :], bom_encoding
            break
    if encoding and encoding != "utf-8":
        try:
            text = raw.decode(encoding)
            notes = []
        except UnicodeDecodeError:
            text = raw.decode(encoding, errors="replace")
            notes = [f"Some characters are not valid {encoding.upper()} and show as \ufffd; save the file as "
                     "CSV UTF-8 and upload again if names look wrong."]
        return text.lstrip("\ufeff").encode("utf-8"), encoding, notes
    sample = raw[:SNIFF_BYTES]
    if not encoding and b"\x00" in sample:
        wide = _utf16_without_bom(sample)
        if wide:
            text = raw[: len(raw) - len(raw) % 2].decode(wide, errors="replace")
            return text.lstrip("\ufeff").encode("utf-8"), wide, []
    if len(_CONTROL.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        raise ExportError(file_name, "the file is not text (it holds binary data). " + WHAT_TO_UPLOAD)
    while raw.startswith(b"\xef\xbb\xbf"):  # a second byte-order mark, written by a second tool
        raw = raw[3:]
    if _valid_utf8(raw):
        return raw, "utf-8", []
    if _UTF8_MULTIBYTE.search(raw):
        text, lines = _decode_mixed(raw)
        shown = ", ".join(str(n) for n in lines[:5]) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
        many = len(lines) > 1
        note = (f"Line{'s' if many else ''} {shown} of the file {'are' if many else 'is'} not UTF-8 like the rest "
                f"and {'were' if many else 'was'} read as Windows-1252 (Western European). Check the names there, "
                "or save the file as CSV UTF-8 and upload again.")
        return text.encode("utf-8"), "utf-8 and cp1252", [note]
    # Exports saved by Excel on Windows: cp1252, whose five gaps Latin-1 fills.
    try:
        return raw.decode("cp1252").encode("utf-8"), "cp1252", []
    except UnicodeDecodeError:
        return raw.decode("latin-1").encode("utf-8"), "latin-1", []


def _sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the first lines into the most, and most consistent, fields."""
    lines = [ln for ln in sample.splitlines()[:30] if ln.strip()]
    if len(lines) > 1 and len(sample) >= SNIFF_BYTES - 1:
        lines = lines[:-1]  # the last line of a cut sample may be partial
    best, best_score = ",", (0, 0.0)
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        consistent = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = (1 if consistent >= 0.8 else 0, consistent * counts[0])
        if score > best_score:
            best, best_score = delim, score
    return best


def _first_line(body: bytes, row: int = 1) -> tuple[int, int]:
    """(row number, byte offset) of the first line with text; blank lines before the header
    are skipped but counted, so row numbers match what a spreadsheet shows."""
    pos = 0
    while True:
        m = _LINE_END.search(body, pos)
        line = body[pos:] if m is None else body[pos : m.start()]
        if line.strip() or m is None:
            return row, pos
        row += 1
        pos = m.end()


def _read_header(file_name: str, body: bytes, pos: int, row: int, delimiter: str) -> tuple[list[str], int]:
    """The column names of the record starting at ``pos`` and the offset of the bytes after it. Lines end in
    LF, CRLF or a lone CR (old Mac exports); a quoted column name may hold a line break."""
    ends: list[int] = []

    def lines():
        start = pos
        while start < len(body):
            m = _LINE_END.search(body, start)
            end = len(body) if m is None else m.end()
            ends.append(end)
            yield body[start:end].decode("utf-8", errors="replace")
            start = end

    try:
        fields = next(csv.reader(lines(), delimiter=delimiter))
    except csv.Error:  # a name longer than the csv module reads (csv.field_size_limit)
        raise ExportError(file_name, f"a column name in the header row is longer than {csv.field_size_limit():,} "
                                     "characters; real column names are short, so this row is not a header. Check "
                                     "that the first row holds the column names.", row=row) from None
    except StopIteration:
        raise ExportError(file_name, "the header row could not be read. Check that the first row holds the "
                                     "column names, or export the file again.", row=row) from None
    end = ends[-1] if ends else len(body)
    if len(ends) > 1 and end == len(body) and body.count(b'"', pos, end) % 2:
        raise ExportError(file_name, "a quoted column name in the header row opens and is never closed (an "
                                     "unmatched \" character). Fix the quote or export the file again.", row=row)
    return fields, end


#: Bytes counted at a time by :func:`_quotes` (a small, reused temporary).
_COUNT_BLOCK = 1 << 22


def _quotes(body: bytes, start: int) -> int:
    """``body.count(b'"', start)``: none when a search finds none (the usual export without
    quotes), else counted with NumPy a block at a time, three times faster than ``bytes.count``
    (0.13 s for the 1,000,000-deal export: benchmarks/RESULTS.md).

    >>> _quotes(b'"a",b,"c" d', 1), _quotes(b"a,b", 0)
    (3, 0)
    """
    if body.find(b'"', start) < 0:
        return 0
    cells = np.frombuffer(body, dtype=np.uint8)
    return sum(int(np.count_nonzero(cells[at : at + _COUNT_BLOCK] == 34)) for at in range(start, len(cells), _COUNT_BLOCK))


def _unclosed_quote_row(body: bytes, start_at: int, header_row: int, delimiter: str) -> int | None:
    """The row where a quoted value opens and is never closed, or None.

    Paired quotes cannot hide one (a quote inside a quoted value is doubled), so only an odd
    count is checked, with the csv module in strict mode: it accepts a stray quote inside an
    unquoted value (``Monitor 27" deal``) but fails at the end of the data when a quoted
    value never closes. The row reported is where that record starts."""
    if _quotes(body, start_at) % 2 == 0:
        return None
    reader = csv.reader(io.StringIO(body[start_at:].decode("utf-8", errors="replace"), newline=""),
                        delimiter=delimiter, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error:
        return header_row + start
    return None


def _not_a_table(file_name: str, body: bytes) -> None:
    """Refuse text that is plainly not a table: a web page, XML, JSON."""
    start = body[:2048].lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html")) or (start.startswith(b"<") and b"<html" in start):
        raise ExportError(
            file_name,
            "this is a web page (HTML), not an export; often a sign-in or error page saved in place of the "
            "export, or a report's 'Excel' download that is really HTML. Export the report again as CSV or XLSX.",
        )
    if start.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in body[:8192]:
            raise ExportError(file_name, "this is an Excel 2003 XML spreadsheet, which the app does not read. "
                                         "Open it in Excel and save it as .xlsx or CSV, then upload that.")
        raise ExportError(file_name, "this file holds XML, not a table. " + WHAT_TO_UPLOAD)
    end = body[-64:].rstrip()
    if re.match(rb'(\[\s*[\[{"\d-]|\[\s*\]|\{\s*["}])', start) and end.endswith((b"]", b"}")):
        raise ExportError(file_name, "this file holds JSON data, not a table. Export the data as CSV or XLSX "
                                     "and upload that.")


def _cell_problems(table: pa.Table, headers: list[str], check_nul: bool,
                   keep: int | None = REJECTS_KEPT) -> tuple[np.ndarray | None, dict[int, tuple[str, str, str]]]:
    """Rows with a cell no export writes: longer than any CRM field, or holding a NUL
    character. (a mask of those records, or None when there are none; {record index: (column,
    value shown, reason)} for the first ``keep`` of them, all when None: the first problem of a
    row). The rows are found a column at a time; only the written ones are visited one by one."""
    masks: list[tuple[str, pa.Array, np.ndarray, bool]] = []
    for i, name in enumerate(headers):
        col = table.column(i)
        # a character takes at least one byte: only a column with a cell of more bytes than
        # the limit can hold one of more characters (the byte lengths are free, the offsets)
        too_many_bytes = byte_lengths(col)[1] > MAX_CELL_CHARS
        long = pc.greater(pc.utf8_length(col), MAX_CELL_CHARS) if too_many_bytes else None
        if long is not None and pc.any(long).as_py():
            masks.append((name, col, long.to_numpy(zero_copy_only=False), True))
        if check_nul:
            nul = pc.match_substring(col, "\x00")
            if pc.any(nul).as_py():
                masks.append((name, col, nul.to_numpy(zero_copy_only=False), False))
    if not masks:
        return None, {}
    bad = np.logical_or.reduce([m for _, _, m, _ in masks])
    written = np.flatnonzero(bad)[:keep]
    found: dict[int, tuple[str, str, str]] = {}
    for name, col, mask, is_long in masks:  # in column order, a long value before a NUL: the row's first problem
        for j in written[mask[written]]:
            if int(j) in found:
                continue
            value = col[int(j)].as_py()
            found[int(j)] = (name, value[:60] + "…", (
                f"the value is {len(value):,} characters long, more than any CRM field holds "
                f"({MAX_CELL_CHARS:,}); the file may be damaged or not an export")) if is_long else (
                name, value.replace("\x00", "\\0")[:80], (
                    "the value holds a NUL character (a zero byte), a sign of a damaged file; export the file again"))
    return bad, dict(sorted(found.items()))


def _read_csv(file_name: str, data: bytes, keep: int | None = REJECTS_KEPT) -> RawTable:
    body, source_encoding, notes = _decode(file_name, data)
    if _blank(body):
        raise ExportError(file_name, "the file is empty.")
    _not_a_table(file_name, body)
    header_row, pos = _first_line(body)
    delimiter = None
    first = _LINE_END.split(body[pos : pos + 64], maxsplit=1)[0]
    hint = _SEP_HINT.match(first)
    if hint and hint.group(1).decode("utf-8", errors="replace") in DELIMITERS:
        delimiter = hint.group(1).decode()
        notes.append(f"The first line '{first.strip().decode()}' (Excel's delimiter hint) set the delimiter.")
        body = body[pos + len(first) :].lstrip(b"\r\n")
        if _blank(body):
            raise ExportError(file_name, "the file is empty.")
        # Excel hides the hint line, so the header it shows as row 1 stays row 1
        header_row, pos = _first_line(body, header_row)
    if delimiter is None:
        delimiter = _sniff_delimiter(body[pos : pos + SNIFF_BYTES].decode("utf-8", errors="ignore"))
    raw_headers, data_at = _read_header(file_name, body, pos, header_row, delimiter)
    headerless = first_row_is_data(raw_headers, _lines_after(body, data_at, delimiter))
    if headerless:  # the first line is data: read from it, its row number is the first
        raw_headers, data_at, header_row = column_names(len(raw_headers)), pos, header_row - 1
    rest = memoryview(body)[data_at:]  # the rows, without copying them
    if len(raw_headers) > MAX_COLUMNS:
        raise ExportError(
            file_name, f"the file has {len(raw_headers):,} columns; the app reads at most {MAX_COLUMNS:,}. "
                       "Export only the columns you need, or split the file.")
    longest = max((len(h) for h in raw_headers), default=0)
    if longest > MAX_HEADER_CHARS:
        raise ExportError(
            file_name, f"a column name in the header row is {longest:,} characters long; real column names are "
                       "short, so this row is not a header. Check that the first row holds the column names.",
            row=header_row)
    if not any(h.strip() for h in raw_headers):
        raise ExportError(file_name, "the header row has no column names. The first row must name the columns; "
                                     "export the file again with its headers.", row=header_row)
    headers = unique_headers(raw_headers)
    delim_name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[delimiter]
    footer = _csv_footer(body, data_at, delimiter, len(headers)) if len(headers) > 1 else None
    footer_at = footer[0] if footer else len(body)
    if _NOT_SPACE.search(body, data_at, footer_at) is None:
        empty = pd.DataFrame({h: pd.Series([], dtype="str") for h in headers})
        table = RawTable(file_name, headers, empty, np.array([], dtype=np.int64), [], "csv", source_encoding,
                         delim_name, notes)
        if footer:
            lines = body.count(b"\n", data_at, footer_at) + body.count(b"\r", data_at, footer_at) - body.count(
                b"\r\n", data_at, footer_at)
            table.footer = [(header_row + lines + 1 + i, text) for i, text in enumerate(footer[1])]
            notes.append(_footer_note(table.footer))
        return table
    pad_at, padding = (footer_at, 0) if footer else _padding(body, data_at)
    rest = rest[: pad_at - data_at]
    unclosed = _unclosed_quote_row(body, data_at, header_row, delimiter)
    if unclosed is not None:
        raise ExportError(
            file_name,
            "a quoted value opens here and is never closed (an unmatched \" character), so the rows after it "
            "cannot be told apart. Fix the quote or export the file again.",
            row=unclosed,
        )

    # rows that do not fit the header: every one's number, the first ``keep`` written out
    # (numbers, fields, text) in three lists: no object per row for the collector to walk
    bad: tuple[list[int | None], list[int], list[str]] = ([], [], [])
    bad_numbers: list[int | None] = []
    # of them, lines with no value (spaces, or delimiters only): empty rows, not ragged ones
    empty_lines: tuple[array.array, array.array] = (array.array("q"), array.array("q"))  # EMPTY_ROW, SPACES_ROW
    blank_bad = [0]
    last_ragged = [0]
    in_order = [True]
    mostly_ragged: list[int] = []  # set when the file is refused: rows that did not fit, of rows read

    def on_invalid(row: pacsv.InvalidRow) -> str:
        if not in_order[0]:
            # the parallel read stops at the first such row: only the in-order read numbers
            # them, and across threads each one costs many times more (benchmarks/RESULTS.md)
            return "error"
        bad_numbers.append(row.number)
        text = row.text or ""
        why = _no_value(text, delimiter)
        if why is not None:
            blank_bad[0] += 1
            if row.number:
                empty_lines[why == SPACES_ROW].append(header_row + row.number)
            return "skip"
        last_ragged[0] = max(last_ragged[0], row.number or 0)
        if keep is None or len(bad[0]) < keep:
            bad[0].append(row.number)
            bad[1].append(row.actual_columns)
            bad[2].append(text[:200])
        ragged = len(bad_numbers) - blank_bad[0]
        if ragged > RAGGED_REFUSE_FROM and row.number is not None and 2 * ragged > row.number:
            mostly_ragged[:] = [ragged, row.number]
            return "error"
        return "skip"

    # without a quote character no value can hold a line break, and Arrow splits the rows without
    # tracking quotes: the same rows, for less work (benchmarks/RESULTS.md)
    newlines_in_values = body.find(b'"', data_at, pad_at) >= 0

    def parse(threads: bool) -> pa.Table:
        for part in bad:
            part.clear()
        bad_numbers.clear()
        blank_bad[0] = 0
        last_ragged[0] = 0
        for part in empty_lines:
            del part[:]
        in_order[0] = not threads
        return pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(rest)),
            read_options=pacsv.ReadOptions(
                column_names=headers, encoding="utf-8", use_threads=threads,
                block_size=PARALLEL_BLOCK_BYTES if threads else max(1 << 20, min(len(rest) + 1, 64 << 20)),
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=newlines_in_values, invalid_row_handler=on_invalid,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                # large_string is what pandas' Arrow-backed str columns hold: no cast later
                column_types={h: pa.large_string() for h in headers},
                strings_can_be_null=False, quoted_strings_can_be_null=False,
                # ``body`` is valid UTF-8 as a whole (``_decode`` checked it, or wrote it from
                # text), and a cell begins and ends at an ASCII delimiter, quote or line end, so
                # every cell is valid UTF-8 too: checking each again took as long as the parse
                # itself (5,000,000 activities: 1.9 against 0.9 CPU-s; benchmarks/RESULTS.md)
                check_utf8=False,
            ),
        )

    try:
        # A large file is split across the cores; the rows that do not fit the header are only
        # numbered when the file is read in order, so a file that has any is read again so.
        threads = len(rest) > 2 * PARALLEL_BLOCK_BYTES
        try:
            table = parse(threads)
        except (pa.ArrowInvalid, pa.ArrowException):
            if not threads:
                raise
            # a record longer than a block, or a row that does not fit the header: read in order
            table = None
        if threads and table is None:
            table = None  # let the parallel read go before the in-order one
            table = parse(False)
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        if mostly_ragged:
            ragged, read = mostly_ragged
            raise ExportError(
                file_name,
                f"{ragged:,} of its first {read:,} rows have a different number of values than the header's "
                f"{len(headers):,} columns (row {header_row + (bad[0][0] or 0)} has {bad[1][0]:,}), so the values "
                "cannot be matched to the columns. The header row or the delimiter is probably wrong, or every row "
                "ends with an extra separator. Fix the header or export the file again.") from None
        log.info("CSV not readable: %s: %s", file_name, exc)
        raise ExportError(file_name, _explain_arrow_error(str(exc))) from None

    # pyarrow numbers the records after the header from 1, blank lines included.
    rejects: list[Reject] = []
    whole_rows = None
    numbers, fields, texts = bad
    if keep is None:  # all of them: as a table (millions of Reject objects are slow to build)
        whole_rows = pd.DataFrame({
            "row": header_row + np.array([n or 0 for n in numbers], dtype=np.int64),
            "value": pd.Series(texts, dtype="str"),
            "reason": "the row has " + pd.Series(fields, dtype="int64").astype("str")
                      + f" fields where the header has {len(headers)}"})
        for part in bad:
            part.clear()
    rejects = [Reject(file_name, header_row + (n or 0), "(whole row)", text,
                      f"the row has {actual} fields where the header has {len(headers)}")
               for n, actual, text in zip(numbers, fields, texts, strict=True)]
    more = len(bad_numbers) - blank_bad[0] - len(rejects)
    if None in bad_numbers or not bad_numbers:  # (none rejected, usually: every record is a row, in order)
        rows = np.arange(header_row + 1, header_row + 1 + table.num_rows)
    else:
        records = np.arange(1, table.num_rows + len(bad_numbers) + 1)
        rows = header_row + records[~np.isin(records, np.array(bad_numbers, dtype=np.int64))]
    n_lines = table.num_rows + len(bad_numbers)  # records and rows that did not fit, blank lines among them
    del bad_numbers[:]
    damaged, problems = _cell_problems(table, headers, check_nul=body.find(b"\x00", data_at) >= 0, keep=keep)
    for j, (column, value, reason) in problems.items():
        rejects.append(Reject(file_name, int(rows[j]), column, value, reason))
    last_rejected = header_row + last_ragged[0]
    if damaged is not None:
        more += int(damaged.sum()) - len(problems)
        last_rejected = max(last_rejected, int(rows[damaged].max()))
        table = table.filter(pa.array(~damaged))
        rows = rows[~damaged]
    # Arrow's strings become pandas' Arrow-backed ``str`` columns without a copy per cell
    # (building them from Python objects was far slower at millions of rows: benchmarks/RESULTS.md).
    frame = pd.DataFrame({h: table.column(i).to_pandas().astype("str") for i, h in enumerate(headers)},
                         index=pd.RangeIndex(table.num_rows))
    blank, spaces = _empty_records(table)
    empty = blank | spaces
    if empty.any() or len(empty_lines[0]) or len(empty_lines[1]) or padding:
        groups = [(rows[blank], EMPTY_ROW), (rows[spaces], SPACES_ROW),
                  (np.frombuffer(empty_lines[0], np.int64), EMPTY_ROW),
                  (np.frombuffer(empty_lines[1], np.int64), SPACES_ROW)]
        frame = frame[~empty].reset_index(drop=True)
        rows = rows[~empty]
        last = max(header_row, *rows[-1:].tolist(), last_rejected)
        # the blank lines the file ends with were never parsed: they follow its last record
        empties, unwritten = _empty_rows(file_name, groups, last, notes,
                                         (header_row + n_lines + 1, padding), keep)
        rejects += empties
        more += unwritten
    footer_rows = []
    if footer:  # the rows after the last record read
        footer_rows = [(header_row + n_lines + 1 + i, text) for i, text in enumerate(footer[1])]
        notes.append(_footer_note(footer_rows))
    table = RawTable(file_name, headers, frame, rows, rejects, "csv", source_encoding, delim_name, notes, more,
                     whole_rows, footer_rows)
    return _headerless_note(table, header_row + 1) if headerless else table


def _lines_after(body: bytes, at: int, delimiter: str) -> list[list[str]]:
    """The first records after offset ``at`` (a cut last line left out), to judge the line before them."""
    sample = body[at : at + SNIFF_BYTES]
    cut = len(body) > at + SNIFF_BYTES
    try:
        rows = list(csv.reader(io.StringIO(sample.decode("utf-8", errors="replace"), newline=""), delimiter=delimiter))
    except csv.Error:
        return []
    return rows[: len(rows) - 1 if cut else len(rows)][:SAMPLE_LINES]


def _headerless_note(table: RawTable, first_row: int) -> RawTable:
    """A file read without a header row: its columns described, and the report told."""
    table.headerless = True
    table.column_kinds = column_kinds(table.frame)
    described = ", ".join(f"{h} ({k})" for h, k in list(table.column_kinds.items())[:30])
    more = len(table.column_kinds) - 30
    table.notes.insert(0, f"This file has no header row: its first line (row {first_row}) is data and counts as a row "
                          f"read. Its columns are named by position and described by their values: {described}"
                          + (f" and {more} more" if more > 0 else "") + ".")
    return table


#: How a report export's footer starts: a line of one value (its other cells empty) beginning so,
#: in the last lines of the file. Salesforce report exports end with "Filtered By:" and the
#: filters, "Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved.", "Confidential
#: Information - Do Not Distribute", "Generated By: <user> <time>" and the company's name.
_FOOTER_START = re.compile(
    r"^(filtered by\b|applied filters?\b|filters?:|copyright\b|\u00a9|\(c\)\s*\d{4}|confidential information\b|"
    r"generated (by|on)\b|report generated\b|exported (by|on|from)\b|run by\b)", re.IGNORECASE)
#: The footer is looked for in the file's last this many bytes, and is at most this many lines (a
#: footer is a few lines, its filters included: a longer run of one-value lines is data).
FOOTER_BYTES = 64 * 1024
FOOTER_LINES = 200


def _footer_start(values: list[str | None]) -> int | None:
    """Where a report footer starts in a file's last lines, given each line's one value ("" for a
    blank line, None for a line of several values), or None: the footer is the trailing run of
    lines of at most one value, from the first that starts like a footer (with the blank lines
    just before it), so a line of data is never taken for one."""
    run = len(values)
    while run and values[run - 1] is not None:
        run -= 1
    start = next((i for i in range(run, len(values)) if values[i] and _FOOTER_START.match(values[i])), None)
    if start is None:
        return None
    while start > run and values[start - 1] == "":
        start -= 1
    return start if len(values) - start <= FOOTER_LINES else None


def _csv_footer(body: bytes, start: int, delimiter: str, columns: int) -> tuple[int, list[str]] | None:
    """(offset, lines) of a report footer at the end of a CSV's rows (from ``start``), read from
    its last :data:`FOOTER_BYTES` only; None when there is none. A line of fewer values than the
    header's ``columns`` (an unquoted "Copyright (c) ... salesforce.com, inc." split at its comma)
    counts as one value, its text: it could never be a row of data."""
    lo = max(start, len(body) - FOOTER_BYTES)
    if lo > start:  # the first line of the tail may be cut: start after it
        m = _LINE_END.search(body, lo)
        if m is None:
            return None
        lo = m.end()
    offsets, values = [], []
    pos = lo
    while pos < len(body):
        m = _LINE_END.search(body, pos)
        end = len(body) if m is None else m.start()
        line = body[pos:end].decode("utf-8", errors="replace")
        try:
            fields = [f.strip() for f in next(csv.reader([line], delimiter=delimiter), [])]
        except csv.Error:
            fields = ["", ""]
        filled = [f for f in fields if f]
        if len(filled) > 1 and len(fields) < columns:
            filled = [line.strip()]
        offsets.append(pos)
        values.append(filled[0] if len(filled) == 1 else None if filled else "")
        pos = len(body) if m is None else m.end()
    at = _footer_start(values)
    if at is None:
        return None
    cut = offsets[at]
    # never inside a quoted value: the quotes before the footer, and in it, must pair up
    if body.count(b'"', start, cut) % 2 or body.count(b'"', cut) % 2:
        return None
    last = max(i for i, v in enumerate(values) if v)
    return cut, [v or "" for v in values[at : last + 1]]


def _footer_note(footer: list[tuple[int, str]]) -> str:
    """The note for a footer: its rows and the kinds of its lines ("Filtered By", "Copyright
    (c)"...), never their text, which can name people who are not in the data (the user who
    generated the report) and so could not be anonymised; the lines are listed with the rejects."""
    kinds: list[str] = []
    for _, text in footer:
        m = _FOOTER_START.match(text)
        kind = " ".join(m.group(0).split()).rstrip(":") if m else ""
        if kind and kind.lower() not in (k.lower() for k in kinds):
            kinds.append(kind)
    first, last = footer[0][0], footer[-1][0]
    where = f"Row {first:,} is" if first == last else f"Rows {first:,} to {last:,} are"
    return (f"{where} the report's footer ({', '.join(repr(k) for k in kinds)}), not data, and "
            f"{'was' if first == last else 'were'} not read; {'it is' if first == last else 'they are'} listed "
            "in the import report, beside the rejected rows.")


EMPTY_ROW = "empty row"
SPACES_ROW = "empty row (only spaces)"


def _no_value(text: str, delimiter: str) -> str | None:
    """For a line that does not split into the header's fields: ``EMPTY_ROW`` or ``SPACES_ROW``
    when none of its fields holds a value (``,,`` or spaces), else None."""
    if text.replace(delimiter, "").replace('"', "").strip():
        return None  # the usual ragged row: a value outside quotes and delimiters
    try:
        fields = next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error:
        return None
    if any(f.strip() for f in fields):
        return None  # a quote character as the value
    return SPACES_ROW if any(fields) or text.strip(delimiter + '"') else EMPTY_ROW


def _empty_records(table: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Records with no value: ``blank`` where every cell is empty, ``spaces`` where every cell is
    empty or whitespace and one is not empty. Each column after the first is checked only on the
    records still without a value, so a file of filled rows costs a scan of its first column
    (milliseconds: benchmarks/RESULTS.md).

    >>> t = pa.table({"a": ["x", "", " ", ""], "b": ["", "", "", "y"]})
    >>> [m.tolist() for m in _empty_records(t)]
    [[False, True, False, False], [False, False, True, False]]
    """
    n = table.num_rows
    if not table.num_columns or not n:
        return np.zeros(n, bool), np.zeros(n, bool)
    todo: np.ndarray | None = None  # the records still without a value (None: all of them)
    empty = np.ones(0, bool)  # of the records in ``todo``: every cell so far is ""
    for col in table.columns:
        if todo is not None and not len(todo):
            break
        cells = col if todo is None or len(todo) == n else col.take(pa.array(todo))
        none = empty_cells(cells)
        nothing = none | pc.utf8_is_space(cells).to_numpy(zero_copy_only=False)
        if todo is None:  # the first column: its blank cells' records, without a list of every record
            todo, empty = np.flatnonzero(nothing), none[nothing]
        else:
            empty = (empty & none)[nothing]
            todo = todo[nothing]
    blank, spaces = np.zeros(n, bool), np.zeros(n, bool)
    blank[todo[empty]] = True
    spaces[todo[~empty]] = True
    return blank, spaces


def _padding(body: bytes, start: int) -> tuple[int, int]:
    """(offset, lines) of the blank lines a file ends with, after the line of its last text (a
    sheet saved with empty rows under its data). They are counted here and never parsed: a file
    of a million blank lines would otherwise become a million empty rows of every column. The
    file is read from its end, a block at a time, so the cost is that of the blank lines."""
    pos = len(body)
    while pos > start:
        lo = max(start, pos - (1 << 20))
        kept = len(body[lo:pos].rstrip())
        if kept:
            break
        pos = lo
    else:
        return len(body), 0
    end = _LINE_END.search(body, lo + kept)  # the last line with text keeps its line end
    if end is None:
        return len(body), 0
    cut = end.end()
    lines = body.count(b"\n", cut) + body.count(b"\r", cut) - body.count(b"\r\n", cut)
    if cut < len(body) and body[-1:] not in (b"\n", b"\r"):
        lines += 1  # spaces after the last line end
    return cut, lines


def _empty_rows(file_name: str, groups: list[tuple[np.ndarray, str]], last_with_values: int,
                notes: list[str], padding: tuple[int, int] = (0, 0),
                keep: int | None = REJECTS_KEPT) -> tuple[list[Reject], int]:
    """Empty rows among the data (``groups``: row numbers, reason) are rows read and rejected
    with the reason; those after the last row with a value, and ``padding`` (first row, count:
    blank lines the reader did not parse), are the file's padding (a sheet saved with formatted
    empty rows under its data, a trailing blank line): not rows read, and named in a note,
    counted, not listed, so that a million blank lines cost no million objects. Returns the
    first ``keep`` of the rejected ones by row (all when None) and how many more there are."""
    among = [(rows[rows < last_with_values], reason) for rows, reason in groups]
    numbers = np.concatenate([r for r, _ in among]) if among else np.array([], np.int64)
    reasons = np.concatenate([np.full(len(r), i) for i, (r, _) in enumerate(among)]) if among else numbers
    order = np.argsort(numbers, kind="stable")
    written = order if keep is None else order[:keep]
    rejects = [Reject(file_name, int(numbers[i]), "(whole row)", "", among[int(reasons[i])][1]) for i in written]
    after = [rows[rows > last_with_values] for rows, _ in groups]
    k = sum(len(a) for a in after) + padding[1]
    if k:
        first = min([int(a.min()) for a in after if len(a)] + ([padding[0]] if padding[1] else []))
        where = f"row {first:,}" if k == 1 else f"rows {first:,} to {first + k - 1:,}"
        notes.append(f"{'An empty row' if k == 1 else f'{k:,} empty rows'} after the last row with values ({where}) "
                     f"{'was' if k == 1 else 'were'} not read.")
    return rejects, len(numbers) - len(rejects)


def _explain_arrow_error(message: str) -> str:
    low = message.lower()
    if "quote" in low or "unterminated" in low or "eof" in low:
        return ("a quoted value is never closed (an unmatched \" character), so the rows after it cannot be split. "
                "Fix the quote or export the file again.")
    if "straddling" in low or "block" in low:
        return "a line is too long to read. Check that the file is a CSV export."
    return "the file could not be read as CSV. Open it in a spreadsheet, save it as CSV UTF-8, and upload it again."


# --------------------------------------------------------------------------- XLSX

_DAMAGED = ("the workbook is damaged or is not a real Excel file, so it could not be read. Open it in Excel and "
            "save it again as .xlsx, or export the sheet as CSV, and upload that.")
_ENTITY = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_FORMULA_WITHOUT_VALUE = re.compile(rb"</f>\s*</c>|<f\b[^>]*/>\s*</c>")


def _check_package(file_name: str, data: bytes) -> tuple[list[str], list[str]]:
    """Refuse a zip that is not a workbook, or one built to exhaust the reader, before any
    XML is parsed: sizes are the zip's own declarations (Python's zip reader never reads
    past them), and entity declarations, which Excel never writes, are looked for in the
    prolog of every XML part. Returns the names of the parts whose cells are counted (every part
    but the shared strings: the reader follows the workbook's relationships wherever they point)
    and of the shared strings part."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
            names = {i.filename for i in infos}
            if total > MAX_XLSX_UNCOMPRESSED_BYTES or total / packed > MAX_XLSX_COMPRESSION_RATIO:
                raise ExportError(
                    file_name,
                    f"the workbook unpacks to {total / 1e6:,.0f} MB from {packed / 1e6:,.1f} MB; that is too large "
                    "to be a real export (a 'zip bomb'), so it was not opened. Export the sheet as CSV instead.",
                )
            if len(infos) > MAX_XLSX_PARTS:
                raise ExportError(file_name, f"the workbook is made of {len(infos):,} parts, far more than an export "
                                             "has, so it was not opened. Export the sheet as CSV instead.")
            if "xl/workbook.xml" not in names:
                raise ExportError(file_name, "this is a zip archive, not an Excel workbook. Unzip it and upload "
                                             "the CSV or XLSX files inside.")
            for info in infos:
                if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    continue
                with zf.open(info) as part:
                    prolog = part.read(XML_PROLOG_BYTES)
                if _ENTITY.search(prolog) or _ENTITY.search(prolog.replace(b"\x00", b"")):
                    raise ExportError(
                        file_name,
                        "the workbook contains XML entity declarations, which Excel never writes; they can make a "
                        "reader expand a few bytes into gigabytes (an 'XML bomb') or read other files, so it was "
                        "not opened. Open it in Excel and save it again, or export the sheet as CSV.",
                    )
    except ExportError:
        raise
    except Exception:  # a damaged zip raises several types (BadZipFile, EOFError, zlib.error)
        log.info("workbook package not readable: %s", file_name, exc_info=True)
        raise ExportError(file_name, "the file looks like an Excel workbook but is damaged (not a valid zip). "
                                     "Open it in Excel and save it again, or export the sheet as CSV.") from None
    # the reader finds parts by name without case, and a sheet wherever the relationships point
    strings = sorted(n for n in names if n.lower() == "xl/sharedstrings.xml")
    return sorted(n for n in names if n not in strings and not n.endswith("/")), strings


#: Counted in the sheet XML before it is parsed: a cell's start tag (``<c`` also begins a few
#: other, rare tags, and ``:c`` a prefixed one and its end: counted too, which only errs high),
#: and a cell naming a shared string as every writer spells it (``t="s"`` and then ``<v>``; a
#: cell spelled otherwise is still counted by the reader as it reads, see ``xlsx_child.py``).
_CELL_TAGS = (b"<c", b":c")
_SHARED_TYPE = (b't="s"', b"t='s'")
_SHARED_CELL = re.compile(rb't="s"[^>]*>\s*<v>(\d{1,10})</v>')
_PREFIXED_STRING_ITEM = re.compile(rb"<[A-Za-z_][\w.-]*:si[\s/>]")
#: Bytes of a part read at a time while it is scanned, and carried over between pieces (longer
#: than any pattern counted, so none is missed or counted twice at a boundary).
_SCAN_BLOCK = 1 << 20
_SCAN_OVERLAP = 64


def _pieces(zf: zipfile.ZipFile, name: str):
    """(overlap, piece) of a part, unpacked a block at a time: never beyond its declared size
    (Python's zip reader, like calamine's, refuses a part larger than it declares)."""
    with zf.open(name) as part:
        before = b""
        while piece := part.read(_SCAN_BLOCK):
            yield before, piece
            before = piece[-_SCAN_OVERLAP:]


def _count(before: bytes, piece: bytes, needles: tuple[bytes, ...]) -> int:
    """Occurrences of ``needles`` that end in ``piece``, counting those that start in the
    ``before`` carried over (and not those wholly in it, counted with the piece before)."""
    edge = before[-16:] + piece[:16]
    return sum(piece.count(n) + edge.count(n) - before[-16:].count(n) - piece[:16].count(n) for n in needles)


def _string_item_starts(joined: bytes, skip: int) -> np.ndarray:
    """Offsets of the ``<si`` start tags (any prefix) in ``joined`` that end after ``skip``."""
    b = np.frombuffer(joined, np.uint8)
    if len(b) < 4:
        return np.zeros(0, np.int64)
    after = b[3:]
    at = np.flatnonzero((b[:-3] == 60) & (b[1:-2] == 115) & (b[2:-1] == 105)
                        & ((after == 62) | (after == 47) | (after == 32) | (after == 9) | (after == 10) | (after == 13)))
    if b":si" in joined:
        at = np.union1d(at, [m.start() for m in _PREFIXED_STRING_ITEM.finditer(joined)])
    return at[at + 4 > skip].astype(np.int64)


def _string_lengths(zf: zipfile.ZipFile, names: list[str]) -> np.ndarray:
    """An upper bound of the decoded size of each shared string, in UTF-8 bytes: the bytes of
    its XML (entities, escapes and markup only shrink when decoded)."""
    longest = np.zeros(0, np.int64)
    for name in names:  # one, xl/sharedStrings.xml; the reader takes the first of any case
        starts: list = []
        offset = 0
        for before, piece in _pieces(zf, name):
            joined = before + piece
            starts.append(offset - len(before) + _string_item_starts(joined, len(before)))
            offset += len(piece)
        starts = np.unique(np.concatenate(starts)) if starts else np.zeros(0, np.int64)
        # at least 11 bytes of each span are tags (<si>, <t> and </t>, which hold its text)
        lengths = np.maximum(np.diff(np.append(starts, offset)) - 11, 0) if len(starts) else np.zeros(0, np.int64)
        if len(lengths) > len(longest):
            lengths, longest = longest, lengths
        longest[: len(lengths)] = np.maximum(longest[: len(lengths)], lengths)
    return longest


def _scan_sheets(file_name: str, data: bytes, parts: list[str], string_parts: list[str]) -> bool:
    """Bound the work and memory of reading a workbook before it is parsed, from its XML itself
    (never from what the file declares): the cells of its parts are counted, and the text its
    shared strings would expand to (each cell naming one is decoded as a copy of it) is bounded,
    in one pass that unpacks each part a block at a time. Returns True when a sheet has formulas
    with no saved value (a workbook written by a program and never calculated)."""
    cells = shared = matched = named = 0
    formulas = False
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        lengths = _string_lengths(zf, string_parts)
        longest = int(lengths.max()) if len(lengths) else 0
        # which string each cell names is read only when the longest could pass the bound: a
        # cell naming one takes at least 21 bytes (<c t="s"><v>0</v></c>) of what the parts declare
        declared = sum(zf.getinfo(n).file_size for n in parts)
        exact = longest * (declared // 21) > MAX_XLSX_TEXT_BYTES
        for name in parts:
            for before, piece in _pieces(zf, name):
                cells += _count(before, piece, _CELL_TAGS)
                if longest:
                    shared += _count(before, piece, _SHARED_TYPE)
                if exact and (found := _SHARED_CELL.findall(piece)):
                    refs = np.array(found, dtype="S10").astype(np.int64)
                    inside = refs < len(lengths)
                    named += int(lengths[refs[inside]].sum()) + int((~inside).sum()) * longest
                    matched += len(found)
                if not formulas and _FORMULA_WITHOUT_VALUE.search(before + piece):
                    formulas = True
                if cells > MAX_XLSX_CELLS:
                    raise ExportError(
                        file_name,
                        f"the workbook holds more than {MAX_XLSX_CELLS:,} cells, the most the app reads from a "
                        "workbook (reading more would hold a processor for minutes). Export the sheet as CSV, "
                        "which has no such limit, and upload that.")
    # a cell whose reference was not read (cut by a block boundary) counts as naming the longest
    total = named + max(0, shared - matched) * longest
    if total > MAX_XLSX_TEXT_BYTES:
        raise ExportError(
            file_name,
            f"its cells repeat shared text that decodes to about {total / (1 << 20):,.0f} MB, more than the "
            f"{MAX_XLSX_TEXT_BYTES // (1 << 20)} MB the largest upload could hold as CSV, so it was not read. "
            "Export the sheet as CSV and upload that.")
    return formulas


_CHILD = Path(__file__).with_name("xlsx_child.py")


def _child_refusal(file_name: str, code: str, row: int | None) -> ExportError:
    kind, _, rest = code.partition(":")
    if kind == "damaged":
        return ExportError(file_name, _DAMAGED)
    if kind == "no sheets":
        return ExportError(file_name, "the workbook has no sheets. Open it in Excel, check that the data is "
                                      "there, and save it again.")
    if kind == "area":
        height, width = (int(x) for x in rest.split(":"))
        return ExportError(
            file_name,
            f"a sheet's used area spans {height:,} rows and {width:,} columns ({height * width:,} cells), more than "
            f"the {MAX_XLSX_CELLS:,} cells the app reads from a workbook; often a stray value far below or to the "
            "right of the data. Delete it and save, or export the sheet as CSV, and upload that.")
    if kind == "text":
        return ExportError(
            file_name,
            f"its cells hold more than {MAX_XLSX_TEXT_BYTES // (1 << 20)} MB of text by row {int(rest):,}, more "
            f"than the largest upload ({MAX_XLSX_TEXT_BYTES // (1 << 20)} MB) could hold as CSV, so it was not "
            "read. Export the sheet as CSV and upload that.")
    if kind == "columns":
        return ExportError(file_name, f"the sheet has {int(rest):,} columns; the app reads at most {MAX_COLUMNS:,}. "
                                      "Export only the columns you need.")
    if kind == "header":
        return ExportError(file_name, f"a column name in the header row is {int(rest):,} characters long; real "
                                      "column names are short, so this row is not a header. Check that the first "
                                      "row holds the column names.", row=row)
    if kind == "memory":
        return _out_of_memory(file_name)
    raise ValueError(code)


def _out_of_memory(file_name: str) -> ExportError:
    return ExportError(
        file_name,
        f"reading the workbook needed more than {XLSX_READER_MEMORY_BYTES / (1 << 30):,.0f} GB of memory, the most "
        "the app gives one file, so it was stopped; its sheet probably spans far more cells than it holds values "
        "(a stray value far from the data). Export the sheet as CSV and upload that.")


def _read_cells(file_name: str, data: bytes, keep: int | None) -> tuple[dict, list[memoryview]]:
    """The first sheet with data, read by ``xlsx_child.py`` in a process of its own (capped in
    memory and time; see there): its meta and binary parts."""
    limits = {"max_cells": MAX_XLSX_CELLS, "max_text_bytes": MAX_XLSX_TEXT_BYTES,
              "max_cell_chars": MAX_XLSX_CELL_CHARS, "max_columns": MAX_COLUMNS,
              "max_header_chars": MAX_HEADER_CHARS, "keep": keep,
              "memory_bytes": XLSX_READER_MEMORY_BYTES, "cpu_seconds": XLSX_READER_SECONDS}
    try:
        done = subprocess.run([sys.executable, "-I", str(_CHILD), json.dumps(limits)], input=data,
                              capture_output=True, timeout=XLSX_READER_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        log.info("workbook reader stopped after %s s: %s", XLSX_READER_SECONDS, file_name)
        raise ExportError(file_name, f"reading the workbook took longer than {XLSX_READER_SECONDS} seconds, so it "
                                     "was stopped. Export the sheet as CSV and upload that.") from None
    except OSError:  # no process could be started (the machine is out of memory or processes)
        log.warning("workbook reader could not start: %s", file_name, exc_info=True)
        raise ExportError(file_name, "the server could not start reading the workbook just now. Try again in a "
                                     "moment, or export the sheet as CSV and upload that.") from None
    out = done.stdout
    if done.returncode != 0 or out[:2] not in (b"OK", b"NO"):
        # killed at its memory or CPU limit (an allocation it cannot make aborts it)
        log.info("workbook reader ended with %s: %s: %s", done.returncode, file_name, done.stderr[-2000:])
        if done.returncode < 0 or b"memory allocation" in done.stderr or b"MemoryError" in done.stderr:
            raise _out_of_memory(file_name)
        raise ExportError(file_name, _DAMAGED)
    try:
        if out[:2] == b"NO":
            refusal = json.loads(out[2:])
            error = _child_refusal(file_name, refusal["message"], refusal["row"])
        else:
            (size,) = struct.unpack("<Q", out[2:10])
            meta = json.loads(out[10 : 10 + size])
            view, at, parts = memoryview(out), 10 + size, []
            for n in meta["parts"]:
                parts.append(view[at : at + n])
                at += n
            if at != len(out) or len(parts) < 3:
                raise ValueError("the reader's answer is cut short")
            return meta, parts
    except Exception:  # an answer this reader never writes: say so, never show the cause
        log.warning("workbook reader answered oddly: %s", file_name, exc_info=True)
        raise ExportError(file_name, _DAMAGED) from None
    raise error


def _text_column(offsets: memoryview, text: memoryview, rows: int) -> pd.Series:
    """One column as pandas' Arrow-backed ``str``, wrapping the reader's buffers (no copy per cell)."""
    array = pa.Array.from_buffers(pa.large_string(), rows, [None, pa.py_buffer(offsets), pa.py_buffer(text)])
    array.validate(full=True)
    return array.to_pandas().astype("str")


def _read_xlsx(file_name: str, data: bytes, keep: int | None = REJECTS_KEPT) -> RawTable:
    sheet_parts, string_parts = _check_package(file_name, data)
    try:
        formulas = _scan_sheets(file_name, data, sheet_parts, string_parts)
    except ExportError:
        raise
    except Exception:  # a damaged part (a bad checksum, a part that lies about its size)
        log.info("workbook sheet not readable: %s", file_name, exc_info=True)
        raise ExportError(file_name, _DAMAGED) from None
    meta, parts = _read_cells(file_name, data, keep)
    if meta["header_row"] is None:
        raise ExportError(file_name, "the sheet is empty. Check that the workbook's first sheet holds the data "
                                     "with a header row, save it, and upload it again.")
    header_row = meta["header_row"]
    headers = unique_headers(meta["headers"])
    try:
        kept_rows, empty_rows, spaces_rows = (np.frombuffer(p, np.int64) for p in parts[:3])
        n = len(kept_rows)
        frame = pd.DataFrame({h: _text_column(parts[3 + 2 * j], parts[4 + 2 * j], n) for j, h in enumerate(headers)},
                             index=pd.RangeIndex(n))
    except Exception:  # buffers that do not fit together: never from this reader
        log.warning("workbook reader's columns do not fit: %s", file_name, exc_info=True)
        raise ExportError(file_name, _DAMAGED) from None
    notes: list[str] = []
    headerless = len(frame) > 0 and first_row_is_data(
        [str(h if h is not None else "") for h in meta["headers"]], frame.head(SAMPLE_LINES).values.tolist())
    if headerless:  # the first row is data: it goes back in front of the others
        headers = column_names(len(headers))
        first = pd.DataFrame({h: pd.Series([str(v if v is not None else "")], dtype="str")
                              for h, v in zip(headers, meta["headers"], strict=True)})
        frame = pd.concat([first, frame.set_axis(headers, axis=1)], ignore_index=True)
        kept_rows = np.concatenate([[header_row], kept_rows]).astype(np.int64)
        header_row -= 1
    last_row = meta["last_row"] or header_row
    footer = _xlsx_footer(frame, kept_rows, header_row, meta) if meta["more"] == 0 and len(headers) > 1 else []
    if footer:
        first = footer[0][0]
        n = int(np.searchsorted(kept_rows, first))
        frame, kept_rows = frame.iloc[:n], kept_rows[:n]
        empty_rows, spaces_rows = empty_rows[empty_rows < first], spaces_rows[spaces_rows < first]
        last_row = first - 1
    rejects, more = _empty_rows(file_name, [(empty_rows, EMPTY_ROW), (spaces_rows, SPACES_ROW)],
                                last_row, notes, keep=keep)
    if footer:
        notes.append(_footer_note(footer))
    rejects += [Reject(file_name, row, column, value, reason) for row, column, value, reason in meta["rejects"]]
    more += meta["more"]
    if meta["sheets"] > 1:
        notes.append(f"The workbook has {meta['sheets']} sheets; the first with data ('{meta['title']}') was read.")
    if formulas:
        notes.append("The workbook has formulas with no saved value (it was written by a program and never "
                     "calculated), so those cells read as blank. Open it in Excel, save it, and upload it again.")
    table = RawTable(file_name, headers, frame, kept_rows.astype(np.int64), rejects, "xlsx", "xlsx", "", notes, more,
                     footer=footer)
    return _headerless_note(table, header_row + 1) if headerless else table


#: Rows at the end of a sheet looked at for a report footer, and the most rows (blank ones among
#: them) a footer may span.
XLSX_FOOTER_ROWS = 200
XLSX_FOOTER_SPAN = 10_000


def _xlsx_footer(frame: pd.DataFrame, rows: np.ndarray, header_row: int, meta: dict) -> list[tuple[int, str]]:
    """(row, text) of a report footer at the end of a sheet's rows (blank rows in it as ""),
    or []: the same rule as a CSV's (:func:`_footer_start`), on the sheet's last rows."""
    tail = frame.iloc[-XLSX_FOOTER_ROWS:]
    if tail.empty:
        return []
    filled = [[v.strip() for v in r if isinstance(v, str) and v.strip()] for r in tail.itertuples(index=False)]
    values = [f[0] if len(f) == 1 else None if f else "" for f in filled]
    at = _footer_start(values)
    if at is None:
        return []
    tail_rows = rows[-len(tail):]
    before = rows[: len(rows) - len(tail) + at]
    first = int(before[-1]) + 1 if len(before) else header_row + 1
    last = int(tail_rows[-1])
    # a row the reader rejected (an extra cell) inside the footer: not a footer as exports write it
    if last - first >= XLSX_FOOTER_SPAN or any(r >= first for r, *_ in meta["rejects"]):
        return []
    text = {int(r): v for r, v in zip(tail_rows[at:], values[at:], strict=True)}
    return [(r, text.get(r) or "") for r in range(first, last + 1)]
