"""After a filter change the pages read what is held instead of computing again, with the same results.

A region, team or manager change picks its people's rows from what was held for the period
(issue 22: every page under 0.5 s after a filter change at a million deals). Each test here
compares the held path with the direct computation on the demo and on a generated organisation
whose managers' teams straddle regions (so a pick by manager and a pick by region differ), with
reps on no roster, leavers and reviews by another manager.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from unittest import mock

import pandas as pd
import pytest

from analytics.diagnosis import gaps
from analytics.filters import Filters
from analytics.people import filter_options
from analytics.settings import Settings
from tests.factories import workspace_with

CYCLE_DATES = ["2024-12-31", "2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]
CAPS = ["Discovery", "Negotiation", "value articulation", "Pipeline discipline"]


def _org(seed: int = 7, n_reps: int = 60):
    """A generated organisation of a few hundred rows: 6 managers, reps in 3 regions and 4 teams
    drawn apart from their manager (teams straddle regions), a rep on no roster, a leaver."""
    rng = random.Random(seed)
    managers = [f"Mgr {c}" for c in "ABCDEF"]
    people = [{"name": m, "manager": "Dir", "region": rng.choice(["North", "South"]), "team": None}
              for m in managers] + [{"name": "Dir"}]
    reps = [f"Rep {i:02d}" for i in range(n_reps)]
    for i, r in enumerate(reps):
        people.append({"name": r, "manager": managers[i % len(managers)],
                       "region": rng.choice(["North", "South", "West", None]),
                       "team": rng.choice(["Core", "Growth", "Enterprise", "SMB"]),
                       "end_date": "2025-05-01" if i == 5 else None})
    reviews, sessions, actions, quotas, deals = [], [], [], [], []
    for r in [*reps, "Ghost Rep"]:  # "Ghost Rep" is reviewed but on no roster
        for cap in rng.sample(CAPS, 2):
            start = rng.randint(0, 2)
            for c in range(start, len(CYCLE_DATES)):
                reviewer = rng.choice([None, *managers]) if rng.random() < 0.3 else None
                reviews.append({"rep": r, "cycle": f"C{c}", "review_date": CYCLE_DATES[c], "capability": cap,
                                "score": rng.choice([1.5, 2.0, 2.2, 2.6, 3.0, 3.4, 4.0]), "reviewer": reviewer})
            if rng.random() < 0.7:
                day = date(2025, 1, 10) + timedelta(days=rng.randint(0, 300))
                who = rng.choice(managers)
                flags = rng.random() < 0.6
                sessions.append({"manager": who, "rep": r, "session_date": day.isoformat(), "session_type": "1:1",
                                 "focus_capability": cap.upper() if rng.random() < 0.2 else cap,
                                 "named_specific_gap": flags, "asked_before_telling": flags, "tied_to_plan": flags,
                                 "tracked_application": rng.random() < 0.5})
            for _ in range(rng.randint(0, 3)):
                day = date(2025, 1, 5) + timedelta(days=rng.randint(0, 320))
                done = day + timedelta(days=rng.randint(3, 60)) if rng.random() < 0.6 else None
                actions.append({"rep": r, "manager": rng.choice(managers), "capability": cap,
                                "action_type": "Role play", "assigned_date": day.isoformat(),
                                "due_date": (day + timedelta(days=20)).isoformat(),
                                "completed_date": done.isoformat() if done else None})
        if rng.random() < 0.8:
            for q in range(4):
                start = date(2025, 1 + 3 * q, 1)
                end = (date(2025, 4 + 3 * q, 1) if q < 3 else date(2026, 1, 1)) - timedelta(days=1)
                quotas.append({"owner": r, "period_start": start.isoformat(), "period_end": end.isoformat(),
                               "amount": rng.choice([50_000, 80_000, 100_000])})
        for k in range(rng.randint(0, 6)):
            close = date(2025, 1, 3) + timedelta(days=rng.randint(0, 360))
            is_won = rng.random() < 0.5
            deals.append({"owner": r, "name": f"{r} deal {k}", "stage": "Closed Won" if is_won else "Closed Lost",
                          "is_closed": True, "is_won": is_won, "amount": float(rng.randint(5, 90) * 1000),
                          "close_date": close.isoformat(),
                          "created_date": (close - timedelta(days=rng.randint(5, 120))).isoformat()})
    surveys = []
    items = ["My manager gives me a clear direction", "I am motivated to perform for my manager",
             "I believe in our team's plan", "My manager coaches me consistently"]
    for day in ("2025-03-14", "2025-09-12"):
        for m in managers:
            surveys.append({"response_id": f"S{len(surveys)}", "respondent": m, "respondent_role": "manager",
                            "subject_manager": m, "item": "I coach my reps consistently",
                            "score": rng.choice([3, 4, 5]), "scale_max": 5, "survey_date": day})
        for i, r in enumerate(reps):
            if rng.random() < 0.6:  # a rep answers about their manager, now and then without a name
                who = None if rng.random() < 0.1 else r
                for item in rng.sample(items, rng.randint(1, 4)):
                    surveys.append({"response_id": f"S{len(surveys)}", "respondent": who, "respondent_role": "rep",
                                    "subject_manager": managers[i % len(managers)], "item": item,
                                    "score": rng.randint(1, 5), "scale_max": rng.choice([5, 5, 7]),
                                    "survey_date": day})
    return workspace_with(people=people, reviews=reviews, coaching_sessions=sessions, development_actions=actions,
                          quotas=quotas, opportunities=deals, surveys=surveys)


@pytest.fixture(scope="module")
def org():
    ws = _org()
    yield ws
    ws.close()


def _people_picks(ws, few: bool = False) -> list[Filters]:
    """Each region, two teams and three managers of the filter widgets (one of each when
    ``few``), a few combinations, and a region nobody is in."""
    o = filter_options(ws)
    n = 1 if few else None
    picks = [Filters(regions=(r,)) for r in o.regions[:n]] + [Filters(teams=(t,)) for t in o.teams[:n or 2]]
    picks += [Filters(managers=(m,)) for m in o.managers[:n or 3]]
    if len(o.regions) >= 2 and not few:
        picks.append(Filters(regions=tuple(o.regions[:2])))
    if o.regions and o.teams and o.managers:
        picks.append(Filters(regions=(o.regions[0],), teams=tuple(o.teams[:2])))
        picks.append(Filters(regions=(o.regions[-1],), managers=(o.managers[0],)))
    picks.append(Filters(regions=("nowhere",)))
    return picks


def _periods(ws) -> list[Filters]:
    o = filter_options(ws)
    out = [Filters()]
    if o.last_date is not None:
        q = pd.Timestamp(o.last_date).to_period("Q") - 1
        # a segment plays no part in these rep-level results
        out.append(Filters(start=q.start_time.date(), end=q.end_time.date(), segments=("nothing",)))
    return out


# ----------------------------------------------------------------------------- skill gap or fit gap
@pytest.mark.parametrize("which", ["demo", "generated"])
def test_gap_classification_picked_from_the_period_equals_the_direct_classification(which, demo_ws, org):
    ws = demo_ws if which == "demo" else org
    settings = Settings()
    for period in _periods(ws)[:1] if which == "demo" else _periods(ws):  # the demo's classification is the dearer
        for pick in _people_picks(ws, few=True):
            f = Filters(start=period.start, end=period.end, segments=period.segments, regions=pick.regions,
                        teams=pick.teams, managers=pick.managers)
            got = gaps.gap_classification(ws, f, settings)
            pd.testing.assert_frame_equal(got, gaps._classify(ws, f, settings), check_exact=True,
                                          obj=f"{which} {f.summary()}")


def test_a_people_change_picks_the_gaps_from_what_is_held(org, monkeypatch):
    """After the period's classification, a region, team or manager change computes no attainment again."""
    org.forget_derived()
    calls = []
    real = gaps.rep_attainment
    monkeypatch.setattr(gaps, "rep_attainment", lambda *a, **k: calls.append(1) or real(*a, **k))
    everyone = gaps.gap_classification(org, Filters())
    north = gaps.gap_classification(org, Filters(regions=("North",)))
    one = gaps.gap_classification(org, Filters(managers=("Mgr A",)))
    assert len(calls) == 1
    assert 0 < len(north) < len(everyone) and 0 < len(one) < len(everyone)
    gaps.gap_classification(org, Filters(start=date(2025, 4, 1), end=date(2025, 6, 30), regions=("North",)))
    assert len(calls) == 2  # a new period classifies again


