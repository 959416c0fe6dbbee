"""The real CRM exports, imported through the upload path, row for row as SOURCES.md states."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.ingest.pipeline import analyse_file, import_directory, import_file
from analytics.store.workspace import Workspace

# Row counts from SOURCES.md (header left out): folder -> file -> (table, rows)
EXPECTED = {
    "maven-crm": {
        "sales_pipeline.csv": ("opportunities", 8800),
        "sales_teams.csv": ("people", 35),
        "accounts.csv": ("accounts", 85),
        "products.csv": ("products", 7),
        "data_dictionary.csv": ("data_dictionary", 21),
    },
    "salesforce-api-export": {
        "Opportunity.csv": ("opportunities", 50),
        "Task.csv": ("activities", 75),
        "Account.csv": ("accounts", 22),
    },
    "salesforce-devorg-export": {
        "Opportunity.csv": ("opportunities", 36),
        "OpportunityHistory.csv": ("stage_history", 48),
        "Account.csv": ("accounts", 18),
        "Lead.csv": ("leads", 22),
        "Contact.csv": ("contacts", 25),
    },
}
ALL_FILES = [(folder, name) for folder, files in EXPECTED.items() for name in files]
SF_OWNER = "005Ec000004oBPNIA2"


@pytest.fixture(scope="module")
def imported(real_data):
    """Each folder imported into its own workspace: folder -> (workspace, {file: report})."""
    out = {}
    for folder in EXPECTED:
        ws = Workspace()
        reports = import_directory(ws, real_data / folder)
        out[folder] = (ws, {r.file: r for r in reports})
    yield out
    for ws, _ in out.values():
        ws.close()


def raw_csv(path) -> pd.DataFrame:
    """The export as plain text, read independently of the app."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_every_file_in_the_folders_is_expected(real_data):
    for folder, files in EXPECTED.items():
        assert sorted(p.name for p in (real_data / folder).glob("*.csv")) == sorted(files)


@pytest.mark.parametrize("folder, name", ALL_FILES, ids=[f"{f}/{n}" for f, n in ALL_FILES])
def test_sources_md_row_counts_match_the_files(real_data, folder, name):
    # the expected numbers themselves, checked against an independent reader
    assert len(raw_csv(real_data / folder / name)) == EXPECTED[folder][name][1]


@pytest.mark.parametrize("folder, name", ALL_FILES, ids=[f"{f}/{n}" for f, n in ALL_FILES])
def test_every_row_of_every_real_file_loads(imported, folder, name):
    table, rows = EXPECTED[folder][name]
    ws, reports = imported[folder]
    r = reports[name]
    assert r.error is None
    assert r.table == table
    assert r.rows_read == rows
    assert r.rows_loaded == rows
    assert r.rows_rejected == 0
    assert r.rejects == []
    assert r.rows_read == r.rows_loaded + r.rows_rejected
    assert r.inserted == rows and r.replaced == 0


@pytest.mark.parametrize("folder", list(EXPECTED))
def test_workspace_counts_per_table(imported, folder):
    ws, _ = imported[folder]
    counts = ws.counts()
    expected: dict[str, int] = {}
    for table, rows in EXPECTED[folder].values():
        expected[table] = expected.get(table, 0) + rows
    for table, n in counts.items():
        assert n == expected.get(table, 0), table


@pytest.mark.parametrize("folder", list(EXPECTED))
def test_import_log_records_each_file(imported, folder):
    ws, _ = imported[folder]
    log = ws.import_log()
    assert sorted(log["file"]) == sorted(EXPECTED[folder])
    assert (log["rows_read"] == log["rows_loaded"] + log["rows_rejected"]).all()


# --------------------------------------------------------------------------- Maven


