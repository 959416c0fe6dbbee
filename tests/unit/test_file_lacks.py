"""What a staged file lacks, for which analysis (issue 20, item 9): derived from the canonical
schema's requirements and the columns recognised in the file, whatever the export's header style;
what the staged files would support before Load; and the export that would unlock the most."""

from __future__ import annotations

import pytest

from analytics import schema
from analytics.ingest.pipeline import analyse_file
from analytics.ingest.supports import (
    ANALYSIS_LINKS,
    analyses_staged,
    analyses_supported,
    columns_present,
    file_check,
    next_export,
)
from tests.factories import workspace_with

ROWS = [("006A1", "Deal 1", "Closed Won", "2024-03-01", "100", "2024-01-01", "Acme", "Ann Lee"),
        ("006A2", "Deal 2", "Prospecting", "2024-05-01", "", "2024-02-01", "", "Bo Chan")]

#: one export of deals per header style: (id, name, stage, close, amount, created, account, owner)
SHAPES = {
    "salesforce api": ("Id", "Name", "StageName", "CloseDate", "Amount", "CreatedDate", "AccountId", "OwnerId"),
    "salesforce labels": ("Opportunity ID", "Opportunity Name", "Stage", "Close Date", "Amount", "Created Date",
                          "Account Name", "Opportunity Owner"),
    "hubspot": ("Record ID", "Deal Name", "Deal Stage", "Close Date", "Amount", "Create Date", "Associated Company",
                "Deal owner"),
    "lowercase": ("opportunity_id", "name", "stage", "close_date", "amount", "created_date", "account", "owner"),
    "shouting, reordered": ("AMOUNT", "STAGE", "OPPORTUNITY ID", "CLOSE DATE", "CREATED DATE", "OWNER", "ACCOUNT",
                            "NAME"),
}
ORDER = ("id", "name", "stage", "close", "amount", "created", "account", "owner")


def _csv(headers: tuple[str, ...], drop: tuple[str, ...] = (), extra: bool = False) -> bytes:
    """The rows under ``headers`` (given in ``ORDER`` for the first four shapes, by name otherwise),
    without the fields in ``drop``, with an unrelated column when ``extra``."""
    by_role = dict(zip(ORDER, headers, strict=True)) if headers[0] != "AMOUNT" else {
        "amount": "AMOUNT", "stage": "STAGE", "id": "OPPORTUNITY ID", "close": "CLOSE DATE",
        "created": "CREATED DATE", "owner": "OWNER", "account": "ACCOUNT", "name": "NAME"}
    roles = [r for r in by_role if r not in drop]
    lines = [",".join([by_role[r] for r in roles] + (["Fiscal Quarter"] if extra else []))]
    for row in ROWS:
        values = dict(zip(ORDER, row, strict=True))
        lines.append(",".join([values[r] for r in roles] + (["Q1"] if extra else [])))
    return ("\n".join(lines) + "\n").encode()


def _columns(data: bytes, name: str = "deals.csv") -> tuple[str, set[str]]:
    rec = analyse_file(name, data, []).recognition
    assert rec is not None and rec.table == "opportunities", rec
    return rec.table, set(rec.mapping)


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("extra", [False, True])
def test_deals_without_an_owner_column_lack_it_for_every_manager_figure(shape, extra):
    table, cols = _columns(_csv(SHAPES[shape], drop=("owner",), extra=extra))
    assert "owner" not in cols
    check = file_check(table, cols)
    assert check.warn  # a key link missing: a warning, not a green tick
    owner = next(lack for lack in check.lacks if "owner" in lack.columns)
    assert owner.columns == ("owner",)
    assert owner.is_link
    # the analyses the requirements table says need a deal owner
    needing = {r.analysis for r in schema.REQUIREMENTS if "owner" in r.needs.get("opportunities", ())}
    assert set(owner.analyses) == needing
    assert {"attainment", "pipeline", "independence"} <= needing
    text = owner.sentence
    assert text.startswith("no owner column: deals cannot be attributed to reps or managers")
    assert "attainment" in text and "every manager figure" in text
    assert check.lacks[0] is owner  # the link leads


@pytest.mark.parametrize("shape", list(SHAPES))
def test_deals_with_an_owner_column_lack_no_link(shape):
    table, cols = _columns(_csv(SHAPES[shape]))
    check = file_check(table, cols)
    assert "owner" in cols and not check.warn
    assert all(not lack.is_link for lack in check.lacks)
    # no product column in any shape: the Pareto views lack it, said without alarm
    product = [lack for lack in check.lacks if "product" in lack.columns]
    assert product and product[0].analyses == ("distribution",) and product[0].columns == ("product",)
    assert product[0].sentence == "no product column: the Pareto views cannot use this file"


def test_a_file_that_feeds_no_analysis_warns_and_one_no_analysis_needs_does_not():
    # deals without amount: none of the analyses that read deals can use them
    check = file_check("opportunities", {"opportunity_id", "stage", "owner", "close_date", "created_date"})
    assert check.warn and not check.feeds
    assert not file_check("accounts", {"name"}).lacks
    assert not file_check("accounts", {"name"}).warn
    # a complete review export lacks nothing
    assert file_check("reviews", {"rep", "capability", "cycle", "score"}).lacks == ()


def test_a_roster_without_managers_lacks_the_link():
    check = file_check("people", {"name", "person_id", "team"})
    assert check.warn
    lack = check.lacks[0]
    assert lack.columns == ("manager",) and lack.is_link and "who manages whom" in lack.sentence


DEALS = frozenset({"opportunity_id", "owner", "amount", "stage", "created_date", "close_date"})


