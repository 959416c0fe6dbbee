"""Issue 18 in a real browser: a quota file without a header row, dropped with a roster and deals,
is loaded once the user has checked its guessed columns, and the Overview shows attainment; the
data-health panel's switch counts an owner that is not a person as a rep."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import click_and_wait, exports_input, go, open_page, wait_for_app_run

REPS = [f"{first} {last}" for first, last in zip(["Ava", "Ben", "Cara", "Dev", "Eli", "Fay"],
                                                  ["Stone", "Marsh", "Kerr", "Patel", "Novak", "Quinn"], strict=True)]
MANAGERS = ["Helen Archer", "Victor Crane"]
QUARTERS = ["2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01"]


def write_exports(folder) -> list[str]:
    roster = folder / "team.csv"
    roster.write_text("Full Name,Reports To,Region\n"
                      + "".join(f"{m},,EMEA\n" for m in MANAGERS)
                      + "".join(f"{r},{MANAGERS[i % 2]},EMEA\n" for i, r in enumerate(REPS)), encoding="utf-8")
    rows = []
    for k in range(48):
        owner = "Renewal Bot" if k % 4 == 3 else REPS[k % len(REPS)]
        month = 1 + k % 12
        rows.append(f"D{k:03d},{owner},{'Closed Won' if k % 3 else 'Closed Lost'},{10_000 + 500 * k},"
                    f"2025-{month:02d}-20,2025-{month:02d}-01\n")
    deals = folder / "deals.csv"
    deals.write_text("Opportunity ID,Owner,Stage,Amount,Close Date,Created Date\n" + "".join(rows), encoding="utf-8")
    quotas = folder / "quota-history.tsv"  # no header row: owner, quarter start, amount
    quotas.write_text("".join(f"{r}\t{q}\t60000\n" for r in REPS for q in QUARTERS), encoding="utf-8")
    return [str(roster), str(deals), str(quotas)]


def reps_shown(page) -> str:
    card = page.get_by_test_id("stMetric").filter(has_text="Reps")
    return card.get_by_test_id("stMetricValue").inner_text().strip()


def test_a_headerless_quota_file_loads_once_checked_and_the_overview_shows_attainment(page, app_url, tmp_path):
    open_page(page, app_url, "data")
    exports_input(page).set_input_files(write_exports(tmp_path))
    wait_for_app_run(page)
    expect(page.get_by_text("has no header row (24 rows, 3 columns)")).to_be_visible()
    expect(page.get_by_text("1 file without a header row wait for you to check their columns.")).to_be_visible()
    load = page.get_by_role("button", name=re.compile(r"Load \d+ files? into the workspace"))
    expect(load).to_have_text(re.compile("Load 2 file"))  # not the unchecked guess
    click_and_wait(page, page.get_by_test_id("stCheckbox").filter(has_text="I checked these columns: load this file"))
    expect(load).to_have_text(re.compile("Load 3 file"))
    click_and_wait(page, load)
    expect(page.get_by_text("quota-history.tsv: 24 rows read · 24 loaded · 0 rejected")).to_be_visible()
    # the bot is named in the data-health panel and kept out of people metrics by default
    expect(page.get_by_text("Owners that are not people: 'Renewal Bot' (12 deals")).to_be_visible()

    go(page, "Overview", "")
    attainment = page.get_by_test_id("stMetric").filter(has_text="Closed-won vs quota")
    expect(attainment.get_by_test_id("stMetricValue")).to_have_text(re.compile(r"^\d+%$"))
    assert reps_shown(page) == str(len(REPS))

    go(page, "Data", "data")
    click_and_wait(page, page.get_by_text("Count owners that are not people as reps"))
    expect(page.get_by_text("They are counted as reps")).to_be_visible()
    go(page, "Overview", "")
    expect(page.get_by_test_id("stMetric").filter(has_text="Reps").get_by_test_id("stMetricValue")).to_have_text(
        str(len(REPS) + 1))
