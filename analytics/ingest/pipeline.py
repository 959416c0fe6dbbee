"""The import path every file takes, uploads and the demo alike.

``analyse_file`` reads and recognises a file (nothing is loaded yet, so the user can check
the mapping); ``import_file`` validates it under the chosen mapping and loads it into the
workspace, returning an :class:`ImportReport` in which read = loaded + rejected.

A report holds the first :data:`REJECTS_KEPT` rejects and warnings of its file, with their
totals; a file with more keeps a reference to its bytes instead (what the upload already
held), and its full lists are derived from them again when downloaded (:meth:`ImportReport.all_rejects`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from analytics import schema
from analytics.ingest.activity_sessions import ActivitySessions, sessions_from_activities
from analytics.ingest.composite import add_full_names
from analytics.ingest.enrich import Enrichment, Roster, enrichment, is_enrichment, reject_unmatched_people, roster_view
from analytics.ingest.errors import ExportError
from analytics.ingest.goals import split_team_goals
from analytics.ingest.notes_import import corrections_note, load_sessions, read_session_notes
from analytics.ingest.quota_periods import derive_period_end
from analytics.ingest.ratings import TABLES as RATING_TABLES
from analytics.ingest.ratings import RatingsLayout, lengthen, widen_ratings
from analytics.ingest.readers import REJECTS_KEPT, RawTable, Reject, read_export  # noqa: F401 - for pages
from analytics.ingest.recognise import Recognition, guess_mapping, missing_required, recognise, recognise_headerless
from analytics.ingest.validate import LARGE, REPORT_COLUMNS, Prepared, prepare, unknown_people_warnings
from analytics.ingest.wide import widen
from analytics.store.memory import import_allocator, return_memory
from analytics.store.workspace import Workspace

Progress = Callable[[float, str], None]
logger = logging.getLogger(__name__)


@dataclass
class FileAnalysis:
    """A file read and recognised, not yet loaded. ``error`` is set when it cannot be read.
    ``data`` is the file's bytes (the upload's own, not a copy), or the path of a file on disk."""

    file_name: str
    size: int
    raw: RawTable | None = None
    recognition: Recognition | None = None
    error: str | None = None
    data: bytes | Path | None = field(default=None, repr=False)
    #: a wide review or survey export (:mod:`analytics.ingest.ratings`): its layout, and the file
    #: as read (``raw`` is then its long rows under the layout's guess and ticked columns)
    ratings: RatingsLayout | None = None
    wide_raw: RawTable | None = field(default=None, repr=False)

    @property
    def headers(self) -> list[str]:
        return self.raw.headers if self.raw else []

    def as_ratings(self, table: str, columns: tuple[str, ...] | list[str] | None = None
                   ) -> tuple[RawTable, Recognition]:
        """A wide ratings file as long rows of ``table`` from the ``columns`` ticked."""
        return lengthen(self.wide_raw, self.ratings, table, columns)

    def preview(self, rows: int = 5) -> pd.DataFrame:
        """The first rows, with canonical column names over the mapped source columns."""
        if not self.raw or not self.recognition:
            return pd.DataFrame()
        m = self.recognition.mapping
        head = self.raw.frame.head(rows)
        return pd.DataFrame({f"{c} ← {s}": head[s].values for c, s in m.items()})


@dataclass(frozen=True)
class Source:
    """What a file's full lists of rejects and warnings are derived from again: its bytes, the
    table and mapping it was loaded with, and the roster names it was checked against."""

    file_name: str
    data: bytes | Path = field(repr=False)
    table: str
    mapping: dict[str, str]
    known: frozenset[str] = frozenset()
    #: a wide ratings file's layout and the columns loaded from it
    ratings: RatingsLayout | None = None
    columns: tuple[str, ...] | None = None
    #: the roster a manager-link file was matched against
    roster: Roster | None = None

    def problems(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(every reject, every warning), as the import found them."""
        data = self.data.read_bytes() if isinstance(self.data, Path) else self.data
        raw = add_full_names(read_export(self.file_name, data, keep=None))  # as analyse_file read it
        del data
        if self.ratings is not None and self.table in RATING_TABLES:
            raw = lengthen(raw, self.ratings, self.table, self.columns)[0]  # loaded as long ratings
        if self.table == "quotas" and not all(s in raw.headers for s in self.mapping.values()):
            raw = (widen(raw) or (raw,))[0]  # loaded as a wide target sheet's periods
        mapping = self.mapping
        if self.table == "quotas":
            raw = split_team_goals(raw, mapping)[0]
            if "period_start" in mapping and "period_end" not in mapping:
                raw, mapping, _ = derive_period_end(raw, mapping)
        prepared = prepare(raw, self.table, mapping, keep=None)
        del raw
        if self.roster is not None:
            reject_unmatched_people(prepared, mapping, self.roster)
        unknown_people_warnings(prepared, mapping, set(self.known))
        return prepared.rejects.frame(), prepared.warnings.frame()


