"""Names at import (issue 16, item 11): normalised once, where every file comes in.

Text is NFKC-folded, invisible characters go (a zero-width space is a space), whitespace runs
become one space, and names, IDs and references are capped at 255 characters with the row
listed. A value that held nothing visible is missing: a required one rejects its row with the
reason, an optional one loads blank with a warning. Rows with nothing in them are listed as
rejected with their row, so that read = loaded + rejected; blank lines after the last row with
a value are named in a note and not read. Everything goes through the Data page's own import
path into a real DuckDB workspace.
"""

from __future__ import annotations

import io
import time
import unicodedata

import openpyxl
import pandas as pd
import pytest

from analytics import schema
from analytics.ingest.pipeline import ImportJob, ImportReport, analyse_file, import_files
from analytics.ingest.readers import read_export
from analytics.ingest.values import MAX_NAME_CHARS, PARSERS, clean_text, parse
from analytics.store.workspace import Workspace

DEALS = "Id,Name,StageName,CloseDate,Amount,OwnerId,CreatedDate\n"


def deal(n: int, owner: str, name: str | None = None) -> str:
    return f"A{n},{name or f'Deal {n}'},Closed Won,2024-03-01,100,{owner},2024-01-01\n"


def load(ws: Workspace, *files: tuple[str, str | bytes]) -> list[ImportReport]:
    """Import files as the Data page does (recognised, the roster first)."""
    analyses = [analyse_file(name, body.encode() if isinstance(body, str) else body) for name, body in files]
    assert all(a.error is None for a in analyses), [a.error for a in analyses]
    reports = import_files(ws, [ImportJob(a, a.recognition.table, dict(a.recognition.mapping)) for a in analyses])
    for r in reports:
        assert r.error is None, r.error
        assert r.rows_read == r.rows_loaded + r.rows_rejected, "a row went missing"
    return reports


@pytest.fixture
def ws():
    w = Workspace()
    yield w
    w.close()


def owners(ws: Workspace) -> list:
    got = ws.query("SELECT opportunity_id, owner FROM opportunities ORDER BY opportunity_id")
    return [None if pd.isna(o) else o for o in got["owner"]]


# --------------------------------------------------------------------------- invisible and folded names


def test_a_zero_width_space_owner_loads_as_missing_with_a_warning_naming_the_row(ws):
    (report,) = load(ws, ("deals.csv", DEALS + deal(1, "\u200b") + deal(2, "Ann Lee") + deal(3, " \u200b\ufeff ")))
    assert owners(ws) == [None, "Ann Lee", None]  # missing, not a name nobody can see
    assert report.rows_loaded == 3 and report.rows_rejected == 0
    warned = {w.row: w for w in report.warnings if "invisible" in w.reason}
    assert sorted(warned) == [2, 4]
    assert warned[2].column == "OwnerId" and warned[2].value == "U+200B"
    assert "loaded as blank" in warned[2].reason
    assert any(n.startswith("OwnerId: 2 values held only invisible characters") for n in report.notes)


def test_a_required_owner_of_zero_width_spaces_rejects_its_row_with_the_reason(ws):
    quotas = "owner,period_start,period_end,amount\nAnn Lee,2024-01-01,2024-03-31,1000\n\u200b\u200b,2024-01-01,2024-03-31,900\n"
    (report,) = load(ws, ("quotas.csv", quotas))
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (2, 1, 1)
    (reject,) = report.rejects
    assert reject.row == 3 and reject.column == "owner" and reject.value == "U+200B U+200B"
    assert reject.reason == "owner is required but blank (the cell holds only invisible characters)"
    assert ws.query("SELECT owner FROM quotas")["owner"].tolist() == ["Ann Lee"]


