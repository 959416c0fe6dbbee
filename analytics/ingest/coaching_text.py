"""Reading the four coaching behaviours from what managers write (issue 21).

The rules are docs/COACHING_TEXT.md. The contract the rest of the app relies on:

* :func:`read_notes` takes the notes of many sessions (any iterable of str/None, in order) and
  returns one row per note, in the same order, with

  - ``text_status``: ``"read"``, or ``"not read: <reason>"`` (:data:`NOT_READ_REASONS`);
  - per behaviour ``b`` of :data:`analytics.schema.COACHING_BEHAVIOURS`:
    ``b`` (pandas ``boolean``: True when shown with confidence ≥ ``schema.PRESENT_FROM``, False
    when ≤ ``schema.ABSENT_BELOW``, <NA> when uncertain or not read),
    ``b_confidence`` (float 0..1 that the behaviour is shown; NaN when not read) and
    ``b_evidence`` (the sentence that shows it, or that made the reading uncertain; None
    otherwise).

* :func:`read_note` is the same for one note, as a dict.

How a note is read (the "Method" of docs/COACHING_TEXT.md): rules over sentence structure, with
the vocabulary as data in :mod:`analytics.ingest.coaching_lexicon`.

1. HTML (HubSpot's ``<p>``, ``<br>``, ``&nbsp;``) is turned into lines; a note is cut at
   :data:`MAX_CHARS`.
2. "Not read" (empty, boilerplate only, too short, another language) is decided first.
3. Lines are speaker turns when the note is a transcript (role labels such as ``Manager:``,
   ``Mgr:``, ``Rep:``, ``AE:``; or names, the manager then found from the note's header
   "Priya Shah (manager)" or from who asks the coaching questions). Rep turns are dropped; when the
   manager cannot be told, every reading is capped below "shown" (uncertain).
4. Units are sentences (or bullets, or turns); abbreviations of terse notes are expanded.
5. Each behaviour has a positive rule and the boundary rules of the doc (telling and status
   questions, generic advice, deal next steps, deals that moved, negation and intention); the best
   unit sets the confidence and is kept as the evidence.

Every pattern is linear in the text (bounded gaps, no nested quantifiers), so a hostile note costs
at most :data:`MAX_CHARS` worth of work. Nothing here downloads anything, and the reader never sees
more than one note at a time (no state across notes, nothing kept at module level but the compiled
rules).

>>> r = read_note("Manager: What did you notice when the buyer pushed back on price?")
>>> r["asked_before_telling"], r["asked_before_telling_evidence"]
(True, 'What did you notice when the buyer pushed back on price?')
>>> read_note("Manager: Don't you think you should have asked about budget?")["asked_before_telling"]
False
>>> read_note("Hemos revisado la llamada de descubrimiento con el cliente.")["text_status"]
'not read: language'
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from analytics.ingest import coaching_lexicon as L
from analytics.schema import ABSENT_BELOW, COACHING_BEHAVIOURS, PRESENT_FROM

#: Why a note is not read (``text_status`` is ``"not read: " + reason``).
NOT_READ_REASONS = ("empty", "boilerplate", "language", "too short")
READ = "read"

#: The longest note read, in characters: a longer note is read up to here (a transcript of
#: several hours), so one pasted document cannot hold the import.
MAX_CHARS = 20_000

#: Confidence levels: shown by a clean rule match, uncertain (a boundary signal, an unknown
#: speaker, a mixed-language note), a near miss decided absent, and nothing near the rule.
SHOWN, LIKELY, UNSURE, NEAR_MISS, NOTHING = 0.9, 0.85, 0.5, 0.1, 0.05
#: The highest confidence a reading gets when the speaker or the language is in doubt.
DOUBT_CAP = 0.6


def _alt(items: Iterable[str]) -> str:
    return "(?:" + "|".join(items) + ")"


def _words(items: Iterable[str]) -> re.Pattern:
    # after a word, only "n't" makes it another word ("can" of "can't", "won" of "won't"); a possessive
    # or 'd / 're / 've does not ("last session's", "before they'd asked")
    return re.compile(r"(?<![\w])(?<!\w')" + _alt(items) + r"(?![\w]|'t\b)")


# ----------------------------------------------------------------------------- compiled vocabulary
_CAP = _words(L.CAPABILITIES)
_MANIFEST = _words(L.MANIFESTATIONS)
_EVAL = _words(L.EVALUATIONS)
_INSTANCE = re.compile(r"(?<![\w])" + _alt(L.INSTANCE))  # each starts a word: no try inside one
_GENERIC = _words(L.GENERIC_ADVICE)
_REFLECT = _words(L.REFLECTION)
_STATUS = _words(L.STATUS)
_TELL = re.compile(r"(?<![\w])(?<!\w')" + _alt(L.TELLING) + r"(?![\w]|'\w)")
_NEG_AUX = re.compile(r"^(?:so |and |but |ok |okay |well |now |hmm )?" + _alt(L.NEGATED_AUX) + r"(?![\w]|'\w)")
_OPEN = re.compile(r"^(?:(?:so|and|but|ok|okay|well|now|right|first|then)\b,? |[^,?]{1,40}, )?"
                   + _alt(L.OPEN_START) + r"(?![\w])")
#: An invitation to the rep's own analysis that is not a question ("walk me through ...", "tell me what ...").
_INVITE = re.compile(r"\b(?:tell|walk|talk|take) me (?:through|about|what|how|which|where|why|when)\b")
_INVITE_WORDS = frozenset(("walk me", "talk me", "tell me"))
_OPEN_CLAUSE = re.compile(r"(?:, (?:and |but |so )?|\band |\bso )(?=" + _alt(L.OPEN_START) + r"(?![\w]))")
_CLOSED = re.compile(r"^(?:so |and |but |ok |okay |well |now )?" + _alt(L.CLOSED_START) + r"(?![\w]|'\w)")
_ASK = _words(L.ASK_VERBS)
_ASK_FIRST = _words(L.ASK_FIRST)
_ASK_GATE = _words(L.ASK_VERBS + L.ASK_FIRST)  # one search to tell a sentence that reports no asking
_PLAN = _words(L.PLAN)
_PRACTICE = _words(L.PRACTICE)
_REVISIT = _words(L.REVISIT)
_DEAL = _words(L.DEAL_OBJECTS)
_DEAL_PLAN = _words(L.DEAL_PLANS)
_EARLIER = _words(L.EARLIER)
_INDEP = _words(L.INDEPENDENT)
_REFLEXIVE = re.compile(r"(?<![\w])(?<!\w')" + _alt(L.APPLY) + r"(?![\w]|'\w).{0,40}?(?<![\w])(?<!\w')" + _alt(L.REFLEXIVE) + r"\b")
_CHECK = _words(L.CHECK)
_SELF_OBJECT = re.compile(r"\b(?:saw|see|sees|seen|realised|realized|noticed|said|admitted|assess\w*|rate[ds]?|rating|scor\w+|"
                          r"record\w*|introduc\w+|remind\w*|prepar\w+|film\w*|video\w*|told|ask(?:ed)?|push\w*|"
                          r"challeng\w+|explain\w*)(?: (?:it|that|this|them))?$")
_CLAUSE_GO_ON = frozenset("""and since on in at this last before after without with for from to again now too as so but then
yet every each twice today yesterday both all when while unprompted unaided alone""".split())
_REFLEXIVE_ANY = re.compile(r"\b(?:himself|herself|themselves|yourself)\b")
_APPLY = _words(L.APPLY)
_MOVED = _words(L.DEAL_MOVED)
#: Literal keys, one of which every phrase of DEAL_MOVED / ASK_VERBS + ASK_FIRST holds: a cheap search
#: before the pattern with its word boundaries (most sentences have none of them).
_MOVED_KEYS = ("mov", "advanc", "progress", "sign", "closed", "slip", "stage", "contract", "legal", "verbal", "commit",
               "won", "lost", "push", "stall", "negotiation")
_MOVED_PRE = re.compile("|".join(map(re.escape, _MOVED_KEYS)))
_ASK_KEYS = ("ask", "invit", "prompt", "encourag", "had ", "let ", "made ", "hav", "make ", "got ", "question", "opened",
             "started", "began", "self", "reflect", "open", "evaluat", "own", "before", "held back", "rate", "then i",
             "after i")
_ASK_PRE = re.compile("|".join(map(re.escape, _ASK_KEYS)))
_NOT_DONE = _words(L.NOT_DONE)
_WEAK = re.compile(r"(?<![\w])(?<!\w')" + _alt(L.WEAK_MANIFESTATIONS) + r" (?!notes?\b|time\b|help\b|issues?\b|problem|"
                   r"worries|need\b|one\b|more\b|longer\b|doubt\b|calls?\b|meetings?\b)\w+")
_PRAISE = _words(L.PRAISE)
_SELF_EVIDENT_CORE = _words(L.SELF_EVIDENT_GAPS)
_BY_MEASURE = _words(L.SHORTFALLS_BY_MEASURE)
_CALL_REVIEWS = _words(L.CALL_REVIEWS)


def _self_evident(n: str) -> re.Match | None:
    """A shortfall that names its own skill: the core list, and those by measure only where a word of
    measure is (a cheap test first: the import reads 100,000 notes)."""
    hit = _SELF_EVIDENT_CORE.search(n)
    if hit is None and ("only " in n or "just " in n or "%" in n or "whole " in n or "entire " in n or "full " in n):
        hit = _BY_MEASURE.search(n)
    return hit
_WEAK_REFLECT = re.compile(r"(?<![\w])(?<!\w')(?:happen\w*|went|go|going|well|work(?:ed)?|wrong|see|saw|read|change)(?![\w]|'\w)")
_TOLD_FIRST = re.compile(r"\b(?:gave|shared|told|explained|said|walked (?:him|her|them) through) (?:\w+ ){0,3}?"
                         r"(?:my |the )?(?:feedback|view|opinion|advice|thoughts|answer|what)\b|"
                         r"\bafter (?:giving|sharing|i gave|i shared) (?:my )?(?:feedback|view|opinion|advice)")
#: A question with no object of its own, and advice just before it (rule: a check for agreement).
_BARE_QUESTION = re.compile(r"^(?:so|and|ok|okay|right|well)?,? ?(?:what do you think|what'?s your (?:view|take|read)|"
                            r"how does that sound|thoughts|what do you reckon|how do you feel about (?:that|it|this))\W*$")
_ADVICE = re.compile(r"\b(?:should|need to|have to|must|make sure|try|next time|always|never|don'?t|do not|let'?s)\b|"
                     r"^(?:ask|go|send|bring|start|open|call|stop|use|get|be|keep|focus|slow|push|hold|talk|tell|"
                     r"confirm|qualify|lead)\b")
_NO_TIME = re.compile(r"\b(?:no time|(?:didn'?t|did not) have (?:the |any |enough )?time|ran out of time|"
                      r"(?:didn'?t|did not) get (?:the )?time)\b")
#: What a practice or an independent use can be about besides a capability word.
_SKILL_REF = re.compile(r"\b(?:it|this|that|them|these|skills?|techniques?|approach|play|framework|method|questions|focus|goal|"
                        r"what we|the stuff|the piece|the goal|the focus|the reframe)\b")
_PLAN_GATE = re.compile(r"plan|idp|pdp|goal|develop|focus|role|shadow|practi|course|module|train|enabl|workshop|"
                        r"certif|drill|mock|simulat|learn|lesson|exercis|enrol|session|revisit|review|come back|"
                        r"look|check back")
_REVISIT_WORD = re.compile(r"\b(?:listen back|revisit\w*|review (?:it|this|that|them|progress|again)|we(?:'ll| will) review|check back|come back to|look(?:ing)? at it again|next (?:1:1|session|"
                           r"one[- ]on[- ]one|one[- ]to[- ]one|coaching|check-?in|review|meeting))\b")
_PAST_PRACTICE = re.compile(r"\b(?:(?:since|after|from) (?:our|the|that|last|his|her|your) (?:[\w'-]+ ){0,2}|(?:in|during) (?:that|"
                            r"last|the last|our last|our previous|the previous) (?:\w+ )?)"
                            r"(?:role[- ]?play|practice|training|session|shadowing|workshop|course)")
_INTENT = _words(L.INTENTION)
#: A call recorder's metric ("Talk ratio 71%", "Longest monologue: 3 min"): the tool's words, not the manager's (decision (g)).
_TOOL_METRIC = re.compile(r"(?<![\w])" + _alt(L.TOOL_METRICS) + r"\b[^.;]{0,40}?\d")
_HAS_DIGIT = re.compile(r"\d").search
_PERSON = re.compile(r"\b(?:you|your|he|she|his|her|they|i|we)\b")
_TENTATIVE = _words(L.TENTATIVE)
#: Meant to, but did not ("wanted to check whether she ran it alone, but we ran out of time").
_DEFERRED = re.compile(r"\b(?:wanted|meant|was going|were going|planned|intended|hoped) to\b[^.;]{0,80}\bbut\b|"
                       r"\bout of time\b|\bshort (?:on|of) time\b")
_SMALL_TALK = re.compile(r"^(?:\w+, )?(?:hey|hi|so|ok|okay|and)?,? ?" + _alt(L.SMALL_TALK)
                         + r"(?:,? (?:today|lately|these days|this week|man|mate|\w+))?\W*$")
#: A negated ask is the rep not asking ("without asking what it costs"), never the manager asking.
_NEGATED_ASK = re.compile(r"\b(?:without|instead of|rather than|never|didn'?t|did not|forgot to|not) (?:even |ever )?ask")
#: The rep's own diagnosis reported in a note ("she thinks she rushed the pricing"): the rep's words (rule 2).
_REP_SAYS = re.compile(r"^(?:in (?:his|her|their) (?:view|opinion|words|own words)|according to (?:him|her|them|the rep))\b|"
                       r"^(?:the )?(?:rep|seller|ae|sdr|he|she|they|[a-z]+) (?:then |also )?(?:thinks|thought|said|says|felt|"
                       r"feels|admitted|admits|answer(?:ed|s)?|replied|realised|realized|noticed|acknowledged|"
                       r"self-assessed|rated|presented (?:her|his|their) own)\b")
#: The manager doing the rep's work (rule (j)): "I took over the negotiation", "the manager joined and handled it".
_MANAGER_DOES = re.compile(r"^(?:[\w -]{1,30}: )?(?:(?:and|so|then|also|meanwhile),? )?(?:(?:i|we|the manager|manager|coach|the coach)"
                           r" (?:\w+ )?(?:joined|handled|took over|stepped in|called|rewrote|wrote|explained|negotiated|"
                           r"ran|led|will run|will take|will handle|will write|will just)|(?:i|we)'ll (?:just |also )?"
                           r"(?:run|take|handle|write|lead|do|join))\b")


def _manager_does(n: str) -> bool:
    """The manager doing the rep's work ("I took over the negotiation", "... handled it myself")."""
    return bool(_MANAGER_DOES.match(n)) or "myself" in n or "i took over" in n or "i stepped in" in n
