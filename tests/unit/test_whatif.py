"""What-if (analytics.results.whatif): the velocity baseline, goal seek and quota scenarios, hand-solved.

The identity per quarter: revenue = opportunities × win rate × deal size, and at the same
deals in play revenue scales with current cycle ÷ new cycle.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from analytics.filters import Filters
from analytics.results import whatif as w
from analytics.settings import Settings
from tests.factories import workspace_with

BASE = w.VelocityBaseline(opportunities=100, win_rate=0.2, deal_size=10_000, cycle_days=90,
                          actual_revenue_per_quarter=200_000)


def implied(frame, base=BASE) -> float:
    """Revenue per quarter with the needed values in place of the current ones."""
    v = {k: base.lever(k) for k in w.LEVERS}
    v.update(dict(zip(frame["lever"], frame["needed"], strict=True)))
    return v["opportunities"] * v["win_rate"] * v["deal_size"] * base.cycle_days / v["cycle_days"]


# ------------------------------------------------------------------------------ goal seek
def test_baseline_revenue_is_the_identity():
    assert BASE.revenue_per_quarter == 200_000
    assert BASE.avg_deal_size == 10_000


def test_goal_seek_win_rate_alone():
    g = w.goal_seek(BASE, 250_000, "win_rate")
    assert g.columns.tolist() == w.GOAL_COLUMNS
    assert g[["lever", "current", "needed", "change_pct", "feasible"]].values.tolist() == [
        ["win_rate", 0.2, pytest.approx(0.25), pytest.approx(25.0), True]]
    assert g["note"].iat[0] == "Win rate from 20.0% to 25.0% (+25.0%)."
    assert g.attrs["ratio"] == pytest.approx(1.25) and g.attrs["base_revenue"] == 200_000
    assert g.attrs["note"].startswith("To reach 250,000 a quarter (from 200,000, +25.0%) with everything else unchanged")


@pytest.mark.parametrize(("lever", "needed", "change"), [
    ("opportunities", 125, 25.0), ("deal_size", 12_500, 25.0),
    # cycle length moves inversely: 90 days × 200k / 250k = 72 days
    ("cycle_days", 72, -20.0),
])
def test_goal_seek_each_lever_alone(lever, needed, change):
    g = w.goal_seek(BASE, 250_000, lever)
    assert g["needed"].iat[0] == pytest.approx(needed)
    assert g["change_pct"].iat[0] == pytest.approx(change)
    assert bool(g["feasible"].iat[0])
    assert implied(g) == pytest.approx(250_000)


def test_goal_seek_even_mix_of_three_levers():
    g = w.goal_seek(BASE, 250_000, "mix", mix_weights={"opportunities": 1, "win_rate": 1, "deal_size": 1})
    f = 1.25 ** (1 / 3)
    assert g["lever"].tolist() == ["opportunities", "win_rate", "deal_size"]
    assert g["needed"].tolist() == pytest.approx([100 * f, 0.2 * f, 10_000 * f])
    assert g["change_pct"].tolist() == pytest.approx([(f - 1) * 100] * 3)
    assert f ** 3 == pytest.approx(1.25) and implied(g) == pytest.approx(250_000)
    assert "each of the 3 levers moves by the same factor 1.077" in g.attrs["note"]


def test_goal_seek_default_mix_moves_all_four_and_cycle_inversely():
    g = w.goal_seek(BASE, 250_000, "mix")
    f = 1.25 ** (1 / 4)
    assert g["lever"].tolist() == list(w.LEVERS)
    assert g["needed"].tolist() == pytest.approx([100 * f, 0.2 * f, 10_000 * f, 90 / f])
    assert implied(g) == pytest.approx(250_000)
    assert "(cycle length divided by it)" in g.attrs["note"]


def test_goal_seek_weighted_mix():
    g = w.goal_seek(BASE, 250_000, "mix", mix_weights={"win_rate": 2, "deal_size": 1, "cycle_days": 0})
    assert g["lever"].tolist() == ["win_rate", "deal_size"]
    assert g["needed"].tolist() == pytest.approx([0.2 * 1.25 ** (2 / 3), 10_000 * 1.25 ** (1 / 3)])
    assert implied(g) == pytest.approx(250_000)
    assert "in proportion to their weights" in g.attrs["note"]


def test_goal_seek_infeasible_win_rate_and_cycle():
    g = w.goal_seek(BASE, 1_200_000, "win_rate")  # 0.2 × 6 = 1.2
    assert g["needed"].iat[0] == pytest.approx(1.2) and not g["feasible"].iat[0]
    assert "above 100%: not possible" in g["note"].iat[0] and "Not feasible: win rate." in g.attrs["note"]
    # exactly 100% is still possible
    assert bool(w.goal_seek(BASE, 1_000_000, "win_rate")["feasible"].iat[0])
    g = w.goal_seek(BASE, 200_000 * 100, "cycle_days")  # 90 / 100 = 0.9 days
    assert g["needed"].iat[0] == pytest.approx(0.9) and not g["feasible"].iat[0]
    # in a mix, only the lever past its limit is infeasible
    g = w.goal_seek(BASE, 200_000 * 36, "mix", mix_weights={"win_rate": 1, "deal_size": 1})  # f = 6
    assert g["feasible"].tolist() == [False, True]


def test_goal_seek_below_the_baseline_and_bad_inputs():
    g = w.goal_seek(BASE, 160_000, "opportunities")
    assert g["needed"].iat[0] == pytest.approx(80) and g["change_pct"].iat[0] == pytest.approx(-20)
    for bad in (0, -5, float("nan")):
        with pytest.raises(ValueError):
            w.goal_seek(BASE, bad, "win_rate")
    with pytest.raises(ValueError):
        w.goal_seek(BASE, 250_000, "price")
    with pytest.raises(ValueError):
        w.goal_seek(BASE, 250_000, "mix", mix_weights={"price": 1})
    with pytest.raises(ValueError):
        w.goal_seek(BASE, 250_000, "mix", mix_weights={"win_rate": 0})


def test_goal_seek_without_a_baseline_or_a_lever():
    empty = w.VelocityBaseline(opportunities=np.nan, win_rate=np.nan, deal_size=np.nan, cycle_days=np.nan)
    g = w.goal_seek(empty, 250_000, "win_rate")
    assert np.isnan(g["needed"].iat[0]) and not g["feasible"].iat[0]
    assert g.attrs["note"].startswith("Goal seek cannot start: no revenue actually won")
    no_cycle = w.VelocityBaseline(opportunities=100, win_rate=0.2, deal_size=10_000, cycle_days=np.nan,
                                  actual_revenue_per_quarter=200_000)
    g = w.goal_seek(no_cycle, 250_000, "mix")
    # the unmeasured cycle is left out: the other three share the change
    assert g["needed"].tolist()[:3] == pytest.approx([100 * 1.25 ** (1 / 3), 0.2 * 1.25 ** (1 / 3),
                                                      10_000 * 1.25 ** (1 / 3)])
    assert np.isnan(g["needed"].iat[3]) and "left out: cycle length (days)" in g.attrs["note"]


# ------------------------------------------------------------------------------ baseline from data
def opp(owner: str, created: str, stage: str = "Prospecting", close: str | None = None, amount: float = 1_000,
        segment: str = "SMB") -> dict:
    closed = stage.startswith("Closed")
    return {"owner": owner, "stage": stage, "is_closed": closed, "is_won": stage == "Closed Won", "amount": amount,
            "created_date": created, "close_date": close, "segment": segment}


@pytest.fixture(scope="module")
def velocity_ws():
    """Ten deals created in 2025-Q1 (6) and Q2 (4), all SMB: two won (10k in 30 days, 30k in 60),
    three lost, five open (one with an expected close date, which is not a close)."""
    opps = [
        opp("Ann", "2025-01-10", "Closed Won", "2025-02-09", 10_000),
        opp("Ann", "2025-02-01", "Closed Won", "2025-04-02", 30_000),
        opp("Ann", "2025-01-15", "Closed Lost", "2025-03-01"),
        opp("Bob", "2025-02-15", "Closed Lost", "2025-05-01"),
        opp("Bob", "2025-03-01", "Closed Lost", "2025-06-01"),
        opp("Ann", "2025-03-10"), opp("Bob", "2025-04-10"), opp("Bob", "2025-05-10"),
        opp("Ann", "2025-06-10"), opp("Bob", "2025-06-20", close="2025-09-30"),
    ]
    people = [{"name": "Max"}, {"name": "Ann", "manager": "Max"}, {"name": "Bob", "manager": "Max"}]
    return workspace_with(people=people, opportunities=opps)


def test_velocity_baseline_hand_computed(velocity_ws):
    b = w.velocity_baseline(velocity_ws)
    assert (b.n_created, b.n_quarters_created, b.n_won, b.n_lost, b.n_quarters_closed) == (10, 2, 2, 3, 2)
    assert b.opportunities == 5 and b.win_rate == pytest.approx(0.4)
    assert b.deal_size == 20_000 and b.cycle_days == pytest.approx(45)
    assert b.revenue_per_quarter == pytest.approx(40_000)  # 5 × 0.4 × 20,000
    assert b.won_revenue == 40_000 and b.actual_revenue_per_quarter == pytest.approx(20_000)
    assert b.note.startswith("Goal seek starts from the revenue actually won: 20,000 a quarter (40,000 over 2 quarters).")
    assert "implies 40,000 a quarter, 100% above what was won" in b.note and "45 days" in b.note
    assert b.missing == ()
    assert "created per quarter" in b.opportunities_basis
    assert (b.start, b.end) == (date(2025, 1, 10), date(2025, 6, 20))
    frame = b.as_frame()
    assert frame.loc[frame["measure"].str.startswith("Revenue per quarter implied"), "value"].iat[0] == 40_000


def test_velocity_baseline_follows_the_period_and_people(velocity_ws):
    year = w.velocity_baseline(velocity_ws, Filters(start=date(2025, 1, 1), end=date(2025, 12, 31)))
    assert b_tuple(year) == (10, 4, 2, 3) and year.opportunities == 2.5
    q1 = w.velocity_baseline(velocity_ws, Filters(start=date(2025, 1, 1), end=date(2025, 3, 31)))
    # created in Q1: 6; closed in Q1: one won (10k, 30 days) and one lost
    assert b_tuple(q1) == (6, 1, 1, 1) and q1.win_rate == 0.5 and q1.deal_size == 10_000 and q1.cycle_days == 30
    assert w.velocity_baseline(velocity_ws, Filters(managers=("Max",))).n_created == 10
    assert w.velocity_baseline(velocity_ws, Filters(managers=("Mia",))).n_created == 0
    none = w.velocity_baseline(velocity_ws, Filters(segments=("Enterprise",)))
    assert none.n_created == 0 and np.isnan(none.revenue_per_quarter)
    assert none.note.startswith("Goal seek cannot start: no deal was won in the period.")
    assert "no opportunities created per quarter (no deal has a created date in the period)" in none.note
    g = w.goal_seek(none, 10_000, "win_rate")
    assert np.isnan(g["needed"].iat[0]) and not g["feasible"].iat[0]
    assert g.attrs["note"] == "Goal seek cannot start: no deal was won in the period."


def test_goal_seek_starts_from_the_revenue_actually_won(velocity_ws):
    """Before: the ratio was target ÷ the identity's 40,000, twice what was won (20,000 a quarter)."""
    b = w.velocity_baseline(velocity_ws)
    g = w.goal_seek(b, 30_000, "win_rate")
    assert g.attrs["base_revenue"] == 20_000 and g.attrs["ratio"] == pytest.approx(1.5)
    assert g["needed"].iat[0] == pytest.approx(0.6)  # 40% × 30,000 ÷ 20,000
    assert g.attrs["note"].startswith("To reach 30,000 a quarter (from 20,000, +50.0%)")


