"""Value parsers: text cells -> typed values, and a mask of the cells that could not be read.

Each parser takes a text Series (blank = missing) and returns ``Parsed(values, bad, note)``:
``values`` holds the typed values (missing where blank or bad), ``bad`` is True where a cell
had text that is not a valid value of the type. Nothing is guessed: a bad cell is reported,
never silently set to a default.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.fmt import BLANK_CLASS
from analytics.schema import CURRENCY_CODES as ISO_CODES


@dataclass
class Parsed:
    values: pd.Series
    bad: pd.Series
    note: str = ""
    #: for some bad cells, why (where "not a date" would not say enough); None elsewhere
    reasons: pd.Series | None = None
    #: text cells that held only invisible characters, read as missing (None: none did)
    emptied: pd.Series | None = None
    #: text cells cut to the longest a name may be (None: none was)
    cut: pd.Series | None = None


#: Cells whose lengths :func:`byte_lengths` and :func:`empty_cells` read from the offsets at once
#: (a small, reused temporary instead of one as long as the column).
_LENGTH_BLOCK = 1 << 16


def _offsets(chunk: pa.Array) -> np.ndarray | None:
    """A text array's offsets as NumPy (no copy), or None where they cannot stand for its cells'
    lengths (a missing cell may have any; not text)."""
    if chunk.null_count:
        return None
    if pa.types.is_large_string(chunk.type) or pa.types.is_large_binary(chunk.type):
        kind = np.int64
    elif pa.types.is_string(chunk.type) or pa.types.is_binary(chunk.type):
        kind = np.int32
    else:
        return None
    buffer = chunk.buffers()[1]
    if buffer is None:
        return None
    return np.frombuffer(buffer, dtype=kind)[chunk.offset : chunk.offset + len(chunk) + 1]


def byte_lengths(arr: pa.Array | pa.ChunkedArray) -> tuple[int, int]:
    """(fewest, most) UTF-8 bytes in a cell of a text column, missing cells left out; (0, 0) when
    it has none: ``pc.min``/``pc.max`` of ``pc.binary_length``, read from the offsets a block at a
    time, where the array of lengths took 40 MB for a column of 5,000,000 cells, each time, and a
    page fault for every 4 KB of it (benchmarks/RESULTS.md).

    >>> byte_lengths(pa.chunked_array([["ab", "", "été"], [None, "x"]]))
    (0, 5)
    """
    low: int | None = None
    high = 0
    for chunk in (arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]):
        if not len(chunk):
            continue
        offsets = _offsets(chunk)
        if offsets is None:
            lengths = pc.binary_length(chunk)
            fewest, most = pc.min(lengths).as_py(), pc.max(lengths).as_py()
            if fewest is None:  # every cell missing
                continue
        else:
            fewest, most = None, 0
            for start in range(0, len(offsets) - 1, _LENGTH_BLOCK):
                sizes = np.diff(offsets[start : start + _LENGTH_BLOCK + 1])
                least = int(sizes.min())
                fewest = least if fewest is None else min(fewest, least)
                most = max(most, int(sizes.max()))
        low = fewest if low is None else min(low, fewest)
        high = max(high, most)
    return (low or 0, high)


def empty_cells(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """``pc.equal(pc.binary_length(arr), 0)`` as a NumPy mask, read from the offsets where no cell
    is missing (see :func:`byte_lengths`).

    >>> empty_cells(pa.chunked_array([["ab", ""], ["", " "]])).tolist()
    [False, True, True, False]
    """
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    parts = []
    for chunk in chunks:
        offsets = _offsets(chunk)
        if offsets is None:
            parts.append(pc.equal(pc.binary_length(chunk), 0).to_numpy(zero_copy_only=False))
            continue
        for start in range(0, len(chunk), _LENGTH_BLOCK):
            parts.append(np.diff(offsets[start : start + _LENGTH_BLOCK + 1]) == 0)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def blank_mask(s: pd.Series) -> pd.Series:
    return s.isna() | (s.str.strip() == "")


# --------------------------------------------------------------------------- text


#: Python's \s on text, in RE2 (Arrow's regex engine, which pandas cannot be given \p{Z}).
_SPACE_RE2 = r"[\t\n\x0b\x0c\r\x1c-\x1f\x85\p{Z}]"


def _arrow_replace(s: pd.Series, re2_pattern: str, python_pattern: str | re.Pattern, repl: str) -> pd.Series:
    """``s.str.replace(python_pattern, repl)``, run in Arrow where the column is Arrow-backed."""
    if isinstance(s.array, pd.arrays.ArrowStringArray):
        out = pc.replace_substring_regex(s.array._pa_array, re2_pattern, repl)
        return pd.Series(pd.array(out, dtype=s.dtype), index=s.index, name=s.name)
    return s.str.replace(python_pattern, repl, regex=True)


#: Longest name, ID or reference kept, in characters; a longer value keeps its first
#: ``MAX_NAME_CHARS`` and its row is listed. CRMs cap these fields at 255 or fewer (Salesforce:
#: Account Name and Subject 255, Opportunity Name 120, a user's first and last names 40 and 80),
#: so no real export's value is cut; a longer one is not a name, and would wreck every chart,
#: table and slide it is drawn on.
MAX_NAME_CHARS = 255

#: Characters that show nothing: format characters (zero-width joiners, the byte-order mark, soft
#: hyphens, right-to-left overrides: Unicode's Cf, less the zero-width space, which separates
#: words), the control characters that are not whitespace (terminal escapes, NUL...) and every
#: other character a browser draws as nothing (:data:`analytics.fmt.BLANK_RANGES`: the combining
#: grapheme joiner, variation selectors, Hangul fillers, the Braille blank...).
_INVISIBLE_RE2 = r"(?:[^\P{Cf}\x{200B}]|[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f" + BLANK_CLASS + "])+"
#: Whitespace as Python's ``\s`` has it, and the zero-width space: a run becomes one space. Only
#: the runs that are not one space already match (two or more, or one other whitespace character):
#: a name's single spaces are left alone, far cheaper than replacing each with itself
#: (benchmarks/RESULTS.md).
_SPACES_RE2 = (r"(?:" + _SPACE_RE2 + r"|\x{200B}){2,}|[\t\n\x0b\x0c\r\x1c-\x1f\x85\x{200B}]|[^\P{Z} ]")


def _as_arrow(s: pd.Series) -> pa.ChunkedArray:
    """The column's text as Arrow (without a copy where it is Arrow already); missing -> null."""
    if isinstance(s.array, pd.arrays.ArrowStringArray):
        return s.array._pa_array
    return pa.chunked_array([pa.array(s.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)])


