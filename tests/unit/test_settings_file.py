"""The settings file: thresholds, weights, stage mapping and column mappings round-trip, and a
bad file is refused with a message, never half-applied."""

from __future__ import annotations

import json
import time

import pytest

from analytics.ingest.pipeline import analyse_file
from analytics.ingest.recognise import mapping_from_json, mapping_to_json
from analytics.ingest.settings_file import SettingsFileError, build, is_settings_file, parse
from analytics.settings import SURVEY_ITEM_RULES, Settings


def test_round_trip_keeps_everything():
    settings = Settings().with_(hero_attainment=1.1, stale_days=45, use_complexity_flag=False,
                                signal_weights=(("quality_index", 2.0),))
    mapping = mapping_from_json(mapping_to_json("opportunities", {"opportunity_id": "Deal Ref", "owner": "Rep",
                                                                   "stage": "Phase"}, ["Deal Ref", "Rep", "Phase"],
                                                name="acme-crm deals"))
    text = build(settings, {"Signed": (True, True), "Parked": (True, False)}, [mapping])
    assert is_settings_file(text)
    bundle = parse(text)
    assert bundle.settings == settings
    assert bundle.stage_outcomes == {"Signed": (True, True), "Parked": (True, False)}
    assert bundle.mappings[0]["columns"] == {"opportunity_id": "Deal Ref", "owner": "Rep", "stage": "Phase"}


def test_a_mapping_from_the_settings_file_recognises_the_next_clients_export():
    mapping = mapping_from_json(mapping_to_json("opportunities", {"opportunity_id": "Deal Ref", "owner": "Rep",
                                                                   "stage": "Phase", "amount": "Value"},
                                                ["Deal Ref", "Rep", "Phase", "Value"], name="acme-crm deals"))
    bundle = parse(build(Settings(), {}, [mapping]))
    csv = b"Deal Ref,Rep,Phase,Value\nD1,Ann,Signed,100\n"
    analysis = analyse_file("next-client.csv", csv, bundle.mappings)
    assert analysis.recognition.recognised
    assert analysis.recognition.table == "opportunities"
    assert analysis.recognition.shape.startswith("Saved mapping")


@pytest.mark.parametrize("payload, message", [
    ("not json", "not valid JSON"),
    ('{"format": "something-else"}', "not a Bench Strength settings file"),
    ('{"format": "bench-strength-settings", "version": 99}', "version 99"),
    ('{"format": "bench-strength-settings", "version": 1, "settings": {"hero_attainment": "high"}}',
     "'hero_attainment' must be a number"),
    ('{"format": "bench-strength-settings", "version": 1, "settings": {"stale_days": 2.5}}', "whole number"),
    ('{"format": "bench-strength-settings", "version": 1, "settings": {"use_complexity_flag": 1}}', "true or false"),
    ('{"format": "bench-strength-settings", "version": 1, "settings": {"signal_weights": [["x", 1e9]]}}',
     "dial weight"),
    ('{"format": "bench-strength-settings", "version": 1, "settings": {"survey_item_rules": [["(", "coaching_rep"]]}}',
     "'survey_item_rules', rule 1: '(' is a regular expression"),
    ('{"format": "bench-strength-settings", "version": 1, "stage_mapping": [{"stage": "Won"}]}', "entry 1"),
    ('{"format": "bench-strength-settings", "version": 1, "column_mappings": [{"format": "x"}]}',
     "column mapping 1"),
])
def test_bad_files_are_refused_with_a_message(payload, message):
    with pytest.raises(SettingsFileError, match=message.replace("(", r"\(")):
        parse(payload, "client.json")


def test_unknown_keys_are_ignored_and_a_mapping_file_is_not_a_settings_file():
    text = json.dumps({"format": "bench-strength-settings", "version": 1, "settings": {"no_such": 1}})
    assert parse(text).settings == Settings()
    assert not is_settings_file(mapping_to_json("opportunities", {"owner": "Rep"}, ["Rep"]))


# --------------------------------------------------------------------------- issue 16: hostile settings files


def _file(version: int = 1, **parts) -> str:
    return json.dumps({"format": "bench-strength-settings", "version": version, **parts})


OLD_DEFAULT_RULES = [[r"\bi coach\b|my coaching", "coaching_self"], ["coach", "coaching_rep"],
                     ["direction|priorit|vision|goal", "direction"],
                     ["motivat|inspir|want to perform|energ", "motivation"],
                     [r"believe|buy.?in|plan|commit|trust", "buy_in"]]


def test_a_catastrophic_pattern_is_refused_at_once_naming_the_key():
    """(.+)+ followed by a character that never comes ran for minutes per item in Python's re,
    for every session. The file is refused before anything runs; nothing is ever run as a pattern."""
    text = _file(1, settings={"survey_item_rules": [[r"(.+)+!", "coaching_rep"]]})
    started = time.perf_counter()
    with pytest.raises(SettingsFileError) as exc:
        parse(text, "client.json")
    assert time.perf_counter() - started < 1.0
    assert str(exc.value).startswith("client.json: setting 'survey_item_rules', rule 1: '(.+)+!' is a regular "
                                     "expression")
    # and written as a keyword of a version-2 file, it is refused the same way
    with pytest.raises(SettingsFileError, match="'survey_item_rules', rule 1: '\\(\\.\\+\\)\\+!' is written as a "
                                                "regular expression"):
        parse(_file(2, settings={"survey_item_rules": [[[r"(.+)+!"], "coaching_rep"]]}), "client.json")


