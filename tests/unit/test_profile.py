"""Manager profiles: the Manager detail page's figures as plain values, checked against the
diagnosis, the demo's planted archetypes, and a workspace (Maven) that has no coaching data."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analytics.diagnosis.checklist import next_one_on_one, scope_medians
from analytics.diagnosis.dials import DIALS, diagnosis
from analytics.filters import Filters
from analytics.fmt import fmt_slope
from analytics.outputs.profile import ManagerProfile, manager_profiles
from analytics.settings import Settings
from analytics.signals.capability import named_gaps
from analytics.signals.coaching import BEHAVIOURS, behaviour_counts

ROOT = Path(__file__).resolve().parents[2]
TRUTH = json.loads((ROOT / "data" / "demo" / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_diag(demo_ws) -> pd.DataFrame:
    return diagnosis(demo_ws).set_index("manager")


@pytest.fixture(scope="module")
def profiles(demo_ws) -> dict[str, ManagerProfile]:
    return {p.manager: p for p in manager_profiles(demo_ws)}


@pytest.fixture(scope="module")
def maven(maven_ws):
    return maven_ws


def test_every_demo_manager_has_a_profile(profiles, demo_diag):
    assert set(profiles) == set(TRUTH["managers"]) == set(demo_diag.index)
    assert list(profiles) == sorted(profiles)  # alphabetical, as the diagnosis
    for p in profiles.values():
        assert p.managers_in_scope == len(TRUTH["managers"])
        assert p.team == TRUTH["teams"][p.manager]["team"]
        assert p.region == TRUTH["teams"][p.manager]["region"]


def test_planted_heroes_are_heroes_and_no_one_else(profiles):
    heroes = {m for m, kind in TRUTH["managers"].items() if kind == "hero"}
    assert {m for m, p in profiles.items() if p.hero is True} == heroes
    for m in heroes:
        assert "won complex deals" in profiles[m].hero_reason
    assert all(profiles[m].hero is False for m in TRUTH["managers"] if m not in heroes)


@pytest.mark.parametrize("manager", [TRUTH["primary"]["developer"], TRUTH["primary"]["hero"]])
def test_dials_and_attainment_equal_the_diagnosis(profiles, demo_diag, manager):
    p, row = profiles[manager], demo_diag.loc[manager]
    for dial in DIALS:
        assert p.dials[dial] == pytest.approx(row[dial])
        assert p.dial_basis[dial] == (f"{int(row[f'n_signals_{dial}'])} of {int(row[f'of_signals_{dial}'])} "
                                      "signals measured")
        rank = int(row[f"rank_in_scope_{dial}"])
        assert p.dial_ranks[dial].endswith(f"of {int(row[f'n_ranked_{dial}'])} in scope")
        assert p.dial_ranks[dial].startswith(f"{rank}")
        assert p.dial_notes[dial] == "" and p.dial_evidence[dial]  # the demo's evidence is strong
    assert p.attainment == pytest.approx(row["attainment"])
    # what attainment rests on (issue 19): the demo's quota periods all ended with its data
    assert p.attainment_basis == (f"{int(row['n_reps_with_quota'])} reps with quota over the quota periods "
                                  "ended by 30 Sep 2026")
    assert p.development_index == pytest.approx(row["development_index"])
    assert p.reps == row["reps"]
    assert p.hero_reason == row["reason"]
    assert p.skill_time_share == pytest.approx(row["skill_time_share"])
    assert p.confidence_gap == pytest.approx(row["confidence_gap"])
    assert p.won_in_quota == pytest.approx(row["won_in_quota"]) and p.quota == pytest.approx(row["quota"])


def test_signals_read_as_on_the_manager_page(profiles, demo_diag):
    p, row = profiles[TRUTH["primary"]["hero"]], demo_diag.loc[TRUTH["primary"]["hero"]]
    capability, follow, dependency = p.signals
    assert capability.value == fmt_slope(100 * row["capability_slope"])  # points per cycle on 0–100
    assert capability.trend == "flat"  # the hero's capability is flat
    assert f"{int(row['n_rep_capabilities'])} rep-capability series" in capability.basis
    assert follow.value == f"{row['follow_through_rate']:.0%} completed of due"
    assert follow.basis == (f"{int(row['n_completed_due'])} of {int(row['n_due'])} due completed · "
                            f"{int(row['n_revisited'])} of {int(row['n_completed'])} completed revisited")
    assert dependency.trend == row["dependency_trend"]
    assert dependency.value is not None and dependency.value.endswith("of complex deals with the manager")
    developer = profiles[TRUTH["primary"]["developer"]].signals[0]
    assert developer.trend == "moving"


def test_behaviours_and_checklist_are_built_as_the_page_builds_them(demo_ws, profiles, demo_diag):
    gaps = named_gaps(demo_ws)
    for manager in (TRUTH["primary"]["overconfident"], TRUTH["primary"]["hero"]):
        p = profiles[manager]
        counts = behaviour_counts(demo_ws, manager)
        assert [(b.key, b.label, b.shown, b.observed) for b in p.behaviours] == [
            (k, label, *counts[k]) for k, label in BEHAVIOURS.items()]
        stuck = gaps[(gaps["manager"] == manager) & (gaps["status"] == "stuck")]
        examples = [f"{r.rep}: {r.capability}" for r in stuck.itertuples()]
        assert p.stuck_gaps == examples and examples
        assert p.checklist == next_one_on_one(demo_diag.loc[manager], counts, examples, Settings(),
                                               medians=scope_medians(demo_diag))
        assert p.checklist  # every planted weak spot yields something to do


def test_the_over_confident_manager_has_the_largest_confidence_gap(profiles):
    gaps = {m: p.confidence_gap for m, p in profiles.items()}
    assert all(g is not None for g in gaps.values())
    assert max(gaps, key=gaps.get) == TRUTH["primary"]["overconfident"]
    assert "Check the coaching with the reps" in [i.title for i in profiles[TRUTH["primary"]["overconfident"]].checklist]


def test_asking_for_some_managers_keeps_the_ranks_among_all(demo_ws, profiles):
    wanted = [TRUTH["primary"]["hero"], "Nobody at all", TRUTH["primary"]["developer"]]
    some = manager_profiles(demo_ws, managers=wanted)
    assert [p.manager for p in some] == [wanted[0], wanted[2]]
    assert some[0].dials == profiles[wanted[0]].dials
    assert some[0].managers_in_scope == len(TRUTH["managers"])


def test_filters_rank_among_the_managers_in_scope(demo_ws):
    emea = Filters(regions=("EMEA",))
    diag = diagnosis(demo_ws, emea).set_index("manager")
    some = manager_profiles(demo_ws, emea)
    assert [p.manager for p in some] == sorted(diag.index)
    assert all(p.region == "EMEA" and p.managers_in_scope == len(diag) < len(TRUTH["managers"]) for p in some)
    for p in some:
        assert p.dials["coach"] == pytest.approx(diag.loc[p.manager, "coach"])


def test_maven_has_no_coaching_evidence(maven):
    ps = manager_profiles(maven)
    assert len(ps) == 6  # SOURCES.md: 6 managers
    for p in ps:
        assert all(b.observed == 0 and b.shown == 0 for b in p.behaviours)
        assert [b.key for b in p.behaviours] == list(BEHAVIOURS)
        assert all(s.value is None and s.trend is None for s in p.signals)
        capability, follow, dependency = (s.basis for s in p.signals)
        assert "review export" in capability
        assert "development-actions export" in follow
        assert "manager-involved flag" in dependency
        assert p.dials["coach"] is None and p.dial_basis["coach"] == "0 of 7 signals measured"
        assert p.dial_notes["coach"].startswith("not measured") and p.dial_evidence["coach"] == ""
        assert p.attainment is None and p.attainment_basis == "needs a quota export"
        assert p.hero is None and p.hero_reason.startswith("Cannot tell")
        assert p.confidence_gap is None and "self-rating" in p.confidence_basis
        assert p.skill_time_share is None
        assert p.checklist == [] and p.stuck_gaps == []


def test_no_managers_no_profiles(demo_ws):
    assert manager_profiles(demo_ws, Filters(regions=("Atlantis",))) == []
    assert manager_profiles(demo_ws, managers=[]) == []
