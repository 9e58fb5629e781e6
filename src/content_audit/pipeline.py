"""The site audit's machinery: crawl, audit in worker processes, stream CSV rows.

The run driver (``run.py``: ``SiteRun`` and ``drive``) calls these pieces in order for the
library path (``run.audit_site``) and for the Prefect flow, which wraps the driver's steps
as tasks; the crawl loop of both is ``run_batches``, so a site is audited the same way with
or without an orchestrator.

Why this shape (measured on the 2-core machine this was built on, see the bench):

- Parsing is CPU-bound (BeautifulSoup + lxml is ~4 ms of the ~5 ms per page).  Threads are
  GIL-bound (8 threads ran at half the speed of one), two processes doubled the rate.  So
  pages are fetched with the crawler's threads in this process and audited in a
  ``ProcessPoolExecutor`` (one worker per core by default).  Each page is parsed once, in
  the worker; only ``(url, html)`` goes out and a ``PageAudit`` comes back.
- Fetching and auditing overlap: while batch N is audited, batch N+1 is fetched.
- Memory stays flat with the size of the site: at most ``window`` batches of HTML are held
  at once, rows go to the run's store (a scratch file) as each batch completes, and only a bounded
  list of the worst pages is kept for the summary.
- Cross-page checks (``site.py``) need every page at once, so each worker also returns the
  page's ``PageDigest`` (~2 KB, computed next to ``audit_page``); the parent folds one
  ``UrlState`` per URL into a ``SiteCollector`` and spills the digests to a scratch SQLite
  file in the report folder (``spill.py``: held in memory they were ~250 MB at 100k pages),
  runs the checks once after the crawl, and streams their findings into the run's store
  (``report.outputs.RunOutputs``: the store and the history) before its files are
  rendered (findings.csv, pages.csv's counts, report.html).  The scratch file is deleted
  when the run ends, also when it fails.

This module does I/O (files, processes) and imports no Prefect.
"""

from __future__ import annotations

import gc
import heapq
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeoutError
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from .budget import BudgetExceeded, time_budget
from .config import AuditConfig
from .decisions import accept_findings
from .errors import InputError
from .model import FetchResult, Finding, Kind, Page, PageAudit, PageDigest, Severity, UrlState
from .report.history import RunRecorder
from .report.outputs import RowSink
from .resume import HTML_PLACEHOLDER, CrawlState, discard_state, pack, unfinished_run, unpack
from .site import SiteIndex, crawl_was_complete, digest_page, url_state
from .spill import DigestSpill
from .template import learn_template, page_lines, template_id
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
    packed: bytes | None = field(default=None, repr=False, compare=False)
    """This outcome as the worker process sent it (``resume.pack``), for the crawl state."""
    template: str = ""
    """``template.template_id`` of the site template the page was audited with ("": none)."""


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
    """Cross-page findings of the run by code (``sitechecks``), sorted by code."""
    report: Path | None = None
    """``report.html`` of the run."""
    changes_markdown: str = ""
    """What changed since the previous run, as Markdown (``report.history``)."""
    idle_decisions: tuple[str, ...] = ()
    """Maintainers' decisions (``decisions.py``) that matched nothing in this run."""
    alert_markdown: str = ""
    """The run's regression digest (``alerts.py``), empty when nothing regressed."""

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
    ``PageAudit``.  A site audit's index keeps its digests in a ``spill.DigestSpill``
    (``spilled``), so memory grows by the inventory's small row per URL, not by a digest per
    page; the default, in-memory index is for small runs and tests.  It stays in the process
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

    @classmethod
    def spilled(cls, spill: DigestSpill) -> SiteCollector:
        """A collector whose digests are kept in ``spill`` (a scratch file) until the checks."""
        return cls(index=SiteIndex(spill.pages, spill.teasers))

    @property
    def crawl_complete(self) -> bool:
        """Whether orphans can be judged: no URL lost to a limit or failure, no page's links
        lost to a failed audit."""
        return self.missing_digests == 0 and crawl_was_complete(self.inventory)

    def check(self, config: AuditConfig) -> tuple[Finding, ...]:
        """The cross-page findings of the run (``SiteIndex.check``)."""
        return tuple(self.findings(config))

    def findings(self, config: AuditConfig) -> Iterator[Finding]:
        """The same, one at a time as the checks find them (``SiteIndex.findings``)."""
        return self.index.findings(self.inventory, config, crawl_complete=self.crawl_complete)


def chrome_of(template: SiteTemplate | None) -> frozenset[str]:
    """The template lines a batch submitted now is audited without (none when off)."""
    return template.chrome if template is not None else frozenset()


