"""A corpus of hostile and broken uploads, built by the tests (nothing binary is committed).

Each :class:`HostileCase` is one file as a user could drop it on the Data page, with what the
user should be told: refused as a whole (``"refused"``), read but not recognised so the
column-mapping form opens (``"unrecognised"``), or loaded, possibly with row-level rejects
(``"loaded"``). ``says`` holds words the user's message must contain (compared without case),
``row`` the row a refusal must name, and ``rejected_rows`` the rows a partial load must reject.

The files are small except the few that must be large: a 2 MB line, 10,000 columns, a 100 KB
header, and a zip bomb whose sheet unpacks to 1 GiB (its deflate stream is built from one
compressed 1 MiB block repeated, so building it costs milliseconds, not a gigabyte).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

HEADER = "Id,Name,StageName,CloseDate,Amount,OwnerId,CreatedDate"
ROW = "A{n},Deal {n},Closed Won,2024-03-01,{amount},Ann Lee,2024-01-01"


@dataclass(frozen=True)
class HostileCase:
    """One hostile upload and what the user should be told about it."""

    name: str
    about: str
    outcome: str  # "refused" | "unrecognised" | "loaded"
    says: tuple[str, ...] = ()
    row: int | None = None
    rejected_rows: tuple[int, ...] | None = None
    loaded: int | None = None
    path: Path | None = None

    @property
    def id(self) -> str:
        return self.name


def rows(n: int, start: int = 1, amount: str = "100") -> list[str]:
    return [ROW.format(n=i, amount=amount) for i in range(start, start + n)]


def text_csv(lines: list[str], header: str = HEADER, eol: str = "\n") -> str:
    return eol.join([header, *lines]) + eol


# --------------------------------------------------------------------------- zip and OLE helpers

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {_NS} xmlns:r="{_REL_NS}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_NO_SHEETS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {_NS} xmlns:r="{_REL_NS}">'
    "<sheets/></workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _sheet_xml(cells: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {_NS}><sheetData>{cells}</sheetData></worksheet>'


def _inline_row(r: int, values: list[str]) -> str:
    cols = "ABCDEFGHIJ"
    cells = "".join(f'<c r="{cols[i]}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{r}">{cells}</row>'


def _package(sheet: str | bytes, workbook: str = _WORKBOOK, extra: dict[str, str] | None = None) -> bytes:
    """A minimal workbook written by hand, so a test can put anything in its parts."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, text in (extra or {}).items():
            zf.writestr(name, text)
    return buf.getvalue()


