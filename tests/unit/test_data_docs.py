from analytics import schema
from tools import data_docs


def test_docs_data_md_is_generated_from_the_schema():
    assert data_docs.DOC_PATH.read_text(encoding="utf-8") == data_docs.render(), (
        "docs/DATA.md is stale: run `python -m tools.data_docs`"
    )


def test_every_table_and_column_is_documented():
    text = data_docs.render()
    for t in schema.TABLES.values():
        assert f"## `{t.name}`" in text
        for c in t.columns:
            assert f"| `{c.name}` |" in text
