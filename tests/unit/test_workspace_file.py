"""Opening a saved workspace file without trusting it (issue 16, item 2).

Every hostile workspace of tests/hostile_corpus.py (``workspace_cases``) is opened in a child
process the way the Data page opens one: each gets a plain message naming the file (and the
limit it broke), or opens; none escapes as an exception; and the child's own peak resident
memory (``VmHWM``, reset before each file) stays under 1.5 GB. Before this fix the 600-byte
dictionary bomb alone took the process past 12 GB: a watchdog kills the child above 3 GB so a
regression fails the test instead of the machine.

Genuine saved workspaces (the demo, a generated organisation, tables of several row groups
with dictionaries that overflow into plain pages) open identically, read in byte-bounded batches.
"""

from __future__ import annotations

import doctest
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analytics import schema
from analytics.ingest.pipeline import import_directory
from analytics.store import workspace_file
from analytics.store.workspace import IMPORT_LOG, INTERNAL_COLUMNS, STAGE_MAP, Workspace
from benchmarks import largeorg
from tests.hostile_corpus import WORKSPACE_TEST_MEMORY, build_workspace_corpus

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
PEAK_LIMIT_MB = 1536
KILL_ABOVE_MB = 3072
#: a message to the user that gives away a Python error
LEAKS = re.compile(r"Traceback|File \"|\b[A-Z][A-Za-z]*(Error|Exception)\b|ArrowInvalid|pyarrow|Errno|<class ")

