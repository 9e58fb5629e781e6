"""Pass 3: the content root read in document order into sections.

Each section is a heading (real, or a bold line used as one), its level and its paragraphs;
chrome and the excluded blocks (cards, recent posts, headed blocks) are skipped.  The walk
also notes the anchors and images it met, so links and images know they sit in the article.
"""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import NavigableString, Tag

from ..model import Section
from .measure import _Measure
from .tags import _BLOCK_TAGS, _HEADINGS, _SKIP_STRINGS, _SKIP_TAGS
from .tail import _article_tail, _figure_columns
from .text import _NESTED_BLOCKS, _inline_text, _pseudo_heading, normalize_text


class _Walker:
    """Walk the content root in document order into sections."""

    __slots__ = ("anchors", "buf", "excluded", "images", "m", "sections")

    def __init__(self, m: _Measure, excluded: set[int]) -> None:
        self.m = m
        self.excluded = excluded
        self.sections: list[tuple[str, int, list[str], bool]] = [("", 0, [], False)]
        self.buf: list[str] = []
        self.anchors: set[int] = set()
        self.images: set[int] = set()

    def flush(self) -> None:
        if self.buf:
            text = normalize_text("".join(self.buf))
            self.buf = []
            if text:
                self.sections[-1][2].append(text)

    def heading(self, text: str, level: int, pseudo: bool = False) -> None:
        self.flush()
        if not text:
            return
        head, _, paras, _ = self.sections[-1]
        if len(self.sections) == 1 and not head and not paras and level == 1:
            self.sections[0] = (text, 1, [], False)
            return
        self.sections.append((text, level, [], pseudo))

    def walk(self, node: Tag) -> None:
        """Read ``node``'s text into sections, in document order.

        A walk with its own stack of iterators, not a recursion (a page of ~1,000 nested
        elements passed Python's recursion limit): an entry is a node's children, a
        ``_FLUSH`` marker (end of a block) or a ``_Walk`` (a heading's nested block).
        """
        stack: list = [iter(node.children)]
        while stack:
            child = next(stack[-1], _DONE)
            if child is _DONE:
                stack.pop()
                continue
            if child is _FLUSH:
                self.flush()
                continue
            if isinstance(child, _Walk):
                stack.append(iter(child.node.children))
                continue
            if isinstance(child, NavigableString):
                if not isinstance(child, _SKIP_STRINGS):
                    self.buf.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in _SKIP_TAGS:
                continue
            key = id(child)
            if key in self.m.chrome or key in self.excluded:
                if name in _BLOCK_TAGS:
                    self.flush()
                continue
            if name == "br":
                self.flush()
                continue
            level = _HEADINGS.get(name)
            if level is not None:
                self.heading(_inline_text(child), level)
                for a in self.m.descendants(child, "a"):
                    self.anchors.add(id(a))
                nested: list = []
                for block in child.children:
                    if not isinstance(block, Tag) or block.name not in _NESTED_BLOCKS:
                        continue
                    if id(block) not in self.m.chrome and id(block) not in self.excluded:
                        nested += (_FLUSH, _Walk(block), _FLUSH)
                if nested:
                    stack.append(iter(nested))
                continue
            if name == "img":
                self.images.add(key)
                continue
            if name == "a":
                self.anchors.add(key)
            elif name == "figcaption":
                self.flush()
                continue
            if name == "p" or name == "div":
                pseudo = _pseudo_heading(child)
                if pseudo:
                    self.heading(pseudo, 0, pseudo=True)
                    continue
            if name in _BLOCK_TAGS:
                self.flush()
                stack.append(iter(_FLUSH_ONLY))
            stack.append(iter(child.children))


_DONE = object()
_FLUSH = object()


_FLUSH_ONLY = (_FLUSH,)


class _Walk:
    """A heading's nested block to walk (``_Walker.walk``)."""

    __slots__ = ("node",)

    def __init__(self, node: Tag) -> None:
        self.node = node


@dataclass(frozen=True, slots=True)
class Article:
    """What ``read_article`` read: the sections, and the anchors and images met in them."""

    sections: tuple[Section, ...]
    anchors: set[int]
    """Anchors (by ``id``) inside the article text: the ``content`` zone of links."""
    images: set[int]
    """Images (by ``id``) inside the article text."""


def read_article(root: Tag, m: _Measure, excluded: set[int]) -> Article:
    """The root walked into sections, then the figure column beside it (a section of its
    own) and the FAQ and call-to-action band after it; nothing when the root is chrome."""
    walker = _Walker(m, excluded)
    if id(root) not in m.chrome:
        walker.walk(root)
        walker.flush()
        for column in _figure_columns(root, m, excluded):
            walker.sections.append(("", 0, [], False))
            walker.walk(column)
            walker.flush()
        for band in _article_tail(root, m, excluded):
            walker.walk(band)
            walker.flush()
    sections = tuple(
        Section(head, level, tuple(paras), pseudo)
        for head, level, paras, pseudo in walker.sections
        if head or paras
    )
    return Article(sections, walker.anchors, walker.images)
