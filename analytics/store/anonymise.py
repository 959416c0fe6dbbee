"""An anonymised copy of a workspace, for showing the app to an audience.

:func:`anonymise` builds a *new* :class:`~analytics.store.workspace.Workspace` holding every table
of a session's workspace with real people, their teams and (by default) accounts replaced by
stable pseudonyms ("Manager 03", "Rep 041", "Team 07", "Account 0007"), optionally amounts as
an index too (the median won deal = 100). Every page run against the copy shows the same
numbers under other names:

* **People.** One pseudonym per person. A roster row's ID, name and e-mail map to the same
  person; a reference (deal owner, coach, reviewer, attendee...) that matches a roster ID or
  name exactly maps to that person, one that differs only in letter case maps to the same
  pseudonym in that case (``"director 01"``), so exact and case-insensitive joins behave as
  before. References not in the roster are still real people: they get their own pseudonym.
  The role prefix says what the person does: *Director* (their reports include managers),
  *Manager* (named as someone's manager, or as the manager of a coaching session,
  development action, survey or review), *Rep* (anyone else in the roster), *Person*
  (anyone else). Numbers follow ``sha256(salt + real name)`` within each role: stable for
  one salt, shuffled by another, never alphabetical.
* **Teams** become ``Team NN`` (one per team, numbered like people), since a team with one
  manager names that manager.
* **Every other text value** (deal names, subjects, survey items, regions, stages, products,
  lead sources, activity, action and session types, capabilities, cycles, file names, IDs...:
  every ``text`` and ``id`` column of :mod:`analytics.schema`, and the import log's): every
  known full name (person ID, e-mail or its local part, contact, lead, team or account name)
  is replaced by its pseudonym, then any remaining first or last name of a person (the roster,
  every reference, every contact and lead), of any length (``Li``, ``Jo``), by ``[name]``: in any
  letter case, with or without accents, as a word, glued to digits or to another word
  (``Deepa2``, ``DeepaVarga``, ``SyncDeepa``; a surname prefix keeps its capital, so
  ``McDonald`` is not ``Donald``), through characters that draw nothing (``Dee\u034fpa``), and in
  scripts written without spaces (Han, kana, Hangul, Thai...) inside a run of letters
  (``与王伟通话``; a name word of one such letter alone is not looked for). Titles (``Ms``, ``Dr``)
  and lower-case particles (``van``) are no one's name. Other e-mail addresses become ``[email]``. Values that are keys or categories stay
  one-to-one (two stages or products never merge: a second ``Stage [name]`` is
  ``Stage [name] (2)``); an ID holding a name becomes ``ID NNNNNN``. Uploaded file names
  (the import log) can hold any name, one the data does not know too: they become ``File 03``.
* **Accounts** (``AnonymiseOptions.accounts``, on by default): account IDs and names, parents,
  and the account on deals, contacts and leads become one ``Account NNNN`` per account, and
  account names (also without legal suffix, as deal names quote them) are replaced in free text.
* **Money** (``AnonymiseOptions.amounts_as_index``): every money column is multiplied by one
  factor, so ratios (attainment, win rate, shares) do not move.
* **The label** is not taken from the data (uploaded file names carry names): it says only
  where the workspace came from ("Your uploads (anonymised)").
* **Its origin**: the copy knows the workspace and the version of its data it was made from
  (:class:`~analytics.store.workspace.Origin`): its id is that workspace's with the kind of copy
  appended (:func:`copy_kind`) and its version is that version, so the pages' widgets and memos
  treat a copy made again the same way as the same workspace, at the data's version.

Dates, numbers and flags are copied unchanged, row for row. Values are mapped once per
distinct value in Python and applied to whole Arrow columns; a column's values are first
checked in Arrow for any word a name could start with, so a column of millions of IDs costs
one vectorised pass. No value from the data is ever written into SQL text, and nothing of a
session is kept in this module: every lookup table lives in the :class:`Pseudonyms` returned,
which the caller holds in the session.

Examples
--------
>>> from tests.factories import workspace_with
>>> ws = workspace_with(people=[{"name": "Ann Lee", "manager": "Max Muster"}])
>>> anon, names = anonymise(ws)
>>> anon.label
'Workspace (anonymised)'
>>> names.people["Ann Lee"], names.people["Max Muster"]
('Rep 001', 'Manager 01')
>>> names.scrub("Call with Ann Lee and Ann")
'Call with Rep 001 and [name]'
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analytics import schema
from analytics.filters import Filters
from analytics.fmt import BLANK_RANGES
from analytics.store.schema_sql import CORRECTIONS, REPORTING_CURRENCY
from analytics.store.workspace import IMPORT_LOG, STAGE_MAP, Origin, Workspace, quote_ident


@dataclass(frozen=True)
class AnonymiseOptions:
    """What to hide besides people (and their teams)."""

    accounts: bool = True           # also replace account / company names (contacts and leads always)
    amounts_as_index: bool = False  # scale every money column so the median won deal = 100
    salt: str = ""                  # per-session random salt: decides pseudonym numbering


# ----------------------------------------------------------------------------- column roles
def _columns(*maps: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for m in maps:
        for t, cols in m.items():
            out[t] = tuple(dict.fromkeys((*out.get(t, ()), *cols)))
    return out


def _typed(kind: str) -> dict[str, tuple[str, ...]]:
    return {t.name: tuple(c.name for c in t.columns if c.type == kind) for t in schema.TABLES.values()}


#: Every column that can hold words: the schema's ``text`` and ``id`` columns, and the text of
#: the two tables the workspace keeps beside them (the stage mapping and the import log).
TEXT_COLUMNS = _columns(_typed("text"), {STAGE_MAP: ("stage",), IMPORT_LOG: ("file", "table_name", "shape")})
#: (a correction names its session by the session's ID: renumbered as the session's is)
ID_COLUMNS = _columns(_typed("id"), {CORRECTIONS: ("session_id",)})

#: The roster: each row's ID, name and e-mail are one person.
ROSTER = {"people": ("person_id", "name", "email")}
#: Columns holding one person reference each.
PERSON_COLUMNS = _columns(
    {"people": ("manager",)}, schema.PERSON_REFERENCES,
    {"reviews": ("reviewer",), "surveys": ("subject_manager",), "leads": ("owner",),
     "opportunities": ("owner_manager",), "quotas": ("manager",),
     "manager_links": ("person", "person_name", "manager", "manager_name"), "territories": ("manager",)},
)
#: Columns holding people in their own way: a respondent may be a code, attendees are a list.
PERSON_LISTS = {"surveys": ("respondent",), "activities": ("attendees",)}
#: Columns naming someone who manages reps.
MANAGER_COLUMNS = {
    "people": ("manager",), "coaching_sessions": ("manager",), "development_actions": ("manager",),
    "surveys": ("subject_manager",), "reviews": ("reviewer",), "manager_links": ("manager",),
    "territories": ("manager",), "opportunities": ("owner_manager",), "quotas": ("manager",),
}
TEAM_COLUMNS = {"people": ("team",)}
#: Uploaded file names: any text at all (a name the data does not hold, too), so "File 03".
FILE_COLUMNS = {IMPORT_LOG: ("file",)}
#: Free text: names in it are replaced wherever they occur (two values may become one).
FREE_TEXT = {
    "opportunities": ("name",), "activities": ("subject",), "surveys": ("item",),
    "contacts": ("title", "department"), "data_dictionary": ("description",), IMPORT_LOG: ("shape",),
    "coaching_sessions": ("notes", *(schema.reading_columns(b)[1] for b in schema.COACHING_BEHAVIOURS)),
}
#: Free text written as sentences (what a manager wrote about a 1:1, and the sentences read from
#: it): a name word that is also a common word (:data:`PROSE_WORDS`) is a name there only when
#: written with a capital ("asked Will", not "we will"); every other name word in any case.
PROSE = {"coaching_sessions": FREE_TEXT["coaching_sessions"]}
#: Common English words that are also people's names (first names and surnames) or the words of
#: an account's name: in :data:`PROSE` columns, one written all in small letters is the word, not
#: the person ("price objection" beside a rep called Nina Price). Data: add a word here.
PROSE_WORDS = frozenset("""
a about after again all also am an and any are as at be been before but by can could did do does for from
go had has have he her him his how i if in into is it its just let me my no not of on or our out over she
should so than that the their them then there they this to up us was we were what when which who why will
with would you your yet
amber april art ash august autumn baker banks bell best bill bird bishop black bond booth bright brook
brown buck bull bush call case cash chance chase church cliff close coach cook crane crystal daisy dawn day
deal dean don drew duke dusty early earl east fair faith field fields finch ford forest fox frank gold good
grace grant gray green grey guy hall hardy hart hawk hill holly honor hope house hunter iris ivy jack jade
joy june king lamb lance lane lead little long lord love lucky major mark mason max may miles mills min
more noble north page park pat pearl penny post power price prince rain ray reed rice rich river rob
rock root rose ruby rusty sage sale sales sandy sharp short silver sky snow song south star sterling stone
storm strong sue summer sun sunny swan sweet swift tan trust wade ward wells west white will win wing
winter wise wolf wood worth young
""".split())
#: Columns naming an account (an ID or a name).
ACCOUNT_COLUMNS = {
    "accounts": ("account_id", "name", "parent"), "opportunities": ("account",), "contacts": ("account",),
    "leads": ("company",),
}
#: Always replaced: buyers are people too.
NUMBERED_NAMES = {("contacts", "name"): "Contact", ("leads", "name"): "Lead"}
NULLED = {("contacts", "email")}


def _rest(of: dict[str, tuple[str, ...]], *taken: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    done = {(t, c) for m in taken for t, cols in m.items() for c in cols} | set(NUMBERED_NAMES) | NULLED
    return {t: rest for t, cols in of.items() if (rest := tuple(c for c in cols if (t, c) not in done))}


_HANDLED = (ROSTER, PERSON_COLUMNS, PERSON_LISTS, TEAM_COLUMNS, FILE_COLUMNS, FREE_TEXT, ACCOUNT_COLUMNS)
#: Every other text column (regions, roles, stages, products, lead sources, activity, action and
#: session types, capabilities, cycles...): scrubbed one-to-one, so categories never merge.
CATEGORY_COLUMNS = _rest(TEXT_COLUMNS, *_HANDLED)
#: Every other ID column: an ID holding a name becomes ``ID NNNNNN`` (one-to-one, the same in
#: every table, so deals still join their activities and history).
OTHER_ID_COLUMNS = _rest(ID_COLUMNS, *_HANDLED)
#: Currency columns: ISO codes, kept as they are (a currency is no one's name); a value that is not
#: a code of :data:`analytics.schema.CURRENCY_CODES` (a saved workspace is not re-validated) is blanked.
#: So for the app's own codes in a correction (the behaviour, the source it replaced).
CODE_COLUMNS = _columns(_typed("currency"), {REPORTING_CURRENCY: ("currency",)},
                        {CORRECTIONS: ("behaviour", "was_source")})
#: the codes a column of :data:`CODE_COLUMNS` may hold (any other: the currency codes)
CODES = {(CORRECTIONS, "behaviour"): schema.COACHING_BEHAVIOURS, (CORRECTIONS, "was_source"): schema.READING_SOURCES}


def _codes_only(table: pa.Table, column: str, codes=schema.CURRENCY_CODES) -> pa.Table:
    """``column`` with every value that is not a known code (a currency's, by default) made missing."""
    i = table.column_names.index(column)
    values = table.column(column)
    known = pc.is_in(values, value_set=pa.array(sorted(codes), type=values.type))
    return table.set_column(i, column, pc.if_else(known, values, pa.scalar(None, type=values.type)))

#: "Automation": an owner that is not a person (``schema.looks_automated``) keeps a pseudonym that is
#: not a person's either, so the copy leaves it out of people metrics as the workspace does
ROLES = ("Director", "Manager", "Rep", "Person", "Automation")
ROLE_WIDTH = {"Director": 2, "Manager": 2, "Rep": 3, "Person": 3, "Automation": 2}
EMAIL_DOMAIN = "example.invalid"
NAME_MARK = "[name]"
EMAIL_MARK = "[email]"

#: Lower-case name particles that identify no one on their own ("Naomi van Dijk").
_PARTICLES = frozenset({"van", "von", "der", "den", "del", "della", "dos", "das", "ter", "ten", "bin", "ibn", "binti"})
#: Words closing a company name, dropped to find the name as deal names quote it.
_LEGAL_WORDS = frozenset({
    "ltd", "limited", "inc", "incorporated", "llc", "llp", "lp", "plc", "co", "corp", "corporation", "company",
    "gmbh", "ag", "sa", "nv", "bv", "pty", "pte", "pvt", "srl", "spa", "sas", "sl", "oy", "oyj", "ab", "as",
    "kk", "kg", "sarl", "bhd", "sdn", "lda", "ltda", "group", "holdings",
})

#: A word of plain ASCII text: a run of letters and digits.
_WORD = re.compile(r"[^\W_]+")
_JOINER = re.compile(r"[\s.,'’&_\-/()]{1,4}")
_EMAIL = re.compile(r"[\w.+'\-]+@[\w\-]+(?:\.[\w\-]+)+")
_ATTENDEE_SPLIT = re.compile(r"([;,])")
#: Up to this many distinct first words, one regular expression finds them in a column.
_PATTERN_WORDS = 4000
_EDGES = re.compile(r"^(\s*)(.*?)(\s*)$", re.S)
#: Titles written beside a name ("Ms. Quennell"): they name no one.
_NOT_NAMES = frozenset({"mr", "mrs", "ms", "mx", "dr", "prof", "sir", "jr", "sr"})
#: Where a surname starts with one of these, a capital inside it does not start another word:
#: "McDonald", "MacArthur", "DeShawn", "LaToya", "VanDyke", "OBrien" are each one name.
_SURNAME_PREFIXES = frozenset({"mc", "mac", "o", "de", "di", "da", "du", "del", "la", "le", "van", "von", "fitz"})


def _mark_ranges() -> list[tuple[int, int]]:
    """Code points of combining marks (Unicode's M categories) below U+20000, as ranges: built
    once at import from Python's Unicode tables (a moment, once); it holds no data."""
    ranges: list[list[int]] = []
    for code in range(0x300, 0x20000):
        if unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return [(lo, hi) for lo, hi in ranges]


def _char_class(ranges: Iterable[tuple[int, int]]) -> str:
    return "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" if lo != hi else re.escape(chr(lo)) for lo, hi in ranges)


