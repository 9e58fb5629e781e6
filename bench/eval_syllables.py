"""Syllable counts of medical words: textstat's (dictionary, else pyphen) against ours.

Reads the hand-labelled list ``bench/data/medical_syllables.tsv`` and prints the mean
absolute error (MAE) of three counters on the held-out half (words neither the lexicon
nor the affix rules were built from), on the dev half, and on the whole list:

- ``textstat``: our shipped CMU table, else pyphen (what textstat 0.7.8 does);
- ``estimator``: ``estimate_syllables`` alone, for every word;
- ``corrected``: the CMU table, else the medical lexicon, else the estimator (what
  ``measure_readability(..., medical=True)`` uses).

Then the seed article's grade with and without the correction, and, as a check that the
estimator does not hurt ordinary words, its MAE against the CMU dictionary on a fixed
sample of 3,000 dictionary words, next to pyphen's.

Run: ``.venv/bin/python bench/eval_syllables.py``
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from content_audit.readability import (  # noqa: E402
    _get_engine,
    load_syllable_table,
    measure_readability,
)
from content_audit.syllables import estimate_syllables  # noqa: E402
from scripts.build_medical_lexicon import is_held_out, read_labelled  # noqa: E402

SEED = ROOT.parent / "shared" / "seed" / "000_9ad4b3a0b8af1526.txt"


def main() -> None:
    import pyphen

    rows = read_labelled()
    engine = _get_engine()
    table = engine.table
    medical = engine.medical
    hyphenator = pyphen.Pyphen(lang="en_US")

    def textstat_count(word: str) -> int:
        try:
            return len(table[word][0])
        except KeyError:
            return len(hyphenator.positions(word)) + 1

    counters = {
        "textstat": textstat_count,
        "estimator": estimate_syllables,
        "corrected": medical.count,
    }
    parts = {
        "held-out": [(w, n) for w, n in rows if is_held_out(w)],
        "dev": [(w, n) for w, n in rows if not is_held_out(w)],
        "all": rows,
    }
    in_dict = sum(1 for w, _ in rows if _in(table, w))
    print(f"labelled words: {len(rows)} ({in_dict} in the CMU table, {len(rows) - in_dict} not)")
    print(f"{'MAE':<10}" + "".join(f"{name:>12}" for name in counters) + f"{'words':>8}")
    for part, words in parts.items():
        maes = [
            sum(abs(count(w) - n) for w, n in words) / len(words) for count in counters.values()
        ]
        print(f"{part:<10}" + "".join(f"{m:>12.3f}" for m in maes) + f"{len(words):>8}")
    oov = [(w, n) for w, n in parts["held-out"] if not _in(table, w)]
    maes = [sum(abs(count(w) - n) for w, n in oov) / len(oov) for count in counters.values()]
    print(f"{'held-oov':<10}" + "".join(f"{m:>12.3f}" for m in maes) + f"{len(oov):>8}")
    wrong = [(w, n, medical.count(w)) for w, n in parts["held-out"] if medical.count(w) != n]
    print("held-out errors left (word, true, corrected):", wrong)

    if SEED.is_file():
        text = SEED.read_text(encoding="utf-8")
        before = measure_readability(text)
        after = measure_readability(text, medical=True)
        print(
            f"seed article: grade {before.flesch_kincaid_grade} -> {after.flesch_kincaid_grade}, "
            f"syllables {before.syllables} -> {after.syllables}, "
            f"reading ease {before.flesch_reading_ease} -> {after.flesch_reading_ease}"
        )

    full = load_syllable_table().fill()
    words = sorted(w for w in full if w.isalpha() and w.islower() and len(w) > 3)
    sample = random.Random(7).sample(words, 3000)
    pyphen_mae = sum(abs(len(hyphenator.positions(w)) + 1 - len(full[w][0])) for w in sample)
    estimator_mae = sum(abs(estimate_syllables(w) - len(full[w][0])) for w in sample)
    print(
        f"general words (3000 CMU words, truth = CMU): pyphen MAE {pyphen_mae / 3000:.3f}, "
        f"estimator MAE {estimator_mae / 3000:.3f}"
    )


def _in(table, word: str) -> bool:
    try:
        table[word]
    except KeyError:
        return False
    return True


if __name__ == "__main__":
    main()
