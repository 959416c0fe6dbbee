"""The hand-written blind sets of coaching notes (tests/data/coaching_notes_written_*.jsonl) are valid,
labelled consistently with docs/COACHING_TEXT.md's vocabulary, varied enough to measure a reader on,
and share no sentence with the generated set (tests/coaching_notes.py) or the rule book's examples."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.coaching_notes import BEHAVIOURS, FORMS, generate
from tests.coaching_notes_written import COLUMNS, counts, files, load, records

ROOT = Path(__file__).resolve().parents[2]
BOUNDARY = {
    "named_specific_gap": ("generic advice",),
    "asked_before_telling": ("telling question", "status question"),
    "tied_to_plan": ("deal next step",),
    "tracked_application": ("deal moved",),
}
CASES = {"positive", "not mentioned", "not read"} | {c for cs in BOUNDARY.values() for c in cs}
NOT_READ = {"empty", "boilerplate", "language", "too short"}
KEYS = {"id", "form", "style", "text", "labels", "evidence", "case", "not_read"}
OPTIONAL = {"trap"}

ALL = [(path, rec) for path in files() for rec in records(path)]


def test_there_is_a_written_set_and_each_file_holds_at_least_100_notes():
    assert files(), "no tests/data/coaching_notes_written_*.jsonl"
    for path in files():
        assert len(records(path)) >= 100, path.name


@pytest.mark.parametrize("path, rec", ALL, ids=[f"{p.name}:{r['line']}" for p, r in ALL])
def test_record_is_valid_and_consistent(path, rec):
    rec = {k: v for k, v in rec.items() if k not in ("file", "line")}
    assert KEYS <= set(rec) <= KEYS | OPTIONAL
    assert rec["form"] in FORMS
    assert isinstance(rec["style"], str) and rec["style"].strip()
    assert isinstance(rec["text"], str)
    for part in ("labels", "evidence", "case"):
        assert set(rec[part]) == set(BEHAVIOURS), part
    assert set(rec.get("trap") or {}) <= set(BEHAVIOURS)
    text = rec["text"]
    if rec["not_read"] is not None:
        assert rec["not_read"] in NOT_READ
        assert all(rec["labels"][b] is None and rec["evidence"][b] is None and rec["case"][b] == "not read"
                   for b in BEHAVIOURS)
        return
    for b in BEHAVIOURS:
        label, evidence, case = rec["labels"][b], rec["evidence"][b], rec["case"][b]
        assert isinstance(label, bool), b
        assert case in CASES - {"not read"}, (b, case)
        assert (case == "positive") == label, (b, case, label)
        if label:
            assert isinstance(evidence, str) and evidence.strip(), b
            assert evidence in text, (b, evidence)
        else:
            assert evidence is None, b
        assert case in ("positive", "not mentioned") or case in BOUNDARY[b], (b, case)


def test_ids_and_texts_are_unique_over_all_files():
    ids = Counter(rec["id"] for _, rec in ALL)
    texts = Counter(rec["text"] for _, rec in ALL)
    assert [i for i, n in ids.items() if n > 1] == []
    assert [t for t, n in texts.items() if n > 1] == []


def test_load_has_the_columns_of_the_generated_set():
    df, generated = load(), generate(seed=1, n_train=8, n_heldout=4)
    assert list(df.columns) == COLUMNS == list(generated.columns)
    assert len(df) == len(ALL) and set(df.split) == {"written"}
    for b in BEHAVIOURS:
        assert df[b].dtype == "boolean"
        assert df.loc[df.not_read.notna(), b].isna().all()
        assert df.loc[df.not_read.isna(), b].notna().all()


def test_every_form_is_well_represented():
    """At least 30 notes of each form once both writers' files exist (15 a file)."""
    per_form = load().form.value_counts()
    for form in FORMS:
        assert per_form.get(form, 0) >= 15 * len(files()), (form, per_form.to_dict())


def test_each_behaviour_is_present_and_absent_in_at_least_a_quarter_of_read_notes():
    read = load().query("not_read.isna()")
    for b in BEHAVIOURS:
        share = read[b].astype(bool).mean()
        assert 0.25 <= share <= 0.75, (b, share)


def test_each_boundary_case_and_not_read_appear_often_enough():
    df = load()
    for b, cases in BOUNDARY.items():
        for case in cases:
            assert (df[f"case_{b}"] == case).sum() >= 10, (b, case)
    assert df.not_read.notna().sum() >= 5


def _sentences(text: str) -> set[tuple[str, ...]]:
    """Sentences (or bullets, turns, clauses between ; and /) of 6+ words, as lower-case word tuples."""
    parts = re.split(r"[.!?;\n]+|\s[/\-–—]\s|\*|•", text)
    out = set()
    for part in parts:
        words = tuple(re.findall(r"[a-z0-9']+", part.lower()))
        if len(words) >= 6:
            out.add(words)
    return out


def test_no_sentence_is_shared_with_the_generated_set_or_the_rule_book():
    generated = set().union(*(_sentences(t) for t in generate().text))
    rule_book = (ROOT / "docs" / "COACHING_TEXT.md").read_text(encoding="utf-8")
    examples = set().union(*(_sentences(t) for t in re.findall(r"`([^`]+)`|\"([^\"]+)\"", rule_book)
                             for t in t if t))
    shared = {}
    df = load()
    for text, note_id in zip(df.text, df.note_id, strict=True):
        common = _sentences(text) & (generated | examples)
        if common:
            shared[note_id] = sorted(" ".join(s) for s in common)
    assert shared == {}


def test_a_generated_sentence_would_be_caught():
    """The overlap check above can fail: a generated sentence pasted into a note is found."""
    sentence = next(s for t in generate().text for s in _sentences(t))
    assert sentence in _sentences("Some words first. " + " ".join(sentence).capitalize() + ". Done.")


def test_counts_name_every_behaviour_and_boundary_case():
    out = counts(load())
    for word in (*BEHAVIOURS, *(c for cs in BOUNDARY.values() for c in cs)):
        assert word in out