#: Practice sentences describe the skill practised ("role-played negotiating without discounting").
_PRACTISED = re.compile(r"\b(?:role[- ]?played|practi[cs]ed|rehearsed|drilled|worked on|trained)\b")
#: "That's the gap." - an evaluation pointing back at the sentence before.
_POINTS_BACK = re.compile(r"^(?:so )?(?:that'?s|that is|this is|it'?s|it is|there'?s)\b")
#: The session itself not covering something ("didn't talk skills today"): the manager's, not a shortfall.
_MANAGER_FIRST = frozenset("i we i'll we'll the manager coach and so then also meanwhile".split())
_SESSION_NOT_DONE = re.compile(r"^(?:[\w -]{1,30}: )?(?:i |we )?(?:didn'?t|did not) (?:talk|get to|get into|discuss|cover|"
                               r"have (?:the |any )?time)\b|^(?:no time|ran out of time)\b")
#: "I asked her why she wouldn't ...": the manager's reported question (decision (a)).
_REPORTED_ASK = re.compile(r"^(?:(?:[\w -]{1,30}: |[\w ]{1,25}? )?(?:(?:so|then|and|first|also) )?(?:i|we|the manager|manager|"
                           r"coach|the coach) |(?:[\w -]{1,30}: )?)(?:then |first |also )?(?:asked|ask|opened by asking|"
                           r"started by asking|began by asking)(?: (?:him|her|them|the rep|rep|[a-z]+))?(?: first)? "
                           r"(?:why|whether|if|what|how|which|where|to)\b")
