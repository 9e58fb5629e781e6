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
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from functools import lru_cache
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


class _Link:
    """One link of the page: the tag, where it goes, its accessible name.  A plain class,
    not a frozen dataclass: one is made per link of every page."""

    __slots__ = ("el", "href", "name")

    def __init__(self, el: Tag, href: str, name: str) -> None:
        self.el = el
        self.href = href
        self.name = name


def scan_access(body: Tag, root: Tag, lang: str | None, url: str | None) -> tuple[AccessNote, ...]:
    """All accessibility notes of one parsed page: ``body`` is the document body, ``root``
    the article container extraction chose (headings and language are judged inside it;
    links, images and media on the whole body, since the teaser links an editor writes sit
    beside the article)."""
    doc = _Index(body)
    # Extraction picks the root inside the body; were it not, it gets its own index.
    in_root = doc if id(root) in doc.pos else _Index(root)
    notes: list[AccessNote] = []
    links = list(_links(doc, url))
    notes += _cap(_link_notes(links))
    notes += _cap(_image_notes(doc))
    notes += _cap(_heading_notes(in_root, root))
    notes += _cap(_document_notes(links))
    notes += _cap(_lang_notes(in_root, root, lang))
    notes += _cap(_media_notes(doc, links))
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
        if _self_hidden(el):
            return True
    return False


def _self_hidden(el: Tag) -> bool:
    """``el`` itself (not its ancestors) is hidden, in the sense of ``_is_hidden``."""
    if el.has_attr("hidden") or str(el.get("aria-hidden", "")).lower() == "true":
        return True
    style = str(el.get("style", "")).replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _skipped(node: Tag, visible_only: bool) -> bool:
    """``node`` itself keeps its text from a reader (``aria-hidden``, ``hidden``) or, when
    ``visible_only``, from sight (a visually hidden class)."""
    if str(node.get("aria-hidden", "")).lower() == "true" or node.has_attr("hidden"):
        return True
    return visible_only and bool(_classes(node) & _HIDDEN_TEXT_CLASSES)


def _text_walk(tag: Tag, *, visible_only: bool) -> str:
    """The text a reader hears (``visible_only`` False) or sees, with images' alt: read
    from the tree, for a tag outside the page index (``_Index.text`` gives the same)."""
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
        if _skipped(node, visible_only):
            return True
        node = node.parent
    return False


_NO_TEXT_PARENTS = frozenset(("script", "style", "template", "noscript"))
# What the index keeps of a tag, by name (``_Index._walk``).
_LINK, _IMAGE, _HEADING, _BLOCK, _MEDIA, _TOP = 1, 2, 3, 4, 5, 6
_KINDS = {
    "a": _LINK,
    "img": _IMAGE,
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), _HEADING),
    **dict.fromkeys(("p", "li", "blockquote", "td"), _BLOCK),
    **dict.fromkeys(("video", "iframe", "audio"), _MEDIA),
    **dict.fromkeys(("body", "html"), _TOP),
}


def _parent_named(tag: Tag, name: str) -> Tag | None:
    """``tag.find_parent(name)``: its nearest ancestor called ``name``."""
    node = tag.parent
    while node is not None and node.name != name:
        node = node.parent
    return node


