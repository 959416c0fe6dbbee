"""A seeded, labelled set of coaching notes for reading the four behaviours from text (issue 21).

Every note is assembled from sentences whose label is fixed by the rules in docs/COACHING_TEXT.md:
a *positive* sentence shows one behaviour, a *boundary* sentence is one of the near misses the
rules decide as absent (a question that is really telling, a status question, generic advice
naming no gap, a deal next step, checking that a deal moved), and *filler* shows nothing. A note's
label for a behaviour is True when it holds a positive sentence for it (kept as ``evidence_<b>``),
else False; a note that is "not read" (empty, boilerplate only, another language) has no label
(``<NA>``) and a ``not_read`` reason.

Four forms (``note``: 1:1 notes, ``crm``: CRM activity descriptions, ``transcript``: Manager:/Rep:
turns, ``summary``: coaching-tool summaries) in several styles (terse with abbreviations and
typos, prose, non-native English, spoken, tool summaries). The ``train`` and ``heldout`` splits
come from DISJOINT banks: other sentence templates, capability words, customers, speaker labels,
form headers and not-read texts, so scores on ``heldout`` say something about unseen writing.

Standard library and pandas only; ``python -m tests.coaching_notes`` prints the counts.
"""

from __future__ import annotations

import random
import re

import pandas as pd

BEHAVIOURS = ("named_specific_gap", "asked_before_telling", "tied_to_plan", "tracked_application")
FORMS = ("note", "crm", "transcript", "summary")
SPLITS = ("train", "heldout")

_G, _A, _P, _T = BEHAVIOURS

# Style per form: which sentence banks a form draws from.
FORM_STYLES = {
    "note": ("terse", "prose", "nonnative"),
    "crm": ("terse", "prose", "summary"),
    "transcript": ("spoken",),
    "summary": ("summary", "nonnative"),
}

# ---------------------------------------------------------------------------------------------
# Banks. Slots: {cap} capability, {gap} what went wrong (a verb phrase in the past tense),
# {cust} a customer, {when} a day. Each behaviour: "pos" (shows it) and "neg" (boundary case).
# ---------------------------------------------------------------------------------------------