def _raw_zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip from pre-deflated members: (name, deflated bytes, crc, declared size, method)."""
    out = io.BytesIO()
    central = []
    for name, packed, crc, size, method in members:
        offset = out.tell()
        nm = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(packed), size,
                              len(nm), 0))
        out.write(nm)
        out.write(packed)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc,
                                   len(packed), size, len(nm), 0, 0, 0, 0, 0, offset) + nm)
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


#: CRC-32 of 2**30 spaces (zlib.crc32, computed once): the bomb's checksum is right without
#: spending a second on a gigabyte each time the corpus is built.
_CRC_GIB_OF_SPACES = 0x9AC47FA6
_BOMB_BLOCK = 1 << 20
_BOMB_BLOCKS = 1 << 10


def _zip_bomb(declared_size: int | None = None) -> bytes:
    """An .xlsx whose sheet XML unpacks to 1 GiB: leading spaces (allowed before the root
    element) and then a valid worksheet. One MiB of spaces is compressed once with a full
    flush, which resets the compressor, so the same bytes stand for every further MiB.

    With ``declared_size`` the zip lies about the sheet's size (declares it small)."""
    tail = _sheet_xml("").split("?>", 1)[1].encode()
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b" " * _BOMB_BLOCK) + c.flush(zlib.Z_FULL_FLUSH)
    body = block * _BOMB_BLOCKS + c.compress(tail) + c.flush(zlib.Z_FINISH)
    size = _BOMB_BLOCK * _BOMB_BLOCKS + len(tail)
    crc = zlib.crc32(tail, _CRC_GIB_OF_SPACES)
    small = [
        ("[Content_Types].xml", _CONTENT_TYPES.encode()),
        ("_rels/.rels", _ROOT_RELS.encode()),
        ("xl/workbook.xml", _WORKBOOK.encode()),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.encode()),
    ]
    members = [(n, _deflate(b), zlib.crc32(b), len(b), 8) for n, b in small]
    members.append(("xl/worksheets/sheet1.xml", body, crc, declared_size or size, 8))
    return _raw_zip(members)


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _ole2(stream_names: list[str], payload: bytes = b"") -> bytes:
    """A minimal OLE2 compound file header and directory naming ``stream_names``: enough for
    the signature and the names a reader looks for (old .xls, encrypted .xlsx)."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 44, 1, 0, 0, 0x1000)  # one FAT sector, directory at sector 0
    struct.pack_into("<I", header, 60, 0xFFFFFFFE)
    struct.pack_into("<I", header, 68, 0xFFFFFFFE)
    struct.pack_into("<I", header, 76, 1)
    directory = bytearray()
    for i, name in enumerate(["Root Entry", *stream_names]):
        entry = bytearray(128)
        raw = name.encode("utf-16-le") + b"\x00\x00"
        entry[0 : len(raw)] = raw
        struct.pack_into("<HBB", entry, 64, len(raw), 5 if i == 0 else 2, 1)
        directory += entry
    directory += bytes(512 - len(directory) % 512) if len(directory) % 512 else b""
    return bytes(header) + bytes(directory) + payload


# --------------------------------------------------------------------------- the cases


def _cases() -> list[tuple[HostileCase, bytes]]:
    good3 = text_csv(rows(3))
    out: list[tuple[HostileCase, bytes]] = []

    def add(name, about, outcome, data, says=(), row=None, rejected_rows=None, loaded=None):
        out.append((HostileCase(name, about, outcome, tuple(says), row,
                                tuple(rejected_rows) if rejected_rows is not None else None, loaded), data))

    # ---- encodings
    add("utf8-bom.csv", "UTF-8 with a byte-order mark", "loaded", good3.encode("utf-8-sig"), loaded=3)
    add("utf8-double-bom.csv", "two UTF-8 byte-order marks", "loaded", b"\xef\xbb\xbf" + good3.encode("utf-8-sig"),
        loaded=3)
    add("utf16le-bom.csv", "UTF-16 little-endian with BOM (Excel 'Unicode text')", "loaded",
        good3.encode("utf-16"), loaded=3)
    add("utf16be-bom.csv", "UTF-16 big-endian with BOM", "loaded", b"\xfe\xff" + good3.encode("utf-16-be"), loaded=3)
    add("utf16le-nobom.csv", "UTF-16 little-endian without a BOM", "loaded", good3.encode("utf-16-le"), loaded=3)
    add("utf16be-nobom.csv", "UTF-16 big-endian without a BOM", "loaded", good3.encode("utf-16-be"), loaded=3)
    add("utf32-bom.csv", "UTF-32 with BOM", "loaded", good3.encode("utf-32"), loaded=3)
    add("latin1.csv", "Latin-1 names (Müller, São Paulo)", "loaded",
        text_csv(["A1,Müller São,Closed Won,2024-03-01,100,Jörg,2024-01-01", *rows(2, 2)]).encode("latin-1"),
        loaded=3)
    add("cp1252.csv", "Windows-1252 with euro sign and dashes", "loaded",
        text_csv(["A1,Deal – €100 “quoted”,Closed Won,2024-03-01,100,Ann Lee,2024-01-01", *rows(2, 2)])
        .encode("cp1252"), loaded=3)
    mixed = (text_csv(["A1,Zoë Ångström,Closed Won,2024-03-01,100,Ann Lee,2024-01-01"]).encode("utf-8")
             + "A2,Müller – Köln,Closed Won,2024-03-01,100,Ann Lee,2024-01-01\n".encode("cp1252")
             + "A3,Ünal €,Closed Won,2024-03-01,100,Ann Lee,2024-01-01\n".encode())
    add("mixed-utf8-cp1252.csv", "UTF-8 rows with one Windows-1252 row pasted in", "loaded", mixed,
        says=("line 3", "Windows-1252"), loaded=3)
    mixed_l1 = ("\ufeff" + text_csv(["A1,José,Closed Won,2024-03-01,100,Ann Lee,2024-01-01"])).encode("utf-8") + \
        "A2,Françoise Ødegård,Closed Won,2024-03-01,100,Ann Lee,2024-01-01\n".encode("latin-1")
    add("mixed-utf8-latin1.csv", "UTF-8 with BOM and a Latin-1 row", "loaded", mixed_l1, says=("line 3",), loaded=2)
    add("nul-bytes.csv", "NUL bytes inside one row", "loaded",
        text_csv([*rows(1), "A2,Deal\x00\x002,Closed Won,2024-03-01,100,Ann Lee,2024-01-01", *rows(1, 3)]).encode(),
        says=("NUL",), rejected_rows=(3,), loaded=2)

    # ---- empty and nearly empty
    add("empty.csv", "a file of zero bytes", "refused", b"", says=("empty",))
    add("whitespace-only.csv", "spaces, tabs and line breaks only", "refused", b" \t\r\n  \n\t\n", says=("empty",))
    add("bom-only.csv", "a byte-order mark and nothing else", "refused", b"\xef\xbb\xbf\r\n", says=("empty",))
    add("header-only.csv", "the header and no rows", "loaded", (HEADER + "\n").encode(), says=("0 rows",), loaded=0)
    add("only-delimiters.csv", "commas and nothing else", "refused", b",,,,\n,,,,\n,,,,\n", says=("no column names",),
        row=1)

    # ---- structure
    ragged = text_csv([*rows(1), "A2,short row", *rows(1, 3), "A4,Deal 4,Closed Won,2024-03-01,100,Ann Lee,2024-01-01,x,y"])
    add("ragged-rows.csv", "rows shorter and longer than the header", "loaded", ragged.encode(),
        says=("fields",), rejected_rows=(3, 5), loaded=2)
    add("unterminated-quote.csv", "a quoted value that never closes", "refused",
        text_csv([*rows(2), 'A3,"Deal 3,Closed Won,2024-03-01,100,Ann Lee,2024-01-01', *rows(2, 4)]).encode(),
        says=("quote",), row=4)
    add("quoted-newlines.csv", "names with line breaks inside quotes", "loaded",
        text_csv(['A1,"Deal\non two lines",Closed Won,2024-03-01,100,Ann Lee,2024-01-01', *rows(2, 2)]).encode(),
        loaded=3)
    add("cr-only.csv", "old Mac line ends (carriage return only)", "loaded", text_csv(rows(3), eol="\r").encode(),
        loaded=3)
    add("blank-header-names.csv", "blank column names", "loaded",
        text_csv([r + ",x," for r in rows(2)], header=HEADER + ",,").encode(), loaded=2)
    add("duplicate-headers.csv", "the same column twice", "loaded",
        text_csv([r + ",Other" for r in rows(2)], header=HEADER + ",Name").encode(), loaded=2)
    add("line-2mb.csv", "one row with a 2 MB value", "loaded",
        text_csv([*rows(1), "A2,Deal " + "x" * 2_000_000 + ",Closed Won,2024-03-01,100,Ann Lee,2024-01-01",
                  *rows(1, 3)]).encode(),
        says=("characters",), rejected_rows=(3,), loaded=2)
    add("one-line-2mb.csv", "a single 2 MB line and no line break", "refused", b"x" * 2_000_000,
        says=("column name",), row=1)
    add("columns-10000.csv", "10,000 columns", "refused",
        (",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join("1" for _ in range(10_000)) + "\n").encode(),
        says=("10,000 columns",))
    add("header-100kb.csv", "a column name of 100 KB", "refused",
        ("Id,Name," + "H" * 100_000 + "\nA1,x,y\n").encode(), says=("column name",), row=1)
    add("excel-sep-hint.csv", "Excel's 'sep=;' first line", "loaded",
        ("sep=;\n" + text_csv(rows(2)).replace(",", ";")).encode(), loaded=2)
    add("semicolon-decimal-comma.csv", "semicolons, decimal commas and day-first dates", "loaded",
        text_csv(["A1;Deal 1;Closed Won;14.03.2024;1.234,56;Ann Lee;01.02.2024",
                  "A2;Deal 2;Closed Won;15.03.2024;99,5;Ann Lee;01.02.2024"],
                 header=HEADER.replace(",", ";")).encode(),
        says=("decimal commas",), loaded=2)
    add("decimal-comma-quoted.csv", "comma delimiter with quoted \"1.234,56\"", "loaded",
        text_csv(['A1,Deal 1,Closed Won,2024-03-01,"1.234,56",Ann Lee,2024-01-01',
                  'A2,Deal 2,Closed Won,2024-03-01,"12,50",Ann Lee,2024-01-01']).encode(),
        says=("decimal commas",), loaded=2)
    add("tab-delimited.tsv", "tab-separated", "loaded", text_csv(rows(2)).replace(",", "\t").encode(), loaded=2)
    add("pipe-delimited.txt", "pipe-separated", "loaded", text_csv(rows(2)).replace(",", "|").encode(), loaded=2)
    add("dates-three-formats.csv", "ISO, US and European dates in one column", "loaded",
        text_csv(["A1,D1,Closed Won,2024-03-14,100,Ann Lee,2024-01-01",
                  "A2,D2,Closed Won,03/15/2024,100,Ann Lee,2024-01-01",
                  "A3,D3,Closed Won,16.03.2024,100,Ann Lee,2024-01-01",
                  "A4,D4,Closed Won,04/03/2024,100,Ann Lee,2024-01-01"]).encode(),
        says=("formats",), loaded=4)
    add("dates-day-and-month-first.csv", "d/m/y and m/d/y in one column: 03/04/2024 cannot be told", "loaded",
        text_csv(["A1,D1,Closed Won,13/01/2024,100,Ann Lee,2024-01-01",
                  "A2,D2,Closed Won,01/14/2024,100,Ann Lee,2024-01-01",
                  "A3,D3,Closed Won,03/04/2024,100,Ann Lee,2024-01-01"]).encode(),
        says=("day",), rejected_rows=(4,), loaded=2)
    add("numbers-extreme.csv", "negative, huge, overflowing and not-a-number amounts", "loaded",
        text_csv(["A1,D1,Closed Won,2024-03-01,-250,Ann Lee,2024-01-01",
                  "A2,D2,Closed Won,2024-03-01,99999999999999999999999,Ann Lee,2024-01-01",
                  "A3,D3,Closed Won,2024-03-01,1e309,Ann Lee,2024-01-01",
                  "A4,D4,Closed Won,2024-03-01,NaN,Ann Lee,2024-01-01",
                  "A5,D5,Closed Won,2024-03-01,-Infinity,Ann Lee,2024-01-01"]).encode(),
        says=("negative amount", "not an amount"), rejected_rows=(4, 5, 6), loaded=2)
    add("accounts-huge-integers.csv", "an employee count beyond any integer type", "loaded",
        b"account_id,name,industry,country,employees\nC1,Acme,Tech,DE,120\nC2,Big,Tech,US,1e30\n"
        b"C3,Neg,Tech,US,-99999999999999999999\n",
        says=("whole number",), rejected_rows=(3, 4), loaded=1)
    add("control-characters.csv", "terminal escapes and right-to-left overrides in names", "loaded",
        text_csv(["A1,\x1b[31mred\x1b[0m,Closed Won,2024-03-01,100,Ann Lee,2024-01-01",
                  "A2,\u202egnp.exe,Closed Won,2024-03-01,100,Ann Lee,2024-01-01"]).encode(), loaded=2)

    # ---- hostile headers and cells
    add("hostile-header-sql.csv", "headers written as SQL and a DDE formula", "unrecognised",
        (b"id integer); --,\"=cmd|' /C calc'!A0\",'; DROP TABLE opportunities; --\n1,2,3\n"),
        says=("does not recognise",))
    add("hostile-header-formula.csv", "a real export plus formula and SQL headers", "loaded",
        text_csv([r + ",=1+1,x" for r in rows(2)], header=HEADER + ",\"=cmd|' /C calc'!A0\",id integer); --")
        .encode(), loaded=2)
    add("formula-cells.csv", "cells that a spreadsheet would run as formulas", "loaded",
        text_csv(["A1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",Closed Won,2024-03-01,100,+cmd,2024-01-01",
                  "A2,@SUM(1),Closed Won,2024-03-01,100,-2+3,2024-01-01"]).encode(), loaded=2)

    # ---- not CSV at all
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    add("image.csv", "PNG image bytes named .csv", "refused", png, says=("image",))
    add("document.csv", "a PDF named .csv", "refused", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        says=("PDF",))
    add("compressed.csv", "a gzip-compressed CSV", "refused", gzip.compress(good3.encode(), mtime=0),
        says=("compressed",))
    add("binary-garbage.csv", "every byte value", "refused", bytes(range(256)) * 16, says=("not text",))
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as zf:
        zf.writestr("deals.csv", good3)
    add("archive.csv", "a zip archive named .csv", "refused", zbuf.getvalue(), says=("zip",))
    add("webpage.csv", "a login page saved instead of the export", "refused",
        b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Session expired</body></html>\n",
        says=("web page",))
    add("json-content.csv", "JSON text named .csv", "refused", json.dumps([{"Id": "A1"}]).encode(), says=("JSON",))

    # ---- Excel-shaped trouble
    add("csv-renamed.xlsx", "CSV text named .xlsx", "loaded", good3.encode(), says=("CSV",), loaded=3)
    biff = _ole2(["Workbook"], b"\x09\x08\x10\x00\x00\x06\x05\x00" + bytes(504))
    add("old-biff.xls", "an Excel 97-2003 workbook (BIFF8 in OLE2)", "refused", biff, says=(".xlsx", "CSV"))
    add("password.xlsx", "a password-protected workbook (an encrypted OLE2 package)", "refused",
        _ole2(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"], bytes(1024)), says=("password",))
    add("zip-bomb.xlsx", "a sheet that unpacks to 1 GiB", "refused", _zip_bomb(), says=("too large",))
    add("zip-bomb-lying.xlsx", "a 1 GiB sheet whose zip entry claims 64 KB", "refused", _zip_bomb(64 * 1024),
        says=("damaged",))
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                        for i in range(1, 10))
              + f"]><worksheet {_NS}><sheetData>{_inline_row(1, ['Id', 'StageName', 'CloseDate'])}"
              + '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    add("xml-bomb.xlsx", "billion laughs in the sheet XML", "refused", _package(laughs), says=("entity",))
    shared_bomb = laughs.replace("<worksheet", "<sst").split("<sst")[0] + f"<sst {_NS}><si><t>&lol9;</t></si></sst>"
    add("xml-bomb-shared-strings.xlsx", "billion laughs in the shared strings", "refused",
        _package(_sheet_xml(_inline_row(1, ["Id"])), extra={"xl/sharedStrings.xml": shared_bomb}), says=("entity",))
    xxe = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           f"<worksheet {_NS}><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&xxe;</t></is></c></row>"
           "</sheetData></worksheet>")
    add("xxe.xlsx", "an external entity reading a server file", "refused", _package(xxe), says=("entity",))
    add("no-sheets.xlsx", "a workbook without sheets", "refused", _package(_sheet_xml(""), _WORKBOOK_NO_SHEETS),
        says=("no sheets",))
    add("empty-sheet.xlsx", "a workbook whose sheet is empty", "refused", _package(_sheet_xml("")), says=("empty",))
    formulas = _sheet_xml(
        _inline_row(1, HEADER.split(","))
        + '<row r="2"><c r="A2" t="inlineStr"><is><t>A1</t></is></c><c r="B2" t="inlineStr"><is><t>Deal</t></is></c>'
        '<c r="C2" t="inlineStr"><is><t>Closed Won</t></is></c><c r="D2" t="inlineStr"><is><t>2024-03-01</t></is></c>'
        '<c r="E2"><f>SUM(1,2)</f></c><c r="F2" t="inlineStr"><is><t>Ann Lee</t></is></c>'
        '<c r="G2" t="inlineStr"><is><t>2024-01-01</t></is></c></row>')
    add("formulas.xlsx", "formulas never calculated (no saved values)", "loaded", _package(formulas),
        says=("formula",), loaded=1)
    hostile_cells = _sheet_xml(_inline_row(1, HEADER.split(","))
                               + _inline_row(2, ["A1", "=cmd|' /C calc'!A0", "Closed Won", "2024-03-01", "100",
                                                 "Ann Lee", "2024-01-01"]))
    add("hostile-cells.xlsx", "a DDE formula as cell text", "loaded", _package(hostile_cells), loaded=1)
    ragged_x = _sheet_xml(_inline_row(1, ["Id", "StageName", "CloseDate"])
                          + _inline_row(2, ["A1", "Closed Won", "2024-03-01"])
                          + _inline_row(3, ["A2", "Closed Won", "2024-03-01", "stray"]))
    add("ragged.xlsx", "a row with a value beyond the header", "loaded", _package(ragged_x), rejected_rows=(3,),
        loaded=1)
    whole = _package(_sheet_xml(_inline_row(1, HEADER.split(",")) + _inline_row(2, rows(1)[0].split(","))))
    add("truncated.xlsx", "the first half of a workbook", "refused", whole[: len(whole) // 2], says=("damaged",))
    add("not-xml.xlsx", "a workbook whose sheet is not XML", "refused", _package("this is not xml <<<"),
        says=("damaged",))

    # ---- JSON on the Data page is for saved mappings and settings files
    add("not-a-list.json", "JSON that is an object of junk", "refused", b'{"hello": "world"}', says=("mapping",))
    add("a-list.json", "JSON that is a list, not a mapping", "refused", b'[1, 2, {"Id": "A1"}]', says=("mapping",))
    add("a-number.json", "JSON that is a bare number", "refused", b"42", says=("mapping",))
    add("deeply-nested.json", "JSON nested 100,000 levels deep", "refused", b"[" * 100_000 + b"]" * 100_000,
        says=("mapping",))
    add("csv-named.json", "a CSV export named .json", "refused", good3.encode(), says=("CSV",))
    return out + settings_cases() + name_cases() + value_cases() + xlsx_cases() + anon2_cases()


def case_names() -> list[str]:
    """The corpus's file names, one per case (for parametrising tests by case)."""
    return [case.name for case, _ in _cases()]


