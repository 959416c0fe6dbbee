"""The Data page's Data health: one line per link between the loaded files (deal owners to the
roster, quota owners to deal owners...), from :func:`analytics.ingest.links.link_health`; and
"What your data supports": for the files staged before Load, else for the workspace, with the
export to add next (:mod:`analytics.ingest.supports`).

Values from the data are drawn through ``md_escape``/``clip``. While names are anonymised, a value
is shown as the pages show it (its pseudonym) when the anonymised copy knows it, else hidden;
the counts are complete either way."""

from __future__ import annotations

import streamlit as st

from analytics.fmt import clip, fmt_money, md_escape
from analytics.ingest.links import NEAR_MISS, NOT_A_PERSON_KIND, Link, link_health
from analytics.ingest.supports import analyses_staged, article, columns_present, join, next_export
from analytics.people import NonPersonOwners, non_person_owners
from analytics.store import Workspace
from analytics.store.links import broken, rests_on
from ui import currency, privacy
from ui.components import fmt_money as shown_money
from ui.components import supports_list
from ui.state import get_settings, set_settings

#: unmatched values named in a link's line (the rest are counted)
NAMED = 3
HIDDEN = "a name hidden while anonymised"
#: a link's row word for one row
ONE = {"deals": "deal", "activities": "activity", "quota rows": "quota row", "reviews": "review",
       "sessions": "session", "actions": "action", "answers": "answer"}


def _rows(n: int, unit: str) -> str:
    return f"{n:,} {ONE.get(unit, unit) if n == 1 else unit}"


def _namer(ws: Workspace):
    names = privacy.pseudonyms(ws)
    if names is None:
        return lambda value: f"'{clip(value)}'"
    return lambda value: f"'{clip(names.people[value])}'" if value in names.people else HIDDEN


def link_line(link: Link, name=lambda value: f"'{clip(value)}'") -> str:
    """The line of one link, as plain text (the caller escapes it).

    ``name`` draws a value from the data (quoted, or hidden while anonymised)."""
    target = "in the roster" if link.target == "roster" else "among the deal owners"
    head = f"{link.what}: {link.n_matched:,} of {link.n_total:,} {target}"
    if link.healthy:
        return head + f" (all {link.rows_total:,} {link.unit})."
    parts = []
    for u in link.unmatched[:NAMED]:
        shown = f"{name(u.value)} on {_rows(u.rows, link.unit)}"
        if u.kind == NOT_A_PERSON_KIND:
            parts.append(f"{shown}, which looks like an automation or system user")
        elif u.kind == NEAR_MISS:
            where = "in the roster" if link.target == "roster" else "among the deal owners"
            parts.append(f"{shown}, not {where} (did you mean {name(u.suggestion)}?)")
        else:
            parts.append(f"{shown}, not {'in the roster' if link.target == 'roster' else 'a deal owner'}")
    rest = link.n_unmatched - len(parts)
    rest_rows = link.rows_total - link.rows_matched - sum(u.rows for u in link.unmatched[:NAMED])
    more = f"; {rest:,} more on {_rows(rest_rows, link.unit)}" if rest > 0 else ""
    return head + "; " + "; ".join(parts) + more + "."


def non_person_line(found: NonPersonOwners, name=lambda value: f"'{clip(value)}'", money=fmt_money) -> str:
    """What the owners that are not people own, and where their deals count (plain text).

    ``money`` draws an amount; None leaves amounts out (deals in several currencies are never summed)."""
    def owned(deals: int, amount: float) -> str:
        return f"{deals:,} deal{'s' if deals != 1 else ''}" + (f", {money(amount)}" if money else "")
    shown = [f"{name(o)} ({owned(n, a)})" for o, n, a in found.owners[:NAMED]]
    shown += [name(r) for r in found.roster if r not in {o for o, _, _ in found.owners}][:max(0, NAMED - len(shown))]
    more = len(found.names) - len(shown)
    who = ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")
    total = f": {owned(found.deals, found.amount)} in all" if len(found.owners) > 1 else ""
    where = ("They are counted as reps: their deals are in every figure and move their managers' dials."
             if found.included else
             "Their deals are kept out of people metrics (rep lists, dials, managers' pages) and out of every total.")
    return f"Owners that are not people: {who}{total}. {where}"


#: where the switch that counts owners that are not people lives, as the pages name it
SWITCH = ("the switch 'Count owners that are not people as reps' under Data health on the Data page "
          "(or include_non_person_owners in a settings file)")


def non_person_summary(found: NonPersonOwners, money=fmt_money) -> str | None:
    """The Overview's word on owners that are not people: what they own, whether it is in the figures,
    and where the switch is (plain text, no names: counts only); None when there are none.

    >>> print(non_person_summary(NonPersonOwners((("Renewal Bot", 229, 1_180_000.0),))))
    229 deals (1.2m) owned by 1 automation or integration user are left out of every figure; to count them, turn on the switch 'Count owners that are not people as reps' under Data health on the Data page (or include_non_person_owners in a settings file).
    >>> non_person_summary(NonPersonOwners()) is None
    True
    """
    if not found.names:
        return None
    n = len(found.names)
    who = f"{n:,} automation or integration user{'s' if n != 1 else ''}"
    if found.deals:
        amount = money(found.amount) if money else ""  # never summed across currencies
        owned = (f"{found.deals:,} deal{'s' if found.deals != 1 else ''}{f' ({amount})' if amount else ''} "
                 f"owned by {who}")
    else:
        owned = f"{who} in the roster"
    verb = "is" if found.deals == 1 or (not found.deals and n == 1) else "are"
    if found.included:
        return f"{owned} {verb} counted as reps in every figure; to leave them out, turn off {SWITCH}."
    return f"{owned} {verb} left out of every figure; to count them, turn on {SWITCH}."


