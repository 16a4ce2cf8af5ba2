"""The YAML mistake corpus: mistakes editors make in content files, each with the exact
message and position the builder gives, and a check that following the hint gives valid YAML.

The five from issue 18 come first among them (an over-indented field, an unclosed quote,
`location:Diaoyutai`, `-wang-yi`, a value starting with a link). The others are the ones that
keep coming back in the trackers of the tools people use for front matter and data files:
- a colon in a title: kubernetes/kubernetes#12531, jgm/pandoc#4774, dauxio/daux.io#19,
  papis/papis#135, basicmachines-co/basic-memory#408;
- a value starting with a reserved character (@, `): adrienverge/yamllint#531, eemeli/yaml#247,
  jqlang/jq#473, cloud-lts/linux-cve-analysis#18 (whose fix is the '|' block);
- tabs, quotes inside quotes, unknown escapes, unindented continuation lines, a second '---'
  (front matter habits), lists written on one line.
"""
import pytest
import yaml

from site_builder.core.loader import parse
from site_builder.core.yamlexplain import explain
from site_builder.model.errors import Problems
from site_builder.model.schema import MEETING

M = "title: Blinken meets Wang Yi\ndate: 2024-04-26\n"

# name: (file text, the one problem reported)
MISTAKES = {
    'link_starts_a_text_that_goes_on': (M + "summary: [[wang-yi]] met Blinken\n  on Friday.\nstatus: held\n",
        "m.yaml:3:1: summary: a value that starts with '[' is read as a list (write 'summary: |' and indent every line of the text below it by two spaces)"),
    'block_text_line_not_indented': (M + "summary: |\n  Blinken met Wang Yi\non Friday.\nstatus: held\n",
        "m.yaml:5:1: summary: this line belongs to the text of 'summary', but is not indented (indent it by 2 spaces, like the lines above: on Friday.)"),
    'over_indented_field': (M + 'timezone: Asia/Shanghai\n  location: Diaoyutai State Guesthouse, Beijing\nstatus: held\n',
        "m.yaml:4:3: location: 'location' is indented, so YAML reads it as part of 'timezone' (start the line at the left edge: location: Diaoyutai State Guesthouse, Beijing)"),
    'unclosed_double_quote': (M + 'timezone: Asia/Shanghai\nlocation: "Diaoyutai State Guesthouse, Beijing\nstatus: held\nparticipants:\n  - wang-yi\nsummary: Talks.\nsources:\n  - s\n',
        'm.yaml:4:11: location: the quote opened here is not closed (close it at the end of the value: location: "Diaoyutai State Guesthouse, Beijing")'),
    'no_space_after_colon': (M + 'timezone: Asia/Shanghai\nlocation:Diaoyutai\nstatus: held\n',
        'm.yaml:4:10: location: there is no space after the colon (put a space after the colon: location: Diaoyutai)'),
    'list_item_without_space': (M + 'participants:\n  - antony-blinken\n  -wang-yi\nstatus: held\n',
        'm.yaml:5:3: participants: a list item needs a space after the dash (write it as: - wang-yi)'),
    'value_starts_with_link': (M + 'summary: [[wang-yi]] met [[antony-blinken]] in Beijing.\nstatus: held\n',
        'm.yaml:3:10: summary: a value that starts with \'[\' is read as a list (put the whole value in quotes: summary: "[[wang-yi]] met [[antony-blinken]] in Beijing.")'),
    'value_is_only_a_link': (M + 'summary: [[wang-yi]]\nstatus: held\n',
        'm.yaml:3:10: summary: a value that starts with \'[\' is read as a list (put the whole value in quotes: summary: "[[wang-yi]]")'),
    'colon_inside_value': (M + 'location: Beijing: Diaoyutai State Guesthouse\n',
        'm.yaml:3:11: location: the value contains \': \', which YAML reads as a new field (put the whole value in quotes: location: "Beijing: Diaoyutai State Guesthouse")'),
    'value_ends_with_colon': (M + 'location: Beijing, at:\nstatus: held\n',
        'm.yaml:3:11: location: the value contains \': \', which YAML reads as a new field (put the whole value in quotes: location: "Beijing, at:")'),
    'tab_indent_list': (M + 'participants:\n\t- wang-yi\n',
        'm.yaml:4:1: participants: a tab is used to indent this line; YAML needs spaces (replace the tab with spaces: - wang-yi)'),
    'value_starts_with_asterisk': (M + 'summary: *Not* confirmed by either side.\nstatus: held\n',
        'm.yaml:3:10: summary: a value that starts with an asterisk has a special meaning in YAML (put the whole value in quotes: summary: "*Not* confirmed by either side.")'),
    'value_starts_with_at': (M + 'summary: @StateDept said the talks were candid.\n',
        'm.yaml:3:10: summary: a value that starts with an at sign has a special meaning in YAML (put the whole value in quotes: summary: "@StateDept said the talks were candid.")'),
    'value_starts_with_backtick': (M + 'summary: `Candid` talks, said the spokesman.\n',
        'm.yaml:3:10: summary: a value that starts with a backtick has a special meaning in YAML (put the whole value in quotes: summary: "`Candid` talks, said the spokesman.")'),
    'value_starts_with_percent': (M + 'summary: %50 of the time went on Taiwan.\n',
        'm.yaml:3:10: summary: a value that starts with a percent sign has a special meaning in YAML (put the whole value in quotes: summary: "%50 of the time went on Taiwan.")'),
    'value_starts_with_exclamation': ('title: !Breaking Blinken lands in Beijing\ndate: 2024-04-26\n',
        'm.yaml:1:8: title: explicit tags are not allowed (found !Breaking) (includes and custom types are not supported)'),
    'value_starts_with_ampersand': ('title: &Co meets Wang\ndate: 2024-04-26\n',
        'm.yaml:1:8: anchors (&Co) are not allowed (repeat the value instead)'),
    'value_starts_with_curly': ('title: {Draft} Blinken meets Wang\ndate: 2024-04-26\n',
        'm.yaml:1:8: title: a value that starts with \'{\' is read as a mapping (put the whole value in quotes: title: "{Draft} Blinken meets Wang")'),
    'value_starts_with_greater_than': (M + 'summary: > 50 officials attended.\n',
        'm.yaml:3:10: summary: a value that starts with a greater-than sign has a special meaning in YAML (put the whole value in quotes: summary: "> 50 officials attended.")'),
    'value_starts_with_bar': (M + 'summary: | Blinken met Wang Yi.\n',
        'm.yaml:3:10: summary: a value that starts with a vertical bar has a special meaning in YAML (put the whole value in quotes: summary: "| Blinken met Wang Yi.")'),
    'text_after_closing_double_quote': ('title: "Candid" talks in Beijing\ndate: 2024-04-26\n',
        'm.yaml:1:8: title: the value goes on after its closing quote (quote the whole value with the other kind of quotes: title: \'"Candid" talks in Beijing\')'),
    'double_quotes_inside_double_quotes': ('title: "He said "yes" today"\ndate: 2024-04-26\n',
        'm.yaml:1:8: title: the value goes on after its closing quote (quote the whole value with the other kind of quotes: title: \'He said "yes" today\')'),
    'apostrophe_in_single_quotes': ("title: 'Xi's talks with Blinken'\ndate: 2024-04-26\n",
        'm.yaml:1:8: title: the value goes on after its closing quote (quote the whole value with the other kind of quotes: title: "Xi\'s talks with Blinken")'),
    'backslash_in_double_quotes': ('title: "Beijing\\Shanghai talks"\ndate: 2024-04-26\n',
        "m.yaml:1:8: title: '\\S' inside double quotes is not a valid escape (use single quotes, or write each backslash twice: title: 'Beijing\\Shanghai talks')"),
    'unclosed_single_quote': (M + "location: 'Diaoyutai\nstatus: held\nsummary: Talks.\n",
        "m.yaml:3:11: location: the quote opened here is not closed (close it at the end of the value: location: 'Diaoyutai')"),
    'unclosed_flow_list': (M + 'participants: [antony-blinken, wang-yi\nstatus: held\n',
        "m.yaml:3:15: participants: the '[' is not closed (close it with ']': participants: [antony-blinken, wang-yi])"),
    'text_continues_unindented': (M + 'summary: Blinken met Wang Yi\nfor five hours.\nstatus: held\n',
        "m.yaml:4:1: summary: this line goes on with the text above, but is not indented (write 'summary: |' and indent every line of the text below it by two spaces)"),
    'block_text_not_indented': (M + 'summary: |\nBlinken met Wang Yi.\nstatus: held\n',
        "m.yaml:4:1: summary: the text of 'summary: |' must be indented (indent it by two spaces: Blinken met Wang Yi.)"),
    'empty_field_text_not_indented': (M + 'summary:\nBlinken met Wang Yi.\nstatus: held\n',
        "m.yaml:4:1: summary: this line belongs to the text of 'summary', but is not indented (indent it by two spaces: Blinken met Wang Yi.)"),
    'missing_colon': (M + 'status held\n',
        'm.yaml:3:7: status: a field name needs a colon after it (write it as: status: held)'),
    'equals_instead_of_colon': (M + 'status = held\n',
        'm.yaml:3:7: status: a field name needs a colon after it (write it as: status: held)'),
    'second_document_marker': ('---\ntitle: Blinken meets Wang Yi\n---\ndate: 2024-04-26\n',
        "m.yaml:3:1: '---' starts a second document; a content file holds one (delete the line '---')"),
    'list_item_less_indented': (M + 'participants:\n    - antony-blinken\n  - wang-yi\nstatus: held\n',
        'm.yaml:5:3: participants: this item is indented by 2 spaces, the one above by 4 (line it up with the item above: 4 spaces, then - wang-yi)'),
    'list_after_value': (M + 'participants: antony-blinken\n- wang-yi\nstatus: held\n',
        "m.yaml:4:1: participants: a list item follows 'participants', which already has a value (put the list on its own lines under 'participants:' and delete the value after the colon)"),
    'continuation_with_colon': (M + 'summary: Blinken met Wang Yi\n  and said: talks were candid.\nstatus: held\n',
        "m.yaml:4:1: summary: the text of this field runs onto this line and has ': ' in it (write 'summary: |' and indent every line of the text below it by two spaces)"),
    'readout_unclosed_quote': (M + 'readouts:\n  United States: "Candid talks\n  China: Frank talks.\nstatus: held\n',
        'm.yaml:4:18: readouts: the quote opened here is not closed (close it at the end of the value: United States: "Candid talks")'),
    'readout_label_colon_value': (M + 'readouts:\n  United States: Blinken said: candid.\n',
        'm.yaml:4:18: readouts.United States: the value contains \': \', which YAML reads as a new field (put the whole value in quotes: United States: "Blinken said: candid.")'),
    'first_line_indented': (' title: Blinken meets Wang Yi\ndate: 2024-04-26\n',
        'm.yaml:1:1: this line is indented, but nothing above it holds it (start the line at the left edge: title: Blinken meets Wang Yi)'),
    'outcome_starts_with_asterisk': (M + 'outcomes:\n  - *Working group* on fentanyl\n',
        'm.yaml:4:5: outcomes: a value that starts with an asterisk has a special meaning in YAML (put the whole value in quotes: - "*Working group* on fentanyl")'),
    'tab_after_indent_in_readouts': ('title: T\nreadouts:\n  United States: Candid.\n\tChina: Frank.\n',
        'm.yaml:4:1: readouts: a tab is used to indent this line; YAML needs spaces (replace the tab with spaces: China: Frank.)'),
    'unclosed_quote_at_end_of_file': ('title: T\nsummary: "Blinken met Wang Yi.\n',
        'm.yaml:2:10: summary: the quote opened here is not closed (close it at the end of the value: summary: "Blinken met Wang Yi.")'),
    'glued_colon_url': ('title: T\nsources:\n  - s\nlocation:Beijing, China\n',
        'm.yaml:4:10: location: there is no space after the colon (put a space after the colon: location: Beijing, China)'),
}


