"""The article, marked up: sentences shaded by difficulty, passive voice and unexplained
terms marked (the plainer word on hover and in print), each element's evidence labelled.

``article_view`` makes a compact record of it from a page's JSON document (the text once,
then offsets), small enough for report.html to embed for every page; ``article_segments``
turns it into the display rows the ``_article.html`` partial loops over, and the report's
script builds the same rows with ``textContent``.  Page text is only ever text: no markup
is built from it here; the templates autoescape it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..rewrite import fk_grade

__all__ = ["ARTICLE_CHARS", "article_segments", "article_view", "difficulty"]

ARTICLE_CHARS = 20_000
"""Article text shown at most (a longer page is cut there): keeps report.html small."""
ELEMENT_SHORT = {
    "definition": "What it is",
    "uses": "What it is for",
    "mechanism": "How it works",
    "consult": "When to see a clinician",
}


def difficulty(words: int, syllables: int, target: float) -> int:
    """0 (at or under the target) to 3 (4+ grades over it): a sentence's own grade band."""
    if words <= 0:
        return 0
    over = fk_grade(words, 1, syllables) - target
    return 0 if over <= 0 else 1 if over <= 2 else 2 if over <= 4 else 3


def article_view(doc: Mapping[str, Any], grade_target: float = 8.0) -> dict[str, Any] | None:
    """The compact marked-up article of a page document; ``None`` without a rewrite plan."""
    rewrite = doc.get("rewrite")
    text = doc.get("text") or ""
    if not rewrite or not text:
        return None
    text = text[:ARTICLE_CHARS]
    grade_target = float(rewrite.get("target", grade_target))
    labels: dict[int, str] = {}
    for name, element in (doc.get("elements") or {}).items():
        evidence = (element or {}).get("evidence") or ""
        if (element or {}).get("status") in ("found", "unclear") and evidence:
            at = text.find(evidence[:80])
            if at >= 0:
                labels.setdefault(at, ELEMENT_SHORT.get(name, name))
    sentences: list[list[Any]] = []
    terms: list[list[Any]] = []
    ranked = sorted(rewrite.get("sentences") or [], key=lambda s: s["start"])
    for s in ranked:
        start, end = s["start"], s["end"]
        if end > len(text):
            break
        label = next((v for k, v in labels.items() if start <= k < end), "")
        shade = difficulty(s["words"], s["syllables"], grade_target)
        why = "; ".join(s.get("reasons") or [])
        tip = (
            f"rewrite first (#{s['rank']}): grade −{s['gain']:.2f} · {why}"
            if s.get("in_plan")
            else why
        )
        sentences.append([start, end, shade, int(bool(s.get("passive"))), label, tip])
        sentence = text[start:end]
        for word in s.get("plain_words") or []:
            match = re.search(r"\b" + re.escape(word["term"]) + r"\b", sentence, re.I)
            if match:
                alt = f"{word['alternative']} ({word['source']})"
                terms.append([start + match.start(), start + match.end(), alt])
        for term in s.get("unexplained") or []:
            if any(t["term"] == term for t in s.get("plain_words") or []):
                continue
            match = re.search(r"\b" + re.escape(term) + r"\b", sentence, re.I)
            if match:
                terms.append([start + match.start(), start + match.end(), "not explained"])
    return {"text": text, "sentences": sentences, "terms": sorted(terms)}


def article_segments(view: Mapping[str, Any] | None) -> list[list[dict[str, Any]]]:
    """Paragraphs of display items: plain text ``{"t"}`` or a sentence ``{"s": True, "cls",
    "title", "label", "pieces": [{"t", "alt"}]}`` (``alt`` set on a marked term)."""
    if not view:
        return []
    text: str = view["text"]
    sentences = list(view["sentences"])
    terms = list(view["terms"])
    paragraphs: list[list[dict[str, Any]]] = []
    offset = 0
    for line in text.split("\n"):
        end_line = offset + len(line)
        items: list[dict[str, Any]] = []
        cursor = offset
        for start, end, shade, passive, label, tip in sentences:
            if start < offset or end > end_line:
                continue
            if start > cursor:
                items.append({"s": False, "t": text[cursor:start]})
            pieces = []
            at = start
            for t_start, t_end, alt in terms:
                if t_start < start or t_end > end:
                    continue
                if t_start > at:
                    pieces.append({"t": text[at:t_start], "alt": None})
                pieces.append({"t": text[t_start:t_end], "alt": alt})
                at = t_end
            if at < end:
                pieces.append({"t": text[at:end], "alt": None})
            cls = f"s d{shade}" + (" passive" if passive else "")
            items.append({"s": True, "cls": cls, "title": tip, "label": label, "pieces": pieces})
            cursor = end
        if cursor < end_line:
            items.append({"s": False, "t": text[cursor:end_line]})
        if line.strip():
            paragraphs.append(items)
        offset = end_line + 1
    return paragraphs
