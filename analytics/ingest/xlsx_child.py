"""Read a workbook's cells as text in a process of its own (run by ``readers._read_xlsx``).

The parent checks the package first (sizes, parts, entity declarations, the cells each sheet
holds and the text its shared strings can expand to) and then runs this file with
``python -I``: it imports nothing but the standard library and ``python_calamine`` (a Rust
reader, many times faster than openpyxl), so it starts quickly (benchmarks/RESULTS.md). It caps
its own address space and CPU time before it reads anything: a workbook that would make the
reader allocate far beyond its data (a stray cell at XFD1048576 makes calamine ask for 512 GB
and abort) ends this process, never the server's. The GIL of the server is never held by the
parse.

Input: the workbook's bytes on stdin; the limits as one JSON argument. Output on stdout, one of
  b"NO" + JSON {"message", "row"}: the file is refused (the parent adds the file's name);
  b"OK" + 8-byte length + JSON meta + the binary parts the meta lists (row numbers and, per
  column, Arrow ``large_string`` offsets and UTF-8 data, which the parent wraps without a copy).

The rules are those of the openpyxl reader it replaces: the first sheet with a non-empty row,
that row the header (trailing empty cells dropped), every later row numbered as a spreadsheet
shows it; empty rows and rows of spaces listed; rows with values beyond the header, or a cell
longer than Excel can hold, rejected (the first ``keep`` written out, the rest counted).
"""

from __future__ import annotations

import io
import json
import struct
import sys
from array import array
from datetime import date, datetime, time, timedelta
from itertools import accumulate, islice

EMPTY_ROW = "empty row"
SPACES_ROW = "empty row (only spaces)"


class Refused(Exception):
    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.message, self.row = message, row