#: A failure verb: a shortfall even in a sentence that reports independent use.
_FAILURE = re.compile(r"\b(?:didn'?t|did not|never|missed|skipped|forgot|failed|conceded|caved|lost|still)\b")
#: What was meant to happen ("the idea was that you'd test your champion yourself") is not what happened.
_INTENDED = re.compile(r"\b(?:the (?:idea|goal|plan|aim) (?:was|is)|we agreed|we'?d agreed)\b")
#: "you don't need to ..." is no failure.
_NO_NEED = re.compile(r"\b(?:don'?t|doesn'?t|didn'?t|do not|does not|did not) (?:need|have) to\b")
#: A topic list ("the meeting covered the pipeline and her development goals") ties nothing.
_PLAN_ACT = re.compile(r"\b(?:add|put|set|agree|updat|includ|writ|wrote|mov|chose|pick)\w*")
_TOPIC_ONLY = re.compile(r"\b(?:covered|discussed|talked about|touched on|agenda|overview|topics?)\b")
_YOU = re.compile(r"(?<![\w])(?<!\w')(?:you|your|you'?re|you'?d|you'?ve|yourself)(?![\w]|'\w)")
_REP_REF = re.compile(r"(?<![\w])(?<!\w')(?:you|your|he|she|him|her|his|rep|seller|ae|sdr)(?![\w]|'\w)")
_CUSTOMER_ACTS = re.compile(r"\bthe (?:customer|client|buyer|prospect)(?:'s \w+)? (?:accepted|agreed|signed|approved|said|asked)\b")
_CUSTOMER_AGENT = re.compile(r"(?<![\w])(?<!\w')(?:by|from) (?:the )?(?:customer|client|buyer|prospect)s?\b|"
                             r"^(?:the )?(?:customer|client|buyer|prospect|they)\b")
_FIRST_PERSON_ACT = re.compile(r"^(?:i|we)\s+(?:joined|handled|ran|led|took over|stepped in|did)\b")

# Abbreviations of terse notes: one pass, a dictionary lookup per hit.
_ABBREV = re.compile(r"(?<![\w/:'])(" + "|".join(re.escape(k) for k in sorted(L.ABBREVIATIONS, key=len, reverse=True))
                     + r")(?![\w/])")
# Sentence ends after these are abbreviations, not ends ("disc. stayed surface level").
_ABBR_DOT = frozenset("""disc obj qual mgr approx vs e.g i.e etc mr ms mrs dr st no appt est dept co
inc ltd corp ref re cf fig""".split()) | frozenset("abcdefghijklmnopqrstuvwxyz")
_SPLIT_ENDS = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+")
_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|\s*;\s+|\s+/\s+|\s+\|\s+|\s*•\s*")
_BULLET = re.compile(r"^\s*(?:[-*•·>–—]+|\d{1,2}[.)]|\[[ x]\])\s*")
_HTML_BREAK = re.compile(r"<\s*(?:br|/p|p|/li|li|/div|div|/h\d|h\d|/tr|tr)\b[^>]{0,200}>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^<>]{0,200}>")
_HSPACE = re.compile(r"[^\S\n]{2,}|\t")
# "[00:12:03] Priya Shah:", "Manager:", "Priya (manager):" - the label, then what was said.
_SPEAKER = re.compile(r"^\s*(?:[\[(]?\d{1,2}(?::\d{2}){1,2}[\])]?\s*[-–]?\s*)?"
                      r"([^\W\d_][\w .'’&-]{0,40}?(?:\s*\([\w .'-]{1,30}\))?)\s*:\s+(\S.*)$")
# A speaker alone on a line with a timestamp, the words on the next line (Otter, Teams, Zoom exports).
_TIMESTAMP = r"[\[(]?\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?[\])]?"
_SPEAKER_LINE = re.compile(r"^\s*(?:" + _TIMESTAMP + r"\s*[-–]?\s*)?([A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,2}(?: \([A-Za-z ]{1,20}\))?)"
                           r"\s*(?:" + _TIMESTAMP + r")?\s*$")
_HAS_TIMESTAMP = re.compile(_TIMESTAMP)
# WebVTT: cue timings and voice tags (<v Priya Shah>).
_VTT_CUE = re.compile(r"^[ \t]*(?:WEBVTT.*|\d+|\d{1,2}:\d{2}(?::\d{2})?[.,]\d{3}\s*-->.*)$", re.MULTILINE)
_VTT_VOICE = re.compile(r"<v(?:\.[\w.-]{1,20})?\s+([^<>]{1,40})>")
#: What follows a role label in a header line: a name (1-3 capitalised words or initials), then
#: maybe more "| Label: Name" fields, and nothing else.
_NAME_ONLY = re.compile(r"^[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2}\s*(?:\|\s*[A-Za-z ]{1,20}:\s*[^|]{1,60}){0,4}$")
_UNKNOWN_SPEAKER = re.compile(r"^(?:speaker|participant|person|voice|spk|unknown speaker) ?\d{0,2}$")
_MANAGER_LABEL = re.compile(r"^" + _alt(L.MANAGER_LABELS) + r"$")
_REP_LABEL = re.compile(r"^" + _alt(L.REP_LABELS) + r"$")
_HEADING = re.compile(r"^" + _alt(L.HEADINGS) + r"$")
_HEADING_WORD = re.compile(r"\b(?:follow-?up|feedback|assessment|observation|comment|review|check|focus|plan|steps?|summary|"
                           r"notes?|goal|skill|score|rating|development|improve|went well|strengths?|opportunit\w*)\b")
_PAREN_ROLE = re.compile(r"\((?:[^()]{0,20}\b)?(manager|mgr|coach|lead|director|rep|ae|sdr|bdr|seller|coachee|"
                         r"account executive)\b[^()]{0,20}\)", re.IGNORECASE)
_HEADER_MANAGER = re.compile(r"([A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?)\s*\((?:sales\s)?(?:manager|mgr|coach|team lead)\)|"
                             r"(?:manager|coach|mgr)\s*[:=]\s*([A-Z][\w'’-]+)", re.IGNORECASE)
_EMPTY_FIELD = re.compile(r"^\s*(?:[^:\n]|1:1){1,40}:\s*(?:[-—–]+|n/?a|none|tbd|1:1)?\s*$", re.IGNORECASE)
_HEADING_ONLY = re.compile(r"^\W*" + _alt(L.HEADINGS) + r"\s*:?\W*$")
_BOILER = re.compile(r"(?<![\w])(?<!\w')" + _alt(L.BOILERPLATE) + r"(?![\w]|'\w)")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
#: ASCII characters that are not letters nor an apostrophe, as spaces (a fast split of an ASCII note into words).
_ASCII_NON_WORD = {c: " " for c in range(128) if not (chr(c).isalpha() or chr(c) == "'")}


def _words_of(text: str) -> list[str]:
    """The words of a text (letters, with an inner apostrophe), as :data:`_WORD` finds them."""
    if not text.isascii():
        return _WORD.findall(text)
    spaced = " " + text.translate(_ASCII_NON_WORD) + " "
    while " '" in spaced or "' " in spaced:  # an apostrophe that starts or ends a word is a quote mark
        spaced = spaced.replace(" '", " ").replace("' ", " ")
    return spaced.split()
