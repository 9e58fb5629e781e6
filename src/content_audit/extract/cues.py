"""The words and marks that say what a link or a box is: "Read more" links, excerpts cut
with "[...]", and "Contact us" / "Book an appointment" links.

Cards, headed blocks and teasers all read these cues, so a box is judged the same way
wherever it was found.
"""

from __future__ import annotations

import re

_MORE_TEXT_RE = re.compile(
    r"^(?:\[\s*(?:\.\.\.|…)\s*\]|…|\.\.\.|(?:read|learn|see|view|find out)\s+more\b.*|"
    r"continue\s+reading\b.*|read\s+(?:the\s+|full\s+)?(?:article|post|story)\b.*|"
    r"keep\s+reading\b.*|more\s*(?:»|›|→|>)?)$",
    re.I,
)
_ELLIPSIS_END_RE = re.compile(r"(?:\[\s*(?:\.\.\.|…)\s*\]|…|\.\.\.)\s*$")
_EDGE_SYMBOLS_RE = re.compile(r"^[^\w\[.…]+|[^\w\].…]+$")
"""Arrows, pictographs and dashes around a link's words ("→ Read article now »")."""


def _is_more_text(text: str) -> bool:
    """A "Read more" style link text, arrows and pictographs around it ignored."""
    if not text or len(text) >= 40:
        return False
    return bool(_MORE_TEXT_RE.match(text) or _MORE_TEXT_RE.match(_EDGE_SYMBOLS_RE.sub("", text)))


_CONTACT_LINK_RE = re.compile(
    r"\bcontact\b|\b(?:book|request|schedule|make)\s+(?:an?\s+|your\s+|a\s+free\s+)?"
    r"(?:appointment|consultation|visit)",
    re.I,
)
"""A link to the clinic's contact or booking page: a call to action, never a teaser, and a
way to reach the clinic for the trust signals."""
