"""The store: the session's sandboxed DuckDB (:class:`Workspace`), the results derived from its data,
the saved workspace file, caching, the warm-up after an import, and the anonymised copy.

May import: the vocabulary (``schema``, ``fmt``, ``filters``, ``settings``) only.
"""

# not the function anonymise: as an attribute of the package it would hide the module of that name
# (``from analytics.store import anonymise`` gave the function)
from analytics.store.anonymise import AnonymiseOptions, Pseudonyms
from analytics.store.workspace import LoadResult, Workspace, WorkspaceFileError

__all__ = ["AnonymiseOptions", "LoadResult", "Pseudonyms", "Workspace", "WorkspaceFileError"]
