"""The preview server: serve the last good build on 127.0.0.1 and reload browsers after each build.

The only module that imports livereload (and tornado, which it runs on). From
livereload it takes the browser side and the protocol: its livereload.js and its
WebSocket handshake handler. It does not use livereload's Server, whose watcher
polls once a second, drops reloads that come within three seconds of the last one
and rebuilds once per changed file (bad-inputs.md F11, F12), and whose handlers
accept any Host and Origin (F16, F19). Instead `watch.EventWatcher` coalesces changes,
`preview.Previewer` builds in a worker thread into the output folder, and this
module serves that folder under the base_url's path, exactly as GitHub Pages does:
first the files of the newest build not yet renamed into place (the State's
overlay, in memory), then the folder, with tornado's StaticFileHandler (which
refuses `..`, encoded traversal and symlinks out of the root). Knows nothing about
content or templates.
"""
from __future__ import annotations

import asyncio
import errno
import functools
import ipaddress
import json
import mimetypes
import secrets
import signal
import socket
import sys
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import httpserver, netutil, web
from tornado.websocket import WebSocketClosedError

from . import errorpage
from ..core.progress import progress_for
from ..speed.cache import Cache
from ..model.errors import BuildFailed
from ..pipeline import Paths
from .rebuild import Previewer, State, clean_old_work_dirs, other_language_folders
from .watch import EventWatcher

RELOAD = json.dumps({"command": "reload", "path": "*", "liveCSS": False, "liveImg": False})


@functools.lru_cache(maxsize=1)
def own_names() -> frozenset[str]:
    """Return this machine's own names, lowercased: its host name, short name, FQDN and <short>.local."""
    names = set()
    for name in (socket.gethostname(), socket.getfqdn()):
        name = name.lower().rstrip(".")
        if name and name != "localhost":
            short = name.split(".", 1)[0]
            names |= {name, short, f"{short}.local"}
    return frozenset(names)


def own_addresses() -> list[str]:
    """Return this machine's network addresses (not loopback): those its name resolves to,
    and the ones it would send from (a UDP socket 'connected' sends nothing)."""
    found: list[str] = []
    try:
        for *_, sockaddr in socket.getaddrinfo(socket.gethostname(), None, proto=socket.IPPROTO_TCP):
            found.append(sockaddr[0])
    except OSError:
        pass
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as sock:
                sock.connect((probe, 9))
                found.append(sock.getsockname()[0])
        except OSError:
            continue
    out = []
    for text in found:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            continue
        if not (address.is_loopback or address.is_unspecified or address.is_link_local) and str(address) not in out:
            out.append(str(address))
    return sorted(out, key=lambda a: (":" in a, a))


def preview_urls(host: str, port: int, base_path: str, addresses: list[str] | None = None,
                 names: frozenset[str] | None = None) -> list[str]:
    """Return the addresses to open the preview at: the bound one, or, when bound to every
    interface (0.0.0.0 or ::), localhost, each network address and the machine's .local name."""
    def url(name: str) -> str:
        return f"http://{f'[{name}]' if ':' in name else name}:{port}{base_path}"

    try:
        everywhere = ipaddress.ip_address(host).is_unspecified
    except ValueError:
        everywhere = False
    if not everywhere:
        return [url(host)]
    addresses = own_addresses() if addresses is None else addresses
    if host == "0.0.0.0":   # IPv4 only
        addresses = [a for a in addresses if ":" not in a]
    names = own_names() if names is None else names
    return [url("localhost"), *(url(a) for a in addresses), *(url(n) for n in sorted(names) if n.endswith(".local"))]


def allowed_host(host_header: str, bound: str) -> bool:
    """Accept localhost, IP literals, the bound name and this machine's own names;
    refuse every other name (DNS rebinding)."""
    try:
        name = urlsplit("//" + host_header).hostname
    except ValueError:
        return False
    if not name:
        return False
    if name in ("localhost", bound.lower()) or name.rstrip(".") in own_names():
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def bind_warning(host: str) -> str | None:
    """Return a warning when host makes the preview reachable from other machines."""
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return (f"warning: serving on {host} makes unpublished drafts visible to other machines on the "
            "network; use the default 127.0.0.1 unless you mean it")


class _LocalOnly(web.RequestHandler):
    """Refuse requests whose Host header names a foreign domain."""

    def prepare(self) -> None:
        if not allowed_host(self.request.host, self.settings["bound_host"]):
            raise web.HTTPError(403, reason="Unknown Host")

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")


