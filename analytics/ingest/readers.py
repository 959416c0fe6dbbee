"""Readers: uploaded bytes -> a table of text cells, with every row accounted for.

A reader never guesses types: every cell stays text, so that the value parsers can say
exactly which cell was wrong. Rows a reader cannot split into the header's columns (ragged
rows) are returned as rejects with their row number; everything else is a row read.

Row numbers follow the spreadsheet convention: the header is row 1, the first data row is 2.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analytics.ingest.errors import ExportError

#: Guard rails (named settings, not literals in code).
MAX_XLSX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_XLSX_COMPRESSION_RATIO = 200
MAX_COLUMNS = 2000
SNIFF_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")


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
    read. ``rows_read`` = ``len(frame)`` + rejected rows.
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

    @property
    def rows_read(self) -> int:
        return len(self.frame) + len({r.row for r in self.rejects})


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


def read_export(file_name: str, data: bytes) -> RawTable:
    """Read an uploaded export (CSV or XLSX, recognised by content, not by name)."""
    if not data or not data.lstrip(b"\xef\xbb\xbf").strip():
        raise ExportError(file_name, "the file is empty.")
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        table = _read_xlsx(file_name, data)
        if not file_name.lower().endswith((".xlsx", ".xlsm")):
            table.notes.append("The file holds an Excel workbook; it was read as XLSX.")
        return table
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExportError(
            file_name,
            "this is an old Excel .xls workbook, which the app does not read. "
            "Open it in Excel and save it as .xlsx or CSV, then upload that.",
        )
    table = _read_csv(file_name, data)
    if file_name.lower().endswith((".xlsx", ".xls", ".xlsm")):
        table.notes.append("The file is named like an Excel workbook but holds CSV text; it was read as CSV.")
    return table


# --------------------------------------------------------------------------- CSV


def _decode_sample(file_name: str, data: bytes) -> tuple[str, str, int]:
    """Return (encoding for pyarrow, decoded sample, bytes to skip for the BOM)."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return "utf-16", data[: SNIFF_BYTES * 2].decode("utf-16", errors="replace"), 0
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    sample = data[skip : skip + SNIFF_BYTES]
    if b"\x00" in sample:
        raise ExportError(file_name, "the file is not text (it holds binary data). Upload a CSV or XLSX export.")
    try:
        data[skip:].decode("utf-8")
        return "utf-8", sample.decode("utf-8", errors="ignore"), skip
    except UnicodeDecodeError:
        pass
    # Exports saved by Excel on Windows: cp1252, whose gaps latin-1 fills.
    try:
        data[skip:].decode("cp1252")
        return "cp1252", sample.decode("cp1252"), skip
    except UnicodeDecodeError:
        return "latin-1", sample.decode("latin-1"), skip


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


def _split_header(body: bytes) -> tuple[int, bytes, bytes]:
    """(row number of the header, header line, the bytes after it); blank lines before the
    header are skipped but counted, so row numbers match what a spreadsheet shows."""
    row = 1
    pos = 0
    while True:
        nl = body.find(b"\n", pos)
        line = body[pos:] if nl < 0 else body[pos:nl]
        if line.strip() or nl < 0:
            rest = b"" if nl < 0 else body[nl + 1 :]
            return row, line.rstrip(b"\r"), rest
        row += 1
        pos = nl + 1


