"""Every file the app hands a user is built here: CSV and XLSX tables that a spreadsheet
cannot turn into a running formula.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be
evaluated by Excel, LibreOffice or Google Sheets when the file is opened (CSV injection).
Such a value is written with a leading apostrophe, the spreadsheets' own "this is text"
mark, and in XLSX is also stored as a string cell (never a formula cell). Numbers stay
numbers: a negative amount is a number, not text that starts with ``-``.

>>> neutralise("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> neutralise("Closed Won"), neutralise(-5)
('Closed Won', -5)
"""

from __future__ import annotations

import io
import re

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: XLSX sheet names: at most 31 characters, none of []:*?/\
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
#: characters XML 1.0 cannot hold; openpyxl refuses them, so they are dropped
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: object) -> object:
    """A string a spreadsheet would run as a formula, made text; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _text_columns(frame: pd.DataFrame) -> list:
    return [c for c in frame.columns
            if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])
            or isinstance(frame[c].dtype, pd.CategoricalDtype)]


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names cannot run as formulas."""
    out = frame.copy()
    for col in _text_columns(out):
        out[col] = out[col].astype(object).map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def safe_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with a byte-order mark, so Excel reads accents right) of a safe copy."""
    # CRLF rows (RFC 4180): a field holding a carriage return or a newline is then quoted
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    base = _SHEET_BAD.sub(" ", str(name)).strip()[:31] or "Sheet"
    taken = taken if taken is not None else set()
    candidate, i = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({i})"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    taken.add(candidate)
    return candidate


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
