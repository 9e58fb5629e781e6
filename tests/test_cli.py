"""The `content-audit check` command: output formats, exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from content_audit.cli import cli

from .conftest import FIXTURES

SEED = FIXTURES / "seed_prolotherapy.html"


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_check_json_contract_on_the_seed_page() -> None:
    code, out, _ = run("check", str(SEED), "--format", "json")
    data = json.loads(out)
    assert set(data) >= {
        "target",
        "url",
        "title",
        "kind",
        "score",
        "elements",
        "readability",
        "sections",
        "teasers",
        "recent_posts",
        "findings",
    }
    assert data["kind"] == "article"
    assert 0 <= data["score"] <= 100
    assert set(data["elements"]) == {"definition", "uses", "mechanism", "consult"}
    for element in data["elements"].values():
        assert element["present"] is True
        assert element["heading"] and element["evidence"]
    assert data["elements"]["definition"]["heading"] == "What Is Prolotherapy?"
    for key in ("flesch_kincaid_grade", "flesch_reading_ease", "smog_index", "words", "sentences"):
        assert key in data["readability"]
    assert len(data["teasers"]) == 6
    assert len(data["recent_posts"]) == 3
    assert all({"code", "severity", "message", "evidence"} <= set(f) for f in data["findings"])
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert code == (1 if errors else 0)


def test_check_text_scorecard_names_elements_and_teasers() -> None:
    code, out, _ = run("check", str(SEED))
    assert code in (0, 1)
    assert "Required elements" in out
    assert "What Is Prolotherapy?" in out
    assert "Flesch-Kincaid grade" in out
    assert "Teasers (6)" in out


def test_missing_element_exits_1_and_names_the_code(tmp_path: Path) -> None:
    html = SEED.read_text(encoding="utf-8")
    start = html.index('<h2 class="wp-block-heading">Confer With a Medical Expert')
    end = html.index("</p>", start) + len("</p>")
    page = tmp_path / "no-consult.html"
    page.write_text(html[:start] + html[end:], encoding="utf-8")
    code, out, _ = run("check", str(page), "--format", "json")
    data = json.loads(out)
    assert data["elements"]["consult"]["present"] is False
    assert "missing_consult" in {f["code"] for f in data["findings"]}
    assert code == 1


def test_fail_under_turns_a_low_score_into_exit_1() -> None:
    _, out, _ = run("check", str(SEED), "--format", "json")
    data = json.loads(out)
    assert not [f for f in data["findings"] if f["severity"] == "error"]
    score = data["score"]
    assert run("check", str(SEED), "--fail-under", str(score))[0] == 0
    assert run("check", str(SEED), "--fail-under", str(score + 1))[0] == 1


def test_markdown_draft_goes_through_the_same_pipeline(tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(
        "# Dry Needling\n\n"
        "## What Is Dry Needling?\n\nDry needling is a treatment in which a thin needle is "
        "placed in a tight muscle band.\n\n"
        "## What Is It Used For?\n\nIt is used for neck pain, back pain and tennis elbow.\n\n"
        "## How Does It Work?\n\nThe needle causes a twitch that relaxes the muscle and "
        "improves blood flow.\n\n"
        "## Talk to Your Doctor\n\nTalk to your physical therapist to see if dry needling "
        "is right for you.\n",
        encoding="utf-8",
    )
    _code, out, _ = run("check", str(draft), "--format", "json")
    data = json.loads(out)
    assert data["h1"] == ["Dry Needling"]
    assert all(e["present"] for e in data["elements"].values())


def test_stdin_dash_reads_html() -> None:
    code, out, _ = run("check", "-", "--format", "json", input=SEED.read_bytes())
    assert json.loads(out)["url"] is None
    assert code in (0, 1)


def test_url_target_over_loopback(static_server: str) -> None:
    _code, out, _ = run("check", f"{static_server}/seed_prolotherapy.html", "--format", "json")
    data = json.loads(out)
    assert data["url"] == f"{static_server}/seed_prolotherapy.html"
    assert len(data["teasers"]) == 6
    # "block" is added to each teaser; the original keys keep their names.
    assert set(data["teasers"][0]) == {"text", "href", "truncated", "title", "block"}
    assert {t["block"] for t in data["teasers"]} == {"related"}


def _assert_clean_error(code: int, out: str, err: str, needle: str) -> None:
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")
    assert needle in lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("empty.html", b"", "empty"),
        ("binary.html", bytes(range(256)) * 8, "binary"),
        ("scan.html", b"%PDF-1.4 binary stuff", "PDF"),
        ("notes.html", b"just words, no markup", "not HTML"),
        ("blank.html", b"<html><body>   </body></html>", "no text"),
    ],
)
def test_bad_files_exit_2_with_one_line(
    tmp_path: Path, name: str, content: bytes, needle: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    _assert_clean_error(*run("check", str(path)), needle)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    _assert_clean_error(*run("check", str(tmp_path / "nope.html")), "no such file")
    _assert_clean_error(*run("check", str(tmp_path)), "directory")


def test_huge_file_is_refused_with_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    chunk = b"<p>" + b"word " * 200 + b"</p>\n"
    with path.open("wb") as fh:
        fh.write(b"<html><body>")
        for _ in range(20 * 1024 * 1024 // len(chunk) + 1):
            fh.write(chunk)
    _assert_clean_error(*run("check", str(path)), "limit")


def test_huge_file_is_audited_when_the_limit_allows(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    body = "".join(f"<h2>Part {i}</h2><p>{'Plain words here. ' * 40}</p>" for i in range(300))
    path.write_text(f"<html><head><title>Big page</title></head><body>{body}</body></html>")
    code, out, _ = run("check", str(path), "--format", "json")
    assert code in (0, 1)
    assert json.loads(out)["readability"]["words"] > 10_000


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_latin1_and_utf16_pages(tmp_path: Path, encoding: str) -> None:
    html = SEED.read_text(encoding="utf-8").replace("’", "'").replace("…", "...")
    if encoding == "latin-1":
        html = html.replace('charset="UTF-8"', 'charset="iso-8859-1"').replace(
            "<title>", "<title>Prolothérapie · "
        )
    path = tmp_path / f"page-{encoding}.html"
    path.write_bytes(html.encode(encoding, errors="replace"))
    _code, out, _ = run("check", str(path), "--format", "json")
    data = json.loads(out)
    assert data["elements"]["definition"]["present"]
    if encoding == "latin-1":
        assert data["title"].startswith("Prolothérapie · ")


def test_malformed_markup_is_audited_not_crashed(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_text("<html><body><h1>Knee pain<h2>What Is It?<p>Unclosed <b><i>tags</p></div>")
    code, out, _ = run("check", str(path), "--format", "json")
    assert code in (0, 1)
    assert json.loads(out)["h1"]


def test_unreachable_and_404_urls(static_server: str) -> None:
    _assert_clean_error(*run("check", f"{static_server}/missing.html"), "404")
    _assert_clean_error(*run("check", "http://127.0.0.1:9/"), "127.0.0.1:9")


def test_unsupported_scheme_and_bad_config(tmp_path: Path) -> None:
    _assert_clean_error(*run("check", "ftp://127.0.0.1/x.html"), "http")
    bad = tmp_path / "bad.toml"
    bad.write_text("grade_targett = 3\n")
    _assert_clean_error(*run("check", str(SEED), "--config", str(bad)), "grade_targett")


def test_usage_error_exits_2() -> None:
    code, _, err = run("check")
    assert code == 2
    assert "Missing argument" in err


def test_json_has_per_section_grades() -> None:
    _, out, _ = run("check", str(SEED), "--format", "json")
    sections = json.loads(out)["readability"]["sections"]
    headings = [s["heading"] for s in sections]
    assert "How Does It Work?" in headings
    graded = [s for s in sections if s["grade"] is not None]
    assert graded and all(isinstance(s["grade"], float) for s in graded)


# --------------------------------------------------------------------------- --version, --help


def test_version_is_the_installed_distributions() -> None:
    import importlib.metadata
    import tomllib

    import content_audit

    installed = importlib.metadata.version("content-audit")
    root = Path(__file__).resolve().parents[1]
    declared = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert installed == declared["project"]["version"] == content_audit.__version__
    code, out, _ = run("--version")
    assert (code, out) == (0, f"content-audit, version {installed}\n")


def _help_examples() -> list[str]:
    code, out, _ = run("check", "--help")
    assert code == 0
    lines = out.split("Examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    return [line.strip() for line in lines if line.strip()]


def test_check_help_examples_run_as_shown(tmp_path: Path) -> None:
    """Every example of `check --help`, run by a shell in a folder holding the files it names
    (page.html, draft.md, audit.toml), with https://clinic.example served on loopback."""
    import os
    import shutil
    import subprocess
    import sys

    from content_audit.demo.server import SiteServer

    examples = _help_examples()
    assert len(examples) == 7 and all("content-audit check" in e for e in examples)
    www = tmp_path / "www"
    (www / "blog" / "prolotherapy").mkdir(parents=True)
    page = SEED.read_text(encoding="utf-8")
    (www / "index.html").write_text(page, encoding="utf-8")
    (www / "blog" / "prolotherapy" / "index.html").write_text(page, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    (work / "page.html").write_text(page, encoding="utf-8")
    (work / "draft.md").write_text(
        "# Prolotherapy\n\n## What Is Prolotherapy?\n\nProlotherapy is an injection that "
        "helps a joint heal.\n\n## When to See a Doctor\n\nCall us if the pain stays.\n",
        encoding="utf-8",
    )
    (work / "audit.toml").write_text("grade_target = 9.0\n", encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    fetch = "curl -s"
    if not shutil.which("curl"):  # the same fetch without curl
        fetch = (
            f"{sys.executable} -c 'import sys, urllib.request; "
            "sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())'"
        )
    with SiteServer(www) as server:
        for example in examples:
            command = example.replace("https://clinic.example", server.base_url)
            command = command.replace("curl -s", fetch)
            done = subprocess.run(
                ["bash", "-o", "pipefail", "-c", command],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode in (0, 1), (example, done.stderr)  # 2: unusable input
            assert "Error:" not in done.stderr, example
            shown = done.stdout or (work / "page-report.html").read_text(encoding="utf-8")
            assert "rolotherapy" in shown, example
    data = json.loads(
        subprocess.run(
            ["content-audit", "check", "page.html", "--format", "json"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    )
    assert data["kind"] == "article"
    assert (work / "page-report.html").read_text(encoding="utf-8").startswith("<!")


def test_crawl_of_a_script_only_start_page_exits_2_naming_where_to_start(
    tmp_path: Path,
) -> None:
    from .faultserver import FaultServer
    from .test_crawl import ROUTER

    with FaultServer() as server:
        server.static("/", ROUTER)
        server.page("/desktop/index.html")
        code, out, err = run(
            "crawl", server.url("/"), "--no-prefect", "--workers", "0", "--out", str(tmp_path)
        )
    _assert_clean_error(code, out, err, "only sends browsers on by script")
    assert f"start from {server.url('/mobile/index.html')} or " in err
    assert server.url("/desktop/index.html") in err
    assert not (tmp_path / "pages.csv").exists()  # no one-page report
    assert not (tmp_path / ".crawl-state.sqlite").exists()  # and nothing to resume


# --- check --url: the address a file is published at -------------------------------------------

_INDEX_PAGE = (
    "<html><head><title>Knee</title>{head}</head><body><main><h1>Knee</h1>"
    "<p>Health and wellness insights from our team.</p>"
    "<p><a href='/blog/knee-pain/'>Read the latest</a></p></main></body></html>"
)


def _page_file(tmp_path: Path, head: str = "") -> Path:
    page = tmp_path / "page.html"
    page.write_text(_INDEX_PAGE.format(head=head), encoding="utf-8")
    return page


def test_url_option_gives_a_file_its_address(tmp_path: Path) -> None:
    page = _page_file(tmp_path)
    _code, out, _ = run("check", str(page), "--format", "json")
    bare = json.loads(out)
    assert bare["url"] is None and bare["kind"] == "other"
    address = "https://clinic.example/category/knee/"
    _code, out, _ = run("check", str(page), "--url", address, "--format", "json")
    data = json.loads(out)
    assert data["url"] == address
    assert data["kind"] == "listing"  # the URL shape of an archive


def test_url_option_resolves_links(tmp_path: Path) -> None:
    """The address given is the one links resolve against (what the check command does)."""
    from content_audit.audit import audit_page
    from content_audit.config import load_config
    from content_audit.target import load_target

    page = _page_file(tmp_path)
    address = "https://clinic.example/category/knee/"
    document = load_target(str(page), load_config().crawl, address=address)
    audit = audit_page(document.html, document.url)
    assert [link.href for link in audit.page.links] == ["https://clinic.example/blog/knee-pain/"]
    assert all(link.internal for link in audit.page.links)


@pytest.mark.parametrize(
    ("head", "want"),
    [
        ('<link rel="canonical" href="https://clinic.example/blog/">', "listing"),
        ('<meta property="og:url" content="https://clinic.example/">', "other"),
    ],
)
def test_a_files_canonical_or_og_url_is_its_default_address(
    tmp_path: Path, head: str, want: str
) -> None:
    page = _page_file(tmp_path, head)
    _code, out, _ = run("check", str(page), "--format", "json")
    data = json.loads(out)
    assert data["kind"] == want
    assert data["url"].startswith("https://clinic.example/")
    # --url wins over the file's own word
    address = "https://clinic.example/tag/knee/"
    _code, out, _ = run("check", str(page), "--url", address, "--format", "json")
    assert json.loads(out)["url"] == address


def test_published_address_takes_absolute_canonical_then_og_url() -> None:
    from content_audit.target import published_address

    og = "<meta property='og:url' content='https://a.example/x/'>"
    assert published_address(f"<link rel='canonical' href='https://a.example/c/'>{og}") == (
        "https://a.example/c/"
    )
    assert published_address(f"<link rel='canonical' href='/relative/'>{og}") == (
        "https://a.example/x/"
    )
    assert published_address("<html><head><title>t</title></head></html>") is None


def test_url_option_with_stdin() -> None:
    address = "https://clinic.example/blog/prolotherapy/"
    _code, out, _ = run("check", "-", "--url", address, "--format", "json", input=SEED.read_bytes())
    assert json.loads(out)["url"] == address


@pytest.mark.parametrize(
    ("target", "address", "needle"),
    [
        ("https://clinic.example/x/", "https://clinic.example/y/", "--url is for files"),
        (str(SEED), "blog/x/", "not an absolute http(s) URL"),
    ],
)
def test_url_option_misuse_is_a_usage_error(target: str, address: str, needle: str) -> None:
    code, out, err = run("check", target, "--url", address)
    _assert_clean_error(code, out, err, needle)
