"""Bench Strength: router only. Page config, sign-in, navigation, the shared sidebar, and the one
frame every page runs in (ui.frame: the page-run store and the error boundary)."""

import streamlit as st

from ui.auth import require_login
from ui.cluster import lost_process_notice
from ui.frame import run_page, small_screens
from ui.imports import release_uploads
from ui.pages import sections
from ui.sidebar import render_sidebar

# an emoji icon is drawn in the browser; a :material/...: one is fetched from fonts.gstatic.com on every visit
st.set_page_config(page_title="Bench Strength", page_icon="👥", layout="wide")
require_login()  # with an [auth] section: nothing below runs until the user signs in

pages = {
    section: [st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path or None, default=p.default)
              for p in listed]
    for section, listed in sections().items()
}
# every page visible: the sidebar holds the filters below, which would otherwise collapse the menu
navigation = st.navigation(pages, expanded=True)
if navigation.url_path != "data":  # other pages do not draw the uploader, so it keeps no file: nor do we
    release_uploads()
render_sidebar()
small_screens()  # on a phone the sidebar folds once a page is picked
lost_process_notice(navigation.url_path)  # behind a balancer: this tab's process stopped (ui/cluster.py)
run_page(navigation)
