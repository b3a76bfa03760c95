"""Sentence segmentation: hard cases, offsets, paragraphs, boilerplate and a whole article.

No Django and no database: `annotations.segmentation` is plain Python. `CASES` is also the table
that `benchmarks/segmentation_accuracy.py` scores pysbd and our segmenter on, so every expected
value is what a careful human editor would cut, not what either program does.
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from annotations.segmentation import (
    BOILERPLATE,
    CLAIM,
    Segment,
    _pysbd_cuts,
    is_boilerplate,
    segment,
)

NBSP = "\u00a0"
THIN = "\u2009"
# Invisible but not whitespace to Python; scraped text has them and no sentence starts with one.
INVISIBLE = "\u200b\u2060\ufeff"

# (id, body, the sentences a careful editor would cut, in order). Paragraph breaks are in the
# bodies; the expected sentences of all paragraphs are listed one after the other.
CASES: list[tuple[str, str, list[str]]] = [
    # --- titles and other abbreviations -------------------------------------------------
    (
        "mr-mrs",
        "Mr. Okafor and Mrs. Lindqvist signed the lease on Tuesday. Neither would comment.",
        ["Mr. Okafor and Mrs. Lindqvist signed the lease on Tuesday.", "Neither would comment."],
    ),
    (
        "dr-before-name",
        "The hospital said Dr. Amara Osei operated for nine hours. She is recovering.",
        ["The hospital said Dr. Amara Osei operated for nine hours.", "She is recovering."],
    ),
    (
        "dr-ends-sentence",
        "The man who treated him was never a Dr. He was a nurse without a licence.",
        ["The man who treated him was never a Dr.", "He was a nurse without a licence."],
    ),
    (
        "lt-col-capt",
        "Lt. Col. Marsh said the drone was shot down. Capt. Diaz confirmed it.",
        ["Lt. Col. Marsh said the drone was shot down.", "Capt. Diaz confirmed it."],
    ),
    (
        "gen-gov",
        "Gen. Halvorsen told reporters the brigade had withdrawn. Gov. Ruiz disagreed.",
        ["Gen. Halvorsen told reporters the brigade had withdrawn.", "Gov. Ruiz disagreed."],
    ),
    (
        "sen-rep-jan-date",
        "Sen. Whitfield and Rep. Castellano introduced the bill on Jan. 14, 2023.",
        ["Sen. Whitfield and Rep. Castellano introduced the bill on Jan. 14, 2023."],
    ),
    (
        "jan-ends-sentence",
        "The contract runs out in Jan. The union wants a new deal before then.",
        ["The contract runs out in Jan.", "The union wants a new deal before then."],
    ),
    (
        "sept-oct-dates",
        "The ceasefire began on Sept. 3 and collapsed on Oct. 1. Talks resumed later.",
        ["The ceasefire began on Sept. 3 and collapsed on Oct. 1.", "Talks resumed later."],
    ),
    (
        "us-adjective",
        "The U.S. Treasury sold $40 billion of bonds. Demand was weak.",
        ["The U.S. Treasury sold $40 billion of bonds.", "Demand was weak."],
    ),
    (
        "us-ends-sentence",
        "The talks will resume in the U.S. They were paused in March.",
        ["The talks will resume in the U.S.", "They were paused in March."],
    ),
    (
        "us-before-title",
        "Officials met U.S. President Joe Biden in Warsaw. The talks lasted two hours.",
        ["Officials met U.S. President Joe Biden in Warsaw.", "The talks lasted two hours."],
    ),
    (
        "uk-mid-sentence",
        "Inflation in the U.K. rose to 4.2% in May, the highest rate in western Europe.",
        ["Inflation in the U.K. rose to 4.2% in May, the highest rate in western Europe."],
    ),
    (
        "un-ends-sentence",
        "The resolution was drafted by the U.N. It passed without a vote.",
        ["The resolution was drafted by the U.N.", "It passed without a vote."],
    ),
    (
        "un-before-lowercase",
        "Diplomats at the U.N. said the vote would be delayed by a week.",
        ["Diplomats at the U.N. said the vote would be delayed by a week."],
    ),
    (
        "am-ends-sentence",
        "The ferry leaves at 6:30 a.m. Passengers must check in an hour early.",
        ["The ferry leaves at 6:30 a.m.", "Passengers must check in an hour early."],
    ),
    (
        "am-before-weekday",
        "The blast happened at 4 a.m. Sunday, according to the fire service.",
        ["The blast happened at 4 a.m. Sunday, according to the fire service."],
    ),
    (
        "am-before-time-zone",
        "The launch is set for 10 a.m. ET. It will be streamed live.",
        ["The launch is set for 10 a.m. ET.", "It will be streamed live."],
    ),
    (
        "pm-before-lowercase",
        "Voting ended at 10 p.m. and counting began at once. Turnout was 61%.",
        ["Voting ended at 10 p.m. and counting began at once.", "Turnout was 61%."],
    ),
    (
        "pm-ends-line",
        "A curfew will run from 9 p.m.",
        ["A curfew will run from 9 p.m."],
    ),
    (
        "st-street-ends-sentence",
        "The fire started in a bakery on Elm St. Firefighters arrived within minutes.",
        ["The fire started in a bakery on Elm St.", "Firefighters arrived within minutes."],
    ),
    (
        "st-saint",
        "The squad flew to St. Petersburg on Friday. It lost 3-1 the next day.",
        ["The squad flew to St. Petersburg on Friday.", "It lost 3-1 the next day."],
    ),
    (
        "st-saint-after-capitalised-word",
        "The St. Louis Cardinals won again. In St. Louis, fans celebrated.",
        ["The St. Louis Cardinals won again.", "In St. Louis, fans celebrated."],
    ),
    (
        "mt-ft",
        "They climbed Mt. Kenya in May. Ft. Lauderdale was next.",
        ["They climbed Mt. Kenya in May.", "Ft. Lauderdale was next."],
    ),
    (
        "eg-ie",
        "Staples, e.g. rice and flour, cost double, i.e. in a single year. Bread rose 30%.",
        [
            "Staples, e.g. rice and flour, cost double, i.e. in a single year.",
            "Bread rose 30%.",
        ],
    ),
    (
        "vs-case-name",
        "The case, Harlow vs. Brenton Ltd, returns to court in April. Both sides will appear.",
        [
            "The case, Harlow vs. Brenton Ltd, returns to court in April.",
            "Both sides will appear.",
        ],
    ),
    (
        "no-number",
        "The song reached No. 3 in the charts. It stayed there for a month.",
        ["The song reached No. 3 in the charts.", "It stayed there for a month."],
    ),
    (
        "approx-before-number",
        "The parcel weighs approx. 3 kg. Postage costs €40.",
        ["The parcel weighs approx. 3 kg.", "Postage costs €40."],
    ),
    (
        "inc-in-name",
        "Shares in Norvale Inc. fell 8% after the report. The company declined to comment.",
        ["Shares in Norvale Inc. fell 8% after the report.", "The company declined to comment."],
    ),
    (
        "inc-ends-sentence",
        "The vaccine is made by Norvale Inc. It is sold in 40 countries.",
        ["The vaccine is made by Norvale Inc.", "It is sold in 40 countries."],
    ),
    (
        "etc-ends-sentence",
        "Stalls sold fruit, bread, fish, etc. The market closes at noon.",
        ["Stalls sold fruit, bread, fish, etc.", "The market closes at noon."],
    ),
    (
        "phd",
        "She earned a Ph.D. in chemistry in 2009 and joined the agency in 2015.",
        ["She earned a Ph.D. in chemistry in 2009 and joined the agency in 2015."],
    ),
    # --- initials -------------------------------------------------------------------------
    (
        "initials-three",
        "A first edition signed by J. R. R. Tolkien sold for £43,000. The buyer is unknown.",
        [
            "A first edition signed by J. R. R. Tolkien sold for £43,000.",
            "The buyer is unknown.",
        ],
    ),
    (
        "middle-initial",
        "Former president George W. Bush attended the funeral in Texas.",
        ["Former president George W. Bush attended the funeral in Texas."],
    ),
    (
        "initials-after-lowercase",
        "The report, written by A. K. Mensah, was published on Monday.",
        ["The report, written by A. K. Mensah, was published on Monday."],
    ),
    (
        "letter-ends-sentence",
        "Officials called the fallback plan B. Nobody expected it to work.",
        ["Officials called the fallback plan B.", "Nobody expected it to work."],
    ),
    # --- numbers --------------------------------------------------------------------------
    (
        "decimal-money",
        "The bridge will cost $3.5 billion. Work begins in 2026.",
        ["The bridge will cost $3.5 billion.", "Work begins in 2026."],
    ),
    (
        "percentages",
        "Unemployment fell to 3.9% in June. Economists had expected 4.1%.",
        ["Unemployment fell to 3.9% in June.", "Economists had expected 4.1%."],
    ),
    (
        "pounds-euros",
        "Fares rose from £4.50 to €6.20 overnight. Commuters protested outside the depot.",
        ["Fares rose from £4.50 to €6.20 overnight.", "Commuters protested outside the depot."],
    ),
    (
        "per-cent-decimals",
        "Growth was 0.3 per cent in the third quarter and 1.2 per cent over the year.",
        ["Growth was 0.3 per cent in the third quarter and 1.2 per cent over the year."],
    ),
    (
        "year-ends-sentence",
        "The firm was founded in 1998. It now employs 300 people.",
        ["The firm was founded in 1998.", "It now employs 300 people."],
    ),
    # --- ellipses -------------------------------------------------------------------------
    (
        "ellipsis-then-capital",
        "The minister hesitated... Then she resigned.",
        ["The minister hesitated...", "Then she resigned."],
    ),
    (
        "ellipsis-then-lowercase",
        "He said the plan was... unusual, and walked out.",
        ["He said the plan was... unusual, and walked out."],
    ),
    (
        "unicode-ellipsis",
        "Negotiations dragged on… Eventually both sides walked out.",
        ["Negotiations dragged on…", "Eventually both sides walked out."],
    ),
    (
        "spaced-ellipsis",
        "The convoy crawled forward . . . Then it stopped for three days.",
        ["The convoy crawled forward . . .", "Then it stopped for three days."],
    ),
    # --- quotations -----------------------------------------------------------------------
    (
        "straight-double-multi",
        '"The bridge is safe. We inspected it last week," the engineer said.',
        ['"The bridge is safe.', 'We inspected it last week," the engineer said.'],
    ),
    (
        "curly-double-three",
        "“Prices will fall. Wages will rise. Trust us,” the minister said.",
        ["“Prices will fall.", "Wages will rise.", "Trust us,” the minister said."],
    ),
    (
        "curly-single-multi",
        "‘We were never told. Nobody called us,’ said one resident.",
        ["‘We were never told.", "Nobody called us,’ said one resident."],
    ),
    (
        "straight-single-multi",
        "'It is over. Go home,' an officer shouted through a megaphone.",
        ["'It is over.", "Go home,' an officer shouted through a megaphone."],
    ),
    (
        "quote-then-sentence",
        '"We will stay," he said. "Nobody can move us."',
        ['"We will stay," he said.', '"Nobody can move us."'],
    ),
    (
        "question-lowercase-attribution",
        '"Where has the money gone?" she asked.',
        ['"Where has the money gone?" she asked.'],
    ),
    (
        "exclamation-lowercase-attribution",
        "“Get out now!” a firefighter yelled. The roof fell in seconds later.",
        ["“Get out now!” a firefighter yelled.", "The roof fell in seconds later."],
    ),
    (
        "question-named-attribution",
        '"Who authorised this?" Mr. Dube asked.',
        ['"Who authorised this?" Mr. Dube asked.'],
    ),
    (
        "question-then-new-sentence",
        "‘Is the water safe?’ The answer came a week later.",
        ["‘Is the water safe?’", "The answer came a week later."],
    ),
    (
        "question-then-capitalised-pronoun",
        'She asked, "Is it true?" Nobody answered.',
        ['She asked, "Is it true?"', "Nobody answered."],
    ),
    (
        "quote-after-colon",
        'Prime Minister Kaja Tamm said: "We will not bend. Estonia stands with Ukraine."',
        ['Prime Minister Kaja Tamm said: "We will not bend.', 'Estonia stands with Ukraine."'],
    ),
    (
        "no-as-a-word-in-quote",
        '"No. We will not pay," the mayor said.',
        ['"No.', 'We will not pay," the mayor said.'],
    ),
    (
        "full-stop-inside-closing-quote",
        'He called the talks "over." Markets fell within the hour.',
        ['He called the talks "over."', "Markets fell within the hour."],
    ),
    (
        "quote-in-mid-sentence",
        "Asked “why now?” the minister shrugged and left the room.",
        ["Asked “why now?” the minister shrugged and left the room."],
    ),
    # --- URLs and e-mail ------------------------------------------------------------------
    (
        "url-with-dots",
        "Full results are at www.electoral-board.org/results.2024 and are updated hourly.",
        ["Full results are at www.electoral-board.org/results.2024 and are updated hourly."],
    ),
    (
        "url-ends-sentence",
        "The report is at https://example.org/report.pdf. Comments close on Friday.",
        ["The report is at https://example.org/report.pdf.", "Comments close on Friday."],
    ),
    (
        "email",
        "Tips can be sent to news.desk@example.co.uk. All messages are confidential.",
        ["Tips can be sent to news.desk@example.co.uk.", "All messages are confidential."],
    ),
    # --- lines without a final full stop, lists -------------------------------------------
    (
        "no-final-stop",
        "Ukraine latest: troops advance near Kharkiv",
        ["Ukraine latest: troops advance near Kharkiv"],
    ),
    (
        "heading-then-paragraph",
        "Markets rally as rates fall\nThe index rose 2% on Friday. Bonds were flat",
        ["Markets rally as rates fall", "The index rose 2% on Friday.", "Bonds were flat"],
    ),
    (
        "numbered-list",
        "1. Close the schools\n2. Ban large gatherings\n3. Open testing centres",
        ["1. Close the schools", "2. Ban large gatherings", "3. Open testing centres"],
    ),
    (
        "numbered-list-with-sentences",
        "1. Schools close. Exams are postponed.\n2. Shops stay open.",
        ["1. Schools close.", "Exams are postponed.", "2. Shops stay open."],
    ),
    (
        "bulleted-list",
        "• Fuel prices up 12%\n• Rents up 6%. Wages flat.",
        ["• Fuel prices up 12%", "• Rents up 6%.", "Wages flat."],
    ),
    (
        "dashed-list",
        "- The border was closed.\n- Flights were cancelled.",
        ["- The border was closed.", "- Flights were cancelled."],
    ),
    (
        "numbered-items-inside-a-line",
        "The plan has two parts. 1. Cut taxes. 2. Raise wages.",
        ["The plan has two parts.", "1. Cut taxes.", "2. Raise wages."],
    ),
    (
        "enumeration-inside-a-sentence",
        "The plan covers 1) taxes, 2) wages and 3) rents. It was approved.",
        ["The plan covers 1) taxes, 2) wages and 3) rents.", "It was approved."],
    ),
    # --- whitespace and line endings ------------------------------------------------------
    (
        "non-breaking-spaces",
        f"The fine was €2{NBSP}million.{NBSP}The company will appeal.",
        [f"The fine was €2{NBSP}million.", "The company will appeal."],
    ),
    (
        "nbsp-around-line",
        f"{NBSP}{NBSP}The port reopened on Monday.{NBSP}",
        ["The port reopened on Monday."],
    ),
    (
        "thin-space-thousands",
        f"About 40{THIN}000 people marched.{THIN}Police gave a lower figure.",
        [f"About 40{THIN}000 people marched.", "Police gave a lower figure."],
    ),
    (
        "windows-line-endings",
        "The first paragraph ends here.\r\nThe second has two. Like this.\r\n",
        ["The first paragraph ends here.", "The second has two.", "Like this."],
    ),
    (
        "old-mac-line-endings",
        "The vote passed.\rThe session ended without a statement",
        ["The vote passed.", "The session ended without a statement"],
    ),
    (
        "tabs",
        "\tThe committee met.\tIt adjourned at noon.\t",
        ["The committee met.", "It adjourned at noon."],
    ),
    (
        "multiple-spaces",
        "The roads  were closed.    Schools   stayed open.",
        ["The roads  were closed.", "Schools   stayed open."],
    ),
    (
        "empty-lines",
        "\n\nThe first line.\n\n\n   \n\t\nThe second line.\n\n",
        ["The first line.", "The second line."],
    ),
    # --- unicode --------------------------------------------------------------------------
    (
        "accents",
        "Le Pen’s party lost in Besançon. Mélenchon’s allies won seats in Créteil.",
        ["Le Pen’s party lost in Besançon.", "Mélenchon’s allies won seats in Créteil."],
    ),
    (
        "em-dashes",
        "The deal — signed at 3 a.m. — ends a decade of talks. Both sides claimed victory.",
        ["The deal — signed at 3 a.m. — ends a decade of talks.", "Both sides claimed victory."],
    ),
    (
        "cyrillic",
        "Officials in Чернігів confirmed the report. More details are expected.",
        ["Officials in Чернігів confirmed the report.", "More details are expected."],
    ),
    (
        "accented-capital-start",
        "The prize went to a poet from Lyon. Élodie Marchand accepted it.",
        ["The prize went to a poet from Lyon.", "Élodie Marchand accepted it."],
    ),
    (
        "councillor-title",
        "Opposition leader Cllr. Dominic Reyes disputed the figure. The council did not reply.",
        [
            "Opposition leader Cllr. Dominic Reyes disputed the figure.",
            "The council did not reply.",
        ],
    ),
    # --- other punctuation ----------------------------------------------------------------
    (
        "question-mid-paragraph",
        "Why did the ministry wait? Officials have not said.",
        ["Why did the ministry wait?", "Officials have not said."],
    ),
    (
        "exclamation-mid-paragraph",
        "The crowd chanted for hours! Police stood by.",
        ["The crowd chanted for hours!", "Police stood by."],
    ),
    (
        "bracketed-sentence",
        "The figure was revised. (An earlier version said 40.) It is now 35.",
        ["The figure was revised.", "(An earlier version said 40.)", "It is now 35."],
    ),
]


def _assert_well_formed(body: str, segments: list[Segment]) -> None:
    """The invariants every caller relies on (offsets point into the unaltered body)."""
    previous_end = 0
    covered = [False] * len(body)
    for position, s in enumerate(segments):
        assert s.index == position
        assert 0 <= s.start < s.end <= len(body)
        assert body[s.start : s.end] == s.text
        assert s.text == s.text.strip() == s.text.strip(INVISIBLE)
        assert s.start >= previous_end, "segments overlap or are out of order"
        assert "\n" not in s.text and "\r" not in s.text
        assert s.kind in (CLAIM, BOILERPLATE)
        previous_end = s.end
        for i in range(s.start, s.end):
            covered[i] = True
    lost = [
        ch
        for ch, seen in zip(body, covered, strict=True)
        if not seen and not ch.isspace() and ch not in INVISIBLE
    ]
    assert not lost, f"characters outside every segment: {lost!r}"


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hard_case_is_split_as_an_editor_would(body: str, expected: list[str]) -> None:
    assert [s.text for s in segment(body)] == expected


@pytest.mark.parametrize("body", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_offsets_round_trip_and_cover_every_visible_character(body: str) -> None:
    _assert_well_formed(body, segment(body))


@pytest.mark.parametrize(
    "body",
    [
        "",
        " ",
        "\n\r\n\r",
        f"{NBSP}\t{THIN}\u3000",
        ".",
        "'",
        "* * *",
        "?!",
        "…",
        "\ufeffThe file starts with a byte-order mark. It is not part of a sentence.",
        "Zero\u200bwidth spaces stay inside.\u200b Between sentences too.",
        "A. B. C. D.",
        "U.S. U.K. U.N.",
        "Mr. Mrs. Dr.",
        "\"\" '' “” ‘’",
        "word" * 500 + ". " + "Another sentence.",
        "Ends with an abbreviation, e.g.",
        "1.",
        "• ",
        "— He left. — She stayed.",
    ],
)
def test_offsets_round_trip_on_degenerate_input(body: str) -> None:
    _assert_well_formed(body, segment(body))


def test_blank_input_gives_no_segments() -> None:
    assert segment("") == []
    assert segment(" \n\t\r\n" + NBSP + THIN) == []


def test_byte_order_mark_and_zero_width_space_are_not_part_of_a_sentence() -> None:
    body = "\ufeffFirst sentence.\u200b Second sentence.\u200b"
    assert [s.text for s in segment(body)] == ["First sentence.", "Second sentence."]


# --- paragraphs ---------------------------------------------------------------------------


def test_every_non_blank_line_is_a_paragraph_numbered_densely() -> None:
    body = (
        "Title line\n"
        "\n"
        "First paragraph. It has two sentences.\r\n"
        "   \r\n"
        "Second paragraph.\r"
        "Third paragraph, old Mac line ending.\n\n\n"
        f"{NBSP}\n"
        "Fourth. Last."
    )
    segments = segment(body)
    assert [(s.paragraph, s.text) for s in segments] == [
        (0, "Title line"),
        (1, "First paragraph."),
        (1, "It has two sentences."),
        (2, "Second paragraph."),
        (3, "Third paragraph, old Mac line ending."),
        (4, "Fourth."),
        (4, "Last."),
    ]
    assert [s.index for s in segments] == list(range(7))
    _assert_well_formed(body, segments)


def test_no_sentence_spans_a_line_break_even_without_a_full_stop() -> None:
    body = "Troops advanced on the city\nresidents fled west"
    assert [(s.paragraph, s.text) for s in segment(body)] == [
        (0, "Troops advanced on the city"),
        (1, "residents fled west"),
    ]


def test_offsets_are_into_the_whole_body() -> None:
    body = "One.\r\n\r\n  Two words.  \nThree"
    segments = segment(body)
    assert [(s.start, s.end) for s in segments] == [(0, 4), (10, 20), (23, 28)]


def test_unknown_language_falls_back_to_english() -> None:
    body = "Dr. Osei arrived at 9 a.m. The meeting began."
    expected = [s.text for s in segment(body)]
    assert expected == ["Dr. Osei arrived at 9 a.m.", "The meeting began."]
    for language in ("xx", "", "EN", "en-GB", "en_US", "tlh"):
        assert [s.text for s in segment(body, language=language)] == expected


def test_mapping_tolerates_a_segmenter_that_changes_spacing() -> None:
    """pysbd may normalise whitespace or drop trailing characters; offsets must stay exact."""

    class Collapsing:
        """Stands in for pysbd.Segmenter: its sentences have their whitespace collapsed."""

        def __init__(self, pieces: list[str]):
            self.pieces = pieces

        def processor(self, text: str) -> "Collapsing":
            return self

        def process(self) -> list[str]:
            return self.pieces

    line = f"One{NBSP} two\t\tthree.   Four five six.  Seven."
    pieces = ["One two three.", "Four five six.", "Seven."]
    cuts = _pysbd_cuts(Collapsing(pieces), line)
    assert cuts == [line.index("three.") + 6, line.index("six.") + 4]


def test_threads_do_not_mix_up_articles() -> None:
    bodies = [c[1] for c in CASES]
    alone = [[s.text for s in segment(body)] for body in bodies]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda body: [s.text for s in segment(body)], bodies * 4))
    assert together == alone * 4


@pytest.mark.parametrize(
    ("language", "body", "expected"),
    [
        (
            "de",
            "Der Vertrag wurde z. B. in Kiew unterzeichnet. Die Opposition protestierte.",
            ["Der Vertrag wurde z. B. in Kiew unterzeichnet.", "Die Opposition protestierte."],
        ),
        (
            "fr",
            "M. Dupont a quitté Paris à 8 h. Il est arrivé à Lyon.",
            ["M. Dupont a quitté Paris à 8 h.", "Il est arrivé à Lyon."],
        ),
        (
            "es",
            "La Sra. Gómez se abstuvo. ¿Por qué? Nadie lo sabe.",
            ["La Sra. Gómez se abstuvo.", "¿Por qué?", "Nadie lo sabe."],
        ),
        ("zh", "北京今天下雨。明天会晴。", ["北京今天下雨。", "明天会晴。"]),
    ],
)
def test_other_pysbd_languages(language: str, body: str, expected: list[str]) -> None:
    segments = segment(body, language=language)
    assert [s.text for s in segments] == expected
    _assert_well_formed(body, segments)


# --- boilerplate --------------------------------------------------------------------------

BOILERPLATE_LINES = [
    "Advert",
    "Advertisement",
    "ADVERTISEMENT",
    "Advertisement - scroll to continue reading",
    "Read more",
    "Read more: Ukraine latest",
    "READ MORE: Why the border matters",
    "Related: How sanctions work",
    "Related articles",
    "Sign up to our newsletter",
    "Sign up for the morning briefing",
    "Subscribe to our daily newsletter",
    "Subscribe now",
    "Share this article",
    "Share on Facebook",
    "Share via Email",
    "Photo: Jane Doe/Reuters",
    "(Image: Getty Images)",
    "Picture: AP",
    "Credit: Handout",
    "Photograph: Olena Tkachenko for the Guardian",
    "Pictured: Firefighters at the scene on Tuesday",
    "If you would like to donate to the appeal, click here for more information",
    "Click here to read the full report",
    "To support our journalism, click here.",
    "Follow us on Twitter",
    "Follow @newsdesk for updates",
    "Like us on Facebook",
    "© 2022 Example Media. All rights reserved.",
    "Watch: The moment the bridge collapsed",
    "Donate now",
    "Anzeige",
    "Werbung",
]

CLAIM_LINES = [
    "He said he would subscribe to the plan if the unions did.",
    "Officials shared a photo of the site on Tuesday.",
    "Subscribers to the service complained about the price rise.",
    "Share prices fell 4% in early trading.",
    "The share of voters who backed the bill rose.",
    "Related companies were also fined.",
    "Advertisers pulled £2m of spending after the scandal.",
    "The advert was banned by the regulator.",
    "Readers were asked to read more carefully.",
    "The charity said donations had doubled.",
    "Photos from the scene showed burnt-out cars.",
    "Police followed the car for six miles.",
    "The image was taken by a satellite on Monday.",
    "He signed up for the army in 1998.",
    "Anzeigen in der Zeitung kosten mehr als im Vorjahr.",
    "Credit card debt reached a record high.",
    "A picture of the prime minister was widely shared.",
    "Donations to the Red Cross rose after the appeal.",
    "Watchdogs said the data was incomplete.",
    "Register offices will stay closed until May.",
    "Sign language interpreters joined the briefing.",
]


@pytest.mark.parametrize("line", BOILERPLATE_LINES)
def test_page_furniture_is_boilerplate(line: str) -> None:
    assert is_boilerplate(line)
    assert [s.kind for s in segment(line)] == [BOILERPLATE]


@pytest.mark.parametrize("line", CLAIM_LINES)
def test_ordinary_news_sentence_is_a_claim(line: str) -> None:
    assert not is_boilerplate(line)
    assert [s.kind for s in segment(line)] == [CLAIM]


def test_line_starting_with_a_marker_is_one_boilerplate_segment() -> None:
    body = "Troops crossed the border.\nRead more: Ukraine latest. Live updates. Maps"
    segments = segment(body)
    assert [(s.text, s.kind) for s in segments] == [
        ("Troops crossed the border.", CLAIM),
        ("Read more: Ukraine latest. Live updates. Maps", BOILERPLATE),
    ]


def test_boilerplate_sentence_inside_a_claim_paragraph() -> None:
    body = "Aid reached the city on Friday. To donate, click here."
    assert [(s.text, s.kind) for s in segment(body)] == [
        ("Aid reached the city on Friday.", CLAIM),
        ("To donate, click here.", BOILERPLATE),
    ]


# --- a whole article ----------------------------------------------------------------------

SAMPLE = Path(__file__).resolve().parent / "data" / "harbour-flood.txt"


@pytest.fixture
def sample_body() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def test_sample_article_offsets_round_trip(sample_body: str) -> None:
    _assert_well_formed(sample_body, segment(sample_body))


def test_sample_article_adverts_and_donation_call_are_boilerplate(sample_body: str) -> None:
    segments = segment(sample_body)
    adverts = [s for s in segments if s.text == "Advert"]
    assert len(adverts) == sample_body.splitlines().count("Advert") == 3
    assert all(s.kind == BOILERPLATE for s in adverts)
    last = segments[-1]
    assert last.text.startswith("If you would like to donate to the Harbour Relief Fund")
    assert last.text.endswith("click here for more information")
    assert last.kind == BOILERPLATE
    assert [s for s in segments if s.paragraph == last.paragraph] == [last]
    others = [s for s in segments if s not in adverts and s is not last]
    assert all(s.kind == CLAIM for s in others)


def test_sample_article_multi_sentence_quote_is_split(sample_body: str) -> None:
    segments = segment(sample_body)
    (first,) = [s for s in segments if s.text.startswith("'And all this is also")]
    paragraph = [s.text for s in segments if s.paragraph == first.paragraph]
    assert paragraph == [
        "'And all this is also a test for every one of you, neighbours.",
        "You decide who you are.",
        "You decide who to be.",
        "How will you face the people in the next street, how will you face each other, "
        "your neighbours.",
        "We are your neighbours.",
        "We are Marlow Bay.",
        "Be a neighbour, not a bystander.",
        "You are making this choice right today.'",
    ]


def test_sample_article_single_sentence_quote_stays_whole(sample_body: str) -> None:
    segments = segment(sample_body)
    (quote,) = [s for s in segments if s.text.startswith("Speaking to the town")]
    assert quote.text.endswith("our grandparents.'")


def test_sample_article_titles_initials_times_and_prices_do_not_split(sample_body: str) -> None:
    texts = [s.text for s in segment(sample_body)]
    whole = [
        "In a statement posted at 6.30 a.m., the council said that water had entered the harbour "
        "district from the north, and that the reading was confirmed by Ana Petrel, duty officer "
        "for the Coastal Flood Service.",
        "Only hours earlier, the council leader, Mr. T. J. Hollis, was quoted as saying the "
        "town's defences had no weak points, the Harbour Gazette reports, citing a briefing for "
        "residents on Sunday.",
        "On Monday, the council said it was lifting its limit on sandbags, which let each "
        "household collect ten at £2.50 a bag.",
    ]
    assert [t for t in texts if t in whole] == whole
    assert any(t.startswith("Dr. Iris Vane from the Estuary Research Trust said") for t in texts)
