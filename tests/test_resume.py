"""resume.py and the pipeline's crawl state: a crawl killed with SIGKILL resumes.

The demo site, grown to 240 pages (tests/sites.py), is served on loopback by a server that
logs every request.  A first run is killed (SIGKILL, with its worker processes) once its
crawl state holds some batches; the second run on the same folder must not request those
pages again, and its reports must equal those of an uninterrupted run of the same site.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from content_audit.audit import audit_page
from content_audit.config import load_config
from content_audit.demo.server import SiteServer, read_redirects
from content_audit.model import ElementResult, FetchResult
from content_audit.pipeline import AuditOutcome, _unpacked, run_folder
from content_audit.report.csv import page_row
from content_audit.resume import STATE_FILE, CrawlState, fingerprint, pack, unfinished_run, unpack
from content_audit.serialize import audit_to_dict
from content_audit.site import digest_page

from .conftest import FIXTURES
from .sites import copy_demo_site
from .tristate import CANDIDATE, verdicts

CLI = str(Path(sys.executable).with_name("content-audit"))

COMPARED = ("inventory.csv", "pages.csv", "findings.csv", "teasers.csv", "changes.csv")


class LoggedSite:
    """The demo site grown to ``pages`` on a loopback server that records every request."""

    def __init__(self, folder: Path, pages: int) -> None:
        (folder / "www").mkdir(parents=True, exist_ok=True)
        self.server = SiteServer(folder / "www")
        copy_demo_site(folder, self.server.base_url, pages)
        self.server.redirects = read_redirects(folder / "redirects.tsv")
        self.base_url = self.server.base_url
        self.hits: list[str] = []
        handler_class = self.server._httpd.RequestHandlerClass.func  # type: ignore[attr-defined]
        original = handler_class.handle_one_request
        hits, base_url = self.hits, self.base_url

        def logged(request_handler):  # type: ignore[no-untyped-def]
            original(request_handler)
            path = getattr(request_handler, "path", None)
            if path:
                hits.append(base_url + path)

        self._patched = (handler_class, original)
        self.folder = folder
        handler_class.handle_one_request = logged

    def redirects(self) -> list[dict[str, str]]:
        return read_rows(self.folder / "redirects.tsv", delimiter="\t")

    def __enter__(self) -> LoggedSite:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()
        cls, original = self._patched
        cls.handle_one_request = original


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoggedSite]:
    with LoggedSite(tmp_path_factory.mktemp("site"), 240) as served:
        yield served


def crawl_command(site: LoggedSite, out: Path, config: Path, *, prefect: bool = False) -> list[str]:
    command = [
        CLI,
        "crawl",
        site.base_url + "/",
        "--out",
        str(out),
        "--config",
        str(config),
        "--workers",
        "1",
    ]
    return command if prefect else [*command, "--no-prefect"]


def journaled_urls(out: Path) -> set[str]:
    with sqlite3.connect(out / STATE_FILE) as conn:
        return {row[0] for row in conn.execute("SELECT url FROM fetches")}


def read_rows(path: Path, drop: tuple[str, ...] = (), delimiter: str = ",") -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter=delimiter)
        return [{k: v for k, v in row.items() if k not in drop} for row in rows]


def report_text(out: Path) -> str:
    """report.html without what differs between two runs of the same site: the time of
    writing, the run's duration and its history id."""
    text = (out / "report.html").read_text(encoding="utf-8")
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "<time>", text)
    text = re.sub(r"\d+(\.\d+)? s\b", "<s>", text)
    return re.sub(r"run #?\d+", "run <id>", text, flags=re.IGNORECASE)