@pytest.mark.parametrize("shape", ["blank", "no-column"])
def test_goal_seek_refuses_the_levers_that_need_created_dates_and_says_why(shape):
    """Deals without created dates: no opportunities per quarter and no cycle length. Goal seek still
    starts from what was won, refuses those two levers with the reason, and never shows nan or inf."""
    opps = [opp("Ann", "2025-01-10", "Closed Won", "2025-02-09", 10_000),
            opp("Ann", "2025-02-01", "Closed Won", "2025-04-02", 30_000),
            opp("Bob", "2025-02-15", "Closed Lost", "2025-05-01"), opp("Bob", "2025-03-01")]
    for o in opps:
        if shape == "no-column":
            del o["created_date"]
        else:
            o["created_date"] = None
    ws = workspace_with(people=[{"name": "Max"}, {"name": "Ann", "manager": "Max"}, {"name": "Bob", "manager": "Max"}],
                        opportunities=opps)
    b = w.velocity_baseline(ws)
    assert b.actual_revenue_per_quarter == pytest.approx(20_000) and b.win_rate == pytest.approx(2 / 3)
    assert dict(b.missing) == {"opportunities": "no deal has a created date in the period",
                               "cycle_days": "the won deals have no created date"}
    texts = [b.note]
    for lever in ("opportunities", "cycle_days"):
        g = w.goal_seek(b, 30_000, lever)
        assert np.isnan(g["needed"].iat[0]) and not g["feasible"].iat[0]
        assert g.attrs["note"].startswith("Goal seek cannot reach 30,000 a quarter")
        assert dict(b.missing)[lever] in g.attrs["note"]
        texts += [g.attrs["note"], *g["note"]]
    g = w.goal_seek(b, 30_000, "win_rate")
    assert g["needed"].iat[0] == pytest.approx(1.0) and g["feasible"].iat[0]
    mix = w.goal_seek(b, 30_000, "mix")
    assert "left out: opportunities created per quarter (no deal has a created date in the period)" in mix.attrs["note"]
    texts += [g.attrs["note"], mix.attrs["note"], *mix["note"]]
    for t in texts:
        assert "nan" not in t.lower().split() and "inf" not in t.lower() and "(nan" not in t.lower()
    assert "The identity cannot be computed on this selection: no opportunities created per quarter" in b.note


