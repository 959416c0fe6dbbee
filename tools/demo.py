"""Deterministic demo organisation with planted ground truth.

The demo is what the app opens on when a user has no data of their own, and what the engine's
tests check themselves against. It is a made-up sales organisation of about 15 managers and
120 reps over eight quarters (2024-Q4 .. 2026-Q3), written as one export file per canonical
table (see :mod:`analytics.schema`) plus ``ground_truth.json``.

Fifteen managers are planted, three of each archetype:

``developer``      reps' capability rises, coaching shows the four behaviours, development
                   actions get done and revisited, the dependency curve shrinks.
``hero``           same attainment as the developers, but the manager joins most complex deals,
                   capability is flat and coaching is thin.
``operator``       strong pipeline discipline (pipeline reviews, activity volume, coverage,
                   clean pipeline), little skill coaching, flat capability.
``motivator``      the Lead dial is strong (survey, retention), follow-through is weak.
``overconfident``  rates their own coaching as consistent while few of their reps agree: the
                   largest confidence gaps in the organisation.

Rep-level plants (skill gaps that move, a fit gap, a skill gap nobody works on) are recorded in
``ground_truth.json`` by rep name. Everything comes from one seeded ``numpy`` generator and a
fixed calendar, so the output is byte-identical from run to run.

Examples
--------
>>> tables = generate_demo()                                   # doctest: +SKIP
>>> sorted(tables)[:3]                                         # doctest: +SKIP
['accounts', 'activities', 'coaching_sessions']
>>> ground_truth()["primary"]["developer"]                      # doctest: +SKIP

``python -m tools.demo`` rewrites ``data/demo/``.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import math
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.schema import TABLES

DEMO_SEED = 2026
#: The demo's "today": the last day of the last quarter. Nothing reads the wall clock.
DEMO_TODAY = date(2026, 9, 30)
DEMO_DIR = Path(__file__).resolve().parents[1] / "data" / "demo"
GROUND_TRUTH_FILE = "ground_truth.json"

#: (cycle label, first day, last day) of the eight quarters the demo covers.
QUARTERS: tuple[tuple[str, date, date], ...] = (
    ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
    ("2025-Q1", date(2025, 1, 1), date(2025, 3, 31)),
    ("2025-Q2", date(2025, 4, 1), date(2025, 6, 30)),
    ("2025-Q3", date(2025, 7, 1), date(2025, 9, 30)),
    ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31)),
    ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
    ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
)
CYCLES: tuple[str, ...] = tuple(q[0] for q in QUARTERS)
N_QUARTERS = len(QUARTERS)

CAPABILITIES: tuple[str, ...] = (
    "Discovery",
    "Value articulation",
    "Stakeholder navigation",
    "Competitive positioning",
    "Negotiation",
    "Pipeline discipline",
)
SCALE_MIN = 1.0
SCALE_MAX = 5.0

OPEN_STAGES: tuple[str, ...] = ("Prospecting", "Qualification", "Discovery", "Proposal", "Negotiation")
WON_STAGE = "Closed Won"
LOST_STAGE = "Closed Lost"
STAGES: tuple[str, ...] = OPEN_STAGES + (WON_STAGE, LOST_STAGE)
STAGE_PROBABILITY = {
    "Prospecting": 10.0,
    "Qualification": 20.0,
    "Discovery": 40.0,
    "Proposal": 60.0,
    "Negotiation": 80.0,
    WON_STAGE: 100.0,
    LOST_STAGE: 0.0,
}

SESSION_TYPES: tuple[str, ...] = ("1:1", "Pipeline review", "Call review", "Role play", "Deal coaching")
ACTION_TYPES: tuple[str, ...] = ("Role play", "Call review", "Targeted practice", "Course")
ACTIVITY_TYPES: tuple[str, ...] = ("Call", "Email", "Meeting", "Demo")

#: Lead-dial survey items (reps about their manager).
LEAD_ITEMS: tuple[str, ...] = (
    "My manager gives me a clear direction",
    "I am motivated to perform for my manager",
    "I believe in our team's plan",
)
#: The confidence item as reps answer it about their manager.
CONFIDENCE_ITEM_REP = "My manager coaches me consistently"
#: The same item as a manager answers it about themselves.
CONFIDENCE_ITEM_SELF = "I coach my reps consistently"
SURVEY_SCALE_MAX = 5.0
#: Survey waves (one a year, in March).
SURVEY_DATES: tuple[date, ...] = (date(2025, 3, 14), date(2026, 3, 13))

ARCHETYPES: tuple[str, ...] = ("developer", "hero", "operator", "motivator", "overconfident")
REGIONS: tuple[str, ...] = ("North America", "EMEA", "APAC")
SEGMENTS: tuple[str, ...] = ("SMB", "Mid-Market", "Enterprise")

#: The tables the demo writes, in the order they are written.
DEMO_TABLES: tuple[str, ...] = (
    "people",
    "accounts",
    "products",
    "opportunities",
    "stage_history",
    "activities",
    "quotas",
    "reviews",
    "coaching_sessions",
    "development_actions",
    "surveys",
)

# ---------------------------------------------------------------------------------------
# Organisation layout
# ---------------------------------------------------------------------------------------

#: (team, segment, countries of its territory) for each region, five teams a region.
TEAMS: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "North America": (
        ("Enterprise East", "Enterprise", ("United States",)),
        ("Enterprise West", "Enterprise", ("United States",)),
        ("Mid-Market Central", "Mid-Market", ("United States", "Canada")),
        ("Mid-Market South", "Mid-Market", ("United States", "Mexico")),
        ("SMB Velocity", "SMB", ("United States", "Canada")),
    ),
    "EMEA": (
        ("Enterprise UK & Ireland", "Enterprise", ("United Kingdom", "Ireland")),
        ("Enterprise Central Europe", "Enterprise", ("Germany", "Switzerland", "Austria")),
        ("Mid-Market Northern Europe", "Mid-Market", ("Sweden", "Denmark", "Netherlands", "Norway")),
        ("Mid-Market Southern Europe", "Mid-Market", ("Spain", "Italy", "Portugal", "France")),
        ("SMB EMEA", "SMB", ("United Kingdom", "Netherlands", "United Arab Emirates", "South Africa")),
    ),
    "APAC": (
        ("Enterprise ANZ", "Enterprise", ("Australia", "New Zealand")),
        ("Enterprise North Asia", "Enterprise", ("Japan", "South Korea")),
        ("Mid-Market ANZ", "Mid-Market", ("Australia", "New Zealand")),
        ("Mid-Market South Asia", "Mid-Market", ("India", "Singapore")),
        ("SMB APAC", "SMB", ("Singapore", "Malaysia", "Philippines", "Australia")),
    ),
}
#: Reps in all teams together (team sizes are drawn between 6 and 10 to add up to this).
TEAM_SLOTS = 110

#: (product, series, list price); ``SEGMENT_PRODUCT_MIX`` weights them per segment.
PRODUCTS: tuple[tuple[str, str, float], ...] = (
    ("Pulse Starter", "Pulse", 9600.0),
    ("Pulse Professional", "Pulse", 28800.0),
    ("Pulse Enterprise", "Pulse", 96000.0),
    ("Relay Automation", "Relay", 42000.0),
    ("Relay Orchestrator", "Relay", 135000.0),
    ("Sentinel Compliance", "Sentinel", 60000.0),
)
SEGMENT_PRODUCT_MIX = {
    "SMB": (0.45, 0.30, 0.0, 0.15, 0.0, 0.10),
    "Mid-Market": (0.10, 0.35, 0.10, 0.25, 0.05, 0.15),
    "Enterprise": (0.0, 0.10, 0.35, 0.10, 0.30, 0.15),
}
#: Deal amount = list price x segment multiplier x lognormal(0, AMOUNT_SIGMA).
SEGMENT_AMOUNT_MULT = {"SMB": 0.7, "Mid-Market": 1.0, "Enterprise": 1.5}
AMOUNT_SIGMA = 0.45
#: Expected deal amount per segment.
_MEAN_AMOUNT = {
    seg: sum(w * p[2] for w, p in zip(mix, PRODUCTS, strict=True)) * SEGMENT_AMOUNT_MULT[seg] * math.exp(AMOUNT_SIGMA**2 / 2)
    for seg, mix in SEGMENT_PRODUCT_MIX.items()
}
#: Quarterly quota of a typical rep per segment (2026 quarters are 8% higher).
SEGMENT_QUOTA = {"SMB": 110_000.0, "Mid-Market": 210_000.0, "Enterprise": 420_000.0}
#: Median sales cycle in days per segment.
SEGMENT_CYCLE_DAYS = {"SMB": 35.0, "Mid-Market": 60.0, "Enterprise": 95.0}
#: How much more often a segment's deals are multi-stakeholder (complexity score offset).
SEGMENT_COMPLEXITY = {"SMB": -0.35, "Mid-Market": 0.0, "Enterprise": 0.45}
#: Share of all deals flagged complex.
COMPLEX_SHARE = 0.25
#: Days of a deal per logged activity (before the manager's activity factor).
ACTIVITY_DAYS = 17.0
LEAD_SOURCES: tuple[str, ...] = ("Inbound", "Outbound", "Partner", "Event", "Referral")

# ---------------------------------------------------------------------------------------
# Archetype profiles: the knobs that plant each manager shape
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How a manager archetype behaves; each manager gets a jittered copy."""

    attainment: float
    behaviours: tuple[float, float, float, float]  # named gap, asked, tied to plan, tracked
    skill_share: float  # skill share of a 1:1's minutes
    sessions_per_quarter: float  # per rep
    session_mix: tuple[float, float, float, float, float]  # weights of SESSION_TYPES
    actions_per_quarter: float  # per rep
    completion: float
    revisit: float
    gain: float  # raw score gain per quarter on a focused capability
    drift: float  # raw score drift per quarter on every capability
    involve_complex: tuple[float, float]  # share of complex deals joined, first -> last quarter
    involve_other: tuple[float, float]  # same for the other deals
    lead_mean: float
    rep_agree: float  # share of reps agreeing "my manager coaches me consistently"
    self_rating: tuple[float, float]  # the manager's own answer per wave
    leavers: tuple[int, int]
    activity_factor: float
    coverage: float  # open pipeline / next quarter's quota
    stale_share: float  # open deals past their close date
    window_lengths: tuple[int, ...]  # quarters a development focus lasts


