"""AppTest: every page that shows attainment says once what it rests on (issue 19, periods): the
quota periods ended by the day the data is judged at, and those in progress shown apart."""

from __future__ import annotations

from datetime import date

import pytest

from tests.app.test_pages import app, texts
from tests.unit.test_attainment_periods import load, org

PAGES = ["views/overview.py", "views/managers.py", "views/manager.py", "views/kpis.py", "views/distribution.py",
         "views/whatif.py"]


@pytest.fixture(scope="module")
def partly_elapsed():
    """The generated org of the unit tests, its data ending on 8 Nov 2025 with next year's quotas loaded."""
    ws = load(org("plain", next_quarter=True, last_day=date(2025, 11, 8)))
    yield ws
    ws.close()


@pytest.mark.parametrize("page", PAGES)
def test_each_attainment_page_says_what_it_rests_on_once(partly_elapsed, page):
    at = app(partly_elapsed).run()
    at.switch_page(page).run()
    assert not at.exception and not at.error
    shown = texts(at)
    sentence = ("Attainment over 3 quota periods ended by 30 Sep 2025 (as of 8 Nov 2025, the last closed deal); "
                "1 period in progress (42% elapsed, ")
    assert shown.count(sentence) == 1, shown
    assert "1 not yet started are shown apart, not counted (never pro-rated)." in shown


def test_the_demo_says_every_period_ended_with_its_data():
    at = app().run()
    assert "Attainment over 8 quota periods ended by 30 Sep 2026 (as of 30 Sep 2026, the last closed deal)." in texts(at)
