"""AppTest: on every page, and every screen of Presenter mode, of a workspace whose names are
markup (tests/hostile_names.py), every text Streamlit reads as markdown (markdown, titles,
captions, alerts, metric, tab, expander, radio and page-link labels, tooltips) carries the data
escaped (analytics.fmt.md_escape) and no 10,000-character name; select boxes and multiselects,
which draw their options as plain text, show names shortened. What the browser makes of it is
checked in tests/e2e/test_escaping.py."""

from __future__ import annotations

import json
import re

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from tests.app.test_pages import PAGES, ROOT, TIMEOUT
from tests.hostile_names import LONG_MANAGER, LONG_REP, LONG_RUN, MARKUP, hostile_workspace

#: fields Streamlit draws as markdown, and the elements whose options are plain text
MARKDOWN_FIELDS = {"body", "label", "help", "options", "captions"}
PLAIN_OPTIONS = {"Selectbox", "MultiSelect"}
NAME_CHARS = 60  # the longest a name may be where it is drawn (analytics.fmt.NAME_CHARS)
#: characters md_escape always escapes with a backslash
SPECIAL = set("\\`*_[]<>!~$|#&{}")


def raw_markup(text: str) -> list[str]:
    """The markup of :data:`MARKUP` that ``text`` carries unescaped: a character it always escapes
    without its backslash; a URL, address or shortcode without the joiner that breaks it (the
    escaped one no longer holds the markup as written); a list marker where the text opens."""
    found = []
    for m in MARKUP:
        for at in (i.start() for i in re.finditer(re.escape(m), text)):
            specials = [j for j, ch in enumerate(m, at) if ch in SPECIAL]
            if specials:
                raw = any(j == 0 or text[j - 1] != "\\" for j in specials)
            elif m[0] in "-1":
                raw = re.fullmatch(r"(\d+\. |- )?", text[:at]) is not None
            else:
                raw = True
            if raw:
                found.append(m)
    return found


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> bytes:
    ws = hostile_workspace(tmp_path_factory.mktemp("hostile"))
    try:
        return ws.save()
    finally:
        ws.close()


def strings(message: Message, kind: str = ""):
    """(element kind, field, text) of every string field in an element's protobuf, nested ones too."""
    kind = kind or type(message).__name__
    for field, value in message.ListFields():
        values = value if isinstance(value, (list, tuple)) or hasattr(value, "extend") else [value]
        for v in values:
            if isinstance(v, Message):
                yield from strings(v, kind)
            elif isinstance(v, str):
                yield kind, field.name, v


def drawn(at: AppTest):
    """Every string of every element of the page (sidebar included)."""
    def walk(node):
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            yield from strings(proto)
        for child in getattr(node, "children", {}).values():
            yield from walk(child)
    yield from walk(at._tree)


def problems(at: AppTest, where: str) -> list[str]:
    found = [f"{where}: exception {e.value}" for e in at.exception]
    for kind, field, text in drawn(at):
        if field not in MARKDOWN_FIELDS:
            continue
        if kind in PLAIN_OPTIONS and field == "options":
            if len(text) > NAME_CHARS:
                found.append(f"{where}: a {kind} option of {len(text):,} characters")
            continue
        raw = raw_markup(text)
        if raw:
            found.append(f"{where}: {kind}.{field} draws markup from the data as markdown: {raw[:3]} in {text[:120]!r}")
        if LONG_MANAGER[-LONG_RUN:] in text or LONG_REP[-LONG_RUN:] in text:
            found.append(f"{where}: {kind}.{field} draws a 10,000-character name whole")
    return found


def open_app(saved: bytes) -> AppTest:
    from analytics.store.workspace import Workspace

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["workspace"] = Workspace.open(saved, "hostile.zip")
    return at.run()


def test_every_page_draws_the_data_escaped(saved):
    at = open_app(saved)
    found = problems(at, "Overview")
    for page in PAGES:
        at.switch_page(page).run()
        found += problems(at, page)
    assert not found, "\n".join(found[:40])


def test_every_presenter_screen_draws_the_data_escaped(saved):
    at = open_app(saved)
    at.switch_page("views/present.py").run()
    found = problems(at, "screen 1")
    screens = int(next(m.value for m in at.markdown if m.value.startswith("Screen ")).split(" of ")[1])
    assert screens >= 8
    titles = [at.title[0].value]
    for step in range(1, screens):
        at.session_state["present-step"] = step
        at.run()
        found += problems(at, f"screen {step + 1}")
        # a slide's headline and, on the line under it, the names it is about (views/present.py: headline)
        titles.append(" ".join([at.title[0].value, *(h.value for h in at.subheader)]))
        for kind, field, text in drawn(at):  # projector type, but a name's label still ends in "…"
            if kind == "VegaLiteChart" and field == "spec":
                config = json.loads(text).get("config", {})
                limits = [config.get(part, {}).get("labelLimit") for part in ("axis", "legend", "header")]
                if not all(limits):
                    found.append(f"screen {step + 1}: a chart's labels have no length limit: {limits}")
    assert not found, "\n".join(found[:40])
    # the names are in the titles, escaped, and the long one shortened
    assert any("Longmanager" in t and "…" in t for t in titles), titles
    assert any("\\*\\*bold\\*\\* m3" in t or "\\[click\\]" in t for t in titles), titles


def test_a_name_written_beside_a_mark_ends_in_an_ellipsis(saved):
    """The Managers chart writes each manager's name beside their point: a 10,000-character one
    would push the plot off the chart. Drawn as SVG, no label is longer than the limit allows."""
    import vl_convert as vlc

    from analytics.diagnosis.dials import diagnosis
    from analytics.outputs import charts
    from analytics.store.workspace import Workspace

    ws = Workspace.open(saved, "hostile.zip")
    try:
        svg = vlc.vegalite_to_svg(charts.same_quota_chart(diagnosis(ws)).to_dict())
    finally:
        ws.close()
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert any(t.startswith("Longmanager") and t.endswith("…") for t in labels), labels
    assert max(len(t) for t in labels) < 80
