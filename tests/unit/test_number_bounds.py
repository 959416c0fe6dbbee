"""Rates bounded by their definitions, and trend words that agree with the curve drawn (issue 20, item 4).

* Follow-through per quarter = completed *of the due* ÷ due: an action completed early (not yet
  due) used to count on top and pushed a quarter to 200% on the Manager detail chart.
* A dependency curve drawn from 82% to 93% read "Trend: flat" (its interval held 0): the words now
  say it grows, not yet distinguishably from noise; a curve that really is flat still reads "flat".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.signals import follow_through as ft
from analytics.signals import follow_through_by_quarter, trend_label
from analytics.signals.independence import _trend
from tests.factories import workspace_with


def act(i, assigned, due, completed=None):
    return {"action_id": f"a{i}", "rep": "Ann", "manager": "Max", "capability": "Discovery",
            "action_type": "Role play", "assigned_date": assigned, "due_date": due, "completed_date": completed,
            "revisited_date": None}


@pytest.fixture(scope="module")
def ws():
    people = [{"name": "Max"}, {"name": "Ann", "manager": "Max"}]
    actions = [
        act(1, "2025-01-10", "2025-02-01", "2025-01-20"),  # Q1: due, done
        act(2, "2025-01-10", "2025-02-01"),                # Q1: due, overdue
        act(3, "2025-04-02", "2025-04-20", "2025-04-10"),  # Q2: due, done
        act(4, "2025-04-03", "2025-12-31", "2025-04-12"),  # Q2: done early, not yet due
        act(5, "2025-05-03", "2025-12-31", "2025-05-12"),  # Q2: done early, not yet due
        act(6, "2025-06-01", "2025-12-31", "2025-06-30"),  # Q2: done early, not yet due (as of 30 Jun)
    ]
    return workspace_with(people=people, development_actions=actions)


def test_follow_through_per_quarter_never_exceeds_100_percent(ws):
    a = ft.actions(ws)
    # the old reading (completed of all ÷ due) was 4 ÷ 1 = 400% in Q2
    old = a.assign(q=a["assigned_date"].dt.to_period("Q")).groupby("q").agg(
        due=("is_due", "sum"), done=("is_completed", "sum"))
    assert (old["done"] / old["due"]).max() > 1
    per = follow_through_by_quarter(a)
    assert per["quarter"].tolist() == ["2025-Q1", "2025-Q2"]
    assert per["follow_through_rate"].tolist() == [0.5, 1.0]
    assert per["follow_through_rate"].between(0, 1).all()
    assert (per["n_completed_due"] <= per["n_due"]).all()


def test_follow_through_per_quarter_agrees_with_the_managers_rate(ws):
    per, m = follow_through_by_quarter(ft.actions(ws)), ft.follow_through_by_manager(ws).set_index("manager")
    assert per["n_due"].sum() == m.loc["Max", "n_due"] and per["n_completed_due"].sum() == m.loc["Max", "n_completed_due"]


def test_no_quarter_without_anything_due_is_drawn():
    a = pd.DataFrame({"assigned_date": pd.to_datetime(["2025-01-05", "2025-04-05"]), "is_due": [False, True],
                      "is_completed": [True, False]})
    assert follow_through_by_quarter(a).to_dict("records") == [
        {"quarter": "2025-Q2", "n_due": 1, "n_completed_due": 0, "follow_through_rate": 0.0}]
    assert follow_through_by_quarter(a.iloc[:0]).empty


def curve(manager: str, shares: list[float], deals: int) -> pd.DataFrame:
    quarters = pd.date_range("2024-10-01", periods=len(shares), freq="QS")
    involved = np.round(np.array(shares) * deals).astype("int64")
    return pd.DataFrame({"manager": manager, "quarter": quarters, "n_complex_closed": deals,
                         "n_involved": involved, "n_complex_not_measured": 0, "dependency": involved / deals})


@pytest.mark.parametrize("deals", [12, 16, 20])
def test_a_rising_curve_never_reads_flat(deals):
    rising = curve("Rising", list(np.linspace(0.82, 0.93, 8)), deals)
    trend = _trend(rising, ["Rising"], 0.02, 3)
    assert trend.loc[0, "trend"] == "flat"  # the verdict: too few deals to tell it from noise
    words = trend_label(trend).iloc[0]
    assert words.startswith("growing") and "noise" in words
    assert trend_label(trend, short=True).iloc[0] == "growing within noise"


def test_a_flat_curve_reads_flat_and_a_clear_one_keeps_its_verdict():
    flat = curve("Flat", [0.8, 0.82, 0.79, 0.81, 0.8, 0.8, 0.81, 0.8], 15)
    falling = curve("Falling", list(np.linspace(0.9, 0.3, 8)), 30)
    trend = _trend(pd.concat([flat, falling]), ["Flat", "Falling"], 0.02, 3)
    assert trend["trend"].tolist() == ["flat", "shrinking"]
    assert trend_label(trend).tolist() == ["flat", "shrinking"]


def test_the_label_reads_the_managers_table_too():
    t = pd.DataFrame({"dependency_slope": [0.02], "n_quarters": [8], "dependency_trend": ["flat"]})
    assert trend_label(t).iloc[0] == "growing, not yet distinguishable from noise"
