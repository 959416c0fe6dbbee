"""The main findings of a workspace, one per screen, in the order of the story a workshop tells.

1. same quota, different manager: the hero pattern;
2. who develops: the Coach dial (with Lead and Manage beside it);
3. confidence is not evidence: self-rating against the reps' answers;
4. dependency curves: do teams need their manager less over time;
5. skill gap or fit gap: what is done about the reps below standard;
6. development follow-through: assigned → due → completed → revisited;
7. top movers, and whose teams they sit in;
8. the 80/20 pattern of closed-won revenue by rep;
9. what moves the needle (associations across reps, not causes).

Every number comes from the existing analytics functions with the caller's filters and
settings. Where the evidence is missing the insight says so (``measured=False``, no chart, no
figure, and ``missing`` names the export that would fill it); nothing is zero-filled. Figures
from published research appear only in ``context``, labelled "external research", never among
the computed ``figures``.

Charts are Altair charts sized for a 16:9 screen and carry no ``configure_*`` of their own, so a
presenter can enlarge fonts with ``chart.configure_axis(labelFontSize=...)`` on any of them;
:func:`projector` does so for Presenter mode (every label at least 16 px, a single view fitted to
its container). They draw only from the one palette of :mod:`analytics.outputs.charts` (``HERO``
means the hero pattern and nothing else; tests/unit/test_palette.py reads every chart for it).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import altair as alt
import numpy as np
import pandas as pd

from analytics.diagnosis.dials import DIALS, diagnosis
from analytics.diagnosis.gaps import (
    CATEGORIES,
    DEVELOPED,
    FIT_GAP,
    NOT_ENOUGH,
    NOT_WORKED,
    gap_classification,
)
from analytics.diagnosis.movers import top_movers
from analytics.filters import Filters
from analytics.fmt import clip, fmt_count, fmt_money, fmt_pct, fmt_points, fmt_slope, quarter_label, signed
from analytics.outputs import charts
from analytics.people import managers, reps
from analytics.results.distribution import pareto
from analytics.results.needle import MEASURES as MEASURE_WORDS
from analytics.results.needle import NeedleChain, needle_chain
from analytics.settings import Settings
from analytics.signals.follow_through import follow_through_by_manager
from analytics.signals.independence import dependency_curve
from analytics.store.caching import in_parallel, opens_run
from analytics.store.workspace import Workspace

#: Chart size for a 16:9 screen (the plotting area; axes and legends add to it).
WIDTH = 760
HEIGHT = 400
#: At most this many rows in a per-manager chart (the top and bottom halves beyond it).
MAX_ROWS = 20
#: How many top movers the movers insight looks at.
TOP_MOVERS = 10

#: the one palette (analytics.outputs.charts): a colour means the same thing on every slide
HERO, DEVELOPS, ATTENTION, COMPARE = charts.HERO, charts.DEVELOPS, charts.ATTENTION, charts.COMPARE
NEUTRAL, NOT_MEASURED, INK = charts.NEUTRAL, charts.NOT_MEASURED, charts.INK

RESEARCH_CONFIDENCE = ("External research, not computed from your data: most managers believe they coach "
                       "consistently, while in published research only about six in ten of their reps agree.")

#: What fills each piece of evidence when it is missing.
NEEDS = {
    "roster": "a people export naming each rep's manager",
    "scope": "managers and reps in scope: the current filters leave none, so widen them",
    "attainment": "a quota export (owner, period, amount) beside closed-won deals",
    "manager involvement": "closed deals with a manager-involved flag, or activities linked to the deals",
    "capability movement": "a review export (rep, capability, cycle, score) over at least two cycles",
    "coach": ("coaching evidence: a review export (rep, capability, cycle, score), a coaching log with the four "
              "behaviour flags and pipeline/skill minutes, development actions with due, completed and revisited "
              "dates, or closed deals with a manager-involved flag"),
    "confidence": ("a survey where managers rate their own coaching (e.g. 'I coach my reps consistently') and "
                   "reps rate their manager's (e.g. 'My manager coaches me consistently')"),
    "dependency": ("closed deals with amounts, and a manager-involved flag or activities linked to the deals, "
                   "over at least three quarters"),
    "gaps": ("a review export (rep, capability, cycle, score) or a quota export, plus coaching sessions and "
             "development actions that name capabilities"),
    "follow_through": "a development-actions export (rep, capability, assigned, due, completed, revisited dates)",
    "movers": "a review export with scores per rep and capability over at least two cycles",
    "pareto": "closed-won deals with an owner and an amount",
    "needle": "opportunities per rep with activities, closed won and lost (at least 8 reps with both numbers)",
}


class _LazyChart:
    """The ``chart`` of an :class:`Insight`: a chart, or a function drawing it, called on first
    read. Presenter mode shows one finding at a time, so the other charts (a good part of the
    findings' time at scale: benchmarks/RESULTS.md) are drawn only when shown; the report reads
    them all. The functions are partials of module-level ones, so an insight still pickles."""

    def __set_name__(self, owner, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj, objtype=None):
        if obj is None:  # the dataclass's default
            return None
        value = obj.__dict__.get(self.slot)
        if value is not None and not isinstance(value, alt.TopLevelMixin) and callable(value):
            value = obj.__dict__[self.slot] = value()
        return value

    def __set__(self, obj, value) -> None:
        obj.__dict__[self.slot] = value


def _hero_chart(diag: pd.DataFrame, hero_attainment: float) -> alt.TopLevelMixin:
    return _sized(charts.same_quota_chart(diag, hero_attainment), height=HEIGHT)


def _confidence_chart(diag: pd.DataFrame) -> alt.TopLevelMixin:
    return charts.confidence_chart(diag).properties(width=WIDTH)


def _funnel_chart(steps: pd.DataFrame) -> alt.TopLevelMixin:
    return charts.funnel_chart(steps).properties(width=WIDTH, height=260)


def _pareto_chart(table: pd.DataFrame, top: float) -> alt.TopLevelMixin:
    return charts.pareto_chart(table, "rep", top).properties(width=WIDTH, height=HEIGHT - 60)


# ------------------------------------------------------------------------------ on a projector
#: the widest an axis, legend or header label may be on a slide, in pixels (Vega ends it with
#: "…"): wide enough for a name in projector type, not for a 10,000-character one
LABEL_LIMIT = 360
#: the smallest type drawn in a chart on a slide, in pixels: a label a back row can read
SLIDE_TEXT_PX = 16
_CONCAT = (alt.HConcatChart, alt.VConcatChart, alt.ConcatChart, alt.FacetChart)


def _raise_text(chart, px: int) -> None:
    """Every text mark of ``chart`` (its layers, panels and facets too) at least ``px`` pixels: a
    chart's own ``fontSize`` beside its points wins over ``configure_text``."""
    for attr in ("layer", "hconcat", "vconcat", "concat"):
        for part in getattr(chart, attr, None) or []:
            _raise_text(part, px)
    inner = getattr(chart, "spec", alt.Undefined)
    if isinstance(inner, alt.SchemaBase) and not isinstance(inner, alt.Data):
        _raise_text(inner, px)
    mark = getattr(chart, "mark", alt.Undefined)
    if isinstance(mark, alt.MarkDef) and mark.type == "text":
        size = mark.fontSize
        if size is alt.Undefined or not isinstance(size, (int, float)) or size < px:
            mark.fontSize = px


def projector(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """A finding's chart for Presenter mode: type a back row can read (every label at least
    :data:`SLIDE_TEXT_PX`), and a single view or layer fits its container whole, axes and legend
    included (``height="container"``: the slide's CSS sizes the container from the viewport); a
    chart of panels keeps its own size. The chart given is left as it was."""
    chart = chart.copy(deep=True)
    _raise_text(chart, SLIDE_TEXT_PX)
    if not isinstance(chart, _CONCAT):
        chart = chart.properties(width="container", height="container",
                                 autosize=alt.AutoSizeParams(type="fit", contains="padding"))
    return (chart.configure_axis(labelFontSize=17, titleFontSize=19, labelLimit=LABEL_LIMIT)
            .configure_legend(labelFontSize=SLIDE_TEXT_PX, titleFontSize=17, symbolSize=160, labelLimit=LABEL_LIMIT)
            .configure_title(fontSize=22)
            .configure_header(labelFontSize=17, titleFontSize=18, labelLimit=LABEL_LIMIT)
            .configure_text(fontSize=SLIDE_TEXT_PX))


@dataclass
class Insight:
    """One finding, worded for a screen: a title with the names and numbers, the evidence,
    what it rests on, up to three big numbers and a chart (given drawn, or as a function that
    draws it when first read).

    ``context`` holds external research quoted beside the finding (labelled as such, never a
    computed number); it is empty for most insights.
    """

    key: str
    title: str
    detail: str
    basis: str
    figures: list[tuple[str, str]] = field(default_factory=list)
    chart: alt.TopLevelMixin | Callable[[], alt.TopLevelMixin] | None = _LazyChart()
    measured: bool = True
    missing: str = ""
    context: str = ""


# ------------------------------------------------------------------------------ wording helpers
def names(items) -> str:
    """Names joined for a sentence, each shortened to :data:`analytics.fmt.NAME_CHARS` characters.

    >>> names(["A"]), names(["A", "B"]), names(["A", "B", "C"])
    ('A', 'A and B', 'A, B and C')
    """
    items = [clip(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]




def _pct(v) -> str:
    return fmt_pct(v) or "not measured"




def _slope(v: float) -> str:
    """A slope of normalised scores in points of the 0–100 scale: +0.7 (never −0.0000)."""
    return signed(100 * v, 1)


def _range(values, fmt) -> str:
    lo, hi = min(values), max(values)
    a, b = fmt(lo), fmt(hi)
    return a if a == b else f"{a} to {b}"


def _is_true(v) -> bool:
    return v is True or (isinstance(v, (bool, np.bool_)) and bool(v))


def _true(values: pd.Series) -> pd.Series:
    """A boolean mask of the values that are True (an empty one stays boolean: ``~`` on an empty
    object Series, and indexing a frame with it, would pick columns instead of rows)."""
    return values.map(_is_true).astype(bool)


def _not_measured(key: str, title: str, missing: str, detail: str = "", basis: str = "") -> Insight:
    return Insight(key=key, title=f"{title}: not measured", detail=detail or f"Not measured: needs {missing}.",
                   basis=basis or "no evidence in this workspace", figures=[], chart=None, measured=False,
                   missing=missing)


def _sized(chart, width: int = WIDTH, height: int | None = None):
    props = {"width": width}
    if height is not None:
        props["height"] = height
    return chart.properties(**props)


def _trim_rows(frame: pd.DataFrame, by: str, ascending: bool = False) -> tuple[pd.DataFrame, str]:
    """At most :data:`MAX_ROWS` rows: the top and bottom halves when there are more."""
    frame = frame.sort_values(by, ascending=ascending, na_position="last")
    if len(frame) <= MAX_ROWS:
        return frame, ""
    half = MAX_ROWS // 2
    shown = pd.concat([frame.head(half), frame.dropna(subset=[by]).tail(half)]).drop_duplicates("manager")
    return shown, f" The chart shows the top and bottom {half} of {len(frame)} managers."


# ------------------------------------------------------------------------------ 1. hero pattern
#: The evidence the hero pattern needs, as the diagnosis's "Cannot tell" reasons name it.
_HERO_NEEDS = ("attainment", "manager involvement", "capability movement")


def hero_insight(diag: pd.DataFrame, settings: Settings = Settings()) -> Insight:
    title = "Same quota, different manager"
    if diag.empty:
        return _not_measured("hero_pattern", title, NEEDS["roster"])
    judged = diag[diag["hero"].notna()]
    if judged.empty:
        reasons = " ".join(diag["reason"].dropna().astype(str))
        missing = "; ".join(NEEDS[k] for k in _HERO_NEEDS if k in reasons) or NEEDS["attainment"]
        return _not_measured("hero_pattern", title, missing,
                             detail=f"Cannot tell for any of the {len(diag)} managers: "
                                    + diag["reason"].iloc[0].removeprefix("Cannot tell: "),
                             basis=f"{fmt_count(len(diag), 'manager')} · attainment, involvement or capability not measured")
    heroes = judged[_true(judged["hero"])].sort_values("manager")
    at_plan = judged[judged["attainment"] >= settings.hero_attainment]
    developers = at_plan[~_true(at_plan["hero"])].sort_values("development_index", ascending=False)
    if heroes.empty:
        head = (f"No manager hits plan by carrying the complex deals: of {len(at_plan)} at plan, none combines "
                f"high involvement (≥{settings.hero_involvement:.0%}) with flat capability")
        detail = ""
    else:
        verb = "hits" if len(heroes) == 1 else "hit"
        head = (f"{fmt_count(len(heroes), 'manager')} {verb} plan by carrying the complex deals themselves: "
                f"{names(heroes['manager'])}")
        detail = (f"{'This manager is' if len(heroes) == 1 else 'Each is'} at "
                  f"{_range(heroes['attainment'], _pct)} of plan, was involved in "
                  f"{_range(heroes['involvement_won_complex'], _pct)} of the team's won complex deals, and the reps' "
                  f"capability is flat ({_range(heroes['capability_slope'], _slope)} points per cycle: under the "
                  f"{fmt_slope(100 * settings.flat_slope)} bar, or too close to 0 to tell from noise).")
    if not developers.empty:
        shown = developers.head(3)
        idx = names(f"{v:.0f}" for v in shown["development_index"].dropna())
        detail += (f" {'Also' if not heroes.empty else 'Instead,'} at plan but developing the team: "
                   f"{names(shown['manager'])}" + (f" (development index {idx})." if idx else "."))
    unknown = len(diag) - len(judged)
    if unknown:
        detail += f" {fmt_count(unknown, 'manager')} cannot be judged (evidence not measured)."
    cycles = int(diag["n_cycles"].max()) if "n_cycles" in diag and diag["n_cycles"].notna().any() else 0
    basis = " · ".join(bit for bit in (
        fmt_count(len(judged), "manager") + " judged",
        fmt_count(int(judged["n_reps_with_quota"].sum()), "rep") + " with quota",
        fmt_count(int(judged["n_complex_won"].sum()), "won complex deal"),
        fmt_count(cycles, "review cycle") if cycles else "") if bit)
    plotted = diag.dropna(subset=["attainment", "development_index"])
    chart = functools.partial(_hero_chart, diag, settings.hero_attainment) if len(plotted) else None
    figures = [("Hero pattern", f"{len(heroes)} of {len(judged)}"),
               ("At or above plan", f"{len(at_plan)} of {len(judged)}")]
    if not heroes.empty:
        figures.append(("Heroes' involvement in won complex deals",
                        _pct(heroes["n_complex_won_involved"].sum() / max(1, heroes["n_complex_won"].sum()))))
    return Insight("hero_pattern", head, detail.strip(), basis, figures, chart, True)


# ------------------------------------------------------------------------------ 2. Coach dial
#: the three dials side by side in one view, so a slide can fit it to the screen: each dial's 0–100
#: starts this far along the axis from the last one's (the rest of the gap holds the values written)
DIAL_BAND = 135
DIAL_COLOURS = {"coach": DEVELOPS, "lead": COMPARE, "manage": NEUTRAL}


def dial_chart(diag: pd.DataFrame) -> alt.LayerChart:
    """The three dials side by side, managers ordered by Coach (highest first); a dial without a
    score says "not measured" (or "not enough evidence") where its bar would be, never 0."""
    note_cols = {d: f"dial_note_{d}" for d in DIALS if f"dial_note_{d}" in diag.columns}
    rows, _ = _trim_rows(diag[["manager", *DIALS, *note_cols.values()]], "coach")
    order = rows["manager"].tolist()
    thin = {(m, d) for d, c in note_cols.items() for m, note in zip(rows["manager"], rows[c], strict=True)
            if str(note).startswith("not enough")}
    dials = list(DIAL_COLOURS)
    long = rows.melt(id_vars="manager", value_vars=dials, var_name="dial", value_name="score")
    long["text"] = [f"{v:.0f}" if pd.notna(v) else "not enough evidence" if (m, d) in thin else "not measured"
                    for m, d, v in zip(long["manager"], long["dial"], long["score"], strict=True)]
    long["dial_name"] = long["dial"].map(DIALS)
    long["start"] = long["dial"].map({d: i * DIAL_BAND for i, d in enumerate(dials)}).astype(float)
    long["end"] = long["start"] + long["score"]
    long["pos"] = long["end"].fillna(long["start"])
    ticks = [i * DIAL_BAND + v for i in range(len(dials)) for v in (0, 50, 100)]
    x = alt.X("start:Q", title=", ".join(DIALS[d] for d in dials[:-1]) + f" and {DIALS[dials[-1]]} dials, each 0–100",
              scale=alt.Scale(domain=[0, (len(dials) - 1) * DIAL_BAND + 100], nice=False),
              axis=alt.Axis(values=ticks, labelExpr=f"datum.value % {DIAL_BAND}"))
    y = alt.Y("manager:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=220))
    colour = alt.Color("dial_name:N", title=None, legend=alt.Legend(orient="top"), scale=alt.Scale(
        domain=[DIALS[d] for d in dials], range=[DIAL_COLOURS[d] for d in dials]))
    bars = alt.Chart(long).transform_filter("isValid(datum.score)").mark_bar().encode(
        y=y, x=x, x2="end:Q", color=colour,
        tooltip=[alt.Tooltip("manager:N", title="Manager"), alt.Tooltip("dial_name:N", title="Dial"),
                 alt.Tooltip("score:Q", title="Score (0–100)", format=".0f")])
    text = alt.Chart(long).mark_text(align="left", dx=4, color=INK).encode(y=y, x="pos:Q", text="text:N")
    return alt.layer(bars, text).properties(width=WIDTH, height=max(200, 26 * len(order)))


def coach_insight(diag: pd.DataFrame) -> Insight:
    title = "Who develops their team"
    coach_needs = NEEDS["coach"]
    if diag.empty:
        return _not_measured("coach_dial", title, NEEDS["roster"])
    measured = diag.loc[diag["coach"].notna(), ["manager", "coach", "n_signals_coach"]]  # what is read of it
    if measured.empty:
        other = [DIALS[d] for d in ("lead", "manage") if diag[d].notna().any()]
        detail = "Not measured: no coaching signal has evidence for any manager."
        if other:
            detail += f" Only the {names(other)} dial{'s are' if len(other) > 1 else ' is'} measured here."
        return _not_measured("coach_dial", title, coach_needs, detail=detail,
                             basis=f"{fmt_count(len(diag), 'manager')} · 0 coaching signals measured")
    ranked = measured.sort_values(["coach", "manager"], ascending=[False, True])
    top = ranked.head(3)
    bottom = ranked.tail(3).iloc[::-1] if len(ranked) > 3 else ranked.iloc[0:0]
    head = "Top coaches: " + ", ".join(f"{clip(r.manager)} ({r.coach:.0f})" for r in top[["manager", "coach"]].itertuples())
    of = int(diag["of_signals_coach"].iloc[0])
    detail = (f"Coach dial = mean of up to {of} coaching signals (capability movement, named gaps moved, "
              "follow-through, revisits, independence, coaching quality, the 50/50 rule), each scored 0–100 against "
              "a fixed standard from the framework, not against the other managers"
              + (f"; {len(measured)} of {len(diag)} managers in scope have a score." if len(diag) > 1 else "."))
    if not bottom.empty:
        detail += " Lowest: " + ", ".join(f"{clip(r.manager)} ({r.coach:.0f})" for r in bottom[["manager", "coach"]].itertuples()) + "."
    manage = diag[["manager", "manage", "coach"]].dropna(subset=["manage"]).sort_values(["manage", "manager"],
                                                                                         ascending=[False, True])
    if not manage.empty:
        m = manage.iloc[0]
        coach_of_m = "not measured" if pd.isna(m["coach"]) else f"{m['coach']:.0f}"
        if m["manager"] not in set(top["manager"]):
            detail += (f" Highest Manage dial: {clip(m['manager'])} ({m['manage']:.0f}), whose Coach dial is "
                       f"{coach_of_m}: the dial a dashboard rewards is not the one that builds capability.")
    unmeasured = len(diag) - len(measured)
    if unmeasured:
        detail += (f" {fmt_count(unmeasured, 'manager')} without a Coach score: not enough evidence (no coaching sessions, "
                   "development actions or named gaps, or too few signals), never ranked below or above the others.")
    chart, trimmed = functools.partial(dial_chart, diag), _trim_rows(diag[["manager", "coach"]], "coach")[1]
    detail += trimmed
    median_signals = int(np.median(measured["n_signals_coach"]))
    basis = (f"{len(measured)} of {fmt_count(len(diag), 'manager')} measured · median {median_signals} of {of} coaching "
             f"signals · {fmt_count(int(diag['n_sessions'].sum()), 'coaching session')}")
    figures = [("Top Coach dial", f"{top.iloc[0]['coach']:.0f}"),
               ("Managers measured", f"{len(measured)} of {len(diag)}"),
               ("Signals per manager (median)", f"{median_signals} of {of}")]
    return Insight("coach_dial", head, detail, basis, figures, chart, True)


# ------------------------------------------------------------------------------ 3. confidence gap
def confidence_insight(diag: pd.DataFrame, settings: Settings = Settings()) -> Insight:
    title = "Confidence is not evidence"
    if diag.empty:
        return _not_measured("confidence_gap", title, NEEDS["roster"])
    both = diag.dropna(subset=["confidence_gap"]).sort_values(["confidence_gap", "manager"],
                                                                ascending=[False, True])
    if both.empty:
        part = []
        if diag["self_rating"].notna().any():
            part.append("managers' self-ratings are there, but no rep answered about their manager's coaching")
        elif diag["reps_agree"].notna().any():
            part.append("reps' answers are there, but no manager rated their own coaching")
        detail = ("Not measured: " + part[0] + ".") if part else ""
        out = _not_measured("confidence_gap", title, NEEDS["confidence"], detail=detail)
        out.context = RESEARCH_CONFIDENCE
        return out
    w = both.iloc[0]
    head = (f"Widest confidence gap: {clip(w['manager'])} rates their own coaching consistent "
            f"({_pct(w['self_rating'])}); {_pct(w['reps_agree'])} of their reps agree")
    above = both[both["confidence_gap"] > 0]
    widest = both.head(3)
    detail = (f"{len(above)} of {fmt_count(len(both), 'manager')} rate their own coaching higher than their reps do "
              f"(median gap {fmt_points(float(both['confidence_gap'].median()))}). Widest: "
              + ", ".join(f"{clip(r.manager)} {fmt_points(r.confidence_gap)}" for r in widest[["manager", "confidence_gap"]].itertuples()) + ".")
    narrow = both.iloc[-1]
    if len(both) > 3:
        detail += f" Narrowest: {clip(narrow['manager'])} {fmt_points(narrow['confidence_gap'])}."
    flagged = both[both["over_confident"].eq(True)] if "over_confident" in both.columns else both.iloc[0:0]
    unclear = int(both["over_confident"].isna().sum()) if "over_confident" in both.columns else 0
    bar = f"{100 * settings.overconfidence_min_gap:.0f} points"
    if flagged.empty:
        detail += (f" No one is clearly over-confident: no gap's {settings.overconfidence_confidence:.0%} interval "
                   f"lies wholly above {bar}.")
    else:
        detail += (f" Clearly over-confident (the gap's {settings.overconfidence_confidence:.0%} interval wholly "
                   f"above {bar}): " + ", ".join(
                       f"{clip(r.manager)} ({fmt_points(r.confidence_gap_low)} to {fmt_points(r.confidence_gap_high)}, "
                       f"{int(r.n_rep_coaching_respondents)} reps)" for r in flagged[[
                           "manager", "confidence_gap_low", "confidence_gap_high", "n_rep_coaching_respondents"
                       ]].itertuples()) + ".")
    if unclear:
        detail += (f" {fmt_count(unclear, 'manager')}: cannot tell (fewer than {settings.overconfidence_min_answers} "
                   "reps answered).")
    basis = (f"{fmt_count(len(both), 'manager')} · {fmt_count(int(both['n_self_ratings'].sum()), 'self-rating')} · "
             f"{fmt_count(int(both['n_rep_coaching_answers'].sum()), 'rep answer')} on coaching consistency")
    figures = [("Widest gap", fmt_points(w["confidence_gap"])),
               ("Clearly over-confident", f"{len(flagged)} of {len(both)}"),
               ("Reps who agree (all answers)",
                _pct((both["reps_agree"] * both["n_rep_coaching_answers"]).sum()
                     / both["n_rep_coaching_answers"].sum()))]
    chart = functools.partial(_confidence_chart, diag)
    return Insight("confidence_gap", head, detail, basis, figures, chart, True, context=RESEARCH_CONFIDENCE)


# ------------------------------------------------------------------------------ 4. dependency
GROUP_COLOURS = {"Shrinking": DEVELOPS, "Hero pattern": HERO, "Flat": NEUTRAL, "Growing": ATTENTION}


def _per_quarter(slope: float) -> str:
    """A dependency slope (share per quarter) in percentage points: −7.4."""
    return f"{100 * slope:+.1f}".replace("-", "−")


def dependency_chart(curve: pd.DataFrame, groups: dict[str, str]) -> alt.LayerChart:
    """Each team's dependency curve as a thin line, and the pooled curve of each group as a
    thick one (share of the group's complex closed deals with the manager involved)."""
    df = curve.dropna(subset=["dependency"]).copy()
    sizes = pd.Series(groups).value_counts()
    groups = {m: f"{g} ({sizes[g]})" for m, g in groups.items()}
    df["group"] = df["manager"].map(groups)
    df = df[df["group"].notna()]
    df["quarter_label"] = df["quarter"].map(quarter_label)
    pooled = df.groupby(["group", "quarter_label"], as_index=False).agg(
        n_involved=("n_involved", "sum"), n_complex_closed=("n_complex_closed", "sum"),
        n_managers=("manager", "nunique"))
    pooled["dependency"] = pooled["n_involved"] / pooled["n_complex_closed"]
    order = sorted(df["quarter_label"].unique())
    present = sorted(set(df["group"]), key=lambda g: list(GROUP_COLOURS).index(g.rsplit(" (", 1)[0]))
    scale = alt.Scale(domain=present, range=[GROUP_COLOURS[g.rsplit(" (", 1)[0]] for g in present])
    colour = alt.Color("group:N", title=None, scale=scale, legend=alt.Legend(
        orient="bottom", symbolType="stroke", symbolOpacity=1, symbolStrokeWidth=4))
    x = alt.X("quarter_label:N", title=None, sort=order, axis=alt.Axis(labelAngle=0))
    y = alt.Y("dependency:Q", title="Complex deals with the manager involved", axis=alt.Axis(format="%"),
              scale=alt.Scale(domain=[0, 1]))
    thin = alt.Chart(df).mark_line(strokeWidth=1, opacity=0.35).encode(
        x=x, y=y, color=colour, detail="manager:N",
        tooltip=["manager:N", "quarter_label:N", alt.Tooltip("dependency:Q", format=".0%"),
                 alt.Tooltip("n_complex_closed:Q", title="complex closed deals")])
    thick = alt.Chart(pooled).mark_line(strokeWidth=4, point=alt.OverlayMarkDef(size=60)).encode(
        x=x, y=y, color=colour,
        tooltip=["group:N", "quarter_label:N", alt.Tooltip("dependency:Q", format=".0%"),
                 alt.Tooltip("n_complex_closed:Q", title="complex closed deals"),
                 alt.Tooltip("n_managers:Q", title="managers")])
    return alt.layer(thin, thick).properties(width=WIDTH, height=HEIGHT)


def dependency_insight(diag: pd.DataFrame, curve: pd.DataFrame) -> Insight:
    title = "Dependency curves"
    if diag.empty:
        return _not_measured("dependency", title, NEEDS["roster"])
    # the four columns read here, not the diagnosis's hundred copied by every pick below
    trend = diag.loc[diag["dependency_trend"] != "not measured", ["manager", "hero", "dependency_trend",
                                                                  "dependency_slope"]]
    if trend.empty or curve["dependency"].notna().sum() == 0:
        n_known = int(curve["n_complex_closed"].sum()) if not curve.empty else 0
        detail = ("Not measured: no closed complex deal shows whether the manager was involved."
                  if n_known == 0 else
                  "Not measured: fewer than three quarters with complex closed deals for every manager.")
        return _not_measured("dependency", title, NEEDS["dependency"], detail=detail)
    groups = {}
    for r in trend[["manager", "hero", "dependency_trend"]].itertuples():
        groups[r.manager] = "Hero pattern" if _is_true(r.hero) else str(r.dependency_trend).capitalize()
    shrinking = trend[trend["dependency_trend"] == "shrinking"].sort_values("dependency_slope")
    flat = trend[trend["dependency_trend"] == "flat"]
    growing = trend[trend["dependency_trend"] == "growing"]
    if shrinking.empty:
        head = f"No team needs its manager less over time: {len(flat)} flat, {len(growing)} growing"
    else:
        verb = "needs its" if len(shrinking) == 1 else "need their"
        head = f"{fmt_count(len(shrinking), 'team')} {verb} manager less each quarter: {names(shrinking['manager'])}"
    bits = []
    if not shrinking.empty:
        bits.append("Shrinking, in points per quarter: " + ", ".join(
            f"{clip(r.manager)} {_per_quarter(r.dependency_slope)}" for r in shrinking[["manager", "dependency_slope"]].itertuples()) + ".")
    heroes = trend[_true(trend["hero"])]
    if not heroes.empty:
        bits.append("Hero-pattern managers: " + ", ".join(
            f"{clip(r.manager)} {r.dependency_trend} ({_per_quarter(r.dependency_slope)})"
            for r in heroes[["manager", "dependency_trend", "dependency_slope"]].itertuples()) + ".")
    rest = len(trend) - len(shrinking)
    bits.append(f"{len(flat)} flat and {len(growing)} growing of {len(trend)} with a trend"
                + (f"; {len(diag) - len(trend)} not measured." if len(diag) > len(trend) else "."))
    detail = ("Share of each team's complex closed deals with the manager involved, per quarter; the trend is "
              "the least-squares slope. " + " ".join(bits))
    known = curve[curve["manager"].isin(trend["manager"])]
    n_quarters = int(known.dropna(subset=["dependency"])["quarter"].nunique())
    basis = (f"{fmt_count(len(trend), 'manager')} with a trend · {fmt_count(int(known['n_complex_closed'].sum()), 'complex closed deal')}"
             f" with known involvement · {fmt_count(n_quarters, 'quarter')}")
    figures = [("Shrinking", f"{len(shrinking)} of {len(trend)}"), ("Flat or growing", f"{rest} of {len(trend)}")]
    if not shrinking.empty:
        figures.append(("Steepest fall, points per quarter",
                        _per_quarter(float(shrinking["dependency_slope"].iloc[0]))))
    return Insight("dependency", head, detail, basis, figures, functools.partial(dependency_chart, curve, groups), True)


# ------------------------------------------------------------------------------ 5. skill or fit gap
CATEGORY_COLOURS = {FIT_GAP: COMPARE, NOT_WORKED: ATTENTION, DEVELOPED: DEVELOPS, NOT_ENOUGH: NOT_MEASURED}


def gaps_chart(gaps: pd.DataFrame) -> alt.Chart:
    counts = gaps.assign(manager=gaps["manager"].fillna("no manager")).groupby(
        ["manager", "category"], as_index=False).size().rename(columns={"size": "gaps"})
    totals = counts.groupby("manager")["gaps"].sum().sort_values(ascending=False)
    order = totals.index.tolist()
    if len(order) > MAX_ROWS:
        order = order[:MAX_ROWS]
        counts = counts[counts["manager"].isin(order)]
    cats = [c for c in CATEGORIES if c in set(counts["category"])]
    counts["order"] = counts["category"].map({c: i for i, c in enumerate(CATEGORIES)})
    return alt.Chart(counts).mark_bar().encode(
        y=alt.Y("manager:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=220)),
        x=alt.X("gaps:Q", title="Gaps below standard (rep × capability)"),
        color=alt.Color("category:N", title=None, legend=alt.Legend(orient="bottom", columns=2),
                        scale=alt.Scale(domain=cats, range=[CATEGORY_COLOURS[c] for c in cats])),
        order=alt.Order("order:Q"),
        tooltip=["manager:N", "category:N", "gaps:Q"],
    ).properties(width=WIDTH - 200, height=max(200, 26 * len(order)))


def gaps_insight(ws: Workspace, gaps: pd.DataFrame, settings: Settings, n_reps_in_scope: int | None = None) -> Insight:
    title = "Skill gap or fit gap"
    evidence = ws.scalar("SELECT (SELECT count(*) FROM reviews) + (SELECT count(*) FROM quotas)") or 0
    if not evidence:
        return _not_measured("gaps", title, NEEDS["gaps"])
    if gaps.empty and n_reps_in_scope == 0:
        return _not_measured("gaps", title, NEEDS["scope"])
    standards = (f"below standard on a capability (latest score under {settings.capability_standard:.2f}) or on "
                 f"results (attainment under {settings.results_standard:.0%})")
    if gaps.empty:
        return Insight("gaps", "No rep is below standard", f"No rep in scope is {standards}.",
                       "reviews and quotas in scope", [("Gaps below standard", "0")], None, True)
    counts = gaps["category"].value_counts()
    total = len(gaps)
    n_reps = gaps["rep"].nunique()
    c = {k: int(counts.get(k, 0)) for k in CATEGORIES}
    if c[NOT_WORKED]:
        head = f"{c[NOT_WORKED]:,} of {total:,} gaps below standard are not being worked"
    elif c[DEVELOPED]:
        head = f"{c[DEVELOPED]:,} of {total:,} gaps below standard are being developed"
    else:
        head = f"{total:,} gaps below standard, {c[NOT_ENOUGH]:,} without enough evidence to place"
    if c[FIT_GAP]:
        head += f"; {c[FIT_GAP]} {'reads' if c[FIT_GAP] == 1 else 'read'} as a fit gap"
    detail = (f"{fmt_count(n_reps, 'rep')} {standards}: {c[NOT_WORKED]:,} skill gaps not being worked (never named, or "
              f"named without follow-through), {c[DEVELOPED]:,} being developed, {c[FIT_GAP]:,} fit "
              f"{'gap' if c[FIT_GAP] == 1 else 'gaps'} (no movement despite real coaching and follow-through), "
              f"{c[NOT_ENOUGH]:,} without enough evidence.")
    fits = gaps[gaps["category"] == FIT_GAP]
    if 0 < len(fits) <= 3:
        detail += " Fit " + ("gap" if len(fits) == 1 else "gaps") + ": " + "; ".join(
            f"{clip(r.rep)} ({clip(r.capability or 'results')}, {clip(r.manager)})" for r in fits[["rep", "capability", "manager"]].itertuples()) + "."
    worst = gaps[gaps["category"] == NOT_WORKED].groupby("manager").size().sort_values(ascending=False)
    if len(worst):
        detail += f" Most unworked gaps: {clip(worst.index[0])}'s team ({worst.iloc[0]})."
    basis = (f"{fmt_count(n_reps, 'rep')} below standard · {fmt_count(total, 'gap')} · "
             f"{fmt_count(int(gaps['manager'].nunique()), 'manager')}")
    figures = [("Not being worked", f"{c[NOT_WORKED]:,}"), ("Being developed", f"{c[DEVELOPED]:,}"),
               ("Fit gap", f"{c[FIT_GAP]:,}")]
    return Insight("gaps", head, detail, basis, figures, functools.partial(gaps_chart, gaps), True)


# ------------------------------------------------------------------------------ 6. follow-through
def follow_through_insight(ft: pd.DataFrame) -> Insight:
    title = "Development follow-through"
    if ft.empty or int(ft["n_actions"].sum()) == 0:
        return _not_measured("follow_through", title, NEEDS["follow_through"])
    assigned, due = int(ft["n_actions"].sum()), int(ft["n_due"].sum())
    done_due, done = int(ft["n_completed_due"].sum()), int(ft["n_completed"].sum())
    revisited, overdue = int(ft["n_revisited"].sum()), int(ft["n_overdue"].sum())
    rate = done_due / due if due else float("nan")
    revisit = revisited / done if done else float("nan")
    if due:
        head = f"{_pct(rate)} of development actions due were completed"
        head += f"; {_pct(revisit)} of completed ones were revisited" if done else "; none was completed"
    else:
        head = f"{assigned:,} development actions assigned, none due yet"
    ranked = ft.dropna(subset=["follow_through_rate"]).sort_values(["follow_through_rate", "manager"],
                                                                   ascending=[False, True])
    detail = (f"Across {fmt_count(int((ft['n_actions'] > 0).sum()), 'manager')}: {assigned:,} assigned, {due:,} due, "
              f"{done_due:,} of those completed, {revisited:,} of {done:,} completed revisited; {overdue:,} overdue.")
    if len(ranked) >= 2:
        shown = ["manager", "follow_through_rate", "n_due"]  # itertuples reads every column: only these
        hi, lo = ranked[shown].head(2), ranked[shown].tail(2).iloc[::-1]
        detail += (" Highest follow-through: " + ", ".join(f"{clip(r.manager)} {_pct(r.follow_through_rate)} "
                                                          f"({r.n_due} due)" for r in hi.itertuples())
                   + "; lowest: " + ", ".join(f"{clip(r.manager)} {_pct(r.follow_through_rate)} ({r.n_due} due)"
                                             for r in lo.itertuples()) + ".")
    steps = pd.DataFrame({"step": ["Assigned", "Due", "Completed (of due)", "Revisited"],
                          "count": [assigned, due, done_due, revisited]})
    chart = functools.partial(_funnel_chart, steps)
    basis = f"{fmt_count(assigned, 'development action')} · {fmt_count(int((ft['n_actions'] > 0).sum()), 'manager')}"
    figures = [("Follow-through", _pct(rate) if due else "none due"),
               ("Revisited", _pct(revisit) if done else "none completed"), ("Overdue", f"{overdue:,}")]
    return Insight("follow_through", head, detail, basis, figures, chart, True)


# ------------------------------------------------------------------------------ 7. top movers
def movers_chart(movers: pd.DataFrame) -> alt.LayerChart:
    df = movers.assign(points=100 * movers["mean_slope"], label=movers["mean_slope"].map(_slope))
    # one colour (capability rising is development); the manager is named beside the rep, not coloured
    df["who"] = df["rep"].map(clip) + " (" + df["manager"].fillna("no manager").map(clip) + ")"
    order = df["who"].tolist()
    y = alt.Y("who:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=320))
    bars = alt.Chart(df).mark_bar(color=DEVELOPS).encode(
        y=y, x=alt.X("points:Q", title="Capability movement (points per cycle, scores on 0–100)"),
        tooltip=["rep:N", "manager:N", alt.Tooltip("label:N", title="points per cycle"), "best_capability:N",
                 "n_cycles:Q"])
    text = alt.Chart(df).mark_text(align="left", dx=4, color=INK).encode(y=y, x="points:Q", text="label:N")
    return alt.layer(bars, text).properties(width=WIDTH - 200, height=max(200, 30 * len(order)))


def movers_insight(movers: pd.DataFrame) -> Insight:
    title = "Top movers"
    if movers.empty:
        return _not_measured("movers", title, NEEDS["movers"])
    teams = movers.groupby("manager").size().sort_values(ascending=False)
    teams = teams.reindex(sorted(teams.index, key=lambda m: (-teams[m], m)))
    listed = ", ".join(f"{clip(m)} ({k})" for m, k in teams.head(3).items())
    n = len(movers)
    if len(teams) <= 3:
        head = (f"The {n} reps whose capability rose most sit in {fmt_count(len(teams), 'team')}: {listed}"
                if n > 1 else f"The top mover sits in {listed}")
    else:
        head = f"The {n} reps whose capability rose most come from {fmt_count(len(teams), 'team')}; most from {listed}"
    best = movers.iloc[0]
    detail = (f"Ranked by the mean slope of each rep's capability scores per review cycle. Top: {clip(best['rep'])} "
              f"({clip(best['manager'])}), {fmt_slope(100 * best['mean_slope'])} (scores on 0–100), best on "
              f"{clip(best['best_capability'])} ({_slope(best['best_rise'])} points). Recognise movement, not only revenue.")
    basis = (f"top {fmt_count(n, 'rep')} by capability movement · up to {int(movers['n_cycles'].max())} cycles · "
             f"{int(movers['n_capabilities'].max())} capabilities")
    figures = [("Teams holding the top movers", f"{len(teams)}"), ("Top mover", f"{_slope(best['mean_slope'])} points/cycle")]
    return Insight("movers", head, detail, basis, figures, functools.partial(movers_chart, movers), True)


# ------------------------------------------------------------------------------ 8. Pareto
def pareto_insight(ws: Workspace, filters: Filters, index_amounts: bool) -> Insight:
    title = "Revenue concentration across reps"
    p = pareto(ws, filters, "rep")
    if p.n_entities == 0 or not (p.top_share == p.top_share):  # NaN: revenue not positive
        return _not_measured("pareto", title, NEEDS["pareto"],
                             detail="Not measured: " + p.sentence if p.n_entities else "")
    head = f"The top {p.top:.0%} of reps bring {p.top_share:.0%} of closed-won revenue"
    detail = (f"{p.n_top} of {p.n_entities} reps, ranked by closed-won revenue, bring {p.top_share:.0%} of "
              f"{fmt_money(p.revenue, index=index_amounts)} from {p.n_deals:,} won deals; an even spread would "
              f"give them {p.n_top / p.n_entities:.0%}.")
    if p.n_deals_unattributed:
        detail += f" {fmt_count(p.n_deals_unattributed, 'won deal')} with no rep recorded are left out."
    basis = f"{fmt_count(p.n_entities, 'rep')} with closed-won deals · {fmt_count(p.n_deals, 'won deal')}"
    figures = [(f"Revenue from the top {p.top:.0%}", f"{p.top_share:.0%}"),
               ("Closed-won revenue", fmt_money(p.revenue, index=index_amounts)),
               ("Reps in the top group", f"{p.n_top} of {p.n_entities}")]
    chart = functools.partial(_pareto_chart, p.table, p.top)
    return Insight("pareto", head, detail, basis, figures, chart, True)


# ------------------------------------------------------------------------------ 9. the needle
RHO_TITLE = "Spearman ρ across reps (95% interval)"


def _needle_findings(links: pd.DataFrame) -> pd.DataFrame:
    """The links offered as findings: measured, and not linked by definition."""
    if links.empty:
        return links
    return links[links["measured"] & ~links["by_definition"].astype(bool)]


def needle_chart(links: pd.DataFrame) -> alt.LayerChart:
    df = _needle_findings(links).copy()  # a link built in by definition is never plotted
    df["n_text"] = "n = " + df["n"].astype(str)
    order = df["link"].tolist()
    y = alt.Y("link:N", sort=order, title=None, axis=alt.Axis(labelLimit=480, labelOverlap=False))
    x = alt.X("rho:Q", title=RHO_TITLE, scale=alt.Scale(domain=[-1, 1]))
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=NEUTRAL, strokeDash=[4, 4]).encode(x="x:Q")
    ci = alt.Chart(df).mark_rule(strokeWidth=3, color=NOT_MEASURED).encode(
        y=y, x=alt.X("ci_low:Q", title=RHO_TITLE, scale=alt.Scale(domain=[-1, 1])), x2="ci_high:Q")
    dots = alt.Chart(df).mark_circle(size=200, color=INK, opacity=1).encode(
        y=y, x=x, tooltip=[alt.Tooltip("link:N", title="Link"), alt.Tooltip("rho:Q", format="+.2f", title="ρ"),
                           alt.Tooltip("n:Q", title="Reps"), alt.Tooltip("strength:N", title="Strength"),
                           alt.Tooltip("computed_from:N", title="Computed from"),
                           alt.Tooltip("ci_low:Q", format="+.2f", title="95% interval from"),
                           alt.Tooltip("ci_high:Q", format="+.2f", title="95% interval to")])
    n = alt.Chart(df).mark_text(align="left", dx=6, color=INK).encode(
        y=y, x=alt.X("ci_high:Q", scale=alt.Scale(domain=[-1, 1])), text="n_text:N")
    return alt.layer(zero, ci, dots, n).properties(width=WIDTH - 340, height=max(160, 60 * len(df)))


def needle_insight(ws: Workspace, filters: Filters, settings: Settings, chain: NeedleChain | None = None) -> Insight:
    """The chain's findings. A link whose two sides share a definition (won ÷ created beside won ÷
    closed) is never ranked, charted or called the strongest: it is named apart with the shared part."""
    title = "What moves the needle"
    chain = chain if chain is not None else needle_chain(ws, filters, settings)
    links = chain.links
    found = _needle_findings(links)
    built_in = links[links["by_definition"].astype(bool) & links["measured"]] if not links.empty else links
    if found.empty:  # nothing left to show: say why, the links built in by definition among the reasons
        reasons = " ".join(links.loc[~links["measured"], "reason"]) if not links.empty else ""
        apart = " ".join(f"Linked by definition, not a finding: {r.link} (both are built from {r.shared})."
                         for r in built_in.itertuples())
        apart += "".join(f" {r}" for r in dict.fromkeys(built_in["remedy"]) if r)
        detail = " ".join(p for p in (("Not measured: " + reasons) if reasons else "", apart) if p)
        return _not_measured("needle", title, NEEDS["needle"], detail=detail)
    clear = found[found["strength"] != "no clear link"]
    n_reps = f"{found['n'].min()}" if found["n"].nunique() == 1 else f"{found['n'].min()}–{found['n'].max()}"
    if clear.empty:
        head = f"No clear link from activities to revenue across {n_reps} reps"
    else:
        best = clear.loc[clear["rho"].abs().idxmax()]
        stat = f"(ρ = {best['rho']:+.2f}, n = {best['n']}), an association, not a cause".replace("-", "−")
        head = (f"Strongest link: {best['link']} {stat}" if len(found) > 1 else  # one link is no "strongest"
                f"{best['link'][:1].upper()}{best['link'][1:]}: a {best['strength']} link {stat}")
    detail = " ".join(found["sentence"])
    if clear.empty:
        detail += " These are associations between reps, not causes."
    unmeasured = links[~links["measured"]]
    for r in unmeasured.itertuples():
        reason = r.reason.rstrip(".")
        detail += f" Not measured: {r.link} ({reason[:1].lower() + reason[1:]})."
    # named in the basis only: the slide presents findings, and a link built in by definition is none
    left_out = "".join(f" · left out as linked by definition: {r.link} (both built from {r.shared})"
                       for r in built_in.itertuples())
    sides = dict(zip(found["x"], found["x_from"], strict=True)) | dict(zip(found["y"], found["y_from"], strict=True))
    defined = "; ".join(f"{MEASURE_WORDS.get(m, (m,))[0]} = {text}" for m, text in sides.items())
    basis = (f"{n_reps} reps · {fmt_count(len(found), 'link')} measured of {len(links)}{left_out} · Spearman rank "
             f"correlation, association not cause · computed from: {defined}")
    figures = [(r.link, f"ρ = {r.rho:+.2f}".replace("-", "−")) for r in found.head(3).itertuples()]
    return Insight("needle", head, detail, basis, figures, functools.partial(needle_chart, links), True)


# ------------------------------------------------------------------------------ all of them
@opens_run
def insights(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(),
             index_amounts: bool = False, *, diag: pd.DataFrame | None = None) -> list[Insight]:
    """The main findings of the workspace, one per screen, in story order (module docstring).

    ``diag`` may pass a :func:`analytics.diagnosis.dials.diagnosis` already computed for the same
    workspace, filters and settings (it is the slowest part). Amounts are formatted with
    :func:`analytics.fmt.fmt_money` (``index=index_amounts``).
    """
    # the four slowest parts are independent: computed on two threads (analytics.store.caching.in_parallel)
    given = diag
    diag, gaps, chain, movers = in_parallel([
        lambda: given if given is not None else diagnosis(ws, filters, settings),
        lambda: gap_classification(ws, filters, settings),
        lambda: needle_chain(ws, filters, settings),
        lambda: top_movers(ws, filters, settings, TOP_MOVERS),
    ])
    out = [hero_insight(diag, settings), coach_insight(diag), confidence_insight(diag, settings)]
    curve = dependency_curve(ws, filters, settings) if not diag.empty else pd.DataFrame(
        columns=["manager", "quarter", "n_complex_closed", "n_involved", "n_complex_not_measured", "dependency"])
    out.append(dependency_insight(diag, curve))
    out.append(gaps_insight(ws, gaps, settings, len(reps(ws, filters))))
    ft_columns = {"n_actions", "n_due", "n_completed_due", "n_completed", "n_revisited", "n_overdue",
                  "follow_through_rate"}
    out.append(follow_through_insight(
        diag if ft_columns <= set(diag.columns) else follow_through_by_manager(ws, filters, settings)))
    out.append(movers_insight(movers))
    out.append(pareto_insight(ws, filters, index_amounts))
    out.append(needle_insight(ws, filters, settings, chain))
    narrowed = diag.empty and not filters.is_default and not managers(ws).empty
    for i in out:  # a chart and figures only beside measured evidence
        if not i.measured:
            i.chart, i.figures = None, []
        if narrowed and i.missing == NEEDS["roster"]:  # the roster is there; the filters leave no one
            i.missing, i.detail = NEEDS["scope"], f"Not measured: needs {NEEDS['scope']}."
    return out
