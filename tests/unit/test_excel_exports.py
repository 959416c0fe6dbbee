"""Excel downloads keep what the screen shows (issue 20, item 10): number formats per kind of
column, human headers, and an "About" sheet with the filters, the workspace and when it was made.
CSV downloads stay clean data; what they were cut from is in their file name."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from analytics.filters import Filters
from analytics.outputs.downloads import about_rows, column_kind, download_name, header_label, safe_csv, safe_xlsx

MADE = datetime(2026, 12, 7, 5, 41)


def table(shape: int) -> pd.DataFrame:
    """One table of a KPI page, in varied header shapes (case, punctuation, order, extra columns, empty cells)."""
    frame = pd.DataFrame({
        "manager": ["Deepa Varga", "Jonas Weber", None],
        "win_rate": [0.5, 0.25, None],
        "attainment": [0.9322, 1.035, None],
        "revenue": [1234567.8, 0.0, None],
        "avg_deal_size": [25000.4, 9000.0, None],
        "won": pd.array([12, 3, 0], dtype="int64"),
        "n_open_ended": pd.array([1, 0, 2], dtype="int64"),
        "close_date": pd.to_datetime(["2026-09-18", "2026-09-30", None]),
        "coverage": [3.2, 1.1, None],
        "note": ["ok", "", None],
    })
    if shape == 1:  # other case and punctuation, other order
        frame = frame.rename(columns={"win_rate": "Win Rate", "attainment": "Attainment %", "revenue": "Revenue",
                                      "avg_deal_size": "Avg. deal size", "close_date": "Close Date"})
        frame = frame[list(reversed(frame.columns))]
    if shape == 2:  # an extra column the table of synonyms does not know
        frame = frame.assign(weird_metric=[1.23456, 2.0, None])
    return frame


def cells(sheet, header: str):
    heads = [c.value for c in sheet[1]]
    col = heads.index(header) + 1
    return [sheet.cell(row=r, column=col) for r in range(2, sheet.max_row + 1)]


@pytest.mark.parametrize("shape", [0, 1, 2])
def test_each_kind_of_column_keeps_its_number_format_and_a_human_header(shape):
    frame = table(shape)
    book = load_workbook(io.BytesIO(safe_xlsx({"KPIs": frame})))
    sheet = book["KPIs"]
    heads = [c.value for c in sheet[1]]
    assert not any("_" in h for h in heads)  # never snake_case in front of a reader
    assert "Win rate" in heads and "Average deal size" in heads and "Close date" in heads
    win = cells(sheet, "Win rate")
    assert [c.value for c in win] == [0.5, 0.25, None]  # the value stays a number, shown as a percentage
    assert win[0].number_format == "0%"
    att = cells(sheet, "Attainment") if "Attainment" in heads else cells(sheet, "Attainment %")
    assert att[0].number_format == "0%" and att[1].value == pytest.approx(1.035)
    assert cells(sheet, "Revenue")[0].number_format == "#,##0"
    assert cells(sheet, "Average deal size")[0].number_format == "#,##0"
    assert cells(sheet, "Won")[0].number_format == "#,##0" and cells(sheet, "Won")[0].value == 12
    day = cells(sheet, "Close date")
    assert day[0].number_format == "d mmm yyyy" and day[0].is_date
    assert day[2].value is None  # an empty date is an empty cell, never "NaT"
    assert cells(sheet, "Coverage")[0].number_format == "0.0"
    assert cells(sheet, "Note")[2].value is None
    if shape == 2:
        assert cells(sheet, "Weird metric")[0].number_format == "#,##0.00"


def test_the_about_sheet_comes_first_with_filters_workspace_and_when():
    filters = Filters(start=date(2026, 7, 1), end=date(2026, 9, 30), regions=("EMEA",))
    about = about_rows("KPIs per team", filters.summary(), "Demo: Northwind", MADE)
    book = load_workbook(io.BytesIO(safe_xlsx({"KPIs": table(0)}, about=about)))
    assert book.sheetnames == ["About", "KPIs"]
    rows = {r[0]: r[1] for r in book["About"].iter_rows(values_only=True) if r[0]}
    assert rows["Filters"] == "2026 Q3 · region: EMEA"
    assert rows["Workspace"] == "Demo: Northwind"
    assert rows["Made"] == "7 Dec 2026 05:41 UTC"
    assert rows["Table"] == "KPIs per team"


def test_about_values_are_text_that_cannot_run():
    about = about_rows("x", "All data", "=HYPERLINK(\"http://evil\")", MADE)
    sheet = load_workbook(io.BytesIO(safe_xlsx({"t": table(0)}, about=about)))["About"]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert any(str(c.value).startswith("'=") for row in sheet.iter_rows() for c in row)


def test_csv_stays_clean_data_and_its_file_name_carries_the_filter_and_the_day():
    text = safe_csv(table(0)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][:3] == ["manager", "win_rate", "attainment"]  # a machine-readable header, no comment lines
    assert len(rows) == 4
    assert download_name("kpis-team.csv", Filters(start=date(2026, 7, 1), end=date(2026, 9, 30)).summary(),
                         MADE) == "kpis-team-2026-q3-2026-12-07.csv"
    assert download_name("kpis-team.xlsx", "All data", MADE) == "kpis-team-all-data-2026-12-07.xlsx"


@pytest.mark.parametrize("days", [
    pd.Series([date(2026, 9, 30), None, date(2025, 1, 5)], dtype=object),  # DuckDB DATE as Python dates
    pd.Series([date(2026, 9, 30), None, date(2025, 1, 5)], dtype="date32[pyarrow]"),
])
def test_days_held_as_dates_are_dates_in_the_workbook(days):
    sheet = load_workbook(io.BytesIO(safe_xlsx({"t": pd.DataFrame({"due_date": days, "who": ["a", "b", "c"]})})))["t"]
    due = cells(sheet, "Due date")
    assert due[0].is_date and due[0].number_format == "d mmm yyyy" and due[0].value.date() == date(2026, 9, 30)
    assert due[1].value is None


@pytest.mark.parametrize("name, dtype, kind", [
    ("win_rate", "float64", "percent"), ("Activity met share", "float64", "percent"), ("rate", "float64", "percent"),
    ("quota", "float64", "money"), ("pipeline_added", "float64", "money"), ("Amount (USD)", "float64", "money"),
    ("n_from", "int64", "count"), ("deals_created", "float64", "count"), ("cycle_length_days", "float64", "days"),
    ("to_rank", "float64", "count"),
    ("win_rate", "object", None), ("manager", "object", None), ("period", "datetime64[ns]", "date"),
])
def test_column_kinds_are_read_from_the_name_and_the_type(name, dtype, kind):
    assert column_kind(name, pd.Series([], dtype=dtype).dtype) == kind


def test_headers_read_as_words():
    assert header_label("avg_deal_size") == "Average deal size"
    assert header_label("cycle_length_days") == "Cycle length (days)"
    assert header_label("Win Rate") == "Win rate"
    assert header_label("n_open_ended") == "Stays still open"  # the engine's own names read as sentences
    assert header_label("n_deals_lost") == "Deals lost (count)"
