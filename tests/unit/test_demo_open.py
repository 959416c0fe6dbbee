"""Opening the demo for a new session: its decoded rows copied in (ui.session.open_demo) hold
exactly what opening its saved bytes holds, and one session's copy is its own."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from analytics.store import workspace_file
from analytics.store.schema_sql import quote_ident
from analytics.store.workspace import Workspace
from ui import session


def _rows(ws: Workspace, table: str) -> list[tuple]:
    return ws.con.execute(f"SELECT * FROM {quote_ident(table)} ORDER BY ALL").fetchall()


@pytest.fixture(scope="module")
def demo_pair():
    digest = session._demo_digest()
    copied = session.open_demo()
    opened = Workspace.open(session._demo_workspace_bytes(digest), "demo")
    opened.compact()
    yield copied, opened, digest
    copied.close()
    opened.close()


def test_the_copied_demo_holds_every_row_the_saved_demo_holds(demo_pair):
    copied, opened, _digest = demo_pair
    assert sum(opened.counts().values()) > 10_000  # the whole demo, not an empty pair
    for table in workspace_file.TABLES:
        assert _rows(copied, table) == _rows(opened, table), table
    # the same batches went in, in the same order: the same version (what held results key on)
    assert copied.version == opened.version > 0


def test_the_copied_demo_is_the_shared_demo_and_says_so(demo_pair):
    copied, _opened, digest = demo_pair
    assert (copied.source, copied.label) == ("demo", session.DEMO_LABEL)
    assert copied.shared_as == f"demo-{digest}"


def test_each_session_gets_its_own_copy():
    a, b = session.open_demo(), session.open_demo()
    try:
        # the rows in each session's database, read there (not a count held for the untouched demo)
        def rows(ws):
            return ws.con.execute("SELECT count(*) FROM opportunities").fetchone()[0]

        before = rows(b)
        a.con.execute("DELETE FROM opportunities")
        assert rows(a) == 0
        assert rows(b) == before > 0
        assert rows(session.open_demo()) == before
    finally:
        a.close()
        b.close()


def test_the_demo_digest_follows_the_files_content(tmp_path, monkeypatch):
    demo = tmp_path / "demo"
    shutil.copytree(session.DEMO_DIR, demo)
    monkeypatch.setattr(session, "DEMO_DIR", demo)

    def full_hash() -> str:
        h = hashlib.sha256()
        for p in sorted(demo.glob("*.csv")):
            h.update(p.name.encode())
            h.update(p.read_bytes())
        return h.hexdigest()

    first = session._demo_digest()
    assert first == full_hash()
    victim = sorted(demo.glob("*.csv"))[0]
    victim.write_bytes(victim.read_bytes() + b"\n")  # a changed file: a new size and time
    assert session._demo_digest() == full_hash() != first
