"""The app's pages, defined once: app.py builds the navigation from this list and the tests walk it.

A page's file name is its URL (``views/data.py`` is served at ``/data``), so neither may change
without breaking a link someone saved; the default page is served at the app's root.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Page:
    """One entry of the navigation menu."""

    file: str     # the view script, relative to app.py
    title: str    # the menu label and the browser tab's title
    icon: str     # an emoji or ":material/...:" icon (drawn by the browser, no font fetched per page)
    section: str  # the menu heading it sits under ("" for none)
    default: bool = False

    @property
    def url_path(self) -> str:
        """Where the page is served: its file's name, or the root for the default page."""
        return "" if self.default else PurePosixPath(self.file).stem


PAGES: tuple[Page, ...] = (
    Page("views/overview.py", "Overview", ":material/dashboard:", "", default=True),
    Page("views/managers.py", "Managers", ":material/groups:", "Managers"),
    Page("views/manager.py", "Manager detail", ":material/person_search:", "Managers"),
    Page("views/coaching.py", "Coaching evidence", ":material/record_voice_over:", "Managers"),
    Page("views/clusters.py", "Manager clusters", ":material/bubble_chart:", "Managers"),
    Page("views/capability.py", "Capability trends", ":material/trending_up:", "Rep development"),
    Page("views/follow_through.py", "Follow-through", ":material/task_alt:", "Rep development"),
    Page("views/independence.py", "Execution independence", ":material/directions_walk:", "Rep development"),
    Page("views/gaps.py", "Skill gap or fit gap", ":material/rule:", "Rep development"),
    Page("views/movers.py", "Top movers", ":material/military_tech:", "Rep development"),
    Page("views/kpis.py", "Pipeline & KPIs", ":material/monitoring:", "Results"),
    Page("views/needle.py", "What moves the needle", ":material/linear_scale:", "Results"),
    Page("views/distribution.py", "Distribution", ":material/bar_chart:", "Results"),
    Page("views/whatif.py", "What-if", ":material/science:", "Results"),
    Page("views/present.py", "Presenter mode", ":material/co_present:", "Workshop"),
    Page("views/share.py", "Handouts and report", ":material/print:", "Workshop"),
    Page("views/data.py", "Data", ":material/upload_file:", "Data"),
)

#: the page files, in menu order
FILES: tuple[str, ...] = tuple(p.file for p in PAGES)


def sections() -> dict[str, list[Page]]:
    """The pages under their menu headings, in menu order (the shape ``st.navigation`` takes)."""
    out: dict[str, list[Page]] = {}
    for page in PAGES:
        out.setdefault(page.section, []).append(page)
    return out
