"""The demo organisation: deterministic, canonical, consistent, and its planted truths hold.

The planted truths are recomputed here with plain pandas from the generated frames, following
the metric definitions in FRAMEWORK.md, so the demo is checked independently of the engine.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analytics.schema import TABLES
from tools import demo

TODAY = pd.Timestamp(demo.DEMO_TODAY)


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return demo.generate_demo()


@pytest.fixture(scope="module")
def truth() -> dict:
    return demo.ground_truth()


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> list:
    """The export files, written once for the module."""
    return demo.write_demo(tmp_path_factory.mktemp("demo"))


# ---------------------------------------------------------------------------------------
# Metrics per FRAMEWORK.md, computed directly with pandas
# ---------------------------------------------------------------------------------------


def rep_manager(t) -> pd.Series:
    people = t["people"]
    reps = people[people["role"] == "Account Executive"]
    return reps.set_index("name")["manager"]


def attainment(t) -> pd.Series:
    """Closed-won amount in each quota period / quota, summed over the team, per manager."""
    quotas = t["quotas"].assign(manager=lambda q: q["owner"].map(rep_manager(t)))
    opps = t["opportunities"]
    won = opps[opps["is_won"].fillna(False).astype(bool)][["owner", "amount", "close_date"]]
    m = quotas.merge(won, on="owner", how="left", suffixes=("_quota", "_won"))
    in_period = (m["close_date"] >= m["period_start"]) & (m["close_date"] <= m["period_end"])
    won_sum = m[in_period].groupby("manager")["amount_won"].sum()
    quota_sum = quotas.groupby("manager")["amount"].sum()
    return (won_sum / quota_sum).fillna(0.0)


def rep_attainment(t) -> pd.Series:
    quotas = t["quotas"]
    opps = t["opportunities"]
    won = opps[opps["is_won"].fillna(False).astype(bool)][["owner", "amount", "close_date"]]
    m = quotas.merge(won, on="owner", how="left", suffixes=("_quota", "_won"))
    in_period = (m["close_date"] >= m["period_start"]) & (m["close_date"] <= m["period_end"])
    return m[in_period].groupby("owner")["amount_won"].sum() / quotas.groupby("owner")["amount"].sum()


def normalised_reviews(t) -> pd.DataFrame:
    r = t["reviews"].copy()
    r["norm"] = (r["score"] - r["scale_min"]) / (r["scale_max"] - r["scale_min"])
    r["cycle_ix"] = r["cycle"].map({c: i for i, c in enumerate(demo.CYCLES)})
    r["manager"] = r["rep"].map(rep_manager(t))
    return r


def _slope(x, y) -> float:
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) < 2 or np.ptp(x) == 0:
        return np.nan
    return float(np.polyfit(x, y, 1)[0])


def capability_slope(t, min_cycles: int = 3) -> pd.Series:
    """Mean least-squares slope of the normalised score per cycle, over (rep, capability).

    Series of fewer than ``min_cycles`` reviews (a leaver's last two, say) are left out: a
    two-point slope is mostly rater noise.
    """
    r = normalised_reviews(t)
    r = r[r.groupby(["rep", "capability"])["cycle_ix"].transform("size") >= min_cycles]
    slopes = r.groupby(["manager", "rep", "capability"]).apply(
        lambda g: _slope(g["cycle_ix"], g["norm"]), include_groups=False
    )
    return slopes.groupby(level="manager").mean()


def involvement(t) -> pd.DataFrame:
    """Closed complex deals with the rep's manager, involvement flag, and close quarter."""
    opps = t["opportunities"].copy()
    managers = rep_manager(t)
    opps["manager"] = opps["owner"].map(managers)
    acts = t["activities"].dropna(subset=["opportunity_id"])
    acts = acts.merge(opps[["opportunity_id", "manager"]], on="opportunity_id")
    by_manager = acts[(acts["owner"] == acts["manager"]) | acts["manager_present"].fillna(False).astype(bool)]
    joined = set(by_manager["opportunity_id"])
    opps["involved"] = opps["manager_involved"].fillna(False).astype(bool) | opps["opportunity_id"].isin(joined)
    closed = opps[opps["is_closed"].fillna(False).astype(bool) & opps["is_complex"].fillna(False).astype(bool)]
    closed = closed.assign(quarter=closed["close_date"].dt.year * 4 + (closed["close_date"].dt.quarter - 1))
    closed["quarter"] -= closed["quarter"].min()
    return closed


def dependency_curve(t) -> pd.DataFrame:
    closed = involvement(t)
    return closed.groupby(["manager", "quarter"])["involved"].mean().rename("share").reset_index()


def dependency_slope(t) -> pd.Series:
    curve = dependency_curve(t)
    return curve.groupby("manager").apply(lambda g: _slope(g["quarter"], g["share"]), include_groups=False)


def complex_involvement(t) -> pd.Series:
    return involvement(t).groupby("manager")["involved"].mean()


def coaching_quality(t) -> pd.Series:
    s = t["coaching_sessions"]
    flags = ["named_specific_gap", "asked_before_telling", "tied_to_plan", "tracked_application"]
    return s.groupby("manager")[flags].mean().astype(float).mean(axis=1)


def skill_share(t) -> pd.Series:
    s = t["coaching_sessions"]
    ones = s[s["session_type"] == "1:1"].groupby("manager")[["skill_minutes", "pipeline_minutes"]].sum()
    return ones["skill_minutes"] / (ones["skill_minutes"] + ones["pipeline_minutes"])


def follow_through(t) -> tuple[pd.Series, pd.Series]:
    a = t["development_actions"]
    due = a[a["due_date"] < TODAY]
    rate = due.groupby("manager")["completed_date"].apply(lambda c: c.notna().mean())
    done = a[a["completed_date"].notna()]
    revisit = done.groupby("manager")["revisited_date"].apply(lambda c: c.notna().mean())
    return rate, revisit


def lead_mean(t) -> pd.Series:
    s = t["surveys"]
    reps = s[(s["respondent_role"] == "rep") & s["item"].isin(demo.LEAD_ITEMS)]
    return reps.groupby("subject_manager")["score"].mean()


def confidence_gap(t) -> pd.Series:
    s = t["surveys"]
    own = s[(s["respondent_role"] == "manager") & (s["item"] == demo.CONFIDENCE_ITEM_SELF)]
    reps = s[(s["respondent_role"] == "rep") & (s["item"] == demo.CONFIDENCE_ITEM_REP)]
    own_agree = (own["score"] >= 4).groupby(own["subject_manager"]).mean()
    rep_agree = (reps["score"] >= 4).groupby(reps["subject_manager"]).mean()
    return own_agree - rep_agree


def manager_features(t) -> pd.DataFrame:
    ft, rv = follow_through(t)
    return pd.DataFrame({
        "coaching_quality": coaching_quality(t),
        "skill_share": skill_share(t),
        "follow_through": ft,
        "revisit": rv,
        "capability_slope": capability_slope(t),
        "dependency_slope": dependency_slope(t),
        "complex_involvement": complex_involvement(t),
        "lead": lead_mean(t),
        "confidence_gap": confidence_gap(t),
        "attainment": attainment(t),
    })


def naming_dates(t, rep: str, capability: str) -> pd.Series:
    s = t["coaching_sessions"]
    a = t["development_actions"]
    dates = pd.concat([
        s[(s["rep"] == rep) & (s["focus_capability"] == capability)]["session_date"],
        a[(a["rep"] == rep) & (a["capability"] == capability)]["assigned_date"],
    ])
    return dates.sort_values()


def rises_after_naming(t, rep: str, capability: str) -> list[tuple[str, float]]:
    """For each cycle the gap was named in: best rise over the next two reviews vs the last before."""
    r = normalised_reviews(t)
    r = r[(r["rep"] == rep) & (r["capability"] == capability)].sort_values("review_date")
    named = naming_dates(t, rep, capability)
    out = []
    quarters = sorted(set(named.dt.to_period("Q")))
    for quarter in quarters:
        first = named[named.dt.to_period("Q") == quarter].min()
        before = r[r["review_date"] < first]
        after = r[r["review_date"] >= first].head(2)
        if before.empty or after.empty:
            continue
        out.append((str(quarter), float(after["norm"].max() - before["norm"].iloc[-1])))
    return out


# ---------------------------------------------------------------------------------------
# Determinism and files
# ---------------------------------------------------------------------------------------


def test_generate_is_deterministic(tables):
    again = demo.generate_demo()
    assert list(again) == list(tables)
    for name in tables:
        pd.testing.assert_frame_equal(again[name], tables[name])


def test_write_demo_is_byte_identical(tmp_path, written):
    again = demo.write_demo(tmp_path)
    assert [p.name for p in again] == [p.name for p in written]
    assert {p.name for p in written} == {f"{n}.csv" for n in demo.DEMO_TABLES} | {"ground_truth.json"}
    for a, b in zip(written, again, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    total = sum(p.stat().st_size for p in written)
    assert total < 15_000_000


def test_ground_truth_matches_the_written_file(written, truth):
    on_disk = json.loads(next(p for p in written if p.suffix == ".json").read_text(encoding="utf-8"))
    assert on_disk == truth


def test_export_format(written, tables):
    paths = {p.name: p for p in written}
    for name in demo.DEMO_TABLES:
        raw = paths[f"{name}.csv"].read_bytes()
        assert b"\r\n" not in raw
        header = raw.split(b"\n", 1)[0].decode("utf-8").split(",")
        assert header == list(tables[name].columns)
    opp = pd.read_csv(paths["opportunities.csv"], dtype=str, keep_default_na=False)
    assert opp["created_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert opp["amount"].str.fullmatch(r"\d+\.\d{2}").all()
    assert set(opp["is_won"]) == {"TRUE", "FALSE"}
    hist = pd.read_csv(paths["stage_history.csv"], dtype=str, keep_default_na=False)
    assert hist["changed_at"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}").all()
    actions = pd.read_csv(paths["development_actions.csv"], dtype=str, keep_default_na=False)
    assert (actions["completed_date"] == "").any()  # blank, not "NaT" or "nan"
    assert not actions.isin(["nan", "NaT", "None", "<NA>"]).any().any()
    truth = json.loads(paths["ground_truth.json"].read_text(encoding="utf-8"))
    assert truth["counts"] == {name: len(frame) for name, frame in tables.items()}


# ---------------------------------------------------------------------------------------
# Shapes and consistency
# ---------------------------------------------------------------------------------------


def test_columns_are_canonical_and_required_filled(tables):
    assert set(tables) == set(demo.DEMO_TABLES)
    for name, frame in tables.items():
        schema = TABLES[name]
        order = [c for c in schema.column_names if c in frame.columns]
        assert list(frame.columns) == order, name
        for col in schema.required_columns:
            assert col.name in frame.columns, (name, col.name)
            assert frame[col.name].notna().all(), (name, col.name)
        assert not frame.duplicated(list(schema.key)).any(), name
        assert frame[list(schema.key)].notna().all().all(), name


def test_opportunities_are_consistent(tables):
    opps = tables["opportunities"]
    assert (opps["close_date"] >= opps["created_date"]).all()
    won = opps["is_won"].astype(bool)
    closed = opps["is_closed"].astype(bool)
    assert (closed[won]).all()
    assert (opps.loc[won, "stage"] == "Closed Won").all()
    assert (opps.loc[closed & ~won, "stage"] == "Closed Lost").all()
    assert opps.loc[~closed, "stage"].isin(demo.OPEN_STAGES).all()
    assert opps["stage"].isin(demo.STAGES).all()
    # open deals exist in the last two quarters and only there
    open_created = opps.loc[~closed, "created_date"]
    assert len(open_created) > 300
    assert (open_created >= pd.Timestamp(demo.QUARTERS[6][1])).all()
    # complex is roughly the top quartile of amount
    share = opps["is_complex"].astype(bool).mean()
    assert 0.2 <= share <= 0.3
    assert opps.loc[opps["is_complex"].astype(bool), "amount"].median() > opps["amount"].quantile(0.6)


def test_names_resolve_to_people(tables):
    people = tables["people"]
    names = set(people["name"])
    assert people["name"].is_unique
    assert set(people["manager"].dropna()) <= names
    assert set(tables["opportunities"]["owner"]) <= names
    assert set(tables["activities"]["owner"]) <= names
    assert set(tables["quotas"]["owner"]) <= names
    assert set(tables["reviews"]["rep"]) <= names and set(tables["reviews"]["reviewer"]) <= names
    for name in ("coaching_sessions", "development_actions"):
        assert set(tables[name]["rep"]) <= names and set(tables[name]["manager"]) <= names
    assert set(tables["surveys"]["subject_manager"]) <= names
    assert set(tables["opportunities"]["account"]) <= set(tables["accounts"]["name"])
    assert set(tables["opportunities"]["product"]) <= set(tables["products"]["product"])
    assert set(tables["activities"]["opportunity_id"].dropna()) <= set(tables["opportunities"]["opportunity_id"])
    assert set(tables["stage_history"]["opportunity_id"]) == set(tables["opportunities"]["opportunity_id"])


def test_people_roster(tables):
    people = tables["people"]
    roles = people["role"].value_counts()
    assert roles["Sales Director"] in (2, 3)
    assert roles["Sales Manager"] == 15
    assert 110 <= roles["Account Executive"] <= 135
    directors = people[people["role"] == "Sales Director"]
    assert directors["manager"].isna().all()
    managers = people[people["role"] == "Sales Manager"]
    assert managers["manager"].isin(directors["name"]).all()
    reps = people[people["role"] == "Account Executive"]
    assert reps["manager"].isin(managers["name"]).all()
    current = reps[reps["end_date"].isna()].groupby("manager").size()
    assert current.between(5, 10).all() and len(current) == 15
    assert reps["end_date"].notna().sum() >= 5
    assert (reps["start_date"] >= pd.Timestamp(demo.QUARTERS[0][1])).sum() >= 5
    assert set(people["region"]) == set(demo.REGIONS)
    assert people["person_id"].str.fullmatch(r"U\d{5}").all()
    assert (people["is_active"].astype(bool) == people["end_date"].isna()).all()


def test_stage_history_follows_the_deal(tables):
    hist = tables["stage_history"].sort_values(["opportunity_id", "changed_at"], kind="stable")
    opps = tables["opportunities"].set_index("opportunity_id")
    last = hist.groupby("opportunity_id").tail(1).set_index("opportunity_id")
    assert (last["stage"] == opps.loc[last.index, "stage"]).all()
    first = hist.groupby("opportunity_id").head(1).set_index("opportunity_id")
    assert (first["stage"] == "Prospecting").all()
    assert (first["changed_at"].dt.normalize() == opps.loc[first.index, "created_date"]).all()
    closed = opps[opps["is_closed"].astype(bool)]
    assert (last.loc[closed.index, "changed_at"].dt.normalize() == closed["close_date"]).all()
    order = {s: i for i, s in enumerate(demo.STAGES)}
    ranks = hist["stage"].map(order)
    assert (ranks.groupby(hist["opportunity_id"]).diff().dropna() > 0).all()


def test_coaching_and_actions_are_consistent(tables):
    s = tables["coaching_sessions"]
    assert s["minutes"].between(30, 60).all()
    assert (s["pipeline_minutes"] + s["skill_minutes"] == s["minutes"]).all()
    assert s["session_type"].isin(demo.SESSION_TYPES).all()
    named = s["named_specific_gap"].astype(bool)
    assert s.loc[named, "focus_capability"].notna().all()
    assert s.loc[~named, "focus_capability"].isna().all()
    a = tables["development_actions"]
    gap = (a["due_date"] - a["assigned_date"]).dt.days
    assert gap.between(14, 30).all()
    assert (a["completed_date"].dropna() >= a.loc[a["completed_date"].notna(), "assigned_date"]).all()
    assert a.loc[a["revisited_date"].notna(), "completed_date"].notna().all()
    assert (a["revisited_date"].dropna() > a.loc[a["revisited_date"].notna(), "completed_date"]).all()
    assert (a["due_date"] > TODAY).any() and a.loc[a["due_date"] > TODAY, "completed_date"].isna().any()
    for frame, col in ((s, "session_date"), (a, "assigned_date"), (a, "completed_date"), (a, "revisited_date")):
        assert (frame[col].dropna() <= TODAY).all()


def test_reviews_and_surveys_shape(tables):
    r = tables["reviews"]
    assert set(r["cycle"]) == set(demo.CYCLES)
    assert set(r["capability"]) == set(demo.CAPABILITIES)
    assert r["score"].between(1, 5).all()
    assert ((r["score"] * 10).round() == r["score"] * 10).all()
    s = tables["surveys"]
    assert s["survey_date"].nunique() >= 2
    assert set(s["item"]) == set(demo.LEAD_ITEMS) | {demo.CONFIDENCE_ITEM_REP, demo.CONFIDENCE_ITEM_SELF}
    own = s[s["respondent_role"] == "manager"]
    assert (own["respondent"] == own["subject_manager"]).all()
    assert (own["item"] == demo.CONFIDENCE_ITEM_SELF).all()
    reps = s[s["respondent_role"] == "rep"]
    assert reps["respondent"].str.fullmatch(r"R-\d{4}").all()
    assert s["score"].isin([1, 2, 3, 4, 5]).all()


def test_sizes(tables, truth):
    n = {name: len(frame) for name, frame in tables.items()}
    assert 250 <= n["accounts"] <= 350
    assert 5 <= n["products"] <= 8
    assert 10_000 <= n["opportunities"] <= 14_000
    assert 60_000 <= n["activities"] <= 90_000
    assert 3_000 <= n["coaching_sessions"] <= 5_000
    assert 1_500 <= n["development_actions"] <= 2_500
    assert truth["counts"] == n


# ---------------------------------------------------------------------------------------
# Planted truths
# ---------------------------------------------------------------------------------------


def _by_archetype(truth, series: pd.Series) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for manager, archetype in truth["managers"].items():
        out.setdefault(archetype, []).append(float(series[manager]))
    return out


def test_ground_truth_shape(truth, tables):
    assert truth["seed"] == demo.DEMO_SEED
    assert len(truth["managers"]) == 15
    counts = pd.Series(truth["managers"]).value_counts()
    assert (counts == 3).all() and set(counts.index) == set(demo.ARCHETYPES)
    assert set(truth["primary"]) == set(demo.ARCHETYPES)
    for archetype, name in truth["primary"].items():
        assert truth["managers"][name] == archetype
    assert len(truth["reps"]["moving_skill_gap"]) >= 3
    assert len(truth["reps"]["fit_gap"]) >= 1
    assert len(truth["reps"]["unworked_skill_gap"]) >= 1
    managers = rep_manager(tables)
    for entry in truth["reps"]["moving_skill_gap"]:
        assert truth["managers"][managers[entry["rep"]]] == "developer"
    for entry in truth["reps"]["fit_gap"]:
        assert truth["managers"][managers[entry["rep"]]] in ("developer", "motivator")


def test_attainment_bands(tables, truth):
    att = attainment(tables)
    primary = truth["primary"]
    assert abs(att[primary["developer"]] - att[primary["hero"]]) <= 0.03
    by = _by_archetype(truth, att)
    assert all(0.99 <= a <= 1.07 for a in by["developer"] + by["hero"])
    assert all(0.89 <= a <= 1.0 for a in by["operator"])
    assert all(0.84 <= a <= 0.96 for a in by["motivator"])
    reps = rep_attainment(tables)
    assert 0.55 <= reps.quantile(0.05) and reps.quantile(0.95) <= 1.6
    assert reps.mean() > reps.median()  # right skew: a few stars


def test_capability_movement(tables, truth):
    by = _by_archetype(truth, capability_slope(tables))
    # normalised score per cycle: developers' reps gain ~0.1+ over the two years
    assert all(s > 0.012 for s in by["developer"])
    assert all(abs(s) < 0.008 for s in by["hero"] + by["operator"])


def test_dependency_curve(tables, truth):
    slopes = _by_archetype(truth, dependency_slope(tables))
    assert all(s < -0.03 for s in slopes["developer"])
    assert all(s >= -0.005 for s in slopes["hero"])
    curve = dependency_curve(tables)
    for manager, archetype in truth["managers"].items():
        c = curve[curve["manager"] == manager].sort_values("quarter")["share"].to_numpy()
        if archetype == "developer":
            assert c[:2].mean() > 0.45 and c[-2:].mean() < 0.3
        if archetype == "hero":
            assert c.mean() > 0.72


def test_coaching_signals(tables, truth):
    cq = _by_archetype(truth, coaching_quality(tables))
    share = _by_archetype(truth, skill_share(tables))
    ft, rv = follow_through(tables)
    ft, rv = _by_archetype(truth, ft), _by_archetype(truth, rv)
    assert all(0.65 <= x <= 0.92 for x in cq["developer"])
    assert all(0.1 <= x <= 0.32 for x in cq["hero"])
    assert all(0.4 <= x <= 0.6 for x in share["developer"])
    assert all(x <= 0.22 for x in share["hero"] + share["operator"])
    assert all(x >= 0.72 for x in ft["developer"]) and all(x >= 0.55 for x in rv["developer"])
    assert all(x <= 0.45 for x in ft["motivator"]) and all(x <= 0.25 for x in rv["motivator"])


def test_operators_run_a_tight_pipeline(tables, truth):
    sessions = tables["coaching_sessions"]
    reviews_per_mgr = sessions[sessions["session_type"] == "Pipeline review"].groupby("manager").size()
    # activities logged per rep per working week in post
    people = tables["people"].set_index("name")
    reps = people[people["role"] == "Account Executive"]
    start = reps["start_date"].clip(lower=pd.Timestamp(demo.QUARTERS[0][1]))
    end = reps["end_date"].fillna(TODAY)
    weeks = (end - start).dt.days / 7.0
    acts = tables["activities"]
    per_rep = acts[acts["owner"].isin(reps.index)].groupby("owner").size() / weeks
    managers = rep_manager(tables)
    act_per_mgr = per_rep.groupby(managers).sum() / managers.value_counts()
    opps = tables["opportunities"]
    open_ = opps[~opps["is_closed"].astype(bool)].assign(manager=lambda o: o["owner"].map(managers))
    stale = (open_["close_date"] < TODAY).groupby(open_["manager"]).mean()
    # pipeline coverage: open pipeline against the team's quarterly quota
    current = tables["people"][tables["people"]["end_date"].isna()]["name"]
    quotas = tables["quotas"]
    latest = quotas[(quotas["period_start"] == quotas["period_start"].max()) & quotas["owner"].isin(current)]
    quota = latest.groupby(latest["owner"].map(managers))["amount"].sum()
    covered = open_[open_["owner"].isin(latest["owner"])]
    coverage = covered.groupby("manager")["amount"].sum() / quota
    by_r, by_a, by_s, by_c = (_by_archetype(truth, x) for x in (reviews_per_mgr, act_per_mgr, stale, coverage))
    others = [a for a in demo.ARCHETYPES if a != "operator"]
    assert min(by_r["operator"]) > max(x for a in others for x in by_r[a])
    assert min(by_a["operator"]) > max(x for a in others for x in by_a[a])
    assert max(by_s["operator"]) < min(x for a in others for x in by_s[a])
    assert min(by_c["operator"]) >= 3.0 and max(x for a in others for x in by_c[a]) < 3.0


def test_lead_dial_and_confidence_gap(tables, truth):
    lead = _by_archetype(truth, lead_mean(tables))
    assert all(4.3 <= x <= 4.9 for x in lead["motivator"])
    assert min(lead["motivator"]) > max(x for a in ("hero", "operator", "overconfident") for x in lead[a])
    gap = confidence_gap(tables).sort_values(ascending=False)
    top3 = {truth["managers"][m] for m in gap.index[:3]}
    assert top3 == {"overconfident"}
    by = _by_archetype(truth, gap)
    assert all(x <= 0.2 for x in by["developer"])
    s = tables["surveys"]
    reps = s[(s["respondent_role"] == "rep") & (s["item"] == demo.CONFIDENCE_ITEM_REP)]
    agree = _by_archetype(truth, (reps["score"] >= 4).groupby(reps["subject_manager"]).mean())
    assert all(0.15 <= x <= 0.35 for x in agree["overconfident"])
    assert all(x >= 0.8 for x in agree["developer"])
    # retention: motivators keep their people, the low-Lead teams lose more
    people = tables["people"]
    leavers = people[people["end_date"].notna()].groupby("manager").size()
    lv = _by_archetype(truth, leavers.reindex(list(truth["managers"]), fill_value=0))
    assert sum(lv["motivator"]) < sum(lv["hero"]) + sum(lv["operator"]) + sum(lv["overconfident"])
    assert sum(lv["motivator"]) == 0


def test_moving_skill_gaps_move(tables, truth):
    reviews = normalised_reviews(tables)
    for entry in truth["reps"]["moving_skill_gap"]:
        rises = rises_after_naming(tables, entry["rep"], entry["capability"])
        assert rises, entry
        assert rises[0][1] >= 0.1 - 1e-9, (entry, rises)
        mine = reviews[reviews["rep"] == entry["rep"]]
        first = mine[mine["cycle_ix"] == mine["cycle_ix"].min()].set_index("capability")["norm"]
        assert first[entry["capability"]] <= 0.35, entry  # low at first
        assert first[entry["capability"]] == first.min(), entry  # the rep's weakest capability


def test_fit_gap_does_not_move(tables, truth):
    actions = tables["development_actions"]
    for entry in truth["reps"]["fit_gap"]:
        rises = rises_after_naming(tables, entry["rep"], entry["capability"])
        assert len(rises) >= 2, entry  # named in two or more cycles
        assert all(r < 0.1 for _, r in rises), (entry, rises)
        mine = actions[(actions["rep"] == entry["rep"]) & (actions["capability"] == entry["capability"])]
        due = mine[mine["due_date"] < TODAY]
        assert len(due) >= 4 and due["completed_date"].notna().mean() >= 0.9
        assert rep_attainment(tables)[entry["rep"]] < 0.8


def test_unworked_skill_gap_is_never_named(tables, truth):
    reviews = normalised_reviews(tables)
    for entry in truth["reps"]["unworked_skill_gap"]:
        assert naming_dates(tables, entry["rep"], entry["capability"]).empty
        mine = reviews[(reviews["rep"] == entry["rep"]) & (reviews["capability"] == entry["capability"])]
        assert mine["norm"].mean() <= 0.3


def test_manager_archetypes_cluster(tables, truth):
    pytest.importorskip("sklearn")
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score
    from sklearn.preprocessing import StandardScaler

    features = manager_features(tables)
    assert features.notna().all().all()
    labels = [truth["managers"][m] for m in features.index]
    x = StandardScaler().fit_transform(features.to_numpy())
    predicted = KMeans(n_clusters=5, random_state=0, n_init=10).fit_predict(x)
    assert adjusted_rand_score(labels, predicted) >= 0.8
