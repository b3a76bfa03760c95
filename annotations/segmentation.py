"""Split an article body into paragraphs and sentences with exact character offsets.

No Django imports: the import service, the benchmarks and the tests all call `segment()` directly.

Pipeline for one body:

1. Paragraphs: every non-blank line (``\\n``, ``\\r\\n`` or ``\\r``) is one paragraph; scraped
   articles put one paragraph per line, so blank lines only separate.
2. Boilerplate lines ("Advert", "Read more: ...", photo credits ...) become one segment each.
3. English lines are split by our own rules: every place where a sentence may end (a full stop,
   question or exclamation mark, closing quotes, then a space) is judged by readable heuristics
   (`_judge`: "Dr. | Smith" goes on, "at 9 a.m. | The" ends, quotations that hold several
   sentences are split), plus lists written on one line, spaced ellipses and full stops that
   lost their space. No pysbd: without it English is about 25 times faster and more accurate
   (docs/segmentation.md).
   German, French, Spanish, Italian, Dutch, Polish, Russian and Ukrainian go the same way,
   with pysbd's abbreviations of the language (`_OWN_RULES`).
4. Other languages go through pysbd; its sentences are mapped back onto the original line by
   walking forward from a cursor, so offsets are exact whatever pysbd did to the spacing, and
   the same heuristics then remove or add boundaries where they have an opinion.

`body[s.start:s.end] == s.text` always holds, and every visible character of the body belongs to
exactly one segment.
"""

import functools
import re
from dataclasses import dataclass

import pysbd
from pysbd.languages import LANGUAGE_CODES

CLAIM = "claim"
BOILERPLATE = "boilerplate"


@dataclass(frozen=True, slots=True)
class Segment:
    index: int  # 0-based order of the sentence in the body
    paragraph: int  # 0-based paragraph number (non-blank lines only)
    start: int  # body[start:end] == text, Python str indices
    end: int
    text: str
    kind: str  # CLAIM or BOILERPLATE


# --------------------------------------------------------------------------------------------
# Characters
# --------------------------------------------------------------------------------------------

# str.isspace() already covers \u00a0, \u2009, \u3000 ...; scraped pages also carry zero-width
# spaces and byte-order marks, which are invisible but not "space" to Python. No sentence starts
# or ends with any of them. (Every character for which isspace() is true is below U+3001.)
_INVISIBLE = "\u200b\u2060\ufeff"
_BLANK = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + _INVISIBLE
_BLANK_SET = frozenset(_BLANK)

_LINE = re.compile(r"[^\r\n]+")

# How far (in characters) a pysbd sentence may be from where we expect it, see _pysbd_cuts.
_DRIFT = 16

# Sentence-final punctuation of the languages pysbd knows. We keep a split only after one of
# them, so a line without any is one sentence and pysbd is skipped for it: a noticeable saving
# on short lines ("Advert", headings, list items).
_FINAL = ".!?…。！？．｡؟۔।॥։።፧"
_TERMINATOR = re.compile(f"[{_FINAL}]")

_OPENERS = "\"'“‘«„‚‹([{¿¡"
_CLOSERS = "\"'”’»›)]}"
_QUOTES = frozenset("\"'“”‘’«»„‚‹›")
_MARKS = ".!?…"

# A place where a sentence may end: terminators, then closing quotes or brackets, then a space.
# pysbd finds most of them; we look at the ones it skipped (mainly inside quotations).
_CANDIDATE = re.compile(r"[.!?…]+[\"'”’»›)\]}]*(?:\[\d{1,3}\])*(?=[\s\u200b\u2060\ufeff])")

# "5.1%.[3] It fell": a footnote marker after the full stop belongs to the sentence it ends.
_FOOTNOTE = re.compile(r"(?:\[\d{1,3}\])+$")

# "Hello world.Today is Tuesday.Mr. Smith": scraped text that lost the space after a full stop.
# Only after a lowercase letter or a digit and before a capitalised word; URLs, e-mail addresses
# and file names are left alone (see _no_space_cuts).
_NO_SPACE = re.compile(r"(?<=[a-z0-9])[.!?]+(?=[A-Z][a-z])")
_NO_SPACE_TAIL = re.compile(r"(?<=[a-z0-9])[.!?]+([A-Z][a-z]*)$")
_NO_SPACE_TOKEN = re.compile(r"@|/|:|www\.|\.(?:com|org|net|gov|edu|co|uk|io)\b", re.IGNORECASE)

