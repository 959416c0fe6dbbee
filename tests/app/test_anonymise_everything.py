"""Anonymise, end to end: a workspace whose file names and every text column carry real names
(the demo, with people renamed "Jo Li", "Bo Wu", "Ed Ng", "王伟", a contact and a lead added,
and names planted in regions, stages, products, lead sources, activity, action and session
types, capabilities, cycles, subjects, deal names, survey items and IDs, some glued to other
names or digits, "BoWu2", or inside Chinese, "与王伟通话", and buyers quoted by first or last
name alone) is loaded as an upload; with Anonymise on, EVERYTHING the
app produces is read back: every element of every page and of every Presenter screen (its
protobuf, Arrow tables and chart data included), every CSV and XLSX download, the PDF
handouts, the HTML report, the settings file and the saved anonymised workspace (every Parquet
value and the manifest). No real name word (2 letters or more, any case, with or without
accents, glued or inside a run of Chinese) may appear in any of them.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from analytics.ingest.pipeline import import_directory
from analytics.store.workspace import Workspace
from tests.app.test_every_download import downloads, file_text  # noqa: F401  (downloads is a fixture)
from tests.app.test_pages import PAGES, ROOT, app

DEMO = ROOT / "data" / "demo"
PREPARE = ("prep-handouts", "prep-report", "prep-manager-handout")

#: Demo files saved under names that carry names (one the data does not hold: Zelda Quist).
FILE_NAMES = {
    "opportunities.csv": "Deals - Deepa Varga export.csv",
    "people.csv": "People (Jo Li) roster.csv",
    "activities.csv": "activities-bo-wu.csv",
    "coaching_sessions.csv": "Zelda Quist coaching log.csv",
    "reviews.csv": "Reviews by ED NG.csv",
}
NOT_IN_DATA = {"zelda", "quist"}
#: Buyers are people too: a contact and a lead, quoted by first or last name alone in subjects,
#: products and survey items (with a rep written in Chinese, and names glued to others and digits)
BUYERS = {"contacts.csv": "contact_id,account,name,title,email,department\n"
                          "C1,Crescent Hotels Ltd,Xiomara Quennell,CFO,xiomara.quennell@crescent.example,Finance\n",
          "leads.csv": "lead_id,name,company,owner,status,lead_source\nL1,Thaddeus Brightwater,Ford Widgets,Jo Li,Open,Web\n"}
BUYER_WORDS = {"xiomara", "quennell", "thaddeus", "brightwater"}
#: Per column, values renamed to quote a person (the same column name in every file).
COLUMN_RENAMES = {
    "region": {"EMEA": "EMEA (Bo Wu)"},
    "role": {"Account Executive": "Account Executive, Ed's team"},
    "stage": {"Qualification": "Qualification - Jo Li"},
    "product": {"Pulse Starter": "Pulse Starter for BO", "Pulse Professional": "Pulse Professional for Thaddeus"},
    "series": {"Relay": "Relay by Jó"},
    "segment": {"SMB": "SMB (li)"},
    "lead_source": {"Partner": "Referral from Deepa Varga"},
    "activity_type": {"Email": "Email to Ed"},
    "subject": {"Intro call": "Intro call with Ed NG", "Follow-up call": "Follow-up call with Xiomara, then BoWu2",
                "Follow-up email": "与王伟通话 follow-up", "Pricing call": "Pricing call: Thaddeus asked, EdNg2 answered"},
    "session_type": {"1:1": "1:1 with Jo"},
    "focus_capability": {"Negotiation": "Negotiation (Bo)"},
    "capability": {"Negotiation": "Negotiation (Bo)"},
    "action_type": {"Role play": "Role play with Ed"},
    "cycle": {"2025-Q1": "2025-Q1 Li"},
    "industry": {"Healthcare": "Healthcare (Wu)"},
    "country": {"United States": "United States, Jo's patch"},
    "item": {"My manager gives me a clear direction": "My manager gives me a clear direction (Bo Wu)",
             "My manager coaches me consistently": "Ms. Quennell's feedback drives my goals"},
    "team": {},  # filled with the renamed manager's team
}
WORD = re.compile(r"[^\W_]+")


def fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))


def planted_folder(folder: Path) -> tuple[set[str], dict[str, str]]:
    """The demo with names planted everywhere, written under FILE_NAMES; returns every real
    name word (of the roster, its e-mails and the file names) and the people renamed."""
    people = pd.read_csv(DEMO / "people.csv", dtype=str, keep_default_na=False)
    manager = people.loc[people["role"] == "Sales Manager", "name"].iloc[0]
    reps = people.loc[people["manager"] == manager, "name"].iloc[:3].tolist()
    swaps = {manager: "Jo Li", reps[0]: "Bo Wu", reps[1]: "Ed Ng", reps[2]: "王伟"}
    emails = {people.loc[people["name"] == old, "email"].iloc[0]: f"{new.lower().replace(' ', '.')}@northwindcloud.example"
              for old, new in swaps.items()}
    team = people.loc[people["name"] == manager, "team"].iloc[0]
    renames = {**COLUMN_RENAMES, "team": {team: f"{team} (Jo Li)"}}
    for src in sorted(DEMO.glob("*.csv")):
        frame = pd.read_csv(src, dtype=str, keep_default_na=False)
        frame = frame.apply(lambda col: col.map(lambda v: swaps.get(v, emails.get(v, v))))
        for col, values in renames.items():
            if col in frame.columns:
                frame[col] = frame[col].map(lambda v, values=values: values.get(v, v))
        if src.name == "opportunities.csv":  # deal names quote a rep; some deal IDs hold a name
            frame.loc[:19, "name"] = frame.loc[:19, "name"] + " - Bo Wu referral"
        for col in ("opportunity_id",):
            if col in frame.columns:
                frame[col] = frame[col].map(lambda v: v.replace("OPP-0000", "OPP-Li-") if v.startswith("OPP-00000") else v)
        frame.to_csv(folder / FILE_NAMES.get(src.name, src.name), index=False)
    for name, text in BUYERS.items():
        (folder / name).write_text(text, encoding="utf-8")
    roster = pd.read_csv(folder / FILE_NAMES["people.csv"], dtype=str, keep_default_na=False)
    words = {fold(w) for n in roster["name"] for w in WORD.findall(n) if len(w) >= 2 and w != "van"}
    words |= {fold(w) for e in roster["email"] for w in WORD.findall(e.split("@")[0]) if len(w) >= 2}
    words |= NOT_IN_DATA | BUYER_WORDS
    return words, swaps


def uploaded(folder: Path) -> tuple[Workspace, list]:
    """The planted files loaded as the Data page loads an upload (label made of the file names)."""
    ws = Workspace()
    batch = import_directory(ws, folder)
    assert all(r.error is None for r in batch), [r.error for r in batch]
    names = ", ".join(r.file for r in batch)
    ws.source, ws.label = "uploads", f"Your uploads ({names[:80]}{'…' if len(names) > 80 else ''})"
    return ws, batch


# ----------------------------------------------------------------------------- reading everything
def arrow_text(data: bytes) -> str | None:
    try:
        table = pa.ipc.open_stream(io.BytesIO(data)).read_all()
    except Exception:  # not an Arrow stream
        return None
    parts = [*table.column_names, *(str(v) for k, v in (table.schema.metadata or {}).items())]
    for col in table.columns:
        parts += [str(v) for v in col.to_pylist() if v is not None]
    return "\n".join(parts)


def proto_text(message, out: list[str]) -> None:
    """Every string in a protobuf message, bytes read as Arrow tables (dataframes, charts) or text."""
    for fd, value in message.ListFields():
        values = value if fd.is_repeated else [value]
        if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
            for k, v in value.items():
                out.append(str(k))
                if hasattr(v, "ListFields"):
                    proto_text(v, out)
                else:
                    out.append(str(v))
        elif fd.type == fd.TYPE_MESSAGE:
            for v in values:
                proto_text(v, out)
        elif fd.type == fd.TYPE_STRING:
            out.extend(values)
        elif fd.type == fd.TYPE_BYTES:
            out.extend(arrow_text(v) or v.decode("utf-8", "replace") for v in values)


def page_text(at) -> str:
    """Every element and block the run produced, sidebar included."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            proto_text(proto, out)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


