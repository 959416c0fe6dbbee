"""AppTest: an all-clear appears only when the checks it summarises ran, and says which ran (issue 20,
item 5). A workspace of deals and a roster only (no quotas, no activities, no coaching evidence) is
never told "nobody is below a standard" or "no weak spot"; the demo, where every check runs, still is."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from analytics.ingest.pipeline import analyse_file, import_file
from analytics.store.workspace import Workspace
from tests.app.test_pages import app, texts
from tests.unit.test_attainment_periods import load, org


def deals_only(shape: str) -> Workspace:
    """The generated org's roster and deals in one of its header shapes, without its quotas."""
    files = org(shape)
    ws = Workspace()
    for name, table in (("people.csv", "people"), ("deals.csv", "opportunities")):
        report = import_file(ws, analyse_file(name, files[name].encode("utf-8")), table)
        assert report.error is None and report.rows_rejected == 0, report.rejected
    return ws


@pytest.fixture(scope="module", params=["plain", "shouting", "punctuated"])
def thin(request):
    ws = deals_only(request.param)
    yield ws
    ws.close()


def shown_on(ws, page: str):
    at = app(ws).run()
    at.switch_page(page).run()
    assert not at.exception and not at.error, [e.message for e in at.exception]
    return at, texts(at)


def test_the_standards_tab_is_never_green_when_nothing_was_checked(thin):
    at, shown = shown_on(thin, "views/kpis.py")
    assert not at.success, [s.value for s in at.success]
    assert "below a standard" not in shown and "below a measured standard" not in shown
    assert "nothing could be checked" in shown
    assert "Attainment (needs a quota export)" in shown and "Activity standard (needs an activities export)" in shown


def test_an_empty_checklist_on_thin_evidence_says_so(thin):
    at, shown = shown_on(thin, "views/manager.py")
    assert any(s.value == "Next 1:1 checklist" for s in at.subheader)
    assert "No weak spot" not in shown
    assert "nothing could be checked" in shown or "rests on few signals" in shown
    assert "coaching behaviours (needs a coaching sessions export" in shown


def test_the_demo_all_clear_names_the_checks_that_ran():
    at = app().run()
    at.switch_page("views/kpis.py").run()
    assert not at.exception and not at.error
    shown = texts(at)
    assert "below a measured standard" not in shown
    if at.success:  # an all-clear only with every standard checked, each with how many it judged
        assert all("Checked: coverage against" in s.value and "Not checked" not in s.value for s in at.success)
    assert "Checked: coverage against 3× next quarter's quota (" in shown, shown


def test_an_all_clear_over_part_of_the_standards_is_not_green():
    """Quotas every rep beats and no activities: before, a green "nobody is below a measured standard"
    over attainment alone; now it says the activity standard was not checked, and not in green."""
    files = org("shouting")
    quotas = pd.read_csv(io.StringIO(files["quotas.csv"]))
    files["quotas.csv"] = quotas.assign(**{"QUOTA AMOUNT": 1}).to_csv(index=False)
    ws = load(files)
    try:
        at, shown = shown_on(ws, "views/kpis.py")
        assert not at.success, [s.value for s in at.success]
        assert "Nobody in scope is below the standards that could be checked. Checked: attainment against 100% (3 teams)" \
            in shown, shown
        assert "Not checked:" in shown and "activity standard (needs an activities export)" in shown
    finally:
        ws.close()
