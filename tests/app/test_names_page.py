"""AppTest: the Data page lists every row an upload left out, and every name it changed."""

from __future__ import annotations

from analytics.store.workspace import Workspace
from tests.app.test_pages import app, load_button, texts

DEALS = "Id,Name,StageName,CloseDate,Amount,OwnerId,CreatedDate\n"


def deal(n: int, owner: str, name: str | None = None) -> str:
    return f"A{n},{name or f'Deal {n}'},Closed Won,2024-03-01,100,{owner},2024-01-01\n"


def test_empty_rows_and_invisible_or_overlong_names_are_listed_on_the_data_page():
    body = (DEALS + deal(1, "Ann Lee") + "   \n" + deal(2, "\u200b") + ",,,,,,\n" + deal(3, "Ann\u200bLee", "N" * 10_000)
            + "\n\n")
    ws = Workspace()
    at = app(ws).run()
    at.switch_page("views/data.py").run()
    at.file_uploader[0].set_value([("names.csv", body.encode(), "text/csv")]).run()
    load_button(at).click().run()
    assert not at.exception
    shown = texts(at)
    assert "names.csv: 5 rows read · 3 loaded · 2 rejected" in shown
    assert "2 empty rows after the last row with values (rows 7 to 8) were not read." in shown
    rejects = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert rejects[["row", "reason"]].values.tolist() == [[3, "empty row (only spaces)"], [5, "empty row"]]
    warnings = next(d.value for d in at.dataframe if "reason" in d.value.columns and 4 in d.value["row"].tolist())
    assert warnings[["row", "column", "value"]].values.tolist()[0] == [4, "OwnerId", "U+200B"]
    assert "owner holds only invisible characters" in warnings["reason"].iloc[0]
    assert warnings["row"].tolist() == [4, 6] and "longer than 255 characters (10,000)" in warnings["reason"].iloc[1]
    owners = ws.query("SELECT owner FROM opportunities ORDER BY opportunity_id")["owner"].tolist()
    assert owners[0] == "Ann Lee" and owners[1] != owners[1] and owners[2] == "Ann Lee"  # NaN: missing