def test_owners_with_zero_width_spaces_or_full_width_letters_join_the_roster(ws):
    people = "person_id,name,manager\nP1,Ann Lee,Max Muster\nP2,Max Muster,\n"
    deals = DEALS + deal(1, "Ann\u200bLee") + deal(2, "Ａｎｎ Ｌｅｅ") + deal(3, "Ann  Lee\u00a0") + deal(4, "Ann Lee")
    _, report = load(ws, ("people.csv", people), ("deals.csv", deals))
    assert owners(ws) == ["Ann Lee"] * 4
    assert not [w for w in report.warnings if "not in the roster" in w.reason]
    joined = ws.query("SELECT count(*) AS n FROM opportunities o JOIN people p ON p.name = o.owner")["n"].iat[0]
    assert joined == 4


def test_an_owner_given_as_an_id_finds_the_roster_id_however_each_file_wrote_it(ws):
    people = "person_id,name\nＰ１,Ann Lee\n00 5X,Bo Chen\n"
    _, report = load(ws, ("people.csv", people), ("deals.csv", DEALS + deal(1, "P1") + deal(2, "00\u200b5X")))
    assert ws.query("SELECT person_id FROM people ORDER BY name")["person_id"].tolist() == ["P1", "00 5X"]
    assert owners(ws) == ["P1", "00 5X"]
    assert not [w for w in report.warnings if "not in the roster" in w.reason]


def test_control_characters_go_and_whitespace_becomes_one_space(ws):
    deals = (DEALS + deal(1, '"Ann\tLee"') + deal(2, "\x07Ann \x7fLee\x1b") + deal(3, '"Ann\r\n Lee"')
             + deal(4, "\u202eAnn Lee\u202c", "\x1b[31mred\x1b[0m deal") + deal(5, "Jo\u00adhn\u200d Smith"))
    (report,) = load(ws, ("deals.csv", deals))
    assert owners(ws) == ["Ann Lee", "Ann Lee", "Ann Lee", "Ann Lee", "John Smith"]
    names = ws.query("SELECT name FROM opportunities ORDER BY opportunity_id")["name"].tolist()
    assert names[3] == "[31mred[0m deal"  # the escape character is gone; what it hid is plain text
    assert report.rows_loaded == 5 and not report.warnings


#: Cells a browser draws as nothing that are neither spaces nor format characters (issue 16
#: review, item 5): each loaded as an owner that showed as nothing
DRAWN_AS_NOTHING = {
    "combining grapheme joiner": "\u034f", "Hangul filler": "\u3164", "Hangul choseong filler": "\u115f",
    "Hangul jungseong filler": "\u1160", "halfwidth Hangul filler": "\uffa0", "Braille blank": "\u2800",
    "variation selector 16": "\ufe0f", "variation selector 1": "\ufe00", "variation selector 17": "\U000e0100",
    "variation selector 256": "\U000e01ef", "Mongolian vowel separator": "\u180e", "Mongolian selector": "\u180b",
    "three joiners": "\u034f\u034f\u034f", "a mix between spaces": " \u3164\u2800\ufe0f\u034f ",
}


def test_owners_drawn_as_nothing_load_as_missing_with_a_warning_naming_the_row(ws):
    cells = list(DRAWN_AS_NOTHING.values())
    deals = DEALS + "".join(deal(i, v) for i, v in enumerate(cells, start=1)) + deal(99, "Ann Lee")
    (report,) = load(ws, ("deals.csv", deals))
    got = dict(ws.query("SELECT opportunity_id, owner FROM opportunities").itertuples(index=False))
    shown = {k: got[f"A{i}"] for i, k in enumerate(DRAWN_AS_NOTHING, start=1) if not pd.isna(got[f"A{i}"])}
    assert shown == {} and got["A99"] == "Ann Lee"  # missing, not a name nobody can see
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (len(cells) + 1, len(cells) + 1, 0)
    warned = {w.row: w.value for w in report.warnings if "invisible" in w.reason and w.column == "OwnerId"}
    assert sorted(warned) == list(range(2, len(cells) + 2))
    assert warned[2] == "U+034F" and warned[4] == "U+115F"