@dataclass
class ImportReport:
    """What happened to one file. ``rejects`` and ``warnings`` are the first
    :data:`REJECTS_KEPT` of each by row; ``rejects_total`` and ``warnings_total`` count them
    all (a row with two problems has two)."""

    file: str
    table: str | None
    shape: str | None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    inserted: int = 0
    replaced: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[Reject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    rejects_total: int | None = None
    warnings_total: int | None = None
    #: set when there are more rejects or warnings than were written out
    source: Source | None = field(default=None, repr=False)
    #: (row, text) of the report footer the file ended with: not rows read (see RawTable.footer)
    footer: list[tuple[int, str]] = field(default_factory=list)
    #: (row, why) of the team roll-up goals of a goal export: kept apart, not a person's quota,
    #: not rows read (see :mod:`analytics.ingest.goals`)
    team_goals: list[tuple[int, str]] = field(default_factory=list)
    #: what a manager-link file, role hierarchy or territory list did to the roster
    enrichment: Enrichment | None = None
    #: a manager-link file loaded as the roster, since there was none to enrich
    as_roster: bool = False

    def __post_init__(self) -> None:
        if self.rejects_total is None:
            self.rejects_total = len(self.rejects)
        if self.warnings_total is None:
            self.warnings_total = len(self.warnings)

    @property
    def more_rejects(self) -> int:
        """Rejects beyond those in ``rejects``: counted, listed only in the full download."""
        return self.rejects_total - len(self.rejects)

    @property
    def more_warnings(self) -> int:
        return self.warnings_total - len(self.warnings)

    @cached_property
    def rejects_frame(self) -> pd.DataFrame:
        """The rejects written out as a table, built once (pages redraw often)."""
        return _frame(self.rejects)

    @cached_property
    def warnings_frame(self) -> pd.DataFrame:
        return _frame(self.warnings)

    def all_rejects(self) -> pd.DataFrame:
        """Every reject: those held, or, when there are more, all of them derived again from
        the file (seconds for millions of rows; never held afterwards)."""
        if not self.more_rejects or self.source is None:
            return self.rejects_frame
        return self.source.problems()[0]

    def all_warnings(self) -> pd.DataFrame:
        if not self.more_warnings or self.source is None:
            return self.warnings_frame
        return self.source.problems()[1]


def _frame(items: list[Reject]) -> pd.DataFrame:
    if not items:
        return pd.DataFrame({c: pd.Series([], dtype="str" if c != "row" else "int64") for c in REPORT_COLUMNS})
    df = pd.DataFrame([asdict(r) for r in items], columns=REPORT_COLUMNS)
    return df.sort_values(["file", "row"], kind="stable").reset_index(drop=True)


def all_rejects(reports: list[ImportReport]) -> pd.DataFrame:
    """Every reject of a batch, one line per problem (a row with two problems has two); a file
    with more rejects than were held has them derived again from its bytes."""
    frames = [rep.all_rejects() for rep in reports if rep.rejects_total]
    if not frames:
        return _frame([])
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out.sort_values(["file", "row"], kind="stable").reset_index(drop=True)


def rejects_total(reports: list[ImportReport]) -> int:
    """How many lines :func:`all_rejects` has, without building it."""
    return sum(rep.rejects_total for rep in reports)


@import_allocator()  # a file's columns on jemalloc (benchmarks/RESULTS.md)
def analyse_file(file_name: str, data: bytes, saved_mappings: list[dict] | None = None) -> FileAnalysis:
    """Read and recognise a file; a file that cannot be read gets ``error``, never an exception."""
    analysis = FileAnalysis(file_name, len(data), data=data)
    try:
        analysis.raw = read_export(file_name, data)
    except ExportError as exc:
        analysis.error = str(exc)
        return analysis
    if not analysis.raw.headers:
        analysis.error = f"{file_name}: the file has no header row."
        return analysis
    add_full_names(analysis.raw)  # "First Name + Last Name": a column the mapping can choose
    if analysis.raw.headerless:  # the columns guessed from their values, always for the user to check
        analysis.recognition = recognise_headerless(analysis.raw.headers, analysis.raw.column_kinds,
                                                    saved_mappings, analysis.raw.frame)
        return analysis
    analysis.recognition = recognise(analysis.raw.headers, saved_mappings, analysis.raw.frame)
    if not (analysis.recognition.recognised and analysis.recognition.confidence >= 1.0):
        # not a saved mapping or a named layout: a wide target sheet becomes quota periods
        wide = widen(analysis.raw)
        if wide is not None:
            analysis.raw, analysis.recognition = wide
        elif (ratings := widen_ratings(analysis.raw)) is not None:
            # a wide review or survey export: one long row per person and rating column
            analysis.wide_raw = analysis.raw
            analysis.ratings, analysis.raw, analysis.recognition = ratings
    return analysis


@import_allocator()
def import_file(ws: Workspace, analysis: FileAnalysis, table_name: str | None = None,
                mapping: dict[str, str] | None = None, progress: Progress | None = None,
                check_people: bool = True, release_raw: bool = False,
                ratings: tuple[str, ...] | list[str] | None = None) -> ImportReport:
    """Validate and load one analysed file. ``table_name``/``mapping`` override recognition.

    A wide review or survey export (``analysis.ratings``) loads as long rows of the table chosen
    (reviews or surveys) from the ``ratings`` columns ticked (default: those that look like
    ratings); chosen as any other table, it loads as the file was read, under ``mapping``.

    ``release_raw`` drops the file's text cells once they are parsed, before loading, for a
    caller that will not show the file again (a folder import): for a file of millions of rows it
    lowers the import's high point by those cells' text (benchmarks/RESULTS.md)."""
    rec = analysis.recognition
    source_raw = analysis.raw
    columns: tuple[str, ...] | None = None
    if analysis.ratings is not None and analysis.wide_raw is not None:
        chosen = table_name or (rec.table if rec else None)
        if chosen in RATING_TABLES:
            columns = tuple(ratings) if ratings is not None else analysis.ratings.ticked
            if rec is None or chosen != rec.table or ratings is not None:
                source_raw, rec = analysis.as_ratings(chosen, columns)
            if not columns or missing_required(chosen, rec.mapping):
                report = ImportReport(analysis.file_name, chosen, rec.shape)
                report.error = _ratings_missing(analysis, chosen, rec, columns)
                return report
        else:
            source_raw = analysis.wide_raw
            if mapping is None and chosen is not None:
                mapping = guess_mapping(chosen, source_raw.headers)
    if table_name is None and rec is not None and not rec.recognised:
        # a guess is only a starting point for the mapping form, never loaded unconfirmed
        report = ImportReport(analysis.file_name, None, None)
        report.error = analysis.error or (
            f"{analysis.file_name}: the app did not recognise this export; choose its table and columns.")
        return report
    table_name = table_name or (rec.table if rec else None)
    report = ImportReport(analysis.file_name, table_name, rec.shape if rec else None)
    if analysis.error or source_raw is None:
        report.error = analysis.error or f"{analysis.file_name}: the file could not be read."
        return report
    if table_name is None:
        report.error = f"{analysis.file_name}: the app did not recognise this file; choose its table and columns."
        return report
    if mapping is None and rec is not None and rec.table != table_name:  # another table chosen: its own guess
        mapping = guess_mapping(table_name, source_raw.headers, rows=source_raw.frame)
    mapping = dict(mapping if mapping is not None else rec.mapping if rec else {})
    mapping = {c: s for c, s in mapping.items() if s in source_raw.headers}
    as_roster = False
    if table_name == "manager_links" and not ws.counts()["people"]:
        # nothing to enrich: a file of people and their managers is the roster, as it always was
        roster = guess_mapping("people", source_raw.headers)
        if not missing_required("people", roster):
            table_name, mapping, as_roster = "people", roster, True
            report.table = "people"
    missing = missing_required(table_name, mapping)
    if missing:
        report.error = (f"{analysis.file_name}: choose a column for "
                        + ", ".join(m.replace("_", " ") for m in missing)
                        + f" (required for {schema.table(table_name).label.lower()}).")
        report.rows_read = source_raw.rows_read
        return report
    if as_roster:
        report.shape = "Manager links, loaded as the roster (no roster to enrich)"
    elif mapping != (rec.mapping if rec else None):
        report.shape = "Column mapping chosen by hand"
    elif source_raw.headerless:
        report.shape = "No header row: the columns guessed from their values, checked in the mapping form"
    footer = list(source_raw.footer)
    raw, team = (split_team_goals(source_raw, mapping) if table_name == "quotas" else (source_raw, []))
    del source_raw
    derived, chosen = None, mapping  # the mapping of the file's own columns, for Source
    if table_name == "quotas" and "period_start" in mapping and "period_end" not in mapping:
        raw, mapping, derived = derive_period_end(raw, mapping)
    prepared: Prepared = prepare(raw, table_name, mapping, progress)
    if derived:
        prepared.notes.append(derived)
    del raw
    if prepared.rows_read != prepared.rows_loaded + prepared.rows_rejected:  # checked before anything loads
        report.error = f"{analysis.file_name}: the import could not account for every row, so nothing was loaded."
        return report
    if release_raw:
        analysis.raw = analysis.wide_raw = None
    if prepared.rows_read >= LARGE:
        return_memory()
    known = ws.known_people() if check_people and table_name in schema.PERSON_REFERENCES else set()
    unknown_people_warnings(prepared, mapping, known)
    roster = Roster.of(ws) if table_name == "manager_links" else None
    if roster is not None:
        reject_unmatched_people(prepared, mapping, roster)
    before = roster_view(ws) if is_enrichment(table_name) else None
    reading = None
    if table_name == "coaching_sessions":  # the behaviours read from the notes, stored with the rows
        reading = read_session_notes(prepared.frame, mapping, progress)
    if progress:
        progress(0.85, "Loading into the workspace")
    corrected = 0
    if table_name == "coaching_sessions":
        result, corrected = load_sessions(ws, prepared.frame)
    else:
        result = ws.load(table_name, prepared.frame)
    sessions = None
    if table_name == "activities" and "description" in mapping:  # 1:1s and call reviews logged as activities
        try:  # the activities are loaded: placing their 1:1s must not undo that
            sessions = sessions_from_activities(ws, prepared.frame, prepared.rows, mapping, analysis.file_name,
                                                progress)
        except Exception as exc:  # noqa: BLE001 - reported in words, the traceback to the server log
            logger.exception("1:1s among the activities of %s not placed", analysis.file_name)
            sessions = ActivitySessions(notes=[f"The 1:1s and call reviews among these activities could not be loaded "
                                               f"as coaching sessions ({type(exc).__name__}); the activities loaded."])
        if sessions.warnings:
            prepared.warnings.add_written(sessions.warnings)
            prepared.warnings.first()
    if before is not None:
        report.enrichment = enrichment(ws, table_name, before, prepared.rows_loaded)
    report.as_roster = as_roster
    report.rows_read = prepared.rows_read
    report.rows_loaded = prepared.rows_loaded
    report.rows_rejected = prepared.rows_rejected
    report.inserted, report.replaced = result.inserted, result.replaced
    report.rejects, report.rejects_total = prepared.rejects.first(), prepared.rejects.total
    report.warnings, report.warnings_total = prepared.warnings.first(), prepared.warnings.total
    if (report.more_rejects or report.more_warnings) and analysis.data is not None:
        report.source = Source(analysis.file_name, analysis.data, table_name, chosen, frozenset(known),
                               analysis.ratings if columns is not None else None, columns, roster)
    report.notes = prepared.notes
    if reading is not None and (said := reading.sentence()):
        report.notes.append(said)
    if said := corrections_note(corrected):
        report.notes.append(said)
    if sessions is not None:
        report.notes += sessions.notes
    report.footer = footer
    report.team_goals = team
    if team:
        report.notes.append(f"{len(team):,} team roll-up goal{'s' if len(team) != 1 else ''} kept apart: each rolls up "
                            "other goals (a manager's or a team's), so it is not loaded as a person's quota; listed "
                            "by row below.")
    if not known and table_name in schema.PERSON_REFERENCES and check_people:
        report.notes.append("No roster loaded: owners were not checked against a people file.")
    if prepared.rows_read >= LARGE:
        del prepared
        return_memory()
    ws.log_import(report.file, table_name, report.shape, report.rows_read, report.rows_loaded,
                  report.rows_rejected, report.inserted, report.replaced)
    if progress:
        progress(1.0, "Done")
    return report


def _ratings_missing(analysis: FileAnalysis, table: str, rec: Recognition, columns: tuple[str, ...]) -> str:
    """Why a wide ratings file cannot load as ``table``."""
    if not columns:
        return f"{analysis.file_name}: no column is ticked as ratings; tick the columns to load."
    if "subject_manager" in rec.missing_required:
        return (f"{analysis.file_name}: survey answers need the manager they are about, and this file has no "
                "manager column; add one to the export, or load the file as capability reviews.")
    return (f"{analysis.file_name}: {', '.join(m.replace('_', ' ') for m in rec.missing_required)} not found "
            f"(required for {schema.table(table).label.lower()}).")


@dataclass
class ImportJob:
    """One file of a batch, with the table and mapping the user chose (None: as recognised), and
    for a wide ratings file the columns ticked as ratings (None: those that look like ratings)."""

    analysis: FileAnalysis
    table: str | None = None
    mapping: dict[str, str] | None = None
    ratings: tuple[str, ...] | None = None

    @property
    def target(self) -> str | None:
        rec = self.analysis.recognition
        return self.table or (rec.table if rec else None)


def _load_rank(job: ImportJob) -> int:
    order = schema.LOAD_ORDER
    return order.index(job.target) if job.target in order else len(order)


def import_files(ws: Workspace, jobs: list[ImportJob] | list[FileAnalysis],
                 progress: Progress | None = None) -> list[ImportReport]:
    """Load a batch: the roster first (as chosen, not only as recognised), so owners in the
    other files can be checked against it."""
    ordered = sorted((j if isinstance(j, ImportJob) else ImportJob(j) for j in jobs), key=_load_rank)
    reports = []
    for i, job in enumerate(ordered):
        def sub(frac: float, text: str, i=i, job=job) -> None:
            if progress:
                progress((i + frac) / len(ordered), f"{job.analysis.file_name}: {text}")
        reports.append(import_file(ws, job.analysis, job.table, job.mapping, sub, ratings=job.ratings))
    return reports


#: How much of a file is read to recognise it when ordering a folder's files.
HEAD_BYTES = 64 * 1024


def _head_rank(path: Path) -> int:
    """The file's place in the load order, recognised from its first lines only."""
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if len(head) == HEAD_BYTES and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]  # whole lines only
    analysis = analyse_file(path.name, head)
    if analysis.error:  # the cut fell inside a quoted value, or the file is not readable: read it all
        analysis = analyse_file(path.name, path.read_bytes())
    return _load_rank(ImportJob(analysis))


