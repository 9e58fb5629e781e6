"""PageAudit -> plain data: the documented JSON contract of ``content-audit check --format json``.

Kept apart from the CLI so the reports and the flow's artifacts serialise a page exactly
as the command does.  Field names are a contract: add fields, never rename them.
"""

from __future__ import annotations

import re
from typing import Any

from .config import AuditConfig
from .model import ELEMENT_NAMES, PageAudit

SCHEMA_VERSION = 1

# User name and password in a URL of the page text ("http://user:pass@host/"): masked with
# as many "*", so the rewrite offsets into ``text`` stay right and no secret is written.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^\s/?#@]+)@")


def mask_userinfo(text: str) -> str:
    """``text`` with the credentials of its URLs replaced by ``*`` (same length)."""
    if "@" not in text:
        return text
    return _USERINFO.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + "@", text)


def audit_to_dict(
    audit: PageAudit, target: str | None = None, config: AuditConfig | None = None
) -> dict[str, Any]:
    """The JSON document for one audited page (see README, "JSON output").

    ``config`` gives the grade target of the ``rewrite`` plan (the defaults when ``None``).
    """
    from .rewrite import plan_rewrite, plan_to_dict

    config = config if config is not None else AuditConfig()
    rewrite = plan_to_dict(plan_rewrite(audit, config), config.plain_words)
    if rewrite is not None:
        sentences = rewrite["sentences"]
        assert isinstance(sentences, list)
        for sentence in sentences:
            sentence["text"] = mask_userinfo(sentence["text"])
    page = audit.page
    r = audit.readability
    return {
        "schema_version": SCHEMA_VERSION,
        "target": target if target is not None else (audit.url or ""),
        "url": audit.url,
        "title": page.title,
        "h1": list(page.h1),
        "kind": audit.kind.value,
        "score": audit.score,
        "elements": {
            name: {
                "present": e.present,
                "heading": e.heading,
                "evidence": e.evidence,
                "via": e.via,
                "status": e.status,
                "confidence": e.confidence,
            }
            for name in ELEMENT_NAMES
            for e in (audit.element(name),)
        },
        "readability": {
            "flesch_kincaid_grade": r.flesch_kincaid_grade,
            "flesch_reading_ease": r.flesch_reading_ease,
            "smog_index": r.smog_index,
            "coleman_liau_index": r.coleman_liau_index,
            "automated_readability_index": r.automated_readability_index,
            "words": r.words,
            "sentences": r.sentences,
            "syllables": r.syllables,
            "reading_time_s": r.reading_time_s,
            "sections": [
                {"heading": s.heading, "level": s.level, "words": s.words, "grade": s.grade}
                for s in r.sections
            ],
        },
        "sections": [
            {"heading": s.heading, "level": s.level, "words": s.words, "pseudo": s.pseudo}
            for s in page.sections
        ],
        "teasers": [
            {
                "text": t.text,
                "href": t.href,
                "truncated": t.truncated,
                "title": t.title,
                "block": t.block,
            }
            for t in page.teasers
        ],
        "recent_posts": [{"title": p.title, "href": p.href} for p in page.recent_posts],
        "meta": {
            "description": page.meta_description,
            "canonical": page.canonical,
            "lang": page.lang,
            "jsonld_types": list(page.jsonld_types),
            "date_published": page.date_published,
            "date_modified": page.date_modified,
            "images": len(page.images),
            "links_internal": sum(1 for link in page.links if link.internal),
            "links_external": sum(1 for link in page.links if not link.internal),
        },
        "findings": [
            {
                "code": f.code,
                "severity": f.severity.value,
                "message": f.message,
                "evidence": f.evidence,
                **({"decision": f.decision} if f.decision else {}),
            }
            for f in audit.findings
        ],
        "text": mask_userinfo(page.text),
        "rewrite": rewrite,
    }
