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

What the screen shows is kept in an XLSX: each column's kind (a percentage, an amount, a count,
a day...) is read from its name and type (:data:`KINDS`, a table of tell-tale words) and
given the matching Excel number format (:data:`NUMBER_FORMATS`), the header reads as words
(:func:`header_label`), and an "About" sheet first says which table, which filters, which
workspace and when (:func:`about_rows`). A CSV stays clean data under its own column names
(no comment lines, which no CSV reader expects); what it was cut from and when is in its file
name (:func:`download_name`).

>>> column_kind("win_rate", np.dtype("float64")), column_kind("avg_deal_size", np.dtype("float64"))
('percent', 'money')
>>> header_label("avg_deal_size"), download_name("kpis.csv", "2026 Q3", datetime(2026, 12, 7))
('Average deal size', 'kpis-2026-q3-2026-12-07.csv')
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

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


# ----------------------------------------------------------------------------- what a column holds

#: The kinds of column a table may hold, each with the words that tell it in a column's name
#: (its words once folded: lower case, every other character a space), tried in this order.
#: A percentage is a share of one (0.93 is shown as 93%); a count an integer; a multiple (such
#: as coverage) one decimal. Only a numeric column takes a number kind; a date column is a date
#: whatever its name.
KINDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("days", frozenset({"days", "day count"})),
    ("percent", frozenset({"rate", "rates", "share", "shares", "attainment", "pct", "percent", "percentage",
                           "conversion", "ratio to quota"})),
    ("money", frozenset({"revenue", "amount", "amounts", "quota", "deal size", "pipeline", "bookings", "arr",
                         "acv", "tcv", "value", "velocity", "gap to target", "money"})),
    ("multiple", frozenset({"coverage", "multiple"})),
    ("number", frozenset({"per", "mean", "median", "average", "avg", "index", "score"})),
    ("count", frozenset({"count", "won", "lost", "deals", "created", "activities", "sessions", "reps", "moves",
                         "managers", "opportunities", "actions", "weeks", "rank"})),
)
#: The Excel number format of each kind (a column of another number is shown with two decimals).
NUMBER_FORMATS = {"percent": "0%", "money": "#,##0", "count": "#,##0", "days": "0", "multiple": "0.0",
                  "number": "#,##0.00", "date": "d mmm yyyy"}
#: Headers of the engine's own column names that the words alone would not say well.
HEADERS = {
    "n_reps": "Reps", "n_reps_met": "Reps meeting the activity standard", "n_open": "Open deals",
    "n_open_deals": "Open deals", "n_cycle": "Won deals with a cycle", "n_rep_weeks": "Rep-weeks",
    "n_below": "Standards missed", "n_from": "Moves out of the stage", "n_open_ended": "Stays still open",
    "is_advance": "Advances the deal", "activity_met_share": "Weeks meeting the activity standard",
    "activities_per_rep_week": "Activities per rep per week", "coverage_quota": "Quota next quarter",
    "meets_coverage": "Meets the coverage standard", "velocity_per_day": "Velocity (revenue per day)",
    "pipeline_next_quarter": "Pipeline closing next quarter",
}
#: Short forms written out in a header (their words once folded).
HEADER_WORDS = {"avg": "average", "pct": "%", "num": "number", "qty": "quantity", "mgr": "manager",
                "amt": "amount"}
_FOLD = re.compile(r"[^0-9a-z]+")


def _words(name: str) -> str:
    return " " + _FOLD.sub(" ", str(name).lower()).strip() + " "


def column_kind(name: str, dtype) -> str | None:
    """The kind of a column (a key of :data:`NUMBER_FORMATS`) from its name and type; None for
    text. A name starting ``n_`` (or an integer type) is a count.

    >>> column_kind("n_from", np.dtype("int64")), column_kind("Close Date", np.dtype("<M8[ns]"))
    ('count', 'date')
    >>> column_kind("coverage", np.dtype("float64")), column_kind("manager", np.dtype("O"))
    ('multiple', None)
    """
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return None
    words = _words(name)
    if words.startswith(" n ") and len(words) > 3:
        return "count"
    for kind, tells in KINDS:
        if any(f" {t} " in words for t in tells):
            return kind
    return "count" if pd.api.types.is_integer_dtype(dtype) else "number"


