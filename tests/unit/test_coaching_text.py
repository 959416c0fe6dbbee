"""The coaching-notes reader (analytics/ingest/coaching_text.py) against docs/COACHING_TEXT.md.

Every example of the doc's boundary tables is read as the doc says; the contract of
``read_notes`` (columns, dtypes, order, <NA> when not read); speakers, rep turns, negation and
intention, not-read reasons, HTML, abbreviations; a hostile note finishes fast; and a floor on
the generated held-out split's macro-F1 (the split is never tuned on).
"""

from __future__ import annotations

import time

import pandas as pd
import pytest

from analytics.ingest.coaching_text import MAX_CHARS, NOT_READ_REASONS, read_note, read_notes
from analytics.schema import ABSENT_BELOW, COACHING_BEHAVIOURS, PRESENT_FROM

G, A, P, T = COACHING_BEHAVIOURS


def shown(text: str, behaviour: str):
    """True / False / None (uncertain or not read) for one behaviour of one note."""
    value = read_note(text)[behaviour]
    return None if value is pd.NA else bool(value)


# ----------------------------------------------------------------------------- the doc's tables
GAP = [  # (style, present, absent)
    ("terse", "disc. stayed surface lvl on Acme call - no pain quantified", "dig deeper nxt time"),
    ("transcript", 'Manager: On the Acme call you accepted "no budget" without asking how they fund projects like this.',
     "Manager: You've got to bring more energy, man."),
    ("crm", "1:1 - Rep skipped the economic buyer on Globex; single-threaded through procurement.",
     "1:1 held. Discussed performance."),
    ("summary", "Focus area identified: objection handling (rep conceded on price at first pushback).",
     "Focus area: general improvement, more focus needed."),
    ("nonnative", "He is not making the qualification of the budget in the first call, this is the gap.",
     "He must to work more hard on the calls."),
]
ASK = [  # (style, present, absent telling, absent status)
    ("terse", "asked her what she'd do diff on the Initech call b4 giving feedback",
     "told him: should've asked abt budget, right?", "asked wen Acme closes - says EOQ"),
    ("transcript", "Manager: What did you notice when the buyer pushed back on price?",
     "Manager: Don't you think you should have asked about budget?", "Manager: When will it close?"),
    ("crm", "Call review: manager opened by asking rep to self-assess the discovery call.",
     "Call review: asked rep why he didn't just ask for the meeting.",
     "Pipeline review: asked for close dates and amounts on top 5."),
    ("summary", "Coach asked 3 open reflection questions before feedback.",
     'Coach questions: "Shouldn\'t you have looped in legal?"', "Questions asked: forecast category, close date."),
    ("nonnative", "I am asking him first how he feels the call was going, then I give my opinion.",
     "I ask him: why you are not asking the budget?", "I ask him when the customer will sign."),
]
PLAN = [  # (style, present, absent deal next step)
    ("terse", "added obj handling to her IDP, role play thurs, revisit 1:1 in 2 wks",
     "nxt step: send proposal fri, book IT demo"),
    ("transcript", "Manager: Let's put multi-threading on your development plan and role-play it on Thursday.",
     "Manager: OK so next step is you send the proposal by Friday."),
    ("crm", "Dev plan updated: discovery (goal: 3 quantified pains per first call), review 15 May.",
     "Next steps: Follow up w/ procurement re: MSA redlines."),
    ("summary", "Development goal set: negotiation; practice assigned: 2 recorded role plays.",
     "Action items: rep to schedule exec meeting with Globex."),
    ("nonnative", "We put this in his development plan and he will practise it with me next week.",
     "Next step he will send the offer to the customer on Monday."),
]
TRACK = [  # (style, present, absent deal moved)
    ("terse", "f/u from last wk: ran disc solo on Hooli call, 3 pains quantified, no help",
     "f/u from last wk: Hooli moved to stage 4"),
    ("transcript", "Manager: Since our role play, have you handled a price objection on your own? How did it go?",
     "Manager: Last week you said Acme would move. Did it?"),
    ("crm", "Reviewed recording: rep led negotiation alone, held price - applied what we practised.",
     "Follow-up on previous 1:1: Initech deal advanced to proposal."),
    ("summary", "Skill application check: rep used MEDDIC qualification independently on 2 of 3 calls.",
     "Deal progress check: 3 of 5 committed deals advanced."),
    ("nonnative", "I check if she is doing the discovery alone since last time, and yes she do it well.",
     "I check if the deal from last time is moving, it is in negotiation now."),
]


@pytest.mark.parametrize("style,present,absent", GAP, ids=[r[0] for r in GAP])
def test_names_a_specific_gap_not_generic_advice(style, present, absent):
    assert shown(present, G) is True, present
    assert shown(absent, G) is False, absent


@pytest.mark.parametrize("style,present,telling,status", ASK, ids=[r[0] for r in ASK])
def test_asks_before_telling_not_a_telling_or_status_question(style, present, telling, status):
    assert shown(present, A) is True, present
    assert shown(telling, A) is False, telling
    assert shown(status, A) is False, status


@pytest.mark.parametrize("style,present,absent", PLAN, ids=[r[0] for r in PLAN])
def test_ties_to_a_plan_not_a_deal_next_step(style, present, absent):
    assert shown(present, P) is True, present
    assert shown(absent, P) is False, absent


@pytest.mark.parametrize("style,present,absent", TRACK, ids=[r[0] for r in TRACK])
def test_tracks_independent_application_not_a_deal_that_moved(style, present, absent):
    assert shown(present, T) is True, present
    assert shown(absent, T) is False, absent


def test_the_doc_s_other_boundary_sentences():
    # a capability with no instance is absent; with a concrete manifestation and no customer, present
    assert shown("We discussed negotiation and the quarter ahead.", G) is False
    assert shown("You jump to demo before the pain is clear.", G) is True
    # a deal fact is not the rep's execution
    assert shown("Budget not confirmed by customer yet, waiting on their finance team.", G) is False
    assert shown("You didn't ask about budget on the first call.", G) is True
    # a check for agreement after the answer is not asking
    assert shown("Manager: Ask about budget first. Make sense?", A) is False
    assert shown("Manager: You should ask about budget before the demo. What do you think?", A) is False
    assert shown("Manager: Next time, confirm who signs.\nRep: OK.\nManager: Thoughts?", A) is False
    assert shown("Manager: What do you think?", A) is None  # about nothing said: uncertain
    # a closed check on application is tracking only
    note = "Manager: Have you handled a price objection on your own since? Which call?"
    assert shown(note, T) is True and shown(note, A) is not True
    # one sentence can show two behaviours
    both = "Manager: Last time we agreed you'd lead the pricing talk alone; how did it go, and what would you change?"
    assert shown(both, T) is True and shown(both, A) is True
    # a one-off comment is not a plan; the manager doing it is not the rep applying it
    assert shown("Try that next time on the Acme call, it should help with the objections.", P) is False
    assert shown("I joined the call and handled the objection myself.", T) is False
    # follow-through on an action is not independent application
    assert shown("Did you finish the negotiation course we talked about last week?", T) is False
    # a heading alone shows nothing
    assert shown("Agenda: pipeline and quarter plan\nDev plan:\nNotes: pipeline is healthy this month", P) is False


