"""Wide ratings: review and survey exports with one column per rating, turned into long rows.

HR tools export reviews one row per employee with a column per rating or competency (the IBM HR
attrition file: ``EmployeeNumber, Age, JobSatisfaction, WorkLifeBalance, PerformanceRating …``;
``Employee, Manager, Review Cycle, Self Rating, Communication …``; a competency matrix
``Name, Discovery, Demo, Closing`` of 1–5 cells), and surveys one row per respondent with a
column per question (``Respondent, Manager, Submitted, "My manager gives me useful feedback" …``
answered in Likert words or 1–5/1–7/0–10 numbers). :func:`detect` recognises such a layout from
what the file holds: an identifying column (a person's ID, name or e-mail), optional context
columns (manager or reviewer, cycle, date, year) and at least :data:`MIN_RATINGS` columns whose
cells are small whole numbers (0–10) or Likert words, under a header that is no count, amount,
age or tenure. :func:`lengthen` turns the file into the long shape of the reviews table (one
row per person and column: the column's header is the capability) or the surveys table (the
header is the question).

Columns: every other column whose cells are numbers or Likert words is offered (an
:class:`RatingColumn`); those that look like ratings are ticked by default, the rest (Age,
MonthlyIncome, YearsAtCompany) are not, and only the ticked ones are loaded.

Scales: Likert words read as their place on their scale (:data:`LIKERT`); a numeric column's
scale starts at 0 when a cell is 0, else at 1, and ends at the smallest of :data:`TOPS` that
holds its highest cell,
raised to the highest such top (up to 7) of the file's columns starting alike (a column of 3s
and 4s in a file of 1–5 columns is 1–5; a 0–10 question beside them keeps its own scale).

Cells: an empty cell is no answer: no row is made. Any other cell is a row; one that is not a
rating (a word of no scale, ``n/a``) is then rejected by the validation with its reason.

Counting: each rating made is one row read, carrying the row number of the line it came from
(so a reject points at that line); a line the reader could not read stays one rejected row.
read = loaded + rejected therefore holds over the ratings; the note says how many lines and
columns they came from.

Cycle: the file's cycle column; else its year column; else its date column (the date is the
cycle); else one cycle is assumed, named ``As exported on <the day it was read>``, and the
note says so.
"""

from __future__ import annotations

import dataclasses
import datetime
import re

import numpy as np
import pandas as pd

from analytics import schema
from analytics.fmt import fmt_count
from analytics.ingest.evidence import telltales
from analytics.ingest.readers import RawTable
from analytics.ingest.recognise import Candidate, Recognition, missing_required
from analytics.ingest.values import parse
from analytics.ingest.wide import period_of
from analytics.schema import normalise_header

#: the tables a wide ratings file may be loaded as
TABLES = ("reviews", "surveys")
#: at least this many rating-like columns make a file a wide ratings layout
MIN_RATINGS = 3
#: the tops of the scales ratings are given on
TOPS = (3, 4, 5, 6, 7, 10)
#: columns on scales up to this top share the file's highest (a 0–10 or 1–10 column keeps its own)
SHARED_TOP = 7
#: rows of a file looked at to recognise the layout
SAMPLE_ROWS = 500
#: a column is numbers (or Likert words) when at least this share of its non-empty sampled cells
#: are (the others are offered too, as rows the validation rejects: ``n/a`` in a column of 1–5)
NUMERIC_SHARE = 0.5

