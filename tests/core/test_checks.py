"""Content checks (site_builder/checks.py): the editorial rules `check --strict` enforces,
each on and off as site.yaml says, each reported where the mistake is."""
from __future__ import annotations

import textwrap

import pytest

from site_builder import load_site
from site_builder.model.errors import BuildFailed

from ..conftest import MINIMAL

RULES = textwrap.dedent(MINIMAL["site.yaml"]) + textwrap.dedent("""
    parties: [United States, China]
    quote_only: ["top official"]
    refused_hosts: [farm.example]
""")


def warnings_for(make_site, changes: dict) -> list[str]:
    _, _, warnings = load_site(make_site({"site.yaml": RULES, **changes}))
    return [str(w).split("/content/", 1)[1] for w in warnings]


def test_an_issue_without_each_partys_position_is_reported(make_site):
    found = warnings_for(make_site, {})
    assert found == [
        "issues/fentanyl.yaml:1:1: positions: warning: no statement for United States "
        "(add 'United States: …' with a citation, or say with a source that none was published)",
        "issues/fentanyl.yaml:1:1: positions: warning: no statement for China "
        "(add 'China: …' with a citation, or say with a source that none was published)"]


def test_a_position_without_a_citation_is_reported_at_its_line(make_site):
    issue = FULL_ISSUE.replace("it has acted [[src-a]].", "it has acted.")
    found = warnings_for(make_site, {"issues/fentanyl.yaml": issue})
    assert found == ["issues/fentanyl.yaml:8:10: positions: China: warning: what China said cites no source "
                     "(add [[source-id]] after the claim)"]


def test_quote_only_wording_outside_quotes_is_reported(make_site):
    person = MINIMAL["people/wang-yi.yaml"].replace(
        "summary: Foreign Minister.", "summary: The article calls him “China’s top official”, but he is a top official.")
    found = warnings_for(make_site, {"people/wang-yi.yaml": person, "issues/fentanyl.yaml": FULL_ISSUE})
    assert found == ["people/wang-yi.yaml:5:68: summary: warning: 'top official' appears outside quotation marks "
                     "(quote and attribute it, or reword it (site.yaml: quote_only))"]


def test_a_refused_host_is_reported(make_site):
    source = textwrap.dedent(MINIMAL["sources/src-a.yaml"]) + "url: https://www.farm.example/copy\n"
    found = warnings_for(make_site, {"sources/src-a.yaml": source, "issues/fentanyl.yaml": FULL_ISSUE})
    assert found == ["sources/src-a.yaml:4:6: url: warning: farm.example is on the site's list of refused hosts "
                     "(cite the original record instead (site.yaml: refused_hosts))"]


def test_rules_are_off_when_the_site_lists_nothing(make_site):
    _, _, warnings = load_site(make_site())
    assert warnings == []


def test_strict_check_fails_on_a_broken_rule(make_site):
    with pytest.raises(BuildFailed):
        load_site(make_site({"site.yaml": RULES}), strict=True)


FULL_ISSUE = textwrap.dedent(MINIMAL["issues/fentanyl.yaml"]) + textwrap.dedent("""
    positions:
      United States: Washington wants controls [[src-a]].
      China: Beijing says it has acted [[src-a]].
""")


# The wording is reported where it is written, however the text is written in YAML; the
# place wanted is found in the file's own bytes.
PERSON = "name: Wang Yi\nrole: Foreign Minister\ncountry: China\nsources: [src-a]\n"
WORDING = [
    ("plain, a later line", "summary: He is called\n  a top official.\n"),
    ("double-quoted, after an escape", 'summary: "The \\"minister\\", a top official."\n'),
    ("single-quoted, a later line", "summary: 'The minister''s\n\n  rank: top official.'\n"),
    ("literal", "summary: |\n  First.\n  A top official.\n"),
    ("folded, after a blank line", "summary: >\n  First\n  paragraph.\n\n  A top official.\n"),
]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
@pytest.mark.parametrize("tail", [tail for _, tail in WORDING], ids=[what for what, _ in WORDING])
def test_quote_only_wording_is_reported_at_its_own_line_and_column(make_site, tail, newline):
    person = (PERSON + tail).replace("\n", newline)
    found = warnings_for(make_site, {"people/wang-yi.yaml": person.encode(), "issues/fentanyl.yaml": FULL_ISSUE})
    index = person.index("top official")
    line, col = person.count("\n", 0, index) + 1, index - (person.rfind("\n", 0, index) + 1) + 1
    assert [w.split(": warning:")[0] for w in found] == [f"people/wang-yi.yaml:{line}:{col}: summary"]