# ----------------------------------------------------------------------------- phrasings of our own
#: Sentences written for these tests in other words than the doc and the generated set (other
#: customers, verbs, structures): (text, behaviour, expected: True / False / None = uncertain).
OWN = [
 # gap present
 ("She pitched pricing before understanding their process.", G, True),
 ("You talked for 80% of the call and never let the CFO explain the problem.", G, True),
 ("Biggest miss on the Contoso demo: no agenda set, so the buyer drove the whole thing.", G, True),
 ("He's weak at discovery - on Tuesday's call he asked two questions and jumped into the pitch.", G, True),
 ("Rep didn't identify a champion at Northwind and only spoke to IT.", G, True),
 ("Objection handling: when they said 'too expensive' she immediately offered 15% off.", G, True),
 ("You forgot to confirm next steps at the end of the Fabrikam meeting.", G, True),
 ("Forecasting accuracy is the issue: he committed Litware at 90% with no signed paper process.", G, True),
 ("gap = qualification. took the lead from marketing at face value, no BANT check", G, True),
 # gap absent
 ("Good energy on calls this week, keep it up!", G, False),
 ("Needs to be more consultative.", G, False),
 ("We talked about discovery in general.", G, False),
 ("Great discovery on the Contoso call, she found three pains.", G, False),
 ("Contoso hasn't confirmed the budget yet.", G, False),
 ("Work on your closing.", G, False),
 # asks present
 ("Manager: Talk me through the Contoso call - where did it turn?", A, True),
 ("Manager: If you could rerun that negotiation, what would you change?", A, True),
 ("Opened by having him rate his own call out of 10 and explain why.", A, True),
 ("Asked her to reflect on what worked in the demo before I shared anything.", A, True),
 ("Coach: What was going through your mind when they mentioned the competitor?", A, True),
 ("Started with 'what went well, what would you do differently' - she identified the pricing slip herself.", A, True),
 # asks absent
 ("Manager: Why didn't you bring the SE?", A, False),
 ("Manager: You should have asked about timeline, don't you think?", A, False),
 ("Manager: What's the close date on Contoso?", A, False),
 ("Manager: How much is Fabrikam worth now?", A, False),
 ("Manager: Is the PO in?", A, False),
 ("Told her to slow down and ask more questions.", A, False),
 ("Manager: Next time, ask about budget first. Got it?", A, False),
 ("I gave him my feedback, then asked what he thought.", A, False),  # asked after the answer
 # plan present
 ("We'll track this under her Q3 development goals and review at the monthly 1:1.", P, True),
 ("Booked him into the negotiation workshop on the 12th; debrief after.", P, True),
 ("Manager: I'd like you to shadow Maria on two discovery calls this month, then we'll compare notes.", P, True),
 ("Assigned the objection-handling module in the LMS, due Friday, we'll role play it next week.", P, True),
 # plan absent
 ("Plan for Contoso: send proposal Monday, get legal review by the 20th.", P, None),  # plan word, deal objects
 ("Action: Fabrikam security questionnaire by Thursday.", P, False),
 ("Mutual action plan agreed with the Litware team.", P, False),
 ("We didn't have time to update her development plan.", P, False),
 ("Try that next time.", P, False),
 # tracking present
 ("Listened to Thursday's Contoso call: she ran the pricing objection play herself, exactly as we drilled it.", T, True),
 ("Two weeks ago we role-played multi-threading; since then he has booked the CFO at Fabrikam on his own.", T, True),
 ("Manager: Since our last 1:1, have you tried opening with the agenda without me on the call?", T, True),
 ("Checked in on the discovery goal: she's now running first calls independently and quantifying pain.", T, True),
 # tracking absent
 ("Since last 1:1 Contoso slipped to next quarter.", T, False),
 ("Checked on the deals from last week: Fabrikam closed, Litware pushed.", T, False),
 ("I ran the negotiation with Litware myself since he was out.", T, False),
 ("Did you complete the module?", T, False),
 ("He closed Fabrikam on his own!", T, False),  # a deal outcome, nothing earlier checked
 # non-native, terse, long prose, direct speech, summaries; near misses of everyday notes
 # non-native
 ("He is speaking too much in the demo and the client cannot tell his problem.", G, True),
 ("She did not ask who is deciding, so the qualification was not complete.", G, True),
 ("I was asking her what she think about the call before I say my feedback.", A, True),
 ("We have agreed that he makes a training of negotiation and we see the result in the next meeting.", P, True),
 ("Now he is doing the discovery by himself, I saw it in the call of Tuesday, we worked on this last month.", T, True),
 ("I said him he must ask the budget.", A, False),
 ("The customer will sign the contract next week, he said.", T, False),
 # terse
 ("obj hndling weak - caved on price @ 1st push (contoso)", G, True),
 ("asked: what wud u do diff? she said slow down on pricing", A, True),
 ("PDP: +negotiation, rp w/ me thu", P, True),
 ("ran disco alone on fabrikam 2day, solid - from our rp last wk", T, True),
 ("nxt steps: SOW to legal, PO by EOM", P, False),
 ("contoso -> closed won!! from last 1:1", T, False),
 ("gud call overall", G, False),
 # prose, long sentences with multiple clauses
 ("We spent most of the session on the Q3 forecast, and toward the end I asked him what he had noticed about how the Contoso buyer reacted when he raised the price, which he answered well.", A, True),
 ("After reviewing the recording I told her that she had let the procurement lead set the agenda and never got back to the business problem.", G, True),
 ("I'd like her to keep working on this; we will put a role play in the calendar for the week after next and I will sit in on one of her calls.", P, True),
 ("Checked whether the deals we talked about two weeks ago had moved: Contoso is in legal, Fabrikam slipped.", T, False),
 ("I was pleased to see on Monday's call that he brought up the value case on his own, which is exactly what we drilled after our last session.", T, True),
 # transcripts (direct speech)
 ("Manager: Be honest with me, how do you feel that demo landed?", A, True),
 ("Manager: What's your read on why they went quiet after the proposal?", A, True),
 ("Manager: Didn't we agree you'd bring the SE?", A, False),
 ("Manager: So what's the plan for getting legal done by Friday?", A, False),
 ("Manager: Wouldn't you say the pricing slide came too early?", A, False),
 ("Manager: Are we still on track for the 30th?", A, False),
 ("Manager: You opened with the product instead of their problem, and that lost the room.", G, True),
 ("Manager: Let's get you on the objection handling course and then we'll role-play it together next Tuesday.", P, True),
 ("Manager: Send me the updated quote by Friday so I can approve it.", P, False),
 ("Manager: Last week you said you'd try the silence technique on your own - did you?", T, True),
 ("Manager: Last week you said Contoso would sign - did they?", T, False),
 # summaries
 ("Coaching focus: discovery. Observed: rep asked 2 of 8 planned questions and skipped the impact question.", G, True),
 ("Manager used open-ended questions to let the rep diagnose the call first.", A, True),
 ("Development action: complete 'Negotiating with Procurement' e-learning by 15 June; review in next 1:1.", P, True),
 ("Previous commitments: rep applied the multi-threading plan independently on 2 opportunities.", T, True),
 ("Deal review: 4 opportunities discussed, 2 moved to commit.", T, False),
 ("Sentiment: positive. Talk ratio: manager 45%, rep 55%.", G, False),
 ("Training next week on the new CRM, everyone has to attend.", P, None),
 ("He asked me what he should do differently on Contoso.", A, False),
 ("She asked how the forecast looks for next quarter.", A, False),
 ("He needs to work on discovery, we didn't have time to go into it.", G, False),
 ("He's been running the team meeting on his own since I was out.", T, None),
 ("Pricing approval needed from finance, no discount above 20%.", G, False),
 ("Discussed her development as a future team lead.", P, False),
 ("Good 1:1, she is in a good place.", G, False),
]


