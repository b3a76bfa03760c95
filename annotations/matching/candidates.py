"""Candidate claims for matching: the claim sentences of other articles most like a sentence.

At the bottom of the layers (models only), so that the services (which store matches) and the
selectors can both use it. PostgreSQL uses a trigram index (pg_trgm); other databases a bounded
scan scored with rapidfuzz.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from rapidfuzz import fuzz

from annotations.models import Sentence

LIMIT = 50
# Other databases: how many recent claim sentences one search reads at most.
SCAN_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class Candidate:
    sentence: int
    article: int
    text: str
    # 0..1, the database's similarity (trigram on PostgreSQL, rapidfuzz elsewhere)
    score: float


def candidates(
    texts: dict[int, str], exclude_article: int, limit: int = LIMIT
) -> dict[int, list[Candidate]]:
    """{sentence id: up to `limit` candidates, best first} for the claim sentences `texts`
    ({sentence id: text}) of article `exclude_article`: claim sentences of other articles."""
    if connection.vendor == "postgresql":
        return _postgresql(texts, exclude_article, limit)
    return _scan(texts, exclude_article, limit)


def _postgresql(texts: dict[int, str], exclude_article: int, limit: int) -> dict[int, list]:
    found: dict[int, list[Candidate]] = {}
    with connection.cursor() as cursor:
        for sid, text in texts.items():
            cursor.execute(
                "SELECT id, article_id, text, similarity(text, %s) AS score"
                " FROM annotations_sentence"
                " WHERE kind = 'claim' AND article_id <> %s AND text %% %s"
                " ORDER BY score DESC, id LIMIT %s",
                [text, exclude_article, text, limit],
            )
            found[sid] = [Candidate(*row) for row in cursor.fetchall()]
    return found


def _scan(texts: dict[int, str], exclude_article: int, limit: int) -> dict[int, list]:
    rows = list(
        Sentence.objects.filter(kind=Sentence.Kind.CLAIM)
        .exclude(article_id=exclude_article)
        .order_by("-id")
        .values_list("id", "article_id", "text")[:SCAN_LIMIT]
    )
    found: dict[int, list[Candidate]] = {}
    for sid, text in texts.items():
        lowered = text.lower()
        scored = [
            (fuzz.token_set_ratio(lowered, other.lower()) / 100, oid, aid, other)
            for oid, aid, other in rows
        ]
        scored.sort(key=lambda item: (-item[0], item[1]))
        found[sid] = [
            Candidate(oid, aid, other, score) for score, oid, aid, other in scored[:limit]
        ]
    return found
