"""Files without a header row: telling one from a file with headers, describing its columns by
their values, and guessing a table's columns from those values alone.

Some exports (database dumps, bulk-copy files such as AdventureWorks') start with data. The reader
asks :func:`first_row_is_data` about the first line and the lines after it: the first line is data
when a cell of it is a typed value (a number, a date, a GUID, an e-mail address) over a column of
the same kind, no cell is a label over typed values, and no cell is a header the app knows or a
period label (``2025-01``, ``Q1``, ``M01``). The columns are then named "Column 1" … "Column N"
and described by :func:`column_kinds` ("ID", "date", "money", …). Recognition never loads such a
file silently: :func:`value_mapping` guesses a table's columns from the kinds, and the user checks
the guess in the mapping form.

The rules are data (:data:`KIND_PREFERENCES`, :data:`NOT_BEFORE`): no file is a special case.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache

import pandas as pd

from analytics import schema
from analytics.ingest.evidence import TELLTALES, as_number, looks_like_date
from analytics.schema import normalise_header

#: what a column's values look like, as the user reads it
KINDS = ("ID", "GUID", "date", "money", "number", "yes/no", "e-mail", "login", "name", "category", "text", "empty")
#: lines after the first looked at to judge it, and rows of a column looked at to describe it
SAMPLE_LINES = 50
SAMPLE_ROWS = 200

_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_LOGIN = re.compile(r"^[\w.\-]+\\[\w.\-]+$")
_CODE = re.compile(r"^[A-Za-z0-9_\-./:#]*\d[A-Za-z0-9_\-./:#]*$")
_PERSON = re.compile(r"^[A-ZÀ-Ý][\w'’\-.]*(?: [A-ZÀ-Ý][\w'’\-.]*){1,3}$")
_FLAGS = {"true", "false", "yes", "no", "y", "n", "t", "f", "0", "1"}
#: period labels a wide target sheet's header row holds: never data (analytics.ingest.wide reads them)
_MONTHS = "|".join(sorted({m.lower() for m in (*calendar.month_name, *calendar.month_abbr) if m} | {"sept"},
                          key=len, reverse=True))
_PERIOD_LABEL = re.compile(
    r"^(m\d{1,2}|q[1-4]|h[12]|fy\s?\d{2,4}|(19|20)\d\d[\-/. ]?(0?[1-9]|1[0-2]|q[1-4]|h[12]|(" + _MONTHS + r")\.?)"
    r"|(q[1-4]|h[12])[\-/. ]?(19|20)\d\d|(" + _MONTHS + r")\.?([\-/ ']?\d{2,4})?)$", re.IGNORECASE)


@lru_cache(maxsize=1)
def known_headers() -> frozenset[str]:
    """Every header the app knows (canonical names, synonyms, tell-tales), folded."""
    out = {normalise_header(t.name) for t in schema.TABLES.values()}
    for t in schema.TABLES.values():
        for c in t.columns:
            out |= {normalise_header(c.name), *(normalise_header(s) for s in c.synonyms)}
    for tells in TELLTALES.values():
        out |= {normalise_header(h) for h in tells}
    return frozenset(k for k in out if k)


def _is_date(text: str) -> bool:
    """A date, with an eight-digit run only when it reads as one (20240131, not 28278383)."""
    if not looks_like_date(text):
        return False
    if text.isdigit():
        return 1900 <= int(text[:4]) <= 2100 and 1 <= int(text[4:6]) <= 12 and 1 <= int(text[6:]) <= 31
    return True


def cell_kind(text: str) -> str:
    """What one cell is: "", "GUID", "e-mail", "date", "number" or "text".

    >>> [cell_kind(v) for v in ("274", "2011-05-31 00:00:00", "{99109BBF-8693-4587-BC23-6036EC89E1BE}")]
    ['number', 'date', 'GUID']
    >>> [cell_kind(v) for v in ("ana@example.com", "Q1", "2025-01", "Amount", "")]
    ['e-mail', 'text', 'text', 'text', '']
    """
    v = text.strip()
    if not v:
        return ""
    if _GUID.match(v):
        return "GUID"
    if _EMAIL.match(v):
        return "e-mail"
    if _is_date(v):
        return "date"
    n = as_number(v)
    if n is not None and n == n and abs(n) != float("inf") and any(ch.isdigit() for ch in v):
        return "number"
    return "text"


def _column_kind(cells: list[str]) -> str:
    """The kind most (80 %) of a column's non-empty cells share: "" when empty, "mixed" when none."""
    kinds = [k for k in (cell_kind(c) for c in cells) if k]
    if not kinds:
        return ""
    top = max(set(kinds), key=kinds.count)
    return top if kinds.count(top) >= 0.8 * len(kinds) else "mixed"


def _yearish(text: str) -> bool:
    return text.strip().isdigit() and len(text.strip()) == 4 and 1900 <= int(text) <= 2100


