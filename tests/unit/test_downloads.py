"""Downloads cannot carry a running formula: hostile cells come back as plain text."""

from __future__ import annotations

import csv
import io

import pandas as pd
from openpyxl import load_workbook

from analytics.downloads import neutralise, safe_csv, safe_xlsx, sheet_name

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
    assert names == ["'" + v for v in HOSTILE]
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
    assert text.splitlines()[0] == "'=cmd"


def test_neutralise_leaves_ordinary_values_alone():
    assert neutralise("Closed Won") == "Closed Won"
    assert neutralise(-3) == -3
    assert neutralise(None) is None


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_name("a/b:c", taken) == "a b c"
    assert sheet_name("x" * 40, taken) == "x" * 31
    assert sheet_name("x" * 40, taken) == "x" * 27 + " (2)"
