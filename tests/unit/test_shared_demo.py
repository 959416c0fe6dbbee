"""Results on the untouched built-in demo are computed once per server (ui.state.memo); nothing
computed on a session's own data, a changed demo or an anonymised copy is ever shared."""

from __future__ import annotations

import pyarrow as pa
import pytest

from analytics.filters import Filters
from analytics.settings import Settings
from analytics.store.anonymise import anonymise
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
