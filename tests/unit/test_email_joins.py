"""E-mail joins (issue 18, join): a deal, quota or survey file that names people by e-mail resolves
to the roster row with that e-mail, whatever the case, as IDs and names do; the data-health panel
counts those as matched and suggests near misses among names and e-mails. Through the upload path."""

from __future__ import annotations

import csv
import io

from analytics.ingest.links import NEAR_MISS, link_health
from analytics.ingest.pipeline import analyse_file, import_files
from analytics.store.workspace import Workspace


def _file(name, headers, rows):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    w.writerows(rows)
    return analyse_file(name, buf.getvalue().encode("utf-8"))



def _roster():
    return _file("User.csv", ["Last Name", "First Name", "Manager", "Primary Email"], [
        ["Person", "Anna", "Max Boss", "Anna.Person@Example.com"],
        ["Lee", "Bo", "Max Boss", "bo.lee@example.com "],
        ["Boss", "Max", "", "max.boss@example.com"],
    ])


def _deals(owner_header, owners):
    return _file("deals.csv", ["Deal Name", "Deal Stage", owner_header, "Amount", "Close Date", "Create Date"],
                 [[f"Deal {i}", "Closed Won", o, "1000", "2025-02-10", "2025-01-05"] for i, o in enumerate(owners)])


def test_deal_and_quota_owners_by_email_resolve_to_the_roster():
    owners = ["ANNA.PERSON@EXAMPLE.COM", " anna.person@example.com", "Bo.Lee@Example.com", "bo.lee@example.com",
              "anna.persn@example.com"]
    deals = _deals("Deal owner email", owners)
    assert deals.recognition.mapping["owner"] == "Deal owner email"
    quotas = _file("quotas.csv", ["Owner Email", "Period Start", "Period End", "Quota"],
                   [["anna.person@EXAMPLE.com", "2025-01-01", "2025-03-31", "5000"]])
    assert quotas.recognition.table == "quotas" and quotas.recognition.mapping["owner"] == "Owner Email"
    ws = Workspace()
    reports = import_files(ws, [deals, quotas, _roster()])
    assert [r.error for r in reports] == [None, None, None]
    by_file = {r.file: r for r in reports}
    # only the misspelt e-mail is unknown to the roster
    assert by_file["deals.csv"].warnings_total == 1
    assert "anna.persn@example.com" in by_file["deals.csv"].warnings[0].value
    assert by_file["quotas.csv"].warnings_total == 0
    got = ws.query("SELECT owner_name, coalesce(manager_name, '-'), count(*) AS n FROM v_opportunities "
                   "GROUP BY ALL ORDER BY 1")
    assert got.values.tolist() == [["Anna Person", "Max Boss", 2], ["Bo Lee", "Max Boss", 2],
                                   ["anna.persn@example.com", "-", 1]]
    won = ws.query("SELECT owner_name, count(*) AS n FROM v_won_in_quota GROUP BY 1").values.tolist()
    assert won == [["Anna Person", 2]]  # the quota joins the deals through the e-mail
    assert "anna.person@example.com" in ws.known_people()

    links = {(lk.what, lk.target): lk for lk in link_health(ws)}
    deal = links[("Deal owners", "roster")]
    assert (deal.n_matched, deal.n_total, deal.rows_matched, deal.rows_total) == (2, 3, 4, 5)
    assert deal.unmatched[0].kind == NEAR_MISS
    assert deal.unmatched[0].suggestion == "anna.person@example.com"
    assert links[("Quota owners", "roster")].healthy
    assert links[("Quota owners", "deal owners")].healthy


def test_a_survey_by_respondent_email_and_a_plain_owner_column_of_emails():
    survey = _file("survey.csv", ["Respondent Email", "Manager Email", "Question", "Answer"],
                   [["Anna.Person@example.com", "MAX.BOSS@example.com", "My manager coaches me", "4"],
                    ["bo.lee@example.com", "max.boss@example.com", "My manager coaches me", "5"]])
    assert survey.recognition.mapping["respondent"] == "Respondent Email"
    assert survey.recognition.mapping["subject_manager"] == "Manager Email"
    deals = _deals("Owner", ["Bo.Lee@example.com", "renewal.bot@example.com"])  # values that are e-mails
    ws = Workspace()
    import_files(ws, [survey, deals, _roster()])
    # the bot's e-mail is not a person's: out of the deal views by default (test_non_person_owners)
    assert ws.query("SELECT DISTINCT owner_name FROM v_opportunities ORDER BY 1")["owner_name"].tolist() == ["Bo Lee"]
    links = {(lk.what, lk.target): lk for lk in link_health(ws)}
    assert links[("Survey respondents", "roster")].healthy
    assert links[("Surveyed managers", "roster")].healthy
    assert links[("Deal owners", "roster")].unmatched[0].kind == "not a person"


def test_ids_and_names_keep_their_case():
    deals = _deals("Owner", ["anna person", "Anna Person"])
    ws = Workspace()
    import_files(ws, [deals, _roster()])
    assert ws.query("SELECT owner_name FROM v_opportunities ORDER BY 1")["owner_name"].tolist() == [
        "Anna Person", "anna person"]  # a name is matched exactly, as before; only e-mails fold
