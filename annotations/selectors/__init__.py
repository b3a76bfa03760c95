"""Every non-trivial read: the querysets and figures interfaces serve, with their joins planned
here so every interface gets them. One module per subject."""

from annotations.selectors.articles import (
    article_detail,
    article_detail_data,
    article_list,
    article_queue,
    assignment_list,
    label_list,
    sentence_detail_data,
    sentence_history,
    sentence_list,
    workspace,
)
from annotations.selectors.imports import import_job_list
from annotations.selectors.matching import (
    articles_to_match,
    matched_claims,
    matches_by_sentence,
    matches_of,
)
from annotations.selectors.progress import PROGRESS_COUNTS, PROGRESS_ORDERS, progress_page
from annotations.selectors.scope import StatsFilters, filter_articles, filter_tags, stats_scope
from annotations.selectors.stats import disputed_row, disputed_sentences, stats

__all__ = [
    "PROGRESS_COUNTS",
    "PROGRESS_ORDERS",
    "StatsFilters",
    "article_detail",
    "article_detail_data",
    "article_list",
    "article_queue",
    "articles_to_match",
    "assignment_list",
    "disputed_row",
    "disputed_sentences",
    "filter_articles",
    "filter_tags",
    "import_job_list",
    "label_list",
    "matched_claims",
    "matches_by_sentence",
    "matches_of",
    "progress_page",
    "sentence_detail_data",
    "sentence_history",
    "sentence_list",
    "stats",
    "stats_scope",
    "workspace",
]
