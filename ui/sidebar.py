"""The sidebar every page shares: which workspace is loaded, and a way back to the demo."""

from __future__ import annotations

import streamlit as st

from ui.components import md_escape
from ui.session import get_workspace, open_demo, set_workspace


def render_sidebar() -> None:
    ws = get_workspace()
    with st.sidebar:
        st.markdown("### Bench Strength")
        st.caption("Which managers develop their teams, and which only manage them.")
        icon = {"demo": ":material/science:", "uploads": ":material/folder_open:",
                "saved": ":material/inventory_2:"}.get(ws.source, ":material/inbox:")
        st.markdown(f"{icon} **Workspace:** {md_escape(ws.label)}")
        counts = {k: v for k, v in ws.counts().items() if v}
        if counts:
            st.caption(" · ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in counts.items()))
        else:
            st.caption("Nothing loaded yet.")
        if ws.source != "demo":
            if st.button("Back to the demo", icon=":material/restart_alt:", width="stretch"):
                set_workspace(open_demo())
                st.rerun()
