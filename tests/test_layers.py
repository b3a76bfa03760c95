"""Layers import downwards only (STYLE.md, "Where things live"), read off the source with `ast`.

Models and the pure modules at the bottom; writes (services) and reads (selectors) above them,
neither importing the other; the API, the pages, the dashboard and the admin on top, and the API
and the pages never import each other (what both need lives in `annotations/filters.py`).
Every import counts, including one inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "annotations"

PURE = (
    "annotations.segmentation",
    "annotations.agreement",
    "annotations.matching.judge",
    "annotations.matching.lexicon",
    "annotations.matching.quantities",
    "annotations.matching.dates",
    "annotations.matching.entities",
    "annotations.matching.weights",
)
BOTTOM = (
    "annotations.models",
    "annotations.fields",
    "annotations.errors",
    "annotations.replica",
    "annotations.prepared",
    "annotations.matching",
    *PURE,
)
WRITES = "annotations.services"
READS = "annotations.selectors"
API = "annotations.api"
PAGES = ("annotations.views", "annotations.dashboard", "annotations.public", "annotations.desk")
ADMIN = "annotations.admin"
# Used by several layers: who may do what, input contracts, readers, filters, export records.
SHARED = (
    "annotations.permissions",
    "annotations.inputs",
    "annotations.readers",
    "annotations.restore_input",
    "annotations.filters",
    "annotations.exports",
)
FRAMEWORKS = ("django", "rest_framework")
TOP = (API, *PAGES, ADMIN, "annotations.urls", "annotations.management", "annotations.tasks")

# (rule, the modules it applies to, what they may not import, the exceptions to that)
# A name stands for a module and everything under it: "annotations.api" is annotations/api/**.
RULES: list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    ("pure modules import neither Django nor the app", PURE, ("annotations", *FRAMEWORKS), PURE),
    ("the bottom imports only the bottom", BOTTOM, ("annotations",), BOTTOM),
    ("reads import no writes and nothing above", (READS,), (WRITES, *TOP), ()),
    ("writes import no reads and nothing above", (WRITES,), (READS, *TOP), ()),
    ("shared modules import no interface", SHARED, TOP, ()),
    ("the API imports no pages", (API,), PAGES, ()),
    ("the pages import no API", PAGES, (API,), ()),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def imports(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, dotted name) of everything the module `module` in `path` imports.

    `from a import b` gives `a.b` (b may be a module), and relative imports are made absolute.
    """
    package = module.split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found += [
                (node.lineno, module if alias.name == "*" else f"{module}.{alias.name}")
                for alias in node.names
            ]
    return found


MODULES = {
    module_name(path): path
    for path in sorted(PACKAGE.rglob("*.py"))
    if "migrations" not in path.relative_to(PACKAGE).parts
}


def test_every_rule_applies_to_modules_that_exist():
    """A module moved or renamed must not leave a rule checking nothing."""
    for rule, importers, _, _ in RULES:
        assert [name for name in MODULES if within(name, importers)], rule


def test_imports_are_read_as_absolute_names(tmp_path):
    source = tmp_path / "views.py"
    source.write_text(
        "import annotations.api.views as v\n"
        "from . import serializers\n"
        "from ..dashboard import charts\n"
        "def f():\n"
        "    from annotations.views import page\n"
    )
    assert imports(source, "annotations.api.views") == [
        (1, "annotations.api.views"),
        (2, "annotations.api.serializers"),
        (3, "annotations.dashboard.charts"),
        (5, "annotations.views.page"),
    ]


@pytest.mark.parametrize(
    ("importers", "forbidden", "allowed"),
    [rule[1:] for rule in RULES],
    ids=[rule[0] for rule in RULES],
)
def test_no_layer_imports_upwards(importers, forbidden, allowed):
    violations = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for module, path in MODULES.items()
        if within(module, importers)
        for line, name in imports(path, module)
        if within(name, forbidden) and not within(name, allowed)
    ]
    assert violations == []