def build_corpus(directory: Path) -> list[HostileCase]:
    """Write every hostile file into ``directory``; return the cases with their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    cases = []
    for case, data in _cases():
        path = directory / case.name
        path.write_bytes(data)
        cases.append(HostileCase(case.name, case.about, case.outcome, case.says, case.row, case.rejected_rows,
                                 case.loaded, path))
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases


# --------------------------------------------------------------------------- settings and mapping files (issue 16)


def settings_cases() -> list[tuple[HostileCase, bytes]]:
    """Settings files and saved column mappings that ask for what the app will not run or hold:
    patterns that backtrack for minutes, values out of range, lists and names without end, JSON
    the parser cannot read. Each is refused as a whole, with a message naming the key."""
    out: list[tuple[HostileCase, bytes]] = []

    def raw(file, about, says, data: bytes):
        out.append((HostileCase(file, about, "refused", tuple(says)), data))

    def settings(file, about, says, version=1, **parts):  # 1: the version the app before this one read
        raw(file, about, says, json.dumps({"format": "bench-strength-settings", "version": version, **parts}).encode())

    def mapping(file, about, says, **parts):
        raw(file, about, says, json.dumps({"format": "bench-strength-mapping", "version": 1, "table": "opportunities",
                                           "columns": {"owner": "Rep"}, **parts}).encode())

    settings("settings-catastrophic-regex.json", "a version-1 survey rule (.+)+! that backtracks for minutes",
             ("survey_item_rules", "regular expression"),
             settings={"survey_item_rules": [["(.+)+!", "coaching_rep"]]})
    settings("settings-regex-as-keyword.json", "a pattern written where keywords go",
             ("survey_item_rules", "regular expression"), version=2,
             settings={"survey_item_rules": [[["(a+)+$"], "coaching_rep"]]})
    settings("settings-percentile-2.json", "complexity_percentile: 2", ("complexity_percentile", "0.5 to 0.99"),
             settings={"complexity_percentile": 2})
    settings("settings-stars-3.json", "stars_top: 3", ("stars_top", "0 to 0.5"), settings={"stars_top": 3})
    settings("settings-1e300.json", "stale_days: 1e300", ("stale_days", "1 to 365"), settings={"stale_days": 1e300})
    raw("settings-huge-integer.json", "a 401-digit number", ("coverage_standard", "401 digits"),
        b'{"format": "bench-strength-settings", "version": 1, "settings": {"coverage_standard": 1'
        + b"0" * 400 + b"}}")
    raw("settings-5000-digits.json", "a number past Python's 4,300-digit limit", ("JSON",),
        b'{"format": "bench-strength-settings", "version": 1, "settings": {"stale_days": ' + b"9" * 5000 + b"}}")
    raw("settings-nan.json", "NaN where a number goes", ("hero_attainment",),
        b'{"format": "bench-strength-settings", "version": 1, "settings": {"hero_attainment": NaN}}')
    settings("settings-text-for-number.json", "a word where a number goes", ("agree_score",),
             settings={"agree_score": "agree"})
    settings("settings-unknown-signal.json", "a dial weight for a signal that does not exist",
             ("signal_weights", "no_such_signal"), settings={"signal_weights": [["no_such_signal", 2]]})
    settings("settings-50k-weights.json", "50,000 dial weights", ("signal_weights", "at most"),
             settings={"signal_weights": [["retention", 2]] * 50_000})
    settings("settings-50k-rules.json", "50,000 survey rules", ("survey_item_rules", "at most"),
             settings={"survey_item_rules": [["coach", "coaching_rep"]] * 50_000})
    settings("settings-1mb-keyword.json", "a survey keyword of a million characters", ("survey_item_rules", "characters"),
             version=2, settings={"survey_item_rules": [[["coach" * 200_000], "coaching_rep"]]})
    settings("settings-unknown-measure.json", "a survey rule for something the app does not measure",
             ("survey_item_rules", "happiness"), settings={"survey_item_rules": [["happy", "happiness"]]})
    settings("settings-not-an-object.json", "settings as a list", ("settings",), settings=[1, 2, 3])
    settings("settings-deep-value.json", "a setting nested 900 levels deep", ("hero_attainment",),
             settings={"hero_attainment": json.loads("[" * 900 + "]" * 900)})
    stage = {"stage": "Won", "is_closed": True, "is_won": True}
    settings("settings-duplicate-stages.json", "the same stage twice", ("stage_mapping", "twice"),
             stage_mapping=[stage, stage])
    settings("settings-stage-not-text.json", "a stage name that is a number", ("stage_mapping",),
             stage_mapping=[{**stage, "stage": 42}])
    settings("settings-long-stage.json", "a stage name of 100,000 characters", ("stage_mapping", "255"),
             stage_mapping=[{**stage, "stage": "W" * 100_000}])
    settings("settings-20k-stages.json", "20,000 stages", ("stage_mapping", "at most"),
             stage_mapping=[{**stage, "stage": f"S{i}"} for i in range(20_000)])
    good_map = {"format": "bench-strength-mapping", "version": 1, "table": "opportunities", "columns": {"owner": "Rep"}}
    settings("settings-mapping-name-list.json", "a column mapping whose name is a list", ("column mapping 1", "name"),
             column_mappings=[{**good_map, "name": ["a", "list"]}])
    settings("settings-mapping-deep.json", "a column mapping nested 900 levels deep", ("column mapping 1",),
             column_mappings=[json.loads("[" * 900 + "]" * 900)])
    settings("settings-1000-mappings.json", "1,000 column mappings", ("column_mappings", "at most"),
             column_mappings=[good_map] * 1000)
    settings("settings-version-true.json", "version: true", ("version",), version=True)
    raw("settings-3mb.json", "a settings file of 3 MB", ("too large",),
        b'{"format": "bench-strength-settings", "version": 1, "pad": "' + b"x" * (3 * 1024 * 1024) + b'"}')
    mapping("mapping-name-list.json", "a saved mapping whose name is a list", ("name",), name=["a", "list"])
    mapping("mapping-100k-headers.json", "100,000 source headers", ("source_headers",),
            source_headers=[f"h{i}" for i in range(100_000)])
    mapping("mapping-long-header.json", "a source column name of 100,000 characters", ("columns",),
            columns={"owner": "R" * 100_000})
    mapping("mapping-100k-columns.json", "100,000 unknown columns", ("more",),
            columns={f"c{i}": "x" for i in range(100_000)})
    mapping("mapping-version-99.json", "a mapping of a version the app does not read", ("version",), version=99)
    raw("mapping-3mb.json", "a saved mapping of 3 MB", ("too large",),
        b'{"format": "bench-strength-mapping", "pad": "' + b"x" * (3 * 1024 * 1024) + b'"}')
    return out


# --------------------------------------------------------------------------- names (issue 16, item 11)


def name_cases() -> list[tuple[HostileCase, bytes]]:
    """Names that are not what they look like, and rows with nothing in them: each is normalised
    at import (NFKC, invisible characters removed, whitespace collapsed, names capped at 255
    characters) and every row left out is listed with its row and reason."""
    out: list[tuple[HostileCase, bytes]] = []

    def add(name, about, data, says=(), rejected_rows=(), loaded=None):
        out.append((HostileCase(name, about, "loaded", tuple(says), None, tuple(rejected_rows), loaded), data))

    def deal(n: int, owner: str, name: str | None = None) -> str:
        return f"A{n},{name or f'Deal {n}'},Closed Won,2024-03-01,100,{owner},2024-01-01"

    add("names-zero-width-owner.csv", "a deal owner that is one zero-width space, and one between the names",
        text_csv([deal(1, "\u200b"), deal(2, "Ann\u200bLee"), deal(3, "\ufeff\u200b\u200d")]).encode(),
        says=("invisible characters", "loaded as blank"), loaded=3)
    add("names-zero-width-quota-owner.csv", "a required quota owner that is only zero-width spaces",
        b"owner,period_start,period_end,amount\nAnn Lee,2024-01-01,2024-03-31,1000\n"
        + "\u200b\u200b,2024-01-01,2024-03-31,1000\n".encode(),
        says=("owner is required but blank", "invisible"), rejected_rows=(3,), loaded=1)
    add("names-10000-characters.csv", "a 10,000-character deal owner and deal name",
        text_csv([deal(1, "Ann Lee"), deal(2, "A" * 10_000, "N" * 10_000)]).encode(),
        says=("longer than 255 characters (10,000)", "first 255"), loaded=2)
    add("names-full-width.csv", "names typed in full-width letters (Ａｎｎ Ｌｅｅ)",
        text_csv([deal(1, "Ａｎｎ Ｌｅｅ"), deal(2, "Ann Lee")]).encode(), loaded=2)
    add("names-control-characters.csv", "tabs, escapes, bell and delete characters inside names",
        text_csv([deal(1, '"Ann\tLee"'), deal(2, "\x07Ann \x7fLee\x1b"), deal(3, '"Ann\r\n Lee"')]).encode(),
        loaded=3)
    add("names-blank-rows.csv", "rows of spaces, tabs, delimiters and nothing among the data, blank lines after",
        text_csv([deal(1, "Ann Lee"), "   ", deal(2, "Ann Lee"), "\t", ",,,,,,", " , ,\t, , , , ", "",
                  deal(3, "Ann Lee"), "", "  ", ""]).encode(),
        says=("empty row (only spaces)", "empty row", "not read"), rejected_rows=(3, 5, 6, 7, 8), loaded=3)
    add("names-blank-rows.xlsx", "a sheet with a row of spaces and an empty row among the data",
        _package(_sheet_xml(_inline_row(1, HEADER.split(",")) + _inline_row(2, deal(1, "Ann Lee").split(","))
                            + _inline_row(3, ["  ", " "]).replace("<t>", '<t xml:space="preserve">') + '<row r="4"/>'
                            + _inline_row(5, deal(2, "Ann\u200bLee").split(",")))),
        says=("empty row (only spaces)",), rejected_rows=(3, 4), loaded=2)
    add("names-million-blank-lines.csv", "a deal and a million blank lines after it",
        (text_csv([deal(1, "Ann Lee")]) + "\n" * 1_000_000).encode(), says=("1,000,000 empty rows",), loaded=1)
    return out


# --------------------------------------------------------------------------- values as they are drawn (issue 16, item 4)


def value_cases() -> list[tuple[HostileCase, bytes]]:
    """Exports whose names are markup (markdown, HTML, LaTeX, Streamlit colour directives, icons,
    bare URLs; :data:`tests.hostile_names.MARKUP`): they load as they are, every row, and the
    pages draw them as the text they are. The whole demo renamed this way
    (:func:`tests.hostile_names.hostile_workspace`) is walked page by page in
    tests/app/test_escaping.py and tests/e2e/test_escaping.py."""
    from tests.hostile_names import MARKUP

    def csv_text(rows: list[list[str]]) -> bytes:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        return buf.getvalue().encode()

    deals = [HEADER.split(",")] + [[f"M{i}", f"{m} deal", "Closed Won", "2024-03-01", "100", f"{m} owner", "2024-01-01"]
                                   for i, m in enumerate(MARKUP, start=1)]
    people = [["Name", "Manager", "Team", "Region"]] + [[f"{m} rep", f"{m} manager", f"{m} team", f"{m} region"]
                                                       for m in MARKUP]
    return [
        (HostileCase("markup-deals.csv", "deals whose names and owners are markdown, HTML, LaTeX and directives",
                     "loaded", (), None, (), len(MARKUP)), csv_text(deals)),
        (HostileCase("markup-people.csv", "a roster whose people, managers, teams and regions are markup",
                     "loaded", (), None, (), len(MARKUP)), csv_text(people)),
    ]


# --------------------------------------------------------------------------- size (issue 16, items 6 and 7)

#: A JSON far above the settings file's 2 MB: refused by its size, never parsed.
HUGE_JSON_BYTES = 190 * 1024 * 1024
#: Rows of the ~100 MB CSV in which every row is rejected (its amounts are not numbers).
ALL_REJECTED_ROWS = 2_000_000


def size_cases(directory: Path) -> list[HostileCase]:
    """Large files, written straight into ``directory`` (built in a second or two) and kept out
    of :func:`build_corpus`: the browser test would spend longer uploading them than on the
    rest of the corpus. A test reads them itself (and measures time and memory in a process of
    its own)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    cases = []

    huge = directory / "huge.json"
    with huge.open("wb") as f:  # valid JSON that claims to be a saved mapping
        f.write(b'{"format": "bench-strength-mapping", "pad": "')
        block = b"x" * (1 << 20)
        for _ in range(HUGE_JSON_BYTES >> 20):
            f.write(block)
        f.write(b'"}')
    cases.append(HostileCase("huge.json", "a 190 MB JSON, 95 times a settings file's limit", "refused",
                             ("too large",), path=huge))

    rejected = directory / "all-rejected.csv"
    with rejected.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER + "\n")
        step = 100_000
        for start in range(1, ALL_REJECTED_ROWS + 1, step):
            f.write("".join(f"D{n},Deal,Won,2024-03-01,n/a,Ann Lee,2024-01-01\n"
                            for n in range(start, min(start + step, ALL_REJECTED_ROWS + 1))))
    cases.append(HostileCase("all-rejected.csv", f"~100 MB, {ALL_REJECTED_ROWS:,} rows, every amount 'n/a'", "loaded",
                             ("is not an amount",), loaded=0, path=rejected))

    ragged = directory / "mostly-ragged.csv"  # each row ends with an extra separator
    ragged.write_text(text_csv([line + "," for line in rows(20_000)]), encoding="utf-8")
    cases.append(HostileCase("mostly-ragged.csv", "20,000 rows, each with one value more than the header",
                             "refused", ("different number of values", "extra separator"), row=None, path=ragged))
    return cases


