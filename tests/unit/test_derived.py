"""Results held per workspace version (Workspace.derived, analytics.store.caching.per_data_version) and the
pandas filters that pick from them (Filters.mask): held once, dropped when the data changes,
never shared between workspaces or changed by a caller, and picking exactly what SQL picks."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.filters import Filters
from analytics.ingest.pipeline import analyse_file, import_files
from analytics.people import reps, roster_names
from analytics.signals.capability import cycles, named_gaps, review_scores
from analytics.signals.independence import closed_deals
from analytics.signals.manage import activity_by_manager
from analytics.store import derived as derived_module
from analytics.store.caching import one_run, per_data_version
from analytics.store.derived import DERIVED_SIZE
from analytics.store.workspace import Workspace
from tests.factories import frame_for, workspace_with


# ------------------------------------------------------------------------------ helpers
def person(name, manager=None, region=None, team=None):
    return {"person_id": name, "name": name, "manager": manager, "region": region, "team": team}


def opp(oid, owner, amount=100.0, won=True, closed=True, close="2025-02-15", stage=None):
    if stage is None:
        stage = ("Closed Won" if won else "Closed Lost") if closed else "Prospecting"
    return {"opportunity_id": oid, "owner": owner, "amount": amount, "stage": stage,
            "is_closed": closed, "is_won": won and closed, "close_date": close}


def act(aid, owner, day):
    return {"activity_id": aid, "owner": owner, "activity_date": day, "activity_type": "Call"}


def review(rep, cycle, day, score, capability="Discovery"):
    return {"rep": rep, "capability": capability, "cycle": cycle, "review_date": day, "score": score}


PEOPLE = [person("Max", region="EMEA", team="T1"),
          person("Ann", "Max", "EMEA", "T1"), person("Bea", "Max", "EMEA", "T1"),
          person("Mia", region="APAC", team="T2"), person("Cal", "Mia", "APAC", "T2")]
OPPS = [opp("o1", "Ann", 100), opp("o2", "Bea", 200, won=False, close="2025-03-10"),
        opp("o3", "Cal", 300, close="2025-05-01"),
        # no flags: open under the default mapping of "Signed Contract"
        {**opp("o4", "Ann", 50, closed=False, stage="Signed Contract"), "is_closed": None, "is_won": None}]
ACTIVITIES = [act("a1", "Ann", "2025-01-06"), act("a2", "Ann", "2025-01-07"), act("a3", "Cal", "2025-01-08")]
REVIEWS = [review("Ann", "2025-Q1", "2025-03-20", 3)]


@pytest.fixture(scope="module")
def saved_small() -> bytes:
    w = workspace_with(people=PEOPLE, opportunities=OPPS, activities=ACTIVITIES, reviews=REVIEWS)
    try:
        return w.save()
    finally:
        w.close()


@pytest.fixture
def ws(saved_small):
    """A fresh workspace of its own per test (opened from the saved small one: quicker than loading)."""
    w = Workspace.open(saved_small)
    yield w
    w.close()


@pytest.fixture
def bare():
    """A workspace with one row: enough to change its data, quicker to make than ``ws``."""
    w = workspace_with(people=[person("Max")])
    yield w
    w.close()


def load(ws: Workspace, table: str, rows: list[dict]) -> None:
    ws.load(table, frame_for(table, rows))


def ids(df: pd.DataFrame) -> list[str]:
    return sorted(df["opportunity_id"])


class Builds:
    """A build function that counts its calls and returns a fresh object each time."""

    def __init__(self, value=None):
        self.n = 0
        self.value = value

    def __call__(self):
        self.n += 1
        return self.value if self.value is not None else ["built", self.n]


# ------------------------------------------------------------------------------ 1. Workspace.derived
def test_derived_builds_once_per_key_and_version():
    w = Workspace()
    try:
        b, c = Builds(), Builds()
        first = w.derived(("k", 1), b)
        assert w.derived(("k", 1), b) is first and b.n == 1
        assert w.derived(("k", 2), c) == ["built", 1] and c.n == 1  # another key: its own build
        assert w.derived(("k", 1), b) is first and b.n == 1
        # a result of None is held too (it was computed; a second build would be wasted)
        calls = []
        assert w.derived(("none",), lambda: calls.append(1)) is None
        assert w.derived(("none",), lambda: calls.append(1)) is None
        assert calls == [1]
    finally:
        w.close()


def test_a_load_of_new_rows_makes_the_next_call_rebuild(bare):
    b = Builds()
    v0 = bare.version
    first = bare.derived(("k",), b)
    load(bare, "people", [person("Dan", "Mia", "APAC", "T2")])
    assert bare.version != v0
    second = bare.derived(("k",), b)
    assert b.n == 2 and second is not first
    assert bare.derived(("k",), b) is second and b.n == 2  # held again for the new version


@pytest.mark.parametrize("change", ["load", "stage outcomes", "insert_arrow"])
def test_every_change_of_data_or_mapping_drops_everything_held(ws, change):
    held = {k: Builds() for k in ("a", "b", "c")}
    for k, b in held.items():
        ws.derived((k,), b)
    if change == "load":  # a replace-by-key load changes data without adding a row
        load(ws, "opportunities", [opp("o1", "Ann", 999)])
    elif change == "stage outcomes":
        ws.set_stage_outcomes({"Signed Contract": (True, True)})
    else:
        ws.insert_arrow("activities", pa.Table.from_pylist([{"activity_id": "a9", "owner": "Ann"}]))
    for k, b in held.items():
        ws.derived((k,), b)
        ws.derived((k,), b)
        assert b.n == 2, k


def test_a_load_that_changes_nothing_keeps_what_is_held(bare):
    b = Builds()
    bare.derived(("k",), b)
    bare.load("people", frame_for("people", [person("Zed")]).iloc[:0])  # no rows: nothing loaded
    bare.derived(("k",), b)
    assert b.n == 1


def test_a_result_built_while_the_data_changed_is_not_kept(bare):
    n = []

    def build():
        n.append(1)
        if len(n) == 1:  # the data changes while the first build runs (another thread, say)
            load(bare, "people", [person("Dan", "Mia", "APAC", "T2")])
        return len(n)

    assert bare.derived(("k",), build) == 1
    assert bare.derived(("k",), build) == 2  # the first result was for an older version: rebuilt
    assert bare.derived(("k",), build) == 2 and len(n) == 2


def test_a_result_built_from_old_data_is_not_kept_after_another_thread_moved_on(bare):
    """Thread A builds from the data as it was; meanwhile another run loads rows and asks for
    a held result at the new version; A's result must not be held for the new version."""
    read, go = threading.Event(), threading.Event()
    results = []

    def count_people():
        n = int(bare.scalar("SELECT count(*) FROM people"))
        if threading.current_thread().name == "slow":
            read.set()
            assert go.wait(10)
        return n

    slow = threading.Thread(name="slow", target=lambda: results.append(bare.derived(("people",), count_people)))
    slow.start()
    assert read.wait(10)
    load(bare, "people", [person("Dan")])
    assert bare.derived(("other",), Builds("other")) == "other"  # a page run at the new version
    go.set()
    slow.join(10)
    assert results == [1]  # A's answer, for the data it read
    assert bare.derived(("people",), count_people) == 2


