"""The site audit as plain functions: crawl, audit in worker processes, stream CSV rows.

``audit_site(start, config, out_dir)`` is the library path (no Prefect); the Prefect flow in
``flows/audit_site.py`` wires the same steps as tasks.  Both drive ``run_batches``, so a site
is audited the same way with or without an orchestrator.

Why this shape (measured on the 2-core machine this was built on, see the bench):

- Parsing is CPU-bound (BeautifulSoup + lxml is ~4 ms of the ~5 ms per page).  Threads are
  GIL-bound (8 threads ran at half the speed of one), two processes doubled the rate.  So
  pages are fetched with the crawler's threads in this process and audited in a
  ``ProcessPoolExecutor`` (one worker per core by default).  Each page is parsed once, in
  the worker; only ``(url, html)`` goes out and a ``PageAudit`` comes back.
- Fetching and auditing overlap: while batch N is audited, batch N+1 is fetched.
- Memory stays flat with the size of the site: at most ``window`` batches of HTML are held
  at once, rows are streamed to the CSV files as each batch completes, and only a bounded
  list of the worst pages is kept for the summary.
- Cross-page checks (``site.py``) need every page at once, so each worker also returns the
  page's ``PageDigest`` (a few hundred bytes, computed next to ``audit_page``); the parent
  folds digests and one ``UrlState`` per URL into a ``SiteCollector`` and runs the checks
  once after the crawl, writing their findings to ``findings.csv`` before it is committed
  (``finish_reports`` reads them back from there for the history and ``report.html``).

This module does I/O (files, processes) and imports no Prefect.
"""

from __future__ import annotations

import heapq
import logging
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from .config import AuditConfig
from .model import FetchResult, Finding, Kind, PageAudit, PageDigest, UrlState
from .packing import pack, unpack
from .report.csv import ReportWriter
from .report.details import PAGES_JSONL
from .report.outputs import RunOutputs, finish_reports, open_recorder
from .site import SiteIndex, crawl_was_complete, digest_page, url_state
from .urls import UrlNormalizer, host_of

log = logging.getLogger(__name__)

DEFAULT_REPORTS_ROOT = Path("reports")
WORST_PAGES = 20
"""How many of the lowest-scoring pages the summary keeps (for the flow's table artifact)."""


