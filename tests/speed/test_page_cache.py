"""page_cache.py with tracking.py: a page is kept exactly while every key it read is unchanged."""
from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from site_builder.speed.cache import Cache
from site_builder.speed.page_cache import PageCache
from site_builder.model.entities import Page
from site_builder.speed.tracking import TEMPLATES, WHOLE, View, grouped, make_view, packed, recording, unpacked

# The digest of each file of the templates folder (render.template_files).
FILES = {"base.html": "b1", "person.html": "p1", "event.html": "e1", "static/style.css": "s1",
         "locale/zh-Hans.po": "l1"}
PAGE = Page("/people/ada/", "people/ada/index.html", "person.html", "entity", "Ada", "content/people/ada.yaml", "ada")


def _views(**ada: object) -> dict:
    fields = {"title": "Ada", "summary": "A mathematician.", **ada}
    return {"ada": make_view("ada", {k: v for k, v in fields.items() if v is not None}),
            "bob": make_view("bob", {"title": "Bob", "summary": "An engineer."})}


def _site(**fields: object) -> View:
    """The site context every page sees (render.site_context), a view of its own."""
    return make_view("@site", {"title": "Explainer", "people": ["ada", "bob"], **fields})


def _kept_after(tmp_path: Path, read, views_then: dict, views_now: dict) -> bool:
    """Render PAGE reading `read(views)` with views_then, then ask whether views_now keep it.
    The site context is views["@site"] when given."""
    out = tmp_path / "_site"
    (out / "people/ada").mkdir(parents=True, exist_ok=True)
    (out / PAGE.output).write_text("page")
    cache = Cache(tmp_path / "cache")
    then = PageCache(cache, FILES, "en", views_then.get("@site", _site()), views_then)
    with recording() as reads:
        read(views_then)
    then.record([PAGE], {PAGE.output: packed(reads)}, out)
    cache.save()
    now = PageCache(Cache(tmp_path / "cache"), FILES, "en", views_now.get("@site", _site()), views_now)
    todo, kept = now.split([PAGE], out)
    assert len(todo) + len(kept) == 1
    return bool(kept)


def test_reads_are_grouped_by_view_with_their_keys():
    views = _views()
    with recording() as reads:
        views["ada"]["title"], views["ada"].get("summary"), "born" in views["ada"]
        list(views["bob"])
    assert grouped(reads) == (("ada", ("born", "summary", "title")), ("bob", (WHOLE,)))


def test_a_page_is_kept_while_the_keys_it_read_are_unchanged(tmp_path):
    def title(views):
        return views["ada"]["title"]

    assert _kept_after(tmp_path, title, _views(), _views(summary="Changed."))
    assert not _kept_after(tmp_path, title, _views(), _views(title="Ada Lovelace"))


def test_a_key_read_while_missing_renders_again_once_it_is_there(tmp_path):
    def born(views):
        return views["ada"].get("born")

    assert _kept_after(tmp_path, born, _views(), _views())
    assert not _kept_after(tmp_path, born, _views(), _views(born="1815"))
    assert not _kept_after(tmp_path, born, _views(born="1815"), _views())


def test_a_view_read_whole_renders_again_on_any_change(tmp_path):
    def everything(views):
        return dict(views["ada"].items())

    assert _kept_after(tmp_path, everything, _views(), _views())
    assert not _kept_after(tmp_path, everything, _views(), _views(summary="Changed."))


def test_a_page_that_read_a_view_now_gone_renders_again(tmp_path):
    def bob(views):
        return views["bob"]["title"]

    views_now = _views()
    del views_now["bob"]
    assert not _kept_after(tmp_path, bob, _views(), views_now)


def test_the_size_of_a_view_is_a_read_of_its_own(tmp_path):
    def size(views):
        return len(views["ada"]) and bool(views["ada"])

    assert _kept_after(tmp_path, size, _views(), _views(summary="Changed."))
    assert not _kept_after(tmp_path, size, _views(), _views(born="1815"))


def test_comparing_or_copying_a_view_reads_all_of_it(tmp_path):
    def compare(views):
        return views["ada"] == views["bob"], views["bob"].copy()

    assert not _kept_after(tmp_path, compare, _views(), _views(summary="Changed."))
    with recording() as reads:
        compare(_views())
    assert grouped(reads) == (("ada", (WHOLE,)), ("bob", (WHOLE,)))


