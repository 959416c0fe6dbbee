"""The Coach dial's first signal: capability movement and named gaps.

Definitions (FRAMEWORK.md, thresholds from :class:`analytics.settings.Settings`)
-----------------------------------------------------------------------------
* **Normalised score** = (score − scale_min) / (scale_max − scale_min), with scale_min 1 and
  scale_max 5 where the export leaves them blank (NaN when scale_max = scale_min).
* **Movement** of a (rep, capability) under one manager = least-squares slope of the
  normalised score on the cycle index, over at least two cycles under that manager.
* A **named gap** is a capability named as the focus of a coaching session or as the capability
  of a development action for that rep. Its **baseline** is the mean normalised score of the last
  ``moved_within_cycles`` (k ≤ that many) reviews on or before the first naming (one review is one
  noisy draw). It **moved** when two consecutive reviews, the first within the next
  ``moved_within_cycles`` cycles after the naming, both stand at least ``moved_rise`` above the
  baseline (one lucky review is not movement) and their mean stands above it by at least
  ``noise_multiple`` × the noise of that difference, σ √(1/k + 1/2), where σ = the rating noise
  (:func:`rating_noise`, the spread of the change between two reviews of capabilities nobody
  worked on) ÷ √2 is the noise of one review; it is **stuck** when named in ``stuck_min_cycles``
  or more cycles with no such rise.
* The **capability slope** of a manager is the mean of their (rep, capability) slopes, with a
  95% interval (Student's t on the spread of those slopes); it is **flat** when the interval
  contains 0 or the slope is below ``flat_slope``.

Attribution
-----------
A review belongs to the manager at the time: its ``reviewer`` (resolved through ``v_person_ref``)
when present, else the rep's roster manager. A named gap belongs to the manager who first named
it (the session's manager, the action's ``manager``, else the roster manager).

Cycles
------
Cycles are numbered 0, 1, ... over the *whole* reviews table (unfiltered), ordered by their
earliest ``review_date``; a cycle without any date is placed by its label when the label names a
period (``2025-Q3``, ``Q3 2025``, ``2025-H1``, ``2025-07``, ``FY2025``), else after the dated
ones in label order. The index is therefore the same whatever the filters, and a slope over
cycles 0 and 2 spans two cycles.

Scope
-----
* period: ``review_date`` in the period; a review with no date cannot be placed and is kept;
* region / team: the rep's roster row (``Filters.clause(person=...)``);
* manager: the manager at the time (so a rep's earlier manager keeps that history);
* segment / product filters do not apply (reviews and coaching have neither).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.fmt import fmt_count
from analytics.people import managers, roster_names
from analytics.settings import Settings
from analytics.store.caching import per_data_version, per_run
from analytics.store.workspace import Workspace

DEFAULT_SCALE_MIN = 1.0
DEFAULT_SCALE_MAX = 5.0
#: Rises are compared after rounding to this many decimals (0.6 − 0.5 is 0.0999...98 in floats).
RISE_DECIMALS = 9

STATUSES = ("moved", "stuck", "not moved", "too early", "not measured")

REVIEW_COLUMNS = ["rep", "manager", "capability", "cycle", "cycle_index", "review_date", "score",
                  "scale_min", "scale_max", "score_norm"]
MOVEMENT_COLUMNS = ["rep", "capability", "manager", "n_cycles", "first_cycle_index", "last_cycle_index",
                    "first_norm", "last_norm", "slope"]
GAP_COLUMNS = ["rep", "capability", "manager", "first_named_date", "n_namings", "named_cycles",
               "baseline_cycle_index", "baseline_norm", "n_window_cycles", "best_within", "rise", "status"]
MANAGER_COLUMNS = ["manager", "capability_slope", "capability_slope_low", "capability_slope_high", "n_rep_capabilities", "n_reps_reviewed", "n_cycles",
                   "share_gaps_moved", "n_gaps_decided", "n_named_gaps", "n_gaps_moved", "n_gaps_stuck",
                   "n_gaps_not_moved", "n_gaps_too_early", "n_gaps_not_measured"]

_REVIEWS_SQL = f"""
SELECT coalesce(pr.name, r.rep) AS rep,
       coalesce(pv.name, nullif(trim(r.reviewer), ''), ro.manager_name) AS manager,
       r.capability, r.cycle, r.review_date, r.score,
       coalesce(r.scale_min, {DEFAULT_SCALE_MIN}) AS scale_min,
       coalesce(r.scale_max, {DEFAULT_SCALE_MAX}) AS scale_max
FROM reviews r
LEFT JOIN v_person_ref pr ON pr.ref = r.rep
LEFT JOIN v_person_ref pv ON pv.ref = nullif(trim(r.reviewer), '')
LEFT JOIN v_roster ro ON ro.name = coalesce(pr.name, r.rep)
"""

# A capability named for a rep: the focus of a coaching session, or a development action.
_NAMINGS_SQL = """
SELECT coalesce(pr.name, s.rep) AS rep, s.focus_capability AS capability,
       coalesce(pm.name, nullif(trim(s.manager), ''), ro.manager_name) AS manager,
       s.session_date AS named_date, 'session' AS source
FROM coaching_sessions s
LEFT JOIN v_person_ref pr ON pr.ref = s.rep
LEFT JOIN v_person_ref pm ON pm.ref = nullif(trim(s.manager), '')
LEFT JOIN v_roster ro ON ro.name = coalesce(pr.name, s.rep)
WHERE nullif(trim(s.focus_capability), '') IS NOT NULL AND s.session_date IS NOT NULL
UNION ALL
SELECT coalesce(pr.name, a.rep), a.capability,
       coalesce(pm.name, nullif(trim(a.manager), ''), ro.manager_name),
       a.assigned_date, 'action'
FROM development_actions a
LEFT JOIN v_person_ref pr ON pr.ref = a.rep
LEFT JOIN v_person_ref pm ON pm.ref = nullif(trim(a.manager), '')
LEFT JOIN v_roster ro ON ro.name = coalesce(pr.name, a.rep)
WHERE nullif(trim(a.capability), '') IS NOT NULL AND a.assigned_date IS NOT NULL
"""


# ------------------------------------------------------------------------------ helpers
def least_squares_slope(x, y) -> float:
    """Ordinary least-squares slope of ``y`` on ``x``.

    slope = Σ (x − x̄)(y − ȳ) / Σ (x − x̄)²; NaN with fewer than two distinct ``x``.

    >>> least_squares_slope([0, 1, 2], [0.25, 0.5, 0.5])
    0.125
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    if len(np.unique(x)) < 2:
        return float("nan")
    dx = x - x.mean()
    return float((dx * (y - y.mean())).sum() / (dx * dx).sum())


