"""Survey metrics (analytics.signals.surveys) on hand-made workspaces with hand-computed values,
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
from analytics.signals.surveys import (
    RETENTION_COLUMNS,
    SURVEY_COLUMNS,
    answers,
    classify_items,
    retention_by_manager,
    survey_by_manager,
)
from analytics.store.workspace import Workspace
from tests.factories import workspace_with
from tools.demo import CONFIDENCE_ITEM_REP, CONFIDENCE_ITEM_SELF, LEAD_ITEMS

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
DIRECTION, MOTIVATION, BUY_IN = LEAD_ITEMS
WAVE = "2025-03-14"


def approx(x):
    return pytest.approx(x, abs=1e-4)


def row(frame: pd.DataFrame, manager: str) -> pd.Series:
    hit = frame[frame["manager"] == manager]
    assert len(hit) == 1, f"{manager} has {len(hit)} rows"
    return hit.iloc[0]


def answer(respondent, manager, item, score, role="rep", scale_max=5, when=WAVE) -> dict:
    return {"respondent": respondent, "respondent_role": role, "subject_manager": manager, "item": item,
            "score": score, "scale_max": scale_max, "survey_date": when}


PEOPLE = [
    {"name": "Max", "region": "EMEA", "team": "East"},
    {"name": "Ann", "manager": "Max", "region": "EMEA", "team": "East"},
    {"name": "Ada", "manager": "Max", "region": "EMEA", "team": "East"},
    {"name": "Bob", "manager": "Mia", "region": "APAC", "team": "South"},
]

SURVEY_METRICS = ["lead_direction", "lead_motivation", "lead_buy_in", "lead_survey", "self_rating",
                  "reps_agree", "confidence_gap"]


@pytest.fixture(scope="module")
def small() -> Workspace:
    """Max: two pseudonymous reps answer; Max rates himself. Mia: no answers at all."""
    return workspace_with(
        people=PEOPLE,
        surveys=[
            answer("R-0001", "Max", DIRECTION, 4),
            answer("R-0002", "Max", DIRECTION, 5),
            answer("R-0001", "Max", MOTIVATION, 3),
            answer("R-0001", "Max", CONFIDENCE_ITEM_REP, 4),
            answer("R-0002", "Max", CONFIDENCE_ITEM_REP, 3),
            answer("R-0003", "Max", CONFIDENCE_ITEM_REP, 2),
            answer("Max", "Max", CONFIDENCE_ITEM_SELF, 5, role="manager"),
            answer("Max", "Max", CONFIDENCE_ITEM_SELF, 4, role="manager", when="2026-03-13"),
        ],
    )


# ---------------------------------------------------------------------------------------
# survey_by_manager
# ---------------------------------------------------------------------------------------


def test_columns_and_one_row_per_manager(small):
    out = survey_by_manager(small)
    assert list(out.columns) == SURVEY_COLUMNS
    assert out["manager"].tolist() == ["Max", "Mia"]
    for c in out.columns:
        if c.startswith("n_"):
            assert out[c].dtype == "int64", c


def test_lead_scores_are_normalised_means(small):
    m = row(survey_by_manager(small), "Max")
    assert m["lead_direction"] == approx(0.875)  # (0.75 + 1.0) / 2
    assert m["lead_motivation"] == approx(0.5)  # (3 - 1) / 4
    assert math.isnan(m["lead_buy_in"])  # nobody answered it
    assert m["lead_survey"] == approx(0.6875)  # mean of the two measured
    assert m["n_survey_responses"] == 3
    assert m["n_respondents"] == 2


def test_confidence_gap(small):
    m = row(survey_by_manager(small), "Max")
    assert m["self_rating"] == approx(1.0)  # 5 and 4 both agree
    assert m["n_self_ratings"] == 2
    assert m["reps_agree"] == approx(0.3333)  # 4 agrees; 3 and 2 do not
    assert m["n_rep_coaching_answers"] == 3
    assert m["confidence_gap"] == approx(0.6667)
    # a stricter agree score: only a 5 agrees
    strict = row(survey_by_manager(small, settings=Settings(agree_score=5.0)), "Max")
    assert strict["self_rating"] == approx(0.5)
    assert strict["reps_agree"] == approx(0.0)
    assert strict["confidence_gap"] == approx(0.5)


def test_manager_without_answers_is_present_and_not_measured(small):
    m = row(survey_by_manager(small), "Mia")
    for c in SURVEY_METRICS:
        assert math.isnan(m[c]), c
    for c in ("n_survey_responses", "n_respondents", "n_self_ratings", "n_rep_coaching_answers"):
        assert m[c] == 0


def test_no_surveys_at_all():
    ws = workspace_with(people=PEOPLE)
    out = survey_by_manager(ws)
    assert out["manager"].tolist() == ["Max", "Mia"]
    for c in SURVEY_METRICS:
        assert out[c].isna().all(), c
        assert out[c].dtype == "float64", c
    for c in ("n_survey_responses", "n_respondents", "n_self_ratings", "n_rep_coaching_answers"):
        assert out[c].tolist() == [0, 0]
    assert classify_items(ws).empty


def test_self_rating_without_rep_answers_has_no_gap():
    ws = workspace_with(people=PEOPLE, surveys=[
        answer("Max", "Max", CONFIDENCE_ITEM_SELF, 5, role="manager"),
        answer("Max", "Max", CONFIDENCE_ITEM_SELF, 3, role="manager", when="2026-03-13"),
    ])
    m = row(survey_by_manager(ws), "Max")
    assert m["self_rating"] == approx(0.5) and m["n_self_ratings"] == 2
    assert math.isnan(m["reps_agree"]) and m["n_rep_coaching_answers"] == 0
    assert math.isnan(m["confidence_gap"])
    assert math.isnan(m["lead_survey"]) and m["n_survey_responses"] == 0


def test_rep_answers_without_self_rating_have_no_gap():
    ws = workspace_with(people=PEOPLE, surveys=[answer("R-1", "Max", CONFIDENCE_ITEM_REP, 5)])
    m = row(survey_by_manager(ws), "Max")
    assert m["reps_agree"] == approx(1.0)
    assert math.isnan(m["self_rating"]) and math.isnan(m["confidence_gap"])


def test_scale_max_7_is_rescaled_and_blank_means_5():
    ws = workspace_with(people=PEOPLE, surveys=[
        # 7-point agree threshold = (4 - 1) / 4 = 0.75 -> 5/7 = 0.6667 no, 6/7 = 0.8333 yes, 7/7 yes
        answer("R-1", "Max", CONFIDENCE_ITEM_REP, 5, scale_max=7),
        answer("R-2", "Max", CONFIDENCE_ITEM_REP, 6, scale_max=7),
        answer("R-3", "Max", CONFIDENCE_ITEM_REP, 7, scale_max=7),
        answer("R-1", "Max", BUY_IN, 4, scale_max=7),  # (4 - 1) / 6 = 0.5
        answer("R-2", "Max", BUY_IN, 4, scale_max=None),  # blank scale -> 5: 0.75
        answer("Max", "Max", CONFIDENCE_ITEM_SELF, 5, role="manager", scale_max=7),  # 0.6667: no
        answer("Max", "Max", CONFIDENCE_ITEM_SELF, 4, role="manager", scale_max=None),  # 0.75: yes
    ])
    m = row(survey_by_manager(ws), "Max")
    assert m["reps_agree"] == approx(0.6667)
    assert m["lead_buy_in"] == approx(0.625)
    assert m["lead_survey"] == approx(0.625)
    assert m["self_rating"] == approx(0.5)
    assert m["confidence_gap"] == approx(-0.1667)


def test_subject_manager_and_respondent_ids_are_resolved():
    ws = workspace_with(
        people=[{"person_id": "U1", "name": "Max"}, {"person_id": "U2", "name": "Ann", "manager": "U1"}],
        surveys=[answer("U1", "U1", CONFIDENCE_ITEM_SELF, 5, role=None),  # the manager, by ID: own answer
                 answer("R-9", "U1", CONFIDENCE_ITEM_REP, 2, role=None),
                 answer("R-9", "Max", DIRECTION, 5, role=None)],
    )
    m = row(survey_by_manager(ws), "Max")
    assert m["n_self_ratings"] == 1 and m["self_rating"] == approx(1.0)
    assert m["n_rep_coaching_answers"] == 1 and m["reps_agree"] == approx(0.0)
    assert m["lead_direction"] == approx(1.0) and m["n_respondents"] == 1


def test_a_manager_rating_their_director_is_a_report_not_a_self_rating():
    ws = workspace_with(
        people=[{"name": "Dee"}, {"name": "Max", "manager": "Dee"}, {"name": "Ann", "manager": "Max"}],
        surveys=[answer("Max", "Dee", CONFIDENCE_ITEM_REP, 2, role="manager"),  # Max about Dee
                 answer("Max", "Max", CONFIDENCE_ITEM_SELF, 5, role="manager"),  # Max about himself
                 answer("M-7", "Max", CONFIDENCE_ITEM_SELF, 4, role="Manager")],  # pseudonymous self
    )
    a = answers(ws).set_index("manager")
    assert a.loc["Dee", "is_self"] == False  # noqa: E712
    assert a.loc["Max", "is_self"].tolist() == [True, True]
    m = row(survey_by_manager(ws), "Max")
    assert m["n_self_ratings"] == 2 and m["n_rep_coaching_answers"] == 0


def test_period_filter_on_survey_date(small):
    wave1 = row(survey_by_manager(small, Filters(end=date(2025, 12, 31))), "Max")
    assert wave1["n_self_ratings"] == 1 and wave1["self_rating"] == approx(1.0)
    assert wave1["n_survey_responses"] == 3
    wave2 = row(survey_by_manager(small, Filters(start=date(2026, 1, 1))), "Max")
    assert wave2["n_self_ratings"] == 1 and wave2["n_survey_responses"] == 0
    assert math.isnan(wave2["reps_agree"]) and math.isnan(wave2["confidence_gap"])


def test_region_and_team_filters_through_the_subject_manager():
    people = [*PEOPLE, {"name": "Cid", "manager": "Mia", "region": "APAC", "team": "South"}]
    ws = workspace_with(people=people, surveys=[
        answer("R-1", "Max", DIRECTION, 5),
        answer("R-2", "Mia", DIRECTION, 1),  # Mia has no roster row: her reps' region (APAC) counts
    ])
    emea = survey_by_manager(ws, Filters(regions=("EMEA",)))
    assert emea["manager"].tolist() == ["Max"]
    assert emea.iloc[0]["lead_direction"] == approx(1.0)
    apac = survey_by_manager(ws, Filters(regions=("APAC",), teams=("South",)))
    assert apac["manager"].tolist() == ["Mia"]
    assert apac.iloc[0]["lead_direction"] == approx(0.0) and apac.iloc[0]["n_survey_responses"] == 1
    only = survey_by_manager(ws, Filters(managers=("Mia",)))
    assert only["manager"].tolist() == ["Mia"] and only.iloc[0]["n_survey_responses"] == 1
    assert survey_by_manager(ws, Filters(regions=("' OR 1=1 --",))).empty


def test_managers_own_region_wins_over_their_reps():
    # Max sits in EMEA; one of his reps sits in APAC: his answers follow his own row
    people = [{"name": "Max", "region": "EMEA"}, {"name": "Ann", "manager": "Max", "region": "APAC"},
              {"name": "Ada", "manager": "Max", "region": "EMEA"}]
    ws = workspace_with(people=people, surveys=[answer("R-1", "Max", DIRECTION, 5)])
    assert row(survey_by_manager(ws, Filters(regions=("EMEA",))), "Max")["n_survey_responses"] == 1
    assert row(survey_by_manager(ws, Filters(regions=("APAC",))), "Max")["n_survey_responses"] == 0


# ---------------------------------------------------------------------------------------
# classify_items
# ---------------------------------------------------------------------------------------


def test_classify_items(small):
    ws = workspace_with(people=PEOPLE, surveys=[
        answer("R-1", "Max", DIRECTION, 4), answer("R-2", "Max", DIRECTION, 4),
        answer("R-1", "Max", "I would recommend the canteen", 4),
        answer("Max", "Max", CONFIDENCE_ITEM_SELF, 4, role="manager"),
        answer("R-1", "Max", CONFIDENCE_ITEM_REP, 4), answer("R-1", "Max", MOTIVATION, 4),
        answer("R-1", "Max", BUY_IN, 4),
    ])
    out = classify_items(ws)
    assert list(out.columns) == ["item", "kind", "n_responses"]
    kinds = dict(zip(out["item"], out["kind"], strict=True))
    assert kinds == {DIRECTION: "direction", MOTIVATION: "motivation", BUY_IN: "buy_in",
                     CONFIDENCE_ITEM_REP: "coaching_rep", CONFIDENCE_ITEM_SELF: "coaching_self",
                     "I would recommend the canteen": None}
    assert out.iloc[0]["item"] == DIRECTION and out.iloc[0]["n_responses"] == 2
    assert out["n_responses"].dtype == "int64"
    # the rules are a setting: an unknown item can be taught, and then it counts
    rules = (*Settings().survey_item_rules, (("canteen",), "motivation"))
    taught = dict(zip(*classify_items(ws, Settings(survey_item_rules=rules))[["item", "kind"]].T.values, strict=True))
    assert taught["I would recommend the canteen"] == "motivation"
    assert row(survey_by_manager(ws, settings=Settings(survey_item_rules=rules)), "Max")[
        "n_survey_responses"] == 5


def test_unclassified_items_feed_nothing():
    ws = workspace_with(people=PEOPLE, surveys=[answer("R-1", "Max", "The office coffee is good", 5)])
    m = row(survey_by_manager(ws), "Max")
    for c in SURVEY_METRICS:
        assert math.isnan(m[c]), c
    assert m["n_survey_responses"] == 0


# ---------------------------------------------------------------------------------------
# retention_by_manager
# ---------------------------------------------------------------------------------------

DATED = [
    {"name": "Ann", "manager": "Max", "start_date": "2020-01-01"},  # in post all year
    {"name": "Ada", "manager": "Max", "start_date": "2021-01-01", "end_date": "2025-06-30"},  # leaves
    {"name": "Abe", "manager": "Max", "start_date": "2026-02-01"},  # joins after the period
    {"name": "Ari", "manager": "Max", "start_date": "2019-01-01", "end_date": "2024-05-01"},  # left before
    {"name": "Bob", "manager": "Mia", "start_date": "2022-01-01"},
]
YEAR = Filters(start=date(2025, 1, 1), end=date(2025, 12, 31))


def test_retention_with_roster_dates():
    ws = workspace_with(people=DATED)
    out = retention_by_manager(ws, YEAR)
    assert list(out.columns) == RETENTION_COLUMNS
    assert out["manager"].tolist() == ["Max", "Mia"]
    m = row(out, "Max")
    assert m["n_reps_in_period"] == 2 and m["n_leavers"] == 1
    assert m["retention"] == approx(0.5)
    assert row(out, "Mia")["retention"] == approx(1.0)
    assert out["n_reps_in_period"].dtype == "int64" and out["n_leavers"].dtype == "int64"


def test_retention_period_defaults_to_the_data_span():
    # the evidence runs from 2024-01-15 to 2025-09-01: Ari (left 2024-05-01) and Ada both leave in it
    ws = workspace_with(people=DATED, coaching_sessions=[
        {"manager": "Max", "rep": "Ann", "session_date": "2024-01-15"},
        {"manager": "Max", "rep": "Ann", "session_date": "2025-09-01"}])
    m = row(retention_by_manager(ws), "Max")
    assert m["n_reps_in_period"] == 3 and m["n_leavers"] == 2  # Abe starts after the span
    assert m["retention"] == approx(0.3333)


def test_retention_without_roster_dates_is_not_measured():
    ws = workspace_with(people=[{"name": "Ann", "manager": "Max"}, {"name": "Bob", "manager": "Mia"}])
    out = retention_by_manager(ws, YEAR)
    assert out["manager"].tolist() == ["Max", "Mia"]
    assert out["retention"].isna().all() and out["retention"].dtype == "float64"
    assert out["n_reps_in_period"].tolist() == [1, 1] and out["n_leavers"].tolist() == [0, 0]


def test_retention_region_filter():
    ws = workspace_with(people=[{**p, "region": "EMEA" if p["manager"] == "Max" else "APAC"} for p in DATED])
    out = retention_by_manager(ws, YEAR.with_(regions=("APAC",)))
    assert out["manager"].tolist() == ["Mia"]
    assert out.iloc[0]["n_reps_in_period"] == 1


# ---------------------------------------------------------------------------------------
# The demo's planted truths
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_survey(demo_ws, truth) -> pd.DataFrame:
    return survey_by_manager(demo_ws).assign(archetype=lambda d: d["manager"].map(truth["managers"]))


def test_demo_items_are_all_classified(demo_ws):
    kinds = dict(zip(*classify_items(demo_ws)[["item", "kind"]].T.values, strict=True))
    assert kinds == {DIRECTION: "direction", MOTIVATION: "motivation", BUY_IN: "buy_in",
                     CONFIDENCE_ITEM_REP: "coaching_rep", CONFIDENCE_ITEM_SELF: "coaching_self"}


def test_demo_overconfident_managers_have_the_largest_gaps(demo_survey, truth):
    overconfident = {m for m, a in truth["managers"].items() if a == "overconfident"}
    ranked = demo_survey.sort_values("confidence_gap", ascending=False)["manager"].tolist()
    assert set(ranked[:3]) == overconfident
    assert ranked[0] == truth["primary"]["overconfident"]
    assert demo_survey["confidence_gap"].notna().all()


def test_demo_motivators_have_the_highest_lead_survey(demo_survey):
    by_type = demo_survey.groupby("archetype")["lead_survey"].mean()
    assert by_type.idxmax() == "motivator"
    assert demo_survey["n_survey_responses"].gt(0).all()


def test_demo_retention_counts_every_leaver(demo_ws, truth):
    out = retention_by_manager(demo_ws)
    assert int(out["n_leavers"].sum()) == len(truth["leavers"])
    assert out["retention"].notna().all()
    by_type = out.assign(archetype=out["manager"].map(truth["managers"])).groupby("archetype")["retention"].mean()
    assert by_type.idxmax() == "motivator"


# ---------------------------------------------------------------------------------------
# over-confidence: a flag with its interval and its n (issue 19)
# ---------------------------------------------------------------------------------------


def team(manager: str, n_reps: int, n_agree: int, waves=(WAVE, "2026-03-13"), scale_max=5, self_score=5,
         agree=4, disagree=2) -> list[dict]:
    """A manager's self-answers and their reps' coaching answers, the same reps every wave."""
    rows = [answer(manager, manager, CONFIDENCE_ITEM_SELF, self_score, role="manager", scale_max=scale_max, when=w)
            for w in waves]
    for w in waves:
        rows += [answer(f"R-{manager}-{i}", manager, CONFIDENCE_ITEM_REP, agree if i < n_agree else disagree,
                        scale_max=scale_max, when=w) for i in range(n_reps)]
    return rows


def people_for(*managers_and_sizes) -> list[dict]:
    out = []
    for m, n in managers_and_sizes:
        out += [{"name": m}] + [{"name": f"{m} rep {i}", "manager": m} for i in range(n)]
    return out


def test_over_confidence_reads_the_interval_not_the_point():
    ws = workspace_with(people=people_for(("Clear", 10), ("Fine", 10), ("Few", 3), ("Edge", 10)),
                        surveys=[*team("Clear", 10, 1), *team("Fine", 10, 8), *team("Few", 3, 1), *team("Edge", 10, 5)])
    out = survey_by_manager(ws).set_index("manager")
    # each rep answered two waves: counted once on the reps' side
    assert out.loc["Clear", "n_rep_coaching_answers"] == 20 and out.loc["Clear", "n_rep_coaching_respondents"] == 10
    for m in out.index:
        assert out.loc[m, "confidence_gap_low"] <= out.loc[m, "confidence_gap"] <= out.loc[m, "confidence_gap_high"]
    assert out.loc["Clear", "over_confident"] is True  # gap 0.9, interval wholly above 0.4
    assert out.loc["Fine", "over_confident"] is False  # gap 0.2, interval wholly below
    # gap 0.67 on 3 reps: the interval straddles 0.4 and 3 reps are too few to say no
    assert out.loc["Few", "confidence_gap"] == approx(0.6667) and out.loc["Few", "over_confident"] is None
    # gap 0.5 on 10 reps: above the bar as a point, not clearly: the old rule (gap > 0.25) flagged it
    assert out.loc["Edge", "confidence_gap"] == approx(0.5) and out.loc["Edge", "over_confident"] is False


def test_over_confidence_settings_move_the_flag():
    ws = workspace_with(people=people_for(("Edge", 10), ("Few", 3)),
                        surveys=[*team("Edge", 10, 5), *team("Few", 3, 1)])
    loose = survey_by_manager(ws, settings=Settings(overconfidence_min_gap=0.2)).set_index("manager")
    assert loose.loc["Edge", "over_confident"] is True
    wide = survey_by_manager(ws, settings=Settings(overconfidence_confidence=0.99)).set_index("manager")
    base = survey_by_manager(ws).set_index("manager")
    assert wide.loc["Edge", "confidence_gap_low"] < base.loc["Edge", "confidence_gap_low"]
    few = survey_by_manager(ws, settings=Settings(overconfidence_min_answers=3)).set_index("manager")
    assert few.loc["Few", "over_confident"] is False  # 3 reps now count as enough to say "not clearly"


def test_over_confidence_without_one_side_is_not_measured(small):
    ws = workspace_with(people=people_for(("Self", 4), ("Reps", 4)),
                        surveys=[*team("Self", 0, 0), *[a for a in team("Reps", 8, 1) if a["respondent_role"] == "rep"]])
    out = survey_by_manager(ws).set_index("manager")
    for m in ("Self", "Reps"):
        assert math.isnan(out.loc[m, "confidence_gap_low"]) and math.isnan(out.loc[m, "confidence_gap_high"])
        assert out.loc[m, "over_confident"] is None
    assert row(survey_by_manager(small), "Mia")["over_confident"] is None


@pytest.mark.parametrize("scale_max, agree, disagree", [(5, 4, 2), (7, 6, 3), (10, 8, 4)])
def test_planted_over_confidence_on_varied_scales_and_team_sizes(scale_max, agree, disagree):
    """Managers planted as in the demo (reps agreeing 90%, 62%, 50% or 45% of the time; the
    over-confident 24%), teams of 5 to 12 reps, two waves: every planted one is flagged, and
    (precision ≥ 0.9) almost nobody else; the old point rule (gap > 0.25) flagged most of them."""
    import numpy as np

    rng = np.random.default_rng(scale_max)
    plants = {}
    rows, people = [], []
    for i in range(40):
        m = f"M{i:02d}"
        over = i % 5 == 0
        share = 0.24 if over else (0.9, 0.62, 0.5, 0.45)[i % 4]
        n = int(rng.integers(5, 13))
        plants[m] = over
        people += people_for((m, n))
        for w in (WAVE, "2026-03-13"):
            rows.append(answer(m, m, CONFIDENCE_ITEM_SELF, scale_max, role="manager", scale_max=scale_max, when=w))
            k = int(round(share * n))
            yes = set(rng.choice(n, size=k, replace=False).tolist())
            rows += [answer(f"R-{m}-{j}", m, CONFIDENCE_ITEM_REP, agree if j in yes else disagree,
                            scale_max=scale_max, when=w) for j in range(n)]
    out = survey_by_manager(workspace_with(people=people, surveys=rows))
    truth = out["manager"].map(plants)
    flagged = out["over_confident"].eq(True)
    assert (flagged & truth).sum() == truth.sum()  # full recall
    assert (flagged & truth).sum() / flagged.sum() >= 0.9
    assert (out["confidence_gap"] > 0.25).sum() > 2 * truth.sum()  # what the old rule would have flagged


def test_demo_flags_exactly_the_planted_over_confident_managers(demo_survey, truth):
    overconfident = {m for m, a in truth["managers"].items() if a == "overconfident"}
    assert set(demo_survey.loc[demo_survey["over_confident"].eq(True), "manager"]) == overconfident
    assert demo_survey["over_confident"].notna().all()  # every demo team is large enough to say no
