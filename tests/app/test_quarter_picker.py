"""AppTest: one quarter in one action (issue 20, item 10). The sidebar's quarter picker sets the
period to that quarter's first and last day, the page header reads it ("2026 Q3"), a custom range
stays available, and the KPI charts' time axes carry years."""

from __future__ import annotations

import json
from datetime import date

from analytics.filters import quarter_of
from tests.app.test_pages import app, texts
from ui.state import FILTERS_KEY

ALL = "All dates"


def picker(at):
    return next(s for s in at.sidebar.selectbox if s.label == "Quarter")


def test_picking_a_quarter_sets_the_period_to_it_in_one_action():
    at = app().run()
    quarter = picker(at)
    assert quarter.value == ALL and quarter.options[0] == ALL  # all the data: no quarter picked yet
    chosen = quarter.options[2]  # the last full quarter (the latest first)
    quarter.select(chosen).run()
    assert not at.exception
    year, q = chosen.split(" Q")
    first, last = quarter_of(date(int(year), 3 * int(q), 1))
    filters = at.session_state[FILTERS_KEY]
    assert (filters.start, filters.end) == (first, last)
    assert filters.summary() == chosen
    assert chosen in texts(at)  # the header says which quarter every number is for
    period = next(d for d in at.sidebar.date_input if d.label == "Period")
    assert tuple(period.value) == (first, last)  # the custom range shows the quarter, to adjust from

    # a custom range is still one widget away; the picker then shows none picked ("Custom range")
    period.set_value((first, date.fromordinal(last.toordinal() - 10))).run()
    assert not at.exception
    assert picker(at).value is None and picker(at).placeholder.startswith("Custom range")
    assert at.session_state[FILTERS_KEY].end == date.fromordinal(last.toordinal() - 10)

    # back to the whole span in one action
    picker(at).select(ALL).run()
    assert not at.exception
    filters = at.session_state[FILTERS_KEY]
    assert (filters.start, filters.end) == (None, None) and filters.summary() == "All data"


def test_clear_filters_forgets_the_quarter():
    at = app().run()
    quarter = picker(at)
    quarter.select(quarter.options[3]).run()
    assert at.session_state[FILTERS_KEY].start is not None
    next(b for b in at.sidebar.button if b.label == "Clear filters").click().run()
    assert not at.exception
    assert at.session_state[FILTERS_KEY].start is None and picker(at).value == ALL


def _axes(spec: dict) -> list[dict]:
    out = []
    for layer in [spec, *spec.get("layer", [])]:
        x = layer.get("encoding", {}).get("x")
        if x:
            out.append(x)
    return out


def test_kpi_time_axes_carry_years():
    at = app().run()
    at.switch_page("views/kpis.py").run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert specs
    for spec in specs:
        for x in _axes(spec):
            if x.get("type") == "temporal":
                fmt = x.get("axis", {}).get("format", "") + x.get("axis", {}).get("labelExpr", "")
                assert "%Y" in fmt or "year" in fmt, x  # "Q3 2026", "Sep 2026", "7 Sep 2026": never a bare "Q3"


def test_kpi_tables_are_labelled_with_headers_in_words_and_a_dash_for_empty():
    at = app().run()
    at.switch_page("views/kpis.py").run()
    assert not at.exception and at.dataframe
    for table in at.dataframe:
        config = json.loads(table.proto.columns)
        shown = table.value.columns
        assert set(shown) <= set(config), "every column has a label"
        labels = [config[c]["label"] for c in shown]
        assert not [h for h in labels if "_" in h], labels  # never snake_case in front of a reader
        assert table.proto.placeholder == "—"
        for col in shown:
            fmt = config[col].get("type_config", {}).get("format", "")
            if config[col].get("type_config", {}).get("type") == "number" and (
                    "rate" in col or "attainment" in col or "share" in col):
                assert fmt == "%.0f%%", (col, fmt)  # whole percentages