def test_goal_seek_on_the_salesforce_dev_org_export_refuses_the_cycle_with_its_reason(real_data):
    """Its created dates are the load date, after every close: before, the note read "(nan days)"."""
    from analytics.ingest.pipeline import import_directory
    from analytics.store.workspace import Workspace

    ws = Workspace()
    try:
        import_directory(ws, real_data / "salesforce-devorg-export")
        b = w.velocity_baseline(ws)
    finally:
        ws.close()
    assert b.n_won == 12 and b.won_revenue == 2_815_000 and b.n_quarters_closed == 9
    assert g_start(b) == pytest.approx(2_815_000 / 9)
    assert dict(b.missing)["cycle_days"].startswith("none of the 12 won deals closes on or after its created date")
    # created dates after every close do not date the opportunities: no identity, so no "+1520%"
    assert dict(b.missing)["opportunities"].startswith("none of the 12 won deals closes on or after")
    assert "nan" not in b.note.lower() and "%" not in b.note
    assert "The identity cannot be computed on this selection: no opportunities created per quarter" in b.note
    assert w.goal_seek(b, 400_000, "win_rate")["needed"].iat[0] == pytest.approx(0.6 * 400_000 / (2_815_000 / 9))
    g = w.goal_seek(b, 400_000, "cycle_days")
    assert np.isnan(g["needed"].iat[0]) and "cycle length (days) is not measured (none of the 12" in g.attrs["note"]
    assert "nan" not in g.attrs["note"].lower()


