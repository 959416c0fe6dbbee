"""The Coach dial's first signal: capability movement and named gaps.

Definitions (FRAMEWORK.md, thresholds from :class:`analytics.settings.Settings`)
-----------------------------------------------------------------------------
* **Normalised score** = (score − scale_min) / (scale_max − scale_min), with scale_min 1 and
  scale_max 5 where the export leaves them blank (NaN when scale_max = scale_min).
* **Movement** of a (rep, capability) under one manager = least-squares slope of the
  normalised score on the cycle index, over at least two cycles under that manager.
* A **named gap** is a capability named as the focus of a coaching session or as the capability
  of a development action for that rep. It **moved** when the best normalised score within the
  next ``moved_within_cycles`` cycles after it was named rose at least ``moved_rise`` above the
  baseline; it is **stuck** when named in ``stuck_min_cycles`` or more cycles with no such rise.

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
from analytics.people import managers, roster_names
from analytics.reuse import per_version, reused
from analytics.settings import Settings
from analytics.workspace import Workspace

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
MANAGER_COLUMNS = ["manager", "capability_slope", "n_rep_capabilities", "n_reps_reviewed", "n_cycles",
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


@per_version
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
    return (Filters(start=filters.start, end=filters.end),
            Filters(regions=filters.regions, teams=filters.teams),
            Filters(managers=filters.managers))


def _manager_frame(ws: Workspace, filters: Filters) -> pd.DataFrame:
    return managers(ws, filters)[["manager"]]


# ------------------------------------------------------------------------------ public
@per_version
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


@reused
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
    """
    return _movement(review_scores(ws, filters))


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


@reused
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
        the rep's normalised score on the capability in the last cycle reviewed on or before the
        first naming date; when the rep had no such review, the first review after it (the
        baseline is then later than the naming and the rise understated, never overstated).
    best_within
        max normalised score in the next ``settings.moved_within_cycles`` cycles held after the
        baseline cycle and after the first naming date.
    rise
        best_within − baseline_norm.

    status (the first that applies)
        1. ``"not measured"``: no review score for the capability in a cycle placed in time
           (named_cycles is NaN when no cycle at all can be placed);
        2. ``"moved"``: rise ≥ moved_rise (rise rounded to 9 decimals, so 0.35 − 0.25 counts);
        3. ``"stuck"``: named in ≥ stuck_min_cycles cycles, a score in the window, no such rise;
        4. ``"too early"``: fewer than moved_within_cycles cycles held since the naming;
        5. ``"not measured"``: the window has passed with no score for the capability in it;
        6. ``"not moved"``: the window has passed without the rise, but the gap was named in
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


