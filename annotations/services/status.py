"""What the review, verdict and history services share: the sentence lock, the label chosen,
and the status a change moves a sentence to (with the verdict a consensus sets by itself).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.db.models import Model
from django.utils import timezone

from annotations.errors import InvalidInput, NotFound, PreconditionFailed
from annotations.models import History, Label, Review, Sentence, Verdict
from annotations.services import summaries
from annotations.services.history import history_entry, verdict_snapshot

M = TypeVar("M", bound=Model)


def label_resolve(label: Label | str | None) -> Label:
    """The active label a review or verdict chose, or an error that lists the choices."""
    if label in (None, ""):
        choices = ", ".join(Label.objects.active().values_list("slug", flat=True))
        raise InvalidInput({"label": [f"This field is required; choose one of {choices}."]})
    if isinstance(label, Label):
        if not label.active:
            raise InvalidInput({"label": [f"label {label.slug!r} is retired."]})
        return label
    found = Label.objects.active().filter(slug=label).first() if isinstance(label, str) else None
    if found is None:
        choices = ", ".join(Label.objects.active().values_list("slug", flat=True))
        raise InvalidInput({"label": [f"label {label!r} does not exist; choose one of {choices}."]})
    return found


def status_for(label_ids: Iterable[int], has_verdict: bool) -> str:
    """The derived status of a sentence from its reviews' labels and whether a verdict exists."""
    if has_verdict:
        return Sentence.Status.FINAL
    distinct = set(label_ids)
    if not distinct:
        return Sentence.Status.PENDING
    return Sentence.Status.IN_REVIEW if len(distinct) == 1 else Sentence.Status.DISPUTED


def sentence_lock(sentence: Sentence | int) -> Sentence:
    """The sentence, locked, with its article's lock taken first (services/summaries.py).

    One statement: evaluating the row takes the article's lock (waiting for whoever changes
    that article), then the sentence's row is locked, which re-reads it if the one we waited
    for changed it. Every change to an article's sentences, reviews or verdicts takes the
    article's lock first, so the status computed here from the sentence's reviews and the
    article's summary recomputed at the end are never based on a stale read.
    """
    pk = sentence.pk if isinstance(sentence, Sentence) else sentence
    key = ("sentence_lock", connection.vendor)
    sql = _SQL.get(key)
    if sql is None:
        table, columns = _table(Sentence), _columns(Sentence, "s")
        if connection.vendor == "postgresql":
            # The ORM's select_for_update(no_key=True) annotated with the article's lock
            # (summaries.article_lock_expression), written out.
            sql = (
                f"SELECT {columns}, pg_advisory_xact_lock(s.{_quote('article_id')} + %s)"
                f" FROM {table} s WHERE s.{_quote('id')} = %s FOR NO KEY UPDATE"
            )
        else:  # SQLite serialises writers: no row locks
            sql = f"SELECT {columns} FROM {table} s WHERE s.{_quote('id')} = %s"
        _SQL[key] = sql
    params = [summaries.ARTICLE_LOCK_BASE, pk] if connection.vendor == "postgresql" else [pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise NotFound(f"sentence {pk} does not exist.")
    return instance_from_row(Sentence, row)


def sentence_reviews(sentence: Sentence) -> list[Review]:
    """Every review of the sentence, oldest first, with its label (not its reviewer) loaded.

    Call with the sentence locked (`sentence_lock`): they cannot change meanwhile."""
    key = ("sentence_reviews", connection.vendor)
    sql = _SQL.get(key)
    if sql is None:
        sql = (
            f"SELECT {_columns(Review, 'r')}, {_columns(Label, 'l')}"
            f" FROM {_table(Review)} r JOIN {_table(Label)} l"
            f" ON l.{_quote('id')} = r.{_quote('label_id')}"
            f" WHERE r.{_quote('sentence_id')} = %s"
            f" ORDER BY r.{_quote('created_at')}, r.{_quote('id')}"
        )
        _SQL[key] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql, [sentence.pk])
        rows = cursor.fetchall()
    width = len(Review._meta.concrete_fields)
    reviews = []
    for row in rows:
        review = instance_from_row(Review, row[:width])
        review.label = instance_from_row(Label, row[width:])
        reviews.append(review)
    return reviews


def verdict_flag(sentence: Sentence) -> None:
    """Mark the sentence's verdict for the editor's attention: a review changed after it."""
    # Shown to the editor instead of silently changing the verdict. (As QuerySet.update: the
    # verdict's updated_at stays.)
    rows_update(Verdict, {"needs_attention": True}, sentence_id=sentence.pk)


