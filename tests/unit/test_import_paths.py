"""The import's faster paths (columns parsed side by side, keys derived and checked in DuckDB,
the Arrow work on jemalloc) give exactly what the one-at-a-time path gives: every table, every
reject and warning with its file, row and reason, every note."""

from __future__ import annotations

import csv
import hashlib
import io
import random
import threading
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from pandas.testing import assert_frame_equal

import analytics.ingest.validate as validate
from analytics import schema
from analytics.ingest.pipeline import import_directory
from analytics.store.memory import import_allocator
from analytics.store.workspace import Workspace

PEOPLE = [f"Rep {chr(65 + i % 26)}{i}" for i in range(40)] + ["Ann\u200bLee", "  Bob   Ray ", "Ｚｏｅ Ｋｉｍ"]


def _date(r: random.Random, i: int) -> str:
    y, m, d = 2024 + i % 2, 1 + i % 12, 1 + i % 28
    return r.choice([f"{y}-{m:02d}-{d:02d}", f"{m}/{d}/{y}", f"{m:02d}/{d:02d}/{y} 10:30 AM", f"{y}-{m:02d}-{d:02d}T08:00:00Z",
                     "", "not a date", f"{d} Mar {y}", f" {y}-{m:02d}-{d:02d} "])


def _money(r: random.Random) -> str:
    v = r.randint(-500, 900_000) / 4
    return r.choice([f"${v:,.2f}", f"{v:.2f}", f"USD {v:,.0f}", "", "n/a", f"({abs(v):,.2f})", f"{v:,.2f} EUR", " 12 "])


def _header(name: str, r: random.Random) -> str:
    """The same column as different exports spell it: case, spacing, punctuation."""
    return r.choice([name, name.upper(), name.lower(), name.replace(" ", "_"), f" {name} ", name.replace(" ", "")
                     if " " not in name.strip() else name])


def _write(path: Path, header: list[str], rows: list[list[str]], r: random.Random, extra: bool) -> None:
    order = list(range(len(header)))
    r.shuffle(order)
    out = io.StringIO()
    w = csv.writer(out, lineterminator=r.choice(["\n", "\r\n"]))
    w.writerow([_header(header[j], r) for j in order] + (["Internal Comment"] if extra else []))
    for row in rows:
        line = [row[j] for j in order] + ([r.choice(["", "a, b", 'say "hi"'])] if extra else [])
        if r.random() < 0.01:
            line = line[:-2]  # a row that does not fit the header
        w.writerow(line)
        if r.random() < 0.005:
            out.write("\n")  # a blank line
    path.write_text(out.getvalue(), encoding="utf-8")


def messy_exports(folder: Path, n: int, seed: int) -> Path:
    """A roster, deals, reviews (no ID: keys derived) and activities, in shuffled, re-spelled
    columns with an extra one, mixed date formats, currency strings, blanks, bad values,
    repeated and missing IDs, rows that do not fit and blank lines."""
    r = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    owners = PEOPLE + ["", "Ghost Person"]
    _write(folder / "people.csv", ["person_id", "name", "manager", "region", "email"],
           [[f"U{i:03d}", p, "" if i < 5 else PEOPLE[i % 5], r.choice(["EMEA", "NA", ""]),
             f"{p.strip().replace(' ', '.')}@X.example"] for i, p in enumerate(PEOPLE)], r, False)
    _write(folder / "opportunities.csv",
           ["Opportunity ID", "Opportunity Owner", "Account Name", "Stage", "Amount", "Close Date", "Created Date", "Won"],
           [[r.choice([f"006{i:09d}"] * 40 + [f"006{r.randint(0, i + 1):09d}", ""]), r.choice(owners), f"Acct {i % 37}",
             r.choice(["Closed Won", "Closed Lost", "Prospecting", ""]), _money(r), _date(r, i), _date(r, i + 3),
             r.choice(["1", "0", "", "yes", "maybe"])] for i in range(n)], r, True)
    _write(folder / "reviews.csv", ["rep", "reviewer", "cycle", "review_date", "capability", "score"],
           [[r.choice(PEOPLE), r.choice(PEOPLE[:5]), r.choice(["2024-Q1", "2024-Q2"]), _date(r, i),
             r.choice(["Discovery", "Negotiation"]), r.choice(["3", "4.5", "", "x", "2,5"])] for i in range(n)], r, True)
    ids = seed % 2 == 1  # with IDs, or keyed by their owner, date, type and subject
    _write(folder / "activities.csv", ["Activity ID", "Assigned", "Subject", "Type", "Date", "Duration"][1 - ids:],
           [[r.choice([f"00T{i:09d}"] * 60 + [f"00T{r.randint(0, i + 1):09d}"]), r.choice(owners),
             r.choice(["Call", "Email", "Intro call"]), r.choice(["Call", "Email", "Meeting", ""]), _date(r, i),
             r.choice(["10", "", "x", "30"])][1 - ids:] for i in range(n)], r, False)
    return folder


