"""Attainment over the quota periods the data can judge (issue 19, periods): a period after the
last closed deal is not counted as nothing won, a partly elapsed one is shown apart, a filter's
end that cuts a period leaves it in progress; every figure that sums quota follows the rule.

The organisations are generated here, in several export shapes (header case and punctuation,
column order, extra columns, empty cells, one date per quota period), and loaded through the
upload path (recognise, validate, load) like a user's files.
"""

from __future__ import annotations

import csv
import io
import math
import random
from datetime import date, timedelta

import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.ingest.pipeline import analyse_file, import_file
from analytics.periods import QuotaCut, quota_cut
from analytics.results import attainment, distribution, kpis, overview, whatif
from analytics.settings import Settings
from analytics.store.workspace import Workspace

QUARTERS = [(date(2025, 1, 1), date(2025, 3, 31)), (date(2025, 4, 1), date(2025, 6, 30)),
            (date(2025, 7, 1), date(2025, 9, 30)), (date(2025, 10, 1), date(2025, 12, 31))]
NEXT = (date(2026, 1, 1), date(2026, 3, 31))
MANAGERS = ["Noor Haddad", "Tomas Lind", "Ada Okafor"]

#: export shapes: (people headers, deal headers, quota headers), each a dict canonical -> header
SHAPES = {
    "plain": ({"name": "Name", "manager": "Manager", "region": "Region"},
              {"id": "Opportunity ID", "owner": "Owner", "stage": "Stage", "amount": "Amount",
               "created": "Created Date", "close": "Close Date"},
              {"owner": "Owner", "start": "Period Start", "end": "Period End", "amount": "Quota"}),
    "shouting": ({"name": "FULL NAME", "manager": "REPORTS TO", "region": "REGION"},
                 {"id": "OPPORTUNITY_ID", "owner": "OPPORTUNITY OWNER", "stage": "STAGE", "amount": "AMOUNT",
                  "created": "CREATED DATE", "close": "CLOSE DATE"},
                 {"owner": "SALES REP", "start": "PERIOD_START", "end": "PERIOD_END", "amount": "QUOTA AMOUNT"}),
    "punctuated": ({"name": "Employee name", "manager": "Manager (name)", "region": "Sales region"},
                   {"id": "Deal #", "owner": "Deal owner", "stage": "Deal stage", "amount": "Amount ($)",
                    "created": "Create date", "close": "Close date"},
                   {"owner": "Owner Name", "start": "Period-Start", "end": "Period-End", "amount": "Quota ($)"}),
}


def csv_text(rows: list[dict], order: list[str] | None = None, extra: bool = False) -> str:
    """Rows as a CSV export; ``order`` reorders the columns, ``extra`` adds columns nobody maps."""
    cols = order or list(rows[0])
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(cols + (["Notes", "Last Modified By"] if extra else []))
    for r in rows:
        w.writerow([r.get(c, "") for c in cols] + (["", "Integration"] if extra else []))
    return out.getvalue()


