"""Survey evidence: the Lead dial (direction, motivation, buy-in), the confidence gap, retention.

Respondents are often pseudonymous (``R-0452``), so an answer is attributed to the manager it
is about (``subject_manager``, resolved through ``v_person_ref`` when it is an ID), never to
the respondent's place in the roster.

What an item measures comes from ``settings.survey_item_rules``, keywords (:func:`analytics.settings.item_classifier`).
An answer is the manager's *own* when the respondent is the subject manager (after
resolving IDs), or when the respondent role is ``manager`` or ``self`` and the respondent is
not another person of the roster; every other answer is a rep's answer about their manager.

Scores are normalised to 0..1 by (score − scale_min) ÷ (scale_max − scale_min), with scale_min 1
and scale_max 5 when blank (a 0–10 question carries scale_min 0).
An answer *agrees* when its normalised score is at least (agree_score − 1) ÷ 4, i.e.
``settings.agree_score`` on a 5-point scale, rescaled for other scales (5 of 7 does not agree
with the default 4; 6 of 7 does).

Over-confidence is a flag with its uncertainty
-----------------------------------------------
The confidence gap (self-rating − share of reps who agree) carries an interval
(:func:`gap_interval`), and a manager is *over-confident* only when the whole interval lies above
``settings.overconfidence_min_gap``. Two assumptions, stated because the answers are not
independent draws:

* a manager's own answers are one person's stated view, not a sample: their share is taken as the
  claim being checked, and the interval is the reps' side's (Newcombe's hybrid score interval,
  method 10, with the self side's interval of zero width);
* one rep answering several waves is one voice heard several times, not several voices: the reps'
  side's Wilson score interval counts each respondent once (``n_rep_coaching_respondents``; an answer
  with no respondent counts as one), which widens it when the same reps answer every wave.

Scope of an answer
------------------
* period: ``survey_date`` inside the filter period;
* region / team / manager: the subject manager's own row in the roster gives their region and
  team; for a manager with no row (or a blank region/team there), their reps' rows do.
"""

from __future__ import annotations

from datetime import date
from statistics import NormalDist

import numpy as np
import pandas as pd

from analytics.filters import Filters
from analytics.people import managers, reps
from analytics.settings import Settings, item_classifier
from analytics.store.caching import per_data_version
from analytics.store.workspace import Workspace

#: Item kinds that feed the Lead dial -> output column.
LEAD_KINDS: dict[str, str] = {
    "direction": "lead_direction",
    "motivation": "lead_motivation",
    "buy_in": "lead_buy_in",
}
#: Respondent roles (lower case) that mark a manager answering about themselves.
SELF_ROLES: frozenset[str] = frozenset({"manager", "self"})
DEFAULT_SCALE_MAX = 5.0

SURVEY_COLUMNS = [
    "manager", *LEAD_KINDS.values(), "lead_survey", "n_survey_responses", "n_respondents",
    "self_rating", "n_self_ratings", "reps_agree", "n_rep_coaching_answers", "n_rep_coaching_respondents",
    "confidence_gap", "confidence_gap_low", "confidence_gap_high", "over_confident",
]
SURVEY_COUNTS = ("n_survey_responses", "n_respondents", "n_self_ratings", "n_rep_coaching_answers",
                 "n_rep_coaching_respondents")
RETENTION_COLUMNS = ["manager", "n_reps_in_period", "n_leavers", "retention"]

#: Answers with respondent and subject manager resolved to names.
_ANSWERS = """
SELECT sv.response_id, sv.respondent, coalesce(pr.name, sv.respondent) AS respondent_name,
       pr.name IS NOT NULL AS respondent_known, lower(trim(sv.respondent_role)) AS role,
       coalesce(pm.name, sv.subject_manager) AS manager,
       sv.item, sv.score, coalesce(sv.scale_max, ?) AS scale_max,
       coalesce(sv.scale_min, 1) AS scale_min, sv.survey_date
FROM surveys sv
LEFT JOIN v_person_ref pr ON pr.ref = sv.respondent
LEFT JOIN v_person_ref pm ON pm.ref = sv.subject_manager
"""

#: Region and team of each subject manager: their own roster row, else (per attribute) their reps'.
_SUBJECT_ATTRS = """
SELECT s.manager, coalesce(own.region, rp.region) AS region, coalesce(own.team, rp.team) AS team
FROM (SELECT DISTINCT manager FROM a) s
LEFT JOIN v_roster own ON own.name = s.manager
LEFT JOIN v_roster rp ON rp.manager_name = s.manager
"""


