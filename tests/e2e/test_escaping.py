"""Names are text: a workspace whose people, teams, regions, segments, products, stages,
accounts, deals and capabilities are markdown, HTML, LaTeX, Streamlit directives, icons, emoji
shortcodes, bare URLs, e-mail addresses and 10,000-character names, opened in a real browser.

On every page (every tab, Manager detail, and every screen of Presenter mode) the browser must
make nothing of that markup: no link or image to anywhere but the app, no LaTeX, no element
made from the data's markup, no request to any host but the app's; and the names must still be
there as the text they are, long ones shortened with an ellipsis.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    RUN_TIMEOUT_MS,
    arm_run_watch,
    click_and_wait,
    go,
    open_page,
    wait_for_app_run,
    wait_for_rerun,
    workspace_input,
)
from tests.e2e.test_workshop import ARTIFACTS, SIDEBAR_PAGES
from tests.hostile_names import LABEL, LONG_MANAGER, LONG_RUN, MARKUP, hostile_workspace

#: invisible characters the app may put inside markup to keep it from being read as markup
INVISIBLE = re.compile("[\u200b\u2060]")

#: what the browser makes of each piece of markup when it is read as markup, checked in the DOM
#: (``literal`` is how the element reads when the markup was escaped: that one is fine)
MADE_FROM_MARKUP = """
(origin) => {
  const found = [];
  const text = el => (el.textContent || '').replace(/[\\u200b\\u2060]/g, '');
  const where = el => text(el).slice(0, 80);
  for (const a of document.querySelectorAll('a[href]')) {
    const url = new URL(a.getAttribute('href'), location.href);
    if (url.origin !== origin) found.push('link to ' + a.getAttribute('href').slice(0, 80) + ': ' + where(a));
  }
  for (const img of document.querySelectorAll('img')) {
    const src = img.getAttribute('src') || '';
    if (img.closest('[data-testid="stMarkdownContainer"]')) found.push('image in text: ' + (img.alt || src.slice(0, 60)));
    else if (!src.startsWith('data:') && new URL(src, location.href).origin !== origin) found.push('image ' + src);
    if (img.hasAttribute('onerror')) found.push('img with onerror');
  }
  if (document.querySelector('.katex, .katex-display')) found.push('LaTeX: ' + where(document.querySelector('.katex')));
  const made = [
    ['strong, b', /bold/, '**bold**'],
    ['em, i', /^em$/, null],
    ['del, s', /struck/, '~~struck~~'],
    ['code', /^code$/, null],
    ['h1, h2, h3, h4, h5, h6', /heading/, '# heading'],
    ['li', /item [a-z]{1,2}\\d/, '- item'],
    ['ol', /first [a-z]{1,2}\\d/, '1. first'],
    ['blockquote', /quote/, null],
    ['.stMarkdownColoredText', /alert/, null],
    ['.stMarkdownColoredBackground', /bg/, null],
    ['.stMarkdownBadge', /badge/, null],
    ['table', /a/, null],
  ];
  for (const [selector, inner, literal] of made) {
    for (const el of document.querySelectorAll(`[data-testid="stMarkdownContainer"] :is(${selector})`)) {
      const t = text(el);
      if (inner.test(t) && !(literal && t.includes(literal))) found.push(selector + ' from the data: ' + where(el));
    }
  }
  for (const icon of document.querySelectorAll('[aria-label="home icon"]')) found.push('icon from the data: home');
  const shown = document.body.innerText;
  if (shown.includes('\\u{1F604}')) found.push('emoji from :smile:');
  if (/a \\u2192 b/.test(shown)) found.push('arrow from a -> b');
  return found;
}
"""


def check(page: Page, where: str, origin: str, seen: list[str], problems: list[str]) -> None:
    """Nothing on the page was made from the data's markup, no error; what it shows is kept.
    Problems are collected, so one run names every page that has one."""
    wait_for_app_run(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    errors = [e for e in page.get_by_test_id("stAlertContentError").all_inner_texts() if "went wrong" in e]
    problems += [f"{where}: {e}" for e in errors]
    problems += [f"{where}: {f}" for f in page.evaluate(MADE_FROM_MARKUP, origin)]
    shown = INVISIBLE.sub("", page.evaluate("document.body.innerText"))
    if LONG_MANAGER[-LONG_RUN:] in shown:
        problems.append(f"{where}: a 10,000-character name is drawn whole")
    seen.append(shown)


@pytest.mark.timeout(900)
def test_names_made_of_markup_are_drawn_as_text_on_every_page(page, app_url, tmp_path):
    ws = hostile_workspace(tmp_path / "exports")
    saved = tmp_path / "hostile-workspace.zip"
    saved.write_bytes(ws.save())
    ws.close()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    origin = f"{urlsplit(app_url).scheme}://{urlsplit(app_url).netloc}"
    seen: list[str] = []
    problems: list[str] = []

    open_page(page, app_url, "data")
    arm_run_watch(page)
    workspace_input(page).set_input_files(str(saved))
    wait_for_rerun(page)  # opening the workspace may take longer than an expect's 5 s on a loaded machine
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Workspace: **Workspace**", timeout=RUN_TIMEOUT_MS)
    check(page, "Data", origin, seen, problems)

    for name, slug in SIDEBAR_PAGES.items():
        go(page, name, slug)
        check(page, name, origin, seen, problems)
        for i, tab in enumerate(page.get_by_role("tab").all()):
            tab.click()
            check(page, f"{name}, tab {i + 1}", origin, seen, problems)
        if name == "Manager detail":
            page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first.locator("input").click()  # not the sidebar's quarter picker
            options = page.get_by_role("option").all_inner_texts()
            assert len(options) == 15, [o[:70] for o in options]
            if max(len(o) for o in options) > 61:
                problems.append(f"Manager detail: an option of {max(len(o) for o in options):,} characters")
            page.keyboard.press("Escape")
        if problems:  # the picture of a page that made something of the markup (only then: each costs time)
            page.screenshot(path=str(ARTIFACTS / f"escaping-{slug or 'overview'}.png"))

    go(page, "Presenter mode", "present")
    counter = page.get_by_text(re.compile(r"^Screen \d+ of \d+$"))
    screens = int(re.search(r"of (\d+)", counter.inner_text()).group(1))
    assert screens >= 8
    check(page, "Presenter mode, screen 1", origin, seen, problems)
    for step in range(2, screens + 1):
        click_and_wait(page, page.get_by_role("button", name="Next"))
        expect(counter).to_have_text(f"Screen {step} of {screens}")
        check(page, f"Presenter mode, screen {step}", origin, seen, problems)
        if problems:
            page.screenshot(path=str(ARTIFACTS / f"escaping-present-{step}.png"))

    elsewhere = [u for u in requests if urlsplit(u).scheme not in ("data", "blob")
                 and f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" != origin]
    problems += [f"the browser asked another host: {u[:100]}" for u in dict.fromkeys(elsewhere)]
    assert not problems, f"{len(problems)} problems, the first 80:\n" + "\n".join(problems[:80])
    # the names are still there, as the text they are; a long one shortened with an ellipsis
    everything = "\n".join(seen)
    managers = MARKUP[:14]  # the first-line managers' names (the fifteenth is the long one)
    missing = [m for m in managers if not re.search(re.escape(m) + r" m\d", everything)]
    assert not missing, f"names not shown as written: {missing}"
    assert re.search("Longmanager m{20,}…", everything), "the long name is not shown shortened"
    assert LABEL in everything
