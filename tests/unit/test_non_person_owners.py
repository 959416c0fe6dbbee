"""Owners that are not people (issue 18, join): a "Renewal Bot" with 229 deals, in the roster or not, is
no rep and moves no manager's dials unless the setting includes it; it is reported either way."""

from __future__ import annotations

import pytest

from analytics import people
from analytics.diagnosis import diagnosis
from analytics.filters import Filters
from analytics.results.attainment import rep_attainment
from analytics.results.overview import headline, managers_summary
from analytics.settings import SettingError, Settings
from tests.factories import workspace_with

ROSTER = [{"person_id": "U1", "name": "Anna Person", "manager": "Max Boss"},
          {"person_id": "U2", "name": "Bo Lee", "manager": "Max Boss"},
          {"person_id": "U3", "name": "Max Boss"}]
BOT = {"person_id": "U9", "name": "Renewal Bot", "manager": "Max Boss"}


def _deals(bot_ref):
    out = []
    for i in range(260):
        owner = bot_ref if i < 229 else ("U1" if i % 2 else "Bo Lee")
        won = i % 3 != 0
        out.append({"opportunity_id": f"D{i}", "owner": owner, "stage": "Closed Won" if won else "Closed Lost",
                    "amount": 1000.0, "created_date": "2025-01-05", "close_date": "2025-03-31",
                    "is_closed": True, "is_won": won})
    return out


QUOTAS = [{"owner": o, "period_start": "2025-01-01", "period_end": "2025-03-31", "amount": 10000.0}
          for o in ("Anna Person", "Bo Lee")]


@pytest.mark.parametrize("in_roster", [True, False])
def test_a_bot_is_no_rep_and_moves_no_dial_unless_included(in_roster):
    roster = [*ROSTER, BOT] if in_roster else ROSTER
    ws = workspace_with(people=roster, opportunities=_deals("U9" if in_roster else "Renewal Bot"), quotas=QUOTAS)
    found = people.non_person_owners(ws)
    assert found.owners == (("Renewal Bot", 229, 229000.0),)
    assert found.roster == (("Renewal Bot",) if in_roster else ())
    assert not found.included

    reps = people.reps(ws, Filters())
    assert set(reps["rep"]) == {"Anna Person", "Bo Lee"}
    assert people.managers(ws, Filters())["reps"].tolist() == [2]
    summary = managers_summary(ws).to_dict("records")
    assert summary == [{"manager": "Max Boss", "reps": 2, "won_deals": 21, "won_revenue": 21000.0,
                        "quota": 20000.0, "attainment": 1.05}]
    assert "Renewal Bot" not in set(rep_attainment(ws, Filters(), Settings())["rep"])
    assert "Renewal Bot" not in diagnosis(ws, Filters(), Settings()).to_string()
    h = headline(ws)
    assert (h.reps, h.won_deals, h.won_revenue) == (2, 21, 21000.0)

    ws.include_non_person_owners(True)
    assert people.non_person_owners(ws).included
    assert ws.scalar("SELECT count(*) FROM v_opportunities WHERE owner_name = 'Renewal Bot'") == 229
    assert headline(ws).won_deals == 21 + 152
    if in_roster:  # the bot is Max Boss's third rep, and its deals are his team's
        assert set(people.reps(ws, Filters())["rep"]) == {"Anna Person", "Bo Lee", "Renewal Bot"}
        assert managers_summary(ws).to_dict("records")[0]["won_deals"] == 173

    ws.include_non_person_owners(False)
    assert ws.scalar("SELECT count(*) FROM v_opportunities WHERE owner_name = 'Renewal Bot'") == 0
    assert ws.scalar("SELECT count(*) FROM v_opportunities") == 31


def test_the_switch_is_a_checked_setting():
    assert Settings().include_non_person_owners is False
    assert Settings.from_dict({"include_non_person_owners": True}).include_non_person_owners is True
    with pytest.raises(SettingError, match="include_non_person_owners"):
        Settings(include_non_person_owners="yes")


def test_the_data_health_line_names_the_bot_and_where_its_deals_count():
    from ui.data_health import non_person_line

    ws = workspace_with(people=[*ROSTER, BOT], opportunities=_deals("U9"))
    line = non_person_line(people.non_person_owners(ws))
    assert "'Renewal Bot' (229 deals" in line and "kept out of people metrics" in line
    ws.include_non_person_owners(True)
    assert "counted as reps" in non_person_line(people.non_person_owners(ws))
