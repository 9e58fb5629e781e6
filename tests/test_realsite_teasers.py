"""A real clinic site crawled end to end: its teaser blocks, and a stale listing excerpt.

``../shared/realsites/helms-performance`` (a static rebuild of a sports-chiropractic site) is
copied to a temporary folder, one card of its blog index gets an automatic excerpt ("[…]")
that no longer matches the article's opening, the copy is served with
``python3 -m http.server`` on loopback and crawled with ``content-audit crawl --no-prefect``.
"""

from __future__ import annotations

import csv
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import SHARED

HELMS = SHARED / "realsites" / "helms-performance"
CARD = (
    "<p>A clear, plain-English explanation of how dry needling works, what the procedure "
    "actually involves, and who benefits most. If you've been curious but weren't sure where "
    "to start, this is the guide.</p>"
)
PLANTED = (
    "<p>Dry needling was first described in the 1940s as a way to treat muscle pain with "
    "hollow needles and saline […]</p>"
)

# Without ../shared this is skipped with the reason (a failure in CI, which has it).
pytestmark = pytest.mark.needs_shared("realsites/helms-performance/blog/index.html")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    work = tmp_path_factory.mktemp("helms")
    site = work / "site"
    shutil.copytree(HELMS, site)
    index = site / "blog" / "index.html"
    html = index.read_text(encoding="utf-8")
    assert CARD in html
    index.write_text(html.replace(CARD, PLANTED), encoding="utf-8")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        out = work / "out"
        cli = Path(sys.executable).with_name("content-audit")
        subprocess.run(
            [str(cli), "crawl", base + "/", "--no-prefect", "--out", str(out), "--workers", "1"],
            check=True,
            capture_output=True,
            timeout=600,
        )
        yield base, out
    finally:
        server.terminate()
        server.wait(10)


def test_related_from_the_blog_cards_are_teasers(crawled: tuple[str, Path]) -> None:
    base, out = crawled
    rows = _read(out / "teasers.csv")
    assert list(rows[0])[-1] == "block"
    article = [r for r in rows if r["page_url"] == f"{base}/blog/what-is-dry-needling/"]
    assert [(r["block"], r["href"]) for r in article] == [
        ("related", f"{base}/services/dry-needling/"),
        ("related", f"{base}/blog/how-does-dry-needling-work/"),
        ("related", f"{base}/blog/does-dry-needling-hurt/"),
    ]
    index = [r for r in rows if r["page_url"] == f"{base}/blog/"]
    assert len(index) >= 20 and {r["block"] for r in index} >= {"listing"}


def test_planted_stale_excerpt_on_the_blog_index_is_reported(crawled: tuple[str, Path]) -> None:
    base, out = crawled
    stale = [f for f in _read(out / "findings.csv") if f["code"] == "teaser_stale"]
    assert [(f["url"], f"{base}/blog/what-is-dry-needling/" in f["message"]) for f in stale] == [
        (f"{base}/blog/", True)
    ]
    assert "first described in the 1940s" in stale[0]["evidence"]