def org(shape: str = "plain", seed: int = 7, next_quarter: bool = False, last_day: date = date(2025, 12, 31),
        one_date: bool = False) -> dict[str, str]:
    """An organisation of 3 managers and 9 reps over 2025: each rep wins a random amount in each
    quarter up to ``last_day`` (a deal on that day closes the data), against a quota per quarter;
    ``next_quarter`` adds a quota row per rep for Q1 2026, when no deal has closed yet."""
    people_h, deal_h, quota_h = SHAPES[shape]
    r = random.Random(seed)
    people = [{people_h["name"]: m, people_h["manager"]: "", people_h["region"]: "EMEA"} for m in MANAGERS]
    reps = [f"Rep {chr(65 + i)}{chr(97 + i)}son" for i in range(9)]
    people += [{people_h["name"]: rep, people_h["manager"]: MANAGERS[i % 3], people_h["region"]: ""}
               for i, rep in enumerate(reps)]  # empty region cells on the reps
    deals, quotas, n = [], [], 0
    for rep in reps:
        for start, end in QUARTERS:
            quotas.append({quota_h["owner"]: rep, quota_h["start"]: start.isoformat(),
                           quota_h["end"]: "" if one_date else end.isoformat(),
                           quota_h["amount"]: str(r.randrange(80, 120) * 1000)})
            for _ in range(3):
                day = start + timedelta(days=r.randrange(0, (end - start).days + 1))
                if day > last_day:
                    continue
                n += 1
                won = r.random() < 0.6
                deals.append({deal_h["id"]: f"D{n:04d}", deal_h["owner"]: rep,
                              deal_h["stage"]: "Closed Won" if won else "Closed Lost",
                              deal_h["amount"]: str(r.randrange(10, 60) * 1000),
                              deal_h["created"]: (day - timedelta(days=30)).isoformat(),
                              deal_h["close"]: day.isoformat()})
        if next_quarter:
            quotas.append({quota_h["owner"]: rep, quota_h["start"]: NEXT[0].isoformat(),
                           quota_h["end"]: "" if one_date else NEXT[1].isoformat(),
                           quota_h["amount"]: "150000"})
    n += 1
    deals.append({deal_h["id"]: f"D{n:04d}", deal_h["owner"]: reps[0], deal_h["stage"]: "Closed Lost",
                  deal_h["amount"]: "1000", deal_h["created"]: (last_day - timedelta(days=9)).isoformat(),
                  deal_h["close"]: last_day.isoformat()})
    deal_order = list(deals[0])[::-1] if shape == "shouting" else None  # columns in another order
    if one_date:
        quotas = [{k: v for k, v in q.items() if k != quota_h["end"]} for q in quotas]
    return {"people.csv": csv_text(people), "deals.csv": csv_text(deals, deal_order, extra=shape != "plain"),
            "quotas.csv": csv_text(quotas, extra=shape == "punctuated")}


def load(files: dict[str, str]) -> Workspace:
    ws = Workspace()
    for name, table in (("people.csv", "people"), ("deals.csv", "opportunities"), ("quotas.csv", "quotas")):
        analysis = analyse_file(name, files[name].encode("utf-8"))
        report = import_file(ws, analysis, table)
        assert report.error is None, report.error
        assert report.rows_rejected == 0 and report.rows_read == report.rows_loaded, report.rejected
    return ws


def same(a: pd.DataFrame, b: pd.DataFrame, cols: list[str]) -> None:
    pd.testing.assert_frame_equal(a[cols].reset_index(drop=True), b[cols].reset_index(drop=True))


MANAGER_COLUMNS = ["manager", "won_in_quota", "quota", "attainment", "n_reps_with_quota", "n_quota_periods"]
REP_COLUMNS = ["rep", "manager", "attainment", "won_in_quota", "quota", "n_quota_periods"]


