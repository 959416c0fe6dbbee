"""Word lists for reading coaching behaviours from text (analytics/ingest/coaching_text.py).

Data, not code: each table is general vocabulary of sales coaching (capabilities, how a skill
shows failing, plan and practice words, deal objects, speaker roles...), never phrases of one
export or of the generated labelled set. Entries are regular-expression fragments matched on a
lower-cased sentence with abbreviations expanded, between word boundaries; keep them free of
nested quantifiers (the reader must stay linear in the length of a note).
"""

from __future__ import annotations

#: Abbreviations and chat spellings of terse notes, expanded before reading (token -> words).
ABBREVIATIONS = {
    "b4": "before", "bfr": "before", "abt": "about", "nxt": "next", "w/": "with", "w/o": "without",
    "f/u": "follow up", "fu": "follow up", "fup": "follow up", "disc": "discovery", "disco": "discovery",
    "obj": "objection", "objs": "objections", "wen": "when", "diff": "differently", "1on1": "1:1",
    "1-1": "1:1", "o3": "1:1", "u": "you", "ur": "your", "r": "are", "wk": "week", "wks": "weeks",
    "mtg": "meeting", "mtgs": "meetings", "thru": "through", "chk": "check", "pls": "please",
    "plz": "please", "bc": "because", "b/c": "because", "cust": "customer", "mgr": "manager",
    "qual": "qualification", "neg": "negotiation", "negot": "negotiation", "prop": "proposal",
    "tmrw": "tomorrow", "tmr": "tomorrow", "yday": "yesterday", "ystd": "yesterday", "rec": "recording",
    "recd": "recorded", "rp": "role play", "idk": "i do not know", "dnt": "do not", "didnt": "didn't",
    "dont": "don't", "wasnt": "wasn't", "isnt": "isn't", "shouldve": "should've", "couldnt": "couldn't",
    "wouldnt": "wouldn't", "shouldnt": "shouldn't", "hes": "he is", "shes": "she is", "thats": "that is",
    "lvl": "level", "prio": "priority", "asap": "soon", "info": "information", "req": "request",
    "reqs": "requirements", "approx": "about", "wrt": "about", "re:": "about", "cx": "customer",
    "eb": "economic buyer", "dm": "decision maker", "ae": "rep", "sdr": "rep", "bdr": "rep",
    "dev": "development", "frm": "from", "wd": "would", "devt": "development", "pdp": "pdp", "convo": "conversation", "prob": "problem",
    # everyday misspellings (not keyboard slips)
    "developement": "development", "devlopment": "development", "independantly": "independently",
    "excercise": "exercise", "practicing": "practising", "questionning": "questioning", "negociation": "negotiation",
    "objetion": "objection", "qualifcation": "qualification", "shaddow": "shadow", "shaddowing": "shadowing",
}

#: Capabilities a rep can fall short on (FRAMEWORK.md's skills and their everyday names).
CAPABILITIES = (
    r"discovery", r"discovering", r"qualif\w*", r"disqualif\w*", r"objection\w*", r"push-?back",
    r"negotiat\w*", r"multi[- ]?thread\w*", r"single[- ]?thread\w*", r"anchor\w*",
    r"(payment )?terms", r"concessions?", r"give[- ]get", r"account map\w*", r"org chart", r"next (meeting|call)",
    r"cto", r"coo", r"cro", r"vp \w+", r"head of \w+", r"who (signs|approves|decides|owns the budget|holds the budget)",
    r"sign-?off", r"approv\w+ (chain|process|path)", r"quot(ed|ing)", r"scope", r"counter-?offers?", r"walk-?away", r"value (articulation|prop\w*|story|case)",
    r"business case", r"roi", r"stakeholder\w*", r"economic buyer", r"decision[- ]makers?", r"champion\w*",
    r"competit\w*", r"incumbent", r"forecast\w*", r"demo\w*", r"closing", r"trial close", r"prospecting",
    r"prospect\w*", r"cold[- ]call\w*", r"pricing", r"price", r"discount\w*", r"budget", r"pain\w*",
    r"meddic\w*", r"meddpicc", r"bant", r"spin", r"challenger", r"listening", r"listen\w*", r"questioning",
    r"questions?", r"talk(ed|ing)? over", r"talk ratio", r"call control", r"agenda", r"next steps?",
    r"follow[- ]up", r"presentation", r"pitch\w*", r"storytelling", r"rapport", r"use case", r"pipeline",
    r"urgency", r"timeline", r"decision process", r"paper process", r"procurement", r"account plan\w*",
    r"mutual (action|close) plans?", r"needs? (analysis|assessment)", r"positioning", r"differentiat\w*", r"messaging", r"outreach",
    r"email\w*", r"opening", r"open(er|ing)s?", r"close", r"ask(ed)? for the (business|order|meeting)",
    r"upsell\w*", r"renewal\w*", r"executive\w*", r"cfo", r"ceo", r"cio", r"features?", r"benefits?",
)

