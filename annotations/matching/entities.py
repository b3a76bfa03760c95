"""Named entities in a claim: capitalised spans, reduced to a key that common variants share.

"Kyiv"/"Kiev", "U.S."/"US"/"United States"/"America"/"American", "UK"/"Britain"/"British",
"WHO"/"World Health Organization" (any acronym of its initials), "President Joe Biden"/"Biden"
(titles off, a surname matches the full name), "Health Ministry"/"Ministry of Health" (the same
words). Pure Python (no Django).
"""

from __future__ import annotations

from functools import lru_cache

from .lexicon import STOP, Token, split_words

# Variants of one name (general knowledge): every entry maps to the first of its line.
_VARIANTS = """
united states|us|u.s.|usa|u.s.a.|america|united states of america|american|americans
united kingdom|uk|u.k.|britain|great britain|british|britons
european union|eu|e.u.|europe's union
united nations|un|u.n.
world health organization|who|world health organisation
international monetary fund|imf
federal reserve|fed|us federal reserve|u.s. federal reserve
european central bank|ecb
bank of england|boe
bank of japan|boj
people's bank of china|pboc
ofwat|water services regulation authority
ofgem|office of gas and electricity markets|gas and electricity markets authority
ofcom|office of communications
ofsted|office for standards in education
centers for disease control and prevention|cdc|centers for disease control
food and drug administration|fda
north atlantic treaty organization|nato|north atlantic treaty organisation
national health service|nhs
kyiv|kiev
kharkiv|kharkov
odesa|odessa
lviv|lvov
beijing|peking
mumbai|bombay
chennai|madras
kolkata|calcutta
myanmar|burma
turkey|türkiye|turkiye|turkish
czechia|czech republic|czech
eswatini|swaziland
netherlands|holland|dutch
ivory coast|côte d'ivoire|cote d'ivoire
new york city|nyc|n.y.c.
new york|ny|n.y.
los angeles|la|l.a.
washington dc|washington d.c.|dc|d.c.
st petersburg|saint petersburg
democratic republic of the congo|drc|dr congo
east timor|timor-leste
cape verde|cabo verde
germany|german|germans
france|french
china|chinese|prc
russia|russian|russians|russian federation
ukraine|ukrainian|ukrainians
japan|japanese
india|indian|indians
italy|italian|italians
spain|spanish
canada|canadian|canadians
australia|australian|australians
mexico|mexican|mexicans
brazil|brazilian|brazilians
israel|israeli|israelis
iran|iranian|iranians
iraq|iraqi|iraqis
egypt|egyptian|egyptians
greece|greek|greeks
poland|polish
sweden|swedish|swedes
norway|norwegian|norwegians
denmark|danish
finland|finnish
ireland|irish
scotland|scottish|scots
wales|welsh
switzerland|swiss
austria|austrian
belgium|belgian
portugal|portuguese
argentina|argentine|argentinian
south africa|south african
nigeria|nigerian
kenya|kenyan
pakistan|pakistani
saudi arabia|saudi
south korea|republic of korea|south korean|korea
north korea|dprk|north korean
new zealand|nz
england|english
northern ireland|northern irish
vietnam|vietnamese
thailand|thai
indonesia|indonesian|indonesians
philippines|philippine|filipino|filipinos
malaysia|malaysian|malaysians
bangladesh|bangladeshi|bangladeshis
afghanistan|afghan|afghans
syria|syrian|syrians
lebanon|lebanese
hungary|hungarian|hungarians
romania|romanian|romanians
bulgaria|bulgarian|bulgarians
serbia|serbian|serbians|serbs
croatia|croatian|croatians|croats
slovakia|slovak|slovakian
estonia|estonian|estonians
latvia|latvian|latvians
lithuania|lithuanian|lithuanians
belarus|belarusian|belarusians
iceland|icelandic
morocco|moroccan|moroccans
algeria|algerian|algerians
tunisia|tunisian|tunisians
libya|libyan|libyans
ethiopia|ethiopian|ethiopians
ghana|ghanaian|ghanaians
uganda|ugandan|ugandans
zimbabwe|zimbabwean|zimbabweans
sudan|sudanese
somalia|somali|somalis
colombia|colombian|colombians
chile|chilean|chileans
peru|peruvian|peruvians
venezuela|venezuelan|venezuelans
cuba|cuban|cubans
ecuador|ecuadorian|ecuadorians
qatar|qatari|qataris
kuwait|kuwaiti|kuwaitis
yemen|yemeni|yemenis
united arab emirates|uae|u.a.e.|emirati|emiratis
taiwan|taiwanese
singapore|singaporean|singaporeans
sri lanka|sri lankan|sri lankans
cyprus|cypriot|cypriots
palestine|palestinian|palestinians
republican party|republicans|republican|gop
democratic party|democrats|democratic|democrat
labour party|labour
conservative party|conservatives|conservative|tories|tory
"""
# A country's central bank (general knowledge): "China's central bank", "the Chinese central
# bank" and "the central bank of China" are "the People's Bank of China".
_CENTRAL_BANKS = {
    "united states": "federal reserve",
    "united kingdom": "bank of england",
    "japan": "bank of japan",
    "china": "people's bank of china",
    "canada": "bank of canada",
    "australia": "reserve bank of australia",
    "india": "reserve bank of india",
    "new zealand": "reserve bank of new zealand",
    "south africa": "south african reserve bank",
    "switzerland": "swiss national bank",
    "sweden": "riksbank",
    "norway": "norges bank",
    "russia": "bank of russia",
    "south korea": "bank of korea",
    "mexico": "bank of mexico",
    "brazil": "central bank of brazil",
    "turkey": "central bank of the republic of turkey",
}


