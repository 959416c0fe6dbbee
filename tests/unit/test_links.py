"""Data health: the links between files (analytics.ingest.links) on tiny workspaces."""

from __future__ import annotations

from analytics.ingest.links import (
    NEAR_MISS,
    NOT_A_PERSON_KIND,
    NOT_IN_ROSTER,
    fold,
    link_health,
    looks_automated,
    near_miss,
)
from analytics.results.overview import headline
from tests.factories import workspace_with

ROSTER = [
    {"person_id": "U1", "name": "Anna Person", "manager": "Max Boss"},
    {"person_id": "U2", "name": "José Álvarez", "manager": "Max Boss"},
    {"person_id": "U3", "name": "Max Boss"},
]


def _deal(i, owner, stage="Closed Won", close="2025-03-31", amount=100.0):  # the quota quarter's last day
    return {"opportunity_id": f"D{i}", "owner": owner, "stage": stage, "amount": amount,
            "created_date": "2025-01-05", "close_date": close, "is_closed": True, "is_won": True}


def _by(links, what, target="roster"):
    return next(lk for lk in links if lk.what == what and lk.target == target)


def test_deal_owners_automation_near_miss_and_missing():
    deals = ([_deal(i, "Anna Person") for i in range(3)] + [_deal(10 + i, "U2") for i in range(2)]
             + [_deal(20 + i, "Renewal Bot") for i in range(5)] + [_deal(30 + i, "A. Person") for i in range(4)]
             + [_deal(40, "alvarez, jose")] + [_deal(50, "Zed Stranger")] + [_deal(60, "# Automated Process")])
    links = link_health(workspace_with(people=ROSTER, opportunities=deals))
    lk = _by(links, "Deal owners")
    assert (lk.n_matched, lk.n_total) == (2, 7)
    assert (lk.rows_matched, lk.rows_total) == (5, 17)
    got = {u.value: (u.rows, u.kind, u.suggestion) for u in lk.unmatched}
    assert got["Renewal Bot"] == (5, NOT_A_PERSON_KIND, None)
    assert got["# Automated Process"] == (1, NOT_A_PERSON_KIND, None)
    assert got["A. Person"] == (4, NEAR_MISS, "Anna Person")
    assert got["alvarez, jose"] == (1, NEAR_MISS, "José Álvarez")
    assert got["Zed Stranger"] == (1, NOT_IN_ROSTER, None)
    assert lk.unmatched[0].value == "Renewal Bot"  # most rows first
    assert "roster" in lk.fix and "automation" in lk.fix


def test_no_roster_every_owner_unmatched_and_the_fix_is_a_roster():
    links = link_health(workspace_with(opportunities=[_deal(1, "Anna Person"), _deal(2, "Anna Person")]))
    lk = _by(links, "Deal owners")
    assert (lk.n_matched, lk.n_total, lk.rows_total) == (0, 1, 2)
    assert lk.unmatched[0].kind == NOT_IN_ROSTER
    assert lk.fix.startswith("Upload a roster")
    assert [x.what for x in links] == ["Deal owners"]  # only links whose tables are loaded


def test_quota_owners_matching_no_deal_owner():
    ws = workspace_with(
        people=ROSTER, opportunities=[_deal(1, "U1"), _deal(2, "U2")],
        quotas=[{"owner": "anna person", "period_start": "2025-01-01", "period_end": "2025-03-31", "amount": 1000},
                {"owner": "JOSE ALVAREZ", "period_start": "2025-01-01", "period_end": "2025-03-31", "amount": 1000}])
    links = link_health(ws)
    to_deals = _by(links, "Quota owners", "deal owners")
    assert (to_deals.n_matched, to_deals.n_total) == (0, 2)
    assert {u.value: u.suggestion for u in to_deals.unmatched} == {"anna person": "Anna Person",
                                                                    "JOSE ALVAREZ": "José Álvarez"}
    assert "same people" in to_deals.fix
    h = headline(ws)
    assert h.quota == 2000 and h.attainment is None
    assert "no quota owner" in h.quota_not_measured


