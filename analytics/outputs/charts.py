"""Altair chart builders: DataFrames in, ``alt.Chart`` out; no I/O, no widgets."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from analytics.fmt import quarter_label, signed

# ------------------------------------------------------------------------------ one palette
# Every finding's chart (Presenter mode, the report) draws from these, and a colour means the same
# thing on every slide: tests/unit/test_palette.py reads each finding's spec for it.
#: carries the number: the hero pattern, and nothing else
HERO = "#c8553d"
#: develops the team: coaching, capability rising, gaps being developed, dependency shrinking
DEVELOPS = "#2f6f4f"
#: needs attention without being the hero pattern: gaps not worked, dependency growing
ATTENTION = "#e0a458"
#: the other side of a comparison, judging no one: a manager's own rating, the Lead dial, a fit gap
COMPARE = "#3c6e91"
#: neither: not flagged, flat, the Manage dial, a reference line (plan, an even spread)
NEUTRAL = "#8a8f8c"
#: not measured or too little evidence to place; an interval around an estimate
NOT_MEASURED = "#c9cfcc"
#: words beside the marks, and a series that judges no one (ρ, reps agreeing, revenue shares)
INK = "#33403a"
PALETTE = {"hero": HERO, "develops": DEVELOPS, "attention": ATTENTION, "compare": COMPARE,
           "neutral": NEUTRAL, "not_measured": NOT_MEASURED, "ink": INK}

#: the results pages' own colours (closed-won revenue, the quota tick), not a finding's
WON = "#2f6f4f"
QUOTA = "#c8553d"
IN_PROGRESS = "#8a8f8c"
#: the widest a name written beside a mark may be, in pixels (Vega ends it with "…"): a
#: 10,000-character name would otherwise push the plot off the chart
TEXT_LIMIT = 180


def revenue_vs_quota(by_quarter: pd.DataFrame) -> alt.LayerChart:
    """Bars of closed-won revenue per quarter, with quota as a tick where it is known."""
    df = by_quarter.copy()
    df["quarter_label"] = df["quarter"].map(quarter_label)
    base = alt.Chart(df).encode(x=alt.X("quarter_label:N", title="Quarter", sort=None,
                                        axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar(color=WON, opacity=0.9).encode(
        y=alt.Y("won_revenue:Q", title="Closed-won revenue", axis=alt.Axis(format="~s")),
        tooltip=[alt.Tooltip("quarter_label:N", title="Quarter"),
                 alt.Tooltip("won_revenue:Q", title="Closed-won", format=",.0f"),
                 alt.Tooltip("won_deals:Q", title="Won deals"),
                 alt.Tooltip("quota:Q", title="Quota", format=",.0f")],
    )
    layers, keys = [bars], []
    if df["quota"].notna().any():
        ticks = base.transform_filter("isValid(datum.quota)").mark_tick(
            color=QUOTA, thickness=3, size=40).encode(y="quota:Q")
        layers.append(ticks)
        keys.append("red tick: quota")
    if "quota_in_progress" in df and df["quota_in_progress"].notna().any():
        # a period not yet ended: its quota drawn apart (hollow grey), never read as missed
        apart = base.transform_filter("isValid(datum.quota_in_progress)").mark_tick(
            color=IN_PROGRESS, thickness=2, size=40, strokeDash=[4, 3], opacity=0.8).encode(
            y="quota_in_progress:Q",
            tooltip=[alt.Tooltip("quarter_label:N", title="Quarter"),
                     alt.Tooltip("quota_in_progress:Q", title="Quota of a period not yet ended", format=",.0f")])
        layers.append(apart)
        keys.append("grey tick: quota of a period not yet ended, not counted")
    return alt.layer(*layers).properties(height=280, title=alt.TitleParams(
        "Closed-won revenue per quarter" + (f" ({'; '.join(keys)})" if keys else ""),
        anchor="start", fontSize=13))


HERO_COLOURS = alt.Scale(domain=["Hero pattern", "Not flagged", "Cannot tell"], range=[HERO, NEUTRAL, NOT_MEASURED])


#: how many managers besides the flagged ones are named on the scatter: the top by development index
TOP_NAMED = 3
#: plot areas (width, height in px) a name is placed for: it must clear every other name at each. The
#: page draws the chart 500 px tall and the Presenter slide 760 × 400, both fitted by Streamlit with
#: their axes and legends inside (a plot ~170 px shorter, ~65 px narrower): a page at 1024, 1280 and
#: 1440 px, the slide, and the chart drawn as it is, without fitting
SCATTER_HEIGHT = 500
LABEL_SIZES = ((500, 330), (755, 330), (915, 330), (695, 230), (760, 500))
LABEL_FONT = 11
_SIZE_RANGE = (80, 600)  # the points' areas in px², smallest to largest team


def same_quota_chart(diag: pd.DataFrame, plan: float = 1.0) -> alt.LayerChart:
    """Attainment against the development index, one mark per manager sized by team size.

    Only the flagged managers and the :data:`TOP_NAMED` highest on the development index are named
    beside their points, placed by :func:`place_labels` so that no two names collide; every point
    names its manager in its tooltip. The dashed line at ``plan`` has its own legend entry."""
    df = diag[["manager", "team", "reps", "attainment", "development_index", "hero"]].dropna(
        subset=["attainment", "development_index"]).reset_index(drop=True)
    df["flag"] = df["hero"].map({True: "Hero pattern", False: "Not flagged"}).fillna("Cannot tell")
    lo, hi = min(df["attainment"].min(), plan), max(df["attainment"].max(), plan)
    pad = max(0.01, (hi - lo) * 0.04)
    x_domain = [lo - pad, hi + pad]
    named = _named(df)
    if len(named):  # room for the rightmost name on its point's right, on the narrowest plot
        r = named["attainment"].max()
        f = min(0.5, (_name_width(named.loc[named["attainment"].idxmax(), "manager"]) + 18)
                / min(w for w, _ in LABEL_SIZES))
        x_domain[1] = max(x_domain[1], (r - f * x_domain[0]) / (1 - f))
    labels = place_labels(df, x_domain, lines=(plan,))
    base = alt.Chart(df)
    x = alt.X("attainment:Q", title="Attainment (closed-won ÷ quota)", axis=alt.Axis(format="%", tickMinStep=0.01),
              scale=alt.Scale(domain=x_domain, nice=False, zero=False))
    y = alt.Y("development_index:Q", title="Development index (0–100)", scale=alt.Scale(domain=[0, 100]))
    points = base.mark_circle(opacity=0.85, stroke="white", strokeWidth=1).encode(
        x=x, y=y,
        size=alt.Size("reps:Q", title="Reps in team", scale=alt.Scale(range=list(_SIZE_RANGE)),
                      legend=alt.Legend(orient="right", values=[5, 10, 15])),
        color=alt.Color("flag:N", title=None, scale=HERO_COLOURS, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("manager:N", title="Manager"), alt.Tooltip("team:N", title="Team"),
                 alt.Tooltip("attainment:Q", title="Attainment", format=".0%"),
                 alt.Tooltip("development_index:Q", title="Development index", format=".0f"),
                 alt.Tooltip("reps:Q", title="Reps"), alt.Tooltip("flag:N", title="Hero pattern")],
    )
    names = alt.Chart(labels).mark_text(
        dx=alt.expr("datum.dx"), dy=alt.expr("datum.dy"), align=alt.expr("datum.align"), baseline="middle",
        fontSize=LABEL_FONT, color=INK, limit=TEXT_LIMIT).encode(
        x=alt.X("attainment:Q", scale=alt.Scale(domain=x_domain, nice=False, zero=False)),
        y="development_index:Q", text="manager:N")
    what = f"At plan ({plan:.0%} of quota)"
    rule = alt.Chart(pd.DataFrame({"plan": [plan], "what": [what]})).mark_rule(color=NEUTRAL).encode(
        x="plan:Q", strokeDash=alt.StrokeDash("what:N", title=None, scale=alt.Scale(domain=[what], range=[[4, 4]]),
                                              legend=alt.Legend(orient="bottom", symbolType="stroke")))
    return alt.layer(rule, points, names).properties(height=SCATTER_HEIGHT)


def place_labels(points: pd.DataFrame, x_domain: list[float], sizes=LABEL_SIZES,
                 top: int = TOP_NAMED, font: int = LABEL_FONT, lines: tuple[float, ...] = ()) -> pd.DataFrame:
    """Where to write the names on the scatter: the flagged managers (``hero`` True) and the
    ``top`` highest on the development index, each at the first of a fixed list of spots around its
    point (right, left, above, below, the four corners, then further out a line at a time, then a
    second column) whose box, estimated from the name's length × ``font``, clears every name already
    placed and every point, inside the plot, at each of ``sizes``; a name not flagged also keeps off
    the vertical lines at an x of ``lines`` (the plan), a flagged one keeps close to its point. A
    name that fits nowhere is left to its tooltip; a flagged one is then placed clear of the other
    names even if it covers a point.

    Greedy and deterministic (the flagged first, lowest development index first); a few dozen
    names at most, so the loop is over names, never over rows of the data.

    Returns the rows of ``points`` named, with ``dx``, ``dy`` (pixels from the point) and ``align``.

    >>> pts = pd.DataFrame({"manager": ["Ann", "Bo"], "reps": [5, 5], "attainment": [1.0, 1.0],
    ...                     "development_index": [10.0, 10.0], "hero": [True, True]})
    >>> spots = place_labels(pts, [0.9, 1.1])
    >>> list(spots["manager"]), len(set(zip(spots["dx"], spots["dy"])))
    (['Ann', 'Bo'], 2)
    """
    cols = ["manager", "attainment", "development_index", "dx", "dy", "align"]
    if points.empty:
        return pd.DataFrame(columns=cols)
    wanted = _named(points, top)
    span = max(1e-9, x_domain[1] - x_domain[0])
    reps = points["reps"].astype(float).fillna(0)
    area = _SIZE_RANGE[0] + (_SIZE_RANGE[1] - _SIZE_RANGE[0]) * reps / max(1.0, float(reps.max()))
    radius = np.sqrt(area / np.pi).to_numpy()
    fx = ((points["attainment"] - x_domain[0]) / span).to_numpy()
    fy = (1 - points["development_index"] / 100).to_numpy()
    line_x = [(v - x_domain[0]) / span for v in lines]
    line = font + 3
    placed: list[list[tuple[float, float, float, float]]] = [[] for _ in sizes]
    rows = []
    for idx, r in wanted.iterrows():
        i = points.index.get_loc(idx)
        w = _name_width(r["manager"], font)
        hero = bool(r["hero"] == True)  # noqa: E712 - None means cannot tell
        gap = radius[i] + 4
        up = radius[i] + line / 2 + 1
        spots = [(gap, 0, "left"), (-gap, 0, "right"), (0, -up, "center"), (0, up, "center"),
                 (radius[i], -up, "right"), (-radius[i], -up, "left"), (radius[i], up, "right"),
                 (-radius[i], up, "left")]
        for k in range(1, 40):  # further out, a line at a time: beside the point, then over its corners
            for side in (1, -1):
                spots += [(side * gap, -k * line, "left" if side > 0 else "right"),
                          (side * gap, k * line, "left" if side > 0 else "right")]
            spots += [(radius[i], -up - k * line, "right"), (-radius[i], -up - k * line, "left"),
                      (radius[i], up + k * line, "right"), (-radius[i], up + k * line, "left")]
        for k in range(0, 40):  # a second column on either side, for a crowd on one spot
            for side in (1, -1):
                spots += [(side * (gap + w + 6), -k * line, "left" if side > 0 else "right"),
                          (side * (gap + w + 6), k * line, "left" if side > 0 else "right")]
        choice = None
        for strict in (True, False):
            for dx, dy, align in spots:
                boxes = []
                for (width, height), done in zip(sizes, placed, strict=True):
                    px, py = fx[i] * width + dx, fy[i] * height + dy
                    left = px if align == "left" else px - w if align == "right" else px - w / 2
                    box = (left, py - line / 2, left + w, py + line / 2)
                    if box[0] < 0 or box[2] > width or box[1] < 0 or box[3] > height:
                        break
                    if any(_overlap(box, b) for b in done):
                        break
                    if strict and _covers_a_point(box, fx * width, fy * height, radius, i):
                        break
                    if not hero and any(box[0] - 2 < lx * width < box[2] + 2 for lx in line_x):
                        break
                    boxes.append(box)
                else:
                    choice = (dx, dy, align, boxes)
                    break
            if choice is not None or not hero:
                break
        if choice is None:
            continue
        dx, dy, align, boxes = choice
        for done, box in zip(placed, boxes, strict=True):
            done.append(box)
        rows.append({"manager": r["manager"], "attainment": r["attainment"],
                     "development_index": r["development_index"], "dx": round(dx, 1), "dy": round(dy, 1),
                     "align": align})
    return pd.DataFrame(rows, columns=cols)


def _named(points: pd.DataFrame, top: int = TOP_NAMED) -> pd.DataFrame:
    """The managers named on the scatter, in the order they are placed: the flagged (lowest
    development index first), then the ``top`` highest on the development index."""
    flagged = points[points["hero"] == True].sort_values(["development_index", "manager"])  # noqa: E712
    rest = points.drop(flagged.index).sort_values(["development_index", "manager"], ascending=[False, True])
    return pd.concat([flagged, rest.head(top)])


def _name_width(name, font: int = LABEL_FONT) -> float:
    """A name's width in px, from its length (a generous average character), at most :data:`TEXT_LIMIT`."""
    return min(len(str(name)) * font * 0.62, TEXT_LIMIT) + 4


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _covers_a_point(box, xs: np.ndarray, ys: np.ndarray, radius: np.ndarray, own: int) -> bool:
    """Whether a name's box covers any point but its own (a point as its bounding square)."""
    hit = (xs + radius > box[0]) & (xs - radius < box[2]) & (ys + radius > box[1]) & (ys - radius < box[3])
    hit[own] = False
    return bool(hit.any())


