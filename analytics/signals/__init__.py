"""Signals: the evidence behind each dial, per manager and per rep (FRAMEWORK.md): manage (quota,
pipeline, activity), coaching, surveys, capability, follow-through, execution independence.

May import: the vocabulary, ``store``, ``people`` and ``periods``; never ``ingest`` or anything above.
"""

from analytics.signals.capability import (
    capability_by_manager,
    moved_rule,
    named_gaps,
    naming_cycles,
    rating_noise,
    review_scores,
)
from analytics.signals.coaching import (
    BEHAVIOURS,
    behaviour_counts,
    coaching_by_manager,
    coaching_by_rep,
    session_examples,
)
from analytics.signals.follow_through import (
    actions,
    completed_not_revisited,
    follow_through_by_manager,
    follow_through_by_quarter,
    overdue_actions,
)
from analytics.signals.independence import (
    closed_deals,
    complex_threshold,
    dependency_curve,
    dependency_trend,
    flagged_deals,
    independence_by_manager,
    independence_by_rep,
    trend_label,
)
from analytics.signals.manage import activity_by_manager, pipeline_by_manager
from analytics.signals.surveys import classify_items, confidence_verdict, survey_by_manager

__all__ = [
    "actions",
    "activity_by_manager",
    "behaviour_counts",
    "BEHAVIOURS",
    "capability_by_manager",
    "classify_items",
    "closed_deals",
    "coaching_by_manager",
    "coaching_by_rep",
    "completed_not_revisited",
    "complex_threshold",
    "dependency_curve",
    "dependency_trend",
    "flagged_deals",
    "follow_through_by_manager",
    "follow_through_by_quarter",
    "independence_by_manager",
    "independence_by_rep",
    "trend_label",
    "moved_rule",
    "named_gaps",
    "naming_cycles",
    "overdue_actions",
    "pipeline_by_manager",
    "rating_noise",
    "review_scores",
    "session_examples",
    "survey_by_manager",
    "confidence_verdict",
]
