"""1:1s and call reviews logged as CRM activities, loaded as coaching sessions too (issue 21).

An activity whose subject or type names a coaching conversation (:data:`COACHING_ACTIVITIES`, data;
:data:`NOT_COACHING` rules one out) and that carries a description is, besides an activity, a
coaching session: the manager is the activity's owner (resolved as people are, through
``v_person_ref``) when the roster says they manage someone; the rep is an attendee who reports to
that manager, else the one direct report the subject names ("1:1 with Sam Lee", "Sam / Dana 1:1";
a first name only when no other report of the manager has it). ``session_id`` is
``"activity " + activity_id`` (a second upload replaces, never duplicates), ``session_type`` the
pattern's, ``session_date`` the activity's date, ``minutes`` its duration, ``notes`` its description,
and the behaviours are read from it (:func:`analytics.ingest.notes_import.read_session_notes`).

The activity import's own counts do not change. The matching is vectorised over the file; only
the few activities that match are looked at one by one, and only they are resolved in the
database (their values as bound parameters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import schema
from analytics.fmt import fmt_count
from analytics.ingest.notes_import import Progress, corrections_note, load_sessions, read_session_notes
from analytics.ingest.readers import Reject
from analytics.store.workspace import Workspace

#: (session type, pattern) of a coaching conversation in an activity's subject or type, the first
#: that matches naming the type. Patterns are RE2 and Python alike (matched case-insensitively).
COACHING_ACTIVITIES: tuple[tuple[str, str], ...] = (
    ("call review", r"\bcall[ -]?reviews?\b|\bcall coaching\b|\bgame[ -]?film\b|\brecording review\b"),
    ("role play", r"\brole[ -]?play(?:s|ing)?\b"),
    ("ride-along", r"\bride[ -]?alongs?\b"),
    ("development conversation", r"\b(?:development|career|idp|pdp) (?:conversation|discussion|review|check[ -]?in|"
                                 r"chat|session)s?\b"),
    ("1:1", r"(?:^|[^\w/.:-])(?:1 ?(?::|-|x|on|/) ?1|one[ -]on[ -]one|one to one)s?(?:$|[^\w/.:-])"),
    ("coaching", r"\bcoaching\b"),
)
#: conversations that look like one of the above and are not a manager coaching a direct report
NOT_COACHING: tuple[str, ...] = (r"\bskip[ -]?levels?\b", r"\bcustomer (?:1 ?: ?1|coaching)\b")
#: how the attendees of an activity are separated
ATTENDEE_SEPARATORS = r"[;,\n|]"

_ANY = "(?i)(?:" + "|".join(p for _, p in COACHING_ACTIVITIES) + ")"
_NOT = "(?i)(?:" + "|".join(NOT_COACHING) + ")"
_TYPES = [(kind, re.compile(p, re.IGNORECASE)) for kind, p in COACHING_ACTIVITIES]
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


@dataclass
class ActivitySessions:
    """What the coaching conversations among a file's activities became."""

    matched: int = 0
    loaded: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[Reject] = field(default_factory=list)


def _text(frame: pd.DataFrame, col: str) -> pd.Series:
    return frame[col].astype("string") if col in frame else pd.Series(pd.NA, index=frame.index, dtype="string")


def coaching_rows(frame: pd.DataFrame) -> np.ndarray:
    """Positions of the activities (rows of an ``activities`` frame) that are coaching
    conversations with a description: vectorised over the file."""
    if "description" not in frame or frame.empty:
        return np.array([], dtype=np.int64)
    desc = frame["description"].astype("string")
    has_text = (desc.notna() & (desc.str.strip() != "")).to_numpy(dtype=bool, na_value=False)
    if not has_text.any():
        return np.array([], dtype=np.int64)
    at = np.flatnonzero(has_text)
    said = (_text(frame, "subject").iloc[at].fillna("") + " | " + _text(frame, "activity_type").iloc[at].fillna(""))
    hit = said.str.contains(_ANY, regex=True).to_numpy(dtype=bool, na_value=False)
    hit &= ~said.str.contains(_NOT, regex=True).to_numpy(dtype=bool, na_value=False)
    return at[hit]


def _kind(subject: str, activity_type: str) -> str:
    for text in (subject, activity_type):
        for kind, rule in _TYPES:
            if rule.search(text or ""):
                return kind
    return "coaching"


def _names_in(subject: str, reports: pd.DataFrame) -> list[str]:
    """The manager's reports the subject names: a full name, else a first name no other report has."""
    folded = " " + " ".join(w.lower() for w in _WORD.findall(subject or "")) + " "
    full = [n for n in reports["name"] if " " + " ".join(w.lower() for w in _WORD.findall(n)) + " " in folded]
    if full:
        return list(dict.fromkeys(full))
    firsts = reports.assign(first=[(_WORD.findall(n) or [""])[0].lower() for n in reports["name"]])
    unique = firsts.groupby("first")["name"].agg(list)
    return [names[0] for first, names in unique.items() if first and len(names) == 1 and f" {first} " in folded]