@pytest.mark.parametrize("text,behaviour,expected", OWN, ids=[f"{i}-{b[:5]}" for i, (_, b, _) in enumerate(OWN)])
def test_own_phrasings(text, behaviour, expected):
    assert shown(text, behaviour) is expected


#: Whole notes in several forms: (note, {behaviour: expected}).
OWN_NOTES = [
 ("You did great on discovery, no notes from me.", {G: False}),
 ("No discovery calls booked this week, pipeline is thin.", {G: False}),
 ("Strong demo at Contoso, nailed the use case.", {G: False}),
 ("She asked great discovery questions but never got to who signs - qualification gap.", {G: True}),
 ("Reviewed the Gong recording together. He lets the customer ramble and doesn't steer back to the agenda.", {G: True}),
 ("u talked way too much on the fabrikam call, buyer barely spoke", {G: True}),
 ("Mgr: so walk me thru what happened w/ litware?\nAE: they went dark after pricing\nMgr: what do u think caused that?", {A: True}),
 ("Weekly 1:1\n- pipeline: 3 deals in commit\n- Contoso close date moved to 30th\n- asked abt Fabrikam paperwork, still w/ legal", {A: False, G: False, P: False, T: False}),
 ("Salesforce Task - Subject: Coaching\nDescription: Reviewed Litware call. Rep pitched features for 20 min before asking a single question. Agreed to add discovery to her IDP; we'll role-play Tue.", {G: True, P: True, A: False}),
 ("Gong summary: The manager asked the rep how she felt the negotiation went, then gave feedback on anchoring. Next steps: rep to send revised quote.", {A: True, P: False}),
 ("Rep: how did I do?\nManager: Honestly? You rushed the close. You asked for the signature before the buyer agreed the value.", {A: False, G: True}),
 ("[00:01:10] Sarah Lee: So since our role play on objections, did you try the reframe yourself on any call?\n[00:01:25] Jon Park: Yes, on Northwind, it worked.\n[00:01:40] Sarah Lee: Nice, how did it feel doing it without me there?\n[00:02:00] Jon Park: Scary but fine.", {T: True, A: True}),
 ("He need more confidence, I tell him to prepare better the calls.", {G: False, A: False}),
 ("In last month I see he is doing the negotiation alone, without to call me, this is good progress from our training.", {T: True}),
 ("Follow-up from last 1:1: Fabrikam signed! Litware moved to stage 3.", {T: False}),
 ("<p>1:1 w/ Dan</p><p>&nbsp;</p><p>Dev plan:&nbsp;</p><p>Action items:</p><ul><li>Dan to send Contoso proposal</li></ul>", {P: False}),
 ("Talked about his career goals and the team lead role opening.", {P: False}),
 ("Enrolled her in the MEDDICC certification; we'll check progress at our next one-on-one.", {P: True}),
 ("Asked her whether she thought the Contoso call went well, she said yes.", {A: None}),
 ("Why do you think they chose the competitor?", {A: True}),
 ("Manager: What happened with Contoso?\nRep: Lost to the incumbent.\nManager: OK, and the close date for Fabrikam?", {A: None}),
 # transcript formats (speaker lines, WebVTT, unnamed speakers) and CRM/tool exports

 ("Manager: Priya Shah\nRep: Tom Reyes\n\nPriya Shah: What did you notice when the CFO joined?\nTom Reyes: She took over.\nPriya Shah: Right. Let's add exec presence to your development plan and role play it Friday.\nTom Reyes: What would you do differently?", {A: True, P: True}),
 ("Speaker 1: How do you think the negotiation went?\nSpeaker 2: Not great, I caved on price.\nSpeaker 1: What would you do differently?\nSpeaker 2: Hold the line.", {A: True}),
 ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Priya Shah>What did you notice when they pushed back on price?\n\n00:00:05.000 --> 00:00:07.000\n<v Tom Reyes>I dropped the price.\n\n00:00:08.000 --> 00:00:12.000\n<v Priya Shah>Since our role play, have you handled that on your own?", {A: True, T: True}),
 ("Priya Shah  0:05\nWhat did you notice when they pushed back on price?\nTom Reyes  0:12\nI dropped it by 10%.\nPriya Shah  0:20\nOK. How would you handle it next time?", {A: True}),
 ("Subject: 1:1 coaching\nDescription: Reviewed Contoso discovery call. Rep never asked about the decision process and went straight to demo. Added discovery to his IDP; shadow Ana on 3 calls next week.", {G: True, P: True}),
 ("Summary (auto-generated by Chorus)\nKey moments:\n- Manager asked the rep to walk through her approach before giving feedback\n- Rep acknowledged she skipped the budget question\n- Next steps: rep to send the proposal by Friday", {A: True, P: False}),
 ("catch up w/ jen. she did the cfo call on her own since we practiced it, went well. next: contoso proposal fri", {T: True, P: False}),
 ("We role-played the pricing objection and she will practise it on Thursday with Sam.", {P: True}),
 ("i asked him how he thought it went and what he'd change before i said anything", {A: True}),
 ("Told him he needs to multi-thread more. He agreed.", {G: False, A: False}),
 ("Speaker 1: How do you think the negotiation went?\nSpeaker 2: Since our role play I handled it on my own.\nSpeaker 1: What would you do differently next time?\nSpeaker 2: I should put it on my development plan.", {A: True, T: False, P: False}),
 ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Priya Shah (manager)>How's the pipeline?\n\n2\n00:00:05.000 --> 00:00:07.000\n<v Tom Reyes>Since our role play I handled pricing on my own.\n\n3\n00:00:08.000 --> 00:00:09.000\n<v Tom Reyes>I'll add negotiation to my development plan.", {T: False, P: False}),
 ("Priya Shah (manager)  0:05\nHow's the pipeline looking?\nTom Reyes  0:12\nSince our role play I handled pricing on my own, and I put it on my development plan.\nPriya Shah (manager)  0:20\nGood, send me the forecast.", {T: False, P: False}),
]


@pytest.mark.parametrize("note,expected", OWN_NOTES, ids=[str(i) for i in range(len(OWN_NOTES))])
def test_own_notes(note, expected):
    assert {b: shown(note, b) for b in expected} == expected


# ----------------------------------------------------------------------------- negation and intention
@pytest.mark.parametrize("text,behaviour", [
    ("Didn't get to the dev plan today, the forecast took the whole hour.", P),
    ("No time for the development plan this week, pushed to next 1:1.", P),
    ("Next time I should ask more first instead of jumping in with my view.", A),
    ("I forgot to ask her how she thought the call went, gave my feedback straight away.", A),
    ("Will check next 1:1 whether he runs discovery on his own.", T),
])
def test_negation_and_intention_are_absent(text, behaviour):
    assert shown(text, behaviour) is False