def test_a_required_owner_drawn_as_nothing_rejects_its_row_with_the_reason(ws):
    quotas = ("owner,period_start,period_end,amount\nAnn Lee,2024-01-01,2024-03-31,1000\n"
              "\u2800\u3164,2024-01-01,2024-03-31,900\n\ufe0f,2024-01-01,2024-03-31,800\n")
    (report,) = load(ws, ("quotas.csv", quotas))
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 1, 2)
    assert [(r.row, r.column, r.reason) for r in report.rejects] == [
        (3, "owner", "owner is required but blank (the cell holds only invisible characters)"),
        (4, "owner", "owner is required but blank (the cell holds only invisible characters)")]
    assert ws.query("SELECT owner FROM quotas")["owner"].tolist() == ["Ann Lee"]


def test_a_name_split_by_characters_drawn_as_nothing_is_the_name_it_shows(ws):
    people = "person_id,name,manager\nP1,Deepa Varga,\nP2,José Ng,Deepa Varga\n"
    deals = (DEALS + deal(1, "Dee\u034fpa Var\ufe0fga") + deal(2, "\u2800Deepa\u3164 Varga")
             + deal(3, "Jose\u034f\u0301 Ng"))  # the accent, once the joiner is gone, is composed
    _, report = load(ws, ("people.csv", people), ("deals.csv", deals))
    assert owners(ws) == ["Deepa Varga", "Deepa Varga", "José Ng"]
    assert not [w for w in report.warnings if "not in the roster" in w.reason]


def test_a_10000_character_name_is_cut_to_255_with_its_row_listed(ws):
    long_owner, long_name = "Ann " + "A" * 9_996, "N" * 10_000
    (report,) = load(ws, ("deals.csv", DEALS + deal(1, "Ann Lee") + deal(2, long_owner, long_name)))
    got = ws.query("SELECT owner, name FROM opportunities WHERE opportunity_id = 'A2'")
    assert got["owner"].iat[0] == long_owner[:MAX_NAME_CHARS] and got["name"].iat[0] == "N" * MAX_NAME_CHARS
    assert report.rows_loaded == 2 and report.rows_rejected == 0
    cut = sorted((w.row, w.column, w.reason) for w in report.warnings if "longer than" in w.reason)
    assert cut == [(3, "Name", "name is longer than 255 characters (10,000); its first 255 were kept"),
                   (3, "OwnerId", "owner is longer than 255 characters (10,000); its first 255 were kept")]
    assert all(len(w.value) <= 80 for w in report.warnings)  # the list shows the start, not the whole
    assert any("longer than 255 characters was cut to 255" in n for n in report.notes)


def test_free_text_is_cleaned_but_not_cut():
    raw = read_export("dictionary.csv", ("table_name,field,description\nopportunities,amount,"
                                         + "Ｌｏｎｇ\u200b " + "d" * 600 + "\n").encode())
    from analytics.ingest.validate import prepare

    prepared = prepare(raw, "data_dictionary", {"table_name": "table_name", "field": "field",
                                                "description": "description"})
    assert prepared.frame["description"].iat[0] == "Long " + "d" * 600
    assert prepared.warnings.total == 0


# --------------------------------------------------------------------------- rows with nothing in them


def test_rows_of_spaces_and_empty_rows_among_the_data_are_rejected_with_their_rows(ws):
    body = (DEALS + deal(1, "Ann Lee") + "   \n" + deal(2, "Ann Lee") + "\t\n" + ",,,,,,\n" + " , ,\t, , , , \n"
            + "\n" + ",\n" + deal(3, "Ann Lee"))
    (report,) = load(ws, ("deals.csv", body))
    assert {r.row: r.reason for r in report.rejects} == {
        3: "empty row (only spaces)", 5: "empty row (only spaces)", 6: "empty row", 7: "empty row (only spaces)",
        8: "empty row", 9: "empty row"}
    assert all(r.column == "(whole row)" for r in report.rejects)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (9, 3, 6)
    assert ws.counts()["opportunities"] == 3


