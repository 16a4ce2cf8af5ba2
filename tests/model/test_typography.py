"""Typographic quotes in plain text (titles, names, labels), by the rules Markdown's smarty
follows in Markdown fields."""
from __future__ import annotations

import pytest

from site_builder.model.kinds import MarkdownMap, Text
from site_builder.model.typography import curly_quotes


@pytest.mark.parametrize("written,shown", [
    ("Xi tells Blinken US, China should be 'partners, not rivals'",
     "Xi tells Blinken US, China should be \u2018partners, not rivals\u2019"),
    ('Trade practices and "overcapacity"', "Trade practices and \u201covercapacity\u201d"),
    ("Factbox: What's in the US House's bills", "Factbox: What\u2019s in the US House\u2019s bills"),
    ("Remarks on Ren'ai Jiao", "Remarks on Ren\u2019ai Jiao"),
    ('Its "grounded" warship ("a wreck")', "Its \u201cgrounded\u201d warship (\u201ca wreck\u201d)"),
    ("He said \"'no'\"", "He said \u201c\u2018no\u2019\u201d"),
    ("talks of the '90s", "talks of the \u201990s"),
    ('"Update: China, US reach five points"', "\u201cUpdate: China, US reach five points\u201d"),
    ("No quotes at all", "No quotes at all"),
    ("Already \u201ccurly\u201d and \u2018kept\u2019", "Already \u201ccurly\u201d and \u2018kept\u2019"),
])
def test_straight_quotes_become_typographic(written, shown):
    assert curly_quotes(written) == shown


def test_plain_text_fields_and_labels_show_typographic_quotes_and_keep_the_value():
    render = lambda text, inline: text  # noqa: E731 (no Markdown involved)
    assert Text().display("China's view", render) == "China\u2019s view"
    assert MarkdownMap().display((("People's Republic", "text"),), render)[0]["party"] == "People\u2019s Republic"
    assert Text().convert("China's view") == "China's view"   # the value stays as written