# ----------------------------------------------------------------------------- speakers
def test_rep_turns_never_count():
    note = ("Manager: Let's look at the forecast first, then the Acme call.\n"
            "Rep: I think my discovery was weak there, I never got to the pain.\n"
            "Rep: What would I do differently? Ask about budget earlier.\n"
            "Rep: I should put negotiation on my development plan and role-play it Thursday.\n"
            "Rep: Since our role play I handled the price objection on my own.")
    r = read_note(note)
    assert r["text_status"] == "read"
    assert [r[b] for b in COACHING_BEHAVIOURS] == [False, False, False, False]


@pytest.mark.parametrize("manager,rep", [
    ("Manager", "Rep"), ("Mgr", "AE"), ("M", "R"), ("Coach", "SDR"), ("Sales Manager", "Account Executive"),
    ("[00:12:03] Manager", "[00:12:09] Rep"), ("Priya (manager)", "Tom (rep)"), ("Team Lead", "BDR"),
])
def test_speaker_label_variants(manager, rep):
    note = (f"{manager}: How's the week been?\n{rep}: Busy. What did you notice on my Acme call?\n"
            f"{manager}: What did you notice when the buyer pushed back on price?\n{rep}: I caved too early.")
    r = read_note(note)
    assert r[A] is True and r[f"{A}_evidence"] == "What did you notice when the buyer pushed back on price?"
    # the same question from the rep never counts
    flipped = f"{rep}: What did you notice when the buyer pushed back on price?\n{manager}: Let's look at the forecast."
    assert read_note(flipped)[A] is False


def test_named_speakers_manager_from_the_header():
    note = ("Call review — Priya Shah (manager) with Tom Reyes\n"
            "[00:00:05] Tom Reyes: What did you think I should change? I feel the call went badly.\n"
            "[00:00:12] Priya Shah: Before I say anything, what did you notice when they raised price?\n"
            "[00:00:30] Tom Reyes: I dropped the price straight away.\n"
            "[00:00:41] Priya Shah: Let's put negotiation on your development plan; role play on Friday.")
    r = read_note(note)
    assert r[A] is True and "raised price" in r[f"{A}_evidence"]
    assert r[P] is True


def test_named_speakers_manager_from_who_asks_the_coaching_questions():
    note = ("Priya Shah: How do you think the discovery went on the Acme call?\n"
            "Tom Reyes: Honestly, not great.\n"
            "Priya Shah: What would you do differently with the CFO next time?\n"
            "Tom Reyes: Ask about budget earlier.\n"
            "Priya Shah: And what did you notice when she pushed back?\n"
            "Tom Reyes: She went quiet.")
    r = read_note(note)
    assert r[A] is True and r[f"{A}_confidence"] >= PRESENT_FROM


def test_named_speakers_with_no_way_to_tell_the_manager_are_uncertain():
    note = ("Priya Shah: What did you notice on the Acme call?\n"
            "Tom Reyes: What did you notice on the Globex call?\n"
            "Priya Shah: How do you think your discovery went?\n"
            "Tom Reyes: How do you think your negotiation went?")
    r = read_note(note)
    assert r[A] is pd.NA and ABSENT_BELOW < r[f"{A}_confidence"] < PRESENT_FROM
    assert r[f"{A}_evidence"]  # the sentence that made it uncertain


PIPELINE_CALL = """Call review — Dana Whit (manager) with Luis Ortega
[00:00:02] Dana Whit: Morning Luis, how was the weekend?
[00:00:05] Luis Ortega: Good thanks, bit tired.
[00:00:09] Dana Whit: Let's run through the pipeline. Where are we on Contoso?
[00:00:15] Luis Ortega: Legal has the MSA, they said end of month.
[00:00:21] Dana Whit: Did they push back on the liability cap?
[00:00:25] Luis Ortega: A bit, but procurement is fine.
[00:00:30] Dana Whit: OK. And Fabrikam, when will it close?
[00:00:34] Luis Ortega: Probably next quarter, they lost their sponsor.
[00:00:40] Dana Whit: That's a shame. What's the amount now?
[00:00:44] Luis Ortega: 120k.
[00:00:47] Dana Whit: Send me the updated forecast by Thursday please.
[00:00:52] Luis Ortega: Will do. I think I should have multi-threaded Fabrikam earlier, honestly.
[00:00:58] Dana Whit: Maybe. Anything else blocking you?
[00:01:02] Luis Ortega: The new pricing sheet is confusing.
[00:01:07] Dana Whit: I'll ask ops to walk us through it on Friday.
[00:01:12] Luis Ortega: Great.
[00:01:15] Dana Whit: Did Northwind sign since last week?
[00:01:18] Luis Ortega: Yes, Friday!
[00:01:20] Dana Whit: Brilliant, well done. Book the kickoff with their IT team.
[00:01:25] Luis Ortega: On it."""


def test_a_long_pipeline_call_shows_nothing_and_its_coaching_end_shows_everything():
    """A 20-turn named transcript of deal talk (status questions, next steps, a deal that signed
    'since last week', the rep's own self-diagnosis) shows no behaviour; the same call with a
    coaching end shows all four, each with the manager's sentence."""
    r = read_note(PIPELINE_CALL)
    assert [r[b] for b in COACHING_BEHAVIOURS] == [False, False, False, False]
    r = read_note(PIPELINE_CALL + """
[00:01:30] Dana Whit: Before we finish, let's talk about Fabrikam. What do you think happened when the sponsor left?
[00:01:40] Luis Ortega: I had nobody else.
[00:01:45] Dana Whit: Right - you stayed single-threaded through the whole cycle and never met the CFO.
[00:01:52] Dana Whit: I'd like multi-threading to be your development goal this quarter; shadow Priya on two exec meetings and we'll review at our next one-on-one.
[00:02:00] Luis Ortega: Sounds good.
[00:02:05] Dana Whit: And since our role play on pricing, have you handled a discount request on your own?
[00:02:10] Luis Ortega: Yes, on Litware, held the price.""")
    assert [r[b] for b in COACHING_BEHAVIOURS] == [True, True, True, True]
    assert r[f"{T}_evidence"].startswith("And since our role play on pricing")
    assert "single-threaded" in r[f"{G}_evidence"]


