"""The main findings (analytics.outputs.findings): on the demo they name the planted truth, every chart
serialises (also after a presenter enlarges its fonts), and where the evidence is missing the
finding says so instead of showing a number."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from analytics.diagnosis.dials import diagnosis
from analytics.filters import Filters
from analytics.ingest.pipeline import import_directory
from analytics.outputs.findings import RESEARCH_CONFIDENCE, Insight, insights
from analytics.results import distribution
from analytics.store.workspace import Workspace
from tests.factories import workspace_with

TRUTH = json.loads((Path(__file__).resolve().parents[2] / "data" / "demo" / "ground_truth.json").read_text("utf-8"))
ORDER = ["hero_pattern", "coach_dial", "confidence_gap", "dependency", "gaps", "follow_through", "movers", "pareto",
         "needle"]


def planted(kind: str) -> set[str]:
    return {m for m, k in TRUTH["managers"].items() if k == kind}


def by_key(found: list[Insight]) -> dict[str, Insight]:
    return {i.key: i for i in found}


def named_in(text: str, candidates) -> set[str]:
    return {m for m in candidates if m in text}


@pytest.fixture(scope="module")
def demo_diag(demo_ws):
    return diagnosis(demo_ws)


@pytest.fixture(scope="module")
def demo_insights(demo_ws, demo_diag):
    return insights(demo_ws, diag=demo_diag)


@pytest.fixture(scope="module")
def maven(real_data):
    ws = Workspace()
    import_directory(ws, real_data / "maven-crm")
    yield ws
    ws.close()


# ------------------------------------------------------------------------------ the demo's planted truth
def test_the_story_order_and_everything_is_measured_on_the_demo(demo_insights):
    assert [i.key for i in demo_insights] == ORDER
    assert all(i.measured and i.chart is not None and not i.missing for i in demo_insights)
    for i in demo_insights:
        assert i.title and i.detail and i.basis and "\n" not in i.detail
        assert 0 < len(i.figures) <= 3 and all(isinstance(v, str) and v for _, v in i.figures)
        assert "nan" not in (i.title + i.detail + i.basis).lower()


def test_hero_insight_names_exactly_the_planted_heroes(demo_insights):
    hero = by_key(demo_insights)["hero_pattern"]
    assert named_in(hero.title, TRUTH["managers"]) == planted("hero")
    assert hero.title.startswith("3 managers hit plan")
    assert dict(hero.figures)["Hero pattern"] == "3 of 15"
    # the developers are named as the contrast, in the detail only
    assert planted("developer") <= named_in(hero.detail, TRUTH["managers"])


def test_confidence_gap_names_the_planted_over_confident_manager(demo_insights):
    gap = by_key(demo_insights)["confidence_gap"]
    assert named_in(gap.title, TRUTH["managers"]) == {TRUTH["primary"]["overconfident"]}
    widest = gap.detail.split("Widest:")[1].split(".")[0]
    assert named_in(widest, TRUTH["managers"]) == planted("overconfident")


def test_external_research_is_kept_apart_from_computed_numbers(demo_insights):
    gap = by_key(demo_insights)["confidence_gap"]
    assert gap.context == RESEARCH_CONFIDENCE and gap.context.startswith("External research")
    assert "six in ten" not in gap.detail and all("research" not in label.lower() for label, _ in gap.figures)
    assert all(not i.context for i in demo_insights if i.key != "confidence_gap")


def test_coach_dependency_and_movers_point_at_the_developers(demo_insights):
    found = by_key(demo_insights)
    assert named_in(found["coach_dial"].title, TRUTH["managers"]) == planted("developer")
    assert named_in(found["dependency"].title, TRUTH["managers"]) == planted("developer")
    assert named_in(found["movers"].title, TRUTH["managers"]) <= planted("developer")
    fit = TRUTH["reps"]["fit_gap"][0]
    assert fit["rep"] in found["gaps"].detail and "1 reads as a fit gap" in found["gaps"].title


def test_pareto_figure_is_the_computed_share_and_amounts_can_read_as_an_index(demo_ws, demo_diag, demo_insights):
    p = distribution.pareto(demo_ws, Filters(), "rep")
    pareto = by_key(demo_insights)["pareto"]
    assert f"{p.top_share:.0%}" in pareto.title
    assert not dict(pareto.figures)["Closed-won revenue"].endswith("pts")
    indexed = by_key(insights(demo_ws, index_amounts=True, diag=demo_diag))["pareto"]
    assert dict(indexed.figures)["Closed-won revenue"].endswith(" pts")


def test_needle_says_association_not_cause(demo_insights):
    needle = by_key(demo_insights)["needle"]
    assert "not cause" in needle.detail or "not proof" in needle.detail
    assert "association" in needle.basis


def test_filters_narrow_every_finding(demo_ws):
    emea = by_key(insights(demo_ws, Filters(regions=("EMEA",))))
    emea_managers = {m for m, t in TRUTH["teams"].items() if t["region"] == "EMEA"}
    assert named_in(emea["hero_pattern"].title, TRUTH["managers"]) == planted("hero") & emea_managers
    assert named_in(emea["confidence_gap"].title, TRUTH["managers"]) <= emea_managers
    assert "5 managers" in emea["confidence_gap"].basis


# ------------------------------------------------------------------------------ charts
PRESENTER = (lambda c: c.configure_axis(labelFontSize=18, titleFontSize=20),
             lambda c: (c.configure_axis(labelFontSize=17, titleFontSize=19)
                        .configure_legend(labelFontSize=16, titleFontSize=17, symbolSize=160)
                        .configure_title(fontSize=22).configure_header(labelFontSize=17, titleFontSize=18)
                        .configure_text(fontSize=16)))


def test_every_chart_serialises_also_after_the_presenter_enlarges_fonts(demo_insights):
    for i in demo_insights:
        spec = i.chart.to_dict()
        assert "config" not in spec or "axis" not in spec["config"], i.key  # no configure_* of its own
        assert json.dumps(spec)
        for enlarge in PRESENTER:
            big = enlarge(i.chart).to_dict()
            assert big["config"]["axis"]["labelFontSize"] in (17, 18), i.key


def test_every_chart_renders_to_svg(demo_insights):
    vlc = pytest.importorskip("vl_convert")
    for i in demo_insights:
        svg = vlc.vegalite_to_svg(i.chart.configure_axis(labelFontSize=18).to_dict())
        assert svg.startswith("<svg") and "<text" in svg, i.key


# ------------------------------------------------------------------------------ missing evidence
def assert_not_measured(i: Insight) -> None:
    assert not i.measured and i.chart is None and i.figures == [], i.key
    assert i.missing and "not measured" in i.title, i.key
    assert not re.search(r"\d", i.title), i.key


def test_maven_opportunities_only_measures_what_it_can(maven):
    found = by_key(insights(maven))
    assert [i.key for i in found.values()] == ORDER
    for key in ("hero_pattern", "coach_dial", "confidence_gap", "dependency", "gaps", "follow_through", "movers"):
        assert_not_measured(found[key])
    assert "quota export" in found["hero_pattern"].missing
    assert "survey" in found["confidence_gap"].missing
    assert "coaching log" in found["coach_dial"].missing
    assert "development-actions" in found["follow_through"].missing
    assert found["confidence_gap"].context.startswith("External research")
    # what the deals do show is measured, with the computed numbers
    p = distribution.pareto(maven, Filters(), "rep")
    assert found["pareto"].measured and f"{p.top_share:.0%}" in found["pareto"].title
    assert found["needle"].measured and "association" in found["needle"].basis


def test_a_workspace_with_only_deals_fabricates_nothing():
    deals = [{"owner": f"Rep {i}", "stage": "Closed Won", "is_closed": True, "is_won": True, "amount": 1000.0 * i,
              "close_date": "2025-06-15", "created_date": "2025-03-01"} for i in range(1, 6)]
    ws = workspace_with(opportunities=deals)
    found = by_key(insights(ws))
    for key in ORDER:
        if key != "pareto":
            assert_not_measured(found[key])
    assert "people export" in found["hero_pattern"].missing
    assert found["pareto"].measured and "1 of 5 reps" in found["pareto"].detail


def test_an_empty_workspace_measures_nothing():
    for i in insights(Workspace()):
        assert_not_measured(i)


def test_filters_that_leave_no_one_say_so_instead_of_asking_for_a_roster(demo_ws):
    found = insights(demo_ws, Filters(managers=("Nobody at all",)))
    for i in found:
        assert_not_measured(i)
    assert "filters" in by_key(found)["hero_pattern"].missing and "filters" in by_key(found)["gaps"].missing


def test_charts_are_drawn_only_when_read(demo_ws, demo_diag):
    """Presenter mode shows one finding at a time: each chart is drawn when first read, once."""
    import altair as alt

    found = insights(demo_ws, diag=demo_diag)
    pending = [i for i in found if i.__dict__["_chart"] is not None]
    assert len(pending) == len(found)
    assert not any(isinstance(i.__dict__["_chart"], alt.TopLevelMixin) for i in pending)  # none drawn yet
    first = found[0].chart
    assert isinstance(first, alt.TopLevelMixin) and found[0].chart is first  # drawn once, then held
    assert not isinstance(found[1].__dict__["_chart"], alt.TopLevelMixin)  # the others still wait
    found[1].chart = None
    assert found[1].chart is None


def test_one_manager_below_plan_gets_every_finding(demo_ws):
    """A manager filter whose one manager is below plan once raised KeyError('development_index')."""
    mgr = demo_ws.scalar("SELECT manager_name FROM v_roster WHERE manager_name IS NOT NULL ORDER BY 1 LIMIT 1")
    diag = diagnosis(demo_ws, Filters(managers=(mgr,)))
    assert len(diag) == 1 and not (diag["attainment"] >= 1.0).any()  # the case: nobody at plan
    found = by_key(insights(demo_ws, Filters(managers=(mgr,))))
    hero = found["hero_pattern"]
    assert hero.measured and "none combines" in hero.title and mgr not in hero.title
