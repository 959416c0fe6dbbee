"""Attribution in time (issue 19): deals, quotas and involvement credited to the manager the rep
reported to at the time, from a reporting-line history or from the exports' own manager columns;
without either, to the current roster manager, and the pages say which rule applied.

Generated exports in varied shapes, loaded through the upload path. The organisation: Ada Able
and Ben Bold manage; Cat, Dan and Eve move from Ada to Ben on 2025-07-01 (the roster, exported
today, already says Ben); Fay stays with Ada, Gus with Ben. Each rep wins one complex deal of 100
in each quarter of 2025 and has a quota of 200 per quarter.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.ingest.pipeline import ImportJob, analyse_file, import_files
from analytics.people import attribution, attribution_rule, reps
from analytics.results.attainment import attainment_by_manager, rep_attainment
from analytics.signals.independence import closed_deals, independence_by_manager
from analytics.store.workspace import Workspace
from ui.import_report import enrichment_sentence

ADA, BEN = "Ada Able", "Ben Bold"
MOVERS = {"R1": "Cat Cole", "R2": "Dan Dale", "R3": "Eve East"}
STAYERS = {"R4": ("Fay Fox", "M1"), "R5": ("Gus Gray", "M2")}
IDS = {"M1": ADA, "M2": BEN, **MOVERS, **{k: v[0] for k, v in STAYERS.items()}}
QUARTERS = (("2025-01-01", "2025-03-31", "2025-02-14"), ("2025-04-01", "2025-06-30", "2025-05-15"),
            ("2025-07-01", "2025-09-30", "2025-08-14"), ("2025-10-01", "2025-12-31", "2025-12-31"))
# (the last deal closes on the last day, so every quarter has ended by the data's as-of: attainment
# counts only the quota periods the data can judge)
MOVE = "2025-07-01"


def _csv(headers, rows) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    w.writerows(rows)
    return buf.getvalue().encode()


def _load(ws: Workspace, *files: tuple[str, bytes]) -> dict:
    reports = import_files(ws, [analyse_file(name, data) for name, data in files])
    for r in reports:
        assert r.error is None, r.error
        assert r.rows_read == r.rows_loaded + r.rows_rejected
    return {r.file: r for r in reports}


def roster() -> bytes:
    """The roster as exported today: the movers already report to Ben."""
    rows = [["M1", ADA, "", "North", "EMEA", "ada@x.com"], ["M2", BEN, "", "South", "EMEA", "ben@x.com"]]
    rows += [[i, n, "M2", "South", "EMEA", f"{n.split()[0].lower()}@x.com"] for i, n in MOVERS.items()]
    rows += [[i, n, m, "North" if m == "M1" else "South", "EMEA", f"{n.split()[0].lower()}@x.com"]
             for i, (n, m) in STAYERS.items()]
    return _csv(["User ID", "Full Name", "Manager ID", "Team", "Region", "Email"], rows)


def deals(owner_manager: str | None = None) -> bytes:
    """One complex won deal of 100 per rep and quarter; ``owner_manager``: the header of a column
    naming the owner's manager at the close (by e-mail, in capitals)."""
    headers = ["Opportunity ID", "Opportunity Name", "Owner ID", "Amount", "Stage", "Close Date", "Is Complex"]
    headers += [owner_manager] if owner_manager else []
    rows = []
    for rep in (*MOVERS, *STAYERS):
        for q, (_, _, close) in enumerate(QUARTERS, start=1):
            row = [f"{rep}-Q{q}", f"Deal {rep} Q{q}", rep, "100", "Closed Won", close, "true"]
            if owner_manager:
                at = "M1" if rep in MOVERS and close < MOVE else STAYERS.get(rep, ("", "M2"))[1]
                row.append(f"{IDS[at].split()[0].upper()}@X.COM")
            rows.append(row)
    return _csv(headers, rows)


def quotas(manager: str | None = None) -> bytes:
    headers = ["Quota Owner", "Period Start", "Period End", "Quota Amount"] + ([manager] if manager else [])
    rows = []
    for rep, name in {**MOVERS, **{k: v[0] for k, v in STAYERS.items()}}.items():
        for start, end, _ in QUARTERS:
            row = [name, start, end, "200"]
            if manager:
                row.append(ADA if rep in MOVERS and start < MOVE else IDS[STAYERS.get(rep, ("", "M2"))[1]])
            rows.append(row)
    return _csv(headers, rows)