def test_blank_lines_after_the_data_are_named_and_not_read(ws):
    (report,) = load(ws, ("deals.csv", DEALS + deal(1, "Ann Lee") + deal(2, "Ann Lee") + "\n  \n\t\n,,\n\n"))
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (2, 2, 0)
    assert "5 empty rows after the last row with values (rows 4 to 8) were not read." in report.notes


def test_a_million_blank_lines_after_the_data_cost_no_million_rows(ws):
    started = time.monotonic()
    (report,) = load(ws, ("deals.csv", DEALS + deal(1, "Ann Lee") + "\r\n" * 1_000_000))
    assert time.monotonic() - started < 5
    assert (report.rows_read, report.rows_loaded) == (1, 1)
    assert "1,000,000 empty rows after the last row with values (rows 3 to 1,000,002) were not read." in report.notes


def test_a_workbook_row_of_spaces_and_an_empty_row_are_rejected_with_their_rows(ws):
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(DEALS.strip().split(","))
    sheet.append(deal(1, "Ann Lee").strip().split(","))
    sheet.append(["   ", None, "\t"])
    sheet.append([])
    sheet.append(deal(2, "Ann\u200bLee").strip().split(","))
    sheet.cell(row=9, column=1).value = " "  # below the data: padding
    buf = io.BytesIO()
    wb.save(buf)
    (report,) = load(ws, ("deals.xlsx", buf.getvalue()))
    # openpyxl writes a cell of only spaces without xml:space="preserve", so by the XML rules (and
    # the reader, calamine) it holds no text: the row is an empty row (Excel writes the attribute;
    # tests.hostile_corpus's names-blank-rows.xlsx keeps a row of spaces as one)
    assert {r.row: r.reason for r in report.rejects} == {3: "empty row", 4: "empty row"}
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 2, 2)
    assert owners(ws) == ["Ann Lee", "Ann Lee"]
    assert any("not read" in n and "row" in n for n in report.notes)


# --------------------------------------------------------------------------- the rules themselves


def test_the_columns_that_name_something_are_derived_from_the_schema():
    for t in schema.TABLES.values():
        named = set(schema.NAMING_COLUMNS[t.name])
        text = {c.name for c in t.columns if c.type in ("text", "id")}
        assert named <= text
        assert {c.name for c in t.columns if c.type == "id"} <= named
        assert set(schema.PERSON_REFERENCES.get(t.name, ())) <= named
        assert {c for c in (*t.key, *t.derived_key_from) if c in text} <= named
    naming = schema.NAMING_COLUMNS
    assert {"manager", "team", "name"} <= set(naming["people"])  # a person, a team
    assert "reviewer" in naming["reviews"] and "parent" in naming["accounts"] and "account" in naming["contacts"]
    assert "product" in naming["opportunities"] and "owner" in naming["leads"]
    assert "description" not in naming["data_dictionary"] and "attendees" not in naming["activities"]


def _reference(text: str | None) -> str | None:
    """What clean_text does, written with Python's unicodedata, cell by cell."""
    if text is None:
        return None
    text = "".join(c for c in text if c.isspace() or c == "\u200b"
                   or (unicodedata.category(c) not in ("Cc", "Cf") and not _drawn_as_nothing(c)))
    text = unicodedata.normalize("NFKC", text).replace("\u200b", " ")
    return " ".join(text.split()) or None


def _drawn_as_nothing(c: str) -> bool:
    """Unicode's default-ignorable code points (DerivedCoreProperties.txt) and the Braille blank."""
    return ord(c) in _DEFAULT_IGNORABLE or c == "\u2800"


_DEFAULT_IGNORABLE = {c for lo, hi in (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF)) for c in range(lo, hi + 1)}


