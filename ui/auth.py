"""Optional sign-in: with an ``[auth]`` section in the secrets, OpenID Connect (``st.login``)
gates every page before any data is read; without one the app runs open, for local use."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from ui.components import md_escape

APP_NAME = "Bench Strength"
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
_SHARED_KEYS = ("redirect_uri", "cookie_secret")


def _auth_section() -> Mapping | None:
    """The ``[auth]`` secrets section, or None when there is none (or no secrets file at all)."""
    try:
        section = st.secrets.get("auth")
    except FileNotFoundError:  # no secrets.toml anywhere (StreamlitSecretNotFoundError)
        return None
    return section if isinstance(section, Mapping) else None


def _providers(section: Mapping) -> list[str]:
    """Provider names st.login accepts: "default" for keys directly under ``[auth]``, else
    each ``[auth.<name>]`` table that has the three provider keys."""
    if all(section.get(k) for k in _PROVIDER_KEYS):
        return ["default"]
    return [name for name, sub in section.items()
            if isinstance(sub, Mapping) and all(sub.get(k) for k in _PROVIDER_KEYS)]


def _missing(section: Mapping) -> list[str]:
    missing = [k for k in _SHARED_KEYS if not section.get(k)]
    if not _providers(section):
        missing.append("client_id, client_secret and server_metadata_url")
    return missing


def auth_configured() -> bool:
    """True when an ``[auth]`` section with everything ``st.login`` needs is in the secrets."""
    section = _auth_section()
    return section is not None and not _missing(section)


def _is_logged_in() -> bool:
    return bool(st.user.get("is_logged_in", False))


def _who() -> str:
    name, email = st.user.get("name"), st.user.get("email")
    if name and email and name != email:
        return f"{name} ({email})"
    return str(name or email or st.user.get("sub") or "an unnamed user")


def require_login() -> None:
    """Call first in app.py. With sign-in configured and nobody signed in, show only a sign-in
    screen and stop the run, so no page, sidebar or data is drawn. Signed in, put who it is and
    a Sign out button in the sidebar. Without an ``[auth]`` section, do nothing (open mode)."""
    section = _auth_section()
    if section is None:
        return
    missing = _missing(section)
    if missing:
        # an [auth] section that st.login cannot use fails closed, never open
        st.title(APP_NAME)
        st.error("Sign-in is configured but incomplete; the [auth] section in secrets.toml is missing: "
                 + "; ".join(missing) + ". See the README's Sign-in section.", icon=":material/lock:")
        st.stop()
    if not _is_logged_in():
        st.title(APP_NAME)
        st.write("Sign in to continue: this app shows people's performance data, "
                 "so it is open only to signed-in users.")
        providers = _providers(section)
        for provider in providers:
            label = "Sign in" if provider == "default" or len(providers) == 1 else f"Sign in with {provider}"
            if st.button(label, type="primary", icon=":material/login:", key=f"sign-in-{provider}"):
                st.login(provider)
        st.stop()
    st.sidebar.caption(f"Signed in as {md_escape(_who())}")
    if st.sidebar.button("Sign out", type="tertiary", icon=":material/logout:", key="sign-out"):
        st.logout()


def access_note() -> str:
    """One sentence for the Data page on who can reach this app."""
    if auth_configured():
        who = _who() if _is_logged_in() else "nobody"
        return f"Sign-in is required for this app; you are signed in as {md_escape(who)}."
    return ("This app is running open (no sign-in is configured): anyone who can reach this address "
            "can use it. Uploaded data stays in your browser session. To require sign-in, add an "
            "[auth] section to .streamlit/secrets.toml (see README).")