#: Likert scales: words (folded: lower case, single spaces) -> their place on the scale.
LIKERT: dict[str, dict[str, int]] = {
    "agreement (1–5)": {"strongly disagree": 1, "disagree": 2, "neither agree nor disagree": 3, "neutral": 3,
                        "neither": 3, "agree": 4, "strongly agree": 5},
    "agreement (1–7)": {"strongly disagree": 1, "disagree": 2, "somewhat disagree": 3, "slightly disagree": 3,
                        "neither agree nor disagree": 4, "neutral": 4, "neither": 4, "somewhat agree": 5,
                        "slightly agree": 5, "agree": 6, "strongly agree": 7},
    "frequency (1–5)": {"never": 1, "rarely": 2, "seldom": 2, "sometimes": 3, "often": 4, "usually": 4,
                        "always": 5},
    "satisfaction (1–5)": {"very dissatisfied": 1, "dissatisfied": 2, "neutral": 3,
                           "neither satisfied nor dissatisfied": 3, "satisfied": 4, "very satisfied": 5},
    "expectations (1–5)": {"does not meet expectations": 1, "below expectations": 1, "needs improvement": 2,
                           "partially meets expectations": 2, "meets expectations": 3, "exceeds expectations": 4,
                           "far exceeds expectations": 5, "greatly exceeds expectations": 5, "outstanding": 5},
    "quality (1–5)": {"poor": 1, "fair": 2, "good": 3, "very good": 4, "excellent": 5},
    "level (1–4)": {"low": 1, "medium": 2, "high": 3, "very high": 4},
}

#: words of a header that say its numbers are no rating (a count, an amount, an age, a tenure, a code)
NOT_RATING_WORDS = frozenset({
    "age", "years", "year", "yrs", "months", "weeks", "days", "hours", "num", "number", "count", "total",
    "times", "percent", "pct", "salary", "income", "pay", "rate", "hike", "bonus", "commission", "amount",
    "revenue", "quota", "distance", "education", "id", "code", "no", "tenure", "children", "dependents",
    "headcount", "size", "zip", "postcode", "phone", "grade", "band", "level", "stock", "option", "index",
})
#: ... except these whole headers, which are ratings despite a word above ("Skill Level")
RATING_HEADERS = frozenset(normalise_header(h) for h in ("Skill Level", "Proficiency Level", "Competency Level",
                                                         "Performance Level", "Rating Level"))


def _keys(*headers: str) -> frozenset[str]:
    return frozenset(normalise_header(h) for h in headers)


def _synonyms(table: str, column: str) -> tuple[str, ...]:
    col = schema.table(table).column(column)
    return (col.name, *col.synonyms)


#: who a line is about (or who answered): an ID is preferred, then a name, then an e-mail
PERSON_IDS = _keys("Employee ID", "EmployeeID", "Employee Number", "EmployeeNumber", "Employee No", "Emp ID",
                   "Emp No", "Staff ID", "Worker ID", "Rep ID", "User ID", "Person ID", "Respondent ID",
                   "Reviewee ID", "Associate ID", "Id",
                   # a de-identified survey names each response, not its respondent
                   "Response ID", "ResponseId", "Submission ID", "Anonymous ID")
PERSON_NAMES = _keys("Employee", "Employee Name", "Name", "Full Name", "Rep", "Rep Name", "Sales Rep",
                     "Salesperson", "Seller", "Account Executive", "Reviewee", "Respondent", "Respondent Name",
                     "Associate", "Staff", "Worker", "Team Member", "Participant")
PERSON_EMAILS = _keys("Email", "E-mail", "Email Address", "Work Email", "Respondent Email", "Employee Email")
MANAGERS = _keys(*_synonyms("reviews", "reviewer"), *_synonyms("surveys", "subject_manager"),
                 "Manager Name", "Line Manager", "Supervisor", "Reviewer Name", "Team Lead", "Reports To")
CYCLES = _keys(*_synonyms("reviews", "cycle"), "Review Name", "Survey", "Survey Name", "Wave")
DATES = _keys(*_synonyms("reviews", "review_date"), *_synonyms("surveys", "survey_date"), "Timestamp",
              "Completed", "Completion Date", "Start Date", "End Date", "Response Time")
YEARS = _keys("Year", "Review Year", "Survey Year", "Fiscal Year", "FY")

