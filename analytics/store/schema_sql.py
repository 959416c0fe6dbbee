"""The SQL that makes a workspace's database: the tables and the views every analysis reads.

:func:`create` makes, in a new database, the canonical tables of :mod:`analytics.schema`, the
tables the app keeps beside them (the editable stage mapping, the log of imports and the user's
corrections of coaching-behaviour readings, described
by :data:`INTERNAL_COLUMNS`, which a saved workspace holds too) and the views that resolve what
exports store as references: ``v_opportunities`` gives each deal its owner's name (an ID or
e-mail resolved through People), the manager the owner reported to at the time (``manager_name``:
the deal row's own ``owner_manager``, else the reporting-line history's line at the close date,
``v_manager_spans``, else the roster's current manager) beside the roster's current manager
(``roster_manager``: ``v_people``: a manager-link file's latest line, else the roster's own, else
the territory's or the role hierarchy's), team and region (the roster's: what the people filters
read), the account name, and closed/won flags (the export's own flags, else the stage mapping);
``v_quotas`` credits each quota period likewise (its own ``manager``, else the line at the period's
middle day); ``v_won_in_quota`` credits each won deal to one quota period of its owner. Both read a ``*_live`` view, or the copy of it
resolved once per version of the data (:mod:`analytics.store.resolved`).

:func:`quote_ident` is the one helper every module quotes an identifier with.
"""

from __future__ import annotations

import duckdb

from analytics import schema

STAGE_MAP = "_stage_map"
#: the references that name owners who are not people (derived from the data; never saved)
NOT_A_PERSON = "_not_a_person"
#: the views that leave those owners out (and the views read through them): a query naming one
#: needs :data:`NOT_A_PERSON` filled for the data as it is (``Workspace`` fills it once per version)
FILTERED_VIEWS = ("v_roster", "v_opportunities", "v_quotas", "v_activities", "v_won_in_quota")
#: the currency the session reports money in, when the data holds several (empty: the one with the
#: most won amount); a choice of the session, like a filter: not saved with the workspace
REPORTING_CURRENCY = "_reporting_currency"
IMPORT_LOG = "_imports"
#: a user's corrections of behaviour readings (:mod:`analytics.store.corrections`): one row per
#: session and behaviour, with the value and source the correction replaced
CORRECTIONS = "_corrections"
#: the columns of the tables the app keeps beside the canonical ones (as :func:`create`
#: makes them), which a saved workspace holds too
INTERNAL_COLUMNS = {
    STAGE_MAP: {"stage": "VARCHAR", "is_closed": "BOOLEAN", "is_won": "BOOLEAN"},
    IMPORT_LOG: {"file": "VARCHAR", "table_name": "VARCHAR", "shape": "VARCHAR", "rows_read": "BIGINT",
                 "rows_loaded": "BIGINT", "rows_rejected": "BIGINT", "inserted": "BIGINT", "replaced": "BIGINT",
                 "imported_at": "TIMESTAMP"},
    CORRECTIONS: {"session_id": "VARCHAR", "behaviour": "VARCHAR", "value": "BOOLEAN", "was_value": "BOOLEAN",
                  "was_source": "VARCHAR", "corrected_at": "TIMESTAMP"},
}


def quote_ident(name: str) -> str:
    """Quote an SQL identifier (the one helper every module uses): ``a"b`` becomes ``"a""b"``."""
    return '"' + str(name).replace('"', '""') + '"'


