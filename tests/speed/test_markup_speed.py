"""The sped-up inline pass of markup.py gives exactly the HTML of stock Python-Markdown (before sanitising)."""
from __future__ import annotations

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.corpus import generate
from site_builder.core import markup
from site_builder.core.markup import Target, _WikiLinkProcessor
from site_builder.speed.inline_speed import speed_up_inline

TRICKY = [
    "plain words only",
    "**bold** and *em* and ***both*** and __under__ _score_ and **nested *em* inside**",
    "`code with *stars*` and ``double `tick` code``",
    'a [link](https://example.org "title") and ![img](/x.png) and <https://auto.link> and <me@example.org>',
    "inline <span class=\"x\">html</span> &amp; &copy; entities \\*escaped\\* \\[[not-a-link]]",
    "\"double\" and 'single' quotes -- en --- em ... ellipsis <<angled>>",
    "see [[wang-yi]] and [[wang-yi|the minister]] and **[[src-a]]** and *[[wang-yi|em]]*",
    "- one [[wang-yi]]\n- two **b**\n\n1. first\n2. second",
    "| a | b |\n| --- | --- |\n| *x* | [[src-a]] |",
    "line  \nbreak and a very long paragraph with many words " * 5,
    "[[wang-yi]][[src-a]] [not a link] [also](not closed",
]


def resolve(ref: str) -> Target:
    """Resolve any id: sources become numbered citations, anything else a person."""
    if ref.startswith(("src", "source")):
        return Target(f"Source {ref}", f"/sources/{ref}/", "source", len(ref), f"/here/#cite-{ref}")
    return Target(f"Person {ref}", f"/people/{ref}/", "person")


def stock(text: str) -> str:
    md = markdown.Markdown(extensions=["tables", "sane_lists", "smarty"], output_format="html")
    md.inlinePatterns.register(_WikiLinkProcessor(md), "wikilink", 175)
    md.resolve = resolve
    return md.convert(text)


def test_the_fast_inline_pass_is_in_use():
    assert any(type(p).__name__ == "_FastInlineProcessor" for p in markup._converter(speed_up_inline).treeprocessors)


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_texts_render_as_stock(text):
    assert markup.markdown_to_html(text, resolve)[0] == stock(text)


def test_corpus_texts_render_as_stock():
    corpus = generate("small")
    texts = [m["body"] for m in corpus.meetings[:40]] + [p["summary"] for p in corpus.people[:20]]
    for text in texts:
        assert markup.markdown_to_html(text, resolve)[0] == stock(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab *_`[]()<>!\"'-.&\\|:#\n1", max_size=60))
def test_any_text_renders_as_stock(text):
    assert markup.markdown_to_html(text, resolve)[0] == stock(text)