# =========================================================================== saved workspaces
# Files dropped on the Data page's *Open workspace* uploader (a separate uploader from the
# exports one): zips that claim to be a saved workspace and are built to cost memory or time,
# or to lie. Each is built here, small: the Parquet bombs with pyarrow from a dictionary array
# (a million rows of one 64 KB string take 4 MB of indices to write), the zip bombs from one
# deflated block repeated, and the lying metadata by rewriting a Parquet footer with the small
# Thrift codec below. ``outcome`` is "refused" or "opened".

WORKSPACE_FORMAT = "bench-strength-workspace"
#: the memory limit the workspace tests run the app with, so messages name a known limit
WORKSPACE_TEST_MEMORY = "2GB"
_BIG = "x" * 65536


def _tc_uvarint(out: bytearray, n: int) -> None:
    while True:
        if n < 0x80:
            out.append(n)
            return
        out.append((n & 0x7F) | 0x80)
        n >>= 7


def _tc_zigzag(n: int) -> int:
    return n << 1 if n >= 0 else ((-n) << 1) - 1


def _tc_read(buf: bytes, pos: int, kind: int):
    """A Thrift compact value, kept whole: a struct is {field id: (type, value)}, a list
    (element type, [values]), a map (key type, value type, [(key, value)])."""
    def varint(p):
        r = s = 0
        while True:
            b = buf[p]
            p += 1
            r |= (b & 0x7F) << s
            if b < 0x80:
                return r, p
            s += 7

    if kind in (1, 2):
        return buf[pos] == 1, pos + 1
    if kind == 3:
        return buf[pos], pos + 1
    if kind in (4, 5, 6):
        n, pos = varint(pos)
        return (n >> 1) ^ -(n & 1), pos
    if kind == 7:
        return bytes(buf[pos:pos + 8]), pos + 8
    if kind == 8:
        n, pos = varint(pos)
        return bytes(buf[pos:pos + n]), pos + n
    if kind in (9, 10):
        n, et = buf[pos] >> 4, buf[pos] & 0x0F
        pos += 1
        if n == 15:
            n, pos = varint(pos)
        items = []
        for _ in range(n):
            v, pos = _tc_read(buf, pos, et)
            items.append(v)
        return (et, items), pos
    if kind == 11:
        n, pos = varint(pos)
        if n == 0:
            return (0, 0, []), pos
        kt, vt = buf[pos] >> 4, buf[pos] & 0x0F
        pos += 1
        pairs = []
        for _ in range(n):
            k, pos = _tc_read(buf, pos, kt)
            v, pos = _tc_read(buf, pos, vt)
            pairs.append((k, v))
        return (kt, vt, pairs), pos
    assert kind == 12, kind
    fields, fid = {}, 0
    while True:
        head = buf[pos]
        pos += 1
        if head == 0:
            return fields, pos
        t = head & 0x0F
        if head >> 4:
            fid += head >> 4
        else:
            n, pos = varint(pos)
            fid = (n >> 1) ^ -(n & 1)
        if t in (1, 2):
            fields[fid] = (1, t == 1)
        else:
            fields[fid], pos = _tc_read(buf, pos, t)
            fields[fid] = (t, fields[fid])


