"""A new content type is one declaration plus one template: no package edits."""
import shutil

from site_builder import Paths, build
from site_builder.model.kinds import Refs, Text, Markdown
from site_builder.model.schema import CONTENT_TYPES, ContentType, Field

from .conftest import TEMPLATES

ORGANIZATION = ContentType(
    name="organization", folder="organizations", label="Organisation", plural="Organisations",
    title_field="name", order_by=("name",),
    fields=(
        Field("name", Text(), "Name.", required=True),
        Field("summary", Markdown(), "What it is.", required=True),
        Field("members", Refs("person"), "Member ids.", backlink="organizations"),
    ),
)


def test_declared_type_gets_pages_index_and_backlinks(make_site, tmp_path):
    content = make_site({"organizations/state-department.yaml": """
        name: U.S. Department of State
        summary: Led by [[antony-blinken]].
        members: [antony-blinken]
    """})
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "organization.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>{{ page.entity.name }}</h1>'
        '{% for p in page.entity.members %}<a href="{{ p.href }}">{{ p.title }}</a>{% endfor %}{% endblock %}')
    out = tmp_path / "_site"
    build(Paths(content, templates, out), types=CONTENT_TYPES + (ORGANIZATION,))
    page = (out / "organizations" / "state-department" / "index.html").read_text()
    assert "<h1>U.S. Department of State</h1>" in page
    assert '<a href="/repo/people/antony-blinken/">Antony Blinken</a>' in page
    assert (out / "organizations" / "index.html").is_file()
