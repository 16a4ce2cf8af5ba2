"""Memory of a cold build's process tree and of the preview server through consecutive edits.

Run by `benchmarks/run.py --memory` (issue 23, point 6):

- cold build: `build.py --no-cache` into an empty folder, with the search index as a
  publisher builds; the tree (the build, its forked workers, the template compiler,
  Pagefind) is sampled every SAMPLE_SECONDS: the main process's RSS, the sum of its
  descendants' RSS, the sum over the tree of RSS (counts pages the workers share with
  the main process once per process: an upper bound) and of PSS (shares them out);
- preview: `build.py serve` over the same corpus; a meeting's title is changed N times,
  each time waiting until the served meeting page shows it and the server has settled
  (no child process, no CPU used for IDLE_SECONDS); after each edit the tree's RSS and
  PSS are recorded, and the peak of the tree's RSS while the edit was being built.

Reads /proc only (Linux); needs no package beyond the standard library.
"""
from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SECONDS = 0.1
IDLE_SECONDS = 1.0      # a server that used no CPU for this long has finished its edit
WARM_UP = 5             # edits left out of the growth figure (first caches fill)
WINDOW = 10             # growth: median of the last WINDOW edits against the first WINDOW after warm-up


def tree(pid: int) -> list[int]:
    """Return pid and all its descendants (from /proc/<pid>/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(int(c) for c in handle.read().split())
        except OSError:
            continue
    return found


def _field_kb(path: str, name: str) -> int:
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(name):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def pss_kb(pid: int) -> int:
    """Proportional set size of one process (shared pages divided among their sharers)."""
    return _field_kb(f"/proc/{pid}/smaps_rollup", "Pss:")


def rss_kb(pid: int) -> int:
    return _field_kb(f"/proc/{pid}/status", "VmRSS:")


def cpu_ticks(pid: int) -> int:
    """User and system time of one process so far, in clock ticks (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def snapshot(pid: int) -> dict:
    """RSS of the process and of its descendants, and PSS of all of them (MB)."""
    pids = tree(pid)
    rss = [rss_kb(p) for p in pids]
    return {"main_rss": rss[0] / 1024, "children_rss": sum(rss[1:]) / 1024, "tree_rss": sum(rss) / 1024,
            "tree_pss": sum(pss_kb(p) for p in pids) / 1024, "children": len(pids) - 1}


class Peaks:
    """Sample a process tree in a thread; keep the peak of each snapshot() figure."""

    def __init__(self, pid: int):
        self.pid, self.peak = pid, {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "Peaks":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.wait(SAMPLE_SECONDS):
            for key, value in snapshot(self.pid).items():
                self.peak[key] = max(self.peak.get(key, 0), value)


def cold_build(cmd: list[str]) -> dict:
    """Run a build; return its wall time and the peaks of its process tree (MB)."""
    os.sync()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with Peaks(proc.pid) as peaks:
        out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{out.decode()}\n{err.decode()}")
    return {"wall": time.perf_counter() - started, **peaks.peak, "stdout": out.decode().strip()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`build.py serve` in the background, its output collected line by line."""

    def __init__(self, args: list[str]):
        self.port = free_port()
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(self.port), *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines: list[str] = []
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("serving http://"):
                self.ready.set()
        self.ready.set()

    def built(self) -> int:
        return sum(line.startswith("built ") for line in self.lines)

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=60) as response:
            return response.read().decode("utf-8", "replace")

    def settle(self, timeout: float = 600) -> None:
        """Wait until the server has no child process and has used no CPU for IDLE_SECONDS."""
        deadline, last, quiet_since = time.monotonic() + timeout, -1, time.monotonic()
        while time.monotonic() < deadline:
            ticks = cpu_ticks(self.proc.pid)
            if ticks != last or len(tree(self.proc.pid)) > 1:
                last, quiet_since = ticks, time.monotonic()
            elif time.monotonic() - quiet_since >= IDLE_SECONDS:
                return
            time.sleep(0.1)
        raise RuntimeError("the server did not settle")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=600)


def preview_edits(serve_args: list[str], meeting: Path, url: str, edits: int) -> dict:
    """Serve, change the meeting's title `edits` times; return the memory after each edit."""
    server = Server(serve_args)
    original = meeting.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", original, re.M).group(1)
    series: list[dict] = []
    try:
        if not server.ready.wait(900) or server.proc.poll() is not None or not server.built():
            raise RuntimeError("server did not start with a good build:\n" + "\n".join(server.lines[:40]))
        server.settle()
        start = snapshot(server.proc.pid)
        for i in range(edits):
            marker, builds, started = f"memedit{i}x", server.built(), time.perf_counter()
            with Peaks(server.proc.pid) as peaks:
                meeting.write_text(original.replace(f"title: {title}", f"title: {title} {marker}", 1), encoding="utf-8")
                while marker not in server.get(url):
                    if server.proc.poll() is not None:
                        raise RuntimeError("the server stopped:\n" + "\n".join(server.lines[-40:]))
                    time.sleep(0.05)
                visible = time.perf_counter() - started
                while server.built() == builds:
                    time.sleep(0.05)
                server.settle()
            after = snapshot(server.proc.pid)
            series.append({"visible": visible, "rss": after["tree_rss"], "pss": after["tree_pss"],
                           "main_rss": after["main_rss"], "peak_rss": peaks.peak.get("tree_rss", 0),
                           "peak_pss": peaks.peak.get("tree_pss", 0)})
            print(f"  edit {i + 1:2d}: visible after {visible:5.2f} s; settled RSS {after['tree_rss']:6.1f} MB, "
                  f"PSS {after['tree_pss']:6.1f} MB; peak during edit RSS {series[-1]['peak_rss']:6.1f} MB",
                  file=sys.stderr, flush=True)
    finally:
        server.stop()
        meeting.write_text(original, encoding="utf-8")
    return {"start_rss": start["tree_rss"], "start_pss": start["tree_pss"], "series": series,
            **growth([e["rss"] for e in series])}


def growth(values: list[float]) -> dict:
    """Median of the last WINDOW values minus that of the first WINDOW after WARM_UP (MB), and the slope."""
    if len(values) < WARM_UP + 2 * WINDOW:
        return {}
    first, last = values[WARM_UP:WARM_UP + WINDOW], values[-WINDOW:]
    return {"first_median": statistics.median(first), "last_median": statistics.median(last),
            "growth": statistics.median(last) - statistics.median(first),
            "per_edit": (statistics.median(last) - statistics.median(first)) / (len(values) - WARM_UP - WINDOW)}


def measure_preset(bench, edits: int, search: bool) -> dict:
    """A cold build's tree, then `edits` preview edits, on one benchmark preset (run.Bench)."""
    bench.clean()
    cmd = [part for part in bench.cmd(cold=True) if not (search and part == "--no-search")]
    result = {"search": search, "cold": cold_build(cmd)}
    result["cold"].pop("stdout")
    print("  cold build: " + ", ".join(f"{k} {v:.1f}" for k, v in result["cold"].items()), file=sys.stderr, flush=True)
    if not edits:
        return result
    paths = ["--content", str(bench.content), "--templates", str(bench.templates), "--out", str(bench.out),
             "--cache-dir", str(bench.cache)] + ([] if search else ["--no-search"])
    bench.clean()
    result["preview"] = preview_edits(paths, bench.content / "meetings" / "meeting-00001.yaml",
                                      "/bench/meetings/meeting-00001/", edits)
    return result


def table(memory: dict) -> str:
    """Return the memory results as Markdown: cold peaks and the preview's series summary (MB)."""
    lines = ["| preset | search | cold wall | main RSS | workers RSS | tree RSS | tree PSS | preview start RSS "
             "| edits | settled RSS first → last | growth | peak RSS in an edit |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for preset, r in memory.items():
        cold, preview = r["cold"], r.get("preview")
        cells = [preset, "yes" if r["search"] else "no", f"{cold['wall']:.1f} s",
                 *(f"{cold[k]:.0f}" for k in ("main_rss", "children_rss", "tree_rss", "tree_pss"))]
        if preview:
            series = preview["series"]
            settled = (f"{preview['first_median']:.0f} → {preview['last_median']:.0f}" if "growth" in preview
                       else f"{series[0]['rss']:.0f} → {series[-1]['rss']:.0f}")
            cells += [f"{preview['start_rss']:.0f}", str(len(series)), settled,
                      f"{preview['growth']:+.1f}" if "growth" in preview else "n/a",
                      f"{max(e['peak_rss'] for e in series):.0f}"]
        else:
            cells += ["n/a"] * 5
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def series_text(memory: dict) -> str:
    """Return each preset's settled RSS after every edit, one line per preset (MB)."""
    return "\n".join(f"{preset}: " + " ".join(f"{e['rss']:.0f}" for e in r["preview"]["series"])
                     for preset, r in memory.items() if r.get("preview")) + "\n"