def test_clean_text_in_arrow_matches_python_on_every_character():
    """NFKC, the invisible characters and the spaces, for every character of the Basic
    Multilingual Plane below the surrogates, alone and between letters (characters Python's
    Unicode tables do not know yet are left out: Arrow's are newer, and fold some of them)."""
    known = [chr(c) for c in range(0xD800) if unicodedata.category(chr(c)) != "Cn"]
    cells = [s for c in known for s in (c, f"a{c}b", f" {c} ")]
    got = clean_text(pd.Series(cells, dtype="str")).values.tolist()
    want = [_reference(c) for c in cells]
    wrong = [(c, g, w) for c, g, w in zip(cells, got, want, strict=True) if (None if pd.isna(g) else g) != w]
    assert not wrong, wrong[:10]


def test_characters_that_compose_with_the_one_before_are_composed():
    """NFKC is skipped for cells it would not change; a cell whose marks or jamo compose with
    the letter before them is not one of those."""
    cells = ["Zoe\u0308", "Jose\u0301 Ñu\u0303", "\u1100\u1161\u11a8", "か\u3099", "ｶﾞ", "Ǆ", "ﬁn", "Zoë"]
    got = clean_text(pd.Series(cells, dtype="str")).values.tolist()
    assert got == [unicodedata.normalize("NFKC", c) for c in cells] == [
        "Zoë", "José Ñũ", "각", "が", "ガ", "DŽ", "fin", "Zoë"]


def test_parsing_once_per_distinct_text_reports_the_same_blank_and_cut_cells():
    cells = ["\u200b", "Ann Lee", "x" * 300, "", None, "Ann\u200bLee"] * 400
    column = pd.Series(cells, dtype="str", index=pd.RangeIndex(3, 3 + len(cells)))
    for kind in ("text", "id"):
        each, once = PARSERS[kind](column, cap=MAX_NAME_CHARS), parse(kind, column, MAX_NAME_CHARS)
        assert once.emptied.tolist() == each.emptied.tolist() == [c == "\u200b" for c in cells]
        assert once.cut.tolist() == each.cut.tolist() == [c is not None and len(c) == 300 for c in cells]
        assert [None if pd.isna(v) else v for v in once.values] == [None if pd.isna(v) else v for v in each.values]


def test_a_plain_column_costs_a_few_scans():
    ids = pd.Series([f"006{i:012d}" for i in range(1_000_000)], dtype="str")
    clean_text(ids, MAX_NAME_CHARS)  # warm
    started = time.process_time()
    out = clean_text(ids, MAX_NAME_CHARS)
    assert time.process_time() - started < 0.5  # ~25 ms here; the regular expressions would take ~200 ms
    assert out.emptied is None and out.cut is None and out.values.iat[999_999] == "006000000999999"


def test_empty_rows_are_capped_like_every_reject_and_the_full_read_lists_them_all():
    """3,000 empty rows among 3,000 deals and 1,000 ragged rows: the page's report writes the
    first 1,000 of each kind and counts the rest; a read with keep=None lists every one; in both,
    rows read = loaded + rejected."""
    from analytics.ingest.readers import REJECTS_KEPT, read_export

    lines = []
    for i in range(3000):
        lines.append(deal(i + 1, "Ann Lee").rstrip("\n"))
        lines.append("   " if i % 2 else ",,,,,,")
        if i % 3 == 0:
            lines.append("x,y")
    lines.append(deal(9999, "Ann Lee").rstrip("\n"))
    body = (DEALS + "\n".join(lines) + "\n").encode()
    capped = read_export("mixed.csv", body)
    assert len(capped.rejects) == 2 * REJECTS_KEPT
    assert capped.more_rejects == 3000 + 1000 - 2 * REJECTS_KEPT
    assert capped.rows_read == 7001 == len(capped.frame) + len({r.row for r in capped.rejects}) + capped.more_rejects
    full = read_export("mixed.csv", body, keep=None)
    assert sorted(r.row for r in full.rejects if r.reason.startswith("empty row")) == sorted(
        i + 2 for i, line in enumerate(lines) if not line.replace(",", "").strip())
    assert len(full.whole_rows) == 1000 and full.rows_read == 7001