#: the sequential ramp of a heat map where the darker cell is the better one (d3's Greens)
GOOD_RAMP = ("#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#006d2c", "#00441b")
#: the diverging ramp from bad (red) through average (near white) to good (blue) (d3's RdBu)
BAD_GOOD_RAMP = ("#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac")
#: a cell without a value ("n/m")
EMPTY_CELL = "#eef1ef"
#: the two inks a number in a cell is written with; :func:`ink_for` picks the one with more contrast
LIGHT_INK, DARK_INK = "#ffffff", "#000000"


def ramp_colour(stops: tuple[str, ...], t) -> np.ndarray:
    """Colours (hex) at positions ``t`` (0..1, clipped; NaN gives :data:`EMPTY_CELL`) along ``stops``,
    interpolated linearly in RGB; vectorised.

    >>> ramp_colour(("#000000", "#ffffff"), [0, 0.5, 1, float("nan")]).tolist()
    ['#000000', '#808080', '#ffffff', '#eef1ef']
    """
    t = np.asarray(t, dtype=float)
    rgb = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in stops], dtype=float)
    pos = np.clip(np.nan_to_num(t, nan=0.0), 0, 1) * (len(stops) - 1)
    lo = np.minimum(np.floor(pos).astype(int), len(stops) - 2)
    frac = (pos - lo)[:, None] if t.ndim else pos - lo
    mix = np.rint(rgb[lo] + (rgb[lo + 1] - rgb[lo]) * frac).astype(int)
    out = np.array([f"#{r:02x}{g:02x}{b:02x}" for r, g, b in np.atleast_2d(mix)], dtype=object)
    out[np.atleast_1d(np.isnan(t))] = EMPTY_CELL
    return out


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a hex colour (0 black .. 1 white)."""
    c = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2])


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two hex colours (1..21; text needs 4.5).

    >>> round(contrast_ratio("#000000", "#ffffff"), 1), contrast_ratio("#777777", "#777777")
    (21.0, 1.0)
    """
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink_for(fill: str) -> str:
    """The ink (white or black) a number is written with on ``fill``: whichever contrasts more, so
    every cell's digits reach at least 4.5:1 (the worst fill still gives 4.58 with one of them).

    >>> ink_for("#00441b"), ink_for("#f7fcf5"), ink_for("#b2182b")
    ('#ffffff', '#000000', '#ffffff')
    """
    return LIGHT_INK if contrast_ratio(fill, LIGHT_INK) >= contrast_ratio(fill, DARK_INK) else DARK_INK


