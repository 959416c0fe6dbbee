"""User journeys in a real browser against a real server."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.e2e.conftest import click_and_wait, exports_input, open_page, wait_for_app_run

ARTIFACTS = Path(__file__).parent / "artifacts"
REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"


def test_opens_on_the_demo(page, app_url):
    open_page(page, app_url)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_text("Demo: Northwind Cloud").first).to_be_visible()
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    expect(page.get_by_text("Managers", exact=True).first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)


def test_upload_maven_crm_shows_validation_report(page, app_url):
    open_page(page, app_url, "data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
    files = sorted((REAL / "maven-crm").glob("*.csv"))
    exports_input(page).set_input_files([str(f) for f in files])
    wait_for_app_run(page)
    expect(page.get_by_text("Maven CRM: sales pipeline").first).to_be_visible()
    click_and_wait(page, page.get_by_role("button", name="Load 5 files into the workspace"))
    expect(page.get_by_role("heading", name="Validation report")).to_be_visible()
    expect(page.get_by_text("sales_pipeline.csv: 8,800 rows read · 8,800 loaded · 0 rejected")).to_be_visible()
    expect(page.get_by_text("Your uploads").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "data-after-maven.png"), full_page=True)


def test_rejected_rows_download_as_csv(page, app_url, tmp_path):
    bad = tmp_path / "bad-deals.csv"
    bad.write_text(
        "opportunity_id,owner,stage,amount,close_date\n"
        "A,Ann Lee,Closed Won,100,2025-01-05\n"
        "B,Bo Ek,Closed Won,lots,2025-01-06\n"
        "A,Ann Lee,Closed Won,120,2025-01-07\n",
        encoding="utf-8",
    )
    open_page(page, app_url, "data")
    exports_input(page).set_input_files(str(bad))
    wait_for_app_run(page)
    click_and_wait(page, page.get_by_role("button", name="Load 1 file into the workspace"))
    expect(page.get_by_text("bad-deals.csv: 3 rows read · 1 loaded · 2 rejected")).to_be_visible()
    wait_for_app_run(page)
    download = None
    # headless Chromium now and then drops a click on a deferred download button (no request
    # reaches the server): the click is repeated, at most three times
    for _ in range(3):
        try:
            with page.expect_download(timeout=15_000) as info:
                page.get_by_role("button", name="Download all 2 rejects (CSV)").click()
            download = info.value
            break
        except PlaywrightTimeoutError:
            continue
    assert download is not None, "the rejects never downloaded"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == '"file","row","column","value","reason"'  # every text cell quoted
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1][:4] == ["bad-deals.csv", "3", "amount", "lots"]
    assert rows[2][:4] == ["bad-deals.csv", "4", "opportunity_id", "A"] and rows[2][4].startswith("duplicate ID")


def test_manager_and_results_pages_open_on_the_demo(page, app_url):
    open_page(page, app_url)
    for link, heading, content in [
        ("Managers", "Managers", "Same quota, different manager"),
        ("Manager detail", "Manager detail", "Next 1:1 checklist"),
        ("Coaching evidence", "Coaching evidence", "Confidence is not evidence"),
        ("Manager clusters", "Manager clusters", "Profiles"),
    ]:
        click_and_wait(page, page.get_by_role("link", name=link, exact=True))
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(page.get_by_role("heading", name=content)).to_be_visible()
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    for link, content in [("Pipeline & KPIs", "Pipeline & KPIs"), ("What moves the needle", "What moves the needle"),
                          ("Distribution", "The 80/20 pattern")]:  # in the same browser, one open of the app
        click_and_wait(page, page.get_by_role("link", name=link, exact=True))
        expect(page.get_by_role("heading", name=content).first).to_be_visible()
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)


def test_rep_development_pages_and_the_complexity_slider(page, app_url):
    open_page(page, app_url)
    for link, content in [("Capability trends", "The same gaps quarter after quarter"),
                          ("Follow-through", "One manager's funnel"),
                          ("Skill gap or fit gap", "Per manager"), ("Top movers", "Whose reps move"),
                          ("Execution independence", "Dependency curves")]:
        click_and_wait(page, page.get_by_role("link", name=link, exact=True))
        expect(page.get_by_role("heading", name=content)).to_be_visible()
        expect(page.get_by_test_id("stException")).to_have_count(0)
    # use the amount rule, then lower the bar one step with the keyboard: the curves redraw
    click_and_wait(page, page.get_by_text("Use the export's own complexity flag"))
    expect(page.get_by_text("(the 75th percentile of the organisation's closed amounts)")).to_be_visible()
    thumb = page.get_by_test_id("stSlider").get_by_role("slider")
    thumb.focus()
    thumb.press("ArrowLeft")
    wait_for_app_run(page)
    expect(page.get_by_text("(the 70th percentile of the organisation's closed amounts)")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()


def test_set_a_filter_and_run_a_goal_seek(page, app_url):
    open_page(page, app_url)
    click_and_wait(page, page.get_by_role("link", name="What-if", exact=True))
    expect(page.get_by_role("heading", name="Goal seek")).to_be_visible()
    # the comboboxes are chosen by typing, as a keyboard user would
    region = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text="Region")
    box = region.get_by_role("combobox")
    box.click()
    box.fill("EMEA")
    box.press("ArrowDown")
    box.press("Enter")
    wait_for_app_run(page)
    expect(page.get_by_text("region: EMEA").first).to_be_visible()
    target = page.get_by_label("Revenue target per quarter")
    target.fill("20000000")
    target.press("Enter")
    wait_for_app_run(page)
    lever = page.get_by_test_id("stSelectbox").filter(has_text="Reach it through").get_by_role("combobox")
    lever.click()
    lever.fill("Win rate")
    lever.press("ArrowDown")
    lever.press("Enter")
    wait_for_app_run(page)
    expect(page.get_by_text("Win rate from").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)

