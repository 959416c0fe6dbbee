"""Wide target sheets: one column per month or quarter, turned into quota periods.

A planning sheet keeps a rep's targets on one row: ``Year, EmployeeID, M01 … M12`` (the PL-300
sample), ``Rep, Jan, Feb … Dec`` with a year column, ``Owner, 2025-01, 2025-02 …`` or
``Salesperson, Q1 2025, Q2 2025 …``. :func:`widen` recognises such a layout from its headers and
turns the file into the quotas table's long form: one row per owner and period, with the first
and last day of that month or quarter and the cell as the amount.

Cells: ``-`` (or an en/em dash) and empty cells are *no target*: no row is made. ``0`` is a
target of 0 and is a row. Any other text is a row whose amount the validation then accepts or
rejects as it would in any quota file, so nothing is dropped silently.

Counting: each period made is one row read, carrying the row number of the line it came from
(so a reject points at that line); a line the reader could not read stays one rejected row.
read = loaded + rejected therefore holds over the periods; the note says how many lines of the
sheet they came from.

The quotas table has one owner column ("a name, or an ID resolved through People"): an ID
column (EmployeeID) is preferred over a name column and goes there as it is.
"""

from __future__ import annotations

import calendar
import dataclasses
import re

import numpy as np
import pandas as pd

from analytics.ingest.readers import RawTable
from analytics.ingest.recognise import Candidate, Recognition
from analytics.schema import normalise_header

PERIOD_START, PERIOD_END, TARGET, PERIOD = "Period Start", "Period End", "Target", "Period"
#: cells that mean "no target" (besides empty ones)
NO_TARGET = frozenset({"-", "–", "—", "--"})
#: at least this many period columns, and at least half the headers
MIN_PERIODS = 3

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS |= {"sept": 9}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_SEP = r"[\s\-_/.']*"
_YEAR = r"((?:19|20)\d\d)"
_PATTERNS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"m(0?[1-9]|1[0-2])"), "m"),                      # M01 … M12
    (re.compile(_MONTH), "n"),                                    # Jan, January
    (re.compile(_MONTH + _SEP + _YEAR), "ny"),                    # Jan 2025
    (re.compile(_YEAR + _SEP + _MONTH), "yn"),                    # 2025 Jan
    (re.compile(_YEAR + r"[\-/.](0?[1-9]|1[0-2])"), "ym"),        # 2025-01
    (re.compile(r"q([1-4])"), "q"),                               # Q1
    (re.compile(r"q([1-4])" + _SEP + _YEAR), "qy"),               # Q1 2025
    (re.compile(_YEAR + _SEP + r"q([1-4])"), "yq"),               # 2025 Q1
)
_YEAR_HEADERS = {"year", "fiscal year", "fy", "yr", "calendar year", "target year", "quota year"}
_ID_HEADERS = {"employeeid", "employee id", "employee number", "employee no", "emp id", "owner id", "ownerid",
               "rep id", "user id", "userid", "salesperson id", "sales rep id", "quotaownerid", "quota owner id",
               "id"}
_NAME_HEADERS = {"owner", "owner name", "rep", "rep name", "sales rep", "salesrep", "sales representative",
                 "salesperson", "sales person", "employee", "employee name", "name", "full name", "seller",
                 "account executive", "quota owner", "user", "user name", "sales agent", "person"}


def period_of(header: str) -> tuple[str, int, int | None] | None:
    """("month" or "quarter", its number, the year or None) a header names, or None."""
    text = " ".join(header.strip().lower().split())
    for pattern, form in _PATTERNS:
        m = pattern.fullmatch(text)
        if not m:
            continue
        g = m.groups()
        if form == "m":
            return "month", int(g[0]), None
        if form == "n":
            return "month", _MONTHS[g[0]], None
        if form == "ny":
            return "month", _MONTHS[g[0]], int(g[1])
        if form == "yn":
            return "month", _MONTHS[g[1]], int(g[0])
        if form == "ym":
            return "month", int(g[1]), int(g[0])
        if form == "q":
            return "quarter", int(g[0]), None
        if form == "qy":
            return "quarter", int(g[0]), int(g[1])
        return "quarter", int(g[1]), int(g[0])
    return None


@dataclasses.dataclass(frozen=True)
class WideLayout:
    """A wide sheet's columns: the owner, the year (None when the headers carry it) and the
    period columns (header -> (kind, number, year or None))."""

    owner: str
    year: str | None
    periods: dict[str, tuple[str, int, int | None]]

    @property
    def kind(self) -> str:
        return next(iter(self.periods.values()))[0]

    @property
    def label(self) -> str:
        n = len(self.periods)
        unit = "month" if self.kind == "month" else "quarter"
        return f"Wide target sheet: {n} {unit}{'s' if n != 1 else ''} per row, turned into quota periods"