class ReloadSocket(LiveReloadHandler):
    """livereload's WebSocket handshake, limited to same-origin pages from this server."""

    def prepare(self) -> None:
        if not allowed_host(self.request.host, self.settings["bound_host"]):
            raise web.HTTPError(403, reason="Unknown Host")

    def check_origin(self, origin: str) -> bool:
        parts = urlsplit(origin)
        return parts.netloc == self.request.host and allowed_host(parts.netloc, self.settings["bound_host"])

    def on_message(self, message) -> None:
        try:
            super().on_message(message)
        except (ValueError, AttributeError):
            self.close()
            return
        # A page that loaded before the latest build finished missed that reload: send it now.
        if self in LiveReloadHandler.waiters and not getattr(self, "_checked", False):
            self._checked = True
            seen = self.get_cookie(self.settings["epoch_cookie"])  # absent when cookies are off: no loop
            if seen is not None and seen != self.settings["epoch_value"]():
                self.write_message(RELOAD)


class ReloadScript(_LocalOnly, LiveReloadJSHandler):
    """Serve livereload.js."""


class SiteHandler(_LocalOnly, web.StaticFileHandler):
    """Serve the last good build below the base path, with the reload script and any problems."""

    def initialize(self, preview: Previewer) -> None:
        self.state: State = preview.state  # read once: one request sees one build
        super().initialize(path=str(self.state.root or Path.cwd()), default_filename="index.html")

    async def get(self, path: str, include_body: bool = True) -> None:
        state, url = self.state, "/" + path
        if state.root is None:
            return self._html(500, errorpage.error_page(state.problems, _script(), state.warnings).encode(),
                              include_body)
        if url in ("/", state.base_path.rstrip("/")) and url != state.base_path:
            return self.redirect(state.base_path)
        if not url.startswith(state.base_path) or any(part.startswith(".") for part in url.split("/")):
            return self._not_found(include_body)
        relative = url[len(state.base_path):]
        if state.overlay:  # files of the newest build that may not be on disk yet
            name = relative + "index.html" if relative.endswith("/") or not relative else relative
            if name in state.overlay:
                return self._send(name, state.overlay[name], include_body)
            if state.overlay.get(relative + "/index.html") is not None and not self.request.path.startswith("//"):
                return self.redirect(self.request.path + "/", permanent=True)  # as for a folder on disk
        try:
            self.path = self.parse_url_path(relative)
            absolute = self.validate_absolute_path(self.root, self.get_absolute_path(self.root, self.path))
        except web.HTTPError as error:
            if error.status_code == 404:
                return self._not_found(include_body)
            raise
        except ValueError:  # e.g. a NUL byte in the path
            return self._not_found(include_body)
        if absolute is None:
            return None  # redirected to add a trailing slash
        if absolute.endswith(".html"):
            return self._html(200, Path(absolute).read_bytes(), include_body)
        return await super().get(relative, include_body)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")

    def compute_etag(self) -> str | None:
        # Pages are generated per request (script, overlay); only files sent as they are get an ETag.
        return super().compute_etag() if getattr(self, "absolute_path", None) else None

    def _not_found(self, include_body: bool) -> None:
        body = self.state.read("404.html") or b"<!DOCTYPE html><title>Not found</title>"
        self._html(404, body, include_body)

    def _send(self, name: str, data: bytes | None, include_body: bool) -> None:
        if data is None:
            return self._not_found(include_body)  # deleted by the newest build
        if name.endswith(".html"):
            return self._html(200, data, include_body)
        self.absolute_path = None
        self.set_header("Content-Type", mimetypes.guess_type(name)[0] or "application/octet-stream")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Length", str(len(data)))
        self.finish(data if include_body else None)

    def _html(self, status: int, body: bytes, include_body: bool) -> None:
        state = self.state
        if state.problems and state.root:
            shown = errorpage.overlay(state.problems, state.warnings)
        elif state.root:
            shown = errorpage.warnings_panel(state.warnings)
        else:
            shown = ""
        snippet = _script() + shown
        data = errorpage.inject(body, snippet)
        self.absolute_path = None
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_cookie(self.settings["epoch_cookie"], self.settings["epoch_value"](), httponly=True,
                        samesite="Strict")
        if include_body:
            self.finish(data)
        else:
            self.set_header("Content-Length", str(len(data)))
            self.finish()


def _script() -> str:
    # livereload.js finds the server's host and port from its own src.
    return '<script src="/livereload.js"></script>'


def make_app(preview: Previewer, bound_host: str, port: int) -> web.Application:
    """Return the tornado application: the reload socket, its script, and the site."""
    token = secrets.token_hex(4)
    return web.Application(
        [(r"/livereload", ReloadSocket),
         (r"/livereload\.js", ReloadScript),
         (r"/(.*)", SiteHandler, {"preview": preview})],
        bound_host=bound_host,
        epoch_cookie=f"site_builder_epoch_{port}",
        epoch_value=lambda: f"{token}.{preview.state.epoch}",
        log_function=lambda handler: None,
        websocket_ping_interval=20,
    )