_LETTER = re.compile(r"[^\W\d_]")
_ALNUM = re.compile(r"[^\W_]")
_NON_LATIN = re.compile(r"[^\x00-\u024f\W\d_]")




def _slips(word: str) -> set[str]:
    """The word with one slip of the keyboard: two neighbours swapped, one letter dropped or doubled."""
    out = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    if len(word) >= 7:  # a dropped or doubled letter of a shorter word is too often another word
        out |= {word[:i] + word[i + 1:] for i in range(1, len(word) - 1)}
        out |= {word[:i] + word[i] + word[i:] for i in range(1, len(word) - 1)}
    return out - {word}


#: Misspelling -> word, for the words the rules rely on (only words of five letters or more, and
#: never a misspelling that is itself a word of the lexicon).
_TYPOS = {slip: w for w in L.TYPO_WORDS if len(w) >= 5 for slip in _slips(w)}
for _w in L.TYPO_WORDS:
    _TYPOS.pop(_w, None)
_TYPO_KEYS = frozenset(_TYPOS)
_TOKEN = re.compile(r"[a-z][a-z'-]{3,}")


# ----------------------------------------------------------------------------- not read
def _plain(text: str) -> str:
    """The note as lines of plain text (HTML tags and entities of CRM descriptions removed)."""
    text = text[:MAX_CHARS]
    if "-->" in text:
        text = _VTT_CUE.sub("", text)
    if "<" in text:
        if "<v" in text:
            text = _VTT_VOICE.sub(lambda m: f"\n{m.group(1)}: ", text)
        text = _HTML_TAG.sub(" ", _HTML_BREAK.sub("\n", text))
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("\xa0", " ").replace("\r", "\n").replace("’", "'")
    # one space for a run of them, so no pattern ever rescans a long run (linear time)
    if "  " in text or "\t" in text or not text.isascii():
        text = _HSPACE.sub(" ", text)
    return text


def _language(words: list[str]) -> str:
    """``"other"`` for a note in another language, ``"mixed"``, or ``"english"``."""
    text = " ".join(words[:400]).lower()  # the first 400 words tell the language
    lower = text.split()
    # "a" and "i" are also words of Spanish, Portuguese, Italian, Polish...: no evidence of English
    eng = sum(map(L.ENGLISH_STOP.__contains__, lower)) - lower.count("a") - lower.count("i")
    foreign = sum(map(L.FOREIGN_STOP.__contains__, lower))
    if foreign >= 2 and foreign > 2 * eng:
        return "other"
    if foreign >= 3 and foreign * 2 >= eng:
        return "mixed"
    non_ascii = 0 if text.isascii() else sum(not w.isascii() for w in lower)
    if eng == 0 and len(lower) >= 4 and foreign >= 1 and non_ascii:
        if not (_CAP.search(text) or _DEAL.search(text) or _PLAN.search(text)):  # no English vocabulary
            return "other"  # a short note: one foreign function word, letters English does not use, no English one
    if len(lower) >= 6 and eng == 0 and non_ascii * 10 >= 3 * len(lower):
        return "other"  # no English function word and many letters English does not use
    return "english"


#: A title line above a template ("Coaching summary", "Weekly 1:1 - Dana"): a few words, no colon, no
#: sentence end.
_TITLE = re.compile(r"^\s*[^:.!?\n]{1,60}$")


def _not_read(text: str) -> tuple[str | None, bool]:
    """(reason the note is not read or None, whether it is mixed-language)."""
    head = text[:4000]
    if not _ALNUM.search(head):
        return "empty", False
    if not head.isascii() and len(_NON_LATIN.findall(head)) * 2 > len(_LETTER.findall(head)):
        return "language", False
    words = _words_of(head)
    if len(words) < 40 and ":" in head:
        lines = [ln for ln in head.split("\n") if ln.strip()]
        if len(lines) >= 2 and all(_EMPTY_FIELD.match(ln) for ln in lines[1:]) and (
                _EMPTY_FIELD.match(lines[0]) or (len(lines) >= 3 and _TITLE.match(lines[0]))):
            # a template's headings with nothing filled in ("WINS:", "DEV PLAN:"), under a title or not
            return "boilerplate", False
    if len(words) < 40:  # a longer note is never boilerplate only
        stripped, n = _BOILER.subn(" ", text.lower())
        left = len(_WORD.findall(stripped))
        if left < 3:
            # only boilerplate: "boilerplate"; a word or two of one's own ("Good 1:1"): too short (decision (h))
            return ("boilerplate" if n and not left else "too short"), False
    lang = _language(words)
    if lang == "other":
        return "language", False
    return None, lang == "mixed"


# ----------------------------------------------------------------------------- units
def _normal(sentence: str) -> str:
    s = _ABBREV.sub(lambda m: L.ABBREVIATIONS[m.group(1)], sentence.lower())
    if not _TYPO_KEYS.isdisjoint(_TOKEN.findall(s)):
        s = _TOKEN.sub(lambda m: _TYPOS.get(m.group(0), m.group(0)), s)
    return s


def _split_sentences(line: str) -> list[str]:
    out: list[str] = []
    # a line with no ";", "/", "|" nor bullet is cut at sentence ends only (the same cuts, one pattern, faster)
    cut = _SPLIT if (";" in line or "/" in line or "|" in line or "•" in line) else _SPLIT_ENDS
    for piece in cut.split(line):
        piece = piece.strip(" \t-–—*")
        if not piece:
            continue
        if out and out[-1].endswith(".") and (out[-1][:-1].rsplit(None, 1) or [""])[-1].lstrip("(").lower() in _ABBR_DOT:
            out[-1] = out[-1] + " " + piece
        else:
            out.append(piece)
    return out


def _label_role(label: str) -> str:
    """``manager``, ``rep`` (any other party), ``heading`` or ``name``."""
    paren = _PAREN_ROLE.search(label)
    if paren:
        return "manager" if paren.group(1).lower() in ("manager", "mgr", "coach", "lead", "director") else "rep"
    key = " ".join(label.lower().strip(" .-").split())
    if _UNKNOWN_SPEAKER.match(key):
        return "name"  # a speaker not named: told apart by who asks the coaching questions
    if _MANAGER_LABEL.match(key):
        return "manager"
    if _REP_LABEL.match(key):
        return "rep"
    if _HEADING.match(key) or len(key.split()) > 3:
        return "heading"
    letters = label.replace(" ", "")
    if len(letters) > 3 and letters.isupper():
        return "heading"  # "MANAGER FEEDBACK", "REP SELF-ASSESSMENT": a template's heading, never a name
    if _HEADING_WORD.search(key) or _CAP.fullmatch(key) or _PLAN.search(key) or _PRACTICE.search(key):
        return "heading"  # "Objection handling", "Coach follow-up", "Discovery": a scorecard's heading
    words = label.split()
    if all(w[:1].isupper() for w in words):
        return "name"
    return "heading"


_REPLY_WORDS = frozenset("""yes yeah yep no nope ok okay sure great thanks fair right cool fine good perfect deal agreed
true exactly hello hi hey bye morning""".split())


def _header_names(body: str) -> bool:
    """Whether what follows a role label at the top of a note is only who was there ("Sara P. |
    Coach: Omar H.", "Priya Shah", "Wen"), not words said ("Yes.", "Great")."""
    if not _NAME_ONLY.match(body):
        return False
    first = body.split("|")[0].strip()
    words = first.split()
    if len(words) == 1 and (first.endswith((".", "!", "?")) or first.lower().strip(".!?,") in _REPLY_WORDS
                            or first.lower() in L.ENGLISH_STOP):
        return False
    return True


