"""Page -> Kind (article / listing / other). (Being written.)"""

from __future__ import annotations

from .model import Kind, Page


def classify_page(page: Page) -> Kind:
    """Say whether a page is an article, a listing or something else."""
    raise NotImplementedError
