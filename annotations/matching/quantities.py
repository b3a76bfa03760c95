"""Numbers in a claim, normalised so that the ways of writing one figure compare equal.

"4.2%", "4.2 percent", "four point two per cent" -> 0.042 (a ratio); "1.5 million", "1,500,000"
-> 1500000; "a third", "one in three" -> 1/3, equal to "33%" at the precision written; "doubled",
"twofold", "twice" -> x2, also equal to "rose 100%"; "72-hour" and "three-day" -> 72 hours;
"fortnight" -> two weeks; "hat-trick" -> 3; "a dozen" -> 12; "5 km" -> 5000 m; "$5m" -> 5000000
USD. Percentage points are not per cent. Pure Python (no Django).
"""

from __future__ import annotations

from dataclasses import dataclass

from .lexicon import STOP, Token, split_words

SMALL = {
    word: value
    for value, word in enumerate(
        split_words(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
            "fifteen sixteen seventeen eighteen nineteen"
        )
    )
}
TENS = {
    word: 10 * (value + 2)
    for value, word in enumerate(
        split_words("twenty thirty forty fifty sixty seventy eighty ninety")
    )
}
SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# Abbreviated scales after a figure: "$1.5m", "10bn", "3k".
SHORT_SCALES = {
    "k": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "bn": 1e9,
    "b": 1e9,
    "tn": 1e12,
    "trn": 1e12,
}
ORDINALS = {
    word: value + 1
    for value, word in enumerate(
        split_words(
            "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
        )
    )
}
# Ordinals of the scale words: "the one millionth visitor" is the 1,000,000th.
SCALE_ORDINALS = {"hundredth": 100.0, "thousandth": 1e3, "millionth": 1e6, "billionth": 1e9}
# Denominators of fractions: "a third", "two-thirds", "three quarters", "one fifth".
DENOMINATORS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fourth": 4,
    "fourths": 4,
    "fifth": 5,
    "fifths": 5,
    "sixth": 6,
    "sixths": 6,
    "eighth": 8,
    "eighths": 8,
    "tenth": 10,
    "tenths": 10,
}
CURRENCY_SYMBOLS = {"$": "usd", "£": "gbp", "€": "eur", "¥": "jpy"}
CURRENCY_WORDS = {
    "dollar": "usd",
    "dollars": "usd",
    "usd": "usd",
    "euro": "eur",
    "euros": "eur",
    "eur": "eur",
    "pound": "gbp",
    "pounds": "gbp",
    "sterling": "gbp",
    "gbp": "gbp",
    "yen": "jpy",
    "yuan": "cny",
    "renminbi": "cny",
    "rupee": "inr",
    "rupees": "inr",
    "franc": "chf",
    "francs": "chf",
    "rouble": "rub",
    "roubles": "rub",
    "ruble": "rub",
    "rubles": "rub",
}
# unit word -> (dimension, size in the dimension's base unit)
UNITS = {
    **{
        w: ("length", 1000.0)
        for w in ("km", "kms", "kilometre", "kilometres", "kilometer", "kilometers")
    },
    **{w: ("length", 1.0) for w in ("metre", "metres", "meter", "meters")},
    **{
        w: ("length", 0.01)
        for w in ("cm", "centimetre", "centimetres", "centimeter", "centimeters")
    },
    **{
        w: ("length", 0.001)
        for w in ("mm", "millimetre", "millimetres", "millimeter", "millimeters")
    },
    **{w: ("length", 1609.344) for w in ("mile", "miles")},
    **{w: ("mass", 1000.0) for w in ("kg", "kgs", "kilogram", "kilograms", "kilo", "kilos")},
    **{w: ("mass", 1e6) for w in ("tonne", "tonnes", "ton", "tons")},
    **{w: ("mass", 1.0) for w in ("gram", "grams")},
    **{w: ("duration", 1 / 3600) for w in ("second", "seconds")},
    **{w: ("duration", 1 / 60) for w in ("minute", "minutes", "min", "mins")},
    **{w: ("duration", 1.0) for w in ("hour", "hours", "hr", "hrs")},
    **{w: ("duration", 24.0) for w in ("day", "days")},
    **{w: ("duration", 168.0) for w in ("week", "weeks")},
    **{w: ("duration", 336.0) for w in ("fortnight", "fortnights")},
    **{w: ("duration", 730.0) for w in ("month", "months")},
    **{w: ("duration", 8760.0) for w in ("year", "years")},
    **{w: ("duration", 87600.0) for w in ("decade", "decades")},
    **{w: ("duration", 876000.0) for w in ("century", "centuries")},
    **{w: ("temperature", 1.0) for w in ("degree", "degrees")},
    **{w: ("speed", 1.609344) for w in ("mph",)},
    **{w: ("speed", 1.0) for w in ("kph", "kmh")},
    **{w: ("speed", 1.852) for w in ("knot", "knots")},
    **{w: ("area", 1e6) for w in ("km2",)},
    **{w: ("area", 1e4) for w in ("hectare", "hectares")},
    **{w: ("area", 4046.8564224) for w in ("acre", "acres")},
    **{w: ("length", 0.0254) for w in ("inch", "inches")},
    **{w: ("length", 0.3048) for w in ("foot", "feet", "ft")},
    **{w: ("length", 0.9144) for w in ("yard", "yards")},
    **{w: ("volume", 0.001) for w in ("litre", "litres", "liter", "liters")},
    **{w: ("volume", 1e-6) for w in ("millilitre", "millilitres", "milliliter", "ml")},
    **{w: ("volume", 0.00056826125) for w in ("pint", "pints")},
    **{w: ("mass", 28.349523125) for w in ("ounce", "ounces", "oz")},
    **{w: ("mass", 6350.29318) for w in ("stone",)},
    **{w: ("duration", 8760000.0) for w in ("millennium", "millennia")},
}
# Words that are a quantity by themselves (with "a", or alone).
ALONE = {
    "fortnight": (1.0, "duration", 336.0),
    "decade": (1.0, "duration", 87600.0),
    "century": (1.0, "duration", 876000.0),
    "dozen": (12.0, None, 1.0),
    "half": (0.5, "ratio", 1.0),
}
# "a month", "per day", "monthly": a rate's period
RATE_WORDS = frozenset({"a", "an", "per", "each", "every"})
RATE_ADVERBS = {
    "monthly": "month",
    "annually": "year",
    "yearly": "year",
    "daily": "day",
    "weekly": "week",
    "hourly": "hour",
    "nightly": "night",
    "annum": "year",
}
# How often, as an adjective before a noun: "the annual budget", "a monthly fee", "quarterly
# growth". Two claims whose figures are said per another period are different claims ("the
# annual budget is £2m" / "the monthly budget is £2m") even when no figure carries the period.
PERIODIC = {
    **RATE_ADVERBS,
    "annual": "year",
    "quarterly": "quarter",
    "fortnightly": "fortnight",
    "biweekly": "fortnight",
}
# "in a year" is a duration; "a year ago", "a year earlier" are dates (dates.py)
DURATION_BEFORE = frozenset(split_words("in within for over than of after last past nearly almost"))
RELATIVE_AFTER = frozenset(split_words("ago earlier later before after"))
RATE_UNITS = frozenset(
    split_words(
        "second minute hour day night week fortnight month quarter year annum head person capita "
        "litre liter gallon kilo kg tonne barrel share visit journey trip mile km game match "
        "season"
    )
)
POWERS = {"square": ("area", 2), "sq": ("area", 2), "cubic": ("volume", 3)}
# Verbs and adverbs of multiplication.
MULTIPLIERS = {
    "double": 2.0,
    "doubled": 2.0,
    "doubles": 2.0,
    "doubling": 2.0,
    "twice": 2.0,
    "triple": 3.0,
    "tripled": 3.0,
    "triples": 3.0,
    "tripling": 3.0,
    "treble": 3.0,
    "trebled": 3.0,
    "thrice": 3.0,
    "quadruple": 4.0,
    "quadrupled": 4.0,
    "quadruples": 4.0,
    "halved": 0.5,
    "halve": 0.5,
    "halves": 0.5,
    "halving": 0.5,
}


