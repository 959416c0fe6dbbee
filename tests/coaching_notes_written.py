"""Hand-written, blind test sets of coaching notes for the text reader (issue 21).

Each ``tests/data/coaching_notes_written_*.jsonl`` file holds notes written by hand by someone who
never saw the reader, labelled by the rules of docs/COACHING_TEXT.md: one JSON object a line,

    {"id": "w1-001", "form": "note|crm|transcript|summary", "style": "...", "text": "...",
     "labels": {<behaviour>: true|false|null, ...},
     "evidence": {<behaviour>: "exact sentence of text" | null, ...},
     "case": {<behaviour>: "positive|generic advice|telling question|status question|deal next step|
                            deal moved|not mentioned|not read", ...},
     "not_read": null | "empty" | "boilerplate" | "language" | "too short"}

(an optional ``trap`` object names, per behaviour, a trap outside the five boundary cases, such as
"negation", "intention" or "manager did it"; it is documentation and is not loaded).

``load()`` gives them in exactly the columns of ``tests.coaching_notes.generate()`` (``split`` is
"written"), so the same evaluation code runs on the generated and the hand-written notes. Never tune
a reader on these notes: they are the blind set. ``python -m tests.coaching_notes_written`` prints
the counts by form, style, label and case.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tests.coaching_notes import BEHAVIOURS

DATA = Path(__file__).parent / "data"
PATTERN = "coaching_notes_written_*.jsonl"

#: The columns of ``tests.coaching_notes.generate()``, in its order.
COLUMNS = (["note_id", "split", "form", "style"]
           + [c for b in BEHAVIOURS for c in (b, f"evidence_{b}", f"case_{b}")]
           + ["text", "not_read"])


def files() -> list[Path]:
    """Every hand-written notes file, in name order."""
    return sorted(DATA.glob(PATTERN))


def records(path: Path) -> list[dict]:
    """The JSON records of one file, each with the ``file`` and 1-based ``line`` it came from."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if line.strip():
                out.append({**json.loads(line), "file": path.name, "line": line_no})
    return out


def _row(rec: dict) -> dict:
    row = {"note_id": rec["id"], "split": "written", "form": rec["form"], "style": rec["style"]}
    for b in BEHAVIOURS:
        row[b] = rec["labels"][b]
        row[f"evidence_{b}"] = rec["evidence"][b]
        row[f"case_{b}"] = rec["case"][b]
    row.update(text=rec["text"], not_read=rec["not_read"])
    return row


def load(paths: list[Path] | None = None) -> pd.DataFrame:
    """All hand-written notes, one row per note, in the columns of ``tests.coaching_notes.generate()``.

    >>> df = load()
    >>> list(df.columns) == COLUMNS, set(df.split)
    (True, {'written'})
    """
    rows = [_row(rec) for path in (files() if paths is None else paths) for rec in records(path)]
    df = pd.DataFrame(rows, columns=COLUMNS)
    for b in BEHAVIOURS:
        df[b] = df[b].astype("boolean")
    return df


def counts(df: pd.DataFrame) -> str:
    """Counts by form, by style, labels per behaviour (present / absent / not read) and cases."""
    lines = ["notes per form:", df.groupby("form").size().to_string(), ""]
    lines += ["notes per form and style:", df.groupby(["form", "style"]).size().to_string(), ""]
    lines += ["not read, by reason:", df.not_read.value_counts().to_string(), ""]
    lines.append("labels per behaviour (present / absent / not read; share present among read):")
    for b in BEHAVIOURS:
        yes, no = int(df[b].eq(True).sum()), int(df[b].eq(False).sum())
        share = yes / (yes + no) if yes + no else 0.0
        lines.append(f"  {b:22} {yes:4} / {no:4} / {int(df[b].isna().sum()):3}   {share:.0%}")
    cases = pd.concat([df[f"case_{b}"].rename("case").to_frame().assign(behaviour=b) for b in BEHAVIOURS])
    lines += ["", "cases per behaviour:",
              cases.groupby(["case", "behaviour"]).size().unstack("behaviour").fillna(0).astype(int).to_string()]
    return "\n".join(lines)


if __name__ == "__main__":
    print(counts(load()))