def agree_threshold(settings: Settings = Settings()) -> float:
    """Normalised score at or above which an answer agrees: (agree_score − 1) ÷ 4.

    >>> agree_threshold()
    0.75
    """
    return (settings.agree_score - 1.0) / 4.0


def wilson_interval(share, n, confidence: float = 0.7) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion observed as ``share`` over ``n`` trials (arrays or
    numbers; NaN where n is 0 or the share is missing).

    >>> lo, hi = wilson_interval(0.5, 10, 0.95)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.237, 0.763)
    >>> [round(float(x), 3) for x in wilson_interval(1.0, 4, 0.95)]
    [0.51, 1.0]
    """
    p = np.asarray(share, dtype=float)
    n = np.asarray(n, dtype=float)
    n = np.where(n > 0, n, np.nan)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def gap_interval(self_rating, reps_agree, n_reps, confidence: float = 0.7) -> tuple[np.ndarray, np.ndarray]:
    """Interval of the confidence gap self_rating − reps_agree: the self-rating as stated (one
    person's view, see the module docstring), the reps' share by its Wilson score interval over
    ``n_reps`` respondents (Newcombe's method 10 with a zero-width self side).

    >>> lo, hi = gap_interval(1.0, 0.2, 10, 0.9)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.541, 0.931)
    """
    lo, hi = wilson_interval(reps_agree, n_reps, confidence)
    own = np.asarray(self_rating, dtype=float)
    return own - hi, own - lo


def over_confidence(low, high, n_self, n_reps, settings: Settings = Settings()) -> pd.Series:
    """The over-confidence flag from the gap's interval: True when its lower bound is above
    ``overconfidence_min_gap``; False when its upper bound is not, or when it straddles the
    minimum on at least ``overconfidence_min_answers`` reps and a self-answer (not clearly
    over-confident); None (cannot tell) when it straddles on fewer answers or is not measured.

    >>> over_confidence([0.5, 0.1, 0.2, 0.2, np.nan], [0.9, 0.3, 0.6, 0.6, np.nan],
    ...                 [2, 2, 2, 2, 0], [10, 10, 10, 3, 0]).tolist()
    [True, False, False, None, None]
    """
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    bar = settings.overconfidence_min_gap
    enough = (np.asarray(n_self) >= 1) & (np.asarray(n_reps) >= settings.overconfidence_min_answers)
    flag = np.where(low > bar, True, np.where((high <= bar) | enough, False, None))
    return pd.Series(flag, dtype=object).where(~np.isnan(low), None)


def _points(x: float) -> str:
    return f"{100 * x:+.0f}".replace("-", "−")


def confidence_verdict(row, settings: Settings = Settings()) -> str:
    """One manager's over-confidence in words, with the interval and the n it rests on (a row of
    :func:`survey_by_manager`, or of the diagnosis that carries its columns).

    >>> confidence_verdict({"confidence_gap": 0.8, "confidence_gap_low": 0.6, "confidence_gap_high": 0.93,
    ...                     "over_confident": True, "n_self_ratings": 2, "n_rep_coaching_respondents": 7})
    'gap +60 to +93 points (70% interval): over-confident, clearly wider than 45 points'
    >>> confidence_verdict({"confidence_gap": 0.5, "confidence_gap_low": 0.1, "confidence_gap_high": 0.8,
    ...                     "over_confident": None, "n_self_ratings": 2, "n_rep_coaching_respondents": 3})
    'gap +10 to +80 points (70% interval): cannot tell, only 3 reps answered (5 needed)'
    """
    gap = row.get("confidence_gap")
    if gap is None or pd.isna(gap):
        return "not measured: needs the manager's self-rating and reps' answers on coaching consistency"
    span = (f"gap {_points(row.get('confidence_gap_low'))} to {_points(row.get('confidence_gap_high'))} points "
            f"({settings.overconfidence_confidence:.0%} interval)")
    bar = f"{100 * settings.overconfidence_min_gap:.0f} points"
    flag = row.get("over_confident")
    if flag is None or pd.isna(flag):
        n_self, n_reps = int(row.get("n_self_ratings") or 0), int(row.get("n_rep_coaching_respondents") or 0)
        short = (f"only {n_reps} reps answered ({settings.overconfidence_min_answers} needed)" if n_self
                 else "no self-answer")
        return f"{span}: cannot tell, {short}"
    return f"{span}: over-confident, clearly wider than {bar}" if flag else f"{span}: not clearly wider than {bar}"


def normalised(score: pd.Series, scale_max: pd.Series, scale_min: pd.Series | None = None) -> pd.Series:
    """(score − scale_min) ÷ (scale_max − scale_min), scale_min 1 when not given; NaN where the
    scale has no range.

    >>> normalised(pd.Series([4.0, 5.0]), pd.Series([5.0, 7.0])).round(4).tolist()
    [0.75, 0.6667]
    >>> normalised(pd.Series([0.0, 10.0]), pd.Series([10.0, 10.0]), pd.Series([0.0, 0.0])).tolist()
    [0.0, 1.0]
    """
    top = scale_max.astype(float)
    low = pd.Series(1.0, index=score.index) if scale_min is None else scale_min.astype(float)
    return (score.astype(float) - low) / (top - low).where(top > low)


def classify_items(ws: Workspace, settings: Settings = Settings()) -> pd.DataFrame:
    """Every distinct survey item with what it measures.

    Returns
    -------
    pandas.DataFrame
        item, kind (``settings.classify_item`` rules: direction, motivation, buy_in,
        coaching_rep, coaching_self; None when no rule matches), n_responses; most answered first.
    """
    frame = ws.query("SELECT item, count(*) AS n_responses FROM surveys WHERE item IS NOT NULL "
                     "GROUP BY item ORDER BY n_responses DESC, item")
    classify = item_classifier(settings.survey_item_rules)
    kinds = [classify(i) for i in frame["item"]]
    out = pd.DataFrame({"item": frame["item"].astype(object),
                        "kind": pd.Series(kinds, index=frame.index, dtype=object),
                        "n_responses": frame["n_responses"].astype("int64")})
    return out


def answers(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Survey answers in scope, one row each, with what they measure.

    Columns: response_id, respondent, manager (the subject manager's name), item, kind,
    score, scale_max (5 when blank), survey_date, norm = (score − scale_min) ÷ (scale_max − scale_min)
    (scale_min 1 when blank),
    agrees (norm ≥ :func:`agree_threshold`; NaN when norm is), is_self (the manager's own answer,
    see the module docstring).
    """
    period, p_params = filters.period().clause(date="a.survey_date")
    params: list = [DEFAULT_SCALE_MAX, *p_params]
    who_sql = "TRUE"
    if filters.picks_people:
        who, w_params = filters.people.clause(
            region="x.region", team="x.team", manager="x.manager")
        who_sql = f"a.manager IN (SELECT x.manager FROM ({_SUBJECT_ATTRS}) x WHERE {who})"
        params += w_params
    frame = ws.query(
        f"""WITH a AS ({_ANSWERS})
            SELECT a.response_id, a.respondent, a.respondent_name, a.respondent_known, a.role,
                   a.manager, a.item, a.score, a.scale_max, a.scale_min, a.survey_date
            FROM a WHERE a.manager IS NOT NULL AND {period} AND {who_sql}""",
        params,
    )
    classify = item_classifier(settings.survey_item_rules)
    kinds = {i: classify(i) for i in frame["item"].dropna().unique()}
    frame["kind"] = frame["item"].map(kinds).astype(object)
    frame["norm"] = normalised(frame["score"], frame["scale_max"], frame["scale_min"])
    frame["agrees"] = (frame["norm"] >= agree_threshold(settings) - 1e-9).astype(float).where(frame["norm"].notna())
    same = frame["respondent_name"] == frame["manager"]
    # a "manager" role marks a self-rating unless the respondent is someone else in the roster
    # (a manager rating their own director is a report answering about their manager)
    frame["is_self"] = same | (frame["role"].isin(SELF_ROLES) & ~frame["respondent_known"].astype(bool))
    return frame[["response_id", "respondent", "manager", "item", "kind", "score", "scale_max",
                  "survey_date", "norm", "agrees", "is_self"]]