def create(con: duckdb.DuckDBPyConnection) -> None:
    """Make the tables and views of an empty workspace on ``con``."""
    for t in schema.TABLES.values():
        cols = ", ".join(f"{quote_ident(c.name)} {c.sql_type}" for c in t.columns)
        con.execute(f"CREATE TABLE {quote_ident(t.name)} ({cols})")
    con.execute(
        f"CREATE TABLE {STAGE_MAP} (stage VARCHAR PRIMARY KEY, is_closed BOOLEAN NOT NULL, is_won BOOLEAN NOT NULL)"
    )
    con.execute(
        f"""CREATE TABLE {IMPORT_LOG} (file VARCHAR, table_name VARCHAR, shape VARCHAR,
            rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, inserted BIGINT,
            replaced BIGINT, imported_at TIMESTAMP)"""
    )
    con.execute(f"""CREATE TABLE {CORRECTIONS} (session_id VARCHAR, behaviour VARCHAR, value BOOLEAN,
                    was_value BOOLEAN, was_source VARCHAR, corrected_at TIMESTAMP)""")
    con.execute(f"CREATE TABLE {REPORTING_CURRENCY} (currency VARCHAR)")
    con.execute(f"CREATE TABLE {NOT_A_PERSON} (ref VARCHAR)")
    create_views(con)


def create_views(con: duckdb.DuckDBPyConnection, include_non_person: bool = False) -> None:
    """Make (or make again) the views; ``include_non_person``: owners that are not people
    (``schema.looks_automated``) count in them, as the session's setting ``include_non_person_owners``
    says (``Workspace.include_non_person_owners`` makes them again when it changes). Left out, they
    are the references listed in :data:`NOT_A_PERSON` (:func:`not_a_person_refs`, refreshed per
    version of the data): an anti-join on a handful of values, where a pattern tested on every row
    cost half a second per query over 5 million activities. The choice is a constant of the views,
    so the optimiser sees a plain filter (a scalar subquery here made the quota joins' plans blow up
    at 100,000 deals)."""
    def is_person(expr: str) -> str:
        return "TRUE" if include_non_person else f"NOT EXISTS (SELECT 1 FROM {NOT_A_PERSON} n WHERE n.ref = {expr})"

    con.execute(_VIEWS.format(person_name=is_person("name"), person_owner=is_person("o.owner"),
                              person_quota=is_person("q.owner"), person_activity=is_person("a.owner")))


#: the values of the person columns the views filter (the roster's names, deal, quota and activity
#: owners) with the name each resolves to through People
_PERSON_VALUES = """
SELECT v, r.name FROM (
    SELECT name AS v FROM people UNION SELECT owner FROM opportunities
    UNION SELECT owner FROM quotas UNION SELECT owner FROM activities
) x LEFT JOIN v_person_ref r ON r.ref = x.v WHERE x.v IS NOT NULL
"""


def not_a_person_refs(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The references (a roster name, an owner as an export wrote it) that name an owner who is not
    a person, itself or through the name it resolves to (an ID of "Renewal Bot"): each distinct
    value tested once."""
    rows = con.execute(_PERSON_VALUES).fetchall()
    return sorted({v for v, name in rows if schema.looks_automated(v) or (name and schema.looks_automated(name))})


def refresh_not_a_person(con: duckdb.DuckDBPyConnection) -> None:
    """Fill :data:`NOT_A_PERSON` again from the data as it is now (its values as bound parameters)."""
    refs = not_a_person_refs(con)
    con.execute(f"DELETE FROM {NOT_A_PERSON}")
    if refs:
        con.executemany(f"INSERT INTO {NOT_A_PERSON} VALUES (?)", [[r] for r in refs])


_VIEWS = """
-- a person is named by their ID, their name, or their e-mail (held in lower case: e-mails in every
-- person column are read in lower case at import, analytics.schema.PERSON_EMAIL_COLUMNS)
CREATE OR REPLACE VIEW v_person_ref WITH (DEFER_BINDING) AS
SELECT ref, any_value(name) AS name FROM (
    SELECT person_id AS ref, name FROM people WHERE person_id IS NOT NULL
    UNION ALL SELECT name AS ref, name FROM people WHERE name IS NOT NULL
    UNION ALL SELECT lower(email) AS ref, name FROM people WHERE email IS NOT NULL AND name IS NOT NULL
) GROUP BY ref;

-- A manager-link file's rows matched to roster people (by ID, name or e-mail: match_rank says how
-- well; three equi-joins, not one join on OR, which compared every link with every person), the
-- manager given by e-mail read as that person's ID.
CREATE OR REPLACE VIEW v_manager_link_rows WITH (DEFER_BINDING) AS
WITH m AS (
    SELECT l.rowid AS link, p.person_id, 0 AS match_rank FROM manager_links l JOIN people p ON l.person = p.person_id
    UNION ALL
    SELECT l.rowid, p.person_id, 1 FROM manager_links l JOIN people p ON l.person = p.name
    UNION ALL
    SELECT l.rowid, p.person_id, 2 FROM manager_links l JOIN people p ON lower(l.person) = lower(p.email)
), best AS (SELECT link, person_id, min(match_rank) AS match_rank FROM m GROUP BY link, person_id)
SELECT b.person_id, p.name, coalesce(me.person_id, l.manager) AS manager, l.effective_date, l.effective_end,
       b.match_rank
