"""The Data page's import workflow: uploads read and recognised once per session, the column-mapping
form, settings files and saved mappings dropped with the exports, the load itself, and opening a
saved workspace. The page (views/data.py) draws its sections in order and calls these.

Everything is held in this session's ``st.session_state`` only, and an upload's analysis only while
its file is in the uploader (:func:`forget_gone_uploads`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from analytics import schema
from analytics.fmt import fmt_count
from analytics.ingest import settings_file
from analytics.ingest.composite import JOIN
from analytics.ingest.pipeline import FileAnalysis, ImportJob, analyse_file, import_files
from analytics.ingest.recognise import guess_mapping, mapping_from_json, mapping_to_json, missing_required
from analytics.ingest.supports import file_check
from analytics.store import Workspace, WorkspaceFileError
from ui import privacy
from ui.components import NAME_CHARS, clip, md_escape
from ui.ratings_form import ratings_card
from ui.session import set_reports, set_workspace, warm_up
from ui.state import (
    add_session_mappings,
    pending_stage_outcomes,
    session_mappings,
    set_pending_stage_outcomes,
    set_settings,
)

NOT_IN_FILE = "— not in this file —"
UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "xls", "xlsm", "json"]
PAUSED = ("Uploading is paused while names are anonymised: the upload box lists your files' names on screen. "
          "Turn **Anonymise names** off in the sidebar to add files.")

#: session keys: each upload's analysis, each JSON upload read, settings files applied, the uploader's generation
ANALYSES_KEY, JSON_KEY, APPLIED_KEY, GENERATION_KEY = "analyses", "json-uploads", "applied-settings-files", "uploader_gen"

#: the box a file without a header row is loaded by, once the user has checked its guessed columns
CHECKED = "I checked these columns: load this file"

#: the table a file holds, its canonical -> source columns, and a wide ratings file's ticked columns
Choice = tuple[str | None, dict[str, str], tuple[str, ...] | None]


def file_key(f) -> str:
    """An upload's id while it is in the uploader (name, size and the uploader's own id)."""
    return hashlib.sha1(f"{f.name}:{f.size}:{getattr(f, 'file_id', '')}".encode()).hexdigest()[:12]


def analyse(fid: str, f, mappings_key: str, mappings: list[dict]) -> FileAnalysis:
    """Read and recognise an upload once per session (held in session state, never in a
    cache shared with other sessions); only the current uploads are kept."""
    cache = st.session_state.setdefault(ANALYSES_KEY, {})
    key = f"{fid}:{mappings_key}"
    if key not in cache:
        cache[key] = analyse_file(f.name, f.getvalue(), mappings)
    return cache[key]


def release_uploads() -> None:
    """Drop every upload's analysis: another page draws no uploader, so it keeps no file (app.py)."""
    st.session_state.pop(ANALYSES_KEY, None)


def forget_gone_uploads(files) -> None:
    """An upload's analysis (its bytes and every decoded cell) is held only while its file is in
    the uploader: one taken out (or dropped by the uploader, which anonymising hides) goes at the
    next run of this page, not at the next import."""
    cache = st.session_state.get(ANALYSES_KEY)
    if cache:
        present = {file_key(f) for f in files}
        for key in [k for k in cache if k.split(":", 1)[0] not in present]:
            del cache[key]