# ----------------------------------------------------------------------------- capability movement
@pytest.mark.parametrize("which", ["demo", "generated"])
def test_movement_and_what_reads_it_picked_from_the_period_equal_the_direct_computation(which, demo_ws, org):
    from analytics.diagnosis import movers
    from analytics.signals import capability as cap

    ws = demo_ws if which == "demo" else org
    for period in _periods(ws):
        for pick in _people_picks(ws):
            f = Filters(start=period.start, end=period.end, segments=period.segments, regions=pick.regions,
                        teams=pick.teams, managers=pick.managers)
            direct = cap._movement(cap.review_scores(ws, f))
            pd.testing.assert_frame_equal(cap.movement(ws, f), direct, check_exact=True, obj=f.summary())
        for pick in _people_picks(ws, few=True):
            f = Filters(start=period.start, end=period.end, segments=period.segments, regions=pick.regions,
                        teams=pick.teams, managers=pick.managers)
            # what reads it (the period's movement of everyone is held by the checks above)
            got = cap.capability_by_manager(ws, f), movers.top_movers(ws, f, n=None)
            want = _direct_movement(ws, f)
            pd.testing.assert_frame_equal(got[0], want[0], check_exact=True, obj=f"capability {f.summary()}")
            pd.testing.assert_frame_equal(got[1], want[1], check_exact=True, obj=f"movers {f.summary()}")