class _Index:
    """One pass over the body: what the checks ask of each element, asked once.

    The checks used to ask bs4 per element (``find_all`` per check, an ancestor walk per
    link, image and heading for ``_is_hidden``, one per string of a link's text for
    ``_inside_skipped``); this pass walks the body once, top down, and keeps:

    - every tag's document position and the position just past its subtree (``pos``,
      ``end``), and, in document order, the strings and image alts a text is made of
      (``ev_*``), each with the position of its nearest ancestor-or-self that hides it
      from a screen reader (``aria-hidden``, ``hidden``): ``text(tag)`` is the events in
      the tag's range whose hiding ancestor, if any, is the tag or above it, which is what
      ``_text_walk`` finds walking the tag's descendants and from each up to the tag;
    - per link, image and heading whether ``_is_hidden`` holds (a hidden ancestor below
      ``body``/``html``, carried down the walk), per block whether it or an ancestor has
      ``lang``;
    - the tags each check reads, by kind, in document order (``find_all``'s order).

    A tag outside the body (an ``aria-labelledby`` target in the head), or the visible
    text (no check asks for it), is read from the tree by ``_text_walk``.
    """

    def __init__(self, body: Tag) -> None:
        self.body = body
        self.pos: dict[int, int] = {}
        self.end: dict[int, int] = {}
        self.ev_pos: list[int] = []
        self.ev_text: list[str] = []
        self.ev_skip: list[int] = []
        self.any_skip = False
        self.links: list[tuple[Tag, bool]] = []
        self.images: list[tuple[Tag, bool]] = []
        self.headings: list[tuple[int, Tag, bool]] = []
        self.blocks: list[tuple[int, Tag, bool]] = []
        self.media: dict[str, list[Tag]] = {"video": [], "iframe": [], "audio": []}
        self.texts: dict[int, str] = {}
        self._walk(body)

    def _walk(self, body: Tag) -> None:
        pos = self.pos
        end = self.end
        ev_pos = self.ev_pos
        ev_text = self.ev_text
        ev_skip = self.ev_skip
        links = self.links
        images = self.images
        headings = self.headings
        blocks = self.blocks
        media = self.media
        kinds = _KINDS
        no_text = _NO_TEXT_PARENTS
        pos[id(body)] = 0
        n = 1
        skip = 0 if _skipped(body, False) else -1
        lang = any(
            isinstance(el, Tag) and el.name != "html" and el.has_attr("lang")
            for el in (body, *body.parents)
        )
        # Per open tag: its children, the tag, then what its children inherit: hidden (as
        # ``_is_hidden`` says), the position of the nearest tag hiding text from a screen
        # reader (-1: none), ``lang`` seen, whether its strings are text.
        stack: list[tuple] = [
            (iter(body.contents), body, _is_hidden(body), skip, lang, body.name not in no_text)
        ]
        while stack:
            frame = stack[-1]
            _, _, hid, skip, lang, texty = frame
            for child in frame[0]:
                if not isinstance(child, Tag):
                    if texty:
                        ev_pos.append(n)
                        ev_text.append(child)
                        ev_skip.append(skip)
                    n += 1
                    continue
                here = n
                n += 1
                pos[id(child)] = here
                attrs = child.attrs
                c_hid = hid
                c_skip = skip
                c_lang = lang
                if attrs:
                    if "hidden" in attrs or (
                        "aria-hidden" in attrs and str(attrs["aria-hidden"]).lower() == "true"
                    ):
                        c_hid = True
                        c_skip = here
                        self.any_skip = True
                    elif "style" in attrs:
                        style = str(attrs["style"]).replace(" ", "").lower()
                        if "display:none" in style or "visibility:hidden" in style:
                            c_hid = True
                    if "lang" in attrs and child.name != "html":
                        c_lang = True
                kind = kinds.get(child.name)
                if kind is not None:
                    if kind == _LINK:
                        if "href" in attrs:
                            links.append((child, c_hid))
                    elif kind == _IMAGE:
                        images.append((child, c_hid))
                        alt = attrs.get("alt")
                        if alt:
                            ev_pos.append(here)
                            ev_text.append(str(alt))
                            ev_skip.append(c_skip)
                    elif kind == _HEADING:
                        headings.append((here, child, c_hid))
                    elif kind == _BLOCK:
                        blocks.append((here, child, c_lang))
                    elif kind == _MEDIA:
                        media[child.name].append(child)
                    else:  # _TOP: ``_is_hidden`` stops at <body> and <html>
                        c_hid = False
                if child.contents:
                    stack.append(
                        (
                            iter(child.contents),
                            child,
                            c_hid,
                            c_skip,
                            c_lang,
                            child.name not in no_text,
                        )
                    )
                    break
                end[id(child)] = n
            else:
                stack.pop()
                end[id(frame[1])] = n

    def text(self, tag: Tag) -> str:
        """``_text_walk(tag, visible_only=False)``, from the index (once per tag)."""
        key = id(tag)
        found = self.texts.get(key)
        if found is not None:
            return found
        start = self.pos.get(key)
        if start is None:
            return _text_walk(tag, visible_only=False)
        ev_pos = self.ev_pos
        lo = bisect_right(ev_pos, start)
        hi = bisect_left(ev_pos, self.end[key], lo)
        if self.any_skip:
            texts, skips = self.ev_text, self.ev_skip
            parts = [texts[i] for i in range(lo, hi) if skips[i] <= start]
        else:
            parts = self.ev_text[lo:hi]
        found = self.texts[key] = " ".join(" ".join(parts).split())
        return found

    def inside(self, root: Tag, entries: list) -> list:
        """The entries (position first) of tags strictly inside ``root``."""
        start = self.pos.get(id(root))
        if start is None:
            return []
        stop = self.end[id(root)]
        keys = [e[0] for e in entries]
        return entries[bisect_right(keys, start) : bisect_left(keys, stop)]