FROM best b
JOIN manager_links l ON l.rowid = b.link
JOIN (SELECT person_id, any_value(name) AS name FROM people GROUP BY person_id) p ON p.person_id = b.person_id
LEFT JOIN (SELECT lower(email) AS email, any_value(person_id) AS person_id FROM people
           WHERE email IS NOT NULL GROUP BY lower(email)) me ON me.email = lower(l.manager);

-- One manager per roster person: the latest line of a reporting-line history (an undated row is a
-- history's first), the best-matched row among equals.
CREATE OR REPLACE VIEW v_manager_link WITH (DEFER_BINDING) AS
SELECT person_id, any_value(manager ORDER BY effective_date DESC NULLS LAST, match_rank) AS manager
FROM v_manager_link_rows
GROUP BY person_id;

-- Each person's role (their role ID, else a role column holding a role's ID or name), the role's
-- name and the one person holding its parent role (NULL when none or several hold it).
CREATE OR REPLACE VIEW v_role_of WITH (DEFER_BINDING) AS
SELECT p.person_id, r.role_id, r.name AS role_name, r.parent_role_id
FROM people p JOIN roles r ON r.role_id = coalesce(p.role_id, p.role);

CREATE OR REPLACE VIEW v_role_parent WITH (DEFER_BINDING) AS
SELECT r.role_id, count(DISTINCT h.person_id) AS holders,
       CASE WHEN count(DISTINCT h.person_id) = 1 THEN any_value(h.person_id) END AS holder
FROM roles r LEFT JOIN v_role_of h ON h.role_id = r.parent_role_id
WHERE r.parent_role_id IS NOT NULL
GROUP BY r.role_id;

-- A territory by its ID or its name, with its manager and its parent's manager.
CREATE OR REPLACE VIEW v_territory_ref WITH (DEFER_BINDING) AS
SELECT ref, any_value(name) AS name, any_value(manager) AS manager, any_value(parent_manager) AS parent_manager
FROM (
    SELECT t.territory_id AS ref, t.name, t.manager, pt.manager AS parent_manager
    FROM territories t LEFT JOIN territories pt ON t.parent IN (pt.territory_id, pt.name)
    UNION ALL
    SELECT t.name AS ref, t.name, t.manager, pt.manager AS parent_manager
    FROM territories t LEFT JOIN territories pt ON t.parent IN (pt.territory_id, pt.name)
) GROUP BY ref;

