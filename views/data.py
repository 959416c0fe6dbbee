"""Data: upload exports, check how they were recognised, load them, and see what came in."""

import hashlib

import pandas as pd
import streamlit as st

from analytics import schema
from analytics.ingest import settings_file
from analytics.ingest.pipeline import (
    FileAnalysis,
    ImportJob,
    ImportReport,
    all_rejects,
    analyse_file,
    import_files,
    rejects_total,
)
from analytics.ingest.recognise import guess_mapping, mapping_from_json, mapping_to_json, missing_required
from analytics.ingest.supports import coverage
from analytics.outputs.downloads import safe_csv
from analytics.store.workspace import Workspace, WorkspaceFileError
from ui import privacy
from ui.auth import access_note
from ui.components import NAME_CHARS, clip, download_csv, md_escape
from ui.session import (
    get_source_workspace,
    get_workspace,
    reports,
    set_reports,
    set_workspace,
    start_pending_warm_up,
    warm_up,
)
from ui.settings_form import settings_file_button
from ui.state import (
    add_session_mappings,
    pending_stage_outcomes,
    session_mappings,
    set_pending_stage_outcomes,
    set_settings,
)

NOT_IN_FILE = "— not in this file —"
UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "xls", "xlsm", "json"]


def _analyse(fid: str, f, mappings_key: str, mappings: list[dict]) -> FileAnalysis:
    """Read and recognise an upload once per session (held in session state, never in a
    cache shared with other sessions); only the current uploads are kept."""
    cache = st.session_state.setdefault("analyses", {})
    key = f"{fid}:{mappings_key}"
    if key not in cache:
        cache[key] = analyse_file(f.name, f.getvalue(), mappings)
    return cache[key]


def _file_key(f) -> str:
    return hashlib.sha1(f"{f.name}:{f.size}:{getattr(f, 'file_id', '')}".encode()).hexdigest()[:12]


def mapping_form(a: FileAnalysis, fid: str, expanded: bool) -> tuple[str | None, dict[str, str]]:
    """Let the user pick the table and a source column for each canonical column."""
    rec = a.recognition
    table_names = list(schema.TABLES)
    labels = {t: schema.table(t).label for t in table_names}
    default_table = rec.table if rec and rec.table else None
    with st.expander("Check or change the column mapping" if expanded is False else "Choose the table and columns",
                     expanded=expanded):
        table_name = st.selectbox(
            "This file holds", table_names, index=table_names.index(default_table) if default_table else None,
            format_func=lambda t: labels[t], key=f"map-table-{fid}", placeholder="Choose a table…",
        )
        if table_name is None:
            st.caption("Pick the kind of data this file holds; the app then suggests a column for each field.")
            return None, {}
        guess = rec.mapping if rec and rec.table == table_name else guess_mapping(table_name, a.headers)
        options = [NOT_IN_FILE, *a.headers]
        mapping: dict[str, str] = {}
        t = schema.table(table_name)
        cols = st.columns(3)
        for i, col in enumerate(t.columns):
            default = guess.get(col.name)
            required = col.required and not (col.name in t.key and t.derived_key_from)
            with cols[i % 3]:
                choice = st.selectbox(
                    f"{col.name.replace('_', ' ')}{' *' if required else ''}", options,
                    index=options.index(default) if default in options else 0,
                    help=col.description, key=f"map-col-{fid}-{table_name}-{col.name}", format_func=clip,
                )
            if choice != NOT_IN_FILE:
                mapping[col.name] = choice
        missing = missing_required(table_name, mapping)
        if missing:
            st.warning("Still needed: " + ", ".join(m.replace("_", " ") for m in missing), icon=":material/warning:")
        st.download_button(
            "Save this mapping (JSON)", mapping_to_json(table_name, mapping, a.headers, name=a.file_name),
            file_name=f"mapping-{table_name}.json", mime="application/json", key=f"map-dl-{fid}",
            icon=":material/save:", help="Upload this file with next cycle's export and the mapping applies at once.",
        )
    return table_name, mapping