def test_maven_opportunities_and_wins(imported):
    ws, _ = imported["maven-crm"]
    assert ws.scalar("SELECT count(*) FROM v_opportunities") == 8800
    assert ws.scalar("SELECT count(*) FROM v_opportunities WHERE is_won") == 4238
    assert ws.scalar("SELECT count(*) FROM v_opportunities WHERE is_closed AND NOT is_won") == 2473
    assert ws.scalar("SELECT count(*) FROM v_opportunities WHERE NOT is_closed") == 8800 - 4238 - 2473


def test_maven_won_revenue_matches_the_raw_file(imported, real_data):
    ws, _ = imported["maven-crm"]
    raw = pd.read_csv(real_data / "maven-crm" / "sales_pipeline.csv")
    expected = raw.loc[raw["deal_stage"] == "Won", "close_value"].sum()
    got = ws.scalar("SELECT sum(amount) FROM v_opportunities WHERE is_won")
    assert got == pytest.approx(expected, abs=0.005)
    assert expected > 0


def test_maven_people_and_managers(imported):
    ws, _ = imported["maven-crm"]
    assert ws.scalar("SELECT count(*) FROM v_people") == 35
    assert ws.scalar("SELECT count(DISTINCT manager_name) FROM v_people") == 6
    assert ws.scalar("SELECT count(DISTINCT region) FROM v_people") == 3


def test_maven_quirks_survive(imported):
    ws, _ = imported["maven-crm"]
    # 1425 open deals have no account; blank stays missing, never a made-up value
    assert ws.scalar("SELECT count(*) FROM opportunities WHERE account IS NULL") == 1425
    assert ws.scalar("SELECT count(*) FROM v_opportunities WHERE account IS NULL AND is_closed") == 0
    # five reps have no deals
    assert ws.scalar("SELECT count(*) FROM people WHERE name NOT IN (SELECT owner FROM opportunities)") == 5
    # every Lost deal has close_value 0, and open deals have no amount (missing, not zero)
    assert ws.scalar("SELECT count(*) FROM opportunities WHERE stage = 'Lost' AND amount <> 0") == 0
    assert ws.scalar("SELECT count(*) FROM v_opportunities WHERE NOT is_closed AND amount IS NOT NULL") == 0
    # Prospecting deals have no engage date
    assert ws.scalar("SELECT count(*) FROM opportunities WHERE stage = 'Prospecting' AND created_date IS NOT NULL") == 0


def test_maven_deal_owners_have_managers(imported):
    ws, _ = imported["maven-crm"]
    assert ws.scalar("SELECT count(*) FROM v_opportunities WHERE manager_name IS NULL") == 0


# --------------------------------------------------------------------------- Salesforce dev org


def test_devorg_close_before_created_warnings(imported):
    _, reports = imported["salesforce-devorg-export"]
    r = reports["Opportunity.csv"]
    early = [w for w in r.warnings if w.reason.startswith("close date is before the created date")]
    assert len(early) == 32
    assert len({w.row for w in early}) == 32
    assert all(w.column == "CloseDate" for w in early)


def test_devorg_dates_and_amounts(imported, real_data):
    ws, _ = imported["salesforce-devorg-export"]
    row = ws.query(
        "SELECT created_date, close_date, is_won, amount FROM opportunities WHERE opportunity_id = '006bm00000LKJNNAA5'"
    ).iloc[0]
    assert row["close_date"] == pd.Timestamp("2024-02-03")  # "02/03/24", month first
    assert row["created_date"] == pd.Timestamp("2026-02-23")  # "02/23/26"
    assert not row["is_won"]
    assert row["amount"] == 15000
    assert ws.scalar("SELECT count(*) FROM opportunities WHERE amount IS NULL") == 5
    raw = raw_csv(real_data / "salesforce-devorg-export" / "Opportunity.csv")
    assert ws.scalar("SELECT count(*) FROM opportunities WHERE is_won") == (raw["IsWon"] == "TRUE").sum()


def test_devorg_stage_history_timestamps(imported):
    ws, _ = imported["salesforce-devorg-export"]
    changed = ws.scalar("SELECT changed_at FROM stage_history WHERE history_id = '008bm00000UoqOjAAJ'")
    assert pd.Timestamp(changed) == pd.Timestamp("2026-02-23 20:55")


