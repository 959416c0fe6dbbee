"""Diagnosis: signals and results turned into judgements about managers: the three dials and the
hero pattern, manager clusters, skill and fit gaps and movers, the next 1:1's checklist.

May import: every layer below (vocabulary, ``store``, ``people``, ``periods``, ``signals``, ``results``).
"""

from analytics.diagnosis.checklist import checklist_basis, empty_checklist_note, next_one_on_one, scope_medians
from analytics.diagnosis.clusters import FEATURE_LABELS, ManagerClusters, cluster_managers, describe
from analytics.diagnosis.dials import diagnosis, manager_evidence, prepare_pages, signal_table
from analytics.diagnosis.gaps import CATEGORIES, category_counts, gap_classification
from analytics.diagnosis.movers import movers_by_manager, top_movers

__all__ = [
    "CATEGORIES",
    "category_counts",
    "checklist_basis",
    "cluster_managers",
    "describe",
    "diagnosis",
    "empty_checklist_note",
    "FEATURE_LABELS",
    "gap_classification",
    "manager_evidence",
    "ManagerClusters",
    "movers_by_manager",
    "next_one_on_one",
    "prepare_pages",
    "scope_medians",
    "signal_table",
    "top_movers",
]
