"""Lexicons of general news language shared by the stages: reporting verbs, hedges, denials, units,
weekdays, event-framing nouns, loaded wording. Nothing here names a story, a person or a place."""

from __future__ import annotations

import re

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Reporting verbs that judge what they report: the outlet's own wording even inside an attribution.
LOADED_REPORTING_VERBS = frozenset(
    ["slam", "blast", "assail", "mock", "brag", "tout", "decry", "deride", "lash", "fume", "rant", "boast"]
    + ["scoff", "sneer", "jeer", "taunt", "gush", "rail", "chide", "scold", "bark", "whine", "gloat", "berate"]
)
REPORTING_VERBS = LOADED_REPORTING_VERBS | frozenset(
    [
        "say",
        "tell",
        "announce",
        "state",
        "claim",
        "report",
        "add",
        "insist",
        "argue",
        "warn",
        "write",
        "declare",
        "confirm",
        "deny",
        "dispute",
        "allege",
        "accuse",
        "suggest",
        "explain",
        "note",
        "stress",
        "recount",
        "reply",
        "respond",
        "urge",
        "tweet",
        "post",
        "acknowledge",
        "admit",
        "assert",
        "describe",
        "call",
        "praise",
        "denounce",
        "promise",
        "vow",
        "threaten",
        "predict",
        "estimate",
        "told",
        "said",
        "emphasize",
        "emphasise",
        "underline",
        "reiterate",
        "recall",
        "concede",
        "remark",
        "observe",
        "contend",
        "maintain",
        "ask",
    ]
    # Verbs of saying and of the manner of saying whose usual sense is speech (after Levin's classes
    # 37.3, 37.7, 37.8); words with a common other sense ("counter", "snap", "cry", "reason", "assure":
    # "felt assured that") are left out.
    + ["proclaim", "exclaim", "muse", "quip", "lament", "bemoan", "marvel", "retort", "mutter", "murmur"]
    + ["shout", "yell", "scream", "whisper", "grumble", "gripe", "opine", "plead"]
    + ["implore", "interject", "posit", "surmise", "confide", "divulge", "disclose", "stammer", "harangue"]
)

# Verbs that name no happening of their own: being and having, support verbs, plain saying and
# thinking. Two claims with "is" or "said" as their verb are not thereby about one event.
LIGHT_VERBS = frozenset(
    [
        "be",
        "have",
        "do",
        "get",
        "make",
        "take",
        "give",
        "go",
        "come",
        "put",
        "set",
        "let",
        "seem",
        "become",
        "remain",
        "stay",
        "keep",
        "want",
        "need",
        "try",
        "use",
        "include",
        "happen",
        "mean",
        "know",
        "think",
        "believe",
        "see",
        "look",
        "appear",
        "feel",
        "say",
        "tell",
        "add",
        "note",
        "write",
        "ask",
        "call",
    ]
)

# Certainty cues, matched on the sentence outside quotation marks. Order matters: denial beats
# unconfirmed beats hedged.
DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied)|disput(?:e|es|ed)|refut(?:e|es|ed)|reject(?:s|ed)? (?:the |these |those )?"
    r"(?:claims?|reports?|allegations?|accusations?)|dismiss(?:es|ed)? (?:the |these )?(?:claims?|reports?)"
    r"|(?:is|was|were|are) (?:not true|false|untrue|fabricated)|no such (?:thing|strikes?|attack))\b",
    re.I,
)
UNCONFIRMED = re.compile(
    r"\b(?:unconfirmed|unverified|(?:has|have|had) not been (?:independently )?(?:confirmed|verified)|"
    r"(?:yet|still) to be (?:independently )?(?:confirmed|verified)|could not (?:be )?(?:independently )?"
    r"(?:confirm|verif)\w*|no independent (?:verification|confirmation)|not (?:been )?independently "
    r"(?:confirmed|verified)|if confirmed|cannot be (?:independently )?(?:confirmed|verified))\b",
    re.I,
)
HEDGE = re.compile(
    r"\b(?:reportedly|allegedly|apparently|purportedly|supposedly|ostensibly|perhaps|maybe|presumably|"
    r"(?:is|are|was|were) (?:said|believed|thought|reported|understood|alleged|rumou?red|speculated) to|"
    r"it is (?:believed|understood|thought|rumou?red|speculated)|"
    r"some reports|(?:reports|sources) (?:say|said|suggest|suggested|indicate|indicated)|according to "
    r"(?:(?:multiple|several|many|some|unnamed|anonymous|unconfirmed|media|press|local) )?"
    r"(?:reports|sources|people familiar)|may have|might have|could have|must have (?:been|\w+ed)|possibly|"
    r"probably|likely|"
    r"appears? to|seem(?:s|ed)? to|suggest(?:s|ed)?|what (?:he|she|they|it) claim(?:s|ed)?|claims? to be)\b",
    re.I,
)