_TRAIN = {
    "vocab": {
        "pairs": (
            ("discovery", "stayed surface-level and never quantified the pain"),
            ("objection handling", "conceded on price at the first pushback"),
            ("negotiation", "offered the discount before they asked"),
            ("multi-threading", "stayed single-threaded through procurement"),
        ),
        "cust": ("Acme", "Globex", "Initech", "Hooli", "Umbrella"),
        "when": ("Thursday", "Friday", "Monday"),
    },
    "terse": {
        _G: {"pos": ("{cap} gap on {cust} call - {gap}", "{cust}: {gap}, thats the {cap} issue"),
             "neg": ("dig deeper next time", "needs to be more proactive overall")},
        _A: {"pos": ("asked what she'd do differently on {cust} before giving feedback",
                     "let him self-assess the {cust} call first"),
             "neg": ("told him: should've asked about budget, right?", "asked when {cust} closes - says end of quarter")},
        _P: {"pos": ("added {cap} to her IDP, role play {when}, revisit in 2 weeks",
                     "{cap} goes on dev plan, practice call booked {when}"),
             "neg": ("next step: send proposal {when}, book IT demo", "{cust} next step - follow up with procurement {when}")},
        _T: {"pos": ("follow-up from last week: ran {cap} solo on {cust}, no help needed",
                     "checked: used the {cap} approach alone on {cust} since our role play"),
             "neg": ("follow-up from last week: {cust} moved to stage 4", "checked on {cust} from last 1:1 - still in legal")},
        "filler": ("pipeline looks ok", "forecast call friday", "out next monday, cover arranged"),
    },
    "prose": {
        _G: {"pos": ("On the {cust} call your {cap} fell short: you {gap}.",
                     "The specific thing I saw with {cust} was {cap}; she {gap}."),
             "neg": ("I told him to keep pushing and bring more energy to his calls.",
                     "Overall she needs to step it up this quarter.")},
        _A: {"pos": ("Before giving my view I asked her how she thought the {cust} call went.",
                     "I started by asking what he noticed when {cust} pushed back."),
             "neg": ("I asked why he didn't just ask {cust} for the meeting.",
                     "I asked when {cust} is going to sign and for the final amount.")},
        _P: {"pos": ("We agreed to put {cap} in his development plan and role-play it before our next 1:1.",
                     "She will practise {cap} with two recorded role plays, and we review them on {when}."),
             "neg": ("The next step on {cust} is a pricing proposal by {when}.",
                     "He will book the technical demo with the {cust} IT team.")},
        _T: {"pos": ("Last session we worked on {cap}; since then she has run it on her own on the {cust} call and it held.",
                     "I listened to the {cust} recording to see if he applied the {cap} work by himself, and he did."),
             "neg": ("We revisited last week's deals: {cust} moved forward to negotiation.",
                     "I followed up on whether {cust} signed after our last 1:1.")},
        "filler": ("We spent the first half on the forecast.", "The quarter is tracking close to plan."),
    },
    "nonnative": {
        _G: {"pos": ("In the {cust} call he is not making good {cap}, he {gap}.",
                     "The gap is {cap}: she {gap} in the meeting with {cust}."),
             "neg": ("He must to work more hard on the calls.", "She need to improve in general.")},
        _A: {"pos": ("I am asking him first how he feels the {cust} call was going, after I give my opinion.",
                     "First I let her to say what she will change in the {cust} meeting."),
             "neg": ("I ask him: why you are not asking the budget to {cust}?", "I ask when {cust} will make the signature.")},
        _P: {"pos": ("We put the {cap} in his development plan and he will practise it with me {when}.",
                     "For her plan of development we add {cap}, with role play every week."),
             "neg": ("Next step he will send the offer to {cust} on {when}.",
                     "Next action is to call the procurement of {cust} again.")},
        _T: {"pos": ("I check if she is doing the {cap} alone since last time, and yes she do it well with {cust}.",
                     "Since the role play he make the {cap} by himself on {cust}, I verified on the recording."),
             "neg": ("I check if the {cust} deal from last time is moving, it is in negotiation now.",
                     "From last meeting, {cust} is still not signed.")},
        "filler": ("We talk also about the holidays planning.", "The pipeline is good for this month."),
    },
    "spoken": {
        _G: {"pos": ("On {cust} you {gap}. That's a {cap} gap.", "Here's what I heard on {cust}: your {cap} - you {gap}."),
             "neg": ("You've got to bring more energy, man.", "Just dig deeper next time, yeah?")},
        _A: {"pos": ("What did you notice when {cust} pushed back?", "How do you think your {cap} went on that call?"),
             "neg": ("Don't you think you should have asked about budget?", "When will {cust} close?")},
        _P: {"pos": ("Let's put {cap} on your development plan and role-play it on {when}.",
                     "I want this in your growth plan - we'll practise {cap} and check back in two weeks."),
             "neg": ("OK so next step is you send {cust} the proposal by {when}.",
                     "Can you get the MSA over to {cust} legal this week?")},
        _T: {"pos": ("Since our role play, have you handled {cap} on your own? Which call?",
                     "Last time we said you'd run {cap} without me on {cust}. Did you manage it on your own?"),
             "neg": ("Last week you said {cust} would move. Did it?", "Did {cust} sign yet?")},
        "filler": ("Let's go through the forecast first.", "How's the week been?", "OK, what's next on the list?",
                   "Right, and the renewal?", "Cool. Anything blocking you?"),
        "replies": ("Yeah.", "I think so.", "Not yet, they're slow.", "Sure, will do.", "Honestly it felt rushed.",
                    "I think my discovery was weak there, I never got to the pain.",
                    "Should I put negotiation on my development plan?"),
    },
    "summary": {
        _G: {"pos": ("Focus area identified: {cap} (rep {gap} on {cust}).", "Gap observed: {cap} - {gap}."),
             "neg": ("Focus area: general improvement.", "Feedback: keep up the effort.")},
        _A: {"pos": ("Coach asked open reflection questions before giving feedback.",
                     "Rep self-assessed the {cust} call first at the coach's prompt."),
             "neg": ('Coach questions: "Shouldn\'t you have looped in legal?"',
                     "Questions asked: forecast category and close date for {cust}.")},
        _P: {"pos": ("Development goal set: {cap}; practice assigned: 2 recorded role plays, review {when}.",
                     "Added to development plan: {cap}, revisit next session."),
             "neg": ("Action items: rep to schedule exec meeting with {cust}.", "Next steps: send pricing to {cust} by {when}.")},
        _T: {"pos": ("Skill application check: rep used {cap} independently on {cust} since last session.",
                     "Previous focus ({cap}) applied without coach support on the {cust} call."),
             "neg": ("Deal progress check: {cust} advanced since last session.",
                     "Follow-up on previous session: 3 of 5 committed deals moved.")},
        "filler": ("Talk ratio: 62% coach.", "Session length: 30 min."),
    },
    "frame": {
        "note_head": ("", "1:1 notes\n"),
        "crm_head": ("1:1 - ", "Call review: "),
        "summary_head": ("Session summary\n- ", "Coaching summary\n- "),
        "summary_sep": "\n- ",
        "speakers": ("Manager", "Rep"),
    },
    "not_read": {
        "empty": ("", " "),
        "boilerplate": ("1:1", "Agenda:\nNotes:\nAction items:", "Call logged via Gong"),
        "language": ("Hemos revisado la llamada de descubrimiento con el cliente y los próximos pasos.",
                     "Revue de l'appel avec le client, il faut préparer la proposition."),
    },
}