def file_card(a: FileAnalysis, fid: str) -> tuple[str | None, dict[str, str]] | None:
    """One uploaded file: what it was recognised as, a preview, and the mapping form."""
    if a.error:
        st.error(md_escape(a.error), icon=":material/block:")
        return None
    rec = a.recognition
    n = a.raw.rows_read
    if rec and rec.recognised:
        label = schema.table(rec.table).label
        st.success(f"**{md_escape(a.file_name)}**: {md_escape(rec.shape)} → **{label}**, {n:,} rows",
                   icon=":material/check_circle:")
        if privacy.is_on():
            st.caption(":material/visibility_off: Preview hidden while names are anonymised.")
        else:
            st.dataframe(a.preview(), hide_index=True, width="stretch", height=213)
        if rec.unmapped_headers:
            st.caption(f"Not used ({len(rec.unmapped_headers)}): " + md_escape(", ".join(clip(h) for h in rec.unmapped_headers[:25]))
                       + (" …" if len(rec.unmapped_headers) > 25 else ""))
        for note in a.raw.notes:
            st.caption(md_escape(note))
        return mapping_form(a, fid, expanded=False)
    st.warning(
        f"**{md_escape(a.file_name)}**: the app does not recognise this export ({n:,} rows, {len(a.headers)} columns). "
        "Choose what it holds and which column is which; the best guesses are preselected.",
        icon=":material/help:",
    )
    return mapping_form(a, fid, expanded=True)


PAUSED = ("Uploading is paused while names are anonymised: the upload box lists your files' names on screen. "
          "Turn **Anonymise names** off in the sidebar to add files.")


def forget_gone_uploads(files) -> None:
    """An upload's analysis (its bytes and every decoded cell) is held only while its file is in
    the uploader: one taken out (or dropped by the uploader, which anonymising hides) goes at the
    next run of this page, not at the next import."""
    cache = st.session_state.get("analyses")
    if cache:
        present = {_file_key(f) for f in files}
        for key in [k for k in cache if k.split(":", 1)[0] not in present]:
            del cache[key]


