"""Recognise what an export is and map its columns to the canonical ones.

Recognisers are data: an :class:`ExportShape` names a source (``"Salesforce report:
opportunities"``), the canonical table it fills, the headers that identify it (its
signature) and, where a source's header is ambiguous, an explicit column mapping. Every
other column is mapped through the header synonyms in :mod:`analytics.schema`. Adding a
CRM is adding a shape here, not code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pandas as pd

from analytics import schema
from analytics.ingest.composite import JOIN as COMPOSITE_JOIN
from analytics.ingest.composite import derived_prefix
from analytics.ingest.evidence import header_aliases, same_header, telltales, value_fit
from analytics.ingest.headerless import value_mapping
from analytics.ingest.readers import MAX_COLUMNS, MAX_HEADER_CHARS
from analytics.schema import normalise_header

MAPPING_FORMAT = "bench-strength-mapping"
MAPPING_VERSION = 1
#: a saved mapping or settings file is small: larger JSON is refused before it is parsed
MAX_JSON_BYTES = 2 * 1024 * 1024
#: a mapping's or a stage's name, as a person would write it
MAX_NAME_CHARS = 255
JSON_UPLOADS = ("JSON files are read as saved column mappings or settings files; upload data exports as CSV "
                "or XLSX.")


@dataclass(frozen=True)
class ExportShape:
    """A known export layout.

    Parameters
    ----------
    label : what the user reads ("Salesforce API: Opportunity").
    table : canonical table it fills.
    signature : headers that must all be present.
    absent : headers whose presence rules the shape out.
    columns : explicit canonical -> source header mappings; the rest go by synonyms.
    """

    label: str
    table: str
    signature: tuple[str, ...]
    absent: tuple[str, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()
    #: templates: headers compared exactly, and most of the file's headers must be the table's
    exact: bool = False
    #: the whole file is the table: every header (two or more) maps to one of its columns and every
    #: required column is found (a file of a person and their manager, nothing else)
    whole: bool = False

    def matches(self, headers: list[str]) -> bool:
        if self.whole:
            mapping = guess_mapping(self.table, headers)
            return (len(headers) >= 2 and len(set(mapping.values())) == len(set(headers))
                    and not missing_required(self.table, mapping))
        if self.exact:
            present = set(headers)
            if not all(h in present for h in self.signature):
                return False
            own = set(schema.table(self.table).column_names)
            return sum(1 for h in headers if h in own) >= 0.6 * len(headers)
        by_fold: dict[str, list[str]] = {}
        for h in headers:
            by_fold.setdefault(normalise_header(h), []).append(h)
        return all(any(same_header(f, s) for f in by_fold.get(normalise_header(s), ())) for s in self.signature) \
            and not any(normalise_header(h) in by_fold for h in self.absent)



def _template_shapes() -> list[ExportShape]:
    """The app's own shapes (the demo and the downloadable templates): canonical headers."""
    shapes = []
    for t in schema.TABLES.values():
        sig = tuple(dict.fromkeys([*t.key, *(c.name for c in t.required_columns)]))
        shapes.append(ExportShape(f"Bench Strength template: {t.label.lower()}", t.name, sig, exact=True))
    return shapes


