"""``pages.jsonl``: every audited page's JSON document, and what report.html shows of one.

Each line is ``serialize.audit_to_dict`` (the JSON contract of ``content-audit check
--format json``), so tools can read the file with the same code as the command's output.
A site run makes each line once (``page_line``) and keeps it in its store
(``report/runstore.py``: the HTML report of a 10k-page site is rendered from there, never
from 10k ``PageAudit`` records held in memory); ``PagesJsonl`` renders the file from the
store, and report.html reads the same lines from the store, never the file.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO

from ..decisions import decision_toml
from ..model import ELEMENT_STATUSES, PageAudit
from ..serialize import audit_to_dict
from .article import article_view
from .files import temp_path

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .runstore import RunStore

PAGES_JSONL = "pages.jsonl"

EVIDENCE_CHARS = 300
"""Evidence sentences and messages are clipped to this in the HTML report."""
TEASER_CHARS = 160
TEASERS_SHOWN = 8
SECTIONS_SHOWN = 40


class DetailWriter:
    """Writes one JSON line per audited page to a ``pages.jsonl``, committed atomically:
    a run folder of pages without a crawl (tests, tools; a site run renders its pages.jsonl
    from its store, ``PagesJsonl``)."""

    def __init__(self, out_dir: str | Path) -> None:
        self.path = Path(out_dir) / PAGES_JSONL
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._temp = temp_path(self.path)
        self._handle = open(self._temp, "w", encoding="utf-8")  # noqa: SIM115
        self.rows = 0

    def write(self, audit: PageAudit, url: str | None = None) -> None:
        """Append one page; ``url`` (the fetched final URL) wins over ``audit.url``."""
        self._handle.write(page_line(audit, url))
        self._handle.write("\n")
        self.rows += 1

    def flush(self) -> None:
        self._handle.flush()

    def commit(self) -> Path:
        if self._handle.closed:
            raise RuntimeError("pages.jsonl already closed")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        os.replace(self._temp, self.path)
        return self.path

    def abort(self) -> None:
        if not self._handle.closed:
            # A full disk fails the last flush too; the file goes anyway.
            with contextlib.suppress(OSError):
                self._handle.close()
        self._temp.unlink(missing_ok=True)

    def __enter__(self) -> DetailWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None and not self._handle.closed:
            self.commit()
        elif exc_type is not None:
            self.abort()


class PagesJsonl:
    """``pages.jsonl`` rendered from the run's store: each audited page's document line,
    in page order (``RunStore.document_lines``; the line was made once, by ``page_line``)."""

    filename = PAGES_JSONL

    def write(self, store: RunStore, handle: TextIO) -> None:
        for line in store.document_lines():
            handle.write(line)
            handle.write("\n")


def page_line(audit: PageAudit, url: str | None = None) -> str:
    """A page's JSON document (``serialize.audit_to_dict``) as one line of ``pages.jsonl``;
    ``url`` (the fetched final URL) wins over ``audit.url``."""
    doc = audit_to_dict(audit, url)
    if url:
        doc["url"] = url
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def iter_details(path: str | Path) -> Iterator[dict[str, Any]]:
    """The page documents of a ``pages.jsonl``, one at a time."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def clip(text: Any, limit: int = EVIDENCE_CHARS) -> str:
    """A string cut to ``limit`` characters with an ellipsis; ``None`` becomes ``""``."""
    if text is None:
        return ""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def page_detail(
    doc: Mapping[str, Any], extra_findings: list[dict[str, Any]] | tuple[()] = ()
) -> dict[str, Any]:
    """What the page view shows of a page document, long texts clipped.

    The HTML report embeds one of these per page, so it keeps only what is displayed:
    a 10k-page report stays a few megabytes per thousand pages.
    """
    read = doc.get("readability") or {}
    url = doc.get("url") or doc.get("target") or ""
    return {
        "url": url,
        "title": clip(doc.get("title"), 300),
        "h1": [clip(h, 300) for h in (doc.get("h1") or [])[:3]],
        "kind": doc.get("kind", ""),
        "score": doc.get("score", 0),
        "elements": {
            name: {
                "present": bool(e.get("present")),
                "status": element_status(e),
                "confidence": e.get("confidence"),
                "heading": clip(e.get("heading"), 200),
                "evidence": clip(e.get("evidence")),
                "via": e.get("via") or "",
            }
            for name, e in (doc.get("elements") or {}).items()
        },
        "readability": {
            key: read.get(key, 0)
            for key in (
                "flesch_kincaid_grade",
                "flesch_reading_ease",
                "smog_index",
                "coleman_liau_index",
                "automated_readability_index",
                "words",
                "sentences",
                "reading_time_s",
            )
        },
        "sections": _sections(doc)[:SECTIONS_SHOWN],
        "teasers": [
            {
                "text": clip(t.get("text"), TEASER_CHARS),
                "href": t.get("href") or "",
                "truncated": bool(t.get("truncated")),
            }
            for t in (doc.get("teasers") or [])[:TEASERS_SHOWN]
        ],
        "findings": [
            {
                "code": f.get("code", ""),
                "severity": f.get("severity", ""),
                "message": clip(_unprefixed(f.get("message") or "", url)),
                "evidence": clip(f.get("evidence"), 240),
                "decision": f.get("decision") or "",
                "toml": decision_toml(url, f.get("code", ""), f.get("evidence")),
            }
            for f in [*(doc.get("findings") or []), *extra_findings]
        ],
        "article": article_view(doc),
    }


def element_status(element: Mapping[str, Any] | None) -> str:
    """An element object's verdict: its ``status``, or for a document written before
    statuses existed (a ``pages.jsonl`` of an older run), what ``present`` implies."""
    if not element:
        return "missing"
    status = element.get("status")
    if status in ELEMENT_STATUSES:
        return str(status)
    return "found" if element.get("present") else "missing"


def _sections(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The outline, each section with its reading grade when the readability has one.

    ``readability.sections`` follow the page's sections in order; they are matched by
    heading and level so a section the grader skipped just shows no grade.
    """
    graded = list((doc.get("readability") or {}).get("sections") or [])
    out = []
    j = 0
    for s in doc.get("sections") or []:
        grade = None
        for k in range(j, len(graded)):
            g = graded[k]
            if g.get("heading") == s.get("heading") and g.get("level") == s.get("level"):
                grade, j = g.get("grade"), k + 1
                break
        out.append(
            {
                "heading": clip(s.get("heading"), 200),
                "level": s.get("level", 0),
                "words": s.get("words", 0),
                "grade": grade,
            }
        )
    return out


def _unprefixed(message: str, url: str) -> str:
    """A finding message without the leading "<page url>: " the page view already shows."""
    prefix = f"{url}: "
    return message[len(prefix) :] if url and message.startswith(prefix) else message