def broadcast_reload() -> None:
    """Tell every connected browser to reload."""
    for waiter in list(LiveReloadHandler.waiters):
        try:
            waiter.write_message(RELOAD)
        except WebSocketClosedError:
            LiveReloadHandler.waiters.discard(waiter)


def say(line: str) -> None:
    print(line, flush=True)


def listen(host: str, port: int) -> list[socket.socket] | None:
    """Bind the listening sockets, or print why not and return None."""
    try:
        return netutil.bind_sockets(port, address=host)
    except OSError as exc:
        reason = "port already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        print(f"cannot listen on {host}:{port}: {reason}; "
              "choose another with --port (or stop the other server)", file=sys.stderr)
        return None


class Terminated(KeyboardInterrupt):
    """SIGTERM before the server runs: stops the first build as Ctrl-C does (every cleanup
    of a KeyboardInterrupt runs), not by the default action that leaves its staging behind."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


# Ctrl-C exits 130 as the builder does; SIGTERM is a stop asked for (make, timeout, a service manager).
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 0}


def reloader(loop_box: list[asyncio.AbstractEventLoop]) -> Callable[[State], None]:
    """Return the Previewer's on_update: have the server's loop tell browsers to reload."""
    def reload(state: State) -> None:
        if not loop_box:
            return   # not serving yet: no browser to tell
        try:
            loop_box[0].call_soon_threadsafe(broadcast_reload)
        except RuntimeError:
            pass   # the loop has closed: the server is stopping while a rebuild finishes
    return reload


def run_serve(args) -> int:
    """Build, then serve with live reload until Ctrl-C (exit 130) or SIGTERM (exit 0)."""
    warning = bind_warning(args.host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    paths = Paths(args.content, args.templates, args.out)
    loop_box: list[asyncio.AbstractEventLoop] = []
    preview = Previewer(paths, args.base_url, args.strict, say=say, on_update=reloader(loop_box),
                        cache=Cache(None if args.no_cache else args.cache_dir), search=not args.no_search,
                        progress=progress_for)   # a rebuild that takes over a second shows its stages
    try:
        preview.check_output()
    except BuildFailed as failed:
        for problem in failed.problems:
            print(problem, file=sys.stderr)
        return 1
    sockets = listen(args.host, args.port)
    if sockets is None:
        return 1
    clean_old_work_dirs(paths.out)
    watcher = EventWatcher([paths.content, paths.templates], preview.request, say)  # no save is missed from here on
    signal.signal(signal.SIGTERM, _terminate)   # until the server's loop takes the signal over
    try:
        if preview.build_now().root is None and preview.adopt_existing():
            say(f"serving the earlier build found in {paths.out} until the problems are fixed")
        app = make_app(preview, args.host, sockets[0].getsockname()[1])
        return asyncio.run(_serve(app, sockets, preview, watcher, loop_box))
    except KeyboardInterrupt as stop:
        say("stopping")
        return EXIT_CODES[signal.SIGTERM if isinstance(stop, Terminated) else signal.SIGINT]
    finally:
        # make passes on a second SIGTERM after ours (and timeout(1) signals the whole group):
        # let the cleanup finish rather than die half-way; leftovers would wait for the next start.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        watcher.stop()
        preview.stop()
        for sock in sockets:
            sock.close()


async def _serve(app: web.Application, sockets: list[socket.socket], preview: Previewer, watcher: EventWatcher,
                 loop_box: list) -> int:
    loop = asyncio.get_running_loop()
    loop_box.append(loop)
    stopped: asyncio.Future[int] = loop.create_future()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda s: stopped.done() or stopped.set_result(s), signum)
    server = httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    watcher.start()
    preview.start()
    host, port = sockets[0].getsockname()[:2]
    urls = preview_urls(host, port, preview.state.base_path)
    say(f"serving {urls[0]} (watching {watcher.roots[0]} and {watcher.roots[1]}; Ctrl-C to stop)")
    for language, folder in other_language_folders(preview.paths.content):
        say(f"  in {language} at {urls[0]}{folder}")
    for other in urls[1:]:
        say(f"  also at {other}" + (" (if your network resolves .local names)" if ".local:" in other else ""))
    signum = await stopped
    say("stopping")
    server.stop()
    for waiter in list(LiveReloadHandler.waiters):
        waiter.close()
    return EXIT_CODES[signum]