def workday_history() -> bytes:
    """Workday job history: one row per reporting line, oldest first (Fay's one line, Gus none)."""
    rows = []
    for i, name in MOVERS.items():
        rows += [[i, name, "M1", "2023-03-01"], [i, name, "M2", MOVE]]
    rows.append(["R4", "Fay Fox", "M1", "2022-01-10"])
    return _csv(["Employee ID", "Worker", "Manager ID", "Effective Date"], rows)


def bamboo_history() -> bytes:
    """BambooHR-like job information: names, varied header case and punctuation, extra columns, the
    newest line first, the manager by name."""
    rows = []
    for name in MOVERS.values():
        rows += [[name, "07/01/2025", "Sales", "Account Executive", BEN, "Reorganisation"],
                 [name, "03/01/2023", "Sales", "Account Executive", ADA, "Hire"]]
    return _csv(["EMPLOYEE NAME", "effective_from", "Department", "Job Title", "Reports-To", "Change Reason"], rows)


def _by_manager(ws: Workspace) -> pd.Series:
    return ws.query("SELECT manager_name, count(*) AS n FROM v_opportunities GROUP BY 1").set_index("manager_name")["n"]


# ----------------------------------------------------------------------------- with and without history
@pytest.fixture(scope="module")
def with_history():
    ws = Workspace()
    reports = _load(ws, ("users.csv", roster()), ("Job_History.csv", workday_history()),
                    ("opportunities.csv", deals()), ("quotas.csv", quotas()))
    yield ws, reports
    ws.close()


@pytest.fixture(scope="module")
def without_history():
    ws = Workspace()
    _load(ws, ("users.csv", roster()), ("opportunities.csv", deals()), ("quotas.csv", quotas()))
    yield ws
    ws.close()


def test_a_job_history_is_recognised_as_manager_links_and_loads_every_line(with_history):
    _, reports = with_history
    r = reports["Job_History.csv"]
    assert r.table == "manager_links"
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (7, 7, 0)
    assert (r.enrichment.history_changes, r.enrichment.history_people) == (3, 4)
    sentence = enrichment_sentence(r)
    assert "7 lines matched" in sentence and "sets 3 reporting-line changes" in sentence


def test_the_roster_reads_the_latest_line(with_history):
    ws, _ = with_history
    people = ws.query("SELECT name, manager_name FROM v_roster").set_index("name")["manager_name"]
    assert all(people[n] == BEN for n in MOVERS.values())
    assert people["Fay Fox"] == ADA


def test_with_history_ada_keeps_the_deals_closed_before_the_move(with_history):
    ws, _ = with_history
    d = ws.query("SELECT opportunity_id, manager_name, roster_manager FROM v_opportunities").set_index("opportunity_id")
    for rep in MOVERS:
        assert list(d.loc[[f"{rep}-Q{q}" for q in (1, 2, 3, 4)], "manager_name"]) == [ADA, ADA, BEN, BEN]
        assert set(d.loc[[f"{rep}-Q{q}" for q in (1, 2, 3, 4)], "roster_manager"]) == {BEN}
    assert _by_manager(ws).to_dict() == {ADA: 4 + 3 * 2, BEN: 4 + 3 * 2}


def test_with_history_quota_periods_go_to_the_manager_of_their_time(with_history):
    ws, _ = with_history
    att = attainment_by_manager(ws).set_index("manager")
    # Ada: Fay's four quarters and the movers' first two; Ben: Gus's four and the movers' last two
    assert att.loc[ADA, "quota"] == 200 * (4 + 3 * 2) and att.loc[BEN, "quota"] == 200 * (4 + 3 * 2)
    assert att.loc[ADA, "won_in_quota"] == 100 * (4 + 3 * 2)
    assert att.loc[ADA, "attainment"] == pytest.approx(0.5) and att.loc[BEN, "attainment"] == pytest.approx(0.5)
    # a rep's own attainment does not depend on who managed them
    assert rep_attainment(ws).set_index("rep").loc["Cat Cole", "quota"] == 800


def test_with_history_independence_counts_each_deal_for_its_manager_at_the_time(with_history):
    ws, _ = with_history
    ind = independence_by_manager(ws).set_index("manager")
    assert ind.loc[ADA, "n_complex_won_not_measured"] == 4 + 3 * 2
    assert ind.loc[BEN, "n_complex_won_not_measured"] == 4 + 3 * 2