def _direct_movement(ws, f):
    """capability_by_manager and top_movers with movement computed from the reviews in scope."""
    from unittest import mock

    from analytics.diagnosis import movers
    from analytics.signals import capability as cap

    direct = lambda ws_, filters=Filters(), settings=Settings(): cap._movement(cap.review_scores(ws_, filters))  # noqa: E731
    with mock.patch.object(cap, "movement", direct):
        return cap.capability_by_manager(ws, f), movers.top_movers(ws, f, n=None)


def test_a_people_change_reads_the_movement_held_for_the_period(org, monkeypatch):
    from analytics.signals import capability as cap

    org.forget_derived()
    calls = []
    real = cap._movement
    monkeypatch.setattr(cap, "_movement", lambda rs: calls.append(len(rs)) or real(rs))
    cap.movement(org, Filters())
    cap.capability_by_manager(org, Filters(regions=("North",)))
    cap.movement(org, Filters(teams=("Core",), managers=("Mgr B",)))
    assert len(calls) == 1


# ----------------------------------------------------------------------------- the needle chain's reps
@pytest.mark.parametrize("which", ["demo", "generated"])
def test_the_needle_chain_picked_from_the_period_equals_the_direct_computation(which, demo_ws, org):
    from analytics.results import needle

    ws = demo_ws if which == "demo" else org
    settings = Settings()
    for period in _periods(ws)[:1] if which == "demo" else _periods(ws):  # the demo's reps are the dearer
        for pick in _people_picks(ws, few=which == "demo"):
            f = Filters(start=period.start, end=period.end, segments=period.segments, regions=pick.regions,
                        teams=pick.teams, managers=pick.managers)
            direct = needle._conversion(needle._rep_rows(ws, f, settings))
            pd.testing.assert_frame_equal(needle.rep_chain(ws, f, settings), direct, check_exact=True,
                                          obj=f"{which} {f.summary()}")


def test_a_people_change_reads_the_needle_rows_held_for_the_period(org, monkeypatch):
    from analytics.results import needle

    org.forget_derived()
    calls = []
    real = needle._rep_rows
    monkeypatch.setattr(needle, "_rep_rows", lambda *a: calls.append(a[1]) or real(*a))
    everyone = needle.needle_chain(org, Filters()).reps
    north = needle.needle_chain(org, Filters(regions=("North",))).reps
    needle.needle_chain(org, Filters(teams=("Core",), managers=("Mgr B",)))
    assert len(calls) == 1
    assert 0 < len(north) < len(everyone)
    needle.needle_chain(org, Filters(start=date(2025, 4, 1), end=date(2025, 6, 30), regions=("North",)))
    assert len(calls) == 2  # a new period computes its reps again


# ----------------------------------------------------------------------------- the survey signal
@pytest.mark.parametrize("which", ["demo", "generated"])
def test_survey_signal_picked_from_the_period_equals_the_direct_computation(which, demo_ws, org):
    from analytics.signals import surveys

    ws = demo_ws if which == "demo" else org
    settings = Settings()
    # the generated organisation's second wave is in 2025 Q3; the demo's answers span its whole data
    periods = [Filters(), Filters(start=date(2025, 7, 1), end=date(2025, 9, 30), segments=("nothing",))]
    seen = 0
    for period in periods[:1] if which == "demo" else periods:
        for pick in _people_picks(ws, few=True):
            f = Filters(start=period.start, end=period.end, segments=period.segments, regions=pick.regions,
                        teams=pick.teams, managers=pick.managers)
            got = surveys.survey_by_manager(ws, f, settings)
            direct = surveys._from_parts(ws, f, settings, surveys._survey_parts.__wrapped__(ws, f, settings))
            pd.testing.assert_frame_equal(got, direct, check_exact=True, obj=f"{which} {f.summary()}")
            seen += int(got["n_survey_responses"].sum() > 0 and got["n_self_ratings"].sum() > 0)
    assert seen >= 3  # picks with answers of every kind were compared, not only empty ones


