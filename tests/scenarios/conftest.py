"""What the scenario tests share: the real content, loaded once per module."""
from __future__ import annotations

import pytest

from site_builder import load_site

from ..browser_support import RealContent
from ..conftest import ROOT


@pytest.fixture(scope="module")
def content() -> RealContent:
    """The real content's Site, as the scenarios read their expectations from it."""
    site, _, _ = load_site(ROOT / "content")
    return RealContent(site)
