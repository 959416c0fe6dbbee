"""Write docs/DATA.md from the schema, so the documentation cannot drift from the code.

Run ``python -m tools.data_docs`` after changing :mod:`analytics.schema`; a test fails
while the committed file differs from what this writes.
"""

from __future__ import annotations

from pathlib import Path

from analytics import schema
from analytics.ingest.recognise import SHAPES

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "DATA.md"


def render() -> str:
    lines = [
        "# The canonical data",
        "",
        "Generated from `analytics/schema.py` by `python -m tools.data_docs`; do not edit by hand.",
        "",
        "Every upload is mapped onto these tables. **Required** columns must hold a value or the row is",
        "rejected; a cell that holds text which is not a valid value of its type rejects the row too (the",
        "app never guesses). A blank optional cell loads as missing and shows as *not measured*. The *key*",
        "identifies a row: uploading next cycle's export replaces rows with the same key and appends the",
        "rest. Where an export has no ID column, the key is derived from the columns named.",
        "",
        "Types: " + "; ".join(f"`{t}`" for t in schema.COLUMN_TYPES) + " (see the schema module's docstring).",
        "",
        "## Analyses and what they need",
        "",
        "| analysis | needs |",
        "|---|---|",
    ]
    for req in schema.REQUIREMENTS:
        lines.append(f"| {schema.ANALYSES[req.analysis]} | {req.explanation} |")
    lines.append("")
    for t in schema.TABLES.values():
        lines += [f"## `{t.name}`: {t.label}", "", t.description, ""]
        key = ", ".join(f"`{k}`" for k in t.key)
        lines.append(f"Key: {key}" + (f" (derived from {', '.join(f'`{c}`' for c in t.derived_key_from)} when the export has no ID)" if t.derived_key_from else "") + ".")
        if t.source_examples:
            lines.append(f"Typical sources: {t.source_examples}.")
        lines += ["", "| column | type | required | meaning | used by | recognised headers |", "|---|---|---|---|---|---|"]
        for c in t.columns:
            used = ", ".join(c.used_by) or "—"
            syn = ", ".join(f"`{s}`" for s in c.synonyms) or "—"
            lines.append(f"| `{c.name}` | {c.type} | {'yes' if c.required else ''} | {c.description} | {used} | {syn} |")
        lines.append("")
    lines += ["## Recognised export shapes", "",
              "Checked in this order; the first whose signature headers are all present wins.", "",
              "| export | table | signature headers |", "|---|---|---|"]
    for s in SHAPES:
        lines.append(f"| {s.label} | `{s.table}` | {', '.join(f'`{h}`' for h in s.signature)} |")
    lines += ["", "## Stage mapping", "",
              "Deals whose export has no IsClosed/IsWon flags take their outcome from the stage mapping, editable on",
              "the Data page. Defaults: won = " + ", ".join(f"`{s}`" for s in schema.WON_STAGES)
              + "; lost = " + ", ".join(f"`{s}`" for s in schema.LOST_STAGES) + "; any other stage is open.", ""]
    return "\n".join(lines)


def main() -> None:
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOC_PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC_PATH}")


if __name__ == "__main__":
    main()