def _painted(long: pd.DataFrame, stops: tuple[str, ...], t) -> pd.DataFrame:
    fills = ramp_colour(stops, t)
    inks = {f: ink_for(f) for f in set(fills)}
    return long.assign(fill=fills, ink=[inks[f] for f in fills])


def signal_heatmap(frame: pd.DataFrame, columns: dict[str, str], title: str, fmt: str = ".0%",
                   row: str = "manager", higher_is_better: bool = True,
                   domain: tuple[float, float] = (0.0, 1.0)) -> alt.LayerChart:
    """Rows (managers, reps) × measures as coloured cells with the value written in; n/m = not measured.

    The darker the cell, the better (``higher_is_better`` False: the lower the value, the darker),
    so dark never means "bad" on one map and "good" on the next; each number is written in white
    or black, whichever contrasts more with its cell (:func:`ink_for`).
    """
    long = frame.melt(id_vars=row, value_vars=list(columns), var_name="measure", value_name="value")
    long["measure"] = long["measure"].map(columns)
    long["text"] = long["value"].map(lambda v: "n/m" if pd.isna(v) else format(v, fmt))
    lo, hi = domain
    t = (pd.to_numeric(long["value"], errors="coerce").to_numpy(dtype=float) - lo) / max(hi - lo, 1e-12)
    long = _painted(long, GOOD_RAMP, t if higher_is_better else 1 - t)
    order = list(columns.values())
    base = alt.Chart(long).encode(
        x=alt.X("measure:N", sort=order, title=None,
                axis=alt.Axis(labelAngle=-20, labelAlign="left", labelLimit=200, labelOverlap=False, orient="top")),
        y=alt.Y(f"{row}:N", title=None, sort=alt.EncodingSortField(row), axis=alt.Axis(labelOverlap=False)),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("fill:N", scale=None),
        tooltip=[alt.Tooltip(f"{row}:N"), alt.Tooltip("measure:N"), alt.Tooltip("text:N", title=title)])
    text = base.mark_text(fontSize=11).encode(text="text:N", color=alt.Color("ink:N", scale=None))
    return alt.layer(cells, text).properties(height=max(200, 26 * frame[row].nunique()))