def upload_section(ws: Workspace) -> None:
    st.subheader("1. Upload exports")
    if privacy.is_on():
        forget_gone_uploads([])  # the uploader is not drawn, so it keeps no file
        st.info(PAUSED, icon=":material/visibility_off:")
        return
    gen = st.session_state.setdefault("uploader_gen", 0)
    files = st.file_uploader(
        "Drop CRM, review, coaching-log or survey exports (CSV or XLSX), and any saved column mappings (JSON)",
        type=UPLOAD_TYPES, accept_multiple_files=True, key=f"uploader-{gen}",
    )
    if not files:
        st.session_state.pop("json-uploads", None)
        forget_gone_uploads([])
        st.caption("Recognised without set-up: Salesforce (Data Loader/API and report exports), HubSpot deals, "
                   "Dynamics 365 opportunities, the Maven CRM sample, and Bench Strength's own templates.")
        return
    saved_mappings, data_files = [], []
    json_files = [f for f in files if f.name.lower().endswith(".json")]
    held = st.session_state.setdefault("json-uploads", {})
    for stale in set(held) - {_file_key(f) for f in json_files}:
        del held[stale]
    for f in files:
        if f.name.lower().endswith(".json"):
            upload = _json_upload(f)
            if upload.bundle is not None:
                apply_settings_file(f, ws, upload.bundle)
            elif upload.mapping is not None:
                saved_mappings.append(upload.mapping)
                st.info(f"Saved mapping **{md_escape(f.name)}** will be applied to matching files.",
                        icon=":material/rule:")
            else:
                st.error(md_escape(upload.error), icon=":material/block:")
        else:
            data_files.append(f)
    saved_mappings = [*saved_mappings, *session_mappings()]
    forget_gone_uploads(data_files)
    if not data_files:
        return
    mkey = hashlib.sha1(repr(saved_mappings).encode()).hexdigest()
    choices: dict[str, tuple[str | None, dict[str, str]] | None] = {}
    analyses: dict[str, FileAnalysis] = {}
    current = {f"{_file_key(f)}:{mkey}" for f in data_files}
    cache = st.session_state.setdefault("analyses", {})
    for stale in set(cache) - current:
        del cache[stale]
    for f in data_files:
        fid = _file_key(f)
        with st.spinner(f"Reading {md_escape(f.name, NAME_CHARS)}…"):
            a = _analyse(fid, f, mkey, saved_mappings)
        analyses[fid] = a
        with st.container(border=True):
            choices[fid] = file_card(a, fid)

    loadable = {fid: c for fid, c in choices.items()
                if c and c[0] and not missing_required(c[0], c[1])}
    st.subheader("2. Load")
    if ws.source == "demo":
        mode = "new"
        st.caption("Your files replace the demo in this session; the demo stays one click away in the sidebar.")
    else:
        mode = st.radio(
            "Load into", ["add", "new"], horizontal=True, key="load-mode",
            format_func=lambda m: {"add": "the current workspace (next cycle: rows with the same ID are replaced, new rows added)",
                                   "new": "a new workspace with only these files"}[m],
        )
    unreadable = sum(1 for fid in choices if analyses[fid].error)
    unmapped = len(data_files) - len(loadable) - unreadable
    if unreadable:
        st.caption(f"{unreadable} file(s) cannot be read (see the messages above) and will be left out.")
    if unmapped:
        st.caption(f"{unmapped} file(s) cannot be loaded until their table and required columns are chosen.")
    if st.button(f"Load {len(loadable)} file(s) into the workspace", type="primary",
                 disabled=not loadable, icon=":material/play_arrow:"):
        target = Workspace() if mode == "new" else ws
        jobs = [ImportJob(analyses[fid], table, mapping) for fid, (table, mapping) in loadable.items()]
        bar = st.progress(0.0, text="Starting the import…")
        try:
            batch = import_files(target, jobs, progress=lambda frac, text: bar.progress(min(1.0, frac), text=md_escape(text)))
        except Exception:
            if target is not ws:
                target.close()
            raise
        bar.empty()
        remember_mappings(jobs)
        apply_stage_outcomes(target, pending_stage_outcomes())
        if mode == "new":
            names = ", ".join(job.analysis.file_name for job in jobs)
            target.source, target.label = "uploads", f"Your uploads ({names[:80]}{'…' if len(names) > 80 else ''})"
            set_workspace(target)
        else:
            target.source = "uploads"
            target.label = "Your uploads" if ws.label.startswith("Demo") else ws.label
        set_reports(batch)
        warm_up(target)
        st.session_state["uploader_gen"] = gen + 1
        st.session_state.pop("analyses", None)
        st.rerun()


def _json_upload(f) -> settings_file.JsonUpload:
    """What a JSON upload is (settings file, saved mapping, or neither), read once per upload,
    not on every rerun: held in this session's state under the upload's id, and only while it
    is in the uploader. Its size is checked before it is read."""
    held = st.session_state.setdefault("json-uploads", {})
    fid = _file_key(f)
    if fid not in held:
        held[fid] = settings_file.read_json_upload(f.name, f.size, f.getvalue)
    return held[fid]


def apply_settings_file(f, ws: Workspace, bundle: settings_file.SettingsBundle) -> None:
    """A settings file dropped with the exports: thresholds, weights, stage mapping and column
    mappings apply at once, once per file (later edits on the pages are not undone)."""
    applied = st.session_state.setdefault("applied-settings-files", {})
    fid = _file_key(f)
    if fid not in applied:
        set_settings(bundle.settings)
        add_session_mappings(bundle.mappings)
        set_pending_stage_outcomes({**pending_stage_outcomes(), **bundle.stage_outcomes})
        apply_stage_outcomes(ws, bundle.stage_outcomes)
        applied[fid] = ("ok", f"Settings file **{md_escape(f.name)}** applied: thresholds and dial weights, "
                              f"{len(bundle.stage_outcomes)} stage outcome(s) and {len(bundle.mappings)} "
                              "column mapping(s) for this session.")
    st.success(applied[fid][1], icon=":material/settings:")