def g_start(b: w.VelocityBaseline) -> float:
    return w.goal_seek(b, 1.0, "win_rate").attrs["base_revenue"]


def b_tuple(b: w.VelocityBaseline) -> tuple[int, int, int, int]:
    return b.n_created, b.n_quarters_created, b.n_won, b.n_lost


# ------------------------------------------------------------------------------ quota scenario
@pytest.fixture(scope="module")
def quota_ws():
    """Max's reps at 0.9, 1.0 and 1.2 (team 310k / 300k = 1.033); Mia's Dan at 0.8; Eve has no quota."""
    reps = {"Ann": ("Max", 90_000), "Bob": ("Max", 100_000), "Cat": ("Max", 120_000), "Dan": ("Mia", 80_000)}
    people = [{"name": "Max"}, {"name": "Mia"}, {"name": "Eve", "manager": "Mia"}]
    people += [{"name": r, "manager": m} for r, (m, _) in reps.items()]
    quotas = [{"owner": r, "period_start": "2025-01-01", "period_end": "2025-12-31", "amount": 100_000} for r in reps]
    # Eve's deal closes on the quota year's last day: the data reaches its end, so the year is judged
    opps = [{"owner": r, "stage": "Closed Won", "is_closed": True, "is_won": True, "amount": a,
             "close_date": "2025-06-15", "created_date": "2025-03-01"} for r, (_, a) in reps.items()]
    opps.append({"owner": "Eve", "stage": "Closed Won", "is_closed": True, "is_won": True, "amount": 50_000,
                 "close_date": "2025-12-31", "created_date": "2025-03-01"})
    return workspace_with(people=people, quotas=quotas, opportunities=opps)


