"""Score the coaching-notes reader (analytics/ingest/coaching_text.py) on a labelled set.

``python -m tools.notes_eval [--split train|heldout|all] [--set generated|written] [--files 1,2]
[--by-form] [--by-file] [--errors]``

Prints, per behaviour, precision, recall and F1 and the number of uncertain readings, then the
macro-F1 over the four behaviours, and how far the reader agrees with the labels on which notes
are "not read". Rules of the count (docs/COACHING_TEXT.md):

* a note the *labels* call "not read" is left out of P/R/F1 (its agreement is reported apart);
* a reading that is uncertain (<NA>) or a note the *reader* did not read counts as "not shown";
* ``--errors`` lists the misread notes grouped by behaviour and boundary case (``case_<b>``);
* ``--by-file`` scores each hand-written file apart (leave-one-file-out: a rule written for one
  file must not lower the others).

``--compare`` scores the methods of docs/COACHING_TEXT.md's "Method" table on the generated set
(trained on ``train``, scored on both splits): the rules; TF-IDF (word and character n-grams) with
logistic regression, per note and per sentence; sentence embeddings of ``wordllama`` with logistic
regression, per note and per sentence (only when ``wordllama`` is importable, e.g.
``PYTHONPATH=/tmp/wl`` with ``WORDLLAMA_CACHE`` naming a folder holding ``tokenizer/`` and
``weights/``: it is never a dependency of the app); and the rules with the TF-IDF sentence model
deciding only the readings the rules leave uncertain.

``--set generated`` is :func:`tests.coaching_notes.generate` (its ``train`` split is the only one
to tune on; read ``heldout`` for its aggregate numbers only). ``--set written`` is a hand-written
set loaded by name through ``tests.coaching_notes_written.load()``, for a blind evaluation;
``--files 1,2`` loads only ``coaching_notes_written_1.jsonl`` and ``_2.jsonl`` (the development
set), so a later file stays blind (the loader's default, every file, is unchanged).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time

import pandas as pd

from analytics.ingest.coaching_text import read_notes
from analytics.schema import COACHING_BEHAVIOURS


def written_paths(files: str | None) -> list | None:
    """The hand-written files named by ``--files`` ("1,2" -> ``coaching_notes_written_1.jsonl`` and
    ``_2.jsonl``), or None for the loader's default (every file)."""
    if not files:
        return None
    module = importlib.import_module("tests.coaching_notes_written")
    out = []
    for part in files.split(","):
        part = part.strip()
        if not part.isdigit():
            raise SystemExit(f"--files takes file numbers separated by commas (e.g. 1,2), not {part!r}")
        path = module.DATA / f"coaching_notes_written_{int(part)}.jsonl"
        if not path.exists():
            raise SystemExit(f"no hand-written notes file {path.name}")
        out.append(path)
    return out


def load_set(which: str, files: str | None = None) -> pd.DataFrame:
    """The labelled notes: one row per note with ``text``, ``split``, per behaviour a nullable label.
    ``files`` ("1,2") restricts the hand-written set to those files (default: all of them)."""
    if which == "generated":
        from tests.coaching_notes import generate

        return generate()
    module = importlib.import_module("tests.coaching_notes_written")  # never read here: a blind set
    paths = written_paths(files)
    return module.load() if paths is None else module.load(paths)


_YES = {"true", "yes", "y", "1", "present", "shown", "t"}
_NO = {"false", "no", "n", "0", "absent", "not shown", "f"}


def labels(column: pd.Series) -> pd.Series:
    """A label column as True / False / <NA> (not read), and the string "uncertain" where a
    labeller marked it so (left out of P/R/F1, counted apart). Accepts booleans, 0/1 and words."""
    def one(v):
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            return pd.NA
        if isinstance(v, str):
            key = v.strip().lower()
            return True if key in _YES else False if key in _NO else "uncertain" if key.startswith("uncertain") \
                else pd.NA
        return bool(v)
    return column.map(one).astype(object)


