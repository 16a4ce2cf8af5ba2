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


def test_did_you_mean_costs_little_against_many_candidates():
    """Issue 21 #4: 10,000 terms and 2,000 dangling references took 436 s."""
    import random
    import string
    import time

    from site_builder.model.errors import suggest
    rng = random.Random(4)
    ids = ["-".join("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 9)))
                    for _ in range(2)) for _ in range(10_000)]
    typos = [word[:2] + word[3:] for word in ids[:300]]   # one letter dropped
    started = time.perf_counter()
    hints = [suggest(typo, ids) for typo in typos]
    assert time.perf_counter() - started < 5
    assert sum(hint == f"did you mean '{word}'?" for hint, word in zip(hints, ids)) >= 290
    assert suggest("wang-yii", ["wang-yi", "antony-blinken"]) == "did you mean 'wang-yi'?"
