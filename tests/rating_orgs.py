"""Organisations with planted capability movement on noisy review scales (issue 19, noise part).

:func:`rating_org` builds the review, coaching and development tables of an organisation whose
truth is known: managers who *develop* (the gaps they name rise by :data:`RISE_STEPS` points of
the scale within two cycles and stay there) and managers who name gaps that never move; every
other capability of every rep is flat. Each review score is the truth plus a rating noise of one
step of the scale (−1, 0 or +1 point, ±1 each with probability ``noise_p`` / 2), rounded to whole
points and kept on the scale, the way a reviewer's mood moves a 1–10 score by a point.

Headers are the canonical ones (the import path is tested elsewhere); the point is the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: review cycles: label, review date (the quarter's last day), and a day inside it for namings
CYCLES = (("2024-Q4", "2024-12-31", "2024-11-10"), ("2025-Q1", "2025-03-31", "2025-02-10"),
          ("2025-Q2", "2025-06-30", "2025-05-10"), ("2025-Q3", "2025-09-30", "2025-08-10"),
          ("2025-Q4", "2025-12-31", "2025-11-10"), ("2026-Q1", "2026-03-31", "2026-02-10"),
          ("2026-Q2", "2026-06-30", "2026-05-10"), ("2026-Q3", "2026-09-30", "2026-08-10"))
CAPABILITIES = ("Discovery", "Value articulation", "Stakeholder navigation", "Competitive positioning",
                "Negotiation", "Forecasting")
#: the planted rise of a developed gap, in points of each scale (about a third of the scale)
RISE_STEPS = {(1, 5): 2, (1, 7): 2, (1, 10): 3}
#: the cycles after which gaps are named (a naming falls inside the next cycle's quarter)
NAMED_AFTER = (0, 3)


@dataclass
class RatingOrg:
    tables: dict[str, list[dict]]
    #: (rep, capability) -> True when the named gap was planted to move
    moves: dict[tuple[str, str], bool] = field(default_factory=dict)
    #: manager -> "developer" or "namer" (names gaps that never move)
    kinds: dict[str, str] = field(default_factory=dict)


def rating_org(scale: tuple[int, int] = (1, 10), *, n_managers: int = 6, n_reps: int = 6,
               noise_p: float = 0.5, seed: int = 19, unnamed_drift: float = 0.0, prefix: str = "") -> RatingOrg:
    """A seeded organisation on one review scale; half the managers develop their named gaps.

    ``unnamed_drift`` adds a true rise (points per cycle) to every capability nobody named, so a
    test can check the noise estimate is not fooled by reps who grow on their own; ``prefix``
    starts every name, so two organisations can share a workspace.
    """
    rng = np.random.default_rng(seed)
    lo, hi = scale
    rise = RISE_STEPS.get(scale, max(1, round((hi - lo) / 3)))
    people, reviews, sessions, actions = [], [], [], []
    org = RatingOrg(tables={})
    for m in range(n_managers):
        manager = f"{prefix}Manager {m + 1:02d}"
        kind = "developer" if m % 2 == 0 else "namer"
        org.kinds[manager] = kind
        people.append({"name": manager, "role": "Manager", "team": f"{prefix}Team {m + 1}"})
        for r in range(n_reps):
            rep = f"{prefix}Rep {m + 1:02d}-{r + 1:02d}"
            people.append({"name": rep, "role": "Rep", "manager": manager, "team": f"{prefix}Team {m + 1}"})
            base = rng.integers(lo + 1, hi - rise, len(CAPABILITIES)).astype(float)
            truth = np.tile(base, (len(CYCLES), 1))
            order = rng.permutation(len(CAPABILITIES))
            named = {}
            for k, after in enumerate(NAMED_AFTER):
                cap = int(order[k])
                named[cap] = after
                label, _, day = CYCLES[after + 1]
                sessions.append({"manager": manager, "rep": rep, "session_date": day, "session_type": "1:1",
                                 "focus_capability": CAPABILITIES[cap], "named_specific_gap": True,
                                 "asked_before_telling": True, "tied_to_plan": True, "tracked_application": True})
                actions.append({"rep": rep, "manager": manager, "capability": CAPABILITIES[cap],
                                "action_type": "Role play", "assigned_date": day, "due_date": day,
                                "completed_date": day})
                org.moves[(rep, CAPABILITIES[cap])] = kind == "developer"
                if kind == "developer":  # half the rise the next cycle, all of it the one after, and it stays
                    truth[after + 1:, cap] += np.ceil(rise / 2)
                    truth[after + 2:, cap] += rise - np.ceil(rise / 2)
            for c in range(len(CAPABILITIES)):
                if c not in named and unnamed_drift:
                    truth[:, c] += unnamed_drift * np.arange(len(CYCLES))
            noise = rng.choice([-1.0, 0.0, 1.0], size=truth.shape, p=[noise_p / 2, 1 - noise_p, noise_p / 2])
            scores = np.clip(np.round(truth + noise), lo, hi)
            for i, (label, review_date, _) in enumerate(CYCLES):
                for c, cap in enumerate(CAPABILITIES):
                    reviews.append({"rep": rep, "reviewer": manager, "cycle": label, "review_date": review_date,
                                    "capability": cap, "score": float(scores[i, c]), "scale_min": lo, "scale_max": hi})
    org.tables = {"people": people, "reviews": reviews, "coaching_sessions": sessions,
                  "development_actions": actions}
    return org


def moved_precision_recall(gaps, org: RatingOrg) -> tuple[float, float, int, int]:
    """Precision and recall of ``status == "moved"`` against the planted truth, over the gaps
    whose window and next cycle have passed (status not "too early"): (precision, recall,
    n moved, n planted)."""
    judged = gaps[gaps["status"] != "too early"]
    truth = [org.moves.get((r.rep, r.capability), False) for r in judged.itertuples()]
    moved = (judged["status"] == "moved").to_numpy()
    truth = np.array(truth, dtype=bool)
    hits = int((moved & truth).sum())
    precision = hits / moved.sum() if moved.sum() else float("nan")
    recall = hits / truth.sum() if truth.sum() else float("nan")
    return float(precision), float(recall), int(moved.sum()), int(truth.sum())
