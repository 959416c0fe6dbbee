"""AppTest: the Overview (the landing page) leads with the diagnosis (issue 20, item 1).

Before anything about revenue, it says who develops their team and who carries the number,
each name with a one-sentence reason and the evidence it rests on, linking to that manager's
Manager detail; with Anonymise on, the names and links are pseudonyms; on a workspace that
cannot be judged it names nobody and says what to upload.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

import pytest

from analytics.ingest.pipeline import import_directory
from analytics.store.workspace import Workspace
from tests.app.test_pages import ROOT, app, texts

DEMO = ROOT / "data" / "demo"
TRUTH = json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))
HEROES = {"Connor Walsh", "Deepa Varga", "Jonas Weber"}
DEVELOPERS = {m for m, kind in TRUTH["managers"].items() if kind == "developer"}
DIAGNOSIS_HEADING = "Who develops their team, and who carries the number"


def manager_links(block) -> list[tuple[str, str]]:
    """(label, manager in the link's query) of every link to Manager detail inside ``block``."""
    out = []
    for link in block.get("page_link"):
        if link.proto.page == "manager":
            query = parse_qs(link.proto.query_string)
            out.append((re.sub(r"\\(.)", r"\1", link.proto.label), query.get("manager", [""])[0]))
    return out


def column_with(at, heading: str):
    """The column of the diagnosis whose first line is ``heading``."""
    for col in at.columns:
        if col.markdown and col.markdown[0].value.startswith(f"**{heading}"):
            return col
    raise AssertionError(f"no column headed {heading!r}")


def column_text(col) -> str:
    return re.sub(r"\\(.)", r"\1", "\n".join(e.value for e in (*col.markdown, *col.caption)))


def test_the_overview_opens_on_the_diagnosis_naming_the_heroes_and_the_developers():
    at = app().run()
    assert not at.exception and not at.error
    # the first section of the landing page is the diagnosis, before the revenue context
    assert at.subheader[0].value == DIAGNOSIS_HEADING
    carrying = column_with(at, "Carrying the number")
    links = manager_links(carrying)
    assert {label for label, _ in links} == HEROES
    assert all(label == manager for label, manager in links)  # each name opens its own Manager detail
    # each reason says why, with the evidence it rests on (whole percentages, the n's)
    assert len(carrying.caption) == len(HEROES)
    for reason in (c.value for c in carrying.caption):
        assert re.search(r"\b\d{2,3}% of plan\b", reason), reason
        assert re.search(r"involved in \d+% of the team's \d+ won complex deals", reason), reason
        assert re.search(r"over \d+ review cycles", reason), reason
        assert "0.00" not in reason and "-0" not in reason  # no raw slopes
    developing = column_with(at, "Developing their teams")
    named = {label for label, _ in manager_links(developing)}
    assert named and named <= DEVELOPERS and not named & HEROES
    for reason in (c.value for c in developing.caption):
        assert re.search(r"[+]\d+\.\d points per cycle", reason), reason
    # the revenue context is still there, below
    assert {m.label for m in at.metric} >= {"Managers", "Reps", "Closed-won vs quota"}
    subheads = [s.value for s in at.subheader]
    assert subheads.index(DIAGNOSIS_HEADING) < subheads.index("Closed-won revenue by quarter")


def test_with_anonymise_on_the_diagnosis_names_and_links_pseudonyms_that_manager_detail_opens():
    at = app().run()
    at.sidebar.toggle(key="anon-on").set_value(True).run()
    assert not at.exception and not at.error
    assert at.subheader[0].value == DIAGNOSIS_HEADING
    links = manager_links(column_with(at, "Carrying the number"))
    assert len(links) == len(HEROES)
    shown = texts(at) + "\n".join(f"{label} {m}" for label, m in manager_links(at))
    for real in set(TRUTH["managers"]):
        assert real not in shown
        assert real.split()[-1] not in shown
    # the link carries the name Manager detail knows (the pseudonym), so it opens that manager
    label, pseudonym = links[0]
    assert label == pseudonym
    at.query_params["manager"] = pseudonym
    at.switch_page("views/manager.py").run()
    assert not at.exception
    assert at.selectbox[0].value == pseudonym


def test_the_diagnosis_obeys_the_filters():
    at = app().run()
    region = next(m for m in at.sidebar.multiselect if m.label == "Region")
    region.set_value(["EMEA"]).run()
    assert not at.exception and not at.error
    emea = {m for m, team in TRUTH["teams"].items() if team["region"] == "EMEA"}
    carrying = {label for label, _ in manager_links(column_with(at, "Carrying the number"))}
    developing = {label for label, _ in manager_links(column_with(at, "Developing their teams"))}
    assert carrying == HEROES & emea == {"Connor Walsh"}
    assert developing and developing <= DEVELOPERS & emea
    assert re.search(r"\b3 managers show neither pattern", texts(at))  # 5 in EMEA: 1 carrying, 1 developing


@pytest.fixture(scope="module")
def deals_only(tmp_path_factory) -> Workspace:
    folder = tmp_path_factory.mktemp("deals-only")
    (folder / "opportunities.csv").write_bytes((DEMO / "opportunities.csv").read_bytes())
    ws = Workspace()
    import_directory(ws, folder)
    return ws


@pytest.fixture(scope="module")
def no_reviews(tmp_path_factory) -> Workspace:
    folder = tmp_path_factory.mktemp("no-reviews")
    for name in ("people.csv", "opportunities.csv", "quotas.csv"):
        (folder / name).write_bytes((DEMO / name).read_bytes())
    ws = Workspace()
    import_directory(ws, folder)
    return ws


def test_on_deals_only_the_diagnosis_names_nobody_and_says_what_to_upload(deals_only: Workspace):
    at = app(deals_only).run()
    assert not at.exception and not at.error
    assert at.subheader[0].value == DIAGNOSIS_HEADING
    assert manager_links(at) == []
    said = texts(at)
    assert "people export" in said  # the roster is what is missing first
    assert "review export" in said
    assert any(link.proto.page == "data" for link in at.get("page_link"))
    assert {m.label for m in at.metric} >= {"Reps", "Closed-won vs quota"}  # the revenue context still shows


def test_without_reviews_every_manager_is_withheld_with_the_reason(no_reviews: Workspace):
    at = app(no_reviews).run()
    assert not at.exception and not at.error
    assert at.subheader[0].value == DIAGNOSIS_HEADING
    assert manager_links(at) == []
    said = texts(at)
    assert re.search(r"\b15 managers: not enough evidence", said), said
    assert "capability movement not measured" in said
    assert "review export" in said


REAL = ROOT.parent / "shared" / "data" / "real"


@pytest.mark.parametrize(("sample", "said", "not_said"), [
    # six managers in the roster, no quotas, reviews or involvement: all six withheld, none named
    ("maven-crm", ["None of the 6 managers in scope can be judged yet", "6 managers: not enough evidence",
                   "review export", "quota export"], []),
    # quotas but no roster: the roster and reviews are asked for, the quota export already loaded is not
    ("quota-pl300-mslearn", ["No manager can be judged yet", "people export", "review export"], ["quota export"]),
])
def test_a_real_export_that_cannot_be_judged_names_nobody(sample, said, not_said):
    ws = Workspace()
    import_directory(ws, REAL / sample)
    at = app(ws).run()
    assert not at.exception and not at.error
    assert at.subheader[0].value == DIAGNOSIS_HEADING
    assert manager_links(at) == []
    answer = "\n".join(e.value for e in (*at.info, *at.caption))
    for text in said:
        assert text in answer, (text, answer)
    diagnosis = next(e.value for e in at.info if "judged yet" in e.value)
    for text in not_said:
        assert text not in diagnosis, (text, diagnosis)


def test_a_long_list_shows_five_names_and_sends_the_rest_to_the_managers_page():
    from analytics.settings import Settings

    at = app()
    at.session_state["settings"] = Settings(flat_slope=0.0)  # every clearly rising team counts as developing
    at.run()
    assert not at.exception and not at.error
    developing = column_with(at, "Developing their teams")
    heading = developing.markdown[0].value
    n = int(re.search(r"\((\d+)\)", heading).group(1))
    assert n > 5
    assert len(manager_links(developing)) == 5
    more = [link.proto.label for link in developing.get("page_link") if link.proto.page == "managers"]
    assert more == [f"{n - 5} more manager{'s' if n - 5 > 1 else ''} on the Managers page"]


def test_a_broken_link_is_named_as_what_the_withheld_managers_need():
    from tests.unit.test_link_figures import deals, org

    ws = org(opportunities=deals(owner=lambda pid, name: ", ".join(reversed(name.split())).upper()))
    at = app(ws).run()
    assert not at.exception and not at.error
    assert at.subheader[0].value == DIAGNOSIS_HEADING
    assert manager_links(at) == []
    said = texts(at)
    assert "manager involvement: no deal owner is in the roster" in said, said
    assert "closed deals with amounts and a manager-involved flag or activities" not in said