def sentence_status_refresh(
    sentence: Sentence,
    *,
    has_verdict: bool,
    reviews: Sequence[Review] | None = None,
    history: Sequence[History] = (),
) -> str:
    """Recompute and store a sentence's status and review summary, then its article's summary.

    Call inside the transaction that moved it, with the article locked (`sentence_lock`).
    `reviews` are the sentence's reviews as they now stand, with their labels, if the caller
    already has them. `history` are the change's unsaved entries: they are written here, with
    the consensus verdict's if this change completes one, in one INSERT.
    It also bumps `updated_at`, which `?updated_since=` and incremental exports rely on.
    """
    if reviews is None:
        reviews = sentence_reviews(sentence)
    rows = [(review.reviewer_id, review.label_id, review.updated_at) for review in reviews]
    label_ids = [label for _, label, _ in rows]
    status = status_for(label_ids, has_verdict)
    entries = list(history)
    if status == Sentence.Status.IN_REVIEW and _consensus_reached(label_ids):
        # They all agree: any review's label is the verdict's, already loaded.
        entries.append(_consensus_verdict(sentence, label=reviews[0].label, reviews=len(rows)))
        status = Sentence.Status.FINAL
    now = timezone.now()
    fields = {"status": status, "updated_at": now, **summaries.review_fields(rows)}
    # The history entries (their ids left unset), the sentence and the article's summary, in
    # one round trip on PostgreSQL.
    statements = [_insert_statement(entries, returning=False)] if entries else []
    statements.append(_update_statement(Sentence, fields, {"id": sentence.pk}))
    statements.append(summaries.article_summary_statement(sentence.article_id))
    if statements_run(statements) != 1:  # the article has no summary row yet
        summaries.article_summaries_refresh([sentence.article_id])
    sentence.status, sentence.updated_at = status, now
    return status


def _consensus_reached(label_ids: list[int]) -> bool:
    needed = settings.FACTCHECK_CONSENSUS_REVIEWERS
    return bool(needed) and len(label_ids) >= needed and len(set(label_ids)) == 1


def _consensus_verdict(sentence: Sentence, *, label: Label, reviews: int) -> History:
    """Enough reviewers agree and none disagrees: the verdict sets itself (editors may overrule).

    Returns its history entry, unsaved.
    """
    verdict = Verdict(
        sentence=sentence,
        article_id=sentence.article_id,
        label=label,
        rationale=f"Consensus of {reviews} reviewers.",
        is_consensus=True,
    )
    rows_insert([verdict])
    return history_entry(
        sentence=sentence,
        entity=History.Entity.VERDICT,
        entity_id=verdict.pk,
        action=History.Action.CREATE,
        actor=None,
        before=None,
        after=verdict_snapshot(verdict),
    )


def preconditions_check(
    current: Review | Verdict | None,
    snapshot: Callable[[Any], dict],
    *,
    expected_version: int | None,
    create_only: bool,
    exists: str,
    stale: str,
) -> None:
    """The conditional-request rule of reviews and verdicts, with the stored state in the 412:
    `create_only` (If-None-Match: *) fails when one exists; `expected_version` (If-Match)
    fails when it is not the stored version (None: nothing stored)."""
    if create_only and current is not None:
        raise PreconditionFailed(exists, current=snapshot(current))
    version = current.version if current is not None else None
    if expected_version is not None and expected_version != version:
        raise PreconditionFailed(stale, current=snapshot(current) if current else None)


# --- SQL written out for the hot path ------------------------------------------------------------
# Saving a review is the most frequent request (docs/performance.md): compiling its queries
# through the ORM on every call cost more CPU than the database spent running them. The
# statements above are written out once per database; their columns, and the conversion of
# values to and from the database, come from the models' fields, exactly as the ORM does it.

_SQL: dict[Any, Any] = {}


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[Model]) -> str:
    return _quote(model._meta.db_table)


def _columns(model: type[Model], alias: str) -> str:
    """Every column of `model`, in field order (what instance_from_row reads)."""
    return ", ".join(f"{alias}.{_quote(field.column)}" for field in model._meta.concrete_fields)


def instance_from_row(model: type[M], values: Sequence[Any]) -> M:
    """An instance of `model` from a row of its columns (_columns), converted from the
    database's values as the ORM converts them (JSON, date-times and booleans on SQLite)."""
    key = ("converters", connection.alias, model)
    converters = _SQL.get(key)
    if converters is None:
        converters = []
        for index, field in enumerate(model._meta.concrete_fields):
            column = field.get_col(model._meta.db_table)
            functions = connection.ops.get_db_converters(column) + column.get_db_converters(
                connection
            )
            if functions:
                converters.append((index, functions, column))
        _SQL[key] = converters
    fields = len(model._meta.concrete_fields)
    values = list(values[:fields])
    for index, functions, column in converters:
        value = values[index]
        for function in functions:
            value = function(value, column, connection)
        values[index] = value
    return model.from_db(connection.alias, None, values)