#: Known exports, most specific first (the first match wins).
SHAPES: tuple[ExportShape, ...] = (
    # Maven Analytics CRM sample
    ExportShape("Maven CRM: sales pipeline", "opportunities",
                ("opportunity_id", "sales_agent", "deal_stage", "close_value"),
                columns=(("created_date", "engage_date"),)),
    ExportShape("Maven CRM: sales teams", "people", ("sales_agent", "manager", "regional_office")),
    ExportShape("Maven CRM: accounts", "accounts", ("account", "sector", "year_established"),
                columns=(("name", "account"), ("country", "office_location"))),
    ExportShape("Maven CRM: products", "products", ("product", "series", "sales_price")),
    ExportShape("Data dictionary", "data_dictionary", ("Table", "Field", "Description")),
    # Salesforce API / Data Loader (field API names)
    ExportShape("Salesforce API: OpportunityHistory", "stage_history",
                ("OpportunityId", "StageName", "CreatedDate"),
                columns=(("history_id", "Id"), ("changed_at", "CreatedDate"))),
    ExportShape("Salesforce API: Opportunity", "opportunities", ("Id", "StageName", "CloseDate"),
                absent=("OpportunityId",),
                columns=(("opportunity_id", "Id"), ("segment", "Type"))),
    ExportShape("Salesforce API: Task", "activities", ("Id", "Subject", "ActivityDate", "OwnerId"),
                columns=(("activity_id", "Id"), ("opportunity_id", "WhatId"),
                         ("activity_type", "TaskSubtype"))),
    ExportShape("Salesforce API: Event", "activities", ("Id", "Subject", "ActivityDateTime", "OwnerId"),
                columns=(("activity_id", "Id"), ("opportunity_id", "WhatId"),
                         ("activity_date", "ActivityDateTime"), ("duration_minutes", "DurationInMinutes"))),
    ExportShape("Salesforce API: User", "people", ("Id", "Username"),
                columns=(("person_id", "Id"), ("manager", "ManagerId"), ("role", "Title"))),
    ExportShape("Salesforce API: Lead", "leads", ("Id", "LastName", "Company", "Status"),
                columns=(("lead_id", "Id"), ("owner", "OwnerId"))),
    ExportShape("Salesforce API: Contact", "contacts", ("Id", "AccountId", "LastName"),
                absent=("Company",), columns=(("contact_id", "Id"), ("account", "AccountId"))),
    ExportShape("Salesforce API: Account", "accounts", ("Id", "Name", "Industry"),
                absent=("StageName", "LastName"),
                columns=(("account_id", "Id"), ("parent", "ParentId"))),
    ExportShape("Salesforce API: UserRole", "roles", ("Id", "Name", "ParentRoleId"),
                columns=(("role_id", "Id"), ("parent_role_id", "ParentRoleId"))),
    ExportShape("Salesforce API: Territory2", "territories", ("Id", "Name", "Territory2ModelId"),
                columns=(("territory_id", "Id"), ("parent", "ParentTerritory2Id"))),
    # Salesforce report exports (field labels)
    ExportShape("Salesforce report: opportunities", "opportunities",
                ("Opportunity Owner", "Stage", "Close Date", "Amount")),
    ExportShape("Salesforce report: opportunity history", "stage_history",
                ("Opportunity ID", "To Stage", "Last Modified")),
    ExportShape("Salesforce report: activities", "activities",
                ("Assigned", "Subject", "Date"), columns=(("owner", "Assigned"),)),
    # HubSpot
    ExportShape("HubSpot: deals", "opportunities", ("Deal Name", "Deal Stage", "Deal owner"),
                columns=(("opportunity_id", "Record ID"), ("name", "Deal Name"))),
    # Dynamics 365
    ExportShape("Dynamics 365: goals", "quotas", ("Goal Owner", "From", "To"),
                columns=(("owner", "Goal Owner"), ("period_start", "From"), ("period_end", "To"),
                         ("amount", "Target (Money)"))),
    ExportShape("Dynamics 365: opportunities", "opportunities", ("Est. revenue", "Status", "Owner"),
                columns=(("opportunity_id", "(Do Not Modify) Opportunity"), ("name", "Topic"),
                         ("amount", "Est. revenue"), ("stage", "Status"),
                         ("close_date", "Actual Close Date"))),
    ExportShape("Dynamics 365: territories", "territories", ("(Do Not Modify) Territory",)),
    ExportShape("Dynamics 365: territories", "territories", ("Manager", "Parent Territory")),
    # HR: nothing but a person and their manager (Employee, Manager / User Email, Manager Email /
    # Worker, Manager, Supervisory Organization): it enriches the roster, it is not one
    ExportShape("HR: manager links", "manager_links", (), whole=True),
    *_template_shapes(),
)


@dataclass
class Recognition:
    """What a file was recognised as, and how its columns map.

    ``mapping`` maps canonical column -> source header (absent columns are not mapped).
    ``shape`` is None when the file was not recognised and the mapping is only a guess.
    """

    table: str | None
    shape: str | None
    mapping: dict[str, str] = field(default_factory=dict)
    missing_required: list[str] = field(default_factory=list)
    unmapped_headers: list[str] = field(default_factory=list)
    from_saved_mapping: bool = False
    #: 0-1: how sure the app is of ``table`` (1 for a saved mapping or a named layout)
    confidence: float = 0.0
    #: every table that scored, best first (the runner-up is ``candidates[1]``)
    candidates: list[Candidate] = field(default_factory=list)
    #: what the file looks like when it is no table of the app ("a role hierarchy")
    looks_like: str | None = None

    @property
    def recognised(self) -> bool:
        return self.table is not None and self.shape is not None and not self.missing_required

    @property
    def runner_up(self) -> Candidate | None:
        others = [c for c in self.candidates if c.table != self.table]
        return others[0] if others and others[0].score >= FLOOR else None


@dataclass(frozen=True)
class Candidate:
    """One canonical table scored for a file: ``score`` 0-1 and the reasons, in plain sentences."""

    table: str
    score: float
    reasons: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return schema.table(self.table).label.lower()


#: A table scoring at least this, ahead of the runner-up by :data:`MARGIN`, with every required
#: column found and nothing contradicting it, is recognised without asking.
CONFIDENT = 0.75
MARGIN = 0.2
#: Below this no table is offered as a guess.
FLOOR = 0.3
#: rows of a file whose values are looked at
SAMPLE_ROWS = 200


