"""The workspace: replace-by-key loads, save/open round trip, the SQL sandbox, stage mapping."""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from analytics import schema
from analytics.ingest.pipeline import analyse_file, import_file
from analytics.store.workspace import LoadResult, Origin, Workspace, WorkspaceFileError
from tests.factories import frame_for, workspace_with


@pytest.fixture
def ws():
    w = Workspace()
    yield w
    w.close()


def load_csv(ws: Workspace, name: str, text: str):
    report = import_file(ws, analyse_file(name, text.encode("utf-8")))
    assert report.error is None, report.error
    return report


OPP_HEADER = "Id,Name,StageName,CloseDate,Amount,OwnerId,CreatedDate\n"


# --------------------------------------------------------------------------- replace by key


def test_next_cycle_replaces_same_ids_and_appends_new(ws):
    first = load_csv(
        ws,
        "q1.csv",
        OPP_HEADER
        + "A1,One,Prospecting,2024-03-01,100,Ann,2024-01-01\n"
        + "A2,Two,Prospecting,2024-03-01,200,Ann,2024-01-01\n"
        + "A3,Three,Closed Won,2024-03-01,300,Bob,2024-01-01\n",
    )
    assert (first.inserted, first.replaced) == (3, 0)
    second = load_csv(
        ws,
        "q2.csv",
        OPP_HEADER
        + "A2,Two,Closed Won,2024-04-01,250,Ann,2024-01-01\n"
        + "A4,Four,Prospecting,2024-05-01,400,Bob,2024-02-01\n",
    )
    assert (second.inserted, second.replaced) == (1, 1)
    assert ws.counts()["opportunities"] == 4
    rows = ws.query("SELECT opportunity_id, stage, amount FROM opportunities ORDER BY opportunity_id")
    assert rows.values.tolist() == [
        ["A1", "Prospecting", 100.0],
        ["A2", "Closed Won", 250.0],
        ["A3", "Closed Won", 300.0],
        ["A4", "Prospecting", 400.0],
    ]
    log = ws.import_log()
    assert log[["file", "inserted", "replaced"]].values.tolist() == [["q1.csv", 3, 0], ["q2.csv", 1, 1]]


def test_load_returns_counts(ws):
    frame = pd.DataFrame({"product": ["P1", "P2"], "series": ["S", "S"], "list_price": [1.0, 2.0]})
    assert ws.load("products", frame) == LoadResult(inserted=2, replaced=0)
    frame2 = pd.DataFrame({"product": ["P2", "P3"], "series": ["T", "T"], "list_price": [5.0, 6.0]})
    assert ws.load("products", frame2) == LoadResult(inserted=1, replaced=1)
    assert ws.query("SELECT product, series FROM products ORDER BY product").values.tolist() == [
        ["P1", "S"],
        ["P2", "T"],
        ["P3", "T"],
    ]
    assert ws.load("products", frame2.iloc[0:0]) == LoadResult(0, 0)


def test_rows_without_an_id_replace_by_derived_key(ws):
    # Maven-style roster: no ID, the name identifies the person
    load_csv(ws, "team1.csv", "sales_agent,manager,regional_office\nAnn,Max,East\nBob,Max,East\n")
    second = load_csv(ws, "team2.csv", "sales_agent,manager,regional_office\nAnn,Mia,West\nCy,Mia,West\n")
    assert (second.inserted, second.replaced) == (1, 1)
    assert ws.query("SELECT name, manager, region FROM people ORDER BY name").values.tolist() == [
        ["Ann", "Mia", "West"],
        ["Bob", "Max", "East"],
        ["Cy", "Mia", "West"],
    ]


def test_composite_key_reviews(ws):
    head = "Rep,Capability,Cycle,Score\n"
    first = load_csv(ws, "r1.csv", head + "Ann,Discovery,2025-Q1,3\nAnn,Closing,2025-Q1,2\nBob,Discovery,2025-Q1,4\n")
    assert first.table == "reviews"
    assert (first.inserted, first.replaced) == (3, 0)
    # same rep+capability+cycle replaces; same rep+capability in a new cycle is a new row
    second = load_csv(ws, "r2.csv", head + "Ann,Discovery,2025-Q1,5\nAnn,Discovery,2025-Q2,4\n")
    assert (second.inserted, second.replaced) == (1, 1)
    rows = ws.query("SELECT rep, capability, cycle, score FROM reviews ORDER BY rep, capability, cycle")
    assert rows.values.tolist() == [
        ["Ann", "Closing", "2025-Q1", 2.0],
        ["Ann", "Discovery", "2025-Q1", 5.0],
        ["Ann", "Discovery", "2025-Q2", 4.0],
        ["Bob", "Discovery", "2025-Q1", 4.0],
    ]


