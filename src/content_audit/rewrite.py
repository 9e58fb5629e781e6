"""From a reading grade to a rewrite: which sentences raise the page's grade most.

Flesch-Kincaid is a function of three page totals: words W, sentences S, syllables Y
(``0.39 W/S + 11.8 Y/W - 15.59``).  A sentence's *marginal effect* is therefore exact: the
page grade if that one sentence read at the target, i.e. if its words and syllables were
replaced by those of a sentence of at most ``TARGET_WORDS`` words (a shorter sentence keeps
its length) at the syllables per word that put a page of ``TARGET_WORDS``-word sentences
exactly at the grade target.  The sentences are ranked by
how much that lowers the page grade; "rewrite these N sentences" is the shortest prefix
of that ranking whose rewrite reaches the target (greedy by marginal gain, each step
recomputed on the totals, so the interaction of the rewrites is counted).

Page totals are the ones ``measure_readability`` reported (the grade shown to the
editor); each sentence's words and syllables are counted with textstat's own primitives
(``readability.count_sentence``), so the estimate and the grade agree.  Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config import AuditConfig
from .model import Kind, PageAudit
from .plain import is_passive, unexplained_terms
from .readability import count_sentence
from .sentences import split_sentences

__all__ = ["TARGET_WORDS", "RewritePlan", "RewriteSentence", "fk_grade", "plan_rewrite"]

TARGET_WORDS = 15
"""Words of the sentence a rewrite is assumed to produce (plain-language advice: 15-20)."""
LONG_WORD_SYLLABLES = 3
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Words that open a clause inside a sentence: two or more of them is a nested sentence.
_CLAUSE_RE = re.compile(
    r"\b(?:which|who|whom|whose|that|because|although|though|while|whereas|since|unless|"
    r"whether|where|when|if)\b|[;:—–]",
    re.I,
)


@dataclass(frozen=True, slots=True)
class RewriteSentence:
    """One sentence of the article with its marginal effect on the page grade."""

    text: str
    start: int
    """Offset of the sentence in ``Page.text`` (``end`` is exclusive)."""
    end: int
    words: int
    syllables: int
    counted: int
    """Sentences textstat counts in it (0 for 1-2 words, 2 across "U.S.")."""
    grade_if_rewritten: float
    """The page grade if this sentence alone read at the target."""
    gain: float
    """How much that lowers the page grade (negative: the sentence is already plainer)."""
    long_words: tuple[str, ...] = ()
    passive: bool = False
    unexplained: tuple[str, ...] = ()
    clauses: int = 0
    rewrite_words: int = 0
    """Words of the sentence at target: ``min(words, TARGET_WORDS)``."""
    rewrite_syllables: float = 0.0
    """...at the target's syllables per word."""
    rewrite_sentences: int = 1

    @property
    def reasons(self) -> tuple[str, ...]:
        out = [f"{self.words} words"]
        if self.long_words:
            out.append(f"{len(self.long_words)} long words ({', '.join(self.long_words[:4])})")
        if self.passive:
            out.append("passive voice")
        if self.unexplained:
            out.append("unexplained: " + ", ".join(self.unexplained))
        if self.clauses >= 2:
            out.append(f"{self.clauses} nested clauses")
        return tuple(out)


@dataclass(frozen=True, slots=True)
class RewritePlan:
    """The ranked sentences and how many of them to rewrite to reach the target."""

    grade: float
    target: float
    target_words: int
    target_syllables_per_word: float
    sentences: tuple[RewriteSentence, ...]
    """Ranked by ``gain``, largest first."""
    needed: int | None
    """N: rewrite the first N ranked sentences to reach the target (0 when already there,
    ``None`` when rewriting every sentence that helps would still not reach it)."""
    grade_after: float
    """The estimated page grade once those N (or, when ``None``, all helpful) are rewritten."""
    words: int = 0
    sentence_count: int = 0
    syllables: int = 0

    def grade_if(self, replaced: list[tuple[RewriteSentence, float, float]]) -> float:
        """The page grade once each given sentence is replaced by one sentence of
        (words, syllables)."""
        w, n, y = float(self.words), float(self.sentence_count), float(self.syllables)
        for s, words, syllables in replaced:
            w, y = w - s.words + words, y - s.syllables + syllables
            n += (1 if words > 2 else 0) - s.counted
        return fk_grade(w, n, y)


def fk_grade(words: float, sentences: float, syllables: float) -> float:
    """Flesch-Kincaid grade from the three totals, as textstat computes it."""
    if words <= 0 or sentences <= 0 or syllables <= 0:
        return 0.0
    return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59