#: hints of which table a file is: headers of its identifying or context columns
SURVEY_PEOPLE = _keys("Respondent", "Respondent ID", "Respondent Name", "Respondent Email", "Participant")
SURVEY_DATES = _keys("Submitted", "Submitted At", "Timestamp", "Response Date", "Response Time", "Survey Date")
REVIEWERS = _keys("Reviewer", "Reviewer Name", "Rated By", "Assessor", "Evaluator")

#: the long form's headers
REP, REVIEWER, CYCLE, REVIEW_DATE, CAPABILITY = "Rep", "Reviewer", "Cycle", "Review Date", "Capability"
RESPONDENT, SUBJECT, ITEM, SURVEY_DATE = "Respondent", "Subject Manager", "Item", "Survey Date"
SCORE, SCALE_MIN, SCALE_MAX = "Score", "Scale Min", "Scale Max"


@dataclasses.dataclass(frozen=True)
class RatingColumn:
    """A column offered as ratings: its header, its scale, the Likert scale its words are read by
    (None: numbers), and whether it looks like ratings (ticked by default)."""

    header: str
    low: int
    high: int
    words: str | None = None
    rating: bool = True

    @property
    def scale(self) -> str:
        return self.words or f"{self.low}–{self.high}"


@dataclasses.dataclass(frozen=True)
class RatingsLayout:
    """A wide ratings file's columns: who each line is about, its context columns (None when
    absent), the columns offered as ratings, the table it most likely is, and the cycle assumed
    when the file names none."""

    person: str
    manager: str | None
    cycle: str | None
    date: str | None
    year: str | None
    columns: tuple[RatingColumn, ...]
    table: str
    assumed_cycle: str

    @property
    def ticked(self) -> tuple[str, ...]:
        """The columns loaded unless the user changes them."""
        return tuple(c.header for c in self.columns if c.rating)

    def label(self, table: str | None = None) -> str:
        table = table or self.table
        what = "capability" if table == "reviews" else "question"
        return f"Wide {'review' if table == 'reviews' else 'survey'} export: one column per {what}, turned into long rows"


def fold(cells: pd.Series) -> pd.Series:
    """Cells as Likert words are compared: lower case, single spaces, no punctuation at the ends.

    >>> fold(pd.Series(["  Strongly  Agree.", "NEUTRAL"])).tolist()
    ['strongly agree', 'neutral']
    """
    text = cells.fillna("").astype("str").str.lower().str.replace(r"\s+", " ", regex=True)
    return text.str.strip(" .!;:-–\"'")


def _numbers(cells: pd.Series) -> pd.Series:
    """Cells as numbers ("4", " 4.0 ", "5 - Strongly agree" -> 4, 4, 5); NaN where not one."""
    text = cells.fillna("").astype("str").str.strip()
    lead = text.str.extract(r"^(\d{1,2})\s*[-–:.)=]\s*[^\d\s]", expand=False)  # "5 - Strongly agree"
    return pd.to_numeric(lead.fillna(text).str.replace(",", ".", regex=False), errors="coerce")


def _likert(folded: pd.Series) -> str | None:
    """The Likert scale whose words cover most of the cells (the smaller on a tie), or None when
    none covers :data:`NUMERIC_SHARE` of them."""
    filled = folded[folded.ne("")]
    if not len(filled):
        return None
    fits = [(-int(filled.isin(list(words)).sum()), len(set(words.values())), name) for name, words in LIKERT.items()]
    best = min(fits)
    return best[2] if -best[0] >= NUMERIC_SHARE * len(filled) else None


def _top(high: float) -> int:
    return next((t for t in TOPS if high <= t), int(np.ceil(high)))


def header_says_not_rating(header: str) -> bool:
    """Whether a header names a count, amount, age, tenure or code rather than a rating.

    >>> [header_says_not_rating(h) for h in ("YearsAtCompany", "MonthlyIncome", "JobSatisfaction",
    ...                                      "Product Knowledge", "Skill Level", "DistanceFromHome")]
    [True, True, False, False, False, True]
    """
    if normalise_header(header) in RATING_HEADERS:
        return False
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", str(header))
    words = set(re.findall(r"[a-z]+", spaced.lower()))
    return bool(words & NOT_RATING_WORDS)


