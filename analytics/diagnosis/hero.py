"""The hero pattern (FRAMEWORK.md, manager B): at or above plan by carrying the team's complex deals.

A manager shows the pattern when, on enough evidence,

* attainment ≥ ``hero_attainment`` (at plan),
* the manager was involved in ≥ ``hero_involvement`` of the team's won complex deals with known
  involvement, and
* the team's capability is flat: the capability slope is below ``flat_slope`` or its 95%
  interval contains 0 (:func:`analytics.signals.capability.is_flat`).

Enough evidence: at least ``hero_min_complex_won`` won complex deals with known involvement (5:
below that one deal moves the share by 20 points or more) and reviews in at least
``hero_min_review_cycles`` cycles under the manager (3: two cycles make one change, not a
trend). With less, or with a figure not measured, the verdict is *cannot tell* (None), with what
is missing. The involvement share is shown with its 95% Wilson interval; the flag itself reads
the share (planted heroes sit at 80–90% on 30–50 deals, well clear of the bar, and the minimum
count keeps a handful of deals from deciding it).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analytics.fmt import fmt_slope, signed
from analytics.settings import Settings
from analytics.signals.capability import is_flat

#: the two-sided 95% normal quantile of the Wilson interval
Z95 = 1.959964


def wilson_interval(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share of ``k`` in ``n`` (NaN, NaN when n is 0).

    >>> [round(v, 3) for v in wilson_interval(8, 10)]
    [0.49, 0.943]
    """
    if not n or pd.isna(n) or pd.isna(k):
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _get(r, name: str, default=np.nan):
    value = getattr(r, name, default)
    return default if value is None else value


#: the evidence columns :func:`hero_pattern` reads (a missing one reads as not measured)
_READS = ("manager", "attainment", "involvement_won_complex", "capability_slope", "capability_slope_low",
          "capability_slope_high", "n_complex_won", "n_complex_won_involved", "n_cycles")


def hero_pattern(evidence: pd.DataFrame, settings: Settings = Settings()) -> pd.DataFrame:
    """The manager-B shape: at or above plan, high involvement in the team's won complex
    deals, flat capability, each on enough evidence (see the module's docstring).

    Reads ``attainment``, ``involvement_won_complex``, ``n_complex_won`` (won complex deals with
    known involvement), ``capability_slope`` with ``capability_slope_low`` / ``_high`` and
    ``n_cycles`` (review cycles under the manager) from each row of the evidence.

    Returns
    -------
    DataFrame: manager, hero (True / False / None = cannot tell), reason (a sentence naming the
    n's, or what is missing).
    """
    rows = []
    read = [c for c in _READS if c in evidence.columns]  # itertuples reads every column: only these
    for r in evidence[read].itertuples(index=False):
        att, inv, slope = _get(r, "attainment"), _get(r, "involvement_won_complex"), _get(r, "capability_slope")
        missing = [name for name, v in (("attainment", att), ("manager involvement", inv),
                                        ("capability movement", slope)) if pd.isna(v)]
        if missing:
            rows.append((r.manager, None, f"Cannot tell: {', '.join(missing)} not measured."))
            continue
        n_won = int(_get(r, "n_complex_won", 0) or 0)
        n_cycles = _get(r, "n_cycles")
        n_cycles = int(n_cycles) if not pd.isna(n_cycles) else 0
        thin = []
        if n_won < settings.hero_min_complex_won:
            thin.append(f"manager involvement rests on only {n_won} won complex "
                        f"deal{'s' if n_won != 1 else ''} (needs {settings.hero_min_complex_won})")
        if n_cycles < settings.hero_min_review_cycles:
            thin.append(f"capability movement on reviews in only {n_cycles} "
                        f"cycle{'s' if n_cycles != 1 else ''} (needs {settings.hero_min_review_cycles})")
        if thin:
            rows.append((r.manager, None, "Cannot tell: " + "; ".join(thin) + "."))
            continue
        low, high = _get(r, "capability_slope_low"), _get(r, "capability_slope_high")
        at_plan = att >= settings.hero_attainment
        involved = inv >= settings.hero_involvement
        flat = bool(is_flat([slope], [low], [high], settings.flat_slope)[0])
        k = _get(r, "n_complex_won_involved")
        lo_inv, hi_inv = wilson_interval(round(inv * n_won) if pd.isna(k) else k, n_won)
        slope_text = fmt_slope(100 * slope) + (  # scores on a 0–100 scale, in points per cycle
            f", 95% interval {signed(100 * low, 1)} to {signed(100 * high, 1)}" if not pd.isna(low) else "")
        if at_plan and involved and flat:
            reason = (f"{att:.0%} of plan, but the manager was involved in {inv:.0%} of the team's "
                      f"{n_won} won complex deals (95% interval {lo_inv:.0%}–{hi_inv:.0%}) and capability "
                      f"is flat ({slope_text}, over {n_cycles} review cycles).")
            rows.append((r.manager, True, reason))
        else:
            why = []
            if not at_plan:
                why.append(f"below plan ({att:.0%})")
            if not involved:
                why.append(f"involved in only {inv:.0%} of {n_won} won complex deals")
            if not flat:
                why.append(f"capability moving ({slope_text})")
            rows.append((r.manager, False, "Not the hero pattern: " + "; ".join(why) + "."))
    out = pd.DataFrame(rows, columns=["manager", "hero", "reason"])
    out["hero"] = pd.Series([r[1] for r in rows], index=out.index, dtype=object)  # True, False or None
    return out
