"""The public surface and the walls of the core."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import content_audit

EXPECTED_ALL = [
    "AuditConfig",
    "ConfigError",
    "ContentAuditError",
    "ElementResult",
    "FetchError",
    "Finding",
    "InputError",
    "Kind",
    "Link",
    "Page",
    "PageAudit",
    "Readability",
    "RecentPost",
    "RunFrames",
    "Section",
    "Severity",
    "StoreError",
    "Teaser",
    "__version__",
    "audit_page",
    "load_config",
    "load_run",
]


def test_all_is_pinned_and_sorted() -> None:
    assert content_audit.__all__ == EXPECTED_ALL
    for name in content_audit.__all__:
        assert hasattr(content_audit, name), name


FORBIDDEN_IN_CORE = ["prefect", "requests", "sqlite3", "click", "jinja2", "pandas", "nltk", "rich"]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_core_imports_no_shell_library() -> None:
    """Auditing a page must not pull in the crawler's, reports' or Prefect's libraries."""
    loaded = _modules_after(
        "from content_audit.audit import audit_page\n"
        "audit_page('<html><body><h1>X</h1><p>Text here.</p></body></html>', None)"
    )
    leaked = [m for m in FORBIDDEN_IN_CORE if m in loaded]
    assert leaked == []


def test_package_import_stays_cheap() -> None:
    """`import content_audit` (load_run included) loads neither pandas nor Prefect."""
    loaded = _modules_after("import content_audit\nfrom content_audit import load_run")
    assert [m for m in ("pandas", "prefect", "requests", "jinja2") if m in loaded] == []


def test_cli_import_does_not_load_prefect() -> None:
    loaded = _modules_after("import content_audit.cli")
    assert "prefect" not in loaded
    assert "pandas" not in loaded


def test_the_wheel_installs_content_audit_alone(tmp_path: Path) -> None:
    """What `pip install .` installs: one top-level package, typed, with its data; the
    top-level flows/ folder (deployment entry points) stays in the repository."""
    import shutil
    import zipfile

    root = Path(__file__).resolve().parents[1]
    source = tmp_path / "src-copy"  # build there: a build leaves build/ beside the sources
    shutil.copytree(
        root,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "reports", "build", "*.egg-info", "__pycache__", ".*_cache"
        ),
    )
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"),
            *("--no-index", "-w", str(tmp_path / "dist"), str(source)),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = (tmp_path / "dist").glob("content_audit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/", 1)[0] for name in names}
    assert top == {"content_audit", f"content_audit-{content_audit.__version__}.dist-info"}
    assert "content_audit/py.typed" in names
    assert "content_audit/flows/audit_site.py" in names
    assert "content_audit/demo/site/www/index.html" in names
    assert "content_audit/data/default.toml" in names
