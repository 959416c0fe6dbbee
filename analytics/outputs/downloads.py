"""Every file the app hands a user is built here: CSV and XLSX tables that a spreadsheet
cannot turn into a running formula.

A cell that begins with ``=``, ``+``, ``-``, ``@`` (or their full-width forms), a tab or a
carriage return, after any spaces or quotes, would be evaluated by Excel, LibreOffice or
Google Sheets when the file is opened (CSV injection). Such a value is written with a leading
apostrophe, the spreadsheets' own "this is text" mark, and in XLSX is also stored as a string
cell (never a formula cell). Numbers stay numbers: a negative amount is a number, not text
that starts with ``-``.

A CSV is also opened with other separators than its own: where the list separator is ``;``
(much of Europe), a tab or ``|``, ``x;=2+5;y`` is three cells, the middle one a formula. So in
a CSV every place inside a text cell where a cell could start (after ``,`` ``;`` tab ``|`` or a
line break) gets the same apostrophe before a trigger, and every text cell is quoted.

>>> neutralise("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> neutralise("Closed Won"), neutralise(-5), neutralise("x;=2+5;y", inside=True)
('Closed Won', -5, "x;'=2+5;y")
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd

#: What makes a spreadsheet read a cell as a formula when it starts the cell: = + - @, their
#: full-width and small forms (which some spreadsheets and input methods fold to ASCII), a tab
#: or a carriage return.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20",
                 "\ufe66", "\ufe62", "\ufe63", "\ufe6b")
#: Where a spreadsheet may start a new cell inside a CSV line: the list separators it may be set
#: to (comma, semicolon, tab, and the pipe an import dialog offers) and a line break.
CELL_BREAKS = (",", ";", "\t", "|", "\r", "\n")
#: What a spreadsheet may skip before a cell's first character: spaces (trimmed on import),
#: quotes, and control characters (an XLSX cannot hold them, so they are dropped there).
_LEAD = "".join(("\t\n\x0b\x0c\r \x85\xa0\u1680", *map(chr, range(0x2000, 0x200C)),
                 "\u2028\u2029\u202f\u205f\u3000\ufeff\"", *map(chr, range(0x01, 0x20))))
# Written as literal characters in [] (none of them special there), so the same pattern runs in
# Python's re and in RE2 (Arrow, for a whole column at once) and both find the same cells.
_TRIGGER_CLASS = "[" + "".join(FORMULA_START).replace("-", "\\-") + "]"
_STARTS = re.compile("^[" + _LEAD + "]*" + _TRIGGER_CLASS)
_CELL_START = "[" + "".join(CELL_BREAKS) + "]"
_INSIDE = re.compile("(?<=" + _CELL_START + ")(?=[" + _LEAD + "]*" + _TRIGGER_CLASS + ")")
#: a text cell that needs the apostrophe somewhere when written to CSV (RE2 and re alike)
_CSV_DANGER = "(?:^|" + _CELL_START + ")[" + _LEAD + "]*" + _TRIGGER_CLASS
_CSV_DANGER_RE = re.compile(_CSV_DANGER)

#: XLSX sheet names: at most 31 characters, none of []:*?/\
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
#: characters XML 1.0 cannot hold; openpyxl refuses them, so they are dropped
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: object, inside: bool = False) -> object:
    """A string a spreadsheet would run as a formula, made text; anything else unchanged.

    ``inside``: also where a cell could start within the text when a CSV line is split on
    another separator (``x;=2+5;y`` -> ``x;'=2+5;y``)."""
    if not isinstance(value, str):
        return value
    if inside:
        value = _INSIDE.sub("'", value)
    return "'" + value if _STARTS.match(value) else value


def _text_columns(frame: pd.DataFrame) -> list:
    return [c for c in frame.columns
            if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])
            or isinstance(frame[c].dtype, pd.CategoricalDtype)]


def _safe_column(values: pd.Series, inside: bool) -> pd.Series:
    """The column with its dangerous text cells neutralised. Which cells are dangerous is found
    for the whole column at once (in Arrow, when the column is Arrow text), so only those few
    cells are rewritten one by one: a 2,000,000-row table is not walked in Python."""
    pattern = _CSV_DANGER if inside else _STARTS.pattern
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        danger = values.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
    else:
        regex = _CSV_DANGER_RE if inside else _STARTS
        danger = np.fromiter((isinstance(v, str) and regex.search(v) is not None for v in values.tolist()),
                             dtype=bool, count=len(values))
    if not danger.any():
        return values
    out = values.astype(object)
    out[danger] = [neutralise(v, inside) for v in out[danger].tolist()]
    return out


def safe_frame(frame: pd.DataFrame, inside: bool = False) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names cannot run as formulas
    (``inside``: in a CSV opened with any separator, see :func:`neutralise`)."""
    out = frame.copy(deep=False)
    for col in _text_columns(out):
        out[col] = _safe_column(out[col], inside)
    out.columns = [neutralise(str(c), inside) for c in out.columns]
    return out


def safe_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with a byte-order mark, so Excel reads accents right) of a safe copy, in which
    every text cell is quoted and none can start a formula whichever separator opens it."""
    # CRLF rows (RFC 4180): a field holding a carriage return or a newline is quoted anyway
    return safe_frame(frame, inside=True).to_csv(index=False, lineterminator="\r\n",
                                                 quoting=csv.QUOTE_NONNUMERIC).encode("utf-8-sig")


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    base = _SHEET_BAD.sub(" ", str(name)).strip()[:31] or "Sheet"
    taken = taken if taken is not None else set()
    candidate, i = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({i})"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    taken.add(candidate)
    return candidate


def file_stem(text: str, empty: str = "file") -> str:
    """A value made fit to name a download: lower case, every run of characters other than
    letters and digits one hyphen, none at either end, at most 40 characters; ``empty`` when
    nothing is left.

    >>> file_stem("Ann O'Brien-Lee"), file_stem("Søren  Dvořák"), file_stem("***", "manager")
    ('ann-o-brien-lee', 'søren-dvořák', 'manager')
    """
    keep = "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
    while "--" in keep:
        keep = keep.replace("--", "-")
    return keep[:40] or empty


def safe_xlsx(sheets: dict[str, pd.DataFrame] | pd.DataFrame) -> bytes:
    """An XLSX workbook, one sheet per table. Every text cell is a string cell holding the
    neutralised value, so nothing in it is ever a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if isinstance(sheets, pd.DataFrame):
        sheets = {"Data": sheets}
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for name, frame in sheets.items():
        ws = wb.create_sheet(sheet_name(name, taken))
        safe = safe_frame(frame)
        ws.append([_cell(c) for c in safe.columns])
        for row in safe.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        # a value that still reads as a formula to openpyxl is forced to a string cell
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
        for i, col in enumerate(safe.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in safe.iloc[:200, i - 1].tolist()])
            ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(value: object) -> object:
    """A value openpyxl can store: missing is an empty cell, timestamps lose their zone,
    numpy scalars become Python ones, text loses characters XML cannot hold."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return str(value)
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("", value)
    if isinstance(value, (int, float, bool)):
        return value
    return str(value)
