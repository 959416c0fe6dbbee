"""An upload's analysis (its bytes and every decoded cell) lives only while its file is in the
Data page's uploader (review of issue 16): taken out, hidden by Anonymise, or left behind on
another page, it is released from the session, not kept until the next import."""

from __future__ import annotations

import gc
import weakref

from tests.app.test_pages import app

DEALS = "Id,Name,StageName,CloseDate,Amount,OwnerId,CreatedDate\n"


def _csv(n: int, prefix: str) -> bytes:
    return (DEALS + "".join(f"{prefix}{i},Deal {i},Closed Won,2024-03-01,100,Ann Lee,2024-01-01\n"
                            for i in range(n))).encode()


def _held(at) -> dict[str, weakref.ref]:
    """The analyses the session holds, by file name, as weak references (so that holding them
    here does not keep them alive)."""
    cache = at.session_state["analyses"] if "analyses" in at.session_state else {}
    return {a.file_name: weakref.ref(a) for a in cache.values()}


def _alive(refs: dict[str, weakref.ref]) -> set[str]:
    gc.collect()
    return {name for name, ref in refs.items() if ref() is not None}


def _uploaded(*files):
    at = app().run()
    at.switch_page("views/data.py").run()
    at.file_uploader[0].set_value([(name, data, "text/csv") for name, data in files]).run()
    assert not at.exception
    return at


def test_a_file_taken_out_of_the_uploader_is_released():
    at = _uploaded(("a.csv", _csv(20_000, "A")), ("b.csv", _csv(10, "B")))
    refs = _held(at)
    assert set(refs) == {"a.csv", "b.csv"} and len(refs["a.csv"]().raw.frame) == 20_000
    # a.csv taken out (AppTest uploads b.csv anew, as a new file: its old analysis goes too)
    at.file_uploader[0].set_value([("b.csv", _csv(10, "B"), "text/csv")]).run()
    assert "a.csv" not in _alive(refs)
    refs = _held(at)
    assert set(refs) == {"b.csv"}
    at.file_uploader[0].set_value([]).run()  # the uploader emptied: before, the analysis stayed held
    assert not at.exception
    assert _alive(refs) == set()
    assert not at.session_state["analyses"]


def test_anonymising_releases_the_uploads_it_hides():
    at = _uploaded(("a.csv", _csv(5_000, "A")))
    refs = _held(at)
    at.sidebar.toggle(key="anon-on").set_value(True).run()
    assert not at.exception
    assert _alive(refs) == set()


def test_another_page_releases_the_uploads_the_uploader_drops():
    at = _uploaded(("a.csv", _csv(5_000, "A")))
    refs = _held(at)
    at.switch_page("views/overview.py").run()
    assert not at.exception
    assert _alive(refs) == set()
    at.switch_page("views/data.py").run()
    assert not at.exception and _alive(refs) == set()
