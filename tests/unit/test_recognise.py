"""Recognition: which table an export fills, under which shape, and how its columns map."""

from __future__ import annotations

import json

import pytest

from analytics import schema
from analytics.ingest.pipeline import analyse_file
from analytics.ingest.recognise import (
    MAPPING_FORMAT,
    mapping_from_json,
    mapping_to_json,
    recognise,
)

# (folder, file, table, shape label, mappings that must hold: canonical -> source header)
REAL_FILES = [
    (
        "maven-crm",
        "sales_pipeline.csv",
        "opportunities",
        "Maven CRM: sales pipeline",
        {
            "opportunity_id": "opportunity_id",
            "owner": "sales_agent",
            "amount": "close_value",
            "created_date": "engage_date",
            "close_date": "close_date",
            "stage": "deal_stage",
            "account": "account",
            "product": "product",
        },
    ),
    (
        "maven-crm",
        "sales_teams.csv",
        "people",
        "Maven CRM: sales teams",
        {"name": "sales_agent", "manager": "manager", "region": "regional_office"},
    ),
    (
        "maven-crm",
        "accounts.csv",
        "accounts",
        "Maven CRM: accounts",
        {
            "name": "account",
            "industry": "sector",
            "country": "office_location",
            "annual_revenue": "revenue",
            "employees": "employees",
            "parent": "subsidiary_of",
        },
    ),
    (
        "maven-crm",
        "products.csv",
        "products",
        "Maven CRM: products",
        {"product": "product", "series": "series", "list_price": "sales_price"},
    ),
    (
        "maven-crm",
        "data_dictionary.csv",
        "data_dictionary",
        "Data dictionary",
        {"table_name": "Table", "field": "Field", "description": "Description"},
    ),
    (
        "salesforce-api-export",
        "Opportunity.csv",
        "opportunities",
        "Salesforce API: Opportunity",
        {
            "opportunity_id": "Id",
            "owner": "OwnerId",
            "account": "AccountId",
            "stage": "StageName",
            "amount": "Amount",
            "close_date": "CloseDate",
            "created_date": "CreatedDate",
            "is_won": "IsWon",
            "is_closed": "IsClosed",
            "segment": "Type",
        },
    ),
    (
        "salesforce-api-export",
        "Task.csv",
        "activities",
        "Salesforce API: Task",
        {
            "activity_id": "Id",
            "owner": "OwnerId",
            "activity_date": "ActivityDate",
            "opportunity_id": "WhatId",
            "activity_type": "TaskSubtype",
            "duration_seconds": "CallDurationInSeconds",
        },
    ),
    (
        "salesforce-api-export",
        "Account.csv",
        "accounts",
        "Salesforce API: Account",
        {"account_id": "Id", "name": "Name", "industry": "Industry", "parent": "ParentId"},
    ),
    (
        "salesforce-devorg-export",
        "Opportunity.csv",
        "opportunities",
        "Salesforce API: Opportunity",
        {
            "opportunity_id": "Id",
            "stage": "StageName",
            "amount": "Amount",
            "close_date": "CloseDate",
            "created_date": "CreatedDate",
            "is_won": "IsWon",
            "is_closed": "IsClosed",
        },
    ),
    (
        "salesforce-devorg-export",
        "OpportunityHistory.csv",
        "stage_history",
        "Salesforce API: OpportunityHistory",
        {"history_id": "Id", "opportunity_id": "OpportunityId", "stage": "StageName", "changed_at": "CreatedDate"},
    ),
    (
        "salesforce-devorg-export",
        "Account.csv",
        "accounts",
        "Salesforce API: Account",
        {"account_id": "Id", "name": "Name"},
    ),
    (
        "salesforce-devorg-export",
        "Contact.csv",
        "contacts",
        "Salesforce API: Contact",
        {"contact_id": "Id", "account": "AccountId", "name": "Name"},
    ),
    (
        "salesforce-devorg-export",
        "Lead.csv",
        "leads",
        "Salesforce API: Lead",
        {"lead_id": "Id", "name": "Name", "company": "Company", "owner": "OwnerId", "status": "Status"},
    ),
]


