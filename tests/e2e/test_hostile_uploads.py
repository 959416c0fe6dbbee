"""Hostile and broken uploads in a real browser (issue 7, parts 3 and 5).

The whole corpus of tests/hostile_corpus.py is dropped on the Data page of a real server at
once: every file gets a plain message naming it, no traceback reaches the page, the loadable
files load, and another session keeps being served meanwhile. (An oversized file's message is
checked in tests/e2e/test_hostile_workspaces.py, on the server with a lower upload limit it starts.)
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import HEALTH_WITHIN_S, RUN_TIMEOUT_MS, HealthWatch, exports_input, open_page, wait_for_app_run
from tests.hostile_corpus import build_corpus, size_cases

LEAKS = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|BadZipFile|EntitiesForbidden|pyarrow|Errno")


def _alerts(page) -> list[str]:
    return page.locator("[data-testid^='stAlertContent']").all_inner_texts()


def test_the_whole_hostile_corpus_gets_plain_messages(browser, app_url, tmp_path):
    cases = build_corpus(tmp_path / "corpus")
    first = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    second = browser.new_context().new_page()
    first.set_default_timeout(RUN_TIMEOUT_MS)
    health = HealthWatch(app_url).__enter__()  # another client, all the while the files are handled
    try:
        open_page(first, app_url, "data")
        exports_input(first).set_input_files([str(c.path) for c in cases])
        # the cards are drawn one file after another: done when the Load step is drawn and the run ends
        expect(first.get_by_role("heading", name="2. Load")).to_be_visible(timeout=RUN_TIMEOUT_MS)
        wait_for_app_run(first)
        expect(first.get_by_test_id("stException")).to_have_count(0)

        alerts = _alerts(first)
        for alert in alerts:
            assert not LEAKS.search(alert), f"a Python error leaked onto the page: {alert}"
        for case in cases:
            mine = [a for a in alerts if case.name in a]
            assert mine, f"no message names {case.name} ({case.about})"
            if case.outcome == "refused":
                text = " ".join(mine).lower()
                assert all(w.lower() in text for w in case.says), f"{case.name}: {mine}"
                if case.row is not None:
                    assert f"row {case.row}" in text, f"{case.name}: the message should name row {case.row}: {mine}"
        assert "Traceback" not in first.content()

        loadable = [c for c in cases if c.outcome == "loaded" and not c.name.endswith(".json")]
        first.get_by_role("button", name=re.compile(r"Load \d+ files? into the workspace")).click()
        # while the batch loads, another session opens on the demo as usual
        open_page(second, app_url)
        expect(second.get_by_role("heading", name="Overview")).to_be_visible()
        expect(second.get_by_text("Demo: Northwind Cloud").first).to_be_visible()
        expect(second.get_by_test_id("stException")).to_have_count(0)

        expect(first.get_by_role("heading", name="Validation report")).to_be_visible(timeout=RUN_TIMEOUT_MS)
        wait_for_app_run(first)
        main = first.get_by_test_id("stMain").inner_text()
        for case in loadable:
            rejected = len(case.rejected_rows) if case.rejected_rows is not None else 0
            headline = re.compile(re.escape(case.name) + r": [\d,]+ rows read · [\d,]+ loaded · " + f"{rejected} rejected")
            assert headline.search(main), f"{case.name}: no validation headline with {rejected} rejected row(s)"
        expect(first.get_by_test_id("stException")).to_have_count(0)
        assert "Traceback" not in first.content()

        open_page(second, app_url, "data")  # and after it, too
        expect(second.get_by_role("heading", name="Data", exact=True)).to_be_visible()
        health.__exit__()
        assert not health.failures, health.failures
        assert health.slowest < HEALTH_WITHIN_S, f"/_stcore/health took {health.slowest:.2f} s while files were handled"
    finally:
        health.__exit__()
        first.context.close()
        second.context.close()


def test_the_large_hostile_files_keep_the_server_answering(browser, app_url, tmp_path):
    """The 190 MB JSON (refused by its size, never parsed) and the ~100 MB CSV whose 2,000,000
    rows are all rejected (reported with the first 1,000 shown) go through the Data page of a
    real server while another client's /_stcore/health answers within 2 s throughout."""
    cases = {c.name: c for c in size_cases(tmp_path / "size") if c.name in ("huge.json", "all-rejected.csv")}
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(RUN_TIMEOUT_MS)
    try:
        with HealthWatch(app_url) as health:
            open_page(page, app_url, "data")
            exports_input(page).set_input_files(
                [str(c.path) for c in cases.values()])
            expect(page.get_by_text(re.compile(r"huge\.json: too large"))).to_be_visible(timeout=2 * RUN_TIMEOUT_MS)
            page.get_by_role("button", name=re.compile(r"Load \d+ files? into the workspace")).click()
            expect(page.get_by_role("heading", name="Validation report")).to_be_visible(timeout=2 * RUN_TIMEOUT_MS)
            wait_for_app_run(page)
            main = page.get_by_test_id("stMain").inner_text()
            assert "all-rejected.csv: 2,000,000 rows read · 0 loaded · 2,000,000 rejected" in main
            expect(page.get_by_text("Download all 2,000,000 rejects (CSV)").first).to_be_visible()
            expect(page.get_by_test_id("stException")).to_have_count(0)
        assert not health.failures, health.failures
        assert health.slowest < HEALTH_WITHIN_S, f"/_stcore/health took {health.slowest:.2f} s"
        print(f"slowest /_stcore/health answer while the large files were handled: {health.slowest:.3f} s")
    finally:
        page.context.close()