def test_a_failed_build_holds_nothing(bare):
    def boom():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        bare.derived(("k",), boom)
    b = Builds()
    bare.derived(("k",), b)
    assert b.n == 1


def test_a_result_being_built_is_waited_for_not_built_twice(bare):
    """Two threads (a page's two workers, or the warm-up beside a page) ask for the same
    block: the second waits for the first's build and gets the same object."""
    started, go = threading.Event(), threading.Event()
    builds = []

    def slow():
        builds.append(threading.current_thread().name)
        started.set()
        assert go.wait(10)
        return ["held"]

    got = {}
    first = threading.Thread(name="first", target=lambda: got.setdefault("first", bare.derived(("k",), slow)))
    first.start()
    assert started.wait(10)
    second = threading.Thread(name="second", target=lambda: got.setdefault("second", bare.derived(("k",), slow)))
    second.start()
    second.join(0.2)
    assert second.is_alive()  # waiting for the first build, not building
    go.set()
    first.join(10)
    second.join(10)
    assert builds == ["first"] and got["first"] is got["second"]


def test_a_failed_build_lets_its_waiter_build_its_own(bare):
    started, go = threading.Event(), threading.Event()
    calls = []

    def build():
        calls.append(threading.current_thread().name)
        if threading.current_thread().name == "failing":
            started.set()
            assert go.wait(10)
            raise RuntimeError("boom")
        return "built by the waiter"

    errors, got = [], []
    failing = threading.Thread(name="failing", target=lambda: errors.append(_raises(lambda: bare.derived(("k",), build))))
    failing.start()
    assert started.wait(10)
    waiter = threading.Thread(name="waiter", target=lambda: got.append(bare.derived(("k",), build)))
    waiter.start()
    waiter.join(0.2)
    go.set()
    failing.join(10)
    waiter.join(10)
    assert errors == ["boom"] and got == ["built by the waiter"] and calls == ["failing", "waiter"]


def _raises(fn):
    try:
        fn()
    except RuntimeError as e:
        return str(e)
    return None


def test_a_build_that_asks_for_its_own_key_does_not_wait_for_itself(bare):
    def outer():
        return ("outer", bare.derived(("k",), lambda: "inner"))

    assert bare.derived(("k",), outer) == ("outer", "inner")


def test_in_parallel_keeps_the_order_shares_the_run_store_and_raises():
    from analytics.store.caching import in_parallel, per_run

    calls = []

    @per_run
    def block(ws, x):
        calls.append(x)
        return x * 10

    class WS:
        id, version = "w", 0

    w = WS()
    with one_run():
        block(w, 1)  # computed before the workers start
        assert in_parallel([lambda: block(w, 1), lambda: block(w, 2), lambda: 3]) == [10, 20, 3]
    assert calls == [1, 2]  # the workers found the run's store

    def boom():
        raise ValueError("in a worker")

    with pytest.raises(ValueError, match="in a worker"):
        in_parallel([lambda: 1, boom])


def test_in_parallel_starts_the_costliest_first_and_answers_in_call_order():
    from analytics.store.caching import in_parallel, one_at_a_time

    costs = [2, 9, 1, 8, 5]
    started = []

    def call(i):
        started.append(i)
        return i

    with one_at_a_time():
        assert in_parallel([lambda i=i: call(i) for i in range(5)], costs=costs) == [0, 1, 2, 3, 4]
    assert started == [1, 3, 4, 0, 2]
    started.clear()
    assert in_parallel([lambda i=i: call(i) for i in range(5)], workers=1, costs=[1, 1, 2, 1, 1]) == [0, 1, 2, 3, 4]
    assert started == [2, 0, 1, 3, 4]  # ties start in call order

    # on two threads the two costliest start first: each waits until the other has started (a
    # cheaper call taken first would never reach the barrier, which then breaks)
    started.clear()
    both = threading.Barrier(2, timeout=10)

    def dear(i):
        started.append(i)
        both.wait()
        return i

    calls = [lambda i=i: (dear if costs[i] >= 8 else call)(i) for i in range(5)]
    assert in_parallel(calls, workers=2, costs=costs) == [0, 1, 2, 3, 4]
    assert set(started[:2]) == {1, 3}
    with pytest.raises(ValueError, match="2 costs for 3 calls"):
        in_parallel([lambda: 1] * 3, costs=[1, 2])