def import_directory(ws: Workspace, directory: Path, pattern: str = "*.csv") -> list[ImportReport]:
    """Import every file in a folder (the demo, a test fixture, a benchmark) through the upload
    path, the roster first. Files are read one at a time, so memory holds one file, not all."""
    paths = sorted(Path(directory).glob(pattern))
    if pattern.lower().endswith(".csv"):
        # sorted() is stable: name order within a rank
        return [import_file(ws, analysis, release_raw=True) for analysis in _analysed(sorted(paths, key=_head_rank))]
    return import_files(ws, [_analyse_path(p) for p in paths])


def _analyse_path(path: Path, data: bytes | None = None) -> FileAnalysis:
    """A file on disk analysed (``data``: its bytes, when they were read already); its path, not
    its bytes, is kept for deriving full reject lists."""
    analysis = analyse_file(path.name, path.read_bytes() if data is None else data)
    analysis.data = path
    return analysis


#: A folder's next file is read from disk while the one before it is imported when the two hold
#: at most this much together: the import's high point grows with the bytes in hand, and a
#: 1,000,000-deal export and the 5,000,000 activities after it (650 MB) stay under 2 GB.
READ_AHEAD_BYTES = 768 << 20


def _analysed(paths: list[Path]) -> Iterator[FileAnalysis]:
    """Each file analysed in turn; while one is imported, the next one's bytes are read on a thread
    of their own (the read waits on the disk and the kernel's copy, which release the GIL), when
    the two fit :data:`READ_AHEAD_BYTES`. The analyses are as one by one: a file's bytes are the
    same whenever they are read."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead") as pool:
        ahead: Future[bytes] | None = None
        for i, path in enumerate(paths):
            data = ahead.result() if ahead is not None else None
            ahead = None  # the future would keep the bytes alive through the import
            analysis = _analyse_path(path, data)
            del data
            after = paths[i + 1] if i + 1 < len(paths) else None
            if after is not None and _size(path) + _size(after) <= READ_AHEAD_BYTES:
                ahead = pool.submit(after.read_bytes)
            yield analysis
            del analysis


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return READ_AHEAD_BYTES + 1  # unknown: never read ahead
