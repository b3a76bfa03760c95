"""ORM queries compiled to SQL once per database, then run with new values.

The busiest requests (saving a review, the queue) spent more CPU compiling the same querysets
on every call than the database spent running them (docs/performance.md, "Request costs").
A PreparedQuery keeps the query written as ORM code, where its rules live (permissions.py,
the selectors), and compiles it once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import QuerySet


class PreparedQuery:
    """`build(*arguments)` makes a `values_list()` queryset. It is compiled once per database
    with `placeholders` (values that cannot otherwise occur in it, of the arguments' types),
    and each run puts its own arguments where the placeholders were in the statement's
    parameters. Rows come back converted as the ORM converts them.

    Only arguments that reach the statement as parameters may vary: anything that changes the
    SQL itself (a different filter, a slice) needs its own PreparedQuery.
    """

    def __init__(self, build: Callable[..., QuerySet], *placeholders: Any) -> None:
        self.build, self.placeholders = build, placeholders
        self._compiled: dict[str, tuple[str, list, dict]] = {}

    def _compile(self) -> tuple[str, list[tuple[int | None, Any]], dict]:
        compiled = self._compiled.get(connection.alias)
        if compiled is None:
            compiler = self.build(*self.placeholders).query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            slots = []
            for param in params:
                matches = [
                    index
                    for index, placeholder in enumerate(self.placeholders)
                    if type(param) is type(placeholder) and param == placeholder
                ]
                slots.append((matches[0], None) if matches else (None, param))
            found = {slot for slot, _ in slots if slot is not None}
            if found != set(range(len(self.placeholders))):
                raise ValueError("a placeholder does not reach the statement as a parameter")
            converters = compiler.get_converters(
                [expression for expression, _, _ in compiler.select]
            )
            compiled = self._compiled[connection.alias] = (sql, slots, converters)
        return compiled

    def rows(self, *arguments: Any, tail: str = "", tail_params: tuple = ()) -> list[tuple]:
        """The rows for these arguments; `tail` is SQL appended to the statement (such as
        "LIMIT %s OFFSET %s"), with its own parameters."""
        sql, slots, converters = self._compile()
        params = [value if index is None else arguments[index] for index, value in slots]
        with connection.cursor() as cursor:
            cursor.execute(sql + tail, [*params, *tail_params])
            rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:
            values = list(row)
            for index, (functions, expression) in converters.items():
                value = values[index]
                for function in functions:
                    value = function(value, expression, connection)
                values[index] = value
            converted.append(tuple(values))
        return converted

    def count(self, *arguments: Any) -> int:
        """How many rows the query has for these arguments."""
        sql, slots, _ = self._compile()
        params = [value if index is None else arguments[index] for index, value in slots]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) counted", params)
            return cursor.fetchone()[0]
