"""The HTML report (analytics.outputs.report): one self-contained file, no script, no external URL,
inline SVG charts, one section per manager with the same numbers as the diagnosis, and every
user value escaped."""

from __future__ import annotations

import re
import time
from datetime import datetime
from html.parser import HTMLParser

import pytest

from analytics.diagnosis.dials import DIALS, diagnosis
from analytics.filters import Filters
from analytics.fmt import fmt_pct
from analytics.outputs.report import clean_svg, report_html
from tests.factories import workspace_with

WHEN = datetime(2026, 10, 1, 9, 30)
XMLNS = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


class Page(HTMLParser):
    """Every tag with its attributes, and the text of each manager section."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.sections: dict[str, list[str]] = {}
        self._section: str | None = None
        self._depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "section":
            if self._section is not None:
                self._depth += 1
            elif "manager" in (a.get("class") or "").split():
                self._section, self._depth = a["id"], 0
                self.sections[self._section] = []

    def handle_endtag(self, tag):
        if tag == "section" and self._section is not None:
            if self._depth:
                self._depth -= 1
            else:
                self._section = None

    def handle_data(self, data):
        self.text.append(data)
        if self._section is not None:
            self.sections[self._section].append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


@pytest.fixture(scope="module")
def demo_report(demo_ws):
    start = time.perf_counter()
    text = report_html(demo_ws, generated_at=WHEN)
    return text, time.perf_counter() - start


@pytest.fixture(scope="module")
def demo_page(demo_report):
    return parse(demo_report[0])


def test_report_is_quick_and_small(demo_report):
    text, seconds = demo_report
    assert len(text.encode("utf-8")) < 2_000_000
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")


def test_no_script_and_no_external_url(demo_report, demo_page):
    text = demo_report[0]
    assert not [t for t, _ in demo_page.tags if t in ("script", "iframe", "object", "embed", "link", "img")]
    assert "<script" not in text.lower() and "@import" not in text and "@font-face" not in text
    for tag, attrs in demo_page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if value and ("http://" in value or "https://" in value):
                assert name.startswith("xmlns") and value in XMLNS, (tag, name, value)
            if name in ("href", "src", "xlink:href") and value:
                assert value.startswith("#"), (tag, name, value)
    assert set(re.findall(r"https?://[^\s\"'<>)]+", text)) <= XMLNS


def test_charts_are_inline_svg_in_figures_with_their_basis(demo_report, demo_page):
    text = demo_report[0]
    svgs = [a for t, a in demo_page.tags if t == "svg"]
    assert len(svgs) >= 5
    assert text.count("<figure>") == text.count("<figcaption>Rests on: ") >= 5
    # ids are unique across the charts sharing the document
    ids = [a["id"] for _, a in demo_page.tags if "id" in a]
    assert len(ids) == len(set(ids))


def test_cover_key_findings_and_manager_table(demo_report, demo_ws):
    text = demo_report[0]
    assert "Bench Strength report" in text and "All data" in text and "2026-10-01 09:30" in text
    assert "12,177 opportunities" in text and "15 managers" in text
    assert "Key findings" in text and "3 managers hit plan by carrying the complex deals themselves" in text
    assert "External research, not computed from your data" in text
    table = text.split('<section id="managers">')[1].split("</section>")[0]
    assert table.count("<tr>") == 1 + 15


def test_every_manager_has_a_section_with_the_diagnosis_numbers(demo_ws, demo_report, demo_page):
    diag = diagnosis(demo_ws).set_index("manager")
    text = demo_report[0]
    assert len(demo_page.sections) == len(diag) == 15
    by_name = {}
    for anchor, parts in demo_page.sections.items():
        body = " ".join(p.strip() for p in parts if p.strip())
        name = next(m for m in diag.index if body.startswith(m))
        by_name[name] = (anchor, body)
    assert set(by_name) == set(diag.index)
    for manager, row in diag.iterrows():
        anchor, body = by_name[manager]
        section = text.split(f'id="{anchor}"')[1].split("</section>")[0]
        for dial, label in DIALS.items():
            value = re.search(rf'data-dial="{dial}"><div class="label">{label}</div><div class="value">([^<]+)<',
                              section).group(1)
            assert value == f"{row[dial]:.0f}", (manager, dial)
        assert f"Attainment {fmt_pct(row['attainment'])}" in body
        assert "of 7 signals measured" in body and "Next 1:1 checklist" in body
        assert "The three signals of development" in body and "sessions" in body
    # one manager checked by hand: Valentina Fischer, the top coach of the demo
    _, body = by_name["Valentina Fischer"]
    assert f"Coach {diag.loc['Valentina Fischer', 'coach']:.0f}" in body
    assert "Attainment 103%" in body
    _, hero = by_name["Connor Walsh"]
    assert "Hero pattern." in hero


def hostile_workspace():
    evil = "<script>alert(1)</script>"
    team = '"><img src=x onerror=alert(2)>'
    people = [{"name": evil, "team": team, "region": "<b>EMEA</b>"}]
    people += [{"name": f"Rep {i} <i>x</i>", "manager": evil, "team": team, "region": "<b>EMEA</b>"}
               for i in range(3)]
    deals = [{"owner": f"Rep {i} <i>x</i>", "stage": "Closed Won", "is_closed": True, "is_won": True,
              "amount": 1000.0 * (i + 1), "close_date": "2025-06-15", "created_date": "2025-03-01",
              "account": "javascript:alert(3)"} for i in range(3)]
    quotas = [{"owner": f"Rep {i} <i>x</i>", "period_start": "2025-01-01", "period_end": "2025-12-31",
               "amount": 2000.0} for i in range(3)]
    ws = workspace_with(people=people, opportunities=deals, quotas=quotas)
    ws.label = 'evil.csv"><script>alert(4)</script>'
    return ws


def test_hostile_names_are_escaped_everywhere():
    ws = hostile_workspace()
    text = report_html(ws, Filters(teams=('"><img src=x onerror=alert(2)>',)), title="<script>t</script>",
                       generated_at=WHEN)
    page = parse(text)
    assert not [t for t, _ in page.tags if t in ("script", "img", "i", "b")]
    assert "<script" not in text.lower() and "<img" not in text.lower()
    assert all(not n.startswith("on") for _, a in page.tags for n in a)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)</script>" in "".join(page.text)  # shown as text, not run
    assert len(page.sections) == 1


def test_missing_evidence_reads_not_measured_never_zero():
    ws = hostile_workspace()
    text = report_html(ws, generated_at=WHEN)
    page = parse(text)
    body = " ".join(p.strip() for p in next(iter(page.sections.values())) if p.strip())
    for label in DIALS.values():
        assert f"{label} not measured" in body
    assert "Development index not measured" in body
    assert "Confidence gap not measured" in body
    assert "Names a specific capability gap not measured" in body
    assert "Not measured in this workspace" in text
    assert "Coach 0 " not in body and "0 of 0 sessions" not in body


def test_clean_svg_strips_anything_that_could_reach_out():
    svg = ('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="x()"><defs>'
           '<clipPath id="clip1"><rect/></clipPath></defs><image href="https://evil.example/a.png"/>'
           '<script>alert(1)</script><g clip-path="url(#clip1)" style="fill:url(https://evil.example/f)">'
           '<a xlink:href="http://evil.example">t</a><use href="#clip1"/></g></svg>')
    out = clean_svg(svg, "c9")
    assert out.startswith("<svg") and "<?xml" not in out
    assert "evil" not in out and "<script" not in out and "onload" not in out and "<image" not in out
    assert 'id="c9-clip1"' in out and "url(#c9-clip1)" in out and 'href="#c9-clip1"' in out
    assert 'xmlns="http://www.w3.org/2000/svg"' in out


def test_thin_evidence_reads_not_enough_evidence_with_what_it_rests_on(maven_ws):
    """Maven's deals give each manager one Manage signal (pipeline hygiene): the dial reads "not
    enough evidence" with the one signal and its n, in the table and each section, never a number."""
    text = report_html(maven_ws, generated_at=WHEN)
    table = text.split('<section id="managers">')[1].split("</section>")[0]
    assert "percentile" not in text and "against a fixed standard from the framework" in text
    assert table.split("<table")[1].count("not enough evidence") == 6
    page = parse(text)
    for parts in page.sections.values():
        body = " ".join(p.strip() for p in parts if p.strip())
        assert "Manage not enough evidence 1 of 4 signals measured" in body
        assert re.search(r"rests on 1 of 4 signals \(Pipeline hygiene \(not stale or past due\): [\d,]+ open deals\)",
                         body)
