"""The words a regular expression cannot match without, and a cheap test for them in a text.

The element search runs some 400 case-insensitive patterns (``data/default.toml`` and the
user's own) over every sentence of a page; Python's ``re`` tries each one at every position,
so a page's text costs about a microsecond a character for the big body lists.  Yet almost
every pattern names a word ("mechanism", "stimulat…", "consult"): a sentence without one
of a pattern's words cannot match it.  ``required`` reads those words off the parsed
pattern (``re._parser``), and ``Literals`` finds which of them a text holds from its
whitespace-separated tokens, lower-cased once, each token looked up once per crawl.  The
element search then runs only the patterns whose words a sentence holds.

The test is conservative by construction: a pattern whose words cannot be read (a phone
number, ``\\w+ing``) is never skipped, a required word is only ever shortened (a part of a
required string is required too), and a text is folded so that every character that
``re.IGNORECASE`` matches to an ASCII letter becomes that letter.  A skipped pattern could
not have matched: the verdicts are the same as running every pattern.
"""

from __future__ import annotations

import re
from typing import Any

try:
    # The standard library's own regex parser: private (``re._parser``, ``re._constants``,
    # 3.11 on; ``sre_parse`` before), and the only reader of a pattern's structure there is.
    # The seam is pinned by ``tests/test_prefilter.py`` on every Python CI runs; should a
    # later Python move it, every pattern is simply run (``required`` gives ()), the
    # verdicts unchanged and the search as slow as before this module.
    import re._constants as _sre
    import re._parser as _sre_parser

    PARSER = True
    _REPEATS: tuple[Any, ...] = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
    _ZERO_WIDTH: tuple[Any, ...] = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)
except (ImportError, AttributeError):  # pragma: no cover - a Python that moved the parser
    PARSER = False
    _REPEATS = _ZERO_WIDTH = ()

__all__ = ["Literals", "required"]

_MAX_STRINGS = 32
"""Strings a run of literals may spell before it is cut in two ("(?:pain|ache)s?" spells 4)."""
_MAX_CLAUSES = 3
"""Required word sets kept per pattern: the most selective ones."""
_MIN_CHARS = 2
"""A required word shorter than this tests nothing (every text holds an "a")."""

Clause = frozenset[str]
"""Strings one of which every match of a pattern contains."""


def _sequence(items: Any) -> tuple[set[str] | None, list[set[str]]]:
    """(the strings a sequence matches, if few and known; the clauses it requires)."""
    clauses: list[set[str]] = []
    run = {""}
    chars = ""  # ASCII literals not yet appended to ``run``: the common case, kept cheap
    exact = True
    for op, av in getattr(items, "data", items):
        if op is _sre.LITERAL and av < 128:
            chars += chr(av).lower()
            continue
        if chars:
            run = {a + chars for a in run}
            chars = ""
        strings, required = _item(op, av)
        if strings is not None:
            joined = {a + b for a in run for b in strings}
            if len(joined) <= _MAX_STRINGS:
                run = joined
                continue
            clauses.append(run)
            run, exact = set(strings), False
            continue
        clauses.append(run)
        clauses.extend(required)
        run, exact = {""}, False
    if chars:
        run = {a + chars for a in run}
    clauses.append(run)
    return (run if exact else None), [c for c in clauses if c and "" not in c]


def _best(clauses: list[set[str]]) -> set[str] | None:
    return max(clauses, key=_selectivity, default=None)


def _selectivity(clause: set[str]) -> tuple[int, int]:
    """Longer words are rarer; fewer of them, rarer still."""
    return min(len(s.strip()) for s in clause), -len(clause)


def _item(op: Any, av: Any) -> tuple[set[str] | None, list[set[str]]]:
    """(the strings one parsed item matches, if few and known; the clauses it requires)."""
    if op is _sre.LITERAL:
        # Non-ASCII letters have case-insensitive twins the fold below does not know.
        return ({chr(av).lower()} if av < 128 else None), []
    if op in _ZERO_WIDTH:
        # Consumes nothing: the literals on either side are adjacent in the text.
        return {""}, []
    if op is _sre.SUBPATTERN:
        return _sequence(av[-1])
    if op is _sre.ATOMIC_GROUP:
        return _sequence(av)
    if op is _sre.BRANCH:
        branches = [_sequence(b) for b in av[1]]
        strings: set[str] | None = None
        if all(s is not None for s, _ in branches):
            union = set().union(*(s for s, _ in branches if s is not None))
            strings = union if len(union) <= _MAX_STRINGS else None
        picked = [s if s is not None and "" not in s else _best(c) for s, c in branches]
        if all(picked):
            return strings, [set().union(*(p for p in picked if p))]
        return strings, []
    if op is _sre.IN:
        chars = [chr(a).lower() for o, a in av if o is _sre.LITERAL and a < 128]
        if len(chars) == len(av) and len(chars) <= 4:
            return set(chars), []
        return None, []
    if op in _REPEATS:
        least, most, sub = av
        strings, required = _sequence(sub)
        if least == 0:
            if most == 1 and strings is not None:
                return strings | {""}, []
            return None, []
        if least == most == 1:
            return strings, required
        if strings is not None and "" not in strings:
            required = [*required, strings]
        return None, required
    return None, []