def confidence_chart(survey: pd.DataFrame) -> alt.LayerChart:
    """Each manager's self-rating beside the share of their reps who agree (the gap between)."""
    df = survey.dropna(subset=["self_rating", "reps_agree"])[["manager", "self_rating", "reps_agree", "confidence_gap"]]
    order = df.sort_values("confidence_gap", ascending=False)["manager"].tolist()
    long = df.melt(id_vars=["manager", "confidence_gap"], value_vars=["self_rating", "reps_agree"],
                   var_name="who", value_name="share")
    long["who"] = long["who"].map({"self_rating": "Manager's own rating", "reps_agree": "Reps who agree"})
    y = alt.Y("manager:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False))
    height = max(200, 28 * len(df))
    rule = alt.Chart(df).mark_rule(color=NOT_MEASURED, strokeWidth=3).encode(
        y=y, x=alt.X("reps_agree:Q"), x2="self_rating:Q").properties(height=height)
    dots = alt.Chart(long).mark_circle(size=140, opacity=1).encode(
        y=y, x=alt.X("share:Q", title="Share agreeing that coaching is consistent", axis=alt.Axis(format="%"),
                     scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("who:N", title=None, legend=alt.Legend(orient="bottom"), scale=alt.Scale(
            domain=["Manager's own rating", "Reps who agree"], range=[COMPARE, INK])),
        tooltip=[alt.Tooltip("manager:N"), alt.Tooltip("who:N"), alt.Tooltip("share:Q", format=".0%"),
                 alt.Tooltip("confidence_gap:Q", title="Gap", format="+.0%")]).properties(height=height)
    return alt.layer(rule, dots).properties(height=height)


def skill_time_chart(coach: pd.DataFrame, target: float = 0.5) -> alt.LayerChart:
    """Skill-development share of 1:1 minutes per manager against the 50/50 target."""
    df = coach.dropna(subset=["skill_time_share"])[["manager", "skill_time_share", "n_sessions_with_split"]]
    bars = alt.Chart(df).mark_bar(color=WON).encode(
        y=alt.Y("manager:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False)),
        x=alt.X("skill_time_share:Q", title="Share of 1:1 minutes on skill development", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("manager:N"), alt.Tooltip("skill_time_share:Q", format=".0%", title="Skill time"),
                 alt.Tooltip("n_sessions_with_split:Q", title="Sessions")])
    rule = alt.Chart(pd.DataFrame({"t": [target]})).mark_rule(color=QUOTA, strokeDash=[4, 4]).encode(x="t:Q")
    return alt.layer(bars, rule).properties(height=max(200, 24 * len(df)))


def cluster_profile_chart(centers: pd.DataFrame, names: dict[int, str], labels: dict[str, str],
                          high_is_bad: frozenset[str] | set[str] = frozenset()) -> alt.LayerChart:
    """Cluster centres in standard units: which features set each group apart.

    Colour means better or worse than average, per signal: blue better, red worse; a feature in
    ``high_is_bad`` (e.g. the manager's involvement in complex deals) is red above average. The
    number written in is the centre itself (+ above average), in white or black by the cell.
    """
    df = centers.copy()
    df["cluster"] = [f"{i + 1}. {names[i]}" for i in df.index]
    long = df.melt(id_vars="cluster", var_name="key", value_name="z")
    long["feature"] = long["key"].map(lambda f: labels.get(f, f))
    sign = np.where(long["key"].isin(list(high_is_bad)), -1.0, 1.0)
    good = (np.clip(long["z"].to_numpy(dtype=float) * sign, -2, 2) + 2) / 4
    long = _painted(long, BAD_GOOD_RAMP, good)
    long["text"] = long["z"].map(lambda z: "n/m" if pd.isna(z) else signed(z, 1))  # never "−0.0"
    long["reading"] = np.where(pd.isna(long["z"]), "not measured",
                               np.where(good >= 0.5, "better than average", "worse than average"))
    base = alt.Chart(long).encode(
        x=alt.X("feature:N", title=None, axis=alt.Axis(labelAngle=-35, labelLimit=160, labelOverlap=False)),
        y=alt.Y("cluster:N", title=None, axis=alt.Axis(labelLimit=240)))
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("fill:N", scale=None),
        tooltip=["cluster:N", "feature:N", alt.Tooltip("text:N", title="vs average (SD)"),
                 alt.Tooltip("reading:N", title="reads")])
    text = base.mark_text(fontSize=10).encode(text="text:N", color=alt.Color("ink:N", scale=None))
    return alt.layer(cells, text).properties(height=56 * len(df))


def line_over_time(frame: pd.DataFrame, x: str, y: str, colour: str | None, y_title: str,
                   y_format: str = "%", domain: tuple[float, float] | None = (0, 1)) -> alt.Chart:
    """A small trend chart (dependency curve, capability by cycle, follow-through by quarter)."""
    enc = {
        "x": alt.X(f"{x}:N", title=None, sort=None, axis=alt.Axis(labelAngle=-40, labelOverlap=False)),
        "y": alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format),
                   scale=alt.Scale(domain=list(domain)) if domain else alt.Undefined),
        "tooltip": [alt.Tooltip(f"{x}:N"), alt.Tooltip(f"{y}:Q", format=".2f")],
    }
    if colour:
        enc["color"] = alt.Color(f"{colour}:N", title=None, legend=alt.Legend(orient="bottom"))
        enc["tooltip"] = [*enc["tooltip"], alt.Tooltip(f"{colour}:N")]
    mark = (alt.MarkDef(type="line", point=alt.OverlayMarkDef(color=WON), color=WON) if not colour
            else alt.MarkDef(type="line", point=True))
    return alt.Chart(frame, mark=mark).encode(**enc).properties(height=260)


