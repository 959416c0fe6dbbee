"""Presenter mode: the workspace's main findings, one per screen, in type a projector can carry.

The sidebar is hidden while presenting (the filters and the Anonymise switch set before still
apply); Left and Right arrow keys step through the findings. "Exit presenter mode" (or Esc) goes
back to the Overview: it is drawn first, so it is there even when a finding fails.
"""

import altair as alt
import streamlit as st

from analytics.outputs.findings import insights
from ui import privacy
from ui.components import LABEL_CHARS, md_escape
from ui.frame import error_boundary
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo

STEP_KEY = "present-step"

PROJECTOR_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { max-width: 1500px; padding-top: 1.5rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 3.1rem; line-height: 1.15; }
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] p { font-size: 1.55rem; line-height: 1.45; }
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"] p { font-size: 1.15rem; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 3.2rem !important; line-height: 1.1; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { font-size: 1.3rem !important; }
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] li { font-size: 1.5rem; line-height: 1.5; }
</style>
"""


#: the widest an axis, legend or header label may be on a slide, in pixels (Vega ends it with
#: "…"): wide enough for a name in projector type, not for a 10,000-character one
LABEL_LIMIT = 360


def projector(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Fonts a back row can read; the plot keeps its height (the legend and axes are added to
    it, not squeezed into it) and its width fills the screen."""
    if not isinstance(chart, (alt.HConcatChart, alt.VConcatChart, alt.ConcatChart, alt.FacetChart)):
        chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return (chart.configure_axis(labelFontSize=17, titleFontSize=19, labelLimit=LABEL_LIMIT)
            .configure_legend(labelFontSize=16, titleFontSize=17, symbolSize=160, labelLimit=LABEL_LIMIT)
            .configure_title(fontSize=22)
            .configure_header(labelFontSize=17, titleFontSize=18, labelLimit=LABEL_LIMIT)
            .configure_text(fontSize=16))


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
    st.title("Who develops their team, and who only manages it")
    st.markdown(f"**{md_escape(ws.label, LABEL_CHARS)}** · {md_escape(filters.summary())}")
    st.markdown(f"{len(measured)} findings from the data, one per screen. Use the arrow keys or the buttons.")
    for i, item in enumerate(measured, start=1):
        st.markdown(f"{i}. {md_escape(item.title)}")


def insight_slide(item) -> None:
    st.title(md_escape(item.title))
    if item.figures:
        cols = st.columns(len(item.figures))
        for col, (label, value) in zip(cols, item.figures, strict=True):
            col.metric(md_escape(label), md_escape(value))
    if item.chart is not None:
        st.altair_chart(projector(item.chart), width="stretch")
    if item.detail:
        st.markdown(md_escape(item.detail))
    st.caption(f"Rests on: {md_escape(item.basis)}")


def missing_slide(missing) -> None:
    st.title("Not measured in this workspace")
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
