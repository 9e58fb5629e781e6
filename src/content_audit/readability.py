"""Article text -> Readability. (Being written.)"""

from __future__ import annotations

from .model import Readability


def measure_readability(text: str) -> Readability:
    """Score the article text once with textstat."""
    raise NotImplementedError
