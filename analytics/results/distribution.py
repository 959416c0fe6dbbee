"""Beyond the bell curve: how attainment and revenue are spread across reps, accounts and products.

FRAMEWORK.md, "Beyond the bell curve": sales results are rarely normally distributed; a few
reps, accounts and products carry most revenue (the 80/20 pattern), and stars and strugglers
need different coaching. Three views:

* :func:`attainment_distribution`: per-rep attainment (:func:`analytics.results.attainment.rep_attainment`)
  with a normal curve and the better of two skewed curves fitted by maximum likelihood, compared
  by AIC (:func:`fit_attainment` holds the statistics and works on any sample);
* :func:`pareto`: closed-won revenue by rep, account or product, sorted, with cumulative shares
  and the share carried by the top 20%;
* :func:`stars_and_strugglers`: the reps in the top and bottom percentiles of attainment.

Deals in scope (Pareto)
-----------------------
Closed-won deals whose close date lies in the filter period, filtered on the deal owner's
region, team and manager (roster) and on the deal's segment and product.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analytics.filters import Filters
from analytics.results.attainment import rep_attainment
from analytics.settings import Settings
from analytics.store.workspace import Workspace

#: Fewer reps with a quota than this and the fit declines to tell the curves apart.
MIN_REPS_FOR_FIT = 8
#: Points in the density grid drawn over the histogram.
GRID_POINTS = 200
#: Default boundaries of stars and strugglers (share of reps at the top and at the bottom).
DEFAULT_TOP = 0.1
DEFAULT_BOTTOM = 0.1
#: Comparisons (percentiles with a boundary, attainment with plan) are made at this many decimals.
DECIMALS = 9

NORMAL, SKEWNORM, LOGNORM = "normal", "skewnorm", "lognorm"
MODEL_LABELS = {NORMAL: "normal (bell curve)", SKEWNORM: "skew-normal", LOGNORM: "log-normal"}
#: Free parameters per model (the log-normal is fitted with its location fixed at 0).
N_PARAMS = {NORMAL: 2, SKEWNORM: 3, LOGNORM: 2}

FIT_COLUMNS = ["model", "label", "n", "n_params", "params", "loglik", "aic", "fitted", "note"]
DENSITY_COLUMNS = ["x", "normal_pdf", "skewed_pdf"]
PARETO_BY = {"rep": "o.owner_name", "account": "o.account_name", "product": "o.product"}
PARETO_COLUMNS = ["rank", "entity", "revenue", "deals", "share", "cumulative_share", "entity_cumulative_share",
                  "in_top"]
STARS_COLUMNS = ["group", "rep", "manager", "attainment", "percentile", "won_in_quota", "quota"]
STAR, STRUGGLER = "star", "struggler"


# ------------------------------------------------------------------------------ fitting
@dataclass(frozen=True)
class FitResult:
    """Normal against skewed, on one sample.

    Attributes
    ----------
    n : values fitted.
    fits : one row per model tried (normal, skewnorm, lognorm): model, label, n, n_params,
        params (the scipy parameters, a tuple), loglik, aic (= 2k − 2 log-likelihood), fitted
        (False when the model could not be fitted to this sample) and note (why not).
    skewed : the better skewed model by AIC (``"skewnorm"`` or ``"lognorm"``), None if none fitted.
    winner : the model with the lower AIC of normal and ``skewed`` (a tie goes to the normal,
        the simpler reading); None when the sample cannot tell them apart.
    delta_aic : AIC of the normal − AIC of the skewed curve (positive: the skewed one fits better).
    sentence : the result in plain words.
    density : x, normal_pdf, skewed_pdf over the sample's range (for the chart).
    """

    n: int
    fits: pd.DataFrame
    skewed: str | None
    winner: str | None
    delta_aic: float
    sentence: str
    density: pd.DataFrame


def _loglik(dist, values: np.ndarray, params: tuple) -> float:
    with np.errstate(all="ignore"):
        ll = float(np.sum(dist.logpdf(values, *params)))
    return ll if np.isfinite(ll) else -np.inf


def _fit_normal(x: np.ndarray) -> tuple[tuple, float]:
    params = tuple(float(p) for p in stats.norm.fit(x))
    return params, _loglik(stats.norm, x, params)


def _fit_skewnorm(x: np.ndarray, normal_ll: float) -> tuple[tuple, float]:
    """Skew-normal by maximum likelihood. It nests the normal (shape 0), so an optimiser result
    below the normal's log-likelihood is a failed search: the fit restarts from the normal."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        params = tuple(float(p) for p in stats.skewnorm.fit(x))
        ll = _loglik(stats.skewnorm, x, params)
        if not ll >= normal_ll:
            mu, sd = stats.norm.fit(x)
            retry = tuple(float(p) for p in stats.skewnorm.fit(x, 0.0, loc=mu, scale=sd))
            retry_ll = _loglik(stats.skewnorm, x, retry)
            if retry_ll > ll:
                params, ll = retry, retry_ll
    return params, ll


