"""Issue 19: no page, server, disk or signal can stall, flood or corrupt a run.

Beside ``test_fault_matrix.py`` (the site audit against misbehaving servers), these tests
drive ``check``, the configuration, the history and the process with real files, FIFOs,
devices, loopback servers and signals.  Each one failed on main before its fix.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from content_audit.config import CrawlConfig
from content_audit.errors import InputError
from content_audit.target import load_target

pytestmark = pytest.mark.timeout(60)

CLI = str(Path(sys.executable).with_name("content-audit"))
PAGE = b"<html><head><title>A page</title></head><body><h1>A page</h1><p>Text.</p></body></html>"


def run_cli(*args: str, timeout: float = 30, **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CLI, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,  # type: ignore[arg-type]
    )


# ------------------------------------------------------------------ 1. bounded reads


def _feed_fifo(path: Path, data: bytes) -> threading.Thread:
    def write() -> None:
        try:
            with open(path, "wb") as fifo:
                for i in range(0, len(data), 1 << 16):
                    fifo.write(data[i : i + (1 << 16)])
        except BrokenPipeError:
            pass  # the reader stopped at its cap: what the test wants

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def test_check_refuses_a_character_device_instead_of_reading_it_forever() -> None:
    began = time.monotonic()
    result = run_cli("check", "/dev/zero")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: /dev/zero: is a device"), result.stderr
    assert time.monotonic() - began < 20


def test_a_fifo_is_read_through_the_same_cap_as_a_file(tmp_path: Path) -> None:
    """The size check used to trust ``stat``: a FIFO says 0 bytes and was read to its end."""
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    writer = _feed_fifo(fifo, PAGE + b"<p>" + b"a" * 3_000_000 + b"</p>")
    with pytest.raises(InputError, match="over the 1 MB limit"):
        load_target(str(fifo), CrawlConfig(max_bytes=1_000_000))
    writer.join(5)


def test_a_small_fifo_is_audited_like_a_file(tmp_path: Path) -> None:
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    writer = _feed_fifo(fifo, PAGE)
    document = load_target(str(fifo), CrawlConfig())
    writer.join(5)
    assert "<h1>A page</h1>" in document.html


def test_a_fifo_nobody_writes_to_ends_at_the_deadline(tmp_path: Path) -> None:
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    began = time.monotonic()
    with pytest.raises(InputError, match=r"within 0\.5 s"):
        load_target(str(fifo), CrawlConfig(deadline_s=0.5))
    assert time.monotonic() - began < 3


# ------------------------------------------------------------------ 2. one page stalls everything

SLOW_PATTERN = "(?:a|a)*b$"
"""Exponential on a run of "a"s, yet with no nested quantifier: the budget must stop it."""
SLOW_BODY = "<p>Prolotherapy is an injection treatment for knee pain. " + "a" * 40 + " c.</p>"


def _slow_config(tmp_path: Path, budget_s: float = 1.0) -> Path:
    path = tmp_path / "slow.toml"
    path.write_text(
        f"[crawl]\naudit_budget_s = {budget_s}\n\n"
        f"[elements.consult]\nadd_body = ['{SLOW_PATTERN}']\n"
    )
    return path


def test_the_email_finder_is_linear_on_long_runs_of_word_characters() -> None:
    from content_audit.audit import audit_page
    from content_audit.config import load_config

    config = load_config()
    html = "<html><body><h1>T</h1><p>" + "a-" * 96_000 + "</p></body></html>"  # 192 KB
    began = time.monotonic()
    audit_page(html, "https://clinic.example/a", config)
    assert time.monotonic() - began < 10  # a minute before


def test_the_email_finder_still_finds_an_address() -> None:
    from content_audit.extract.trust import _find_emails

    html = "<p>Write to office.team+web@clinic-example.co.uk or x@y.</p>"
    assert [m for _, m in _find_emails(html)] == ["office.team+web@clinic-example.co.uk"]
    assert list(_find_emails("a" * 70 + "@clinic.com")) == []  # local part over 64


@pytest.mark.parametrize("pattern", ["(a+)+$", r"(\w+\s?)*x", "(?:(?:ab)*c)+"])
def test_a_user_pattern_with_nested_quantifiers_is_refused_on_load(
    tmp_path: Path, pattern: str
) -> None:
    from content_audit.config import load_config
    from content_audit.errors import ConfigError

    path = tmp_path / "audit.toml"
    path.write_text(f"[elements.uses]\nadd_body = ['{pattern}']\n")
    with pytest.raises(ConfigError, match=r"audit\.toml: pattern in elements\.uses\.body repeats"):
        load_config(path)


def test_a_bounded_or_possessive_outer_repeat_is_accepted(tmp_path: Path) -> None:
    from content_audit.config import load_config

    path = tmp_path / "audit.toml"
    path.write_text("[elements.uses]\nadd_body = ['(?:will\\s+|then\\s+){1,5}', '(a++)+$']\n")
    assert load_config(path).rule("uses").body[-2:] == (r"(?:will\s+|then\s+){1,5}", "(a++)+$")


def test_check_stops_a_page_past_its_audit_budget(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><head><title>Prolotherapy</title></head><body><h1>Prolotherapy</h1>{SLOW_BODY}</body></html>"
    )
    began = time.monotonic()
    result = run_cli("check", str(page), "--config", str(_slow_config(tmp_path)))
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"Error: {page}: not audited within 1 s (crawl.audit_budget_s)"
    assert time.monotonic() - began < 20


@pytest.mark.parametrize("workers", [0, 1], ids=["in_process", "worker_process"])
def test_a_page_past_its_budget_is_audit_failed_and_the_crawl_moves_on(
    tmp_path: Path, workers: int
) -> None:
    from content_audit.config import load_config
    from content_audit.run import audit_site

    from .faultserver import FaultServer
    from .test_fault_matrix import TEST_CRAWL, read_csv

    with FaultServer(robots="plain") as server:
        server.drop_sitemaps()
        server.page("/slow-page", body=SLOW_BODY)
        server.page("/fine")
        server.page("/", ["/slow-page", "/fine"])
        config = load_config(_slow_config(tmp_path), overrides=TEST_CRAWL)
        began = time.monotonic()
        summary = audit_site(server.url("/"), config, tmp_path / "run", workers=workers)
        assert time.monotonic() - began < 30
    rows = {r["url"][len(server.base) :]: r for r in read_csv(tmp_path / "run" / "inventory.csv")}
    assert rows["/slow-page"]["error"] == "audit_failed"
    assert rows["/fine"]["audited"] == "true" and rows["/"]["audited"] == "true"
    assert summary.audited == 2
    findings = read_csv(tmp_path / "run" / "findings.csv")
    failed = [f for f in findings if f["code"] == "audit_failed"]
    assert len(failed) == 1 and "not audited within 1 s" in failed[0]["evidence"]


# ------------------------------------------------------------------ 3. one deadline per response


def _slow_headers(h, query: str) -> None:  # type: ignore[no-untyped-def]
    """250 header bytes, one every 0.1 s: each byte arrives well within timeout_s."""
    h.close_connection = True
    try:
        h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        h.wfile.flush()
        for _ in range(250):
            if not h.sleep(0.1):
                return
            h.wfile.write(b"a")
            h.wfile.flush()
        h.wfile.write(b"\r\nContent-Length: 0\r\n\r\n")
    except OSError:
        pass


def test_check_ends_a_response_whose_headers_trickle_at_the_deadline() -> None:
    from content_audit.errors import FetchError

    from .faultserver import FaultServer

    with FaultServer() as server:
        server.route("/slow-headers", _slow_headers)
        config = CrawlConfig(timeout_s=0.5, deadline_s=1.0, retries=2, backoff_s=0.01)
        began = time.monotonic()
        with pytest.raises(FetchError, match=r"no complete answer within 1 s"):
            load_target(server.url("/slow-headers"), config)
        took = time.monotonic() - began
        assert took < 3, took  # 25 s before, times three tries
        assert server.hits("/slow-headers") == 1  # a try cut by the deadline is not retried


def test_a_crawl_records_trickling_headers_as_a_timeout(tmp_path: Path) -> None:
    from .test_fault_matrix import PAGE as FINE
    from .test_fault_matrix import check_run, run_site

    def setup(server, offsite) -> None:  # type: ignore[no-untyped-def]
        server.route("/slow-headers", _slow_headers)

    with run_site(tmp_path, ("/slow-headers",), setup=setup) as site:
        check_run(site, {"/": FINE, "/slow-headers": ("", "timeout", False)})
        assert site.elapsed_s < 6, site.elapsed_s


# ------------------------------------------------------------------ 4. one stray byte


def test_a_crawled_utf8_page_with_one_stray_byte_keeps_its_letters(tmp_path: Path) -> None:
    from .test_fault_matrix import PAGE as FINE
    from .test_fault_matrix import check_run, run_site

    page = (
        "<html><head><title>Café crème</title></head><body><h1>Café crème</h1>"
        "<p>Naïve – ok</p></body></html>"
    ).encode()

    def setup(server, offsite) -> None:  # type: ignore[no-untyped-def]
        server.static("/stray-header", page.replace(b"ok", b"o\xffk"))
        server.static(
            "/stray-meta",
            page.replace(b"<head>", b'<head><meta charset="utf-8">').replace(b"ok", b"o\xffk"),
            ctype="text/html",
        )

    with run_site(tmp_path, ("/stray-header", "/stray-meta"), setup=setup) as site:
        check_run(site, {"/": FINE, "/stray-header": FINE, "/stray-meta": FINE})
        titles = {site.rel(url): row["title"] for url, row in site.pages.items()}
        assert titles["/stray-header"] == titles["/stray-meta"] == "Café crème"


# ------------------------------------------------------------------ 5. deep nesting, framesets


@pytest.mark.parametrize("depth", [1_000, 20_000])
def test_a_deeply_nested_page_is_audited_not_emptied(depth: int) -> None:
    from content_audit.audit import audit_page
    from content_audit.config import load_config

    html = (
        "<html><head><title>Knee pain and prolotherapy</title></head><body>"
        "<h1>Prolotherapy</h1>" + "<div>" * depth + "<p>Some words of the article.</p>"
        "" + "</div>" * depth + "</body></html>"
    )
    audit = audit_page(html, "https://clinic.example/a", load_config())
    assert audit.page.title == "Knee pain and prolotherapy"
    assert audit.page.h1 == ("Prolotherapy",)
    assert "Some words of the article." in audit.page.text
    codes = {f.code for f in audit.findings}
    assert not codes & {"title_missing", "h1_missing"}, codes


def test_a_frameset_page_keeps_its_title_and_description() -> None:
    from content_audit.audit import audit_page
    from content_audit.config import load_config

    html = (
        "<html lang='en'><head><title>Frames page of the clinic</title>"
        "<meta name='description' content='The clinic, in frames.'></head>"
        "<frameset cols='50%,50%'><frame src='a.html'><frame src='b.html'></frameset></html>"
    )
    audit = audit_page(html, "https://clinic.example/", load_config())
    assert audit.page.title == "Frames page of the clinic"
    assert audit.page.meta_description == "The clinic, in frames."
    assert audit.page.lang == "en"
    assert "title_missing" not in {f.code for f in audit.findings}


# ------------------------------------------------------------------ 6. configuration


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[elements.consultation]\nadd_body = ['x']\n", "unknown table elements.consultation"),
        ("[elements.Consult]\nadd_body = ['x']\n", "unknown table elements.Consult"),
        ("grade_target = nan\n", "grade_target must be a finite number"),
        ("grade_target = inf\n", "grade_target must be a finite number"),
        ("[site]\nnear_duplicate_threshold = -inf\n", "must be a finite number"),
        ('[crawl]\nuser_agent = "bot\\r\\nX-Evil: 1"\n', "crawl.user_agent must not hold control"),
        ("[site]\nofftopic_threshold = 1.5\n", "site.offtopic_threshold must be between 0 and 1"),
        ("[health]\npassive_max_share = 2\n", "health.passive_max_share must be between 0 and 1"),
        ("grade_target = 400\n", "grade_target must be a reading grade"),
        ("title_min_chars = 90\n", "title_min_chars must not be over title_max_chars"),
        ("[crawl]\nconcurrency = 0\n", "crawl.concurrency must be at least 1"),
        ("[crawl]\ntimeout_s = 0\n", "crawl.timeout_s must be above 0"),
        ('[crawl]\nrobots_unreachable = "maybe"\n', "crawl.robots_unreachable must be one of"),
        ('disabled_checks = ["lang_mising"]\n', "'lang_mising', which is no finding code"),
        ("crawl = 3\n", "crawl must be a table"),
    ],
)
def test_the_validator_refuses_what_it_does_not_know(
    tmp_path: Path, text: str, needle: str
) -> None:
    from content_audit.config import load_config
    from content_audit.errors import ConfigError

    path = tmp_path / "audit.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: "), str(info.value)
    assert needle in str(info.value)


def test_a_bad_flag_is_blamed_on_the_command_line_not_a_missing_pyproject(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(PAGE)
    result = run_cli("check", str(page), "--grade-target", "nan", cwd=tmp_path)
    assert result.returncode == 2
    assert "pyproject.toml" not in result.stderr
    assert result.stderr.startswith("Error: the command line (grade_target): grade_target must")


def test_a_value_from_pyproject_is_blamed_on_pyproject_and_one_from_config_on_config(
    tmp_path: Path,
) -> None:
    from content_audit.config import load_config
    from content_audit.errors import ConfigError

    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.content-audit]\n[tool.content-audit.site]\nstale_min_ratio = 7\n")
    audit = tmp_path / "audit.toml"
    audit.write_text("thin_words = 200\n")
    with pytest.raises(ConfigError, match=f"^{pyproject}: site.stale_min_ratio"):
        load_config(audit, pyproject=pyproject)


# ------------------------------------------------------------------ 7. the history database


def _history(path: Path) -> None:
    from content_audit import store

    conn = store.connect(path)
    store.start_run(conn, "demo", "http://clinic.example/", None)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("command", [["history", "demo"], ["diff", "1", "2"]])
def test_history_and_diff_never_write_into_a_file_that_is_not_a_history(
    tmp_path: Path, command: list[str]
) -> None:
    import sqlite3

    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    conn.close()
    before = other.read_bytes()
    for path, needle in ((empty, "an empty file"), (other, "not a content-audit history")):
        result = run_cli(*command, "--db", str(path))
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"Error: {path}: {needle}"), result.stderr
    assert empty.read_bytes() == b""
    assert other.read_bytes() == before


def test_a_site_audit_refuses_another_programs_database_as_its_history(tmp_path: Path) -> None:
    import sqlite3

    from content_audit import store
    from content_audit.errors import StoreError

    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    conn.close()
    with pytest.raises(StoreError, match="not a content-audit history"):
        store.connect(other)
    new = tmp_path / "new.sqlite"
    store.connect(new).close()
    with sqlite3.connect(new) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == store.APPLICATION_ID


def test_a_history_in_a_read_only_folder_can_be_read(tmp_path: Path) -> None:
    """chattr +i: as root, permissions do not make a file read-only; immutability does."""
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "history.sqlite"
    _history(db)
    for leftover in folder.glob("history.sqlite-*"):
        leftover.unlink()
    locked = subprocess.run(["chattr", "+i", str(db), str(folder)], capture_output=True)
    if locked.returncode != 0:
        pytest.skip(f"chattr +i not supported here: {locked.stderr!r}")
    try:
        result = run_cli("history", "demo", "--db", str(db))
    finally:
        subprocess.run(["chattr", "-i", str(folder), str(db)], check=True)
    assert result.returncode == 0, result.stderr
    assert "http" not in result.stderr and "running" in result.stdout


# ------------------------------------------------------------------ 8. exit codes, not tracebacks


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "http://[::1"], "Error: http://[::1: not a valid URL (Invalid IPv6 URL)"),
        (["crawl", "http://[::1", "--no-prefect"], "Error: http://[::1: not a valid URL to crawl"),
        (["check", "http://clinic.example:99999/"], "Error: http://clinic.example:99999/: not a"),
    ],
)
def test_a_malformed_url_is_one_error_line(args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_full_stdout_is_one_error_line(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(PAGE)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [CLI, "check", str(page)], stdout=full, stderr=subprocess.PIPE, text=True, timeout=30
        )
    assert result.returncode == 2
    assert result.stderr == "Error: cannot write: No space left on device\n"


def test_an_out_folder_that_cannot_be_made_is_one_error_line(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i not supported here")
    try:
        result = run_cli(
            "crawl", "http://127.0.0.1:9/", "--no-prefect", "--out", str(locked / "run")
        )
    finally:
        subprocess.run(["chattr", "-i", str(locked)], check=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"Error: {locked / 'run'}: "), result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_closed_stdout_is_a_quiet_exit_with_the_audits_code(tmp_path: Path, fmt: str) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(PAGE + b"<p>" + b"More words here. " * 2000 + b"</p>")
    proc = subprocess.Popen(
        [CLI, "check", str(page), "--format", fmt], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(1)
    proc.stdout.close()  # `| head -c1`
    stderr = proc.stderr.read().decode()
    assert proc.wait(30) == 0, stderr
    assert stderr == ""


def test_ctrl_c_exits_130(tmp_path: Path) -> None:
    import signal

    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)  # nobody writes: check waits for its deadline (60 s)
    proc = subprocess.Popen([CLI, "check", str(fifo)], stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(20) == 130
    assert proc.stderr is not None and "Interrupted." in proc.stderr.read()


# ------------------------------------------------------------------ 9. credentials in URLs


def test_a_redirect_to_credentials_is_recorded_redacted_and_not_followed(tmp_path: Path) -> None:
    from .test_fault_matrix import PAGE as FINE
    from .test_fault_matrix import check_run, read_csv, run_site

    def setup(server, offsite) -> None:  # type: ignore[no-untyped-def]
        base = server.base.replace("://", "://clinic:s3cret@")
        server.redirect("/to-creds", base + "/")
        server.redirect("/to-creds-new", base + "/fresh")
        server.page("/fresh", [base + "/linked-with-creds"])
        server.page("/linked-with-creds")

    links = ("/to-creds", "/to-creds-new")
    with run_site(tmp_path, links, setup=setup) as site:
        check_run(
            site,
            {
                "/": FINE,
                "/to-creds": ("301", "credentials", False),
                "/to-creds-new": ("301", "credentials", False),
                "/fresh": FINE,  # queued without its credentials
                "/linked-with-creds": FINE,
            },
        )
        assert site.server.hits("/") == 1  # the site is not crawled a second time
        for path in tmp_path.rglob("*"):  # the reports and the history
            if path.is_file():
                assert b"s3cret" not in path.read_bytes(), path
        found = [
            f for f in read_csv(site.out / "findings.csv") if f["code"] == "redirect_credentials"
        ]
        assert {site.rel(f["url"]) for f in found} == {"/to-creds", "/to-creds-new"}
        assert all("http://***@127.0.0.1:" in f["evidence"] for f in found)


# ------------------------------------------------------------------ 10. redirect budget


def _endless(h, query: str) -> None:  # type: ignore[no-untyped-def]
    """Every URL redirects to a fresh one, without end."""
    from urllib.parse import parse_qs

    n = int(parse_qs(query).get("n", ["0"])[0])
    h.reply(302, b"", "", {"Location": f"/endless?n={n + 1}"})


def test_an_endless_chain_of_fresh_redirects_ends_max_redirects_from_the_link(
    tmp_path: Path,
) -> None:
    from .test_fault_matrix import PAGE as FINE
    from .test_fault_matrix import check_run, run_site

    def setup(server, offsite) -> None:  # type: ignore[no-untyped-def]
        server.route("/endless", _endless)

    overrides = {"crawl.max_redirects": 4, "crawl.max_pages": 1000}
    with run_site(tmp_path, ("/endless?n=0",), setup=setup, overrides=overrides) as site:
        expected = {f"/endless?n={n}": ("302", "too_many_redirects", False) for n in range(5)}
        expected["/endless?n=5"] = ("", "too_many_redirects", False)
        check_run(site, {"/": FINE, **expected})
        assert site.server.hits("/endless") == 5  # was: until max_pages, 11 a step


def test_urls_first_met_as_redirect_hops_count_against_max_pages(tmp_path: Path) -> None:
    from .test_fault_matrix import run_site

    def setup(server, offsite) -> None:  # type: ignore[no-untyped-def]
        for k in range(4):
            server.redirect(f"/r{k}", f"/r{k}-a")
            server.redirect(f"/r{k}-a", f"/r{k}-b")
            server.page(f"/r{k}-b", [f"/more{k}"])
            server.page(f"/more{k}")

    links = tuple(f"/r{k}" for k in range(4))
    with run_site(tmp_path, links, setup=setup, overrides={"crawl.max_pages": 6}) as site:
        rows = {site.rel(r["url"]): r for r in site.inventory}
        # "/" and its four links were queued (5 of 6); their 8 hop URLs were fetched too
        # and count: the pages the hops lead to may link on, but nothing more is fetched.
        assert all(rows[f"/r{k}-b"]["audited"] == "true" for k in range(4))
        assert [rows[f"/more{k}"]["error"] for k in range(4)] == ["max_pages"] * 4
        assert not any(p.startswith("/more") for p in site.server.paths())


# ------------------------------------------------------------------ 11. binary Markdown


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_markdown_draft_of_random_bytes_is_refused(tmp_path: Path, seed: int) -> None:
    import random

    rng = random.Random(seed)
    data = bytes(rng.randrange(1, 256) for _ in range(65_536))  # no NUL
    draft = tmp_path / "draft.md"
    draft.write_bytes(data)
    result = run_cli("check", str(draft))
    assert result.returncode == 2, result.stdout[-300:]
    assert result.stderr == f"Error: {draft}: not a Markdown draft, the content is binary\n"


def test_a_markdown_draft_with_a_few_odd_characters_is_audited(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    text = "# Prolotherapy\n\nIt is an injection \x0b treatment.\ufffd\n" + "Ask us today.\n" * 40
    draft.write_text(text, encoding="utf-8")
    result = run_cli("check", str(draft), "--format", "json")
    assert result.returncode in (0, 1), result.stderr


# ------------------------------------------------------------------ 12. process hygiene


def _descendants(pid: int) -> set[int]:
    """Every live descendant of ``pid``, from /proc (zombies left out)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.add(child)
            todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize(("signame", "code"), [("SIGKILL", -9), ("SIGTERM", 143), ("SIGINT", 130)])
