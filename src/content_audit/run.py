"""The site audit's run driver: one ``SiteRun``, its steps named and ordered once.

A site audit is one sequence, whichever front end starts it::

    open -> discover -> audit_batches -> site_checks -> write_outputs
         -> (resources released, clock stopped) -> write_reports -> publish -> summary

``audit_site`` (the library path, ``--no-prefect``) runs it with ``call_step``, which calls
each step; the Prefect flow (``flows/audit_site.py``) runs the same ``drive`` with a
``StepCall`` that wraps each step in its task (retries on discover, task runs, logs).
Before this module the sequence was spelled out twice, in ``pipeline.audit_site`` and in
the flow, and the copies drifted (the flow pointed ``latest`` at a run before its
report.html existed, issue #15); now the order, the failure handling (outputs aborted, the
crawl state kept to resume) and the clean-up (digest scratch file, audit pool, crawler)
live here only, and a front end can change how a step runs, never which steps run or when.

The steps' machinery stays where it was: the crawl loop, the audit pool and the
cross-page collector in ``pipeline.py``; the run's store (``report/runstore.py``, written
through ``report/outputs.py``: every row once, counted, and recorded in the history); the
outputs themselves, each rendered from the store by an exporter registered in
``exporters`` (``row_files`` when the rows are complete, ``registered`` once the history
has compared the run, ``published`` for the flow's artifacts).  The driver looks
``pipeline``'s seams up through the module (``pipeline.open_crawler``,
``pipeline.run_site_checks``), so a test or a bench that swaps one (``bench/disk_site.py``
reads pages from disk) swaps it for both front ends.

Layering: this module imports the outer machinery (pipeline, report, spill, resume) and the
core's records; nothing below it imports it (``tests/test_layers.py``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from . import pipeline
from .config import AuditConfig
from .exporters import ExportContext, ReportResult, export_run, row_files
from .model import FetchResult
from .pipeline import (
    DEFAULT_REPORTS_ROOT,
    AuditFuture,
    CrawlerPort,
    CrawlLoop,
    PendingAudit,
    Progress,
    ResumingCrawler,
    SiteCollector,
    SiteRunSummary,
    SiteTemplate,
    Tally,
    adopt_history_run,
    audit_submitter,
    chrome_of,
    default_workers,
    link_latest,
    make_executor,
    record_skipped,
    site_key,
    stop_state,
    summarize,
)
from .report.outputs import RunOutputs, open_recorder, record_history
from .resume import CrawlState
from .spill import DigestSpill

log = logging.getLogger(__name__)

STEPS = (
    "discover",
    "audit_batches",
    "site_checks",
    "write_outputs",
    "write_reports",
    "publish",
)
"""The steps of a site run in the order ``drive`` calls them (``publish`` only without an
explicit output folder).  The flow's tasks are named after them (``discover`` ->
``discover``, ``site_checks`` -> ``site-checks``, ...)."""

Submit = Callable[["SiteRun", list[FetchResult]], AuditFuture]
"""How a fetched batch is sent to be audited: the library path's ``PendingAudit`` in the
process pool, or the flow's audit task (``flows/audit_site._submit_audit``)."""

BatchDone = Callable[[int, Tally, float], None]
"""Called after each recorded batch with its number, the running tally and its seconds."""


class StepCall(Protocol):
    """Runs one named step of a ``SiteRun`` and returns what the step returns."""

    def __call__(self, run: SiteRun, step: str) -> Any: ...


def call_step(run: SiteRun, step: str) -> Any:
    """The library path's ``StepCall``: the step itself, in this thread."""
    return getattr(run, step)()