def _imported(folder: Path) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    ws = Workspace()
    try:
        reports = import_directory(ws, folder)
        tables = {name: ws.query(f'SELECT * FROM "{name}" ORDER BY rowid') for name in schema.TABLES}
    finally:
        ws.close()
    said = [{**{k: v for k, v in asdict(rep).items() if k not in ("source", "enrichment")},
             "all_rejects": rep.all_rejects(), "all_warnings": rep.all_warnings()} for rep in reports]
    return tables, said


def _one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "PARALLEL_ROWS", 10**12)
    monkeypatch.setattr(validate, "ENGINE_ROWS", 10**12)


def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "PARALLEL_ROWS", 0)
    monkeypatch.setattr(validate, "ENGINE_ROWS", 0)


@pytest.mark.parametrize("seed", [1, 2])
def test_messy_exports_load_the_same_through_the_fast_paths(tmp_path, monkeypatch, seed):
    folder = messy_exports(tmp_path / "exports", 400, seed)
    with monkeypatch.context() as m:
        _one_at_a_time(m)
        tables, reports = _imported(folder)
    with monkeypatch.context() as m:
        _fast(m)
        fast_tables, fast_reports = _imported(folder)
    assert [rep["file"] for rep in reports] == ["people.csv", "opportunities.csv", "activities.csv", "reviews.csv"]
    # the exports are messy enough to test something: rejects of every kind, warnings, derived keys
    reasons = " ".join(r["reason"] for rep in reports for r in rep["rejects"])
    for said in ("is not a date", "is not an amount", "duplicate ID", "fields where the header has", "empty row",
                 "is required but blank", "is not yes/no"):
        assert said in reasons, said
    assert any(rep["warnings"] for rep in reports)
    assert len(tables["activities"]) > 150
    assert tables["activities"]["activity_id"].str.startswith("~").all() == (seed % 2 == 0)  # derived keys
    for name, frame in tables.items():
        assert_frame_equal(fast_tables[name], frame, check_exact=True, obj=name)
    for slow, fast in zip(reports, fast_reports, strict=True):
        for key, value in slow.items():
            if isinstance(value, pd.DataFrame):
                assert_frame_equal(fast[key], value, check_exact=True, obj=f"{slow['file']} {key}")
            else:
                assert fast[key] == value, (slow["file"], key)
        assert slow["rows_read"] == slow["rows_loaded"] + slow["rows_rejected"]


def test_derived_keys_are_the_sha1_of_the_row_and_its_occurrence(monkeypatch):
    """The engine's SHA-1 is the one keys were always made with: a workspace saved before finds
    its rows again (a later upload replaces the rows that match)."""
    frame = pd.DataFrame({"rep": pd.Series(["Ann", "Ann", "Zoë 日本", None], dtype="str"),
                          "cycle": pd.Series(["Q1", "Q1", "", "Q2"], dtype="str")})
    expected = ["~" + hashlib.sha1(t.encode("utf-8")).hexdigest()[:16]
                for t in ("Ann\x1fQ1\x1e0", "Ann\x1fQ1\x1e1", "Zoë 日本\x1f\x1e0", "\x1fQ2\x1e0")]
    for rows in (0, 10**12):
        monkeypatch.setattr(validate, "ENGINE_ROWS", rows)
        keys = validate._derive_key(frame, ["rep", "cycle"])
        assert keys.tolist() == expected and str(keys.dtype) == "str"