# ----------------------------------------------------------------------------- not read
@pytest.mark.parametrize("text,reason", [
    (None, "empty"), (pd.NA, "empty"), ("", "empty"), ("   \n\t ", "empty"), ("--- ... !!!", "empty"), (float("nan"), "empty"),
    ("1:1", "boilerplate"), ("Agenda:\nNotes:\nAction items:", "boilerplate"), ("Call logged via Gong", "boilerplate"),
    ("N/A", "boilerplate"), ("see doc", "boilerplate"), ("https://docs.example.com/d/abc123", "boilerplate"),
    ("Meeting held", "boilerplate"), ("good call", "too short"), ("ok", "too short"),
    ("Hemos revisado la llamada de descubrimiento con el cliente y los próximos pasos.", "language"),
    ("Besprechung zur Pipeline, nächste Schritte mit dem Kunden abgestimmt.", "language"),
    ("Revue de l'appel avec le client, il faut préparer la proposition pour la semaine prochaine.", "language"),
    ("Wir haben die Einwandbehandlung geübt und er macht das jetzt allein, ohne meine Hilfe.", "language"),
    ("Le dije que tiene que preguntar por el presupuesto antes de la demo.", "language"),
    ("電話の振り返りをしました。次回は予算について質問する。", "language"),
    ("Vi gick igenom samtalet med kunden och nästa steg.", "language"),
    ("We bespraken het gesprek met de klant en de volgende stappen.", "language"),
    ("Discutimos a chamada com o cliente e os próximos passos.", "language"),
    ("Revisé la llamada: hizo buenas preguntas.", "language"),
    ("Omówiliśmy rozmowę z klientem i kolejne kroki, nie jest źle.", "language"),
    ("Обсудили звонок с клиентом и следующие шаги.", "language"),
])
def test_not_read_reasons(text, reason):
    r = read_note(text)
    assert r["text_status"] == f"not read: {reason}" and reason in NOT_READ_REASONS
    for b in COACHING_BEHAVIOURS:
        assert r[b] is pd.NA and pd.isna(r[f"{b}_confidence"]) and r[f"{b}_evidence"] is None


def test_english_notes_are_read_terse_and_non_native_included():
    for text in ("pipeline ok, forecast fri, acme commit", "disc weak on acme, no pain quantfied",
                 "He must to work more hard on the calls.", "1:1 held. Discussed performance.",
                 "Nestlé pipeline review, forecast ok, commit Müller", "LA office pipeline review, commit ok",
                 "Café Rio deal: proposal sent, con call fri", "obs: disc weak, no pain quantified (Müller GmbH)"):
        assert read_note(text)["text_status"] == "read", text


def test_a_spanish_name_does_not_make_a_note_mixed_language():
    r = read_note("Call with Maria de la Cruz: she skipped the economic buyer on the Globex call.")
    assert r[G] is True


def test_a_mixed_language_note_is_read_but_never_confident():
    note = ("Hemos hablado de la llamada con el cliente, pero la negociación fue difícil. "
            "Let's put negotiation on your development plan and role-play it on Thursday.")
    r = read_note(note)
    assert r["text_status"] == "read"
    assert r[P] is pd.NA and ABSENT_BELOW < r[f"{P}_confidence"] < PRESENT_FROM


# ----------------------------------------------------------------------------- forms
def test_hubspot_html():
    note = ("<p>Call review&nbsp;with Tom</p><p>What did you notice when the buyer pushed back?</p>"
            "<ul><li>Tom&nbsp;skipped the economic buyer on Globex</li>"
            "<li>Added multi-threading to his IDP, role play Thursday</li></ul>")
    r = read_note(note)
    assert (r[G], r[A], r[P], r[T]) == (True, True, True, False)
    assert r[f"{G}_evidence"] == "Tom skipped the economic buyer on Globex"


@pytest.mark.parametrize("text,behaviour", [
    ("put obj handling on her developement plan, role-paly thurs", P),
    ("since our roleplay she ran disc indepedently on Contoso", T),
    ("asked her what she'd do diffrently b4 giving feedback", A),
    ("he conceeded on price at the first push back from the CFO on the Contoso call", G),
])
def test_misspellings_of_the_words_the_rules_rely_on(text, behaviour):
    assert shown(text, behaviour) is True


def test_bullets_and_terse_abbreviations():
    note = "- pipeline ok\n- asked him what he'd do diff w/ Initech b4 I gave feedback\n* f/u: ran obj handling solo since our rp"
    r = read_note(note)
    assert r[A] is True and r[T] is True and r[G] is False


# ----------------------------------------------------------------------------- contract
def test_read_notes_contract():
    texts = ["Manager: What did you notice when the buyer pushed back?", None, "Call logged via Gong",
             "<p>Rep skipped the economic buyer on Globex.</p>"]
    progress = []
    out = read_notes(iter(texts), progress=progress.append)
    columns = ["text_status"] + [c for b in COACHING_BEHAVIOURS for c in (b, f"{b}_confidence", f"{b}_evidence")]
    assert list(out.columns) == columns and len(out) == 4
    for b in COACHING_BEHAVIOURS:
        assert str(out[b].dtype) == "boolean" and out[f"{b}_confidence"].dtype == float
    assert out["text_status"].tolist() == ["read", "not read: empty", "not read: boilerplate", "read"]
    assert out.loc[1:2, list(COACHING_BEHAVIOURS)].isna().all().all()
    assert out.loc[0, A] and out.loc[3, G] and not out.loc[0, G]
    assert progress[-1] == 1.0 and all(0 <= p <= 1 for p in progress)
    # the same as read_note, row by row
    for i, t in enumerate(texts):
        single = read_note(t)
        assert single["text_status"] == out.at[i, "text_status"]
    assert read_notes([]).columns.tolist() == columns


def test_confidence_bands_match_the_values():
    out = read_notes(["Manager: What did you notice when the buyer pushed back?",
                      "We discussed the forecast and the holidays planning for the team."])
    for b in COACHING_BEHAVIOURS:
        for value, conf, evidence in zip(out[b], out[f"{b}_confidence"], out[f"{b}_evidence"], strict=True):
            value = pd.NA if value is pd.NA else bool(value)
            assert 0 <= conf <= 1
            if conf >= PRESENT_FROM:
                assert value is True and evidence
            elif conf <= ABSENT_BELOW:
                assert value is False and evidence is None
            else:
                assert value is pd.NA and evidence


# ----------------------------------------------------------------------------- hostile notes
@pytest.mark.parametrize("note", [
    "a" * 1_000_000, "\n" * 100_000, "Manager: " + "why " * 200_000,
    "\n".join(f"Manager: What did you notice on call {i}?\nRep: {'no ' * 20}" for i in range(5_000)),
    "(" * 50_000 + "discovery" + ")" * 50_000, "didn't " * 100_000 + "?", "<" * 200_000 + "p>" * 1000,
    # long runs of whitespace inside one line (a pattern that rescanned a run would be quadratic)
    "discovery " + " " * 19_000 + " missed on the call", "a" + " \t" * 9_990 + "b / c ; d", "\u2003" * 19_000 + "x y",
    "Manager" + " " * 19_000 + ": what did you notice?", "\n" * 19_990 + "-->", "you missed discovery " + "(" * 19_000,
])
def test_a_hostile_note_finishes_fast(note):
    """Linear, not quadratic: a pattern rescanning these runs takes tens of seconds. CPU time of
    this process, not wall time: on a machine busy with other work (CI, parallel test workers)
    the wall clock ran to 0.6 s for a note that takes 0.1 s of CPU."""
    t0 = time.process_time()
    read_note(note)
    assert time.process_time() - t0 < 1.0
    assert MAX_CHARS <= 50_000


# ----------------------------------------------------------------------------- the labelled set
def test_floor_on_the_generated_held_out_split():
    from tests.coaching_notes import generate
    from tools.notes_eval import score

    df = generate()
    held = df[df.split == "heldout"].reset_index(drop=True)
    scores = score(held, read_notes(held["text"]))
    assert scores["macro_f1"] >= 0.93, scores
    assert scores["not_read"]["labels_only"] == scores["not_read"]["reader_only"] == 0


