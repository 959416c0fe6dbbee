"""Settings (issue 16, items 1 and 8): every setting has a declared type and range, checked in one
place whichever way a value comes in, with a message naming the key and what it allows; survey
rules are keywords, never patterns, and classify in time that grows with the items only."""

from __future__ import annotations

import time
from dataclasses import fields

import pytest

from analytics.diagnosis.dials import SIGNALS
from analytics.settings import (
    MAX_KEYWORD_CHARS,
    MAX_KEYWORDS_PER_RULE,
    MAX_RULES,
    SURVEY_ITEM_KINDS,
    SURVEY_ITEM_RULES,
    WEIGHT,
    SettingError,
    Settings,
    bound,
    classify_item,
    item_classifier,
    number_settings,
)
from tools.demo import CONFIDENCE_ITEM_REP, CONFIDENCE_ITEM_SELF, LEAD_ITEMS

# ---------------------------------------------------------------------------------------
# one declaration: a type and a range per setting
# ---------------------------------------------------------------------------------------


def test_every_number_setting_declares_a_range_that_holds_its_default():
    numeric = [f.name for f in fields(Settings) if type(f.default) in (int, float)]
    assert numeric == number_settings()
    assert len(numeric) == 32  # issue 19: + min_signal_evidence, min_dial_signals, pipeline_review_standard, capability_slope_target (dials); over-confidence gap, confidence, answers (flags); noise_multiple, dependency_flat_band, hero_min_* (noise); quota_end_grace_days (periods)
    for name in numeric:
        b = bound(name)
        default = getattr(Settings(), name)
        assert b.lo <= default <= b.hi, name
        assert b.whole == isinstance(default, int), name
        assert 0 < b.step <= b.hi - b.lo, name
        assert b.label, name


@pytest.mark.parametrize("key, value, allowed", [
    ("complexity_percentile", 2, "a number from 0.5 to 0.99; it is 2"),
    ("stars_top", 3, "a number from 0 to 0.5; it is 3"),
    ("strugglers_bottom", -0.1, "a number from 0 to 0.5; it is -0.1"),
    ("stale_days", 1e300, "a whole number from 1 to 365; it is 1e+300"),
    ("stale_days", 10**400, "it is a number with 401 digits"),
    ("stale_days", 2.5, "a whole number from 1 to 365; it is 2.5"),
    ("hero_attainment", float("nan"), "a number from 0.5 to 2; it is nan"),
    ("hero_attainment", float("inf"), "it is inf"),
    ("hero_attainment", "high", "it is 'high'"),
    ("hero_attainment", True, "it is true"),
    ("hero_attainment", None, "it is empty"),
    ("moved_within_cycles", 10**6, "a whole number from 1 to 12"),
    ("min_managers_for_clusters", 1, "a whole number from 4 to 1000"),
    ("agree_score", [4], "it is a list of 1"),
])
def test_a_value_out_of_range_or_of_the_wrong_type_is_refused_naming_the_key_and_range(key, value, allowed):
    with pytest.raises(SettingError) as exc:
        Settings(**{key: value})
    message = str(exc.value)
    assert exc.value.key == key
    assert message.startswith(f"setting '{key}' must be"), message
    assert allowed in message, message
    assert bound(key).label in message


def test_every_way_in_is_checked_the_same():
    with pytest.raises(SettingError, match="'stars_top'"):
        Settings().with_(stars_top=3)
    with pytest.raises(SettingError, match="'stars_top'"):
        Settings.from_dict({"stars_top": 3})
    # a whole number written 30.0 is the whole number 30; an int where a float is expected is a float
    s = Settings.from_dict({"stale_days": 30.0, "hero_attainment": 1, "no_such_setting": [1, 2]})
    assert s.stale_days == 30 and isinstance(s.stale_days, int)
    assert s.hero_attainment == 1.0 and isinstance(s.hero_attainment, float)
    with pytest.raises(SettingError, match="true or false"):
        Settings(use_complexity_flag=1)


