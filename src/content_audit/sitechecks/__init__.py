"""The cross-page checks: one module each, listed once here, in the order they run.

Pure: no I/O, no logging, no Prefect (the core, like ``site.py`` that runs them).  A check
is a ``base.SiteCheck``: its registry entries (``SPECS``: code, severity, scope "site",
description), a fold over each page's ``PageDigest`` in the one pass the site index makes
(``add``: only the digest fields the check reads), and its findings over the run
(``findings``, given the ``base.SiteContext``: inventory, link targets, topic scores, pages
by URL).  ``checks.FINDINGS``, the one registry, lists every check's specs in its place
(``site_specs``), so a check's codes are declared once, next to the code that emits them.

Adding a check is one module here (a ``SiteCheck`` with its ``SPECS``), its line in
``CHECKS``, its row in the README's findings table (``tests/test_docs.py`` holds the table
to the registry) and its test; ``tests/test_sitechecks.py`` holds the list and the
registry together.  The digest already carries what most checks read (title, H1, meta
description, opening words, teasers, recent posts, link targets, topic terms, sketch); a
check that needs one more field adds it to ``model.PageDigest`` and ``site.digest_page``
(the scratch file's codec follows the dataclass, ``spill.DigestCodec``).

The order of ``CHECKS`` is the order of the findings in findings.csv and of their codes in
the registry (and the README table): teasers, recent posts, orphans, duplicates, off-topic
posts, near-duplicates.
"""

from __future__ import annotations

from ..specs import FindingSpec
from .base import SiteCheck, SiteContext
from .duplicates import DuplicateCheck
from .near_duplicates import NearDuplicateCheck
from .offtopic import OfftopicCheck
from .orphans import OrphanCheck
from .recent import RecentPostsCheck
from .teasers import TeaserCheck

CHECKS: tuple[type[SiteCheck], ...] = (
    TeaserCheck,
    RecentPostsCheck,
    OrphanCheck,
    DuplicateCheck,
    OfftopicCheck,
    NearDuplicateCheck,
)
"""Every cross-page check, in the order it runs (and its findings are written)."""


def site_specs() -> tuple[FindingSpec, ...]:
    """The registry entries of every check, in ``CHECKS`` order (``checks.FINDINGS``)."""
    return tuple(spec for check in CHECKS for spec in check.SPECS)


SITE_CODES: tuple[str, ...] = tuple(spec.code for spec in site_specs())
"""The codes the cross-page checks emit."""

__all__ = ["CHECKS", "SITE_CODES", "SiteCheck", "SiteContext", "site_specs"]
