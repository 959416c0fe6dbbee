"""Recognition as a scored choice (issue 18): exports the app never saw are not silently taken as
the wrong table. Generated headers and rows, read through the upload path."""

from __future__ import annotations

import csv

import pytest

from analytics.ingest.evidence import header_aliases
from analytics.ingest.pipeline import analyse_file
from analytics.ingest.recognise import CONFIDENT


def _analyse(tmp_path, name, headers, rows):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    a = analyse_file(name, path.read_bytes())
    assert a.error is None, a.error
    return a.recognition


SF_TASK = (["Id", "Subject", "ActivityDate", "Status", "Priority", "Owner.External_Id__c", "Owner.Name",
            "WhoId", "WhatId", "Description", "CreatedDate"],
           [[f"00T{i:015d}", f"Call {i}", f"2024-03-{i % 28 + 1:02d}", "Completed", "Normal", f"EXT-{i % 4}",
             ["Ann Lee", "Bo Chan", "Cy Diaz", "Di Eng"][i % 4], f"003{i:015d}", f"006{i:015d}", "left a message",
             f"2024-03-{i % 28 + 1:02d}T10:00:00.000Z"] for i in range(30)])

USER_ROLE = (["Id", "Name", "ParentRoleId", "RollupDescription", "OpportunityAccessForAccountOwner",
              "CaseAccessForAccountOwner", "ContactAccessForAccountOwner", "ForecastUserId",
              "MayForecastManagerShare", "LastModifiedDate", "LastModifiedById", "SystemModstamp",
              "DeveloperName", "PortalType"],
             [[f"00E{i:015d}", name, f"00E{max(0, i - 1):015d}" if i else "", name, "Edit", "Edit", "Edit", "",
               "false", "2024-01-05T10:00:00.000Z", "005000000000001", "2024-01-05T10:00:00.000Z",
               name.replace(" ", ""), "None"]
              for i, name in enumerate(["CEO", "VP Sales", "Sales Manager EMEA", "Sales Rep EMEA"])])

ODOO_LEAD = (["name", "partner_id/name", "user_id/name", "expected_revenue", "probability", "stage_id/name",
              "date_deadline", "email_from", "team_id/name"],
             [[f"Deal {i}", f"Customer {i}", ["Mitchell Admin", "Marc Demo"][i % 2], f"{1000 * i}.0", str(10 * (i % 10)),
               ["New", "Qualified", "Proposition", "Won"][i % 4], f"2024-0{i % 9 + 1}-15", f"c{i}@example.com",
               "Europe"] for i in range(25)])

DYNAMICS_USER = (["First Name", "Last Name", "Manager", "Primary Email", "Business Unit", "Title", "Main Phone"],
                 [[f"First{i}", f"Last{i}", "Boss Person" if i else "", f"u{i}@example.com", "Sales EMEA",
                   "Account Executive", "+44 20 7946 0000"] for i in range(12)])


def test_relationship_headers_are_read_as_what_they_refer_to():
    assert header_aliases("Owner.Name") == ["owner"]
    assert header_aliases("Owner.External_Id__c") == ["ownerid"]  # an ID of the owner, not a name
    assert header_aliases("partner_id/name") == ["partner", "partnername"]
    assert header_aliases("Territory__c") == ["territory"]
    assert header_aliases("Est. revenue") == []  # a label with a dot is not a relationship


def test_salesforce_task_with_relationship_headers_is_not_taken_as_opportunities(tmp_path):
    rec = _analyse(tmp_path, "Task.csv", *SF_TASK)
    assert rec.table == "activities"
    assert rec.candidates[0].table == "activities"
    assert rec.mapping["owner"] in ("Owner.External_Id__c", "Owner.Name")
    opp = next(c for c in rec.candidates if c.table == "opportunities")
    assert opp.score < rec.confidence
    assert any("WhoId" in r or "ActivityDate" in r for r in opp.reasons)


def test_user_role_export_is_not_taken_as_people(tmp_path):
    # since the role hierarchy enriches the roster it is a table of its own (it was "not a table")
    rec = _analyse(tmp_path, "UserRole.csv", *USER_ROLE)
    assert rec.recognised and rec.table == "roles"
    assert rec.mapping == {"role_id": "Id", "name": "Name", "parent_role_id": "ParentRoleId"}


def test_odoo_crm_lead_is_not_taken_as_people_and_guesses_opportunities(tmp_path):
    rec = _analyse(tmp_path, "crm.lead.csv", *ODOO_LEAD)
    assert rec.table == "opportunities"
    assert rec.mapping["stage"] == "stage_id/name"
    assert rec.mapping["amount"] == "expected_revenue"
    assert rec.mapping["close_date"] == "date_deadline"


def test_dynamics_user_is_guessed_as_people_not_coaching(tmp_path):
    rec = _analyse(tmp_path, "User.csv", *DYNAMICS_USER)
    assert rec.table == "people"
    # no full-name column: the name is derived from First Name + Last Name, so it loads as the roster
    assert rec.recognised
    assert rec.mapping["name"] == "First Name + Last Name"
    assert rec.mapping["manager"] == "Manager"
    assert rec.mapping["email"] == "Primary Email"


def test_uncertain_guess_names_a_runner_up(tmp_path):
    # stage and ID only: opportunities, but leads fit as well
    rec = _analyse(tmp_path, "x.csv", ["Id", "Name", "Status"], [["1", "Acme deal", "Open"], ["2", "Beta", "Won"]])
    assert not rec.recognised
    assert rec.runner_up is not None and rec.runner_up.table != rec.table


def test_values_that_do_not_fit_lower_the_score(tmp_path):
    headers = ["Owner", "Period Start", "Period End", "Amount"]
    good = _analyse(tmp_path, "q.csv", headers, [["Ann", "2024-01-01", "2024-03-31", "1000"]] * 5)
    bad = _analyse(tmp_path, "q2.csv", headers, [["Ann", "soon", "later", "lots"]] * 5)
    assert good.table == bad.table == "quotas"
    assert good.recognised and good.confidence >= CONFIDENT
    assert bad.confidence < good.confidence and not bad.recognised


@pytest.mark.parametrize("headers", [["foo", "bar"], ["ParentRoleId", "RollupDescription", "DeveloperName"]])
def test_nothing_scores_is_no_table(tmp_path, headers):
    rec = _analyse(tmp_path, "n.csv", headers, [["a"] * len(headers)])
    assert rec.table is None and rec.mapping == {}


def test_the_data_page_says_what_it_makes_of_a_file(tmp_path):
    """The sentence on the file's card: unknown columns are asked about as before; a file that
    is another kind of export says what it looks like; an uncertain guess names the runner-up."""
    from ui.imports import guess_sentence

    def sentence(name, headers, rows):
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([headers, *rows])
        return guess_sentence(analyse_file(name, path.read_bytes()))

    assert sentence("m.csv", ["Deal Ref", "Seller Person"], [["D1", "Ann"]]) == (
        "the app does not recognise this export; choose its table and columns")
    assert "(it looks like a list of territory assignments)" in sentence(
        "UserTerritory2Association.csv", ["Id", "UserId", "Territory2Id", "RoleInTerritory2"],
        [["0R5000000000001", "005000000000001", "0MI000000000001", "Sales Manager"]])
    uncertain = sentence("x.csv", ["Id", "Name", "Status"], [["1", "Acme deal", "Open"], ["2", "Beta", "Won"]])
    assert uncertain.startswith("the app is not sure of this export: it looks like ") and "could also be" in uncertain
