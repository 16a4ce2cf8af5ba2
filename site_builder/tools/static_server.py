"""Serve a built site on 127.0.0.1 the way GitHub Pages serves it: under the base
URL's path, folders redirected to their trailing slash, index.html for folders,
and 404.html with status 404 for anything missing, at any depth.

Used by the link checker and the tests. Knows nothing about how the site was built.
"""
from __future__ import annotations

import contextlib
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

HOST = "127.0.0.1"


class PagesHandler(SimpleHTTPRequestHandler):
    """A static file handler mounted at `prefix` that answers misses with 404.html."""

    def __init__(self, *args, prefix: str, directory: str, **kwargs):
        self.prefix = prefix
        super().__init__(*args, directory=directory, **kwargs)

    def translate_path(self, path: str) -> str:
        url_path = unquote(urlsplit(path).path)
        if not url_path.startswith(self.prefix) and url_path + "/" != self.prefix:
            return str(Path(self.directory) / ".not-under-the-base-path")
        return super().translate_path("/" + url_path[len(self.prefix):])

    def list_directory(self, path):
        # GitHub Pages never lists a folder; without index.html it is a missing page.
        self.send_error(404)
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the standard library's name)
        pass


@contextlib.contextmanager
def serve_site(out_dir: Path, prefix: str = "/") -> Iterator[str]:
    """Serve out_dir under prefix on a free local port; yield the origin ('http://127.0.0.1:PORT')."""
    handler = partial(PagesHandler, prefix=prefix, directory=str(out_dir.resolve()))
    server = ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="static-server", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