class SiteTemplate:
    """The site's template (``template.py``), learnt from the first pages of the crawl.

    Pages are audited in worker processes batch by batch, and the crawl needs each page's
    links as soon as it is audited, so the template cannot wait for the whole site.  The
    first ``site.template_sample_pages`` audited pages (in the order ``run_batches`` records
    them, which a resumed run replays) are the sample: their rows are held back (their links
    are fed to the crawler at once, so the crawl goes on) until the sample is complete or the
    crawl ends; then the template is learnt once and frozen, and each held page, and every
    page audited before that moment, is audited again from its extracted Page (no second
    parse; ``audit.audit_extracted``, in the audit pool) when it has a template line.  Later
    batches are sent to the workers with the template (``chrome``).  So every page is judged
    with the same template, and the template is a function of the sample's pages only.

    Cost, measured on helmsperformance.com (52 pages, long articles, 27 with a template
    line): the second audit of those pages is 31 ms each of CPU (the parse it skips is the
    small part on such pages), about 0.9 s more for the run on 2 workers; on bratton-pt
    (209 pages) it is 4.5 ms a page and lost in the noise.  While the sample fills, the
    progress counts no audited page.

    Resume stays exact without storing the template: the journal keeps each page's audit as
    it came from its worker (the sample's without a template, the others with it), a resumed
    run replays them in the same order, learns the same template from the same sample, and
    audits the same pages again.  ``AuditOutcome.template`` says which template an audit
    was made with, so whether a page needs auditing again never depends on timing.
    """

    def __init__(
        self, config: AuditConfig, today: date | None = None, executor: Executor | None = None
    ) -> None:
        site = config.site
        self.config = config
        self.share = site.template_share
        self.min_pages = site.template_min_pages
        self.sample_size = max(1, site.template_sample_pages)
        self.executor = executor
        """Where pages are audited again (the audit pool; ``None``: in this process)."""
        self.learnt: frozenset[str] | None = None
        """The template's lines once learnt (``None`` until then)."""
        self.id = ""
        self.sample_pages = 0
        self.reaudited = 0
        self._today = today or date.today()
        self._sample: list[frozenset[str]] = []
        self._held: list[Row] = []

    @classmethod
    def for_config(
        cls, config: AuditConfig, executor: Executor | None = None
    ) -> SiteTemplate | None:
        """The template learner of a site audit, or ``None`` when ``template_share`` is 0."""
        return cls(config, executor=executor) if config.site.template_share > 0 else None

    @property
    def chrome(self) -> frozenset[str]:
        """The lines new pages are audited without (none until the template is learnt)."""
        return self.learnt or frozenset()

    def admit(self, rows: Sequence[Row]) -> list[Row]:
        """The rows of a recorded batch that are ready to be written, in crawl order.

        Rows wait while the sample fills; when it is complete the held rows come out with
        this batch's.  Each ``(result, outcome, extra)``: a URL's fetch, its audit, the rows
        its links added.
        """
        ready: list[Row] = []
        for result, outcome, extra in rows:
            if self.learnt is not None:
                ready.append((result, outcome, extra))
                continue
            if result.html:
                result = replace(result, html=HTML_PLACEHOLDER)  # held rows keep no HTML
            self._held.append((result, outcome, extra))
            if outcome is not None and outcome.audit is not None:
                self._sample.append(page_lines(outcome.audit.page))
                if len(self._sample) >= self.sample_size:
                    ready = self._learn()
        return self._refined(ready)

    def finish(self) -> list[Row]:
        """The crawl is over: learn from what was met (if not yet) and release the held rows."""
        return self._refined(self._learn()) if self.learnt is None else []

    def _learn(self) -> list[Row]:
        self.sample_pages = len(self._sample)
        self.learnt = learn_template(self._sample, self.share, self.min_pages)
        self.id = template_id(self.learnt)
        self._sample = []
        held, self._held = self._held, []
        log.info(
            "site template: %d lines on at least %.0f%% of the first %d pages",
            len(self.learnt),
            100 * self.share,
            self.sample_pages,
        )
        return held

    def _refined(self, rows: list[Row]) -> list[Row]:
        """``rows`` with every audit made without the template made again with it.

        Only pages that have a template line are audited again (the others' audits are
        the same), from their extracted Page, in the audit pool when there is one.
        """
        chrome = self.chrome
        todo = [
            i
            for i, (_, outcome, _) in enumerate(rows)
            if chrome
            and outcome is not None
            and outcome.audit is not None
            and outcome.template != self.id
            and not page_lines(outcome.audit.page).isdisjoint(chrome)
        ]
        if not todo:
            return rows
        items = []
        for i in todo:
            outcome = rows[i][1]
            assert outcome is not None and outcome.audit is not None
            items.append((outcome.url, outcome.audit.url, outcome.audit.page))
        redone = self._reaudit(items)
        self.reaudited += len(todo)
        rows = list(rows)
        for i, outcome in zip(todo, redone, strict=True):
            result, _, extra = rows[i]
            rows[i] = (result, outcome, extra)
        return rows

    def _reaudit(self, items: list[tuple[str, str | None, Page]]) -> list[AuditOutcome]:
        args = (self.config, self.chrome, self._today)
        if self.executor is None or len(items) < 2:
            return reaudit_pages(items, *args)
        n = 2 * getattr(self.executor, "_max_workers", 2)
        size = max(1, -(-len(items) // n))
        parts = [items[i : i + size] for i in range(0, len(items), size)]
        try:
            futures = [self.executor.submit(reaudit_pages, part, *args) for part in parts]
            return [outcome for future in futures for outcome in future.result()]
        except BrokenProcessPool:
            log.warning("an audit worker died: the site template's pages are audited here")
            return reaudit_pages(items, *args)


def reaudit_pages(
    items: Sequence[tuple[str, str | None, Page]],
    config: AuditConfig,
    chrome: frozenset[str],
    today: date,
) -> list[AuditOutcome]:
    """Audit extracted pages again with the site template (``SiteTemplate``; a worker task).

    Each item is ``(outcome URL, audit URL, the Page as extracted)``.
    """
    from .audit import audit_extracted

    normalize = UrlNormalizer(config.crawl.strip_params)
    tid = template_id(chrome)
    outcomes = []
    for url, audit_url, page in items:
        with _page_gc():
            outcome = _digested(
                url,
                lambda: audit_extracted(page, audit_url, config, today, chrome),  # noqa: B023
                config,
                normalize,
            )
        outcomes.append(replace(outcome, template=tid))
    return outcomes


Row = tuple[FetchResult, "AuditOutcome | None", list[FetchResult]]
"""One fetched URL as ``record_page`` writes it: its fetch, its audit, the rows its links added."""


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


def open_crawler(start: str, config: AuditConfig, out_dir: Path | None = None) -> CrawlerPort:
    """The crawler of ``crawl.py`` for ``start`` (a site or sitemap URL); with
    ``crawl.render`` or ``crawl.axe_pages``, wrapped by ``render.open_rendering``."""
    from .crawl import Crawler
    from .render import open_rendering

    return open_rendering(Crawler(start, config), config, out_dir)


class ResumingCrawler:
    """A crawler whose fetches and audits are journaled, and replayed on a resumed run.

    Wraps ``crawl.Crawler`` with a ``resume.CrawlState``: ``fetch_batch`` takes each item's
    recorded result when the state has one and fetches the others, then accounts for all
    of them as the crawler would; ``submit_audit`` takes recorded audits and sends only
    the other pages to be audited; when a batch's audit completes, its new fetches and
    audits are committed to the state together.  Failed audits (and the fetches of their
    pages) are not journaled, so a resumed run tries them again.  ``run_batches`` calls
    ``fetch_batch`` then ``submit_audit`` for each batch in turn, which pairs them.
    """

    def __init__(self, crawler: Any, state: CrawlState) -> None:
        self.crawler = crawler
        self.state = state
        self.stats = crawler.stats
        self.frontier = getattr(crawler, "frontier", None)
        self._fetched: deque[list[FetchResult]] = deque()

    def discover(self) -> Iterable[FetchResult] | None:
        return self.crawler.discover()

    def next_batch(self, size: int) -> Sequence[Any]:
        return self.crawler.next_batch(size)

    def add_links(self, result: FetchResult, hrefs: Iterable[str]) -> Iterable[FetchResult] | None:
        return self.crawler.add_links(result, hrefs)

    def close(self) -> None:
        self.crawler.close()

    def fetch_batch(self, items: Sequence[Any]) -> list[FetchResult]:
        recorded = self.state.recorded_fetches([item.url for item in items])
        todo = [item for item in items if item.url not in recorded]
        fresh = self.crawler.fetch_items(todo) if todo else []
        by_url = {r.url: r for r in fresh}
        rows = self.crawler.account([recorded.get(item.url) or by_url[item.url] for item in items])
        self._fetched.append(fresh)  # only once the batch is whole (a fetch task may retry)
        return rows

    def submit_audit(
        self, results: list[FetchResult], submit: Callable[[list[FetchResult]], AuditFuture]
    ) -> AuditFuture:
        fresh = self._fetched.popleft() if self._fetched else []
        pages = [r.final_url or r.url for r in results if r.html is not None]
        recorded = self.state.recorded_outcomes(pages)
        todo = [r for r in results if r.html is not None and (r.final_url or r.url) not in recorded]
        return _JournaledAudit(
            self.state, fresh, list(recorded.values()), submit(todo) if todo else None
        )


class _JournaledAudit:
    """The audit of one batch: recorded outcomes plus new ones, journaled on completion."""

    def __init__(
        self,
        state: CrawlState,
        fetched: list[FetchResult],
        recorded: list[AuditOutcome],
        future: AuditFuture | None,
    ) -> None:
        self.state, self.fetched, self.recorded, self.future = state, fetched, recorded, future

    def result(self) -> list[AuditOutcome]:
        outcomes = self.future.result() if self.future is not None else []
        done = {o.url: o for o in outcomes if o.audit is not None}
        failed = {o.url for o in outcomes if o.audit is None}
        self.state.save_batch(
            (r for r in self.fetched if r.html is None or (r.final_url or r.url) not in failed),
            done,
        )
        return [*self.recorded, *outcomes]


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


@contextmanager
def _page_gc() -> Iterator[None]:
    """Run one page's audit with the cyclic GC paused, then collect its garbage at once.

    A page's bs4 tree is thousands of objects tied in cycles (parent <-> children), alive
    for the whole audit: with the GC on, each of the many collections an audit's
    allocations trigger traverses the tree and promotes it, generation by generation, so
    the oldest generation's full collections meet it again.  Paused, the page's garbage
    is found by one young-generation collection once the tree is dead (a tenth of a
    worker's CPU on the sitegen site).  The older generations are collected on CPython's
    own schedule (every ``threshold[1]`` young collections, and so on), so cycles that
    outlive a page are still freed.  When the GC is already off (a caller's choice, or
    another thread auditing in this process) it is left alone.
    """
    if not gc.isenabled() or not gc.get_threshold()[0]:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        _, young, old = gc.get_count()
        _, young_max, old_max = gc.get_threshold()
        if young + 1 <= young_max:
            gc.collect(0)
        elif old + 1 <= old_max:
            gc.collect(1)
        else:
            gc.collect(2)


def audit_pages(
    pages: Sequence[tuple[str, str]], config: AuditConfig, chrome: frozenset[str] = frozenset()
) -> list[AuditOutcome]:
    """Audit ``(url, html)`` pairs in this process; a page that raises becomes an error.

    ``chrome``: the site template's lines (``SiteTemplate``), dropped from every page.

    This is what runs in each worker process (and in a Dask worker); it catches every
    exception of one page so one bad page never loses the others of its chunk.
    Each page's ``PageDigest`` is made here too, right after its audit, so the parent gets
    what the cross-page checks need without re-reading the ``PageAudit``; a digest that
    raises keeps the audit (``error`` says why the digest is missing).
    """
    normalize = UrlNormalizer(config.crawl.strip_params)
    today = date.today()  # the core never reads the clock; review age is judged against this
    outcomes = []
    for url, html in pages:
        with _page_gc():
            outcomes.append(_audit_one(url, html, config, today, normalize, chrome))
    return outcomes


def _audit_one(
    url: str,
    html: str,
    config: AuditConfig,
    today: date,
    normalize: UrlNormalizer,
    chrome: frozenset[str] = frozenset(),
) -> AuditOutcome:
    from .audit import audit_page

    outcome = _digested(
        url,
        lambda: audit_page(html, url, config, today=today, site_chrome=chrome),
        config,
        normalize,
    )
    return replace(outcome, template=template_id(chrome)) if chrome else outcome


def _digested(
    url: str, make_audit: Callable[[], PageAudit], config: AuditConfig, normalize: UrlNormalizer
) -> AuditOutcome:
    """The outcome of ``make_audit()`` with the page's digest; any failure is reported.

    The page's budget covers its audit and its digest: past it the page is a failed audit
    with the reason, and the worker goes on with the next page (``budget.py``).
    """
    try:
        with time_budget(config.crawl.audit_budget_s):
            try:
                audit = make_audit()
            except Exception as exc:  # any failure is reported, not raised
                return AuditOutcome(url, None, f"{type(exc).__name__}: {exc}")
            try:
                digest = digest_page(audit, config, normalize=normalize)
            except Exception as exc:  # the page's own audit still counts
                error = f"digest failed: {type(exc).__name__}: {exc}"
                return AuditOutcome(url, audit, error)
    except BudgetExceeded as exc:
        log.warning("%s: %s", url, exc)
        return AuditOutcome(url, None, f"audit over budget: {exc}")
    return AuditOutcome(url, audit, digest=digest)


def audit_pages_packed(
    pages: Sequence[tuple[str, str]],
    config: AuditConfig,
    audit: Callable[..., list[AuditOutcome]] = audit_pages,
    chrome: frozenset[str] = frozenset(),
) -> list[bytes]:
    """``audit_pages`` for the process pool: each outcome packed (``resume.pack``).

    A worker's result is pickled to cross to the parent anyway; packing it here, per page,
    lets the parent keep the bytes for the crawl state instead of pickling every audit a
    second time (about half a millisecond a page of the parent's CPU).
    """
    return [pack(outcome) for outcome in audit(pages, config, chrome)]


def _unpacked(blobs: Iterable[bytes]) -> list[AuditOutcome]:
    """Outcomes from a worker, each keeping the bytes it came as (for the crawl state)."""
    return [replace(unpack(blob), packed=blob) for blob in blobs]


def _process_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers start from a ``forkserver`` that has imported the core.

    Forking the crawling process itself (which runs fetch threads, and Prefect's threads
    inside a flow) could hand a child a lock held by another thread, and spawning each
    worker from scratch would re-import bs4, lxml and textstat for every one.
    """
    context = _forkserver_context()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_started)
    # Start the forkserver and its workers now, while the crawl reads robots.txt, the
    # sitemaps and its first batch, not when that batch is submitted: importing the core
    # takes the forkserver ~0.4 s, which the first batch would otherwise wait for.
    for _ in range(workers):
        pool.submit(os.getpid)
    return pool


def _forkserver_context() -> Any:
    """The ``forkserver`` start method, its server set to import the core first (``None``
    where the platform has no forkserver)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("forkserver")
    # The lifeline first: the forkserver dies with this process (``lifeline.py``).
    context.set_forkserver_preload(["content_audit._lifeline_preload", "content_audit.audit"])
    return context


def prestart_forkserver() -> bool:
    """Start the audit pool's forkserver now, without waiting for it; True if started.

    Starting the pool is mostly waiting for the forkserver to import the core (~0.4 s of
    the other core's CPU) before it forks the workers.  ``content-audit crawl`` and
    ``demo`` call this before they import Prefect (~1 s in this process), so on the flow
    the forkserver is ready when the run opens its pool (issue #20).  It is only started:
    the pool itself is made, as always, by the thread that runs the audit (the workers'
    lifeline is tied to the thread that made the forkserver: ``lifeline.py``), so call
    this from that thread.  The library path (``--no-prefect``) does not call it."""
    if _forkserver_context() is None:
        return False
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return True


def _worker_started() -> None:
    """Freeze what an audit worker has imported out of the cyclic GC's reach.

    Modules, classes, functions and compiled patterns live as long as the worker: every
    full collection (one every hundred-odd pages, ``_page_gc``) traversed all of them
    again, about a tenth of a millisecond per page.  Frozen objects are still freed by
    reference counting; only what is created after this point is traced.
    """
    from . import audit  # noqa: F401  (already imported when started by the forkserver)
    from .lifeline import die_with_parent

    die_with_parent()  # a worker dies with its forkserver, which dies with the crawl
    # Ctrl-C reaches the whole process group: the crawl stops the pool; a worker that took
    # the KeyboardInterrupt itself would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    gc.collect()
    gc.freeze()


class AuditPool(Executor):
    """The process pool pages are audited in, replaced when one of its workers dies.

    A ``ProcessPoolExecutor`` whose worker is killed (the OOM killer, a crash in a C
    extension on a hostile page) is broken for good: every future of it fails, and so does
    every later ``submit``.  This one starts a fresh pool on the first ``submit`` after a
    break, so one dead worker costs the batches in flight at that moment (which
    ``PendingAudit`` retries), not the rest of the run.  Thread-safe: the flow submits
    from its task runner's threads.
    """

    def __init__(self, workers: int | None = None) -> None:
        self._max_workers = workers or default_workers()  # the name ProcessPoolExecutor uses
        self._lock = threading.Lock()
        self._pool = _process_pool(self._max_workers)
        self.restarts = 0
        """How many times a broken pool was replaced."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            try:
                return self._pool.submit(fn, *args, **kwargs)
            except BrokenProcessPool:
                broken, self._pool = self._pool, _process_pool(self._max_workers)
                self.restarts += 1
                log.warning(
                    "an audit worker died: started a new process pool (%d so far)", self.restarts
                )
            broken.shutdown(wait=False, cancel_futures=True)
            return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            pool = self._pool
        pool.shutdown(wait=wait, cancel_futures=cancel_futures)

    def kill_workers(self) -> None:
        """Kill the pool's worker processes (stuck past the audit budget where ``SIGALRM``
        cannot reach them, in C code): the pool breaks and is replaced on the next submit,
        and its chunks in flight are retried like those of a dead worker."""
        with self._lock:
            pool = self._pool
        _kill_workers(pool)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()


def _wait_limit_s(config: AuditConfig, pages: int) -> float | None:
    """How long the parent waits for a chunk of ``pages``: each page is stopped by its own
    budget in the worker (``budget.py``), so this only ends a worker stuck where the alarm
    cannot reach it.  ``None`` (no limit) when the budget is off."""
    budget = config.crawl.audit_budget_s
    return None if budget <= 0 else budget * (pages + 1) + 1.0


def make_executor(workers: int | None = None) -> Executor:
    """The process pool pages are audited in (``workers`` defaults to the core count): an
    ``AuditPool``, which survives the death of a worker."""
    return AuditPool(workers)


class PendingAudit:
    """The audit of one fetched batch, submitted to ``executor`` without waiting.

    The batch is cut into a few chunks per worker so both cores stay busy and the config is
    pickled once per chunk, not once per page.  Without an executor the pages are audited
    in this process when ``result()`` is called.

    When a worker process dies, every chunk in flight in its pool fails, not only its own;
    so a failed chunk is audited again (``_retry``): once in the executor (an ``AuditPool``
    has replaced its broken pool by then), and if that fails too, page by page in a
    one-worker pool of its own, where a death can only be that page's.  Only a page that
    kills the worker every time becomes a failed audit ("worker died"); the others of its
    batch, and every later batch, are audited.
    """

    def __init__(
        self,
        results: Sequence[FetchResult],
        config: AuditConfig,
        executor: Executor | None = None,
        chunks: int | None = None,
        chrome: frozenset[str] = frozenset(),
    ) -> None:
        self.config = config
        self.executor = executor
        self.chrome = chrome
        pages = [(r.final_url or r.url, r.html) for r in results if r.html is not None]
        if executor is None or not pages:
            self.parts, self.futures = [pages], []
            return
        n = chunks or 2 * getattr(executor, "_max_workers", 2)
        size = max(1, -(-len(pages) // n))
        self.parts = [pages[i : i + size] for i in range(0, len(pages), size)]
        self.futures = [_submit(executor, part, config, chrome) for part in self.parts]

    def result(self) -> list[AuditOutcome]:
        if not self.futures:
            return audit_pages(self.parts[0], self.config, self.chrome)
        outcomes: list[AuditOutcome] = []
        for part, future in zip(self.parts, self.futures, strict=True):
            try:
                outcomes.extend(_unpacked(self._wait(future, part)))
            except BrokenProcessPool:
                outcomes.extend(self._retry(part))
        return outcomes

    def _wait(self, future: Future[list[bytes]], part: list[tuple[str, str]]) -> list[bytes]:
        """``future.result()``; past ``_wait_limit_s`` the pool's workers are killed and the
        chunk fails as if a worker had died (only for an ``AuditPool``, which can)."""
        kill = getattr(self.executor, "kill_workers", None)
        limit = _wait_limit_s(self.config, len(part)) if kill is not None else None
        try:
            return future.result(timeout=limit)
        except FuturesTimeoutError:
            log.warning("audit workers stuck past the audit budget: stopping them")
            assert kill is not None
            kill()
            raise BrokenProcessPool("audit workers stopped past the audit budget") from None

    def _retry(self, part: list[tuple[str, str]]) -> list[AuditOutcome]:
        assert self.executor is not None
        try:
            return _unpacked(
                self._wait(_submit(self.executor, part, self.config, self.chrome), part)
            )
        except BrokenProcessPool:
            pass
        outcomes: list[AuditOutcome] = []
        pool: ProcessPoolExecutor | None = None
        limit = _wait_limit_s(self.config, 1)
        try:
            for page in part:
                pool = pool or _process_pool(1)
                try:
                    future = pool.submit(audit_pages, [page], self.config, self.chrome)
                    outcomes.extend(future.result(timeout=limit))
                except FuturesTimeoutError:
                    log.warning("%s: the audit worker was stuck past the budget", page[0])
                    outcomes.append(
                        AuditOutcome(
                            page[0],
                            None,
                            f"audit over budget: the worker was stopped after {limit:g} s "
                            "(crawl.audit_budget_s)",
                        )
                    )
                    _kill_workers(pool)
                    pool.shutdown(wait=False)
                    pool = None
                except BrokenProcessPool as exc:
                    log.warning("%s: the audit worker died on this page", page[0])
                    outcomes.append(AuditOutcome(page[0], None, f"worker died: {exc}"))
                    pool.shutdown(wait=False)
                    pool = None
        finally:
            if pool is not None:
                pool.shutdown(wait=True)
        return outcomes


def _submit(
    executor: Executor,
    part: list[tuple[str, str]],
    config: AuditConfig,
    chrome: frozenset[str] = frozenset(),
) -> Future[list[bytes]]:
    """``executor.submit(audit_pages_packed, ...)``; a pool already broken gives a failed
    future (``PendingAudit`` retries it) rather than an exception that would end the run.

    ``audit_pages`` is passed along as looked up here, so what runs in the worker is this
    module's current ``audit_pages`` (tests swap in one that kills its worker).
    """
    try:
        return executor.submit(audit_pages_packed, part, config, audit_pages, chrome)
    except BrokenProcessPool as exc:
        failed: Future[list[bytes]] = Future()
        failed.set_exception(exc)
        return failed


def audit_batch(
    results: Sequence[FetchResult],
    config: AuditConfig,
    executor: Executor | None = None,
    chrome: frozenset[str] = frozenset(),
) -> list[AuditOutcome]:
    """Audit the HTML pages of a fetched batch (in ``executor``'s processes when given)."""
    return PendingAudit(results, config, executor, chrome=chrome).result()


def follow_links(audit: PageAudit) -> tuple[str, ...]:
    """Every link of an audited page, for the crawler to follow or to account for.

    Off-site links are handed over too: the crawler decides scope (hosts, aliases, ports)
    and reports each off-site or unparsable URL once in the inventory without fetching it,
    so every URL the crawl meets has a row.
    """
    return tuple(dict.fromkeys(link.href for link in audit.page.links))


def record_batch(
    crawler: CrawlerPort,
    writer: RowSink,
    tally: Tally,
    results: Sequence[FetchResult],
    outcomes: Sequence[AuditOutcome],
    site: SiteCollector | None = None,
    template: SiteTemplate | None = None,
) -> None:
    """Feed each page's links back to the crawler and stream the batch's rows to the CSVs.

    With ``site``, every URL's state and every audited page's digest are collected for the
    cross-page checks.  With ``template``, the links are fed back at once but the rows of
    the pages met before the site's template is learnt wait for it (``SiteTemplate.admit``).
    """
    by_url = {o.url: o for o in outcomes}
    rows: list[Row] = []
    for result in results:
        outcome = by_url.get(result.final_url or result.url) if result.html is not None else None
        extra: list[FetchResult] = []
        if outcome is not None and outcome.audit is not None:
            extra = list(crawler.add_links(result, follow_links(outcome.audit)) or ())
        if template is None:
            record_page(writer, tally, result, outcome, extra, site)
        else:
            rows.append((result, outcome, extra))
    if template is not None:
        for row in template.admit(rows):
            record_page(writer, tally, *row, site)


def record_page(
    writer: RowSink,
    tally: Tally,
    result: FetchResult,
    outcome: AuditOutcome | None,
    extra: Sequence[FetchResult],
    site: SiteCollector | None = None,
) -> None:
    """The rows of one fetched URL: its own (with its audit), then those its links added."""
    _account(tally, result, site)
    if outcome is None:
        writer.write_fetch(result)
        if result.error == "credentials":
            writer.write_site_findings([credentials_finding(result)])
        return
    if outcome.audit is None:
        tally.failed += 1
        tally.errors["audit_failed"] += 1
        writer.write_failed(result, outcome.error or "unknown error")
        if site is not None:
            site.add_digest(None)
        return
    audit = outcome.audit
    if site is not None:
        if outcome.digest is None:
            tally.errors["digest_failed"] += 1
            log.warning("%s: no digest for the cross-page checks: %s", outcome.url, outcome.error)
        site.add_digest(outcome.digest)
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


def credentials_finding(result: FetchResult) -> Finding:
    """``redirect_credentials`` on a URL whose redirect put a user name or password in the
    next URL; the evidence is the crawl's detail, with the credentials redacted."""
    return Finding(
        code="redirect_credentials",
        severity=Severity.WARNING,
        message=f"{result.url}: redirects to a URL with a user name or password (not followed)",
        evidence=result.detail,
        url=result.url,
    )


def record_skipped(
    writer: RowSink,
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
    writer: RowSink,
    batch_size: int,
    *,
    fetch: Callable[[Sequence[Any]], list[FetchResult]],
    submit_audit: Callable[[list[FetchResult]], AuditFuture],
    max_batch_size: int | None = None,
    window: int = 2,
    progress: Progress | None = None,
    on_batch: Callable[[int, Tally, float], None] | None = None,
    site: SiteCollector | None = None,
    template: SiteTemplate | None = None,
) -> Tally:
    """The crawl loop from start to end (``CrawlLoop``): the tally of what it recorded."""
    loop = CrawlLoop(
        crawler,
        writer,
        batch_size,
        fetch=fetch,
        submit_audit=submit_audit,
        max_batch_size=max_batch_size,
        window=window,
        progress=progress,
        on_batch=on_batch,
        site=site,
        template=template,
    )
    loop.run()
    return loop.tally


class CrawlLoop:
    """The crawl loop: pop a batch, fetch it, submit its audit, record finished batches.

    Up to ``window`` batches are in flight, so the next batch is fetched while the previous
    one is audited.  When the frontier is empty, the oldest batch is waited for: its links
    may refill the frontier.  ``submit_audit`` is the seam the Prefect flow wraps in a
    task; the library path passes plain functions.  ``site`` collects what the cross-page
    checks need (``run_site_checks`` runs them once the loop is complete).

    The first batch has ``batch_size`` URLs, so the audit workers start early; each next
    one doubles, up to ``max_batch_size``, so a large site needs few batches: in the flow a
    batch costs a task run (~20 ms of API-server CPU, measured), everywhere a CSV flush.
    The sizes depend only on the config, so a resumed run cuts the same batches.

    ``template`` (a ``SiteTemplate``) learns the site's template from the first pages; the
    caller's ``submit_audit`` sends each batch with its ``chrome`` as it is at that moment.

    The loop keeps its state between calls of ``run``: ``run(until=...)`` stops after a
    recorded batch once ``until()`` is true (the flow's head start, ``run.head_start``:
    the batches already in flight stay in flight), and the next ``run`` goes on from there,
    with the same batches, sizes and order as one uninterrupted call.
    """

    def __init__(
        self,
        crawler: CrawlerPort,
        writer: RowSink,
        batch_size: int,
        *,
        fetch: Callable[[Sequence[Any]], list[FetchResult]],
        submit_audit: Callable[[list[FetchResult]], AuditFuture],
        max_batch_size: int | None = None,
        window: int = 2,
        progress: Progress | None = None,
        on_batch: Callable[[int, Tally, float], None] | None = None,
        site: SiteCollector | None = None,
        template: SiteTemplate | None = None,
    ) -> None:
        self.crawler = crawler
        self.writer = writer
        self.batch_size = batch_size
        self.largest = max(batch_size, max_batch_size or batch_size)
        self.fetch = fetch
        self.submit_audit = submit_audit
        self.window = window
        self.progress = progress
        self.on_batch = on_batch
        self.site = site
        self.template = template
        self.tally = Tally()
        self.batches = 0
        """Batches recorded so far."""
        self.audited = 0
        """Pages audited in them (recorded in the tally, or held for the site template's
        sample until it is learnt)."""
        self.complete = False
        self._inflight: deque[tuple[list[FetchResult], Any, float]] = deque()

    def run(self, until: Callable[[], bool] | None = None) -> bool:
        """Go on with the loop; True once it is complete, False if ``until`` stopped it."""
        crawler, writer = self.crawler, self.writer
        inflight = self._inflight
        while not self.complete:
            items = crawler.next_batch(self.batch_size) if len(inflight) < self.window else ()
            if items:
                self.batch_size = min(self.largest, 2 * self.batch_size)
                started = time.perf_counter()
                results = self.fetch(items)
                inflight.append((results, self.submit_audit(results), started))
                if len(inflight) < self.window:
                    continue
            if not inflight:
                self._finish()
                break
            results, future, started = inflight.popleft()
            outcomes = future.result()
            self.audited += sum(1 for outcome in outcomes if outcome.audit is not None)
            record_batch(crawler, writer, self.tally, results, outcomes, self.site, self.template)
            writer.flush()
            self.batches += 1
            if self.on_batch is not None:
                self.on_batch(self.batches, self.tally, time.perf_counter() - started)
            if self.progress is not None:
                self.progress(self.tally, _pending(crawler))
            if until is not None and until():
                return False
        return True

    def _finish(self) -> None:
        if self.template is not None:
            for row in self.template.finish():
                record_page(self.writer, self.tally, *row, self.site)
            self.writer.flush()
        self.complete = True


def run_site_checks(
    site: SiteCollector, config: AuditConfig, writer: RowSink
) -> tuple[tuple[str, int], ...]:
    """Run the cross-page checks and write their findings to the run's store.

    Call it after ``run_batches`` and before ``writer.commit()``, which renders the run's
    files from the store.  Returns the number of findings per code (small enough for a
    Prefect task result).
    """
    counts: Counter[str] = Counter()

    entries, today = config.decisions.entries, date.today()

    def counted(findings: Iterable[Finding]) -> Iterator[Finding]:
        for f in findings:
            if entries:
                f = accept_findings(entries, (f,), f.url, today)[0]
            counts[f.code] += 1
            yield f

    # Streamed from the checks to the store: the findings are never all in memory at once.
    writer.write_site_findings(counted(site.findings(config)))
    writer.write_inlinks(site.index.inlinks)
    log.info(
        "cross-page checks: %d findings on %d pages (crawl complete: %s)",
        counts.total(),
        len(site.index),
        site.crawl_complete,
    )
    return tuple(sorted(counts.items()))


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


# --------------------------------------------------------------------------- resume


def run_folder(
    start: str,
    config: AuditConfig,
    reports_root: str | Path = DEFAULT_REPORTS_ROOT,
    *,
    site_name: str | None = None,
) -> Path:
    """The folder of a run without ``--out``: the site's unfinished run, or a new one."""
    fresh = report_dir(start, reports_root, site_name=site_name)
    if config.crawl.resume:
        return unfinished_run(fresh.parent) or fresh
    return fresh


def open_state(target: Path, start: str, config: AuditConfig) -> CrawlState | None:
    """The crawl state of a run writing to ``target`` (``None`` with ``crawl.resume`` off,
    which also drops a state left there, so the run starts over)."""
    if config.crawl.resume:
        return CrawlState.open(target, start, config)
    discard_state(target)
    return None


def stop_state(state: CrawlState | None, error: BaseException) -> None:
    """The run failed: keep its crawl state so a run started again here resumes, unless it
    stopped on unusable input (a start page that only redirects by script) before any batch
    was journaled, where there is nothing to resume."""
    if state is None:
        return
    if isinstance(error, InputError) and state.is_empty():
        state.finish()
    else:
        state.close()


def adopt_history_run(state: CrawlState | None, recorder: RunRecorder | None) -> None:
    """Tie the run's history record to its crawl state.

    A resumed run records every page again (the replay writes them), so the history run of
    the killed attempt is marked ``interrupted`` and never compared with.
    """
    if state is None or recorder is None:
        return
    previous = state.get("history_run")
    if previous is not None and previous.isdigit() and int(previous) != recorder.run_id:
        recorder.supersede(int(previous))
    state.set("history_run", str(recorder.run_id))


def audit_submitter(
    crawler: CrawlerPort, submit: Callable[[list[FetchResult]], AuditFuture]
) -> Callable[[list[FetchResult]], AuditFuture]:
    """``submit``, journaled and replayed when the crawler keeps a crawl state."""
    if isinstance(crawler, ResumingCrawler):
        resuming = crawler
        return lambda results: resuming.submit_audit(results, submit)
    return submit


def site_key(start: str, site_name: str | None = None) -> str:
    """The name a site's runs are recorded under in the history: ``site_name`` or the host."""
    return site_name or host_of(start) or "site"
