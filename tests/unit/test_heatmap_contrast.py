"""Heat maps: every cell's digits readable (WCAG contrast ≥ 4.5 against the cell), and colours
that mean good or bad per signal (issue 20, item 4). Before: black digits on dark cells below the
0.6 threshold and a red-blue map where red meant "above average" even for signals where high is good."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.outputs import charts


def cells(chart) -> pd.DataFrame:
    spec = chart.to_dict()
    rows = [r for data in spec["datasets"].values() for r in data]
    layers = spec["layer"]
    assert layers[0]["encoding"]["color"] == {"field": "fill", "scale": None, "type": "nominal"}
    assert layers[1]["encoding"]["color"] == {"field": "ink", "scale": None, "type": "nominal"}
    return pd.DataFrame(rows)


def red_minus_blue(colour: str) -> int:
    return int(colour[1:3], 16) - int(colour[5:7], 16)


@pytest.mark.parametrize("higher_is_better", [True, False])
def test_every_heatmap_cell_is_readable(higher_is_better):
    values = np.r_[np.linspace(0, 1, 101), np.nan, -0.2, 1.3]
    frame = pd.DataFrame({"manager": [f"M{i:03d}" for i in range(len(values))], "a": values, "b": values[::-1]})
    df = cells(charts.signal_heatmap(frame, {"a": "A share", "b": "B share"}, "share",
                                     higher_is_better=higher_is_better))
    assert len(df) == 2 * len(values)
    ratios = [charts.contrast_ratio(f, i) for f, i in zip(df["fill"], df["ink"], strict=True)]
    assert min(ratios) >= 4.5, df.iloc[int(np.argmin(ratios))].to_dict()
    assert (df.loc[df["value"].isna(), "text"] == "n/m").all()


def test_darker_means_better_whichever_way_the_signal_runs():
    frame = pd.DataFrame({"manager": ["low", "high"], "x": [0.1, 0.9]})
    good = cells(charts.signal_heatmap(frame, {"x": "X"}, "x")).set_index("manager")["fill"]
    bad = cells(charts.signal_heatmap(frame, {"x": "X"}, "x", higher_is_better=False)).set_index("manager")["fill"]
    lum = charts.relative_luminance
    assert lum(good["high"]) < lum(good["low"])  # high is good: the high cell is darker
    assert lum(bad["high"]) > lum(bad["low"])    # high is bad: the low cell is darker


def test_cluster_profile_colours_mean_better_or_worse_per_signal():
    centers = pd.DataFrame({"independence": [1.5, -1.5], "involvement_won_complex": [1.5, -1.5],
                            "attainment": [np.nan, -0.01]})
    chart = charts.cluster_profile_chart(centers, {0: "heroes", 1: "developers"},
                                         {"independence": "independence", "involvement_won_complex": "involvement"},
                                         high_is_bad={"involvement_won_complex"})
    df = cells(chart).set_index(["cluster", "key"])
    assert red_minus_blue(df.loc[("1. heroes", "independence"), "fill"]) < 0            # above average, good: blue
    assert red_minus_blue(df.loc[("1. heroes", "involvement_won_complex"), "fill"]) > 0  # above average, bad: red
    assert red_minus_blue(df.loc[("2. developers", "involvement_won_complex"), "fill"]) < 0
    assert df.loc[("1. heroes", "involvement_won_complex"), "reading"] == "worse than average"
    assert df.loc[("1. heroes", "attainment"), "text"] == "n/m"
    assert df.loc[("2. developers", "attainment"), "text"] == "0"  # never "−0.0"
    ratios = [charts.contrast_ratio(f, i) for f, i in zip(df["fill"], df["ink"], strict=True)]
    assert min(ratios) >= 4.5


def test_the_worst_fill_still_has_a_readable_ink():
    greys = [f"#{v:02x}{v:02x}{v:02x}" for v in range(256)]
    assert min(charts.contrast_ratio(g, charts.ink_for(g)) for g in greys) >= 4.5
