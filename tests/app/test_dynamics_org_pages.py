"""Issue 18's Dynamics 365 organisation on every page (AppTest): the files loaded through the upload
path as the Data page loads them (AppTest cannot drive the file uploader, so the workspace is handed
to the session as the other page tests do), then every page of ui/pages.py walked: no exception, no
error alert, a real attainment on the Overview with its word on the automation user's deals, and the
Data page's health panel naming the bot and the missing seller."""

from __future__ import annotations

import pytest

from analytics.settings import Settings
from analytics.store.workspace import Workspace
from tests.app.test_pages import PAGES, app, texts
from tests.factories import workspace_with
from tests.orgs import BOT_DEALS, MISSING_DEALS, cast, dynamics_files, upload
from tests.unit.test_non_person_owners import QUOTAS, ROSTER, _deals


def _dynamics() -> Workspace:
    ws = Workspace()
    upload(ws, dynamics_files())
    ws.source, ws.label = "uploads", "Your uploads (Dynamics 365)"
    return ws


def _metric(at, label: str):
    return next(m for m in at.metric if m.label == label)


def test_the_dynamics_org_on_every_page():
    c = cast()
    at = app(_dynamics()).run()
    assert not at.exception and not at.error
    assert _metric(at, "Closed-won vs quota").value == "60%"
    shown = texts(at)
    assert "12 reps with quota" in shown
    assert (f"{BOT_DEALS} deals (1.0m) owned by 1 automation or integration user are left out of every figure; "
            "to count them, turn on the switch 'Count owners that are not people as reps' under Data health "
            "on the Data page") in shown
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.error, (page, [e.value for e in at.error])
        assert c.bot not in texts(at) or page == "views/data.py", page
    shown = texts(at)  # the Data page, last in the menu
    assert f"'{c.bot}' ({BOT_DEALS} deals" in shown and "kept out of people metrics" in shown
    assert f"'{c.missing.name}' on {MISSING_DEALS} deals, not in the roster" in shown


def test_a_broken_quota_link_reads_not_measured_on_the_overview():
    ws = Workspace()
    upload(ws, dynamics_files(quota_owner=lambda p: f"{p.first}.{p.last}@elsewhere.example".lower()))
    at = app(ws).run()
    assert not at.exception and not at.error
    quota = _metric(at, "Closed-won vs quota")
    assert quota.value in ("", "—", None) or "%" not in str(quota.value)
    assert "not measured: no quota owner is in the roster (0 of 12 names match)" in texts(at)


@pytest.mark.parametrize("include", [False, True])
def test_the_overview_says_what_owners_that_are_not_people_own(include):
    ws = workspace_with(people=ROSTER, opportunities=_deals("Renewal Bot"), quotas=QUOTAS)
    at = app(ws)
    at.session_state["settings"] = Settings(include_non_person_owners=include)
    at.run()
    assert not at.exception and not at.error
    shown = texts(at)
    if include:
        assert "229 deals (229.0k) owned by 1 automation or integration user are counted as reps in every figure; " \
               "to leave them out, turn off the switch" in shown
    else:
        assert "229 deals (229.0k) owned by 1 automation or integration user are left out of every figure" in shown
    assert "Renewal Bot" not in shown  # counts only: the Overview names no one


def test_the_overview_says_nothing_when_every_owner_is_a_person():
    ws = workspace_with(people=ROSTER, opportunities=[d for d in _deals("Renewal Bot") if d["owner"] != "Renewal Bot"])
    at = app(ws).run()
    assert not at.exception
    assert "automation or integration user" not in texts(at)
