"""Measure teaser detection against the corpus's ``has_teasers`` labels, whole and by site.

    .venv/bin/python bench/eval_teasers.py [--corpus ../shared/corpus] [--show A|B|all]

A page "has teasers" when extraction reports a teaser (any block: related, recent, listing,
promo, excerpt) or a Recent Posts title list: the rubric's two shapes.  Prints page-level
precision and recall on the whole corpus and on a *site split*: the 15 sites sorted by name
and dealt alternately into halves A and B (deterministic, no randomness), so rules tuned on
one half's mistakes are measured on the other's sites.  ``--show`` lists the mistakes of one
half only (tune on those; the other half's figures are the honest ones).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from eval_kind import corpus_url, render_markdown  # noqa: E402

from content_audit.extract import extract_page  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def load(corpus: Path) -> list[dict]:
    """Every labelled page: id, site, html, url, has_teasers."""
    rows = []
    with (corpus / "labels.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            text = (corpus / row["file"]).read_text(encoding="utf-8", errors="replace")
            if row["file"].endswith(".md"):
                text = render_markdown(text)
            rows.append(
                {
                    "id": row["id"],
                    "site": row["site"],
                    "html": text,
                    "url": corpus_url(row["source"]),
                    "truth": int(row["has_teasers"]),
                }
            )
    return rows


def site_halves(rows: list[dict]) -> dict[str, str]:
    """Site name -> "A" or "B": sites sorted by name, dealt alternately."""
    sites = sorted({r["site"] for r in rows})
    return {site: "AB"[i % 2] for i, site in enumerate(sites)}


def predict(row: dict) -> tuple[int, str]:
    page = extract_page(row["html"], row["url"])
    blocks = Counter(getattr(t, "block", "teaser") for t in page.teasers)
    if page.recent_posts:
        blocks["recent-titles"] += len(page.recent_posts)
    summary = ", ".join(f"{b} {n}" for b, n in sorted(blocks.items())) or "none"
    return int(bool(page.teasers or page.recent_posts)), summary


def prf(pairs: list[tuple[int, int]]) -> tuple[float, float, int, int, int]:
    tp = sum(1 for t, g in pairs if t and g)
    pred = sum(g for _, g in pairs)
    true = sum(t for t, _ in pairs)
    return (tp / pred if pred else 1.0), (tp / true if true else 1.0), tp, pred, true


def evaluate(corpus: Path) -> dict[str, tuple[float, float, int, int, int]]:
    """Precision/recall per scope: ``all``, ``A``, ``B``; with the predictions."""
    rows = load(corpus)
    halves = site_halves(rows)
    results: dict[str, list[tuple[int, int]]] = {"all": [], "A": [], "B": []}
    for row in rows:
        got, summary = predict(row)
        row["got"], row["summary"], row["half"] = got, summary, halves[row["site"]]
        results["all"].append((row["truth"], got))
        results[row["half"]].append((row["truth"], got))
    out = {scope: prf(pairs) for scope, pairs in results.items()}
    out["rows"] = rows  # type: ignore[assignment]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show", choices=("A", "B", "all", "none"), default="none")
    args = parser.parse_args(argv)
    if not (args.corpus / "labels.tsv").is_file():
        print(f"corpus not found at {args.corpus}")
        return 1
    res = evaluate(args.corpus)
    rows = res.pop("rows")  # type: ignore[arg-type]
    halves = site_halves(rows)  # type: ignore[arg-type]
    for half in "AB":
        sites = sorted(s for s, h in halves.items() if h == half)
        print(f"half {half}: " + "; ".join(s.split(",")[0] for s in sites))
    print(f"\n{'scope':8s} precision  recall   tp pred truth")
    for scope in ("all", "A", "B"):
        p, r, tp, pred, true = res[scope]
        print(f"{scope:8s} {p:9.3f} {r:7.3f} {tp:4d} {pred:4d} {true:5d}")
    if args.show != "none":
        print()
        for row in rows:  # type: ignore[union-attr]
            if args.show not in ("all", row["half"]):
                continue
            mark = "ok  " if row["got"] == row["truth"] else ("FP  " if row["got"] else "FN  ")
            print(f"{mark}{row['half']} {row['id']:32s} truth {row['truth']} got {row['summary']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
