"""Act on gaps: skill gap or fit gap, per rep and capability (the reps who moved most: :mod:`analytics.diagnosis.movers`).

FRAMEWORK.md, "Act on gaps": a *skill gap* gets more coaching and targeted training; a *fit
gap* (no movement despite real coaching and follow-through) gets a territory or role change,
and in the end an exit. This module places every rep below standard in one of four categories,
with the counts behind the placement in one plain sentence and the matching step of the
performance-management cycle. The wording describes evidence, never a verdict about a person.

Standards (from :class:`analytics.settings.Settings`)
-----------------------------------------------------
* **results**: attainment (closed-won amount in the rep's quota periods ÷ their quota, as in
  :func:`analytics.results.attainment.attainment_by_manager`) below ``results_standard``; a rep with no quota
  in scope is *not measured* on results, never below it.
* **capability**: the latest normalised score (the rep's last review cycle with a score on the
  capability, as of the filter's end) below ``capability_standard``.

Both comparisons round to 9 decimals first (a mean of 0.5s is not "below" 0.5 by a float error).

As of, scope and attribution
----------------------------
The history of a rep reaches back before the filter period and stops at its end (the period's
start does not hide a gap named earlier). Region and team filters apply to the rep's roster row;
the manager filter applies to each row's ``manager``, which is the manager at the time:

* a named gap belongs to the manager who first named it (:func:`analytics.signals.capability.named_gaps`);
* a gap never named belongs to the manager of the rep's latest review on it (the reviewer, else
  the roster manager, see :func:`analytics.signals.capability.review_scores`);
* a results-only row belongs to the rep's roster manager (whose team holds the quota).

A rep who had left by the as-of day (roster ``end_date`` before it) is not listed: there is no
gap left to act on. As of = the filter's end, else the latest review date, else the latest close
date of a closed deal (never the wall clock).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

try:  # what DataFrame.to_dict boxes values with (pandas is pinned; a private module may move)
    from pandas.core.dtypes.cast import maybe_box_native
except ImportError:  # pragma: no cover
    def maybe_box_native(value):
        return value.item() if isinstance(value, np.generic) else value

from analytics.filters import Filters
from analytics.fmt import fmt_count, fmt_pct
from analytics.people import roster_names
from analytics.results.attainment import ATTAINMENT_COLUMNS, rep_attainment
from analytics.settings import Settings
from analytics.signals import capability as cap
from analytics.signals import follow_through as ft
from analytics.signals.coaching import coaching_by_manager
from analytics.store.caching import opens_run, per_data_version
from analytics.store.workspace import Workspace

#: Comparisons with a standard are made after rounding to this many decimals.
DECIMALS = 9

DEVELOPED = "Skill gap being developed"
NOT_WORKED = "Skill gap not being worked"
FIT_GAP = "Fit gap"
NOT_ENOUGH = "Not enough evidence"
#: The four categories, in the order a page lists them.
CATEGORIES = (FIT_GAP, NOT_WORKED, DEVELOPED, NOT_ENOUGH)

#: The matching step of the performance-management cycle per category (not enough evidence
#: names what would place the row, so it varies; see :data:`NEXT_STEP_NEEDS`).
NEXT_STEP = {
    DEVELOPED: "Keep the cadence: more repetition on this capability until it holds under pressure.",
    NOT_WORKED: "Manager's action: name the gap in the next 1:1 and assign targeted practice with a due date.",
    FIT_GAP: ("Real coaching and follow-through have not moved this: discuss role or territory fit, "
              "with the evidence, in a direct conversation."),
}
#: Next step of a "Not enough evidence" row, by what is missing.
NEXT_STEP_NEEDS = {
    "no_reviews": ("Load the capability reviews export (a score per rep, capability and cycle): it would show "
                   "whether a capability gap sits behind the results."),
    "reviews_at_standard": ("Every reviewed capability meets standard, so the reviews do not explain the results: "
                            "look at the Manage evidence (pipeline coverage, activity standards), or add the "
                            "capability behind the shortfall to the next review."),
    "no_namings": ("Load the coaching sessions export (with the focus capability) and the development actions "
                   "export: they would show whether this gap is named and worked."),
    "not_measured": ("No review score on this capability since it was named: the next review cycle's score "
                     "would show whether it moves."),
}

GAP_COLUMNS = ["rep", "manager", "capability", "latest_norm", "attainment", "below_on", "named",
               "n_sessions_on_it", "n_actions", "n_actions_completed", "cycles_worked", "moved", "gap_status",
               "category", "evidence", "next_step",
               # beside the contract: what the evidence sentence reads
               "named_cycles", "baseline_norm", "reached_standard"]

#: The columns of a candidate row that the placement and the output row read.
_PLACE_COLUMNS = ["rep", "named_manager", "latest_manager", "capability", "latest_norm", "attainment",
                  "below_results", "named", "n_sessions_on_it", "n_actions", "n_actions_completed",
                  "cycles_worked", "gap_status", "named_cycles", "baseline_norm", "reached_standard",
                  "n_window_cycles", "n_cycles", "first_norm", "rise"]

_NUMBER_WORDS = {0: "zero", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                 8: "eight", 9: "nine", 10: "ten"}


# ------------------------------------------------------------------------------ helpers
def _below(value: float, standard: float) -> bool:
    return bool(pd.notna(value) and round(float(value), DECIMALS) < standard)




def _words(n: int) -> str:
    return _NUMBER_WORDS.get(int(n), str(int(n)))


def _fmt(x: float) -> str:
    """A normalised score (0–1) on the 0–100 scale the pages draw: 0.45 → "45"."""
    if isinstance(x, float):  # NumPy's float64 too: missing only as NaN (pd.isna's answer, faster per row)
        return "n/a" if x != x else f"{100 * x:.0f}"
    return "n/a" if pd.isna(x) else f"{100 * x:.0f}"


def _rise(x: float) -> str:
    """A rise of normalised scores in points of the 0–100 scale: 0.15 → "15 points"."""
    return fmt_count(round(100 * x), "point")


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """``frame[columns].to_dict("records")``, the same values, without iterating string columns
    element by element (they are read as one object array)."""
    columns = [c for c in columns if c in frame.columns]
    values = []
    for c in columns:
        col = frame[c]
        if isinstance(col.dtype, pd.StringDtype):  # str or NA value, as iterating the column gives
            values.append(col.to_numpy(dtype=object, na_value=col.dtype.na_value).tolist())
        elif col.dtype == object:
            values.append([maybe_box_native(v) for v in col.tolist()])
        else:
            values.append(list(col))
    if not columns:
        return [{} for _ in range(len(frame))]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _names(values: pd.Series) -> set:
    """``set(values)``, read as one object array (not value by value)."""
    return set(values.to_numpy(dtype=object).tolist())


def _isin(values: pd.Series, people: set) -> pd.Series:
    """``values.isin(people)`` for a set of names (looked up in one hash table, not value by value)."""
    return pd.Series(pd.Index(values.to_numpy(dtype=object), dtype=object).isin(list(people)), index=values.index)


def _people_only(filters: Filters) -> Filters:
    """Region and team (through the roster) and the period's end: the rep's history up to as-of."""
    return filters.regions_and_teams().with_(end=filters.end)


def gaps_as_of(ws: Workspace, filters: Filters = Filters()) -> pd.Timestamp | None:
    """The day leavers are judged on: ``filters.end``, else the latest review date, else the
    latest close date of a closed deal; None when the workspace has none of these."""
    if filters.end is not None:
        return pd.Timestamp(filters.end)
    for sql in ("SELECT max(review_date) FROM reviews", "SELECT max(close_date) FROM v_opportunities WHERE is_closed"):
        value = ws.scalar(sql)
        if value is not None and not pd.isna(value):
            return pd.Timestamp(value)
    return None


def leavers(ws: Workspace, filters: Filters) -> set[str]:
    """Reps whose roster end_date is before :func:`gaps_as_of` (they had left by then)."""
    day = gaps_as_of(ws, filters)
    if day is None:
        return set()
    ends = ws.query("SELECT name, end_date FROM v_roster WHERE end_date IS NOT NULL")
    return set(ends.loc[pd.to_datetime(ends["end_date"]) < day, "name"].to_numpy(dtype=object).tolist())


# ------------------------------------------------------------------------------ evidence per gap
def _rep_calendars(ws: Workspace, filters: Filters, scores: pd.DataFrame,
                   reps) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per rep of ``reps`` (its row; the row after the last: anyone else), the review cycles held
    by as-of with the date a naming is compared with, as (rep row of each of ``reps``, dates in
    nanoseconds reps x cycles by cycle index, which are placed).

    Same rule as :func:`analytics.signals.capability.named_gaps`: the rep's own review date in the cycle
    when reviewed, else the cycle's date; a cycle that cannot be placed in time is left out.
    """
    cyc = cap.cycles(ws)
    if filters.end is not None:
        cyc = cyc[cyc["cycle_date"].isna() | (cyc["cycle_date"] <= pd.Timestamp(filters.end))]
    held = cyc.sort_values("cycle_index", kind="stable")
    held_idx = held["cycle_index"].to_numpy(dtype="int64")
    firsts = scores.groupby(["rep", "cycle_index"], sort=False)["review_date"].min().dropna()
    known = pd.Index(pd.unique(firsts.index.get_level_values(0).to_numpy(dtype=object)), dtype=object)
    rep_row = known.get_indexer(pd.Index(np.asarray(reps, dtype=object), dtype=object))
    rep_row = np.where(rep_row < 0, len(known), rep_row)  # a rep without an own date: the cycles' dates
    ns, ok = cap._dates_ns(held["cycle_date"].to_numpy())
    cal_ns = np.tile(ns, (len(known) + 1, 1))
    cal_ok = np.tile(ok, (len(known) + 1, 1))
    if len(firsts) and len(held_idx):
        r = known.get_indexer(firsts.index.get_level_values(0).to_numpy(dtype=object))
        h, found = cap._held_positions(held_idx, firsts.index.get_level_values(1))
        own_ns, _ = cap._dates_ns(firsts.to_numpy())
        cal_ns[r[found], h[found]] = own_ns[found]
        cal_ok[r[found], h[found]] = True
    return rep_row, cal_ns, cal_ok