def test_composite_key_duplicate_within_a_file_is_rejected(ws):
    report = load_csv(ws, "r.csv", "Rep,Capability,Cycle,Score\nAnn,Discovery,2025-Q1,3\nAnn,Discovery,2025-Q1,4\n")
    assert (report.rows_loaded, report.rows_rejected) == (1, 1)
    assert report.rejects[0].row == 3 and "row 2" in report.rejects[0].reason


# --------------------------------------------------------------------------- save / open


def _populated(ws: Workspace) -> None:
    load_csv(ws, "users.csv", "Id,Username,Name,ManagerId\nU1,a@x,Ann Rep,U2\nU2,m@x,Max Boss,\n")
    load_csv(
        ws,
        "opps.csv",
        OPP_HEADER
        + "A1,One,Closed Won,2024-03-01,100.5,U1,2024-01-01\n"
        + "A2,Two,Negotiation,2024-04-01,,U1,2024-01-02\n",
    )
    load_csv(ws, "r.csv", "Rep,Capability,Cycle,Score\nAnn Rep,Discovery,2025-Q1,3\n")
    ws.set_stage_outcomes({"Negotiation": (True, False)})


def test_save_and_open_round_trip(ws):
    _populated(ws)
    data = ws.save()
    other = Workspace.open(data, "mine.zip")
    try:
        assert other.counts() == ws.counts()
        for table in ("people", "opportunities", "reviews"):
            a = ws.query(f"SELECT * FROM {table} ORDER BY ALL")
            b = other.query(f"SELECT * FROM {table} ORDER BY ALL")
            pd.testing.assert_frame_equal(a, b)
        pd.testing.assert_frame_equal(ws.stage_map(), other.stage_map())
        pd.testing.assert_frame_equal(
            ws.query("SELECT * FROM v_opportunities ORDER BY opportunity_id"),
            other.query("SELECT * FROM v_opportunities ORDER BY opportunity_id"),
        )
        assert len(other.import_log()) == 3
        assert other.source == "saved"
    finally:
        other.close()


def test_saved_file_has_a_manifest_with_counts(ws):
    _populated(ws)
    with zipfile.ZipFile(io.BytesIO(ws.save())) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["format"] == "bench-strength-workspace"
    assert manifest["tables"]["opportunities"] == 2
    assert manifest["tables"]["people"] == 2


def test_empty_workspace_round_trips():
    w = Workspace()
    try:
        other = Workspace.open(w.save())
        assert other.is_empty
        other.close()
    finally:
        w.close()


def _zip(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buf.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"this is not a workspace" * 10, id="junk"),
        pytest.param(b"", id="empty"),
        pytest.param(_zip({"tables/people.parquet": b"x"}), id="zip-without-manifest"),
        pytest.param(_zip({"manifest.json": "{not json"}), id="damaged-manifest"),
        pytest.param(_zip({"manifest.json": json.dumps({"format": "other"})}), id="foreign-manifest"),
        pytest.param(
            _zip({"manifest.json": json.dumps({"format": "bench-strength-workspace", "schema_version": 999})}),
            id="newer-version",
        ),
        pytest.param(
            _zip(
                {
                    "manifest.json": json.dumps({"format": "bench-strength-workspace", "schema_version": 1}),
                    "tables/people.parquet": b"not parquet",
                }
            ),
            id="damaged-table",
        ),
    ],
)
def test_open_refuses_what_is_not_a_workspace(data):
    with pytest.raises(WorkspaceFileError) as exc:
        Workspace.open(data, "upload.zip")
    assert str(exc.value).startswith("upload.zip")
    # a message for the user: no Python or Arrow class name ("ArrowInvalid", "BadZipFile")
    assert not re.search(r"\b(Arrow|BadZip|Error\b|Exception\b)", str(exc.value)), exc.value


# --------------------------------------------------------------------------- copies
def test_a_copy_takes_its_id_and_version_from_its_origin():
    """Filling a copy is not a change of its data: it stays at its origin's version, and its id
    is its origin's with how it was made; a workspace that is no copy has no origin."""
    people = pa.table({"person_id": ["P1"], "name": ["Ada"]})
    copy = Workspace.copy_of(Origin("abc123", 7, "anonx"), {"people": people, "accounts": people.slice(0, 0)})
    other = Workspace()
    try:
        assert (copy.id, copy.version, copy.counts()["people"]) == ("abc123-anonx", 7, 1)
        assert other.origin is None and not other.made_from(copy) and not copy.made_from(other)
        other.id, other.version = "abc123", 7  # as the workspace it was made from
        assert copy.made_from(other)
        other.version = 8
        assert not copy.made_from(other)
        copy.insert_arrow("accounts", pa.table({"account_id": ["A1"]}))  # a change of the copy's own data
        assert copy.version == 8 and copy.id == "abc123-anonx"
    finally:
        copy.close()
        other.close()


