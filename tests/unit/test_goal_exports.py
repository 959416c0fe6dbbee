"""Quotas as organisations keep them: Dynamics 365 goal exports and Salesforce-like goal files.

A generated organisation: one manager (Morgan Lee) and 12 sellers, four quarters of FY2025. Each
seller has a goal per quarter of 100,000 named like "Sales Q1 FY2025 - Alex", and wins one deal of
50,000 in each quarter (attainment 50%). Morgan owns a parent goal per quarter (1,200,000, the
sum of the team's) that rolls the sellers' goals up.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from analytics.ingest.pipeline import analyse_file, import_file
from analytics.ingest.recognise import recognise
from analytics.results.attainment import rep_attainment
from analytics.store.workspace import Workspace

MANAGER = "Morgan Lee"
SELLERS = ["Alex", "Blake", "Casey", "Drew", "Eden", "Finley", "Gray", "Harper", "Indy", "Jules", "Kai", "Logan"]
QUARTERS = [("Q1", "2025-01-01", "2025-03-31"), ("Q2", "2025-04-01", "2025-06-30"),
            ("Q3", "2025-07-01", "2025-09-30"), ("Q4", "2025-10-01", "2025-12-31")]


def _csv(frame: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    return buf.getvalue().encode()


def _people() -> bytes:
    rows = [{"person_id": "M1", "name": MANAGER, "manager": "", "role": "Sales Manager"}]
    rows += [{"person_id": f"S{i}", "name": s, "manager": MANAGER, "role": "Account Executive"}
             for i, s in enumerate(SELLERS)]
    return _csv(pd.DataFrame(rows))


def _deals() -> bytes:
    rows = [{"opportunity_id": f"O-{s}-{q}", "owner": s, "amount": 50000, "stage": "Closed Won",
             "is_closed": "TRUE", "is_won": "TRUE", "created_date": start, "close_date": end}
            for s in SELLERS for q, start, end in QUARTERS]
    return _csv(pd.DataFrame(rows))


def dynamics_goals(manager_column: bool = True, parent_column: bool = True, rollup_column: bool = True) -> pd.DataFrame:
    rows = []
    for q, start, end in QUARTERS:
        team = f"Team Sales {q} FY2025"
        rows.append({"Goal (Name)": team, "Goal Owner": MANAGER, "Manager": MANAGER, "Parent Goal": "",
                     "Goal Metric": "Revenue", "From": start, "To": end, "Fiscal Period": q, "Fiscal Year": "FY2025",
                     "Target (Money)": "1,200,000.00", "Actual (Money)": "600,000.00", "In-progress (Money)": "0.00",
                     "Rollup Only from Child Goals": "Yes", "Status Reason": "Open"})
        for s in SELLERS:
            rows.append({"Goal (Name)": f"Sales {q} FY2025 - {s}", "Goal Owner": s, "Manager": MANAGER,
                         "Parent Goal": team, "Goal Metric": "Revenue", "From": start, "To": end,
                         "Fiscal Period": q, "Fiscal Year": "FY2025", "Target (Money)": "100,000.00",
                         "Actual (Money)": "50,000.00", "In-progress (Money)": "0.00",
                         "Rollup Only from Child Goals": "No", "Status Reason": "Open"})
    frame = pd.DataFrame(rows)
    drop = [c for c, keep in (("Manager", manager_column), ("Parent Goal", parent_column),
                              ("Rollup Only from Child Goals", rollup_column)) if not keep]
    return frame.drop(columns=drop)


def _load(goals: bytes, name: str = "Goals.csv"):
    ws = Workspace()
    for file, data in (("people.csv", _people()), ("opportunities.csv", _deals())):
        rep = import_file(ws, analyse_file(file, data))
        assert rep.error is None and rep.rows_rejected == 0, rep.error
    report = import_file(ws, analyse_file(name, goals))
    return ws, report


def test_dynamics_goal_owner_is_the_goal_owner_not_its_name():
    rec = recognise(list(dynamics_goals().columns))
    assert rec.table == "quotas" and rec.recognised
    assert rec.shape == "Dynamics 365: goals"
    # the goal owner's Manager is the quota's manager at the time (issue 19: attribution in time)
    assert rec.mapping == {"owner": "Goal Owner", "period_start": "From", "period_end": "To",
                           "amount": "Target (Money)", "manager": "Manager"}


def test_name_is_still_the_owner_when_nothing_else_names_one():
    rec = recognise(["Name", "Period Start", "Period End", "Quota"])
    assert rec.table == "quotas" and rec.mapping["owner"] == "Name"


@pytest.mark.parametrize("columns", [
    {},  # all three tell-tales
    {"manager_column": False, "rollup_column": False},  # parent goal names only
    {"parent_column": False, "manager_column": False},  # rollup flag only
    {"parent_column": False, "rollup_column": False},  # the manager's goal for the reps' period
], ids=["all", "parent-goal", "rollup-flag", "manager-period"])
def test_dynamics_goals_load_personal_quotas_and_keep_team_goals_apart(columns):
    ws, report = _load(_csv(dynamics_goals(**columns)))
    try:
        assert report.error is None
        assert report.table == "quotas" and report.shape == "Dynamics 365: goals"
        assert report.rows_loaded == 48 and report.rows_rejected == 0
        assert report.rows_read == 48  # the four team goals are kept apart, not read as rows
        assert [row for row, _ in report.team_goals] == [2, 15, 28, 41]
        assert all(why.startswith("team roll-up goal, kept apart") for _, why in report.team_goals)
        assert any("4 team roll-up goals kept apart" in n for n in report.notes)
        q = ws.query("SELECT owner, amount FROM quotas")
        assert sorted(set(q["owner"])) == sorted(SELLERS)
        assert MANAGER not in set(q["owner"])
        att = rep_attainment(ws).set_index("rep")
        for s in SELLERS:
            assert att.loc[s, "quota"] == 400000
            assert att.loc[s, "attainment"] == pytest.approx(0.5)
    finally:
        ws.close()


def test_salesforce_like_goal_file_takes_the_owner_not_the_name():
    rows = [{"Name": f"Sales {q} FY2025 - {s}", "Owner.Name": s, "Start Date": start, "End Date": end,
             "Target": 100000} for q, start, end in QUARTERS for s in SELLERS]
    data = _csv(pd.DataFrame(rows))
    analysis = analyse_file("Goal__c.csv", data)
    assert analysis.recognition.table == "quotas"
    assert analysis.recognition.mapping["owner"] == "Owner.Name"
    ws, report = _load(data, "Goal__c.csv")
    try:
        assert report.error is None and report.rows_loaded == 48 and not report.team_goals
        att = rep_attainment(ws).set_index("rep")
        assert att.loc["Alex", "attainment"] == pytest.approx(0.5)
    finally:
        ws.close()


def test_a_plain_quota_sheet_keeps_nothing_apart():
    rows = [{"owner": s, "period_start": start, "period_end": end, "amount": 100000}
            for _, start, end in QUARTERS for s in SELLERS]
    ws, report = _load(_csv(pd.DataFrame(rows)), "quotas.csv")
    try:
        assert report.rows_loaded == 48 and not report.team_goals
    finally:
        ws.close()
