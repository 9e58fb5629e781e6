"""The ``audit-site`` Prefect flow: the run driver's steps (``content_audit.run``) as tasks.

The flow builds a ``SiteRun`` and hands it to ``run.drive`` with ``task_step``, which runs
each named step in its task: discover -> (fetch a batch, audit it in a task) x N -> site
checks -> write outputs -> reports -> publish (``latest``); then the flow's own concerns,
the alert and the artifacts.  The order of the steps, their failure handling and clean-up
live in the driver, once for this flow and the library path (``--no-prefect``).

Design by measurement (Prefect 3.9 on a 2-core machine): a task run costs ~4 ms in the
client and ~20 ms of API-server CPU (its three state events go through the server's task
run recorder), and on a CPU-bound crawl that CPU is taken from the audit workers.  So
there is one audit task per *batch*, never one per page, and batches grow from
``crawl.batch_size`` to ``crawl.max_batch_size`` pages: a 1k-page site takes 5 audit
tasks, 10k pages ~50 (larger batches cost the library path speed and memory, measured).
The default thread task runner has no worker cap, so the flow's runner is capped; logging
is per batch.  The audit task sends pages to the pipeline's process pool (parsing is
CPU-bound and GIL-bound), or, with a Dask address, runs on the Dask cluster through
``prefect_dask.DaskTaskRunner``.

Fetching a batch is not a task: it runs in the flow's thread, next to the crawler's
frontier, robots cache and connection pool, and never raises (each URL's retries,
politeness and failures are the crawler's, and every failure is a row of the inventory),
so a task would add nothing but its task run (half the flow's task runs, measured: the
API server's CPU per 1k pages went from 1.35 s to 0.55 s without it and with growing
batches).  Audit tasks are submitted, so the next batch is fetched while the previous one
is audited.  Tasks receive and return records and paths, never DataFrames; tasks use
``NO_CACHE`` so Prefect never hashes page HTML for a cache key.

The cross-page checks need every page's digest: each audit task returns them with its
outcomes (computed where the audit ran, in the process pool or on a Dask worker), and the
flow folds them into the run's ``SiteCollector`` that never leaves the flow's process and
keeps the digests in a scratch file in the report folder (``spill.DigestSpill``, deleted
when the flow ends, also when it fails), as the library path does.  The ``site-checks``
task runs after the last batch, in the flow's thread, and writes its findings to the
run's store (and the history) before ``write-outputs`` renders the row files from it, so
``write-reports`` sees them.

Tasks take the run quoted (``quote``: Prefect never walks it looking for futures) and
return small values (counts, paths) for Prefect to record; what a step produced stays on
the run.

A head start (issue #20): a flow run needs its API server, and on a first run that server
takes seconds of CPU to start.  ``run_audit_site`` does not wait idle: while the server
starts it opens the run, discovers, fetches and audits batches (``run.head_start``, in this
thread, in the driver's order), and the flow takes the same ``SiteRun`` over once the
server answers, after the batch in hand.  The batches audited before the flow run existed
cannot have task runs; the flow records them, once it starts, as its ``head-start`` task
run (what was done and in how many seconds) and a log line, so the flow run accounts for
every page.  With a server that answers at once (a later run), a configured API or Dask,
there is no head start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from content_audit.flows import set_prefect_env_defaults
from content_audit.flows.server import shared_server_keep_s, temporary_api_server

set_prefect_env_defaults()

from prefect import flow, task  # noqa: E402 - the env defaults must be set first
from prefect.artifacts import (  # noqa: E402
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.logging import get_run_logger  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from content_audit import pipeline  # noqa: E402
from content_audit import run as run_driver  # noqa: E402
from content_audit.alerts import alert_run  # noqa: E402
from content_audit.config import AuditConfig, load_config  # noqa: E402
from content_audit.exporters import ReportResult, published  # noqa: E402
from content_audit.exporters.artifact import (  # noqa: E402
    MARKDOWN,
    TABLE,
    Artifact,
)
from content_audit.exporters.artifact import (  # noqa: E402
    artifact_markdown as summary_markdown,  # noqa: F401 - the name tests and tools import
)
from content_audit.model import FetchResult  # noqa: E402
from content_audit.pipeline import (  # noqa: E402
    DEFAULT_REPORTS_ROOT,
    AuditFuture,
    AuditOutcome,
    PendingAudit,
    SiteRunSummary,
    Tally,
    audit_batch,
    chrome_of,
)
from content_audit.run import HeadStart, SiteRun, drive, head_start  # noqa: E402

FLOW_NAME = "audit-site"
TASK_WORKERS = 4
"""Threads of the flow's task runner: a couple of audit batches in flight, never thousands."""
DISCOVER_RETRIES = 2


