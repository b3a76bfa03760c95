from __future__ import annotations

import django_filters

from annotations.models import Article


class ArticleFilter(django_filters.FilterSet):
    source = django_filters.CharFilter(field_name="source")
    language = django_filters.CharFilter(field_name="language")
    tag = django_filters.CharFilter(field_name="tags__name", distinct=True)
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Title search")
    published_after = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="lt")

    class Meta:
        model = Article
        fields = ["source", "language", "tag", "q", "published_after", "published_before"]
