"""What the figures of /api/stats/ and /dashboard/ cover, and how they are cached.

`StatsFilters` says what a request asks for, `stats_scope` what a viewer may see of it, and
`articles_in_scope` / `article_q` / `in_dates` turn it into querysets. The figures are cached
under `cache_key`, which holds a fingerprint of everything they are computed from, so a change
anywhere gives a new key instead of a stale answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet
from django.utils import timezone

from annotations.models import (
    Article,
    Assignment,
    ClaimMatch,
    History,
    Review,
    Sentence,
    Tag,
)
from annotations.permissions import Viewer
from annotations.replica import read_alias

STATS_CACHE_SECONDS = 300  # also bounds how stale the time-dependent figures (backlog age) get


@dataclass(frozen=True)
class StatsFilters:
    """What the figures cover (validated by annotations.filters.StatsFilterForm).

    `source`, `tag` and `reviewer` narrow the articles; `date_from` / `date_to` (days in the
    site's time zone, both included) narrow the activity: reviews and verdicts by their last
    change, agreement by the day a sentence was last reviewed. Without dates activity is
    counted over all time, and the charts over time show the last `days` days.
    """

    date_from: date | None = None
    date_to: date | None = None
    source: str = ""
    tag: str = ""
    reviewer: str = ""  # a username; reviewer_id is its pk
    reviewer_id: int | None = None
    days: int = 30

    def window(self, today: date) -> tuple[date, date]:
        """The days the charts over time cover."""
        end = self.date_to or today
        start = self.date_from or end - timedelta(days=self.days - 1)
        return start, end

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (empty ones left out), for links and CSV URLs."""
        params = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "source": self.source,
            "tag": self.tag,
            "reviewer": self.reviewer,
            "days": str(self.days) if self.days != 30 else "",
        }
        return {key: value for key, value in params.items() if value}


def stats_scope(viewer: Viewer, filters: StatsFilters) -> StatsFilters:
    """The filters a viewer's figures really use: a reviewer sees only their own."""
    if viewer.is_editor:
        return filters
    return replace(filters, reviewer=viewer.user.get_username(), reviewer_id=viewer.user.pk)


def filter_articles(viewer: Viewer) -> QuerySet[Article]:
    """The articles whose sources and tags the viewer's filters may name and menus offer.

    Everyone's when the viewer may see every article; with closed reviewing, a reviewer's own
    (those their figures cover), so that a source or tag of articles they may not see answers
    exactly as one that does not exist.
    """
    if viewer.sees_all_articles:
        return Article.objects.all()
    return articles_in_scope(StatsFilters(reviewer_id=viewer.user.pk))


def filter_tags(viewer: Viewer) -> QuerySet[Tag]:
    """The tags the viewer's filters may name (all, or those of filter_articles)."""
    if viewer.sees_all_articles:
        return Tag.objects.all()
    return Tag.objects.filter(articles__in=filter_articles(viewer)).distinct()


def article_q(filters: StatsFilters, prefix: str = "") -> Q:
    """The source and tag filters on articles, from a model `prefix` away (e.g. "article__")."""
    q = Q()
    if filters.source:
        q &= Q(**{f"{prefix}source": filters.source})
    if filters.tag:
        q &= Q(**{f"{prefix}tags__name": filters.tag})
    return q


def _datetime_range(filters: StatsFilters) -> tuple[datetime | None, datetime | None]:
    """The date filters as [start, end) instants in the site's time zone."""
    zone = timezone.get_current_timezone()
    start = end = None
    if filters.date_from:
        start = datetime.combine(filters.date_from, time.min, tzinfo=zone)
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def in_dates(filters: StatsFilters, field: str = "updated_at") -> Q:
    """`field` within the date filters (no condition without dates)."""
    start, end = _datetime_range(filters)
    q = Q()
    if start:
        q &= Q(**{f"{field}__gte": start})
    if end:
        q &= Q(**{f"{field}__lt": end})
    return q


def narrowed(filters: StatsFilters) -> bool:
    """Whether dates or a reviewer narrow the units of agreement (per-article alpha then
    cannot come from the articles' summaries, which count all their units)."""
    return bool(filters.date_from or filters.date_to or filters.reviewer_id is not None)


def articles_in_scope(filters: StatsFilters) -> QuerySet[Article]:
    """The articles the figures cover. A reviewer's are those assigned to them and those they
    reviewed in."""
    articles = Article.objects.filter(article_q(filters))
    if filters.reviewer_id is not None:
        mine = filters.reviewer_id
        # As semi-joins: the reviewer's reviews are read once (by review_reviewer_idx), not
        # probed for every article.
        articles = articles.filter(
            Q(pk__in=Assignment.objects.filter(reviewer=mine).values("article_id"))
            | Q(pk__in=Review.objects.by(mine).values("article_id"))
        )
    return articles


def cache_key(kind: str, filters: StatsFilters, *parts: Any) -> str:
    """A cache key for figures of `kind` under `filters`, computed from `parts`, which
    changes whenever the data they are computed from does (see _fingerprint)."""
    today = timezone.localdate().isoformat()
    zone = timezone.get_current_timezone_name()
    value = repr((_fingerprint(filters), today, zone, sorted(filters.as_params().items()), parts))
    return f"{kind}:3:" + hashlib.sha256(value.encode()).hexdigest()


def _fingerprint(filters: StatsFilters) -> tuple:
    """Values that change whenever anything the figures are computed from changes; one query.

    Every write of a review or verdict adds a History row (deletes too) and bumps its
    sentence's updated_at, as does a change of a sentence's kind; imports add articles and
    sentences; an edit of an article's metadata (title, source, ...) bumps its updated_at, and
    tags are linked and unlinked through rows of their own; assignments are few. With a tag
    filter, which tag bears that name (a renamed tag answers as another). Claim matching
    replaces an article's matches with new rows (new ids) and drops a sentence's with a change
    of its kind. Labels are part of
    the key itself (stats reads them anyway). Not covered: a renamed user, whose name shows
    in the figures until they expire (STATS_CACHE_SECONDS).
    """
    connection = connections[read_alias()]  # where the figures are read from
    quote = connection.ops.quote_name
    table = {
        model: quote(model._meta.db_table)
        for model in (History, Sentence, Article, Assignment, Tag, Article.tags.through, ClaimMatch)
    }
    links = table[Article.tags.through]
    params: list[Any] = []
    tag = "NULL"
    if filters.tag:
        tag = f"(SELECT MIN(id) FROM {table[Tag]} WHERE name = %s)"
        params.append(filters.tag)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {table[History]}),"
            f" (SELECT MAX(id) FROM {table[Sentence]}),"
            f" (SELECT MAX(updated_at) FROM {table[Sentence]}),"
            f" (SELECT MAX(id) FROM {table[Article]}),"
            f" (SELECT COUNT(*) FROM {table[Article]}),"
            f" (SELECT MAX(updated_at) FROM {table[Article]}),"
            f" (SELECT MAX(id) FROM {links}),"
            f" (SELECT COUNT(*) FROM {links}),"
            f" (SELECT MAX(id) FROM {table[Assignment]}),"
            f" (SELECT COUNT(*) FROM {table[Assignment]}),"
            f" (SELECT MAX(id) FROM {table[ClaimMatch]}),"
            f" {tag}",
            params,
        )
        return tuple(str(value) for value in cursor.fetchone())
