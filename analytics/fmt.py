r"""How numbers read on pages, handouts and reports: one place, so they agree.

Amounts carry no currency symbol (exports rarely say which currency they hold). When a
workshop shows amounts as an index (see :mod:`analytics.store.anonymise`), the same figures are
scaled and read "pts", so nobody mistakes them for money.

>>> fmt_money(1_234_567), fmt_money(950), fmt_money(None)
('1.2m', '950', None)
>>> fmt_money(2_500, index=True)
'2.5k pts'
>>> fmt_pct(0.4567, 1)
'45.7%'

Values from the data (names of people, teams, accounts, products...) are drawn through
:func:`clip` (plain text: reports, PDFs, sentences built here) or :func:`md_escape` (anything
Streamlit reads as markdown), so a 10,000-character name cannot wreck a slide and a name made of
markup is shown as the text it is.

>>> clip("Ann\n  Lee"), clip("x" * 100, 10)
('Ann Lee', 'xxxxxxxxx…')
>>> md_escape("**bold** [click](http://evil.example) $x$")
'\\*\\*bold\\*\\* \\[click\\](http:\u2060//evil.example) \\$x\\$'
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re

import pandas as pd

INDEX_UNIT = "pts"


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def fmt_money(value: float | None, index: bool = False) -> str | None:
    """Amounts in k/m/bn; None when missing (the caller says "not measured")."""
    if _missing(value):
        return None
    v = float(value)
    text = f"{v:,.0f}"
    for unit, div in (("bn", 1e9), ("m", 1e6), ("k", 1e3)):
        if abs(v) >= div:
            text = f"{v / div:,.1f}{unit}"
            break
    return f"{text} {INDEX_UNIT}" if index else text


def fmt_pct(value: float | None, digits: int = 0) -> str | None:
    if _missing(value):
        return None
    return f"{100 * float(value):.{digits}f}%"


#: where a name from the data is drawn, it is shortened to this many characters (with "…")
NAME_CHARS = 60
#: a workspace's label (from its files' names, or a saved workspace) where it is drawn
LABEL_CHARS = 120
ELLIPSIS = "…"

#: Characters that draw nothing and are not spaces, as code point ranges: Unicode's
#: default-ignorable code points (format characters such as the soft hyphen, zero-width joiners
#: and bidirectional controls; the combining grapheme joiner U+034F; the Hangul fillers U+115F,
#: U+1160, U+3164, U+FFA0; the Mongolian and other variation selectors U+180B-U+180F, U+FE00-U+FE0F,
#: U+E0100-U+E01EF; tags...) and the Braille blank U+2800. A name made of them shows as nothing
#: and one split by them reads as another ("Dee\u034fpa" is drawn "Deepa"): the import removes
#: them (:mod:`analytics.ingest.values`), :func:`clip` drops them where a value is drawn, and the
#: anonymiser reads words through them. The zero-width space U+200B is not here: it separates
#: words, so it is read as a space.
BLANK_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200C, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x2800, 0x2800),
    (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)
#: :data:`BLANK_RANGES` inside a regular expression's character class (Python's ``re`` and RE2)
BLANK_CLASS = "".join(f"\\x{{{lo:X}}}-\\x{{{hi:X}}}" if lo != hi else f"\\x{{{lo:X}}}" for lo, hi in BLANK_RANGES)
BLANK_CLASS_PY = "".join(f"{chr(lo)}-{chr(hi)}" if lo != hi else chr(lo) for lo, hi in BLANK_RANGES)

# C0/C1 controls (the bidirectional overrides and isolates, which can make a name read backwards
# or hide part of it, are among the blank characters)
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + BLANK_CLASS_PY + "]")


def clip(value, limit: int | None = NAME_CHARS) -> str:
    """A value from the data as one line of text, at most ``limit`` characters (the last one an
    ellipsis when it was longer; None: any length). Line breaks and runs of spaces become one
    space (a zero-width space is a space); control characters, bidirectional overrides and every
    other character that draws nothing (:data:`BLANK_RANGES`) are dropped."""
    text = " ".join(_INVISIBLE.sub("", "" if value is None else str(value)).replace("\u200b", " ").split())
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + ELLIPSIS
    return text


#: an invisible character (word joiner) put between the characters of a pattern that
#: Streamlit's markdown turns into something after the backslash escapes are read: a bare URL
#: (http://, www.), an e-mail address, an emoji, icon or logo shortcode (:smile:,
#: :material/home:, :streamlit:), a typographic arrow or dash (->, <-, --, >=, <=, ~=)
JOINER = "\u2060"
_AFTER_TEXT = re.compile(r"(:)(?=[\w+\-/])|(?<=[-<>~])(?=[->=])|(?i:(?<=www)(?=\.))|(?=@)")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>!~$|#&{}])")
_LINE_START = re.compile(r"[-+=]|\d+(?=[.)])")  # a list item or a heading's underline, at a line's start


def md_escape(value, limit: int | None = None) -> str:
    """A value from the data, safe to draw in anything Streamlit reads as markdown (st.markdown,
    st.title, captions, alerts, metric, tab, expander, radio and page-link labels), shown as the
    text it is: no link, image, emphasis, heading, list, code, table, HTML, LaTeX ($), colour
    directive (:red[...]), icon (:material/...:) or emoji shortcode can be made of it.

    ``limit`` shortens it first (:func:`clip`); give :data:`NAME_CHARS` for a name, None for a
    sentence. Select boxes and multiselects draw options as plain text: give them ``clip``.
    """
    text = _AFTER_TEXT.sub(lambda m: (m.group(1) or "") + JOINER, clip(value, limit))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    start = _LINE_START.match(text)  # the value may open a line (or follow a list marker)
    if start is None:
        return text
    return "\\" + text if start.group(0) in "-+=" else f"{text[:start.end()]}\\{text[start.end():]}"


def quarter_label(ts) -> str | None:
    """A date's calendar quarter as pages, charts and findings write it; None for a missing date.

    >>> quarter_label(pd.Timestamp("2025-02-14")), quarter_label("2024-12-31"), quarter_label(pd.NaT)
    ('2025-Q1', '2024-Q4', None)
    """
    if ts is None or pd.isna(ts):
        return None
    ts = pd.Timestamp(ts)
    return f"{ts.year}-Q{(ts.month - 1) // 3 + 1}"


def fmt_day(d) -> str | None:
    """A day as pages write it ("30 Sep 2026"); None for a missing date.

    >>> from datetime import date
    >>> fmt_day(date(2026, 9, 30)), fmt_day(pd.Timestamp("2025-01-05")), fmt_day(None)
    ('30 Sep 2026', '5 Jan 2025', None)
    """
    if d is None or pd.isna(d):
        return None
    d = pd.Timestamp(d)
    return f"{d.day} {d:%b %Y}"


# ------------------------------------------------------------------ the vocabulary of numbers
#: what an empty cell reads (never "None", "nan" or "NaT")
EMPTY = "—"
#: the minus sign numbers are written with (U+2212, not the hyphen)
MINUS = "\u2212"


def signed(value: float, digits: int) -> str:
    """A number with its sign, for slopes and intervals written beside :func:`fmt_slope`: ``value`` rounded to ``digits`` with its sign ("+12", "−3.5"); a value that rounds to zero
    is "0", never "-0" or "+0.0"."""
    text = f"{abs(value):,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        return "0"
    return ("+" if value > 0 else MINUS) + text


def fmt_points(diff: float | None, digits: int = 0) -> str | None:
    """A difference of two shares (given as fractions, as the engine holds them) in percentage
    points: the gap between 93% and 81% is "+12 points", never "+12%"; None when missing.

    >>> fmt_points(0.12), fmt_points(-0.034), fmt_points(0.01), fmt_points(0.001), fmt_points(None)
    ('+12 points', '−3 points', '+1 point', '0 points', None)
    >>> fmt_points(0.8333, 1)
    '+83.3 points'
    """
    if _missing(diff):
        return None
    text = signed(100 * float(diff), digits)
    return f"{text} {'point' if text in ('+1', MINUS + '1') else 'points'}"


def fmt_slope(per_step: float | None, step: str = "cycle", digits: int = 1, flat: str | None = None) -> str | None:
    """A slope on a 0–100 scale (a score or a share times 100) in points per ``step``; a slope
    that rounds to zero reads "0 points per cycle" (or ``flat``), never "-0.000"; None when missing.

    >>> fmt_slope(2.06), fmt_slope(-0.7, "quarter"), fmt_slope(-0.0004), fmt_slope(0.01, flat="flat")
    ('+2.1 points per cycle', '−0.7 points per quarter', '0 points per cycle', 'flat')
    >>> fmt_slope(float("nan")) is None
    True
    """
    if _missing(per_step):
        return None
    text = signed(float(per_step), digits)
    if text == "0" and flat is not None:
        return flat
    return f"{text} {'point' if text in ('+1', MINUS + '1') else 'points'} per {step}"


#: plurals that do not follow the rules of :func:`plural`
IRREGULAR_PLURALS = {
    "person": "people", "child": "children", "analysis": "analyses", "series": "series", "criterion": "criteria",
    "index": "indices", "quiz": "quizzes", "staff": "staff", "data": "data",
}


def plural(noun: str) -> str:
    """The plural of an English noun (the last word of ``noun``): the irregular ones from
    :data:`IRREGULAR_PLURALS`, then -y after a consonant → -ies, -s/-x/-z/-ch/-sh → -es, else -s.

    >>> [plural(w) for w in ("named gap", "opportunity", "day", "coach", "box", "person", "rep-capability series")]
    ['named gaps', 'opportunities', 'days', 'coaches', 'boxes', 'people', 'rep-capability series']
    """
    head, _, last = noun.rpartition(" ")
    lead = f"{head} " if head else ""
    key = last.rsplit("-", 1)[-1].lower()
    if key in IRREGULAR_PLURALS:
        word = IRREGULAR_PLURALS[key]
        original = last[len(last) - len(key):]
        return lead + last[: len(last) - len(key)] + (word.capitalize() if original[:1].isupper() else word)
    # the rules by string methods (a gap's text counts thousands of nouns per period), read on the
    # word without one final newline, as the regular expressions they replaced read it ("$")
    core = last[:-1] if last.endswith("\n") else last
    if len(core) >= 2 and core[-1] == "y" and core[-2] not in "aeiou":
        return lead + last[:-1] + "ies"
    if core.endswith(("s", "x", "z", "ch", "sh")):
        return lead + last + "es"
    return lead + last + "s"


def fmt_count(n: int | float | None, noun: str, many: str | None = None) -> str | None:
    """A count with its noun in the right number: "1 named gap", "36 named gaps", "1,204 deals"
    (``many`` overrides the plural); None when missing.

    >>> fmt_count(1, "named gap"), fmt_count(36, "named gap"), fmt_count(0, "manager"), fmt_count(2, "person")
    ('1 named gap', '36 named gaps', '0 managers', '2 people')
    >>> fmt_count(1204, "deal"), fmt_count(3, "rep", "reps in scope"), fmt_count(None, "deal")
    ('1,204 deals', '3 reps in scope', None)
    """
    if _missing(n):
        return None
    n = int(n)
    return f"{n:,} {noun if n == 1 else many or plural(noun)}"


def fmt_date(d) -> str | None:
    """A date as pages write it, without its time (an alias of :func:`fmt_day`).

    >>> fmt_date(pd.Timestamp("2026-09-18 00:00:00")), fmt_date(pd.NaT)
    ('18 Sep 2026', None)
    """
    return fmt_day(d)


def fmt_percentile(p: float | None) -> str | None:
    """A percentile rank (0–100) as a whole number: 73.3333 reads "73".

    >>> fmt_percentile(73.3333), fmt_percentile(None)
    ('73', None)
    """
    return None if _missing(p) else f"{float(p):.0f}"


#: human headers for the columns the engine's frames carry (anything else: :func:`human_header`)
COLUMN_LABELS = {
    "n_actions": "Assigned", "n_due": "Due", "n_completed_due": "Completed of due", "n_completed": "Completed",
    "n_revisited": "Revisited", "n_overdue": "Overdue", "n_sessions": "Sessions", "n_reps_coached": "Reps coached",
    "n_complex_won": "Complex deals won", "n_quarters": "Quarters", "n_cycles": "Cycles",
    "n_capabilities": "Capabilities", "n_params": "Parameters", "n_rep_capabilities": "Rep-capability series",
    "n_reps_reviewed": "Reps reviewed", "n_named_gaps": "Named gaps", "n_gaps_moved": "Gaps moved",
    "n_gaps_stuck": "Gaps stuck", "n": "Reps", "aic": "AIC (lower fits better)", "loglik": "Log-likelihood",
    "label": "Model", "latest_norm": "Latest score", "baseline_norm": "Score when named",
    "named_cycles": "Cycles named", "best_capability": "Best capability", "best_rise": "Rise on best capability",
    "mean_slope": "Mean slope", "share_improving": "Share improving", "session_date": "Date",
    "session_type": "Session type", "focus_capability": "Capability in focus", "below_on": "Below standard on",
    "next_step": "Next step", "due_date": "Due", "assigned_date": "Assigned", "completed_date": "Completed",
    "days_overdue": "Days overdue", "days_since_completed": "Days since completed", "action_id": "Action",
    "action_type": "Type", "rep": "Rep", "manager": "Manager", "quality_index": "Quality index",
    "follow_through_rate": "Follow-through", "revisit_rate": "Revisit rate",
    "median_days_to_complete": "Median days to complete", "median_days_to_revisit": "Median days to revisit",
}
#: columns that hold a share (0–1), drawn as whole percentages
SHARE_COLUMNS = re.compile(r"(^|_)(rate|share|attainment|independence|quality_index|self_rating|reps_agree)($|_)")


def human_header(column: str) -> str:
    """A column's header as a user reads it: :data:`COLUMN_LABELS`, else its name in sentence
    case with spaces ("n_" counts lose the prefix).

    >>> human_header("n_due"), human_header("median_days_to_complete"), human_header("n_widgets"), human_header("Rep")
    ('Due', 'Median days to complete', 'Widgets', 'Rep')
    """
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    text = re.sub(r"^n_", "", str(column)).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _cells(values: pd.Series, how) -> pd.Series:
    return values.map(lambda v: EMPTY if _missing_cell(v) else how(v)).astype(object)


def _missing_cell(v) -> bool:
    if v is None or v is pd.NaT:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def user_table(frame: pd.DataFrame, labels: dict[str, str] | None = None, *, shares=(), points=(), slopes=(),
               percentiles=(), decimals: dict[str, int] | None = None) -> pd.DataFrame:
    """A frame as a user reads it in a table: human headers (``labels``, then
    :func:`human_header`), dates without their time, shares as whole percentages (``shares`` and
    any column :data:`SHARE_COLUMNS` names), differences of shares in points, slopes (0–100 scale)
    with :func:`fmt_slope`, percentiles as whole numbers, counts with thousands separators,
    other numbers to ``decimals`` (default 2, trailing zeros kept), yes/no for booleans, and
    :data:`EMPTY` for every missing cell. Every cell becomes text (the CSV download keeps the
    numbers: give it the frame itself).

    >>> t = user_table(pd.DataFrame({"manager": ["Ann", None], "follow_through_rate": [0.613, None],
    ...     "session_date": pd.to_datetime(["2026-09-18", None]), "percentile": [73.3333, 5.0],
    ...     "n_due": [1204, 3], "confidence_gap": [0.83, -0.02]}), points=["confidence_gap"])
    >>> t.columns.tolist()
    ['Manager', 'Follow-through', 'Date', 'Percentile', 'Due', 'Confidence gap']
    >>> t.iloc[0].tolist(), t.iloc[1].tolist()
    (['Ann', '61%', '18 Sep 2026', '73', '1,204', '+83 points'], ['—', '—', '—', '5', '3', '−2 points'])
    """
    labels, decimals = labels or {}, decimals or {}
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        v = frame[col]
        name = str(col)
        if name in points:
            cells = _cells(v, fmt_points)
        elif name in slopes:
            cells = _cells(v, functools.partial(_slope_cell, digits=decimals.get(name, 1)))
        elif name in percentiles or name == "percentile":
            cells = _cells(v, fmt_percentile)
        elif pd.api.types.is_bool_dtype(v):
            cells = _cells(v, lambda x: "yes" if x else "no")
        elif pd.api.types.is_datetime64_any_dtype(v):
            cells = _cells(v, fmt_day)
        elif pd.api.types.is_numeric_dtype(v) and (name in shares or SHARE_COLUMNS.search(name)):
            cells = _cells(v, fmt_pct)
        elif pd.api.types.is_integer_dtype(v) or (pd.api.types.is_float_dtype(v) and name not in decimals
                                                  and v.notna().any() and v.dropna().eq(v.dropna().round()).all()):
            cells = _cells(v, lambda x: f"{int(x):,}")
        elif pd.api.types.is_float_dtype(v):
            d = decimals.get(name, 2)
            cells = _cells(v, lambda x, d=d: f"{float(x):,.{d}f}".replace("-", MINUS))
        else:
            cells = _cells(v, lambda x: fmt_day(x) if isinstance(x, pd.Timestamp) or _is_date(x)
                           else ("yes" if x else "no") if isinstance(x, bool) else str(x))
        out[labels.get(name) or human_header(name)] = cells
    return out


def _slope_cell(x, digits: int) -> str:
    return signed(float(x), digits)


def _is_date(x) -> bool:
    return isinstance(x, _dt.date)


def fmt_ordinal(n: int | float) -> str:
    """A whole number as an ordinal: "1st", "22nd", "75th", "113th".

    >>> [fmt_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 75, 99.0)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '75th', '99th']
    """
    n = int(round(float(n)))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def fmt_measure(value, unit: str) -> str | None:
    """A signal's value by its unit (:class:`analytics.settings.Signal`): a share or a closeness as
    a whole percentage, a slope of normalised scores in points per cycle, a rate to one decimal;
    None when missing.

    >>> fmt_measure(0.613, "share"), fmt_measure(0.0072, "slope"), fmt_measure(1.234, "rate"), fmt_measure(None, "share")
    ('61%', '+0.7 points per cycle', '1.2', None)
    """
    if _missing(value):
        return None
    if unit in ("share", "closeness"):
        return fmt_pct(value)
    if unit == "slope":
        return fmt_slope(100 * float(value))
    return f"{float(value):,.1f}".replace("-", MINUS)