def _no_target(cells: pd.Series) -> np.ndarray:
    text = cells.fillna("").astype("str").str.strip()
    return (text.eq("") | text.isin(NO_TARGET)).to_numpy(dtype=bool)


def detect(headers: list[str], frame: pd.DataFrame | None = None) -> WideLayout | None:
    """The wide layout of a file, or None. Needs at least :data:`MIN_PERIODS` period columns of
    one kind (months or quarters), distinct, making up at least half the headers; an owner
    column; a year in every period header or a year column; and, when rows are given, period
    cells that are numbers, ``-`` or empty in most sampled rows (so a deals export with a
    ``Jan`` column, or one of month names, is not a target sheet)."""
    periods = {h: p for h in headers if (p := period_of(h)) is not None}
    if len(periods) < MIN_PERIODS or 2 * len(periods) < len(headers):
        return None
    kinds = {p[0] for p in periods.values()}
    if len(kinds) != 1 or len({(p[1], p[2]) for p in periods.values()}) != len(periods):
        return None
    others = [h for h in headers if h not in periods]
    norm = {h: normalise_header(h) for h in others}
    year = next((h for h in others if norm[h] in _YEAR_HEADERS), None)
    if any(p[2] is None for p in periods.values()):
        if year is None or any(p[2] is not None for p in periods.values()):
            return None
    else:
        year = None
    owner = (next((h for h in others if norm[h] in _ID_HEADERS), None)
             or next((h for h in others if norm[h] in _NAME_HEADERS), None))
    if owner is None:
        return None
    if frame is not None and len(frame):
        sample = frame.head(200)
        cells = sample[list(periods)].fillna("").astype("str")
        cells = cells.apply(lambda c: c.str.strip().str.replace(r"[,\s$€£]", "", regex=True))
        ok = cells.apply(lambda c: c.eq("") | c.isin(NO_TARGET) | c.str.fullmatch(r"-?\d+(\.\d+)?"))
        if ok.to_numpy(dtype=bool).mean() < 0.8:
            return None
    return WideLayout(owner, year, periods)


def _bounds(kind: str, number: int, year: int) -> tuple[str, str]:
    first = number if kind == "month" else 3 * number - 2
    last = number if kind == "month" else 3 * number
    return (f"{year:04d}-{first:02d}-01",
            f"{year:04d}-{last:02d}-{calendar.monthrange(year, last)[1]:02d}")


def widen(raw: RawTable) -> tuple[RawTable, Recognition] | None:
    """The wide sheet ``raw`` as a long quotas table with its recognition, or None when it is
    not one. Rows are in file order, periods in column order within a row."""
    layout = detect(raw.headers, raw.frame)
    if layout is None:
        return None
    frame = raw.frame
    n = len(frame)
    years = (frame[layout.year].fillna("").astype("str").str.strip().tolist()
             if layout.year is not None else None)
    parts = []
    for j, (header, (kind, number, fixed)) in enumerate(layout.periods.items()):
        keep = np.flatnonzero(~_no_target(frame[header]))
        start = np.full(len(keep), "", dtype=object)  # no year on the row: blank, so it is rejected
        end = np.full(len(keep), "", dtype=object)
        period = np.full(len(keep), header, dtype=object)
        for i, k in enumerate(keep):
            y = fixed
            if y is None:
                period[i] = f"{years[k]} {header}"
                y = int(years[k]) if re.fullmatch(r"(19|20)\d\d", years[k]) else None
            if y is not None:
                start[i], end[i] = _bounds(kind, number, y)
        parts.append(pd.DataFrame({
            "_i": keep, "_j": j, layout.owner: frame[layout.owner].to_numpy()[keep], PERIOD: period,
            PERIOD_START: start, PERIOD_END: end, TARGET: frame[header].to_numpy()[keep]}))
    long = pd.concat(parts, ignore_index=True).sort_values(["_i", "_j"], kind="stable")
    rows = np.asarray(raw.rows)[long["_i"].to_numpy(dtype=np.int64)]
    headers = [layout.owner, PERIOD, PERIOD_START, PERIOD_END, TARGET]
    out = pd.DataFrame({h: pd.Series(long[h].to_numpy(), dtype="str") for h in headers})
    note = (f"Wide target sheet: {n} row{'s' if n != 1 else ''} of the sheet made {len(out)} quota "
            f"period{'s' if len(out) != 1 else ''} ({len(layout.periods)} {layout.kind} columns; "
            f"'-' and empty cells are no target; each period counts as a row read).")
    wide = dataclasses.replace(raw, headers=headers, frame=out, rows=rows, notes=[*raw.notes, note])
    mapping = {"owner": layout.owner, "period_start": PERIOD_START, "period_end": PERIOD_END, "amount": TARGET}
    rec = Recognition("quotas", layout.label, mapping, [], [PERIOD], confidence=1.0,
                      candidates=[Candidate("quotas", 1.0, (f"one column per {layout.kind}: {layout.label}",))])
    return wide, rec