# ". . ." (an omission inside a sentence) and ". . . ." (an omission, then the full stop), after
# MLA style; the first dot of "compounds. . . ." is the sentence's own full stop.
_SPACED_ELLIPSIS = re.compile(r"\.(?: \.){2,}")

# "1.) The first item 2.) The second item", "• 9. ... • 10. ...", "a. ... b. ...": a line that
# starts with a list marker may hold the next items too, each starting at the next marker.
_LIST_START = re.compile(r"([•⁃‣◦▪*–-]\s*)?(\d{1,3}|[a-z])(\.\)|\)|\.)\s")

# The next word after a boundary: opening quotes or brackets, then letters and digits.
_NEXT_WORD = re.compile(r"[\"'“‘«„‚‹(\[{¿¡]*([^\W_]*)")

# "U.S", "a.m", "e.g", "Ph.D": single letters (or a short cluster) joined by dots.
_DOTTED = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}")

# "1." "iv." "b." or "(2)." at the start of a line or of a sentence is a list marker.
_LIST_MARKER = re.compile(r"\(?(?:\d{1,3}|[A-Za-z]|[ivxlcdmIVXLCDM]{1,6})\)?")
_BULLETS = _BLANK + "•◦▪▫‣⁃●○■□–—-*·>"

# '"Why now?" Smith asked.': a short name and a verb of speech after a quoted question or
# exclamation is its attribution, not a new sentence.
_ATTRIBUTION = re.compile(
    r"(?:[A-Z][\w'’.-]*\s+){1,4}"
    r"(?:said|says|asked|asks|added|adds|told|tells|shouted|shouts|cried|replied|replies"
    r"|wrote|writes|insisted|explained|warned|recalled|continued|answered)\b"
)

# --------------------------------------------------------------------------------------------
# Word lists for the abbreviation heuristics (lowercase, without the final dot)
# --------------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that begin sentences but are never a name: after an ambiguous abbreviation ("Dr.",
# "U.N.", "Inc.", an initial), one of these means a new sentence ("... was a Dr. He was ...",
# "... the U.N. It said ..."), while any other capitalised word is read as part of a name
# ("Dr. Smith", "U.N. Security Council", "George W. Bush").
_STARTERS = _words(
    """
    a an the this that these those there here
    i he she it we they you his her its our their my your
    nobody nothing everyone everybody everything someone somebody something anyone anything
    and but or so yet nor then now still also thus hence however meanwhile moreover instead
    although though because since when while after before if as once until unless whether
    in on at by for from with without under over during into about against among between
    according despite amid
    what who whom whose why how where which
    all any both each either every few many more most much neither no none not several some such
    one two three four five six seven eight nine ten
    did do does is are was were has have had could would should must
    """
)

# Titles come before a name, so "Dr. Smith" is one sentence and "a Dr. He" is two.
_TITLES = _words(
    """
    mr mrs ms messrs mme mlle dr drs prof gen lt col maj capt cpt sgt cpl pvt adm cmdr brig
    gov sen sens rep reps pres supt det insp rev fr hon st mt ft cllr clr
    """
)

# Titles and the words for street, square, town ... in the other languages: they come before a
# name, so a capitalised word after them continues the sentence.
_NAME_PREFIXES = _words(
    """
    dhr mevr mw drs ir ing prof dr hr fr frau mme mlle sig sra srta dott avv lic
    ul al pl os gen płk
    вул пров просп пл бул м с смт ул г пгт пр проф д-р акад ім св
    """
)

# "year(s)" after a year in Ukrainian, Russian and Polish: a capitalised word after it starts a
# new sentence.
_YEAR_WORDS = _words("р рр г гг r")

# Languages that write ordinals with a full stop ("am 3. Oktober").
_ORDINAL_DOT = frozenset({"de"})

