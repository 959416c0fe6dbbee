"""The next-1:1 checklist leads with the action the manager's verdict calls for, and every item
carries a benchmark (issue 20, item 3): the manager's value, what it rests on, and the median of
the managers in scope measured on it (not measured left out, with their n) or the fixed standard."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analytics.diagnosis.checklist import VERDICT_ACTIONS, next_one_on_one, scope_medians
from analytics.diagnosis.dials import diagnosis
from analytics.filters import Filters
from analytics.outputs.handout import handout_pdf
from analytics.outputs.profile import manager_profiles
from analytics.outputs.report import report_html
from analytics.settings import Settings
from tests.unit.test_handout import TRUTH, WHEN, flat, pages

HEROES = [m for m, a in TRUTH["managers"].items() if a == "hero"]
NUMBER = re.compile(r"\d+%|[+−-]?\d+ points?")


def scope(**columns) -> pd.DataFrame:
    """A scope of managers with the given evidence columns (NaN = not measured)."""
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"manager": [f"M{i}" for i in range(n)], **columns})


#: Five managers; the third measured on nothing but behaviours, the fifth on nothing at all.
SCOPE = scope(
    rate_named_specific_gap=[0.2, 0.6, 0.7, 0.8, np.nan],
    rate_asked_before_telling=[0.1, 0.4, 0.5, 0.9, np.nan],
    rate_tied_to_plan=[0.3, 0.4, 0.6, 0.7, np.nan],
    rate_tracked_application=[0.05, 0.3, 0.4, 0.5, np.nan],
    skill_time_share=[0.1, 0.4, np.nan, 0.5, np.nan],
    follow_through_rate=[0.3, 0.8, np.nan, 0.9, np.nan],
    revisit_rate=[0.1, 0.6, np.nan, 0.7, np.nan],
    involvement_won_complex=[0.9, 0.3, np.nan, 0.4, np.nan],
    confidence_gap=[0.5, 0.1, np.nan, 0.2, np.nan],
    n_gaps_decided=[10, 4, 0, 5, 0],
    n_gaps_stuck=[6, 1, 0, 0, 0],
)

HERO_ROW = pd.Series({
    "hero": True, "coach": 18.0, "attainment": 1.04,
    "skill_time_share": 0.1, "n_sessions_with_split": 40,
    "follow_through_rate": 0.3, "n_due": 10, "n_completed_due": 3,
    "revisit_rate": 0.1, "n_completed": 10, "n_revisited": 1,
    "involvement_won_complex": 0.9, "n_complex_won": 40,
    "confidence_gap": 0.5, "confidence_gap_low": 0.3, "confidence_gap_high": 0.7, "over_confident": True,
    "self_rating": 1.0, "n_self_ratings": 3, "reps_agree": 0.5, "n_rep_coaching_answers": 12,
    "n_rep_coaching_respondents": 6, "n_gaps_decided": 10, "n_gaps_stuck": 6,
}, dtype="object")
WEAK_BEHAVIOURS = {"named_specific_gap": (2, 10), "asked_before_telling": (1, 10), "tied_to_plan": (3, 10),
                   "tracked_application": (0, 10)}
STUCK = ["Rep A: Discovery", "Rep B: Negotiation"]


def test_a_flagged_hero_leads_with_stepping_back_even_among_nine_other_items():
    items = next_one_on_one(HERO_ROW, WEAK_BEHAVIOURS, STUCK, Settings(), medians=scope_medians(SCOPE))
    assert len(items) == 6  # the limit still holds
    assert items[0].title == "Step back from complex deals" and items[0].verdict == "hero pattern"
    assert [i.title for i in items].count("Step back from complex deals") == 1
    assert all(not i.verdict for i in items[1:])
    rest = [i.severity for i in items[1:]]
    assert rest == sorted(rest, reverse=True)  # the rest: weakest evidence first
    # the action itself: let a rep run one alone
    assert items[0].text.endswith(". Pick one deal the rep runs alone")


@pytest.mark.parametrize("limit", [1, 2, 6])
def test_the_verdict_action_is_never_cut_by_the_limit(limit):
    items = next_one_on_one(HERO_ROW, WEAK_BEHAVIOURS, STUCK, Settings(), limit=limit, medians=scope_medians(SCOPE))
    assert len(items) == limit and items[0].title == "Step back from complex deals"


def test_a_low_coach_leads_with_the_coaching_behaviour_most_missing():
    row = HERO_ROW.copy()
    row["hero"], row["over_confident"], row["involvement_won_complex"] = False, False, 0.3
    items = next_one_on_one(row, WEAK_BEHAVIOURS, STUCK, Settings(), medians=scope_medians(SCOPE))
    assert items[0].title == "Track independent application" and items[0].verdict == "low Coach"
    assert "0 of 10 sessions" in items[0].text


def test_a_low_coach_without_behaviour_evidence_leads_with_its_weakest_coaching_item():
    row = pd.Series({"hero": False, "coach": 30.0, "follow_through_rate": 0.2, "n_due": 10, "n_completed_due": 2,
                     "revisit_rate": 0.45, "n_completed": 20, "n_revisited": 9}, dtype="object")
    items = next_one_on_one(row, {}, [], Settings(), medians=scope_medians(SCOPE))
    assert [i.title for i in items] == ["Close the loop on development actions", "Revisit what was practised"]
    assert items[0].verdict == "low Coach"


def test_an_over_confident_manager_leads_with_checking_the_coaching():
    row = HERO_ROW.copy()
    row["hero"] = None  # cannot tell
    items = next_one_on_one(row, WEAK_BEHAVIOURS, STUCK, Settings(), medians=scope_medians(SCOPE))
    assert items[0].title == "Check the coaching with the reps" and items[0].verdict == "over-confident"


def test_a_developer_has_no_verdict_action_only_the_weakest_evidence():
    row = pd.Series({"hero": False, "coach": 74.0, "over_confident": False, "follow_through_rate": 0.9,
                     "n_due": 10, "n_completed_due": 9, "revisit_rate": 0.3, "n_completed": 10, "n_revisited": 3,
                     "involvement_won_complex": 0.3, "n_complex_won": 20}, dtype="object")
    items = next_one_on_one(row, {"asked_before_telling": (8, 10)}, ["Rep C: Closing"], Settings(),
                            medians=scope_medians(SCOPE))
    assert [i.title for i in items] == ["Rethink stuck gaps", "Revisit what was practised"]
    assert not any(i.verdict for i in items)


def test_nothing_measured_gives_no_item():
    assert next_one_on_one(pd.Series({"hero": None, "coach": np.nan}, dtype="object"), {}, [], Settings(),
                           medians=scope_medians(SCOPE)) == []


def test_medians_leave_out_the_managers_not_measured_and_say_n():
    medians = scope_medians(SCOPE)
    assert medians["asked_before_telling"] == (pytest.approx(0.45), 4)
    assert medians["follow_through"] == (pytest.approx(0.8), 3)
    assert medians["stuck_gaps"] == (pytest.approx(0.25), 3)  # 6/10, 1/4, 0/5; none decided is not measured
    assert medians["check_coaching"] == (pytest.approx(0.2), 3)


def test_every_item_carries_a_benchmark_with_a_number():
    items = next_one_on_one(HERO_ROW, WEAK_BEHAVIOURS, STUCK, Settings(), limit=20, medians=scope_medians(SCOPE))
    assert len(items) == 10
    for item in items:
        assert item.benchmark and NUMBER.search(item.benchmark), item
        assert item.benchmark in item.text and item.evidence in item.text
        assert "median" in item.benchmark or "standard" in item.benchmark or "bar" in item.benchmark, item
    text = {i.title: i.text for i in items}
    assert "1 of 10 sessions started with a question" in text["Ask before telling"]
    assert "1 of 10 sessions started with a question (10%); the median in scope is 45% (4 managers measured)" in text["Ask before telling"]
    assert "the 50/50 rule's target is 50%" in text["Rebalance the 1:1"]
    assert "median in scope is 40% (3 managers measured)" in text["Rebalance the 1:1"]
    assert "the hero bar is 60%" in text["Step back from complex deals"]
    assert "a gap of +50 points (70% interval 30 to 70 points)" in text["Check the coaching with the reps"]
    assert "median in scope is +20 points" in text["Check the coaching with the reps"]
    assert "2 named gaps have not moved" in text["Rethink stuck gaps"]
    assert "gap(s)" not in " ".join(text.values())


def test_one_stuck_gap_reads_singular_and_without_a_scope_the_standard_is_the_benchmark():
    row = pd.Series({"hero": False, "coach": 80.0, "skill_time_share": 0.2, "n_sessions_with_split": 12},
                    dtype="object")
    items = {i.title: i for i in next_one_on_one(row, {}, ["Rep A: Discovery"], Settings())}
    assert "1 named gap has not moved" in items["Rethink stuck gaps"].text
    assert "the 50/50 rule's target is 50%" in items["Rebalance the 1:1"].benchmark


def test_the_verdict_mapping_is_data_each_with_a_documented_reason():
    assert [v.verdict for v in VERDICT_ACTIONS][:3] == ["hero pattern", "over-confident", "low Coach"]
    for v in VERDICT_ACTIONS:
        assert v.column and v.leads_with and v.why


# ------------------------------------------------------------------------------ the demo
@pytest.fixture(scope="module")
def demo_profiles(demo_ws):
    return {p.manager: p for p in manager_profiles(demo_ws)}


def test_every_planted_hero_leads_with_stepping_back_with_a_median(demo_profiles):
    assert len(HEROES) == 3
    for hero in HEROES:
        first = demo_profiles[hero].checklist[0]
        assert first.title == "Step back from complex deals", (hero, [i.title for i in demo_profiles[hero].checklist])
        assert re.search(r"median in scope is \d+% \(15 managers measured\)", first.text)
    for p in demo_profiles.values():
        assert all(NUMBER.search(i.benchmark) for i in p.checklist), p.manager


def test_deepa_vargas_handout_leads_with_the_hero_action(demo_ws):
    pdf = handout_pdf(demo_ws, managers=["Deepa Varga"], generated_at=WHEN, workspace_label="Demo company")
    (text,) = pages(pdf)
    one = flat(text)
    assert "1. Step back from complex deals" in one
    assert "median in scope" in one


def test_the_median_is_over_the_managers_in_the_filter(demo_ws):
    """A filter of three managers: the hero's benchmark is the median of those three, n = 3."""
    picked = ("Deepa Varga", "Thandiwe Jansen", "Naomi van Dijk")
    (p,) = manager_profiles(demo_ws, Filters(managers=picked), managers=["Deepa Varga"])
    diag = diagnosis(demo_ws, Filters(managers=picked))
    first = p.checklist[0]
    assert first.title == "Step back from complex deals"
    median = diag["involvement_won_complex"].median()
    assert f"the median in scope is {median:.0%} (3 managers measured)" in first.text


def test_the_report_leads_each_heros_checklist_with_the_verdicts_action(demo_ws):
    html = report_html(demo_ws, generated_at=WHEN)
    for hero in HEROES:
        section = html.split(f">{hero}</h2>")[1].split("</section>")[0] if f">{hero}</h2>" in html else ""
        assert section, hero
        first = section.split('<ol class="checklist">')[1].split("</li>")[0]
        assert "Step back from complex deals</strong> (verdict: hero pattern)" in first and "median in scope" in first


def test_a_real_export_keeps_its_empty_checklist_note_or_benchmarks_every_item(maven_ws):
    """The Maven CRM sample (deals and a roster): no coaching evidence, so no checklist item is
    made up; where the list is empty, the note from item 5 says which checks ran."""
    for p in manager_profiles(maven_ws):
        if p.checklist:
            assert all(i.benchmark and NUMBER.search(i.benchmark) for i in p.checklist), p.manager
        else:
            assert p.checklist_note and "No weak spot" not in p.checklist_note, p.checklist_note