#: What a shortfall looks like when it is observed (a concrete manifestation, not an impression).
MANIFESTATIONS = (
    r"didn'?t", r"did not", r"doesn'?t", r"does not", r"don'?t", r"never (asked|got|confirmed|qualified|"
    r"identified|quantified|followed|engaged|mentioned|checked|tested|explored|probed|set)", r"forgot", r"fail\w*",
    r"miss(ed|ing)?", r"skip(ped|ping|s)?", r"without (first |even |ever |really )?(asking|\w+ing)", r"wasn'?t", r"weren'?t", r"isn'?t",
    r"lack\w*", r"too (early|soon|fast|quickly|much|long|late|little)", r"conced\w*", r"cave[ds]?",
    r"gave (in|away|up)", r"offer(ed|ing)? (a |the )?([\w-]+ )?discount", r"talk(ed|ing|s)? over", r"interrupt\w*",
    r"jump(ed|ing|s)? (to|into|straight)", r"rather than", r"cut (across|in|into|off)",
    r"cut (him|her|them|the \w+) off", r"too (low|high|generic|long)",
    r"(showed|show|shows|presented|demoed|went through|walked through) (all|every|each|\d+|eleven|twelve|ten|nine|eight) "
    r"(of )?(the |our )?(modules|features|screens|slides|tabs)",
    r"before (the )?\w+ (had )?(even )?(confirm|agree|ask|rais|understand|know|mention|express|share|said|told|state)\w*",
    r"before (to )?(understand|know|ask|confirm|qualif)\w*", r"rush(ed|ing)?", r"accept(ed|ing|s)?", r"instead of",
    r"stay(ed|ing|s)? (at |on )?(surface|single|high)", r"surface[- ]?(level|lvl)?", r"single[- ]threaded",
    r"list(ed|ing)", r"feature dump\w*", r"attack(ed|ing)", r"ignor(ed|ing)", r"overlook\w*", r"dropp?ed",
    r"lost (control|the)", r"let (the )?(buyer|customer|client|prospect|champion|them|procurement|cfo) \w+", r"only (talked|asked|spoke|pitched|one)",
    r"before (they|the|he|she|agreeing|confirming|asking|understanding|qualifying|any|knowing)",
    r"monologu\w*", r"talked (too|for|70|80)", r"unclear", r"vague", r"wrong", r"mistake\w*",
    r"allow(ed)?", r"hesitat\w*", r"backed (off|down)", r"fell (short|apart|flat)", r"ran the (full|whole)",
    r"never (asked|confirmed|got)", r"(un)?quantif\w*", r"not (quantif\w*|confirm\w*|qualif\w*)",
    r"went (straight|too|off)", r"kept (talking|pitching)", r"took (the|a) (bait|discount)", r"\d+ ?% off", r"offer(ed|ing)? \d+ ?%", r"immediately (offered|dropped|caved|conceded|agreed|discounted)", r"agreed (to|too) (a |the )?(discount|price|terms)",
)

#: Verbs that, negated, are no shortfall in the rep's action: a negated failure is a success ("didn't
#: cave"), and needing, having time, knowing, wanting are not execution.
NOT_A_SHORTFALL = (
    r"need\w*", r"have", r"has", r"had", r"get to", r"want\w*", r"like\w*", r"know\w*", r"think\w*", r"feel\w*",
    r"cave\w*", r"panic\w*", r"conced\w*", r"drop\w*", r"discount\w*", r"interrupt\w*", r"rush\w*", r"flinch\w*",
    r"give (in|up|away)", r"back (down|off)", r"budge\w*", r"escalat\w*", r"call (me|us|the manager)", r"ask (me|us|for)",
    r"say a word", r"intervene", r"step in", r"jump in", r"help\w*", r"worry\w*", r"mind", r"sure", r"happy", r"able",
    r"sign\w*", r"close\w*", r"repl\w*", r"respond\w*", r"return\w*", r"come back", r"decide\w*",
    r"allow\w*", r"los[et]\w*", r"miss\w*", r"fail\w*", r"forg[oe]t\w*", r"skip\w*", r"ignor\w*", r"slip\w*",
    r"overlook\w*", r"get", r"got", r"receiv\w*", r"hear\w*", r"heard", r"hit", r"attend\w*", r"make it", r"go", r"there",
    r"here", r"available", r"agree with", r"around", r"in", r"back", r"well", r"sick", r"ill", r"yet",
)

#: Failures that, negated, are a success ("never once lost her cool", "didn't cave"): removed before a
#: sentence is read for a gap. ("didn't let the buyer finish" stays a shortfall: "let" is not here.)
NEGATED_FAILURES = (
    r"los[et]\w*", r"miss\w*", r"forg[oe]t\w*", r"skip\w*", r"ignor\w*", r"drop\w*", r"cave\w*", r"panic\w*",
    r"conced\w*", r"discount\w*", r"interrupt\w*", r"rush\w*", r"flinch\w*", r"give (in|up|away)", r"gave (in|up|away)",
    r"back (down|off)", r"budge\w*", r"blink\w*",
)

#: Who the rep acts towards in an observed shortfall (the buyer's side), besides an instance anchor:
#: a negated action with none of these ("he didn't hit quota") is not about execution with a customer.
COUNTERPART = (
    r"customers?", r"clients?", r"buyers?", r"prospects?", r"they", r"them", r"their", r"decision[- ]makers?",
    r"stakeholders?", r"director", r"manager", r"head", r"lead", r"officer", r"owner", r"team", r"cfo", r"ceo", r"cto",
    r"cio", r"board", r"procurement", r"purchasing", r"hiring manager", r"candidates?", r"champion", r"user\w*",
)

