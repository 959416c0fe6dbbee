"""Manager handouts (PDF): one page per manager, the page's figures in the text, odd names in
both font modes, and "not measured" where a workspace has no evidence."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from analytics.diagnosis.checklist import ChecklistItem
from analytics.diagnosis.dials import diagnosis, ordinal
from analytics.filters import Filters
from analytics.ingest.pipeline import import_directory
from analytics.outputs.handout import (
    BOLD_FILE,
    DEFAULT_FONT_DIR,
    REGULAR_FILE,
    choose_font,
    handout_pdf,
    render_pdf,
    to_latin1,
)
from analytics.outputs.profile import manager_profiles
from analytics.store.workspace import Workspace
from tests.factories import workspace_with

ROOT = Path(__file__).resolve().parents[2]
TRUTH = json.loads((ROOT / "data" / "demo" / "ground_truth.json").read_text(encoding="utf-8"))
WHEN = datetime(2026, 9, 30, 9, 15)
HAS_DEJAVU = (DEFAULT_FONT_DIR / REGULAR_FILE).is_file() and (DEFAULT_FONT_DIR / BOLD_FILE).is_file()
ODD_NAMES = ["Søren Dvořák", "<b>=cmd|' /C calc'!A0</b>", "王小明"]


def pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def all_pdf(demo_ws) -> bytes:
    return handout_pdf(demo_ws, generated_at=WHEN, workspace_label="Demo company")


@pytest.fixture(scope="module")
def odd_ws():
    ws = workspace_with(people=[{"name": f"Rep {i}", "manager": m, "team": "Ünïcode ☃ team", "region": "EMEA"}
                                for i, m in enumerate(ODD_NAMES)])
    yield ws
    ws.close()


def test_one_manager_page_carries_their_figures(demo_ws):
    manager = TRUTH["primary"]["hero"]
    row = diagnosis(demo_ws).set_index("manager").loc[manager]
    profile = manager_profiles(demo_ws, managers=[manager])[0]
    pdf = handout_pdf(demo_ws, managers=[manager], generated_at=WHEN, workspace_label="Demo company")
    (text,) = pages(pdf)
    one = flat(text)
    assert manager in one
    assert re.search(rf"\bCoach {row['coach']:.0f} {int(row['n_signals_coach'])} of 7 signals measured", one)
    assert re.search(rf"\bLead {row['lead']:.0f}\b", one) and re.search(rf"\bManage {row['manage']:.0f}\b", one)
    assert "Next 1:1 checklist" in one
    assert f"1. {profile.checklist[0].title}" in one
    assert f"{row['attainment']:.0%} of plan" in one
    assert "Hero pattern." in one  # the planted hero
    assert "Demo company" in one and "Scope: All data" in one and "2026-09-30 09:15" in one
    assert "Bench Strength · generated 2026-09-30 09:15 · page 1 of 1" in one
    assert "percentile" not in one and "among the 15 managers" not in one
    assert "scored 0–100 against a fixed standard from the framework, not against other managers" in one
    assert f"{ordinal(int(row['rank_in_scope_coach']))} of 15 in scope" in one  # the rank, as context
    assert "rests on " in one and "survey answers" in one  # the n behind each dial
    for b in profile.behaviours:
        assert f"{b.shown} of {b.observed} sessions" in one
    assert PdfReader(io.BytesIO(pdf)).metadata.title == f"Bench Strength handout: {manager}"


def test_every_manager_gets_exactly_one_page(demo_ws, all_pdf):
    texts = pages(all_pdf)
    names = sorted(TRUTH["managers"])
    assert len(texts) == len(names)
    for i, (text, name) in enumerate(zip(texts, names, strict=True), start=1):
        assert flat(text).startswith("BENCH STRENGTH · MANAGER HANDOUT") and name in text
        assert f"page {i} of {len(names)}" in text


def test_amounts_can_read_as_an_index(demo_ws):
    manager = TRUTH["primary"]["developer"]
    plain = flat(pages(handout_pdf(demo_ws, managers=[manager], generated_at=WHEN))[0])
    index = flat(pages(handout_pdf(demo_ws, managers=[manager], generated_at=WHEN, index_amounts=True))[0])
    assert re.search(r"[\d.]+[km]? won of [\d.]+[km]? quota", plain) and "pts" not in plain
    assert re.search(r"[\d.]+[km]? pts won of [\d.]+[km]? pts quota", index)


def test_filters_show_on_the_page(demo_ws):
    f = Filters(regions=("EMEA",))
    texts = pages(handout_pdf(demo_ws, f, generated_at=WHEN))
    assert len(texts) == len(diagnosis(demo_ws, f))
    assert all("Scope: region: EMEA" in t for t in texts)


def test_font_choice_both_ways(tmp_path):
    core = choose_font(tmp_path)
    assert (core.family, core.unicode) == ("Helvetica", False)
    assert choose_font(None).unicode is False
    if HAS_DEJAVU:
        dejavu = choose_font(DEFAULT_FONT_DIR)
        assert (dejavu.family, dejavu.unicode) == ("DejaVu", True)
    assert to_latin1("Søren Dvořák – 東京") == "Søren Dvorák - ??"


@pytest.mark.parametrize("mode", ["dejavu", "core"])
def test_odd_names_render_in_both_font_modes(odd_ws, tmp_path, mode):
    if mode == "dejavu" and not HAS_DEJAVU:
        pytest.skip("DejaVu Sans is not installed here")
    font_dir = DEFAULT_FONT_DIR if mode == "dejavu" else tmp_path  # an empty folder: no TTF
    pdf = handout_pdf(odd_ws, generated_at=WHEN, workspace_label="Kunde Ærø ☃", font_dir=font_dir)
    texts = [flat(t) for t in pages(pdf)]
    assert len(texts) == len(ODD_NAMES)
    joined = " ".join(texts)
    assert "<b>=cmd|' /C calc'!A0</b>" in joined  # plain text, never markup
    if mode == "dejavu":
        assert "Søren Dvořák" in joined and "Ünïcode" in joined
    else:
        assert "Søren Dvorák" in joined and "Dvořák" not in joined
    assert all("not measured" in t for t in texts)  # a roster only: nothing else is measured


def test_a_crowded_page_still_fits_on_one_page(demo_ws):
    """Long names and evidence are shortened and the checklist capped: one page, nothing drawn
    below the bottom margin."""
    p = manager_profiles(demo_ws, managers=[TRUTH["primary"]["hero"]])[0]
    long = "very long evidence " * 40
    crowded = replace(
        p, manager="A" * 300, team="T" * 300, hero_reason=long,
        signals=[replace(s, basis=long, value=long) for s in p.signals],
        confidence_basis=long, skill_time_basis=long,
        checklist=[ChecklistItem(f"Item {i} " + "title " * 40, long, 1.0) for i in range(10)],
        stuck_gaps=[f"Rep {i}: capability" for i in range(100)])
    pdf = render_pdf([crowded] * 3, generated_at=WHEN, scope="x" * 500, workspace_label="W" * 500)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    ys: list[float] = []
    text = reader.pages[0].extract_text(visitor_text=lambda t, cm, tm, fd, fs: ys.append(tm[5]) if t.strip() else None)
    height = float(reader.pages[0].mediabox.height)
    assert ys and min(ys) > 20 and max(ys) < height - 20  # points; the margins are 12-13 mm (34-37 pt)
    assert "more on the Manager detail page" in text
    assert "page 3 of 3" in flat(reader.pages[2].extract_text())


def test_maven_pages_say_not_measured(real_data):
    ws = Workspace()
    try:
        import_directory(ws, real_data / "maven-crm")
        texts = [flat(t) for t in pages(handout_pdf(ws, generated_at=WHEN))]
    finally:
        ws.close()
    assert len(texts) == 6
    for t in texts:
        assert "Coach not measured 0 of 7 signals measured" in t
        assert "Capability movement not measured needs a review export" in t
        assert "Not measured: needs a coaching log with the four behaviour flags" in t
        assert "Attainment not measured: needs a quota export" in t
        assert "No checklist yet" in t


def test_no_manager_in_scope_is_one_explaining_page(demo_ws):
    (text,) = pages(handout_pdf(demo_ws, Filters(regions=("Atlantis",)), generated_at=WHEN))
    assert "No managers in scope" in text
