"""Presenter mode: the workspace's main findings, one per screen, in type a projector can carry.

The sidebar is hidden while presenting (the filters and the Anonymise switch set before still
apply); Left and Right arrow keys step through the findings. "Exit presenter mode" (or Esc) goes
back to the Overview: it is drawn first, so it is there even when a finding fails.
"""

import streamlit as st

from analytics.outputs.findings import insights, projector
from ui import privacy
from ui.components import LABEL_CHARS, md_escape
from ui.frame import error_boundary
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo

STEP_KEY = "present-step"

PROJECTOR_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stElementToolbar"], .vega-actions,
[data-testid="stHeaderActionElements"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { max-width: 1760px; padding: 0.75rem 3rem;
  height: 100vh; display: flex; flex-direction: column; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] { flex: 1 1 auto; min-height: 0; gap: 0.6rem; }
[data-testid="stLayoutWrapper"]:has(> .st-key-slide-body) { flex: 1 1 0; min-height: 0; }
.st-key-slide-body, .st-key-slide-body [data-testid="stLayoutWrapper"], .st-key-slide-body [data-testid="stHorizontalBlock"],
.st-key-slide-body [data-testid="stColumn"], .st-key-slide-body [data-testid="stColumn"] > [data-testid="stVerticalBlock"],
.st-key-slide-chart, .st-key-slide-chart [data-testid="stElementContainer"], .st-key-slide-chart [data-testid="stFullScreenFrame"],
.st-key-slide-chart [data-testid="stFullScreenFrame"] > div, .st-key-slide-chart .vega-embed { height: 100% !important; }
[data-testid="stMainBlockContainer"] [data-testid="stHeading"] { margin-bottom: 0.25rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: clamp(1.6rem, 4.6vh, 3.1rem); line-height: 1.15; padding: 0; }
[data-testid="stMainBlockContainer"] h3 { font-size: clamp(1.15rem, 3vh, 2rem); line-height: 1.2; padding: 0; font-weight: 500; }
[data-testid="stMainBlockContainer"] :is(ol, ul) { padding-left: 1.8em; }
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] li { font-size: clamp(1rem, 2.5vh, 1.55rem); line-height: 1.4; }
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] li { margin: 0; }
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"] p { font-size: clamp(0.85rem, 1.8vh, 1.15rem); }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: clamp(1.8rem, 5.2vh, 3.2rem) !important; line-height: 1.1; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { font-size: clamp(0.95rem, 2.2vh, 1.3rem) !important; }
</style>
"""


def slides(ws, filters, settings) -> list[dict]:
    found = memo("insights", insights, ws, filters, settings, privacy.index_amounts())
    measured = [i for i in found if i.measured]
    missing = [i for i in found if not i.measured]
    deck = [{"kind": "cover", "measured": measured}]
    deck += [{"kind": "insight", "insight": i} for i in measured]
    if missing:
        deck.append({"kind": "missing", "missing": missing})
    return deck


def cover(ws, filters, measured) -> None:
    st.title("Who develops their team, and who only manages it", anchor=False)
    st.markdown(f"**{md_escape(ws.label, LABEL_CHARS)}** · {md_escape(filters.summary())}")
    st.markdown(f"{len(measured)} findings from the data, one per screen. Use the arrow keys or the buttons.")
    for i, item in enumerate(measured, start=1):
        st.markdown(f"{i}. {md_escape(item.title)}")


def headline(title: str) -> tuple[str, str]:
    """A finding's title as a headline and the names after it ("Top coaches" / "A (73), B (73)"), so
    neither wraps past two lines on a projector; a title without a colon stays whole."""
    head, sep, rest = title.partition(": ")
    return (head, rest) if sep and rest else (title, "")


def insight_slide(item) -> None:
    head, names = headline(item.title)
    st.title(md_escape(head), anchor=False)
    if names:
        st.subheader(md_escape(names), anchor=False)
    if item.figures:
        cols = st.columns(len(item.figures))
        for col, (label, value) in zip(cols, item.figures, strict=True):
            col.metric(md_escape(label), md_escape(value))
    chart = item.chart
    with st.container(key="slide-body"):
        text = st
        if chart is not None:  # the chart fills what the title and figures leave; the words sit beside it
            left, text = st.columns([3, 2], gap="medium")
            with left, st.container(key="slide-chart"):
                st.altair_chart(projector(chart), width="stretch")
        if item.detail:
            text.markdown(md_escape(item.detail))
        text.caption(f"Rests on: {md_escape(item.basis)}")


def missing_slide(missing) -> None:
    st.title("Not measured in this workspace", anchor=False)
    st.markdown("These findings need evidence the loaded exports do not hold. Nothing is estimated in their place.")
    for item in missing:
        st.markdown(f"- **{md_escape(item.title)}**: {md_escape(item.missing)}")


EXIT_KEY = "exit-presenter"
DECK_FAILED = ("The findings could not be put together from this workspace. Your data is unchanged; the details "
               "were written to the server log. Exit presenter mode to carry on with the other pages.")
SLIDE_FAILED = ("This finding could not be drawn. Your data is unchanged; the details were written to the server "
                "log. Step on to the next finding, or exit presenter mode.")


def way_out() -> None:
    """Back to the Overview, with the sidebar. Drawn before anything that can fail: the sidebar is
    hidden here, so this is the one way out besides the browser's Back button."""
    if st.button("Exit presenter mode", icon=":material/close:", key=EXIT_KEY, shortcut="Escape",
                 help="Back to the Overview and the sidebar (Esc)."):
        st.switch_page("views/overview.py")


def render() -> None:
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        steps = st.container(horizontal=True, vertical_alignment="center", gap="small", width="content")
        way_out()
    st.html(PROJECTOR_CSS)
    with error_boundary(DECK_FAILED, what="presenter mode"):
        ws = get_workspace()
        filters, settings = get_filters(), get_settings()
        deck = slides(ws, filters, settings)
        step = min(max(int(st.session_state.get(STEP_KEY, 0)), 0), len(deck) - 1)
        with steps:
            if st.button("Previous", icon=":material/arrow_back:", disabled=step == 0, shortcut="Left",
                         key="prev-slide"):
                st.session_state[STEP_KEY] = step - 1
                st.rerun()
            if st.button("Next", icon=":material/arrow_forward:", disabled=step >= len(deck) - 1, shortcut="Right",
                         key="next-slide", type="primary"):
                st.session_state[STEP_KEY] = step + 1
                st.rerun()
            st.markdown(f"Screen {step + 1} of {len(deck)}")
            if privacy.is_on():
                st.markdown(":material/visibility_off: names anonymised")

        slide = deck[step]
        with error_boundary(SLIDE_FAILED, what="presenter slide"):  # one finding failing leaves the others
            if slide["kind"] == "cover":
                cover(ws, filters, slide["measured"])
            elif slide["kind"] == "insight":
                insight_slide(slide["insight"])
            else:
                missing_slide(slide["missing"])


render()