@pytest.mark.slow
def test_a_killed_crawl_resumes_and_reports_as_if_never_killed(
    site: LoggedSite, tmp_path: Path
) -> None:
    config = tmp_path / "audit.toml"
    config.write_text(
        "[crawl]\nbatch_size = 20\nmax_batch_size = 20\nconcurrency = 2\ndelay_s = 0.01\n"
    )
    out = tmp_path / "resumed" / "run"

    # 1. Start, and kill the whole process group once a few batches are journaled.
    first = subprocess.Popen(
        crawl_command(site, out, config),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 90
    journaled: set[str] = set()
    try:
        while time.monotonic() < deadline and first.poll() is None:
            if (out / STATE_FILE).exists():
                try:
                    journaled = journaled_urls(out)
                except sqlite3.OperationalError:  # the table is being created
                    journaled = set()
                if len(journaled) >= 60:
                    break
            time.sleep(0.05)
        assert first.poll() is None, "the first run ended before it could be killed"
        os.killpg(first.pid, signal.SIGKILL)
    finally:
        first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    assert not (out / "inventory.csv").exists()  # nothing committed by the killed run
    journaled = journaled_urls(out)  # the last batch may have landed before the kill
    assert len(journaled) >= 60

    # 2. Start again on the same folder, as the Prefect flow this time (the state is the
    # same for both paths): journaled pages are not requested again.
    site.hits.clear()
    second = subprocess.run(
        crawl_command(site, out, config, prefect=True),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert second.returncode == 0, second.stderr
    assert "resuming the unfinished run" in second.stderr
    hits = set(site.hits)
    # A redirect met for the first time is followed to its target, journaled or not (the
    # target's body is not read again): that is the only way back to a journaled page.
    base = site.base_url
    followed = {base + r["final"] for r in site.redirects() if base + r["source"] in hits}
    refetched = (journaled & hits) - followed
    assert not refetched, sorted(refetched)[:5]
    assert set(site.hits), "the resumed run fetched nothing new"
    assert not (out / STATE_FILE).exists()  # a finished run leaves no state behind
    assert not list(out.glob(".*.tmp"))  # nor the killed run's temporary files

    # 3. The same site, uninterrupted, into another reports root (its own history).
    clean = tmp_path / "clean" / "run"
    third = subprocess.run(
        crawl_command(site, clean, config), capture_output=True, text=True, timeout=180
    )
    assert third.returncode == 0, third.stderr

    for name in COMPARED:
        drop = ("elapsed_s",) if name == "inventory.csv" else ()
        resumed, uninterrupted = read_rows(out / name, drop), read_rows(clean / name, drop)
        assert resumed == uninterrupted, name
    assert len(read_rows(out / "pages.csv")) > 150
    assert (out / "pages.jsonl").read_text() == (clean / "pages.jsonl").read_text()
    assert report_text(out) == report_text(clean)

    # The killed attempt is in the history as interrupted, never as a baseline.
    with sqlite3.connect(out.parent / "history.sqlite") as conn:
        statuses = [row[0] for row in conn.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == ["interrupted", "complete"]


def test_a_state_of_other_settings_is_set_aside(tmp_path: Path) -> None:
    config = load_config()
    start = "http://127.0.0.1:8/"
    row = FetchResult(start, "start", 0, 200, start, html="<p>x</p>")
    with CrawlState.open(tmp_path, start, config) as state:
        state.save_batch([row], {})
    with CrawlState.open(tmp_path, start, config) as state:
        assert state.resumed_fetches == 1
        (again,) = state.recorded_fetches([start]).values()
        assert again.html == "" and again.status == 200  # the HTML is not kept
    # Politeness and worker counts may change between attempts...
    faster = load_config(overrides={"crawl.concurrency": 8, "crawl.delay_s": 1.0})
    assert fingerprint(start, faster) == fingerprint(start, config)
    # ...what is crawled or found may not.
    other = load_config(overrides={"crawl.max_pages": 5})
    with CrawlState.open(tmp_path, start, other) as state:
        assert state.resumed_fetches == 0
        assert state.recorded_fetches([start]) == {}


def test_one_folder_one_live_run(tmp_path: Path) -> None:
    from content_audit.errors import InputError

    config = load_config()
    with (
        CrawlState.open(tmp_path, "http://127.0.0.1:8/", config),
        pytest.raises(InputError, match="another content-audit run"),
    ):
        CrawlState.open(tmp_path, "http://127.0.0.1:8/", config)
    CrawlState.open(tmp_path, "http://127.0.0.1:8/", config).finish()
    assert not (tmp_path / STATE_FILE).exists()


def test_without_out_the_newest_unfinished_run_folder_is_reused(tmp_path: Path) -> None:
    config = load_config()
    start = "http://127.0.0.1:8/"
    site_dir = tmp_path / "127.0.0.1_8"
    old, new = site_dir / "20260101T000000Z", site_dir / "20260102T000000Z"
    old.mkdir(parents=True)
    CrawlState.open(old, start, config).close()
    new.mkdir()
    assert unfinished_run(site_dir) is None  # the newest run finished: start a new one
    CrawlState.open(new, start, config).close()
    assert unfinished_run(site_dir) == new
    assert run_folder(start, config, tmp_path) == new
    no_resume = load_config(overrides={"crawl.resume": False})
    assert run_folder(start, no_resume, tmp_path) not in (old, new)


def test_unreadable_state_starts_over(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_bytes(b"not a database" * 100)
    with CrawlState.open(tmp_path, "http://127.0.0.1:8/", load_config()) as state:
        assert state.resumed_fetches == 0


# --------------------------------------------------------------------------- element verdicts


def test_element_verdicts_survive_a_killed_and_resumed_run(tmp_path: Path) -> None:
    """Status and confidence come back from the crawl state as the worker sent them."""
    config = load_config()
    start = "http://127.0.0.1:8/"
    html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
    given = verdicts(uses="unclear", consult="missing")
    audit = audit_page(html, start, config, elements=given)
    outcome = AuditOutcome(start, audit, digest=digest_page(audit, config))
    (sent,) = _unpacked([pack(outcome)])  # as a worker process hands it to the parent
    row = FetchResult(start, "start", 0, 200, start, html=html)
    state = CrawlState.open(tmp_path, start, config)
    state.save_batch([row], {start: sent})
    state.close()  # the run dies here; the next one resumes
    with CrawlState.open(tmp_path, start, config) as state:
        assert state.resumed_audits == 1
        (back,) = state.recorded_outcomes([start]).values()
    assert back.audit == audit and back.digest == outcome.digest
    assert back.audit.elements == given
    uses = back.audit.element("uses")
    assert (uses.status, uses.confidence, uses.evidence) == ("unclear", 0.4, CANDIDATE)
    assert audit_to_dict(back.audit) == audit_to_dict(audit)
    assert page_row(back.audit, start) == page_row(audit, start)


class _OldElementResult:
    """Pickles as an ``ElementResult`` did before statuses: five field values."""

    def __init__(self, *values: object) -> None:
        self.values = values

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return ElementResult, self.values


def test_a_state_pickled_before_statuses_reads_as_found_or_missing() -> None:
    found = unpack(pack(_OldElementResult("uses", True, "H", "E", "heading")))
    missing = unpack(pack(_OldElementResult("consult", False, None, None, None)))
    assert (found.status, found.present, found.confidence) == ("found", True, None)
    assert (missing.status, missing.present, missing.confidence) == ("missing", False, None)
