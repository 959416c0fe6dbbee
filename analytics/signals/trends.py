"""How a trend is put into words, so the word agrees with the curve drawn beside it.

A verdict such as "flat" is a statistical judgement (the slope is under a bar, or its 95%
interval holds 0). A curve drawn from 82% to 93% over eight quarters is not what a reader calls
flat: when the fitted change over the span drawn is at least :data:`VISIBLE_CHANGE` but the
verdict is "flat", the words say which way the curve moves and that the data cannot yet tell it
from noise, with the evidence it rests on. The verdict itself (used by the dials and the hero
pattern) is unchanged.
"""

from __future__ import annotations

import math

from analytics.fmt import fmt_count, fmt_slope

#: a fitted change over the span drawn (on a 0–100 scale) a reader sees as a rise or a fall
VISIBLE_CHANGE = 5.0


def trend_words(verdict: str, slope_points: float | None, steps: int, *, up: str = "rising", down: str = "falling",
                flat: str = "flat", short: bool = False) -> str:
    """The trend as a reader of the chart should read it.

    ``verdict`` is the judgement ("flat", or the word for up / down, or "not measured");
    ``slope_points`` the fitted slope on a 0–100 scale per step; ``steps`` the number of points
    drawn (quarters, cycles). A "flat" verdict under a curve whose fitted change over the span
    drawn, slope × (steps − 1), is at least :data:`VISIBLE_CHANGE` points reads "rising, not yet
    distinguishable from noise" ("rising within noise" when ``short``).

    >>> trend_words("flat", 1.5, 8, up="growing", down="shrinking")
    'growing, not yet distinguishable from noise'
    >>> trend_words("flat", 0.3, 8), trend_words("flat", -1.0, 8, short=True), trend_words("growing", 3.0, 8)
    ('flat', 'falling within noise', 'growing')
    """
    if verdict != flat or slope_points is None or math.isnan(slope_points) or steps < 2:
        return verdict
    change = slope_points * (steps - 1)
    if abs(change) < VISIBLE_CHANGE:
        return verdict
    word = up if change > 0 else down
    return f"{word} within noise" if short else f"{word}, not yet distinguishable from noise"


def trend_basis(slope_points: float | None, low_points: float | None, high_points: float | None, step: str,
                n: int, noun: str, steps: int) -> str:
    """The evidence under a trend word: the slope in points per step, its 95% interval where
    there is one, and what it rests on.

    >>> trend_basis(1.0, -1.7, 3.7, "quarter", 130, "complex closed deal", 8)
    '+1.0 points per quarter, 95% interval −1.7 to +3.7; n = 130 complex closed deals over 8 quarters'
    """
    parts = [fmt_slope(slope_points, step) or "slope not measured"]
    if low_points is not None and high_points is not None and not (math.isnan(low_points) or math.isnan(high_points)):
        low, high = (fmt_slope(v, step) or "" for v in (low_points, high_points))
        parts[0] += f", 95% interval {low.split(' ')[0]} to {high.split(' ')[0]}"
    return f"{parts[0]}; n = {fmt_count(n, noun)} over {fmt_count(steps, step)}"