# Languages split by our rules alone, without pysbd: those the evaluation set covers
# (tests/data/segmentation/). The others (Chinese, Japanese, Arabic, Hindi ...) keep pysbd,
# which knows their punctuation and needs no space after it.
_OWN_RULES = frozenset({"en", "de", "fr", "es", "it", "nl", "pl", "ru"})

# Never the last word of a sentence: they announce what follows ("e.g. apples", "Brazil vs. Spain").
_NEVER_FINAL = _words("eg ie cf viz vs v approx ca esp incl")

# Before a number they never end a sentence ("No. 5", "Jan. 5"); before a capitalised word they
# usually do ("... arrives in Jan. The team ...").
_NUMBER_PREFIXES = _words("no nos nr n° art vol pp p fig ch para sec op str")
_MONTHS = _words("jan feb mar apr jun jul aug sep sept oct nov dec")

# Often the last word of a sentence; a capitalised word after them starts a new one.
_OFTEN_FINAL = _words("etc ave rd blvd")

# Other abbreviations that may end a sentence or sit inside a name ("Acme Inc. Chief Executive"):
# only a starter word after them ends the sentence.
_OTHER_ABBREVIATIONS = _words(
    """
    inc ltd corp co llc plc bros jr sr esq dept univ assn est min max mfg intl govt
    """
)

# US states in datelines and addresses ("SACRAMENTO, Calif. (AP)"), AP style. Capitalised only:
# "she was ill. Doctors said" is a sentence end.
_STATES = _words(
    """
    ala ariz ark calif colo conn fla ga ill ind kan ky md mich minn neb nev okla ore pa
    tenn tex va vt wash wis wyo
    """
)

_ABBREVIATIONS = (
    _TITLES | _NEVER_FINAL | _NUMBER_PREFIXES | _MONTHS | _OFTEN_FINAL | _OTHER_ABBREVIATIONS
)

# "at 10 a.m. Tuesday", "9 p.m. GMT": what may follow a time within the same sentence.
_TIME_FOLLOWERS = _words(
    """
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    et est edt ct cst cdt mt mst mdt pt pst pdt gmt bst utc cet cest eet eest msk ist aest
    """
)


# --------------------------------------------------------------------------------------------
# Boilerplate
# --------------------------------------------------------------------------------------------

# Markers at the start of a line or sentence (case-insensitive). A line that starts with one of
# them is one boilerplate segment, however many sentences it holds. Each pattern insists on the
# shape of a page element (a colon, the end of the line, "us"/"our") so that ordinary sentences
# such as "He said he would subscribe to the plan" or "Share prices fell" stay claims.
_BOILERPLATE_STARTS = [
    # German, French and Spanish ad markers too: the demo and many newsrooms import them.
    r"[\[(]?(?:advert|advertisement|ad|sponsored(?: content)?|promoted|paid content"
    r"|anzeige|werbung|publicité|publicidad)s?[\])]?"
    r"(?:\s*[-–—:|]\s*(?:scroll|story|article|continue|content)\b.*)?\W*$",
    r"(?:read|see) (?:more|also)(?:\W*$|\s*[:|»›>–—-]| here\b| at\b| on\b)",
    r"related(?: articles?| stories| content| coverage| topics| links)?(?:\W*$|\s*[:|»›>–—-])",
    r"(?:more|most read|top stories|trending)(?: on this story| news)?\s*[:|»›>]",
    r"(?:continue reading|story continues below|article continues below)\b",
    r"(?:sign up|signup|subscribe)\b",
    r"register (?:now|today|here|for free)\b",
    r"(?:get|receive|join) (?:our|the) (?:free |daily |weekly )*(?:newsletters?|briefing)\b",
    r"share (?:this|the) (?:article|story|page|post|video)\b",
    r"share (?:on|via|to) (?:facebook|twitter|x|whatsapp|linkedin|email|e-mail|reddit|pinterest"
    r"|messenger|telegram|bluesky|threads)\b",
    r"(?:follow|like) us\b",
    r"follow @\w+",
    r"[\[(]?(?:photo|photograph|image|picture|pictured|pic|illustration|video|credit|graphic)s?"
    r"(?: credits?)?\s*:",
    r"(?:©|\(c\) |copyright ©|copyright \d{4})",
    r"(?:please )?(?:donate|give) (?:now|today|here|to us)\b",
    r"if you (?:would like|'d like|’d like|want|wish|are able) to"
    r" (?:donate|give|support|help|subscribe)\b",
    r"(?:watch|listen)(?: now| live)?\s*:",
]

