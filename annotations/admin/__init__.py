"""The Django admin: articles with sentences inline, the scale, reviews, read-only history.

The admin obeys the same rules as the API: every write with business rules goes through a
service (sentence kinds, verdicts, assignments, imports), every list shows a staff member only
what the API would show them (permissions.viewer_for: assigned articles, blind review), and
every form is built from the shared field types (annotations/fields.py), so a NUL, a lone
surrogate, a date out of range or an integer wider than its column is a form error, not a 500.
"""

from annotations.admin import articles, scale, sentences, work  # noqa: F401  (registration)
from annotations.admin.articles import ArticleAdmin, AssignForm, TagAdmin
from annotations.admin.scale import LabelAdmin
from annotations.admin.sentences import VerdictForm

__all__ = ["ArticleAdmin", "AssignForm", "LabelAdmin", "TagAdmin", "VerdictForm"]
