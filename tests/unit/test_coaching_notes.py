"""The labelled coaching-notes set (tests/coaching_notes.py, rules in docs/COACHING_TEXT.md) is big
enough, covers the four forms, has both labels for every behaviour in both splits, keeps the
held-out split's texts apart from training, and is the same for the same seed."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.coaching_notes import BANKS, BEHAVIOURS, FORMS, SPLITS, counts, generate


@pytest.fixture(scope="module")
def notes() -> pd.DataFrame:
    return generate()


def test_at_least_300_notes_in_all_four_forms_and_both_splits(notes):
    assert len(notes) >= 300
    assert set(notes.form) == set(FORMS)
    for split in SPLITS:
        assert set(notes[notes.split == split].form) == set(FORMS), split
    assert notes.note_id.is_unique


def test_both_labels_for_every_behaviour_in_both_splits(notes):
    for split in SPLITS:
        part = notes[notes.split == split]
        for b in BEHAVIOURS:
            assert part[b].eq(True).sum() >= 20, (split, b)
            assert part[b].eq(False).sum() >= 20, (split, b)


def test_no_note_text_is_shared_between_splits(notes):
    train = set(notes.loc[notes.split == "train", "text"])
    held = set(notes.loc[notes.split == "heldout", "text"])
    assert not train & held


def test_heldout_is_built_from_other_phrasings():
    """No sentence template, capability pair, customer or not-read text appears in both banks."""

    def strings(bank) -> set[str]:
        out: set[str] = set()
        stack = [bank]
        while stack:
            x = stack.pop()
            if isinstance(x, dict):
                stack.extend(x.values())
            elif isinstance(x, (tuple, list)):
                stack.extend(x)
            elif isinstance(x, str) and len(x.strip()) > 2:
                out.add(x)
        return out

    shared = strings(BANKS["train"]) & strings(BANKS["heldout"])
    assert not shared, shared


def test_deterministic_for_a_seed_and_different_for_another():
    a = generate(seed=7, n_train=80, n_heldout=40)
    pd.testing.assert_frame_equal(a, generate(seed=7, n_train=80, n_heldout=40))
    assert not a.text.equals(generate(seed=8, n_train=80, n_heldout=40).text)


def test_labels_follow_the_evidence_and_not_read_has_no_label(notes):
    read = notes[notes.not_read.isna()]
    for b in BEHAVIOURS:
        ev = read[f"evidence_{b}"]
        assert (read[b].eq(True) == ev.notna()).all(), b
        shown = read[read[b].eq(True)]
        assert all(e in t for e, t in zip(shown[f"evidence_{b}"], shown.text, strict=True)), b
    unread = notes[notes.not_read.notna()]
    assert len(unread) > 0
    assert set(unread.not_read) <= {"empty", "boilerplate", "language"}
    assert unread[list(BEHAVIOURS)].isna().all().all()


def test_transcripts_carry_speaker_labels_and_counts_print(notes):
    transcripts = notes[(notes.form == "transcript") & notes.not_read.isna()]
    assert transcripts.text.str.contains(r"^(?:\[\d\d:\d\d\] )?(?:Sales )?Manager: ", regex=True).all()
    out = counts(notes)
    for word in (*FORMS, *BEHAVIOURS, *SPLITS):
        assert word in out


def test_every_boundary_case_of_the_rules_is_in_both_splits(notes):
    wanted = {"generic advice", "telling question", "status question", "deal next step", "deal moved"}
    for split in SPLITS:
        part = notes[notes.split == split]
        seen = set()
        for b in BEHAVIOURS:
            case = part[f"case_{b}"]
            assert (case.eq("positive") == part[b].eq(True)).all(), (split, b)
            seen |= set(case) - {"positive", "not mentioned", "not read"}
            # a boundary case is always labelled absent, never present
            assert not part.loc[~case.isin(["positive", "not read"]), b].any(), (split, b)
        assert seen == wanted, (split, seen)
