"""Pages that need a browser: render script shells in headless Chromium, run axe-core.

A shell, not the core: it drives Debian's Chromium through Playwright (the optional extra
``content-audit[browser]``, imported lazily), never a browser download.

- ``RenderingCrawler`` wraps the crawler (``crawl.Crawler`` or a test double) that the
  pipeline opens: each fetched batch passes through it, and the pages whose HTML is a
  *script shell* (``is_script_shell``: scripts and next to no text, a single-page app) are
  rendered (``crawl.render = "auto"``; ``"always"`` renders every page) and audited as
  rendered; their ``FetchResult.rendered`` is set, which inventory.csv shows.
- It also remembers one URL per distinct page template (``template_signature``); when the
  crawl closes it runs axe-core on ``crawl.axe_pages`` of them and writes ``axe.csv``.

The browser runs on a thread of its own with an asyncio loop and ``crawl.render_pages``
pages at once: the crawl may call from any thread (a Prefect task's), Playwright's objects
may only be used from the one that made them.  ``--render never`` (the default) never
imports Playwright: the crawl pays nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import hashlib
import logging
import re
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .config import AuditConfig, CrawlConfig
from .errors import InputError
from .model import FetchResult

log = logging.getLogger(__name__)

AXE_CSV = "axe.csv"
AXE_COLUMNS: tuple[str, ...] = (
    "url",
    "rule",
    "impact",
    "wcag",
    "nodes",
    "description",
    "help_url",
)
"""The columns of axe.csv: one row per page and axe-core rule violated."""

# A page whose visible body text has fewer words than this, and which has scripts, is a
# shell: a single-page app's HTML before its script builds the content.
SHELL_MAX_WORDS = 40
# Resource types a rendered audit never needs (text is what we read).
_BLOCKED = frozenset({"image", "media", "font"})
_SCRIPT_RE = re.compile(r"<script\b", re.IGNORECASE)
_STRIP_RE = re.compile(
    r"<(script|style|noscript|template|head)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)
_TAG_RE = re.compile(r"<[^<>]*>")
_BODY_TAG_RE = re.compile(r"<body\b([^>]*)>", re.IGNORECASE)
_CLASS_RE = re.compile(r"""class\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_SKELETON_RE = re.compile(r"<(header|nav|main|article|aside|footer|section)\b([^>]*)>", re.I)
_WCAG_TAG_RE = re.compile(r"^wcag(\d)(\d)(\d+)$")


class BrowserUnavailable(InputError):
    """Rendering or axe was asked for and no usable Chromium (or Playwright) is here."""


def is_script_shell(html: str) -> bool:
    """True when ``html`` has scripts and next to no visible text: a single-page app."""
    if not _SCRIPT_RE.search(html):
        return False
    text = _TAG_RE.sub(" ", _STRIP_RE.sub(" ", html))
    return len(text.split()) < SHELL_MAX_WORDS


def template_signature(html: str) -> str:
    """What pages of one template share: the body's class tokens without ids and numbers,
    and the sequence of landmark elements with their classes (not their text)."""
    body = _BODY_TAG_RE.search(html)
    classes = ""
    if body is not None:
        found = _CLASS_RE.search(body.group(1))
        if found is not None:
            classes = " ".join(sorted(t for t in found.group(1).split() if not re.search(r"\d", t)))
    marks = []
    for name, attrs in _SKELETON_RE.findall(html[:400_000]):
        cls = _CLASS_RE.search(attrs)
        tokens = sorted(t for t in (cls.group(1).split() if cls else ()) if not re.search(r"\d", t))
        marks.append(f"{name.lower()}.{'.'.join(tokens)}")
    raw = classes + "|" + " ".join(marks[:40])
    return hashlib.sha1(raw.encode("utf-8", "replace")).hexdigest()[:16]


def check_browser(config: CrawlConfig) -> None:
    """Raise ``BrowserUnavailable`` (one line) unless Playwright and ``config.browser`` are
    here; the CLI calls this before a crawl with ``--render`` or ``--axe``."""
    if not Path(config.browser).is_file():
        raise BrowserUnavailable(
            f"no Chromium at {config.browser} (install Debian's chromium, or set "
            "crawl.browser); --render and --axe need it"
        )
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        raise BrowserUnavailable(
            "Playwright is not installed: pip install 'content-audit[browser]' "
            "(--render and --axe need it)"
        ) from None


