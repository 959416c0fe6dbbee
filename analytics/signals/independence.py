"""The Coach dial's third signal: execution independence and the dependency curve.

Definitions (FRAMEWORK.md, thresholds from :class:`analytics.settings.Settings`)
-----------------------------------------------------------------------------
* **Complex deal** = the export's explicit ``is_complex`` where it is filled for that deal, else
  amount ≥ the ``complexity_percentile`` quantile of the organisation's closed deal amounts.
* **Manager involvement** on a deal = the explicit ``manager_involved`` flag *or* any activity on
  the deal owned by the rep's manager (at the deal's close), marked ``manager_present``, or listing
  the manager among its ``attendees``: a FALSE flag does not hide a manager's activity
  (:func:`involvement`).
* **Independence** = share of complex deals won without manager involvement.
* **Dependency curve** = per manager and quarter, share of the team's complex closed deals with
  manager involvement; its **trend** is the least-squares slope on the quarter index, each
  quarter weighted by its deals, with a 95% interval; it is **flat** when the interval contains
  0 or the slope is smaller than ``dependency_flat_band`` (a setting).

Attribution and scope
---------------------
A deal belongs to its owner (the rep) and the manager the rep reported to at the time
(``v_opportunities.manager_name``: the deal row's own manager column, else the reporting-line
history at the close date, else the current roster manager; :func:`analytics.people.attribution_rule`).
Only closed deals count, by ``close_date``: the period filter applies to it, region / team /
manager / segment / product to the deal's row in ``v_opportunities``. A deal whose complexity
or involvement is unknown is *not measured*: it is left out of the shares (and counted in the
``n_..._not_measured`` columns), never counted as "not involved".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.people import managers
from analytics.settings import Settings
from analytics.signals.trends import trend_words
from analytics.store.caching import per_data_version, per_run
from analytics.store.workspace import Workspace

#: |slope| below this (share per quarter) is a flat dependency curve: the default of
#: ``Settings.dependency_flat_band``, kept for callers that name it.
FLAT_TOLERANCE = Settings().dependency_flat_band
#: the two-sided 95% normal quantile of the dependency slope's interval
Z95 = 1.959964
#: A trend needs at least this many quarters with a dependency figure.
MIN_QUARTERS = 3

DEAL_COLUMNS = ["opportunity_id", "owner", "manager", "close_date", "quarter", "amount", "is_won", "is_complex",
                "complexity_source", "involved", "involvement_source", "n_activities"]
CURVE_COLUMNS = ["manager", "quarter", "n_complex_closed", "n_involved", "n_complex_not_measured", "dependency"]
TREND_COLUMNS = ["manager", "slope", "slope_low", "slope_high", "n_quarters", "trend"]
MANAGER_COLUMNS = ["manager", "independence", "involvement_won_complex", "n_complex_won", "n_complex_won_involved",
                   "n_complex_won_not_measured", "dependency_slope", "dependency_slope_low", "dependency_slope_high",
                   "dependency_trend", "n_quarters"]
REP_COLUMNS = ["rep", "manager", "quarter", "n_complex_won", "n_complex_won_involved", "independence"]

_DEALS_SQL = """
WITH d AS (
    SELECT o.opportunity_id, o.owner_name AS owner, o.manager_name AS manager, o.close_date,
           date_trunc('quarter', o.close_date) AS quarter, o.amount, o.is_won,
           o.is_complex AS complex_flag, o.manager_involved AS involved_flag,
           o.region AS f_region, o.team AS f_team, o.segment AS f_segment, o.product AS f_product
    FROM v_opportunities o
    WHERE o.is_closed
),
ev AS (  -- per deal: its activities, and whether one had the manager present. A row with neither
         -- an ID nor manager_present adds to neither (a deal with only such rows reads 0 and false
         -- either way); leaving it out makes this scan differ from the one `who` reads, so the engine reads the
         -- activities twice instead of buffering 4.6M rows for both (0.4 of 1.5 CPU-s at 1M deals)
    SELECT opportunity_id, count(activity_id) AS n_activities, bool_or(manager_present) AS by_present
    FROM v_activities WHERE opportunity_id IS NOT NULL AND (activity_id IS NOT NULL OR manager_present IS NOT NULL)
    GROUP BY opportunity_id
),
who AS (  -- who took part in a deal's activities, in lower case: the owners who manage some deal,
          -- and each name or ID listed in attendees, resolved through the roster. An owner's name is
          -- a roster name or the export's own value: those whose lower case is a deal manager's are
          -- found once among them, then matched as they are (no lower() per activity: 4.6M of them)
    SELECT opportunity_id, lower(owner_name) AS who FROM v_activities
    WHERE opportunity_id IS NOT NULL AND owner_name IN (
        SELECT n FROM (SELECT name AS n FROM people UNION SELECT DISTINCT owner FROM activities) names
        WHERE lower(n) IN (SELECT lower(manager) FROM d))
    UNION ALL
    SELECT t.opportunity_id, lower(coalesce(p.name, t.tok))
    FROM (SELECT opportunity_id, trim(unnest(string_split_regex(attendees, '[;,]'))) AS tok
          FROM v_activities WHERE attendees IS NOT NULL AND opportunity_id IS NOT NULL) t
    LEFT JOIN v_person_ref p ON p.ref = t.tok
    WHERE t.tok <> ''
),
em AS (  -- the deals with an activity of their own manager's, or naming them
    SELECT DISTINCT d.opportunity_id FROM d JOIN who w
        ON w.opportunity_id = d.opportunity_id AND w.who = lower(d.manager)
)
SELECT d.*, coalesce(ev.n_activities, 0) AS n_activities,
       coalesce(ev.by_present, false) OR em.opportunity_id IS NOT NULL AS by_activity
