"""Markdown with [[id]] links and numbered citations."""
import time

import pytest
from bs4 import BeautifulSoup

from site_builder.core.markup import Target, convert, render_markdown

from ..conftest import TEMPLATES

TARGETS = {
    "wang-yi": Target("Wang Yi", "/repo/people/wang-yi/", "person"),
    "src-a": Target("An article", "/repo/sources/src-a/", "source", 2, "/repo/meetings/talks/#cite-src-a"),
}


def resolve(ref: str) -> Target:
    return TARGETS.get(ref, Target(ref, "/", "person"))


def render(text: str) -> BeautifulSoup:
    return BeautifulSoup(render_markdown(text, TARGETS.__getitem__), "html.parser")


def test_id_link_shows_the_title():
    link = render("Met [[wang-yi]].").find("a")
    assert (link["href"], link.text) == ("/repo/people/wang-yi/", "Wang Yi")


def test_id_link_with_custom_text():
    link = render("Met [[wang-yi|the minister]].").find("a")
    assert (link["href"], link.text) == ("/repo/people/wang-yi/", "the minister")


def test_source_link_becomes_numbered_citation():
    sup = render("A claim [[src-a]].").find("sup", class_="cite")
    assert sup.a["href"] == "/repo/meetings/talks/#cite-src-a"
    assert sup.text == "[2]"


def test_markdown_is_rendered_and_text_escaped():
    soup = render("**bold** and <i>x</i> & [[wang-yi]]")
    assert soup.find("strong").text == "bold"
    assert soup.find("a").text == "Wang Yi"


# Issue 21 #3, #5: shapes Python-Markdown parses in quadratic time or by deep recursion
# are refused by their shape (and shown escaped), in milliseconds.
@pytest.mark.parametrize("text, why", [
    ("a\n=\n" * 5000, "more than 200 underline or rule lines ('===', '---')"),
    ("a\n-\n" * 5000, "more than 200 underline or rule lines ('===', '---')"),
    ("---\n\n" * 3000, "more than 200 underline or rule lines ('===', '---')"),
    ("<a b=" * 4000, "more than 64 '<' without a closing '>'"),
    ("<http://a" * 2000, "more than 64 '<' without a closing '>'"),
    ("* " * 500 + "a", "lists or quotes nested more than 16 levels deep"),
    ("> " * 500 + "a", "lists or quotes nested more than 16 levels deep"),
    ("1. " * 40 + "a", "lists or quotes nested more than 16 levels deep"),
    ("  " + "- " * 17 + "a", "lists or quotes nested more than 16 levels deep"),
])
def test_stalling_shapes_are_refused_fast(text, why):
    started = time.perf_counter()
    html, _, _, slow = convert(text, resolve)
    assert slow == why and time.perf_counter() - started < 0.2
    assert html.startswith("<p>") and "<li>" not in html


@pytest.mark.parametrize("text", ["- a\n  - b\n    - c\n", "Title\n=====\n\nText\n\n---\n\nMore\n",
                                  "a < b and c > d, <em>x</em>", "> quote\n> > nested\n"])
def test_ordinary_shapes_are_parsed(text):
    assert convert(text, resolve)[3] is None


def test_a_recursion_the_shape_check_misses_is_a_finding_not_a_traceback(monkeypatch):
    from site_builder.core import markup

    def deep(text, resolve, tune=None, ids="r"):
        raise RecursionError
    monkeypatch.setattr(markup, "markdown_to_html", deep)
    html, unsafe, raw, slow = convert("text", resolve)
    assert (str(html), unsafe, raw, slow) == ("<p>text</p>", "", [], markup.NESTED_TOO_DEEP)


@pytest.mark.parametrize("command", ["build", "check"])
def test_deeply_nested_markdown_is_a_located_error(make_site, tmp_path, monkeypatch, capfd, command):
    from site_builder.cli import main
    content = make_site({"issues/fentanyl.yaml": "title: F\nsources: [src-a]\nsummary: |\n  " + "* " * 500 + "a\n"})
    monkeypatch.chdir(tmp_path)
    assert main([command, "--content", str(content), "--templates", str(TEMPLATES), "--out", "_site"]) == 1
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines()[0] == ("content/issues/fentanyl.yaml:4:3: summary: lists or quotes nested more "
                                   "than 16 levels deep (the Markdown parser would stall on it; split or simplify "
                                   "the text)")


def test_id_link_with_blank_text_shows_the_title():
    """Issue 21 #16: '[[wang-yi| ]]' made a link with no text."""
    assert [str(a) for a in render("See [[wang-yi| ]] and [[wang-yi|\u3000]].").find_all("a")] == [
        '<a class="ref ref-person" href="/repo/people/wang-yi/">Wang Yi</a>'] * 2


def test_citation_markers_and_definitions_get_ids_unique_to_their_owner_and_text():
    from site_builder.core.markup import id_scope
    term = Target("Precursor", "/repo/terms/precursor/", "term", hint="A chemical used to make another.")
    targets = dict(TARGETS, precursor=term)
    html = BeautifulSoup(render_markdown("A [[precursor]] claim [[src-a]] and again [[src-a]].",
                                         targets.__getitem__, scope="meeting:talks"), "html.parser")
    prefix = id_scope("meeting:talks", "A [[precursor]] claim [[src-a]] and again [[src-a]].", False)
    assert [a["id"] for a in html.select("sup.cite a")] == [f"{prefix}-2", f"{prefix}-3"]
    link = html.select_one(".gloss > a.ref-term")
    definition = html.find(id=link["aria-describedby"])
    assert definition["id"] == f"{prefix}-1" and definition["role"] == "tooltip"
    assert definition.get_text() == "A chemical used to make another."
    # Another owner, or another text, never makes the same ids.
    assert id_scope("meeting:dinner", "A [[src-a]].", False) != id_scope("meeting:talks", "A [[src-a]].", False)
    assert id_scope("meeting:talks", "B [[src-a]].", False) != id_scope("meeting:talks", "A [[src-a]].", False)
