"""Reading the four coaching behaviours from what managers write (issue 21).

The rules are docs/COACHING_TEXT.md. The contract the rest of the app relies on:

* :func:`read_notes` takes the notes of many sessions (any iterable of str/None, in order) and
  returns one row per note, in the same order, with

  - ``text_status``: ``"read"``, or ``"not read: <reason>"`` (:data:`NOT_READ_REASONS`);
  - per behaviour ``b`` of :data:`analytics.schema.COACHING_BEHAVIOURS`:
    ``b`` (pandas ``boolean``: True when shown with confidence ≥ ``schema.PRESENT_FROM``, False
    when ≤ ``schema.ABSENT_BELOW``, <NA> when uncertain or not read),
    ``b_confidence`` (float 0..1 that the behaviour is shown; NaN when not read) and
    ``b_evidence`` (the sentence that shows it, or that made the reading uncertain; None
    otherwise).

* :func:`read_note` is the same for one note, as a dict.

Nothing here downloads anything, and the reader never sees more than one note at a time (no
state across notes, nothing kept at module level but the compiled rules).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from analytics.schema import ABSENT_BELOW, COACHING_BEHAVIOURS, PRESENT_FROM

#: Why a note is not read (``text_status`` is ``"not read: " + reason``).
NOT_READ_REASONS = ("empty", "boilerplate", "language", "too short")
READ = "read"

#: The longest note read, in characters: a longer note is read up to here (a transcript of
#: several hours), so one pasted document cannot hold the import.
MAX_CHARS = 20_000

_STOP = frozenset("""a about after again all also am an and any are as at be been before but by can could did
do does doing for from had has have he her him his how i if in into is it its just let me my no not of on or our
out over she should so than that the their them then there they this to up us was we were what when which who
why will with would you your yet""".split())

_SENT = re.compile(r"(?<=[.!?])\s+|\s*[\n;•·]\s*|\s+-\s+(?=[a-z])", re.IGNORECASE)
_SPEAKER = re.compile(r"^\s*([A-Za-z][\w .'-]{0,30}?)\s*:\s*(.*)$")
_REP_LABEL = re.compile(r"^(rep|seller|ae|sdr|bdr|coachee|employee|agent|customer|buyer|prospect)\b", re.IGNORECASE)
_BOILER = re.compile(r"^(agenda|notes?|action items?|next steps?|dev(elopment)? plan|summary|attendees|"
                     r"logged via \w+|call logged.*|meeting held|1:1|n/?a|see doc|tbd|-+)\s*:?\s*$", re.IGNORECASE)

_CAP = (r"(discovery|disc\.?|qualif\w*|objection\w*|obj\.?|negotiat\w*|multi-?thread\w*|single-?thread\w*|"
        r"value|stakeholder\w*|economic buyer|champion|competit\w*|forecast\w*|demo\w*|clos(e|ing)|"
        r"prospect\w*|pricing|price|budget|pain|meddic|meddpicc|bant|next step ask|listening|talk(ed)? over)")
_RULES = {
    "named_specific_gap": [
        (re.compile(_CAP + r".{0,80}(gap|weak|fell short|missed|skipped|never|didn'?t|did not|no |not |without|"
                    r"surface|conceded|too early|before)", re.IGNORECASE), 0.9),
        (re.compile(r"(didn'?t|did not|never|forgot to|failed to)\s+(ask|confirm|quantif|qualif|identify|"
                    r"engage|multi|handle|probe)", re.IGNORECASE), 0.85),
        (re.compile(r"(focus area|gap|area to work on)\s*(identified|named)?\s*:\s*" + _CAP, re.IGNORECASE), 0.9),
    ],
    "asked_before_telling": [
        (re.compile(r"^(what|how)\b.{0,120}(you|your)\b.*\?\s*$", re.IGNORECASE), 0.85),
        (re.compile(r"\b(asked|ask(ing)?)\b.{0,40}\b(self-?assess|reflect|what (she|he|they)'?d? do "
                    r"differently|how (she|he|they) (thought|felt|read)|what (she|he|they) noticed)",
                    re.IGNORECASE), 0.9),
        (re.compile(r"\b(open|reflection) questions?\b.{0,30}before", re.IGNORECASE), 0.9),
    ],
    "tied_to_plan": [
        (re.compile(r"\b(dev(elopment)? plan|idp|pdp|development goal|learning plan|growth plan)\b", re.IGNORECASE),
         0.85),
        (re.compile(r"\b(role[- ]?play|shadow\w*|practi[cs]e|course|module)\b.{0,60}\b(mon|tue|wed|thu|fri|"
                    r"next|week|revisit|review)", re.IGNORECASE), 0.85),
    ],
    "tracked_application": [
        (re.compile(r"\b(since|last (1:1|session|week|time)|from last|follow[- ]?up|f/u|checked)\b.{0,80}\b"
                    r"(alone|solo|on (her|his|their) own|independently|without (me|help)|by (her|him)self)",
                    re.IGNORECASE), 0.9),
        (re.compile(r"\b(alone|solo|on (her|his|their|your) own|independently|without (me|help))\b.{0,80}\b"
                    r"(since|last|practi[cs]ed|role play|worked on)", re.IGNORECASE), 0.85),
    ],
}
#: Boundary signals (docs/COACHING_TEXT.md): a question that is really telling, a status question.
_TELLING = re.compile(r"^(don'?t|didn'?t|shouldn'?t|wouldn'?t|isn'?t|aren'?t|why didn'?t|why not)\b", re.IGNORECASE)


def _sentences(text: str) -> list[str]:
    """The manager's sentences (rep turns of a transcript dropped)."""
    out = []
    for line in text.splitlines() or [text]:
        m = _SPEAKER.match(line)
        if m and len(m.group(1).split()) <= 3:
            if _REP_LABEL.match(m.group(1)):
                continue
            line = m.group(2)
        out += [s.strip(" -*\t") for s in _SENT.split(line) if s and s.strip(" -*\t")]
    return out