def _insert_statement(instances: Sequence[Model], *, returning: bool) -> tuple[str, list]:
    """The INSERT of these new instances of one model, and its parameters."""
    model = type(instances[0])
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    key = ("insert", connection.vendor, model, len(instances), returning)
    sql = _SQL.get(key)
    if sql is None:
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (
            f"INSERT INTO {_table(model)} ({', '.join(_quote(f.column) for f in fields)})"
            f" VALUES {', '.join([row] * len(instances))}"
        )
        if returning:
            sql += f" RETURNING {_quote(model._meta.pk.column)}"
        _SQL[key] = sql
    params = [
        field.get_db_prep_save(field.pre_save(instance, True), connection)
        for instance in instances
        for field in fields
    ]
    return sql, params


def rows_insert(instances: Sequence[Model]) -> None:
    """INSERT these new instances of one model in one statement and set their ids, as
    `save()` and `bulk_create` do (defaults and auto_now fields filled in by the fields)."""
    if not instances:
        return
    returning = connection.features.can_return_rows_from_bulk_insert
    sql, params = _insert_statement(instances, returning=returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            ids = [row[0] for row in cursor.fetchall()]
        else:  # one row at a time without RETURNING (save() takes this path too)
            ids = [cursor.lastrowid] if len(instances) == 1 else [None] * len(instances)
    for instance, pk in zip(instances, ids, strict=True):
        instance.pk = pk
        instance._state.adding, instance._state.db = False, connection.alias


def _update_statement(
    model: type[Model], values: dict[str, Any], where: dict[str, Any]
) -> tuple[str, list]:
    """The UPDATE of `model`'s rows matching `where` with `values`, and its parameters."""
    key = ("update", connection.vendor, model, tuple(values), tuple(where))
    sql = _SQL.get(key)
    if sql is None:
        meta = model._meta
        assignments = ", ".join(f"{_quote(meta.get_field(name).column)} = %s" for name in values)
        conditions = " AND ".join(f"{_quote(meta.get_field(name).column)} = %s" for name in where)
        sql = f"UPDATE {_table(model)} SET {assignments} WHERE {conditions}"
        _SQL[key] = sql
    params = [
        model._meta.get_field(name).get_db_prep_save(value, connection)
        for name, value in values.items()
    ]
    return sql, [*params, *where.values()]


def rows_update(model: type[Model], values: dict[str, Any], **where: Any) -> int:
    """UPDATE `model`'s rows matching `where` (columns by equality) with `values`, converted
    as QuerySet.update converts them; the rows changed."""
    sql, params = _update_statement(model, values, where)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def statements_run(statements: Sequence[tuple[str, list]]) -> int:
    """Run these statements in order; the rows the last one changed.

    PostgreSQL gets them in one round trip (psycopg2 sends statements joined by semicolons
    as one query); other databases run them one by one.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statements = [_server_prepared(cursor, sql, params) for sql, params in statements]
            sql = ";\n".join(sql for sql, _ in statements)
            cursor.execute(sql, [param for _, params in statements for param in params])
        else:
            for sql, params in statements:
                cursor.execute(sql, params)
        return cursor.rowcount


# The article summary's recomputation took PostgreSQL longer to plan (about 1 ms) than to run
# (0.5 ms) on every save: it is prepared once per database session (PREPARE) and executed.
_SUMMARY_PREPARED = "factcheck_article_summary"


def _server_prepared(cursor: Any, sql: str, params: list) -> tuple[str, list]:
    """`sql` as an EXECUTE of the session's prepared statement if it is the summary's
    recomputation (prepared on first use on each database connection), else as it is."""
    if sql is not summaries.article_summary_sql():
        return sql, params
    # This thread's wrapper (django.db.connection is a proxy shared by every thread), and its
    # session: after a reconnect the new session prepares it again.
    wrapper = connections[connection.alias]
    if getattr(wrapper, "_factcheck_summary_prepared", None) is not wrapper.connection:
        # PREPARE outlives a rolled-back transaction: once done, it stays for the session.
        cursor.execute(f"PREPARE {_SUMMARY_PREPARED}(bigint) AS {sql.replace('%s', '$1')}")
        wrapper._factcheck_summary_prepared = wrapper.connection
    return f"EXECUTE {_SUMMARY_PREPARED}(%s)", params


def instance_update(instance: Model, fields: Sequence[str]) -> None:
    """`instance.save(update_fields=fields)`, written out (auto_now fields set by the field)."""
    meta = type(instance)._meta
    values = {name: meta.get_field(name).pre_save(instance, False) for name in fields}
    if not rows_update(type(instance), values, id=instance.pk):
        raise DatabaseError("Save with update_fields did not affect any rows.")