def test_bench_row_reads_the_import_mix():
    from benchmarks import notes, run

    mix = notes.build_notes(400, seed=3)
    long_transcripts = [t for t in mix if t.startswith("Manager: ") and 20 <= t.count("\n") + 1 <= 60]
    assert len(mix) == 400 and len(long_transcripts) >= 40
    res = notes.measure_notes(300)
    assert res["notes"] == 300 and res["seconds"] > 0 and res["notes_per_s"] > 0
    rows = run.build_rows([1.0], {1.0: {"rows": 1, "app_s": 1.0, "duckdb_s": 1.0, "pandas_s": 1.0, "app_peak_mb": 1,
                                        "duckdb_peak_mb": 1, "pandas_peak_mb": 1}}, {}, None, {}, None, res)
    row = next(r for r in rows if r[0].startswith("Read coaching notes (300"))
    assert row[1] == {1.0: res["seconds"]} and row[3] == "< 60" and row[4] == "met"


def test_the_evaluation_tool_counts_as_the_brief_says():
    """tools.notes_eval: labels in words or numbers; a label marked uncertain and a note not read by
    the labels are left out of P/R/F1; an uncertain reading counts as not shown."""
    from tools.notes_eval import score

    df = pd.DataFrame({
        "text": ["Manager: What did you notice when the buyer pushed back?", "",
                 "You skipped the economic buyer on Globex.", "Manager: What do you think?"],
        "named_specific_gap": ["no", None, "yes", "no"], "asked_before_telling": [1, None, "uncertain", "yes"],
        "tied_to_plan": [False, None, False, False], "tracked_application": ["absent", None, "absent", "absent"]})
    s = score(df, read_notes(df["text"]))
    a = s[A]
    assert (a["n"], a["labelled_uncertain"], a["tp"], a["fn"], a["uncertain"]) == (2, 1, 1, 1, 1)
    assert s[G]["tp"] == 1 and s[G]["fp"] == 0 and s[G]["n"] == 3
    assert s["not_read"] == {"both": 1, "labels_only": 0, "reader_only": 0, "labelled_not_read": 1}


def test_the_evaluation_tool_loads_only_the_files_named(tmp_path, monkeypatch):
    """``--files 1,2`` loads those hand-written files and never a third one beside them (the blind
    set); the loader's default (every file) is unchanged."""
    import json

    import tests.coaching_notes_written as written
    from tools.notes_eval import load_set, main

    def record(note_id: str) -> str:
        none = {b: None for b in COACHING_BEHAVIOURS}
        return json.dumps({"id": note_id, "form": "note", "style": "terse", "text": "Asked her what she noticed.",
                           "labels": {b: False for b in COACHING_BEHAVIOURS}, "evidence": none,
                           "case": {b: "not mentioned" for b in COACHING_BEHAVIOURS}, "not_read": None})
    for k in (1, 2, 3):
        (tmp_path / f"coaching_notes_written_{k}.jsonl").write_text(record(f"x{k}") + "\n", encoding="utf-8")
    monkeypatch.setattr(written, "DATA", tmp_path)
    assert load_set("written", "1,2").note_id.tolist() == ["x1", "x2"]
    assert load_set("written", "2").note_id.tolist() == ["x2"]
    assert load_set("written").note_id.tolist() == ["x1", "x2", "x3"]  # the default: every file
    with pytest.raises(SystemExit):
        load_set("written", "1,9")
    with pytest.raises(SystemExit):
        main(["--set", "generated", "--files", "1"])


# ----------------------------------------------------------------------------- rules of the tune round
#: Each rule added to hold on notes its rules were not written from, with two or three sentences of
#: our own (other words, same structure) it must read and a near miss it must not. None of these is a
#: sentence of the hand-written sets. (text, behaviour, expected: True shown / False not / None uncertain)
TUNE_RULES = [
 # gap: capability and manifestation vocabulary of a sales org
 ("On the Zephyr call she anchored far too low and gave away the setup fee in the first ten minutes.", G, True),
 ("He signed up to 90-day payment terms on Marlow without asking for a longer contract in return.", G, True),
 ("Stayed single threaded on Quarry Labs, only ever emailed the one analyst.", G, True),
 ("You cut across the buyer twice while she was explaining the approval chain.", G, True),
 ("She showed all the modules to the Fenwick team before knowing which problem they had.", G, True),
 ("He offered the multi-year discount before the buyer had even raised price.", G, True),
 ("She only showed the two screens they had asked about, well judged.", G, False),
 ("Observed: the rep took the first counter-offer on the Birch renewal without trading anything.", G, True),
 # gap: a shortfall that names its skill counts beside a capability word
 ("Heard five of his dials: in four he led with our features before giving the prospect a reason to listen.", G, True),
 # gap: the rep's own diagnosis reported in a note is the rep's words (rule 2)
 ("In her view she hurried through the price page and skipped the budget question.", G, False),
 ("Rep said he never got to the economic buyer on Halden.", G, False),
 # gap: the manager doing the work (decision (j))
 ("I took charge of the Halden price talk and conceded the 10% myself.", G, False),
 ("Recap: the manager joined the renewal call and handled the discount request.", G, False),
 # gap: a report of independent use is no miss, unless a failure verb is in it
 ("Since our session he ran the renewal negotiation on his own, no discount offered.", G, False),
 ("She ran discovery alone on Corvid but never asked who signs.", G, True),
 # gap: a reported telling question names nothing (decision (a))
 ("I asked him why he didn't bring procurement in sooner.", G, False),
 ("Asked her whether it wouldn't be better to send the pricing before the demo.", G, False),
 # gap: an evaluated capability with a concrete shortfall
 ("Closing is the gap on Larkspur: the call ended with no date and no agreed follow-up.", G, True),
 ("Closing is the focus for her this quarter.", G, False),
 # asks: a negated ask is the rep not asking
 ("She demoed the reporting suite without asking what they wanted to see first.", A, False),
 ("He presented pricing instead of asking how they had budgeted for it.", A, False),
 # asks: small talk is not reflection
 ("Manager: How was your weekend?", A, False),
 ("Manager: How are you doing today?", A, False),
 ("Manager: How are you feeling about the way the Larkspur negotiation went?", A, True),
 # asks: an open question after a leading clause
 ("Manager: Since the workshop, where did you try the new opener, and what would you do differently with it?", A, True),
 ("Manager: You ran it yourself on Corvid, so how did it go and what would you tweak?", A, True),
 # asks: invitations that are not questions (decision (c))
 ("Pick the demo you're least proud of this month and walk me through what you'd redo.", A, True),
 ("Choose one lost deal and tell me what you would do differently on the first call.", A, True),
 ("Walk me through the close dates for your commit deals.", A, False),
 # asks: counterfactual and "can you start by telling me"
 ("Manager: What else could you have tried when the CFO went quiet?", A, True),
 ("Manager: Could you begin by walking me through how the pitch went?", A, True),
 ("Manager: Can you send me the deck?", A, False),
 # asks: regret and unmet intention (rule 4)
 ("I should've let her assess the call herself before jumping in.", A, False),
 ("I meant to ask him to self-review first but ran out of time.", A, False),
 # asks: "you asked" in the manager's words is the rep asking
 ("Manager: On Corvid you asked how they evaluate vendors, which was smart.", A, False),
 # asks: asked first, before the manager commented
 ("Dana opened by asking Lee to critique his own Corvid demo before she commented.", A, True),
 # plan: a dated practice with the manager's commitment to check is a plan; tentative words are not
 ("Role play on Thursday with Sam as the CFO, and I'll check her next live renewal call.", P, True),
 ("Maybe a role play at some point.", P, False),
 # plan: deferred or unchanged (negation)
 ("Planned to update his development plan but the call ran over.", P, False),
 ("Development plan: no change this month.", P, False),
 ("We're short on time, so the development plan waits for another week.", P, False),
 # plan: a topic list ties nothing; adding to the plan does
 ("The session covered pipeline, forecast and his development goals.", P, False),
 ("Covered his development goals and added negotiation to them.", P, True),
 ("Put discovery into her 60-day ramp plan with a role play on Monday.", P, True),
 # plan: the manager doing the deal while the rep shadows
 ("I'll lead the exec meeting on Friday, she can shadow.", P, False),
 # tracks: independence phrases and reflexives after what the rep did
 ("Since our session on openers, he booked three meetings with no input from me.", T, True),
 ("Since last month's coaching she has run every renewal call without any prompting.", T, True),
 ("Checked the CRM: since our forecasting session he confirmed every close date with the buyer himself.", T, True),
 ("Last session's goal: she ran discovery alone on two new first calls.", T, True),
 ("The CFO himself joined the call since the deal moved to legal.", T, False),
 ("He saw it himself: his demos run long.", T, False),
 # tracks: a check meant but not done (rule 4)
 ("Wanted to check if he'd been handling objections on his own since the workshop, but we ran out of time.", T, False),
]


