"""Pass 1: one walk of the body that measures and indexes every element.

For each element it records the text length, the *content score* (text outside links and
outside chrome) and the chrome verdict (``chrome``), post-order, with its own stack (a page
of ~1,000 nested elements passed Python's recursion limit).  It also indexes the tree (tags
by name in document order, positions, strings cut with an ellipsis, head-like tags) because
bs4's ``find_all`` costs more than this whole pass when called a few dozen times a page;
every later pass asks the index instead of walking the tree again.
"""

from __future__ import annotations

from bisect import bisect_left

from bs4 import NavigableString, Tag

from .chrome import _CHROME_ROLES, _is_hidden, _token_is_chrome
from .cues import _ELLIPSIS_END_RE
from .tags import _HEAD_TAGS, _HEADINGS, _SKIP_STRINGS, _SKIP_TAGS, _descendants, _tokens
from .text import _joined_text, normalize_text


class _Measure:
    """One pass over the body: text length, content score and chrome verdict per element.

    It also indexes the tree (tags by name in document order, document position, strings
    cut with an ellipsis, head-like tags) because bs4's ``find_all`` costs far more than
    the whole of this pass when called a few dozen times per page, and keeps each tag's
    class/id tokens: the chrome test, the card and recent-post searches and the root pick
    ask for the same tag's tokens several hundred times a page.
    """

    __slots__ = (
        "by_name",
        "chrome",
        "ellipsis",
        "end",
        "flags",
        "head_tags",
        "order",
        "positions",
        "score",
        "skip_pos",
        "text_len",
        "texts",
        "titled",
        "toks",
    )

    def __init__(self) -> None:
        self.text_len: dict[int, int] = {}
        self.score: dict[int, int] = {}
        self.flags: dict[int, int] = {}
        self.order: dict[int, int] = {}
        self.chrome: set[int] = set()
        self.by_name: dict[str, list[Tag]] = {}
        self.ellipsis: list[NavigableString] = []
        self.head_tags: list[Tag] = []
        self.titled: list[Tag] = []
        self.texts: dict[int, str] = {}
        self.toks: dict[int, list[str]] = {}
        self.end: dict[int, int] = {}
        """Per tag: the document position just past its last indexed descendant."""
        self.skip_pos: list[int] = []
        """Positions where a skipped subtree (script, svg, ...) sits: not in the index."""
        self.positions: dict[str, list[int]] = {}

    def descendants(self, node: Tag, *names: str):
        """``_descendants(node, *names)`` from the index, without walking the subtree.

        Tags inside skipped subtrees are not indexed, so a node holding one (or a node
        outside the body) is walked as before.
        """
        key = id(node)
        end = self.end.get(key)
        if end is None:
            return _descendants(node, *names)
        start = self.order[key] + 1
        skip = self.skip_pos
        i = bisect_left(skip, start)
        if i < len(skip) and skip[i] <= end:
            return _descendants(node, *names)
        found: list[Tag] = []
        hit = 0
        for name in names:
            tags = self.by_name.get(name)
            if not tags:
                continue
            pos = self.positions.get(name)
            if pos is None or len(pos) != len(tags):
                pos = self.positions[name] = [self.order[id(t)] for t in tags]
            lo = bisect_left(pos, start)
            hi = bisect_left(pos, end, lo)
            if hi > lo:
                found.extend(tags[lo:hi])
                hit += 1
        if hit > 1:
            found.sort(key=lambda t: self.order[id(t)])
        return iter(found)

    def text(self, tag: Tag) -> str:
        """``normalize_text(_joined_text(tag))``, once per tag (the tree is never changed):
        anchors are read by the card search, the teasers and the link list."""
        key = id(tag)
        found = self.texts.get(key)
        if found is None:
            found = self.texts[key] = normalize_text(_joined_text(tag))
        return found

    def tokens(self, tag: Tag) -> list[str]:
        """``_tokens(tag)``, built once per tag of the page (callers must not mutate it)."""
        key = id(tag)
        found = self.toks.get(key)
        if found is None:
            found = self.toks[key] = _tokens(tag)
        return found

    def tags(self, *names: str) -> list[Tag]:
        """Tags with one of ``names`` in document order."""
        if len(names) == 1:
            return self.by_name.get(names[0], [])
        found = [t for n in names for t in self.by_name.get(n, ())]
        found.sort(key=lambda t: self.order.get(id(t), 0))
        return found

    def run(self, node: Tag) -> tuple[int, int, int]:
        """Return (text length, content score, flags) of ``node``.

        flags: 1 holds an h1, 2 holds a nav, 4 holds main/article, 8 holds an h2-h6,
        16 holds a list.

        A walk with its own stack, not a recursion: a page of ~1,000 nested elements
        passed Python's recursion limit, and the page was audited as an empty one
        (``title_missing``, ``h1_missing``).  Each frame is ``[node, children iterator,
        total, score, flags]``; a child's figures are added to its parent when it ends.
        """
        order = self.order
        by_name = self.by_name
        self._enter(node)
        stack: list[list] = [[node, iter(node.contents), 0, 0, 0]]
        result = (0, 0, 0)
        while stack:
            frame = stack[-1]
            parent = frame[0]
            in_link = parent.name == "a"
            descended = False
            for child in frame[1]:
                if isinstance(child, NavigableString):
                    if isinstance(child, _SKIP_STRINGS):
                        continue
                    text = child.strip()
                    n = len(text)
                    frame[2] += n
                    if not in_link:
                        frame[3] += n
                    if n > 1 and text[-1] in ".…]" and _ELLIPSIS_END_RE.search(text):
                        self.ellipsis.append(child)
                elif isinstance(child, Tag):
                    name = child.name
                    if name in _SKIP_TAGS:
                        self.skip_pos.append(len(order))
                        if name in _HEAD_TAGS:
                            self.head_tags.append(child)
                        continue
                    order[id(child)] = len(order)
                    by_name.setdefault(name, []).append(child)
                    stack.append([child, iter(child.contents), 0, 0, 0])
                    descended = True
                    break
            if descended:
                continue
            stack.pop()
            result = self._leave(parent, frame[2], frame[3], frame[4])
            if stack:
                up = stack[-1]
                t, sc, f = result
                up[2] += t
                up[4] |= f
                if id(parent) not in self.chrome and parent.name != "a":
                    up[3] += sc
        return result

    def _enter(self, node: Tag) -> None:
        self.order[id(node)] = len(self.order)
        self.by_name.setdefault(node.name, []).append(node)

    def _leave(self, node: Tag, total: int, score: int, flags: int) -> tuple[int, int, int]:
        """What ``run`` does once all of ``node``'s children are counted."""
        name = node.name
        if name == "h1":
            flags |= 1
        elif name == "nav":
            flags |= 2
        elif name in ("main", "article") or node.get("role") == "main":
            flags |= 4
        elif name in _HEADINGS:
            flags |= 8
        elif name in ("ul", "ol"):
            flags |= 16
        key = id(node)
        self.end[key] = len(self.order)
        self.text_len[key] = total
        self.flags[key] = flags
        attrs = node.attrs
        # "title" in one of the tokens: a match never spans the " " that joins them.
        if attrs and ("class" in attrs or "id" in attrs) and "title" in " ".join(self.tokens(node)):
            self.titled.append(node)
        # Broken markup can leave the whole page inside an unclosed <nav> or <header>:
        # an element holding the main content, or a lot of prose, is never chrome.
        if not (flags & 4) and score < 3000 and self._chrome(node, name, total, flags):
            self.chrome.add(key)
            score = 0
        self.score[key] = score
        return total, score, flags

    def _chrome(self, node: Tag, name: str, total: int, flags: int) -> bool:
        if name in ("nav", "aside", "footer", "menu"):
            return True
        if name == "header":
            return not (flags & 1) or bool(flags & 2)
        if name == "form":
            return total < 2000
        attrs = node.attrs
        if not attrs:
            return False
        if "class" not in attrs and "id" not in attrs and "role" not in attrs:
            return _is_hidden(node)
        role = attrs.get("role")
        if isinstance(role, str) and role.lower() in _CHROME_ROLES:
            return True
        if _is_hidden(node):
            return True
        return any(map(_token_is_chrome, self.tokens(node)))
