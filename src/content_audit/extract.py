"""HTML -> Page. (Being written: see the extraction helper's task.)"""

from __future__ import annotations

from .model import Page


def extract_page(html: str, url: str | None = None) -> Page:
    """Turn one HTML document into a Page: article sections apart from chrome and teasers."""
    raise NotImplementedError
