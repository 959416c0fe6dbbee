"""No figure on a broken link (issue 18): generated organisations where each link between files is
broken in turn say "not measured" with the reason; a partially joined one shows the figure with
what it rests on; "What your data supports" reflects the links."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.diagnosis.dials import RESTS_ON, diagnosis, link_notes, link_reasons, signal_table
from analytics.ingest import analyses_supported
from analytics.ingest.pipeline import analyse_file, import_file
from analytics.results.attainment import attainment_by_manager, rep_attainment
from analytics.results.overview import headline, managers_summary
from analytics.settings import SIGNALS
from analytics.store.links import BROKEN, JOINED, PARTIAL, link_status
from analytics.store.workspace import Workspace
from tests.factories import workspace_with

REPS = [("U1", "Anna Person"), ("U2", "Ben Seller"), ("U3", "Cara Closer"), ("U4", "Dev Dealer")]
MANAGERS = [("M1", "Max Boss"), ("M2", "Mia Lead")]


def roster():
    rows = [{"person_id": pid, "name": name, "manager": "Max Boss" if i < 2 else "Mia Lead"}
            for i, (pid, name) in enumerate(REPS)]
    return rows + [{"person_id": pid, "name": name} for pid, name in MANAGERS]


def deals(owner=lambda pid, name: name, per_rep=3):
    out = []
    for i, (pid, name) in enumerate(REPS):
        for j in range(per_rep):
            out.append({"opportunity_id": f"D{i}{j}", "owner": owner(pid, name), "stage": "Closed Won",
                        "amount": 100.0 * (i + 1), "created_date": "2025-01-05", "close_date": "2025-03-31",
                        "is_closed": True, "is_won": True})
    return out


def quotas(owner=lambda pid, name: pid):
    return [{"owner": owner(pid, name), "period_start": "2025-01-01", "period_end": "2025-03-31", "amount": 1000.0}
            for pid, name in REPS]


def coaching(manager=lambda pid, name: name):
    return [{"session_id": f"S{i}", "manager": manager(*MANAGERS[i % 2]), "rep": REPS[i][1],
             "session_date": "2025-02-01", "named_specific_gap": True, "asked_before_telling": i % 2 == 0,
             "tied_to_plan": True, "tracked_application": False, "pipeline_minutes": 20, "skill_minutes": 20}
            for i in range(4)]


def surveys(subject=lambda pid, name: name):
    return [{"response_id": f"R{i}{k}", "respondent": REPS[i][1], "respondent_role": "rep",
             "subject_manager": subject(*MANAGERS[i // 2]), "item": item, "score": 4, "scale_max": 5}
            for i in range(4) for k, item in enumerate(("My manager gives clear direction",
                                                         "My manager coaches me consistently"))]


def reviews(rep=lambda pid, name: name):
    return [{"rep": rep(pid, name), "cycle": cycle, "capability": "discovery", "score": s + i % 2}
            for pid, name in REPS for i, (cycle, s) in enumerate((("2024-H2", 2), ("2025-H1", 3)))]


def org(**over):
    tables = {"people": roster(), "opportunities": deals(), "quotas": quotas(), "coaching_sessions": coaching(),
              "surveys": surveys(), "reviews": reviews()}
    tables.update(over)
    return workspace_with(**tables)


def _support(ws, analysis):
    return next(c for c in analyses_supported(ws) if c.analysis == analysis)


def test_every_signal_names_the_links_it_rests_on():
    assert {s.key for s in SIGNALS} <= set(RESTS_ON)


def test_a_joined_org_withholds_nothing():
    ws = org()
    assert {s.state for s in link_status(ws).values()} == {JOINED}
    assert link_reasons(ws) == {} and link_notes(ws) == {}
    h = headline(ws)
    assert h.attainment == pytest.approx(3000.0 / 4000.0) and h.quota_not_measured is None
    assert h.managers_not_measured is None and h.managers_rest_on is None
    assert managers_summary(ws)["won_deals"].tolist() == [6, 6]
    for a in ("attainment", "coaching", "capability", "independence"):
        assert _support(ws, a).broken_link is None


def test_deal_owners_in_another_form_withhold_the_per_manager_deal_figures():
    ws = org(opportunities=deals(owner=lambda pid, name: ", ".join(reversed(name.split())).upper()))
    assert link_status(ws)[("opportunities", "owner", "roster")].state == BROKEN
    h = headline(ws)
    assert "no deal owner is in the roster (0 of 4 names match)" in h.managers_not_measured
    m = managers_summary(ws)
    assert m["won_deals"].isna().all() and m["won_revenue"].isna().all()  # not measured, never 0
    diag = diagnosis(ws)
    assert diag["independence"].isna().all() and diag["hygiene"].isna().all()
    table = signal_table(diag, link_reasons(ws))
    status = table.loc[table["signal"].str.startswith("Execution independence"), "status"].iloc[0]
    assert status == "not measured: no deal owner is in the roster (0 of 4 names match)"
    s = _support(ws, "independence")
    assert s.status == "needs data" and "no deal owner is in the roster" in s.reason and "Data health" in s.reason


def test_quota_ids_with_no_roster_row_withhold_attainment_everywhere():
    ws = org(quotas=quotas(owner=lambda pid, name: "EMP-" + pid))
    h = headline(ws)
    assert h.attainment is None and h.quota == 4000
    assert h.quota_not_measured.startswith("not measured: no quota owner is in the roster (0 of 4 names match)")
    assert attainment_by_manager(ws)["attainment"].isna().all()
    assert rep_attainment(ws)["attainment"].isna().all()
    assert diagnosis(ws)["attainment"].isna().all()
    assert "no quota owner" in link_reasons(ws)["attainment"]
    assert _support(ws, "attainment").status == "needs data"


def test_coaching_log_naming_managers_not_in_the_roster():
    ws = org(coaching_sessions=coaching(manager=lambda pid, name: name.split()[0][0] + ". " + name.split()[1]))
    why = link_reasons(ws)["quality_index"]
    assert why == "no coaching session's manager is in the roster (0 of 2 names match)"
    diag = diagnosis(ws)
    assert diag["quality_index"].isna().all() and diag["skill_time_closeness"].isna().all()
    s = _support(ws, "coaching")
    assert not s.supported and s.reason.startswith("not measured: no coaching session's manager")
    assert _support(ws, "capability").supported  # the other links stand


def test_surveys_naming_nobody():
    ws = org(surveys=surveys(subject=lambda pid, name: f"Manager #{pid}"))
    assert "no surveyed manager is in the roster" in link_reasons(ws)["lead_direction"]
    diag = diagnosis(ws)
    assert diag["lead_direction"].isna().all() and diag["confidence_gap"].isna().all()
    # the flag and interval drawn from the gap go with it (never a verdict on a gap not shown)
    assert diag["over_confident"].isna().all() and diag["confidence_gap_low"].isna().all()
    assert _support(ws, "lead_dial").status == "needs data"
    assert _support(ws, "confidence_gap").status == "needs data"


def test_reviews_of_reps_not_in_the_roster():
    ws = org(reviews=reviews(rep=lambda pid, name: "R-" + pid))
    assert "no reviewed rep is in the roster" in link_reasons(ws)["capability_slope"]
    assert diagnosis(ws)["capability_slope"].isna().all()
    assert _support(ws, "capability").status == "needs data"


def test_a_partial_link_keeps_the_figure_and_says_what_it_rests_on():
    # 3 of 4 owners resolve (9 of 12 deals): partial, the figure stands
    ws = org(opportunities=deals(owner=lambda pid, name: "Stranger" if pid == "U4" else name))
    lk = link_status(ws)[("opportunities", "owner", "roster")]
    assert (lk.state, lk.n_matched, lk.n_total, lk.rows_matched, lk.rows_total) == (PARTIAL, 3, 4, 9, 12)
    h = headline(ws)
    assert h.managers_not_measured is None
    assert h.managers_rest_on.startswith("rests on 3 of 4 deal owners (9 of 12 deals)")
    m = managers_summary(ws).set_index("manager")
    assert m.loc["Max Boss", "won_deals"] == 6 and m.loc["Mia Lead", "won_deals"] == 3
    assert "independence" in link_notes(ws) and "independence" not in link_reasons(ws)
    assert _support(ws, "independence").supported


def test_most_rows_unmatched_is_broken_though_some_names_match():
    # 1 of 2 owner names matches, but on 3 of 12 deals: under half the rows
    rows = deals()
    for r in rows[3:]:
        r["owner"] = "Pat Unknown"  # not in the roster (an automation would be set aside)
    ws = org(opportunities=rows)
    lk = link_status(ws)[("opportunities", "owner", "roster")]
    assert lk.state == BROKEN and (lk.n_matched, lk.n_total, lk.rows_matched, lk.rows_total) == (1, 2, 3, 12)
    assert lk.reason == "only 3 of 12 deals name a deal owner in the roster (1 of 2 names match)"
    assert managers_summary(ws)["won_deals"].isna().all()


def test_no_roster_leaves_the_figures_to_their_own_needs_data():
    ws = workspace_with(opportunities=deals(), coaching_sessions=coaching())
    assert link_reasons(ws) == {}
    assert headline(ws).managers_not_measured is None


@pytest.mark.parametrize("header", ["Owner", "owner id", "OWNER_ID"])
def test_unknown_owners_are_one_summarised_warning_per_column(header):
    ws = Workspace()
    try:
        import_file(ws, analyse_file("people.csv", b"Id,Name,Manager\nU1,Anna Person,Max Boss\nM1,Max Boss,\n"),
                    "people", {"person_id": "Id", "name": "Name", "manager": "Manager"})
        lines = ["Opportunity Id,Stage,Amount,Close Date," + header + ",Extra"]
        lines += [f"O{i},Closed Won,{100 + i},2025-02-{1 + i % 27:02d},{'U1' if i < 5 else f'E{i % 7}'},"
                  for i in range(60)]
        report = import_file(ws, analyse_file("deals.csv", ("\n".join(lines) + "\n").encode()))
        assert report.rows_loaded == 60
        unknown = [w for w in report.warnings if "not in the roster" in w.reason]
        assert len(unknown) == 1 and report.warnings_total == len(report.warnings)
        w = unknown[0]
        assert w.reason == "55 rows name 7 owners not in the roster: see Data health on the Data page"
        assert w.row == 7  # the first row naming one (header is row 1)
        assert w.value.count(";") == 3 and w.value.endswith("4 more")
    finally:
        ws.close()


def test_the_summary_has_no_name_in_its_reason():
    """Names stay in the value (hidden while anonymised); the reason carries counts only."""
    ws = Workspace()
    try:
        import_file(ws, analyse_file("people.csv", b"Id,Name\nU1,Anna Person\n"), "people",
                    {"person_id": "Id", "name": "Name"})
        report = import_file(ws, analyse_file("deals.csv", b"Opportunity Id,Stage,Amount,Owner\nO1,Won,5,Zed Secret\n"))
        w = next(w for w in report.warnings if "roster" in w.reason)
        assert "Zed" not in w.reason and w.value == "Zed Secret"
        assert w.reason.startswith("1 row names 1 owner not in the roster")
    finally:
        ws.close()


def test_numbers_are_nan_not_zero():
    ws = org(quotas=quotas(owner=lambda pid, name: "EMP-" + pid))
    att = attainment_by_manager(ws)["attainment"]
    assert all(isinstance(v, float) and math.isnan(v) for v in att) and not (att == 0).any()
    assert isinstance(managers_summary(ws), pd.DataFrame)
