"""The domain: articles split into sentences, rated by reviewers, settled by editors.

Integrity lives in the database (named constraints below); behaviour lives in services.py and
selectors.py. Deleting is protected wherever it would take reviewers' work with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def with_sentence_counts(self) -> ArticleQuerySet:
        """Annotate claim / sentence / per-status counts from the summary, for progress bars."""
        return self.annotate(
            sentence_count=models.F("summary__sentences"),
            claim_count=models.F("summary__claims"),
            **{
                f"{status}_count": models.F(f"summary__{status}")
                for status in ("pending", "in_review", "disputed", "final")
            },
        )


class Article(models.Model):
    title = models.CharField(max_length=500)
    # The exact text as imported; never altered afterwards because sentence offsets point into it.
    body = models.TextField()
    source = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, default="en")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    # sha256 of the normalised body: the same story is not imported twice.
    checksum = models.CharField(max_length=64, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imported_articles",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When its claims were last matched against other articles' (services/matching.py); null
    # until then, which is what `manage.py match_claims` picks up.
    matched_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["checksum"], name="article_unique_checksum"),
            models.CheckConstraint(condition=~Q(body=""), name="article_body_not_empty"),
        ]
        indexes = [
            # The article list is newest first; exports walk by id.
            models.Index(fields=["-created_at", "-id"], name="article_created_idx"),
            models.Index(fields=["source"], name="article_source_idx"),
            models.Index(fields=["published_at"], name="article_published_idx"),
            # The stats cache's fingerprint reads MAX(updated_at) on every dashboard request.
            models.Index(fields=["updated_at"], name="article_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.title


# A sentence's packed review summary (Sentence.review_labels / review_codes), written by
# services/summaries.py and read by the selectors: the format lives here only.


def review_labels_pack(counts: Mapping[int, int]) -> str:
    """{label id: reviews} as `review_labels`: "label_id:count,...", by label id."""
    return ",".join(f"{label}:{n}" for label, n in sorted(counts.items()))


def review_labels_parse(text: str) -> dict[int, int]:
    """`review_labels` back into {label id: reviews}."""
    return {
        int(label): int(n) for label, n in (item.split(":") for item in text.split(",") if item)
    }


def review_codes_pack(codes: Iterable[tuple[int, int]]) -> str:
    """[(reviewer id, label id)] as `review_codes`: "reviewer_id:label_id,...", in the order
    given (the services give them by reviewer id)."""
    return ",".join(f"{reviewer}:{label}" for reviewer, label in codes)


def review_codes_parse(text: str) -> list[tuple[int, int]]:
    """`review_codes` back into [(reviewer id, label id)], by reviewer id."""
    return [
        (int(reviewer), int(label))
        for reviewer, label in (item.split(":") for item in text.split(",") if item)
    ]


class SentenceQuerySet(models.QuerySet):
    def claims(self) -> SentenceQuerySet:
        return self.filter(kind=Sentence.Kind.CLAIM)

    def disputed(self) -> SentenceQuerySet:
        return self.filter(status=Sentence.Status.DISPUTED)

    def units(self) -> SentenceQuerySet:
        """The units of agreement: sentences with two or more reviews (sentence_unit_idx)."""
        return self.filter(review_count__gte=2)

    def reviewed_by(self, reviewer_id: int) -> SentenceQuerySet:
        """Sentences `reviewer_id` reviewed, read off `review_codes` (no join to the reviews)."""
        return self.filter(
            Q(review_codes__startswith=f"{reviewer_id}:")
            | Q(review_codes__contains=f",{reviewer_id}:")
        )


class Sentence(models.Model):
    class Kind(models.TextChoices):
        CLAIM = "claim", "claim"
        BOILERPLATE = "boilerplate", "boilerplate"

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        IN_REVIEW = "in_review", "in review"
        DISPUTED = "disputed", "disputed"
        FINAL = "final", "final"

    # Cascade is safe: Review and Verdict protect their sentence, so an article whose sentences
    # carry work cannot be deleted.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sentences")
    index = models.PositiveIntegerField()
    paragraph = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CLAIM)
    # Derived from reviews and verdict, kept in a column (updated in the same transaction as the
    # change that moves it) so that filtering a million sentences by status is an index scan.
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # What its reviews add up to, written in the same UPDATE as `status` (services/summaries.py)
    # so that the dashboards' agreement reads one row per sentence instead of every review:
    # how many, the last change, the labels given ("label_id:count,...", by label id) and who
    # gave which ("reviewer_id:label_id,...", by reviewer id).
    # (Database defaults too, for the bulk inserts of imports that bypass the ORM.)
    review_count = models.PositiveSmallIntegerField(default=0, db_default=0, editable=False)
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_labels = models.TextField(blank=True, default="", db_default="", editable=False)
    review_codes = models.TextField(blank=True, default="", db_default="", editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SentenceQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "index"]
        constraints = [
            models.UniqueConstraint(fields=["article", "index"], name="sentence_unique_index"),
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(end__gt=models.F("start")),
                name="sentence_offsets_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["claim", "boilerplate"]), name="sentence_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "in_review", "disputed", "final"]),
                name="sentence_status_valid",
            ),
        ]
        indexes = [
            # /api/sentences/?status= and the dashboards' counts.
            models.Index(fields=["status", "kind"], name="sentence_status_idx"),
            # /api/sentences/?updated_since= and incremental exports.
            models.Index(fields=["updated_at"], name="sentence_updated_idx"),
            # The units of agreement (sentences with two or more reviews): an article's when
            # its summary is recomputed, all of them for the dashboards, which read only the
            # columns included (an index-only scan on PostgreSQL; other databases ignore
            # `include`, hence models.W040 silenced in settings).
            models.Index(
                fields=["article", "reviewed_at"],
                include=["review_labels", "review_codes"],
                condition=Q(review_count__gte=2),
                name="sentence_unit_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}#{self.index}: {self.text[:60]}"


class ArticleSummary(models.Model):
    """An article's figures for lists and dashboards, kept up to date by services/summaries.py
    in the transaction of every change to its sentences, reviews or verdicts.

    Status counts are of claims. A unit is a sentence with two or more reviews; the unit_*
    sums are what Krippendorff's nominal alpha needs: the values n, the disagreements
    sum((m^2 - sum n_c^2) / (m - 1)) and sum(n_c^2) over the labels c (annotations.agreement).
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    sentences = models.PositiveIntegerField(default=0)
    claims = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    in_review = models.PositiveIntegerField(default=0)
    disputed = models.PositiveIntegerField(default=0)
    final = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    unit_reviews = models.PositiveIntegerField(default=0)
    unit_disagreement = models.FloatField(default=0)
    unit_label_squares = models.BigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "article summaries"

    def __str__(self) -> str:
        return f"summary of {self.article_id}"


