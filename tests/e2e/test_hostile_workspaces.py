"""Hostile saved workspaces dropped on the Data page's *Open workspace* uploader (issue 16, item 2).

Every file of ``hostile_corpus.workspace_cases`` goes, one after another, through the page's own
opener on a real server: each refused one gets a plain message naming it and the limit (no
exception, no traceback), each opened one replaces the workspace, and meanwhile the server's
``/_stcore/health`` keeps answering another client within 2 s, and another session opens.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import HEALTH_WITHIN_S, RUN_TIMEOUT_MS, HealthWatch, open_page, start_server, wait_for_app_run
from tests.hostile_corpus import WORKSPACE_TEST_MEMORY, build_workspace_corpus

LEAKS = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|BadZipFile|pyarrow|Errno")


def test_every_hostile_workspace_gets_a_plain_message_through_the_page(browser, tmp_path):
    cases = build_workspace_corpus(tmp_path / "ws")
    with start_server(env={"BENCH_DUCKDB_MEMORY_LIMIT": WORKSPACE_TEST_MEMORY}) as server:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        other = browser.new_context().new_page()
        page.set_default_timeout(RUN_TIMEOUT_MS)
        try:
            open_page(page, server.url, "data")
            opener = (page.get_by_test_id("stFileUploader").filter(has_text="Open workspace")
                      .get_by_test_id("stFileUploaderDropzoneInput"))
            sidebar = page.get_by_test_id("stSidebar")
            with HealthWatch(server.url) as health:
                for case in cases:
                    opener.set_input_files(str(case.path))
                    if case.outcome == "refused":
                        alert = page.get_by_test_id("stAlertContentError").filter(has_text=case.name)
                        expect(alert).to_be_visible(timeout=RUN_TIMEOUT_MS)
                        text = alert.inner_text()
                        assert all(w.lower() in text.lower() for w in case.says), f"{case.name}: {text}"
                        assert not LEAKS.search(text), f"{case.name}: {text}"
                    else:
                        label = "Hostile" if case.name == "ws-unknown-table.zip" else "Client"
                        shown = sidebar.get_by_text(re.compile(rf"Workspace: {label}"))
                        expect(shown).to_be_visible(timeout=RUN_TIMEOUT_MS)
                        assert len(shown.inner_text()) < 240, "the label is kept to one short line"
                    wait_for_app_run(page)
                    expect(page.get_by_test_id("stException")).to_have_count(0)
                    # another session is served while the files are handled
                    if case is cases[len(cases) // 2]:
                        open_page(other, server.url)
                        expect(other.get_by_role("heading", name="Overview")).to_be_visible()
            assert not health.failures, health.failures
            assert health.slowest < HEALTH_WITHIN_S, f"/_stcore/health took {health.slowest:.2f} s"
            print(f"slowest /_stcore/health answer while the files were handled: {health.slowest:.3f} s")
            assert "Traceback" not in page.content()
        finally:
            page.context.close()
            other.context.close()
        assert "Traceback" not in server.log()