def _turns(lines: list[str]) -> tuple[list[tuple[str, str]], bool, bool]:
    """The lines the manager wrote or said: ([(line, speaker)], whether the manager is in doubt,
    whether the note is a transcript)."""
    labelled = []
    role_of: dict[str, str] = {}  # this note's labels only: names are personal data, never kept across notes
    for k, line in enumerate(lines):
        m = _SPEAKER.match(line)
        if m and k < 4 and _header_names(m.group(2)):
            m = None  # "Rep: Sara P. | Coach: Omar H." names who was there: a header, not a turn
        if m:
            label = m.group(1)
            role = role_of.get(label)
            if role is None:
                role = role_of[label] = _label_role(label)
            labelled.append((label.strip(), m.group(2), role))
        else:
            labelled.append((None, line, None))
    roles = [r for _, _, r in labelled if r in ("manager", "rep")]
    names = [lab for lab, _, r in labelled if r == "name"]
    is_transcript = bool(roles) or (len(names) >= 3 and len(set(names)) >= 2)
    if not is_transcript:
        return [(line, "") for line in lines], False, False
    manager_names: set[str] = set()
    doubt = False
    if len(set(names)) >= 1:
        header = _HEADER_MANAGER.search("\n".join(lines[:3]))
        chosen = (header.group(1) or header.group(2)) if header else None
        if chosen:
            first = chosen.split()[0].lower()
            manager_names = {n for n in set(names) if n.split()[0].lower() == first}
        if not manager_names and "manager" not in roles:  # who asks the coaching questions
            score: dict[str, int] = {}
            for lab, body, r in labelled:
                if r == "name":
                    b = body.lower()
                    asks = "?" in b
                    score[lab] = score.get(lab, 0) + asks * (1 + bool(_YOU.search(b)) + bool(_REFLECT.search(b)))
            ranked = sorted(score.items(), key=lambda kv: -kv[1])
            if len(ranked) == 1 or (ranked and ranked[0][1] >= 2 and ranked[0][1] >= 1.5 * ranked[1][1] + 1):
                manager_names = {ranked[0][0]}
            elif ranked:
                manager_names, doubt = set(score), True
    out = []
    last = None
    for lab, body, role in labelled:
        if role is None:  # a continuation line belongs to the last speaker
            if last is None or last:
                out.append((body, "manager" if last else ""))
            continue
        keep = role == "manager" or (role == "name" and lab in manager_names) or role == "heading" and last is not False
        last = keep
        if keep:
            out.append((body if role != "heading" else f"{lab}: {body}", "manager"))
    return out, doubt, True


def _join_speaker_lines(lines: list[str]) -> list[str]:
    """"Priya Shah  0:05" then "What did you notice?" -> "Priya Shah: What did you notice?" (only
    speaker lines that carry a timestamp, so a heading alone on a line is never taken for one)."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _SPEAKER_LINE.match(lines[i]) if i + 1 < len(lines) else None
        if m and _HAS_TIMESTAMP.search(lines[i]) and not _SPEAKER_LINE.match(lines[i + 1]):
            out.append(f"{m.group(1)}: {lines[i + 1].strip()}")
            i += 2
        else:
            out.append(lines[i])
            i += 1
    return out


#: Where a long dictated sentence with no punctuation is cut: before "and she ...", "and then ...".
_RUN_ON = re.compile(r" (?=and (?:then )?(?:she|he|i|we|they|you)\b)| (?=then (?:she|he|i|we|they|you)\b)")


def _units(text: str) -> tuple[list[tuple[str, str, int]], bool, bool]:
    """(original sentence, normalised sentence, line number) of the manager's words; whether the
    manager is in doubt; whether the note is a transcript."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) >= 4 and ":" in text and _HAS_TIMESTAMP.search(text):
        lines = _join_speaker_lines(lines)
    turns, doubt, is_transcript = _turns(lines)
    units = []
    for i, (line, _who) in enumerate(turns):
        line = _BULLET.sub("", line)
        for s in _split_sentences(line):
            if len(s) > 240 and "," not in s and s.count(" ") > 40:  # a dictated note with no punctuation
                for part in _RUN_ON.split(s):
                    if len(part) > 1:
                        units.append((part, _normal(part), i))
                continue
            if len(s) > 1 and not _HEADING_ONLY.match(s.lower()) and not (s.endswith(":") and s.count(" ") < 4):
                units.append((s, _normal(s), i))
    return units, doubt, is_transcript


# ----------------------------------------------------------------------------- behaviours
def _question_part(n: str) -> str | None:
    """The question in a sentence (after a colon or an opening quote), lower-case, or None."""
    s = n.rstrip(" \"'”)")
    if not s.endswith("?"):
        head = s.split(" ", 1)[0] if s else ""
        if not (_OPEN.match(s) and head in ("what", "how", "walk", "talk", "tell")):
            return None
    for sep in (': "', ":", '"', "“", "- "):
        if sep in s:
            s = s.rsplit(sep, 1)[1]
    return s.strip(" \"'“”")


_UNSET = object()


def _gap(n: str, indep: bool | None = None, cap=_UNSET) -> float:
    if cap is _UNSET:
        cap = _CAP.search(n)
    evident = None if cap else _self_evident(n)
    if not (cap or evident) and not (_REP_NEG_GATE(n) and _REP_SHORTFALL.search(n)):
        return NOTHING  # nothing a gap could be about (most sentences stop here)
    if _HAS_DIGIT(n) and _TOOL_METRIC.search(n) and not _PERSON.search(n):
        return NOTHING  # "Talk ratio 71%": the recorder's reading, not a gap the manager named (decision (g))
    changed = False
    if "time" in n:  # "didn't have time to go into discovery" is the manager's, not a shortfall
        n, k = _NO_TIME.subn(" ", n)
        changed = changed or k > 0
    first = n.split(" ", 1)[0]
    if _REP_SAYS.match(n) or _SESSION_NOT_DONE.match(n) or ((first in _MANAGER_FIRST or ":" in n[:34] or "mysel" in n
                                                             or "i took" in n or "i stepped" in n) and _manager_does(n)):
        return NOTHING  # the rep's own diagnosis (rule 2), the manager doing the work (rule (j)), or the session
    if "ask" in n and _REPORTED_ASK.match(n):
        return NEAR_MISS  # a reported question names nothing: it asks or it tells (decision (a))
    if "need" in n or "have to" in n:
        n, k = _NO_NEED.subn(" ", n)  # "you don't need to do the negotiation" is no failure
        changed = changed or k > 0
    if "n't" in n or " not " in n or "never" in n:
        n, k = _NEGATED_FAILURE.subn(" ", n)  # "never once lost her cool", "didn't cave": a success
        changed = changed or k > 0
    if indep is None:
        indep = _independent(n)
    success = False
    if indep:  # "without me", "I wasn't on the call", "ran it himself": independent use, not a shortfall
        success = True
        if _may_be_independent(n):
            n, k = _INDEP.subn(" ", n)
            changed = changed or k > 0
    if (success or (("agree" in n or " was " in n or " is " in n) and _INTENDED.search(n))) and not _FAILURE.search(n):
        return NOTHING  # a report of the skill used alone, or what was meant to happen, is no observed miss
    if changed:
        cap = _CAP.search(n)
        evident = None if cap else _self_evident(n)
    if not cap:
        if evident and (_REP_REF.search(n) or _INSTANCE.search(n)) and not n.endswith("?"):
            return SHOWN  # "you talked too much on the Fabrikam call"
        if _rep_shortfall(n):
            return SHOWN  # "you didn't screen on the one must-have", "he is not asking which lines are down"
        return NOTHING
    if n.rstrip(" \"'”)").endswith("?"):
        return NEAR_MISS  # a question names nothing: it asks or it tells (behaviour 2)
    if (_CUSTOMER_AGENT.search(n) or (("customer" in n or "client" in n or "buyer" in n or "prospect" in n)
                                     and _CUSTOMER_ACTS.search(n))) and not _REP_REF.search(n[: cap.start()] + n[cap.end():]):
        return NEAR_MISS  # a deal fact ("budget not confirmed by customer yet")
    strong = _MANIFEST.search(n) or _self_evident(n)
    if strong and _PRACTISED.search(n[: strong.start()]) and not re.search(r"\b(didn'?t|never|missed|skipped|forgot)\b", n):
        strong = None  # "we role-played negotiating without discounting": what was practised, not a miss
    if not strong and _WEAK.search(n) and not _PRAISE.search(n) and not _INDEP.search(n) \
            and (_REP_REF.search(n) or _INSTANCE.search(n)):
        strong = True
    if strong:
        if _GENERIC.search(n) and not _INSTANCE.search(n) and not re.search(r"\b(didn'?t|never|without|no)\b", n):
            return UNSURE
        return SHOWN
    if _EVAL.search(n):
        if _INSTANCE.search(n) or (_WEAK.search(n) and not _PRAISE.search(n)):
            return SHOWN  # "the closing bit is the gap: no date, no owner"
        return UNSURE
    return NOTHING