@task(name="discover", cache_policy=NO_CACHE, retries=DISCOVER_RETRIES, retry_delay_seconds=2)
def discover_task(run: SiteRun) -> int:
    """robots.txt and sitemaps: seed the frontier; the number of URLs refused on the spot."""
    return run.discover()


@task(name="head-start", cache_policy=NO_CACHE)
def head_start_task(head: HeadStart) -> dict[str, Any]:
    """What the run did before this flow run existed, recorded once it does.

    On a first run the flow's API server takes seconds to start; meanwhile the run
    discovers, crawls and audits (``run.head_start``).  Those steps ran in no task: this
    task run records them (discovery, the batches and pages audited, the seconds), so the
    flow run's task runs plus this one account for every page."""
    return asdict(head)


@task(name="audit-batch", cache_policy=NO_CACHE)
def audit_batch_task(
    results: Sequence[FetchResult],
    config: AuditConfig,
    executor: Executor | None = None,
    chrome: frozenset[str] = frozenset(),
) -> list[AuditOutcome]:
    """Audit a fetched batch: in the process pool locally, in the worker itself on Dask.

    ``chrome``: the site template's lines (``pipeline.SiteTemplate``), dropped from each page.
    """
    return audit_batch(results, config, executor, chrome)


@task(name="site-checks", cache_policy=NO_CACHE)
def site_checks_task(run: SiteRun) -> tuple[tuple[str, int], ...]:
    """Cross-page checks (``sitechecks.CHECKS``) into the run's store.

    Returns the number of findings per code, not the findings: they are in the file.
    """
    return run.site_checks()


@task(name="write-outputs", cache_policy=NO_CACHE)
def write_outputs_task(run: SiteRun) -> list[str]:
    """Render the four CSV files and ``pages.jsonl`` from the run's store, into place."""
    return run.write_outputs()


@task(name="write-reports", cache_policy=NO_CACHE)
def write_reports_task(run: SiteRun) -> ReportResult:
    """Complete the run in the history (changes.csv), then the exporters (report.html, ...)."""
    return run.write_reports()


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(run: SiteRun) -> str:
    """Point ``latest`` at the run: last, once report.html and the history are written, so
    ``latest`` never names a run folder without its report (as on the library path)."""
    return run.publish()


def task_step(run: SiteRun, step: str) -> Any:
    """The flow's ``run.StepCall``: a step in its task; ``audit_batches`` in the flow's thread.

    The crawl loop is not a task (see the module's docstring): its audit tasks are
    submitted from it, one per batch (``_submit_audit``).  The tasks are looked up here,
    when the step runs, so a test can wrap one (``test_flow.py`` checks ``latest`` around
    each)."""
    tasks: dict[str, Any] = {
        "discover": discover_task,
        "site_checks": site_checks_task,
        "write_outputs": write_outputs_task,
        "write_reports": write_reports_task,
        "publish": publish_task,
    }
    task_of = tasks.get(step)
    if task_of is None:
        return getattr(run, step)()
    return task_of(quote(run))


