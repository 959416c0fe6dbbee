"""Recognise what an export is and map its columns to the canonical ones.

Recognisers are data: an :class:`ExportShape` names a source (``"Salesforce report:
opportunities"``), the canonical table it fills, the headers that identify it (its
signature) and, where a source's header is ambiguous, an explicit column mapping. Every
other column is mapped through the header synonyms in :mod:`analytics.schema`. Adding a
CRM is adding a shape here, not code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from analytics import schema
from analytics.schema import normalise_header

MAPPING_FORMAT = "bench-strength-mapping"
MAPPING_VERSION = 1
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

    def matches(self, headers: list[str]) -> bool:
        if self.exact:
            present = set(headers)
            if not all(h in present for h in self.signature):
                return False
            own = set(schema.table(self.table).column_names)
            return sum(1 for h in headers if h in own) >= 0.6 * len(headers)
        normalised = {normalise_header(h) for h in headers}
        return all(normalise_header(h) in normalised for h in self.signature) and not any(
            normalise_header(h) in normalised for h in self.absent
        )


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
    ExportShape("Dynamics 365: opportunities", "opportunities", ("Est. revenue", "Status", "Owner"),
                columns=(("opportunity_id", "(Do Not Modify) Opportunity"), ("name", "Topic"),
                         ("amount", "Est. revenue"), ("stage", "Status"),
                         ("close_date", "Actual Close Date"))),
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

    @property
    def recognised(self) -> bool:
        return self.table is not None and self.shape is not None and not self.missing_required


def guess_mapping(table_name: str, headers: list[str],
                  fixed: dict[str, str] | None = None) -> dict[str, str]:
    """Map canonical columns of ``table_name`` to ``headers`` by synonyms.

    Each header is used at most once. ``fixed`` mappings are taken first. For each column
    the canonical name is tried before its synonyms, and synonyms in their listed order.
    """
    t = schema.table(table_name)
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalise_header(h), h)
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for canon, src in (fixed or {}).items():
        if src in headers and canon in t.column_names:
            mapping[canon] = src
            used.add(src)
    # Two passes: exact canonical names first, so a synonym never steals a header that is
    # some other column's own name.
    for col in t.columns:
        if col.name in mapping:
            continue
        src = by_norm.get(normalise_header(col.name))
        if src and src not in used:
            mapping[col.name] = src
            used.add(src)
    for col in t.columns:
        if col.name in mapping:
            continue
        for syn in col.synonyms:
            src = by_norm.get(normalise_header(syn))
            if src and src not in used:
                mapping[col.name] = src
                used.add(src)
                break
    return {c: mapping[c] for c in t.column_names if c in mapping}


def missing_required(table_name: str, mapping: dict[str, str]) -> list[str]:
    """Required columns with no source column; a key that can be derived is not missing."""
    t = schema.table(table_name)
    out = []
    for col in t.required_columns:
        if col.name in mapping:
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


def recognise(headers: list[str], saved_mappings: list[dict] | None = None) -> Recognition:
    """Recognise an export from its headers.

    Saved mappings (from :func:`mapping_to_json`) are tried first: one applies when all the
    source headers it maps are present. Then the known shapes, most specific first. When no
    shape matches, the canonical table whose synonyms cover the most headers is returned as
    a guess with ``shape=None``, for the column-mapping form.
    """
    for saved in saved_mappings or []:
        cols = saved.get("columns", {})
        if cols and saved.get("table") in schema.TABLES and all(src in headers for src in cols.values()):
            mapping = guess_mapping(saved["table"], headers, fixed=cols)
            mapping = {c: s for c, s in mapping.items() if c in cols}
            return _finish(saved["table"], f"Saved mapping: {saved.get('name') or saved['table']}",
                           headers, mapping, saved=True)
    # Templates compete: the table owning the largest share of its columns in the headers
    # wins, so a stage-history file with amount and close-date columns is not read as
    # opportunities. Named exports are tried first, in order.
    def owned_share(shape: ExportShape) -> tuple[float, int]:
        own = set(schema.table(shape.table).column_names)
        return sum(1 for h in headers if h in own) / len(own), len(shape.signature)

    named = [s for s in SHAPES if not s.exact]
    templates = sorted((s for s in SHAPES if s.exact and s.matches(headers)), key=owned_share, reverse=True)
    for shape in [*named, *templates[:1]]:
        if shape.matches(headers):
            by_norm = {normalise_header(h): h for h in headers}
            fixed = {c: by_norm[normalise_header(s)] for c, s in shape.columns if normalise_header(s) in by_norm}
            mapping = guess_mapping(shape.table, headers, fixed)
            rec = _finish(shape.table, shape.label, headers, mapping)
            if not rec.missing_required:
                return rec
    # Not a known shape: the best-covered table, as a starting point for the user.
    best: Recognition | None = None
    best_score = (-1.0, -1)
    for name in schema.TABLES:
        mapping = guess_mapping(name, headers)
        rec = _finish(name, None, headers, mapping)
        t = schema.table(name)
        req = max(1, len(t.required_columns))
        score = ((req - len(rec.missing_required)) / req, len(mapping))
        if score > best_score:
            best, best_score = rec, score
    assert best is not None
    if not best.missing_required and best_score[1] >= 2:
        best.shape = f"Columns recognised by name: {schema.table(best.table).label.lower()}"
    elif best_score[1] == 0:
        best.table = None
    return best


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
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValueError(f"{file_name}: not a saved mapping (the file is not valid JSON). {JSON_UPLOADS}") from None
    except RecursionError:  # nested deeper than any mapping: not one
        data = None
    return mapping_from_data(data, file_name)


def mapping_from_data(data: object, file_name: str = "mapping.json") -> dict:
    """A saved mapping from its parsed JSON; raises ValueError with a message for the user."""
    if not isinstance(data, dict) or data.get("format") != MAPPING_FORMAT:
        raise ValueError(f"{file_name}: not a Bench Strength column mapping. {JSON_UPLOADS}")
    if not isinstance(data.get("table"), str) or data["table"] not in schema.TABLES:
        raise ValueError(f"{file_name}: the mapping names an unknown table {data.get('table')!r}.")
    cols = data.get("columns")
    if not isinstance(cols, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in cols.items()):
        raise ValueError(f"{file_name}: the mapping's columns are not a list of column names.")
    unknown = [c for c in cols if c not in schema.table(data["table"]).column_names]
    if unknown:
        raise ValueError(f"{file_name}: the mapping names columns the app does not know: {', '.join(unknown)}.")
    return data
