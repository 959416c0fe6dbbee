"""Dials, development index, hero pattern, checklist and clusters: hand-computed cases and
the demo's planted archetypes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import adjusted_rand_score
from sklearn.utils.estimator_checks import check_estimator

from analytics.diagnosis.checklist import next_one_on_one
from analytics.diagnosis.clusters import ManagerClusters, cluster_managers
from analytics.diagnosis.dials import (
    EVIDENCE_FRAMES,
    SIGNALS,
    development_index,
    diagnosis,
    dial_scores,
    hero_pattern,
    manager_evidence,
    percentile_ranks,
)
from analytics.filters import Filters
from analytics.ingest.pipeline import import_directory
from analytics.people import managers
from analytics.settings import Settings
from analytics.store.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
TRUTH = json.loads((ROOT / "data" / "demo" / "ground_truth.json").read_text())


def evidence(**cols) -> pd.DataFrame:
    """An evidence frame with every signal column (NaN unless given) and zero counts."""
    n = len(next(iter(cols.values())))
    df = pd.DataFrame({"manager": [f"M{i}" for i in range(n)]})
    for s in SIGNALS:
        df[s.key] = cols.get(s.key, [np.nan] * n)
        df[s.evidence] = 0
    for k, v in cols.items():
        df[k] = v
    return df


def test_percentile_rank_ignores_missing_and_averages_ties():
    ranks = percentile_ranks(pd.Series([0.2, np.nan, 0.8, 0.8]))
    # three measured values: 0.2 is rank 1 of 3, the tied 0.8s share ranks 2 and 3 -> 2.5 of 3
    assert ranks.iloc[0] == pytest.approx(100 / 3)
    assert math.isnan(ranks.iloc[1])
    assert ranks.iloc[2] == ranks.iloc[3] == pytest.approx(250 / 3)


def test_dial_is_the_mean_rank_of_measured_signals_only():
    ev = evidence(lead_direction=[0.1, 0.9], retention=[np.nan, 0.5], lead_motivation=[0.5, 0.2])
    d = dial_scores(ev)
    # M0: direction rank 50, motivation rank 100, retention not measured -> mean 75 over 2 signals
    assert d.loc[0, "lead"] == pytest.approx(75)
    assert d.loc[0, "n_signals_lead"] == 2
    # M1: direction 100, motivation 50, retention 100 (only value) -> mean 83.33 over 3
    assert d.loc[1, "lead"] == pytest.approx(250 / 3)
    assert d.loc[1, "n_signals_lead"] == 3
    assert d.loc[0, "of_signals_lead"] == 4


def test_a_dial_with_no_evidence_is_not_measured_not_zero():
    d = dial_scores(evidence(lead_direction=[0.1, 0.9]))
    assert d["coach"].isna().all()
    assert (d["n_signals_coach"] == 0).all()


def test_signal_weights_change_the_dial():
    ev = evidence(lead_direction=[0.1, 0.9], lead_motivation=[0.9, 0.1])
    plain = dial_scores(ev)
    weighted = dial_scores(ev, Settings(signal_weights=(("lead_direction", 3.0),)))
    assert plain.loc[0, "lead"] == pytest.approx(75)  # (50 + 100) / 2
    assert weighted.loc[0, "lead"] == pytest.approx((3 * 50 + 100) / 4)


def test_skill_time_closeness_prefers_fifty_fifty():
    ev = evidence(skill_time_closeness=[-abs(0.5 - 0.5), -abs(0.2 - 0.5), -abs(0.9 - 0.5)])
    d = dial_scores(ev)
    assert d["rank_skill_time_closeness"].tolist() == pytest.approx([100, 200 / 3, 100 / 3])


def test_development_index_averages_movement_and_independence_ranks():
    ev = pd.DataFrame({"capability_slope": [0.02, 0.0], "independence": [np.nan, 0.5]})
    idx = development_index(ev)
    assert idx.iloc[0] == pytest.approx(100)  # only movement measured, top of two
    assert idx.iloc[1] == pytest.approx((50 + 100) / 2)


def hero_frame(att, inv, slope, n=10, cycles=4, low=None, high=None):
    return pd.DataFrame({"manager": ["M"], "attainment": [att], "involvement_won_complex": [inv],
                         "capability_slope": [slope], "n_complex_won": [n], "n_cycles": [cycles],
                         "capability_slope_low": [slope - 0.005 if low is None else low],
                         "capability_slope_high": [slope + 0.005 if high is None else high]})


def test_hero_pattern_needs_plan_involvement_and_flat_capability():
    h = hero_pattern(hero_frame(1.03, 0.85, 0.001))
    assert h.loc[0, "hero"] is True
    assert "103% of plan" in h.loc[0, "reason"] and "85%" in h.loc[0, "reason"]
    assert hero_pattern(hero_frame(0.95, 0.85, 0.001)).loc[0, "hero"] is False
    assert hero_pattern(hero_frame(1.03, 0.40, 0.001)).loc[0, "hero"] is False
    moving = hero_pattern(hero_frame(1.03, 0.85, 0.02))
    assert moving.loc[0, "hero"] is False and "capability moving" in moving.loc[0, "reason"]


def test_hero_pattern_cannot_tell_without_evidence():
    h = hero_pattern(hero_frame(1.03, np.nan, 0.001))
    assert h.loc[0, "hero"] is None
    assert "manager involvement not measured" in h.loc[0, "reason"]


def test_hero_pattern_needs_enough_deals_and_review_cycles():
    thin = hero_pattern(hero_frame(1.03, 1.0, 0.001, n=2))
    assert thin.loc[0, "hero"] is None
    assert thin.loc[0, "reason"] == ("Cannot tell: manager involvement rests on only 2 won complex deals "
                                     "(needs 5).")
    both = hero_pattern(hero_frame(1.03, 1.0, 0.001, n=1, cycles=2)).loc[0, "reason"]
    assert "only 1 won complex deal (needs 5)" in both and "reviews in only 2 cycles (needs 3)" in both
    assert hero_pattern(hero_frame(1.03, 0.85, 0.001, n=5, cycles=3)).loc[0, "hero"] is True
    assert hero_pattern(hero_frame(1.03, 0.85, 0.001, n=3), Settings(hero_min_complex_won=3)).loc[0, "hero"] is True
    assert hero_pattern(hero_frame(1.03, 0.85, 0.001, cycles=3),
                        Settings(hero_min_review_cycles=4)).loc[0, "hero"] is None
    # thin evidence is not "below plan" either: the verdict is withheld, never False
    assert hero_pattern(hero_frame(0.5, 1.0, 0.001, n=0)).loc[0, "hero"] is None


def test_hero_pattern_judges_flat_by_the_slopes_interval():
    # +0.03 per cycle, but its interval holds 0: not shown to move -> flat, the pattern holds
    noisy = hero_pattern(hero_frame(1.03, 0.85, 0.03, low=-0.01, high=0.07))
    assert noisy.loc[0, "hero"] is True and "95% interval -0.010 to +0.070" in noisy.loc[0, "reason"]
    # the same slope, clear of 0: moving
    clear = hero_pattern(hero_frame(1.03, 0.85, 0.03, low=0.02, high=0.04))
    assert clear.loc[0, "hero"] is False and "capability moving" in clear.loc[0, "reason"]
    # no interval (one series): judged by flat_slope alone
    assert hero_pattern(hero_frame(1.03, 0.85, 0.03, low=np.nan, high=np.nan)).loc[0, "hero"] is False
    # the involvement share is shown with its Wilson interval and n
    h = hero_pattern(hero_frame(1.03, 0.8, 0.0, n=10)).loc[0, "reason"]
    assert "80% of the team's 10 won complex deals (95% interval 49%–94%)" in h


def test_hero_pattern_lives_in_its_own_module():
    from analytics.diagnosis import dials, hero
    assert dials.hero_pattern is hero.hero_pattern


def test_hero_threshold_is_a_setting():
    assert hero_pattern(hero_frame(0.97, 0.85, 0.0), Settings(hero_attainment=0.95)).loc[0, "hero"] is True


def test_checklist_cites_counts_and_skips_strong_behaviours():
    row = pd.Series({"skill_time_share": 0.15, "follow_through_rate": 0.3, "n_due": 10, "n_completed_due": 3,
                     "revisit_rate": np.nan, "involvement_won_complex": 0.2, "confidence_gap": np.nan})
    items = next_one_on_one(row, {"asked_before_telling": (2, 9), "named_specific_gap": (8, 9)}, [])
    text = [i.title + ": " + i.evidence for i in items]
    assert "Ask before telling: only 2 of 9 sessions started with a question" in text
    assert not any(t.startswith("Name the gap") for t in text)
    assert any("3 of 10 actions due were completed" in t for t in text)
    assert any("15% of 1:1 minutes" in t for t in text)
    assert not any("complex deals" in t for t in text)  # 20% involvement is not a problem


def test_clustering_declines_with_too_few_managers():
    ev = evidence(lead_direction=[0.1, 0.5, 0.9], quality_index=[0.2, 0.4, 0.6])
    result = cluster_managers(ev, min_managers=8)
    assert result.model is None and "Only 3 managers" in result.reason


def test_clusters_estimator_is_deterministic():
    X = pd.DataFrame({"a": [0, 0.1, 5, 5.1, 10, 10.2, 0.2, 5.3], "b": [0, 0.2, 5, 5.2, 0, 0.1, 0.1, 4.9]})
    a = ManagerClusters(random_state=0).fit(X)
    b = ManagerClusters(random_state=0).fit(X)
    assert a.k_ == 3 and list(a.labels_) == list(b.labels_)
    assert a.silhouette_ > 0.8 and 0.9 <= a.stability_ <= 1.0
    assert ManagerClusters(k=2, random_state=0).fit(X).k_ == 2


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")  # the array-API check needs SCIPY_ARRAY_API
def test_clusters_estimator_follows_scikit_learn_conventions():
    """ManagerClusters is a scikit-learn clusterer: parameters as given, clone, fit returning
    itself, fit_predict as fit's labels_, and scikit-learn's own estimator checks."""
    X = pd.DataFrame({"a": [0, 0.1, 5, 5.1, 10, 10.2, 0.2, 5.3], "b": [0, 0.2, 5, 5.2, 0, 0.1, 0.1, 4.9]})
    est = ManagerClusters(k=None, k_range=(2, 5), random_state=3, n_bootstrap=7)
    assert est.get_params() == {"k": None, "k_range": (2, 5), "random_state": 3, "n_bootstrap": 7}
    assert not [a for a in vars(est) if a.endswith("_")]  # nothing fitted before fit
    twin = clone(est)
    assert twin is not est and twin.get_params() == est.get_params()
    assert est.fit(X) is est
    assert est.fit_predict(X).tolist() == clone(est).fit(X).labels_.tolist() == est.labels_.tolist()
    assert est.features_ == ["a", "b"] and list(est.feature_names_in_) == ["a", "b"] and est.n_features_in_ == 2
    assert list(est.centers_.columns) == ["a", "b"] and set(est.names_) == set(range(est.k_))
    assert clone(est).set_params(k=2).fit(X).k_ == 2
    assert ManagerClusters(random_state=0).fit(X.to_numpy()).features_ == ["x0", "x1"]
    check_estimator(ManagerClusters(k_range=(2, 3), n_bootstrap=2))


# ---------------------------------------------------------------- the demo's planted truth


@pytest.fixture(scope="module")
def demo_diagnosis(demo_workspace):
    return demo_workspace, diagnosis(demo_workspace)


def _signal_frames() -> dict[str, object]:
    """Every ``*_by_manager`` frame the signal modules define (and attainment's), by qualified name."""
    import importlib
    import inspect
    import pkgutil

    import analytics.signals
    from analytics.results import attainment

    modules = [importlib.import_module(f"analytics.signals.{m.name}")
               for m in pkgutil.iter_modules(analytics.signals.__path__)] + [attainment]
    return {f"{m.__name__}.{name}": fn for m in modules for name, fn in vars(m).items()
            if name.endswith("_by_manager") and inspect.isfunction(fn) and fn.__module__ == m.__name__}


def test_every_signal_frame_is_declared_once_with_a_cost():
    """manager_evidence joins the frames of one declared list of (function, relative cost): a
    signal frame added to the engine without its entry (and so without a cost to start it by) is
    named here."""
    declared = {f"{fn.__module__}.{fn.__name__}": cost for fn, cost in EVIDENCE_FRAMES}
    assert len(declared) == len(EVIDENCE_FRAMES), "a frame declared twice"
    offered = _signal_frames()
    assert len(offered) >= 9  # the finder sees the signal modules
    assert sorted(set(offered) - set(declared)) == [], "signal frames without a cost in dials.EVIDENCE_FRAMES"
    assert sorted(set(declared) - set(offered)) == []
    for name, cost in declared.items():
        assert isinstance(cost, int | float) and not isinstance(cost, bool) and math.isfinite(cost) and cost > 0, name


def test_evidence_columns_follow_the_declared_order(demo_diagnosis):
    """The evidence is the managers, then each declared frame's new columns in the declared order
    (the costliest frame starts first, but nothing about the result depends on that), then the two
    derived signals; every signal of the catalogue and its evidence count is among them."""
    ws, _ = demo_diagnosis
    f, s = Filters(), Settings()
    expected = list(managers(ws, f).columns)
    for fn, _ in EVIDENCE_FRAMES:
        expected += [c for c in fn(ws, f, s).columns if c not in expected]
    expected += ["coverage_vs_standard", "skill_time_closeness"]
    evidence = manager_evidence(ws, f, s)
    assert list(evidence.columns) == expected
    assert [c for sig in SIGNALS for c in (sig.key, sig.evidence) if c not in evidence.columns] == []


def test_developers_hold_the_top_coach_dials(demo_diagnosis):
    _, d = demo_diagnosis
    top3 = d.sort_values("coach", ascending=False)["manager"].head(3)
    assert {TRUTH["managers"][m] for m in top3} == {"developer"}


def test_heroes_are_flagged_in_the_developers_attainment_band(demo_diagnosis):
    _, d = demo_diagnosis
    flagged = set(d.loc[d["hero"] == True, "manager"])  # noqa: E712
    heroes = {m for m, a in TRUTH["managers"].items() if a == "hero"}
    assert flagged == heroes
    att = d.set_index("manager")["attainment"]
    dev, hero = TRUTH["primary"]["developer"], TRUTH["primary"]["hero"]
    assert att[dev] >= 1.0 and att[hero] >= 1.0 and abs(att[dev] - att[hero]) < 0.03


def test_overconfident_coach_has_the_largest_confidence_gap(demo_diagnosis):
    _, d = demo_diagnosis
    assert d.sort_values("confidence_gap", ascending=False)["manager"].iloc[0] == TRUTH["primary"]["overconfident"]


def test_clusters_recover_the_planted_archetypes(demo_diagnosis):
    ws, _ = demo_diagnosis
    from analytics.diagnosis.dials import manager_evidence

    result = cluster_managers(manager_evidence(ws))
    truth = result.members["manager"].map(TRUTH["managers"])
    assert adjusted_rand_score(truth, result.members["cluster"]) >= 0.8
    names = dict(zip(result.members["manager"], result.members["cluster_name"], strict=True))
    assert names[TRUTH["primary"]["developer"]] == "developers"
    assert names[TRUTH["primary"]["hero"]] == "heroes"


def test_a_region_filter_scopes_every_manager_number(demo_diagnosis):
    ws, d = demo_diagnosis
    emea = diagnosis(ws, Filters(regions=("EMEA",)))
    assert set(emea["manager"]) < set(d["manager"])
    assert set(emea["region"]) == {"EMEA"}
    # ranks are among the managers in the filter: the best EMEA coach ranks 100 there
    assert emea["rank_quality_index"].max() == pytest.approx(100)
    assert len(emea) == 5 and emea["rank_quality_index"].min() == pytest.approx(20)


def test_maven_only_shows_what_it_can_and_names_the_rest(real_data):
    ws = Workspace()
    import_directory(ws, real_data / "maven-crm")
    d = diagnosis(ws)
    assert len(d) == 6
    assert d["coach"].isna().all() and d["lead"].isna().all()  # no reviews, coaching or surveys
    assert d["manage"].notna().all() and (d["n_signals_manage"] >= 1).all()  # pipeline hygiene from deals
    assert d["attainment"].isna().all()  # no quota export: not measured, never 0
    assert d["hero"].isna().all() and d["reason"].str.startswith("Cannot tell").all()


def test_hero_verdicts_do_not_depend_on_who_else_is_in_the_filter(demo_diagnosis):
    """Issue 19: a planted hero filtered alone is still a hero, with the same reason; a developer
    alone is still not one (the pattern reads the manager's own evidence, never a rank)."""
    ws, d = demo_diagnosis
    whole = d.set_index("manager")
    for m in (TRUTH["primary"]["hero"], TRUTH["primary"]["developer"]):
        alone = diagnosis(ws, Filters(managers=(m,))).set_index("manager")
        assert alone.loc[m, "hero"] == whole.loc[m, "hero"] and alone.loc[m, "reason"] == whole.loc[m, "reason"]
    hero = whole.loc[TRUTH["primary"]["hero"]]
    assert hero["n_complex_won"] >= Settings().hero_min_complex_won and hero["n_cycles"] >= 3
    assert "95% interval" in hero["reason"] and "won complex deals" in hero["reason"]
