"""The Data page before Load (issue 20, item 9): a staged file's card says what it lacks for which
analysis (a deals file without an owner column gets a warning, not a green tick), and "What your
data supports" reflects the files staged, never the demo's readiness as if it were the upload's."""

from __future__ import annotations

import re

from tests.app.test_pages import app, texts
from tests.factories import workspace_with

#: a Salesforce Opportunity export (API names) without OwnerId
NO_OWNER = (b"Id,Name,StageName,CloseDate,Amount,CreatedDate,AccountId\n"
            b"006A1,Deal 1,Closed Won,2024-03-01,100,2024-01-01,001A\n"
            b"006A2,Deal 2,Prospecting,2024-05-01,250,2024-02-01,001B\n")
#: deals only, with an owner (a Salesforce report's labels): what a first upload of one CRM export looks like
WITH_OWNER = (b"Opportunity Owner,Opportunity ID,Opportunity Name,Stage,Close Date,Amount,Created Date,Region\n"
              b"Ann Lee,006A1,Deal 1,Closed Won,01/03/2024,100,01/01/2024,EMEA\n"
              b"Bo Chan,006A2,Deal 2,Prospecting,01/05/2024,,01/02/2024,\n")


def _staged(*files):
    at = app().run()
    at.switch_page("views/data.py").run()
    assert not at.exception
    before = texts(at)
    at.file_uploader[0].set_value([(name, data, "text/csv") for name, data in files]).run()
    assert not at.exception
    return at, before


def test_deals_without_an_owner_column_get_a_warning_naming_what_it_blocks():
    at, _ = _staged(("opportunities.csv", NO_OWNER))
    assert not any("opportunities.csv" in s.value for s in at.success)  # before: a green tick
    warned = [w.value for w in at.warning if "opportunities.csv" in w.value]
    assert len(warned) == 1, [w.value for w in at.warning]
    text = warned[0]
    assert "Opportunities / deals" in text and "2 rows" in text  # what it loads as is still said
    assert "- No owner column: deals cannot be attributed to reps or managers" in text
    assert "attainment" in text and "pipeline KPIs" in text and "every manager figure" in text
    assert any(b.label.startswith("Load 1 file") and not b.disabled for b in at.button)  # it still loads


def test_deals_with_an_owner_keep_their_green_tick():
    at, _ = _staged(("deals.csv", WITH_OWNER))
    assert any("deals.csv" in s.value for s in at.success)
    assert not any("deals.csv" in w.value for w in at.warning)
    # what it lacks for the Pareto views is still said, without alarm
    assert "Once loaded: no account or product column: the Pareto views cannot use this file." in texts(at)


def test_readiness_before_load_reflects_the_files_staged_not_the_demo():
    at, before = _staged(("deals.csv", WITH_OWNER))
    demo = re.search(r"\*\*(\d+) of (\d+) analyses\*\*", before)
    assert demo is not None  # the demo's own readiness, before anything is staged
    shown = texts(at)
    assert "With the 1 file staged" in shown
    assert "With the 1 file staged (which replaces the demo when loaded)" in shown  # the demo is not added to: only the staged file counts
    assert "**2 of 12 analyses**" in shown  # overview and pipeline KPIs, from one deals file
    assert demo.group(0) not in shown or demo.group(0) == "**2 of 12 analyses**"
    needs = [m.value for m in at.markdown if "needs data" in m.value]
    assert any("Coaching behaviours" in m and "coaching sessions export" in m for m in needs)
    assert any("Capability movement" in m for m in needs)
    # and what to add next
    assert "Add a people / roster export to measure execution independence" in shown


def test_readiness_after_load_reflects_the_workspace():
    at, _ = _staged(("deals.csv", WITH_OWNER))
    next(b for b in at.button if b.label.startswith("Load 1 file")).click().run()
    assert not at.exception
    shown = texts(at)
    assert "With the 1 file staged" not in shown
    assert "**2 of 12 analyses**" in shown  # the workspace now holds just that file


def test_readiness_before_load_follows_add_or_new():
    ws = workspace_with(people=[{"person_id": "p1", "name": "Ann Lee"},
                                {"person_id": "p2", "name": "Bo Chan", "manager": "Ann Lee"}])
    ws.source = "uploads"
    at = app(ws).run()
    at.switch_page("views/data.py").run()
    assert "**0 of 12 analyses**" in texts(at)  # a roster alone: the workspace's own readiness
    at.file_uploader[0].set_value([("deals.csv", WITH_OWNER, "text/csv")]).run()
    assert at.radio(key="load-mode").value == "add"
    shown = texts(at)
    # added to the roster: execution independence too (its deals, owners and the roster to link to)
    assert "With the 1 file staged (added to what is loaded): **3 of 12 analyses**" in shown
    assert "Execution independence" in next(c.value for c in at.caption if c.value.startswith("Ready:"))
    at.radio(key="load-mode").set_value("new").run()
    assert not at.exception
    assert "With the 1 file staged (loaded on its own into a new workspace): **2 of 12 analyses**" in texts(at)
