"""Dates and periods in a claim, resolved against the article's publication day when known.

"in March", "last month" (in an article of 2 April), "March 2026" and "the first quarter" all
overlap; "March" and "May" do not. A period is a span of calendar days when it can be placed
("yesterday", "last year", "March 3, 2025", "2019") and otherwise the fields it names (a month,
a day of the month, a weekday; "last month" in an article of unknown date). Pure Python.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .lexicon import Token, split_words

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
# Northern-hemisphere seasons, as months
SEASONS = {
    "spring": frozenset({3, 4, 5}),
    "summer": frozenset({6, 7, 8}),
    "autumn": frozenset({9, 10, 11}),
    "winter": frozenset({12, 1, 2}),
}
QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "last": 4}
RELATIVE_DAYS = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}
# "this April", "last April", "next April": the year, from the month and the publication month
MONTH_SHIFTS = {
    "this": lambda month, now: 0,
    "last": lambda month, now: 0 if month < now else -1,
    "next": lambda month, now: 0 if month > now else 1,
}
SHIFTS = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}
UNITS = {
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
    "weekend": "week",
    "quarter": "quarter",
}
# Words before a month name that make "May" a month rather than a verb or a surname.
MONTH_CONTEXT = frozenset(
    split_words(
        "in since until till by of last this next early late mid from to through during on "
        "between and or before after throughout end beginning start"
    )
)
# A four-digit figure followed by one of these is not a year: "2000 people" is rare in news
# (thousands take a comma), "2025 euros" is money.
NOT_YEAR_AFTER = frozenset(split_words("% percent per million billion thousand m bn km kg"))
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
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
    "twelve": 12,
}


EARLIEST, LATEST = date(100, 1, 1), date(9900, 12, 31)
# The words a period can start with (the others are skipped at once).
TRIGGERS = frozenset(
    [*MONTHS, *WEEKDAYS, *QUARTERS, *RELATIVE_DAYS, *SHIFTS, *NUMBER_WORDS, *SEASONS]
    + ["earlier", "later", "q"]
)


@dataclass(frozen=True, slots=True)
class Period:
    lo: date | None = None  # first and last day when the period is on the calendar
    hi: date | None = None
    year: int | None = None
    months: frozenset[int] | None = None
    day: int | None = None
    weekday: int | None = None
    # an unresolved relative period: ("month", -1) for "last month" when the day is unknown
    relative: tuple[str, int] | None = None


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _same_day_before(published: date, unit: str, count: int) -> date | None:
    """The day `count` units before `published` ("two years ago today"); None for a unit
    without a same day (a quarter) or beyond the calendar."""
    try:
        if unit in ("day", "week"):
            return published - timedelta(days=count * (7 if unit == "week" else 1))
        if unit in ("month", "year"):
            year, month = _add_months(published, -count * (12 if unit == "year" else 1))
            return date(year, month, min(published.day, calendar.monthrange(year, month)[1]))
    except (OverflowError, ValueError):
        return None
    return None


def _relative(unit: str, shift: int, published: date | None) -> Period:
    if published is None:
        return Period(relative=(unit, shift))
    try:
        return _placed(unit, shift, published)
    except (OverflowError, ValueError):  # beyond the calendar (year 1 or 9999)
        return Period(relative=(unit, shift))


def _placed(unit: str, shift: int, published: date) -> Period:
    if unit == "day":
        day = published + timedelta(days=shift)
        return Period(day, day)
    if unit == "week":
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=shift)
        return Period(monday, monday + timedelta(days=6))
    if unit == "month":
        return Period(*_month_span(*_add_months(published, shift)))
    if unit == "quarter":
        first = (published.month - 1) // 3 * 3
        year, month = _add_months(date(published.year, first + 1, 1), 3 * shift)
        return Period(date(year, month, 1), _month_span(*_add_months(date(year, month, 1), 2))[1])
    year = published.year + shift
    return Period(date(year, 1, 1), date(year, 12, 31))


def _dated(year: int | None, months: frozenset[int] | None, day: int | None) -> Period:
    if year is None:
        return Period(months=months, day=day)
    if months is None:
        return Period(date(year, 1, 1), date(year, 12, 31))
    lo, hi = _month_span(year, min(months))[0], _month_span(year, max(months))[1]
    if day is not None and len(months) == 1:
        try:
            lo = hi = date(year, min(months), day)
        except ValueError:
            return Period(year=year, months=months, day=day)
    return Period(lo, hi)


def _year(tokens: list[Token], i: int) -> int | None:
    if i >= len(tokens) or tokens[i].kind != "num" or len(tokens[i].orig) != 4:
        return None
    value = int(tokens[i].low) if tokens[i].low.isdigit() else 0
    if not 1900 <= value <= 2100:
        return None
    if i > 0 and tokens[i - 1].kind == "sym":
        return None
    if i + 1 < len(tokens) and tokens[i + 1].low in NOT_YEAR_AFTER:
        return None
    return value


def _day(tokens: list[Token], i: int) -> int | None:
    if 0 <= i < len(tokens) and tokens[i].kind == "num" and tokens[i].low.isdigit():
        value = int(tokens[i].low)
        if 1 <= value <= 31 and len(tokens[i].orig) <= 2:
            return value
    return None


def _is_month(tokens: list[Token], i: int) -> bool:
    token = tokens[i]
    if token.low not in MONTHS or not token.orig[:1].isupper():
        return False
    if len(token.low) <= 4 and token.low not in ("may", "june", "july", "sept"):
        # abbreviations only next to a day or a year: "Jan 3", "Sept 2025"
        return _day(tokens, i + 1) is not None or _year(tokens, i + 1) is not None
    if token.low == "may" or token.low == "march":
        before = tokens[i - 1].low if i else ""
        return (
            before in MONTH_CONTEXT
            or _day(tokens, i + 1) is not None
            or _year(tokens, i + 1) is not None
            or _day(tokens, i - 1) is not None
        )
    return True


def extract(tokens: list[Token], published: date | None) -> tuple[list[Period], set[int]]:
    """The periods of a tokenized sentence and the token indices they took."""
    if published is not None and not EARLIEST <= published <= LATEST:
        published = None  # too near the calendar's ends to count days from
    found: list[Period] = []
    took: set[int] = set()
    n = len(tokens)
    lows = [token.low for token in tokens]
    # "will publish on Thursday": a bare weekday in a sentence about the future is the next one
    future = (
        "will" in lows
        or "shall" in lows
        or any(lows[k] in ("set", "due") and lows[k + 1] == "to" for k in range(n - 1))
    )
    i = 0
    while i < n:
        low = tokens[i].low
        if low not in TRIGGERS and tokens[i].kind != "num":
            i += 1
            continue
        nxt = tokens[i + 1].low if i + 1 < n else ""
        if low in RELATIVE_DAYS:
            found.append(_relative("day", RELATIVE_DAYS[low], published))
            took.add(i)
            i += 1
            continue
        if low in ("earlier", "later") and nxt == "this":  # "earlier this month"
            took.add(i)
            i += 1
            continue
        if low in SHIFTS and nxt in UNITS and nxt not in ("days", "weeks", "months", "years"):
            found.append(_relative(UNITS[nxt], SHIFTS[low], published))
            took.update((i, i + 1))
            i += 2
            continue
        if low in SHIFTS and nxt in WEEKDAYS and i + 1 < n and tokens[i + 1].orig[0].isupper():
            weekday = WEEKDAYS[nxt]
            if published is None:
                found.append(Period(weekday=weekday))
            else:
                back = (published.weekday() - weekday) % 7
                if SHIFTS[low] < 0:
                    day = published - timedelta(days=back or 7)
                elif SHIFTS[low] > 0:
                    day = published + timedelta(days=(weekday - published.weekday()) % 7 or 7)
                else:
                    day = published - timedelta(days=back)
                found.append(Period(day, day))
            took.update((i, i + 1))
            i += 2
            continue
        # "two years ago", "a month ago"
        if (
            (low in NUMBER_WORDS or tokens[i].kind == "num")
            and nxt in UNITS
            and i + 2 < n
            and (tokens[i + 2].low == "ago")
        ):
            count = NUMBER_WORDS.get(low) or (int(low) if low.isdigit() else 0)
            day = (
                _same_day_before(published, UNITS[nxt], count)
                if count and published and i + 3 < n and tokens[i + 3].low == "today"
                else None
            )
            if day is not None:  # "a year ago today": that very day
                found.append(Period(day, day))
                took.update((i, i + 1, i + 2, i + 3))
                i += 4
                continue
            if count:
                found.append(_relative(UNITS[nxt], -count, published))
                took.update((i, i + 1, i + 2))
                i += 3
                continue
        # "the first quarter (of 2025)", "Q3 2024", "the second half of the year"
        quarter = None
        if low in QUARTERS and nxt in ("quarter", "half"):
            quarter = (QUARTERS[low], nxt)
        elif low == "q" and i + 1 < n and nxt in ("1", "2", "3", "4"):
            quarter = (int(nxt), "quarter")
        if quarter is not None and not (quarter[1] == "half" and quarter[0] > 2):
            number, part = quarter
            size = 3 if part == "quarter" else 6
            months = frozenset(range((number - 1) * size + 1, number * size + 1))
            j = i + 2
            if j + 1 < n and tokens[j].low == "of" and tokens[j + 1].low != "the":
                j += 1
            year = _year(tokens, j)
            if (
                year is None
                and published is not None
                and j + 2 < n
                and (
                    tokens[j].low,
                    tokens[j + 1].low,
                    tokens[j + 2].low,
                )
                == ("of", "the", "year")
            ):
                year, j = published.year, j + 2
            found.append(_dated(year, months, None))
            took.update(range(i, j + (1 if year is not None else 0)))
            i = j + (1 if year is not None else 0)
            continue
        if low in SEASONS and (i == 0 or lows[i - 1] in MONTH_CONTEXT or lows[i - 1] == "the"):
            year = _year(tokens, i + 1)
            months = SEASONS[low]
            if year is None and i and lows[i - 1] in SHIFTS and published is not None:
                year = published.year + SHIFTS[lows[i - 1]]
            found.append(Period(year=year, months=months))
            took.update(range(i, i + (2 if _year(tokens, i + 1) else 1)))
            i += 2 if _year(tokens, i + 1) else 1
            continue
        if _is_month(tokens, i):
            month = MONTHS[low]
            start, j = i, i + 1
            day = None
            k = i - 1  # "3 March", "3rd March", "3rd of March" ("rd" is a word of its own)
            if k >= 0 and tokens[k].low == "of":
                k -= 1
            if k >= 0 and tokens[k].low in ("st", "nd", "rd", "th"):
                k -= 1
            if _day(tokens, k) is not None and k not in took and (k == i - 1 or k < i - 1):
                day, start = _day(tokens, k), k
            elif _day(tokens, j) is not None and _year(tokens, j) is None:  # "March 3"
                day, j = _day(tokens, j), j + 1
            if j < n and tokens[j].low in ("st", "nd", "rd", "th"):
                j += 1
            if j < n and tokens[j].low == "of" and _year(tokens, j + 1) is not None:
                j += 1
            year = _year(tokens, j)
            if year is not None:
                j += 1
            elif published is not None and start == i and i and lows[i - 1] in MONTH_SHIFTS:
                # "this April", "last April", "next April" from the publication day
                year = published.year + MONTH_SHIFTS[lows[i - 1]](month, published.month)
                start = i - 1
            found.append(_dated(year, frozenset({month}), day))
            took.update(range(start, j))
            i = j
            continue
        if low in WEEKDAYS and tokens[i].orig[0].isupper() and len(low) > 3:
            weekday = WEEKDAYS[low]
            if published is None:
                found.append(Period(weekday=weekday))
            else:
                if future:
                    day = published + timedelta(days=(weekday - published.weekday()) % 7)
                else:
                    day = published - timedelta(days=(published.weekday() - weekday) % 7)
                found.append(Period(day, day))
            took.add(i)
            i += 1
            continue
        year = _year(tokens, i)
        if year is not None:
            if nxt == "s":  # "the 1990s"
                found.append(Period(date(year, 1, 1), date(year + 9, 12, 31)))
                took.update((i, i + 1))
                i += 2
                continue
            found.append(Period(date(year, 1, 1), date(year, 12, 31)))
            took.add(i)
        i += 1
    return found, took


def _fields(period: Period) -> tuple:
    """(years, months, days, weekdays) as sets, None where the period says nothing."""
    if period.lo is None or period.hi is None:
        return (
            None if period.year is None else {period.year},
            period.months,
            None if period.day is None else {period.day},
            None if period.weekday is None else {period.weekday},
        )
    span = (period.hi - period.lo).days
    years = set(range(period.lo.year, period.hi.year + 1))
    months = None
    if span < 366:
        months = {period.lo.month}
        year, month = period.lo.year, period.lo.month
        while (year, month) < (period.hi.year, period.hi.month):
            year, month = _add_months(date(year, month, 1), 1)
            months.add(month)
    days = weekdays = None
    if span < 31:
        every = [period.lo + timedelta(days=k) for k in range(span + 1)]
        days = {d.day for d in every}
        weekdays = {d.weekday() for d in every} if span < 6 else None
    return years, months, days, weekdays


def compatible(a: Period, b: Period) -> bool:
    """Whether two periods can be the same time."""
    if a.relative or b.relative:
        if a.relative and b.relative:
            return a.relative == b.relative or a.relative[0] != b.relative[0]
        return True
    if a.lo and a.hi and b.lo and b.hi:
        return a.lo <= b.hi and b.lo <= a.hi
    for mine, theirs in zip(_fields(a), _fields(b), strict=True):
        if mine is not None and theirs is not None and not set(mine) & set(theirs):
            return False
    return True


def _span(period: Period) -> int:
    """About how many days a period covers: what "as specific" compares."""
    if period.lo and period.hi:
        return (period.hi - period.lo).days
    if period.day is not None or period.weekday is not None:
        return 0
    if period.months is not None:
        return 31 * len(period.months)
    return 366


def _unmatched(a: list[Period], b: list[Period]) -> list[Period]:
    """The periods of `a` that fit no period of `b` as specific as they are (or, when `b` has
    none so specific, no period of `b` at all): "on Wednesday" is not "on Tuesday" even when
    both sentences also say "July"."""
    unmatched = []
    for p in a:
        span = _span(p)
        closer = [q for q in b if _span(q) <= span] or b
        if not any(compatible(p, q) for q in closer):
            unmatched.append(p)
    return unmatched


def differences(a: list[Period], b: list[Period]) -> tuple[list[Period], list[Period]]:
    """The periods of `a` that fit none of `b`, and those of `b` that fit none of `a`
    (each against the other side's periods as specific as it, where there are any)."""
    return _unmatched(a, b), _unmatched(b, a)