#: Weak manifestations ("no ...", "not ...", "without ..."): a shortfall only when the sentence is
#: about the rep (a pronoun, "rep", an instance) and is not praise ("great discovery, no notes").
WEAK_MANIFESTATIONS = (r"no", r"not", r"without", r"never")

#: Praise: a capability named with it is not a gap unless a strong manifestation is there too.
PRAISE = (r"great", r"good", r"excellent", r"nice", r"well done", r"strong", r"solid", r"nailed", r"brilliant",
          r"impressive", r"awesome", r"perfect", r"love(d)? how", r"kudos", r"improved", r"better than")

#: Shortfalls that name their capability themselves ("talked too much" is listening).
SELF_EVIDENT_GAPS = (
    r"talk(ed|ing|s)? (way |far |much )?too much", r"talk(ed|ing|s)? over", r"interrupt(ed|ing|s)",
    r"(buyer|customer|client|prospect) (barely|hardly|never) (spoke|talked|said)", r"pitch(ed|ing)? too (early|soon)",
    r"(offered|gave|dropped) (a |the )?(discount|price)", r"single[- ]threaded", r"monologu\w*",
    r"feature dump\w*", r"jump(ed|ing|s)? (straight )?(to|into) (the )?(demo|pitch|pricing|solution)",
    r"rush(ed|ing)? (the|to|into) \w+", r"never asked", r"didn'?t ask", r"did not ask", r"forgot to ask",
    r"(without|instead of|rather than) (ever )?asking", r"(showed|show|shows|presented|demoed|went through|walked through) "
    r"(all|every|each) (of )?(the |our )?(modules|features|screens|slides|tabs)", r"cut (across|in|into) (him|her|them|the \w+)",
    r"cut (him|her|them|the \w+) off",
    r"no (next step|agenda|champion|decision maker|economic buyer)",

    r"(led|opened|started|kicked off) with (the |a |our )?(product|features?|pitch|demo|pricing|price|slides?|deck|"
    r"company overview)", r"instead of (their|the|his|her|the buyer'?s|the customer'?s) (problem|pain|needs?|business)",
)

#: Shortfalls that name their capability by how little or how much: one contact only (multi-threading),
#: a percentage given away (negotiation), talking through a whole call (listening). Searched only in a
#: sentence with "only", "just", "%", "whole", "entire" or "full" in it.
SHORTFALLS_BY_MEASURE = (
    r"(met|spoke|spoken|talked|engaged|reached|dealt|stayed|worked|called)( to| with)? (only|just)( with| to)? (the|one|a|his|her|their)",
    r"only (met|spoke|talked|engaged|reached|dealt|worked|stayed) (to |with )?(the|one|a)",
    r"(gave|offered|dropped|conceded|knocked off) (\w+ ){0,2}\d+ ?%", r"talk(ed|ing|s)? (through|for) (the|an?) (whole|entire|full)",
)

#: An evaluation of a skill without an observed instance ("discovery was weak"): specific only
#: with an instance anchor (a call, a meeting, a customer) in the same sentence.
EVALUATIONS = (
    r"weak\w*", r"poor\w*", r"gap", r"gaps", r"issue", r"problem", r"struggl\w*", r"needs work",
    r"is to improve", r"area to (work on|improve)", r"focus area", r"bad", r"sloppy", r"shaky",
    r"fell short", r"cost us", r"hurt", r"mess", r"to fix",
)

#: An instance anchor: where the shortfall was seen.
INSTANCE = (
    r"on (the|that|this|his|her|their|your|yesterday'?s?) (\w+ )?(call|meeting|demo|visit|deal|opportunity)",
    r"(call|meeting|demo|visit|recording|mtg) (with|at|on)", r"in (the|that|this) (\w+ )?(call|meeting|demo|visit)",
    r"at (the|that) (point|moment)", r"when (the|they|he|she) (buyer|customer|client|prospect|cfo|pushed|asked|said)",
    r"on [a-z]{1,30} call", r"\([^()\n]{1,80}\)",
    r"when (the |their )?\w+ (\w+ )?(raised|said|asked|pushed|mentioned|objected|brought up|joined|started)",
    r"\d+ ?(minutes?|mins?|seconds?|times|features|slides|screens|modules|questions|calls|visits|meetings|months|weeks)\b", r"minute \d+",
    r"(twice|three times|every time|each time)", r"in (two|three|four|five|six|several) (visits|calls|meetings|months|weeks)",
)

#: Generic advice: an impression or exhortation that names no gap (a near miss of behaviour 1).
GENERIC_ADVICE = (
    r"dig deeper", r"be (more )?(proactive|sharper|strategic|engaged|aggressive|hungry|confident)",
    r"step (it|up)", r"more energy", r"bring (more|the) energy", r"keep (pushing|going|grinding|it up|up)",
    r"work (harder|more hard|on (your|his|her) game)", r"needs? to improve", r"general improvement",
    r"more hustle", r"want it more", r"attitude", r"great (energy|job|call)", r"good (job|effort|call)",
)

