"""The links between files, counted: how many of the people a file names resolve to the roster
(or, for quotas, to a deal owner), and the one rule for when a figure resting on a link may show.

A page resolves a name the way ``schema_sql`` does (``v_person_ref``: the value equals a roster
row's ``person_id`` or ``name``); a quota counts against deals when the resolved owners are the
same name (``v_won_in_quota``). :func:`link_status` counts each link by that same rule; the Data
page's panel (``analytics.ingest.links``) adds what each unmatched value looks like.

**The rule.** A link is *broken* when no value matches, or when under :data:`BROKEN_BELOW` (half)
of the rows that name someone resolve: a figure built from the minority of rows that happened to
be spelt like the roster describes that minority, not the organisation, and a ranking of managers
on it would rank the accident of spelling. Rows, not distinct names, because the figures sum rows
(one unmatched integration user owning 60% of the deals matters more than one of 13 names). A
figure resting on a broken link is "not measured" with the reason; on a *partial* link (some rows
unmatched, at least half matched) it shows and says what it rests on ("rests on 11 of 13 deal
owners"); on a *joined* link it shows plainly.

Only the workspace's data is read (never the filters): held per version of the data.
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics import schema
from analytics.store.caching import per_data_version
from analytics.store.schema_sql import quote_ident
from analytics.store.workspace import Workspace

#: a link is broken when under this share of its rows resolve (see the module's docstring)
BROKEN_BELOW = 0.5

ROSTER, DEAL_OWNERS = "roster", "deal owners"
JOINED, PARTIAL, BROKEN = "joined", "partial", "broken"

#: the links: (table, column, what it is, what a row is, target, one value's noun), in the order
#: the Data page lists them. Data, not code: a new link is a line here.
LINKS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("opportunities", "owner", "Deal owners", "deals", ROSTER, "deal owner"),
    ("activities", "owner", "Activity owners", "activities", ROSTER, "activity owner"),
    ("quotas", "owner", "Quota owners", "quota rows", ROSTER, "quota owner"),
    ("quotas", "owner", "Quota owners", "quota rows", DEAL_OWNERS, "quota owner"),
    ("reviews", "rep", "Reviewed reps", "reviews", ROSTER, "reviewed rep"),
    ("reviews", "reviewer", "Reviewers", "reviews", ROSTER, "reviewer"),
    ("coaching_sessions", "manager", "Coaching managers", "sessions", ROSTER, "coaching session's manager"),
    ("coaching_sessions", "rep", "Coached reps", "sessions", ROSTER, "coached rep"),
    ("development_actions", "rep", "Reps with development actions", "actions", ROSTER,
     "development action's rep"),
    ("development_actions", "manager", "Managers assigning development actions", "actions", ROSTER,
     "development action's manager"),
    ("surveys", "respondent", "Survey respondents", "answers", ROSTER, "survey respondent"),
    ("surveys", "subject_manager", "Surveyed managers", "answers", ROSTER, "surveyed manager"),
    ("territories", "manager", "Territory managers", "territories", ROSTER, "territory's manager"),
)

#: a link's key: (table, column, target)
LinkKey = tuple[str, str, str]


@dataclass(frozen=True)
class LinkStatus:
    """One link, counted: ``n_matched`` of ``n_total`` distinct values (``rows_matched`` of
    ``rows_total`` rows) resolve to the target; ``roster`` is whether a roster is loaded."""

    table: str
    column: str
    what: str
    unit: str
    target: str
    noun: str
    n_matched: int
    n_total: int
    rows_matched: int
    rows_total: int
    roster: bool = True

    @property
    def key(self) -> LinkKey:
        return (self.table, self.column, self.target)

    @property
    def healthy(self) -> bool:
        return self.n_matched == self.n_total

    @property
    def state(self) -> str:
        """``joined``, ``partial`` or ``broken`` (the rule of the module's docstring).

        >>> _status(7, 7, 70, 70).state, _status(11, 13, 90, 100).state, _status(1, 3, 4, 10).state
        ('joined', 'partial', 'broken')
        >>> _status(0, 7, 0, 20).state, _status(12, 13, 40, 100).state
        ('broken', 'broken')
        """
        if self.healthy:
            return JOINED
        if not self.n_matched or self.rows_matched < BROKEN_BELOW * self.rows_total:
            return BROKEN
        return PARTIAL

    @property
    def where(self) -> str:
        return "in the roster" if self.target == ROSTER else "among the deal owners"

    @property
    def reason(self) -> str:
        """Why a figure resting on this link is not measured ("" unless broken).

        >>> _status(0, 7, 0, 20).reason
        "no coaching session's manager is in the roster (0 of 7 names match)"
        >>> _status(1, 3, 4, 10).reason
        "only 4 of 10 sessions name a coaching session's manager in the roster (1 of 3 names match)"
        """
        if self.state != BROKEN:
            return ""
        if self.target == ROSTER and not self.roster:
            return f"no roster is loaded, so no {self.noun} can be found in it"
        names = f"({self.n_matched:,} of {self.n_total:,} name{'s' if self.n_total != 1 else ''} match)"
        if not self.n_matched:
            return f"no {self.noun} is {self.where} {names}"
        return f"only {self.rows_matched:,} of {self.rows_total:,} {self.unit} name a {self.noun} {self.where} {names}"

    @property
    def rests_on(self) -> str:
        """What a figure on a partial link rests on ("" unless partial).

        >>> _status(11, 13, 90, 100).rests_on
        'rests on 11 of 13 coaching managers (90 of 100 sessions)'
        """
        if self.state != PARTIAL:
            return ""
        return (f"rests on {self.n_matched:,} of {self.n_total:,} {self.what.lower()} "
                f"({self.rows_matched:,} of {self.rows_total:,} {self.unit})")


def _status(n_matched: int, n_total: int, rows_matched: int, rows_total: int) -> LinkStatus:
    """A coaching-manager link with these counts (the doctests' example)."""
    return LinkStatus("coaching_sessions", "manager", "Coaching managers", "sessions", ROSTER,
                      "coaching session's manager", n_matched, n_total, rows_matched, rows_total)


def value_counts(ws: Workspace, table: str, column: str, target: str) -> list[tuple[str, int, bool, str]]:
    """Distinct non-blank values of ``table.column`` with their rows, whether each resolves (to
    the roster, or, for :data:`DEAL_OWNERS`, its resolved name to a deal owner), and the name it
    resolves to (the value itself when it resolves to no one): an owner written as an ID is judged
    a person or not by the name the roster gives it."""
    t, col = quote_ident(table), quote_ident(column)
    if target == DEAL_OWNERS:  # quota owners -> deal owners, by resolved name as v_won_in_quota joins them
        ok = "coalesce(r.name, x.v) IN (SELECT owner_name FROM v_opportunities WHERE owner_name IS NOT NULL)"
    else:
        ok = "r.ref IS NOT NULL"
    # rows counted per value first, then each distinct value trimmed and resolved once (a
    # reference resolves to at most one roster name): 5M activity rows are a few thousand values
    sql = f"""SELECT x.v, x.n, {ok} AS ok, coalesce(r.name, x.v) AS shown
              FROM (SELECT {col} AS v, count(*) AS n FROM {t} GROUP BY 1) x
              LEFT JOIN v_person_ref r ON r.ref = x.v
              WHERE nullif(trim(x.v), '') IS NOT NULL"""
    return [(str(v), int(n), bool(ok), str(shown)) for v, n, ok, shown in ws.query(sql).itertuples(index=False)]


@per_data_version
def link_status(ws: Workspace) -> dict[LinkKey, LinkStatus]:
    """Each link the loaded data has, by key (a link whose table names no one is left out; quota
    owners to deal owners needs deals too)."""
    counts = ws.counts()
    roster = bool(counts.get("people"))
    out: dict[LinkKey, LinkStatus] = {}
    for table, column, what, unit, target, noun in LINKS:
        if not counts.get(table) or (target == DEAL_OWNERS and not counts.get("opportunities")):
            continue
        values = value_counts(ws, table, column, target)
        if not values:
            continue
        if not ws.includes_non_person_owners:  # kept out of every figure, so out of what the figures rest on
            values = [v for v in values if not schema.looks_automated(v[3])]
        out[(table, column, target)] = LinkStatus(
            table, column, what, unit, target, noun,
            n_matched=sum(ok for _, _, ok, _ in values), n_total=len(values),
            rows_matched=sum(n for _, n, ok, _ in values if ok), rows_total=sum(n for _, n, _, _ in values),
            roster=roster)
    return out


def broken(ws: Workspace, keys: tuple[LinkKey, ...]) -> str | None:
    """The reason a figure resting on ``keys`` is not measured (the first broken link's), or None.

    A link the data does not have (its table not loaded, or no roster to link to) is no reason
    here: the figure's own "needs data" says what is missing, as it did before links were counted."""
    for s in _judged(ws, keys):
        if s.state == BROKEN:
            return s.reason
    return None


def _judged(ws: Workspace, keys: tuple[LinkKey, ...]) -> list[LinkStatus]:
    status = link_status(ws)
    return [status[k] for k in keys if k in status and (status[k].roster or status[k].target != ROSTER)]


def rests_on(ws: Workspace, keys: tuple[LinkKey, ...]) -> str | None:
    """What a figure resting on ``keys`` rests on when a link is partial ("; "-joined), or None."""
    said = [s.rests_on for s in _judged(ws, keys) if s.state == PARTIAL]
    return "; ".join(said) or None
