"""Restoring an export: who may, and what is checked or recomputed instead of trusted.

Each refusal leaves every table as it was (articles, sentences, reviews, verdicts, history and
users), and names what is wrong; each hostile value fails its article alone, through the
service that imports many records (the admin's upload) and through the command line.
"""

from __future__ import annotations

import copy
import importlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DataError

from annotations import exports, fields, readers, services
from annotations.models import Article, History, Review, Sentence, Verdict
from tests.factories import UserFactory, article_create
from tests.test_round_trip import empty_database, without_ids, write_jsonl

pytestmark = pytest.mark.django_db

SOURCE = {"url": "https://example.org/m", "title": "Minutes", "quote": "q", "stance": "refutes"}
NEEDS_SUPERUSER = (
    "restoring reviews and verdicts needs a superuser, and {who}; import the articles without "
    "them or ask an admin."
)
NUL = "a\x00b"
SURROGATE = "a\ud800b"
NUL_MESSAGE = fields.NUL_MESSAGE
SURROGATE_MESSAGE = fields.SURROGATE_MESSAGE.format(code="\\ud800")


def export_records() -> list[dict]:
    return [
        json.loads(line)
        for chunk in exports.export_stream("jsonl", exports.ExportParams())
        for line in chunk.decode().splitlines()
    ]


@pytest.fixture
def records(settings, reviewer, reviewer2, editor, superuser) -> list[dict]:
    """An exported article of three sentences, the database then emptied of articles.

    Sentence 0: rita and rob say "false" (with evidence), ed settled the verdict; sentence 1:
    rita says "mixed"; sentence 2: pending. The accounts stay, as on a new server set up first.
    """
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 2
    article = article_create(sentences=3)
    s0, s1, _ = article.sentences.order_by("index")
    for who in (reviewer, reviewer2):
        services.review_save(
            sentence=s0, reviewer=who, label="false", note="Wrong.", evidence=[SOURCE]
        )
    services.verdict_set(sentence=s0, user=editor, label="false", rationale="Both agree.")
    services.review_save(sentence=s1, reviewer=reviewer, label="mixed")
    exported = export_records()
    empty_database()
    return exported


def counts() -> dict[str, int]:
    models = (Article, Sentence, Review, Verdict, History, get_user_model())
    return {model.__name__: model.objects.count() for model in models}


def restore_with(records: list[dict], user) -> services.ImportSummary:
    items = [readers.Record(f"x.jsonl:{n}", data=r) for n, r in enumerate(records, start=1)]
    return services.records_import(records=items, imported_by=user)


def assert_refused(records: list[dict], user, message: str) -> None:
    before = counts()
    summary = restore_with(records, user)
    assert (summary.created, summary.failed) == ([], [f"x.jsonl:1: {message}"])
    assert counts() == before


# --- Who may restore ----------------------------------------------------------------------
def test_an_editor_cannot_restore_reviews_and_verdicts_nor_gets_the_bare_article(records, editor):
    """Creating the article from its body alone would make the superuser's later restore of
    the same export a duplicate, so the editor gets nothing and a message to act on."""
    assert_refused(records, editor, NEEDS_SUPERUSER.format(who="'ed' is not one"))


def test_without_an_importer_reviews_and_verdicts_are_refused(records):
    assert_refused(
        records,
        None,
        NEEDS_SUPERUSER.format(who="no importer was named (on the command line: --user NAME)"),
    )


def test_an_inactive_superuser_cannot_restore(records, superuser):
    superuser.is_active = False
    superuser.save()
    assert_refused(records, superuser, NEEDS_SUPERUSER.format(who="'root' is not one"))


def test_an_editor_restores_an_export_without_reviews_as_articles_with_their_sentences(
    records, editor
):
    for record in records:
        record["reviews"], record["verdict"] = [], None
    records[2]["sentence"]["kind"] = "boilerplate"

    summary = restore_with(records, editor)

    assert summary.failed == []
    article = Article.objects.get()
    assert article.imported_by == editor
    assert list(article.sentences.values_list("index", "kind", "status")) == [
        (0, "claim", "pending"),
        (1, "claim", "pending"),
        (2, "boilerplate", "pending"),
    ]
    assert not History.objects.exists()


def test_a_superuser_restores_everything_and_is_the_actor_in_the_history(records, superuser):
    summary = restore_with(records, superuser)

    assert summary.failed == []
    assert without_ids(export_records()) == without_ids(records)
    assert set(History.objects.values_list("actor", flat=True)) == {superuser.pk}