def sessions_from_activities(ws: Workspace, frame: pd.DataFrame, rows: np.ndarray, mapping: dict[str, str],
                             file_name: str, progress: Progress | None = None) -> ActivitySessions:
    """Load the coaching conversations among ``frame``'s activities (just loaded; ``rows`` their
    rows in the file) as coaching sessions; what happened, in words and warnings."""
    out = ActivitySessions()
    at = coaching_rows(frame)
    out.matched = len(at)
    if not len(at):
        return out
    total = fmt_count(len(frame), "activity")
    lead = f"{out.matched:,} of {total} {'was a 1:1 or call review' if out.matched == 1 else 'were 1:1s or call reviews'}"
    if not ws.counts()["people"]:
        out.notes.append(f"{lead} with notes, but without a roster none can be placed as a coaching session (who "
                         "manages whom is not known): load the roster, then this file again.")
        return out
    hits = frame.iloc[at].reset_index(drop=True)
    owners = hits["owner"].astype("string")
    refs = sorted({str(v) for v in owners.dropna()})
    attendees = _text(hits, "attendees").fillna("").str.split(ATTENDEE_SEPARATORS, regex=True)
    tokens = sorted({t.strip() for ts in attendees for t in ts if t.strip()})
    tokens = sorted(set(tokens) | {t.lower() for t in tokens if "@" in t})
    names = ws.query("SELECT ref, name FROM v_person_ref WHERE list_contains(?::VARCHAR[], ref)", [refs + tokens])
    name_of = dict(zip(names["ref"], names["name"], strict=True))
    managers = sorted({name_of[r] for r in refs if r in name_of})
    reports = ws.query("SELECT DISTINCT name, manager_name FROM v_people WHERE list_contains(?::VARCHAR[], "
                       "manager_name) AND name IS NOT NULL", [managers])
    by_manager = {m: g for m, g in reports.groupby("manager_name")}
    sessions, problems = [], []
    for i in range(len(hits)):
        owner = owners.iloc[i]
        subject = "" if pd.isna(_text(hits, "subject").iloc[i]) else str(_text(hits, "subject").iloc[i])
        manager = name_of.get(str(owner)) if not pd.isna(owner) else None
        why = None
        if manager is None:
            why = ("owner not in the roster", f"the owner ({owner}) is not in the roster")
        elif manager not in by_manager:
            why = ("owner manages no one", f"the roster names no one who reports to {manager}")
        else:
            mine = by_manager[manager]
            present = [name_of.get(t.strip(), name_of.get(t.strip().lower())) for t in attendees.iloc[i]]
            reps = list(dict.fromkeys(p for p in present if p is not None and p in set(mine["name"])))
            if not reps:
                reps = _names_in(subject, mine)
            if len(reps) > 1:
                why = ("several reports named", f"several of {manager}'s reports are named ({', '.join(reps[:3])}); "
                       "a session has one rep")
            elif not reps:
                why = ("no rep found", f"no attendee or subject names one of {manager}'s reports")
        if why:
            problems.append((i, *why))
            continue
        kind = _kind(subject, "" if "activity_type" not in hits or pd.isna(hits["activity_type"].iloc[i])
                     else str(hits["activity_type"].iloc[i]))
        minutes = hits["duration_minutes"].iloc[i] if "duration_minutes" in mapping else np.nan
        if pd.isna(minutes) and "duration_seconds" in mapping and not pd.isna(hits["duration_seconds"].iloc[i]):
            minutes = float(hits["duration_seconds"].iloc[i]) / 60
        sessions.append({"session_id": f"activity {hits['activity_id'].iloc[i]}", "manager": manager, "rep": reps[0],
                         "session_date": hits["activity_date"].iloc[i], "minutes": minutes, "session_type": kind,
                         "notes": hits["description"].iloc[i]})
    for i, _, reason in problems:
        out.warnings.append(Reject(file_name, int(rows[at[i]]), mapping.get("subject", mapping["owner"]),
                                   str(_text(hits, "subject").iloc[i] if "subject" in mapping else owners.iloc[i])[:80],
                                   f"a 1:1 or call review with notes, not loaded as a coaching session: {reason}"))
    said, detail = f"{lead} with notes", None
    if sessions:
        t = schema.table("coaching_sessions")
        loaded = pd.DataFrame(sessions)
        for col in t.column_names:
            if col not in loaded:
                loaded[col] = pd.Series(np.nan, index=loaded.index, dtype="float64")
        loaded = loaded[t.column_names]
        loaded["notes"] = loaded["notes"].astype("string")
        reading = read_session_notes(loaded, {"notes": mapping["description"]}, progress, span=(0.86, 0.95))
        corrected = load_sessions(ws, loaded)[1]
        out.loaded = len(loaded)
        said += f": loaded as {fmt_count(out.loaded, 'coaching session')}, behaviours read from their descriptions"
        detail = reading.sentence("descriptions")
        if corrections_note(corrected):
            detail = f"{detail} {corrections_note(corrected)}" if detail else corrections_note(corrected)
    if problems:
        kinds = pd.Series([p[1] for p in problems]).value_counts()
        one_manager = {p[2] for p in problems}
        why = ", ".join(f"{n:,} {k}" for k, n in kinds.items()) if len(one_manager) > 1 else problems[0][2]
        said += f"; {len(problems):,} not loaded: {why} (listed under warnings)"
    out.notes += [said + ".", *([detail] if detail else [])]
    return out