def guess_mapping(table_name: str, headers: list[str],
                  fixed: dict[str, str] | None = None, custom_fields: bool = True,
                  rows: pd.DataFrame | None = None) -> dict[str, str]:
    """Map canonical columns of ``table_name`` to ``headers`` by synonyms.

    Each header is used at most once. ``fixed`` mappings are taken first. For each column
    the canonical name is tried before its synonyms, and synonyms in their listed order. Last,
    with ``rows`` (a sample of the file), a table's free-text column (:data:`PROSE_COLUMNS`) that
    no header names is guessed from the values: the unmapped column of prose.
    """
    t = schema.table(table_name)
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalise_header(h), h)
    for h in headers:  # a name derived from first and last names reads as a plain "Name" header
        whose = derived_prefix(h)
        if whose is not None:
            for key in header_aliases(h):
                by_norm.setdefault(key, h)
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for canon, src in (fixed or {}).items():
        if src in headers and canon in t.column_names:
            mapping[canon] = src
            used.add(src)
    converted = _converted_amount(table_name, by_norm, mapping, used)
    if converted:
        # the amount is in the company's currency: the deal's own currency is not the amount's
        mapping["amount"] = converted
        used.add(converted)
        base = next((by_norm[normalise_header(h)] for h in schema.CONVERTED_CURRENCY_HEADERS
                     if normalise_header(h) in by_norm), None)
        if base and "currency" not in mapping:
            mapping["currency"] = base
            used.add(base)
        own = t.column("currency")
        used.update(h for h in headers if own.matches(h) and h != mapping.get("currency"))
    # Two passes: exact canonical names first, so a synonym never steals a header that is
    # some other column's own name.
    for col in t.columns:
        if col.name in mapping:
            continue
        src = by_norm.get(normalise_header(col.name))
        if src and src not in used:
            mapping[col.name] = src
            used.add(src)
    weak = WEAK_SYNONYMS.get(table_name, {})
    for col in t.columns:
        if col.name in mapping:
            continue
        for syn in col.synonyms:
            if syn in weak.get(col.name, ()):
                continue  # a label: taken last, when nothing names the column better
            src = by_norm.get(normalise_header(syn))
            if src and src not in used:
                mapping[col.name] = src
                used.add(src)
                break
    # Last, relationship and custom-field headers (``Owner.Name``, ``user_id/name``, ``Region__c``)
    # by what they refer to: they only fill columns no plain header did.
    by_alias: dict[str, str] = {}
    for h in headers:
        if not custom_fields and h.strip().endswith("__c") and "." not in h and "/" not in h:
            continue  # a named layout keeps its mapping of today: its custom fields stay unused
        for key in header_aliases(h):
            by_alias.setdefault(key, h)
    if by_alias:
        for col in t.columns:
            if col.name in mapping:
                continue
            for name in (col.name, *col.synonyms):
                src = by_alias.get(normalise_header(name))
                if src and src not in used:
                    mapping[col.name] = src
                    used.add(src)
                    break
    for col in t.columns:
        if col.name in mapping:
            continue
        for syn in weak.get(col.name, ()):
            src = by_norm.get(normalise_header(syn))
            if src and src not in used:
                mapping[col.name] = src
                used.add(src)
                break
    prose_col = PROSE_COLUMNS.get(table_name)
    if rows is not None and prose_col and prose_col not in mapping:
        src = prose_guess([h for h in headers if h not in used], rows)
        if src is not None:
            mapping[prose_col] = src
    return {c: mapping[c] for c in t.column_names if c in mapping}


#: Tables with a free-text column, and that column: a file's column of prose that no header names
#: (``Recap``, ``What we covered``) is taken as it, a guess the mapping form shows like any other.
PROSE_COLUMNS: dict[str, str] = {"coaching_sessions": "notes"}
#: Tables whose rows carry free text of their own, or whose exports often do (a deal's or an
#: account's description): a column of prose says nothing against them. Any other table loses
#: :data:`PROSE_AGAINST` for a column of prose it leaves unmapped.
PROSE_TABLES = ("coaching_sessions", "activities", "data_dictionary", "opportunities", "accounts", "contacts",
                "leads", "products")
