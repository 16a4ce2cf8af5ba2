"""Shared helpers for the browser tests: build the real site under its sub-path, serve it
on 127.0.0.1, and launch Debian's headless Chromium through Playwright."""
from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import urlsplit

from .publish_helpers import stock_server as serve  # noqa: F401 (serve a folder on a free port)

CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTEFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


class RealContent:
    """The real content's Site for tests, with a short repr: a Site's or Entity's default repr
    walks the whole link graph, which hangs pytest when it prints a failing test's arguments."""

    def __init__(self, site) -> None:
        self.site = site
        self.by_type = site.by_type
        self.settings = site.settings
        self.links_of = site.links_of

    def __repr__(self) -> str:
        return f"<RealContent: {len(self.site.by_id)} entities>"


def site_under_subpath(base_url: str, root: Path) -> Path:
    """Return where to build so that `root` serves the site at base_url's path."""
    return root / urlsplit(base_url).path.strip("/") if urlsplit(base_url).path.strip("/") else root


@contextlib.contextmanager
def chromium():
    """Yield a Playwright browser driving Debian's Chromium (never a downloaded one)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
