"""Jargon flags on the shared corpus: how many carry a plainer word, and how precise they are.

    .venv/bin/python bench/jargon_flags.py   # figures against bench/data/jargon_sample.tsv
    .venv/bin/python bench/jargon_flags.py --write  # rewrite the rows, keeping judgements

Every article of ``../shared/corpus/real`` (labels.tsv kind ``article``), the seed page and
the articles of ``../shared/realsites/helms-performance`` (blog, conditions) are audited;
each ``jargon_unexplained`` flag (term, sentence, page) is a row.  ``coverage`` is the share
of flags whose term has a lay alternative (``plain.plain_alternative``); ``precision`` the
share of judged rows marked ``yes`` in the sample, judged by hand: is the term one a patient
may not know, used without an explanation in or right after its sentence?
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from content_audit.audit import audit_page
from content_audit.config import load_config
from content_audit.plain import plain_alternative, unexplained_terms
from content_audit.target import render_markdown

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLE = ROOT / "bench" / "data" / "jargon_sample.tsv"
FIELDS = ("term", "sentence", "page", "correct", "why")


def flags() -> list[tuple[str, str, str]]:
    config = load_config()
    pages: list[tuple[str, str]] = []
    with open(SHARED / "corpus" / "labels.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["kind"] == "article":
                pages.append((row["file"], (SHARED / "corpus" / row["file"]).read_text("utf-8")))
    seed = ROOT / "tests" / "fixtures" / "seed_prolotherapy.html"
    pages.append(("seed_prolotherapy.html", seed.read_text("utf-8")))
    # A site the lexicon was not written on: the blog and condition pages of one real site.
    helms = SHARED / "realsites" / "helms-performance"
    for folder in ("blog", "conditions"):
        for path in sorted((helms / folder).glob("*/index.html")):
            name = str(path.relative_to(SHARED))
            pages.append((name, path.read_text("utf-8", errors="replace")))
    out = []
    for name, text in pages:
        html = render_markdown(text) if name.endswith(".md") else text
        audit = audit_page(html, None, config)
        if name.startswith("realsites/") and audit.kind.value != "article":
            continue
        for term, sentence in unexplained_terms(audit.page):
            out.append((term, " ".join(sentence.split()), name))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the sample rows")
    args = parser.parse_args(argv)
    if not (SHARED / "corpus").is_dir():
        print(f"needs {SHARED / 'corpus'}", file=sys.stderr)
        return 2
    found = flags()
    judged: dict[tuple[str, str], dict[str, str]] = {}
    if SAMPLE.exists():
        with open(SAMPLE, encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                judged[(row["term"], row["page"])] = row
    if args.write:
        with open(SAMPLE, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
            writer.writerow(FIELDS)
            for term, sentence, page in found:
                old = judged.get((term, page), {})
                writer.writerow((term, sentence, page, old.get("correct", ""), old.get("why", "")))
    covered = sum(1 for term, _, _ in found if plain_alternative(term) is not None)
    rows = [judged.get((t, p)) for t, _, p in found]
    marks = [r["correct"] for r in rows if r and r.get("correct") in ("yes", "no")]
    print(f"flags: {len(found)} on {len({p for _, _, p in found})} pages")
    print(f"with a lay alternative: {covered}/{len(found)} = {covered / max(1, len(found)):.1%}")
    if marks:
        yes = marks.count("yes")
        print(f"precision (hand-checked): {yes}/{len(marks)} = {yes / len(marks):.1%}")
    missing = sorted({t for t, _, _ in found if plain_alternative(t) is None})
    if missing:
        print("no alternative:", ", ".join(missing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
