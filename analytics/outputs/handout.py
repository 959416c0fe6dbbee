"""A printable one-pager per manager (PDF): the three dials, attainment and the hero pattern, the
three signals of development, the four coaching behaviours, skill time and confidence, and the
next-1:1 checklist, each with what it rests on.

One A4 page per manager, always: lists are capped and long text is shortened to fit. Figures
come from :func:`analytics.outputs.profile.manager_profiles`, so they equal the Manager detail page.
Everything is drawn with fpdf2 primitives; nothing is fetched from the network.

Fonts: DejaVu Sans (regular and bold) from :data:`DEFAULT_FONT_DIR` when both files are there,
with any CJK fallback font found in :data:`FALLBACK_FONT_FILES`; a character no loaded font has
reads "?". Without DejaVu (a fresh machine) the page uses the core Helvetica font and text is
transliterated to Latin-1 ("Dvořák" -> "Dvorák"), so a handout is always produced.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

from analytics.diagnosis.dials import DIALS
from analytics.filters import Filters
from analytics.fmt import fmt_money, fmt_pct
from analytics.outputs.profile import ManagerProfile, manager_profiles
from analytics.settings import Settings
from analytics.store.caching import opens_run
from analytics.store.workspace import Workspace

DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR_FILE, BOLD_FILE = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
#: Fonts tried, in order, for characters DejaVu lacks (CJK); only those present are used.
FALLBACK_FONT_FILES: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttf"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttf"),
)

# Page geometry (mm) and colours.
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 16.0, 13.0, 12.0
CONTENT_W = PAGE_W - 2 * MARGIN_X
FOOTER_H = 13.0
BODY_BOTTOM = PAGE_H - MARGIN_BOTTOM - FOOTER_H
INK, MUTED, RULE = (33, 37, 41), (108, 117, 125), (206, 212, 218)
BAR_BG, BAR_FG, BAR_MID = (233, 236, 239), (37, 99, 150), (150, 160, 170)
HERO_BG, CLEAR_BG, UNKNOWN_BG = (255, 236, 200), (226, 240, 230), (236, 238, 240)
MAX_CHECKLIST = 6
ITEM_MIN_H, MORE_H = 4.8 + 4.2, 4.5  # a checklist item of one evidence line; the "+n more" line
NO_ITEMS = "No weak spot in the measured evidence. Ask what the team's next stretch is."
NO_EVIDENCE = ("No checklist yet: it rests on coaching sessions, development actions, complex deals and the "
               "coaching survey, and none of them is measured here.")
SIG_LABEL_W = 58.0

#: Typography a Latin-1 font lacks, written the plain way.
_PLAIN = str.maketrans({"–": "-", "—": "-", "−": "-", "…": "...", "‘": "'", "’": "'", "“": '"', "”": '"',
                        "≥": ">=", "≤": "<=", "→": "->", "•": "-", "\u00a0": " "})


@dataclass(frozen=True)
class FontChoice:
    """The font a handout uses. ``unicode`` False = core Helvetica with Latin-1 text."""

    family: str
    unicode: bool
    regular: Path | None = None
    bold: Path | None = None
    fallbacks: tuple[Path, ...] = ()


def choose_font(font_dir: Path | None = DEFAULT_FONT_DIR,
                fallback_files: tuple[Path, ...] = FALLBACK_FONT_FILES) -> FontChoice:
    """DejaVu Sans when ``font_dir`` holds both its regular and bold TTF, else core Helvetica."""
    if font_dir is not None:
        regular, bold = Path(font_dir) / REGULAR_FILE, Path(font_dir) / BOLD_FILE
        if regular.is_file() and bold.is_file():
            return FontChoice("DejaVu", True, regular, bold, tuple(p for p in fallback_files if p.is_file()))
    return FontChoice("Helvetica", False)


@lru_cache(maxsize=8)
def _charset(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # a dependency of fpdf2

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def _strip_marks(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))


def to_latin1(text: str) -> str:
    """Text a core (Latin-1) font can print: Latin-1 characters kept, others without their accents
    ("ř" -> "r"), "?" for the rest.

    >>> to_latin1("Søren Dvořák – 東京")
    'Søren Dvorák - ??'
    """
    out = []
    for ch in str(text).translate(_PLAIN):
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = _strip_marks(ch)
        out.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(out)


def _no_controls(text) -> str:
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in str(text))


class _Handout:
    """An fpdf2 document with the few drawing helpers the page needs."""

    def __init__(self, font: FontChoice) -> None:
        self.font = font
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
        pdf.c_margin = 0
        self.covered: frozenset[int] | None = None
        if font.unicode:
            pdf.add_font(font.family, "", str(font.regular))
            pdf.add_font(font.family, "B", str(font.bold))
            covered = set(_charset(font.regular)) & set(_charset(font.bold))
            names = []
            for i, path in enumerate(font.fallbacks):
                name = f"fallback{i}"
                try:
                    pdf.add_font(name, "", str(path))
                    pdf.add_font(name, "B", str(path))
                except Exception:  # noqa: BLE001 - an unreadable fallback font is skipped
                    continue
                names.append(name)
                covered |= _charset(path)
            if names:
                pdf.set_fallback_fonts(names, exact_match=False)
            self.covered = frozenset(covered)
        self.pdf = pdf

    # text ---------------------------------------------------------------------------------
    def clean(self, text) -> str:
        text = _no_controls("" if text is None else text)
        if not self.font.unicode:
            return to_latin1(text)
        out = []
        for ch in text:
            if ch == " " or ord(ch) in self.covered:
                out.append(ch)
                continue
            base = _strip_marks(ch)
            out.append(base if base and all(ord(c) in self.covered for c in base) else "?")
        return "".join(out)

    def style(self, size: float, bold: bool = False, color=INK) -> None:
        self.pdf.set_font(self.font.family, "B" if bold else "", size)
        self.pdf.set_text_color(*color)

    def fit(self, text: str, width: float, always: bool = False) -> str:
        """``text`` (already clean) shortened with an ellipsis to ``width`` in the current font
        (``always``: end with the ellipsis even when it fits)."""
        if not always and self.pdf.get_string_width(text) <= width:
            return text
        dots = "…" if self.font.unicode else "..."
        lo, hi = 0, len(text)  # the longest prefix that fits with the dots: binary search
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.pdf.get_string_width(text[:mid].rstrip() + dots) <= width:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo].rstrip() + dots

    def cell(self, x: float, y: float, w: float, h: float, text, align: str = "L") -> None:
        self.pdf.set_xy(x, y)
        self.pdf.cell(w, h, self.fit(self.clean(text), w), align=align)

    def para(self, x: float, y: float, w: float, h: float, text, max_lines: int, fill=None, pad: float = 0.0) -> float:
        """Wrapped text, at most ``max_lines`` lines (the last shortened), on a ``fill``ed box
        ``pad`` mm wider on every side; returns its height."""
        text = self.clean(text)
        if fill is not None:
            self.pdf.set_fill_color(*fill)
            n = len(self.lines(text, w - 2 * pad)[:max_lines])
            self.pdf.rect(x, y, w, n * h + 2 * pad, style="F")
            return self.para(x + pad, y + pad, w - 2 * pad, h, text, max_lines) + 2 * pad
        lines = self.lines(text, w)
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = self.fit(lines[-1], w, always=True)
        for i, line in enumerate(lines):
            self.pdf.set_xy(x, y + i * h)
            self.pdf.cell(w, h, line)
        return h * len(lines)

    def lines(self, text: str, w: float) -> list[str]:
        """``text`` wrapped at spaces to ``w`` in the current font (a word wider than a line is
        cut). Greedy, word by word: fpdf2's own line breaking measures every prefix again."""
        width = self.pdf.get_string_width
        space = width(" ")
        out: list[str] = []
        line, line_w = "", 0.0
        for word in text.split():
            word_w = width(word)
            while word_w > w:  # a word longer than the line: cut it into line-wide pieces
                if line:
                    out.append(line)
                    line, line_w = "", 0.0
                cut = max(1, len(self.fit(word, w, always=True)) - (1 if self.font.unicode else 3))
                out.append(word[:cut])
                word = word[cut:]
                word_w = width(word)
            if not line:
                line, line_w = word, word_w
            elif line_w + space + word_w <= w:
                line, line_w = f"{line} {word}", line_w + space + word_w
            else:
                out.append(line)
                line, line_w = word, word_w
        if line or not out:
            out.append(line)
        return out

    # drawing ------------------------------------------------------------------------------
    def rule(self, y: float, color=RULE) -> None:
        self.pdf.set_draw_color(*color)
        self.pdf.set_line_width(0.25)
        self.pdf.line(MARGIN_X, y, PAGE_W - MARGIN_X, y)

    def bar(self, x: float, y: float, w: float, h: float, share: float, mid: bool = False) -> None:
        share = min(max(float(share), 0.0), 1.0)
        self.pdf.set_fill_color(*BAR_BG)
        self.pdf.rect(x, y, w, h, style="F")
        if share > 0:
            self.pdf.set_fill_color(*BAR_FG)
            self.pdf.rect(x, y, w * share, h, style="F")
        if mid:
            self.pdf.set_draw_color(*BAR_MID)
            self.pdf.set_line_width(0.3)
            self.pdf.line(x + w / 2, y - 0.8, x + w / 2, y + h + 0.8)

    def heading(self, y: float, text: str, note: str | None = None) -> float:
        self.style(10.5, bold=True)
        self.cell(MARGIN_X, y, CONTENT_W * 0.55, 5.5, text)
        if note:
            self.style(7.5, color=MUTED)
            self.cell(MARGIN_X + CONTENT_W * 0.45, y + 0.5, CONTENT_W * 0.55, 5, note, align="R")
        return y + 6.5


