"""The HTML reports: ``report.html`` of a site audit, and the one-page view of ``check``.

Both are rendered by one Jinja2 ``Environment(autoescape=True)`` on the package's
``report/templates``: everything that came from a crawled page is escaped by the template
engine, never by hand, and no template uses ``|safe``.  ``Markup`` wraps only strings built
here from escaped parts (the SVG charts, the page data embedded for the script).

Why the site report is shaped like this (measured; see the README "Reports" section):

- It is rendered from the run's store (``runstore.RunStore``: the pages' JSON documents
  and every finding, as the run produced them), never from audits held in memory nor from
  another output file: a first pass over the documents builds one small ``PageRow`` per
  page (the table, the summary, the charts), a second pass streams each page's detail
  into the output as JSON.
- Page details are embedded once, as JSON in ``<script type="application/json">`` with
  every ``<``, ``>`` and ``&`` written as a ``\\u`` escape (so no ``</script>`` in page text
  can end the element), and the script renders the one a reader opens with
  ``textContent``.  The pages table is plain HTML, so the report prints and reads without
  JavaScript.
- The file is written atomically (``files.atomic_write``): a crash leaves the previous
  report, or none, never half a report.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import statistics
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from .. import __version__
from ..checks import FINDINGS, UNCLEAR_CHECKS
from ..decisions import Decision, unmatched
from ..model import ELEMENT_NAMES
from . import charts
from .access import access_panel
from .article import article_segments
from .details import PAGES_JSONL, clip, element_status, iter_details, page_detail
from .files import atomic_write
from .runstore import FindingRow

REPORT_HTML = "report.html"
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
CHANGES_SHOWN = 300
"""Rows of the "What changed" table; the full list is in changes.csv."""
WORSE_SHOWN = 15

ELEMENT_LABELS: dict[str, str] = {
    "definition": "Definition",
    "uses": "Uses",
    "mechanism": "How it works",
    "consult": "Consult prompt",
}
ELEMENT_QUESTIONS: dict[str, str] = {
    "definition": "Does it say what the subject is?",
    "uses": "Does it say what it is used for, and for whom?",
    "mechanism": "Does it explain how it works?",
    "consult": "Does it invite the reader to talk to a clinician?",
}
VIA_LABELS: dict[str, str] = {
    "heading": "Found under the heading",
    "pseudo_heading": "Found under a bold line used as a heading",
    "text": "Found in the body text only, in the section",
}
STATUS_CLASSES: dict[str, str] = {"found": "present", "unclear": "unclear", "missing": "absent"}
"""CSS class of each element verdict (cards and badges)."""
STATUS_BADGES: dict[str, str] = {"found": "found", "unclear": "? unclear", "missing": "missing"}
"""Badge text of each element verdict."""
CHANGE_LABELS: dict[str, str] = {
    "page_added": "Page added",
    "page_removed": "Page removed",
    "finding_new": "New finding",
    "finding_fixed": "Finding fixed",
    "score_changed": "Score changed",
    "grade_changed": "Reading grade changed",
    "element_lost": "Element lost",
    "element_gained": "Element gained",
    "kind_changed": "Kind changed",
    "review_drift": "Text changed after its medical review",
}


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class RunMeta:
    """What the report says about the run itself (from the pipeline and the history)."""

    site: str
    start: str = ""
    generated_at: str = ""
    grade_target: float = 8.0
    run_id: int | None = None
    previous_run_id: int | None = None
    previous_started_at: str | None = None
    urls: int | None = None
    failed_audits: int = 0
    elapsed_s: float | None = None


@dataclass(frozen=True, slots=True)
class PageChange:
    """One line of "what changed" for display (a ``store.Change`` with readable labels)."""

    url: str
    change: str
    label: str
    detail: str
    before: str = ""
    after: str = ""


@dataclass(frozen=True, slots=True)
class PageRow:
    """One row of the pages table; built in Python so the template only loops."""

    index: int
    url: str
    title: str
    kind: str
    score: int
    grade: float
    words: int
    missing: tuple[str, ...]
    errors: int
    warnings: int
    infos: int
    trend: str = ""
    """``worse``, ``better``, ``new`` or empty (no previous run, or no change)."""
    score_delta: int | None = None
    trend_note: str = ""
    unclear: tuple[str, ...] = ()
    """Elements of an article that are unclear (a candidate to check), in report order."""

    @property
    def gaps_rank(self) -> float:
        """Sort key of the elements column: a missing element counts 1, an unclear one 1/2."""
        return len(self.missing) + len(self.unclear) / 2

    @property
    def severities(self) -> str:
        """Space-separated severities the page has findings of (the severity filter)."""
        return " ".join(
            s
            for s, n in zip(SEVERITIES, (self.errors, self.warnings, self.infos), strict=True)
            if n
        )

    @property
    def findings_rank(self) -> int:
        """Sort key of the findings column: errors first, then warnings, then notes."""
        return self.errors * 1_000_000 + self.warnings * 1_000 + self.infos


@dataclass(slots=True)
class SiteSummary:
    """The figures at the top of the report."""

    pages: int = 0
    articles: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    complete: int = 0
    """Articles with all four elements found (an unclear one is not complete)."""
    grades: list[float] = field(default_factory=list)
    scores: list[int] = field(default_factory=list)
    missing: Counter[str] = field(default_factory=Counter)
    unclear: Counter[str] = field(default_factory=Counter)
    unclear_articles: int = 0
    """Articles with no missing element but at least one unclear one."""
    severities: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    within_target: int = 0
    accepted: int = 0
    """Findings the maintainers accepted (``decisions.py``): shown apart, never counted."""
    accepted_keys: set[str] = field(default_factory=set)

    @property
    def complete_share(self) -> float | None:
        return self.complete / self.articles if self.articles else None

    @property
    def median_grade(self) -> float | None:
        return statistics.median(self.grades) if self.grades else None

    @property
    def median_score(self) -> float | None:
        return statistics.median(self.scores) if self.scores else None

    def grade_quartiles(self) -> tuple[float, float] | None:
        """The 25th and 75th percentile of the article grades (``None`` under 2 articles)."""
        if len(self.grades) < 2:
            return None
        q = statistics.quantiles(self.grades, n=4)
        return q[0], q[2]


# --------------------------------------------------------------------------- environment


def environment() -> Environment:
    """The one Jinja environment of the reports: autoescaped, strict about undefined names."""
    env = Environment(
        loader=PackageLoader("content_audit", "report/templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["href"] = safe_href
    env.filters["num"] = format_number
    env.filters["duration"] = format_duration
    env.filters["when"] = format_when
    env.filters["article_segments"] = article_segments
    env.globals.update(
        ELEMENT_NAMES=ELEMENT_NAMES,
        ELEMENT_LABELS=ELEMENT_LABELS,
        ELEMENT_QUESTIONS=ELEMENT_QUESTIONS,
        VIA_LABELS=VIA_LABELS,
        STATUS_CLASSES=STATUS_CLASSES,
        STATUS_BADGES=STATUS_BADGES,
        UNCLEAR_CHECKS=UNCLEAR_CHECKS,
        SEVERITIES=SEVERITIES,
        version=__version__,
    )
    return env


def safe_href(url: Any) -> str | None:
    """``url`` when it is an http(s) URL, else ``None``: never a ``javascript:`` link."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def format_number(value: Any, digits: int = 1) -> str:
    """A figure for people: ``-`` for missing, integers without decimals."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def format_when(value: Any) -> str:
    """An ISO timestamp from the history as "2026-01-05 06:00 UTC"; other text unchanged."""
    if not isinstance(value, str):
        return "-" if value is None else str(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M") + (" UTC" if moment.tzinfo else "")


def format_duration(seconds: Any) -> str:
    if not isinstance(seconds, int | float):
        return "-"
    if seconds < 60:
        return f"{seconds:.0f} s"
    return f"{seconds // 60:.0f} min {seconds % 60:.0f} s"


def script_json(value: Any) -> Markup:
    """JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026``: no ``</script>``,
    ``<!--`` or entity in page text can end or alter the element, and ``JSON.parse`` reads
    the escapes back to the original characters.  This escaping is what makes the
    ``Markup`` safe.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def code_markup(text: str) -> Markup:
    """A registry description with its `backticked` names as ``<code>``, every part escaped."""
    parts = text.split("`")
    return Markup("").join(
        Markup("<code>%s</code>") % part if i % 2 else escape(part) for i, part in enumerate(parts)
    )


