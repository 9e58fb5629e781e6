"""An extractor failure is a visible ``extraction_fallback`` finding, never a silently
emptier page (#15): the page keeps its text, the finding names the pass and the exception's
type, in ``check --format json`` and in a site audit's findings.csv."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from content_audit.audit import audit_page
from content_audit.checks import FINDINGS
from content_audit.cli import cli
from content_audit.config import load_config
from content_audit.extract import extract_page, layout, page
from content_audit.model import Severity
from content_audit.run import audit_site

from .conftest import FIXTURES

SEED = FIXTURES / "seed_prolotherapy.html"
SEED_URL = "https://clinic.example/blog/prolotherapy/"
SEED_SENTENCE = "Prolotherapy"


class PassBug(Exception):
    """Stands for a bug in an extraction pass."""


def _raise(*args: object, **kwargs: object) -> None:
    raise PassBug("the pass met markup it did not expect")


@pytest.fixture
def root_pass_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """The content-root search (inside the ``lay_out`` pass) raises on every page."""
    monkeypatch.setattr(layout, "_pick_root", _raise)


def test_the_registry_has_the_code_as_info() -> None:
    spec = FINDINGS["extraction_fallback"]
    assert (spec.severity, spec.scope) == (Severity.INFO, "page")


def test_a_page_extracts_without_a_fallback() -> None:
    assert extract_page(SEED.read_text(encoding="utf-8"), SEED_URL).extraction_fallback is None
    audit = audit_page(SEED.read_text(encoding="utf-8"), SEED_URL, load_config())
    assert "extraction_fallback" not in {f.code for f in audit.findings}


@pytest.mark.usefixtures("root_pass_raises")
def test_a_raising_pass_keeps_the_page_text_and_is_recorded() -> None:
    result = extract_page(SEED.read_text(encoding="utf-8"), SEED_URL)
    assert SEED_SENTENCE in result.text and result.words > 300
    failure = result.extraction_fallback
    assert failure is not None
    assert (failure.step, failure.error) == ("lay_out", "PassBug")
    assert failure.detail == "the pass met markup it did not expect"


@pytest.mark.usefixtures("root_pass_raises")
def test_the_audit_reports_the_fallback_with_the_exception_type() -> None:
    audit = audit_page(SEED.read_text(encoding="utf-8"), SEED_URL, load_config())
    found = [f for f in audit.findings if f.code == "extraction_fallback"]
    assert len(found) == 1
    finding = found[0]
    assert finding.severity is Severity.INFO and finding.url == SEED_URL
    assert "PassBug" in finding.message and "lay_out" in finding.message
    assert finding.evidence == "PassBug: the pass met markup it did not expect"
    assert audit.page.words > 300  # still audited on its text


def test_a_raising_access_scan_costs_only_the_access_notes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    html = SEED.read_text(encoding="utf-8")
    whole = extract_page(html, SEED_URL)
    monkeypatch.setattr(page, "scan_access", _raise)
    result = extract_page(html, SEED_URL)
    assert result.access == ()
    assert result.sections == whole.sections and result.links == whole.links
    assert result.extraction_fallback is not None
    assert (result.extraction_fallback.step, result.extraction_fallback.error) == (
        "scan_access",
        "PassBug",
    )


def test_a_failure_on_extracts_own_line_is_named_extract(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a pass's name when ``_extract``'s own line raised (here: building the Page)."""
    real = page.Page
    monkeypatch.setattr(page, "Page", lambda **kw: _raise() if "authors" in kw else real(**kw))
    result = extract_page(SEED.read_text(encoding="utf-8"), SEED_URL)
    assert result.extraction_fallback is not None
    assert result.extraction_fallback.step == "extract"
    assert result.words > 300


def test_a_failed_fallback_still_records_the_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even when the plain-text fallback raises too, the page is kept, with the record."""
    monkeypatch.setattr(layout, "_pick_root", _raise)
    monkeypatch.setattr(page, "_coerce", _raise)
    result = extract_page("<h1>x</h1>", SEED_URL)
    assert result.extraction_fallback is not None
    assert result.extraction_fallback.error == "PassBug"


@pytest.mark.usefixtures("root_pass_raises")
def test_check_json_lists_the_finding() -> None:
    result = CliRunner().invoke(cli, ["check", str(SEED), "--format", "json"])
    data = json.loads(result.stdout)
    found = [f for f in data["findings"] if f["code"] == "extraction_fallback"]
    assert len(found) == 1 and found[0]["severity"] == "info"
    assert "PassBug" in found[0]["message"]
    assert data["text"].count(SEED_SENTENCE) > 3


@pytest.mark.usefixtures("root_pass_raises")
def test_a_site_audit_writes_the_finding_to_findings_csv(
    static_server: str, tmp_path: Path
) -> None:
    config = load_config(overrides={"crawl.max_pages": 1, "crawl.delay_s": 0})
    out = tmp_path / "run"
    audit_site(f"{static_server}/seed_prolotherapy.html", config, out, workers=0)
    with open(out / "findings.csv", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["code"] == "extraction_fallback"]
    assert len(rows) == 1
    assert rows[0]["severity"] == "info" and "PassBug" in rows[0]["message"]
    assert rows[0]["url"].endswith("/seed_prolotherapy.html")