FROM d LEFT JOIN ev ON ev.opportunity_id = d.opportunity_id
LEFT JOIN em ON em.opportunity_id = d.opportunity_id
"""


def flagged_deals(ws: Workspace) -> int:
    """How many deals, open or closed, carry the export's own complexity flag (``is_complex``
    filled, true or false), whatever the filters: the flag is offered only when some deal has it."""
    return int(ws.scalar("SELECT count(is_complex) FROM opportunities") or 0)


@per_data_version
def complex_threshold(ws: Workspace, settings: Settings = Settings()) -> float | None:
    """The amount at and above which a deal without an explicit flag is complex.

    threshold = the ``settings.complexity_percentile`` quantile of the amounts of all the
    organisation's closed deals with amount > 0 (no filters: it is the organisation's bar),
    computed with ``numpy.quantile``'s default ``method="linear"`` (type 7: the value at rank
    p·(n − 1) of the sorted amounts, interpolated linearly between neighbours).

    Returns
    -------
    float, or None when no closed deal has an amount.
    """
    amounts = ws.query("SELECT amount FROM v_opportunities WHERE is_closed AND amount > 0")["amount"]
    amounts = amounts.dropna().astype(float).to_numpy()
    if len(amounts) == 0:
        return None
    return float(np.quantile(amounts, settings.complexity_percentile))


@per_run
def closed_deals(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Closed deals in scope, each with its complexity and manager involvement.

    is_complex = ``is_complex`` from the export when filled for the deal (source ``"flag"``),
    else amount ≥ :func:`complex_threshold` (source ``"amount"``), else <NA> (source None).
    involved = the ``manager_involved`` flag OR a manager activity (:func:`involvement`): an
    activity on the deal owned by the deal's manager (the rep's manager at the time,
    ``v_opportunities.manager_name``), with ``manager_present`` TRUE, or naming the manager (name or
    person ID, ``;`` or ``,`` separated, case-insensitive) in ``attendees``; <NA> when neither the
    flag nor an activity says anything (not measured). involvement_source: "flag", "activity" or
    "flag and activity". quarter = first day of the close date's calendar quarter.

    The deals come in no particular order: every reader counts them per manager, rep or quarter
    (ordering them was a sizeable share of the query at scale: benchmarks/RESULTS.md).

    Returns
    -------
    DataFrame: opportunity_id, owner, manager, close_date, quarter, amount, is_won,
    is_complex (nullable boolean), complexity_source, involved (nullable boolean),
    involvement_source, n_activities.
    """
    # held per the two settings the evidence depends on: changing any other keeps it
    deals = _all_closed_deals(ws, settings.complexity_percentile, settings.use_complexity_flag)
    keep = filters.mask(deals, date="close_date", region="f_region", team="f_team", manager="manager",
                        segment="f_segment", product="f_product")
    if keep.all():  # every deal (no filter): the columns alone, without picking 877,000 rows one by one
        return deals[DEAL_COLUMNS]
    return deals.loc[keep, DEAL_COLUMNS].reset_index(drop=True)


