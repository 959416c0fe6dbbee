"""A sample coaching log in free text, for showing the notes reader on the built-in demo.

The demo's own coaching log (``data/demo/coaching_sessions.csv``) has yes/no columns for the four
behaviours of FRAMEWORK.md; no coaching tool exports those. This sample is what a tool or a notes
doc does export: about 300 sessions of the demo's managers with their own reps, dated over the last
four quarters of the demo's log, with the columns ``Session ID, Manager, Rep, Date, Type,
Duration (min), Notes`` and **no behaviour flags**. The Data page offers it while the workspace is
the demo (``ui/sample_notes.py``); it is written to ``data/samples/coaching_notes.csv``.

The notes come in the four forms of docs/COACHING_TEXT.md: 1:1 notes (terse with abbreviations and
typos, prose, non-native English), CRM activity descriptions, call-review transcripts with
``Manager:``/``Rep:`` turns, and coaching-tool summaries. About 5% cannot be read (empty,
template boilerplate, one in Spanish).

Which behaviours a manager's notes show follows the demo: each behaviour appears in a session with
the manager's own rate for it in the demo log over the same quarters, so a ``developer`` writes
notes that name specific gaps, ask first, tie to plans and track application most of the time,
while a ``hero`` or ``operator`` mostly writes deal status, deal next steps and generic advice:
the boundary cases of docs/COACHING_TEXT.md (a telling question, a status question, advice naming
no gap, a deal next step, a deal that moved). Of a manager's sessions, as many show a behaviour as
their rate says (not a random draw around it); a behaviour a session does not show is, more often
for those archetypes, written as its boundary case. The sentence bank is this module's own.

Everything comes from one seeded generator (:data:`SEED`), so the file is byte-identical from run
to run; ``python -m tools.notes_sample`` rewrites it.

Examples
--------
>>> frame = generate()                                          # doctest: +SKIP
>>> list(frame.columns[:7]) == list(COLUMNS)                   # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import random
import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from analytics.schema import COACHING_BEHAVIOURS

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "data" / "demo"
SAMPLE_FILE = ROOT / "data" / "samples" / "coaching_notes.csv"
SEED = 2121
N_SESSIONS = 300
#: the share of notes that cannot be read (empty, boilerplate, another language)
NOT_READ_SHARE = 0.05
#: the export's columns, as a coaching tool or a notes doc names them; no behaviour flags
COLUMNS = ("Session ID", "Manager", "Rep", "Date", "Type", "Duration (min)", "Notes")
FORMS = ("note", "crm", "transcript", "summary")
#: session IDs: never the demo log's ``CS-…``
ID_PREFIX = "NOTE-"

_G, _A, _P, _T = COACHING_BEHAVIOURS
#: how often a behaviour a session does not show is written as its boundary case, per archetype
BOUNDARY_SHARE = {"developer": 0.35, "hero": 0.8, "operator": 0.8, "motivator": 0.55, "overconfident": 0.6}
#: how many deal-status sentences a note carries, per archetype (low, high)
DEAL_TALK = {"developer": (0, 2), "hero": (2, 4), "operator": (2, 4), "motivator": (1, 3), "overconfident": (1, 3)}

# ---------------------------------------------------------------------------------------------
# The vocabulary: capabilities with what falling short of them looks like (a verb phrase in the
# past tense, so it reads after a name, "you" or "rep"), stages, days.
# ---------------------------------------------------------------------------------------------

GAPS: dict[str, tuple[str, ...]] = {
    "discovery": (
        "stayed on surface questions and never quantified the pain",
        "jumped to the demo before the problem was clear",
        "asked two questions and then pitched for twenty minutes",
        "never found out what happens if they do nothing",
    ),
    "value articulation": (
        "listed features instead of tying them to the buyer's cost problem",
        "could not put a number on the return when the CFO asked",
        "used our slide language instead of the customer's own words",
    ),
    "stakeholder navigation": (
        "stayed single-threaded through the IT lead",
        "never got in front of the economic buyer",
        "let procurement run the process without a champion inside",
    ),
    "competitive positioning": (
        "went negative on the competitor instead of showing the difference",
        "had no answer when they brought up the cheaper rival",
        "let the incumbent set the evaluation criteria",
    ),
    "negotiation": (
        "offered the discount before the customer asked for one",
        "conceded on price at the first pushback without trading anything",
        "gave away payment terms without getting a longer commitment",
    ),
    "objection handling": (
        "talked over the buyer when the security concern came up",
        "answered the budget objection before understanding it",
        "accepted 'no budget' without asking how they fund projects like this",
    ),
    "forecasting": (
        "kept the deal in commit with no confirmed decision date",
        "called the deal without a mutual close plan behind it",
    ),
}
STAGES = ("Qualification", "Discovery", "Proposal", "Negotiation", "Closed Won")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
PRACTICE = ("a role play", "two recorded practice calls", "shadowing a senior AE on a live call",
            "the {cap} module and a role play", "a mock call with me")

# ---------------------------------------------------------------------------------------------
# The sentence bank, per voice: ``pos`` shows the behaviour (docs/COACHING_TEXT.md), ``neg`` is
# one of its boundary cases (absent by the rules). Slots: {rep} first name, {cap} capability,
# {gap} what fell short, {acct} a customer, {day}, {stage}, {practice}, {n}.
# ---------------------------------------------------------------------------------------------

BANK: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    # a manager's own 1:1 notes, written in full sentences
    "prose": {
        _G: {"pos": ("On the {acct} call {rep} {gap}; that is the {cap} gap we worked on.",
                     "The main gap is {cap}: with {acct} {rep} {gap}.",
                     "Listened to the {acct} recording together. {rep} {gap}, which is a {cap} problem, not effort."),
             "neg": ("Told {rep} to dig deeper on calls.", "{rep} needs to be more proactive overall.",
                     "Good energy this week, keep pushing.", "We discussed {cap} in general terms.",
                     "Needs to step it up on the big deals.")},
        _A: {"pos": ("Before giving any feedback I asked {rep} how they thought the {acct} call went.",
                     "Opened by asking what {rep} would do differently on {acct}; they spotted the {cap} issue themselves.",
                     "Let {rep} self-assess the {cap} part first, then added my view.",
                     "Asked {rep} what they noticed when the buyer pushed back, and waited."),
             "neg": ("Asked {rep} whether they shouldn't have brought in legal earlier.",
                     "Asked when {acct} is going to close; {rep} says end of quarter.",
                     "Asked for the amount and close date on the top three deals.",
                     "Told {rep} to lead with the business case, and checked they agreed.")},
        _P: {"pos": ("Added {cap} to {rep}'s development plan with {practice} on {day}; we review it at the next 1:1.",
                     "We agreed a goal for {cap} in the IDP and booked {practice} before our next session.",
                     "Put {cap} on the development plan; I will check progress in two weeks."),
             "neg": ("Next step: {rep} sends the {acct} proposal by {day}.",
                     "{rep} to book the security review with their IT team.",
                     "No time for the development plan today.",
                     "Told {rep} to try that next time.")},
        _T: {"pos": ("Followed up on last session's {cap} work: {rep} ran it alone on the {acct} call and it held.",
                     "Checked the {acct} recording: {rep} handled the {cap} part without me, as we practised.",
                     "Asked if {rep} had tried the {cap} approach on their own since the role play; they did it twice."),
             "neg": ("Checked on {acct} from last week: it moved to {stage}.",
                     "Followed up on last week's deals, two of them closed.",
                     "Asked whether {rep} finished the online course; done.",
                     "I joined the {acct} call and handled the pricing question myself.")},
        "deal": ("{acct} is at {stage}, legal has the contract.", "Pipeline looks thin for next quarter.",
                 "{acct} pushed the decision to {day} week.", "Went through the forecast line by line.",
                 "{acct} wants a reference customer before they sign.", "Commit number unchanged for the quarter."),
        "open": ("Weekly 1:1 with {rep}.", "1:1, {rep}.", "Catch-up with {rep}.", ""),
    },
    # the same notes, typed fast: abbreviations and typos are added by :func:`_terse`
    "terse": {
        _G: {"pos": ("{cap} gap on {acct} call - {gap}", "{acct}: {gap} = {cap} issue",
                     "main gap {cap}, {gap} w/ {acct}"),
             "neg": ("dig deeper next time", "be more proactive", "more energy on calls pls",
                     "talked {cap}", "gotta step it up")},
        _A: {"pos": ("asked {rep} what they'd do different on {acct} before giving my view",
                     "let {rep} self assess first, they named the {cap} issue",
                     "opened w/ how did {acct} go for you - waited"),
             "neg": ("asked when {acct} closes - says EOQ", "asked amt + close date top 3",
                     "told them: should have asked about budget, right?")},
        _P: {"pos": ("{cap} added to IDP, {practice} {day}, revisit next 1:1",
                     "dev plan: {cap}, {practice}, check in 2 weeks"),
             "neg": ("next step: send {acct} proposal {day}", "book IT demo w/ {acct}",
                     "dev plan - skipped, no time", "try that next time")},
        _T: {"pos": ("follow up from last week: ran {cap} solo on {acct} call, no help needed",
                     "checked rec: handled {cap} alone on {acct}, as practised"),
             "neg": ("follow up from last week: {acct} moved to {stage}", "did {acct} sign? not yet",
                     "course done? yes")},
        "deal": ("{acct} at {stage}", "pipe thin for next quarter", "{acct} slipped to next month",
                 "forecast reviewed", "{acct} wants a reference"),
        "open": ("1:1 {rep}", "{rep} weekly", ""),
    },
    # non-native English, as a manager from another country writes a note
    "nonnative": {
        _G: {"pos": ("On {acct} call he is not doing the {cap} well, he {gap}, this is the gap.",
                     "The gap of {rep} is {cap}: in the call with {acct} she {gap}."),
             "neg": ("He must to work more hard on the calls.", "She need to be more confident in general.")},
        _A: {"pos": ("I am asking {rep} first how the call with {acct} was going, after I give my opinion.",
                     "First I let {rep} to say what can be better on {acct}, then we discuss."),
             "neg": ("I ask {rep}: why you are not asking the budget?", "I ask when {acct} will sign the contract.")},
        _P: {"pos": ("We put {cap} in the development plan of {rep} and we practise with {practice} next week.",
                     "For {cap} we make a goal in the IDP, I will check it on next one to one."),
             "neg": ("Next step {rep} will send the offer to {acct} on {day}.",
                     "We not had time for development plan today.")},
        _T: {"pos": ("I check if {rep} is doing the {cap} alone since last time, and yes on {acct} she do it well.",
                     "From last session: {rep} used the {cap} on own in {acct} call, without my help."),
             "neg": ("I check if the deal {acct} from last time is moving, it is in {stage} now.",
                     "I ask if the training is finish, yes it is finish.")},
        "deal": ("{acct} is in {stage}, we wait the legal.", "The pipeline for next quarter is not so big.",
                 "Forecast is same like last week."),
        "open": ("One to one with {rep}.", ""),
    },
    # a CRM activity's description (Salesforce Task/Event, HubSpot meeting notes)
    "crm": {
        _G: {"pos": ("Rep {gap} on {acct}; coaching point: {cap}.",
                     "Call review {acct}: {rep} {gap}. Gap named: {cap}."),
             "neg": ("1:1 held. Discussed performance.", "General feedback on calls: be sharper.",
                     "Coaching topic: {cap}.")},
        _A: {"pos": ("Manager opened by asking the rep to self-assess the {acct} call.",
                     "Asked {rep} to walk through what they would change on {acct} before feedback."),
             "neg": ("Pipeline review: asked for close dates and amounts on top 5.",
                     "Asked rep why they didn't just ask for the meeting.")},
        _P: {"pos": ("Dev plan updated: {cap}, {practice}, review at next 1:1.",
                     "Development goal added for {cap}; practice scheduled {day}."),
             "neg": ("Next steps: follow up with {acct} procurement on the MSA redlines.",
                     "Action: rep to schedule exec meeting with {acct} by {day}.")},
        _T: {"pos": ("Follow-up on previous 1:1: rep led the {cap} part of the {acct} call alone and it worked.",
                     "Reviewed recording: rep applied the {cap} practice from last session without help."),
             "neg": ("Follow-up on previous 1:1: {acct} deal advanced to {stage}.",
                     "Checked last week's commits: {n} of 4 closed.")},
        "deal": ("{acct}: {stage}, close date {day}.", "Forecast category: commit.",
                 "Opportunity {acct} reviewed, amount unchanged.", "Pipeline coverage discussed."),
        "open": ("1:1 - {rep}", "Call review - {acct}", "Deal coaching: {acct}", "Meeting: weekly 1:1"),
    },
    # a call-review transcript: the manager's turns (a rep's reply follows each)
    "spoken": {
        _G: {"pos": ("On the {acct} call you {gap}. That's the {cap} piece I want us to work on.",
                     "What I heard at minute twelve: you {gap}. That's {cap}."),
             "neg": ("You've got to bring more energy, honestly.", "Just dig deeper next time, okay?",
                     "Overall it was fine, keep going.")},
        _A: {"pos": ("Before I say anything, how do you think the {acct} call went?",
                     "What did you notice when the buyer pushed back?",
                     "If you ran that call again, what would you change?"),
             "neg": ("Don't you think you should have asked about budget?",
                     "Shouldn't you have looped in legal earlier?",
                     "When will {acct} close?", "So what's the amount now?",
                     "Lead with the business case next time. Make sense?")},
        _P: {"pos": ("Let's put {cap} on your development plan and do {practice} on {day}.",
                     "I'll add a {cap} goal to your IDP and we'll review it at our next one-on-one."),
             "neg": ("OK so next step is you send the proposal by {day}.",
                     "Can you book the demo with their IT team this week?")},
        _T: {"pos": ("Since our role play, have you handled {cap} on your own? On which call?",
                     "Last time we worked on {cap}. Did you run it without me on the {acct} call?"),
             "neg": ("Last week you said {acct} would move. Did it?", "Did you finish the course I sent?",
                     "I jumped in on {acct} and sorted the pricing myself, so that's fine.")},
        "deal": ("Where are we on {acct}?", "Okay, and the forecast for this month?", "Let's look at the next deal."),
        "open": ("Okay, let's start with {acct}.", "Thanks for sending the recording.", "Right, the {acct} call."),
    },
    # a coaching tool's summary: fields, some left as the template has them
    "summary": {
        _G: {"pos": ("Focus area identified: {cap} (rep {gap}).", "Key gap: {cap}; on {acct} the rep {gap}."),
             "neg": ("Focus area: general improvement.", "Feedback: strong effort, keep it up.")},
        _A: {"pos": ("Coach asked {n} open reflection questions before feedback.",
                     "Coach opened with a self-assessment question on the {acct} call."),
             "neg": ("Questions asked: forecast category, close date.",
                     "Coach questions: \"Shouldn't you have looped in legal?\"")},
        _P: {"pos": ("Development goal set: {cap}; practice assigned: {practice}.",
                     "IDP item added: {cap}, revisit at next session."),
             "neg": ("Action items: rep to send {acct} pricing by {day}.", "Development goal: —")},
        _T: {"pos": ("Skill application check: rep used {cap} independently on {n} of 3 calls.",
                     "Application since last session: rep ran {cap} alone on {acct}."),
             "neg": ("Deal progress check: {n} of 5 committed deals advanced.",
                     "Follow-up: {acct} moved to {stage}.")},
        "deal": ("Deals discussed: {acct} ({stage}).", "Talk ratio: rep {n}0%.", "Session length: on time."),
        "open": ("Session summary (auto-generated)", "Coaching summary", "AI summary of 1:1"),
    },
}
#: a rep's turn after the manager's: a reply, reflection after an open question, or talk that
#: sounds like coaching but is the rep's own (never a manager behaviour, rule 2)
REP_TURNS = {
    "reflect": ("Honestly I think I rushed the pricing part.", "I let them set the agenda, I should have slowed down.",
                "I noticed I stopped asking once they mentioned budget."),
    "reply": ("Yeah, fair.", "Okay, will do.", "Sure.", "It went okay I think.", "Makes sense.", "Yes, I guess so."),
    "status": ("They said end of month.", "Not yet, waiting on legal.", "Still at the same stage, to be honest.",
               "I can get you the number after this.", "Around the same as last week."),
    "applied": ("Yes, on Tuesday's call, on my own. It held up.", "Twice. The second one went better.",
                "Mostly. I got stuck when they asked about pricing."),
    "self": ("I think my discovery was weak there.", "I practised the objection stuff on my own last week.",
             "I wrote down three questions to ask next time."),
}
#: sessions whose notes cannot be read: empty, template boilerplate only, another language
NOT_READ = {
    "empty": ("", " ", "-"),
    "boilerplate": ("Agenda:\nNotes:\nAction items:", "1:1", "Meeting held", "Call logged via Gong", "N/A",
                    "see doc", "Logged via Outreach"),
    "language": ("Revisamos la llamada de descubrimiento con el cliente; hay que preparar mejor las preguntas "
                 "sobre el presupuesto y hablar con el director financiero antes del viernes.",),
}
#: abbreviations of the terse style (word -> short form), applied word by word to most words
TERSE = {"discovery": "disc", "negotiation": "nego", "objection": "obj", "handling": "hdlg", "customer": "cust",
         "meeting": "mtg", "next": "nxt", "with": "w/", "before": "b4", "without": "w/o", "about": "abt",
         "pipeline": "pipe", "week": "wk", "weeks": "wks", "development": "dev", "because": "bc", "and": "&",
         "quarter": "qtr", "forecasting": "fcst", "stakeholder": "stkhldr", "recording": "rec", "proposal": "prop"}
#: typos of the terse style, applied to a few words
TYPOS = {"the": "teh", "their": "thier", "they": "tehy", "what": "waht", "call": "cal", "asked": "aksed",
         "first": "frist", "pricing": "pricng", "alone": "alnoe"}
#: the form a session takes -> (the voices it draws from, the session types it is logged as)
FORM_VOICES = {"note": ("prose", "prose", "terse", "terse", "nonnative"), "crm": ("crm",), "transcript": ("spoken",),
               "summary": ("summary",)}
FORM_TYPES = {"note": ("1:1",), "crm": ("1:1", "Deal coaching", "Pipeline review"),
              "transcript": ("Call review",), "summary": ("1:1", "Role play", "Call review")}
MINUTES = (25, 30, 30, 45, 45, 50, 60)


def demo_story() -> tuple[pd.DataFrame, dict[str, str], tuple[date, date]]:
    """What the sample follows: the demo's people, each manager's archetype, and the last four
    quarters of the demo's coaching log (first day, last day)."""
    people = pd.read_csv(DEMO_DIR / "people.csv", dtype=str, keep_default_na=False)
    archetypes = json.loads((DEMO_DIR / "ground_truth.json").read_text(encoding="utf-8"))["managers"]
    dates = pd.to_datetime(pd.read_csv(DEMO_DIR / "coaching_sessions.csv", usecols=["session_date"])["session_date"])
    last = dates.max().date()
    first = (pd.Timestamp(last).to_period("Q") - 3).start_time.date()
    return people, archetypes, (max(first, dates.min().date()), last)