def _not_read(text: str | None) -> str | None:
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return "empty"
    text = str(text)
    if not re.search(r"[A-Za-z]", text):
        return "empty"
    lines = [ln for ln in re.split(r"[\n;]", text) if ln.strip() and not _BOILER.match(ln.strip())]
    words = re.findall(r"[A-Za-z']+", " ".join(lines))
    if not lines:
        return "boilerplate"
    if len(words) < 3:
        return "too short"
    stop = sum(w.lower() in _STOP for w in words)
    if len(words) >= 6 and stop / len(words) < 0.12:
        return "language"
    return None


def read_note(text: str | None) -> dict:
    """The reading of one note (see the module's contract)."""
    out: dict = {"text_status": READ}
    reason = _not_read(text)
    if reason:
        out["text_status"] = f"not read: {reason}"
        for b in COACHING_BEHAVIOURS:
            out[b], out[f"{b}_confidence"], out[f"{b}_evidence"] = pd.NA, np.nan, None
        return out
    sentences = _sentences(str(text)[:MAX_CHARS])
    for b in COACHING_BEHAVIOURS:
        best, evidence = 0.05, None
        for s in sentences:
            for rule, conf in _RULES[b]:
                if rule.search(s):
                    if b == "asked_before_telling" and _TELLING.match(s):
                        conf = 0.1
                    if conf > best:
                        best, evidence = conf, s
        out[b] = True if best >= PRESENT_FROM else False if best <= ABSENT_BELOW else pd.NA
        out[f"{b}_confidence"], out[f"{b}_evidence"] = best, evidence if best > ABSENT_BELOW else None
    return out


def read_notes(texts: Iterable[str | None], progress: Callable[[float], None] | None = None) -> pd.DataFrame:
    """The readings of many notes, one row each, in order (see the module's contract)."""
    texts = list(texts)
    rows = []
    step = max(1, len(texts) // 50)
    for i, t in enumerate(texts):
        rows.append(read_note(t))
        if progress and i % step == 0:
            progress(i / max(1, len(texts)))
    columns = ["text_status"] + [c for b in COACHING_BEHAVIOURS for c in (b, f"{b}_confidence", f"{b}_evidence")]
    frame = pd.DataFrame(rows, columns=columns)
    for b in COACHING_BEHAVIOURS:
        frame[b] = frame[b].astype("boolean")
        frame[f"{b}_confidence"] = frame[f"{b}_confidence"].astype(float)
    if progress:
        progress(1.0)
    return frame
