"""The cross-page checks as modules (``sitechecks/``): the list, the registry, one more check.

The list of checks (``sitechecks.CHECKS``) and the one registry (``checks.FINDINGS``) must
say the same thing: every check's codes registered, in their place, with scope "site",
and every site-scope code of the registry emitted by some check (or named here with the
module that emits it instead).  A check added to the list, as a test-local class, runs
after the others in the same single pass over the digests, and changes none of their
findings.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest

from content_audit import site
from content_audit.checks import FINDINGS
from content_audit.model import Finding, PageDigest
from content_audit.sitechecks import CHECKS, SITE_CODES, SiteCheck, SiteContext, site_specs
from content_audit.sitechecks.text import norm_key
from content_audit.specs import WARN, FindingSpec

from .test_site import CLINIC_TEXTS, article, run

EMITTED_ELSEWHERE = {"redirect_credentials": "pipeline.credentials_finding (the crawl)"}
"""Site-scope codes no cross-page check emits, and who does."""


def test_the_list_of_checks_and_the_registry_agree() -> None:
    specs = site_specs()
    codes = [spec.code for spec in specs]
    assert len(codes) == len(set(codes)), "a code declared by two checks"
    assert tuple(codes) == SITE_CODES
    for spec in specs:
        assert FINDINGS[spec.code] is spec, spec.code  # the registry lists the check's own
        assert spec.scope == "site", spec.code
    registered = [code for code, spec in FINDINGS.items() if spec.scope == "site"]
    assert set(registered) - set(codes) == set(EMITTED_ELSEWHERE)
    in_registry_order = [code for code in registered if code in set(codes)]
    assert in_registry_order == codes  # the README table follows CHECKS


def test_each_check_is_a_module_of_its_own() -> None:
    modules = [check.__module__ for check in CHECKS]
    assert len(modules) == len(set(modules))
    for check in CHECKS:
        assert check.SPECS, check.__name__
        module = importlib.import_module(check.__module__)
        assert module.__doc__ and all(f"``{s.code}``" in module.__doc__ for s in check.SPECS)


H1_DUPLICATE = FindingSpec("h1_duplicate", WARN, "site", "Another page has the same H1.")


class H1DuplicateCheck(SiteCheck):
    """What a new check takes: its spec, a fold over the digest field it reads, findings."""

    SPECS = (H1_DUPLICATE,)

    def __init__(self, config: object) -> None:
        super().__init__(config)  # type: ignore[arg-type]
        self.by_h1: dict[str, list[str]] = {}

    def add(self, digest: PageDigest) -> None:
        if key := norm_key(digest.h1):
            self.by_h1.setdefault(key, []).append(digest.url)

    def findings(self, site: SiteContext) -> Iterator[Finding]:
        for urls in self.by_h1.values():
            for url in urls[1:]:
                yield H1_DUPLICATE.make(f"{url}: same H1 as {urls[0]}", url=url, target=urls[0])


def test_a_check_added_to_the_list_runs_after_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = article("a", CLINIC_TEXTS["physio"], title="Physical Therapy")
    b = article("b", CLINIC_TEXTS["acupuncture"], title="physical therapy")
    c = article("c", CLINIC_TEXTS["injections"], title="Steroid Injections")
    before = run(a, b, c)
    monkeypatch.setattr(site, "CHECKS", (*CHECKS, H1DuplicateCheck))
    after = run(a, b, c)  # in memory and spilled alike
    assert after[: len(before)] == before
    (added,) = after[len(before) :]
    assert (added.code, added.url, added.target, added.severity) == (
        "h1_duplicate",
        b.url,
        a.url,
        WARN,
    )