@task(name="send-alert", cache_policy=NO_CACHE)
def alert_task(
    config: AuditConfig, site: str, start: str, out_dir: Path, reports: ReportResult
) -> str:
    """One digest when the run regressed (``alerts.py``); its Markdown for the artifact."""
    changes = reports.comparison.changes if reports.comparison else ()
    return alert_run(
        config.alerts.block,
        config.alerts.clicks_csv,
        site,
        start,
        out_dir,
        reports.report,
        changes,
    )


@task(name="publish-artifacts", cache_policy=NO_CACHE)
def publish_artifacts_task(summary: SiteRunSummary) -> None:
    """Post what the registry's publishers render of the run (``exporters.published``: a
    markdown summary, a table of the worst pages, links to the report folder and report)."""
    for publisher in published():
        for artifact in publisher.render(summary):
            post_artifact(artifact)


def post_artifact(artifact: Artifact) -> None:
    """One rendered artifact, posted with the Prefect call of its kind."""
    if artifact.kind == MARKDOWN:
        create_markdown_artifact(
            key=artifact.key, markdown=artifact.markdown, description=artifact.description
        )
    elif artifact.kind == TABLE:
        create_table_artifact(
            key=artifact.key, table=list(artifact.table), description=artifact.description
        )
    else:
        create_link_artifact(
            key=artifact.key,
            link=artifact.link,
            link_text=artifact.link_text,
            description=artifact.description,
        )


@flow(
    name=FLOW_NAME,
    task_runner=ThreadPoolTaskRunner(max_workers=TASK_WORKERS),
    log_prints=False,
)
def audit_site_flow(
    start: str,
    out_dir: str | None = None,
    config_path: str | None = None,
    overrides: dict[str, Any] | None = None,
    workers: int | None = None,
    reports_root: str = str(DEFAULT_REPORTS_ROOT),
    site_name: str | None = None,
) -> SiteRunSummary:
    """Crawl ``start`` (a site or sitemap URL), audit every HTML page, write the CSVs.

    ``config_path`` and ``overrides`` (dotted keys, e.g. ``{"crawl.max_pages": 50}``) layer
    over the shipped defaults and ``./pyproject.toml``.  ``workers`` is the number of audit
    processes (default one per core; 0 audits in the task's own thread); it is ignored on
    Dask, where the cluster's workers do the auditing.  Without ``out_dir`` the reports go
    to ``<reports_root>/<site_name or host>/<UTC timestamp>/`` and ``latest`` points there.
    """
    logger = get_run_logger()
    # Through the module: a ContextVar global would make this function unpicklable for Dask.
    progress = pipeline.progress_hook.get()
    on_dask = _on_dask()

    def submit(run: SiteRun, results: list[FetchResult]) -> AuditFuture:
        chrome = chrome_of(run.template)
        return _submit_audit(results, run.config, run.executor, on_dask, chrome)

    def on_batch(number: int, tally: Tally, seconds: float) -> None:
        logger.info(
            "batch %d done in %.1f s: %d URLs met, %d pages audited, %d failed",
            number,
            seconds,
            tally.urls + run.discovered.urls,
            tally.audited,
            tally.failed,
        )

    begun = run_driver.head_started.get()  # through the module, as progress_hook
    run: SiteRun
    if begun is not None and not begun.driven and begun.start == start and not on_dask:
        # Begun while the API server started (``run_audit_site``): this flow run takes
        # it over; the next batches are audit tasks, logged per batch.
        run = begun
        run.submit = submit
        run.on_batch = on_batch
    else:
        run = SiteRun(
            start,
            load_config(config_path, pyproject=Path.cwd() / "pyproject.toml", overrides=overrides),
            out_dir or None,  # "" from a deployment form: the default folder
            reports_root=reports_root,
            site_name=site_name,
            workers=workers,
            local_pool=not on_dask,
            progress=progress,
            submit=submit,
            window=4 if on_dask else 2,
            on_batch=on_batch,
        )
    logger.info("crawling %s into %s", start, run.out_dir)
    if run.head is not None:
        head_start_task(run.head)
        logger.info(
            "head start while the API server started (%.1f s): %s%d batches, %d URLs "
            "fetched, %d pages audited; they have no task runs of their own",
            run.head.seconds,
            "discovery, " if run.head.discovered else "",
            run.head.batches,
            run.head.fetched,
            run.head.pages,
        )
    summary = drive(run, task_step)
    reports = run.reports
    assert reports is not None
    summary = replace(
        summary, alert_markdown=alert_task(run.config, run.site, start, run.out_dir, reports)
    )
    publish_artifacts_task(summary)
    logger.info(
        "%d pages audited (%d URLs met) in %.1f s; reports in %s",
        summary.audited,
        summary.urls,
        summary.elapsed_s,
        run.out_dir,
    )
    return summary


