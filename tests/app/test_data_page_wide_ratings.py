"""AppTest: a wide review export on the Data page: its columns offered as ratings with checkboxes
(the counts and amounts unticked), a column unticked by the user left out of the load, and the
table switched to survey responses with the best guess (reviews) preselected."""

from __future__ import annotations

from analytics.store.workspace import Workspace
from tests.app.test_pages import app, load_button, texts

CSV = (b"EmployeeNumber,Age,Manager,JobSatisfaction,WorkLifeBalance,EnvironmentSatisfaction,MonthlyIncome\n"
       b"1001,34,Bo Chen,3,4,2,5400\n"
       b"1002,41,Bo Chen,4,,3,7200\n"
       b"1003,29,Fay Gold,1,2,4,3100\n")


def _boxes(at) -> dict[str, object]:
    return {c.label.split(" (")[0]: c for c in at.checkbox if c.key and c.key.startswith("ratings-col-")}


def test_a_wide_review_export_loads_only_the_ticked_columns():
    at = app(Workspace()).run()
    at.switch_page("views/data.py").run()
    at.file_uploader[0].set_value([("hr.csv", CSV, "text/csv")]).run()
    assert not at.exception
    boxes = _boxes(at)
    assert {k for k, c in boxes.items() if c.value} == {"JobSatisfaction", "WorkLifeBalance", "EnvironmentSatisfaction"}
    assert not boxes["Age"].value and not boxes["MonthlyIncome"].value
    radio = next(r for r in at.radio if r.key and r.key.startswith("ratings-table-"))
    assert radio.value == "reviews"
    assert "8 ratings from 3 lines, 3 columns" in texts(at)
    boxes["EnvironmentSatisfaction"].uncheck().run()
    assert "5 ratings from 3 lines, 2 columns" in texts(at)
    load_button(at).click().run()
    assert not at.exception
    ws = at.session_state["workspace"]
    got = ws.query("SELECT capability, count(*) AS n FROM reviews GROUP BY capability ORDER BY capability")
    assert dict(zip(got["capability"], got["n"], strict=True)) == {"JobSatisfaction": 3, "WorkLifeBalance": 2}
    assert set(ws.query("SELECT DISTINCT reviewer FROM reviews")["reviewer"]) == {"Bo Chen", "Fay Gold"}


def test_the_same_file_can_be_loaded_as_survey_responses():
    at = app(Workspace()).run()
    at.switch_page("views/data.py").run()
    at.file_uploader[0].set_value([("hr.csv", CSV, "text/csv")]).run()
    next(r for r in at.radio if r.key and r.key.startswith("ratings-table-")).set_value("surveys").run()
    assert "8 answers from 3 lines, 3 columns → **Survey responses**" in texts(at)
    load_button(at).click().run()
    assert not at.exception
    ws = at.session_state["workspace"]
    assert ws.counts()["surveys"] == 8 and ws.counts().get("reviews", 0) == 0
