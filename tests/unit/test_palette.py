"""One palette for the findings (issue 20, item 8): every finding's chart draws only the named colours of
analytics.outputs.charts, each label keeps one colour on every slide, the hero colour means the hero
pattern wherever it appears and nothing else, and on a slide no word in a chart is under 16 px.

Read from the Vega-Lite specs the findings hand to Presenter mode and the report (the demo, where every
finding is measured; and a generated workspace in another shape)."""

from __future__ import annotations

import pytest

from analytics.diagnosis.dials import diagnosis
from analytics.outputs import charts
from analytics.outputs.findings import SLIDE_TEXT_PX, insights, projector

COLOUR_KEYS = {"color", "fill", "stroke"}
SIZE_KEYS = {"fontSize", "labelFontSize", "titleFontSize"}


@pytest.fixture(scope="module")
def specs(demo_ws) -> dict[str, dict]:
    found = insights(demo_ws, diag=diagnosis(demo_ws))
    return {i.key: i.chart.to_dict() for i in found if i.chart is not None}


def walk(node, path=()):
    """Every (path, key, value) of a nested spec."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield path, k, v
            yield from walk(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, (*path, i))


def hexes(spec: dict) -> set[str]:
    """Every colour a spec names: a mark's colour, fill or stroke, a fixed value, a scale's range."""
    out = set()
    for path, key, value in walk(spec):
        if key in COLOUR_KEYS | {"value"} and isinstance(value, str) and value.startswith("#"):
            out.add(value.lower())
        if key == "range" and isinstance(value, list) and path and path[-1] == "scale":
            out |= {v.lower() for v in value if isinstance(v, str) and v.startswith("#")}
    return out


def scales(spec: dict) -> list[tuple[list, list]]:
    """Every colour scale written out as (domain, range)."""
    out = []
    for _, key, value in walk(spec):
        if key == "color" and isinstance(value, dict) and isinstance(value.get("scale"), dict):
            scale = value["scale"]
            out.append((list(scale.get("domain", [])), list(scale.get("range", []))))
    return out


def test_the_palette_is_named_once_and_its_colours_differ():
    assert set(charts.PALETTE) >= {"hero", "develops", "neutral", "not_measured"}
    assert len(set(charts.PALETTE.values())) == len(charts.PALETTE)
    assert charts.PALETTE["hero"] == charts.HERO


def test_every_finding_chart_draws_only_the_palette(specs):
    palette = {c.lower() for c in charts.PALETTE.values()}
    assert len(specs) == 9
    for key, spec in specs.items():
        assert hexes(spec) <= palette, (key, hexes(spec) - palette)
        assert not [v for _, k, v in walk(spec) if k == "scheme"], key  # no scheme of Vega's own
        for _, k, v in walk(spec):  # a colour by category says which colour each category gets
            if k == "color" and isinstance(v, dict) and "field" in v and v.get("type") == "nominal":
                assert isinstance(v.get("scale"), dict) and v["scale"].get("range"), (key, v["field"])


def test_the_hero_colour_means_the_hero_pattern_on_every_slide_it_is_on(specs):
    hero = charts.HERO.lower()
    on = set()
    for key, spec in specs.items():
        for domain, colours in scales(spec):
            assert domain or hero not in [c.lower() for c in colours], (key, "the hero colour for an unnamed category")
            for label, colour in zip(domain, colours, strict=False):
                if colour.lower() == hero:
                    assert str(label).startswith("Hero pattern"), (key, label)
                    on.add(key)
        fixed = [v for p, k, v in walk(spec) if k in COLOUR_KEYS | {"value"} and isinstance(v, str)
                 and v.lower() == hero and "scale" not in p]
        assert not fixed, (key, "the hero colour drawn without saying it is the hero pattern")
    assert on == {"hero_pattern", "dependency"}


def test_a_label_keeps_its_colour_across_slides(specs):
    seen: dict[str, tuple[str, str]] = {}
    for key, spec in specs.items():
        for domain, colours in scales(spec):
            for label, colour in zip(domain, colours, strict=False):
                name = str(label).split(" (")[0]  # "Hero pattern (3)" is "Hero pattern"
                if name in seen:
                    assert seen[name][0] == colour.lower(), (name, key, seen[name][1])
                seen[name] = (colour.lower(), key)
    assert seen["Hero pattern"][0] == charts.HERO.lower()


def test_on_a_slide_every_word_in_every_finding_chart_is_at_least_16_px(demo_ws):
    for i in insights(demo_ws, diag=diagnosis(demo_ws)):
        big = projector(i.chart).to_dict()
        small = [(p, k, v) for p, k, v in walk(big) if k in SIZE_KEYS and isinstance(v, (int, float))
                 and v < SLIDE_TEXT_PX]
        assert not small, (i.key, small)
        assert big["config"]["text"]["fontSize"] >= SLIDE_TEXT_PX
        assert i.chart.to_dict() != big  # the chart itself is left for the report