def header_label(name: str) -> str:
    """A column's name as a header a reader takes in: words, the first capitalised, short forms
    written out, a count or a number of days said after it; words in capitals kept.

    >>> header_label("cycle_length_days"), header_label("n_moves"), header_label("Amount (USD)")
    ('Cycle length (days)', 'Moves (count)', 'Amount (USD)')
    """
    text = str(name)
    if text in HEADERS:
        return HEADERS[text]
    if "_" not in text and " " not in text.strip() and text != text.lower():
        return text  # one word as someone wrote it ("ARR")
    parts = [w for w in re.split(r"[_\s]+", text.strip()) if w]
    suffix = ""
    if len(parts) > 1 and parts[0].lower() == "n":
        parts, suffix = parts[1:], " (count)"
    elif len(parts) > 1 and parts[-1].lower() == "days":
        parts, suffix = parts[:-1], " (days)"
    out = []
    for w in parts:
        key = w.lower().rstrip(".")
        w = HEADER_WORDS.get(key, w.rstrip(".") if key in HEADER_WORDS else w)
        out.append(w if w.isupper() and len(w) > 1 else w.lower())
    text = " ".join(out) + suffix
    return text[:1].upper() + text[1:] if text else str(name)


def about_rows(table: str, filters: str, workspace: str, made: datetime) -> list[tuple[str, str]]:
    """The "About" sheet of a workbook: which table, the filters' summary, the workspace and when
    it was made (``made`` in UTC, to the minute).

    >>> about_rows("Managers", "All data", "Demo", datetime(2026, 9, 30, 8, 5))[-1]
    ('Made', '30 Sep 2026 08:05 UTC')
    """
    return [("Table", table), ("Filters", filters), ("Workspace", workspace),
            ("Made", f"{made.day} {made:%b %Y %H:%M} UTC")]


def download_name(file_name: str, filters: str, made: datetime) -> str:
    """A download's file name with what it was cut from and the day: ``stem-<filters>-<yyyy-mm-dd>.ext``.

    >>> download_name("managers-dials.xlsx", "All data", datetime(2026, 9, 30))
    'managers-dials-all-data-2026-09-30.xlsx'
    """
    stem, dot, ext = file_name.rpartition(".")
    if not dot:
        stem, ext = file_name, ""
    name = f"{stem}-{file_stem(filters, 'all-data')}-{made:%Y-%m-%d}"
    return f"{name}.{ext}" if ext else name


def safe_xlsx(sheets: dict[str, pd.DataFrame] | pd.DataFrame, about: list[tuple[str, str]] | None = None) -> bytes:
    """An XLSX workbook, one sheet per table, each column with the number format of its kind
    (:func:`column_kind`) under a header in words (:func:`header_label`); with ``about``
    (:func:`about_rows`) an "About" sheet first. Every text cell is a string cell holding the
    neutralised value, so nothing in it is ever a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if isinstance(sheets, pd.DataFrame):
        sheets = {"Data": sheets}
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    if about:
        ws = wb.create_sheet(sheet_name("About", taken))
        for label, value in about:
            ws.append([label, _cell(neutralise(value))])
            ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        ws.column_dimensions["A"].width = 12
        ws.column_dimensions["B"].width = min(max([len(str(v)) for _, v in about] + [20]) + 2, 100)
        _no_formulas(ws)
    for name, frame in sheets.items():
        ws = wb.create_sheet(sheet_name(name, taken))
        kinds = [_kind(frame.iloc[:, i], c) for i, c in enumerate(frame.columns)]
        safe = safe_frame(frame.set_axis([header_label(c) for c in frame.columns], axis=1))
        ws.append([_cell(c) for c in safe.columns])
        for row in safe.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        _no_formulas(ws)
        for i, (col, kind) in enumerate(zip(safe.columns, kinds, strict=True), start=1):
            letter = get_column_letter(i)
            if kind is not None:
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = NUMBER_FORMATS[kind]
            shown = [len(str(v)) for v in safe.iloc[:200, i - 1].tolist()]
            width = max([len(str(col))] + ([12] if kind == "date" else [min(w, 14) for w in shown] if kind else shown))
            ws.column_dimensions[letter].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _kind(values: pd.Series, name) -> str | None:
    """:func:`column_kind`, and a column of days as DuckDB hands them (Python dates, or Arrow
    dates) is a date column too (its first value is looked at, not every one)."""
    kind = column_kind(name, values.dtype)
    if kind is None and not pd.api.types.is_bool_dtype(values.dtype):
        known = values.dropna()
        first = known.iloc[0] if len(known) else None
        if isinstance(first, date) and not isinstance(first, str):
            return "date"
    return kind


def _no_formulas(ws) -> None:
    """A value that still reads as a formula to openpyxl is forced to a string cell."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


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
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return value
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
