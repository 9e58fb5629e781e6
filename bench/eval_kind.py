"""Measure page-kind classification (and teaser detection) against labelled pages.

    .venv/bin/python bench/eval_kind.py [--corpus ../shared/corpus] [--pages 300] [--seed 7]

Prints kind accuracy with a confusion table on the real-page corpus (labels.tsv) and on a
freshly generated sitegen site, has_teasers accuracy on the corpus, and extraction speed.

sitegen truth kinds map to ours: complete/incomplete -> article, listing -> listing,
page/offtopic -> other.  ``thin`` posts (1-3 sentence clinic news: "we are moving to a new
phone system", "welcome Dr. X") teach nothing about a treatment or condition, so by the
rubric ("the main content teaches about a treatment, condition or procedure") they are
``other``.  ``private`` pages are robots-blocked and skipped.

Corpus pages get a URL built from their source path (``repo@commit:blog/x/index.html`` ->
``https://corpus.invalid/blog/x/``), the URL they had on their site, because URL shape is
one of the classifier's signals.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from content_audit.classify import classify_page  # noqa: E402
from content_audit.extract import extract_page  # noqa: E402

KINDS = ("article", "listing", "other")
SITEGEN_KIND = {
    "complete": "article",
    "incomplete": "article",
    "listing": "listing",
    "page": "other",
    "offtopic": "other",
    "thin": "other",
}


def render_markdown(text: str) -> str:
    """The CLI's Markdown path (front matter dropped), else plain CommonMark + tables."""
    try:
        from content_audit.target import render_markdown as render
    except ImportError:  # pragma: no cover - target.py is another module's
        from markdown_it import MarkdownIt

        return MarkdownIt("commonmark").enable("table").render(text)
    return render(text)


def corpus_url(source: str) -> str:
    path = source.split(":", 1)[1] if ":" in source else source
    for suffix in ("index.html", "index.md"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    if path.endswith(".md"):
        path = path[:-3] + "/"
    return "https://corpus.invalid/" + path.lstrip("/")


def load_corpus(corpus: Path) -> list[tuple[str, str, str, int, str]]:
    """(id, html, url, has_teasers, kind) for every labelled page."""
    rows = []
    with (corpus / "labels.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            text = (corpus / row["file"]).read_text(encoding="utf-8", errors="replace")
            if row["file"].endswith(".md"):
                text = render_markdown(text)
            rows.append(
                (row["id"], text, corpus_url(row["source"]), int(row["has_teasers"]), row["kind"])
            )
    return rows


def confusion(pairs: list[tuple[str, str]]) -> str:
    counts = Counter(pairs)
    lines = ["truth \\ got  " + "".join(f"{k:>9}" for k in KINDS)]
    for truth in KINDS:
        lines.append(f"{truth:<13}" + "".join(f"{counts[(truth, got)]:>9}" for got in KINDS))
    return "\n".join(lines)


def eval_corpus(corpus: Path) -> tuple[float, float]:
    rows = load_corpus(corpus)
    pairs, teaser_ok, misses = [], 0, []
    for ident, html, url, has_teasers, kind in rows:
        page = extract_page(html, url)
        got = classify_page(page).value
        pairs.append((kind, got))
        found = int(bool(page.teasers or page.recent_posts))
        teaser_ok += found == has_teasers
        if got != kind:
            misses.append(f"  kind  {ident}: truth {kind}, got {got}")
        if found != has_teasers:
            misses.append(f"  tease {ident}: truth {has_teasers}, got {found}")
    acc = sum(t == g for t, g in pairs) / len(pairs)
    tacc = teaser_ok / len(rows)
    print(f"corpus: {len(rows)} pages  kind accuracy {acc:.3f}  has_teasers accuracy {tacc:.3f}")
    print(confusion(pairs))
    print("\n".join(misses) if misses else "  (no misses)")
    return acc, tacc


def eval_sitegen(pages: int, seed: int) -> float:
    sitegen = ROOT.parent / "shared" / "sitegen" / "sitegen.py"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        subprocess.run(
            [sys.executable, str(sitegen), "-n", str(pages), "-s", str(seed), "-o", str(out), "-q"],
            check=True,
        )
        with (out / "truth.csv").open(encoding="utf-8") as fh:
            truth = list(csv.DictReader(fh))
        pairs, misses, elapsed = [], Counter(), 0.0
        for row in truth:
            if row["kind"] not in SITEGEN_KIND:
                continue  # private: robots-blocked
            html = (out / "www" / row["path"].lstrip("/") / "index.html").read_text("utf-8")
            start = time.perf_counter()
            page = extract_page(html, row["url"])
            elapsed += time.perf_counter() - start
            got = classify_page(page).value
            want = SITEGEN_KIND[row["kind"]]
            pairs.append((want, got))
            if got != want:
                misses[(row["kind"], got)] += 1
    acc = sum(t == g for t, g in pairs) / len(pairs)
    print(
        f"\nsitegen: {len(pairs)} pages (-n {pages} -s {seed})  kind accuracy {acc:.3f}  "
        f"extract {elapsed * 1000 / len(pairs):.2f} ms/page"
    )
    print(confusion(pairs))
    for (kind, got), n in sorted(misses.items()):
        print(f"  {n} x sitegen {kind} -> {got}")
    return acc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if (args.corpus / "labels.tsv").is_file():
        eval_corpus(args.corpus)
    else:
        print(f"corpus not found at {args.corpus}")
    eval_sitegen(args.pages, args.seed)


if __name__ == "__main__":
    main()
