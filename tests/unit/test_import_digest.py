"""The import gives, to the last value, what it gave before its loading and reading were made
faster (issue 22): every table as stored (values, types and row order), every report (rows read,
loaded, rejected, inserted, replaced, rejects and warnings with file, row and reason, notes, errors,
footers) and every full list of rejects and warnings, for the demo, messy generated exports, the
real exports and the hostile files, pinned as a digest taken on the code before (e2289c5).

The digest is exact, so a different result fails it whatever moved; where an upgrade of pandas,
Arrow or DuckDB moves it while the import is unchanged, take the digests again on that commit
(``python -m tests.unit.test_import_digest``) with the new versions, and compare.

Loading is exercised with batches of a few rows (:data:`analytics.store.workspace.LOAD_BATCH_ROWS`),
so every table is cut into many, across the reader's pieces; the scripts behind
benchmarks/RESULTS.md compare the same digests on the 10% and 100% organisations.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import asdict
from pathlib import Path

import pandas as pd

import analytics.ingest.readers as readers
import analytics.store.workspace as workspace
from analytics import schema
from analytics.ingest.pipeline import ImportJob, analyse_file, import_directory, import_files
from analytics.store.schema_sql import IMPORT_LOG, STAGE_MAP, quote_ident
from analytics.store.workspace import Workspace
from tests.conftest import REAL_DATA

ROOT = Path(__file__).resolve().parents[2]
REAL = ("maven-crm",)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _frame_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n") + repr(list(frame.dtypes.astype(str)))


def tables_digest(ws: Workspace) -> dict[str, str]:
    """Each table's rows in their stored order, hashed in the engine (``hash`` of the row as a
    struct, with its position): values and order, at millions of rows without fetching them."""
    out = {}
    for name in [*schema.TABLES, STAGE_MAP]:
        q = quote_ident(name)
        # the stage map is a mapping: its rows' order follows a Python set's (which varies with the
        # process's hash seed), so it is hashed without their positions
        row = "t" if name == STAGE_MAP else "rowid, t"
        n, h = ws.con.execute(f"SELECT count(*), sum(hash({row})::HUGEINT) FROM {q} t").fetchall()[0]
        types = [r[1] for r in ws.con.execute(f"DESCRIBE {q}").fetchall()]
        out[name] = f"{n}:{h}:{_sha(repr(types))}"
    log = ws.con.execute(f"SELECT * EXCLUDE (imported_at) FROM {IMPORT_LOG} ORDER BY rowid").fetchall()
    out[IMPORT_LOG] = _sha(repr(log))
    return out


def reports_digest(reports) -> dict[str, str]:
    out = {}
    for i, rep in enumerate(reports):
        said = {k: v for k, v in asdict(rep).items() if k not in ("source", "enrichment")}
        said["enrichment"] = repr(rep.enrichment)
        out[f"{i}:{rep.file}"] = _sha(repr(said) + _frame_text(rep.all_rejects()) + _frame_text(rep.all_warnings()))
    return out


def folder_digest(folder: Path) -> dict[str, str]:
    """A folder imported as the demo, a benchmark and a test fixture are (``import_directory``)."""
    ws = Workspace()
    try:
        reports = import_directory(ws, folder)
        return {**tables_digest(ws), **reports_digest(reports)}
    finally:
        ws.close()


def files_digest(paths: list[Path]) -> dict[str, str]:
    """Files uploaded together, as the Data page sends them (into one workspace, so a later file's
    rows replace an earlier one's of the same key): what a file that cannot be read says, and
    what they load."""
    out: dict[str, str] = {}
    jobs = []
    for path in paths:
        analysis = analyse_file(path.name, path.read_bytes())
        if analysis.error:
            out[path.name] = _sha(analysis.error)
            continue
        rec = analysis.recognition
        unknown = rec is None or not rec.recognised  # loaded as deals under the columns guessed
        jobs.append(ImportJob(analysis, "opportunities" if unknown else None, None))
    ws = Workspace()
    try:
        reports = import_files(ws, jobs)
        return {**out, **tables_digest(ws), **reports_digest(reports)}
    finally:
        ws.close()


def hostile_files(directory: Path) -> list[Path]:
    """Hostile files of the reader's concerns (as tests/hostile_corpus.py writes them): encodings
    and byte-order marks, NUL bytes, quotes and line breaks in values, lone carriage returns,
    ragged and blank rows, an overlong cell, extreme numbers, invisible and overlong names."""
    from tests.hostile_corpus import rows, text_csv

    good = text_csv(rows(3))
    line = "A{n},{name},Closed Won,2024-03-01,100,{owner},2024-01-01"
    files = {
        "double-bom.csv": b"\xef\xbb\xbf" + good.encode("utf-8-sig"),
        "utf16le-nobom.csv": good.encode("utf-16-le"),
        "mixed.csv": (text_csv([line.format(n=1, name="Zoë", owner="Ann Lee")]).encode()
                      + (line.format(n=2, name="Müller – Köln", owner="Ann Lee") + "\n").encode("cp1252")),
        "nul.csv": text_csv([*rows(1), line.format(n=2, name="Deal\x00\x002", owner="Ann Lee"), *rows(1, 3)]).encode(),
        "ragged.csv": text_csv([*rows(1), "A2,short row", *rows(1, 3), line.format(n=4, name="D", owner="x") + ",x,y"])
        .encode(),
        "quoted-newlines.csv": text_csv(['A1,"Deal\non two lines",Closed Won,2024-03-01,100,Ann Lee,2024-01-01',
                                         *rows(2, 2)]).encode(),
        "cr-only.csv": text_csv(rows(3), eol="\r").encode(),
        "long-row.csv": text_csv([*rows(1), line.format(n=2, name="x" * 200_000, owner="Ann Lee"), *rows(1, 3)]).encode(),
        "numbers.csv": text_csv([line.format(n=i, name="D", owner="Ann Lee").replace(",100,", f",{v},")
                                 for i, v in enumerate(["-250", "9" * 23, "1e309", "NaN", '"$1,200.50"'])]).encode(),
        "names.csv": text_csv([line.format(n=1, name="Deal", owner="\u200b"), line.format(n=2, name="D", owner="Ann\u200bLee"),
                               line.format(n=3, name="y" * 10_000, owner="Ｚｏｅ Ｋｉｍ"),
                               line.format(n=4, name="D", owner="\u3164\u2800"), " , ,,", "", *rows(2, 5)]).encode(),
    }
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (directory / name).write_bytes(data)
    return [directory / name for name in files]


def all_digests(tmp: Path) -> dict[str, str]:
    from tests.unit.test_import_paths import messy_exports

    out: dict[str, str] = {}
    folders = {"demo": ROOT / "data" / "demo",
               **{f"messy{seed}": messy_exports(tmp / f"messy{seed}", 400, seed) for seed in (1, 2)},
               **{name: REAL_DATA / name for name in REAL}}
    for label, folder in folders.items():
        out.update({f"{label}/{k}": v for k, v in folder_digest(folder).items()})
    out.update({f"hostile/{k}": v for k, v in files_digest(hostile_files(tmp / "hostile")).items()})
    return out


def combined(digests: dict[str, str]) -> str:
    return _sha(repr(sorted(digests.items())))


#: ``combined(all_digests(...))`` on e2289c5, the code before (pandas 3.1.1, pyarrow 26.0.1, DuckDB 2.0.0)
BEFORE = "1af72cb890a09811"


def small_pieces(setattr) -> None:
    """Files read in blocks of 256 KB (so on two threads, in many pieces) and loaded in batches of
    997 rows: every table is cut into many batches, across the reader's pieces."""
    setattr(readers, "PARALLEL_BLOCK_BYTES", 1 << 18)
    setattr(workspace, "LOAD_BATCH_ROWS", 997)


def test_every_table_report_and_reject_is_as_before(tmp_path, monkeypatch, real_data):
    small_pieces(lambda *a: monkeypatch.setattr(*a, raising=False))
    digests = all_digests(tmp_path)
    assert len(digests) > 100  # the inputs were all there: folders, tables, reports and the hostile files
    assert combined(digests) == BEFORE


if __name__ == "__main__":  # the digests of this checkout: python -m tests.unit.test_import_digest [folder ...]
    import tempfile

    if len(sys.argv) > 1:
        for arg in sys.argv[1:]:
            d = folder_digest(Path(arg))
            print(arg, combined(d))
            for k, v in d.items():
                print("  ", k, v)
    else:
        small_pieces(setattr)
        with tempfile.TemporaryDirectory() as tmp:
            d = all_digests(Path(tmp))
            print(len(d), combined(d))
