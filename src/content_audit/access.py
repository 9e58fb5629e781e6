"""Accessibility checks a content editor can fix (WCAG 2.1 AA; HHS Section 504, 45 CFR 84.84).

Pure, like the rest of the core: the parsed document in, ``AccessNote`` records out, which
``checks.py`` turns into findings of registered codes (each with its WCAG criterion).  Only
what the editor of an article controls is judged here: link text, image alt text,
headings, language, linked documents and media alternatives.  Contrast, focus order, ARIA
widgets and the like are the developer's, and axe-core (``crawl --axe``) reports them.

Heuristics, each kept narrow so a finding is worth an editor's minute:

- a link's *accessible name* is what a screen reader says: ``aria-labelledby``, then
  ``aria-label``, then its text including visually hidden text (``.screen-reader-text``,
  ``.sr-only``, ``.visually-hidden``) and the alt of images inside it, then ``title``;
- "vague" link text is a short list of phrases ("Read more", "Click here", "[...]") or a
  bare URL; "ambiguous" is one name for links to different pages;
- a linked image with ``alt=""`` and no other name leaves the link nameless (1.1.1);
- documents (PDF, Word, Excel, PowerPoint, RTF, EPUB) whose link text names neither the
  type nor the size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import Tag

from .model import AccessNote
from .urls import redact_userinfo

# Per code, at most this many notes on one page; the last says how many more there were.
MAX_NOTES_PER_CODE = 10
# An alt text longer than this is a paragraph: it belongs in the text or a caption.
ALT_MAX_CHARS = 250
# Fewer words than this in a foreign-looking block is too little to call its language.
FOREIGN_MIN_WORDS = 12

_HIDDEN_TEXT_CLASSES = frozenset(
    {
        "screen-reader-text",
        "sr-only",
        "visually-hidden",
        "visuallyhidden",
        "screen-reader-only",
        "assistive-text",
        "elementor-screen-only",
    }
)
_VAGUE = frozenset(
    {
        "read more",
        "read more...",
        "more",
        "learn more",
        "click here",
        "here",
        "click",
        "continue",
        "continue reading",
        "more info",
        "more information",
        "details",
        "view more",
        "see more",
        "find out more",
        "this link",
        "link",
        "go",
        "...",
        "[...]",
        "…",
        "[…]",
        "read the article",
        "full article",
        "keep reading",
        "read full post",
        "read post",
        "view post",
    }
)
_GENERIC_ALT = frozenset(
    {
        "image",
        "img",
        "photo",
        "photograph",
        "picture",
        "pic",
        "graphic",
        "icon",
        "placeholder",
        "thumbnail",
        "banner",
        "untitled",
        "alt",
        "image of",
        "photo of",
        "picture of",
        "featured image",
        "blank",
        "spacer",
    }
)
_IMAGE_EXT = r"(?:jpe?g|png|gif|webp|svg|bmp|tiff?|avif|heic)"
_FILENAME_ALT_RE = re.compile(
    rf"^\S+\.{_IMAGE_EXT}$|^(?:img|dsc|dscn|dcim|pxl|image|photo|screenshot)[-_ ]?\d+\S*$"
    rf"|^[\w-]+[-_]\d+x\d+(?:\.{_IMAGE_EXT})?$",
    re.IGNORECASE,
)
_URL_TEXT_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_DOC_EXT = {
    "pdf": "PDF",
    "doc": "Word",
    "docx": "Word",
    "xls": "Excel",
    "xlsx": "Excel",
    "ppt": "PowerPoint",
    "pptx": "PowerPoint",
    "rtf": "RTF",
    "odt": "OpenDocument",
    "epub": "EPUB",
}
_DOC_SAYS_RE = re.compile(
    r"\b(?:pdf|docx?|word|xlsx?|excel|pptx?|powerpoint|rtf|odt|epub|document|download)\b"
    r"|\d+(?:\.\d+)?\s*(?:kb|mb|k|m)\b",
    re.IGNORECASE,
)
_LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$", re.IGNORECASE)
_STYLE_ONLY_RE = re.compile(r"^[\W\d_]+$")
_CAPTION_KINDS = frozenset({"captions", "subtitles"})
_VIDEO_HOSTS = ("youtube.com", "youtube-nocookie.com", "youtu.be", "vimeo.com", "wistia")
_TRANSCRIPT_RE = re.compile(r"\btranscri(?:pt|ption)\b", re.IGNORECASE)

# Words frequent in one language and rare in the others: enough to tell an English page
# from a Spanish section of it (the clinics' second language), and both from French.
_STOPWORDS = {
    "en": frozenset(
        "the and of to is in that for with you your are this be it on as or can not by".split()  # noqa: SIM905
    ),
    "es": frozenset(
        "el la los las de que y en un una es por para con su sus no se del al como más".split()  # noqa: SIM905
    ),
    "fr": frozenset(
        "le la les de des et est un une pour dans que qui du sur pas avec vous au ce".split()  # noqa: SIM905
    ),
}


@dataclass(frozen=True, slots=True)
class _Link:
    el: Tag
    href: str
    name: str
    visible: str


def scan_access(body: Tag, root: Tag, lang: str | None, url: str | None) -> tuple[AccessNote, ...]:
    """All accessibility notes of one parsed page: ``body`` is the document body, ``root``
    the article container extraction chose (headings and language are judged inside it;
    links, images and media on the whole body, since the teaser links an editor writes sit
    beside the article)."""
    notes: list[AccessNote] = []
    links = [lk for lk in _links(body, url)]
    notes += _cap(_link_notes(links))
    notes += _cap(_image_notes(body))
    notes += _cap(_heading_notes(root))
    notes += _cap(_document_notes(links))
    notes += _cap(_lang_notes(root, lang))
    notes += _cap(_media_notes(body, links))
    return tuple(notes)


def _cap(found: Iterator[AccessNote]) -> list[AccessNote]:
    out: list[AccessNote] = []
    extra: dict[str, int] = {}
    counts: dict[str, int] = {}
    for note in found:
        n = counts.get(note.code, 0)
        counts[note.code] = n + 1
        if n < MAX_NOTES_PER_CODE:
            out.append(note)
        else:
            extra[note.code] = extra.get(note.code, 0) + 1
    for code, more in extra.items():
        last = max(i for i, note in enumerate(out) if note.code == code)
        kept = out[last]
        out[last] = AccessNote(
            kept.code, f"{kept.message} (+{more} more like it)", kept.evidence, kept.wcag
        )
    return out


def _norm(text: str) -> str:
    return " ".join(text.split())


def _classes(tag: Tag) -> set[str]:
    value = tag.get("class") or ""
    if isinstance(value, list):
        value = " ".join(value)
    return set(str(value).lower().split())


def _is_hidden(tag: Tag) -> bool:
    """Hidden from everyone (not just visually): ``hidden``, ``aria-hidden``, display:none."""
    for el in (tag, *tag.parents):
        if not isinstance(el, Tag) or el.name in ("body", "html"):
            break
        if el.has_attr("hidden") or str(el.get("aria-hidden", "")).lower() == "true":
            return True
        style = str(el.get("style", "")).replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            return True
    return False


def _text(tag: Tag, *, visible_only: bool) -> str:
    """The text a reader hears (``visible_only`` False) or sees, with images' alt."""
    parts: list[str] = []
    for el in tag.descendants:
        if isinstance(el, Tag):
            if el.name == "img" and el.get("alt") and not _inside_skipped(el, tag, visible_only):
                parts.append(str(el.get("alt")))
            continue
        if el.parent is not None and not _inside_skipped(el.parent, tag, visible_only):
            if el.parent.name in ("script", "style", "template", "noscript"):
                continue
            parts.append(str(el))
    return _norm(" ".join(parts))


