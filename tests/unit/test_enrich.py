"""Role, territory and manager-link files enrich the roster instead of being loaded as people
(issue 18). Generated exports in varied shapes, loaded through the upload path."""

from __future__ import annotations

import csv
import io

import pytest

from analytics.ingest.pipeline import ImportJob, analyse_file, import_files
from analytics.store.workspace import Workspace
from ui.import_report import enrichment_sentence


def _csv(headers, rows, sep=",") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep)
    w.writerow(headers)
    w.writerows(rows)
    return buf.getvalue().encode()


def _load(ws, *files):
    reports = import_files(ws, [analyse_file(name, data) for name, data in files])
    return {r.file: r for r in reports}


#: a Salesforce User export: role IDs in UserRoleId, no manager set on anyone
USERS = _csv(["Id", "Username", "Name", "UserRoleId", "ManagerId", "Title", "Email", "Territory"], [
    ["005A", "ceo@x.com", "Cleo Chief", "00E1", "", "CEO", "cleo@x.com", "0MIW"],
    ["005B", "vp@x.com", "Vic Pres", "00E2", "", "VP Sales", "vic@x.com", "0MIW"],
    ["005C", "m1@x.com", "Mia Man", "00E3", "", "Sales Manager", "mia@x.com", "0MIN"],
    ["005D", "m2@x.com", "Max Man", "00E3", "", "Sales Manager", "max@x.com", "0MIS"],
    ["005E", "r1@x.com", "Rae Rep", "00E4", "", "AE", "rae@x.com", "0MIN"],
    ["005F", "r2@x.com", "Ray Rep", "00E4", "", "AE", "ray@x.com", "0MIS"],
    ["005G", "r3@x.com", "Roy Rep", "00E5", "", "", "roy@x.com", ""],
])
#: Salesforce UserRole with its access columns
USER_ROLE = _csv(["Id", "Name", "ParentRoleId", "RollupDescription", "OpportunityAccessForAccountOwner",
                  "CaseAccessForAccountOwner", "ContactAccessForAccountOwner", "MayForecastManagerShare",
                  "DeveloperName", "PortalType"], [
    ["00E1", "Chief Executive", "", "CEO", "Edit", "Edit", "Edit", "false", "CEO", "None"],
    ["00E2", "VP Sales", "00E1", "VP", "Edit", "Edit", "Edit", "false", "VP", "None"],
    ["00E3", "Sales Manager", "00E2", "SM", "Read", "None", "Read", "false", "SM", "None"],
    ["00E4", "Account Executive", "00E3", "AE", "Read", "None", "Read", "false", "AE", "None"],
    ["00E5", "Inside Sales", "00E2", "IS", "Read", "None", "Read", "false", "IS", "None"],
])


def test_role_hierarchy_sets_managers_from_the_one_holder_of_the_parent_role():
    ws = Workspace()
    r = _load(ws, ("UserRole.csv", USER_ROLE), ("User.csv", USERS))["UserRole.csv"]
    assert r.table == "roles" and r.rows_loaded == 5 and r.rows_rejected == 0
    people = ws.query("SELECT name, manager_name, role FROM v_people").set_index("name")
    assert people.loc["Vic Pres", "manager_name"] == "Cleo Chief"
    assert people.loc["Mia Man", "manager_name"] == "Vic Pres"
    assert people.loc["Roy Rep", "manager_name"] == "Vic Pres"  # parent role held by one person
    # two Sales Managers hold the reps' parent role: ambiguous, left unset, never a guess
    assert people.loc[["Rae Rep", "Ray Rep"], "manager_name"].isna().all()
    assert people.loc["Cleo Chief", "manager_name"] is None or people["manager_name"].isna()["Cleo Chief"]
    assert people.loc["Roy Rep", "role"] == "Inside Sales"  # no title: the role's name, not its ID
    assert people.loc["Rae Rep", "role"] == "AE"  # a title stays
    e = r.enrichment
    assert (e.items, e.set, e.ambiguous_roles, e.ambiguous_people) == (5, 4, 1, 2)
    assert enrichment_sentence(r) == ("role hierarchy: 5 roles; set the manager of 4 people from it; the role of 1 "
                                      "person now reads as the role's name; 1 role held by more than one person, "
                                      "left unset (2 people without a manager).")