def default_workers() -> int:
    """Audit processes: one per core the process may use (at least one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class AuditOutcome:
    """The audit of one fetched page: a PageAudit, or the error that stopped it.

    ``digest`` is the page's ``PageDigest`` for the cross-page checks, made in the process
    that audited the page; ``None`` when the audit failed, or (with ``error`` set and
    ``audit`` kept) when only the digest failed.
    """

    url: str
    audit: PageAudit | None
    error: str | None = None
    digest: PageDigest | None = None


@dataclass(frozen=True, slots=True)
class WorstPage:
    url: str
    title: str
    kind: str
    score: int
    errors: int


@dataclass(frozen=True, slots=True)
class SiteRunSummary:
    """What one site audit did; small enough to pass between Prefect tasks."""

    start: str
    out_dir: Path
    urls: int
    fetched: int
    audited: int
    failed_audits: int
    elapsed_s: float
    kinds: tuple[tuple[str, int], ...] = ()
    errors: tuple[tuple[str, int], ...] = ()
    crawl_stats: tuple[tuple[str, int], ...] = ()
    worst: tuple[WorstPage, ...] = ()
    mean_score: float | None = None
    files: tuple[Path, ...] = ()
    site_findings: tuple[tuple[str, int], ...] = ()
    """Cross-page findings of the run by code (``site.py``), sorted by code."""
    report: Path | None = None
    """``report.html`` of the run."""
    changes_markdown: str = ""
    """What changed since the previous run, as Markdown (``report.history``)."""

    @property
    def pages_per_s(self) -> float:
        return self.audited / self.elapsed_s if self.elapsed_s > 0 else 0.0


@dataclass(slots=True)
class Tally:
    """Running counts of a site audit, updated batch by batch (bounded memory)."""

    urls: int = 0
    fetched: int = 0
    audited: int = 0
    failed: int = 0
    score_sum: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    _worst: list[tuple[int, int, WorstPage]] = field(default_factory=list)
    _seq: int = 0

    def add_worst(self, page: WorstPage) -> None:
        """Keep the WORST_PAGES lowest scores (a max-heap on score via negation)."""
        self._seq += 1
        item = (-page.score, -self._seq, page)
        if len(self._worst) < WORST_PAGES:
            heapq.heappush(self._worst, item)
        elif item > self._worst[0]:
            heapq.heapreplace(self._worst, item)

    def worst(self) -> tuple[WorstPage, ...]:
        return tuple(p for _, _, p in sorted(self._worst, key=lambda i: (-i[0], -i[1])))


@dataclass(slots=True)
class SiteCollector:
    """What the cross-page checks need of a run, gathered batch by batch in this process.

    One small ``UrlState`` per URL the crawl met (the inventory, keyed by the crawler's
    normalised URL) and the ``SiteIndex`` of the audited pages' digests; never a
    ``PageAudit``, so memory grows by a few hundred bytes per page.  It stays in the process
    that drives the crawl (the flow's process under Prefect): only digests travel to it.
    """

    index: SiteIndex = field(default_factory=SiteIndex)
    inventory: dict[str, UrlState] = field(default_factory=dict)
    missing_digests: int = 0
    """HTML pages with no digest (their audit failed): their links are unknown."""

    def add_result(self, result: FetchResult) -> None:
        self.inventory[result.url] = url_state(result)

    def add_digest(self, digest: PageDigest | None) -> None:
        if digest is None:
            self.missing_digests += 1
        else:
            self.index.add(digest)

    @property
    def crawl_complete(self) -> bool:
        """Whether orphans can be judged: no URL lost to a limit or failure, no page's links
        lost to a failed audit."""
        return self.missing_digests == 0 and crawl_was_complete(self.inventory)

    def check(self, config: AuditConfig) -> tuple[Finding, ...]:
        """The cross-page findings of the run (``SiteIndex.check``)."""
        return self.index.check(self.inventory, config, crawl_complete=self.crawl_complete)


# --------------------------------------------------------------------------- crawler port


class CrawlerPort(Protocol):
    """What the pipeline needs of ``crawl.Crawler`` (kept narrow so tests can see it)."""

    stats: Counter[str]

    def discover(self) -> Iterable[FetchResult] | None: ...

    def next_batch(self, size: int) -> Sequence[Any]: ...

    def fetch_batch(self, items: Sequence[Any]) -> list[FetchResult]: ...

    def add_links(
        self, result: FetchResult, hrefs: Iterable[str]
    ) -> Iterable[FetchResult] | None: ...

    def close(self) -> None: ...


def open_crawler(start: str, config: AuditConfig) -> CrawlerPort:
    """The crawler of ``crawl.py`` for ``start`` (a site or sitemap URL)."""
    from .crawl import Crawler

    return Crawler(start, config)


# --------------------------------------------------------------------------- steps


def report_dir(
    start: str,
    root: str | Path = DEFAULT_REPORTS_ROOT,
    now: datetime | None = None,
    site_name: str | None = None,
) -> Path:
    """``<root>/<host>/<UTC timestamp>/``: one folder per run, sortable by name.

    ``site_name`` replaces the host (the demo writes to ``reports/demo/``).
    """
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    host = site_name or host_of(start) or "site"
    return Path(root) / host.replace(":", "_") / stamp


def link_latest(out_dir: Path) -> Path:
    """Point ``<out_dir>/../latest`` at ``out_dir``: a symlink, or a text file where they fail."""
    latest = out_dir.parent / "latest"
    temp = out_dir.parent / f".latest.{os.getpid()}"
    try:
        temp.unlink(missing_ok=True)
        temp.symlink_to(out_dir.name, target_is_directory=True)
        os.replace(temp, latest)
    except OSError:
        temp.unlink(missing_ok=True)
        if latest.is_symlink() or latest.is_dir():
            latest.unlink()
        temp.write_text(out_dir.name + "\n", encoding="utf-8")
        os.replace(temp, latest)
    return latest


def audit_pages(pages: Sequence[tuple[str, str]], config: AuditConfig) -> list[AuditOutcome]:
    """Audit ``(url, html)`` pairs in this process; a page that raises becomes an error.

    This is what runs in each worker process (and in a Dask worker); it catches every
    exception of one page so one bad page never loses the others of its chunk.
    Each page's ``PageDigest`` is made here too, right after its audit, so the parent gets
    what the cross-page checks need without re-reading the ``PageAudit``; a digest that
    raises keeps the audit (``error`` says why the digest is missing).
    """
    from .audit import audit_page

    normalize = UrlNormalizer(config.crawl.strip_params)
    today = date.today()  # the core never reads the clock; review age is judged against this
    outcomes = []
    for url, html in pages:
        try:
            audit = audit_page(html, url, config, today=today)
        except Exception as exc:  # any failure is reported, not raised
            outcomes.append(AuditOutcome(url, None, f"{type(exc).__name__}: {exc}"))
            continue
        try:
            digest = digest_page(audit, config, normalize=normalize)
        except Exception as exc:  # the page's own audit still counts
            error = f"digest failed: {type(exc).__name__}: {exc}"
            outcomes.append(AuditOutcome(url, audit, error))
            continue
        outcomes.append(AuditOutcome(url, audit, digest=digest))
    return outcomes


def audit_pages_packed(pages: Sequence[tuple[str, str]], config: AuditConfig) -> bytes:
    """``audit_pages`` for a worker process: the outcomes as ``packing.pack`` bytes, which
    the crawling process unpickles in two thirds of the time of the plain pickle."""
    return pack(audit_pages(pages, config))


def make_executor(workers: int | None = None) -> Executor:
    """The process pool pages are audited in (``workers`` defaults to the core count).

    Workers start from a ``forkserver`` that has imported the core: forking the crawling
    process itself (which runs fetch threads, and Prefect's threads inside a flow) could
    hand a child a lock held by another thread, and spawning each worker from scratch
    would re-import bs4, lxml and textstat for every one.
    """
    context = None
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["content_audit.audit"])
    return ProcessPoolExecutor(max_workers=workers or default_workers(), mp_context=context)


class PendingAudit:
    """The audit of one fetched batch, submitted to ``executor`` without waiting.

    The batch is cut into a few chunks per worker so both cores stay busy and the config is
    pickled once per chunk, not once per page.  If a worker process dies, its pages are
    reported as failed audits rather than lost.  Without an executor the pages are audited
    in this process when ``result()`` is called.
    """

    def __init__(
        self,
        results: Sequence[FetchResult],
        config: AuditConfig,
        executor: Executor | None = None,
        chunks: int | None = None,
    ) -> None:
        self.config = config
        pages = [(r.final_url or r.url, r.html) for r in results if r.html is not None]
        if executor is None or not pages:
            self.parts, self.futures = [pages], []
            return
        n = chunks or 2 * getattr(executor, "_max_workers", 2)
        size = max(1, -(-len(pages) // n))
        self.parts = [pages[i : i + size] for i in range(0, len(pages), size)]
        self.futures = [executor.submit(audit_pages_packed, part, config) for part in self.parts]

    def result(self) -> list[AuditOutcome]:
        if not self.futures:
            return audit_pages(self.parts[0], self.config)
        outcomes: list[AuditOutcome] = []
        for part, future in zip(self.parts, self.futures, strict=True):
            try:
                outcomes.extend(unpack(future.result()))
            except BrokenProcessPool as exc:
                outcomes.extend(AuditOutcome(url, None, f"worker died: {exc}") for url, _ in part)
        return outcomes


def audit_batch(
    results: Sequence[FetchResult], config: AuditConfig, executor: Executor | None = None
) -> list[AuditOutcome]:
    """Audit the HTML pages of a fetched batch (in ``executor``'s processes when given)."""
    return PendingAudit(results, config, executor).result()


def follow_links(audit: PageAudit) -> tuple[str, ...]:
    """Every link of an audited page, for the crawler to follow or to account for.

    Off-site links are handed over too: the crawler decides scope (hosts, aliases, ports)
    and reports each off-site or unparsable URL once in the inventory without fetching it,
    so every URL the crawl meets has a row.
    """
    return tuple(dict.fromkeys(link.href for link in audit.page.links))


def record_batch(
    crawler: CrawlerPort,
    writer: ReportWriter,
    tally: Tally,
    results: Sequence[FetchResult],
    outcomes: Sequence[AuditOutcome],
    site: SiteCollector | None = None,
) -> None:
    """Feed each page's links back to the crawler and stream the batch's rows to the CSVs.

    With ``site``, every URL's state and every audited page's digest are collected for the
    cross-page checks.
    """
    by_url = {o.url: o for o in outcomes}
    for result in results:
        _account(tally, result, site)
        outcome = by_url.get(result.final_url or result.url) if result.html is not None else None
        if outcome is None:
            writer.write_fetch(result)
            continue
        if outcome.audit is None:
            tally.failed += 1
            tally.errors["audit_failed"] += 1
            writer.write_failed(result, outcome.error or "unknown error")
            if site is not None:
                site.add_digest(None)
            continue
        audit = outcome.audit
        if site is not None:
            if outcome.digest is None:
                tally.errors["digest_failed"] += 1
                log.warning("%s: no digest for the cross-page checks: %s", outcome.url,
                            outcome.error)
            site.add_digest(outcome.digest)
        extra = crawler.add_links(result, follow_links(audit))
        writer.write_fetch(result, audit)
        tally.audited += 1
        tally.kinds[str(audit.kind)] += 1
        tally.score_sum += audit.score
        if audit.kind is Kind.ARTICLE:
            tally.add_worst(
                WorstPage(
                    url=result.final_url or result.url,
                    title=audit.page.title,
                    kind=str(audit.kind),
                    score=audit.score,
                    errors=sum(1 for f in audit.findings if f.severity == "error"),
                )
            )
        if extra:
            record_skipped(writer, tally, extra, site)


def record_skipped(
    writer: ReportWriter,
    tally: Tally,
    results: Iterable[FetchResult],
    site: SiteCollector | None = None,
) -> None:
    """Inventory rows of URLs the crawler met but did not fetch (robots, off-site, ...)."""
    for result in results:
        _account(tally, result, site)
        writer.write_fetch(result)


def _account(tally: Tally, result: FetchResult, site: SiteCollector | None) -> None:
    """Count one URL the crawl met (every row of the inventory passes here once)."""
    if site is not None:
        site.add_result(result)
    tally.urls += 1
    if result.status is not None:
        tally.fetched += 1
    if result.error:
        tally.errors[result.error] += 1


class AuditFuture(Protocol):
    def result(self) -> list[AuditOutcome]: ...


Progress = Callable[[Tally, int], None]
"""Called after each batch with the running tally and the number of URLs still queued."""

progress_hook: ContextVar[Progress | None] = ContextVar("progress_hook", default=None)
"""A progress callback for code that cannot take one as an argument (a Prefect flow, whose
parameters must be JSON): the CLI sets it around a flow run to draw its progress bar."""


def run_batches(
    crawler: CrawlerPort,
    writer: ReportWriter,
    batch_size: int,
    *,
    fetch: Callable[[Sequence[Any]], list[FetchResult]],
    submit_audit: Callable[[list[FetchResult]], AuditFuture],
    window: int = 2,
    progress: Progress | None = None,
    on_batch: Callable[[int, Tally, float], None] | None = None,
    site: SiteCollector | None = None,
) -> Tally:
    """The crawl loop: pop a batch, fetch it, submit its audit, record finished batches.

    Up to ``window`` batches are in flight, so the next batch is fetched while the previous
    one is audited.  When the frontier is empty, the oldest batch is waited for: its links
    may refill the frontier.  ``fetch`` and ``submit_audit`` are the seams the Prefect flow
    wraps in tasks; the library path passes plain functions.  ``site`` collects what the
    cross-page checks need (``run_site_checks`` runs them once this returns).
    """
    tally = Tally()
    inflight: deque[tuple[list[FetchResult], Any, float]] = deque()
    number = 0
    while True:
        items = crawler.next_batch(batch_size) if len(inflight) < window else ()
        if items:
            started = time.perf_counter()
            results = fetch(items)
            inflight.append((results, submit_audit(results), started))
            if len(inflight) < window:
                continue
        if not inflight:
            break
        results, future, started = inflight.popleft()
        record_batch(crawler, writer, tally, results, future.result(), site)
        writer.flush()
        number += 1
        if on_batch is not None:
            on_batch(number, tally, time.perf_counter() - started)
        if progress is not None:
            progress(tally, _pending(crawler))
    return tally


def run_site_checks(
    site: SiteCollector, config: AuditConfig, writer: ReportWriter
) -> tuple[tuple[str, int], ...]:
    """Run the cross-page checks and write their findings to ``findings.csv``.

    Call it after ``run_batches`` and before ``writer.commit()``: ``finish_reports`` reads
    the cross-page findings back from the committed ``findings.csv``.  Returns the number
    of findings per code (small enough for a Prefect task result).
    """
    findings = site.check(config)
    writer.write_site_findings(findings)
    log.info(
        "cross-page checks: %d findings on %d pages (crawl complete: %s)",
        len(findings), len(site.index), site.crawl_complete,
    )
    return tuple(sorted(Counter(f.code for f in findings).items()))


def _pending(crawler: CrawlerPort) -> int:
    frontier = getattr(crawler, "frontier", None)
    return int(getattr(frontier, "pending", 0) or 0)


def summarize(
    start: str,
    out_dir: Path,
    tally: Tally,
    elapsed_s: float,
    crawl_stats: Counter[str] | None = None,
    files: Iterable[Path] = (),
    site_findings: Iterable[tuple[str, int]] = (),
) -> SiteRunSummary:
    return SiteRunSummary(
        start=start,
        out_dir=out_dir,
        urls=tally.urls,
        fetched=tally.fetched,
        audited=tally.audited,
        failed_audits=tally.failed,
        elapsed_s=round(elapsed_s, 3),
        kinds=tuple(sorted(tally.kinds.items())),
        errors=tuple(sorted(tally.errors.items())),
        crawl_stats=tuple(sorted((crawl_stats or Counter()).items())),
        worst=tally.worst(),
        mean_score=round(tally.score_sum / tally.audited, 1) if tally.audited else None,
        files=tuple(files),
        site_findings=tuple(site_findings),
    )


# --------------------------------------------------------------------------- library path


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
    """Crawl and audit a whole site without Prefect; write the four CSV files.

    ``out_dir`` defaults to ``reports/<host>/<UTC timestamp>/`` with a ``latest`` link next
    to it.  ``workers`` audit processes (default: ``crawl.audit_workers``, whose 0 means one
    per core; an explicit 0 audits in this process).  As with any multiprocessing code, a
    script that calls this must keep its top-level code under ``if __name__ == "__main__":``
    (the worker processes import the main module).
    """
    began = time.perf_counter()
    default_dir = out_dir is None
    target = (
        Path(out_dir)
        if out_dir is not None
        else report_dir(start, reports_root, site_name=site_name)
    )
    site = site_key(start, site_name)
    crawler = open_crawler(start, config)
    if workers is None:
        workers = config.crawl.audit_workers or default_workers()
    executor = make_executor(workers) if workers > 0 else None
    try:
        recorder = open_recorder(
            config, site, start, target, reports_root if default_dir else target.parent
        )
        collected = SiteCollector()
        with RunOutputs(target, recorder) as writer:
            tally_pre = Tally()
            record_skipped(writer, tally_pre, crawler.discover() or (), collected)
            tally = run_batches(
                crawler,
                writer,
                config.crawl.batch_size,
                fetch=crawler.fetch_batch,
                submit_audit=lambda results: PendingAudit(results, config, executor),
                progress=progress,
                site=collected,
            )
            _merge_tally(tally, tally_pre)
            site_counts = run_site_checks(collected, config, writer)
        files = tuple(target / name for name in writer.rows)
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        crawler.close()
    elapsed = time.perf_counter() - began
    reports = finish_reports(
        target, config, recorder, site=site, start=start, urls=tally.urls,
        failed_audits=tally.failed, elapsed_s=elapsed,
    )
    if default_dir:
        link_latest(target)
    files = (*files, target / PAGES_JSONL, *reports.files)
    summary = summarize(start, target, tally, elapsed, crawler.stats, files, site_counts)
    return replace(summary, report=reports.report, changes_markdown=reports.markdown)


def site_key(start: str, site_name: str | None = None) -> str:
    """The name a site's runs are recorded under in the history: ``site_name`` or the host."""
    return site_name or host_of(start) or "site"


def _merge_tally(into: Tally, other: Tally) -> None:
    into.urls += other.urls
    into.fetched += other.fetched
    into.errors.update(other.errors)