def survey_by_manager(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Lead-dial survey scores and the confidence gap per manager.

    Parameters
    ----------
    ws : the workspace.
    filters : period on ``survey_date``; region/team/manager through the subject manager.
    settings : ``survey_item_rules`` (what an item measures) and ``agree_score``.

    Returns
    -------
    pandas.DataFrame
        One row per manager of :func:`analytics.people.managers`, with

        * ``lead_direction``, ``lead_motivation``, ``lead_buy_in`` = mean of
          (score − 1) ÷ (scale_max − 1) over reps' answers about the manager to items of that
          kind; ``lead_survey`` = mean of the three that are measured;
          ``n_survey_responses`` = reps' answers to those items, ``n_respondents`` = distinct
          respondents among them;
        * ``self_rating`` = share of the manager's own ``coaching_self`` answers that agree,
          over ``n_self_ratings`` answers;
        * ``reps_agree`` = share of reps' ``coaching_rep`` answers about the manager that agree,
          over ``n_rep_coaching_answers``;
        * ``n_rep_coaching_respondents`` = distinct reps among those answers (an answer with no
          respondent counts as one);
        * ``confidence_gap`` = self_rating − reps_agree (NaN unless both are measured), with
          ``confidence_gap_low``/``confidence_gap_high`` its interval (:func:`gap_interval` at
          ``settings.overconfidence_confidence`` over the respondents);
        * ``over_confident``: True / False / None = cannot tell (:func:`over_confidence`).

        Agree: (score − 1) ÷ (scale_max − 1) ≥ (agree_score − 1) ÷ 4. No answers: NaN, count 0.
    """
    parts = _survey_parts(ws, filters.without_people(), settings)
    if filters.picks_people:
        picked = _picked_parts(ws, filters, parts)
        # a part the pick leaves empty: computed directly, as the code before did (its columns then
        # come from no one's rows)
        parts = picked if all((p is None) == (q is None) for p, q in zip(parts, picked, strict=True)) \
            else _survey_parts.__wrapped__(ws, filters, settings)
    return _from_parts(ws, filters, settings, parts)


def _from_parts(ws: Workspace, filters: Filters, settings: Settings, parts: tuple) -> pd.DataFrame:
    """:func:`survey_by_manager` from the parts of :func:`_survey_parts` for the same filters (the
    direct computation is ``_from_parts(ws, f, s, _survey_parts.__wrapped__(ws, f, s))``)."""
    means, counts, own, theirs = parts
    out = managers(ws, filters)[["manager"]].copy()
    if means is not None:
        out = out.merge(means, left_on="manager", right_index=True, how="left")
        out = out.merge(counts, left_on="manager", right_index=True, how="left")
    if own is not None:
        out = out.merge(own, left_on="manager", right_index=True, how="left")
    if theirs is not None:
        out = out.merge(theirs, left_on="manager", right_index=True, how="left")
        out["n_rep_coaching_respondents"] = out.pop("n_known") + out.pop("n_blank")
    for c in SURVEY_COLUMNS[1:]:
        if c not in out.columns:
            out[c] = np.nan
    for c in SURVEY_COUNTS:
        out[c] = out[c].fillna(0).astype("int64")
    lead_cols = list(LEAD_KINDS.values())
    for c in (*lead_cols, "self_rating", "reps_agree"):
        out[c] = out[c].astype(float)
    out["lead_survey"] = out[lead_cols].mean(axis=1, skipna=True).where(out[lead_cols].notna().any(axis=1), np.nan)
    out["confidence_gap"] = out["self_rating"] - out["reps_agree"]
    low, high = gap_interval(out["self_rating"], out["reps_agree"], out["n_rep_coaching_respondents"],
                             settings.overconfidence_confidence)
    measured = out["confidence_gap"].notna().to_numpy()
    out["confidence_gap_low"] = np.where(measured, low, np.nan)
    out["confidence_gap_high"] = np.where(measured, high, np.nan)
    out["over_confident"] = over_confidence(out["confidence_gap_low"], out["confidence_gap_high"],
                                            out["n_self_ratings"], out["n_rep_coaching_respondents"],
                                            settings).to_numpy()
    return out[SURVEY_COLUMNS].reset_index(drop=True)


@per_data_version(pool="filtered")
def _survey_parts(ws: Workspace, filters: Filters, settings: Settings) -> tuple:
    """Per subject manager, from the answers in scope: the Lead kinds' means, their counts, the
    self-ratings' and the reps' coaching answers' aggregates (each None when no answer has it).

    Each manager's figures come from the answers about that manager alone, and the people filters
    pick whole subject managers (:func:`_subjects_in`), so :func:`survey_by_manager` holds these per
    period (with the filters' people part left out) and picks the managers of a region, team or
    manager change from them instead of reading and grouping the answers again."""
    a = answers(ws, filters, settings)
    a = a[a["norm"].notna()]
    rep = a[~a["is_self"]]
    lead = rep[rep["kind"].isin(list(LEAD_KINDS))]
    means = counts = mine = theirs_agg = None
    if not lead.empty:
        means = lead.pivot_table(index="manager", columns="kind", values="norm", aggfunc="mean").rename(
            columns=LEAD_KINDS)
        counts = lead.groupby("manager").agg(n_survey_responses=("norm", "size"),
                                             n_respondents=("respondent", "nunique"))
    own = a[a["is_self"] & (a["kind"] == "coaching_self")]
    if not own.empty:
        mine = own.groupby("manager").agg(self_rating=("agrees", "mean"), n_self_ratings=("agrees", "size"))
    theirs = rep[rep["kind"] == "coaching_rep"]
    if not theirs.empty:
        # one rep answering every wave is one voice: each respondent counts once (a blank one, once each)
        theirs_agg = theirs.assign(blank=theirs["respondent"].isna()).groupby("manager").agg(
            reps_agree=("agrees", "mean"), n_rep_coaching_answers=("agrees", "size"),
            n_known=("respondent", "nunique"), n_blank=("blank", "sum"))
    return means, counts, mine, theirs_agg


@per_data_version
def _subject_places(ws: Workspace) -> pd.DataFrame:
    """Every subject manager's region and team rows (:data:`_SUBJECT_ATTRS`, over all answers)."""
    return ws.query(f"WITH a AS ({_ANSWERS}) SELECT x.manager, x.region, x.team FROM ({_SUBJECT_ATTRS}) x",
                    [DEFAULT_SCALE_MAX])


def _subjects_in(ws: Workspace, filters: Filters) -> pd.Series:
    """The subject managers the people filters pick, as :func:`answers` picks them in SQL (a
    manager is in when any of their region/team rows is)."""
    places = _subject_places(ws)
    return places.loc[filters.people.mask(places, region="region", team="team", manager="manager"), "manager"]


def _picked_parts(ws: Workspace, filters: Filters, parts: tuple) -> tuple:
    """The subject managers the people filters pick, from each part of :func:`_survey_parts`
    (None for a part with no one left)."""
    keep = set(_subjects_in(ws, filters).dropna())
    out = []
    for part in parts:
        if part is not None:
            part = part[part.index.isin(keep)]
            part = None if part.empty else part
        out.append(part)
    return tuple(out)


def _date(value) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


@per_data_version
def data_span(ws: Workspace) -> tuple[date | None, date | None]:
    """First and last date of the evidence: deals (created; closed deals' close dates),
    activities, coaching sessions, surveys, reviews and development actions assigned."""
    row = ws.row(
        """SELECT min(d), max(d) FROM (
               SELECT created_date AS d FROM v_opportunities
               UNION ALL SELECT close_date FROM v_opportunities WHERE is_closed
               UNION ALL SELECT activity_date FROM activities
               UNION ALL SELECT session_date FROM coaching_sessions
               UNION ALL SELECT survey_date FROM surveys
               UNION ALL SELECT review_date FROM reviews
               UNION ALL SELECT assigned_date FROM development_actions) WHERE d IS NOT NULL"""
    )
    return _date(row[0]), _date(row[1])


def retention_by_manager(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Rep retention per manager over the period.

    The period is the filter period; an open end is taken from :func:`data_span` (the span of
    the evidence tables), and stays open when the workspace holds no dated evidence.

    Returns
    -------
    pandas.DataFrame
        One row per manager of :func:`analytics.people.managers`, with

        * ``n_reps_in_period`` = the manager's reps (roster, filters applied) whose
          [start_date, end_date] overlaps the period (a blank start or end is open);
        * ``n_leavers`` = those whose end_date lies inside the period;
        * ``retention`` = 1 − n_leavers ÷ n_reps_in_period. NaN when the roster has no start or
          end date at all (not measured), or the manager has no rep in the period.
    """
    base = managers(ws, filters)[["manager"]]
    dated = ws.scalar("SELECT count(start_date) + count(end_date) FROM people")
    lo, hi = data_span(ws)
    start = filters.start if filters.start is not None else lo
    end = filters.end if filters.end is not None else hi
    r = reps(ws, filters)
    r = r[r["manager"].notna()].copy()
    starts = pd.to_datetime(r["start_date"])
    ends = pd.to_datetime(r["end_date"])
    in_period = pd.Series(True, index=r.index)
    left = ends.notna()
    if end is not None:
        in_period &= starts.isna() | (starts <= pd.Timestamp(end))
        left &= ends <= pd.Timestamp(end)
    if start is not None:
        in_period &= ends.isna() | (ends >= pd.Timestamp(start))
        left &= ends >= pd.Timestamp(start)
    r["in_period"] = in_period.astype("int64")
    r["leaver"] = (left & in_period).astype("int64")
    counts = r.groupby("manager", as_index=False).agg(n_reps_in_period=("in_period", "sum"),
                                                      n_leavers=("leaver", "sum"))
    out = base.merge(counts, on="manager", how="left")
    for c in ("n_reps_in_period", "n_leavers"):
        out[c] = out[c].fillna(0).astype("int64")
    measured = bool(dated) and not out.empty
    rate = 1.0 - out["n_leavers"] / out["n_reps_in_period"].where(out["n_reps_in_period"] > 0)
    out["retention"] = rate.astype(float) if measured else np.nan
    return out[RETENTION_COLUMNS]