def mapping_form(a: FileAnalysis, fid: str, expanded: bool, tables: list[str] | None = None) -> Choice:
    """Let the user pick the table (one of ``tables``, default all) and a source column for each
    canonical column."""
    rec = a.recognition
    table_names = list(tables or schema.TABLES)
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
            return None, {}, None
        guess = rec.mapping if rec and rec.table == table_name else guess_mapping(
            table_name, a.headers, rows=a.raw.frame if a.raw is not None else None)  # prose read as the notes
        options = [NOT_IN_FILE, *a.headers]
        kinds = a.raw.column_kinds if a.raw is not None else {}

        def shown(header: str) -> str:  # a headerless file's columns say what their values look like
            return clip(f"{header} ({kinds[header]})" if header in kinds else header)
        mapping: dict[str, str] = {}
        t = schema.table(table_name)
        cols = st.columns(3)
        for i, col in enumerate(t.columns):
            default = guess.get(col.name)
            # required unless derived: a key from other columns, or (quotas) a period end from its start
            required = (col.required and not (col.name in t.key and t.derived_key_from)
                        and col.name in missing_required(table_name, {k: v for k, v in guess.items() if k != col.name}))
            with cols[i % 3]:
                choice = st.selectbox(
                    f"{col.name.replace('_', ' ')}{' *' if required else ''}", options,
                    index=options.index(default) if default in options else 0,
                    help=col.description, key=f"map-col-{fid}-{table_name}-{col.name}", format_func=shown,
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
    return table_name, mapping, None


def file_card(a: FileAnalysis, fid: str) -> Choice | None:
    """One uploaded file: what it was recognised as, a preview, and the mapping form."""
    if a.error:
        st.error(md_escape(a.error), icon=":material/block:")
        return None
    if a.ratings is not None:
        return ratings_card(a, fid, mapping_form)
    rec = a.recognition
    n = a.raw.rows_read
    if rec and rec.recognised:
        head = st.container()  # filled once the mapping form says what will be loaded
        raw_preview(a, a.preview())
        unused = not_used(a)
        if unused:
            st.caption(f"Not used ({len(unused)}): " + md_escape(", ".join(clip(h) for h in unused[:25]))
                       + (" …" if len(unused) > 25 else ""))
        for note in a.raw.notes:
            st.caption(md_escape(note))
        choice = mapping_form(a, fid, expanded=False)
        with head:
            recognised_head(a, choice)
        return choice
    if a.raw.headerless:
        st.warning(f"**{md_escape(a.file_name)}** has no header row ({n:,} rows, {len(a.headers)} columns): "
                   + (f"its columns were guessed from their values as **{schema.table(rec.table).label}**. "
                      if rec and rec.table else "choose its table and columns below. ")
                   + f"Check them, then tick **{CHECKED}**.", icon=":material/help:")
    else:
        st.warning(
            f"**{md_escape(a.file_name)}**: {guess_sentence(a)} ({n:,} rows, {len(a.headers)} columns). "
            "Choose what it holds and which column is which; the best guesses are preselected.",
            icon=":material/help:",
        )
    if rec and rec.candidates and rec.table and not a.raw.headerless:
        st.caption("Why: " + md_escape("; ".join(rec.candidates[0].reasons[:3])))
    raw_preview(a, a.raw.frame.head(5)[a.headers])  # the values the user checks the guess against
    choice = mapping_form(a, fid, expanded=True)
    lacks_lines(choice)
    if a.raw.headerless and not st.checkbox(f"**{CHECKED}**", key=f"map-ok-{fid}"):
        return None  # a guess from values alone is loaded only once the user says it is right
    return choice


def recognised_head(a: FileAnalysis, choice: Choice) -> None:
    """A recognised file's first line: what it loads as, then what it lacks for which analysis
    (:func:`analytics.ingest.supports.file_check`). A green tick only when no link to people is
    missing and some analysis can use it; else a warning that names the column and what it blocks."""
    table, mapping, _ticked = choice
    if not table:  # no table chosen in the form (yet): what it was recognised as
        table, mapping = a.recognition.table, a.recognition.mapping
    line = (f"**{md_escape(a.file_name)}**: {md_escape(a.recognition.shape)} → **{schema.table(table).label}**, "
            f"{a.raw.rows_read:,} rows")
    check = file_check(table, mapping)
    if check.warn:
        st.warning(line + ". It loads, but:\n\n" + "\n".join(f"- {lack.sentence[0].upper()}{lack.sentence[1:]}." for lack in check.lacks),
                   icon=":material/warning:")
    else:
        st.success(line, icon=":material/check_circle:")
        lacks_lines(choice)


def lacks_lines(choice: Choice | None) -> None:
    """What a file, as mapped, lacks for which analysis (one caption), when it lacks anything."""
    if not choice or not choice[0]:
        return
    lacks = file_check(choice[0], choice[1]).lacks
    if lacks:
        st.caption(":material/info: Once loaded: " + "; ".join(lack.sentence for lack in lacks) + ".")


def raw_preview(a: FileAnalysis, frame) -> None:
    """A file's first rows, or a line that they are hidden while names are anonymised."""
    if privacy.is_on():
        st.caption(":material/visibility_off: Preview hidden while names are anonymised.")
    elif not frame.empty:
        st.dataframe(frame, hide_index=True, width="stretch", height=min(213, 38 + 35 * len(frame)))


def not_used(a: FileAnalysis) -> list[str]:
    """The file's columns the recognised mapping leaves out; a column read into a name made of
    first and last name (``First Name + Last Name``) is used."""
    rec = a.recognition
    used = {part for source in rec.mapping.values() for part in source.split(JOIN)}
    return [h for h in rec.unmapped_headers if h not in used]


def guess_sentence(a: FileAnalysis) -> str:
    """What the app makes of a file it did not recognise: its best guess and the runner-up, or
    that it is no table of the app."""
    rec = a.recognition
    if rec is None or rec.table is None:
        if rec is not None and rec.looks_like:
            return (f"this file does not look like any table the app uses (it looks like {rec.looks_like}); "
                    "it is not loaded unless you map it")
        return "the app does not recognise this export; choose its table and columns"
    text = f"the app is not sure of this export: it looks like {schema.table(rec.table).label.lower()}"
    runner = rec.runner_up
    return text + (f" but could also be {runner.label.lower()}" if runner else "")


@dataclass(frozen=True)
class Staged:
    """The files in the uploader before Load: each loadable one's table and mapped columns, how
    many cannot be loaded yet, and whether Load adds them to the workspace (else replaces it)."""

    files: tuple[tuple[str, tuple[str, ...]], ...]
    waiting: int
    adds: bool


def upload_section(ws: Workspace) -> Staged | None:
    """1. Upload exports (each file's card and mapping form), then 2. Load; returns what is staged
    (None when the uploader is empty)."""
    st.subheader("1. Upload exports")
    if privacy.is_on():
        forget_gone_uploads([])  # the uploader is not drawn, so it keeps no file
        st.info(PAUSED, icon=":material/visibility_off:")
        return None
    gen = st.session_state.setdefault(GENERATION_KEY, 0)
    files = st.file_uploader(
        "Drop CRM, review, coaching-log or survey exports (CSV or XLSX), and any saved column mappings (JSON)",
        type=UPLOAD_TYPES, accept_multiple_files=True, key=f"uploader-{gen}",
    )
    if not files:
        st.session_state.pop(JSON_KEY, None)
        forget_gone_uploads([])
        st.caption("Recognised without set-up: Salesforce (Data Loader/API and report exports), HubSpot deals, "
                   "Dynamics 365 opportunities, the Maven CRM sample, wide review and survey exports (one column per "
                   "rating or question), and Bench Strength's own templates.")
        return None
    data_files, saved_mappings = json_uploads_section(files, ws)
    forget_gone_uploads(data_files)
    if not data_files:
        return None
    mkey = hashlib.sha1(repr(saved_mappings).encode()).hexdigest()
    choices: dict[str, Choice | None] = {}
    analyses: dict[str, FileAnalysis] = {}
    current = {f"{file_key(f)}:{mkey}" for f in data_files}
    cache = st.session_state.setdefault(ANALYSES_KEY, {})
    for stale in set(cache) - current:
        del cache[stale]
    for f in data_files:
        fid = file_key(f)
        with st.spinner(f"Reading {md_escape(f.name, NAME_CHARS)}…"):
            a = analyse(fid, f, mkey, saved_mappings)
        analyses[fid] = a
        with st.container(border=True):
            choices[fid] = file_card(a, fid)
    return load_section(ws, data_files, analyses, choices, gen)


def json_uploads_section(files, ws: Workspace) -> tuple[list, list[dict]]:
    """Settings files and saved mappings among the uploads, each applied (or refused) with a line
    saying so; returns the data files and the mappings to recognise them by (the session's too)."""
    saved_mappings, data_files = [], []
    json_files = [f for f in files if f.name.lower().endswith(".json")]
    held = st.session_state.setdefault(JSON_KEY, {})
    for stale in set(held) - {file_key(f) for f in json_files}:
        del held[stale]
    for f in files:
        if f.name.lower().endswith(".json"):
            upload = json_upload(f)
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
    return data_files, [*saved_mappings, *session_mappings()]


def load_section(ws: Workspace, data_files: list, analyses: dict[str, FileAnalysis],
                 choices: dict[str, Choice | None], gen: int) -> Staged:
    """2. Load: into a new workspace or the current one, the files whose table and required
    columns are chosen; the rest are named and left out. Returns what is staged."""
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
    unchecked = sum(1 for fid, c in choices.items() if c is None and analyses[fid].raw is not None
                    and analyses[fid].raw.headerless)
    unmapped = len(data_files) - len(loadable) - unreadable - unchecked
    if unreadable:
        st.caption(f"{fmt_count(unreadable, 'file')} cannot be read (see the messages above) and will be left out.")
    if unchecked:
        st.caption(f"{fmt_count(unchecked, 'file')} without a header row wait for you to check their columns.")
    if unmapped:
        st.caption(f"{fmt_count(unmapped, 'file')} cannot be loaded until their table and required columns are chosen.")
    if st.button(f"Load {fmt_count(len(loadable), 'file')} into the workspace", type="primary",
                 disabled=not loadable, icon=":material/play_arrow:"):
        load(ws, mode, [ImportJob(analyses[fid], table, mapping, ticked)
                        for fid, (table, mapping, ticked) in loadable.items()], gen)
    return Staged(tuple((table, tuple(mapping)) for table, mapping, _ in loadable.values()),
                  len(data_files) - len(loadable), mode == "add")


def load(ws: Workspace, mode: str, jobs: list[ImportJob], gen: int, label: str | None = None) -> None:
    """Import ``jobs`` into ``ws`` ("add") or a new workspace ("new") with a progress bar, keep
    the report and the mappings made, start the warm-up, and run the page again on an empty uploader.
    ``label`` names the workspace added to (default: "Your uploads" for the demo, else its own)."""
    target = Workspace() if mode == "new" else ws
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
        target.label = label or ("Your uploads" if ws.label.startswith("Demo") else ws.label)
    set_reports(batch)
    warm_up(target)
    st.session_state[GENERATION_KEY] = gen + 1
    st.session_state.pop(ANALYSES_KEY, None)
    st.rerun()


def json_upload(f) -> settings_file.JsonUpload:
    """What a JSON upload is (settings file, saved mapping, or neither), read once per upload,
    not on every rerun: held in this session's state under the upload's id, and only while it
    is in the uploader. Its size is checked before it is read."""
    held = st.session_state.setdefault(JSON_KEY, {})
    fid = file_key(f)
    if fid not in held:
        held[fid] = settings_file.read_json_upload(f.name, f.size, f.getvalue)
    return held[fid]


def apply_settings_file(f, ws: Workspace, bundle: settings_file.SettingsBundle) -> None:
    """A settings file dropped with the exports: thresholds, weights, stage mapping and column
    mappings apply at once, once per file (later edits on the pages are not undone)."""
    applied = st.session_state.setdefault(APPLIED_KEY, {})
    fid = file_key(f)
    if fid not in applied:
        set_settings(bundle.settings)
        add_session_mappings(bundle.mappings)
        set_pending_stage_outcomes({**pending_stage_outcomes(), **bundle.stage_outcomes})
        apply_stage_outcomes(ws, bundle.stage_outcomes)
        applied[fid] = ("ok", f"Settings file **{md_escape(f.name)}** applied: thresholds and dial weights, "
                              f"{fmt_count(len(bundle.stage_outcomes), 'stage outcome')} and "
                              f"{fmt_count(len(bundle.mappings), 'column mapping')} for this session.")
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
        if not job.table or not job.mapping or job.ratings is not None:
            continue  # a wide ratings file's long rows are the app's own headers, no export's
        if rec is None or not rec.recognised or job.table != rec.table or job.mapping != rec.mapping:
            read = job.analysis.wide_raw  # a wide ratings file mapped as another table: its own headers
            made.append(mapping_from_json(mapping_to_json(job.table, job.mapping,
                                                          read.headers if read is not None else job.analysis.headers,
                                                          name=job.analysis.file_name)))
    add_session_mappings(made)


#: session keys of the workspace-file uploader: the file last opened, and why it could not be
OPENED_KEY, OPEN_ERROR_KEY = "opened-ws-id", "open-ws-error"


def open_workspace_file(opened) -> None:
    """A saved workspace dropped in the "Open workspace" box: opened once per file (it becomes the
    session's, and the page runs again), or the reason it cannot be kept for :func:`open_error`."""
    if opened is None:
        st.session_state.pop(OPEN_ERROR_KEY, None)
    elif st.session_state.get(OPENED_KEY) != file_key(opened):
        st.session_state[OPENED_KEY] = file_key(opened)
        st.session_state.pop(OPEN_ERROR_KEY, None)
        try:
            new = Workspace.open(opened.getvalue(), opened.name)
        except WorkspaceFileError as exc:
            st.session_state[OPEN_ERROR_KEY] = str(exc)
        else:
            set_workspace(new)
            warm_up(new)
            st.rerun()


def open_error() -> str | None:
    """Why the workspace file last dropped could not be opened, while it is in the box."""
    return st.session_state.get(OPEN_ERROR_KEY)
