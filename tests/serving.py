"""Run `python build.py serve` as a real process for tests, and always stop it."""
from __future__ import annotations

import http.client
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
WAIT = 30.0  # generous deadline for a condition to come true; never a speed assertion


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A running preview server: its URL, its output so far, and HTTP helpers."""

    def __init__(self, process: subprocess.Popen, port: int, content: Path, out: Path):
        self.process, self.port, self.content, self.out = process, port, content, out
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def output(self) -> list[str]:
        """Return every output line so far."""
        while True:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                return self.lines
            if line is not None:
                self.lines.append(line)

    def wait_for_line(self, pattern: str, after: int = 0) -> str:
        """Return the first output line from index `after` that matches pattern."""
        deadline = time.monotonic() + WAIT
        while True:
            for line in self.lines[after:]:
                if re.search(pattern, line):
                    return line
            try:
                line = self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r}; output so far:\n" + "\n".join(self.lines))
            if line is None:
                raise AssertionError("server exited; output:\n" + "\n".join(self.lines))
            self.lines.append(line)

    def get(self, path: str, headers: dict | None = None, method: str = "GET") -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def wait_until(self, check: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + WAIT
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; output:\n" + "\n".join(self.lines))
            time.sleep(0.05)


@contextmanager
def running_server(tmp_path: Path, content: Path | None = None, templates: Path | None = None,
                   port: int | None = None, extra: tuple[str, ...] = ()) -> Iterator[Server]:
    """Copy the content (the real one by default), start serve on a free port, stop it afterwards."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    if content is None:
        content = work / "content"
        shutil.copytree(ROOT / "content", content)
    out = work / "site"
    port = port or free_port()
    command = [sys.executable, "build.py", "serve", "--port", str(port), "--content", str(content),
               "--out", str(out), *(["--templates", str(templates)] if templates else []), *extra]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, bufsize=1)
    try:
        server = Server(process, port, content, out)
        server.wait_for_line(r"^serving http://")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
