"""Optional sign-in in a real browser: a real ``streamlit run`` with an ``[auth]`` section
pointing at a local mock OpenID provider (oidc-provider-mock, in a thread).

Before sign-in every page shows only the sign-in screen and no demo data reaches the browser,
checked on the page and in every websocket frame; signing in through the provider's form
opens the demo; signing out returns to the sign-in screen."""

from __future__ import annotations

import csv
import re
import secrets
from pathlib import Path

import pytest
from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT, RUN_TIMEOUT_MS, start_server, wait_for_app_run

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore::DeprecationWarning")]  # Authlib, in the mock
USER = User(sub="ada", claims={"name": "Ada Example", "email": "ada@example.com"})
GATED_PATHS = ["", "data", "managers", "manager", "kpis"]


def _demo_names() -> list[str]:
    """Every manager and director in the demo, and the first reps: none may reach the browser
    before sign-in."""
    with (ROOT / "data" / "demo" / "people.csv").open(encoding="utf-8") as f:
        people = list(csv.DictReader(f))
    leaders = [p["name"] for p in people if p["role"] in ("Sales Manager", "Sales Director")]
    reps = [p["name"] for p in people if p["role"] not in ("Sales Manager", "Sales Director")][:10]
    assert len(leaders) >= 15 and reps
    return ["Northwind Cloud", *leaders, *reps]  # the demo workspace's label too


DEMO_NAMES = _demo_names()


@pytest.fixture(scope="module")
def auth_url(tmp_path_factory):
    with run_server_in_thread(user_claims=[USER]) as provider:
        secrets_toml: Path = tmp_path_factory.mktemp("auth") / "secrets.toml"
        # "{port}" is filled in by Streamlit with the port the server runs on
        secrets_toml.write_text(
            "[auth]\n"
            'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            'client_id = "bench-strength-test"\n'
            'client_secret = "not-a-secret"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        with start_server("--secrets.files", str(secrets_toml)) as server:
            yield server.url


@pytest.fixture
def auth_page(browser) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(RUN_TIMEOUT_MS)
    yield pg
    context.close()


def record_frames(page: Page) -> list[bytes]:
    """Every websocket frame the page receives from now on, as bytes."""
    frames: list[bytes] = []

    def on_ws(ws):
        ws.on("framereceived", lambda payload: frames.append(
            payload if isinstance(payload, bytes) else payload.encode("utf-8")))

    page.on("websocket", on_ws)
    return frames


def leaked(frames: list[bytes]) -> list[str]:
    blob = b"".join(frames)
    return [n for n in DEMO_NAMES if n.encode("utf-8") in blob]


def expect_sign_in_screen(page: Page) -> None:
    expect(page.get_by_role("heading", name="Bench Strength")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("open only to signed-in users")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)


def test_every_page_shows_only_the_sign_in_screen_before_login(auth_page, auth_url):
    frames = record_frames(auth_page)
    for path in GATED_PATHS:
        auth_page.goto(f"{auth_url}/{path}")
        wait_for_app_run(auth_page)
        expect_sign_in_screen(auth_page)
        body = auth_page.locator("body").inner_text()
        assert not [n for n in DEMO_NAMES if n in body], path
    assert frames, "no websocket frames were recorded"
    assert not leaked(frames)


def test_sign_in_through_the_provider_then_sign_out(auth_page, auth_url):
    page = auth_page
    frames = record_frames(page)
    page.goto(f"{auth_url}/managers")
    wait_for_app_run(page)
    expect_sign_in_screen(page)
    assert not leaked(frames)

    # the mock provider's authorisation form: type a subject and authorise
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_placeholder("sub").fill(USER.sub)
    page.get_by_role("button", name="Authorize").click()

    # back in the app (Streamlit returns to the root after the callback): the demo Overview
    page.wait_for_url(f"{auth_url}/", timeout=RUN_TIMEOUT_MS)
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    # the e-mail is escaped like any value drawn as markdown: a word joiner keeps it from becoming a link
    expect(sidebar.get_by_text(re.compile(r"Signed in as Ada Example \(ada\u2060?@example\.com\)"))).to_be_visible()
    # the frame check above can see names: signed in, the demo's names do reach the browser
    assert leaked(frames)

    # sign out: the provider's end-session page, then back to the sign-in screen
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="End session")).to_be_visible()
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{auth_url}/", timeout=RUN_TIMEOUT_MS)
    wait_for_app_run(page)
    expect_sign_in_screen(page)

    # the identity cookie is gone: a fresh visit to a deep link is gated too
    frames.clear()
    page.goto(f"{auth_url}/managers")
    wait_for_app_run(page)
    expect_sign_in_screen(page)
    assert not leaked(frames)
