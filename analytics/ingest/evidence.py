"""Evidence for recognising a file: header keys beyond the plain fold, tell-tale headers, and
whether a sample of values looks like what a canonical column holds.

All of it is data or small pure functions; :mod:`analytics.ingest.recognise` weighs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from analytics.ingest.composite import derived_prefix
from analytics.ingest.values import currency_code
from analytics.schema import normalise_header

#: ``Owner.Name``, ``Owner.External_Id__c``, ``Account__r.Name`` (Salesforce), ``user_id/name``,
#: ``partner_id/id`` (Odoo): identifiers joined by dots or slashes, no spaces.
_RELATION = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:[./][A-Za-z_][A-Za-z0-9_]*)+$")
_NAME_FIELDS = {"name", "fullname", "displayname"}
#: ``_ownerid_value`` (Dataverse Web API: a lookup's ID)
_LOOKUP_VALUE = re.compile(r"^_([A-Za-z0-9]+)_value$")
#: ``Deal - Value``, ``Activity - Due date`` (Pipedrive: the record type, then the field)
_PREFIXED = re.compile(r"^([A-Za-z]+) - (.+)$")


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
    >>> header_aliases("USER_ID/NAME")
    ['user', 'username']
    >>> header_aliases("Region__c")
    ['region']
    >>> header_aliases("Est. revenue")
    []
    >>> header_aliases("_ownerid_value")
    ['ownerid']
    >>> header_aliases("Activity - Due date")
    ['duedate']

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
        parent = normalise_header(re.sub(r"(?:_ids?|_IDS?|Id|ID)$", "", parts[-2]))
        field = normalise_header(parts[-1])
        if field in _NAME_FIELDS:
            out = [parent, parent + "name"]
        elif field.endswith("id"):
            out = [parent + "id"]
        else:
            out = [parent + field]
    elif text.endswith("__c"):
        out = [normalise_header(text[:-3])]
    elif m := _LOOKUP_VALUE.match(text):
        out = [normalise_header(m.group(1))]
    elif m := _PREFIXED.match(text):
        out = [normalise_header(m.group(2))]
    return [k for k in dict.fromkeys(out) if k and k != base]


#: Headers that say what a file is. A kind is a canonical table, or (``"not: …"``) something the
#: app does not use, named as the user reads it. Compared after :func:`normalise_header`.
TELLTALES: dict[str, tuple[str, ...]] = {
    "people": ("Username", "First Name", "Last Name", "Primary Email", "Hire Date", "Employee ID",
               "ManagerId", "Reports To", "Business Unit", "Job Title",
               # HR directories (BambooHR, Workday, Personio, Odoo hr.employee)
               "Employee Number", "EmployeeNumber", "Work Email", "Email - Work", "Work Phone",
               "Reporting To", "Supervisor", "Employment Status", "Employment Type", "Worker Type",
               "Business Title", "Supervisory Organization", "Cost Center", "Preferred Name",
               "(Do Not Modify) User",
               # a user account's own fields (Pipedrive, HubSpot, Salesforce user lists)
               "Last Login", "LastLoginDate", "Permission Set", "Visibility Group", "Last Active"),
    "opportunities": ("StageName", "CloseDate", "Close Date", "Probability", "ForecastCategory",
                      "ForecastCategoryName", "Expected Revenue", "IsWon", "Deal Stage", "date_deadline",
                      "(Do Not Modify) Opportunity"),
    "activities": ("ActivityDate", "ActivityDateTime", "WhoId", "WhatId", "Priority", "TaskSubtype",
                   "CallType", "CallDurationInSeconds", "IsReminderSet", "ReminderDateTime", "DurationInMinutes",
                   # Odoo mail.activity's reference to any record (its WhatId), Dynamics activity keys
                   "res_model", "res_id", "(Do Not Modify) Task", "(Do Not Modify) Phone Call",
                   "(Do Not Modify) Appointment", "(Do Not Modify) Email"),
    "stage_history": ("OpportunityId", "To Stage", "From Stage", "OldValue", "NewValue"),
    "quotas": ("Target", "Quota", "Quota Amount", "QuotaAmount", "QuotaOwnerId", "Quota Owner", "Goal Owner",
               "Target (Money)", "Goal Metric", "Parent Goal", "Rollup Only from Child Goals", "(Do Not Modify) Goal"),
    "reviews": ("Review Cycle", "Reviewee", "Reviewee Name", "Reviewer", "Reviewer Name", "Competency",
                "Overall Rating"),
    "products": ("ProductCode", "Product Code", "Family", "Product Family", "SKU", "QuantityUnitOfMeasure"),
    # a person's name in two parts is as typical of a buyer's record as of the roster's
    "contacts": ("First Name", "Last Name", "Lifecycle Stage", "Contact owner", "MailingCountry",
                 "Mailing Country", "(Do Not Modify) Contact"),
    "leads": ("First Name", "Last Name", "IsConverted", "ConvertedDate", "ConvertedOpportunityId",
              "(Do Not Modify) Lead"),
    "accounts": ("(Do Not Modify) Account",),
    # a reporting-line history (Workday / BambooHR job history): a roster has no effective dates
    "manager_links": ("Effective Date", "Effective From", "Valid From", "Valid To", "Change Date",
                      "Effective Start Date", "Effective End Date", "Effective To", "Reason for Change",
                      "Change Reason", "Action Reason"),
    "roles": ("ParentRoleId", "RollupDescription", "OpportunityAccessForAccountOwner",
              "CaseAccessForAccountOwner", "ContactAccessForAccountOwner", "MayForecastManagerShare",
              "PortalAccountId", "PortalType", "Parent Role", "Parent Role ID"),
    "territories": ("Territory2ModelId", "Territory2TypeId", "ParentTerritory2Id", "ParentTerritoryId",
                    "Parent Territory", "Territory Manager", "(Do Not Modify) Territory"),
    "not: a list of territory assignments": ("Territory2Id", "RoleInTerritory2"),
    "not: a list of permissions or profiles": ("PermissionSetId", "ProfileId", "PermissionsViewAllData",
                                              "IsOwnedByProfile", "UserLicenseId", "PermissionSetGroupId"),
    "not: support cases or tickets": ("CaseNumber", "Case Number", "IsEscalated", "Case Origin", "SuppliedEmail",
                                      "Ticket ID", "Ticket name", "Ticket status", "Ticket owner", "Ticket pipeline"),
    "not: invoices or bills": ("invoice_date", "invoice_date_due", "Invoice Date", "Invoice Number",
                               "InvoiceNumber", "amount_total", "amount_residual", "payment_state", "move_type"),
}
_TELLTALE_KEYS = {kind: {normalise_header(h): h for h in hs} for kind, hs in TELLTALES.items()}


def _words(header: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", str(header))]


def same_header(header: str, known: str) -> bool:
    """Whether a file's ``header`` is the ``known`` one: folded alike (:func:`normalise_header`), and
    where the file's header marks its words (separators, camel-case humps), word for word. ``user_name``
    is a user's name, never Salesforce's ``Username``; ``stage_name``, ``STAGENAME`` and ``StageName``
    are one field.

    >>> [same_header(h, "Username") for h in ("Username", "USERNAME", "user_name", "UserName")]
    [True, True, False, False]
    >>> [same_header(h, "StageName") for h in ("stagename", "stage_name", "STAGE_NAME", "Stage Name")]
    [True, True, True, True]
    >>> same_header("OPPORTUNITY_OWNER", "Opportunity Owner"), same_header("Opportunity ID", "OpportunityId")
    (True, True)
    """
    text = str(header).strip().lstrip("\ufeff")
    if normalise_header(text) != normalise_header(known):
        return False
    marked = bool(re.search(r"[^0-9A-Za-z]", text) or re.search(r"[a-z][A-Z]", text))
    return not marked or _words(text) == _words(known)


def _names_related(header: str) -> bool:
    """A relationship header naming the related record (``user_id/name``, ``Owner.Name``): it says the
    file refers to a user or an owner, not what the file's own rows are, so it is no tell-tale."""
    text = str(header).strip().lstrip("\ufeff")
    return bool(_RELATION.match(text)) and normalise_header(re.split(r"[./]", text)[-1]) in _NAME_FIELDS


