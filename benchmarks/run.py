"""Benchmark site_builder on generated corpora, side by side with Hugo; print a table, write JSON.

For each preset: cold full build (no cache, no previous output) wall and CPU time and
peak memory; warm rebuild with nothing changed; rebuilds after editing one person, one
meeting, one template; Hugo's cold build of the same entities when `hugo` is on PATH.
Every figure is the median of --runs runs of `python build.py` as a fresh process.
Beside it, each of our stages and Python's floor for the same work (benchmarks/floors.py).
Save -> browser reload while serving is measured by benchmarks/reload.py. With --memory,
instead: the memory of a cold build's process tree and of the preview through --edits
consecutive edits (benchmarks/memory.py).

    .venv/bin/python benchmarks/run.py --presets small medium large --runs 5
    .venv/bin/python benchmarks/run.py --memory --presets large --edits 50
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import PRESETS, generate, write_content  # noqa: E402
from hugo_site import write_hugo  # noqa: E402
import floors  # noqa: E402
import memory  # noqa: E402


def measure(cmd: list[str], cwd: Path | None = None) -> dict:
    """Run cmd; return wall and CPU seconds, peak RSS of the largest process and peak PSS of the tree (MB)."""
    # Start each run with the disk settled: the previous run's writes and deletes (hundreds
    # of MB at large) still being flushed would otherwise slow this run's file creation
    # (measured: 3 s of system time on a cold large build). Same for every tool measured.
    os.sync()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        # Reading smaps_rollup walks the page tables of every process: every 100 ms keeps the
        # sampler from slowing the build it measures (memory peaks last far longer).
        while not done.wait(0.1):
            peak[0] = max(peak[0], sum(memory.pss_kb(p) for p in memory.tree(proc.pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{out.decode()}\n{err.decode()}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "pss_mb": peak[0] / 1024, "stdout": out.decode().strip()}


class Bench:
    """One preset's working folders and the build command."""

    def __init__(self, work: Path, preset: str, seed: int):
        self.dir = work / preset
        self.content, self.templates = self.dir / "content", self.dir / "templates"
        self.out, self.cache = self.dir / "_site", self.dir / "cache"
        self.hugo_dir, self.hugo_out = self.dir / "hugo", self.dir / "hugo-out"
        corpus = generate(preset, seed)
        self.entities = write_content(corpus, self.content)
        if shutil.which("hugo"):
            write_hugo(corpus, self.hugo_dir)
        shutil.rmtree(self.templates, ignore_errors=True)
        shutil.copytree(ROOT / "templates", self.templates)
        helptext = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--help"],
                                  capture_output=True, text=True).stdout
        self.has_cache = "--cache-dir" in helptext
        self.has_search = "--no-search" in helptext  # Hugo builds no search index either

    def cmd(self, cold: bool = False) -> list[str]:
        cmd = [sys.executable, str(ROOT / "build.py"), "--content", str(self.content),
               "--templates", str(self.templates), "--out", str(self.out)]
        if self.has_cache:
            cmd += ["--no-cache"] if cold else ["--cache-dir", str(self.cache)]
        if self.has_search:
            cmd += ["--no-search"]
        return cmd

    def clean(self) -> None:
        shutil.rmtree(self.out, ignore_errors=True)
        shutil.rmtree(self.cache, ignore_errors=True)


def _edit(path: Path, run: int) -> None:
    """Change one Markdown field of a content file (a new text every run), or a template's output."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        path.write_text(text.rstrip("\n").rsplit("\n<!-- edit", 1)[0] + f"\n<!-- edit {run} -->\n", encoding="utf-8")
        return
    head, rest = text.split("summary: |\n  ", 1)
    rest = rest.split("(edit ", 1)[-1].split(") ", 1)[-1] if rest.startswith("(edit ") else rest
    path.write_text(f"{head}summary: |\n  (edit {run}) {rest}", encoding="utf-8")


def bench_preset(preset: str, runs: int, work: Path, seed: int, hugo: bool) -> dict:
    """Measure one preset; return every run and the medians."""
    bench = Bench(work, preset, seed)
    result: dict = {"entities": bench.entities, "runs": runs, "cache": bench.has_cache}
    samples: dict[str, list[dict]] = {k: [] for k in ("cold", "warm", "edit_person", "edit_meeting",
                                                       "edit_template", "hugo_cold")}
    for _ in range(runs):
        bench.clean()
        samples["cold"].append(measure(bench.cmd(cold=True)))
    result["pages"] = int(samples["cold"][0]["stdout"].split()[1])
    result["floors"] = floors.measure(bench.content, bench.templates, bench.dir / "_site-floors")
    measure(bench.cmd())  # fill the cache and the output once
    edits = {"edit_person": bench.content / "people" / "person-00001.yaml",
             "edit_meeting": bench.content / "meetings" / "meeting-00001.yaml",
             "edit_template": bench.templates / "person.html"}
    for run in range(runs):
        samples["warm"].append(measure(bench.cmd()))
        for name, path in edits.items():
            _edit(path, run)
            samples[name].append(measure(bench.cmd()))
    if hugo and shutil.which("hugo"):
        for _ in range(runs):
            shutil.rmtree(bench.hugo_out, ignore_errors=True)
            samples["hugo_cold"].append(measure(["hugo", "--quiet", "-s", str(bench.hugo_dir),
                                                 "-d", str(bench.hugo_out)]))
    for name, values in samples.items():
        if values:
            result[name] = {key: statistics.median(v[key] for v in values) for key in ("wall", "cpu", "rss_mb", "pss_mb")}
            result[name]["all_wall"] = [round(v["wall"], 4) for v in values]
    return result


def real_explainer(runs: int) -> dict:
    """Time the real explainer's full build, process start to exit, with and without the cache."""
    work = Path(os.environ.get("TMPDIR", "/tmp")) / "site-builder-bench-real"
    shutil.rmtree(work, ignore_errors=True)
    base = [sys.executable, str(ROOT / "build.py"), "--content", str(ROOT / "content"),
            "--templates", str(ROOT / "templates"), "--out", str(work / "_site")]
    has_cache = "--cache-dir" in subprocess.run(base[:2] + ["build", "--help"], capture_output=True, text=True).stdout
    cold = [measure(base + (["--no-cache"] if has_cache else []))["wall"] for _ in range(runs)]
    warm = [measure(base + (["--cache-dir", str(work / "cache")] if has_cache else []))["wall"] for _ in range(runs)]
    shutil.rmtree(work, ignore_errors=True)
    return {"cold_wall": statistics.median(cold), "warm_wall": statistics.median(warm)}