def _fit_lognorm(x: np.ndarray) -> tuple[tuple, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        params = tuple(float(p) for p in stats.lognorm.fit(x, floc=0))
    return params, _loglik(stats.lognorm, x, params)


def _density(x: np.ndarray, normal: tuple | None, skewed: str | None, skewed_params: tuple | None) -> pd.DataFrame:
    if len(x) == 0:
        return pd.DataFrame({c: pd.Series([], dtype=float) for c in DENSITY_COLUMNS})
    lo, hi = float(np.min(x)), float(np.max(x))
    pad = 0.1 * (hi - lo) if hi > lo else max(abs(lo) * 0.1, 0.1)
    start = lo - pad
    if lo >= 0:  # attainment and revenue are not negative: the grid does not go below 0
        start = max(0.0, start)
    grid = np.linspace(start, hi + pad, GRID_POINTS)
    with np.errstate(all="ignore"):
        normal_pdf = stats.norm.pdf(grid, *normal) if normal is not None else np.full(len(grid), np.nan)
        if skewed is not None:
            dist = stats.skewnorm if skewed == SKEWNORM else stats.lognorm
            skewed_pdf = dist.pdf(grid, *skewed_params)
        else:
            skewed_pdf = np.full(len(grid), np.nan)
    return pd.DataFrame({"x": grid, "normal_pdf": normal_pdf, "skewed_pdf": skewed_pdf}).astype(float)


def _direction(skewed: str, params: tuple, x: np.ndarray) -> str:
    """What the skew means for the team, from the fitted shape."""
    if skewed == LOGNORM:
        right = True
    else:
        a = params[0]
        right = a > 0 if a != 0 else stats.skew(x) >= 0
    if right:
        return "a few reps carry much more than the middle."
    return "most reps bunch near the top and a tail of reps falls well short."


def fit_attainment(values, min_n: int = MIN_REPS_FOR_FIT, what: str = "values") -> FitResult:
    """Fit a normal curve and two skewed alternatives to a sample and say which fits better.

    * normal: ``scipy.stats.norm.fit`` (2 parameters);
    * skew-normal: ``scipy.stats.skewnorm.fit`` (3 parameters; it contains the normal, so its
      log-likelihood is at least the normal's);
    * log-normal: ``scipy.stats.lognorm.fit`` with location fixed at 0 (2 parameters). It is
      defined on positive values only, so it is tried only when every value is positive: an AIC
      computed on fewer values could not be compared with the others (``note`` says so).

    AIC = 2k − 2·log-likelihood. The better skewed curve is the one with the lower AIC (a tie
    goes to the skew-normal); the winner is the lower AIC of normal and that curve, a tie going
    to the normal. Missing and infinite values are dropped first. With fewer than ``min_n``
    values, or no spread at all, no curve is fitted and ``winner`` is None; ``what`` names the
    values in that sentence ("reps with a quota in scope").

    Examples
    --------
    >>> r = fit_attainment([1.0, 1.1, 0.9])
    >>> r.winner is None
    True
    """
    x = np.asarray(pd.to_numeric(pd.Series(values, dtype=object), errors="coerce"), dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    rows = []

    def row(model: str, params=None, ll=np.nan, fitted=False, note=None) -> None:
        k = N_PARAMS[model]
        aic = 2 * k - 2 * ll if fitted else np.nan
        rows.append(dict(model=model, label=MODEL_LABELS[model], n=n, n_params=k, params=params, loglik=ll,
                         aic=aic, fitted=fitted, note=note))

    def frame() -> pd.DataFrame:
        out = pd.DataFrame(rows, columns=FIT_COLUMNS)
        out["loglik"] = out["loglik"].astype(float)
        out["aic"] = out["aic"].astype(float)
        out["n"] = out["n"].astype("int64")
        out["n_params"] = out["n_params"].astype("int64")
        out["fitted"] = out["fitted"].astype(bool)
        return out

    spread = n > 1 and float(np.ptp(x)) > 0
    if n < min_n or not spread:
        why = (f"Only {n} {what}: too few to tell a bell curve from a skewed one "
               f"(at least {min_n} are needed)." if n < min_n else
               f"All {n} {what} have the same value: there is no spread to fit a curve to.")
        for m in (NORMAL, SKEWNORM, LOGNORM):
            row(m, note="not fitted: " + ("too few values" if n < min_n else "no spread"))
        return FitResult(n=n, fits=frame(), skewed=None, winner=None, delta_aic=np.nan, sentence=why,
                         density=_density(x, None, None, None))

    normal, normal_ll = _fit_normal(x)
    row(NORMAL, normal, normal_ll, True)
    sk_params, sk_ll = _fit_skewnorm(x, normal_ll)
    sk_ok = np.isfinite(sk_ll)
    row(SKEWNORM, sk_params if sk_ok else None, sk_ll if sk_ok else np.nan, bool(sk_ok),
        None if sk_ok else "not fitted: the optimiser did not converge")
    if np.all(x > 0):
        ln_params, ln_ll = _fit_lognorm(x)
        ln_ok = np.isfinite(ln_ll)
        row(LOGNORM, ln_params if ln_ok else None, ln_ll if ln_ok else np.nan, bool(ln_ok),
            None if ln_ok else "not fitted: the optimiser did not converge")
    else:
        n_nonpos = int(np.sum(x <= 0))
        row(LOGNORM, note=f"not fitted: defined for positive values only and {n_nonpos} of {n} are 0 or below")
    fits = frame()

    skewed_rows = fits[fits["model"].isin([SKEWNORM, LOGNORM]) & fits["fitted"]]
    if skewed_rows.empty:
        return FitResult(n=n, fits=fits, skewed=None, winner=NORMAL, delta_aic=np.nan,
                         sentence=f"Only the bell curve could be fitted (n = {n}).",
                         density=_density(x, normal, None, None))
    best = skewed_rows.sort_values("aic", kind="stable").iloc[0]  # skewnorm first: a tie goes to it
    skewed, skewed_params = str(best["model"]), tuple(best["params"])
    normal_aic = float(fits.loc[fits["model"] == NORMAL, "aic"].iat[0])
    skewed_aic = float(best["aic"])
    delta = normal_aic - skewed_aic
    winner = skewed if round(delta, DECIMALS) > 0 else NORMAL
    label = MODEL_LABELS[skewed]
    if winner == NORMAL:
        sentence = (f"The bell curve fits as well as or better than a skewed one ({label}; AIC {normal_aic:.0f} "
                    f"vs {skewed_aic:.0f}, n = {n}): attainment is spread evenly around the middle.")
    else:
        strength = "slightly better (a difference under 2 is weak evidence)" if delta < 2 else "better"
        sentence = (f"A skewed curve ({label}) fits {strength} than the bell curve (AIC {skewed_aic:.0f} vs "
                    f"{normal_aic:.0f}, n = {n}): {_direction(skewed, skewed_params, x)}")
    return FitResult(n=n, fits=fits, skewed=skewed, winner=winner, delta_aic=float(delta), sentence=sentence,
                     density=_density(x, normal, skewed, skewed_params))


@dataclass(frozen=True)
class AttainmentDistribution:
    """Per-rep attainment and the curves fitted to it.

    Attributes
    ----------
    reps : rep, manager, attainment, won_in_quota, quota, n_quota_periods: the reps with a
        quota in scope (those the fit uses), highest attainment first.
    n_without_quota : reps in scope left out because they have no quota (attainment not measured).
    fit : :class:`FitResult` (fits, skewed, winner, sentence, density).
    sentence : the fit's sentence, plus how many reps were left out for having no quota.
    """

    reps: pd.DataFrame
    n_without_quota: int
    fit: FitResult
    sentence: str

    @property
    def winner(self) -> str | None:
        return self.fit.winner

    @property
    def density(self) -> pd.DataFrame:
        return self.fit.density

    @property
    def fits(self) -> pd.DataFrame:
        return self.fit.fits


def attainment_distribution(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(),
                            min_reps: int = MIN_REPS_FOR_FIT) -> AttainmentDistribution:
    """Attainment across reps, with a bell curve beside the better-fitting skewed curve.

    Attainment per rep is :func:`analytics.results.attainment.rep_attainment` (closed-won amount in the rep's
    quota periods inside the filter period ÷ their quota). Reps without a quota in scope are
    left out and counted in ``n_without_quota``. The curves are fitted by :func:`fit_attainment`;
    with fewer than ``min_reps`` reps it says it cannot tell.

    The ``sentence`` is the fit's sentence, plus how many reps were left out for having no quota.
    """
    att = rep_attainment(ws, filters, settings)
    measured = att[att["attainment"].notna() & np.isfinite(att["attainment"])]
    n_without = int(len(att) - len(measured))
    measured = measured.sort_values(["attainment", "rep"], ascending=[False, True], ignore_index=True)
    fit = fit_attainment(measured["attainment"].to_numpy(), min_n=min_reps, what="reps with a quota in scope")
    sentence = fit.sentence
    if n_without:
        sentence += f" {n_without} {'rep has' if n_without == 1 else 'reps have'} no quota in scope and {'is' if n_without == 1 else 'are'} left out."
    return AttainmentDistribution(reps=measured, n_without_quota=n_without, fit=fit, sentence=sentence)


# ------------------------------------------------------------------------------ Pareto
@dataclass(frozen=True)
class Pareto:
    """Closed-won revenue by entity, sorted, and the share carried by the top of them.

    Attributes
    ----------
    by : "rep", "account" or "product".
    table : rank, entity, revenue, deals, share, cumulative_share, entity_cumulative_share
        (rank ÷ n_entities, the x axis of a Pareto chart), in_top (among the top ``top``).
    top : the share of entities at the top (0.2).
    n_top : entities in the top group = ceil(top × n_entities) (at least 1 when there is any).
    top_share : share of revenue from the top group (NaN when revenue is not positive).
    n_entities, n_deals, revenue : over the deals attributed to a named entity.
    n_deals_unattributed, revenue_unattributed : won deals in scope with no rep, account or
        product recorded (left out of the table and shares).
    sentence : the headline in plain words.
    """

    by: str
    table: pd.DataFrame
    top: float
    n_top: int
    top_share: float
    n_entities: int
    n_deals: int
    revenue: float
    n_deals_unattributed: int
    revenue_unattributed: float
    sentence: str


def top_count(n: int, top: float = 0.2) -> int:
    """How many of ``n`` entities make the top ``top`` share: ceil(top·n), at least 1 when n ≥ 1.

    The product is rounded to 9 decimals before the ceiling (0.2 × 15 is 3.0000000000000004
    in floating point, and the top 20% of 15 is 3).

    >>> [top_count(n) for n in (0, 1, 4, 5, 6, 10, 15, 118)]
    [0, 1, 1, 1, 2, 2, 3, 24]
    """
    if n <= 0:
        return 0
    return max(1, math.ceil(round(top * n, DECIMALS)))


def pareto(ws: Workspace, filters: Filters = Filters(), by: str = "rep", top: float = 0.2) -> Pareto:
    """Closed-won revenue by rep (deal owner), account or product, with the top 20%'s share.

    Deals: closed-won with close date in the filter period, owner in the region / team /
    manager filters (roster), deal in the segment / product filters. revenue = sum of amount
    (a missing amount adds nothing), deals = count of won deals.

    Ordering and the cut
    --------------------
    Entities are sorted by revenue, highest first, ties broken by name (A→Z); rank 1 is the
    largest. The top group is the first ``ceil(top × n)`` entities (:func:`top_count`); so of 5
    reps the top 20% is 1 rep, of 6 it is 2. Entities tied with the last one in the top group
    are cut by name, which changes ``in_top`` but never ``top_share``: tied entities bring the
    same revenue. share = revenue ÷ total revenue of the table (deals without the entity are
    counted apart, in ``n_deals_unattributed``).
    """
    if by not in PARETO_BY:
        raise ValueError(f"pareto by must be one of {sorted(PARETO_BY)}, not {by!r}")
    col = PARETO_BY[by]
    where, params = filters.clause(date="o.close_date", region="o.region", team="o.team", manager="o.manager_name",
                                   segment="o.segment", product="o.product")
    raw = ws.query(
        f"""SELECT nullif(trim(CAST({col} AS VARCHAR)), '') AS entity, sum(o.amount) AS revenue, count(*) AS deals
            FROM v_opportunities o WHERE o.is_won AND {where} GROUP BY 1""",
        params,
    )
    raw["revenue"] = raw["revenue"].astype(float).fillna(0.0)
    missing = raw[raw["entity"].isna()]
    table = raw[raw["entity"].notna()].copy()
    table = table.sort_values(["revenue", "entity"], ascending=[False, True], ignore_index=True)
    n = len(table)
    total = float(table["revenue"].sum())
    n_top = top_count(n, top)
    table["rank"] = np.arange(1, n + 1, dtype="int64")
    table["deals"] = table["deals"].astype("int64")
    positive = total > 0
    table["share"] = table["revenue"] / total if positive else np.nan
    table["cumulative_share"] = table["revenue"].cumsum() / total if positive else np.nan
    table["entity_cumulative_share"] = table["rank"] / n if n else np.nan
    table["in_top"] = table["rank"] <= n_top
    table = table[PARETO_COLUMNS].astype({"share": float, "cumulative_share": float,
                                          "entity_cumulative_share": float, "in_top": bool})
    top_share = float(table.loc[table["in_top"], "revenue"].sum() / total) if positive else np.nan
    n_deals = int(table["deals"].sum())
    word = {"rep": ("rep", "reps"), "account": ("account", "accounts"), "product": ("product", "products")}[by]
    if n == 0:
        sentence = f"No closed-won deal in scope names a {word[0]}."
    elif not positive:
        sentence = f"Closed-won revenue in scope is not positive ({n} {word[1]}, {n_deals} deals): no shares to show."
    else:
        sentence = (f"The top {top:.0%} of {word[1]} ({n_top} of {n}) bring {top_share:.0%} of closed-won revenue "
                    f"({n_deals} won {'deal' if n_deals == 1 else 'deals'}).")
    n_unattr = int(missing["deals"].sum())
    if n_unattr:
        sentence += (f" {n_unattr} won {'deal has' if n_unattr == 1 else 'deals have'} no {word[0]} recorded "
                     f"and {'is' if n_unattr == 1 else 'are'} left out.")
    return Pareto(by=by, table=table, top=top, n_top=n_top, top_share=top_share, n_entities=n, n_deals=n_deals,
                  revenue=total, n_deals_unattributed=n_unattr,
                  revenue_unattributed=float(missing["revenue"].sum()), sentence=sentence)


# ------------------------------------------------------------------------------ stars and strugglers
def percentile_rank(values: pd.Series) -> pd.Series:
    """Mid-rank percentile, 0..100: (average rank − 0.5) ÷ n × 100.

    It is the share of the group below the value, counting the value's own (tied) group half:
    symmetric, so the top and bottom 10% hold the same number of people. Ties share a percentile.

    >>> percentile_rank(pd.Series([3.0, 1.0, 2.0, 2.0])).tolist()
    [87.5, 12.5, 50.0, 50.0]
    """
    n = values.notna().sum()
    return (values.rank(method="average") - 0.5) / n * 100


def stars_and_strugglers(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(),
                         top: float | None = None, bottom: float | None = None) -> pd.DataFrame:
    """The reps at the top and at the bottom of attainment, by percentile rank among reps.

    Attainment as in :func:`analytics.results.attainment.rep_attainment`; reps without a quota in scope are
    not ranked. percentile = :func:`percentile_rank` among the ranked reps (0..100).

    * star: percentile ≥ 100 × (1 − top);
    * struggler: percentile ≤ 100 × bottom

    (compared at 9 decimals). Of 10 reps with different attainment, top = bottom = 0.1 gives one
    star and one struggler; of 20, two of each. Reps tied on attainment share a percentile, so
    they are in or out together. ``top`` and ``bottom`` default to the settings ``stars_top``
    and ``strugglers_bottom`` when Settings has them, else 0.1.

    Returns
    -------
    DataFrame: group ("star" / "struggler"), rep, manager, attainment, percentile, won_in_quota,
    quota; stars first (highest attainment first), then strugglers (lowest first).
    """
    top = float(settings.stars_top if top is None else top)
    bottom = float(settings.strugglers_bottom if bottom is None else bottom)
    if not (0 <= top <= 1 and 0 <= bottom <= 1):
        raise ValueError("top and bottom are shares of reps between 0 and 1")
    att = rep_attainment(ws, filters, settings)
    att = att[att["attainment"].notna() & np.isfinite(att["attainment"])].copy()
    att["percentile"] = percentile_rank(att["attainment"].round(DECIMALS)).astype(float)
    p = att["percentile"].round(DECIMALS)
    stars = att[p >= round(100 * (1 - top), DECIMALS)].assign(group=STAR)
    # a rep is never both (possible only when top + bottom reach past the middle)
    strugglers = att[(p <= round(100 * bottom, DECIMALS)) & ~att.index.isin(stars.index)].assign(group=STRUGGLER)
    stars = stars.sort_values(["attainment", "rep"], ascending=[False, True])
    strugglers = strugglers.sort_values(["attainment", "rep"], ascending=[True, True])
    out = pd.concat([stars, strugglers], ignore_index=True)
    if out.empty:
        return pd.DataFrame({c: pd.Series([], dtype=float if c in ("attainment", "percentile", "won_in_quota",
                                                                    "quota") else object) for c in STARS_COLUMNS})
    return out[STARS_COLUMNS].reset_index(drop=True)
