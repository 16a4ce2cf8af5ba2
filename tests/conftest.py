"""Shared fixtures: write a tiny site from a dict of files, and the minimal valid site."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Builds that happen to last longer than a second print their stage times on stderr
# (core/progress.py); tests compare whole outputs, so the CLIs they run show no progress.
# tests/core/test_progress.py turns it back on.
os.environ["SITE_BUILDER_STAGES"] = "0"
TEMPLATES = ROOT / "templates"

MINIMAL = {
    "site.yaml": """
        title: Test explainer
        description: A tiny site for tests.
        base_url: https://example.org/repo/
        language: en
    """,
    "people/antony-blinken.yaml": """
        name: Antony Blinken
        role: US Secretary of State
        country: United States
        summary: Secretary of State [[src-a]].
    """,
    "people/wang-yi.yaml": """
        name: Wang Yi
        role: Foreign Minister
        country: China
        native_name: 王毅
        summary: Foreign Minister.
        sources: [src-a]
    """,
    "meetings/talks.yaml": """
        title: Talks in Beijing
        date: 2024-04-26
        location: Beijing
        status: held
        participants:
          - antony-blinken
          - wang-yi
        issues:
          - fentanyl
        summary: Talks with [[wang-yi]] and [[wang-yi|the minister]].
        sources:
          - src-a
    """,
    "issues/fentanyl.yaml": """
        title: Fentanyl
        summary: Precursor chemicals.
        sources:
          - src-a
    """,
    "sources/src-a.yaml": """
        title: An article
        publisher: A publisher
        kind: press
    """,
}


def child_processes() -> list[str]:
    """The ids of this process's child processes (Linux), to check none is left behind."""
    found = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        found += (task / "children").read_text().split()
    return found


def write_tree(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write dedented files below root; a None value deletes the file."""
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path):
    """Return a function that writes MINIMAL updated with `changes` into a content folder."""
    def make(changes: dict[str, str | bytes | None] | None = None, base: dict | None = None) -> Path:
        files = dict(MINIMAL if base is None else base)
        files.update(changes or {})
        return write_tree(tmp_path / "content", files)
    return make


def real_content_ids() -> set[str]:
    """The ids of the real explainer's entities, from its file names."""
    return {path.stem for path in (ROOT / "content").glob("*/*.yaml")}


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "facts_of(*ids): a fact of the real explainer about these entities; "
                                       "not collected when an editor has deleted one of them")


def pytest_collection_modifyitems(config, items) -> None:
    """Facts about entities an editor deleted are deselected, not failed and not skipped:
    deleting a meeting is a valid editorial change."""
    present = real_content_ids()
    kept, gone = [], []
    for item in items:
        wanted = {i for mark in item.iter_markers("facts_of") for i in mark.args}
        (gone if wanted - present else kept).append(item)
    if gone:
        config.hook.pytest_deselected(items=gone)
        items[:] = kept
