"""The engine never names a content type: it asks a type for its roles (model/schema.py).

Every string constant in site_builder/ outside model/schema.py is checked against the
names and folders of the declared types; comments and docstrings do not count.
"""
from __future__ import annotations

import ast
from pathlib import Path

from site_builder.model.schema import CONTENT_TYPES

ENGINE = Path(__file__).resolve().parent.parent.parent / "site_builder"
DECLARATIONS = ENGINE / "model" / "schema.py"
TYPE_WORDS = {t.name for t in CONTENT_TYPES} | {t.folder for t in CONTENT_TYPES}


def _docstrings(tree: ast.AST) -> set[int]:
    """Return the ids of the docstring constants of a module, its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def type_names_in(source: str, words: set[str] = TYPE_WORDS) -> list[tuple[int, str]]:
    """Return (line, text) of every string constant in source that is one of `words`."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    return sorted((node.lineno, node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and node.value in words and id(node) not in docs)


def test_the_check_finds_a_type_name_but_not_in_comments_or_docstrings():
    source = '''"""Meetings: "meeting" in a docstring is prose."""
# "person" in a comment
def f(view):
    """The "issue" of a view."""
    return view["type"] == "meeting" or view.get("people") or f"{'term'}"
'''
    assert type_names_in(source) == [(5, "meeting"), (5, "people"), (5, "term")]


def test_no_content_type_is_named_in_the_engine():
    offences = [f"{path.relative_to(ENGINE.parent)}:{line}: {text!r}"
                for path in sorted(ENGINE.rglob("*.py")) if path != DECLARATIONS
                for line, text in type_names_in(path.read_text(encoding="utf-8"))]
    assert offences == [], "ask the type for a role (model/schema.py) instead of naming it:\n" + "\n".join(offences)


def test_roles_name_known_roles_and_declared_fields():
    from site_builder.model.schema import (DATED, GRAPH_COLUMNS, IN_CALENDAR, IN_FEED, INVOLVED, SITE,
                                           WARN_ORPHAN)
    for ctype in CONTENT_TYPES:
        assert set(ctype.roles) <= {DATED, IN_FEED, IN_CALENDAR, WARN_ORPHAN, INVOLVED}, ctype.name
        for name in (ctype.glossary, ctype.attendees, ctype.topics, ctype.graph_note):
            assert name is None or ctype.field(name) is not None, (ctype.name, name)
        assert ctype.graph is None or ctype.graph in GRAPH_COLUMNS, ctype.name
        assert ctype.featured is None or SITE.field(ctype.featured) is not None, ctype.name