# --- Accounts -----------------------------------------------------------------------------
def test_an_unknown_reviewer_is_refused_and_no_account_is_created(records, superuser):
    records[0]["reviews"][0]["reviewer"] = "ghost"
    assert_refused(
        records,
        superuser,
        "sentence 0: review by ghost: reviewer 'ghost' does not exist; restoring never creates "
        "accounts: create it first, or remove its work from the file.",
    )


def test_an_unknown_decider_is_refused(records, superuser):
    records[0]["verdict"]["decided_by"] = "ghost"
    assert_refused(
        records,
        superuser,
        "sentence 0: verdict: decided_by 'ghost' does not exist; restoring never creates "
        "accounts: create it first, or remove its work from the file.",
    )


def test_a_review_by_someone_who_may_not_review_is_refused(records, superuser):
    UserFactory(username="visitor")
    records[1]["reviews"][0]["reviewer"] = "visitor"
    assert_refused(
        records,
        superuser,
        "sentence 1: review by visitor: reviewer 'visitor' may not review sentences, so the "
        "review is not theirs.",
    )


def test_a_review_by_an_inactive_account_is_refused(records, superuser, reviewer):
    reviewer.is_active = False
    reviewer.save()
    assert_refused(
        records,
        superuser,
        "sentence 0: review by rita: reviewer 'rita' is an inactive account; reactivate it to "
        "restore its work.",
    )


def test_a_verdict_decided_by_a_reviewer_is_refused(records, superuser):
    records[0]["verdict"]["decided_by"] = "rita"
    assert_refused(
        records,
        superuser,
        "sentence 0: verdict: decided_by 'rita' is not an editor, so the verdict is not theirs; "
        "name an editor or a superuser, or null for a consensus of reviewers.",
    )


def correction(**changes) -> dict:
    return {
        "label_before": "false",
        "label_after": "mixed",
        "note": "We were wrong about the date.",
        "editor": "ed",
        "created_at": "2026-03-05T09:00:00Z",
        **changes,
    }


def test_a_verdicts_correction_log_is_restored(records, superuser, editor):
    records[0]["verdict"]["corrections"] = [correction(), correction(label_before="mixed")]

    summary = restore_with(records, superuser)

    assert summary.failed == []
    verdict = Verdict.objects.get()
    assert [
        (c.label_before.slug, c.label_after.slug, c.note, c.editor, c.created_at.isoformat())
        for c in verdict.corrections.order_by("id")
    ] == [
        ("false", "mixed", "We were wrong about the date.", editor, "2026-03-05T09:00:00+00:00"),
        ("mixed", "mixed", "We were wrong about the date.", editor, "2026-03-05T09:00:00+00:00"),
    ]


def test_a_correction_with_an_unknown_label_is_refused(records, superuser):
    records[0]["verdict"]["corrections"] = [correction(label_after="ghost")]
    before = counts()

    [line] = restore_with(records, superuser).failed

    assert line.startswith(
        "x.jsonl:1: sentence 0: verdict correction: label 'ghost' does not exist; choose one of "
    )
    assert counts() == before


def test_a_correction_by_a_reviewer_is_refused(records, superuser):
    records[0]["verdict"]["corrections"] = [correction(editor="rita")]
    assert_refused(
        records,
        superuser,
        "sentence 0: verdict correction: editor 'rita' is not an editor, so the correction is "
        "not theirs; name an editor or a superuser, or null.",
    )


def test_a_correction_without_its_date_is_refused(records, superuser):
    records[0]["verdict"]["corrections"] = [correction(created_at=None)]
    before = counts()

    [line] = restore_with(records, superuser).failed

    assert line.startswith("x.jsonl:1: sentence 0: verdict: corrections")
    assert "created_at" in line
    assert counts() == before


@pytest.mark.parametrize(("bad", "message"), [(NUL, NUL_MESSAGE), (SURROGATE, SURROGATE_MESSAGE)])
@pytest.mark.parametrize("field", ["label_before", "label_after", "note", "editor"])
def test_nul_and_lone_surrogates_in_a_correction_are_refused(
    records, superuser, field, bad, message
):
    records[0]["verdict"]["corrections"] = [correction(**{field: bad})]
    before = counts()

    [line] = restore_with(records, superuser).failed

    assert line.startswith(f"x.jsonl:1: sentence 0: verdict: corrections[1].{field}: ")
    assert message in line and "\x00" not in line
    line.encode("utf-8")
    assert counts() == before


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_a_correction_date_out_of_range_in_utc_is_refused(records, superuser, value):
    records[0]["verdict"]["corrections"] = [correction(created_at=value)]
    before = counts()

    [line] = restore_with(records, superuser).failed

    assert line.startswith("x.jsonl:1: sentence 0: verdict: corrections[1].created_at")
    assert line.endswith(OUT_OF_RANGE)
    assert counts() == before