def test_no_audit_process_outlives_a_stopped_crawl(tmp_path: Path, signame: str, code: int) -> None:
    import signal

    from .faultserver import FaultServer

    with FaultServer(robots="plain") as server:
        server.drop_sitemaps()
        server.page("/", [f"/slow?n={n}" for n in range(20)])
        with open(tmp_path / "stderr", "wb") as err:
            proc = subprocess.Popen(
                [
                    CLI,
                    "crawl",
                    server.url("/"),
                    "--no-prefect",
                    "--workers",
                    "2",
                    "--out",
                    str(tmp_path / "run"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
            try:
                deadline = time.monotonic() + 20
                kids: set[int] = set()
                left: set[int] = set()
                while len(kids) < 3 and time.monotonic() < deadline:  # forkserver + 2 workers
                    time.sleep(0.2)
                    kids = _descendants(proc.pid)
                assert len(kids) >= 3, kids
                time.sleep(0.5)
                proc.send_signal(getattr(signal, signame))
                got = proc.wait(20)
                deadline = time.monotonic() + 10
                while _alive(kids) and time.monotonic() < deadline:
                    time.sleep(0.1)
                left = _alive(kids)
            finally:
                proc.kill()
                for pid in _alive(kids):  # never leave a process behind, even on failure
                    os.kill(pid, signal.SIGKILL)
        assert got == code
        assert not left, left
        if signame != "SIGKILL":
            assert "Traceback" not in (tmp_path / "stderr").read_text()


def test_a_worker_stuck_where_the_alarm_cannot_reach_is_stopped_by_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGALRM stops Python code and regular expressions; a worker stuck in C code (here:
    the alarm blocked) is killed by the parent past the budget, as a dead worker is."""
    from functools import partial

    from content_audit import pipeline, run
    from content_audit.config import load_config

    from .faultserver import FaultServer
    from .test_fault_matrix import TEST_CRAWL, read_csv
    from .workerdeath import audit_or_stall

    with FaultServer(robots="plain") as server:
        server.drop_sitemaps()
        server.page("/stuck")
        server.page("/fine")
        server.page("/", ["/stuck", "/fine"])
        stall = frozenset({server.url("/stuck")})
        monkeypatch.setattr(pipeline, "audit_pages", partial(audit_or_stall, stall=stall))
        config = load_config(overrides={**TEST_CRAWL, "crawl.audit_budget_s": 1.0})
        began = time.monotonic()
        summary = run.audit_site(server.url("/"), config, tmp_path / "run", workers=1)
        assert time.monotonic() - began < 40
    rows = {r["url"][len(server.base) :]: r for r in read_csv(tmp_path / "run" / "inventory.csv")}
    assert rows["/stuck"]["error"] == "audit_failed"
    assert rows["/fine"]["audited"] == "true"
    assert summary.audited == 2
    failed = [f for f in read_csv(tmp_path / "run" / "findings.csv") if f["code"] == "audit_failed"]
    assert len(failed) == 1 and "the worker was stopped" in failed[0]["evidence"]


def test_a_meta_refresh_to_credentials_is_recorded_like_a_redirect(tmp_path: Path) -> None:
    from .test_fault_matrix import PAGE as FINE
    from .test_fault_matrix import check_run, read_csv, run_site

    def setup(server, offsite) -> None:  # type: ignore[no-untyped-def]
        target = server.base.replace("://", "://clinic:s3cret@") + "/landing"
        server.static(
            "/refresh",
            f'<html><head><meta http-equiv="refresh" content="0; url={target}"></head></html>',
        )
        server.page("/landing")

    with run_site(tmp_path, ("/refresh",), setup=setup) as site:
        check_run(site, {"/": FINE, "/refresh": ("200", "credentials", False), "/landing": FINE})
        for path in tmp_path.rglob("*"):
            if path.is_file():
                assert b"s3cret" not in path.read_bytes(), path
        found = [
            f for f in read_csv(site.out / "findings.csv") if f["code"] == "redirect_credentials"
        ]
        assert [site.rel(f["url"]) for f in found] == ["/refresh"]


@pytest.fixture
def full_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MB tmpfs (root only): writing a site's reports fills it up."""
    mnt = tmp_path / "full"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.mark.parametrize("path", ["library", "flow"])
def test_a_full_disk_is_one_error_line_no_leftovers_and_a_failed_run(
    tmp_path: Path, full_filesystem: Path, path: str
) -> None:
    """Class 3 on a real full filesystem: the reports of a 59-page site do not fit in 1 MB.
    The flow's own log keeps one line for the failed run, without its traceback."""
    import sqlite3

    from content_audit.demo.server import SiteServer, read_redirects

    from .sites import copy_demo_site

    server = SiteServer(tmp_path / "site" / "www")
    copy_demo_site(tmp_path / "site", server.base_url)
    server.redirects = read_redirects(tmp_path / "site" / "redirects.tsv")
    out = full_filesystem / "run"
    history = tmp_path / "history.sqlite"  # on a disk with room: the run must be marked failed
    config = tmp_path / "audit.toml"
    config.write_text(f'[report]\nhistory = "{history}"\n', encoding="utf-8")
    with server:
        result = run_cli(
            "crawl", server.base_url + "/", "--out", str(out), "--config", str(config),
            *(["--no-prefect"] if path == "library" else []), cwd=tmp_path, timeout=240,
        )  # fmt: skip
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert [line for line in lines if line.startswith("Error:")] == [lines[-1]]
    assert len(lines) <= (1 if path == "library" else 2), lines
    assert str(full_filesystem) in lines[-1] and "No space left on device" in lines[-1]
    assert "Traceback" not in result.stderr
    leftovers = [p.name for p in full_filesystem.rglob("*") if p.is_file()]
    assert not [name for name in leftovers if name.endswith(".tmp")], leftovers
    with sqlite3.connect(history) as db:
        statuses = [row[0] for row in db.execute("SELECT status FROM runs")]
    assert statuses == ["failed"]