def manager_rates(archetypes: dict[str, str], period: tuple[date, date]) -> dict[str, dict[str, float]]:
    """Each manager's rate of each behaviour in the demo's log over ``period``: how often the
    sample's notes show it."""
    log = pd.read_csv(DEMO_DIR / "coaching_sessions.csv", parse_dates=["session_date"])
    log = log[log["session_date"].dt.date.between(*period)]
    rates = log.groupby("manager")[list(COACHING_BEHAVIOURS)].mean()
    return {m: {b: float(rates.loc[m, b]) if m in rates.index else 0.0 for b in COACHING_BEHAVIOURS}
            for m in archetypes}


def _fill(template: str, slots: dict[str, str]) -> str:
    text = template.format(**slots)
    return text[:1].upper() + text[1:] if text else text


def _terse(text: str, rng: random.Random) -> str:
    """A sentence as typed in a hurry: lower case, some words abbreviated or mistyped."""
    words = []
    for w in text.split(" "):
        short, typo = TERSE.get(w.lower()), TYPOS.get(w.lower())
        words.append(short if short and rng.random() < 0.6 else typo if typo and rng.random() < 0.12 else w)
    return " ".join(words).lower().rstrip(".")


def _pick(rng: random.Random, options: tuple[str, ...]) -> str:
    return options[rng.randrange(len(options))]