@pytest.mark.parametrize("text,behaviour,expected", TUNE_RULES,
                         ids=[f"{i}-{b[:5]}" for i, (_, b, _) in enumerate(TUNE_RULES)])
def test_tune_round_rules(text, behaviour, expected):
    assert shown(text, behaviour) is expected


def test_a_header_of_who_was_there_is_not_a_transcript():
    """"Rep: Dana K. | Manager: Lee M." names the people; scorecard and all-caps headings are not
    speakers: the readings are not capped as uncertain."""
    note = ("Rep: Dana K. | Manager: Lee M. | Call: Corvid renewal\n"
            "Discovery: 3/5\n"
            "Objection handling: 2/5 - when Corvid said we cost too much she dropped a tier instead of asking "
            "what they compared us with.\n"
            "MANAGER FEEDBACK: objection handling added to her development plan, role play on the 12th.")
    r = read_note(note)
    assert r[G] is True and r[P] is True
    assert r[f"{G}_confidence"] >= PRESENT_FROM
    # a one-word reply is a turn, not a header
    assert shown("Manager: What did you notice on the Corvid call?\nRep: Yes.\nRep: Since our role play I did it "
                 "alone.", T) is False


@pytest.mark.parametrize("text", [
    "STRENGTHS:\nGAPS:\nPLAN:\nNEXT 1:1:",
    "Coaching focus:\nWhat went well:\nTo improve: -\nDevelopment plan: n/a\n",
    "Subject: Coaching\nComments: see Chorus",
    "Summary unavailable: recording too short to analyze.",
])
def test_empty_templates_and_pointers_are_boilerplate(text):
    assert read_note(text)["text_status"] == "not read: boilerplate"


def test_a_terse_note_splits_after_a_week_abbreviation():
    note = "no time for dev plan, pushed to nxt wk. asked her how she felt the demo went b4 my feedback."
    assert shown(note, A) is True and shown(note, P) is False


def test_the_fast_tests_before_the_patterns_never_hide_a_match():
    """Speed shortcuts: each independence phrase holds one of the literal keys tested before the
    pattern; an ASCII note's words are those the pattern finds; a line with nothing to cut at is one
    sentence."""
    from analytics.ingest import coaching_lexicon as lexicon
    from analytics.ingest import coaching_text as reader

    for phrase in lexicon.INDEPENDENT:
        assert any(k in phrase for k in reader._INDEP_KEYS), phrase
    for phrase in lexicon.DEAL_MOVED:
        assert any(k in phrase for k in reader._MOVED_KEYS), phrase
    for phrase in lexicon.ASK_VERBS + lexicon.ASK_FIRST:
        assert any(k in phrase for k in reader._ASK_KEYS), phrase
    for text in [t for t, _, _ in TUNE_RULES] + [t for t, _ in OWN_NOTES]:
        n = reader._normal(text)
        assert not reader._INDEP.search(n) or reader._may_be_independent(n), text
        ascii_text = text.encode("ascii", "ignore").decode()
        assert reader._words_of(ascii_text) == [w.strip("'") for w in reader._WORD.findall(ascii_text)], text
    assert reader._split_sentences("He never asked who signs") == ["He never asked who signs"]
    assert reader._split_sentences("He never asked. She did; fine") == ["He never asked.", "She did", "fine"]


#: The writers' questions settled in docs/COACHING_TEXT.md ("Decisions"), each with notes of our own.
DECISIONS = [
 # (a) a telling question that implies a past miss tells; it does not name the gap
 ("Manager: Why didn't you ask about their renewal date?", {G: False, A: False}),
 ("Manager: Why didn't you ask about their renewal date? On Corvid you never confirmed who signs.", {G: True, A: False}),
 # (b) agreeing with the rep's own diagnosis names nothing; restating it with the instance does
 ("Rep: I think I rushed the pricing.\nManager: Yes, that's it.", {G: False}),
 ("Rep: I think I rushed the pricing.\nManager: I agree: on Corvid you quoted before they had agreed the scope.", {G: True}),
 # (c) an invitation that is not a question asks
 ("Take the renewal you liked least this month and tell me what you'd change.", {A: True}),
 # (d) "how did it feel doing it on your own?" asks; it tracks only beside what was practised
 ("Manager: How did it feel doing it on your own?", {A: True, T: None}),
 ("Manager: Since our role play on pricing you ran it alone on Corvid. How did it feel doing it on your own?",
  {A: True, T: True}),
 # (d) practice with no date nor revisit is a one-off comment
 ("Practise your opener.", {P: False}),
 ("Role play the renewal objection with Sam.", {P: False}),
 ("Role play the renewal objection with Sam on Thursday.", {P: True}),
 # (e) naming the plan item while checking application ties to the plan as well
 ("The negotiation goal on your development plan: did you hold price alone on Corvid since our session?",
  {P: True, T: True}),
 ("Since our last session, did you hold price alone on Corvid?", {P: False, T: True}),
 # (f) a check on application that comes back negative still tracks application
 ("Checked whether she had run discovery on her own since our last 1:1: not yet, she still waits for me.",
  {T: True}),
 # (g) tool metrics are the tool's words
 ("Talk ratio 68%. Longest monologue 4 min.", {G: False}),
 ("You talked for 68% of the Corvid call and your longest monologue ran 4 minutes.", {G: True}),
 # (i) work tasks are neither a plan nor a gap
 ("Send me your territory tiering by Friday.", {P: False, G: False}),
 ("40 dials by Thursday.", {P: False, G: False}),
 # (j) the manager doing the work shows no behaviour
 ("I took the Corvid pricing call myself and handled the discount request.", {G: False, T: False, P: False}),
 # (k) "Make sense?" after telling is not asking
 ("Confirm the budget owner before the demo. Make sense?", {A: False}),
]