def test_with_history_the_page_names_the_rule(with_history):
    ws, _ = with_history
    assert attribution_rule(ws) == ("Deals and quotas are credited to the manager at the time, from the "
                                    "reporting-line history (3 changes).")


def test_the_people_filters_still_pick_reps_by_their_current_roster_row(with_history):
    ws, _ = with_history
    assert set(reps(ws, Filters(managers=(BEN,)))["rep"]) == {*MOVERS.values(), "Gus Gray"}
    assert set(reps(ws, Filters(teams=("North",)))["rep"]) == {"Fay Fox"}


def test_without_history_everything_goes_to_the_current_roster_manager(without_history):
    ws = without_history
    assert _by_manager(ws).to_dict() == {ADA: 4, BEN: 16}
    att = attainment_by_manager(ws).set_index("manager")
    assert att.loc[ADA, "quota"] == 800 and att.loc[BEN, "quota"] == 3200
    assert attribution_rule(ws) == ("Deals and quotas are credited to the current roster manager "
                                    "(no reporting-line history in the data).")


def test_a_bamboo_shaped_history_gives_the_same_attribution(with_history):
    # its rows repeat each employee with dates: a history, not a roster (Job Title, a roster's
    # header, leaves it a guess the user confirms in the mapping form, as they would)
    job_info = analyse_file("job_info.csv", bamboo_history())
    rec = job_info.recognition
    assert rec.table == "manager_links" and rec.candidates[0].score >= 0.75
    assert rec.mapping == {"person": "EMPLOYEE NAME", "manager": "Reports-To", "organisation": "Department",
                           "effective_date": "effective_from"}
    ws = Workspace()
    try:
        reports = {r.file: r for r in import_files(ws, [
            ImportJob(analyse_file("people.csv", roster())), ImportJob(job_info, rec.table, dict(rec.mapping)),
            ImportJob(analyse_file("opportunities.csv", deals())), ImportJob(analyse_file("quotas.csv", quotas()))])}
        assert reports["job_info.csv"].table == "manager_links"
        assert reports["job_info.csv"].rows_loaded == 6
        q = "SELECT opportunity_id, manager_name FROM v_opportunities ORDER BY 1"
        assert ws.query(q).equals(with_history[0].query(q))
        assert attribution(ws).changes == 3
    finally:
        ws.close()


# ----------------------------------------------------------------------------- spans
def test_a_line_ends_on_its_end_date_and_a_gap_falls_back_to_the_roster():
    ws = Workspace()
    try:
        history = _csv(["Employee", "Manager", "Valid From", "Valid To"], [
            ["Cat Cole", ADA, "2024-01-01", "2025-04-30"],   # Q2's deal (May 15) falls in the gap
            ["Cat Cole", BEN, "2025-06-01", ""],
        ])
        _load(ws, ("people.csv", roster()), ("lines.csv", history), ("opportunities.csv", deals()))
        d = ws.query("SELECT opportunity_id, manager_name FROM v_opportunities").set_index("opportunity_id")
        assert list(d.loc[["R1-Q1", "R1-Q2", "R1-Q3"], "manager_name"]) == [ADA, BEN, BEN]
    finally:
        ws.close()


def test_open_deals_go_to_the_current_manager():
    ws = Workspace()
    try:
        opps = _csv(["Opportunity ID", "Owner ID", "Amount", "Stage", "Close Date"],
                    [["open-1", "R1", "50", "Prospecting", "2025-02-01"], ["won-1", "R1", "50", "Closed Won", "2025-02-01"]])
        _load(ws, ("people.csv", roster()), ("history.csv", workday_history()), ("opps.csv", opps))
        d = ws.query("SELECT opportunity_id, manager_name FROM v_opportunities").set_index("opportunity_id")
        assert (d.loc["open-1", "manager_name"], d.loc["won-1", "manager_name"]) == (BEN, ADA)
    finally:
        ws.close()


def test_a_repeated_line_is_rejected_with_its_row_and_reason():
    ws = Workspace()
    try:
        history = _csv(["Employee ID", "Employee", "Reports To", "Effective Date"], [
            ["R1", "Cat Cole", "M1", "2023-03-01"], ["R1", "Cat Cole", "M2", MOVE], ["R1", "Cat Cole", "M2", MOVE]])
        r = _load(ws, ("people.csv", roster()), ("history.csv", history))["history.csv"]
        assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (3, 2, 1)
        assert r.rejects[0].row == 4 and "duplicate ID" in r.rejects[0].reason
    finally:
        ws.close()