@pytest.mark.parametrize(
    "folder, file, table, shape, expected", REAL_FILES, ids=[f"{f}/{n}" for f, n, *_ in REAL_FILES]
)
def test_real_file_is_recognised(real_data, folder, file, table, shape, expected):
    a = analyse_file(file, (real_data / folder / file).read_bytes())
    assert a.error is None
    rec = a.recognition
    assert rec.table == table
    assert rec.shape == shape
    assert rec.recognised
    assert rec.missing_required == []
    for canon, src in expected.items():
        assert rec.mapping.get(canon) == src, f"{canon}: expected {src!r}, got {rec.mapping.get(canon)!r}"
    # each source header feeds at most one canonical column
    assert len(set(rec.mapping.values())) == len(rec.mapping)


def test_devorg_opportunity_has_no_owner_mapped(real_data):
    a = analyse_file("Opportunity.csv", (real_data / "salesforce-devorg-export" / "Opportunity.csv").read_bytes())
    assert "owner" not in a.recognition.mapping
    # the simulated dates the repository's author added are not the CRM's own dates
    assert a.recognition.mapping["created_date"] == "CreatedDate"


def test_salesforce_api_header_with_bom_is_recognised(real_data):
    data = (real_data / "salesforce-api-export" / "Opportunity.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    a = analyse_file("Opportunity.csv", data)
    assert a.headers[0] == "Id"


# --------------------------------------------------------------------------- synthetic header sets


def test_salesforce_report_opportunities():
    headers = ["Opportunity Owner", "Account Name", "Opportunity Name", "Stage", "Close Date", "Amount", "Created Date"]
    rec = recognise(headers)
    assert (rec.table, rec.shape) == ("opportunities", "Salesforce report: opportunities")
    assert rec.recognised
    assert rec.mapping == {
        "name": "Opportunity Name",
        "owner": "Opportunity Owner",
        "account": "Account Name",
        "amount": "Amount",
        "stage": "Stage",
        "created_date": "Created Date",
        "close_date": "Close Date",
    }
    # no ID column: the key is derived, so it is not missing
    assert "opportunity_id" not in rec.mapping
    assert rec.unmapped_headers == []


def test_hubspot_deals():
    headers = ["Record ID", "Deal Name", "Deal Stage", "Deal owner", "Create Date", "Close Date", "Amount", "Pipeline"]
    rec = recognise(headers)
    assert (rec.table, rec.shape) == ("opportunities", "HubSpot: deals")
    assert rec.mapping["opportunity_id"] == "Record ID"
    assert rec.mapping["name"] == "Deal Name"
    assert rec.mapping["stage"] == "Deal Stage"
    assert rec.mapping["owner"] == "Deal owner"
    assert rec.mapping["created_date"] == "Create Date"
    assert rec.mapping["close_date"] == "Close Date"
    assert rec.mapping["amount"] == "Amount"
    assert rec.mapping["segment"] == "Pipeline"


def test_dynamics_365_opportunities():
    headers = [
        "(Do Not Modify) Opportunity",
        "Topic",
        "Potential Customer",
        "Est. revenue",
        "Actual Revenue",
        "Actual Close Date",
        "Status",
        "Owner",
        "Created On",
    ]
    rec = recognise(headers)
    assert (rec.table, rec.shape) == ("opportunities", "Dynamics 365: opportunities")
    assert rec.mapping == {
        "opportunity_id": "(Do Not Modify) Opportunity",
        "name": "Topic",
        "owner": "Owner",
        "account": "Potential Customer",
        "amount": "Est. revenue",
        "actual_amount": "Actual Revenue",
        "stage": "Status",
        "created_date": "Created On",
        "close_date": "Actual Close Date",
    }


def test_salesforce_user():
    rec = recognise(["Id", "Username", "Name", "ManagerId", "Title", "IsActive"])
    assert (rec.table, rec.shape) == ("people", "Salesforce API: User")
    assert rec.mapping == {
        "person_id": "Id",
        "name": "Name",
        "manager": "ManagerId",
        "role": "Title",
        "is_active": "IsActive",
    }
    assert rec.unmapped_headers == ["Username"]


def test_unknown_headers_are_not_recognised():
    rec = recognise(["foo", "bar"])
    assert rec.table is None
    assert rec.shape is None
    assert not rec.recognised
    assert rec.mapping == {}
    assert rec.unmapped_headers == ["foo", "bar"]


def test_partly_known_headers_are_a_guess_not_a_recognition():
    rec = recognise(["foo", "bar", "Name"])
    assert rec.shape is None
    assert not rec.recognised


# --------------------------------------------------------------------------- saved mappings


HEADERS = ["Rep Full", "Deal Ref", "Phase", "Value USD", "Closed On"]
MAPPING = {
    "owner": "Rep Full",
    "opportunity_id": "Deal Ref",
    "stage": "Phase",
    "amount": "Value USD",
    "close_date": "Closed On",
}


def test_own_headers_are_not_recognised_without_a_mapping():
    assert not recognise(HEADERS).recognised


def test_saved_mapping_round_trip():
    text = mapping_to_json("opportunities", MAPPING, HEADERS, name="Acme CRM")
    saved = mapping_from_json(text)
    assert saved["table"] == "opportunities"
    assert saved["columns"] == MAPPING
    rec = recognise([*HEADERS, "Notes"], [saved])
    assert rec.shape.startswith("Saved mapping")
    assert "Acme CRM" in rec.shape
    assert rec.from_saved_mapping
    assert rec.table == "opportunities"
    assert rec.mapping == MAPPING
    assert rec.recognised
    assert rec.unmapped_headers == ["Notes"]


def test_saved_mapping_is_skipped_when_a_mapped_header_is_missing():
    saved = mapping_from_json(mapping_to_json("opportunities", MAPPING, HEADERS))
    rec = recognise(["Rep Full", "Phase"], [saved])
    assert not rec.from_saved_mapping
    assert rec.shape is None or not rec.shape.startswith("Saved mapping")


def test_saved_mapping_from_bytes():
    saved = mapping_from_json(mapping_to_json("opportunities", MAPPING, HEADERS).encode("utf-8"))
    assert saved["columns"] == MAPPING


def _mapping(**over) -> str:
    d = {"format": MAPPING_FORMAT, "version": 1, "table": "opportunities", "columns": dict(MAPPING)}
    d.update(over)
    return json.dumps(d)


@pytest.mark.parametrize(
    "text, words",
    [
        pytest.param("not json at all", "not valid JSON", id="not-json"),
        pytest.param(b"\xff\xfe\x00", "not valid JSON", id="binary"),
        pytest.param(json.dumps([1, 2]), "not a Bench Strength column mapping", id="a-list"),
        pytest.param(_mapping(format="something-else"), "not a Bench Strength column mapping", id="wrong-format"),
        pytest.param(_mapping(table="nope"), "unknown table", id="unknown-table"),
        pytest.param(_mapping(columns={"bogus": "X"}), "bogus", id="unknown-column"),
        pytest.param(_mapping(columns=["owner"]), "columns", id="columns-not-a-dict"),
        pytest.param(_mapping(columns={"owner": 3}), "columns", id="source-not-text"),
        pytest.param(
            _mapping(table=["opportunities"]),
            "table",
            id="table-is-a-list",
        ),
    ],
)
def test_mapping_from_json_rejects_what_is_not_a_mapping(text, words):
    with pytest.raises(ValueError) as exc:
        mapping_from_json(text, "mine.json")
    assert str(exc.value).startswith("mine.json")
    assert words in str(exc.value)


@pytest.mark.parametrize("table_name", list(schema.TABLES))
def test_every_full_template_is_recognised_as_its_own_table(table_name):
    # A template with all its optional columns must not be claimed by a table that merely
    # shares some of them (stage history carries amount and close_date, like opportunities).
    rec = recognise(schema.table(table_name).column_names)
    assert rec.table == table_name
    assert rec.shape.startswith("Bench Strength template")
