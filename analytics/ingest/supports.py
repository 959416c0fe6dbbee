"""Which analyses the data supports, and what each missing one needs: for the loaded workspace
(:func:`analyses_supported`), for the files staged on the Data page before Load
(:func:`analyses_staged`), what one staged file lacks for which analysis (:func:`file_check`),
and the export that would unlock the most (:func:`next_export`). All of it is read from
:data:`analytics.schema.REQUIREMENTS` and the links below: data, not special cases per export."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from analytics import schema
from analytics.ingest.recognise import DERIVABLE
from analytics.store.links import DEAL_OWNERS, LINKS, ROSTER, broken
from analytics.store.workspace import Workspace

#: The links between files each analysis rests on (keys of :data:`analytics.store.links.LINKS`):
#: with its tables loaded but a link broken, an analysis needs data (the link mended), not "ready".
ANALYSIS_LINKS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "attainment": (("quotas", "owner", ROSTER), ("quotas", "owner", DEAL_OWNERS)),
    "activity": (("activities", "owner", ROSTER),),
    "independence": (("opportunities", "owner", ROSTER),),
    "capability": (("reviews", "rep", ROSTER),),
    "follow_through": (("development_actions", "rep", ROSTER),),
    "coaching": (("coaching_sessions", "manager", ROSTER),),
    "confidence_gap": (("surveys", "subject_manager", ROSTER),),
    "lead_dial": (("surveys", "subject_manager", ROSTER),),
}
#: the fix for a broken link, in a user's words
LINK_FIX = ("Check Data health on the Data page: make the file name people as the roster does (the same "
            "names or IDs), or map its column to the one that holds them.")

#: each analysis as it reads inside a sentence ("so attainment and pipeline KPIs cannot use this file")
ANALYSIS_SHORT: dict[str, str] = {
    "overview": "the overview", "attainment": "attainment", "pipeline": "pipeline KPIs",
    "stage_flow": "time in stage", "activity": "activity standards", "independence": "execution independence",
    "capability": "capability movement", "follow_through": "development follow-through",
    "coaching": "coaching quality", "confidence_gap": "the confidence gap", "lead_dial": "the Lead dial",
    "distribution": "the Pareto views",
}
#: the dials (:data:`analytics.settings.DIALS`) an analysis gives evidence to, for "what to upload next"
ANALYSIS_DIALS: dict[str, tuple[str, ...]] = {
    "attainment": ("Manage",), "pipeline": ("Manage",), "activity": ("Manage",),
    "independence": ("Coach",), "capability": ("Coach",), "follow_through": ("Coach",),
    "coaching": ("Coach", "Manage"), "lead_dial": ("Lead",),
}
#: what a file's rows lose without a column that ties them to people, by (table, column); the links
#: of :data:`analytics.store.links.LINKS` read "<rows> cannot be attributed to reps or managers"
LINK_LOSSES: dict[tuple[str, str], str] = {
    **{(table, column): f"{rows} cannot be attributed to reps or managers"
       for table, column, _what, rows, _target, _noun in LINKS},
    ("people", "manager"): "the roster cannot say who manages whom",
}


@dataclass
class AnalysisSupport:
    """Whether the loaded data supports one analysis, and if not, what it is missing."""

    analysis: str
    title: str
    supported: bool
    missing: list[str]
    explanation: str
    #: why a link this analysis rests on is broken (its tables loaded): not ready until it is mended
    broken_link: str | None = None

    @property
    def reason(self) -> str:
        """What the analysis needs: the missing data's explanation, or the broken link and its fix."""
        if self.broken_link:
            return f"not measured: {self.broken_link}. {LINK_FIX}"
        return self.explanation

    @property
    def status(self) -> str:
        return "ready" if self.supported else "needs data"


def _missing(req: schema.Requirement, present: dict[str, set[str]]) -> list[str]:
    """The exports and columns ``req`` needs that ``present`` (table -> columns with values) lacks."""
    missing = []
    for table_name, cols in req.needs.items():
        t = schema.table(table_name)
        if not present.get(table_name):
            missing.append(f"{t.label.lower()} export")
            continue
        empty = [c for c in cols if c not in present[table_name]]
        if empty:
            missing.append(f"{', '.join(c.replace('_', ' ') for c in empty)} in {t.label.lower()}")
    return missing


def analyses_supported(ws: Workspace) -> list[AnalysisSupport]:
    """One line per analysis: supported, or the tables/columns that are missing, or (its tables
    loaded) the link between files it rests on that is broken (:func:`analytics.store.links.broken`)."""
    present = columns_present([], ws)
    out = []
    for req in schema.REQUIREMENTS:
        missing = _missing(req, present)
        link = None if missing else broken(ws, ANALYSIS_LINKS.get(req.analysis, ()))
        if link:
            missing.append(f"a working link: {link}")
        out.append(AnalysisSupport(req.analysis, schema.ANALYSES[req.analysis], not missing, missing, req.explanation,
                                   link))
    return out


Staged = Iterable[tuple[str, Iterable[str]]]


