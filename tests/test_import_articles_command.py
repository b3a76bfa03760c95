"""manage.py import_articles: formats, summaries, exit status, bad files."""

from __future__ import annotations

import json
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations.models import Article, Sentence
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[1] / "annotations" / "demo_articles"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_articles", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str) -> tuple[CommandError, str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_articles", *args, stdout=out, stderr=err)
    return excinfo.value, out.getvalue(), err.getvalue()


def test_txt_title_is_the_first_line_when_a_blank_line_follows(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Bridge to close\n\nThe bridge closes on Monday. It reopens in May.\n")

    out, _ = run(str(path))

    article = Article.objects.get()
    assert article.title == "Bridge to close"
    assert article.body == "The bridge closes on Monday. It reopens in May.\n"
    assert list(article.sentences.values_list("text", flat=True)) == [
        "The bridge closes on Monday.",
        "It reopens in May.",
    ]
    assert out.strip().endswith("created 1, skipped 0, failed 0")


def test_txt_title_falls_back_to_the_file_name(tmp_path):
    path = tmp_path / "belarus-troops_chernihiv.txt"
    path.write_text("Troops entered the region.\nAdvert\n")
    run(str(path))
    article = Article.objects.get()
    assert article.title == "belarus troops chernihiv"
    assert article.body == "Troops entered the region.\nAdvert\n"


def test_title_option_overrides_and_keeps_the_whole_text(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Headline\n\nBody text.")
    run(str(path), "--title", "Chosen")
    article = Article.objects.get()
    assert (article.title, article.body) == ("Chosen", "Headline\n\nBody text.")


def test_json_object_list_and_jsonl_are_read(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"title": "A", "body": "Alpha."}))
    (tmp_path / "many.json").write_text(
        json.dumps([{"title": "B", "body": "Beta."}, {"title": "C", "body": "Gamma."}])
    )
    (tmp_path / "lines.jsonl").write_text(
        json.dumps({"title": "D", "body": "Delta.", "tags": ["x"]})
        + "\n\n"
        + json.dumps({"title": "E", "body": "Epsilon.", "published_at": "2026-01-02"})
        + "\n"
    )

    out, _ = run(str(tmp_path))

    assert sorted(Article.objects.values_list("title", flat=True)) == ["A", "B", "C", "D", "E"]
    assert "created 5, skipped 0, failed 0" in out


def test_html_is_reduced_to_text_with_metadata():
    out, _ = run(str(DEMO / "wind-farm.html"))

    article = Article.objects.get()
    assert article.title == "Council backs Marlow Bay offshore wind farm despite fishing fears"
    assert article.source
    assert article.published_at is not None
    assert "<" not in article.body and "&ldquo;" not in article.body
    assert "Northfield Council has backed plans" in article.body
    # The footer and navigation are not part of the article.
    assert "copyright" not in article.body.lower()
    for s in article.sentences.all():
        assert article.body[s.start : s.end] == s.text


def test_html_script_and_markup_never_reach_the_body(tmp_path):
    path = tmp_path / "evil.html"
    paragraphs = "".join(
        f"<p>Paragraph {i} says the mayor spent <b>£{i} million</b> on roads this year.</p>"
        for i in range(6)
    )
    path.write_text(
        "<html><head><title>Evil</title><script>alert(1)</script></head><body><article>"
        f"<h1>Evil</h1>{paragraphs}<img src=x onerror=alert(1)></article></body></html>"
    )
    run(str(path))
    body = Article.objects.get().body
    assert "alert" not in body and "<" not in body and "onerror" not in body
    assert "Paragraph 0 says the mayor spent £0 million on roads this year." in body