def _has_checklist_evidence(p: ManagerProfile) -> bool:
    """Whether any evidence the checklist reads is measured (else an empty list means nothing)."""
    return (any(b.observed for b in p.behaviours) or p.skill_time_share is not None
            or p.confidence_gap is not None or bool(p.stuck_gaps)
            or any(s.value is not None for s in p.signals[1:]))


def _page(doc: _Handout, p: ManagerProfile, *, page: int, pages: int, stamp: str, scope: str,
          workspace_label: str | None, index_amounts: bool, target: float) -> None:
    pdf = doc.pdf
    pdf.add_page()
    x0, w = MARGIN_X, CONTENT_W

    # header -------------------------------------------------------------------------------
    y = MARGIN_TOP
    doc.style(7.5, bold=True, color=MUTED)
    doc.cell(x0, y, w / 2, 4, "BENCH STRENGTH · MANAGER HANDOUT")
    doc.style(7.5, color=MUTED)
    doc.cell(x0 + w / 2, y, w / 2, 4, stamp, align="R")
    y += 5
    doc.style(18, bold=True)
    doc.cell(x0, y, w, 9, p.manager)
    y += 9.5
    doc.style(10)
    doc.cell(x0, y, w, 5.5, f"{p.team or 'No team'} · {p.region or 'no region'} · "
                            f"{p.reps} rep{'s' if p.reps != 1 else ''} in scope")
    y += 5.8
    doc.style(8, color=MUTED)
    where = f"Workspace: {workspace_label} · " if workspace_label else ""
    doc.cell(x0, y, w, 4.5, f"{where}Scope: {scope}")
    y += 6
    doc.rule(y)
    y += 3

    # dials --------------------------------------------------------------------------------
    y = doc.heading(y, "The three dials", "0–100 against fixed standards; rank in scope as context")
    bar_x, bar_w = x0 + 22, 96
    notes, evidence = p.dial_notes or {}, p.dial_evidence or {}
    for key, label in DIALS.items():
        value, note = p.dials.get(key), notes.get(key, "")
        doc.style(10, bold=True)
        doc.cell(x0, y, 21, 6, label)
        if value is None:
            doc.style(9.5, color=MUTED)
            doc.cell(bar_x, y, bar_w, 6, "not enough evidence" if note.startswith("not enough") else "not measured")
        else:
            doc.bar(bar_x, y + 1.2, bar_w, 3.6, value / 100, mid=True)
            doc.style(11, bold=True)
            doc.cell(bar_x + bar_w + 2, y, 10, 6, f"{value:.0f}", align="R")
        doc.style(8, color=MUTED)
        doc.cell(bar_x + bar_w + 15, y + 0.3, w - (bar_w + 37), 6, p.dial_basis.get(key, ""))
        y += 6
        rank = (p.dial_ranks or {}).get(key, "")
        detail = (" · ".join(bit for bit in (rank, f"rests on {evidence[key]}") if bit)
                  if value is not None and evidence.get(key) else note.split(": ", 1)[-1])
        if detail and not detail.startswith("none of its"):
            doc.style(7.5, color=MUTED)
            y += doc.para(bar_x, y - 0.6, w - 22, 3.4, detail, max_lines=2)
        y += 1
    y += 1

    # attainment and the hero pattern ------------------------------------------------------
    doc.style(9.5, bold=True)
    doc.cell(x0, y, 30, 5.5, "Attainment")
    doc.style(9.5)
    if p.attainment is None:
        text = f"not measured: {p.attainment_basis}"
    else:
        won, quota = fmt_money(p.won_in_quota, index_amounts), fmt_money(p.quota, index_amounts)
        money = f" · {won} won of {quota} quota" if won and quota else ""
        text = f"{fmt_pct(p.attainment)} of plan{money} · {p.attainment_basis}"
    doc.cell(x0 + 30, y, w - 30, 5.5, text)
    y += 5.8
    doc.style(9.5, bold=True)
    doc.cell(x0, y, 30, 5.5, "Development")
    doc.style(9.5)
    doc.cell(x0 + 30, y, w - 30, 5.5,
             "not measured: needs capability movement or execution independence" if p.development_index is None
             else f"{p.development_index:.0f} of 100 (capability movement and independence, against fixed standards)")
    y += 7
    if p.hero is True:
        verdict, fill = f"Hero pattern. {p.hero_reason}", HERO_BG
    elif p.hero is False:
        verdict, fill = p.hero_reason or "Not the hero pattern.", CLEAR_BG
    else:
        reason = p.hero_reason or "Cannot tell."
        verdict, fill = f"Hero pattern: {reason[:1].lower()}{reason[1:]}", UNKNOWN_BG
    doc.style(9, bold=p.hero is True)
    y += doc.para(x0, y, w, 4.6, verdict, max_lines=3, fill=fill, pad=1.6) + 3.5

    # the three signals --------------------------------------------------------------------
    y = doc.heading(y, "Three signals of development")
    for s in p.signals:
        doc.style(9.5, bold=True)
        doc.cell(x0, y, SIG_LABEL_W, 5, s.label)
        if s.value is None:
            doc.style(9.5, color=MUTED)
            doc.cell(x0 + SIG_LABEL_W, y, w - SIG_LABEL_W, 5, "not measured")
        else:
            doc.style(9.5, bold=True)
            doc.cell(x0 + SIG_LABEL_W, y, 142 - SIG_LABEL_W, 5, s.value)
            if s.trend:
                doc.style(8.5, color=MUTED)
                doc.cell(x0 + 142, y + 0.2, w - 142, 5, f"trend: {s.trend}", align="R")
        y += 5
        doc.style(8, color=MUTED)
        y += doc.para(x0 + SIG_LABEL_W, y, w - SIG_LABEL_W, 3.8, s.basis, max_lines=2) + 1.5
    y += 1.5

    # the four behaviours ------------------------------------------------------------------
    y = doc.heading(y, "Four coaching behaviours", "shown in how many of the observed 1:1s")
    if not any(b.observed for b in p.behaviours):
        doc.style(9, color=MUTED)
        doc.cell(x0, y, w, 5, "Not measured: needs a coaching log with the four behaviour flags.")
        y += 5.6
    for b in p.behaviours if any(b.observed for b in p.behaviours) else []:
        doc.style(9.5)
        doc.cell(x0, y, 66, 5, b.label[:1].upper() + b.label[1:])
        if b.observed:
            doc.bar(x0 + 68, y + 1.3, 40, 2.6, b.shown / b.observed)
            doc.style(9)
            doc.cell(x0 + 111, y, w - 111, 5,
                     f"{b.shown} of {b.observed} sessions ({fmt_pct(b.shown / b.observed)})")
        else:
            doc.style(9, color=MUTED)
            doc.cell(x0 + 68, y, w - 68, 5, "not measured: needs a coaching log with the four behaviour flags")
        y += 5.6
    y += 2

    # skill time and confidence ------------------------------------------------------------
    y = doc.heading(y, "Skill time and confidence")
    doc.style(9.5, bold=True)
    doc.cell(x0, y, 36, 5, "Skill-time share")
    doc.style(9)
    y += doc.para(x0 + 36, y, w - 36, 5,
                  f"not measured: {p.skill_time_basis}" if p.skill_time_share is None else
                  f"{fmt_pct(p.skill_time_share)} of 1:1 minutes on skills (target "
                  f"{fmt_pct(target)}) · {p.skill_time_basis}", max_lines=2) + 0.5
    doc.style(9.5, bold=True)
    doc.cell(x0, y, 36, 5, "Confidence gap")
    doc.style(9)
    gap = None if p.confidence_gap is None else f"{100 * p.confidence_gap:+.0f}%"
    y += doc.para(x0 + 36, y, w - 36, 5, f"not measured: {p.confidence_basis}" if gap is None
                  else f"{gap}: {p.confidence_basis}", max_lines=2) + 3

    # checklist ----------------------------------------------------------------------------
    y = doc.heading(y, "Next 1:1 checklist", "the verdict's action first, then the weakest evidence")
    items = p.checklist[:MAX_CHECKLIST]
    if not items:
        doc.style(9, color=MUTED)
        y += doc.para(x0, y, w, 4.6, p.checklist_note or (NO_ITEMS if _has_checklist_evidence(p) else NO_EVIDENCE),
                        max_lines=6)
    for i, item in enumerate(items, start=1):
        reserve = MORE_H if i < len(items) else 0.0  # room for the "+n more" line below
        if y + ITEM_MIN_H + reserve > BODY_BOTTOM:  # no room for this item: say how many are left out
            doc.style(8, color=MUTED)
            doc.cell(x0 + 7, y, w - 7, MORE_H, f"+{len(items) - i + 1} more on the Manager detail page")
            y += MORE_H
            break
        doc.style(9.5, bold=True)
        doc.cell(x0, y, 7, 4.8, f"{i}.")
        title = item.title + (f" (verdict: {item.verdict})" if item.verdict else "")
        y += doc.para(x0 + 7, y, w - 7, 4.8, title, max_lines=1)
        doc.style(8.5)
        room = max(1, min(3, int((BODY_BOTTOM - reserve - y) // 4.2)))
        evidence = item.text[:1].upper() + item.text[1:]
        y += doc.para(x0 + 7, y, w - 7, 4.2, evidence + ".", max_lines=room) + 1.8
    if p.stuck_gaps and y + 1 + 2 * 3.8 <= BODY_BOTTOM:
        doc.style(8, color=MUTED)
        y += 1
        doc.para(x0, y, w, 3.8, f"Stuck gaps ({len(p.stuck_gaps)}): " + "; ".join(p.stuck_gaps[:12])
                 + ("; …" if len(p.stuck_gaps) > 12 else ""), max_lines=2)

    # footer -------------------------------------------------------------------------------
    fy = PAGE_H - MARGIN_BOTTOM - FOOTER_H + 2
    doc.rule(fy)
    doc.style(7, color=MUTED)
    doc.para(x0, fy + 1.2, w, 3.2,
             "Each dial is the mean of its measured signals, each scored 0–100 against a fixed standard from the "
             "framework, not against other managers. Thin evidence reads \"not enough evidence\", missing evidence "
             "\"not measured\"; nothing is imputed.",
             max_lines=2)
    doc.style(7.5, bold=True, color=MUTED)
    doc.cell(x0, PAGE_H - MARGIN_BOTTOM - 4, w, 4, f"Bench Strength · generated {stamp} · page {page} of {pages}",
             align="C")


@opens_run
def handout_pdf(ws: Workspace, filters: Filters = Filters(), settings: Settings = Settings(),
                managers: list[str] | None = None, *, generated_at: datetime | None = None,
                index_amounts: bool = False, workspace_label: str | None = None,
                font_dir: Path | None = DEFAULT_FONT_DIR) -> bytes:
    """The handouts as one PDF: one A4 page per manager (every manager in scope when
    ``managers`` is None), or a single page saying no manager is in scope.

    ``index_amounts`` shows amounts as an index (see :func:`analytics.fmt.fmt_money`);
    ``font_dir`` is where DejaVu Sans is looked for (see :func:`choose_font`).
    """
    generated_at = generated_at or datetime.now()
    profiles = manager_profiles(ws, filters, settings, managers)
    return render_pdf(profiles, generated_at=generated_at, scope=filters.summary(), index_amounts=index_amounts,
                      workspace_label=workspace_label, font=choose_font(font_dir),
                      skill_time_target=settings.skill_time_target)


def render_pdf(profiles: list[ManagerProfile], *, generated_at: datetime, scope: str = "All data",
               index_amounts: bool = False, workspace_label: str | None = None,
               font: FontChoice | None = None, skill_time_target: float = Settings().skill_time_target) -> bytes:
    """The PDF for already computed profiles (see :func:`handout_pdf`)."""
    doc = _Handout(font or choose_font())
    pdf = doc.pdf
    stamp = f"{generated_at:%Y-%m-%d %H:%M}"
    title = (f"Bench Strength handout: {profiles[0].manager}" if len(profiles) == 1
             else f"Bench Strength handouts: {len(profiles)} managers")
    pdf.set_title(_no_controls(title))
    pdf.set_subject(_no_controls(f"Manager one-pagers · {scope}"))
    pdf.set_creator("Bench Strength")
    pdf.set_author(_no_controls(workspace_label or "Bench Strength"))
    pdf.set_creation_date(generated_at)
    if not profiles:
        pdf.add_page()
        doc.style(14, bold=True)
        doc.cell(MARGIN_X, MARGIN_TOP + 5, CONTENT_W, 8, "No managers in scope")
        doc.style(10, color=MUTED)
        doc.para(MARGIN_X, MARGIN_TOP + 15, CONTENT_W, 5,
                 f"Scope: {scope}. The roster needs each rep's manager. Generated {stamp}.", max_lines=3)
        return bytes(pdf.output())
    for page, p in enumerate(profiles, start=1):
        _page(doc, p, page=page, pages=len(profiles), stamp=stamp, scope=scope,
              workspace_label=workspace_label, index_amounts=index_amounts, target=skill_time_target)
    return bytes(pdf.output())
