"""Cross-references: every id resolves to the right type; backlinks are computed."""
import pytest

from site_builder import BuildFailed, load_site


def problems(content) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        load_site(content)
    return [str(p) for p in failed.value.problems]


def test_unknown_participant_suggests_closest_id(make_site):
    content = make_site({"meetings/talks.yaml": """
        title: Talks
        date: 2024-04-26
        location: Beijing
        status: held
        participants:
          - antony-blinken
          - wang-yl
        summary: x
        sources: [src-a]
    """})
    assert problems(content) == [
        f"{content}/meetings/talks.yaml:7:5: participants[1]: unknown person 'wang-yl' (did you mean 'wang-yi'?)"]


def test_reference_to_wrong_type(make_site):
    content = make_site({"issues/fentanyl.yaml": "title: F\nsummary: x\nsources: [wang-yi]\n"})
    assert problems(content) == [
        f"{content}/issues/fentanyl.yaml:3:11: sources[0]: 'wang-yi' is a person, not a source"]


def test_unknown_wikilink_names_its_line(make_site):
    content = make_site({"issues/fentanyl.yaml": """
        title: F
        summary: |
          First line.
          See [[wang-yii]].
        sources: [src-a]
    """})
    assert problems(content) == [
        f"{content}/issues/fentanyl.yaml:4:7: summary: unknown id 'wang-yii' (did you mean 'wang-yi'?)"]


def test_same_id_in_two_types_is_an_error(make_site):
    content = make_site({"issues/wang-yi.yaml": "title: F\nsummary: x\nsources: [src-a]\n"})
    assert any("id 'wang-yi' is already used by" in p for p in problems(content))


def test_backlinks_derived_lists_and_neighbours(make_site):
    content = make_site({
        "meetings/earlier.yaml": """
            title: Earlier talks
            date: 2024-04-25
            location: Shanghai
            status: held
            participants: [wang-yi]
            issues: [trade]
            summary: x
            sources: [src-a]
        """,
        "issues/trade.yaml": "title: Trade\nsummary: x\nsources: [src-a]\nrelated: [fentanyl]\n",
    })
    site, _, _ = load_site(content)
    wang, fentanyl, trade = site.by_id["wang-yi"], site.by_id["fentanyl"], site.by_id["trade"]
    assert [m.id for m in site.links_of(wang)["meetings"]] == ["earlier", "talks"]          # in date order
    assert [i.id for i in site.links_of(wang)["issues_raised"]] == ["fentanyl", "trade"]
    assert [p.id for p in site.links_of(fentanyl)["people_involved"]] == ["antony-blinken", "wang-yi"]
    assert [i.id for i in site.links_of(fentanyl)["related"]] == ["trade"]                  # both directions
    assert [i.id for i in site.links_of(trade)["related"]] == ["fentanyl"]
    assert [m.id for m in site.links_of(site.by_id["talks"])["previous"]] == ["earlier"]
    assert [m.id for m in site.links_of(site.by_id["earlier"])["next"]] == ["talks"]
    cited_by = [e.id for e in site.links_of(site.by_id["src-a"])["cited_by"]]
    assert cited_by == ["earlier", "talks", "antony-blinken", "wang-yi", "fentanyl", "trade"]


def test_orphan_person_is_a_warning_and_an_error_under_strict(make_site):
    content = make_site({"people/nobody.yaml": "name: N\nrole: r\ncountry: c\nsummary: s\n"})
    _, _, warnings = load_site(content)
    assert [str(w) for w in warnings] == [
        f"{content}/people/nobody.yaml:1:1: warning: person 'nobody' is not linked from anywhere "
        "(link it, or remove the file)"]
    with pytest.raises(BuildFailed):
        load_site(content, strict=True)


def test_a_deleted_person_gets_no_far_or_wrong_type_suggestion(make_site):
    content = make_site({"meetings/wang-xiaohong-meeting.yaml": """
        title: Talks on fentanyl
        date: 2024-04-27
        location: Beijing
        status: held
        participants:
          - antony-blinken
          - wang-xiaohong
        summary: Talks with [[wang-xiaohong]].
        sources: [src-a]
    """})
    assert problems(content) == [
        f"{content}/meetings/wang-xiaohong-meeting.yaml:7:5: participants[1]: unknown person 'wang-xiaohong'",
        f"{content}/meetings/wang-xiaohong-meeting.yaml:8:21: summary: unknown id 'wang-xiaohong'"]


def test_suggestions_name_only_ids_of_the_expected_type(make_site):
    # 'src-b' is one typo from the source 'src-a', but a participant must be a person.
    content = make_site({"people/src-c.yaml": "name: C\nrole: R\ncountry: X\nsummary: S [[src-a]].\n",
                         "meetings/talks.yaml": """
        title: Talks
        date: 2024-04-26
        location: Beijing
        status: held
        participants: [antony-blinken, src-b]
        summary: x [[src-c]]
        sources: [src-a]
    """})
    assert problems(content) == [
        f"{content}/meetings/talks.yaml:5:32: participants[1]: unknown person 'src-b' (did you mean 'src-c'?)"]