PROSE_AGAINST = 0.15
#: Tables whose rows are a conversation between two people, and the columns naming them: beside a
#: column of prose, a header that names one of them (its synonyms) which another table leaves
#: unmapped takes :data:`SECOND_PERSON` from that table (a file of a manager, a rep, a date and
#: notes is a coaching session, not an activity of the rep's).
CONVERSATION_PEOPLE: dict[str, tuple[str, ...]] = {"coaching_sessions": ("manager", "rep")}
SECOND_PERSON = 0.15
#: A column is prose when at least :data:`PROSE_MIN_VALUES` of its sampled values are filled, at
#: least :data:`PROSE_SHARE` of them have :data:`PROSE_MIN_WORDS` words or more, and their median
#: length is at least :data:`PROSE_MEDIAN_CHARS` characters (well above a category's or a name's).
PROSE_MIN_VALUES = 3
PROSE_MIN_WORDS = 4
PROSE_SHARE = 0.6
PROSE_MEDIAN_CHARS = 30
_PROSE_WORD = re.compile(r"[^\W\d_]{2,}")


def _prose_guessed(table_name: str, mapping: dict[str, str]) -> str | None:
    """The header :func:`guess_mapping` took as ``table_name``'s free-text column from its values
    (no header of the column's names it), if any."""
    col = PROSE_COLUMNS.get(table_name)
    src = mapping.get(col) if col else None
    return src if src is not None and not schema.table(table_name).column(col).matches(src) else None


def _known_header(header: str) -> bool:
    """Whether a header is a column's name or synonym in any table (it means that column, not notes)."""
    return normalise_header(header) in _KNOWN_HEADERS


def _median_chars(values: list[str]) -> int:
    lengths = sorted(len(v) for v in values)
    return lengths[len(lengths) // 2] if lengths else 0


def is_prose(values: list[str]) -> bool:
    """Whether sampled values (non-empty text) read as free text rather than names or categories.

    >>> is_prose(["Asked her what she would do differently on the Acme call", "Role play on Thursday, then review",
    ...           "He conceded on price at the first pushback; we agreed to practise"])
    True
    >>> is_prose(["Sam Lee", "Dana Kim", "Ann Roe"]), is_prose(["Closed Won", "Negotiation", "Prospecting"])
    (False, False)
    """
    if len(values) < PROSE_MIN_VALUES:
        return False
    wordy = sum(1 for v in values if len(_PROSE_WORD.findall(v)) >= PROSE_MIN_WORDS)
    return wordy >= PROSE_SHARE * len(values) and _median_chars(values) >= PROSE_MEDIAN_CHARS


def prose_headers(headers: list[str], rows: pd.DataFrame | None) -> list[str]:
    """The file's columns whose sampled values are prose (:func:`is_prose`)."""
    if rows is None:
        return []
    return [h for h in dict.fromkeys(headers) if is_prose(_sample(rows, h))]


def prose_guess(headers: list[str], rows: pd.DataFrame | None) -> str | None:
    """Among ``headers`` (unmapped ones), the column of prose that no table's header vocabulary
    names; the longest-written when several are."""
    found = prose_headers([h for h in headers if not _known_header(h)], rows)
    return max(found, key=lambda h: _median_chars(_sample(rows, h))) if found else None


def _converted_amount(table_name: str, by_norm: dict[str, str], mapping: dict[str, str],
                      used: set[str]) -> str | None:
    """The header of an amount converted to the company's currency
    (:data:`analytics.schema.CONVERTED_AMOUNT_HEADERS`), when ``table_name`` is opportunities, the
    amount is not fixed already and the file has one: preferred, so that every deal's amount is in
    one currency."""
    if table_name != "opportunities" or "amount" in mapping:
        return None
    for h in schema.CONVERTED_AMOUNT_HEADERS:
        src = by_norm.get(normalise_header(h))
        if src and src not in used:
            return src
    return None


def converted_amount_header(headers: list[str]) -> str | None:
    """The converted amount among ``headers`` that :func:`guess_mapping` prefers, if any."""
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalise_header(h), h)
    return _converted_amount("opportunities", by_norm, {}, set())


_KNOWN_HEADERS = frozenset(normalise_header(n) for t in schema.TABLES.values() for c in t.columns
                           for n in (c.name, *c.synonyms))
_CONVERSATION_HEADERS = {table: frozenset(normalise_header(n) for c in cols
                                          for n in (c, *schema.table(table).column(c).synonyms))
                         for table, cols in CONVERSATION_PEOPLE.items()}


#: Synonyms that are labels more often than the column: a goal's ``Name`` ("Sales Q1 FY2025 - Alex")
#: is the quota's owner only when no header (``Goal Owner``, ``Owner.Name``...) names the owner.
WEAK_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "quotas": {"owner": ("Name",)},
}

#: Tables a file is only when it is nearly all theirs: their header evidence is scaled by the share
#: of the file's headers they explain (a roster with a name and a manager is neither a manager-link file
#: nor a territory list).
WHOLE_FILE_TABLES = ("manager_links", "roles", "territories")