#: Open reflection: what a question asks the rep to analyse (behaviour 2).
REFLECTION = (
    r"notic\w*", r"think\w*", r"thought", r"feel\w*", r"felt",
    r"differently", r"change", r"learn\w*", r"read", r"handl\w*", r"approach\w*", r"improve", r"see", r"saw",
    r"happen\w*", r"well", r"evaluat\w*", r"assess\w*", r"reflect\w*", r"analy[sz]\w*", r"walk me",
    r"talk me", r"tell me", r"explain\w*", r"do again", r"do better", r"stood out", r"surpris\w*",
    r"hardest", r"cared about", r"care about", r"would you do", r"your take", r"your view", r"your read",
    r"own view", r"own analysis", r"own assessment", r"wrong", r"work(ed)?", r"struggl\w*", r"self-?assess\w*",
    r"self-?evaluat\w*", r"self-?review\w*", r"self-?critique", r"tweak", r"replay", r"redo", r"(could|would|should|might) (you|he|she|they|we) have (done|said|asked|tried|handled)",
    r"do over", r"land(ed)? (with|for|on)", r"(did|does|do|would) (it|that|this|the \w+) land", r"heard", r"hear", r"missed", r"(do|make|done|made|doing) (it |that |this )?different\w*",
    r"(score|grade|rate) (it|that|this|your|yourself|the|his|her)", r"your own", r"(his|her|their) own",
    r"how (did|does|do|is|was|has) (it|that|the \w+|your \w+|things) (go|going|gone|went)",
    r"how (it|that|the \w+|things) (went|was going|is going)", r"your mind", r"going through", r"going on",
    r"rate (it|that|the \w+|your \w+|yourself)", r"where did it (turn|go wrong|change)", r"what worked", r"(what|anything) (was|is|felt|seemed) different", r"what made (it|that|this|the difference|you)", r"how (you|he|she|they) (decided?|decides|chose|choose|chooses|prepared?|prepares|approached?|approaches|planned|plans)", r"(your|his|her|their) reasoning", r"what didn'?t", r"how (do|did) you think .{0,40}(went|go|going)",
)

#: A status question asks for facts about a deal, not reflection (near miss of behaviour 2).
STATUS = (
    r"close", r"closes", r"closing", r"close date", r"sign", r"signs", r"signed", r"signature", r"amount",
    r"how much", r"stage", r"forecast\w*", r"commit\w*", r"paper\w*", r"contract\w*", r"legal", r"po",
    r"procurement", r"quote", r"timeline", r"renewal", r"next steps?", r"where are we", r"eta", r"deal size",
    r"arr", r"acv", r"tcv", r"value of", r"category", r"budget approved", r"status", r"update on",
    r"pipeline", r"numbers?", r"where (did|do|does) (we|it|they|things) (land|stand)", r"quota", r"when will", r"when does", r"when is", r"by when",
)

#: Telling: questions that carry the answer (negated auxiliaries, "should have", agreement checks).
TELLING = (
    r"should'?ve", r"should have", r"shouldn'?t", r"should (you|he|she|we|they) (not|have)",
    r"wouldn'?t it", r"would(n'?t| it not) (it )?be (better|smarter|easier)", r"isn'?t it (better|smarter)",
    r"is it not (better|smarter)", r"better to", r"smarter to", r"why not", r"why (didn'?t|don'?t|wouldn'?t|"
    r"weren'?t|aren'?t|haven'?t|hadn'?t|couldn'?t|won'?t|not)", r"why (you|he|she|they) (are|is|were|was|did) not",
    r"why are (you|we) not", r"just", r"you (need|have) to", r"right\?", r"agree\?", r"make sense\?",
    r"ok\?", r"okay\?", r"yeah\?", r"correct\?", r"you know\?", r"(did|do) you (not|never)",
)

#: A question that starts with a negated auxiliary is telling ("Don't you think ...").
NEGATED_AUX = (
    r"don'?t", r"didn'?t", r"doesn'?t", r"shouldn'?t", r"wouldn'?t", r"couldn'?t", r"isn'?t", r"aren'?t",
    r"wasn'?t", r"weren'?t", r"won'?t", r"can'?t", r"haven'?t", r"hasn'?t",
)

#: What starts an open question (invites the rep's analysis), versus a closed one.
OPEN_START = (
    r"what", r"what'?s", r"how", r"how'?s", r"which part", r"where did", r"why do you think",
    r"walk me", r"talk me", r"tell me", r"take me", r"can you walk", r"could you walk", r"can you talk",
    r"could you talk", r"can you tell", r"in your view", r"looking back",
    r"which (moment|bit|point|part|one|call|of|step)", r"(can|could|would) you (start by |begin by |first )?(tell|telling|walk|"
    r"walking|talk|talking|take|taking) me", r"where (have|has|did|do|would|was|were)",
)
CLOSED_START = (
    r"did", r"do", r"does", r"is", r"are", r"was", r"were", r"have", r"has", r"had", r"can", r"could",
    r"will", r"would", r"should", r"shall", r"may", r"any",
)