def first_row_is_data(first: list[str], rest: list[list[str]]) -> bool:
    """True when the first line of a file is a row of data, not column names.

    Conservative both ways: a known header, a period label, a run of column numbers (1, 2, 3…) or a
    word over a column of typed values (numbers, dates, GUIDs, e-mails) keeps it a header; it is data
    only when at least one typed cell stands over a column of the same kind and nothing says header.
    A year (2025) counts only over a column of years.

    >>> first_row_is_data(["274", "2011-05-31", "28000"], [["275", "2011-08-31", "7000"]])
    True
    >>> first_row_is_data(["Owner", "2025-01", "2025-02"], [["Ana", "100", "200"]])
    False
    >>> first_row_is_data(["Owner", "2025", "2026"], [["Ana", "100", "200"]])
    False
    """
    cells = [str(c).strip() for c in first]
    rows = [r for r in rest if any(str(c).strip() for c in r)][:SAMPLE_LINES]
    if len(cells) < 2 or not rows:
        return False
    if sum(1 for r in rows if len(r) == len(cells)) < 0.8 * len(rows):
        return False  # the lines after it do not line up with it: not judged
    known = known_headers()
    if any(normalise_header(c) in known or _PERIOD_LABEL.match(c) for c in cells if c):
        return False
    numbers = [c for c in cells if c]
    if len(numbers) >= 2 and all(c.isdigit() for c in numbers) and (
            [int(c) for c in numbers] in (list(range(1, len(numbers) + 1)), list(range(len(numbers))))):
        return False  # columns numbered 1, 2, 3…: a header
    votes = 0
    for j, cell in enumerate(cells):
        kind = cell_kind(cell)
        if not kind:
            continue
        below = _column_kind([str(r[j]) for r in rows if j < len(r)])
        if kind == "text":
            if below in ("number", "date", "GUID", "e-mail"):
                return False  # a label over typed values
            continue
        if below in ("", "mixed"):
            continue
        if below != kind:
            return False  # a typed cell over another kind: not clear, so a header
        if kind == "number" and _yearish(cell) and not all(_yearish(str(r[j])) for r in rows if j < len(r)
                                                            and str(r[j]).strip()):
            continue  # 2025 over amounts: a year's label
        votes += 1
    return votes >= 1


def column_names(n: int) -> list[str]:
    return [f"Column {i}" for i in range(1, n + 1)]