def _sentences(rng: random.Random, voice: str, shows: dict[str, bool], archetype: str,
               slots: dict[str, str]) -> list[tuple[str, str]]:
    """The manager's sentences of one session, in order, each with its kind (``pos:<b>``,
    ``neg:<b>``, ``deal``): follow-up on last time first, then the question, the gap, the plan."""
    bank = BANK[voice]
    out: list[tuple[str, str]] = []
    for b in (_T, _A, _G, _P):
        if shows[b]:
            out.append((f"pos:{b}", _fill(_pick(rng, bank[b]["pos"]), slots)))
        elif rng.random() < BOUNDARY_SHARE[archetype]:
            out.append((f"neg:{b}", _fill(_pick(rng, bank[b]["neg"]), slots)))
    lo, hi = DEAL_TALK[archetype]
    for template in rng.sample(bank["deal"], min(rng.randint(lo, hi), len(bank["deal"]))):
        out.insert(rng.randint(0, len(out)), ("deal", _fill(template, {**slots, "acct": _pick(rng, slots["_accounts"])})))
    if not out:
        out.append(("deal", _fill(_pick(rng, bank["deal"]), slots)))
    return out


def _note_text(rng: random.Random, form: str, shows: dict[str, bool], archetype: str,
               slots: dict[str, str]) -> tuple[str, str]:
    """One session's notes in ``form``; returns (text, writing style)."""
    voice = _pick(rng, FORM_VOICES[form])
    said = _sentences(rng, voice, shows, archetype, slots)
    opener = _fill(_pick(rng, BANK[voice]["open"]), slots)
    if voice == "terse":
        lines = [_terse(s, rng) for _, s in said]
        sep = _pick(rng, ("\n- ", "; ", " / "))
        body = (sep.lstrip("\n") if sep.startswith("\n") else "") + sep.join(lines)
        return ((opener.lower() + "\n" if opener else "") + body), voice
    if voice == "spoken":
        turns = [f"Manager: {opener}"] if opener else []
        for kind, s in said:
            turns.append(f"Manager: {s}")
            reply = ("reflect" if kind == f"pos:{_A}" else "applied" if kind == f"pos:{_T}"
                     else "status" if kind == "deal" or "?" in s and kind.startswith("neg")
                     else "self" if rng.random() < 0.25 else "reply")
            turns.append(f"Rep: {_pick(rng, REP_TURNS[reply])}")
        if rng.random() < 0.5:
            turns.append("Manager: Okay, good. Talk next week.")
        stamp = rng.random() < 0.4
        return "\n".join(f"[00:{2 * i + 1:02d}:{(17 * i) % 60:02d}] {t}" if stamp else t
                         for i, t in enumerate(turns)), voice
    if voice == "summary":
        lines = [opener, *(s for _, s in said)]
        if rng.random() < 0.3:
            lines.append("Next session: in two weeks.")
        return "\n".join(lines), voice
    if voice == "crm":
        return f"{opener}\n" + " ".join(s for _, s in said), voice
    return ((opener + " ") if opener else "") + " ".join(s for _, s in said), voice


