"""The one helper every value from the data goes through before Streamlit reads it as markdown
(analytics.fmt.md_escape), and its plain-text half (clip): markup is kept as text, long names
end with an ellipsis. What the browser makes of it is checked in tests/e2e/test_escaping.py."""

from __future__ import annotations

import re

import pytest

from analytics.fmt import ELLIPSIS, JOINER, NAME_CHARS, clip, md_escape
from tests.hostile_names import LONG_MANAGER, MARKUP

#: ASCII punctuation that means something to GitHub-flavoured markdown or to Streamlit
SPECIAL = set("\\`*_[]<>!~$|#&{}")


def read_back(escaped: str) -> str:
    """The text a markdown reader shows for ``escaped``: backslash escapes and joiners undone."""
    return re.sub(r"\\(.)", r"\1", escaped).replace(JOINER, "")


@pytest.mark.parametrize("value", [*MARKUP, "Ann Lee", "O'Brien & Sons", "Jean-Luc", "12) x", "3.5 stars", "+1",
                                   "=== x", "a\\b", "[^1]", "<!-- c -->", "$$\nx\n$$", "x  \ny", "&#x3C;b&#x3E;"])
def test_every_markup_character_is_escaped_and_reads_back_as_written(value):
    out = md_escape(value)
    unescaped = re.sub(r"\\.", "", out)  # what is left once every escaped character is taken out
    assert not SPECIAL & set(unescaped), out
    assert read_back(out) == clip(value, None)


@pytest.mark.parametrize("value, pattern", [
    ("http://evil.example/x", r"https?:(?!\u2060)"),  # a bare URL becomes a link
    ("HTTPS://evil.example", r"(?i)https?:(?!\u2060)"),
    ("www.evil.example", r"(?i)www(?!\u2060)\."),
    ("ann@evil.example", r"(?<!\u2060)@"),  # an e-mail address becomes a mailto: link
    (":smile: :+1: :streamlit:", r":(?!\u2060)[\w+]"),  # emoji and the Streamlit logo
    (":material/home:", r":(?!\u2060)material"),  # a Material icon
    (":red[alert] :blue-background[x] :orange-badge[y] :small[z]", r":(?!\u2060)\w"),  # colour directives
    ("a -> b <- c <-> d -- e >= f <= g ~= h", r"->|<-|--|>=|<=|~="),  # typographic arrows and dashes
])
def test_what_streamlit_reads_after_the_escapes_is_broken_by_an_invisible_joiner(value, pattern):
    out = md_escape(value)
    assert not re.search(pattern, out.replace("\\", "")), out
    assert read_back(out) == value


@pytest.mark.parametrize("value, start", [("- item", "\\-"), ("+ item", "\\+"), ("= x", "\\="), ("1. first", "1\\."),
                                          ("12) x", "12\\)"), ("# h", "\\#"), ("> q", "\\>"), ("* x", "\\*")])
def test_a_value_that_opens_a_line_cannot_open_a_list_heading_or_quote(value, start):
    assert md_escape(value).startswith(start) and md_escape(value).count("\\") == 1
    assert md_escape(f"Ann {value}").count("\\") == (1 if value[0] in "#>*" else 0)  # inside a line: no list


def test_long_values_end_with_an_ellipsis_and_sentences_keep_their_length():
    name = md_escape(LONG_MANAGER, NAME_CHARS)
    assert len(read_back(name)) == NAME_CHARS and read_back(name).endswith(ELLIPSIS)
    assert read_back(name) == LONG_MANAGER[:NAME_CHARS - 1] + ELLIPSIS
    assert len(md_escape("word " * 500)) == len("word " * 500) - 1  # no limit: a sentence is kept whole
    assert md_escape("x" * 10, 10) == "x" * 10 and md_escape("x" * 11, 10) == "x" * 9 + ELLIPSIS
    assert clip("  trailing   " + "y" * 100, 20) == "trailing " + "y" * 10 + ELLIPSIS


def test_line_breaks_tabs_controls_and_bidi_overrides_are_flattened():
    assert clip("Ann\r\n\tLee\u2028 Jr") == "Ann Lee Jr"
    assert clip("evil\u202egnp.exe\x00\x1b[31m") == "evilgnp.exe[31m"
    assert md_escape("a\n\n# heading\n- item") == "a \\# heading - item"
    assert clip(None) == "" and md_escape(None) == ""
    assert clip(3.5) == "3.5"


def test_characters_drawn_as_nothing_are_dropped_where_a_name_is_drawn():
    # issue 16 review, item 5: a name split by them reads as another, and one made of them shows nothing
    assert clip("Dee\u034fpa Var\ufe0fga") == "Deepa Varga"
    assert clip("\u3164\u115f\u1160\uffa0\u2800\ufe00\U000e0100\U000e01ef\u180e\u034f") == ""
    assert clip("Ann\u200bLee") == "Ann Lee"  # a zero-width space separates words, as at import
    assert md_escape("\u2800[x](http://e.example)\u3164") == "\\[x\\](http:\u2060//e.example)"
    assert clip("x" * 59 + "\u034f" * 10 + "y") == "x" * 59 + "y"  # nothing drawn counts toward the limit
