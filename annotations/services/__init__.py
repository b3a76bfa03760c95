"""Every write to the domain goes through a function here, whatever the interface.

Each service validates its input, runs in one transaction and raises a DomainError (errors.py)
that the API, pages, admin and commands each turn into their own answer.
"""

from annotations.services.article_restore import article_restore
from annotations.services.articles import (
    ArticleInput,
    ImportResult,
    article_import,
    article_input_clean,
    article_update,
    articles_import,
    body_checksum,
)
from annotations.services.assignments import assignment_create, assignment_delete
from annotations.services.batch import BATCH, ImportSummary, records_import
from annotations.services.history import history_add, review_snapshot, verdict_snapshot
from annotations.services.history_restore import history_restore
from annotations.services.import_jobs import (
    Upload,
    import_job_create,
    import_job_run,
    import_preview,
)
from annotations.services.matching import (
    MatchSummary,
    article_match,
    articles_match,
    sentences_match,
)
from annotations.services.reviews import review_delete, review_save
from annotations.services.segments import sentence_kind_set, sentence_merge, sentence_split
from annotations.services.status import sentence_status_refresh, status_for
from annotations.services.verdicts import verdict_set

__all__ = [
    "ImportSummary",
    "MatchSummary",
    "article_match",
    "articles_match",
    "sentences_match",
    "records_import",
    "BATCH",
    "sentence_kind_set",
    "sentence_merge",
    "sentence_split",
    "assignment_create",
    "assignment_delete",
    "ArticleInput",
    "ImportResult",
    "article_import",
    "articles_import",
    "article_input_clean",
    "article_restore",
    "article_update",
    "body_checksum",
    "history_add",
    "history_restore",
    "import_job_create",
    "import_job_run",
    "import_preview",
    "Upload",
    "review_delete",
    "review_save",
    "review_snapshot",
    "sentence_status_refresh",
    "status_for",
    "verdict_set",
    "verdict_snapshot",
]
