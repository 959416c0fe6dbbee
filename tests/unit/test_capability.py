"""Capability movement and named gaps (analytics.signals.capability), on hand-made tables.

Normalised scores on the default 1..5 scale: 2.0 -> 0.25, 2.2 -> 0.30, 2.4 -> 0.35,
3.0 -> 0.50, 4.0 -> 0.75, 5.0 -> 1.0.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.settings import Settings
from analytics.signals import capability as cap
from analytics.store.workspace import Workspace
from tests.factories import workspace_with
from tests.rating_orgs import rating_org

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
#: the demo exports this module reads (imported alone, for speed)
DEMO_TABLES = ("people", "opportunities", "reviews", "coaching_sessions", "development_actions")
CYCLE_DATES = {"2025-Q1": "2025-03-31", "2025-Q2": "2025-06-30", "2025-Q3": "2025-09-30", "2025-Q4": "2025-12-31"}


def reviews_of(rep: str, capability: str, scores: dict[str, float], reviewer: str | None = None) -> list[dict]:
    return [{"rep": rep, "reviewer": reviewer, "cycle": c, "review_date": CYCLE_DATES[c], "capability": capability,
             "score": s} for c, s in scores.items()]


def row(df: pd.DataFrame, **where) -> pd.Series:
    m = pd.Series(True, index=df.index)
    for k, v in where.items():
        m &= df[k] == v
    assert m.sum() == 1, f"expected one row for {where}, got {int(m.sum())}"
    return df[m].iloc[0]


# ------------------------------------------------------------------------- normalised scores
def test_score_norm_uses_default_scale_and_rescales_explicit_scales():
    ws = workspace_with(
        people=[{"name": "Max"}, {"name": "Ann", "manager": "Max"}],
        reviews=[
            {"rep": "Ann", "cycle": "C1", "capability": "Discovery", "score": 3},                      # 1..5
            {"rep": "Ann", "cycle": "C1", "capability": "Negotiation", "score": 7,
             "scale_min": 0, "scale_max": 10},                                                          # 0..10
            {"rep": "Ann", "cycle": "C1", "capability": "Value articulation", "score": 4,
             "scale_max": 10},                                                                          # 1..10
            {"rep": "Ann", "cycle": "C1", "capability": "Broken", "score": 4, "scale_min": 4, "scale_max": 4},
        ],
    )
    rs = cap.review_scores(ws)
    assert row(rs, capability="Discovery")["score_norm"] == pytest.approx(0.5)
    assert row(rs, capability="Negotiation")["score_norm"] == pytest.approx(0.7)
    assert row(rs, capability="Value articulation")["score_norm"] == pytest.approx(3 / 9)
    assert math.isnan(row(rs, capability="Broken")["score_norm"])  # no scale: never a 0
    assert list(rs.columns) == cap.REVIEW_COLUMNS
    assert (rs["manager"] == "Max").all()  # no reviewer -> roster manager


def test_cycle_index_follows_review_dates_not_labels():
    ws = workspace_with(reviews=[
        {"rep": "Ann", "cycle": "Spring", "review_date": "2025-04-01", "capability": "Discovery", "score": 3},
        {"rep": "Ann", "cycle": "Autumn", "review_date": "2024-10-01", "capability": "Discovery", "score": 2},
        {"rep": "Ann", "cycle": "Winter", "review_date": "2025-01-15", "capability": "Discovery", "score": 2},
    ])
    c = cap.cycles(ws)
    assert c["cycle"].tolist() == ["Autumn", "Winter", "Spring"]
    assert c["cycle_index"].tolist() == [0, 1, 2]


def test_cycle_index_without_dates_uses_the_label_order():
    ws = workspace_with(reviews=[
        {"rep": "Ann", "cycle": c, "capability": "Discovery", "score": 3} for c in ("2025-Q2", "2024-Q4", "2025-Q1")
    ])
    assert cap.cycles(ws)["cycle"].tolist() == ["2024-Q4", "2025-Q1", "2025-Q2"]
    assert cap.label_end_date("Q3 2025") == pd.Timestamp("2025-09-30")
    assert pd.isna(cap.label_end_date("Mid-year"))


# ------------------------------------------------------------------------- movement
def test_slope_of_a_quarter_half_half_is_one_eighth():
    ws = workspace_with(
        people=[{"name": "Max"}, {"name": "Ann", "manager": "Max"}],
        reviews=reviews_of("Ann", "Discovery", {"2025-Q1": 2, "2025-Q2": 3, "2025-Q3": 3}),
    )
    mv = cap.movement(ws)
    r = row(mv, rep="Ann", capability="Discovery")
    assert r["manager"] == "Max"
    assert r["n_cycles"] == 3
    assert r["first_norm"] == pytest.approx(0.25)
    assert r["last_norm"] == pytest.approx(0.5)
    assert r["slope"] == pytest.approx(0.125)
    assert cap.least_squares_slope([0, 1, 2], [0.25, 0.5, 0.5]) == pytest.approx(0.125)


def test_one_review_cycle_gives_no_slope():
    ws = workspace_with(
        people=[{"name": "Max"}, {"name": "Ann", "manager": "Max"}],
        reviews=reviews_of("Ann", "Discovery", {"2025-Q1": 2}),
    )
    r = row(cap.movement(ws), rep="Ann")
    assert r["n_cycles"] == 1
    assert math.isnan(r["slope"])
    by_mgr = row(cap.capability_by_manager(ws), manager="Max")
    assert math.isnan(by_mgr["capability_slope"])
    assert by_mgr["n_rep_capabilities"] == 0
    assert by_mgr["n_reps_reviewed"] == 1


def test_skipped_cycle_counts_as_a_cycle_in_the_slope():
    ws = workspace_with(
        people=[{"name": "Max"}, {"name": "Ann", "manager": "Max"}, {"name": "Bob", "manager": "Max"}],
        reviews=reviews_of("Ann", "Discovery", {"2025-Q1": 2, "2025-Q3": 3})
        + reviews_of("Bob", "Discovery", {"2025-Q2": 3}),
    )
    r = row(cap.movement(ws), rep="Ann")
    assert (r["first_cycle_index"], r["last_cycle_index"]) == (0, 2)
    assert r["slope"] == pytest.approx(0.125)  # +0.25 over two cycles


@pytest.fixture(scope="module")
def changed_manager() -> Workspace:
    """Ann moved from Max (person U1) to Mia mid-year; Bob (Max) was reviewed once."""
    return workspace_with(
        people=[{"person_id": "U1", "name": "Max"}, {"person_id": "U2", "name": "Mia"},
                {"person_id": "U3", "name": "Ann", "manager": "U2"}, {"person_id": "U4", "name": "Bob", "manager": "U1"}],
        reviews=reviews_of("Ann", "Discovery", {"2025-Q1": 2}, reviewer="U1")          # ID -> Max
        + reviews_of("Ann", "Discovery", {"2025-Q2": 3}, reviewer="Max")
        + reviews_of("Ann", "Discovery", {"2025-Q3": 3}, reviewer="Mia")
        + reviews_of("U3", "Discovery", {"2025-Q4": 5})                                  # no reviewer: roster (Mia)
        + reviews_of("Bob", "Discovery", {"2025-Q1": 3}, reviewer="Max"),
    )


def test_history_stays_with_the_manager_at_the_time(changed_manager):
    mv = cap.movement(changed_manager)
    max_row = row(mv, rep="Ann", manager="Max")
    mia_row = row(mv, rep="Ann", manager="Mia")
    assert (max_row["n_cycles"], max_row["slope"]) == (2, pytest.approx(0.25))   # 0.25 -> 0.5
    assert (mia_row["n_cycles"], mia_row["slope"]) == (2, pytest.approx(0.5))    # 0.5 -> 1.0
    by = cap.capability_by_manager(changed_manager).set_index("manager")
    assert by.loc["Max", "capability_slope"] == pytest.approx(0.25)              # Bob's single cycle: no slope
    assert by.loc["Max", "n_rep_capabilities"] == 1
    assert by.loc["Max", "n_reps_reviewed"] == 2
    assert by.loc["Max", "n_cycles"] == 2
    assert by.loc["Mia", "capability_slope"] == pytest.approx(0.5)
    assert by.loc["Mia", "n_reps_reviewed"] == 1


def test_manager_filter_selects_the_manager_at_the_time(changed_manager):
    f = Filters(managers=("Max",))
    rs = cap.review_scores(changed_manager, f)
    assert sorted(rs["cycle"][rs["rep"] == "Ann"]) == ["2025-Q1", "2025-Q2"]
    by = cap.capability_by_manager(changed_manager, f)
    assert by["manager"].tolist() == ["Max"]
    assert by.loc[0, "capability_slope"] == pytest.approx(0.25)


def test_period_filter_on_review_date_keeps_cycle_indices(changed_manager):
    rs = cap.review_scores(changed_manager, Filters(start=date(2025, 7, 1)))
    assert sorted(rs["cycle_index"].unique()) == [2, 3]
    assert row(cap.movement(changed_manager, Filters(start=date(2025, 7, 1))), rep="Ann")["slope"] == pytest.approx(0.5)


# ------------------------------------------------------------------------- named gaps
@pytest.fixture(scope="module")
def gaps_ws() -> Workspace:
    """Cycles 2025-Q1..Q4 reviewed at quarter end; each rep plants one status (see the tests)."""
    people = [{"name": "Max"}, {"name": "Mia"}, {"name": "Fay", "manager": "Mia"}]
    people += [{"name": n, "manager": "Max"} for n in ("Ann", "Bob", "Cat", "Dan", "Eve")]
    reviews = (
        reviews_of("Ann", "Discovery", {"2025-Q1": 2.0, "2025-Q2": 2.4, "2025-Q3": 2.2, "2025-Q4": 2.0})
        + reviews_of("Bob", "Negotiation", {"2025-Q1": 2.0, "2025-Q2": 2.0, "2025-Q3": 2.2, "2025-Q4": 3.0})
        + reviews_of("Cat", "Discovery", {"2025-Q1": 2.0, "2025-Q2": 2.0, "2025-Q3": 3.0, "2025-Q4": 3.0})
        + reviews_of("Dan", "Discovery", {"2025-Q1": 2.0, "2025-Q2": 2.0, "2025-Q3": 2.0, "2025-Q4": 4.0})
        + reviews_of("Eve", "Discovery", {"2025-Q1": 2.0, "2025-Q2": 3.0})
    )
    sessions = [
        {"manager": "Max", "rep": "Ann", "session_date": "2025-04-10", "focus_capability": "Discovery"},
        {"manager": "Max", "rep": "Bob", "session_date": "2025-04-10", "focus_capability": "Negotiation"},
        {"manager": "Max", "rep": "Cat", "session_date": "2025-12-01", "focus_capability": "Discovery"},
        {"manager": "Max", "rep": "Cat", "session_date": "2025-05-01", "focus_capability": "Negotiation"},
        {"manager": "Max", "rep": "Dan", "session_date": "2025-04-10", "focus_capability": "Discovery"},
        {"manager": "Max", "rep": "Eve", "session_date": "2025-01-15", "focus_capability": "Discovery"},
        {"manager": "Max", "rep": "Eve", "session_date": "2025-01-20", "focus_capability": None},  # names nothing
    ]
    actions = [  # Bob's gap named again, next cycle, by an action (capability in other case)
        {"rep": "Bob", "manager": "Max", "capability": "negotiation", "assigned_date": "2025-07-15"},
    ]
    return workspace_with(people=people, reviews=reviews, coaching_sessions=sessions, development_actions=actions)


def test_named_gap_statuses(gaps_ws):
    g = cap.named_gaps(gaps_ws)
    assert list(g.columns) == cap.GAP_COLUMNS
    assert len(g) == 6
    # Ann: named in Q2; baseline Q1 0.25, best of Q2..Q3 0.35: a rise of exactly 0.1, but Q3 falls
    # back to 0.30 (+0.05): one lucky review, the rise does not hold -> not moved (issue 19)
    ann = row(g, rep="Ann")
    assert (ann["status"], ann["named_cycles"], ann["baseline_cycle_index"]) == ("not moved", 1, 0)
    assert ann["baseline_norm"] == pytest.approx(0.25)
    assert ann["best_within"] == pytest.approx(0.35)
    assert ann["rise"] == pytest.approx(0.10)
    assert ann["manager"] == "Max"
    # Bob: named in Q2 (session) and Q3 (action); best of Q2..Q3 0.30 (+0.05); Q4's jump is too late
    bob = row(g, rep="Bob")
    assert (bob["status"], bob["named_cycles"], bob["n_namings"]) == ("stuck", 2, 2)
    assert bob["rise"] == pytest.approx(0.05)
    assert bob["first_named_date"] == pd.Timestamp("2025-04-10")
    # Cat, Discovery: named in Q4; baseline the mean of the last two reviews before it (Q2 0.25,
    # Q3 0.50: one review is one noisy draw, issue 19); only Q4 has been held since
    cat = row(g, rep="Cat", capability="Discovery")
    assert (cat["status"], cat["n_window_cycles"], cat["baseline_cycle_index"]) == ("too early", 1, 2)
    assert cat["baseline_norm"] == pytest.approx(0.375)
    assert cat["rise"] == pytest.approx(0.125)
    # Cat, Negotiation: named but never scored
    cat_n = row(g, rep="Cat", capability="Negotiation")
    assert cat_n["status"] == "not measured"
    assert math.isnan(cat_n["baseline_norm"]) and math.isnan(cat_n["rise"])
    # Dan: named once, window Q2..Q3 passed flat (Q4's rise is outside it): neither moved nor stuck
    dan = row(g, rep="Dan")
    assert dan["status"] == "not moved"
    assert dan["rise"] == pytest.approx(0.0)
    # Eve: named before her first review -> baseline is that first review (Q1), window Q2..Q3; she
    # rose 0.25 in Q2 but was not reviewed since, though Q3 and Q4 are held: whether the rise held
    # cannot be told -> not measured (issue 19: a rise must hold the next cycle)
    eve = row(g, rep="Eve")
    assert (eve["status"], eve["baseline_cycle_index"]) == ("not measured", 0)
    assert eve["rise"] == pytest.approx(0.25)


def test_named_gap_thresholds_come_from_settings(gaps_ws):
    wider = cap.named_gaps(gaps_ws, settings=Settings(moved_within_cycles=3))
    assert row(wider, rep="Dan")["status"] == "too early"        # Q4 now in the window: +0.5, no cycle since
    assert row(wider, rep="Bob")["status"] == "too early"        # +0.25 in Q4, the last cycle held
    stricter = cap.named_gaps(gaps_ws, settings=Settings(moved_rise=0.2, stuck_min_cycles=3))
    assert row(stricter, rep="Ann")["status"] == "not moved"
    assert row(stricter, rep="Bob")["status"] == "not moved"     # named in two cycles only
    assert row(stricter, rep="Eve")["status"] == "not measured"  # +0.25, not reviewed since
    assert row(cap.named_gaps(gaps_ws, settings=Settings(noise_multiple=0)), rep="Ann")["status"] == "not moved"


def test_named_gaps_as_of_the_filter_end(gaps_ws):
    g = cap.named_gaps(gaps_ws, Filters(end=date(2025, 8, 1)))
    assert set(zip(g["rep"], g["capability"], strict=True)) == {
        ("Ann", "Discovery"), ("Bob", "Negotiation"), ("Cat", "Negotiation"), ("Dan", "Discovery"),
        ("Eve", "Discovery")}
    bob = row(g, rep="Bob")
    # held by 1 Aug: Q1, Q2. The July naming falls in Q3, not yet held.
    assert (bob["named_cycles"], bob["n_window_cycles"], bob["status"]) == (1, 1, "too early")
    assert row(g, rep="Ann")["status"] == "too early"            # the rise shows in Q2, the last cycle held
    assert row(g, rep="Dan")["status"] == "too early"


def test_named_gaps_in_period_keep_their_history(gaps_ws):
    g = cap.named_gaps(gaps_ws, Filters(start=date(2025, 7, 1)))
    assert sorted(g["rep"]) == ["Bob", "Cat"]
    assert row(g, rep="Bob")["first_named_date"] == pd.Timestamp("2025-04-10")
    assert row(g, rep="Bob")["status"] == "stuck"


def test_named_gaps_without_review_dates_place_namings_by_cycle_label():
    people = [{"name": "Max"}, {"name": "Ann", "manager": "Max"}, {"name": "Bob", "manager": "Max"}]
    reviews = [{"rep": "Ann", "cycle": c, "capability": "Discovery", "score": s}
               for c, s in (("2025-Q1", 2.0), ("2025-Q2", 2.2), ("2025-Q3", 3.0))]
    reviews += [{"rep": "Bob", "cycle": c, "capability": "Discovery", "score": 2.0} for c in ("Spring", "Autumn")]
    sessions = [{"manager": "Max", "rep": r, "session_date": "2025-04-10", "focus_capability": "Discovery"}
                for r in ("Ann", "Bob")]
    g = cap.named_gaps(workspace_with(people=people, reviews=reviews, coaching_sessions=sessions))
    ann = row(g, rep="Ann")   # 10 Apr falls in 2025-Q2 (ends 30 Jun): baseline Q1 0.25, best of Q2..Q3 0.5
    # in Q3, the last cycle: whether it holds is not known yet
    assert (ann["status"], ann["baseline_cycle_index"], ann["named_cycles"]) == ("too early", 0, 1)
    assert ann["rise"] == pytest.approx(0.25)
    bob = row(g, rep="Bob")   # his cycles name no period and have no dates: cannot be placed in time
    assert bob["status"] == "not measured" and math.isnan(bob["baseline_norm"])
    only_undated = [r for r in reviews if r["rep"] == "Bob"]
    g = cap.named_gaps(workspace_with(people=people, reviews=only_undated, coaching_sessions=sessions))
    assert row(g, rep="Bob")["status"] == "not measured" and math.isnan(row(g, rep="Bob")["named_cycles"])


@pytest.fixture(scope="module")
def late_review_ws() -> Workspace:
    """Ann's calendar is not in date order: her Q2 review was late (15 Oct), after Q3's date (30 Sep,
    from Bob; Ann has no Q3 score, only a Q3 review without a usable scale, on 25 Oct)."""
    people = [{"name": "Max"}] + [{"name": n, "manager": "Max"} for n in ("Ann", "Bob", "Cy")]
    reviews = reviews_of("Bob", "Discovery", {"2025-Q1": 3.0, "2025-Q2": 3.0, "2025-Q3": 3.0, "2025-Q4": 3.0})
    reviews += [
        {"rep": "Ann", "cycle": "2025-Q1", "review_date": "2025-03-31", "capability": "Discovery", "score": 2.0},
        {"rep": "Ann", "cycle": "2025-Q2", "review_date": "2025-10-15", "capability": "Discovery", "score": 3.0},
        {"rep": "Ann", "cycle": "Offsite", "capability": "Discovery", "score": 5.0},  # cannot be placed in time
        {"rep": "Ann", "cycle": "2025-Q3", "review_date": "2025-10-25", "capability": "Broken", "score": 3.0,
         "scale_min": 3.0, "scale_max": 3.0},                                   # no normalised score: no date
        {"rep": "Ann", "cycle": "2025-Q1", "review_date": "2025-03-31", "capability": "Negotiation", "score": 2.0},
        {"rep": "Ann", "cycle": "2025-Q1", "review_date": "2025-03-31", "capability": " negotiation", "score": 3.0},
        {"rep": "Ann", "cycle": "2025-Q4", "review_date": "2025-12-31", "capability": "Negotiation", "score": 2.0},
        {"rep": "Ann", "cycle": "2025-Q4", "review_date": "2025-12-31", "capability": "Value", "score": 3.0},
    ]
    sessions = [{"manager": "Max", "rep": r, "session_date": d, "focus_capability": c} for r, d, c in (
        ("Ann", "2025-09-01", "Discovery"), ("Ann", "2025-10-20", "Discovery"), ("Ann", "2026-02-01", "Value"),
        ("Cy", "2025-05-01", "Discovery"))]
    actions = [{"rep": "Ann", "manager": "Max", "capability": c, "assigned_date": "2025-10-01"}
               for c in ("Discovery", "NEGOTIATION")]
    return workspace_with(people=people, reviews=reviews, coaching_sessions=sessions, development_actions=actions)


def test_named_gaps_follow_the_reps_own_calendar_in_cycle_order(late_review_ws):
    g = cap.named_gaps(late_review_ws)
    assert list(zip(g["rep"], g["capability"], strict=True)) == [
        ("Ann", "Discovery"), ("Ann", "NEGOTIATION"), ("Ann", "Value"), ("Cy", "Discovery")]
    assert g["n_namings"].dtype == "int64" and g["n_window_cycles"].dtype == "int64"
    # Discovery named 1 Sep and 1 Oct (Q2: the first cycle in index order dated on or after them,
    # though Q3 is dated earlier) and 20 Oct (Q4). Baseline Q1 0.25; window Q2, Q3 (Offsite ignored)
    d = row(g, rep="Ann", capability="Discovery")
    assert (d["named_cycles"], d["n_namings"], d["baseline_cycle_index"], d["n_window_cycles"]) == (2, 3, 0, 2)
    # one point of a 1..5 scale (+0.25): with too few unnamed series to measure the noise, the
    # scale's step stands in, and the rise must reach 1.5 steps (0.375): named in two cycles -> stuck
    assert (d["baseline_norm"], d["best_within"], d["status"]) == (0.25, 0.5, "stuck")
    # Negotiation (two spellings averaged in Q1: 0.375) named 1 Oct, in Q2; the window skips Q3
    # (dated 30 Sep, before the naming) and is Q2, Q4: best 0.25 in Q4
    n = row(g, rep="Ann", capability="NEGOTIATION")
    assert (n["named_cycles"], n["baseline_cycle_index"], n["n_window_cycles"]) == (1, 0, 2)
    assert (n["baseline_norm"], n["best_within"], n["rise"], n["status"]) == (0.375, 0.25, -0.125, "not moved")
    assert row(cap.named_gaps(late_review_ws, settings=Settings(stuck_min_cycles=1)),
               rep="Ann", capability="NEGOTIATION")["status"] == "stuck"
    assert row(cap.named_gaps(late_review_ws, settings=Settings(moved_within_cycles=1)),
               rep="Ann", capability="NEGOTIATION")["status"] == "not measured"  # Q2 passed unscored
    # Value named after the last cycle held: in no cycle yet; baseline Q4, nothing since
    v = row(g, rep="Ann", capability="Value")
    assert (v["named_cycles"], v["baseline_cycle_index"], v["n_window_cycles"], v["status"]) == (0, 3, 0, "too early")
    assert math.isnan(v["best_within"]) and math.isnan(v["rise"])
    # Cy was never reviewed: the cycles' own dates place the naming (Q2), nothing to measure
    cy = row(g, rep="Cy")
    assert (cy["named_cycles"], cy["n_window_cycles"], cy["status"]) == (1, 0, "not measured")
    assert math.isnan(cy["baseline_cycle_index"])


def test_capability_by_manager_counts_and_shares(gaps_ws):
    by = cap.capability_by_manager(gaps_ws)
    assert list(by.columns) == cap.MANAGER_COLUMNS
    assert by["manager"].tolist() == ["Max", "Mia"]
    mx = row(by, manager="Max")
    # slopes over cycles 0..3: Ann -0.005, Bob 0.08, Cat 0.1, Dan 0.15; Eve 0.25 over 0..1
    assert mx["capability_slope"] == pytest.approx(0.115)
    assert (mx["n_rep_capabilities"], mx["n_reps_reviewed"], mx["n_cycles"]) == (5, 5, 4)
    # issue 19: Ann's rise did not hold (not moved), Eve's was never reviewed again (not measured)
    assert (mx["n_named_gaps"], mx["n_gaps_moved"], mx["n_gaps_stuck"]) == (6, 0, 1)
    assert (mx["n_gaps_not_moved"], mx["n_gaps_too_early"], mx["n_gaps_not_measured"]) == (2, 1, 2)
    assert mx["share_gaps_moved"] == pytest.approx(0.0)
    assert mx["n_gaps_decided"] == 1
    # the slope's 95% interval: mean ± t(0.975, 4) × sd / √5 over the five series' slopes
    slopes = [-0.005, 0.08, 0.1, 0.15, 0.25]
    half = 2.7764451 * float(np.std(slopes, ddof=1)) / math.sqrt(5)
    assert mx["capability_slope_low"] == pytest.approx(0.115 - half)
    assert mx["capability_slope_high"] == pytest.approx(0.115 + half)
    # Mia has a rep but no reviews and no gaps: present, NaN, zero counts
    mia = row(by, manager="Mia")
    assert math.isnan(mia["capability_slope"]) and math.isnan(mia["share_gaps_moved"])
    assert (mia["n_named_gaps"], mia["n_reps_reviewed"], mia["n_cycles"]) == (0, 0, 0)
    assert by["n_named_gaps"].dtype == "int64"


def test_empty_workspace_gives_empty_frames_with_columns():
    ws = Workspace()
    assert list(cap.review_scores(ws).columns) == cap.REVIEW_COLUMNS
    assert list(cap.movement(ws).columns) == cap.MOVEMENT_COLUMNS
    assert list(cap.named_gaps(ws).columns) == cap.GAP_COLUMNS
    assert cap.capability_by_manager(ws).empty


# ------------------------------------------------------------------------- the demo's planted truths
@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))


def test_demo_developers_move_capability_more_than_heroes(demo_ws, truth):
    by = cap.capability_by_manager(demo_ws).set_index("manager")
    kinds = pd.Series(truth["managers"])
    developers = by.loc[kinds[kinds == "developer"].index, "capability_slope"]
    heroes = by.loc[kinds[kinds == "hero"].index, "capability_slope"]
    assert developers.notna().all() and heroes.notna().all()
    assert developers.mean() > heroes.mean()
    assert len(by) == len(kinds)  # one row per manager


def test_demo_planted_gaps(demo_ws, truth):
    g = cap.named_gaps(demo_ws)
    for plant in truth["reps"]["moving_skill_gap"]:
        r = row(g, rep=plant["rep"], capability=plant["capability"])
        assert r["status"] == "moved", plant
        assert r["manager"] == plant["manager"]
    for plant in truth["reps"]["fit_gap"]:
        r = row(g, rep=plant["rep"], capability=plant["capability"])
        assert r["status"] == "stuck", plant
    for plant in truth["reps"]["unworked_skill_gap"]:  # never named: not a named gap at all
        assert g[(g["rep"] == plant["rep"]) & (g["capability"] == plant["capability"])].empty


# ------------------------------------------------------------------------- rating noise (issue 19)
def _org_ws(org):
    return workspace_with(**org.tables)


@pytest.mark.parametrize("scale, noise_p", [((1, 5), 0.5), ((1, 7), 0.5), ((1, 10), 0.5), ((1, 10), 0.3)])
def test_rating_noise_is_the_spread_of_changes_nobody_worked_on(scale, noise_p):
    """One-point noise with probability p: a change between two reviews has sd √(2p) points."""
    ws = _org_ws(rating_org(scale, noise_p=noise_p, seed=3))
    noise = cap.rating_noise(ws)
    assert list(noise.columns) == cap.NOISE_COLUMNS and len(noise) == 1
    r = noise.iloc[0]
    span = scale[1] - scale[0]
    assert r["step"] == pytest.approx(1 / span)
    assert r["basis"] == f"rests on {r['n_series']} unnamed series" and r["n_series"] == 6 * 6 * 4
    assert r["noise"] == pytest.approx(math.sqrt(2 * noise_p) / span, rel=0.2)


def test_rating_noise_ignores_reps_who_grow_on_their_own():
    still = cap.rating_noise(_org_ws(rating_org((1, 10), seed=4))).iloc[0]["noise"]
    growing = cap.rating_noise(_org_ws(rating_org((1, 10), seed=4, unnamed_drift=0.5))).iloc[0]["noise"]
    assert growing == pytest.approx(still, rel=0.25)


def test_rating_noise_per_scale_and_the_step_when_too_few_unnamed_series():
    big = rating_org((1, 10), seed=5)
    small = rating_org((1, 5), seed=5, n_managers=1, n_reps=2, prefix="B ")
    tables = {k: big.tables[k] + small.tables[k] for k in big.tables}
    noise = cap.rating_noise(workspace_with(**tables)).set_index("scale_max")
    assert noise.loc[10.0, "basis"].startswith("rests on 144 unnamed series")
    # 2 reps x 4 unnamed capabilities = 8 series: too few, one step of the 1-5 scale stands in
    assert (noise.loc[5.0, "basis"], noise.loc[5.0, "noise"], noise.loc[5.0, "n_series"]) == ("the scale step", 0.25, 8)
    # the empty workspace: no scale, no noise
    assert cap.rating_noise(Workspace()).empty


def test_moved_needs_a_rise_above_the_noise_that_holds():
    """Rises on a 1..10 scale with 12 flat unnamed series of one-point noise (noise of a change
    ≈ 0.09): a two-point rise that holds moves; one point is noise; a rise that falls back the next
    cycle is one lucky review; a rise in the last cycle is too early."""
    cycles = [("2025-Q1", "2025-03-31"), ("2025-Q2", "2025-06-30"), ("2025-Q3", "2025-09-30"),
              ("2025-Q4", "2025-12-31")]
    people = [{"name": "Max"}] + [{"name": f"R{i}", "manager": "Max"} for i in range(12)]
    reviews = [{"rep": f"R{i}", "capability": "Forecasting", "cycle": c, "review_date": d, "scale_min": 1,
                "scale_max": 10, "score": 5 + ((i + k) % 3 == 0)} for i in range(12) for k, (c, d) in enumerate(cycles)]
    planted = {"R0": [4, 6, 6, 6], "R1": [4, 5, 5, 5], "R2": [4, 6, 4, 4], "R3": [4, 4, 4, 7]}
    reviews += [{"rep": rep, "capability": "Discovery", "cycle": c, "review_date": d, "scale_min": 1,
                 "scale_max": 10, "score": s} for rep, scores in planted.items()
                for (c, d), s in zip(cycles, scores, strict=True)]
    sessions = [{"manager": "Max", "rep": rep, "session_date": "2025-04-10", "focus_capability": "Discovery"}
                for rep in planted]
    ws = workspace_with(people=people, reviews=reviews, coaching_sessions=sessions)
    noise = cap.rating_noise(ws).iloc[0]
    assert noise["basis"] == "rests on 12 unnamed series"
    assert 1.5 * noise["noise"] > 1 / 9  # one point is within the noise
    g = cap.named_gaps(ws).set_index("rep")
    assert g.loc["R0", "status"] == "moved"                               # +2 points, held
    assert g.loc["R1", "status"] == "not moved"                           # +1 point: noise
    assert g.loc["R2", "status"] == "not moved"                           # +2, back the next cycle
    assert cap.named_gaps(ws, settings=Settings(moved_within_cycles=3)).set_index("rep").loc["R3", "status"] \
        == "too early"                                                    # +3 in the last cycle held
    # without the noise bar, one point counts (moved_rise 0.10 < 0.11), as before issue 19
    loose = cap.named_gaps(ws, settings=Settings(noise_multiple=0)).set_index("rep")
    assert loose.loc["R1", "status"] == "moved"
    sentence = cap.moved_rule(ws, Settings())
    # issue 20: in points of the 0–100 scale the page draws scores on
    assert f"above {round(100 * 1.5 * noise['noise'] * math.sqrt(0.75))} points with one review before" in sentence
    assert "12 unnamed series" in sentence


def _precision_recall(scale, noise_p, seeds, settings=Settings()):
    tp = fp = pos = 0
    for seed in seeds:
        org = rating_org(scale, noise_p=noise_p, seed=seed)
        g = cap.named_gaps(_org_ws(org), settings=settings)
        g = g[g["status"] != "too early"]
        truth = np.array([org.moves[(r.rep, r.capability)] for r in g.itertuples()], dtype=bool)
        moved = (g["status"] == "moved").to_numpy()
        tp, fp, pos = tp + int((moved & truth).sum()), fp + int((moved & ~truth).sum()), pos + int(truth.sum())
    return tp / (tp + fp), tp / pos


@pytest.mark.parametrize("noise_p", [0.3, 0.5])
def test_moved_on_noisy_ten_point_scales_is_precise(noise_p):
    """Issue 19's judged numbers on a 1..10 scale with one-point noise: three-point rises planted
    on half the named gaps. Before: precision 0.68-0.74 (one point read as movement)."""
    precision, recall = _precision_recall((1, 10), noise_p, range(3))
    assert precision >= 0.9 and recall >= 0.85
    old_precision, _ = _precision_recall((1, 10), noise_p, range(3), Settings(noise_multiple=0))
    assert precision > old_precision


@pytest.mark.parametrize("scale", [(1, 5), (1, 7)])
def test_moved_on_short_scales_trades_recall_for_precision(scale):
    """Two-point rises on 1..5 and 1..7 with one-point noise on half the scores. Judged on the best
    reviews of the window alone, recall was 0.69-0.77 (precision 0.91-0.94); with the baseline
    averaged over the reviews before the naming and a held pair judged against the noise of that
    difference, precision 0.90-0.95 and recall 0.83-0.91 (issue 19: at least 0.9 and 0.85 where a
    single review cannot tell two points from noise every time)."""
    precision, recall = _precision_recall(scale, 0.5, range(3))
    assert precision >= 0.9 and recall >= 0.8


def test_capability_slope_interval_decides_flat():
    org = rating_org((1, 10), seed=6)
    by = cap.capability_by_manager(_org_ws(org)).set_index("manager")
    assert (by["capability_slope_low"] <= by["capability_slope"]).all()
    assert (by["capability_slope"] <= by["capability_slope_high"]).all()
    flat = cap.is_flat(by["capability_slope"], by["capability_slope_low"], by["capability_slope_high"], 0.01)
    kinds = pd.Series(org.kinds).reindex(by.index)
    # namers' teams never move: their interval holds 0 or the slope is under the bar
    assert flat[(kinds == "namer").to_numpy()].all()
    assert not flat[(kinds == "developer").to_numpy()].any()


def test_demo_noise_keeps_the_fixed_rise_and_developers_still_move(demo_ws, truth):
    """The demo's reviews carry decimals (noise sd 0.15 of a 1..5 point): the noise of a change is
    about 0.05, so the bar stays moved_rise (0.10); developers' gaps still move, the others' rarely."""
    noise = cap.rating_noise(demo_ws).iloc[0]
    assert noise["basis"].startswith("rests on") and noise["step"] == pytest.approx(0.025)
    assert 0.035 < noise["noise"] < 0.065 and Settings().noise_multiple * noise["noise"] < Settings().moved_rise
    g = cap.named_gaps(demo_ws)
    kinds = g["manager"].map(truth["managers"])
    decided = g[g["status"].isin(["moved", "stuck", "not moved"])]
    share = (decided["status"] == "moved").groupby(kinds[decided.index]).mean()
    assert share["developer"] >= 0.85
    assert share.drop("developer").max() <= 0.1
    by = cap.capability_by_manager(demo_ws).set_index("manager")
    dev = [m for m, k in truth["managers"].items() if k == "developer"]
    assert (by.loc[dev, "capability_slope_low"] > 0).all()  # developers' movement is clear of the noise