def test_a_version_1_file_saved_by_the_app_reads_as_before():
    text = _file(1, settings={**Settings().to_dict(), "survey_item_rules": OLD_DEFAULT_RULES, "stale_days": 45})
    assert parse(text).settings == Settings(stale_days=45)
    plain = _file(1, settings={"survey_item_rules": [["canteen|office coffee", "motivation"], *OLD_DEFAULT_RULES]})
    rules = parse(plain).settings.survey_item_rules
    assert rules[0] == (("canteen", "office coffee"), "motivation")
    assert rules[1:] == SURVEY_ITEM_RULES


def test_the_file_written_now_is_version_2_with_keywords_and_reads_back():
    settings = Settings(survey_item_rules=((("canteen", "office coffee"), "motivation"), *SURVEY_ITEM_RULES))
    data = json.loads(build(settings, {}, []))
    assert data["version"] == 2
    assert data["settings"]["survey_item_rules"][0] == [["canteen", "office coffee"], "motivation"]
    assert parse(json.dumps(data)).settings == settings


@pytest.mark.parametrize("settings, words", [
    ({"complexity_percentile": 2}, "'complexity_percentile' must be a number from 0.5 to 0.99; it is 2"),
    ({"stars_top": 3}, "'stars_top' must be a number from 0 to 0.5; it is 3"),
    ({"stale_days": 1e300}, "'stale_days' must be a whole number from 1 to 365; it is 1e+300"),
    ({"coverage_standard": 10**400}, "'coverage_standard' must be a number from 0.5 to 10; it is a number with 401"),
    ({"hero_attainment": float("nan")}, "'hero_attainment' must be a number"),
    ({"signal_weights": [["no_such_signal", 2]]}, "'no_such_signal' is not one"),
    ({"signal_weights": [["retention", 2], ["retention", 3]]}, "'retention' is given twice"),
    ({"signal_weights": [["retention", 2]] * 10_000}, "holds 10,000 dial weights"),
    ({"survey_item_rules": [["coach", "coaching_rep"]] * 10_000}, "holds 10,000 survey rules"),
    ({"survey_item_rules": [["coach" * 100_000, "coaching_rep"]]}, "500,000 characters long; at most 40"),
    ({"survey_item_rules": [["coach", "happiness"]]}, "'happiness' is not something a survey item measures"),
])
def test_out_of_range_and_oversized_settings_are_refused_naming_the_key(settings, words):
    """Version 1 files, as the app before this one wrote and read them."""
    with pytest.raises(SettingsFileError) as exc:
        parse(_file(settings=settings), "client.json")
    assert str(exc.value).startswith("client.json: setting '"), exc.value
    assert words in str(exc.value), exc.value


@pytest.mark.parametrize("parts, words", [
    ({"stage_mapping": [{"stage": "Won", "is_closed": True, "is_won": True}] * 2}, "the stage 'Won' is listed twice"),
    ({"stage_mapping": [{"stage": ["Won"], "is_closed": True, "is_won": True}]}, "entry 1 needs a stage name"),
    ({"stage_mapping": [{"stage": 7, "is_closed": True, "is_won": True}]}, "entry 1 needs a stage name"),
    ({"stage_mapping": [{"stage": "W" * 10_000, "is_closed": True, "is_won": True}]}, "1 to 255 characters"),
    ({"stage_mapping": [{"stage": " ", "is_closed": True, "is_won": True}]}, "1 to 255 characters"),
    ({"stage_mapping": [{"stage": f"S{i}", "is_closed": False, "is_won": False} for i in range(1001)]},
     "holds 1,001 stages; at most 1,000"),
    ({"column_mappings": [{"format": "bench-strength-mapping", "version": 1, "table": "opportunities",
                           "name": ["a", "list"], "columns": {"owner": "Rep"}}]}, "column mapping 1: the mapping's 'name'"),
    ({"column_mappings": [{"format": "bench-strength-mapping", "table": "opportunities",
                           "columns": {"owner": "Rep"}}] * 51}, "holds 51 mappings; at most 50"),
    ({"column_mappings": [{"format": "bench-strength-mapping", "table": "opportunities",
                           "columns": {"owner": "R" * 5000}}]}, "source columns of 1 to 1,000 characters"),
    ({"column_mappings": [{"format": "bench-strength-mapping", "table": "opportunities", "columns": {"owner": "Rep"},
                           "source_headers": ["h"] * 3000}]}, "at most 2,000 column names"),
    ({"column_mappings": [{"format": "bench-strength-mapping", "table": "opportunities",
                           "columns": {f"c{i}": "x" for i in range(10_000)}}]}, "and 9,995 more"),
    ({"column_mappings": [json.loads("[" * 900 + "]" * 900)]}, "column mapping 1: not a Bench Strength column mapping"),
    ({"version": True}, "version"),  # True == 1 in Python
    ({"version": 10**30}, "version"),
])
def test_hostile_stage_and_column_mappings_are_refused_naming_what(parts, words):
    with pytest.raises(SettingsFileError) as exc:
        parse(_file(**parts), "client.json")
    assert str(exc.value).startswith("client.json"), exc.value
    assert words in str(exc.value), exc.value


