"""The README says only what is true: its module lists, commands and make targets exist."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from content_audit.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PACKAGE = ROOT / "src" / "content_audit"


def _design_paragraph() -> str:
    start = README.index("The design: a pure core")
    end = README.find("\n\n", start)
    return README[start : end if end != -1 else None]


def test_the_design_paragraph_names_every_module_once() -> None:
    paragraph = _design_paragraph()
    core_part, shell_part = paragraph.split("and thin\nshells", 1)
    core = re.findall(r"`(\w+)`", core_part)
    shells = re.findall(r"`(\w+)`", shell_part.split("The core imports")[0])
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert sorted(core + shells) == sorted(modules | (packages - {"data"}))
    assert len(set(core + shells)) == len(core + shells)
    # The core is what the import-wall test loads: no shell module among them.
    assert not set(core) & {"crawl", "store", "pipeline", "report", "cli", "flows", "frames"}


def test_every_content_audit_command_in_the_readme_exists() -> None:
    commands = set(re.findall(r"^(?:.*\| )?content-audit (\w[\w-]*)", README, re.MULTILINE))
    assert commands >= {"check", "crawl", "demo", "serve", "history", "diff"}
    for command in commands:
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0, command


def test_every_make_target_in_the_readme_exists() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, re.MULTILINE))
    named = set(re.findall(r"^make ([\w-]+)", README, re.MULTILINE))
    assert named and named <= targets, named - targets
