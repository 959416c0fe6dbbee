"""A generated "large organisation" for the performance issue: import and analytics at scale.

At scale 1.0 (issue 8): 2,000 reps under 200 managers and 20 directors, eight quarters
(2024-Q4 .. 2026-Q3, the demo's calendar), 1,000,000 opportunities, 5,000,000 activities,
400,000 capability-review rows, 100,000 coaching sessions, 50,000 development actions and
20,000 survey responses. The roster (people, accounts, products, quotas) is the same at every
scale; the event tables have ``round(count * scale)`` rows, so 1% and 10% show how cost grows.

Files and the export shapes the app recognises them as
-------------------------------------------------------
``opportunities.csv``  Salesforce report shape ("Opportunity Owner", "Stage", "Close Date",
                       "Amount", ...): US dates (MM/DD/YYYY), currency strings ("$12,345.00"),
                       checkboxes as 1/0, plus custom fields "Complex Deal" and "Manager Involved".
``activities.csv``     Salesforce activity report shape ("Assigned", "Subject", "Date", ...),
                       US dates, linked to deals by "Related To ID". The largest file takes a
                       real CRM shape so the benchmark pays for what a real upload pays for
                       (header synonyms, US dates), not the app's own template.
everything else        the app's templates (canonical headers, ISO dates), like ``data/demo``.

No stage history is written (issue 8 does not list one). Quota amounts follow the deal volume,
so attainment stays near each manager's planted target at every scale; ``ground_truth.json``
names each manager's archetype and planted attainment.

The vocabulary (names, teams, products, stages, capabilities, coaching behaviours, survey items)
and the manager archetypes come from :mod:`tools.demo`, so the analytics pages find the
same kinds of signal: heroes join most complex late-stage deals, developers' reps' capability
rises and their coaching shows the four behaviours, and so on. Capability reviews score 28
capabilities (the demo's six, on which coaching focuses, and 22 more), because 400,000 rows
cannot fit 2,000 reps x 8 cycles x 6 capabilities without repeating a (rep, capability, cycle)
key; a few capabilities a cycle are "not assessed" to land on the exact count.

Everything comes from seeded numpy generators (one stream per table and per chunk), so the
same seed and scale give byte-identical files. Event tables are generated and written in
chunks streamed through DuckDB ``COPY ... TO`` so memory stays bounded at full scale.

``python -m benchmarks.largeorg --scale 0.01 --out benchmarks/out/largeorg-1pct``
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analytics.schema import TABLES
from tools import demo as D

# ---------------------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------------------

N_DIRECTORS = 20
N_MANAGERS = 200
N_REPS = 2000
ACCOUNTS_PER_MANAGER = 10
#: Rows of each event table at scale 1.0 (issue 8).
EVENT_COUNTS: dict[str, int] = {
    "opportunities": 1_000_000,
    "activities": 5_000_000,
    "reviews": 400_000,
    "coaching_sessions": 100_000,
    "development_actions": 50_000,
    "surveys": 20_000,
}
#: File written for each table, in write order.
FILES: dict[str, str] = {
    "people": "people.csv",
    "accounts": "accounts.csv",
    "products": "products.csv",
    "quotas": "quotas.csv",
    "opportunities": "opportunities.csv",
    "activities": "activities.csv",
    "reviews": "reviews.csv",
    "coaching_sessions": "coaching_sessions.csv",
    "development_actions": "development_actions.csv",
    "surveys": "surveys.csv",
}
#: Managers' archetypes and planted attainment, and the row counts (not an export: not a CSV).
GROUND_TRUTH_FILE = "ground_truth.json"
#: The shape ``analytics.ingest.recognise`` should name for each file.
EXPECTED_SHAPES: dict[str, str] = {
    "people.csv": "Bench Strength template: people / roster",
    "accounts.csv": "Bench Strength template: accounts",
    "products.csv": "Bench Strength template: products",
    "quotas.csv": "Bench Strength template: quotas",
    "opportunities.csv": "Salesforce report: opportunities",
    "activities.csv": "Salesforce report: activities",
    "reviews.csv": "Bench Strength template: capability reviews",
    "coaching_sessions.csv": "Bench Strength template: coaching sessions",
    "development_actions.csv": "Bench Strength template: development actions",
    "surveys.csv": "Bench Strength template: survey responses",
}
#: Rows per generated chunk (activities are chunked by deals: about five rows a deal).
CHUNK_ROWS = 250_000
CHUNK_DEALS = 100_000

# ---------------------------------------------------------------------------------------
# Vocabulary beyond the demo's
# ---------------------------------------------------------------------------------------

#: Coaching and development actions focus on the demo's six; reviews score all of these.
CAPABILITIES: tuple[str, ...] = D.CAPABILITIES + (
    "Prospecting", "Qualification", "Objection handling", "Business acumen", "Executive presence",
    "Account planning", "Territory planning", "Forecast accuracy", "Product knowledge", "Storytelling",
    "Active listening", "Multi-threading", "Mutual action plans", "Closing", "Presentation skills",
    "Written communication", "Time management", "CRM hygiene", "Referral generation",
    "Pricing conversations", "Champion building", "Renewal and expansion",
)
N_CORE = len(D.CAPABILITIES)
#: Twice-yearly pulse survey (the demo's two March waves and one in September between them).
SURVEY_DATES: tuple[date, ...] = (date(2025, 3, 14), date(2025, 9, 12), date(2026, 3, 13))
SURVEY_ITEMS: tuple[str, ...] = D.LEAD_ITEMS + (D.CONFIDENCE_ITEM_REP,)
#: Share of activities that are prospecting, not tied to a deal.
PROSPECTING_SHARE = 0.08
#: Share of reps hired during the period, and of the others who leave during it.
HIRE_SHARE = 0.06
LEAVER_SHARE = 0.05
EMAIL_DOMAIN = "northwindcloud.example"
_AVOIDED_ACCOUNTS = frozenset({
    "Harborview Capital", "Keystone Capital", "Meridian Health", "Evergreen Energy",
    "Helix Biosciences", "Beacon Health", "Cobalt Robotics", "Lumen Systems",
})

# ---------------------------------------------------------------------------------------
# Calendar (days since 1970-01-01)
# ---------------------------------------------------------------------------------------

EPOCH = date(1970, 1, 1)


def _day(d: date) -> int:
    return (d - EPOCH).days


TODAY = _day(D.DEMO_TODAY)
PERIOD_START = _day(D.QUARTERS[0][1])
#: Open deals close within the quarter after "today".
HORIZON = TODAY + 92
Q_START = np.array([_day(q[1]) for q in D.QUARTERS], dtype=np.int64)
Q_END = np.array([_day(q[2]) for q in D.QUARTERS], dtype=np.int64)
NQ = len(D.QUARTERS)
NO_END = 10**6  # "still in post"


def _weekday(days: np.ndarray) -> np.ndarray:
    return (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0


def _business_day(days: np.ndarray) -> np.ndarray:
    """Weekend dates moved to the Friday before."""
    wd = _weekday(days)
    return np.where(wd >= 5, days - (wd - 4), days)


def _workday(lo: np.ndarray, hi: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A weekday in [lo, hi] from uniform draws ``u`` (lo itself when the span has none)."""
    d = _business_day(lo + np.floor(u * (hi - lo + 1)).astype(np.int64))
    d = np.where(d < lo, d + 3, d)
    return np.where((d >= lo) & (d <= hi), d, lo)


def _quarter_of(days: np.ndarray) -> np.ndarray:
    """Index of the quarter a day falls in, clipped to the eight quarters."""
    return np.clip(np.searchsorted(Q_START, days, side="right") - 1, 0, NQ - 1)