def test_quota_scenario_ten_percent_lower(quota_ws):
    s = w.quota_scenario(quota_ws, Filters(), Settings(), -10)
    assert (s.reps_at_plan_before, s.reps_at_plan_after) == (2, 3)  # Ann's 0.9 becomes exactly 1.0
    assert (s.managers_at_plan_before, s.managers_at_plan_after) == (1, 1)
    assert (s.n_reps, s.n_managers, s.n_reps_without_quota) == (4, 2, 1)
    r = s.reps.set_index("rep")
    assert r.loc["Ann", "quota_after"] == pytest.approx(90_000)
    assert r.loc["Ann", "attainment_after"] == pytest.approx(1.0) and r.loc["Ann", "at_plan_after"]
    assert r.loc["Dan", "attainment_after"] == pytest.approx(0.8 / 0.9) and not r.loc["Dan", "at_plan_after"]
    m = s.managers.set_index("manager")
    assert m.loc["Max", "attainment"] == pytest.approx(310 / 300)
    assert m.loc["Mia", "attainment_after"] == pytest.approx(80 / 90)
    assert s.sentence.startswith("With quotas -10%: 3 of 4 reps at plan (now 2) and 1 of 2 managers (now 1)")
    assert s.counts().values.tolist() == [["reps", 4, 2, 3], ["managers", 2, 1, 1]]


