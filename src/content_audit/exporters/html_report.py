"""``report.html``: the site report for people (``report/html.py`` renders it).

An exporter like any other: it gets the finished run (its store, the history's comparison
and trend charts, the run's counts) and writes one file.  The pages and every finding come
from the run's store, as the run produced them: never from pages.jsonl or findings.csv.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from ..report.html import RunMeta, render_site_report
from . import ExportContext


class HtmlReport:
    """The site's ``report.html``, with what changed since the previous run."""

    filename = "report.html"

    def export(self, run: ExportContext) -> Path:
        comparison = run.comparison
        previous = comparison.previous if comparison else None
        meta = RunMeta(
            site=run.site,
            start=run.start,
            generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            grade_target=run.config.grade_target,
            run_id=comparison.run_id if comparison else None,
            previous_run_id=previous.id if previous else None,
            previous_started_at=previous.started_at if previous else None,
            urls=run.urls,
            failed_audits=run.failed_audits,
            elapsed_s=run.elapsed_s,
        )
        return render_site_report(
            run.out_dir,
            meta,
            comparison.changes if comparison else (),
            source=run.store,
            decisions=run.config.decisions.entries,
            today=run.today or date.today(),
            trend_charts=list(run.trend_charts),
        )
