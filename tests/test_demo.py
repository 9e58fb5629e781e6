"""The bundled demo site, its loopback server, and the demo/crawl commands."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from content_audit.cli import cli
from content_audit.demo import DEMO_ORIGIN, PROLOTHERAPY_PATH, demo_root
from content_audit.demo.server import serve_demo
from tests.test_pipeline import by_url, read_csv

CLUB_PATH = "/blog/joining-the-oakland-country-club/"


def test_the_demo_site_ships_with_the_package() -> None:
    with demo_root() as root:
        pages = list((root / "www").rglob("index.html"))
        assert 30 <= len(pages) <= 65
        assert (root / "redirects.tsv").is_file()
        assert (root / "www" / PROLOTHERAPY_PATH.strip("/") / "index.html").is_file()
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        assert size < 3_000_000


def test_server_rewrites_origin_and_answers_redirects_and_404() -> None:
    with serve_demo() as server:
        assert server.base_url != DEMO_ORIGIN
        sitemap = requests.get(server.base_url + "/sitemap.xml", timeout=5)
        assert sitemap.status_code == 200
        assert f"{server.base_url}{PROLOTHERAPY_PATH}" in sitemap.text
        assert DEMO_ORIGIN not in sitemap.text
        robots = requests.get(server.base_url + "/robots.txt", timeout=5).text
        assert f"Sitemap: {server.base_url}/sitemap.xml" in robots
        home = requests.get(server.base_url + "/", timeout=5).text
        assert f'href="{PROLOTHERAPY_PATH}"' in home
        missing = requests.get(server.base_url + "/no-such-page/", timeout=5)
        assert missing.status_code == 404 and "<html" in missing.text.lower()
        with demo_root() as root:
            source, target = (root / "redirects.tsv").read_text().splitlines()[1].split("\t")[:2]
        hop = requests.get(server.base_url + source, allow_redirects=False, timeout=5)
        assert hop.status_code in (301, 302) and hop.headers["Location"] == target


def check_demo_reports(out: Path) -> None:
    pages = read_csv(out / "pages.csv")
    [prolo] = [p for p in pages if p["url"].endswith(PROLOTHERAPY_PATH)]
    assert prolo["kind"] == "article"
    assert [prolo[n] for n in ("definition", "uses", "mechanism", "consult")] == ["true"] * 4
    teasers = [t for t in read_csv(out / "teasers.csv") if t["page_url"] == prolo["url"]]
    assert len(teasers) == 6
    assert teasers[0]["href"] == prolo["url"]
    assert teasers[1]["href"].endswith(CLUB_PATH)
    assert all(t["truncated"] == "true" for t in teasers)
    inventory = by_url(read_csv(out / "inventory.csv"))
    assert sum(1 for r in inventory.values() if r["error"] == "robots") == 3


@pytest.mark.slow
def test_demo_command_library_path(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["demo", "--no-prefect", "--reports", str(tmp_path)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    latest = tmp_path / "demo" / "latest"
    assert f"Reports: {latest.resolve()}" in result.output
    check_demo_reports(latest)


def test_crawl_command_writes_to_out(tmp_path: Path) -> None:
    with serve_demo() as server:
        result = CliRunner().invoke(
            cli,
            [
                "crawl",
                server.base_url + "/",
                "--no-prefect",
                "--out",
                str(tmp_path / "r"),
                "--max-pages",
                "10",
                "--workers",
                "0",
            ],
            catch_exceptions=False,
        )
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(str(tmp_path / "r"))
    inventory = read_csv(tmp_path / "r" / "inventory.csv")
    assert sum(1 for r in inventory if r["audited"] == "true") == 10
    assert any(r["error"] == "max_pages" for r in inventory)


def test_crawl_of_an_unreachable_site_is_an_input_error(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = tmp_path / "fast.toml"
    config.write_text("[crawl]\nretries = 0\ntimeout_s = 2.0\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "crawl",
            f"http://127.0.0.1:{port}/",
            "--no-prefect",
            "--config",
            str(config),
            "--out",
            str(tmp_path / "r"),
        ],
    )
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and "no page could be audited" in result.output
