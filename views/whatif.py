"""What-if: goal seek on the sales-velocity identity, quota scenarios, and the dial weights and
thresholds every page of this session uses."""

import streamlit as st

from ui.components import guarded, page_header
from ui.settings_form import settings_actions, thresholds_form, weights_form
from ui.state import get_filters


@guarded
def render() -> None:
    filters = get_filters()
    page_header("What-if", filters)
    st.subheader("Dial weights and thresholds")
    st.caption("Changed here, they apply to every page in this session: the Managers dials, the hero pattern, "
               "the gap classification, the independence curves. Reset returns to the framework's defaults.")
    with st.expander("Weight of each signal in its dial", icon=":material/balance:"):
        weights_form()
    thresholds_form()
    settings_actions()


render()
