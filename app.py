"""Bench Strength: router only. Page config, navigation and the shared sidebar."""

import streamlit as st

from ui.auth import require_login
from ui.sidebar import render_sidebar

# an emoji icon is drawn in the browser; a :material/...: one is fetched from fonts.gstatic.com on every visit
st.set_page_config(page_title="Bench Strength", page_icon="👥", layout="wide")
require_login()  # with an [auth] section: nothing below runs until the user signs in

pages = {
    "": [st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True)],
    "Managers": [
        st.Page("views/managers.py", title="Managers", icon=":material/groups:"),
        st.Page("views/manager.py", title="Manager detail", icon=":material/person_search:"),
        st.Page("views/coaching.py", title="Coaching evidence", icon=":material/record_voice_over:"),
        st.Page("views/clusters.py", title="Manager clusters", icon=":material/bubble_chart:"),
    ],
    "Rep development": [
        st.Page("views/capability.py", title="Capability trends", icon=":material/trending_up:"),
        st.Page("views/follow_through.py", title="Follow-through", icon=":material/task_alt:"),
        st.Page("views/independence.py", title="Execution independence", icon=":material/directions_walk:"),
        st.Page("views/gaps.py", title="Skill gap or fit gap", icon=":material/rule:"),
        st.Page("views/movers.py", title="Top movers", icon=":material/military_tech:"),
    ],
    "Results": [
        st.Page("views/kpis.py", title="Pipeline & KPIs", icon=":material/monitoring:"),
        st.Page("views/needle.py", title="What moves the needle", icon=":material/linear_scale:"),
        st.Page("views/distribution.py", title="Distribution", icon=":material/bar_chart:"),
        st.Page("views/whatif.py", title="What-if", icon=":material/science:"),
    ],
    "Workshop": [
        st.Page("views/present.py", title="Presenter mode", icon=":material/co_present:"),
        st.Page("views/share.py", title="Handouts and report", icon=":material/print:"),
    ],
    "Data": [st.Page("views/data.py", title="Data", icon=":material/upload_file:")],
}
# every page visible: the sidebar holds the filters below, which would otherwise collapse the menu
navigation = st.navigation(pages, expanded=True)
if navigation.url_path != "data":  # other pages do not draw the uploader, so it keeps no file: nor do we
    st.session_state.pop("analyses", None)
render_sidebar()
navigation.run()