# Markers anywhere in a sentence: phrases that only page furniture uses.
_BOILERPLATE_ANYWHERE = [
    r"\bclick here\b",
    r"\ball rights reserved\b",
    r"\b(?:sign up|subscribe) (?:to|for) our\b",
    r"\bour (?:free )?(?:daily |weekly )?newsletters?\b",
]

_BOILERPLATE_START = re.compile("|".join(f"(?:{p})" for p in _BOILERPLATE_STARTS), re.IGNORECASE)
_BOILERPLATE_ANY = re.compile("|".join(f"(?:{p})" for p in _BOILERPLATE_ANYWHERE), re.IGNORECASE)


def is_boilerplate(text: str) -> bool:
    """True for page furniture (ads, share buttons, credits, calls to donate), not for claims."""
    text = text.strip(_BLANK)
    return bool(_BOILERPLATE_START.match(text) or _BOILERPLATE_ANY.search(text))


# --------------------------------------------------------------------------------------------
# pysbd
# --------------------------------------------------------------------------------------------


class _Language:
    """What one language needs: its pysbd segmenter and the abbreviations to respect."""

    def __init__(self, code: str):
        self.segmenter = pysbd.Segmenter(language=code, clean=False)
        self.code = code
        self.english = code == "en"
        self.own = code in _OWN_RULES
        # Our English lists are curated; pysbd's English list also holds ordinary words ("is",
        # "me", "may"), so it is only borrowed for the other languages ("Sra.", "z.B.", "Nr.").
        self.abbreviations: frozenset[str] = frozenset()
        if code != "en":
            module = LANGUAGE_CODES[code]
            known = getattr(getattr(module, "Abbreviation", None), "ABBREVIATIONS", ())
            self.abbreviations = frozenset(a.lower().rstrip(".") for a in known)


@functools.cache
def _language_for(code: str) -> _Language:
    return _Language(code)


# Languages pysbd has no rules for, read with those of a close one: Ukrainian and Belarusian
# share Russian's script, quotes and most abbreviations; English rules would split "у м. Харків".
_CLOSE_LANGUAGES = {"uk": "ru", "be": "ru"}


def _language(language: str) -> _Language:
    """The cached resources of a language; codes pysbd does not know fall back to a close
    language, else to English."""
    code = (language or "en").strip().lower().replace("_", "-").split("-")[0]
    code = _CLOSE_LANGUAGES.get(code, code)
    return _language_for(code if code in LANGUAGE_CODES else "en")


def _pysbd_cuts(segmenter: pysbd.Segmenter, line: str) -> list[int]:
    """Where pysbd ends its sentences in `line` (all but the last), as offsets into `line`.

    We call the segmenter's processor, not `Segmenter.segment()`: with clean=False, segment()
    then locates every sentence in the text with a regular expression built from that sentence,
    which is compiled anew for every sentence of real text (and pushes pysbd's own patterns out of
    the `re` cache): measured 2.7 times slower, it drops the sentences it fails to find, and the
    text it keeps on the shared instance makes it unsafe across threads.

    Instead each sentence is located by walking forward from a cursor: the exact text where it
    is (allowing a small drift, should an earlier sentence have been altered), else by counting
    its visible characters, as pysbd may change whitespace and drops some characters. Linear in
    the length of the line; a cut that lands anywhere but after sentence-final punctuation is
    discarded by `_judge`, and whatever follows the last cut belongs to the last sentence, so no
    character can be lost.

    The processor is not pysbd's documented API: pysbd is pinned below 0.4 (pyproject.toml) and
    tests/test_pysbd_internals.py checks what we rely on.
    """
    cuts: list[int] = []
    pos = floor = 0  # floor: the last cut, so that cuts only move forward
    size = len(line)
    for piece in segmenter.processor(line).process()[:-1]:
        core = piece.strip(_BLANK)
        if not core:
            continue
        while pos < size and line[pos] in _BLANK_SET:
            pos += 1
        if line.startswith(core, pos):
            pos += len(core)
        elif (found := line.find(core, max(floor, pos - _DRIFT), pos + _DRIFT + len(core))) != -1:
            pos = found + len(core)
        else:
            visible = sum(1 for ch in core if ch not in _BLANK_SET)
            while pos < size and visible:
                if line[pos] not in _BLANK_SET:
                    visible -= 1
                pos += 1
        if pos >= size:
            break
        cuts.append(pos)
        floor = pos
    return cuts