def _profile(header: str, cells: pd.Series) -> RatingColumn | None:
    """The column as ratings, or None when its cells are neither numbers nor Likert words."""
    text = cells.fillna("").astype("str").str.strip()
    filled = text.ne("")
    if not filled.any():
        return None
    folded = fold(text[filled])
    words = _likert(folded)
    if words is not None:
        top = max(LIKERT[words].values())
        return RatingColumn(header, 1, top, words, rating=True)
    numbers = _numbers(text[filled])
    if numbers.notna().mean() < NUMERIC_SHARE:
        return None
    ok = numbers.dropna()
    small = bool(((ok >= 0) & (ok <= 10) & (ok * 2 == (ok * 2).round())).all())
    low = 0 if ok.min() == 0 else 1
    if not small:
        return RatingColumn(header, int(np.floor(min(ok.min(), low))), int(np.ceil(ok.max())), None, rating=False)
    return RatingColumn(header, low, _top(ok.max()), None, rating=not header_says_not_rating(header))


def _first(headers: list[str], keys: frozenset[str], taken: set[str]) -> str | None:
    return next((h for h in headers if h not in taken and normalise_header(h) in keys), None)


def _sentence(header: str) -> bool:
    return header.strip().endswith("?") or len(header.split()) >= 4


def detect(raw: RawTable) -> RatingsLayout | None:
    """The wide ratings layout of a file, or None (see the module docstring). A file holding
    tell-tales of deals, activities, stage history, quotas or any table but people, reviews and
    surveys is never one; nor is a wide target
    sheet (its period columns are never ratings)."""
    headers, frame = raw.headers, raw.frame
    if not len(frame) or len(headers) < MIN_RATINGS + 1:
        return None
    if set(telltales(headers)) - {"people", "reviews", "surveys"}:
        return None
    taken: set[str] = set()
    person = (_first(headers, PERSON_IDS, taken) or _first(headers, PERSON_NAMES, taken)
              or _first(headers, PERSON_EMAILS, taken))
    if person is None:
        return None
    taken.add(person)
    context = {}
    for name, keys in (("manager", MANAGERS), ("cycle", CYCLES), ("date", DATES), ("year", YEARS)):
        context[name] = _first(headers, keys, taken)
        if context[name]:
            taken.add(context[name])
    skip = PERSON_IDS | PERSON_NAMES | PERSON_EMAILS | MANAGERS | CYCLES | DATES | YEARS
    sample = frame.head(SAMPLE_ROWS)
    profiled = [_profile(h, sample[h]) for h in headers
                if h not in taken and normalise_header(h) not in skip and period_of(h) is None]
    columns = [c for c in profiled if c is not None]
    if sum(c.rating for c in columns) < MIN_RATINGS:
        return None
    columns = _scales(frame, columns)
    table = _guess_table(person, context, columns)
    assumed = f"As exported on {datetime.date.today():%Y-%m-%d}"
    return RatingsLayout(person, context["manager"], context["cycle"], context["date"], context["year"],
                         tuple(columns), table, assumed)


def _scales(frame: pd.DataFrame, columns: list[RatingColumn]) -> list[RatingColumn]:
    """Each numeric rating column's scale from all its cells, raised to the highest top up to
    :data:`SHARED_TOP` of the file's numeric rating columns that start alike (one column of 3s
    and 4s among columns of 1–5 is on 1–5 too)."""
    out = []
    for c in columns:
        if c.words is None and c.rating:
            ok = _numbers(frame[c.header]).dropna()
            ok = ok[(ok >= 0) & (ok <= 10)]
            if len(ok):
                c = dataclasses.replace(c, low=0 if ok.min() == 0 else 1, high=_top(ok.max()))
        out.append(c)
    common: dict[int, int] = {}
    for low in (0, 1):
        tops = [c.high for c in out if c.words is None and c.rating and c.low == low and c.high <= SHARED_TOP]
        if tops:
            common[low] = max(tops)
    return [dataclasses.replace(c, high=common[c.low])
            if c.words is None and c.rating and c.high < common.get(c.low, 0) else c for c in out]


