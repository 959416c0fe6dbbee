"""The Data page's validation report: what the last import read, loaded and rejected, per file, with
the rejected rows and warnings to download (the full lists derived again from the file on a click).
While names are anonymised, file names and messages are shown as the pages show them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import schema
from analytics.fmt import fmt_count
from analytics.ingest.pipeline import ImportReport, all_rejects, rejects_total
from analytics.outputs import safe_csv
from analytics.store import Workspace
from ui import privacy
from ui.components import download_csv, md_escape
from ui.session import reports


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
                f"{sum(r.rows_rejected for r in loaded):,} rejected** across {fmt_count(len(loaded), 'loaded file')}"
                + (f"; {fmt_count(len(batch) - len(loaded), 'file')} not loaded." if len(loaded) < len(batch) else "."))
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
                    f"rejected · {r.inserted:,} new · {r.replaced:,} replaced · {_n(r.warnings_total, 'warning')}")
        enriched = enrichment_sentence(r)  # what a file did to the roster is said without a click
        with st.expander(md_escape(headline), expanded=bool(r.rows_rejected) or enriched is not None):
            if enriched is not None:
                st.markdown(":material/account_tree: " + md_escape(enriched[0].upper() + enriched[1:]))
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
            if r.footer:
                st.markdown("**Report footer** (not data, not read)")
                st.dataframe(pd.DataFrame(r.footer, columns=["row", "text"]), hide_index=True, width="stretch")
            if r.team_goals:
                st.markdown("**Team roll-up goals** (kept apart, not a person's quota)")
                st.dataframe(pd.DataFrame(r.team_goals, columns=["row", "why"]), hide_index=True, width="stretch")
            if not r.rejects and not r.warnings:
                st.caption("Every row loaded with no warnings.")


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def enrichment_sentence(r: ImportReport) -> str | None:
    """What a manager-link file, role hierarchy or territory list did to the roster, in a user's
    words ("role hierarchy: 14 roles; set the manager of 9 people from it; 2 roles held by more
    than one person, left unset")."""
    if r.as_roster:
        return ("manager links: no roster was loaded, so this file is the roster (each person with their "
                "manager); load a people file to have it enrich that instead")
    e = r.enrichment
    if e is None:
        return None
    matched = _n(e.items, "line matched", "lines matched") if e.history_people else \
        _n(e.items, "person matched", "people matched")
    what = {"manager_links": ("manager links", matched),
            "roles": ("role hierarchy", _n(e.items, "role")),
            "territories": ("territory list", _n(e.items, "territory", "territories"))}[e.table]
    parts = [f"{what[0]}: {what[1]}"]
    if e.set or e.changed:
        done = [f"set the manager of {_n(e.set, 'person', 'people')}"] if e.set else []
        done += [f"changed the manager of {_n(e.changed, 'person', 'people')}"] if e.changed else []
        parts.append(" and ".join(done) + " from it")
    else:
        parts.append("no manager set or changed (everyone it names already had this manager, or has one of "
                     "their own)" if e.table != "manager_links" else "no manager set or changed")
    if e.regions_named:
        parts.append(f"the region of {_n(e.regions_named, 'person', 'people')} now reads as the territory's name")
    if e.roles_named:
        parts.append(f"the role of {_n(e.roles_named, 'person', 'people')} now reads as the role's name")
    if e.ambiguous_roles:
        parts.append(f"{_n(e.ambiguous_roles, 'role')} held by more than one person, left unset "
                     f"({_n(e.ambiguous_people, 'person', 'people')} without a manager)")
    if e.history_people:
        parts.append(f"sets {_n(e.history_changes, 'reporting-line change')} over time "
                     f"({_n(e.history_people, 'person', 'people')} with dated lines): deals and quotas go to the "
                     "manager at the time, the roster shows the latest")
    if e.unknown_managers:
        parts.append(f"{_n(e.unknown_managers, 'manager')} named {'is' if e.unknown_managers == 1 else 'are'} "
                     "not in the roster (kept as written)")
    return "; ".join(parts) + "."


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