def test_the_list_hint_pasted_gives_a_valid_list(make_site):
    talks = """
        title: Talks
        date: 2024-04-26
        location: Beijing
        status: held
        participants: Antony Blinken, wang-yi
        summary: x
        sources: [src-a]
    """
    content = make_site({"meetings/talks.yaml": talks})
    (error,) = problems(content)
    assert error.endswith("participants: expected a list of person ids, got a string "
                          "(write the ids as a list: participants: [antony-blinken, wang-yi])")
    pasted = error.split("(write the ids as a list: ")[1].rstrip(")")
    make_site({"meetings/talks.yaml": talks.replace("participants: Antony Blinken, wang-yi", pasted)})
    load_site(content)


# A wiki link inside a text is reported where it is written, in every way YAML writes a
# text. Each case is the tail of a file (the marker once); the place wanted is found
# in the file's own bytes, so the expectation does not repeat the code under test.
ISSUE = "title: F\nsources: [src-a]\n"
MEETING = ("title: T\ndate: 2024-04-26\nlocation: L\nstatus: held\nparticipants: [wang-yi]\n"
           "summary: s\nsources: [src-a]\n")
MARKER = "[[nobody]]"
PLACES = [
    ("plain, one line", ISSUE, "summary", "summary: See [[nobody]] here.\n"),
    ("plain, after non-ASCII", ISSUE, "summary", "summary: Wáng Yì 王毅 met [[nobody]].\n"),
    ("plain, a later line", ISSUE, "summary", "summary: First line\n  and then [[nobody]] here.\n"),
    ("plain, after a blank line", ISSUE, "summary", "summary: First\n\n  second [[nobody]]\n"),
    ("double-quoted, first", ISSUE, "summary", 'summary: "[[nobody]] said no."\n'),
    ("double-quoted, after an escape", ISSUE, "summary", 'summary: "He said \\"no\\" to [[nobody]]."\n'),
    ("double-quoted, after \\u and \\t", ISSUE, "summary", 'summary: "Caf\\u00e9\\t[[nobody]]"\n'),
    ("double-quoted, a later line", ISSUE, "summary", 'summary: "First line,\n  then \\"quoted\\" [[nobody]]"\n'),
    ("double-quoted, after an escaped line break", ISSUE, "summary", 'summary: "First \\\n  line [[nobody]]"\n'),
    ("double-quoted, after a blank line", ISSUE, "body", 'summary: s\nbody: "One.\n\n  Two [[nobody]]."\n'),
    ("single-quoted, after ''", ISSUE, "summary", "summary: 'It''s [[nobody]]'\n"),
    ("single-quoted, a later line", ISSUE, "summary", "summary: 'First,\n  it''s\n\n  [[nobody]]'\n"),
    ("literal, first line", ISSUE, "summary", "summary: |\n  [[nobody]] opens it.\n  More.\n"),
    ("literal, a later line", ISSUE, "summary", "summary: |\n  First.\n  See [[nobody]].\n"),
    ("literal, after a leading blank line", ISSUE, "summary", "summary: |\n\n  [[nobody]] first\n"),
    ("literal, with an indentation indicator", ISSUE, "summary", "summary: |2\n    Indented [[nobody]]\n"),
    ("folded, first line", ISSUE, "summary", "summary: >\n  [[nobody]] opens it\n  and more.\n"),
    ("folded, a later line", ISSUE, "summary", "summary: >\n  First line\n  second [[nobody]]\n"),
    ("folded, after a blank line", ISSUE, "body",
     "summary: s\nbody: >\n  First paragraph\n  goes on.\n\n  Second [[nobody]] here.\n"),
    ("folded >-, after a more-indented line", ISSUE, "body",
     "summary: s\nbody: >-\n  Text\n    indented\n  then [[nobody]]\n"),
    ("folded >+, with a comment", ISSUE, "body", "summary: s\nbody: >+  # background\n  Text\n  then [[nobody]]\n\n"),
    ("folded, in a mapping", ISSUE, "positions",
     "summary: s\npositions:\n  United States: >\n    Washington\n    said [[nobody]]\n"),
    ("double-quoted, in a mapping", ISSUE, "positions",
     'summary: s\npositions:\n  China: "Beijing \\"said\\" [[nobody]]"\n'),
    ("plain, in a list", MEETING, "outcomes", "outcomes:\n  - first\n  - second\n    and [[nobody]]\n"),
    ("single-quoted, in a flow list", MEETING, "outcomes", "outcomes: [first, 'it''s [[nobody]]']\n"),
]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
@pytest.mark.parametrize("head, field, tail", [case[1:] for case in PLACES], ids=[case[0] for case in PLACES])
def test_a_wikilink_is_reported_at_its_own_line_and_column(make_site, head, field, tail, newline):
    name = "issues/fentanyl.yaml" if head is ISSUE else "meetings/talks.yaml"
    content = make_site({name: (head + tail).replace("\n", newline).encode()})
    text = (content / name).read_bytes().decode("utf-8")
    index = text.index(MARKER)
    line, col = text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1
    assert problems(content) == [f"{content}/{name}:{line}:{col}: {field}: unknown id 'nobody'"]


def test_a_wikilink_whose_text_changed_in_loading_is_reported_at_its_value(make_site):
    # An escape that NFC normalisation joins ('e' and U+0301 become 'é') leaves a text that
    # is not the value as written: the value's start, not a guess.
    content = make_site({"issues/fentanyl.yaml": ISSUE + 'summary: "Cafe\\u0301 [[nobody]]"\n'})
    assert problems(content) == [f"{content}/issues/fentanyl.yaml:3:10: summary: unknown id 'nobody'"]
