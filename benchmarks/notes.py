"""`make bench`'s row "Read coaching notes": the text reader (analytics/ingest/coaching_text.py) at
import scale.

100,000 notes in a realistic mix, built from the sentences of the generated labelled set
(tests/coaching_notes.py): terse 1:1 notes and CRM activity descriptions (2-6 sentences),
coaching-tool summaries (3-6 bullets), call-review transcripts of 20-60 turns (Manager:/Rep:), the
generated notes as they are, and a few not-read ones. ``read_notes`` is timed in this process
(the import runs in the app's process, so does this): seconds and notes per second.

``python -m benchmarks.notes [--notes N]`` prints the numbers alone.
"""

from __future__ import annotations

import argparse
import random
import time


def build_notes(n: int = 100_000, seed: int = 21) -> list[str]:
    """``n`` notes in the import mix (see the module's docstring)."""
    from tests.coaching_notes import generate

    df = generate()
    read = df[df["not_read"].isna()]
    prose = [s for t in read[read.form.isin(("note", "crm"))].text for s in t.replace("\n", ". ").split(". ") if s]
    bullets = [ln.lstrip("-* ") for t in read[read.form == "summary"].text for ln in t.split("\n")[1:] if ln.strip()]
    turns = [ln.split(":", 1)[1].strip() for t in read[read.form == "transcript"].text for ln in t.split("\n")
             if ":" in ln]
    whole = df["text"].tolist()
    rng = random.Random(seed)
    notes = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.35:
            notes.append(rng.choice(("", "1:1 - ", "Call review: ")) + ". ".join(rng.sample(prose, rng.randint(2, 6))))
        elif kind < 0.55:
            notes.append("Session summary\n- " + "\n- ".join(rng.sample(bullets, rng.randint(3, 6))))
        elif kind < 0.70:
            lines = [f"{'Manager' if i % 2 == 0 else 'Rep'}: {rng.choice(turns)}" for i in range(rng.randint(20, 60))]
            notes.append("\n".join(lines))
        else:
            notes.append(rng.choice(whole))
    return notes


def measure_notes(n: int = 100_000) -> dict[str, float]:
    """Seconds to read ``n`` notes of the import mix, and notes per second."""
    from analytics.ingest.coaching_text import read_notes

    notes = build_notes(n)
    read_notes(notes[:200])  # warm: compiled patterns
    t0 = time.perf_counter()
    read_notes(notes)
    seconds = time.perf_counter() - t0
    return {"notes": n, "seconds": seconds, "notes_per_s": n / seconds,
            "ms_per_note": 1000 * seconds / n, "avg_chars": sum(map(len, notes)) / n}


def measure_notes_import(n: int = 100_000) -> dict[str, float]:
    """Seconds to import a coaching log of ``n`` sessions with notes end to end (read, recognise,
    validate, read the notes (by worker processes, one per core, as the app does), load), in this
    process on a fresh workspace (:mod:`benchmarks.notes_import`)."""
    from benchmarks.notes_import import coaching_log, timed_import

    seconds, report = timed_import("coaching_log.csv", coaching_log(n))
    return {"sessions": report.rows_loaded, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=100_000)
    args = ap.parse_args(argv)
    res = measure_notes(args.notes)
    print(f"{res['notes']:,} notes (average {res['avg_chars']:,.0f} characters) read in {res['seconds']:.1f} s: "
          f"{res['notes_per_s']:,.0f} notes/s, {res['ms_per_note']:.3f} ms per note")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