def accessible_name(a: Tag, doc: Tag, index: _Index | None = None) -> str:
    """The link's accessible name, as the accessible-name algorithm would give it for the
    plain links of an article (``aria-labelledby``, ``aria-label``, content, ``title``)."""
    attrs = a.attrs
    if "aria-labelledby" not in attrs and "aria-label" not in attrs:  # most links
        name = _text(a, index)
        return name if name else _norm(str(attrs.get("title") or ""))
    labelledby = str(a.get("aria-labelledby") or "").split()
    if labelledby:
        root = doc
        while root.parent is not None:
            root = root.parent
        texts = []
        for ident in labelledby:
            ref = root.find(id=ident)
            if isinstance(ref, Tag):
                texts.append(_text(ref, index))
        if any(texts):
            return _norm(" ".join(texts))
    label = _norm(str(a.get("aria-label") or ""))
    if label:
        return label
    name = _text(a, index)
    if name:
        return name
    return _norm(str(a.get("title") or ""))


def _text(tag: Tag, index: _Index | None) -> str:
    """What a screen reader says of ``tag``'s content (``_text_walk``, visible or not)."""
    if index is None:
        return _text_walk(tag, visible_only=False)
    return index.text(tag)


# An href ``urljoin`` resolves with nothing of its base but the scheme and host: a URL with
# its own host ("https://host/...", "//host/..."), or a root-relative path ("/path").  Not
# when it holds a tab or newline, which ``urlsplit`` deletes first ("/\t/host" is "//host").
_BASE_FREE_RE = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#]|/(?!/)")


def _link_target(url: str | None, href: str) -> str:
    """Where a link goes, without its fragment, credentials redacted:
    ``redact_userinfo(urldefrag(urljoin(url, href))[0])`` (``urldefrag(href)`` with no url).

    Cached across the pages of a site: an href whose join takes only the scheme and host
    of the page URL (``_BASE_FREE_RE``) is joined to the site root, so the menus and
    absolute links every page repeats are resolved once.
    """
    if not url:
        return _target(None, href)
    if _BASE_FREE_RE.match(href) and "\t" not in href and "\n" not in href and "\r" not in href:
        root = _site_root(url)
        if root is not None:
            return _target(root, href)
    return _target(url, href)


