"""Reading coaching notes at import (issue 21): how long it takes, and what it costs files without text.

``python -m benchmarks.notes_import`` prints

* **notes at scale**: a generated coaching log of ``--sessions`` sessions (default 100,000) with
  notes, built from :func:`tests.coaching_notes.generate`'s texts with the customer and a rep's
  first name varied per row (so most notes are distinct, as a real log's are), imported end to end
  with ``import_file`` (read, recognise, parse, read the notes, load), beside the reader alone on
  the same distinct texts;
* **files without text**: a coaching log with the four flags and no notes, and an activities file
  without descriptions (``--rows`` each), imported alternately with the reading step switched on
  (as shipped) and off (the step bypassed), median of ``--repeats``: the step must cost nothing
  beyond noise.

Every import runs in this process on a fresh workspace; speed is printed, never asserted.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

import numpy as np
import pandas as pd

from analytics.ingest import coaching_text, notes_import
from analytics.ingest import pipeline as pipeline_module
from analytics.ingest.pipeline import analyse_file, import_file
from analytics.store.workspace import Workspace
from tests.coaching_notes import BANKS, generate

FIRST = ("Ana", "Ben", "Chen", "Dara", "Eli", "Femi", "Gia", "Hugo", "Ines", "Jon", "Kofi", "Lia", "Mateo", "Nia")


def coaching_log(n: int, seed: int = 21) -> bytes:
    """A coaching log of ``n`` sessions with notes: the labelled set's texts, customers and names varied."""
    base = generate(seed=seed)["text"].fillna("").tolist()
    customers = sorted({c for bank in BANKS.values() for c in bank["vocab"]["cust"]}, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, customers)))
    rng = np.random.default_rng(seed)
    pool = [f"Customer {i:04d}" for i in range(4000)]
    picks = rng.integers(0, len(pool), n)
    names = rng.integers(0, len(FIRST), n)
    texts = []
    for i in range(n):
        text = pattern.sub(pool[picks[i]], base[i % len(base)])
        texts.append(f"{FIRST[names[i]]}: {text}" if text and i % 3 == 0 else text)
    frame = pd.DataFrame({"Session ID": [f"S{i:07d}" for i in range(n)],
                          "Manager": [f"Manager {i % 200:03d}" for i in range(n)],
                          "Rep": [f"Rep {i % 2000:04d}" for i in range(n)],
                          "Session Date": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n) % 700, "D"),
                          "Minutes": 30, "Notes": texts})
    return frame.to_csv(index=False).encode()


def flags_log(n: int) -> bytes:
    rng = np.random.default_rng(1)
    return pd.DataFrame({"session_id": [f"S{i:07d}" for i in range(n)],
                         "manager": [f"Manager {i % 200:03d}" for i in range(n)],
                         "rep": [f"Rep {i % 2000:04d}" for i in range(n)],
                         "session_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n) % 700, "D"),
                         **{b: rng.integers(0, 2, n).astype(bool) for b in
                            ("named_specific_gap", "asked_before_telling", "tied_to_plan", "tracked_application")}}
                        ).to_csv(index=False).encode()


def activities(n: int) -> bytes:
    return pd.DataFrame({"Id": [f"T{i:08d}" for i in range(n)], "OwnerId": [f"Rep {i % 2000:04d}" for i in range(n)],
                         "ActivityDate": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n) % 700, "D"),
                         "Subject": np.where(np.arange(n) % 7 == 0, "Weekly 1:1", "Call with customer"),
                         "TaskSubtype": "Call", "Status": "Completed"}).to_csv(index=False).encode()


def timed_import(name: str, data: bytes, table: str | None = None) -> tuple[float, object]:
    ws = Workspace()
    t0 = time.perf_counter()
    report = import_file(ws, analyse_file(name, data), table)
    seconds = time.perf_counter() - t0
    ws.close()
    return seconds, report


def notes_at_scale(n: int) -> None:
    data = coaching_log(n)
    seconds, report = timed_import("coaching_log.csv", data)
    distinct = pd.read_csv(pd.io.common.BytesIO(data))["Notes"].dropna().nunique()
    print(f"notes at scale: {n:,} sessions ({distinct:,} distinct notes, {len(data) / 1e6:.0f} MB): import "
          f"{seconds:.1f} s end to end (notes read by worker processes); loaded {report.rows_loaded:,}, "
          f"table {report.table}")
    for note in report.notes:
        print("   ", note)
    shared = notes_import.PARALLEL_FROM
    notes_import.PARALLEL_FROM = 10**12
    try:
        serial, _ = timed_import("coaching_log.csv", data)
    finally:
        notes_import.PARALLEL_FROM = shared
    print(f"    the same import reading in one process: {serial:.1f} s")
    texts = pd.read_csv(pd.io.common.BytesIO(data))["Notes"].dropna().unique().tolist()
    t0 = time.perf_counter()
    coaching_text.read_notes(texts)
    print(f"    the reader alone on the {len(texts):,} distinct notes, in one process: {time.perf_counter() - t0:.1f} s")


def without_text(rows: int, repeats: int) -> None:
    files = (("coaching log with flags, no notes", "flags.csv", flags_log(rows)),
             ("activities, no descriptions", "Task.csv", activities(rows)))
    real_read, real_from = pipeline_module.read_session_notes, pipeline_module.sessions_from_activities

    def off_read(frame, mapping, progress=None):
        return notes_import.NotesReading()

    def off_from(*args, **kwargs):
        return _Nothing()

    for label, name, data in files:
        times: dict[str, list[float]] = {"on": [], "off": []}
        for _ in range(repeats):
            for mode in ("on", "off"):  # interleaved, so drift in the machine hits both alike
                pipeline_module.read_session_notes = real_read if mode == "on" else off_read
                pipeline_module.sessions_from_activities = real_from if mode == "on" else off_from
                try:
                    times[mode].append(timed_import(name, data)[0])
                finally:
                    pipeline_module.read_session_notes, pipeline_module.sessions_from_activities = real_read, real_from
        on, off = statistics.median(times["on"]), statistics.median(times["off"])
        print(f"{label} ({rows:,} rows): with the reading step {on:.2f} s, without {off:.2f} s "
              f"(median of {repeats}; difference {100 * (on - off) / off:+.0f}%)")


class _Nothing:
    notes: list = []
    warnings: list = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()
    if not args.skip_scale:
        notes_at_scale(args.sessions)
    without_text(args.rows, args.repeats)


if __name__ == "__main__":
    main()
