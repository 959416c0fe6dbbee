"""The one frame every page runs in (app.py calls :func:`run_page`), and the smaller boundaries a
page may draw inside itself.

The frame holds what every page needs around it and no page repeats: the page-run store (each
shared building block is computed once per run, :mod:`analytics.store.caching`) and the error
boundary (an unexpected error becomes a plain message with the way back, and its traceback goes
to the server log only).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import duckdb
import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.scriptrunner import get_script_run_ctx

from analytics.store.caching import one_run
from ui.session import WS_KEY, released_notice

log = logging.getLogger("bench_strength")

PAGE_FAILED = ("Something went wrong while drawing this page. Your data is unchanged; "
               "the details were written to the server log. Try again, or reload the page.")
RUN_STOPPED = ("This page stopped because the data it was drawing was replaced or released while it ran. "
               "Pick the page again in the sidebar to draw it on the data now loaded.")


def closed_under_it(exc: BaseException) -> bool:
    """Whether ``exc`` says the workspace a run was reading was closed while it ran: DuckDB's
    interrupt (only :meth:`Workspace.close` and the process's exit interrupt a query) or a closed
    connection. It happens when a newer run replaced the session's workspace (a file opened while
    the page still ran: Streamlit starts the new run at once and lets the old one finish on its
    own thread, its output ignored) or the session's data was released; not a fault of the page."""
    if isinstance(exc, duckdb.InterruptException):
        return True
    return isinstance(exc, duckdb.ConnectionException) and "closed" in str(exc).lower()


def plain_failure(exc: Exception, message: str, what: str = "page", closed: bool = False) -> None:
    """An unexpected error as a plain message (the traceback goes to the server log only);
    Streamlit's own control flow (rerun, stop, page switch) passes through. An error of a run whose
    workspace was closed under it (``closed``, or :func:`closed_under_it`) is no fault: a calm word
    and one line in the log."""
    if type(exc).__name__ in ("RerunException", "StopException"):
        raise exc
    if type(exc).__name__ == "OutOfMemoryException":
        log.warning("%s stopped at the session's memory limit: %s", what, exc)
        st.error(
            "This page needs more memory than one session may use on this server, so it stopped. "
            "Your data is unchanged and other sessions are not affected. Narrow the period or the "
            "filters in the sidebar, or load fewer rows, and try again.",
            icon=":material/memory:",
        )
        return
    if closed or closed_under_it(exc):
        log.info("%s stopped: its workspace was closed while it ran (%s)", what, type(exc).__name__)
        st.info(RUN_STOPPED, icon=":material/sync:")
        return
    log.exception("%s failed", what)
    st.error(message, icon=":material/error:")


@contextlib.contextmanager
def error_boundary(message: str, what: str = "part of a page") -> Iterator[None]:
    """One part of a page (a slide, the sidebar's filters) that may fail without taking what is
    drawn around it: an unexpected error there becomes ``message``, and the page carries on."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the boundary's purpose
        plain_failure(exc, message, what)


@contextlib.contextmanager
def _on_the_page() -> Iterator[None]:
    """Draw as the page being run, not as app.py: the browser clears a page's elements as soon as
    the user leaves it, while app.py's (the sidebar) stay until the next page has run, so a failed
    page's message would otherwise linger over the next page while it loads."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        yield
        return
    with ctx.run_with_active_hash(ctx.page_script_hash):
        yield


#: On a narrow screen (under Streamlit's own "md" breakpoint, where the sidebar covers the page)
#: a click on a page link in the sidebar folds the sidebar, so the page chosen is what the user
#: sees. Streamlit does this itself only for a browser that calls itself a phone; a small
#: window, a tablet or a phone asking for the desktop site kept the menu over the page. A
#: constant of the app's (no user value is ever put in it), bound once per browser tab.
NARROW_PX = 768
FOLD_SIDEBAR_JS = """<script>
(() => {
  if (window.__benchFoldSidebar) return;
  window.__benchFoldSidebar = true;
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("[data-testid='stSidebarNavLink']");
    if (!link || window.innerWidth >= NARROW_PX) return;
    setTimeout(() => {
      // the fold button says whether the sidebar is open; a phone's browser has had it folded by Streamlit
      const fold = document.querySelector("[data-testid='stSidebar'] button[aria-label='Collapse sidebar']");
      if (fold && fold.getAttribute("aria-expanded") === "true") fold.click();
    }, 0);
  }, true);
})();
</script>""".replace("NARROW_PX", str(NARROW_PX))


def small_screens() -> None:
    """What keeps the app usable on a phone: the sidebar folds after a page is picked from it
    (:data:`FOLD_SIDEBAR_JS`). Drawn at the foot of the sidebar, where it takes no room."""
    with st.sidebar:
        st.html(FOLD_SIDEBAR_JS, unsafe_allow_javascript=True)


def run_page(page: StreamlitPage) -> None:
    """Run the page ``st.navigation`` chose inside the frame: one page-run store, one error boundary."""
    # one run of the page computes each shared building block once (analytics.store.caching)
    with one_run():
        notice = released_notice()
        if notice:
            st.warning(notice, icon=":material/cloud_off:")
        source = st.session_state.get(WS_KEY)  # the workspace this run starts on (None: opened by the run)
        try:
            page.run()
        except Exception as exc:  # noqa: BLE001 - the last line of defence for the page
            with _on_the_page():
                plain_failure(exc, PAGE_FAILED, closed=source is not None and source.closed)