class SiteRun:
    """One site audit: its folder, its resources, and the steps ``drive`` calls in order.

    Built cheaply (no file, process or connection until ``open``), so a front end can make
    one, hand it to ``drive`` and read the results off it afterwards (``tally``,
    ``site_counts``, ``files``, ``reports``).  A step reads and sets attributes of the run
    rather than passing records from step to step: the flow's tasks then take the run
    (quoted, never walked) and return only small values for Prefect to record.
    """

    def __init__(
        self,
        start: str,
        config: AuditConfig,
        out_dir: str | Path | None = None,
        *,
        reports_root: str | Path = DEFAULT_REPORTS_ROOT,
        site_name: str | None = None,
        workers: int | None = None,
        local_pool: bool = True,
        progress: Progress | None = None,
        submit: Submit | None = None,
        window: int = 2,
        on_batch: BatchDone | None = None,
    ) -> None:
        """``workers``: audit processes (default ``crawl.audit_workers``, whose 0 means one
        per core; an explicit 0 audits in this process).  ``local_pool=False`` starts no
        process pool at all (the flow on Dask, whose workers audit).  ``submit`` replaces
        the library path's way of auditing a batch; ``window`` batches are in flight."""
        self.began = time.perf_counter()
        self.start = start
        self.config = config
        self.explicit_out = out_dir is not None
        self.out_dir = (
            Path(out_dir)
            if out_dir is not None
            else pipeline.run_folder(start, config, reports_root, site_name=site_name)
        )
        # The history sits next to the run folders it describes.
        self.history_root = self.out_dir.parent if self.explicit_out else Path(reports_root)
        self.site = site_key(start, site_name)
        if workers is None:
            workers = config.crawl.audit_workers or default_workers()
        self.workers = workers if local_pool else 0
        self.progress = progress
        self.submit: Submit = submit or _pending_audit
        self.window = window
        self.on_batch = on_batch

        self.state: CrawlState | None = None
        self.crawler: CrawlerPort | None = None
        self.executor: Executor | None = None
        self.outputs: RunOutputs | None = None
        self.spill: DigestSpill | None = None
        self.collected = SiteCollector()
        self.template: SiteTemplate | None = None
        self.discovered = Tally()
        """The rows recorded by ``discover`` (merged into ``tally`` by ``audit_batches``)."""
        self.tally = Tally()
        self.site_counts: tuple[tuple[str, int], ...] = ()
        self.files: tuple[Path, ...] = ()
        self.elapsed_s = 0.0
        self.reports: ReportResult | None = None
        self.head: HeadStart | None = None
        """What ``head_start`` did before the front end drove the run, if it ran."""
        self.driven = False
        """``drive`` has taken the run (its failures are then drive's to handle)."""
        self._committed = False
        self._opened = False
        self._discovered = False
        self._loop: CrawlLoop | None = None
        self._head_error: Exception | None = None
        self._paused_at: float | None = None

    # ------------------------------------------------------------------ life cycle

    def open(self) -> None:
        """Crawl state, crawler, audit pool, history run, the run's store, digest spill.

        Once: a run opened by ``head_start`` is not opened again by ``drive`` (which
        raises here what failed in the head start's opening, and cleans up)."""
        if self._opened:
            if self._head_error is not None and not self._discovered:
                error, self._head_error = self._head_error, None
                raise error
            return
        self._opened = True
        self.state = pipeline.open_state(self.out_dir, self.start, self.config)
        crawler = pipeline.open_crawler(self.start, self.config, self.out_dir)
        if self.state is not None:
            crawler = ResumingCrawler(crawler, self.state)
        self.crawler = crawler
        self.executor = make_executor(self.workers) if self.workers > 0 else None
        recorder = open_recorder(
            self.config, self.site, self.start, self.out_dir, self.history_root
        )
        adopt_history_run(self.state, recorder)
        self.outputs = RunOutputs(self.out_dir, recorder, row_files=row_files)
        self.spill = DigestSpill(self.out_dir)
        self.collected = SiteCollector.spilled(self.spill)
        self.template = SiteTemplate.for_config(self.config, self.executor)

    def abort(self) -> None:
        """A step before the outputs were committed failed: no partial report is left."""
        if self.outputs is not None and not self._committed:
            self.outputs.abort()

    def release(self) -> None:
        """Delete the digest scratch file, stop the audit pool, close the crawler.

        Called once the outputs are committed (or the run failed): the reports need none of
        them, and the time they take is part of the run's elapsed time."""
        if self.spill is not None:
            self.spill.close()
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
        if self.crawler is not None:
            self.crawler.close()

    def close_store(self) -> None:
        """Delete the run's store, once every exporter has rendered its file from it (or
        the run failed)."""
        if self.outputs is not None:
            self.outputs.close()

    def discard(self, error: BaseException) -> None:
        """A run that ``drive`` never took (its front end failed first): what ``drive``
        does when a step fails, so its resources are released and it resumes later."""
        try:
            self.abort()
            self.release()
            self.fail(error)
        finally:
            self.close_store()

    def stop_clock(self) -> None:
        self.elapsed_s = time.perf_counter() - self.began

    def pause_clock(self) -> None:
        """The run waits for its front end (after a head start): not the audit's time."""
        self._paused_at = time.perf_counter()

    def resume_clock(self) -> None:
        if self._paused_at is not None:
            self.began += time.perf_counter() - self._paused_at
            self._paused_at = None

    def fail(self, error: BaseException) -> None:
        """Keep the crawl state so the run resumes when started again (unless unusable)."""
        stop_state(self.state, error)

    def finish_state(self) -> None:
        """The run is complete: its crawl state is deleted."""
        if self.state is not None:
            self.state.finish()

    # ------------------------------------------------------------------ steps

    def discover(self) -> int:
        """robots.txt and sitemaps seed the frontier; the URLs refused on the spot are rows.

        Nothing is recorded until discovery has returned, so a retried discovery (the
        flow's task retries) records its rows once.  Returns the number of rows."""
        assert self.crawler is not None and self.outputs is not None
        rows = list(self.crawler.discover() or ())
        record_skipped(self.outputs, self.discovered, rows, self.collected)
        self._discovered = True
        return len(rows)

    @property
    def discovery_done(self) -> bool:
        """Whether ``discover`` has run (``head_start`` may have run it)."""
        return self._discovered

    def audit_batches(self, until: Callable[[], bool] | None = None) -> Tally:
        """The crawl loop (``pipeline.CrawlLoop``): fetch, audit, stream rows, batch by batch.

        ``until``: stop after a recorded batch once it returns True (``head_start``); the
        next call goes on where the loop stopped.  Returns the tally so far."""
        assert self.crawler is not None and self.outputs is not None
        if self._head_error is not None:  # the head start's failure, raised in its step
            error, self._head_error = self._head_error, None
            raise error
        crawler = self.crawler
        if self._loop is None:
            self._loop = CrawlLoop(
                crawler,
                self.outputs,
                self.config.crawl.batch_size,
                max_batch_size=self.config.crawl.max_batch_size,
                fetch=crawler.fetch_batch,
                # Looked up per batch: a front end that takes over a head-started run
                # changes how the next batches are audited and reported.
                submit_audit=audit_submitter(crawler, lambda results: self.submit(self, results)),
                window=self.window,
                on_batch=self._batch_done,
                progress=self.progress,
                site=self.collected,
                template=self.template,
            )
        if self.tally is self._loop.tally:  # complete already (in the head start)
            return self.tally
        if not self._loop.run(until):
            return self._loop.tally
        tally = self._loop.tally
        tally.urls += self.discovered.urls
        tally.fetched += self.discovered.fetched
        tally.errors.update(self.discovered.errors)
        self.tally = tally
        return tally

    def _batch_done(self, number: int, tally: Tally, seconds: float) -> None:
        if self.on_batch is not None:
            self.on_batch(number, tally, seconds)

    def site_checks(self) -> tuple[tuple[str, int], ...]:
        """Cross-page checks into the run's store; the number of findings per code."""
        assert self.outputs is not None
        self.site_counts = pipeline.run_site_checks(self.collected, self.config, self.outputs)
        return self.site_counts

    def write_outputs(self) -> list[str]:
        """Render the row files (four CSVs, ``pages.jsonl``) from the run's store and move
        them into place together, atomically."""
        assert self.outputs is not None
        committed = self.outputs.commit()
        self._committed = True
        self.files = tuple(committed.values())
        return [str(path) for path in self.files]

    def write_reports(self) -> ReportResult:
        """Complete the run in the history (its comparison with the previous run), then
        every registered exporter renders its file from the run's store and that
        comparison (``exporters``: changes.csv, report.html, summary.md)."""
        recorder = self.outputs.recorder if self.outputs is not None else None
        comparison, charts = record_history(recorder, self.site, self.tally.urls)
        context = ExportContext(
            out_dir=self.out_dir,
            config=self.config,
            site=self.site,
            start=self.start,
            urls=self.tally.urls,
            failed_audits=self.tally.failed,
            elapsed_s=self.elapsed_s,
            comparison=comparison,
            trend_charts=tuple(charts),
            finding_counts=self.outputs.finding_counts() if self.outputs is not None else (),
            worst=self.tally.worst(),
            audited=self.tally.audited,
            store=self.outputs.store if self.outputs is not None else None,
        )
        self.reports = export_run(context)
        return self.reports

    def publish(self) -> str:
        """Point ``latest`` at the run: last, once every report is written, so ``latest``
        never names a run folder without its report.html."""
        return str(link_latest(self.out_dir))

    # ------------------------------------------------------------------ result

    @property
    def publishes(self) -> bool:
        """Only a run in a folder of its own under the reports root moves ``latest``."""
        return not self.explicit_out

    def summary(self) -> SiteRunSummary:
        """What the run did (after ``drive``)."""
        reports = self.reports
        files = (*self.files, *(reports.files if reports is not None else ()))
        stats = self.crawler.stats if self.crawler is not None else None
        summary = summarize(
            self.start,
            self.out_dir,
            self.tally,
            self.elapsed_s,
            stats,
            files,
            self.site_counts,
        )
        if reports is None:
            return summary
        return replace(
            summary,
            report=reports.report,
            changes_markdown=reports.markdown,
            idle_decisions=reports.idle_decisions,
        )


