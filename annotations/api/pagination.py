from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from annotations.fields import MAX_INT

INVALID_CURSOR = "Invalid cursor: use the next or previous link of a page as it is."


class IdCursorPagination(CursorPagination):
    """Cursor pages stay fast and stable however long the list and however it changes."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def decode_cursor(self, request):
        """The cursor, or 400: a hand-made one may carry any position (p=abc), which would
        reach the database as an id."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]}) from None
        if cursor is not None and cursor.position is not None:
            position = cursor.position
            if not (position.isascii() and position.isdigit() and int(position) <= MAX_INT):
                raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]})
        return cursor


class SentenceCursorPagination(IdCursorPagination):
    # Sentences are created in article order, so id order keeps an article's sentences together.
    ordering = "id"