def test_the_order_of_uploads_does_not_matter_for_roles():
    first, second = Workspace(), Workspace()
    _load(first, ("User.csv", USERS))
    _load(first, ("UserRole.csv", USER_ROLE))
    _load(second, ("UserRole.csv", USER_ROLE))
    _load(second, ("User.csv", USERS))
    q = "SELECT name, manager_name, role FROM v_people ORDER BY name"
    assert first.query(q).equals(second.query(q))
    assert first.query(q)["manager_name"].notna().sum() == 4


def test_a_roster_manager_wins_over_the_role_hierarchy():
    users = USERS.replace(b"005E,r1@x.com,Rae Rep,00E4,,", b"005E,r1@x.com,Rae Rep,00E4,005D,")
    ws = Workspace()
    _load(ws, ("User.csv", users), ("UserRole.csv", USER_ROLE))
    assert ws.scalar("SELECT manager_name FROM v_people WHERE name = 'Rae Rep'") == "Max Man"


@pytest.mark.parametrize("headers, rows", [
    (["Employee", "Manager"], [["Rae Rep", "Mia Man"], ["Ray Rep", "Max Man"], ["Nobody Here", "Mia Man"]]),
    (["employee_id", "MANAGER ID"], [["005E", "005C"], ["005F", "005D"], ["999", "005C"]]),
    (["User Email", "Manager Email"], [["RAE@x.com", "mia@x.com"], ["ray@x.com", "Max@X.com"], ["no@x.com", "mia@x.com"]]),
    (["Worker", "Supervisory Organization", "Manager"], [["Rae Rep", "Sales North", "Mia Man"],
                                                        ["Ray Rep", "Sales South", "Max Man"],
                                                        ["Nobody Here", "Sales", "Mia Man"]]),
    (["Employee ID", "Employee Name", "Manager ID", "Manager Name"],
     [["005E", "Rae Rep", "005C", "Mia Man"], ["005F", "Ray Rep", "005D", "Max Man"], ["42", "Nobody", "005C", "Mia"]]),
])
def test_manager_link_files_set_managers_and_reject_people_not_in_the_roster(headers, rows):
    ws = Workspace()
    link = _csv(headers, rows, sep=";")
    reps = _load(ws, ("links.csv", link), ("User.csv", USERS))  # the links first: loaded after the roster
    r = reps["links.csv"]
    assert r.table == "manager_links" and r.error is None
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (3, 2, 1)
    assert r.rejects[0].row == 4 and "not in the roster" in r.rejects[0].reason
    assert ws.counts()["people"] == 7  # never adds people
    people = ws.query("SELECT name, manager_name FROM v_people").set_index("name")["manager_name"]
    assert people["Rae Rep"] == "Mia Man" and people["Ray Rep"] == "Max Man"
    assert (r.enrichment.set, r.enrichment.changed) == (2, 0)
    assert enrichment_sentence(r).startswith("manager links: 2 people matched; set the manager of 2 people")


def test_a_manager_link_file_changes_managers_and_survives_the_next_roster():
    ws = Workspace()
    users = USERS.replace(b"005E,r1@x.com,Rae Rep,00E4,,", b"005E,r1@x.com,Rae Rep,00E4,005D,")
    _load(ws, ("User.csv", users))
    r = _load(ws, ("hr.csv", _csv(["Employee", "Line Manager"], [["Rae Rep", "Mia Man"]])))["hr.csv"]
    assert (r.enrichment.set, r.enrichment.changed) == (0, 1)
    _load(ws, ("User.csv", users))  # next cycle's roster goes on top: the link still applies
    assert ws.scalar("SELECT manager_name FROM v_people WHERE name = 'Rae Rep'") == "Mia Man"


def test_a_manager_link_file_alone_is_the_roster_as_before():
    ws = Workspace()
    r = _load(ws, ("team.csv", _csv(["Employee", "Manager"], [["Ann", "Bo"], ["Cy", "Bo"]])))["team.csv"]
    assert r.table == "people" and r.as_roster and r.rows_loaded == 2
    assert "no roster was loaded" in enrichment_sentence(r)
    # IDs only: no name to make a roster of, so every row is listed as rejected with the reason
    ws2 = Workspace()
    r2 = _load(ws2, ("ids.csv", _csv(["Employee ID", "Manager ID"], [["1", "2"], ["3", "2"]])))["ids.csv"]
    assert (r2.rows_read, r2.rows_loaded, r2.rows_rejected) == (2, 0, 2)
    assert "no roster is loaded" in r2.rejects[0].reason


