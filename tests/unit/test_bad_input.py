"""Bad uploads through analyse_file/import_file: a clear message or a full account, never a crash."""

from __future__ import annotations

import io
import zipfile

import pytest

from analytics.ingest.pipeline import analyse_file, import_file
from analytics.store.workspace import Workspace

HEADER = "Id,Name,StageName,CloseDate,Amount,OwnerId,CreatedDate\n"
GOOD = "A{n},Deal {n},Closed Won,2024-03-01,100,Ann,2024-01-01\n"


def csv(*lines: str) -> bytes:
    return (HEADER + "".join(lines)).encode("utf-8")


def good(n: int) -> str:
    return GOOD.format(n=n)


def run(name: str, data: bytes):
    """Analyse and import one upload into a fresh workspace; nothing may escape."""
    ws = Workspace()
    try:
        analysis = analyse_file(name, data)
        report = import_file(ws, analysis)
        counts = ws.counts()
    finally:
        ws.close()
    if analysis.error is not None:
        assert isinstance(analysis.error, str) and name in analysis.error
    if report.error is not None:
        assert isinstance(report.error, str) and name in report.error
        assert "Traceback" not in report.error
        assert report.rows_loaded == 0
        assert sum(counts.values()) == 0
    else:
        assert report.rows_read == report.rows_loaded + report.rows_rejected
        assert counts[report.table] == report.rows_loaded
    return analysis, report


def _zip_without_workbook() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    return buf.getvalue()


CASES = [
    ("empty.csv", b""),
    ("blank.csv", b"  \r\n \n"),
    ("header_only.csv", HEADER.encode()),
    ("header_only_nonl.csv", HEADER.strip().encode()),
    ("junk.csv", bytes(range(256)) * 4),
    ("renamed.xlsx", csv(good(1))),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00junk" * 100),
    ("archive.xlsx", _zip_without_workbook()),
    ("ragged.csv", csv(good(1), "A2,short\n", good(3))),
    ("quote.csv", csv('A1,"unclosed,Closed Won,2024-03-01,100,Ann,2024-01-01\n', good(2))),
    ("unknown.csv", b"foo,bar\n1,2\n"),
    ("dups.csv", csv(good(1), good(2), good(1))),
    ("bad_values.csv", csv("A1,x,Won,not a date,5,Ann,2023-12-01\n", "A2,y,Won,2024-01-01,12 apples,Ann,2023-12-01\n")),
    ("required.csv", csv("A1,x,,2024-01-01,5,Ann,2023-12-01\n", ",y,Won,2024-01-01,5,Ann,2023-12-01\n")),
    ("one_column.csv", b"Name\n"),
    ("bom_only.csv", b"\xef\xbb\xbf"),
]


@pytest.mark.parametrize("name, data", CASES, ids=[c[0] for c in CASES])
def test_bad_upload_gives_a_message_or_a_full_account(name, data):
    run(name, data)


# --------------------------------------------------------------------------- files that cannot be read


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"  \r\n \n", "empty"),
        ("junk.csv", bytes(range(256)) * 4, "binary"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00junk" * 100, ".xls"),
        ("archive.xlsx", _zip_without_workbook(), "workbook"),
    ],
)
def test_unreadable_file_names_the_file_and_the_problem(name, data, words):
    analysis, report = run(name, data)
    assert analysis.raw is None
    assert analysis.error is not None and words in analysis.error
    assert report.error == analysis.error
    assert report.rows_read == 0


def test_header_only_loads_nothing_without_error():
    analysis, report = run("header_only.csv", HEADER.encode())
    assert analysis.error is None
    assert report.error is None
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (0, 0, 0)


def test_csv_renamed_xlsx_loads_with_a_note():
    _, report = run("renamed.xlsx", csv(good(1), good(2)))
    assert report.error is None
    assert report.rows_loaded == 2
    assert any("CSV" in n for n in report.notes)


# --------------------------------------------------------------------------- rows kept out


def test_ragged_rows_are_rejected_by_row_number():
    _, report = run("ragged.csv", csv(good(1), "A2,short\n", good(3), "A4,x,Won,2024-01-01,5,Ann,2024-01-01,extra\n"))
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 2, 2)
    assert sorted(r.row for r in report.rejects) == [3, 5]
    assert all(r.file == "ragged.csv" and r.column == "(whole row)" for r in report.rejects)


def test_unknown_columns_go_to_the_mapping_form():
    analysis, report = run("unknown.csv", b"foo,bar\n1,2\n")
    rec = analysis.recognition
    assert rec.table is None or not rec.recognised
    assert report.error is not None
    assert "unknown.csv" in report.error


