"""content_audit.load_run: a real run folder read back as typed DataFrames.

The demo site (copied, one title made a formula and one a negative number) is crawled on
loopback by ``content-audit crawl --no-prefect``; every cell ``load_run`` returns must say
what the CSV file says, typed, with the spreadsheet guard taken off.
"""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import content_audit
from content_audit import InputError, RunFrames, load_run
from content_audit.demo.server import SiteServer, read_redirects

from .sites import copy_demo_site

CLI = str(Path(sys.executable).with_name("content-audit"))
FORMULA_TITLE = "=HYPERLINK(evil)"
NEGATIVE_TITLE = "-5 Myths About Dry Needling"

STRING = pd.StringDtype()
EXPECTED = {
    "pages": {
        "url": STRING,
        "title": STRING,
        "kind": STRING,
        "score": "int64",
        "definition": "bool",
        "uses": "bool",
        "mechanism": "bool",
        "consult": "bool",
        "flesch_kincaid_grade": "float64",
        "flesch_reading_ease": "float64",
        "words": "int64",
        "errors": "int64",
        "warnings": "int64",
        **{f"{name}_status": STRING for name in ("definition", "uses", "mechanism", "consult")},
    },
    "findings": dict.fromkeys(
        ("url", "code", "severity", "message", "evidence", "decision"), STRING
    ),
    "teasers": {
        "page_url": STRING,
        "position": "int64",
        "text": STRING,
        "href": STRING,
        "truncated": "bool",
        "block": STRING,
    },
    "inventory": {
        "url": STRING,
        "source": STRING,
        "depth": "int64",
        "status": "Int64",
        "final_url": STRING,
        "redirect_hops": "Int64",
        "content_type": STRING,
        "bytes": "Int64",
        "elapsed_s": "float64",
        "error": STRING,
        "kind": STRING,
        "audited": "bool",
        "rendered": "bool",
    },
}


def _retitle(page: Path, title: str) -> None:
    html = page.read_text(encoding="utf-8")
    start, end = html.index("<title>") + len("<title>"), html.index("</title>")
    page.write_text(html[:start] + title + html[end:], encoding="utf-8")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunFrames]:
    folder = tmp_path_factory.mktemp("site")
    (folder / "www").mkdir()
    server = SiteServer(folder / "www")
    copy_demo_site(folder, server.base_url)
    server.redirects = read_redirects(folder / "redirects.tsv")
    blog = folder / "www" / "blog"
    _retitle(
        blog / "how-laser-hair-removal-can-relieve-ingrown-hairs" / "index.html", FORMULA_TITLE
    )
    _retitle(
        blog / "dry-needling-benefits-uses-and-recovery-for-long-term-relief" / "index.html",
        NEGATIVE_TITLE,
    )
    out = tmp_path_factory.mktemp("reports") / "run"
    with server:
        done = subprocess.run(
            [CLI, "crawl", server.base_url + "/", "--out", str(out), "--no-prefect"],
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert done.returncode in (0, 1), done.stderr
    return out, content_audit.load_run(out)


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _same(typed: object, written: str, dtype: object) -> bool:
    """Does the typed cell say what the CSV cell says?"""
    if dtype == "bool":
        is_bool = isinstance(typed, bool | np.bool_)
        return is_bool and written in ("true", "false") and typed == (written == "true")
    if dtype in ("int64", "Int64"):
        return (typed is pd.NA and written == "") or int(written) == typed
    if dtype == "float64":
        return math.isnan(typed) if written == "" else float(written) == typed  # type: ignore[arg-type]
    unguarded = written[1:] if written[:1] == "'" and written[1:2] in tuple("=+-@\t\r") else written
    return typed == unguarded


@pytest.mark.parametrize("table", ["pages", "findings", "teasers", "inventory"])
def test_load_run_round_trips_every_cell_with_its_dtype(
    run: tuple[Path, RunFrames], table: str
) -> None:
    out, frames = run
    frame: pd.DataFrame = getattr(frames, table)
    rows = _csv(out / f"{table}.csv")
    assert rows, table
    assert dict(frame.dtypes) == EXPECTED[table]
    assert list(frame.columns) == list(rows[0])
    assert len(frame) == len(rows)
    for index, row in enumerate(rows):
        for column, written in row.items():
            typed = frame.at[index, column]
            assert _same(typed, written, EXPECTED[table][column]), (table, index, column)


def test_load_run_takes_the_formula_guard_off(run: tuple[Path, RunFrames]) -> None:
    out, frames = run
    written = {row["title"] for row in _csv(out / "pages.csv")}
    assert "'" + FORMULA_TITLE in written and "'" + NEGATIVE_TITLE in written  # guarded
    titles = set(frames.pages["title"])
    assert {FORMULA_TITLE, NEGATIVE_TITLE} <= titles
    assert not any(t.startswith("'") for t in titles)
    # Numbers were never guarded: a negative reading ease would stay a number.
    assert frames.pages["score"].between(0, 100).all()
    # What a notebook does with it: typed filters and sums work without re-typing.
    articles = frames.pages[frames.pages["kind"] == "article"]
    assert len(articles) and articles["definition"].sum() <= len(articles)
    audited = frames.inventory[frames.inventory["audited"]]
    assert set(audited["url"]) == set(frames.pages["url"])
    assert (frames.inventory["status"] == 200).sum() >= len(frames.pages)
    assert frames.inventory["status"].isna().any()  # robots-blocked: nothing fetched
    assert frames.path == out


def test_load_run_rejects_a_folder_without_the_csv_files(tmp_path: Path) -> None:
    (tmp_path / "pages.csv").write_text("url\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"not a finished run folder .*findings\.csv"):
        load_run(tmp_path)
