"""Recognise movement, not only revenue: the reps whose capabilities improved most, and how many of
them each manager holds (FRAMEWORK.md, "Act on gaps": the top movers)."""

from __future__ import annotations

import pandas as pd

from analytics.diagnosis.gaps import DECIMALS, leavers
from analytics.filters import Filters
from analytics.settings import Settings
from analytics.signals import capability as cap
from analytics.store.workspace import Workspace

MOVER_COLUMNS = ["rep", "manager", "mean_slope", "best_capability", "best_rise", "n_capabilities", "n_cycles"]
MOVERS_BY_MANAGER_COLUMNS = ["manager", "n_reps", "n_improving", "share_improving", "mean_slope", "n_top_movers"]


def _movers(ws: Workspace, filters: Filters) -> pd.DataFrame:
    mv = cap.movement(ws, filters)
    mv = mv[mv["slope"].notna() & ~mv["rep"].isin(leavers(ws, filters))]
    if mv.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object if c in ("rep", "manager", "best_capability")
                                          else "int64" if c.startswith("n_") else float) for c in MOVER_COLUMNS})
    mv = mv.assign(rise=mv["last_norm"] - mv["first_norm"], _slope=mv["slope"].round(DECIMALS))
    best = (mv.sort_values(["rep", "manager", "_slope", "rise", "capability"],
                           ascending=[True, True, False, False, True])
              .groupby(["rep", "manager"], as_index=False).first()
              [["rep", "manager", "capability", "rise"]]
              .rename(columns={"capability": "best_capability", "rise": "best_rise"}))
    per = mv.groupby(["rep", "manager"], as_index=False).agg(
        mean_slope=("slope", "mean"), n_capabilities=("capability", "nunique"), n_cycles=("n_cycles", "max"))
    out = per.merge(best, on=["rep", "manager"])
    out = out[out["n_cycles"] >= 2]
    out = (out.assign(_key=out["mean_slope"].round(DECIMALS))
              .sort_values(["_key", "rep", "manager"], ascending=[False, True, True], ignore_index=True))
    for c in ("n_capabilities", "n_cycles"):
        out[c] = out[c].astype("int64")
    return out[MOVER_COLUMNS]


def top_movers(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(), n: int = 10) -> pd.DataFrame:
    """The reps whose capabilities improved most, for recognition of movement, not only revenue.

    Per (rep, manager at the time), from :func:`analytics.signals.capability.movement` (each manager keeps
    the cycles scored under them; a rep who changed manager can appear once per manager):

    * mean_slope = mean of the rep's per-capability least-squares slopes (normalised score per
      cycle) over capabilities scored in ≥ 2 cycles;
    * best_capability = the capability with the steepest slope (ties: larger rise, then name);
      best_rise = its last_norm − first_norm;
    * n_capabilities = capabilities with a slope; n_cycles = most cycles scored on one of them.

    Only reps with n_cycles ≥ 2 who had not left by the as-of day (:func:`gaps_as_of`; the
    recognition is for people still on a team). Ranked by mean_slope, highest first (compared at 9 decimals);
    ties broken by rep name, then manager. ``n`` rows at most (all when n is None).

    Returns
    -------
    DataFrame: rep, manager, mean_slope, best_capability, best_rise, n_capabilities, n_cycles.
    """
    out = _movers(ws, filters)
    return out if n is None else out.head(int(n)).reset_index(drop=True)


def movers_by_manager(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(),
                      n: int = 10) -> pd.DataFrame:
    """Capability movement of each manager's reps, and how many of the top movers they hold.

    From the ranking of :func:`top_movers` over every rep (same rows, leavers left out, before
    the cut at ``n``):
    n_reps = reps with a mean_slope under the manager; n_improving = those with mean_slope ≥
    ``settings.flat_slope``; share_improving = n_improving ÷ n_reps; mean_slope = mean of the
    reps' mean_slope; n_top_movers = the manager's rows among the first ``n``.

    Returns
    -------
    DataFrame: manager, n_reps, n_improving, share_improving, mean_slope, n_top_movers; most top
    movers first, then highest mean_slope, then name.
    """
    allm = _movers(ws, filters)
    if allm.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object if c == "manager" else "int64" if c.startswith("n_")
                                          else float) for c in MOVERS_BY_MANAGER_COLUMNS})
    allm = allm.assign(improving=allm["mean_slope"].round(DECIMALS) >= settings.flat_slope,
                       top=allm.index < int(n))
    out = allm.groupby("manager", as_index=False).agg(
        n_reps=("rep", "size"), n_improving=("improving", "sum"), mean_slope=("mean_slope", "mean"),
        n_top_movers=("top", "sum"))
    out["share_improving"] = (out["n_improving"] / out["n_reps"]).astype(float)
    for c in ("n_reps", "n_improving", "n_top_movers"):
        out[c] = out[c].astype("int64")
    out = out.sort_values(["n_top_movers", "mean_slope", "manager"], ascending=[False, False, True], ignore_index=True)
    return out[MOVERS_BY_MANAGER_COLUMNS]