def test_unknown_columns_can_be_mapped_by_hand():
    data = b"Ref,Who,Phase\nX1,Ann,Won\nX2,Bob,Lost\n"
    analysis = analyse_file("own.csv", data)
    assert not analysis.recognition.recognised
    ws = Workspace()
    try:
        report = import_file(ws, analysis, "opportunities", {"opportunity_id": "Ref", "owner": "Who", "stage": "Phase"})
        assert report.error is None
        assert report.rows_loaded == 2
        assert report.shape == "Column mapping chosen by hand"
        assert ws.scalar("SELECT count(*) FROM v_opportunities WHERE is_won") == 1
    finally:
        ws.close()


def test_mapping_without_a_required_column_is_a_message():
    analysis = analyse_file("own.csv", b"Ref,Who\nX1,Ann\n")
    ws = Workspace()
    try:
        report = import_file(ws, analysis, "opportunities", {"opportunity_id": "Ref", "owner": "Who"})
    finally:
        ws.close()
    assert report.error is not None and "own.csv" in report.error and "stage" in report.error
    assert report.rows_loaded == 0


def test_duplicate_id_rejects_the_later_row_naming_the_first():
    _, report = run("dups.csv", csv(good(1), good(2), good(1)))
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 2, 1)
    (rej,) = report.rejects
    assert rej.file == "dups.csv"
    assert rej.row == 4
    assert rej.column == "Id"
    assert rej.value == "A1"
    assert "duplicate" in rej.reason
    assert "row 2" in rej.reason


def test_duplicate_of_a_rejected_row_does_not_point_at_itself():
    _, report = run("dupbad.csv", csv("A1,x,Won,2024-03-01,abc,Ann,2024-01-01\n", good(1)))
    assert report.rows_read == 2
    for r in report.rejects:
        if "duplicate" in r.reason:
            assert f"row {r.row}" not in r.reason
    assert report.rows_loaded == 1


def test_unparseable_date_and_amount_reject_the_row():
    _, report = run(
        "bad_values.csv",
        csv(
            "A1,x,Won,not a date,5,Ann,2023-12-01\n",
            "A2,y,Won,2024-01-01,12 apples,Ann,2023-12-01\n",
            "A3,z,Won,2024-01-01,7,Ann,2023-12-01\n",
        ),
    )
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 1, 2)
    by_row = {r.row: r for r in report.rejects}
    assert set(by_row) == {2, 3}
    assert (by_row[2].file, by_row[2].column, by_row[2].value) == ("bad_values.csv", "CloseDate", "not a date")
    assert "date" in by_row[2].reason
    assert (by_row[3].file, by_row[3].column, by_row[3].value) == ("bad_values.csv", "Amount", "12 apples")
    assert "amount" in by_row[3].reason


def test_two_problems_on_one_row_count_as_one_rejected_row():
    _, report = run("two.csv", csv("A1,x,Won,not a date,lots,Ann,2023-12-01\n", good(2)))
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (2, 1, 1)
    assert len(report.rejects) == 2
    assert {r.column for r in report.rejects} == {"CloseDate", "Amount"}
    assert len(report.rejects_frame) == 2


def test_required_blank_rejects_the_row():
    _, report = run(
        "required.csv",
        csv(
            "A1,x,,2024-01-01,5,Ann,2023-12-01\n",
            ",y,Won,2024-01-01,5,Ann,2023-12-01\n",
            good(3),
        ),
    )
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 1, 2)
    by_row = {r.row: r for r in report.rejects}
    assert by_row[2].column == "StageName" and "required" in by_row[2].reason
    assert by_row[3].column == "Id" and "required" in by_row[3].reason


def test_blank_optional_value_loads_as_missing():
    ws = Workspace()
    try:
        report = import_file(ws, analyse_file("opt.csv", csv("A1,x,Won,2024-01-01,,Ann,2023-12-01\n")))
        assert report.rows_loaded == 1 and report.rejects == []
        assert ws.scalar("SELECT amount IS NULL FROM opportunities") is True
    finally:
        ws.close()


def test_warnings_load_the_row():
    _, report = run("warn.csv", csv("A1,x,Open,2024-01-01,-5,Ann,2024-06-01\n"))
    assert report.rows_loaded == 1 and report.rows_rejected == 0
    reasons = sorted(w.reason for w in report.warnings)
    assert any(r.startswith("close date is before the created date") for r in reasons)
    assert "negative amount" in reasons
