"""Multi-currency amounts: the currency is kept, and money is never summed across currencies."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from analytics.ingest.pipeline import analyse_file, import_file
from analytics.ingest.values import currency_code, currency_in_amounts, parse, parse_money
from analytics.results.attainment import rep_attainment
from analytics.results.currency import currency_scope
from analytics.results.overview import headline
from analytics.store.anonymise import AnonymiseOptions, anonymise
from analytics.store.workspace import Workspace


def load(ws: Workspace, name: str, text: str, table: str | None = None):
    analysis = analyse_file(name, text.encode("utf-8"))
    report = import_file(ws, analysis, table)
    assert report.error is None, report.error
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    return analysis, report


# ----------------------------------------------------------------------------- values

def test_written_currencies_read_as_iso_codes():
    assert [currency_code(t) for t in ("usd", " EUR ", "€", "£", "US$", "Euro", "Swiss franc", "sek")] == [
        "USD", "EUR", "EUR", "GBP", "USD", "EUR", "CHF", "SEK"]
    assert currency_code("dollars and cents") is None
    p = parse("currency", pd.Series(["eur", "", None, "Bitcoins", "gbp"], dtype="str"))
    assert p.values.tolist()[0] == "EUR" and p.values.tolist()[4] == "GBP"
    assert p.bad.tolist() == [False, False, False, True, False]


def test_marks_in_amount_cells_are_read_and_the_amount_still_parses():
    cells = pd.Series(["€1.200,00", "1,200 EUR", "USD 450", "450", "(£20)", "1,200 SEK", "TBD", None], dtype="str")
    found = currency_in_amounts(cells)
    assert [v if isinstance(v, str) else None for v in found.tolist()] == ["EUR", "EUR", "USD", None, "GBP", "SEK",
                                                                          None, None]
    p = parse_money(pd.Series(["1,200 SEK", "USD 450", "TBD", "1,200.50"], dtype="str"))
    assert p.values.tolist()[:2] == [1200.0, 450.0] and p.values.tolist()[3] == 1200.5
    assert p.bad.tolist() == [False, False, True, False]  # a word is never taken for a currency


@pytest.mark.parametrize("cells", [
    ["$1,200.00", "€1.200,00", "1,200 EUR", "", " ", None, "450", "(£20)", "USD 450", "TBD", "CA$ 99", "$5"],
    ["1,200.00", "450", "", None, "12"],  # no mark: no currency, no note
    ["$1,200.00", "$450.00", "$12.00"],  # dollars only
])
def test_the_currency_read_once_per_distinct_amount_is_every_cells_own(monkeypatch, cells):
    """The amount cells' currencies and the note are found once per distinct text in a large
    column: the same as read cell by cell (a column too short to gain from it)."""
    from analytics import schema
    from analytics.ingest import validate
    from analytics.ingest.readers import RawTable

    rng = np.random.default_rng(22)
    column = pd.Series(rng.choice(np.array(cells, dtype=object), 5_000), dtype="str")
    raw = RawTable("deals.csv", ["Amount"], pd.DataFrame({"Amount": column}), np.arange(2, 5_002))
    t = schema.table("opportunities")
    results = []
    for distinct_from in (validate.DISTINCT_FROM, 10**9):
        monkeypatch.setattr(validate, "DISTINCT_FROM", distinct_from)
        typed, notes = {}, []
        validate._currency_notes(raw, t, {"amount": "Amount"}, typed, notes)
        results.append((typed, notes))
    (by_text, notes), (by_cell, cell_notes) = results
    assert notes == cell_notes
    assert by_text.keys() == by_cell.keys()
    if "currency" in by_cell:
        pd.testing.assert_series_equal(by_text["currency"], by_cell["currency"])
        assert by_cell["currency"].notna().any() and "read from the amount cells" in notes[0]
    assert (len(notes) == 1) == (cells[0].startswith("$")), notes


# ----------------------------------------------------------------------------- recognition and import

@pytest.mark.parametrize("header", ["Currency", "CurrencyIsoCode", "currency iso code", "Deal currency code",
                                    "VALUE CURRENCY", "company_currency"])
def test_a_currency_column_is_kept_under_any_of_its_names(header):
    ws = Workspace()
    text = (f"Opportunity ID,Opportunity Owner,Stage,Close Date,Amount,{header},Notes\n"
            "1,Ann,Closed Won,2025-01-10,100,usd,x\n2,Bob,Closed Won,2025-01-11,200,EUR,\n"
            "3,Bob,Closed Lost,2025-01-12,50,,\n")
    analysis, report = load(ws, "deals.csv", text)
    assert analysis.recognition.mapping["currency"] == header
    got = ws.query("SELECT opportunity_id, currency FROM opportunities ORDER BY 1")["currency"].tolist()
    assert got[:2] == ["USD", "EUR"] and pd.isna(got[2])


def test_hubspot_and_pipedrive_shapes_keep_their_currency():
    ws = Workspace()
    load(ws, "hubspot.csv", "Record ID,Deal Name,Deal Stage,Deal owner,Amount,Currency,Close Date\n"
                            "11,A,closedwon,Ann,1000,GBP,2025-02-01\n12,B,closedwon,Ann,500,USD,2025-02-02\n")
    assert set(ws.query("SELECT currency FROM opportunities")["currency"]) == {"GBP", "USD"}


def test_an_unknown_currency_rejects_its_row_with_the_reason():
    ws = Workspace()
    _, report = load(ws, "deals.csv", "Opportunity ID,Opportunity Owner,Stage,Close Date,Amount,Currency\n"
                                      "1,Ann,Closed Won,2025-01-10,100,USD\n2,Ann,Closed Won,2025-01-10,100,Dollarz\n")
    assert (report.rows_loaded, report.rows_rejected) == (1, 1)
    assert report.rejects[0].row == 3 and "currency" in report.rejects[0].reason


def test_symbols_in_amount_cells_fill_the_currency_when_there_is_no_column():
    ws = Workspace()
    _, report = load(ws, "deals.csv", "opportunity id;OWNER;stage;close date;AMOUNT\n"
                                      '1;Ann;Closed Won;2025-01-10;"€1.200,00"\n2;Bob;Closed Won;2025-01-11;"1.500,00 EUR"\n'
                                      "3;Ann;Closed Won;2025-01-12;USD 450\n")
    assert report.rows_loaded == 3
    frame = ws.query("SELECT opportunity_id, amount, currency FROM opportunities ORDER BY 1")
    assert frame["amount"].tolist() == [1200.0, 1500.0, 450.0]
    assert frame["currency"].tolist() == ["EUR", "EUR", "USD"]
    assert any("currency was read from the amount cells (EUR 2, USD 1)" in n for n in report.notes)


def test_a_converted_amount_is_preferred_and_the_deals_own_currency_named():
    ws = Workspace()
    analysis, report = load(ws, "Opportunity.csv",
                            "Id,Name,StageName,CloseDate,OwnerId,Amount,CurrencyIsoCode,ConvertedAmount\n"
                            "006A,A,Closed Won,2025-01-10,005A,1000,EUR,1100\n"
                            "006B,B,Closed Won,2025-01-10,005A,500,USD,500\n")
    assert analysis.recognition.shape == "Salesforce API: Opportunity"
    assert analysis.recognition.mapping["amount"] == "ConvertedAmount"
    assert "currency" not in analysis.recognition.mapping
    assert ws.query("SELECT sum(amount) AS s FROM v_opportunities")["s"][0] == 1600.0
    assert any("CurrencyIsoCode: EUR 1, USD 1" in n and "not used for totals" in n for n in report.notes)
    assert not currency_scope(ws).mixed


def test_a_salesforce_report_with_converted_columns_takes_the_converted_currency():
    ws = Workspace()
    analysis, _ = load(ws, "report.csv",
                       "Opportunity Owner,Opportunity Name,Stage,Close Date,Amount Currency,Amount,"
                       "Amount (converted) Currency,Amount (converted)\n"
                       "Ann,A,Closed Won,2025-01-10,EUR,1000,USD,1100\nBob,B,Closed Won,2025-01-11,GBP,100,USD,125\n")
    m = analysis.recognition.mapping
    assert (m["amount"], m["currency"]) == ("Amount (converted)", "Amount (converted) Currency")
    assert ws.query("SELECT sum(amount) AS s, any_value(currency) AS c FROM v_opportunities").iloc[0].tolist() == [
        1225.0, "USD"]


def test_dynamics_base_currency_revenue_is_preferred():
    ws = Workspace()
    analysis, _ = load(ws, "opps.csv", "Topic,Owner,Status,Est. revenue,Currency,Est. Revenue (Base),Actual Close Date\n"
                                       "A,Ann,Won,1000,Euro,1080,2025-01-10\nB,Bob,Won,200,US Dollar,200,2025-01-10\n")
    assert analysis.recognition.mapping["amount"] == "Est. Revenue (Base)"
    assert ws.query("SELECT sum(amount) AS s FROM v_opportunities")["s"][0] == 1280.0


# ----------------------------------------------------------------------------- totals in one currency

DEALS = ("Opportunity ID,Opportunity Owner,Stage,Close Date,Amount,Currency\n"
         "1,Ann,Closed Won,2025-01-10,100,USD\n2,Ann,Closed Won,2025-03-31,300,USD\n"
         "3,Bob,Closed Won,2025-01-10,1000,EUR\n4,Bob,Closed Lost,2025-01-11,50,EUR\n"
         "5,Cy,Closed Won,2025-01-12,70,GBP\n")
QUOTAS = ("Owner,Period Start,Period End,Quota,Currency\n"
          "Ann,2025-01-01,2025-03-31,800,USD\nBob,2025-01-01,2025-03-31,2000,EUR\n")
ROSTER = "Name,Manager\nAnn,Max\nBob,Max\nCy,Max\nMax,\n"


@pytest.fixture
def mixed() -> Workspace:
    ws = Workspace()
    load(ws, "people.csv", ROSTER, "people")
    load(ws, "deals.csv", DEALS)
    load(ws, "quotas.csv", QUOTAS, "quotas")
    return ws


def test_totals_are_in_the_currency_with_most_won_and_say_what_is_left_out(mixed):
    scope = currency_scope(mixed)
    assert scope.reporting == "EUR" and set(scope.currencies) == {"EUR", "USD", "GBP"}
    h = headline(mixed)
    assert h.won_revenue == 1000.0  # EUR only: never 1000 + 400 + 70
    assert h.won_deals == 4  # counts are every deal's
    text = scope.notice()
    assert text.startswith("Money figures are in EUR. Deals in 2 other currencies (USD 400 won, GBP 70 won)")
    assert "choose the currency in the sidebar" in text


def test_attainment_compares_won_with_quota_only_in_the_same_currency(mixed):
    att = rep_attainment(mixed).set_index("rep")
    assert att.loc["Bob", "attainment"] == pytest.approx(0.5)  # 1000 EUR of 2000 EUR
    assert pd.isna(att.loc["Ann", "attainment"])  # a USD quota: not measured in EUR, never 0
    mixed.set_reporting_currency("USD")
    att = rep_attainment(mixed).set_index("rep")
    assert att.loc["Ann", "attainment"] == pytest.approx(0.5)  # 400 USD of 800 USD
    assert pd.isna(att.loc["Bob", "attainment"])
    assert headline(mixed).won_revenue == 400.0
    assert headline(mixed).attainment == pytest.approx(0.5)


def test_a_quota_with_no_currency_is_compared_with_nothing_when_deals_have_several():
    ws = Workspace()
    load(ws, "people.csv", ROSTER, "people")
    load(ws, "deals.csv", DEALS)
    load(ws, "quotas.csv", "Owner,Period Start,Period End,Quota\nBob,2025-01-01,2025-03-31,2000\n", "quotas")
    assert pd.isna(rep_attainment(ws).set_index("rep").loc["Bob", "attainment"])
    assert "1 quota in no currency given is not compared" in currency_scope(ws).notice()


def test_one_currency_or_none_reads_as_before():
    ws = Workspace()
    load(ws, "deals.csv", "Opportunity ID,Opportunity Owner,Stage,Close Date,Amount\n"
                          '1,Ann,Closed Won,2025-01-10,"$1,000.00"\n2,Ann,Closed Won,2025-03-31,$500\n')
    load(ws, "quotas.csv", "Owner,Period Start,Period End,Quota\nAnn,2025-01-01,2025-03-31,3000\n", "quotas")
    scope = currency_scope(ws)
    assert not scope.mixed and scope.notice() is None and scope.currencies == ("USD",)
    assert headline(ws).attainment == pytest.approx(0.5)


# ----------------------------------------------------------------------------- saved and anonymised copies

def test_the_currency_survives_a_save_and_an_older_file_opens_without_it(mixed):
    opened = Workspace.open(mixed.save())
    assert currency_scope(opened).reporting == "EUR"
    assert headline(opened).won_revenue == 1000.0
    # a file saved before the column existed (schema 1): currency blank, amounts summed as then
    old = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(mixed.save())) as src, zipfile.ZipFile(old, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "tables/opportunities.parquet":
                table = pq.read_table(io.BytesIO(data)).drop(["currency"])
                buf = io.BytesIO()
                pq.write_table(table, buf)
                data = buf.getvalue()
            if info.filename == "tables/quotas.parquet":
                table = pq.read_table(io.BytesIO(data)).drop(["currency"])
                buf = io.BytesIO()
                pq.write_table(table, buf)
                data = buf.getvalue()
            if info.filename.endswith(".json"):
                data = data.replace(b'"schema_version": 2', b'"schema_version": 1')
            dst.writestr(info, data)
    older = Workspace.open(old.getvalue())
    assert not currency_scope(older).mixed
    assert headline(older).won_revenue == 1470.0


def test_the_anonymised_copy_keeps_currencies_and_the_choice(mixed):
    mixed.set_reporting_currency("USD")
    copy, _ = anonymise(mixed, AnonymiseOptions(accounts=True, salt="s"))
    assert currency_scope(copy).reporting == "USD"
    assert headline(copy).won_revenue == 400.0