# Event-framing nouns: how an outlet names the central event.
FRAMING_TERMS = (
    "coup attempt",
    "attempted coup",
    "coup",
    "putsch",
    "mutiny",
    "rebellion",
    "uprising",
    "insurrection",
    "insurgency",
    "revolt",
    "revolution",
    "riot",
    "protest",
    "demonstration",
    "strike",
    "blockade",
    "sabotage",
    "standoff",
    "stand-off",
    "crisis",
    "turmoil",
    "unrest",
    "clashes",
    "terrorist attack",
    "attack",
    "invasion",
    "incursion",
    "occupation",
    "siege",
    "walkout",
    "dispute",
    "treason",
    "betrayal",
    "escapade",
    "stunt",
)
FRAMING_RE = re.compile(r"\b(" + "|".join(re.escape(t) for t in FRAMING_TERMS) + r")(?:e?s)?\b", re.I)
# "a so-called “X”", "what X called a “Y”": quoted names for the event.
NAMED_AS_RE = re.compile(
    r"(?:so-called|so called|what [\w .’']{2,40} call(?:s|ed))\s+(?:an? |the )?[“\"‘']([^”\"’']{3,40})[”\"’']", re.I
)

# Evaluative or loaded wording in an outlet's own voice (general English; BASIL-style bias cues).
LOADED_WORDS = frozenset(
    [
        "abhorrent",
        "absurd",
        "appalling",
        "arrogant",
        "atrocious",
        "bankrupt",
        "barbaric",
        "blatant",
        "bloodthirsty",
        "brazen",
        "brutal",
        "callous",
        "catastrophic",
        "chaos",
        "chaotic",
        "cowardly",
        "crooked",
        "cynical",
        "dangerous",
        "debacle",
        "deceitful",
        "deluded",
        "delusional",
        "despicable",
        "despotic",
        "destructive",
        "devastating",
        "dictator",
        "disastrous",
        "disgraceful",
        "dishonest",
        "disgusting",
        "egregious",
        "evil",
        "excitable",
        "extremist",
        "fanatical",
        "farcical",
        "fascist",
        "fascistic",
        "fiasco",
        "foolish",
        "fraudulent",
        "gangster",
        "gangsters",
        "greedy",
        "grotesque",
        "hapless",
        "heroic",
        "hideous",
        "horrific",
        "hostage",
        "humiliating",
        "hypocrisy",
        "hypocritical",
        "idiotic",
        "illegitimate",
        "incompetent",
        "infamous",
        "insane",
        "lies",
        "liar",
        "lunatic",
        "malicious",
        "mendacious",
        "menacing",
        "monstrous",
        "nefarious",
        "notorious",
        "obscene",
        "outrageous",
        "pathetic",
        "pernicious",
        "plunder",
        "predatory",
        "preposterous",
        "propaganda",
        "puppet",
        "racist",
        "radical",
        "rampant",
        "reactionary",
        "reckless",
        "regime",
        "remarkably",
        "ridiculous",
        "rogue",
        "ruthless",
        "sabotage",
        "scandalous",
        "self-appointed",
        "senseless",
        "shameful",
        "shameless",
        "shocking",
        "sinister",
        "spineless",
        "staggering",
        "stunt",
        "terrifying",
        "thug",
        "thugs",
        "traitor",
        "traitors",
        "treacherous",
        "tyrant",
        "unhinged",
        "unprecedented",
        "vicious",
        "vile",
        "villain",
        "warlord",
        "wicked",
        "despicably",
        "shamefully",
        "breathlessly",
        "vehemently",
        "extraordinarily",
        "so-called",
        # evaluative verbs and idioms of news copy (added after the BASIL benchmark; see BENCHMARKS.md)
        "slammed",
        "slams",
        "blasted",
        "blasts",
        "assailed",
        "bragged",
        "bragging",
        "mocked",
        "mocking",
        "stunning",
        "bombshell",
        "bombastic",
        "disdainful",
        "rage",
        "raging",
        "scheme",
        "scheming",
        "sharply",
        "remarkable",
        "lashed",
        "decried",
        "derided",
        "scathing",
        "fumed",
        "furious",
        "outrage",
        "outraged",
    ]
)