@pytest.mark.parametrize("note,expected", DECISIONS, ids=[str(i) for i in range(len(DECISIONS))])
def test_decisions_on_the_writers_questions(note, expected):
    assert {b: shown(note, b) for b in expected} == expected


def test_decision_h_two_words_are_too_short():
    assert read_note("Good 1:1")["text_status"] == "not read: too short"
    assert read_note("Solid session")["text_status"] == "not read: too short"
    assert read_note("1:1 - meeting held")["text_status"] == "not read: boilerplate"


# ----------------------------------------------------------------------------- second round (tune2)
#: Rules generalised on a third hand-written file, each with sentences of our own (other words,
#: same structure) and a near miss. None of these is a sentence of the hand-written sets.
TUNE2_RULES = [
 # gap: the rep as subject of a negated action, whatever the verb (the action is the capability)
 ("On the Halvard visit you never checked which sites were already tied in elsewhere.", G, True),
 ("She didn't verify the headcount figures the HR lead gave her, so the estimate was off.", G, True),
 ("He is not checking which printers they lease, direct he sends the catalogue.", G, True),
 ("On the Tarrant visit he is showing the full catalogue before to know what their plant repairs.", G, True),
 ("She didn't cave when the buyer threatened to walk.", G, False),
 ("You didn't have time to prep the Oslo call, fair enough.", G, False),
 # gap: contact with one person only; a percentage given away
 ("He has spoken only to the office manager in five visits.", G, True),
 ("The rep knocked off 12% on the first call with nothing in return.", G, True),
 ("Only the office manager replied to the invite.", G, False),
 # gap: an observation, then "That's <capability>" pointing back at it
 ("You wrote the bid without the client's scoring sheet. That's tender qualification.", G, True),
 ("You talked for the entire demo and the buyer got two sentences in. That's your listening.", G, True),
 ("Great work on the bid. That's tender qualification.", G, False),
 # gap: independence in the manager's words is no shortfall; the customer as actor is a deal fact
 ("Heard from the partner on the call that you handled the security questions by yourself and didn't need the SE.", G, False),
 ("I did not intervene once; she ran the pricing talk herself.", G, False),
 ("She did not ask us for input on the budget in any renewal this month.", G, False),
 ("The payback model held up and the client's CFO accepted it without changes.", G, False),
 # gap: a negated action needs someone on the buyer's side or an instance; a negated failure is a success
 ("He didn't hit quota this quarter.", G, False),
 ("You haven't sent the proposal yet.", G, False),
 ("He didn't meet the buyer this week because of the holidays.", G, False),
 ("She didn't hand the prospect a reason to meet again.", G, True),
 ("You never once lost your cool with the buyer.", G, False),
 ("She never skipped the discovery questions on any call.", G, False),
 ("She didn't let the buyer finish on the Corvid call.", G, True),
 # plan: a capability and a later session to go over it again, with a commitment
 ("Let's go through your next two cold-call openers together in our next session.", P, True),
 ("He'll run three mock renewal calls with Priya; we listen back next session.", P, True),
 ("We agreed on two call reviews a month on qualification, first one on the 9th.", P, True),
 ("We'll look at the Orbis proposal at our next 1:1.", P, False),
 # plan: a practice word that is a customer's business, a place or an artefact sent to a customer
 ("The practice owner wants the trial extended to Friday.", P, False),
 ("I'll sort the loaner with the workshop on Monday.", P, False),
 ("Send the savings simulation to the buyer by Wednesday.", P, False),
 # plan: practice going on, or a plan looked back on, is tracking; looked back on and carried forward is a plan
 ("She's been role-playing the renewal call with Tom since our last session.", P, False),
 ("Follow-up on the negotiation goal from her IDP.", P, False),
 ("Negotiation goal from her IDP carried forward, next review on 3 June.", P, True),
 # tracks: what was practised names the skill; an earlier reference a few units before still counts
 ("A month back we role-played requesting introductions. Has she requested one by herself since?", T, True),
 ("He has been shadowing Mia since our last session and last week did the Quarry kickoff without her.", T, True),
 ("Manager: Let's start with what we role-played last month.\nRep: OK.\nManager: Your SE told me you ran the "
  "security questions on your own on Friday.", T, True),
 ("Manager: Last week you said Corvid would sign.\nRep: It did.\nManager: You ran the renewal call on your own too.",
  T, None),
 ("Since the March role play she has run each renewal herself and didn't ask us for input.", T, True),
 # tracks: a reflexive of the customer, "on price alone"
 ("Since the pricing session she missed the budget question and the buyer raised it themselves at the end.", T, False),
 ("Last session we set the goal; on the Corvid call he competed on price alone.", T, False),
 # asks: a status question in other words; reflection on the rep's own reasoning or on what was different
 ("Manager: Where do things stand with Harlow?", A, False),
 ("Asked her how she chooses which deals go in best case before I said anything.", A, True),
 ("Manager: What was different for you on this renewal compared with the last one?", A, True),
]


@pytest.mark.parametrize("text,behaviour,expected", TUNE2_RULES,
                         ids=[f"{i}-{b[:5]}" for i, (_, b, _) in enumerate(TUNE2_RULES)])
def test_tune2_rules(text, behaviour, expected):
    assert shown(text, behaviour) is expected


def test_a_dictated_note_with_no_punctuation_gives_a_clause_as_evidence():
    note = ("voice note for Sam one to one we went back over the cold call practice from last month and he played "
            "me two calls from this week and on the second one he handled the gatekeeper all by himself asked the "
            "gatekeeper when the director is free and what they'd change about their supplier and then we spent "
            "the rest of the time on his leave dates and the team offsite plans for spring")
    r = read_note(note)
    assert r[T] is True and r[A] is False
    assert "leave dates" not in r[f"{T}_evidence"] and len(r[f"{T}_evidence"]) < len(note)


def test_the_evaluation_tool_scores_each_file_apart():
    """--by-file: one row per hand-written file (the prefix of note_id), for leave-one-file-out checks."""
    from tools.notes_eval import by_file

    df = pd.DataFrame({
        "note_id": ["w1-001", "w1-002", "w2-001"], "form": ["note"] * 3,
        "text": ["You skipped the economic buyer on Globex.", "Good energy today, keep it up.",
                 "On Corvid you never confirmed who signs."],
        G: ["yes", "no", "yes"], A: ["no"] * 3, P: ["no"] * 3, T: ["no"] * 3})
    lines = by_file(df, read_notes(df["text"])).splitlines()
    assert [ln.split()[:2] for ln in lines[1:]] == [["w1", "2"], ["w2", "1"]]


def test_an_empty_template_under_a_title_is_boilerplate():
    """A title line, then headings with nothing filled in: nothing to read."""
    assert read_note("Weekly coaching notes - Dana\nWins:\nBlockers:\nDev plan:\nActions:")["text_status"] \
        == "not read: boilerplate"
    assert read_note("Weekly coaching notes - Dana\nWins: closed Orbis, she ran the pricing call alone\nBlockers:")[
        "text_status"] == "read"