def test_a_review_appearing_twice_is_refused(records, superuser):
    records[0]["reviews"][1]["reviewer"] = "rita"
    assert_refused(
        records,
        superuser,
        "sentence 0: review by rita: appears twice; a reviewer has one review of a sentence.",
    )


# --- Order of the text ---------------------------------------------------------------------
def test_swapped_indexes_are_refused(records, superuser):
    """They would show the text out of order in the workspace."""
    records[0]["sentence"]["index"], records[1]["sentence"]["index"] = 1, 0
    assert_refused(
        records,
        superuser,
        "sentence 1: is sentence 0 of the text (it starts at 0); indexes must number the "
        "sentences 0 to 2 in the order of the text.",
    )


def test_indexes_with_a_gap_are_refused(records, superuser):
    records[2]["sentence"]["index"] = 5
    assert_refused(
        records,
        superuser,
        f"sentence 5: is sentence 2 of the text (it starts at {records[2]['sentence']['start']}"
        "); indexes must number the sentences 0 to 2 in the order of the text.",
    )


def test_paragraphs_that_go_back_are_refused(records, superuser):
    records[0]["sentence"]["paragraph"] = 1
    assert_refused(
        records,
        superuser,
        "sentence 1: is in paragraph 0, after sentence 0 in paragraph 1; paragraph numbers may "
        "not decrease along the text.",
    )


def test_overlapping_sentences_are_refused(records, superuser):
    body = records[0]["article"]["body"]
    second = records[1]["sentence"]
    second["start"] -= 2
    second["text"] = body[second["start"] : second["end"]]
    assert_refused(records, superuser, "sentence 1: overlaps the sentence before it.")


# --- Derived state is recomputed ----------------------------------------------------------
def test_a_pending_sentence_with_a_verdict_is_final_and_the_next_agreeing_review_works(
    records, superuser, reviewer2
):
    """Regression: a hand-edited "pending" beside a verdict was stored as such, and the next
    agreeing review reached consensus and created a second verdict: 500 on its constraint."""
    records[1]["sentence"]["status"] = "pending"
    records[1]["verdict"] = {**records[0]["verdict"], "label": "mixed"}

    assert restore_with(records, superuser).failed == []

    sentence = Sentence.objects.get(index=1)
    assert sentence.status == "final"
    services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed")
    assert Verdict.objects.filter(sentence=sentence).count() == 1
    assert Verdict.objects.get(sentence=sentence).needs_attention


def test_a_final_sentence_without_a_verdict_takes_the_status_of_its_reviews(records, superuser):
    records[1]["sentence"]["status"] = "final"
    records[2]["sentence"]["status"] = "disputed"

    restore_with(records, superuser)

    statuses = dict(Sentence.objects.values_list("index", "status"))
    assert statuses == {0: "final", 1: "in_review", 2: "pending"}


def test_the_consensus_flag_follows_who_decided(records, superuser):
    records[0]["verdict"]["is_consensus"] = True  # ed decided it

    restore_with(records, superuser)

    verdict = Verdict.objects.get()
    assert (verdict.decided_by.username, verdict.is_consensus) == ("ed", False)


def test_a_consensus_the_reviews_do_not_support_is_flagged_for_an_editor(records, superuser):
    verdict = records[0]["verdict"]
    verdict.update(decided_by=None, is_consensus=False, needs_attention=False, label="mixed")

    restore_with(records, superuser)

    restored = Verdict.objects.get()
    assert (restored.decided_by, restored.is_consensus, restored.needs_attention) == (
        None,
        True,
        True,
    )


def test_a_review_changed_after_the_verdict_flags_it(records, superuser):
    verdict = records[0]["verdict"]
    verdict["needs_attention"] = False
    records[0]["reviews"][0]["updated_at"] = "2999-01-01T00:00:00Z"

    restore_with(records, superuser)

    assert Verdict.objects.get().needs_attention