def _work_on_gaps(ws: Workspace, filters: Filters, scores: pd.DataFrame) -> pd.DataFrame:
    """Per (rep, cap_key): sessions with that focus, actions, completed actions, cycles worked.

    Actions as in :func:`analytics.signals.follow_through.actions`: assigned by the filter's end, rep
    resolved through ``v_person_ref``, completed when completed_date ≤ its as-of day.
    """
    scope = _people_only(filters)
    day = ft.as_of(ws, scope)
    s_sql, s_params = filters.until_end().clause(date="s.session_date")
    a_sql, a_params = filters.until_end().clause(date="a.assigned_date")
    r_sql, r_params = scope.regions_and_teams().clause(person="x.rep")
    frame = ws.query(
        f"""WITH x AS (
                SELECT coalesce(pr.name, s.rep) AS rep, lower(trim(s.focus_capability)) AS cap_key,
                       1 AS is_session, 0 AS is_action, false AS done, NULL::DATE AS assigned_date
                FROM coaching_sessions s LEFT JOIN v_person_ref pr ON pr.ref = s.rep
                WHERE nullif(trim(s.focus_capability), '') IS NOT NULL AND s.session_date IS NOT NULL AND {s_sql}
                UNION ALL
                SELECT coalesce(pr.name, a.rep), lower(trim(a.capability)), 0, 1,
                       coalesce(a.completed_date <= ?, false), a.assigned_date
                FROM development_actions a LEFT JOIN v_person_ref pr ON pr.ref = a.rep
                WHERE nullif(trim(a.capability), '') IS NOT NULL AND {a_sql})
            SELECT rep, cap_key, sum(is_session) AS n_sessions_on_it, sum(is_action) AS n_actions,
                   count(*) FILTER (WHERE done) AS n_actions_completed,
                   list(assigned_date) FILTER (WHERE done AND assigned_date IS NOT NULL) AS done_dates
            FROM x WHERE {r_sql} GROUP BY ALL""",
        s_params + [None if day is None else day.date()] + a_params + r_params,
    )
    # each completed action falls in the first cycle (by index) of its rep's calendar dated on or
    # after its assigned date; cycles_worked counts the distinct cycles (vectorised over all rows)
    rep_row, cal_ns, cal_ok = _rep_calendars(ws, filters, scores, frame["rep"].to_numpy(dtype=object))
    none = np.array([], dtype="datetime64[ns]")
    dates = [d if isinstance(d, list | tuple | np.ndarray) and len(d) else none for d in frame["done_dates"].tolist()]
    frame["cycles_worked"] = cap._named_cycle_counts(dates, rep_row, cal_ns, cal_ok)
    for c in ("n_sessions_on_it", "n_actions", "n_actions_completed", "cycles_worked"):
        frame[c] = frame[c].fillna(0).astype("int64")
    return frame[["rep", "cap_key", "n_sessions_on_it", "n_actions", "n_actions_completed", "cycles_worked"]]


