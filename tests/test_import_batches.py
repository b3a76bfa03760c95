"""Importing many articles at once (services.articles_import, records_import's batches)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DataError, connection

from annotations import services
from annotations.errors import DomainError, Duplicate, InvalidInput
from annotations.inputs import article_input
from annotations.models import Article, ArticleSummary, Sentence, Tag
from annotations.services import articles as articles_module
from tests.factories import article_create

pytestmark = pytest.mark.django_db

BODY = "The council approved the budget on Monday. Rents will rise by 4%.\n\nAdvert\n\n{n}"


def record(n: int, **extra) -> dict:
    return {"title": f"Story {n}", "body": BODY.format(n=f"Story number {n} ends."), **extra}


def test_a_batch_stores_each_article_whole_and_reports_each_input_in_order():
    stored = article_create(body=BODY.format(n="Story number 2 ends."))
    inputs = [
        article_input(record(1, tags=["budget", "council"])),
        article_input(record(2)),  # the body of an article stored before
        article_input(record(3, tags=["budget"])),
        article_input({"title": "Again", "body": BODY.format(n="Story number 1 ends.")}),
        article_input({"title": "Invisible", "body": "\u200b"}),
    ]

    outcomes = services.articles_import(inputs=inputs)

    first, second, third, again, invisible = outcomes
    assert [first.created, third.created] == [True, True]
    assert isinstance(second, Duplicate) and second.existing_id == stored.pk
    assert isinstance(again, Duplicate) and again.existing_id == first.article.pk
    assert isinstance(invisible, InvalidInput) and "body" in invisible.errors
    for result, n in ((first, 1), (third, 3)):
        article = Article.objects.get(pk=result.article.pk)
        assert article.title == f"Story {n}"
        sentences = list(article.sentences.order_by("index"))
        assert len(sentences) == result.sentence_count == 4
        assert all(article.body[s.start : s.end] == s.text for s in sentences)
        assert [s.kind for s in sentences].count(Sentence.Kind.BOILERPLATE) == 1
        summary = ArticleSummary.objects.get(article=article)
        assert (summary.sentences, summary.claims, summary.pending) == (4, 3, 3)
    assert sorted(Article.objects.get(pk=first.article.pk).tags.values_list("name", flat=True)) == [
        "budget",
        "council",
    ]
    assert list(Article.objects.get(pk=third.article.pk).tags.values_list("name", flat=True)) == [
        "budget"
    ]
    assert Tag.objects.count() == 2
    assert Article.objects.count() == 3


def test_when_the_database_refuses_the_batch_each_article_is_tried_alone(monkeypatch):
    """Another import stores one of the bodies between the duplicate check and the insert:
    the batch's insert fails on the unique checksum, and the others are stored one by one."""
    raced = article_create(body=BODY.format(n="Story number 2 ends."))
    monkeypatch.setattr(articles_module, "_stored_checksums", lambda checksums: {})
    inputs = [article_input(record(n)) for n in (1, 2, 3)]

    outcomes = services.articles_import(inputs=inputs)

    assert outcomes[0].created and outcomes[2].created
    assert isinstance(outcomes[1], Duplicate) and outcomes[1].existing_id == raced.pk
    assert Article.objects.count() == 3
    assert Sentence.objects.filter(article_id=raced.pk).count() == raced.sentences.count()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="other databases insert articles one by one"
)
def test_a_batch_takes_the_same_number_of_queries_for_ten_articles_as_for_two(
    django_assert_max_num_queries,
):
    Tag.objects.create(name="budget")
    services.articles_import(inputs=[article_input(record(n, tags=["budget"])) for n in (1, 2)])
    with django_assert_max_num_queries(8):  # checksums, savepoint, 4 inserts, tags, release
        outcomes = services.articles_import(
            inputs=[article_input(record(n, tags=["budget"])) for n in range(10, 20)]
        )
    assert all(outcome.created for outcome in outcomes)


def test_import_articles_reports_every_record_of_several_batches_in_order(tmp_path):
    article_create(body=BODY.format(n="Story number 7 ends."))
    lines = [json.dumps(record(n)) for n in range(services.BATCH * 2 + 5)]
    lines[3] = json.dumps({"title": "No body"})
    lines[services.BATCH + 1] = json.dumps(record(0))  # the same body as line 1
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n")
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_articles", str(path), "--no-match", "-v", "2", stdout=out, stderr=err)

    assert "1 of 105 records failed" in str(failed.value)
    created = [line for line in out.getvalue().splitlines() if line.startswith("  created ")]
    skipped = [line for line in out.getvalue().splitlines() if line.startswith("  skipped ")]
    assert len(created) == 102 and len(skipped) == 2
    assert [line.split(":")[1] for line in created][:4] == ["1", "2", "3", "5"]
    stored_first = Article.objects.get(title="Story 0").pk
    assert "many.jsonl:8: duplicate of #" in skipped[0]
    assert f"many.jsonl:{services.BATCH + 2}: duplicate of #{stored_first}" in skipped[1]
    assert "many.jsonl:4:" in err.getvalue() and "body" in err.getvalue()
    assert "created 102, skipped 2, failed 1" in out.getvalue()
    assert Article.objects.count() == 103


def test_an_article_the_database_refuses_fails_alone_and_the_rest_of_its_batch_is_stored(
    monkeypatch, caplog
):
    """A value the validation let through and the database refused (a bug to fix, logged):
    the batch is rolled back and retried article by article."""
    real = articles_module._sentences_insert

    def refuses_poison(articles):
        if any("POISON" in s.text for _, segments in articles for s in segments):
            raise DataError("value refused")
        real(articles)

    monkeypatch.setattr(articles_module, "_sentences_insert", refuses_poison)
    inputs = [
        article_input(record(1)),
        article_input({"title": "Bad", "body": "This sentence holds POISON for the database."}),
        article_input(record(3)),
    ]

    first, bad, third = services.articles_import(inputs=inputs)

    assert first.created and third.created
    assert isinstance(bad, DomainError) and not isinstance(bad, Duplicate)
    assert "the database refused it (DataError); nothing of it was stored." in str(bad)
    assert "refused by the database" in caplog.text
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Story 1", "Story 3"]
    assert ArticleSummary.objects.count() == 2