# The words a quantity can start with (the others are skipped at once).
TRIGGERS = frozenset(
    [
        *SMALL,
        *TENS,
        *ORDINALS,
        *SCALE_ORDINALS,
        *ALONE,
        *MULTIPLIERS,
        *split_words("a an per hat quarter quarters"),
    ]
)


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float
    # None (a count), "ratio" (per cent and fractions), "pp" (percentage points), "x" (a
    # multiplier), "ordinal", a currency code, or a physical dimension ("duration", "length"...)
    dim: str | None
    # The step of the last digit written, in the same units: 1.5 million -> 100000.
    precision: float
    # False for thirds and the like, which are compared at the other figure's precision.
    exact: bool = True


def _number_words(tokens: list[Token], i: int) -> tuple[float, float, int] | None:
    """(value, precision, next index) of number words from `i`: "twenty five", "one hundred and
    twenty", "four point two", "a million", "a dozen"; None if there are none."""
    n = len(tokens)
    low = tokens[i].low
    if low in ("a", "an") and i + 1 < n and tokens[i + 1].low in (*SCALES, "dozen"):
        value, precision, j = 1.0, 1.0, i + 1
        if tokens[j].low == "dozen":
            return 12.0, 1.0, j + 1
    elif low in SMALL or low in TENS:
        value, precision, j = 0.0, 1.0, i
    else:
        return None
    total = 0.0
    current = value
    seen = False
    while j < n:
        word = tokens[j].low
        if word in SMALL:
            current += SMALL[word]
        elif word in TENS:
            current += TENS[word]
        elif word in SCALES and (seen or value):
            scale = SCALES[word]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0.0
                precision = scale
        elif (
            word == "and"
            and seen
            and j + 1 < n
            and (tokens[j + 1].low in SMALL or tokens[j + 1].low in TENS)
        ):
            pass
        elif word == "point" and seen and j + 1 < n and tokens[j + 1].low in SMALL:
            digits = ""
            k = j + 1
            while k < n and tokens[k].low in SMALL and SMALL[tokens[k].low] < 10:
                digits += str(SMALL[tokens[k].low])
                k += 1
            return total + current + float("0." + digits), 10.0 ** -len(digits), k
        else:
            break
        seen = True
        j += 1
    if not seen:
        return None
    return total + current, precision, j