def _planted(rng: random.Random, rate: float, count: int) -> list[bool]:
    """Which of a manager's ``count`` sessions show a behaviour: as many as ``rate`` says (rounded),
    in a shuffled order, so the sample's rates are the demo's and not a draw around them."""
    shown = round(rate * count)
    flags = [True] * shown + [False] * (count - shown)
    rng.shuffle(flags)
    return flags


def _working_days(first: date, last: date) -> list[date]:
    days, d = [], first
    while d <= last:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    return days


def generate(seed: int = SEED, n: int = N_SESSIONS) -> pd.DataFrame:
    """The sample: :data:`COLUMNS`, then (for tests and the lead, never written to the file) the
    form, the writing style, the manager's archetype, and per behaviour what the notes were
    written to show (``shows_<b>``: True/False, ``<NA>`` for a note that cannot be read)."""
    rng = random.Random(seed)
    people, archetypes, period = demo_story()
    rates = manager_rates(archetypes, period)
    accounts = pd.read_csv(DEMO_DIR / "accounts.csv", usecols=["name"])["name"]
    accounts = tuple(sorted({re.sub(r"\s+(Inc\.|Ltd\.?|GmbH|Group|Pty Ltd)$", "", a).split(" ")[0] for a in accounts}))
    days = _working_days(*period)
    managers = sorted(archetypes)
    per_manager = [n // len(managers) + (i < n % len(managers)) for i in range(len(managers))]
    forms = [FORMS[i % len(FORMS)] for i in range(n)]
    rng.shuffle(forms)
    unread = set(rng.sample(range(n), round(n * NOT_READ_SHARE)))
    kinds = ["language"] + ["empty", "boilerplate"] * len(unread)
    rows = []
    i = 0
    for manager, count in zip(managers, per_manager, strict=True):
        reps = people[(people["manager"] == manager) & (people["role"] == "Account Executive")]
        planted = {b: _planted(rng, rates[manager][b], count) for b in COACHING_BEHAVIOURS}
        for k in range(count):
            day = _pick(rng, tuple(days))
            active = reps[(reps["start_date"] <= day.isoformat())
                          & ((reps["end_date"] == "") | (reps["end_date"] >= day.isoformat()))]
            rep = active.iloc[rng.randrange(len(active))]
            arch = archetypes[manager]
            cap = _pick(rng, tuple(GAPS))
            slots = {"rep": rep["name"].split(" ")[0], "cap": cap, "gap": _pick(rng, GAPS[cap]),
                     "acct": _pick(rng, accounts), "day": _pick(rng, DAYS), "stage": _pick(rng, STAGES),
                     "practice": _pick(rng, PRACTICE).format(cap=cap), "n": str(rng.randint(2, 3)), "_accounts": accounts}
            shows = {b: planted[b][k] for b in COACHING_BEHAVIOURS}
            form = forms[i]
            if i in unread:
                kind = kinds.pop(0)
                text, style = _pick(rng, NOT_READ[kind]), f"not read: {kind}"
                shows = dict.fromkeys(COACHING_BEHAVIOURS, pd.NA)
            else:
                text, style = _note_text(rng, form, shows, arch, slots)
            stype = _pick(rng, FORM_TYPES[form])
            minutes = _pick(rng, MINUTES)
            rows.append({"Manager": manager, "Rep": rep["name"], "Date": day.isoformat(), "Type": stype,
                         "Duration (min)": minutes, "Notes": text, "form": form, "style": style,
                         "archetype": arch, **{f"shows_{b}": v for b, v in shows.items()}})
            i += 1
    frame = pd.DataFrame(rows).sort_values(["Date", "Manager", "Rep"], kind="stable").reset_index(drop=True)
    frame.insert(0, "Session ID", [f"{ID_PREFIX}{k:04d}" for k in range(1, len(frame) + 1)])
    for b in COACHING_BEHAVIOURS:
        frame[f"shows_{b}"] = frame[f"shows_{b}"].astype("boolean")
    return frame


def to_csv(frame: pd.DataFrame) -> bytes:
    """The export as a coaching tool writes it: :data:`COLUMNS` only, UTF-8, one header row."""
    return frame[list(COLUMNS)].to_csv(index=False, lineterminator="\n").encode("utf-8")


def write(path: Path = SAMPLE_FILE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(to_csv(generate()))
    return path


if __name__ == "__main__":
    out = write()
    sample = generate()
    print(f"{out.relative_to(ROOT)}: {len(sample)} sessions, "
          f"{sample['style'].str.startswith('not read').sum()} not readable")
    print(sample.groupby("archetype")[[f"shows_{b}" for b in COACHING_BEHAVIOURS]].mean().round(2).to_string())
    print(sample.groupby(["form", "style"]).size().to_string())
