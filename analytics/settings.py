"""Thresholds, standards and weights: every number a metric depends on, as a setting.

The defaults are FRAMEWORK.md's; the user changes them in the app (they live in the
session's state, never in module state) and every page reads the same value.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields, replace


@dataclass(frozen=True)
class Settings:
    """All tunable numbers of the diagnosis, with their defaults.

    Attributes
    ----------
    complexity_percentile : a deal at or above this percentile of the organisation's closed
        amounts is complex (when the export has no complexity flag, or the flag is not used).
    use_complexity_flag : use the export's own complexity flag where a deal has one.
    moved_rise : a named gap moved when its normalised score rose by at least this much ...
    moved_within_cycles : ... within this many cycles after it was named.
    stuck_min_cycles : a gap named in at least this many cycles without moving is stuck.
    flat_slope : a capability slope per cycle below this (normalised units) is flat.
    agree_score : a survey answer at or above this, on a 5-point scale, agrees.
    coverage_standard : open pipeline for next quarter ÷ next quarter's quota that is enough.
    stale_days : an open deal untouched (no activity or stage change) this long is stale.
    activity_target_per_week : activities per rep per week that meet the standard.
    skill_time_target : the 50/50 rule's share of 1:1 minutes on skill development.
    hero_attainment : attainment at or above this is "at plan" for the hero pattern.
    hero_involvement : share of the team's won complex deals with the manager involved above
        which involvement is "high".
    min_managers_for_clusters : fewer managers than this and the page declines to cluster.
    results_standard : a rep whose attainment is below this is below standard on results.
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
    """

    complexity_percentile: float = 0.75
    use_complexity_flag: bool = True
    moved_rise: float = 0.10
    moved_within_cycles: int = 2
    stuck_min_cycles: int = 2
    flat_slope: float = 0.01
    agree_score: float = 4.0
    coverage_standard: float = 3.0
    stale_days: int = 30
    activity_target_per_week: float = 5.0
    skill_time_target: float = 0.5
    hero_attainment: float = 1.0
    hero_involvement: float = 0.6
    min_managers_for_clusters: int = 8
    results_standard: float = 0.85
    capability_standard: float = 0.5
    fit_gap_min_cycles: int = 2
    fit_gap_min_follow_through: float = 0.7
    fit_gap_min_coaching_quality: float = 0.5
    stars_top: float = 0.1
    strugglers_bottom: float = 0.1
    #: weight of each signal inside its dial (a missing key weighs 1)
    signal_weights: tuple[tuple[str, float], ...] = ()
    #: survey item keywords -> what the item measures (first match wins); edited on the What-if page
    survey_item_rules: tuple[tuple[str, str], ...] = field(default_factory=lambda: SURVEY_ITEM_RULES)

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    def weight(self, signal: str) -> float:
        return dict(self.signal_weights).get(signal, 1.0)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Settings:
        known = {f.name for f in fields(cls)}
        clean = {k: v for k, v in data.items() if k in known}
        for key in ("signal_weights", "survey_item_rules"):
            if key in clean:
                clean[key] = tuple(tuple(x) for x in clean[key])
        return cls(**clean)


#: What a survey item measures, by the words in it. "coaching_self" is a manager rating their
#: own coaching; "coaching_rep" a rep rating their manager's; the rest feed the Lead dial.
SURVEY_ITEM_RULES: tuple[tuple[str, str], ...] = (
    (r"\bi coach\b|my coaching", "coaching_self"),
    (r"coach", "coaching_rep"),
    (r"direction|priorit|vision|goal", "direction"),
    (r"motivat|inspir|want to perform|energ", "motivation"),
    (r"believe|buy.?in|plan|commit|trust", "buy_in"),
)


def classify_item(item: str, rules: tuple[tuple[str, str], ...] = SURVEY_ITEM_RULES) -> str | None:
    """What a survey item measures, or None when no rule matches.

    >>> classify_item("My manager coaches me consistently")
    'coaching_rep'
    >>> classify_item("I coach my reps consistently")
    'coaching_self'
    >>> classify_item("I believe in our team's plan")
    'buy_in'
    """
    text = str(item).lower()
    for pattern, kind in rules:
        if re.search(pattern, text):
            return kind
    return None