def _latest_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Per (rep, cap_key): the latest cycle's mean normalised score, its manager and the first score."""
    s = scores[scores["score_norm"].notna()]
    s = s.assign(cap_key=s["capability"].str.strip().str.lower()).sort_values(["rep", "cap_key", "cycle_index"])
    keys = ["rep", "cap_key"]
    mean = s.groupby([*keys, "cycle_index"])["score_norm"].transform("mean")
    s = s.assign(score_norm=mean).drop_duplicates([*keys, "cycle_index"], keep="last")
    last = s.drop_duplicates(keys, keep="last").set_index(keys)
    first = s.drop_duplicates(keys, keep="first").set_index(keys)
    out = pd.DataFrame({"capability": last["capability"], "latest_norm": last["score_norm"],
                        "latest_manager": last["manager"], "first_norm": first["score_norm"],
                        "n_cycles": s.groupby(keys)["cycle_index"].size()})
    return out.reset_index()


# ------------------------------------------------------------------------------ placement
def _setting_words(settings: Settings) -> tuple[str, str]:
    """The words of the settings every placement's text repeats: the cycles a rise must come
    within, and the capability standard."""
    return _words(settings.moved_within_cycles), f"standard {_fmt(settings.capability_standard)} of 100"


def _place(r: dict, settings: Settings, namings_loaded: bool, within: str, standard: str) -> tuple[str, str, str]:
    """(category, evidence, next_step) of one capability row; see :func:`gap_classification`.
    ``within`` and ``standard`` are the settings' words (:func:`_setting_words`), made once per
    classification by its caller rather than once per row."""
    results = ""
    if r["below_results"]:
        results = (f" Attainment {fmt_pct(r['attainment']) or 'n/a'} is also below the results standard of "
                   f"{fmt_pct(settings.results_standard)}.")
    if not namings_loaded:
        text = (f"Score {_fmt(r['latest_norm'])} ({standard}); no coaching log or development actions name a "
                f"capability, so whether this gap is worked cannot be seen.{results}")
        return NOT_ENOUGH, text, NEXT_STEP_NEEDS["no_namings"]
    if not r["named"]:
        trend = ""
        if r["n_cycles"] >= 2:
            trend = f", {_fmt(r['first_norm'])} → {_fmt(r['latest_norm'])} over {fmt_count(int(r['n_cycles']), 'cycle')}"
        text = (f"Never named in a coaching session or development action; score {_fmt(r['latest_norm'])} "
                f"({standard}){trend}.{results}")
        return NOT_WORKED, text, NEXT_STEP[NOT_WORKED]

    named_cycles = "" if pd.isna(r["named_cycles"]) else f" in {fmt_count(int(r['named_cycles']), 'cycle')}"
    sessions = fmt_count(r["n_sessions_on_it"], "session") if r["n_sessions_on_it"] else "no session"
    actions = (f"{r['n_actions_completed']} of {fmt_count(r['n_actions'], 'action')} completed" if r["n_actions"]
               else "no development action")
    work = f"Named{named_cycles}, {sessions}, {actions}"
    if r["n_actions_completed"]:
        work += f" (follow-through in {fmt_count(r['cycles_worked'], 'cycle')})"
    status = r["gap_status"]
    score = f"score {_fmt(r['baseline_norm'])} → {_fmt(r['latest_norm'])}"
    rose = pd.notna(r.get("rise"))
    if status == "moved":
        move = f"a rise of {_rise(r['rise'])} within {within} cycles, held the next cycle"
        if r["reached_standard"]:
            move += f", now at or above the {standard}"
    elif status in ("stuck", "not moved"):
        move = (f"no rise of {_rise(settings.moved_rise)} above the rating noise that held, within {within} cycles")
    elif status == "too early" and r["n_window_cycles"] >= settings.moved_within_cycles and rose:
        move = f"too early to judge: a rise of {_rise(r['rise'])}, whether it holds shows next cycle"
    elif status == "too early":
        move = (f"too early to judge: {r['n_window_cycles']} of {settings.moved_within_cycles} cycles held "
                "since it was named")
    elif rose:
        move = f"a rise of {_rise(r['rise'])}, but no review score since to show it held"
    else:
        score, move = f"score {_fmt(r['latest_norm'])} ({standard})", "no review score since it was named"
    text = f"{work}; {score}, {move}.{results}"

    coached = r["n_sessions_on_it"] > 0 or r["n_actions_completed"] > 0
    if not coached:
        return NOT_WORKED, text + " Named, but no session on it and no action completed.", NEXT_STEP[NOT_WORKED]
    if status == "moved" or status == "too early":
        return DEVELOPED, text, NEXT_STEP[DEVELOPED]
    if status in ("stuck", "not moved"):
        share_done = r["n_actions_completed"] / r["n_actions"] if r["n_actions"] else 0.0
        real_follow_through = share_done >= settings.fit_gap_min_follow_through
        q = r.get("coaching_quality")
        q_known = q is not None and not pd.isna(q)
        if r["cycles_worked"] >= settings.fit_gap_min_cycles and real_follow_through:
            if q_known and q < settings.fit_gap_min_coaching_quality:
                return (NOT_WORKED,
                        text + f" The naming manager's sessions show the four coaching behaviours {q:.0%} of the "
                               f"time, under the {settings.fit_gap_min_coaching_quality:.0%} that real coaching needs "
                               "before a fit-gap reading: the coaching is the first thing to change.",
                        NEXT_STEP[NOT_WORKED])
            note = "" if q_known else " (Coaching quality not measured: no behaviour flags in the coaching log.)"
            return FIT_GAP, text + note, NEXT_STEP[FIT_GAP]
        if r["cycles_worked"] >= settings.fit_gap_min_cycles:
            return (NOT_WORKED,
                    text + f" Only {int(r['n_actions_completed'])} of {int(r['n_actions'])} actions on it were "
                           f"completed, under the {settings.fit_gap_min_follow_through:.0%} that real follow-through "
                           "needs before a fit-gap reading: the development has not been sustained.",
                    NEXT_STEP[NOT_WORKED])
        needed = fmt_count(int(settings.fit_gap_min_cycles), "cycle")
        done = (f"Completed follow-through in {fmt_count(r['cycles_worked'], 'cycle')}" if r["cycles_worked"]
                else "No completed follow-through")
        return (NOT_WORKED,
                text + f" {done}, fewer than the {needed} a fit-gap reading needs: the development has not "
                       "been sustained.",
                NEXT_STEP[NOT_WORKED])
    return NOT_ENOUGH, text, NEXT_STEP_NEEDS["not_measured"]