# --------------------------------------------------------------------------- single page


def render_page_html(
    doc: Mapping[str, Any], *, grade_target: float = 8.0, generated_at: str | None = None
) -> str:
    """The standalone HTML view of one page (``content-audit check --format html``).

    ``doc`` is the page's JSON document (``serialize.audit_to_dict``): the page view reads
    the same contract as the JSON output and the site report.
    """
    detail = page_detail(doc)
    template = environment().get_template("page.html")
    return template.render(
        page=detail,
        target=doc.get("target") or detail["url"],
        grade_target=grade_target,
        generated_at=generated_at or _now(),
        severity_counts=Counter(f["severity"] for f in detail["findings"]),
    )


# --------------------------------------------------------------------------- site report


def change_rows(changes: Iterable[Any]) -> list[PageChange]:
    """Display rows of ``store.Change`` records (anything with the same attributes)."""
    return [
        PageChange(
            url=c.url,
            change=c.change,
            label=CHANGE_LABELS.get(c.change, c.change),
            detail=c.detail,
            before=c.before,
            after=c.after,
        )
        for c in changes
    ]


def page_trends(changes: Sequence[PageChange]) -> dict[str, tuple[str, int | None, str]]:
    """url -> (trend, score delta, note) from one run's changes.

    A page got *worse* when its score dropped or a required element disappeared, *better*
    when its score rose or an element appeared (and nothing got worse), *new* when it was
    not in the previous run.
    """
    by_url: dict[str, list[PageChange]] = defaultdict(list)
    for c in changes:
        by_url[c.url].append(c)
    trends: dict[str, tuple[str, int | None, str]] = {}
    for url, items in by_url.items():
        delta: int | None = None
        lost, gained, notes = [], [], []
        for c in items:
            if c.change == "score_changed":
                try:
                    delta = int(c.after) - int(c.before)
                except ValueError:
                    delta = None
                notes.append(f"score {c.before} → {c.after}")
            elif c.change == "element_lost":
                lost.append(c.detail)
            elif c.change == "element_gained":
                gained.append(c.detail)
        notes.extend(lost)
        notes.extend(gained)
        if any(c.change == "page_added" for c in items):
            trend = "new"
        elif (delta is not None and delta < 0) or lost:
            trend = "worse"
        elif (delta is not None and delta > 0) or gained:
            trend = "better"
        else:
            trend = ""
        trends[url] = (trend, delta, "; ".join(notes))
    return trends


