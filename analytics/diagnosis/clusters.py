"""Manager clusters: managers grouped by their evidence profile, named from it, with honest
quality figures (silhouette, and stability across bootstrap resamples).

Clusters only where they can be real:

* at least ``settings.min_managers_for_clusters`` managers (12 by default: on the demo's 15
  planted managers, k-means on random subsets of 12 found the planted groups with a mean adjusted
  Rand index of 0.97, of 10 only 0.87, of 6 0.70; benchmarks/RESULTS.md), and k chosen by
  silhouette up to 8 groups (and n − 1): a cap of one group per three cost the planted groups when
  two managers were listed apart (13 managers, 4 groups for 5 archetypes), and a cap of half the
  managers did on small organisations (the setting lowered to 8: 7 managers clustered, 5 planted
  archetypes, at most 3 groups, adjusted Rand index 0.35 against 0.77 with silhouette's 4); a
  group of one or two is named as no group anyway;
* a feature is used when it is measured for at least :data:`FEATURE_MIN_SHARE` of the managers
  and is not the same for all of them; a manager missing a used feature is never imputed but
  listed apart ("not clustered: missing revisits"), so one manager's gap never removes a feature
  for everyone; a manager with fewer than half of the profile's features measured is listed apart
  as "little evidence";
* a group of fewer than :data:`MIN_GROUP` managers carries no archetype name: it is "not a group"
  (its managers are shown, but no pattern is claimed from one or two people).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import validate_data
from threadpoolctl import threadpool_limits

#: The profile features clustering reads (a subset may be measured).
FEATURES = (
    "lead_survey", "retention", "pipeline_reviews_per_rep_month", "activity_standard_met", "hygiene",
    "coverage_vs_standard", "capability_slope", "follow_through_rate", "revisit_rate", "independence",
    "quality_index", "skill_time_share", "confidence_gap", "involvement_won_complex", "attainment",
)

#: What each named group looks like, as the sign of its features in standard units.
PROTOTYPES: dict[str, dict[str, int]] = {
    "developers": {"capability_slope": 1, "quality_index": 1, "follow_through_rate": 1, "independence": 1,
                   "revisit_rate": 1},
    "heroes": {"involvement_won_complex": 1, "independence": -1, "attainment": 1, "quality_index": -1},
    "operators": {"pipeline_reviews_per_rep_month": 1, "activity_standard_met": 1, "hygiene": 1,
                  "coverage_vs_standard": 1, "skill_time_share": -1},
    "motivators": {"lead_survey": 1, "retention": 1, "follow_through_rate": -1, "revisit_rate": -1},
    "over-confident coaches": {"confidence_gap": 1},
}

#: A group of fewer managers than this is not named as an archetype (one or two people are not a pattern).
MIN_GROUP = 3
#: A feature is clustered on when measured for at least this share of the managers in scope: below
#: it, clustering would list most managers apart; above it one manager's gap no longer removes a
#: feature for everyone (they are listed apart instead).
FEATURE_MIN_SHARE = 0.8
#: A manager with fewer than this share of the profile's features measured has "little evidence".
LITTLE_EVIDENCE_SHARE = 0.5

#: Features where above average is worse (the profile chart draws them red above average).
FEATURE_HIGH_IS_BAD = frozenset({"involvement_won_complex", "confidence_gap"})

FEATURE_LABELS = {
    "lead_survey": "Lead survey", "retention": "retention", "pipeline_reviews_per_rep_month": "pipeline reviews",
    "activity_standard_met": "activity standard", "hygiene": "pipeline hygiene",
    "coverage_vs_standard": "pipeline coverage", "capability_slope": "capability movement",
    "follow_through_rate": "follow-through", "revisit_rate": "revisits", "independence": "independence",
    "quality_index": "coaching quality", "skill_time_share": "skill time", "confidence_gap": "confidence gap",
    "involvement_won_complex": "manager involvement", "attainment": "attainment",
}


def feature_choice(evidence: pd.DataFrame, min_share: float = FEATURE_MIN_SHARE) -> tuple[list[str], dict[str, str]]:
    """The features to cluster on, and every feature left out with why.

    A feature is used when measured for at least ``min_share`` of the managers and not the same
    for all of them; a feature absent from the evidence is not measured for anyone.

    >>> ev = pd.DataFrame({"retention": [0.9, 0.8, 0.7, 0.6, np.nan], "hygiene": [0.5] * 5,
    ...                    "revisit_rate": [0.1, np.nan, np.nan, 0.4, 0.5], "attainment": [1, 0.9, 1.1, 0.8, 1.2]})
    >>> used, left = feature_choice(ev)
    >>> used
    ['retention', 'attainment']
    >>> left["revisit_rate"], left["hygiene"]
    ('measured for 3 of 5 managers', 'the same for every manager')
    """
    used, left = [], {}
    n = len(evidence)
    for f in FEATURES:
        col = evidence[f].astype(float) if f in evidence.columns else pd.Series(np.nan, index=evidence.index)
        measured = int(col.notna().sum())
        if measured == 0:
            left[f] = "not measured"
        elif measured < min_share * n:
            left[f] = f"measured for {measured} of {n} managers"
        elif col.nunique() < 2:
            left[f] = "the same for every manager"
        else:
            used.append(f)
    return used, left


def usable_features(evidence: pd.DataFrame) -> list[str]:
    """The features :func:`feature_choice` uses (measured for most managers, not constant)."""
    return feature_choice(evidence)[0]


def unclustered(evidence: pd.DataFrame, used: list[str]) -> pd.DataFrame:
    """Managers kept out of the clustering, each with why: "little evidence" (fewer than half the
    profile's features the data holds measured) or "not clustered: missing <features>" (a used feature missing;
    never filled in). Columns: manager, reason."""
    # the features the data holds for anyone: an export nobody loaded makes no one's evidence thin
    present = [f for f in FEATURES if f in evidence.columns and evidence[f].notna().any()]
    measured = evidence[present].notna().sum(axis=1) if present else pd.Series(0, index=evidence.index)
    missing = evidence[used].isna() if used else pd.DataFrame(index=evidence.index)
    thin = measured < LITTLE_EVIDENCE_SHARE * len(present)
    gaps = missing.any(axis=1) if used else pd.Series(False, index=evidence.index)
    out = evidence.loc[thin | gaps, ["manager"]].copy()
    reasons = []
    for i in out.index:  # a few managers at most, never the load path
        if thin[i]:
            reasons.append(f"little evidence: {int(measured[i])} of {len(present)} signals measured")
        else:
            reasons.append("not clustered: missing " + ", ".join(FEATURE_LABELS.get(f, f) for f in used
                                                                 if missing.at[i, f]))
    out["reason"] = reasons
    return out.reset_index(drop=True)


class ManagerClusters(ClusterMixin, BaseEstimator):
    """k-means on standardised manager features, k chosen by silhouette unless given.

    A scikit-learn estimator: ``__init__`` only stores the parameters, :meth:`fit` returns the
    estimator with its fitted attributes (ending in ``_``), and every random draw (the k-means
    starts and the bootstrap resamples) comes from ``random_state``, so ``clone``,
    ``get_params``/``set_params`` and ``fit_predict`` work as for any scikit-learn clusterer.

    Parameters
    ----------
    k : number of clusters, or None to choose by silhouette over ``k_range``.
    k_range : candidate k (inclusive bounds); capped at n_managers − 1.
    random_state : seed for k-means and the bootstrap (an int gives the same result on every fit;
        None draws afresh).
    n_bootstrap : resamples for the stability figure.

    Attributes
    ----------
    labels_ : cluster of each manager (row of X).
    k_ : the number of clusters fitted.
    silhouette_ : silhouette of ``labels_`` (NaN for one cluster).
    silhouette_by_k_ : silhouette of each candidate k.
    stability_ : mean adjusted Rand index over the bootstrap resamples (NaN when none fits).
    centers_ : cluster centres in standard units, a DataFrame with the features as columns.
    features_ : the features clustered (X's columns; ``x0``, ``x1``... for an array).
    names_ : cluster -> plain-language name (:func:`name_clusters`).
    n_features_in_, feature_names_in_ : as scikit-learn records them (the latter for a DataFrame).

    Examples
    --------
    >>> X = pd.DataFrame({"a": [0, 0.1, 5, 5.1, 10, 10.2], "b": [0, 0.2, 5, 5.2, 0, 0.1]})
    >>> ManagerClusters(random_state=0).fit(X).k_
    3
    >>> ManagerClusters(random_state=0).fit_predict(X).tolist() == ManagerClusters(random_state=0).fit(X).labels_.tolist()
    True
    """

    def __init__(self, k: int | None = None, k_range: tuple[int, int] = (2, 8), random_state: int | None = 0,
                 n_bootstrap: int = 30) -> None:
        self.k = k
        self.k_range = k_range
        self.random_state = random_state
        self.n_bootstrap = n_bootstrap

    def _kmeans(self, k: int) -> KMeans:
        return KMeans(n_clusters=k, n_init=10, random_state=self.random_state)

    def fit(self, X, y=None) -> ManagerClusters:
        """Cluster the rows of ``X`` (managers x features; a DataFrame names the features).
        ``y`` is ignored (scikit-learn's signature)."""
        # tens of managers: starting a thread pool per k-means costs far more than the work itself
        # (benchmarks/RESULTS.md, measurements behind the code)
        with threadpool_limits(1):
            return self._fit(X)

    def _fit(self, X) -> ManagerClusters:
        Z = validate_data(self, X, dtype=float)
        names = getattr(self, "feature_names_in_", None)
        self.features_ = list(names) if names is not None else [f"x{i}" for i in range(Z.shape[1])]
        Z = StandardScaler().fit_transform(Z)
        n = len(Z)
        lo, hi = self.k_range[0], min(self.k_range[1], n - 1)
        self.silhouette_by_k_ = {}
        fitted = {}
        for k in range(lo, hi + 1):
            fitted[k] = self._kmeans(k)
            labels = fitted[k].fit_predict(Z)
            if len(set(labels)) > 1:
                self.silhouette_by_k_[k] = float(silhouette_score(Z, labels))
        if self.k is not None:
            self.k_ = int(self.k)
        elif not self.silhouette_by_k_:
            raise ValueError(f"No k in {self.k_range} makes two or more clusters of n_samples={n} managers.")
        else:
            self.k_ = max(self.silhouette_by_k_, key=self.silhouette_by_k_.get)
        # the k chosen was fitted on the same rows with the same seed above: the same fit, not made twice
        model = fitted[self.k_] if self.k_ in fitted else self._kmeans(self.k_).fit(Z)
        self.labels_ = model.labels_
        self.silhouette_ = float(silhouette_score(Z, self.labels_)) if len(set(self.labels_)) > 1 else float("nan")
        self.centers_ = pd.DataFrame(model.cluster_centers_, columns=self.features_)
        self.stability_ = self._stability(Z)
        self.names_ = name_clusters(self.centers_, sizes=np.bincount(self.labels_, minlength=len(self.centers_)))
        return self

    def _stability(self, Z: np.ndarray) -> float:
        """Mean adjusted Rand index between the full fit and fits on bootstrap resamples,
        compared on the managers each resample drew (1 = the same groups every time).

        One fit after another: on two threads they took longer on a quiet machine (0.33-0.35 s
        against 0.22-0.25 s at 10% after a filter change; k-means's Python steps hold the GIL),
        although a loaded machine showed the opposite (benchmarks/RESULTS.md)."""
        rng = np.random.default_rng(self.random_state)
        scores = []
        for _ in range(self.n_bootstrap):
            idx = np.unique(rng.choice(len(Z), size=len(Z), replace=True))
            if len(idx) <= self.k_:
                continue
            labels = self._kmeans(self.k_).fit_predict(Z[idx])
            scores.append(adjusted_rand(self.labels_[idx], labels))
        return float(np.mean(scores)) if scores else float("nan")


def adjusted_rand(labels_true: np.ndarray, labels_pred: np.ndarray) -> float:
    """scikit-learn's ``adjusted_rand_score`` for two label arrays of one length (at least one
    label each), by the same integer pair counts and the same final division, so the same float;
    without its input checks and sparse matrices, which cost ~3 ms a call (30 calls per
    clustering).

    >>> adjusted_rand(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0])), adjusted_rand(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]))
    (1.0, -0.5)
    """
    _, t = np.unique(labels_true, return_inverse=True)
    _, p = np.unique(labels_pred, return_inverse=True)
    contingency = np.zeros((t.max() + 1, p.max() + 1), dtype=np.int64)
    np.add.at(contingency, (t, p), 1)
    n = np.int64(len(t))
    n_c, n_k = contingency.sum(axis=1), contingency.sum(axis=0)
    sum_squares = (contingency**2).sum()
    tp = int(sum_squares - n)
    fp = int(contingency.dot(n_k).sum() - sum_squares)
    fn = int(contingency.T.dot(n_c).sum() - sum_squares)
    tn = int(n**2 - fp - fn - sum_squares)
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def name_clusters(centers: pd.DataFrame, min_score: float = 0.25, sizes=None) -> dict[int, str]:
    """Match clusters to the named profiles (one name each) by how well their centres fit;
    a cluster that fits none well is a "mixed profile", and a cluster of fewer than
    :data:`MIN_GROUP` managers (``sizes``, when given) is "not a group (n managers)", matched to no
    profile.

    >>> c = pd.DataFrame({"confidence_gap": [2.0, -1.0, 0.1], "capability_slope": [0.0, 1.5, 0.2]})
    >>> name_clusters(c)
    {0: 'over-confident coaches', 1: 'developers', 2: 'mixed profile'}
    >>> name_clusters(c, sizes=[5, 1, 4])
    {0: 'over-confident coaches', 1: 'not a group (1 manager)', 2: 'mixed profile'}
    """
    names = list(PROTOTYPES)
    small = {i: int(sizes[i]) for i in range(len(centers))
             if sizes is not None and int(sizes[i]) < MIN_GROUP}
    score = np.full((len(centers), len(names)), -np.inf)
    for j, name in enumerate(names):
        feats = {f: s for f, s in PROTOTYPES[name].items() if f in centers.columns}
        if feats:
            score[:, j] = sum(centers[f].to_numpy() * s for f, s in feats.items()) / len(feats)
    score[list(small), :] = -np.inf
    rows, cols = linear_sum_assignment(-np.where(np.isfinite(score), score, -1e6))
    out = {i: "mixed profile" for i in range(len(centers))}
    for r, c in zip(rows, cols, strict=True):
        if np.isfinite(score[r, c]) and score[r, c] >= min_score:
            out[r] = names[c]
    for i, n in small.items():
        out[i] = f"not a group ({n} manager{'s' if n != 1 else ''})"
    return out


def describe(center: pd.Series, top: int = 3) -> str:
    """Plain words for a cluster centre: its most distinctive features."""
    order = center.abs().sort_values(ascending=False).index[:top]
    return ", ".join(f"{'high' if center[f] > 0 else 'low'} {FEATURE_LABELS.get(f, f)}" for f in order)


@dataclass
class ClusterResult:
    """What the page shows: either clusters, or why there are none; always which features were
    used, which left out (and why), and which managers were kept apart (and why)."""

    members: pd.DataFrame | None
    model: ManagerClusters | None
    features: list[str]
    reason: str | None = None
    left_out: dict[str, str] = field(default_factory=dict)
    apart: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["manager", "reason"]))


