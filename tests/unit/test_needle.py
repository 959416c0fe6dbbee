"""What moves the needle (analytics.results.needle): hand-solved Spearman links across reps."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.results import needle
from tests.factories import workspace_with
from tests.unit.test_kpis import ACTIVITIES, HISTORY, OPPS, PEOPLE, QUOTAS

Z = 1.959963984540054


def hand_interval(rho: float, n: int) -> tuple[float, float]:
    """Fisher z by hand: z = ½ ln((1 + ρ) / (1 − ρ)), se = √(1.06 / (n − 3))."""
    z = 0.5 * math.log((1 + rho) / (1 - rho))
    se = math.sqrt(1.06 / (n - 3))
    return math.tanh(z - Z * se), math.tanh(z + Z * se)


# ------------------------------------------------------------------------- one link
def test_spearman_on_five_reps_by_hand():
    # ranks x 1 2 3 4 5, y 2 1 4 3 5: d² = 1 + 1 + 1 + 1 + 0 = 4, ρ = 1 − 6·4 / (5·24) = 0.8
    x = pd.Series([10.0, 20.0, 30.0, 40.0, 50.0])
    y = pd.Series([0.2, 0.1, 0.4, 0.3, 0.5])
    r = needle.link(x, y, "win_rate", "revenue", min_n=5)
    assert r["measured"] and r["n"] == 5
    assert r["rho"] == pytest.approx(0.8)
    lo, hi = hand_interval(0.8, 5)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((lo, hi))
    assert r["strength"] == "strong"
    assert r["sentence"] == ("Reps with higher win rate tend to have higher revenue (ρ = 0.80, n = 5); "
                             "this is an association, not proof that one causes the other. "
                             f"The 95% interval ({lo:.2f} to {hi:.2f}) includes no link at all.".replace("-", "−"))
    # the default needs eight reps
    short = needle.link(x, y, "win_rate", "revenue")
    assert not short["measured"] and short["strength"] == "not measured" and math.isnan(short["rho"])
    assert short["reason"] == "Only 5 reps have both win rate and revenue; at least 8 are needed."


def test_link_words_direction_and_missing_values():
    x = pd.Series(range(10), dtype=float)
    down = needle.link(x, -x, "activities_per_opportunity", "stage_conversion")
    assert down["rho"] == pytest.approx(-1.0) and (down["ci_low"], down["ci_high"]) == (-1.0, -1.0)
    assert down["strength"] == "strong"
    assert down["sentence"].startswith("Reps with more activities per opportunity tend to have lower stage conversion")
    flat = needle.link(x, pd.Series([1.0] * 10), "win_rate", "revenue")
    assert not flat["measured"] and "same revenue" in flat["reason"]
    gaps = needle.link(pd.Series([1, 2, None, 4, 5, 6, 7, 8, 9]), pd.Series([1, 2, 3, 4, None, 6, 7, 8, 9]),
                       "win_rate", "revenue")
    assert gaps["n"] == 7 and not gaps["measured"]                  # a rep without both numbers is left out
    assert [needle.strength_label(r) for r in (0.0, 0.19, -0.2, 0.39, 0.4, -0.59, 0.6, 1.0)] == [
        "no clear link", "no clear link", "weak", "weak", "moderate", "moderate", "strong", "strong"]


def test_no_clear_link_is_said_plainly():
    # ranks 1..8 against 3 8 1 7 2 6 5 4: d² = 4 + 36 + 4 + 9 + 9 + 0 + 4 + 16 = 82, ρ = 1 − 492/504 ≈ 0.024
    x = pd.Series([1, 2, 3, 4, 5, 6, 7, 8], dtype=float)
    y = pd.Series([3, 8, 1, 7, 2, 6, 5, 4], dtype=float)
    d2 = sum((a - b) ** 2 for a, b in zip(x, y, strict=True))
    r = needle.link(x, y, "stage_conversion", "win_rate")
    assert d2 == 82 and r["rho"] == pytest.approx(1 - 6 * 82 / (8 * 63))
    assert r["strength"] == "no clear link"
    assert r["sentence"].startswith("Across these reps, stage conversion and win rate show no clear link (ρ = ")
    assert "cause" not in r["sentence"]


# ------------------------------------------------------------------------- the chain on eight reps
# Rep i (1..8) created 9 − i deals: one won, 8 − i lost; won amount 100 × [2 1 4 3 6 5 8 7][i];
# activities per opportunity [3 1 2 5 4 7 8 6][i].
REVENUE_RANK = [2, 1, 4, 3, 6, 5, 8, 7]
ACT_PER_OPP = [3, 1, 2, 5, 4, 7, 8, 6]


@pytest.fixture(scope="module")
def eight():
    people = [{"name": "Mo", "region": "North"}] + [
        {"name": f"R{i}", "manager": "Mo", "region": "North" if i <= 4 else "South"} for i in range(1, 9)]
    opps, acts = [], []
    for i in range(1, 9):
        lost = 8 - i
        opps.append({"opportunity_id": f"R{i}-won", "owner": f"R{i}", "amount": 100 * REVENUE_RANK[i - 1],
                     "stage": "Closed Won", "is_closed": True, "is_won": True,
                     "created_date": "2025-01-02", "close_date": "2025-02-03"})
        opps += [{"opportunity_id": f"R{i}-lost{j}", "owner": f"R{i}", "amount": 50, "stage": "Closed Lost",
                  "is_closed": True, "is_won": False, "created_date": "2025-01-02", "close_date": "2025-02-03"}
                 for j in range(lost)]
        acts += [{"owner": f"R{i}", "activity_date": "2025-01-10", "activity_type": "Call"}
                 for _ in range(ACT_PER_OPP[i - 1] * (lost + 1))]
    w = workspace_with(people=people, opportunities=opps, activities=acts)
    yield w
    w.close()


def test_chain_on_eight_reps_by_hand(eight):
    chain = needle.needle_chain(eight)
    per = chain.reps.set_index("rep")
    assert per.loc["R1", "activities"] == 24 and per.loc["R1", "n_opportunities"] == 8
    assert per.loc["R1", "activities_per_opportunity"] == 3
    assert per.loc["R1", "stage_conversion"] == pytest.approx(1 / 8)        # no stage history: won ÷ created
    assert (per["conversion_basis"] == "won ÷ created").all()
    assert per.loc["R1", "win_rate"] == pytest.approx(1 / 8) and per.loc["R1", "revenue"] == 200
    links = chain.links.set_index("x")
    # activities/opp ranks 3 1 2 5 4 7 8 6 against conversion ranks 1..8: d² = 14
    a = links.loc["activities_per_opportunity"]
    assert a["measured"] and a["n"] == 8
    assert a["rho"] == pytest.approx(1 - 6 * 14 / (8 * 63))
    assert (a["ci_low"], a["ci_high"]) == pytest.approx(hand_interval(1 - 84 / 504, 8))
    # without stage history the conversion is won ÷ created: it shares its denominator with activities
    # per opportunity and its numerator with win rate, so both links are linked by definition (issue 20)
    assert a["by_definition"] and a["shared"] == "opportunities created"
    assert a["strength"] == "linked by definition"
    assert a["sentence"] == ("Activities per opportunity and stage conversion are linked by definition: both are "
                             "built from opportunities created, so their correlation (ρ = 0.83, n = 8) is largely "
                             "built in, not a finding about reps. A stage history export would measure stage "
                             "conversion from stages.")
    assert a["computed_from"] == ("activities per opportunity (activities logged ÷ opportunities created) and stage "
                                  "conversion (won deals ÷ opportunities created)")
    # every deal closed, so won ÷ created is the win rate itself
    assert links.loc["stage_conversion", "rho"] == pytest.approx(1.0)
    assert links.loc["stage_conversion", "shared"] == "won deals"
    assert not links.loc["win_rate", "by_definition"]
    # win-rate ranks 1..8 against revenue ranks 2 1 4 3 6 5 8 7: d² = 8
    w = links.loc["win_rate"]
    assert w["rho"] == pytest.approx(1 - 6 * 8 / (8 * 63))
    assert w["p_value"] < 0.01 and w["strength"] == "strong"
    assert list(chain.links["link"]) == ["activities per opportunity → stage conversion",
                                         "stage conversion → win rate", "win rate → revenue"]
    assert chain.links["n"].dtype == "int64"


def test_a_filter_narrows_the_reps_and_then_the_chain_is_not_measured(eight):
    chain = needle.needle_chain(eight, Filters(regions=("South",)))
    assert sorted(chain.reps["rep"]) == ["R5", "R6", "R7", "R8"]
    assert not chain.links["measured"].any()
    assert chain.links["reason"].str.startswith("Only 4 reps have both").all()


def test_stage_history_basis_and_missing_activity_evidence():
    ws = workspace_with(people=PEOPLE, opportunities=OPPS, quotas=QUOTAS, stage_history=HISTORY,
                        activities=ACTIVITIES)
    per = needle.rep_chain(ws).set_index("rep")
    assert (per["conversion_basis"] == "stage history").all()
    # Ann: a1, a2, a4 advanced past their first stage, a3 went straight to lost; a5 has no history
    assert (per.loc["Ann", "n_with_history"], per.loc["Ann", "n_advanced"]) == (4, 3)
    assert per.loc["Ann", "stage_conversion"] == pytest.approx(0.75)
    assert per.loc["Ann", "activities_per_opportunity"] == pytest.approx(13 / 5)
    assert per.loc["Bob", "stage_conversion"] == 1.0                           # b1 only
    assert math.isnan(per.loc["Cat", "stage_conversion"])                      # no history for Cat's deals
    assert math.isnan(per.loc["Cat", "activities"])                            # logs nothing: not 0
    links = needle.needle_chain(ws).links
    assert links["reason"].iloc[0] == ("Only 2 reps have both activities per opportunity and stage conversion; "
                                       "at least 8 are needed.")
    ws.close()