@per_version
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
    scores = review_scores(ws, Filters(end=filters.end))
    scores = scores[scores["score_norm"].notna()].assign(cap_key=lambda d: d["capability"].str.strip().str.lower())
    # Dates are compared as nanoseconds since the epoch (exactly what comparing the Timestamps
    # compares) and each rep's calendar is built once, not once per gap: at 400k reviews and
    # 20k gaps the per-gap Timestamps dominated the Managers page.
    by_cap: dict[tuple, dict[int, float]] = {}
    per_cap = scores.groupby(["rep", "cap_key", "cycle_index"])["score_norm"].mean()
    for rep, key, i, v in zip(*_levels(per_cap.index), per_cap.tolist(), strict=True):
        by_cap.setdefault((rep, key), {})[int(i)] = float(v)
    own_dates: dict[str, dict[int, int]] = {}
    firsts = scores.groupby(["rep", "cycle_index"])["review_date"].min().dropna()
    for rep, i, d in zip(*_levels(firsts.index), _ns(firsts), strict=True):
        own_dates.setdefault(rep, {})[int(i)] = d
    held = [(int(i), pd.Timestamp(d).value if pd.notna(d) else None)
            for i, d in zip(cyc["cycle_index"], cyc["cycle_date"], strict=True)]
    held.sort()
    n_within = int(settings.moved_within_cycles)
    calendars: dict[str, tuple[list, set, dict, dict]] = {}

    rows = []
    for g in namings.itertuples(index=False):
        first_ts = pd.Timestamp(g.first_named_date)
        first = first_ts.value
        known = calendars.get(g.rep)
        if known is None:
            # the rep's calendar of cycles held: own review date where reviewed, else the cycle's
            own = own_dates.get(g.rep, {})
            cal = [(i, own.get(i, d)) for i, d in held]
            cal = [(i, d) for i, d in cal if d is not None]  # an undated cycle cannot be placed in time
            known = calendars[g.rep] = (cal, {i for i, _ in cal}, dict(cal), {})
        cal, held_idx, date_of, hit_of = known
        dated = bool(cal)
        named = set()
        if dated:
            for at in _ns_list(g.dates):  # an undated naming falls in no cycle
                if at in hit_of:
                    hit = hit_of[at]
                else:
                    hit = hit_of[at] = next((i for i, cd in cal if cd >= at), None)
                if hit is not None:
                    named.add(hit)
        s = {i: v for i, v in by_cap.get((g.rep, g.cap_key), {}).items() if i in held_idx}

        rec = dict(rep=g.rep, capability=g.capability, manager=g.manager, first_named_date=first_ts,
                   n_namings=int(g.n_namings), named_cycles=float(len(named)) if dated else np.nan,
                   baseline_cycle_index=np.nan, baseline_norm=np.nan, n_window_cycles=0,
                   best_within=np.nan, rise=np.nan)
        if not s or not dated:
            rec["status"] = "not measured"
            rows.append(rec)
            continue
        before = [i for i in s if date_of[i] <= first]
        base = max(before) if before else min(s)
        window = [i for i, d in cal if i > base and d > first][:n_within]
        in_window = [s[i] for i in window if i in s]
        best = max(in_window) if in_window else np.nan
        rise = best - s[base]
        rec.update(baseline_cycle_index=float(base), baseline_norm=s[base],
                   n_window_cycles=len(window), best_within=best, rise=rise)
        if not np.isnan(rise) and round(rise, RISE_DECIMALS) >= settings.moved_rise:
            status = "moved"
        elif len(named) >= settings.stuck_min_cycles and not np.isnan(best):
            status = "stuck"
        elif len(window) < n_within:
            status = "too early"
        elif np.isnan(best):
            status = "not measured"
        else:
            status = "not moved"
        rec["status"] = status
        rows.append(rec)
    out = pd.DataFrame(rows, columns=GAP_COLUMNS)
    out["last_named_date"] = pd.to_datetime(namings["last_named_date"]).to_numpy()
    out["first_named_date"] = pd.to_datetime(out["first_named_date"])
    out["n_namings"] = out["n_namings"].astype("int64")
    out["n_window_cycles"] = out["n_window_cycles"].astype("int64")
    for col in ("named_cycles", "baseline_cycle_index", "baseline_norm", "best_within", "rise"):
        out[col] = out[col].astype(float)
    return out


def capability_by_manager(ws: Workspace, filters: Filters = Filters(),
                          settings: Settings = Settings()) -> pd.DataFrame:
    """Capability movement and named gaps per manager (one row per manager in scope).

    capability_slope = mean over the manager's (rep, capability) rows of :func:`movement` of
    their slope (rows with a slope only); n_rep_capabilities counts those rows.
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
    mv = _movement(rs)
    mv = mv[mv["slope"].notna()]
    slopes = mv.groupby("manager").agg(capability_slope=("slope", "mean"), n_rep_capabilities=("slope", "size"))
    rs = rs[rs["score_norm"].notna()]
    reviewed = rs.groupby("manager").agg(n_reps_reviewed=("rep", "nunique"), n_cycles=("cycle_index", "nunique"))
    gaps = named_gaps(ws, filters, settings)
    counts = pd.crosstab(gaps["manager"], gaps["status"]) if not gaps.empty else pd.DataFrame()
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
    out["capability_slope"] = out["capability_slope"].astype(float)
    return out[MANAGER_COLUMNS].reset_index(drop=True)


def _ns(dates: pd.Series) -> list[int]:
    """Datetimes as integer nanoseconds since the epoch (``Timestamp.value``), whatever their unit."""
    return pd.to_datetime(dates).astype("datetime64[ns]").astype("int64").tolist()


def _ns_list(values) -> list[int]:
    """Dates (an array or list) as nanoseconds since the epoch, missing ones left out."""
    a = np.asarray(values)
    if a.dtype.kind == "M":
        a = a.astype("datetime64[ns]")
        return a[~np.isnat(a)].astype("int64").tolist()
    return [pd.Timestamp(v).value for v in values if pd.notna(v)]


def _levels(index: pd.MultiIndex) -> list[list]:
    """A MultiIndex's levels as plain lists, row-aligned (faster than its tuples)."""
    return [index.get_level_values(k).tolist() for k in range(index.nlevels)]


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
