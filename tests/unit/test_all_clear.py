"""An all-clear only over the checks that ran (issue 20, item 5): the standards and the next-1:1 checklist."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.diagnosis.checklist import CHECKS, checklist_basis, empty_checklist_note, next_one_on_one
from analytics.ingest.pipeline import analyse_file, import_file
from analytics.outputs.profile import manager_profiles
from analytics.results import kpis
from analytics.settings import Settings
from analytics.store.workspace import Workspace
from tests.unit.test_attainment_periods import load, org

LABELS = [label for label, _, _ in CHECKS]


def test_nothing_measured_is_nothing_checked():
    checked, unchecked = checklist_basis(pd.Series({"involvement_won_complex": float("nan")}), {}, False)
    assert checked == [] and len(unchecked) == len(CHECKS)
    note = empty_checklist_note(checked, unchecked)
    assert "nothing could be checked" in note and "No weak spot" not in note
    assert "involvement in complex deals (needs a manager-involved flag or activities on closed deals" in note


@pytest.mark.parametrize("row, counts, gaps, ran", [
    ({"follow_through_rate": 0.9}, {}, False, ["follow-through"]),
    ({"revisit_rate": 0.6, "skill_time_share": 0.5}, {"asked_before_telling": (0, 0)}, False,
     ["skill time", "revisits"]),
    ({}, {"tied_to_plan": (3, 4)}, True, ["coaching behaviours", "stuck gaps"]),
    ({"confidence_gap": None, "involvement_won_complex": 0.2}, {}, False, ["involvement in complex deals"]),
])
def test_few_checks_are_said_to_be_few(row, counts, gaps, ran):
    checked, unchecked = checklist_basis(pd.Series(row, dtype="object"), counts, gaps)
    assert checked == ran
    note = empty_checklist_note(checked, unchecked)
    assert f"rests on few signals ({len(ran)} of {len(CHECKS)} checks ran)" in note and "No weak spot" not in note
    assert f"Checked: {', '.join(ran)}." in note


def test_most_checks_ran_is_an_all_clear_that_names_them_and_the_rest():
    row = pd.Series({"skill_time_share": 0.5, "follow_through_rate": 0.8, "revisit_rate": 0.7,
                     "involvement_won_complex": 0.1, "confidence_gap": 0.05, "over_confident": False})
    counts = {"named_specific_gap": (5, 6)}
    assert next_one_on_one(row, counts, [], Settings()) == []
    checked, unchecked = checklist_basis(row, counts, False)
    note = empty_checklist_note(checked, unchecked)
    assert note.startswith("No weak spot in the checks that ran.")
    assert "Not checked: stuck gaps (needs a capability reviews export" in note


def test_a_roster_and_deals_profile_says_its_empty_checklist_rests_on_nothing():
    files = org("punctuated")
    ws = Workspace()
    for name, table in (("people.csv", "people"), ("deals.csv", "opportunities")):
        assert import_file(ws, analyse_file(name, files[name].encode("utf-8")), table).error is None
    try:
        profiles = manager_profiles(ws)
        assert len(profiles) == 3
        for p in profiles:
            assert p.checklist == [] and "nothing could be checked" in p.checklist_note
    finally:
        ws.close()


@pytest.mark.parametrize("shape", ["plain", "shouting"])
def test_the_standards_that_ran_are_named_with_their_counts(shape):
    ws = load(org(shape))  # roster, deals and quotas: attainment and coverage can run, activity cannot
    try:
        judged = kpis.below_standard(ws, only_below=False)
        checked, unchecked = kpis.standards_checked(judged, "rep")
        assert "attainment against 100% (9 reps)" in checked
        assert "activity standard (needs an activities export)" in unchecked
        team_checked, _ = kpis.standards_checked(judged, "team")
        assert "attainment against 100% (3 teams)" in team_checked
    finally:
        ws.close()