def test_a_later_plain_link_file_replaces_a_persons_history():
    ws = Workspace()
    try:
        _load(ws, ("people.csv", roster()), ("history.csv", workday_history()))
        assert attribution(ws).changes == 3
        _load(ws, ("links.csv", _csv(["Employee ID", "Manager ID"], [["R1", "M2"]])))
        assert attribution(ws).changes == 2  # Cat's lines replaced by one undated line
        assert int(ws.scalar("SELECT count(*) FROM manager_links WHERE person = 'R1'")) == 1
    finally:
        ws.close()


# ----------------------------------------------------------------------------- the exports' own columns
@pytest.mark.parametrize("header", ["Opportunity Owner: Manager", "Manager at Close", "owner_manager"])
def test_a_deal_rows_own_manager_column_wins(header):
    ws = Workspace()
    try:
        reports = _load(ws, ("people.csv", roster()), ("opportunities.csv", deals(header)))
        assert reports["opportunities.csv"].table == "opportunities"
        assert _by_manager(ws).to_dict() == {ADA: 4 + 3 * 2, BEN: 4 + 3 * 2}  # by e-mail, any case
        assert attribution_rule(ws) == ("Deals and quotas are credited to the manager at the time, from the "
                                        "deal rows' own manager column.")
    finally:
        ws.close()


def test_a_quota_rows_own_manager_column_wins():
    ws = Workspace()
    try:
        reports = _load(ws, ("people.csv", roster()), ("opportunities.csv", deals("Owner's Manager")),
                        ("quotas.csv", quotas("Manager at the Time")))
        assert reports["quotas.csv"].table == "quotas" and reports["quotas.csv"].rows_rejected == 0
        att = attainment_by_manager(ws).set_index("manager")
        assert att.loc[ADA, "quota"] == 2000 and att.loc[BEN, "quota"] == 2000
        assert "the quota rows' own manager column" in attribution_rule(ws)
    finally:
        ws.close()


# ----------------------------------------------------------------------------- involvement at the time
def test_involvement_is_judged_against_the_manager_at_the_time(with_history):
    ws = Workspace()
    try:
        acts = _csv(["Activity ID", "Assigned To", "Date", "Opportunity ID"], [
            ["A1", ADA, "2025-02-01", "R1-Q1"],   # Ada on Cat's deal while Cat reported to her
            ["A2", BEN, "2025-02-01", "R2-Q1"],   # Ben on Dan's deal before Dan moved to him
            ["A3", ADA, "2025-08-01", "R3-Q3"],   # Ada on Eve's deal after Eve moved
        ])
        _load(ws, ("people.csv", roster()), ("history.csv", workday_history()), ("opportunities.csv", deals()),
              ("activities.csv", acts))
        d = closed_deals(ws).set_index("opportunity_id")
        assert (d.loc["R1-Q1", "manager"], bool(d.loc["R1-Q1", "involved"])) == (ADA, True)
        assert (d.loc["R2-Q1", "manager"], bool(d.loc["R2-Q1", "involved"])) == (ADA, False)
        assert (d.loc["R3-Q3", "manager"], bool(d.loc["R3-Q3", "involved"])) == (BEN, False)
    finally:
        ws.close()


# ----------------------------------------------------------------------------- rosters stay rosters
@pytest.mark.parametrize("headers", [
    ["Name", "Manager", "Start Date"],
    ["Name", "Manager", "Start Date", "End Date"],
    ["Employee", "Reports To", "Hire Date", "Team"],
])
def test_a_roster_with_hire_dates_is_still_a_roster(headers):
    rows = [["Ada Able", "", "2020-01-01", "2024-12-31"][:len(headers)],
            ["Cat Cole", "Ada Able", "2021-03-01", ""][:len(headers)]]
    rec = analyse_file("team.csv", _csv(headers, rows)).recognition
    assert rec.table == "people"


# ----------------------------------------------------------------------------- saved and anonymised
def test_a_saved_workspace_keeps_the_history_and_the_rows_own_managers(with_history):
    ws, _ = with_history
    reopened = Workspace.open(ws.save(), "saved.zip")
    try:
        q = "SELECT opportunity_id, manager_name, roster_manager FROM v_opportunities ORDER BY 1"
        assert reopened.query(q).equals(ws.query(q))
        assert attribution(reopened) == attribution(ws)
    finally:
        reopened.close()


