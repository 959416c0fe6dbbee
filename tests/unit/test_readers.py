"""Readers: uploaded bytes -> text cells, every row accounted for, plain-language errors."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from analytics.ingest.errors import ExportError
from analytics.ingest.readers import read_export, unique_headers


def rows_of(table) -> list[list[str]]:
    return table.frame.values.tolist()


def row_numbers(table) -> list[int]:
    return [int(r) for r in table.rows]


def reject_rows(table) -> list[int]:
    return [r.row for r in table.rejects]


def assert_accounted(table) -> None:
    assert table.rows_read == len(table.frame) + len({r.row for r in table.rejects})
    assert len(table.rows) == len(table.frame)


def assert_plain_error(exc: ExportError, file_name: str) -> None:
    text = str(exc)
    assert text.startswith(file_name), text
    for leak in ("Traceback", "pyarrow", "Arrow", "Exception", "Error:"):
        assert leak not in text, f"{leak!r} leaked into the user's message: {text}"


# --------------------------------------------------------------------------- encodings


def test_utf8_with_bom_header_has_no_bom():
    t = read_export("bom.csv", "\ufeffId,Name\r\n1,Anna\r\n".encode("utf-8"))
    assert t.headers == ["Id", "Name"]
    assert rows_of(t) == [["1", "Anna"]]
    assert t.encoding == "utf-8"
    assert_accounted(t)


def test_cp1252_bytes_are_decoded():
    data = "Id,Name\n1,Müller\n2,Café – x\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the input really is not UTF-8
    t = read_export("cp.csv", data)
    assert t.encoding == "cp1252"
    assert rows_of(t) == [["1", "Müller"], ["2", "Café – x"]]


def test_utf16_is_decoded():
    t = read_export("u16.csv", "a,b\n1,Müller\n".encode("utf-16"))
    assert t.headers == ["a", "b"]
    assert rows_of(t) == [["1", "Müller"]]


def test_crlf_line_endings_leave_no_carriage_returns():
    t = read_export("crlf.csv", b"a,b\r\n1,x\r\n2,y\r\n")
    assert t.headers == ["a", "b"]
    assert rows_of(t) == [["1", "x"], ["2", "y"]]
    assert row_numbers(t) == [2, 3]


# --------------------------------------------------------------------------- delimiters and quoting


def test_semicolon_delimiter_keeps_decimal_commas_in_one_cell():
    t = read_export("semi.csv", b"a;b;c\n1;2,5;3\n4;5;6\n")
    assert t.delimiter == "semicolon"
    assert t.headers == ["a", "b", "c"]
    assert rows_of(t) == [["1", "2,5", "3"], ["4", "5", "6"]]


def test_tab_delimiter():
    t = read_export("tab.tsv", b"a\tb\tc\n1\t2, x\t3\n4\t5\t6\n")
    assert t.delimiter == "tab"
    assert rows_of(t) == [["1", "2, x", "3"], ["4", "5", "6"]]


def test_pipe_delimiter():
    t = read_export("pipe.txt", b"a|b\n1|x,y\n")
    assert t.delimiter == "pipe"
    assert rows_of(t) == [["1", "x,y"]]


def test_quoted_commas_and_newlines_inside_quotes():
    t = read_export("q.csv", b'a,b,c\n1,"x, y",3\n2,"line1\nline2",4\n5,6,7\n')
    assert rows_of(t) == [["1", "x, y", "3"], ["2", "line1\nline2", "4"], ["5", "6", "7"]]
    assert row_numbers(t) == [2, 3, 4]
    assert t.rejects == []
    assert t.rows_read == 3


# --------------------------------------------------------------------------- ragged rows


def test_ragged_rows_are_rejects_with_spreadsheet_row_numbers():
    data = b"a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n13,14,15\n"
    t = read_export("rag.csv", data)
    assert rows_of(t) == [["1", "2", "3"], ["6", "7", "8"], ["13", "14", "15"]]
    assert row_numbers(t) == [2, 4, 6]
    assert reject_rows(t) == [3, 5]
    assert [r.column for r in t.rejects] == ["(whole row)", "(whole row)"]
    assert "2 fields" in t.rejects[0].reason and "3" in t.rejects[0].reason
    assert "4 fields" in t.rejects[1].reason
    assert t.rejects[0].value == "4,5"
    assert all(r.file == "rag.csv" for r in t.rejects)
    assert t.rows_read == 5 == 3 + 2
    assert_accounted(t)


def test_ragged_row_after_a_multi_line_record_is_numbered_by_record():
    t = read_export("ragq.csv", b'a,b,c\n1,"x\ny",3\n4,5\n6,7,8\n')
    assert row_numbers(t) == [2, 4]
    assert reject_rows(t) == [3]
    assert t.rows_read == 3


# --------------------------------------------------------------------------- headers


def test_duplicate_and_empty_headers_are_made_unique():
    t = read_export("dup.csv", b"Name,Name,,Id, name \n1,2,3,4,5\n")
    assert t.headers == ["Name", "Name (2)", "Column 3", "Id", "name (3)"]
    assert rows_of(t) == [["1", "2", "3", "4", "5"]]


def test_unique_headers_trims_and_collapses_spaces():
    assert unique_headers(["  Close   Date ", "\ufeffId", None]) == ["Close Date", "Id", "Column 3"]


def test_numbered_duplicate_does_not_collide_with_an_existing_header():
    t = read_export("dup2.csv", b"x,x,x (2)\n1,2,3\n")
    assert len(set(t.headers)) == 3
    assert sorted(rows_of(t)[0]) == ["1", "2", "3"]


def test_header_only_file_reads_zero_rows():
    t = read_export("hdr.csv", b"Id,Name,Amount\n")
    assert t.headers == ["Id", "Name", "Amount"]
    assert t.rows_read == 0
    assert len(t.frame) == 0 and t.rejects == []


def test_header_only_file_without_final_newline_reads_zero_rows():
    t = read_export("hdr.csv", b"Id,Name,Amount")
    assert t.headers == ["Id", "Name", "Amount"]
    assert t.rows_read == 0


def test_last_row_without_final_newline_is_read():
    t = read_export("nonl.csv", b"a,b\n1,2")
    assert rows_of(t) == [["1", "2"]]


def test_blank_lines_before_the_header_are_not_data():
    t = read_export("lead.csv", b"\n\na,b\n1,2\n")
    assert t.headers == ["a", "b"]
    assert rows_of(t) == [["1", "2"]]


# --------------------------------------------------------------------------- XLSX


def _workbook_bytes() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deals"
    ws.append(["Opportunity ID", "Opportunity Owner", "Stage", "Amount", "Close Date", "Created", "Won", None])
    ws.append(["O1", "Ann", "Closed Won", 1234.5, dt.date(2024, 3, 1), dt.datetime(2024, 1, 2, 10, 30), True])
    ws.append(["O2", "Bob", "Prospecting", 1000, dt.datetime(2024, 4, 1), dt.datetime(2024, 1, 3), False])
    ws.append(["O3", "Cy", "Prospecting", 7, None, None, False, None, "extra"])  # ragged
    ws.append([])  # a blank row among the data: a row read, rejected as empty
    ws.append(["O4", "Di", "Closed Lost", 0.1, None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_cells_become_text():
    t = read_export("deals.xlsx", _workbook_bytes())
    assert t.kind == "xlsx"
    assert t.headers == ["Opportunity ID", "Opportunity Owner", "Stage", "Amount", "Close Date", "Created", "Won"]
    assert rows_of(t) == [
        ["O1", "Ann", "Closed Won", "1234.5", "2024-03-01", "2024-01-02 10:30:00", "TRUE"],
        ["O2", "Bob", "Prospecting", "1000", "2024-04-01", "2024-01-03", "FALSE"],
        ["O4", "Di", "Closed Lost", "0.1", "", "", ""],
    ]
    assert row_numbers(t) == [2, 3, 6]


def test_xlsx_extra_cell_rejects_the_row():
    t = read_export("deals.xlsx", _workbook_bytes())
    ragged = next(r for r in t.rejects if r.row == 4)
    assert ragged.column == "(whole row)"
    assert "7" in ragged.reason
    assert {r.row: r.reason for r in t.rejects} == {4: ragged.reason, 5: "empty row"}
    assert t.rows_read == 5 == 3 + 2
    assert_accounted(t)


def test_workbook_with_a_csv_name_is_read_as_xlsx_with_a_note():
    t = read_export("deals.csv", _workbook_bytes())
    assert t.kind == "xlsx"
    assert len(t.frame) == 3
    assert any("XLSX" in n for n in t.notes)


def test_csv_renamed_xlsx_is_read_as_csv_with_a_note():
    t = read_export("export.xlsx", b"a,b\n1,2\n")
    assert t.kind == "csv"
    assert rows_of(t) == [["1", "2"]]
    assert any("CSV" in n for n in t.notes)


# --------------------------------------------------------------------------- files that cannot be read


def test_old_xls_workbook_is_refused_with_advice():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"junk" * 200
    with pytest.raises(ExportError) as exc:
        read_export("old.xls", data)
    assert ".xls" in str(exc.value)
    assert_plain_error(exc.value, "old.xls")


@pytest.mark.parametrize("data", [b"", b"   ", b"\r\n\r\n", b" \n\t \n"])
def test_empty_and_whitespace_only_files(data):
    with pytest.raises(ExportError) as exc:
        read_export("empty.csv", data)
    assert "empty" in str(exc.value)
    assert_plain_error(exc.value, "empty.csv")


def test_bom_and_line_break_only_is_empty():
    with pytest.raises(ExportError) as exc:
        read_export("bom.csv", b"\xef\xbb\xbf\r\n")
    assert "empty" in str(exc.value)


def test_binary_junk_is_refused():
    data = bytes(range(256)) * 8
    with pytest.raises(ExportError) as exc:
        read_export("junk.csv", data)
    assert "binary" in str(exc.value) or "not text" in str(exc.value)
    assert_plain_error(exc.value, "junk.csv")


def test_zip_that_is_not_a_workbook_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(ExportError) as exc:
        read_export("archive.xlsx", buf.getvalue())
    assert "workbook" in str(exc.value)
    assert_plain_error(exc.value, "archive.xlsx")


def test_damaged_zip_is_refused():
    with pytest.raises(ExportError) as exc:
        read_export("broken.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50)
    assert_plain_error(exc.value, "broken.xlsx")


def test_unterminated_quote_is_a_plain_error():
    with pytest.raises(ExportError) as exc:
        read_export("quote.csv", b'a,b,c\n1,"abc,3\n4,5,6\n7,8,9\n')
    assert "quote" in str(exc.value)
    assert_plain_error(exc.value, "quote.csv")


def test_a_large_file_read_in_parallel_still_numbers_its_ragged_rows(monkeypatch):
    """Large files are parsed on all cores; rows that do not fit the header are only numbered
    when read in order, so such a file is read again in order: the numbers stay right."""
    from analytics.ingest import readers

    monkeypatch.setattr(readers, "PARALLEL_BLOCK_BYTES", 1 << 16)  # files over 128 KB go parallel
    lines = ["id,name,note"] + [f"{i},Rep {i},\"multi\nline {i}\"" if i % 1000 == 7 else f"{i},Rep {i},ok"
                                for i in range(1, 20_001)]
    clean = ("\n".join(lines) + "\n").encode()
    assert len(clean) > 2 * readers.PARALLEL_BLOCK_BYTES
    table = read_export("big.csv", clean)
    assert len(table.frame) == 20_000 and not table.rejects
    assert table.frame["note"].iloc[6] == "multi\nline 7"
    assert row_numbers(table) == list(range(2, 20_002))  # a record spanning two lines is one row
    lines[15_000] = "15000,Rep 15000,too,many,fields"
    table = read_export("big.csv", ("\n".join(lines) + "\n").encode())
    assert reject_rows(table) == [15_001] and len(table.frame) == 19_999
    assert_accounted(table)


def test_a_record_longer_than_a_parallel_block_is_read_in_order(monkeypatch):
    """A damaged file with one huge quoted value: the parallel read cannot split it, the
    in-order read can, and only that row is rejected (it is longer than any CRM field)."""
    from analytics.ingest import readers

    monkeypatch.setattr(readers, "PARALLEL_BLOCK_BYTES", 1 << 16)
    lines = ["id,name,note"] + [f"{i},Rep {i},ok" for i in range(1, 20_001)]
    lines[500] = f'500,Rep 500,"{"x" * 200_000}"'
    table = read_export("big.csv", ("\n".join(lines) + "\n").encode())
    assert reject_rows(table) == [501] and "characters long" in table.rejects[0].reason
    assert len(table.frame) == 19_999
    assert_accounted(table)


#: Bytes that are not UTF-8, or only look like it: a lone continuation byte, a lead byte cut short,
#: overlong forms, an encoded surrogate, a code point past U+10FFFF, bytes never valid in UTF-8.
NOT_UTF8 = [b"\x80", b"\xbf\xbf", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xc0\xaf", b"\xe0\x80\xaf",
            b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xfe", b"\xff", b"caf\xe9", b"\xe9\xe8"]


@pytest.mark.parametrize("parallel", [False, True])
def test_every_cell_the_csv_reader_hands_on_is_valid_utf8(monkeypatch, parallel):
    """Arrow's parse no longer checks each cell's UTF-8 (``check_utf8=False``): it relies on the
    text it is given being valid UTF-8 as a whole, as ``_decode`` leaves it, whatever the bytes
    uploaded. Here bytes that are not UTF-8 sit in plain and quoted cells, at a cell's start and
    end, before a delimiter, a quote and a line end, in files read in order and in parallel; every
    cell read must be valid UTF-8 (an invalid one would fail Arrow's full validation below) and
    read as Windows-1252 where it is not UTF-8."""
    import random

    import pyarrow as pa

    from analytics.ingest import readers

    if parallel:
        monkeypatch.setattr(readers, "PARALLEL_BLOCK_BYTES", 1 << 12)  # files over 8 KB go parallel
    rng = random.Random(22)
    rows = [b"id,name,note"]
    for i in range(400):
        bad = NOT_UTF8[i % len(NOT_UTF8)]
        noise = bytes(rng.randrange(128, 256) for _ in range(rng.randrange(1, 4)))
        cells = [b"%d" % i, b"Ann" + bad, b'"' + bad + b', x ' + noise + b'"'] if i % 2 else \
                [b"%d" % i, bad + b"Lee", noise + b" \xc3\xa9t\xc3\xa9 " + bad]
        rows.append(b",".join(cells))
    data = b"\n".join(rows) + b"\n"
    body, encoding, _ = readers._decode("bad.csv", data)
    assert readers._valid_utf8(body)
    table = read_export("bad.csv", data)
    assert len(table.frame) == 400 and not table.rejects
    assert (len(data) > 2 * readers.PARALLEL_BLOCK_BYTES) == parallel
    for column in table.frame.columns:
        pa.array(table.frame[column].to_numpy(dtype=object), type=pa.large_string()).validate(full=True)
        arrow = table.frame[column].array.__arrow_array__()
        for chunk in arrow.chunks:
            chunk.validate(full=True)
    assert table.frame["name"].iloc[11] == "Anncafé" and table.frame["name"].iloc[12] == "éèLee"
