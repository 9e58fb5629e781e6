"""content-audit: keep a clinic's patient-education articles in shape.

The public API is re-exported here; everything else is internal.  Importing this package
is cheap (no Prefect, no requests, no pandas): heavy modules load only when used
(``load_run`` imports pandas when it is called).
"""

from __future__ import annotations

from .audit import audit_page
from .config import AuditConfig, load_config
from .errors import ConfigError, ContentAuditError, FetchError, InputError, StoreError
from .frames import RunFrames, load_run
from .model import (
    ElementResult,
    Finding,
    Kind,
    Link,
    Page,
    PageAudit,
    Readability,
    RecentPost,
    Section,
    Severity,
    Teaser,
)

__version__ = "0.1.0"

__all__ = [
    "AuditConfig",
    "ConfigError",
    "ContentAuditError",
    "ElementResult",
    "FetchError",
    "Finding",
    "InputError",
    "Kind",
    "Link",
    "Page",
    "PageAudit",
    "Readability",
    "RecentPost",
    "RunFrames",
    "Section",
    "Severity",
    "StoreError",
    "Teaser",
    "__version__",
    "audit_page",
    "load_config",
    "load_run",
]