# Units: surface form -> (base unit, dimension, factor to base).
UNITS: dict[str, tuple[str, str, float]] = {
    "km": ("km", "distance", 1.0),
    "kms": ("km", "distance", 1.0),
    "kilometre": ("km", "distance", 1.0),
    "kilometres": ("km", "distance", 1.0),
    "kilometer": ("km", "distance", 1.0),
    "kilometers": ("km", "distance", 1.0),
    "mile": ("km", "distance", 1.609344),
    "miles": ("km", "distance", 1.609344),
    "mi": ("km", "distance", 1.609344),
    "metre": ("km", "distance", 0.001),
    "metres": ("km", "distance", 0.001),
    "meter": ("km", "distance", 0.001),
    "meters": ("km", "distance", 0.001),
    "m": ("km", "distance", 0.001),
    "feet": ("km", "distance", 0.0003048),
    "foot": ("km", "distance", 0.0003048),
    "ft": ("km", "distance", 0.0003048),
    "yards": ("km", "distance", 0.0009144),
    "kg": ("kg", "mass", 1.0),
    "kilograms": ("kg", "mass", 1.0),
    "kilogrammes": ("kg", "mass", 1.0),
    "tonnes": ("kg", "mass", 1000.0),
    "tonne": ("kg", "mass", 1000.0),
    "tons": ("kg", "mass", 907.18474),
    "pounds": ("kg", "mass", 0.45359237),
    "lbs": ("kg", "mass", 0.45359237),
    "lb": ("kg", "mass", 0.45359237),
    "%": ("%", "percent", 1.0),
    "percent": ("%", "percent", 1.0),
    "per cent": ("%", "percent", 1.0),
    "square kilometers": ("km2", "area", 1.0),
    "square kilometres": ("km2", "area", 1.0),
    "square miles": ("km2", "area", 2.589988),
    "hectares": ("km2", "area", 0.01),
    "minute": ("min", "duration", 1.0),
    "minutes": ("min", "duration", 1.0),
    "hour": ("min", "duration", 60.0),
    "hours": ("min", "duration", 60.0),
    "day": ("min", "duration", 1440.0),
    "days": ("min", "duration", 1440.0),
    "week": ("min", "duration", 10080.0),
    "weeks": ("min", "duration", 10080.0),
    "month": ("min", "duration", 43200.0),
    "months": ("min", "duration", 43200.0),
    "year": ("min", "duration", 525600.0),
    "years": ("min", "duration", 525600.0),
}
CURRENCIES = {
    "$": "usd",
    "us$": "usd",
    "€": "eur",
    "£": "gbp",
    "dollars": "usd",
    "euros": "eur",
    "pounds sterling": "gbp",
}

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "a dozen": 12,
}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "bn": 1e9}
APPROXIMATORS = re.compile(
    r"\b(?:about|around|roughly|some|nearly|almost|approximately|an estimated|estimated|up to|more than|over|"
    r"at least|a good|just|fewer than|less than|close to|upwards of|anywhere from)\s*$",
    re.I,
)

