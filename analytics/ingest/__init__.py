"""Ingest: exported bytes -> canonical tables (readers, recognition, values, validation), what the
loaded data supports, and the settings file a consultant carries between workshops.

May import: the vocabulary and ``store``; never ``signals`` or anything above.
"""

from analytics.ingest.supports import AnalysisSupport, analyses_supported

__all__ = ["AnalysisSupport", "analyses_supported"]