def rep_trend_chart(history: pd.DataFrame, namings: pd.DataFrame) -> alt.LayerChart:
    """One rep's normalised score per capability across cycles; triangles mark the cycles in
    which a capability was named as a gap (coaching focus or development action)."""
    order = history.sort_values("cycle_index")["cycle"].drop_duplicates().tolist()
    history = history.assign(points=100 * history["score_norm"])  # the 0–100 scale the pages read
    x = alt.X("cycle:N", sort=order, title=None, axis=alt.Axis(labelAngle=0))
    colour = alt.Color("capability:N", title=None, legend=alt.Legend(orient="bottom", columns=3))
    lines = alt.Chart(history).mark_line(point=True).encode(
        x=x, y=alt.Y("points:Q", title="Score (0 = scale min, 100 = max)", scale=alt.Scale(domain=[0, 100])),
        color=colour, tooltip=["capability:N", "cycle:N", alt.Tooltip("score:Q", title="score"),
                               alt.Tooltip("points:Q", format=".0f", title="on 0–100")])
    layers = [lines]
    if not namings.empty:
        marks = namings.merge(history[["capability", "cycle", "points"]], on=["capability", "cycle"], how="inner")
        layers.append(alt.Chart(marks).mark_point(shape="triangle-up", size=160, filled=True, opacity=0.9).encode(
            x=x, y="points:Q", color=colour,
            tooltip=["capability:N", "cycle:N", alt.Tooltip("namings:Q", title="times named in this cycle")]))
    return alt.layer(*layers).properties(height=320)