# Legal or official acts and their reversal: used to spot a report superseded by a later one.
ACT_OPENED = re.compile(
    r"\b(?:arrest warrant|warrant (?:has been |was )?issued|(?:been |was |were )?charged with|charges? (?:of|against)|"
    r"criminal (?:case|investigation|proceedings)|indicted|detained|arrested|banned|suspended)\b",
    re.I,
)
# A state or a repeated act over a stretch of time ("has for months accused"), not one event on one day.
DURATION = re.compile(
    r"\b(?:for|over) (?:(?:the|many|several|some|a few|two|three|four|five|six) )?(?:past |last )?"
    r"(?:days|weeks|months|years|decades)\b|\bsince (?:the (?:start|beginning)|last|early|late)\b",
    re.I,
)
ACT_REVERSED = re.compile(
    r"\b(?:dropp(?:ed|ing)|drop|withdr(?:ew|awn)|lift(?:ed)?|quash(?:ed)?|dismiss(?:ed)?|clos(?:ed|ing) the case|"
    r"cancell?(?:ed)?|revok(?:ed)?|released|acquitted|overturned|reinstated|would be dropped)\b",
    re.I,
)
SILENCE = re.compile(
    r"\b(?:(?:has|have|had) (?:still )?not (?:yet )?(?:commented|spoken|responded|appeared|said anything)|"
    r"(?:kept|maintained|remained) (?:a |an )?(?:\w+ )?silen(?:ce|t)|declined to comment|no comment)\b",
    re.I,
)
PUBLIC_STATEMENT = re.compile(
    r"\b(?:(?:televised|television|national|public|video) (?:address|speech|statement|message)|address(?:ed)? "
    r"the nation|(?:in|gave) a speech|press conference|said in a statement|broadcast on)\b",
    re.I,
)

# A refusal to undo something ("would not withdraw the levy") and a later undoing of the same thing.
_UNDO = (
    r"withdraw|withdrew|withdrawn|scrap|scrapped|suspend|suspended|lift|lifted|cancel|cancelled|canceled|"
    r"drop|dropped|repeal|repealed|abandon|abandoned|reverse|reversed"
)
UNDO = re.compile(rf"\b(?:{_UNDO})\b", re.I)
REFUSAL = re.compile(
    rf"\b(?:will|would|shall|did|does|do) not (?:{_UNDO})\b\s+(?:the |its |their |his |her )?"
    rf"(?:\w+ ){{0,2}}?(?P<object>[a-z]{{3,}})\b",
    re.I,
)


def undoes(text: str, thing: str) -> bool:
    """Whether ``text`` reports ``thing`` undone ('suspended the diesel levy'), not merely refused."""
    name = re.escape(thing)
    done = re.search(rf"\b(?:{_UNDO})\b[^.;]{{0,40}}\b{name}\b", text, re.I) or re.search(
        rf"\b{name}\b[^.;]{{0,30}}\b(?:was|were|is|has been|had been|would be) (?:{_UNDO})", text, re.I
    )
    return bool(done) and not REFUSAL.search(text)


# A clause whose content is in another sentence ("others could do the same", "she did so too"): it
# says nothing that can be matched on its own.
CONTENT_ELSEWHERE = re.compile(
    r"\b(?:do|does|did|doing|done)\s+(?:the\s+same|so|likewise|similarly)\b|\bfollow(?:ed|s)?\s+suit\b", re.I
)