#: a Dynamics 365 territory export (Export to Excel, saved as CSV)
DYNAMICS_TERRITORIES = _csv(
    ["(Do Not Modify) Territory", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On", "Territory Name",
     "Manager", "Parent Territory", "Description"], [
        ["0MIW", "abc", "2024-01-01", "West", "Vic Pres", "", "West coast"],
        ["0MIN", "abd", "2024-01-01", "North", "Mia Man", "West", ""],
        ["0MIS", "abe", "2024-01-01", "South", "", "West", ""],
    ])


def test_territory_managers_fill_people_without_a_manager_and_names_fill_region_ids():
    ws = Workspace()
    reps = _load(ws, ("User.csv", USERS), ("Territories.csv", DYNAMICS_TERRITORIES))
    r = reps["Territories.csv"]
    assert r.table == "territories" and r.shape == "Dynamics 365: territories" and r.rows_loaded == 3
    people = ws.query("SELECT name, manager_name, region FROM v_people").set_index("name")
    assert people.loc["Rae Rep", "manager_name"] == "Mia Man"  # North's manager
    assert people.loc["Mia Man", "manager_name"] == "Vic Pres"  # manages North: the parent's manager
    assert people.loc["Ray Rep", "manager_name"] == "Vic Pres"  # South has none: West's
    assert people.loc["Cleo Chief", "manager_name"] == "Vic Pres"
    assert people["manager_name"].isna()["Vic Pres"]  # never their own manager
    assert people.loc["Rae Rep", "region"] == "North"
    assert r.enrichment.regions_named == 6 and r.enrichment.set == 5


def test_enrichment_tables_round_trip_a_saved_workspace():
    ws = Workspace()
    _load(ws, ("User.csv", USERS), ("UserRole.csv", USER_ROLE), ("Territories.csv", DYNAMICS_TERRITORIES),
          ("hr.csv", _csv(["Employee", "Manager"], [["Ray Rep", "Cleo Chief"]])))
    again = Workspace.open(ws.save())
    q = "SELECT * FROM v_people ORDER BY person_id"
    assert again.query(q).equals(ws.query(q))


def test_anonymised_copy_keeps_the_enriched_managers_without_names():
    from analytics.store.anonymise import anonymise
    ws = Workspace()
    _load(ws, ("User.csv", USERS), ("UserRole.csv", USER_ROLE),
          ("hr.csv", _csv(["Employee", "Manager"], [["Ray Rep", "Cleo Chief"]])))
    anon, _ = anonymise(ws)
    shown = anon.query("SELECT name, manager_name FROM v_people")
    assert shown["manager_name"].notna().sum() == ws.query("SELECT manager_name FROM v_people")["manager_name"].notna().sum()
    text = shown.to_csv() + anon.query("SELECT * FROM manager_links").to_csv()
    assert not any(n in text for n in ("Cleo", "Rae", "Ray", "Mia", "Vic"))


def test_roles_are_asked_about_not_taken_as_people_when_unsure():
    a = analyse_file("roles.csv", _csv(["Role", "Reports To Role", "Notes"], [["AE", "Sales Manager", ""]]))
    assert a.recognition.table == "roles"
    report = import_files(Workspace(), [ImportJob(a)])[0]
    assert report.table in ("roles", None)  # loaded as roles or asked about, never as people


def test_data_health_names_territory_managers_not_in_the_roster():
    from analytics.ingest.links import link_health
    ws = Workspace()
    terr = DYNAMICS_TERRITORIES.replace(b"South,,West", b"South,Vick Pres,West")
    _load(ws, ("User.csv", USERS), ("Territories.csv", terr))
    link = next(lk for lk in link_health(ws) if lk.table == "territories")
    assert (link.n_matched, link.n_total) == (2, 3)
    assert link.unmatched[0].value == "Vick Pres" and link.unmatched[0].suggestion == "Vic Pres"
