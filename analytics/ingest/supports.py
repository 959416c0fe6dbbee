"""Which analyses the loaded data supports, and what each missing one needs."""

from __future__ import annotations

from dataclasses import dataclass

from analytics import schema
from analytics.store.workspace import Workspace


@dataclass
class AnalysisSupport:
    """Whether the loaded data supports one analysis, and if not, what it is missing."""

    analysis: str
    title: str
    supported: bool
    missing: list[str]
    explanation: str

    @property
    def status(self) -> str:
        return "ready" if self.supported else "needs data"


def analyses_supported(ws: Workspace) -> list[AnalysisSupport]:
    """One line per analysis: supported, or the tables/columns that are missing."""
    filled = {t: ws.column_filled(t) for t in schema.TABLES}
    out = []
    for req in schema.REQUIREMENTS:
        missing = []
        for table_name, cols in req.needs.items():
            t = schema.table(table_name)
            if not any(filled[table_name].values()):
                missing.append(f"{t.label.lower()} export")
                continue
            empty = [c for c in cols if filled[table_name].get(c, 0) == 0]
            if empty:
                missing.append(f"{', '.join(c.replace('_', ' ') for c in empty)} in {t.label.lower()}")
        out.append(AnalysisSupport(req.analysis, schema.ANALYSES[req.analysis], not missing, missing, req.explanation))
    return out
