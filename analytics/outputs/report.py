"""The whole diagnosis as one self-contained HTML file that opens offline and prints on A4.

Contents: a cover (workspace, filters, date, the counts it rests on), the key findings of
:func:`analytics.outputs.findings.insights` with their charts, the manager table, then one section per
manager (:func:`analytics.outputs.profile.manager_profiles`): dials with how many signals each rests
on, attainment, the hero verdict, the three signals of development, the four coaching
behaviours, the confidence gap and the next-1:1 checklist.

Self-contained and safe to open anywhere:

* no ``<script>``, no external URL (no ``http(s)`` in any ``src``/``href``, no ``@import``, no
  web fonts); the only ``http`` strings are the SVG namespace declarations;
* charts are rendered to SVG by ``vl_convert`` and inlined; anything in the SVG that could
  reach out (``<image>``, ``<foreignObject>``, ``<script>``, event handlers, non-local
  ``href``/``url()``) is removed, and element ids are prefixed per chart so that the charts
  sharing one document cannot pick up each other's clip paths or gradients;
* every value from the data (names, teams, labels, file names) goes through ``html.escape``;
* missing evidence reads "not measured", never 0.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

import pandas as pd
import vl_convert as vlc

from analytics.diagnosis.dials import DIALS, diagnosis
from analytics.filters import Filters
from analytics.fmt import LABEL_CHARS, clip, fmt_money, fmt_pct
from analytics.outputs.findings import Insight, insights
from analytics.outputs.profile import ManagerProfile, manager_profiles
from analytics.people import reps
from analytics.settings import Settings
from analytics.store.caching import opens_run
from analytics.store.workspace import Workspace

NOT_MEASURED = "not measured"

#: Table labels for the cover's counts.
TABLE_LABELS = {
    "people": "people", "opportunities": "opportunities", "activities": "activities",
    "stage_history": "stage changes", "quotas": "quota rows", "reviews": "review scores",
    "coaching_sessions": "coaching sessions", "development_actions": "development actions",
    "surveys": "survey answers", "accounts": "accounts", "products": "products", "contacts": "contacts",
    "leads": "leads",
}

CSS = """
:root { --ink: #1d2a24; --muted: #5b6660; --line: #d5dcd8; --won: #2f6f4f; --warn: #c8553d; --soft: #f3f6f4; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); line-height: 1.45; font-size: 15px; }
body { margin: 0 auto; max-width: 1000px; padding: 24px 28px 64px; }
h1 { font-size: 2rem; margin: 0 0 .4rem; }
h2 { font-size: 1.45rem; margin: 2rem 0 .6rem; border-bottom: 2px solid var(--won); padding-bottom: .2rem; }
h3 { font-size: 1.12rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
p { margin: .35rem 0; }
.muted, figcaption, .basis { color: var(--muted); font-size: .88rem; }
.cover { border-bottom: 1px solid var(--line); padding-bottom: 1rem; margin-bottom: 1rem; }
.cover .subtitle { font-size: 1.1rem; }
.counts { display: flex; flex-wrap: wrap; gap: .4rem .9rem; padding: 0; list-style: none; margin: .6rem 0; }
.counts li { background: var(--soft); border-radius: 4px; padding: .15rem .5rem; font-size: .88rem; }
nav ol { columns: 2; font-size: .9rem; }
nav a, a { color: var(--won); }
.finding { border-top: 1px solid var(--line); padding-top: .6rem; margin-top: 1.2rem; }
.figures { display: flex; flex-wrap: wrap; gap: 1.2rem; margin: .5rem 0; }
.figures div { min-width: 9rem; }
.figures dt { color: var(--muted); font-size: .8rem; }
.figures dd { margin: 0; font-size: 1.5rem; font-weight: 600; }
figure { margin: .8rem 0; }
figure svg { max-width: 100%; height: auto; display: block; }
.research { border-left: 3px solid var(--line); padding: .2rem .7rem; color: var(--muted); font-size: .88rem; }
.hero { border-left: 4px solid var(--warn); background: #fbefec; padding: .4rem .7rem; }
.verdict { border-left: 4px solid var(--line); padding: .4rem .7rem; background: var(--soft); }
table { border-collapse: collapse; width: 100%; font-size: .86rem; margin: .5rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.nm { color: var(--muted); font-style: italic; }
.dials { display: flex; gap: .6rem; flex-wrap: wrap; margin: .5rem 0; }
.dial { border: 1px solid var(--line); border-radius: 6px; padding: .4rem .7rem; flex: 1 1 8rem; min-width: 8rem; }
.dial .value { font-size: 1.6rem; font-weight: 600; }
.dial .label { font-size: .82rem; color: var(--muted); }
.manager { margin-top: 2.4rem; }
ol.checklist li { margin: .25rem 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--line); padding-top: .5rem; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  nav { display: none; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  .finding, figure, table, .dials, .verdict, .hero { break-inside: avoid; page-break-inside: avoid; }
  #findings, #managers { break-before: page; page-break-before: always; }
  section.manager { break-before: page; page-break-before: always; margin-top: 0; }
  a { color: inherit; text-decoration: none; }
}
"""


# ------------------------------------------------------------------------------ escaping and SVG
def e(value) -> str:
    """Any value as escaped HTML text (quotes too, so it is safe inside attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


def _missing(value) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _nm(text) -> str:
    """Escaped text, or a muted "not measured" when there is none."""
    return f'<span class="nm">{NOT_MEASURED}</span>' if _missing(text) else e(text)


def _text(value) -> str:
    """A name (team, region) as escaped text, shortened to :data:`analytics.fmt.NAME_CHARS`
    characters, or a dash when the roster leaves it blank (a label, not evidence)."""
    return "—" if _missing(value) else e(clip(value))


def _score(value) -> str | None:
    """A 0..100 score as text; None when not measured."""
    return None if _missing(value) else f"{float(value):.0f}"


def _thin(note) -> str | None:
    """ "not enough evidence" for a dial withheld for thin evidence; None when it is not measured."""
    return "not enough evidence" if isinstance(note, str) and note.startswith("not enough") else None


#: The SVG namespace declarations: they name the vocabulary, nothing is fetched from them.
SVG_NAMESPACES = frozenset({"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"})
_DANGEROUS_ELEMENTS = re.compile(r"<(script|foreignObject|image|iframe|object|embed|style|a)\b.*?(</\1\s*>|/>)",
                                 re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]+>")
_ATTR = re.compile(r"""(\s)([\w:.-]+)\s*=\s*("[^"]*"|'[^']*')""")
_URL = re.compile(r"url\(\s*['\"]?([^)'\"]*)['\"]?\s*\)", re.IGNORECASE)
_REACHES_OUT = re.compile(r"https?:|javascript:|data:|//", re.IGNORECASE)


def clean_svg(svg: str, prefix: str) -> str:
    """An SVG ready to inline in the report: no XML prolog, nothing that loads or runs anything
    (``<script>``, ``<image>``, ``<foreignObject>``, ``<style>``, links, event handlers, non-local
    ``href`` or ``url()``, any other attribute naming a URL), and every id prefixed with
    ``prefix`` (references to them too), so charts sharing one document keep their own clip
    paths. Attributes are edited inside tags only; text content (escaped by Vega) is untouched.
    """
    svg = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg, flags=re.IGNORECASE)
    svg = _DANGEROUS_ELEMENTS.sub("", svg)
    ids = {i for tag in _TAG.findall(svg) for i in re.findall(r'\sid\s*=\s*"([^"]+)"', tag)}

    def local(ref: str) -> str | None:
        """A reference within this SVG, renamed; None when it points anywhere else."""
        ref = ref.strip()
        if not ref.startswith("#"):
            return None
        return f"#{prefix}-{ref[1:]}" if ref[1:] in ids else ref

    def attribute(m: re.Match) -> str:
        space, name, quoted = m.groups()
        q, value, low = quoted[0], quoted[1:-1], name.lower()
        if low.startswith("on"):
            return ""
        if low.startswith("xmlns"):
            return m.group(0) if value in SVG_NAMESPACES else ""
        if low in ("href", "xlink:href", "src"):
            ref = local(value)
            return "" if ref is None else f"{space}{name}={q}{ref}{q}"
        if low == "id":
            return f"{space}{name}={q}{prefix}-{value}{q}"
        value = _URL.sub(lambda u: f"url({local(u.group(1))})" if local(u.group(1)) else "none", value)
        if _REACHES_OUT.search(value) and low not in ("d", "transform", "points"):
            return ""
        return f"{space}{name}={q}{value}{q}"

    def tag(m: re.Match) -> str:
        t = m.group(0)
        return t if t.startswith(("</", "<!", "<?")) else _ATTR.sub(attribute, t)

    return _TAG.sub(tag, svg).strip()


def chart_svg(chart, prefix: str) -> str | None:
    """A chart as clean inline SVG; None when it cannot be rendered."""
    try:
        svg = vlc.vegalite_to_svg(chart.to_dict())
    except Exception:  # a chart that fails to render must not sink the whole report
        return None
    return clean_svg(svg, prefix)


# ------------------------------------------------------------------------------ parts
def _figures(figures: list[tuple[str, str]]) -> str:
    if not figures:
        return ""
    items = "".join(f"<div><dt>{e(label)}</dt><dd>{e(value)}</dd></div>" for label, value in figures)
    return f'<dl class="figures">{items}</dl>'


def _finding(i: int, item: Insight) -> str:
    parts = [f'<article class="finding" id="finding-{i}">', f"<h3>{i}. {e(item.title)}</h3>",
             _figures(item.figures)]
    if item.detail:
        parts.append(f"<p>{e(item.detail)}</p>")
    svg = chart_svg(item.chart, f"c{i}") if item.chart is not None else None
    if svg:
        parts.append(f'<figure>{svg}<figcaption>Rests on: {e(item.basis)}</figcaption></figure>')
    else:
        parts.append(f'<p class="basis">Rests on: {e(item.basis)}</p>')
    if item.context:
        parts.append(f'<aside class="research">{e(item.context)}</aside>')
    parts.append("</article>")
    return "\n".join(parts)


def _hero_text(hero) -> str:
    return "cannot tell" if _missing(hero) else ("yes" if bool(hero) else "no")


def _manager_table(diag: pd.DataFrame, anchors: dict[str, str]) -> str:
    head = ("<tr><th>Manager</th><th>Team</th><th>Region</th>"
            + "".join(f'<th class="num">{label}</th>' for label in DIALS.values())
            + '<th class="num">Development index</th><th class="num">Attainment</th><th>Hero pattern</th>'
            '<th class="num">Signals measured</th></tr>')
    rows = []
    ordered = diag.sort_values(["coach", "manager"], ascending=[False, True], na_position="last")
    for r in ordered.to_dict("records"):
        n = sum(int(r.get(f"n_signals_{d}") or 0) for d in DIALS)
        of = sum(int(r.get(f"of_signals_{d}") or 0) for d in DIALS)
        link = anchors.get(r["manager"])
        name = f'<a href="#{link}">{e(clip(r["manager"]))}</a>' if link else e(clip(r["manager"]))
        rows.append(
            f"<tr><td>{name}</td><td>{_text(r.get('team'))}</td><td>{_text(r.get('region'))}</td>"
            + "".join(f'<td class="num">{_nm(_score(r.get(d)) or _thin(r.get(f"dial_note_{d}")))}</td>' for d in DIALS)
            + f'<td class="num">{_nm(_score(r.get("development_index")))}</td>'
            f'<td class="num">{_nm(fmt_pct(r.get("attainment")))}</td>'
            f"<td>{e(_hero_text(r.get('hero')))}</td>"
            f'<td class="num">{n} of {of}</td></tr>')
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _manager_section(p: ManagerProfile, anchor: str, index_amounts: bool) -> str:
    where = " · ".join(x for x in (clip(p.team or "no team"), clip(p.region or "no region"), f"{p.reps} reps in scope"))
    out = [f'<section class="manager" id="{anchor}">', f"<h2>{e(clip(p.manager))}</h2>",
           f'<p class="muted">{e(where)}</p>']

    dials = []
    for key, label in DIALS.items():
        value, note = _score(p.dials.get(key)), (p.dial_notes or {}).get(key, "")
        shown = value or _thin(note)
        rank = (p.dial_ranks or {}).get(key, "")
        rests = (" · ".join(bit for bit in (rank, f"rests on {(p.dial_evidence or {}).get(key)}") if bit)
                 if value and (p.dial_evidence or {}).get(key) else note.split(": ", 1)[-1] if note else "")
        dials.append(f'<div class="dial" data-dial="{key}"><div class="label">{label}</div>'
                     f'<div class="value">{_nm(shown)}</div>'
                     f'<div class="label">{e(p.dial_basis.get(key, ""))}'
                     + (f"<br>{e(rests)}" if rests else "") + "</div></div>")
    att = fmt_pct(p.attainment)
    amounts = ""
    if p.attainment is not None and p.won_in_quota is not None and p.quota is not None:
        amounts = (f"{fmt_money(p.won_in_quota, index=index_amounts)} closed-won of "
                   f"{fmt_money(p.quota, index=index_amounts)} quota")
    dials.append(f'<div class="dial" data-dial="attainment"><div class="label">Attainment</div>'
                 f'<div class="value">{_nm(att)}</div><div class="label">{e(p.attainment_basis)}'
                 + (f"<br>{e(amounts)}" if amounts else "") + "</div></div>")
    dev = _score(p.development_index)
    dials.append(f'<div class="dial" data-dial="development_index"><div class="label">Development index</div>'
                 f'<div class="value">{_nm(dev)}</div><div class="label">capability movement and '
                 f"independence, 0–100</div></div>")
    out.append(f'<div class="dials">{"".join(dials)}</div>')
    out.append('<p class="muted">Each dial is the mean of its measured signals, each scored 0–100 against a fixed '
               "standard from the framework (not against the other managers); the rank in scope is context.</p>")

    if p.hero is True:
        out.append(f'<p class="hero"><strong>Hero pattern.</strong> {e(p.hero_reason)}</p>')
    else:
        out.append(f'<p class="verdict">{e(p.hero_reason) or NOT_MEASURED}</p>')

    out.append("<h3>The three signals of development</h3>")
    rows = []
    for s in p.signals:
        trend = e(s.trend) if s.value is not None and s.trend else ""
        rows.append(f"<tr><td>{e(s.label)}</td><td>{_nm(s.value)}</td><td>{trend}</td>"
                    f"<td>{e(s.basis)}</td></tr>")
    out.append("<table><thead><tr><th>Signal</th><th>Value</th><th>Trend</th><th>Rests on</th></tr></thead>"
               f"<tbody>{''.join(rows)}</tbody></table>")

    out.append("<h3>The four coaching behaviours</h3>")
    rows = []
    for b in p.behaviours:
        if b.measured:
            value = f"{b.shown} of {b.observed} sessions ({fmt_pct(b.rate)})"
            rows.append(f"<tr><td>{e(b.label.capitalize())}</td><td>{e(value)}</td></tr>")
        else:
            rows.append(f"<tr><td>{e(b.label.capitalize())}</td><td>{_nm(None)}</td></tr>")
    out.append("<table><thead><tr><th>Behaviour</th><th>Shown of observed sessions</th></tr></thead>"
               f"<tbody>{''.join(rows)}</tbody></table>")
    skill = fmt_pct(p.skill_time_share)
    out.append(f"<p>Skill time (the 50/50 rule): {_nm(skill)} <span class='muted'>· {e(p.skill_time_basis)}</span></p>")

    out.append("<h3>Confidence gap</h3>")
    if p.confidence_gap is None:
        out.append(f"<p>{_nm(None)} <span class='muted'>· {e(p.confidence_basis)}</span></p>")
    else:
        gap = f"{100 * p.confidence_gap:+.0f} points".replace("-", "−")
        out.append(f"<p>Gap <strong>{e(gap)}</strong>: {e(p.confidence_basis)}.</p>")

    out.append("<h3>Next 1:1 checklist</h3>")
    if p.checklist:
        items = "".join(f"<li><strong>{e(i.title)}</strong>{e(f' (verdict: {i.verdict})' if i.verdict else '')}: "
                        f"{e(i.text)}.</li>" for i in p.checklist)
        out.append(f'<ol class="checklist">{items}</ol>')
    else:
        out.append(f'<p class="muted">{e(p.checklist_note or "No item in the checklist.")}</p>')
    out.append("</section>")
    return "\n".join(out)


def _anchor_ids(names: list[str]) -> dict[str, str]:
    return {m: f"manager-{i}" for i, m in enumerate(names, start=1)}


# ------------------------------------------------------------------------------ the report
@opens_run
def report_html(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(), *,
                title: str = "Bench Strength report", generated_at: datetime | None = None,
                index_amounts: bool = False) -> str:
    """The diagnosis of ``ws`` under ``filters`` and ``settings`` as one HTML document (a str).

    Amounts go through :func:`analytics.fmt.fmt_money` with ``index=index_amounts``.
    ``generated_at`` defaults to now (local time).
    """
    generated_at = generated_at or datetime.now()
    diag = diagnosis(ws, filters, settings)
    found = insights(ws, filters, settings, index_amounts, diag=diag)
    profiles = manager_profiles(ws, filters, settings) if not diag.empty else []
    anchors = _anchor_ids([p.manager for p in profiles])

    counts = {k: v for k, v in ws.counts().items() if v and k in TABLE_LABELS}
    n_reps = len(reps(ws, filters))
    count_items = [f"{len(diag):,} managers", f"{n_reps:,} reps"] + [
        f"{v:,} {TABLE_LABELS[k]}" for k, v in counts.items()]
    measured = [i for i in found if i.measured]
    missing = [i for i in found if not i.measured]

    body = [
        '<header class="cover">',
        f"<h1>{e(title)}</h1>",
        f'<p class="subtitle">Who develops their team, and who only manages it · <strong>{e(clip(ws.label, LABEL_CHARS))}</strong></p>',
        f"<p>Scope: {e(filters.summary())} · generated {e(generated_at.strftime('%Y-%m-%d %H:%M'))}</p>",
        "<p class='muted'>Rests on:</p>",
        '<ul class="counts">' + "".join(f"<li>{e(c)}</li>" for c in count_items) + "</ul>",
        f"<p>{len(measured)} of {len(found)} findings measured"
        + (" · amounts shown as an index (pts), not money" if index_amounts else "") + ".</p>",
        "</header>",
        "<nav><h3>Contents</h3><ol>",
        '<li><a href="#findings">Key findings</a></li>',
        '<li><a href="#managers">Managers</a></li>',
        *(f'<li><a href="#{anchors[p.manager]}">{e(clip(p.manager))}</a></li>' for p in profiles),
        "</ol></nav>",
        '<section id="findings"><h2>Key findings</h2>',
        *(_finding(i, item) for i, item in enumerate(measured, start=1)),
    ]
    if missing:
        body.append("<h3>Not measured in this workspace</h3>"
                    "<p class='muted'>These findings need evidence the loaded exports do not hold; nothing is "
                    "estimated in their place.</p><ul>")
        body += [f"<li><strong>{e(i.title)}</strong>: needs {e(i.missing)}.</li>" for i in missing]
        body.append("</ul>")
    body.append("</section>")
    body.append('<section id="managers"><h2>Managers</h2>')
    if diag.empty:
        body.append(f"<p>{_nm(None)}: the roster needs each rep's manager (a people export with rep and "
                    "manager).</p>")
    else:
        body.append("<p class='muted'>Each dial is the mean of its measured signals, each scored 0–100 against a "
                    "fixed standard from the framework (not against the other managers), so the same evidence reads "
                    "the same in any filter; <em>not enough evidence</em> means too few signals (or, for Coach, no "
                    "coaching sessions, development actions or named gaps), <em>not measured</em> that no export "
                    "holds the evidence yet. Ordered by the Coach dial.</p>")
        body.append(_manager_table(diag, anchors))
    body.append("</section>")
    body += [_manager_section(p, anchors[p.manager], index_amounts) for p in profiles]
    body.append(f"<footer>{e(title)} · {e(clip(ws.label, LABEL_CHARS))} · {e(filters.summary())} · generated "
                f"{e(generated_at.strftime('%Y-%m-%d %H:%M'))} by Bench Strength. Associations are not causes; "
                "external research is labelled as such and never mixed with computed numbers.</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{e(title)} · {e(clip(ws.label, LABEL_CHARS))}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")
