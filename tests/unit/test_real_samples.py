"""The engine on the real shared samples where they break an assumption of the synthetic data:
deals without any owner (the Salesforce dev org's Opportunity file has no owner column) and
owners the roster does not know beside a roster that does (every sample loaded together)."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.ingest.pipeline import import_directory
from analytics.people import filter_options
from analytics.results import kpis
from analytics.results.needle import needle_chain
from analytics.settings import Settings
from analytics.store.workspace import Workspace

LOADABLE = ("maven-crm", "salesforce-api-export", "salesforce-devorg-export")


@pytest.fixture(scope="module")
def devorg(real_data):
    ws = Workspace()
    import_directory(ws, real_data / "salesforce-devorg-export")
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def together(real_data):
    """Every sample the importer recognises, in one workspace (as one upload of all of them)."""
    ws = Workspace()
    for folder in LOADABLE:
        import_directory(ws, real_data / folder)
    yield ws
    ws.close()


def _raw_devorg(real_data) -> pd.DataFrame:
    raw = pd.read_csv(real_data / "salesforce-devorg-export" / "Opportunity.csv", dtype=str, keep_default_na=False)
    assert not {"OwnerId", "Owner", "Opportunity Owner"} & set(raw.columns)  # the quirk this file is here for
    return raw


def test_deals_without_an_owner_have_no_rep_or_team_rows_but_count_for_the_organisation(devorg, real_data):
    raw = _raw_devorg(real_data)
    closed = raw[raw["IsClosed"] == "TRUE"]
    won = closed[closed["IsWon"] == "TRUE"]
    assert devorg.scalar("SELECT count(*) FROM v_opportunities WHERE owner_name IS NOT NULL") == 0
    for level in ("rep", "team"):  # was: ValueError merging an object 'rep' on a float64 one
        assert kpis.outcome_totals(devorg, Filters(), level).empty
        assert kpis.kpi_summary(devorg, Filters(), Settings(), level).empty
    org = kpis.outcome_totals(devorg, Filters(), "org").iloc[0]
    assert org["won"] == len(won) and org["lost"] == len(closed) - len(won)
    assert org["revenue"] == pd.to_numeric(won["Amount"]).sum()
    assert kpis.below_standard(devorg, Filters(), Settings()).empty


def test_the_needle_on_deals_without_an_owner_is_not_measured_and_says_why(devorg):
    links = needle_chain(devorg, Filters(), Settings()).links
    assert len(links) == 3 and not links["measured"].any()
    assert links["rho"].isna().all()  # not measured, never a zero correlation
    assert all(r.startswith("No rep has both") for r in links["reason"])


def test_filter_choices_with_owners_outside_the_roster_are_names_only(together):
    opts = filter_options(together)
    # the API export's owner is an ID no roster row knows: a rep with no region, team or manager
    assert any(place == (None, None, None) for place in opts.places)
    assert all(v is None or isinstance(v, str) for place in opts.places for v in place)
    # was: TypeError sorting a float NaN among the managers' names (every page's sidebar)
    assert opts.managers_in((), ()) == opts.managers
    assert opts.teams_in(()) == opts.teams == []
    assert opts.managers_in((opts.regions[0],), ()) == sorted(
        together.query("SELECT DISTINCT manager_name FROM v_roster WHERE region = ? AND manager_name IS NOT NULL",
                       [opts.regions[0]])["manager_name"])


def test_why_a_level_has_no_rows_is_said_in_words(devorg, together, real_data):
    for level in ("rep", "team"):
        assert kpis.level_not_measured(devorg, Filters(), level).startswith("no deal names its owner")
    assert kpis.level_not_measured(devorg, Filters(), "org") is None  # the organisation counts every deal
    assert kpis.level_not_measured(together, Filters(), "team") is None
    nobody = Filters(regions=("Atlantis",))
    assert "leaves no one in scope" in kpis.level_not_measured(together, nobody, "rep")
    api = Workspace()
    try:
        import_directory(api, real_data / "salesforce-api-export")
        assert kpis.level_not_measured(api, Filters(), "rep") is None  # its one owner is a rep
        assert kpis.level_not_measured(api, Filters(), "team").startswith("no rep in scope has a manager")
    finally:
        api.close()
