"""The JSON contract of ``check --format json``: element verdicts (issue #13)."""

from __future__ import annotations

import json
from datetime import date

from content_audit.audit import audit_page
from content_audit.serialize import SCHEMA_VERSION, audit_to_dict

from .conftest import FIXTURES
from .tristate import CANDIDATE, verdicts


def test_elements_carry_status_and_confidence_beside_present() -> None:
    html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
    given = verdicts(uses="unclear", consult="missing")
    audit = audit_page(html, "https://clinic.example/p/", today=date(2026, 11, 25), elements=given)
    doc = json.loads(json.dumps(audit_to_dict(audit)))
    assert doc["schema_version"] == SCHEMA_VERSION == 1  # fields added, none renamed
    elements = doc["elements"]
    for e in elements.values():
        assert set(e) == {"present", "heading", "evidence", "via", "status", "confidence"}
        assert e["present"] is (e["status"] == "found")
    assert elements["definition"] | {"heading": None, "evidence": None} == {
        "present": True,
        "heading": None,
        "evidence": None,
        "via": "heading",
        "status": "found",
        "confidence": 0.9,
    }
    assert elements["uses"] == {
        "present": False,
        "heading": "Next steps",
        "evidence": CANDIDATE,
        "via": "heading",
        "status": "unclear",
        "confidence": 0.4,
    }
    assert elements["consult"]["status"] == "missing" and elements["consult"]["via"] is None
    codes = {f["code"]: f for f in doc["findings"]}
    assert codes["unclear_uses"]["severity"] == "warning"
    assert codes["unclear_uses"]["evidence"] == CANDIDATE


def test_a_detector_result_without_confidence_serialises_null() -> None:
    html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
    doc = audit_to_dict(audit_page(html, "https://clinic.example/p/"))
    for e in doc["elements"].values():
        assert e["status"] in ("found", "unclear", "missing")
        assert e["confidence"] is None or 0.0 <= e["confidence"] <= 1.0
