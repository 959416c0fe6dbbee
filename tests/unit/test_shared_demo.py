"""Results on the untouched built-in demo are computed once per server (ui.state.memo), and so are
the building blocks held from its data (Workspace.derived, analytics.store.derived.public_results);
nothing computed on a session's own data, a changed demo or an anonymised copy is ever shared."""

from __future__ import annotations

import uuid

import pandas as pd
import pyarrow as pa
import pytest

from analytics.filters import Filters
from analytics.settings import Settings
from analytics.signals.capability import review_scores
from analytics.signals.independence import closed_deals
from analytics.store.anonymise import anonymise
from analytics.store.derived import forget_public
from analytics.store.links import link_status
from analytics.store.workspace import Workspace
from ui import state


@pytest.fixture
def public(demo_workspace):
    ws = Workspace.open(demo_workspace.save(), "demo")
    ws.shared_as = "demo-test"
    yield ws
    ws.close()


def counted():
    calls = []

    def fn(ws, filters, settings):
        calls.append(ws.id)
        return {"version": ws.version, "n": len(calls)}
    return fn, calls


def test_two_sessions_on_the_untouched_demo_compute_once(public, demo_workspace):
    other = Workspace.open(demo_workspace.save(), "demo")
    other.shared_as = "demo-test"
    fn, calls = counted()
    a = state.memo("t-share", fn, public, Filters(), Settings())
    b = state.memo("t-share", fn, other, Filters(), Settings())
    assert a == b and len(calls) == 1
    state.memo("t-share", fn, other, Filters(regions=("EMEA",)), Settings())  # other arguments: computed
    assert len(calls) == 2
    other.close()


def test_a_change_of_data_ends_sharing_for_that_session_only(public):
    fn, calls = counted()
    state.memo("t-change", fn, public, Filters(), Settings())
    public.set_stage_outcomes({})  # a stage mapping is a change of data
    assert public.shared_as is None
    state.memo("t-change", fn, public, Filters(), Settings())
    assert len(calls) == 2


@pytest.mark.parametrize("change", ["currency", "insert"])
def test_every_change_clears_the_mark(public, change):
    if change == "currency":
        public.set_reporting_currency("EUR")
    else:
        public.insert_arrow("people", pa.table({"person_id": ["x1"], "name": ["Extra Person"]}))
    assert public.shared_as is None


def test_counting_non_person_owners_keeps_the_mark_and_keys_on_it(public):
    fn, calls = counted()
    state.memo("t-flag", fn, public, Filters(), Settings())
    public.include_non_person_owners(True)
    assert public.shared_as == "demo-test"
    state.memo("t-flag", fn, public, Filters(), Settings())
    assert len(calls) == 2  # the same data seen another way is its own entry


def test_an_anonymised_copy_and_an_upload_never_share(public):
    anon, _ = anonymise(public)
    try:
        assert anon.shared_as is None
        fn, calls = counted()
        state.memo("t-anon", fn, public, Filters(), Settings())
        state.memo("t-anon", fn, anon, Filters(), Settings())
        assert len(calls) == 2
    finally:
        anon.close()
    assert Workspace().shared_as is None


# ------------------------------------------------------------------ held building blocks
@pytest.fixture
def sessions(demo_workspace):
    """Two sessions' untouched copies of one public dataset (a tag of this test's own: the held
    results are the process's), and a third copy of the same rows that is not marked public."""
    tag = f"demo-{uuid.uuid4().hex}"
    saved = demo_workspace.save()
    a, b, own = (Workspace.open(saved, "demo") for _ in range(3))
    a.shared_as = b.shared_as = tag
    yield a, b, own
    for ws in (a, b, own):
        ws.close()
    forget_public()


class Builds:
    def __init__(self, value):
        self.value, self.n = value, 0

    def __call__(self):
        self.n += 1
        return self.value


def test_two_sessions_on_the_untouched_demo_build_a_held_block_once(sessions):
    a, b, _ = sessions
    ba, bb = Builds("built by a"), Builds("built by b")
    assert a.derived(("k",), ba) == "built by a"
    assert b.derived(("k",), bb) == "built by a" and (ba.n, bb.n) == (1, 0)
    closed_deals(a)
    assert closed_deals(b).equals(closed_deals(a))
    assert not b._results.held and not a._results.held  # nothing held per session: once for both


def test_the_blocks_held_for_every_session_equal_those_a_session_builds_on_its_own(sessions):
    a, b, own = sessions

    def rows(frame):  # closed deals come in no fixed order (a parallel scan): compared by deal
        return frame.sort_values("opportunity_id", ignore_index=True) if "opportunity_id" in frame else frame

    for block in (closed_deals, review_scores):
        first, read, alone = rows(block(a)), rows(block(b)), rows(block(own))
        pd.testing.assert_frame_equal(first, alone, check_exact=True)
        pd.testing.assert_frame_equal(read, alone, check_exact=True)
    assert link_status(b) == link_status(own)
    assert own._results.held  # the unmarked copy held its own


def test_a_session_changing_its_frame_changes_no_other_sessions(sessions):
    a, b, _ = sessions
    before = closed_deals(a).copy(deep=True)
    mine = closed_deals(a)
    mine["added"] = 1
    mine.iloc[0, 0] = "changed"
    pd.testing.assert_frame_equal(closed_deals(b), before, check_exact=True)


def test_a_change_of_data_during_a_build_is_not_held_for_the_others(sessions):
    a, b, _ = sessions

    def build_then_change():
        a.set_stage_outcomes({})  # another thread of the session changes the data mid-build
        return "built on changed data"

    assert a.derived(("mid",), build_then_change) == "built on changed data"
    assert a.shared_as is None
    assert b.derived(("mid",), Builds("b's own")) == "b's own"


def test_after_a_change_the_session_holds_its_own_and_the_others_keep_theirs(sessions):
    a, b, _ = sessions
    assert b.derived(("k",), Builds("public")) == "public"
    a.insert_arrow("people", pa.table({"person_id": ["x1"], "name": ["Extra Person"]}))
    assert a.shared_as is None
    assert a.derived(("k",), Builds("a's own")) == "a's own" and ("k",) in a._results.held
    assert b.derived(("k",), Builds("again")) == "public"


def test_an_argument_known_by_address_is_never_held_for_every_session(sessions):
    a, b, _ = sessions
    thing = object()  # one session's object: held publicly, it would outlive the session
    assert a.derived(("k", thing), Builds("a's")) == "a's" and ("k", thing) in a._results.held
    assert b.derived(("k", thing), Builds("b's")) == "b's"


def test_counting_non_person_owners_is_its_own_public_set(sessions):
    a, b, _ = sessions
    a.include_non_person_owners(True)
    assert a.shared_as == b.shared_as
    assert a.derived(("k",), Builds("with")) == "with"
    assert b.derived(("k",), Builds("without")) == "without"
    b.include_non_person_owners(True)
    assert b.derived(("k",), Builds("again")) == "with"


def test_an_anonymised_copy_of_the_demo_holds_its_own(sessions):
    a, _, _ = sessions
    assert a.derived(("k",), Builds("public")) == "public"
    anon, _ = anonymise(a)
    try:
        assert anon.derived(("k",), Builds("anonymised")) == "anonymised"
    finally:
        anon.close()