class LabelQuerySet(models.QuerySet):
    def active(self) -> LabelQuerySet:
        return self.filter(active=True)


class Label(models.Model):
    """One value of the team's rating scale."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    colour = models.CharField(
        max_length=7,
        default="#888888",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1a9850.")],
    )
    key = models.CharField(max_length=1, blank=True, help_text="Keyboard key, 1-9.")
    order = models.PositiveSmallIntegerField(default=0)
    # ClaimReview mapping: 1 (worst) .. 5 (best), or none (e.g. unverifiable).
    rating_value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    is_claim = models.BooleanField(default=True, help_text="False for 'not a claim'.")
    requires_evidence = models.BooleanField(default=False)
    # Retired labels disappear from choices but keep every review that used them.
    active = models.BooleanField(default=True)

    objects = LabelQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(active=True) & ~Q(key=""),
                name="label_unique_active_key",
                violation_error_message="Another active label already uses this key.",
            ),
            models.CheckConstraint(
                condition=Q(rating_value__isnull=True)
                | Q(rating_value__gte=1, rating_value__lte=5),
                name="label_rating_value_range",
            ),
            models.CheckConstraint(
                condition=Q(key="") | Q(key__in=list("123456789")), name="label_key_digit"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReviewQuerySet(models.QuerySet):
    def by(self, reviewer_id: int) -> ReviewQuerySet:
        return self.filter(reviewer=reviewer_id)

    def of_claims(self) -> ReviewQuerySet:
        """Reviews of claims (a reviewer's progress counts these)."""
        return self.filter(sentence__kind=Sentence.Kind.CLAIM)


class Review(models.Model):
    """One reviewer's rating of one sentence; changing it updates it (and bumps version)."""

    sentence = models.ForeignKey(Sentence, on_delete=models.PROTECT, related_name="reviews")
    # The sentence's article, stored too (set on creation; a sentence never changes article) so
    # that a reviewer's articles and the dashboards' per-source figures skip the sentences.
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="reviews", editable=False
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    label = models.ForeignKey(Label, on_delete=models.PROTECT, related_name="reviews")
    note = models.TextField(blank=True)
    # [{url, title, quote, stance}], validated by services.review_save; stance is one of
    # supports / refutes / context. Kept with the review so each version is one row.
    evidence = models.JSONField(default=list, blank=True)
    # Optimistic concurrency: clients send it back as If-Match.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["sentence_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sentence", "reviewer"], name="review_unique_sentence_reviewer"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="review_version_positive"),
        ]
        indexes = [
            # Per-reviewer throughput per day, and ?reviewer= filters.
            models.Index(fields=["reviewer", "updated_at"], name="review_reviewer_idx"),
            # The team's throughput over the last days.
            models.Index(fields=["updated_at"], name="review_updated_idx"),
            # A reviewer's articles (index only).
            models.Index(fields=["reviewer", "article"], name="review_reviewer_article_idx"),
            # ?label= filters, and the dashboards' counts by label and reviewer (index only).
            models.Index(fields=["label", "reviewer"], name="review_label_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.sentence_id}: {self.label}"


class Verdict(models.Model):
    """The final status of a sentence, set by an editor or by reviewers' consensus."""

    sentence = models.OneToOneField(Sentence, on_delete=models.PROTECT, related_name="verdict")
    # The sentence's article, stored too as for reviews (per-source figures skip the sentences).
    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="verdicts", editable=False
    )
    label = models.ForeignKey(Label, on_delete=models.PROTECT, related_name="verdicts")
    rationale = models.TextField(blank=True)
    # Null when the verdict was set automatically by consensus.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verdicts",
    )
    is_consensus = models.BooleanField(default=False)
    # Set when a review changes after the verdict, so an editor looks again.
    needs_attention = models.BooleanField(default=False)
    # The sources of a published fact-check: a list of {url, title, quote, stance}, as a review's.
    evidence = models.JSONField(default=list, blank=True)
    # A verdict is a draft until an editor publishes it (services/verdicts.py); only then is it
    # public (/claims/{id}/, the feed, the sitemap, ClaimReview).
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    # The last correction while published (ClaimReview's dateModified); null: none since.
    corrected_at = models.DateTimeField(null=True, blank=True)
    # When an editor took a published fact-check down: its page answers 410 Gone, not 404.
    unpublished_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="verdict_version_positive"),
            # Published exactly when it has a publication date.
            models.CheckConstraint(
                condition=Q(published=True, published_at__isnull=False)
                | Q(published=False, published_at__isnull=True),
                name="verdict_published_dated",
            ),
        ]
        indexes = [
            # Counts by label and flag for the dashboards (index only).
            models.Index(fields=["label", "needs_attention"], name="verdict_label_idx"),
            # The public index and feed: published fact-checks, newest first.
            models.Index(fields=["published", "-published_at"], name="verdict_published_idx"),
        ]

    def __str__(self) -> str:
        return f"verdict on {self.sentence_id}: {self.label}"

    @property
    def modified_at(self):
        """When the published fact-check last changed (its publication or last correction)."""
        return self.corrected_at or self.published_at