def read_rows(
    documents: Iterable[Mapping[str, Any]] | Path,
    trends: Mapping[str, tuple[str, int | None, str]] | None = None,
    site_findings: Mapping[str, list[dict[str, Any]]] | None = None,
) -> tuple[list[PageRow], SiteSummary]:
    """First pass over the pages' documents (or a ``pages.jsonl``): one table row per page
    and the summary figures.

    ``site_findings`` (url -> cross-page findings) count with the page's own findings.
    """
    trends = trends or {}
    site_findings = site_findings or {}
    rows: list[PageRow] = []
    summary = SiteSummary()
    if isinstance(documents, Path):
        documents = iter_details(documents)
    for index, doc in enumerate(documents):
        url = doc.get("url") or doc.get("target") or ""
        kind = doc.get("kind", "")
        elements = doc.get("elements") or {}
        status = {n: element_status(elements.get(n)) for n in ELEMENT_NAMES}
        missing = tuple(n for n in ELEMENT_NAMES if status[n] == "missing")
        unclear = tuple(n for n in ELEMENT_NAMES if status[n] == "unclear")
        every = [*(doc.get("findings") or []), *site_findings.get(url, [])]
        findings = [f for f in every if not f.get("decision")]
        for f in every:
            if f.get("decision"):
                summary.accepted += 1
                summary.accepted_keys.add(f["decision"])
        severity = Counter(f.get("severity") for f in findings)
        grade = float((doc.get("readability") or {}).get("flesch_kincaid_grade") or 0.0)
        score = int(doc.get("score") or 0)
        trend, delta, note = trends.get(url, ("", None, ""))
        rows.append(
            PageRow(
                index=index,
                url=url,
                title=clip(doc.get("title") or (doc.get("h1") or [""])[0] or url, 200),
                kind=kind,
                score=score,
                grade=round(grade, 1),
                words=int((doc.get("readability") or {}).get("words") or 0),
                missing=missing if kind == "article" else (),
                errors=severity["error"],
                warnings=severity["warning"],
                infos=severity["info"],
                trend=trend,
                score_delta=delta,
                trend_note=note,
                unclear=unclear if kind == "article" else (),
            )
        )
        summary.pages += 1
        summary.kinds[kind] += 1
        for f in findings:
            summary.severities[f.get("severity", "")] += 1
            summary.codes[f.get("code", "")] += 1
        if kind == "article":
            summary.articles += 1
            summary.grades.append(grade)
            summary.scores.append(score)
            summary.missing.update(missing)
            summary.unclear.update(unclear)
            if not missing and not unclear:
                summary.complete += 1
            elif not missing:
                summary.unclear_articles += 1
    return rows, summary