# --- Hostile values -----------------------------------------------------------------------
def _set(records: list[dict], path: str, value) -> None:
    """Set `value` at a path such as "0.reviews.1.note" or "0.sentence.index"."""
    *keys, last = path.split(".")
    target = records
    for key in keys:
        target = target[int(key)] if key.isdigit() else target[key]
    target[int(last) if last.isdigit() else last] = value


LIMIT = "Ensure this value is less than or equal to 2147483647."
INTEGERS = [
    ("0.sentence.index", "record 1: index"),
    ("1.sentence.paragraph", "sentence 1: paragraph"),
    ("1.sentence.start", "sentence 1: start"),
    ("1.sentence.end", "sentence 1: end"),
    ("0.reviews.0.version", "sentence 0: review by rita: version"),
    ("0.verdict.version", "sentence 0: verdict: version"),
]


def _integer_message(where: str, value: int) -> str:
    if value >= 0:
        return f"{where}: {LIMIT}"
    if where.endswith(("version", "end")):
        return f"{where}: Ensure this value is greater than or equal to 1."
    return f"{where}: Ensure this value is greater than or equal to 0."


@pytest.mark.parametrize("value", [2**63, 2**70, -1])
@pytest.mark.parametrize(("path", "where"), INTEGERS)
def test_integers_out_of_their_column_are_refused(records, superuser, path, where, value):
    _set(records, path, value)
    assert_refused(records, superuser, _integer_message(where, value))


# (path, where the message says it is)
TEXTS = [
    ("0.reviews.0.note", "sentence 0: review by rita: note"),
    ("0.reviews.0.label", "sentence 0: review by rita: label"),
    ("0.reviews.0.evidence.0.url", "sentence 0: review by rita: evidence[1].url"),
    ("0.reviews.0.evidence.0.title", "sentence 0: review by rita: evidence[1].title"),
    ("0.reviews.0.evidence.0.quote", "sentence 0: review by rita: evidence[1].quote"),
    ("0.reviews.0.reviewer", "sentence 0: review 1: reviewer"),
    ("0.verdict.rationale", "sentence 0: verdict: rationale"),
    ("0.verdict.label", "sentence 0: verdict: label"),
    ("0.verdict.decided_by", "sentence 0: verdict: decided_by"),
    ("1.sentence.text", "sentence 1: text"),
    ("0.article.title", "title"),
    ("0.article.source", "source"),
    ("0.article.body", "body"),
]


@pytest.mark.parametrize(("bad", "message"), [(NUL, NUL_MESSAGE), (SURROGATE, SURROGATE_MESSAGE)])
@pytest.mark.parametrize(("path", "where"), TEXTS)
def test_nul_and_lone_surrogates_are_refused_in_every_text(
    records, superuser, path, where, bad, message
):
    _set(records, path, bad)
    before = counts()

    summary = restore_with(records, superuser)

    [line] = summary.failed
    assert f"x.jsonl:1: {where}: " in line and message in line
    line.encode("utf-8")  # printable and storable: the value itself is never echoed raw
    assert "\x00" not in line
    assert counts() == before


def test_a_kind_with_a_lone_surrogate_is_refused_and_the_message_stays_printable(
    records, superuser
):
    records[1]["sentence"]["kind"] = SURROGATE
    assert_refused(records, superuser, 'sentence 1: kind: "a\\ud800b" is not a valid choice.')


DATES = [
    "0.sentence.updated_at",
    "0.reviews.0.created_at",
    "0.reviews.1.updated_at",
    "0.verdict.created_at",
    "0.verdict.updated_at",
]
OUT_OF_RANGE = "Out of range: a date-time must fall within the years 1 to 9999 in UTC."


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
@pytest.mark.parametrize("path", DATES)
def test_date_times_out_of_range_in_utc_are_refused(records, superuser, path, value):
    """Regression: stored as given, they broke every page that read them back."""
    _set(records, path, value)
    before = counts()

    [line] = restore_with(records, superuser).failed

    assert line.startswith("x.jsonl:1: sentence 0") and line.endswith(OUT_OF_RANGE)
    assert counts() == before


