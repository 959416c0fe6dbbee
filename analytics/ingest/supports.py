"""Which analyses the loaded data supports, and what each missing one needs."""

from __future__ import annotations

from dataclasses import dataclass

from analytics import schema
from analytics.store.links import DEAL_OWNERS, ROSTER, broken
from analytics.store.workspace import Workspace

#: The links between files each analysis rests on (keys of :data:`analytics.store.links.LINKS`):
#: with its tables loaded but a link broken, an analysis needs data (the link mended), not "ready".
ANALYSIS_LINKS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "attainment": (("quotas", "owner", ROSTER), ("quotas", "owner", DEAL_OWNERS)),
    "activity": (("activities", "owner", ROSTER),),
    "independence": (("opportunities", "owner", ROSTER),),
    "capability": (("reviews", "rep", ROSTER),),
    "follow_through": (("development_actions", "rep", ROSTER),),
    "coaching": (("coaching_sessions", "manager", ROSTER),),
    "confidence_gap": (("surveys", "subject_manager", ROSTER),),
    "lead_dial": (("surveys", "subject_manager", ROSTER),),
}
#: the fix for a broken link, in a user's words
LINK_FIX = ("Check Data health on the Data page: make the file name people as the roster does (the same "
            "names or IDs), or map its column to the one that holds them.")


@dataclass
class AnalysisSupport:
    """Whether the loaded data supports one analysis, and if not, what it is missing."""

    analysis: str
    title: str
    supported: bool
    missing: list[str]
    explanation: str
    #: why a link this analysis rests on is broken (its tables loaded): not ready until it is mended
    broken_link: str | None = None

    @property
    def reason(self) -> str:
        """What the analysis needs: the missing data's explanation, or the broken link and its fix."""
        if self.broken_link:
            return f"not measured: {self.broken_link}. {LINK_FIX}"
        return self.explanation

    @property
    def status(self) -> str:
        return "ready" if self.supported else "needs data"


def analyses_supported(ws: Workspace) -> list[AnalysisSupport]:
    """One line per analysis: supported, or the tables/columns that are missing, or (its tables
    loaded) the link between files it rests on that is broken (:func:`analytics.store.links.broken`)."""
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
        link = None if missing else broken(ws, ANALYSIS_LINKS.get(req.analysis, ()))
        if link:
            missing.append(f"a working link: {link}")
        out.append(AnalysisSupport(req.analysis, schema.ANALYSES[req.analysis], not missing, missing, req.explanation,
                                   link))
    return out
