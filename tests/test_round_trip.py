"""Export -> import into an empty database -> export gives the same records (ids aside)."""

from __future__ import annotations

import contextlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations import exports, services
from annotations.management.commands.demo import DEMO_USERS
from annotations.models import Article, Correction, History, Review, Sentence, Tag, Verdict
from tests.factories import article_create

pytestmark = pytest.mark.django_db


def export(path: Path, *args: str, format: str = "jsonl") -> list[dict]:
    call_command("export", "--format", format, "-o", str(path), *args, stderr=StringIO())
    text = path.read_text(encoding="utf-8")
    if format == "json":
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines()]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def import_articles(*paths: Path, user: str | None = None) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    options = ["--user", user] if user else []
    # Failures exit with status 1 (a CommandError) and are listed on stderr, read by the tests.
    with contextlib.suppress(CommandError):
        call_command("import_articles", *map(str, paths), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def empty_database() -> None:
    """Delete everything an export holds, in the order the PROTECT foreign keys require."""
    History.objects.all().delete()
    Correction.objects.all().delete()
    Verdict.objects.all().delete()
    Review.objects.all().delete()
    Sentence.objects.all().delete()
    Article.objects.all().delete()
    Tag.objects.all().delete()


def without_ids(records: list[dict]) -> list[dict]:
    """The records with database ids removed: all that may differ after a round trip."""
    stripped = []
    for record in records:
        article = {k: v for k, v in record["article"].items() if k != "id"}
        sentence = {k: v for k, v in record["sentence"].items() if k != "id"}
        stripped.append({**record, "article": article, "sentence": sentence})
    return stripped


@pytest.mark.parametrize("format", ["jsonl", "json"])
def test_export_import_export_gives_identical_records(tmp_path, format):
    call_command("demo", "--no-serve", stdout=StringIO(), stderr=StringIO())
    published = Verdict.objects.filter(published=True).select_related("label").first()
    services.verdict_set(
        sentence=published.sentence_id,
        user=get_user_model().objects.get(username="editor"),
        label=published.label,
        rationale=published.rationale + " The minutes are dated.",
        correction="We added the date of the minutes.",
    )
    before = export(tmp_path / f"before.{format}", format=format)
    # The demo covers what must survive: every status, notes, evidence, verdicts, tags.
    assert {r["sentence"]["status"] for r in before} == {
        "pending",
        "in_review",
        "disputed",
        "final",
    }
    assert any(review["evidence"] for r in before for review in r["reviews"])
    assert any(r["verdict"] for r in before) and any(r["article"]["tags"] for r in before)
    assert any(r["verdict"] and r["verdict"]["published"] for r in before)
    assert any(r["verdict"] and not r["verdict"]["published"] for r in before)
    assert any(r["verdict"] and r["verdict"]["evidence"] for r in before)
    assert [c["note"] for r in before if r["verdict"] for c in r["verdict"]["corrections"]] == [
        "We added the date of the minutes."
    ]
    articles = Article.objects.count()
    reviews, verdicts = Review.objects.count(), Verdict.objects.count()

    empty_database()
    # The accounts stay: a restore never creates any. The demo's superuser restores.
    assert set(get_user_model().objects.values_list("username", flat=True)) == {
        username for username, _, _ in DEMO_USERS
    }
    out, err = import_articles(tmp_path / f"before.{format}", user="admin")

    assert err == ""
    assert out.strip().endswith(f"created {articles}, skipped 0, failed 0")
    after = export(tmp_path / f"after.{format}", format=format)
    assert without_ids(after) == without_ids(before)
    assert (Review.objects.count(), Verdict.objects.count()) == (reviews, verdicts)
    assert Correction.objects.get().note == "We added the date of the minutes."


def test_restored_reviews_and_verdicts_are_in_the_history_with_the_superuser_as_actor(
    tmp_path, reviewer, editor, superuser
):
    article = article_create(sentences=2)
    first = article.sentences.get(index=0)
    services.review_save(sentence=first, reviewer=reviewer, label="mixed", note="Partly.")
    services.verdict_set(sentence=first, user=editor, label="mixed")
    path = tmp_path / "a.jsonl"
    export(path)
    empty_database()

    import_articles(path, user="root")

    review, verdict = Review.objects.get(), Verdict.objects.get()
    history = list(History.objects.order_by("entity").values("entity", "entity_id", "action"))
    assert history == [
        {"entity": "review", "entity_id": review.pk, "action": "create"},
        {"entity": "verdict", "entity_id": verdict.pk, "action": "create"},
    ]
    assert set(History.objects.values_list("actor", flat=True)) == {superuser.pk}
    assert History.objects.get(entity="review").after == {
        **services.review_snapshot(review),
        "restored_from_export": True,
    }
    # Existing users are reused, not duplicated.
    assert (review.reviewer, verdict.decided_by) == (reviewer, editor)


def test_missing_reviewers_are_refused_never_created(tmp_path, reviewer, superuser):
    article = article_create(sentences=1)
    services.review_save(sentence=article.sentences.get(), reviewer=reviewer, label="accurate")
    path = tmp_path / "a.jsonl"
    export(path)
    empty_database()
    reviewer.delete()

    _, err = import_articles(path, user="root")

    assert err.strip() == (
        f"failed {path}:1: sentence 0: review by rita: reviewer 'rita' does not exist; "
        "restoring never creates accounts: create it first, or remove its work from the file."
    )
    assert not get_user_model().objects.filter(username="rita").exists()
    assert not Article.objects.exists()


def test_an_article_already_there_is_skipped_as_a_duplicate(tmp_path):
    article = article_create(sentences=3)
    path = tmp_path / "a.jsonl"
    export(path)

    out, err = import_articles(path)

    assert f"skipped {path}:1: duplicate of #{article.pk}" in out
    assert "created 0, skipped 1, failed 0" in out
    assert Sentence.objects.count() == 3


def test_offsets_that_do_not_match_the_body_fail_that_article_only(tmp_path):
    broken, intact = article_create(sentences=2), article_create(sentences=2)
    records = export(tmp_path / "a.jsonl")
    empty_database()
    records[1]["sentence"]["start"] += 1
    path = write_jsonl(tmp_path / "b.jsonl", records)

    out, err = import_articles(path)

    sentence = records[1]["sentence"]
    body = records[0]["article"]["body"]
    assert err.strip() == (
        f"failed {path}:1: sentence 1: body[{sentence['start']}:{sentence['end']}] is "
        f"{body[sentence['start'] : sentence['end']]!r}, not the exported text "
        f"{sentence['text']!r}; the body or the offsets were changed."
    )
    assert "created 1, skipped 0, failed 1" in out
    assert list(Article.objects.values_list("title", flat=True)) == [intact.title]
    assert broken.title not in set(Article.objects.values_list("title", flat=True))


def test_an_unknown_label_fails_the_article_with_the_choices(tmp_path, reviewer, superuser):
    article = article_create(sentences=1)
    services.review_save(sentence=article.sentences.get(), reviewer=reviewer, label="accurate")
    records = export(tmp_path / "a.jsonl")
    empty_database()
    records[0]["reviews"][0]["label"] = "flase"

    _, err = import_articles(write_jsonl(tmp_path / "b.jsonl", records), user="root")

    assert "sentence 0: review by rita: label 'flase' does not exist; choose one of " in err
    assert not Article.objects.exists()


def test_a_filtered_export_is_not_restored_as_an_article_with_holes(tmp_path, reviewer, superuser):
    article = article_create(sentences=3)
    services.review_save(sentence=article.sentences.get(index=1), reviewer=reviewer, label="mixed")
    path = tmp_path / "a.jsonl"
    assert len(export(path, "--status=in_review")) == 1
    empty_database()

    _, err = import_articles(path, user="root")

    assert "is in no sentence: the records do not hold every sentence" in err
    assert not Article.objects.exists()


def test_records_that_start_in_the_middle_of_an_article_fail(tmp_path):
    article_create(sentences=3)
    records = export(tmp_path / "a.jsonl")
    empty_database()

    _, err = import_articles(write_jsonl(tmp_path / "b.jsonl", records[1:]))

    assert "has no body; an export carries it in the first record of each article" in err
    assert not Article.objects.exists()


def test_dry_run_restores_nothing(tmp_path):
    article_create(sentences=3)
    path = tmp_path / "a.jsonl"
    export(path)
    empty_database()

    out = StringIO()
    call_command("import_articles", str(path), "--dry-run", stdout=out, stderr=StringIO())

    assert "would create 1, skipped 0, failed 0" in out.getvalue()
    assert not Article.objects.exists() and not Sentence.objects.exists()


def test_plain_articles_and_export_records_can_share_a_file(tmp_path):
    article_create(sentences=2)
    records = export(tmp_path / "a.jsonl")
    empty_database()
    plain = {"title": "Plain", "body": "A plain article. It is segmented."}
    path = write_jsonl(tmp_path / "mixed.jsonl", [plain, *records])

    out, _ = import_articles(path)

    assert "created 2, skipped 0, failed 0" in out
    assert Sentence.objects.count() == 4


def test_article_restore_service_recreates_the_article():
    """The service itself, as another interface (the admin) would call it."""
    article = article_create(sentences=4, tags=["b", "a"])
    records = [
        json.loads(line)
        for chunk in exports.export_stream("jsonl", exports.ExportParams())
        for line in chunk.decode().splitlines()
    ]
    empty_database()

    result = services.article_restore(records=records)

    assert result.created and result.sentence_count == 4
    restored = Article.objects.get()
    assert (restored.body, restored.checksum) == (article.body, article.checksum)
    assert sorted(restored.tags.values_list("name", flat=True)) == ["a", "b"]