def dependency_small_multiples(curve: pd.DataFrame, trend: pd.DataFrame, columns: int = 5) -> alt.FacetChart:
    """Each manager's dependency curve (share of the team's complex closed deals with the
    manager involved, per quarter), titled with its trend."""
    words = ["words"] if "words" in trend else []  # the trend as the curve reads (signals.trend_label)
    df = curve.dropna(subset=["dependency"]).merge(trend[["manager", "trend", *words]], on="manager", how="left")
    df["panel"] = df["manager"] + " (" + df["words" if words else "trend"].fillna("not measured") + ")"
    df["quarter_label"] = df["quarter"].map(quarter_label)
    colours = alt.Scale(domain=["shrinking", "flat", "growing", "not measured"],
                        range=[WON, "#8a8f8c", QUOTA, "#c9cfcc"])
    return alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("quarter_label:N", title=None, sort=None, axis=alt.Axis(labelAngle=-60, labelFontSize=9)),
        y=alt.Y("dependency:Q", title=None, axis=alt.Axis(format="%", tickCount=3),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("trend:N", scale=colours, title="Trend", legend=alt.Legend(orient="top")),
        tooltip=["manager:N", "quarter_label:N", alt.Tooltip("dependency:Q", format=".0%"),
                 alt.Tooltip("n_complex_closed:Q", title="complex closed deals")],
    ).properties(width=170, height=130).facet(
        facet=alt.Facet("panel:N", title=None, header=alt.Header(labelFontSize=11, labelLimit=200)),
        columns=columns)


