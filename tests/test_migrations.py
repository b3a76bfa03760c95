"""Data migrations run on data stored before them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("annotations", "0003_label_key_message")]


def migrate(targets=None):
    """Migrate to `targets` (the latest migrations when None); the models as they stand."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migrations_compute_the_kept_figures_of_existing_work():
    """0004 computes the summaries; 0005 stores each review's and verdict's article."""
    apps = migrate(BEFORE)
    try:
        user_model = apps.get_model("auth", "User")
        article_model = apps.get_model("annotations", "Article")
        sentence_model = apps.get_model("annotations", "Sentence")
        review_model = apps.get_model("annotations", "Review")
        # (Other tests may have flushed the scale the migrations put in.)
        labels = apps.get_model("annotations", "Label").objects
        label = labels.get_or_create(slug="accurate", defaults={"name": "Accurate"})[0]
        other = labels.get_or_create(slug="mixed", defaults={"name": "Mixed"})[0]
        a, b = (user_model.objects.create(username=name) for name in ("old-a", "old-b"))
        article = article_model.objects.create(title="Old", body="One. Two. Advert", checksum="x")
        one, two, advert = (
            sentence_model.objects.create(
                article=article,
                index=i,
                paragraph=0,
                start=i * 5,
                end=i * 5 + 4,
                text=t,
                kind=kind,
                status=status,
            )
            for i, (t, kind, status) in enumerate(
                [
                    ("One.", "claim", "disputed"),
                    ("Two.", "claim", "in_review"),
                    ("Advert", "boilerplate", "pending"),
                ]
            )
        )
        review_model.objects.create(sentence=one, reviewer=a, label=label)
        review_model.objects.create(sentence=one, reviewer=b, label=other)
        review_model.objects.create(sentence=two, reviewer=a, label=label)
        apps.get_model("annotations", "Verdict").objects.create(sentence=two, label=label)
    finally:
        apps = migrate()

    summary = apps.get_model("annotations", "ArticleSummary").objects.get(article_id=article.pk)
    assert (summary.sentences, summary.claims, summary.disputed, summary.in_review) == (3, 2, 1, 1)
    assert (summary.units, summary.unit_reviews, summary.unit_label_squares) == (1, 2, 2)
    assert summary.unit_disagreement == 2.0
    migrated = apps.get_model("annotations", "Sentence").objects.get(pk=one.pk)
    assert migrated.review_count == 2
    assert migrated.review_codes == f"{a.pk}:{label.pk},{b.pk}:{other.pk}"
    reviews = apps.get_model("annotations", "Review").objects
    assert set(reviews.values_list("article_id", flat=True)) == {article.pk}
    verdict = apps.get_model("annotations", "Verdict").objects.get()
    assert verdict.article_id == article.pk
