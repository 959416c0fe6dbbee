"""Value parsers: text cells -> typed values, with bad cells reported and blanks missing."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.ingest.values import (
    parse_bool,
    parse_date,
    parse_datetime,
    parse_id,
    parse_integer,
    parse_number,
    parse_text,
)


def S(*cells) -> pd.Series:
    """A column of text cells, typed as the readers type them."""
    return pd.Series(list(cells), dtype="str")


def vals(parsed) -> list:
    """Values as plain Python objects; missing -> None."""
    return [None if pd.isna(v) else v for v in parsed.values.tolist()]


def bad(parsed) -> list[bool]:
    return [bool(b) for b in parsed.bad.tolist()]


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "text, expected",
    [
        ("$450,000.00 ", 450000.0),
        ("1,234", 1234.0),
        ("(200)", -200.0),
        ("12%", 12.0),
        ("1,234.50-", -1234.5),  # accountants' trailing minus
        ("€ 99", 99.0),
        ("0.5", 0.5),
        ("12,345,678", 12345678.0),
    ],
)
def test_parse_number_reads_common_shapes(text, expected):
    p = parse_number(S(text))
    assert vals(p) == [expected]
    assert bad(p) == [False]


@pytest.mark.parametrize("text", ["abc", "12 apples", "inf", "nan", "$", "1.2.3"])
def test_parse_number_rejects_text_that_is_not_a_number(text):
    p = parse_number(S(text))
    assert vals(p) == [None]
    assert bad(p) == [True]


def test_parse_number_blank_is_missing_not_bad():
    p = parse_number(S("", "   ", None, "7"))
    assert vals(p) == [None, None, None, 7.0]
    assert bad(p) == [False, False, False, False]


def test_parse_number_decimal_comma_when_the_column_proves_it():
    # "12,5" can only be a decimal comma, so "1.234,50" is one thousand two hundred...
    p = parse_number(S("1.234,50", "12,5", ""))
    assert vals(p) == [1234.5, 12.5, None]
    assert bad(p) == [False, False, False]
    assert "decimal comma" in p.note


def test_parse_number_eu_thousands_alone_prove_decimal_comma():
    p = parse_number(S("1.234,50"))
    assert vals(p) == [1234.5]
    assert "decimal comma" in p.note


def test_parse_number_us_column_is_not_read_as_decimal_comma():
    p = parse_number(S("1,234", "1,234.50"))
    assert vals(p) == [1234.0, 1234.5]
    assert p.note == ""


def test_parse_number_contradictory_separators_are_bad_not_guessed():
    # one cell says comma-decimal, another says dot-decimal: nothing proves either
    p = parse_number(S("1.234,50", "1,234.50"))
    assert vals(p) == [None, 1234.5]
    assert bad(p) == [True, False]


def test_parse_integer_rejects_fractions():
    p = parse_integer(S("3", "1,000", "1.5", ""))
    assert vals(p) == [3, 1000, None, None]
    assert bad(p) == [False, False, True, False]


# --------------------------------------------------------------------------- booleans


def test_parse_bool_true_false_words():
    p = parse_bool(S("TRUE", "FALSE", "true", "False", "Yes", "No", "Y", "n", "1", "0"))
    assert vals(p) == [True, False, True, False, True, False, True, False, True, False]
    assert not any(bad(p))


def test_parse_bool_one_and_blank_means_blank_is_false():
    # Salesforce API exports write 1 for true and nothing for false
    p = parse_bool(S("1", "", "1", "  "))
    assert vals(p) == [True, False, True, False]
    assert bad(p) == [False, False, False, False]
    assert "blank" in p.note


def test_parse_bool_blank_stays_unknown_when_the_column_writes_false():
    p = parse_bool(S("1", "0", ""))
    assert vals(p) == [True, False, None]
    assert p.note == ""
    p = parse_bool(S("TRUE", "FALSE", ""))
    assert vals(p) == [True, False, None]


def test_parse_bool_all_blank_is_missing():
    p = parse_bool(S("", "", None))
    assert vals(p) == [None, None, None]
    assert bad(p) == [False, False, False]


@pytest.mark.parametrize("garbage", ["maybe", "2", "yes please", "-"])
def test_parse_bool_garbage_is_bad(garbage):
    p = parse_bool(S("TRUE", garbage, "FALSE"))
    assert vals(p) == [True, None, False]
    assert bad(p) == [False, True, False]


def test_parse_bool_garbage_stays_bad_in_a_one_blank_column():
    p = parse_bool(S("1", "", "maybe"))
    assert vals(p) == [True, False, None]
    assert bad(p) == [False, False, True]


# --------------------------------------------------------------------------- dates


def test_parse_datetime_iso_date():
    p = parse_datetime(S("2024-01-05", "2024-12-31"))
    assert vals(p) == [ts("2024-01-05"), ts("2024-12-31")]
    assert not any(bad(p))


def test_parse_datetime_iso_with_zone_becomes_naive_utc():
    p = parse_datetime(
        S(
            "2024-01-22T16:14:25.000+0000",
            "2024-01-22T16:14:25.000+0200",
            "2024-01-22T23:30:00.000-0200",
            "2024-01-22T16:14:25Z",
        )
    )
    assert vals(p) == [
        ts("2024-01-22 16:14:25"),
        ts("2024-01-22 14:14:25"),
        ts("2024-01-23 01:30:00"),
        ts("2024-01-22 16:14:25"),
    ]
    assert p.values.dt.tz is None
    assert not any(bad(p))


def test_parse_date_keeps_the_date_as_written_in_its_zone():
    # a deal closed at 23:30 at UTC-2 closed on the 22nd where it was closed
    p = parse_date(S("2024-01-22T16:14:25.000+0000", "2024-01-22T23:30:00.000-0200"))
    assert vals(p) == [ts("2024-01-22"), ts("2024-01-22")]


def test_parse_datetime_converts_zoned_timestamps_to_utc():
    p = parse_datetime(S("2024-01-22T23:30:00.000-0200"))
    assert vals(p) == [pd.Timestamp("2024-01-23 01:30:00")]


def test_parse_datetime_short_us_date():
    p = parse_datetime(S("02/03/24"))
    assert vals(p) == [ts("2024-02-03")]
    assert p.note == ""


def test_parse_datetime_us_date_with_12_hour_time():
    p = parse_datetime(S("02/23/26 08:55 PM", "02/23/26 08:55 AM"))
    assert vals(p) == [ts("2026-02-23 20:55"), ts("2026-02-23 08:55")]


def test_parse_datetime_ambiguous_slashes_default_to_month_first():
    p = parse_datetime(S("02/03/2024", "04/05/2024"))
    assert vals(p) == [ts("2024-02-03"), ts("2024-04-05")]


def test_parse_datetime_day_first_only_when_proven_for_the_whole_column():
    p = parse_datetime(S("13/01/2024", "02/03/2024"))
    assert vals(p) == [ts("2024-01-13"), ts("2024-03-02")]
    assert "day" in p.note
    assert not any(bad(p))


def test_parse_datetime_month_first_proven():
    p = parse_datetime(S("01/13/2024", "02/03/2024"))
    assert vals(p) == [ts("2024-01-13"), ts("2024-02-03")]
    assert p.note == ""


@pytest.mark.parametrize(
    "text, ok",
    [("1899-12-31", False), ("1900-01-01", True), ("2100-12-31", True), ("2101-01-01", False), ("0024-01-01", False)],
)
def test_parse_datetime_years_outside_1900_2100_are_bad(text, ok):
    p = parse_datetime(S(text))
    assert bad(p) == [not ok]
    assert (vals(p)[0] is not None) == ok


def test_parse_datetime_mixed_formats_in_one_column():
    p = parse_datetime(
        S(
            "2024-01-05",
            "02/03/24",
            "2024-01-22T16:14:25.000+0000",
            "5 Jan 2024",
            "02/23/26 08:55 PM",
            "2024-01-22 16:14:25",
            "",
        )
    )
    assert vals(p) == [
        ts("2024-01-05"),
        ts("2024-02-03"),
        ts("2024-01-22 16:14:25"),
        ts("2024-01-05"),
        ts("2026-02-23 20:55"),
        ts("2024-01-22 16:14:25"),
        None,
    ]
    assert bad(p) == [False] * 6 + [False]


@pytest.mark.parametrize("text", ["garbage", "02/30/2024", "13/13/2024", "2024-13-01"])
def test_parse_datetime_impossible_dates_are_bad(text):
    p = parse_datetime(S("2024-01-05", text))
    assert bad(p) == [False, True]
    assert vals(p)[1] is None


def test_parse_datetime_all_blank_is_missing_not_bad():
    p = parse_datetime(S("", "  ", None))
    assert vals(p) == [None, None, None]
    assert bad(p) == [False, False, False]


# --------------------------------------------------------------------------- text and ids


def test_parse_text_collapses_whitespace():
    p = parse_text(S("  Anna   Snelling ", "a\tb\nc", "", "   "))
    assert vals(p) == ["Anna Snelling", "a b c", None, None]
    assert not any(bad(p))


def test_parse_id_keeps_case_and_inner_characters():
    p = parse_id(S("  006Ec00000AieKFIAZ ", "a-b_c.d", ""))
    assert vals(p) == ["006Ec00000AieKFIAZ", "a-b_c.d", None]
    assert not any(bad(p))


def test_parse_id_is_normalised_as_a_name_is():
    """An owner written as an ID is text, the roster's ID an id: both are normalised alike, so
    they still join whichever way each file spaced or encoded it."""
    cells = S("a  b", "ＡＢ１", "00\u200b5X", "\u200b")
    assert vals(parse_id(cells)) == vals(parse_text(cells)) == ["a b", "AB1", "00 5X", None]


def test_parse_number_keeps_index_alignment():
    s = pd.Series(["1", "x", ""], index=[10, 20, 30], dtype="str")
    p = parse_number(s)
    assert list(p.values.index) == [10, 20, 30]
    assert list(p.bad.index) == [10, 20, 30]
    assert p.values.loc[10] == 1.0 and math.isnan(p.values.loc[20])


# --------------------------------------------------------------------------- parsing once per distinct text

MESSY = {
    "text": ["  Ana  Lima ", "Ana Lima", "", "Bo\tChen", None, "Zoë  Ng"],
    "id": [" 006A ", "006a", "", None, "x-1"],
    "money": ["$75,380.00", "(1,200.50)", "", "12%", "abc", "1.500", "€ 3 000", None],
    "number": ["1.234,50", "12,5", "", "7", "x"],
    "integer": ["3", "3.5", "", "9e30", "-2", "nope"],
    "bool": ["1", "", "TRUE", "no", "maybe", None],
    "date": ["13/01/2024", "01/14/2024", "03/04/2024", "2024-02-29", "", "2023-02-29", "Mar 5, 2024", None],
    "timestamp": ["2024-03-01T23:30:00-08:00", "03/01/2024 11:30 PM", "", "1899-12-31", "later"],
}


@pytest.mark.parametrize("kind", sorted(MESSY))
def test_parsing_distinct_texts_once_gives_what_parsing_every_cell_gives(kind):
    """``parse`` parses a repetitive column once per distinct text and spreads the results
    back: values, bad cells, reasons and notes must equal those of the parser run on every cell."""
    from analytics.ingest.values import PARSERS, parse

    cells = MESSY[kind] * 400  # 2,000+ rows with a handful of distinct texts: the distinct path
    column = pd.Series(cells, dtype="str", index=pd.RangeIndex(5, 5 + len(cells)), name="col")
    each, once = PARSERS[kind](column), parse(kind, column)
    if kind == "text":  # text comes back as a categorical (one copy of each name): same values
        assert isinstance(once.values.dtype, pd.CategoricalDtype)
        assert vals(once) == vals(each)
    else:
        pd.testing.assert_series_equal(once.values, each.values, check_names=False)
    assert once.bad.tolist() == each.bad.tolist()
    assert once.bad.index.equals(column.index) and once.values.index.equals(column.index)
    assert once.note == each.note
    if each.reasons is None:
        assert once.reasons is None
    else:
        assert once.reasons.fillna("").tolist() == each.reasons.fillna("").tolist()
    assert int(each.bad.sum()) > 0 or kind in ("text", "id")  # the corpus does hold bad cells


def test_a_column_of_distinct_values_is_parsed_cell_by_cell():
    from analytics.ingest.values import parse

    column = pd.Series([f"{i:,}.00" for i in range(3000)], dtype="str")
    parsed = parse("money", column)
    assert parsed.values.iloc[2999] == 2999.0 and not parsed.bad.any()


@pytest.mark.parametrize("name", ["_strip_currency"])  # text: tests/unit/test_names.py
def test_arrow_regexes_match_pythons_on_every_character(name):
    """The RE2 patterns run in Arrow must remove exactly what Python's ``\\s`` and currency
    pattern remove, for every character of the Basic Multilingual Plane's first 0x3100."""
    from analytics.ingest import values

    fn = getattr(values, name)
    cells = [f"{chr(c)}1{chr(c)}{chr(c)}2" for c in range(0x3100) if not 0xD800 <= c < 0xE000]
    arrow, python = fn(pd.Series(cells, dtype="str")), fn(pd.Series(cells, dtype=object))
    assert isinstance(pd.Series(cells, dtype="str").array, pd.arrays.ArrowStringArray)
    assert arrow.tolist() == python.tolist()


