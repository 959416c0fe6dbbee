"""Data health: the links between files, and the values that link to no one.

Every export names people (a deal's owner, a quota's owner, a review's rep...) and the pages
resolve each name the way ``analytics/store/schema_sql.py`` does: the value equals a roster row's
``person_id`` or ``name`` exactly, or its ``email`` in any case (``v_person_ref``); a quota counts against a deal when their
resolved owners are the same name (``v_won_in_quota``). :func:`link_health` measures each link the
loaded data has by that same rule, so the panel agrees with what the pages compute, and says of
each value that links to no one whether it looks like **not a person** (an automation, an
integration user, a queue), a **near miss** of a name it could have meant (case, accents, spacing,
"Last, First", an initial: suggested, never merged), or a name **not in the roster**.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from analytics.schema import NOT_A_PERSON, looks_automated  # noqa: F401 - the panel's words, in the vocabulary
from analytics.store.caching import per_data_version
from analytics.store.links import DEAL_OWNERS, LINKS, ROSTER, LinkStatus, link_status, value_counts
from analytics.store.workspace import Workspace

#: how close (rapidfuzz token-sort ratio, 0-100, on folded names) a value must be to a name to be suggested
NEAR_MISS_SCORE = 88
#: unmatched values listed per link
TOP = 10

NOT_A_PERSON_KIND, NEAR_MISS, NOT_IN_ROSTER = "not a person", "near miss", "not in the roster"
_ROSTER = ROSTER
_DEAL_OWNERS = DEAL_OWNERS


@dataclass(frozen=True)
class Unmatched:
    """A value that links to no one: how many rows carry it, what it looks like, and the name it
    may have meant (a near miss only)."""

    value: str
    rows: int
    kind: str
    suggestion: str | None = None


@dataclass(frozen=True)
class Link:
    """One link between files: ``n_matched`` of ``n_total`` distinct values (``rows_matched`` of
    ``rows_total`` rows) resolve to the target; the first :data:`TOP` unmatched values, most rows
    first; and the fix, in a user's words (empty when every value matches)."""

    table: str
    column: str
    what: str
    unit: str
    target: str
    n_matched: int
    n_total: int
    rows_matched: int
    rows_total: int
    unmatched: tuple[Unmatched, ...]
    fix: str
    #: the link counted, with the rule's verdict (joined, partial, broken) and its reason
    status: LinkStatus | None = None

    @property
    def state(self) -> str:
        return self.status.state if self.status else ("joined" if self.healthy else "partial")

    @property
    def n_unmatched(self) -> int:
        return self.n_total - self.n_matched

    @property
    def healthy(self) -> bool:
        return self.n_matched == self.n_total


def fold(name: str) -> str:
    """A name as compared for a near miss: accents and case dropped, "Last, First" turned round,
    punctuation and spacing collapsed.

    >>> fold("  PERSON,  Ánna ")
    'anna person'
    """
    s = unicodedata.normalize("NFKD", str(name))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    if s.count(",") == 1:
        last, first = s.split(",")
        s = f"{first} {last}"
    return " ".join(re.sub(r"[^0-9a-z]+", " ", s).split())


def _initial_match(value: str, names: dict[str, str]) -> str | None:
    """"A. Person" or "A Person" -> the one folded name with that first initial and last name."""
    parts = value.split()
    if len(parts) < 2 or len(parts[0]) != 1:
        return None
    hits = [real for f, real in names.items()
            if f.split() and len(f.split()) >= 2 and f.split()[-1] == parts[-1] and f[0] == parts[0]]
    return hits[0] if len(hits) == 1 else None


def near_miss(value: str, names: list[str]) -> str | None:
    """The name ``value`` most likely meant, or None (never merged: a suggestion)."""
    folded = {}
    for n in names:
        folded.setdefault(fold(n), n)
    v = fold(value)
    if not v or not folded:
        return None
    if v in folded:
        return folded[v]
    by_initial = _initial_match(v, folded)
    if by_initial:
        return by_initial
    best = process.extractOne(v, list(folded), scorer=fuzz.token_sort_ratio, score_cutoff=NEAR_MISS_SCORE)
    return folded[best[0]] if best else None


