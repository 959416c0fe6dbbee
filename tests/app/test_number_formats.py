"""AppTest: numbers read right on the pages of issue 20, item 4 (one formatting vocabulary).

Walks the evidence pages on the demo and reads what a user sees: no "(s)" plurals, no "None",
no times on dates, no "-0.000", no float with three or more decimals ("0.613", "73.3333"), no
percentage with decimals ("93.22%"), and in every table shown human headers (never snake_case),
no empty cell drawn as "None", no date drawn with its time and no number drawn with 3+ decimals.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from tests.app.test_pages import app

PAGES = ["views/capability.py", "views/follow_through.py", "views/independence.py", "views/gaps.py",
         "views/movers.py", "views/coaching.py", "views/distribution.py", "views/clusters.py",
         "views/manager.py"]

BAD_TEXT = {
    "a '(s)' plural": re.compile(r"\w\(s\)"),
    "'None'": re.compile(r"\bNone\b"),
    "a time on a date": re.compile(r" 00:00:00"),
    "a slope of -0.000": re.compile(r"[-+−]0\.000"),
    "a float with 3+ decimals": re.compile(r"(?<![\d.])\d+\.\d{3,}(?![\d.])"),
    "a percentage with decimals": re.compile(r"\d\.\d+%"),
}
SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
LONG_FORMAT = re.compile(r"\.([3-9])f")


def shown_texts(at) -> list[str]:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.success, *at.warning, *at.error, *at.info,
                               *at.subheader)]
    parts += [e.label for e in at.expander]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    return [re.sub(r"\\(.)", r"\1", str(p)) for p in parts]


def table_defects(frame: pd.DataFrame, config: dict) -> list[str]:
    out = []
    for col in frame.columns:
        conf = config.get(str(col), {})
        header = conf.get("label") or str(col)
        fmt = (conf.get("type_config") or {}).get("format") or ""
        values = frame[col]
        if SNAKE.match(header):
            out.append(f"snake_case header {header!r}")
        if values.isna().any():
            out.append(f"{header!r}: an empty cell drawn as 'None'")
        if pd.api.types.is_datetime64_any_dtype(values):
            out.append(f"{header!r}: dates drawn with their time")
        if LONG_FORMAT.search(fmt):
            out.append(f"{header!r}: drawn with format {fmt}")
        if pd.api.types.is_float_dtype(values) and not fmt:
            decimals = values.dropna().map(lambda v: len(f"{v:.10g}".partition(".")[2]))
            if len(decimals) and decimals.max() >= 3:
                out.append(f"{header!r}: raw floats such as {values.dropna().iloc[0]!r}")
        if values.dtype == object:
            text = values.dropna().astype(str)
            for what, pattern in BAD_TEXT.items():
                if text.str.contains(pattern).any():
                    out.append(f"{header!r}: {what} ({text[text.str.contains(pattern)].iloc[0]!r})")
    return out


@pytest.mark.parametrize("page", PAGES)
def test_every_number_on_the_page_reads_right(page):
    at = app().run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    defects = [f"{what}: {text[:160]!r}" for text in shown_texts(at) for what, p in BAD_TEXT.items()
               if p.search(text)]
    for i, df in enumerate(at.dataframe):
        config = json.loads(df.proto.columns or "{}")
        defects += [f"table {i}: {d}" for d in table_defects(df.value, config)]
    assert not defects, "\n".join(defects)


def test_the_hero_manager_page_reads_right():
    at = app()
    at.query_params["manager"] = "Deepa Varga"
    at.run()
    at.switch_page("views/manager.py").run()
    assert not at.exception
    defects = [f"{what}: {text[:160]!r}" for text in shown_texts(at) for what, p in BAD_TEXT.items()
               if p.search(text)]
    assert not defects, "\n".join(defects)


def test_the_trend_under_a_rising_dependency_curve_does_not_read_flat():
    """Connor Walsh's dependency curve rises from 81% to 92% over eight quarters; its verdict is flat
    (the interval holds 0). Before: "Trend: flat (130 complex closed deals)". After: the words say it
    grows, not yet distinguishably from noise, with the slope in points per quarter and its basis."""
    at = app()
    at.query_params["manager"] = "Connor Walsh"
    at.run()
    at.switch_page("views/manager.py").run()
    assert not at.exception
    trend = next(c.value for c in at.caption if c.value.startswith("Trend:"))
    assert trend.startswith("Trend: growing, not yet distinguishable from noise (+1.0 points per quarter")
    assert "n = 130 complex closed deals over 8 quarters" in trend
    capability = next(c.value for c in at.caption if c.value.startswith("Capability "))
    assert "points per cycle" in capability and "rep-capability series" in capability