def test_folders_are_read_recursively(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.txt").write_text("Deep story.")
    (tmp_path / "a" / "ignored.csv").write_text("not, an, article")
    run(str(tmp_path))
    assert Article.objects.get().body == "Deep story."


def test_duplicates_are_skipped_and_named(tmp_path):
    existing = article_create(body="Same story.")
    (tmp_path / "dup.txt").write_text("Same story.")

    out, _ = run(str(tmp_path / "dup.txt"))

    assert f"skipped {tmp_path / 'dup.txt'}: duplicate of #{existing.pk}" in out
    assert "created 0, skipped 1, failed 0" in out
    assert Article.objects.count() == 1


def test_one_bad_file_never_stops_the_others_and_exit_status_is_1(tmp_path):
    (tmp_path / "1-good.txt").write_text("A good story.")
    (tmp_path / "2-latin1.txt").write_bytes("Caf\xe9 story.".encode("latin-1"))
    (tmp_path / "3-broken.json").write_text('{"title": "x", ')
    (tmp_path / "4-lines.jsonl").write_text(
        '{"title": "ok", "body": "Fine line."}\n{oops\n{"title": "no body"}\n'
    )
    (tmp_path / "5-empty.txt").write_text("  \n")
    (tmp_path / "6-good.json").write_text(json.dumps({"title": "B", "body": "Another story."}))

    error, out, err = run_failing(str(tmp_path))

    assert error.returncode == 1
    assert sorted(Article.objects.values_list("body", flat=True)) == [
        "A good story.",
        "Another story.",
        "Fine line.",
    ]
    assert "created 3, skipped 0, failed 5" in out
    failures = [line.strip() for line in err.splitlines() if line.strip()]
    assert failures == [
        f"failed {tmp_path / '2-latin1.txt'}: not UTF-8 text (byte 0xe9 at position 3); "
        "convert it to UTF-8 first",
        f"failed {tmp_path / '3-broken.json'}: malformed JSON: Expecting property name enclosed "
        "in double quotes (line 1)",
        f"failed {tmp_path / '4-lines.jsonl'}:2: malformed JSON: Expecting property name "
        "enclosed in double quotes",
        f"failed {tmp_path / '4-lines.jsonl'}:3: body: This field is required and may not be "
        "blank.",
        f"failed {tmp_path / '5-empty.txt'}: body: This field is required and may not be blank.",
    ]
    assert str(error) == "5 of 8 records failed (see above)"


def test_missing_file_is_one_readable_line(tmp_path):
    error, out, err = run_failing(str(tmp_path / "nope.txt"))
    assert err.strip() == f"failed {tmp_path / 'nope.txt'}: no such file or folder"
    assert error.returncode == 1
    assert not Article.objects.exists()


def test_unsupported_file_type_is_reported(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b")
    _, _, err = run_failing(str(path))
    assert "unsupported file type .csv" in err


def test_dry_run_writes_nothing(tmp_path):
    (tmp_path / "a.txt").write_text("One. Two.")
    out, _ = run(str(tmp_path), "--dry-run", "-v", "2")
    assert "would create 1, skipped 0, failed 0" in out
    assert "2 sentences" in out
    assert not Article.objects.exists()
    assert not Sentence.objects.exists()


def test_user_option_records_the_importer(tmp_path):
    editor = UserFactory(username="importer", groups=["editor"])
    (tmp_path / "a.txt").write_text("One.")
    run(str(tmp_path), "--user", "importer")
    assert Article.objects.get().imported_by == editor


def test_unknown_user_is_a_command_error(tmp_path):
    (tmp_path / "a.txt").write_text("One.")
    error, _, _ = run_failing(str(tmp_path), "--user", "ghost")
    assert str(error) == "user 'ghost' does not exist"
    assert not Article.objects.exists()


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text("Hidden.")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    # chmod cannot stop root (CI runs as root), so the refusal is simulated.
    monkeypatch.setattr(Path, "read_bytes", refuse)
    _, _, err = run_failing(str(path))
    assert err.strip() == f"failed {path}: cannot read: Permission denied"


def test_a_file_name_with_undecodable_bytes_is_reported_printably(tmp_path):
    """Regression: a name holding bytes that are not UTF-8 (read as lone surrogates) made the
    summary line unprintable and unstorable."""
    path = tmp_path / os.fsdecode(b"bad-\xff.txt")
    path.write_text("  \n")

    _, _, err = run_failing(str(path))

    expected = str(path).replace("\udcff", "\\udcff")
    assert err.strip().startswith(f"failed {expected}: ")
    err.encode("utf-8")


def test_user_option_refuses_an_account_that_may_not_import(tmp_path):
    UserFactory(username="rita", groups=["reviewer"])
    (tmp_path / "a.txt").write_text("One.")
    error, _, _ = run_failing(str(tmp_path), "--user", "rita")
    assert str(error) == "user 'rita' may not import articles; name an editor or a superuser"
    assert not Article.objects.exists()


def test_a_text_file_whose_name_has_undecodable_bytes_still_imports(tmp_path, capsys):
    """The title comes from the file name when the text has none; bytes that are not UTF-8
    arrive as lone surrogates, which made the title invalid and the import fail."""
    path = tmp_path / os.fsdecode(b"council-\xff-budget.txt")
    path.write_text("The council approved the budget on Monday.")

    call_command("import_articles", str(path))

    assert Article.objects.get().title == "council \ufffd budget"


def test_an_imported_article_reads_back_with_every_field_as_given(time_machine):
    # services.article_import writes the article with a plain INSERT on PostgreSQL: every
    # column must arrive, and the instance it returns must be the stored row.
    from datetime import UTC, datetime

    from annotations import services

    time_machine.move_to(datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC), tick=False)
    user = UserFactory()
    result = services.article_import(
        data={
            "title": "Ferry fares",
            "body": "Ferry fares rise by 4% in May. The operator blamed fuel.",
            "source": "Harbour Post",
            "url": "https://example.org/ferry",
            "published_at": "2026-03-01T09:30:00+01:00",
            "language": "en-GB",
            "tags": ["Transport"],
        },
        imported_by=user,
    )

    stored = Article.objects.get()
    assert result.article.pk == stored.pk
    assert result.article._state.adding is False
    assert {
        field: getattr(stored, field)
        for field in (
            "title",
            "body",
            "source",
            "url",
            "published_at",
            "language",
            "checksum",
            "imported_by_id",
            "created_at",
            "updated_at",
        )
    } == {
        "title": "Ferry fares",
        "body": "Ferry fares rise by 4% in May. The operator blamed fuel.",
        "source": "Harbour Post",
        "url": "https://example.org/ferry",
        "published_at": datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
        "language": "en-GB",
        "checksum": result.article.checksum,
        "imported_by_id": user.pk,
        "created_at": datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC),
        "updated_at": datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC),
    }
    assert len(stored.checksum) == 64
    assert list(stored.tags.values_list("name", flat=True)) == ["transport"]
    assert [s.text for s in stored.sentences.order_by("index")] == [
        "Ferry fares rise by 4% in May.",
        "The operator blamed fuel.",
    ]
