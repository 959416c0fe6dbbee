"""Anonymise on an upload, in a real browser: an upload whose buyers are quoted by first or last name,
whose names are glued or written in Chinese, is loaded on the Data page; with Anonymise on, no page
sends a planted name. (Beside tests/e2e/test_workshop.py, which walks the demo: a file of its own
so the two long walks can run on separate workers.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import click_and_wait, go, open_page, wait_for_app_run
from tests.e2e.test_workshop import Walk, record_frames, walk_pages

#: Names as the planted upload of tests/app/test_anonymise_everything.py quotes them: buyers by
#: first or last name alone, a rep written in Chinese inside Chinese, names glued to names and digits
PLANTED = ("Xiomara", "Quennell", "Thaddeus", "Brightwater", "王伟", "BoWu2", "EdNg2", "Deepa Varga")


@pytest.mark.timeout(600)
def test_anonymise_sends_no_planted_name_of_an_upload_to_the_browser(page, app_url, tmp_path):
    """An upload whose buyers, glued names and Chinese names reached the sidebar's Product filter
    and What-if's survey items (issue 16 review, item 4): with Anonymise on, no page sends them."""
    from tests.app.test_anonymise_everything import planted_folder

    planted_folder(tmp_path)
    walk = Walk()
    record_frames(page, walk)
    open_page(page, app_url, "data")
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(sorted(map(str, tmp_path.glob("*.csv"))))
    load = page.get_by_role("button", name=re.compile(r"Load \d+ file\(s\) into the workspace"))
    load.click()
    expect(page.get_by_role("heading", name="Validation report")).to_be_visible(timeout=120_000)
    wait_for_app_run(page)
    go(page, "What-if", "whatif")
    before = walk.sent()
    assert {"Thaddeus", "Quennell", "Deepa Varga"} <= {w for w in PLANTED if w in before}  # shown before the switch
    click_and_wait(page, page.get_by_text("Anonymise names"))
    walk.frames.clear()  # from here on, nothing the server sends may carry a planted name
    walk_pages(page, walk)
    sent = walk.sent()
    assert [w for w in PLANTED if w in sent] == []
    assert "Manager 0" in sent and "Pulse Professional for [name]" in sent