_HELD = {
    "vocab": {
        "pairs": (
            ("qualification", "never confirmed who signs off on the budget"),
            ("value articulation", "listed features without linking them to the buyer's cost problem"),
            ("stakeholder navigation", "let the champion keep the CFO out of the room"),
            ("competitive positioning", "attacked the incumbent instead of showing the difference"),
            ("demo skills", "ran the full product tour before agreeing the use case"),
        ),
        "cust": ("Stark", "Wayne Corp", "Soylent", "Tyrell", "Cyberdyne", "Wonka"),
        "when": ("Tue", "Wednesday", "the 14th"),
    },
    "terse": {
        _G: {"pos": ("{cust} mtg: {gap} -> {cap} needs work", "obs: {cap} weak, {gap} ({cust})"),
             "neg": ("be sharper", "more hustle pls, go get em")},
        _A: {"pos": ("had her walk me thru {cust} b4 I said anything", "opened w/ 'what went well / what not' re {cust}"),
             "neg": ("asked 'why not just send the deck?' - he agreed", "asked for {cust} amount + sign date")},
        _P: {"pos": ("{cap} -> PDP, shadow top rep {when}, chk at nxt 1:1", "enrolled in {cap} module, we debrief {when}"),
             "neg": ("TODO: {cust} redlines back by {when}", "action: get {cust} champion to intro CFO")},
        _T: {"pos": ("did {cap} unaided on {cust} since last 1:1 - verified in call rec", "asked if she'd tried the {cap} stuff herself since our session - yes, on {cust}"),
             "neg": ("{cust} from last 1:1 -> verbal yes", "chased last wk's commits, 2 of 3 in")},
        "filler": ("PTO next fri", "CRM hygiene ok", "new territory map next month"),
    },
    "prose": {
        _G: {"pos": ("What held the {cust} deal back was his {cap}: he {gap}.",
                     "I pointed to one moment in the {cust} meeting where she {gap}, which is a {cap} problem."),
             "neg": ("I reminded him that attitude is everything in this job.",
                     "My feedback was that she should be more strategic in general.")},
        _A: {"pos": ("I held back my own feedback and invited him to talk through what he would change about the {cust} meeting.",
                     "My first question was what she thought the buyer at {cust} really cared about, and I let her answer fully."),
             "neg": ("I asked her whether it wouldn't have been smarter to bring the SE along.",
                     "I checked what stage {cust} is in and when the paperwork will be back.")},
        _P: {"pos": ("Her written growth plan now includes {cap}, with a shadowing session on {when} that we will come back to.",
                     "We set a quarterly development goal around {cap} and I booked two practice sessions with enablement."),
             "neg": ("He needs to get the revised quote to {cust} by {when}.",
                     "She is going to arrange an onsite visit at {cust} next month.")},
        _T: {"pos": ("I wanted to know whether the {cap} we practised had stuck, so I reviewed her {cust} call: she did it unprompted and without me.",
                     "Coming back to the goal from our previous meeting, he told me how he ran {cap} alone at {cust}, and the recording confirms it."),
             "neg": ("Coming back to last time, the {cust} opportunity has now reached contracting.",
                     "I asked whether the deals we discussed previously had progressed, and two of them had.")},
        "filler": ("Most of the hour went on territory planning.", "He mentioned he is moving house in the spring."),
    },
    "nonnative": {
        _G: {"pos": ("His weak point in {cust} visit was the {cap}, because he {gap}.",
                     "Concretely she {gap} with {cust}, so {cap} is to improve."),
             "neg": ("He should give more of himself for reaching target.", "She is too much calm, need more push.")},
        _A: {"pos": ("Before to say my feedback, I make her explain what is going wrong with {cust}.",
                     "I ask to him what he is thinking about his {cap} in this call, and I am listening."),
             "neg": ("I ask him if it is not better to call the director directly?",
                     "I ask him which is the amount of {cust} and the closing month.")},
        _P: {"pos": ("The {cap} is now one objective in his personal development plan, we are training together on {when}.",
                     "She will follow the training of {cap} and in the next one-to-one we are looking at it again."),
             "neg": ("He has to prepare the contract for {cust} until {when}.",
                     "Next step is the meeting with technical team of {cust}.")},
        _T: {"pos": ("After our training she is doing the {cap} without my help, I have seen it on the {cust} call.",
                     "I verify if he is applying alone the {cap} from our last session; on {cust} he did it correct."),
             "neg": ("The {cust} deal of last time now is in contract phase.", "I verify the deals of the last meeting, one is closed.")},
        "filler": ("We discuss about the new pricing list.", "The team meeting is moved to Wednesday."),
    },
    "spoken": {
        _G: {"pos": ("The thing I noticed at {cust}: you {gap}. That's {cap}, and it cost us.",
                     "I'd call it a {cap} issue - at {cust} you {gap}."),
             "neg": ("Honestly, you just need to want it more.", "Keep grinding, it'll come.")},
        _A: {"pos": ("Walk me through {cust} - what would you do differently?",
                     "Before I say anything, how did you read the buyer's reaction at {cust}?"),
             "neg": ("Why wouldn't you just bring your SE next time?", "Where are we on {cust} - is paper out?")},
        _P: {"pos": ("I'm adding {cap} to your development goals; you'll shadow Priya on {when} and we'll debrief after.",
                     "Let's make {cap} your focus for the quarter - two practice sessions, and we revisit in our next one-on-one."),
             "neg": ("Get the revised quote to {cust} by {when}, OK?", "Next step is the onsite at {cust}, can you set it up?")},
        _T: {"pos": ("Have you had a chance to run the {cap} piece yourself since we practised it?",
                     "When we last spoke you were going to try {cap} solo at {cust} - did you manage it without help?"),
             "neg": ("Remember {cust} from last time - did it progress?", "Any movement on the deals we talked about last week?")},
        "filler": ("Give me a quick number for the month.", "Did you see the new comp plan?",
                   "Moving on - hiring update.", "Anything from marketing you need?", "Quick one on expenses."),
        "replies": ("Mm-hm.", "Kind of, yeah.", "They went quiet on me.", "Let me think... okay.", "Good question.",
                    "To be fair I rushed qualification, I didn't ask who signs.",
                    "I practised the objection stuff on my own yesterday."),
    },
    "summary": {
        _G: {"pos": ("Key skill gap: {cap}. Evidence: seller {gap} ({cust}).",
                     "Coaching moment: {cap} - seller {gap}."),
             "neg": ("Overall sentiment: positive. Suggested improvement: be more engaged.",
                     "Manager feedback: good effort, keep going.")},
        _A: {"pos": ("Manager opened with reflection questions; seller analysed the {cust} call before feedback.",
                     "Questioning style: manager asked the seller to evaluate their own performance first."),
             "neg": ("Manager questions (leading): \"Why didn't you involve the SE?\"",
                     "Deal questions: stage, amount, and expected close for {cust}.")},
        _P: {"pos": ("Development plan item created: {cap}. Follow-up practice scheduled {when}.",
                     "Linked to growth goal '{cap}' (due end of quarter)."),
             "neg": ("Deal next steps: revised quote to {cust}; onsite to be scheduled.",
                     "Tasks created: update {cust} close date, send contract.")},
        _T: {"pos": ("Prior goal review: seller demonstrated {cap} unassisted on the {cust} call.",
                     "Independent application of {cap} confirmed since the last coaching session."),
             "neg": ("Prior action review: {cust} opportunity progressed to contract.",
                     "Pipeline change since last meeting: +2 stages on {cust}.")},
        "filler": ("Sentiment: neutral.", "Topics: forecast, territory, hiring."),
    },
    "frame": {
        "note_head": ("", "== 1-on-1 ==\n", "Weekly one-on-one, notes:\n"),
        "crm_head": ("Task: Coaching 1:1\nComments: ", "[Meeting] Pipeline & skills one-on-one | "),
        "summary_head": ("AI recap - key moments:\n* ", "Recap\n* "),
        "summary_sep": "\n* ",
        "speakers": ("[00:0{t}] Sales Manager", "[00:0{t}] AE"),
    },
    "not_read": {
        "empty": ("\t", "\n\n"),
        "boilerplate": ("N/A", "Meeting held - see shared doc", "Agenda\n- \nNext steps\n- "),
        "language": ("Besprechung zur Pipeline, nächste Schritte mit dem Kunden abgestimmt.",
                     "Abbiamo parlato della trattativa e del prossimo incontro con il cliente."),
    },
}