def _guess_table(person: str, context: dict[str, str | None], columns: list[RatingColumn]) -> str:
    """Reviews or surveys, from the file's hints (a respondent, a submitted time, questions as
    headers, agreement words or a 0–10 scale say survey; a reviewer, a cycle, short headers say
    review)."""
    rated = [c for c in columns if c.rating]
    survey = 2 * (normalise_header(person) in SURVEY_PEOPLE)
    survey += context["date"] is not None and normalise_header(context["date"]) in SURVEY_DATES
    survey += 2 * (sum(_sentence(c.header) for c in rated) * 2 > len(rated))
    survey += any(c.words is not None and not c.words.startswith(("expectations", "level")) for c in rated)
    survey += any(c.low == 0 and c.high == 10 for c in rated)
    review = 2 * (context["manager"] is not None and normalise_header(context["manager"]) in REVIEWERS)
    review += context["cycle"] is not None
    review += 2 * (sum(not _sentence(c.header) for c in rated) * 2 > len(rated))
    return "surveys" if survey > review else "reviews"


def _scores(cells: pd.Series, column: RatingColumn) -> pd.Series:
    """A column's cells as the score's text: Likert words as their place, numbers as they are,
    anything else unchanged (the validation rejects it)."""
    text = cells.fillna("").astype("str").str.strip()
    if column.words is not None:
        placed = fold(text).map(LIKERT[column.words])
        return placed.map(lambda v: f"{int(v)}", na_action="ignore").fillna(text)
    numbers = _numbers(text)
    return numbers.map(lambda v: f"{v:g}", na_action="ignore").fillna(text)


def _cycles(raw: RawTable, layout: RatingsLayout) -> tuple[np.ndarray, str]:
    """Each line's cycle and how it was found."""
    frame = raw.frame
    if layout.cycle is not None:
        return frame[layout.cycle].to_numpy(dtype=object), f"the cycle is {layout.cycle}"
    if layout.year is not None:
        return frame[layout.year].to_numpy(dtype=object), f"no cycle column: the cycle is the year ({layout.year})"
    if layout.date is not None:
        dates = parse("date", frame[layout.date]).values
        shown = dates.dt.strftime("%Y-%m-%d").astype(object).where(dates.notna(), frame[layout.date])
        return shown.to_numpy(dtype=object), f"no cycle column: the cycle is the date ({layout.date})"
    return (np.full(len(frame), layout.assumed_cycle, dtype=object),
            f"no cycle, year or date column: one cycle was assumed, named '{layout.assumed_cycle}'")