_LABEL_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^(?:fy)?(\d{4})[-_/ ]?q([1-4])$", "yq"),
    (r"^q([1-4])[-_/ ]?(?:fy)?(\d{4})$", "qy"),
    (r"^(\d{4})[-_/ ]?h([12])$", "yh"),
    (r"^h([12])[-_/ ]?(\d{4})$", "hy"),
    (r"^(\d{4})[-_/](\d{1,2})$", "ym"),
    (r"^(?:fy)?(\d{4})$", "y"),
)


def label_end_date(label) -> pd.Timestamp:
    """Last day of the period a cycle label names, NaT when the label names none.

    >>> str(label_end_date("2025-Q1").date()), str(label_end_date("H2 2024").date())
    ('2025-03-31', '2024-12-31')
    >>> label_end_date("Spring review")
    NaT
    """
    text = re.sub(r"\s+", " ", str(label).strip().lower())
    for pattern, kind in _LABEL_PATTERNS:
        m = re.match(pattern, text)
        if not m:
            continue
        a, b = (int(g) for g in m.groups()) if len(m.groups()) == 2 else (int(m.group(1)), 0)
        try:
            if kind == "yq":
                return pd.Period(year=a, quarter=b, freq="Q").end_time.normalize()
            if kind == "qy":
                return pd.Period(year=b, quarter=a, freq="Q").end_time.normalize()
            if kind == "yh":
                return pd.Timestamp(year=a, month=6 * b, day=1) + pd.offsets.MonthEnd(0)
            if kind == "hy":
                return pd.Timestamp(year=b, month=6 * a, day=1) + pd.offsets.MonthEnd(0)
            if kind == "ym":
                return pd.Timestamp(year=a, month=b, day=1) + pd.offsets.MonthEnd(0)
            return pd.Timestamp(year=a, month=12, day=31)
        except ValueError:
            return pd.NaT
    return pd.NaT


@per_data_version
def cycles(ws: Workspace) -> pd.DataFrame:
    """The review cycles of the whole workspace, numbered in chronological order.

    Returns
    -------
    DataFrame with ``cycle``, ``cycle_date`` (the earliest ``review_date`` of the cycle, else the
    end of the period its label names, else NaT) and ``cycle_index`` (0, 1, ...), ordered by
    ``cycle_date`` (NaT last) then label.
    """
    c = ws.query("SELECT cycle, min(review_date) AS first_date FROM reviews WHERE cycle IS NOT NULL GROUP BY cycle")
    if c.empty:
        return pd.DataFrame({"cycle": pd.Series([], dtype=object),
                             "cycle_date": pd.Series([], dtype="datetime64[us]"),
                             "cycle_index": pd.Series([], dtype="int64")})
    dates = pd.to_datetime(c["first_date"])
    labels = c["cycle"].map(label_end_date)
    c["cycle_date"] = dates.where(dates.notna(), pd.to_datetime(labels))
    c = c.sort_values(["cycle_date", "cycle"], na_position="last", ignore_index=True)
    c["cycle_index"] = np.arange(len(c), dtype="int64")
    return c[["cycle", "cycle_date", "cycle_index"]]


def _split(filters: Filters) -> tuple[Filters, Filters, Filters]:
    """(period, region/team through the roster, manager at the time) parts of the filters."""
    return filters.period(), filters.regions_and_teams(), filters.managers_only()


def _manager_frame(ws: Workspace, filters: Filters) -> pd.DataFrame:
    return managers(ws, filters)[["manager"]]


# ------------------------------------------------------------------------------ public
@per_data_version
def _all_review_scores(ws: Workspace) -> pd.DataFrame:
    """Every review score with a capability, cycle and score (no filters), ordered."""
    df = ws.query(
        f"""SELECT x.*, (x.score - x.scale_min) / nullif(x.scale_max - x.scale_min, 0) AS score_norm
            FROM ({_REVIEWS_SQL}) x
            WHERE x.score IS NOT NULL AND x.capability IS NOT NULL AND x.cycle IS NOT NULL"""
    )
    c = cycles(ws)
    df = df.merge(c[["cycle", "cycle_index"]], on="cycle", how="left")
    df["cycle_index"] = df["cycle_index"].astype("int64")
    df["review_date"] = pd.to_datetime(df["review_date"])
    for col in ("score", "scale_min", "scale_max", "score_norm"):
        df[col] = df[col].astype(float)
    return df[REVIEW_COLUMNS].sort_values(["rep", "capability", "cycle_index"], ignore_index=True)


@per_run
def review_scores(ws: Workspace, filters: Filters = Filters()) -> pd.DataFrame:
    """One row per review score in scope, with its cycle index and normalised score.

    score_norm = (score − scale_min) / (scale_max − scale_min), blank scale_min = 1 and blank
    scale_max = 5; NaN when scale_max = scale_min. ``manager`` is the manager at the time: the
    reviewer (resolved through ``v_person_ref``) when present, else the rep's roster manager.
    ``cycle_index`` comes from :func:`cycles` (the whole workspace, so it does not move with the
    filters). The scores are read once per version of the data; the filters pick from them.

    Returns
    -------
    DataFrame: rep, manager, capability, cycle, cycle_index, review_date, score, scale_min,
    scale_max, score_norm; ordered by rep, capability, cycle_index.
    """
    period, people, mgr = _split(filters)
    df = _all_review_scores(ws)
    keep = pd.Series(True, index=df.index)
    dates = df["review_date"]
    if period.start is not None:  # a review with no date cannot be placed and is kept
        keep &= ~(dates < pd.Timestamp(period.start)).fillna(False).astype(bool)
    if period.end is not None:
        keep &= ~(dates > pd.Timestamp(period.end)).fillna(False).astype(bool)
    if people.regions or people.teams:
        keep &= df["rep"].isin(roster_names(ws, people)).fillna(False).astype(bool)
    keep &= mgr.mask(df, manager="manager")
    return df if keep.all() else df[keep].reset_index(drop=True)


