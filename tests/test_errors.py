"""Problems read as one line each, whatever the content put in them (issue 21 #13)."""
from site_builder.model.errors import Location, SiteError, printable

INJECTED = "x\n::error file=README.md,line=1::Injected\x1b]0;pwned\x07"


def test_control_bidi_and_zero_width_characters_are_escaped_in_every_part():
    error = SiteError(Location(f"content/people/{INJECTED}.yaml", 1, 2), INJECTED, f"unknown person '{INJECTED}'",
                      "did you mean '\u202ewang-yi\u200b'?")
    text = str(error)
    assert "\n" not in text and "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert text == ("content/people/x\\x0a::error file=README.md,line=1::Injected\\x1b]0;pwned\\x07.yaml:1:2: "
                    "x\\x0a::error file=README.md,line=1::Injected\\x1b]0;pwned\\x07: unknown person "
                    "'x\\x0a::error file=README.md,line=1::Injected\\x1b]0;pwned\\x07' "
                    "(did you mean '\\u202ewang-yi\\u200b'?)")


def test_ordinary_text_is_unchanged():
    assert printable("content/people/wang-yi.yaml:3:1: name: 王毅 — ‘quoted’ café") == \
        "content/people/wang-yi.yaml:3:1: name: 王毅 — ‘quoted’ café"