class ReportSource(Protocol):
    """What report.html is rendered from: the run's store (``runstore.RunStore``) in a site
    run; ``JsonlSource`` (a folder's pages.jsonl alone) for a report of pages without a run.

    ``documents`` is read twice (the table, then the page details) and never held whole.
    """

    def documents(self) -> Iterator[dict[str, Any]]:
        """The audited pages' JSON documents, in page order."""
        ...

    def extra_findings(self) -> dict[str, list[dict[str, Any]]]:
        """URL -> the findings a page's document does not hold (cross-page, review drift):
        ``code``, ``severity``, ``message``, ``evidence``, ``decision``, as written."""
        ...

    def finding_rows(self) -> Iterator[FindingRow]:
        """Every finding of the run as its findings.csv row, raw (the accessibility panel)."""
        ...


class JsonlSource:
    """A ``pages.jsonl`` as a report's source: its pages and their own findings only."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def documents(self) -> Iterator[dict[str, Any]]:
        return iter_details(self.path)

    def extra_findings(self) -> dict[str, list[dict[str, Any]]]:
        return {}

    def finding_rows(self) -> Iterator[FindingRow]:
        for doc in self.documents():
            url = doc.get("url") or doc.get("target") or ""
            for f in doc.get("findings") or ():
                yield (
                    f.get("url") or url,
                    f.get("code", ""),
                    f.get("severity", ""),
                    f.get("message", ""),
                    f.get("evidence"),
                    f.get("decision"),
                )


def render_site_report(
    out_dir: str | Path,
    meta: RunMeta,
    changes: Iterable[Any] = (),
    *,
    source: ReportSource | None = None,
    details_path: str | Path | None = None,
    decisions: tuple[Decision, ...] = (),
    today: date | None = None,
    trend_charts: Sequence[Any] = (),
) -> Path:
    """Write ``report.html`` into ``out_dir`` from ``source``: the run's store in a site
    run (``exporters.html_report``), else the folder's ``pages.jsonl`` (or
    ``details_path``) alone.

    ``changes`` are the run's differences with the previous run (``store.diff_runs``);
    ``decisions`` the maintainers' entries of the run, to list those that matched nothing;
    ``trend_charts`` the trends panel's charts (``report.trends.trend_charts``).
    Returns the report's path.
    """
    out = Path(out_dir)
    if source is None:
        source = JsonlSource(Path(details_path) if details_path else out / PAGES_JSONL)
    changed = change_rows(changes)
    trends = page_trends(changed)
    site_findings = source.extra_findings()
    rows, summary = read_rows(source.documents(), trends, site_findings)
    by_url_changes: dict[str, list[PageChange]] = defaultdict(list)
    for c in changed:
        by_url_changes[c.url].append(c)
    index_of = {row.url: row.index for row in rows}
    worse = sorted(
        (r for r in rows if r.trend == "worse"),
        key=lambda r: (r.score_delta if r.score_delta is not None else 0, r.score),
    )
    site_only = {url: items for url, items in site_findings.items() if url not in index_of}
    for items in site_only.values():
        for f in items:
            if f.get("decision"):
                summary.accepted += 1
                summary.accepted_keys.add(f["decision"])
                continue
            summary.severities[f["severity"]] += 1
            summary.codes[f["code"]] += 1
    target = meta.grade_target
    summary.within_target = sum(1 for g in summary.grades if g <= target)
    idle = unmatched(decisions, summary.accepted_keys, set(index_of), today)
    context = {
        "meta": meta,
        "summary": summary,
        "decisions": {"count": len(decisions), "idle": idle},
        "trend_charts": list(trend_charts),
        "access": access_panel(source.finding_rows(), out),
        "rows": sorted(rows, key=lambda r: (r.kind != "article", r.score, r.url)),
        "kinds": sorted(summary.kinds),
        "worse": worse[:WORSE_SHOWN],
        "worse_count": len(worse),
        "changes": changed[:CHANGES_SHOWN],
        "changes_count": len(changed),
        "change_counts": sorted(Counter(c.label for c in changed).items()),
        "index_of": index_of,
        "site_only": sorted(site_only.items()),
        "top_codes": [
            (
                code,
                n,
                code_markup(FINDINGS[code].description if code in FINDINGS else ""),
                _severity_of(code),
            )
            for code, n in summary.codes.most_common(12)
        ],
        "charts": {
            "grades": charts.grade_histogram(summary.grades, target),
            "scores": charts.score_histogram(summary.scores),
            "missing": charts.missing_elements_chart(
                {ELEMENT_LABELS[n]: summary.missing[n] for n in ELEMENT_NAMES}, summary.articles
            ),
        },
        "unclear_counts": [
            (ELEMENT_LABELS[n], summary.unclear[n]) for n in ELEMENT_NAMES if summary.unclear[n]
        ],
        "page_data": _detail_chunks(source.documents(), site_findings, by_url_changes),
        "script_config": script_json(
            {
                "gradeTarget": target,
                "elementNames": list(ELEMENT_NAMES),
                "elementLabels": ELEMENT_LABELS,
                "elementQuestions": ELEMENT_QUESTIONS,
                "viaLabels": VIA_LABELS,
                "statusClasses": STATUS_CLASSES,
                "statusBadges": STATUS_BADGES,
                "unclearChecks": UNCLEAR_CHECKS,
            }
        ),
    }
    template = environment().get_template("site.html")
    path = out / REPORT_HTML
    with atomic_write(path) as handle:
        for chunk in template.generate(**context):
            handle.write(chunk)
    return path


def _detail_chunks(
    documents: Iterable[Mapping[str, Any]],
    site_findings: Mapping[str, list[dict[str, Any]]],
    changes: Mapping[str, list[PageChange]],
) -> Iterator[Markup]:
    """Second pass: the JSON array of page details, gzip-compressed, in base64 lines.

    Why compressed: page details are ~4.7 MB of JSON per 1,000 pages (findings, evidence,
    outlines); gzip makes that ~0.5 MB, so a 10k-page report stays in the tens of megabytes
    instead of fifty.  The browser inflates it with ``DecompressionStream`` on the first
    page opened.  Base64 holds no ``<``, so nothing in page text can end the script element.
    """
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: a gzip stream
    pending = b""

    def encode(data: bytes, final: bool = False) -> Markup:
        nonlocal pending
        pending += data
        cut = len(pending) if final else len(pending) - len(pending) % 3
        text, pending = base64.b64encode(pending[:cut]).decode("ascii"), pending[cut:]
        return Markup(text + "\n" if text else "")

    yield encode(compressor.compress(b"["))
    for index, doc in enumerate(documents):
        url = doc.get("url") or doc.get("target") or ""
        item = page_detail(doc, site_findings.get(url, []))
        item["changes"] = [
            {
                "label": c.label,
                "change": c.change,
                "detail": c.detail,
                "before": c.before,
                "after": c.after,
            }
            for c in changes.get(url, [])
        ]
        text = (",\n" if index else "\n") + json.dumps(
            item, ensure_ascii=False, separators=(",", ":")
        )
        yield encode(compressor.compress(text.encode("utf-8")))
    yield encode(compressor.compress(b"\n]") + compressor.flush(), final=True)


def read_page_data(text: str) -> list[dict[str, Any]]:
    """The page details embedded in a report's HTML (for tests and tools)."""
    match = re.search(r'<script[^>]*\bid="page-data"[^>]*>([^<]*)</script>', text)
    if match is None:
        raise ValueError("no page data in this report")
    data = gzip.decompress(base64.b64decode("".join(match.group(1).split())))
    return json.loads(data.decode("utf-8"))


def _severity_of(code: str) -> str:
    spec = FINDINGS.get(code)
    return str(spec.severity) if spec else "error"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
