"""AppTest: the optional sign-in. Without an [auth] section the app runs open and the Data page
says so; with one, nothing but the sign-in screen is drawn until ``st.user`` is logged in."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-enough-test-cookie-secret",
    "client_id": "bench-strength",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}


def app(auth: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if auth is not None:
        at.secrets["auth"] = auth
    if user is not None:
        at.user = user
    return at


def everything(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in (*at.title, *at.markdown, *at.caption, *at.error, *at.metric))


@pytest.mark.parametrize("other_secrets", [False, True], ids=["no-secrets-file", "secrets-without-auth"])
def test_no_auth_runs_open_and_the_data_page_says_so(other_secrets):
    at = app()
    if other_secrets:
        at.secrets["smtp"] = {"host": "localhost"}
    at.run()
    at.switch_page("views/data.py").run()
    assert not at.exception
    assert any("running open" in c.value and "[auth]" in c.value for c in at.caption)
    assert not any(b.label == "Sign in" for b in at.button)


def test_with_auth_and_no_user_only_the_sign_in_screen_is_drawn():
    at = app(auth=AUTH).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Bench Strength"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.sidebar.markdown and not at.sidebar.caption and not at.metric
    assert "Northwind" not in everything(at)


def test_with_auth_and_a_signed_in_user_the_app_opens():
    at = app(auth=AUTH, user={"is_logged_in": True, "name": "Ada Example", "email": "ada@example.com"}).run()
    assert not at.exception
    # the e-mail is escaped like any value drawn as markdown: a word joiner keeps it from becoming a link
    assert "Signed in as Ada Example (ada@example.com)" in [c.value.replace("\u2060", "") for c in at.sidebar.caption]
    assert any(b.label == "Sign out" for b in at.sidebar.button)
    assert "Demo: Northwind Cloud" in "\n".join(m.value for m in at.sidebar.markdown)
    at.switch_page("views/data.py").run()
    assert any("you are signed in as Ada Example" in c.value for c in at.caption)


def test_an_incomplete_auth_section_fails_closed():
    at = app(auth={k: v for k, v in AUTH.items() if k != "cookie_secret"}).run()
    assert not at.exception
    assert any("cookie_secret" in e.value for e in at.error)
    assert not at.button and not at.metric and "Northwind" not in everything(at)


def test_named_providers_get_one_sign_in_button_each():
    provider = {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    auth = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
            "google": provider, "microsoft": provider}
    at = app(auth=auth).run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in with google", "Sign in with microsoft"]