def _has_space(arr: pa.ChunkedArray) -> bool:
    """Whether any cell may hold a space: a byte scan of the text buffers (milliseconds at a million
    IDs: benchmarks/RESULTS.md)."""
    for chunk in arr.chunks:
        data = chunk.buffers()[2]
        if data is not None and (np.frombuffer(data, dtype=np.uint8) == 32).any():
            return True
    return False


#: Blocks whose letters names are mostly written in: Latin, Greek, Cyrillic, Hebrew, Arabic,
#: punctuation, currency signs, kana, CJK ideographs, Hangul syllables.
_NAME_BLOCKS = ((0xA0, 0x24F), (0x370, 0x6FF), (0x2010, 0x205E), (0x20A0, 0x20CF), (0x3040, 0x30FF),
                (0x4E00, 0x9FFF), (0xAC00, 0xD7A3))


@functools.cache
def _nfkc_stable_re2() -> str:
    """RE2 for a text of characters that NFKC leaves as they are, whatever surrounds them: ASCII
    and, in ``_NAME_BLOCKS``, every character that is its own NFKC form and is not a mark (a
    mark or a Hangul jamo may compose with the character before it). Built once per process from
    Python's Unicode tables (a moment, once); it holds no data."""
    ranges: list[list[int]] = [[0, 0x7F]]
    for lo, hi in _NAME_BLOCKS:
        for code in range(lo, hi + 1):
            char = chr(code)
            category = unicodedata.category(char)
            if category[0] in "MZC" or not unicodedata.is_normalized("NFKC", char):
                continue
            if ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "^[" + "".join(rf"\x{{{lo:X}}}-\x{{{hi:X}}}" for lo, hi in ranges) + "]*$"


