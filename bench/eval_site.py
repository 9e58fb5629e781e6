#!/usr/bin/env python3
"""Precision and recall of the cross-page checks on sitegen sites, and what they cost.

For each seed: generates a sitegen site for a free loopback port, serves it with sitegen's own
stdlib server (it answers the redirect chains and 404s), crawls it with the real crawler,
audits every page in two worker processes (``audit_page`` + ``digest_page``, as the pipeline
does), runs ``check_site`` on the digests and the crawl inventory, and scores the findings
against sitegen's ground truth:

- per teaser, joined on (source_path, href) with ``truth_links.csv``: flags ``404`` ->
  ``teaser_dead``, ``redirect`` -> ``teaser_redirect``, ``stale`` -> ``teaser_stale``,
  ``self`` -> ``teaser_self``, ``offtopic`` -> ``teaser_offtopic``;
- per page with ``truth.csv``: ``duplicate_title_group`` -> ``title_duplicate``,
  ``has_meta_description=0`` -> ``meta_description_missing`` (page check),
  ``img_missing_alt>0`` -> ``image_alt_missing`` (page check), ``kind=offtopic`` ->
  ``article_offtopic``.
``meta_description_duplicate`` is scored against the generated files themselves (sitegen
does not plant it, but reuses an article's intro as its meta description, so same-topic
articles share one).  Codes with no planted defect (orphans, recent posts, near-duplicates...)
are counted: on sitegen every one of them is a false positive.

``--timing-pages N`` also audits one N-page site and prints the time ``check_site`` takes as
a share of the whole run (crawl + audit + digests + checks).

    .venv/bin/python bench/eval_site.py                          # 1k pages, seeds 7 11 23
    .venv/bin/python bench/eval_site.py --seeds 5 --timing-pages 10000
"""

from __future__ import annotations

import argparse
import csv
import html
import os
import pickle
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from content_audit.audit import audit_page  # noqa: E402
from content_audit.config import AuditConfig, load_config  # noqa: E402
from content_audit.crawl import Crawler  # noqa: E402
from content_audit.model import Finding, PageDigest, UrlState  # noqa: E402
from content_audit.site import (  # noqa: E402
    SiteIndex,
    crawl_was_complete,
    digest_page,
    topic_scores,
    url_state,
)

