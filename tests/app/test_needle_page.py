"""AppTest, What moves the needle (issue 20, item 6): every link says what each side was computed
from, and a pair that shares a definition is listed apart as "linked by definition", never offered
as a finding (no ρ metric, no scatter to pick)."""

from __future__ import annotations

import pytest

from analytics.store.workspace import Workspace
from tests.app.test_pages import app, texts
from tests.unit.test_needle_definitions import generated, load, write_exports


def needle_page(workspace: Workspace | None = None):
    at = app(workspace).run()
    at.switch_page("views/needle.py").run()
    assert not at.exception and not at.error
    return at


def test_every_link_says_what_each_side_was_computed_from():
    at = needle_page()  # the demo: stage history, so nothing is linked by definition
    page = texts(at)
    assert page.count("Computed from:") == 3
    assert "stage conversion (opportunities that advanced a stage ÷ opportunities with a stage history)" in page
    assert "win rate (won deals ÷ closed deals) and revenue (closed-won amount)" in page
    assert "Linked by definition" not in page


@pytest.fixture(scope="module")
def deals_only(tmp_path_factory):
    people, deals, _ = generated()
    ws = load(write_exports(tmp_path_factory.mktemp("needle-page"), "salesforce", False),
              {"people": len(people), "opportunities": len(deals)})
    yield ws


def test_deals_only_the_built_in_pair_is_listed_apart_with_the_shared_part_named(deals_only):
    at = needle_page(deals_only)
    page = texts(at)
    assert "Linked by definition" in page
    assert "both are built from won deals" in page
    assert "Computed from: stage conversion (won deals ÷ opportunities created) and win rate " \
           "(won deals ÷ closed deals)" in page
    # not offered as a finding: no ρ metric for it, and no scatter of it to pick
    values = [m.value for m in at.metric]
    assert "built in" in values and "+0.99" not in values
    assert "linked by definition: both built from won deals · n = 12 reps" in page
    picks = at.selectbox(key="needle-link").options if any(s.key == "needle-link" for s in at.selectbox) else []
    assert "stage conversion → win rate" not in picks
