"""Presenter mode on a projector (issue 20, item 8): every screen of the demo deck fits one screen at
1280×720 and at 1920×1080 (title, figures, chart and explanation, the chart's data marks included),
its titles stay within two lines, every word drawn in a chart is at least 16 px, and no chart menu
(Streamlit's element toolbar, Vega's actions) shows in front of the room, on hover or on keyboard focus.

Measured in the browser, not guessed from the spec: each visible element's bounding box against
``window.innerHeight``."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RUN_TIMEOUT_MS, click_and_wait, open_page, wait_for_app_run

#: what a slide is measured by: the lowest visible element, every data mark of each chart, the
#: smallest word drawn in a chart, the title's lines
MEASURE = """() => {
  const vh = window.innerHeight;
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  let bottom = 0, lowest = '';
  for (const el of main.querySelectorAll('[data-testid="stElementContainer"]')) {
    const r = el.getBoundingClientRect();
    if (r.height === 0 || getComputedStyle(el).display === 'none') continue;
    if (r.bottom > bottom) { bottom = r.bottom; lowest = el.innerText.slice(0, 60) || el.dataset.testid || ''; }
  }
  const marks = [...main.querySelectorAll('.vega-embed svg g.role-mark > *')]
    .map(m => m.getBoundingClientRect()).filter(r => r.width > 0 || r.height > 0);
  const outside = marks.filter(r => r.bottom > vh + 1 || r.top < 0).length;
  const sizes = [...main.querySelectorAll('.vega-embed svg text')].filter(t => t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize));
  const h1 = main.querySelector('h1');
  let lines = 0;
  if (h1) { const range = document.createRange(); range.selectNodeContents(h1);
            lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size; }
  return {vh, bottom, lowest, charts: main.querySelectorAll('.vega-embed').length,
          canvases: main.querySelectorAll('.vega-embed canvas').length, marks: marks.length, outside,
          smallest: sizes.length ? Math.min(...sizes) : null, lines,
          scrolls: document.querySelector('[data-testid="stMain"]').scrollHeight > vh + 1};
}"""

#: a chart menu a person in the room could see: Streamlit's element toolbar or Vega's actions,
#: shown (not hidden, not transparent) or holding the keyboard focus
MENU_SHOWN = """() => {
  const menus = [...document.querySelectorAll('[data-testid="stElementToolbar"], .vega-actions, .vega-embed details')];
  const shown = menus.filter(m => { const s = getComputedStyle(m); const r = m.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && parseFloat(s.opacity) > 0 && r.width > 0; });
  const focused = menus.some(m => m.contains(document.activeElement));
  return {shown: shown.length, focused};
}"""

#: more Tab presses than a slide has things to focus (the three buttons, a chart's menu items)
TABS = 12


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_every_presenter_screen_fits_the_projector_with_readable_labels_and_no_chart_menu(
        browser, app_url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(RUN_TIMEOUT_MS)
    try:
        open_page(page, app_url, "present")
        counter = page.get_by_text(re.compile(r"^Screen \d+ of \d+$"))
        screens = int(re.search(r"of (\d+)", counter.inner_text()).group(1))
        assert screens >= 10  # the demo: cover and nine measured findings
        charts, problems = 0, []
        for step in range(1, screens + 1):
            if step > 1:
                click_and_wait(page, page.get_by_role("button", name="Next"))
                expect(counter).to_have_text(f"Screen {step} of {screens}")
                wait_for_app_run(page)
            if step > 1:  # a finding's chart is drawn (the cover has none)
                expect(page.locator(".vega-embed svg g.role-mark").first).to_be_attached()
            m = page.evaluate(MEASURE)
            where = f"{width}×{height}, screen {step}"
            if m["bottom"] > height + 1:
                problems.append(f"{where}: '{m['lowest']}' ends at {m['bottom']:.0f}px, below {height}px")
            if m["scrolls"]:
                problems.append(f"{where}: the page scrolls")
            if m["lines"] > 2:
                problems.append(f"{where}: the title takes {m['lines']} lines")
            if not m["charts"]:
                continue
            charts += 1
            if m["canvases"]:
                problems.append(f"{where}: the chart is drawn on a canvas; its labels cannot be measured")
            if not m["marks"] or m["outside"]:
                problems.append(f"{where}: {m['outside']} of {m['marks']} data marks off screen")
            if m["smallest"] is not None and m["smallest"] < 16:
                problems.append(f"{where}: a chart label is {m['smallest']:.0f}px")
            page.locator(".vega-embed").first.hover()
            for _ in range(TABS):
                menu = page.evaluate(MENU_SHOWN)
                if menu != {"shown": 0, "focused": False}:
                    problems.append(f"{where}: a chart menu shows ({menu})")
                    break
                page.keyboard.press("Tab")
        assert charts == screens - 1
        assert not problems, "\n".join(problems)
    finally:
        context.close()
