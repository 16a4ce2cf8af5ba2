"""site_builder: build a cross-linked, sourced explainer site from YAML content."""
from .model.errors import BuildFailed, SiteError
from .pipeline import Paths, Report, build, load_site

__all__ = ["BuildFailed", "Paths", "Report", "SiteError", "build", "load_site"]
