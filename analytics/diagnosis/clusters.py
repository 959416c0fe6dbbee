"""Manager clusters: managers grouped by their evidence profile, named from it, with honest
quality figures (silhouette, and stability across bootstrap resamples)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
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

FEATURE_LABELS = {
    "lead_survey": "Lead survey", "retention": "retention", "pipeline_reviews_per_rep_month": "pipeline reviews",
    "activity_standard_met": "activity standard", "hygiene": "pipeline hygiene",
    "coverage_vs_standard": "pipeline coverage", "capability_slope": "capability movement",
    "follow_through_rate": "follow-through", "revisit_rate": "revisits", "independence": "independence",
    "quality_index": "coaching quality", "skill_time_share": "skill time", "confidence_gap": "confidence gap",
    "involvement_won_complex": "manager involvement", "attainment": "attainment",
}


def usable_features(evidence: pd.DataFrame) -> list[str]:
    """Features measured for every manager and not constant (a gap would need imputing)."""
    out = []
    for f in FEATURES:
        if f in evidence.columns:
            col = evidence[f].astype(float)
            if col.notna().all() and col.nunique() > 1:
                out.append(f)
    return out


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
        for k in range(lo, hi + 1):
            labels = self._kmeans(k).fit_predict(Z)
            if len(set(labels)) > 1:
                self.silhouette_by_k_[k] = float(silhouette_score(Z, labels))
        if self.k is not None:
            self.k_ = int(self.k)
        elif not self.silhouette_by_k_:
            raise ValueError(f"No k in {self.k_range} makes two or more clusters of n_samples={n} managers.")
        else:
            self.k_ = max(self.silhouette_by_k_, key=self.silhouette_by_k_.get)
        model = self._kmeans(self.k_).fit(Z)
        self.labels_ = model.labels_
        self.silhouette_ = float(silhouette_score(Z, self.labels_)) if len(set(self.labels_)) > 1 else float("nan")
        self.centers_ = pd.DataFrame(model.cluster_centers_, columns=self.features_)
        self.stability_ = self._stability(Z)
        self.names_ = name_clusters(self.centers_)
        return self

    def _stability(self, Z: np.ndarray) -> float:
        """Mean adjusted Rand index between the full fit and fits on bootstrap resamples,
        compared on the managers each resample drew (1 = the same groups every time)."""
        rng = np.random.default_rng(self.random_state)
        scores = []
        for _ in range(self.n_bootstrap):
            idx = np.unique(rng.choice(len(Z), size=len(Z), replace=True))
            if len(idx) <= self.k_:
                continue
            labels = self._kmeans(self.k_).fit_predict(Z[idx])
            scores.append(adjusted_rand_score(self.labels_[idx], labels))
        return float(np.mean(scores)) if scores else float("nan")


def name_clusters(centers: pd.DataFrame, min_score: float = 0.25) -> dict[int, str]:
    """Match clusters to the named profiles (one name each) by how well their centres fit;
    a cluster that fits none well is a "mixed profile"."""
    names = list(PROTOTYPES)
    score = np.full((len(centers), len(names)), -np.inf)
    for j, name in enumerate(names):
        feats = {f: s for f, s in PROTOTYPES[name].items() if f in centers.columns}
        if feats:
            score[:, j] = sum(centers[f].to_numpy() * s for f, s in feats.items()) / len(feats)
    rows, cols = linear_sum_assignment(-np.where(np.isfinite(score), score, -1e6))
    out = {i: "mixed profile" for i in range(len(centers))}
    for r, c in zip(rows, cols, strict=True):
        if np.isfinite(score[r, c]) and score[r, c] >= min_score:
            out[r] = names[c]
    return out


def describe(center: pd.Series, top: int = 3) -> str:
    """Plain words for a cluster centre: its most distinctive features."""
    order = center.abs().sort_values(ascending=False).index[:top]
    return ", ".join(f"{'high' if center[f] > 0 else 'low'} {FEATURE_LABELS.get(f, f)}" for f in order)


@dataclass
class ClusterResult:
    """What the page shows: either clusters, or why there are none."""

    members: pd.DataFrame | None
    model: ManagerClusters | None
    features: list[str]
    reason: str | None = None


def cluster_managers(evidence: pd.DataFrame, min_managers: int = 8, k: int | None = None,
                     random_state: int = 0) -> ClusterResult:
    """Cluster the managers of an evidence frame (see ``dials.manager_evidence``)."""
    feats = usable_features(evidence)
    n = len(evidence)
    if n < min_managers:
        return ClusterResult(None, None, feats, f"Only {n} managers in scope: clustering needs at least "
                                                f"{min_managers} for groups to mean anything.")
    if len(feats) < 2:
        return ClusterResult(None, None, feats, "Fewer than two signals are measured for every manager; "
                                                "load reviews, coaching logs or surveys to build profiles.")
    model = ManagerClusters(k=k, random_state=random_state).fit(evidence[feats])
    members = evidence[["manager"]].copy()
    members["cluster"] = model.labels_
    members["cluster_name"] = members["cluster"].map(model.names_)
    return ClusterResult(members, model, feats)