PROFILES: dict[str, Profile] = {
    "developer": Profile(
        attainment=1.03, behaviours=(0.85, 0.76, 0.80, 0.72), skill_share=0.50,
        sessions_per_quarter=4.6, session_mix=(0.36, 0.16, 0.18, 0.14, 0.16),
        actions_per_quarter=3.4, completion=0.86, revisit=0.72, gain=0.32, drift=0.03,
        involve_complex=(0.60, 0.15), involve_other=(0.12, 0.04), lead_mean=4.05,
        rep_agree=0.9, self_rating=(5.0, 4.0), leavers=(0, 1), activity_factor=1.0,
        coverage=2.5, stale_share=0.14, window_lengths=(2, 3),
    ),
    "hero": Profile(
        attainment=1.03, behaviours=(0.24, 0.16, 0.20, 0.14), skill_share=0.15,
        sessions_per_quarter=2.0, session_mix=(0.32, 0.30, 0.04, 0.02, 0.32),
        actions_per_quarter=1.0, completion=0.35, revisit=0.14, gain=0.0, drift=0.0,
        involve_complex=(0.76, 0.88), involve_other=(0.30, 0.34), lead_mean=3.30,
        rep_agree=0.50, self_rating=(5.0, 5.0), leavers=(1, 2), activity_factor=0.95,
        coverage=2.2, stale_share=0.22, window_lengths=(2, 3, 4),
    ),
    "operator": Profile(
        attainment=0.95, behaviours=(0.18, 0.14, 0.14, 0.10), skill_share=0.10,
        sessions_per_quarter=6.0, session_mix=(0.24, 0.62, 0.04, 0.0, 0.10),
        actions_per_quarter=1.0, completion=0.55, revisit=0.14, gain=0.0, drift=0.0,
        involve_complex=(0.45, 0.45), involve_other=(0.12, 0.12), lead_mean=3.20,
        rep_agree=0.45, self_rating=(4.0, 4.0), leavers=(1, 2), activity_factor=1.75,
        coverage=3.4, stale_share=0.03, window_lengths=(2, 3, 4),
    ),
    "motivator": Profile(
        attainment=0.90, behaviours=(0.50, 0.56, 0.40, 0.34), skill_share=0.30,
        sessions_per_quarter=3.4, session_mix=(0.46, 0.20, 0.12, 0.10, 0.12),
        actions_per_quarter=3.0, completion=0.30, revisit=0.10, gain=0.07, drift=0.01,
        involve_complex=(0.35, 0.35), involve_other=(0.10, 0.10), lead_mean=4.65,
        rep_agree=0.62, self_rating=(5.0, 4.0), leavers=(0, 0), activity_factor=0.95,
        coverage=2.2, stale_share=0.22, window_lengths=(2, 3, 4),
    ),
    "overconfident": Profile(
        attainment=0.92, behaviours=(0.40, 0.34, 0.36, 0.30), skill_share=0.30,
        sessions_per_quarter=3.4, session_mix=(0.44, 0.22, 0.12, 0.08, 0.14),
        actions_per_quarter=2.3, completion=0.50, revisit=0.30, gain=0.05, drift=0.005,
        involve_complex=(0.50, 0.52), involve_other=(0.14, 0.14), lead_mean=3.60,
        rep_agree=0.24, self_rating=(5.0, 5.0), leavers=(1, 2), activity_factor=1.0,
        coverage=2.3, stale_share=0.20, window_lengths=(2, 3, 4),
    ),
}
#: Attainment of the primary developer and primary hero (the two managers the story compares).
PRIMARY_ATTAINMENT = {"developer": 1.035, "hero": 1.03}

# ---------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------

FIRST_NAMES: tuple[str, ...] = (
    "Aaliyah", "Adebayo", "Aditi", "Ahmed", "Aiko", "Alejandro", "Amara", "Ana", "Andrei",
    "Anika", "Arjun", "Astrid", "Ayesha", "Bao", "Beatriz", "Benjamin", "Bilal", "Brianna",
    "Caleb", "Camila", "Carmen", "Chidi", "Chloe", "Connor", "Daniel", "Dario", "Deepa",
    "Derek", "Diego", "Dmitri", "Elena", "Eliza", "Emeka", "Emil", "Esther", "Farah",
    "Fatima", "Felix", "Fiona", "Gabriel", "Grace", "Hana", "Hannah", "Hassan", "Ingrid",
    "Isabel", "Ivan", "Jamal", "Javier", "Jia", "Jonas", "Joon", "Julia", "Kai", "Kavya",
    "Keisha", "Kenji", "Kwame", "Laila", "Lars", "Lauren", "Leah", "Lucas", "Luis", "Marcus",
    "Mateo", "Maya", "Megan", "Mei", "Mira", "Nadia", "Naomi", "Naveen", "Nia", "Noah",
    "Nomvula", "Olivia", "Omar", "Oskar", "Owen", "Priya", "Rachel", "Rafael", "Rania",
    "Ravi", "Renata", "Rohan", "Sakura", "Samuel", "Sana", "Santiago", "Siobhán", "Sofia",
    "Søren", "Tariq", "Thandiwe", "Tomás", "Tyler", "Uma", "Valentina", "Victor", "Wei",
    "Yara", "Yusuf", "Zainab", "Zoë",
)
LAST_NAMES: tuple[str, ...] = (
    "Abara", "Achterberg", "Adeyemi", "Alvarez", "Andersen", "Bakker", "Banerjee", "Bennett",
    "Bianchi", "Boateng", "Brennan", "Campbell", "Castillo", "Chandra", "Cho", "Chowdhury",
    "Coleman", "Costa", "Delgado", "Dimitrov", "Dubois", "Eriksson", "Fernandes", "Fischer",
    "Fitzgerald", "Foster", "Gallagher", "Gupta", "Haddad", "Harper", "Hartmann", "Hoang",
    "Hughes", "Ibrahim", "Iyer", "Jansen", "Kamara", "Kapoor", "Kaur", "Kim", "Kowalski",
    "Krüger", "Lambert", "Larsen", "Lim", "Lindgren", "Lindqvist", "Lopez", "Mahlangu",
    "Marchetti", "Mendoza", "Menon", "Mensah", "Moreau", "Mori", "Morgan", "Müller",
    "Nair", "Nakamura", "Nguyen", "Novak", "Núñez", "Okafor", "Okonkwo", "Olsen", "Ong",
    "Ortiz", "Osei", "Park", "Patel", "Petrov", "Pillai", "Quinn", "Rahman", "Ramos",
    "Reddy", "Reyes", "Rossi", "Saito", "Santos", "Sato", "Schmidt", "Shah", "Silva",
    "Singh", "Sorensen", "Sullivan", "Suzuki", "Tan", "Tanaka", "Torres", "van Dijk",
    "Varga", "Vasquez", "Wagner", "Walsh", "Wang", "Watanabe", "Weber", "Whitfield",
    "Yamamoto", "Yilmaz", "Zhang", "Zhou",
)
#: Combinations that would read as a well-known person; never generated.
AVOIDED_NAMES = frozenset({
    "Sean Murphy", "Lucas Silva", "Gabriel Garcia", "Daniel Morgan", "Victor Wagner",
    "Ivan Petrov", "Kenji Tanaka", "Omar Ibrahim", "Noah Schmidt", "Grace Park",
    "Olivia Rossi", "Diego Costa", "Kai Havertz", "Emil Andersen",
})

