"""Tests of model.py: the records survive pickling (the crawl's worker processes) exactly."""

from __future__ import annotations

import pickle
import pickletools
from datetime import date

from content_audit.audit import audit_page
from content_audit.config import load_config
from content_audit.model import Finding, Link, PageAudit, Severity
from content_audit.site import digest_page

from .conftest import FIXTURES


def _audit() -> PageAudit:
    html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
    return audit_page(html, "https://clinic.example/prolotherapy/", today=date(2026, 11, 25))


def test_audit_and_digest_round_trip_through_pickle() -> None:
    audit = _audit()
    digest = digest_page(audit, load_config())
    for record in (audit, digest):
        back = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == record
        assert repr(back) == repr(record)
    assert audit.page.links and audit.findings  # the fixture exercises the nested records


def test_records_pickle_as_constructor_calls_without_setstate() -> None:
    """A record is rebuilt by calling its class, not by a per-field ``__setstate__``."""
    link = Link("https://clinic.example/a/", "A", True, zone="chrome", nofollow=True)
    data = pickle.dumps(link, protocol=pickle.HIGHEST_PROTOCOL)
    ops = {op.name for op, _, _ in pickletools.genops(data)}
    assert "BUILD" not in ops and "REDUCE" in ops
    assert pickle.loads(data) == link
    finding = Finding("x", Severity.ERROR, "m", url="u")
    assert pickle.loads(pickle.dumps(finding)) == finding