def test_a_page_is_kept_while_the_site_keys_it_read_are_unchanged(tmp_path):
    def site_title(views):
        return views["@site"]["title"]

    def people(views):
        return views["@site"]["people"]

    before, reordered = {**_views(), "@site": _site()}, {**_views(), "@site": _site(people=["bob", "ada"])}
    assert _kept_after(tmp_path, site_title, before, reordered)   # the list's order is not the title
    assert not _kept_after(tmp_path, people, before, reordered)
    assert not _kept_after(tmp_path, site_title, before, {**_views(), "@site": _site(title="Renamed")})


def test_what_a_page_read_is_kept_packed_and_unpacks_to_the_same_reads():
    views = _views()
    with recording() as reads:
        views["ada"]["title"], views["bob"]["title"], len(views["ada"])
    assert isinstance(packed(reads), bytes)
    assert unpacked(packed(reads)) == grouped(reads)


@pytest.mark.parametrize("tamper", [
    lambda entry: (b"", *entry[1:]), lambda entry: (b"\xffnot marshal", *entry[1:]),
    lambda entry: (marshal.dumps(42), *entry[1:]), lambda entry: (marshal.dumps(("ada",)), *entry[1:]),
    lambda entry: (marshal.dumps({"ab": 1}), *entry[1:]), lambda entry: ("text", *entry[1:]),
    lambda entry: 5, lambda entry: (), lambda entry: {}, lambda entry: entry[:3], lambda entry: None])
def test_a_page_whose_stored_entry_is_not_what_record_stores_renders_again(tmp_path, tamper):
    out = tmp_path / "_site"
    (out / "people/ada").mkdir(parents=True)
    (out / PAGE.output).write_text("page")
    views = _views()
    cache = Cache(tmp_path / "cache")
    then = PageCache(cache, FILES, "en", _site(), views)
    with recording() as reads:
        views["ada"]["title"]
    then.record([PAGE], {PAGE.output: packed(reads)}, out)
    assert then.split([PAGE], out)[1]    # as recorded, the page is kept ...
    entry = cache.get("pages", then._key(PAGE))
    cache.put("pages", then._key(PAGE), tamper(entry))   # ... as a tampered cache has it, not
    assert then.split([PAGE], out) == ([PAGE], [])


def test_a_made_file_is_kept_while_the_output_folder_holds_it_as_written(tmp_path):
    out = tmp_path / "_site"
    (out / "data/people").mkdir(parents=True)
    target = out / "data/people/ada.json"
    target.write_bytes(b'{"entities":[]}')
    cache = Cache(tmp_path / "cache")
    then = PageCache(cache, FILES, "en", _site(), _views())
    assert not then.kept_file("data/people/ada.json", "key-1", out)   # nothing recorded yet
    then.made_file("data/people/ada.json", "key-1")
    then.record([], {}, out)
    cache.save()
    now = PageCache(Cache(tmp_path / "cache"), FILES, "en", _site(), _views())
    assert now.kept_file("data/people/ada.json", "key-1", out)
    assert not now.kept_file("data/people/ada.json", "key-2", out)   # made for another key
    assert not now.kept_file("data/people/bob.json", "key-1", out)   # another file
    target.write_bytes(b'{"entities":[1]}')                         # changed since
    assert not now.kept_file("data/people/ada.json", "key-1", out)
    target.unlink()
    assert not now.kept_file("data/people/ada.json", "key-1", out)
    assert not PageCache(Cache(None), FILES, "en", _site(), _views()).kept_file("data/people/ada.json", "key-1", out)


@pytest.mark.parametrize("edited, kept", [
    ("person.html", False),        # the page's own template
    ("base.html", False),          # one it extends
    ("event.html", True),          # another type's
    ("static/style.css", True),    # pages only link to static files
    ("locale/zh-Hans.po", False),  # the engine's words: any page may show them
    ("added.html", True),          # a new template no page loads
])
def test_a_page_is_rendered_again_when_a_template_it_loaded_changes(tmp_path, edited, kept):
    out = tmp_path / "_site"
    (out / "people/ada").mkdir(parents=True)
    (out / PAGE.output).write_text("page")
    cache = Cache(tmp_path / "cache")
    views = _views()
    then = PageCache(cache, FILES, "en", _site(), views)
    with recording() as reads:   # as TrackingEnvironment notes the templates a page loads
        reads.update({(TEMPLATES, "person.html"), (TEMPLATES, "base.html"), ("ada", "title")})
    then.record([PAGE], {PAGE.output: packed(reads)}, out)
    cache.save()
    files = {**FILES, edited: "changed"}
    todo, still = PageCache(Cache(tmp_path / "cache"), files, "en", _site(), views).split([PAGE], out)
    assert bool(still) == kept
