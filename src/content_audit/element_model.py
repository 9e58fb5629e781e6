"""A learned score of how plainly a sentence states each required element.

Why: the element patterns (``elements.py``, ``data/default.toml``) are exact about the
forms they know and silent about the rest. Measured on passages from clinic sites no rule
was written for, a third of their verdicts were ``unclear`` (a candidate, not conclusive)
and half of those were in fact the element stated in words no pattern knew. Patterns
written for one set of sites gained the next set of sites a point or two of F1.

This module adds what patterns cannot: a logistic score over a sentence's words and word
pairs (the page's subject read as one token, ``subjx``), learned from passages of many
clinic sites labelled by ``../shared/corpus/RUBRIC.md`` (``bench/train_element_model.py``;
a word counts only if it occurs on at least ten sites, so no site's own wording is
learned). The patterns still decide first; the score only settles what they left open:

- an ``unclear`` element whose best-scoring sentence reaches the element's ``found_at``
  is ``found``, that sentence quoted;
- an ``unclear`` element none of whose sentences reaches ``missing_below`` is ``missing``:
  the patterns' weak forms ("because", "by ...ing", "during the visit") touch most pages,
  and where no sentence reads like the element at all the warning only hides the pages
  that lack it;
- a ``missing`` element whose best-scoring sentence reaches ``unclear_at`` is ``unclear``,
  that sentence quoted as the candidate an editor checks.

A ``found`` verdict is never taken back. Thresholds are per element and chosen by
cross-validation across the training sets (a set left out is a set of unseen sites): an
element where promoting did not help unseen sites has no ``found_at``.

Pure data and arithmetic: no I/O beyond reading the packaged weights once.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise

MODEL_RESOURCE = "element_model.json"
SUBJECT_TOKEN = "subjx"
"""What the page's subject becomes among a sentence's words."""

NEEDS_SUBJECT = frozenset({"definition"})
"""Elements only a sentence that opens on the page's subject can state: a definition names
what it defines, as its grammatical subject ("Family and friends can be a big help along
the way, and questions are normal" defines neither family nor questions)."""
SUBJECT_EARLY = "@subject_early"
"""The feature of a sentence that names the subject within its first ``EARLY_WORDS`` words."""
EARLY_WORDS = 5

_WORD = re.compile(r"[a-z][a-z’'-]*|\d+")


MIN_WORDS = 6
"""A shorter line ("Socket preservation:", a site name, a list item) states nothing: it is
never scored.  Not its position on the page either: passages begin where an article
does, pages with a banner and a menu, so position would teach the wrong thing."""


def sentence_features(marked: str, subject_mark: str, *, lead: bool) -> frozenset[str] | None:
    """The words and adjacent word pairs of a subject-marked sentence, lower-cased, with the
    subject as one token, ``@lead`` for a sentence that opens an entry (``elements._leads``)
    and ``SUBJECT_EARLY`` for one that names the subject at its start; None for a line under
    ``MIN_WORDS`` words."""
    words = _WORD.findall(marked.lower().replace(subject_mark, f" {SUBJECT_TOKEN} "))
    if len(words) < MIN_WORDS:
        return None
    out = set(words)
    out.update(f"{a}_{b}" for a, b in pairwise(words))
    if lead:
        out.add("@lead")
    if SUBJECT_TOKEN in words[:EARLY_WORDS]:
        out.add(SUBJECT_EARLY)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class ElementWeights:
    """One element's learned weights and the scores at which its verdict changes."""

    bias: float
    weights: dict[str, float]
    found_at: float | None
    """An ``unclear`` verdict becomes ``found`` at this score (None: never)."""
    unclear_at: float | None
    """A ``missing`` verdict becomes ``unclear`` at this score (None: never)."""
    missing_below: float | None = None
    """An ``unclear`` verdict becomes ``missing`` when no sentence scores this much (None:
    never)."""

    def promoted_at(self, status: str) -> float | None:
        """The score at which a verdict of ``status`` moves up a step (None: never):
        ``unclear`` to ``found``, ``missing`` to ``unclear``."""
        return {"unclear": self.found_at, "missing": self.unclear_at}.get(status)

    def threshold(self, status: str) -> float | None:
        """The lowest score that may change a verdict of ``status`` (None: none can): the
        best sentence is looked for down to it."""
        below = self.missing_below if status == "unclear" else None
        return min((t for t in (self.promoted_at(status), below) if t is not None), default=None)

    def score(self, features: frozenset[str]) -> float:
        """The probability-like score (0-1) that the sentence states the element."""
        weights = self.weights
        z = self.bias + sum(weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True, slots=True)
class ElementModel:
    elements: dict[str, ElementWeights]
    trained: dict[str, object]
    """What it was trained on, and when (for the README and ``--version`` curiosity)."""


def model_from_dict(data: dict[str, object]) -> ElementModel:
    """The model in the JSON layout ``bench/train_element_model.py`` writes."""
    elements = {}
    for name, entry in dict(data["elements"]).items():  # type: ignore[call-overload]
        elements[name] = ElementWeights(
            bias=float(entry["bias"]),
            weights={k: float(v) for k, v in entry["weights"].items()},
            found_at=None if entry.get("found_at") is None else float(entry["found_at"]),
            unclear_at=None if entry.get("unclear_at") is None else float(entry["unclear_at"]),
            missing_below=(
                None if entry.get("missing_below") is None else float(entry["missing_below"])
            ),
        )
    return ElementModel(elements=elements, trained=dict(data.get("trained", {})))  # type: ignore[call-overload]


@lru_cache(maxsize=1)
def load_model() -> ElementModel:
    """The packaged model, read once per process."""
    text = resources.files("content_audit.data").joinpath(MODEL_RESOURCE).read_text("utf-8")
    return model_from_dict(json.loads(text))