def _submit_audit(
    results: list[FetchResult],
    config: AuditConfig,
    executor: Executor | None,
    on_dask: bool,
    chrome: frozenset[str] = frozenset(),
) -> AuditFuture:
    """An audit task for a batch, unless the batch is smaller than ``crawl.batch_size``.

    Small batches come from the end of a crawl that walks a chain of links (blog
    pagination: each level's links are known only once the previous level is audited), one
    2-page batch per level: 110 levels on a 10k-page sitegen site.  As task runs they cost
    more than their audit (a task run's API-server CPU alone is ~20 ms, a 2-page audit
    ~10 ms), so they go straight to the process pool; their pages are in every report all
    the same.  On Dask, a task is how work reaches the cluster: every batch is one.
    """
    if len(results) < config.crawl.batch_size and not on_dask:
        return PendingAudit(results, config, executor, chrome=chrome)
    # quote(): the pages' HTML is not walked for futures (twice per task); not on Dask,
    # which would unpack the quote's tuple into its task graph.
    return HandedOver(
        audit_batch_task.submit(results if on_dask else quote(results), config, executor, chrome)
    )


class HandedOver:
    """An audit task's future whose result is handed over to the flow, then dropped by Prefect.

    Prefect keeps a task's return value in a ``ResultRecord`` that sits in a reference cycle
    (with the run's state and engine), so it is freed only by the cyclic garbage collector,
    never by reference counting.  Every batch's ``AuditOutcome`` objects (pages, sections,
    links, findings: ~140 objects a page) then survived into the oldest GC generation and
    were freed by full collections that walked them all: ~1.3 million objects on a 10k-page
    crawl, measured.  ``result()`` takes the outcomes out of the task's list and empties it,
    so they are freed by reference counting as soon as the batch is recorded.
    """

    def __init__(self, future: Any) -> None:
        self.future = future

    def result(self) -> list[AuditOutcome]:
        outcomes = self.future.result()
        handed = list(outcomes)
        if isinstance(outcomes, list):
            outcomes.clear()
        return handed


