"""Trends over a site's complete runs in the history, with pandas.

``content-audit trends SITE`` and the trends panel of ``report.html`` read the same table:
one row per complete run, oldest first, with

- ``pages`` audited and ``articles`` among them;
- ``complete_share``: the share of articles with all four elements ``found``;
- ``median_grade``: the median reading grade of the articles;
- ``errors`` and ``warnings``: open findings of the run (accepted ones are never recorded);
- ``worse``: pages whose score dropped since the run before (pages in both runs);
- ``by_code``: the number of findings of each code (error and warning codes).

The history rows come into DataFrames once (one query per table for the runs asked for);
the figures are group-bys, so a 10k-page run costs one pass.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from ..model import ELEMENT_NAMES

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd

TREND_COLUMNS: tuple[str, ...] = (
    "run_id",
    "started_at",
    "pages",
    "articles",
    "complete_share",
    "median_grade",
    "errors",
    "warnings",
    "worse",
)
"""Columns of ``trends --format csv``, before one ``code:<code>`` column per finding code."""


@dataclass(frozen=True)
class SiteTrends:
    """One row per complete run (``runs``) and the finding counts by run and code."""

    runs: pd.DataFrame
    by_code: pd.DataFrame
    """Columns ``run_id``, ``code``, ``severity``, ``count``."""


def site_trends(conn: sqlite3.Connection, site: str, last: int | None = None) -> SiteTrends:
    """The trends of ``site`` over its complete runs (the ``last`` ones when given)."""
    import pandas as pd

    runs = pd.read_sql_query(
        "SELECT id AS run_id, started_at FROM runs WHERE site = ? AND status = 'complete' "
        "ORDER BY id",
        conn,
        params=(site,),
    )
    ids = runs["run_id"].tolist()
    if last is not None:
        # one run more than shown, so the first shown has a run to be "worse" than
        ids = ids[-(last + 1) :]
    marks = ",".join("?" * len(ids)) or "NULL"
    status = ", ".join(f"{n}, {n}_status" for n in ELEMENT_NAMES)
    pages = pd.read_sql_query(
        f"SELECT run_id, url, kind, score, flesch_kincaid_grade, {status} "
        f"FROM pages WHERE run_id IN ({marks})",
        conn,
        params=ids,
    )
    findings = pd.read_sql_query(
        f"SELECT run_id, code, severity FROM findings WHERE run_id IN ({marks}) "
        "AND severity IN ('error', 'warning')",
        conn,
        params=ids,
    )
    for name in ELEMENT_NAMES:
        fallback = pages[name].map({1: "found", 0: "missing"})
        pages[f"{name}_status"] = pages[f"{name}_status"].fillna(fallback)
    found = pd.concat([pages[f"{n}_status"] == "found" for n in ELEMENT_NAMES], axis=1)
    pages["complete"] = found.all(axis=1)
    articles = pages[pages["kind"] == "article"]
    table = runs[runs["run_id"].isin(ids)].set_index("run_id")
    table["pages"] = pages.groupby("run_id").size()
    table["articles"] = articles.groupby("run_id").size()
    table["complete_share"] = articles.groupby("run_id")["complete"].mean().round(3)
    table["median_grade"] = articles.groupby("run_id")["flesch_kincaid_grade"].median().round(1)
    severity = findings.groupby(["run_id", "severity"]).size().unstack(fill_value=0)
    for sev, column in (("error", "errors"), ("warning", "warnings")):
        table[column] = severity.get(sev, 0)
    table["worse"] = _worse(pages, ids)
    for column in ("pages", "articles", "errors", "warnings", "worse"):
        table[column] = table[column].fillna(0).astype("int64")
    table = table.reset_index()
    by_code = findings.groupby(["run_id", "code", "severity"]).size().rename("count").reset_index()
    if last is not None and len(table) > last:
        shown = table["run_id"].tolist()[-last:]
        table = table[table["run_id"].isin(shown)].reset_index(drop=True)
        by_code = by_code[by_code["run_id"].isin(shown)].reset_index(drop=True)
    return SiteTrends(table[list(TREND_COLUMNS)], by_code)


def _worse(pages: pd.DataFrame, ids: list[int]) -> pd.Series:
    """run_id -> pages whose score is lower than in the run before (pages in both)."""
    import pandas as pd

    counts = {}
    scores = pages[["run_id", "url", "score"]]
    for before, after in pairwise(ids):
        joined = scores[scores["run_id"] == after].merge(
            scores[scores["run_id"] == before], on="url", suffixes=("", "_before")
        )
        counts[after] = int((joined["score"] < joined["score_before"]).sum())
    if ids:
        counts.setdefault(ids[0], 0)
    return pd.Series(counts, dtype="int64")


def trends_csv(trends: SiteTrends) -> str:
    """``trends --format csv``: the run table and one ``code:<code>`` column per code."""
    wide = trends.runs.set_index("run_id")
    if len(trends.by_code):
        codes = trends.by_code.pivot_table(
            index="run_id", columns="code", values="count", aggfunc="sum", fill_value=0
        )
        codes.columns = [f"code:{c}" for c in codes.columns]
        wide = wide.join(codes).fillna({c: 0 for c in codes.columns})
        wide[list(codes.columns)] = wide[list(codes.columns)].astype("int64")
    return str(wide.reset_index().to_csv(index=False, lineterminator="\n"))


def trends_records(trends: SiteTrends) -> list[dict[str, Any]]:
    """One dict per run (``trends --format json``), ``by_code`` a code -> count mapping."""
    out: list[dict[str, Any]] = []
    for row in trends.runs.to_dict("records"):
        codes = trends.by_code[trends.by_code["run_id"] == row["run_id"]]
        record: dict[str, Any] = {str(k): _plain(v) for k, v in row.items()}
        record["by_code"] = {
            str(c): int(n) for c, n in zip(codes["code"], codes["count"], strict=True)
        }
        out.append(record)
    return out


def trends_json(trends: SiteTrends) -> str:
    return json.dumps(trends_records(trends), indent=2)


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN: no articles in that run
        return None
    return value


def format_trends(site: str, trends: SiteTrends) -> str:
    """The text table of ``content-audit trends``, then the codes per run."""
    lines = [
        f"Trends of {site}: {len(trends.runs)} complete runs",
        f"{'run':>5}  {'started':<20} {'pages':>6} {'articles':>8} {'all 4':>6} "
        f"{'grade':>6} {'errors':>6} {'warnings':>8} {'worse':>5}",
    ]
    for r in trends_records(trends):
        share = "-" if r["complete_share"] is None else f"{100 * r['complete_share']:.0f}%"
        grade = "-" if r["median_grade"] is None else f"{r['median_grade']:.1f}"
        lines.append(
            f"{r['run_id']:>5}  {str(r['started_at'])[:19]:<20} {r['pages']:>6} "
            f"{r['articles']:>8} {share:>6} {grade:>6} {r['errors']:>6} {r['warnings']:>8} "
            f"{r['worse']:>5}"
        )
    lines.append("")
    lines.append("Findings by code (errors and warnings), per run:")
    for r in trends_records(trends):
        codes = ", ".join(f"{c} {n}" for c, n in sorted(r["by_code"].items())) or "none"
        lines.append(f"{r['run_id']:>5}  {codes}")
    return "\n".join(lines)


PANEL_RUNS = 12
"""Runs the trends panel of ``report.html`` shows."""

PANEL_SERIES: tuple[tuple[str, str, str], ...] = (
    ("pages", "Pages audited", "{:.0f}"),
    ("complete_share", "Articles with all four elements", "{:.0%}"),
    ("median_grade", "Median reading grade", "{:.1f}"),
    ("errors", "Errors", "{:.0f}"),
    ("warnings", "Warnings", "{:.0f}"),
    ("worse", "Pages that got worse", "{:.0f}"),
)


@dataclass(frozen=True)
class TrendChart:
    """One small chart of the trends panel: its title, last value and inline SVG."""

    title: str
    last: str
    svg: Markup


def trend_charts(trends: SiteTrends) -> list[TrendChart]:
    """The panel's charts, one per series of ``PANEL_SERIES`` (oldest run on the left)."""
    records = trends_records(trends)
    labels = [f"run #{r['run_id']} ({str(r['started_at'])[:10]})" for r in records]
    out = []
    for key, title, fmt in PANEL_SERIES:
        values = [r[key] for r in records]
        last = values[-1] if values else None
        shown = "-" if last is None else fmt.format(last)
        out.append(TrendChart(title, shown, line_svg(values, labels, title, fmt)))
    return out


def line_svg(values: list[float | None], labels: list[str], title: str, fmt: str = "{}") -> Markup:
    """A small line chart (one point per run, a ``<title>`` per point); ``None`` skipped."""
    width, height, pad = 220, 60, 6
    known = [v for v in values if v is not None]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / max(1, len(values) - 1)
    points = []
    dots = []
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        if value is None:
            continue
        x = pad + i * step
        y = height - pad - (value - low) / span * (height - 2 * pad)
        points.append(f"{x:.1f},{y:.1f}")
        tip = escape(f"{label}: {fmt.format(value)}")
        dots.append(
            f'<circle class="dot" fill="currentColor" cx="{x:.1f}" cy="{y:.1f}" r="2.5">'
            f"<title>{tip}</title></circle>"
        )
    line = (
        '<polyline class="trend-line" fill="none" stroke="currentColor" stroke-width="1.5" '
        f'points="{" ".join(points)}"/>'
        if len(points) > 1
        else ""
    )
    return Markup(
        f'<svg class="chart trend" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">{line}{"".join(dots)}</svg>'
    )
