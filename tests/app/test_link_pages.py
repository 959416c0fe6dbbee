"""Pages on broken and partial links (issue 18): the Overview, a manager's page, the Coaching page
and the Data page say "not measured" with the reason, never a number built on a broken link."""

from __future__ import annotations

from tests.app.test_pages import app, texts
from tests.unit.test_link_figures import coaching, deals, org


def test_broken_links_read_not_measured_on_every_page():
    ws = org(opportunities=deals(owner=lambda pid, name: ", ".join(reversed(name.split())).upper()),
             coaching_sessions=coaching(manager=lambda pid, name: "Coach " + pid))
    at = app(ws).run()
    assert not at.exception
    shown = texts(at)
    assert "Won deals and revenue per manager: not measured: no deal owner is in the roster (0 of 4 names match)" in shown
    assert "Coaching behaviours, quality index and the 50/50 rule**: not measured: no coaching session's manager" in shown

    at.switch_page("views/manager.py").run()
    assert not at.exception
    table = at.dataframe[-1].value
    status = dict(zip(table["Signal"], table["Status"], strict=True))
    assert status["Coaching-quality index (four behaviours)"] == (
        "not measured: no coaching session's manager is in the roster (0 of 2 names match)")
    assert status["Execution independence (complex wins without manager)"].startswith("not measured: no deal owner")

    at.switch_page("views/coaching.py").run()
    assert not at.exception
    assert "Coaching evidence: not measured: no coaching session's manager is in the roster" in texts(at)

    at.switch_page("views/data.py").run()
    assert not at.exception and not at.error
    # what the data supports names the broken link and its reason, in a line a reader sees whole
    assert ":orange[broken link] **Coaching behaviours, quality index and the 50/50 rule**: not measured: " \
           "no coaching session's manager" in texts(at)


def test_a_partial_link_shows_the_figure_and_what_it_rests_on():
    ws = org(opportunities=deals(owner=lambda pid, name: "Stranger" if pid == "U4" else name))
    at = app(ws).run()
    assert not at.exception
    shown = texts(at)
    assert "Won deals and revenue per manager rests on 3 of 4 deal owners (9 of 12 deals)" in shown
    assert "not measured: no deal owner" not in shown