# Modality read off the parse (stages/_certainty.py): auxiliaries and governing words of general English.
# A possibility or condition: the event may happen or have happened; it is not stated as fact. "Can" is
# not here: an ability or a permission ("the ferry can carry 300 passengers", "fighters can go home") is
# a present fact a reader can check, stated as firmly as any other ("cannot" denies it).
MODAL_POSSIBILITY = frozenset(["may", "might", "could", "would", "should", "ought"])
# The future: "will sign" states a plan, not an event that took place.
MODAL_FUTURE = frozenset(["will", "shall", "'ll", "wo"])  # "wo" is spaCy's "won't" -> "wo" + "n't"
# Words that put the event in their complement as a plan, an expectation or an attempt, not a fact:
# "expects to cut", "is set to open", "is likely to win", "plans to build", "tried to enter".
INTENDED = frozenset(
    ["expect", "plan", "intend", "hope", "aim", "seek", "want", "wish", "propose", "threaten", "promise", "vow"]
    + ["pledge", "schedule", "set", "due", "likely", "unlikely", "poised", "go", "try", "attempt"]
    + ["goal", "objective", "intention", "purpose", "ambition"]  # "their goal: to seize ...", "the aim was to"
)
# Words whose complement did not happen: "failed to reach", "refused to comment", "declined to say".
FAILED = frozenset(["fail", "refuse", "decline", "neglect"])
# Verbs that attribute what their clause says to their subject, beyond saying: speech acts, beliefs,
# intentions and findings ("demanded that ...", "believes ...", "wants to ...", "a poll shows ...").
# They name a speaker only when they take a clause or a quote; "police found the body" attributes nothing.
ATTRIBUTION_VERBS = frozenset(
    ["demand", "pledge", "question", "charge", "point", "learn", "ask", "propose", "recommend", "complain"]
    + ["testify", "mention", "signal", "caution", "speculate", "joke", "concede", "agree", "conclude", "decide"]
    + ["believe", "think", "fear", "hope", "expect", "want", "intend", "plan", "doubt", "worry", "feel"]
    + ["show", "find", "indicate", "reveal", "suggest", "estimate", "project", "forecast", "calculate"]
    # Judging words, with a quoted word for what they judge: "condemned the test as 'provocative'".
    + ["condemn", "brand", "liken", "dub", "label", "term", "hail", "criticize", "criticise", "blame"]
    + ["compare", "characterize", "characterise"]
)
# Verbs of believing, fearing or weighing up: with a clause for what is believed ("police believe the
# fire was set", "investors fear the bank could fail") the clause is an opinion, not a fact.
BELIEVED = frozenset(
    ["believe", "think", "suspect", "fear", "doubt", "worry", "speculate", "suppose", "assume", "presume"]
    + ["guess", "reckon", "anticipate", "forecast", "rumour", "rumor", "predict"]
)
# Adjectives that put the clause they govern in doubt: "it is possible that ...", "it is unclear whether".
POSSIBLE = frozenset(
    ["possible", "probable", "likely", "unlikely", "uncertain", "unclear", "doubtful", "conceivable", "plausible"]
)
# Adjectives of worry, hope or conviction: with a clause, what they govern is someone's opinion ("investors
# are worried that the bank could fail", "officials are confident that the bridge will reopen").
MINDED = frozenset(
    ["worried", "concerned", "afraid", "fearful", "anxious", "nervous", "hopeful", "optimistic", "pessimistic"]
    + ["confident", "convinced", "sceptical", "skeptical", "wary", "suspicious"]
)
# Nouns that present their "that" clause as talk or a prospect, not a fact: "there is speculation that
# ...", "rumours that ... spread", "fears that the plant will close".
SPECULATION = frozenset(
    ["speculation", "rumour", "rumor", "possibility", "chance", "likelihood", "prospect", "fear", "hope"]
    + ["expectation", "suspicion", "risk", "danger", "threat", "concern", "worry"]
)
# Nouns that present their "that" clause as what is said, not what the outlet states: "reports that army
# units were ordered ...", "claims that the plant was hit".
HEARSAY = frozenset(
    ["report", "claim", "allegation", "accusation", "suggestion", "assertion", "complaint", "warning", "charge"]
)
# Verbs that deny the claim they take as their object: "dismissed the claims that the port had closed".
REJECTING = frozenset(["deny", "dispute", "refute", "reject", "dismiss", "rebut", "contest"])
# Nouns that put an infinitive's event ahead as something sought, not done: "is in talks to buy",
# "made a bid to buy", "an offer to acquire" (INTENDED holds the plans and goals: "has plans to").
SOUGHT = frozenset(["talk", "negotiation", "bid", "offer", "effort", "attempt", "proposal", "push", "drive"])
# Words of INTENDED that only set a date: "is set to begin", "is due to fly", "is scheduled to open", "is
# going to strike" state the event as firmly as "will" does: a future event, not a hedged one.
SCHEDULED = frozenset(["set", "due", "schedule", "go"])
# Verbs of weighing an option: "is considering selling" is no decision to sell.
WEIGHED = frozenset(["consider", "mull", "contemplate", "weigh"])
# Adjectives whose complement did not happen: "was unable to meet the demand".
UNABLE = frozenset(["unable", "powerless"])

# A date after one of these, in the same clause, is a plan ("will be held on 1 October 2023"): it
# says nothing about when the article was written.
FUTURE_BEFORE = re.compile(
    r"\b(?:will|would|shall|is due|are due|scheduled|planned|plans? to|expected to|set to|going to)\b[^,.;]{0,30}$",
    re.I,
)
