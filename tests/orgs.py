"""Whole organisations as their tools export them (issue 18's acceptance scenario), generated and
seeded, with invented names: a Dynamics 365 org, a Salesforce org (Data Loader exports with
relationship headers) and a HubSpot + HR org. Each is a list of ``(file name, bytes)`` uploaded
together, and :func:`upload` drives them through the Data page's path: every file analysed
(``analyse_file``), the recognised ones loaded as recognised, the asked ones loaded with the
preselected first guess (table, columns and, for a wide ratings file, the ticked columns), all in
one batch (``import_files``), exactly as the Load button does.

Every org has one manager and :data:`N_SELLERS` sellers, an automation user that owns
:data:`BOT_DEALS` deals, and a seller missing from the user file who owns :data:`MISSING_DEALS`.
Each seller wins :data:`WON_PER_QUARTER` deals of :data:`WON_AMOUNT` per quarter of 2025 against a
quarterly quota of :data:`QUOTA`, so attainment is exactly :data:`ATTAINMENT`.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
from collections import Counter
from dataclasses import dataclass

from analytics.ingest.pipeline import FileAnalysis, ImportJob, ImportReport, analyse_file, import_files
from analytics.store.workspace import Workspace

SEED = 18
N_SELLERS = 12
BOT_DEALS = 229
MISSING_DEALS = 37
WON_PER_QUARTER = 3
WON_AMOUNT = 20_000.0
QUOTA = 100_000.0
ATTAINMENT = WON_PER_QUARTER * WON_AMOUNT / QUOTA  # 0.6
QUARTERS = (("Q1", "2025-01-01", "2025-03-31"), ("Q2", "2025-04-01", "2025-06-30"),
            ("Q3", "2025-07-01", "2025-09-30"), ("Q4", "2025-10-01", "2025-12-31"))
#: invented names (syllables, not people)
FIRST = ("Arlo", "Brisa", "Caddo", "Delphi", "Esker", "Fennel", "Galen", "Hollis", "Ivo", "Jory", "Kestrel",
         "Larkin", "Merrit", "Nolwe", "Orrin", "Pell")
LAST = ("Ambervale", "Brackwater", "Cindergate", "Dunmorrow", "Elmsridge", "Fallowby", "Greythorn", "Harrowmere",
        "Ivelsworth", "Juniperly", "Kettleburn", "Lowenfell", "Marshcombe", "Nettlefold", "Oakhollow")


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    key: str  # the tool's own ID

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def email(self) -> str:
        return f"{self.first}.{self.last}@example.com".lower()


@dataclass(frozen=True)
class Cast:
    manager: Person
    sellers: tuple[Person, ...]
    missing: Person  # owns deals, absent from the user file
    bot: str  # the automation user's name as the deal files write it


def cast(seed: int = SEED, id_of=lambda r, i: str(uuid.UUID(int=r.getrandbits(128)))) -> Cast:
    r = random.Random(seed)
    firsts, lasts = r.sample(FIRST, N_SELLERS + 2), r.sample(LAST, N_SELLERS + 2)
    people = [Person(f, ln, id_of(r, i)) for i, (f, ln) in enumerate(zip(firsts, lasts, strict=True))]
    return Cast(people[0], tuple(people[1:N_SELLERS + 1]), people[N_SELLERS + 1], "# Renewal Bot")


def csv_bytes(headers: list[str], rows: list[list], sep: str = ",", bom: bool = False) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    w.writerow(headers)
    w.writerows(rows)
    return ("\ufeff" if bom else "").encode() + buf.getvalue().encode()


def deal_plan(c: Cast, seed: int = SEED) -> list[dict]:
    """Every deal of an org, tool-neutral: owner (a Person or the bot's name), outcome, amount, dates."""
    r = random.Random(seed + 1)
    deals = []
    for s in c.sellers:
        for q, start, _end in QUARTERS:
            for k in range(WON_PER_QUARTER + 2):  # three won, one lost, one open
                outcome = ("won", "won", "won", "lost", "open")[k]
                month = int(start[5:7]) + k % 3
                deals.append({"owner": s, "outcome": outcome, "amount": WON_AMOUNT if outcome == "won"
                              else float(r.randrange(5, 60) * 1000), "created": f"2025-{month:02d}-02",
                              "closed": f"2025-{month:02d}-{10 + k:02d}" if outcome != "open" else "",
                              "expected": f"2025-{month:02d}-{10 + k:02d}", "topic": f"{s.last} {q} deal {k + 1}"})
    for i in range(BOT_DEALS):
        month = 1 + i % 12
        deals.append({"owner": c.bot, "outcome": "won", "amount": float(r.randrange(1, 9) * 1000),
                      "created": f"2025-{month:02d}-01", "closed": f"2025-{month:02d}-{1 + i % 27:02d}",
                      "expected": f"2025-{month:02d}-{1 + i % 27:02d}", "topic": f"Auto-renewal {i + 1}"})
    for i in range(MISSING_DEALS):
        month = 1 + i % 12
        outcome = "won" if i % 2 else "lost"
        deals.append({"owner": c.missing, "outcome": outcome, "amount": 15_000.0,
                      "created": f"2025-{month:02d}-03", "closed": f"2025-{month:02d}-{5 + i % 20:02d}",
                      "expected": f"2025-{month:02d}-{5 + i % 20:02d}", "topic": f"{c.missing.last} deal {i + 1}"})
    r.shuffle(deals)
    return deals


def _us(iso: str) -> str:
    return f"{int(iso[5:7])}/{int(iso[8:10])}/{iso[:4]}" if iso else ""


# --------------------------------------------------------------------------- Dynamics 365


def dynamics_files(c: Cast | None = None, quota_owner=lambda p: p.name) -> list[tuple[str, bytes]]:
    """User.csv, Opportunity.csv, Goal.csv and Territory.csv as Dynamics 365's Export to Excel (saved
    as CSV) writes them: hidden ``(Do Not Modify)`` key, checksum and modified-on columns first, lookups
    written as the record's name, US dates. ``quota_owner`` writes a goal's owner (to break the link)."""
    c = c or cast()
    r = random.Random(SEED + 2)

    def hidden(key: str) -> list[str]:
        return [key, f"{r.getrandbits(60):x}==", f"{r.randint(1, 12)}/{r.randint(1, 28)}/2025 {r.randint(1, 12)}:"
                                                  f"{r.choice(('00', '15', '30'))} {r.choice(('AM', 'PM'))}"]

    territories = ("North", "South", "East", "West")
    users = [[*hidden(c.manager.key), c.manager.first, c.manager.last, c.manager.email, "", "Sales Manager",
              "Sales EMEA", "EMEA"]]
    users += [[*hidden(s.key), s.first, s.last, s.email, c.manager.name, "Account Executive", "Sales EMEA",
               territories[i % 4]] for i, s in enumerate(c.sellers)]
    first, _, last = c.bot.partition(" ")
    users.append([*hidden(str(uuid.UUID(int=r.getrandbits(128)))), first, last, "", c.manager.name, "",
                  "Sales EMEA", ""])  # an application user, set under the manager by an admin
    user_csv = csv_bytes(["(Do Not Modify) User", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On",
                          "First Name", "Last Name", "Primary Email", "Manager", "Title", "Business Unit",
                          "Territory"], users)

    status = {"won": ("Won", "Won", "100"), "lost": ("Lost", "Canceled", "0"), "open": ("Open", "In Progress", "40")}
    opps = []
    for d in deal_plan(c):
        owner = d["owner"].name if isinstance(d["owner"], Person) else d["owner"]
        st, reason, prob = status[d["outcome"]]
        actual = f"{d['amount']:,.2f}" if d["outcome"] == "won" else ""
        opps.append([*hidden(str(uuid.UUID(int=r.getrandbits(128)))), d["topic"], f"Customer {r.randint(1, 80)}",
                     _us(d["expected"]), f"{d['amount']:,.2f}", actual, _us(d["closed"]), prob, st, reason, owner])
    opp_csv = csv_bytes(["(Do Not Modify) Opportunity", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On",
                         "Topic", "Potential Customer", "Est. Close Date", "Est. Revenue", "Actual Revenue",
                         "Actual Close Date", "Probability", "Status", "Status Reason", "Owner"], opps)

    goals = []
    for q, start, end in QUARTERS:
        team = f"Team Sales {q} FY2025"
        goals.append([*hidden(str(uuid.UUID(int=r.getrandbits(128)))), team, c.manager.name, _us(start), _us(end),
                      f"{QUOTA * N_SELLERS:,.2f}", "", "Yes"])
        for s in c.sellers:
            goals.append([*hidden(str(uuid.UUID(int=r.getrandbits(128)))), f"Sales {q} FY2025 - {s.first}",
                          quota_owner(s), _us(start), _us(end), f"{QUOTA:,.2f}", team, "No"])
    goal_csv = csv_bytes(["(Do Not Modify) Goal", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On",
                          "Name", "Goal Owner", "From", "To", "Target (Money)", "Parent Goal",
                          "Rollup Only from Child Goals"], goals)

    terr = [[*hidden(str(uuid.UUID(int=r.getrandbits(128)))), "EMEA", c.manager.name, ""]]
    terr += [[*hidden(str(uuid.UUID(int=r.getrandbits(128)))), t, c.manager.name, "EMEA"] for t in territories]
    terr_csv = csv_bytes(["(Do Not Modify) Territory", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On",
                          "Name", "Manager", "Parent"], terr)
    return [("User.csv", user_csv), ("Opportunity.csv", opp_csv), ("Goal.csv", goal_csv),
            ("Territory.csv", terr_csv)]


# --------------------------------------------------------------------------- the Data page's path


@dataclass
class Upload:
    """What the Data page would have done with each file of an org."""

    analyses: dict[str, FileAnalysis]
    outcomes: dict[str, tuple[str, str | None]]  # file -> (silent/asked, the table taken or first guess)
    reports: dict[str, ImportReport]

    def counts(self, expected: dict[str, str]) -> Counter:
        """silent-right, asked-right, asked-wrong, silent-wrong against ``expected`` (file -> table)."""
        return Counter(f"{how}-{'right' if table == expected[f] else 'wrong'}"
                       for f, (how, table) in self.outcomes.items())


def upload(ws: Workspace, files: list[tuple[str, bytes]]) -> Upload:
    """Analyse every file and load them in one batch as the Data page's Load button does: a recognised
    file as recognised, an asked one under its preselected first guess (never another choice)."""
    analyses, outcomes, jobs = {}, {}, []
    for name, data in files:
        a = analyse_file(name, data)
        analyses[name] = a
        rec = a.recognition
        assert a.error is None and rec is not None and rec.table is not None, (name, a.error)
        outcomes[name] = ("silent" if rec.recognised else "asked", rec.table)
        ticked = a.ratings.ticked if a.ratings is not None else None
        jobs.append(ImportJob(a, rec.table, dict(rec.mapping), ticked))
    reports = {rep.file: rep for rep in import_files(ws, jobs)}
    return Upload(analyses, outcomes, reports)


# --------------------------------------------------------------------------- Salesforce


def _sfid(prefix: str, r: random.Random) -> str:
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return prefix + "".join(r.choice(chars) for _ in range(15 - len(prefix))) + "AAA"


def salesforce_cast() -> Cast:
    r = random.Random(SEED + 3)
    c = cast(SEED + 3, id_of=lambda _r, i: _sfid("005", r))
    return Cast(c.manager, c.sellers, c.missing, "Platform Integration")


def salesforce_files(c: Cast | None = None) -> list[tuple[str, bytes]]:
    """Data Loader exports of a Salesforce org: User (FirstName, LastName, Email, UserRoleId; no Name,
    no ManagerId: the managers come from the role hierarchy), UserRole, Opportunity with relationship
    headers (Owner.Name, Owner.Email), Task whose owner is written as the user's external ID
    (Owner.External_Id__c) and ForecastingQuota (QuotaOwnerId, one StartDate per quarter)."""
    c = c or salesforce_cast()
    r = random.Random(SEED + 4)
    manager_role, seller_role = _sfid("00E", r), _sfid("00E", r)
    bot_id = _sfid("005", r)
    external = {p.key: f"EMP-{1001 + i}" for i, p in enumerate((c.manager, *c.sellers, c.missing))}

    def user(p: Person, role: str, title: str) -> list:
        return [p.key, f"{p.email.split('@')[0]}@acme.example.com", p.first, p.last, p.email, role, "true", title,
                external[p.key], _sfid("00e", r), "2023-04-01T09:00:00.000+0000"]

    users = [user(c.manager, manager_role, "Regional Sales Director")]
    users += [user(s, seller_role, "Account Executive") for s in c.sellers]
    first, _, last = c.bot.partition(" ")
    users.append([bot_id, "integration@acme.example.com", first, last, "noreply@acme.example.com", "", "true", "",
                  "", _sfid("00e", r), "2023-04-01T09:00:00.000+0000"])
    user_csv = csv_bytes(["Id", "Username", "FirstName", "LastName", "Email", "UserRoleId", "IsActive", "Title",
                          "External_Id__c", "ProfileId", "CreatedDate"], users, bom=True)
    role_csv = csv_bytes(["Id", "Name", "ParentRoleId", "RollupDescription", "OpportunityAccessForAccountOwner",
                          "DeveloperName", "PortalType"],
                         [[manager_role, "Regional Sales Director", "", "Director", "Edit", "RSD", "None"],
                          [seller_role, "Account Executive", manager_role, "AE", "Read", "AE", "None"]], bom=True)

    stage = {"won": ("Closed Won", "true", "true", "100"), "lost": ("Closed Lost", "true", "false", "0"),
             "open": ("Negotiation/Review", "false", "false", "60")}
    opps, tasks = [], []
    for d in deal_plan(c, SEED + 3):
        if isinstance(d["owner"], Person):
            owner_id, owner_name, owner_email = d["owner"].key, d["owner"].name, d["owner"].email
        else:
            owner_id, owner_name, owner_email = bot_id, c.bot, "noreply@acme.example.com"
        name, closed, won, prob = stage[d["outcome"]]
        opp_id = _sfid("006", r)
        opps.append([opp_id, d["topic"], _sfid("001", r), f"Customer {r.randint(1, 80)}", name, f"{d['amount']:.2f}",
                     prob, d["closed"] or d["expected"], f"{d['created']}T10:00:00.000+0000", closed, won, owner_id,
                     owner_name, owner_email])
        if isinstance(d["owner"], Person):
            tasks.append([_sfid("00T", r), f"Call about {d['topic']}", d["created"], "Completed", "Normal",
                          external[d["owner"].key], opp_id, "Call"])
    opp_csv = csv_bytes(["Id", "Name", "AccountId", "Account.Name", "StageName", "Amount", "Probability", "CloseDate",
                         "CreatedDate", "IsClosed", "IsWon", "OwnerId", "Owner.Name", "Owner.Email"], opps, bom=True)
    task_csv = csv_bytes(["Id", "Subject", "ActivityDate", "Status", "Priority", "Owner.External_Id__c", "WhatId",
                          "TaskSubtype"], tasks, bom=True)
    quotas = [[_sfid("0J9", r), s.key, f"{QUOTA:.2f}", start, _sfid("0Db", r), "USD", "true", _sfid("026", r)]
              for s in c.sellers for _, start, _ in QUARTERS]
    quota_csv = csv_bytes(["Id", "QuotaOwnerId", "QuotaAmount", "StartDate", "ForecastingTypeId", "CurrencyIsoCode",
                           "IsAmount", "PeriodId"], quotas, bom=True)
    return [("User.csv", user_csv), ("UserRole.csv", role_csv), ("Opportunity.csv", opp_csv), ("Task.csv", task_csv),
            ("ForecastingQuota.csv", quota_csv)]


# --------------------------------------------------------------------------- HubSpot + HR

CAPABILITIES = ("Discovery", "Negotiation", "Objection Handling", "Product Knowledge")
QUESTIONS = ("My manager gives me regular feedback", "I know what is expected of me at work",
             "My manager helps me grow")


def hubspot_cast() -> Cast:
    c = cast(SEED + 5, id_of=lambda r, i: str(4000 + i))
    return Cast(c.manager, c.sellers, c.missing, "renewals-bot@example.com")


def hubspot_hr_files(c: Cast | None = None) -> list[tuple[str, bytes]]:
    """A HubSpot deals export (``Deal owner`` written as the owner's e-mail), a BambooHR-like employee
    directory (``Work Email``, ``Reporting to``), a wide Culture Amp-like performance review export (one
    column per competency) and a wide engagement survey (one column per question, de-identified)."""
    c = c or hubspot_cast()
    r = random.Random(SEED + 6)
    stage = {"won": "Closed won", "lost": "Closed lost", "open": "Contract sent"}
    deals = []
    for i, d in enumerate(deal_plan(c, SEED + 5)):
        owner = d["owner"].email if isinstance(d["owner"], Person) else d["owner"]
        deals.append([str(9_000_000 + i), d["topic"], "Sales Pipeline", stage[d["outcome"]], f"{d['amount']:.0f}",
                      f"{d['closed'] or d['expected']} 12:00", f"{d['created']} 09:30", owner,
                      f"Customer {r.randint(1, 80)}"])
    deal_csv = csv_bytes(["Record ID", "Deal Name", "Pipeline", "Deal Stage", "Amount", "Close Date", "Create Date",
                          "Deal owner", "Associated Company"], deals)

    def employee(p: Person, title: str, boss: str) -> list:
        return [p.key, p.first, p.last, "", title, "Sales", "EMEA", "London", p.email,
                f"{r.randint(1, 28):02d}/{r.randint(1, 12):02d}/20{r.randint(18, 24)}", boss, "Full-Time"]

    staff = [employee(c.manager, "Sales Manager", "")] + [employee(s, "Account Executive", c.manager.name)
                                                          for s in c.sellers]
    staff_csv = csv_bytes(["Employee #", "First Name", "Last Name", "Preferred Name", "Job Title", "Department",
                           "Division", "Location", "Work Email", "Hire Date", "Reporting to", "Employment Status"],
                          staff)
    reviews = [[s.name, s.key, c.manager.name, cycle, *(str(r.randint(2, 5)) for _ in CAPABILITIES)]
               for cycle in ("2025 H1", "2025 H2") for s in c.sellers]
    review_csv = csv_bytes(["Employee Name", "Employee ID", "Manager", "Review Cycle", *CAPABILITIES], reviews)
    answers = [[str(7_000_000 + i), "Sales", c.manager.name, *(r.choice(("Agree", "Strongly agree", "Neutral"))
                                                              for _ in QUESTIONS)] for i in range(N_SELLERS)]
    survey_csv = csv_bytes(["Response ID", "Department", "Manager", *QUESTIONS], answers)
    return [("hubspot-deals.csv", deal_csv), ("employee-directory.csv", staff_csv),
            ("performance-review-2025.csv", review_csv), ("engagement-survey-2025.csv", survey_csv)]
