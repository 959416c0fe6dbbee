"""What moves the needle: a link whose two sides share a definition is not a finding (issue 20, item 6).

Without stage history, "stage conversion" is won ÷ created, so its correlation with win rate
(won ÷ closed) is largely built in: both count the won deals. Each measure carries what it was
computed from in this workspace (as data, :data:`analytics.results.needle.DEFINITIONS`); a pair that
shares a part is listed apart as "linked by definition", with the shared part named, and is never
ranked, charted or called the strongest link. With stage history the stage conversion counts
opportunities that advanced a stage, and the pair is an ordinary link again.

The exports are generated here as CSV files in two header shapes (case, punctuation, column order,
extra columns, empty cells) and loaded through the upload path; the real Maven CRM sample (deals,
no stage history: the ρ = 0.61 the issue found) and the demo (with stage history) are used as they are.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.ingest.pipeline import import_directory
from analytics.outputs.findings import needle_chart, needle_insight
from analytics.results import needle
from analytics.settings import Settings
from analytics.store.workspace import Workspace

N_REPS = 12
STAGES = ("Prospecting", "Qualification", "Proposal")

#: two header shapes for the same columns: (opportunities, people, stage history)
SHAPES = {
    "salesforce": ({"opportunity_id": "Opportunity ID", "owner": "Opportunity Owner", "stage": "Stage",
                    "amount": "Amount", "created_date": "Created Date", "close_date": "Close Date",
                    "is_won": "Won", "is_closed": "Closed", "extra": "Lead Source"},
                   {"name": "Full Name", "manager": "Manager", "region": "Region"},
                   {"opportunity_id": "Opportunity ID", "stage": "To Stage", "changed_at": "Last Modified"}),
    "lower_snake": ({"opportunity_id": "opportunity_id", "owner": "OWNER", "stage": "stage ",
                     "amount": "amount", "created_date": "created date", "close_date": "close-date",
                     "is_won": "IS WON", "is_closed": "is_closed", "extra": "notes"},
                    {"name": "name", "manager": "MANAGER", "region": "region"},
                    {"history_id": "history_id", "opportunity_id": "opportunity_id", "stage": "stage",
                     "changed_at": "changed_at"}),
}


def generated(seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """People, deals and stage history of twelve reps under two managers.

    Each rep creates 6–16 deals in the first half of 2025; most close (won or lost), a few stay
    open. Whether a deal advanced past its first stage is drawn apart from whether it was won, so a
    stage conversion from stages is a measure of its own."""
    rng = np.random.default_rng(seed)
    people = [{"name": "Mara Lind", "manager": "", "region": "North"},
              {"name": "Olu Bakr", "manager": "", "region": "South"}]
    deals, history = [], []
    for i in range(1, N_REPS + 1):
        rep = f"Rep {i:02d}"
        people.append({"name": rep, "manager": "Mara Lind" if i <= 6 else "Olu Bakr",
                       "region": "North" if i <= 6 else "South"})
        p_win, p_adv = rng.uniform(0.15, 0.7), rng.uniform(0.3, 0.95)
        for j in range(int(rng.integers(6, 17))):
            created = pd.Timestamp("2025-01-06") + pd.Timedelta(days=int(rng.integers(0, 120)))
            closed = rng.random() < 0.85
            won = closed and rng.random() < p_win
            close = created + pd.Timedelta(days=int(rng.integers(10, 60)))
            oid = f"OPP-{i:02d}-{j:02d}"
            deals.append({"opportunity_id": oid, "owner": rep, "amount": float(rng.integers(5, 90)) * 1000,
                          "stage": ("Closed Won" if won else "Closed Lost") if closed else "Qualification",
                          "created_date": created.date().isoformat(),
                          "close_date": close.date().isoformat() if closed else "",
                          "is_won": "true" if won else "false", "is_closed": "true" if closed else "false",
                          "extra": "" if j % 3 else "web"})
            steps = [STAGES[0]] + ([STAGES[1], STAGES[2]] if rng.random() < p_adv else [])
            if closed:
                steps.append("Closed Won" if won else "Closed Lost")
            for k, stage in enumerate(steps):
                history.append({"history_id": f"H-{oid}-{k}", "opportunity_id": oid, "stage": stage,
                                "changed_at": (created + pd.Timedelta(days=2 * k)).date().isoformat()})
    return pd.DataFrame(people), pd.DataFrame(deals), pd.DataFrame(history)


def write_exports(folder: Path, shape: str, with_history: bool) -> Path:
    """The generated tables as CSV exports in one header shape (columns in another order)."""
    people, deals, history = generated()
    opp_h, people_h, hist_h = SHAPES[shape]
    folder.mkdir(parents=True, exist_ok=True)
    deals = deals[list(reversed(deals.columns))] if shape == "lower_snake" else deals
    deals.rename(columns=opp_h).to_csv(folder / "opportunities.csv", index=False)
    people.rename(columns=people_h).to_csv(folder / "users.csv", index=False)
    if with_history:
        history[list(hist_h)].rename(columns=hist_h).to_csv(folder / "opportunity_history.csv", index=False)
    return folder


def load(folder: Path, expected: dict[str, int]) -> Workspace:
    ws = Workspace()
    reports = import_directory(ws, folder)
    assert all(r.error is None and r.rows_rejected == 0 for r in reports), [(r.file, r.table, r.error, r.rejects[:2]) for r in reports]
    assert {t: n for t, n in ws.counts().items() if n} == expected
    return ws


@pytest.fixture(scope="module", params=sorted(SHAPES))
def deals_only(request, tmp_path_factory):
    people, deals, _ = generated()
    ws = load(write_exports(tmp_path_factory.mktemp(f"deals-{request.param}"), request.param, False),
              {"people": len(people), "opportunities": len(deals)})
    yield ws
    ws.close()


@pytest.fixture(scope="module", params=sorted(SHAPES))
def with_history(request, tmp_path_factory):
    people, deals, history = generated()
    ws = load(write_exports(tmp_path_factory.mktemp(f"history-{request.param}"), request.param, True),
              {"people": len(people), "opportunities": len(deals), "stage_history": len(history)})
    yield ws
    ws.close()


def by_pair(links: pd.DataFrame) -> pd.DataFrame:
    return links.set_index(["x", "y"])


# ------------------------------------------------------------------------- the definitions, as data
def test_each_measure_says_what_it_is_computed_from_and_the_fallback_differs():
    d = needle.DEFINITIONS
    assert d["win_rate"][None].parts == frozenset({"won deals", "closed deals"})
    assert d["stage_conversion"]["won ÷ created"].parts == frozenset({"won deals", "opportunities created"})
    history = d["stage_conversion"]["stage history"]
    assert "won deals" not in history.parts and history.parts.isdisjoint(d["win_rate"][None].parts)
    assert d["win_rate"][None].text == "won deals ÷ closed deals"
    assert needle.shared_parts(d["stage_conversion"]["won ÷ created"], d["win_rate"][None]) == ("won deals",)
    assert needle.shared_parts(history, d["win_rate"][None]) == ()
    assert needle.shared_parts(d["win_rate"][None], d["revenue"][None]) == ()


# ------------------------------------------------------------------------- deals only: won ÷ created
def test_without_stage_history_the_won_over_created_pair_is_linked_by_definition(deals_only):
    chain = needle.needle_chain(deals_only)
    assert (chain.reps["conversion_basis"] == "won ÷ created").all()
    pair = by_pair(chain.links).loc[("stage_conversion", "win_rate")]
    assert pair["by_definition"] and pair["shared"] == "won deals"
    assert pair["strength"] == "linked by definition"
    assert pair["x_from"] == "won deals ÷ opportunities created"
    assert pair["y_from"] == "won deals ÷ closed deals"
    assert "linked by definition" in pair["sentence"] and "won deals" in pair["sentence"]
    assert "tend to have" not in pair["sentence"]  # not worded as an association between reps
    rest = chain.links[~chain.links["by_definition"]]
    assert (rest["shared"] == "").all()
    last = by_pair(chain.links).loc[("win_rate", "revenue")]
    assert last["computed_from"] == ("win rate (won deals ÷ closed deals) and revenue "
                                     "(closed-won amount)")


def test_without_stage_history_the_presenter_finding_never_offers_the_pair(deals_only):
    chain = needle.needle_chain(deals_only)
    found = needle_insight(deals_only, Filters(), Settings(), chain)
    assert "stage conversion → win rate" not in found.title
    assert all(label != "stage conversion → win rate" for label, _ in found.figures)
    assert "won deals" not in found.detail  # the slide's text presents findings only
    assert "left out as linked by definition: stage conversion → win rate (both built from won deals)" in found.basis
    if found.chart is not None:  # the chart plots findings only
        plotted = pd.DataFrame(needle_chart(chain.links).layer[2].data)
        assert "stage conversion → win rate" not in set(plotted["link"])


# ------------------------------------------------------------------------- with stage history
def test_with_stage_history_the_conversion_comes_from_stages_and_the_pair_is_eligible(with_history):
    chain = needle.needle_chain(with_history)
    assert (chain.reps["conversion_basis"] == "stage history").all()
    per = chain.reps
    assert per["stage_conversion"].to_numpy() == pytest.approx((per["n_advanced"] / per["n_with_history"]).to_numpy())
    pair = by_pair(chain.links).loc[("stage_conversion", "win_rate")]
    assert not pair["by_definition"] and pair["shared"] == ""
    assert pair["measured"] and pair["strength"] != "linked by definition"
    assert pair["x_from"] == "opportunities that advanced a stage ÷ opportunities with a stage history"
    assert pair["computed_from"].startswith("stage conversion (opportunities that advanced a stage ÷ ")


# ------------------------------------------------------------------------- the real samples
def test_maven_deals_only_the_strongest_link_is_not_the_built_in_one(maven_ws):
    """The issue's case: ρ = 0.61 between won ÷ created and win rate, once called the strongest link."""
    chain = needle.needle_chain(maven_ws)
    pair = by_pair(chain.links).loc[("stage_conversion", "win_rate")]
    assert pair["rho"] == pytest.approx(0.61, abs=0.01)  # computed, kept for the record
    assert pair["by_definition"] and pair["shared"] == "won deals"
    found = needle_insight(maven_ws, Filters(), Settings(), chain)
    assert not found.title.startswith("Strongest link: stage conversion → win rate")
    assert "0.61" not in found.title and "+0.61" not in " ".join(v for _, v in found.figures)
    assert "stage conversion → win rate" not in found.detail
    assert "left out as linked by definition: stage conversion → win rate (both built from won deals)" in found.basis