def _describe(values: pd.Series, first: bool) -> str:
    cells = [v for v in (str(x).strip() for x in values.dropna().head(SAMPLE_ROWS).tolist()) if v]
    if not cells:
        return "empty"
    kind = _column_kind(cells)
    if kind == "GUID" or kind == "date" or kind == "e-mail":
        return kind
    lowered = {c.lower() for c in cells}
    if lowered <= _FLAGS and len(lowered) <= 2:
        return "yes/no"
    if kind == "number":
        plain = all(c.isdigit() for c in cells)
        round_ = sum(1 for c in cells if c.endswith("00")) >= 0.8 * len(cells)
        if plain and (first or (len(set(cells)) >= 0.9 * len(cells) and min(map(len, cells)) >= 5 and not round_)):
            return "ID"  # the first column, or long distinct whole numbers that are not round sums
        numbers = sorted(abs(n) for n in (as_number(c) for c in cells) if n is not None)
        return "money" if numbers and numbers[len(numbers) // 2] >= 100 else "number"
    if all(_LOGIN.match(c) for c in cells):
        return "login"
    distinct = len(set(cells)) / len(cells)
    if all(_CODE.match(c) for c in cells) and (first or distinct >= 0.9):
        return "ID"
    values = set(cells)
    if (sum(1 for c in cells if _PERSON.match(c)) >= 0.8 * len(cells)
            and len({v.split()[0] for v in values}) >= 0.8 * len(values)):
        return "name"  # people's names: few share a first word ("Closed Won", "Closed Lost" do)
    if len(set(cells)) <= max(2, min(50, len(cells) // 2)):
        return "category"
    return "text"


def column_kinds(frame: pd.DataFrame) -> dict[str, str]:
    """What each column's values look like (one of :data:`KINDS`), from its first rows."""
    return {h: _describe(frame[h], i == 0) for i, h in enumerate(frame.columns)}


# --------------------------------------------------------------------------- guessing a table

#: the kinds of source column a canonical column takes, best first: by type, and for text columns
#: by what they hold (a person, an e-mail, a category); the first is the strong fit
KIND_PREFERENCES: dict[str, tuple[str, ...]] = {
    "date": ("date",), "timestamp": ("date",), "money": ("money", "number"), "number": ("number", "money"),
    "integer": ("number", "money"), "bool": ("yes/no",), "id": ("ID", "GUID"),
    "person": ("name", "e-mail", "login", "ID"), "email": ("e-mail",),
    "name": ("name", "login", "e-mail", "text", "ID"), "text": ("category", "text"), "currency": ("category",),
}
#: a column that is never before another on the same row (a guessed period end after its start)
NOT_BEFORE: dict[str, tuple[tuple[str, str], ...]] = {
    "quotas": (("period_end", "period_start"),),
    "people": (("end_date", "start_date"),),
    "development_actions": (("due_date", "assigned_date"), ("completed_date", "assigned_date")),
}
#: text columns that name a person (a reference to the roster)
PERSON_COLUMNS = frozenset({"owner", "rep", "manager", "reviewer", "respondent", "subject_manager"})
#: what a fit is worth by the rank of the kind in :data:`KIND_PREFERENCES` (later ranks: the last);
#: a free-text column is never better than the last (values cannot tell a stage from a region)
FIT_BY_RANK = (1.0, 0.85, 0.7)
#: a reference (a person, another record's ID) whose sampled values are all distinct is a list of
#: those things more than rows about them: its fit is worth this share
UNIQUE_REFERENCE = 0.5


def _role(table: str, col: schema.Column) -> str:
    if col.name in PERSON_COLUMNS or col.name in schema.PERSON_REFERENCES.get(table, ()):
        return "person"
    if col.name == "email":
        return "email"
    if col.name == "name" and col.type == "text":
        return "name"
    return col.type


def _after(frame: pd.DataFrame, later: str, earlier: str) -> bool:
    """True when ``later``'s dates are on or after ``earlier``'s on 90 % of the sampled rows."""
    head = frame[[later, earlier]].head(SAMPLE_ROWS)
    a = pd.to_datetime(head[later], errors="coerce", format="mixed")
    b = pd.to_datetime(head[earlier], errors="coerce", format="mixed")
    both = a.notna() & b.notna()
    return bool(both.any()) and float((a[both] >= b[both]).mean()) >= 0.9


def value_mapping(table_name: str, kinds: dict[str, str], frame: pd.DataFrame | None = None,
                  derivable: dict[str, str] | None = None) -> tuple[dict[str, str], float]:
    """Map a table's columns to source columns by what their values look like: (mapping, fit 0-1).

    Required columns take the first unused source column of their best kind (file order), then of
    the next kinds; a required column ``derivable`` from a mapped one counts as found. Optional
    columns are guessed only from a strong fit that is not ambiguous (exactly one such source
    column left). The fit is 0.6 x the required columns found (each worth :data:`FIT_BY_RANK` of
    its kind's rank, less for a reference whose values never repeat) + 0.4 x the share of the
    file's columns (GUIDs and empty ones aside) explained.
    """
    t = schema.table(table_name)
    derivable = derivable or {}
    order = list(kinds)
    used: set[str] = set()
    mapping: dict[str, str] = {}
    quality: dict[str, float] = {}
    rules = {later: earlier for later, earlier in NOT_BEFORE.get(table_name, ())}

    def fits(canon: str, src: str) -> bool:
        earlier = rules.get(canon)
        return earlier is None or earlier not in mapping or frame is None or _after(frame, src, mapping[earlier])

    def unique(src: str) -> bool:
        if frame is None:
            return False
        cells = frame[src].head(SAMPLE_ROWS).dropna().astype("str").str.strip()
        cells = cells[cells != ""]
        return len(cells) >= 10 and cells.is_unique

    for col in t.required_columns:
        role = _role(table_name, col)
        prefs = KIND_PREFERENCES.get(role, KIND_PREFERENCES["text"])
        for rank, kind in enumerate(prefs):
            src = next((h for h in order if kinds[h] == kind and h not in used and fits(col.name, h)), None)
            if src:
                q = FIT_BY_RANK[-1] if role == "text" else FIT_BY_RANK[min(rank, len(FIT_BY_RANK) - 1)]
                reference = role == "person" or (col.type == "id" and col.name not in t.key)
                mapping[col.name], quality[col.name] = src, q * (UNIQUE_REFERENCE if reference and unique(src) else 1)
                used.add(src)
                break
    for col in t.columns:
        if col.required or col.name in mapping:
            continue
        kind = KIND_PREFERENCES.get(_role(table_name, col), KIND_PREFERENCES["text"])[0]
        if kind in ("text", "category", "ID", "GUID", "login"):
            continue  # a free word or a code: values alone cannot say which it is
        left = [h for h in order if kinds[h] == kind and h not in used]
        if len(left) == 1 and fits(col.name, left[0]):
            mapping[col.name], quality[col.name] = left[0], 1.0
            used.add(left[0])
    required = t.required_columns
    found = sum(quality.get(c.name, 1.0 if c.name in derivable and derivable[c.name] in mapping else 0.0)
                for c in required)
    key_ok = all(c.name not in t.key or c.name in mapping for c in required) or bool(t.derived_key_from)
    usable = [h for h in order if kinds[h] not in ("GUID", "empty")] or order
    explained = sum(quality.get(c, 0.0) for c in mapping) / max(1, len(usable))
    fit = 0.6 * found / max(1, len(required)) + 0.4 * min(1.0, explained)
    mapping = {c: mapping[c] for c in t.column_names if c in mapping}
    return mapping, round(fit if key_ok else fit / 2, 2)