class Correction(models.Model):
    """A change to a published verdict's rating, rationale or sources, shown on its public page.

    Kept beside the history (which records every change to the verdict, drafts included): this
    is the public log, with the editor's note to readers.
    """

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="corrections")
    label_before = models.ForeignKey(Label, on_delete=models.PROTECT, related_name="+")
    label_after = models.ForeignKey(Label, on_delete=models.PROTECT, related_name="+")
    # What changed and why, in the editor's words, for readers.
    note = models.TextField(blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"correction of verdict {self.verdict_id} on {self.created_at:%Y-%m-%d}"

    @property
    def relabelled(self) -> bool:
        return self.label_before_id != self.label_after_id


class History(models.Model):
    """Append-only record of every create, change and delete of a review or verdict, and of
    every edit of an article's metadata or a sentence's kind."""

    class Entity(models.TextChoices):
        REVIEW = "review", "review"
        VERDICT = "verdict", "verdict"
        # An edit of an article's metadata and tags (`sentence` is null; entity_id is the
        # article) and of a sentence's kind; neither is restored from history.
        ARTICLE = "article", "article"
        SENTENCE = "sentence", "sentence"

    class Action(models.TextChoices):
        CREATE = "create", "create"
        UPDATE = "update", "update"
        DELETE = "delete", "delete"
        RESTORE = "restore", "restore"

    # SET_NULL: history outlives a sentence removed by a segmentation fix; `article` and the
    # snapshot in before/after still say where it belonged.
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, related_name="history"
    )
    sentence = models.ForeignKey(
        Sentence, on_delete=models.SET_NULL, null=True, related_name="history"
    )
    entity = models.CharField(max_length=16, choices=Entity.choices)
    entity_id = models.BigIntegerField()
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "history"
        constraints = [
            models.CheckConstraint(
                condition=Q(entity__in=["review", "verdict", "article", "sentence"]),
                name="history_entity_valid",
            ),
            models.CheckConstraint(
                condition=Q(action__in=["create", "update", "delete", "restore"]),
                name="history_action_valid",
            ),
        ]
        indexes = [
            # /api/sentences/{id}/history/ lists a sentence's entries oldest first.
            models.Index(fields=["sentence", "created_at"], name="history_sentence_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.entity} {self.entity_id}"


class Assignment(models.Model):
    """A reviewer asked to work on an article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reviewer"], name="assignment_unique_article_reviewer"
            ),
        ]
        indexes = [
            # ?assigned_to=me
            models.Index(fields=["reviewer", "article"], name="assignment_reviewer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.article_id}"


class ImportJob(models.Model):
    """Files to import as articles, run by a task (services/import_jobs.py, annotations/tasks.py).

    Its counts move as the task goes; each article is committed on its own, so a job whose
    worker died can run again: what it already created is found as a duplicate and counted as
    its own.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    # Metadata given with the upload, for the records that have none (title, source, url,
    # published_at, language, tags), as the import's input serializer reads them.
    defaults = models.JSONField(default=dict, blank=True)
    # Records read so far (known once the files are read) and processed.
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # [{"file", "line" (or null), "message"}], one per record that failed.
    errors = models.JSONField(default=list, blank=True)
    # The ids of the articles this job created, in order.
    articles = models.JSONField(default=list, blank=True)
    # Why the job as a whole failed (a record's failure is in `errors`).
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "failed"]),
                name="import_job_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"import job {self.pk} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class ImportFile(models.Model):
    """One uploaded file of an import job (a zip's members are each a file), kept in the
    database so that a worker on another machine reads it."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=500)
    content = models.BinaryField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="import_file_position"),
        ]

    def __str__(self) -> str:
        return self.name


class Preferences(models.Model):
    """A user's workspace settings, kept on the server so they follow the user between browsers.

    One row per user, created the first time a setting is changed; without it, every default.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="factcheck_preferences",
    )
    # After a label is saved, the workspace moves to the next claim the user has not rated.
    auto_advance = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"preferences of user #{self.user_id}"