def classify(value: str, names: list[str]) -> tuple[str, str | None]:
    """What an unmatched value looks like, and the name or e-mail of ``names`` it may have meant: an
    e-mail is compared with the e-mails, then its local part ("anna.person") with the names.

    >>> classify("Anna.Persn@example.com", ["Anna Person", "anna.person@example.com"])
    ('near miss', 'anna.person@example.com')
    >>> classify("anna.person@old-domain.com", ["Anna Person", "anna.person@example.com"])
    ('near miss', 'Anna Person')
    """
    if looks_automated(value):
        return NOT_A_PERSON_KIND, None
    if "@" in value:
        emails = [n for n in names if "@" in n]
        meant = (near_miss(value, emails) if emails else None) or near_miss(
            value.split("@")[0], [n for n in names if "@" not in n])
    else:
        meant = near_miss(value, [n for n in names if "@" not in n])
    return (NEAR_MISS, meant) if meant else (NOT_IN_ROSTER, None)


def _fix(table: str, column: str, target: str, roster: bool, unmatched: tuple[Unmatched, ...], n_unmatched: int) -> str:
    if not n_unmatched:
        return ""
    if target == _ROSTER and not roster:
        return "Upload a roster (People export) so these names resolve to people, managers and teams."
    if target == _DEAL_OWNERS:
        return ("Quota owners and deal owners must be the same people: check that both files name owners the same "
                "way (name or the same ID), or map the quota file's owner column to the right column.")
    kinds = {u.kind for u in unmatched}
    parts = []
    if NEAR_MISS in kinds:
        parts.append("correct the spelling in the export or the roster (the names are suggested, never merged)")
    if NOT_A_PERSON_KIND in kinds:
        parts.append("deals of automation or integration users are kept out of people metrics (the switch above "
                     "counts them); reassign them in the CRM to credit a person")
    if NOT_IN_ROSTER in kinds:
        parts.append(f"add the missing people to the roster, or map the {column.replace('_', ' ')} column "
                     "to the column that holds names or IDs")
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:] if parts else ""


@per_data_version
def link_health(ws: Workspace) -> tuple[Link, ...]:
    """Each link between files the loaded data has (a link whose table holds no rows is left out);
    held with the workspace until its data changes."""
    counts = ws.counts()
    roster = bool(counts.get("people"))
    names = ws.query("""SELECT DISTINCT name FROM people WHERE name IS NOT NULL
                        UNION SELECT DISTINCT lower(email) FROM people WHERE email IS NOT NULL AND name IS NOT NULL""")[
        "name"].tolist() if roster else []
    owners = None
    out = []
    status = link_status(ws)
    for table, column, what, unit, target, _ in LINKS:
        if (table, column, target) not in status:
            continue
        if target == _DEAL_OWNERS:
            if owners is None:
                owners = ws.query("SELECT DISTINCT owner_name FROM v_opportunities "
                                  "WHERE owner_name IS NOT NULL")["owner_name"].tolist()
            candidates = owners
        else:
            candidates = names
        values = value_counts(ws, table, column, target)
        missing = sorted((v for v in values if not v[2]), key=lambda v: (-v[1], v[0]))
        unmatched = tuple(Unmatched(v, n, *classify(v, candidates)) for v, n, _, _ in missing[:TOP])
        out.append(Link(
            table=table, column=column, what=what, unit=unit, target=target,
            n_matched=sum(ok for _, _, ok, _ in values), n_total=len(values),
            rows_matched=sum(n for _, n, ok, _ in values if ok), rows_total=sum(n for _, n, _, _ in values),
            unmatched=unmatched, fix=_fix(table, column, target, roster, unmatched, len(missing)),
            status=status[(table, column, target)],
        ))
    return tuple(out)