def _words(clause: set[str]) -> Clause | None:
    """A clause as words ``Literals`` can find: each string cut to its longest
    whitespace-free part; None when one is too short to test anything."""
    out = set()
    for string in clause:
        parts = string.split()
        longest = max(parts, key=len) if parts else ""
        if len(longest) < _MIN_CHARS:
            return None
        out.add(longest)
    # A word that holds another is implied by it: "stimulat" covers "stimulates".
    return frozenset(w for w in out if not any(v != w and v in w for v in out))


def required(pattern: str, flags: int = re.IGNORECASE) -> tuple[Clause, ...]:
    """Word sets, most selective first, such that every match of ``pattern`` contains one
    word of each (lower-case, ASCII, no whitespace); () when none can be read, or the
    pattern does not parse."""
    if not PARSER:
        return ()
    try:
        parsed = _sre_parser.parse(pattern, flags)
        strings, clauses = _sequence(list(parsed))
    except re.error:
        return ()
    except Exception:  # pragma: no cover - a parser whose output changed shape: run it
        return ()
    if strings is not None and "" not in strings:
        clauses.append(strings)
    words = {w for w in map(_words, clauses) if w}
    return tuple(sorted(words, key=lambda c: (_selectivity(set(c)), sorted(c)), reverse=True))[
        :_MAX_CLAUSES
    ]


_FOLD = str.maketrans({"\u0131": "i", "\u017f": "s", "\u0307": None})
"""Characters ``re.IGNORECASE`` matches to an ASCII letter that ``str.lower`` leaves apart:
dotless i and long s; "İ" lower-cases to "i" and a combining dot, which goes."""

_MAX_TOKEN = 40
"""A longer token (a URL, a run of junk) is taken to hold every word: looking inside it
costs more than the regexes it could spare."""
_MAX_CACHED = 50_000
"""Tokens remembered, at most (then forgotten all at once): a site's vocabulary fits, in
some 10 MB."""
_MAX_KNOWN = 5_000
"""Texts whose masks are remembered, at most: a few pages' headings and sentences."""


class Literals:
    """The required words of a set of patterns, each a bit; which of them a text holds.

    ``mask(text)`` is the OR of the bits of the words found in ``text``'s tokens.  Each
    distinct token is looked inside once (every substring of a word's length) and
    remembered, so a page costs a split and a dictionary look-up a token.
    """

    def __init__(self, words: set[str]) -> None:
        ordered = sorted(words)
        self.bits = {w: 1 << i for i, w in enumerate(ordered)}
        self.all = (1 << len(ordered)) - 1
        self._sizes = sorted({len(w) for w in ordered})
        self._tokens: dict[str, int] = {}
        self._recent: tuple[tuple[str, tuple[tuple[int, str, int], ...]], ...] = ()
        self._known: dict[str, int] = {}

    def clause_mask(self, clause: Clause) -> int:
        mask = 0
        for word in clause:
            mask |= self.bits[word]
        return mask

    def mask(self, text: str) -> int:
        """The bits of the words ``text`` holds.  The last few thousand texts are remembered:
        the four element searches ask about the same headings and sentences, each for its
        patterns and then its negative ones."""
        known = self._known.get(text)
        if known is not None:
            return known
        low = text.lower()
        if not low.isascii():
            low = low.translate(_FOLD)
        tokens = self._tokens
        mask = 0
        for token in low.split():
            bits = tokens.get(token)
            if bits is None:
                bits = self._learn(token)
            mask |= bits
        if len(self._known) >= _MAX_KNOWN:
            self._known.clear()
        self._known[text] = mask
        return mask

    def _learn(self, token: str) -> int:
        if len(token) > _MAX_TOKEN:
            return self.all
        bits = 0
        size = len(token)
        get = self.bits.get
        for length in self._sizes:
            if length > size:
                break
            for start in range(size - length + 1):
                bit = get(token[start : start + length])
                if bit:
                    bits |= bit
        if len(self._tokens) >= _MAX_CACHED:
            self._tokens.clear()
        self._tokens[token] = bits
        return bits

    def segments(self, text: str, separator: str) -> tuple[tuple[int, str, int], ...]:
        """``text`` split at ``separator``: each part's offset, the part, and its mask.

        The last few texts are remembered (by identity): the four element searches of a
        page scan the same joined text."""
        for seen, parts in self._recent:
            if seen is text:
                return parts
        out = []
        offset = 0
        for part in text.split(separator):
            out.append((offset, part, self.mask(part)))
            offset += len(part) + len(separator)
        parts = tuple(out)
        self._recent = ((text, parts), *self._recent[:3])
        return parts