def test_quota_scenario_higher_quotas_and_plan_setting(quota_ws):
    s = w.quota_scenario(quota_ws, change_pct=20)
    assert s.reps["at_plan_after"].sum() == 1  # only Cat: 1.2 / 1.2 = 1.0
    assert (s.managers_at_plan_before, s.managers_at_plan_after) == (1, 0)
    same = w.quota_scenario(quota_ws, change_pct=0)
    assert same.reps_at_plan_after == same.reps_at_plan_before == 2
    low_bar = w.quota_scenario(quota_ws, settings=Settings(hero_attainment=0.85), change_pct=0)
    assert low_bar.reps_at_plan_before == 3
    assert w.quota_scenario(quota_ws, change_pct=0, plan=0.8).reps_at_plan_before == 4
    only_mia = w.quota_scenario(quota_ws, Filters(managers=("Mia",)), change_pct=-25)
    assert only_mia.reps["rep"].tolist() == ["Dan"] and only_mia.reps_at_plan_after == 1
    for bad in (-100, -150):
        with pytest.raises(ValueError):
            w.quota_scenario(quota_ws, change_pct=bad)


# ------------------------------------------------------------------------------ demo smoke
def test_demo_whatif_smoke(demo_ws):
    b = w.velocity_baseline(demo_ws)
    for v in (b.opportunities, b.win_rate, b.deal_size, b.cycle_days, b.revenue_per_quarter,
              b.actual_revenue_per_quarter):
        assert math.isfinite(v) and v > 0
    assert 0 < b.win_rate < 1
    # goal seek starts from what was won in the period, not from the identity
    assert g_start(b) == pytest.approx(b.won_revenue / b.n_quarters_closed) == b.actual_revenue_per_quarter
    assert b.missing == () and b.note.startswith("Goal seek starts from the revenue actually won")
    target = b.actual_revenue_per_quarter * 1.1
    for lever in (*w.LEVERS, "mix"):
        g = w.goal_seek(b, target, lever)
        # the levers move by target ÷ actual (goal seek starts from what was won, not the identity)
        assert g["feasible"].all() and implied(g, b) == pytest.approx(b.revenue_per_quarter * 1.1)
    s = w.quota_scenario(demo_ws, change_pct=-10)
    assert s.reps_at_plan_after >= s.reps_at_plan_before and s.n_reps > 0 and s.n_managers > 0


@pytest.mark.parametrize("header", [
    "Opportunity Name,Opportunity Owner,Stage,Amount,Close Date,Created Date,Extra",
    "extra,CREATED DATE,close_date,amount,stage,opportunity owner,opportunity name",
])
def test_an_export_with_empty_created_dates_goal_seeks_from_actuals_and_refuses_the_cycle(tmp_path, header):
    """A generated export (header case, order and an extra column vary) whose Created Date is empty."""
    from analytics.ingest.pipeline import import_directory
    from analytics.store.workspace import Workspace

    rows = [dict(n="A", o="Ann", s="Closed Won", a="10000", c="2025-02-09"),
            dict(n="B", o="Ann", s="Closed Won", a="30000", c="2025-04-02"),
            dict(n="C", o="Bob", s="Closed Lost", a="1000", c="2025-05-01"),
            dict(n="D", o="Bob", s="Prospecting", a="1000", c="")]
    key = {"opportunity name": "n", "opportunity owner": "o", "stage": "s", "amount": "a", "close date": "c",
           "close_date": "c"}
    cols = header.split(",")
    lines = [header] + [",".join(r.get(key.get(c.lower(), ""), "") for c in cols) for r in rows]
    (tmp_path / "deals.csv").write_text("\n".join(lines) + "\n")
    ws = Workspace()
    try:
        report = import_directory(ws, tmp_path)[0]
        assert report.table == "opportunities" and report.rows_loaded == 4
        b = w.velocity_baseline(ws)
    finally:
        ws.close()
    assert g_start(b) == pytest.approx(20_000)  # 40,000 won over 2025-Q1 and Q2
    assert dict(b.missing) == {"opportunities": "no deal has a created date in the period",
                               "cycle_days": "the won deals have no created date"}
    g = w.goal_seek(b, 30_000, "cycle_days")
    assert np.isnan(g["needed"].iat[0])
    assert g.attrs["note"] == ("Goal seek cannot reach 30,000 a quarter (from 20,000, +50.0%): cycle length (days) "
                               "is not measured (the won deals have no created date).")
