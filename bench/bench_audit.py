#!/usr/bin/env python3
"""Per-page cost of ``audit_page``, by stage, warm, in one process (issue 6 budget).

Runs the same stages as ``content_audit.audit.audit_page`` (extract, classify,
readability with per-section grades, elements, page checks, health trust checks, plain
language) with a timer around each, and also times the real ``audit_page`` as "total"
(run after the stages, so it meets warm caches) and ``site.digest_page`` as "digest".
"worker" is what a crawl's worker process spends on a page: a first, cold ``audit_page``
plus ``digest_page``.  Prints ms/page median and p90 (CPU time: ``time.process_time``,
the machine is shared): for the seed fixture (repeated calls) and for every page of a
site directory read from disk (each page once, after a warm-up).  For the site it also
prints the pickled size of each page's ``pipeline.AuditOutcome`` and the time the parent
process spends unpickling it.

    .venv/bin/python bench/bench_audit.py [--site DIR] [--runs N] [--profile]

Generate a site with ``python3 ../shared/sitegen/sitegen.py -n 1000 -s 7 -o /tmp/perf1k -q``
and pass ``--site /tmp/perf1k/www``.  ``--profile`` prints a cProfile of the seed page.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from content_audit.audit import audit_page
from content_audit.checks import check_page
from content_audit.classify import classify_page
from content_audit.config import load_config
from content_audit.elements import find_elements
from content_audit.extract import extract_page
from content_audit.health import check_trust
from content_audit.model import Kind
from content_audit.pipeline import AuditOutcome
from content_audit.plain import check_plain
from content_audit.readability import measure_readability, measure_sections
from content_audit.site import digest_page
from content_audit.urls import UrlNormalizer

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "seed_prolotherapy.html"
TODAY = date(2026, 11, 25)
NORMALIZE = UrlNormalizer(load_config().crawl.strip_params)
STAGES = (
    "extract",
    "classify",
    "readability",
    "elements",
    "checks",
    "health",
    "plain",
    "total",
    "digest",
    "worker",
)


def staged(html: str, url: str, cfg, outcomes: list | None = None) -> dict[str, float]:
    """CPU seconds per stage for one page, mirroring audit_page step by step."""
    t = time.process_time
    out = {}
    tw = t()
    audit = audit_page(html, url, cfg, today=TODAY)
    digest_page(audit, cfg, normalize=NORMALIZE)
    out["worker"] = t() - tw
    if outcomes is not None:
        outcomes.append(AuditOutcome(url, audit, digest=digest_page(audit, normalize=NORMALIZE)))
    t0 = t()
    page = extract_page(html, url)
    t1 = t()
    kind = classify_page(page)
    t2 = t()
    medical = cfg.health.medical_syllables
    readability = measure_readability(page.text, medical=medical)
    if cfg.health.plain_language and kind is Kind.ARTICLE:
        sections = measure_sections(page.sections, medical=medical)
        readability = replace(readability, sections=sections, medical_syllables=medical)
    t3 = t()
    elements = find_elements(page, cfg)
    t4 = t()
    findings = check_page(page, kind, readability, elements, cfg)
    t5 = t()
    findings += check_trust(page, kind, cfg, TODAY)
    t6 = t()
    check_plain(page, kind, readability, cfg)
    t7 = t()
    audit = audit_page(html, url, cfg, today=TODAY)
    t8 = t()
    digest_page(audit, cfg, normalize=NORMALIZE)
    t9 = t()
    starts = (t0, t1, t2, t3, t4, t5, t6, t7, t8)
    ends = (t1, t2, t3, t4, t5, t6, t7, t8, t9)
    for name, a, b in zip(STAGES[:-1], starts, ends, strict=True):
        out[name] = b - a
    return out


def report_pickles(outcomes: list) -> None:
    """Bytes of each pickled AuditOutcome and the CPU time to unpickle it (best of 5)."""
    blobs = [pickle.dumps(o, protocol=pickle.HIGHEST_PROTOCOL) for o in outcomes]
    best = float("inf")
    for _ in range(5):
        t0 = time.process_time()
        for blob in blobs:
            pickle.loads(blob)
        best = min(best, time.process_time() - t0)
    sizes = sorted(len(b) for b in blobs)
    print(
        f"  AuditOutcome pickle: median {statistics.median(sizes):.0f} B, "
        f"p90 {sizes[int(0.9 * len(sizes))]} B; unpickle {best / len(blobs) * 1e6:.0f} us/page"
    )


def report(title: str, samples: list[dict[str, float]]) -> None:
    print(f"{title}: {len(samples)} samples, ms/page")
    print(f"  {'stage':<12}{'median':>9}{'p90':>9}{'sum s':>9}")
    for stage in STAGES:
        vals = sorted(s[stage] * 1000 for s in samples)
        p90 = vals[min(len(vals) - 1, int(0.9 * len(vals)))]
        print(f"  {stage:<12}{statistics.median(vals):>9.2f}{p90:>9.2f}{sum(vals) / 1000:>9.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", help="directory of *.html pages (e.g. /tmp/perf1k/www)")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--limit", type=int, help="only the first N pages of --site")
    args = ap.parse_args()
    cfg = load_config()
    html = SEED.read_text(encoding="utf-8")
    url = "https://clinic.example/prolotherapy/"
    for _ in range(3):
        staged(html, url, cfg)
    report("seed_prolotherapy.html", [staged(html, url, cfg) for _ in range(args.runs)])
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for _ in range(10):
            audit_page(html, url, cfg, today=TODAY)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
    if args.site:
        root = Path(args.site)
        docs = [
            (p.read_text(encoding="utf-8", errors="replace"), "https://clinic.example/" + str(p))
            for p in sorted(root.rglob("*.html"))[: args.limit]
        ]
        for doc, u in docs[:5]:
            staged(doc, u, cfg)
        outcomes: list = []
        report(f"site {root} from disk", [staged(doc, u, cfg, outcomes) for doc, u in docs])
        report_pickles(outcomes)


if __name__ == "__main__":
    main()