def test_one_at_a_time_runs_the_parallel_calls_in_order_on_the_calling_thread():
    from analytics.store.caching import in_parallel, one_at_a_time

    seen = []

    def call(i):
        seen.append((i, threading.get_ident()))
        return i

    with one_at_a_time():
        assert in_parallel([lambda i=i: call(i) for i in range(4)]) == [0, 1, 2, 3]
    assert seen == [(i, threading.get_ident()) for i in range(4)]
    seen.clear()
    in_parallel([lambda i=i: call(i) for i in range(4)])  # outside the block: on the workers again
    assert threading.get_ident() not in {t for _, t in seen}


def test_forget_derived_drops_everything(bare):
    b = Builds()
    bare.derived(("k",), b)
    bare.forget_derived()
    bare.derived(("k",), b)
    bare.derived(("k",), b)
    assert b.n == 2


def test_closing_a_workspace_drops_what_it_held():
    w = Workspace()
    w.derived(("k",), Builds())
    w.close()
    assert len(w._derived) == 0


def test_store_holds_at_most_derived_size_least_recently_used_out():
    assert DERIVED_SIZE == derived_module.DERIVED_SIZE and DERIVED_SIZE >= 2
    w = Workspace()
    try:
        builds = [Builds() for _ in range(DERIVED_SIZE + 2)]
        for i in range(DERIVED_SIZE):
            w.derived((i,), builds[i])
        w.derived((0,), builds[0])  # 0 is now the most recently used; 1 the least
        assert builds[0].n == 1
        w.derived((DERIVED_SIZE,), builds[DERIVED_SIZE])  # one too many: 1 goes
        assert len(w._derived) == DERIVED_SIZE
        for i in [0, *range(2, DERIVED_SIZE + 1)]:  # the others are all still held
            w.derived((i,), builds[i])
            assert builds[i].n == 1, i
        w.derived((1,), builds[1])  # rebuilt, which drops the least recently used (0)
        assert builds[1].n == 2
        assert len(w._derived) == DERIVED_SIZE
        w.derived((0,), builds[0])
        assert builds[0].n == 2
        for k in range(3 * DERIVED_SIZE):  # however many keys are asked for
            w.derived(("more", k), Builds())
            assert len(w._derived) <= DERIVED_SIZE
    finally:
        w.close()


def test_filtered_pool_results_never_push_out_the_datas_own():
    w = Workspace()
    try:
        size = derived_module.POOL_SIZES["filtered"]
        data = [Builds() for _ in range(3)]
        for i, b in enumerate(data):
            w.derived(("data", i), b)
        filtered = [Builds() for _ in range(size + 5)]
        for i, b in enumerate(filtered):  # many filter settings come and go
            w.derived(("filtered", i), b, "filtered")
        assert len(w._derived) == 3 + size
        for i, b in enumerate(data):  # every block of the data alone is still held
            w.derived(("data", i), b)
            assert b.n == 1
        w.derived(("filtered", size + 4), filtered[-1], "filtered")  # the newest filtered ones too
        assert filtered[-1].n == 1
        w.derived(("filtered", 0), filtered[0], "filtered")  # the oldest went
        assert filtered[0].n == 2
        w.forget_derived()
        assert not w._derived and not w._results.pool
    finally:
        w.close()


def test_filtered_pool_holds_at_most_its_bytes_keeping_the_newest(monkeypatch):
    monkeypatch.setitem(derived_module.POOL_BYTES, "filtered", 3 * 8 * 1000 + 500)
    w = Workspace()
    try:
        def frame(rows):
            return lambda: pd.DataFrame({"x": np.zeros(rows)})  # 8 bytes a row (+ a small index)

        w.derived(("data",), frame(100_000))  # the data's own pool has no byte budget
        for i in range(5):
            w.derived(("f", i), frame(1000), "filtered")
        held = [k for k in w._derived if w._results.pool.get(k) == "filtered"]
        assert held == [("f", 2), ("f", 3), ("f", 4)]  # three fit; the oldest went first
        w.derived(("big",), frame(10_000), "filtered")  # over the budget alone: kept, the others go
        assert [k for k in w._derived if w._results.pool.get(k) == "filtered"] == [("big",)]
        assert ("data",) in w._derived
    finally:
        w.close()


def test_each_result_in_a_budgeted_pool_is_measured_once_and_let_go_with_it(monkeypatch):
    """The pool's byte budget measures a result when it is held, not again for every result held
    after it; a result dropped, replaced or cleared is not kept alive by its measure."""
    monkeypatch.setitem(derived_module.POOL_BYTES, "filtered", 3 * 8 * 1000 + 500)
    measured = []
    real = derived_module.frame_bytes
    monkeypatch.setattr(derived_module, "frame_bytes", lambda v: measured.append(v) or real(v))
    w = Workspace()
    try:
        for i in range(6):
            w.derived(("f", i), lambda: pd.DataFrame({"x": np.zeros(1000)}), "filtered")
        assert len(measured) == 6  # one per result (it was 1 + 2 + 3 + 4 + 4 + 4)
        assert [k for k in w._derived if w._results.pool.get(k) == "filtered"] == [("f", 3), ("f", 4), ("f", 5)]
        assert set(w._results._sizes) == {("f", 3), ("f", 4), ("f", 5)}
        w.forget_derived()
        assert w._results._sizes == {}
    finally:
        w.close()


