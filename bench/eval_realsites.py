#!/usr/bin/env python3
"""The site template (issue #13 item 3) measured on whole sites: template off vs on.

Each site is served on loopback and audited twice with the library path (``audit_site``,
two worker processes): once with ``site.template_share = 0`` (no template, as before) and
once with the shipped defaults.  For each run it prints, over the pages classified
``article``:

- per element, articles where it is not found (``missing`` or ``unclear``), and the
  ``missing_*`` errors and ``unclear`` warnings per article (what a maintainer reads);
- ``lost``: articles whose element was found only in template lines (found off, missing on);
- the agreement with the labelled pages of the site (``corpus/labels.tsv`` rows whose
  ``source`` path is on the site: kind and the four elements, 5 verdicts a page);
- on the sitegen site, the agreement of each element with truth.csv (complete and
  incomplete articles, present = not ``absent``) and the cross-page findings by code.

Sites: ``realsites/helms-performance`` crawled from ``/``, ``realsites/bratton-pt`` from
``/desktop/`` (its ``/`` sends browsers on by script), a sitegen site (``--pages``, seed 11).

    .venv/bin/python bench/eval_realsites.py                 # all three
    .venv/bin/python bench/eval_realsites.py --sites helms --verbose
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from content_audit.config import load_config
from content_audit.demo.server import SiteServer, read_redirects
from content_audit.model import ELEMENT_NAMES
from content_audit.run import audit_site

SHARED = Path(__file__).resolve().parents[1].parent / "shared"  # ../shared beside the clone
SITEGEN = SHARED / "sitegen" / "sitegen.py"
LABELS = SHARED / "corpus" / "labels.tsv"
REAL = {
    "helms": (SHARED / "realsites" / "helms-performance", "/", "hp-"),
    "bratton": (SHARED / "realsites" / "bratton-pt", "/desktop/", "bp-"),
}


def read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def run(start: str, out: Path, template: bool, workers: int) -> dict[str, dict[str, str]]:
    overrides = {} if template else {"site.template_share": 0}
    config = load_config(overrides=overrides)
    began = time.perf_counter()
    summary = audit_site(start, config, out, workers=workers)
    print(
        f"  template {'on ' if template else 'off'}: {summary.audited} pages audited in "
        f"{time.perf_counter() - began:.1f} s -> {out}"
    )
    return {row["url"]: row for row in read_csv(out / "pages.csv")}


def element_counts(pages: dict[str, dict[str, str]]) -> tuple[int, Counter[str]]:
    """Articles, and per element those where it is not found (missing or unclear)."""
    articles = [r for r in pages.values() if r["kind"] == "article"]
    missing = Counter(n for r in articles for n in ELEMENT_NAMES if r[n] != "true")
    return len(articles), missing


def status_counts(pages: dict[str, dict[str, str]]) -> tuple[int, int, int]:
    """Articles, ``missing_*`` errors and ``unclear`` warnings over their four elements:
    what a maintainer reads in the report."""
    articles = [r for r in pages.values() if r["kind"] == "article"]
    status = [r.get(f"{n}_status", "") for r in articles for n in ELEMENT_NAMES]
    return len(articles), status.count("missing"), status.count("unclear")


def lost_elements(
    before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]
) -> tuple[Counter[str], Counter[str]]:
    lost: Counter[str] = Counter()
    gained: Counter[str] = Counter()
    for url, row in after.items():
        old = before.get(url)
        if old is None or row["kind"] != "article":
            continue
        for n in ELEMENT_NAMES:
            if old[n] == "true" and row[n] != "true":
                lost[n] += 1
            elif old[n] != "true" and row[n] == "true":
                gained[n] += 1
    return lost, gained


def label_rows(prefix: str) -> list[dict[str, str]]:
    return [r for r in read_csv(LABELS, delimiter="\t") if r["id"].startswith(prefix)]


def page_url(base: str, source: str) -> str:
    path = source.rpartition(":")[2]
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return f"{base}/{path}"


def agreement(
    labels: list[dict[str, str]], base: str, pages: dict[str, dict[str, str]], verbose: bool
) -> tuple[int, int, list[str]]:
    agree = total = 0
    notes: list[str] = []
    for label in labels:
        url = page_url(base, label["source"])
        row = pages.get(url)
        if row is None:
            notes.append(f"{label['id']}: not audited ({url})")
            total += 5
            continue
        verdicts = [("kind", label["kind"], row["kind"])]
        verdicts += [(n, label[n] == "1", row[n] == "true") for n in ELEMENT_NAMES]
        for name, want, got in verdicts:
            total += 1
            if want == got:
                agree += 1
            elif verbose:
                notes.append(f"{label['id']}: {name} label={want} got={got}")
    return agree, total, notes


def evidence(out: Path, url: str, name: str) -> str | None:
    with open(out / "pages.jsonl", encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            if doc["url"] == url:
                return doc["elements"][name]["evidence"]
    return None


def report_real(name: str, work: Path, workers: int, verbose: bool) -> None:
    root, start_path, prefix = REAL[name]
    print(f"{name}: {root} from {start_path}")
    with SiteServer(root) as server:
        start = server.base_url + start_path
        runs = {t: run(start, work / name / ("on" if t else "off"), t, workers) for t in (0, 1)}
        base = server.base_url
    labels = label_rows(prefix)
    summarize(runs[0], runs[1])
    for t in (0, 1):
        agree, total, notes = agreement(labels, base, runs[t], verbose)
        print(f"  labels ({len(labels)} pages) template {'on ' if t else 'off'}: {agree}/{total}")
        for note in notes:
            print(f"    {note}")
    if verbose:
        for url, row in sorted(runs[1].items()):
            old = runs[0][url]
            for n in ELEMENT_NAMES:
                if old[n] == "true" and row[n] != "true" and row["kind"] == "article":
                    text = evidence(work / name / "off", url, n)
                    print(f"    lost {n:10} {url[len(base) :]:50} {text!r:.90}")


def summarize(off: dict[str, dict[str, str]], on: dict[str, dict[str, str]]) -> None:
    for label, pages in (("off", off), ("on ", on)):
        n, missing = element_counts(pages)
        per = "  ".join(
            f"missing_{k}={missing[k]} ({missing[k] / max(n, 1):.2f})" for k in ELEMENT_NAMES
        )
        print(f"  articles template {label}: {n}; not found: {per}")
        _, errors, warnings = status_counts(pages)
        print(
            f"    missing_* errors {errors} ({errors / max(n, 1):.2f} per article), "
            f"unclear warnings {warnings} ({warnings / max(n, 1):.2f} per article)"
        )
    lost, gained = lost_elements(off, on)
    print(
        "  articles that lost an element found only in template lines: "
        + ", ".join(f"{k} {lost[k]}" for k in ELEMENT_NAMES)
        + f"; gained: {sum(gained.values())}"
    )


def report_sitegen(pages_n: int, work: Path, workers: int) -> None:
    folder = work / "sitegen"
    (folder / "www").mkdir(parents=True, exist_ok=True)
    server = SiteServer(folder / "www")
    subprocess.run(
        [sys.executable, str(SITEGEN), "--pages", str(pages_n), "--seed", "11", "--out",
         str(folder), "--base-url", server.base_url, "-q"],
        check=True,
    )  # fmt: skip
    server.redirects = read_redirects(folder / "redirects.tsv")
    print(f"sitegen: {pages_n} pages, seed 11")
    with server:
        runs = {
            t: run(server.base_url + "/", folder / ("on" if t else "off"), t, workers)
            for t in (0, 1)
        }
    summarize(runs[0], runs[1])
    truth = [r for r in read_csv(folder / "truth.csv") if r["kind"] in ("complete", "incomplete")]
    for t in (0, 1):
        agree = Counter()
        for row in truth:
            got = runs[t].get(row["url"])
            for n in ELEMENT_NAMES:
                if got is not None and (row[n] != "absent") == (got[n] == "true"):
                    agree[n] += 1
        shares = "  ".join(f"{n} {agree[n] / len(truth):.3f}" for n in ELEMENT_NAMES)
        print(
            f"  truth agreement ({len(truth)} articles) template {'on ' if t else 'off'}: {shares}"
        )
    codes = {
        t: Counter(f["code"] for f in read_csv(folder / ("on" if t else "off") / "findings.csv"))
        for t in (0, 1)
    }
    changed = sorted(c for c in set(codes[0]) | set(codes[1]) if codes[0][c] != codes[1][c])
    print(
        "  findings by code, off -> on: "
        + (", ".join(f"{c} {codes[0][c]} -> {codes[1][c]}" for c in changed) or "no change")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", nargs="+", default=["helms", "bratton", "sitegen"])
    parser.add_argument("--pages", type=int, default=300, help="pages of the sitegen site")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=Path, default=None, help="keep the reports here")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="eval-realsites-") as tmp:
        work = args.work or Path(tmp)
        for name in args.sites:
            if name == "sitegen":
                report_sitegen(args.pages, work, args.workers)
            else:
                report_real(name, work, args.workers, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
