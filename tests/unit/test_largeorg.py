"""The generated large organisation (benchmarks/largeorg.py) at a tiny scale: exact row counts,
byte-identical output for a seed, and every file recognised by the app as the intended shape."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analytics.ingest.pipeline import analyse_file, import_files
from analytics.store.workspace import Workspace
from benchmarks import largeorg

SCALE = 0.001


@pytest.fixture(scope="module")
def org_dir(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("largeorg")
    return out, largeorg.generate(out, scale=SCALE, seed=7)


def _data_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def test_counts(org_dir):
    out, written = org_dir
    assert sorted(written) == sorted(largeorg.FILES.values())
    expected = largeorg.counts_for(SCALE)
    assert expected == {"opportunities": 1000, "activities": 5000, "reviews": 400, "coaching_sessions": 100,
                        "development_actions": 50, "surveys": 20}
    for table, rows in expected.items():
        assert written[largeorg.FILES[table]] == rows
    # the roster does not scale
    assert written["people.csv"] == largeorg.N_DIRECTORS + largeorg.N_MANAGERS + largeorg.N_REPS
    assert written["accounts.csv"] == largeorg.N_MANAGERS * largeorg.ACCOUNTS_PER_MANAGER
    for name, rows in written.items():
        assert _data_rows(out / name) == rows, name


def test_full_scale_counts():
    assert largeorg.counts_for(1.0) == largeorg.EVENT_COUNTS
    assert largeorg.counts_for(0.1)["activities"] == 500_000


def test_same_seed_same_bytes(org_dir, tmp_path):
    out, _ = org_dir
    largeorg.generate(tmp_path, scale=SCALE, seed=7)
    for name in ("opportunities.csv", "activities.csv", "surveys.csv"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_each_file_recognised_as_intended(org_dir):
    out, written = org_dir
    for name in written:
        analysis = analyse_file(name, (out / name).read_bytes())
        assert analysis.error is None, analysis.error
        rec = analysis.recognition
        assert rec.shape == largeorg.EXPECTED_SHAPES[name], (name, rec.shape)
        assert rec.recognised and not rec.missing_required, name
    opp = analyse_file("opportunities.csv", (out / "opportunities.csv").read_bytes())
    assert {"owner", "stage", "amount", "created_date", "close_date", "account", "product", "probability",
            "is_complex", "manager_involved", "is_won", "is_closed", "opportunity_id"} <= set(opp.recognition.mapping)
    head = (out / "opportunities.csv").read_text(encoding="utf-8").splitlines()[1]
    assert '"$' in head and "/20" in head  # currency strings and US dates


def test_imports_without_rejects(org_dir):
    out, _ = org_dir
    ws = Workspace()
    names = ["people.csv", "opportunities.csv", "activities.csv", "reviews.csv", "coaching_sessions.csv",
             "development_actions.csv", "surveys.csv"]
    reports = import_files(ws, [analyse_file(n, (out / n).read_bytes()) for n in names])
    for rep in reports:
        assert rep.error is None, rep.error
        assert rep.rows_rejected == 0, (rep.file, rep.rejects[:3])
        assert rep.rows_loaded == rep.rows_read
        assert not rep.warnings, (rep.file, rep.warnings[:3])
    ws.close()
