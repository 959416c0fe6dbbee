"""KPIs at their cadence (analytics.results.kpis), on tiny hand-computed tables and on the real Maven CRM sample.

The tiny workspace
------------------
Max manages Ann and Bob (EMEA); Mia manages Cat (APAC). The last close of a closed deal is
2025-03-20, so that is "as of"; the quarter after it runs 2025-04-01 to 2025-06-30.

==== ===== ======= ========== ========== ===============================
deal owner amount  created    close      state
==== ===== ======= ========== ========== ===============================
a1   Ann   100     2025-01-01 2025-01-31 won (cycle 30 days)
a2   Ann   300     2025-01-10 2025-02-19 won (cycle 40)
a3   Ann   50      2025-01-15 2025-02-10 lost
a4   Ann   1000    2025-02-01 2025-04-15 open, closes next quarter
a5   Ann   500     2025-03-01 2025-03-31 open, closes this quarter
b1   Bob   200     2025-02-01 2025-03-03 won (cycle 30)
b2   Bob   80      2025-02-05 2025-03-10 lost
b3   Bob   20      2025-03-01 2025-03-15 lost
b4   Bob   600     2025-03-01 2025-05-20 open, closes next quarter
c1   Cat   400     2025-01-05 2025-03-20 won (cycle 74)
c2   Cat   900     2025-02-15 2025-06-30 open, closes next quarter
==== ===== ======= ========== ========== ===============================

Quotas: Ann Q1 800, Q2 500; Bob Q1 400, Q2 200; Cat Q1 1000 (none for Q2). Q1 is the one quota
period the data can judge (its last closed deal is 11 days before Q1's end, within
``quota_end_grace_days``); Q2's quotas are for a quarter not yet started (issue 19: shown apart,
never counted as nothing won).
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.ingest.pipeline import import_directory
from analytics.results import attainment, kpis, overview
from analytics.settings import Settings
from analytics.signals import manage
from analytics.store.workspace import Workspace
from tests.factories import workspace_with

Q1, Q2 = ("2025-01-01", "2025-03-31"), ("2025-04-01", "2025-06-30")


def opp(oid, owner, amount, created, close, state):
    return {"opportunity_id": oid, "owner": owner, "amount": amount, "created_date": created, "close_date": close,
            "stage": {"won": "Closed Won", "lost": "Closed Lost", "open": "Proposal"}[state],
            "is_closed": state != "open", "is_won": state == "won"}


def quota(owner, period, amount):
    return {"owner": owner, "period_start": period[0], "period_end": period[1], "amount": amount}


def hist(oid, stage, at):
    return {"opportunity_id": oid, "stage": stage, "changed_at": at}


def acts(owner, *days):
    return [{"owner": owner, "activity_date": d, "activity_type": "Call"} for d in days]


PEOPLE = [{"name": "Max", "region": "EMEA"}, {"name": "Mia", "region": "APAC"},
          {"name": "Ann", "manager": "Max", "region": "EMEA"}, {"name": "Bob", "manager": "Max", "region": "EMEA"},
          {"name": "Cat", "manager": "Mia", "region": "APAC"}]
OPPS = [
    opp("a1", "Ann", 100, "2025-01-01", "2025-01-31", "won"),
    opp("a2", "Ann", 300, "2025-01-10", "2025-02-19", "won"),
    opp("a3", "Ann", 50, "2025-01-15", "2025-02-10", "lost"),
    opp("a4", "Ann", 1000, "2025-02-01", "2025-04-15", "open"),
    opp("a5", "Ann", 500, "2025-03-01", "2025-03-31", "open"),
    opp("b1", "Bob", 200, "2025-02-01", "2025-03-03", "won"),
    opp("b2", "Bob", 80, "2025-02-05", "2025-03-10", "lost"),
    opp("b3", "Bob", 20, "2025-03-01", "2025-03-15", "lost"),
    opp("b4", "Bob", 600, "2025-03-01", "2025-05-20", "open"),
    opp("c1", "Cat", 400, "2025-01-05", "2025-03-20", "won"),
    opp("c2", "Cat", 900, "2025-02-15", "2025-06-30", "open"),
]
QUOTAS = [quota("Ann", Q1, 800), quota("Ann", Q2, 500), quota("Bob", Q1, 400), quota("Bob", Q2, 200),
          quota("Cat", Q1, 1000)]
# Collapsed stays (days): a1 P 10, Q 10, Pr 10 then won; a2 P 4, Q 36 (the 01-20 row repeats Q) then won;
# a3 P 26 then lost; a4 P 20, Q open-ended; b1 P 10, Pr 20 then won.
HISTORY = [
    hist("a1", "Prospecting", "2025-01-01 00:00"), hist("a1", "Qualification", "2025-01-11 00:00"),
    hist("a1", "Proposal", "2025-01-21 00:00"), hist("a1", "Closed Won", "2025-01-31 00:00"),
    hist("a2", "Prospecting", "2025-01-10 00:00"), hist("a2", "Qualification", "2025-01-14 00:00"),
    hist("a2", "Qualification", "2025-01-20 09:00"), hist("a2", "Closed Won", "2025-02-19 00:00"),
    hist("a3", "Prospecting", "2025-01-15 00:00"), hist("a3", "Closed Lost", "2025-02-10 00:00"),
    hist("a4", "Prospecting", "2025-02-01 00:00"), hist("a4", "Qualification", "2025-02-21 00:00"),
    hist("b1", "Prospecting", "2025-02-01 00:00"), hist("b1", "Proposal", "2025-02-11 00:00"),
    hist("b1", "Closed Won", "2025-03-03 00:00"),
]
# Ann: weeks of 01-06 (5, met), 01-13 (2), 01-20 (0), 01-27 (6, met); Bob: week of 02-03 (1)
ACTIVITIES = (acts("Ann", "2025-01-06", "2025-01-07", "2025-01-08", "2025-01-09", "2025-01-10")
              + acts("Ann", "2025-01-14", "2025-01-15")
              + acts("Ann", *["2025-01-27"] * 3, *["2025-01-29"] * 3)
              + acts("Bob", "2025-02-04"))


@pytest.fixture(scope="module")
def ws() -> Workspace:
    w = workspace_with(people=PEOPLE, opportunities=OPPS, quotas=QUOTAS, stage_history=HISTORY,
                       activities=ACTIVITIES)
    yield w
    w.close()


@pytest.fixture(scope="module")
def summary_rep(ws) -> pd.DataFrame:
    return kpis.kpi_summary(ws, level="rep").set_index("rep")


@pytest.fixture(scope="module")
def summary_team(ws) -> pd.DataFrame:
    return kpis.kpi_summary(ws, level="team").set_index("manager")


def row(df: pd.DataFrame, **match) -> pd.Series:
    m = df
    for k, v in match.items():
        m = m[m[k] == (pd.Timestamp(v) if k in ("period", "week") else v)]
    assert len(m) == 1, (match, m)
    return m.iloc[0]


# ------------------------------------------------------------------------- outcomes
def test_outcomes_per_quarter_by_hand(ws):
    q = kpis.outcomes(ws, grain="quarter", level="team")
    max_q1 = row(q, manager="Max", period="2025-01-01")
    assert max_q1["revenue"] == 600                        # a1 + a2 + b1
    assert (max_q1["won"], max_q1["lost"]) == (3, 3)       # lost: a3, b2, b3
    assert max_q1["win_rate"] == pytest.approx(0.5)
    assert max_q1["avg_deal_size"] == pytest.approx(200)   # (100 + 300 + 200) / 3
    assert max_q1["cycle_length_days"] == pytest.approx((30 + 40 + 30) / 3)
    assert max_q1["n_cycle"] == 3
    assert max_q1["quota"] == pytest.approx(1200)          # Ann 800 + Bob 400
    assert max_q1["attainment"] == pytest.approx(0.5)
    # next quarter has quota and nothing closed yet: not a period the data can judge (issue 19),
    # so it is no row of nothing won against 700 of quota (it used to read as 0% attainment)
    assert q[(q["manager"] == "Max") & (q["period"] == pd.Timestamp("2025-04-01"))].empty
    assert q["won"].dtype == "int64" and q["n_cycle"].dtype == "int64"


def test_outcomes_per_month_for_a_rep_spread_quota_by_days(ws):
    m = kpis.outcomes(ws, grain="month", level="rep")
    jan, feb = row(m, rep="Ann", period="2025-01-01"), row(m, rep="Ann", period="2025-02-01")
    assert (jan["revenue"], jan["won"], jan["lost"], jan["win_rate"]) == (100, 1, 0, 1.0)
    assert (feb["revenue"], feb["won"], feb["lost"], feb["win_rate"]) == (300, 1, 1, 0.5)
    assert jan["cycle_length_days"] == 30 and feb["cycle_length_days"] == 40
    # Q1 has 90 days: January carries 31 of them
    assert jan["quota"] == pytest.approx(800 * 31 / 90)
    assert jan["attainment"] == pytest.approx(100 / (800 * 31 / 90))
    ann = m[m["rep"] == "Ann"]
    assert ann["quota"].sum() == pytest.approx(800)  # spreading keeps the total (Q2's 500 not yet judged)


def test_outcome_totals_and_attainment_agree_with_the_manage_page(ws):
    t = kpis.outcome_totals(ws, level="team").set_index("manager")
    assert t.loc["Max", "quota"] == 1200 and t.loc["Max", "won_in_quota"] == 600  # Q1 only: Q2 not yet judged
    assert t.loc["Max", "attainment"] == pytest.approx(600 / 1200)
    assert t.loc["Mia", "attainment"] == pytest.approx(0.4)
    a = attainment.attainment_by_manager(ws).set_index("manager")
    assert a.loc[t.index, "attainment"].to_numpy() == pytest.approx(t["attainment"].to_numpy())
    r = kpis.outcome_totals(ws, level="rep").set_index("rep")
    assert r.loc["Ann", "attainment"] == pytest.approx(400 / 800)
    assert r.loc["Bob", "win_rate"] == pytest.approx(1 / 3)
    assert r.loc["Cat", "avg_deal_size"] == 400 and r.loc["Cat", "cycle_length_days"] == 74


def test_deal_size_and_cycle_leave_out_what_they_cannot_measure():
    w = workspace_with(people=[{"name": "Max"}, {"name": "Ann", "manager": "Max"}], opportunities=[
        opp("w1", "Ann", 100, "2025-01-01", "2025-01-11", "won"),     # 10 days
        opp("w2", "Ann", None, "2025-01-01", "2025-01-21", "won"),    # no amount: counted won, not in the mean
        opp("w3", "Ann", 300, "2025-02-01", "2025-01-01", "won"),     # closes before it was created: no cycle
        opp("w4", "Ann", 999, None, "2025-01-15", "won"),             # no created date: no cycle
        opp("l1", "Ann", 0, "2025-01-01", "2025-01-05", "lost"),
    ])
    t = kpis.outcome_totals(w, level="rep").set_index("rep").loc["Ann"]
    assert (t["won"], t["lost"], t["n_won_amount"], t["n_cycle"]) == (4, 1, 3, 2)
    assert t["win_rate"] == pytest.approx(0.8)
    assert t["avg_deal_size"] == pytest.approx((100 + 300 + 999) / 3)
    assert t["revenue"] == pytest.approx(1399)
    assert t["cycle_length_days"] == pytest.approx((10 + 20) / 2)
    assert math.isnan(t["quota"]) and math.isnan(t["attainment"])  # no quota loaded: not measured


def test_manage_pipeline_not_measured_when_every_open_deal_closes_next_quarter_without_an_amount():
    people = [{"name": "Max"}, {"name": "Ann", "manager": "Max"}, {"name": "Liv"},
              {"name": "Bea", "manager": "Liv"}]
    w = workspace_with(people=people, opportunities=[
        opp("w1", "Ann", 100, "2025-01-01", "2025-03-20", "won"),   # as of 2025-03-20
        opp("n1", "Ann", None, "2025-02-01", "2025-05-01", "open"),  # closes next quarter, no amount
        opp("n2", "Bea", None, "2025-02-01", "2025-05-01", "open"),
        opp("n3", "Bea", 700, "2025-02-01", "2025-08-01", "open"),   # closes later: the sum is a real 0
    ])
    try:
        m = manage.pipeline_by_manager(w).set_index("manager")
        assert math.isnan(m.loc["Max", "open_pipeline"])
        assert m.loc["Liv", "open_pipeline"] == 0.0
        assert (m.loc["Max", "n_open_deals"], m.loc["Liv", "n_open_deals"]) == (1, 2)
    finally:
        w.close()


def test_a_people_filter_change_reads_the_held_owner_blocks(ws, monkeypatch):
    """Region, team and manager pick owners from what the period's results hold: the deals,
    quotas and activities are not read again, and the results equal a first computation."""
    emea, apac = Filters(regions=("EMEA",)), Filters(regions=("APAC",))
    fresh = {}
    for f in (emea, apac):
        w = workspace_with(people=PEOPLE, opportunities=OPPS, quotas=QUOTAS, stage_history=HISTORY,
                           activities=ACTIVITIES)
        try:
            fresh[f] = (kpis.kpi_summary(w, f, level="rep"), kpis.predictive(w, f, level="team"),
                        kpis.outcomes(w, f, grain="month", level="org"), kpis.below_standard(w, f))
        finally:
            w.close()
    ws.forget_derived()
    kpis.kpi_summary(ws, level="rep"), kpis.predictive(ws, level="team"), kpis.outcomes(ws, grain="month", level="org")
    kpis.below_standard(ws)
    asked = []
    query = Workspace.query
    monkeypatch.setattr(Workspace, "query", lambda self, sql, params=None: asked.append(sql) or query(self, sql, params))
    for f in (emea, apac):
        got = (kpis.kpi_summary(ws, f, level="rep"), kpis.predictive(ws, f, level="team"),
               kpis.outcomes(ws, f, grain="month", level="org"), kpis.below_standard(ws, f))
        for a, b in zip(got, fresh[f], strict=True):
            pd.testing.assert_frame_equal(a, b)
    read_again = [q for q in asked if any(t in q for t in ("v_opportunities", "v_quotas", "v_won_in_quota"))]
    assert read_again == [], "\n".join(read_again)


# ------------------------------------------------------------------------- predictive
def test_coverage_as_of_by_hand_and_same_as_manage(ws, summary_rep, summary_team):
    s = summary_rep
    assert s.loc["Ann", "pipeline_next_quarter"] == 1000 and s.loc["Ann", "open_pipeline"] == 1500
    assert s.loc["Ann", "coverage"] == pytest.approx(1000 / 500)
    assert s.loc["Bob", "coverage"] == pytest.approx(600 / 200)
    assert s.loc["Cat", "coverage"] == pytest.approx(900 / 1000)  # no Q2 quota: Q1's stands in
    assert s.loc["Cat", "coverage_basis"].startswith("latest quarter")
    p = kpis.predictive(ws, level="team")
    last = p[p["week"] == p["week"].max()].set_index("manager")
    assert (last["as_of"] == pd.Timestamp("2025-03-20")).all()
    assert last.loc["Max", "coverage"] == pytest.approx(1600 / 700)
    m = manage.pipeline_by_manager(ws).set_index("manager")
    assert last.loc[m.index, "coverage"].to_numpy() == pytest.approx(m["coverage"].to_numpy())
    assert last.loc[m.index, "pipeline_next_quarter"].to_numpy() == pytest.approx(m["open_pipeline"].to_numpy())
    assert summary_team.loc["Max", "coverage"] == pytest.approx(1600 / 700)


def test_weekly_coverage_rebuilds_the_pipeline_open_that_week(ws):
    p = kpis.predictive(ws, level="rep")
    # week of Monday 2025-02-10, judged on Sunday 02-16: a2 (closed 02-19) and a4 were open, a3 closed 02-10
    w = row(p, rep="Ann", week="2025-02-10")
    assert w["as_of"] == pd.Timestamp("2025-02-16")
    assert w["open_pipeline"] == 300 + 1000 and w["n_open_deals"] == 2
    assert w["pipeline_next_quarter"] == 1000 and w["coverage_quota"] == 500
    assert w["coverage"] == pytest.approx(2.0)
    assert bool(w["meets_standard"]) is False
    assert bool(row(p, rep="Bob", week="2025-03-17")["meets_standard"]) is True  # 600 / 200 = 3


def test_stage_conversion_by_hand(ws):
    c = kpis.stage_conversion(ws).set_index(["from_stage", "to_stage"])
    assert c.loc[("Prospecting", "Qualification"), "n"] == 3           # a1, a2, a4
    assert c.loc[("Prospecting", "Qualification"), "n_from"] == 5
    assert c.loc[("Prospecting", "Qualification"), "rate"] == pytest.approx(0.6)
    assert c.loc[("Prospecting", "Closed Lost"), "rate"] == pytest.approx(0.2)
    assert c.loc[("Prospecting", "Proposal"), "rate"] == pytest.approx(0.2)  # b1 skips a stage
    assert c.loc[("Qualification", "Closed Won"), "rate"] == pytest.approx(0.5)  # repeated row collapsed
    assert c.loc[("Proposal", "Closed Won"), "rate"] == pytest.approx(1.0)
    assert not c.loc[("Prospecting", "Closed Lost"), "is_advance"]
    assert c.loc[("Prospecting", "Proposal"), "is_advance"]
    order = kpis.stage_order(ws).set_index("stage")["rank"]
    assert list(order.dropna().sort_values().index) == ["Prospecting", "Qualification", "Proposal", "Closed Won"]
    assert math.isnan(order["Closed Lost"])


def test_stage_order_follows_probability_when_every_open_stage_has_one():
    def h(oid, stage, at, prob):
        return {"opportunity_id": oid, "stage": stage, "changed_at": at, "probability": prob}
    history = [h("d1", "Negotiation", "2025-01-01", 90), h("d5", "Negotiation", "2025-01-01", 90),
               h("d2", "Prospecting", "2025-01-01", 10), h("d2", "Negotiation", "2025-01-05", 90),
               h("d3", "Discovery", "2025-01-01", 40),
               h("d4", "Prospecting", "2025-01-01", 10), h("d4", "Discovery", "2025-01-03", 40)]
    # mean positions: Prospecting 0, Negotiation 1/3, Discovery 1/2 -- the probabilities say otherwise
    w = workspace_with(stage_history=history)
    order = kpis.stage_order(w)
    assert list(order["stage"]) == ["Prospecting", "Discovery", "Negotiation"]
    assert (order["order_basis"] == "probability").all()
    w.close()
    w = workspace_with(stage_history=[{**r, "probability": None} if r["stage"] == "Discovery" else r
                                      for r in history])
    assert list(kpis.stage_order(w)["stage"]) == ["Prospecting", "Negotiation", "Discovery"]
    w.close()


def test_time_in_stage_by_hand(ws):
    t = kpis.time_in_stage(ws).set_index("stage")
    assert t.loc["Prospecting", "n"] == 5
    assert t.loc["Prospecting", "median_days"] == pytest.approx(10)           # 4 10 10 20 26
    assert t.loc["Prospecting", "mean_days"] == pytest.approx(70 / 5)
    assert t.loc["Qualification", "n"] == 2                                   # 10 and 36
    assert t.loc["Qualification", "median_days"] == pytest.approx(23)
    assert t.loc["Qualification", "n_open_ended"] == 1                        # a4 is still there
    assert t.loc["Proposal", "mean_days"] == pytest.approx(15)
    assert "Closed Won" not in t.index                                        # an end, not a stay


def test_velocity_by_hand(ws, summary_rep, summary_team):
    v = kpis.velocity(ws, level="team").set_index("manager").loc["Max"]
    # open at as-of: a4, a5, b4; win rate 3/6; deal size 200; cycle 100/3 days
    assert v["n_open"] == 3
    assert v["velocity_per_day"] == pytest.approx(3 * 0.5 * 200 / (100 / 3))
    assert summary_team.loc["Max", "velocity_per_day"] == pytest.approx(v["velocity_per_day"])
    # Ann: a4 and a5 open; 2 won of 3; (100 + 300) / 2; (30 + 40) / 2 days
    assert summary_rep.loc["Ann", "velocity_per_day"] == pytest.approx(2 * (2 / 3) * 200 / 35)


# ------------------------------------------------------------------------- leading
def test_leading_weekly_by_hand(ws):
    lead = kpis.leading(ws, level="rep")
    first = row(lead, rep="Ann", period="2025-01-06")
    assert first["activities"] == 5 and bool(first["met"]) is True and first["activity_target"] == 5
    assert first["pipeline_added"] == 300 and first["deals_created"] == 1      # a2 created 01-10
    assert first["deals_advancing"] == 1                                       # a1 into Qualification
    gap = row(lead, rep="Ann", period="2025-01-20")
    assert gap["activities"] == 0 and bool(gap["met"]) is False               # a week with none is 0
    assert row(lead, rep="Ann", period="2025-02-17")["deals_advancing"] == 2    # a2 won, a4 qualified
    assert row(lead, rep="Ann", period="2025-02-10")["deals_advancing"] == 0    # a3 lost: not an advance
    cat = lead[lead["rep"] == "Cat"]
    assert cat["activities"].isna().all() and cat["met"].isna().all()         # no activity evidence
    assert cat["deals_advancing"].isna().all()                                 # no stage history
    team = kpis.leading(ws, level="team")
    # 2025-02-01 is a Saturday: a4 and b1 were created in the week of Monday 01-27
    w = row(team, manager="Max", period="2025-01-27")
    assert w["pipeline_added"] == 1000 + 200 and w["deals_created"] == 2
    assert w["activities"] == 6 and w["n_reps"] == 2 and w["activity_target"] == 10
    assert bool(w["met"]) is False and w["n_reps_met"] == 1                  # Ann met hers, the team did not
    day = kpis.leading(ws, grain="day", level="rep")
    assert row(day, rep="Ann", period="2025-01-27")["activities"] == 3
    assert day["activity_target"].isna().all()


def test_activity_standard_follows_the_manage_rule(ws):
    a = kpis.activity_standard(ws, level="rep").set_index("rep")
    assert a.loc["Ann", "activity_met_share"] == pytest.approx(2 / 4) and a.loc["Ann", "n_rep_weeks"] == 4
    assert a.loc["Bob", "activity_met_share"] == 0
    assert math.isnan(a.loc["Cat", "activity_met_share"]) and a.loc["Cat", "n_rep_weeks"] == 0
    t = kpis.activity_standard(ws, level="team").set_index("manager")
    assert t.loc["Max", "activity_met_share"] == pytest.approx(2 / 5) and t.loc["Max", "n_rep_weeks_met"] == 2
    assert math.isnan(t.loc["Mia", "activity_met_share"]) and t.loc["Mia", "n_rep_weeks"] == 0
    assert kpis.activity_standard(ws, level="org")["activity_met_share"].iat[0] == pytest.approx(2 / 5)


def test_below_standard_names_who_and_why(ws):
    b = kpis.below_standard(ws, only_below=False).set_index(["level", "name"])
    ann, bob, cat = b.loc[("rep", "Ann")], b.loc[("rep", "Bob")], b.loc[("rep", "Cat")]
    assert ann["below"] == "coverage, attainment" and ann["n_below"] == 2   # 0.5 of weeks met is not below
    assert bob["below"] == "activity, attainment"                           # coverage exactly 3.0 meets it
    assert cat["below"] == "coverage, attainment" and pd.isna(cat["below_activity"])
    assert b.loc[("team", "Max"), "n_below"] == 3
    assert b.loc[("team", "Max"), "coverage"] == pytest.approx(1600 / 700)
    looser = kpis.below_standard(ws, settings=Settings(coverage_standard=2.0, activity_target_per_week=1))
    looser = looser.set_index(["level", "name"])
    assert looser.loc[("rep", "Ann"), "below"] == "attainment"
    assert looser.loc[("rep", "Bob"), "below"] == "attainment"


def test_kpi_summary_has_every_cadence_and_int_counts(summary_team):
    s = summary_team
    assert s.loc["Max", "revenue"] == 600 and s.loc["Max", "won"] == 3 and s.loc["Max", "lost"] == 3
    assert s.loc["Max", "deals_created"] == 9
    # deals advancing, counted per week: a1 three weeks, a2 two, a4 one, b1 two
    assert s.loc["Max", "deals_advancing"] == 8
    assert s.loc["Max", "activities"] == 14 and s.loc["Max", "n_reps"] == 2
    assert s.loc["Max", "activity_met_share"] == pytest.approx(2 / 5) and s.loc["Max", "n_rep_weeks"] == 5
    assert s.loc["Max", "attainment"] == pytest.approx(600 / 1200)
    for c in ("deals_created", "n_rep_weeks", "n_open_deals", "won", "lost", "n_cycle"):
        assert s[c].dtype == "int64", c
    assert math.isnan(s.loc["Mia", "activities"])                            # Cat logs none


# ------------------------------------------------------------------------- filters
def test_a_region_filter_changes_every_total_consistently(ws):
    emea = Filters(regions=("EMEA",))
    t = kpis.outcome_totals(ws, emea, "team")
    assert list(t["manager"]) == ["Max"]
    org = kpis.outcome_totals(ws, emea, "org").iloc[0]
    assert org["revenue"] == t["revenue"].sum() == 600
    h = overview.headline(ws, emea)
    assert h.won_revenue == org["revenue"] and h.won_deals == org["won"]
    assert kpis.outcome_totals(ws, level="org")["revenue"].iat[0] == 1000
    period = Filters(start=pd.Timestamp("2025-02-01").date(), end=pd.Timestamp("2025-02-28").date())
    feb = kpis.outcome_totals(ws, period, "rep").set_index("rep")
    assert feb.loc["Ann", "revenue"] == 300 and math.isnan(feb.loc["Cat", "revenue"])


# ------------------------------------------------------------------------- the real Maven CRM sample
@pytest.fixture(scope="module")
def maven(real_data):
    w = Workspace()
    reports = import_directory(w, real_data / "maven-crm")
    assert all(r.error is None and r.rows_rejected == 0 for r in reports)
    yield w
    w.close()


@pytest.fixture(scope="module")
def raw(real_data):
    """The raw Maven CSVs read straight into a plain DuckDB, independently of the app."""
    folder = real_data / "maven-crm"
    con = duckdb.connect()
    for table in ("sales_pipeline", "sales_teams"):
        path = str(folder / f"{table}.csv").replace("'", "''")
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{path}', header = true)")
    yield con
    con.close()


def direct_sql(raw, region: str | None = None) -> pd.DataFrame:
    """Won, lost and revenue per manager: sales_pipeline joined to sales_teams, Won/Lost from deal_stage."""
    return raw.execute(
        """SELECT t.manager,
                  count(*) FILTER (WHERE p.deal_stage = 'Won') AS won,
                  count(*) FILTER (WHERE p.deal_stage = 'Lost') AS lost,
                  coalesce(sum(p.close_value) FILTER (WHERE p.deal_stage = 'Won'), 0) AS revenue
           FROM sales_pipeline p JOIN sales_teams t ON t.sales_agent = p.sales_agent
           WHERE CAST(? AS VARCHAR) IS NULL OR t.regional_office = ?
           GROUP BY t.manager ORDER BY t.manager""",
        [region, region],
    ).df().set_index("manager")


@pytest.mark.parametrize("grain", ["month", "quarter"])
def test_maven_outcomes_per_manager_equal_direct_sql(maven, raw, grain):
    expected = direct_sql(raw)
    got = kpis.outcomes(maven, grain=grain, level="team").groupby("manager")[["won", "lost", "revenue"]].sum()
    assert len(expected) == 6 and sorted(got.index) == sorted(expected.index)
    got = got.loc[expected.index]
    assert got["won"].tolist() == expected["won"].tolist()
    assert got["lost"].tolist() == expected["lost"].tolist()
    assert got["revenue"].to_numpy() == pytest.approx(expected["revenue"].to_numpy())
    win_rate = got["won"] / (got["won"] + got["lost"])
    assert win_rate.to_numpy() == pytest.approx((expected["won"] / (expected["won"] + expected["lost"])).to_numpy())
    totals = kpis.outcome_totals(maven, level="team").set_index("manager").loc[expected.index]
    assert totals["win_rate"].to_numpy() == pytest.approx(win_rate.to_numpy())


def test_maven_region_filter_team_totals_sum_to_the_org_total(maven, raw):
    everyone = kpis.outcome_totals(maven, level="org").iloc[0]
    won = revenue = 0
    for region in ("Central", "East", "West"):
        f = Filters(regions=(region,))
        expected = direct_sql(raw, region)
        teams = kpis.outcome_totals(maven, f, "team").set_index("manager")
        org = kpis.outcome_totals(maven, f, "org").iloc[0]
        assert sorted(teams.index) == sorted(expected.index)
        assert teams["won"].sum() == org["won"] == expected["won"].sum()
        assert teams["lost"].sum() == org["lost"] == expected["lost"].sum()
        assert teams["revenue"].sum() == pytest.approx(org["revenue"])
        assert org["revenue"] == pytest.approx(expected["revenue"].sum())
        assert org["won"] < everyone["won"]                                   # the filter narrowed it
        won, revenue = won + org["won"], revenue + org["revenue"]
    assert won == everyone["won"] and revenue == pytest.approx(everyone["revenue"])  # the regions partition it
    central = Filters(regions=("Central",))
    org = kpis.outcome_totals(maven, central, "org").iloc[0]
    headline = overview.headline(maven, central)                              # the Overview page agrees
    assert headline.won_revenue == pytest.approx(org["revenue"]) and headline.won_deals == org["won"]
    lead_team = kpis.leading(maven, central, level="team")["deals_created"].sum()
    assert lead_team == kpis.leading(maven, central, level="org")["deals_created"].sum()
    assert lead_team < kpis.leading(maven, level="org")["deals_created"].sum()


def test_maven_missing_evidence_is_nan_not_zero(maven):
    s = kpis.kpi_summary(maven, level="team")
    assert s["activities"].isna().all() and s["deals_advancing"].isna().all()
    assert s["coverage"].isna().all() and s["attainment"].isna().all()       # no quotas, no close dates
    assert (s["n_rep_weeks"] == 0).all() and s["won"].dtype == "int64"
    assert kpis.stage_conversion(maven).empty and kpis.time_in_stage(maven).empty


# ------------------------------------------------------------------------- under a filter, against the Manage page
def test_filtered_coverage_and_rep_attainment_agree_with_manage(ws):
    emea = Filters(regions=("EMEA",))
    p = kpis.predictive(ws, emea, level="team")
    last = p[p["week"] == p["week"].max()].set_index("manager")
    m = manage.pipeline_by_manager(ws, emea).set_index("manager")
    assert list(m.index) == list(last.index) == ["Max"]
    assert last.loc["Max", "coverage"] == pytest.approx(m.loc["Max", "coverage"])
    a = attainment.attainment_by_manager(ws, emea).set_index("manager")
    r = kpis.outcome_totals(ws, emea, "rep").groupby("manager")[["won_in_quota", "quota"]].sum()
    assert r.loc["Max", "won_in_quota"] == a.loc["Max", "won_in_quota"] == 600
    assert r.loc["Max", "quota"] == a.loc["Max", "quota"] == 1200
    # a period: quota periods inside it, deals closed in it
    q1 = Filters(start=pd.Timestamp("2025-01-01").date(), end=pd.Timestamp("2025-03-31").date())
    a = attainment.attainment_by_manager(ws, q1).set_index("manager")
    t = kpis.outcome_totals(ws, q1, "team").set_index("manager")
    assert t.loc["Max", "attainment"] == pytest.approx(a.loc["Max", "attainment"]) == pytest.approx(0.5)