def lengthen(raw: RawTable, layout: RatingsLayout, table: str | None = None,
             columns: tuple[str, ...] | list[str] | None = None) -> tuple[RawTable, Recognition]:
    """The wide file ``raw`` as long rows of ``table`` (default: the layout's guess) from the
    ticked ``columns`` (default: :attr:`RatingsLayout.ticked`), with its recognition. Rows are in
    file order, ratings in column order within a line."""
    table = table or layout.table
    chosen = set(layout.ticked if columns is None else columns)
    picked = [c for c in layout.columns if c.header in chosen]
    frame = raw.frame
    n = len(frame)
    cycles, cycle_note = _cycles(raw, layout)
    person = frame[layout.person].to_numpy(dtype=object)
    manager = frame[layout.manager].to_numpy(dtype=object) if layout.manager else None
    date = frame[layout.date].to_numpy(dtype=object) if layout.date else None
    parts = []
    for j, c in enumerate(picked):
        keep = np.flatnonzero(frame[c.header].fillna("").astype("str").str.strip().ne("").to_numpy(dtype=bool))
        part = {"_i": keep, "_j": j, "person": person[keep], "what": c.header,
                SCORE: _scores(frame[c.header], c).to_numpy(dtype=object)[keep],
                SCALE_MIN: str(c.low), SCALE_MAX: str(c.high), CYCLE: cycles[keep]}
        if manager is not None:
            part["manager"] = manager[keep]
        if date is not None:
            part["date"] = date[keep]
        parts.append(pd.DataFrame(part))
    if parts:
        long = pd.concat(parts, ignore_index=True).sort_values(["_i", "_j"], kind="stable")
    else:
        long = pd.DataFrame({k: pd.Series([], dtype=object) for k in ("_i", "person", "what", SCORE, SCALE_MIN,
                                                                      SCALE_MAX, CYCLE, "manager", "date")})
    rows = np.asarray(raw.rows)[long["_i"].to_numpy(dtype=np.int64)]
    if table == "reviews":
        names = {"person": REP, "manager": REVIEWER, CYCLE: CYCLE, "date": REVIEW_DATE, "what": CAPABILITY,
                 SCORE: SCORE, SCALE_MIN: SCALE_MIN, SCALE_MAX: SCALE_MAX}
        mapping = {"rep": REP, "reviewer": REVIEWER, "cycle": CYCLE, "review_date": REVIEW_DATE,
                   "capability": CAPABILITY, "score": SCORE, "scale_min": SCALE_MIN, "scale_max": SCALE_MAX}
    else:
        names = {"person": RESPONDENT, "manager": SUBJECT, "what": ITEM, SCORE: SCORE, SCALE_MAX: SCALE_MAX,
                 "date": SURVEY_DATE}
        if "scale_min" in schema.table("surveys").column_names:
            names[SCALE_MIN] = SCALE_MIN
        mapping = {"respondent": RESPONDENT, "subject_manager": SUBJECT, "item": ITEM, "score": SCORE,
                   "scale_min": SCALE_MIN, "scale_max": SCALE_MAX, "survey_date": SURVEY_DATE}
    present = {k: v for k, v in names.items() if k in long.columns and not (k == "manager" and manager is None)
               and not (k == "date" and date is None)}
    out = pd.DataFrame({v: pd.Series(long[k].to_numpy(), dtype="str") for k, v in present.items()})
    mapping = {c: s for c, s in mapping.items() if s in out.columns}
    lines = len(np.unique(long["_i"].to_numpy())) if len(long) else 0
    what = "ratings" if table == "reviews" else "answers"
    none = f"; {fmt_count(n - lines, 'line')} had none" if n - lines else ""
    note = (f"{len(out):,} {what} from {fmt_count(n, 'line')}, {fmt_count(len(picked), 'column')} (empty cells "
            f"are no answer; each {what[:-1]} counts as a row read{none}); {cycle_note}.")
    if table == "surveys":
        note = note.replace(f"; {cycle_note}", f"; the survey date is {layout.date}" if layout.date
                            else "; no date column: the answers carry no survey date")
    words = sorted({c.words for c in picked if c.words})
    if words:
        note += " Words read as their place on the scale: " + ", ".join(words) + "."
    headers = list(out.columns)
    long_raw = dataclasses.replace(raw, headers=headers, frame=out, rows=rows, notes=[*raw.notes, note])
    missing = missing_required(table, mapping)
    other = "surveys" if table == "reviews" else "reviews"
    rec = Recognition(table, layout.label(table), mapping, missing, [], confidence=1.0,
                      candidates=[Candidate(table, 1.0, (layout.label(table),)),
                                  Candidate(other, 0.5, (layout.label(other),))])
    return long_raw, rec


def widen_ratings(raw: RawTable) -> tuple[RatingsLayout, RawTable, Recognition] | None:
    """The layout of a wide ratings file with its default long form, or None when it is not one."""
    layout = detect(raw)
    if layout is None:
        return None
    return (layout, *lengthen(raw, layout))
