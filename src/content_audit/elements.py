"""Page -> the four required elements with evidence. (Being written.)"""

from __future__ import annotations

from .config import AuditConfig
from .model import ElementResult, Page


def find_elements(page: Page, config: AuditConfig) -> tuple[ElementResult, ...]:
    """Find definition, uses, mechanism and consult prompt, in that order."""
    raise NotImplementedError
