"""The real shared samples in a real browser, dropped on the Data page and loaded with the preselected
guesses: the two quota folders (the AdventureWorks file waits for its guessed columns to be checked;
the PL-300 sheet loads beside it) and the pages that read quotas; and all of them together
(tests/e2e/test_real_samples_together.py: the main pages opened from the sidebar and every
Presenter mode screen stepped through): no exception, no error, and Presenter mode's way out visible on every
screen and taking the user back to the Overview and its sidebar.
(The broad net, every page under filters, is tests/app/test_real_samples.py.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from analytics.fmt import fmt_count
from tests.e2e.conftest import RUN_TIMEOUT_MS, click_and_wait, exports_input, go, open_page, wait_for_app_run
from tests.e2e.test_journeys import REAL

FOLDERS = ("maven-crm", "salesforce-api-export", "salesforce-devorg-export", "quota-pl300-mslearn",
           "adventureworks-quota")
SET = {folder: (folder,) for folder in FOLDERS} | {"all-together": FOLDERS}
#: files that load with the preselected guesses (the PL-300 sheet loads as a wide target sheet); the
#: AdventureWorks files have no header row: their columns are guessed from the values and wait for the
#: user's tick (issue 18, headerless: before, they needed the mapping form from their first data row)
LOADABLE = {"maven-crm": 5, "salesforce-api-export": 3, "salesforce-devorg-export": 5, "quota-pl300-mslearn": 1,
            "adventureworks-quota": 0, "all-together": 14}
HEADERLESS = {"adventureworks-quota": 3, "all-together": 3}


def files(case: str) -> list[str]:
    return [str(p) for folder in SET[case] for p in sorted((REAL / folder).glob("*.csv"))]


def check_clean(page: Page, where: str) -> None:
    expect(page.get_by_test_id("stException"), where).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentError"), where).to_have_count(0)
    expect(page.get_by_text("Something went wrong"), where).to_have_count(0)


def present(page: Page, case: str) -> int:
    """Step through every screen of Presenter mode; the way out is visible on each."""
    go(page, "Presenter mode", "present")
    counter = page.get_by_text(re.compile(r"^Screen \d+ of \d+$"))
    expect(counter).to_have_text(re.compile(r"^Screen 1 of \d+$"))
    screens = int(re.search(r"of (\d+)", counter.inner_text()).group(1))
    way_out = page.get_by_role("button", name="Exit presenter mode")
    for step in range(1, screens + 1):
        if step > 1:
            click_and_wait(page, page.get_by_role("button", name="Next"))
            expect(counter).to_have_text(f"Screen {step} of {screens}")
            wait_for_app_run(page)
        check_clean(page, f"{case}: Presenter screen {step}")
        expect(way_out).to_be_visible()
        expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_role("button", name="Next")).to_be_disabled()
    return screens


def back_on_the_overview(page: Page) -> None:
    page.wait_for_function("() => location.pathname.replace(/\\/$/, '').split('/').filter(Boolean).length === 0")
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_be_visible()


def upload(page: Page, case: str, waiting: int = 0) -> int:
    """Drop the case's files on the Data page and load what loads with the preselected guesses;
    ``waiting``: headerless files dropped before and still in the upload box (none loaded). Returns how
    many headerless files the box now holds, waiting for the user to check them."""
    exports_input(page).set_input_files(files(case))
    wait_for_app_run(page)
    check_clean(page, f"{case}: files dropped")
    load = page.get_by_role("button", name=f"Load {fmt_count(LOADABLE[case], 'file')} into the workspace")
    unchecked = waiting + HEADERLESS.get(case, 0)
    left_out = len(files(case)) - LOADABLE[case] - HEADERLESS.get(case, 0)
    if left_out:  # said, not silently dropped
        expect(page.get_by_text(f"{fmt_count(left_out, 'file')} cannot be loaded until their table and required columns "
                                "are chosen")).to_be_visible(timeout=RUN_TIMEOUT_MS)  # the drop's run may still be going
    if unchecked:
        expect(page.get_by_text(f"{fmt_count(unchecked, 'file')} without a header row wait for you to check their "
                                "columns")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    if LOADABLE[case]:
        load.click()
        wait_for_app_run(page)
        expect(page.get_by_role("heading", name="Validation report")).to_be_visible()
        expect(page.get_by_text("Your uploads").first).to_be_visible()
    else:  # nothing loadable: the demo stays, nothing half-loaded
        expect(load).to_be_disabled()
        expect(page.get_by_text("Demo: Northwind Cloud").first).to_be_visible()
    check_clean(page, f"{case}: loaded")
    return unchecked if not LOADABLE[case] else 0


#: one browser context each; the two quota folders in one context: the AdventureWorks file first
#: (no header row: it waits for its guessed columns to be checked, so nothing loads and the session
#: stays on the demo it had), then the PL-300 sheet beside it in the box, which loads alone as a wide
#: target sheet (every page on it: tests/app)
JOURNEYS = {"quota-files": ("adventureworks-quota", "quota-pl300-mslearn"), "all-together": ("all-together",)}


#: the pages a journey that stops early opens (every page of every sample alone, under filters, is
#: tests/app/test_real_samples.py; every page and every Presenter screen of every sample together,
#: in the browser, is tests/e2e/test_real_samples_together.py)
QUICK = {"quota-files": (("Overview", ""), ("Pipeline & KPIs", "kpis"), ("Distribution", "distribution"))}


#: the pages every sample together opens in the browser before Presenter mode (every page of it, under
#: filters, is tests/app/test_real_samples.py's "all-together"; every page in the browser is walked on
#: the demo by tests/e2e/test_workshop.py and on hostile names by tests/e2e/test_escaping.py)
BROWSER_PAGES = (("Overview", ""), ("Managers", "managers"), ("Manager detail", "manager"),
                 ("Coaching evidence", "coaching"), ("Capability trends", "capability"), ("Pipeline & KPIs", "kpis"),
                 ("Data", "data"))


#: the journey run here: the quota files, the one sample that asks (a file without a header row waits
#: for its columns to be checked). Every deal sample loads in the browser in the journey of every
#: sample together (tests/e2e/test_real_samples_together.py, a file of its own so it can run on the
#: other worker), and each alone on every page in AppTest (tests/app/test_real_samples.py).
HERE = ["quota-files"]


@pytest.mark.parametrize("journey", HERE)
def test_every_page_draws_after_loading_a_real_sample(page, app_url, journey):
    walk_journey(page, app_url, journey)


def walk_journey(page, app_url, journey: str) -> None:
    open_page(page, app_url, "data")
    waiting = 0
    for case in JOURNEYS[journey]:  # a second drop adds to the files already in the box
        waiting = upload(page, case, waiting)
    if journey in QUICK:  # the pages that read this sample most; every page on it is tests/app
        for name, slug in QUICK[journey]:
            go(page, name, slug)
            check_clean(page, f"{journey}: {name}")
        return
    for name, slug in BROWSER_PAGES:
        go(page, name, slug)
        check_clean(page, f"{journey}: {name}")
    assert present(page, journey) >= 2
    page.get_by_role("button", name="Exit presenter mode").click()
    back_on_the_overview(page)
    check_clean(page, f"{journey}: after Presenter mode")
    if journey == "all-together":  # the keyboard way out (the deck reopens on the screen it was left on)
        go(page, "Presenter mode", "present")
        expect(page.get_by_role("button", name="Exit presenter mode")).to_be_visible()
        page.keyboard.press("Escape")
        back_on_the_overview(page)