def _low(name: str) -> str:
    """A table's name as key() sees it: "People's Bank" is "people bank" (tokens' lows)."""
    return " ".join(word[:-2] if word.endswith("'s") else word.rstrip("'") for word in name.split())


VARIANTS: dict[str, str] = {}
for _line in _VARIANTS.strip().splitlines():
    _names = [_low(_name) for _name in _line.split("|")]
    for _name in _names:
        VARIANTS.setdefault(_name, _names[0])
for _country, _bank in _CENTRAL_BANKS.items():
    _bank = VARIANTS.setdefault(_low(_bank), _low(_bank))
    for _form in (f"{_country} central bank", f"central bank of {_country}"):
        VARIANTS.setdefault(_form, _bank)
# Where "central bank" after a name ("China's central bank") makes the name the bank's.
CENTRAL_BANK = frozenset(_CENTRAL_BANKS)
# The starts of the table's names that have "and" in them ("food and drug"): such a span goes on
# past its "and" ("Food and Drug Administration").
_AND_PREFIXES = frozenset(
    " ".join(words[:k])
    for words in (name.split() for name in VARIANTS if " and " in name)
    for k in range(1, len(words))
    if words[k] == "and"
)

# Titles and roles before a name: "President Joe Biden", "Health Secretary Jane Doe", "Dr".
TITLES = frozenset(
    split_words("""president vice prime minister chancellor secretary senator sen rep representative
    congressman congresswoman governor gov mayor mr mrs ms miss dr prof professor sir dame lord
    lady king queen prince princess pope general gen judge justice chief executive ceo chairman
    chairwoman chair coach manager captain officer spokesman spokeswoman spokesperson director
    leader premier foreign home health finance defence defense economy interior education
    justice transport energy environment trade labor commerce treasury state deputy opposition
    former acting interim striker forward midfielder defender goalkeeper keeper star veteran
    champion minister's president's the""")
)
CONNECTORS = frozenset({"of", "de", "del", "da", "van", "von", "for", "the", "and"})
# Words that are capitalised at the start of a sentence and are not names.
_ALWAYS = frozenset(VARIANTS)


