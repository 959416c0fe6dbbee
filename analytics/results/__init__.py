"""Results: what the organisation achieved: attainment, the overview, pipeline and KPIs, what moves
the needle, the distribution of reps, what-if scenarios.

May import: the vocabulary, ``store``, ``people``, ``periods`` and ``signals``.
"""

from analytics.results.attainment import attainment_by_manager, quota_basis, rep_attainment
from analytics.results.distribution import attainment_distribution, pareto, stars_and_strugglers
from analytics.results.needle import needle_chain
from analytics.results.overview import headline, managers_summary, revenue_by_quarter
from analytics.results.whatif import goal_seek, quota_scenario, velocity_baseline

__all__ = [
    "attainment_by_manager",
    "attainment_distribution",
    "goal_seek",
    "headline",
    "managers_summary",
    "needle_chain",
    "pareto",
    "quota_basis",
    "quota_scenario",
    "rep_attainment",
    "revenue_by_quarter",
    "stars_and_strugglers",
    "velocity_baseline",
]