# ------------------------------------------------------------------------------ next quarter's quota


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_next_quarter_quota_row_changes_no_attainment(shape):
    base, more = load(org(shape)), load(org(shape, next_quarter=True))
    try:
        assert more.scalar("SELECT count(*) FROM quotas") == base.scalar("SELECT count(*) FROM quotas") + 9
        same(attainment.attainment_by_manager(base), attainment.attainment_by_manager(more), MANAGER_COLUMNS)
        same(attainment.rep_attainment(base), attainment.rep_attainment(more), REP_COLUMNS)
        m = attainment.attainment_by_manager(more).set_index("manager")
        assert (m["n_periods_in_progress"] == 3).all() and (m["quota_in_progress"] == 3 * 150_000).all()
        assert (m["won_in_progress"] == 0).all()  # nothing closed yet: shown apart, not a 0% counted
        assert (attainment.attainment_by_manager(base)["n_periods_in_progress"] == 0).all()
        # every other figure that sums quota
        hb, hm = overview.headline(base), overview.headline(more)
        assert (hm.quota, hm.won_in_quota_periods, hm.attainment) == (hb.quota, hb.won_in_quota_periods,
                                                                        hb.attainment)
        tb, tm = kpis.outcome_totals(base, level="rep"), kpis.outcome_totals(more, level="rep")
        same(tb, tm, ["rep", "quota", "won_in_quota", "attainment", "n_quota_periods"])
        ob, om = kpis.outcomes(base, grain="quarter"), kpis.outcomes(more, grain="quarter")
        same(ob, om, ["manager", "period", "quota", "won_in_quota", "attainment"])
        db, dm = distribution.attainment_distribution(base), distribution.attainment_distribution(more)
        assert db.sentence == dm.sentence and db.n_without_quota == dm.n_without_quota == 0
        sb, sm = whatif.quota_scenario(base, change_pct=-10), whatif.quota_scenario(more, change_pct=-10)
        assert sb.sentence == sm.sentence
        # the chart: next quarter's quota drawn apart, never as a quota against nothing won
        by_q = overview.revenue_by_quarter(more).set_index("quarter")
        assert math.isnan(by_q.loc[pd.Timestamp(NEXT[0]), "quota"])
        assert by_q.loc[pd.Timestamp(NEXT[0]), "quota_in_progress"] == 9 * 150_000
        assert by_q["quota"].dropna().sum() == overview.revenue_by_quarter(base)["quota"].sum()
        # pipeline coverage still reads next quarter's quota: the right denominator there
        cov = kpis.kpi_summary(more, level="rep").set_index("rep")
        assert (cov["coverage_basis"].dropna() == "next quarter's quota").all()
        basis = attainment.quota_basis(more)
        assert (basis.n_judged, basis.n_in_progress, basis.n_future) == (4, 0, 1)
        assert basis.sentence == ("Attainment over 4 quota periods ended by 31 Dec 2025 (as of 31 Dec 2025, "
                                  "the last closed deal); 1 not yet started is shown apart, not counted "
                                  "(never pro-rated).")
        assert attainment.quota_basis(base).sentence == ("Attainment over 4 quota periods ended by 31 Dec 2025 "
                                                         "(as of 31 Dec 2025, the last closed deal).")
    finally:
        base.close()
        more.close()


def test_quotas_with_one_date_per_period_judge_the_same_periods():
    full, one = load(org("plain", next_quarter=True)), load(org("plain", next_quarter=True, one_date=True))
    try:
        assert one.scalar("SELECT count(*) FROM quotas WHERE period_end IS NULL") == 0  # derived from the starts
        same(attainment.attainment_by_manager(full), attainment.attainment_by_manager(one),
             [*MANAGER_COLUMNS, *attainment.IN_PROGRESS_COLUMNS])
        same(attainment.rep_attainment(full), attainment.rep_attainment(one), attainment.ATTAINMENT_COLUMNS)
    finally:
        full.close()
        one.close()


# ------------------------------------------------------------------------------ a partly elapsed period


def test_a_partly_elapsed_quarter_is_shown_apart_with_what_it_has_won_so_far():
    ws = load(org("punctuated", last_day=date(2025, 11, 8)))
    try:
        cut = attainment.attainment_cut(ws)
        assert (cut.as_of, cut.source) == (date(2025, 11, 8), "the last closed deal")
        assert cut.status(*QUARTERS[3]) == "in progress" and cut.status(*QUARTERS[2]) == "judgeable"
        reps = attainment.rep_attainment(ws)
        assert (reps["n_quota_periods"] == 3).all() and (reps["n_periods_in_progress"] == 1).all()
        q4 = ws.query("SELECT owner_name AS rep, amount FROM v_quotas WHERE period_start = DATE '2025-10-01'")
        q4_won = ws.query("SELECT owner_name AS rep, sum(amount) AS won FROM v_won_in_quota "
                          "WHERE period_start = DATE '2025-10-01' GROUP BY 1")
        got = reps.set_index("rep")
        assert got.loc[q4["rep"], "quota_in_progress"].tolist() == q4["amount"].astype(float).tolist()
        assert got.loc[q4_won["rep"], "won_in_progress"].tolist() == q4_won["won"].astype(float).tolist()
        # attainment over Q1-Q3 alone, by hand
        judged = ws.query("""SELECT q.owner_name AS rep, sum(q.amount) AS quota,
                                    sum(coalesce((SELECT sum(w.amount) FROM v_won_in_quota w
                                                  WHERE w.owner_name = q.owner_name
                                                    AND w.period_start = q.period_start), 0)) AS won
                             FROM v_quotas q WHERE q.period_end <= DATE '2025-09-30' GROUP BY 1""").set_index("rep")
        assert got.loc[judged.index, "attainment"].to_numpy() == pytest.approx(
            (judged["won"] / judged["quota"]).to_numpy())
        basis = attainment.quota_basis(ws)
        assert (basis.n_judged, basis.n_in_progress, basis.n_future) == (3, 1, 0)
        assert basis.elapsed == pytest.approx((date(2025, 11, 8) - date(2025, 10, 1)).days / 92 + 1 / 92)
        assert basis.sentence.startswith("Attainment over 3 quota periods ended by 30 Sep 2025 (as of 8 Nov 2025, "
                                         "the last closed deal); 1 period in progress (42% elapsed, ")
        assert basis.sentence.endswith("of its quota won so far) is shown apart, not counted (never pro-rated).")
        m = attainment.attainment_by_manager(ws)
        assert (m["n_periods_in_progress"] == 3).all()  # three reps each
        assert m["quota_in_progress"].sum() == pytest.approx(q4["amount"].sum())
    finally:
        ws.close()


