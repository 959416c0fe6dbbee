"""The Managers scatter (attainment against the development index) names its points without
collisions (issue 20, item 2): drawn as SVG at the page's and the slide's sizes, no two names'
boxes overlap, every flagged manager is named, and the plan line has a legend entry.

A name's box is estimated from its character count × font size, as a reader's eye would read it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc

from analytics.diagnosis.dials import diagnosis
from analytics.outputs import charts

#: sizes to draw at, as Streamlit draws the chart (fitted, axes and legends inside): the page at
#: 1024, 1280 and 1440 px (564, 820, 980 px wide, measured in Chromium) and the Presenter slide
#: (760 × 400); and once as the chart is, unfitted (as a report's SVG)
SIZES = ((564, charts.SCATTER_HEIGHT, "fit"), (820, charts.SCATTER_HEIGHT, "fit"),
         (980, charts.SCATTER_HEIGHT, "fit"), (760, 400, "fit"), (760, charts.SCATTER_HEIGHT, "pad"))
CHAR_EM = 0.6  # average character width of a sans-serif name, in font sizes
SVG = "{http://www.w3.org/2000/svg}"


def _svg(chart, size=(760, charts.SCATTER_HEIGHT, "pad")) -> ET.Element:
    width, height, autosize = size
    spec = chart.properties(width=width, height=height).to_dict()
    spec["autosize"] = {"type": autosize, "contains": "padding"}
    return ET.fromstring(vlc.vegalite_to_svg(spec))


def _texts(root: ET.Element, role: str) -> list[ET.Element]:
    return [t for g in root.iter(f"{SVG}g") if role in (g.get("class") or "").split()
            and "mark-text" in (g.get("class") or "") for t in g.iter(f"{SVG}text")]


def name_boxes(chart, size=SIZES[-1]) -> list[tuple[str, float, float, float, float]]:
    """(text, left, top, right, bottom) of every name written beside a point, in pixels."""
    boxes = []
    for t in _texts(_svg(chart, size), "role-mark"):
        text = t.text or ""
        fs = float(t.get("font-size", "11px").rstrip("px"))
        x, y = map(float, re.match(r"translate\(([-\d.e]+),([-\d.e]+)\)", t.get("transform")).groups())
        w = min(len(text) * CHAR_EM * fs, charts.TEXT_LIMIT)
        left = {"start": x, "middle": x - w / 2, "end": x - w}[t.get("text-anchor", "start")]
        boxes.append((text, left, y - 0.8 * fs, left + w, y + 0.2 * fs))  # y is the baseline
    return boxes


def overlaps(boxes) -> list[tuple[str, str]]:
    out = []
    for i, (a, l1, t1, r1, b1) in enumerate(boxes):
        for b, l2, t2, r2, b2 in boxes[i + 1:]:
            if min(r1, r2) - max(l1, l2) > 0.5 and min(b1, b2) - max(t1, t2) > 0.5:
                out.append((a, b))
    return out


def assert_readable(diag: pd.DataFrame, plan: float = 1.0) -> None:
    chart = charts.same_quota_chart(diag, plan)
    flagged = set(diag.loc[diag["hero"] == True, "manager"])  # noqa: E712 - None means cannot tell
    for size in SIZES:
        boxes = name_boxes(chart, size)
        assert boxes, size
        assert not overlaps(boxes), (size, overlaps(boxes))
        named = {text for text, *_ in boxes}
        missing = [m for m in flagged if not any(n == m or (n.endswith("…") and m.startswith(n[:-1]))
                                                 for n in named)]
        assert not missing, (size, missing)


def org(n: int, flagged: int, seed: int, at: tuple[float, float] | None = None, long_names: bool = False):
    """A generated diagnosis: ``n`` managers, the first ``flagged`` of them heroes; with ``at``,
    every one of them within a hair of that (attainment, development index) point."""
    rng = np.random.default_rng(seed)
    if at is None:
        att, dev = rng.uniform(0.7, 1.3, n), rng.uniform(0, 100, n)
    else:
        att, dev = at[0] + rng.normal(0, 0.002, n), np.clip(at[1] + rng.normal(0, 0.6, n), 0, 100)
    stem = "Alexandra Montgomery-Fitzwilliam" if long_names else "Manager"
    return pd.DataFrame({
        "manager": [f"{stem} {i:02d}" for i in range(n)], "team": [f"Team {i}" for i in range(n)],
        "reps": rng.integers(3, 16, n), "attainment": att, "development_index": dev,
        "hero": [True] * flagged + [rng.choice([False, None]) for _ in range(n - flagged)],
    })


def test_the_demo_names_its_heroes_without_a_collision(demo_workspace):
    diag = diagnosis(demo_workspace)
    assert (diag["hero"] == True).sum() == 3  # noqa: E712
    assert_readable(diag)


@pytest.mark.parametrize("case", [
    dict(n=40, flagged=8, seed=1, at=(1.02, 8.0)),                      # many managers on one spot
    dict(n=25, flagged=25, seed=2, at=(1.05, 5.0)),                     # every one of them flagged
    dict(n=30, flagged=6, seed=3, at=(0.98, 50.0), long_names=True),    # long names near the plan line
    dict(n=200, flagged=12, seed=4),                                    # a large org, spread out
])
def test_a_crowded_org_names_every_flagged_manager_without_a_collision(case):
    assert_readable(org(**case))


def test_only_the_flagged_and_the_top_few_are_named():
    diag = org(60, 2, seed=5)
    boxes = name_boxes(charts.same_quota_chart(diag))
    assert 2 <= len(boxes) <= 2 + charts.TOP_NAMED


def test_the_plan_line_has_a_legend_entry():
    diag = org(10, 1, seed=6)
    for plan, shown in ((1.0, "100%"), (0.9, "90%")):
        legend = [t.text or "" for t in _texts(_svg(charts.same_quota_chart(diag, plan)), "role-legend-label")]
        assert any("plan" in t.lower() and shown in t for t in legend), legend