def telltales(headers: Iterable[str]) -> dict[str, list[str]]:
    """The file's headers that are tell-tales, by kind (a header may be typical of several kinds).
    A relationship header is read through its aliases (``Owner.External_Id__c``), unless it only
    names the related record.

    >>> telltales(["user_id/name", "res_model", "date_deadline"])
    {'activities': ['res_model'], 'opportunities': ['date_deadline']}
    """
    out: dict[str, list[str]] = {}
    for h in headers:
        base = normalise_header(h)
        aliases = set() if _names_related(h) else set(header_aliases(h))
        for kind, tells in _TELLTALE_KEYS.items():
            if (base in tells and same_header(h, tells[base])) or aliases & tells.keys():
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


def as_number(text: str) -> float | None:
    """The number a cell holds (currency, thousands separators and accounting brackets aside), or None."""
    return _number(text)


def looks_like_date(text: str) -> bool:
    """True when a cell is written like a date (in any of the forms exports use)."""
    return bool(_DATE.match(text.strip()))


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
    if kind == "currency":
        return share(lambda v: currency_code(v) is not None)
    if kind == "id":
        return share(lambda v: len(v) <= 80)
    # text: a name, a stage, a subject; never a bare number or date (a person's
    # reference may be an ID, so owner/manager/rep are not judged)
    return share(lambda v: _number(v) is None and not _DATE.match(v.strip())) if column in _NAMED_TEXT else 1.0


#: text columns that hold a word, never a bare number or date (a person, a stage, a capability)
_NAMED_TEXT = {"name", "stage", "capability", "item", "team", "region", "industry", "product", "table_name", "field"}
