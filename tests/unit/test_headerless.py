"""Files without a header row (issue 18): told from files with headers, their columns described
and guessed from values, always for the user to check; quotas with one date per period."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from analytics.ingest.pipeline import analyse_file, import_file
from analytics.ingest.quota_periods import DERIVED_END
from analytics.ingest.readers import read_export
from analytics.store.workspace import Workspace

AW = "adventureworks-quota"


def csv_bytes(rows: list[list[str]], sep: str = ",", eol: str = "\n") -> bytes:
    return (eol.join(sep.join(r) for r in rows) + eol).encode("utf-8")


QUOTA_ROWS = [[owner, date, amount] for owner, dates in (("Ana Diaz", ("2025-01-01", "2025-04-01", "2025-07-01")),
                                                          ("Bo Chen", ("2025-01-01", "2025-04-01")))
              for date, amount in zip(dates, ("1000", "1200", "900"), strict=False)]


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("date_form", ["%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d 00:00:00"])
def test_a_headerless_quota_file_reads_every_line_as_a_row(sep, date_form):
    import datetime as dt
    rows = [[o, dt.date.fromisoformat(d).strftime(date_form), a] for o, d, a in QUOTA_ROWS]
    raw = read_export("q.csv", csv_bytes(rows, sep))
    assert raw.headerless
    assert raw.headers == ["Column 1", "Column 2", "Column 3"]
    assert raw.rows_read == len(rows) and list(raw.rows) == list(range(1, len(rows) + 1))
    assert raw.column_kinds["Column 2"] == "date" and raw.column_kinds["Column 3"] == "money"
    assert raw.notes[0].startswith("This file has no header row: its first line (row 1) is data")


@pytest.mark.parametrize("header", [
    ["Owner", "Period", "Quota"],
    ["Salesperson", "2025-01", "2025-02", "2025-03"],      # a wide sheet's month labels
    ["Rep", "Q1", "Q2", "Q3", "Q4"],
    ["Year", "EmployeeID", "M01", "M02", "M03"],
    ["Owner", "2025", "2026"],                              # years as labels over amounts
    ["Name", "Email", "Team"],
    ["1", "2", "3"],                                        # columns numbered
    ["rep_id", "target_amt", "when"],                       # unknown words over typed values
])
def test_a_file_with_a_header_row_is_never_taken_as_headerless(header):
    body = [["Ana Diaz", *["100"] * (len(header) - 1)], ["Bo Chen", *["200"] * (len(header) - 1)]]
    if header == ["Name", "Email", "Team"]:
        body = [["Ana Diaz", "ana@example.com", "East"], ["Bo Chen", "bo@example.com", "West"]]
    if header[0] == "Year":
        body = [["2025", "28278383", "100", "200", "300"], ["2025", "28278384", "100", "-", "300"]]
    if header[2] == "when":
        body = [["17", "1000", "2025-01-01"], ["18", "1200", "2025-02-01"]]
    raw = read_export("h.csv", csv_bytes([header, *body]))
    assert not raw.headerless and raw.headers == header and raw.rows_read == len(body)


def test_every_real_sample_with_headers_and_the_demo_keep_their_headers(real_data):
    for path in [*real_data.rglob("*.csv"), *Path("data/demo").glob("*.csv")]:
        raw = read_export(path.name, path.read_bytes())
        assert raw.headerless == (path.parent.name == AW), path


def test_the_hostile_corpus_keeps_its_headers():
    from tests import hostile_corpus
    for case, data in [*hostile_corpus._cases(), *hostile_corpus.name_cases(), *hostile_corpus.value_cases()]:
        if len(data) > 5_000_000:
            continue
        try:
            raw = read_export(case.name, data)
        except Exception:  # noqa: BLE001 - a refused file is refused as before
            continue
        assert not raw.headerless, case.name


def test_a_headerless_workbook_is_read_from_its_first_row():
    from tests.hostile_corpus import _inline_row, _package, _sheet_xml
    rows = [_inline_row(i + 1, r) for i, r in enumerate(QUOTA_ROWS)]
    data = _package(_sheet_xml("".join(rows)))
    raw = read_export("q.xlsx", data)
    assert raw.headerless and raw.rows_read == len(QUOTA_ROWS) and list(raw.rows[:2]) == [1, 2]
    assert raw.frame.iloc[0].tolist() == QUOTA_ROWS[0]
    assert zipfile.is_zipfile(io.BytesIO(data))


# --------------------------------------------------------------------------- guessing and loading


def test_a_headerless_quota_file_is_guessed_never_loaded_unconfirmed_and_loads_when_confirmed():
    a = analyse_file("q.csv", csv_bytes(QUOTA_ROWS, ";"))
    rec = a.recognition
    assert rec.table == "quotas" and rec.shape is None and not rec.recognised
    assert rec.mapping == {"owner": "Column 1", "period_start": "Column 2", "amount": "Column 3"}
    assert rec.runner_up is not None
    ws = Workspace()
    assert import_file(ws, a).error and ws.counts().get("quotas", 0) == 0  # never silently
    report = import_file(ws, a, rec.table, rec.mapping)
    assert report.error is None and (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 5, 0)
    assert any("each period is a quarter" in n for n in report.notes)
    ends = ws.query("SELECT period_start, period_end FROM quotas ORDER BY owner, period_start")
    assert str(ends["period_end"].iloc[0])[:10] == "2025-03-31"


def test_a_headerless_deals_file_is_offered_as_opportunities():
    rows = [[f"D-{i:03d}", f"Deal {i}", "Ana Diaz" if i % 2 else "Bo Chen", ("Closed Won", "Open", "Closed Lost")[i % 3],
             f"2025-0{1 + i % 9}-1{i % 10}", f"{1000 + 37 * i}.50"] for i in range(1, 40)]
    a = analyse_file("deals.csv", csv_bytes(rows))
    assert a.raw.headerless and a.raw.rows_read == 39
    rec = a.recognition
    assert rec.table == "opportunities" and not rec.recognised
    assert rec.mapping["opportunity_id"] == "Column 1" and rec.mapping["stage"] == "Column 4"
    assert rec.mapping.get("amount") == "Column 6"


def test_a_headerless_roster_is_offered_as_people():
    names = ["Ana Diaz", "Bo Chen", "Cy Park", "Di Ross", "Ed Wu", "Flo Hart", "Gus Lee", "Hal Roy", "Ida Moe",
             "Jo Kim", "Kai Poe"]
    rows = [[f"{100 + i}", n, f"{n.split()[0].lower()}@example.com", "East" if i % 2 else "West"]
            for i, n in enumerate(names)]
    a = analyse_file("roster.txt", csv_bytes(rows, "\t", "\r\n"))
    rec = a.recognition
    assert a.raw.headerless and rec.table == "people"
    assert rec.mapping["name"] == "Column 2" and rec.mapping.get("email") == "Column 3"


def test_adventureworks_quota_history_loads_as_quarters_once_the_guess_is_confirmed(real_data):
    path = real_data / AW / "SalesPersonQuotaHistory.csv"
    a = analyse_file(path.name, path.read_bytes())
    rec = a.recognition
    assert rec.table == "quotas" and not rec.recognised
    assert rec.mapping == {"owner": "Column 1", "period_start": "Column 2", "amount": "Column 3"}
    ws = Workspace()
    report = import_file(ws, a, rec.table, rec.mapping)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (163, 163, 0)
    assert report.shape.startswith("No header row")
    assert any("no header row" in n for n in report.notes) and any("quarter" in n for n in report.notes)
    got = ws.query("SELECT owner, period_start, period_end, amount FROM quotas WHERE owner = '274' "
                   "ORDER BY period_start LIMIT 1").iloc[0]
    assert (str(got["period_start"])[:10], str(got["period_end"])[:10], got["amount"]) == (
        "2011-05-31", "2011-08-30", 28000)


def test_every_adventureworks_file_is_read_whole_and_asked_about(real_data):
    for path in sorted((real_data / AW).glob("*.csv")):
        a = analyse_file(path.name, path.read_bytes())
        assert a.error is None and a.raw.headerless
        assert a.recognition is not None and not a.recognition.recognised
    counts = {p.name: analyse_file(p.name, p.read_bytes()).raw.rows_read for p in (real_data / AW).glob("*.csv")}
    assert counts == {"SalesPersonQuotaHistory.csv": 163, "SalesPerson.csv": 17, "Employee.csv": 290}


def test_a_saved_mapping_never_loads_another_headerless_file_silently():
    from analytics.ingest.recognise import mapping_from_json, mapping_to_json
    quota = analyse_file("q.csv", csv_bytes(QUOTA_ROWS))
    saved = mapping_from_json(mapping_to_json("quotas", quota.recognition.mapping, quota.headers))
    other = csv_bytes([["274", "3", "300000", "{1E0A7274-3064-4F58-88EE-4C6586C87169}", "2011-05-24"],
                       ["275", "4", "250000", "{4DD9EEE4-8E81-4F8C-AF97-683394C1F7C0}", "2011-05-24"]])
    a = analyse_file("o.csv", other, [saved])
    assert a.raw.headerless and not a.recognition.recognised


# --------------------------------------------------------------------------- one date per period (headed too)


@pytest.mark.parametrize("header, gap_months, expected", [
    ("Quota Month", 1, "month"), ("Period", 3, "quarter"), ("Month", 12, "year")])
def test_a_headed_quota_file_with_one_date_per_period_derives_the_end(header, gap_months, expected):
    import pandas as pd
    starts = pd.date_range("2024-01-01", periods=4, freq=f"{gap_months}MS").strftime("%Y-%m-%d")
    rows = [["Owner", header, "Quota"]] + [[o, s, "500"] for o in ("Ana Diaz", "Bo Chen") for s in starts]
    a = analyse_file("quota.csv", csv_bytes(rows))
    assert not a.raw.headerless
    assert a.recognition.table == "quotas" and not a.recognition.missing_required
    ws = Workspace()
    report = import_file(ws, a, "quotas", a.recognition.mapping)
    assert report.rows_loaded == 8 and any(f"each period is a {expected}" in n for n in report.notes)
    first = ws.query("SELECT period_end FROM quotas ORDER BY owner, period_start LIMIT 1").iloc[0, 0]
    assert str(first)[:10] == str(pd.Timestamp("2024-01-01") + pd.DateOffset(months=gap_months)
                                  - pd.Timedelta(days=1))[:10]


def test_one_date_per_owner_and_no_word_for_the_period_rejects_the_rows_and_says_why():
    rows = [["Owner", "Period", "Quota"], ["Ana Diaz", "2025-01-01", "100"], ["Bo Chen", "2025-01-01", "200"]]
    a = analyse_file("quota.csv", csv_bytes(rows))
    report = import_file(Workspace(), a, "quotas", a.recognition.mapping)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (2, 0, 2)
    assert all(r.column == DERIVED_END for r in report.rejects)
    assert any("the period's end is unknown" in n for n in report.notes)