def cell_text(value: object) -> str:
    """A cell as the text the value parsers read (the rules of ``readers._cell_text``)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # a whole number is written whole while a double holds it exactly (2**53: 16-digit IDs);
        # beyond, the workbook's digits were not kept (Excel itself keeps 15)
        return str(int(value)) if value.is_integer() and abs(value) <= 2**53 else repr(value)
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


#: Rows kept as Python strings before they are packed into each column's buffers.
FLUSH_ROWS = 4096


def _flush(rows: list[list[str]], data_parts: list[bytearray], offsets: list[array]) -> None:
    """Pack the rows kept so far into each column's UTF-8 bytes and Arrow offsets (loops in C:
    no Python work per cell), and empty ``rows``."""
    if not rows:
        return
    for column, part, ends in zip(zip(*rows, strict=True), data_parts, offsets, strict=True):
        text = "".join(column)
        if text.isascii():
            part += text.encode("ascii")
            sizes = map(len, column)
        else:
            encoded = [c.encode("utf-8") for c in column]
            part += b"".join(encoded)
            sizes = map(len, encoded)
        ends.extend(islice(accumulate(sizes, initial=ends[-1]), 1, None))
    rows.clear()


def _limit_resources(memory_bytes: int, cpu_seconds: int) -> None:
    try:
        import resource
    except ImportError:  # not on Linux: the parent's timeout still applies
        return
    for limit, value in ((resource.RLIMIT_AS, memory_bytes), (resource.RLIMIT_CPU, cpu_seconds)):
        try:
            soft, hard = resource.getrlimit(limit)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(limit, (value, hard))
        except (ValueError, OSError):
            pass


def read(data: list[bytes], limits: dict) -> tuple[dict, list]:
    import python_calamine

    max_cells, max_text = limits["max_cells"], limits["max_text_bytes"]
    max_cell_chars, max_columns = limits["max_cell_chars"], limits["max_columns"]
    max_header_chars, keep = limits["max_header_chars"], limits["keep"]
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data.pop()))  # read once, then freed
    except Exception as exc:  # calamine raises its own types for a damaged package
        raise Refused("damaged") from exc
    sheets = [m for m in wb.sheets_metadata if str(m.typ).lower().endswith("worksheet")]
    names = wb.sheet_names
    if not names:
        raise Refused("no sheets")
    cells_read = 0
    text = 0
    header_row = None
    headers: list[str] = []
    title = None
    empty_rows, spaces_rows, kept_rows = array("q"), array("q"), array("q")
    last_row = 0
    rejects: list[list] = []
    more = 0
    ragged = 0
    data_parts: list[bytearray] = []
    offsets: list[array] = []
    pending: list[list[str]] = []
    width = 0
    for meta in sheets:
        try:
            sheet = wb.get_sheet_by_name(meta.name)
        except Exception as exc:
            raise Refused("damaged") from exc
        if sheet.height * sheet.width > max_cells - cells_read:
            # the used area, from the first to the last cell with a value: every cell of it is read
            raise Refused(f"area:{sheet.height}:{sheet.width}")
        start = sheet.start or (0, 0)
        first_row, lead = start[0] + 1, [""] * start[1]
        for i, values in enumerate(sheet.iter_rows()):
            idx = first_row + i
            cells = [v if v.__class__ is str else cell_text(v) for v in values]
            if lead:
                cells = lead + cells
            cells_read += len(cells)
            joined = "".join(cells)
            # UTF-8 bytes, as the frame will hold them (``isascii`` is a flag: other text is encoded)
            text += len(joined) if joined.isascii() else len(joined.encode("utf-8"))
            if text > max_text:
                raise Refused(f"text:{idx}")
            if header_row is None:
                if joined.strip():
                    header_row, title = idx, meta.name
                    while cells and not cells[-1].strip():
                        cells.pop()
                    headers = cells
                    if len(headers) > max_columns:
                        raise Refused(f"columns:{len(headers)}")
                    longest = max(map(len, headers))
                    if longest > max_header_chars:
                        raise Refused(f"header:{longest}", row=idx)
                    width = len(headers)
                    data_parts = [bytearray() for _ in range(width)]
                    offsets = [array("q", [0]) for _ in range(width)]
                continue
            if not joined.strip():
                (spaces_rows if joined else empty_rows).append(idx)
                continue
            last_row = idx
            if len(cells) > width and "".join(cells[width:]).strip():
                ragged += 1
                if keep is None or ragged <= keep:
                    rejects.append([idx, "(whole row)", ", ".join(cells)[:200],
                                    f"the row has values in {len(cells)} columns where the header has {width}"])
                else:
                    more += 1
                continue
            if len(cells) != width:
                cells = (cells + [""] * width)[:width]
            if "\x00" in joined or (len(joined) > max_cell_chars and max(map(len, cells)) > max_cell_chars):
                problem = next(j for j in range(width) if len(cells[j]) > max_cell_chars or "\x00" in cells[j])
                c = cells[problem]
                ragged += 1
                if keep is None or ragged <= keep:
                    reason = (f"the value is {len(c):,} characters long, more than an Excel cell holds "
                              f"({max_cell_chars:,}); export the sheet as CSV to keep such long values"
                              if len(c) > max_cell_chars else "the value holds a NUL character (a zero byte)")
                    rejects.append([idx, headers[problem], c[:60].replace("\x00", "\\0"), reason])
                else:
                    more += 1
                continue
            pending.append(cells)
            kept_rows.append(idx)
            if len(pending) == FLUSH_ROWS:
                _flush(pending, data_parts, offsets)
        if header_row is not None:
            break
    if header_row is not None:
        _flush(pending, data_parts, offsets)
    meta = {"sheets": len(names), "title": title, "header_row": header_row, "headers": headers,
            "last_row": last_row, "rejects": rejects, "more": more, "cells": cells_read, "text": text}
    blobs = [kept_rows.tobytes(), empty_rows.tobytes(), spaces_rows.tobytes()]
    for j in range(width):
        blobs += [offsets[j].tobytes(), data_parts[j]]
    return meta, blobs


def main() -> None:
    limits = json.loads(sys.argv[1])
    _limit_resources(limits["memory_bytes"], limits["cpu_seconds"])
    out = sys.stdout.buffer
    try:
        meta, blobs = read([sys.stdin.buffer.read()], limits)
    except Refused as exc:
        out.write(b"NO" + json.dumps({"message": exc.message, "row": exc.row}).encode())
        return
    except MemoryError:
        out.write(b"NO" + json.dumps({"message": "memory", "row": None}).encode())
        return
    meta["parts"] = [len(b) for b in blobs]
    head = json.dumps(meta).encode()
    out.write(b"OK" + struct.pack("<Q", len(head)) + head)
    for b in blobs:
        out.write(b)
    out.flush()


if __name__ == "__main__":
    main()