def non_person_notice(ws: Workspace) -> None:
    """The Overview's line on owners that are not people, with the way to the switch (nothing when none)."""
    money = None if currency.scope(ws).mixed else shown_money  # amounts as the pages show them, in one currency
    text = non_person_summary(non_person_owners(ws), money)
    if text:
        st.caption(f":material/smart_toy: {md_escape(text)}")


def non_person_section(ws: Workspace, name) -> None:
    found = non_person_owners(ws)
    if not found.names:
        return
    money = None if currency.scope(ws).mixed else (lambda a: fmt_money(a, index=privacy.index_amounts()))
    st.markdown(f":orange[:material/smart_toy:] {md_escape(non_person_line(found, name, money))}")
    settings = get_settings()
    include = st.toggle("Count owners that are not people as reps", value=settings.include_non_person_owners,
                        key="include-non-person-owners",
                        help="Integration users, automation agents and queues own deals no person sold. Off by "
                             "default: their deals move no manager's dials. Also in the settings file.")
    if include != settings.include_non_person_owners:
        set_settings(settings.with_(include_non_person_owners=include))
        st.rerun()


def health_section(ws: Workspace, staged=None) -> None:
    """The links of the loaded files; with files staged, said to be those of what is loaded now."""
    if ws.is_empty:
        return
    ws.include_non_person_owners(get_settings().include_non_person_owners)
    links = link_health(ws)
    if not links:
        return
    st.subheader("Data health: the links between files")
    st.caption("Each file names people; the pages find them in the roster by ID or exact name, and count a quota "
               "against its owner's deals. Values that link to no one are left out of every figure that needs the link. "
               "Near misses are suggested, never merged.")
    if staged is not None:
        st.info(f"These are the links of what is loaded now ({'the demo' if ws.source == 'demo' else 'your workspace'}"
                "), not of the files staged above: theirs are checked once they are loaded.", icon=":material/info:")
    if privacy.is_on():
        st.caption(":material/visibility_off: Values the anonymised pages do not show are hidden while names are "
                   "anonymised; the counts are complete.")
    name = _namer(ws)
    non_person_section(ws, name)
    for link in links:
        icon = ":green[:material/check_circle:]" if link.healthy else ":orange[:material/warning:]"
        st.markdown(f"{icon} {md_escape(link_line(link, name))}")
        if link.fix:
            st.caption(md_escape(link.fix))


def link_notice(ws: Workspace, keys: tuple[tuple[str, str, str], ...], what: str) -> bool:
    """Before a figure that rests on the links ``keys``: when one is broken, say the figure is not
    measured and why (and return False: the caller draws nothing); when one is partial, say what
    the figure rests on. The rule is the engine's (:func:`analytics.store.links.broken`)."""
    why = broken(ws, keys)
    if why:
        st.info(f"{md_escape(what)}: not measured: {md_escape(why)}.",
                icon=":material/link_off:")
        st.page_link("views/data.py", label="Check Data health on the Data page", icon=":material/upload:")
        return False
    said = rests_on(ws, keys)
    if said:
        st.caption(f":material/link: {md_escape(what)} {md_escape(said)}; the other rows name no one in the roster.")
    return True


def readiness_section(ws: Workspace, staged) -> None:
    """What your data supports: with files staged (``ui.imports.Staged``), what they would support
    once loaded (on their own, or added to the workspace when the load adds); else the workspace's.
    Then the export that would unlock the most."""
    st.subheader("What your data supports")
    if staged is None:
        supports_list(ws)
        return next_line(columns_present([], ws))
    if not staged.files:
        which = "The file staged" if staged.waiting == 1 else f"The {_files(staged.waiting)} staged"
        st.caption(f"{which} cannot be loaded until {'its' if staged.waiting == 1 else 'their'} table and required "
                   "columns are chosen, so nothing staged is counted yet. Loaded now:")
        supports_list(ws)
        return None
    adds, one = staged.adds, len(staged.files) == 1
    how = ("added to what is loaded" if adds else f"which replace{'s' if one else ''} the demo when loaded"
           if ws.source == "demo" else f"loaded on {'its' if one else 'their'} own into a new workspace")
    cov = analyses_staged(staged.files, ws if adds else None)
    ready = [c for c in cov if c.supported]
    waiting = f"; {_files(staged.waiting)} not counted until mapped" if staged.waiting else ""
    st.markdown(f"With the {_files(len(staged.files))} staged ({how}{waiting}): **{len(ready)} of {len(cov)} "
                "analyses** would have the data they need.")
    if ready and len(ready) < len(cov):
        st.caption("Ready: " + "; ".join(c.title for c in ready) + ".")
    for c in cov:
        if not c.supported:
            needs = [f"{article(m)} {m}" if m.endswith(" export") else m for m in c.missing]
            st.markdown(f"- :orange[needs data] **{c.title}**: needs {join(needs)}.")
    st.caption("Whether the names in the files match the roster is checked once they are loaded (Data health).")
    return next_line(columns_present(staged.files, ws if adds else None))


def next_line(present: dict[str, set[str]]) -> None:
    """The export to add next, when one would unlock an analysis."""
    nxt = next_export(present)
    if nxt is not None:
        st.markdown(f":material/upload_file: **Next:** {nxt.sentence}")


def _files(n: int) -> str:
    return f"{n} file{'s' if n != 1 else ''}"
