"""Assigning reviewers to articles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from annotations import permissions
from annotations.errors import Forbidden, InvalidInput, NotFound, is_id
from annotations.models import Article, Assignment


def assignment_create(
    *,
    article_ids: Iterable[int],
    reviewers: Iterable[str | AbstractBaseUser],
    assigned_by: AbstractBaseUser,
    due_date: date | None = None,
) -> list[Assignment]:
    """Assign every reviewer to every article; existing assignments get the new due date."""
    if not permissions.can_assign(assigned_by):
        raise Forbidden("Only editors may assign work.")
    article_ids = list(dict.fromkeys(article_ids))
    if not article_ids:
        raise InvalidInput({"articles": ["Name at least one article."]})
    if not all(is_id(a) for a in article_ids):
        raise InvalidInput({"articles": ["Must be a list of article ids."]})
    found = set(Article.objects.filter(pk__in=article_ids).values_list("pk", flat=True))
    missing = [a for a in article_ids if a not in found]
    if missing:
        raise InvalidInput({"articles": [f"Article {missing[0]} does not exist."]})
    users = _reviewers_resolve(reviewers)

    with transaction.atomic():
        existing = {
            (a.article_id, a.reviewer_id): a
            for a in Assignment.objects.filter(article_id__in=article_ids, reviewer__in=users)
        }
        result, new = [], []
        for article_id in article_ids:
            for user in users:
                assignment = existing.get((article_id, user.pk))
                if assignment is None:
                    assignment = Assignment(
                        article_id=article_id,
                        reviewer=user,
                        assigned_by=assigned_by,
                        due_date=due_date,
                    )
                    new.append(assignment)
                elif due_date is not None and assignment.due_date != due_date:
                    assignment.due_date = due_date
                    assignment.save(update_fields=["due_date"])
                result.append(assignment)
        Assignment.objects.bulk_create(new)
    return result


def _reviewers_resolve(reviewers: Iterable[str | AbstractBaseUser]) -> list[AbstractBaseUser]:
    names = [r if isinstance(r, str) else r.get_username() for r in reviewers]
    if not names:
        raise InvalidInput({"reviewers": ["Name at least one reviewer."]})
    users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=names)}
    result = []
    for name in dict.fromkeys(names):
        user = users.get(name)
        if user is None:
            raise InvalidInput({"reviewers": [f"User {name!r} does not exist."]})
        if not permissions.is_reviewer(user):
            raise InvalidInput({"reviewers": [f"User {name!r} is not a reviewer."]})
        result.append(user)
    return result


def assignment_delete(*, assignment: Assignment | int, deleted_by: AbstractBaseUser) -> None:
    """Unassign a reviewer; the reviews already made stay."""
    if not permissions.can_assign(deleted_by):
        raise Forbidden("Only editors may assign work.")
    pk = assignment.pk if isinstance(assignment, Assignment) else assignment
    deleted, _ = Assignment.objects.filter(pk=pk).delete()
    if not deleted:
        raise NotFound(f"Assignment {pk} does not exist.")