def _tc_write(out: bytearray, kind: int, value) -> None:
    if kind in (1, 2):
        out.append(1 if value else 2)
    elif kind == 3:
        out.append(value & 0xFF)
    elif kind in (4, 5, 6):
        _tc_uvarint(out, _tc_zigzag(value))
    elif kind == 7:
        out += value
    elif kind == 8:
        _tc_uvarint(out, len(value))
        out += value
    elif kind in (9, 10):
        et, items = value
        if len(items) < 15:
            out.append(len(items) << 4 | et)
        else:
            out.append(0xF0 | et)
            _tc_uvarint(out, len(items))
        for v in items:
            _tc_write(out, et, v)
    elif kind == 11:
        kt, vt, pairs = value
        if not pairs:
            out.append(0)
            return
        _tc_uvarint(out, len(pairs))
        out.append(kt << 4 | vt)
        for k, v in pairs:
            _tc_write(out, kt, k)
            _tc_write(out, vt, v)
    else:
        last = 0
        for fid in sorted(value):
            t, v = value[fid]
            ct = (1 if v else 2) if t in (1, 2) else t
            if 0 < fid - last <= 15:
                out.append((fid - last) << 4 | ct)
            else:
                out.append(ct)
                _tc_uvarint(out, _tc_zigzag(fid))
            if t not in (1, 2):
                _tc_write(out, t, v)
            last = fid
        out.append(0)