def funnel_chart(steps: pd.DataFrame) -> alt.LayerChart:
    """Assigned → due → completed → revisited as horizontal bars with counts."""
    base = alt.Chart(steps).encode(y=alt.Y("step:N", sort=None, title=None))
    bars = base.mark_bar(color=DEVELOPS).encode(x=alt.X("count:Q", title="Development actions"),
                                                tooltip=["step:N", "count:Q"])
    text = base.mark_text(align="left", dx=4, color=INK).encode(x="count:Q", text="count:Q")
    return alt.layer(bars, text).properties(height=160)


def attainment_histogram(reps: pd.DataFrame, density: pd.DataFrame, skewed_label: str,
                         bins: int = 20) -> alt.LayerChart:
    """Attainment across reps as a histogram, with the fitted bell curve beside the fitted
    skewed curve, both scaled to reps per bin so they share the axis."""
    values = reps["attainment"].dropna().to_numpy(dtype=float)
    counts, edges = np.histogram(values, bins=bins)
    hist = pd.DataFrame({"start": edges[:-1], "end": edges[1:], "reps": counts})
    width = float(edges[1] - edges[0]) if len(edges) > 1 else 1.0
    bars = alt.Chart(hist).mark_rect(color="#cfd8d3", stroke="white", strokeWidth=1).encode(
        x=alt.X("start:Q", title="Attainment (closed-won ÷ quota)", axis=alt.Axis(format="%"),
                scale=alt.Scale(zero=False)), x2="end:Q",
        y=alt.Y("reps:Q", title="Reps"), y2=alt.datum(0),
        tooltip=[alt.Tooltip("start:Q", format=".0%", title="from"), alt.Tooltip("end:Q", format=".0%", title="to"),
                 alt.Tooltip("reps:Q")])
    curves = density.melt(id_vars="x", value_vars=["normal_pdf", "skewed_pdf"], var_name="curve", value_name="pdf")
    curves["curve"] = curves["curve"].map({"normal_pdf": "Bell curve (normal)", "skewed_pdf": skewed_label})
    curves["reps"] = curves["pdf"] * len(values) * width
    lines = alt.Chart(curves.dropna()).mark_line(strokeWidth=2.5).encode(
        x="x:Q", y="reps:Q",
        color=alt.Color("curve:N", title=None, scale=alt.Scale(range=[QUOTA, WON]), legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("curve:N", legend=None, scale=alt.Scale(range=[[5, 3], [1, 0]])))
    return alt.layer(bars, lines).properties(height=320)


def pareto_chart(table: pd.DataFrame, by: str, top: float = 0.2) -> alt.LayerChart:
    """Cumulative share of revenue against the share of entities, with the top-20% mark."""
    df = pd.concat([pd.DataFrame({"entity_cumulative_share": [0.0], "cumulative_share": [0.0], "entity": [""]}),
                    table[["entity_cumulative_share", "cumulative_share", "entity"]]], ignore_index=True)
    line = alt.Chart(df).mark_area(line={"color": INK}, color=INK, opacity=0.12).encode(
        x=alt.X("entity_cumulative_share:Q", title=f"Share of {by}s (largest first)", axis=alt.Axis(format="%")),
        y=alt.Y("cumulative_share:Q", title="Share of closed-won revenue", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("entity:N", title=by), alt.Tooltip("cumulative_share:Q", format=".0%", title="cumulative")])
    equal = alt.Chart(pd.DataFrame({"x": [0, 1], "y": [0, 1]})).mark_line(color=NEUTRAL, strokeDash=[4, 4]).encode(
        x="x:Q", y="y:Q")
    cut = alt.Chart(pd.DataFrame({"x": [top]})).mark_rule(color=NEUTRAL, strokeDash=[4, 4]).encode(x="x:Q")
    return alt.layer(line, equal, cut).properties(height=300)