ACCOUNT_PREFIXES: tuple[str, ...] = (
    "Alder", "Amberline", "Arbor", "Ashgrove", "Basalt", "Beacon", "Birchwood", "Bluefin",
    "Brightwater", "Cairn", "Cedar", "Cobalt", "Copperleaf", "Crescent", "Driftwood",
    "Ember", "Evergreen", "Fernhill", "Foxglove", "Glacier", "Granite", "Harborview",
    "Hawthorn", "Helix", "Highmoor", "Ironbark", "Juniper", "Keystone", "Kestrel",
    "Lakeshore", "Larkspur", "Linden", "Lumen", "Maplecrest", "Meridian", "Mistral",
    "Northgate", "Oakridge", "Orchard", "Pinecrest", "Quartz", "Redcliff", "Riverbend",
    "Rowan", "Saltmarsh", "Sandpiper", "Silverline", "Skyward", "Sparrow", "Stonebridge",
    "Sunfield", "Tamarack", "Thornbury", "Tidewater", "Timberline", "Verdant", "Westbrook",
    "Willowmere", "Windrose", "Yarrow",
)
#: (name suffix, industry)
ACCOUNT_KINDS: tuple[tuple[str, str], ...] = (
    ("Logistics", "Transportation & Logistics"),
    ("Freightways", "Transportation & Logistics"),
    ("Health", "Healthcare"),
    ("Medical Group", "Healthcare"),
    ("Analytics", "Technology"),
    ("Software", "Technology"),
    ("Systems", "Technology"),
    ("Manufacturing", "Manufacturing"),
    ("Industries", "Manufacturing"),
    ("Foods", "Consumer Goods"),
    ("Brands", "Consumer Goods"),
    ("Energy", "Energy & Utilities"),
    ("Power", "Energy & Utilities"),
    ("Capital", "Financial Services"),
    ("Financial", "Financial Services"),
    ("Insurance", "Insurance"),
    ("Retail", "Retail"),
    ("Outfitters", "Retail"),
    ("Telecom", "Telecommunications"),
    ("Hotels", "Hospitality"),
    ("Media", "Media & Entertainment"),
    ("Construction", "Construction"),
    ("Pharma", "Life Sciences"),
    ("Biosciences", "Life Sciences"),
    ("Robotics", "Technology"),
    ("Agritech", "Agriculture"),
)
COUNTRY_LEGAL_SUFFIX = {
    "United States": "Inc.", "Canada": "Inc.", "Mexico": "S.A.", "United Kingdom": "Ltd",
    "Ireland": "Ltd", "Germany": "GmbH", "Switzerland": "AG", "Austria": "GmbH", "Sweden": "AB",
    "Denmark": "A/S", "Netherlands": "B.V.", "Norway": "AS", "Spain": "S.L.", "Italy": "S.p.A.",
    "Portugal": "Lda", "France": "SAS", "United Arab Emirates": "LLC", "South Africa": "(Pty) Ltd",
    "Australia": "Pty Ltd", "New Zealand": "Ltd", "Japan": "K.K.", "South Korea": "Co., Ltd.",
    "India": "Pvt Ltd", "Singapore": "Pte Ltd", "Malaysia": "Sdn Bhd", "Philippines": "Inc.",
}
ACCOUNTS_PER_TEAM = 20

ACTIVITY_SUBJECTS = {
    "Call": ("Discovery call", "Follow-up call", "Check-in call", "Pricing call", "Next steps call",
             "Technical questions call"),
    "Email": ("Follow-up email", "Sent recap", "Sent proposal", "Shared case study",
              "Sent pricing", "Contract redlines", "Scheduling email"),
    "Meeting": ("Discovery meeting", "Stakeholder meeting", "Business case review",
                "Negotiation meeting", "Security review", "Procurement meeting"),
    "Demo": ("Product demo", "Technical deep dive", "Tailored demo"),
}
FIRST_TOUCH_SUBJECTS = {"Call": "Intro call", "Email": "Intro email"}
MANAGER_SUBJECTS: tuple[tuple[str, str], ...] = (
    ("Call", "Executive alignment call"),
    ("Call", "Deal strategy call"),
    ("Meeting", "Executive sponsor meeting"),
    ("Call", "Pricing approval call"),
    ("Meeting", "Negotiation meeting"),
    ("Meeting", "Close plan review"),
)
PROSPECTING_SUBJECTS: tuple[tuple[str, str], ...] = (
    ("Call", "Prospecting call"),
    ("Email", "Cold outreach email"),
    ("Email", "Event follow-up email"),
    ("Call", "Referral intro call"),
)

# ---------------------------------------------------------------------------------------
# Internal state
# ---------------------------------------------------------------------------------------


@dataclass
class _Manager:
    person_id: str
    name: str
    director: str
    region: str
    team: str
    segment: str
    countries: tuple[str, ...]
    archetype: str
    primary: bool
    profile: Profile
    leniency: float  # reviewer's constant offset on capability scores
    start: date
    accounts: list[int] = field(default_factory=list)  # indices into the account list
    account_weights: tuple[float, ...] = ()
    reps: list[_Rep] = field(default_factory=list)


@dataclass
class _Rep:
    person_id: str
    name: str
    manager: _Manager
    start: date
    end: date | None
    factor: float  # attainment multiplier before the team is scaled to its target
    quota_base: float
    win_rate: float
    base: np.ndarray  # raw capability scores when the rep joins the period
    focus: list[int] = field(default_factory=lambda: [-1] * N_QUARTERS)  # capability per quarter
    truth: np.ndarray | None = None  # raw true score at each quarter end, shape (8, 6)
    excluded: set[int] = field(default_factory=set)  # capabilities never named
    force_complete: bool = False  # every action on the focus gets done (fit gap)
    plant: str = ""
    respondent_id: str = ""

    def active_span(self, q: int) -> tuple[date, date] | None:
        """First and last day the rep worked in quarter ``q`` (None if not at all)."""
        _, qs, qe = QUARTERS[q]
        lo = max(qs, self.start)
        hi = min(qe, self.end or DEMO_TODAY, DEMO_TODAY)
        return (lo, hi) if lo <= hi else None

    def reviewed_in(self, q: int) -> bool:
        """A rep is reviewed at a quarter end they reach after at least six weeks in post."""
        qe = QUARTERS[q][2]
        return (self.end is None or self.end >= qe) and (qe - self.start).days >= 45