def test_two_workspaces_never_share_held_results():
    a = workspace_with(people=PEOPLE, opportunities=[opp("o1", "Ann", 100)])
    b = workspace_with(people=PEOPLE, opportunities=[opp("x1", "Cal", 100)])
    try:
        assert a.version == b.version  # same version numbers, different data
        ba, bb = Builds("from a"), Builds("from b")
        assert a.derived(("k",), ba) == "from a"
        assert b.derived(("k",), bb) == "from b"
        assert a.derived(("k",), ba) == "from a" and (ba.n, bb.n) == (1, 1)
        # through the held building blocks: interleaved calls each see their own data
        assert ids(closed_deals(a)) == ["o1"]
        assert ids(closed_deals(b)) == ["x1"]
        assert ids(closed_deals(a)) == ["o1"]
        assert ids(closed_deals(b, Filters(regions=("APAC",)))) == ["x1"]
        assert closed_deals(a, Filters(regions=("APAC",))).empty
        # a change to one does not drop what the other holds
        load(a, "opportunities", [opp("o2", "Bea", 100)])
        assert b.derived(("k",), bb) == "from b" and bb.n == 1
    finally:
        a.close()
        b.close()


# ------------------------------------------------------------------------------ 2. per_data_version
_calls: list = []


@per_data_version
def _frame(ws, scale=1):
    _calls.append(scale)
    return pd.DataFrame({"a": [1 * scale, 2 * scale, 3 * scale], "s": ["x", "y", "z"]})


@per_data_version
def _unhashable(ws, values):
    _calls.append(tuple(values))
    return len(values)


def test_per_data_version_runs_once_per_version_and_bound_arguments(bare):
    _calls.clear()
    _frame(bare)
    _frame(bare, 1)
    _frame(bare, scale=1)  # the same bound arguments, however they are passed
    assert _calls == [1]
    _frame(bare, 2)
    assert _calls == [1, 2]
    load(bare, "people", [person("Dan")])
    _frame(bare)
    assert _calls == [1, 2, 1]
    # unhashable arguments: computed every time, never an error
    assert _unhashable(bare, [1, 2]) == 2 and _unhashable(bare, [1, 2]) == 2
    assert _calls[-2:] == [(1, 2), (1, 2)]

    class Bare:  # not a Workspace: nothing to hold results in
        version = 0

    _calls.clear()
    _frame(Bare())
    _frame(Bare())
    assert _calls == [1, 1]


def test_a_caller_changing_its_frame_does_not_change_the_next_callers(bare):
    _calls.clear()
    expected = pd.DataFrame({"a": [1, 2, 3], "s": ["x", "y", "z"]})
    first = _frame(bare)
    first["new"] = 1                      # add a column
    first["a"] = [7, 8, 9]                # replace a column
    first.loc[0, "s"] = "changed"         # assign values in place
    first.iloc[1, 0] = -1
    first["s"] = first["s"].str.upper()
    first.columns = ["A", "S", "NEW"]   # rename in place
    first.index = [10, 11, 12]
    del first["NEW"]
    second = _frame(bare)
    assert _calls == [1]  # held, not rebuilt
    pd.testing.assert_frame_equal(second, expected)
    second.iloc[0, 0] = 100
    second.loc[:, "s"] = "q"
    pd.testing.assert_frame_equal(_frame(bare), expected)


def test_changing_a_building_blocks_result_does_not_change_the_held_one(ws):
    """The real per-version blocks, through the functions pages call."""
    base_reps, base_deals, base_cycles = reps(ws), closed_deals(ws), cycles(ws)
    base_scores = review_scores(ws)

    r = reps(ws)  # unfiltered: the held frame itself, copied shallowly
    r["region"] = "Nowhere"
    r.loc[0, "rep"] = "Nobody"
    r["extra"] = 1
    d = closed_deals(ws)
    d.loc[:, "amount"] = 0.0
    d["owner"] = "Nobody"
    c = cycles(ws)
    c.loc[0, "cycle_index"] = 99
    c["cycle"] = "changed"
    s = review_scores(ws)
    s.loc[0, "score"] = -5.0
    s["rep"] = "Nobody"

    pd.testing.assert_frame_equal(reps(ws), base_reps)
    pd.testing.assert_frame_equal(closed_deals(ws), base_deals)
    pd.testing.assert_frame_equal(cycles(ws), base_cycles)
    pd.testing.assert_frame_equal(review_scores(ws), base_scores)
    # the filters still pick from the unchanged data
    assert sorted(reps(ws, Filters(regions=("EMEA",)))["rep"]) == ["Ann", "Bea"]
    assert sorted(roster_names(ws, Filters(regions=("APAC",)))) == ["Cal", "Mia"]


# ------------------------------------------------------------------------------ 3. staleness end to end
def test_closed_deals_follow_loads_and_stage_outcomes(ws):
    assert ids(closed_deals(ws)) == ["o1", "o2", "o3"]
    assert ids(closed_deals(ws, Filters(regions=("EMEA",)))) == ["o1", "o2"]
    # closed amounts 100 200 300: 75th percentile 250, so o3 (300) is complex by amount
    assert bool(closed_deals(ws).set_index("opportunity_id").loc["o3", "is_complex"]) is True

    load(ws, "opportunities", [opp("o5", "Bea", 1000, close="2025-04-01"),
                               opp("o2", "Bea", 200, closed=False)])  # o2 reopened (replaced by key)
    assert ids(closed_deals(ws)) == ["o1", "o3", "o5"]
    assert ids(closed_deals(ws, Filters(regions=("EMEA",)))) == ["o1", "o5"]
    # the organisation's threshold moved with the data: 100 300 1000 -> 650, so 300 is not complex
    d = closed_deals(ws).set_index("opportunity_id")
    assert bool(d.loc["o3", "is_complex"]) is False and bool(d.loc["o5", "is_complex"]) is True

    ws.set_stage_outcomes({"Signed Contract": (True, True)})
    d = closed_deals(ws).set_index("opportunity_id")
    assert sorted(d.index) == ["o1", "o3", "o4", "o5"]
    assert bool(d.loc["o4", "is_won"]) is True
    assert ids(closed_deals(ws, Filters(start=date(2025, 2, 15), end=date(2025, 2, 15)))) == ["o1", "o4"]


