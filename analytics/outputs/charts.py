"""Altair chart builders: DataFrames in, ``alt.Chart`` out; no I/O, no widgets."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from analytics.fmt import quarter_label

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


def same_quota_chart(diag: pd.DataFrame, plan: float = 1.0) -> alt.LayerChart:
    """Attainment against the development index, one mark per manager sized by team size."""
    df = diag[["manager", "team", "reps", "attainment", "development_index", "hero"]].dropna(
        subset=["attainment", "development_index"]).copy()
    df["flag"] = df["hero"].map({True: "Hero pattern", False: "Not flagged"}).fillna("Cannot tell")
    df["label_dy"] = _label_offsets(df["attainment"], df["development_index"])
    base = alt.Chart(df)
    points = base.mark_circle(opacity=0.85, stroke="white", strokeWidth=1).encode(
        x=alt.X("attainment:Q", title="Attainment (closed-won ÷ quota)", axis=alt.Axis(format="%"),
                scale=alt.Scale(zero=False, padding=20)),
        y=alt.Y("development_index:Q", title="Development index (0–100)", scale=alt.Scale(domain=[0, 100])),
        size=alt.Size("reps:Q", title="Reps in team", scale=alt.Scale(range=[80, 600]),
                      legend=alt.Legend(orient="bottom", values=[5, 10, 15])),
        color=alt.Color("flag:N", title=None, scale=HERO_COLOURS, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("manager:N", title="Manager"), alt.Tooltip("team:N", title="Team"),
                 alt.Tooltip("attainment:Q", title="Attainment", format=".0%"),
                 alt.Tooltip("development_index:Q", title="Development index", format=".0f"),
                 alt.Tooltip("reps:Q", title="Reps"), alt.Tooltip("flag:N", title="Hero pattern")],
    )
    labels = alt.layer(*[
        base.transform_filter(f"datum.label_dy == {dy}").mark_text(
            align="left", dx=10, dy=dy, fontSize=11, color=INK, limit=TEXT_LIMIT).encode(
            x="attainment:Q", y="development_index:Q", text="manager:N")
        for dy in (-9, 12)])
    rule = alt.Chart(pd.DataFrame({"plan": [plan]})).mark_rule(strokeDash=[4, 4], color=NEUTRAL).encode(x="plan:Q")
    return alt.layer(rule, points, labels).properties(height=420)


def _label_offsets(x: pd.Series, y: pd.Series) -> list[int]:
    """Put a name below its point when a neighbour's name would sit on top of it."""
    xs = (x - x.min()) / max(1e-9, x.max() - x.min())
    ys = (y - y.min()) / max(1e-9, y.max() - y.min())
    placed: list[tuple[float, float, int]] = []
    out = []
    for xi, yi in zip(xs, ys, strict=True):
        clash = any(abs(xi - px) < 0.12 and abs((yi + (0.04 if pdy < 0 else -0.05)) - py) < 0.06
                    for px, py, pdy in placed)
        dy = 12 if clash else -9
        placed.append((xi, yi + (0.04 if dy < 0 else -0.05), dy))
        out.append(dy)
    return out


def signal_heatmap(frame: pd.DataFrame, columns: dict[str, str], title: str, fmt: str = ".0%",
                   row: str = "manager") -> alt.LayerChart:
    """Rows (managers, reps) × measures as coloured cells with the value written in; n/m = not measured."""
    long = frame.melt(id_vars=row, value_vars=list(columns), var_name="measure", value_name="value")
    long["measure"] = long["measure"].map(columns)
    long["text"] = long["value"].map(lambda v: "n/m" if pd.isna(v) else format(v, fmt))
    order = list(columns.values())
    base = alt.Chart(long).encode(
        x=alt.X("measure:N", sort=order, title=None,
                axis=alt.Axis(labelAngle=-20, labelAlign="left", labelLimit=200, labelOverlap=False, orient="top")),
        y=alt.Y(f"{row}:N", title=None, sort=alt.EncodingSortField(row), axis=alt.Axis(labelOverlap=False)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("value:Q", title=title, scale=alt.Scale(scheme="greens", domain=[0, 1])),
        tooltip=[alt.Tooltip(f"{row}:N"), alt.Tooltip("measure:N"), alt.Tooltip("text:N", title="value")])
    text = base.mark_text(fontSize=11).encode(
        text="text:N", color=alt.condition("datum.value > 0.6", alt.value("white"), alt.value("#1d2a24")))
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


def cluster_profile_chart(centers: pd.DataFrame, names: dict[int, str], labels: dict[str, str]) -> alt.LayerChart:
    """Cluster centres in standard units: which features set each group apart."""
    df = centers.copy()
    df["cluster"] = [f"{i + 1}. {names[i]}" for i in df.index]
    long = df.melt(id_vars="cluster", var_name="feature", value_name="z")
    long["feature"] = long["feature"].map(lambda f: labels.get(f, f))
    base = alt.Chart(long).encode(
        x=alt.X("feature:N", title=None, axis=alt.Axis(labelAngle=-35, labelLimit=160, labelOverlap=False)),
        y=alt.Y("cluster:N", title=None, axis=alt.Axis(labelLimit=240)))
    cells = base.mark_rect().encode(
        color=alt.Color("z:Q", title="vs average (SD)", scale=alt.Scale(scheme="redblue", domain=[-2, 2], reverse=True)),
        tooltip=["cluster:N", "feature:N", alt.Tooltip("z:Q", format="+.2f")])
    text = base.mark_text(fontSize=10).encode(text=alt.Text("z:Q", format="+.1f"))
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
    x = alt.X("cycle:N", sort=order, title=None, axis=alt.Axis(labelAngle=0))
    colour = alt.Color("capability:N", title=None, legend=alt.Legend(orient="bottom", columns=3))
    lines = alt.Chart(history).mark_line(point=True).encode(
        x=x, y=alt.Y("score_norm:Q", title="Score (0 = scale min, 1 = max)", scale=alt.Scale(domain=[0, 1])),
        color=colour, tooltip=["capability:N", "cycle:N", alt.Tooltip("score:Q", title="score"),
                               alt.Tooltip("score_norm:Q", format=".2f", title="normalised")])
    layers = [lines]
    if not namings.empty:
        marks = namings.merge(history[["capability", "cycle", "score_norm"]], on=["capability", "cycle"], how="inner")
        layers.append(alt.Chart(marks).mark_point(shape="triangle-up", size=160, filled=True, opacity=0.9).encode(
            x=x, y="score_norm:Q", color=colour,
            tooltip=["capability:N", "cycle:N", alt.Tooltip("namings:Q", title="times named in this cycle")]))
    return alt.layer(*layers).properties(height=320)


def dependency_small_multiples(curve: pd.DataFrame, trend: pd.DataFrame, columns: int = 5) -> alt.FacetChart:
    """Each manager's dependency curve (share of the team's complex closed deals with the
    manager involved, per quarter), titled with its trend."""
    df = curve.dropna(subset=["dependency"]).merge(trend[["manager", "trend"]], on="manager", how="left")
    df["panel"] = df["manager"] + " (" + df["trend"].fillna("not measured") + ")"
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