# --------------------------------------------------------------------------- Excel serial dates


def test_excel_serial_dates_read_as_dates_in_date_columns():
    """45292 is 2024-01-01 as Excel counts days (a CSV saved from Excel, a workbook cell typed as
    a number); a fraction is the time of day, which a date column drops."""
    p = parse_date(S("45292", "45292.75", "2024-03-01", ""))
    assert vals(p) == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-01"), None]
    assert not p.bad.any()
    assert "Excel serial numbers" in p.note


def test_excel_serial_timestamps_keep_the_time_of_day():
    p = parse_datetime(S("45292.5", "45292.75"))
    assert vals(p) == [pd.Timestamp("2024-01-01 12:00"), pd.Timestamp("2024-01-01 18:00")]


@pytest.mark.parametrize("text, ok", [
    ("32873", False), ("32874", True), ("73415", True), ("73416", False),  # 1990-01-01 .. 2100-12-31
    ("1234", False), ("123456", False), ("45292.5.1", False), ("-45292", False),
])
def test_excel_serials_outside_1990_2100_are_not_dates(text, ok):
    p = parse_date(S(text))
    assert bool(p.bad.iloc[0]) is (not ok)


def test_excel_serials_are_never_read_in_amounts():
    p = parse_number(S("45292"))
    assert vals(p) == [45292.0]


def test_excel_serial_with_a_decimal_comma():
    assert vals(parse_datetime(S("45292,25"))) == [pd.Timestamp("2024-01-01 06:00")]