-- The roster as every page reads it. The manager: a manager-link file's, else the roster's own,
-- else the manager of the person's territory (its parent's when they manage it themselves), else
-- the one holder of the parent role. A territory ID in region reads as its name; a role ID as the
-- role's name.
CREATE OR REPLACE VIEW v_people_ref WITH (DEFER_BINDING) AS
SELECT p.*, ml.manager AS link_manager, rl.role_name, rp.holder AS role_manager,
       CASE WHEN t.manager IS NOT NULL AND t.manager NOT IN (p.person_id, p.name) THEN t.manager
            WHEN t.parent_manager IS NOT NULL AND t.parent_manager NOT IN (p.person_id, p.name)
            THEN t.parent_manager END AS territory_manager,
       t.name AS territory_name,
       coalesce(ml.manager, p.manager,
                CASE WHEN t.manager IS NOT NULL AND t.manager NOT IN (p.person_id, p.name) THEN t.manager
                     WHEN t.parent_manager IS NOT NULL AND t.parent_manager NOT IN (p.person_id, p.name)
                     THEN t.parent_manager END,
                CASE WHEN rp.holder <> p.person_id THEN rp.holder END) AS manager_ref
FROM people p
LEFT JOIN v_manager_link ml ON ml.person_id = p.person_id
LEFT JOIN v_role_of rl ON rl.person_id = p.person_id
LEFT JOIN v_role_parent rp ON rp.role_id = rl.role_id
LEFT JOIN v_territory_ref t ON t.ref = p.region;

CREATE OR REPLACE VIEW v_people WITH (DEFER_BINDING) AS
SELECT p.person_id, p.name, coalesce(m.name, p.manager_ref) AS manager_name, p.team,
       coalesce(p.territory_name, p.region) AS region, p.segment,
       CASE WHEN p.role = p.role_id OR p.role IS NULL OR p.role IN (SELECT role_id FROM roles)
            THEN coalesce(p.role_name, p.role) ELSE p.role END AS role,
       p.email, p.start_date, p.end_date, p.is_active
FROM v_people_ref p LEFT JOIN v_person_ref m ON m.ref = p.manager_ref;

-- The reporting-line history, for people whose manager-link rows carry an effective date: per
-- roster name, the manager (a name, as v_people resolves it) from valid_from until the day before
-- valid_to, a person's spans disjoint. A line runs until the person's next line starts (or the day
-- after its own end date, when earlier). Before a person's first dated line: their undated row when
-- the file has one, else the first line reaches back (a job history starts at hire; a roster exported
-- today cannot say who managed the person before a change anyway).
CREATE OR REPLACE VIEW v_manager_spans WITH (DEFER_BINDING) AS
WITH lines AS (
    SELECT person_id, any_value(name) AS name, effective_date, any_value(manager ORDER BY match_rank) AS manager,
           min(effective_end) AS effective_end
    FROM v_manager_link_rows GROUP BY person_id, effective_date
), counted AS (
    SELECT *, count(effective_date) OVER w AS n_dated, count(*) OVER w - count(effective_date) OVER w AS n_undated,
           min(effective_date) OVER w AS first_dated
    FROM lines WINDOW w AS (PARTITION BY person_id)
), ordered AS (
    SELECT person_id, name, manager, effective_end, effective_date,
           CASE WHEN effective_date IS NULL OR (effective_date = first_dated AND n_undated = 0)
                THEN DATE '0001-01-01' ELSE effective_date END AS valid_from
    FROM counted WHERE n_dated > 0
)
SELECT o.name, coalesce(m.name, o.manager) AS manager_name, o.valid_from,
       least(coalesce(lead(o.valid_from) OVER (PARTITION BY o.person_id ORDER BY o.valid_from), DATE '9999-12-31'),
             coalesce(CAST(o.effective_end + INTERVAL 1 DAY AS DATE), DATE '9999-12-31')) AS valid_to,
       o.effective_date
FROM ordered o LEFT JOIN v_person_ref m ON m.ref = o.manager;

-- owners that are not people (a "Renewal Bot" in the roster) are no one's rep, unless the setting says
CREATE OR REPLACE VIEW v_roster_live WITH (DEFER_BINDING) AS
SELECT name, any_value(manager_name) AS manager_name, any_value(team) AS team,
       any_value(region) AS region, any_value(segment) AS segment, any_value(role) AS role,
       min(start_date) AS start_date, max(end_date) AS end_date