def cluster_managers(evidence: pd.DataFrame, min_managers: int = 12, k: int | None = None,
                     random_state: int = 0) -> ClusterResult:
    """Cluster the managers of an evidence frame (see ``dials.manager_evidence``) whose used
    features are all measured; the others are listed apart (:func:`unclustered`)."""
    feats, left = feature_choice(evidence)
    apart = unclustered(evidence, feats)
    n_all = len(evidence)
    if n_all < min_managers:
        return ClusterResult(None, None, feats, f"Only {n_all} managers in scope: clustering needs at least "
                                                f"{min_managers} for groups to mean anything.", left, apart)
    if len(feats) < 2:
        return ClusterResult(None, None, feats, "Fewer than two signals are measured for most managers; "
                                                "load reviews, coaching logs or surveys to build profiles.",
                             left, apart)
    kept = evidence[~evidence["manager"].isin(apart["manager"])]
    n = len(kept)
    if n < min_managers:
        return ClusterResult(None, None, feats, f"Only {n} of {n_all} managers have every signal used measured: "
                                                f"clustering needs at least {min_managers}.", left, apart)
    k_range = (2, max(2, min(8, n - 1)))  # silhouette decides; groups of one or two carry no name
    model = ManagerClusters(k=k, k_range=k_range, random_state=random_state).fit(kept[feats])
    members = kept[["manager"]].reset_index(drop=True)
    members["cluster"] = model.labels_
    members["cluster_name"] = members["cluster"].map(model.names_)
    return ClusterResult(members, model, feats, None, left, apart)
