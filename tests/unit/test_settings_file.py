"""The settings file: thresholds, weights, stage mapping and column mappings round-trip, and a
bad file is refused with a message, never half-applied."""

from __future__ import annotations

import json

import pytest

from analytics.ingest.pipeline import analyse_file
from analytics.ingest.recognise import mapping_from_json, mapping_to_json
from analytics.settings import Settings
from analytics.settings_file import SettingsFileError, build, is_settings_file, parse


def test_round_trip_keeps_everything():
    settings = Settings().with_(hero_attainment=1.1, stale_days=45, use_complexity_flag=False,
                                signal_weights=(("coaching_quality", 2.0),))
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
     "not a valid pattern"),
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


# --------------------------------------------------------------------------- JSON uploads (issue 16, item 6)


def test_a_json_upload_is_sorted_by_one_parse():
    from analytics.settings_file import read_json_upload

    settings = build(Settings().with_(stale_days=33), {}, []).encode()
    mapping = mapping_to_json("opportunities", {"owner": "Rep"}, ["Rep"]).encode()
    assert read_json_upload("s.json", len(settings), lambda: settings).bundle.settings.stale_days == 33
    assert read_json_upload("m.json", len(mapping), lambda: mapping).mapping["columns"] == {"owner": "Rep"}
    for bad, says in ((b"not json", "not valid JSON"), (b"[" * 100_000 + b"]" * 100_000, "column mapping"),
                      (b'{"format": "bench-strength-settings", "version": 99}', "version 99")):
        got = read_json_upload("x.json", len(bad), lambda bad=bad: bad)
        assert got.error and got.error.startswith("x.json: ") and says in got.error, got.error


def test_a_json_larger_than_a_settings_file_is_refused_unread():
    from analytics.settings_file import MAX_BYTES, read_json_upload

    def never() -> bytes:
        raise AssertionError("a 190 MB upload was read")

    got = read_json_upload("huge.json", 190 * 1024 * 1024, never)
    assert got.bundle is None and got.mapping is None
    assert got.error.startswith("huge.json: too large") and "199,229,440 bytes" in got.error
    assert read_json_upload("edge.json", MAX_BYTES + 1, never).error
    assert not is_settings_file(b" " * (MAX_BYTES + 1))  # and never parsed