def _nfkc(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """Unicode NFKC: full-width letters, ligatures and odd spaces folded, accents composed. Only
    the cells with a character NFKC might change are normalised (utf8proc costs several times
    the check: benchmarks/RESULTS.md)."""
    stable = pc.fill_null(pc.match_substring_regex(arr, _nfkc_stable_re2()), True)
    if pc.all(stable).as_py():
        return arr
    unstable = pc.invert(stable)
    return pa.chunked_array([pc.replace_with_mask(arr.combine_chunks(), unstable.combine_chunks(),
                                                  pc.utf8_normalize(pc.filter(arr, unstable), "NFKC").combine_chunks())])


def _cleanup(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """Invisible characters removed, NFKC, whitespace runs made one space (not yet trimmed).
    Removed first, so that an accent split from its letter by a combining grapheme joiner is
    composed with it (NFKC makes no invisible character of a visible one)."""
    arr = pc.replace_substring_regex(arr, _INVISIBLE_RE2, "")
    arr = _nfkc(arr)
    return pc.replace_substring_regex(arr, _SPACES_RE2, " ")


def clean_text(s: pd.Series, cap: int | None = None) -> Parsed:
    """Text as every page shows and joins it: Unicode NFKC (``"Ａｎｎ Ｌｅｅ"`` -> ``"Ann Lee"``),
    invisible characters removed (``"Ann\u200bLee"`` -> ``"Ann Lee"``: a zero-width space is a
    space), whitespace runs collapsed to one space and trimmed, blank -> missing; with ``cap``,
    at most ``cap`` characters.

    ``emptied`` marks cells that held text but nothing visible (a zero-width-space owner): they
    are missing, and the caller says so; ``cut`` marks the cells that were cut to ``cap``.

    Vectorised in Arrow: only the cells that need more than trimming (anything beyond printable
    ASCII, or a double space) go through normalisation and the regular expressions, so a column of
    plain names or IDs costs a few scans (benchmarks/RESULTS.md).
    """
    arr = _as_arrow(s)
    n = len(arr)
    emptied = np.zeros(n, dtype=bool)
    # anything but printable ASCII (an empty cell too: it is not "printable"), or a double space
    needs = pc.invert(pc.and_(pc.string_is_ascii(arr), pc.ascii_is_printable(arr)))
    spaced = _has_space(arr)
    if spaced:  # (IDs have none: the search for a double space is skipped)
        needs = pc.or_(needs, pc.match_substring(arr, "  "))
    needs = pc.fill_null(needs, False)
    if pc.any(needs).as_py():
        mask = needs.to_numpy(zero_copy_only=False)
        part = pc.filter(arr, needs)
        cleaned = pc.utf8_trim(_cleanup(part), " ")
        had_text = pc.invert(pc.or_(pc.equal(pc.binary_length(part), 0), pc.utf8_is_space(part)))
        emptied[mask] = pc.fill_null(pc.and_(had_text, pc.equal(pc.binary_length(cleaned), 0)),
                                     False).to_numpy(zero_copy_only=False)
        arr = pc.replace_with_mask(arr, pa.chunked_array([mask]).combine_chunks(), cleaned.combine_chunks())
    if spaced:  # without a space there is nothing to trim (the cleaned cells are trimmed): no copy of IDs
        arr = pc.utf8_trim(arr, " ")
    cut = np.zeros(n, dtype=bool)
    fewest, most = byte_lengths(arr)
    if cap is not None and most > cap:  # bytes >= characters
        over = pc.fill_null(pc.greater(pc.utf8_length(arr), cap), False)
        if pc.any(over).as_py():
            cut = over.to_numpy(zero_copy_only=False)
            arr = pc.if_else(over, pc.utf8_rtrim(pc.utf8_slice_codeunits(arr, 0, cap), " "), arr)
    if cut.any():  # cut cells are shorter now
        fewest = byte_lengths(arr)[0]
    if arr.null_count or not fewest:  # a blank cell: missing
        arr = pc.if_else(pc.fill_null(pc.greater(pc.binary_length(arr), 0), False), arr, pa.scalar(None, arr.type))
    dtype = s.dtype if isinstance(s.dtype, pd.StringDtype) else "str"
    values = pd.Series(pd.array(arr, dtype=dtype), index=s.index, name=s.name)
    return Parsed(values, pd.Series(False, index=s.index),
                  emptied=pd.Series(emptied, index=s.index) if emptied.any() else None,
                  cut=pd.Series(cut, index=s.index) if cut.any() else None)


def parse_text(s: pd.Series, cap: int | None = None) -> Parsed:
    """Text: normalised as :func:`clean_text` says; blank -> missing."""
    return clean_text(s, cap)


#: Line breaks as one ``\n`` (Windows and old Mac ends, vertical tab, form feed, the separators
#: Unicode and Word use); the rest of the whitespace, as in :data:`_SPACES_RE2`, made one space.
_BREAKS_RE2 = r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\x{2028}\x{2029}]"
_LINE_SPACES_RE2 = r"(?:[\t\x1f\p{Z}\x{200B}]){2,}|[\t\x1f\x{200B}]|[^\P{Z} ]"


def parse_prose(s: pd.Series, cap: int | None = None) -> Parsed:
    r"""Free text whose lines mean something (a transcript's speaker turns, a note's bullets:
    ``schema.MULTILINE_COLUMNS``): cleaned as :func:`clean_text` does, except that line breaks are
    kept, as one ``\n`` each, with the spaces around them and runs of more than one blank line
    dropped. Vectorised in Arrow.

    >>> parse_prose(pd.Series(["Manager: How did it go?\r\nRep:  Fine\u200b ok ", "  ", None])).values.tolist()
    ['Manager: How did it go?\nRep: Fine ok', nan, nan]
    """
    arr = _as_arrow(s)
    arr = pc.replace_substring_regex(arr, _INVISIBLE_RE2, "")
    arr = _nfkc(arr)
    arr = pc.replace_substring_regex(arr, _BREAKS_RE2, "\n")
    arr = pc.replace_substring_regex(arr, _LINE_SPACES_RE2, " ")
    arr = pc.replace_substring_regex(arr, r" ?\n ?", "\n")
    arr = pc.replace_substring_regex(arr, r"\n{3,}", "\n\n")
    arr = pc.utf8_trim(arr, " \n")
    arr = pc.if_else(pc.fill_null(pc.greater(pc.binary_length(arr), 0), False), arr, pa.scalar(None, arr.type))
    dtype = s.dtype if isinstance(s.dtype, pd.StringDtype) else "str"
    return Parsed(pd.Series(pd.array(arr, dtype=dtype), index=s.index, name=s.name), pd.Series(False, index=s.index))


def parse_id(s: pd.Series, cap: int | None = None) -> Parsed:
    """Identifiers are never re-cased; they are normalised as names are (:func:`clean_text`), so
    that an owner written as an ID finds the roster's ID whichever way each file spaced it."""
    return clean_text(s, cap)


def fold_emails(s: pd.Series) -> pd.Series:
    """The values that are e-mail addresses (hold an ``@``) in lower case, the rest as they are: how a
    person's e-mail joins across files (``schema.PERSON_EMAIL_COLUMNS``). Vectorised; a column
    with no ``@`` is returned as it came.

    >>> fold_emails(pd.Series(["Ann.Lee@Example.COM", "Ann Lee", "005ABC"])).tolist()
    ['ann.lee@example.com', 'Ann Lee', '005ABC']
    >>> fold_emails(pd.Series(["A@X.io", "B", "A@X.io"], dtype="category")).tolist()
    ['a@x.io', 'B', 'a@x.io']
    """
    if isinstance(s.dtype, pd.CategoricalDtype):  # fold the categories, not every row
        folded = fold_emails(pd.Series(s.cat.categories, dtype=object))
        if folded.is_unique:
            return s.cat.rename_categories(folded.tolist())
        s = s.astype(object)
    at = s.str.contains("@", regex=False)
    at = at.fillna(False).astype(bool) if at.dtype != bool else at
    if not at.any():
        return s
    return s.where(~at, s.str.lower())


# --------------------------------------------------------------------------- numbers

_CURRENCY = re.compile(r"(?i)(us\$|usd|eur|gbp|chf|cad|aud|jpy|inr|[$€£¥₹]|\s|\u00a0|\u202f|')")
#: The same in RE2, Arrow's regex engine: Python's \s on text is exactly these characters.
_CURRENCY_RE2 = r"(?i)(us\$|usd|eur|gbp|chf|cad|aud|jpy|inr|[$€£¥₹]|" + _SPACE_RE2 + "|')"
# Plain strings, not compiled patterns, so that pandas runs them in Arrow (RE2) on Arrow-backed
# text instead of cell by cell in Python (it still falls back where RE2 would differ).
_US_THOUSANDS = r"^-?\d{1,3}(,\d{3})+(\.\d+)?$"
_EU_THOUSANDS = r"^-?\d{1,3}(\.\d{3})+(,\d+)?$"
_EU_DECIMAL = r"^-?\d+,\d{1,2}$"
_EU_DOT_GROUPS = r"^-?\d{1,3}(\.\d{3}){2,}$"
_THREE_DECIMALS = r"^-?\d{1,3}\.\d{3}$"
_PLAIN = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"


def _strip_currency(s: pd.Series) -> pd.Series:
    """Remove currency marks, spaces and apostrophes (Swiss thousands)."""
    return _arrow_replace(s, _CURRENCY_RE2, _CURRENCY, "")


def _clean_number_text(s: pd.Series) -> pd.Series:
    t = _strip_currency(s.str.strip()).str.rstrip("%")
    # (1,234.00) and 1,234.00- are accountants' negatives
    t = t.str.replace(r"^\((.*)\)$", r"-\1", regex=True).str.replace(r"^(.*\d)-$", r"-\1", regex=True)
    return t


def decimal_comma_proven(cleaned: pd.Series) -> bool:
    """True when the column's values prove commas are decimal marks (``1.234,50`` or ``12,5``)."""
    vals = cleaned.dropna()
    vals = vals[vals != ""]
    if vals.empty:
        return False
    eu = (vals.str.match(_EU_THOUSANDS) & vals.str.contains(",", regex=False) | vals.str.match(_EU_DECIMAL)
          | vals.str.match(_EU_DOT_GROUPS))
    us = vals.str.match(_US_THOUSANDS) & vals.str.contains(".", regex=False)
    return bool(eu.any()) and not bool(us.any())


def dots_ambiguous(cleaned: pd.Series) -> bool:
    """True when every value with a dot looks like ``1.500``: a decimal point or a thousands
    separator, which the values alone cannot tell."""
    vals = cleaned.dropna()
    dotted = vals[vals.str.contains(".", regex=False)]
    return not dotted.empty and bool(dotted.str.match(_THREE_DECIMALS).all()) and not vals.str.contains(",").any()


def parse_number(s: pd.Series) -> Parsed:
    """Money and plain numbers: ``"$450,000.00 "``, ``1.234,50 €``, ``(200)``, ``12%``."""
    blank = blank_mask(s)
    t = _clean_number_text(s.fillna(""))
    note = ""
    if decimal_comma_proven(t):
        t = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        note = "decimal commas"
    else:
        if dots_ambiguous(t[~blank]):
            note = ("every dotted value looks like 1.500: read with '.' as the decimal mark; if the export "
                    "uses dots for thousands, change the number format and upload again")
        us = t.str.match(_US_THOUSANDS)
        t = t.where(~us, t.str.replace(",", "", regex=False))
    ok_shape = t.str.match(_PLAIN)
    values = pd.to_numeric(t.where(ok_shape & ~blank), errors="coerce").astype("float64")
    values = values.where(np.isfinite(values))
    bad = ~blank & values.isna()
    return Parsed(values, bad, note)


# --------------------------------------------------------------------------- currencies

#: Codes recognised inside an amount cell ("1,200 SEK"): those sales organisations report in (a
#: currency column reads every code of :data:`analytics.schema.CURRENCY_CODES`).
CURRENCY_CODES = (
    "USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "JPY", "CNY", "HKD", "SGD", "INR", "SEK", "NOK",
    "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "TRY", "ILS", "AED", "SAR", "QAR", "ZAR", "BRL", "MXN",
    "ARS", "CLP", "COP", "PEN", "KRW", "TWD", "THB", "MYR", "IDR", "PHP", "VND", "RUB", "UAH", "EGP",
    "NGN", "KES", "ISK",
)

#: How exports write a currency besides its code: symbols and names, folded to lower case without
#: spaces or dots (data; ``$`` is read as US dollars, as spreadsheets and US-set CRMs write them,
#: and the import note says so).
CURRENCY_WORDS: dict[str, str] = {
    "$": "USD", "us$": "USD", "usd$": "USD", "usdollar": "USD", "usdollars": "USD", "dollar": "USD",
    "dollars": "USD", "unitedstatesdollar": "USD",
    "€": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "poundsterling": "GBP", "britishpound": "GBP", "pound": "GBP", "pounds": "GBP",
    "¥": "JPY", "yen": "JPY", "japaneseyen": "JPY", "cn¥": "CNY", "rmb": "CNY", "yuan": "CNY", "yuanrenminbi": "CNY",
    "₹": "INR", "rs": "INR", "indianrupee": "INR", "rupee": "INR",
    "c$": "CAD", "ca$": "CAD", "can$": "CAD", "canadiandollar": "CAD",
    "a$": "AUD", "au$": "AUD", "australiandollar": "AUD", "nz$": "NZD", "newzealanddollar": "NZD",
    "hk$": "HKD", "hongkongdollar": "HKD", "s$": "SGD", "singaporedollar": "SGD",
    "fr": "CHF", "sfr": "CHF", "swissfranc": "CHF", "r$": "BRL", "brazilianreal": "BRL",
    "mex$": "MXN", "mexicanpeso": "MXN", "zł": "PLN", "polishzloty": "PLN", "₩": "KRW", "₺": "TRY",
    "₪": "ILS", "₽": "RUB", "₴": "UAH", "swedishkrona": "SEK", "norwegiankrone": "NOK",
    "danishkrone": "DKK", "southafricanrand": "ZAR", "₫": "VND", "฿": "THB", "₱": "PHP",
}

#: A currency mark at the start or end of an amount cell ("€1.200,00", "1,200 EUR", "USD 450",
#: "CA$ 99"): an ISO code of :data:`CURRENCY_CODES` or a symbol of :data:`CURRENCY_WORDS` (the
#: longest first, so "US$" is not read as "$").
_MARKS = sorted({*CURRENCY_CODES, *(w for w in CURRENCY_WORDS if not w.isalpha())}, key=len, reverse=True)
_MARK = "(?:" + "|".join(re.escape(m) for m in _MARKS) + ")"
_MARK_AT_EDGE = re.compile(r"(?i)^\s*[-(]?\s*(" + _MARK + r")|(" + _MARK + r")\s*\)?\s*$")
_MARK_AT_START = re.compile(r"(?i)^\s*[-(]?\s*(" + _MARK + r")")
_MARK_AT_END = re.compile(r"(?i)(" + _MARK + r")\s*\)?\s*$")
_CODES_AT_EDGE = re.compile(r"(?i)^\s*(?:" + "|".join(CURRENCY_CODES) + r")\b|\b(?:"
                            + "|".join(CURRENCY_CODES) + r")\s*$")


def currency_code(text: str | None) -> str | None:
    """One written currency as its ISO code; None when it is blank or not a currency.

    >>> [currency_code(t) for t in ("eur", "€", "US Dollar", "CA$", "chf", "Bitcoins", "")]
    ['EUR', 'EUR', 'USD', 'CAD', 'CHF', None, None]
    """
    if not isinstance(text, str):
        return None
    key = re.sub(r"[\s.]", "", text).lower()
    if not key:
        return None
    if key.upper() in ISO_CODES:
        return key.upper()
    return CURRENCY_WORDS.get(key)


def parse_currency(s: pd.Series) -> Parsed:
    """A currency column: ISO codes (any case), symbols and names (``"€"``, ``"US Dollar"``) read
    as ISO codes; anything else is not a currency. Called once per distinct text (:func:`parse`),
    so the per-value lookup is a dictionary's over the few currencies a column holds."""
    blank = blank_mask(s)
    uniques = pd.Series(s[~blank].unique())
    lookup = {u: currency_code(u) for u in uniques}
    values = s.map(lookup).where(~blank).astype("str")
    bad = ~blank & values.isna()
    return Parsed(values, bad, "")


def currency_in_amounts(s: pd.Series) -> pd.Series:
    """The currency each amount cell carries (``"€1.200,00"`` -> ``"EUR"``, ``"1,200 EUR"`` ->
    ``"EUR"``), missing where it carries none; vectorised (a regular expression over the column,
    then a lookup over the few marks found).

    >>> currency_in_amounts(pd.Series(["€1.200,00", "1,200 eur", "USD 450", "450", "(£20)", None])).tolist()
    ['EUR', 'EUR', 'USD', nan, 'GBP', nan]
    """
    # marks hold no digit: a cell's mark is in the text before its first digit or after its last,
    # cut in Arrow (two linear scans); the few distinct edges are then read once each
    arr = _as_arrow(s)

    def read(pattern: str, mark: re.Pattern, search: bool) -> pa.Array:
        edges = pc.dictionary_encode(pc.struct_field(pc.extract_regex(arr, pattern), [0])).combine_chunks()
        codes = []
        for e in edges.dictionary.to_pylist():
            m = (mark.search if search else mark.match)(e)
            codes.append(currency_code(m.group(1)) if m else None)
        return pa.array(codes, type=pa.string()).take(edges.indices)

    code = pc.coalesce(read(r"^(?P<m>[^0-9]*)", _MARK_AT_START, False), read(r"(?P<m>[^0-9]*)$", _MARK_AT_END, True))
    return pd.Series(pd.array(pa.chunked_array([code]), dtype="str"), index=s.index)  # stays in Arrow


def has_marks(s: pd.Series) -> bool:
    """Whether any cell of an amount column holds more than digits, separators and signs (a
    currency mark may be there): one scan in Arrow, on the column's own text where it is Arrow."""
    marked = pc.match_substring_regex(_as_arrow(s), r"[^0-9.,\s()+\-'%]")
    return bool(pc.any(pc.fill_null(marked, False)).as_py())


def has_letters(s: pd.Series) -> bool:
    """Whether any cell holds three letters in a row (a currency code may be there): one Arrow scan."""
    found = pc.match_substring_regex(_as_arrow(s), r"[A-Za-z]{3}")
    return bool(pc.any(pc.fill_null(found, False)).as_py())


def parse_money(s: pd.Series) -> Parsed:
    """Amounts: :func:`parse_number`, with any ISO code of :data:`CURRENCY_CODES` at either end of
    a cell set aside first (``"1,200 SEK"``); the currency itself is read by
    :func:`currency_in_amounts`."""
    if has_letters(s):  # (one scan in Arrow; plain amounts skip the rest)
        text = s.astype("str")
        s = s.where(s.isna(), text.str.replace(_CODES_AT_EDGE, "", regex=True))
    return parse_number(s)


#: Whole numbers are stored as 64-bit integers; a larger value is not a count of anything.
MAX_INTEGER = 2.0**63


def parse_integer(s: pd.Series) -> Parsed:
    p = parse_number(s)
    frac = p.values.notna() & ((p.values % 1 != 0) | (p.values.abs() >= MAX_INTEGER))
    values = p.values.where(~frac).round().astype("Int64")
    return Parsed(values, p.bad | frac, p.note)


# --------------------------------------------------------------------------- booleans

TRUE_WORDS = {"true", "t", "yes", "y", "1", "x", "checked", "✓", "✔", "on", "ja", "oui", "si", "sí"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "unchecked", "off", "nein", "non"}


def parse_bool(s: pd.Series) -> Parsed:
    """TRUE/FALSE, Yes/No, Y/N, 1/0; and 1/blank, where blank means false.

    A blank cell means *false* only when the column marks truth with values and never
    writes false (Salesforce API exports write ``1`` or nothing); otherwise blank is unknown.
    """
    blank = blank_mask(s)
    key = s.fillna("").str.strip().str.lower()
    is_true = key.isin(TRUE_WORDS)
    is_false = key.isin(FALSE_WORDS)
    values = pd.Series(pd.NA, index=s.index, dtype="boolean")
    values[is_true] = True
    values[is_false] = False
    note = ""
    if is_true.any() and not is_false.any() and blank.any():
        values[blank] = False
        note = "blank read as false"
    bad = ~blank & ~is_true & ~is_false
    return Parsed(values, bad, note)


# --------------------------------------------------------------------------- dates

ISO_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y%m%d")
US_FORMATS = (
    "%m/%d/%Y", "%m/%d/%y", "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M", "%m/%d/%Y %I:%M %p",
    "%m/%d/%y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%m-%d-%Y",
)
DAY_FIRST_FORMATS = (
    "%d/%m/%Y", "%d/%m/%y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d.%m.%Y", "%d.%m.%y",
    "%d.%m.%Y %H:%M", "%d-%m-%Y",
)
NAMED_MONTH_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%d-%b-%Y", "%d-%b-%y", "%b %d %Y")
_ISO_ZONED = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")
_SLASHED = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\b")
MIN_YEAR, MAX_YEAR = 1900, 2100
#: Excel's serial dates (days since 1899-12-30, a fraction for the time of day), as a CSV saved
#: from Excel or a workbook cell typed as a number holds them: read in date columns only (never
#: amounts), and only from 1990-01-01 (32874) to 2100-12-31 (73415), so a stray count or ID is
#: still "not a date".
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
SERIAL_MIN, SERIAL_MAX = 32874, 73415
_SERIAL = re.compile(r"^\d{5}([.,]\d+)?$")  # 45292,5 where Excel writes decimal commas


def _slashed_parts(texts: pd.Series, dotted: bool = False) -> tuple[pd.Series, pd.Series]:
    """First and second numbers of n/n/yyyy and n-n-yyyy dates (NaN elsewhere); with
    ``dotted``, of 14.03.2024 too, which are day-first by convention wherever written."""
    parts = texts.str.extract(_SLASHED)
    if parts.empty:
        return pd.Series(dtype="float64"), pd.Series(dtype="float64")
    keep = pd.Series(True, index=texts.index) if dotted else ~texts.str.match(r"^\d{1,2}\.")
    first = pd.to_numeric(parts[0], errors="coerce").where(keep)
    second = pd.to_numeric(parts[1], errors="coerce").where(keep)
    return first, second


def day_first_proven(texts: pd.Series) -> bool | None:
    """For n/n/yyyy dates: True if some first part exceeds 12 (so days come first), False if
    some second part does (months first), None when the values cannot tell. Slashed dates
    decide; dotted ones only when the slashed ones cannot."""
    for dotted in (False, True):
        first, second = _slashed_parts(texts, dotted)
        if first.isna().all():
            continue
        first_big, second_big = bool((first > 12).any()), bool((second > 12).any())
        if first_big and not second_big:
            return True
        if second_big and not first_big:
            return False
    return None


def _date_styles(texts: pd.Series, day_first: bool | None) -> list[str]:
    """The ways of writing dates a column uses, as the note beside it names them."""
    styles = [
        ("yyyy-mm-dd", texts.str.match(r"^\d{4}-\d{1,2}-\d{1,2}")),
        ("d/m/y" if day_first else "m/d/y", texts.str.match(r"^\d{1,2}[/-]\d{1,2}[/-]\d{2,4}")),
        ("d.m.y", texts.str.match(r"^\d{1,2}\.\d{1,2}\.\d{2,4}")),
        ("month names", texts.str.contains(r"[A-Za-z]{3}", regex=True)),
        ("Excel serial numbers", texts.str.match(_SERIAL)),
    ]
    return [name for name, used in styles if bool(used.any())]


def parse_datetime(s: pd.Series, local: bool = False) -> Parsed:
    """Parse dates and timestamps in the formats real exports use, to naive UTC timestamps.

    ISO dates and timestamps (with or without zone), US m/d/yy and m/d/yyyy with or without
    time, d/m/yyyy when the values prove days come first, dotted European dates, and named
    months. Each distinct text is tried against the formats in that order. Zoned timestamps
    become UTC; with ``local=True`` (date columns) they keep the wall-clock time as written,
    so a deal closed at 23:30 −08:00 closes that day, not the next.
    """
    blank = blank_mask(s)
    text = s.fillna("").str.strip()
    result = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    todo = ~blank
    if not todo.any():
        return Parsed(result, pd.Series(False, index=s.index))
    uniques = pd.Series(text[todo].unique())
    day_first = day_first_proven(uniques)
    # A column with 13/01/2024 and 01/14/2024 proves both orders, so 03/04/2024 cannot be
    # read without a guess: such dates are rejected with the reason, never guessed.
    first, second = _slashed_parts(uniques)
    both_orders = bool((first > 12).any()) and bool((second > 12).any())
    ambiguous_u = (first <= 12) & (second <= 12) & (first != second) if both_orders else first > 99
    formats = list(ISO_FORMATS)
    formats += list(DAY_FIRST_FORMATS + US_FORMATS) if day_first else list(US_FORMATS + DAY_FIRST_FORMATS)
    formats += list(NAMED_MONTH_FORMATS)
    parsed_u = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[us]")
    zoned = uniques.str.match(_ISO_ZONED)
    if zoned.any():
        texts = uniques[zoned].str.replace(r"([+-]\d{2})(\d{2})$", r"\1:\2", regex=True)
        if local:
            texts = texts.str.replace(r"(Z|[+-]\d{2}:\d{2})$", "", regex=True)
            z = pd.to_datetime(texts, format="ISO8601", errors="coerce")
            parsed_u[zoned] = z.astype("datetime64[us]")
        else:
            z = pd.to_datetime(texts, format="ISO8601", utc=True, errors="coerce")
            parsed_u[zoned] = z.dt.tz_localize(None).astype("datetime64[us]")
    serial = uniques.str.match(_SERIAL) & parsed_u.isna()
    if serial.any():
        days = pd.to_numeric(uniques[serial].str.replace(",", ".", regex=False), errors="coerce")
        days = days.where((days >= SERIAL_MIN) & (days < SERIAL_MAX + 1))
        # to the second: a fraction of a day written to 15 digits is never an exact second
        stamps = EXCEL_EPOCH + pd.to_timedelta((days * 86400).round(), unit="s")
        parsed_u[serial] = stamps.astype("datetime64[us]")
    for fmt in formats:
        remaining = parsed_u.isna()
        if not remaining.any():
            break
        attempt = pd.to_datetime(uniques[remaining], format=fmt, errors="coerce")
        parsed_u[remaining] = attempt.astype("datetime64[us]")
    remaining = parsed_u.isna()
    if remaining.any():  # ISO with fractions / a 'T' but no zone
        attempt = pd.to_datetime(uniques[remaining], format="ISO8601", errors="coerce", utc=True)
        parsed_u[remaining] = attempt.dt.tz_localize(None).astype("datetime64[us]")
    years = parsed_u.dt.year
    parsed_u = parsed_u.where((years >= MIN_YEAR) & (years <= MAX_YEAR))
    ambiguous_u = ambiguous_u.reindex(uniques.index, fill_value=False).fillna(False).astype(bool)
    parsed_u = parsed_u.where(~ambiguous_u)
    lookup = pd.Series(parsed_u.values, index=uniques.values)
    result[todo] = text[todo].map(lookup).astype("datetime64[us]").values
    bad = todo & result.isna()
    notes = ["days first (d/m/y)"] if day_first else []
    styles = _date_styles(uniques, day_first)
    if len(styles) > 1:
        notes.append(f"dates are written in {len(styles)} formats ({', '.join(styles)}); each date was read in "
                     "its own format")
    reasons = None
    if ambiguous_u.any():
        unclear = set(uniques[ambiguous_u])
        reasons = pd.Series(None, index=s.index, dtype="object")
        hit = todo & text.isin(unclear)
        reasons[hit] = text[hit].map(
            lambda t: f"'{t}' could be read day first or month first, and this column has dates written both "
                      "ways (such as 13/01 and 01/14), so the app does not guess; write it as yyyy-mm-dd")
        notes.append("the column mixes day-first and month-first dates; dates that could be either were rejected")
    return Parsed(result, bad, "; ".join(notes), reasons)


def parse_date(s: pd.Series) -> Parsed:
    p = parse_datetime(s, local=True)
    return Parsed(p.values.dt.normalize(), p.bad, p.note, p.reasons)


PARSERS = {
    "text": parse_text,
    "prose": parse_prose,
    "id": parse_id,
    "date": parse_date,
    "timestamp": parse_datetime,
    "money": parse_money,
    "currency": parse_currency,
    "number": parse_number,
    "integer": parse_integer,
    "bool": parse_bool,
}

#: A text column is parsed once per distinct value unless more than this share of its first
#: SAMPLE cells are distinct.
DISTINCT_SHARE = 0.5
SAMPLE = 10_000
#: Rows from which a column is parsed once per distinct text (below, finding them costs more).
DISTINCT_FROM = 1000


def parse(kind: str, s: pd.Series, cap: int | None = None) -> Parsed:
    """Parse a column with the parser of its type, once per distinct text; ``cap``: the
    longest a text or ID column's values may be (its names, see ``schema.NAMING_COLUMNS``).

    Exports repeat themselves (owners, stages, types, dates, flags): parsing the distinct
    texts and spreading the results back gives the same values, masks and notes, because
    every parser decides per cell and, for the column as a whole, only from which texts occur
    (``any``/``all``), never from how often. A column of mostly distinct values (IDs) is
    parsed as it is.
    """
    parser = PARSERS[kind]
    if cap is not None and kind in ("text", "id"):
        parser = functools.partial(parser, cap=cap)
    if len(s) < DISTINCT_FROM or kind == "id" or (
            kind == "text" and s.iloc[:SAMPLE].nunique(dropna=False) > DISTINCT_SHARE * min(len(s), SAMPLE)):
        # few rows, IDs, names of deals: cheap to parse and mostly distinct, so finding the
        # distinct texts would cost more than it saves
        return parser(s)
    codes, uniques = pd.factorize(s.array, use_na_sentinel=False)
    p = parser(pd.Series(uniques))

    def spread(part: pd.Series | None) -> pd.Series | None:
        if part is None:
            return None
        return pd.Series(part.array.take(codes), index=s.index, name=s.name)

    values = spread(p.values) if kind != "text" else _categorical(p.values, codes, s)
    return Parsed(values, spread(p.bad), p.note, spread(p.reasons), spread(p.emptied), spread(p.cut))


def _categorical(parsed_uniques: pd.Series, codes: np.ndarray, s: pd.Series) -> pd.Series:
    """Text parsed once per distinct value, spread back as a categorical: each row holds a
    code, not its own copy of the text (far less memory per column at millions of rows:
    benchmarks/RESULTS.md; and DuckDB reads the codes and the few names as they are)."""
    cat_codes, categories = pd.factorize(parsed_uniques.array)  # two texts may trim to one; blank -> -1
    return pd.Series(pd.Categorical.from_codes(cat_codes[codes], categories=pd.Index(categories, dtype="str")),
                     index=s.index, name=s.name)


TYPE_WORDS = {
    "date": "a date",
    "timestamp": "a date and time",
    "money": "an amount",
    "currency": "a currency (an ISO code such as EUR, or a symbol such as €)",
    "number": "a number",
    "integer": "a whole number",
    "bool": "yes/no (TRUE/FALSE, 1/0)",
}
