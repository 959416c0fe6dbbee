"""AppTest (issue 16, items 1 and 8): a settings file out of range is refused on the Data page with
a message naming the key and its range, and the pages it used to break keep working; the What-if
page offers each setting's declared range and edits the survey rules under the same checks."""

from __future__ import annotations

import json

import pytest

from analytics.settings import SURVEY_ITEM_RULES, Settings, bound, number_settings
from tests.app.test_pages import app, texts
from ui.settings_form import _rules_key

BROKE = "Something went wrong"


def settings_file(**settings) -> bytes:
    """A settings file of version 1, which this app and the one before it both read."""
    return json.dumps({"format": "bench-strength-settings", "version": 1, "settings": settings}).encode()


def errors(at) -> list[str]:
    """The page's error messages as the reader sees them (without md_escape's backslashes)."""
    return [e.value.replace("\\", "") for e in at.error]


def current(at) -> Settings:
    return at.session_state["settings"] if "settings" in at.session_state else Settings()


def drop(at, name: str, data: bytes):
    at.switch_page("views/data.py").run()
    at.file_uploader[0].set_value([(name, data, "application/json")]).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("key, value, allowed, pages", [
    # each broke these pages for the session before: "Something went wrong while drawing this page"
    ("complexity_percentile", 2, "a number from 0.5 to 0.99",
     ["views/managers.py", "views/independence.py", "views/clusters.py", "views/present.py"]),
    ("stars_top", 3, "a number from 0 to 0.5", ["views/distribution.py"]),
    ("stale_days", 1e300, "a whole number from 1 to 365", ["views/kpis.py", "views/managers.py"]),
])
def test_an_out_of_range_settings_file_is_refused_naming_the_key_and_the_pages_still_work(key, value, allowed, pages):
    at = drop(app().run(), f"client-{key}.json", settings_file(**{key: value}))
    shown = errors(at)
    assert len(shown) == 1, shown
    assert shown[0].startswith(f"client-{key}.json: setting '{key}' must be {allowed}; it is "), shown
    assert current(at) == Settings()  # nothing of the file applied
    for page in pages:
        at.switch_page(page).run()
        assert not at.exception, page
        assert not [e for e in errors(at) if BROKE in e], page


def test_a_column_mapping_whose_name_is_a_list_is_refused_and_the_data_page_draws():
    mapping = {"format": "bench-strength-mapping", "version": 1, "table": "opportunities", "name": ["a", "list"],
               "columns": {"owner": "Rep"}}
    data = json.dumps({"format": "bench-strength-settings", "version": 1, "column_mappings": [mapping]}).encode()
    at = drop(app().run(), "client.json", data)
    shown = errors(at)
    assert any("client.json, column mapping 1: the mapping's 'name'" in e for e in shown), shown
    assert not [e for e in shown if BROKE in e], shown
    assert "0 column mappings held in this session" in texts(at)


def test_the_whatif_inputs_offer_each_settings_declared_range():
    at = app().run()
    at.switch_page("views/whatif.py").run()
    assert not at.exception
    inputs = {n.label: n for n in at.number_input}
    for name in number_settings():
        b = bound(name)
        widget = inputs[b.label[:1].upper() + b.label[1:]]
        assert (widget.min, widget.max, widget.step) == (b.lo, b.hi, b.step), name
        assert widget.value == getattr(Settings(), name)


def test_the_independence_slider_offers_the_declared_range_and_follows_the_whatif_page():
    """The slider stopped at 0.95 while the What-if page and a settings file went to 0.99; both
    now take the declared range, and a value set on one page is the value on the other."""
    b = bound("complexity_percentile")
    at = app().run()
    at.switch_page("views/independence.py").run()
    slider = at.slider(key="complexity-percentile")
    assert (slider.min, slider.max, slider.step) == (b.lo, b.hi, b.step)
    at.switch_page("views/whatif.py").run()
    next(n for n in at.number_input if n.label.lower() == b.label).set_value(0.99).run()
    assert at.session_state["settings"].complexity_percentile == 0.99
    at.switch_page("views/independence.py").run()
    assert not at.exception and not errors(at)
    assert at.slider(key="complexity-percentile").value == 0.99


def _edit_rules(at, edits: dict) -> None:
    key = _rules_key(current(at).survey_item_rules)
    at.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **edits}


def test_survey_rules_are_edited_on_the_whatif_page_under_the_settings_files_checks():
    at = app().run()
    at.switch_page("views/whatif.py").run()
    assert "5 survey items in this workspace, each matched by a rule." in texts(at)
    # a pattern is refused, naming the key and the rule; nothing changes
    _edit_rules(at, {"edited_rows": {1: {"keywords": "(.+)+!"}}})
    at.run()
    at.button(key="apply-survey-rules").click().run()
    assert not at.exception
    shown = errors(at)
    assert any("setting 'survey_item_rules', rule 2: '(.+)+!' is written as a regular expression" in e
               for e in shown), shown
    assert current(at).survey_item_rules == SURVEY_ITEM_RULES
    # keywords are applied, and a rule taken out leaves its items unmeasured, said so
    at = app().run()
    at.switch_page("views/whatif.py").run()
    _edit_rules(at, {"edited_rows": {2: {"keywords": "direction, manager coaches"}}, "deleted_rows": [3]})
    at.run()
    at.button(key="apply-survey-rules").click().run()
    assert not at.exception and not at.error
    rules = at.session_state["settings"].survey_item_rules
    assert rules[2] == (("direction", "manager coaches"), "direction")
    assert [kind for _, kind in rules] == ["coaching_self", "coaching_rep", "direction", "buy_in"]
    table = next(d.value for d in at.dataframe if "answers" in d.value.columns)
    kinds = dict(zip(table["item"], table["measures"], strict=True))
    assert kinds["My manager coaches me consistently"] == "coaching_rep"  # rule 2 ("coach") comes first
    assert kinds["I am motivated to perform for my manager"] == "— no rule —"
    assert "5 survey items in this workspace; 1 match no rule and count towards nothing." in texts(at)
    # a rule added at the end, with nothing to say what it measures, is refused
    _edit_rules(at, {"added_rows": [{"keywords": "canteen"}]})
    at.run()
    at.button(key="apply-survey-rules").click().run()
    assert any("rule 5: choose what the item measures" in e for e in errors(at)), errors(at)


def test_settings_files_add_up_to_no_more_mappings_than_a_file_holds():
    """Two settings files of 30 mappings each: the session keeps the newest 50 (it held 60, and
    the settings file it then wrote was refused by the app itself)."""
    from analytics.ingest.recognise import mapping_from_json, mapping_to_json
    from analytics.ingest.settings_file import build, parse
    from analytics.settings import Settings

    def mapping(i: int) -> dict:
        return mapping_from_json(mapping_to_json("opportunities", {"opportunity_id": f"Id{i}"}, [f"Id{i}"],
                                                 name=f"m{i}"))

    files = [(f"settings-{k}.json", build(Settings(), {}, [mapping(k * 30 + i) for i in range(30)]).encode(),
              "application/json") for k in range(2)]
    at = app().run()
    at.switch_page("views/data.py").run()
    at.file_uploader[0].set_value(files).run()
    assert not at.exception and not at.error
    held = at.session_state["session_mappings"]
    assert len(held) == 50 and held[-1]["name"] == "m59"
    assert len(parse(build(Settings(), {}, held)).mappings) == 50
