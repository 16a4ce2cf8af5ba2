"""Markdown with [[id]] links and numbered citations."""
from bs4 import BeautifulSoup

from site_builder.core.markup import Target, render_markdown

TARGETS = {
    "wang-yi": Target("Wang Yi", "/repo/people/wang-yi/", "person"),
    "src-a": Target("An article", "/repo/sources/src-a/", "source", 2, "/repo/meetings/talks/#cite-src-a"),
}


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