def columns_present(staged: Staged, ws: Workspace | None = None) -> dict[str, set[str]]:
    """Per table, the columns that would hold values: those of ``ws`` that do (when the load adds
    to it) and those mapped in each staged file ``(table, canonical columns)``.

    >>> sorted(columns_present([("quotas", ["owner", "amount"])])["quotas"])
    ['amount', 'owner']
    """
    present: dict[str, set[str]] = {t: set() for t in schema.TABLES}
    if ws is not None:
        for t in schema.TABLES:
            present[t] |= {c for c, n in ws.column_filled(t).items() if n}
    for table, cols in staged:
        present[table] |= with_derived(table, cols)
    return present


def with_derived(table: str, columns: Iterable[str]) -> set[str]:
    """A file's mapped columns and those the import derives from them when the file has none
    (:data:`analytics.ingest.recognise.DERIVABLE`: a quota period's end from its starts).

    >>> sorted(with_derived("quotas", ["owner", "period_start", "amount"]))
    ['amount', 'owner', 'period_end', 'period_start']
    """
    cols = set(columns)
    return cols | {c for c, source in DERIVABLE.get(table, {}).items() if source in cols}


ROSTER_TO_LINK = "a roster (people export) to link its people to"


def _links_unmet(analysis: str, present: dict[str, set[str]]) -> list[str]:
    """The files a staged analysis's links need that are not there: a roster to link to, or
    (quotas) deals with owners. Whether the names match is only known once loaded."""
    out = []
    for _table, _column, target in ANALYSIS_LINKS.get(analysis, ()):
        if target == ROSTER and not present["people"] and ROSTER_TO_LINK not in out:
            out.append(ROSTER_TO_LINK)
        elif target == DEAL_OWNERS and "owner" not in present["opportunities"]:
            out.append("deals with owners to match quotas to")
    return out


def _support(present: dict[str, set[str]]) -> list[AnalysisSupport]:
    out = []
    for req in schema.REQUIREMENTS:
        missing = _missing(req, present)
        roster = f"{schema.table('people').label.lower()} export"  # needed already: no second line for it
        missing += [m for m in _links_unmet(req.analysis, present) if not (m == ROSTER_TO_LINK and roster in missing)]
        out.append(AnalysisSupport(req.analysis, schema.ANALYSES[req.analysis], not missing, missing,
                                   req.explanation))
    return out


def analyses_staged(staged: Staged, ws: Workspace | None = None) -> list[AnalysisSupport]:
    """What the staged files would support once loaded: alone, or added to ``ws`` (the load's "add").

    Tables and columns as :func:`analyses_supported` reads them, and the links an analysis rests on
    need their other side (a roster, deal owners); whether the names in them match is checked
    once the files are loaded (Data health), so a staged line is never "broken link".
    """
    return _support(columns_present(staged, ws))


@dataclass(frozen=True)
class Lack:
    """Columns a file has not, and the analyses they keep the file out of (columns that block the
    same analyses are one lack: "no account or product column")."""

    table: str
    columns: tuple[str, ...]
    analyses: tuple[str, ...]

    @property
    def loss(self) -> str | None:
        """What the rows lose when a column ties them to people (a link), else None."""
        return next((LINK_LOSSES[(self.table, c)] for c in self.columns if (self.table, c) in LINK_LOSSES), None)

    @property
    def is_link(self) -> bool:
        return self.loss is not None

    @property
    def sentence(self) -> str:
        """The lack in a user's words ("no owner column: deals cannot be attributed …").

        >>> Lack("opportunities", ("account", "product"), ("distribution",)).sentence
        'no account or product column: the Pareto views cannot use this file'
        """
        names = [ANALYSIS_SHORT.get(a, a) for a in self.analyses]
        cols = [c.replace("_", " ") for c in self.columns]
        head = f"no {', '.join(cols[:-1]) + ' or ' if len(cols) > 1 else ''}{cols[-1]} column"
        if self.is_link:
            return f"{head}: {self.loss}, so {join(names + ['every manager figure'])} cannot use this file"
        return f"{head}: {join(names)} cannot use this file"


@dataclass(frozen=True)
class FileCheck:
    """What one staged file (a table and the columns recognised in it) lacks, for which analysis."""

    table: str
    lacks: tuple[Lack, ...]
    #: the analyses that need this table and can use the file as it is
    feeds: tuple[str, ...]
    needed: bool

    @property
    def warn(self) -> bool:
        """A card warns (no green tick) when a link to people is missing, or when no analysis that
        reads this table can use the file."""
        return any(lack.is_link for lack in self.lacks) or (self.needed and not self.feeds)