#: Reported asking in a note ("asked her ...", "let him self-assess first").
ASK_VERBS = (
    r"ask(ed|ing|s)?", r"invit(ed|ing|es?)", r"prompt(ed|ing|s)?", r"encourag(ed|ing|es?)", r"had (her|him|them)",
    r"let (her|him|them|the rep|rep)", r"made (her|him|them)", r"hav(e|ing) (her|him|them|the rep|rep)", r"make (her|him|them)", r"got (her|him|them)",
    r"question(ed|ing)", r"opened (by|with)", r"started (by|with)", r"began (by|with)", r"first question",
    r"questions? (asked|first)", r"i am asking", r"i ask",
)

#: Explicit descriptions of asking first (summaries and notes).
ASK_FIRST = (
    r"self[- ]?assess\w*", r"self[- ]?evaluat\w*", r"self[- ]?review\w*", r"self[- ]?reflect\w*",
    r"reflection questions?", r"reflective questions?", r"open(-ended)? questions?", r"coaching questions?",
    r"evaluate (their|his|her) own", r"(their|his|her) own (view|analysis|assessment|read|take)",
    r"before (giving|sharing|offering|saying|i gave|i give|i shared|i said|i say|to say|to give|i weighed in|i weigh in|"
    r"i jumped in|i share)",
    r"before (my|any|giving any|sharing any) (feedback|view|input|advice|thoughts|opinion|comments?|notes|take)",
    r"held back (my|any)", r"before (i|she|he|we|the manager|the coach) (commented|comment|weighed in|gave|shared|said|spoke|"
    r"responded|offered|added)", r"rate (his|her|their|your) own", r"(his|her|their|your) own (call|performance|demo|meeting|pitch)", r"then i (give|gave|shared|share|said)", r"after i give", r"let (her|him|them) answer",
)

#: Development plan (behaviour 3): a plan that is about the rep, not a deal.
PLAN = (
    r"dev(elopment)? plans?", r"development goals?", r"development objectives?", r"development areas?",
    r"(personal|individual|professional) development", r"idp", r"pdp", r"growth (plan|goals?|areas?)",
    r"learning (plan|path|goals?)", r"coaching plan", r"plan of development", r"skills? plan",
    r"career plan", r"development items?", r"development focus", r"goals? for the quarter",
    r"quarterly (development )?goals?", r"focus for the quarter", r"ramp plan",
    r"onboarding plan", r"\d{2}-day plan", r"development step", r"coaching goals?",
)

#: Practice that develops a skill (behaviour 3 when it is scheduled or will be revisited).
PRACTICE = (
    r"role[- ]?plays?", r"roleplay\w*", r"role[- ]?play(ing)?", r"shadow(ing|s)?", r"practi[cs]e",
    r"practi[cs]ing", r"practi[cs]e (call|session)s?", r"courses?", r"modules?", r"training", r"trainings",
    r"enablement", r"workshops?", r"certification", r"drills?", r"mock (\w+ )?(calls?|demos?|negotiations?|pitch\w*|meetings?|interviews?)", r"joint (calls?|visits?)",
    r"ride[- ]?alongs?",
    r"recorded practice", r"simulations?", r"e-?learning", r"lessons?", r"exercises?", r"train(ing)? together",
    r"enrolled", r"book(ed)? (a |two |2 )?(practice|session)",
)

#: A practice word that names a customer's business or a place ("the practice manager", "a dental
#: practice", "sort it with the workshop"), or an artefact sent to a customer ("deliver the financing
#: simulation"): not the rep's practice.
NOT_PRACTICE = (
    r"practice (owner|manager|managers|staff|group|team|administrator|partner|lead)s?",
    r"(dental|vet|veterinary|medical|gp|law|legal|accounting|private|group|family|physio\w*|optometr\w*) practices?",
    r"(with|from|to|at) the (workshop|training (centre|center|room))",
    r"(deliver|send|sent|share|shared|email|emailed|present|presented|submit|submitted)\w* (the |a |an |our |their )?"
    r"([\w-]+ )?(simulation|module|course|exercise|training|workshop)s?",
)

#: Call reviews as a practice ("two call reviews a month on qualification"), not the heading "Call review:";
#: searched only in a sentence with "call review" in it.
CALL_REVIEWS = (r"(a|one|two|three|\d+|weekly|regular|joint|monthly|fortnightly) call reviews?",)