#: A word of any text: letters and digits, with the marks that belong to them (the vowel signs of
#: Devanagari or Thai, accents written apart) and the characters that draw nothing ("Dee\u034fpa"
#: is one word, read "deepa").
_MARKS = _char_class([*_mark_ranges(), *BLANK_RANGES])
_WORD_ANY = re.compile(f"(?:[^\\W_]|[{_MARKS}])+")
_BLANK = re.compile(f"[{_char_class(BLANK_RANGES)}]+")

#: Scripts written without spaces between words (Thai, Lao, Tibetan, Myanmar, Khmer, the Tai
#: scripts, Han, kana, Hangul, Yi): a name written in them is found inside a longer run of letters
#: ("与王伟通话", "김민수가"), so they are read letter by letter (each with the marks after it).
_UNSPACED_RANGES = (
    (0x0E00, 0x0FFF), (0x1000, 0x109F), (0x1100, 0x11FF), (0x1780, 0x17FF), (0x1950, 0x1AAF),
    (0x2E80, 0x2FDF), (0x3005, 0x3007), (0x3021, 0x3029), (0x3031, 0x3035), (0x3038, 0x303C),
    (0x3040, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA000, 0xA4CF), (0xA960, 0xA97F),
    (0xA980, 0xA9FF), (0xAA60, 0xAADF), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFF66, 0xFFDC),
    (0x1B000, 0x1B2FF), (0x20000, 0x323AF),
)
_UNSPACED = re.compile(f"[{_char_class(_UNSPACED_RANGES)}]")
#: A word all of such letters (and marks), and one of its letters with its marks: a run of
#: 131,072 Chinese characters (the longest cell an import keeps) is split by one expression,
#: not a character at a time (benchmarks/RESULTS.md)
_UNSPACED_WORD = re.compile(f"[{_char_class(_UNSPACED_RANGES)}{_MARKS}]+")
_LETTER = re.compile(f"[{_MARKS}]*[^{_MARKS}][{_MARKS}]*")
#: Where a plain ASCII word splits into the words it may be glued from: at a change between
#: letters and digits, before a capital that follows a small letter, and before the last capital
#: of a run followed by a small letter ("ABCDeepa"): "Deepa2" -> "Deepa" "2", "DeepaVarga" ->
#: "Deepa" "Varga".
_ASCII_PIECE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def _fold(text: str) -> str:
    """Case- and accent-insensitive form of a word, without the characters that draw nothing (no
    cache: a cache here would keep every session's name words for the life of the process)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", _BLANK.sub("", text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class _Folds(dict):
    """Folded words, computed once each for one anonymised copy: an instance lives with the
    copy's :class:`Pseudonyms` in its session, never in the module."""

    def __missing__(self, word: str) -> str:
        folded = self[word] = _fold(word)
        return folded


