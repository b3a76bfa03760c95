"""Words for the claim judge: the tokenizer, a light stemmer, stop words, a small synonym table,
negation cues and direction words (English).

General knowledge only: each table should read as a lexicon, not as a list of test sentences.
Pure Python (no Django).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import simplemma


def split_words(text: str) -> list[str]:
    """The words of a table written as one string."""
    return text.split()


# --- tokens -----------------------------------------------------------------------------------


class Token(NamedTuple):
    low: str  # lower case; a number as written without thousands separators ("1500000", "4.2")
    orig: str  # as written
    kind: str  # "word", "num", "abbr" (U.S.), "sym" (% $ £ € ¥)
    start: int  # offset in the normalised text
    gap: bool = False  # punctuation between this token and the one before (a clause boundary)
    colon: bool = False  # a colon or a dash before it: "Rents up 8%: Daft.ie"
    hyphen: bool = False  # joined to the word before by a hyphen: "start-up"


_TOKEN = re.compile(
    r"(?P<abbr>(?:[A-Za-z]\.){2,})"
    r"|(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+,\d{1,2}(?![\d,])|\d*\.\d+|\d+)"
    r"|(?P<word>[^\W\d_]+(?:'[^\W\d_]+)*)"
    r"|(?P<sym>[%$£€¥])"
)
_GAP = re.compile(r"[,;:()\"!?]|\s[-–—]+\s|[.]\s")
_COLON = re.compile(r":|\s[-–—]+\s")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "\u00a0": " ", "\u202f": " "})
# n't as a word of its own: "didn't" -> "did not", "can't" -> "can not", "won't" -> "will not"
_NT_STEMS = {"can": "can", "won": "will", "shan": "shall", "ain": "is"}


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    text = normalise(text)
    end = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "word"
        orig = match.group()
        start = match.start()
        between = text[end:start]
        if between == " " or not between:
            gap = colon = False
        else:
            gap = bool(_GAP.search(between))
            colon = bool(_COLON.search(between))
        end = match.end()
        if kind == "num":
            if re.fullmatch(r"\d+,\d{1,2}", orig):  # a decimal comma: "4,2"
                low = orig.replace(",", ".")
            else:
                low = orig.replace(",", "")
            tokens.append(Token(low, orig, kind, start, gap, colon))
            continue
        if kind == "word":
            low = orig.lower()
            hyphen = between == "-" and bool(tokens) and tokens[-1].kind == "word"
            if low.endswith("n't") and len(low) > 3:
                head = low[:-3]
                tokens.append(Token(_NT_STEMS.get(head, head), orig[:-3], kind, start, gap, colon))
                tokens.append(Token("not", "n't", kind, start + len(head)))
                continue
            if low.endswith("'s"):
                low, orig = low[:-2], orig[:-2]
            elif low.endswith("'"):
                low, orig = low[:-1], orig[:-1]
            tokens.append(Token(low, orig, kind, start, gap, colon, hyphen))
            continue
        tokens.append(Token(orig.lower(), orig, kind, start, gap, colon))
    return tokens


# --- stems ------------------------------------------------------------------------------------

# Irregular verb forms and plurals the suffix rules cannot reach.
IRREGULAR = {
    "rose": "rise",
    "risen": "rise",
    "fell": "fall",
    "fallen": "fall",
    "grew": "grow",
    "grown": "grow",
    "won": "win",
    "lost": "lose",
    "beaten": "beat",
    "shrank": "shrink",
    "shrunk": "shrink",
    "sank": "sink",
    "sunk": "sink",
    "slid": "slide",
    "went": "go",
    "gone": "go",
    "gave": "give",
    "given": "give",
    "took": "take",
    "taken": "take",
    "made": "make",
    "said": "say",
    "says": "say",
    "told": "tell",
    "left": "leave",
    "held": "hold",
    "paid": "pay",
    "sold": "sell",
    "bought": "buy",
    "built": "build",
    "began": "begin",
    "begun": "begin",
    "spent": "spend",
    "met": "meet",
    "led": "lead",
    "hit": "hit",
    "cut": "cut",
    "set": "set",
    "struck": "strike",
    "fought": "fight",
    "found": "find",
    "thought": "think",
    "brought": "bring",
    "kept": "keep",
    "sent": "send",
    "chose": "choose",
    "chosen": "choose",
    "drew": "draw",
    "drawn": "draw",
    "ran": "run",
    "saw": "see",
    "seen": "see",
    "wrote": "write",
    "written": "write",
    "broke": "break",
    "broken": "break",
    "froze": "freeze",
    "frozen": "freeze",
    "overtook": "overtake",
    "overtaken": "overtake",
    "withdrew": "withdraw",
    "withdrawn": "withdraw",
    "hid": "hide",
    "hidden": "hide",
    "shot": "shoot",
    "caught": "catch",
    "stole": "steal",
    "stolen": "steal",
    "threw": "throw",
    "thrown": "throw",
    "blew": "blow",
    "blown": "blow",
    "drove": "drive",
    "driven": "drive",
    "spoke": "speak",
    "spoken": "speak",
    "sought": "seek",
    "taught": "teach",
    "swept": "sweep",
    "bitten": "bite",
    "eaten": "eat",
    "forgiven": "forgive",
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "mice": "mouse",
    "feet": "foot",
    "teeth": "tooth",
    "lives": "life",
    "wives": "wife",
    "knives": "knife",
    "data": "datum",
    "died": "die",
    "dies": "die",
    "dying": "die",
    "lied": "lie",
    "better": "good",
    "best": "good",
    "worse": "bad",
    "worst": "bad",
}


def lemma(word: str) -> str:
    """The dictionary form of an English word (simplemma's tables: "bought" -> "buy",
    "analyses" -> "analysis", "fatalities" -> "fatality"), lower case."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if not word.isalpha():
        return word
    found = simplemma.lemmatize(word, lang="en").lower()
    # a lemma that is not a form of the word is another word's ("media" -> "medium")
    return found if found[:2] == word[:2] else word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stemmer over the lemma: plural and verb endings off, and a final "e", so that
    "increase", "increased", "increases" and "increasing" meet; British and American
    spellings meet."""
    word = lemma(word)
    if len(word) == 3 and word[2] == "s" and not any(c in "aeiouy" for c in word[:2]):
        return word[:2]  # an acronym's plural: "mps", "gps"
    if len(word) <= 3:
        return word
    if word.endswith("isation") or word.endswith("ization"):
        word = word[:-7] + "ize"
    elif word.endswith("ise") or word.endswith("ised") or word.endswith("ises"):
        word = word[: word.rindex("is")] + "ize"
    elif word.endswith("ising"):
        word = word[:-5] + "ize"
    if word.endswith("our") and len(word) > 5:  # labour, favour
        word = word[:-3] + "or"
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # dropped -> drop, stopping -> stop
            elif word.endswith("i"):
                word = word[:-1] + "y"  # carried -> carry
            break
    if word.endswith("ly") and len(word) > 5:
        word = word[:-2]
    if word.endswith("ll") and len(word) > 5:  # British "cancelled", "labelled": cancel, label
        word = word[:-1]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


# --- stop words --------------------------------------------------------------------------------

STOP = frozenset(
    split_words(
        """
    a an the and or but if then than that this these those there here of in on at to for
    from by with as into onto over under about after before during since until till
    through between among within without against per via beneath underneath
    is are was were be been being am
    do does did done doing has have had having will would shall should can could may might
    must it its it's they them their theirs he him his she her hers we us our ours you
    your yours i me my mine who whom whose which what when where why how also just only
    even still yet so such very too much many some any each every both either all other
    another own same one's s t say said says according spokesperson spokesman spokeswoman
    statement official officials while whereas although though because however moreover
    meanwhile now then again ever around roughly approximately about nearly almost some
    just more-or-less also further latest new recent recently reportedly really actually
    people person manage managed manages managing past
    one following part number amount level total kind type lot last next
    sharply steeply significantly dramatically substantially considerably markedly rapidly
    slightly marginally modestly somewhat despite across throughout amid amidst