#: The rep as the subject of a negated or insufficient action: "you never gave a reason", "he is not asking
#: which ...", "she has met only the buyer". The verb after the negation is any verb but those of
#: :data:`coaching_lexicon.NOT_A_SHORTFALL` (a negated failure is a success: "didn't cave").
_REP_SHORTFALL = re.compile(
    r"(?<![\w'-])(?:you|he|she|the rep|rep|the seller|seller)(?: (?:also|still|just|again|really|even|basically|clearly|then))? "
    r"(?:(?:didn'?t|did not|never|hasn'?t|has not|haven'?t|have not|wasn'?t|was not|is not|isn'?t|are not|aren'?t|were not|"
    r"weren'?t)(?: (?:once|even|yet|really|properly|actually|been))? (?!" + _alt(L.NOT_A_SHORTFALL) + r"(?![\w]))[a-z]{3,}|"
    r"(?:[\w'%-]+ ){1,8}?(?:without (?:first |even |ever )?\w+ing|before (?:to )?(?:understand|know|ask|confirm|qualif)\w*|"
    r"before (?:the |their |any |anyone )?\w+ (?:had |has )?(?:even )?(?:confirm|agree|ask|rais|explain|said|told|mention|shar)\w*))")


def _REP_NEG_GATE(n: str) -> bool:
    """A cheap test before :data:`_REP_SHORTFALL`: a negation, "only"/"just", or "without"/"before"."""
    return ("n't" in n or " not " in n or "never" in n or " only" in n or " just " in n or "without" in n or "before" in n) \
        and ("you" in n or "he " in n or "rep" in n or "seller" in n)  # "he " is in "she " too


def _rep_shortfall(n: str) -> bool:
    """A shortfall in the rep's own action, with no capability word (the capability is the action):
    a statement, not praise, not the rep's own diagnosis, not what someone should do."""
    if n.endswith("?") or _PRAISE.search(n) or _INTENT.search(n) or _NOT_DONE_SESSION.search(n) or " yet" in n \
            or _EXTERNAL_REASON.search(n):
        return False
    m = _REP_SHORTFALL.search(n)
    return bool(m) and bool(_COUNTERPART.search(n) or _INSTANCE.search(n))


_COUNTERPART = _words(L.COUNTERPART)
#: A reason outside the rep's execution ("didn't meet the buyer because of the holidays").
_EXTERNAL_REASON = re.compile(r"\b(?:because of|due to|on (?:leave|holiday|vacation|pto)|off sick|out sick|holidays?)\b")
_NEGATED_FAILURE = re.compile(r"\b(?:didn'?t|did not|never|wasn'?t|was not|hasn'?t|has not|won'?t)(?: once| even| ever)? "
                              + _alt(L.NEGATED_FAILURES) + r"(?![\w])")


#: Not a shortfall in the rep's execution: the manager's session, the rep not needing help.
_NOT_DONE_SESSION = re.compile(r"\b(?:should|must|need to|needs to|have to|has to|next time|time (?:for|to)|get (?:to|round|"
                               r"around))(?![\w-])")


def _gap_pair(first: str, second: str) -> float:
    """A point made over two sentences: an evaluation of a capability ("That's a discovery gap.")
    beside the observed instance ("On Acme you never asked who signs.")."""
    for a, b in ((first, second), (second, first)):
        if not (_CAP.search(a) and _EVAL.search(a)) or b.rstrip(" \"'”)").endswith("?"):
            continue
        if (_MANIFEST.search(b) and _REP_REF.search(b)) or (_WEAK.search(b) and not _PRAISE.search(b)
                                                             and not _INDEP.search(b)):
            return SHOWN
    # "So stakeholder navigation: you built the deal on someone who can't sign. That's the gap."
    if _POINTS_BACK.match(second) and _EVAL.search(second) and _CAP.search(first) and _REP_REF.search(first) \
            and not first.rstrip(" \"'”)").endswith("?") and not _PRAISE.search(first) and not _INDEP.search(first):
        return SHOWN
    # "You talked through the whole call. That's your listening.": the observation, then the capability it shows
    if _POINTS_BACK.match(second) and _CAP.search(second) and not _PRAISE.search(second) and not _PRAISE.search(first) \
            and not first.rstrip(" \"'”)").endswith("?") and not _independent(first) \
            and (_rep_shortfall(first) or _self_evident(first)
                 or (_REP_REF.search(first) and (_MANIFEST.search(first) or _WEAK.search(first)))):
        return SHOWN
    return NOTHING


def _asked(n: str, direct: bool) -> float:
    if "?" not in n and not (_ASK_PRE.search(n) and _ASK_GATE.search(n)):
        invite = _INVITE.search(n) if " me " in n else None
        if not invite:
            return NOTHING
        if _INTENT.search(n) or _NOT_DONE.search(n):
            return NEAR_MISS  # "I should have let you walk me through it first"
        # decision (c): an invitation is asking ("Pick the call you liked least and tell me what you'd change")
        n, direct = n[invite.start():].rstrip(" .!") + "?", True
    if "how" in n[:24] and _SMALL_TALK.match(n):
        return NEAR_MISS  # "How you feeling?" asks about the rep's week, not their execution
    if "ask" in n and _NEGATED_ASK.search(n):
        n = _NEGATED_ASK.sub(" ", n)  # "without asking what it costs": the rep not asking
        if not _ASK.search(n) and "?" not in n:
            return NOTHING
    asked_you = n.endswith("?") and _YOU.search(n)  # a question put to the rep is asked, whatever it is prefaced by
    if (_INTENT.search(n) and not asked_you) or _NOT_DONE.search(n):
        return NEAR_MISS if (_ASK.search(n) or "?" in n) else NOTHING
    q = _question_part(n)
    if q is not None and (direct or q is not n):
        if _NEG_AUX.match(q) or _TELL.search(q):
            return NEAR_MISS
        reflect = _REFLECT.search(q) or (q is not n and _OPEN.match(n) and _REFLECT.search(n))
        if _STATUS.search(q) and (not reflect or not any(r.group(0) not in _INVITE_WORDS for r in _REFLECT.finditer(q))):
            return NEAR_MISS  # "walk me through the close dates" asks for facts
        if not (_OPEN.match(q) or (q is not n and _OPEN.match(n))) and (", " in q or " and " in q or " so " in q):
            clause = _OPEN_CLAUSE.search(q)  # "since then, where have you tried it, and what would you change?"
            if clause and _REFLECT.search(q, clause.start()):
                q = q[clause.start():]
                reflect = _REFLECT.search(q)
        if _OPEN.match(q) or (q is not n and _OPEN.match(n)):
            if reflect:
                weak = not _YOU.search(q) and _WEAK_REFLECT.fullmatch(reflect.group(0))
                return UNSURE if weak else SHOWN
            return UNSURE if _YOU.search(q) else NOTHING
        if _CLOSED.match(q) and reflect and _YOU.search(q):
            return UNSURE
        if q is not n and reflect and _YOU.search(q):  # a quoted question that is not closed
            return LIKELY
        return NOTHING
    if _ASK_FIRST.search(n) and (_ASK.search(n) or re.search(r"\b(first|before|opened|started)\b", n)):
        return SHOWN
    ask = _ASK.search(n)
    if ask:
        rest = n[ask.end():]
        if re.match(r"\s*me\b", rest) or re.search(r"\b(he|she|they|you|rep|seller|the rep|himself|herself|themselves|yourself)\s+(also\s+)?$",
                                                                   n[: ask.start()]):
            return NOTHING  # the rep asking

        if _TOLD_FIRST.search(n[: ask.start()]):
            return NEAR_MISS  # asked only after giving the answer
        if re.search(r"\btold\b", n[: ask.start()]) or _TELL.search(rest) or re.search(
                r"\bwhy (he|she|they|you) (didn'?t|did not|don'?t|are not|is not|was not|were not)\b|"
                r"\bwhy (he|she|they|you) not\b|\bwhether it wouldn'?t\b|\bif it is not better\b|"
                r"\bwhy not\b|\b(isn'?t|is not|wouldn'?t|would not) (it )?(be )?better\b", rest):
            return NEAR_MISS
        reflect = _REFLECT.search(rest)
        if _STATUS.search(rest) and not reflect:
            return NEAR_MISS
        if reflect and re.search(r"\b(what|how|to|whether|if|first|where)\b", rest):
            return SHOWN if re.search(r"\b(what|how)\b|^\s*(?:\w+ )?first\b", rest) or _ASK_FIRST.search(n) else UNSURE
    return NOTHING


