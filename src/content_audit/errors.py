"""The exception tree of content-audit.

    ContentAuditError          catch this to handle anything the library raises on purpose
     ├── InputError            the thing to audit is unusable (empty, binary, not HTML)
     │    └── FetchError       a URL could not be fetched (network error or HTTP status)
     ├── ConfigError           a configuration file or value is invalid
     └── StoreError            the history database cannot be used

Messages name the input (the URL, the path, the key) so a one-line "Error: ..." on the
terminal is enough to act on.  Only ``cli.py`` turns these into exit codes.
"""

from __future__ import annotations


class ContentAuditError(Exception):
    """Base of every error content-audit raises on purpose."""


class InputError(ContentAuditError):
    """The page or file given cannot be audited (missing, empty, binary, not HTML)."""


class FetchError(InputError):
    """A URL could not be fetched; ``status`` is the HTTP status when there was one."""

    def __init__(self, url: str, message: str, status: int | None = None) -> None:
        self.url = url
        self.status = status
        super().__init__(message)


class ConfigError(ContentAuditError):
    """A configuration file or value is invalid; the message names the file and key."""


class StoreError(ContentAuditError):
    """The run-history database cannot be opened or written."""
