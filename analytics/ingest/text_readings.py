"""What the import read from the notes of some coaching sessions: how many notes were read, how
many could not be (and why), and per behaviour how many readings from text show it, do not show
it, or are uncertain (docs/COACHING_TEXT.md). The Data page says it after a file of notes loads
(``ui/sample_notes.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from analytics.schema import COACHING_BEHAVIOURS, reading_columns
from analytics.store.schema_sql import quote_ident
from analytics.store.workspace import Workspace

READ = "read"
NOT_READ = "not read"


@dataclass(frozen=True)
class TextReadings:
    """Counts over the sessions asked about that are in the workspace.

    ``shown``/``not_shown``/``uncertain``: behaviour -> sessions whose notes were read and whose
    value came from the text and is True / False, or whose notes were read and left no confident
    value (NULL). ``not_read``: reason -> sessions ("empty", "boilerplate", ...)."""

    sessions: int = 0
    read: int = 0
    not_read: dict[str, int] = field(default_factory=dict)
    shown: dict[str, int] = field(default_factory=dict)
    not_shown: dict[str, int] = field(default_factory=dict)
    uncertain: dict[str, int] = field(default_factory=dict)

    @property
    def readings(self) -> int:
        """Confident readings from text (shown or not shown), over every behaviour."""
        return sum(self.shown.values()) + sum(self.not_shown.values())


def text_readings(ws: Workspace, session_ids: Iterable[str]) -> TextReadings:
    """What was read from the notes of ``session_ids`` (those not in the workspace are left out).

    >>> from analytics.store.workspace import Workspace
    >>> text_readings(Workspace(), ["NOTE-0001"]).sessions
    0
    """
    ids = [str(i) for i in session_ids]
    if not ids or not ws.counts().get("coaching_sessions"):
        return TextReadings()
    status = quote_ident("text_status")
    parts = [f"count(*) FILTER (WHERE {status} = ?)"]
    params: list = [READ]
    for b in COACHING_BEHAVIOURS:
        value, source = quote_ident(b), quote_ident(reading_columns(b)[0])
        parts += [f"count(*) FILTER (WHERE {source} = 'text' AND {value})",
                  f"count(*) FILTER (WHERE {source} = 'text' AND NOT {value})",
                  f"count(*) FILTER (WHERE {status} = ? AND {value} IS NULL)"]
        params.append(READ)
    table = quote_ident("coaching_sessions")
    where = f"{quote_ident('session_id')} IN (SELECT unnest(?::VARCHAR[]))"
    row = ws.row(f"SELECT count(*), {', '.join(parts)} FROM {table} WHERE {where}", [*params, ids])
    reasons = ws.query(
        f"SELECT trim(substr({status}, length(?) + 2)) AS reason, count(*) AS n FROM {table} "
        f"WHERE {where} AND starts_with({status}, ?) GROUP BY ALL ORDER BY n DESC, reason",
        [NOT_READ + ":", ids, NOT_READ])
    counts = row[2:]
    return TextReadings(
        sessions=int(row[0]), read=int(row[1]),
        not_read={str(r.reason or "unknown"): int(r.n) for r in reasons.itertuples()},
        shown={b: int(counts[3 * i]) for i, b in enumerate(COACHING_BEHAVIOURS)},
        not_shown={b: int(counts[3 * i + 1]) for i, b in enumerate(COACHING_BEHAVIOURS)},
        uncertain={b: int(counts[3 * i + 2]) for i, b in enumerate(COACHING_BEHAVIOURS)},
    )