CHILD = r"""
import json, sys, time
from pathlib import Path
from analytics.store.workspace import Workspace, WorkspaceFileError

def peak_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

for path in map(Path, sys.argv[1:]):
    data = path.read_bytes()
    Path("/proc/self/clear_refs").write_text("5")  # this file's own peak from here
    print(json.dumps({"start": path.name}), flush=True)
    t0 = time.perf_counter()
    out = {"case": path.name}
    try:
        ws = Workspace.open(data, path.name)
        out.update(opened=True, label=ws.label, counts=ws.counts(),
                   tables=sorted(r[0] for r in ws.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()))
        ws.close()
    except WorkspaceFileError as exc:
        out["message"] = str(exc)
    except BaseException as exc:
        out["escaped"] = f"{type(exc).__name__}: {exc}"
    out.update(seconds=time.perf_counter() - t0, peak_mb=peak_mb())
    del data
    print(json.dumps(out), flush=True)
"""


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _open_in_child(paths: list[Path]) -> tuple[dict[str, dict], str | None]:
    """Each file opened in one child process; (results by file name, the file the watchdog
    killed the child on, if it did)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BENCH_DUCKDB_MEMORY_LIMIT": WORKSPACE_TEST_MEMORY}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, *map(str, paths)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = threading.Event()

    def watch():
        while proc.poll() is None:
            if _rss_mb(proc.pid) > KILL_ABOVE_MB:
                killed.set()
                proc.kill()
                return
            time.sleep(0.01)

    threading.Thread(target=watch, daemon=True).start()
    try:
        stdout, stderr = proc.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
    results, running = {}, None
    for line in stdout.splitlines():
        row = json.loads(line)
        if "start" in row:
            running = row["start"]
        else:
            results[row["case"]] = row
            running = None
    if not killed.is_set() and proc.returncode != 0:
        pytest.fail(f"the child failed ({proc.returncode}) on {running}:\n{stderr[-3000:]}")
    return results, running if killed.is_set() else None


def test_every_hostile_workspace_gets_a_plain_message_within_bounded_memory(tmp_path):
    cases = build_workspace_corpus(tmp_path / "ws")
    results, killed_on = _open_in_child([c.path for c in cases])
    assert killed_on is None, f"{killed_on}: the open took more than {KILL_ABOVE_MB} MB and was killed"
    for case in cases:
        got = results[case.name]
        assert "escaped" not in got, f"{case.name} ({case.about}): {got['escaped']}"
        assert got["peak_mb"] < PEAK_LIMIT_MB, f"{case.name}: peak {got['peak_mb']:.0f} MB"
        assert got["seconds"] < 10, f"{case.name}: {got['seconds']:.1f} s"
        if case.outcome == "refused":
            message = got.get("message")
            assert message, f"{case.name} ({case.about}) opened: {got}"
            assert message.startswith(f"{case.name}: "), message
            assert all(w.lower() in message.lower() for w in case.says), f"{case.name}: {message}"
            assert not LEAKS.search(message), message
        else:
            assert got.get("opened"), f"{case.name} ({case.about}): {got}"
    long_label = results["ws-label-long.zip"]["label"]
    assert len(long_label) <= workspace_file.MAX_LABEL_CHARS and "\n" not in long_label and "\x1b" not in long_label
    assert long_label.startswith("Client")
    unknown = results["ws-unknown-table.zip"]
    assert unknown["counts"]["people"] == 2 and "evil" not in unknown["tables"]


# --------------------------------------------------------------------------- genuine workspaces


def _every_table(ws: Workspace) -> dict[str, pd.DataFrame]:
    names = [*schema.TABLES, STAGE_MAP]
    out = {n: ws.query(f"SELECT * FROM {n} ORDER BY ALL") for n in names}
    out[IMPORT_LOG] = ws.query(f"SELECT * EXCLUDE (imported_at) FROM {IMPORT_LOG} ORDER BY ALL")
    out["v_opportunities"] = ws.query("SELECT * FROM v_opportunities ORDER BY ALL")
    return out


def _assert_same(a: Workspace, b: Workspace) -> None:
    left, right = _every_table(a), _every_table(b)
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)
    assert b.label == a.label and b.source == "saved"


@pytest.fixture(scope="module")
def demo():
    ws = Workspace()
    import_directory(ws, DEMO)
    ws.label = "Demo: Northwind Cloud"
    yield ws, ws.save()
    ws.close()


def test_the_demo_opens_identically(demo):
    ws, saved = demo
    opened = Workspace.open(saved, "demo.zip")
    try:
        assert opened.counts()["activities"] > 50_000
        _assert_same(ws, opened)
    finally:
        opened.close()


def _previous_reader(data: bytes) -> Workspace:
    """How a workspace was opened before these checks: each table decoded 1M rows at a time."""
    ws = Workspace()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in [*schema.TABLES, STAGE_MAP, IMPORT_LOG]:
            if f"tables/{name}.parquet" in zf.namelist():
                f = pq.ParquetFile(io.BytesIO(zf.read(f"tables/{name}.parquet")))
                for batch in f.iter_batches(batch_size=1 << 20):
                    ws.insert_arrow(name, pa.Table.from_batches([batch]))
    return ws


def test_the_checks_do_not_make_opening_the_demo_much_slower(demo):
    """CPU time of opening the demo beside the reader without checks, interleaved, medians of 7:
    measured 1.02x (1% organisation 1.04x, 10% 0.88x, where text read through its dictionaries
    inserts faster); 1.25x here leaves room for a shared machine's noise and still catches a
    regression such as batches sized from a loose bound (which made it 4x)."""
    _, saved = demo
    times: dict[str, list[float]] = {"checked": [], "previous": []}
    for i in range(8):
        for kind in (("checked", "previous") if i % 2 else ("previous", "checked")):
            t0 = time.process_time()
            ws = Workspace.open(saved, "demo.zip") if kind == "checked" else _previous_reader(saved)
            if i:  # the first round warms both up
                times[kind].append(time.process_time() - t0)
            ws.close()
    checked, previous = (sorted(times[k])[len(times[k]) // 2] for k in ("checked", "previous"))
    assert checked <= 1.25 * previous, f"{checked * 1000:.0f} ms against {previous * 1000:.0f} ms"


def test_a_generated_organisation_opens_identically(tmp_path):
    largeorg.generate(tmp_path, scale=0.01, seed=7)
    ws = Workspace()
    try:
        import_directory(ws, tmp_path)
        ws.label = "largeorg 1%"
        opened = Workspace.open(ws.save(), "largeorg.zip")
        try:
            assert opened.counts()["activities"] == 50_000
            _assert_same(ws, opened)
        finally:
            opened.close()
    finally:
        ws.close()


def _several_row_groups() -> tuple[bytes, pd.DataFrame]:
    """A saved workspace whose activities table has 4 row groups, IDs that overflow the
    dictionary into plain pages (200,000 distinct), a column stored only through its dictionary
    and a long note in some rows."""
    n = 200_000
    frame = pd.DataFrame({
        "activity_id": [f"ACT-{i:09d}" for i in range(n)],
        "owner": [f"Rep {i % 300:03d}" for i in range(n)],
        "activity_date": pd.to_datetime("2025-01-01") + pd.to_timedelta([i % 700 for i in range(n)], unit="D"),
        "subject": [("note " * 2000 if i % 1000 == 0 else f"Call {i % 40}") for i in range(n)],
        "duration_minutes": [float(i % 90) for i in range(n)],
    })
    frame["activity_date"] = frame["activity_date"].dt.date
    out = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), out, row_group_size=60_000)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps({"format": "bench-strength-workspace", "schema_version": 1,
                                                 "label": "Row groups"}))
        zf.writestr("tables/activities.parquet", out.getvalue())
    return buf.getvalue(), frame


def test_several_row_groups_and_dictionary_overflow_open_identically_in_byte_bounded_batches(monkeypatch):
    data, frame = _several_row_groups()
    meta = pq.ParquetFile(io.BytesIO(zipfile.ZipFile(io.BytesIO(data)).read("tables/activities.parquet"))).metadata
    assert meta.num_row_groups == 4
    assert "PLAIN" in meta.row_group(0).column(0).encodings  # the IDs overflowed their dictionary
    batches: list[pa.Table] = []
    original = Workspace.insert_arrow

    def spy(self, name, arrow):
        batches.append(arrow)
        return original(self, name, arrow)

    monkeypatch.setattr(workspace_file, "OPEN_BATCH_BYTES", 2_000_000)
    monkeypatch.setattr(Workspace, "insert_arrow", spy)
    ws = Workspace.open(data, "groups.zip")
    try:
        got = ws.query("SELECT activity_id, owner, activity_date, subject, duration_minutes FROM activities "
                       "ORDER BY activity_id")
        want = frame.sort_values("activity_id").reset_index(drop=True)
        assert got["activity_id"].tolist() == want["activity_id"].tolist()
        assert got["subject"].tolist() == want["subject"].tolist()
        assert got["owner"].tolist() == want["owner"].tolist()
        assert got["duration_minutes"].tolist() == want["duration_minutes"].tolist()
        assert [d.isoformat() for d in got["activity_date"].dt.date] == [d.isoformat() for d in want["activity_date"]]
        assert ws.label == "Row groups"
    finally:
        ws.close()
    # every batch within the byte budget (a dictionary-encoded column counts its indices), so
    # more batches than row groups; the owner, stored only through a dictionary, stays encoded
    assert len(batches) > 4
    assert max(b.nbytes for b in batches) <= 2_000_000 * 1.1
    assert pa.types.is_dictionary(batches[0].schema.field("owner").type)
    assert sum(b.num_rows for b in batches) == len(frame)


def test_the_tables_kept_beside_the_canonical_ones_are_described_as_created():
    ws = Workspace()
    try:
        for table, columns in INTERNAL_COLUMNS.items():
            got = dict(ws.con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                      "WHERE table_name = ? ORDER BY ordinal_position", [table]).fetchall())
            assert got == columns
    finally:
        ws.close()


def test_the_examples_in_the_module_hold():
    assert doctest.testmod(workspace_file).failed == 0


def test_a_long_value_in_an_overflowing_dictionary_does_not_make_reading_crawl(monkeypatch):
    """A row of IDs may take its dictionary's longest value: one 300 KB value would hold a
    decoded batch to ~400 rows (a hostile file could make it 8); such a column is read
    dictionary-encoded instead, in a few batches, and opens identically."""
    n = 200_000
    ids = ["x" * 300_000] + [f"ID-{i:010d}" for i in range(1, n)]
    out = io.BytesIO()
    pq.write_table(pa.table({"activity_id": ids, "owner": ["Rep"] * n}), out)
    assert "PLAIN" in pq.ParquetFile(io.BytesIO(out.getvalue())).metadata.row_group(0).column(0).encodings
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps({"format": "bench-strength-workspace", "schema_version": 1}))
        zf.writestr("tables/activities.parquet", out.getvalue())
    calls = []
    original = Workspace.insert_arrow
    monkeypatch.setattr(Workspace, "insert_arrow", lambda self, name, arrow: (calls.append(arrow.num_rows),
                                                                              original(self, name, arrow)))
    ws = Workspace.open(buf.getvalue(), "long.zip")
    try:
        assert len(calls) <= 2
        got = ws.query("SELECT activity_id FROM activities ORDER BY activity_id DESC")["activity_id"].tolist()
        assert got == sorted(ids, reverse=True)
    finally:
        ws.close()


@pytest.mark.parametrize("ids, longest", [
    pytest.param([f"ID-{i:07d}" for i in range(150_000)], 10, id="one length: read from the page"),
    pytest.param(["ID-1", "ID-000000000000001"] + [f"ID-{i:07d}" for i in range(150_000)], 18,
                 id="lengths differ: read through pyarrow"),
])
def test_each_dictionarys_longest_value_is_what_a_row_can_take(ids, longest):
    """The bound a row of a dictionary-encoded column can take, for batches read decoded: the
    page's own value length when every value has it, else the dictionary read whole."""
    out = io.BytesIO()
    pq.write_table(pa.table({"activity_id": ids}), out)
    raw = bytearray(out.getvalue())
    plan = workspace_file.open_table("activities", "tables/activities.parquet", raw, {"activity_id": "VARCHAR"}, "x.zip")
    workspace_file.check_pages(plan, "x.zip", workspace_file.MAX_PAGES)
    chunk = plan.columns[0].chunks[0]
    assert chunk.dictionary_values and chunk.plain_bytes  # the dictionary overflowed into plain pages
    uniform = workspace_file._uniform_length(raw, chunk)
    assert uniform == (longest if len(set(map(len, ids))) == 1 else None)
    workspace_file.refine(plan, lambda col, c: True)
    assert chunk.longest == longest


