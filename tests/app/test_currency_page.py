"""AppTest: the Overview with deals in two currencies: one currency's totals, the notice, the choice."""

from __future__ import annotations

from analytics.ingest.pipeline import analyse_file, import_file
from analytics.store.workspace import Workspace
from tests.app.test_pages import app, texts

#: (the last deal closes on the quarter's last day: attainment counts only quota periods the data has reached)
DEALS = ("Opportunity ID,Opportunity Owner,Stage,Close Date,Amount,Currency\n"
         "1,Ann,Closed Won,2025-01-10,100,USD\n2,Ann,Closed Won,2025-03-31,300,USD\n"
         "3,Bob,Closed Won,2025-01-10,1000,EUR\n4,Bob,Closed Lost,2025-01-11,50,EUR\n")
QUOTAS = ("Owner,Period Start,Period End,Quota,Currency\n"
          "Ann,2025-01-01,2025-03-31,800,USD\nBob,2025-01-01,2025-03-31,2000,EUR\n")


def _two_currencies() -> Workspace:
    ws = Workspace()
    for name, text, table in (("people.csv", "Name,Manager\nAnn,Max\nBob,Max\nMax,\n", "people"),
                              ("deals.csv", DEALS, None), ("quotas.csv", QUOTAS, "quotas")):
        assert import_file(ws, analyse_file(name, text.encode()), table).error is None
    ws.source, ws.label = "uploads", "Two currencies"
    return ws


def test_the_overview_reports_one_currency_says_what_is_left_out_and_switches():
    at = app(_two_currencies()).run()
    assert not at.exception
    shown = texts(at)
    assert "Money figures are in EUR. Deals in 1 other currency (USD 400 won) are not in these totals" in shown
    picker = next(s for s in at.selectbox if s.label == "Currency")
    assert picker.value == "EUR" and list(picker.options) == ["EUR", "USD"]
    assert {m.label: m.value for m in at.metric}["Closed-won vs quota"] == "50%"  # 1000 of 2000 EUR
    picker.select("USD").run()
    assert not at.exception
    assert "Money figures are in USD. Deals in 1 other currency (EUR 1.0k won)" in texts(at)
    assert {m.label: m.value for m in at.metric}["Closed-won vs quota"] == "50%"  # 400 of 800 USD


def test_one_currency_shows_no_choice_and_no_notice():
    ws = Workspace()
    text = "Opportunity ID,Opportunity Owner,Stage,Close Date,Amount,Currency\n1,Ann,Closed Won,2025-01-10,100,USD\n"
    assert import_file(ws, analyse_file("deals.csv", text.encode())).error is None
    at = app(ws).run()
    assert not at.exception
    assert "Money figures are in" not in texts(at)
    assert not [s for s in at.selectbox if s.label == "Currency"]
