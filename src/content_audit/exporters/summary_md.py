"""``summary.md``: the run on one screen, as Markdown (a commit message, a ticket, a chat).

Three parts: the findings of the run by code (with how many are new and fixed since the
previous run, from the history's comparison), the lowest-scoring articles, and what changed
since the previous run (``report.history.changes_markdown``, the text of the flow's
artifact).  Written from the run's counts (``RunOutputs.finding_counts``, ``Tally.worst``)
and the history, never by reading findings.csv back; its size does not grow with the site.
This module is also the worked example of an exporter: one module, one line in
``exporters.registered``, one test.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..report.files import atomic_write
from ..report.history import _code, _md, changes_markdown
from . import ExportContext

SUMMARY_MD = "summary.md"
WORST_LISTED = 10
"""How many of the lowest-scoring articles the summary lists."""


class MarkdownSummary:
    """Counts by finding code, the worst pages, and the change since the last run."""

    filename = SUMMARY_MD

    def export(self, run: ExportContext) -> Path:
        target = run.out_dir / self.filename
        with atomic_write(target) as handle:
            handle.write(summary_markdown(run))
        return target


def summary_markdown(run: ExportContext) -> str:
    """The whole of ``summary.md``."""
    new, fixed = _moves(run)
    total = sum(n for _, _, n in run.finding_counts)
    lines = [
        f"# Content audit of {_md(run.site)}",
        "",
        f"Start: {_code(run.start)}. {run.audited} pages audited, {run.urls} URLs met, "
        f"{run.failed_audits} failed audits, {total} findings.",
        "",
        "## Findings by code",
        "",
    ]
    if run.finding_counts:
        with_moves = run.comparison is not None and run.comparison.previous is not None
        head = "| code | severity | count |" + (" new | fixed |" if with_moves else "")
        rule = "|---|---|---:|" + ("---:|---:|" if with_moves else "")
        lines += [head, rule]
        for code, severity, count in sorted(
            run.finding_counts, key=lambda row: (_rank(row[1]), -row[2], row[0])
        ):
            row = f"| `{code}` | {severity} | {count} |"
            if with_moves:
                row += f" {new.get(code, 0)} | {fixed.get(code, 0)} |"
            lines.append(row)
        gone = sorted(set(fixed) - {code for code, _, _ in run.finding_counts})
        if gone and with_moves:
            lines += ["", "Codes with no finding left: " + ", ".join(f"`{c}`" for c in gone) + "."]
    else:
        lines.append("No findings.")
    lines += ["", "## Worst pages", ""]
    worst = run.worst[:WORST_LISTED]
    if worst:
        lines += ["| score | errors | page |", "|---:|---:|---|"]
        for page in worst:
            title = _md(page.title) if page.title else "(no title)"
            lines.append(f"| {page.score} | {page.errors} | {title} {_code(page.url)} |")
    else:
        lines.append("No article was audited.")
    lines += ["", changes_markdown(run.comparison).rstrip("\n")]
    return "\n".join(lines) + "\n"


def _moves(run: ExportContext) -> tuple[Counter[str], Counter[str]]:
    """Findings new and fixed since the previous run, by code (``store.diff_runs``)."""
    new: Counter[str] = Counter()
    fixed: Counter[str] = Counter()
    for change in run.comparison.changes if run.comparison is not None else ():
        if change.change == "finding_new":
            new[change.after] += 1
        elif change.change == "finding_fixed":
            fixed[change.before] += 1
    return new, fixed


def _rank(severity: str) -> int:
    return {"error": 0, "warning": 1, "info": 2}.get(severity, 3)