def target_syllables_per_word(target: float, words: int = TARGET_WORDS) -> float:
    """Syllables per word at which sentences of ``words`` words read at grade ``target``."""
    return max(1.0, (target + 15.59 - 0.39 * words) / 11.8)


def article_sentences(text: str) -> list[tuple[str, int, int]]:
    """(sentence, start, end) of each sentence of ``Page.text`` (one paragraph a line)."""
    out: list[tuple[str, int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        cursor = 0
        for sentence in split_sentences(line):
            at = line.find(sentence, cursor)
            if at < 0:  # pragma: no cover - split_sentences returns slices of the line
                continue
            out.append((sentence, offset + at, offset + at + len(sentence)))
            cursor = at + len(sentence)
        offset += len(line)
    return out


def plan_rewrite(audit: PageAudit, config: AuditConfig) -> RewritePlan | None:
    """The rewrite plan of an article; ``None`` for listings, other pages and empty text."""
    r = audit.readability
    if audit.kind is not Kind.ARTICLE or not r.words or not r.sentences:
        return None
    medical = config.health.medical_syllables
    target = config.grade_target
    spw = target_syllables_per_word(target)
    tw = TARGET_WORDS
    W, S, Y = r.words, r.sentences, r.syllables
    grade = fk_grade(W, S, Y)
    jargon: dict[str, list[str]] = {}
    for term, sentence in unexplained_terms(audit.page):
        jargon.setdefault(sentence, []).append(term)
    ranked: list[RewriteSentence] = []
    for sentence, start, end in article_sentences(audit.page.text):
        words, syllables, long_words, counted = count_sentence(
            sentence, medical=medical, long_syllables=LONG_WORD_SYLLABLES
        )
        if not words:
            continue
        rw = min(words, tw)
        rs = 1 if rw > 2 else 0  # textstat does not count a sentence of 1-2 words
        after = fk_grade(W - words + rw, S - counted + rs, Y - syllables + rw * spw)
        ranked.append(
            RewriteSentence(
                text=sentence,
                start=start,
                end=end,
                words=words,
                syllables=syllables,
                counted=counted,
                grade_if_rewritten=round(after, 2),
                gain=round(grade - after, 2),
                long_words=tuple(dict.fromkeys(long_words)),
                passive=is_passive(sentence),
                unexplained=tuple(jargon.get(sentence, ())),
                clauses=len(_CLAUSE_RE.findall(sentence)),
                rewrite_words=rw,
                rewrite_syllables=rw * spw,
                rewrite_sentences=rs,
            )
        )
    ranked.sort(key=lambda s: (-s.gain, s.start))
    needed: int | None = 0
    w, n, y = float(W), float(S), float(Y)
    current = grade
    if current > target:
        needed = None
        for count, s in enumerate(ranked, 1):
            if s.gain <= 0:
                break
            w, y = w - s.words + s.rewrite_words, y - s.syllables + s.rewrite_syllables
            n += s.rewrite_sentences - s.counted
            current = fk_grade(w, n, y)
            if current <= target:
                needed = count
                break
    return RewritePlan(
        grade=round(grade, 2),
        target=target,
        target_words=tw,
        target_syllables_per_word=round(spw, 3),
        sentences=tuple(ranked),
        needed=needed,
        grade_after=round(current, 2),
        words=W,
        sentence_count=S,
        syllables=Y,
    )


def plan_to_dict(
    plan: RewritePlan | None, user_words: tuple[tuple[str, str], ...] = ()
) -> dict[str, object] | None:
    """The ``rewrite`` object of the JSON contract (README, "JSON output"); ``user_words``
    are the configuration's ``[plain_words]``."""
    from .plain import plain_alternative

    if plan is None:
        return None
    return {
        "grade": plan.grade,
        "target": plan.target,
        "target_words": plan.target_words,
        "target_syllables_per_word": plan.target_syllables_per_word,
        "needed": plan.needed,
        "grade_after": plan.grade_after,
        "method": "greedy by marginal gain",
        "sentences": [
            {
                "rank": rank,
                "text": s.text,
                "start": s.start,
                "end": s.end,
                "words": s.words,
                "syllables": s.syllables,
                "grade_if_rewritten": s.grade_if_rewritten,
                "gain": s.gain,
                "long_words": list(s.long_words),
                "passive": s.passive,
                "unexplained": list(s.unexplained),
                "plain_words": [
                    {"term": term, "alternative": plain[0], "source": plain[1]}
                    for term in s.unexplained
                    for plain in (plain_alternative(term, user_words),)
                    if plain is not None
                ],
                "clauses": s.clauses,
                "reasons": list(s.reasons),
                "in_plan": plan.needed is not None and rank <= plan.needed,
            }
            for rank, s in enumerate(plan.sentences, 1)
        ],
    }