def apply_stage_outcomes(ws: Workspace, outcomes: dict[str, tuple[bool, bool]]) -> None:
    """A settings file's stage outcomes, for the stages this workspace's deals use."""
    present = set(ws.stage_map()["stage"])
    mine = {stage: v for stage, v in outcomes.items() if stage in present}
    if mine:
        ws.set_stage_outcomes(mine)


def remember_mappings(jobs: list[ImportJob]) -> None:
    """Mappings the user chose for exports the app did not recognise (or changed) go into
    the session's settings file, so the next client's export of the same tool loads at once."""
    made = []
    for job in jobs:
        rec = job.analysis.recognition
        if not job.table or not job.mapping:
            continue
        if rec is None or not rec.recognised or job.table != rec.table or job.mapping != rec.mapping:
            made.append(mapping_from_json(mapping_to_json(job.table, job.mapping, job.analysis.headers,
                                                          name=job.analysis.file_name)))
    add_session_mappings(made)


def _shown(ws: Workspace, batch: list):
    """File names and messages of the import as the page may show them: as they are, or, while
    names are anonymised, each file as its number ("File 03", the anonymised copy's; a file
    not loaded has none) and any name of the data in a message replaced."""
    names = privacy.pseudonyms(ws)
    if names is None:
        return (lambda file: file), (lambda text: text)
    files = {**{r.file: "A file not loaded" for r in batch}, **names.files}

    def text(message: str) -> str:
        for real, shown in sorted(files.items(), key=lambda kv: -len(kv[0])):
            message = message.replace(real, shown)
        return names.scrub(message)

    return files.__getitem__, text


def report_section(ws: Workspace) -> None:
    batch = reports()
    if not batch:
        return
    st.subheader("Validation report")
    file, text = _shown(ws, batch)
    if privacy.is_on():
        st.caption(":material/visibility_off: File names, rejected values and warnings are hidden while names are "
                   "anonymised; the counts below are complete.")
    loaded = [r for r in batch if not r.error]
    summary = pd.DataFrame([{
        "file": file(r.file), "loaded into": schema.table(r.table).label if r.table else "—",
        "recognised as": text(r.shape or "—"), "rows read": r.rows_read, "rows loaded": r.rows_loaded,
        "rows rejected": r.rows_rejected, "new": r.inserted, "replaced": r.replaced,
        "warnings": r.warnings_total, "status": "not loaded" if r.error else "loaded",
    } for r in batch])
    st.markdown(f"**{sum(r.rows_read for r in loaded):,} rows read, {sum(r.rows_loaded for r in loaded):,} loaded, "
                f"{sum(r.rows_rejected for r in loaded):,} rejected** across {len(loaded)} loaded file(s)"
                + (f"; {len(batch) - len(loaded)} file(s) not loaded." if len(loaded) < len(batch) else "."))
    st.dataframe(summary, hide_index=True, width="stretch")
    download_csv(summary, "import-summary.csv", "Download summary", key="dl-summary")
    total = rejects_total(batch)
    if total and not privacy.is_on():
        label = f"Download all {total:,} rejects (CSV)"
        if any(r.more_rejects for r in batch):
            full_list_download(lambda: all_rejects(batch), "rejected-rows.csv", label, key="dl-all-rejects")
        else:
            download_csv(all_rejects(batch), "rejected-rows.csv", label, key="dl-all-rejects")
    for i, r in enumerate(batch):
        if r.error:
            st.error(md_escape(text(r.error)), icon=":material/block:")
            continue
        headline = (f"{file(r.file)}: {r.rows_read:,} rows read · {r.rows_loaded:,} loaded · {r.rows_rejected:,} "
                    f"rejected · {r.inserted:,} new · {r.replaced:,} replaced · {r.warnings_total:,} warnings")
        with st.expander(md_escape(headline), expanded=bool(r.rows_rejected)):
            for note in r.notes:
                st.caption(md_escape(text(note)))
            if privacy.is_on():
                continue
            if r.rejects:
                st.markdown("**Rejected rows** (not loaded)")
                st.dataframe(r.rejects_frame, hide_index=True, width="stretch")
                problems_download(r, i, "rejects")
            if r.warnings:
                w = r.warnings_frame
                kinds = w["reason"].str.replace(r"'.*?'", "…", regex=True).str.replace(r"\(.*\)", "", regex=True)
                counted = "; ".join(f"{n:,} × {reason.strip()}" for reason, n in kinds.value_counts().items())
                st.markdown("**Warnings** (rows loaded): " + md_escape(
                    counted if not r.more_warnings else f"{r.warnings_total:,} in all; in the first {len(w):,}: {counted}"))
                st.dataframe(w, hide_index=True, width="stretch")
                problems_download(r, i, "warnings")
            if not r.rejects and not r.warnings:
                st.caption("Every row loaded with no warnings.")