"""
    )
)

# Phrases reduced to a single word before stemming (general English equivalences).
PHRASES: dict[tuple[str, ...], str] = {
    ("go", "up"): "rise",
    ("went", "up"): "rise",
    ("gone", "up"): "rise",
    ("goes", "up"): "rise",
    ("go", "down"): "fall",
    ("went", "down"): "fall",
    ("gone", "down"): "fall",
    ("goes", "down"): "fall",
    ("shot", "up"): "rise",
    ("laid", "off"): "fire",
    ("lay", "off"): "fire",
    ("turned", "down"): "reject",
    ("calls", "off"): "cancel",
    ("go", "ahead"): "proceed",
    ("goes", "ahead"): "proceed",
    ("went", "ahead"): "proceed",
    ("gone", "ahead"): "proceed",
    ("turn", "down"): "reject",
    ("voted", "against"): "reject",
    ("voted", "for"): "approve",
    ("vote", "against"): "reject",
    ("vote", "for"): "approve",
    ("signed", "off"): "approve",
    ("hat", "trick"): "hattrick",
    ("jobless", "rate"): "unemployment",
    ("unemployment", "rate"): "unemployment",
    ("rate", "of", "unemployment"): "unemployment",
    ("price", "growth"): "inflation",
    ("prime", "minister"): "premier",
    ("head", "of", "state"): "president",
    ("per", "cent"): "percent",
    ("a", "lot", "of"): "many",
    ("more", "than"): "above",
    ("less", "than"): "below",
    ("fewer", "than"): "below",
    ("at", "least"): "above",
    ("in", "favour", "of"): "approve",
    ("in", "favor", "of"): "approve",
    ("put", "off"): "postpone",
    ("called", "off"): "cancel",
    ("call", "off"): "cancel",
    ("set", "up"): "establish",
    ("knocked", "out"): "cut",
    ("knock", "out"): "cut",
    ("pay", "back"): "refund",
    ("paid", "back"): "refund",
    ("walk", "out"): "strike",
    ("walked", "out"): "strike",
    ("walk", "outs"): "strike",
    ("all", "time"): "record",
    # a comparison, as its comparative: "less expensive" says "cheaper"
    ("less", "expensive"): "cheaper",
    ("more", "expensive"): "dearer",
    ("car", "park"): "carpark",
    ("car", "parks"): "carpark",
    ("parking", "lot"): "carpark",
    ("parking", "lots"): "carpark",
    ("re", "election"): "reelection",
    ("led", "to"): "cause",
    ("lead", "to"): "cause",
    ("leads", "to"): "cause",
    ("asylum", "seeker"): "refugee",
    ("asylum", "seekers"): "refugee",
    ("home", "loan"): "mortgage",
    ("home", "loans"): "mortgage",
    ("work", "force"): "workforce",
    ("come", "down"): "fall",
    ("came", "down"): "fall",
    ("comes", "down"): "fall",
    ("coming", "down"): "fall",
    ("power", "cut"): "blackout",
    ("power", "cuts"): "blackout",
    ("power", "outage"): "blackout",
    ("power", "outages"): "blackout",
    ("fell", "short", "of"): "miss",
    ("fall", "short", "of"): "miss",
    ("falls", "short", "of"): "miss",
    ("passed", "away"): "die",
    ("pass", "away"): "die",
    ("step", "down"): "resign",
    ("stepped", "down"): "resign",
    ("steps", "down"): "resign",
    ("stand", "down"): "resign",
    ("stood", "down"): "resign",
    ("do", "away", "with"): "abolish",
    ("did", "away", "with"): "abolish",
    ("done", "away", "with"): "abolish",
    ("taken", "into", "custody"): "arrest",
    ("took", "into", "custody"): "arrest",
    ("take", "into", "custody"): "arrest",
    ("close", "to"): "near",
    ("next", "to"): "near",
    ("euro", "area"): "eurozone",
    ("interest", "rate"): "interestrate",
    ("interest", "rates"): "interestrate",
    ("borrowing", "costs"): "interestrate",
    ("borrowing", "cost"): "interestrate",
    ("chief", "executive"): "ceo",
    ("head", "teacher"): "headteacher",
    ("police", "officer"): "police",
    ("police", "officers"): "police",
    ("took", "part"): "participate",
    ("take", "part"): "participate",
    ("taking", "part"): "participate",
    ("carried", "out"): "conduct",
    ("carry", "out"): "conduct",
    ("set", "out"): "outline",
    ("sets", "out"): "outline",
    ("came", "into", "force"): "take_effect",
    ("come", "into", "force"): "take_effect",
    ("comes", "into", "force"): "take_effect",
    ("took", "effect"): "take_effect",
    ("take", "effect"): "take_effect",
    ("takes", "effect"): "take_effect",
    ("took", "office"): "inaugurate",
    ("sworn", "in"): "inaugurate",
    ("climate", "change"): "global_warming",
    ("global", "warming"): "global_warming",
    ("greenhouse", "gas"): "greenhouse_gas",
    ("greenhouse", "gases"): "greenhouse_gas",
    ("carbon", "dioxide"): "co2",
    ("gross", "domestic", "product"): "gdp",
    ("members", "of", "parliament"): "mp",
    ("member", "of", "parliament"): "mp",
    ("life", "expectancy"): "life_expectancy",
    ("birth", "rate"): "birth_rate",
    ("death", "toll"): "death_toll",
    ("no", "one"): "nobody",
    ("battery", "powered"): "electric",
    ("found", "the", "net"): "score",
    ("find", "the", "net"): "score",
    ("finds", "the", "net"): "score",
    ("came", "off", "the", "tracks"): "derail",
    ("come", "off", "the", "tracks"): "derail",
    ("comes", "off", "the", "tracks"): "derail",
    ("came", "off", "the", "rails"): "derail",
    ("come", "off", "the", "rails"): "derail",
    ("comes", "off", "the", "rails"): "derail",
    # a comparison of pace: "rising more slowly" is "rising slower"
    ("more", "slowly"): "slower",
    ("more", "quickly"): "faster",
    ("more", "rapidly"): "faster",
    ("less", "quickly"): "slower",
    ("less", "rapidly"): "slower",
    ("due", "to"): "because",
    ("owing", "to"): "because",
    ("single", "use"): "disposable",
    ("e", "cigarette"): "vape",
    ("e", "cigarettes"): "vape",
    # a record high is the highest: "hit a record high" / "reached an all-time high"
    ("record", "high"): "peak",
    ("record", "highs"): "peak",
    ("all", "time", "high"): "peak",
    ("record", "low"): "trough",
    ("record", "lows"): "trough",
    ("all", "time", "low"): "trough",
    ("record", "peak"): "peak",
    ("cold", "snap"): "cold_spell",
    ("cold", "spell"): "cold_spell",
    ("under", "control"): "contain",
    ("set", "to"): "will",
    ("rough", "sleeping"): "homelessness",
    ("rough", "sleepers"): "homeless",
    ("first", "place"): "gold",
    ("gold", "medal"): "gold",
    ("top", "spot"): "gold",
}
PHRASE_LENGTHS = sorted({len(key) for key in PHRASES}, reverse=True)
PHRASE_STARTS = frozenset(key[0] for key in PHRASES)

# Synonym groups: every word maps to the group's first word (compared after stemming).
_SYNONYMS = """
unemployment joblessness
job employment post position role vacancy
rise increase climb grow jump soar surge gain rebound boost raise hike expand swell spike
  mount advance escalate skyrocket enlarge lift
