"""Bytes -> HTML text, and the tests that say a document is not HTML at all.

Clinic sites are old and varied: Latin-1 pages that declare UTF-8, UTF-16 exports from
Word, BOMs, no declaration at all.  bs4's ``UnicodeDammit`` already knows the order to try
(BOM, HTTP charset, ``<meta charset>``, then guesses); this module adds the checks that turn
binary or empty input into a clear ``InputError`` instead of an audit of garbage.
"""

from __future__ import annotations

import re

from .errors import InputError

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_TAG = re.compile(r"<\s*[a-zA-Z!/?]")
_BINARY_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or Office document)",
    b"\x1f\x8b": "gzip-compressed data",
    b"\x7fELF": "an executable",
}


def decode_html(data: bytes, *, http_charset: str | None = None, source: str = "input") -> str:
    """Decode an HTML document, refusing binary and empty input with a message naming ``source``."""
    if not _strip_bom(data).strip(b" \t\r\n\f\x00"):
        raise InputError(f"{source}: the document is empty")
    head = data[:1024]
    for signature, what in _BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raise InputError(f"{source}: not HTML, looks like {what}")
    if not head.startswith(_BOMS) and b"\x00" in head:
        utf16 = _utf16_without_bom(head)
        if utf16 is None:
            raise InputError(f"{source}: not HTML, the file is binary")
        return data.decode(utf16, errors="replace")
    from bs4.dammit import UnicodeDammit

    known = [http_charset] if http_charset else []
    # After the BOM, the HTTP charset and the document's own declaration, try UTF-8 then
    # windows-1252 (the web's de-facto Latin-1) before bs4's statistical guesser, which
    # turns an undeclared Latin-1 "crème" into "crčme".
    dammit = UnicodeDammit(
        data,
        known_definite_encodings=known,
        user_encodings=["utf-8", "windows-1252"],
        is_html=True,
    )
    text = dammit.unicode_markup
    if text is None:
        text = data.decode("utf-8", errors="replace")
    return text


def ensure_html(text: str, *, source: str = "input") -> str:
    """Refuse text with no markup at all: a plain-text or binary file given as a page."""
    if not text.strip():
        raise InputError(f"{source}: the document is empty")
    if not _TAG.search(text[:65536]):
        raise InputError(f"{source}: not HTML (no tags found)")
    control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if control > 40:
        raise InputError(f"{source}: not HTML, the content is binary")
    return text


def _strip_bom(data: bytes) -> bytes:
    """The bytes after a byte-order mark: a body that is only a BOM is an empty document."""
    for bom in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :]
    return data


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte of ASCII markup is NUL. Returns the codec."""
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > len(odd) * 0.8:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.8:
        return "utf-16-be"
    return None
