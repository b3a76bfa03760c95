"""Test data built through the same services the app uses."""

from __future__ import annotations

import itertools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from annotations import services
from annotations.models import Article, ClaimMatch, Sentence

_bodies = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=name) for name in extracted))
            self.save()


def sentences_text(count: int, *, seed: int | None = None) -> str:
    """A body of `count` plain sentences in paragraphs of five, unique per call."""
    seed = next(_bodies) if seed is None else seed
    sentences = [
        f"Officials in district {seed} reported {i + 1} new cases on Tuesday." for i in range(count)
    ]
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, count, 5)]
    return "\n".join(paragraphs)


def article_create(*, sentences: int = 5, imported_by=None, **fields) -> Article:
    """Import an article through services.article_import (so it has real sentences)."""
    data = {"title": f"Story {next(_bodies)}", "body": sentences_text(sentences), **fields}
    return services.article_import(data=data, imported_by=imported_by).article


def claim_match_create(
    sentence: Sentence, matched: Sentence, relation: str = "same", similarity: float = 0.9
) -> None:
    """Store a claim match both ways round, as services/matching.py does (without the judge)."""
    for a, b in ((sentence, matched), (matched, sentence)):
        ClaimMatch.objects.create(
            sentence=a,
            article_id=a.article_id,
            matched=b,
            matched_article_id=b.article_id,
            similarity=similarity,
            relation=relation,
            computed_at=timezone.now(),
        )
