"""The store: the session's sandboxed DuckDB (:class:`Workspace`), the results derived from its data,
the saved workspace file, caching, the warm-up after an import, and the anonymised copy.

May import: the vocabulary (``schema``, ``fmt``, ``filters``, ``settings``) only.
"""

from analytics.store.anonymise import AnonymiseOptions, Pseudonyms, anonymise
from analytics.store.workspace import LoadResult, Workspace, WorkspaceFileError

__all__ = ["AnonymiseOptions", "LoadResult", "Pseudonyms", "Workspace", "WorkspaceFileError", "anonymise"]