def _results_only(r: dict, settings: Settings, reviewed: int) -> tuple[str, str]:
    head = (f"Attainment {fmt_pct(r['attainment']) or 'n/a'} over {fmt_count(int(r['n_quota_periods']), 'quota period')}, "
            f"below the results standard of {fmt_pct(settings.results_standard)}")
    if reviewed == 0:
        return head + "; no capability review for this rep.", NEXT_STEP_NEEDS["no_reviews"]
    return (head + f"; {fmt_count(reviewed, 'capability', 'capabilities')} reviewed, none below "
                   f"{_fmt(settings.capability_standard)} of 100.", NEXT_STEP_NEEDS["reviews_at_standard"])


@opens_run
def gap_classification(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings()) -> pd.DataFrame:
    """Every rep below standard, placed as a skill gap or a fit gap, with the evidence beside it.

    Who is listed
    -------------
    One row per (rep, capability) gap of every rep below standard (reps of
    :func:`analytics.people.reps` and reps with reviews, minus anyone who manages; leavers are
    left out, see the module docstring):

    * a capability is below standard when its latest normalised score (as of the filter's end)
      is below ``settings.capability_standard``;
    * a named gap whose score was below standard when it was first named (``baseline_norm``) and
      that has **moved** stays listed after it reaches standard (``reached_standard`` = True), so
      the development is credited to the manager who did it;
    * a rep below standard on results (attainment < ``settings.results_standard``, see
      :func:`rep_attainment`) with no capability below standard now gets one row with capability
      None.

    ``below_on`` is "results and capability" for a capability row of a rep also below on
    results, else "capability"; "results" on the capability-None row.

    Evidence per row
    ----------------
    named
        the capability (compared case-insensitively) is a named gap of the rep
        (:func:`analytics.signals.capability.named_gaps`: a coaching session's focus or a development
        action's capability, up to as-of).
    n_sessions_on_it, n_actions, n_actions_completed
        coaching sessions with that focus; development actions on it; of them, completed by the
        as-of day of :func:`analytics.signals.follow_through.actions`.
    cycles_worked
        distinct review cycles in which the gap was named with completed follow-through: the
        cycles holding a completed action on it, an action placed in the first cycle whose review
        date is on or after its assigned date (the rule named_gaps uses for namings).
    moved, gap_status
        named_gaps' status ("moved", "stuck", "not moved", "too early", "not measured"), else
        "never named" (None on a capability-None row); moved = status == "moved".

    Category (the first rule that applies)
    --------------------------------------
    1. "Not enough evidence" when neither the coaching log nor the development actions name any
       capability (whether a gap is worked cannot be seen);
    2. "Skill gap not being worked" when never named, or named without follow-through (no
       session on it and no completed action);
    3. "Skill gap being developed" when status is "moved", or "too early" with that work under
       way;
    4. "Fit gap" when status is "stuck" or "not moved", cycles_worked ≥
       ``settings.fit_gap_min_cycles`` and at least ``settings.fit_gap_min_follow_through`` of the
       actions on the gap were completed, and the naming manager's coaching-quality index is at
       least ``settings.fit_gap_min_coaching_quality`` where measured (FRAMEWORK: no movement
       despite *real* coaching and follow-through);
    5. "Skill gap not being worked" when status is "stuck" or "not moved" with follow-through in
       fewer cycles than that: talked about but not worked long enough to rule out a skill gap,
       so it stays the manager's action (the evidence says so);
    6. "Not enough evidence" when status is "not measured" (no score since it was named);
    7. the capability-None row: "Not enough evidence" (below on results only; the next step names
       the reviews export when the rep has no review, else the Manage evidence).

    ``next_step`` is the matching action of the performance-management cycle
    (:data:`NEXT_STEP`, :data:`NEXT_STEP_NEEDS`); ``evidence`` one plain sentence with the counts.

    Returns
    -------
    DataFrame: rep, manager, capability, latest_norm, attainment, below_on, named,
    n_sessions_on_it, n_actions, n_actions_completed, cycles_worked, moved, gap_status, category,
    evidence, next_step, named_cycles, baseline_norm, reached_standard; ordered by manager, rep,
    capability (the None row last).

    Held per period, people picked
    -----------------------------
    Every row belongs to one rep and is computed from that rep's own history: the region and
    team picks keep a rep by their roster row, the manager pick keeps a row by its ``manager``,
    and segment and product play no part. So the classification of everyone in the period is
    built once per version of the data and period (:func:`_held_classification`, in the
    workspace's "filtered" pool, as :func:`analytics.people.per_period_by_owner` holds the
    owner-level blocks), and a region, team or manager change picks its reps' rows from it (in
    the same order) instead of classifying again. A pick with no rows, or with no name in a
    column whose type is read from its values (rep, manager), is classified directly, so its
    column types are those the classification of those reps alone gives.
    """
    held = _held_classification(ws, filters.period(), settings)
    if not filters.picks_people:
        return held
    keep = pd.Series(True, index=held.index)
    if filters.regions or filters.teams:
        keep &= _isin(held["rep"], set(roster_names(ws, filters.regions_and_teams())))
    if filters.managers:
        keep &= held["manager"].isin(filters.managers).fillna(False).astype(bool)
    picked = held[keep.to_numpy()].reset_index(drop=True)
    if picked.empty or picked["rep"].isna().all() or picked["manager"].isna().all():
        return _classify(ws, filters, settings)
    return picked


