"""Coaching metrics (analytics.signals.coaching) on hand-made workspaces with hand-computed values,
then the planted truths of the demo."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.settings import Settings
from analytics.signals.coaching import (
    BEHAVIOURS,
    MANAGER_COLUMNS,
    REP_COLUMNS,
    behaviour_counts,
    coaching_by_manager,
    coaching_by_rep,
    observed_months,
    session_examples,
)
from analytics.store.workspace import Workspace
from tests.factories import workspace_with

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
T, F, N = True, False, None


def approx(x):
    return pytest.approx(x, abs=1e-4)


def row(frame: pd.DataFrame, manager: str, key: str = "manager") -> pd.Series:
    hit = frame[frame[key] == manager]
    assert len(hit) == 1, f"{manager} has {len(hit)} rows"
    return hit.iloc[0]


def session(manager, rep, when, flags=(N, N, N, N), **extra) -> dict:
    return {"manager": manager, "rep": rep, "session_date": when,
            **dict(zip(BEHAVIOURS, flags, strict=True)), **extra}


PEOPLE = [
    {"name": "Ann", "manager": "Max", "region": "EMEA", "team": "East"},
    {"name": "Bob", "manager": "Mia", "region": "APAC", "team": "South"},
    {"name": "Cat", "manager": "Mia", "region": "APAC", "team": "South"},
]


@pytest.fixture(scope="module")
def small() -> Workspace:
    """Max (one rep, three sessions in January 2025); Mia (two reps, no session)."""
    return workspace_with(
        people=PEOPLE,
        coaching_sessions=[
            session("Max", "Ann", "2025-01-06", (T, T, N, T), skill_minutes=20, pipeline_minutes=40,
                    session_type="1:1", minutes=60, focus_capability="Discovery"),
            session("Max", "Ann", "2025-01-13", (T, N, N, T), skill_minutes=30, pipeline_minutes=None,
                    session_type="Pipeline review", minutes=30),
            session("Max", "Ann", "2025-01-20", (F, F, N, T), skill_minutes=10, pipeline_minutes=30,
                    session_type="Role play", minutes=40, focus_capability="Negotiation"),
        ],
    )


# ---------------------------------------------------------------------------------------
# coaching_by_manager
# ---------------------------------------------------------------------------------------


def test_columns_and_one_row_per_manager(small):
    out = coaching_by_manager(small)
    assert list(out.columns) == MANAGER_COLUMNS
    assert out["manager"].tolist() == ["Max", "Mia"]
    for c in out.columns:
        if c.startswith("n_"):
            assert out[c].dtype == "int64", c


def test_manager_with_one_rep_rates_and_null_flags(small):
    m = row(coaching_by_manager(small), "Max")
    assert m["n_sessions"] == 3
    assert m["n_reps_coached"] == 1
    assert m["n_team_reps"] == 1
    # named a gap in 2 of 3 sessions
    assert m["rate_named_specific_gap"] == approx(0.6667)
    assert m["n_named_specific_gap_observed"] == 3
    # asked: TRUE, NULL, FALSE -> the NULL leaves the denominator: 1 of 2
    assert m["rate_asked_before_telling"] == approx(0.5)
    assert m["n_asked_before_telling_observed"] == 2
    # never recorded -> not measured, not 0
    assert math.isnan(m["rate_tied_to_plan"])
    assert m["n_tied_to_plan_observed"] == 0
    assert m["rate_tracked_application"] == approx(1.0)
    # quality = mean of the three measured rates (0.6667 + 0.5 + 1) / 3
    assert m["quality_index"] == approx(0.7222)


def test_manager_without_sessions_is_present_and_not_measured(small):
    m = row(coaching_by_manager(small), "Mia")
    assert m["n_sessions"] == 0 and m["n_reps_coached"] == 0 and m["n_sessions_with_split"] == 0
    assert m["n_team_reps"] == 2
    for b in BEHAVIOURS:
        assert math.isnan(m[f"rate_{b}"])
        assert m[f"n_{b}_observed"] == 0
    for c in ("quality_index", "skill_time_share", "skill_time_gap", "sessions_per_rep_month",
              "pipeline_reviews_per_rep_month"):
        assert math.isnan(m[c]), c


def test_skill_time_share_skips_sessions_without_a_split(small):
    m = row(coaching_by_manager(small), "Max")
    # (20 + 10) / (20 + 40 + 10 + 30): the session with no pipeline minutes is left out
    assert m["n_sessions_with_split"] == 2
    assert m["skill_time_share"] == approx(0.3)
    assert m["skill_time_gap"] == approx(-0.2)
    assert row(coaching_by_manager(small, settings=Settings(skill_time_target=0.25)), "Max")[
        "skill_time_gap"] == approx(0.05)


def test_skill_time_share_all_splits_missing_is_nan():
    ws = workspace_with(people=[{"name": "Ann", "manager": "Max"}],
                        coaching_sessions=[session("Max", "Ann", "2025-01-06", skill_minutes=30)])
    m = row(coaching_by_manager(ws), "Max")
    assert m["n_sessions_with_split"] == 0
    assert math.isnan(m["skill_time_share"]) and math.isnan(m["skill_time_gap"])


def test_cadence_per_rep_per_month():
    # two reps; sessions from 2025-01-01 to 2025-03-02 = 60 days = 60 / 30.44 = 1.9711 months
    ws = workspace_with(
        people=[{"name": "Ann", "manager": "Max"}, {"name": "Bea", "manager": "Max"}],
        coaching_sessions=[
            session("Max", "Ann", "2025-01-01", session_type="Pipeline review"),
            session("Max", "Bea", "2025-01-20", session_type="1:1"),
            session("Max", "Ann", "2025-02-10", session_type="PIPELINE call"),
            session("Max", "Bea", "2025-03-02", session_type="Role play"),
        ],
    )
    assert observed_months(ws) == approx(1.9711)
    m = row(coaching_by_manager(ws), "Max")
    assert m["n_pipeline_reviews"] == 2
    assert m["sessions_per_rep_month"] == approx(1.0147)  # 4 / 2 / 1.9711
    assert m["pipeline_reviews_per_rep_month"] == approx(0.5073)  # 2 / 2 / 1.9711
    # with a filter period the months are the period's: 364 days = 11.9580 months
    year = Filters(start=date(2025, 1, 1), end=date(2025, 12, 31))
    m = row(coaching_by_manager(ws, year), "Max")
    assert m["sessions_per_rep_month"] == approx(0.1673)  # 4 / 2 / 11.9580
    assert m["pipeline_reviews_per_rep_month"] == approx(0.0836)


def test_cadence_period_is_at_least_one_month(small):
    # Max's sessions span 14 days -> counted as one month: 3 sessions / 1 rep / 1 month
    assert observed_months(small) == 1.0
    m = row(coaching_by_manager(small), "Max")
    assert m["sessions_per_rep_month"] == approx(3.0)
    assert m["pipeline_reviews_per_rep_month"] == approx(1.0)


def test_period_filter_excludes_out_of_period_sessions(small):
    jan = Filters(start=date(2025, 1, 10), end=date(2025, 1, 31))
    m = row(coaching_by_manager(small, jan), "Max")
    assert m["n_sessions"] == 2  # the 6 January session is out
    assert m["rate_named_specific_gap"] == approx(0.5)
    assert m["n_asked_before_telling_observed"] == 1
    assert m["rate_asked_before_telling"] == approx(0.0)
    assert m["n_sessions_with_split"] == 1
    assert m["skill_time_share"] == approx(0.25)  # 10 / (10 + 30)
    none = row(coaching_by_manager(small, Filters(start=date(2026, 1, 1))), "Max")
    assert none["n_sessions"] == 0 and math.isnan(none["quality_index"])


def test_region_and_team_filters_go_through_the_rep_roster():
    ws = workspace_with(
        people=PEOPLE,
        coaching_sessions=[session("Max", "Ann", "2025-01-06", (T, T, T, T)),
                           session("Mia", "Bob", "2025-01-06", (F, F, F, F)),
                           session("Mia", "Cat", "2025-01-07", (T, F, F, F))],
    )
    emea = coaching_by_manager(ws, Filters(regions=("EMEA",)))
    assert emea["manager"].tolist() == ["Max"]
    assert emea.iloc[0]["quality_index"] == approx(1.0)
    south = coaching_by_manager(ws, Filters(teams=("South",)))
    assert south["manager"].tolist() == ["Mia"]
    assert south.iloc[0]["n_sessions"] == 2
    assert south.iloc[0]["quality_index"] == approx(0.125)  # (0.5 + 0 + 0 + 0) / 4
    assert coaching_by_manager(ws, Filters(regions=("Nowhere",))).empty


def test_manager_filter_keeps_the_managers_own_figures(small):
    all_ = row(coaching_by_manager(small), "Max")
    only = coaching_by_manager(small, Filters(managers=("Max",)))
    assert only["manager"].tolist() == ["Max"]
    pd.testing.assert_series_equal(only.iloc[0], all_, check_names=False)


def test_filter_values_are_bound_not_formatted(small):
    out = coaching_by_manager(small, Filters(regions=("x') OR TRUE --",), managers=("Max' --",)))
    assert out.empty


def test_sessions_go_to_the_manager_at_the_time_resolved_through_ids():
    # Ann now reports to Mia; Max (by ID U1) held her sessions before she moved
    ws = workspace_with(
        people=[{"person_id": "U1", "name": "Max"}, {"person_id": "U2", "name": "Mia"},
                {"person_id": "U3", "name": "Ann", "manager": "U2"},
                {"person_id": "U4", "name": "Bob", "manager": "U1"}],
        coaching_sessions=[session("U1", "U3", "2025-01-06", (T, N, N, N)),
                           session("U1", "Ann", "2025-01-08", (F, N, N, N)),
                           session("Mia", "U3", "2025-02-06", (T, N, N, N))],
    )
    out = coaching_by_manager(ws)
    assert out["manager"].tolist() == ["Max", "Mia"]
    assert row(out, "Max")["n_sessions"] == 2
    assert row(out, "Max")["n_reps_coached"] == 1  # "U3" and "Ann" are the same rep
    assert row(out, "Max")["rate_named_specific_gap"] == approx(0.5)
    assert row(out, "Mia")["n_sessions"] == 1


def test_empty_workspace_gives_empty_frames():
    ws = Workspace()
    assert list(coaching_by_manager(ws).columns) == MANAGER_COLUMNS
    assert coaching_by_manager(ws).empty
    assert list(coaching_by_rep(ws).columns) == REP_COLUMNS
    assert observed_months(ws) is None
    assert behaviour_counts(ws, "Max") == {b: (0, 0) for b in BEHAVIOURS}


# ---------------------------------------------------------------------------------------
# coaching_by_rep, session_examples, behaviour_counts
# ---------------------------------------------------------------------------------------


def test_coaching_by_rep(small):
    out = coaching_by_rep(small)
    assert list(out.columns) == REP_COLUMNS
    assert out["rep"].tolist() == ["Ann", "Bob", "Cat"]
    ann = row(out, "Ann", "rep")
    assert ann["manager"] == "Max" and ann["n_sessions"] == 3
    assert ann["sessions_per_month"] == approx(3.0)  # 3 sessions over the 1-month minimum
    assert ann["last_session_date"] == pd.Timestamp("2025-01-20")
    assert ann["days_since_last_session"] == 0.0  # as of the latest session in the data
    assert ann["quality_index"] == approx(0.7222)
    bob = row(out, "Bob", "rep")
    assert bob["n_sessions"] == 0 and bob["manager"] == "Mia"
    assert pd.isna(bob["last_session_date"])
    for c in ("sessions_per_month", "days_since_last_session", "quality_index"):
        assert math.isnan(bob[c]), c


def test_days_since_last_session_as_of_filter_end(small):
    out = coaching_by_rep(small, Filters(end=date(2025, 1, 31)))
    ann = row(out, "Ann", "rep")
    assert ann["days_since_last_session"] == 11.0  # 2025-01-20 -> 2025-01-31
    early = row(coaching_by_rep(small, Filters(end=date(2025, 1, 10))), "Ann", "rep")
    assert early["n_sessions"] == 1 and early["days_since_last_session"] == 4.0
    assert list(coaching_by_rep(small, Filters(regions=("APAC",)))["rep"]) == ["Bob", "Cat"]


def test_session_examples_newest_first(small):
    shown = session_examples(small, "Max", "named_specific_gap", True)
    assert list(shown.columns) == ["session_date", "rep", "session_type", "focus_capability", "minutes"]
    assert [d.date() for d in pd.to_datetime(shown["session_date"])] == [date(2025, 1, 13), date(2025, 1, 6)]
    assert shown["session_type"].tolist() == ["Pipeline review", "1:1"]
    assert shown["minutes"].tolist() == [30.0, 60.0]
    lacked = session_examples(small, "Max", "named_specific_gap", False)
    assert lacked["focus_capability"].tolist() == ["Negotiation"]
    # NULL flags are neither shown nor lacking
    assert len(session_examples(small, "Max", "asked_before_telling", True)) == 1
    assert len(session_examples(small, "Max", "asked_before_telling", False)) == 1
    assert session_examples(small, "Max", "tied_to_plan", False).empty
    assert len(session_examples(small, "Max", "tracked_application", True, limit=2)) == 2
    assert session_examples(small, "Mia", "tracked_application", True).empty
    jan = Filters(end=date(2025, 1, 10))
    assert len(session_examples(small, "Max", "tracked_application", True, filters=jan)) == 1


def test_session_examples_rejects_unknown_behaviour(small):
    with pytest.raises(ValueError):
        session_examples(small, "Max", "minutes; DROP TABLE people", True)


def test_behaviour_counts(small):
    assert behaviour_counts(small, "Max") == {
        "named_specific_gap": (2, 3), "asked_before_telling": (1, 2),
        "tied_to_plan": (0, 0), "tracked_application": (3, 3)}
    assert behaviour_counts(small, "Mia") == {b: (0, 0) for b in BEHAVIOURS}
    late = behaviour_counts(small, "Max", Filters(start=date(2025, 1, 15)))
    assert late["named_specific_gap"] == (0, 1)


def test_behaviours_in_framework_order():
    assert list(BEHAVIOURS) == ["named_specific_gap", "asked_before_telling", "tied_to_plan",
                                "tracked_application"]


# ---------------------------------------------------------------------------------------
# The demo's planted truths
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))


def test_demo_every_manager_has_coaching_evidence(demo_ws, truth):
    out = coaching_by_manager(demo_ws)
    assert sorted(out["manager"]) == sorted(truth["managers"])
    assert (out["n_sessions"] > 0).all()
    assert out["quality_index"].notna().all()
    assert int(out["n_sessions"].sum()) == truth["counts"]["coaching_sessions"]


def test_demo_developers_have_the_highest_quality(demo_ws, truth):
    out = coaching_by_manager(demo_ws).assign(archetype=lambda d: d["manager"].map(truth["managers"]))
    by_type = out.groupby("archetype")["quality_index"].mean()
    assert by_type.idxmax() == "developer"
    # the three developers are the three best coaches, and near the 50/50 rule
    top3 = set(out.nlargest(3, "quality_index")["manager"])
    assert top3 == {m for m, a in truth["managers"].items() if a == "developer"}
    assert out.groupby("archetype")["skill_time_share"].mean().idxmax() == "developer"


def test_demo_operators_hold_the_most_pipeline_reviews(demo_ws, truth):
    out = coaching_by_manager(demo_ws).assign(archetype=lambda d: d["manager"].map(truth["managers"]))
    assert out.groupby("archetype")["pipeline_reviews_per_rep_month"].mean().idxmax() == "operator"


def test_demo_checklist_matches_rates(demo_ws, truth):
    hero = truth["primary"]["hero"]
    counts = behaviour_counts(demo_ws, hero)
    m = row(coaching_by_manager(demo_ws), hero)
    for b, (shown, observed) in counts.items():
        assert observed == m[f"n_{b}_observed"]
        assert shown / observed == approx(m[f"rate_{b}"])
    assert len(session_examples(demo_ws, hero, "asked_before_telling", False)) == 3