SITEGEN = ROOT.parent / "shared" / "sitegen" / "sitegen.py"
TEASER_FLAGS = {
    "404": "teaser_dead",
    "redirect": "teaser_redirect",
    "stale": "teaser_stale",
    "self": "teaser_self",
    "offtopic": "teaser_offtopic",
}
PAGE_CODES = ("meta_description_missing", "image_alt_missing")
UNPLANTED = (
    "teaser_robots",
    "teaser_duplicate",
    "recent_post_title_mismatch",
    "article_orphan",
    "orphans_not_checked",
    "near_duplicate",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


# ------------------------------------------------------------------ worker (one per core)

_CONFIG: AuditConfig | None = None


def _init(config: AuditConfig) -> None:
    global _CONFIG
    _CONFIG = config


def audit_chunk(pages: list[tuple[str, str]]) -> list[tuple[PageDigest, tuple[str, ...], tuple]]:
    """audit_page + digest_page in the worker; only the digest and a few codes come back."""
    out = []
    for url, text in pages:
        audit = audit_page(text, url, _CONFIG)
        digest = digest_page(audit, _CONFIG)
        codes = tuple(sorted({f.code for f in audit.findings if f.code in PAGE_CODES}))
        hrefs = tuple(dict.fromkeys(link.href for link in audit.page.links if link.internal))
        out.append((digest, codes, hrefs))
    return out


# ------------------------------------------------------------------ one run


def run_site(
    base_url: str, config: AuditConfig, pool: ProcessPoolExecutor, dump: Path | None = None
) -> dict:
    """Crawl + audit + digest + check_site; returns findings, page codes and timings."""
    started = time.perf_counter()
    index = SiteIndex()
    inventory: dict[str, UrlState] = {}
    page_codes: dict[str, tuple[str, ...]] = {}
    digest_bytes = 0
    with Crawler(base_url + "/", config.crawl) as crawler:
        for row in crawler.discover():
            inventory[row.url] = url_state(row)
        while batch := crawler.next_batch():
            results = crawler.fetch_batch(batch)
            pages = [(r.final_url, r.html) for r in results if r.html is not None]
            chunks = [pages[i::4] for i in range(4) if pages[i::4]]
            outcomes = {}
            for part in pool.map(audit_chunk, chunks):
                for digest, codes, hrefs in part:
                    outcomes[digest.url] = (digest, codes, hrefs)
            for result in results:
                inventory[result.url] = url_state(result)
                if result.html is None:
                    continue
                digest, codes, hrefs = outcomes[result.final_url]
                digest_bytes += len(pickle.dumps(replace(digest, links=())))
                index.add(digest)
                page_codes[digest.url] = codes
                for row in crawler.add_links(result, hrefs):
                    inventory[row.url] = url_state(row)
    crawled = time.perf_counter()
    findings = index.check(inventory, config, crawl_complete=crawl_was_complete(inventory))
    checked = time.perf_counter()
    if dump is not None:  # for profiling check_site offline
        with open(dump, "wb") as handle:
            pickle.dump((index.digests, index.linked, inventory), handle)
    return {
        "scores": topic_scores(index.digests.values(), config),
        "findings": findings,
        "page_codes": page_codes,
        "pages": len(index),
        "crawl_audit_s": crawled - started,
        "check_s": checked - crawled,
        "digest_bytes": digest_bytes / max(1, len(index)),
        "complete": crawl_was_complete(inventory),
    }


# ------------------------------------------------------------------ scoring


def _path(url: str | None) -> str:
    return urlsplit(url or "").path or "/"


def score(site_dir: Path, run: dict) -> dict[str, tuple[int, int, int]]:
    """Per code: (true positives, predicted, truth) on this site."""
    findings: list[Finding] = list(run["findings"])
    with open(site_dir / "truth.csv", encoding="utf-8", newline="") as handle:
        truth = list(csv.DictReader(handle))
    with open(site_dir / "truth_links.csv", encoding="utf-8", newline="") as handle:
        links = [r for r in csv.DictReader(handle) if r["role"] == "teaser"]
    want: dict[str, set] = defaultdict(set)
    got: dict[str, set] = defaultdict(set)
    for r in links:
        for flag in filter(None, r["flags"].split(";")):
            if flag in TEASER_FLAGS:
                want[TEASER_FLAGS[flag]].add((r["source_path"], _path(r["href"])))
    audited = {r["path"] for r in truth if r["status"] == "200" and r["robots_disallowed"] == "0"}
    for r in truth:
        if r["path"] not in audited:
            continue
        if r["duplicate_title_group"] not in ("", "0"):
            want["title_duplicate"].add(r["path"])
        if r["has_meta_description"] == "0":
            want["meta_description_missing"].add(r["path"])
        if int(r["img_missing_alt"] or 0) > 0:
            want["image_alt_missing"].add(r["path"])
        if r["kind"] == "offtopic":
            want["article_offtopic"].add(r["path"])
    for f in findings:
        if f.code in TEASER_FLAGS.values():
            got[f.code].add((_path(f.url), _path(f.target)))
        else:
            got[f.code].add(_path(f.url))
    for url, codes in run["page_codes"].items():
        for code in codes:
            got[code].add(_path(url))
    for path, group in meta_duplicates(site_dir / "www").items():
        if path in audited and len(group) > 1:
            want["meta_description_duplicate"].add(path)
    offtopic = {r["path"] for r in truth if r["kind"] == "offtopic"}
    on = [s for u, s in run["scores"].items() if _path(u) in offtopic]
    off = [s for u, s in run["scores"].items() if _path(u) not in offtopic]
    run["margin"] = (max(on, default=0.0), min(off, default=0.0))
    codes = [
        *TEASER_FLAGS.values(),
        "title_duplicate",
        *PAGE_CODES,
        "article_offtopic",
        "meta_description_duplicate",
        *UNPLANTED,
    ]
    return {c: (len(got[c] & want[c]), len(got[c]), len(want[c])) for c in codes}


_META_RE = re.compile(r'<meta\s+name="description"\s+content="([^"]*)"', re.IGNORECASE)


def meta_duplicates(www: Path) -> dict[str, list[str]]:
    """Oracle for meta_description_duplicate (sitegen plants none, but reuses intros): pages
    whose meta description, read from the generated files, has the same words as another's
    (case and punctuation aside)."""
    by_text: dict[str, list[str]] = defaultdict(list)
    for file in www.rglob("index.html"):
        match = _META_RE.search(file.read_text(encoding="utf-8"))
        if match and match.group(1).strip():
            rel = file.parent.relative_to(www).as_posix()
            key = " ".join(re.findall(r"[^\W_]+", html.unescape(match.group(1)).lower()))
            by_text[key].append("/" if rel == "." else f"/{rel}/")
    return {path: group for group in by_text.values() for path in group}


def fmt(tp: int, pred: int, true: int) -> str:
    p = tp / pred if pred else 1.0
    r = tp / true if true else 1.0
    return f"{p:9.3f} {r:7.3f} {tp:6d} {pred:6d} {true:6d}"


def serve(pages: int, seed: int, work: Path) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    site = work / f"site{pages}_s{seed}"
    subprocess.run(
        [
            sys.executable,
            str(SITEGEN),
            "-n",
            str(pages),
            "-s",
            str(seed),
            "-o",
            str(site),
            "-q",
            "--base-url",
            base,
        ],
        check=True,
    )
    server = subprocess.Popen(
        [sys.executable, str(SITEGEN), "--serve", str(site), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_up(base + "/robots.txt")
    return server, base, site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 23])
    parser.add_argument("--timing-pages", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--dump", type=Path, default=None, help="pickle the timing run's index")
    args = parser.parse_args(argv)
    config = load_config()
    crawl = replace(config.crawl, concurrency=4, delay_s=0.0, max_pages=1_000_000)
    config = replace(config, crawl=crawl)
    tmp = tempfile.TemporaryDirectory(prefix="eval_site_")
    work = args.work or Path(tmp.name)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    with ProcessPoolExecutor(args.workers, initializer=_init, initargs=(config,)) as pool:
        for seed in args.seeds:
            server, base, site = serve(args.pages, seed, work)
            try:
                run = run_site(base, config, pool)
            finally:
                server.terminate()
                server.wait(10)
            result = score(site, run)
            print(
                f"\nseed {seed}: {run['pages']} pages audited, crawl complete: "
                f"{run['complete']}, crawl+audit+digest {run['crawl_audit_s']:.1f} s, "
                f"check_site {run['check_s']:.2f} s"
            )
            print(
                f"topic cosine: highest off-topic post {run['margin'][0]:.3f}, lowest other "
                f"post {run['margin'][1]:.3f} (threshold {config.site.offtopic_threshold:g})"
            )
            print(f"{'code':28s} precision  recall     tp   pred  truth")
            for code, (tp, pred, true) in result.items():
                print(f"{code:28s} {fmt(tp, pred, true)}")
                for i, v in enumerate((tp, pred, true)):
                    totals[code][i] += v
        print(f"\nall seeds ({len(args.seeds)} x {args.pages} pages)")
        print(f"{'code':28s} precision  recall     tp   pred  truth")
        for code, (tp, pred, true) in totals.items():
            print(f"{code:28s} {fmt(tp, pred, true)}")
        if args.timing_pages:
            server, base, site = serve(args.timing_pages, args.seeds[0], work)
            try:
                run = run_site(base, config, pool, args.dump)
            finally:
                server.terminate()
                server.wait(10)
            total = run["crawl_audit_s"] + run["check_s"]
            print(
                f"\ntiming: {run['pages']} pages (crawl complete: {run['complete']}); "
                "crawl+audit+digest "
                f"{run['crawl_audit_s']:.1f} s, "
                f"check_site {run['check_s']:.2f} s = {100 * run['check_s'] / total:.1f}% of "
                f"the run ({total:.1f} s); digest {run['digest_bytes']:.0f} B/page pickled "
                f"(links folded out)"
            )
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
