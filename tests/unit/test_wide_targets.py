"""Wide target sheets (one column per month or quarter) recognised and loaded as quota periods,
through the upload path: the real PL-300 sheet, generated sheets in the other forms, and files that
only look a little wide, which stay what they were."""

from __future__ import annotations

import csv
import io

import pytest

from analytics.ingest.pipeline import analyse_file, import_file
from analytics.ingest.wide import period_of
from analytics.store.workspace import Workspace

PL300 = ("quota-pl300-mslearn", "ResellerSalesTargets.csv")


def load(name: str, data: bytes):
    ws = Workspace()
    analysis = analyse_file(name, data)
    report = import_file(ws, analysis)
    quotas = ws.query("SELECT owner, period_start, period_end, amount FROM quotas "
                      "ORDER BY owner, period_start") if report.rows_loaded else None
    ws.close()
    return analysis, report, quotas


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def test_the_pl300_sheet_loads_one_quota_per_month_with_a_target(real_data):
    path = real_data.joinpath(*PL300)
    # independently of the app: the UTF-16 text, every M01-M12 cell that is not '-' or empty
    with path.open(encoding="utf-16", newline="") as fh:
        lines = list(csv.DictReader(fh))
    assert len(lines) == 81
    months = [f"M{m:02d}" for m in range(1, 13)]
    expected = {(r["EmployeeID"], f"{r['Year']}-{m[1:]}-01", float(r[m]))
                for r in lines for m in months if r[m].strip() not in ("-", "")}
    cells = sum(1 for r in lines for m in months if r[m].strip() not in ("-", ""))
    assert cells == len(expected)

    analysis, report, quotas = load(path.name, path.read_bytes())
    assert analysis.recognition.recognised
    assert analysis.recognition.shape == "Wide target sheet: 12 months per row, turned into quota periods"
    assert report.error is None
    assert report.rows_read == cells == report.rows_loaded + report.rows_rejected
    assert report.rows_loaded == cells and report.rows_rejected == 0
    assert any("81 rows of the sheet made" in n for n in report.notes)
    got = {(o, str(s)[:10], float(a)) for o, s, a in
           zip(quotas["owner"], quotas["period_start"], quotas["amount"], strict=True)}
    assert got == expected
    # a month is a calendar month
    feb = quotas[quotas["period_start"].astype(str).str[5:10] == "02-01"]
    assert all(str(e)[5:10] in ("02-28", "02-29") for e in feb["period_end"])


def test_month_names_with_a_year_column():
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    rows = [["Rep", "Year", *names],
            ["Ana Diaz", "2025", *["1000"] * 12],
            ["Bo Chen", "2025", "-", "", "0", *["2,500"] * 9]]
    analysis, report, quotas = load("targets.csv", csv_bytes(rows))
    assert analysis.recognition.shape == "Wide target sheet: 12 months per row, turned into quota periods"
    # '-' and empty are no target; 0 is a target of 0
    assert report.rows_read == 12 + 10 == report.rows_loaded
    bo = quotas[quotas["owner"] == "Bo Chen"]
    assert str(bo["period_start"].iloc[0])[:10] == "2025-03-01" and float(bo["amount"].iloc[0]) == 0
    assert float(bo["amount"].iloc[1]) == 2500


def test_year_month_headers():
    rows = [["Owner", "2025-01", "2025-02", "2025-03", "2025-04"],
            ["Ana Diaz", "10", "20", "30", "40"]]
    _, report, quotas = load("plan.csv", csv_bytes(rows))
    assert report.shape == "Wide target sheet: 4 months per row, turned into quota periods"
    assert report.rows_loaded == 4
    assert [str(s)[:10] for s in quotas["period_end"]] == ["2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30"]


def test_quarter_headers_both_ways_round():
    for heads in (["Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025"], ["2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4"]):
        rows = [["Salesperson", *heads], ["Ana Diaz", "100", "200", "300", "400"], ["Bo Chen", "-", "-", "5", "6"]]
        _, report, quotas = load("q.csv", csv_bytes(rows))
        assert report.shape == "Wide target sheet: 4 quarters per row, turned into quota periods"
        assert report.rows_read == report.rows_loaded == 6
        ana = quotas[quotas["owner"] == "Ana Diaz"]
        assert [(str(s)[:10], str(e)[:10]) for s, e in zip(ana["period_start"], ana["period_end"], strict=True)] == [
            ("2025-01-01", "2025-03-31"), ("2025-04-01", "2025-06-30"),
            ("2025-07-01", "2025-09-30"), ("2025-10-01", "2025-12-31")]


def test_a_bad_cell_or_year_is_a_rejected_period_and_every_period_is_counted():
    rows = [["Rep", "Year", "Jan", "Feb", "Mar"],
            ["Ana Diaz", "2025", "10", "lots", "30"],
            ["Bo Chen", "n/a", "1", "2", "-"]]
    _, report, _ = load("t.csv", csv_bytes(rows))
    assert report.rows_read == 5 == report.rows_loaded + report.rows_rejected
    assert report.rows_loaded == 2 and report.rows_rejected == 3
    assert {r.row for r in report.rejects} == {2, 3}  # the sheet's own lines


@pytest.mark.parametrize("rows", [
    # a deals export with a Jan column
    [["Opportunity", "Owner", "Amount", "Close Date", "Jan"], ["Acme", "Ana Diaz", "100", "2025-01-03", "x"]],
    # months of text, not targets
    [["Rep", "Year", "Jan", "Feb", "Mar"], ["Ana Diaz", "2025", "call", "visit", "demo"]],
    # months without any year
    [["Rep", "Jan", "Feb", "Mar"], ["Ana Diaz", "1", "2", "3"]],
    # no owner column
    [["Region", "Q1 2025", "Q2 2025", "Q3 2025"], ["EMEA", "1", "2", "3"]],
    # a few month columns among many others
    [["Opportunity", "Owner", "Amount", "Stage", "Close Date", "Jan", "Feb", "Mar"],
     ["Acme", "Ana Diaz", "100", "Won", "2025-01-03", "1", "2", "3"]],
], ids=["deals-with-jan", "text-cells", "no-year", "no-owner", "few-months"])
def test_a_file_that_only_looks_a_little_wide_is_not_turned_into_quotas(rows):
    analysis = analyse_file("x.csv", csv_bytes(rows))
    assert not (analysis.recognition.shape or "").startswith("Wide target sheet")
    assert analysis.raw.headers == rows[0]


def test_period_headers():
    assert period_of("M01") == ("month", 1, None)
    assert period_of("September") == ("month", 9, None)
    assert period_of("Sept 2024") == ("month", 9, 2024)
    assert period_of("2025/11") == ("month", 11, 2025)
    assert period_of("Q3-2025") == ("quarter", 3, 2025)
    assert period_of("Amount") is None and period_of("2025") is None and period_of("May Total") is None


def test_a_wide_sheet_with_more_rejects_than_kept_lists_them_all_again():
    from analytics.ingest.readers import REJECTS_KEPT
    n = REJECTS_KEPT + 5
    data = ("Rep,Year,Jan,Feb,Mar\n" + "".join(f"R{i},2025,1,1,{'x' if i % 3 == 0 else 2}\n"
                                                for i in range(3 * n))).encode()
    ws = Workspace()
    report = import_file(ws, analyse_file("w.csv", data))
    ws.close()
    assert report.rows_read == 9 * n == report.rows_loaded + report.rows_rejected and report.rows_rejected == n
    assert len(report.rejects) == REJECTS_KEPT and len(report.all_rejects()) == n