def _pending_audit(run: SiteRun, results: list[FetchResult]) -> AuditFuture:
    """The library path's audit of a batch: the run's process pool, without waiting."""
    return PendingAudit(results, run.config, run.executor, chrome=chrome_of(run.template))


def drive(run: SiteRun, call: StepCall = call_step) -> SiteRunSummary:
    """Run every step of ``run`` in order through ``call``; the one place the order lives.

    A failure before the outputs are committed aborts them (no partial report is left);
    any failure keeps the crawl state so the run resumes when started again (``resume.py``,
    unless the input was unusable).  The digest spill, audit pool and crawler are released
    as soon as the outputs are committed, before the reports (which need none of them);
    the run's store once the reports are rendered from it.

    A run that ``head_start`` began goes on from where it stopped: opened, discovered,
    its crawl loop part-way; the remaining steps run here, in the same order.
    """
    run.driven = True
    run.resume_clock()
    try:
        try:
            run.open()
            if not run.discovery_done:  # done already by a head start
                call(run, "discover")
            call(run, "audit_batches")
            call(run, "site_checks")
            call(run, "write_outputs")
        except BaseException:
            run.abort()
            raise
        finally:
            run.release()
        run.stop_clock()
        call(run, "write_reports")
    except BaseException as exc:
        run.fail(exc)
        raise
    finally:
        run.close_store()
    run.finish_state()
    if run.publishes:
        call(run, "publish")
    return run.summary()