#: Tables of one row per key, and the table a file of theirs is when its rows repeat a key next to
#: one of that table's history columns (``schema.Table.history``): a job history repeats each
#: employee with an effective date, a roster names each person once.
HISTORY_OF: dict[str, str] = {"people": "manager_links"}
#: what a repeated key next to a history date takes from the one-row-per-key table's score, and
#: adds to the history's: the rows themselves say what the file is, evidence worth more than a
#: header (a tell-tale of another kind takes 0.15): the bonus outweighs two HR headers a job history
#: shares with a roster (Job Title, Location), the penalty as much again
HISTORY_PENALTY = 0.4
HISTORY_BONUS = 0.3


def _repeated(t: schema.Table, mapping: dict[str, str], rows: pd.DataFrame | None) -> str | None:
    """The header of ``t``'s key (or what it is derived from) whose sampled values repeat."""
    if rows is None:
        return None
    for col in (*t.key, *t.derived_key_from):
        values = _sample(rows, mapping[col]) if col in mapping else []
        if len(values) > len(set(values)):
            return mapping[col]
    return None


def _history_evidence(name: str, mapping: dict[str, str], headers: list[str],
                      rows: pd.DataFrame | None) -> tuple[float, str | None]:
    """Score change and reason when the file's sample repeats a key next to an effective date: a
    history table (``schema.Table.history`` mapped) gains, a one-row-per-key table whose history it
    would be (:data:`HISTORY_OF`) loses."""
    t = schema.table(name)
    if t.history and any(c in mapping for c in t.history) and (h := _repeated(t, mapping, rows)):
        return HISTORY_BONUS, f"{h} repeats with its effective dates: a history"
    other = HISTORY_OF.get(name)
    if other and any(c in guess_mapping(other, headers) for c in schema.table(other).history) \
            and (h := _repeated(t, mapping, rows)):
        return -HISTORY_PENALTY, (f"{h} repeats next to an effective date: a history, not one row per "
                                  f"{'person' if name == 'people' else 'row'}")
    return 0.0, None


#: Required columns the import derives from another mapped column when the file has none:
#: a quota period's end from the spacing of its starts (:mod:`analytics.ingest.quota_periods`).
DERIVABLE: dict[str, dict[str, str]] = {
    "quotas": {"period_end": "period_start"},
}


def missing_required(table_name: str, mapping: dict[str, str]) -> list[str]:
    """Required columns with no source column; a key, or a column of :data:`DERIVABLE`, that can
    be derived is not missing."""
    t = schema.table(table_name)
    derivable = DERIVABLE.get(table_name, {})
    out = []
    for col in t.required_columns:
        if col.name in mapping:
            continue
        if col.name in derivable and derivable[col.name] in mapping:
            continue
        if col.name in t.key and t.derived_key_from and any(c in mapping for c in t.derived_key_from):
            continue
        out.append(col.name)
    return out


def _finish(table_name: str, shape: str | None, headers: list[str], mapping: dict[str, str],
            saved: bool = False) -> Recognition:
    used = set(mapping.values())
    return Recognition(table_name, shape, mapping, missing_required(table_name, mapping),
                       [h for h in headers if h not in used], saved)


def _sample(rows: pd.DataFrame | None, header: str) -> list[str]:
    if rows is None or header not in rows.columns:
        return []
    col = rows[header].head(SAMPLE_ROWS)
    col = col.iloc[:, 0] if isinstance(col, pd.DataFrame) else col
    return [v for v in (str(x).strip() for x in col.dropna().tolist()) if v]


