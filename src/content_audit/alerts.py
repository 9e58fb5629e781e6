"""One alert per run, only when something regressed: a digest through a Prefect block.

After a run is recorded in the history, its changes against the previous complete run
(``store.diff_runs``) are sorted into regressions: new errors, elements lost, pages whose
score dropped, teasers gone dead, reviews newly overdue.  None: no message.  Otherwise one
digest: the counts by change, then the pages that matter most on the site first (clicks
from the user's analytics CSV when configured, else inlinks from the crawl), each with a
link into ``report.html``.  It goes through the Prefect notification block named by
``[alerts] block`` (``Block.load("slack-webhook/clinic-content").notify(body, subject)``);
a failing block is a warning in the log and the artifact, never a failed audit.
"""

from __future__ import annotations

import csv
import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from .checks import FINDINGS
from .model import Severity

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .report.runstore import RunStore

log = logging.getLogger(__name__)

INLINKS_CSV = "inlinks.csv"
TOP_PAGES = 10
REGRESSIONS: tuple[tuple[str, str], ...] = (
    ("new_errors", "new errors"),
    ("elements_lost", "elements lost"),
    ("pages_worse", "pages that got worse"),
    ("teasers_dead", "teasers gone dead"),
    ("reviews_overdue", "reviews newly overdue"),
)


@dataclass(frozen=True, slots=True)
class Digest:
    """The run's regressions: counts by kind and the pages ranked by importance."""

    site: str
    counts: tuple[tuple[str, int], ...]
    pages: tuple[tuple[str, float, tuple[str, ...], str], ...]
    """(url, importance, what regressed on it, link into report.html), most important first."""
    total_pages: int

    @property
    def subject(self) -> str:
        return f"content-audit: {self.site} regressed ({self.total_pages} pages)"

    def markdown(self) -> str:
        lines = [f"**{self.subject}**", ""]
        lines += [f"- {label}: {n}" for label, n in self.counts if n]
        lines += ["", "Pages that matter most:"]
        for url, weight, what, link in self.pages:
            lines.append(f"- [{url}]({link}) ({weight:g}): {', '.join(what)}")
        if self.total_pages > len(self.pages):
            lines.append(f"- … and {self.total_pages - len(self.pages)} more")
        return "\n".join(lines) + "\n"


def regression_of(change: Any) -> str | None:
    """The regression kind of one ``store.Change``, or ``None`` when it is not one."""
    kind = change.change
    if kind == "element_lost":
        return "elements_lost"
    if kind == "score_changed":
        try:
            return "pages_worse" if int(change.after) < int(change.before) else None
        except (TypeError, ValueError):
            return None
    if kind == "finding_new":
        code = change.after or ""
        if code == "teaser_dead":
            return "teasers_dead"
        if code == "review_overdue":
            return "reviews_overdue"
        spec = FINDINGS.get(code)
        if spec is not None and spec.severity is Severity.ERROR:
            return "new_errors"
    return None


def build_digest(
    site: str,
    changes: Iterable[Any],
    importance: Mapping[str, float],
    report_link: str,
    *,
    full_url: Any = None,
    index_of: Mapping[str, int] | None = None,
    top: int = TOP_PAGES,
) -> Digest | None:
    """The digest of a run's changes; ``None`` when nothing regressed."""
    counts: Counter[str] = Counter()
    per_page: dict[str, set[str]] = {}
    labels = dict(REGRESSIONS)
    for change in changes:
        kind = regression_of(change)
        if kind is None:
            continue
        url = full_url(change.url) if full_url else change.url
        counts[kind] += 1
        per_page.setdefault(url, set()).add(labels[kind])
    if not counts:
        return None
    ranked = sorted(per_page, key=lambda u: (-importance.get(u, 0.0), u))
    pages = tuple(
        (
            url,
            float(importance.get(url, 0.0)),
            tuple(sorted(per_page[url])),
            report_link + (f"#page-{index_of[url]}" if index_of and url in index_of else ""),
        )
        for url in ranked[:top]
    )
    return Digest(site, tuple((label, counts[k]) for k, label in REGRESSIONS), pages, len(per_page))


def read_importance(out_dir: Path, clicks_csv: str = "") -> dict[str, float]:
    """URL -> weight: clicks from the user's CSV (``url``, ``clicks``) when given, else
    inlinks from the crawl (``inlinks.csv`` of the run folder)."""
    path, column = (
        (Path(clicks_csv), "clicks") if clicks_csv else (out_dir / INLINKS_CSV, "inlinks")
    )
    weights: dict[str, float] = {}
    if not path.is_file():
        return weights
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                weights[row["url"]] = float(row[column])
            except (KeyError, TypeError, ValueError):
                continue
    return weights


class InlinksCsv:
    """``inlinks.csv``: url, inlinks (crawled pages linking to it), most linked first.

    One of the run's row files (``exporters.row_files``), rendered from the run's store
    (``RunStore.inlink_rows``) with the CSV files, so it is committed with them."""

    filename = INLINKS_CSV

    def write(self, store: RunStore, handle: TextIO) -> None:
        writer = csv.writer(handle)
        writer.writerow(("url", "inlinks"))
        writer.writerows(store.inlink_rows())


def send_digest(block: str, digest: Digest) -> str | None:
    """Send the digest through the Prefect notification block ``block``; the warning on
    failure (the audit goes on), ``None`` when sent."""
    try:
        from prefect.blocks.core import Block

        notifier: Any = Block.load(block)
        notifier.notify(digest.markdown(), digest.subject)
    except Exception as exc:  # a notification must never fail the audit
        warning = f"alert not sent through block {block!r}: {type(exc).__name__}: {exc}"
        log.warning(warning)
        return warning
    return None


def alert_run(
    block: str,
    clicks_csv: str,
    site: str,
    start: str,
    out_dir: Path,
    report: Path | None,
    changes: Iterable[Any],
) -> str:
    """Build the run's digest and send it when a block is configured; the Markdown the
    run's artifact carries ("" when nothing regressed)."""
    parts = urlsplit(start)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""

    def full_url(key: str) -> str:
        return origin + key if origin and key.startswith("/") else key

    index_of = _report_index(out_dir)
    link = report.resolve().as_uri() if report is not None else ""
    digest = build_digest(
        site,
        changes,
        read_importance(out_dir, clicks_csv),
        link,
        full_url=full_url,
        index_of=index_of,
    )
    if digest is None:
        return ""
    text = digest.markdown()
    if block:
        warning = send_digest(block, digest)
        if warning:
            text += f"\n> Warning: {warning}\n"
    return text


def _report_index(out_dir: Path) -> dict[str, int]:
    """URL -> its ``#page-N`` index in report.html (the order of ``pages.jsonl``)."""
    path = out_dir / "pages.jsonl"
    out: dict[str, int] = {}
    if not path.is_file():
        return out
    with open(path, encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            url = json.loads(line).get("url") or ""
            out.setdefault(url, n)
    return out