def axe_source() -> str:
    """The axe-core script shipped by the ``axe-playwright-python`` package (MPL-2.0)."""
    try:
        from importlib.resources import files

        return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError, ModuleNotFoundError):
        raise BrowserUnavailable(
            "axe-core is not installed: pip install 'content-audit[browser]' (--axe needs it)"
        ) from None


def wcag_of(tags: Iterable[str]) -> str:
    """The WCAG criteria of an axe rule's tags ("wcag244" -> "2.4.4"), comma-separated."""
    out = []
    for tag in tags:
        m = _WCAG_TAG_RE.match(tag)
        if m:
            out.append(".".join(m.groups()))
    return ",".join(out)


@dataclass(frozen=True, slots=True)
class Rendered:
    """One page as the browser left it: its DOM, or why not, and the time it took."""

    url: str
    html: str | None
    elapsed_s: float
    error: str | None = None


class Browser:
    """Headless Chromium on a thread of its own, ``pages`` tabs at once."""

    def __init__(self, config: CrawlConfig) -> None:
        check_browser(config)
        self.config = config
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="content-audit-browser", daemon=True
        )
        self._thread.start()
        self._pw: Any = None
        self._browser: Any = None
        self._run(self._start())

    def _run(self, coro: Any, timeout_s: float | None = None) -> Any:
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout_s)

    async def _start(self) -> None:
        from playwright.async_api import async_playwright

        self._pw = await async_playwright().start()
        self._browser = await self._pw.chromium.launch(
            executable_path=self.config.browser, headless=True, args=["--no-sandbox"]
        )
        # The pool: one context and tab each, made once and reused page after page (a new
        # context costs 0.2-1.4 s on a busy machine, a page load on loopback ~0.2 s).
        self._tabs: asyncio.Queue[Any] = asyncio.Queue()
        for _ in range(max(1, self.config.render_pages)):
            context = await self._browser.new_context()
            tab = await context.new_page()
            await tab.route("**/*", _block_heavy)
            self._tabs.put_nowait(tab)

    def render(self, urls: Sequence[str]) -> list[Rendered]:
        """Each URL loaded (images, media and fonts blocked) and its DOM once the network
        is idle, in order."""

        async def many() -> list[Rendered]:
            return list(await asyncio.gather(*(self._render_one(u) for u in urls)))

        return self._run(many()) if urls else []

    async def _render_one(self, url: str) -> Rendered:
        tab = await self._tabs.get()
        began = time.perf_counter()  # from a free tab: the time of this page alone
        try:
            timeout_ms = self.config.render_timeout_s * 1000
            await tab.goto(url, wait_until="load", timeout=timeout_ms)
            # Done when the script has written an article's worth of text; a page that
            # never does is taken as it is after a third of the timeout.
            with contextlib.suppress(Exception):
                await tab.wait_for_function(
                    "n => document.body && document.body.innerText.split(/\\s+/).length >= n",
                    arg=SHELL_MAX_WORDS,
                    timeout=timeout_ms / 3,
                )
            html = await tab.content()
            return Rendered(url, html, time.perf_counter() - began)
        except Exception as exc:
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            return Rendered(url, None, time.perf_counter() - began, reason)
        finally:
            self._tabs.put_nowait(tab)

    def axe(self, urls: Sequence[str], source: str) -> dict[str, list[dict[str, Any]]]:
        """axe-core's violations on each URL (rules of WCAG 2.0/2.1 A and AA and the best
        practices), by URL; a page that fails to load gives none."""

        async def many() -> dict[str, list[dict[str, Any]]]:
            found = await asyncio.gather(*(self._axe_one(u, source) for u in urls))
            return dict(zip(urls, found, strict=True))

        return self._run(many()) if urls else {}

    async def _axe_one(self, url: str, source: str) -> list[dict[str, Any]]:
        tab = await self._tabs.get()
        try:
            timeout_ms = self.config.render_timeout_s * 1000
            await tab.goto(url, wait_until="load", timeout=timeout_ms)
            await tab.add_script_tag(content=source)
            result = await tab.evaluate(
                "async () => await axe.run(document, {resultTypes: ['violations']})"
            )
            return list(result.get("violations", []))
        except Exception as exc:
            log.warning("axe-core on %s failed: %s", url, str(exc).splitlines()[0][:200])
            return []
        finally:
            self._tabs.put_nowait(tab)

    def close(self) -> None:
        async def stop() -> None:
            if self._browser is not None:
                await self._browser.close()
            if self._pw is not None:
                await self._pw.stop()

        try:
            self._run(stop(), timeout_s=30)
        except Exception as exc:  # closing must not hide the crawl's outcome
            log.warning("closing the browser: %s", exc)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