class ClaimMatch(models.Model):
    """`sentence` makes the same claim as `matched` (or its opposite), a claim sentence of
    another article, found by annotations/matching (candidates, then the judge).

    Stored both ways round: a pair found when the later article was imported shows on both
    sentences. The matched sentence's verdict is read live, never copied here.
    """

    class Relation(models.TextChoices):
        SAME = "same", "same claim"
        OPPOSITE = "opposite", "opposite claim"

    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="matches")
    # The sentence's article, kept here so that the queue counts an article's matched claims
    # without joining the sentences.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    matched = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="+")
    matched_article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField()
    relation = models.CharField(max_length=16, choices=Relation.choices)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["sentence", "-similarity", "matched"]
        constraints = [
            models.UniqueConstraint(fields=["sentence", "matched"], name="claim_match_unique"),
            models.CheckConstraint(
                condition=~Q(article=models.F("matched_article")),
                name="claim_match_other_article",
            ),
            models.CheckConstraint(
                condition=Q(relation__in=["same", "opposite"]), name="claim_match_relation_valid"
            ),
            models.CheckConstraint(
                condition=Q(similarity__gte=0) & Q(similarity__lte=1),
                name="claim_match_similarity_range",
            ),
        ]
        indexes = [
            models.Index(fields=["matched"], name="claim_match_matched_idx"),
            models.Index(fields=["article", "relation"], name="claim_match_article_idx"),
        ]

    def __str__(self) -> str:
        return f"sentence #{self.sentence_id} {self.relation} #{self.matched_id}"