def _rewrite_footer(parquet: bytes, edit) -> bytes:
    """The Parquet file with its footer (FileMetaData) changed by ``edit(meta)``; the pages
    are untouched, so the footer can be made to say anything about them."""
    n = int.from_bytes(parquet[-8:-4], "little")
    meta, _ = _tc_read(parquet, len(parquet) - 8 - n, 12)
    edit(meta)
    out = bytearray()
    _tc_write(out, 12, meta)
    return parquet[: len(parquet) - 8 - n] + bytes(out) + len(out).to_bytes(4, "little") + b"PAR1"


def _chunks(meta: dict):
    """(row group, ColumnMetaData) of every column chunk of a decoded footer."""
    for rg in meta[4][1][1]:
        for cc in rg[1][1][1]:
            yield rg, cc[3][1]


def _parquet(columns: dict, **options) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = io.BytesIO()
    pq.write_table(pa.table(columns), out, **options)
    return out.getvalue()


def _repeated(rows: int, value: str = _BIG):
    """``rows`` rows of one string, as a dictionary array: written through its dictionary,
    never held decoded."""
    import numpy as np
    import pyarrow as pa

    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, np.int32)), pa.array([value]))


def _manifest(**extra) -> bytes:
    from analytics.schema import SCHEMA_VERSION

    return json.dumps({"format": WORKSPACE_FORMAT, "version": 1, "schema_version": SCHEMA_VERSION,
                       "label": "Hostile", "tables": {}, **extra}).encode()


def _workspace(tables: dict[str, bytes], manifest: bytes | None = None, extra=()) -> bytes:
    """A saved-workspace zip: the manifest, ``tables/<name>.parquet`` members, then ``extra``
    (name, bytes) members as they are."""
    import warnings

    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicated member is on purpose
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("manifest.json", _manifest() if manifest is None else manifest)
            for name, data in tables.items():
                zf.writestr(f"tables/{name}.parquet", data)
            for name, data in extra:
                zf.writestr(name, data)
    return buf.getvalue()


def _people(rows: int = 2) -> bytes:
    return _parquet({"person_id": [f"P{i}" for i in range(rows)], "name": [f"Rep {i}" for i in range(rows)]})


def _encrypted_flag(data: bytes, member: str) -> bytes:
    """The zip with ``member`` marked encrypted (general purpose flag bit 0) in its local and
    central headers."""
    out, name = bytearray(data), member.encode()
    for sig, flags_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = out.find(sig)
        while at >= 0:
            if out[at + name_at: at + name_at + len(name)] == name:
                out[at + flags_at] |= 0x01
            at = out.find(sig, at + 4)
    return bytes(out)


