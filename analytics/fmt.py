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
