"""Beyond the bell curve (analytics.results.distribution): Pareto shares, stars and strugglers and the
normal-versus-skewed fit, on hand-made tables and deterministic synthetic samples.

Attainment is won amount in the quota period ÷ quota; every rep here has one quota of 100,000
for 2025, so a rep's attainment is their won amount ÷ 100,000.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.results import distribution as dist
from analytics.settings import Settings
from tests.factories import workspace_with

QUOTA = 100_000


def won(rep: str, amount: float, day: str = "2025-06-15", account: str | None = None, product: str | None = None,
        segment: str | None = None) -> dict:
    return {"owner": rep, "stage": "Closed Won", "is_closed": True, "is_won": True, "amount": amount,
            "close_date": day, "created_date": "2025-03-01", "account": account, "product": product,
            "segment": segment}


def lost(rep: str, amount: float, day: str = "2025-06-15") -> dict:
    return {"owner": rep, "stage": "Closed Lost", "is_closed": True, "is_won": False, "amount": amount,
            "close_date": day, "created_date": "2025-03-01"}


def team(attainment: dict[str, float | None], manager: str = "Max", region: str = "EMEA"):
    """People, quotas and one won deal per rep giving the rep exactly that attainment
    (None: the rep has no quota)."""
    people = [{"name": manager, "region": region}]
    people += [{"name": r, "manager": manager, "region": region} for r in attainment]
    quotas = [{"owner": r, "period_start": "2025-01-01", "period_end": "2025-12-31", "amount": QUOTA}
              for r, a in attainment.items() if a is not None]
    # closed on the quota year's last day: the data reaches its end, so the year can be judged
    opps = [won(r, (a if a is not None else 0.5) * QUOTA, day="2025-12-31") for r, a in attainment.items()]
    return people, quotas, opps


# ------------------------------------------------------------------------------ Pareto
@pytest.fixture(scope="module")
def five_reps():
    """Five reps with closed-won revenue 50k, 20k, 15k, 10k, 5k (total 100k) over six deals,
    plus a lost deal and a won deal outside 2025."""
    opps = [won("Ann", 30_000, account="Acme", product="Pro"), won("Ann", 20_000, account="Acme", product="Pro"),
            won("Bob", 20_000, account="Bolt", product="Pro"), won("Cat", 15_000, account="Core", product="Lite"),
            won("Dan", 10_000, account="Bolt", product="Lite"), won("Eve", 5_000, account="Dune", product="Lite"),
            lost("Eve", 99_000), won("Dan", 70_000, day="2024-06-15", account="Dune", product="Lite")]
    people = [{"name": "Max"}] + [{"name": r, "manager": "Max"} for r in ("Ann", "Bob", "Cat", "Dan", "Eve")]
    return workspace_with(people=people, opportunities=opps)


Y2025 = Filters(start=date(2025, 1, 1), end=date(2025, 12, 31))


def test_pareto_by_rep_five_reps_top_20_percent_is_one_rep(five_reps):
    p = dist.pareto(five_reps, Y2025, by="rep")
    t = p.table
    assert t["entity"].tolist() == ["Ann", "Bob", "Cat", "Dan", "Eve"]
    assert t["revenue"].tolist() == [50_000, 20_000, 15_000, 10_000, 5_000]
    assert t["deals"].tolist() == [2, 1, 1, 1, 1]
    assert t["share"].tolist() == pytest.approx([0.5, 0.2, 0.15, 0.1, 0.05])
    assert t["cumulative_share"].tolist() == pytest.approx([0.5, 0.7, 0.85, 0.95, 1.0])
    assert t["entity_cumulative_share"].tolist() == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    assert t["in_top"].tolist() == [True, False, False, False, False]
    assert (p.n_top, p.n_entities, p.n_deals, p.revenue) == (1, 5, 6, 100_000)
    assert p.top_share == pytest.approx(0.5)
    assert p.sentence == "The top 20% of reps (1 of 5) bring 50% of closed-won revenue (6 won deals)."


def test_pareto_without_a_period_counts_every_won_deal(five_reps):
    p = dist.pareto(five_reps, by="rep")
    assert p.table["entity"].tolist()[0] == "Dan"  # 80k with the 2024 deal
    assert p.revenue == 170_000 and p.top_share == pytest.approx(80 / 170)


def test_pareto_by_account_and_product(five_reps):
    acc = dist.pareto(five_reps, Y2025, by="account")
    assert acc.table[["entity", "revenue"]].values.tolist() == [["Acme", 50_000], ["Bolt", 30_000],
                                                                 ["Core", 15_000], ["Dune", 5_000]]
    assert acc.n_top == 1 and acc.top_share == pytest.approx(0.5)
    prod = dist.pareto(five_reps, Y2025, by="product")
    assert prod.table[["entity", "revenue", "deals"]].values.tolist() == [["Pro", 70_000, 3], ["Lite", 30_000, 3]]
    assert prod.n_top == 1 and prod.top_share == pytest.approx(0.7)
    only_lite = dist.pareto(five_reps, Y2025.with_(products=("Lite",)), by="rep")
    assert only_lite.table["entity"].tolist() == ["Cat", "Dan", "Eve"] and only_lite.revenue == 30_000


def test_pareto_ties_at_the_cut_are_broken_by_name_and_do_not_change_the_share():
    people = [{"name": "Max"}] + [{"name": r, "manager": "Max"} for r in "ABCDEF"]
    opps = [won(r, a) for r, a in zip("FEDCBA", [40, 30, 30, 10, 10, 10], strict=True)]
    p = dist.pareto(workspace_with(people=people, opportunities=opps), by="rep")
    # 6 reps: the top 20% is ceil(1.2) = 2; E and D tie at 30, D comes first by name
    assert p.n_top == 2
    assert p.table["entity"].tolist() == ["F", "D", "E", "A", "B", "C"]
    assert p.table["in_top"].tolist() == [True, True, False, False, False, False]
    assert p.top_share == pytest.approx(70 / 130)


def test_pareto_counts_deals_without_the_entity_apart():
    people = [{"name": "Max"}, {"name": "Ann", "manager": "Max"}]
    opps = [won("Ann", 10_000, product="Pro"), won("Ann", 5_000, product=None)]
    p = dist.pareto(workspace_with(people=people, opportunities=opps), by="product")
    assert p.table["entity"].tolist() == ["Pro"] and p.top_share == 1.0
    assert (p.n_deals_unattributed, p.revenue_unattributed) == (1, 5_000)
    assert "1 won deal has no product recorded" in p.sentence


def test_pareto_empty_and_bad_by():
    ws = workspace_with(people=[{"name": "Ann", "manager": "Max"}])
    p = dist.pareto(ws, by="account")
    assert p.table.empty and p.n_top == 0 and np.isnan(p.top_share)
    assert "No closed-won deal" in p.sentence
    with pytest.raises(ValueError):
        dist.pareto(ws, by="region")


def test_top_count_uses_the_ceiling_of_a_fifth():
    assert [dist.top_count(n) for n in (0, 1, 4, 5, 6, 10, 11, 15, 118)] == [0, 1, 1, 1, 2, 2, 3, 3, 24]
    assert dist.top_count(10, top=0.1) == 1


# ------------------------------------------------------------------------------ stars and strugglers
TEN = {f"R{i:02d}": a for i, a in enumerate([0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4])}
TWENTY = {f"T{i:02d}": 0.5 + 0.05 * i for i in range(20)}
#: ten reps where the two lowest tie at 0.5
TIED = {f"S{i:02d}": a for i, a in enumerate([0.5, 0.5, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4])}
FIVE = {"A": 0.8, "B": 1.0, "C": 1.2, "D": 0.9, "E": 1.1}


@pytest.fixture(scope="module")
def teams_ws():
    """One workspace, one team per case: Max leads TEN (and NoQuota, who has no quota), Mia
    TWENTY, Tia TIED, Ivy FIVE (in APAC; the others are in EMEA)."""
    people, quotas, opps = [], [], []
    for reps, manager, region in ((dict(TEN, NoQuota=None), "Max", "EMEA"), (TWENTY, "Mia", "EMEA"),
                                  (TIED, "Tia", "EMEA"), (FIVE, "Ivy", "APAC")):
        p, q, o = team(reps, manager, region)
        people, quotas, opps = people + p, quotas + q, opps + o
    return workspace_with(people=people, quotas=quotas, opportunities=opps)


MAX, MIA, TIA, IVY = (Filters(managers=(m,)) for m in ("Max", "Mia", "Tia", "Ivy"))


def test_percentile_rank_is_mid_rank():
    assert dist.percentile_rank(pd.Series([0.5, 1.4, 0.9, 0.9])).tolist() == [12.5, 87.5, 50.0, 50.0]


def test_stars_and_strugglers_ten_reps_one_of_each(teams_ws):
    out = dist.stars_and_strugglers(teams_ws, MAX)
    assert out.columns.tolist() == dist.STARS_COLUMNS
    assert out[["group", "rep"]].values.tolist() == [["star", "R09"], ["struggler", "R00"]]
    assert out["attainment"].tolist() == pytest.approx([1.4, 0.5])
    assert out["percentile"].tolist() == pytest.approx([95.0, 5.0])
    assert out["manager"].tolist() == ["Max", "Max"]


def test_stars_and_strugglers_boundaries_as_keywords(teams_ws):
    wider = dist.stars_and_strugglers(teams_ws, MAX, top=0.2, bottom=0.3)
    # percentiles 5, 15, ..., 95: star when >= 80 (85, 95), struggler when <= 30 (5, 15, 25)
    assert wider.loc[wider["group"] == "star", "rep"].tolist() == ["R09", "R08"]
    assert wider.loc[wider["group"] == "struggler", "rep"].tolist() == ["R00", "R01", "R02"]
    none = dist.stars_and_strugglers(teams_ws, MAX, top=0.0, bottom=0.0)
    assert none.empty and none.columns.tolist() == dist.STARS_COLUMNS
    with pytest.raises(ValueError):
        dist.stars_and_strugglers(teams_ws, MAX, top=1.5)


def test_stars_and_strugglers_twenty_reps_two_of_each_and_ties_share_a_percentile(teams_ws):
    out = dist.stars_and_strugglers(teams_ws, MIA, Settings())
    assert out.loc[out["group"] == "star", "rep"].tolist() == ["T19", "T18"]
    assert out.loc[out["group"] == "struggler", "rep"].tolist() == ["T00", "T01"]
    # the two lowest tie: both at percentile 10, both strugglers
    out = dist.stars_and_strugglers(teams_ws, TIA)
    assert out.loc[out["group"] == "struggler", "rep"].tolist() == ["S00", "S01"]
    assert out.loc[out["group"] == "struggler", "percentile"].tolist() == pytest.approx([10.0, 10.0])


def test_stars_and_strugglers_rank_among_the_reps_in_scope(teams_ws):
    # Ivy's five reps alone: percentiles 10..90, so one star (C, 1.2) and one struggler (A, 0.8)
    assert dist.stars_and_strugglers(teams_ws, Filters(regions=("APAC",)))["rep"].tolist() == ["C", "A"]
    everyone = dist.stars_and_strugglers(teams_ws)
    assert len(everyone) == 2 * 5  # 45 ranked reps: percentiles >= 90 or <= 10 hold 5 each


# ------------------------------------------------------------------------------ the fit
def skewed_sample(n: int = 120, seed: int = 11) -> np.ndarray:
    """Log-normal attainment: most reps near 0.9, a long tail of a few far above."""
    return np.random.default_rng(seed).lognormal(mean=-0.1, sigma=0.6, size=n)


def symmetric_sample(n: int = 120, seed: int = 11) -> np.ndarray:
    """Mirrored about 1.0: sample skewness exactly 0, so no skewed curve can fit better."""
    z = np.random.default_rng(seed).normal(0, 0.15, size=n // 2)
    return 1.0 + np.concatenate([z, -z])


def test_fit_picks_a_skewed_curve_on_a_skewed_sample():
    r = dist.fit_attainment(skewed_sample())
    assert r.winner in (dist.SKEWNORM, dist.LOGNORM) and r.winner == r.skewed
    fits = r.fits.set_index("model")
    assert fits["fitted"].all()
    assert fits.loc[r.skewed, "aic"] < fits.loc["normal", "aic"] - 10
    # AIC = 2k - 2 log-likelihood
    assert fits["aic"].tolist() == pytest.approx((2 * fits["n_params"] - 2 * fits["loglik"]).tolist())
    assert r.delta_aic == pytest.approx(fits.loc["normal", "aic"] - fits.loc[r.skewed, "aic"])
    assert r.sentence.startswith("A skewed curve") and "n = 120" in r.sentence
    assert "a few reps carry much more than the middle" in r.sentence
    assert r.density.columns.tolist() == dist.DENSITY_COLUMNS and len(r.density) == dist.GRID_POINTS
    assert (r.density[["normal_pdf", "skewed_pdf"]] >= 0).all().all() and r.density["x"].min() >= 0


def test_fit_picks_the_normal_on_a_symmetric_sample():
    r = dist.fit_attainment(symmetric_sample())
    assert r.winner == dist.NORMAL
    fits = r.fits.set_index("model")
    # the skew-normal contains the normal: same likelihood at best, one more parameter
    assert fits.loc["skewnorm", "loglik"] == pytest.approx(fits.loc["normal", "loglik"], abs=1e-3)
    assert fits.loc["normal", "aic"] < fits.loc[r.skewed, "aic"]
    assert r.sentence.startswith("The bell curve fits")


def test_fit_leaves_the_lognormal_out_when_a_value_is_zero():
    x = np.append(skewed_sample(), 0.0)
    r = dist.fit_attainment(x)
    fits = r.fits.set_index("model")
    assert not fits.loc["lognorm", "fitted"] and np.isnan(fits.loc["lognorm", "aic"])
    assert "1 of 121 are 0 or below" in fits.loc["lognorm", "note"]
    assert r.skewed == dist.SKEWNORM and r.winner == dist.SKEWNORM


def test_fit_with_too_few_values_cannot_tell():
    r = dist.fit_attainment([0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 2.5])
    assert r.winner is None and r.skewed is None and r.n == 7
    assert r.sentence.startswith("Only 7 values:") and "too few to tell" in r.sentence
    assert not r.fits["fitted"].any()
    flat = dist.fit_attainment([1.0] * 10)
    assert flat.winner is None and "same value" in flat.sentence


def test_attainment_distribution_from_the_workspace():
    values = np.round(skewed_sample(40, seed=3), 4)
    reps = {f"R{i:02d}": float(v) for i, v in enumerate(values)}
    people, quotas, opps = team({**reps, "NoQuota": None})
    out = dist.attainment_distribution(workspace_with(people=people, quotas=quotas, opportunities=opps))
    assert out.n_without_quota == 1
    assert len(out.reps) == 40 and out.reps["rep"].tolist()[0] == max(reps, key=reps.get)
    assert sorted(out.reps["attainment"]) == pytest.approx(sorted(values))
    assert out.winner in (dist.SKEWNORM, dist.LOGNORM) and out.fit.n == 40
    assert out.sentence.endswith("1 rep has no quota in scope and is left out.")


def test_attainment_distribution_with_too_few_reps(teams_ws):
    out = dist.attainment_distribution(teams_ws, IVY)
    assert out.winner is None and len(out.reps) == 5 and out.n_without_quota == 0
    assert out.sentence == ("Only 5 reps with a quota in scope: too few to tell a bell curve from a skewed one "
                            "(at least 8 are needed).")
    assert len(out.density) == dist.GRID_POINTS and out.density["normal_pdf"].isna().all()


def test_attainment_distribution_follows_the_filters(teams_ws):
    assert dist.attainment_distribution(teams_ws, Filters(regions=("APAC",))).reps["rep"].tolist() == [
        "C", "E", "B", "D", "A"]
    mia = dist.attainment_distribution(teams_ws, MIA)
    assert len(mia.reps) == 20 and mia.n_without_quota == 0 and mia.winner is not None
    assert dist.attainment_distribution(teams_ws, MAX).n_without_quota == 1


# ------------------------------------------------------------------------------ demo smoke
def test_demo_distribution_smoke(demo_ws):
    out = dist.attainment_distribution(demo_ws)
    assert out.winner in (dist.NORMAL, dist.SKEWNORM, dist.LOGNORM)
    assert out.fit.n == len(out.reps) >= dist.MIN_REPS_FOR_FIT
    assert np.isfinite(out.fits.loc[out.fits["model"] == "normal", "aic"]).all()
    for by in ("rep", "account", "product"):
        p = dist.pareto(demo_ws, by=by)
        assert 0 < p.top_share <= 1 and p.n_entities > 0
        assert p.table["share"].between(0, 1).all() and p.table["cumulative_share"].between(0, 1 + 1e-9).all()
        assert p.table["cumulative_share"].iat[-1] == pytest.approx(1.0)
        assert p.table["cumulative_share"].is_monotonic_increasing
    s = dist.stars_and_strugglers(demo_ws)
    assert set(s["group"]) == {"star", "struggler"}
    assert s.loc[s["group"] == "star", "attainment"].min() > s.loc[s["group"] == "struggler", "attainment"].max()