# --------------------------------------------------------------------------------------------
# Boundary heuristics
# --------------------------------------------------------------------------------------------


def _word_before(line: str, end: int) -> tuple[int, str]:
    """The whitespace-delimited token that ends at `end`, with its start offset."""
    start = end
    while start > 0 and line[start - 1] not in _BLANK_SET:
        start -= 1
    return start, line[start:end]


def _judge(line: str, end: int, nxt: int, lang: _Language) -> bool | None:
    """Should a sentence end at `end`, with the next one starting at `nxt`?

    True: a boundary. False: not a boundary. None: no opinion, which only languages split by
    pysbd get (pysbd's decision stands); for the languages split by our rules alone (`own`)
    no opinion means no boundary.
    """
    english = lang.english
    decisive = lang.own
    # "No opinion" for pysbd's languages; for ours, the answer our rules give by default.
    unsure: bool | None = True if decisive else None
    tok_start, token = _word_before(line, end)
    core = _FOOTNOTE.sub("", token).rstrip(_CLOSERS)
    if not core or core[-1] not in _FINAL:
        # pysbd also splits inline enumerations ("covers 1) taxes, 2) wages and 3) rents");
        # without sentence-final punctuation before it, that is no sentence end.
        return False
    stem = core.rstrip(_MARKS)
    marks = core[len(stem) :]
    stem = stem.lstrip(_OPENERS)
    tail = _NO_SPACE_TAIL.search(stem) if english and "." in stem else None
    if tail and not _NO_SPACE_TOKEN.search(stem):
        stem = tail.group(1)  # "Tuesday.Mr. Smith": the word after the lost space counts
    known = lang.abbreviations
    next_match = _NEXT_WORD.match(line, nxt)
    word = next_match.group(1)
    if not word:
        # The next sentence would start with a dash, a number sign, a currency sign ...
        if not decisive:
            return None
        if line[next_match.end() : next_match.end() + 1] in "—–-":
            return False  # "LAS VEGAS, Nev. — A gunman": a dash continues the sentence
        return marks != "." or not stem or not _is_abbreviation(stem, known)
    first = word[0]
    if first.islower():
        # "at 2 a.m. and", '"Why now?" she asked', "Mr. and Mrs.": nothing starts in lowercase.
        # "iPhone", "eBay" are names, not lowercase words: read as capitalised.
        if not any(ch.isupper() for ch in word):
            return False
        if not decisive:
            return None
    # Our rules read a letter of a script without case ("中") as a capital.
    upper = first.isupper() or (decisive and not first.isdigit())
    # Our starter words are English. In another language a capitalised word that is not one
    # of them may still start a sentence ("8 h. Il est arrivé"): then pysbd decides.
    starter: bool | None = word.lower() in _STARTERS or (False if english else None)

    if not marks:
        return unsure  # "。", "؟" ...: pysbd knows these languages better than our heuristics

    if "?" in marks or "!" in marks:
        closed_quote = any(ch in _QUOTES for ch in token[len(core) :])
        if closed_quote and not starter and _ATTRIBUTION.match(line, nxt):
            return False  # '"Why now?" Smith asked.' (but '"Why?" Nobody answered.' ends)
        return True if upper else unsure
    if "…" in marks or len(marks) > 1 or not stem:
        # An ellipsis ("...", "…"): a capital letter after it starts a new sentence; "He
        # paused... and left" was already settled by the lowercase rule.
        return True if upper else (False if decisive else None)

    # A single full stop after `stem`.
    if _LIST_MARKER.fullmatch(stem.lstrip(_BULLETS)) and _starts_sentence(line, tok_start, known):
        return False  # "1. First item", "b. Second item", "... is this. 4. Another point"
    key = stem.lower()
    if not english and key in _YEAR_WORDS and upper and _after_number(line, tok_start):
        return True  # "набув чинності 1 січня 2024 р. Його", "na 2025 r. Opozycja"
    if not english and key in _NAME_PREFIXES and upper:
        return False  # "Mevr. Jansen", "ul. Marszałkowskiej", "вул. Хрещатик", "проф. Семенов"
    if not english and stem.isdigit():
        if not decisive:
            return None  # pysbd knows which languages write ordinals with a full stop
        if lang.code in _ORDINAL_DOT and len(stem) <= 2 and upper:
            return False  # "vom 12. Juni", "zum 3. Mal": an ordinal, not a sentence end
    if first.isdigit():
        # "No. 5", "Jan. 5", "approx. 3 kg": the number belongs to the abbreviation.
        return False if _is_abbreviation(stem, known) else unsure
    if not upper:
        return None  # a letter without case, in a language pysbd splits

    if "." in stem:
        if not _DOTTED.fullmatch(stem):
            return True  # "www.gov.uk." or "$3.5." ends a sentence like any word
        bare = key.replace(".", "")
        if bare in ("am", "pm"):
            # "at 9 a.m. The meeting" ends; "at 10 a.m. Tuesday" and "9 a.m. GMT" go on.
            return word.lower() not in _TIME_FOLLOWERS
        if bare in _NEVER_FINAL:
            return False  # "e.g. Apple", "i.e. London"
        # Acronyms are mostly adjectives before a name ("the U.S. Senate", "U.N. Security
        # Council"); only a starter word shows that the sentence ended ("the U.N. It said").
        return starter
    if len(stem) == 1 and stem.isalpha():
        # An initial. Another initial after it ("J. R. R. Tolkien", German "z. B.") or any name
        # ("George W. Bush") continues; only a starter word ends the sentence ("plan B. More").
        if len(word) == 1 and line.startswith(".", next_match.end()):
            return False
        if english and stem == "I" and _after_lowercase_word(line, tok_start):
            return True  # "you and I. Did you" (but "Albert I. Jones" is an initial)
        if not english and decisive and _after_number(line, tok_start):
            return True  # "à 8 h. Il est arrivé": a unit after a number, not an initial
        return starter
    if key == "st" and _is_street(line, tok_start):
        return True  # "on Main St. Police said": a street name, and a new sentence after it
    if key in _TITLES:
        return starter  # "Dr. Smith" goes on; "the doctor was a Dr. He was kind" ends
    if key in _NEVER_FINAL:
        return False
    if key in _NUMBER_PREFIXES or key in _MONTHS or key in _OFTEN_FINAL:
        return True  # "in Jan. The next year", "cars, bikes, etc. The city"
    if key in _OTHER_ABBREVIATIONS or key in known:
        return starter  # "Acme Inc. Chief Executive" goes on; "Acme Inc. The firm" ends
    if english and key in _STATES and stem[0].isupper():
        return starter  # "SACRAMENTO, Calif. (AP)" goes on
    return True  # an ordinary word, a number or a closing bracket before a full stop


