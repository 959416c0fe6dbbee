"""Coaching behaviours read from session notes at import (issue 21), and the one place coaching
sessions are loaded.

:func:`read_session_notes` fills, in a frame of ``coaching_sessions`` rows about to be loaded,
each behaviour and its companions (``schema.reading_columns``) and ``text_status``:

* a behaviour the export flags (its own column, non-null after validation) stands as it is:
  source ``"export"``, no evidence, no confidence (a file that carries the companions itself, such
  as the app's own download, keeps them);
* every other behaviour of a row with notes is read from them through
  :func:`analytics.ingest.coaching_text.read_notes`: the value (NULL when uncertain), source
  ``"text"`` (uncertain readings too), the confidence and the evidence sentence; ``text_status``
  says whether the note was read;
* a row without notes and without flags keeps NULLs (not measured).

Each distinct note is read once (templates repeat), only for the rows that need it; a file whose
rows need no reading never calls the reader. The reader never takes the import down: when it
raises, the notes are reported as not read (``text_status`` ``"not read: error"``) and the rows
load. The readings are stored in the table, so opening a saved workspace does not read again.

:func:`load_sessions` is the one place coaching sessions are written (from a coaching log, and
from 1:1s logged as CRM activities, :mod:`analytics.ingest.activity_sessions`).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import schema
from analytics.fmt import fmt_count, fmt_pct
from analytics.ingest import coaching_text
from analytics.store.corrections import apply_corrections
from analytics.store.workspace import LoadResult, Workspace

log = logging.getLogger(__name__)
#: the behaviours as a report sentence names them (FRAMEWORK order)
BEHAVIOUR_WORDS: dict[str, str] = {
    "named_specific_gap": "names a specific gap",
    "asked_before_telling": "asks before telling",
    "tied_to_plan": "ties it to a development plan",
    "tracked_application": "tracks independent application",
}
#: how a not-read reason reads in the report ("60 in another language")
NOT_READ_WORDS: dict[str, str] = {"empty": "empty", "boilerplate": "boilerplate", "language": "in another language",
                                  "too short": "too short to judge", "error": "the reader failed"}
READ = "read"
#: the values of a behaviour's ``_source`` column, as categories (stored as text)
SOURCES = list(schema.READING_SOURCES)
NOT_READ = "not read: "
#: ``text_status`` of notes the reader could not read because it failed (never "no behaviour")
READER_FAILED = NOT_READ + "error"
#: progress callback of an import: (fraction 0-1, text)
Progress = Callable[[float, str], None]


@dataclass
class NotesReading:
    """What reading a file's notes did, for the import report."""

    #: rows whose notes were read
    sessions_read: int = 0
    #: per behaviour: (shown, not shown) among confident readings from text
    confident: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: readings (row x behaviour) from text that were uncertain (value NULL)
    uncertain: int = 0
    #: notes not read, per reason (``empty``, ``language``...)
    not_read: dict[str, int] = field(default_factory=dict)
    #: per behaviour the export flags: rows with the flag
    from_export: dict[str, int] = field(default_factory=dict)
    #: distinct note texts given to the reader
    texts_read: int = 0
    failed: str | None = None

    def sentence(self, where: str = "notes") -> str | None:
        """The report's note: "Behaviours read from the notes of 9,812 sessions: ...", or None when
        nothing was read or flagged."""
        parts = []
        if self.sessions_read:
            rates = []
            for b, (yes, no) in self.confident.items():
                if yes + no:
                    rates.append(f"{BEHAVIOUR_WORDS[b]} in {fmt_pct(yes / (yes + no))}")
            text = f"Behaviours read from the {where} of {fmt_count(self.sessions_read, 'session')}"
            text += (": shown with confidence — " + ", ".join(rates)) if rates else ""
            if self.uncertain:
                text += f"; {fmt_count(self.uncertain, 'reading')} uncertain (not counted)"
            parts.append(text)
        if self.failed:
            parts.append(f"the {where} of {fmt_count(self.not_read.get('error', 0), 'session')} could not be read "
                         f"(the reader failed: {self.failed}), so their behaviours are not measured; the sessions "
                         "loaded")
        not_read = {r: k for r, k in self.not_read.items() if r != "error"}
        if not_read:
            total = sum(not_read.values())
            why = ", ".join(f"{k:,} {NOT_READ_WORDS.get(r, r)}"
                            for r, k in sorted(not_read.items(), key=lambda kv: -kv[1]))
            parts.append(f"{fmt_count(total, 'note')} not read ({why}: not measured)")
        if self.from_export:
            parts.append("the export's own flags are used as they are for "
                         + ", ".join(f"{BEHAVIOUR_WORDS[b]} ({fmt_count(n, 'session')})"
                                     for b, n in self.from_export.items()))
        if not parts:
            return None
        out = "; ".join(parts)
        return out[0].upper() + out[1:] + "."


