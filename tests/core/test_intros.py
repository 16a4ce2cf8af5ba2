"""Index pages open with an intro written for readers, taken from content (site.yaml's
`intros`, by folder), never from engine code; an index without one shows its type's
description."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from site_builder import BuildFailed, Paths, build
from site_builder.model.schema import TYPES_BY_FOLDER

from ..conftest import MINIMAL, TEMPLATES

SITE_WITH_INTROS = MINIMAL["site.yaml"] + """
        intros:
          people: The officials who met, and *those* who spoke for them.
          sources: Every document this explainer rests on.
"""


def lede(out, folder: str) -> str:
    page = BeautifulSoup((out / folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.h1.find_next_sibling().get("class") == ["lede"]   # the intro comes straight after the title
    return page.select_one("main .lede").get_text(" ", strip=True)


def test_an_index_opens_with_its_intro_from_site_yaml(make_site, tmp_path):
    out = tmp_path / "_site"
    build(Paths(make_site({"site.yaml": SITE_WITH_INTROS}), TEMPLATES, out), search=False)
    assert lede(out, "people") == "The officials who met, and those who spoke for them."
    assert "<em>those</em>" in (out / "people" / "index.html").read_text(encoding="utf-8")   # Markdown
    assert lede(out, "sources") == "Every document this explainer rests on."
    assert lede(out, "issues") == TYPES_BY_FOLDER["issues"].description   # none given: the type's own words
    head = BeautifulSoup((out / "people" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert head.find("meta", attrs={"name": "description"})["content"] == \
        "People: The officials who met, and those who spoke for them."


def test_an_intro_for_a_folder_that_does_not_exist_is_an_error_with_a_suggestion(make_site, tmp_path):
    site = SITE_WITH_INTROS.replace("people:", "peple:")
    with pytest.raises(BuildFailed) as failed:
        build(Paths(make_site({"site.yaml": site}), TEMPLATES, tmp_path / "_site"), search=False)
    message = " ".join(str(p) for p in failed.value.problems)
    assert "site.yaml" in message and "peple" in message and "people" in message
