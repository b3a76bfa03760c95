"""Every non-trivial read: the querysets and figures interfaces serve, with their joins planned
here so every interface gets them. One module per subject."""

from annotations.selectors.articles import (
    article_detail,
    article_list,
    article_queue,
    assignment_list,
    label_list,
    sentence_history,
    sentence_list,
    workspace,
)
from annotations.selectors.stats import (
    PROGRESS_COUNTS,
    PROGRESS_ORDERS,
    StatsFilters,
    disputed_sentences,
    filter_articles,
    filter_tags,
    progress_page,
    stats,
    stats_scope,
)

__all__ = [
    "PROGRESS_COUNTS",
    "PROGRESS_ORDERS",
    "StatsFilters",
    "article_detail",
    "article_list",
    "article_queue",
    "assignment_list",
    "disputed_sentences",
    "filter_articles",
    "filter_tags",
    "label_list",
    "progress_page",
    "sentence_history",
    "sentence_list",
    "stats",
    "stats_scope",
    "workspace",
]