def score_table(name: str, headers: list[str], rows: pd.DataFrame | None = None,
                tells: dict[str, list[str]] | None = None,
                prose: list[str] | None = None) -> tuple[Candidate, dict[str, str]]:
    """Score one canonical table for a file, from its headers and a sample of its rows.

    Header evidence (0-1): 0.6 x the share of required columns found + 0.4 x the more of: optional
    columns found (three or more, or all a table has, count in full), and the share of the file's
    headers the table explains. Tell-tale headers of this table add 0.05 each (at most 0.15);
    those of another kind that this table does not use take 0.15 each (at most 0.6). Value evidence
    scales the rest: each mapped column's sample is checked against its type (required columns
    count twice), and the score is multiplied by 0.5 + 0.5 x that fit. A column of prose (``prose``,
    :func:`prose_headers`) left unmapped takes :data:`PROSE_AGAINST` from a table that holds no free
    text, and beside it a person of a conversation left unmapped takes :data:`SECOND_PERSON`.
    """
    t = schema.table(name)
    mapping = guess_mapping(name, headers, rows=rows)
    missing = missing_required(name, mapping)
    req = max(1, len(t.required_columns))
    required = {c.name for c in t.required_columns}
    optional = [c for c in mapping if c not in required]
    found = (req - len(missing)) / req
    n_optional = len(t.columns) - len(required)
    # the rest of the header credit: optional columns found, or the share of the file's own
    # headers this table explains, whichever is more (a file of exactly a table's required
    # columns is that table, with nothing optional in it)
    explained = len(mapping) / max(1, len(headers))
    extra = min(1.0, len(optional) / min(3, n_optional)) if n_optional else found
    header = 0.6 * found + 0.4 * max(extra, explained)
    if name in WHOLE_FILE_TABLES:
        header *= explained
    reasons: list[str] = []
    if guessed := _prose_guessed(name, mapping):
        reasons.append(f"{guessed} reads as free text: the {PROSE_COLUMNS[name]}")
    if mapping:
        reasons.append(f"{len(mapping)} column{'s' if len(mapping) != 1 else ''} match"
                       + (f"; {', '.join(m.replace('_', ' ') for m in missing)} not found" if missing else
                          "; every required column found"))
    tells = telltales(headers) if tells is None else tells
    used = set(mapping.values())
    own = tells.get(name, [])
    bonus = min(0.15, 0.05 * len(own))
    if own:
        reasons.append(f"{', '.join(own[:3])} {'is' if len(own) == 1 else 'are'} typical of {t.label.lower()}")
    # a header typical of this table too (First Name: a roster's and a contact's) is not against it
    against = {kind: [h for h in hs if h not in used and h not in own] for kind, hs in tells.items() if kind != name}
    against = {k: hs for k, hs in against.items() if hs}
    # each header once, though it may be typical of several other kinds (First Name: people, contacts, leads)
    penalty = min(0.6, 0.15 * len({h for hs in against.values() for h in hs}))
    history, why = _history_evidence(name, mapping, headers, rows)
    if why:
        bonus += max(0.0, history)
        penalty -= min(0.0, history)
        reasons.append(why)
    for kind, hs in against.items():
        what = kind[5:] if kind.startswith("not: ") else schema.table(kind).label.lower()
        reasons.append(f"{', '.join(hs[:3])} {'says' if len(hs) == 1 else 'say'} {what}")
    prose = prose_headers(headers, rows) if prose is None else prose
    if prose:
        loose = [h for h in prose if h not in used]
        if loose and name not in PROSE_TABLES:
            penalty += PROSE_AGAINST
            reasons.append(f"{loose[0]} reads as free text, which {t.label.lower()} do not hold")
        for other, keys in _CONVERSATION_HEADERS.items():
            people = [h for h in headers if h not in used and normalise_header(h) in keys] if other != name else []
            if people:
                penalty += SECOND_PERSON * len(people)
                reasons.append(f"{', '.join(people[:2])} beside free text: a conversation, "
                               f"{schema.table(other).label.lower()}")
    fits, weights = 0.0, 0.0
    bad: list[str] = []
    for canon, src in mapping.items():
        fit = value_fit(canon, t.column(canon).type, _sample(rows, src))
        if fit is None:
            continue
        w = 2.0 if canon in required else 1.0
        fits, weights = fits + w * fit, weights + w
        if fit < 0.5:
            bad.append(f"{src} ({t.column(canon).type})")
    value = fits / weights if weights else 1.0
    if bad:
        reasons.append("values do not look right for " + ", ".join(bad[:3]))
    score = max(0.0, min(1.0, header * (0.5 + 0.5 * value) + bonus - penalty))
    return Candidate(name, round(score, 2), tuple(reasons)), mapping


def rank_tables(headers: list[str], rows: pd.DataFrame | None = None) -> list[Candidate]:
    """Every canonical table scored for a file, best first."""
    tells, prose = telltales(headers), prose_headers(headers, rows)
    scored = [score_table(name, headers, rows, tells, prose)[0] for name in schema.TABLES]
    return sorted(scored, key=lambda c: -c.score)


def recognise_headerless(headers: list[str], kinds: dict[str, str], saved_mappings: list[dict] | None = None,
                         rows: pd.DataFrame | None = None) -> Recognition:
    """A file without a header row: every table scored from what its columns' values look like
    (``kinds``, :func:`analytics.ingest.headerless.value_mapping`), the best offered as a guess and
    never recognised (``shape`` None): the user checks it in the mapping form. A saved mapping of a
    headerless file with the same columns is the guess instead, still to be checked."""
    for saved in saved_mappings or []:
        cols = saved.get("columns", {})
        if cols and saved.get("table") in schema.TABLES and saved.get("source_headers") == headers:
            rec = _finish(saved["table"], None, headers, {c: s for c, s in cols.items() if s in headers})
            rec.confidence = 0.9
            rec.candidates = [Candidate(saved["table"], 0.9, (f"your saved mapping {saved.get('name') or ''}".strip(),))]
            return rec
    scored = []
    for name in schema.TABLES:
        mapping, fit = value_mapping(name, kinds, rows, DERIVABLE.get(name))
        reasons = (("guessed from the values: " + ", ".join(f"{c.replace('_', ' ')} ← {s} ({kinds[s]})"
                                                           for c, s in mapping.items()),) if mapping else ())
        scored.append((Candidate(name, fit, reasons), mapping))
    scored.sort(key=lambda cm: -cm[0].score)
    best, mapping = scored[0]
    rec = _finish(best.table, None, headers, mapping)
    rec.confidence, rec.candidates = best.score, [c for c, _ in scored]
    if best.score < FLOOR or not mapping:
        rec.table, rec.mapping, rec.unmapped_headers, rec.missing_required = None, {}, list(headers), []
    return rec


