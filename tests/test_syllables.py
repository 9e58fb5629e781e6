"""syllables.py and the medical mode of readability.py, against the hand-labelled list."""

from __future__ import annotations

from content_audit.readability import count_syllables, measure_readability
from content_audit.syllables import estimate_syllables, load_medical_lexicon
from scripts.build_medical_lexicon import LEXICON, is_held_out, read_labelled

JARGON = (
    "Tendinopathy and tenosynovitis respond to prolotherapy.\n"
    "Musculoskeletal radiculopathy needs electroacupuncture."
)


def test_labelled_list_is_large_and_consistent() -> None:
    rows = read_labelled()  # raises when a syllabification disagrees with its count
    assert len(rows) >= 200
    held = [w for w, _ in rows if is_held_out(w)]
    assert 0.35 < len(held) / len(rows) < 0.65


def test_lexicon_is_the_dev_half_only() -> None:
    lexicon = load_medical_lexicon()
    rows = dict(read_labelled())
    assert lexicon and all(not is_held_out(w) and rows[w] == n for w, n in lexicon.items())
    assert not any(is_held_out(w) for w in lexicon)
    text = LEXICON.read_text(encoding="utf-8")
    assert len([line for line in text.splitlines() if not line.startswith("#")]) == len(lexicon)


def test_estimator_beats_pyphen_on_held_out_words() -> None:
    held = [(w, n) for w, n in read_labelled() if is_held_out(w)]
    mae = sum(abs(estimate_syllables(w) - n) for w, n in held) / len(held)
    measure_readability("Warm up.")
    textstat_mae = sum(abs(count_syllables(w) - n) for w, n in held) / len(held)
    assert mae < 0.15 and mae < textstat_mae / 4


def test_estimator_on_words_textstat_misses() -> None:
    assert estimate_syllables("tendinopathy") == 5
    assert estimate_syllables("musculoskeletal") == 6
    assert estimate_syllables("arthroscopy") == 4
    assert estimate_syllables("2024") == 1
    assert estimate_syllables("") == 1
    assert estimate_syllables("fasciitis") == 4


def test_medical_mode_counts_more_syllables_and_default_stays_textstat() -> None:
    import textstat

    assert count_syllables("tendinopathy") == 2  # pyphen's count, textstat's default
    assert count_syllables("tendinopathy", medical=True) == 5
    assert count_syllables("injection", medical=True) == count_syllables("injection") == 3
    plain = measure_readability(JARGON)
    medical = measure_readability(JARGON, medical=True)
    assert medical.syllables > plain.syllables
    assert medical.flesch_kincaid_grade > plain.flesch_kincaid_grade
    # The modes keep separate caches: the default numbers after a medical run are textstat's.
    from content_audit.readability import punctuate_lines

    again = measure_readability(JARGON)
    assert again == plain
    assert again.syllables == textstat.syllable_count(punctuate_lines(JARGON))