def test_staged_deals_alone_support_what_deals_alone_can():
    cov = {c.analysis: c for c in analyses_staged([("opportunities", DEALS)])}
    assert {a for a, c in cov.items() if c.supported} == {"overview", "pipeline"}
    assert not cov["coaching"].supported and "coaching sessions export" in cov["coaching"].missing
    # independence has its columns' tables except the roster, and its link needs the roster
    assert any("roster" in m for m in cov["independence"].missing)
    assert not cov["distribution"].supported
    assert cov["distribution"].missing == ["account, product in opportunities / deals"]


def test_staged_files_added_to_a_workspace_keep_what_it_has():
    ws = workspace_with(people=[{"person_id": "p1", "name": "Ann Lee"},
                                {"person_id": "p2", "name": "Bo Chan", "manager": "Ann Lee"}])
    try:
        alone = {c.analysis for c in analyses_staged([("opportunities", DEALS)]) if c.supported}
        added = {c.analysis for c in analyses_staged([("opportunities", DEALS)], ws) if c.supported}
        assert "independence" not in alone and "independence" in added
        assert columns_present([], ws)["people"] >= {"person_id", "name", "manager"}
        # the workspace's own readiness is untouched by what is staged
        assert {c.analysis for c in analyses_supported(ws) if c.supported} == set()
    finally:
        ws.close()


ROSTER = ("people", {"name", "manager"})


def test_next_export_is_the_one_that_unlocks_the_most():
    # deals alone: the roster, since every link to people rests on it (a review or survey export
    # alone would still lack it, and attainment needs quotas too)
    nxt = next_export(columns_present([("opportunities", DEALS)]))
    assert nxt is not None and nxt.table == "people" and nxt.unlocks == ("independence",)
    assert nxt.sentence == ("Add a people / roster export to measure execution independence (the Coach dial). "
                            "7 more analyses need it too.")
    assert set(nxt.nearer) == set(ANALYSIS_LINKS) - {"independence"}
    # with a roster: a survey export measures two analyses, more than any other export
    nxt = next_export(columns_present([("opportunities", DEALS), ROSTER]))
    assert nxt is not None and nxt.table == "surveys" and set(nxt.unlocks) == {"confidence_gap", "lead_dial"}
    # ties go to the requirements' order: capability reviews, and the dial they measure is named
    staged = [("opportunities", DEALS), ROSTER, ("surveys", {"respondent", "subject_manager", "item", "score"}),
              ("activities", {"owner", "activity_date"}), ("quotas", {"owner", "period_start", "period_end", "amount"}),
              ("stage_history", {"opportunity_id", "stage", "changed_at"})]
    nxt = next_export(columns_present(staged))
    assert nxt is not None and nxt.table == "reviews"
    assert nxt.sentence == "Add a capability reviews export to measure capability movement (the Coach dial)."
    # everything there: nothing to add
    everything = [(t, set(cols)) for r in schema.REQUIREMENTS for t, cols in r.needs.items()]
    everything += [("opportunities", set(DEALS) | {"account", "product"})]
    assert all(c.supported for c in analyses_staged(everything))
    assert next_export(columns_present(everything)) is None


def test_a_missing_column_of_a_present_export_is_asked_for_by_name():
    nxt = next_export(columns_present([("opportunities", set(DEALS) - {"owner"}), ROSTER]))
    # the columns every analysis it unlocks needs, not only the link
    assert nxt is not None and nxt.table == "opportunities" and nxt.columns == ("owner", "account", "product")
    assert nxt.sentence.startswith("Add owner, account and product columns to the opportunities / deals export "
                                   "to measure the overview, pipeline KPIs, execution independence and the Pareto")
    nxt = next_export(columns_present([("opportunities", set(DEALS) - {"owner"} | {"account", "product"}), ROSTER]))
    assert nxt.columns == ("owner",) and nxt.sentence.startswith("Add an owner column to the opportunities / deals")


def test_a_column_the_import_derives_is_not_lacking():
    # a quota file with period starts only: the import derives each end from the starts' spacing
    assert file_check("quotas", {"owner", "period_start", "amount"}).lacks == ()
    assert "attainment" not in {m for c in analyses_staged([("quotas", {"owner", "period_start", "amount"})])
                                for m in c.missing if "period end" in m}
    lack = file_check("quotas", {"owner", "amount"}).lacks[0]
    assert lack.columns == ("period_start", "period_end") and lack.sentence.startswith(
        "no period start or period end column: attainment cannot use this file")


REAL = __import__("pathlib").Path("/work/shared/data/real")


@pytest.mark.parametrize(("path", "warn", "link"), [
    ("salesforce-devorg-export/Opportunity.csv", True, "owner"),  # no OwnerId in this export
    ("salesforce-api-export/Opportunity.csv", False, None),
    ("maven-crm/sales_pipeline.csv", False, None),
    ("maven-crm/sales_teams.csv", False, None),
    ("quota-pl300-mslearn/ResellerSalesTargets.csv", False, None),
])
def test_real_exports(path, warn, link):
    a = analyse_file(REAL.joinpath(path).name, REAL.joinpath(path).read_bytes(), [])
    check = file_check(a.recognition.table, a.recognition.mapping)
    assert check.warn is warn
    assert [lack.columns for lack in check.lacks if lack.is_link] == ([(link,)] if link else [])


def test_every_analysis_reads_in_a_sentence():
    from analytics.ingest.supports import ANALYSIS_DIALS, ANALYSIS_SHORT
    from analytics.settings import DIALS
    assert set(ANALYSIS_SHORT) == set(schema.ANALYSES)
    assert set(ANALYSIS_DIALS) <= set(schema.ANALYSES)
    assert {d for dials in ANALYSIS_DIALS.values() for d in dials} <= set(DIALS.values())