def file_check(table: str, columns: Iterable[str]) -> FileCheck:
    """What a file recognised as ``table`` with ``columns`` (canonical names) lacks, from the
    requirements of every analysis that reads the table; the links to people lead.

    >>> check = file_check("opportunities", ["opportunity_id", "stage", "amount", "close_date", "created_date"])
    >>> check.warn, [lack.columns for lack in check.lacks]
    (True, [('owner',), ('account', 'product')])
    >>> file_check("accounts", ["name"]).warn
    False
    """
    cols = with_derived(table, columns)
    blocked: dict[str, list[str]] = {}
    needing = [r for r in schema.REQUIREMENTS if table in r.needs]
    feeds = []
    for req in needing:
        absent = [c for c in req.needs[table] if c not in cols]
        for c in absent:
            blocked.setdefault(c, []).append(req.analysis)
        if not absent:
            feeds.append(req.analysis)
    order = schema.table(table).column_names
    grouped: dict[tuple, list[str]] = {}
    for c in sorted(blocked, key=order.index):
        grouped.setdefault(((table, c) in LINK_LOSSES, tuple(blocked[c])), []).append(c)
    lacks = [Lack(table, tuple(cols), analyses) for (_link, analyses), cols in grouped.items()]
    lacks.sort(key=lambda lack: (not lack.is_link, -len(lack.analyses), order.index(lack.columns[0])))
    return FileCheck(table, tuple(lacks), tuple(feeds), bool(needing))


@dataclass(frozen=True)
class NextExport:
    """The export (or the columns of one already there) that would unlock the most analyses."""

    table: str
    columns: tuple[str, ...]
    unlocks: tuple[str, ...]
    #: True when the table is there and only ``columns`` are missing from it
    present: bool
    #: analyses it brings nearer without unlocking them (the roster, for every link to people)
    nearer: tuple[str, ...] = ()

    @property
    def sentence(self) -> str:
        label = schema.table(self.table).label.lower()
        names = join([ANALYSIS_SHORT.get(a, a) for a in self.unlocks])
        dials = sorted({d for a in self.unlocks for d in ANALYSIS_DIALS.get(a, ())},
                       key=["Lead", "Manage", "Coach"].index)
        measure = f"{names} (the {join(dials)} dial{'s' if len(dials) > 1 else ''})" if dials else names
        more = len(self.nearer)
        also = f" {more} more analys{'is needs' if more == 1 else 'es need'} it too." if more else ""
        if self.present:
            cols = join([c.replace("_", " ") for c in self.columns])
            what = f"{cols} columns" if len(self.columns) > 1 else f"{article(cols)} {cols} column"
            return f"Add {what} to the {label} export to measure {measure}.{also}"
        return f"Add {article(label)} {label} export to measure {measure}.{also}"


def next_export(present: dict[str, set[str]]) -> NextExport | None:
    """Of the exports the requirements name (and the roster every link to people rests on), the one
    whose arrival would make the most analyses supported, with the columns they need; ties go to the
    one that brings the most others nearer (the roster, which every link to people rests on), then to
    the first in the requirements. None when no one export would unlock an analysis.

    >>> present = {t: set() for t in schema.TABLES}
    >>> next_export({**present, "reviews": {"rep", "capability", "cycle", "score"}}).table  # deals: 2 analyses
    'opportunities'
    >>> deals = {"owner", "amount", "stage", "created_date", "close_date", "account", "product"}
    >>> nxt = next_export({**present, "opportunities": deals, "reviews": {"rep", "capability", "cycle", "score"}})
    >>> nxt.table, nxt.unlocks
    ('people', ('independence', 'capability'))
    """
    now = {s.analysis: len(s.missing) for s in _support(present)}
    rank = {r.analysis: i for i, r in enumerate(schema.REQUIREMENTS)}
    wanted: dict[str, set[str]] = {"people": {"name"}}
    for req in schema.REQUIREMENTS:
        for table, cols in req.needs.items():
            wanted.setdefault(table, set()).update(cols)
    best, best_score = None, None
    for table, cols in wanted.items():
        lacking = cols - present[table]
        if not lacking:
            continue
        trial = _support({**present, table: present[table] | cols})
        unlocks = tuple(s.analysis for s in trial if s.supported and now[s.analysis])
        if not unlocks:
            continue
        # most analyses unlocked, then most brought nearer (the roster every link rests on), then the first
        nearer = tuple(s.analysis for s in trial if now[s.analysis] and len(s.missing) < now[s.analysis]
                       and s.analysis not in unlocks)
        score = (len(unlocks), len(nearer), -rank[unlocks[0]])
        if best_score is None or score > best_score:
            needed = {c for req in schema.REQUIREMENTS if req.analysis in unlocks for c in req.needs.get(table, ())}
            shown = (lacking if present[table] else cols) & (needed or cols) or lacking
            order = schema.table(table).column_names
            best, best_score = NextExport(table, tuple(sorted(shown, key=order.index)), unlocks,
                                          bool(present[table]), nearer), score
    return best


def join(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``.

    >>> join(["attainment"]), join(["a", "b"]), join(["a", "b", "c"])
    ('attainment', 'a and b', 'a, b and c')
    """
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def article(noun: str) -> str:
    """'a' or 'an' before ``noun`` (by its first letter)."""
    return "an" if noun[:1].lower() in "aeiou" else "a"
