"""The admin applies the API's rules: a reviewer made staff sees only the articles the API lists
for them and, under blind review, others' reviews, verdicts and history of a sentence only once
they have rated it; only those who may export everything export; only editors change things."""

from __future__ import annotations

import pytest

from annotations import services
from annotations.models import Article, Assignment, Verdict
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(reviewer, reviewer2, editor):
    """Two articles; rita is assigned the first and rated its first sentence, rob rated both
    of its sentences, the editor set both verdicts; nobody worked on the second article."""
    first, second = article_create(sentences=2), article_create(sentences=1)
    s1, s2 = first.sentences.order_by("index")
    services.review_save(sentence=s1, reviewer=reviewer2, label="mixed")
    services.review_save(sentence=s2, reviewer=reviewer2, label="mixed")
    services.review_save(sentence=s1, reviewer=reviewer, label="accurate")
    services.verdict_set(sentence=s1, user=editor, label="mixed")
    services.verdict_set(sentence=s2, user=editor, label="mixed")
    services.assignment_create(article_ids=[first.pk], reviewers=[reviewer], assigned_by=editor)
    return first, second


def staff(user):
    user.is_staff = True
    user.save()
    return user


# role, page -> rows listed (None: the page is refused)
TABLE = [
    ("rita", "article", 2),
    ("rita", "sentence", 3),
    ("rita", "review", 2),  # s1's two; rob's rating of s2 is blind to her
    ("rita", "verdict", 1),  # s1's; s2's verdict would steer her rating
    ("rita", "history", 3),  # s1's two reviews and its verdict
    ("rita", "assignment", 1),
    ("rita", "label", 7),
    ("rita closed", "article", 1),  # open reviewing off: only her assigned article
    ("rita closed", "sentence", 2),
    ("rita closed", "review", 2),
    ("ed", "article", 2),
    ("ed", "sentence", 3),
    ("ed", "review", 3),
    ("ed", "verdict", 2),
    ("ed", "history", 5),
    ("ed", "assignment", 1),
    ("root", "review", 3),
    ("root", "verdict", 2),
    ("root", "history", 5),
    ("rita open", "review", 3),  # blind review off: every review shows
    ("rita open", "verdict", 2),
    ("rita open", "history", 5),
]


def sign_in(client, settings, role: str, users: dict):
    name, _, mode = role.partition(" ")
    if mode == "closed":
        settings.FACTCHECK_OPEN_REVIEWING = False
    if mode == "open":
        settings.FACTCHECK_BLIND_REVIEW = False
    client.force_login(staff(users[name]))


@pytest.fixture
def users(reviewer, editor, superuser):
    return {"rita": reviewer, "ed": editor, "root": superuser}


@pytest.mark.parametrize(("role", "page", "rows"), TABLE)
def test_each_role_sees_in_the_admin_what_the_api_shows_it(
    client, settings, work, users, role, page, rows
):
    sign_in(client, settings, role, users)
    response = client.get(f"/admin/annotations/{page}/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == rows


def test_a_staff_reviewer_cannot_open_a_blind_review_by_its_url(client, work, reviewer, reviewer2):
    first, _ = work
    hidden = reviewer2.reviews.get(sentence__index=1)
    verdict = Verdict.objects.get(sentence=hidden.sentence)
    client.force_login(staff(reviewer))
    for url in (
        f"/admin/annotations/review/{hidden.pk}/change/",
        f"/admin/annotations/verdict/{verdict.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 302  # Django's "doesn't exist" redirect to the index
        assert str(hidden.sentence) not in client.get(response.url).content.decode()


def export(client, articles):
    return client.post(
        "/admin/annotations/article/",
        {"action": "export_selected", "_selected_action": [a.pk for a in articles]},
    )


@pytest.mark.parametrize(
    ("role", "exports"),
    [("rita", False), ("rita closed", False), ("rita open", True), ("ed", True), ("root", True)],
)
def test_only_who_may_export_through_the_api_exports_through_the_admin(
    client, settings, work, users, role, exports
):
    sign_in(client, settings, role, users)
    response = export(client, work)
    assert response.streaming is exports
    if not exports:
        assert response.status_code in (200, 302)
        assert b"export_selected" not in client.get("/admin/annotations/article/").content


ACTIONS = [
    ("/admin/annotations/article/", "assign_reviewers"),
    ("/admin/annotations/sentence/", "set_verdict"),
]


@pytest.mark.parametrize(("url", "action"), ACTIONS)
def test_a_staff_reviewer_cannot_run_editors_actions(client, work, reviewer, url, action):
    first, _ = work
    client.force_login(staff(reviewer))
    ids = [first.pk] if "article" in url else list(first.sentences.values_list("pk", flat=True))
    before = (Assignment.objects.count(), list(Verdict.objects.values_list("label", "version")))
    response = client.post(
        url,
        {
            "action": action,
            "apply": "1",
            "_selected_action": ids,
            "reviewers": [reviewer.pk],
            "label": "false",
            "rationale": "x",
        },
    )
    assert response.status_code in (200, 302)
    after = (Assignment.objects.count(), list(Verdict.objects.values_list("label", "version")))
    assert after == before


@pytest.mark.parametrize(
    "url",
    [
        "/admin/annotations/article/{article}/change/",
        "/admin/annotations/sentence/{sentence}/change/",
        "/admin/annotations/label/1/change/",
        "/admin/annotations/article/import/",
        "/admin/annotations/assignment/add/",
        "/admin/annotations/tag/add/",
    ],
)
def test_a_staff_reviewer_cannot_post_a_change_form(client, work, reviewer, url):
    first, _ = work
    client.force_login(staff(reviewer))
    sentence = first.sentences.first()
    before = list(Article.objects.values_list("title", "updated_at"))
    response = client.post(
        url.format(article=first.pk, sentence=sentence.pk),
        {"title": "Changed", "kind": "boilerplate", "name": "x", "article": first.pk},
    )
    assert response.status_code == 403
    assert list(Article.objects.values_list("title", "updated_at")) == before
    sentence.refresh_from_db()
    assert sentence.kind == "claim"


def test_reviewers_who_are_not_staff_are_kept_out(client, work):
    client.force_login(UserFactory(username="nina", groups=["reviewer"]))
    assert client.get("/admin/annotations/review/").status_code == 302
