"""The ``content-audit`` command: a thin shell over the library.

Each command builds the configuration, calls one library function and renders the result.
Library errors (``ContentAuditError``) become one line "Error: ..." on stderr with exit
code 2; nothing else in the package exits or prints.  Site commands import Prefect lazily,
so ``content-audit check`` never pays for it.

Exit codes: 0 no error-severity finding; 1 error findings, or a score under --fail-under;
2 unusable input, usage or configuration error.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .config import AuditConfig, load_config
from .errors import ContentAuditError
from .model import PageAudit, Severity

F = TypeVar("F", bound=Callable[..., Any])
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class CliError(click.ClickException):
    """An error for the terminal: one line, exit code 2 unless told otherwise."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, exit_code: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def config_option(func: F) -> F:
    """``--config FILE``, shared by every command that audits."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="TOML config file (overrides [tool.content-audit] in ./pyproject.toml).",
    )(func)


def build_config(config_path: Path | None, overrides: dict[str, Any] | None = None) -> AuditConfig:
    """Load the configuration layers once, turning config errors into a CLI error."""
    try:
        return load_config(
            config_path, pyproject=Path.cwd() / "pyproject.toml", overrides=overrides
        )
    except ContentAuditError as exc:
        raise CliError(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="content-audit")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors in the log.")
def cli(verbose: int, quiet: bool) -> None:
    """Audit a clinic's patient-education articles."""
    level = (
        logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    )
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


@cli.command()
@click.argument("target")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Scorecard for people, or the JSON contract for tools.",
)
@config_option
@click.option(
    "--fail-under",
    type=click.IntRange(0, 100),
    default=None,
    help="Exit 1 when the page score is below this.",
)
@click.option("--grade-target", type=float, default=None, help="Override the reading-grade target.")
def check(
    target: str,
    fmt: str,
    config_path: Path | None,
    fail_under: int | None,
    grade_target: float | None,
) -> None:
    """Audit one page: an http(s) URL, an .html file, a Markdown draft (.md), or - for stdin."""
    from .audit import audit_page
    from .target import load_target

    config = build_config(config_path, {"grade_target": grade_target})
    try:
        document = load_target(target, config.crawl)
        audit = audit_page(document.html, document.url, config)
    except ContentAuditError as exc:
        raise CliError(str(exc)) from None
    if audit.page.words == 0 and not audit.page.title and not audit.page.h1:
        raise CliError(f"{target}: the page has no text to audit")
    if fmt == "json":
        from .serialize import audit_to_dict

        click.echo(json.dumps(audit_to_dict(audit, target), indent=2, ensure_ascii=False))
    else:
        from .scorecard import print_scorecard

        print_scorecard(audit, target, config)
    code = exit_code_for(audit, fail_under)
    if code:
        sys.exit(code)


def exit_code_for(audit: PageAudit, fail_under: int | None) -> int:
    """1 when the page has an error-severity finding or scores under ``fail_under``."""
    if audit.count(Severity.ERROR) or (fail_under is not None and audit.score < fail_under):
        return EXIT_FINDINGS
    return EXIT_OK


# --- site commands ---


def main() -> None:
    """Entry point of the ``content-audit`` script."""
    cli(prog_name="content-audit")


if __name__ == "__main__":  # pragma: no cover
    main()
