"""What each coaching-behaviour rate rests on: export flags, readings of the notes, corrections.

The four behaviours of a coaching session (FRAMEWORK.md) come from three places, recorded per
session in ``<behaviour>_source`` (analytics.schema): the export's own flag (``"export"``; a log
imported before readings existed has flags with no source, which count as the export's), a
confident reading of the session's notes (``"text"``, docs/COACHING_TEXT.md), or a user's
correction (``"correction"``, :mod:`analytics.store.corrections`). A reading that is neither
confidently shown nor confidently absent leaves the behaviour NULL (uncertain), and a note that
could not be read (``text_status`` "not read: <reason>") leaves it NULL too: neither counts in a
rate, and both are counted beside it, never as "no behaviour".

Scope is :mod:`analytics.signals.coaching`'s (period on ``session_date``, region/team through the
rep's roster row, manager filter on the session's own manager), and sessions are resolved the same
way, so :func:`reading_summary`'s rate for one manager is the rate
:func:`~analytics.signals.coaching.coaching_by_manager` shows. :func:`reading_examples` returns the
evidence sentence of a reading, never the session's notes.

Examples
--------
>>> from tests.factories import workspace_with
>>> ws = workspace_with(people=[{"name": "Ann", "manager": "Max"}], coaching_sessions=[
...     {"session_id": "S1", "manager": "Max", "rep": "Ann", "session_date": "2025-01-06", "text_status": "read",
...      "asked_before_telling": True, "asked_before_telling_source": "text", "asked_before_telling_confidence": 0.9,
...      "asked_before_telling_evidence": "What did you notice when the buyer pushed back?"},
...     {"session_id": "S2", "manager": "Max", "rep": "Ann", "session_date": "2025-01-13", "text_status": "read",
...      "asked_before_telling_source": "text", "asked_before_telling_confidence": 0.5},
...     {"session_id": "S3", "manager": "Max", "rep": "Ann", "session_date": "2025-01-20",
...      "asked_before_telling": False, "asked_before_telling_source": "export"}])
>>> row = reading_summary(ws).set_index("behaviour").loc["asked_before_telling"]
>>> rests_on(row)
'50% of 2 sessions — read from text in 1, from the export in 1; 1 reading uncertain, not counted'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.fmt import fmt_count, fmt_pct
from analytics.schema import ABSENT_BELOW, PRESENT_FROM, reading_columns
from analytics.signals.coaching import BEHAVIOURS, _behaviour, _scope
from analytics.store.workspace import Workspace, quote_ident

#: The prefix of ``text_status`` for a note that was not read ("not read: language").
NOT_READ = "not read"
#: How a reason for not reading a note reads in a sentence (another reason reads as it is).
NOT_READ_WORDS = {"language": "in another language", "boilerplate": "boilerplate only", "empty": "empty",
                  "too short": "too short to judge"}
#: How a value's source reads in a table.
SOURCE_WORDS = {"text": "from the notes", "export": "export flag", "correction": "corrected"}

SUMMARY_COLUMNS = ["behaviour", "label", "n_sessions", "n_observed", "n_shown", "n_export", "n_text",
                   "n_uncertain", "n_corrected", "n_not_read", "rate", "share_from_text"]
EXAMPLE_COLUMNS = ["session_id", "session_date", "manager", "rep", "value", "source", "confidence", "evidence"]

#: Sessions with the manager and rep resolved to names, as analytics.signals.coaching reads them,
#: with the reading's companions of every behaviour (never the notes themselves).
_READINGS = """
SELECT cs.session_id, cs.session_date, cs.text_status, {columns},
       coalesce(pm.name, cs.manager) AS manager_name, coalesce(pr.name, cs.rep) AS rep_name