def test_the_ends_of_each_range_are_allowed():
    for name in number_settings():
        b = bound(name)
        lo = int(b.lo) if b.whole else b.lo
        hi = int(b.hi) if b.whole else b.hi
        assert getattr(Settings(**{name: lo}), name) == lo
        assert getattr(Settings(**{name: hi}), name) == hi


# ---------------------------------------------------------------------------------------
# dial weights
# ---------------------------------------------------------------------------------------


def test_dial_weights_name_known_signals_once_each_with_a_weight_in_range():
    s = Settings(signal_weights=[["quality_index", 2], ["retention", 0]])
    assert s.signal_weights == (("quality_index", 2.0), ("retention", 0.0))
    assert s.weight("quality_index") == 2.0 and s.weight("hygiene") == 1.0
    for weights, words in [
        ([["no_such_signal", 1]], "'no_such_signal' is not one"),
        ([[3, 1]], "3 is not one"),
        ([["quality_index", 1], ["quality_index", 2]], "'quality_index' is given twice"),
        ([["quality_index", 11]], f"must be {WEIGHT.allowed()}; it is 11"),
        ([["quality_index", "heavy"]], "it is 'heavy'"),
        ([["quality_index"]], "entry 1: must be a pair [signal, weight]"),
        ([[s.key, 1] for s in SIGNALS] + [["quality_index", 1]], f"at most {len(SIGNALS)} are allowed"),
        ("quality_index", "must be a list of dial weights"),
    ]:
        with pytest.raises(SettingError) as exc:
            Settings(signal_weights=weights)
        assert "setting 'signal_weights'" in str(exc.value), exc.value
        assert words in str(exc.value), exc.value


# ---------------------------------------------------------------------------------------
# survey rules: keywords, capped, never run as patterns
# ---------------------------------------------------------------------------------------


def test_the_default_keywords_classify_the_demo_items_as_the_old_patterns_did():
    direction, motivation, buy_in = LEAD_ITEMS
    assert {item: classify_item(item) for item in (*LEAD_ITEMS, CONFIDENCE_ITEM_REP, CONFIDENCE_ITEM_SELF)} == {
        direction: "direction", motivation: "motivation", buy_in: "buy_in",
        CONFIDENCE_ITEM_REP: "coaching_rep", CONFIDENCE_ITEM_SELF: "coaching_self"}


@pytest.mark.parametrize("item, kind", [
    ("My coaching helps my reps", "coaching_self"),
    ("I coached my team this quarter", "coaching_self"),
    ("Hi coach, how are you", "coaching_rep"),
    ("My manager sets our PRIORITIES", "direction"),
    ("Our buy-in to the plan is high", "buy_in"),
    ("There is real buyin", "buy_in"),
    ("I want to  perform, really!", "motivation"),
    ("I want to leave", None),               # a phrase matches only as a whole
    ("The explanation was short", None),     # 'plan' starts a word, it is not anywhere in one
    ("Supervision is fine", None),           # 'vision' likewise
    ("", None),
    (None, None),
])
def test_keywords_match_the_start_of_words_ignoring_case_and_punctuation(item, kind):
    assert classify_item(item) == kind


def test_the_first_matching_rule_wins_and_rules_are_taught_by_keywords():
    rules = ((("canteen", "office coffee"), "motivation"), (("canteen",), "direction"))
    classify = item_classifier(Settings(survey_item_rules=rules).survey_item_rules)
    assert classify("I like the canteen") == "motivation"
    assert classify("The office coffee is good") == "motivation"
    assert classify("The office is far") is None