def test_one_bad_article_fails_alone(records, superuser):
    second = copy.deepcopy(records)
    body = second[0]["article"]["body"]
    for record in second:
        record["article"]["id"] += 1
    second[0]["article"]["body"] = body + "\nMore."
    second.append({**copy.deepcopy(second[-1]), "verdict": None, "reviews": []})
    second[-1]["sentence"].update(
        index=3, paragraph=1, start=len(body) + 1, end=len(body) + 6, text="More."
    )
    records[0]["reviews"][0]["note"] = NUL
    items = [readers.Record(f"x.jsonl:{n}", data=r) for n, r in enumerate(records + second, 1)]

    summary = services.records_import(records=items, imported_by=superuser)

    assert len(summary.failed) == 1 and summary.failed[0].startswith("x.jsonl:1: ")
    assert [line.split(" ")[0] for line in summary.created] == ["x.jsonl:4:"]
    assert Article.objects.get().sentences.count() == 4


def test_a_value_the_database_refuses_fails_its_article_with_nothing_written(
    records, superuser, monkeypatch
):
    def refuse(*args, **kwargs):
        raise DataError("value too long")

    # The module, not the function of the same name that annotations.services exports.
    restoring = importlib.import_module("annotations.services.article_restore")
    monkeypatch.setattr(restoring, "tags_attach", refuse)
    before = counts()

    summary = restore_with(records, superuser)

    assert summary.failed == [
        "x.jsonl:1: the database refused it (DataError); nothing of it was stored."
    ]
    assert counts() == before


# --- The command line ----------------------------------------------------------------------
def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"{exc}\n")
    return out.getvalue(), err.getvalue()


def test_command_line_restore_without_user_refuses_reviews(records, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", records)
    before = counts()

    _, err = run(path)

    who = "no importer was named (on the command line: --user NAME)"
    assert err.splitlines()[0].strip() == f"failed {path}:1: " + NEEDS_SUPERUSER.format(who=who)
    assert counts() == before


def test_command_line_restore_by_an_editor_is_refused(records, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", records)
    _, err = run(path, "--user", "ed")
    assert f"failed {path}:1: " + NEEDS_SUPERUSER.format(who="'ed' is not one") in err
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("rita", "user 'rita' may not import articles; name an editor or a superuser"),
        ("ghost", "user 'ghost' does not exist"),
        ("\udcff", "user '\\udcff' is not a valid username"),
    ],
)
def test_command_line_user_must_be_an_importer(records, tmp_path, username, message):
    path = write_jsonl(tmp_path / "a.jsonl", records)
    before = counts()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_articles", str(path), "--user", username, stdout=StringIO())
    assert str(excinfo.value) == message
    assert counts() == before


def test_command_line_inactive_user_is_refused(tmp_path, superuser):
    superuser.is_active = False
    superuser.save()
    with pytest.raises(CommandError, match=r"^user 'root' is inactive$"):
        call_command("import_articles", str(tmp_path), "--user", "root", stdout=StringIO())


HOSTILE = [
    ("0.sentence.index", 2**70, "record 1: index: " + LIMIT),
    ("1.sentence.paragraph", 2**63, "sentence 1: paragraph: " + LIMIT),
    ("0.reviews.0.version", 2**70, "sentence 0: review by rita: version: " + LIMIT),
    ("0.verdict.version", -1, "sentence 0: verdict: version: Ensure this value is greater "
     "than or equal to 1."),
    ("0.reviews.0.note", NUL, "sentence 0: review by rita: note: " + NUL_MESSAGE),
    ("0.verdict.rationale", SURROGATE, "sentence 0: verdict: rationale: " + SURROGATE_MESSAGE),
    ("0.reviews.0.evidence.0.quote", SURROGATE,
     "sentence 0: review by rita: evidence[1].quote: " + SURROGATE_MESSAGE),
    ("0.reviews.0.label", NUL, "sentence 0: review by rita: label: " + NUL_MESSAGE),
    ("1.sentence.text", NUL, "sentence 1: text: " + NUL_MESSAGE),
    ("0.reviews.0.created_at", "0001-01-01T00:00:00+14:00",
     "sentence 0: review by rita: created_at: " + OUT_OF_RANGE),
    ("0.verdict.updated_at", "9999-12-31T23:59:59-14:00",
     "sentence 0: verdict: updated_at: " + OUT_OF_RANGE),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "message"), HOSTILE)
def test_command_line_hostile_values_fail_their_article_with_the_reason(
    records, tmp_path, superuser, path, value, message
):
    _set(records, path, value)
    file = write_jsonl(tmp_path / "a.jsonl", records)
    before = counts()

    out, err = run(file, "--user", "root")

    assert err.splitlines()[0].strip() == f"failed {file}:1: {message}"
    assert "created 0, skipped 0, failed 1" in out
    assert counts() == before
