"""Bytes -> HTML text, and the tests that say a document is not HTML at all.

Clinic sites are old and varied: Latin-1 pages that declare UTF-8, UTF-16 exports from
Word, BOMs, no declaration at all.  w3lib's ``html_to_unicode`` knows a browser's order
(BOM, HTTP charset, ``<meta charset>``, then a guess); this module adds the guess for
undeclared pages and the checks that turn binary or empty input into a clear
``InputError`` instead of an audit of garbage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded document: its text, the codec used, and how many byte sequences did not
    decode in it (each became U+FFFD)."""

    text: str
    encoding: str
    replaced: int = 0


def decode_html(data: bytes, *, http_charset: str | None = None, source: str = "input") -> str:
    """Decode an HTML document, refusing binary and empty input with a message naming ``source``."""
    return decode_document(data, http_charset=http_charset, source=source).text


def decode_document(
    data: bytes, *, http_charset: str | None = None, source: str = "input"
) -> Decoded:
    """``decode_html`` with the codec used and the count of replaced sequences.

    The order is a browser's (WHATWG): BOM, the HTTP charset, ``<meta charset>`` (w3lib's
    ``html_to_unicode``, which also maps labels as browsers do: latin-1 is windows-1252).
    A declared charset is kept even when some bytes do not fit it: they become U+FFFD,
    counted in ``replaced``, and the rest of the page keeps its letters (one stray byte
    used to turn a whole UTF-8 page into windows-1252 mojibake).  Only a page declared
    UTF-8 with not one valid UTF-8 letter in it is read as windows-1252.  With nothing declared,
    UTF-8, unless it fails badly (``_undeclared``), then windows-1252.
    """
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
        text = data.decode(utf16, errors="replace")
        return Decoded(text, utf16, text.count("\ufffd"))
    from w3lib.encoding import html_to_unicode

    header = f"text/html; charset={http_charset}" if http_charset else None
    encoding, text = html_to_unicode(header, data, "utf-8", _undeclared)
    if encoding.startswith(("utf-16", "utf-32")) and not head.startswith(_BOMS):
        # A UTF-16 label on bytes with no NUL in their head is wrong (browsers read a
        # <meta> saying UTF-16 as UTF-8): decode as an undeclared page.
        encoding = _undeclared(data)
        text = data.decode(encoding, errors="replace")
    replaced = 0
    if "\ufffd" in text:  # less those the page spelt itself
        replaced = text.count("\ufffd") - data.count("\ufffd".encode(encoding, "ignore") or b"\0")
        if encoding == "utf-8" and replaced > 0 and _non_ascii(text) == text.count("\ufffd"):
            # "UTF-8" on a page without one valid UTF-8 letter: an old Latin-1 page that
            # declares what it is not.  Its bytes read as windows-1252 lose nothing.
            return Decoded(data.decode("cp1252", errors="replace"), "cp1252", 0)
    return Decoded(text, encoding, max(0, replaced))


def _non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


def _undeclared(data: bytes) -> str:
    """The codec of a page that declares none: UTF-8 when its bytes are UTF-8 but for a few
    stray ones (at least as many valid multi-byte characters as invalid sequences), else
    windows-1252 (an undeclared Latin-1 "crème" is no valid UTF-8 at all)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        good = _non_ascii(text) - bad
        return "utf-8" if good >= bad else "cp1252"
    return "utf-8"


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
