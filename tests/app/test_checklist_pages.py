"""AppTest: Manager detail's next-1:1 checklist leads with the action the manager's verdict calls
for, each item with a benchmark (issue 20, item 3). Deepa Varga is a planted hero: her first item
is to step back from complex deals, with the median of the managers in scope beside her share."""

from __future__ import annotations

import re

from tests.app.test_pages import app


def checklist(at) -> list[str]:
    """The checklist's numbered items, as the reader sees them (without markdown escapes)."""
    items = [re.sub(r"\\(.)", r"\1", str(m.value)) for m in at.markdown]
    return [t for t in items if re.match(r"\d+\. ", t)]


def test_a_heros_checklist_leads_with_stepping_back_with_a_median():
    at = app().run()
    at.switch_page("views/manager.py").run()
    at.selectbox(key="detail-manager@0").set_value("Deepa Varga").run()  # ui.privacy.person_key
    assert not at.exception and not at.error, [e.message for e in at.exception]
    items = checklist(at)
    assert 1 < len(items) <= 6
    assert items[0].startswith("1. ") and "Step back from complex deals" in items[0], items
    assert "hero pattern" in items[0]
    assert re.search(r"median in scope is \d+% \(15 managers measured\)", items[0]), items[0]
    assert all("median" in t or "standard" in t for t in items), items
    assert not any("gap(s)" in t for t in items)


def test_manager_detail_opens_on_the_verdict_before_the_dials():
    """The answer first (issue 20, item 1 carried to Manager detail): a hero reads "carries the
    number" above the dials, a planted developer "develops the team", a manager with neither no verdict."""
    at = app().run()
    at.switch_page("views/manager.py").run()
    seen = {}
    for name in ("Deepa Varga", "Jia Sato", "Owen Gupta"):
        at.selectbox(key="detail-manager@0").set_value(name).run()
        assert not at.exception, [e.message for e in at.exception]
        seen[name] = ([w.value for w in at.warning if "Carries the number" in w.value],
                      [s.value for s in at.success if "Develops the team" in s.value])
    assert seen["Deepa Varga"][0] and "87%" in seen["Deepa Varga"][0][0] and not seen["Deepa Varga"][1]
    assert seen["Jia Sato"][1] and "points per cycle" in seen["Jia Sato"][1][0] and not seen["Jia Sato"][0]
    assert seen["Owen Gupta"] == ([], [])
