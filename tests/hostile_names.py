"""The demo organisation with every name replaced by markup: markdown, HTML, LaTeX, Streamlit's
colour directives, icons and emoji shortcodes, bare URLs and e-mail addresses, and names of
10,000 characters. Built by the tests from the committed demo exports (nothing is committed).

Every value from the data must be drawn as the text it is: no link, image or formatting may be
made from it, and a very long name is shortened with an ellipsis where it is drawn.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"

#: markup a name can carry, each drawn by Streamlit as something other than text if not escaped
MARKUP = (
    "![x](http://127.0.0.1:9/x.png)",
    "[click](http://evil.invalid)",
    "<img src=x onerror=alert(1)>",
    "**bold**",
    "$x^2$",
    ":red[alert]",
    ":material/home:",
    "# heading",
    "http://bare.invalid/page",
    "www.bare.invalid",
    "someone@mail.invalid",
    ":smile: :streamlit:",
    "- item",
    "1. first",
    "> quote",
    "~~struck~~",
    "`code`",
    "_em_",
    "<https://auto.invalid>",
    ":blue-background[bg] :orange-badge[badge]",
    "a -> b",
    "| a | b |",
    "&lt;b&gt;",
)
#: a manager's and a rep's name of 10,000 characters (their first words say whose)
LONG_MANAGER = "Longmanager " + "m" * (10_000 - len("Longmanager "))
LONG_REP = "Longrep " + "r" * (10_000 - len("Longrep "))
LONG_RUN = 200  # no page may show this many characters of a long name in a row

#: the hosts the markup points at: the browser must never ask any of them for anything
HOSTS = ("127.0.0.1:9", "evil.invalid", "bare.invalid", "mail.invalid", "auto.invalid")

LABEL = "**Workspace** [label](http://evil.invalid) <b>b</b> :red[x]"


def _names(kind: str, originals: list[str], long: str | None = None, start: int = 0) -> dict[str, str]:
    """Each original value -> a markup value (distinct: a number follows the markup); the last
    one -> ``long`` when given."""
    out = {}
    for i, old in enumerate(originals, start=start):
        out[old] = f"{MARKUP[i % len(MARKUP)]} {kind}{i}"
    if long is not None and originals:
        out[originals[-1]] = long
    return out


def hostile_exports(directory: Path) -> Path:
    """The demo's exports with every person, team, region, segment, product, stage, account,
    deal and capability renamed to markup; written to ``directory``, which is returned."""
    frames = {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in DEMO.glob("*.csv")}
    people = frames["people"]
    leads = set(people["manager"]) - {""}
    first_line = sorted(set(people.loc[people["role"] == "Account Executive", "manager"]) - {""})
    directors = sorted(leads - set(first_line))
    reps = sorted(set(people["name"]) - leads)
    person = {**_names("d", directors, start=len(first_line)), **_names("m", first_line, LONG_MANAGER),
              **_names("r", reps, LONG_REP)}
    opps = frames["opportunities"]
    closed = set(opps.loc[opps["is_closed"].str.upper() == "TRUE", "stage"])
    maps = {
        "person": person,
        "team": _names("t", sorted(set(people["team"]) - {""})),
        "region": _names("g", sorted(set(people["region"]) - {""})),
        "segment": _names("s", sorted((set(people["segment"]) | set(opps["segment"])) - {""})),
        "product": _names("p", sorted(set(frames["products"]["product"]))),
        "stage": _names("st", sorted(set(opps["stage"]) - closed)),  # closed stages keep their outcome words
        "account": _names("a", sorted(set(frames["accounts"]["name"]))),
        "deal": _names("o", sorted(set(opps["name"]))),
        "capability": _names("c", sorted(set(frames["reviews"]["capability"]))),
    }
    columns = {
        "people": {"name": "person", "manager": "person", "team": "team", "region": "region", "segment": "segment"},
        "opportunities": {"owner": "person", "account": "account", "name": "deal", "product": "product",
                          "stage": "stage", "segment": "segment"},
        "activities": {"owner": "person"},
        "coaching_sessions": {"manager": "person", "rep": "person", "focus_capability": "capability"},
        "development_actions": {"rep": "person", "manager": "person", "capability": "capability"},
        "quotas": {"owner": "person"},
        "reviews": {"rep": "person", "reviewer": "person", "capability": "capability"},
        "surveys": {"respondent": "person", "subject_manager": "person"},
        "accounts": {"name": "account"},
        "products": {"product": "product"},
        "stage_history": {"stage": "stage"},
    }
    directory.mkdir(parents=True, exist_ok=True)
    for stem, frame in frames.items():
        for column, kind in columns.get(stem, {}).items():
            frame[column] = frame[column].map(lambda v, m=maps[kind]: m.get(v, v))
        frame.to_csv(directory / f"{stem}.csv", index=False)
    return directory


def hostile_workspace(directory: Path):
    """A workspace of :func:`hostile_exports`, imported through the upload path, labelled with markup."""
    from analytics.ingest.pipeline import import_directory
    from analytics.store.workspace import Workspace

    ws = Workspace()
    reports = import_directory(ws, hostile_exports(directory))
    assert not [r.error for r in reports if r.error], "the hostile demo must load"
    ws.label = LABEL
    return ws
