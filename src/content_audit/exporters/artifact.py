"""The Prefect flow's artifacts of a finished run, rendered as records the flow posts.

What the orchestrator's UI shows of a run: a Markdown summary (``site-audit-summary``), a
table of the lowest-scoring articles (``worst-pages``), and links to the report folder and
report.html.  Rendered here, from the run's summary (``pipeline.SiteRunSummary``: the
counts the run's store gathered, the history's changes, the alert), so the flow only
posts them (``create_*_artifact``, by ``Artifact.kind``): the flow holds no rendering of
its own, and this module, like every exporter, imports no Prefect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ..pipeline import SiteRunSummary

MARKDOWN, TABLE, LINK = "markdown", "table", "link"


@dataclass(frozen=True, slots=True)
class Artifact:
    """One artifact of a run: its key, kind, description and content."""

    key: str
    kind: str
    """``markdown``, ``table`` or ``link``: which ``create_*_artifact`` posts it."""
    description: str
    markdown: str = ""
    table: tuple[dict[str, Any], ...] = ()
    link: str = ""
    link_text: str = ""


class Publisher(Protocol):
    """What an orchestrator shows of a finished run (``exporters.published``)."""

    def render(self, summary: SiteRunSummary) -> tuple[Artifact, ...]: ...


class RunArtifacts:
    """The summary, the worst pages, and links to the report folder and report.html."""

    def render(self, summary: SiteRunSummary) -> tuple[Artifact, ...]:
        artifacts = [
            Artifact(
                "site-audit-summary",
                MARKDOWN,
                f"Site audit of {summary.start}",
                markdown=artifact_markdown(summary),
            ),
            Artifact(
                "worst-pages",
                TABLE,
                "Lowest-scoring articles",
                table=tuple(
                    {"url": p.url, "title": p.title, "score": p.score, "errors": p.errors}
                    for p in summary.worst
                ),
            ),
            Artifact(
                "report-folder",
                LINK,
                "The CSV reports of this run",
                link=summary.out_dir.resolve().as_uri(),
                link_text=str(summary.out_dir),
            ),
        ]
        if summary.report is not None:
            artifacts.append(
                Artifact(
                    "html-report",
                    LINK,
                    "The HTML report of this run",
                    link=summary.report.resolve().as_uri(),
                    link_text=summary.report.name,
                )
            )
        return tuple(artifacts)


def artifact_markdown(summary: SiteRunSummary) -> str:
    """The run summary as Markdown (the ``site-audit-summary`` artifact)."""
    kinds = ", ".join(f"{n} {k}" for k, n in summary.kinds) or "none"
    errors = ", ".join(f"{k}: {n}" for k, n in summary.errors) or "none"
    site = ", ".join(f"{k}: {n}" for k, n in summary.site_findings)
    lines = [
        f"# Site audit of {summary.start}",
        "",
        "| | |",
        "|---|---|",
        f"| URLs met | {summary.urls} |",
        f"| fetched | {summary.fetched} |",
        f"| pages audited | {summary.audited} ({kinds}) |",
        f"| failed audits | {summary.failed_audits} |",
        f"| mean score | {summary.mean_score if summary.mean_score is not None else '-'} |",
        f"| not fetched / errors | {errors} |",
        f"| cross-page findings | {site or 'none'} |",
        f"| time | {summary.elapsed_s:.1f} s ({summary.pages_per_s:.1f} pages/s) |",
        f"| reports | `{summary.out_dir}` |",
    ]
    if summary.changes_markdown:
        lines += ["", summary.changes_markdown.rstrip("\n")]
    if summary.alert_markdown:
        lines += ["", "## Regressions (alert)", "", summary.alert_markdown.rstrip("\n")]
    return "\n".join(lines) + "\n"
