#!/usr/bin/env python3
"""What ``crawl --render`` costs: a single-page-app site crawled with and without it (#18).

Builds a site of ``--pages`` script-shell pages (``tests/fixtures/spa``: an empty
``<div id="root">`` that ``app.js`` fills) linked from an index, serves it on loopback, and
crawls it with the library path (``audit_site``, audits in this process) three ways:
``render = "never"`` (the default), ``"auto"`` and, on a site of plain pages, ``"never"``
again to show the off path costs nothing (Playwright is never imported).  Prints pages,
words audited, wall time, and the rendering time per page (median, p90).

    .venv/bin/python bench/bench_render.py --pages 20
"""

from __future__ import annotations

import argparse
import csv
import functools
import http.server
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from content_audit.config import load_config  # noqa: E402
from content_audit.run import audit_site  # noqa: E402

SPA = ROOT / "tests" / "fixtures" / "spa"
SEED = ROOT / "tests" / "fixtures" / "seed_prolotherapy.html"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


_VOCABULARY = (
    "knee hip shoulder spine ankle wrist therapy exercise strength pain swelling joint "
    "muscle tendon ligament recovery posture balance stretch massage heat ice rest"
)
WORDS = tuple(_VOCABULARY.split())


def _article(i: int) -> str:
    """Text unique to page ``i``, so the site template keeps none of it."""
    words = [WORDS[(i * 7 + k * 3 + k * k) % len(WORDS)] for k in range(60)]
    return f"Page {i}: " + " ".join(words) + "."


def build(folder: Path, pages: int, spa: bool) -> None:
    links = []
    for i in range(pages):
        name = f"p{i}.html"
        extra = f"<p>{_article(i)}</p>"
        if spa:
            shell = (SPA / "index.htm").read_text()
            fill = f"<script>window.EXTRA = {extra!r};</script>"
            (folder / name).write_text(
                shell.replace('<script src="app.js">', fill + '<script src="app.js">')
            )
        else:
            html = SEED.read_text().replace(
                '<h2 class="wp-block-heading">What Is Prolotherapy?</h2>',
                extra + '<h2 class="wp-block-heading">What Is Prolotherapy?</h2>',
            )
            (folder / name).write_text(html)
        links.append(f'<li><a href="{name}">Article number {i} of the clinic</a></li>')
    shutil.copy(SPA / "app.js", folder / "app.js")
    (folder / "index.html").write_text(
        "<html lang='en'><head><title>Clinic articles index</title></head><body><main>"
        f"<h1>Articles</h1><ul>{''.join(links)}</ul></main></body></html>"
    )


def crawl(folder: Path, render: str) -> tuple[float, int, int, int, list[float]]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    config = load_config()
    config = replace(config, crawl=replace(config.crawl, render=render, resume=False))
    times: list[float] = []
    import content_audit.render as render_mod

    original = render_mod.RenderingCrawler.render_results

    def spy(self, results):  # type: ignore[no-untyped-def]
        out = original(self, results)
        times[:] = self.render_s
        return out

    render_mod.RenderingCrawler.render_results = spy  # type: ignore[method-assign]
    out = Path(tempfile.mkdtemp(prefix="bench-render-"))
    began = time.perf_counter()
    try:
        audit_site(base + "index.html", config, out / "run", workers=0)
    finally:
        render_mod.RenderingCrawler.render_results = original  # type: ignore[method-assign]
        server.shutdown()
    wall = time.perf_counter() - began
    with (out / "run" / "pages.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    with (out / "run" / "inventory.csv").open(newline="") as fh:
        rendered = sum(1 for r in csv.DictReader(fh) if r["rendered"] == "true")
    shutil.rmtree(out, ignore_errors=True)
    return wall, len(rows), sum(int(r["words"]) for r in rows), rendered, times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    print(
        f"{'site':6} {'render':6} {'pages':>5} {'words':>6} {'rendered':>8} {'wall s':>7} "
        f"{'render/page median':>18} {'p90':>6}"
    )
    for spa, render in ((True, "never"), (False, "never"), (True, "auto"), (False, "auto")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            build(folder, args.pages, spa)
            wall, pages, words, rendered, times = crawl(folder, render)
        med = f"{statistics.median(times):.3f}" if times else "-"
        p90 = f"{sorted(times)[int(0.9 * (len(times) - 1))]:.3f}" if times else "-"
        site = "spa" if spa else "plain"
        print(
            f"{site:6} {render:6} {pages:>5} {words:>6} {rendered:>8} {wall:>7.2f} "
            f"{med:>18} {p90:>6}"
        )
        if render == "never":
            print(f"       playwright imported: {'playwright' in sys.modules}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