def test_a_rep_whose_only_period_is_in_progress_is_not_measured_with_the_reason():
    ws = load(org("plain", last_day=date(2025, 11, 8)))
    try:
        q4 = Filters(start=date(2025, 10, 1))
        reps = attainment.rep_attainment(ws, q4)
        assert reps["attainment"].isna().all() and (reps["n_quota_periods"] == 0).all()
        assert set(reps["attainment_note"]) == {"not measured: no quota period ended by 8 Nov 2025"}
        assert attainment.attainment_by_manager(ws, q4)["attainment"].isna().all()
        assert overview.headline(ws, q4).attainment is None
        assert attainment.quota_basis(ws, q4).sentence.startswith(
            "Attainment not measured: no quota period ended by 8 Nov 2025 (the last closed deal); 1 period in progress")
        d = distribution.attainment_distribution(ws, q4)
        assert d.reps.empty and d.n_without_quota == 9
    finally:
        ws.close()


@pytest.mark.parametrize("last_day, judged", [
    (date(2025, 12, 31), 4), (date(2025, 12, 19), 4),   # 12 days short of a quarter's end: within 14
    (date(2025, 12, 16), 3),                              # 15 days short: the quarter is in progress
])
def test_the_last_closed_deal_may_fall_days_before_a_period_ends(last_day, judged):
    ws = load(org("shouting", last_day=last_day))
    try:
        assert attainment.quota_basis(ws).n_judged == judged
        strict = attainment.quota_basis(ws, settings=Settings(quota_end_grace_days=0))
        assert strict.n_judged == (4 if last_day == date(2025, 12, 31) else 3)
    finally:
        ws.close()


def test_the_grace_is_never_more_than_a_sixth_of_a_period():
    cut = QuotaCut(as_of=date(2025, 1, 24), source="the last closed deal", grace_days=14)
    assert cut.status(date(2025, 1, 1), date(2025, 1, 31)) == "in progress"   # 7 days short of a month: > 5
    assert QuotaCut(as_of=date(2025, 1, 26), source="x", grace_days=14).status(
        date(2025, 1, 1), date(2025, 1, 31)) == "judgeable"                    # 5 days short: within a sixth
    assert cut.status(date(2025, 2, 1), date(2025, 2, 28)) == "future"


# ------------------------------------------------------------------------------ the filter's end


def test_a_filter_end_that_cuts_a_period_leaves_it_in_progress():
    ws = load(org("plain", next_quarter=True))
    try:
        cut_q3 = Filters(end=date(2025, 8, 15))
        cut = attainment.attainment_cut(ws, cut_q3)
        assert (cut.as_of, cut.source, cut.grace_days) == (date(2025, 8, 15), "the filter's end", 0)
        m = attainment.attainment_by_manager(ws, cut_q3)
        to_q2 = attainment.attainment_by_manager(ws, Filters(end=date(2025, 6, 30)))
        same(m, to_q2, MANAGER_COLUMNS)  # Q3, cut by the filter, is not counted
        assert (m["n_periods_in_progress"] == 3).all()  # Q3 only: Q4 and next year lie outside the filter
        won_by_mid_aug = ws.scalar("SELECT sum(amount) FROM v_won_in_quota WHERE period_start = DATE '2025-07-01' "
                                   "AND close_date <= DATE '2025-08-15'")
        assert m["won_in_progress"].sum() == pytest.approx(won_by_mid_aug)
        basis = attainment.quota_basis(ws, cut_q3)
        assert (basis.n_judged, basis.n_in_progress, basis.n_future) == (2, 1, 0)
        assert "(as of 15 Aug 2025, the filter's end)" in basis.sentence
        # a filter past the data: the data's end decides, its next quarter is not counted
        later = Filters(end=date(2026, 6, 30))
        assert attainment.attainment_cut(ws, later).source == "the last closed deal"
        same(attainment.attainment_by_manager(ws, later), attainment.attainment_by_manager(ws), MANAGER_COLUMNS)
    finally:
        ws.close()


