"""Development follow-through (analytics.signals.follow_through), on hand-made tables.

The latest date recorded in the fixture is a revisit on 2025-06-30, so that is "as of" unless
the filter ends earlier; due dates later than it (a plan) never move it.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.signals import follow_through as ft
from analytics.store.workspace import Workspace
from tests.factories import workspace_with

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
#: the demo exports this module reads (imported alone, for speed)
DEMO_TABLES = ("people", "opportunities", "development_actions")


def act(action_id, rep, manager, assigned, due, completed=None, revisited=None, capability="Discovery"):
    return {"action_id": action_id, "rep": rep, "manager": manager, "capability": capability,
            "action_type": "Role play", "assigned_date": assigned, "due_date": due,
            "completed_date": completed, "revisited_date": revisited}


@pytest.fixture(scope="module")
def ws() -> Workspace:
    people = [{"person_id": "U1", "name": "Max"}, {"person_id": "U2", "name": "Mia"}, {"name": "Zed"},
              {"name": "Kim"}, {"name": "Ann", "manager": "Max"}, {"name": "Bob", "manager": "Max"},
              {"name": "Cat", "manager": "Mia"}, {"name": "Dan", "manager": "Zed"}, {"name": "Eve", "manager": "Kim"}]
    actions = [
        act("a1", "Ann", "Max", "2025-03-01", "2025-03-15", "2025-03-10", "2025-03-20"),  # done early, revisited
        act("a2", "Ann", "Max", "2025-03-01", "2025-04-01", "2025-04-05"),                # done late, not revisited
        act("a3", "Bob", "Max", "2025-04-01", "2025-04-15"),                              # overdue
        act("a4", "Bob", "Max", "2025-06-01", "2025-07-31", "2025-06-20", "2025-06-30"),  # done, not yet due
        act("a5", "Bob", "Max", "2025-06-15", "2025-07-15"),                              # not yet due
        act("a6", "Cat", None, "2025-05-01", "2025-08-01"),                               # roster manager: Mia
        act("a7", "Ann", "U2", "2025-05-10", "2025-05-20", "2025-05-15"),                 # assigned by Mia (ID)
        act("a8", "Dan", "Zed", "2025-06-01", "2025-09-01"),                              # Zed: nothing due
    ]
    return workspace_with(people=people, development_actions=actions)


def by_manager(df: pd.DataFrame) -> pd.DataFrame:
    return df.set_index("manager")


def test_as_of_is_the_latest_recorded_date_not_a_due_date(ws):
    assert ft.as_of(ws) == pd.Timestamp("2025-06-30")
    assert ft.as_of(ws, Filters(end=date(2025, 4, 3))) == pd.Timestamp("2025-04-03")
    assert ft.as_of(Workspace()) is None


def test_derived_fields(ws):
    a = ft.actions(ws).set_index("action_id")
    assert list(ft.actions(ws).columns) == ft.ACTION_COLUMNS
    assert a.loc["a1", ["is_due", "is_completed", "is_revisited", "is_overdue"]].tolist() == [True, True, True, False]
    assert (a.loc["a1", "days_to_complete"], a.loc["a1", "days_to_revisit"]) == (9, 10)
    assert a.loc["a3", "is_overdue"] and a.loc["a3", "days_overdue"] == 76          # 15 Apr -> 30 Jun
    assert not a.loc["a5", "is_due"] and not a.loc["a5", "is_overdue"]
    assert math.isnan(a.loc["a5", "days_overdue"])
    assert a.loc["a6", "manager"] == "Mia"                                            # roster manager
    assert a.loc["a7", "manager"] == "Mia"                                            # the assigner, by ID


def test_follow_through_excludes_actions_not_yet_due(ws):
    by = by_manager(ft.follow_through_by_manager(ws))
    mx = by.loc["Max"]
    assert mx["n_actions"] == 5
    assert mx["n_due"] == 3                     # a1, a2, a3; a4 and a5 are due after 30 Jun
    assert mx["n_completed_due"] == 2           # a1, a2 (late still counts as done)
    assert mx["follow_through_rate"] == pytest.approx(2 / 3)
    assert mx["n_overdue"] == 1
    assert mx["median_days_to_complete"] == pytest.approx(19)   # 9, 35, 19


def test_revisit_rate(ws):
    mx = by_manager(ft.follow_through_by_manager(ws)).loc["Max"]
    assert mx["n_completed"] == 3               # a1, a2, a4 (a4 not due yet but done)
    assert mx["n_revisited"] == 2               # a1, a4
    assert mx["revisit_rate"] == pytest.approx(2 / 3)
    assert mx["median_days_to_revisit"] == pytest.approx(10)
    mia = by_manager(ft.follow_through_by_manager(ws)).loc["Mia"]
    assert (mia["n_actions"], mia["n_due"], mia["n_completed"]) == (2, 1, 1)
    assert mia["follow_through_rate"] == pytest.approx(1.0)
    assert mia["revisit_rate"] == pytest.approx(0.0)   # completed, never revisited: a real 0


def test_missing_evidence_is_nan_not_zero(ws):
    by = by_manager(ft.follow_through_by_manager(ws))
    assert list(ft.follow_through_by_manager(ws).columns) == ft.MANAGER_COLUMNS
    assert sorted(by.index) == ["Kim", "Max", "Mia", "Zed"]
    zed = by.loc["Zed"]                                  # one action, not yet due
    assert (zed["n_actions"], zed["n_due"]) == (1, 0)
    assert math.isnan(zed["follow_through_rate"]) and math.isnan(zed["revisit_rate"])
    kim = by.loc["Kim"]                                  # no actions at all
    assert kim["n_actions"] == 0
    assert math.isnan(kim["follow_through_rate"]) and math.isnan(kim["median_days_to_complete"])
    assert by["n_due"].dtype == "int64"


def test_as_of_from_the_filter_end(ws):
    f = Filters(end=date(2025, 4, 3))
    a = ft.actions(ws, f).set_index("action_id")
    assert sorted(a.index) == ["a1", "a2", "a3"]          # assigned by 3 Apr
    assert not a.loc["a2", "is_completed"]                # completed 5 Apr: after as_of
    mx = by_manager(ft.follow_through_by_manager(ws, f)).loc["Max"]
    assert (mx["n_due"], mx["n_completed_due"]) == (2, 1)  # a1, a2 due; a3 due 15 Apr
    assert mx["follow_through_rate"] == pytest.approx(0.5)
    assert mx["revisit_rate"] == pytest.approx(1.0)
    od = ft.overdue_actions(ws, f)
    assert od["action_id"].tolist() == ["a2"] and od["days_overdue"].tolist() == [2]


def test_period_filter_on_assigned_date(ws):
    f = Filters(start=date(2025, 6, 1))
    mx = by_manager(ft.follow_through_by_manager(ws, f)).loc["Max"]
    assert (mx["n_actions"], mx["n_due"], mx["n_completed"], mx["n_revisited"]) == (2, 0, 1, 1)
    assert math.isnan(mx["follow_through_rate"])
    assert mx["revisit_rate"] == pytest.approx(1.0)


def test_manager_filter_uses_the_assigning_manager(ws):
    f = Filters(managers=("Mia",))
    assert sorted(ft.actions(ws, f)["action_id"]) == ["a6", "a7"]
    by = ft.follow_through_by_manager(ws, f)
    assert by["manager"].tolist() == ["Mia"]


def test_overdue_and_not_revisited_lists(ws):
    od = ft.overdue_actions(ws)
    assert list(od.columns) == ft.OVERDUE_COLUMNS
    assert od[["action_id", "rep", "manager", "days_overdue"]].values.tolist() == [["a3", "Bob", "Max", 76]]
    nr = ft.completed_not_revisited(ws)
    assert list(nr.columns) == ft.NOT_REVISITED_COLUMNS
    assert nr["action_id"].tolist() == ["a2", "a7"]          # longest waiting first
    assert nr["days_since_completed"].tolist() == [86, 46]


def test_empty_workspace():
    ws = Workspace()
    assert ft.actions(ws).empty
    assert ft.follow_through_by_manager(ws).empty
    assert ft.overdue_actions(ws).empty and ft.completed_not_revisited(ws).empty


# ------------------------------------------------------------------------- the demo
def test_demo_developers_follow_through_and_revisit_more_than_heroes(demo_ws):
    truth = json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))
    kinds = pd.Series(truth["managers"])
    by = by_manager(ft.follow_through_by_manager(demo_ws))
    assert len(by) == len(kinds)
    dev, hero = kinds[kinds == "developer"].index, kinds[kinds == "hero"].index
    assert by.loc[dev, "follow_through_rate"].min() > by.loc[hero, "follow_through_rate"].max()
    assert by.loc[dev, "revisit_rate"].min() > by.loc[hero, "revisit_rate"].max()
    assert ft.as_of(demo_ws) <= pd.Timestamp(truth["demo_today"])
