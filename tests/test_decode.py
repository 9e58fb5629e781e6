from __future__ import annotations

import pytest

from content_audit.decode import decode_html, ensure_html
from content_audit.errors import InputError

PAGE = "<html><head><title>Café</title></head><body><p>Naïve résumé – ok</p></body></html>"


def test_utf8_and_latin1_declared() -> None:
    assert "Naïve" in decode_html(PAGE.encode("utf-8"))
    latin = PAGE.replace("<head>", '<head><meta charset="iso-8859-1">').encode("latin-1", "replace")
    assert "Naïve" in decode_html(latin)


def test_undeclared_latin1_still_decodes() -> None:
    data = PAGE.replace("–", "-").encode("latin-1")
    assert "résumé" in decode_html(data)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(encoding: str) -> None:
    assert "résumé" in decode_html(PAGE.encode(encoding))


def test_http_charset_wins_over_a_wrong_meta() -> None:
    data = PAGE.replace("<head>", '<head><meta charset="utf-8">').encode("cp1252")
    assert "Naïve" in decode_html(data, http_charset="cp1252")


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_binary_and_empty_are_refused(data: bytes, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        decode_html(data, source="x.html")


def test_ensure_html_refuses_plain_text() -> None:
    with pytest.raises(InputError, match="no tags"):
        ensure_html("just some words", source="notes.html")
    assert ensure_html(PAGE) == PAGE


def test_undeclared_latin1_is_not_guessed_as_another_charset() -> None:
    data = "<html><body><p>Une crème brûlée, s'il vous plaît.</p></body></html>".encode("latin-1")
    assert "crème brûlée" in decode_html(data)


# Issue 19.4: one stray byte must not turn a declared UTF-8 page into mojibake.

UTF8_PAGE = (
    "<html><head>{meta}<title>Café crème</title></head><body><p>Naïve – ok</p></body></html>"
)


@pytest.mark.parametrize("declared", ["meta", "http", "none"])
def test_one_stray_byte_in_a_utf8_page_is_replaced_not_the_whole_page_reread(
    declared: str,
) -> None:
    from content_audit.decode import decode_document

    meta = '<meta charset="utf-8">' if declared == "meta" else ""
    data = UTF8_PAGE.format(meta=meta).encode("utf-8").replace(b"ok", b"o\xffk")
    decoded = decode_document(data, http_charset="utf-8" if declared == "http" else None)
    assert "Café crème" in decoded.text and "Naïve – o\ufffdk" in decoded.text
    assert (decoded.encoding, decoded.replaced) == ("utf-8", 1)


def test_a_latin1_page_that_declares_utf8_is_read_as_windows_1252() -> None:
    from content_audit.decode import decode_document

    data = UTF8_PAGE.format(meta='<meta charset="utf-8">').replace("–", "-").encode("latin-1")
    decoded = decode_document(data)
    assert "Café crème" in decoded.text and decoded.encoding == "cp1252"


def test_a_page_that_spells_u_fffd_itself_counts_no_replacement() -> None:
    from content_audit.decode import decode_document

    data = UTF8_PAGE.format(meta="").replace("ok", "\ufffd").encode("utf-8")
    assert decode_document(data).replaced == 0