def _on_dask() -> bool:
    """True when this flow run's task runner is a DaskTaskRunner."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    runner = getattr(context, "task_runner", None)
    return type(runner).__name__ == "DaskTaskRunner"


def run_audit_site(
    start: str,
    *,
    out_dir: str | Path | None = None,
    config_path: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    reports_root: str | Path = DEFAULT_REPORTS_ROOT,
    site_name: str | None = None,
) -> SiteRunSummary:
    """Run the flow once; on an existing Dask cluster when ``dask_address`` (or the config's
    ``crawl.dask_address``) is given.  Raises the flow's exception when it fails.

    Without a configured API (``PREFECT_API_URL``) the run uses the shared temporary API
    server (``content_audit.flows.server``): started by the first run, reused by the next
    ones, stopped once unused for ``CONTENT_AUDIT_PREFECT_SERVER_KEEP_S`` seconds (900; 0:
    a server of the run's own, stopped when the run is over)."""
    the_flow = audit_site_flow
    if dask_address is None:
        pyproject = Path.cwd() / "pyproject.toml"
        config = load_config(config_path, pyproject=pyproject, overrides=overrides)
        dask_address = config.crawl.dask_address or None
    if dask_address:
        from prefect_dask import DaskTaskRunner

        the_flow = audit_site_flow.with_options(task_runner=DaskTaskRunner(address=dask_address))
    begun: list[SiteRun] = []

    def while_starting(ready: Callable[[], bool]) -> None:
        """The server is starting: begin the run meanwhile (``HEAD_START``), then import
        what the flow run will import anyway."""
        if HEAD_START and not dask_address:
            config = load_config(
                config_path, pyproject=Path.cwd() / "pyproject.toml", overrides=overrides
            )
            run = SiteRun(
                start,
                config,
                out_dir,
                reports_root=reports_root,
                site_name=site_name,
                workers=workers,
                progress=pipeline.progress_hook.get(),
            )
            begun.append(run)
            head_start(run, ready)
        if not ready():
            import_run_modules()

    try:
        with temporary_api_server(keep_s=shared_server_keep_s(), while_starting=while_starting):
            token = run_driver.head_started.set(begun[0] if begun else None)
            try:
                return the_flow(
                    start=start,
                    out_dir=str(out_dir) if out_dir is not None else None,
                    config_path=str(config_path) if config_path is not None else None,
                    overrides=overrides,
                    workers=workers,
                    reports_root=str(reports_root),
                    site_name=site_name,
                )
            finally:
                run_driver.head_started.reset(token)
    except BaseException as exc:
        for run in begun:
            if not run.driven and run.head is not None:
                run.discard(exc)  # begun, never taken over: released, kept to resume
        raise


HEAD_START = True
"""A run whose API server is starting begins its audit meanwhile (``run.head_start``): on
a first run the server's start-up (2-4 s) then overlaps discovery, fetching and auditing
instead of preceding them (issue #20).  The flow run takes the run over once the server
answers and records what was done before as its ``head-start`` task run."""

RUN_MODULES = (
    "pandas",  # the history's trends, in write-reports (0.37 s)
    "fastapi.encoders",  # Prefect's serialize_parameters, when the flow run is created
    "prefect.flow_engine",
    "prefect.task_engine",
    "content_audit.crawl",
    "content_audit.exporters.html_report",
    "content_audit.exporters.summary_md",
    "content_audit.exporters.changes_csv",
    "content_audit.report.trends",
)
"""Modules a flow run imports only once its API server answers (~0.55 s in all, measured:
issue #20); ``run_audit_site`` imports them while it waits for a server that is starting."""


def import_run_modules() -> None:
    """Import ``RUN_MODULES`` now (``temporary_api_server``'s ``while_starting``)."""
    import importlib

    for name in RUN_MODULES:
        importlib.import_module(name)


def serve_audit_site(
    start: str,
    cron: str,
    *,
    name: str | None = None,
    overrides: dict[str, Any] | None = None,
    config_path: str | Path | None = None,
) -> None:
    """Serve the flow as a deployment on ``cron`` (blocks; needs a Prefect server)."""
    audit_site_flow.serve(**deployment_kwargs(start, cron, name, overrides, config_path))


def deployment_kwargs(
    start: str,
    cron: str,
    name: str | None = None,
    overrides: dict[str, Any] | None = None,
    config_path: str | Path | None = None,
) -> dict[str, Any]:
    """The arguments of ``serve``/``to_deployment`` for a scheduled site audit."""
    from content_audit.urls import host_of

    parameters: dict[str, Any] = {"start": start}
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    if overrides:
        parameters["overrides"] = overrides
    if config_path is not None:
        parameters["config_path"] = str(config_path)
    return {
        "name": name or f"audit-{(host_of(start) or 'site').replace(':', '-')}",
        "cron": cron,
        "parameters": parameters,
        "tags": ["content-audit"],
        "description": f"Scheduled content audit of {start}",
    }
