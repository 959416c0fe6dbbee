"""Evidence for recognising a file: header keys beyond the plain fold, tell-tale headers, and
whether a sample of values looks like what a canonical column holds.

All of it is data or small pure functions; :mod:`analytics.ingest.recognise` weighs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from analytics.ingest.composite import derived_prefix
from analytics.schema import normalise_header

#: ``Owner.Name``, ``Owner.External_Id__c``, ``Account__r.Name`` (Salesforce), ``user_id/name``,
#: ``partner_id/id`` (Odoo): identifiers joined by dots or slashes, no spaces.
_RELATION = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:[./][A-Za-z_][A-Za-z0-9_]*)+$")
_NAME_FIELDS = {"name", "fullname", "displayname"}


def _part(text: str) -> str:
    return re.sub(r"__[cr]$", "", text)


def header_aliases(header: str) -> list[str]:
    """Folded forms a header also answers to, besides :func:`normalise_header`'s (which comes first
    everywhere): relationship notation read as the related record's name or ID, and a custom field's
    ``__c`` dropped.

    >>> header_aliases("Owner.Name")
    ['owner']
    >>> header_aliases("Owner.External_Id__c")
    ['ownerid']
    >>> header_aliases("stage_id/name")
    ['stage', 'stagename']
    >>> header_aliases("user_id/id")
    ['userid']
    >>> header_aliases("Region__c")
    ['region']
    >>> header_aliases("Est. revenue")
    []

    A full name derived from a first and a last name (:mod:`analytics.ingest.composite`) answers to
    the name of whose name it is:

    >>> header_aliases("First Name + Last Name"), header_aliases("Employee First Name + Employee Last Name")
    (['name', 'fullname'], ['employee', 'employeename', 'employeefullname'])
    """
    text = str(header).strip().lstrip("\ufeff")
    base = normalise_header(text)
    out: list[str] = []
    whose = derived_prefix(text)
    if whose is not None:
        out = [whose, whose + "name", whose + "fullname"] if whose else ["name", "fullname"]
    elif _RELATION.match(text):
        parts = [_part(p) for p in re.split(r"[./]", text)]
        parent = normalise_header(re.sub(r"(?:_id|Id|_ids)$", "", parts[-2]))
        field = normalise_header(parts[-1])
        if field in _NAME_FIELDS:
            out = [parent, parent + "name"]
        elif field.endswith("id"):
            out = [parent + "id"]
        else:
            out = [parent + field]
    elif text.endswith("__c"):
        out = [normalise_header(text[:-3])]
    return [k for k in dict.fromkeys(out) if k and k != base]


#: Headers that say what a file is. A kind is a canonical table, or (``"not: …"``) something the
#: app does not use, named as the user reads it. Compared after :func:`normalise_header`.
TELLTALES: dict[str, tuple[str, ...]] = {
    "people": ("Username", "First Name", "Last Name", "Primary Email", "Hire Date", "Employee ID",
               "ManagerId", "Reports To", "Business Unit", "Job Title"),
    "opportunities": ("StageName", "CloseDate", "Close Date", "Probability", "ForecastCategory",
                      "ForecastCategoryName", "Expected Revenue", "IsWon", "Deal Stage", "date_deadline"),
    "activities": ("ActivityDate", "ActivityDateTime", "WhoId", "WhatId", "Priority", "TaskSubtype",
                   "CallType", "CallDurationInSeconds", "IsReminderSet", "ReminderDateTime", "DurationInMinutes"),
    "stage_history": ("OpportunityId", "To Stage", "From Stage", "OldValue", "NewValue"),
    "quotas": ("Target", "Quota", "Quota Amount", "QuotaAmount", "QuotaOwnerId", "Quota Owner", "Goal Owner",
               "Target (Money)", "Goal Metric", "Parent Goal", "Rollup Only from Child Goals"),
    "not: a role hierarchy": ("ParentRoleId", "RollupDescription", "OpportunityAccessForAccountOwner",
                              "CaseAccessForAccountOwner", "ContactAccessForAccountOwner",
                              "MayForecastManagerShare", "PortalAccountId", "PortalType"),
    "not: a territory list": ("Territory2ModelId", "Territory2TypeId", "ParentTerritory2Id", "Territory2Id",
                              "ParentTerritoryId", "RoleInTerritory2"),
    "not: a list of permissions or profiles": ("PermissionSetId", "ProfileId", "PermissionsViewAllData",
                                              "IsOwnedByProfile", "UserLicenseId"),
}
_TELLTALE_KEYS = {kind: {normalise_header(h) for h in hs} for kind, hs in TELLTALES.items()}


def telltales(headers: Iterable[str]) -> dict[str, list[str]]:
    """The file's headers that are tell-tales, by kind."""
    out: dict[str, list[str]] = {}
    for h in headers:
        keys = {normalise_header(h), *header_aliases(h)}
        for kind, tells in _TELLTALE_KEYS.items():
            if keys & tells:
                out.setdefault(kind, []).append(h)
    return out


# --------------------------------------------------------------------------- values

_DATE = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}.*)?"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}( \d{1,2}:\d{2}.*)?"
    r"|\d{1,2}[ -][A-Za-z]{3,9}\.?[ -]\d{2,4}"
    r"|[A-Za-z]{3,9}\.? \d{1,2},? \d{4}"
    r"|\d{4}\d{2}\d{2})$"
)
_BOOL = {"true", "false", "yes", "no", "y", "n", "t", "f", "0", "1", "x", "ja", "nein", "oui", "non", "vrai", "faux"}
_MONEY_CLEAN = re.compile(r"[\s$€£¥,'%]|USD|EUR|GBP")


def _number(text: str) -> float | None:
    t = _MONEY_CLEAN.sub("", text)
    if t.startswith("(") and t.endswith(")"):
        t = t[1:-1]
    try:
        return float(t)
    except ValueError:
        return None


def value_fit(column: str, kind: str, values: list[str]) -> float | None:
    """Share of ``values`` (non-empty text) that look like what a ``kind`` column holds; None when
    there is nothing to judge. ``column`` adds checks: a probability is 0–100 (or 0–1)."""
    if not values:
        return None

    def share(test) -> float:
        return sum(1 for v in values if test(v)) / len(values)

    if kind in ("date", "timestamp"):
        return share(lambda v: bool(_DATE.match(v.strip())))
    if kind in ("money", "number", "integer"):
        if column == "probability":
            return share(lambda v: (n := _number(v)) is not None and 0 <= n <= 100)
        return share(lambda v: _number(v) is not None)
    if kind == "bool":
        return share(lambda v: v.strip().lower() in _BOOL)
    if kind == "id":
        return share(lambda v: len(v) <= 80)
    # text: a name, a stage, a subject; never a bare number or date (a person's
    # reference may be an ID, so owner/manager/rep are not judged)
    return share(lambda v: _number(v) is None and not _DATE.match(v.strip())) if column in _NAMED_TEXT else 1.0


#: text columns that hold a word, never a bare number or date (a person, a stage, a capability)
_NAMED_TEXT = {"name", "stage", "capability", "item", "team", "region", "industry", "product", "table_name", "field"}