FROM v_people WHERE {person_name} GROUP BY name;
-- the roster every page reads: the live view, or its copy resolved once per version of the data
-- (the manager links, roles and territories behind v_people are joins worth making once)
CREATE OR REPLACE VIEW v_roster WITH (DEFER_BINDING) AS SELECT * FROM v_roster_live;

-- Money is never summed across currencies. With one currency (or none named) every amount counts
-- as today. With several, the amounts in the reporting currency count (the session's choice, else
-- the currency with the most won amount) and every other amount reads as not known here (NULL):
-- deals and quotas stay, so counts and win rates do not change, but sums and attainment are in one
-- currency. Deals with no currency in data that has several are in no total.
CREATE OR REPLACE VIEW v_currency_amounts WITH (DEFER_BINDING) AS
SELECT o.currency, sum(CASE WHEN coalesce(o.is_won, sm.is_won, false) THEN
           CASE WHEN o.actual_amount IS NOT NULL THEN o.actual_amount ELSE o.amount END END) AS won,
       count(*) AS deals
FROM opportunities o LEFT JOIN _stage_map sm ON sm.stage = o.stage
GROUP BY o.currency;

CREATE OR REPLACE VIEW v_currency WITH (DEFER_BINDING) AS
WITH seen AS (SELECT currency FROM v_currency_amounts WHERE currency IS NOT NULL
              UNION SELECT DISTINCT currency FROM quotas WHERE currency IS NOT NULL)
SELECT (SELECT count(*) FROM seen) > 1 AS mixed,
       coalesce((SELECT any_value(currency) FROM _reporting_currency WHERE currency IN (SELECT currency FROM seen)),
                (SELECT s.currency FROM seen s LEFT JOIN v_currency_amounts a ON a.currency = s.currency
                 ORDER BY a.won DESC NULLS LAST, a.deals DESC NULLS LAST, s.currency LIMIT 1)) AS reporting;

-- The managers a row's own manager column may name without being a person of the roster (a roster
-- of reps that names its managers only in its manager column, as Maven's sales teams do).
CREATE OR REPLACE VIEW v_known_manager WITH (DEFER_BINDING) AS
SELECT DISTINCT manager_name FROM v_roster WHERE manager_name IS NOT NULL;

-- A deal's manager is the manager the owner reported to at the time: the deal row's own manager
-- column when it names a roster person or a known manager (any other value is a broken link: the
-- rule below it applies, and analytics.people.attribution counts such rows), else the reporting-line history's line holding the close date (closed deals), else the
-- roster's current manager (roster_manager; what the people filters read).
CREATE OR REPLACE VIEW v_opportunities_live WITH (DEFER_BINDING) AS
SELECT o.opportunity_id, o.name, o.owner, coalesce(r.name, o.owner) AS owner_name,
       coalesce(om.name, okm.manager_name,
                CASE WHEN coalesce(o.is_closed, sm.is_closed, false) OR coalesce(o.is_won, false)
                     THEN sp.manager_name END,
                ro.manager_name) AS manager_name,
       ro.manager_name AS roster_manager, ro.team, ro.region, coalesce(ro.segment, o.segment) AS segment,
       o.account, coalesce(a.name, o.account) AS account_name, o.stage,
       coalesce(o.is_closed, sm.is_closed, false) OR coalesce(o.is_won, false) AS is_closed,
       coalesce(o.is_won, sm.is_won, false) AS is_won,
       CASE WHEN cur.mixed AND o.currency IS DISTINCT FROM cur.reporting THEN NULL
            WHEN coalesce(o.is_won, sm.is_won, false) AND o.actual_amount IS NOT NULL
            THEN o.actual_amount ELSE o.amount END AS amount,
       o.probability, o.created_date, o.close_date, o.product, o.lead_source,
       o.is_complex, o.manager_involved, o.currency
