"""Bench Strength's engine: plain Python (pandas, DuckDB, scikit-learn); never imports streamlit or ``ui``.

Its layers, each importing only from the ones listed before it (``tests/unit/test_layers.py``
holds the rule):

======================  ==================================================================
``schema``, ``fmt``,    the vocabulary every layer speaks: canonical tables, how values read,
``filters``,            the global filters (as bound SQL), every setting with its range
``settings``
``store/``              the session's sandboxed DuckDB, the derived-results store, the
                        workspace file, caching, warm-up, the anonymised copy
``people``, ``periods`` who is a rep or a manager in scope, and the day the data is judged at
``ingest/``             bytes -> canonical tables: readers, recognition, values, validation,
                        what the data supports, the settings file
``signals/``            the evidence behind each dial (FRAMEWORK.md)
``results/``            attainment, the overview, KPIs, what moves the needle, distribution, what-if
``diagnosis/``          signals -> judgements: dials and the hero pattern, clusters, gaps and movers,
                        the 1:1 checklist
``outputs/``            what leaves the app: charts, findings, the manager profile, handout, report,
                        downloads
======================  ==================================================================

``ingest`` and ``signals`` sit side by side and never import each other.
"""