def _after_number(line: str, tok_start: int) -> bool:
    """Is the token at `tok_start` preceded by a number ("2024 р.")?"""
    end = tok_start
    while end > 0 and line[end - 1] in _BLANK_SET:
        end -= 1
    return end > 0 and line[end - 1].isdigit()


def _after_lowercase_word(line: str, tok_start: int) -> bool:
    """Is the token at `tok_start` preceded by a lowercase word ("you and I")?"""
    end = tok_start
    while end > 0 and line[end - 1] in _BLANK_SET:
        end -= 1
    _, previous = _word_before(line, end)
    previous = previous.strip(_OPENERS + _CLOSERS + ",;:")
    return bool(previous) and previous[0].islower()


def _starts_sentence(line: str, tok_start: int, known: frozenset[str]) -> bool:
    """Is the token at `tok_start` the first of the line, or the first after a sentence end?"""
    end = tok_start
    while end > 0 and line[end - 1] in _BULLETS:
        end -= 1
    if end == 0:
        return True
    _, previous = _word_before(line, end)
    core = previous.rstrip(_CLOSERS)
    stem = core.rstrip(_MARKS)
    if stem == core:
        return False
    # "on Oct. 1. Talks resumed": a full stop after an abbreviation does not end a sentence.
    return core[len(stem) :] != "." or not _is_abbreviation(stem.lstrip(_OPENERS), known)