#: the columns the filters pick deals by, beside :data:`DEAL_COLUMNS`
_FILTER_COLUMNS = ["f_region", "f_team", "f_segment", "f_product"]


@per_data_version
def _all_closed_deals(ws: Workspace, complexity_percentile: float, use_complexity_flag: bool) -> pd.DataFrame:
    settings = Settings(complexity_percentile=complexity_percentile, use_complexity_flag=use_complexity_flag)
    df = ws.query(_DEALS_SQL)
    threshold = complex_threshold(ws, settings)
    for col in ("close_date", "quarter"):
        if not pd.api.types.is_datetime64_any_dtype(df[col]):
            df[col] = pd.to_datetime(df[col])
    df["amount"] = df["amount"].astype(float)
    amount = df["amount"].to_numpy()
    flag = df["complex_flag"].astype("boolean")
    if not settings.use_complexity_flag:  # the user chose the amount rule for every deal
        flag = pd.Series(pd.NA, index=df.index, dtype="boolean")
    flag_known = flag.notna().to_numpy()
    amount_known = ~np.isnan(amount) & (threshold is not None)
    with np.errstate(invalid="ignore"):
        by_amount = amount >= threshold if threshold is not None else np.zeros(len(df), dtype=bool)
    complex_ = np.where(flag_known, flag.to_numpy(dtype=bool, na_value=False), by_amount)
    df["is_complex"] = pd.arrays.BooleanArray(complex_, ~(flag_known | amount_known))
    df["complexity_source"] = pd.Series(_labels(np.where(flag_known, 0, np.where(amount_known, 1, 2)),
                                                ("flag", "amount")), index=df.index, dtype=object)
    df["involved"], df["involvement_source"] = involvement(df["involved_flag"], df["by_activity"],
                                                           df["n_activities"] > 0)
    df["is_won"] = df["is_won"].astype(bool)
    df["n_activities"] = df["n_activities"].astype("int64")
    for col in _FILTER_COLUMNS:  # only compared, never shown: held compactly
        df[col] = df[col].astype("category")
    return df[DEAL_COLUMNS + _FILTER_COLUMNS].reset_index(drop=True)


def _labels(codes: np.ndarray, labels: tuple[str, ...]) -> np.ndarray:
    """Texts by code (an object array; a code past the labels is None), one lookup for the column
    instead of a text per row built by ``np.where``.

    >>> _labels(np.array([1, 0, 2]), ("flag", "amount")).tolist()
    ['amount', 'flag', None]
    """
    return np.array([*labels, None], dtype=object)[codes]


