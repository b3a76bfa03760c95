"""The figures the services keep (sentence review summaries, article summaries) and the
command that checks and rebuilds them. Every test that writes the database is also checked
against a recomputation at teardown (conftest.summaries_checked)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations import exports, services
from annotations.errors import Forbidden, InvalidInput
from annotations.models import (
    Article,
    ArticleSummary,
    Label,
    Sentence,
    review_codes_parse,
    review_labels_parse,
)
from annotations.services import summaries
from tests.factories import UserFactory, article_create


def at(hour: int) -> datetime:
    return datetime(2026, 11, 2, hour, tzinfo=UTC)


def test_review_fields_sum_up_a_sentences_reviews_in_a_fixed_order():
    fields = summaries.review_fields([(7, 3, at(9)), (2, 5, at(11)), (4, 3, at(10))])
    assert fields == {
        "review_count": 3,
        "reviewed_at": at(11),
        "review_labels": "3:2,5:1",
        "review_codes": "2:5,4:3,7:3",
    }
    assert review_labels_parse(fields["review_labels"]) == {3: 2, 5: 1}
    assert review_codes_parse(fields["review_codes"]) == [(2, 5), (4, 3), (7, 3)]
    assert summaries.review_fields([]) == {
        "review_count": 0,
        "reviewed_at": None,
        "review_labels": "",
        "review_codes": "",
    }


def test_reviewed_by_reads_whole_reviewer_ids_off_the_packed_codes(db):
    """Reviewer 1 is not reviewer 11 or 21: the codes are matched at an item's start."""
    sentences = article_create(sentences=4).sentences.order_by("index")
    for sentence, codes in zip(sentences, ["1:3", "11:3,21:4", "2:3,1:5", "12:4"], strict=True):
        Sentence.objects.filter(pk=sentence.pk).update(review_codes=codes)

    def indexes(reviewer_id: int) -> list[int]:
        return list(Sentence.objects.reviewed_by(reviewer_id).values_list("index", flat=True))

    assert indexes(1) == [0, 2]
    assert indexes(11) == [1]
    assert indexes(2) == [2]
    assert indexes(4) == []
    Sentence.objects.update(review_codes="")  # as they were: the teardown checks summaries


@pytest.fixture
def three_reviewers(db):
    return [UserFactory(username=f"sum{i}", groups=["reviewer"]) for i in range(3)]


def summary_of(article: Article) -> dict:
    return ArticleSummary.objects.filter(article=article).values(*summaries.SUMMARY_FIELDS)[0]


def test_an_imported_article_starts_with_every_claim_pending(db):
    article = article_create(
        body="The council spent 4 million on roads.\nAdvert\nThe mayor said so on Monday."
    )
    assert summary_of(article) == {
        "sentences": 3,
        "claims": 2,
        "pending": 2,
        "in_review": 0,
        "disputed": 0,
        "final": 0,
        "units": 0,
        "unit_reviews": 0,
        "unit_disagreement": 0.0,
        "unit_label_squares": 0,
    }


def test_reviews_and_verdicts_move_the_article_summary(settings, three_reviewers, editor):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    a, b, c = three_reviewers
    article = article_create(sentences=4)
    s0, s1, s2, _ = article.sentences.order_by("index")
    services.review_save(sentence=s0, reviewer=a, label="accurate")
    services.review_save(sentence=s0, reviewer=b, label="accurate")
    services.review_save(sentence=s1, reviewer=a, label="unverifiable")
    services.review_save(sentence=s1, reviewer=b, label="unverifiable")
    services.review_save(sentence=s1, reviewer=c, label="mixed")
    services.review_save(sentence=s2, reviewer=a, label="mixed")
    # Units: s0 (accurate x2) and s1 (unverifiable x2, mixed): n = 5, disagreement 0 + (2*1 + 1*2)/2
    # = 2, labels over the units accurate 2, unverifiable 2, mixed 1: squares 4 + 4 + 1.
    assert summary_of(article) == {
        "sentences": 4,
        "claims": 4,
        "pending": 1,
        "in_review": 2,
        "disputed": 1,
        "final": 0,
        "units": 2,
        "unit_reviews": 5,
        "unit_disagreement": 2.0,
        "unit_label_squares": 9,
    }
    s1.refresh_from_db()
    unverifiable, mixed = (Label.objects.get(slug=slug).pk for slug in ("unverifiable", "mixed"))
    assert s1.review_count == 3
    assert review_labels_parse(s1.review_labels) == {unverifiable: 2, mixed: 1}

    services.verdict_set(sentence=s1, user=editor, label="unverifiable")
    services.review_delete(sentence=s0, reviewer=b)
    # s0 has one review left (no unit); s1 is final.
    assert summary_of(article)["in_review"] == 2
    assert summary_of(article)["final"] == 1
    assert summary_of(article)["units"] == 1
    assert summary_of(article)["unit_label_squares"] == 4 + 1


