"""Small screens (issue 20, item 11): at 1024 px every download button shows its whole label, and
on a phone the sidebar folds once a page is picked from it.

Reuses the session's server and browser (tests/e2e/conftest.py); one context per screen size.
Screenshots go to ``BENCH_SHOTS`` when it is set (never into the repository)."""

from __future__ import annotations

import os

import pytest

from tests.e2e.conftest import RUN_TIMEOUT_MS, go, open_page

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("BENCH_SHOTS")

#: every download button whose label, or a part of it, is wider than the box that shows it
CUT_LABELS = """() => [...document.querySelectorAll("[data-testid='stDownloadButton'] button")]
  .filter(b => b.offsetParent !== null)
  .filter(b => [b, ...b.querySelectorAll('*')].some(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1))
  .map(b => b.innerText.replace(/\\s+/g, ' ').trim())"""
SHOWN_BUTTONS = """() => [...document.querySelectorAll("[data-testid='stDownloadButton'] button")]
  .filter(b => b.offsetParent !== null).length"""


def shoot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name))


def test_download_buttons_show_their_whole_label_at_1024_px(browser, app_url):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = context.new_page()
        page.set_default_timeout(RUN_TIMEOUT_MS)
        open_page(page, app_url, "managers")
        page.locator("[data-testid='stDownloadButton']").first.scroll_into_view_if_needed()
        shoot(page, "downloads-1024.png")
        assert page.evaluate(SHOWN_BUTTONS) >= 2
        assert page.evaluate(CUT_LABELS) == []
    finally:
        context.close()


#: a phone's browser, which Streamlit folds the sidebar for itself: the app's fold must not open it again
PHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.0 Mobile/15E148 Safari/604.1")


@pytest.mark.parametrize("agent", [None, PHONE_UA], ids=["narrow-window", "phone-browser"])
def test_on_a_phone_the_sidebar_folds_after_a_page_is_picked(browser, app_url, agent):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  **({"user_agent": agent} if agent else {}))
    try:
        page = context.new_page()
        page.set_default_timeout(RUN_TIMEOUT_MS)
        open_page(page, app_url)
        sidebar = page.locator("[data-testid='stSidebar']")
        page.locator("[data-testid='stExpandSidebarButton']").click()
        page.wait_for_function("() => document.querySelector(\"[data-testid='stSidebar']\")"
                               ".getBoundingClientRect().right > 200")
        go(page, "Managers", "managers")
        # folded: the menu no longer covers the page that was picked (and was not toggled open again: the
        # fold runs on the click, before the run go() waited for had ended)
        page.wait_for_function("() => document.querySelector(\"[data-testid='stSidebar']\")"
                               ".getBoundingClientRect().right <= 0", timeout=5_000)
        shoot(page, "phone-after-navigating.png")
        assert sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0
        assert page.get_by_role("heading", name="Managers").first.is_visible()
    finally:
        context.close()
