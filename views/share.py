"""Handouts and report: what a workshop leaves behind.

A printable one-pager per manager (PDF), and the whole diagnosis of the current workspace and
filters as one HTML file that opens offline: charts are drawn into the file, nothing is
fetched. Both obey the sidebar's filters and its Anonymise switch.
"""

from datetime import datetime

import streamlit as st

from analytics.diagnosis import diagnosis
from analytics.outputs import handout_pdf, report_html
from analytics.outputs.downloads import file_stem
from ui import privacy
from ui.components import LABEL_CHARS, clip, md_escape, needs_data, page_header
from ui.prepared import prepared_download
from ui.session import get_workspace
from ui.state import get_filters, get_settings, memo


def render() -> None:
    ws = get_workspace()
    filters, settings = get_filters(), get_settings()
    page_header("Handouts and report", filters)
    if privacy.is_on():
        st.info("Names are anonymised: the handouts and the report carry the pseudonyms shown on the pages.",
                icon=":material/visibility_off:")
    diag = memo("diagnosis", diagnosis, ws, filters, settings)
    if diag.empty:
        needs_data("No managers in scope: the roster needs each rep's manager.")
        return
    index = privacy.index_amounts()
    basis = (ws.id, ws.version, filters, settings, index)

    st.subheader("Handouts for the next 1:1")
    st.markdown("One printable page per manager: the three dials and what each rests on, the three signals of "
                "development, the four coaching behaviours and the next-1:1 checklist.")
    names = diag["manager"].tolist()
    chosen = st.multiselect("Managers", names, default=names, key=f"handout-managers-{ws.id}",
                            placeholder="Choose managers", format_func=clip)
    if chosen:
        file_name = (f"handout-{file_stem(chosen[0], 'manager')}.pdf" if len(chosen) == 1
                     else f"handouts-{len(chosen)}-managers.pdf")
        prepared_download(
            f"{len(chosen)} handout{'s' if len(chosen) > 1 else ''} (PDF)",
            lambda: handout_pdf(ws, filters, settings, chosen, generated_at=datetime.now(), index_amounts=index,
                                workspace_label=ws.label),
            (*basis, tuple(chosen)), file_name, "application/pdf", key="handouts", icon=":material/picture_as_pdf:")
    else:
        st.caption("Choose at least one manager.")

    st.subheader("Report")
    st.markdown("The whole diagnosis as one file to e-mail after a workshop: the key findings with their charts, "
                "every manager's dials, signals, behaviours and checklist. It opens in any browser, offline, and "
                "prints one manager per page.")
    st.caption(f"Workspace: {md_escape(ws.label, LABEL_CHARS)}")
    prepared_download(
        "report (HTML)",
        lambda: report_html(ws, filters, settings, title=f"Bench Strength report: {clip(ws.label, LABEL_CHARS)}",
                            generated_at=datetime.now(), index_amounts=index),
        basis, "bench-strength-report.html", "text/html", key="report", icon=":material/article:")


render()