def _unclosed_quote_row(rest: bytes, header_row: int, encoding: str, delimiter: str) -> int | None:
    """The row where a quoted value opens and is never closed, or None.

    Paired quotes cannot hide one (a quote inside a quoted value is doubled), so only an odd
    count is checked, with the csv module in strict mode: it accepts a stray quote inside an
    unquoted value (``Monitor 27" deal``) but fails at the end of the data when a quoted
    value never closes. The row reported is where that record starts."""
    if rest.count(b'"') % 2 == 0:
        return None
    reader = csv.reader(io.StringIO(rest.decode(encoding, errors="replace"), newline=""),
                        delimiter=delimiter, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error:
        return header_row + start
    return None


def _read_csv(file_name: str, data: bytes) -> RawTable:
    encoding, sample, skip = _decode_sample(file_name, data)
    body = data[skip:]
    if encoding == "utf-16":
        body = body.decode("utf-16").encode("utf-8")
        encoding = "utf-8"
    if not body.strip():
        raise ExportError(file_name, "the file is empty.")
    delimiter = _sniff_delimiter(sample)
    header_row, header_line, rest = _split_header(body)
    try:
        raw_headers = next(csv.reader([header_line.decode(encoding, errors="replace")], delimiter=delimiter))
    except (csv.Error, StopIteration):
        raise ExportError(file_name, "the header row could not be read.", row=header_row) from None
    if len(raw_headers) > MAX_COLUMNS:
        raise ExportError(
            file_name, f"the file has {len(raw_headers):,} columns; the app reads at most {MAX_COLUMNS:,}."
        )
    headers = unique_headers(raw_headers)
    delim_name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[delimiter]
    if not rest.strip():
        empty = pd.DataFrame({h: pd.Series([], dtype="str") for h in headers})
        return RawTable(file_name, headers, empty, np.array([], dtype=np.int64), [], "csv", encoding, delim_name)
    unclosed = _unclosed_quote_row(rest, header_row, encoding, delimiter)
    if unclosed is not None:
        raise ExportError(
            file_name,
            "a quoted value opens here and is never closed (an unmatched \" character), so the rows after it "
            "cannot be told apart. Fix the quote or export the file again.",
            row=unclosed,
        )

    bad: list[tuple[int | None, int, int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append((row.number, row.expected_columns, row.actual_columns, row.text or ""))
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(rest),
            read_options=pacsv.ReadOptions(
                column_names=headers, encoding=encoding, use_threads=False,
                block_size=max(1 << 20, min(len(rest) + 1, 64 << 20)),
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in headers},
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise ExportError(file_name, _explain_arrow_error(str(exc))) from None

    frame = pd.DataFrame({h: table.column(i).to_numpy(zero_copy_only=False) for i, h in enumerate(headers)})
    frame = frame.astype("str") if len(frame.columns) else frame
    # pyarrow numbers the records after the header from 1, blank lines included.
    bad_numbers = [b[0] for b in bad]
    rejects = [
        Reject(file_name, header_row + (n or 0), "(whole row)", text[:200],
               f"the row has {actual} fields where the header has {expected}")
        for n, expected, actual, text in bad
        if text.strip()
    ]
    if None in bad_numbers:
        rows = np.arange(header_row + 1, header_row + 1 + len(frame))
    else:
        records = np.arange(1, len(frame) + len(bad_numbers) + 1)
        rows = header_row + records[~np.isin(records, np.array(bad_numbers, dtype=np.int64))]
    notes = []
    blank = (frame == "").all(axis=1).to_numpy() if len(frame.columns) else np.zeros(len(frame), bool)
    if blank.any():
        frame = frame[~blank].reset_index(drop=True)
        rows = rows[~blank]
        notes.append(f"{int(blank.sum())} empty line(s) skipped.")
    return RawTable(file_name, headers, frame, rows, rejects, "csv", encoding, delim_name, notes)


def _explain_arrow_error(message: str) -> str:
    low = message.lower()
    if "quote" in low or "unterminated" in low or "eof" in low:
        return "a quoted value is never closed (an unmatched \" character), so the rows after it cannot be split. Fix the quote or re-export the file."
    if "straddling" in low or "block" in low:
        return "a line is too long to read. Check that the file is a CSV export."
    first = message.splitlines()[0] if message else "unknown problem"
    return f"the file could not be read as CSV ({first[:160]})."


# --------------------------------------------------------------------------- XLSX


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _read_xlsx(file_name: str, data: bytes) -> RawTable:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        raise ExportError(file_name, "the file looks like an Excel workbook but is damaged (not a valid zip).") from None
    if total > MAX_XLSX_UNCOMPRESSED_BYTES or total / packed > MAX_XLSX_COMPRESSION_RATIO:
        raise ExportError(
            file_name,
            f"the workbook unpacks to {total / 1e6:,.0f} MB from {packed / 1e6:,.1f} MB; "
            "that is too large to be a real export (a 'zip bomb'). Export the sheet as CSV instead.",
        )
    if "xl/workbook.xml" not in names:
        raise ExportError(file_name, "the zip file is not an Excel workbook. Upload a CSV or XLSX export.")
    import openpyxl  # imported here: only XLSX uploads pay for it

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise ExportError(file_name, f"the workbook could not be opened ({type(exc).__name__}).") from None
    try:
        sheet = None
        header_row, headers_raw, records, rows = None, [], [], []
        for candidate in wb.worksheets:  # the first sheet with a non-empty row
            for idx, values in enumerate(candidate.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                if header_row is None:
                    if any(c.strip() for c in cells):
                        header_row = idx
                        while cells and not cells[-1].strip():
                            cells.pop()
                        headers_raw = cells
                        if len(headers_raw) > MAX_COLUMNS:
                            raise ExportError(file_name, f"the sheet has {len(headers_raw):,} columns; the app reads at most {MAX_COLUMNS:,}.")
                    continue
                if not any(c.strip() for c in cells):
                    continue
                records.append(cells)
                rows.append(idx)
            if header_row is not None:
                sheet = candidate
                break
        sheet_names = wb.sheetnames
    finally:
        wb.close()
    if header_row is None:
        raise ExportError(file_name, "the sheet is empty.")
    headers = unique_headers(headers_raw)
    width = len(headers)
    rejects: list[Reject] = []
    kept, kept_rows = [], []
    for cells, row in zip(records, rows, strict=True):
        extra = [c for c in cells[width:] if c.strip()]
        if extra:
            rejects.append(Reject(file_name, row, "(whole row)", ", ".join(cells)[:200],
                                  f"the row has values in {len(cells)} columns where the header has {width}"))
            continue
        kept.append((cells + [""] * width)[:width])
        kept_rows.append(row)
    frame = pd.DataFrame(kept, columns=headers, dtype="str") if kept else pd.DataFrame(
        {h: pd.Series([], dtype="str") for h in headers})
    notes = []
    if len(sheet_names) > 1:
        notes.append(f"The workbook has {len(sheet_names)} sheets; the first with data ('{sheet.title}') was read.")
    return RawTable(file_name, headers, frame, np.array(kept_rows, dtype=np.int64), rejects, "xlsx",
                    "xlsx", "", notes)
