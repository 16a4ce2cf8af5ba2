"""What Markdown fields must not contain (site_builder/core/contentlint.py), each reported
where it is written in the file, however YAML writes the text."""
from __future__ import annotations

import pytest

from site_builder import load_site
from site_builder.model.errors import BuildFailed

ISSUE = "title: F\nsources: [src-a]\n"
# (what, the tail of the file, what is reported, where: the first occurrence of this in the file)
FINDINGS = [
    ("raw HTML, plain, a later line", "summary: Text\n  and <i>x</i>\n", "raw HTML <i> is not allowed", "<i>"),
    ("raw HTML, folded, after a blank line", "summary: >\n  First\n  paragraph.\n\n  A <b>bold</b> claim.\n",
     "raw HTML <b> is not allowed", "<b>"),
    ("unsafe URL, double-quoted, after an escape", 'summary: "He said \\"see\\" [here](javascript:alert(1))"\n',
     "link 'here' has an unsafe URL 'javascript:alert(1)'", "javascript:"),
    ("unsafe URL, literal with an indentation indicator", "summary: |1\n   [x](javascript:alert(1))\n",
     "link 'x' has an unsafe URL 'javascript:alert(1)'", "javascript:"),
    ("unused reference, single-quoted, after a blank line",
     "summary: 'It''s\n  [memo] and more.\n\n  [memo2]: https://example.org/'\n",
     "warning: reference definition '[memo2]' is used by no link", "[memo2]:"),
]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
@pytest.mark.parametrize("tail, message, needle", [case[1:] for case in FINDINGS], ids=[case[0] for case in FINDINGS])
def test_a_finding_is_reported_at_its_own_line_and_column(make_site, tail, message, needle, newline):
    content = make_site({"issues/fentanyl.yaml": (ISSUE + tail).replace("\n", newline).encode()})
    text = (content / "issues/fentanyl.yaml").read_bytes().decode("utf-8")
    index = text.index(needle)
    line, col = text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1
    try:
        _, _, found = load_site(content)          # warnings only
    except BuildFailed as failed:
        found = failed.problems
    reported = [str(p).split("/content/", 1)[1] for p in found if message in str(p)]
    assert len(reported) == 1 and reported[0].startswith(f"issues/fentanyl.yaml:{line}:{col}: summary: {message}")