@lru_cache(maxsize=1024)
def _site_root(url: str) -> str | None:
    """``scheme://host/`` of an http(s) URL: for ``_BASE_FREE_RE`` hrefs the same base as
    ``url`` to ``urljoin`` (same scheme and host; its path and query unread)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}/"
    return None


@lru_cache(maxsize=8192)
def _target(base: str | None, href: str) -> str:
    target = urldefrag(urljoin(base, href))[0] if base else urldefrag(href)[0]
    # A URL with a user name or password is never repeated in a report.
    return redact_userinfo(target)


def _links(doc: _Index, url: str | None) -> Iterator[_Link]:
    for a, hidden in doc.links:
        href = str(a.attrs.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        if hidden:
            continue
        target = _link_target(url, href)
        name = accessible_name(a, doc.body, doc)
        if "@" in name:  # link text that is a URL with a password
            name = " ".join(redact_userinfo(w) if "://" in w else w for w in name.split())
        yield _Link(a, target, name)


def _vague_key(name: str) -> str:
    return name.lower().strip(" \t:;,.!?»›→>-–—").strip()


@lru_cache(maxsize=8192)  # a site's menus repeat their link texts on every page
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


def _adjacent_text(doc: _Index, fig: Tag | None, a: Tag | None) -> str:
    """The caption or the link text beside an image, where a screen reader reads it too
    (``fig`` and ``a``: the image's nearest ``<figure>`` and ``<a>``)."""
    if fig is not None:
        cap = fig.find("figcaption")
        if isinstance(cap, Tag):
            return doc.text(cap)
    if a is not None:
        texts = [
            str(s)
            for s in a.find_all(string=True)
            if s.parent is not None and s.parent.name not in ("script", "style")
        ]
        return _norm(" ".join(texts))
    return ""


def _image_notes(doc: _Index) -> Iterator[AccessNote]:
    for img, hidden in doc.images:
        if hidden or str(img.get("role", "")).lower() in ("presentation", "none"):
            continue
        alt = img.get("alt")
        src = redact_userinfo(str(img.get("src") or img.get("data-src") or ""))
        if alt is None:
            continue  # image_alt_missing (checks.py)
        alt = _norm(str(alt))
        a = _parent_named(img, "a")
        if not alt:
            if a is not None and a.get("href") and not accessible_name(a, doc.body, doc):
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
            beside = _adjacent_text(doc, _parent_named(img, "figure"), a)
            if beside and beside.lower().strip(" .") == low.strip(" ."):
                yield AccessNote(
                    "image_alt_redundant",
                    f'alt text "{alt}" repeats the text beside it; a screen reader says it '
                    'twice (use alt="" or say what the image adds)',
                    src,
                    "1.1.1",
                )


def _heading_notes(doc: _Index, root: Tag) -> Iterator[AccessNote]:
    for _, h, hidden in doc.inside(root, doc.headings):
        if hidden:
            continue
        level = int(h.name[1])
        text = doc.text(h)
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


@lru_cache(maxsize=8192)
def _document_kind(href: str) -> str | None:
    """The document type (``_DOC_EXT``) a link's path ends in, if any."""
    path = urlsplit(href).path.lower()
    ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    return _DOC_EXT.get(ext)


def _document_notes(links: list[_Link]) -> Iterator[AccessNote]:
    seen: set[str] = set()
    for link in links:
        kind = _document_kind(link.href)
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
    low = text.lower()
    if len(low) < 2 * FOREIGN_MIN_WORDS - 1:  # too short to hold that many words
        return None
    words = re.findall(r"[a-záéíóúñüàèçâêîôûœ']+", low)
    if len(words) < FOREIGN_MIN_WORDS:
        return None
    scores = {lang: sum(map(stop.__contains__, words)) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    share = scores[best] / len(words)
    ranked = sorted(scores.values(), reverse=True)
    if share < 0.15 or ranked[0] < 2 * max(ranked[1], 1):
        return None
    return best


def _lang_notes(doc: _Index, root: Tag, lang: str | None) -> Iterator[AccessNote]:
    if lang is not None and lang.strip() and not _LANG_RE.match(lang.strip()):
        yield AccessNote(
            "lang_invalid",
            f'<html lang="{lang}"> is not a language code (e.g. "en" or "en-US")',
            lang,
            "3.1.1",
        )
        return
    page_lang = (lang or "").strip().lower()[:2]
    blocks = doc.inside(root, doc.blocks)
    page_guess = _language_of(" ".join(doc.text(b) for _, b, _ in blocks[:60]))
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
    for _, block, marked in blocks:
        if marked:  # it or an ancestor (not <html>) has a lang attribute
            continue
        text = doc.text(block)
        guess = _language_of(text)
        if guess and guess != main:
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


def _media_notes(doc: _Index, links: list[_Link]) -> Iterator[AccessNote]:
    for video in doc.media["video"]:
        kinds = {str(t.get("kind", "subtitles")).lower() for t in video.find_all("track")}
        if not kinds & _CAPTION_KINDS:
            src = _media_src(video)
            yield AccessNote(
                "video_captions_missing",
                'a <video> without a captions track (<track kind="captions">)',
                src or None,
                "1.2.2",
            )
    for frame in doc.media["iframe"]:
        src = redact_userinfo(str(frame.get("src") or frame.get("data-src") or ""))
        if any(host in src for host in _VIDEO_HOSTS):
            yield AccessNote(
                "video_embed_check_captions",
                "an embedded video (YouTube, Vimeo...): check it has accurate captions, not "
                "only automatic ones",
                src,
                "1.2.2",
            )
    audios = doc.media["audio"]
    # A transcript is looked for only where there is audio to want one.
    transcript = bool(audios) and (
        any(_TRANSCRIPT_RE.search(f"{lk.name} {lk.href}") for lk in links)
        or bool(_TRANSCRIPT_RE.search(doc.text(doc.body)[:200000]))
    )
    if not transcript:
        for audio in audios:
            src = _media_src(audio)
            yield AccessNote(
                "audio_transcript_missing",
                "an <audio> with no transcript linked or shown on the page",
                src or None,
                "1.2.1",
            )