def recognise(headers: list[str], saved_mappings: list[dict] | None = None,
              rows: pd.DataFrame | None = None) -> Recognition:
    """Recognise an export from its headers.

    Saved mappings (from :func:`mapping_to_json`) are tried first: one applies when all the
    source headers it maps are present. Then the known shapes, most specific first (confidence
    1). When no shape matches, every canonical table is scored (:func:`score_table`, from the
    headers and ``rows``, a sample of the file): the best is recognised only when it is
    confident and well ahead of the runner-up; otherwise it is a guess (``shape=None``) for the
    column-mapping form, or, when nothing scores, ``table=None`` with what the file looks like.
    """
    for saved in saved_mappings or []:
        cols = saved.get("columns", {})
        if cols and saved.get("table") in schema.TABLES and all(src in headers for src in cols.values()):
            mapping = guess_mapping(saved["table"], headers, fixed=cols)
            mapping = {c: s for c, s in mapping.items() if c in cols}
            rec = _finish(saved["table"], f"Saved mapping: {saved.get('name') or saved['table']}",
                          headers, mapping, saved=True)
            rec.confidence = 1.0
            return rec
    # Templates compete: the table owning the largest share of its columns in the headers
    # wins, so a stage-history file with amount and close-date columns is not read as
    # opportunities. Named exports are tried first, in order.
    def owned_share(shape: ExportShape) -> tuple[float, int]:
        own = set(schema.table(shape.table).column_names)
        return sum(1 for h in headers if h in own) / len(own), len(shape.signature)

    named = [s for s in SHAPES if not s.exact and not s.whole]
    templates = sorted((s for s in SHAPES if s.exact and s.matches(headers)), key=owned_share, reverse=True)
    whole = [s for s in SHAPES if s.whole]  # after the templates: the app's own headers name their table
    for shape in [*named, *templates[:1], *whole]:
        if shape.matches(headers):
            by_norm = {normalise_header(h): h for h in headers}
            fixed = {c: by_norm[normalise_header(s)] for c, s in shape.columns if normalise_header(s) in by_norm}
            if shape.table == "opportunities" and converted_amount_header(headers):
                fixed.pop("amount", None)  # the converted amount, in one currency, is preferred
            mapping = guess_mapping(shape.table, headers, fixed, custom_fields=False, rows=rows)
            rec = _finish(shape.table, shape.label, headers, mapping)
            if not rec.missing_required:
                rec.confidence = 1.0
                rec.candidates = [Candidate(shape.table, 1.0, (f"the layout of {shape.label}",))]
                return rec
    # Not a known shape: a scored choice over every table.
    tells, prose = telltales(headers), prose_headers(headers, rows)
    scored = [score_table(name, headers, rows, tells, prose) for name in schema.TABLES]
    scored.sort(key=lambda cm: -cm[0].score)
    best, mapping = scored[0]
    runner = scored[1][0].score if len(scored) > 1 else 0.0
    rec = _finish(best.table, None, headers, mapping)
    rec.confidence, rec.candidates = best.score, [c for c, _ in scored]
    not_app = [k[5:] for k, hs in sorted(tells.items(), key=lambda kv: -len(kv[1]))
               if k.startswith("not: ") and len(hs) >= 2]
    # a file that says what it is, and it is no table of the app: at least two of its tell-tales, more
    # than any table's own (a Case export's CaseNumber and IsEscalated, an invoice's amount_total...)
    own_best = max((len(hs) for k, hs in tells.items() if not k.startswith("not: ")), default=0)
    said_not_app = bool(not_app) and max(len(tells[f"not: {k}"]) for k in not_app) > own_best
    if best.score < FLOOR or not mapping or said_not_app:
        rec.table, rec.mapping, rec.unmapped_headers = None, {}, list(headers)
        rec.missing_required = []
        rec.looks_like = not_app[0] if not_app else None
        return rec
    own = set(tells.get(best.table, ()))
    used = set(mapping.values())
    used |= {part for h in mapping.values() if derived_prefix(h) is not None for part in h.split(COMPOSITE_JOIN)}
    contradicted = any(k != best.table for k in tells
                       if any(h not in used and h not in own for h in tells[k]))
    if (not rec.missing_required and len(mapping) >= 2 and best.score >= CONFIDENT
            and best.score - runner >= MARGIN and not contradicted):
        rec.shape = f"Columns recognised by name: {schema.table(best.table).label.lower()}"
        guessed = _prose_guessed(best.table, mapping)
        if guessed:
            rec.shape += f" ({guessed} taken as the {PROSE_COLUMNS[best.table]} from its values: check it)"
    return rec


