"""The Data page under large uploads (issue 16, items 6 and 7): a JSON is read once per upload,
held in the session's state only while it is uploaded, and refused by its size before it is
parsed; a file whose rows are all rejected shows the first rejects with a count of the rest, and
its full list still downloads."""

from __future__ import annotations

import json
import time

import pytest

from analytics.ingest import settings_file
from analytics.ingest.recognise import MAPPING_FORMAT, MAPPING_VERSION
from analytics.settings import Settings
from analytics.store.workspace import Workspace
from tests.app.test_pages import app, texts
from ui.session import REPORTS_KEY

MARKER = "issue-16-marker"


@pytest.fixture
def parses(monkeypatch):
    """How many times json.loads was given each marked upload (by its name in the text), or a
    text larger than any settings file."""
    counts: dict[str, int] = {}
    original = json.loads

    def counting(text, *args, **kwargs):
        if isinstance(text, (bytes, str)):
            head = text[:300] if isinstance(text, str) else text[:300].decode("utf-8", "replace")
            if MARKER in head:
                key = head[head.index(MARKER):].split('"')[0]
                counts[key] = counts.get(key, 0) + 1
            if len(text) > settings_file.MAX_BYTES:
                counts["large"] = counts.get("large", 0) + 1
        return original(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counting)
    return counts


def _mapping() -> bytes:
    return json.dumps({"format": MAPPING_FORMAT, "version": MAPPING_VERSION, "name": f"{MARKER}-mapping",
                       "table": "opportunities",
                       "columns": {"opportunity_id": "Deal Ref", "owner": "Seller Person", "stage": "Phase"},
                       "source_headers": ["Deal Ref", "Seller Person", "Phase"]}).encode()


def _settings() -> bytes:
    text = json.loads(settings_file.build(Settings().with_(stale_days=41), {}, []))
    return json.dumps({"note": f"{MARKER}-settings", **text}).encode()


def test_a_json_upload_is_read_once_not_on_every_rerun(parses):
    at = app(Workspace()).run()
    at.switch_page("views/data.py").run()
    csv = b"Deal Ref,Seller Person,Phase\nD1,Ann Lee,Won\n"
    at.file_uploader[0].set_value([("s.json", _settings(), "application/json"),
                                   ("m.json", _mapping(), "application/json"),
                                   ("deals.csv", csv, "text/csv")]).run()
    assert not at.exception
    page = texts(at)
    assert "Settings file **s.json** applied" in page
    assert "Saved mapping **m.json** will be applied" in page
    assert at.session_state["settings"].stale_days == 41
    for _ in range(3):  # reruns: a widget changed, the page redrawn
        at.run()
        assert not at.exception
    assert "Settings file **s.json** applied" in texts(at)
    assert parses == {f"{MARKER}-settings": 1, f"{MARKER}-mapping": 1}
    # the result is held only while the file is in the uploader, in this session
    assert len(at.session_state["json-uploads"]) == 2
    at.file_uploader[0].set_value([("deals.csv", csv, "text/csv")]).run()
    assert len(at.session_state["json-uploads"]) == 0


def test_a_190_mb_json_is_refused_by_its_size_without_being_parsed(parses):
    # valid JSON that claims to be a saved mapping, 190 MB of it
    big = b'{"format": "' + MAPPING_FORMAT.encode() + b'", "pad": "' + b"x" * (190 * 1024 * 1024) + b'"}'
    at = app(Workspace()).run()
    at.switch_page("views/data.py").run()
    started = time.monotonic()
    at.file_uploader[0].set_value([("huge.json", big, "application/json")]).run()
    first = time.monotonic() - started
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("huge.json" in e and "too large" in e for e in errors), errors
    at.run()
    assert parses.get("large", 0) == 0
    assert first < 20, f"the page took {first:.1f} s"


@pytest.fixture
def download_data(monkeypatch):
    """Each download button's data as the page handed it (a callable is built only when asked)."""
    import streamlit as st

    seen: dict[str, object] = {}
    original = st.download_button

    def observed(label, data=None, *args, **kwargs):
        seen[kwargs.get("key") or label] = (label, data)
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", observed)
    return seen


def test_a_file_of_rejects_shows_the_first_with_a_count_and_downloads_them_all(download_data):
    import csv
    import io

    from analytics.ingest.readers import REJECTS_KEPT

    n = 3 * REJECTS_KEPT
    lines = ["Id,Name,StageName,CloseDate,Amount,OwnerId", "D0,Deal,Won,2024-03-01,5,Ann Lee"]
    lines += [f"D{i},Deal,Won,2024-03-01,n/a,Ann Lee" for i in range(1, n + 1)]
    at = app(Workspace()).run()
    at.switch_page("views/data.py").run()
    at.file_uploader[0].set_value([("rejects.csv", ("\n".join(lines) + "\n").encode(), "text/csv")]).run()
    next(b for b in at.button if b.label.startswith("Load ")).click().run()
    assert not at.exception
    page = texts(at)
    assert f"rejects.csv: {n + 1:,} rows read · 1 loaded · {n:,} rejected" in page
    (report,) = at.session_state[REPORTS_KEY]
    assert len(report.rejects) == REJECTS_KEPT and report.rejects_total == n  # only the first are held
    table = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert len(table) == REJECTS_KEPT and list(table["row"][:2]) == [3, 4]
    assert f"The first {REJECTS_KEPT:,} by row, and {n - REJECTS_KEPT:,} more" in page
    for key in ("dl-all-rejects", "dl-rej-0"):
        label, data = download_data[key]
        assert label == f"Download all {n:,} rejects (CSV)"
        assert callable(data)  # built on the click, from the file
        rows = list(csv.reader(io.StringIO(data().decode("utf-8-sig"), newline="")))
        assert rows[0] == ["file", "row", "column", "value", "reason"]
        assert [int(r[1]) for r in rows[1:]] == list(range(3, n + 3))  # every rejected row, in order
        assert {r[4] for r in rows[1:]} == {"'n/a' is not an amount"}
