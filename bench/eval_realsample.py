#!/usr/bin/env python3
"""The detector and the kind classifier on 40 real-site pages nobody tuned on.

``bench/data/realsample`` holds 40 pages of ``../shared/realsites`` (20 of helms-performance,
20 of bratton-pt/desktop, drawn with seed 2026, none in the corpus) labelled by the corpus
rubric before the detector was run on them; ``bench/data/realsample2`` holds 40 more (15 and
25, seed 4242, none in the corpus or sample 1), drawn after the detector was tuned on sample 1.
``--data DIR`` picks the sample (default ``bench/data/realsample``): its ``labels.tsv`` and
``evidence.tsv``.  Pages are split by site on their id prefix (``rs-hp-``, ``rs-bp-``); an id
with neither is an error, not a silently dropped page.  Each site folder is served on 127.0.0.1
(``SiteServer``) and each sampled page is audited at its own URL the way
``content-audit check URL`` does it (``load_target`` fetches it, ``audit_page`` audits it
alone: no site template).  Printed:

- kind: accuracy and the confusion (label -> classifier);
- per element, on the pages labelled ``article``: P, R, F1 of ``found`` (``unclear`` counts
  as not found), F1 when ``unclear`` counts as found, the share of ``unclear`` verdicts, the
  precision of ``missing`` (of the verdicts ``missing``, how many are labelled absent), and
  ``evidence``: of the found verdicts on labelled-present elements, how many quote a sentence
  (or heading) of ``evidence.tsv`` -- right for the right reason;
- has_teasers (all 40 pages): precision and recall of "extraction reports a teaser or a
  recent-post list";
- ``--verbose``: every disagreement, with the evidence the detector quoted (and, for a missed
  element, the labelled rank-1 evidence).

``--crawl`` measures the site audit instead: each site crawled whole with ``audit_site`` (two
workers; the site template drops lines repeated across pages) and the sampled pages picked
from its ``pages.jsonl``.

Without ``../shared`` (a clone without the shared folder) it prints one line and exits 0.

    .venv/bin/python bench/eval_realsample.py [--data DIR] [--verbose] [--crawl]
        [--sites helms bratton]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = ROOT / "bench" / "data" / "realsample"
SITES = {
    "helms": (SHARED / "realsites" / "helms-performance", "rs-hp-", "/"),
    "bratton": (SHARED / "realsites" / "bratton-pt", "rs-bp-", "/desktop/"),
}
KINDS = ("article", "listing", "other")


@dataclass(frozen=True)
class Result:
    """One labelled page and what the single-page audit said of it."""

    label: dict[str, str]
    url: str
    kind: str
    elements: dict[str, object]  # name -> ElementResult
    teasers: str  # "" when none, else a summary of the blocks found


def norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def labelled_evidence(data: Path = DATA) -> dict[tuple[str, str], list[dict[str, str]]]:
    out: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in read_tsv(data / "evidence.tsv"):
        out[(row["id"], row["element"])].append(row)
    return out


def quotes_evidence(result: object, rows: list[dict[str, str]]) -> bool:
    """The corpus bench's rule (eval_elements): the quoted sentence or heading contains, or
    is contained in, a labelled evidence sentence or heading."""
    labelled = [norm(t) for r in rows for t in (r["evidence"], r["heading"]) if t.strip()]
    said = [norm(t) for t in (result.evidence, result.heading) if t]  # type: ignore[attr-defined]
    return any(s and (s in e or e in s) for s in said for e in labelled)


def audit_site_pages(name: str, labels: list[dict[str, str]]) -> list[Result]:
    """Serve the site folder and check each labelled page at its own URL, as ``check``."""
    from content_audit.audit import audit_page
    from content_audit.budget import time_budget
    from content_audit.config import load_config
    from content_audit.demo.server import SiteServer
    from content_audit.target import load_target

    root = SITES[name][0]
    config = load_config()
    out = []
    with SiteServer(root) as server:
        for label in labels:
            url = server.base_url + label["url_path"]
            document = load_target(url, config.crawl)
            with time_budget(config.crawl.audit_budget_s):
                audit = audit_page(document.html, document.url, config, today=date.today())
            blocks = Counter(getattr(t, "block", "teaser") for t in audit.page.teasers)
            if audit.page.recent_posts:
                blocks["recent-titles"] += len(audit.page.recent_posts)
            teasers = ", ".join(f"{b} {n}" for b, n in sorted(blocks.items()))
            elements = {e.name: e for e in audit.elements}
            out.append(Result(label, url, audit.kind.value, elements, teasers))
    return out


def crawl_site_pages(name: str, labels: list[dict[str, str]], work: Path) -> list[Result]:
    """Serve the site folder, crawl and audit it whole (``audit_site``: the site template
    drops lines repeated across pages), and pick the labelled pages from ``pages.jsonl``."""
    from content_audit.config import load_config
    from content_audit.demo.server import SiteServer
    from content_audit.pipeline import audit_site

    root, _, start = SITES[name]
    out = work / name
    with SiteServer(root) as server:
        audit_site(server.base_url + start, load_config(), out, workers=2)
        base = server.base_url
    docs = {}
    with open(out / "pages.jsonl", encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            docs[doc["url"]] = doc
    results = []
    for label in labels:
        url = base + label["url_path"]
        doc = docs.get(url) or docs.get(url + "/")
        if doc is None:
            print(f"  {label['id']}: not audited by the crawl ({url})")
            continue
        blocks = Counter(t["block"] for t in doc["teasers"])
        if doc["recent_posts"]:
            blocks["recent-titles"] += len(doc["recent_posts"])
        teasers = ", ".join(f"{b} {n}" for b, n in sorted(blocks.items()))
        elements = {n: SimpleNamespace(**e) for n, e in doc["elements"].items()}
        results.append(Result(label, url, doc["kind"], elements, teasers))
    return results


def ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def fmt(value: float) -> str:
    return "-" if value != value else f"{value:.3f}"


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r and p == p and r == r else 0.0


def report_kind(results: list[Result]) -> None:
    confusion = Counter((r.label["kind"], r.kind) for r in results)
    right = sum(n for (want, got), n in confusion.items() if want == got)
    print(f"kind: accuracy {right}/{len(results)} = {ratio(right, len(results)):.3f}")
    print("  label \\ got " + "".join(f"{k:>9}" for k in KINDS))
    for want in KINDS:
        print(f"  {want:12}" + "".join(f"{confusion[(want, got)]:>9}" for got in KINDS))


def element_rows(results: list[Result], names: tuple[str, ...], data: Path = DATA) -> None:
    evidence = labelled_evidence(data)
    articles = [r for r in results if r.label["kind"] == "article"]
    print(
        f"elements on the {len(articles)} pages labelled article "
        "(found: unclear = not found; lenient: unclear = found):"
    )
    print(
        f"  {'element':10} {'n+':>3} {'found':>5} {'P':>6} {'R':>6} {'F1':>6} "
        f"{'F1 lenient':>10} {'unclear':>8} {'P(missing)':>11} {'evidence':>9}"
    )
    for name in names:
        truth = [r.label[name] == "1" for r in articles]
        status = [r.elements[name].status for r in articles]  # type: ignore[attr-defined]
        tp = sum(t and s == "found" for t, s in zip(truth, status, strict=True))
        found = sum(s == "found" for s in status)
        p, rec = ratio(tp, found), ratio(tp, sum(truth))
        ltp = sum(t and s != "missing" for t, s in zip(truth, status, strict=True))
        lp, lr = ratio(ltp, sum(s != "missing" for s in status)), ratio(ltp, sum(truth))
        unclear = sum(s == "unclear" for s in status)
        missing = [t for t, s in zip(truth, status, strict=True) if s == "missing"]
        good = [
            quotes_evidence(r.elements[name], evidence[(r.label["id"], name)])
            for r, t, s in zip(articles, truth, status, strict=True)
            if t and s == "found"
        ]
        print(
            f"  {name:10} {sum(truth):>3} {found:>5} {fmt(p):>6} {fmt(rec):>6} {f1(p, rec):>6.3f} "
            f"{f1(lp, lr):>10.3f} {fmt(ratio(unclear, len(articles))):>8} "
            f"{fmt(ratio(sum(not t for t in missing), len(missing))):>6} ({len(missing):>2}) "
            f"{sum(good):>4}/{len(good)}"
        )


def figures(results: list[Result], names: tuple[str, ...]) -> dict[str, float]:
    """The headline figures as numbers (what tests/test_eval_realsample.py pins): kind
    accuracy, F1 of found and precision of missing per element on articles, has_teasers
    precision and recall."""
    out = {"kind": ratio(sum(r.kind == r.label["kind"] for r in results), len(results))}
    articles = [r for r in results if r.label["kind"] == "article"]
    for name in names:
        truth = [r.label[name] == "1" for r in articles]
        status = [r.elements[name].status for r in articles]  # type: ignore[attr-defined]
        tp = sum(t and s == "found" for t, s in zip(truth, status, strict=True))
        p = ratio(tp, sum(s == "found" for s in status))
        out[f"{name}_f1"] = f1(p, ratio(tp, sum(truth)))
        missing = [t for t, s in zip(truth, status, strict=True) if s == "missing"]
        out[f"{name}_missing_precision"] = ratio(sum(not t for t in missing), len(missing))
    pairs = [(r.label["has_teasers"] == "1", bool(r.teasers)) for r in results]
    tp = sum(t and g for t, g in pairs)
    out["teasers_precision"] = ratio(tp, sum(g for _, g in pairs))
    out["teasers_recall"] = ratio(tp, sum(t for t, _ in pairs))
    return out


def report_teasers(results: list[Result]) -> None:
    pairs = [(r.label["has_teasers"] == "1", bool(r.teasers)) for r in results]
    tp = sum(t and g for t, g in pairs)
    got, true = sum(g for _, g in pairs), sum(t for t, _ in pairs)
    print(
        f"has_teasers ({len(pairs)} pages): precision {tp}/{got} = {ratio(tp, got):.3f}, "
        f"recall {tp}/{true} = {ratio(tp, true):.3f}"
    )


def report_disagreements(results: list[Result], names: tuple[str, ...], data: Path = DATA) -> None:
    evidence = labelled_evidence(data)
    print("disagreements:")
    for r in results:
        page = r.label["id"]
        if r.kind != r.label["kind"]:
            print(f"  {page:38} kind       label={r.label['kind']} got={r.kind}")
        want_t, got_t = r.label["has_teasers"] == "1", bool(r.teasers)
        if want_t != got_t:
            print(
                f"  {page:38} teasers    label={int(want_t)} got={int(got_t)} "
                f"[{r.teasers or 'none'}]"
            )
        if r.label["kind"] != "article":
            continue
        for name in names:
            e = r.elements[name]
            truth = r.label[name] == "1"
            status = e.status  # type: ignore[attr-defined]
            lucky = truth and status == "found" and not quotes_evidence(e, evidence[(page, name)])
            if (status == "found") == truth and status != "unclear" and not lucky:
                continue
            said = f"via={e.via} [{(e.heading or '')[:40]}] {(e.evidence or '')[:140]!r}"  # type: ignore[attr-defined]
            print(f"  {page:38} {name:10} label={int(truth)} {status:8} {said}")
            if lucky:
                print(f"  {'':38} {'':10} (not the labelled evidence)")
            if truth and status != "found":
                best = evidence[(page, name)][0]
                where = f"[{best['heading'][:40]}] {best['evidence'][:140]!r}"
                print(f"  {'':38} {'':10} labelled: {where}")


def sample_dir(path: Path) -> Path | None:
    """``--data``: as given (absolute, or from the working directory), else from the
    repository root; None when neither holds ``labels.tsv`` and ``evidence.tsv``."""
    for cand in (path, ROOT / path):
        if (cand / "labels.tsv").is_file() and (cand / "evidence.tsv").is_file():
            return cand.resolve()
    return None


def display(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", nargs="+", choices=sorted(SITES), default=["helms", "bratton"])
    parser.add_argument(
        "--crawl",
        action="store_true",
        help="crawl each site whole (audit_site, site template on) instead of checking each "
        "page alone",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DATA,
        help="sample folder with labels.tsv and evidence.tsv (default bench/data/realsample; "
        "a relative path is taken from the working directory, else from the repository root)",
    )
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    data = sample_dir(args.data)
    if data is None:
        parser.error(f"--data {args.data}: no labels.tsv and evidence.tsv there")
    missing = [str(site[0]) for site in SITES.values() if not site[0].is_dir()]
    if missing:
        print(f"skip: {', '.join(missing)} not found (the realsites of ../shared are needed)")
        return 0
    from content_audit.model import ELEMENT_NAMES

    labels = read_tsv(data / "labels.tsv")
    unsplit = [r["id"] for r in labels if not any(r["id"].startswith(s[1]) for s in SITES.values())]
    if unsplit:
        prefixes = ", ".join(s[1] for s in SITES.values())
        print(f"error: ids with no site prefix ({prefixes}): {', '.join(unsplit)}")
        return 2
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="eval-realsample-") as tmp:
        for name in args.sites:
            mine = [r for r in labels if r["id"].startswith(SITES[name][1])]
            if args.crawl:
                results += crawl_site_pages(name, mine, Path(tmp))
            else:
                results += audit_site_pages(name, mine)
    how = "crawled whole (site template on)" if args.crawl else "single-page audit at each URL"
    print(f"{len(results)} pages ({', '.join(args.sites)}) of {display(data)}, {how}")
    report_kind(results)
    element_rows(results, ELEMENT_NAMES, data)
    report_teasers(results)
    if len(args.sites) > 1:
        for name in args.sites:
            part = [r for r in results if r.label["id"].startswith(SITES[name][1])]
            print(f"-- {name} ({len(part)} pages)")
            if not part:
                continue
            report_kind(part)
            element_rows(part, ELEMENT_NAMES, data)
            report_teasers(part)
    if args.verbose:
        report_disagreements(results, ELEMENT_NAMES, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
