"""Property-based import test (issue 7, part 4).

For generated CSVs (known and junk headers, unicode, quotes, delimiters inside cells, empty
cells, ragged rows, several encodings and line ends), the Data page's import path either
accounts for every row (read = loaded + rejected, per file) or stops with the app's own
message for the user. Any other exception fails the test.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from analytics import schema
from analytics.ingest.pipeline import ImportJob, analyse_file, import_files
from analytics.ingest.recognise import missing_required
from analytics.store.workspace import Workspace

#: Headers a real export has: every canonical column and the labels of common exports.
KNOWN_HEADERS = sorted({c.name for t in schema.TABLES.values() for c in t.columns} | {
    "Id", "Name", "StageName", "CloseDate", "Amount", "OwnerId", "CreatedDate", "IsWon", "IsClosed",
    "Opportunity Owner", "Stage", "Close Date", "Deal Name", "Deal Stage", "Deal owner", "Record ID",
    "Subject", "ActivityDate", "Probability (%)", "Account Name",
})
#: Sets of headers that are recognised, so that many examples reach validation and loading.
RECOGNISED = [
    ["Id", "Name", "StageName", "CloseDate", "Amount", "OwnerId", "CreatedDate"],
    ["opportunity_id", "owner", "stage", "amount", "close_date"],
    ["Opportunity Owner", "Stage", "Close Date", "Amount"],
    ["account_id", "name", "industry", "employees"],
    ["rep", "capability", "cycle", "score"],
    ["owner", "activity_date", "activity_type"],
]
CELL_WORDS = [
    "2024-03-01", "03/14/2024", "14.03.2024", "13/01/2024", "2024-01-22T16:14:25.000+0000", "1.234,56",
    "$1,200.00", "(200)", "-5", "1e309", "NaN", "99999999999999999999", "TRUE", "no", "Closed Won",
    "Prospecting", "=cmd|' /C calc'!A0", "id integer); --", "Ann Lee", "Zoë", "Müller", "€", "中文",
]
HOSTILE_CHARS = ' ,;\t|"\'\n\r=+-@abcXYZ0123456789éü€中🙂\u202e'

cells = st.one_of(
    st.just(""),
    st.sampled_from(CELL_WORDS),
    st.text(alphabet=HOSTILE_CHARS, max_size=10),
    st.text(max_size=8),
    st.integers(-10**20, 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
junk_headers = st.text(alphabet=HOSTILE_CHARS, min_size=0, max_size=12)


@st.composite
def csv_files(draw):
    """(file name, bytes, how it was written) for one generated upload."""
    if draw(st.booleans()):
        headers = list(draw(st.sampled_from(RECOGNISED)))
        headers += draw(st.lists(st.one_of(st.sampled_from(KNOWN_HEADERS), junk_headers), max_size=2))
        headers = draw(st.permutations(headers))
    else:
        headers = draw(st.lists(st.one_of(st.sampled_from(KNOWN_HEADERS), junk_headers), min_size=1, max_size=6))
    width = len(headers)
    n_rows = draw(st.integers(0, 8))
    rows = []
    for _ in range(n_rows):
        ragged = draw(st.sampled_from([0, 0, 0, 0, 0, -1, 1, -width]))
        rows.append(draw(st.lists(cells, min_size=max(0, width + ragged), max_size=max(0, width + ragged))))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quoted = draw(st.booleans())  # True: written by a CSV writer; False: joined as they are
    if quoted:
        text = "".join(write_record(r, delimiter, eol, rows_need_quotes([headers, *rows])) for r in [headers, *rows])
    else:
        text = "".join(delimiter.join(r) + eol for r in [headers, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    name = draw(st.sampled_from(["deals.csv", "export.txt", "data.tsv", "report.xlsx"]))
    return name, data, {"headers": headers, "rows": rows, "delimiter": delimiter, "quoted": quoted,
                        "encoding": encoding, "eol": eol}


def rows_need_quotes(records: list[list[str]]) -> bool:
    """The csv writer quotes a value with a line break only when the break is part of its own
    line terminator; a file whose values hold any line break is written with every value quoted."""
    return any("\r" in c or "\n" in c for r in records for c in r)


def write_record(cells: list[str], delimiter: str, eol: str, quote_all: bool) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=eol,
               quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerow(cells)
    return buf.getvalue()


LEAK = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|pyarrow|Errno")


def assert_app_message(message: str, name: str) -> None:
    """A refusal is the app's own message: a string that names the file, with no Python in it."""
    assert isinstance(message, str) and message.startswith(name), message
    assert not LEAK.search(message), message


def expected_rows_read(how: dict) -> int:
    """Records the csv writer wrote, up to the last one with a value: an empty record (every
    value blank or whitespace, whatever its width) among the data is a row read (and rejected
    as empty); those after the last record with a value are the file's padding, not rows read."""
    with_values = [i for i, row in enumerate(how["rows"], start=1) if any(c.strip() for c in row)]
    return with_values[-1] if with_values else 0


def exact_count_applies(how: dict, raw) -> bool:
    """The written records are the records read: written by the csv writer, read with the
    same delimiter, a header line with text, and UTF-16 recognised as UTF-16."""
    delimiter = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[how["delimiter"]]
    header_line = write_record(how["headers"], how["delimiter"], "", rows_need_quotes([how["headers"], *how["rows"]]))
    return (how["quoted"] and raw.delimiter == delimiter and header_line.encode("utf-8").strip() != b""
            and (not how["encoding"].startswith("utf-16") or raw.encoding.startswith("utf-16")))


@pytest.fixture(scope="module")
def workspace():
    ws = Workspace()  # one for every example: loading into it is part of what is checked
    yield ws
    ws.close()


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(upload=csv_files())
def test_an_import_accounts_for_every_row_or_says_why_not(workspace, upload):
    name, data, how = upload
    analysis = analyse_file(name, data)  # any exception but the app's own handling fails here
    if analysis.error is not None:
        assert analysis.raw is None
        assert_app_message(analysis.error, name)
        event("refused with the app's message")
        return
    raw = analysis.raw
    kept, rejected = {int(r) for r in raw.rows}, {r.row for r in raw.rejects}
    assert len(kept) == len(raw.frame) == len(raw.rows), "a row number is used twice"
    assert not kept & rejected, "a row is both read and rejected"
    assert raw.rows_read == len(kept) + len(rejected)
    rec = analysis.recognition
    if rec.table is None or missing_required(rec.table, rec.mapping):
        event("the page asks for the table and columns")
        return  # nothing loads until the user chooses
    (report,) = import_files(workspace, [ImportJob(analysis, rec.table, dict(rec.mapping))])
    if report.error is not None:
        assert_app_message(report.error, name)
        assert report.rows_loaded == 0
        event("import refused with the app's message")
        return
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    assert report.rows_read == raw.rows_read
    assert all(r.file == name and (r.row in kept or r.row in rejected) for r in report.rejects)
    event("loaded" + (" with rejects" if report.rows_rejected else ""))
    if exact_count_applies(how, raw):
        event("rows read checked against the rows written")
        assert report.rows_read == expected_rows_read(how), "rows written by a CSV writer went missing"