def _word_matches(text: str) -> Iterable[re.Match]:
    return (_WORD if text.isascii() else _WORD_ANY).finditer(text)


def _kind(ch: str) -> str:
    """A character's part in splitting a word: a mark (or nothing drawn), a letter of a script
    written without spaces, a digit, a capital, a small letter, or another letter."""
    if unicodedata.category(ch)[0] == "M" or _BLANK.match(ch):
        return "m"
    if _UNSPACED.match(ch):
        return "x"
    if ch.isdigit():
        return "d"
    if ch.isupper() or ch.istitle():
        return "U"
    return "l" if ch.islower() else "o"


def _split_word(word: str, glued: bool) -> list[tuple[int, int]]:
    """Spans of ``word``: each letter of a script written without spaces (with its marks) apart;
    with ``glued``, also at changes between letters and digits, between scripts, and of case as
    :data:`_ASCII_PIECE` says (a surname prefix kept with what follows: "McDonald")."""
    if word.isascii():
        if not glued or word.isdigit() or (word.isalpha() and (word.islower() or word.isupper() or word[1:].islower())):
            return [(0, len(word))]
        spans = [m.span() for m in _ASCII_PIECE.finditer(word)]
    elif not glued and not _UNSPACED.search(word):
        return [(0, len(word))]
    elif glued and word.isalpha() and not _UNSPACED.search(word) and (
            word.islower() or word.isupper() or word[1:].islower()):
        return [(0, len(word))]
    elif _UNSPACED_WORD.fullmatch(word):
        return [m.span() for m in _LETTER.finditer(word)] or [(0, len(word))]
    else:
        kinds = [_kind(ch) for ch in word]
        letters = [k for k, kind in enumerate(kinds) if kind != "m"]
        spans, start, prev = [], 0, None
        for n, k in enumerate(letters):
            kind = kinds[k]
            if prev is not None and (kind == "x" or prev == "x" or (glued and (
                    (kind == "d") != (prev == "d")
                    or (prev == "l" and kind == "U")
                    or (prev == "U" and kind == "U" and n + 1 < len(letters) and kinds[letters[n + 1]] == "l")
                    or ((kind == "o") != (prev == "o") and "d" not in (kind, prev))))):
                spans.append((start, k))
                start = k
            prev = kind
        spans.append((start, len(word)))
    if glued and len(spans) > 1:  # a surname prefix keeps the capital after it: "McDonald"
        merged: list[tuple[int, int]] = []
        i = 0
        while i < len(spans):
            a, b = spans[i]
            if (i + 1 < len(spans) and b - a <= 4 and word[a:b].isascii() and word[a:b].lower() in _SURNAME_PREFIXES
                    and word[spans[i + 1][0]].isupper() and word[spans[i + 1][0]:spans[i + 1][1]].isalpha()):
                merged.append((a, spans[i + 1][1]))
                i += 2
            else:
                merged.append((a, b))
                i += 1
        spans = merged
    return spans


def _spans(text: str) -> list[tuple[int, int]]:
    """Where the words of a name or phrase are: each word, but a word of a script written without
    spaces letter by letter (so "王伟" is found inside "与王伟通话")."""
    if text.isascii():
        return [m.span() for m in _WORD.finditer(text)]
    if not _UNSPACED.search(text):
        return [m.span() for m in _WORD_ANY.finditer(text)]
    out: list[tuple[int, int]] = []
    for m in _WORD_ANY.finditer(text):
        s = m.start()
        out.extend((s + a, s + b) for a, b in _split_word(m.group(), glued=False))
    return out


def _words(text: str, fold: Callable[[str], str] = _fold) -> tuple[str, ...]:
    if text.isascii():
        return tuple(fold(w) for w in _WORD.findall(text))
    return tuple(f for a, b in _spans(text) if (f := fold(text[a:b])))


def _joined(text: str, end: int, start: int) -> bool:
    """Whether two words of a phrase are written as one: glued ("DeepaVarga", "王伟") or joined by
    at most four spaces or punctuation marks ("Deepa Varga", "Varga, Deepa")."""
    return end == start or _JOINER.fullmatch(text, end, start) is not None


def _name_tokens(name: str, fold: Callable[[str], str]) -> dict[tuple[str, ...], str]:
    """A person's name words as free-text phrases of their own, replaced by ``[name]``: every word of
    two letters or more (not a lower-case particle such as "van", not a title such as "Ms"), the
    same word split where its capitals are ("JoAnne" -> "Jo" "Anne") and written without its
    apostrophe or hyphen ("O'Brien" -> "OBrien"). A word of a script written without spaces is a
    phrase of its letters, so it is found inside longer text."""
    out: dict[tuple[str, ...], str] = {}
    matches = list(_word_matches(name))
    for m in matches:
        w = m.group()
        if len(w) < 2 or any(ch.isdigit() for ch in w) or (w.islower() and w in _PARTICLES) or fold(w) in _NOT_NAMES:
            continue
        if key := _words(w, fold):
            out[key] = NAME_MARK
        glued = _split_word(w, glued=True)
        if len(glued) > 1 and all(w[a:b].isalpha() for a, b in glued):
            out[tuple(fold(w[a:b]) for a, b in glued)] = NAME_MARK
    for a, b in itertools.pairwise(matches):  # O'Brien, Jean-Luc
        if name[a.end():b.start()] in ("'", "’", "-") and not any(ch.isdigit() for ch in a.group() + b.group()):
            out[(fold(a.group() + b.group()),)] = NAME_MARK
    return out


def _order(salt: str, name: str) -> tuple[str, str]:
    return hashlib.sha256((salt + name).encode("utf-8")).hexdigest(), name


def _number(keys: Iterable[str], prefix: str, width: int, salt: str) -> dict[str, str]:
    """``prefix NN`` for each key, numbered in the order of sha256(salt + key)."""
    ordered = sorted(set(keys), key=lambda k: _order(salt, k))
    w = max(width, len(str(len(ordered))))
    return {k: f"{prefix} {i:0{w}d}" for i, k in enumerate(ordered, start=1)}


def _variant(ref: str, pseudonym: str) -> str:
    """The pseudonym in the letter case of a reference that differs from the real value only
    in case (so it still fails exact joins and still passes case-insensitive ones)."""
    if ref == ref.lower():
        return pseudonym.lower()
    if ref == ref.upper():
        return pseudonym.upper()
    return pseudonym.swapcase()


def _looks_like_person(value: str) -> bool:
    """A survey respondent that is a name or an e-mail, not a code such as ``R-3239``."""
    return "@" in value or (any(ch.isalpha() for ch in value) and not any(ch.isdigit() for ch in value))


def _account_variants(name: str, fold: Callable[[str], str] = _fold) -> list[tuple[str, ...]]:
    """The name's words, then without each trailing legal word ("Lumen Capital Co., Ltd." ->
    "Lumen Capital Co" -> "Lumen Capital")."""
    words = list(_words(name, fold))
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    out = [tuple(words)] if words else []
    while len(words) > 1 and (words[-1] in _LEGAL_WORDS or len(words[-1]) == 1):
        words.pop()
        if any(w not in _LEGAL_WORDS and len(w) > 1 for w in words):
            out.append(tuple(words))
    return [v for v in out if sum(map(len, v)) >= 3]