def _inflating(size: int) -> bytes:
    """A deflate stream of ``size`` zero bytes (1 MiB blocks, each ~1 KB packed)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(bytes(_BOMB_BLOCK)) + c.flush(zlib.Z_FULL_FLUSH)
    return block * (size // _BOMB_BLOCK) + c.flush(zlib.Z_FINISH)


def workspace_cases() -> list[tuple[HostileCase, bytes]]:
    """The hostile saved workspaces, with what the user must be told."""
    import pyarrow as pa

    out: list[tuple[HostileCase, bytes]] = []

    def add(name, about, data, says=(), outcome="refused"):
        out.append((HostileCase(name, about, outcome, tuple(says)), data))

    def no_sizes(meta):
        for _, cmd in _chunks(meta):
            cmd.pop(16, None)

    def tiny_sizes(meta):
        for _, cmd in _chunks(meta):
            if 16 in cmd:
                cmd[16][1][1] = (6, 10)

    def fewer_rows(meta):  # every count says 10; the pages hold 1,000 values
        meta[3] = (6, 10)
        for rg, cmd in _chunks(meta):
            rg[3] = (6, 10)
            cmd[5] = (6, 10)

    def smaller_pages(meta):
        for _, cmd in _chunks(meta):
            cmd[6] = (6, 100)

    def more_rows(meta):
        meta[3] = (6, 10**12)
        for rg, _ in _chunks(meta):
            rg[3] = (6, 10**12)

    memory = ("memory", WORKSPACE_TEST_MEMORY.replace("GB", " GB"))
    bomb = _parquet({"person_id": _repeated(200_000, "P1"), "name": _repeated(200_000)}, compression="zstd",
                    store_schema=False)
    add("ws-dictionary-bomb.zip", "one 64 KB name repeated by 200,000 rows through a dictionary: ~600 bytes, 13 GB "
        "decoded", _workspace({"people": bomb}), memory)
    add("ws-dictionary-bomb-64gb.zip", "two columns of one 64 KB string over 500,000 rows: 64 GB decoded",
        _workspace({"people": _parquet({"name": _repeated(500_000), "team": _repeated(500_000)},
                                       compression="zstd", store_schema=False)}), memory)
    add("ws-dictionary-bomb-no-sizes.zip", "the bomb with the footer's decoded sizes removed: bounded from the pages",
        _workspace({"people": _rewrite_footer(bomb, no_sizes)}), memory)
    add("ws-dictionary-bomb-lying-sizes.zip", "the bomb whose footer declares 10 bytes of text per column",
        _workspace({"people": _rewrite_footer(bomb, tiny_sizes)}), ("more data than its metadata declares",))
    spread = {t: _parquet({c: _repeated(22_000)}, compression="zstd")
              for t, c in (("people", "name"), ("opportunities", "name"), ("activities", "subject"))}
    add("ws-bombs-spread.zip", "three columns of 1.4 GB each, each under the limit, 4.3 GB in all",
        _workspace(spread), memory)
    add("ws-page-bomb.zip", "one page of 21 MB of numbers packed into a few KB",
        _workspace({"opportunities": _parquet(
            {"opportunity_id": _repeated(2_621_440, "O1"), "amount": pa.array([0.0] * 2_621_440)},
            compression="zstd", use_dictionary=["opportunity_id"], data_page_size=1 << 30,
            max_rows_per_page=1 << 30, row_group_size=1 << 30)}), ("page", "16 MB"))
    add("ws-amplifying-zip.zip", "a 2 MB zip whose table declares and unpacks to 2 GB (just under the 2 GiB the app took)",
        _raw_zip([("manifest.json", _deflate(_manifest()), zlib.crc32(_manifest()), len(_manifest()), 8),
                  ("tables/activities.parquet", _inflating(1900 << 20), 0, 1900 << 20, 8)]),
        ("zip bomb", "100 times"))
    add("ws-zip-size-lies.zip", "a table declaring 1 KB that inflates to 64 MB",
        _raw_zip([("manifest.json", _deflate(_manifest()), zlib.crc32(_manifest()), len(_manifest()), 8),
                  ("tables/people.parquet", _inflating(64 << 20), 0, 1000, 8)]),
        ("does not unpack", "1 KB"))
    add("ws-many-members.zip", "5,000 files in the zip", _workspace({}, extra=[(f"x/{i}", b"") for i in range(5000)]),
        ("5,001 files", "64"))
    big_directory = io.BytesIO()
    with zipfile.ZipFile(big_directory, "w") as zf:
        zf.writestr("manifest.json", _manifest())
        for i in range(20):
            info = zipfile.ZipInfo(f"x/{i}")
            info.comment = b"c" * 60_000
            zf.writestr(info, b"")
    add("ws-huge-directory.zip", "20 files listed with 60 KB comments each: a 1.2 MB list of files",
        big_directory.getvalue(), ("list of files", "1 MB"))
    add("ws-duplicate-member.zip", "tables/people.parquet twice",
        _workspace({"people": _people()}, extra=[("tables/people.parquet", _people(5))]), ("more than once",))
    add("ws-encrypted-member.zip", "a table marked encrypted",
        _encrypted_flag(_workspace({"people": _people()}), "tables/people.parquet"), ("encrypted",))
    add("ws-huge-manifest.zip", "a 5 MB manifest", _workspace({}, manifest=_manifest(padding="p" * 5_000_000)),
        ("manifest", "1 MB"))
    add("ws-deep-manifest.zip", "a manifest nested 100,000 levels deep", _workspace({}, manifest=b"[" * 100_000),
        ("manifest is damaged",))
    add("ws-label-10mb.zip", "a label of 10 MB", _workspace({}, manifest=_manifest(label="L" * 10_000_000)),
        ("manifest", "1 MB"))
    add("ws-label-long.zip", "a 100,000-character label over several lines: opens, the label cut to one line",
        _workspace({"people": _people()}, manifest=_manifest(label="Client\n\x1b[31m" + "L" * 100_000)),
        outcome="opened")
    add("ws-unknown-table.zip", "a valid table beside an unknown one holding the 64 GB bomb: opens, the unknown one "
        "never read", _workspace({"people": _people()}, extra=[("tables/evil.parquet", bomb)]), outcome="opened")
    add("ws-nested-column.zip", "people.name as lists of text",
        _workspace({"people": _parquet({"person_id": ["P1"], "name": pa.array([["a", "b"]])})}), ("nested",))
    add("ws-wrong-type.zip", "opportunities.amount as text",
        _workspace({"opportunities": _parquet({"opportunity_id": ["O1"], "amount": ["a lot"]})}),
        ("amount", "holds text where a saved workspace holds numbers"))
    add("ws-delta-byte-array.zip", "names stored with DELTA_BYTE_ARRAY (prefixes shared with the previous value: "
        "a few bytes can decode to gigabytes)",
        _workspace({"people": _parquet({"name": ["Ann", "Ann Lee"]}, use_dictionary=False,
                                       column_encoding={"name": "DELTA_BYTE_ARRAY"})}), ("DELTA_BYTE_ARRAY",))
    thousand = _parquet({"name": [f"Rep {i}" for i in range(1000)]})
    add("ws-lying-counts.zip", "metadata saying 10 rows over pages of 1,000 values",
        _workspace({"people": _rewrite_footer(thousand, fewer_rows)}), ("does not match",))
    add("ws-lying-unpacked-size.zip", "metadata saying each column unpacks to 100 bytes",
        _workspace({"people": _rewrite_footer(thousand, smaller_pages)}), ("does not match",))
    add("ws-lying-row-count.zip", "metadata saying 10^12 rows",
        _workspace({"people": _rewrite_footer(thousand, more_rows)}), ("20,000,000",))
    add("ws-many-row-groups.zip", "2,000 row groups of one row",
        _workspace({"people": _parquet({"name": [f"R{i}" for i in range(2000)]}, row_group_size=1)}),
        ("2,000 row groups", "1,000"))
    add("ws-huge-footer.zip", "a table whose metadata takes 17 MB (of random text, so the zip does not refuse it first)",
        _workspace({"people": _parquet_with_metadata(17_000_000)}), ("metadata", "16 MB"))
    return out


def _parquet_with_metadata(size: int) -> bytes:
    """A one-row table whose footer carries ``size`` bytes of key-value metadata."""
    import random

    text = random.Random(7).randbytes(size // 2).hex().encode()

    def pad(meta):
        meta[5] = (9, (12, [{1: (8, b"padding"), 2: (8, text)}]))

    return _rewrite_footer(_parquet({"name": ["Ann"]}), pad)


def build_workspace_corpus(directory: Path) -> list[HostileCase]:
    """Write every hostile workspace into ``directory``; return the cases with their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    cases = []
    for case, data in workspace_cases():
        path = directory / case.name
        path.write_bytes(data)
        cases.append(HostileCase(case.name, case.about, case.outcome, case.says, path=path))
    assert len({c.name for c in cases}) == len(cases), "case names must be unique"
    return cases