# --------------------------------------------------------------------------- sandbox


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM sniff_csv('/etc/passwd')",
        "COPY opportunities TO '{tmp}/x.csv'",
        "ATTACH '{tmp}/other.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET memory_limit='10GB'",
        "SET threads=64",
        "SET enable_external_access=true",
        "SET lock_configuration=false",
    ],
)
def test_sandbox_refuses_files_extensions_and_settings(ws, tmp_path, sql):
    with pytest.raises(duckdb.Error):
        ws.con.execute(sql.format(tmp=tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_cursor_on_another_thread_is_sandboxed_too(ws):
    """Each thread gets its own cursor (Workspace.con); the sandbox is the database's, not the cursor's."""
    seen: dict[str, object] = {}

    def other() -> None:
        seen["cursor"] = ws.con
        try:
            ws.con.execute("SELECT * FROM read_csv('/etc/passwd')").fetchall()
            seen["read"] = "read"
        except duckdb.Error as exc:
            seen["read"] = type(exc).__name__

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen["cursor"] is not ws.con
    assert seen["read"] == "PermissionException"
    assert ws.scalar("SELECT count(*) FROM opportunities") == 0


def test_a_query_over_the_memory_limit_fails_alone_and_the_session_carries_on():
    small = Workspace(memory_limit="64MB")
    other = Workspace()
    try:
        with pytest.raises(duckdb.OutOfMemoryException):
            small.scalar("SELECT count(*) FROM (SELECT md5(range::VARCHAR) AS h FROM range(20000000) ORDER BY h)")
        assert small.scalar("SELECT 41 + 1") == 42
        assert other.scalar("SELECT count(*) FROM range(1000)") == 1000
    finally:
        small.close()
        other.close()


def test_sandbox_still_runs_ordinary_sql(ws):
    assert ws.scalar("SELECT count(*) FROM opportunities") == 0
    assert ws.scalar("SELECT current_setting('memory_limit')") is not None


# --------------------------------------------------------------------------- stage mapping


def test_stage_mapping_edits_change_is_won_for_rows_without_flags(ws):
    load_csv(
        ws,
        "o.csv",
        "Id,StageName,Amount,IsWon\n"
        "A1,Signed Contract,10,\n"
        "A2,Signed Contract,20,FALSE\n"
        "A3,Closed Won,30,\n"
        "A4,Closed Won,40,TRUE\n",
    )

    def won() -> dict[str, bool]:
        df = ws.query("SELECT opportunity_id, is_won FROM v_opportunities ORDER BY opportunity_id")
        return dict(zip(df["opportunity_id"], df["is_won"].astype(bool), strict=True))

    # default mapping: "Signed Contract" is open, "Closed Won" is won
    assert won() == {"A1": False, "A2": False, "A3": True, "A4": True}
    sm = ws.stage_map().set_index("stage")
    assert bool(sm.loc["Signed Contract", "is_won"]) is False
    assert bool(sm.loc["Closed Won", "is_won"]) is True

    ws.set_stage_outcomes({"Signed Contract": (True, True), "Closed Won": (True, False)})
    # rows with an explicit flag keep it; rows without follow the edited mapping
    assert won() == {"A1": True, "A2": False, "A3": False, "A4": True}
    assert ws.scalar("SELECT is_closed FROM v_opportunities WHERE opportunity_id = 'A1'") is True


def test_won_implies_closed_in_the_mapping(ws):
    load_csv(ws, "o.csv", "Id,StageName\nA1,Booked Deal\n")
    ws.set_stage_outcomes({"Booked Deal": (False, True)})
    row = ws.query("SELECT is_closed, is_won FROM _stage_map WHERE stage = 'Booked Deal'").iloc[0]
    assert bool(row["is_closed"]) and bool(row["is_won"])


def test_stage_mapping_edits_survive_the_next_load(ws):
    load_csv(ws, "o1.csv", "Id,StageName\nA1,Verbal\n")
    ws.set_stage_outcomes({"Verbal": (True, True)})
    load_csv(ws, "o2.csv", "Id,StageName\nA2,Verbal\nA3,Negotiation\n")
    df = ws.query("SELECT opportunity_id, is_won FROM v_opportunities ORDER BY opportunity_id")
    assert df["is_won"].astype(bool).tolist() == [True, True, False]


def test_loading_after_a_single_row_read_works():
    """DuckDB 2.0 refuses register() while a fetchone() result is unfinished: counts() then
    another load (the Data page's "add to the current workspace") must still work."""
    ws = workspace_with(people=[{"person_id": "P1", "name": "Ada"}])
    assert ws.counts()["people"] == 1
    ws.con.execute("SELECT count(*) FROM people").fetchone()  # as analytics modules do
    frame = pd.DataFrame([{"person_id": "P2", "name": "Bo"}]).reindex(columns=schema.table("people").column_names)
    assert ws.load("people", frame).inserted == 1
    ws.con.execute("SELECT 1").fetchone()
    assert ws.save()
    ws.con.execute("SELECT 1").fetchone()
    ws.insert_arrow("accounts", pa.table({"account_id": ["A1"], "name": ["Acme"]}))
    assert ws.counts()["accounts"] == 1


@pytest.mark.parametrize("select", [
    # text beside every other kind of column, with and without NULLs
    "SELECT 'a' AS s, 1::INT AS i, 2::BIGINT AS b, true AS f, 1.5 AS d, DATE '2024-01-02' AS day, "
    "TIMESTAMP '2024-01-02 10:00' AS ts, 1.25::DECIMAL(18, 2) AS dec, ['x'] AS l, {'k': 1} AS st "
    "UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL",
    "SELECT 'a' AS s, NULL::VARCHAR AS empty_text, ? AS bound",  # an all-NULL text column; a parameter
    "SELECT 'a' AS s WHERE false",  # no rows
    "SELECT range AS i, range::VARCHAR AS s FROM range(5000)",
    "SELECT 1 AS i, 2.5 AS d",  # no text at all
])
def test_query_frames_are_those_duckdb_df_makes(ws, select):
    """Workspace.query reads results through Arrow (faster on text); the frame must be the one
    DuckDB's own .df() makes: same dtypes (Int32 with NULLs, boolean, datetime64[us], object for
    all-NULL text) and values."""
    params = ["bound value"] if "?" in select else None
    expected = ws.con.execute(select, params or []).df()
    got = ws.query(select, params)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def _engine_mb(ws: Workspace) -> float:
    return ws.con.execute("SELECT sum(memory_usage_bytes) / 1e6 FROM duckdb_memory()").fetchall()[0][0]


@pytest.mark.parametrize("read", ["row", "scalar"])
def test_a_finished_threads_one_row_read_keeps_no_replaced_table_in_memory(read):
    """A one-row read left unfinished (fetchone) kept its cursor's snapshot open after its
    thread ended, and with it every table replaced since: at a million deals each re-made copy
    of the deal view stayed, until the session's engine ran out of memory."""
    ws = Workspace()
    try:
        ws.con.execute("CREATE TABLE big AS SELECT range AS i FROM range(2000000)")
        t = threading.Thread(target=lambda: getattr(ws, read)("SELECT min(i), max(i) FROM big"))
        t.start()
        t.join()
        before = _engine_mb(ws)
        for _ in range(3):
            ws.con.execute("CREATE OR REPLACE TABLE big AS SELECT range AS i FROM range(2000000)")
        assert _engine_mb(ws) - before < 5
    finally:
        ws.close()


@pytest.mark.parametrize("keep", ["k = 1", "k = 2", "k = 3", "k > 0", "false"])
def test_rows_picked_from_a_query_are_typed_as_a_query_of_just_them(ws, keep):
    from analytics.store.workspace import as_if_queried

    sql = """SELECT * FROM (VALUES (1, 'a', NULL::VARCHAR, 1::INT, true),
                                   (2, 'b', 'x', NULL::INT, NULL::BOOLEAN),
                                   (3, NULL, NULL, 3::INT, false)) t(k, s, sparse, n, flag)"""
    whole = ws.query(sql)
    picked = whole[whole.eval(keep.replace("=", "==").replace("false", "k < 0"))]
    pd.testing.assert_frame_equal(as_if_queried(picked), ws.query(f"SELECT * FROM ({sql}) WHERE {keep}"),
                                  check_exact=True)


def test_compact_shrinks_the_engine_and_changes_nothing_else():
    ws = Workspace()
    try:
        ws.con.execute("""INSERT INTO activities (activity_id, owner, activity_type)
                          SELECT 'A' || range::VARCHAR, 'Owner ' || (range % 500)::VARCHAR, 'Call'
                          FROM range(1000000)""")
        before = ws.query("SELECT owner, count(*) AS n FROM activities GROUP BY owner ORDER BY owner")
        version = ws.version
        held = ws.derived(("k",), lambda: ["held"])
        mb = _engine_mb(ws)
        ws.compact()
        assert _engine_mb(ws) < mb / 3
        pd.testing.assert_frame_equal(
            ws.query("SELECT owner, count(*) AS n FROM activities GROUP BY owner ORDER BY owner"), before)
        assert ws.version == version and ws.derived(("k",), lambda: ["rebuilt"]) is held
        ws.load("activities", frame_for("activities", [{"activity_id": "new", "owner": "Owner 1"}]))  # still writable
        assert ws.scalar("SELECT count(*) FROM activities") == 1_000_001
    finally:
        ws.close()
