"""Where a character of a loaded YAML scalar stands in its file (site_builder/core/scalars.py).

Each scalar is composed by libyaml, as the loader does; the answer must be the place of
that character in the text, or None, never another place."""
from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.core.scalars import Source, source_index

LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def last_scalar(text: str) -> yaml.ScalarNode:
    node = yaml.compose(text, Loader=LOADER)
    while not isinstance(node, yaml.ScalarNode):
        node = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]
    return node


def place(text: str, offset: int) -> int | None:
    """Return source_index for character `offset` of the file's last value."""
    node = last_scalar(text)
    return source_index(Source(text), node.start_mark.line + 1, node.start_mark.column + 1,
                        node.style, node.value, offset)


# (what, YAML text, the character asked for: its first occurrence in the value, the
# place wanted: its first occurrence in the text after the key)
CASES = [
    ("plain", "k: a [[x]] b\n"),
    ("plain, second line", "k: a b\n  c [[x]]\n"),
    ("plain, after a blank line", "k: a\n\n  [[x]] c\n"),
    ("double-quoted in a flow sequence", 'k: [one, "two [[x]]"]\n'),
    ("single-quoted, after ''", "k: 'it''s [[x]]'\n"),
    ("single-quoted, third line", "k: 'a\n  b\n\n  [[x]]'\n"),
    ("double-quoted, after \\\"", 'k: "say \\"hi\\" [[x]]"\n'),
    ("double-quoted, after \\u00e9 and \\t", 'k: "caf\\u00e9\\t[[x]]"\n'),
    ("double-quoted, after an escaped line break", 'k: "a \\\n    b [[x]]"\n'),
    ("double-quoted, second line", 'k: "a\n  \\"b\\" [[x]]"\n'),
    ("literal", "k: |\n  a\n  b [[x]]\n"),
    ("literal, leading blank line", "k: |\n\n  [[x]]\n"),
    ("literal with an indentation indicator", "k: |2\n    a [[x]]\n"),
    ("literal in a list in a mapping", "m:\n  k:\n    - |1\n       a\n      [[x]]\n"),
    ("folded", "k: >\n  a\n  b [[x]]\n"),
    ("folded, after a blank line", "k: >\n  a\n\n  b [[x]]\n"),
    ("folded, after a more-indented line", "k: >-\n  a\n    b\n  [[x]]\n"),
    ("folded with a comment on its header", "k: >+  # note\n  a\n  [[x]]\n\n"),
    ("CRLF, folded", "k: >\r\n  a\r\n\r\n  b [[x]]\r\n"),
    ("CRLF, double-quoted", 'k: "a\r\n  \\"b\\"\r\n\r\n  [[x]]"\r\n'),
    ("CRLF, plain", "k: a\r\n  b [[x]]\r\n"),
    ("non-ASCII before", "k: >\n  王毅 é\n  a [[x]]\n"),
]


@pytest.mark.parametrize("text", [text for _, text in CASES], ids=[what for what, _ in CASES])
def test_a_character_is_found_where_it_is_written(text):
    node = last_scalar(text)
    assert place(text, node.value.index("[[x]]")) == text.index("[[x]]")
    assert place(text, node.value.index("[[x]]") + 4) == text.index("[[x]]") + 4


def test_an_escape_is_found_at_its_backslash_and_a_fold_at_its_line_break():
    text = 'k: "a \\"b\\"\n  c"\n'
    value = last_scalar(text).value
    assert value == 'a "b" c'
    assert place(text, value.index('"')) == text.index('\\"')
    assert place(text, value.index(" c")) == text.index("\n")


@pytest.mark.parametrize("changed", ["k: >\n  a\n  B [[x]]\n", "k: |\n  a\n", "x: 1\n", ""])
def test_a_text_that_no_longer_reads_as_the_value_gives_no_place(changed):
    node = last_scalar("k: >\n  a\n  b [[x]]\n")
    assert source_index(Source(changed), node.start_mark.line + 1, node.start_mark.column + 1,
                        node.style, node.value, node.value.index("[[x]]")) is None


def test_an_offset_outside_the_value_gives_no_place():
    assert place("k: abc\n", 3) is None
    assert place("k: abc\n", -1) is None


def test_lines_are_counted_as_libyaml_counts_them():
    source = Source("a\r\nb\rc\nd\u2028e")
    assert [source.line_col(source.text.index(c)) for c in "abcde"] == [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1)]
    assert source.index(4, 1) == source.text.index("d") and source.index(4, 3) is None


TEXTS = st.lists(st.sampled_from(list("ab [x]'\"\\:#-\t\né王") + ["  ", "\n\n", "\n  "]),
                 min_size=1, max_size=40).map("".join)


@settings(max_examples=200, deadline=None, database=None)
@given(value=TEXTS, style=st.sampled_from(["", "'", '"', "|", ">"]), width=st.integers(10, 40),
       nested=st.booleans(), crlf=st.booleans())
def test_every_character_of_any_dumped_value_is_found(value, style, width, nested, crlf):
    """Whatever a YAML writer makes of a value, each of its characters is found where it is
    written (a blank may come from a fold, any character from an escape at its backslash)."""
    text = yaml.dump({"m": {"k": value}} if nested else {"k": value}, default_style=style or None,
                     width=width, allow_unicode=True)
    text = text.replace("\n", "\r\n") if crlf else text
    loaded = last_scalar(text).value
    for offset, char in enumerate(loaded.rstrip("\n")):
        found = place(text, offset)
        assert found is not None, (text, offset)
        assert text[found] == char or text[found] == "\\" or (char in " \n" and text[found] in "\r\n"), (text, offset)


def test_a_mark_that_is_no_longer_there_gives_no_place():
    node = last_scalar('k: "a [[x]]"\n')
    assert source_index(Source("k: 'a [[x]]'\n"), 1, 4, node.style, node.value, 2) is None
