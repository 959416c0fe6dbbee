"""The SQL that makes a workspace's database: the tables and the views every analysis reads.

:func:`create` makes, in a new database, the canonical tables of :mod:`analytics.schema`, the two
tables the app keeps beside them (the editable stage mapping and the log of imports, described
by :data:`INTERNAL_COLUMNS`, which a saved workspace holds too) and the views that resolve what
exports store as references: ``v_opportunities`` gives each deal its owner's name (an ID or
e-mail resolved through People), the owner's manager, team and region, the account name, and
closed/won flags (the export's own flags, else the stage mapping); ``v_won_in_quota`` credits
each won deal to one quota period of its owner. Both read a ``*_live`` view, or the copy of it
resolved once per version of the data (:mod:`analytics.store.resolved`).

:func:`quote_ident` is the one helper every module quotes an identifier with.
"""

from __future__ import annotations

import duckdb

from analytics import schema

STAGE_MAP = "_stage_map"
IMPORT_LOG = "_imports"
#: the columns of the two tables the app keeps beside the canonical ones (as :func:`create`
#: makes them), which a saved workspace holds too
INTERNAL_COLUMNS = {
    STAGE_MAP: {"stage": "VARCHAR", "is_closed": "BOOLEAN", "is_won": "BOOLEAN"},
    IMPORT_LOG: {"file": "VARCHAR", "table_name": "VARCHAR", "shape": "VARCHAR", "rows_read": "BIGINT",
                 "rows_loaded": "BIGINT", "rows_rejected": "BIGINT", "inserted": "BIGINT", "replaced": "BIGINT",
                 "imported_at": "TIMESTAMP"},
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
    create_views(con)


def create_views(con: duckdb.DuckDBPyConnection, include_non_person: bool = False) -> None:
    """Make (or make again) the views; ``include_non_person``: owners that are not people
    (``schema.looks_automated``) count in them, as the session's setting ``include_non_person_owners``
    says (``Workspace.include_non_person_owners`` makes them again when it changes). The choice is a
    constant of the views, so the optimiser sees a plain filter (a scalar subquery here made the
    quota joins' plans blow up at 100,000 deals)."""
    def is_person(expr: str) -> str:
        if include_non_person:
            return "TRUE"
        pattern = schema.NOT_A_PERSON_SQL.replace("'", "''")  # the engine's own constant, never user text
        return f"NOT regexp_matches(coalesce({expr}, ''), '{pattern}')"

    con.execute(_VIEWS.format(person_name=is_person("name"), person_owner=is_person("coalesce(r.name, o.owner)"),
                              person_quota=is_person("coalesce(r.name, q.owner)"),
                              person_activity=is_person("coalesce(r.name, a.owner)")))


_VIEWS = """
-- a person is named by their ID, their name, or their e-mail (held in lower case: e-mails in every
-- person column are read in lower case at import, analytics.schema.PERSON_EMAIL_COLUMNS)
CREATE OR REPLACE VIEW v_person_ref AS
SELECT ref, any_value(name) AS name FROM (
    SELECT person_id AS ref, name FROM people WHERE person_id IS NOT NULL
    UNION ALL SELECT name AS ref, name FROM people WHERE name IS NOT NULL
    UNION ALL SELECT lower(email) AS ref, name FROM people WHERE email IS NOT NULL AND name IS NOT NULL
) GROUP BY ref;

CREATE OR REPLACE VIEW v_people AS
SELECT p.person_id, p.name, coalesce(m.name, p.manager) AS manager_name, p.team, p.region,
       p.segment, p.role, p.email, p.start_date, p.end_date, p.is_active
FROM people p LEFT JOIN v_person_ref m ON m.ref = p.manager;

-- owners that are not people (a "Renewal Bot" in the roster) are no one's rep, unless the setting says
CREATE OR REPLACE VIEW v_roster AS
SELECT name, any_value(manager_name) AS manager_name, any_value(team) AS team,
       any_value(region) AS region, any_value(segment) AS segment, any_value(role) AS role,
       min(start_date) AS start_date, max(end_date) AS end_date
FROM v_people WHERE {person_name} GROUP BY name;

CREATE OR REPLACE VIEW v_opportunities_live AS
SELECT o.opportunity_id, o.name, o.owner, coalesce(r.name, o.owner) AS owner_name,
       ro.manager_name, ro.team, ro.region, coalesce(ro.segment, o.segment) AS segment,
       o.account, coalesce(a.name, o.account) AS account_name, o.stage,
       coalesce(o.is_closed, sm.is_closed, false) OR coalesce(o.is_won, false) AS is_closed,
       coalesce(o.is_won, sm.is_won, false) AS is_won,
       CASE WHEN coalesce(o.is_won, sm.is_won, false) AND o.actual_amount IS NOT NULL
            THEN o.actual_amount ELSE o.amount END AS amount,
       o.probability, o.created_date, o.close_date, o.product, o.lead_source,
       o.is_complex, o.manager_involved
FROM opportunities o
LEFT JOIN v_person_ref r ON r.ref = o.owner
LEFT JOIN v_roster ro ON ro.name = coalesce(r.name, o.owner)
LEFT JOIN (SELECT account_id, any_value(name) AS name FROM accounts GROUP BY account_id) a
       ON a.account_id = o.account
LEFT JOIN _stage_map sm ON sm.stage = o.stage
WHERE {person_owner};

-- what every analysis reads: the live view, or its copy resolved once per version of the data
-- (Workspace.query switches it; any change of data switches it back); so for v_won_in_quota
CREATE OR REPLACE VIEW v_opportunities AS SELECT * FROM v_opportunities_live;

CREATE OR REPLACE VIEW v_quotas AS
SELECT coalesce(r.name, q.owner) AS owner_name, ro.manager_name, ro.team, ro.region,
       q.period_start, q.period_end, q.amount
FROM quotas q
LEFT JOIN v_person_ref r ON r.ref = q.owner
LEFT JOIN v_roster ro ON ro.name = coalesce(r.name, q.owner)
WHERE {person_quota};

-- Each won deal counts toward one quota period of its owner: the first that holds its close
-- date (periods that share a boundary day, or overlap, must not count it twice).
CREATE OR REPLACE VIEW v_won_in_quota_live AS
SELECT o.opportunity_id, o.owner_name, o.manager_name, o.amount, o.close_date, q.period_start, q.period_end
FROM v_opportunities o JOIN v_quotas q
  ON q.owner_name = o.owner_name AND o.close_date BETWEEN q.period_start AND q.period_end
WHERE o.is_won
QUALIFY row_number() OVER (PARTITION BY o.opportunity_id ORDER BY q.period_start) = 1;
CREATE OR REPLACE VIEW v_won_in_quota AS SELECT * FROM v_won_in_quota_live;

CREATE OR REPLACE VIEW v_activities AS
SELECT a.*, coalesce(r.name, a.owner) AS owner_name
FROM activities a LEFT JOIN v_person_ref r ON r.ref = a.owner
WHERE {person_activity};
"""
