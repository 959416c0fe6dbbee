"""A person's name from a first-name and a last-name column.

HR and CRM user exports (Dynamics 365 ``User.csv``, Salesforce ``FirstName``/``LastName``, HubSpot
and Zoho ``First Name``/``Last Name``, Workday's ``Legal First Name``/``Preferred Last Name``) often
have no full-name column. When a file has a first-name and a last-name column of the same person
(the same prefix: ``Employee First Name`` and ``Employee Last Name``) and no full-name column for
that person, :func:`add_full_names` adds one to the file as read, headed ``"<first> + <last>"``:
the mapping form offers it as a column, and recognition reads it as that person's name
(:func:`analytics.ingest.evidence.header_aliases`: ``"First Name + Last Name"`` answers to
``name``, ``"Employee First Name + Employee Last Name"`` to ``employee`` and ``employeename``).

The words are data: add a synonym to the tables below, not a case for one file.
"""

from __future__ import annotations

import pandas as pd

from analytics.schema import normalise_header

#: how a first-name / last-name header ends (folded as :func:`normalise_header`), longest first
FIRST_NAME_WORDS = ("givenname", "firstname", "forename")
LAST_NAME_WORDS = ("familyname", "lastname", "surname")
#: words before a name part that say which form of the name it is, not whose name it is
QUALIFIERS = ("legal", "preferred", "display", "official", "common", "known")
#: how a full-name header of a person ends (after the prefix naming whose name it is)
FULL_NAME_WORDS = ("name", "fullname", "displayname", "completename")
#: joins the two source headers in the derived column's header
JOIN = " + "

def _split(header: str, words: tuple[str, ...]) -> str | None:
    """The prefix (whose name: ``""``, ``"employee"``) when ``header`` is a name part, else None."""
    folded = normalise_header(header)
    for word in words:
        if folded.endswith(word):
            prefix = folded[: -len(word)]
            changed = True
            while changed:  # "employeelegal" -> "employee"
                changed = False
                for q in QUALIFIERS:
                    if prefix.endswith(q):
                        prefix, changed = prefix[: -len(q)], True
            return prefix
    return None


def first_name_prefix(header: str) -> str | None:
    """Whose first name ``header`` holds (``""`` for the row's own person), or None.

    >>> first_name_prefix("Legal First Name"), first_name_prefix("Employee First Name"), first_name_prefix("Phone")
    ('', 'employee', None)
    """
    return _split(header, FIRST_NAME_WORDS)


def last_name_prefix(header: str) -> str | None:
    """Whose last name ``header`` holds, or None.

    >>> last_name_prefix("LastName"), last_name_prefix("Preferred Last Name"), last_name_prefix("Manager Surname")
    ('', '', 'manager')
    """
    return _split(header, LAST_NAME_WORDS)


def derived_prefix(header: str) -> str | None:
    """Whose name a derived column holds, read from its header, or None when it is not one.

    >>> derived_prefix("First Name + Last Name"), derived_prefix("Employee First Name + Employee Last Name")
    ('', 'employee')
    >>> derived_prefix("Amount + Tax") is None
    True
    """
    parts = str(header).split(JOIN)
    if len(parts) != 2:
        return None
    first, last = first_name_prefix(parts[0]), last_name_prefix(parts[1])
    return first if first is not None and first == last else None


def name_pairs(headers: list[str]) -> list[tuple[str, str]]:
    """(first, last) header pairs to derive a full name from: one pair per person the file names
    by parts, where the file has exactly one first and one last name of that person and no
    full-name column for them.

    >>> name_pairs(["First Name", "Last Name", "Manager", "Email"])
    [('First Name', 'Last Name')]
    >>> name_pairs(["Id", "FirstName", "LastName", "Name"])
    []
    >>> name_pairs(["Employee First Name", "Employee Last Name", "Manager First Name", "Manager Surname", "Skill"])
    [('Employee First Name', 'Employee Last Name'), ('Manager First Name', 'Manager Surname')]
    """
    firsts: dict[str, list[str]] = {}
    lasts: dict[str, list[str]] = {}
    for h in headers:
        if JOIN in h:
            continue
        p = first_name_prefix(h)
        if p is not None:
            firsts.setdefault(p, []).append(h)
            continue
        p = last_name_prefix(h)
        if p is not None:
            lasts.setdefault(p, []).append(h)
    folded = {normalise_header(h) for h in headers}
    taken = {h.lower() for h in headers}
    out = []
    for prefix, fs in firsts.items():
        ls = lasts.get(prefix, [])
        if len(fs) != 1 or len(ls) != 1:
            continue  # two first names of one person: which one is theirs is the user's choice
        full = {prefix + w for w in FULL_NAME_WORDS} | ({prefix} if prefix else set())
        if folded & full:
            continue  # the file names the person in full already
        if (fs[0] + JOIN + ls[0]).lower() in taken:
            continue
        out.append((fs[0], ls[0]))
    return out


def full_names(first: pd.Series, last: pd.Series) -> pd.Series:
    """First and last name joined by a space, vectorised: an empty part leaves the other alone,
    both empty give an empty name (rejected where the name is required, as any empty name).

    >>> full_names(pd.Series(["Ann", "", " ", "Bo "]), pd.Series(["Lee", "Chan", "", None])).tolist()
    ['Ann Lee', 'Chan', '', 'Bo']
    """
    f = first.fillna("").astype(str).str.strip()
    s = last.fillna("").astype(str).str.strip()
    joined = (f + " " + s).str.strip()
    return joined.astype(first.dtype) if first.dtype != object else joined


def add_full_names(raw):
    """``raw`` (a :class:`analytics.ingest.readers.RawTable`) with a derived full-name column per
    :func:`name_pairs` pair, added after the file's own columns; the same object, changed in place
    (no copy of the file's cells). Applied wherever a file is read for loading, so the full list of
    rejects derived again from the file sees the same columns."""
    pairs = name_pairs(raw.headers)
    if not pairs:
        return raw
    for first, last in pairs:
        header = first + JOIN + last
        raw.frame[header] = full_names(raw.frame[first], raw.frame[last]).to_numpy()
        raw.headers = [*raw.headers, header]
    return raw
