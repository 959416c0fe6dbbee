"""Quota files with one date per period: the period's end derived from how far apart the dates are.

Many quota exports give each period one date (AdventureWorks' ``QuotaDate``, a CRM's ``Quota Month``
or ``Period``): one row per seller per month, quarter or year. The date is the period's start; its
end is the start plus one period, less a day. The period is read from the spacing of each owner's
dates: the most common gap across the file (about 30 days a month, 91 a quarter, 182 a half-year,
365 a year). When no owner has two dates, the date column's header may name the period ("Quota
Month", "Quarter"); otherwise the end stays blank and those rows are rejected, saying why: a period
is never guessed without evidence. All of it vectorised.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from analytics.ingest.readers import RawTable
from analytics.ingest.values import parse
from analytics.schema import normalise_header

DERIVED_END = "Period End (derived)"
#: period -> (months, the gaps in days that are one such period)
PERIODS: dict[str, tuple[int, tuple[int, int]]] = {
    "month": (1, (27, 32)),
    "quarter": (3, (88, 93)),
    "half-year": (6, (179, 185)),
    "year": (12, (363, 367)),
}
#: words in the date column's header that name its period (after normalise_header)
HEADER_WORDS: dict[str, str] = {"month": "month", "monthly": "month", "quarter": "quarter", "qtr": "quarter",
                                "half": "half-year", "year": "year", "annual": "year", "fy": "year"}


def period_from_gaps(owners: pd.Series, starts: pd.Series) -> tuple[str | None, int]:
    """The period the dates are spaced by (the modal gap between an owner's consecutive dates) and
    how many gaps it is based on.

    >>> d = pd.to_datetime(pd.Series(["2024-01-01", "2024-04-01", "2024-07-01", "2024-01-01"]))
    >>> period_from_gaps(pd.Series(["a", "a", "a", "b"]), d)
    ('quarter', 2)
    """
    frame = pd.DataFrame({"o": owners.to_numpy(), "d": starts.to_numpy()}).dropna().drop_duplicates()
    frame = frame.sort_values(["o", "d"], kind="stable")
    same = frame["o"].eq(frame["o"].shift())
    gaps = (frame["d"] - frame["d"].shift()).dt.days[same].to_numpy()
    counts = {name: int(((gaps >= lo) & (gaps <= hi)).sum()) for name, (_, (lo, hi)) in PERIODS.items()}
    best = max(counts, key=counts.get)
    return (best, counts[best]) if counts[best] else (None, 0)


def period_from_header(header: str) -> str | None:
    """The period a date column's header names ("Quota Month" -> "month"), or None."""
    words = [normalise_header(w) for w in str(header).replace("_", " ").split()]
    return next((HEADER_WORDS[w] for w in words if w in HEADER_WORDS), None)


def derive_period_end(raw: RawTable, mapping: dict[str, str]) -> tuple[RawTable, dict[str, str], str]:
    """``raw`` with a period end column derived from the period start, the mapping naming it, and a
    note for the report. Call only for quotas with a period start and no period end mapped."""
    start_col, owner_col = mapping["period_start"], mapping.get("owner")
    starts = parse("date", raw.frame[start_col]).values
    owners = raw.frame[owner_col] if owner_col else pd.Series("", index=raw.frame.index)
    period, based_on = period_from_gaps(owners, starts)
    how = f"the most common gap between an owner's dates ({based_on:,} gap{'s' if based_on != 1 else ''})"
    if period is None:
        period = period_from_header(start_col)
        how = f"the column's name ({start_col})"
    if period is None:
        ends = pd.Series("", index=raw.frame.index, dtype="str")
        note = (f"{start_col} gives one date per quota period and no owner has two dates a month, a quarter or "
                "a year apart, nor does the column's name say the period, so the period's end is unknown and "
                "those rows are rejected; map a period end column, or add the next period's rows.")
    else:
        months = PERIODS[period][0]
        end = starts + pd.DateOffset(months=months) - pd.Timedelta(days=1)
        ends = pd.Series(np.where(end.isna(), "", end.dt.strftime("%Y-%m-%d")), index=raw.frame.index, dtype="str")
        note = (f"{start_col} gives one date per quota period: it is each period's start, and each period is a "
                f"{period} (from {how}), so its end is the start plus one {period} less a day ({DERIVED_END}).")
    frame = raw.frame.assign(**{DERIVED_END: ends})
    out = replace(raw, headers=[*raw.headers, DERIVED_END], frame=frame)
    return out, {**mapping, "period_end": DERIVED_END}, note
