"""The store: the session's sandboxed DuckDB (:class:`Workspace`), the results derived from its data,
the saved workspace file, caching, the warm-up after an import, and the anonymised copy.

One job a module: ``workspace`` (the engine, loading, queries, versions), ``schema_sql`` (its
tables' and views' SQL), ``resolved`` (the deal views resolved once per version), ``stages``
(the stage mapping), ``derived`` (results held per version: pools, byte budget, built once),
``frames`` (query results as DataFrames), ``workspace_file`` (the saved file, written and read
without trusting it), ``caching``, ``warm``, ``memory``, ``anonymise``.

May import: the vocabulary (``schema``, ``fmt``, ``filters``, ``settings``) only.
"""

# not the function anonymise: as an attribute of the package it would hide the module of that name
# (``from analytics.store import anonymise`` gave the function)
from analytics.store.anonymise import AnonymiseOptions, Pseudonyms
from analytics.store.workspace import LoadResult, Origin, Workspace, WorkspaceFileError

__all__ = ["AnonymiseOptions", "LoadResult", "Origin", "Pseudonyms", "Workspace", "WorkspaceFileError"]
