"""A person's name from First Name + Last Name (issue 18, join): generated exports in varied shapes,
read through the upload path, loaded, and their full reject lists derived again from the bytes."""

from __future__ import annotations

import csv
import io

import pytest

from analytics.ingest.composite import name_pairs
from analytics.ingest.pipeline import Source, analyse_file, import_file
from analytics.store.workspace import Workspace


def _bytes(headers, rows, delimiter=","):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(headers)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


USERS = [("Ann", "Lee", "Max Boss", "ann.lee@example.com"), ("Bo", "Chan", "Max Boss", "bo@example.com"),
         ("", "Solo", "Max Boss", "solo@example.com"), ("Cy", "", "Max Boss", "cy@example.com"),
         ("", "", "Max Boss", "nobody@example.com"), ("Max", "Boss", "", "max@example.com")]


@pytest.mark.parametrize("first,last,extra", [
    ("First Name", "Last Name", ["Manager", "Primary Email", "Business Unit", "Title", "Main Phone"]),  # Dynamics 365
    ("FirstName", "LastName", ["ManagerId", "Email", "Title", "IsActive"]),  # Salesforce API, no Name
    ("first name", "LAST NAME", ["Manager", "Email", "Team"]),  # HubSpot/Zoho, any case
    ("Legal First Name", "Preferred Last Name", ["Manager", "Work Email", "Hire Date"]),  # Workday-like
    ("Given Name", "Surname", ["Reports To", "E-mail"]),
])
def test_a_user_export_without_a_full_name_loads_as_the_roster(first, last, extra):
    headers = [*extra[:1], last, first, *extra[1:]]  # order varied: last name before first
    rows = []
    for f, ln, boss, mail in USERS:
        row = {first: f, last: ln, extra[0]: boss}
        for h in extra[1:]:
            row[h] = (mail if "mail" in h.lower() else "true" if h == "IsActive"
                      else "2024-01-02" if "date" in h.lower() else "x")
        rows.append([row[h] for h in headers])
    a = analyse_file("users.csv", _bytes(headers, rows))
    derived = f"{first} + {last}"
    assert derived in a.headers  # a column the mapping form offers
    # the roster, recognised or asked with it as the first guess (a buyer's record has names in two
    # parts too: contacts and leads are the runners-up, so some of these shapes are asked)
    assert a.recognition.table == "people"
    assert a.recognition.mapping["name"] == derived
    ws = Workspace()
    rep = import_file(ws, a, "people", a.recognition.mapping)
    assert rep.error is None
    assert rep.rows_read == rep.rows_loaded + rep.rows_rejected == len(USERS)
    assert rep.rows_rejected == 1  # both parts empty: no name, rejected as any empty name
    assert {r.column for r in rep.rejects} == {derived}
    names = set(ws.query("SELECT name FROM people")["name"])
    assert names == {"Ann Lee", "Bo Chan", "Solo", "Cy", "Max Boss"}


def test_a_reviews_export_names_the_rep_by_parts():
    headers = ["Employee First Name", "Employee Last Name", "Review Cycle", "Competency", "Rating"]
    rows = [[f"F{i}", f"L{i}", "2025-Q1", "Discovery", "3"] for i in range(12)]
    a = analyse_file("reviews.csv", _bytes(headers, rows))
    assert a.recognition.table == "reviews"  # the first guess, if not silent
    assert a.recognition.mapping["rep"] == "Employee First Name + Employee Last Name"


def test_pairs_are_per_person_and_never_beside_a_full_name():
    assert name_pairs(["Name", "First Name", "Last Name"]) == []
    assert name_pairs(["Employee", "Employee First Name", "Employee Last Name"]) == []
    assert name_pairs(["Employee Full Name", "Employee First Name", "Employee Last Name"]) == []
    assert name_pairs(["First Name", "Manager Last Name"]) == []  # two people's parts are not one name
    assert name_pairs(["First Name", "Legal First Name", "Last Name"]) == []  # which first name: the user's choice
    assert name_pairs(["Channel Name", "Username", "Phone"]) == []
    assert name_pairs(["Owner.FirstName", "Owner.LastName", "Amount"]) == [("Owner.FirstName", "Owner.LastName")]


def test_full_rejects_are_derived_again_with_the_same_column():
    headers = ["First Name", "Last Name", "Manager"]
    rows = [["", "", "Max"] if i % 2 else [f"F{i}", f"L{i}", "Max"] for i in range(40)]
    data = _bytes(headers, rows, delimiter=";")
    a = analyse_file("u.csv", data)
    rep = import_file(Workspace(), a, "people", a.recognition.mapping)
    src = Source("u.csv", data, "people", a.recognition.mapping)
    rejects, _ = src.problems()
    assert len(rejects) == rep.rejects_total == 20
    assert set(rejects["column"]) == {"First Name + Last Name"}
    assert rejects["row"].tolist() == [r.row for r in rep.rejects]