fall drop decline decrease shrink slump plunge tumble slide dip reduce lower contract sink
  sag slip plummet dwindle diminish slash reduction
win beat defeat triumph
lose
approve pass adopt endorse back ratify accept authorize sanction
reject block veto refuse oppose overturn
regulator watchdog
deficit shortfall gap
striker forward
score net
plant factory works
case infection
ban prohibit outlaw forbid bar
allow permit let legalize
begin start launch commence initiate open
end finish conclude close stop halt cease terminate
say state announce declare claim assert
show reveal indicate suggest find
buy purchase acquire acquisition takeover sale
sell
company firm business corporation enterprise group
car vehicle automobile
train rail railway
fare ticket
big large huge major massive vast
small little minor tiny
die death dead fatality perish kill slay
injure hurt wound harm injury
rescue save
flee escape
help assist aid
build construct erect
need require
child kid youngster childhood
teenager teen adolescent
pupil student schoolchild
government administration authorities
leader head chief
law legislation act bill statute
rule regulation
cost price expense
revenue turnover
criticize condemn denounce slam fault
admit acknowledge concede
confirm verify
discover uncover unearth
quake earthquake tremor
storm gale
flood flooding deluge
snow snowfall
rain rainfall downpour
blaze wildfire inferno
harvest crop
carrier airline
traveller passenger
suitcase bag luggage baggage
fine penalty
release discharge dump
sewage effluent
shortage lack scarcity
accommodation housing lodging
robbery heist burglary
medicine drug medication
vaccine jab vaccination
scientist researcher
cause trigger spark prompt
migrant immigrant
bath bathhouse
money funding fund cash
percent pct
reach hit touch
record unprecedented
fire sack
hire recruit employ
police officer
doctor physician
shop store
order instruct tell direct
home house dwelling residence
city town municipality
country nation state
worker employee staff workforce
rich wealthy
poor impoverished
fast quick rapid swift
slow sluggish
cheap inexpensive
expensive costly pricey
attack assault strike
arrest detain
accuse charge indict
investigate probe examine inquiry investigation
resign quit
abolish scrap ditch axe shelve
jail imprison
prison jail
protest demonstration rally
protester demonstrator
deal agreement accord pact treaty
talk negotiation
forecast predict project projection
expect anticipate
pledge promise vow
unveil present
plane aircraft jet airliner
ship vessel boat
lorry truck
road highway motorway
border frontier
soldier troop
army military
war conflict
missile rocket
lawmaker legislator parliamentarian mp parliament
court tribunal
ruling judgment judgement
lawsuit suit
resident inhabitant
boss ceo
share stock
lender bank
goods freight cargo
target objective
receive obtain secure clinch
patient
nurse
hospital
school
airport
warn caution
plan intend aim proposal scheme
cancel call_off
postpone delay defer
election vote poll ballot
match game fixture
illegal unlawful illicit
legal lawful
try attempt
enough sufficient
tax levy
wage salary pay earnings
inflation
figure number statistic
large
minister secretary
premier
month
elderly older
almost nearly
"""
SYNONYMS: dict[str, str] = {}
for _line in _SYNONYMS.strip().replace("\n  ", " ").splitlines():
    _words = [stem(word) for word in _line.split()]
    for _word in _words:
        SYNONYMS.setdefault(_word, _words[0])


@lru_cache(maxsize=65536)
def canon(word: str) -> str:
    """The stem of `word`, through the synonym table."""
    stemmed = stem(word)
    return SYNONYMS.get(stemmed, stemmed)


# Words that narrow no claim, whatever one side adds of them: light verbs, whose noun says what
# happened ("issued a warning" is "warned", "causing no injuries" is "no one was hurt"; "an
# earthquake struck Peru" is "an earthquake in Peru", as a headline has it), and a
# unit of time written as a noun ("than in the same month a year earlier" / "than a year
# earlier"; a changed period is a date's or a figure's business, and "monthly" is not one of
# them). They count for the similarity like any word; only the scope rule passes over them.
LIGHT_VERBS = frozenset(
    stem(word)
    for word in split_words(
        "issue make give take get hold bring cause conduct strike hit occur happen"
    )
)
TIME_NOUNS = frozenset(split_words("day days week weeks month months year years"))
# A claim quoted in the first person ("'We will freeze council tax,' the leader said") names
# as "we" what the reported version names ("the authority would freeze ..."): the reported
# side may have one word more, its referent.
FIRST_PERSON = frozenset(split_words("i we me us my our ours"))

# --- negation ---------------------------------------------------------------------------------

NEGATIONS = frozenset(split_words("not no never nobody none nothing neither nor cannot without"))
# Verbs that deny what follows: "failed to reach", "denied that", "refused to sign".
NEGATING_VERBS = frozenset(stem(word) for word in split_words("fail deny refuse"))
# Negation words that do not negate the claim ("not only", "no later than", "no more than").
NOT_NEGATING_AFTER = {
    "not": frozenset({"only", "just", "least"}),
    "no": frozenset({"later", "earlier", "doubt", "matter"}),
}

# --- direction --------------------------------------------------------------------------------

# axis -> (words for +, words for -): comparing claims, the same axis with opposite signs on
# the two sides is a reversal ("rose" / "fell", "approved" / "rejected"). Changes and
# comparisons share an axis; superlatives and states have their own: "will rise to the lowest
# level" reverses nothing.
_DIRECTIONS = {
    "change": (
        "rise increase climb grow jump soar surge gain rebound boost raise hike expand widen add "
        "skyrocket lift "
        "accelerate swell spike mount advance escalate strengthen improve win beat defeat "
        "overtake outperform outpace more greater larger bigger higher above exceed surpass "
        "outnumber ahead better stronger dearer costlier",
        "fall drop decline decrease shrink slump plunge tumble slide dip reduce lower contract "
        "sink sag slip plummet dwindle diminish narrow slow weaken worsen lose cut trail "
        "underperform fewer less lesser smaller below behind worse weaker axe cheaper slash "
        "reduction",
    ),
    "extreme": (
        "highest largest biggest most best strongest peak",
        "lowest smallest least worst weakest trough",
    ),
    "state": ("high strong rich", "low weak poor"),
    "outcome": ("victory success", "loss defeat failure"),
    "decision": (
        "approve adopt endorse ratify accept authorize sanction allow permit legalize support "
        "favor uphold upheld sign",
        "reject veto oppose overturn ban prohibit outlaw forbid bar block dismiss",
    ),
    "verdict": ("convict guilty", "acquit innocent"),
    "employment": ("hire recruit employ", "fire sack"),
    "balance": ("surplus profit profitable", "deficit lossmaking"),
    "attainment": ("meet achieve", "miss"),
    "openness": ("open reopen", "close shut"),
    "happening": ("proceed", "cancel postpone"),
    "truth": ("true accurate correct", "false inaccurate incorrect wrong"),
    "life": ("survive alive", "die dead kill"),
    "pace": ("faster quicker", "slower"),
}
DIRECTIONS: dict[str, tuple[str, int]] = {}
for _axis, (_up, _down) in _DIRECTIONS.items():
    for _words, _sign in ((_up, 1), (_down, -1)):
        for _word in _words.split():
            DIRECTIONS.setdefault(_word, (_axis, _sign))
            if not (_word.endswith(("er", "est")) and lemma(_word) != _word):
                # a comparative's or superlative's lemma is the plain adjective: "higher" and
                # "highest" say more than "high", "costlier" than "cost"
                DIRECTIONS.setdefault(stem(_word), (_axis, _sign))
# Words with a second sense that a rewording may use instead: "axed the plan" is "scrapped the
# plan" (but "axed 300 jobs" is "cut" them), "won a contract" and "raised $5m" are "secured"
# them. The word matches the other sense's word too.
_SENSES = {"axe": "abolish", "win": "receive", "raise": "receive", "lift": "abolish"}
SENSES: dict[str, str] = {}
for _word, _other in _SENSES.items():
    SENSES[stem(_word)] = _other
# Reversals that are one fact seen from the other side when the actors swap too:
# "Germany beat France" / "France lost to Germany", "A has more than B" / "B has less than A".
CONVERSE_AXES = frozenset({"change"})
# Words that are directional only before a figure: "up 5%", "over 40,000", "topped 7.8 million".
DIRECTION_NEAR_NUMBER = {
    "up": 1,
    "down": -1,
    "over": 1,
    "under": -1,
    "top": 1,
    "topped": 1,
    "tops": 1,
}

# --- attribution ------------------------------------------------------------------------------

# Verbs that attribute a claim, as written: the claim after them ("X said (that) ...") or before
# them ("..., X said") is the claim; the first group attributes with or without "that", the
# second only with "that" or at the end ("The Senate confirmed the nominee" is a claim).
SPEECH = frozenset(
    split_words(
        "say said says insist insisted insists claim claimed claims believe "
        "believes believed argue argued argues allege alleged alleges warn warned warns show shows "
        "showed shown think thinks thought predict predicted predicts"
    )
)
SPEECH_WITH_THAT = frozenset(
    split_words(
        "caution cautioned cautions tell told tells confirm confirmed confirms add added adds "
        "announce announced "
        "announces report reported reports note noted notes reveal revealed reveals find "
        "found finds suggest suggested suggests estimate estimated estimates conclude "
        "concluded concludes admit admitted admits state stated states write wrote writes "
        "indicate indicated indicates acknowledged ruled rules "
    )
)
# After these a speech word is a noun, not someone speaking: "recalled 40,000 doorbells after
# reports that their batteries could overheat", "amid warnings that", "the claim that".
SPEECH_AS_NOUN_AFTER = frozenset(
    split_words(
        "a an the after amid despite following over about of with without by these those such "
        "new recent further fresh"
    )
)
# Prefixes that negate an adjective: "illegal", "unsafe", "non-binding", "dishonest".
NEGATING_PREFIXES = ("un", "il", "im", "in", "ir", "non", "dis")
