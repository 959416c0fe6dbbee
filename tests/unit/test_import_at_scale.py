"""The import's fast paths for large files give the same answers as the plain ones."""

from __future__ import annotations

import pandas as pd

from analytics.ingest.pipeline import analyse_file, import_file
from analytics.ingest.validate import _surely_distinct
from analytics.store.workspace import Workspace


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


def test_a_large_quota_file_keys_on_owner_and_period_with_categorical_names():
    """1,000+ repetitive rows take the once-per-distinct path (names come back as categoricals);
    the two-column key, the duplicate check and the loaded text must be as for a small file."""
    owners = [f"  Rep  {i:03d} " for i in range(300)]  # untidy spacing: trimmed and collapsed
    lines = ["owner,period_start,period_end,amount"]
    for q, (start, end) in enumerate([("2024-01-01", "2024-03-31"), ("2024-04-01", "2024-06-30"),
                                      ("2024-07-01", "2024-09-30"), ("2024-10-01", "2024-12-31")]):
        lines += [f"{o},{start},{end},{100_000 + q}" for o in owners]
    lines.append("Rep 007,2024-04-01,2024-06-30,1")  # the same owner and period as row 309
    ws = Workspace()
    try:
        report = import_file(ws, analyse_file("quotas.csv", ("\n".join(lines) + "\n").encode()), check_people=False)
        assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (1201, 1200, 1)
        (reject,) = report.rejects
        assert reject.row == 1202 and "already on row 309" in reject.reason
        assert ws.scalar("SELECT count(DISTINCT owner) FROM quotas") == 300
        assert ws.scalar("SELECT typeof(owner) FROM quotas LIMIT 1") == "VARCHAR"
        assert ws.scalar("SELECT amount FROM quotas WHERE owner = 'Rep 007' AND period_start = DATE '2024-04-01'") == 100_001
    finally:
        ws.close()


def test_a_folder_loads_its_roster_first_even_when_the_first_64_kb_cut_a_quoted_value(tmp_path):
    """Files are ordered from their first 64 KB; a cut inside a quoted value cannot be read,
    so the whole file is read to place it: the roster still loads first."""
    from analytics.ingest.pipeline import HEAD_BYTES, import_directory

    header = "person_id,name,manager,team,region,segment,role,email,start_date,end_date,is_active"
    rows = [f"U{i:05d},Rep {i},Boss,Team A,EMEA,,Account Executive,r{i}@x.example,2021-03-01,,TRUE"
            for i in range(1, 2000)]
    first = header + "\n" + "Boss,Boss,,Team A,EMEA,,Sales Manager,b@x.example,2020-01-01,,TRUE\n"
    offset, i = len(first), 0
    while offset + len(rows[i]) + 1 < HEAD_BYTES - 200:  # the row that starts just before the 64 KB mark
        offset += len(rows[i]) + 1
        i += 1
    rows[i] = (  # a multi-line quoted role straddling the mark
        f'U99999,Long Notes,Boss,Team A,EMEA,,"{"Account Executive " * 40}\n{"and more " * 400}",n@x.example,'
        "2021-03-01,,TRUE")
    people = first + "\n".join(rows)
    head = people.encode()[:HEAD_BYTES]
    assert head.count(b'"') % 2 == 1  # the cut is inside the quoted value
    (tmp_path / "a_accounts.csv").write_text("account_id,name\nACC-1,Ironbark\n")
    (tmp_path / "z_people.csv").write_text(people + "\n")
    ws = Workspace()
    try:
        reports = import_directory(ws, tmp_path)
        assert [r.table for r in reports] == ["people", "accounts"]
        assert reports[0].rows_loaded == 2000 and reports[0].error is None
    finally:
        ws.close()