BANKS = {"train": _TRAIN, "heldout": _HELD}

#: The boundary case each "neg" template is, by its position in the bank (the same in every style and
#: split), so a reader's errors can be reported per boundary case of docs/COACHING_TEXT.md.
BOUNDARY = {
    _G: ("generic advice", "generic advice"),
    _A: ("telling question", "status question"),
    _P: ("deal next step", "deal next step"),
    _T: ("deal moved", "deal moved"),
}

_ABBREV = ((r"\bbefore\b", "b4"), (r"\bwith\b", "w/"), (r"\bnext\b", "nxt"), (r"\bweek\b", "wk"),
           (r"\byou\b", "u"), (r"\bdiscovery\b", "disc"), (r"\bfollow-up\b", "f/u"), (r"\bmeeting\b", "mtg"))


def _typo(rng: random.Random, text: str) -> str:
    """Swap two adjacent letters of one longer word (a realistic slip of the keyboard)."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return " ".join(words)


def _terse(rng: random.Random, text: str) -> str:
    for pattern, repl in _ABBREV:
        if rng.random() < 0.6:
            text = re.sub(pattern, repl, text)
    if rng.random() < 0.35:
        text = _typo(rng, text)
    return text.lower() if rng.random() < 0.5 else text


def _fill(rng: random.Random, template: str, vocab: dict) -> str:
    cap, gap = rng.choice(vocab["pairs"])
    return template.format(cap=cap, gap=gap, cust=rng.choice(vocab["cust"]), when=rng.choice(vocab["when"]))


def _render(rng: random.Random, form: str, style: str, bank: dict, sentences: list[str]) -> str:
    frame = bank["frame"]
    if form == "transcript":
        manager, rep = frame["speakers"]
        lines = []
        for t, s in enumerate(sentences):
            lines.append(f"{manager.format(t=t)}: {s}")
            lines.append(f"{rep.format(t=t)}: {rng.choice(bank['spoken']['replies'])}")
        return "\n".join(lines)
    if style == "terse":
        sep = rng.choice(("\n- ", "; ", " / "))
        body = sep.join(sentences)
        body = ("- " + body) if sep == "\n- " else body
    elif style == "summary":
        body = frame["summary_sep"].join(sentences)
    else:
        body = " ".join(sentences)
    if form == "crm":
        return rng.choice(frame["crm_head"]) + body
    if form == "summary":
        head = rng.choice(frame["summary_head"])
        return head + (body if style == "summary" else frame["summary_sep"].join(sentences))
    return rng.choice(frame["note_head"]) + body


def _one(rng: random.Random, split: str, n: int) -> dict:
    bank = BANKS[split]
    form = FORMS[n % len(FORMS)]
    style = rng.choice(FORM_STYLES[form])
    row: dict = {"note_id": f"{split[:2]}-{n:04d}", "split": split, "form": form, "style": style}
    if rng.random() < 0.07:  # not read: empty, boilerplate only, another language
        reason = rng.choice(("empty", "boilerplate", "language"))
        row.update(text=rng.choice(bank["not_read"][reason]), not_read=reason)
        row.update({b: None for b in BEHAVIOURS})
        row.update({f"evidence_{b}": None for b in BEHAVIOURS})
        row.update({f"case_{b}": "not read" for b in BEHAVIOURS})
        return row
    styled = bank[style]
    asks, rest = [], []
    for b in BEHAVIOURS:
        draw = rng.random()
        kind = "pos" if draw < 0.45 else ("neg" if draw < 0.8 else None)
        row[b] = kind == "pos"
        row[f"evidence_{b}"] = None
        row[f"case_{b}"] = "not mentioned"
        if kind is None:
            continue
        k = rng.randrange(len(styled[b][kind]))
        row[f"case_{b}"] = "positive" if kind == "pos" else BOUNDARY[b][k]
        s = _fill(rng, styled[b][kind][k], bank["vocab"])
        if style == "terse":
            s = _terse(rng, s)
        if kind == "pos":
            row[f"evidence_{b}"] = s
        # asking comes first (the rule: a question before advice on the point)
        (asks if b == _A else rest).append(s)
    filler = rng.sample(styled["filler"], rng.randint(0, min(len(styled["filler"]), 3 if form == "transcript" else 1)))
    rest += filler
    rng.shuffle(rest)
    sentences = asks + rest
    if not sentences:
        sentences = rng.sample(styled["filler"], 2)
    row.update(text=_render(rng, form, style, bank, sentences), not_read=None)
    return row


def generate(seed: int = 21, n_train: int = 320, n_heldout: int = 160) -> pd.DataFrame:
    """The labelled set: one row per note (``text``, ``form``, ``style``, ``split``, ``not_read``
    reason) with, per behaviour ``<b>``, a nullable boolean label, the ``evidence_<b>`` sentence and
    ``case_<b>`` (positive, the boundary case of a negative, not mentioned, not read).

    >>> df = generate(seed=1, n_train=40, n_heldout=20)
    >>> len(df), sorted(df.split.unique())
    (60, ['heldout', 'train'])
    """
    rng = random.Random(seed)
    rows = [_one(rng, "train", i) for i in range(n_train)] + [_one(rng, "heldout", i) for i in range(n_heldout)]
    df = pd.DataFrame(rows)
    for b in BEHAVIOURS:
        df[b] = df[b].astype("boolean")
    return df


def counts(df: pd.DataFrame) -> str:
    """Counts per split and form, and per split and behaviour (present / absent / not read)."""
    lines = ["notes per split and form:", df.pivot_table(index="form", columns="split", values="note_id",
                                                          aggfunc="count", margins=True).to_string(), ""]
    lines += ["notes per split and style:", df.groupby(["split", "style"]).size().unstack(0).to_string(), ""]
    cases = pd.concat([df[["split", f"case_{b}"]].rename(columns={f"case_{b}": "case"}).assign(behaviour=b)
                       for b in BEHAVIOURS])
    lines += ["cases per behaviour (positive, boundary negatives, not mentioned, not read):",
              cases.groupby(["behaviour", "case", "split"]).size().unstack("split").fillna(0).astype(int).to_string(), ""]
    lines.append("labels per split and behaviour (present / absent / not read):")
    for split in SPLITS:
        part = df[df.split == split]
        for b in BEHAVIOURS:
            yes = int(part[b].eq(True).sum())
            no = int(part[b].eq(False).sum())
            lines.append(f"  {split:8} {b:22} {yes:4} / {no:4} / {int(part[b].isna().sum()):3}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(counts(generate()))