head_started: ContextVar[SiteRun | None] = ContextVar("head_started", default=None)
"""A run ``head_start`` began, for the front end that takes it over (the Prefect flow,
whose parameters must be JSON, finds it here)."""


@dataclass(frozen=True)
class HeadStart:
    """What ``head_start`` did before the front end took the run."""

    discovered: bool
    """Discovery (robots.txt, sitemaps) ran."""
    batches: int
    """Audit batches recorded."""
    pages: int
    """Pages audited in them."""
    fetched: int
    """URLs fetched in them."""
    urls: int
    """URLs recorded (discovery's and the batches')."""
    seconds: float
    failed: str = ""
    """The exception that stopped it (raised again by the step it happened in), if any."""


def head_start(run: SiteRun, ready: Callable[[], bool]) -> HeadStart:
    """``drive``'s first steps, in its order, while the front end cannot run them yet.

    The Prefect flow runs the steps as tasks of a flow run, and a flow run needs its API
    server: on a first run that server is still starting (seconds of CPU on the other
    core).  Meanwhile this opens the run, discovers, and crawls and audits batches, until
    ``ready()`` says the front end can take over (asked before and after discovery and
    after each recorded batch) or the crawl is complete.  ``drive`` then goes on from there.

    In this thread: the crawl state and the history are SQLite connections, bound to the
    thread that opened them, and ``drive`` runs in the same thread.  The run's clock
    stops from here until ``drive`` takes the run, so its ``elapsed_s`` is the audit's own
    time, not the wait for the front end.  What was done is on
    ``run.head`` (the flow records it as a task run of its own: those batches have no
    audit task runs).  A failed discovery recorded nothing and is left for ``drive`` to
    run again; a failure in the crawl loop is raised again by ``drive`` at that step; an
    interrupt (Ctrl-C, SIGTERM) ends the run here, its crawl state kept to resume."""
    began = time.perf_counter()
    failed = ""
    try:
        run.open()
        if not ready():
            try:
                run.discover()
            except Exception as exc:  # drive's discover runs it again
                failed = type(exc).__name__
            else:
                if not ready():
                    run.audit_batches(until=ready)
    except Exception as exc:  # raised again in its step, by drive
        failed = type(exc).__name__
        run._head_error = exc
    except BaseException as exc:
        run.discard(exc)
        raise
    loop = run._loop
    tally = loop.tally if loop is not None else Tally()
    run.head = HeadStart(
        discovered=run.discovery_done,
        batches=loop.batches if loop is not None else 0,
        pages=loop.audited if loop is not None else 0,
        fetched=tally.fetched,
        urls=tally.urls + run.discovered.urls,
        seconds=round(time.perf_counter() - began, 3),
        failed=failed,
    )
    run.pause_clock()  # until drive takes it: the wait is not the audit's own time
    return run.head


def audit_site(
    start: str,
    config: AuditConfig,
    out_dir: str | Path | None = None,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    reports_root: str | Path = DEFAULT_REPORTS_ROOT,
    site_name: str | None = None,
) -> SiteRunSummary:
    """Crawl and audit a whole site without Prefect: ``drive`` a ``SiteRun``, step by step.

    ``out_dir`` defaults to ``reports/<host>/<UTC timestamp>/`` with a ``latest`` link next
    to it (or the site's newest unfinished run folder, which then resumes: see
    ``resume.py``).  ``workers`` audit processes (default: ``crawl.audit_workers``, whose 0
    means one per core; an explicit 0 audits in this process).  As with any
    multiprocessing code, a script that calls this must keep its top-level code under
    ``if __name__ == "__main__":`` (the worker processes import the main module).
    """
    run = SiteRun(
        start,
        config,
        out_dir,
        reports_root=reports_root,
        site_name=site_name,
        workers=workers,
        progress=progress,
    )
    return drive(run)