def _days(a: date, b: date) -> int:
    return (b - a).days


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _durations(types: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Minutes each activity took, from uniform draws ``u``; e-mails have none (NaN)."""
    out = np.full(len(types), np.nan)
    call, meeting, demo = types == 0, types == 2, types == 3
    out[call] = 4 + np.floor(u[call] * 32)
    out[meeting] = np.array([30.0, 45.0, 60.0])[(u[meeting] * 3).astype(np.int64)]
    out[demo] = np.array([45.0, 60.0, 90.0])[(u[demo] * 3).astype(np.int64)]
    return out


@functools.lru_cache(maxsize=64)
def _cdf(weights: tuple[float, ...]) -> list[float]:
    return list(itertools.accumulate(weights))


def _lowest_other(scores: np.ndarray, cap: int) -> int:
    """The lowest-scoring capability other than ``cap``."""
    return next(int(c) for c in np.argsort(scores, kind="stable") if int(c) != cap)


def _business_day(d: date) -> date:
    """Move a weekend date to the Friday before."""
    wd = d.weekday()
    return d - timedelta(days=wd - 4) if wd >= 5 else d


class _Builder:
    """Builds the whole organisation from one generator, in a fixed order."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.used_names: set[str] = set()
        self.decks: dict[str, list[str]] = {"first": [], "last": []}
        self.next_person = 101

    # -- helpers ------------------------------------------------------------------------
    def _person_id(self) -> str:
        pid = f"U{self.next_person:05d}"
        self.next_person += 1
        return pid

    def _draw(self, deck: str, names: tuple[str, ...]) -> str:
        """Next name from a shuffled deck, so every name is used once before any repeats."""
        if not self.decks[deck]:
            self.decks[deck] = [names[int(i)] for i in self.rng.permutation(len(names))]
        return self.decks[deck].pop()

    def _name(self) -> str:
        """A unique full name that is not a well-known person's."""
        while True:
            name = f"{self._draw('first', FIRST_NAMES)} {self._draw('last', LAST_NAMES)}"
            if name not in self.used_names and name not in AVOIDED_NAMES:
                self.used_names.add(name)
                return name

    def _date_between(self, lo: date, hi: date) -> date:
        if hi <= lo:
            return lo
        return lo + timedelta(days=int(self.rng.integers(0, _days(lo, hi) + 1)))

    def _workday(self, lo: date, hi: date) -> date:
        """A random weekday in [lo, hi] (lo itself when the span has none)."""
        d = _business_day(self._date_between(lo, hi))
        if d < lo:
            d = d + timedelta(days=3)  # Friday before -> Monday after
        return d if lo <= d <= hi else lo

    def _pick(self, weights: tuple[float, ...]) -> int:
        """Index drawn with the given weights (a faster ``rng.choice(n, p=...)``)."""
        cdf = _cdf(tuple(weights))
        return min(bisect.bisect_right(cdf, self.rng.random() * cdf[-1]), len(cdf) - 1)

    # -- organisation -------------------------------------------------------------------
    def build_org(self) -> None:
        rng = self.rng
        self.directors: list[tuple[str, str, str, date]] = []  # (id, name, region, start)
        self.managers: list[_Manager] = []
        for region in REGIONS:
            start = date(2016 + int(rng.integers(0, 6)), int(rng.integers(1, 13)), 1)
            self.directors.append((self._person_id(), self._name(), region, start))
        primaries: set[str] = set()
        for r, region in enumerate(REGIONS):
            director = self.directors[r][1]
            for t, (team, segment, countries) in enumerate(TEAMS[region]):
                archetype = ARCHETYPES[(t - r) % len(ARCHETYPES)]
                primary = archetype not in primaries
                primaries.add(archetype)
                profile = self._jitter(PROFILES[archetype], archetype if primary else None)
                start = date(2017 + int(rng.integers(0, 7)), int(rng.integers(1, 13)), 1)
                self.managers.append(_Manager(
                    person_id=self._person_id(), name=self._name(), director=director,
                    region=region, team=team, segment=segment, countries=countries,
                    archetype=archetype, primary=primary, profile=profile,
                    leniency=float(rng.normal(0.0, 0.15)), start=start,
                ))
        sizes = self._team_sizes(len(self.managers))
        self.reps: list[_Rep] = []
        for manager, size in zip(self.managers, sizes, strict=True):
            for _ in range(size):
                start = date(2017, 1, 1) + timedelta(days=int(rng.integers(0, _days(date(2017, 1, 1), date(2024, 8, 15)))))
                manager.reps.append(self._new_rep(manager, start, new_hire=False))
        self._plant_reps()
        self._attrition()
        self.reps = [rep for m in self.managers for rep in m.reps]

    def _jitter(self, p: Profile, primary_of: str | None) -> Profile:
        rng = self.rng

        def j(x: float, sd: float, lo: float = 0.02, hi: float = 0.98) -> float:
            return float(np.clip(x + rng.normal(0.0, sd), lo, hi))

        attainment = PRIMARY_ATTAINMENT.get(primary_of or "", None)
        if attainment is None:
            attainment = float(p.attainment + rng.normal(0.0, 0.012))
        return Profile(
            attainment=attainment,
            behaviours=tuple(j(b, 0.035) for b in p.behaviours),  # type: ignore[arg-type]
            skill_share=j(p.skill_share, 0.025),
            sessions_per_quarter=p.sessions_per_quarter * float(rng.uniform(0.9, 1.1)),
            session_mix=p.session_mix,
            actions_per_quarter=p.actions_per_quarter * float(rng.uniform(0.9, 1.1)),
            completion=j(p.completion, 0.03),
            revisit=j(p.revisit, 0.03),
            gain=p.gain * float(rng.uniform(0.92, 1.08)),
            drift=p.drift,
            involve_complex=(j(p.involve_complex[0], 0.025), j(p.involve_complex[1], 0.025)),
            involve_other=p.involve_other,
            lead_mean=float(p.lead_mean + rng.normal(0.0, 0.04)),
            rep_agree=j(p.rep_agree, 0.02),
            self_rating=p.self_rating,
            leavers=p.leavers,
            activity_factor=p.activity_factor * float(rng.uniform(0.95, 1.05)),
            coverage=p.coverage * float(rng.uniform(0.95, 1.05)),
            stale_share=p.stale_share,
            window_lengths=p.window_lengths,
        )

    def _team_sizes(self, n: int) -> list[int]:
        rng = self.rng
        sizes = [int(x) for x in rng.integers(6, 11, n)]
        while sum(sizes) != TEAM_SLOTS:
            i = int(rng.integers(n))
            if sum(sizes) < TEAM_SLOTS and sizes[i] < 10:
                sizes[i] += 1
            elif sum(sizes) > TEAM_SLOTS and sizes[i] > 6:
                sizes[i] -= 1
        return sizes

    def _new_rep(self, manager: _Manager, start: date, new_hire: bool) -> _Rep:
        rng = self.rng
        factor = float(np.exp(rng.normal(0.0, 0.15)))
        if rng.random() < 0.1:
            factor *= float(rng.uniform(1.3, 1.55))  # a star: results are not a bell curve
        factor = float(np.clip(factor, 0.55, 1.9))
        base = rng.normal(2.65 if new_hire else 3.0, 0.42, len(CAPABILITIES))
        return _Rep(
            person_id=self._person_id(), name=self._name(), manager=manager, start=start,
            end=None, factor=factor,
            quota_base=round(SEGMENT_QUOTA[manager.segment] * float(np.exp(rng.normal(0, 0.1))) / 5000) * 5000,
            win_rate=float(np.clip(0.29 * math.sqrt(factor) + rng.normal(0, 0.025), 0.16, 0.48)),
            base=np.clip(base, 1.8, 4.2),
        )

    def _plant_reps(self) -> None:
        """Rep-level plants: skill gaps that move, a fit gap, a skill gap nobody works on."""
        rng = self.rng
        developers = [m for m in self.managers if m.archetype == "developer"]
        heroes = [m for m in self.managers if m.archetype == "hero"]
        self.plants: dict[str, list[dict]] = {"moving_skill_gap": [], "fit_gap": [], "unworked_skill_gap": []}
        moving_caps = (0, 2, 1)  # Discovery, Stakeholder navigation, Value articulation
        for manager, cap in zip(developers, moving_caps, strict=True):
            rep = manager.reps[int(rng.integers(len(manager.reps)))]
            rep.plant = "moving_skill_gap"
            rep.base[cap] = float(rng.uniform(1.6, 1.8))
            # the gap is named from the second quarter, after a baseline review
            rep.focus[0] = _lowest_other(rep.base, cap)
            rep.focus[1:4] = [cap] * 3
            self.plants["moving_skill_gap"].append({
                "rep": rep.name, "capability": CAPABILITIES[cap], "manager": manager.name,
                "first_named_cycle": CYCLES[1],
            })
        # the fit gap: under the second developer, coached and followed through, no movement
        manager = developers[1]
        candidates = [r for r in manager.reps if not r.plant]
        rep = candidates[int(rng.integers(len(candidates)))]
        cap = 3  # Competitive positioning
        rep.plant = "fit_gap"
        rep.base[cap] = float(rng.uniform(2.0, 2.2))
        rep.factor = 0.62
        rep.force_complete = True
        other = _lowest_other(rep.base, cap)
        rep.focus[0:2] = [other, other]
        rep.focus[2:] = [cap] * (N_QUARTERS - 2)
        self.plants["fit_gap"].append({
            "rep": rep.name, "capability": CAPABILITIES[cap], "manager": manager.name,
            "first_named_cycle": CYCLES[2],
        })
        # the unworked skill gap: low Negotiation under a hero, never named
        manager = heroes[0]
        rep = manager.reps[int(rng.integers(len(manager.reps)))]
        cap = 4  # Negotiation
        rep.plant = "unworked_skill_gap"
        rep.base[cap] = float(rng.uniform(1.6, 1.75))
        rep.excluded.add(cap)
        self.plants["unworked_skill_gap"].append({
            "rep": rep.name, "capability": CAPABILITIES[cap], "manager": manager.name,
        })

    def _attrition(self) -> None:
        rng = self.rng
        self.leavers: list[str] = []
        for manager in self.managers:
            lo, hi = manager.profile.leavers
            n = int(rng.integers(lo, hi + 1))
            pool = [r for r in manager.reps if not r.plant]
            chosen = rng.choice(len(pool), size=n, replace=False) if n else []
            for i in sorted(int(x) for x in chosen):
                rep = pool[i]
                rep.end = self._date_between(date(2025, 1, 20), date(2026, 8, 28))
                self.leavers.append(rep.name)
                hire = rep.end + timedelta(days=int(rng.integers(21, 75)))
                if hire <= DEMO_TODAY - timedelta(days=20):
                    manager.reps.append(self._new_rep(manager, _business_day(hire), new_hire=True))

    # -- capability ---------------------------------------------------------------------
    def plan_capability(self) -> None:
        """Development focus per quarter and the true capability trajectory of every rep."""
        rng = self.rng
        for rep in self.reps:
            p = rep.manager.profile
            quarters = [q for q in range(N_QUARTERS) if rep.active_span(q)]
            first, last = quarters[0], quarters[-1]
            truth = np.zeros((N_QUARTERS, len(CAPABILITIES)))
            current = rep.base.copy()
            q = first
            planted = rep.plant in ("moving_skill_gap", "fit_gap")
            prev = -1
            while q <= last:
                if planted and rep.focus[q] >= 0:
                    cap = rep.focus[q]
                    length = 1
                else:
                    length = int(rng.choice(p.window_lengths))
                    order = np.argsort(current + rng.normal(0, 0.12, len(current)))
                    cap = next(int(c) for c in order if int(c) != prev and int(c) not in rep.excluded)
                for qq in range(q, min(q + length, last + 1)):
                    rep.focus[qq] = cap
                    gain = p.gain
                    if rep.plant == "moving_skill_gap" and qq in (1, 2, 3) and cap == rep.focus[1]:
                        gain = max(gain, 0.45)
                    if rep.plant == "fit_gap" and qq >= 2:
                        gain = 0.0
                    current = current + p.drift
                    current[cap] += gain
                    if rep.plant == "fit_gap":
                        fit_cap = rep.focus[2]
                        current[fit_cap] = rep.base[fit_cap] - 0.02 * qq
                    current = np.minimum(current, 4.85)
                    truth[qq] = current
                prev = cap
                q += length
            rep.truth = truth

    def reviews(self) -> list[tuple]:
        rng = self.rng
        rows = []
        for rep in self.reps:
            for q in range(N_QUARTERS):
                if not rep.reviewed_in(q) or rep.active_span(q) is None:
                    continue
                cycle, _, qe = QUARTERS[q]
                noise_sd = np.full(len(CAPABILITIES), 0.15)
                if rep.plant == "fit_gap":
                    noise_sd[rep.focus[2]] = 0.07
                scores = rep.truth[q] + rep.manager.leniency + rng.normal(0.0, noise_sd)
                scores = np.clip(np.round(scores, 1), SCALE_MIN, SCALE_MAX)
                review_date = _business_day(qe)
                for c, cap in enumerate(CAPABILITIES):
                    rows.append((rep.name, rep.manager.name, cycle, review_date, cap,
                                 float(scores[c]), SCALE_MIN, SCALE_MAX))
        return rows

    # -- coaching -----------------------------------------------------------------------
    def coaching(self) -> tuple[list[tuple], list[tuple]]:
        rng = self.rng
        sessions: list[tuple] = []
        actions: list[tuple] = []
        minutes_choices = np.array([30, 30, 30, 45, 45, 45, 60, 60, 40, 50])
        for rep in self.reps:
            m = rep.manager
            p = m.profile
            for q in range(N_QUARTERS):
                span = rep.active_span(q)
                if span is None:
                    continue
                lo, hi = span
                frac = (_days(lo, hi) + 1) / (_days(QUARTERS[q][1], QUARTERS[q][2]) + 1)
                focus = rep.focus[q]
                planted = rep.plant in ("moving_skill_gap", "fit_gap")
                # sessions
                n = int(rng.poisson(p.sessions_per_quarter * frac))
                if planted and focus >= 0:
                    n = max(n, 3)
                dates = sorted(self._workday(lo, hi) for _ in range(n))
                for i, d in enumerate(dates):
                    stype = SESSION_TYPES[self._pick(p.session_mix)]
                    minutes = int(minutes_choices[int(rng.integers(len(minutes_choices)))])
                    share = self._session_skill_share(p.skill_share, stype)
                    skill = int(round(minutes * share / 5.0)) * 5
                    flags = [bool(rng.random() < b) for b in p.behaviours]
                    if planted and focus >= 0 and i == 0:
                        flags[0] = True
                    named = flags[0]
                    cap_name = None
                    if named:
                        cap = focus if focus >= 0 else -1
                        if m.archetype != "developer" and rng.random() < 0.25:
                            cap = self._other_capability(rep, focus)
                        if cap < 0:
                            flags[0] = False
                        else:
                            cap_name = CAPABILITIES[cap]
                    sessions.append((m.name, rep.name, d, float(minutes), stype, cap_name,
                                     float(minutes - skill), float(skill), *flags))
                # development actions
                k = int(rng.poisson(p.actions_per_quarter * frac))
                if planted and focus >= 0:
                    k = max(k, 2)
                for _ in range(k):
                    if focus < 0:
                        break
                    cap = focus
                    if m.archetype != "developer" and rng.random() < 0.3:
                        cap = self._other_capability(rep, focus)
                    assigned = self._workday(lo, min(hi, QUARTERS[q][2] - timedelta(days=5)))
                    due = assigned + timedelta(days=int(rng.integers(14, 31)))
                    atype = ACTION_TYPES[self._pick((0.3, 0.3, 0.28, 0.12))]
                    completion = 1.0 if rep.force_complete and cap == focus else p.completion
                    completed = revisited = None
                    if rng.random() < completion:
                        completed = assigned + timedelta(days=int(rng.integers(3, _days(assigned, due) + 8)))
                        if completed > DEMO_TODAY or (rep.end and completed > rep.end):
                            completed = None
                    if completed is not None and rng.random() < p.revisit:
                        revisited = completed + timedelta(days=int(rng.integers(5, 31)))
                        if revisited > DEMO_TODAY or (rep.end and revisited > rep.end):
                            revisited = None
                    actions.append((rep.name, m.name, CAPABILITIES[cap], atype, assigned, due,
                                    completed, revisited))
        return sessions, actions

    def _other_capability(self, rep: _Rep, focus: int) -> int:
        choices = [c for c in range(len(CAPABILITIES)) if c != focus and c not in rep.excluded]
        if rep.plant in ("moving_skill_gap", "fit_gap"):
            return focus
        return int(choices[int(self.rng.integers(len(choices)))])

    def _session_skill_share(self, share: float, stype: str) -> float:
        if stype == "Pipeline review":
            s = share * 0.3
        elif stype == "Deal coaching":
            s = share * 0.6
        elif stype == "Call review":
            s = share + 0.45
        elif stype == "Role play":
            s = share + 0.55
        else:
            s = share
        return float(np.clip(s + self.rng.normal(0.0, 0.08), 0.0, 1.0))

    # -- accounts and products ----------------------------------------------------------
    def build_accounts(self) -> list[tuple]:
        rng = self.rng
        rows = []
        used: set[str] = set()
        stems: list[str] = []
        avoid = {"Harborview Capital", "Keystone Capital", "Meridian Health", "Evergreen Energy",
                 "Helix Biosciences", "Beacon Health", "Cobalt Robotics", "Lumen Systems"}
        for m in self.managers:
            start = len(rows)
            for _ in range(ACCOUNTS_PER_TEAM):
                while True:
                    prefix = ACCOUNT_PREFIXES[int(rng.integers(len(ACCOUNT_PREFIXES)))]
                    suffix, industry = ACCOUNT_KINDS[int(rng.integers(len(ACCOUNT_KINDS)))]
                    stem = f"{prefix} {suffix}"
                    if stem not in used and stem not in avoid:
                        used.add(stem)
                        break
                country = m.countries[int(rng.integers(len(m.countries)))]
                name = f"{stem} {COUNTRY_LEGAL_SUFFIX[country]}"
                if m.segment == "SMB":
                    employees = int(np.exp(rng.uniform(np.log(20), np.log(200))))
                elif m.segment == "Mid-Market":
                    employees = int(np.exp(rng.uniform(np.log(200), np.log(2000))))
                else:
                    employees = int(np.exp(rng.uniform(np.log(2000), np.log(60000))))
                revenue = round(employees * float(rng.uniform(120_000, 420_000)), -3)
                rows.append([f"ACC-{len(rows) + 1:04d}", name, industry, country, employees, revenue, None])
                stems.append(stem)
            m.accounts = list(range(start, len(rows)))
            w = 1.0 / np.arange(1, ACCOUNTS_PER_TEAM + 1) ** 0.9  # a few accounts carry most revenue
            m.account_weights = tuple(float(x) for x in w / w.sum())
        # a handful of subsidiaries of larger accounts in the same team
        for m in self.managers:
            if m.segment == "SMB":
                continue
            for _ in range(int(rng.integers(1, 3))):
                child, parent = rng.choice(m.accounts, size=2, replace=False)
                rows[int(child)][6] = rows[int(parent)][1]
        self.account_names = [r[1] for r in rows]
        self.account_stems = stems
        return [tuple(r) for r in rows]

    # -- opportunities ------------------------------------------------------------------
    def _amount(self, segment: str, product: int) -> float:
        return PRODUCTS[product][2] * SEGMENT_AMOUNT_MULT[segment] * float(np.exp(self.rng.normal(0.0, AMOUNT_SIGMA)))

    def _mean_amount(self, segment: str) -> float:
        return _MEAN_AMOUNT[segment]

    def _cycle_days(self, segment: str) -> int:
        factor = min(max(math.exp(self.rng.normal(0.0, 0.4)), 0.3), 2.4)
        return int(max(3, round(SEGMENT_CYCLE_DAYS[segment] * factor)))

    def quotas_and_deals(self) -> tuple[list[tuple], list[dict]]:
        """Quotas per rep and quarter, then closed deals that add up to each team's target."""
        rng = self.rng
        quotas: list[tuple] = []
        deals: list[dict] = []
        for m in self.managers:
            p = m.profile
            cells = []  # (rep, q, quota, close window)
            for rep in m.reps:
                first_quota = None
                for q in range(N_QUARTERS):
                    _, qs, qe = QUARTERS[q]
                    if rep.start >= qs:
                        continue  # joined during (or after) this quarter: no quota yet
                    if rep.end is not None and rep.end < qs:
                        continue
                    hi = min(qe, rep.end) if rep.end else qe
                    if _days(qs, hi) < 14:
                        continue
                    amount = rep.quota_base * (1.08 if q >= 5 else 1.0)
                    if first_quota is None and rep.start >= QUARTERS[0][1]:
                        amount *= 0.5  # ramp quarter of a new hire
                    first_quota = q if first_quota is None else first_quota
                    if hi < qe:  # leaves mid-quarter: prorated
                        amount *= (_days(qs, hi) + 1) / (_days(qs, qe) + 1)
                    amount = round(amount / 1000.0) * 1000.0
                    quotas.append((rep.name, qs, qe, amount))
                    att = rep.factor * float(np.exp(rng.normal(0.0, 0.05 if rep.plant == "fit_gap" else 0.14)))
                    cells.append([rep, q, amount, qs, hi, att])
            # scale the team so its attainment over the period hits the manager's target
            total_quota = sum(c[2] for c in cells)
            raw = sum(c[2] * c[5] for c in cells)
            scale = p.attainment * total_quota / raw
            for rep, q, quota, qs, hi, att in cells:
                won_total = quota * att * scale
                deals.extend(self._closed_deals(rep, q, qs, hi, won_total))
            open_deals = [d for rep in m.reps if rep.end is None for d in self._open_deals(rep)]
            self._stale(open_deals, p.stale_share)
            deals.extend(open_deals)
        return quotas, deals

    def _deal(self, rep: _Rep, amount: float | None = None) -> dict:
        m = rep.manager
        product = self._pick(SEGMENT_PRODUCT_MIX[m.segment])
        account = m.accounts[self._pick(m.account_weights)]
        return {
            "rep": rep, "manager": m, "product": product, "account": account,
            "amount": self._amount(m.segment, product) if amount is None else amount,
            "lead_source": LEAD_SOURCES[self._pick((0.3, 0.35, 0.15, 0.1, 0.1))],
        }

    def _closed_deals(self, rep: _Rep, q: int, lo: date, hi: date, won_total: float) -> list[dict]:
        rng = self.rng
        seg = rep.manager.segment
        k = max(1, int(rng.poisson(won_total / self._mean_amount(seg))))
        won = [self._deal(rep) for _ in range(k)]
        s = won_total / sum(d["amount"] for d in won)
        for d in won:
            d["amount"] = d["amount"] * s
        n_lost = int(rng.poisson(k * (1 - rep.win_rate) / rep.win_rate))
        lost = [self._deal(rep) for _ in range(n_lost)]
        span = _days(lo, hi)
        out = []
        for d, is_won in [(d, True) for d in won] + [(d, False) for d in lost]:
            pos = rng.beta(1.7, 1.0) if is_won else rng.random()  # wins bunch toward quarter end
            close = _business_day(lo + timedelta(days=int(round(pos * span))))
            if close < lo:
                close = lo
            created = close - timedelta(days=self._cycle_days(seg) // (1 if is_won else 2) + 1)
            created = max(created, rep.start)
            d.update(close=close, created=created, won=is_won, closed=True, stale=False)
            if is_won:
                d["stage_reached"] = len(OPEN_STAGES) - 1
            else:
                d["stage_reached"] = self._pick((0.22, 0.26, 0.22, 0.18, 0.12))
            d["stage"] = WON_STAGE if is_won else LOST_STAGE
            out.append(d)
        return out

    def _open_deals(self, rep: _Rep) -> list[dict]:
        rng = self.rng
        m = rep.manager
        p = m.profile
        target = p.coverage * rep.quota_base * 1.08
        n = max(2, int(rng.poisson(target / self._mean_amount(m.segment))))
        lo = max(QUARTERS[6][1], rep.start)
        out = []
        for _ in range(n):
            d = self._deal(rep)
            created = self._date_between(lo, DEMO_TODAY - timedelta(days=2))
            stage = self._pick((0.28, 0.25, 0.2, 0.16, 0.11))
            close = DEMO_TODAY + timedelta(days=int(rng.integers(5, 93)))  # due next quarter
            d.update(close=close, created=created, won=False, closed=False, stage_reached=stage,
                     stage=OPEN_STAGES[stage], stale=False)
            out.append(d)
        scale = target / sum(d["amount"] for d in out)  # the manager's planted coverage
        for d in out:
            d["amount"] *= scale
        return out

    def _stale(self, deals: list[dict], share: float) -> None:
        """Let the planted share of a team's open deals slip past their close date, untouched."""
        rng = self.rng
        eligible = [d for d in deals if _days(d["created"], DEMO_TODAY) > 25]
        k = min(len(eligible), int(round(share * len(deals))))
        for i in sorted(int(x) for x in rng.choice(len(eligible), size=k, replace=False)) if k else []:
            d = eligible[i]
            close = self._date_between(d["created"] + timedelta(days=10), DEMO_TODAY - timedelta(days=1))
            d["close"] = _business_day(close) if _business_day(close) >= d["created"] else close
            d["stale"] = True

    def flag_deals(self, deals: list[dict]) -> None:
        """Complexity (explicit flag, about the top quartile) and manager involvement."""
        rng = self.rng
        noise = rng.normal(0.0, 0.3, len(deals))
        for d, e in zip(deals, noise.tolist(), strict=True):
            d["amount"] = round(d["amount"] / 10.0) * 10.0
            seg = d["manager"].segment
            d["z"] = math.log(d["amount"] / self._mean_amount(seg)) + SEGMENT_COMPLEXITY[seg] + e
        cut = float(np.quantile([d["z"] for d in deals], 1 - COMPLEX_SHARE))
        for d in deals:
            d["complex"] = d["z"] >= cut
            d["involved"] = False
        # closed complex deals: exactly the planted share per manager and quarter
        by_cell: dict[tuple[str, int], list[dict]] = {}
        for d in deals:
            if d["closed"]:
                d["q"] = next(i for i, (_, qs, qe) in enumerate(QUARTERS) if qs <= d["close"] <= qe)
            else:
                d["q"] = N_QUARTERS - 1
            by_cell.setdefault((d["manager"].name, d["q"]), []).append(d)
        for (_, q), cell in by_cell.items():
            p = cell[0]["manager"].profile
            t = q / (N_QUARTERS - 1)
            share_c = p.involve_complex[0] + (p.involve_complex[1] - p.involve_complex[0]) * t
            share_o = p.involve_other[0] + (p.involve_other[1] - p.involve_other[0]) * t
            share_c = float(np.clip(share_c + rng.normal(0.0, 0.025), 0.0, 1.0))
            complex_closed = [d for d in cell if d["complex"] and d["closed"]]
            k = int(round(share_c * len(complex_closed)))
            for i in rng.choice(len(complex_closed), size=k, replace=False) if k else []:
                complex_closed[int(i)]["involved"] = True
            for d in cell:
                if d["closed"] and d["complex"]:
                    continue
                d["involved"] = bool(rng.random() < (share_c if d["complex"] else share_o))

    # -- activities and stage history ---------------------------------------------------
    def stage_history(self, deals: list[dict]) -> dict[str, np.ndarray]:
        """One row per stage each deal entered, in order, between its created and close dates.

        Returns arrays: deal (index), stage (index into STAGES), changed_at (seconds).
        """
        rng = self.rng
        nd = len(deals)
        closed = np.array([d["closed"] for d in deals], dtype=bool)
        won = np.array([d["won"] for d in deals], dtype=bool)
        stale = np.array([d["stale"] for d in deals], dtype=bool)
        reached = np.array([d["stage_reached"] for d in deals], dtype=np.int64)
        created = np.array([d["created"] for d in deals], dtype="datetime64[D]")
        close = np.array([d["close"] for d in deals], dtype="datetime64[D]")
        today = np.datetime64(DEMO_TODAY, "D")
        # the last day anything happened: the close, or for open deals yesterday (weeks ago if stale)
        end = np.where(closed, close, np.where(stale, today - 40, today - 1))
        end = np.maximum(end, created)
        for d, e in zip(deals, end.tolist(), strict=True):
            d["last_touch"] = e
            d["probability"] = STAGE_PROBABILITY[d["stage"]]
        span = (end - created).astype(np.int64)
        n_stages = reached + 1 + closed  # open stages passed, plus the closing stage
        deal = np.repeat(np.arange(nd), n_stages)
        first = np.concatenate(([0], np.cumsum(n_stages)[:-1]))
        pos = np.arange(len(deal)) - first[deal]
        # day offsets: created for the first stage, close for the closing one, random between
        offs = np.floor(rng.random(len(deal)) * (span[deal] + 1)).astype(np.int64)
        offs[first] = 0
        terminal = closed[deal] & (pos == n_stages[deal] - 1)
        offs[terminal] = span[deal][terminal]
        stamps = offs * 86400 + 8 * 3600 + rng.integers(0, 10 * 3600, len(deal))
        stamps = stamps[np.lexsort((stamps, deal))]  # chronological within each deal
        stage = np.where(terminal, np.where(won[deal], STAGES.index(WON_STAGE), STAGES.index(LOST_STAGE)), pos)
        base = created.astype("datetime64[s]").astype(np.int64)
        return {"deal": deal, "stage": stage, "changed_at": base[deal] + stamps}

    def activities(self, deals: list[dict]) -> dict[str, np.ndarray]:
        """Calls, e-mails, meetings and demos on every deal (and some prospecting), as columns.

        The rep logs activities across the deal's life; on a deal the manager joined, the
        manager owns one to three activities in its second half and attends the rep's last
        meetings. Returns arrays: owner, date, type, subject, deal (index, -1 for none),
        duration, present.
        """
        rng = self.rng
        nd = len(deals)
        created = np.array([d["created"] for d in deals], dtype="datetime64[D]")
        last = np.array([d["last_touch"] for d in deals], dtype="datetime64[D]")
        days_open = np.maximum((last - created).astype(np.int64), 0)
        factor = np.array([d["manager"].profile.activity_factor for d in deals])
        involved = np.array([d["involved"] for d in deals], dtype=bool)
        rep_names = np.array([d["rep"].name for d in deals], dtype=object)
        mgr_names = np.array([d["manager"].name for d in deals], dtype=object)

        # the rep's activities
        n = 1 + rng.poisson(factor * np.minimum(days_open, 150) / ACTIVITY_DAYS + 0.8)
        deal = np.repeat(np.arange(nd), n)
        total = len(deal)
        first = np.concatenate(([0], np.cumsum(n)[:-1]))
        offs = np.floor(rng.random(total) * (days_open[deal] + 1)).astype(np.int64)
        offs = offs[np.lexsort((offs, deal))]
        type_cdf = np.cumsum([0.33, 0.37, 0.2, 0.1])
        types = np.minimum(np.searchsorted(type_cdf, rng.random(total) * type_cdf[-1], side="right"), 3)
        types[first] = rng.integers(0, 2, nd)  # the first touch is a call or an e-mail
        picks = rng.random(total)
        subjects = np.empty(total, dtype=object)
        for t, atype in enumerate(ACTIVITY_TYPES):
            mask = types == t
            options = np.array(ACTIVITY_SUBJECTS[atype], dtype=object)
            subjects[mask] = options[(picks[mask] * len(options)).astype(np.int64)]
        subjects[first] = np.where(types[first] == 0, FIRST_TOUCH_SUBJECTS["Call"], FIRST_TOUCH_SUBJECTS["Email"])
        # the manager sits in on the last two meetings of a deal they joined, mostly
        meeting = types >= 2
        cum = np.cumsum(meeting)
        deal_end = cum[first + n - 1]
        after = deal_end[deal] - cum  # meetings later in the same deal
        present = involved[deal] & meeting & (after < 2) & (rng.random(total) < 0.6)

        # the manager's own activities on deals they joined
        joined = np.flatnonzero(involved)
        k = rng.integers(1, 4, len(joined))
        mdeal = np.repeat(joined, k)
        half = days_open[mdeal] // 2
        moffs = half + np.floor(rng.random(len(mdeal)) * (days_open[mdeal] - half + 1)).astype(np.int64)
        mpick = rng.integers(0, len(MANAGER_SUBJECTS), len(mdeal))
        mtypes = np.array([ACTIVITY_TYPES.index(MANAGER_SUBJECTS[i][0]) for i in mpick], dtype=np.int64)
        msubjects = np.array([MANAGER_SUBJECTS[i][1] for i in mpick], dtype=object)

        # prospecting not yet tied to a deal
        powner, pdate, ptype, psubject = [], [], [], []
        for rep in self.reps:
            for q in range(N_QUARTERS):
                span = rep.active_span(q)
                if span is None:
                    continue
                lo, hi = span
                frac = (_days(lo, hi) + 1) / 92.0
                for _ in range(int(rng.poisson(7.0 * rep.manager.profile.activity_factor * frac))):
                    atype, subject = PROSPECTING_SUBJECTS[int(rng.integers(len(PROSPECTING_SUBJECTS)))]
                    powner.append(rep.name)
                    pdate.append(self._workday(lo, hi))
                    ptype.append(ACTIVITY_TYPES.index(atype))
                    psubject.append(subject)

        all_types = np.concatenate((types, mtypes, np.array(ptype, dtype=np.int64)))
        durations = _durations(all_types, rng.random(len(all_types)))
        return {
            "owner": np.concatenate((rep_names[deal], mgr_names[mdeal], np.array(powner, dtype=object))),
            "date": np.concatenate((created[deal] + offs, created[mdeal] + moffs,
                                    np.array(pdate, dtype="datetime64[D]"))),
            "type": np.array(ACTIVITY_TYPES, dtype=object)[all_types],
            "subject": np.concatenate((subjects, msubjects, np.array(psubject, dtype=object))),
            "deal": np.concatenate((deal, mdeal, np.full(len(powner), -1, dtype=np.int64))),
            "duration": durations,
            "present": np.concatenate((present, np.ones(len(mdeal), dtype=bool),
                                       np.zeros(len(powner), dtype=bool))),
        }

    # -- surveys ------------------------------------------------------------------------
    def surveys(self) -> list[tuple]:
        rng = self.rng
        ids = rng.choice(np.arange(1000, 10000), size=len(self.reps), replace=False)
        for rep, i in zip(self.reps, ids, strict=True):
            rep.respondent_id = f"R-{int(i):04d}"
        rows = []
        rep_offset = {rep.name: float(rng.normal(0.0, 0.15)) for rep in self.reps}
        for w, when in enumerate(SURVEY_DATES):
            for m in self.managers:
                p = m.profile
                respondents = [r for r in m.reps if r.start <= when - timedelta(days=30)
                               and (r.end is None or r.end >= when)]
                rows.append((m.name, "manager", m.name, CONFIDENCE_ITEM_SELF, p.self_rating[w], when))
                n = len(respondents)
                k = int(np.clip(round(p.rep_agree * n), 0, n))
                agree = set(int(i) for i in rng.choice(n, size=k, replace=False)) if k else set()
                for i, rep in enumerate(respondents):
                    for item in LEAD_ITEMS:
                        score = np.clip(round(rng.normal(p.lead_mean + rep_offset[rep.name], 0.5)), 1, 5)
                        rows.append((rep.respondent_id, "rep", m.name, item, float(score), when))
                    if i in agree:
                        score = 5.0 if rng.random() < (0.55 if m.archetype == "developer" else 0.35) else 4.0
                    else:
                        score = 3.0 if rng.random() < 0.65 else 2.0
                    rows.append((rep.respondent_id, "rep", m.name, CONFIDENCE_ITEM_REP, score, when))
        return rows


# ---------------------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------------------


def _frame(table: str, columns: list[str], rows: list[tuple]) -> pd.DataFrame:
    """A typed frame with the given canonical columns, in schema order."""
    schema = TABLES[table]
    unknown = [c for c in columns if c not in schema.column_names]
    if unknown:
        raise ValueError(f"{table}: not canonical columns {unknown}")
    values = dict(zip(columns, (list(v) for v in zip(*rows, strict=True)), strict=True)) if rows else {c: [] for c in columns}
    out = {}
    for col in schema.columns:
        if col.name not in columns:
            continue
        v = values[col.name]
        if col.type in ("date", "timestamp"):
            out[col.name] = pd.Series(pd.to_datetime(v), dtype="datetime64[s]")
        elif col.type in ("money", "number"):
            out[col.name] = pd.Series(v, dtype="float64")
        elif col.type == "integer":
            out[col.name] = pd.Series(v, dtype="Int64")
        elif col.type == "bool":
            out[col.name] = pd.Series(pd.array(v, dtype="boolean"))
        else:
            out[col.name] = pd.Series(v, dtype="str")
    return pd.DataFrame(out)


def _build(seed: int) -> tuple[dict[str, pd.DataFrame], dict]:
    b = _Builder(seed)
    b.build_org()
    b.plan_capability()

    # people
    people_rows = []
    for pid, name, region, start in b.directors:
        people_rows.append((pid, name, None, None, region, None, "Sales Director",
                            _email(name), start, None, True))
    for m in b.managers:
        people_rows.append((m.person_id, m.name, m.director, m.team, m.region, m.segment,
                            "Sales Manager", _email(m.name), m.start, None, True))
    for rep in b.reps:
        m = rep.manager
        people_rows.append((rep.person_id, rep.name, m.name, m.team, m.region, m.segment,
                            "Account Executive", _email(rep.name), rep.start, rep.end,
                            rep.end is None or rep.end > DEMO_TODAY))
    people = _frame("people", ["person_id", "name", "manager", "team", "region", "segment", "role",
                               "email", "start_date", "end_date", "is_active"], people_rows)

    accounts = _frame("accounts", ["account_id", "name", "industry", "country", "employees",
                                   "annual_revenue", "parent"], b.build_accounts())
    products = _frame("products", ["product", "series", "list_price"], list(PRODUCTS))

    review_rows = b.reviews()
    session_rows, action_rows = b.coaching()
    quota_rows, deals = b.quotas_and_deals()
    b.flag_deals(deals)
    hist = b.stage_history(deals)
    acts = b.activities(deals)
    survey_rows = b.surveys()

    # opportunities, ids in order of creation
    order = sorted(range(len(deals)), key=lambda i: (deals[i]["created"], deals[i]["rep"].name, i))
    opp_rows = []
    for n, i in enumerate(order, start=1):
        d = deals[i]
        d["id"] = f"OPP-{n:06d}"
        account = b.account_names[d["account"]]
        product = PRODUCTS[d["product"]][0]
        opp_rows.append((
            d["id"], f"{b.account_stems[d['account']]} - {product}",
            d["rep"].name, account, d["amount"], d["stage"], d["closed"], d["won"],
            d["probability"], d["created"], d["close"], product, d["manager"].segment,
            d["lead_source"], d["complex"], d["involved"],
        ))
    opportunities = _frame("opportunities", [
        "opportunity_id", "name", "owner", "account", "amount", "stage", "is_closed", "is_won",
        "probability", "created_date", "close_date", "product", "segment", "lead_source",
        "is_complex", "manager_involved"], opp_rows)

    opp_key = np.array([d["id"] for d in deals] + [""])
    by = np.lexsort((opp_key[hist["deal"]], hist["changed_at"]))
    h_deal = hist["deal"][by]
    h_stage = np.array(STAGES, dtype=object)[hist["stage"][by]]
    stage_history = pd.DataFrame({
        "history_id": pd.Series([f"HIST-{n:07d}" for n in range(1, len(by) + 1)], dtype="str"),
        "opportunity_id": pd.Series(opp_key[h_deal], dtype="str"),
        "stage": pd.Series(h_stage, dtype="str"),
        "changed_at": pd.Series(hist["changed_at"][by].astype("datetime64[s]")),
    })
    # amount, close_date and probability at the time of each change are left out: no analysis
    # reads them, and with them the file's headers look more like an opportunities export.

    opp_ids = np.array([d["id"] for d in deals] + [None], dtype=object)  # index -1: no deal
    by = np.lexsort((acts["subject"].astype(str), acts["owner"].astype(str),
                     opp_key[acts["deal"]], acts["date"]))
    activities = pd.DataFrame({
        "activity_id": pd.Series([f"ACT-{n:07d}" for n in range(1, len(by) + 1)], dtype="str"),
        "owner": pd.Series(acts["owner"][by], dtype="str"),
        "activity_date": pd.Series(acts["date"][by]).astype("datetime64[s]"),
        "activity_type": pd.Series(acts["type"][by], dtype="str"),
        "subject": pd.Series(acts["subject"][by], dtype="str"),
        "opportunity_id": pd.Series(opp_ids[acts["deal"]][by], dtype="str"),
        "duration_minutes": pd.Series(acts["duration"][by], dtype="float64"),
        "manager_present": pd.Series(pd.array(acts["present"][by], dtype="boolean")),
    })

    quotas = _frame("quotas", ["owner", "period_start", "period_end", "amount"],
                    sorted(quota_rows, key=lambda r: (r[1], r[0])))
    reviews = _frame("reviews", ["rep", "reviewer", "cycle", "review_date", "capability", "score",
                                 "scale_min", "scale_max"], review_rows)
    session_rows.sort(key=lambda r: (r[2], r[0], r[1]))
    coaching_sessions = _frame("coaching_sessions", [
        "session_id", "manager", "rep", "session_date", "minutes", "session_type", "focus_capability",
        "pipeline_minutes", "skill_minutes", "named_specific_gap", "asked_before_telling",
        "tied_to_plan", "tracked_application"],
        [(f"CS-{n:05d}", *r) for n, r in enumerate(session_rows, start=1)])
    action_rows.sort(key=lambda r: (r[4], r[1], r[0]))
    development_actions = _frame("development_actions", [
        "action_id", "rep", "manager", "capability", "action_type", "assigned_date", "due_date",
        "completed_date", "revisited_date"],
        [(f"DA-{n:05d}", *r) for n, r in enumerate(action_rows, start=1)])
    surveys = _frame("surveys", ["response_id", "respondent", "respondent_role", "subject_manager",
                                 "item", "score", "scale_max", "survey_date"],
                     [(f"RESP-{n:05d}", who, role, subj, item, score, SURVEY_SCALE_MAX, when)
                      for n, (who, role, subj, item, score, when) in enumerate(survey_rows, start=1)])

    tables = {
        "people": people,
        "accounts": accounts,
        "products": products,
        "opportunities": opportunities,
        "stage_history": stage_history,
        "activities": activities,
        "quotas": quotas,
        "reviews": reviews,
        "coaching_sessions": coaching_sessions,
        "development_actions": development_actions,
        "surveys": surveys,
    }
    truth = {
        "seed": seed,
        "demo_today": DEMO_TODAY.isoformat(),
        "cycles": list(CYCLES),
        "managers": {m.name: m.archetype for m in b.managers},
        "primary": {m.archetype: m.name for m in b.managers if m.primary},
        "teams": {m.name: {"team": m.team, "region": m.region, "segment": m.segment,
                           "director": m.director} for m in b.managers},
        "planted_attainment": {m.name: round(m.profile.attainment, 4) for m in b.managers},
        "reps": b.plants,
        "leavers": b.leavers,
        "counts": {name: int(len(frame)) for name, frame in tables.items()},
    }
    return tables, truth


def _email(name: str) -> str:
    parts = _ascii(name).lower().replace(" ", ".")
    return f"{parts}@northwindcloud.example"


def generate_demo(seed: int = DEMO_SEED) -> dict[str, pd.DataFrame]:
    """The demo organisation: canonical table name -> typed frame.

    Columns are canonical names in schema order; columns the demo does not fill are left out.
    Dates are ``datetime64`` (midnight), money and numbers ``float64``, flags nullable
    ``boolean``.
    """
    return _build(seed)[0]


def ground_truth(seed: int = DEMO_SEED) -> dict:
    """What was planted: each manager's archetype, the primaries, the rep-level plants, row counts."""
    return _build(seed)[1]


# ---------------------------------------------------------------------------------------
# Export files
# ---------------------------------------------------------------------------------------


def _format_number(x: float) -> str:
    return f"{x:.10g}"


def to_export(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as export text: ISO dates, TRUE/FALSE, plain decimals, blanks for missing."""
    schema = TABLES[table]
    out = {}
    for name in frame.columns:
        col = schema.column(name)
        s = frame[name]
        missing = s.isna()
        if col.type == "date":
            text = s.dt.strftime("%Y-%m-%d")
        elif col.type == "timestamp":
            text = s.dt.strftime("%Y-%m-%d %H:%M:%S")
        elif col.type == "money":
            text = s.map(lambda v: f"{v:.2f}", na_action="ignore")
        elif col.type == "number":
            text = s.map(_format_number, na_action="ignore")
        elif col.type == "integer":
            text = s.map(lambda v: str(int(v)), na_action="ignore")
        elif col.type == "bool":
            text = s.map(lambda v: "TRUE" if v else "FALSE", na_action="ignore")
        else:
            text = s
        out[name] = text.astype(object).where(~missing, "")
    return pd.DataFrame(out, columns=list(frame.columns))


def write_demo(out_dir: Path = DEMO_DIR, seed: int = DEMO_SEED) -> list[Path]:
    """Write one CSV per demo table and ``ground_truth.json`` to ``out_dir``; return the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables, truth = _build(seed)
    paths = []
    for name in DEMO_TABLES:
        path = out_dir / f"{name}.csv"
        to_export(name, tables[name]).to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        paths.append(path)
    path = out_dir / GROUND_TRUTH_FILE
    path.write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths.append(path)
    return paths


def main() -> None:
    paths = write_demo()
    total = sum(p.stat().st_size for p in paths)
    for p in paths:
        print(f"{p.stat().st_size:>10,}  {p}")
    print(f"{total:>10,}  bytes in {len(paths)} files")


if __name__ == "__main__":
    main()