#: When the practice or plan will be come back to.
REVISIT = (
    r"revisit\w*", r"review (it|this|that|them|progress|again)", r"we review", r"check (back|in|on it)",
    r"debrief\w*", r"come back to", r"look(ing)? at it again", r"follow up on (it|this|that)",
    r"next (1:1|one[- ]on[- ]one|one[- ]to[- ]one|session|meeting|coaching|review|check-?in)",
    r"in \d+ (weeks?|days?)", r"in (two|three|four|a couple of|a few) weeks", r"every (week|day|month)",
    r"every (two|2|three|3|other|few) (weeks|days|months)", r"listen back", r"weekly", r"monday", r"tuesday", r"wednesday", r"thursday", r"friday", r"mon", r"tue", r"tues", r"wed",
    r"thu", r"thur", r"thurs", r"fri", r"tomorrow", r"next week", r"this week", r"next month",
    r"end of (the )?(quarter|month)", r"due", r"by (the )?\d", r"the \d+(st|nd|rd|th)", r"\d{1,2}[/.-]\d{1,2}",
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\w* \d", r"\d{1,2} (jan|feb|mar|apr|may|jun|jul|"
    r"aug|sep|sept|oct|nov|dec)\w*", r"scheduled", r"booked", r"assigned", r"set up", r"q[1-4]",
)

#: Objects of a deal next step (a near miss of behaviour 3).
DEAL_OBJECTS = (
    r"proposal", r"contract", r"msa", r"nda", r"sow", r"quote", r"pricing", r"price sheet", r"procurement",
    r"redlines?", r"po", r"paperwork", r"onsite", r"exec(utive)? (meeting|sponsor)", r"pilot", r"poc",
    r"legal", r"invoice", r"close date", r"offer", r"order", r"deck", r"intro", r"follow up with",
    r"send", r"book the", r"schedule", r"demo with", r"meeting with",
)
#: Plans that are about a deal or a territory, not the rep.
DEAL_PLANS = (r"account plan\w*", r"close plan\w*", r"mutual (action|close) plan\w*", r"territory plan\w*",
              r"success plan\w*", r"deal plan\w*", r"comp plan\w*", r"on plan", r"to plan")

#: A reference to an earlier session, plan or practice (behaviour 4).
EARLIER = (
    r"since", r"last (1:1|one[- ]on[- ]one|one[- ]to[- ]one|session|time|week|meeting|call|review|coaching|"
    r"month|conversation)", r"previous\w*", r"prior", r"from (last|our)", r"after (our|the|we) ", r"follow[- ]?up",
    r"we (practi[cs]ed|worked on|role[- ]?played|discussed|agreed|trained|covered|said)",
    r"what we (practi[cs]ed|worked on|discussed|agreed|trained)", r"(had|has|have) stuck", r"when we last",
    r"coming back to", r"earlier", r"the goal", r"we'?d agreed", r"as agreed", r"(you|she|he) (were|was) going to",
    r"last (1:1|session|time|week|meeting|review|coaching|month)'s", r"\w+ (weeks?|months?|sessions?) ago", r"remember",
    r"(in|during|since) (january|february|march|april|may|june|july|august|september|october|november|december|q[1-4])",
    r"q[1-4] goal", r"carry-?over", r"(prior|previous|last) (focus|goal|item|commitments?)", r"when we did",
    r"we (set|built|ran|did|spent)", r"last (\w+ )?(sessions|1:1s|meetings|reviews|conversations)",
    r"you'?d", r"practi[cs]ed", r"role[- ]?played",
)

#: The rep applying a skill on their own (behaviour 4).
INDEPENDENT = (
    r"alone", r"solo", r"on (his|her|their|your|my) own", r"independently", r"independent",
    r"without (me|my help|help|support|coach\w*|manager|prompting|any help|assistance|my support|being "
    r"prompted|my input|me there|me on the call)", r"unaided", r"unassisted", r"unprompted", r"unsupported",
    r"no help", r"without (his|her) manager", r"by (him|her|them|your)sel(f|ves)",
    r"(with )?no (input|help|prompting|involvement|support|reminders?|one from (management|me|us)) (from|on|by)",
    r"without (any |my |a )?(prompting|reminders?|reminding|input|involvement|scripting|script|coaching|prompt)",
    r"without (me|my|\w+) (\w+ )?(stepping in|scripting|prompting|reminding|looking|jumping in|helping|being there)",
    r"w/o (my |any |me )?\w+", r"without i remind", r"i wasn'?t (on|there|involved|in)", r"i was not (on|there|involved|in)",
    r"i not help", r"i didn't (intervene|step in|jump in|say a word|speak|help|have to (step|jump) in)",
    r"i did not (intervene|step in|jump in|say a word|speak|help|have to (step|jump) in)",
    r"i never (intervene|step in|jump in|say a word|speak|help|had to (step|jump) in)",
    r"didn't need (me|us|her|him|anyone|help|any help|the \w+|a \w+|support)", r"did not need (me|us|her|him|anyone|help|any help|the \w+|a \w+|support)",
    r"never needed (me|us|her|him|anyone|help|any help|the \w+|a \w+|support)",
    r"didn't call (me|us|the manager|manager|her manager|his manager)", r"did not call (me|us|the manager|manager|her manager|his manager)",
    r"never called (me|us|the manager|manager|her manager|his manager)",
    r"didn't ask (me|us|the manager|manager|her manager|his manager)", r"did not ask (me|us|the manager|manager|her manager|his manager)",
    r"never asked (me|us|the manager|manager|her manager|his manager)",
    r"didn't escalate to (me|us|the manager|manager|her manager|his manager)", r"didn't involve (me|us|the manager|manager)",
    r"did not escalate to (me|us|the manager|manager|her manager|his manager)", r"did not involve (me|us|the manager|manager)",
    r"didn't ask (me|us|anyone) for (help|support|input)", r"did not ask (me|us|anyone) for (help|support|input)",
    r"without (escalat\w+|calling (me|the manager|manager|anyone)|needing (me|help|us))",
    r"no escalations?", r"i only (listened|watched|saw|observed)", r"i just (listened|watched|saw|observed)", r"without (him|her)( there| present| on the call| involved)?", r"(his|her|their) own (pipeline|forecast|commit|mutual|\w+ reviews?)",
)
#: A reflexive counts as independent use only after an application verb ("ran it herself").
REFLEXIVE = (r"himself", r"herself", r"themselves", r"yourself")

#: Checking on the rep's use of a skill.
CHECK = (
    r"check\w*", r"verif\w*", r"confirm\w*", r"review\w*", r"listen\w*", r"watched", r"observed", r"saw",
    r"heard", r"recording", r"call rec", r"asked (if|whether)", r"application", r"appl(y|ied|ies|ying)",
    r"seen", r"demonstrated", r"see (if|whether)", r"asked (him|her|them )?(which|how often|where|on which)", r"did (you|she|he) manage", r"have you", r"has (she|he)",
)
#: Using a skill.
APPLY = (
    r"appl(y|ied|ies|ying)", r"used?", r"using", r"ran", r"runs?", r"running", r"handl(e|ed|es|ing)", r"led",
    r"leads?", r"leading", r"did", r"does", r"do(ing)?", r"tried", r"try", r"demonstrat\w*", r"held",
    r"managed?", r"execut\w*", r"put into practice", r"ma(de|ke|king)", r"open(ed)?", r"drove", r"drive",
)
#: A deal that moved (a near miss of behaviour 4).
DEAL_MOVED = (
    r"mov(ed|e|ing)", r"advanc\w*", r"progress\w*", r"signed", r"sign", r"closed", r"slipp?\w*", r"stage",
    r"contract\w*", r"legal", r"verbal", r"commit\w*", r"won", r"lost", r"pushed", r"stalled", r"in negotiation",
)

#: The manager doing nothing this time, or only meaning to (rule 4: negation and intention).
NOT_DONE = (
    r"no time (for|to)", r"(didn'?t|did not) have (the |any )?time", r"didn'?t manage to", r"didn'?t get (to|round to|around to)", r"did not get to", r"ran out of time",
    r"postponed", r"skipped", r"not (updated|done|discussed|covered)", r"forgot to", r"didn'?t (ask|check|"
    r"update|discuss|cover|do|review|let)", r"did not (ask|check|update|discuss|cover|review|let)",
    r"never (asked|checked)", r"(n/a|none|tbd)\s*$", r"without (a |any )?(development|dev) plan",
    r"no (development|dev) plan", r"haven'?t (updated|started|set)", r"not yet (set|updated|started)",
    r"(planned|meant|wanted|was going|were going|intended|hoped) to [^.;]{0,80}\bbut\b", r"out of time",
    r"short (on|of) time", r"we'?re short", r"(another|some other) (time|week|day)", r"no (change|changes|update|updates)",
    r"none (this|recorded|today|set|yet)", r"nothing (new|added|this)", r"should'?ve (asked|let|checked)",
    r"should have (asked|let|checked)", r"meant to", r"(didn'?t|did not) (talk|get into)",
)
INTENTION = (
    r"next time i", r"i should", r"i need to", r"i must", r"i want to", r"i'?ll try", r"i will try",
    r"i'?m going to", r"i am going to", r"note to self", r"reminder", r"should ask", r"need to ask",
    r"will ask", r"i'?ll ask", r"will check", r"i'?ll check", r"going to check", r"plan to (ask|check)",
    r"maybe", r"might", r"at some point", r"would be good to", r"to do:", r"meant to", r"wanted to",
    r"i should'?ve", r"i should have", r"i was going to",
)
#: Tentative words: an intention that is no commitment (a plan said with them is not made; "I'll check
#: the next call" is a commitment and makes a plan).
TENTATIVE = (
    r"next time i", r"i should", r"i need to", r"i must", r"i want to", r"i'?ll try", r"i will try", r"note to self",
    r"reminder", r"maybe", r"might", r"at some point", r"would be good to", r"to do:", r"meant to", r"wanted to",
    r"i was going to", r"we were going to",
)
#: Small talk: questions about the rep's wellbeing or week, not about their execution.
SMALL_TALK = (
    r"how (are|r) you", r"how you (feeling|doing)", r"how (are|is) you(r)? (feeling|doing)",
    r"how('s| is| was) (your|the) (week|weekend|day|holiday|trip|offsite|team|family|morning|vacation|break)",
    r"how are things", r"how('s| is) (it going|everything|life)", r"how('s| is) the team treating you",
)

#: Speaker roles in a transcript (the label before ":", lower-cased, timestamps removed).
MANAGER_LABELS = (
    r"manager", r"mgr", r"m", r"coach", r"sales manager", r"team lead", r"lead", r"sales lead",
    r"director", r"sales director", r"rsm", r"asm", r"fsm", r"frontline manager", r"first[- ]line manager",
    r"vp", r"vp sales", r"head of sales", r"supervisor", r"leader", r"team leader", r"interviewer",
)
REP_LABELS = (
    r"rep", r"sales rep", r"ae", r"sdr", r"bdr", r"am", r"seller", r"account executive", r"account manager",
    r"coachee", r"employee", r"agent", r"r", r"csm", r"se", r"trainee", r"salesperson", r"mentee",
    r"customer", r"buyer", r"prospect", r"client", r"other",
)
#: Headings that look like speaker labels but are not ("Next steps: ...").
HEADINGS = (
    r"agenda", r"notes?", r"action items?", r"next steps?", r"dev(elopment)? plan", r"summary", r"recap",
    r"attendees", r"comments?", r"description", r"subject", r"task", r"outcome", r"topics?", r"follow[- ]?ups?",
    r"decisions?", r"status", r"type", r"date", r"owner", r"focus( area)?", r"questions?", r"feedback",
    r"gap", r"goal", r"call review", r"pipeline review", r"deal review", r"key moments?", r"highlights?",
    r"strengths?", r"observations?", r"obs", r"meeting", r"call", r"todo", r"to do", r"re", r"fyi", r"note",
    r"evidence", r"sentiment", r"tasks?", r"result", r"context", r"purpose", r"objective", r"wins?",
    r"agreed", r"decided", r"actions?", r"takeaways?", r"commitments?", r"conclusions?",
)

#: Metrics a call recorder or coaching tool prints in its summary (decision (g): the tool's words).
TOOL_METRICS = (
    r"talk(-to-listen)? ratio", r"talk time", r"talk-time", r"listen(ing)? ratio", r"longest (monologue|customer story|"
    r"story)", r"monologue", r"interactivity", r"patience", r"question rate", r"questions asked", r"filler words",
    r"speech rate", r"words per minute", r"wpm", r"sentiment", r"engagement( score)?", r"switches per minute",
)

#: Notes that carry no content: a template, a log line, a pointer elsewhere.
BOILERPLATE = (
    r"meeting held", r"subject(: [\w -]{1,30}(?=\n|$))?", r"description",
    r"see (gong|chorus|salesforce|hubspot|crm|the recording|recording|email|attachment|above|below)",
    r"summary unavailable", r"recording too short to analy[sz]e", r"transcript(ion)? (unavailable|failed|not available)",
    r"no (summary|transcript) (available|generated)", r"call logged( via \w+)?", r"logged (via|in|from) \w+", r"see (the |shared |google |attached )?"
    r"(doc|docs|document|notes|file|link)", r"n/?a", r"tbd", r"no notes", r"1:1", r"one[- ]on[- ]one",
    r"https?://\S+", r"www\.\S+", r"sent from my \w+",
    r"agenda", r"notes?", r"action items?", r"next steps?", r"attendees", r"summary", r"recap", r"comments?",
    r"synced", r"catch[- ]?up", r"check[- ]?in",
)

#: English function words: a note with too small a share of them is in another language.
ENGLISH_STOP = frozenset("""a about after again all also am an and any are as at be been before but by can could
did do does doing for from had has have he her him his how i if in into is it its just let me my no not of on or
our out over she should so than that the their them then there they this to up us was we were what when which who
why will with would you your yet""".split())
#: Function words of the other languages met in exports (none of them an English word).
FOREIGN_STOP = frozenset("""el la los las del con por para una uno que es se y muy pero como más hemos está son al lo
ya sin sobre entre cuando también fue han su sus nos le les des du une est avec pour il elle nous vous pas qui dans
sur au aux ce cette mais ou très sont été avoir fait der die das und mit zur zum den dem des ist nicht ein eine
einen für auf wir sie ich auch von bei nächste nächsten wurde haben hat wie aber oder noch nach mit gli della
delle di che abbiamo sono è alla allo prossimo prossima anche perché il non os da do das dos com não um uma foi
são na nas pelo pela het een en van voor niet ook wij zijn naar bij werd hebben dat wat de met e o och att det som
för på är med av inte till vi til og af ikke jeg ikkje ein eit się nie jest że oraz dla przez jak już też być został""".split()) - ENGLISH_STOP - {
    "do", "die", "also", "son", "den", "in", "on", "a", "an", "am", "so", "war", "will", "man", "come"}

#: Words the rules rely on, recognised also with one slip of the keyboard (two letters swapped,
#: one letter dropped or doubled): "dicsovery", "qualfication", "neeeded".
TYPO_WORDS = (
    "discovery", "qualification", "qualified", "objection", "objections", "negotiation", "negotiate",
    "multi-threading", "stakeholder", "stakeholders", "competitive", "forecast", "forecasting", "prospecting",
    "pricing", "budget", "champion", "economic", "conceded", "quantified", "confirmed", "skipped", "missed",
    "never", "didn't", "without", "interrupted", "accepted", "development", "practice", "practise",
    "practised", "practiced", "shadowing", "training", "module", "course", "revisit", "review", "reviewed",
    "independently", "alone", "himself", "herself", "unaided", "unassisted", "unprompted", "applied",
    "handled", "checked", "verified", "recording", "since", "previous", "session", "notice", "noticed",
    "think", "differently", "self-assess", "reflection", "questions", "before", "feedback", "asked",
    "proposal", "contract", "procurement", "signed", "closed", "moved", "advanced", "progressed",
    "thursday", "tuesday", "wednesday", "monday", "friday", "tomorrow", "weeks", "growth", "plan",
    "handling", "needed", "support", "yourself", "surface-level", "single-threaded", "pushback",
    "role-play", "roleplay", "role-played", "independent", "noticed", "differently", "unprompted",
)