def _blank(values: pd.Series) -> np.ndarray:
    """Cells with no note (missing, or only whitespace)."""
    text = values.astype("string")
    return (text.isna() | (text.str.strip() == "")).to_numpy(dtype=bool, na_value=True)


def read_session_notes(frame: pd.DataFrame, mapping: dict[str, str], progress: Progress | None = None,
                       span: tuple[float, float] = (0.75, 0.85)) -> NotesReading:
    """Fill ``frame`` (``coaching_sessions`` rows, every canonical column present) with the
    behaviours read from its notes, in place (see the module). ``mapping`` says which columns the
    file itself carries; ``progress`` moves from ``span[0]`` to ``span[1]`` while reading."""
    out = NotesReading()
    n = len(frame)
    has_notes = "notes" in mapping and n > 0
    blank = _blank(frame["notes"]) if has_notes else np.ones(n, dtype=bool)
    flags: dict[str, np.ndarray] = {}
    for b in schema.COACHING_BEHAVIOURS:
        source, evidence, confidence = schema.reading_columns(b)
        if b not in mapping:
            flags[b] = np.zeros(n, dtype=bool)
            if has_notes:  # to be read: typed columns to write the readings into
                frame[b] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
                frame[source] = pd.Categorical.from_codes(np.full(n, -1), categories=SOURCES)
                frame[evidence] = pd.Series(pd.NA, index=frame.index, dtype="string")
                frame[confidence] = pd.Series(np.nan, index=frame.index, dtype="float64")
            continue  # else nothing to say: the columns stay NULL (not measured), at no cost
        values = frame[b].astype("boolean")
        flags[b] = values.notna().to_numpy(dtype=bool)
        frame[b] = values
        # the file's own provenance where it carries it (the app's download loaded again)
        own = frame[source].astype("string") if source in mapping else None
        kept = flags[b] & (own.isin(schema.READING_SOURCES).to_numpy(dtype=bool, na_value=False)
                           if own is not None else np.zeros(n, dtype=bool))
        codes = np.where(flags[b], SOURCES.index("export"), -1)
        if kept.any():
            codes[kept] = [SOURCES.index(v) for v in own[kept]]
        frame[source] = pd.Categorical.from_codes(codes, categories=SOURCES)  # vectorised, no strings per row
        if has_notes or evidence in mapping:
            frame[evidence] = (frame[evidence].astype("string").where(kept) if evidence in mapping
                               else pd.Series(pd.NA, index=frame.index, dtype="string"))
        if has_notes or confidence in mapping:
            frame[confidence] = (pd.to_numeric(frame[confidence], errors="coerce").where(kept)
                                 if confidence in mapping else pd.Series(np.nan, index=frame.index, dtype="float64"))
        if flags[b].any():
            out.from_export[b] = int(flags[b].sum())
    if has_notes or "text_status" in mapping:
        frame["text_status"] = (frame["text_status"].astype("string") if "text_status" in mapping
                                else pd.Series(pd.NA, index=frame.index, dtype="string"))
    if not has_notes:
        return out
    unflagged = ~np.logical_and.reduce([flags[b] for b in schema.COACHING_BEHAVIOURS])
    empty = unflagged & blank
    if empty.any():
        frame.loc[empty, "text_status"] = NOT_READ + "empty"
        out.not_read["empty"] = int(empty.sum())
    need = unflagged & ~blank
    if not need.any():
        return out
    codes, texts = pd.factorize(frame["notes"][need].astype("string"))
    out.texts_read = len(texts)
    sessions = int(need.sum())

    def moved(frac: float) -> None:
        if progress:
            done = min(sessions, int(round(frac * sessions)))
            progress(span[0] + (span[1] - span[0]) * frac,
                     f"Reading coaching notes: {done:,} of {fmt_count(sessions, 'session')}")

    moved(0.0)
    try:
        readings = read_texts(list(texts), moved)
        if len(readings) != len(texts):
            raise ValueError(f"{len(readings):,} readings for {len(texts):,} notes")
    except Exception as exc:  # noqa: BLE001 - the reader never takes the import down
        log.exception("coaching notes not read")  # the traceback to the server log only
        frame.loc[need, "text_status"] = READER_FAILED
        out.not_read["error"] = sessions
        out.failed = type(exc).__name__
        return out
    readings = readings.iloc[codes].reset_index(drop=True)
    rows = np.flatnonzero(need)
    status = readings["text_status"].astype("string").to_numpy()
    frame.loc[need, "text_status"] = status
    read = status == READ
    out.sessions_read = int(read.sum())
    for reason, count in pd.Series(status[~read]).value_counts().items():
        key = str(reason).removeprefix(NOT_READ)
        out.not_read[key] = out.not_read.get(key, 0) + int(count)
    for b in schema.COACHING_BEHAVIOURS:
        source, evidence, confidence = schema.reading_columns(b)
        take = ~flags[b][rows] & read
        at = rows[take]
        if not len(at):
            continue
        value = readings[b].astype("boolean")[take]
        frame.loc[frame.index[at], b] = value.to_numpy()
        frame.loc[frame.index[at], source] = "text"
        frame.loc[frame.index[at], confidence] = readings[f"{b}_confidence"].astype(float)[take].to_numpy()
        frame.loc[frame.index[at], evidence] = readings[f"{b}_evidence"].astype("string")[take].to_numpy()
        yes = int(value.fillna(False).sum())
        no = int((~value.fillna(True)).sum())
        out.confident[b] = (yes, no)
        out.uncertain += int(value.isna().sum())
    return out