#: A customer's practice, a workshop that is a place, a simulation sent to a customer: not practice.
_NOT_PRACTICE = _words(L.NOT_PRACTICE)
_AMBIGUOUS_PRACTICE = frozenset(("practice", "practise", "workshop", "training", "simulation", "module", "course", "exercise"))
#: Practice going on since an earlier session ("he's been shadowing Raj since our last 1:1"): tracking, not a plan.
_ONGOING_PRACTICE = re.compile(r"\b(?:has|have|had|is|was|were|'s|he|she) been (?:\w+ )?(?:shadow|practi|role|drill|train|work)")
#: A plan named as what is followed up ("since the IDP review", "follow-up on the goal from his PDP"): tracking.
_PLAN_BACKREF = re.compile(r"\b(?:since|follow(?:ed|ing)?[- ]?up on|from|after|as agreed in|check(?:ed)? (?:on|of))"
                           r" (?:[\w'-]+ ){0,4}?(?:idp|pdp|development plan|dev plan|growth plan|development goals?|goal)\b")
#: Something ahead: a plan being made, not only looked back on.
_FORWARD = re.compile(r"\b(?:will|'ll|next|new|add(?:ed|ing|s)?|updat\w*|set|put|going to|let'?s|revisit\w*|due|agreed)\b")
#: Going over the rep's work again at a later session ("we'll look at her next business case at our next 1:1").
_FUTURE = re.compile(r"\b(?:will|'ll|let'?s|going to|we look|we go|we listen)\b")


def _plan(n: str, cap=_UNSET) -> float:
    if not _PLAN_GATE.search(n):
        return NOTHING
    if cap is _UNSET:
        cap = _CAP.search(n)
    plan = _PLAN.search(n)
    if plan and not _DEAL_PLAN.fullmatch(plan.group(0)):
        if _NOT_DONE.search(n) or _TENTATIVE.search(n):
            return NEAR_MISS
        if _PLAN_BACKREF.search(n) and not _FORWARD.search(n):
            return NEAR_MISS  # "follow-up on the goal from his PDP": the plan looked back on (tracking), not tied now
        if _TOPIC_ONLY.search(n) and not (_PRACTICE.search(n) or _REVISIT_WORD.search(n) or _PLAN_ACT.search(n)):
            return NEAR_MISS  # "the meeting covered the pipeline and her development goals": a topic, not a tie
        return SHOWN
    practice = _PRACTICE.search(n) or ("call review" in n and _CALL_REVIEWS.search(n))
    if practice and practice.group(0).rstrip("s") in _AMBIGUOUS_PRACTICE and _NOT_PRACTICE.search(n):
        practice = _PRACTICE.search(_NOT_PRACTICE.sub(" ", n))  # "the practice manager", "with the workshop"
    if practice and (_PAST_PRACTICE.search(n) or ("been" in n and _ONGOING_PRACTICE.search(n))) \
            and not _REVISIT_WORD.search(n):
        return NOTHING  # "since our role play", "he's been shadowing": tracking what was practised, not a plan
    if practice:
        if _NOT_DONE.search(n) or _TENTATIVE.search(n):
            return NEAR_MISS
        if _manager_does(n) and not cap:
            return NOTHING  # "I'll run the exec call Thursday, you can shadow": the manager doing the deal
        if re.search(r"\b(practi[cs]ed|role[- ]?played|trained)\b", n) and not _REVISIT.search(n):
            return NOTHING  # past practice: tracking, not a plan
        if not (cap or _SKILL_REF.search(n) or re.search(r"role[- ]?play|roleplay|shadow|mock", n)):
            return UNSURE  # practice of what? ("training on the new CRM next week")
        if _REVISIT.search(n) or re.search(r"\b(will|'ll|going to|let'?s|assigned|booked|scheduled|enrolled|"
                                            r"signed up|agreed|set)\b", n):
            return LIKELY
        return NEAR_MISS  # practice with no date and no revisit is a one-off comment (decision (d))
    if cap and (re.search(r"\b(revisit|review (it|this|that) (in|at|on)|come back to|look(ing)? at it "
                                     r"again|check back)\b", n) or (_FUTURE.search(n) and _REVISIT_WORD.search(n))) \
            and not _DEAL.search(n) and not _manager_does(n):
        return LIKELY  # a capability and a later session to go over it again
    if re.search(r"\bplan\b", n) and _DEAL.search(n) and not _DEAL_PLAN.search(n):
        return UNSURE
    return NOTHING


#: Every phrase of :data:`coaching_lexicon.INDEPENDENT` holds one of these (a cheap test before the pattern).
_INDEP_KEYS = ("alone", "solo", "own", "indep", "without", "i didn't", "i did not", "i never", "didn't need", "did not need",
               "never needed", "didn't call", "did not call", "never called", "didn't ask", "did not ask", "never asked",
               "didn't escalate", "did not escalate", "didn't involve", "did not involve", "unaided", "unassisted", "unprompted", "unsupported", "no ",
               "w/o", "i was", "i not", "i only", "i just", "sel")


_INDEP_GATE = re.compile("|".join(map(re.escape, _INDEP_KEYS)))


def _may_be_independent(n: str) -> bool:
    return _INDEP_GATE.search(n) is not None


#: The customer as the subject of the clause a reflexive ends.
_CUSTOMER_SUBJECT = re.compile(r"\b(?:customer|client|buyer|prospect)s?(?:'s? \w+)? (?:\w+ed|\w+s|did|had|was|were|went|found|"
                               r"saw|made|took|got|knew|came)\b[^,;:.]*$")
#: "on price alone" is "only", not independence.
_ALONE_AS_ONLY = re.compile(r"\bon (?:the )?(?!(?:you|him|her|them|his|her|their|your|own)\b)[a-z]+ alone\b")


def _independent(n: str) -> bool:
    """Independent use: "alone", "without me", "no help from me", or a reflexive after what the rep did
    ("he set that up himself"), not an emphatic one ("the CFO herself joined")."""
    if _may_be_independent(n) and _INDEP.search(_ALONE_AS_ONLY.sub(" ", n) if "alone" in n else n):
        return True
    if "self" not in n and "selves" not in n:
        return False
    m = _REFLEXIVE_ANY.search(n)
    if not m:
        return False
    if _CUSTOMER_SUBJECT.search(n, max(0, m.start() - 80), m.start()):
        return False  # "the client found out about it themselves": the customer, not the rep
    before = n[: m.start()].split()[-3:]
    if not before or _SELF_OBJECT.search(" ".join(before)):
        return False  # "he saw it himself", "record himself": the reflexive is an object, not independence
    after = re.match(r"\s*(\w+)", n[m.end():])  # a punctuation mark first: the clause ends, not emphatic
    # "the CFO herself joined": emphatic when a noun comes before and a verb after
    return not (len(before) >= 2 and before[-2] in ("the", "their", "our", "his", "her", "a")
                and after and after.group(1) not in _CLAUSE_GO_ON)