def table(results: dict) -> str:
    """Return the results as a Markdown table (seconds, MB)."""
    head = ("| preset | entities | pages | cold wall | cold CPU | peak RSS / PSS | warm | edit person | edit meeting "
            "| edit template | Hugo cold | ratio |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
            "| ---: | ---: | ---: |\n")
    rows = []
    for preset, r in results["presets"].items():
        hugo = r.get("hugo_cold", {}).get("wall")
        cells = [preset, str(r["entities"]), str(r["pages"]), f"{r['cold']['wall']:.2f} s", f"{r['cold']['cpu']:.2f} s",
                 f"{r['cold']['rss_mb']:.0f} / {r['cold']['pss_mb']:.0f} MB"]
        cells += [f"{r[k]['wall']:.2f} s" for k in ("warm", "edit_person", "edit_meeting", "edit_template")]
        cells += [f"{hugo:.2f} s" if hugo else "n/a", f"{r['cold']['wall'] / hugo:.2f}" if hugo else "n/a"]
        rows.append("| " + " | ".join(cells) + " |")
    real = results.get("real")
    tail = (f"\nReal explainer, process start to exit: {real['cold_wall']:.3f} s cold (--no-cache), "
            f"{real['warm_wall']:.3f} s warm.\n") if real else ""
    return head + "\n".join(rows) + "\n" + tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["small", "medium", "large"], choices=sorted(PRESETS))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "site-builder-bench")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison")
    parser.add_argument("--json", type=Path, default=HERE / "results.json", help="where to write the results")
    parser.add_argument("--label", default="latest",
                        help="store this run under this name in the JSON, beside earlier ones (e.g. before, after)")
    parser.add_argument("--show", action="store_true", help="print the tables stored in the JSON; run nothing")
    parser.add_argument("--memory", action="store_true",
                        help="measure memory instead: a cold build's process tree, the preview through --edits edits")
    parser.add_argument("--edits", type=int, default=50, help="preview edits for --memory (default 50)")
    parser.add_argument("--no-search", action="store_true",
                        help="--memory without the search index (Pagefind) in the cold build and the preview")
    args = parser.parse_args(argv)
    if args.show:
        for label, stored in json.loads(args.json.read_text()).items():
            print(f"{label}:\n\n{table(stored) if stored.get('presets') else ''}"
                  + (memory.table(stored["memory"]) if stored.get("memory") else ""))
        return 0
    results = {"label": args.label, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                "platform": platform.platform()},
               "presets": {}, "hugo": _hugo_version()}
    if args.memory:
        results["memory"] = {}
        for preset in args.presets:
            print(f"measuring memory at {preset} ...", file=sys.stderr, flush=True)
            bench = Bench(args.work, preset, args.seed)
            results["memory"][preset] = memory.measure_preset(bench, args.edits, not args.no_search)
        print(memory.table(results["memory"]))
        print("settled RSS of the preview after each edit (MB):\n" + memory.series_text(results["memory"]))
        save(results, args.json, args.label or "latest")
        return 0
    for preset in args.presets:
        print(f"benchmarking {preset} ...", file=sys.stderr, flush=True)
        results["presets"][preset] = bench_preset(preset, args.runs, args.work, args.seed, not args.no_hugo)
    results["real"] = real_explainer(max(args.runs, 5))
    print(table(results))
    for preset, measured in results["presets"].items():
        if "floors" in measured:
            print(floors.table(preset, measured["floors"]))
    save(results, args.json, args.label or "latest")
    return 0


def save(results: dict, path: Path, label: str) -> None:
    """Store results under `label` in the JSON file, keeping other labels' runs (before/after)."""
    stored = json.loads(path.read_text()) if path.is_file() else {}
    previous = stored.get(label, {})
    if previous.get("machine") == results["machine"]:   # add presets (or memory) measured in another run
        for part in ("presets", "memory"):
            if merged := {**previous.get(part, {}), **results.get(part, {})}:
                results[part] = merged
        results = {**previous, **results}
    stored[label] = results
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stored, indent=1) + "\n")


def _hugo_version() -> str | None:
    if not shutil.which("hugo"):
        return None
    return subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]


if __name__ == "__main__":
    raise SystemExit(main())