def movement(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Capability movement per (rep, capability, manager at the time).

    For each cycle the normalised score is averaged (duplicates after resolving IDs), then

    slope = Σ (i − ī)(s − s̄) / Σ (i − ī)², over the cycles i (``cycle_index``) the rep was scored
    on the capability under that manager, only when n_cycles ≥ 2 (else NaN).

    A rep who changed manager has one row per manager: each manager keeps the cycles scored
    under them, and the slope never spans the change.

    Returns
    -------
    DataFrame: rep, capability, manager, n_cycles, first_cycle_index, last_cycle_index,
    first_norm (score_norm in the first cycle), last_norm, slope.

    Each row is computed from its own (rep, capability, manager) reviews alone, which the people
    filters keep or drop whole (region and team by the rep's roster row, the manager by the
    manager at the time). So the movement of everyone in the period is held with the workspace
    (pool "filtered", as :func:`analytics.people.per_period_by_owner` holds owner-level blocks)
    and a region, team or manager change picks its rows from it; a pick with no rows is computed
    directly (the column types of no reviews).
    """
    held = _period_movement(ws, filters.period())
    if not filters.picks_people:
        return held
    _, people, mgr = _split(filters)
    keep = mgr.mask(held, manager="manager")
    if people.regions or people.teams:
        keep &= held["rep"].isin(roster_names(ws, people)).fillna(False).astype(bool)
    picked = held[keep.to_numpy()].reset_index(drop=True)
    return picked if not picked.empty else _movement(review_scores(ws, filters))


@per_data_version(pool="filtered")
def _period_movement(ws: Workspace, period: Filters) -> pd.DataFrame:
    """:func:`movement` of everyone in a period, held per version of the data."""
    return _movement(review_scores(ws, period))


def _movement(rs: pd.DataFrame) -> pd.DataFrame:
    rs = rs[rs["score_norm"].notna()]
    keys = ["rep", "capability", "manager"]
    if rs.empty:
        return _empty(MOVEMENT_COLUMNS, ints=("n_cycles", "first_cycle_index", "last_cycle_index"))
    per = (rs.groupby([*keys, "cycle_index"], as_index=False, dropna=False)["score_norm"].mean()
             .sort_values([*keys, "cycle_index"], ignore_index=True))
    g = per.groupby(keys, dropna=False)
    x = per["cycle_index"].astype(float)
    y = per["score_norm"]
    dx = x - g["cycle_index"].transform("mean")
    dy = y - g["score_norm"].transform("mean")
    per["sxy"], per["sxx"] = dx * dy, dx * dx
    out = per.groupby(keys, as_index=False, dropna=False).agg(
        n_cycles=("cycle_index", "nunique"), first_cycle_index=("cycle_index", "first"),
        last_cycle_index=("cycle_index", "last"), first_norm=("score_norm", "first"),
        last_norm=("score_norm", "last"), sxy=("sxy", "sum"), sxx=("sxx", "sum"))
    out["slope"] = np.where(out["n_cycles"] >= 2, out["sxy"] / out["sxx"].where(out["sxx"] > 0), np.nan)
    out["n_cycles"] = out["n_cycles"].astype("int64")
    return out[MOVEMENT_COLUMNS].sort_values(keys, ignore_index=True)


NOISE_COLUMNS = ["scale_min", "scale_max", "noise", "step", "n_series", "n_changes", "basis"]
#: the rating noise is estimated from the data when at least this many unnamed (rep, capability)
#: series with at least two cycles, and twice as many changes between cycles, exist on the scale;
#: with fewer, a robust spread rests on too little and the scale's step stands in.
MIN_NOISE_SERIES = 10


@per_data_version
def _named_keys(ws: Workspace) -> pd.DataFrame:
    """Every (rep, capability key) ever named as a gap, whatever the filters and dates."""
    return ws.query(f"SELECT DISTINCT rep, lower(trim(capability)) AS cap_key FROM ({_NAMINGS_SQL}) n")


@per_data_version
def rating_noise(ws: Workspace) -> pd.DataFrame:
    """The rating noise of each review scale, in normalised units, and what it rests on.

    The noise is the spread of the change between two consecutive reviews of a capability that
    nobody worked on: the (rep, capability) series never named in a coaching session's focus or
    a development action, whatever the period (so it is the same under every filter). From the
    changes d between consecutive scored cycles of those series (the cycle's mean score):

        noise = √(mean (d − median d)²) over the changes within max(3 × 1.4826 × MAD, 2 × step)
        of the median (a robust standard deviation: a real rise of a rep who grew on their own
        is left out, while a scale of whole points keeps its one-point changes)

    when the scale has at least :data:`MIN_NOISE_SERIES` such series with two cycles or more and
    twice as many changes ("rests on N unnamed series"); else the scale's step stands in ("the
    scale step"). step = the smallest gap between two distinct scores seen on the scale (at most
    one point) ÷ (scale_max − scale_min): a one-point change on a 1–10 scale is 0.11.

    It is the noise of a *difference* between two reviews; one review carries noise ÷ √2, and a
    rise of a mean of m reviews over a baseline of k is judged against (noise ÷ √2) √(1/k + 1/m)
    (:func:`named_gaps`).

    Returns
    -------
    DataFrame: scale_min, scale_max, noise, step, n_series, n_changes, basis; one row per scale
    (NaN noise only when the scale has no scores).

    >>> from tests.factories import workspace_with
    >>> ws = workspace_with(reviews=[{"rep": f"R{i}", "capability": "Discovery", "cycle": c,
    ...                                "review_date": d, "score": 3 + (i + k) % 2}
    ...                               for i in range(12) for k, (c, d) in
    ...                               enumerate([("2025-Q1", "2025-03-31"), ("2025-Q2", "2025-06-30"),
    ...                                          ("2025-Q3", "2025-09-30")])])
    >>> rating_noise(ws)[["noise", "step", "n_series", "n_changes", "basis"]].to_dict("records")
    [{'noise': 0.25, 'step': 0.25, 'n_series': 12, 'n_changes': 24, 'basis': 'rests on 12 unnamed series'}]
    """
    rs = _all_review_scores(ws)
    rs = rs[rs["score_norm"].notna()]
    if rs.empty:
        return _empty(NOISE_COLUMNS, ints=("n_series", "n_changes"))
    rs = rs.assign(cap_key=rs["capability"].str.strip().str.lower())
    span = rs["scale_max"] - rs["scale_min"]
    scales = rs.assign(span=span).groupby(["scale_min", "scale_max"], as_index=False).agg(span=("span", "first"))
    # the step: the finest gap between distinct scores seen on the scale, at most one point
    distinct = rs[["scale_min", "scale_max", "score"]].drop_duplicates().sort_values(["scale_min", "scale_max", "score"])
    gap = distinct.groupby(["scale_min", "scale_max"])["score"].diff()
    finest = distinct.assign(gap=gap.where(gap > 0)).groupby(["scale_min", "scale_max"], as_index=False)["gap"].min()
    scales = scales.merge(finest, on=["scale_min", "scale_max"], how="left")
    scales["step"] = scales["gap"].fillna(1.0).clip(upper=1.0) / scales["span"]
    # the changes between consecutive cycles of series nobody named
    named = _named_keys(ws)
    key = pd.MultiIndex.from_frame(rs[["rep", "cap_key"]])
    unnamed = rs[~key.isin(pd.MultiIndex.from_frame(named[["rep", "cap_key"]]))] if len(named) else rs
    per = (unnamed.groupby(["scale_min", "scale_max", "rep", "cap_key", "cycle_index"], as_index=False)["score_norm"]
                  .mean().sort_values(["scale_min", "scale_max", "rep", "cap_key", "cycle_index"], ignore_index=True))
    per["d"] = per.groupby(["scale_min", "scale_max", "rep", "cap_key"])["score_norm"].diff()
    ch = per[per["d"].notna()].merge(scales[["scale_min", "scale_max", "step"]], on=["scale_min", "scale_max"])
    grp = ch.groupby(["scale_min", "scale_max"])
    ch["dev"] = ch["d"] - grp["d"].transform("median")
    ch["mad"] = ch["dev"].abs().groupby([ch["scale_min"], ch["scale_max"]]).transform("median")
    kept = ch[ch["dev"].abs() <= np.maximum(3 * 1.4826 * ch["mad"], 2 * ch["step"]) + 1e-12]
    est = kept.assign(sq=kept["dev"] ** 2).groupby(["scale_min", "scale_max"], as_index=False).agg(estimate=("sq", "mean"))
    est["estimate"] = np.sqrt(est["estimate"])
    counts = ch.groupby(["scale_min", "scale_max"], as_index=False).agg(
        n_series=("rep", "size"), n_changes=("d", "size"))
    counts["n_series"] = ch.drop_duplicates(["scale_min", "scale_max", "rep", "cap_key"]).groupby(
        ["scale_min", "scale_max"]).size().reindex(pd.MultiIndex.from_frame(counts[["scale_min", "scale_max"]])).to_numpy()
    out = scales.merge(counts, on=["scale_min", "scale_max"], how="left").merge(est, on=["scale_min", "scale_max"], how="left")
    out["n_series"] = out["n_series"].fillna(0).astype("int64")
    out["n_changes"] = out["n_changes"].fillna(0).astype("int64")
    enough = (out["n_series"] >= MIN_NOISE_SERIES) & (out["n_changes"] >= 2 * MIN_NOISE_SERIES)
    out["noise"] = np.where(enough, out["estimate"], out["step"]).astype(float)
    out["basis"] = np.where(enough, "rests on " + out["n_series"].map("{:,}".format) + " unnamed series",
                            "the scale step").astype(object)
    out["noise"] = out["noise"].round(RISE_DECIMALS)
    return out[NOISE_COLUMNS].reset_index(drop=True)


def moved_rule(ws: Workspace, settings: Settings = Settings()) -> str:
    """One sentence for the pages: when a rise counts as movement, with the noise level used.

    >>> from tests.factories import workspace_with
    >>> moved_rule(workspace_with())
    'A named gap **moved** when two consecutive reviews, the first within 2 cycles of being named, both stood at least 10 points (scores on a 0–100 scale) above its baseline (the mean of up to 2 reviews before the naming).'
    """
    n = max(int(settings.moved_within_cycles), 1)
    noise = rating_noise(ws)
    head = (f"A named gap **moved** when two consecutive reviews, the first within {settings.moved_within_cycles} "
            f"cycles of being named, both stood at least {_pts(settings.moved_rise)} (scores on a 0–100 scale) above "
            f"its baseline (the mean of up to {n} reviews before the naming)")
    if noise.empty or not settings.noise_multiple:
        return head + "."
    parts = []
    for r in noise.itertuples(index=False):
        sigma = r.noise / np.sqrt(2)
        one = max(settings.moved_rise, settings.noise_multiple * sigma * np.sqrt(1 + 1 / 2))
        many = max(settings.moved_rise, settings.noise_multiple * sigma * np.sqrt(1 / n + 1 / 2))
        where = f" on the {r.scale_min:g}–{r.scale_max:g} scale" if len(noise) > 1 else ""
        basis = ("the spread of changes in scores nobody worked on, " + r.basis if r.basis != "the scale step"
                 else "one step of the scale: too few scores nobody worked on to measure it")
        parts.append(f"above {_pts(one)}{where} with one review before ({_pts(many)} with {n}): "
                     f"{settings.noise_multiple:g} × the noise of that difference, from a rating noise of "
                     f"{_pts(r.noise)} between two reviews ({basis})")
    return head + ", and their mean " + "; ".join(parts) + "."


def _pts(share: float) -> str:
    """A difference of normalised scores (0–1) in points of the 0–100 scale: 0.0725 → "7 points"."""
    return f"{fmt_count(round(100 * share), 'point')}"


def _noise_per_gap(ws: Workspace, scores: pd.DataFrame, namings: pd.DataFrame) -> np.ndarray:
    """The rating noise (of a change between two reviews, :func:`rating_noise`) of each gap's scale,
    NaN when its scale has none."""
    level = np.full(len(namings), np.nan)
    noise = rating_noise(ws)
    if noise.empty or scores.empty:
        return level
    scale = scores.groupby(["rep", "cap_key"], sort=False)[["scale_min", "scale_max"]].first().reset_index()
    scale = scale.merge(noise[["scale_min", "scale_max", "noise"]], on=["scale_min", "scale_max"], how="left")
    at = pd.MultiIndex.from_frame(scale[["rep", "cap_key"]]).get_indexer(
        pd.MultiIndex.from_arrays([namings["rep"], namings["cap_key"]]))
    found = at >= 0
    level[found] = scale["noise"].to_numpy(dtype=float)[at[found]]
    return level


@per_run
def named_gaps(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Each capability named for a rep, and whether it moved.

    A (rep, capability) is a named gap when a coaching session has it as ``focus_capability`` or
    a development action has it as ``capability`` (names compared case-insensitively). It is in
    scope when at least one naming falls in the period; its history reaches back before the
    period and stops at the period end ("as of" = ``filters.end``, else all the data). The
    manager is the one who first named it (region/team filters apply to the rep's roster row,
    the manager filter to this manager).

    Cycle of a naming
        the first cycle whose review date is on or after the naming date (the rep's own review
        date in that cycle when they were reviewed, else the cycle's date: its earliest review
        date, else the end of the period its label names; see :func:`cycles`). A naming after
        the last cycle held falls in no cycle yet. Cycles with neither a date nor a period label
        cannot be placed in time and are left out (their scores too).
    named_cycles
        number of distinct cycles the namings fall in.
    baseline_norm
        the mean of the rep's normalised scores on the capability in the last
        ``moved_within_cycles`` cycles (k of them) reviewed on or before the first naming date
        (``baseline_cycle_index`` is the last of them); when the rep had no such review, the first
        review after it (k = 1; the baseline is then later than the naming and the rise
        understated, never overstated).
    best_within
        max normalised score in the next ``settings.moved_within_cycles`` cycles held after the
        baseline cycle and after the first naming date.
    rise
        best_within − baseline_norm.
    held pair
        a cycle of the window scored, and the next cycle the rep was scored in (inside the window or
        after it); the pair with the highest mean is judged.
    bar
        max(moved_rise, noise_multiple × σ √(1/k + 1/m)), σ = the rating noise of the gap's scale
        (:func:`rating_noise`, a change between two reviews) ÷ √2, m = 2 for a held pair, 1 for one
        review.

    status (the first that applies)
        1. ``"not measured"``: no review score for the capability in a cycle placed in time
           (named_cycles is NaN when no cycle at all can be placed);
        2. ``"moved"``: a held pair's mean − baseline ≥ bar (m = 2) and both its scores ≥
           baseline + moved_rise (rounded to 9 decimals, so 0.35 − 0.25 counts);
        3. ``"too early"``: rise ≥ bar (m = 1), but no cycle after the best one is held yet;
        4. ``"not measured"``: rise ≥ bar (m = 1), cycles after the best one are held, but the
           rep was not scored on the capability in any of them (whether it held cannot be told);
        5. ``"stuck"``: named in ≥ stuck_min_cycles cycles, a score in the window, no rise that
           counts and holds;
        6. ``"too early"``: fewer than moved_within_cycles cycles held since the naming;
        7. ``"not measured"``: the window has passed with no score for the capability in it;
        8. ``"not moved"``: the window has passed without the rise, but the gap was named in
           fewer than stuck_min_cycles cycles, so it is not "stuck" either.

    Returns
    -------
    DataFrame: rep, capability, manager, first_named_date, n_namings, named_cycles,
    baseline_cycle_index, baseline_norm, n_window_cycles (cycles of the window held so far),
    best_within, rise, status.
    """
    _, people, mgr = _split(filters)
    gaps = _gaps_as_of(ws, filters.end, settings)
    keep = pd.Series(True, index=gaps.index)
    if filters.start is not None:  # in scope: named at least once in the period
        keep &= (gaps["last_named_date"] >= pd.Timestamp(filters.start)).fillna(False).astype(bool)
    if people.regions or people.teams:
        keep &= gaps["rep"].isin(roster_names(ws, people)).fillna(False).astype(bool)
    keep &= mgr.mask(gaps, manager="manager")
    return gaps.loc[keep, GAP_COLUMNS].reset_index(drop=True)


@per_data_version
def _gaps_as_of(ws: Workspace, end, settings: Settings) -> pd.DataFrame:
    """Every named gap of the workspace as of ``end`` (None: all the data), each with the date
    it was last named by then (``last_named_date``); :func:`named_gaps` picks the ones in scope."""
    end_sql, end_params = Filters(end=end).clause(date="n.named_date")
    namings = ws.query(
        f"""WITH n AS ({_NAMINGS_SQL}),
           m AS (SELECT n.*, lower(trim(n.capability)) AS cap_key FROM n WHERE {end_sql}),
           g AS (SELECT rep, cap_key,
                        first(capability ORDER BY named_date, source DESC, capability) AS capability,
                        first(manager ORDER BY named_date, source DESC, manager) AS manager,
                        min(named_date) AS first_named_date, max(named_date) AS last_named_date,
                        count(*) AS n_namings
                 FROM m GROUP BY rep, cap_key)
           SELECT g.rep, g.cap_key, g.capability, g.manager, g.first_named_date, g.last_named_date,
                  g.n_namings, list(m.named_date ORDER BY m.named_date) AS dates
           FROM g JOIN m ON m.rep = g.rep AND m.cap_key = g.cap_key
           GROUP BY ALL ORDER BY g.rep, g.cap_key""",
        end_params,
    )
    if namings.empty:
        return _empty([*GAP_COLUMNS, "last_named_date"], ints=("n_namings", "n_window_cycles"),
                      dates=("first_named_date", "last_named_date"))
    filters = Filters(end=end)

    cyc = cycles(ws)
    if filters.end is not None:  # cycles held by the as-of date (undated ones cannot be placed)
        cyc = cyc[cyc["cycle_date"].isna() | (cyc["cycle_date"] <= pd.Timestamp(filters.end))]
    scores = review_scores(ws, filters.until_end())
    scores = scores[scores["score_norm"].notna()].assign(cap_key=lambda d: d["capability"].str.strip().str.lower())
    # Vectorised over the gaps (one row g each, in the SQL's order) and the cycles held (one
    # column h each, by cycle index). Dates are compared as nanoseconds since the epoch (exactly
    # what comparing the Timestamps compares).
    n_gaps = len(namings)
    rep_of, reps = pd.factorize(namings["rep"], use_na_sentinel=False)  # a missing rep has no scores
    held = cyc.sort_values("cycle_index")
    held_idx = held["cycle_index"].to_numpy(dtype="int64")
    n_held = len(held_idx)
    # each rep's calendar: the rep's own earliest review date in a cycle, else the cycle's date
    cal_ns, cal_ok = _dates_ns(held["cycle_date"].to_numpy())
    cal_ns = np.tile(cal_ns, (len(reps), 1))
    cal_ok = np.tile(cal_ok, (len(reps), 1))  # an undated cycle cannot be placed in time
    firsts = scores.groupby(["rep", "cycle_index"], sort=False)["review_date"].min().dropna()
    if len(firsts):
        r = pd.Index(reps).get_indexer(firsts.index.get_level_values(0))
        h, found = _held_positions(held_idx, firsts.index.get_level_values(1))
        keep = (r >= 0) & found
        own_ns, _ = _dates_ns(firsts.to_numpy())
        cal_ns[r[keep], h[keep]] = own_ns[keep]
        cal_ok[r[keep], h[keep]] = True
    dated = cal_ok.any(axis=1)[rep_of]  # per gap: the rep's calendar has a cycle
    first_ns, _ = _dates_ns(namings["first_named_date"].to_numpy())
    named = _named_cycle_counts(namings["dates"].tolist(), rep_of, cal_ns, cal_ok)

    # s: the mean normalised score per (gap, cycle of the rep's calendar)
    # (sort=False: the groups are looked up, not ordered; each mean is over the same rows in the same order)
    per_cap = scores.groupby(["rep", "cap_key", "cycle_index"], sort=False)["score_norm"].mean()
    s_val = np.full((n_gaps, n_held), np.nan)
    s_ok = np.zeros((n_gaps, n_held), dtype=bool)
    if len(per_cap):
        keys = pd.MultiIndex.from_arrays([namings["rep"], namings["cap_key"]])
        g = keys.get_indexer(per_cap.index.droplevel(2))
        h, found = _held_positions(held_idx, per_cap.index.get_level_values(2))
        keep = (g >= 0) & found
        g, h, v = g[keep], h[keep], per_cap.to_numpy(dtype=float)[keep]
        placed = cal_ok[rep_of[g], h]
        s_val[g[placed], h[placed]] = v[placed]
        s_ok[g[placed], h[placed]] = True
    n_within = int(settings.moved_within_cycles)

    base_index = np.full(n_gaps, np.nan)
    base_norm = np.full(n_gaps, np.nan)
    n_base = np.ones(n_gaps)  # reviews the baseline averages (k)
    n_window = np.zeros(n_gaps, dtype="int64")
    best = np.full(n_gaps, np.nan)
    pair_low = np.full(n_gaps, np.nan)  # the held pair with the highest mean: its lower score
    pair_mean = np.full(n_gaps, np.nan)  # ... and its mean
    later_held = np.zeros(n_gaps, dtype=bool)  # a cycle after the best one is held
    later_scored = np.zeros(n_gaps, dtype=bool)  # ... and the rep was scored in one
    measured = np.flatnonzero(s_ok.any(axis=1) & dated)
    if len(measured):
        rows = np.arange(len(measured))
        cols = np.arange(n_held)
        d, ok = cal_ns[rep_of[measured]], cal_ok[rep_of[measured]]
        sv, sok, first = s_val[measured], s_ok[measured], first_ns[measured][:, None]
        # baseline: the mean of the last n_within cycles scored dated on or before the first
        # naming (one review is one noisy draw), else the first scored cycle alone
        before = sok & (d <= first)
        has_before = before.any(axis=1)
        base = np.where(has_before, n_held - 1 - np.argmax(before[:, ::-1], axis=1), np.argmax(sok, axis=1))
        from_right = np.cumsum(before[:, ::-1], axis=1)[:, ::-1]  # scored cycles before, from this one on
        in_base = np.where(has_before[:, None], before & (from_right <= max(n_within, 1)),
                           cols[None, :] == base[:, None])
        k = in_base.sum(axis=1)
        base_mean = np.where(in_base, np.nan_to_num(sv), 0.0).sum(axis=1) / np.maximum(k, 1)
        # window: the first n_within calendar cycles after the baseline and after the first naming
        after = ok & (cols > base[:, None]) & (d > first)
        rank = np.cumsum(after, axis=1)
        limit = n_within if n_within >= 0 else np.maximum(rank[:, -1] + n_within, 0)[:, None]  # list[:n]
        window = after & (rank <= limit)
        # best: the first maximal score in the window (as max() over the window in cycle order)
        scored = window & sok
        top = np.where(scored, sv, -np.inf).max(axis=1)
        at = np.argmax(scored & (sv == top[:, None]), axis=1)
        base_index[measured] = held_idx[base].astype(float)
        base_norm[measured] = base_mean
        n_base[measured] = k
        n_window[measured] = window.sum(axis=1)
        best[measured] = np.where(scored.any(axis=1), sv[rows, at], np.nan)
        # held pairs: a scored cycle of the window and the next cycle the rep was scored in
        nxt = np.full((len(measured), n_held), -1)
        running = np.full(len(measured), -1)
        for c in range(n_held - 1, -1, -1):  # over the cycles (a handful), vectorised over the gaps
            nxt[:, c] = running
            running = np.where(sok[:, c], c, running)
        paired = scored & (nxt >= 0)
        second = np.where(paired, sv[rows[:, None], np.maximum(nxt, 0)], np.nan)
        means = np.where(paired, (sv + second) / 2, -np.inf)
        pick = np.argmax(means, axis=1)
        has_pair = paired.any(axis=1)
        pair_mean[measured] = np.where(has_pair, means[rows, pick], np.nan)
        pair_low[measured] = np.where(has_pair, np.fmin(sv[rows, pick], second[rows, pick]), np.nan)
        later_held[measured] = (ok & (cols > at[:, None])).any(axis=1)
        later_scored[measured] = (sok & (cols > at[:, None])).any(axis=1)
    rise = best - base_norm
    noise = _noise_per_gap(ws, scores, namings)
    settings_rise = float(settings.moved_rise)
    # a difference of two means of k and m scores, each with the per-score noise σ (the noise of a
    # change between two reviews is σ√2): its spread is σ √(1/k + 1/m)
    sigma = noise / np.sqrt(2)
    bar_pair = np.fmax(settings_rise, np.round(settings.noise_multiple * sigma * np.sqrt(1 / n_base + 1 / 2), RISE_DECIMALS))
    bar_one = np.fmax(settings_rise, np.round(settings.noise_multiple * sigma * np.sqrt(1 / n_base + 1), RISE_DECIMALS))
    bar_pair = np.where(np.isnan(bar_pair), settings_rise, bar_pair)
    bar_one = np.where(np.isnan(bar_one), settings_rise, bar_one)

    is_measured = np.zeros(n_gaps, dtype=bool)
    is_measured[measured] = True
    # Python's round (correctly rounded), not numpy's: the same rises count as moved
    def _r(a):
        return np.array([round(x, RISE_DECIMALS) for x in a.tolist()], dtype=float)
    rounded = _r(rise)
    pair_rise, pair_floor = _r(pair_mean - base_norm), _r(pair_low - base_norm)
    has_best = ~np.isnan(best)
    # moved: two consecutive reviews (one in the window, the next one held) whose mean is clearly
    # above the baseline, and neither of them back within moved_rise of it (one lucky review is not movement)
    moved = ~np.isnan(pair_rise) & (pair_rise >= bar_pair) & (pair_floor >= settings_rise)
    rose = ~np.isnan(rounded) & (rounded >= bar_one)  # one review clearly up, not yet followed by another
    status = np.select(
        [~is_measured, moved, rose & ~later_held, rose & ~later_scored,
         (named >= settings.stuck_min_cycles) & has_best, n_window < n_within, ~has_best],
        ["not measured", "moved", "too early", "not measured", "stuck", "too early", "not measured"],
        "not moved").tolist()
    out = pd.DataFrame({
        "rep": namings["rep"].tolist(), "capability": namings["capability"].tolist(),
        "manager": namings["manager"].tolist(),
        "first_named_date": pd.to_datetime(namings["first_named_date"]).to_numpy(),
        "n_namings": namings["n_namings"].to_numpy(dtype="int64"),
        "named_cycles": np.where(dated, named.astype(float), np.nan),
        "baseline_cycle_index": base_index, "baseline_norm": base_norm, "n_window_cycles": n_window,
        "best_within": best, "rise": rise, "status": status,
    }, columns=GAP_COLUMNS)
    out["last_named_date"] = pd.to_datetime(namings["last_named_date"]).to_numpy()
    return out


def _dates_ns(values) -> tuple[np.ndarray, np.ndarray]:
    """Dates (an array) as nanoseconds since the epoch (``Timestamp.value``), and which are present
    (a missing one is 0 there)."""
    a = np.asarray(values)
    if a.dtype.kind != "M":
        a = pd.to_datetime(pd.Series(a, dtype=object)).to_numpy()
    a = a.astype("datetime64[ns]")
    ok = ~np.isnat(a)
    return np.where(ok, a.view("int64"), 0), ok


def _held_positions(held_idx: np.ndarray, cycle_index) -> tuple[np.ndarray, np.ndarray]:
    """Positions of cycle indices in the sorted ``held_idx``, and which are held."""
    i = np.asarray(cycle_index, dtype="int64")
    if not len(held_idx):
        return np.zeros(len(i), dtype="int64"), np.zeros(len(i), dtype=bool)
    pos = np.minimum(np.searchsorted(held_idx, i), len(held_idx) - 1)
    return pos, held_idx[pos] == i


def _named_cycle_counts(dates: list, rep_of: np.ndarray, cal_ns: np.ndarray, cal_ok: np.ndarray) -> np.ndarray:
    """Per gap, the number of distinct calendar cycles its namings fall in.

    ``dates[g]`` holds gap g's naming dates, ``rep_of[g]`` its rep's row of the calendars
    (``cal_ns``/``cal_ok``: reps × cycles held, by cycle index). A naming falls in the first cycle
    (by index) of the rep's calendar dated on or after it: the first column where the running max
    of the calendar's dates reaches the naming date, found for all namings with one searchsorted
    over (rep, rank of running max) keys, each rep's row being non-decreasing."""
    n_gaps = len(dates)
    n_reps, n_held = cal_ns.shape
    counts = np.fromiter(map(len, dates), dtype="int64", count=n_gaps)
    if n_held == 0 or not counts.sum():
        return np.zeros(n_gaps, dtype="int64")
    at, at_ok = _dates_ns(np.concatenate([np.asarray(d) for d in dates]))
    gap = np.repeat(np.arange(n_gaps), counts)
    reach = np.maximum.accumulate(np.where(cal_ok, cal_ns, np.iinfo("int64").min), axis=1)
    take = at_ok & cal_ok.any(axis=1)[rep_of[gap]]  # an undated naming falls in no cycle
    gap, at = gap[take], at[take]
    rep = rep_of[gap].astype("int64")
    _, rank = np.unique(np.concatenate([reach.ravel(), at]), return_inverse=True)
    width = int(rank.max()) + 1
    keys = (np.arange(n_reps, dtype="int64")[:, None] * width + rank[:reach.size].reshape(n_reps, n_held)).ravel()
    hit = np.searchsorted(keys, rep * width + rank[reach.size:], side="left") - rep * n_held
    inside = hit < n_held  # a naming after the last cycle held falls in no cycle yet
    pairs = np.unique(gap[inside] * n_held + hit[inside])
    return np.bincount(pairs // n_held, minlength=n_gaps).astype("int64")


def slope_half_width(sd, n) -> np.ndarray:
    """Half the 95% interval of a mean from its standard deviation and count (Student's t).

    half = t(0.975, n − 1) × sd ÷ √n; NaN when n < 2 or sd is NaN.

    >>> [round(float(h), 4) for h in slope_half_width([0.02, 0.02, 0.02], [2, 10, 1])]
    [0.1797, 0.0143, nan]
    """
    from scipy.special import stdtrit  # the t quantile (scipy ships with scikit-learn)

    sd = np.asarray(sd, dtype=float)
    n = np.asarray(n, dtype=float)
    ok = n >= 2
    t = np.full(n.shape, np.nan)
    t[ok] = stdtrit(n[ok] - 1, 0.975)
    return np.where(ok, t * sd / np.sqrt(np.where(ok, n, 1)), np.nan)


def is_flat(slope, low, high, flat_slope: float) -> np.ndarray:
    """Flat capability: the slope is below ``flat_slope`` or its 95% interval contains 0 (never
    "moving" on noise). A slope without an interval (one series) is judged by ``flat_slope`` alone.

    >>> is_flat([0.03, 0.03, 0.005, 0.03], [0.01, -0.01, 0.001, float("nan")],
    ...         [0.05, 0.07, 0.009, float("nan")], 0.01).tolist()
    [False, True, True, False]
    """
    slope, low = np.asarray(slope, dtype=float), np.asarray(low, dtype=float)
    return (slope < flat_slope) | (~np.isnan(low) & (low <= 0))


def capability_by_manager(ws: Workspace, filters: Filters = Filters(),
                          settings: Settings = Settings()) -> pd.DataFrame:
    """Capability movement and named gaps per manager (one row per manager in scope).

    capability_slope = mean over the manager's (rep, capability) rows of :func:`movement` of
    their slope (rows with a slope only); n_rep_capabilities counts those rows.
    capability_slope_low / _high = its 95% interval, mean ± t(0.975, n − 1) × sd ÷ √n over
    those n slopes (:func:`slope_half_width`; NaN with fewer than two): each series' slope
    carries its own rating noise, so their spread is the slope's uncertainty.
    share_gaps_moved = n_gaps_moved ÷ n_gaps_decided, n_gaps_decided = n_gaps_moved +
    n_gaps_stuck, from :func:`named_gaps` (NaN when neither; n_gaps_decided is the evidence
    count behind the share, n_named_gaps counts every status). n_reps_reviewed and n_cycles
    count the distinct reps and cycles of the reviews in scope under the manager.

    Returns
    -------
    DataFrame: manager, capability_slope, n_rep_capabilities, n_reps_reviewed, n_cycles,
    share_gaps_moved, n_gaps_decided, n_named_gaps, n_gaps_moved, n_gaps_stuck, n_gaps_not_moved,
    n_gaps_too_early, n_gaps_not_measured.
    """
    out = _manager_frame(ws, filters)
    rs = review_scores(ws, filters)
    mv = movement(ws, filters)  # the movement of rs, held per period (people picked from it)
    mv = mv[mv["slope"].notna()]
    slopes = mv.groupby("manager").agg(capability_slope=("slope", "mean"), n_rep_capabilities=("slope", "size"),
                                       sd=("slope", "std"))
    half = slope_half_width(slopes["sd"], slopes["n_rep_capabilities"])
    slopes["capability_slope_low"] = slopes["capability_slope"] - half
    slopes["capability_slope_high"] = slopes["capability_slope"] + half
    slopes = slopes.drop(columns="sd")
    rs = rs[rs["score_norm"].notna()]
    reviewed = rs.groupby("manager").agg(n_reps_reviewed=("rep", "nunique"), n_cycles=("cycle_index", "nunique"))
    gaps = named_gaps(ws, filters, settings)
    # the gaps per manager and status (crosstab's counts, without its pivot table: a tenth of this signal)
    counts = (gaps.groupby(["manager", "status"]).size().unstack(fill_value=0) if not gaps.empty
              else pd.DataFrame())
    counts = counts.reindex(columns=list(STATUSES), fill_value=0)
    counts.columns = [f"n_gaps_{s.replace(' ', '_')}" for s in STATUSES]
    counts["n_named_gaps"] = counts.sum(axis=1)
    out = out.merge(slopes, left_on="manager", right_index=True, how="left")
    out = out.merge(reviewed, left_on="manager", right_index=True, how="left")
    out = out.merge(counts, left_on="manager", right_index=True, how="left")
    for col in MANAGER_COLUMNS:
        if col.startswith("n_"):
            out[col] = out[col].fillna(0).astype("int64") if col in out else 0
    out["n_gaps_decided"] = (out["n_gaps_moved"] + out["n_gaps_stuck"]).astype("int64")
    decided = out["n_gaps_decided"]
    out["share_gaps_moved"] = (out["n_gaps_moved"] / decided.where(decided > 0)).astype(float)
    for col in ("capability_slope", "capability_slope_low", "capability_slope_high"):
        out[col] = out[col].astype(float)
    return out[MANAGER_COLUMNS].reset_index(drop=True)








def _empty(columns: list[str], ints: tuple[str, ...] = (), dates: tuple[str, ...] = ()) -> pd.DataFrame:
    data = {}
    for c in columns:
        if c in ints:
            data[c] = pd.Series([], dtype="int64")
        elif c in dates:
            data[c] = pd.Series([], dtype="datetime64[us]")
        elif c in ("rep", "capability", "manager", "status", "cycle"):
            data[c] = pd.Series([], dtype=object)
        else:
            data[c] = pd.Series([], dtype=float)
    return pd.DataFrame(data)


def naming_cycles(ws: Workspace, rep: str, filters: Filters = Filters()) -> pd.DataFrame:
    """Where one rep's gaps were named: capability, cycle and the number of namings, from
    coaching-session focus and development actions (a naming belongs to the first cycle dated
    on or after it). For markers on the rep's trend lines."""
    c = cycles(ws)
    period, _, _ = _split(filters)
    s_where, s_params = period.clause(date="session_date")
    a_where, a_params = period.clause(date="assigned_date")
    named = ws.query(
        f"""SELECT capability, d FROM (
                SELECT focus_capability AS capability, session_date AS d, coalesce(r.name, s.rep) AS rep
                FROM coaching_sessions s LEFT JOIN v_person_ref r ON r.ref = s.rep
                WHERE focus_capability IS NOT NULL AND {s_where}
                UNION ALL
                SELECT a.capability, assigned_date AS d, coalesce(r.name, a.rep) AS rep
                FROM development_actions a LEFT JOIN v_person_ref r ON r.ref = a.rep
                WHERE a.capability IS NOT NULL AND {a_where})
            WHERE rep = ?""",
        s_params + a_params + [rep],
    )
    if named.empty or c.empty or c["cycle_date"].isna().all():
        return pd.DataFrame({"capability": [], "cycle": [], "cycle_index": [], "namings": []})
    dated = c.dropna(subset=["cycle_date"]).sort_values("cycle_date")
    named = named.assign(d=pd.to_datetime(named["d"])).sort_values("d")
    placed = pd.merge_asof(named, dated.rename(columns={"cycle_date": "d"}), on="d", direction="forward")
    placed = placed.dropna(subset=["cycle"])
    return (placed.groupby(["capability", "cycle", "cycle_index"], as_index=False)
                  .size().rename(columns={"size": "namings"}))