#: From this many distinct notes, reading is shared among worker processes, one per core (at most
#: :data:`MAX_WORKERS`), in chunks of :data:`CHUNK` notes: the reader is Python per note, so on 2
#: cores this nearly halves a large log's reading (benchmarks/notes_import.py). Workers start fresh
#: (``spawn``: nothing of the session is copied into them but the notes they are given) and end
#: with the import; when they cannot start, the notes are read in this process.
PARALLEL_FROM = 20_000
CHUNK = 2_500
MAX_WORKERS = 4


def read_texts(texts: list[str], progress: Callable[[float], None] | None = None) -> pd.DataFrame:
    """:func:`coaching_text.read_notes` on ``texts``: in this process, or shared among worker
    processes for many notes (:data:`PARALLEL_FROM`). The reader's own errors propagate."""
    workers = min(MAX_WORKERS, os.cpu_count() or 1)
    if len(texts) < PARALLEL_FROM or workers < 2:
        return coaching_text.read_notes(texts, progress=progress)
    chunks = [texts[i:i + CHUNK] for i in range(0, len(texts), CHUNK)]
    try:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    except (OSError, ValueError):
        return coaching_text.read_notes(texts, progress=progress)
    parts: list[pd.DataFrame] = []
    try:
        futures = [pool.submit(coaching_text.read_notes, chunk) for chunk in chunks]
        for i, future in enumerate(futures):  # in order: the readings line up with the texts
            parts.append(future.result())
            if progress:
                progress((i + 1) / len(chunks))
    except (BrokenProcessPool, OSError, pickle.PicklingError):
        parts = []
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if not parts:  # the workers could not run: read here
        return coaching_text.read_notes(texts, progress=progress)
    out = pd.concat(parts, ignore_index=True)
    for col in out.columns:  # the dtypes of one piece (a chunk's column may have held only None)
        if out[col].dtype != parts[0][col].dtype and parts[0][col].dtype != "object":
            out[col] = out[col].astype(parts[0][col].dtype)
    return out


def load_sessions(ws: Workspace, frame: pd.DataFrame) -> tuple[LoadResult, int]:
    """Load ``coaching_sessions`` rows (a coaching log's, or 1:1s logged as CRM activities): the
    one place sessions are written, so what must follow every load of them goes here: a user's
    corrections of readings are applied again to the sessions of the same ``session_id``
    (:func:`analytics.store.corrections.apply_corrections`). Returns the load's result and how
    many sessions got a correction back."""
    result = ws.load("coaching_sessions", frame)
    return result, apply_corrections(ws)


def corrections_note(n: int) -> str | None:
    """The import report's line for corrections applied again, or None.

    >>> corrections_note(2)
    'Your corrections of readings were applied again to 2 sessions of this upload (corrections win over the notes).'
    """
    if not n:
        return None
    return (f"Your corrections of readings were applied again to {fmt_count(n, 'session')} of this upload "
            "(corrections win over the notes).")