def test_quota_owners_by_id_resolve_like_the_views():
    ws = workspace_with(
        people=ROSTER, opportunities=[_deal(1, "Anna Person")],
        quotas=[{"owner": "U1", "period_start": "2025-01-01", "period_end": "2025-03-31", "amount": 1000}])
    links = link_health(ws)
    assert _by(links, "Quota owners", "deal owners").healthy
    assert _by(links, "Quota owners").healthy and _by(links, "Deal owners").healthy
    h = headline(ws)
    assert h.quota_not_measured is None and h.attainment == 0.1


def test_people_links_of_reviews_coaching_and_surveys():
    ws = workspace_with(
        people=ROSTER,
        reviews=[{"rep": "Anna Person", "reviewer": "Integration User", "cycle": "2025-Q1",
                  "capability": "discovery", "score": 3}],
        coaching_sessions=[{"manager": "Max  Boss", "rep": "U1", "session_date": "2025-01-10"}],
        surveys=[{"respondent": "R-77", "subject_manager": "Max Boss", "item": "x", "score": 4}])
    links = link_health(ws)
    assert _by(links, "Reviewed reps").healthy
    assert _by(links, "Reviewers").unmatched[0].kind == NOT_A_PERSON_KIND
    coach = _by(links, "Coaching managers")
    assert not coach.healthy or coach.n_matched == 1  # text cleaning may already collapse the double space
    assert _by(links, "Coached reps").healthy
    assert _by(links, "Survey respondents").unmatched[0].kind == NOT_IN_ROSTER
    assert _by(links, "Surveyed managers").healthy


def test_patterns_are_word_based():
    assert looks_automated("Sales Insights") and looks_automated("(Deactivated User)")
    assert looks_automated("Platform Integration") and looks_automated("SUPPORT QUEUE")
    assert not looks_automated("Abbott Bottomley") and not looks_automated("Rapinoe Systemova")
    assert fold("Person, Ánna") == "anna person"
    assert near_miss("Bob Nobody", ["Anna Person"]) is None


def test_the_data_page_line_names_the_unmatched_values():
    from ui.data_health import link_line

    deals = ([_deal(i, "Anna Person") for i in range(2)] + [_deal(10 + i, "Renewal Bot") for i in range(3)]
             + [_deal(20 + i, "A. Person") for i in range(2)] + [_deal(30, "Zed Stranger")])
    lk = _by(link_health(workspace_with(people=ROSTER, opportunities=deals)), "Deal owners")
    assert link_line(lk) == ("Deal owners: 1 of 4 in the roster; 'Renewal Bot' on 3 deals, which looks like an "
                             "automation or system user; 'A. Person' on 2 deals, not in the roster (did you mean "
                             "'Anna Person'?); 'Zed Stranger' on 1 deal, not in the roster.")
    hidden = link_line(lk, lambda v: "a name hidden while anonymised")
    assert "Renewal" not in hidden and "Anna" not in hidden and "3 deals" in hidden