# ----------------------------------------------------------------------------- free text
def _whole_words(words: list[str]) -> str:
    """One RE2 expression (on lower-cased text) true for a value holding an ``@``, a character
    beyond ASCII, or one of ``words`` (lower-case ASCII) as a whole word."""
    found = "|(?:^|[^a-z0-9])(?:" + "|".join(map(re.escape, words)) + ")(?:[^a-z0-9]|$)" if words else ""
    return r"@|[^\x00-\x7f]" + found


def _glued_words(words: list[str]) -> str | None:
    """One RE2 expression (on the text as written) true for a value holding one of ``words``
    (lower-case ASCII letters, two or more) where the scrubber may read it as a piece of a glued
    word: after a non-letter ("2Deepa") or from a capital on ("SyncDeepa", "ABCDeepa"), and
    before anything but a small letter ("Deepa2", "DeepaVarga")."""
    glued = [w for w in words if len(w) >= 2 and w.isalpha()]
    if not glued:
        return None
    by_first: dict[str, list[str]] = {}
    for w in glued:
        by_first.setdefault(w[0], []).append(w[1:])
    caps = "|".join(f"{c.upper()}(?i:{'|'.join(rest)})" for c, rest in sorted(by_first.items()))
    return r"(?:(?:^|[^A-Za-z])(?i:" + "|".join(glued) + r")|" + caps + r")(?:[^a-z]|$)"


#: Separators put where an ASCII word may be glued from words (\x02 at a change between letters and
#: digits, \x01 at a change of case), then taken out after a surname prefix ("McDonald"): the
#: pieces :func:`_split_word` finds, in Arrow.
_SEPARATE = (
    (r"([A-Za-z])([0-9])", "\\1\x02\\2"), (r"([0-9])([A-Za-z])", "\\1\x02\\2"),
    (r"([a-z])([A-Z])", "\\1\x01\\2"), (r"([A-Z])([A-Z][a-z])", "\\1\x01\\2"),
    (r"(^|[^A-Za-z])((?i:" + "|".join(sorted(_SURNAME_PREFIXES)) + r"))\x01", "\\1\\2"),
)
#: An ASCII word with a piece of two letters or more beside a place it may be glued at.
_GLUED_PIECE = r"[0-9][A-Za-z]{2}|[A-Za-z]{2}[0-9]|[A-Za-z][a-z][A-Z]|[a-z][A-Z][A-Za-z]|[A-Z][A-Z][a-z]"


def _glued_rows(values: pa.Array) -> np.ndarray:
    """Which values :data:`_GLUED_PIECE` matches (two ASCII letters in a row beside a digit or a
    change of case), by a scan of their bytes with NumPy: several times faster than a regular
    expression (benchmarks/RESULTS.md)."""
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return np.asarray(pc.match_substring_regex(values, _GLUED_PIECE), dtype=bool)
    n = len(values)
    _, offsets, data = values.buffers()
    width = np.int64 if pa.types.is_large_string(values.type) else np.int32
    off = np.frombuffer(offsets, dtype=width, count=n + 1, offset=values.offset * np.dtype(width).itemsize)
    out = np.zeros(n, dtype=bool)
    base, end = int(off[0]), int(off[-1])
    if data is None or end - base < 3:
        return out
    text = np.frombuffer(data, dtype=np.uint8, count=end - base, offset=base)
    letter = (text | 32) - 97 < 26
    pair = letter[:-1] & letter[1:]
    if not pair.any():  # (IDs such as 00T000000000001: done)
        return out
    digit = text - 48 < 10
    upper = letter & (text < 97)
    lower = letter & ~upper
    glued = ((digit[:-2] & pair[1:]) | (pair[:-1] & digit[2:]) | (letter[:-2] & lower[1:-1] & upper[2:])
             | (lower[:-2] & upper[1:-1] & letter[2:]) | (upper[:-2] & upper[1:-1] & lower[2:]))
    ends = off[1:] - base
    for back in (1, 2):  # three bytes that run into the next value
        cut = ends - back
        glued[cut[(cut >= 0) & (cut < len(glued))]] = False
    pos = np.flatnonzero(glued)
    if len(pos):
        out[np.searchsorted(off, pos + base, side="right") - 1] = True
    return out