def test_the_anonymised_copy_credits_the_same_deals_under_pseudonyms():
    from analytics.store.anonymise import AnonymiseOptions, anonymise

    ws = Workspace()
    try:
        _load(ws, ("people.csv", roster()), ("history.csv", workday_history()),
              ("opportunities.csv", deals("Manager at Close")), ("quotas.csv", quotas("Sales Manager")))
        copy, _ = anonymise(ws, AnonymiseOptions(salt="t"))
        try:
            real = sorted(_by_manager(ws).tolist())
            assert sorted(_by_manager(copy).tolist()) == real
            shown = set(copy.query("SELECT manager_name FROM v_opportunities UNION SELECT manager_name FROM v_quotas "
                                   "UNION SELECT owner_manager FROM opportunities UNION SELECT manager FROM quotas "
                                   "UNION SELECT manager FROM manager_links")["manager_name"].dropna())
            assert not shown & {ADA, BEN, "ada@x.com", "ben@x.com", "ADA@X.COM", "M1", "M2"}
            assert attribution(copy).changes == attribution(ws).changes == 3
        finally:
            copy.close()
    finally:
        ws.close()


def test_a_row_naming_a_manager_the_roster_does_not_know_is_credited_by_the_next_rule():
    ws = Workspace()
    try:
        opps = _csv(["Opportunity ID", "Owner ID", "Amount", "Stage", "Close Date", "Sales Manager"], [
            ["d1", "R1", "10", "Closed Won", "2025-02-01", "Ada Able"],        # a roster person
            ["d2", "R1", "10", "Closed Won", "2025-02-01", "Zed Unknown"],     # nobody the roster knows
            ["d3", "R4", "10", "Closed Won", "2025-02-01", ""],                # blank: the roster's
        ])
        _load(ws, ("people.csv", roster()), ("opps.csv", opps))
        d = ws.query("SELECT opportunity_id, manager_name FROM v_opportunities").set_index("opportunity_id")
        assert d["manager_name"].to_dict() == {"d1": ADA, "d2": BEN, "d3": ADA}
        assert attribution_rule(ws) == (
            "Deals and quotas are credited to the manager at the time, from the deal rows' own manager column; "
            "1 row names a manager the roster does not know, credited by the next rule.")
    finally:
        ws.close()


def test_a_roster_naming_managers_only_by_name_lets_a_row_name_them_too():
    ws = Workspace()
    try:
        people = _csv(["sales_agent", "manager", "regional_office"],
                      [["Cat Cole", "Ada Able", "East"], ["Gus Gray", "Ben Bold", "West"]])
        opps = _csv(["Opportunity ID", "Owner", "Amount", "Stage", "Close Date", "Manager at Close"],
                    [["d1", "Cat Cole", "10", "Won", "2025-02-01", "Ben Bold"]])
        _load(ws, ("sales_teams.csv", people), ("opps.csv", opps))
        assert ws.scalar("SELECT manager_name FROM v_opportunities WHERE opportunity_id = 'd1'") == BEN
    finally:
        ws.close()


def test_a_managers_deals_at_the_time_do_not_depend_on_the_manager_filter(with_history):
    ws, _ = with_history
    alone = independence_by_manager(ws, Filters(managers=(ADA,))).set_index("manager")
    everyone = independence_by_manager(ws).set_index("manager")
    assert list(alone.index) == [ADA]
    assert alone.loc[ADA, "n_complex_won_not_measured"] == everyone.loc[ADA, "n_complex_won_not_measured"] == 10


def test_a_managers_attainment_does_not_depend_on_the_manager_filter(with_history):
    """Issue 19: a figure must not depend on who else is in the filter. Filtered to Ada, her
    attainment still counts the movers' quota periods of her time (picked by the quota's manager at
    the time, not by the reps' current roster row)."""
    ws, _ = with_history
    whole = attainment_by_manager(ws).set_index("manager")
    for m in (ADA, BEN):
        alone = attainment_by_manager(ws, Filters(managers=(m,))).set_index("manager")
        assert list(alone.index) == [m]
        for col in ("quota", "won_in_quota", "attainment", "n_quota_periods"):
            assert alone.loc[m, col] == whole.loc[m, col], (m, col)
