"""Downloads cannot carry a running formula: hostile cells come back as plain text."""

from __future__ import annotations

import csv
import io

import pandas as pd
from openpyxl import load_workbook

from analytics.outputs.downloads import neutralise, safe_csv, safe_xlsx, sheet_name

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3+cmd",
           "\t=1+1", "\r=1+1", "=1+1"]


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "name": HOSTILE,
        "amount": [-5.0, 1.5, 0.0, -1e6, 2.0, 3.0, None],
        "when": pd.to_datetime(["2025-01-01"] * 7),
        "note": pd.Series(["ok", None, "Søren", "x\x07y", "a", "b", "c"], dtype="string"),
    })


def test_csv_reads_back_with_every_hostile_value_as_text():
    rows = list(csv.reader(io.StringIO(safe_csv(frame()).decode("utf-8-sig"), newline="")))
    assert rows[0] == ["name", "amount", "when", "note"]
    names = [r[0] for r in rows[1:]]
    # a tab or carriage return is also where a cell starts when the file is split on it
    assert names == ["'" + v.replace("\t=", "\t'=").replace("\r=", "\r'=") for v in HOSTILE]
    # numbers stay numbers: a negative amount is not text
    assert rows[1][1] == "-5.0" and rows[4][1] == "-1000000.0"
    assert rows[3][3] == "Søren"


def test_xlsx_reads_back_as_string_cells_never_formulas():
    book = load_workbook(io.BytesIO(safe_xlsx({"Managers": frame(), "=evil": frame().head(2)})))
    assert book.sheetnames == ["Managers", "=evil"]
    sheet = book["Managers"]
    values = [c.value for c in sheet["A"][1:]]
    # XML reads a carriage return back as a newline; the cell is still text
    assert values == ["'" + v.replace("\r", "\n") for v in HOSTILE]
    assert all(c.data_type == "s" for c in sheet["A"])
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    assert sheet["B2"].value == -5.0 and sheet["B2"].data_type == "n"
    assert sheet["B8"].value is None  # missing stays missing, never 0
    assert sheet["D5"].value == "xy"  # characters XML cannot hold are dropped, not a crash


def test_a_hostile_column_name_is_text_too():
    text = safe_csv(pd.DataFrame({"=cmd": [1]})).decode("utf-8-sig")
    assert text.splitlines()[0] == '"\'=cmd"'


def test_neutralise_leaves_ordinary_values_alone():
    assert neutralise("Closed Won") == "Closed Won"
    assert neutralise(-3) == -3
    assert neutralise(None) is None


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_name("a/b:c", taken) == "a b c"
    assert sheet_name("x" * 40, taken) == "x" * 31
    assert sheet_name("x" * 40, taken) == "x" * 27 + " (2)"


# --------------------------------------------------------------------------- any separator (issue 16, item 5)

#: cells that are harmless split on commas but start a formula split on ; | or tab, or after
#: spaces, quotes, a line break, or in full-width form
INSIDE = ["x;=2+5;y", "Acme, +1 (555) 0100", "a\t=1+1", "a|=cmd|' /C calc'!A0", " =1+1", "\u3000=1+1",
          "\uff1dSUM(1,2)", "\uff0bcmd", "a\n=1+1", "a\r\n@SUM(1)", '"=1+1"', "b;  -2+3+cmd", "x,\"=1\";y",
          "a;\t=1", "ok; fine", "2024-03-01", "'=already text", "\x01=1+1"]
LEAD = " \t\r\n\"\u3000\xa0\x01"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def formula_fields(text: str) -> list[tuple[str, str]]:
    """Every field that starts a formula when the CSV text is opened with ``,`` ``;`` tab or
    ``|`` as the separator, split as a spreadsheet's parser would (quotes honoured) and naively
    (quotes ignored, every line break a new row). A number is a number, not a formula."""
    import re

    from analytics.outputs.downloads import FORMULA_START

    found = []
    for sep in (",", ";", "\t", "|"):
        parsed = [c for row in csv.reader(io.StringIO(text, newline=""), delimiter=sep) for c in row]
        naive = [c for line in re.split(r"\r\n|\r|\n", text) for c in line.split(sep)]
        for field in parsed + naive:
            start = field.lstrip(LEAD + "\x0b\x0c")
            if start.startswith(FORMULA_START) and not _is_number(start.strip('"')):
                found.append((sep, field))
    return found


def test_no_csv_cell_starts_a_formula_whichever_separator_opens_it():
    values = [*HOSTILE, *INSIDE]
    table = pd.DataFrame({
        "name": values,  # pandas' str (Arrow) column
        "as_object": pd.Series(values, dtype=object),
        "as_category": pd.Series(values, dtype="category"),
        "amount": [-5.5] * len(values),
        "when": pd.to_datetime(["2025-01-01"] * len(values)),
    })
    table["x;=1+1"] = 1  # a column name too
    text = safe_csv(table).decode("utf-8-sig")
    assert formula_fields(text) == []
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][-1] == "x;'=1+1"
    # nothing is lost: the cells read back as written, with an apostrophe before each trigger
    for row, value in zip(rows[1:], values, strict=True):
        assert row[0] == row[1] == row[2]
        assert row[0].replace("'", "") == value.replace("'", ""), (row[0], value)
        assert row[3] == "-5.5"  # numbers stay numbers
    assert rows[1 + values.index("x;=2+5;y")][0] == "x;'=2+5;y"
    assert rows[1 + values.index("ok; fine")][0] == "ok; fine"
    assert rows[1 + values.index("2024-03-01")][0] == "2024-03-01"


def test_every_text_cell_is_quoted_and_numbers_are_not():
    text = safe_csv(pd.DataFrame({"name": ["Ann", None], "n": [1.5, -2.0], "k": [3, 4]})).decode("utf-8-sig")
    assert text.splitlines() == ['"name","n","k"', '"Ann",1.5,3', '"",-2.0,4']


def test_random_text_never_starts_a_formula_in_csv_or_xlsx():
    """Any text built from triggers, separators, quotes, spaces and line breaks: the property,
    not a list of known attacks."""
    import random

    from analytics.outputs.downloads import FORMULA_START

    rng = random.Random(16)
    alphabet = "ab1 .,;|\t\r\n\"'=+-@\uff1d\uff0b\uff0d\uff20\ufe66\u3000\xa0\x01"
    values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10))) for _ in range(3000)]
    frame_ = pd.DataFrame({"text": values})
    assert formula_fields(safe_csv(frame_).decode("utf-8-sig")) == []
    book = load_workbook(io.BytesIO(safe_xlsx(frame_)))
    for row in book.active.iter_rows():
        for c in row:
            assert c.data_type != "f", c.value
            assert not (isinstance(c.value, str) and c.value.lstrip(LEAD).startswith(FORMULA_START)), repr(c.value)


def test_xlsx_keeps_inside_text_as_written_and_never_a_formula():
    book = load_workbook(io.BytesIO(safe_xlsx(pd.DataFrame({"name": INSIDE}))))
    cells = [c for row in book.active.iter_rows(min_row=2) for c in row]
    assert not any(c.data_type == "f" for c in cells)
    got = {c.value for c in cells}
    # a workbook's cells are not split on separators: only a cell that itself starts a formula changes
    assert "x;=2+5;y" in got and "' =1+1" in got and "'\uff1dSUM(1,2)" in got and "'=1+1" in got