# =========================================================================== workbooks that cost more than they hold
# XLSX files small on disk and under the zip checks (unpacked size, ratio) that would still cost
# the reader gigabytes or minutes: one long shared string named by every cell, millions of tiny
# cells, a stray cell that makes the reader's grid enormous; and a cell longer than Excel holds.
# Each is built here in milliseconds: the tiny cells from one deflated block repeated (as
# ``_zip_bomb``), with stored random padding that keeps the package under the 200x ratio check.

_XLSX_CONTENT_TYPES = _CONTENT_TYPES.replace(
    "</Types>",
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_XLSX_WORKBOOK_RELS = _WORKBOOK_RELS.replace(
    "</Relationships>",
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
#: cells of the tiny-cells workbook: just past the reader's cap (analytics.ingest.readers.MAX_XLSX_CELLS)
TINY_CELLS = 10_200_000


def shared_string_bomb(rows: int, chars: int) -> bytes:
    """A workbook whose ``rows`` data rows each name one shared string of ``chars`` letters (as the
    review's make_sst_bomb.py): ~100 KB for 3,000 rows of 100,000 characters, 300 MB decoded."""
    import random

    text = "".join(random.Random(1).choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(chars))
    heads = HEADER.split(",")
    strings = [*heads, text]
    sst = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst {_NS} count="{rows + len(heads)}" '
           f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    cols = "ABCDEFG"
    body = '<row r="1">' + "".join(f'<c r="{cols[i]}1" t="s"><v>{i}</v></c>' for i in range(len(heads))) + "</row>"
    body += "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="s"><v>{len(heads)}</v></c>'
                    f'<c r="E{r}"><v>100</v></c></row>' for r in range(2, rows + 2))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _XLSX_CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _XLSX_WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", _sheet_xml(body))
        zf.writestr("xl/sharedStrings.xml", sst)
    return buf.getvalue()


def tiny_cells_bomb(cells: int = TINY_CELLS, columns: int = 20) -> bytes:
    """A ~1 MB workbook of ``cells`` one-digit cells (as the review's make_cells_bomb.py, whose
    500 MB sheet took openpyxl 8 minutes): a header, then one deflated block of 3,000 rows repeated."""
    import random

    head = _sheet_xml(_inline_row(1, HEADER.split(","))).replace("</sheetData></worksheet>", "").encode()
    row = ("<row>" + "<c><v>1</v></c>" * columns + "</row>").encode()
    block_rows = 3_000
    block = row * block_rows
    blocks = -(-cells // (columns * block_rows))
    tail = b"</sheetData></worksheet>"
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    packed_block = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    body += packed_block * blocks + c.compress(tail) + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(blocks):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(block) * blocks + len(tail)
    small = [("[Content_Types].xml", _CONTENT_TYPES.encode()), ("_rels/.rels", _ROOT_RELS.encode()),
             ("xl/workbook.xml", _WORKBOOK.encode()), ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.encode())]
    members = [(n, _deflate(b), zlib.crc32(b), len(b), 8) for n, b in small]
    members.append(("xl/worksheets/sheet1.xml", body, crc, size, 8))
    packed = sum(len(m[1]) for m in members)
    pad = random.Random(2).randbytes(max(0, size // 150 - packed))  # incompressible: the ratio stays under 200
    members.append(("docProps/pad.bin", pad, zlib.crc32(pad), len(pad), 0))
    return _raw_zip(members)


def xlsx_cases() -> list[tuple[HostileCase, bytes]]:
    """Workbooks that pass the zip checks and would still cost the reader gigabytes or minutes,
    each refused with a message naming the file and the bound and advising CSV; and a cell longer
    than Excel holds, whose row is rejected."""
    out: list[tuple[HostileCase, bytes]] = []

    def add(name, about, outcome, data, says=(), rejected_rows=None, loaded=None):
        out.append((HostileCase(name, about, outcome, says, None, rejected_rows, loaded), data))

    add("shared-string-bomb.xlsx", "3,000 cells naming one 100,000-character shared string (300 MB decoded)",
        "refused", shared_string_bomb(3_000, 100_000), says=("200 MB", "CSV"))
    add("tiny-cells-bomb.xlsx", f"{TINY_CELLS:,} one-digit cells in ~1 MB (unpacks to ~165 MB, ratio under 200)",
        "refused", tiny_cells_bomb(), says=("10,000,000 cells", "CSV"))
    stray = (_inline_row(1, HEADER.split(",")) + _inline_row(2, ROW.format(n=1, amount=100).split(","))
             + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    add("stray-cell-xfd1048576.xlsx", "a value at XFD1048576: a reader's grid of 17 billion cells (512 GB)",
        "refused", _package(_sheet_xml(stray)), says=("memory", "CSV"))
    far = (_inline_row(1, HEADER.split(",")) + _inline_row(2, ROW.format(n=1, amount=100).split(","))
           + '<row r="400000"><c r="Z400000"><v>1</v></c></row>')
    add("stray-cell-z400000.xlsx", "a value at Z400000: a used area of 10.4 million cells for two rows of data",
        "refused", _package(_sheet_xml(far)), says=("used area", "10,000,000", "CSV"))
    long_cell = (_inline_row(1, HEADER.split(",")) + _inline_row(2, ROW.format(n=1, amount=100).split(","))
                 + _inline_row(3, ROW.format(n=2, amount=100).replace("Deal 2", "D" * 40_000).split(",")))
    add("cell-longer-than-excel.xlsx", "a 40,000-character cell (Excel holds 32,767)", "loaded",
        _package(_sheet_xml(long_cell)), says=("32,767",), rejected_rows=(3,), loaded=1)
    return out


# --------------------------------------------------------------------------- names drawn as nothing (issue 16 review, item 5)


def anon2_cases() -> list[tuple[HostileCase, bytes]]:
    """Owners made only of characters a browser draws as nothing that are not format characters
    (the combining grapheme joiner, Hangul fillers, the Braille blank, variation selectors): each
    is blank at import, loaded blank with a warning where optional and rejected where required,
    and a name split by them is the name it shows."""
    blanks = ["\u034f", "\u3164", "\u115f\u1160", "\uffa0", "\u2800", "\ufe0f", "\U000e0100",
              "\u034f\u034f\u034f"]
    owners = [*blanks, "Dee\u034fpa Var\ufe0fga"]
    deals = [f"A{i},Deal {i},Closed Won,2024-03-01,100,{o},2024-01-01" for i, o in enumerate(owners, start=1)]
    quotas = ("owner,period_start,period_end,amount\nAnn Lee,2024-01-01,2024-03-31,1000\n"
              "\u2800\u3164,2024-01-01,2024-03-31,1000\n\ufe0f\u034f,2024-01-01,2024-03-31,1000\n")
    return [
        (HostileCase("names-drawn-as-nothing.csv", "deal owners of joiners, Hangul fillers, Braille blanks, "
                     "variation selectors; one name split by them", "loaded",
                     ("invisible characters", "loaded as blank"), None, (), len(owners)),
         text_csv(deals).encode()),
        (HostileCase("names-drawn-as-nothing-quota-owner.csv", "required quota owners of a Braille blank, "
                     "a Hangul filler, a variation selector", "loaded",
                     ("owner is required but blank", "invisible"), None, (3, 4), 1), quotas.encode()),
    ]