def _figure(tokens: list[Token], i: int) -> tuple[float, float, int] | None:
    token = tokens[i]
    if token.kind == "num":
        text = token.low
        decimals = len(text.split(".")[1]) if "." in text else 0
        return float(text), 10.0**-decimals, i + 1
    return _number_words(tokens, i)


def extract(tokens: list[Token], used: set[int]) -> tuple[list[Quantity], set[int]]:
    """The quantities of a tokenized sentence and the token indices they took (skipping `used`,
    the tokens already read as dates)."""
    found: list[Quantity] = []
    took: set[int] = set()
    n = len(tokens)
    i = 0
    while i < n:
        if i in used:
            i += 1
            continue
        token = tokens[i]
        low = token.low
        if token.kind == "word" and low not in TRIGGERS and not low.endswith("fold"):
            i += 1
            continue
        before = tokens[i - 1].low if i else ""
        nxt = tokens[i + 1].low if i + 1 < n else ""
        start = i
        if low.endswith("fold") and (low[:-4] in SMALL or low[:-4] in TENS):  # "twofold"
            found.append(Quantity(float(SMALL.get(low[:-4]) or TENS[low[:-4]]), "x", 1.0))
            took.add(i)
            i += 1
            continue
        if low in MULTIPLIERS:  # "doubled", "twice", "halved"
            found.append(Quantity(MULTIPLIERS[low], "x", 0.1))
            took.add(i)
            i += 1
            continue
        if (
            low in ("a", "an")
            and nxt in DENOMINATORS
            and i + 4 < n
            and tokens[i + 2].low == "of"
            and tokens[i + 3].low in ("a", "an")
            and tokens[i + 4].low in UNITS
        ):
            # "a quarter of a century", "a third of a mile"
            unit_dim, size = UNITS[tokens[i + 4].low]
            found.append(Quantity(size / DENOMINATORS[nxt], unit_dim, 0.0))
            took.update(range(i, i + 5))
            i += 5
            continue
        if low in DENOMINATORS and before == "by" and low not in ("half", "halves"):
            # a headline's "cut by quarter" (no article)
            found.append(Quantity(1 / DENOMINATORS[low], "ratio", 0.0, exact=False))
            took.add(i)
            i += 1
            continue
        if low in ("a", "an") and nxt in DENOMINATORS and nxt not in ("half", "halves"):
            # "a third", "a quarter"
            found.append(Quantity(1 / DENOMINATORS[nxt], "ratio", 0.0, exact=False))
            took.update((i, i + 1))
            i += 2
            continue
        if low in SCALE_ORDINALS and before not in ("a", "an"):
            found.append(Quantity(SCALE_ORDINALS[low], "ordinal", 1.0))  # "its millionth"
            took.add(i)
            i += 1
            continue
        if low in ORDINALS and before not in ("a", "an") and before not in SMALL:
            found.append(Quantity(float(ORDINALS[low]), "ordinal", 1.0))
            took.add(i)
            i += 1
            continue
        if low == "hat" and nxt == "trick":  # "hat-trick": three (goals, wins, titles)
            found.append(Quantity(3.0, None, 1.0))
            took.update((i, i + 1))
            i += 2
            continue
        if low in ALONE and (i == 0 or tokens[i - 1].kind != "num"):
            # a word that is a quantity alone: "a fortnight", "a hat-trick", "half of"
            third = tokens[i + 2].low if i + 2 < n else ""
            if low == "half" and nxt in ("a", "an") and third in UNITS:  # "half a year"
                unit_dim, size = UNITS[third]
                found.append(Quantity(0.5 * size, unit_dim, 0.0))
                took.update((i, i + 1, i + 2))
                i += 3
                continue
            if not (low == "half" and before in ("first", "second", "and")):
                value, dim, size = ALONE[low]
                found.append(Quantity(value * size, dim, 0.0 if dim == "ratio" else size))
                took.add(i)
            i += 1
            continue
        if (
            low in ("a", "an")
            and nxt in ("full", "whole", "entire", "single")
            and i + 2 < n
            and (tokens[i + 2].low in UNITS)
        ):
            size = UNITS[tokens[i + 2].low][1]  # "a full week"
            found.append(Quantity(size, UNITS[tokens[i + 2].low][0], size))
            took.update((i, i + 1, i + 2))
            i += 3
            continue
        if low == "a" and nxt == "score" and i + 2 < n and tokens[i + 2].low == "of":
            found.append(Quantity(20.0, None, 1.0))  # "a score of refugees"
            took.update((i, i + 1))
            i += 2
            continue
        currency = None
        if token.kind == "sym" and low in CURRENCY_SYMBOLS:
            currency = CURRENCY_SYMBOLS[low]
            i += 1
        figure = _figure(tokens, i) if i < n and i not in used else None
        if figure is None:
            if low in RATE_WORDS and nxt in UNITS and UNITS[nxt][0] == "duration":
                size = UNITS[nxt][1]
                rate = (
                    before not in DURATION_BEFORE
                    and nxt in RATE_UNITS
                    and any(k in took for k in range(i - 3, i))
                )
                if low in ("each", "every") and not rate:
                    i += 1  # "every day", "each year" alone: how often, not an amount
                    continue
                if i + 2 < n and tokens[i + 2].low in RELATIVE_AFTER:
                    pass  # "a year earlier", "a week ago": a date (dates.py), not an amount
                elif low == "per" or rate:
                    # "£12,000 in expenses a month", "twice a week": a rate
                    found.append(Quantity(1.0, "/" + nxt.rstrip("s"), 1.0))
                    took.update((i, i + 1))
                else:
                    # "in a year", "lasted a week": one of a unit
                    found.append(Quantity(size, "duration", size))
                    took.update((i, i + 1))
                i += 2
                continue
            i = start + 1
            continue
        value, precision, j = figure
        if j < n and tokens[j].low in SCALE_ORDINALS:  # "one millionth", "the 10 thousandth"
            found.append(Quantity(value * SCALE_ORDINALS[tokens[j].low], "ordinal", 1.0))
            took.update(range(start, j + 1))
            i = j + 1
            continue
        if tokens[i].kind == "num" and j < n and tokens[j].low in ("st", "nd", "rd", "th"):
            found.append(Quantity(value, "ordinal", 1.0))
            took.update(range(start, j + 1))
            i = j + 1
            continue
        exact = True
        dim: str | None = currency
        if j < n and tokens[i].kind == "num":  # "1.5 million", "$2bn"
            word = tokens[j].low
            if word in SCALES and word != "hundred":
                value, precision, j = value * SCALES[word], precision * SCALES[word], j + 1
            elif word in SHORT_SCALES and (currency or word != "m"):
                value, precision = value * SHORT_SCALES[word], precision * SHORT_SCALES[word]
                j += 1
        following = tokens[j].low if j < n else ""
        after = tokens[j + 1].low if j + 1 < n else ""
        if following in ("%", "percent", "pct") or (following, after) == ("per", "cent"):
            j += 2 if following == "per" else 1
            value, precision, dim = value / 100, precision / 100, "ratio"
        elif following == "percentage" and after.startswith("point"):
            dim, j = "pp", j + 2
        elif following == "basis" and after.startswith("point"):
            value, precision, dim, j = value / 100, precision / 100, "pp", j + 2
        elif following in DENOMINATORS and tokens[i].kind == "word":
            # "two-thirds", "one fifth", "three quarters"
            value, dim, exact, precision = value / DENOMINATORS[following], "ratio", False, 0.0
            j += 1
        elif following == "in" or (following, after) == ("out", "of"):
            k = j + (1 if following == "in" else 2)
            denominator = _figure(tokens, k) if k < n and k not in used else None
            if currency is None and denominator and denominator[0] > value:
                # "one in three", "3 out of 10"
                value, dim, exact, precision = value / denominator[0], "ratio", False, 0.0
                j = denominator[2]
        elif following in ("fold", "times"):
            dim, j = "x", j + 1
        elif following in CURRENCY_WORDS and currency is None:
            dim, j = CURRENCY_WORDS[following], j + 1
        elif following in POWERS and after in UNITS and UNITS[after][0] == "length":
            power_dim, power = POWERS[following]  # "1 cubic kilometre", "9,000 square km"
            size = UNITS[after][1] ** power
            value, precision, dim, j = value * size, precision * size, power_dim, j + 2
        elif following in UNITS and after == "old":
            j += 2  # "a 35-year-old man": an age, a count of years
        elif following == "km" and after == "h":
            dim, j = "speed", j + 2
        elif following in UNITS:
            unit_dim, size = UNITS[following]
            value, precision, dim, j = value * size, precision * size, unit_dim, j + 1
        elif following == "m" and currency is None and tokens[i].kind == "num":
            dim, j = "length", j + 1
        if (
            j + 1 < n
            and not tokens[j].gap
            and tokens[j].low in RATE_WORDS
            and (
                tokens[j + 1].low in RATE_UNITS
                or tokens[j].low == "per"
                and tokens[j + 1].kind == "word"
                and tokens[j + 1].low not in STOP
            )
        ):
            dim = (
                f"{dim or ''}/{RATE_ADVERBS.get(tokens[j + 1].low, tokens[j + 1].low.rstrip('s'))}"
            )
            j += 2  # "2% a month", "€3 per journey"
        elif (
            j < n
            and tokens[j].low in RATE_ADVERBS
            and not (
                j + 1 < n
                and tokens[j + 1].kind == "word"
                and not tokens[j + 1].gap
                and tokens[j + 1].low not in STOP
            )
        ):
            # "20 minutes daily" (but in "a 20-minute daily walk" "daily" goes with the noun)
            dim, j = f"{dim or ''}/{RATE_ADVERBS[tokens[j].low]}", j + 1
        if low == "one" and dim is None and j == start + 1:
            # "one of the", "no one": a pronoun more often than a figure
            i = j
            continue
        found.append(Quantity(value, dim, precision, exact))
        took.update(range(start, j))
        i = j
    return found, took