# --------------------------------------------------------------------------- Salesforce API


def test_sf_api_flags_and_timestamps(imported, real_data):
    ws, _ = imported["salesforce-api-export"]
    raw = raw_csv(real_data / "salesforce-api-export" / "Opportunity.csv")
    assert ws.scalar("SELECT count(*) FROM opportunities WHERE is_won") == (raw["IsWon"] == "1").sum() == 12
    assert ws.scalar("SELECT count(*) FROM opportunities WHERE is_closed") == (raw["IsClosed"] == "1").sum()
    # 1/blank: blank read as false, not missing
    assert ws.scalar("SELECT count(*) FROM opportunities WHERE is_won IS NULL OR is_closed IS NULL") == 0
    created = ws.scalar("SELECT created_date FROM opportunities WHERE opportunity_id = '006Ec00000AieKFIAZ'")
    assert pd.Timestamp(created) == pd.Timestamp("2024-01-22")


def test_sf_api_owners_are_ids(imported):
    ws, _ = imported["salesforce-api-export"]
    owners = ws.query("SELECT DISTINCT owner, owner_name FROM v_opportunities")
    assert owners.to_dict("records") == [{"owner": SF_OWNER, "owner_name": SF_OWNER}]
    assert len(SF_OWNER) == 18


def _user_csv() -> bytes:
    return (
        "Id,Username,Name,ManagerId,Title,IsActive\n"
        f"{SF_OWNER},jane@example.com,Jane Seller,005Ec000009MGRAAA2,Account Executive,1\n"
        "005Ec000009MGRAAA2,max@example.com,Max Boss,,Sales Manager,1\n"
    ).encode()


@pytest.mark.parametrize("people_first", [True, False], ids=["people-first", "people-last"])
def test_sf_api_owner_id_resolves_through_people(real_data, people_first):
    folder = real_data / "salesforce-api-export"
    ws = Workspace()
    try:
        opp = analyse_file("Opportunity.csv", (folder / "Opportunity.csv").read_bytes())
        task = analyse_file("Task.csv", (folder / "Task.csv").read_bytes())
        users = analyse_file("User.csv", _user_csv())
        assert users.recognition.table == "people"
        order = [users, opp, task] if people_first else [opp, task, users]
        reports = {a.file_name: import_file(ws, a) for a in order}
        assert reports["User.csv"].rows_loaded == 2
        assert reports["Opportunity.csv"].rows_loaded == 50
        if people_first:  # the roster knows the owner: no unknown-owner warnings
            assert not [w for w in reports["Opportunity.csv"].warnings if "roster" in w.reason]
        names = ws.query("SELECT DISTINCT owner_name, manager_name FROM v_opportunities")
        assert names.to_dict("records") == [{"owner_name": "Jane Seller", "manager_name": "Max Boss"}]
        acts = ws.query("SELECT DISTINCT owner_name FROM v_activities")
        assert list(acts["owner_name"]) == ["Jane Seller"]
    finally:
        ws.close()


def test_sf_api_owner_unknown_to_the_roster_is_warned(real_data):
    ws = Workspace()
    try:
        import_file(ws, analyse_file("User.csv", b"Id,Username,Name\n005OTHER,o@example.com,Someone Else\n"))
        r = import_file(
            ws, analyse_file("Opportunity.csv", (real_data / "salesforce-api-export" / "Opportunity.csv").read_bytes())
        )
        roster = [w for w in r.warnings if "roster" in w.reason]
        # one summarised warning per column, not one per row (issue 18): Data health names the owner
        assert len(roster) == 1
        assert roster[0].value == SF_OWNER
        assert roster[0].reason.startswith("50 rows name 1 owner not in the roster")
        assert r.rows_loaded == 50  # a warning loads the row
    finally:
        ws.close()