async def _block_heavy(route: Any) -> None:
    if route.request.resource_type in _BLOCKED:
        await route.abort()
    else:
        await route.continue_()


def wants_browser(config: AuditConfig | CrawlConfig) -> bool:
    """True when the crawl renders pages or runs axe-core."""
    crawl = config.crawl if isinstance(config, AuditConfig) else config
    return crawl.render != "never" or crawl.axe_pages > 0


class RenderingCrawler:
    """The crawler, with script shells rendered and one page per template sampled for
    axe-core; everything else is the wrapped crawler's."""

    def __init__(
        self,
        crawler: Any,
        config: AuditConfig,
        out_dir: Path | None = None,
        *,
        browser: Browser | None = None,
    ) -> None:
        self.crawler = crawler
        self.crawl_config = config.crawl
        self.out_dir = out_dir
        self._browser = browser
        self.samples: dict[str, str] = {}
        """First URL of each template signature met, in crawl order."""
        self.render_s: list[float] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.crawler, name)

    @property
    def browser(self) -> Browser:
        """Chromium, started at the first page that needs it (a crawl that meets no shell
        and runs no axe-core never starts it)."""
        if self._browser is None:
            self._browser = Browser(self.crawl_config)
        return self._browser

    def fetch_batch(self, items: Sequence[Any]) -> list[FetchResult]:
        return self.crawler.account(self.fetch_items(items))

    def fetch_items(self, items: Sequence[Any]) -> list[FetchResult]:
        return self.render_results(self.crawler.fetch_items(items))

    def render_results(self, results: list[FetchResult]) -> list[FetchResult]:
        """``results`` with the shells (or, with "always", every page) rendered."""
        mode = self.crawl_config.render
        todo = [
            i
            for i, r in enumerate(results)
            if r.html is not None
            and mode != "never"
            and (mode == "always" or is_script_shell(r.html))
        ]
        if todo:
            done = self.browser.render([results[i].final_url or results[i].url for i in todo])
            for i, rendered in zip(todo, done, strict=True):
                self.render_s.append(rendered.elapsed_s)
                if rendered.html is not None:
                    results[i] = replace(results[i], html=rendered.html, rendered=True)
                else:
                    log.warning("rendering %s failed: %s", rendered.url, rendered.error)
            self.crawler.stats["rendered"] += sum(1 for i in todo if results[i].rendered)
        for r in results:
            if r.html is not None:
                self.samples.setdefault(template_signature(r.html), r.final_url or r.url)
        return results

    def run_axe(self, pages: int) -> list[tuple[Any, ...]]:
        """axe.csv rows for up to ``pages`` sampled pages (one per template)."""
        urls = list(self.samples.values())[:pages]
        if not urls:
            return []
        found = self.browser.axe(urls, axe_source())
        rows = []
        for url in urls:
            for v in found.get(url, []):
                rows.append(
                    (
                        url,
                        v.get("id", ""),
                        v.get("impact") or "",
                        wcag_of(v.get("tags", ())),
                        len(v.get("nodes", ())),
                        v.get("help", ""),
                        v.get("helpUrl", ""),
                    )
                )
        self.crawler.stats["axe_pages"] += len(urls)
        return rows

    def close(self) -> None:
        try:
            if self.crawl_config.axe_pages > 0 and self.out_dir is not None:
                write_axe_csv(self.out_dir / AXE_CSV, self.run_axe(self.crawl_config.axe_pages))
        finally:
            if self._browser is not None:
                self._browser.close()
            self.crawler.close()


def write_axe_csv(path: Path, rows: Iterable[Sequence[Any]]) -> None:
    """axe.csv: ``AXE_COLUMNS``, one row per page and rule violated."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(AXE_COLUMNS)
        writer.writerows(rows)


def read_axe_csv(path: Path) -> list[dict[str, str]]:
    """The rows of an axe.csv (none when the crawl ran no axe-core)."""
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def open_rendering(crawler: Any, config: AuditConfig, out_dir: Path | None = None) -> Any:
    """``crawler`` wrapped in a ``RenderingCrawler`` when the config asks for a browser."""
    if not wants_browser(config):
        return crawler
    return RenderingCrawler(crawler, config, out_dir)