def test_review_scores_and_cycles_follow_loads(ws):
    s = review_scores(ws)
    assert list(zip(s["cycle"], s["cycle_index"], s["score"], strict=True)) == [("2025-Q1", 0, 3.0)]
    assert review_scores(ws, Filters(regions=("APAC",))).empty

    load(ws, "reviews", [review("Ann", "2025-Q2", "2025-06-20", 4), review("Ann", "2024-Q4", "2024-12-15", 2),
                         review("Cal", "2025-Q2", "2025-06-21", 5)])
    s = review_scores(ws)
    assert list(zip(s["rep"], s["cycle"], s["cycle_index"], s["score"], strict=True)) == [
        ("Ann", "2024-Q4", 0, 2.0), ("Ann", "2025-Q1", 1, 3.0), ("Ann", "2025-Q2", 2, 4.0),
        ("Cal", "2025-Q2", 2, 5.0)]
    assert list(cycles(ws)["cycle"]) == ["2024-Q4", "2025-Q1", "2025-Q2"]
    assert list(review_scores(ws, Filters(regions=("APAC",)))["rep"]) == ["Cal"]
    assert list(review_scores(ws, Filters(managers=("Mia",)))["rep"]) == ["Cal"]

    # Ann moves to APAC (her People row replaced by key): region filters follow the roster
    load(ws, "people", [person("Ann", "Mia", "APAC", "T2")])
    assert sorted(review_scores(ws, Filters(regions=("APAC",)))["cycle"]) == ["2024-Q4", "2025-Q1", "2025-Q2", "2025-Q2"]
    assert review_scores(ws, Filters(regions=("EMEA",))).empty
    assert ids(closed_deals(ws, Filters(regions=("APAC",)))) == ["o1", "o3"]


def test_activity_by_manager_follows_loads(ws):
    a = activity_by_manager(ws).set_index("manager")
    # Max: Ann's one week (2 activities; Bea has none); Mia: Cal's one week (1); target 5
    assert a.loc["Max"].to_dict() == {"activity_standard_met": 0.0, "activities_per_rep_week": 2.0, "n_rep_weeks": 1}
    assert a.loc["Mia"].to_dict() == {"activity_standard_met": 0.0, "activities_per_rep_week": 1.0, "n_rep_weeks": 1}

    load(ws, "activities", [act(f"b{i}", "Ann", "2025-01-22") for i in range(5)])
    a = activity_by_manager(ws).set_index("manager")
    # Ann: weeks of 6, 13 (none) and 20 January: 2, 0, 5 activities
    assert a.loc["Max", "n_rep_weeks"] == 3
    assert a.loc["Max", "activities_per_rep_week"] == pytest.approx(7 / 3)
    assert a.loc["Max", "activity_standard_met"] == pytest.approx(1 / 3)
    assert a.loc["Mia"].to_dict() == {"activity_standard_met": 0.0, "activities_per_rep_week": 1.0, "n_rep_weeks": 1}

    e = activity_by_manager(ws, Filters(regions=("EMEA",)))
    assert e["manager"].tolist() == ["Max"] and e["n_rep_weeks"].tolist() == [3]
    # Cal moves to Max's team in EMEA: his week now counts for Max
    load(ws, "people", [person("Cal", "Max", "EMEA", "T1")])
    a = activity_by_manager(ws).set_index("manager")
    assert a.loc["Max", "n_rep_weeks"] == 4
    assert a.loc["Max", "activities_per_rep_week"] == pytest.approx(8 / 4)
    assert "Mia" not in a.index  # she manages no rep now
    e = activity_by_manager(ws, Filters(regions=("EMEA",)))
    assert e["n_rep_weeks"].tolist() == [4]


def test_reps_follow_loads(ws):
    assert reps(ws)["rep"].tolist() == ["Ann", "Bea", "Cal"]
    assert reps(ws, Filters(managers=("Mia",)))["rep"].tolist() == ["Cal"]

    load(ws, "people", [person("Dan", "Mia", "APAC", "T2")])
    assert reps(ws)["rep"].tolist() == ["Ann", "Bea", "Cal", "Dan"]
    assert reps(ws, Filters(managers=("Mia",)))["rep"].tolist() == ["Cal", "Dan"]
    assert sorted(roster_names(ws, Filters(managers=("Mia",)))) == ["Cal", "Dan"]

    load(ws, "opportunities", [opp("o9", "Eve", 10)])  # an owner not in the roster is a rep too
    r = reps(ws).set_index("rep")
    assert "Eve" in r.index and pd.isna(r.loc["Eve", "region"])
    assert "Eve" not in set(reps(ws, Filters(regions=("EMEA",)))["rep"])


def test_inside_one_run_a_load_is_seen_too(ws):
    """Pages run inside a one_run() block, which holds results of its own (keyed by version)."""
    with one_run():
        assert ids(closed_deals(ws)) == ["o1", "o2", "o3"]
        n_reviews = len(review_scores(ws))
        n_reps = len(reps(ws))
        load(ws, "opportunities", [opp("o6", "Cal", 10)])
        load(ws, "reviews", [review("Bea", "2025-Q1", "2025-03-21", 2)])
        load(ws, "people", [person("Dan", "Mia", "APAC", "T2")])
        assert ids(closed_deals(ws)) == ["o1", "o2", "o3", "o6"]
        assert len(review_scores(ws)) == n_reviews + 1
        assert len(reps(ws)) == n_reps + 1


# ------------------------------------------------------------------------------ 4. Filters.mask = Filters.clause
_DATES = [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-31"), pd.Timestamp("2025-01-31 13:45"),
          pd.Timestamp("2025-02-01"), pd.NaT, pd.Timestamp("2024-12-31 23:59:59"), pd.Timestamp("2025-03-15")]