STYLE = re.compile(r"<style\b.*?</style>", re.S | re.I)
TAG_NAME = re.compile(r"</?[A-Za-z][\w:.-]*")


#: A word's pieces where it may glue names together: "BoWu2" -> "Bo" "Wu" "2"
PIECE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


def found(text: str, words: set[str]) -> set[str]:
    """Real name words in ``text``, in any case and accent: whole words, pieces of words that glue
    them to others or to digits ("BoWu2"), and a name in a script written without spaces
    anywhere ("与王伟通话"). The app's own markup (style sheets, tag names such as ``<li>``) is
    not data and is left out, attribute values stay."""
    text = TAG_NAME.sub(" ", STYLE.sub(" ", text))
    seen = {fold(w) for w in WORD.findall(text)}
    seen |= {fold(p) for w in WORD.findall(text) if w.isascii() and not w.islower() for p in PIECE.findall(w)}
    return (seen & words) | {w for w in words if not w.isascii() and w in text}


# ----------------------------------------------------------------------------- the test
@pytest.mark.timeout(900)
def test_with_anonymise_on_nothing_the_app_produces_holds_a_real_name(downloads, tmp_path):  # noqa: F811
    words, _ = planted_folder(tmp_path)
    ws, batch = uploaded(tmp_path)
    assert {"li", "jo", "bo", "wu", "ed", "ng", "王伟"} | BUYER_WORDS <= words
    # the planted names reached the workspace: the scan below has something to find
    assert ws.scalar("SELECT count(*) FROM people WHERE name IN ('Jo Li', 'Bo Wu', 'Ed Ng')") == 3
    assert ws.scalar("SELECT count(*) FROM opportunities WHERE lead_source = 'Referral from Deepa Varga'") > 0
    assert ws.scalar("SELECT count(*) FROM activities WHERE subject LIKE '%Xiomara, then BoWu2'") > 0
    assert ws.scalar("SELECT count(*) FROM contacts") == ws.scalar("SELECT count(*) FROM leads") == 1
    seen, current = downloads
    at = app(ws)
    at.session_state["import_reports"] = batch
    at.run()
    at.switch_page("views/data.py").run()
    before = found(page_text(at), words)
    assert {"jo", "li", "deepa", "varga", "zelda", "quist"} <= before, before  # names show before the switch
    at.sidebar.toggle(key="anon-on").set_value(True).run()
    assert not at.exception
    assert at.sidebar.checkbox(key="anon-accounts").value is True  # accounts hidden by default
    seen.clear()

    texts: dict[str, str] = {}
    for page in PAGES:
        current["page"] = page
        at.switch_page(page).run()
        assert not at.exception, page
        texts[page] = page_text(at)
        for key in PREPARE:
            if any(b.key == key for b in at.button):
                at.button(key=key).click().run()
                assert not at.exception, (page, key)
                texts[f"{page} after {key}"] = page_text(at)
        if page == "views/present.py":
            for step in range(30):
                nxt = at.button(key="next-slide")
                if nxt.disabled:
                    break
                nxt.click().run()
                assert not at.exception, (page, step)
                texts[f"{page} screen {step + 2}"] = page_text(at)
            assert step >= 5

    leaks = {where: hits for where, text in texts.items() if (hits := found(text, words))}
    assert leaks == {}, leaks
    assert all("Manager 0" in texts[p] for p in ("views/managers.py", "views/manager.py"))
    assert "Team 0" in texts["views/managers.py"] and "Account 0" in texts["views/distribution.py"]

    kinds = {name.rsplit(".", 1)[-1] for _, name in seen}
    assert {"csv", "xlsx", "pdf", "html", "json", "zip"} <= kinds, kinds
    assert len(seen) >= 70 and len(texts) >= 25
    saved = [d for (_, n), d in seen.items() if n.endswith(".zip")]
    assert len(saved) == 1 and b"manifest.json" in saved[0]
    # every download read back once: no real name word, nor an account's name as written (accounts are
    # hidden by default; the planted files keep the demo's accounts). This walk also stands for the demo's
    # own downloads (the walk of tests/app/test_every_download.py did the same on the demo, merged here:
    # the same pages, files and machinery, the names planted here a superset of the demo's people)
    accounts = pd.read_csv(DEMO / "accounts.csv", dtype=str, keep_default_na=False)["name"].tolist()
    assert accounts and ws.scalar("SELECT count(*) FROM accounts WHERE name = ?", [accounts[0]]) == 1
    file_leaks = {}
    for (page, name), data in seen.items():
        text = file_text(name, data)
        hits = found(name + "\n" + text, words) | {a for a in accounts if a in text}
        if hits:
            file_leaks[f"{page} / {name}"] = hits
    assert file_leaks == {}, file_leaks
    handouts = next(d for (p, n), d in seen.items() if n.startswith("handouts-") and n.endswith(".pdf"))
    assert file_text("x.pdf", handouts).count("Manager ") >= 15
    report = next(d for (p, n), d in seen.items() if n.endswith(".html"))
    assert "Manager 0" in report.decode("utf-8")
    # the saved file opens again as the anonymised workspace
    reopened = Workspace.open(saved[0], "x.zip")
    try:
        assert reopened.label == "Your uploads (anonymised)"
        assert reopened.counts() == ws.counts()
    finally:
        reopened.close()
        ws.close()