def problems_download(r: ImportReport, i: int, kind: str) -> None:
    """A file's rejects or warnings: those held, downloaded as they are; when there are more
    than were held, the first ones and how many more, and a download of all of them derived
    again from the file on the click (never held in the session)."""
    held, more = (r.rejects, r.more_rejects) if kind == "rejects" else (r.warnings, r.more_warnings)
    if not more:
        frame = r.rejects_frame if kind == "rejects" else r.warnings_frame
        download_csv(frame, f"{kind}-{r.file}.csv", f"Download {kind} (CSV)", key=f"dl-{kind[:3] if kind == 'rejects' else kind[:4]}-{i}")
        return
    st.caption(f"The first {len(held):,} by row, and {more:,} more: the download lists all "
               f"{len(held) + more:,}, read again from the file when you click (this takes a few seconds "
               "for a million rows).")
    build = r.all_rejects if kind == "rejects" else r.all_warnings
    full_list_download(build, f"{kind}-{r.file}.csv", f"Download all {len(held) + more:,} {kind} (CSV)",
                       key=f"dl-{kind[:3] if kind == 'rejects' else kind[:4]}-{i}")


def full_list_download(build, file_name: str, label: str, key: str) -> None:
    """A CSV of a list too long to hold, built when clicked (CSV only: a workbook holds at most
    1,048,576 rows, and writing millions of cells to one takes minutes)."""
    st.download_button(label, data=lambda: safe_csv(build()), file_name=file_name, mime="text/csv", key=key,
                       icon=":material/download:")


def coverage_section(ws: Workspace) -> None:
    st.subheader("What your data supports")
    cov = coverage(ws)
    frame = pd.DataFrame([{"analysis": c.title, "status": c.status,
                           "missing": "; ".join(c.missing), "what it needs": c.explanation} for c in cov])
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={"status": st.column_config.TextColumn("status", width="small")})


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
    st.caption(f"{len(mappings)} column mapping(s) held in this session"
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
        if opened is None:
            st.session_state.pop("open-ws-error", None)
        elif st.session_state.get("opened-ws-id") != _file_key(opened):
            st.session_state["opened-ws-id"] = _file_key(opened)
            st.session_state.pop("open-ws-error", None)
            try:
                new = Workspace.open(opened.getvalue(), opened.name)
            except WorkspaceFileError as exc:
                st.session_state["open-ws-error"] = str(exc)
            else:
                set_workspace(new)
                warm_up(new)
                st.rerun()
        if st.session_state.get("open-ws-error"):
            st.error(md_escape(st.session_state["open-ws-error"]), icon=":material/block:")


def render() -> None:
    ws = get_source_workspace()
    st.title("Data")
    st.markdown(
        "Bring the exports your revenue organisation already has: CRM opportunities, activities and stage "
        "history, the roster, quotas, capability reviews, coaching logs, development actions and surveys."
    )
    st.caption(access_note())
    upload_section(ws)
    report_section(ws)
    ws = get_source_workspace()
    coverage_section(ws)
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
