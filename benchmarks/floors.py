"""Python's floors for a build: the least each stage's work costs in one Python process, on
the same corpus, next to what our stages take.

Each floor does only the stage's irreducible work, serially, with nothing else around it:

- imports: start the interpreter and import the builder (`python -c "import site_builder.cli"`);
- YAML: libyaml's CBaseLoader over every content file's bytes, already in memory;
- Markdown: Python-Markdown with our extensions (tables, sane_lists, smarty and the [[id]]
  pattern) over every Markdown field, no sanitising, no lint, no cache, one process;
- Jinja: our templates rendered from contexts prepared beforehand, one process;
- writing: the bytes of every output file, already in memory, written into a fresh folder.

Our stage times come from the build's own stage lines (SITE_BUILDER_STAGES=1, core/progress.py),
for a cold build (--no-cache --no-search) with the fast runner on every core.

    .venv/bin/python benchmarks/floors.py medium      # prints the table for one preset
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from site_builder.core import markup  # noqa: E402
from site_builder.core.links import markdown_texts  # noqa: E402
from site_builder.core.markup import Target  # noqa: E402
from site_builder.core.pages import plan_pages  # noqa: E402
from site_builder.core.render import make_environment, page_context, site_context  # noqa: E402
from site_builder.core.runner import Runner  # noqa: E402
from site_builder.explainer.sitepages import site_extras  # noqa: E402
from site_builder.model import urls  # noqa: E402
from site_builder.model.errors import Problems  # noqa: E402
from site_builder.core.progress import Progress  # noqa: E402
from site_builder.pipeline import Options, make_views, read_site  # noqa: E402
from site_builder.publish import seo  # noqa: E402

# Our stage (as core/progress.py names it) beside the floor it is compared with.
PAIRS = (("imports", ("start and import",)), ("yaml", ("load",)), ("markdown", ("markdown",)),
         ("jinja", ("render",)), ("write", ()))


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def floor_imports(runs: int = 5) -> float:
    cmd = [sys.executable, "-c", "import site_builder.cli"]
    return statistics.median(_timed(lambda: subprocess.run(cmd, cwd=ROOT, check=True)) for _ in range(runs))


def floor_yaml(content: Path) -> float:
    data = [path.read_bytes() for path in sorted(content.rglob("*.yaml"))]
    return _timed(lambda: [yaml.load(raw, Loader=yaml.CBaseLoader) for raw in data])


def floor_markdown(site) -> float:
    texts = [text for entity in site.by_id.values() for _, text in markdown_texts(entity)]
    target = Target("a page", "/a/", "any")
    md = markup._converter(None)

    def convert_all() -> None:
        md.resolve = lambda ref: target
        for text in texts:
            md.reset().convert(text)
    return _timed(convert_all)


def floor_jinja(site, settings, rendered, templates: Path) -> float:
    base = site.settings["base_url"]
    pages = plan_pages(site, Problems())
    runner = Runner()
    views = make_views(site, settings, base, rendered, runner)
    shared = {"site": site_context(site, views, base, runner, site_extras(site, views, base)),
              "asset": lambda path: urls.href("/static/" + path.lstrip("/"), base)}   # as render_pages
    env = make_environment(templates, functions={"seo_meta": seo.page_meta})
    prepared = [(env.get_template(p.template), page_context(p, site, views, base, shared["site"])) for p in pages]
    return _timed(lambda: [template.render(shared, page=page) for template, page in prepared])


def floor_write(out: Path) -> float:
    files = [(path.relative_to(out), path.read_bytes()) for path in out.rglob("*") if path.is_file()]
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder)

        def write_all() -> None:
            for relative, data in files:
                path = target / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        return _timed(write_all)


def our_stages(content: Path, templates: Path, out: Path) -> tuple[float, dict[str, float]]:
    """Return the wall time of a cold build and each stage's time, from its stage lines."""
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "SITE_BUILDER_STAGES": "1"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(content), "--templates",
                           str(templates), "--out", str(out), "--no-cache", "--no-search"],
                          capture_output=True, text=True, env=env, check=True)
    wall = time.perf_counter() - started
    stages = {}
    for line in done.stderr.splitlines():
        if line.startswith("  stage "):
            name, seconds, _ = line[len("  stage "):].rsplit(" ", 2)
            stages[name] = float(seconds)
    return wall, stages


def measure(content: Path, templates: Path, out: Path) -> dict:
    """Return our cold build's stages and the floors, in seconds."""
    wall, stages = our_stages(content, templates, out)
    stages["start and import"] = max(0.0, wall - sum(stages.values()))
    read = read_site(content, Options(), Runner(), Progress())
    site, settings, rendered = read.site, read.settings, read.markdown
    floors = {"imports": floor_imports(), "yaml": floor_yaml(content), "markdown": floor_markdown(site),
              "jinja": floor_jinja(site, settings, rendered, templates), "write": floor_write(out)}
    return {"wall": wall, "stages": stages, "floors": floors}


def table(preset: str, result: dict) -> str:
    """Return our stages beside their floors as a Markdown table."""
    stages, floors = dict(result["stages"]), result["floors"]
    rows = [f"Cold build of {preset} (--no-cache --no-search): {result['wall']:.2f} s wall.\n",
            "| our stage | ours | Python's floor | floor |", "| --- | ---: | ---: | --- |"]
    for floor, ours in PAIRS:
        mine = sum(stages.pop(name, 0.0) for name in ours)
        label = " + ".join(ours) if ours else "(inside render)"
        rows.append(f"| {label} | {mine:.2f} s | {floors[floor]:.2f} s | {floor} |")
    for name, seconds in stages.items():
        rows.append(f"| {name} | {seconds:.2f} s | | |")
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    from corpus import PRESETS, generate, write_content  # noqa: PLC0415
    preset = (argv or sys.argv[1:] or ["small"])[0]
    if preset not in PRESETS:
        print(f"preset must be one of {', '.join(PRESETS)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        write_content(generate(preset), work / "content")
        print(table(preset, measure(work / "content", ROOT / "templates", work / "_site")))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    raise SystemExit(main())
