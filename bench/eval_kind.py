"""Measure page-kind classification (and teaser detection) against labelled pages.

    .venv/bin/python bench/eval_kind.py [--corpus ../shared/corpus] [--pages 300] [--seed 7]
                                        [--explain]

Prints kind accuracy with a confusion table on the real-page corpus (labels.tsv), per site
and on two site-split halves, and on a freshly generated sitegen site; has_teasers accuracy on
the corpus, and extraction speed.

Site split: the corpus's 15 sites sorted by name and dealt alternately into half 1 and half 2
(``site_halves``), so no site has pages on both sides.  Each half's accuracy is what the
classifier scores on sites it was not tuned on *if* its rules were tuned looking only at the
other half's mistakes; the classifier module's docstring records the figures measured that
way, both directions.  ``tests/test_eval_kind.py`` pins the floors.  ``--explain`` prints
the signals and evidence points behind each corpus miss.

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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from content_audit.classify import classify_page  # noqa: E402
from content_audit.extract import extract_page  # noqa: E402
from content_audit.target import published_address  # noqa: E402

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


@dataclass(frozen=True, slots=True)
class CorpusPage:
    """One labelled page: its HTML (Markdown rendered), rebuilt URL, site and truth."""

    ident: str
    html: str
    url: str
    site: str
    has_teasers: int
    kind: str


def load_corpus_pages(corpus: Path) -> list[CorpusPage]:
    """Every labelled page of ``corpus/labels.tsv``, in file order."""
    pages = []
    with (corpus / "labels.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            text = (corpus / row["file"]).read_text(encoding="utf-8", errors="replace")
            if row["file"].endswith(".md"):
                text = render_markdown(text)
            pages.append(
                CorpusPage(
                    ident=row["id"],
                    html=text,
                    url=corpus_url(row["source"]),
                    site=row["site"],
                    has_teasers=int(row["has_teasers"]),
                    kind=row["kind"],
                )
            )
    return pages


def load_corpus(corpus: Path) -> list[tuple[str, str, str, int, str]]:
    """(id, html, url, has_teasers, kind) for every labelled page."""
    return [(p.ident, p.html, p.url, p.has_teasers, p.kind) for p in load_corpus_pages(corpus)]


def site_halves(sites: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The sites sorted by name and dealt alternately: (half 1, half 2), deterministic."""
    ordered = sorted(set(sites))
    return tuple(ordered[0::2]), tuple(ordered[1::2])


@dataclass(frozen=True, slots=True)
class KindScores:
    """Kind accuracy of the corpus: overall, per site, per site-split half."""

    accuracy: float
    per_site: dict[str, tuple[int, int]]
    halves: tuple[float, float]
    misses: tuple[str, ...]


def score_kinds(pages: list[CorpusPage], kinds: list[str]) -> KindScores:
    """Score ``kinds`` (the classifier's answer for each page of ``pages``, in order)."""
    per_site: dict[str, list[int]] = {}
    misses = []
    for page, got in zip(pages, kinds, strict=True):
        tally = per_site.setdefault(page.site, [0, 0])
        tally[0] += got == page.kind
        tally[1] += 1
        if got != page.kind:
            misses.append(f"{page.ident}: truth {page.kind}, got {got}")
    halves = []
    for half in site_halves([p.site for p in pages]):
        right = sum(per_site[s][0] for s in half)
        total = sum(per_site[s][1] for s in half)
        halves.append(right / total if total else 1.0)
    right = sum(t[0] for t in per_site.values())
    return KindScores(
        accuracy=right / len(pages) if pages else 1.0,
        per_site={s: (t[0], t[1]) for s, t in per_site.items()},
        halves=(halves[0], halves[1]),
        misses=tuple(misses),
    )


def confusion(pairs: list[tuple[str, str]]) -> str:
    counts = Counter(pairs)
    lines = ["truth \\ got  " + "".join(f"{k:>9}" for k in KINDS)]
    for truth in KINDS:
        lines.append(f"{truth:<13}" + "".join(f"{counts[(truth, got)]:>9}" for got in KINDS))
    return "\n".join(lines)


def eval_corpus(corpus: Path, explain: bool = False) -> tuple[float, float]:
    rows = load_corpus_pages(corpus)
    pairs, kinds, teaser_ok, misses = [], [], 0, []
    for row in rows:
        page = extract_page(row.html, row.url)
        got = classify_page(page).value
        kinds.append(got)
        pairs.append((row.kind, got))
        found = int(bool(page.teasers or page.recent_posts))
        teaser_ok += found == row.has_teasers
        if got != row.kind:
            misses.append(f"  kind  {row.ident}: truth {row.kind}, got {got}")
            if explain:
                from content_audit.classify import _explain, _signals

                points = _explain(_signals(page), page)
                misses.append("        " + ", ".join(f"{k}={v:.3g}" for k, v in points.items()))
        if found != row.has_teasers:
            misses.append(f"  tease {row.ident}: truth {row.has_teasers}, got {found}")
    scores = score_kinds(rows, kinds)
    # The same pages with no address at all: a file checked without --url or a canonical;
    # and with the address ``check FILE`` gives them by default (canonical, og:url).
    bare = [classify_page(extract_page(row.html, None)).value for row in rows]
    bare_scores = score_kinds(rows, bare)
    own = [classify_page(extract_page(row.html, published_address(row.html))).value for row in rows]
    own_scores = score_kinds(rows, own)
    tacc = teaser_ok / len(rows)
    print(
        f"corpus: {len(rows)} pages  kind accuracy {scores.accuracy:.3f}  "
        f"has_teasers accuracy {tacc:.3f}"
    )
    print(confusion(pairs))
    print("\n".join(misses) if misses else "  (no misses)")
    print("\nper site (kind right / pages):")
    halves = site_halves([r.site for r in rows])
    for number, half in enumerate(halves, start=1):
        for site in half:
            right, total = scores.per_site[site]
            print(f"  half {number}  {right:>2}/{total:<2}  {site}")
    for number, (half, acc) in enumerate(zip(halves, scores.halves, strict=True), start=1):
        pages = sum(scores.per_site[s][1] for s in half)
        print(
            f"site-split half {number}: {len(half)} sites, {pages} pages, kind accuracy {acc:.3f}"
        )
    for label, other in (
        ("without URLs (a file checked with no address)", bare_scores),
        ("with its own canonical/og:url (check FILE's default)", own_scores),
    ):
        missed = ", ".join(m.split(":")[0] for m in other.misses)
        print(f"{label}: kind accuracy {other.accuracy:.3f}  misses: {missed or '-'}")
    return scores.accuracy, tacc


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
    parser.add_argument("--explain", action="store_true", help="signals behind each miss")
    args = parser.parse_args()
    if (args.corpus / "labels.tsv").is_file():
        eval_corpus(args.corpus, args.explain)
    else:
        print(f"corpus not found at {args.corpus}")
    eval_sitegen(args.pages, args.seed)


if __name__ == "__main__":
    main()