@pytest.mark.parametrize("arr", [
    pa.DictionaryArray.from_arrays(pa.array([0, 1, None, 3, 1], pa.int32()), pa.array(["a", "bbb", None, "cc"])),
    pa.DictionaryArray.from_arrays(pa.array([0, 1, None, 3, 1], pa.int8()), pa.array(["a", "bbb", None, "cc"])).slice(1),
    pa.DictionaryArray.from_arrays(pa.array([0, 2, 1], pa.int64()), pa.array(["q", "a", "bbb", "cc"]).slice(1)),
    pa.DictionaryArray.from_arrays(pa.array([1, 1], pa.int16()), pa.array(["x", "yyyy"], pa.large_string())),
    pa.DictionaryArray.from_arrays(pa.array([None, None], pa.int32()), pa.array(["x"])),
    pa.array(["ab", None, "c"]),
], ids=["int32", "sliced int8", "sliced dictionary", "large strings", "all null", "plain"])
def test_a_batch_counts_the_bytes_its_indices_pick(arr):
    assert workspace_file._text_bytes(arr) == sum(len(v) for v in arr.to_pylist() if v is not None)


def test_pages_unpacking_to_more_than_twice_the_budget_are_refused_though_they_decode_small():
    """pyarrow writes a dictionary array's whole dictionary: 10 rows can carry 10 MB of unused
    values, unpacked once per row group (a thousand row groups of 16 MB each would be hours of
    unpacking for a few rows of data)."""
    unused = pa.DictionaryArray.from_arrays(pa.array(np.zeros(10, np.int32)),
                                            pa.array([f"{i:0100d}" for i in range(100_000)]))
    out = io.BytesIO()
    pq.write_table(pa.table({"name": unused}), out, compression="zstd")
    raw = bytearray(out.getvalue())
    plan = workspace_file.open_table("people", "tables/people.parquet", raw, {"name": "VARCHAR"}, "p.zip")
    workspace_file.check_pages(plan, "p.zip", workspace_file.MAX_PAGES)
    assert plan.pages > 10_000_000 and plan.size < 10_000
    workspace_file.check_budget([plan], 6_000_000, "p.zip")  # within twice the budget: opens
    with pytest.raises(workspace_file.WorkspaceFileError, match=r"^p\.zip: its tables' pages unpack to 10.4 MB"):
        workspace_file.check_budget([plan], 4_000_000, "p.zip")


def test_a_workspace_closes_while_another_thread_is_inside_a_query():
    """Opening a workspace replaces the session's (ui.session.set_workspace closes the old one),
    whose warm-up may still be inside a query on its own thread: closing interrupts it instead
    of failing with DuckDB's 'connection is busy' (which the browser test met opening two saved
    workspaces in a row, one run in three)."""
    ws = Workspace()
    started, outcome = threading.Event(), {}

    def long_query():
        cur = ws.con
        started.set()
        try:
            cur.execute("SELECT sum(hash(i)) FROM range(20000000000) t(i)").fetchall()
            outcome["finished"] = True
        except Exception as exc:  # noqa: BLE001 - what the query ends with is the point
            outcome["error"] = type(exc).__name__

    thread = threading.Thread(target=long_query, daemon=True)
    thread.start()
    started.wait(5)
    time.sleep(0.3)  # inside the query
    t0 = time.monotonic()
    ws.close()
    assert ws.closed and time.monotonic() - t0 < 5
    thread.join(10)
    assert not thread.is_alive() and "finished" not in outcome, outcome
