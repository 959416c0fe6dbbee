"""Bench Strength: router only. Page config, navigation and the shared sidebar."""

import streamlit as st

from ui.sidebar import render_sidebar

st.set_page_config(page_title="Bench Strength", page_icon=":material/groups:", layout="wide")

pages = [
    st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("views/data.py", title="Data", icon=":material/upload_file:"),
]
navigation = st.navigation(pages)
render_sidebar()
navigation.run()
