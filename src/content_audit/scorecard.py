"""The terminal scorecard of ``content-audit check``, drawn with rich.

Page text is untrusted: it goes into ``rich.text.Text`` objects, never into markup strings,
so a heading like ``[bold red]`` prints as typed.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .config import AuditConfig
from .model import ELEMENT_NAMES, Kind, PageAudit, Severity

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
ELEMENT_LABEL = {
    "definition": "Definition (what it is)",
    "uses": "Uses (what it treats, who it is for)",
    "mechanism": "Mechanism (how it works)",
    "consult": "Consult prompt",
}


def print_scorecard(
    audit: PageAudit,
    target: str,
    config: AuditConfig,
    console: Console | None = None,
    *,
    draft: bool = False,
) -> None:
    """Print the scorecard of one audited page (``draft``: a Markdown draft)."""
    console = console or Console(highlight=False, soft_wrap=False)
    console.print(_header(audit, target))
    if draft:
        console.print(
            Text(
                "Markdown draft: title, description, date, author and language are read from "
                "its front matter; findings only the site's template can fix (<title>, "
                "<html lang>, contact details) are not raised.",
                style="dim",
            )
        )
    console.print(_elements(audit))
    console.print(_readability(audit, config))
    rewrite = _rewrite(audit, config)
    if rewrite is not None:
        console.print(rewrite)
    if audit.page.sections:
        console.print(_sections(audit))
    if audit.page.teasers or audit.page.recent_posts:
        console.print(_teasers(audit))
    console.print(_findings(audit))


def _clip(text: str | None, width: int = 160) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _header(audit: PageAudit, target: str) -> Panel:
    page = audit.page
    score_style = "green" if audit.score >= 80 else "yellow" if audit.score >= 50 else "red"
    body = Text()
    body.append("Title  ", style="bold")
    body.append(_clip(page.title) or "(none)")
    body.append("\nTarget ", style="bold")
    body.append(target)
    if audit.url and audit.url != target:
        body.append("\nURL    ", style="bold")
        body.append(audit.url)
    body.append("\nKind   ", style="bold")
    body.append(audit.kind.value)
    body.append("   Score ", style="bold")
    body.append(f"{audit.score}/100", style=f"bold {score_style}")
    errors, warnings = audit.count(Severity.ERROR), audit.count(Severity.WARNING)
    body.append(f"   {errors} error(s), {warnings} warning(s)")
    return Panel(body, title="content-audit check", title_align="left")


def _elements(audit: PageAudit) -> Table:
    demanded = audit.kind is Kind.ARTICLE
    title = "Required elements" + ("" if demanded else " (not demanded of this kind of page)")
    table = Table(title=title, title_justify="left", expand=False, show_lines=False)
    table.add_column("Element", no_wrap=True)
    table.add_column("Found", no_wrap=True)
    table.add_column("Heading / evidence", overflow="fold")
    for name in ELEMENT_NAMES:
        e = audit.element(name)
        detail = Text()
        if e.status == "found":
            mark = Text("yes", style="green")
            if e.via and e.via != "heading":
                mark.append(f" ({e.via.replace('_', ' ')})", style="dim")
        elif e.status == "unclear":
            mark = Text("? unclear", style="yellow" if demanded else "dim")
            if e.confidence is not None:
                mark.append(f" ({e.confidence:.2f})", style="dim")
            detail.append("check this candidate:", style="yellow")
            detail.append("\n")
        else:
            mark = Text("no", style="red" if demanded else "dim")
        if e.heading:
            detail.append(_clip(e.heading, 80), style="bold")
            detail.append("\n")
        if e.evidence and e.status == "unclear":
            detail.append(f"“{_clip(e.evidence, 198)}”", style="italic")
        else:
            detail.append(_clip(e.evidence, 200), style="italic")
        table.add_row(ELEMENT_LABEL.get(name, name), mark, detail)
    return table


def _readability(audit: PageAudit, config: AuditConfig) -> Table:
    r = audit.readability
    table = Table(title="Readability (article text only)", title_justify="left")
    table.add_column("Measure")
    table.add_column("Value", justify="right")
    table.add_column("Target")
    over = r.flesch_kincaid_grade > config.grade_target
    grade = Text(f"{r.flesch_kincaid_grade:.1f}", style="red" if over else "green")
    table.add_row("Flesch-Kincaid grade", grade, f"≤ {config.grade_target:g}")
    table.add_row("Flesch reading ease", f"{r.flesch_reading_ease:.1f}", "≥ 60 is plain English")
    table.add_row("SMOG index", f"{r.smog_index:.1f}", "")
    table.add_row("Coleman-Liau index", f"{r.coleman_liau_index:.1f}", "")
    table.add_row("Automated readability index", f"{r.automated_readability_index:.1f}", "")
    minutes = r.reading_time_s / 60
    table.add_row("Words / sentences", f"{r.words} / {r.sentences}", "")
    table.add_row("Reading time", f"{minutes:.1f} min", "")
    return table


REWRITE_SHOWN = 5


def _rewrite(audit: PageAudit, config: AuditConfig) -> Table | None:
    """The sentences to rewrite first: top ``REWRITE_SHOWN`` by marginal effect."""
    from .rewrite import plan_rewrite

    plan = plan_rewrite(audit, config)
    if plan is None or plan.needed == 0:
        return None
    helpful = [s for s in plan.sentences if s.gain > 0]
    if plan.needed is None:
        caption = (
            f"Rewriting all {len(helpful)} helpful sentences would bring grade "
            f"{plan.grade:.1f} to about {plan.grade_after:.1f}: not to the target "
            f"{plan.target:g}; split the text or shorten it too"
        )
    else:
        caption = (
            f"Rewrite these {plan.needed} sentence(s) to reach the target: grade "
            f"{plan.grade:.1f} → about {plan.grade_after:.1f} (each at ~{plan.target_words} "
            f"words, {plan.target_syllables_per_word:.2f} syllables/word; greedy by gain)"
        )
    table = Table(
        title="Sentences to rewrite first",
        title_justify="left",
        caption=caption,
        caption_justify="left",
    )
    table.add_column("#", justify="right")
    table.add_column("Grade −", justify="right")
    table.add_column("Sentence / why", overflow="fold")
    for rank, s in enumerate(helpful[:REWRITE_SHOWN], 1):
        cell = Text(_clip(s.text, 200))
        cell.append("\n" + "; ".join(s.reasons), style="dim")
        table.add_row(str(rank), f"{s.gain:.2f}", cell)
    return table


def _sections(audit: PageAudit) -> Table:
    table = Table(title="Sections", title_justify="left")
    table.add_column("Level", justify="right")
    table.add_column("Heading", overflow="fold")
    table.add_column("Words", justify="right")
    for s in audit.page.sections:
        level = "intro" if s.level == 0 else ("bold line" if s.pseudo else f"H{s.level}")
        table.add_row(level, Text(_clip(s.heading, 100) or "(intro)"), str(s.words))
    return table


def _teasers(audit: PageAudit) -> Group:
    parts = []
    page = audit.page
    if page.teasers:
        table = Table(title=f"Teasers ({len(page.teasers)})", title_justify="left")
        table.add_column("#", justify="right")
        table.add_column("Excerpt", overflow="fold")
        table.add_column("Links to", overflow="fold")
        for i, t in enumerate(page.teasers, 1):
            text = Text(_clip(t.text, 90))
            if t.truncated:
                text.append(" [cut]", style="dim")
            table.add_row(str(i), text, Text(t.href))
        parts.append(table)
    if page.recent_posts:
        table = Table(title=f"Recent posts ({len(page.recent_posts)})", title_justify="left")
        table.add_column("Title", overflow="fold")
        table.add_column("Links to", overflow="fold")
        for p in page.recent_posts:
            table.add_row(Text(_clip(p.title, 90)), Text(p.href))
        parts.append(table)
    return Group(*parts)


def _findings(audit: PageAudit) -> Table | Text:
    if not audit.findings:
        return Text("No findings.", style="green")
    table = Table(title=f"Findings ({len(audit.findings)})", title_justify="left")
    table.add_column("Severity", no_wrap=True)
    table.add_column("Code", no_wrap=True)
    table.add_column("Message", overflow="fold")
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    for f in sorted(audit.findings, key=lambda f: order[f.severity]):
        message = Text(f.message)
        if f.evidence:
            message.append("\n" + _clip(f.evidence, 200), style="dim italic")
        table.add_row(Text(f.severity.value, style=SEVERITY_STYLE[f.severity]), f.code, message)
    return table