class _Scrubber:
    """Replaces known phrases (sequences of words, case- and accent-insensitive) and e-mail
    addresses in free text. A phrase is found as whole words, and also where its words are glued
    to digits or to other words ("Deepa2", "DeepaVarga", "SyncDeepa"; not "McDonald" for
    "Donald", a surname prefix keeps its capital) and, in scripts written without spaces, inside
    a run of letters ("与王伟通话"). Its cache belongs to the instance (one anonymised copy, held
    in its session), never to the module."""

    def __init__(self, phrases: dict[tuple[str, ...], str], emails: dict[str, str],
                 folds: _Folds | None = None, words: frozenset[str] = frozenset()) -> None:
        self.phrases = {k: v for k, v in phrases.items() if k}
        #: one-word phrases that are also common words: replaced only where written with a capital
        self.words = words
        self.folds = _Folds() if folds is None else folds
        self.starts = {k[0] for k in self.phrases}
        self.prefixes = {k[:n] for k in self.phrases for n in range(1, len(k) + 1)}
        self.longest = max(map(len, self.phrases), default=0)
        self.emails = emails
        self.cache: dict[str, str] = {}
        # the letters a phrase in a script written without spaces starts with: a word of such
        # letters holding none of them is one piece, not a piece per letter
        firsts = {first for k in self.starts if (first := unicodedata.normalize("NFC", k)[:1]) and _UNSPACED.match(first)}
        self._unspaced_first = re.compile(f"[{''.join(map(re.escape, sorted(firsts)))}]") if firsts else None
        ascii_starts = sorted(w for w in self.starts if w.isascii())
        self._ascii_starts = pa.array(ascii_starts, pa.string())
        # the words of the list as whole words, and where a glued word's piece may be one (RE2, in
        # one pass each): faster than a split for up to a few thousand words; past that their
        # automata grow and the split is faster (benchmarks/RESULTS.md)
        few = len(ascii_starts) <= _PATTERN_WORDS
        self._pattern = _whole_words(ascii_starts) if few else None
        self._glued_pattern = _glued_words(ascii_starts) if few else None

    def _email(self, m: re.Match) -> str:
        found = m.group(0)
        known = self.emails.get(found.casefold())
        if known is not None:
            return known
        return found if found.casefold().endswith("@" + EMAIL_DOMAIN) else EMAIL_MARK

    def candidates(self, values: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """Which values this scrubber may change (a superset, computed in Arrow): those with an
        ``@``, those with a word a phrase starts with, those with a piece of a glued word a phrase
        starts with, and any value not in plain ASCII (whose words only Python folds). For ASCII
        text a word is a run of ``[A-Za-z0-9]`` in both :data:`_WORD` and this test, a glued
        word's pieces are :data:`_ASCII_PIECE`'s (and :data:`_SEPARATE`'s), and its folded form is
        its lower case, so the test is exact. A value of one word (an ID such as
        ``00T000000000001``) is looked up whole; values of several words go through one regular
        expression (or, past a few thousand first words, a split into words); only a value with
        two letters in a row beside a digit or a change of case is read for glued words
        (so a column of millions of IDs with none costs a byte scan: benchmarks/RESULTS.md)."""
        if isinstance(values, pa.ChunkedArray):
            return np.concatenate([np.zeros(0, dtype=bool), *(self.candidates(c) for c in values.chunks)])
        n = len(values)
        if n == 0:
            return np.zeros(0, dtype=bool)
        if values.null_count:
            values = pc.fill_null(values, "")
        single = pc.ascii_is_alnum(values)  # one ASCII word: no "@", no accent
        several = n - (pc.sum(single).as_py() or 0)
        lower = pc.ascii_lower(values)
        mask = self._match(lower) if several > n // 2 else None  # mostly several words: one pass over all
        if mask is None:
            # a whole value equal to a first word (which has no separator) is one word
            hit = pc.is_in(lower, value_set=self._ascii_starts)
            mask = np.asarray(hit, dtype=bool).copy() if pc.any(hit).as_py() else np.zeros(n, dtype=bool)
            if several:
                rest = np.asarray(pc.indices_nonzero(pc.invert(single)), dtype=np.int64)
                others = values.take(pa.array(rest))
                maybe = self._match(pc.ascii_lower(others))
                mask[rest[self._split(others) if maybe is None else maybe]] = True
        else:
            mask = mask.copy()
        # a name glued to digits or to another word ("Deepa2", "DeepaVarga")
        look = np.flatnonzero(~mask & _glued_rows(values))
        if len(look):
            glued = values.take(pa.array(look))
            maybe = self._match_glued(glued)
            mask[look[self._split_glued(glued) if maybe is None else maybe]] = True
        return mask

    def _match(self, lower: pa.Array) -> np.ndarray | None:
        """Lower-cased values holding an ``@``, a non-ASCII character or a first word, in one RE2
        pass; None when there are too many words for one expression."""
        if self._pattern is None:
            return None
        try:
            return np.asarray(pc.match_substring_regex(lower, self._pattern), dtype=bool)
        except pa.ArrowInvalid:  # beyond RE2's memory: split instead
            self._pattern = None
            return None

    def _match_glued(self, values: pa.Array) -> np.ndarray | None:
        """Values (as written) holding a first word as a piece of a glued word, in one RE2 pass;
        None when there are too many words for one expression."""
        if self._glued_pattern is None:
            return None if self._pattern is None else np.zeros(len(values), dtype=bool)
        try:
            return np.asarray(pc.match_substring_regex(values, self._glued_pattern), dtype=bool)
        except pa.ArrowInvalid:
            self._glued_pattern = self._pattern = None
            return None

    def _split(self, values: pa.Array) -> np.ndarray:
        """:meth:`_match` by splitting each value into words."""
        out = np.asarray(pc.invert(pc.string_is_ascii(values)), dtype=bool).copy()
        out |= np.asarray(pc.match_substring(values, "@"), dtype=bool)
        if len(self._ascii_starts):
            words = pc.split_pattern_regex(pc.ascii_lower(values), r"[^a-z0-9]+")
            found = pc.is_in(pc.list_flatten(words), value_set=self._ascii_starts)
            out[np.asarray(pc.filter(pc.list_parent_indices(words), found), dtype=np.int64)] = True
        return out

    def _split_glued(self, values: pa.Array) -> np.ndarray:
        """:meth:`_match_glued` by splitting each value into the pieces of its glued words
        (:data:`_SEPARATE`)."""
        separated = values
        for pattern, replacement in _SEPARATE:
            separated = pc.replace_substring_regex(separated, pattern, replacement)
        return self._split(separated)

    def _pieces(self, text: str) -> tuple[list[tuple[int, int, str, int]], dict[int, tuple[str, int]]]:
        """The words of ``text`` split into the pieces they may be glued from, as (start, end,
        folded, word number); and for each word of several pieces, at its first piece's index,
        the whole word folded and the index of its last piece."""
        fold = self.folds.__getitem__
        pieces: list[tuple[int, int, str, int]] = []
        whole: dict[int, tuple[str, int]] = {}
        for k, m in enumerate(_word_matches(text)):
            w, s = m.group(), m.start()
            if (not w.isascii() and _UNSPACED_WORD.fullmatch(w) and (
                    self._unspaced_first is None or not self._unspaced_first.search(unicodedata.normalize("NFKC", w)))):
                pieces.append((s, m.end(), fold(w), k))
                continue
            spans = _split_word(w, glued=True)
            if len(spans) == 1:
                pieces.append((s, m.end(), fold(w), k))
                continue
            whole[len(pieces)] = (fold(w), len(pieces) + len(spans) - 1)
            pieces.extend((s + a, s + b, fold(w[a:b]), k) for a, b in spans)
        return pieces, whole

    def _longest(self, text: str, pieces: list[tuple[int, int, str, int]], whole: dict[int, tuple[str, int]],
                 i: int) -> tuple[int, str | None]:
        """The phrase starting at piece ``i`` that reaches furthest (a person's pseudonym over
        ``[name]`` where both do): the index of its last piece and its replacement."""
        first: list[tuple[tuple[str, ...], int]] = []
        if i in whole and whole[i][0] in self.starts:
            first.append(((whole[i][0],), whole[i][1]))
        start, end, folded, word = pieces[i]
        if folded in self.starts:
            alone = (i + 1 == len(pieces) or pieces[i + 1][3] != word) and (i == 0 or pieces[i - 1][3] != word)
            piece = text[start:end]
            # a piece of a glued word starts a phrase if it is two letters or more, or a letter
            # of a script written without spaces (the Arrow pre-check relies on it)
            if alone or (piece.isalpha() and len(piece) >= 2) or _UNSPACED.match(piece):
                first.append(((folded,), i))
        best, found = -1, None
        stack = first
        while stack:
            key, last = stack.pop()
            if key not in self.prefixes:
                continue
            rep = self.phrases.get(key)
            if rep is not None and (last > best or (last == best and found == NAME_MARK)):
                best, found = last, rep
            nxt = last + 1
            if len(key) >= self.longest or nxt >= len(pieces):
                continue
            if pieces[nxt][3] != pieces[last][3] and not _joined(text, pieces[last][1], pieces[nxt][0]):
                continue
            if nxt in whole:
                stack.append(((*key, whole[nxt][0]), whole[nxt][1]))
            stack.append(((*key, pieces[nxt][2]), nxt))
        return best, found

    def __call__(self, text: str | None) -> str | None:
        if text is None:
            return None
        done = self.cache.get(text)
        if done is not None:
            return done
        work = _EMAIL.sub(self._email, text) if "@" in text else text
        pieces, whole = self._pieces(work)
        starts = self.starts
        out: list[str] = []
        pos = i = 0
        while i < len(pieces):
            if pieces[i][2] in starts or (i in whole and whole[i][0] in starts):
                last, rep = self._longest(work, pieces, whole, i)
                if rep is not None and last == i and pieces[i][2] in self.words and \
                        work[pieces[i][0]:pieces[i][1]].islower():
                    rep = None  # "we will", not "Will"
                if rep is not None:
                    out += [work[pos:pieces[i][0]], rep]
                    pos, i = pieces[last][1], last + 1
                    continue
            i += 1
        out.append(work[pos:])
        result = "".join(out)
        self.cache[text] = result
        return result


# ----------------------------------------------------------------------------- pseudonyms
@dataclass
class Pseudonyms:
    """What :func:`anonymise` replaced, for translating filters and text between the real
    and the anonymised workspace."""

    people: dict[str, str]    # every real person reference seen (full names, person_ids, emails, unknown refs) -> pseudonym
    accounts: dict[str, str]  # real account ids/names -> "Account 0007" (empty unless options.accounts)
    teams: dict[str, str]     # real team name -> "Team 07"
    money_factor: float | None  # multiply real amounts by this to get index points; None unless amounts_as_index
    files: dict[str, str] = field(default_factory=dict)  # uploaded file name -> "File 03"
    categories: dict[str, str] = field(default_factory=dict)  # a stage, product, region... that held a name -> as shown
    ids: dict[str, str] = field(default_factory=dict)  # an ID that held a name -> "ID 000042"
    _scrubber: Callable[[str], str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        # the first reference of a person is their name (anonymise inserts names first)
        self._people_back: dict[str, str] = {}
        for real, shown in self.people.items():
            self._people_back.setdefault(shown, real)
        self._teams_back = {shown: real for real, shown in self.teams.items()}
        self._ids_back = {shown: real for real, shown in self.ids.items()}

    def forward(self, filters: Filters) -> Filters:
        """Real filter values -> the anonymised workspace's (managers and teams; regions,
        segments, products and dates are the same in both)."""
        return filters.with_(managers=tuple(self.people.get(m, m) for m in filters.managers),
                             teams=tuple(self.teams.get(t, t) for t in filters.teams))

    def backward(self, filters: Filters) -> Filters:
        """Anonymised filter values -> the real workspace's (inverse of :meth:`forward`)."""
        return filters.with_(managers=tuple(self._people_back.get(m, m) for m in filters.managers),
                             teams=tuple(self._teams_back.get(t, t) for t in filters.teams))

    def person(self, real: str) -> str:
        """A person as the anonymised pages show them (a value that is no one's stays as it is)."""
        return self.people.get(real, real)

    def real_id(self, shown: str) -> str:
        """The ID behind an ID as the anonymised copy holds it (a session's, to correct its reading)."""
        return self._ids_back.get(shown, shown)

    def real_person(self, shown: str) -> str:
        """The person behind a pseudonym (inverse of :meth:`person`)."""
        return self._people_back.get(shown, shown)

    def scrub(self, text: str) -> str:
        """Free text with every real name (and, when accounts are hidden, account name) replaced."""
        if self._scrubber is None:
            phrases = {_words(k): v for d in (self.accounts, self.people) for k, v in d.items() if "@" not in k}
            emails = {k.casefold(): v for k, v in self.people.items() if "@" in k}
            self._scrubber = _Scrubber(phrases, emails)
        return self._scrubber(text)


# ----------------------------------------------------------------------------- people
class _Registry:
    """Real references -> entities (a canonical real name), resolving exactly first, then by
    letter case; anything else becomes an entity of its own."""

    def __init__(self) -> None:
        self.exact: dict[str, tuple[str, str]] = {}  # ref -> (entity, kind)
        self.folded: dict[str, str] = {}  # casefold(ref) -> ref in exact
        self.entities: dict[str, None] = {}

    def add_alias(self, ref: str, entity: str, kind: str = "name") -> None:
        if ref not in self.exact:
            self.exact[ref] = (entity, kind)
            self.folded.setdefault(ref.casefold(), ref)

    def add_entity(self, name: str) -> None:
        self.entities.setdefault(name, None)
        self.add_alias(name, name)

    def find(self, ref: str) -> tuple[str, str, str] | None:
        """(entity, kind, the alias matched) or None."""
        hit = self.exact.get(ref)
        if hit is not None:
            return hit[0], hit[1], ref
        alias = self.folded.get(ref.casefold())
        if alias is not None:
            entity, kind = self.exact[alias]
            return entity, kind, alias
        return None

    def settle(self, refs: Iterable[str]) -> None:
        """Make an entity of every reference that matches none (sorted, so the canonical
        spelling of a group differing only in case does not depend on table order)."""
        for ref in sorted(set(refs)):
            if self.find(ref) is None:
                self.add_entity(ref)

    def output(self, ref: str, names: dict[str, str], emails: dict[str, str] | None = None) -> str:
        entity, kind, alias = self.find(ref)
        shown = emails[entity] if kind == "email" and emails is not None else names[entity]
        return shown if ref == alias else _variant(ref, shown)


def _distinct(table: pa.Table, column: str) -> list[str]:
    if column not in table.column_names or table.num_rows == 0:
        return []
    return [v for v in pc.unique(table.column(column)).to_pylist() if v is not None]


def _split_attendees(value: str) -> list[tuple[str, str, str] | str]:
    """Tokens (leading space, reference, trailing space) and the separators between them."""
    parts: list[tuple[str, str, str] | str] = []
    for i, part in enumerate(_ATTENDEE_SPLIT.split(value)):
        parts.append(part if i % 2 else _EDGES.match(part).groups())
    return parts


class _People:
    def __init__(self, tables: dict[str, pa.Table], salt: str, folds: _Folds) -> None:
        self.fold = folds.__getitem__
        reg = self.reg = _Registry()
        people = tables["people"].select(["person_id", "name", "manager", "email"]).to_pylist()
        for row in people:  # names first: a name wins over someone else's ID of the same text
            if row["name"] is not None:
                reg.add_entity(row["name"])
        for row in people:
            if row["name"] is not None and row["person_id"] is not None:
                reg.add_alias(row["person_id"], row["name"])
        for row in people:
            if row["name"] is not None and row["email"] is not None:
                reg.add_alias(row["email"], row["name"], "email")
        self.roster = dict(reg.entities)

        refs: list[str] = [v for row in people for v in (row["person_id"], row["email"]) if v is not None]
        for t, cols in PERSON_COLUMNS.items():
            for c in cols:
                refs += _distinct(tables[t], c)
        self.attendee_values = _distinct(tables["activities"], "attendees")
        for value in self.attendee_values:
            refs += [p[1] for p in _split_attendees(value) if isinstance(p, tuple) and p[1]]
        reg.settle(refs)
        # a survey respondent is a person when the data knows them or they look like one
        self.respondents = {}
        for value in _distinct(tables["surveys"], "respondent"):
            self.respondents[value] = reg.find(value) is not None or _looks_like_person(value)
            if self.respondents[value]:
                refs.append(value)
        reg.settle(refs)
        self.refs = refs

        managers = {reg.find(r)[0] for t, cols in MANAGER_COLUMNS.items() for c in cols
                    for r in _distinct(tables[t], c)}
        directors = {reg.find(row["manager"])[0] for row in people
                     if row["manager"] is not None and row["name"] is not None
                     and reg.find(row["name"])[0] in managers}
        role = {}
        for e in reg.entities:
            role[e] = ("Automation" if schema.looks_automated(e) else "Director" if e in directors
                       else "Manager" if e in managers else "Rep" if e in self.roster else "Person")
        self.role = role
        self.names: dict[str, str] = {}
        for r in ROLES:
            self.names.update(_number((e for e, x in role.items() if x == r), r, ROLE_WIDTH[r], salt))
        self.emails = {e: p.lower().replace(" ", "") + "@" + EMAIL_DOMAIN for e, p in self.names.items()}
        self.roster_rows = people

    def out(self, ref: str | None) -> str | None:
        return None if ref is None else self.reg.output(ref, self.names, self.emails)

    def respondent(self, ref: str | None) -> str | None:
        return ref if ref is None or not self.respondents.get(ref, True) else self.out(ref)

    def attendee_list(self, value: str | None) -> str | None:
        if value is None:
            return None
        return "".join(p if isinstance(p, str) else (p[0] + (self.out(p[1]) if p[1] else "") + p[2])
                       for p in _split_attendees(value))

    def mapping(self) -> dict[str, str]:
        """Every reference seen -> what replaced it (names first)."""
        out: dict[str, str] = {}
        for row in self.roster_rows:
            for col in ("name", "person_id", "email"):
                if row[col] is not None and row["name"] is not None:
                    out.setdefault(row[col], self.out(row[col]))
        for ref in self.refs:
            out.setdefault(ref, self.out(ref))
        return out

    def phrases(self) -> tuple[dict[tuple[str, ...], str], dict[str, str]]:
        """Free-text phrases (name tokens, then IDs, e-mail local parts and full names) and e-mails.

        Every word of 2 letters or more of every person's name is a token ("Li", "Jo"): of the
        roster, and of any other reference that reads as a name (no digit, no ``@``; a code such
        as ``0055g000ABC`` or ``R-3239`` names no one). Lower-case particles ("van") are not."""
        phrases: dict[tuple[str, ...], str] = {}
        for name in sorted(self.role):
            if "@" in name or (name not in self.roster and any(ch.isdigit() for ch in name)):
                continue
            phrases.update(_name_tokens(name, self.fold))
        emails: dict[str, str] = {}
        full: dict[tuple[str, ...], str] = {}
        for ref, (entity, kind) in self.reg.exact.items():
            if kind == "email" or "@" in ref:
                emails[ref.casefold()] = self.emails[entity] if kind == "email" else self.names[entity]
                local = _words(ref.rsplit("@", 1)[0], self.fold)  # "dvarga", "deepa.varga": a name too
                if sum(map(len, local)) >= 3 and not any(ch.isdigit() for w in local for ch in w):
                    phrases.setdefault(local, self.names[entity])
                continue
            key = _words(ref, self.fold)  # a name or an ID of two characters or more ("Li", "U7")
            if sum(map(len, key)) >= 2 and any(ch.isalpha() for ch in ref):
                full[key] = self.names[entity]
        return {**phrases, **full}, emails


# ----------------------------------------------------------------------------- accounts
class _Accounts:
    def __init__(self, tables: dict[str, pa.Table], salt: str, folds: _Folds) -> None:
        self.fold = folds.__getitem__
        reg = self.reg = _Registry()
        rows = tables["accounts"].select(["account_id", "name"]).to_pylist()
        for row in rows:
            if row["name"] is not None:
                reg.add_entity(row["name"])
        for row in rows:
            if row["account_id"] is not None:
                if row["name"] is not None:
                    reg.add_alias(row["account_id"], row["name"])
                else:
                    reg.add_entity(row["account_id"])
        refs = [v for t, cols in ACCOUNT_COLUMNS.items() for c in cols for v in _distinct(tables[t], c)]
        reg.settle(refs)
        self.refs = refs
        self.names = _number(reg.entities, "Account", 4, salt)

    def out(self, ref: str | None) -> str | None:
        return None if ref is None else self.reg.output(ref, self.names)

    def mapping(self) -> dict[str, str]:
        return {ref: self.out(ref) for ref in sorted(set(self.refs))}

    def deal_name(self, name: str | None, account: str | None) -> str | None:
        """A deal name opening with words of its own account's name ("United Oil Office
        Generators" of "United Oil & Gas Corp."): those words replaced by the account's pseudonym."""
        hit = None if name is None or account is None else self.reg.find(account)
        if hit is None:
            return name
        real = _words(hit[0], self.fold)
        found = _spans(name)
        k = 0
        while (k < min(len(found), len(real)) and self.fold(name[found[k][0]:found[k][1]]) == real[k]
               and (k == 0 or _joined(name, found[k - 1][1], found[k][0]))):
            k += 1
        if k == 0 or sum(map(len, real[:k])) < 3:
            return name
        return name[:found[0][0]] + self.names[hit[0]] + name[found[k - 1][1]:]

    def phrases(self) -> dict[tuple[str, ...], str]:
        """Account names without legal suffixes first (the first account claims a shared stem),
        then full names and IDs."""
        phrases: dict[tuple[str, ...], str] = {}
        by_number = sorted(self.reg.entities, key=lambda e: self.names[e])
        for e in by_number:
            for v in _account_variants(e, self.fold)[1:]:
                phrases.setdefault(v, self.names[e])
        for ref, (entity, _) in self.reg.exact.items():
            key = _words(ref, self.fold)
            if sum(map(len, key)) >= 3:
                phrases[key] = self.names[entity]
        return phrases


# ----------------------------------------------------------------------------- arrow helpers
def _map_column(table: pa.Table, column: str, fn: Callable[[str], str | None]) -> pa.Table:
    """Apply ``fn`` to each distinct value of a string column."""
    if column not in table.column_names or table.num_rows == 0:
        return table
    encoded = pc.dictionary_encode(table.column(column).combine_chunks())
    mapped = pa.array([fn(v) for v in encoded.dictionary.to_pylist()], type=pa.string())
    i = table.column_names.index(column)
    return table.set_column(i, column, mapped.take(encoded.indices))


def _scrub_column(table: pa.Table, column: str, scrub: _Scrubber) -> pa.Table:
    """Free text scrubbed, once per distinct value the scrubber may change."""
    if column not in table.column_names or table.num_rows == 0:
        return table
    encoded = pc.dictionary_encode(table.column(column).combine_chunks())
    values = encoded.dictionary
    maybe = np.flatnonzero(scrub.candidates(values))
    if not len(maybe):
        return table
    texts = values.to_pylist()
    for k in maybe.tolist():
        texts[k] = scrub(texts[k])
    i = table.column_names.index(column)
    return table.set_column(i, column, pa.array(texts, pa.string()).take(encoded.indices))


def _changed(table: pa.Table, column: str, fn: Callable[[str], str], scrub: _Scrubber,
             distinct_first: bool = True) -> dict[str, str]:
    """The values of a column that ``fn`` changes, looked for among the scrubber's candidates
    only (``distinct_first=False`` tests every row, for IDs: no value repeats to dedupe)."""
    if column not in table.column_names or table.num_rows == 0:
        return {}
    col = table.column(column)
    found: set[str] = set()
    for values in [pc.unique(col)] if distinct_first else col.chunks:
        maybe = scrub.candidates(values)
        if maybe.any():
            found.update(pc.filter(values, pa.array(maybe)).to_pylist())
    return {v: r for v in sorted(found - {None}) if (r := fn(v)) != v}


def _replace(table: pa.Table, column: str, mapping: dict[str, str]) -> pa.Table:
    """The values that are keys of ``mapping`` replaced, every other value left as it is."""
    if not mapping or column not in table.column_names or table.num_rows == 0:
        return table
    col = table.column(column)
    idx = pc.index_in(col, value_set=pa.array(list(mapping), pa.string()))
    replaced = pc.take(pa.array(list(mapping.values()), pa.string()), idx)
    i = table.column_names.index(column)
    return table.set_column(i, column, pc.if_else(pc.is_null(idx), col, replaced))


def _one_to_one(changed: dict[str, str], exists: Callable[[str], bool]) -> dict[str, str]:
    """Changed values made one-to-one: a result that is a value staying as it is, or another
    value's result, gets " (2)", " (3)"... (two stages, products or accounts never merge)."""
    taken = {r for r in set(changed.values()) if r not in changed and exists(r)}
    out: dict[str, str] = {}
    for v in sorted(changed):
        r = candidate = changed[v]
        n = 1
        while candidate in taken or (candidate != r and candidate not in changed and exists(candidate)):
            n += 1
            candidate = f"{r} ({n})"
        out[v] = candidate
        taken.add(candidate)
    return out


def _pairs(left: pa.ChunkedArray, right: pa.ChunkedArray, fn: Callable[[str | None, str | None], str | None]) -> pa.Array:
    """``fn(left, right)`` row by row, called once per distinct pair (in NumPy, not per row)."""
    a, b = pc.dictionary_encode(left.combine_chunks()), pc.dictionary_encode(right.combine_chunks())
    ia = np.asarray(pc.fill_null(a.indices, -1), dtype=np.int64) + 1
    ib = np.asarray(pc.fill_null(b.indices, -1), dtype=np.int64) + 1
    width = len(b.dictionary) + 1
    combined = pa.array(ia * width + ib)
    keys = pc.unique(combined)
    inverse = pc.index_in(combined, value_set=keys)
    da, db = a.dictionary.to_pylist(), b.dictionary.to_pylist()
    out = [fn(da[k // width - 1] if k // width else None, db[k % width - 1] if k % width else None)
           for k in keys.to_pylist()]
    return pa.array(out, pa.string()).take(inverse)


def _money_factor(cur) -> float | None:
    """100 ÷ the median won deal (else the median deal, else the median quota)."""
    for sql in ("SELECT median(amount) FROM v_opportunities WHERE is_won AND amount > 0",
                "SELECT median(amount) FROM opportunities WHERE amount > 0",
                "SELECT median(amount) FROM quotas WHERE amount > 0"):
        value = cur.execute(sql).fetchall()[0][0]
        if value is not None and value == value and value > 0:
            return 100.0 / float(value)
    return None


# ----------------------------------------------------------------------------- the copy
#: What the anonymised copy is called: where it came from, never a value from the data (an
#: upload's label is made of its file names, which carry names).
LABELS = {"demo": "Demo workspace", "uploads": "Your uploads", "saved": "Saved workspace"}


def copy_kind(options: AnonymiseOptions) -> str:
    """How an anonymised copy is made, as its :class:`~analytics.store.workspace.Origin` says: one
    kind per choice of accounts and amounts (a session has one salt), so the copy made again from
    a newer version of the same workspace keeps the pages' widgets.

    >>> copy_kind(AnonymiseOptions()) == copy_kind(AnonymiseOptions(salt="other"))
    True
    """
    tag = hashlib.sha1(repr((options.accounts, options.amounts_as_index)).encode()).hexdigest()[:6]
    return f"anon{tag}"


def anonymise(ws: Workspace, options: AnonymiseOptions = AnonymiseOptions()) -> tuple[Workspace, Pseudonyms]:
    """A new workspace holding ``ws`` with people, teams and accounts (and optionally amounts)
    replaced, and the pseudonyms used. ``ws`` is not changed; the copy knows it was made from
    ``ws`` as its data is now (``copy.origin``, ``copy.made_from(ws)``), and takes its version.

    Parameters
    ----------
    ws : the session's workspace.
    options : what else to hide, and the salt that numbers the pseudonyms.
    """
    # the currency chosen: a code, kept; the corrections: saved with an anonymised workspace too
    names = (*schema.TABLES, STAGE_MAP, IMPORT_LOG, REPORTING_CURRENCY, CORRECTIONS)
    origin = Origin(ws.id, ws.version, copy_kind(options))  # before reading: never newer than what is read
    cur = ws.con.cursor()  # its own handle, as Workspace.save: the UI may hold ws.con
    try:
        tables = {n: cur.sql(f"SELECT * FROM {quote_ident(n)}").to_arrow_table() for n in names}
        factor = _money_factor(cur) if options.amounts_as_index else None
    finally:
        cur.close()

    salt = options.salt
    folds = _Folds()
    people = _People(tables, salt, folds)
    accounts = _Accounts(tables, salt, folds) if options.accounts else None
    teams = _number(_distinct(tables["people"], "team"), "Team", 2, salt)

    # free text: persons' full names and IDs win over accounts and teams, which win over name tokens
    person_phrases, emails = people.phrases()
    extra: dict[tuple[str, ...], str] = {}
    buyer_tokens: dict[tuple[str, ...], str] = {}  # contacts and leads are people: their name words go too
    for (t, c), prefix in NUMBERED_NAMES.items():
        numbered = _number(_distinct(tables[t], c), prefix, 4, salt)
        extra.update({w: v for k, v in numbered.items() if sum(map(len, w := _words(k, folds.__getitem__))) >= 3})
        for name in numbered:
            if "@" not in name and not any(ch.isdigit() for ch in name):
                buyer_tokens.update(_name_tokens(name, folds.__getitem__))
        tables[t] = _map_column(tables[t], c, numbered.get)
    for t, c in NULLED:
        if tables[t].num_rows:
            i = tables[t].column_names.index(c)
            tables[t] = tables[t].set_column(i, c, pa.nulls(tables[t].num_rows, pa.string()))
    tokens = {**buyer_tokens, **{k: v for k, v in person_phrases.items() if v == NAME_MARK}}
    full = {k: v for k, v in person_phrases.items() if v != NAME_MARK}
    team_phrases = {k: v for t, v in teams.items() if sum(map(len, k := _words(t, folds.__getitem__))) >= 2}
    account_phrases = accounts.phrases() if accounts else {}
    # categories (a segment called like a team stays a segment) and free text (a team named in
    # a deal or a subject names the manager)
    scrub_values = _Scrubber({**tokens, **account_phrases, **extra, **full}, emails, folds)
    scrub = _Scrubber({**tokens, **account_phrases, **team_phrases, **extra, **full}, emails, folds)

    # people
    for t, cols in _columns(ROSTER, PERSON_COLUMNS).items():
        for c in cols:
            tables[t] = _map_column(tables[t], c, people.out)
    tables["surveys"] = _map_column(tables["surveys"], "respondent", people.respondent)
    tables["activities"] = _map_column(tables["activities"], "attendees", people.attendee_list)
    tables["people"] = _map_column(tables["people"], "team", teams.get)
    files = _number(_distinct(tables[IMPORT_LOG], "file"), "File", 2, salt)
    tables[IMPORT_LOG] = _map_column(tables[IMPORT_LOG], "file", files.get)
    # a saved mapping is named after its file: the recogniser's "Saved mapping: <name>" loses the name
    tables[IMPORT_LOG] = _map_column(tables[IMPORT_LOG], "shape",
                                     lambda v: "Saved mapping" if v.startswith("Saved mapping:") else v)

    # accounts: pseudonyms, or (when shown) no person's name in them
    if accounts and tables["opportunities"].num_rows:
        o = tables["opportunities"]
        named = _pairs(o.column("name"), o.column("account"), accounts.deal_name)
        tables["opportunities"] = o.set_column(o.column_names.index("name"), "name", named)
    if accounts:
        account_map = accounts.mapping()
        for t, cols in ACCOUNT_COLUMNS.items():
            for c in cols:
                tables[t] = _map_column(tables[t], c, accounts.out)
    else:
        account_map = {}
        _scrub_one_to_one(tables, ACCOUNT_COLUMNS, scrub_values)

    prose = _Scrubber(scrub.phrases, emails, folds, PROSE_WORDS)
    for t, cols in FREE_TEXT.items():
        for c in cols:
            tables[t] = _scrub_column(tables[t], c, prose if c in PROSE.get(t, ()) else scrub)
    categories = _scrub_one_to_one(tables, CATEGORY_COLUMNS, scrub_values)
    ids = _renumber_ids(tables, scrub, salt)

    for t, cols in CODE_COLUMNS.items():
        for c in cols:
            tables[t] = _codes_only(tables[t], c, CODES.get((t, c), schema.CURRENCY_CODES))
    if factor is not None:
        for t in schema.TABLES.values():
            for col in t.columns:
                if col.type == "money" and tables[t.name].num_rows:
                    i = tables[t.name].column_names.index(col.name)
                    scaled = pc.multiply(tables[t.name].column(col.name).cast(pa.float64()), factor)
                    tables[t.name] = tables[t.name].set_column(i, col.name, scaled)

    out = Workspace.copy_of(origin, {n: tables[n] for n in names})
    out.source = ws.source
    out.label = f"{LABELS.get(ws.source, 'Workspace')} (anonymised)"
    pseudonyms = Pseudonyms(people=people.mapping(), accounts=account_map, teams=teams,
                            money_factor=factor, files=files, categories=categories, ids=ids, _scrubber=scrub)
    return out, pseudonyms


def _scrub_one_to_one(tables: dict[str, pa.Table], columns: dict[str, tuple[str, ...]],
                      scrub: _Scrubber) -> dict[str, str]:
    """Scrub columns that share values (a stage, a product, a capability...) with one map, made
    one-to-one over all of them, so the same value reads the same in every table and two never merge."""
    distinct = [pc.unique(tables[t].column(c)) for t, cols in columns.items() for c in cols if tables[t].num_rows]
    changed: dict[str, str] = {}
    for values in distinct:
        maybe = scrub.candidates(values)
        if maybe.any():
            changed.update({v: r for v in pc.filter(values, pa.array(maybe)).to_pylist()
                            if v is not None and (r := scrub(v)) != v})
    if not changed:
        return {}
    present = {v for values in distinct for v in values.to_pylist()}
    mapping = _one_to_one(changed, present.__contains__)
    for t, cols in columns.items():
        for c in cols:
            tables[t] = _replace(tables[t], c, mapping)
    return mapping


def _renumber_ids(tables: dict[str, pa.Table], scrub: _Scrubber, salt: str) -> dict[str, str]:
    """An ID holding a name (``Deal-Li-2025``) becomes ``ID NNNNNN``: one number per ID, the same
    in every table (a deal's ID on its activities and stage history follows it). Returns the IDs
    changed (real -> shown)."""
    changed: dict[str, str] = {}
    for t, cols in OTHER_ID_COLUMNS.items():
        for c in cols:
            changed.update(_changed(tables[t], c, scrub, scrub, distinct_first=False))
    if not changed:
        return {}
    prefix = "ID"
    while True:  # never onto an ID the data has
        mapping = _number(changed, prefix, 6, salt)
        shown = pa.array(list(mapping.values()), pa.string())
        if not any(pc.any(pc.is_in(tables[t].column(c), value_set=shown)).as_py()
                   for t, cols in OTHER_ID_COLUMNS.items() for c in cols if tables[t].num_rows):
            break
        prefix += "~"
    for t, cols in OTHER_ID_COLUMNS.items():
        for c in cols:
            tables[t] = _replace(tables[t], c, mapping)

    return mapping