def _is_abbreviation(stem: str, known: frozenset[str]) -> bool:
    if "." in stem:
        return bool(_DOTTED.fullmatch(stem))
    key = stem.lower()
    return (len(stem) == 1 and stem.isalpha()) or key in _ABBREVIATIONS or key in known


def _is_street(line: str, tok_start: int) -> bool:
    """Is the "St." starting at `tok_start` a street ("Main St.") rather than a saint?

    A street name comes after its own capitalised name; a saint ("St. Louis", "in St. Paul's",
    "The St. Louis Cardinals") comes after a lowercase word, a starter word or nothing.
    """
    end = tok_start
    while end > 0 and line[end - 1] in _BLANK_SET:
        end -= 1
    _, previous = _word_before(line, end)
    previous = previous.strip(_OPENERS + _CLOSERS + ",;:")
    return bool(previous) and previous[0].isupper() and previous.lower() not in _STARTERS


def _spans(line: str, cuts: list[int]) -> list[tuple[int, int]]:
    """The sentences of `line` between the cuts, trimmed of blanks.

    A piece without a letter or digit is not a sentence: a closing quote that pysbd left on its
    own joins the sentence before it, a bullet or opening quote at the start joins the next.
    """
    spans: list[tuple[int, int]] = []
    dangling: int | None = None  # start of a leading punctuation-only piece
    previous = 0
    for cut in [*cuts, len(line)]:
        start, end = previous, cut
        previous = cut
        while start < end and line[start] in _BLANK_SET:
            start += 1
        while end > start and line[end - 1] in _BLANK_SET:
            end -= 1
        if start == end:
            continue
        if any(ch.isalnum() for ch in line[start:end]):
            spans.append((start if dangling is None else dangling, end))
            dangling = None
        elif spans:
            spans[-1] = (spans[-1][0], end)
        elif dangling is None:
            dangling = start
    if dangling is not None:
        spans.append((dangling, len(line.rstrip(_BLANK))))  # nothing but punctuation ("* * *")
    return spans


def _sentences(line: str, language: str) -> list[tuple[int, int]]:
    """Sentence spans of one trimmed, non-blank line."""
    lang = _language(language)
    if lang.own:
        return _spans(line, _rule_cuts(line, lang))
    if not _TERMINATOR.search(line):
        return [(0, len(line))]
    size = len(line)
    cuts: set[int] = set()
    seen: set[int] = set()
    for cut in _pysbd_cuts(lang.segmenter, line):
        seen.add(cut)
        nxt = _skip_blanks(line, cut)
        if nxt < size and _judge(line, cut, nxt, lang) is not False:
            cuts.add(cut)
    for match in _CANDIDATE.finditer(line):
        cut = match.end()
        if cut in seen:
            continue
        nxt = _skip_blanks(line, cut)
        if nxt < size and _judge(line, cut, nxt, lang) is True:
            cuts.add(cut)
    return _spans(line, sorted(cuts))


def _skip_blanks(line: str, pos: int) -> int:
    size = len(line)
    while pos < size and line[pos] in _BLANK_SET:
        pos += 1
    return pos


def _rule_cuts(line: str, lang: _Language) -> list[int]:
    """Where the sentences of a line end, by our rules alone: every place where one may end,
    judged.

    No pysbd: every candidate (sentence-final punctuation, closing quotes and brackets, a
    footnote marker, then a space) is decided by `_judge`. On top come spaced ellipses, items
    of a list on one line and (in English) full stops that lost their space.
    """
    cuts: set[int] = set()
    skip: set[int] = set()
    if _LIST_START.match(line):
        for start, marker_end in _list_items(line):
            cuts.add(start)
            skip.add(marker_end)  # "2.) The second item": the marker opens its item
    if _TERMINATOR.search(line):
        size = len(line)
        if ". . ." in line:
            skip |= _spaced_ellipses(line, cuts)
        for match in _CANDIDATE.finditer(line):
            cut = match.end()
            if cut in skip:
                continue
            nxt = _skip_blanks(line, cut)
            if nxt < size and _judge(line, cut, nxt, lang):
                cuts.add(cut)
        for match in _NO_SPACE.finditer(line) if lang.english else ():
            if _no_space_boundary(line, match, lang):
                cuts.add(match.end())
    return sorted(cuts)