def test_keys_joined_from_categorical_columns_are_their_text_as_before():
    """A key of several columns joins each row's text; a parsed text column is a categorical, whose
    text is now taken from its categories by its codes in Arrow: the same as ``astype("str")``
    gave, missing cells (code -1) as empty text, beside text, number and date columns."""
    rng = random.Random(22)
    names = ["Ann", "Zoë 日本", "", "Bob  Ray", "x\x1fy", "Ｚｏｅ"]
    n = 300
    frame = pd.DataFrame({
        "rep": pd.Categorical([rng.choice(names + [None]) for _ in range(n)], categories=pd.Index(names, dtype="str")),
        "cycle": pd.Series([rng.choice(["Q1", "Q2", None]) for _ in range(n)], dtype="str"),
        "unused": pd.Categorical([None] * n, categories=pd.Index(["never"], dtype="str")),
        "score": pd.Series([rng.choice([1.5, None, 3.0]) for _ in range(n)], dtype="float64"),
        "when": pd.to_datetime(pd.Series([rng.choice(["2024-01-02", None]) for _ in range(n)])),
    })
    text = frame.astype("str").fillna("")  # how the key's text was made before
    expected = ["\x1f".join(row) for row in text.itertuples(index=False)]
    for columns in (["rep", "cycle"], ["cycle", "rep", "unused"], ["rep", "score", "when"], ["unused", "rep"]):
        joined = validate._joined(frame[columns])
        assert joined.tolist() == ["\x1f".join(row) for row in text[columns].itertuples(index=False)]
        assert str(joined.dtype) == "str" and joined.name == columns[0]
    assert validate._joined(frame[["rep"]]).tolist() == text["rep"].tolist()
    assert validate._joined(frame[list(frame.columns)]).tolist() == expected


def test_the_hash_check_of_ids_proves_distinct_and_never_hides_a_repeat(monkeypatch):
    monkeypatch.setattr(validate, "ENGINE_ROWS", 0)
    ids = pd.Series([f"00T{i:06d}" for i in range(500)], dtype="str")
    assert validate._surely_distinct(ids)
    assert not validate._surely_distinct(pd.concat([ids, ids.iloc[[7]]], ignore_index=True))


def test_an_import_runs_on_jemalloc_and_gives_the_default_back():
    if "jemalloc" not in pa.supported_memory_backends():
        pytest.skip("this Arrow build has no jemalloc")
    before = pa.default_memory_pool().backend_name
    with import_allocator():
        assert pa.default_memory_pool().backend_name == "jemalloc"
        kept = pa.array(["made", "while", "importing"])
        with import_allocator():  # a second import at the same time (another session)
            assert pa.default_memory_pool().backend_name == "jemalloc"
        assert pa.default_memory_pool().backend_name == "jemalloc"  # the first is still running
    assert pa.default_memory_pool().backend_name == before
    assert kept.to_pylist() == ["made", "while", "importing"]  # an array outlives the import


def test_imports_in_two_sessions_at_once_give_the_default_back_when_both_end():
    if "jemalloc" not in pa.supported_memory_backends():
        pytest.skip("this Arrow build has no jemalloc")
    before = pa.default_memory_pool().backend_name
    inside, leave = threading.Barrier(2), threading.Event()

    def session() -> None:
        with import_allocator():
            inside.wait()
            leave.wait()

    first = threading.Thread(target=session)
    first.start()
    with import_allocator():
        inside.wait()
        leave.set()
        first.join()
        assert pa.default_memory_pool().backend_name == "jemalloc"  # the other ended first: still importing
    assert pa.default_memory_pool().backend_name == before


def test_composite_keys_are_joined_as_pandas_joined_them():
    """A key of several columns is its cells' text joined by the unit separator, as pandas'
    ``str.cat`` made it (categorical names, dates, blanks and missing values among them)."""
    frame = pd.DataFrame({
        "rep": pd.Series(["Ann", None, "Zoë 日本", "Ann"], dtype="category"),
        "cycle": pd.Series(["Q1", "Q1", "", None], dtype="str"),
        "on": pd.Series(pd.to_datetime(["2024-01-02", None, "2024-03-04", "2024-01-02"])),
        "n": pd.Series([1, None, 3, 1], dtype="Int64")}).set_axis([4, 5, 6, 7])
    text = frame.astype("str").fillna("")
    expected = text["rep"].str.cat([text[c] for c in ("cycle", "on", "n")], sep="\x1f")
    assert_frame_equal(validate._joined(frame).to_frame(), expected.to_frame())
    assert expected.str.count("\x1f").eq(3).all() and expected.iloc[0].startswith("Ann\x1fQ1\x1f2024-01-02")
    assert validate._joined(frame[["cycle"]]).tolist() == ["Q1", "Q1", "", ""]