@pytest.mark.parametrize("text", [
    "1" * 5000,                                                        # past Python's digits limit
    '{"format": "bench-strength-settings", "version": 1, "settings": {"stale_days": ' + "9" * 5000 + "}}",
    "[" * 100_000 + "]" * 100_000,                                     # deeper than the parser goes
    '{"format": "bench-strength-settings", "version": 2, "pad": "' + "x" * (3 * 1024 * 1024) + '"}',
])
def test_json_the_parser_cannot_read_or_too_large_is_refused_never_raised(text):
    assert is_settings_file(text) is False
    with pytest.raises(SettingsFileError) as exc:
        parse(text, "client.json")
    assert str(exc.value).startswith("client.json: ")
    with pytest.raises(ValueError) as exc:
        mapping_from_json(text, "client.json")
    assert str(exc.value).startswith("client.json: ")


def test_a_mapping_keeps_only_its_own_keys():
    text = json.dumps({"format": "bench-strength-mapping", "version": 1, "table": "opportunities",
                       "columns": {"owner": "Rep"}, "junk": "x" * 100_000})
    m = mapping_from_json(text, "m.json")
    assert m == {"format": "bench-strength-mapping", "version": 1, "name": "opportunities", "table": "opportunities",
                 "columns": {"owner": "Rep"}, "source_headers": []}


# --------------------------------------------------------------------------- JSON uploads (issue 16, item 6)


def test_a_json_upload_is_sorted_by_one_parse():
    from analytics.ingest.settings_file import read_json_upload

    settings = build(Settings().with_(stale_days=33), {}, []).encode()
    mapping = mapping_to_json("opportunities", {"owner": "Rep"}, ["Rep"]).encode()
    assert read_json_upload("s.json", len(settings), lambda: settings).bundle.settings.stale_days == 33
    assert read_json_upload("m.json", len(mapping), lambda: mapping).mapping["columns"] == {"owner": "Rep"}
    for bad, says in ((b"not json", "not valid JSON"), (b"[" * 100_000 + b"]" * 100_000, "column mapping"),
                      (b'{"format": "bench-strength-settings", "version": 99}', "version 99")):
        got = read_json_upload("x.json", len(bad), lambda bad=bad: bad)
        assert got.error and got.error.startswith("x.json: ") and says in got.error, got.error


def test_a_json_larger_than_a_settings_file_is_refused_unread():
    from analytics.ingest.settings_file import MAX_BYTES, read_json_upload

    def never() -> bytes:
        raise AssertionError("a 190 MB upload was read")

    got = read_json_upload("huge.json", 190 * 1024 * 1024, never)
    assert got.bundle is None and got.mapping is None
    assert got.error.startswith("huge.json: too large") and "199,229,440 bytes" in got.error
    assert read_json_upload("edge.json", MAX_BYTES + 1, never).error
    assert not is_settings_file(b" " * (MAX_BYTES + 1))  # and never parsed


def _mapping(i: int, headers: int = 3) -> dict:
    names = [f"Id{i}", *(f"Col{i}-{j}-" + "h" * 200 for j in range(headers - 1))]
    return mapping_from_json(mapping_to_json("opportunities", {"opportunity_id": names[0]}, names, name=f"m{i}"))


def test_the_file_the_app_writes_is_always_one_it_reads_back():
    """A session can hold more than a file may: two files of 30 mappings each (60), stages of
    several workspaces (1,200, some longer than a file's stage name), mappings whose headers
    make the file larger than 2 MB. What the app writes keeps the workspace's first stages, the
    newest mappings, and fits: its own reader takes it (it refused it: 'holds 60 mappings')."""
    stages = {f"Stage {i:04}": (True, i % 2 == 0) for i in range(1200)} | {"S" * 300: (True, True)}
    text = build(Settings(), stages, [_mapping(i) for i in range(60)])
    bundle = parse(text.encode("utf-8"), "ours.json")
    assert len(bundle.stage_outcomes) == 1000 and "Stage 0000" in bundle.stage_outcomes
    assert [m["name"] for m in bundle.mappings] == [f"m{i}" for i in range(10, 60)]  # the newest 50
    wide = build(Settings(), {}, [_mapping(i, headers=400) for i in range(50)])  # ~80 KB a mapping
    kept = parse(wide.encode("utf-8"), "wide.json").mappings
    assert len(wide.encode("utf-8")) <= 2 * 1024 * 1024 and kept and kept[-1]["name"] == "m49"
