"""The Filters' named parts are exactly the values the engine built by hand before (equal
Filters are the same cache key, so a part must not carry anything more or less)."""

from datetime import date

from analytics.filters import Filters, quota_clause

FULL = Filters(start=date(2025, 1, 1), end=date(2025, 6, 30), regions=("EMEA",), teams=("Core", "Edge"),
               managers=("Max",), segments=("SMB",), products=("Pulse",))


def test_parts_are_the_hand_built_values():
    for f in (FULL, Filters(), Filters(end=date(2025, 6, 30), managers=("Max",))):
        assert f.period() == Filters(start=f.start, end=f.end)
        assert f.until_end() == Filters(end=f.end)
        assert f.from_start() == Filters(start=f.start)
        assert f.regions_and_teams() == Filters(regions=f.regions, teams=f.teams)
        assert f.managers_only() == Filters(managers=f.managers)
        # the parts together are the people and period of the whole, segments and products aside
        assert f.period().with_(regions=f.regions, teams=f.teams, managers=f.managers) == f.with_(
            segments=(), products=())


def test_until_end_on_a_date_is_the_filters_without_start():
    assert FULL.until_end().clause(date="d") == FULL.with_(start=None).clause(date="d") == ("d <= ?", [FULL.end])


def test_quota_clause():
    sql, params = quota_clause(FULL.with_(regions=(), teams=(), managers=()))
    assert sql == "q.period_start >= ? AND q.period_end <= ? AND TRUE"
    assert params == [FULL.start, FULL.end]