@pytest.mark.parametrize("rules, words", [
    ([[["(.+)+x"], "coaching_rep"]], "rule 1: '(.+)+x' is written as a regular expression"),
    ([[[r"\bcoach"], "coaching_rep"]], "is written as a regular expression"),
    ([[["coach|mentor"], "coaching_rep"]], "is written as a regular expression"),
    ([[["coach"], "coaching"]], "rule 1: 'coaching' is not something a survey item measures"),
    ([[["coach"], 3]], "rule 1: 3 is not something"),
    ([[["coach"], "coaching_rep"], [[], "direction"]], f"rule 2: a rule has 1 to {MAX_KEYWORDS_PER_RULE} keywords"),
    ([[["w"] * (MAX_KEYWORDS_PER_RULE + 1), "direction"]], f"a rule has 1 to {MAX_KEYWORDS_PER_RULE}"),
    ([[["x" * (MAX_KEYWORD_CHARS + 1)], "direction"]], f"at most {MAX_KEYWORD_CHARS} are allowed"),
    ([[["x" * 1_000_000], "direction"]], "1,000,000 characters long"),
    ([[["a" * MAX_KEYWORD_CHARS], "direction"]] * MAX_RULES + [[["b"], "direction"]], "at most"),
    ([[["..."], "direction"]], "has no letter or digit"),
    ([[[7], "direction"]], "a keyword must be text"),
    ([["coach", "coaching_rep"]], "the keywords must be a list of words"),
    ([[["coach"], "direction"]] * (MAX_RULES + 1), f"holds {MAX_RULES + 1} survey rules; at most {MAX_RULES}"),
    ([[["coach"], "direction"]] * 100_000, f"holds 100,000 survey rules; at most {MAX_RULES}"),
    ({"coach": "direction"}, "must be a list of survey rules"),
])
def test_survey_rules_that_the_app_will_not_run_are_refused_naming_the_rule(rules, words):
    with pytest.raises(SettingError) as exc:
        Settings(survey_item_rules=rules)
    assert str(exc.value).startswith("setting 'survey_item_rules'"), exc.value
    assert words in str(exc.value), exc.value


def test_keywords_are_trimmed_and_deduplicated():
    s = Settings(survey_item_rules=[[["  my   coach ", "my coach", "Mentor"], "coaching_rep"]])
    assert s.survey_item_rules == ((("my coach", "Mentor"), "coaching_rep"),)
    assert set(SURVEY_ITEM_KINDS) == {kind for _, kind in SURVEY_ITEM_RULES}


def _most_rules_allowed(keyword) -> tuple:
    kinds = list(SURVEY_ITEM_KINDS)
    rules = [[[keyword(r, k) for k in range(MAX_KEYWORDS_PER_RULE)], kinds[r % len(kinds)]] for r in range(MAX_RULES)]
    checked = Settings(survey_item_rules=rules).survey_item_rules
    assert len(checked) == MAX_RULES and all(len(k) == MAX_KEYWORDS_PER_RULE for k, _ in checked)
    return checked


def test_classifying_10000_items_with_the_most_rules_allowed_takes_under_a_second():
    """The old rules ran a file's regular expressions with Python's re: (.+)+ before a character
    that never comes took minutes on one item, in one call holding the GIL for every session.
    Keywords are plain substring tests: the worst a file can do is the most rules allowed, none
    matching, so that every keyword is tried on every item."""
    rules = _most_rules_allowed(lambda r, k: f"never{r}x{k} " + "word " * 6)
    vocab = "my manager gives me clear feedback about the quarter and helps our team win deals".split()
    items = [" ".join(vocab[(i * 7 + j * 3) % len(vocab)] for j in range(12)) + f" number {i}" for i in range(10_000)]
    started = time.perf_counter()
    classify = item_classifier(rules)
    kinds = [classify(item) for item in items]
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"10,000 items took {elapsed:.2f} s"
    assert kinds == [None] * 10_000


def test_the_worst_item_against_the_worst_rules_is_bounded():
    """Keywords and items built to make substring search slowest (the same letter over and over,
    the difference at the end), as long as allowed: each item still takes well under a
    millisecond, because only the first MAX_ITEM_CHARS characters are read."""
    rules = _most_rules_allowed(lambda r, k: "a " * ((MAX_KEYWORD_CHARS - 4) // 2) + f"z{r}{k}")
    items = ["a " * 100_000 + str(i) for i in range(500)]
    started = time.perf_counter()
    classify = item_classifier(rules)
    kinds = [classify(item) for item in items]
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"500 items took {elapsed:.2f} s"
    assert kinds == [None] * 500
    assert classify("a " * 20 + "z00") == rules[0][1]  # a match is still found