def test_quota_cut_without_closed_deals_judges_every_period():
    ws = Workspace()
    try:
        analysis = analyse_file("q.csv", b"Owner,Period Start,Period End,Quota\nAnn,2025-01-01,2025-03-31,100\n")
        import_file(ws, analysis, "quotas")
        cut = quota_cut(ws)
        assert cut.as_of is None and cut.judged_sql() == ("TRUE", [])
        assert cut.status(date(2030, 1, 1), date(2030, 3, 31)) == "judgeable"
    finally:
        ws.close()


# ------------------------------------------------------------------------------ the demo: unchanged


def test_the_demo_judges_every_quota_period(demo_ws):
    basis = attainment.quota_basis(demo_ws)
    assert (basis.n_in_progress, basis.n_future) == (0, 0) and basis.n_judged == 8
    m = attainment.attainment_by_manager(demo_ws)
    assert (m["n_periods_in_progress"] == 0).all() and m["quota_in_progress"].isna().all()
    assert set(attainment.rep_attainment(demo_ws)["attainment_note"]) <= {"", "not measured: no quota in scope"}


def test_the_demo_with_next_quarters_quotas_keeps_every_hero_and_attainment():
    """The issue's case: a quota row per rep for the coming quarter. Before, attainment summed it
    as nothing won and every planted hero fell below plan (e.g. 103.6% -> 93.3%)."""
    from pathlib import Path

    from analytics.diagnosis.dials import diagnosis
    from analytics.ingest.pipeline import import_directory

    ws = Workspace()
    try:
        import_directory(ws, Path(__file__).resolve().parents[2] / "data" / "demo")
        before = diagnosis(ws)[["manager", "attainment", "hero", "n_quota_periods"]]
        q3 = ws.query("SELECT owner, amount FROM quotas WHERE period_start = DATE '2026-07-01' ORDER BY owner")
        text = "Quota Owner,Start Date,End Date,Quota Amount\n" + "".join(
            f"{o},2026-10-01,2026-12-31,{a:.0f}\n" for o, a in zip(q3["owner"], q3["amount"], strict=True))
        report = import_file(ws, analyse_file("next-quarter.csv", text.encode("utf-8")), "quotas")
        assert report.rows_loaded == report.inserted == len(q3) > 100
        after = diagnosis(ws)
        same(before, after, ["manager", "attainment", "hero", "n_quota_periods"])
        assert int((after["hero"] == True).sum()) == int((before["hero"] == True).sum()) > 0  # noqa: E712
        assert (after["n_periods_in_progress"] > 0).all()
        assert attainment.quota_basis(ws).n_future == 1
    finally:
        ws.close()


def test_real_quota_files_without_deals_judge_every_period_and_say_nothing_of_it(real_data):
    """The PL-300 target sheet (809 monthly quotas, no deals): no day to judge at, so every period
    counts as before (attainment then not measured for want of deals), and no line claims a basis."""
    from analytics.ingest.pipeline import import_directory

    ws = Workspace()
    try:
        import_directory(ws, real_data / "quota-pl300-mslearn")
        assert ws.scalar("SELECT count(*) FROM quotas") == 809
        assert attainment.attainment_cut(ws).as_of is None
        judged, params = attainment.attainment_cut(ws).judged_sql("q")
        assert ws.scalar(f"SELECT count(*) FILTER (WHERE {judged}) FROM v_quotas q", params) == 809
        assert attainment.quota_basis(ws).sentence == "" and attainment.quota_basis(ws).n_judged > 0
    finally:
        ws.close()