def _equal(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance + 1e-9 * max(abs(a), abs(b), 1.0)


def same(a: Quantity, b: Quantity) -> bool:
    """Whether two quantities are the same figure as written."""
    if a.dim != b.dim:
        pair = {a.dim, b.dim}
        if pair == {"x", "ratio"}:
            # "doubled" = "rose 100%", "halved" = "fell 50%"
            x, r = (a, b) if a.dim == "x" else (b, a)
            return _equal(abs(x.value - 1), r.value, r.precision / 2)
        if None in pair and not pair & {"ratio", "pp", "x", "ordinal"}:
            pass  # "5 million" and "$5 million"; "12" and "a dozen eggs"
        else:
            return False
    if a.exact and b.exact:
        return _equal(a.value, b.value, 0.0)
    # a third against 33%: equal at the precision of the figure written in digits
    tolerance = max(a.precision if a.exact else 0.0, b.precision if b.exact else 0.0)
    return _equal(a.value, b.value, tolerance or 1e-6)


def differences(a: list[Quantity], b: list[Quantity]) -> tuple[list[Quantity], list[Quantity]]:
    """The quantities of `a` with no equal in `b`, and those of `b` with none in `a`."""
    left = list(b)
    unmatched = []
    for quantity in a:
        for k, other in enumerate(left):
            if same(quantity, other):
                del left[k]
                break
        else:
            unmatched.append(quantity)
    return unmatched, left
