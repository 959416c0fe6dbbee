"""The first visit's building blocks read without picking every row (issue 22): the same frames
as picking them, on the demo."""

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
