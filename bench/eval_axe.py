#!/usr/bin/env python3
"""Our accessibility findings against axe-core in Chromium, on the criteria both cover (#18).

Pages: ``../shared/corpus/real/*.html`` and the HTML pages of ``../shared/realsites/``
(every page, or ``--limit`` of each site, picked evenly), each served on loopback.  For
each page, ``audit_page`` on the HTML as served, and axe-core (shipped by
``axe-playwright-python``) in Debian's Chromium on the same URL, limited to the rules
that judge what our checks judge.  A page counts once per pair: flagged by us, by axe,
by both.  Precision = both / ours, recall = both / axe's.

    .venv/bin/python bench/eval_axe.py                  # corpus + both sites (~700 pages)
    .venv/bin/python bench/eval_axe.py --limit 60 --verbose
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import http.server
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from content_audit.audit import audit_page  # noqa: E402
from content_audit.render import axe_source  # noqa: E402

SHARED = ROOT.parent / "shared"
CHROMIUM = "/usr/bin/chromium"

PAIRS: dict[str, tuple[str, frozenset[str]]] = {
    # axe rule: (WCAG criterion, our codes that say the same)
    "image-alt": ("1.1.1", frozenset({"image_alt_missing"})),
    "link-name": ("2.4.4", frozenset({"link_name_missing", "image_alt_empty_linked"})),
    "html-has-lang": ("3.1.1", frozenset({"lang_missing"})),
    "html-lang-valid": ("3.1.1", frozenset({"lang_invalid"})),
    "empty-heading": ("1.3.1", frozenset({"heading_empty"})),
    "video-caption": ("1.2.2", frozenset({"video_captions_missing"})),
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def pages(limit: int | None) -> list[tuple[Path, Path]]:
    """(served folder, file) of every page measured."""
    out: list[tuple[Path, Path]] = []
    corpus = SHARED / "corpus" / "real"
    out += [(corpus, p) for p in sorted(corpus.glob("*.html"))]
    for site in sorted(p for p in (SHARED / "realsites").iterdir() if p.is_dir()):
        files = sorted(site.rglob("*.html"))
        if limit and len(files) > limit:
            step = len(files) / limit
            files = [files[int(i * step)] for i in range(limit)]
        out += [(site, p) for p in files]
    return out


async def run_axe(urls: list[str], source: str, concurrency: int) -> dict[str, set[str]]:
    from playwright.async_api import async_playwright

    rules = list(PAIRS)
    found: dict[str, set[str]] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        slots = asyncio.Semaphore(concurrency)

        async def loopback_only(route) -> None:
            if route.request.url.startswith(("http://127.0.0.1", "data:", "about:")):
                await route.continue_()
            else:
                await route.abort()

        async def one(url: str) -> None:
            async with slots:
                context = await browser.new_context()
                try:
                    page = await context.new_page()
                    await page.route("**/*", loopback_only)
                    await page.goto(url, wait_until="load", timeout=20000)
                    await page.add_script_tag(content=source)
                    result = await page.evaluate(
                        "async (rules) => await axe.run(document, {runOnly: {type: 'rule', "
                        "values: rules}, resultTypes: ['violations']})",
                        rules,
                    )
                    found[url] = {v["id"] for v in result["violations"]}
                except Exception as exc:  # a page that fails is left out
                    print(f"axe failed on {url}: {str(exc).splitlines()[0]}", file=sys.stderr)
                finally:
                    await context.close()

        await asyncio.gather(*(one(u) for u in urls))
        await browser.close()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="Pages per real site at most.")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--verbose", action="store_true", help="List each disagreement.")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"{SHARED} not found", file=sys.stderr)
        return 2
    todo = pages(args.limit)
    servers: dict[Path, str] = {}
    running = []
    for folder in {f for f, _ in todo}:
        server, base = serve(folder)
        servers[folder] = base
        running.append(server)
    urls = {}
    for folder, path in todo:
        urls[f"{servers[folder]}/{path.relative_to(folder).as_posix()}"] = path
    began = time.perf_counter()
    axe = asyncio.run(run_axe(list(urls), axe_source(), args.concurrency))
    axe_s = time.perf_counter() - began
    began = time.perf_counter()
    ours: dict[str, set[str]] = {}
    for url, path in urls.items():
        html = path.read_text(encoding="utf-8", errors="replace")
        ours[url] = {f.code for f in audit_page(html, url).findings}
    ours_s = time.perf_counter() - began
    for server in running:
        server.shutdown()

    table: dict[str, Counter[str]] = {rule: Counter() for rule in PAIRS}
    misses: list[str] = []
    for url in urls:
        if url not in axe:
            continue
        for rule, (_, codes) in PAIRS.items():
            a = rule in axe[url]
            o = bool(codes & ours[url])
            key = "both" if a and o else "axe_only" if a else "ours_only" if o else "neither"
            table[rule][key] += 1
            if a != o:
                misses.append(f"{key:9} {rule:16} {urls[url]}")
    total: Counter[str] = Counter()
    print(f"pages: {len(axe)} of {len(urls)} (axe {axe_s:.1f} s, ours {ours_s:.1f} s)")
    print(f"{'axe rule':16} {'WCAG':6} {'both':>5} {'ours':>5} {'axe':>5} {'P':>6} {'R':>6}")
    for rule, c in table.items():
        total.update(c)
        print(_row(rule, PAIRS[rule][0], c))
    print(_row("all", "", total))
    if args.verbose:
        print("\n".join(sorted(misses)))
    return 0


def _row(rule: str, wcag: str, c: Counter[str]) -> str:
    flagged_ours = c["both"] + c["ours_only"]
    flagged_axe = c["both"] + c["axe_only"]
    p = c["both"] / flagged_ours if flagged_ours else float("nan")
    r = c["both"] / flagged_axe if flagged_axe else float("nan")
    return (
        f"{rule:16} {wcag:6} {c['both']:>5} {flagged_ours:>5} {flagged_axe:>5} {p:>6.3f} {r:>6.3f}"
    )


if __name__ == "__main__":
    sys.exit(main())