@per_data_version(pool="filtered")
def _held_classification(ws: Workspace, period: Filters, settings: Settings) -> pd.DataFrame:
    """:func:`_classify` for a period (nobody picked), held with the workspace's data."""
    return _classify(ws, period, settings)


def _classify(ws: Workspace, filters: Filters, settings: Settings) -> pd.DataFrame:
    """:func:`gap_classification`, computed."""
    scope = _people_only(filters)
    scores = cap.review_scores(ws, scope)
    latest = _latest_scores(scores)
    att = rep_attainment(ws, filters.regions_and_teams().with_(start=filters.start, end=filters.end), settings)

    # the reps: roster reps and reviewed people, minus managers and leavers
    managers = _names(ws.query("SELECT DISTINCT manager_name FROM v_roster WHERE manager_name IS NOT NULL")["manager_name"])
    people = (_names(att["rep"].dropna()) | _names(latest["rep"])) - managers - leavers(ws, filters)

    gaps = cap.named_gaps(ws, scope, settings)
    gaps = gaps.assign(cap_key=gaps["capability"].str.strip().str.lower())
    work = _work_on_gaps(ws, filters, scores)

    cand = latest[_isin(latest["rep"], people)].merge(
        gaps.drop(columns=["capability"]).rename(columns={"manager": "named_manager", "status": "gap_status"}),
        on=["rep", "cap_key"], how="left")
    cand["named"] = cand["named_manager"].notna() | cand["gap_status"].notna()
    base_below = cand["baseline_norm"].round(DECIMALS) < settings.capability_standard
    now_below = cand["latest_norm"].round(DECIMALS) < settings.capability_standard
    cand["reached_standard"] = ~now_below & base_below & (cand["gap_status"] == "moved")
    cand = cand[now_below | cand["reached_standard"]].merge(work, on=["rep", "cap_key"], how="left")
    for c in ("n_sessions_on_it", "n_actions", "n_actions_completed", "cycles_worked"):
        cand[c] = cand[c].fillna(0).astype("int64")
    cand = cand.merge(att[["rep", "attainment", "n_quota_periods"]], on="rep", how="left")
    cand["below_results"] = [_below(a, settings.results_standard) for a in cand["attainment"]]
    namings_loaded = bool(ws.scalar(
        "SELECT (SELECT count(*) FROM coaching_sessions WHERE nullif(trim(focus_capability), '') IS NOT NULL)"
        " + (SELECT count(*) FROM development_actions WHERE nullif(trim(capability), '') IS NOT NULL)"))

    quality = coaching_by_manager(ws, filters.period(), settings)
    quality = dict(zip(quality["manager"], quality["quality_index"], strict=True))
    rows = []
    within, standard = _setting_words(settings)
    for r in _records(cand, _PLACE_COLUMNS):
        r["n_window_cycles"] = 0 if pd.isna(r.get("n_window_cycles")) else int(r["n_window_cycles"])
        r["coaching_quality"] = quality.get(r["named_manager"]) if r["named"] else None
        category, evidence, step = _place(r, settings, namings_loaded, within, standard)
        rows.append(dict(
            rep=r["rep"], manager=r["named_manager"] if r["named"] and pd.notna(r["named_manager"]) else r["latest_manager"],
            capability=r["capability"], latest_norm=r["latest_norm"], attainment=r["attainment"],
            below_on="results and capability" if r["below_results"] else "capability", named=bool(r["named"]),
            n_sessions_on_it=r["n_sessions_on_it"], n_actions=r["n_actions"],
            n_actions_completed=r["n_actions_completed"], cycles_worked=r["cycles_worked"],
            moved=r["gap_status"] == "moved", gap_status=r["gap_status"] if r["named"] else "never named",
            category=category, evidence=evidence, next_step=step, named_cycles=r["named_cycles"],
            baseline_norm=r["baseline_norm"], reached_standard=bool(r["reached_standard"])))

    below_now = _names(cand.loc[cand["latest_norm"].round(DECIMALS) < settings.capability_standard, "rep"])
    reviewed = latest.groupby("rep")["cap_key"].nunique()
    for r in _records(att[_isin(att["rep"], people)], ATTAINMENT_COLUMNS):
        if not _below(r["attainment"], settings.results_standard) or r["rep"] in below_now:
            continue
        evidence, step = _results_only(r, settings, int(reviewed.get(r["rep"], 0)))
        rows.append(dict(
            rep=r["rep"], manager=r["manager"], capability=None, latest_norm=np.nan, attainment=r["attainment"],
            below_on="results", named=False, n_sessions_on_it=0, n_actions=0, n_actions_completed=0,
            cycles_worked=0, moved=False, gap_status=None, category=NOT_ENOUGH, evidence=evidence,
            next_step=step, named_cycles=np.nan, baseline_norm=np.nan, reached_standard=False))

    out = pd.DataFrame(rows, columns=GAP_COLUMNS)
    if filters.managers:
        out = out[out["manager"].isin(filters.managers)]
    for c in ("n_sessions_on_it", "n_actions", "n_actions_completed", "cycles_worked"):
        out[c] = out[c].astype("int64")
    for c in ("latest_norm", "attainment", "named_cycles", "baseline_norm"):
        out[c] = out[c].astype(float)
    for c in ("named", "moved", "reached_standard"):
        out[c] = out[c].astype(bool)
    out = out.assign(_none=out["capability"].isna()).sort_values(
        ["manager", "rep", "_none", "capability"], na_position="last", ignore_index=True)
    for c in ("capability", "gap_status"):  # None stays None (not NaN) where there is no value
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out[GAP_COLUMNS]


def category_counts(gaps: pd.DataFrame) -> pd.DataFrame:
    """Rows per manager and category of a :func:`gap_classification` frame (every category a column).

    Returns
    -------
    DataFrame: manager, then one count column per category of :data:`CATEGORIES`.
    """
    if gaps.empty:
        return pd.DataFrame(columns=["manager", *CATEGORIES])
    counts = pd.crosstab(gaps["manager"], gaps["category"]).reindex(columns=list(CATEGORIES), fill_value=0)
    counts.columns.name = None
    return counts.reset_index()