def _spaced_ellipses(line: str, cuts: set[int]) -> set[int]:
    """Judge the spaced ellipses of `line` (adding their boundaries to `cuts`) and return the
    places inside or after them that must not be judged again.

    Like "...", an ellipsis ends a sentence only before a capitalised word ("forward . . .
    Then it stopped"; "weakened . . . was" goes on). Four dots after a word are a full stop and
    an omission that opens the next sentence ("compounds. . . . The practice"); after a space
    ("a period . . . . Next") the sentence ends after the fourth.
    """
    skip: set[int] = set()
    size = len(line)
    for match in _SPACED_ELLIPSIS.finditer(line):
        start, end = match.span()
        skip.update(range(start + 1, end + 1))
        dots = match.group().count(".")
        nxt = _skip_blanks(line, end)
        follows = _NEXT_WORD.match(line, nxt).group(1) if nxt < size else ""
        if not follows or not follows[0].isupper():
            continue
        attached = start > 0 and line[start - 1] not in _BLANK_SET
        cuts.add(start + 1 if attached and dots >= 4 else end)
    return skip


def _no_space_boundary(line: str, match: re.Match, lang: _Language) -> bool:
    """Does "world.Today" (a full stop that lost its space) end a sentence?"""
    start = match.start()
    tok_start, _ = _word_before(line, start)
    tok_end = match.end()
    while tok_end < len(line) and line[tok_end] not in _BLANK_SET:
        tok_end += 1
    if _NO_SPACE_TOKEN.search(line, tok_start, tok_end):
        return False  # "Jane.Doe@example.com", "bbc.co.uk/News", "Amazon.com"
    # Judge it as if the space were there: "Mr.Smith" stays, "1,000.That" ends.
    return bool(
        _judge(line[: match.end()] + " " + line[match.end() :], match.end(), match.end() + 1, lang)
    )


def _list_items(line: str) -> list[tuple[int, int]]:
    """Where the items of a list written on one line start, after the first, and where each
    one's marker ends."""
    first = _LIST_START.match(line)
    bullet, label, style = first.group(1) or "", first.group(2), first.group(3)
    bullet_pattern = re.escape(bullet.strip()) + r"\s*" if bullet else ""
    cuts = []
    pos = first.end()
    while True:
        label = str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)
        pattern = re.compile(rf"\s({bullet_pattern}{re.escape(label)}{re.escape(style)})\s")
        match = pattern.search(line, pos)
        if not match:
            return cuts
        cuts.append((match.start(1), match.end(1)))
        pos = match.end(1)


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------


def segment(body: str, language: str = "en") -> list[Segment]:
    """Split `body` into sentences with exact offsets, paragraph numbers and kind."""
    segments: list[Segment] = []
    paragraph = 0
    for line_match in _LINE.finditer(body):
        text = line_match.group()
        stripped = text.strip(_BLANK)
        if not stripped:
            continue  # blank lines only separate paragraphs
        offset = line_match.start() + len(text) - len(text.lstrip(_BLANK))
        if _BOILERPLATE_START.match(stripped):
            # "Read more: Ukraine latest. Live updates" is one piece of page furniture.
            spans = [(0, len(stripped), BOILERPLATE)]
        else:
            spans = [
                (s, e, BOILERPLATE if is_boilerplate(stripped[s:e]) else CLAIM)
                for s, e in _sentences(stripped, language)
            ]
        for start, end, kind in spans:
            segments.append(
                Segment(
                    index=len(segments),
                    paragraph=paragraph,
                    start=offset + start,
                    end=offset + end,
                    text=stripped[start:end],
                    kind=kind,
                )
            )
        paragraph += 1
    return segments