def _and_prefix(tokens: list[Token]) -> bool:
    """Whether a span so far ("The Food") starts a known name with "and" ("Food and Drug
    Administration")."""
    words = [token.low for token in tokens]
    while words and words[0] in STOP:
        words.pop(0)
    return " ".join(words) in _AND_PREFIXES


def _capitalised(token: Token) -> bool:
    return (
        token.kind == "abbr"
        or (
            token.kind == "word"
            and (
                token.orig[:1].isupper()
                # an elided particle before a capital: "Côte d'Ivoire", "Val d'Isère"
                or (token.orig[1:2] == "'" and token.orig[2:3].isupper() and token.orig[0] in "dl")
            )
        )
    )


def spans(tokens: list[Token], used: set[int]) -> list[tuple[int, int]]:
    """[start, end) token ranges of the capitalised spans, not counting `used` tokens."""
    found = []
    n = len(tokens)
    i = 0
    while i < n:
        if i in used or not _capitalised(tokens[i]):
            i += 1
            continue
        j = i + 1
        while j < n and j not in used and not tokens[j].gap:
            if _capitalised(tokens[j]):
                j += 1
            elif (
                tokens[j].low in CONNECTORS
                # "and" joins two names ("Britain and France") except inside an institution's
                # name that already has "of" or "for" ("Department for Work and Pensions")
                and (
                    tokens[j].low != "and"
                    or any(tokens[k].low in ("of", "for") for k in range(i + 1, j))
                    or _and_prefix(tokens[i:j])
                )
                and j + 1 < n
                and j + 1 not in used
                and _capitalised(tokens[j + 1])
            ):
                j += 2
            else:
                break
        first = tokens[i]
        sentence_start = i == 0 or tokens[i - 1].orig in ('"', "'")
        if (
            sentence_start
            and j == i + 1
            and first.kind == "word"
            and not first.orig.isupper()
            and first.low not in _ALWAYS
        ):
            # "Unemployment fell": a capital that the sentence gives, unless a known name
            i = j
            continue
        found.append((i, j))
        i = j
    return found


def key(tokens: list[Token]) -> str | None:
    """The entity key of a span: titles and "the" off, variants to one name."""
    words = [token.low for token in tokens]
    while len(words) > 1 and (words[0] in TITLES or words[0] in STOP):
        if " ".join(words) in VARIANTS:  # "People's Bank of China" before "people" goes
            break
        words.pop(0)
    if len(words) == 1 and (words[0] in TITLES or words[0] in STOP) and words[0] not in VARIANTS:
        return None
    name = " ".join(words)
    return VARIANTS.get(name, VARIANTS.get(name.replace(".", ""), name))


def _acronym(name: str) -> str:
    return "".join(word[0] for word in name.split() if word not in CONNECTORS)


@lru_cache(maxsize=65536)
def same(a: str, b: str) -> bool:
    """Whether two entity keys name the same thing."""
    if a == b:
        return True
    words_a, words_b = a.split(), b.split()
    if len(words_a) == 1 and len(words_b) > 1 and a == _acronym(b):
        return True
    if len(words_b) == 1 and len(words_a) > 1 and b == _acronym(a):
        return True
    if len(words_a) == 1 and len(words_b) > 1 and len(a) >= 3 and words_b[0].startswith(a):
        return True  # "the Met" / "the Metropolitan Police", "the Fed" / "Federal Reserve"
    if len(words_b) == 1 and len(words_a) > 1 and len(b) >= 3 and words_a[0].startswith(b):
        return True
    short, long = (words_a, words_b) if len(words_a) < len(words_b) else (words_b, words_a)
    if (
        short
        and len(short) < len(long)
        and len(short[-1]) >= 3
        and (long[-len(short) :] == short or long[: len(short)] == short)
    ):
        return True  # "Biden" / "Joe Biden"; "Goldman" / "Goldman Sachs"
    significant_a = {w for w in words_a if w not in CONNECTORS}
    return len(significant_a) > 1 and significant_a == {w for w in words_b if w not in CONNECTORS}