FROM coaching_sessions cs
LEFT JOIN v_person_ref pm ON pm.ref = cs.manager
LEFT JOIN v_person_ref pr ON pr.ref = cs.rep
"""


def _readings_sql() -> str:
    cols = [c for b in BEHAVIOURS for c in (b, *reading_columns(b))]
    return _READINGS.format(columns=", ".join(f"cs.{quote_ident(c)}" for c in cols))


def _where(filters: Filters, manager: str | None) -> tuple[str, list]:
    where, params = _scope(filters)
    where = f"s.manager_name IS NOT NULL AND {where}"
    if manager is not None:
        where += " AND s.manager_name = ?"
        params = [*params, manager]
    return where, params


def _uncertain(b: str) -> str:
    """A reading from text that is neither confidently shown nor confidently absent (the value
    NULL, the note read, and the reader's confidence between the bands or the source "text")."""
    col, source, _, conf = quote_ident(b), *map(quote_ident, reading_columns(b))
    return (f"s.{col} IS NULL AND coalesce(s.text_status, '') NOT LIKE '{NOT_READ}%' "
            f"AND (s.{source} = 'text' OR (s.{conf} > ? AND s.{conf} < ?))")


def reading_summary(ws: Workspace, filters: Filters = Filters(), manager: str | None = None) -> pd.DataFrame:
    """What each behaviour's rate rests on, over the sessions in scope (of one manager, or all).

    Returns
    -------
    pandas.DataFrame
        One row per behaviour (FRAMEWORK order): ``behaviour``, ``label``, ``n_sessions`` (in
        scope), ``n_observed`` (with a value: the rate's denominator) = ``n_export`` (the export's
        flag) + ``n_text`` (a confident reading of the notes) + ``n_corrected`` (a user's
        correction); ``n_shown``; ``n_uncertain`` (read, but not confidently: not counted);
        ``n_not_read`` (no value, and the notes were not read); ``rate`` = n_shown ÷ n_observed and
        ``share_from_text`` = n_text ÷ n_observed, NaN when nothing was observed.
    """
    where, params = _where(filters, manager)
    parts, band = [], []
    for b in BEHAVIOURS:
        col, (source, _, _) = quote_ident(b), map(quote_ident, reading_columns(b))
        parts.append(f"""count(s.{col}), count(*) FILTER (WHERE s.{col}),
            count(s.{col}) FILTER (WHERE s.{source} IS NULL OR s.{source} = 'export'),
            count(s.{col}) FILTER (WHERE s.{source} = 'text'),
            count(*) FILTER (WHERE {_uncertain(b)}),
            count(s.{col}) FILTER (WHERE s.{source} = 'correction'),
            count(*) FILTER (WHERE s.{col} IS NULL AND s.text_status LIKE '{NOT_READ}%')""")
        band += [ABSENT_BELOW, PRESENT_FROM]
    row = ws.row(f"SELECT count(*), {', '.join(parts)} FROM ({_readings_sql()}) s WHERE {where}", band + params)
    n_sessions, values = int(row[0]), [int(v or 0) for v in row[1:]]
    records = []
    for i, (b, label) in enumerate(BEHAVIOURS.items()):
        observed, shown, export, text, uncertain, corrected, not_read = values[7 * i: 7 * i + 7]
        records.append({
            "behaviour": b, "label": label, "n_sessions": n_sessions, "n_observed": observed, "n_shown": shown,
            "n_export": export, "n_text": text, "n_uncertain": uncertain, "n_corrected": corrected,
            "n_not_read": not_read, "rate": shown / observed if observed else np.nan,
            "share_from_text": text / observed if observed else np.nan})
    return pd.DataFrame.from_records(records, columns=SUMMARY_COLUMNS)


def has_text(summary: pd.DataFrame) -> bool:
    """Whether any rate of a :func:`reading_summary` rests on text (read, uncertain, not read or
    corrected): a log of export flags alone has none, and its pages stay as they were."""
    cols = ["n_text", "n_uncertain", "n_corrected", "n_not_read"]
    return bool(len(summary)) and int(summary[cols].to_numpy().sum()) > 0


def not_read_reasons(ws: Workspace, filters: Filters = Filters(), manager: str | None = None) -> dict[str, int]:
    """Notes not read in scope, reason -> sessions (most first): "language", "boilerplate"...

    A session counts once whatever its behaviours; reasons are ``text_status`` after "not read:".
    """
    where, params = _where(filters, manager)
    rows = ws.query(
        f"""SELECT coalesce(nullif(trim(regexp_replace(s.text_status, '^{NOT_READ}\\s*:?', '')), ''), 'unknown')
                   AS reason, count(*) AS n
            FROM ({_readings_sql()}) s WHERE s.text_status LIKE '{NOT_READ}%' AND {where}
            GROUP BY 1 ORDER BY n DESC, reason""", params)
    return {str(r): int(n) for r, n in zip(rows["reason"], rows["n"], strict=True)}


def any_read_from_text(ws: Workspace) -> bool:
    """Whether any session's behaviour was read from notes (one cheap query, before per-manager work)."""
    cols = " OR ".join(f"{quote_ident(reading_columns(b)[0])} = 'text'" for b in BEHAVIOURS)
    return bool(ws.scalar(f"SELECT EXISTS (SELECT 1 FROM coaching_sessions WHERE {cols})"))


def reading_counts(ws: Workspace, manager: str, filters: Filters = Filters()) -> dict[str, tuple[int, int]]:
    """Behaviour -> (sessions read confidently from the notes, readings uncertain) for one manager:
    what the next-1:1 checklist says its behaviour items rest on (empty when no session's
    behaviour was read from text: a log of flags only costs one query, not one per manager)."""
    if not any_read_from_text(ws):
        return {}
    s = reading_summary(ws, filters, manager)
    return {r.behaviour: (int(r.n_text), int(r.n_uncertain)) for r in s.itertuples()}


def reading_examples(ws: Workspace, manager: str | None, behaviour: str, limit: int = 10,
                     filters: Filters = Filters(), shows: bool | None = None) -> pd.DataFrame:
    """The readings behind a behaviour's rate, for a person to check: uncertain ones first (they
    need one), then confident readings with their sentence, then the rest; newest first within each.

    Parameters
    ----------
    manager : one manager's sessions, or None for every session in scope.
    shows : only readings shown (True) or not shown (False); None: all, uncertain ones included.

    Returns
    -------
    pandas.DataFrame
        At most ``limit`` rows: session_id, session_date, manager, rep, value (True/False, <NA>
        when uncertain), source ("text", "export", "correction"), confidence (0..1 that it is
        shown; NaN for an export flag) and evidence (the sentence; never the notes). Sessions
        with neither a reading nor a correction (export flags only, not recorded, notes not
        read) are not examples.
    """
    b = _behaviour(behaviour)
    col, (source, evidence, conf) = quote_ident(b), map(quote_ident, reading_columns(b))
    where, params = _where(filters, manager)
    keep = f"(s.{source} IN ('text', 'correction') OR s.{evidence} IS NOT NULL OR ({_uncertain(b)}))"
    if shows is not None:
        keep += f" AND s.{col} = ?"
    frame = ws.query(
        f"""SELECT s.session_id, s.session_date, s.manager_name AS manager, s.rep_name AS rep, s.{col} AS value,
                   coalesce(s.{source}, CASE WHEN s.{col} IS NOT NULL THEN 'export' END) AS source,
                   s.{conf} AS confidence, s.{evidence} AS evidence
            FROM ({_readings_sql()}) s
            WHERE {keep} AND {where}
            ORDER BY CASE WHEN s.{col} IS NULL THEN 0 WHEN s.{evidence} IS NOT NULL THEN 1 ELSE 2 END,
                     s.session_date DESC NULLS LAST, s.session_id
            LIMIT ?""",
        [ABSENT_BELOW, PRESENT_FROM, *([bool(shows)] if shows is not None else []), *params, max(0, int(limit))])
    frame["value"] = frame["value"].astype("boolean")
    frame["confidence"] = frame["confidence"].astype(float)
    return frame[EXAMPLE_COLUMNS]


# ----------------------------------------------------------------------------- words
def rests_on(row) -> str:
    """What one behaviour's rate rests on, in words, from a :func:`reading_summary` row.

    >>> rests_on({"rate": 0.41, "n_observed": 183, "n_text": 150, "n_export": 30, "n_corrected": 3,
    ...           "n_uncertain": 12})
    '41% of 183 sessions — read from text in 150, from the export in 30, corrected in 3; 12 readings uncertain, not counted'
    >>> rests_on({"rate": np.nan, "n_observed": 0, "n_text": 0, "n_export": 0, "n_corrected": 0, "n_uncertain": 2})
    'not measured — 2 readings uncertain, not counted'
    """
    observed = int(row["n_observed"])
    head = f"{fmt_pct(row['rate'])} of {fmt_count(observed, 'session')}" if observed else "not measured"
    parts = [f"{what} {int(row[k]):,}" for k, what in (("n_text", "read from text in"), ("n_export", "from the export in"),
                                                       ("n_corrected", "corrected in")) if int(row[k])]
    uncertain = int(row["n_uncertain"])
    tail = f"{fmt_count(uncertain, 'reading')} uncertain, not counted" if uncertain else ""
    if not parts:
        return f"{head} — {tail}" if tail else head
    return f"{head} — {', '.join(parts)}" + (f"; {tail}" if tail else "")


def not_read_words(reasons: dict[str, int]) -> str:
    """The notes not read, by reason: "8 notes not read: 5 in another language, 3 boilerplate only"
    ("" when every note was read).

    >>> not_read_words({"language": 5, "boilerplate": 3})
    '8 notes not read: 5 in another language, 3 boilerplate only'
    >>> not_read_words({})
    ''
    """
    total = sum(reasons.values())
    if not total:
        return ""
    parts = ", ".join(f"{n:,} {NOT_READ_WORDS.get(r, r)}" for r, n in reasons.items())
    return f"{fmt_count(total, 'note')} not read: {parts}"


def reading_word(value, confidence: float | None = None) -> str:
    """A reading as a table shows it: "shown", "not shown", or "uncertain" (no value).

    >>> reading_word(True), reading_word(False), reading_word(pd.NA, 0.5)
    ('shown', 'not shown', 'uncertain')
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "uncertain"
    return "shown" if bool(value) else "not shown"


def confidence_band(confidence: float | None, source: str | None = None) -> str:
    """A reading's confidence band; an uncertain one with the reader's confidence that it is shown.

    >>> confidence_band(0.93), confidence_band(0.05), confidence_band(0.55), confidence_band(None, "export")
    ('confident', 'confident', '55% it shows', 'export flag')
    """
    if confidence is None or pd.isna(confidence):
        return "export flag" if source in (None, "export") else "—"
    c = float(confidence)
    if c >= PRESENT_FROM or c <= ABSENT_BELOW:
        return "confident"
    return f"{fmt_pct(c)} it shows"
