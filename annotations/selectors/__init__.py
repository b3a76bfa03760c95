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
from annotations.selectors.stats import StatsFilters, disputed_sentences, stats, stats_scope

__all__ = [
    "StatsFilters",
    "article_detail",
    "article_list",
    "article_queue",
    "assignment_list",
    "disputed_sentences",
    "label_list",
    "sentence_history",
    "sentence_list",
    "stats",
    "stats_scope",
    "workspace",
]
