"""Data: upload exports, check how they were recognised, load them, and see what came in.

The import workflow (uploads, mappings, settings files, the load, opening a saved workspace) is
ui.imports; the validation report is ui.import_report. This page draws the sections in order."""

import streamlit as st

from analytics import schema
from analytics.fmt import fmt_count
from analytics.store import Workspace
from ui import privacy
from ui.auth import access_note
from ui.components import md_escape
from ui.data_health import health_section, readiness_section
from ui.import_report import report_section
from ui.imports import PAUSED, open_error, open_workspace_file, upload_section
from ui.sample_notes import sample_notes_section
from ui.session import get_source_workspace, get_workspace, start_pending_warm_up
from ui.settings_form import settings_file_button
from ui.state import session_mappings


def stage_section(ws: Workspace) -> None:
    stages = ws.stage_map()
    if stages.empty:
        return
    names = privacy.pseudonyms(ws)  # a stage named after someone reads as the pages show it
    shown = {s: s if names is None else names.categories.get(s, s) for s in stages["stage"]}
    real = {v: k for k, v in shown.items()}
    stages = stages.assign(stage=stages["stage"].map(shown))
    with st.expander(f"Stage mapping ({len(stages)} stages): which stages count as closed and won"):
        st.caption("Used for deals whose export has no IsClosed/IsWon flags. Tick to change; won implies closed.")
        edited = st.data_editor(
            stages, hide_index=True, width="stretch", key=f"stage-editor-{ws.id}",
            disabled=["stage", "deals", "export_has_flags"],
            column_config={"is_closed": st.column_config.CheckboxColumn("closed"),
                           "is_won": st.column_config.CheckboxColumn("won"),
                           "export_has_flags": st.column_config.CheckboxColumn("export has its own flags")},
        )
        if st.button("Apply stage mapping", icon=":material/done_all:"):
            ws.set_stage_outcomes({real[r.stage]: (bool(r.is_closed), bool(r.is_won)) for r in edited.itertuples()})
            st.toast("Stage mapping applied to every page.")
            st.rerun()


def templates_section() -> None:
    with st.expander("Templates: the app's own CSV layout for each kind of export"):
        st.caption("For a tool the app does not know: fill these headers (see docs/DATA.md for each column) "
                   "and the file is recognised on upload. Required columns are marked in the mapping form.")
        cols = st.columns(4)
        for i, t in enumerate(schema.TABLES.values()):
            with cols[i % 4]:
                st.download_button(t.label, ",".join(t.column_names) + "\n", file_name=f"{t.name}.csv",
                                   mime="text/csv", key=f"tpl-{t.name}", icon=":material/table:")


def settings_file_section() -> None:
    st.subheader("Settings file")
    # mappings are named after the files they were made for: a count only while names are hidden
    st.markdown("Thresholds, dial weights, the stage mapping and the column mappings made in this session, in one "
                "file. At the next client, drop it into the upload box above **with** their exports: the same CRM "
                "then loads in one upload.")
    mappings = session_mappings()
    st.caption(f"{fmt_count(len(mappings), 'column mapping')} held in this session"
               + (": " + md_escape(", ".join(m.get("name") or m["table"] for m in mappings[:8]))
                  if mappings and not privacy.is_on() else "."))
    settings_file_button(key="dl-settings-file")


def workspace_file_section(ws: Workspace) -> None:
    st.subheader("Workspace file")
    c1, c2 = st.columns(2)
    with c1:
        if privacy.is_on():
            shown = get_workspace()
            st.markdown("**Save workspace**: names are anonymised, so the file holds the anonymised copy, "
                        "safe to share.")
            st.download_button("Save anonymised workspace", data=shown.save,
                               file_name="bench-strength-workspace-anonymised.zip", mime="application/zip",
                               icon=":material/save:", key="save-ws", disabled=ws.is_empty)
        else:
            st.markdown("**Save workspace**: everything loaded, in one file to open later.")
            st.download_button("Save workspace", data=ws.save, file_name="bench-strength-workspace.zip",
                               mime="application/zip", icon=":material/save:", key="save-ws",
                               disabled=ws.is_empty)
    with c2:
        if privacy.is_on():
            st.markdown("**Open workspace**")
            st.info(PAUSED, icon=":material/visibility_off:")
            return
        opened = st.file_uploader("**Open workspace**: a file saved from Bench Strength", type=["zip"], key="open-ws")
        open_workspace_file(opened)
        if open_error():
            st.error(md_escape(open_error()), icon=":material/block:")


def render() -> None:
    ws = get_source_workspace()
    st.title("Data")
    st.markdown(
        "Bring the exports your revenue organisation already has: CRM opportunities, activities and stage "
        "history, the roster, quotas, capability reviews, coaching logs, development actions and surveys."
    )
    st.caption(access_note())
    staged = upload_section(ws)
    sample_notes_section(ws)
    report_section(ws)
    ws = get_source_workspace()
    health_section(ws, staged)
    readiness_section(ws, staged)
    stage_section(ws)
    templates_section()
    settings_file_section()
    workspace_file_section(ws)
    st.divider()
    st.caption(
        ":material/lock: Uploaded files stay in this browser session's in-memory database: they are not written to "
        "disk and no other session can see them. They are gone when the session ends; save the workspace to keep them."
    )
    start_pending_warm_up()  # the report is drawn: the warm-up has the cores to itself


render()
