"""Fuzz the whole pipeline (load_site + build into a temporary folder) with hypothesis.

Random and mutated YAML, Markdown and file names go in; the only acceptable outcomes
are a built site with nothing unsafe in it, or BuildFailed with formatted problems
and no output. Any other exception, or an input that runs past its time budget, fails.

Budget: each input gets PER_INPUT_SECONDS (a SIGALRM watchdog, so a hang fails
instead of stalling CI); the example counts keep the whole file near 30 s on two
cores. FUZZ_SCALE=10 runs ten times as many examples for a longer local session.
"""
from __future__ import annotations

import json
import os
import re
import signal
import tempfile
import textwrap
from contextlib import contextmanager
from unittest import mock
from pathlib import Path

from bs4 import BeautifulSoup

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import site_builder.pipeline as pipeline
from site_builder import BuildFailed, Paths, build
from site_builder.model.errors import SiteError

from ..conftest import MINIMAL, TEMPLATES
from .test_hostile import HOSTILE
from ..unsafe_html import site_findings

PER_INPUT_SECONDS = 5.0
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))


def fuzz(examples: int) -> settings:
    """Settings for one fuzz target: our own time budget instead of hypothesis' deadline."""
    return settings(max_examples=examples * SCALE, deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

BASE = {name: textwrap.dedent(text).lstrip("\n") for name, text in MINIMAL.items()}


class OverBudget(BaseException):
    """Raised by the watchdog; a BaseException so no `except Exception` in the pipeline hides it."""


@contextmanager
def time_budget(seconds: float):
    def on_alarm(signum, frame):
        raise OverBudget(f"input took longer than {seconds} s")
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_pipeline(files: dict[str, bytes]) -> str:
    """Build a site from `files` (paths below content/); assert an acceptable outcome."""
    with tempfile.TemporaryDirectory() as tmp:
        content, out = Path(tmp) / "content", Path(tmp) / "_site"
        for name, data in files.items():
            path = content / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        try:
            with time_budget(PER_INPUT_SECONDS):
                build(Paths(content, TEMPLATES, out))
        except BuildFailed as failed:
            assert failed.problems and all(isinstance(p, SiteError) for p in failed.problems)
            for problem in failed.problems:
                assert str(problem).startswith(problem.location.path), problem
            assert not out.exists()
            return "failed"
        own = template_own()
        assert {line for line in site_findings(out) if _at_any_base(line.split(": ", 1)[1], out) not in own} == set()
        return "built"


_TEMPLATE_OWN: set[str] = set()


def template_own() -> set[str]:
    """Return what the templates themselves put in pages (a script tag, say), from one clean build."""
    if not _TEMPLATE_OWN:
        with tempfile.TemporaryDirectory() as tmp:
            content = Path(tmp) / "content"
            for name, text in BASE.items():
                (content / name).parent.mkdir(parents=True, exist_ok=True)
                (content / name).write_text(text, encoding="utf-8")
            out = Path(tmp) / "_site"
            build(Paths(content, TEMPLATES, out))
            _TEMPLATE_OWN.update(_at_any_base(line.split(": ", 1)[1], out) for line in site_findings(out))
            _TEMPLATE_OWN.add("(none)")
    return _TEMPLATE_OWN


def _at_any_base(finding: str, out: Path) -> str:
    """Write the site's own asset URLs in a finding without its base path: a mutated
    site.yaml may publish the same template script under another base_url."""
    page = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    sheet = page.find("link", rel="stylesheet")
    base = sheet["href"].removesuffix("static/style.css") if sheet else None
    return finding.replace(f"'{base}static/", "'<base>static/") if base else finding


# Markdown ---------------------------------------------------------------------------

MARKDOWN_TOKENS = HOSTILE + [
    "[", "]", "(", ")", "[[wang-yi]]", "[[src-a]]", "[[wang-yi|the minister]]", "[[nope]]", "[[", "]]", "|",
    "*", "**", "_", "`", "```", "<", ">", "&", "&amp;", "&#x09;", "#", "## Heading", "\n", "\n\n", "- ", "1. ",
    "> ", "---", "!", "\\", ":", '"', "'", "{{", "}}", "{%", "%}", "<!--", "-->", "javascript:", "https://x.org/",
    "mailto:a@b.org", "    ", "\t", "é", "e\u0301", "\u202e", "王毅", "[x](", "](", "![", "[1]: ", "<https://x.org>",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    # Issue 21: shapes that are quadratic or recursive, and links to another host.
    "* " * 20, "> " * 20, "1. " * 20, "a\n=\n" * 30, "<a b=" * 20, "<http://a" * 20, "---\n\n" * 30,
    "[x](//evil.example)", "[x](/\\evil.example)", "![t](//evil.example/p.gif)", "[r]: //evil.example\n",
    "[[wang-yi| ]]",
]
# Printable text: control characters are a YAML error (fuzzed below) and would hide the Markdown.
printable = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
markdown_text = st.lists(st.one_of(st.sampled_from(MARKDOWN_TOKENS), printable), min_size=1,
                         max_size=60).map("".join)


def issue_with(summary: str, body: str, outcomes: list[str]) -> dict[str, bytes]:
    block = textwrap.indent(body, "  ") if body.strip() else "  x"
    meeting = BASE["meetings/talks.yaml"] + "outcomes:\n" + "".join(f"  - {json.dumps(o, ensure_ascii=False)}\n" for o in outcomes or ["x"])
    files = {name: text.encode() for name, text in BASE.items()}
    files["issues/fentanyl.yaml"] = (f"title: Fentanyl\nsources: [src-a]\nsummary: {json.dumps(summary, ensure_ascii=False)}\n"
                                     f"body: |\n{block}\n").encode("utf-8", "replace")
    files["meetings/talks.yaml"] = meeting.encode("utf-8", "replace")
    return files


@fuzz(70)
@given(summary=markdown_text, body=markdown_text, outcomes=st.lists(markdown_text, max_size=3))
def test_fuzz_markdown_fields(summary, body, outcomes):
    event(run_pipeline(issue_with(summary, body, outcomes)))


@fuzz(70)
@given(summary=markdown_text, body=markdown_text, outcomes=st.lists(markdown_text, max_size=3))
def test_fuzz_markdown_through_the_sanitiser_alone(summary, body, outcomes):
    # With the validator off, everything hostile reaches the renderer: the net must hold.
    with mock.patch.object(pipeline, "check_markdown", lambda *args: None):
        event(run_pipeline(issue_with(summary, body, outcomes)))


# YAML ---------------------------------------------------------------------------------

YAML_TOKENS = [b": ", b"- ", b"[", b"]", b"{", b"}", b"&a ", b"*a", b"!!str ", b"!!python/name:os.system ",
               b"!x ", b"<<: ", b"|", b">", b"\t", b"\n", b"  ", b"#", b'"', b"'", b"%YAML 1.1\n", b"---\n",
               b"...\n", b"? ", b"\xff", b"\xef\xbb\xbf", b"\x00", b"\r", b"@", b"`", b",", b"yes", b"NO",
               b"010", b"2024-02-30", b"25:99", b"CST", b"~", b"null", b"wang-yi", b"src-b", b"\xe2\x80\xae"]

mutation = st.tuples(st.floats(0, 1), st.sampled_from(["insert", "delete", "replace"]),
                     st.one_of(st.sampled_from(YAML_TOKENS), st.binary(max_size=4)))


def mutate(data: bytes, mutations) -> bytes:
    for where, operation, token in mutations:
        at = int(where * len(data))
        if operation == "insert":
            data = data[:at] + token + data[at:]
        elif operation == "delete":
            data = data[:at] + data[at + max(len(token), 1):]
        else:
            data = data[:at] + token + data[at + len(token):]
    return data


@fuzz(90)
@given(target=st.sampled_from(sorted(BASE)), mutations=st.lists(mutation, min_size=1, max_size=8))
def test_fuzz_mutated_yaml(target, mutations):
    files = {name: text.encode() for name, text in BASE.items()}
    files[target] = mutate(files[target], mutations)
    event(run_pipeline(files))


# File names ---------------------------------------------------------------------------

NAMES = ["people/A.yaml", "people/.x.yaml", "people/x.yml", "people/x", "people/con.yaml", "people/a b.yaml",
         "people/ü.yaml", "people/-.yaml", "people/x.yaml~", "people/4913", "issues/wang-yi.yaml",
         "people/" + "a" * 81 + ".yaml", "people/a--b.yaml", "notes.md", "people/sub/x.yaml", "site.yaml",
         "people/x.yaml", "terms/x.yaml", "events/x.yaml", "people/x.YAML"]


@fuzz(40)
@given(extra=st.dictionaries(st.sampled_from(NAMES), st.sampled_from(
    [b"", b"name: X\nrole: r\ncountry: c\nsummary: s\n", b"title: t\npublisher: p\nkind: press\n", b"- a\n", b"x: [\n",
     b"term: T\ndefinition: d\n"]), max_size=4))
def test_fuzz_file_names(extra):
    files = {name: text.encode() for name, text in BASE.items()}
    files.update(extra)
    event(run_pipeline(files))


def test_the_watchdog_stops_a_slow_input():
    with time_budget(0.2):
        try:
            while True:
                pass
        except OverBudget:
            return


# Issue 21: controls and invisible characters in every text field; URLs in every URL field
# and in --base-url. Whatever is built, every machine-readable output is read by a real
# parser, and nothing invisible is published anywhere.

FORBIDDEN = "\x00\x01\x07\x0b\x1b\x7f\x85\x9b\u200b\u2060\u202a\u202e\u2066\u2069\ufeff\u115f\u3164"
KEPT = "\u200c\u200d\u200e\u200f"   # ZWNJ, ZWJ, LRM, RLM: scripts need them
TEXT_FIELDS = [("people/wang-yi.yaml", "name"), ("people/wang-yi.yaml", "role"), ("people/wang-yi.yaml", "native_name"),
               ("people/wang-yi.yaml", "summary"), ("meetings/talks.yaml", "title"), ("meetings/talks.yaml", "location"),
               ("meetings/talks.yaml", "summary"), ("issues/fentanyl.yaml", "title"), ("sources/src-a.yaml", "title"),
               ("sources/src-a.yaml", "publisher"), ("site.yaml", "title"), ("site.yaml", "description")]
tricky_text = st.lists(st.one_of(st.sampled_from(list(FORBIDDEN + KEPT) + ["&#8238;", "&#x200b;", "a", " "]),
                                 st.text(st.characters(blacklist_categories=("Cs",)), max_size=3)),
                       min_size=1, max_size=12).map("".join)


def with_field(files: dict[str, bytes], name: str, field: str, value: str) -> dict[str, bytes]:
    lines = [line for line in files[name].decode().splitlines() if not line.startswith(f"{field}:")]
    files[name] = ("\n".join(lines) + f"\n{field}: {json.dumps(value)}\n").encode()   # JSON escapes are YAML's
    return files


def read_outputs(out: Path) -> None:
    """Read every machine-readable output with a real parser; find nothing invisible anywhere."""
    import icalendar
    import xml.etree.ElementTree as ET
    json.loads((out / "data.json").read_bytes())
    for path in (out / "data").rglob("*.json"):
        json.loads(path.read_bytes())
    ET.fromstring((out / "feed.xml").read_bytes())
    ET.fromstring((out / "sitemap.xml").read_bytes())
    icalendar.Calendar.from_ical((out / "calendar.ics").read_bytes())
    for page in out.rglob("*.html"):
        for script in BeautifulSoup(page.read_bytes(), "html.parser").find_all("script", type="application/ld+json"):
            json.loads(script.string)
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".ics", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert not any(char in text for char in FORBIDDEN), path


@fuzz(60)
@given(target=st.sampled_from(TEXT_FIELDS), value=tricky_text)
def test_fuzz_control_and_invisible_characters_in_every_text_field(target, value):
    files = with_field({name: text.encode() for name, text in BASE.items()}, *target, value)
    with tempfile.TemporaryDirectory() as tmp:
        content, out = Path(tmp) / "content", Path(tmp) / "_site"
        for name, data in files.items():
            (content / name).parent.mkdir(parents=True, exist_ok=True)
            (content / name).write_bytes(data)
        try:
            with time_budget(PER_INPUT_SECONDS):
                build(Paths(content, TEMPLATES, out), search=False)
        except BuildFailed as failed:
            assert all("\n" not in str(p) and not any(c in str(p) for c in FORBIDDEN) for p in failed.problems)
            event("failed")
            return
        read_outputs(out)
        event("built")


URL_TOKENS = ["https://", "http://", "//", "\\\\", "/\\", "javascript:", "example.org", "evil.example", "/", "%0a",
              "\x01", "\u202e", " ", "@", ":80", "?q=1", "#x", "repo/", "notaurl", "\t"]
urls = st.lists(st.sampled_from(URL_TOKENS), min_size=1, max_size=6).map("".join)


@fuzz(60)
@given(url=urls, where=st.sampled_from(["source", "markdown", "base_url"]))
def test_fuzz_urls_in_every_url_field_and_base_url(url, where):
    from site_builder.cli import check_base_url
    from argparse import Namespace
    files = {name: text.encode() for name, text in BASE.items()}
    base = None
    if where == "source":
        files = with_field(files, "sources/src-a.yaml", "url", url)
    elif where == "markdown":
        files = with_field(files, "issues/fentanyl.yaml", "summary", f"[link]({url}) ![img]({url})")
    else:
        args = Namespace(base_url=url)
        if check_base_url(args):
            event("base_url refused")
            return
        base = args.base_url
    with tempfile.TemporaryDirectory() as tmp:
        content, out = Path(tmp) / "content", Path(tmp) / "_site"
        for name, data in files.items():
            (content / name).parent.mkdir(parents=True, exist_ok=True)
            (content / name).write_bytes(data)
        try:
            with time_budget(PER_INPUT_SECONDS):
                build(Paths(content, TEMPLATES, out), base_url=base, search=False)
        except BuildFailed:
            event("failed")
            return
        read_outputs(out)
        for page in out.rglob("*.html"):
            for tag in BeautifulSoup(page.read_bytes(), "html.parser").find_all(["a", "img", "link"]):
                link = (tag.get("href") or tag.get("src") or "").replace("\\", "/")
                assert not re.sub(r"[\x00-\x20]", "", link).startswith("//"), (page, link)   # another host
        event("built")