def test_value_counts_count_rows_per_value_as_a_join_row_by_row():
    """value_counts groups rows per value before resolving each value once (issue 22): the same
    values, rows, verdicts and names as joining every row to the roster, over owners written by
    ID, name, e-mail, with spaces, blank, missing, unknown, a bot, and quota owners to deal owners."""
    from analytics.store.links import DEAL_OWNERS, LINKS, value_counts
    from analytics.store.schema_sql import quote_ident

    people = [*ROSTER, {"person_id": "U4", "name": "Bea Rep", "email": "bea@example.com", "manager": "Max Boss"},
              {"person_id": "B1", "name": "Renewal Bot"}]
    owners = ["U1", "Anna Person", "bea@example.com", " U1", "", "   ", None, "Nobody", "Renewal Bot", "U2", "B1",
              "José Álvarez", "U4"]
    deals = [_deal(i, owners[i % len(owners)]) for i in range(60)]
    acts = [{"owner": owners[(3 * i) % len(owners)], "activity_date": "2025-02-01"} for i in range(90)]
    quotas = [{"owner": owners[i % len(owners)], "period_start": "2025-01-01", "period_end": "2025-03-31",
               "amount": 1000.0} for i in range(len(owners))]
    ws = workspace_with(people=people, opportunities=deals, activities=acts, quotas=quotas)

    def row_by_row(table, column, target):
        t, col = quote_ident(table), quote_ident(column)
        ok = (f"coalesce(r.name, x.{col}) IN (SELECT owner_name FROM v_opportunities WHERE owner_name IS NOT NULL)"
              if target == DEAL_OWNERS else "r.ref IS NOT NULL")
        return ws.query(f"""SELECT x.{col} AS v, count(*) AS n, bool_or({ok}) AS ok,
                                   any_value(coalesce(r.name, x.{col})) AS shown
                            FROM {t} x LEFT JOIN v_person_ref r ON r.ref = x.{col}
                            WHERE nullif(trim(x.{col}), '') IS NOT NULL GROUP BY 1""")

    checked = 0
    for table, column, _, _, target, _ in LINKS:
        if table not in ("opportunities", "activities", "quotas"):
            continue
        expected = sorted((str(v), int(n), bool(ok), str(s)) for v, n, ok, s in
                          row_by_row(table, column, target).itertuples(index=False))
        assert sorted(value_counts(ws, table, column, target)) == expected
        assert any(not ok for _, _, ok, _ in expected) and any(ok for _, _, ok, _ in expected)
        checked += 1
    assert checked == 4


def test_link_status_counts_as_summed_value_by_value():
    """link_status counts each link as value_counts' rows summed one by one, with the bots left
    out (or, with the setting, kept), on owners by ID, name, e-mail, blank, unknown and bots
    (written for a faster link_status in issue 22 that measured no faster and was left out)."""
    from analytics import schema
    from analytics.store.links import DEAL_OWNERS, LINKS, link_status, value_counts

    people = [*ROSTER, {"person_id": "U4", "name": "Bea Rep", "email": "bea@example.com", "manager": "Max Boss"},
              {"person_id": "B1", "name": "Renewal Bot"}]
    owners = ["U1", "Anna Person", "bea@example.com", " U1", "", None, "Nobody", "Renewal Bot", "B1",
              "Integration User", "José Álvarez", "U4"]
    deals = [_deal(i, owners[i % len(owners)]) for i in range(60)]
    acts = [{"owner": owners[(5 * i) % len(owners)], "activity_date": "2025-02-01"} for i in range(90)]
    quotas = [{"owner": owners[i % len(owners)], "period_start": "2025-01-01", "period_end": "2025-03-31",
               "amount": 1000.0} for i in range(len(owners))]
    sessions = [{"manager": ["Max Boss", "U3", "Sales Ops Bot", "Nobody"][i % 4], "rep": owners[i % len(owners)],
                 "session_date": "2025-02-01"} for i in range(20)]
    ws = workspace_with(people=people, opportunities=deals, activities=acts, quotas=quotas,
                        coaching_sessions=sessions)
    for include in (False, True):
        ws.include_non_person_owners(include)
        got = link_status(ws)
        expected = {}
        for table, column, _, _, target, _ in LINKS:
            values = value_counts(ws, table, column, target) if ws.counts().get(table) else []
            if not values or (target == DEAL_OWNERS and not ws.counts().get("opportunities")):
                continue
            if not include:
                values = [v for v in values if not schema.looks_automated(v[3])]
            expected[(table, column, target)] = (sum(ok for _, _, ok, _ in values), len(values),
                                                 sum(n for _, n, ok, _ in values if ok), sum(n for _, n, _, _ in values))
        assert {k: (s.n_matched, s.n_total, s.rows_matched, s.rows_total) for k, s in got.items()} == expected
        assert all(type(x) is int for s in got.values() for x in (s.n_matched, s.rows_matched, s.rows_total))
        assert len(expected) == 6 and any(m < t for m, t, _, _ in expected.values())