def involvement(flag: pd.Series, by_activity: pd.Series, has_activities: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Manager involvement per deal = the explicit flag OR a manager activity (FRAMEWORK.md), and
    the sources the verdict rests on.

    involved is True when the flag is TRUE or a manager activity exists; False when the flag is
    FALSE, or absent while the deal has activities, and no activity is the manager's; <NA> (not
    measured) when neither the flag nor any activity says anything. The source names what says so:
    for True the sources saying involved, for False those saying not ("flag", "activity",
    "flag and activity"); None when not measured.

    >>> f = pd.Series([True, False, None, None, False, True, None], dtype="boolean")
    >>> a = pd.Series([False, True, True, False, False, True, False])
    >>> acts = pd.Series([False, True, True, True, True, True, False])
    >>> inv, src = involvement(f, a, acts)
    >>> inv.tolist()
    [True, True, True, False, False, True, <NA>]
    >>> src.tolist()
    ['flag', 'activity', 'activity', 'activity', 'flag and activity', 'flag and activity', None]
    """
    flag = flag.astype("boolean")
    flag_known = flag.notna().to_numpy()
    flag_value = flag.to_numpy(dtype=bool, na_value=False)
    has_acts = has_activities.astype(bool).to_numpy()
    act_yes = by_activity.fillna(False).astype(bool).to_numpy() & has_acts
    flag_yes = flag_known & flag_value
    flag_no = flag_known & ~flag_value
    act_no = has_acts & ~act_yes
    yes = flag_yes | act_yes
    no = ~yes & (flag_no | act_no)
    involved = pd.Series(pd.arrays.BooleanArray(yes, ~(yes | no)), index=flag.index)
    by_flag = np.where(yes, flag_yes, flag_no)
    by_acts = np.where(yes, act_yes, act_no)
    codes = np.where(by_flag & by_acts, 0, np.where(by_flag, 1, np.where(by_acts, 2, 3)))
    return involved, pd.Series(_labels(codes, ("flag and activity", "flag", "activity")), index=flag.index,
                               dtype=object)


def dependency_curve(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """The dependency curve: per manager and quarter, the share of complex closed deals the
    manager was involved in.

    dependency = n_involved ÷ n_complex_closed, where n_complex_closed counts the team's complex
    closed deals whose involvement is known (NaN when there are none); complex deals with
    unknown involvement are counted in n_complex_not_measured. One row per manager in scope and
    per quarter in which any deal in scope closed (so a quarter without complex deals shows NaN).

    Returns
    -------
    DataFrame: manager, quarter, n_complex_closed, n_involved, n_complex_not_measured, dependency.
    """
    return _curve_in_scope(ws, filters, settings)


@per_run
def _curve_in_scope(ws: Workspace, filters: Filters, settings: Settings) -> pd.DataFrame:
    """The dependency curve of the managers in scope (once per page run: the curve, the trend
    and the managers' independence all start from it). After a people pick, from the counts
    held for the period (:func:`_picked_counts`) instead of the deals."""
    mgrs = managers(ws, filters)["manager"].tolist()
    counts = _picked_counts(ws, filters, settings)
    if counts is not None:
        curve = _curve_from_counts(counts, mgrs)
        if curve is not None:
            return curve
    return _curve(closed_deals(ws, filters, settings), mgrs)


#: the groups of :func:`_deal_counts`: the deal's manager and the places the people filters pick by
_COUNT_KEYS = ["manager", "f_region", "f_team", "quarter"]
#: per group: closed deals, then the curve's and the complex won deals' counts
_COUNTS = ["n_deals", "n_complex_closed", "n_involved", "n_complex_not_measured",
           "n_complex_won", "n_complex_won_involved", "n_complex_won_not_measured"]


@per_data_version(pool="filtered")
def _deal_counts(ws: Workspace, filters: Filters, complexity_percentile: float,
                 use_complexity_flag: bool) -> pd.DataFrame:
    """The closed deals of the filters (their people part left out) counted per manager, region,
    team and quarter (:data:`_COUNTS`, integers; a missing key is a group of its own): what the
    curve and the managers' independence count, held per period so that a region, team or
    manager pick sums its groups (:func:`_picked_counts`) instead of picking and grouping the
    deals. Integer sums in any order are the same integers, so the figures are those of the deals.
    Without a people pick the curve and independence are summed from all of them (the period's
    visit holds them for the change that follows)."""
    deals = _all_closed_deals(ws, complexity_percentile, use_complexity_flag)
    deals = deals[filters.mask(deals, date="close_date", segment="f_segment", product="f_product").to_numpy()]
    complex_ = deals["is_complex"].fillna(False).astype(bool).to_numpy()
    known = deals["involved"].notna().to_numpy()
    involved = deals["involved"].fillna(False).astype(bool).to_numpy()
    dated = deals["quarter"].notna().to_numpy()
    won = deals["is_won"].to_numpy(dtype=bool) & complex_
    cx = complex_ & dated
    flags = {
        "n_deals": np.ones(len(deals), dtype=bool),
        "n_complex_closed": cx & known, "n_involved": cx & known & involved, "n_complex_not_measured": cx & ~known,
        "n_complex_won": won & known, "n_complex_won_involved": won & known & involved,
        "n_complex_won_not_measured": won & ~known,
    }
    # one integer per group (each key's code, -1 for a missing one, shifted to 0..), counted with
    # bincount: a groupby over four keys of a million deals took half a second
    manager_codes, manager_names = pd.factorize(deals["manager"])
    quarter_codes, quarter_days = pd.factorize(deals["quarter"])
    region, team = deals["f_region"].array, deals["f_team"].array
    codes = [manager_codes, region.codes, team.codes, quarter_codes]
    sizes = [len(manager_names) + 1, len(region.categories) + 1, len(team.categories) + 1, len(quarter_days) + 1]
    key = np.zeros(len(deals), dtype="int64")
    for c, n in zip(codes, sizes, strict=True):
        key = key * n + (np.asarray(c, dtype="int64") + 1)
    groups, at = np.unique(key, return_inverse=True)
    out = {}
    for n, c in zip(reversed(sizes), reversed(range(len(codes))), strict=True):
        out[c] = groups % n - 1
        groups = groups // n
    names = np.asarray(manager_names, dtype=object)
    frame = pd.DataFrame({
        "manager": np.where(out[0] >= 0, names[np.maximum(out[0], 0)] if len(names) else None, None),
        "f_region": pd.Categorical.from_codes(out[1], dtype=region.dtype),
        "f_team": pd.Categorical.from_codes(out[2], dtype=team.dtype),
        "quarter": quarter_days.take(out[3], allow_fill=True, fill_value=pd.NaT) if len(quarter_days)
        else pd.Series(pd.NaT, index=range(len(out[3])), dtype=deals["quarter"].dtype),
    })
    for col, flag in flags.items():
        frame[col] = np.bincount(at, weights=flag, minlength=len(frame)).astype("int64")
    return frame


def _picked_counts(ws: Workspace, filters: Filters, settings: Settings) -> pd.DataFrame | None:
    """The groups of :func:`_deal_counts` the people filters pick (as :func:`closed_deals` picks
    deals: the deal's region, team and manager); all of them when the filters pick no one. Never
    None here: its callers' branch for None is the direct computation from the deals, which
    tests/unit/test_filter_change.py compares the counts with (by making this return None)."""
    counts = _deal_counts(ws, filters.without_people(), settings.complexity_percentile, settings.use_complexity_flag)
    if not filters.picks_people:
        return counts
    return counts[filters.people.mask(counts, region="f_region", team="f_team", manager="manager").to_numpy()]


def _curve_columns(out: pd.DataFrame) -> pd.DataFrame:
    """A curve's counts as integers (none counted: 0), its quarters as dates and the dependency
    (involved / complex closed; NaN where none closed), in :data:`CURVE_COLUMNS` order, sorted."""
    for col in ("n_complex_closed", "n_involved", "n_complex_not_measured"):
        out[col] = pd.to_numeric(out[col]).fillna(0).astype("int64")
    out["quarter"] = pd.to_datetime(out["quarter"])
    out["dependency"] = (out["n_involved"] / out["n_complex_closed"].where(out["n_complex_closed"] > 0)).astype(float)
    return out[CURVE_COLUMNS].sort_values(["manager", "quarter"], ignore_index=True)


def _curve_from_counts(counts: pd.DataFrame, mgrs: list[str]) -> pd.DataFrame | None:
    """:func:`_curve` from picked counts; None when no complex deal is counted or no manager or
    quarter is in scope (those are computed from the deals, as the code before did)."""
    quarters = sorted(counts["quarter"].dropna().unique())
    if not len(mgrs) or not quarters:
        return None
    per = counts[counts["quarter"].notna()].groupby(["manager", "quarter"])[
        ["n_complex_closed", "n_involved", "n_complex_not_measured"]].sum()
    per = per[(per["n_complex_closed"] > 0) | (per["n_complex_not_measured"] > 0)]
    if per.empty:
        return None
    grid = pd.MultiIndex.from_product([mgrs, quarters], names=["manager", "quarter"])
    out = per.reindex(grid).reset_index()
    return _curve_columns(out)


def _curve(deals: pd.DataFrame, mgrs: list[str]) -> pd.DataFrame:
    quarters = sorted(deals["quarter"].dropna().unique())
    grid = pd.MultiIndex.from_product([mgrs, quarters], names=["manager", "quarter"])
    cx = deals[deals["is_complex"].fillna(False).astype(bool) & deals["quarter"].notna()]
    known = cx[cx["involved"].notna()]
    per = pd.DataFrame({
        "n_complex_closed": known.groupby(["manager", "quarter"]).size(),
        "n_involved": known.groupby(["manager", "quarter"])["involved"].sum(),
        "n_complex_not_measured": cx[cx["involved"].isna()].groupby(["manager", "quarter"]).size(),
    })
    if not len(grid):
        out = pd.DataFrame(columns=["manager", "quarter", *per.columns])
    elif per.empty:
        out = pd.DataFrame(index=grid, columns=per.columns).reset_index()
    else:
        out = per.reindex(grid).reset_index()
    return _curve_columns(out)


def quarter_number(ts: pd.Series) -> pd.Series:
    """Calendar quarters as consecutive integers (year × 4 + quarter − 1), so gaps count."""
    ts = pd.to_datetime(ts)
    return ts.dt.year * 4 + (ts.dt.month - 1) // 3


def dependency_trend(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(), *,
                     flat_tolerance: float | None = None, min_quarters: int = MIN_QUARTERS) -> pd.DataFrame:
    """The trend of each manager's dependency curve, with its uncertainty.

    Over the quarters q with a dependency figure (calendar quarters numbered consecutively, so a
    missing quarter is a gap), each weighted by its complex closed deals with known involvement
    w_q, and x̄, ȳ the weighted means:

        slope = Σ w (x − x̄)(y − ȳ) ÷ S,  S = Σ w (x − x̄)²
        SE = √(φ · p(1 − p) ÷ S)

    the binomial variance of a share on w_q deals, p = (involved + ½) ÷ (deals + 1) over the
    quarters (never 0 or 1), φ = max(1, Σ w (y − fit)² ÷ (p(1 − p)) ÷ (n − 2)) the spread beyond
    the binomial one. slope_low / _high = slope ∓ 1.96 SE. NaN with fewer than ``min_quarters``
    (3) such quarters.

    trend = "flat" when the interval contains 0 or |slope| < flat_tolerance (default
    ``settings.dependency_flat_band``, 0.02 per quarter); else "shrinking" (slope < 0) or
    "growing"; "not measured" when slope is NaN. A trend read as shrinking or growing is one the
    deals can tell from a flat curve.

    Returns
    -------
    DataFrame: manager, slope, slope_low, slope_high, n_quarters (quarters with a dependency
    figure), trend.
    """
    mgrs = managers(ws, filters)["manager"].tolist()
    band = settings.dependency_flat_band if flat_tolerance is None else flat_tolerance
    return _trend(_curve_in_scope(ws, filters, settings), mgrs, band, min_quarters)


def _trend(curve: pd.DataFrame, mgrs: list[str], flat_tolerance: float, min_quarters: int) -> pd.DataFrame:
    curve = curve[curve["dependency"].notna()]
    # vectorised over managers: weighted sums per manager with bincount (no loop per row)
    codes = pd.Index(mgrs).get_indexer(curve["manager"])
    keep = codes >= 0
    codes = codes[keep]
    m = len(mgrs)
    x = quarter_number(curve["quarter"]).to_numpy(dtype=float)[keep]
    y = curve["dependency"].to_numpy(dtype=float)[keep]
    w = curve["n_complex_closed"].to_numpy(dtype=float)[keep]
    k = curve["n_involved"].to_numpy(dtype=float)[keep]

    def per(values: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=values, minlength=m)

    n_quarters = np.bincount(codes, minlength=m)
    sw = per(w)
    with np.errstate(invalid="ignore", divide="ignore"):
        dx = x - (per(w * x) / sw)[codes]
        dy = y - (per(w * y) / sw)[codes]
        sxy, sxx = per(w * dx * dy), per(w * dx * dx)
        slope = np.where(sxx > 0, sxy / np.where(sxx > 0, sxx, 1), np.nan)
        rss = per(w * (dy - slope[codes] * dx) ** 2)
        p = (per(k) + 0.5) / (sw + 1.0)
        pq = p * (1 - p)
        extra = np.where(n_quarters > 2, rss / pq / np.maximum(n_quarters - 2, 1), np.nan)
        phi = np.where(extra > 1, extra, 1.0)
        se = np.sqrt(phi * pq / np.where(sxx > 0, sxx, np.nan))
    slope = np.where(n_quarters >= min_quarters, slope, np.nan)
    out = pd.DataFrame({"manager": pd.Series(mgrs, dtype=object), "slope": slope.astype(float),
                        "slope_low": slope - Z95 * se, "slope_high": slope + Z95 * se,
                        "n_quarters": n_quarters.astype("int64")})
    out["trend"] = [classify_trend(s_, flat_tolerance, lo, hi)
                    for s_, lo, hi in zip(out["slope"], out["slope_low"], out["slope_high"], strict=True)]
    return out[TREND_COLUMNS]


def classify_trend(slope: float, flat_tolerance: float = FLAT_TOLERANCE,
                   low: float | None = None, high: float | None = None) -> str:
    """"shrinking" / "flat" / "growing" for a dependency slope, "not measured" for NaN; "flat" too
    when the slope's interval (``low``, ``high``) contains 0.

    >>> classify_trend(-0.05), classify_trend(0.01), classify_trend(0.02), classify_trend(float("nan"))
    ('shrinking', 'flat', 'growing', 'not measured')
    >>> classify_trend(-0.05, low=-0.09, high=0.01)
    'flat'
    """
    if slope is None or np.isnan(slope):
        return "not measured"
    if abs(slope) < flat_tolerance:
        return "flat"
    if low is not None and high is not None and not (np.isnan(low) or np.isnan(high)) and low <= 0 <= high:
        return "flat"
    return "shrinking" if slope < 0 else "growing"


def trend_label(trend: pd.DataFrame, short: bool = False) -> pd.Series:
    """The words for each row of :func:`dependency_trend` (or of :func:`independence_by_manager`,
    whose columns carry the ``dependency_`` prefix) that agree with the curve drawn: a "flat"
    verdict under a curve that visibly grows reads "growing, not yet distinguishable from noise"
    (:func:`analytics.signals.trends.trend_words`); the verdict column itself is unchanged.

    >>> t = pd.DataFrame({"slope": [0.015, 0.001, -0.06, float("nan")], "n_quarters": [8, 8, 8, 1],
    ...                   "trend": ["flat", "flat", "shrinking", "not measured"]})
    >>> trend_label(t).tolist()
    ['growing, not yet distinguishable from noise', 'flat', 'shrinking', 'not measured']
    """
    prefix = "" if "trend" in trend.columns else "dependency_"
    words = [trend_words(v, 100 * float(s_), int(n), up="growing", down="shrinking", short=short)
             for v, s_, n in zip(trend[f"{prefix}trend"], trend[f"{prefix}slope"], trend["n_quarters"], strict=True)]
    return pd.Series(words, index=trend.index, dtype=object)


def independence_by_manager(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(), *,
                            flat_tolerance: float | None = None, min_quarters: int = MIN_QUARTERS) -> pd.DataFrame:
    """Team independence and the dependency trend per manager (one row per manager in scope).

    independence = (n_complex_won − n_complex_won_involved) ÷ n_complex_won over the team's
    complex won deals in scope whose involvement is known (NaN when none);
    involvement_won_complex = 1 − independence. dependency_slope (with its 95% interval
    dependency_slope_low / _high), dependency_trend and n_quarters come from
    :func:`dependency_trend`.

    Returns
    -------
    DataFrame: manager, independence, involvement_won_complex, n_complex_won,
    n_complex_won_involved, n_complex_won_not_measured, dependency_slope, dependency_trend,
    n_quarters.
    """
    counts = _picked_counts(ws, filters, settings)
    if counts is not None:  # the period's counts summed per manager (the same integers)
        per = counts.groupby("manager")[["n_complex_won", "n_complex_won_involved", "n_complex_won_not_measured"]].sum()
    else:
        deals = closed_deals(ws, filters, settings)
        won = deals[deals["is_won"] & deals["is_complex"].fillna(False).astype(bool)]
        known = won[won["involved"].notna()]
        per = pd.DataFrame({
            "n_complex_won": known.groupby("manager").size(),
            "n_complex_won_involved": known.groupby("manager")["involved"].sum(),
            "n_complex_won_not_measured": won[won["involved"].isna()].groupby("manager").size(),
        })
    mgrs = managers(ws, filters)["manager"].tolist()
    out = pd.DataFrame({"manager": pd.Series(mgrs, dtype=object)}).merge(
        per, left_on="manager", right_index=True, how="left")
    for col in ("n_complex_won", "n_complex_won_involved", "n_complex_won_not_measured"):
        out[col] = pd.to_numeric(out[col]).fillna(0).astype("int64")
    n = out["n_complex_won"].where(out["n_complex_won"] > 0)
    out["independence"] = ((out["n_complex_won"] - out["n_complex_won_involved"]) / n).astype(float)
    out["involvement_won_complex"] = 1.0 - out["independence"]
    band = settings.dependency_flat_band if flat_tolerance is None else flat_tolerance
    trend = _trend(_curve_in_scope(ws, filters, settings), mgrs, band, min_quarters).rename(
        columns={"slope": "dependency_slope", "slope_low": "dependency_slope_low",
                 "slope_high": "dependency_slope_high", "trend": "dependency_trend"})
    out = out.merge(trend, on="manager", how="left")
    return out[MANAGER_COLUMNS].reset_index(drop=True)


def independence_by_rep(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Independence per rep and quarter.

    independence = share of the rep's complex won deals in the quarter, with known involvement,
    won without manager involvement (NaN when none). One row per (rep, quarter) in which the rep
    closed any deal in scope; manager = the rep's manager at the deals' close (a rep who moved
    has a row per manager in the quarter of the move).

    Returns
    -------
    DataFrame: rep, manager, quarter, n_complex_won, n_complex_won_involved, independence.
    """
    deals = closed_deals(ws, filters, settings)
    deals = deals[deals["quarter"].notna() & deals["owner"].notna()]
    keys = ["owner", "manager", "quarter"]
    counted = deals["is_won"] & deals["is_complex"].fillna(False).astype(bool) & deals["involved"].notna()
    d = deals.assign(cw=counted.astype("int64"),
                     cwi=(counted & deals["involved"].fillna(False).astype(bool)).astype("int64"))
    out = d.groupby(keys, dropna=False, as_index=False).agg(n_complex_won=("cw", "sum"),
                                                            n_complex_won_involved=("cwi", "sum"))
    out = out.rename(columns={"owner": "rep"})
    n = out["n_complex_won"].where(out["n_complex_won"] > 0)
    out["independence"] = ((out["n_complex_won"] - out["n_complex_won_involved"]) / n).astype(float)
    for col in ("n_complex_won", "n_complex_won_involved"):
        out[col] = out[col].astype("int64")
    out["quarter"] = pd.to_datetime(out["quarter"])
    return out[REP_COLUMNS].sort_values(["manager", "rep", "quarter"], ignore_index=True)
