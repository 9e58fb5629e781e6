"""bs4's lxml tree builder with its per-tag and per-string callbacks made cheaper.

Building the BeautifulSoup tree is the largest share of a page's audit: lxml itself parses
a page in about 0.2 ms, bs4's Python callbacks around it (one ``start``/``end`` per tag, one
string object per text run) take about ten times that.  ``FastLXMLTreeBuilder`` is bs4's own
``LXMLTreeBuilder`` (the lxml HTML parser, bs4 ``Tag`` and ``NavigableString`` objects) with
``start``, ``end`` and ``data`` doing in one call what bs4 spreads over six to ten calls per
tag (``handle_starttag``, ``Tag.__init__``, ``setup``, ``pushTag``, ``endData``,
``object_was_parsed``, ``_popToTag``, ``popTag``), and without the two dict copies of every
attribute dict.  The tree it builds is the tree bs4 builds, field for field
(``tests/test_soup.py`` compares every attribute of every node with the stock builder's).

Anything the fast path does not handle (namespaced tags or attributes, a ``SoupStrainer``,
custom element classes, whitespace-preserving or string-container tags still open at a
start tag) goes through bs4's own code, so the result never depends on the shortcut; and on
a bs4 version the shortcut was not checked against, ``make_soup`` uses the stock builder.
"""

from __future__ import annotations

import bs4
from bs4 import BeautifulSoup
from bs4.builder._lxml import LXMLTreeBuilder
from bs4.element import NavigableString, Tag

__all__ = ["FastLXMLTreeBuilder", "make_soup"]

_CHECKED_VERSIONS = frozenset({"4.15.0"})
"""bs4 versions whose internals (``BeautifulSoup`` stacks, ``Tag`` fields) the fast path
mirrors; any other version gets the stock builder."""

_ASCII_SPACES = BeautifulSoup.ASCII_SPACES
_ROOT = BeautifulSoup.ROOT_TAG_NAME
_MAIN_TYPES = Tag.MAIN_CONTENT_STRING_TYPES
_new = object.__new__
_new_str = str.__new__


class FastLXMLTreeBuilder(LXMLTreeBuilder):
    """``LXMLTreeBuilder`` whose callbacks build bs4's tree directly (see the module doc)."""

    _plain = False
    """Whether the document being fed takes the fast path (set per ``feed``)."""

    def _fast(self) -> bool:
        """Whether this soup's setup is the plain one the fast path mirrors."""
        soup = self.soup
        return (
            soup is not None
            and not soup.parse_only
            and not soup.element_classes
            and len(self.nsmaps) == 1
        )

    def feed(self, markup: str | bytes) -> None:
        self._plain = self._fast()
        super().feed(markup)

    def _end_data(self, soup: BeautifulSoup) -> None:
        """``soup.endData()`` for a plain soup: the pending text run becomes a string."""
        data = soup.current_data
        text = data[0] if len(data) == 1 else "".join(data)
        if not soup.preserve_whitespace_tag_stack and not text.strip(_ASCII_SPACES):
            text = "\n" if "\n" in text else " "
        soup.current_data = []
        stack = soup.string_container_stack
        cls = (
            self.string_containers.get(stack[-1].name, NavigableString)
            if stack
            else NavigableString
        )
        parent = soup.currentTag
        fix = parent.next_element is not None
        o = _new_str(cls, text)
        o.hidden = False
        # PageElement.setup(parent, prev) and parent.contents.append(o), inline: a new
        # last child linked into the element and sibling chains (once per string).
        prev = soup._most_recent_element
        o.parent = parent
        o.previous_element = prev
        if prev is not None:
            prev.next_element = o
        o.next_element = None
        o.next_sibling = None
        contents = parent.contents
        if contents:
            sib = contents[-1]
            o.previous_sibling = sib
            sib.next_sibling = o
        else:
            o.previous_sibling = None
        contents.append(o)
        soup._most_recent_element = o
        if fix:
            soup._linkage_fixer(parent)

    def start(self, tag: str, attrib: dict[str, str], nsmap: dict | None = None) -> None:
        if (
            not self._plain
            or nsmap
            or len(self.nsmaps) != 1
            or tag[:1] == "{"
            or "{" in "".join(attrib)
        ):
            self._plain = False
            super().start(tag, attrib, nsmap or {})
            return
        soup = self.soup
        if soup.current_data:
            self._end_data(soup)
        parent = soup.currentTag
        prev = soup._most_recent_element
        t = _new(Tag)
        t.parser_class = soup.__class__
        t.name = tag
        t.namespace = None
        t._namespaces = self.active_namespace_prefixes[-1] or {}
        t.prefix = None
        t.sourceline = None
        t.sourcepos = None
        t.attribute_value_list_class = self.attribute_value_list_class
        t.attrs = self.attribute_dict_class(attrib)
        t.known_xml = self.is_xml
        t.contents = []
        # PageElement.setup(parent, prev) and parent.contents.append(t), inline.
        t.parent = parent
        t.previous_element = prev
        if prev is not None:
            prev.next_element = t
        t.next_element = None
        t.next_sibling = None
        contents = parent.contents
        if contents:
            sib = contents[-1]
            t.previous_sibling = sib
            sib.next_sibling = t
        else:
            t.previous_sibling = None
        contents.append(t)
        t.hidden = False
        if tag == "meta":
            self.set_up_substitutions(t)
        empty = self.empty_element_tags
        t.can_be_empty_element = True if empty is None else tag in empty
        t.cdata_list_attributes = self.cdata_list_attributes
        t.preserve_whitespace_tags = self.preserve_whitespace_tags
        containers = self.string_containers
        if tag in containers:
            t.interesting_string_types = {containers[tag]}
        else:
            t.interesting_string_types = _MAIN_TYPES
        # BeautifulSoup.handle_starttag + pushTag
        soup._most_recent_element = t
        soup.tagStack.append(t)
        soup.currentTag = t
        if tag != _ROOT:
            soup.open_tag_counter[tag] += 1
        if tag in self.preserve_whitespace_tags:
            soup.preserve_whitespace_tag_stack.append(t)
        if tag in containers:
            soup.string_container_stack.append(t)

    def end(self, tag: str) -> None:
        if not self._plain or len(self.nsmaps) != 1 or tag[:1] == "{":
            super().end(tag)
            return
        soup = self.soup
        if soup.current_data:
            self._end_data(soup)
        # BeautifulSoup._popToTag(tag, None), each step a BeautifulSoup.popTag
        if tag == _ROOT:
            return
        counter = soup.open_tag_counter
        stack = soup.tagStack
        while len(stack) > 1 and counter.get(tag):
            t = stack.pop()
            name = t.name
            if name in counter:
                counter[name] -= 1
            kept = soup.preserve_whitespace_tag_stack
            if kept and t == kept[-1]:
                kept.pop()
            kept = soup.string_container_stack
            if kept and t == kept[-1]:
                kept.pop()
            soup.currentTag = stack[-1]
            if tag == name and t.prefix is None:
                break

    def data(self, data: str) -> None:
        self.soup.current_data.append(data)


_OK = bs4.__version__ in _CHECKED_VERSIONS


def make_soup(html: str, **kwargs: object) -> BeautifulSoup:
    """``BeautifulSoup(html, "lxml", **kwargs)``, built with ``FastLXMLTreeBuilder``."""
    if not _OK:
        return BeautifulSoup(html, "lxml", **kwargs)
    return BeautifulSoup(html, builder=FastLXMLTreeBuilder, **kwargs)