def load(text):
    problems = Problems()
    parse(text, "m.yaml", MEETING, "m", problems)
    return [str(p) for p in problems.items]


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_mistake_is_reported_where_it_is(name):
    text, want = MISTAKES[name]
    assert load(text) == [want]


# Mistakes whose hint is a replacement of lines (the others are refusals, or hints in words).
WITH_FIX = [name for name in sorted(MISTAKES)
            if (found := explain(MISTAKES[name][0], MEETING)) is not None and found.fix is not None]


def test_most_mistakes_come_with_a_fix():
    assert len(WITH_FIX) >= 25


@pytest.mark.parametrize("name", WITH_FIX)
def test_following_the_hint_gives_valid_yaml(name):
    text, _ = MISTAKES[name]
    first, last, replacement = explain(text, MEETING).fix
    lines = text.splitlines()
    fixed = "\n".join(lines[:first - 1] + list(replacement) + lines[last:]) + "\n"
    yaml.compose(fixed, Loader=yaml.BaseLoader)
    assert explain(fixed, MEETING, stop_line=last) is None or explain(fixed, MEETING).line > last


def test_the_corpus_is_large_enough():
    assert len(MISTAKES) >= 30


def test_valid_files_are_not_flagged():
    texts = [M + 'summary: "Blinken met Wang Yi,\n  who said: talks were candid."\nstatus: held\n',
             M + "summary: |\n  Blinken said: candid.\n  - not a list\nstatus: held\n",
             M + "participants:\n- antony-blinken\n- wang-yi\nreadouts:\n  United States: >-\n    Candid.\n",
             M + "time: 10:30\nlocation: 'Xi''s residence'\n"]
    for text in texts:
        assert explain(text, MEETING) is None, text
        assert load(text) == []