def _tracked(n: str, indep: bool | None = None, earlier_before: bool = False) -> float:
    if indep is None:
        indep = _independent(n)
    if not indep:
        return NEAR_MISS if (_MOVED_PRE.search(n) and _MOVED.search(n) and _EARLIER.search(n)) else NOTHING
    if re.search(r"\b(didn'?t|did not|no time to|forgot to|never) (check|ask|follow|review|get to|listen)\b"
                 r"(?! (?:me|us|anyone|for|the manager|manager|(?:her|his|their) (?:manager|coach))\b)", n) \
            or re.search(r"\b(will|'ll|going to|plan to|next time i) (check|see|ask|review|listen)\b", n) \
            or _NO_TIME.search(n) or _DEFERRED.search(n):
        return NEAR_MISS
    if _FIRST_PERSON_ACT.search(n) and not re.search(r"\bwithout me\b", n):
        return NEAR_MISS
    earlier, check, apply = _EARLIER.search(n) or earlier_before, _CHECK.search(n), _APPLY.search(n)
    # on his own, but doing what? ("ran the team meeting"); a practice names what ("we practised asking for referrals")
    if not (_CAP.search(n) or _SKILL_REF.search(n) or _PRACTISED.search(n) or _PRACTICE.search(n)):
        return UNSURE if earlier and (apply or check) else NOTHING
    if earlier and (apply or check):
        return SHOWN
    if earlier and _CAP.search(n) and not n.rstrip(" \"'”)").endswith("?"):
        return LIKELY  # "from our multi-threading role play: she brought in their ops director herself"
    if earlier and re.search(r"\b(since|last|previous|prior|after our|we (practi[cs]ed|worked on|role[- ]?played))\b", n):
        return LIKELY
    if check and apply:
        return LIKELY
    if earlier or check or apply:
        return UNSURE
    return NOTHING


def _scores(n: str, direct: bool) -> tuple[dict[str, float], bool]:
    """The four rules on one sentence, and whether it shows an independent use (for two-sentence points)."""
    indep = _independent(n)
    cap = _CAP.search(n)
    return {"named_specific_gap": _gap(n, indep, cap), "tied_to_plan": _plan(n, cap), "tracked_application": _tracked(n, indep),
            "asked_before_telling": _asked(n, direct=direct)}, indep


def _pair_flags(n: str, indep: bool) -> tuple[bool, bool]:
    """What a two-sentence point needs of a sentence: an evaluated capability, an independent use."""
    return bool(_EVAL.search(n) or (_POINTS_BACK.match(n) and _CAP.search(n))), indep


#: How many of the manager's units after a reference to an earlier session ("the thing from our last
#: call") an independent use still answers it.
BACK_REFERENCE_REACH = 3


def _MOVED_ONLY(n: str) -> bool:
    """A back-reference to a deal ("last week you said Acme would sign"), not to a skill."""
    return bool(_MOVED.search(n)) and not (_CAP.search(n) or _PRACTICE.search(n) or _PRACTISED.search(n))


def read_note(text: str | None) -> dict:
    """The reading of one note (see the module's contract).

    >>> r = read_note("1:1 - rep skipped the economic buyer on Globex; single-threaded through procurement.")
    >>> r["named_specific_gap"], r["tied_to_plan"], r["named_specific_gap_confidence"]
    (True, False, 0.9)
    """
    out: dict = {"text_status": READ}
    missing = text is None or text is pd.NA or text is pd.NaT or (isinstance(text, float) and np.isnan(text))
    plain = "" if missing else _plain(str(text))
    reason, mixed = _not_read(plain) if plain else ("empty", False)
    if reason:
        out["text_status"] = f"not read: {reason}"
        for b in COACHING_BEHAVIOURS:
            out[b], out[f"{b}_confidence"], out[f"{b}_evidence"] = pd.NA, np.nan, None
        return out
    units, doubt, is_transcript = _units(plain)
    best = {b: (NOTHING, None) for b in COACHING_BEHAVIOURS}
    prev: tuple[str, str, int] | None = None
    prev_flags: tuple[bool, bool] | None = None
    seen: dict[str, tuple[dict, bool]] = {}  # a sentence said twice in one note is read once
    prev_indep = False
    recent: list[str] = []  # the last few units, for a reference to an earlier session
    for orig, n, line in units:
        hit = seen.get(n)
        if hit is None:
            hit = seen[n] = _scores(n, is_transcript or n.endswith("?"))
        scores, indep = dict(hit[0]), hit[1]
        if scores["asked_before_telling"] >= PRESENT_FROM and _BARE_QUESTION.match(n):
            # "What do you think?" asks about nothing of its own: after advice it checks agreement
            scores["asked_before_telling"] = NEAR_MISS if prev is not None and _ADVICE.search(prev[1]) else UNSURE
        flags = None
        if prev is not None and prev[2] == line:  # a point made over two sentences of one turn or line
            flags = _pair_flags(n, indep)
            prev_flags = prev_flags or _pair_flags(prev[1], prev_indep)
            pair = prev[1] + " " + n
            for k, b in enumerate(("named_specific_gap", "tracked_application")):
                if scores[b] < SHOWN and (flags[k] or prev_flags[k]):
                    joined = _gap_pair(prev[1], n) if b == "named_specific_gap" else _tracked(pair)
                    if joined >= PRESENT_FROM and joined > scores[b]:
                        scores[b] = joined
                        if best[b][0] < joined:
                            best[b] = (joined, prev[0] + " " + orig)
        if indep and recent and scores["tracked_application"] < PRESENT_FROM \
                and any(_EARLIER.search(r) and not _MOVED_ONLY(r) for r in recent):
            # "First, the thing from our last call. [...] She said you handled his questions by yourself."
            joined = _tracked(n, indep, earlier_before=True)
            if joined >= PRESENT_FROM:
                scores["tracked_application"] = joined
        recent.append(n)
        if len(recent) > BACK_REFERENCE_REACH:
            del recent[0]
        for b, conf in scores.items():
            if conf > best[b][0]:
                best[b] = (conf, orig)
        prev, prev_flags, prev_indep = (orig, n, line), flags, indep
    for b in COACHING_BEHAVIOURS:
        conf, evidence = best[b]
        if (doubt or mixed) and conf > DOUBT_CAP:
            conf = DOUBT_CAP
        out[b] = True if conf >= PRESENT_FROM else False if conf <= ABSENT_BELOW else pd.NA
        out[f"{b}_confidence"] = conf
        out[f"{b}_evidence"] = evidence if conf > ABSENT_BELOW else None
    return out


def read_notes(texts: Iterable[str | None], progress: Callable[[float], None] | None = None) -> pd.DataFrame:
    """The readings of many notes, one row each, in order (see the module's contract)."""
    texts = list(texts)
    rows = []
    step = max(1, len(texts) // 50)
    for i, t in enumerate(texts):
        rows.append(read_note(t))
        if progress and i % step == 0:
            progress(i / max(1, len(texts)))
    columns = ["text_status"] + [c for b in COACHING_BEHAVIOURS for c in (b, f"{b}_confidence", f"{b}_evidence")]
    frame = pd.DataFrame(rows, columns=columns)
    for b in COACHING_BEHAVIOURS:
        frame[b] = frame[b].astype("boolean")
        frame[f"{b}_confidence"] = frame[f"{b}_confidence"].astype(float)
        evidence = frame[f"{b}_evidence"].astype(object)
        frame[f"{b}_evidence"] = evidence.where(evidence.notna(), None)
    if progress:
        progress(1.0)
    return frame
