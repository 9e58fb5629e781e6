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
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from .config import AuditConfig, load_config
from .errors import ContentAuditError
from .model import PageAudit, Severity

_LOADED_AT = time.perf_counter()

F = TypeVar("F", bound=Callable[..., Any])
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class CliError(click.ClickException):
    """An error for the terminal: one line, exit code 2 unless told otherwise."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, exit_code: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click types it a ClassVar


def start_url(value: str) -> str:
    """The START argument of ``crawl``/``serve``: an http(s) URL, or one line "Error: ..."."""
    from .urls import check_url

    try:
        return check_url(value)
    except ValueError as exc:
        raise CliError(f"{value}: not a valid URL to crawl ({exc})") from None


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
# The installed distribution's version (importlib.metadata, read only for --version).
@click.version_option(package_name="content-audit", prog_name="content-audit")
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
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="Scorecard for people, the JSON contract for tools, or a standalone HTML page.",
)
@config_option
@click.option(
    "--fail-under",
    type=click.IntRange(0, 100),
    default=None,
    help="Exit 1 when the page score is below this.",
)
@click.option("--grade-target", type=float, default=None, help="Override the reading-grade target.")
@click.option(
    "--url",
    "address",
    default=None,
    metavar="URL",
    help="The address a file or stdin is published at: its URL shape helps tell an "
    "article from a listing or a home page, and its links resolve against it "
    "(default: the file's canonical link or og:url).",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Re-check the file each time it is saved and say what changed; Ctrl-C ends it.",
)
def check(
    target: str,
    fmt: str,
    config_path: Path | None,
    fail_under: int | None,
    grade_target: float | None,
    address: str | None,
    watch: bool,
) -> None:
    """Audit one page: an http(s) URL, an .html file, a Markdown draft (.md), or - for stdin.

    Exit 0 when the page has no error-severity finding, 1 when it has one or scores under
    --fail-under, 2 when the input is unusable (one line "Error: ..." on stderr).

    \b
    Examples:
      content-audit check https://clinic.example/blog/prolotherapy/
      content-audit check draft.md
      content-audit check page.html --format json
      content-audit check page.html --format html > page-report.html
      content-audit check page.html --url https://clinic.example/blog/x/
      curl -s https://clinic.example/ | content-audit check -
      content-audit check page.html --fail-under 80 --config audit.toml
    """
    config = build_config(config_path, {"grade_target": grade_target})
    if watch:
        if target == "-" or "://" in target:
            raise CliError("--watch needs a file: a URL or stdin is never saved")
        _watch(target, config, address, fmt)
        return
    audit, markdown = _audit_target(target, config, address)
    code = exit_code_for(audit, fail_under)
    try:
        _print_audit(audit, target, config, fmt, draft=markdown)
        sys.stdout.flush()
    except BrokenPipeError:  # `check ... | head -1`: the reader has what it wanted
        quiet_stdout()
    except SystemExit:  # rich's Console says the same with SystemExit(1), stdout silenced
        pass
    if code:
        sys.exit(code)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@config_option
@click.option(
    "--fail-under",
    type=click.IntRange(0, 100),
    default=None,
    help="Exit 1 when a page's score is below this.",
)
def drafts(files: tuple[Path, ...], config_path: Path | None, fail_under: int | None) -> None:
    """Check several drafts (Markdown or HTML files) at once, one summary line each.

    What the pre-commit hook runs on the changed drafts: exit 1 when any has an
    error-severity finding (or scores under --fail-under), 2 when one cannot be read.
    """
    from .rewrite import plan_rewrite

    config = build_config(config_path)
    worst = EXIT_OK
    for path in files:
        try:
            audit, _ = _audit_target(str(path), config, None)
        except CliError as exc:
            click.echo(f"{path}: Error: {exc.message}", err=True)
            worst = max(worst, EXIT_INPUT)
            continue
        code = exit_code_for(audit, fail_under)
        worst = max(worst, code)
        r = audit.readability
        plan = plan_rewrite(audit, config)
        line = (
            f"{path}: {audit.kind.value}, score {audit.score}/100, grade "
            f"{r.flesch_kincaid_grade:.1f} (target {config.grade_target:g}), "
            f"{audit.count(Severity.ERROR)} error(s), {audit.count(Severity.WARNING)} warning(s)"
        )
        if plan is not None and plan.needed:
            line += f"; rewrite {plan.needed} sentence(s) to reach the target"
        click.echo(line)
        for f in audit.findings:
            if f.severity is Severity.ERROR:
                click.echo(f"  error {f.code}: {f.message}")
    sys.exit(worst)


def _audit_target(target: str, config: AuditConfig, address: str | None) -> tuple[PageAudit, bool]:
    """Load and audit one target: (audit, whether it is a Markdown draft)."""
    from .audit import audit_as_draft, audit_page
    from .budget import BudgetExceeded, time_budget
    from .target import load_target

    try:
        document = load_target(target, config.crawl, address=address)
        with time_budget(config.crawl.audit_budget_s):
            audit = audit_page(document.html, document.url, config, today=date.today())
    except ContentAuditError as exc:
        raise CliError(str(exc)) from None
    except BudgetExceeded as exc:
        raise CliError(f"{target}: {exc}") from None
    if audit.page.words == 0 and not audit.page.title and not audit.page.h1:
        raise CliError(f"{target}: the page has no text to audit")
    if document.markdown:
        audit = audit_as_draft(audit, config)
    return audit, document.markdown


def _watch(target: str, config: AuditConfig, address: str | None, fmt: str) -> None:
    """``check --watch``: the full report once, then what changed at each save."""
    import time as time_module

    from .rewrite import plan_rewrite
    from .watch import describe_change, watch_file

    state: dict[str, Any] = {}

    def on_change() -> None:
        stamp = time_module.strftime("%H:%M:%S")
        try:
            audit, markdown = _audit_target(target, config, address)
        except CliError as exc:
            click.echo(f"[{stamp}] Error: {exc.message}", err=True)
            return
        plan = plan_rewrite(audit, config)
        needed = plan.needed if plan is not None else 0
        previous = state.get("audit")
        if previous is None:
            _print_audit(audit, target, config, fmt, draft=markdown)
            click.echo(f"[{stamp}] watching {target} (Ctrl-C to stop)")
        else:
            lines = describe_change(previous, audit, state["needed"], needed)
            click.echo(f"[{stamp}] saved: {lines[0]}")
            for line in lines[1:]:
                click.echo(line)
        sys.stdout.flush()
        state["audit"], state["needed"] = audit, needed

    watch_file(Path(target), on_change)


def _print_audit(
    audit: PageAudit, target: str, config: AuditConfig, fmt: str, *, draft: bool = False
) -> None:
    if fmt == "json":
        from .serialize import audit_to_dict

        doc = audit_to_dict(audit, target, config)
        doc["draft"] = draft
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    elif fmt == "html":
        from .report.html import render_page_html
        from .serialize import audit_to_dict

        click.echo(
            render_page_html(
                audit_to_dict(audit, target, config), grade_target=config.grade_target
            ),
            nl=False,
        )
    else:
        from .scorecard import print_scorecard

        print_scorecard(audit, target, config, draft=draft)


def exit_code_for(audit: PageAudit, fail_under: int | None) -> int:
    """1 when the page has an error-severity finding or scores under ``fail_under``."""
    if audit.count(Severity.ERROR) or (fail_under is not None and audit.score < fail_under):
        return EXIT_FINDINGS
    return EXIT_OK


# --- site commands ---


def site_options(func: F) -> F:
    """Flags shared by the site commands (crawl, demo), spelled once."""
    options = [
        click.option(
            "--workers",
            type=click.IntRange(0),
            default=None,
            help="Audit processes (default: one per core; 0 audits in the main process).",
        ),
        click.option(
            "--no-prefect",
            is_flag=True,
            help="Run the plain library path: no Prefect flow, no API server.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@cli.command()
@click.argument("start", callback=lambda ctx, param, value: start_url(value))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Report folder (default: reports/<host>/<UTC timestamp>/, with reports/<host>/latest).",
)
@click.option("--max-pages", type=click.IntRange(1), default=None, help="Fetch at most N pages.")
@config_option
@click.option(
    "--concurrency", type=click.IntRange(1), default=None, help="Requests in flight to the site."
)
@click.option(
    "--dask-address",
    default=None,
    help="Run the audit batches on this Dask scheduler (tcp://host:8786).",
)
@click.option(
    "--render",
    type=click.Choice(["auto", "always", "never"]),
    is_flag=False,
    flag_value="auto",
    default=None,
    help="Render pages in headless Chromium: 'auto' (the flag alone) renders script shells "
    "(single-page apps), 'always' every page (default: crawl.render, 'never').",
)
@click.option(
    "--axe",
    "axe_pages",
    type=click.IntRange(0),
    default=None,
    metavar="N",
    help="Run axe-core in Chromium on N pages, one per template (axe.csv).",
)
@site_options
def crawl(
    start: str,
    out: Path | None,
    max_pages: int | None,
    config_path: Path | None,
    concurrency: int | None,
    dask_address: str | None,
    render: str | None,
    axe_pages: int | None,
    workers: int | None,
    no_prefect: bool,
) -> None:
    """Crawl a site (or a sitemap URL), audit every HTML page, write CSV reports.

    Runs the Prefect flow "audit-site" and prints the report folder.
    """
    overrides = {
        "crawl.max_pages": max_pages,
        "crawl.concurrency": concurrency,
        "crawl.render": render,
        "crawl.axe_pages": axe_pages,
    }
    config = build_config(config_path, overrides)
    _require_browser(config)
    summary = run_site_audit(
        start,
        config,
        config_path,
        overrides,
        out=out,
        workers=workers,
        dask_address=dask_address,
        no_prefect=no_prefect,
    )
    _require_pages(start, summary)
    click.echo(_timing_line(summary, "the site"), err=True)
    _echo_idle_decisions(summary)
    click.echo(str(summary.out_dir))


@cli.command()
@click.option(
    "--reports",
    "reports_root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Reports go to <this>/demo/<UTC timestamp>/ (and <this>/demo/latest).",
)
@site_options
def demo(reports_root: Path, workers: int | None, no_prefect: bool) -> None:
    """Serve the bundled demo clinic site on 127.0.0.1 and audit it."""
    from .demo.server import serve_demo

    config = build_config(None)
    with serve_demo() as server:
        click.echo(f"Serving the demo clinic site on {server.base_url}/", err=True)
        summary = run_site_audit(
            server.base_url + "/",
            config,
            None,
            {},
            workers=workers,
            no_prefect=no_prefect,
            reports_root=reports_root,
            site_name="demo",
        )
    click.echo(_timing_line(summary, "the demo site"), err=True)
    click.echo(f"Reports: {summary.out_dir} (also {summary.out_dir.parent / 'latest'})")
    if summary.report is not None:
        click.echo(f"Open in a browser: {summary.report}")


@cli.command()
@click.argument("start", callback=lambda ctx, param, value: start_url(value))
@click.option("--cron", required=True, help='Schedule, e.g. "0 6 * * 1" (Mondays 06:00).')
@click.option("--name", default=None, help="Deployment name (default: audit-<host>).")
@click.option("--max-pages", type=click.IntRange(1), default=None, help="Fetch at most N pages.")
@config_option
def serve(
    start: str, cron: str, name: str | None, max_pages: int | None, config_path: Path | None
) -> None:
    """Serve a scheduled deployment of the audit-site flow (needs a Prefect server).

    Blocks, running each scheduled audit, until interrupted.
    """
    import os

    overrides = {"crawl.max_pages": max_pages}
    build_config(config_path, overrides)  # fail fast on a bad config
    _prefect_env()
    if not os.environ.get("PREFECT_API_URL"):
        click.echo(
            "Warning: PREFECT_API_URL is not set, so the schedule lives in a temporary server "
            "and stops with this process. Run `prefect server start` and set PREFECT_API_URL.",
            err=True,
        )
    from content_audit.flows.audit_site import serve_audit_site

    try:
        serve_audit_site(
            start,
            cron,
            name=name,
            overrides=overrides,
            config_path=str(config_path.resolve()) if config_path else None,
        )
    except (ContentAuditError, ValueError) as exc:
        raise CliError(str(exc)) from None


# --- history commands ---


def history_option(func: F) -> F:
    """``--db``: the history database, shared by ``history`` and ``diff``."""
    return click.option(
        "--db",
        default=None,
        help="History database: a path or sqlite:/// URL "
        "(default: report.history of the config, else reports/history.sqlite).",
    )(func)


@cli.command()
@click.argument("site")
@history_option
@config_option
def history(site: str, db: str | None, config_path: Path | None) -> None:
    """List the recorded runs of SITE (its host, or "demo"), newest first."""
    from .report.history import format_runs, open_history

    config = build_config(config_path)
    try:
        with open_history(db, config) as conn:
            from .store import list_runs

            runs = list_runs(conn, site)
    except ContentAuditError as exc:
        raise CliError(str(exc)) from None
    if not runs:
        raise CliError(f"no recorded runs of {site}")
    click.echo(format_runs(runs))


@cli.command()
@click.argument("run_a", type=int)
@click.argument("run_b", type=int)
@history_option
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv"]),
    default="text",
    show_default=True,
    help="A summary for people, or changes.csv rows.",
)
def diff(run_a: int, run_b: int, db: str | None, config_path: Path | None, fmt: str) -> None:
    """What changed from run RUN_A to run RUN_B (ids from `content-audit history`)."""
    from .report.history import format_changes, open_history, write_changes

    config = build_config(config_path)
    try:
        with open_history(db, config) as conn:
            from .store import diff_runs, get_run

            before, after = get_run(conn, run_a), get_run(conn, run_b)
            changes = diff_runs(conn, run_a, run_b)
    except ContentAuditError as exc:
        raise CliError(str(exc)) from None
    if fmt == "csv":
        write_changes(sys.stdout, changes)
    else:
        click.echo(format_changes(before, after, changes))


@cli.command()
@click.argument("site")
@history_option
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv", "json"]),
    default="text",
    show_default=True,
    help="A table for people, CSV (one code:<code> column per finding code) or JSON.",
)
@click.option("--last", type=click.IntRange(1), default=None, help="Only the last N runs.")
def trends(site: str, db: str | None, config_path: Path | None, fmt: str, last: int | None) -> None:
    """Per complete run of SITE: pages, articles, share with all four elements, median
    grade, errors and warnings by code, pages that got worse."""
    from .report.history import open_history
    from .report.trends import format_trends, site_trends, trends_csv, trends_json

    config = build_config(config_path)
    try:
        with open_history(db, config) as conn:
            table = site_trends(conn, site, last)
    except ContentAuditError as exc:
        raise CliError(str(exc)) from None
    if table.runs.empty:
        raise CliError(f"no complete runs of {site}")
    if fmt == "csv":
        click.echo(trends_csv(table), nl=False)
    elif fmt == "json":
        click.echo(trends_json(table))
    else:
        click.echo(format_trends(site, table))


def _prefect_env() -> None:
    """Prefect settings that must be in the environment before Prefect is imported.

    Prefect's own log level follows -v/-q (WARNING by default: the progress bar and the
    final summary are what a maintainer reads; -v shows the per-batch flow logs), unless
    PREFECT_LOGGING_LEVEL is already set.
    """
    import os

    from content_audit.flows import set_prefect_env_defaults

    set_prefect_env_defaults()
    level = logging.getLogger().getEffectiveLevel()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", logging.getLevelName(level))


def run_site_audit(
    start: str,
    config: AuditConfig,
    config_path: Path | None,
    overrides: dict[str, Any],
    *,
    out: Path | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    no_prefect: bool = False,
    reports_root: Path = Path("reports"),
    site_name: str | None = None,
) -> Any:
    """Run the site audit (the flow, or the library path), with a progress bar on a tty."""
    from .pipeline import progress_hook
    from .run import audit_site

    with _progress_bar() as progress:
        try:
            if no_prefect:
                return audit_site(
                    start,
                    config,
                    out,
                    progress=progress,
                    workers=workers,
                    reports_root=reports_root,
                    site_name=site_name,
                )
            began = time.perf_counter()
            _prestart_forkserver(config, workers, dask_address)
            _prefect_env()
            from content_audit.flows.server import prestart_shared_server

            prestart_shared_server()  # starts while Prefect is imported (flows/server.py)
            from content_audit.flows.audit_site import run_audit_site

            if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
                for name in ("prefect.flow_runs", "prefect.task_runs"):
                    logging.getLogger(name).addFilter(_no_traceback)
            token = progress_hook.set(progress)
            try:
                summary = run_audit_site(
                    start,
                    out_dir=out,
                    config_path=config_path,
                    overrides={k: v for k, v in overrides.items() if v is not None},
                    workers=workers,
                    dask_address=dask_address,
                    reports_root=reports_root,
                    site_name=site_name,
                )
                spent = time.perf_counter() - began
                _PREFECT_S[id(summary)] = max(0.0, spent - summary.elapsed_s)
                return summary
            finally:
                progress_hook.reset(token)
        except ContentAuditError as exc:
            raise CliError(str(exc)) from None
        except OSError as exc:
            if exc.filename is None and exc.errno is not None:
                # A write to an open report file ("No space left on device") names no file:
                # name the folder the run was writing, for the one-line error.
                raise OSError(exc.errno, exc.strerror, str(out or reports_root)) from None
            raise


def _prestart_forkserver(
    config: AuditConfig, workers: int | None, dask_address: str | None
) -> None:
    """Start the audit pool's forkserver before Prefect is imported
    (``pipeline.prestart_forkserver``); not for a run on Dask or without audit processes."""
    from .pipeline import prestart_forkserver

    if dask_address or config.crawl.dask_address or workers == 0:
        return
    prestart_forkserver()


def _no_traceback(record: logging.LogRecord) -> bool:
    """Prefect logs a failed flow or task run with its traceback; the command line reports
    the failure itself in one ``Error:`` line, so the record keeps its message (the
    exception's name) and loses the traceback (``-vv`` keeps it)."""
    record.exc_info = None
    record.exc_text = None
    return True


_PREFECT_S: dict[int, float] = {}
"""Prefect's share of the wall time by summary id (set by ``run_site_audit``)."""


def process_age_s() -> float:
    """Seconds since this process started (Linux ``/proc``; else since the CLI loaded)."""
    try:
        with open("/proc/self/stat") as stat:
            started_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as uptime:
            up_s = float(uptime.read().split()[0])
        return max(0.0, up_s - started_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _LOADED_AT


def _timing_line(summary: Any, what: str) -> str:
    """Whole wall time of the command, and apart the audit's own time and Prefect's."""
    prefect_s = _PREFECT_S.get(id(summary))
    prefect = "" if prefect_s is None else f", Prefect start-up and bookkeeping {prefect_s:.1f} s"
    return (
        f"Audited {summary.audited} pages ({summary.urls} URLs) of {what} in "
        f"{process_age_s():.1f} s (audit {summary.elapsed_s:.1f} s{prefect})."
    )


def _echo_idle_decisions(summary: Any) -> None:
    idle = getattr(summary, "idle_decisions", ())
    if idle:
        click.echo(
            f"Decisions that matched nothing ({len(idle)}): {', '.join(idle)}; "
            "see report.html to clean them up.",
            err=True,
        )


def _require_browser(config: Any) -> None:
    """``--render``/``--axe`` without Chromium (or Playwright): one line, exit 2."""
    from .render import check_browser, wants_browser

    if wants_browser(config):
        try:
            check_browser(config.crawl)
        except ContentAuditError as exc:
            raise CliError(str(exc)) from None


def _require_pages(start: str, summary: Any) -> None:
    """A crawl that audited nothing had unusable input: say why, exit 2."""
    if summary.audited == 0:
        why = ", ".join(f"{code}: {n}" for code, n in summary.errors) or "no HTML page found"
        raise CliError(f"{start}: no page could be audited ({why}); see {summary.out_dir}")


@contextmanager
def _progress_bar() -> Iterator[Callable[[Any, int], None] | None]:
    """A rich progress bar on stderr when it is a terminal; ``None`` otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("crawling", total=None)

        def update(tally: Any, pending: int) -> None:
            bar.update(
                task,
                completed=tally.urls,
                total=tally.urls + pending,
                description=f"{tally.audited} pages audited",
            )

        yield update


EXIT_INTERRUPTED = 130
"""128 + SIGINT, what a shell reports for a command stopped by Ctrl-C."""


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``content-audit`` script: click's own ``main`` turns Ctrl-C into
    "Aborted!" and exit 1, a closed stdout into exit 1, and any other OSError (a full
    disk, a read-only ``--out``) into a traceback; here they follow the README's exit codes."""
    import signal

    stopped: list[int] = []

    def terminate(signum: int, frame: object) -> None:
        # SIGTERM (a service manager, ``kill``) stops a run the way Ctrl-C does: context
        # managers close the crawl, the pool and the reports; then exit 128 + 15.
        stopped.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    code = run_cli(sys.argv[1:] if argv is None else argv)
    if stopped and code == EXIT_INTERRUPTED:
        code = 128 + stopped[0]
    skip_final_collection()
    sys.exit(code)


def skip_final_collection() -> None:
    """The process is about to end: keep the interpreter's shutdown from walking every
    object it ever made (``gc.freeze``: frozen objects are ignored by the cyclic garbage
    collector, still freed by reference counting as modules are torn down).

    With Prefect imported (a flow run: ~1,900 modules, pydantic models by the hundred)
    that last walk took 0.3 s of the command's wall time, after its summary line was
    printed (measured, issue #20); without Prefect, a few milliseconds.  Files and
    connections are closed by then (context managers, ``finally``), and objects alive at
    exit are not guaranteed a finalizer by Python anyway."""
    import gc

    gc.freeze()


def run_cli(args: list[str]) -> int:
    """Run the command line ``args``; return the exit code."""
    code = EXIT_OK
    try:
        try:
            with cli.make_context("content-audit", list(args)) as ctx:
                cli.invoke(ctx)
        except click.exceptions.Exit as exc:
            code = exc.exit_code
        except SystemExit as exc:
            if exc.code is not None and not isinstance(exc.code, int):
                raise
            code = exc.code or EXIT_OK
        except click.ClickException as exc:
            exc.show()
            code = exc.exit_code
        except (click.Abort, KeyboardInterrupt):
            click.echo("Interrupted.", err=True)
            code = EXIT_INTERRUPTED
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename is not None else "cannot write: "
        click.echo(f"Error: {where}{exc.strerror or exc}", err=True)
        code = EXIT_INPUT
    return code


def quiet_stdout() -> None:
    """After a broken pipe: send what is still buffered for stdout nowhere, so the
    interpreter's last flush does not fail again (and print a traceback)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)


if __name__ == "__main__":  # pragma: no cover
    main()
