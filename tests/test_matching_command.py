"""manage.py match_claims (what it picks, resuming, --all, --article, --background, bad
arguments) and the matching pass of manage.py import_articles after a file import."""

from __future__ import annotations

import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations import services, tasks
from annotations.models import Article, ClaimMatch
from annotations.services import matching

pytestmark = pytest.mark.django_db

CLAIM = "Unemployment fell to 4.2% in March, the statistics office said."
BUDGET = "The council approved a new budget for the harbour wall."
OTHER = "Heavy snow closed the mountain pass for three days."
_credits = itertools.count(1)


def article(*sentences: str) -> Article:
    body = "\n".join(sentences) + f"\nPhoto: Agency {next(_credits)}"
    return services.article_import(data={"title": sentences[0][:30], "body": body}).article


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def failing(command: str, *args: str) -> CommandError:
    with pytest.raises(CommandError) as excinfo:
        call_command(command, *args, stdout=StringIO(), stderr=StringIO())
    return excinfo.value


def unmatched() -> set[int]:
    return set(Article.objects.filter(matched_at=None).values_list("pk", flat=True))


def test_match_claims_matches_every_article_never_matched_and_sums_up():
    a = article(CLAIM, OTHER)
    b = article(CLAIM, BUDGET)
    c = article(BUDGET, OTHER)

    out = run("match_claims")

    assert unmatched() == set()
    # Each pair found from both of its sides, stored once each way round: 3 pairs, 6 rows.
    assert ClaimMatch.objects.count() == 6
    assert out.strip() == "matched 3 article(s): 6 claims, 6 same, 0 opposite"
    assert {a.pk, b.pk, c.pk} == set(Article.objects.values_list("pk", flat=True))


def test_match_claims_resumes_where_it_stopped_and_names_what_failed(monkeypatch):
    first, second, third = article(CLAIM), article(CLAIM, OTHER), article(OTHER)
    real = matching.article_match

    def crash_on_second(*, article_id):
        if article_id == second.pk:
            raise RuntimeError("worker killed")
        return real(article_id=article_id)

    monkeypatch.setattr(matching, "article_match", crash_on_second)
    error = failing("match_claims")
    assert error.returncode == 1
    assert str(error) == f"1 article(s) failed (see the log) and stay unmatched: {second.pk}"
    assert unmatched() == {second.pk}

    monkeypatch.setattr(matching, "article_match", real)
    assert run("match_claims").strip() == "matched 1 article(s): 2 claims, 2 same, 0 opposite"
    assert unmatched() == set()
    assert run("match_claims").strip() == "matched 0 article(s): 0 claims, 0 same, 0 opposite"
    assert {first.pk, third.pk} <= set(ClaimMatch.objects.values_list("article", flat=True))


def test_all_recomputes_every_article_and_article_one(monkeypatch):
    a, b = article(CLAIM), article(CLAIM, OTHER)
    run("match_claims")
    ClaimMatch.objects.all().delete()  # e.g. an older judge's pairs, thrown away

    assert run("match_claims").startswith("matched 0 article(s)")
    assert ClaimMatch.objects.count() == 0
    assert run("match_claims", "--article", str(b.pk)).strip() == (
        "matched 1 article(s): 2 claims, 1 same, 0 opposite"
    )
    assert ClaimMatch.objects.count() == 2
    assert run("match_claims", "--all").strip() == (
        "matched 2 article(s): 3 claims, 2 same, 0 opposite"
    )
    assert ClaimMatch.objects.count() == 2
    assert a.pk != b.pk


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--article", "abc"], "--article 'abc': give an article id, a whole number from 1"),
        (["--article", "0"], "--article '0': give an article id, a whole number from 1"),
        (
            ["--article", "99999999999999999999"],
            "--article '99999999999999999999': give an article id, a whole number from 1",
        ),
        (["--article", "424242"], "article 424242 does not exist"),
        (["--all", "--article", "1"], "Error: argument --article: not allowed with argument --all"),
        (["--bogus"], "Error: unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_are_one_readable_line(args, message):
    error = failing("match_claims", *args)
    assert str(error) == message
    assert "\n" not in str(error)


def test_background_queues_the_articles_in_chunks_for_the_worker(monkeypatch, matching_queued):
    ids = sorted(article(f"Story number {n} of the day.").pk for n in range(3))
    queued = matching_queued
    monkeypatch.setattr(tasks, "MATCH_CHUNK", 2)

    out = run("match_claims", "--background")

    assert queued == [ids[:2], ids[2:]]
    assert out.strip() == "queued 3 article(s) for the worker in 2 task(s) of at most 2"
    assert unmatched() == set(ids)  # the worker does it

    def dead(chunk):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.articles_match, "delay", dead)
    assert str(failing("match_claims", "--background")) == (
        "the task queue did not answer; nothing was queued"
    )


