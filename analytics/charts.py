"""Altair chart builders: DataFrames in, ``alt.Chart`` out; no I/O, no widgets."""

from __future__ import annotations

import altair as alt
import pandas as pd

WON = "#2f6f4f"
QUOTA = "#c8553d"


def revenue_vs_quota(by_quarter: pd.DataFrame) -> alt.LayerChart:
    """Bars of closed-won revenue per quarter, with quota as a tick where it is known."""
    df = by_quarter.copy()
    df["quarter_label"] = df["quarter"].map(lambda t: f"{t.year}-Q{(t.month - 1) // 3 + 1}")
    base = alt.Chart(df).encode(x=alt.X("quarter_label:N", title="Quarter", sort=None,
                                        axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar(color=WON, opacity=0.9).encode(
        y=alt.Y("won_revenue:Q", title="Closed-won revenue", axis=alt.Axis(format="~s")),
        tooltip=[alt.Tooltip("quarter_label:N", title="Quarter"),
                 alt.Tooltip("won_revenue:Q", title="Closed-won", format=",.0f"),
                 alt.Tooltip("won_deals:Q", title="Won deals"),
                 alt.Tooltip("quota:Q", title="Quota", format=",.0f")],
    )
    layers = [bars]
    if df["quota"].notna().any():
        ticks = base.transform_filter("isValid(datum.quota)").mark_tick(
            color=QUOTA, thickness=3, size=40).encode(y="quota:Q")
        layers.append(ticks)
    return alt.layer(*layers).properties(height=280, title=alt.TitleParams(
        "Closed-won revenue per quarter" + (" (red tick: quota)" if len(layers) > 1 else ""),
        anchor="start", fontSize=13))
