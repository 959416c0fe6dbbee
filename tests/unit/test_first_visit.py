"""The first visit's building blocks as made faster in issue 22, each against the way it was
computed before: the same frames."""

from __future__ import annotations

import pandas as pd

from analytics.filters import Filters
from analytics.settings import Settings
from analytics.signals import independence as ind
from analytics.signals import manage


def test_closed_deals_without_filters_are_every_deal_as_picked(demo_workspace):
    s = Settings()
    every = ind._all_closed_deals(demo_workspace, s.complexity_percentile, s.use_complexity_flag)
    picked = every.loc[pd.Series(True, index=every.index), ind.DEAL_COLUMNS].reset_index(drop=True)
    got = ind.closed_deals(demo_workspace, Filters(), s)
    pd.testing.assert_frame_equal(got, picked, check_exact=True)
    assert len(got) > 100 and isinstance(got.index, pd.RangeIndex)
    quarter = Filters(start=got["close_date"].min().date(), end=got["close_date"].median().date())
    assert 0 < len(ind.closed_deals(demo_workspace, quarter, s)) < len(got)


def test_rep_weeks_read_every_day_as_the_picked_days(demo_workspace, monkeypatch):
    """Without a period every day is read as held; a pick of them (another index, another order)
    gives the same weeks."""
    raw = manage.rep_weeks.__wrapped__  # computed, not held
    days = manage.activity_days(demo_workspace)
    ours = raw(demo_workspace, Filters(), 3)
    shuffled = days.sample(frac=1.0, random_state=0)
    picked = shuffled[Filters(start=pd.Timestamp.min.date()).mask(shuffled, date="day") | shuffled["day"].isna()]
    monkeypatch.setattr(manage, "activity_days", lambda ws: picked)
    pd.testing.assert_frame_equal(raw(demo_workspace, Filters(), 3), ours, check_exact=True)
    assert len(ours) > 10 and ours["met"].sum() > 0


#: activities per owner and day as first written: every row's owner resolved, then grouped by name
_ACTIVITY_DAYS_REFERENCE = """SELECT owner_name, activity_date AS day, count(*) AS n FROM v_activities
                              WHERE owner_name IS NOT NULL GROUP BY ALL"""


def test_activity_days_are_grouped_by_the_name_each_owner_resolves_to():
    """Owners are numbered before the (owner, day) groups (issue 22); the counts are those of
    grouping every row by its resolved name: owners by ID, name, e-mail, two values naming one
    person, unknown, blank, missing, a bot (left out, or kept with the setting), days missing."""
    from tests.factories import workspace_with

    people = [{"person_id": "U1", "name": "Anna Person", "email": "anna@example.com", "manager": "Max Boss"},
              {"person_id": "U2", "name": "Max Boss"}, {"person_id": "B1", "name": "Renewal Bot"}]
    owners = ["U1", "Anna Person", "anna@example.com", "U2", "Nobody", "", None, "Renewal Bot", "B1", "Max Boss"]
    acts = [{"owner": owners[i % len(owners)], "subject": f"a{i}",
             "activity_date": None if i % 7 == 0 else f"2025-02-{1 + (i * 5) % 11:02d}"} for i in range(120)]
    ws = workspace_with(people=people, activities=acts)
    for include in (False, True):
        ws.include_non_person_owners(include)
        ours = manage.activity_days.__wrapped__(ws)
        ref = ws.query(_ACTIVITY_DAYS_REFERENCE)
        ref["day"] = pd.to_datetime(ref["day"])
        ref["n"] = ref["n"].astype("int64")
        key = ["owner_name", "day"]
        pd.testing.assert_frame_equal(ours.sort_values(key, ignore_index=True), ref.sort_values(key, ignore_index=True),
                                      check_exact=True)
        assert ours["n"].sum() == 120 - 12 - (0 if include else 24) and ours["day"].isna().any()
        assert ours.groupby(key, dropna=False).size().max() == 1