def _inside_skipped(el: Tag, top: Tag, visible_only: bool) -> bool:
    node: Tag | None = el
    while node is not None and node is not top:
        if str(node.get("aria-hidden", "")).lower() == "true" or node.has_attr("hidden"):
            return True
        if visible_only and _classes(node) & _HIDDEN_TEXT_CLASSES:
            return True
        node = node.parent
    return False


def accessible_name(a: Tag, doc: Tag) -> str:
    """The link's accessible name, as the accessible-name algorithm would give it for the
    plain links of an article (``aria-labelledby``, ``aria-label``, content, ``title``)."""
    labelledby = str(a.get("aria-labelledby") or "").split()
    if labelledby:
        root = doc
        while root.parent is not None:
            root = root.parent
        texts = []
        for ident in labelledby:
            ref = root.find(id=ident)
            if isinstance(ref, Tag):
                texts.append(_text(ref, visible_only=False))
        if any(texts):
            return _norm(" ".join(texts))
    label = _norm(str(a.get("aria-label") or ""))
    if label:
        return label
    name = _text(a, visible_only=False)
    if name:
        return name
    return _norm(str(a.get("title") or ""))


def _links(body: Tag, url: str | None) -> Iterator[_Link]:
    for a in body.find_all("a", href=True):
        href = str(a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        if _is_hidden(a):
            continue
        target = urldefrag(urljoin(url or "", href))[0] if url else urldefrag(href)[0]
        # A URL with a user name or password is never repeated in a report.
        target = redact_userinfo(target)
        name = accessible_name(a, body)
        if "@" in name:  # link text that is a URL with a password
            name = " ".join(redact_userinfo(w) if "://" in w else w for w in name.split())
        yield _Link(a, target, name, _text(a, visible_only=True))


def _vague_key(name: str) -> str:
    return name.lower().strip(" \t:;,.!?»›→>-–—").strip()


def _is_vague(name: str) -> bool:
    key = _vague_key(name)
    return key in _VAGUE or name.strip() in _VAGUE or bool(_URL_TEXT_RE.match(name.strip()))


def _link_notes(links: list[_Link]) -> Iterator[AccessNote]:
    by_name: dict[str, set[str]] = {}
    for link in links:
        if not link.name:
            if link.el.find("img") is not None:
                continue  # image_alt_empty_linked says it, with the image
            yield AccessNote(
                "link_name_missing",
                f"a link to {link.href} has no text and no accessible name",
                link.href,
                "2.4.4",
            )
            continue
        if _is_vague(link.name):
            kind = (
                "is a bare URL" if _URL_TEXT_RE.match(link.name) else "says nothing out of context"
            )
            yield AccessNote(
                "link_text_vague",
                f'link text "{link.name}" {kind}; name where it goes (or add an aria-label '
                f"or visually hidden text): {link.href}",
                link.name,
                "2.4.4",
            )
            continue
        if "?" not in link.href:  # share and tracking links repeat a name on purpose
            by_name.setdefault(link.name.lower(), set()).add(link.href.rstrip("/"))
    for name, targets in by_name.items():
        if len(targets) > 1:
            shown = ", ".join(sorted(targets)[:3])
            yield AccessNote(
                "link_text_ambiguous",
                f'{len(targets)} links say "{name}" but go to different pages: {shown}',
                name,
                "2.4.4",
            )


def _adjacent_text(img: Tag) -> str:
    """The caption or the link text beside an image, where a screen reader reads it too."""
    fig = img.find_parent("figure")
    if fig is not None:
        cap = fig.find("figcaption")
        if isinstance(cap, Tag):
            return _text(cap, visible_only=False)
    a = img.find_parent("a")
    if a is not None:
        texts = [
            str(s)
            for s in a.find_all(string=True)
            if s.parent is not None and s.parent.name not in ("script", "style")
        ]
        return _norm(" ".join(texts))
    return ""


def _image_notes(body: Tag) -> Iterator[AccessNote]:
    for img in body.find_all("img"):
        if _is_hidden(img) or str(img.get("role", "")).lower() in ("presentation", "none"):
            continue
        alt = img.get("alt")
        src = redact_userinfo(str(img.get("src") or img.get("data-src") or ""))
        if alt is None:
            continue  # image_alt_missing (checks.py)
        alt = _norm(str(alt))
        a = img.find_parent("a")
        if not alt:
            if a is not None and a.get("href") and not accessible_name(a, body):
                yield AccessNote(
                    "image_alt_empty_linked",
                    f'a linked image has alt="" and the link no other text, so the link '
                    f"to {redact_userinfo(str(a.get('href')))} has no name: describe where it goes",
                    src,
                    "1.1.1",
                )
            continue
        base = src.rsplit("/", 1)[-1].split("?", 1)[0]
        low = alt.lower()
        if _FILENAME_ALT_RE.match(alt) or (base and low == base.lower()):
            yield AccessNote(
                "image_alt_filename",
                f'alt text "{alt}" is a file name; describe the image',
                src,
                "1.1.1",
            )
        elif low.strip(" .:") in _GENERIC_ALT:
            yield AccessNote(
                "image_alt_generic", f'alt text "{alt}" says nothing about the image', src, "1.1.1"
            )
        elif len(alt) > ALT_MAX_CHARS:
            yield AccessNote(
                "image_alt_too_long",
                f"alt text of {len(alt)} characters (over {ALT_MAX_CHARS}): put the long "
                "description in the text or a caption",
                alt[:120],
                "1.1.1",
            )
        else:
            beside = _adjacent_text(img)
            if beside and beside.lower().strip(" .") == low.strip(" ."):
                yield AccessNote(
                    "image_alt_redundant",
                    f'alt text "{alt}" repeats the text beside it; a screen reader says it '
                    'twice (use alt="" or say what the image adds)',
                    src,
                    "1.1.1",
                )


def _heading_notes(root: Tag) -> Iterator[AccessNote]:
    for h in root.find_all(re.compile(r"^h[1-6]$")):
        if _is_hidden(h):
            continue
        level = int(h.name[1])
        text = _text(h, visible_only=False)
        if not text:
            yield AccessNote(
                "heading_empty",
                f"an empty H{level}: remove it or give it text (headings are for structure, "
                "not spacing)",
                None,
                "1.3.1",
            )
            continue
        if _STYLE_ONLY_RE.match(text) or len(text.split()) > 40:
            what = "no words" if _STYLE_ONLY_RE.match(text) else "a paragraph"
            yield AccessNote(
                "heading_for_style",
                f"an H{level} that holds {what}: use a heading only to name a section, "
                "and CSS for the look",
                text[:120],
                "1.3.1",
            )


def _document_notes(links: list[_Link]) -> Iterator[AccessNote]:
    seen: set[str] = set()
    for link in links:
        path = urlsplit(link.href).path.lower()
        ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
        kind = _DOC_EXT.get(ext)
        if kind is None or link.href in seen:
            continue
        seen.add(link.href)
        said = f"{link.name} {link.el.get('title') or ''} {link.el.get('type') or ''}"
        # Text right after the link ("(PDF, 120 KB)") says it too.
        after = link.el.next_sibling
        if after is not None and not isinstance(after, Tag):
            said += " " + str(after)[:40]
        if not _DOC_SAYS_RE.search(said):
            yield AccessNote(
                "document_link_unlabelled",
                f'link "{link.name or link.href}" opens a {kind} file without saying so; add '
                f'the type and size, e.g. "({kind}, 200 KB)"',
                link.href,
                "2.4.4",
            )
        else:
            yield AccessNote(
                "document_linked",
                f"links a {kind} document: it must be accessible too (tagged, real text)",
                link.href,
                "",
            )


def _language_of(text: str) -> str | None:
    words = re.findall(r"[a-záéíóúñüàèçâêîôûœ']+", text.lower())
    if len(words) < FOREIGN_MIN_WORDS:
        return None
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    share = scores[best] / len(words)
    ranked = sorted(scores.values(), reverse=True)
    if share < 0.15 or ranked[0] < 2 * max(ranked[1], 1):
        return None
    return best


def _lang_notes(root: Tag, lang: str | None) -> Iterator[AccessNote]:
    if lang is not None and lang.strip() and not _LANG_RE.match(lang.strip()):
        yield AccessNote(
            "lang_invalid",
            f'<html lang="{lang}"> is not a language code (e.g. "en" or "en-US")',
            lang,
            "3.1.1",
        )
        return
    page_lang = (lang or "").strip().lower()[:2]
    blocks = root.find_all(["p", "li", "blockquote", "td"])
    page_guess = _language_of(" ".join(_text(b, visible_only=False) for b in blocks[:60]))
    if page_lang in _STOPWORDS and page_guess and page_guess != page_lang:
        yield AccessNote(
            "lang_mismatch",
            f'<html lang="{lang}"> but the article reads as "{page_guess}"',
            lang,
            "3.1.1",
        )
        return
    main = page_lang or page_guess
    if not main:
        return
    for block in blocks:
        if any(
            isinstance(el, Tag) and el.name != "html" and el.has_attr("lang")
            for el in (block, *block.parents)
        ):
            continue
        guess = _language_of(_text(block, visible_only=False))
        if guess and guess != main:
            text = _text(block, visible_only=False)
            yield AccessNote(
                "lang_part_unmarked",
                f'a passage in "{guess}" on a "{main}" page has no lang attribute '
                f'(add lang="{guess}" to its element)',
                text[:120],
                "3.1.2",
            )


def _media_src(media: Tag) -> str:
    """The ``src`` of a ``<video>``/``<audio>``, or of its first ``<source>``."""
    source = media.find("source")
    found = media.get("src") or (source.get("src") if isinstance(source, Tag) else None)
    return redact_userinfo(str(found or ""))


def _media_notes(body: Tag, links: list[_Link]) -> Iterator[AccessNote]:
    transcript = any(_TRANSCRIPT_RE.search(f"{lk.name} {lk.href}") for lk in links) or bool(
        _TRANSCRIPT_RE.search(_text(body, visible_only=False)[:200000])
    )
    for video in body.find_all("video"):
        kinds = {str(t.get("kind", "subtitles")).lower() for t in video.find_all("track")}
        if not kinds & _CAPTION_KINDS:
            src = _media_src(video)
            yield AccessNote(
                "video_captions_missing",
                'a <video> without a captions track (<track kind="captions">)',
                src or None,
                "1.2.2",
            )
    for frame in body.find_all("iframe"):
        src = redact_userinfo(str(frame.get("src") or frame.get("data-src") or ""))
        if any(host in src for host in _VIDEO_HOSTS):
            yield AccessNote(
                "video_embed_check_captions",
                "an embedded video (YouTube, Vimeo...): check it has accurate captions, not "
                "only automatic ones",
                src,
                "1.2.2",
            )
    if not transcript:
        for audio in body.find_all("audio"):
            src = _media_src(audio)
            yield AccessNote(
                "audio_transcript_missing",
                "an <audio> with no transcript linked or shown on the page",
                src or None,
                "1.2.1",
            )