FROM opportunities o
CROSS JOIN v_currency cur
LEFT JOIN v_person_ref r ON r.ref = o.owner
LEFT JOIN v_roster ro ON ro.name = coalesce(r.name, o.owner)
LEFT JOIN v_person_ref om ON om.ref = o.owner_manager
LEFT JOIN v_known_manager okm ON okm.manager_name = o.owner_manager
LEFT JOIN v_manager_spans sp ON sp.name = coalesce(r.name, o.owner)
       AND o.close_date >= sp.valid_from AND o.close_date < sp.valid_to
LEFT JOIN (SELECT account_id, any_value(name) AS name FROM accounts GROUP BY account_id) a
       ON a.account_id = o.account
LEFT JOIN _stage_map sm ON sm.stage = o.stage
WHERE {person_owner};

-- what every analysis reads: the live view, or its copy resolved once per version of the data
-- (Workspace.query switches it; any change of data switches it back); so for v_won_in_quota
CREATE OR REPLACE VIEW v_opportunities WITH (DEFER_BINDING) AS SELECT * FROM v_opportunities_live;

-- A quota period's manager: the quota row's own manager column, else the reporting-line history's
-- line holding the period's middle day (the manager who held the rep for the larger part of the
-- period, when the line changed once inside it), else the roster's current manager.
CREATE OR REPLACE VIEW v_quotas_live WITH (DEFER_BINDING) AS
SELECT coalesce(r.name, q.owner) AS owner_name,
       coalesce(qm.name, qkm.manager_name, sp.manager_name, ro.manager_name) AS manager_name,
       ro.manager_name AS roster_manager, ro.team, ro.region,
       q.period_start, q.period_end,
       CASE WHEN cur.mixed AND q.currency IS DISTINCT FROM cur.reporting THEN NULL ELSE q.amount END AS amount,
       q.currency
FROM quotas q
CROSS JOIN v_currency cur
LEFT JOIN v_person_ref r ON r.ref = q.owner
LEFT JOIN v_roster ro ON ro.name = coalesce(r.name, q.owner)
LEFT JOIN v_person_ref qm ON qm.ref = q.manager
LEFT JOIN v_known_manager qkm ON qkm.manager_name = q.manager
LEFT JOIN v_manager_spans sp ON sp.name = coalesce(r.name, q.owner)
       AND q.period_start + CAST((q.period_end - q.period_start) // 2 AS INTEGER) >= sp.valid_from
       AND q.period_start + CAST((q.period_end - q.period_start) // 2 AS INTEGER) < sp.valid_to
WHERE {person_quota};
CREATE OR REPLACE VIEW v_quotas WITH (DEFER_BINDING) AS SELECT * FROM v_quotas_live;

-- Each won deal counts toward one quota period of its owner: the first that holds its close
-- date (periods that share a boundary day, or overlap, must not count it twice), in the same
-- currency (a deal in another currency has no amount here, a quota in another none either).
CREATE OR REPLACE VIEW v_won_in_quota_live WITH (DEFER_BINDING) AS
SELECT o.opportunity_id, o.owner_name, o.manager_name, o.amount, o.close_date, q.period_start, q.period_end
FROM v_opportunities o JOIN v_quotas q
  ON q.owner_name = o.owner_name AND o.close_date BETWEEN q.period_start AND q.period_end
 AND q.amount IS NOT NULL  -- a quota in another currency than the reporting one is compared with nothing
WHERE o.is_won
QUALIFY row_number() OVER (PARTITION BY o.opportunity_id ORDER BY q.period_start) = 1;
CREATE OR REPLACE VIEW v_won_in_quota WITH (DEFER_BINDING) AS SELECT * FROM v_won_in_quota_live;

CREATE OR REPLACE VIEW v_activities WITH (DEFER_BINDING) AS
SELECT a.*, coalesce(r.name, a.owner) AS owner_name
FROM activities a LEFT JOIN v_person_ref r ON r.ref = a.owner
WHERE {person_activity};
"""