def test_background_without_a_broker_runs_here_and_now():
    article(CLAIM)
    article(CLAIM, OTHER)
    assert run("match_claims", "--background").strip() == (
        "matched 2 article(s): 3 claims, 2 same, 0 opposite"
    )
    assert unmatched() == set()


# --- import_articles ---------------------------------------------------------------------------
def write(tmp_path, name: str, *sentences: str):
    path = tmp_path / name
    path.write_text(name.split(".")[0] + "\n\n" + "\n".join(sentences) + "\n")
    return str(path)


def test_import_articles_matches_the_new_articles_after_the_import(tmp_path):
    earlier = article(CLAIM)
    paths = [write(tmp_path, "jobs.txt", CLAIM, OTHER), write(tmp_path, "snow.txt", OTHER)]

    out = run("import_articles", *paths)

    lines = out.strip().splitlines()
    # jobs: its CLAIM with the earlier article's, its OTHER with snow's; snow: the same OTHER.
    assert lines == [
        "matched 2 article(s): 3 claims, 3 same, 0 opposite",
        "created 2, skipped 0, failed 0",
    ]
    assert unmatched() == {earlier.pk}  # matched from the other side only
    jobs = Article.objects.get(title="jobs")
    pairs = set(ClaimMatch.objects.values_list("article", "matched_article", "relation"))
    assert (jobs.pk, earlier.pk, "same") in pairs
    assert (earlier.pk, jobs.pk, "same") in pairs


def test_import_articles_no_match_leaves_the_matching_to_match_claims(tmp_path):
    article(CLAIM)
    out = run("import_articles", "--no-match", write(tmp_path, "jobs.txt", CLAIM))
    assert out.strip() == "created 1, skipped 0, failed 0"
    assert ClaimMatch.objects.count() == 0
    assert Article.objects.get(title="jobs").matched_at is None
    assert "matched 2 article(s)" in run("match_claims")  # the earlier article too
    assert ClaimMatch.objects.count() == 2


def test_a_failure_in_matching_never_fails_a_file_import(tmp_path, monkeypatch, caplog):
    article(CLAIM)

    def broken(*args, **kwargs):
        raise RuntimeError("search index unavailable")

    monkeypatch.setattr(matching, "candidates", broken)
    out = run("import_articles", write(tmp_path, "jobs.txt", CLAIM))
    assert out.strip().splitlines() == [
        "matched 0 article(s): 0 claims, 0 same, 0 opposite; 1 failed (see the log; "
        "match_claims retries them)",
        "created 1, skipped 0, failed 0",
    ]
    jobs = Article.objects.get(title="jobs")
    assert (jobs.sentences.count(), jobs.matched_at) == (1, None)
    assert f"matching the claims of article {jobs.pk} failed" in caplog.text


def test_import_articles_with_a_broker_queues_the_matching(tmp_path, matching_queued):
    queued = matching_queued

    out = run("import_articles", write(tmp_path, "jobs.txt", CLAIM))

    jobs = Article.objects.get(title="jobs")
    assert queued == [[jobs.pk]]
    assert out.strip().splitlines()[0] == (
        "matching 1 new article(s) on the worker: 1 task(s) queued"
    )
