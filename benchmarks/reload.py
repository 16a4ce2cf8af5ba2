"""Measure save -> reload: from writing a YAML file to the change showing in a live browser page.

Starts `python build.py serve` on a free port over a copy of the content, opens a person's
page in headless Chromium (the reload comes through livereload.js, as for an editor), then
saves the person's file N times and times how long each change takes to appear.

    .venv/bin/python benchmarks/reload.py                 # the real content/
    .venv/bin/python benchmarks/reload.py --synthetic 2000 # 2000 people, meetings, ... generated

Each line of output: the median, 90th percentile and worst time over the saves, and the
build time the server printed. Not a test: numbers depend on the machine.
"""
from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/lib/chromium/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def synthesize(content: Path, size: int) -> str:
    """Copy the real content and add about 2.35 * size cross-linked entities; return a person id to edit."""
    shutil.copytree(ROOT / "content", content)
    issues, sources = max(1, size // 10), max(1, size // 4)
    for i in range(sources):
        (content / "sources" / f"source-{i:05d}.yaml").write_text(
            f"title: Source number {i}\npublisher: Publisher {i % 17}\nkind: press\nurl: https://example.org/{i}\n")
    for i in range(issues):
        (content / "issues" / f"issue-{i:05d}.yaml").write_text(
            f"title: Issue {i}\nsummary: A summary of issue {i} citing [[source-{i % sources:05d}]].\n"
            f"sources:\n  - source-{i % sources:05d}\n")
    for i in range(size):
        (content / "people" / f"person-{i:05d}.yaml").write_text(
            f"name: Person {i}\nrole: Official\ncountry: Country {i % 30}\n"
            f"summary: Person {i} took part in talks [[source-{i % sources:05d}]].\n"
            f"sources:\n  - source-{i % sources:05d}\n")
    for i in range(size):
        (content / "meetings" / f"meeting-{i:05d}.yaml").write_text(
            f"title: Meeting {i}\ndate: 2024-04-{1 + i % 28:02d}\nlocation: City {i % 40}\nstatus: held\n"
            f"participants:\n  - person-{i:05d}\n  - person-{(i + 1) % size:05d}\n"
            f"issues:\n  - issue-{i % issues:05d}\n"
            f"summary: '[[person-{i:05d}]] met [[person-{(i + 1) % size:05d}]] about [[issue-{i % issues:05d}]].'\n"
            f"sources:\n  - source-{i % sources:05d}\n")
    return "person-00000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(content: Path, out: Path, port: int) -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen([sys.executable, "build.py", "serve", "--port", str(port), "--content", str(content),
                                "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, bufsize=1)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("serving http://"):
                ready.set()
        ready.set()
    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(600) or process.poll() is not None or not any(l.startswith("built ") for l in lines):
        process.terminate()
        raise SystemExit("server did not start with a good build:\n" + "\n".join(lines[:40]))
    return process, lines


def measure(content: Path, person: str, saves: int) -> tuple[list[float], list[float], int]:
    """Return (save->visible seconds, build seconds printed by the server, page count)."""
    port = free_port()
    out = content.parent / "site"
    process, lines = start_server(content, out, port)
    path = content / "people" / f"{person}.yaml"
    original = path.read_text()
    visible: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/diplomatic-explainer/people/{person}/")
            page.wait_for_function("() => window.LiveReload && window.LiveReload.connector"
                                   " && window.LiveReload.connector._isSocketConnected()", timeout=30_000)
            for i in range(saves):
                marker = f"edit{i}x"
                name = re.search(r"^name: (.*)$", original, re.M).group(1)
                started = time.perf_counter()
                path.write_text(original.replace(f"name: {name}", f"name: {name} {marker}", 1))
                page.wait_for_function(f"() => document.querySelector('h1') && document.querySelector('h1')"
                                       f".textContent.includes('{marker}')", polling=5, timeout=120_000)
                visible.append(time.perf_counter() - started)
                page.wait_for_load_state("load")
                time.sleep(0.3)  # let the reload's own requests settle before the next save
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=600)  # stopping lets the background search index finish
        path.write_text(original)
    builds = [float(m.group(2)) for line in lines if (m := re.match(r"built (\d+) pages in ([\d.]+)s", line))]
    pages = int(re.match(r"built (\d+) pages", next(l for l in lines if l.startswith("built "))).group(1))
    return visible, builds[1:], pages


def report(label: str, visible: list[float], builds: list[float], pages: int) -> None:
    ordered = sorted(visible)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    print(f"{label}: {pages} pages, {len(visible)} saves: save->reload median {statistics.median(visible):.2f}s, "
          f"p90 {p90:.2f}s, worst {max(visible):.2f}s; server build median {statistics.median(builds):.2f}s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=0, help="generate this many people and meetings")
    parser.add_argument("--saves", type=int, default=10, help="saves to time (default 10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reload-bench-") as tmp:
        content = Path(tmp) / "content"
        if args.synthetic:
            person = synthesize(content, args.synthetic)
            label = f"synthetic ({args.synthetic} people, {args.synthetic} meetings)"
        else:
            shutil.copytree(ROOT / "content", content)
            person, label = "wang-yi", "real content"
        report(label, *measure(content, person, args.saves))
    return 0


if __name__ == "__main__":
    sys.exit(main())