def test_a_people_change_reads_the_survey_parts_held_for_the_period(org, monkeypatch):
    from analytics.signals import surveys

    org.forget_derived()
    calls = []
    real = surveys.answers
    monkeypatch.setattr(surveys, "answers", lambda *a, **k: calls.append(1) or real(*a, **k))
    everyone = surveys.survey_by_manager(org, Filters())
    north = surveys.survey_by_manager(org, Filters(regions=("North",)))
    surveys.survey_by_manager(org, Filters(teams=("Core",), managers=("Mgr B",)))
    assert len(calls) == 1
    assert 0 < north["n_survey_responses"].sum() < everyone["n_survey_responses"].sum()
    surveys.survey_by_manager(org, Filters(start=date(2025, 7, 1), end=date(2025, 9, 30), regions=("North",)))
    assert len(calls) == 2  # a new period reads the answers again


# ----------------------------------------------------------------------------- development actions
@pytest.mark.parametrize("which", ["demo", "generated"])
def test_actions_picked_from_the_period_equal_the_direct_computation(which, demo_ws, org):
    from analytics.signals import follow_through as ft

    ws = demo_ws if which == "demo" else org
    periods = [Filters(), Filters(start=date(2025, 4, 1), end=date(2025, 9, 30), segments=("nothing",))]
    seen = 0
    for period in periods[:1] if which == "demo" else periods:
        for pick in _people_picks(ws, few=True):
            f = Filters(start=period.start, end=period.end, segments=period.segments, regions=pick.regions,
                        teams=pick.teams, managers=pick.managers)
            got = ft.actions(ws, f)
            pd.testing.assert_frame_equal(got, ft._actions_in_scope(ws, f), check_exact=True,
                                          obj=f"{which} {f.summary()}")
            seen += int(len(got) > 0)
    assert seen >= 3  # picks with actions were compared, not only empty ones


def test_a_people_change_reads_the_actions_held_for_the_period(org, monkeypatch):
    from analytics.signals import follow_through as ft

    org.forget_derived()
    calls = []
    real = ft._actions_in_scope
    monkeypatch.setattr(ft, "_actions_in_scope", lambda *a: calls.append(1) or real(*a))
    everyone = ft.follow_through_by_manager(org, Filters())
    north = ft.follow_through_by_manager(org, Filters(regions=("North",)))
    ft.actions(org, Filters(teams=("Core",), managers=("Mgr B",)))
    assert len(calls) == 1
    assert 0 < north["n_actions"].sum() < everyone["n_actions"].sum()


# ----------------------------------------------------------------------------- independence
@pytest.mark.parametrize("which", ["demo", "generated"])
def test_independence_summed_from_the_period_counts_equals_the_direct_computation(which, demo_ws, org):
    from analytics.signals import independence as ind
    from analytics.store.caching import one_run

    ws = demo_ws if which == "demo" else org
    amount_rule = Settings(use_complexity_flag=False, complexity_percentile=0.5)
    cases = [(Settings(), _periods(ws)[:1])] if which == "demo" else [(Settings(), _periods(ws)),
                                                                      (amount_rule, _periods(ws)[:1])]
    seen = 0
    for settings, periods in cases:
        for period in periods:
            for pick in [Filters(), *_people_picks(ws, few=True)]:  # everyone is summed from the counts too
                f = Filters(start=period.start, end=period.end, segments=period.segments, regions=pick.regions,
                            teams=pick.teams, managers=pick.managers)
                with one_run():
                    got = ind.independence_by_manager(ws, f, settings), ind.dependency_curve(ws, f, settings)
                    from_counts = ind._curve_from_counts(ind._picked_counts(ws, f, settings),
                                                         ind.managers(ws, f)["manager"].tolist())
                with one_run(), mock.patch.object(ind, "_picked_counts", lambda *a: None):  # the deals, as before
                    want = ind.independence_by_manager(ws, f, settings), ind.dependency_curve(ws, f, settings)
                obj = f"{which} {f.summary()}"
                pd.testing.assert_frame_equal(got[0], want[0], check_exact=True, obj=obj)
                pd.testing.assert_frame_equal(got[1], want[1], check_exact=True, obj=obj)
                seen += from_counts is not None
    assert seen >= 3  # curves summed from the counts were compared, not only the fallbacks