def score(df: pd.DataFrame, readings: pd.DataFrame) -> dict:
    """Per behaviour: tp, fp, fn, precision, recall, f1, uncertain readings, labels marked uncertain;
    plus not-read agreement."""
    readings = readings.reset_index(drop=True)
    df = df.reset_index(drop=True)
    out: dict = {}
    for b in COACHING_BEHAVIOURS:
        lab = labels(df[b])
        marked_uncertain = lab.eq("uncertain")
        labelled = lab.notna() & ~marked_uncertain
        truth = lab[labelled].astype(bool)
        shown = readings.loc[labelled, b].eq(True).fillna(False).astype(bool)
        tp = int((truth & shown).sum())
        fp = int((~truth & shown).sum())
        fn = int((truth & ~shown).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        uncertain = int((readings.loc[labelled, "text_status"].eq("read") & readings.loc[labelled, b].isna()).sum())
        out[b] = {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f1, "uncertain": uncertain,
                  "n": int(labelled.sum()), "labelled_uncertain": int(marked_uncertain.sum())}
    out["macro_f1"] = sum(out[b]["f1"] for b in COACHING_BEHAVIOURS) / len(COACHING_BEHAVIOURS)
    label_nr = pd.concat([labels(df[b]).isna() for b in COACHING_BEHAVIOURS], axis=1).all(axis=1)
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
    marked = {b: scores[b]["labelled_uncertain"] for b in COACHING_BEHAVIOURS if scores[b]["labelled_uncertain"]}
    if marked:
        lines.append(f"labels marked uncertain (left out of P/R/F1): {marked}")
    nr = scores["not_read"]
    lines.append(f"not read: {nr['labelled_not_read']} by the labels; agreed {nr['both']}, "
                 f"read by the reader but not by the labels {nr['labels_only']}, "
                 f"not read by the reader but labelled {nr['reader_only']}")
    lines.append(f"{n_notes} notes read in {seconds:.2f} s ({n_notes / max(seconds, 1e-9):,.0f} notes/s)")
    return "\n".join(lines)


def by_form(df: pd.DataFrame, readings: pd.DataFrame, column: str = "form") -> str:
    """Macro-F1 and F1 per behaviour for each form of note (note, crm, transcript, summary), or for
    each value of another ``column``."""
    df = df.reset_index(drop=True)
    readings = readings.reset_index(drop=True)
    lines = [f"{column:<12}{'n':>5}{'macro-F1':>10}" + "".join(f"{b[:10]:>12}" for b in COACHING_BEHAVIOURS)]
    for form, idx in df.groupby(column).groups.items():
        s = score(df.loc[idx], readings.loc[idx])
        lines.append(f"{form:<12}{len(idx):>5}{s['macro_f1']:>10.3f}"
                     + "".join(f"{s[b]['f1']:>12.3f}" for b in COACHING_BEHAVIOURS))
    return "\n".join(lines)


def by_file(df: pd.DataFrame, readings: pd.DataFrame) -> str:
    """Macro-F1 and F1 per behaviour for each hand-written file (the prefix of ``note_id``: "w3-017"
    is file 3): a leave-one-file-out check that a rule written for one file does not lower another."""
    df = df.reset_index(drop=True).copy()
    df["file"] = df["note_id"].astype(str).str.split("-", n=1).str[0]
    return by_form(df, readings, column="file")


def errors(df: pd.DataFrame, readings: pd.DataFrame) -> str:
    """The misread notes, grouped by behaviour and boundary case."""
    df = df.reset_index(drop=True)
    readings = readings.reset_index(drop=True)
    lines = []
    for b in COACHING_BEHAVIOURS:
        lab = labels(df[b])
        labelled = lab.notna() & lab.ne("uncertain")
        truth = lab.eq(True)
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
                ident = f"{df.at[i, 'note_id']} " if "note_id" in df else ""
                lines.append(f"  {ident}[{kind}, confidence {conf:.2f}] evidence read: "
                             f"{readings.at[i, f'{b}_evidence']!r}")
                if f"evidence_{b}" in df and truth[i]:
                    lines.append(f"      labelled evidence: {df.at[i, f'evidence_{b}']!r}")
                lines.append("      " + str(df.at[i, "text"]).replace("\n", "\n      "))
    nr_label = pd.concat([labels(df[b]).isna() for b in COACHING_BEHAVIOURS], axis=1).all(axis=1)
    nr_read = readings["text_status"].ne("read")
    for i in df.index[nr_label != nr_read]:
        lines.append(f"\n[not read: labels {df.at[i, 'not_read'] if 'not_read' in df else nr_label[i]!r}, "
                     f"reader {readings.at[i, 'text_status']!r}] {df.at[i, 'text']!r}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- method comparison
def _sentences(texts: list[str]) -> list[list[str]]:
    """The manager's sentences of each note, as the reader splits them (rep turns dropped)."""
    from analytics.ingest.coaching_text import _plain, _units

    return [[n for _, n, _ in _units(_plain(t))[0]] or [""] for t in texts]


def _frame(probs: dict[str, list[float]], n: int) -> pd.DataFrame:
    """Probabilities per behaviour as readings (bands of docs/COACHING_TEXT.md: uncertain is <NA>);
    ``b_confidence`` keeps the probability."""
    from analytics.schema import ABSENT_BELOW, PRESENT_FROM

    out = pd.DataFrame({"text_status": ["read"] * n})
    for b, p in probs.items():
        out[b] = pd.array([True if x >= PRESENT_FROM else False if x <= ABSENT_BELOW else pd.NA for x in p],
                          dtype="boolean")
        out[f"{b}_confidence"] = list(p)
    return out


def _at_half(readings: pd.DataFrame) -> pd.DataFrame:
    """The same readings decided at probability 0.5 (no uncertain band): a classifier's own threshold."""
    out = readings.copy()
    for b in COACHING_BEHAVIOURS:
        out[b] = pd.array(readings[f"{b}_confidence"] >= 0.5, dtype="boolean")
    return out


def compare() -> str:  # pragma: no cover - an experiment, run by hand
    import os

    import numpy as np
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    df = load_set("generated")
    df = df[df[list(COACHING_BEHAVIOURS)].notna().all(axis=1)].reset_index(drop=True)  # read notes only
    train, held = df[df.split == "train"].reset_index(drop=True), df[df.split == "heldout"].reset_index(drop=True)
    rows = []

    def add(name: str, fit_predict, size: str, licence: str) -> None:
        t0 = time.perf_counter()
        res = {}
        for split, part in (("train", train), ("heldout", held)):
            t1 = time.perf_counter()
            readings = fit_predict(part)
            res[split] = (score(part, readings), len(part) / (time.perf_counter() - t1),
                          score(part, _at_half(readings)))
        rows.append((name, res, size, licence, time.perf_counter() - t0))

    add("rules", lambda part: read_notes(part["text"].tolist()), "code + word lists, ~40 KB", "project's")

    def tfidf():
        word = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
        return word, char

    def note_level(embed_fit, embed):
        models = {}

        def fit_predict(part):
            if not models:
                x = embed_fit(train["text"].tolist())
                for b in COACHING_BEHAVIOURS:
                    models[b] = LogisticRegression(max_iter=2000, C=10).fit(x, train[b].astype(bool))
            x = embed(part["text"].tolist())
            return _frame({b: models[b].predict_proba(x)[:, 1] for b in COACHING_BEHAVIOURS}, len(part))
        return fit_predict

    def sentence_level(embed_fit, embed):
        """Sentence classifier (positive: the labelled evidence sentence; negative: the other sentences
        of the note); a note's probability is its best sentence's."""
        models = {}

        def fit_predict(part):
            sents = _sentences(part["text"].tolist())
            if not models:
                tr = _sentences(train["text"].tolist())
                flat = [s for ss in tr for s in ss]
                x = embed_fit(flat)
                for b in COACHING_BEHAVIOURS:
                    ev = [(_sentences([e])[0][0] if isinstance(e, str) else None) for e in train[f"evidence_{b}"]]
                    y = [bool(e) and (s == e or e in s or s in e) for ss, e in zip(tr, ev, strict=True) for s in ss]
                    models[b] = LogisticRegression(max_iter=2000, C=10).fit(x, y)
            flat = [s for ss in sents for s in ss]
            x = embed(flat)
            bounds = np.cumsum([0] + [len(ss) for ss in sents])
            probs = {}
            for b in COACHING_BEHAVIOURS:
                p = models[b].predict_proba(x)[:, 1]
                probs[b] = [float(p[i:j].max()) for i, j in zip(bounds[:-1], bounds[1:], strict=True)]
            return _frame(probs, len(part))
        return fit_predict

    vec: dict = {}

    def tf_fit(texts):
        vec["w"], vec["c"] = tfidf()
        return hstack([vec["w"].fit_transform(texts), vec["c"].fit_transform(texts)]).tocsr()

    def tf(texts):
        return hstack([vec["w"].transform(texts), vec["c"].transform(texts)]).tocsr()

    import sklearn

    add("TF-IDF word+char, logistic regression, per note", note_level(tf_fit, tf), "fitted at run time",
        f"scikit-learn {sklearn.__version__}, BSD-3")
    vec2: dict = {}

    def tf_fit2(texts):
        vec2["w"], vec2["c"] = tfidf()
        return hstack([vec2["w"].fit_transform(texts), vec2["c"].fit_transform(texts)]).tocsr()

    def tf2(texts):
        return hstack([vec2["w"].transform(texts), vec2["c"].transform(texts)]).tocsr()

    sent_tfidf = sentence_level(tf_fit2, tf2)
    add("TF-IDF word+char, logistic regression, per sentence", sent_tfidf, "fitted at run time",
        f"scikit-learn {sklearn.__version__}, BSD-3")
    try:
        from wordllama import WordLlama

        wl = WordLlama.load(cache_dir=os.environ.get("WORDLLAMA_CACHE"), disable_download=True)

        def emb(texts):
            return wl.embed(texts, norm=True)

        add("wordllama l2_supercat 256-d embeddings, logistic regression, per note", note_level(emb, emb),
            "16 MB weights in the wheel (33 MB installed)", "MIT")
        add("wordllama l2_supercat 256-d embeddings, logistic regression, per sentence", sentence_level(emb, emb),
            "16 MB weights in the wheel (33 MB installed)", "MIT")
    except ImportError:
        pass

    def combined(part):
        rules = read_notes(part["text"].tolist())
        learned = sent_tfidf(part)
        for b in COACHING_BEHAVIOURS:
            uncertain = rules[b].isna()
            rules.loc[uncertain, b] = learned.loc[uncertain, b]
        return rules

    add("rules, TF-IDF per sentence only for uncertain readings", combined, "both", "both")
    lines = ["| method | train macro-F1 | held-out macro-F1 (bands) | held-out F1 per behaviour (gap / ask / plan / "
             "track) | held-out macro-F1 at p ≥ 0.5 | notes/s (held-out) |", "|---|---|---|---|---|---|"]
    for name, res, _size, _lic, _ in rows:
        per = " / ".join(f"{res['heldout'][0][b]['f1']:.2f}" for b in COACHING_BEHAVIOURS)
        lines.append(f"| {name} | {res['train'][0]['macro_f1']:.3f} | {res['heldout'][0]['macro_f1']:.3f} | {per} | "
                     f"{res['heldout'][2]['macro_f1']:.3f} | {res['heldout'][1]:,.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("train", "heldout", "all"), default="train")
    ap.add_argument("--set", dest="which", choices=("generated", "written"), default="generated")
    ap.add_argument("--files", help="hand-written set only: the file numbers to load, e.g. 1,2 "
                    "(default: every coaching_notes_written_*.jsonl)")
    ap.add_argument("--by-form", action="store_true", help="also score each form of note apart")
    ap.add_argument("--by-file", action="store_true", help="hand-written set: also score each file apart")
    ap.add_argument("--errors", action="store_true", help="list the misread notes by boundary case")
    ap.add_argument("--compare", action="store_true", help="score the methods of the Method table (generated set)")
    args = ap.parse_args(argv)
    if args.compare:
        print(compare())
        return 0
    if args.files and args.which != "written":
        ap.error("--files applies to --set written only")
    df = load_set(args.which, args.files)
    if args.split != "all" and "split" in df:
        df = df[df["split"] == args.split]
    df = df.reset_index(drop=True)
    t0 = time.perf_counter()
    readings = read_notes(df["text"].tolist())
    seconds = time.perf_counter() - t0
    print(f"set: {args.which}, split: {args.split}, {len(df)} notes")
    print(report(score(df, readings), len(df), seconds))
    if args.by_form and "form" in df:
        print(by_form(df, readings))
    if args.by_file and "note_id" in df:
        print(by_file(df, readings))
    if args.errors:
        print(errors(df, readings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
