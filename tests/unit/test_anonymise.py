"""The anonymised copy of a workspace: no real name left anywhere, same numbers, stable
pseudonyms, accounts and amounts hidden on request."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import kpis, people, schema
from analytics.anonymise import AnonymiseOptions, Pseudonyms, anonymise
from analytics.dials import diagnosis
from analytics.filters import Filters
from analytics.workspace import Workspace, quote_ident
from tests.factories import workspace_with

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
DEMO_PEOPLE = pd.read_csv(DEMO / "people.csv")
DEMO_ACCOUNTS = pd.read_csv(DEMO / "accounts.csv")
WORD = re.compile(r"[^\W_]+")


# ----------------------------------------------------------------------------- helpers
def all_text(ws: Workspace) -> str:
    """Every distinct value of every VARCHAR column of every table and view, one per line."""
    cols = ws.query("SELECT table_name, list(column_name) AS cols FROM duckdb_columns() "
                    "WHERE NOT internal AND data_type = 'VARCHAR' GROUP BY table_name")
    assert {"people", "opportunities", "v_opportunities", "v_people", "v_quotas", "v_activities"} <= set(cols["table_name"])
    values: set[str] = set()
    for t, names in cols.itertuples(index=False):
        listed = ", ".join(quote_ident(c) for c in names)
        values.update(ws.con.execute(
            f"SELECT DISTINCT v FROM (SELECT unnest([{listed}]) AS v FROM {quote_ident(t)}) WHERE v IS NOT NULL"
        ).fetchnumpy()["v"].tolist())
    return "\n".join(values)


def leaks(ws: Workspace | str, names, emails=(), min_token: int = 4) -> dict[str, set[str]]:
    """Real full names and e-mails found anywhere (as substrings), and first or last names of
    ``min_token`` letters or more found as whole words (in a workspace, or its :func:`all_text`)."""
    text = (ws if isinstance(ws, str) else all_text(ws)).casefold()
    words = set(WORD.findall(text))
    tokens = {w.casefold() for n in names for w in WORD.findall(n) if len(w) >= min_token}
    return {
        "names": {n for n in names if n.casefold() in text},
        "emails": {e for e in emails if e.casefold() in text},
        "tokens": tokens & words,
    }


def assert_no_leaks(found: dict[str, set[str]]) -> None:
    assert found == {"names": set(), "emails": set(), "tokens": set()}


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def anon(demo_ws):
    """The demo with people hidden (one copy per module), and the time it took."""
    start = time.perf_counter()
    ws, names = anonymise(demo_ws, AnonymiseOptions(salt="workshop-1"))
    elapsed = time.perf_counter() - start
    yield ws, names, elapsed
    ws.close()


@pytest.fixture(scope="module")
def anon_all(demo_ws):
    """The demo with people, accounts and amounts hidden."""
    ws, names = anonymise(demo_ws, AnonymiseOptions(accounts=True, amounts_as_index=True, salt="workshop-2"))
    yield ws, names
    ws.close()


@pytest.fixture(scope="module")
def maven(maven_ws):
    return maven_ws


# ----------------------------------------------------------------------------- the demo, people only
def test_no_real_name_email_or_name_token_is_left_anywhere(anon):
    ws, _, _ = anon
    assert_no_leaks(leaks(ws, DEMO_PEOPLE["name"], DEMO_PEOPLE["email"]))


def test_it_is_fast_and_a_new_workspace(anon, demo_ws):
    ws, _, elapsed = anon
    assert ws is not demo_ws and ws.con is not demo_ws.con and ws.id != demo_ws.id
    assert ws.label == demo_ws.label + " (anonymised)"
    assert ws.source == demo_ws.source and ws.version == demo_ws.version


def test_the_real_workspace_is_untouched(anon, demo_ws):
    assert demo_ws.scalar("SELECT count(*) FROM people WHERE name = 'Luis Yilmaz'") == 1
    assert demo_ws.scalar("SELECT count(*) FROM opportunities WHERE owner LIKE 'Rep %'") == 0


def test_row_counts_stage_map_and_import_log_are_copied(anon, demo_ws):
    ws, _, _ = anon
    assert ws.counts() == demo_ws.counts()
    pd.testing.assert_frame_equal(ws.stage_map(), demo_ws.stage_map())
    real_log, anon_log = demo_ws.import_log(), ws.import_log()
    assert len(anon_log) == len(real_log)
    pd.testing.assert_frame_equal(anon_log.drop(columns="file"), real_log.drop(columns="file"))


def test_everything_but_people_is_unchanged(anon, demo_ws):
    ws, _, _ = anon
    sql = ("SELECT opportunity_id, account, amount, stage, created_date, close_date, product, segment "
           "FROM opportunities ORDER BY opportunity_id")
    pd.testing.assert_frame_equal(ws.query(sql), demo_ws.query(sql))
    cols = ", ".join(c for c in schema.table("activities").column_names if c != "owner")
    sql = f"SELECT count(*), sum(hash({cols})::HUGEINT) FROM activities"  # row by row, in one number
    assert ws.con.execute(sql).fetchone() == demo_ws.con.execute(sql).fetchone()
    sql = "SELECT region, team, role, start_date, end_date FROM people ORDER BY person_id"
    assert sorted(map(str, ws.query(sql).itertuples(index=False))) == sorted(
        map(str, demo_ws.query(sql).itertuples(index=False)))


def test_one_pseudonym_per_person_with_the_right_role(anon):
    ws, names, _ = anon
    roster = DEMO_PEOPLE
    for r in roster.itertuples():
        shown = names.people[r.name]
        assert names.people[r.person_id] == shown
        assert names.people[r.email] == shown.lower().replace(" ", "") + "@example.invalid"
        expected = {"Sales Director": "Director ", "Sales Manager": "Manager "}.get(r.role, "Rep ")
        assert shown.startswith(expected), (r.name, shown)
    roster_shown = {names.people[n] for n in roster["name"]}
    assert len(roster_shown) == len(roster)  # nobody shares a pseudonym
    assert sorted(n for n in roster_shown if n.startswith("Director")) == ["Director 01", "Director 02", "Director 03"]
    assert sorted(n for n in roster_shown if n.startswith("Manager")) == [f"Manager {i:02d}" for i in range(1, 16)]
    assert sorted(n for n in roster_shown if n.startswith("Rep")) == [f"Rep {i:03d}" for i in range(1, 124)]
    # a manager column still resolves to that person
    got = ws.query("SELECT name, manager_name FROM v_people WHERE manager_name IS NOT NULL")
    real = dict(zip(roster["name"], roster["manager"], strict=True))
    back = {v: k for k, v in names.people.items() if k in real}
    assert all(names.people[real[back[n]]] == m for n, m in got.itertuples(index=False))


def test_numbering_follows_the_salt_not_the_alphabet(demo_ws, anon):
    _, first, _ = anon
    _, again = anonymise(demo_ws, AnonymiseOptions(salt="workshop-1"))
    _, other = anonymise(demo_ws, AnonymiseOptions(salt="another session"))
    assert again.people == first.people
    assert other.people != first.people
    # the same roles, only renumbered
    def roles(names):
        return {k: re.match(r"[a-z]+", v.lower()).group() for k, v in names.people.items()}

    assert roles(other) == roles(first)
    reps = sorted(n for n in DEMO_PEOPLE["name"] if first.people[n].startswith("Rep"))
    assert [first.people[n] for n in reps] != sorted(first.people[n] for n in reps)


def test_the_diagnosis_has_the_same_numbers_under_other_names(anon, demo_ws):
    ws, names, _ = anon
    real, shown = diagnosis(demo_ws), diagnosis(ws)
    assert len(real) == len(shown) == 15
    renamed = real.assign(manager=real["manager"].map(names.people).astype(object))
    assert renamed["manager"].notna().all()
    key = ["manager"]
    pd.testing.assert_frame_equal(renamed.sort_values(key, ignore_index=True),
                                  shown.sort_values(key, ignore_index=True))
    heroes = shown.loc[shown["hero"].eq(True), "manager"]
    assert len(heroes) >= 1 and heroes.str.startswith("Manager ").all()
    assert set(heroes) == set(renamed.loc[renamed["hero"].eq(True), "manager"])


def test_filters_translate_both_ways_and_select_the_same_people(anon, demo_ws):
    ws, names, _ = anon
    real = Filters(regions=("EMEA",), teams=("SMB EMEA", "Mid-Market Northern Europe"),
                   managers=("Connor Walsh", "Owen Gupta"), products=("Pulse Starter",))
    fwd = names.forward(real)
    assert fwd.managers == (names.people["Connor Walsh"], names.people["Owen Gupta"])
    assert fwd.teams == real.teams and fwd.regions == real.regions and fwd.products == real.products
    assert names.backward(fwd) == real
    assert names.forward(Filters()) == Filters() == names.backward(Filters())
    got, want = people.reps(ws, fwd), people.reps(demo_ws, real)
    assert len(got) == len(want) > 0
    assert sorted(got["rep"]) == sorted(want["rep"].map(names.people))


def test_scrub_replaces_full_names_then_name_tokens(anon):
    _, names, _ = anon
    text = names.scrub("Call with CONNOR WALSH, then Owen about Søren's deal (luis.yilmaz@northwindcloud.example)")
    assert text == (f"Call with {names.people['Connor Walsh']}, then [name] about [name]'s deal "
                    f"({names.people['luis.yilmaz@northwindcloud.example']})")
    assert names.scrub("Pipeline review") == "Pipeline review"


# ----------------------------------------------------------------------------- accounts and amounts
def account_stems(name: str) -> str:
    """The account name as deal names quote it (without the legal suffix)."""
    return re.sub(r"\s+(\(Pty\) Ltd|Pty Ltd|Pvt Ltd|Pte Ltd|Sdn Bhd|Co\., Ltd\.|Inc\.|Ltd|GmbH|AG|AB|A/S|B\.V\.|AS"
                  r"|S\.L\.|S\.p\.A\.|Lda|SAS|LLC|K\.K\.|S\.A\.)$", "", name)


def test_accounts_hidden_leave_no_account_name(anon_all, demo_ws):
    ws, names = anon_all
    full = list(DEMO_ACCOUNTS["name"])
    stems = {account_stems(n) for n in full}
    assert sum(s not in full for s in stems) == len(full)  # every name had its suffix removed
    text = all_text(ws)
    folded = text.casefold()
    assert [n for n in full if n.casefold() in folded] == []
    assert [s for s in stems if s.casefold() in folded] == []
    assert_no_leaks(leaks(text, DEMO_PEOPLE["name"], DEMO_PEOPLE["email"]))
    # the deal's account still resolves, one pseudonym per account
    sql = "SELECT count(account_name) AS n, count(DISTINCT account_name) AS d FROM v_opportunities"
    assert ws.query(sql).equals(demo_ws.query(sql))
    assert ws.scalar("SELECT count(*) FROM v_opportunities WHERE account_name NOT LIKE 'Account ____'") == 0
    one = DEMO_ACCOUNTS.iloc[0]
    assert names.accounts[one["account_id"]] == names.accounts[one["name"]]
    deal = ws.query("SELECT name, account_name FROM v_opportunities WHERE opportunity_id = 'OPP-000001'").iloc[0]
    assert deal["name"] == f"{deal['account_name']} - Pulse Enterprise"


def test_accounts_stay_unless_asked(anon, demo_ws):
    ws, names, _ = anon
    assert names.accounts == {}
    sql = "SELECT account_id, name, parent FROM accounts ORDER BY account_id"
    pd.testing.assert_frame_equal(ws.query(sql), demo_ws.query(sql))


def test_amounts_as_index_keep_every_ratio(anon_all, demo_ws):
    ws, names = anon_all
    won = "SELECT median(amount) FROM v_opportunities WHERE is_won AND amount IS NOT NULL"
    assert ws.scalar(won) == pytest.approx(100, abs=1e-9)
    assert names.money_factor == pytest.approx(100 / demo_ws.scalar(won), rel=1e-12)
    real = kpis.outcome_totals(demo_ws, level="team")
    shown = kpis.outcome_totals(ws, level="team")
    real = real.assign(manager=real["manager"].map(names.people)).sort_values("manager", ignore_index=True)
    shown = shown.sort_values("manager", ignore_index=True)
    assert list(real["manager"]) == list(shown["manager"])
    for col in ("attainment", "win_rate", "won", "lost", "cycle_length_days"):
        np.testing.assert_allclose(shown[col], real[col], rtol=1e-9)
    for col in ("revenue", "quota", "avg_deal_size"):
        np.testing.assert_allclose(shown[col], real[col] * names.money_factor, rtol=1e-9)
    sql = "SELECT sum(annual_revenue) FROM accounts"
    assert ws.scalar(sql) == pytest.approx(demo_ws.scalar(sql) * names.money_factor)


def test_without_amounts_nothing_is_scaled(anon, demo_ws):
    ws, names, _ = anon
    assert names.money_factor is None
    sql = "SELECT sum(amount) FROM opportunities"
    assert ws.scalar(sql) == demo_ws.scalar(sql)


# ----------------------------------------------------------------------------- small cases
def small_workspace() -> Workspace:
    return workspace_with(
        people=[
            {"person_id": "U1", "name": "Ann Lee", "manager": "U9", "team": "Max Muster's Team", "email": "ann@corp.example"},
            {"person_id": "U2", "name": "Bea Hart", "manager": "Max Muster", "team": "Team Ann"},
            {"person_id": "U3", "name": "Cy Ode", "manager": "Max Muster", "team": "Team Bea"},
            {"person_id": "U9", "name": "Max Muster", "team": "Leadership"},
        ],
        accounts=[{"account_id": "A1", "name": "Globex Ltd"}],
        opportunities=[
            {"opportunity_id": "O1", "name": "Globex - Zed Quinlan's renewal", "owner": "Zed Quinlan",
             "account": "A1", "stage": "Closed Won", "amount": 10.0},
            {"opportunity_id": "O2", "name": "New deal", "owner": "U1", "account": "Globex Ltd",
             "stage": "Closed Won", "amount": 30.0},
            {"opportunity_id": "O3", "name": "Expansion", "owner": "ann lee", "stage": "Prospecting", "amount": 5.0},
        ],
        activities=[{"activity_id": "T1", "owner": "Ann Lee", "activity_date": "2025-01-02",
                     "subject": "Call Jane Buyer, cc ann@corp.example and x@other.example",
                     "attendees": "Max Muster; U1 ,Zed Quinlan", "opportunity_id": "O1"}],
        surveys=[
            {"respondent": "R-1", "subject_manager": "Max Muster", "item": "Max gives me direction", "score": 4},
            {"respondent": "Max Muster", "respondent_role": "manager", "subject_manager": "U9",
             "item": "I coach my reps", "score": 5},
            {"respondent": "Olga Stern", "subject_manager": "Max Muster", "item": "I trust the plan", "score": 3},
        ],
        contacts=[{"contact_id": "C1", "name": "Jane Buyer", "email": "jane@globex.example", "account": "A1"}],
        leads=[{"lead_id": "L1", "name": "Joe Prospect", "company": "Initech", "owner": "Bea Hart"}],
    )


@pytest.fixture(scope="module")
def small():
    ws = small_workspace()
    anon_ws, names = anonymise(ws, AnonymiseOptions(salt="s"))
    yield ws, anon_ws, names
    ws.close()
    anon_ws.close()


def test_an_unknown_owner_is_a_person_and_disappears(small):
    ws, anon_ws, names = small
    assert names.people["Zed Quinlan"] == "Person 001"
    assert names.people["Max Muster"] == "Manager 01" and names.people["U9"] == "Manager 01"
    assert {names.people[n] for n in ("Ann Lee", "Bea Hart", "Cy Ode")} == {"Rep 001", "Rep 002", "Rep 003"}
    real = ["Ann Lee", "Bea Hart", "Cy Ode", "Max Muster", "Zed Quinlan", "Olga Stern", "Jane Buyer", "Joe Prospect"]
    emails = ["ann@corp.example", "jane@globex.example", "x@other.example"]
    found = leaks(ws, real, emails, min_token=3)  # the scan sees every one in the real workspace
    assert found["names"] == set(real) and found["emails"] == set(emails) and len(found["tokens"]) == 15  # not "Cy"
    assert_no_leaks(leaks(anon_ws, real, emails, min_token=3))
    owner = anon_ws.query("SELECT owner_name FROM v_opportunities WHERE opportunity_id = 'O1'").iloc[0, 0]
    assert owner == "Person 001"


def test_a_reference_in_other_letter_case_keeps_its_case(small):
    ws, anon_ws, names = small
    ann = names.people["Ann Lee"]
    assert names.people["ann lee"] == ann.lower()
    # unresolved in both workspaces: no roster attributes either way
    sql = "SELECT owner_name, manager_name FROM v_opportunities WHERE opportunity_id = 'O3'"
    assert ws.query(sql).iloc[0].tolist() == ["ann lee", None]
    assert anon_ws.query(sql).iloc[0].tolist() == [ann.lower(), None]


def test_attendees_surveys_contacts_and_leads(small):
    _, anon_ws, names = small
    p = names.people
    assert anon_ws.scalar("SELECT attendees FROM activities") == f"{p['Max Muster']}; {p['U1']} ,{p['Zed Quinlan']}"
    assert anon_ws.scalar("SELECT subject FROM activities") == (
        f"Call Contact 0001, cc {p['ann@corp.example']} and [email]")
    surveys = anon_ws.query("SELECT respondent, subject_manager, item FROM surveys ORDER BY score")
    assert surveys.values.tolist() == [
        [p["Olga Stern"], p["Max Muster"], "I trust the plan"],
        ["R-1", p["Max Muster"], "[name] gives me direction"],
        [p["Max Muster"], p["Max Muster"], "I coach my reps"],
    ]
    assert p["Olga Stern"].startswith("Person ")
    assert anon_ws.query("SELECT name, email FROM contacts").values.tolist() == [["Contact 0001", None]]
    assert anon_ws.query("SELECT name, company, owner FROM leads").values.tolist() == [
        ["Lead 0001", "Initech", p["Bea Hart"]]]


def test_team_names_lose_names_but_never_merge(small):
    _, anon_ws, names = small
    assert names.teams == {"Leadership": "Leadership", "Max Muster's Team": "Manager 01's Team",
                           "Team Ann": "Team [name]", "Team Bea": "Team [name] (2)"}
    f = Filters(teams=("Team Bea",), managers=("Max Muster",))
    assert names.forward(f) == Filters(teams=("Team [name] (2)",), managers=("Manager 01",))
    assert names.backward(names.forward(f)) == f
    assert sorted(anon_ws.query("SELECT DISTINCT team FROM people")["team"]) == sorted(names.teams.values())


def test_small_accounts_and_amounts(small):
    ws, _, _ = small
    anon_ws, names = anonymise(ws, AnonymiseOptions(accounts=True, amounts_as_index=True))
    try:
        globex = names.accounts["A1"]
        assert names.accounts["Globex Ltd"] == globex and globex in ("Account 0001", "Account 0002")
        assert {names.accounts["Initech"], globex} == {"Account 0001", "Account 0002"}
        assert anon_ws.con.execute("SELECT name, account_name FROM v_opportunities ORDER BY opportunity_id").fetchall() == [
            (f"{globex} - Person 001's renewal", globex),
            ("New deal", globex),
            ("Expansion", None),
        ]
        assert anon_ws.scalar("SELECT account FROM contacts") == globex
        assert anon_ws.scalar("SELECT company FROM leads") == names.accounts["Initech"]
        assert names.money_factor == pytest.approx(100 / 20)  # median of the won 10 and 30
        assert anon_ws.query("SELECT amount FROM opportunities ORDER BY opportunity_id")["amount"].tolist() == [
            pytest.approx(50), pytest.approx(150), pytest.approx(25)]
        assert names.scrub("Globex quote") == f"{globex} quote"
    finally:
        anon_ws.close()


def test_money_factor_falls_back_and_an_empty_workspace_copies():
    ws = workspace_with(quotas=[{"owner": "Ann", "period_start": "2025-01-01", "period_end": "2025-03-31",
                                 "amount": 400.0}])
    anon_ws, names = anonymise(ws, AnonymiseOptions(amounts_as_index=True))
    assert names.money_factor == pytest.approx(0.25)
    assert anon_ws.scalar("SELECT amount FROM quotas") == pytest.approx(100)
    empty, nothing = anonymise(Workspace(), AnonymiseOptions(amounts_as_index=True, accounts=True))
    assert empty.is_empty and nothing.money_factor is None and nothing.people == {}
    assert isinstance(nothing, Pseudonyms)


# ----------------------------------------------------------------------------- a real export
def test_the_maven_export_keeps_no_agent_or_manager_name(maven, real_data):
    teams = pd.read_csv(real_data / "maven-crm" / "sales_teams.csv")
    real = sorted(set(teams["sales_agent"]) | set(teams["manager"]))
    found = leaks(maven, real)
    assert len(found["names"]) == len(real)  # the scan sees them in the real import
    anon_ws, names = anonymise(maven, AnonymiseOptions(salt="maven"))
    try:
        assert_no_leaks(leaks(anon_ws, real))
        assert anon_ws.counts() == maven.counts()
        # the six managers are not roster rows but manage reps: Manager, not Person
        assert sorted(names.people[m] for m in set(teams["manager"])) == [f"Manager {i:02d}" for i in range(1, 7)]
        assert all(names.people[a].startswith("Rep ") for a in teams["sales_agent"])
        sql = "SELECT owner_name, sum(amount) AS won FROM v_opportunities WHERE is_won GROUP BY 1"
        real_won = maven.query(sql).assign(owner_name=lambda d: d["owner_name"].map(names.people))
        pd.testing.assert_frame_equal(real_won.sort_values("owner_name", ignore_index=True),
                                      anon_ws.query(sql).sort_values("owner_name", ignore_index=True))
    finally:
        anon_ws.close()


def test_a_deal_named_after_the_start_of_its_account_loses_it():
    ws = workspace_with(
        accounts=[{"account_id": "A7", "name": "United Oil & Gas Corp."}],
        opportunities=[{"opportunity_id": "O1", "name": "United Oil Refinery Generators", "account": "A7",
                        "stage": "Prospecting"},
                       {"opportunity_id": "O2", "name": "Refinery SLA", "account": "A7", "stage": "Prospecting"}])
    anon_ws, names = anonymise(ws, AnonymiseOptions(accounts=True))
    try:
        assert names.accounts == {"A7": "Account 0001", "United Oil & Gas Corp.": "Account 0001"}
        assert anon_ws.con.execute("SELECT name FROM opportunities ORDER BY 1").fetchall() == [
            ("Account 0001 Refinery Generators",), ("Refinery SLA",)]
    finally:
        anon_ws.close()
        ws.close()