# ---------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------


def _pick(u: np.ndarray, weights) -> np.ndarray:
    """Indices drawn with the given weights from uniform draws ``u``."""
    cdf = np.cumsum(np.asarray(weights, dtype=float))
    return np.minimum(np.searchsorted(cdf / cdf[-1], u, side="right"), len(cdf) - 1)


def _pick_rows(u: np.ndarray, cdf_rows: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Like :func:`_pick` with a different weight row per draw (``cdf_rows[group]``, normalised)."""
    return np.minimum((u[:, None] >= cdf_rows[group]).sum(axis=1), cdf_rows.shape[1] - 1)


def _cdf_rows(weights: np.ndarray) -> np.ndarray:
    c = np.cumsum(weights, axis=1)
    return c / c[:, -1:]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _strings(values) -> pa.Array:
    return pa.array(list(values), type=pa.string())


def _take(vocab: pa.Array, idx: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Strings of ``vocab`` at ``idx`` (null where ``mask``)."""
    return pc.take(vocab, pa.array(idx.astype(np.int64), mask=mask))


def _dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype(np.int32), type=pa.date32(), mask=mask)


def _exact_blocks(rng: np.random.Generator, sizes: np.ndarray, droppable: np.ndarray, n: int,
                  what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Choose whole blocks (in a random order) until they hold at least ``n`` rows, then drop
    the excess at random among their droppable rows. ``sizes`` are rows per block, rows are
    numbered block by block, and ``droppable`` masks them. Returns the blocks taken (in the
    order taken), the ``n`` rows kept (in that order) and each kept row's rank among the
    blocks taken."""
    if sizes.sum() < n:
        raise ValueError(f"{what}: the roster holds {int(sizes.sum()):,} rows, fewer than the {n:,} asked for")
    order = rng.permutation(len(sizes))
    cum = np.cumsum(sizes[order])
    taken = order[: int(np.searchsorted(cum, n)) + 1] if n else order[:0]
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    rows = np.concatenate([np.arange(starts[b], starts[b] + sizes[b]) for b in taken]) if len(taken) else \
        np.zeros(0, dtype=np.int64)
    keep = np.ones(len(rows), dtype=bool)
    excess = len(rows) - n
    if excess:
        candidates = np.flatnonzero(droppable[rows])
        if len(candidates) < excess:  # only at tiny scales
            candidates = np.arange(len(rows))
        keep[rng.choice(candidates, size=excess, replace=False)] = False
    rank = np.repeat(np.arange(len(taken)), sizes[taken])
    return taken, rows[keep], rank[keep]


# ---------------------------------------------------------------------------------------
# The organisation (fixed size at every scale)
# ---------------------------------------------------------------------------------------


@dataclass
class _Org:
    names: list[str]  # directors, then managers, then reps
    # managers
    mgr_director: np.ndarray
    mgr_region: np.ndarray
    mgr_team: list[str]
    mgr_segment: np.ndarray  # index into D.SEGMENTS
    mgr_countries: list[tuple[str, ...]]
    mgr_arch: np.ndarray  # index into D.ARCHETYPES
    mgr_start: np.ndarray
    prof: dict[str, np.ndarray]  # per-manager profile knobs
    # reps
    rep_mgr: np.ndarray
    rep_start: np.ndarray
    rep_end: np.ndarray  # NO_END while in post
    rep_factor: np.ndarray
    rep_win: np.ndarray
    rep_quota_base: np.ndarray
    focus: np.ndarray  # (reps, quarters) core capability in focus, -1 when not in post
    truth: np.ndarray  # (reps, quarters, capabilities) raw true scores
    dir_region: np.ndarray
    dir_start: np.ndarray

    def manager_name_idx(self, m: np.ndarray) -> np.ndarray:
        return N_DIRECTORS + m

    def rep_name_idx(self, r: np.ndarray) -> np.ndarray:
        return N_DIRECTORS + N_MANAGERS + r

    @property
    def rep_last(self) -> np.ndarray:
        """Last day in post within the data (today for reps still in post)."""
        return np.minimum(self.rep_end, TODAY)

    def span(self, q: int) -> tuple[np.ndarray, np.ndarray]:
        """First and last day each rep worked in quarter ``q`` (lo > hi: not at all)."""
        return np.maximum(Q_START[q], self.rep_start), np.minimum(Q_END[q], self.rep_last)


def _names(rng: np.random.Generator, n: int) -> list[str]:
    combos = [f"{f} {last}" for f in D.FIRST_NAMES for last in D.LAST_NAMES]
    combos = [c for c in combos if c not in D.AVOIDED_NAMES]
    return [combos[int(i)] for i in rng.permutation(len(combos))[:n]]


def _profiles(rng: np.random.Generator, arch: np.ndarray) -> dict[str, np.ndarray]:
    """Each manager's archetype profile, jittered as the demo jitters them."""
    base = [D.PROFILES[D.ARCHETYPES[a]] for a in arch]
    n = len(arch)

    def j(x, sd, lo=0.02, hi=0.98):
        x = np.asarray(x, dtype=float)
        return np.clip(x + rng.normal(0.0, sd, x.shape), lo, hi)

    return {
        "attainment": np.array([p.attainment for p in base]) + rng.normal(0.0, 0.012, n),
        "behaviours": j([p.behaviours for p in base], 0.035),
        "skill_share": j([p.skill_share for p in base], 0.025),
        "sessions": np.array([p.sessions_per_quarter for p in base]) * rng.uniform(0.9, 1.1, n),
        "session_mix": np.array([p.session_mix for p in base]),
        "actions": np.array([p.actions_per_quarter for p in base]) * rng.uniform(0.9, 1.1, n),
        "completion": j([p.completion for p in base], 0.03),
        "revisit": j([p.revisit for p in base], 0.03),
        "gain": np.array([p.gain for p in base]) * rng.uniform(0.92, 1.08, n),
        "drift": np.array([p.drift for p in base]),
        "involve_complex": j([p.involve_complex for p in base], 0.025),
        "involve_other": np.array([p.involve_other for p in base]),
        "lead_mean": np.array([p.lead_mean for p in base]) + rng.normal(0.0, 0.04, n),
        "rep_agree": j([p.rep_agree for p in base], 0.02),
        "self_rating": np.array([p.self_rating for p in base]),
        "activity_factor": np.array([p.activity_factor for p in base]) * rng.uniform(0.95, 1.05, n),
        "stale_share": np.array([p.stale_share for p in base]),
        "leniency": rng.normal(0.0, 0.15, n),
    }


def build_org(seed: int) -> _Org:
    """Directors, managers and reps with their archetypes, dates and capability trajectories."""
    rng = np.random.default_rng([seed, 0])
    names = _names(rng, N_DIRECTORS + N_MANAGERS + N_REPS)
    dir_region = np.arange(N_DIRECTORS) % len(D.REGIONS)
    dir_start = np.array([_day(date(2014 + int(rng.integers(0, 8)), int(rng.integers(1, 13)), 1))
                          for _ in range(N_DIRECTORS)])
    mgr_director = np.arange(N_MANAGERS) * N_DIRECTORS // N_MANAGERS
    mgr_region = dir_region[mgr_director]
    mgr_team, mgr_segment, mgr_countries = [], [], []
    seen: dict[int, int] = {}
    for m in range(N_MANAGERS):
        region = int(mgr_region[m])
        j = seen.get(region, 0)
        seen[region] = j + 1
        team, segment, countries = D.TEAMS[D.REGIONS[region]][j % 5]
        mgr_team.append(f"{team} {j // 5 + 1}")
        mgr_segment.append(D.SEGMENTS.index(segment))
        mgr_countries.append(countries)
    mgr_segment = np.array(mgr_segment, dtype=np.int64)
    mgr_arch = rng.permutation(np.arange(N_MANAGERS) % len(D.ARCHETYPES))
    mgr_start = np.array([_day(date(2016 + int(rng.integers(0, 8)), int(rng.integers(1, 13)), 1))
                          for _ in range(N_MANAGERS)])
    prof = _profiles(rng, mgr_arch)

    # team sizes between 6 and 14, adding up to N_REPS
    sizes = rng.integers(6, 15, N_MANAGERS)
    while sizes.sum() != N_REPS:
        i = int(rng.integers(N_MANAGERS))
        if sizes.sum() < N_REPS and sizes[i] < 14:
            sizes[i] += 1
        elif sizes.sum() > N_REPS and sizes[i] > 6:
            sizes[i] -= 1
    rep_mgr = np.repeat(np.arange(N_MANAGERS), sizes)
    early, late = _day(date(2017, 1, 1)), _day(date(2024, 8, 15))
    rep_start = _business_day(rng.integers(early, late, N_REPS))
    hires = rng.random(N_REPS) < HIRE_SHARE
    rep_start[hires] = _business_day(rng.integers(_day(date(2024, 10, 15)), _day(date(2026, 6, 30)), int(hires.sum())))
    leavers = ~hires & (rng.random(N_REPS) < LEAVER_SHARE / (1 - HIRE_SHARE))
    rep_end = np.full(N_REPS, NO_END, dtype=np.int64)
    rep_end[leavers] = rng.integers(_day(date(2025, 1, 20)), _day(date(2026, 8, 28)), int(leavers.sum()))

    factor = np.exp(rng.normal(0.0, 0.15, N_REPS))
    stars = rng.random(N_REPS) < 0.1
    factor[stars] *= rng.uniform(1.3, 1.55, int(stars.sum()))
    factor = np.clip(factor, 0.55, 1.9)
    win = np.clip(0.29 * np.sqrt(factor) + rng.normal(0, 0.025, N_REPS), 0.16, 0.48)
    seg_quota = np.array([D.SEGMENT_QUOTA[s] for s in D.SEGMENTS])
    quota_base = seg_quota[mgr_segment[rep_mgr]] * np.exp(rng.normal(0, 0.1, N_REPS))

    # capability: baseline, a development focus per quarter, and the true trajectory
    k = len(CAPABILITIES)
    base = np.clip(rng.normal(np.where(hires, 2.65, 3.0)[:, None], 0.42, (N_REPS, k)), 1.8, 4.2)
    focus = np.full((N_REPS, NQ), -1, dtype=np.int64)
    truth = np.repeat(base[:, None, :], NQ, axis=1)
    lo_all = np.maximum(Q_START[None, :], rep_start[:, None])
    hi_all = np.minimum(Q_END[None, :], np.minimum(rep_end, TODAY)[:, None])
    active = lo_all <= hi_all
    windows = {a: D.PROFILES[a].window_lengths for a in D.ARCHETYPES}
    for r in range(N_REPS):
        m = rep_mgr[r]
        quarters = np.flatnonzero(active[r])
        current = base[r].copy()
        gain, drift = prof["gain"][m], prof["drift"][m]
        lengths = windows[D.ARCHETYPES[mgr_arch[m]]]
        q, prev = int(quarters[0]), -1
        while q <= quarters[-1]:
            length = int(lengths[int(rng.integers(len(lengths)))])
            order = np.argsort(current[:N_CORE] + rng.normal(0, 0.12, N_CORE))
            cap = next(int(c) for c in order if int(c) != prev)
            for qq in range(q, min(q + length, int(quarters[-1]) + 1)):
                focus[r, qq] = cap
                current = current + drift
                current[cap] += gain
                current = np.minimum(current, 4.85)
                truth[r, qq] = current
            prev = cap
            q += length
    return _Org(
        names=names, mgr_director=mgr_director, mgr_region=mgr_region, mgr_team=mgr_team,
        mgr_segment=mgr_segment, mgr_countries=mgr_countries, mgr_arch=mgr_arch,
        mgr_start=mgr_start, prof=prof, rep_mgr=rep_mgr, rep_start=rep_start, rep_end=rep_end,
        rep_factor=factor, rep_win=win, rep_quota_base=quota_base, focus=focus, truth=truth,
        dir_region=dir_region, dir_start=dir_start,
    )


# ---------------------------------------------------------------------------------------
# Writing: arrow batches streamed through DuckDB COPY
# ---------------------------------------------------------------------------------------


def _copy(con: duckdb.DuckDBPyConnection, path: Path, batches: Iterator[pa.RecordBatch],
          schema: pa.Schema, select: str) -> int:
    """Stream ``batches`` through ``SELECT {select} FROM src`` into a CSV file; rows written."""
    counted = 0

    def counting() -> Iterator[pa.RecordBatch]:
        nonlocal counted
        for b in batches:
            counted += b.num_rows
            yield b

    reader = pa.RecordBatchReader.from_batches(schema, counting())
    con.register("src", reader)
    try:
        target = str(path).replace("'", "''")
        con.execute(f"COPY (SELECT {select} FROM src) TO '{target}' (FORMAT csv, HEADER true, DELIMITER ',')")
    finally:
        con.unregister("src")
    return counted


def _template_select(table: str, columns: list[str]) -> str:
    """Canonical headers; ISO dates, TRUE/FALSE, money with two decimals (as ``data/demo``)."""
    t = TABLES[table]
    parts = []
    for name in columns:
        col = t.column(name)
        q = f'"{name}"'
        if col.type == "bool":
            parts.append(f"CASE WHEN {q} THEN 'TRUE' WHEN NOT {q} THEN 'FALSE' END AS {q}")
        elif col.type == "money":
            parts.append(f"CAST({q} AS DECIMAL(18, 2)) AS {q}")
        else:
            parts.append(q)
    return ", ".join(parts)


def _write_template(con, path: Path, table: str, batch: pa.RecordBatch | pa.Table) -> int:
    tbl = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
    batches = iter(tbl.to_batches(max_chunksize=CHUNK_ROWS))
    return _copy(con, path, batches, tbl.schema, _template_select(table, tbl.column_names))


def _sf_id(prefix: str, col: str) -> str:
    """A 15-character Salesforce-style ID from a row number: prefix + 12 digits."""
    return f"'{prefix}' || (({col} + 1000000000000)::VARCHAR)[2:]"


# ---------------------------------------------------------------------------------------
# Roster tables
# ---------------------------------------------------------------------------------------


def _people(org: _Org) -> pa.Table:
    n_all = len(org.names)
    role = ["Sales Director"] * N_DIRECTORS + ["Sales Manager"] * N_MANAGERS + ["Account Executive"] * N_REPS
    dir_names = org.names[:N_DIRECTORS]
    mgr_names = org.names[N_DIRECTORS:N_DIRECTORS + N_MANAGERS]
    manager = [None] * N_DIRECTORS + [dir_names[d] for d in org.mgr_director] + [mgr_names[m] for m in org.rep_mgr]
    team = [None] * N_DIRECTORS + org.mgr_team + [org.mgr_team[m] for m in org.rep_mgr]
    region_idx = np.concatenate((org.dir_region, org.mgr_region, org.mgr_region[org.rep_mgr]))
    segment = [None] * N_DIRECTORS + [D.SEGMENTS[s] for s in org.mgr_segment] + \
        [D.SEGMENTS[org.mgr_segment[m]] for m in org.rep_mgr]
    start = np.concatenate((org.dir_start, org.mgr_start, org.rep_start))
    end = np.concatenate((np.full(N_DIRECTORS + N_MANAGERS, NO_END), org.rep_end))
    return pa.table({
        "person_id": _strings(f"U{101 + i:05d}" for i in range(n_all)),
        "name": _strings(org.names),
        "manager": _strings(manager),
        "team": _strings(team),
        "region": _strings(D.REGIONS[int(r)] for r in region_idx),
        "segment": _strings(segment),
        "role": _strings(role),
        "email": _strings(f"{_ascii(n).lower().replace(' ', '.')}@{EMAIL_DOMAIN}" for n in org.names),
        "start_date": _dates(start),
        "end_date": _dates(np.where(end == NO_END, 0, end), mask=end == NO_END),
        "is_active": pa.array(end > TODAY),
    })


@dataclass
class _Accounts:
    names: list[str]
    stems: list[str]
    table: pa.Table


def _accounts(org: _Org, seed: int) -> _Accounts:
    rng = np.random.default_rng([seed, 1])
    names, stems, rows = [], [], []
    used: set[str] = set()
    for m in range(N_MANAGERS):
        seg = D.SEGMENTS[org.mgr_segment[m]]
        countries = org.mgr_countries[m]
        for _ in range(ACCOUNTS_PER_MANAGER):
            while True:
                prefix = D.ACCOUNT_PREFIXES[int(rng.integers(len(D.ACCOUNT_PREFIXES)))]
                suffix, industry = D.ACCOUNT_KINDS[int(rng.integers(len(D.ACCOUNT_KINDS)))]
                country = countries[int(rng.integers(len(countries)))]
                stem = f"{prefix} {suffix}"
                name = f"{stem} {D.COUNTRY_LEGAL_SUFFIX[country]}"
                if name not in used and stem not in _AVOIDED_ACCOUNTS:
                    used.add(name)
                    break
            lo, hi = {"SMB": (20, 200), "Mid-Market": (200, 2000), "Enterprise": (2000, 60000)}[seg]
            employees = int(np.exp(rng.uniform(np.log(lo), np.log(hi))))
            revenue = round(employees * float(rng.uniform(120_000, 420_000)), -3)
            names.append(name)
            stems.append(stem)
            rows.append((f"ACC-{len(rows) + 1:05d}", name, industry, country, employees, revenue))
    cols = list(zip(*rows, strict=True))
    table = pa.table({
        "account_id": _strings(cols[0]), "name": _strings(cols[1]), "industry": _strings(cols[2]),
        "country": _strings(cols[3]), "employees": pa.array(cols[4], type=pa.int64()),
        "annual_revenue": pa.array(cols[5], type=pa.float64()),
    })
    return _Accounts(names, stems, table)


def _products() -> pa.Table:
    return pa.table({
        "product": _strings(p[0] for p in D.PRODUCTS),
        "series": _strings(p[1] for p in D.PRODUCTS),
        "list_price": pa.array([p[2] for p in D.PRODUCTS], type=pa.float64()),
    })


# ---------------------------------------------------------------------------------------
# Opportunities (Salesforce report shape)
# ---------------------------------------------------------------------------------------

SEG_MEAN_AMOUNT = np.array([
    sum(w * p[2] for w, p in zip(D.SEGMENT_PRODUCT_MIX[s], D.PRODUCTS, strict=True))
    * D.SEGMENT_AMOUNT_MULT[s] * math.exp(D.AMOUNT_SIGMA**2 / 2)
    for s in D.SEGMENTS
])


def _deal_windows(org: _Org) -> tuple[np.ndarray, np.ndarray]:
    """Days in which each rep's deals close: their time in post from the first quarter to the
    end of the next quarter (open pipeline)."""
    lo = np.maximum(org.rep_start, PERIOD_START)
    hi = np.minimum(org.rep_end, HORIZON)
    return lo, hi


def _deal_weights(org: _Org) -> np.ndarray:
    """Deals per rep ∝ time in post x the won amount they should reach per day (quota x the
    manager's planted attainment x the rep's own factor) / what a deal wins on average."""
    lo, hi = _deal_windows(org)
    seg = org.mgr_segment[org.rep_mgr]
    per_day = org.rep_quota_base * org.prof["attainment"][org.rep_mgr] * org.rep_factor / (
        org.rep_win * SEG_MEAN_AMOUNT[seg])
    return np.maximum(hi - lo + 1, 0) * per_day


@dataclass
class _Deals:
    """Every deal's fields, in ID order (by created date)."""

    rep: np.ndarray
    created: np.ndarray
    close: np.ndarray
    stage: np.ndarray  # index into D.STAGES
    closed: np.ndarray
    won: np.ndarray
    stale: np.ndarray
    product: np.ndarray
    account: np.ndarray
    amount: np.ndarray
    lead_source: np.ndarray
    complex: np.ndarray
    involved: np.ndarray

    @property
    def last_touch(self) -> np.ndarray:
        end = np.where(self.closed, self.close, np.where(self.stale, TODAY - 40, TODAY - 1))
        return np.maximum(end, self.created)


def build_deals(org: _Org, n: int, seed: int) -> _Deals:
    rng = np.random.default_rng([seed, 2])
    lo, hi = _deal_windows(org)
    rep = _pick(rng.random(n), _deal_weights(org))
    m = org.rep_mgr[rep]
    seg = org.mgr_segment[m]
    close = _workday(lo[rep], hi[rep], rng.random(n))
    due = close <= TODAY
    stale = due & (close > TODAY - 60) & (rng.random(n) < org.prof["stale_share"][m])
    closed = due & ~stale
    won = closed & (rng.random(n) < org.rep_win[rep])
    open_stage = _pick(rng.random(n), (0.28, 0.25, 0.2, 0.16, 0.11))
    stage = np.where(won, D.STAGES.index(D.WON_STAGE), np.where(closed, D.STAGES.index(D.LOST_STAGE), open_stage))
    mix = np.array([D.SEGMENT_PRODUCT_MIX[s] for s in D.SEGMENTS])
    product = _pick_rows(rng.random(n), _cdf_rows(mix), seg)
    price = np.array([p[2] for p in D.PRODUCTS])
    mult = np.array([D.SEGMENT_AMOUNT_MULT[s] for s in D.SEGMENTS])
    amount = price[product] * mult[seg] * np.exp(rng.normal(0.0, D.AMOUNT_SIGMA, n))
    amount = np.maximum(np.round(amount / 10.0) * 10.0, 10.0)
    cycle_days = np.array([D.SEGMENT_CYCLE_DAYS[s] for s in D.SEGMENTS])
    cycle = cycle_days[seg] * np.clip(np.exp(rng.normal(0.0, 0.4, n)), 0.3, 2.4)
    cycle = np.where(closed & ~won, cycle / 2, cycle)
    created = np.minimum(close - np.round(cycle).astype(np.int64) - 1, TODAY - 2)
    created = np.maximum(created, org.rep_start[rep])
    w = 1.0 / np.arange(1, ACCOUNTS_PER_MANAGER + 1) ** 0.9
    account = m * ACCOUNTS_PER_MANAGER + _pick(rng.random(n), w)
    lead_source = _pick(rng.random(n), (0.3, 0.35, 0.15, 0.1, 0.1))
    # complexity: about the top quarter by size relative to the segment, enterprise more often
    seg_cx = np.array([D.SEGMENT_COMPLEXITY[s] for s in D.SEGMENTS])
    z = np.log(amount / SEG_MEAN_AMOUNT[seg]) + seg_cx[seg] + rng.normal(0.0, 0.3, n)
    complex_ = z >= np.quantile(z, 1 - D.COMPLEX_SHARE) if n else z > 0
    # involvement: the archetype's share, moving from the first quarter to the last; heroes
    # join most complex deals, and mostly once a deal is late-stage
    t = _quarter_of(close) / (NQ - 1)
    ic, io = org.prof["involve_complex"][m], org.prof["involve_other"][m]
    p = np.where(complex_, ic[:, 0] + (ic[:, 1] - ic[:, 0]) * t, io[:, 0] + (io[:, 1] - io[:, 0]) * t)
    p = np.where(~closed & (stage < 3), p * 0.25, p)
    involved = rng.random(n) < p
    order = np.lexsort((rep, created))
    return _Deals(rep=rep[order], created=created[order], close=close[order], stage=stage[order],
                  closed=closed[order], won=won[order], stale=stale[order], product=product[order],
                  account=account[order], amount=amount[order], lead_source=lead_source[order],
                  complex=complex_[order], involved=involved[order])


OPP_SELECT = ", ".join([
    'owner AS "Opportunity Owner"',
    'account AS "Account Name"',
    "stem || ' - ' || product AS \"Opportunity Name\"",
    f'{_sf_id("006", "id")} AS "Opportunity ID"',
    'stage AS "Stage"',
    "'Q' || quarter(close) || '-' || year(close) AS \"Fiscal Period\"",
    "'$' || format('{:,.2f}', amount) AS \"Amount\"",
    'probability AS "Probability (%)"',
    "strftime(close, '%m/%d/%Y') AS \"Close Date\"",
    "strftime(created, '%m/%d/%Y') AS \"Created Date\"",
    'closed::INTEGER AS "Closed"',
    'won::INTEGER AS "Won"',
    'product AS "Product Name"',
    'segment AS "Segment"',
    'lead_source AS "Lead Source"',
    'complex::INTEGER AS "Complex Deal"',
    'involved::INTEGER AS "Manager Involved"',
])
OPP_SCHEMA = pa.schema([
    ("id", pa.int64()), ("owner", pa.string()), ("account", pa.string()), ("stem", pa.string()),
    ("product", pa.string()), ("stage", pa.string()), ("amount", pa.float64()), ("probability", pa.int64()),
    ("close", pa.date32()), ("created", pa.date32()), ("closed", pa.bool_()), ("won", pa.bool_()),
    ("segment", pa.string()), ("lead_source", pa.string()), ("complex", pa.bool_()), ("involved", pa.bool_()),
])


def _opportunity_batches(org: _Org, deals: _Deals, accounts: _Accounts) -> Iterator[pa.RecordBatch]:
    names = _strings(org.names)
    acc_names, acc_stems = _strings(accounts.names), _strings(accounts.stems)
    products = _strings(p[0] for p in D.PRODUCTS)
    stages = _strings(D.STAGES)
    prob = np.array([D.STAGE_PROBABILITY[s] for s in D.STAGES], dtype=np.int64)
    segments, sources = _strings(D.SEGMENTS), _strings(D.LEAD_SOURCES)
    n = len(deals.rep)
    for a in range(0, n, CHUNK_ROWS):
        s = slice(a, min(a + CHUNK_ROWS, n))
        rep = deals.rep[s]
        yield pa.record_batch([
            pa.array(np.arange(s.start, s.stop, dtype=np.int64) + 1),
            _take(names, org.rep_name_idx(rep)),
            _take(acc_names, deals.account[s]),
            _take(acc_stems, deals.account[s]),
            _take(products, deals.product[s]),
            _take(stages, deals.stage[s]),
            pa.array(deals.amount[s]),
            pa.array(prob[deals.stage[s]]),
            _dates(deals.close[s]),
            _dates(deals.created[s]),
            pa.array(deals.closed[s]),
            pa.array(deals.won[s]),
            _take(segments, org.mgr_segment[org.rep_mgr[rep]]),
            _take(sources, deals.lead_source[s]),
            pa.array(deals.complex[s]),
            pa.array(deals.involved[s]),
        ], schema=OPP_SCHEMA)


# ---------------------------------------------------------------------------------------
# Quotas: segment quota per rep and quarter, scaled to the deal volume
# ---------------------------------------------------------------------------------------


def _quotas(org: _Org, n_deals: int) -> pa.Table:
    """A quota per rep for each quarter they were in post from its start (at least two weeks),
    prorated for leavers. Quota amounts are the segment's quota scaled so that, at any scale,
    a team's expected attainment is its manager's planted attainment."""
    lo, hi = _deal_windows(org)
    w = _deal_weights(org)
    length = np.maximum(hi - lo + 1, 1)
    seg = org.mgr_segment[org.rep_mgr]
    rows_r, rows_q, base, expected = [], [], [], []
    for q in range(NQ):
        qs, qe = Q_START[q], Q_END[q]
        last = np.minimum(org.rep_end, qe)
        ok = (org.rep_start < qs) & (org.rep_end >= qs) & (last - qs >= 14)
        r = np.flatnonzero(ok)
        prorate = (last[r] - qs + 1) / (qe - qs + 1)
        overlap = np.maximum(np.minimum(hi[r], qe) - np.maximum(lo[r], qs) + 1, 0)
        rows_r.append(r)
        rows_q.append(np.full(len(r), q))
        base.append(org.rep_quota_base[r] * prorate)
        expected.append(n_deals * w[r] / w.sum() * overlap / length[r] * org.rep_win[r] * SEG_MEAN_AMOUNT[seg[r]])
    r, q = np.concatenate(rows_r), np.concatenate(rows_q)
    base_q, exp_won = np.concatenate(base), np.concatenate(expected)
    target = base_q * org.prof["attainment"][org.rep_mgr[r]] * org.rep_factor[r]
    kappa = exp_won.sum() / target.sum() if target.sum() else 0.0
    amount = np.maximum(np.round(base_q * kappa / 100.0) * 100.0, 100.0)
    order = np.lexsort((np.array(org.names, dtype=object)[org.rep_name_idx(r)], q))
    r, q, amount = r[order], q[order], amount[order]
    return pa.table({
        "owner": _take(_strings(org.names), org.rep_name_idx(r)),
        "period_start": _dates(Q_START[q]),
        "period_end": _dates(Q_END[q]),
        "amount": pa.array(amount),
    })


# ---------------------------------------------------------------------------------------
# Activities (Salesforce activity report shape)
# ---------------------------------------------------------------------------------------

_SUBJECT_TYPES = tuple((t, s) for t in D.ACTIVITY_TYPES for s in D.ACTIVITY_SUBJECTS[t])
SUBJECTS: tuple[str, ...] = tuple(dict.fromkeys(
    [s for _, s in _SUBJECT_TYPES] + list(D.FIRST_TOUCH_SUBJECTS.values())
    + [s for _, s in D.MANAGER_SUBJECTS] + [s for _, s in D.PROSPECTING_SUBJECTS]))
_TYPE_SUBJECTS = [np.array([SUBJECTS.index(s) for s in D.ACTIVITY_SUBJECTS[t]]) for t in D.ACTIVITY_TYPES]
_FIRST_SUBJECT = np.array([SUBJECTS.index(D.FIRST_TOUCH_SUBJECTS["Call"]), SUBJECTS.index(D.FIRST_TOUCH_SUBJECTS["Email"])])
_MGR_SUBJECT = np.array([SUBJECTS.index(s) for _, s in D.MANAGER_SUBJECTS])
_MGR_TYPE = np.array([D.ACTIVITY_TYPES.index(t) for t, _ in D.MANAGER_SUBJECTS])
_PROS_SUBJECT = np.array([SUBJECTS.index(s) for _, s in D.PROSPECTING_SUBJECTS])
_PROS_TYPE = np.array([D.ACTIVITY_TYPES.index(t) for t, _ in D.PROSPECTING_SUBJECTS])

ACT_SELECT = ", ".join([
    f'{_sf_id("00T", "id")} AS "Activity ID"',
    'owner AS "Assigned"',
    'subject AS "Subject"',
    'type AS "Type"',
    "strftime(day, '%m/%d/%Y') AS \"Date\"",
    "'Completed' AS \"Status\"",
    'duration AS "Duration"',
    f'CASE WHEN opp IS NOT NULL THEN {_sf_id("006", "opp")} END AS "Related To ID"',
    'present::INTEGER AS "Manager Attended"',
])
ACT_SCHEMA = pa.schema([
    ("id", pa.int64()), ("owner", pa.string()), ("subject", pa.string()), ("type", pa.string()),
    ("day", pa.date32()), ("duration", pa.int64()), ("opp", pa.int64()), ("present", pa.bool_()),
])


def _activity_plan(org: _Org, deals: _Deals, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(rep activities per deal, manager activities per deal, prospecting activities) adding up to ``n``."""
    rng = np.random.default_rng([seed, 3])
    nd = len(deals.rep)
    if n < nd:
        raise ValueError(f"activities: {n:,} rows cannot give each of {nd:,} deals its first touch")
    n_pros = min(int(round(PROSPECTING_SHARE * n)), n - nd)
    n_mgr = np.where(deals.involved, rng.integers(1, 4, nd), 0)
    allowed = n - nd - n_pros
    if n_mgr.sum() > allowed:  # only at tiny scales: keep the first ones that fit
        n_mgr = np.where(np.cumsum(n_mgr) <= allowed, n_mgr, 0)
    extra = n - nd - n_pros - int(n_mgr.sum())
    days_open = (deals.last_touch - deals.created).astype(float)
    factor = org.prof["activity_factor"][org.rep_mgr[deals.rep]]
    w = factor * np.minimum(days_open, 150) / D.ACTIVITY_DAYS + 0.8
    n_rep = 1 + (rng.multinomial(extra, w / w.sum()) if nd else np.zeros(0, dtype=np.int64))
    return n_rep, n_mgr, n_pros


def _durations(types: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Minutes each activity took (as the demo draws them) and where it has none (e-mails)."""
    out = np.zeros(len(types), dtype=np.int64)
    call, meeting, demo = types == 0, types == 2, types == 3
    out[call] = 4 + np.floor(u[call] * 32).astype(np.int64)
    out[meeting] = np.array([30, 45, 60])[(u[meeting] * 3).astype(np.int64)]
    out[demo] = np.array([45, 60, 90])[(u[demo] * 3).astype(np.int64)]
    return out, types == 1


def _activity_batches(org: _Org, deals: _Deals, n: int, seed: int) -> Iterator[pa.RecordBatch]:
    """Activities deal by deal (the rep's, then the manager's on deals they joined, in date
    order), then prospecting not tied to a deal. IDs follow file order."""
    names = _strings(org.names)
    subjects, types_vocab = _strings(SUBJECTS), _strings(D.ACTIVITY_TYPES)
    n_rep, n_mgr, n_pros = _activity_plan(org, deals, n, seed)
    last, created = deals.last_touch, deals.created
    days_open = np.maximum(last - created, 0)
    next_id = 1

    def batch(owner, day, atype, subject, opp, present, u) -> pa.RecordBatch:
        nonlocal next_id
        dur, blank = _durations(atype, u)
        k = len(owner)
        out = pa.record_batch([
            pa.array(np.arange(next_id, next_id + k, dtype=np.int64)),
            _take(names, owner), _take(subjects, subject), _take(types_vocab, atype), _dates(day),
            pa.array(dur, mask=blank), pa.array(opp, mask=opp < 0), pa.array(present),
        ], schema=ACT_SCHEMA)
        next_id += k
        return out

    nd = len(deals.rep)
    for c, a in enumerate(range(0, nd, CHUNK_DEALS)):
        rng = np.random.default_rng([seed, 4, c])
        b = min(a + CHUNK_DEALS, nd)
        counts = n_rep[a:b]
        deal = np.repeat(np.arange(a, b), counts)
        total = len(deal)
        first = np.concatenate(([0], np.cumsum(counts)[:-1]))
        offs = np.floor(rng.random(total) * (days_open[deal] + 1)).astype(np.int64)
        offs = offs[np.lexsort((offs, deal))]
        atype = np.minimum(_pick(rng.random(total), (0.33, 0.37, 0.2, 0.1)), 3)
        atype[first] = rng.integers(0, 2, b - a)  # the first touch is a call or an e-mail
        picks = rng.random(total)
        subject = np.empty(total, dtype=np.int64)
        for t, options in enumerate(_TYPE_SUBJECTS):
            mask = atype == t
            subject[mask] = options[(picks[mask] * len(options)).astype(np.int64)]
        subject[first] = _FIRST_SUBJECT[atype[first]]
        # the manager sits in on the last two meetings of a deal they joined, mostly
        meeting = atype >= 2
        cum = np.cumsum(meeting)
        after = cum[first + counts - 1][deal - a] - cum
        present = deals.involved[deal] & meeting & (after < 2) & (rng.random(total) < 0.6)
        owner = org.rep_name_idx(deals.rep[deal])
        # the manager's own activities in the second half of deals they joined
        mdeal = np.repeat(np.arange(a, b), n_mgr[a:b])
        half = days_open[mdeal] // 2
        moffs = half + np.floor(rng.random(len(mdeal)) * (days_open[mdeal] - half + 1)).astype(np.int64)
        mpick = rng.integers(0, len(_MGR_SUBJECT), len(mdeal))
        all_deal = np.concatenate((deal, mdeal))
        all_day = created[all_deal] + np.concatenate((offs, moffs))
        order = np.lexsort((all_day, all_deal))
        yield batch(
            np.concatenate((owner, org.manager_name_idx(org.rep_mgr[deals.rep[mdeal]])))[order],
            all_day[order],
            np.concatenate((atype, _MGR_TYPE[mpick]))[order],
            np.concatenate((subject, _MGR_SUBJECT[mpick]))[order],
            all_deal[order] + 1,
            np.concatenate((present, np.ones(len(mdeal), dtype=bool)))[order],
            rng.random(len(all_deal)),
        )

    # prospecting: reps in post, weighted by time in post and their manager's activity level
    lo, hi = np.maximum(org.rep_start, PERIOD_START), org.rep_last
    w = np.maximum(hi - lo + 1, 0) * org.prof["activity_factor"][org.rep_mgr]
    for c, a in enumerate(range(0, n_pros, CHUNK_ROWS)):
        rng = np.random.default_rng([seed, 5, c])
        k = min(CHUNK_ROWS, n_pros - a)
        rep = _pick(rng.random(k), w)
        day = _workday(lo[rep], hi[rep], rng.random(k))
        order = np.lexsort((rep, day))
        pick = rng.integers(0, len(_PROS_SUBJECT), k)
        yield batch(org.rep_name_idx(rep)[order], day[order], _PROS_TYPE[pick], _PROS_SUBJECT[pick],
                    np.full(k, -1, dtype=np.int64), np.zeros(k, dtype=bool), rng.random(k))


# ---------------------------------------------------------------------------------------
# Capability reviews
# ---------------------------------------------------------------------------------------


def _reviews(org: _Org, n: int, seed: int) -> pa.Table:
    """Each reviewed rep scored on every capability at each quarter end they reach after six
    weeks in post; whole reps are taken until ``n`` rows, a few scores "not assessed"."""
    rng = np.random.default_rng([seed, 6])
    k = len(CAPABILITIES)
    reviewed = (org.rep_end[:, None] >= Q_END[None, :]) & (Q_END[None, :] - org.rep_start[:, None] >= 45)
    sizes = reviewed.sum(axis=1) * k
    cells_r, cells_q = np.nonzero(reviewed)  # row-major: rep, then quarter
    rows_r = np.repeat(cells_r, k)
    rows_q = np.repeat(cells_q, k)
    rows_c = np.tile(np.arange(k), len(cells_r))
    _, idx, rank = _exact_blocks(rng, sizes, np.ones(len(rows_r), dtype=bool), n, "reviews")
    r, q, c = rows_r[idx], rows_q[idx], rows_c[idx]
    order = np.lexsort((c, rank, q))
    r, q, c = r[order], q[order], c[order]
    m = org.rep_mgr[r]
    score = org.truth[r, q, c] + org.prof["leniency"][m] + rng.normal(0.0, 0.15, len(r))
    score = np.clip(np.round(score, 1), D.SCALE_MIN, D.SCALE_MAX)
    names = _strings(org.names)
    return pa.table({
        "rep": _take(names, org.rep_name_idx(r)),
        "reviewer": _take(names, org.manager_name_idx(m)),
        "cycle": _take(_strings(D.CYCLES), q),
        "review_date": _dates(_business_day(Q_END[q])),
        "capability": _take(_strings(CAPABILITIES), c),
        "score": pa.array(score),
        "scale_min": pa.array(np.full(len(r), int(D.SCALE_MIN))),
        "scale_max": pa.array(np.full(len(r), int(D.SCALE_MAX))),
    })


# ---------------------------------------------------------------------------------------
# Coaching sessions and development actions
# ---------------------------------------------------------------------------------------


def _rep_quarters(org: _Org) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (rep, quarter) in post: rep, quarter, first day, last day, share of the quarter."""
    rs, qs, los, his = [], [], [], []
    for q in range(NQ):
        lo, hi = org.span(q)
        r = np.flatnonzero(lo <= hi)
        rs.append(r)
        qs.append(np.full(len(r), q))
        los.append(lo[r])
        his.append(hi[r])
    r, q, lo, hi = (np.concatenate(x) for x in (rs, qs, los, his))
    frac = (hi - lo + 1) / (Q_END[q] - Q_START[q] + 1)
    return r, q, lo, hi, frac


def _other_core(rng: np.random.Generator, focus: np.ndarray) -> np.ndarray:
    return (focus + 1 + rng.integers(0, N_CORE - 1, len(focus))) % N_CORE


def _coaching_sessions(org: _Org, n: int, seed: int) -> pa.Table:
    rng = np.random.default_rng([seed, 7])
    cr, cq, clo, chi, frac = _rep_quarters(org)
    w = org.prof["sessions"][org.rep_mgr[cr]] * frac
    cell = np.repeat(np.arange(len(cr)), rng.multinomial(n, w / w.sum()))
    r, q = cr[cell], cq[cell]
    m = org.rep_mgr[r]
    day = _workday(clo[cell], chi[cell], rng.random(n))
    stype = _pick_rows(rng.random(n), _cdf_rows(org.prof["session_mix"]), m)
    minutes = np.array([30, 30, 30, 45, 45, 45, 60, 60, 40, 50])[rng.integers(0, 10, n)]
    share = org.prof["skill_share"][m]
    name = np.array(D.SESSION_TYPES)[stype]
    share = np.select([name == "Pipeline review", name == "Deal coaching", name == "Call review", name == "Role play"],
                      [share * 0.3, share * 0.6, share + 0.45, share + 0.55], share)
    share = np.clip(share + rng.normal(0.0, 0.08, n), 0.0, 1.0)
    skill = np.round(minutes * share / 5.0).astype(np.int64) * 5
    flags = rng.random((n, 4)) < org.prof["behaviours"][m]
    focus = org.focus[r, q]
    wander = (org.mgr_arch[m] != D.ARCHETYPES.index("developer")) & (rng.random(n) < 0.25)
    cap = np.where(wander, _other_core(rng, focus), focus)
    flags[:, 0] &= cap >= 0
    order = np.lexsort((r, m, day))
    names = _strings(org.names)
    return pa.table({
        "session_id": _strings(f"CS-{i:06d}" for i in range(1, n + 1)),
        "manager": _take(names, org.manager_name_idx(m[order])),
        "rep": _take(names, org.rep_name_idx(r[order])),
        "session_date": _dates(day[order]),
        "minutes": pa.array(minutes[order]),
        "session_type": _take(_strings(D.SESSION_TYPES), stype[order]),
        "focus_capability": _take(_strings(CAPABILITIES), np.maximum(cap, 0)[order], mask=~flags[order, 0]),
        "pipeline_minutes": pa.array((minutes - skill)[order]),
        "skill_minutes": pa.array(skill[order]),
        "named_specific_gap": pa.array(flags[order, 0]),
        "asked_before_telling": pa.array(flags[order, 1]),
        "tied_to_plan": pa.array(flags[order, 2]),
        "tracked_application": pa.array(flags[order, 3]),
    })


def _development_actions(org: _Org, n: int, seed: int) -> pa.Table:
    rng = np.random.default_rng([seed, 8])
    cr, cq, clo, chi, frac = _rep_quarters(org)
    w = org.prof["actions"][org.rep_mgr[cr]] * frac * (org.focus[cr, cq] >= 0)
    cell = np.repeat(np.arange(len(cr)), rng.multinomial(n, w / w.sum()))
    r, q = cr[cell], cq[cell]
    m = org.rep_mgr[r]
    focus = org.focus[r, q]
    wander = (org.mgr_arch[m] != D.ARCHETYPES.index("developer")) & (rng.random(n) < 0.3)
    cap = np.where(wander, _other_core(rng, focus), focus)
    hi = np.maximum(np.minimum(chi[cell], Q_END[q] - 5), clo[cell])
    assigned = _workday(clo[cell], hi, rng.random(n))
    due = assigned + rng.integers(14, 31, n)
    atype = _pick(rng.random(n), (0.3, 0.3, 0.28, 0.12))
    last = org.rep_last[r]
    completed = assigned + rng.integers(3, due - assigned + 8)
    has_completed = (rng.random(n) < org.prof["completion"][m]) & (completed <= last)
    revisited = completed + rng.integers(5, 31, n)
    has_revisited = has_completed & (rng.random(n) < org.prof["revisit"][m]) & (revisited <= last)
    order = np.lexsort((r, m, assigned))
    names = _strings(org.names)
    return pa.table({
        "action_id": _strings(f"DA-{i:06d}" for i in range(1, n + 1)),
        "rep": _take(names, org.rep_name_idx(r[order])),
        "manager": _take(names, org.manager_name_idx(m[order])),
        "capability": _take(_strings(CAPABILITIES), cap[order]),
        "action_type": _take(_strings(D.ACTION_TYPES), atype[order]),
        "assigned_date": _dates(assigned[order]),
        "due_date": _dates(due[order]),
        "completed_date": _dates(completed[order], mask=~has_completed[order]),
        "revisited_date": _dates(revisited[order], mask=~has_revisited[order]),
    })


# ---------------------------------------------------------------------------------------
# Surveys
# ---------------------------------------------------------------------------------------


def _surveys(org: _Org, n: int, seed: int) -> pa.Table:
    """Three waves; per manager and wave their own rating of their coaching, then each rep in
    post for a month answers the three Lead items and the coaching item. Whole teams are taken
    until ``n`` rows; the excess is reps' answers left blank (non-response)."""
    rng = np.random.default_rng([seed, 9])
    respondent = rng.choice(np.arange(10_000, 100_000), size=N_REPS, replace=False)
    rep_offset = rng.normal(0.0, 0.15, N_REPS)
    waves = [_day(d) for d in SURVEY_DATES]
    n_items = len(SURVEY_ITEMS)
    # candidate rows, team by team: (wave, who, is_self, item)
    blocks_w, blocks_who, blocks_self, blocks_item, sizes = [], [], [], [], []
    for m in range(N_MANAGERS):
        team = np.flatnonzero(org.rep_mgr == m)
        ws, who, self_, item = [], [], [], []
        for wi, wd in enumerate(waves):
            here = team[(org.rep_start[team] <= wd - 30) & (org.rep_end[team] >= wd)]
            ws += [wi] * (1 + n_items * len(here))
            who += [m] + list(np.repeat(here, n_items))
            self_ += [True] + [False] * (n_items * len(here))
            item += [-1] + list(np.tile(np.arange(n_items), len(here)))
        blocks_w.append(ws)
        blocks_who.append(who)
        blocks_self.append(self_)
        blocks_item.append(item)
        sizes.append(len(ws))
    wave = np.concatenate([np.array(b) for b in blocks_w])
    who = np.concatenate([np.array(b) for b in blocks_who])
    is_self = np.concatenate([np.array(b, dtype=bool) for b in blocks_self])
    item = np.concatenate([np.array(b) for b in blocks_item])
    sizes_a = np.array(sizes)
    _, idx, block = _exact_blocks(rng, sizes_a, ~is_self, n, "surveys")
    wave, who, is_self, item = wave[idx], who[idx], is_self[idx], item[idx]
    order = np.lexsort((np.arange(len(idx)), block, wave))  # by wave, then team, rows in team order
    wave, who, is_self, item = wave[order], who[order], is_self[order], item[order]
    mgr = np.where(is_self, who, org.rep_mgr[np.where(is_self, 0, who)])
    k = len(wave)
    p = org.prof
    lead = np.clip(np.round(rng.normal(p["lead_mean"][mgr] + rep_offset[np.where(is_self, 0, who)], 0.5)), 1, 5)
    agree = rng.random(k) < p["rep_agree"][mgr]
    top = rng.random(k) < np.where(org.mgr_arch[mgr] == D.ARCHETYPES.index("developer"), 0.55, 0.35)
    coach = np.where(agree, np.where(top, 5.0, 4.0), np.where(rng.random(k) < 0.65, 3.0, 2.0))
    self_score = p["self_rating"][mgr, (wave >= len(waves) - 1).astype(np.int64)]  # the demo's 2nd answer last
    score = np.where(is_self, self_score, np.where(item == n_items - 1, coach, lead))
    names = _strings(org.names)
    rep_ids = _strings(f"R-{i:05d}" for i in respondent)
    self_text = _take(names, org.manager_name_idx(who), mask=~is_self)
    rep_text = _take(rep_ids, np.where(is_self, 0, who), mask=is_self)
    items = _strings((*SURVEY_ITEMS, D.CONFIDENCE_ITEM_SELF))
    return pa.table({
        "response_id": _strings(f"RESP-{i:06d}" for i in range(1, k + 1)),
        "respondent": pc.coalesce(self_text, rep_text),
        "respondent_role": _take(_strings(("rep", "manager")), is_self.astype(np.int64)),
        "subject_manager": _take(names, org.manager_name_idx(mgr)),
        "item": _take(items, np.where(is_self, n_items, item)),
        "score": pa.array(score.astype(np.int64)),
        "scale_max": pa.array(np.full(k, int(D.SURVEY_SCALE_MAX))),
        "survey_date": _dates(np.array(waves)[wave]),
    })


# ---------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------


def counts_for(scale: float) -> dict[str, int]:
    """Rows of each event table at ``scale``."""
    if not scale > 0:
        raise ValueError(f"scale must be positive, not {scale!r}")
    return {t: int(round(c * scale)) for t, c in EVENT_COUNTS.items()}


def generate(out_dir: Path, scale: float = 1.0, seed: int = 7, threads: int = 1,
             progress: Callable[[str, int, float], None] | None = None) -> dict[str, int]:
    """Write the large organisation's exports to ``out_dir``; return file name -> data rows.

    Also writes ``ground_truth.json`` (each manager's archetype and planted attainment).

    ``threads`` caps DuckDB's worker threads (the CSV formatting and writing). One is the
    default and the fastest in practice: the input is a single Python stream, and with more
    threads DuckDB holds the formatted output back to keep rows in order, so memory grows
    with the file (about +230 MB per 5 million activity rows) for no gain in speed.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    n = counts_for(scale)
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = true")
    written: dict[str, int] = {}

    def step(table: str, write: Callable[[Path], int]) -> None:
        t0 = time.perf_counter()
        path = out_dir / FILES[table]
        written[path.name] = write(path)
        if progress:
            progress(path.name, written[path.name], time.perf_counter() - t0)

    try:
        org = build_org(seed)
        accounts = _accounts(org, seed)
        step("people", lambda p: _write_template(con, p, "people", _people(org)))
        step("accounts", lambda p: _write_template(con, p, "accounts", accounts.table))
        step("products", lambda p: _write_template(con, p, "products", _products()))
        step("quotas", lambda p: _write_template(con, p, "quotas", _quotas(org, n["opportunities"])))
        deals = build_deals(org, n["opportunities"], seed)
        step("opportunities", lambda p: _copy(con, p, _opportunity_batches(org, deals, accounts), OPP_SCHEMA,
                                              OPP_SELECT))
        step("activities", lambda p: _copy(con, p, _activity_batches(org, deals, n["activities"], seed), ACT_SCHEMA,
                                           ACT_SELECT))
        step("reviews", lambda p: _write_template(con, p, "reviews", _reviews(org, n["reviews"], seed)))
        step("coaching_sessions", lambda p: _write_template(
            con, p, "coaching_sessions", _coaching_sessions(org, n["coaching_sessions"], seed)))
        step("development_actions", lambda p: _write_template(
            con, p, "development_actions", _development_actions(org, n["development_actions"], seed)))
        step("surveys", lambda p: _write_template(con, p, "surveys", _surveys(org, n["surveys"], seed)))
        truth = {
            "seed": seed, "scale": scale, "today": D.DEMO_TODAY.isoformat(), "cycles": list(D.CYCLES),
            "managers": {org.names[N_DIRECTORS + m]: D.ARCHETYPES[a] for m, a in enumerate(org.mgr_arch)},
            "planted_attainment": {org.names[N_DIRECTORS + m]: round(float(a), 4)
                                   for m, a in enumerate(org.prof["attainment"])},
            "counts": written,
        }
        (out_dir / GROUND_TRUTH_FILE).write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
    finally:
        con.close()
    for table, rows in n.items():
        if written[FILES[table]] != rows:
            raise AssertionError(f"{FILES[table]}: wrote {written[FILES[table]]:,} rows, expected {rows:,}")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of issue 8's event counts (default 1.0)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the CSV files to")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1, help="DuckDB threads (default 1; see generate)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()

    def report(name: str, rows: int, seconds: float) -> None:
        size = (args.out / name).stat().st_size
        print(f"{name:<26}{rows:>12,} rows{size / 1e6:>10.1f} MB{seconds:>8.1f} s", flush=True)

    written = generate(args.out, args.scale, args.seed, args.threads, report)
    total = sum((args.out / f).stat().st_size for f in written)
    print(f"{'total':<26}{sum(written.values()):>12,} rows{total / 1e6:>10.1f} MB"
          f"{time.perf_counter() - t0:>8.1f} s  -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
