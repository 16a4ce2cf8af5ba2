"""The preview engine never drifts from a cold build: after any sequence of edits (titles,
Markdown, participants, entities added, deleted and renamed, files broken and fixed,
templates changed), the folder the preview serves holds exactly the bytes a cold build
with the plain runner and no cache writes from the same files."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.core.runner import Runner
from site_builder.model.schema import CONTENT_TYPES
from site_builder.pipeline import Paths, build
from site_builder.preview.rebuild import Previewer
from site_builder.publish.search import BUNDLE
from site_builder.speed.cache import Cache

from ..conftest import ROOT
from ..speed.test_runner_contract import differences

TITLE_FIELD = {t.folder: t.title_field for t in CONTENT_TYPES if t.folder}
WORDS = st.sampled_from(["Talks", "Visit", "A new title", "Wang's note", "Summit & talks", "第二次"])
EDITS = st.one_of(
    st.tuples(st.just("title"), st.integers(0, 10_000), WORDS),
    st.tuples(st.just("markdown"), st.integers(0, 10_000), st.integers(0, 10_000)),
    st.tuples(st.just("participants"), st.integers(0, 10_000), st.integers(0, 10_000)),
    st.tuples(st.just("add"), st.integers(0, 3)),
    st.tuples(st.just("delete added"), st.integers(0, 3)),
    st.tuples(st.just("rename"), st.integers(0, 10_000)),
    st.tuples(st.just("break"), st.integers(0, 10_000)),
    st.tuples(st.just("fix"),),
    st.tuples(st.just("template"), st.integers(0, 10_000)),
)


class Editor:
    """Edits a copy of the real content and templates as an editor would, one save at a time."""

    def __init__(self, root: Path):
        self.content, self.templates = root / "content", root / "templates"
        shutil.copytree(ROOT / "content", self.content)
        shutil.copytree(ROOT / "templates", self.templates)
        self.broken: dict[Path, str] = {}

    def files(self, folder: str | None = None) -> list[Path]:
        found = sorted(self.content.glob(f"{folder or '*'}/*.yaml"))
        return [path for path in found if path not in self.broken]

    def ids(self, folder: str) -> list[str]:
        return [path.stem for path in self.files(folder)]

    def change(self, path: Path, update) -> None:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)   # every value a string
        update(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")

    def apply(self, edit: tuple) -> None:
        kind, *args = edit
        getattr(self, {"break": "break_", "delete added": "delete_added"}.get(kind, kind))(*args)

    def title(self, n: int, words: str) -> None:
        path = self.files()[n % len(self.files())]
        self.change(path, lambda data: data.__setitem__(TITLE_FIELD[path.parent.name], words))

    def markdown(self, n: int, m: int) -> None:
        path = self.files("people")[n % len(self.files("people"))]
        target = self.ids("issues")[m % len(self.ids("issues"))]
        self.change(path, lambda data: data.__setitem__("summary", f"Now about [[{target}]], *edited* {m}."))

    def participants(self, n: int, m: int) -> None:
        path = self.files("meetings")[n % len(self.files("meetings"))]
        person = self.ids("people")[m % len(self.ids("people"))]

        def toggle(data):
            names = data["participants"]
            if person in names and len(names) > 1:
                names.remove(person)
            elif person not in names:
                names.append(person)
        self.change(path, toggle)

    def add(self, n: int) -> None:
        source = self.ids("sources")[0]
        (self.content / "people" / f"added-person-{n}.yaml").write_text(
            f"name: Added Person {n}\nrole: Adviser\ncountry: Nowhere\nsummary: An adviser [[{source}]].\n"
            f"sources:\n  - {source}\n", encoding="utf-8")

    def delete_added(self, n: int) -> None:
        (self.content / "people" / f"added-person-{n}.yaml").unlink(missing_ok=True)

    def rename(self, n: int) -> None:
        """Rename a person, and every reference to it, as a search-and-replace would."""
        old = self.ids("people")[n % len(self.ids("people"))]
        new = f"{old}-renamed" if not old.endswith("-renamed") else old[: -len("-renamed")]
        pattern = re.compile(rf"(?<![\w-]){re.escape(old)}(?![\w-])")
        for path in self.content.rglob("*.yaml"):
            text = path.read_text(encoding="utf-8")
            if pattern.search(text):
                path.write_text(pattern.sub(new, text), encoding="utf-8")
        (self.content / "people" / f"{old}.yaml").rename(self.content / "people" / f"{new}.yaml")

    def break_(self, n: int) -> None:
        path = self.files()[n % len(self.files())]
        self.broken[path] = path.read_text(encoding="utf-8")
        path.write_text("title: [unclosed\n", encoding="utf-8")

    def fix(self) -> None:
        for path, text in self.broken.items():
            path.write_text(text, encoding="utf-8")
        self.broken.clear()

    def template(self, n: int) -> None:
        path = self.templates / "person.html"
        path.write_text(path.read_text(encoding="utf-8") + f"{{# edit {n} #}}<!-- edit {n} -->\n", encoding="utf-8")


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(EDITS, min_size=1, max_size=5))
def test_the_served_site_is_a_cold_builds_bytes_after_any_edits(edits, tmp_path_factory):
    root = tmp_path_factory.mktemp("preview")
    editor = Editor(root)
    served = root / "_site"
    preview = Previewer(Paths(editor.content, editor.templates, served), say=lambda line: None,
                        cache=Cache(root / "cache"), search=False)
    try:
        assert preview.build_now().root is not None
        for edit in edits:
            editor.apply(edit)
            preview.build_now([str(editor.content)])   # a save; a failed build keeps the last good one
        editor.fix()
        state = preview.build_now([str(editor.content)])
        assert state is not None and state.problems == (), state.problems if state else None
    finally:
        preview.stop()
    cold = root / "cold"
    build(Paths(editor.content, editor.templates, cold), search=False, runner=Runner())
    shutil.rmtree(served / BUNDLE, ignore_errors=True)
    assert differences(cold, served) == []
