"""The landing page's verdicts (analytics.diagnosis.verdicts) over generated diagnoses: who is
placed in which list, who is withheld and why, and the words each reason uses."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analytics.diagnosis.verdicts import NEEDS, verdicts
from analytics.settings import Settings

NAN = float("nan")


def row(manager, *, hero=False, reason="Not the hero pattern: below plan (90%).", slope=NAN, low=NAN, high=NAN,
        cycles=8, series=30, attainment=0.9, involvement=0.4, n_won=40, coach=NAN):
    return {"manager": manager, "hero": hero, "reason": reason, "capability_slope": slope,
            "capability_slope_low": low, "capability_slope_high": high, "n_cycles": cycles,
            "n_rep_capabilities": series, "attainment": attainment, "involvement_won_complex": involvement,
            "independence": 1 - involvement if not np.isnan(involvement) else NAN, "n_complex_won": n_won,
            "coach": coach}


def frame(*rows) -> pd.DataFrame:
    out = pd.DataFrame(list(rows))
    out["hero"] = pd.Series([r["hero"] for r in rows], dtype=object)  # True / False / None, as the diagnosis holds it
    return out


def test_heroes_carry_movers_develop_the_rest_are_counted_not_named():
    diag = frame(
        row("Hero A", hero=True, reason="104% of plan ...", slope=0.001, low=-0.001, high=0.003, attainment=1.04,
            involvement=0.8, n_won=41),
        row("Dev B", slope=0.024, low=0.017, high=0.030, attainment=1.01, coach=72.6),
        row("Flat C", slope=0.004, low=0.001, high=0.007),
        row("Noisy D", slope=0.03, low=-0.01, high=0.07),  # big slope, interval crosses 0: flat, not developing
        row("Unknown E", hero=None, reason="Cannot tell: attainment not measured.", slope=0.002, low=-0.001,
            high=0.004, attainment=NAN),
    )
    v = verdicts(diag)
    assert [x.manager for x in v.carrying] == ["Hero A"]
    assert [x.manager for x in v.developing] == ["Dev B"]
    assert v.neither == 2 and v.managers == 5
    assert v.withheld == [("attainment not measured", 1)] and v.needs == [NEEDS["attainment"]]
    assert v.told_developing == 5 and v.told_carrying == 4
    hero, dev = v.carrying[0].reason, v.developing[0].reason
    assert hero == ("104% of plan, but involved in 80% of the team's 41 won complex deals; capability flat "
                    "(+0.1 points per cycle over 8 review cycles).")
    assert dev.startswith("Capability up +2.4 points per cycle over 8 review cycles (30 rep-capability series)")
    assert "Coach dial 73;" in dev and "101% of plan" in dev


def test_cannot_tell_is_not_a_hero_and_too_few_cycles_is_not_developing():
    diag = frame(
        row("Thin", hero=None, reason="Cannot tell: capability movement on reviews in only 2 cycles (needs 3).",
            slope=0.05, low=0.02, high=0.08, cycles=2, attainment=1.1, involvement=0.9),
        row("No reviews", hero=None, reason="Cannot tell: capability movement not measured.", attainment=1.2,
            involvement=0.95),
        row("No reviews 2", hero=None, reason="Cannot tell: capability movement not measured."),
    )
    v = verdicts(diag)
    assert v.carrying == [] and v.developing == [] and v.neither == 0 and v.judged_nobody
    assert v.withheld == [("capability movement not measured", 2),
                          ("capability movement on reviews in only 2 cycles (needs 3)", 1)]
    assert v.n_withheld == 3 and v.needs == [NEEDS["capability movement"]]
    assert v.told_developing == 0 and v.told_carrying == 0


def test_a_mover_whose_hero_verdict_cannot_be_told_still_develops():
    v = verdicts(frame(row("Mover", hero=None, reason="Cannot tell: attainment not measured.", slope=0.02,
                           low=0.01, high=0.03, attainment=NAN, involvement=NAN, n_won=0)))
    assert [x.manager for x in v.developing] == ["Mover"] and v.withheld == []
    reason = v.developing[0].reason
    assert "of plan" not in reason and "closed without the manager" not in reason  # not measured: not said


def test_the_flat_bar_is_the_setting():
    diag = frame(row("Slow", slope=0.008, low=0.004, high=0.012))
    assert verdicts(diag).developing == []  # under the default 0.01 per cycle
    assert [x.manager for x in verdicts(diag, Settings(flat_slope=0.005)).developing] == ["Slow"]


@pytest.mark.parametrize(("loaded", "asked"), [
    ({"opportunities"}, ["roster", "capability movement", "attainment", "manager involvement"]),
    ({"opportunities", "quotas", "reviews"}, ["roster", "manager involvement"]),
    (set(), ["roster", "capability movement", "attainment", "manager involvement"]),
    ({"people", "opportunities"}, []),  # a roster and no manager in scope: the filters, or no manager named
])
def test_an_empty_diagnosis_names_what_to_upload_and_not_what_is_loaded(loaded, asked):
    v = verdicts(pd.DataFrame(columns=["manager"]), loaded=loaded)
    assert v.judged_nobody and v.managers == 0 and v.withheld == []
    assert v.needs == [NEEDS[k] for k in asked]


def test_reasons_read_in_the_vocabulary():
    diag = frame(row("H", hero=True, reason="x", slope=-0.0001, low=-0.005, high=0.005, attainment=1.0322,
                     involvement=0.8824, n_won=34))
    reason = verdicts(diag).carrying[0].reason
    assert "103% of plan" in reason and "88%" in reason and "(0 points per cycle" in reason
    assert not re.search(r"\d\.\d{2,}|-0|gap\(s\)", reason)


def test_a_broken_link_asks_for_the_link_not_another_export():
    diag = frame(row("A", hero=None, reason="Cannot tell: manager involvement not measured."),
                 row("B", hero=None, reason="Cannot tell: capability movement not measured."))
    v = verdicts(diag, broken={"involvement_won_complex": "no deal owner is in the roster"})
    assert v.needs == [NEEDS["capability movement"],
                       "manager involvement: no deal owner is in the roster, see Data health on the Data page"]