def mapping_to_json(table_name: str, mapping: dict[str, str], headers: list[str], name: str = "") -> str:
    """A saved mapping, to download and apply next cycle."""
    return json.dumps(
        {
            "format": MAPPING_FORMAT,
            "version": MAPPING_VERSION,
            "name": name or table_name,
            "table": table_name,
            "columns": mapping,
            "source_headers": headers,
        },
        indent=2,
    )


def mapping_from_json(text: str | bytes, file_name: str = "mapping.json") -> dict:
    """Read a saved mapping; raises ValueError with a message for the user if it is not one."""
    if len(text) > MAX_JSON_BYTES:
        raise ValueError(f"{file_name}: too large for a saved column mapping or settings file ({len(text):,} bytes; "
                         f"at most {MAX_JSON_BYTES:,}). {JSON_UPLOADS}")
    try:
        data = json.loads(text)
    except ValueError:  # not JSON, not text, or a number of thousands of digits
        raise ValueError(f"{file_name}: not a saved mapping (the file is not valid JSON). {JSON_UPLOADS}") from None
    except RecursionError:  # nested deeper than any mapping: not one
        data = None
    return mapping_from_data(data, file_name)


def _names(values, most: int = 5) -> str:
    shown = [repr(v if len(v) <= 40 else v[:40] + "…") if isinstance(v, str) else "a name that is not text"
             for v in list(values)[:most]]
    return ", ".join(shown) + (f" and {len(values) - most:,} more" if len(values) > most else "")


def mapping_from_data(data: object, file_name: str = "mapping.json") -> dict:
    """A saved mapping from its JSON (a mapping file's, or one inside a settings file), checked:
    a known table, its own column names mapped to source headers of 1 to :data:`MAX_HEADER_CHARS`
    characters, a name of at most :data:`MAX_NAME_CHARS`, at most :data:`MAX_COLUMNS` source
    headers. Returns only the mapping's own keys; raises ValueError with a message for the user."""
    if not isinstance(data, dict) or data.get("format") != MAPPING_FORMAT:
        raise ValueError(f"{file_name}: not a Bench Strength column mapping. {JSON_UPLOADS}")
    version = data.get("version", MAPPING_VERSION)
    if type(version) is not int or version != MAPPING_VERSION:
        raise ValueError(f"{file_name}: a column mapping of a version this app does not read (it reads version "
                         f"{MAPPING_VERSION}).")
    if not isinstance(data.get("table"), str) or data["table"] not in schema.TABLES:
        table = data.get("table")
        shown = _names([table]) if isinstance(table, str) else "that is not a table name"
        raise ValueError(f"{file_name}: the mapping names an unknown table {shown}.")
    table = schema.table(data["table"])
    name = data.get("name", "")
    if not isinstance(name, str) or len(name) > MAX_NAME_CHARS:
        raise ValueError(f"{file_name}: the mapping's 'name' must be text of at most {MAX_NAME_CHARS} characters.")
    cols = data.get("columns")
    if not isinstance(cols, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in cols.items()):
        raise ValueError(f"{file_name}: the mapping's columns are not a list of column names.")
    unknown = [c for c in cols if c not in table.column_names]
    if unknown:
        raise ValueError(f"{file_name}: the mapping names columns the app does not know: {_names(unknown)}.")
    bad = [v for v in cols.values() if not v.strip() or len(v) > MAX_HEADER_CHARS]
    if bad:
        raise ValueError(f"{file_name}: the mapping's 'columns' must name source columns of 1 to "
                         f"{MAX_HEADER_CHARS:,} characters.")
    headers = data.get("source_headers", [])
    if not isinstance(headers, list) or len(headers) > MAX_COLUMNS or not all(
            isinstance(h, str) and len(h) <= MAX_HEADER_CHARS for h in headers):
        raise ValueError(f"{file_name}: the mapping's 'source_headers' must be a list of at most {MAX_COLUMNS:,} "
                         f"column names of at most {MAX_HEADER_CHARS:,} characters.")
    return {"format": MAPPING_FORMAT, "version": MAPPING_VERSION, "name": name or table.name,
            "table": table.name, "columns": dict(cols), "source_headers": list(headers)}
