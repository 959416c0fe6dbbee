"""Thresholds, standards and weights: every number a metric depends on, as a setting.

The defaults are FRAMEWORK.md's; the user changes them in the app (they live in the
session's state, never in module state) and every page reads the same value.

Every setting has a type and a range, declared once beside its default (:class:`Bound`, in
the field's metadata). A :class:`Settings` checks itself against them when it is made, so a
value out of range never reaches a page, whichever way it came in: the settings file
(:mod:`analytics.ingest.settings_file`, through :meth:`Settings.from_dict`), the What-if page's forms
(which take their minimum, maximum and step from the same bounds) or code. The message of the
:class:`SettingError` names the setting and what it allows.

>>> try:
...     Settings(stars_top=3)
... except SettingError as exc:
...     print(exc)
setting 'stars_top' must be a number from 0 to 0.5; it is 3 (stars: top share of reps).
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace

#: Caps on the lists a setting holds, so that no file or form can make one large.
MAX_RULES = 20
MAX_KEYWORDS_PER_RULE = 10
MAX_KEYWORD_CHARS = 40
#: Only the start of a survey item is read to classify it: items are questions, not essays.
MAX_ITEM_CHARS = 300


# --------------------------------------------------------------------------- what the dials are made of
DIALS = {"lead": "Lead", "manage": "Manage", "coach": "Coach"}


@dataclass(frozen=True)
class Signal:
    """One piece of evidence behind a dial.

    ``evidence`` names the count column it rests on and ``unit`` how to read it; ``needs``
    says which export fills it when it is not measured.
    """

    key: str
    dial: str
    label: str
    evidence: str
    evidence_label: str
    unit: str
    needs: str
    higher_is_better: bool = True


SIGNALS: tuple[Signal, ...] = (
    Signal("lead_direction", "lead", "Direction (rep survey)", "n_survey_responses", "survey answers", "share",
           "a survey export with reps' answers on direction"),
    Signal("lead_motivation", "lead", "Motivation (rep survey)", "n_survey_responses", "survey answers", "share",
           "a survey export with reps' answers on motivation"),
    Signal("lead_buy_in", "lead", "Buy-in (rep survey)", "n_survey_responses", "survey answers", "share",
           "a survey export with reps' answers on buy-in"),
    Signal("retention", "lead", "Rep retention", "n_reps_in_period", "reps", "share",
           "a roster with start and end dates"),
    Signal("pipeline_reviews_per_rep_month", "manage", "Pipeline reviews per rep per month", "n_pipeline_reviews",
           "pipeline reviews", "rate", "a coaching log with session types (pipeline reviews)"),
    Signal("coverage_vs_standard", "manage", "Pipeline coverage against standard", "n_open_deals", "open deals",
           "share", "open deals with close dates and a quota export"),
    Signal("hygiene", "manage", "Pipeline hygiene (not stale or past due)", "n_judged", "open deals", "share",
           "open deals with dates (and activities or stage history to see when they were touched)"),
    Signal("activity_standard_met", "manage", "Activity standard met (rep-weeks)", "n_rep_weeks", "rep-weeks",
           "share", "an activities export"),
    Signal("capability_slope", "coach", "Capability movement (slope per cycle)", "n_rep_capabilities",
           "rep-capability series", "slope", "a review export with rep, capability, cycle and score"),
    Signal("share_gaps_moved", "coach", "Named gaps that moved", "n_gaps_decided", "gaps moved or stuck", "share",
           "reviews plus coaching sessions or development actions that name capabilities"),
    Signal("follow_through_rate", "coach", "Development follow-through", "n_due", "actions due", "share",
           "a development-actions export with due and completed dates"),
    Signal("revisit_rate", "coach", "Completed actions revisited", "n_completed", "completed actions", "share",
           "a development-actions export with revisited dates"),
    Signal("independence", "coach", "Execution independence (complex wins without manager)", "n_complex_won",
           "complex won deals", "share", "closed deals with amounts and a manager-involved flag or activities"),
    Signal("quality_index", "coach", "Coaching-quality index (four behaviours)", "n_sessions", "sessions",
           "share", "a coaching log with the four behaviour flags"),
    Signal("skill_time_closeness", "coach", "Skill time against the 50/50 rule", "n_sessions_with_split",
           "sessions", "closeness", "a coaching log with pipeline and skill minutes"),
)
SIGNAL_BY_KEY = {s.key: s for s in SIGNALS}


class SettingError(ValueError):
    """A value a setting cannot take; the message (for the user) names the setting and what it allows."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Bound:
    """The values a number setting may take: ``lo`` to ``hi`` (both allowed), whole numbers
    only when ``whole``. ``step`` is what a form steps by; ``label`` what the user reads."""

    lo: float
    hi: float
    step: float
    label: str
    whole: bool = False

    def allowed(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        return f"{kind} from {self.lo:g} to {self.hi:g}"

    def check(self, key: str, value: object) -> float | int:
        """The value as the setting holds it (a whole number as int); SettingError when not allowed."""
        if type(value) is (int if self.whole else float) and self.lo <= value <= self.hi:
            return value  # the common case, checked without the general path below

        def refused() -> SettingError:
            return SettingError(key, f"setting '{key}' must be {self.allowed()}; it is {_shown(value)} "
                                     f"({self.label}).")

        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise refused()
        if isinstance(value, numbers.Integral):
            value = int(value)  # compared exactly, however large: float() of 10**400 would overflow
        elif not math.isfinite(value):
            raise refused()
        if not self.lo <= value <= self.hi or (self.whole and not float(value).is_integer()):
            raise refused()
        return int(value) if self.whole else float(value)


def _shown(value: object) -> str:
    """A value in a message: short, whatever it is (never a repr of a deep or huge structure)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        n = abs(int(value))
        if n < 10**15:
            return f"{int(value):,}"
        # str() of an int refuses past 4,300 digits (about 14,000 bits)
        return f"a number with {len(str(n)):,} digits" if n.bit_length() < 14_000 else "a number of thousands of digits"
    if isinstance(value, numbers.Real):
        return f"{float(value):g}"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:40] + "…")
    if value is None:
        return "empty"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value):,}"
    if isinstance(value, Mapping):
        return "a set of named values"
    return "not a number"


def _number(default: float | int, lo: float, hi: float, step: float, label: str):
    return field(default=default, metadata={"bound": Bound(lo, hi, step, label, whole=type(default) is int)})


#: What a survey item can measure: "coaching_self" is a manager rating their own coaching,
#: "coaching_rep" a rep rating their manager's; the rest feed the Lead dial.
SURVEY_ITEM_KINDS: dict[str, str] = {
    "coaching_self": "a manager rating their own coaching",
    "coaching_rep": "a rep rating their manager's coaching",
    "direction": "Lead: direction",
    "motivation": "Lead: motivation",
    "buy_in": "Lead: buy-in",
}

#: What a survey item measures, by the words in it (first rule that matches wins). A keyword
#: matches an item with a word that starts with it ("priorit" matches "priorities"); a keyword
#: of several words matches them in a row; case and punctuation are ignored ("buy-in" is
#: "buy in"). Keywords, not regular expressions: nothing a user types is ever run as a pattern.
SURVEY_ITEM_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("i coach", "my coaching"), "coaching_self"),
    (("coach",), "coaching_rep"),
    (("direction", "priorit", "vision", "goal"), "direction"),
    (("motivat", "inspir", "want to perform", "energ"), "motivation"),
    (("believe", "buy in", "buyin", "plan", "commit", "trust"), "buy_in"),
)

#: Characters that only a regular expression needs: a keyword holding one was written as a
#: pattern, and is refused rather than read as something else.
_PATTERN_CHARS = set("\\^$*+?{}[]()|")
_WORD = re.compile(r"[^\W_]+")  # fixed, linear over the text it reads


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(str(text)[:MAX_ITEM_CHARS].casefold()))


@dataclass(frozen=True)
class Settings:
    """All tunable numbers of the diagnosis, with their defaults and the range each may take.

    Attributes
    ----------
    complexity_percentile : a deal at or above this percentile of the organisation's closed
        amounts is complex (when the export has no complexity flag, or the flag is not used).
    use_complexity_flag : use the export's own complexity flag where a deal has one.
    include_non_person_owners : count owners that are not people (integration users, automation
        agents, queues, "(Deactivated User)", "Renewal Bot") as reps; off by default, so their deals
        move no one's dials and they are in no rep list.
    moved_rise : a named gap moved when its normalised score rose by at least this much ...
    moved_within_cycles : ... within this many cycles after it was named.
    noise_multiple : ... two consecutive reviews after the naming, both above the baseline (the
        mean of the reviews before it), whose mean rises above it by at least this many times the
        noise of that difference: (rating noise ÷ √2) √(1/k + 1/2) for k baseline reviews (the
        rating noise is the spread of the change between two reviews of a capability nobody worked
        on, :func:`analytics.signals.capability.rating_noise`). 1.5 (a one-sided z of 1.5 on a
        proper difference of means): on generated organisations on 1–5, 1–7 and 1–10 scales with
        one-point noise (tests/rating_orgs.py, 3 seeds each) precision 0.90–0.93, recall 0.83–1.00;
        on the planted organisations of tests/planted_orgs.py precision 0.94, recall 0.95 pooled;
        2 found 4 of 15 planted two-point rises on a 1–7 scale with one review before the naming
        (benchmarks/RESULTS.md).
    stuck_min_cycles : a gap named in at least this many cycles without moving is stuck.
    flat_slope : a capability slope per cycle below this (normalised units) is flat; a slope
        whose 95% interval contains 0 is flat whatever its size (never "moving" on noise).
    dependency_flat_band : a dependency trend (share per quarter) smaller than this in size is
        flat, and so is one whose 95% interval contains 0; 0.02 per quarter is 8 points a year,
        less than the quarter-to-quarter spread of a team's share on ~10 complex deals.
    agree_score : a survey answer at or above this, on a 5-point scale, agrees.
    overconfidence_min_gap : a manager is over-confident when the confidence gap is clearly (the
        interval's lower bound) wider than this. Research finds a gap of about 0.4 usual (nearly
        every manager says they coach consistently, about six in ten reps agree): 0.45 marks a gap
        clearly wider than the usual one, not the usual one.
    overconfidence_confidence : confidence level of the gap's interval (two-sided; the flag reads
        only its lower bound, so 0.7 is a one-sided 85% bound). Measured on planted organisations
        (demo seeds on 1–5 and 1–7 scales and with noisy answers; synthetic teams of 5 to 12 reps on
        1–5, 1–7 and 1–10): 0.45 at 0.7 was the one pair with precision ≥ 0.9 at full recall on all
        of them; 0.8 or 0.9 missed over-confident managers of teams of five or six, a bar of 0.4
        flagged managers whose reps agree 45% of the time (benchmarks/RESULTS.md).
    overconfidence_min_answers : fewer reps answering than this (or no self-answer) and a gap whose
        interval straddles the minimum reads "cannot tell" rather than "not over-confident".
    coverage_standard : open pipeline for next quarter ÷ next quarter's quota that is enough.
    stale_days : an open deal untouched (no activity or stage change) this long is stale.
    activity_target_per_week : activities per rep per week that meet the standard.
    skill_time_target : the 50/50 rule's share of 1:1 minutes on skill development.
    hero_attainment : attainment at or above this is "at plan" for the hero pattern.
    hero_involvement : share of the team's won complex deals with the manager involved above
        which involvement is "high".
    hero_min_complex_won : the hero pattern needs at least this many of the team's won complex
        deals with known involvement, else "cannot tell": with 5 the involvement share moves by
        20 points per deal, less would let one deal decide a career-relevant flag.
    hero_min_review_cycles : ... and reviews in at least this many cycles under the manager: a
        capability slope needs 2 points to exist and 3 to show it is flat rather than one change.
    min_managers_for_clusters : fewer managers than this (with every clustered signal measured) and
        the page declines to cluster. 12: on random subsets of the demo's 15 planted managers,
        k-means recovered the planted groups with a mean adjusted Rand index of 0.97 on 12, 0.87 on
        10 and 0.70 on 6 (benchmarks/RESULTS.md); fewer is mostly noise.
    results_standard : a rep whose attainment is below this is below standard on results.
    quota_end_grace_days : attainment counts a quota period once the data reaches its end; the
        data "reaches" it when the last closed deal is at most this many days before it (and never
        more than a sixth of the period: 5 days of a month). A finished quarter's last deal often
        closes days before its end (a weekend, the holidays before 31 December, a small team's
        sparse deals): two weeks cover those in every generated and real sample, and leave out at
        most 14 of ~91 days of a quarter; 0 asks for a deal closed on the period's last day.
    capability_standard : a rep whose latest normalised score on a capability is below this is
        below standard on that capability.
    fit_gap_min_cycles : cycles of real coaching and follow-through without movement before a gap
        reads as a fit gap.
    fit_gap_min_follow_through : share of the development actions on a gap that must be completed
        for its follow-through to count as real.
    fit_gap_min_coaching_quality : the naming manager's coaching-quality index (share of sessions
        showing the four behaviours) below which the coaching is not yet real coaching.
    stars_top, strugglers_bottom : shares of reps (by attainment percentile) shown as stars and
        as strugglers.
    min_signal_evidence : a signal counts in a dial only when it rests on at least this many
        pieces of its evidence (survey answers, reps, sessions, actions due, ...): one answer or
        one action says nothing about a manager's pattern; 3 is the least that can show one.
    min_dial_signals : a dial is scored only on at least this many measured signals, else it reads
        "not enough evidence": 2, so that no dial is one figure under another name.
    pipeline_review_standard : pipeline reviews per rep per month that score 100 on that signal:
        2 is a fortnightly review with each rep, the middle of the framework's cadence (forecast
        and pipeline weekly, outcomes monthly).
    capability_slope_target : capability slope per cycle (normalised units) that scores 100 on
        capability movement: 0.05 is the 0.1 rise that makes a named gap "moved", spread over the
        two cycles it may take.
    signal_weights : (signal, weight) pairs; a signal not listed weighs 1 (:data:`WEIGHT`).
    survey_item_rules : (keywords, kind) pairs: what a survey item measures
        (:data:`SURVEY_ITEM_RULES`, :func:`item_classifier`).
    """

    complexity_percentile: float = _number(0.75, 0.5, 0.99, 0.05, "complex deal: amount percentile")
    use_complexity_flag: bool = True
    include_non_person_owners: bool = False
    moved_rise: float = _number(0.10, 0.01, 0.5, 0.01, "named gap moved: rise of at least")
    moved_within_cycles: int = _number(2, 1, 12, 1, "named gap moved: within this many cycles")
    noise_multiple: float = _number(1.5, 0.0, 5.0, 0.25, "named gap moved: rise above this many times the rating noise")
    stuck_min_cycles: int = _number(2, 1, 12, 1, "named gap stuck: named in at least this many cycles")
    flat_slope: float = _number(0.01, 0.0, 0.2, 0.005, "flat capability: slope per cycle below")
    dependency_flat_band: float = _number(0.02, 0.0, 0.2, 0.005, "flat dependency trend: slope per quarter below")
    agree_score: float = _number(4.0, 1.0, 5.0, 0.5, "survey: agree at or above (1–5)")
    overconfidence_min_gap: float = _number(0.45, 0.0, 1.0, 0.05, "over-confident: gap clearly wider than")
    overconfidence_confidence: float = _number(0.7, 0.5, 0.999, 0.01, "over-confident: confidence of the gap's interval")
    overconfidence_min_answers: int = _number(5, 1, 1000, 1, "over-confident: reps answering at least")
    coverage_standard: float = _number(3.0, 0.5, 10.0, 0.5, "pipeline coverage standard (× quota)")
    stale_days: int = _number(30, 1, 365, 5, "stale deal: untouched for days")
    activity_target_per_week: float = _number(5.0, 0.5, 100.0, 0.5, "activity standard per rep per week")
    skill_time_target: float = _number(0.5, 0.0, 1.0, 0.05, "50/50 rule: share of 1:1 time on skills")
    hero_attainment: float = _number(1.0, 0.5, 2.0, 0.05, "hero pattern: attainment at or above")
    hero_involvement: float = _number(0.6, 0.0, 1.0, 0.05,
                                     "hero pattern: involvement in won complex deals at or above")
    hero_min_complex_won: int = _number(5, 1, 1000, 1, "hero pattern: at least this many won complex deals")
    hero_min_review_cycles: int = _number(3, 2, 24, 1, "hero pattern: reviews in at least this many cycles")
    min_managers_for_clusters: int = _number(12, 4, 1000, 1, "clusters: at least this many managers")
    results_standard: float = _number(0.85, 0.0, 2.0, 0.05, "results standard: attainment of at least")
    quota_end_grace_days: int = _number(14, 0, 31, 1, "attainment: a quota period has ended when the last "
                                        "deal closed at most this many days before its end")
    capability_standard: float = _number(0.5, 0.0, 1.0, 0.05, "capability standard: latest score of at least")
    fit_gap_min_cycles: int = _number(2, 1, 12, 1, "fit gap: cycles of real coaching without movement")
    fit_gap_min_follow_through: float = _number(0.7, 0.0, 1.0, 0.05, "fit gap: share of the actions completed")
    fit_gap_min_coaching_quality: float = _number(0.5, 0.0, 1.0, 0.05, "fit gap: coaching-quality index of at least")
    stars_top: float = _number(0.1, 0.0, 0.5, 0.05, "stars: top share of reps")
    strugglers_bottom: float = _number(0.1, 0.0, 0.5, 0.05, "strugglers: bottom share of reps")
    min_signal_evidence: int = _number(3, 1, 1000, 1, "dials: a signal needs at least this much evidence")
    min_dial_signals: int = _number(2, 1, 7, 1, "dials: a dial needs at least this many measured signals")
    pipeline_review_standard: float = _number(2.0, 0.25, 20.0, 0.25, "pipeline reviews per rep per month that meet the standard")
    capability_slope_target: float = _number(0.05, 0.005, 0.5, 0.005, "capability movement: slope per cycle that scores 100")
    #: weight of each signal inside its dial (a missing key weighs 1)
    signal_weights: tuple[tuple[str, float], ...] = ()
    #: survey item keywords -> what the item measures (first match wins); edited on the What-if page
    survey_item_rules: tuple[tuple[tuple[str, ...], str], ...] = field(default_factory=lambda: SURVEY_ITEM_RULES)

    def __post_init__(self) -> None:
        for name, check in _CHECKERS:
            value = getattr(self, name)
            checked = check(name, value)
            if checked is not value:
                object.__setattr__(self, name, checked)

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    def weight(self, signal: str) -> float:
        return dict(self.signal_weights).get(signal, 1.0)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> Settings:
        """Settings from named values (a settings file's JSON): keys not a setting are ignored,
        lists become the pairs the settings hold, and any value the setting does not allow
        raises :class:`SettingError` naming it."""
        if not isinstance(data, Mapping):
            raise SettingError("settings", "the settings are not a set of named values.")
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def bound(name: str) -> Bound:
    """The declared range of a number setting (what a form offers)."""
    return _bound(name)


def _bound(name: str) -> Bound:
    f = _FIELDS[name]
    if "bound" not in f.metadata:
        raise KeyError(name)
    return f.metadata["bound"]


def number_settings() -> list[str]:
    """The number settings, in their declared order."""
    return [f.name for f in fields(Settings) if "bound" in f.metadata]


#: the weight of one signal inside its dial: 1 is equal, 0 leaves it out
WEIGHT = Bound(0.0, 10.0, 0.5, "weight of a signal in its dial")


def _check_flag(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise SettingError(key, f"setting '{key}' must be true or false; it is {_shown(value)}.")
    return value


def _pairs(key: str, value: object, cap: int, what: str, pair: str) -> list:
    """A list of at most ``cap`` pairs (``what``: the list's items; ``pair``: one, as written)."""
    if not isinstance(value, (list, tuple)):
        raise SettingError(key, f"setting '{key}' must be a list of {what}; it is {_shown(value)}.")
    if len(value) > cap:
        raise SettingError(key, f"setting '{key}' holds {len(value):,} {what}; at most {cap} are allowed.")
    for i, entry in enumerate(value, start=1):
        if not isinstance(entry, (list, tuple)) or len(entry) != 2:
            raise SettingError(key, f"setting '{key}', entry {i}: must be a pair {pair}; it is {_shown(entry)}.")
    return list(value)


def _check_weights(key: str, value: object) -> tuple[tuple[str, float], ...]:
    if value == ():
        return ()
    pairs = _pairs(key, value, len(SIGNAL_BY_KEY), "dial weights", "[signal, weight]")
    out, seen = [], set()
    for i, (signal, weight) in enumerate(pairs, start=1):
        if not isinstance(signal, str) or signal not in SIGNAL_BY_KEY:
            raise SettingError(key, f"setting '{key}', entry {i}: each dial weight names a signal, and "
                                    f"{_shown(signal)} is not one (the signals: {', '.join(SIGNAL_BY_KEY)}).")
        if signal in seen:
            raise SettingError(key, f"setting '{key}': the dial weight of '{signal}' is given twice.")
        seen.add(signal)
        try:
            w = WEIGHT.check(key, weight)
        except SettingError:
            raise SettingError(key, f"setting '{key}', entry {i}: the dial weight of '{signal}' must be "
                                    f"{WEIGHT.allowed()}; it is {_shown(weight)}.") from None
        out.append((signal, w))
    return tuple(out)


def check_keyword(key: str, rule: int, keyword: object) -> str:
    """One keyword of a survey rule, as the rule holds it (trimmed)."""
    where = f"setting '{key}', rule {rule}"
    if not isinstance(keyword, str):
        raise SettingError(key, f"{where}: a keyword must be text; it is {_shown(keyword)}.")
    keyword = " ".join(keyword.split())
    if len(keyword) > MAX_KEYWORD_CHARS:
        raise SettingError(key, f"{where}: the keyword {_shown(keyword)} is {len(keyword):,} characters long; "
                                f"at most {MAX_KEYWORD_CHARS} are allowed.")
    if _PATTERN_CHARS & set(keyword):
        raise SettingError(key, f"{where}: {_shown(keyword)} is written as a regular expression; survey rules "
                                "are plain keywords (a word, or the start of one, such as 'coach' or 'priorit'; "
                                "case and punctuation are ignored).")
    if not _words(keyword):
        raise SettingError(key, f"{where}: the keyword {_shown(keyword)} has no letter or digit to match.")
    return keyword


def _check_rules(key: str, value: object) -> tuple[tuple[tuple[str, ...], str], ...]:
    if value is SURVEY_ITEM_RULES:
        return value  # the defaults, as declared (most sessions never change them)
    pairs = _pairs(key, value, MAX_RULES, "survey rules", "[[keywords], what the item measures]")
    out = []
    for i, (keywords, kind) in enumerate(pairs, start=1):
        if not isinstance(kind, str) or kind not in SURVEY_ITEM_KINDS:
            raise SettingError(key, f"setting '{key}', rule {i}: {_shown(kind)} is not something a survey item "
                                    f"measures (one of: {', '.join(SURVEY_ITEM_KINDS)}).")
        if isinstance(keywords, str) or not isinstance(keywords, (list, tuple)):
            raise SettingError(key, f"setting '{key}', rule {i}: the keywords must be a list of words; "
                                    f"they are {_shown(keywords)}.")
        if not 1 <= len(keywords) <= MAX_KEYWORDS_PER_RULE:
            raise SettingError(key, f"setting '{key}', rule {i}: a rule has 1 to {MAX_KEYWORDS_PER_RULE} "
                                    f"keywords; it has {len(keywords):,}.")
        out.append((tuple(dict.fromkeys(check_keyword(key, i, k) for k in keywords)), kind))
    return tuple(out)


CHECKS: dict[str, Callable[[str, object], object]] = {
    "use_complexity_flag": _check_flag,
    "include_non_person_owners": _check_flag,
    "signal_weights": _check_weights,
    "survey_item_rules": _check_rules,
}
_FIELDS = {f.name: f for f in fields(Settings)}
#: every setting with its check, in declared order (the numbers by their Bound)
_CHECKERS = [(f.name, CHECKS.get(f.name) or f.metadata["bound"].check) for f in fields(Settings)]


def _text(text: str) -> str:
    """Text as keywords are matched in it: its words, lower case, each after one space."""
    return " " + " ".join(_words(text))


def item_classifier(rules: tuple[tuple[tuple[str, ...], str], ...] = SURVEY_ITEM_RULES) -> Callable[[str], str | None]:
    """What a survey item measures, by ``rules`` (first matching rule wins): a function of the item.

    Built once per call over a set of items (nothing is kept between calls). Item and keywords are
    reduced to their words, each after one space, so a keyword matches when " keyword" is in the
    item: at the start of a word, whole words before its last. Only plain substring tests run,
    each over at most :data:`MAX_ITEM_CHARS` characters, at most ``MAX_RULES × MAX_KEYWORDS_PER_RULE``
    of them per item: the time is bounded per item whatever the rules say.
    """
    compiled = [(tuple(_text(k) for k in keywords), kind) for keywords, kind in rules]

    def classify(item: str) -> str | None:
        text = _text(item)
        for keywords, kind in compiled:
            for keyword in keywords:
                if keyword in text:
                    return kind
        return None

    return classify


def classify_item(item: str, rules: tuple[tuple[tuple[str, ...], str], ...] = SURVEY_ITEM_RULES) -> str | None:
    """What a survey item measures, or None when no rule matches.

    >>> classify_item("My manager coaches me consistently")
    'coaching_rep'
    >>> classify_item("I coach my reps consistently")
    'coaching_self'
    >>> classify_item("I believe in our team's plan")
    'buy_in'
    """
    return item_classifier(rules)(item)
