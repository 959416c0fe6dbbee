"""Score the coaching-notes reader (analytics/ingest/coaching_text.py) on a labelled set.

``python -m tools.notes_eval [--split train|heldout|all] [--set generated|written] [--errors]``

Prints, per behaviour, precision, recall and F1 and the number of uncertain readings, then the
macro-F1 over the four behaviours, and how far the reader agrees with the labels on which notes
are "not read". Rules of the count (docs/COACHING_TEXT.md):

* a note the *labels* call "not read" is left out of P/R/F1 (its agreement is reported apart);
* a reading that is uncertain (<NA>) or a note the *reader* did not read counts as "not shown";
* ``--errors`` lists the misread notes grouped by behaviour and boundary case (``case_<b>``).

``--set generated`` is :func:`tests.coaching_notes.generate` (its ``train`` split is the only one
to tune on; read ``heldout`` for its aggregate numbers only). ``--set written`` is a hand-written
set loaded by name through ``tests.coaching_notes_written.load()``, for a blind evaluation.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time

import pandas as pd

from analytics.ingest.coaching_text import read_notes
from analytics.schema import COACHING_BEHAVIOURS


def load_set(which: str) -> pd.DataFrame:
    """The labelled notes: one row per note with ``text``, ``split``, per behaviour a nullable label."""
    if which == "generated":
        from tests.coaching_notes import generate

        return generate()
    module = importlib.import_module("tests.coaching_notes_written")  # never read here: a blind set
    return module.load()


def score(df: pd.DataFrame, readings: pd.DataFrame) -> dict:
    """Per behaviour: tp, fp, fn, precision, recall, f1, uncertain; plus not-read agreement."""
    readings = readings.reset_index(drop=True)
    df = df.reset_index(drop=True)
    out: dict = {}
    for b in COACHING_BEHAVIOURS:
        labelled = df[b].notna()
        truth = df.loc[labelled, b].astype(bool)
        shown = readings.loc[labelled, b].eq(True).fillna(False).astype(bool)
        tp = int((truth & shown).sum())
        fp = int((~truth & shown).sum())
        fn = int((truth & ~shown).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        uncertain = int((readings.loc[labelled, "text_status"].eq("read") & readings.loc[labelled, b].isna()).sum())
        out[b] = {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f1, "uncertain": uncertain,
                  "n": int(labelled.sum())}
    out["macro_f1"] = sum(out[b]["f1"] for b in COACHING_BEHAVIOURS) / len(COACHING_BEHAVIOURS)
    label_nr = df[list(COACHING_BEHAVIOURS)].isna().all(axis=1)
    read_nr = readings["text_status"].ne("read")
    out["not_read"] = {"both": int((label_nr & read_nr).sum()), "labels_only": int((label_nr & ~read_nr).sum()),
                       "reader_only": int((~label_nr & read_nr).sum()), "labelled_not_read": int(label_nr.sum())}
    return out


def report(scores: dict, n_notes: int, seconds: float) -> str:
    lines = [f"{'behaviour':<24}{'n':>5}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}{'uncertain':>11}"]
    for b in COACHING_BEHAVIOURS:
        s = scores[b]
        lines.append(f"{b:<24}{s['n']:>5}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
                     f"{s['tp']:>5}{s['fp']:>5}{s['fn']:>5}{s['uncertain']:>11}")
    lines.append(f"macro-F1: {scores['macro_f1']:.3f}")
    nr = scores["not_read"]
    lines.append(f"not read: {nr['labelled_not_read']} by the labels; agreed {nr['both']}, "
                 f"read by the reader but not by the labels {nr['labels_only']}, "
                 f"not read by the reader but labelled {nr['reader_only']}")
    lines.append(f"{n_notes} notes read in {seconds:.2f} s ({n_notes / max(seconds, 1e-9):,.0f} notes/s)")
    return "\n".join(lines)


def errors(df: pd.DataFrame, readings: pd.DataFrame) -> str:
    """The misread notes, grouped by behaviour and boundary case."""
    df = df.reset_index(drop=True)
    readings = readings.reset_index(drop=True)
    lines = []
    for b in COACHING_BEHAVIOURS:
        labelled = df[b].notna()
        truth = df[b].eq(True).fillna(False)
        shown = readings[b].eq(True).fillna(False)
        wrong = labelled & (truth != shown)
        if not wrong.any():
            continue
        lines.append(f"\n=== {b}: {int(wrong.sum())} misread")
        case_col = f"case_{b}" if f"case_{b}" in df else None
        groups = df[wrong].groupby(df.loc[wrong, case_col] if case_col else pd.Series("?", index=df[wrong].index))
        for case, part in groups:
            lines.append(f"--- case: {case} ({len(part)})")
            for i in part.index:
                kind = "missed" if truth[i] else "false alarm"
                conf = readings.at[i, f"{b}_confidence"]
                lines.append(f"  [{kind}, confidence {conf:.2f}] evidence read: {readings.at[i, f'{b}_evidence']!r}")
                if f"evidence_{b}" in df and truth[i]:
                    lines.append(f"      labelled evidence: {df.at[i, f'evidence_{b}']!r}")
                lines.append("      " + str(df.at[i, "text"]).replace("\n", "\n      "))
    nr_label = df[list(COACHING_BEHAVIOURS)].isna().all(axis=1)
    nr_read = readings["text_status"].ne("read")
    for i in df.index[nr_label != nr_read]:
        lines.append(f"\n[not read: labels {df.at[i, 'not_read'] if 'not_read' in df else nr_label[i]!r}, "
                     f"reader {readings.at[i, 'text_status']!r}] {df.at[i, 'text']!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("train", "heldout", "all"), default="train")
    ap.add_argument("--set", dest="which", choices=("generated", "written"), default="generated")
    ap.add_argument("--errors", action="store_true", help="list the misread notes by boundary case")
    args = ap.parse_args(argv)
    df = load_set(args.which)
    if args.split != "all" and "split" in df:
        df = df[df["split"] == args.split]
    df = df.reset_index(drop=True)
    t0 = time.perf_counter()
    readings = read_notes(df["text"].tolist())
    seconds = time.perf_counter() - t0
    print(f"set: {args.which}, split: {args.split}, {len(df)} notes")
    print(report(score(df, readings), len(df), seconds))
    if args.errors:
        print(errors(df, readings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