_REGIONS = ["EMEA", "APAC", None, "emea", "EMEA ", ""]
_TEAMS = ["T1", "T2", None]
_MANAGERS = ["Max", "Mia", None, "Max Mustermann"]
_SEGMENTS = ["SMB", "Ent", None]
_PRODUCTS = ["P1", None, "P2"]
_COLUMNS = dict(date="d", region="region", team="team", manager="manager", segment="segment", product="product")


def _mask_frame() -> pd.DataFrame:
    n = 84
    df = pd.DataFrame({
        "i": range(n),
        "d": [_DATES[i % 7] for i in range(n)],
        "region": [_REGIONS[i % 6] for i in range(n)],
        "team": [_TEAMS[(i // 2) % 3] for i in range(n)],
        "manager": [_MANAGERS[(i // 3) % 4] for i in range(n)],
        "segment": [_SEGMENTS[(i // 5) % 3] for i in range(n)],
        "product": [_PRODUCTS[(i // 7) % 3] for i in range(n)],
    })
    assert df["d"].dtype.kind == "M"
    return df


@pytest.fixture(scope="module")
def mask_sql():
    """The frame in DuckDB, the rows SQL selects under the filters' clause, and the frame's variants."""
    frame = _mask_frame()
    con = duckdb.connect()
    con.register("t", frame)

    def selected(f: Filters) -> list[int]:
        where, params = f.clause(**_COLUMNS)
        return sorted(int(i) for (i,) in con.execute(f"SELECT i FROM t WHERE {where}", params).fetchall())

    yield frame, selected, _variants(frame)
    con.close()


def _variants(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The same rows as the building blocks may hold them: object or string columns, categories
    (closed deals hold their filter columns so), another date unit, an index not 0..n."""
    strings = ["region", "team", "manager", "segment", "product"]
    obj = frame.astype({c: object for c in strings})
    obj[strings] = obj[strings].where(obj[strings].notna(), None)
    cat = frame.astype({c: "category" for c in strings})
    ns = frame.assign(d=frame["d"].astype("datetime64[ns]"))
    shuffled = frame.iloc[::-1].set_index(pd.Index([10 * k + 7 for k in range(len(frame))]))
    return {"default": frame, "object": obj, "category": cat, "ns": ns, "shuffled index": shuffled}


def _picked(f: Filters, frame: pd.DataFrame) -> list[int]:
    keep = f.mask(frame, **_COLUMNS)
    assert keep.dtype == bool and keep.index.equals(frame.index)
    return sorted(int(i) for i in frame.loc[keep, "i"])


MASK_CASES = [
    Filters(),
    Filters(start=date(2025, 1, 31)),
    Filters(end=date(2025, 1, 31)),                       # 13:45 that day is after it, as in SQL
    Filters(start=date(2025, 1, 1), end=date(2025, 1, 31)),
    Filters(start=date(2025, 2, 1), end=date(2025, 1, 1)),  # an empty period
    Filters(start=date(2025, 3, 15), end=date(2025, 3, 15)),
    Filters(regions=("EMEA",)),
    Filters(regions=("EMEA", "APAC", "LATAM")),
    Filters(regions=("",)),
    Filters(regions=("emea", "EMEA ")),
    Filters(teams=("T2",)),
    Filters(managers=("Max",)),
    Filters(managers=("Max Mustermann", "Nobody")),
    Filters(segments=("SMB", "Ent")),
    Filters(products=("P2",)),
    Filters(regions=("LATAM",)),                          # nothing
    Filters(start=date(2025, 1, 1), regions=("EMEA",), teams=("T1",)),
    Filters(end=date(2025, 2, 1), managers=("Mia",), segments=("Ent",), products=("P1", "P2")),
    Filters(start=date(2024, 12, 31), end=date(2025, 3, 15), regions=("EMEA", "APAC"), teams=("T1", "T2"),
            managers=("Max", "Mia"), segments=("SMB",), products=("P1",)),
]


@pytest.mark.parametrize("f", MASK_CASES, ids=[f.summary() for f in MASK_CASES])
def test_mask_picks_the_rows_the_clause_selects(mask_sql, f):
    frame, selected, variants = mask_sql
    expected = selected(f)
    for name, variant in variants.items():
        assert _picked(f, variant) == expected, name
    if f.is_default:
        assert expected == list(range(len(frame)))


def test_a_missing_value_is_never_in_a_filtered_scope(mask_sql):
    frame, selected, _ = mask_sql
    f = Filters(start=date(2000, 1, 1), end=date(2100, 1, 1), regions=tuple(r for r in _REGIONS if r is not None))
    picked = frame.loc[f.mask(frame, **_COLUMNS)]
    assert picked["d"].notna().all() and picked["region"].notna().all()
    assert sorted(picked["i"]) == selected(f)
    # and an attribute the caller does not name is not filtered
    assert f.mask(frame).all()


def test_mask_on_an_empty_frame(mask_sql):
    frame, _, _ = mask_sql
    empty = frame.iloc[:0]
    keep = MASK_CASES[-1].mask(empty, **_COLUMNS)
    assert keep.empty and keep.dtype == bool


_DAYS = [None, date(2024, 12, 31), date(2025, 1, 1), date(2025, 1, 31), date(2025, 2, 1), date(2025, 3, 15),
         date(2025, 3, 16)]


def _some(values):
    return st.lists(st.sampled_from(values), max_size=3, unique=True).map(tuple)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(start=st.sampled_from(_DAYS), end=st.sampled_from(_DAYS),
       regions=_some(["EMEA", "APAC", "emea", "EMEA ", "", "LATAM"]), teams=_some(["T1", "T2", "T3"]),
       managers=_some(["Max", "Mia", "Max Mustermann", "max"]), segments=_some(["SMB", "Ent", "Mid"]),
       products=_some(["P1", "P2", "P3"]))
def test_mask_equals_clause_for_any_filters(mask_sql, start, end, regions, teams, managers, segments, products):
    frame, selected, variants = mask_sql
    f = Filters(start=start, end=end, regions=regions, teams=teams, managers=managers, segments=segments,
                products=products)
    expected = selected(f)
    assert _picked(f, frame) == expected
    assert _picked(f, variants["category"]) == expected


# ------------------------------------------------------------------------------ 5. filtered = picked from unfiltered
DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
#: the demo exports these tests read (imported alone, through the upload path, for speed)
DEMO_TABLES = ("people", "opportunities", "reviews", "coaching_sessions", "development_actions")


@pytest.fixture(scope="module")
def demo_ws():
    w = Workspace()
    reports = import_files(w, [analyse_file(f"{t}.csv", (DEMO / f"{t}.csv").read_bytes()) for t in DEMO_TABLES])
    assert all(r.error is None and r.rows_rejected == 0 for r in reports)
    yield w
    w.close()


def _roster_in(ws: Workspace, column: str, value: str) -> set[str]:
    return set(ws.query(f"SELECT name FROM v_roster WHERE {column} = ?", [value])["name"])


def _same(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(actual.reset_index(drop=True), expected.reset_index(drop=True))


def test_demo_reps_filtered_are_the_reps_with_that_roster_row(demo_ws):
    """people.reps: "the filters (region, team, manager on the rep's roster row) pick from them"."""
    every = reps(demo_ws)
    regions = sorted(every["region"].dropna().unique())
    assert len(regions) >= 2
    for r in regions:
        _same(reps(demo_ws, Filters(regions=(r,))), every[every["region"] == r])
    team, manager = every["team"].dropna().iloc[0], every["manager"].dropna().iloc[-1]
    _same(reps(demo_ws, Filters(teams=(team,))), every[every["team"] == team])
    _same(reps(demo_ws, Filters(managers=(manager,), regions=tuple(regions))),
          every[every["manager"] == manager])


def test_demo_closed_deals_filtered_are_the_deals_of_owners_in_scope(demo_ws):
    """independence: the period filter applies to close_date; region / team / manager / segment /
    product to the deal's row in v_opportunities (its owner's roster region, team and manager)."""
    every = closed_deals(demo_ws)
    assert len(every) > 1000
    regions = sorted(demo_ws.query("SELECT DISTINCT region FROM v_roster WHERE region IS NOT NULL")["region"])
    for r in regions:
        _same(closed_deals(demo_ws, Filters(regions=(r,))), every[every["owner"].isin(_roster_in(demo_ws, "region", r))])
    team = sorted(demo_ws.query("SELECT DISTINCT team FROM v_roster WHERE team IS NOT NULL")["team"])[0]
    _same(closed_deals(demo_ws, Filters(teams=(team,))), every[every["owner"].isin(_roster_in(demo_ws, "team", team))])
    manager = every["manager"].dropna().iloc[0]
    _same(closed_deals(demo_ws, Filters(managers=(manager,))), every[every["manager"] == manager])

    start, end = date(2025, 1, 1), date(2025, 3, 31)
    in_period = every[(every["close_date"] >= pd.Timestamp(start)) & (every["close_date"] <= pd.Timestamp(end))]
    assert 0 < len(in_period) < len(every)
    _same(closed_deals(demo_ws, Filters(start=start, end=end)), in_period)

    seg = demo_ws.query("SELECT segment, count(*) AS n FROM v_opportunities WHERE is_closed AND segment IS NOT NULL "
                        "GROUP BY 1 ORDER BY n DESC, segment LIMIT 1")["segment"].iloc[0]
    seg_ids = set(demo_ws.query("SELECT opportunity_id FROM v_opportunities WHERE segment = ?", [seg])["opportunity_id"])
    _same(closed_deals(demo_ws, Filters(segments=(seg,))), every[every["opportunity_id"].isin(seg_ids)])
    prod = demo_ws.query("SELECT product, count(*) AS n FROM v_opportunities WHERE is_closed AND product IS NOT NULL "
                         "GROUP BY 1 ORDER BY n DESC, product LIMIT 1")["product"].iloc[0]
    prod_ids = set(demo_ws.query("SELECT opportunity_id FROM v_opportunities WHERE product = ?", [prod])["opportunity_id"])
    _same(closed_deals(demo_ws, Filters(products=(prod,))), every[every["opportunity_id"].isin(prod_ids)])

    f = Filters(start=start, end=end, regions=(regions[0],), segments=(seg,))
    both = in_period[in_period["owner"].isin(_roster_in(demo_ws, "region", regions[0]))
                     & in_period["opportunity_id"].isin(seg_ids)]
    assert len(both) > 0
    _same(closed_deals(demo_ws, f), both)


def test_demo_review_scores_filtered_follow_the_documented_scope(demo_ws):
    """capability, Scope: review_date in the period (an undated review is kept); region / team:
    the rep's roster row; manager: the manager at the time (the ``manager`` column)."""
    every = review_scores(demo_ws)
    assert len(every) > 1000
    region = sorted(every["rep"].map(dict(demo_ws.query("SELECT name, region FROM v_roster").values)).dropna())[0]
    _same(review_scores(demo_ws, Filters(regions=(region,))),
          every[every["rep"].isin(_roster_in(demo_ws, "region", region))])
    manager = every["manager"].dropna().iloc[0]
    _same(review_scores(demo_ws, Filters(managers=(manager,))), every[every["manager"] == manager])
    dates = every["review_date"].dropna().sort_values()
    start, end = dates.iloc[len(dates) // 3].date(), dates.iloc[2 * len(dates) // 3].date()
    keep = ~((every["review_date"] < pd.Timestamp(start)) | (every["review_date"] > pd.Timestamp(end)))
    _same(review_scores(demo_ws, Filters(start=start, end=end)), every[keep])


def test_demo_named_gaps_filtered_by_people_and_start(demo_ws):
    """capability.named_gaps: region / team apply to the rep's roster row, the manager filter to
    the manager who first named it; the history stops at the period end, so a start alone only
    picks gaps (those named at least once on or after it) without changing them."""
    every = named_gaps(demo_ws)
    assert len(every) > 50
    region = sorted(demo_ws.query("SELECT DISTINCT region FROM v_roster WHERE region IS NOT NULL")["region"])[-1]
    _same(named_gaps(demo_ws, Filters(regions=(region,))),
          every[every["rep"].isin(_roster_in(demo_ws, "region", region))])
    manager = every["manager"].dropna().iloc[0]
    _same(named_gaps(demo_ws, Filters(managers=(manager,))), every[every["manager"] == manager])

    firsts = every["first_named_date"].sort_values()
    start = firsts.iloc[len(firsts) // 2].date()
    picked = named_gaps(demo_ws, Filters(start=start))
    assert 0 < len(picked) < len(every)
    # named on or after the start <=> it has more namings in all the data than as of the day before
    key = ["rep", "capability"]
    before = named_gaps(demo_ws, Filters(end=start - timedelta(days=1)))[[*key, "n_namings"]]
    counted = every.merge(before, on=key, how="left", suffixes=("", "_before"), validate="one_to_one")
    in_period = (counted["n_namings"] > counted["n_namings_before"].fillna(0)).to_numpy()
    assert in_period.any() and not in_period.all()
    _same(picked, every[in_period])  # the same rows, unchanged: the history does not start at the start


def test_mask_takes_python_dates_as_sql_takes_a_date_column():
    """An object column of ``datetime.date`` values is compared as dates, as SQL compares DATE."""
    import datetime as dt

    frame = pd.DataFrame({"d": [dt.date(2025, 1, 1), None, dt.date(2025, 3, 1), dt.date(2025, 2, 1)]})
    keep = Filters(start=dt.date(2025, 2, 1)).mask(frame, date="d")
    assert keep.tolist() == [False, False, True, True]
    keep = Filters(end=dt.date(2025, 2, 1)).mask(frame, date="d")
    assert keep.tolist() == [True, False, False, True]


# ------------------------------------------------------------------------------ resolved views
def _won(ws: Workspace) -> list[str]:
    return sorted(ws.query("SELECT opportunity_id FROM v_opportunities WHERE is_won")["opportunity_id"])


def test_resolved_deals_are_a_copy_of_the_live_view(ws):
    live = ws.con.execute("SELECT * FROM v_opportunities_live ORDER BY opportunity_id").df()
    resolved = ws.query("SELECT * FROM v_opportunities ORDER BY opportunity_id")  # resolves
    assert ws._resolved.version == ws.version
    assert ws.scalar("SELECT count(*) FROM _opportunities_resolved") == len(live)
    pd.testing.assert_frame_equal(resolved, live)
    credited = ws.query("SELECT * FROM v_won_in_quota ORDER BY opportunity_id")
    pd.testing.assert_frame_equal(credited, ws.query("SELECT * FROM v_won_in_quota_live ORDER BY opportunity_id"))


def test_resolved_deals_follow_every_change_of_data_or_mapping(ws):
    assert _won(ws) == ["o1", "o3"]
    load(ws, "opportunities", [opp("o5", "Bea", 70)])  # a new won deal
    assert _won(ws) == ["o1", "o3", "o5"]
    # also for a reader that goes straight to the connection (never resolves)
    assert ws.con.execute("SELECT count(*) FROM v_opportunities WHERE is_won").fetchone()[0] == 3
    ws.set_stage_outcomes({"Signed Contract": (True, True)})  # o4 has no flags: now won
    assert _won(ws) == ["o1", "o3", "o4", "o5"]
    load(ws, "opportunities", [opp("o1", "Ann", 100, won=False)])  # replaced by key: now lost
    assert _won(ws) == ["o3", "o4", "o5"]
    load(ws, "people", [person("Bea", "Mia", "APAC", "T2")])  # Bea moves: her deals follow her
    assert ws.scalar("SELECT manager_name FROM v_opportunities WHERE opportunity_id = 'o5'") == "Mia"


def test_a_query_that_reads_no_deal_view_resolves_nothing(ws):
    ws.query("SELECT count(*) FROM people")
    assert ws._resolved.version == -1
    assert ws.scalar("SELECT count(*) FROM v_won_in_quota") is not None
    assert ws._resolved.version == ws.version


def test_a_saved_workspace_holds_no_resolved_copy(ws):
    ws.query("SELECT * FROM v_opportunities")
    saved = ws.save()
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(saved)).namelist()
    assert not [n for n in names if "resolved" in n]
    again = Workspace.open(saved)
    try:
        assert _won(again) == _won(ws)
    finally:
        again.close()


def test_a_workspace_opens_a_batch_at_a_time_in_order(monkeypatch, saved_small):
    from analytics.store import workspace_file

    monkeypatch.setattr(workspace_file, "OPEN_BATCH_ROWS", 1)
    small = Workspace.open(saved_small)
    try:
        assert small.query("SELECT opportunity_id FROM opportunities")["opportunity_id"].tolist() == [
            o["opportunity_id"] for o in OPPS]
        assert small.counts()["people"] == len(PEOPLE)
    finally:
        small.close()


def test_forget_derived_also_drops_the_resolved_copies(ws):
    before = _won(ws)
    assert ws._resolved.version == ws.version
    ws.forget_derived()
    assert ws._resolved.version == -1
    assert ws.con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%resolved'").fetchone()[0] == 0
    assert _won(ws) == before  # resolved again on the next read
    assert ws._resolved.version == ws.version