def test_a_segmentation_fix_withdraws_the_units_it_touches(settings, three_reviewers, editor):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    a, b, _ = three_reviewers
    article = article_create(sentences=5)
    s0, s1 = article.sentences.order_by("index")[:2]
    for reviewer, label in ((a, "accurate"), (b, "unverifiable")):
        services.review_save(sentence=s0, reviewer=reviewer, label=label)
    assert summary_of(article)["units"] == 1
    services.sentence_merge(sentence=s0, editor=editor)
    assert summary_of(article)["units"] == 0
    assert summary_of(article)["sentences"] == 4
    merged = Sentence.objects.get(pk=s0.pk)
    assert (merged.review_count, merged.review_codes, merged.reviewed_at) == (0, "", None)
    services.sentence_split(sentence=merged, at=s1.start - 1, editor=editor)
    assert summary_of(article)["sentences"] == 5


def test_marking_a_sentence_boilerplate_updates_the_claim_counts(editor, reviewer):
    article = article_create(sentences=3)
    first = article.sentences.order_by("index").first()
    services.sentence_kind_set(sentence=first, kind="boilerplate", editor=editor)
    assert (summary_of(article)["claims"], summary_of(article)["pending"]) == (2, 2)
    with pytest.raises(Forbidden):
        services.sentence_kind_set(sentence=first, kind="claim", editor=reviewer)
    with pytest.raises(InvalidInput, match="kind: Must be one of claim, boilerplate"):
        services.sentence_kind_set(sentence=first, kind="advert", editor=editor)


def test_the_admin_changes_a_kind_through_the_service(client, superuser):
    article = article_create(sentences=2)
    sentence = article.sentences.order_by("index").first()
    client.force_login(superuser)
    response = client.post(
        f"/admin/annotations/sentence/{sentence.pk}/change/", {"kind": "boilerplate"}
    )
    assert response.status_code == 302
    assert Sentence.objects.get(pk=sentence.pk).kind == "boilerplate"
    assert summary_of(article)["claims"] == 1


def test_a_restored_export_has_its_summaries(settings, three_reviewers, editor, superuser):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    a, b, _ = three_reviewers
    article = article_create(sentences=3)
    s0 = article.sentences.order_by("index").first()
    services.review_save(sentence=s0, reviewer=a, label="accurate")
    services.review_save(sentence=s0, reviewer=b, label="unverifiable")
    expected = summary_of(article)
    chunks = exports.export_stream("jsonl", exports.ExportParams(article=article.pk))
    text = "".join(chunk.decode() if isinstance(chunk, bytes) else chunk for chunk in chunks)
    records = [json.loads(line) for line in text.splitlines()]
    Article.objects.filter(pk=article.pk).update(checksum="0" * 64)  # let the copy in
    copy = services.article_restore(records=records, imported_by=superuser).article
    assert summary_of(copy) == expected
    restored = copy.sentences.get(index=0)
    assert restored.review_count == 2


def test_the_command_finds_figures_changed_behind_the_services_back_and_rebuilds_them(
    capsys, reviewer, reviewer2
):
    article = article_create(sentences=3)
    sentence = article.sentences.order_by("index").first()
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    call_command("summaries")
    assert "agree" in capsys.readouterr().out

    Sentence.objects.filter(pk=sentence.pk).update(review_count=5)
    ArticleSummary.objects.filter(article=article).update(pending=0)
    with pytest.raises(CommandError, match="2 kept figures disagree"):
        call_command("summaries")
    err = capsys.readouterr().err
    assert f"sentence {sentence.pk}: review_count is 5, expected 1" in err
    assert f"article {article.pk}: pending is 0, expected 2" in err

    call_command("summaries", "--rebuild")
    assert "Recomputed the summaries of 1 articles." in capsys.readouterr().out
    assert summaries.summaries_stale() == []


def test_a_missing_summary_row_is_added_when_the_article_next_changes(reviewer):
    article = article_create(sentences=2)
    ArticleSummary.objects.filter(article=article).delete()
    assert summaries.summaries_stale() == [f"article {article.pk}: no summary"]
    services.review_save(
        sentence=article.sentences.order_by("index").first(), reviewer=reviewer, label="mixed"
    )
    assert summary_of(article)["in_review"] == 1


@pytest.mark.summaries_unchecked
def test_the_admin_lists_an_article_whose_summary_is_missing(client, superuser):
    article = article_create(sentences=2)
    ArticleSummary.objects.filter(article=article).delete()
    client.force_login(superuser)
    response = client.get("/admin/annotations/article/")
    assert response.status_code == 200
    assert article.title in response.content.decode()
