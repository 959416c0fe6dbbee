"""The import's fast paths for large files give the same answers as the plain ones."""

from __future__ import annotations

import pandas as pd

from analytics.ingest.pipeline import analyse_file, import_file
from analytics.ingest.validate import _surely_distinct
from analytics.workspace import Workspace


def test_hashing_proves_distinct_ids_and_never_hides_a_repeat():
    ids = pd.Series([f"00T{i:012d}" for i in range(150_000)], dtype="str")
    assert _surely_distinct(ids)
    repeated = ids.copy()
    repeated.iloc[149_999] = ids.iloc[3]
    assert not _surely_distinct(repeated)
    assert not _surely_distinct(pd.Series(["a", "b", "a"], dtype="str"))  # small: checked exactly


def test_a_repeated_id_deep_in_a_large_file_is_rejected_with_its_row():
    n = 120_000
    lines = ["Activity ID,Assigned,Subject,Type,Date,Status"]
    lines += [f"00T{i:012d},Rep {i % 50},Call {i % 7},Call,03/{1 + i % 28:02d}/2024,Completed" for i in range(n)]
    lines.append("00T000000000042,Rep 1,Call 1,Call,03/01/2024,Completed")  # row n + 2 repeats row 44
    ws = Workspace()
    try:
        report = import_file(ws, analyse_file("activities.csv", ("\n".join(lines) + "\n").encode()), check_people=False)
        assert report.error is None
        assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (n + 1, n, 1)
        (reject,) = report.rejects
        assert reject.row == n + 2 and "already on row 44" in reject.reason
        assert ws.scalar("SELECT count(DISTINCT activity_type) FROM activities") == 1
        assert ws.scalar("SELECT count(*) FROM activities WHERE activity_date = DATE '2024-03-28'") == n // 28
    finally:
        ws.close()
