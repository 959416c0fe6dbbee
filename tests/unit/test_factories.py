from tests.factories import workspace_with


def test_factory_loads_rows_with_typed_columns():
    ws = workspace_with(
        people=[{"name": "Ann", "manager": "Max"}, {"name": "Max", "manager": None}],
        opportunities=[{"opportunity_id": "o1", "owner": "Ann", "stage": "Closed Won", "amount": 10.0,
                        "close_date": "2025-03-31"}],
    )
    row = ws.query("SELECT owner_name, manager_name, is_won, close_date FROM v_opportunities").iloc[0]
    assert (row.owner_name, row.manager_name, bool(row.is_won)) == ("Ann", "Max", True)
    assert str(row.close_date)[:10] == "2025-03-31"