def test_demo_with_stage_history_every_link_says_what_it_is_computed_from(demo_ws):
    chain = needle.needle_chain(demo_ws)
    links = chain.links
    assert not links["by_definition"].any()  # the demo has stage history: nothing is built in
    assert links["computed_from"].str.len().gt(0).all()
    assert list(links["x_from"]) == ["activities logged ÷ opportunities created",
                                     "opportunities that advanced a stage ÷ opportunities with a stage history",
                                     "won deals ÷ closed deals"]
    found = needle_insight(demo_ws, Filters(), Settings(), chain)
    assert "linked by definition" not in found.basis
    assert found.basis.endswith("computed from: activities per opportunity = activities logged ÷ opportunities "
                                "created; stage conversion = opportunities that advanced a stage ÷ opportunities with "
                                "a stage history; win rate = won deals ÷ closed deals; revenue = closed-won amount")


def test_when_every_measured_link_is_built_in_the_finding_is_not_measured_and_says_why():
    x = pd.Series(np.linspace(0.1, 0.9, 10))
    short = pd.Series([1.0, 2.0, 3.0] + [None] * 7)
    d = needle.DEFINITIONS
    rows = [needle.link(x, x, "activities_per_opportunity", "stage_conversion", x_def=d["activities_per_opportunity"][None],
                        y_def=d["stage_conversion"]["won ÷ created"]),
            needle.link(x, x ** 2, "stage_conversion", "win_rate", x_def=d["stage_conversion"]["won ÷ created"],
                        y_def=d["win_rate"][None]),
            needle.link(x, short, "win_rate", "revenue")]
    links = pd.DataFrame(rows, columns=needle.LINK_COLUMNS)
    found = needle_insight(None, Filters(), Settings(), needle.NeedleChain(links, pd.DataFrame()))
    assert not found.measured and found.title == "What moves the needle: not measured"
    assert found.chart is None and found.figures == []
    assert found.detail == (
        "Not measured: Only 3 reps have both win rate and revenue; at least 8 are needed. "
        "Linked by definition, not a finding: activities per opportunity → stage conversion (both are built from "
        "opportunities created). Linked by definition, not a finding: stage conversion → win rate (both are built "
        "from won deals). A stage history export would measure stage conversion from stages.")
