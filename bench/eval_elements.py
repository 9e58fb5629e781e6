"""Measure the element detector: corpus verdicts per element, per site, on a site split.

Usage:
    .venv/bin/python bench/eval_elements.py [--corpus ../shared/corpus] [--json FILE]
        [--sitegen DIR] [--pages 300] [--seed 11] [--no-sitegen] [--verbose [--half A|B]]

Corpus (``../shared/corpus``, pages labelled ``article``): each file is read the way
``content-audit check FILE`` reads it (``target.load_target``: Markdown drafts rendered),
then extracted and searched.  An element has three verdicts: ``found``, ``unclear`` (a
candidate shown to the editor) and ``missing`` (an error).  Printed per element:

- P, R, F1 of ``found`` against the label (``unclear`` counts as not found);
- F1 when ``unclear`` counts as found (what an editor who accepts every candidate gets);
- the share of ``unclear`` verdicts, and the precision of ``missing`` (of the pages called
  missing, how many are: the errors a maintainer reads);
- ``evidence``: of the found verdicts on labelled-present elements, how many quote a
  sentence of ``evidence.tsv`` (or its heading): right for the right reason.

Site split: the corpus's sites sorted by name, alternately into halves A and B.  Rules are
written looking at one half's mistakes only (``--verbose --half A``); the other half is the
figure that predicts a new clinic's site.  Sitegen: a generated site's ``complete`` /
``incomplete`` articles against truth.csv (present = found).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from content_audit.config import load_config
from content_audit.elements import find_elements
from content_audit.extract import extract_page
from content_audit.model import ELEMENT_NAMES, ElementResult
from content_audit.target import load_target

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SITEGEN = SHARED / "sitegen" / "sitegen.py"


@dataclass(frozen=True)
class Verdict:
    """One element of one corpus page: the label and what the detector said."""

    page: str
    site: str
    element: str
    truth: bool
    result: ElementResult
    evidence_ok: bool | None
    """For a found element labelled present: whether it quotes a labelled evidence sentence."""


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def _url_for(source: str) -> str:
    """The page's address on its site, rebuilt from ``repo@commit:path`` (on a dummy host)."""
    path = source.split(":", 1)[-1] if ":" in source else source
    for index in ("index.html", "index.htm"):
        if path.endswith(index):
            path = path[: -len(index)]
    if path.endswith(".md"):
        path = path[:-3] + "/"
    return "https://clinic.example/" + path.lstrip("/")


def _evidence(corpus: Path) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    path = corpus / "evidence.tsv"
    if not path.is_file():
        return out
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            key = (row["id"], row["element"])
            for text in (row.get("evidence") or "", row.get("heading") or ""):
                if text.strip():
                    out[key].append(_norm(text))
    return out


def _quotes_evidence(result: ElementResult, labelled: list[str]) -> bool:
    said = [_norm(t) for t in (result.evidence, result.heading) if t]
    return any(s and (s in e or e in s) for s in said for e in labelled)


def corpus_verdicts(corpus: Path) -> list[Verdict]:
    """Every element verdict on the corpus's article pages, read as ``check`` reads files."""
    config = load_config()
    evidence = _evidence(corpus)
    with (corpus / "labels.tsv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["kind"] == "article"]
    out = []
    for row in rows:
        doc = load_target(str(corpus / row["file"]), config.crawl)
        page = extract_page(doc.html, _url_for(row["source"]))
        for result in find_elements(page, config):
            truth = row[result.name] == "1"
            ok = None
            if truth and result.status == "found":
                ok = _quotes_evidence(result, evidence[(row["id"], result.name)])
            out.append(Verdict(row["id"], row["site"], result.name, truth, result, ok))
    return out


def site_halves(verdicts: Iterable[Verdict]) -> dict[str, str]:
    """Site -> "A" or "B": sorted by name, alternately (deterministic, no tuning involved)."""
    sites = sorted({v.site for v in verdicts})
    return {site: "AB"[i % 2] for i, site in enumerate(sites)}


def _ratio(num: int, den: int, empty: float = 1.0) -> float:
    return num / den if den else empty


def metrics(verdicts: Iterable[Verdict]) -> dict[str, dict[str, float]]:
    """Per element (and ``all``): precision/recall/F1 of found, lenient F1, unclear share,
    precision of missing, evidence hit rate, and the counts behind them."""
    groups: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        groups[v.element].append(v)
        groups["all"].append(v)
    out: dict[str, dict[str, float]] = {}
    for name in (*ELEMENT_NAMES, "all"):
        vs = groups.get(name, [])
        found = [v for v in vs if v.result.status == "found"]
        unclear = [v for v in vs if v.result.status == "unclear"]
        missing = [v for v in vs if v.result.status == "missing"]
        tp = sum(v.truth for v in found)
        fp = len(found) - tp
        fn = sum(v.truth for v in vs) - tp
        p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        ltp = tp + sum(v.truth for v in unclear)
        lfp = fp + sum(not v.truth for v in unclear)
        lfn = sum(v.truth for v in missing)
        lp, lr = _ratio(ltp, ltp + lfp), _ratio(ltp, ltp + lfn)
        checked = [v.evidence_ok for v in found if v.evidence_ok is not None]
        out[name] = {
            "n": len(vs),
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": p,
            "recall": r,
            "f1": f1,
            "f1_unclear_as_found": 2 * lp * lr / (lp + lr) if lp + lr else 0.0,
            "unclear": len(unclear),
            "unclear_share": _ratio(len(unclear), len(vs), 0.0),
            "missing": len(missing),
            "missing_precision": _ratio(sum(not v.truth for v in missing), len(missing)),
            "evidence_hit": _ratio(sum(checked), len(checked)),
        }
    return out


def evaluate(corpus: Path) -> dict[str, object]:
    """The whole corpus report as one JSON-able dict (what the floor test reads)."""
    verdicts = corpus_verdicts(corpus)
    halves = site_halves(verdicts)
    by_site: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        by_site[v.site].append(v)
    return {
        "pages": len({v.page for v in verdicts}),
        "sites": len(by_site),
        "corpus": metrics(verdicts),
        "halves": {h: metrics(v for v in verdicts if halves[v.site] == h) for h in "AB"},
        "half_of_site": halves,
        "per_site": {site: metrics(vs)["all"] for site, vs in sorted(by_site.items())},
    }


def _table(title: str, m: Mapping[str, Mapping[str, float]]) -> None:
    print(title)
    print(
        f"  {'element':10} {'P':>6} {'R':>6} {'F1':>6} {'F1~':>6} {'unclear':>8} "
        f"{'P(miss)':>8} {'evid':>6}   tp fp fn"
    )
    for name in (*ELEMENT_NAMES, "all"):
        x = m[name]
        print(
            f"  {name:10} {x['precision']:6.3f} {x['recall']:6.3f} {x['f1']:6.3f} "
            f"{x['f1_unclear_as_found']:6.3f} {x['unclear_share']:8.1%} "
            f"{x['missing_precision']:8.3f} {x['evidence_hit']:6.2f}   "
            f"{x['tp']:3} {x['fp']:2} {x['fn']:2}"
        )


def _print_disagreements(verdicts: list[Verdict], half: str | None) -> None:
    halves = site_halves(verdicts)
    for v in verdicts:
        if half and halves[v.site] != half:
            continue
        status = v.result.status
        wrong = (status == "found") != v.truth or status == "unclear" or v.evidence_ok is False
        if not wrong:
            continue
        r = v.result
        print(
            f"  {v.page:28} {v.element:10} truth={int(v.truth)} {status:8} "
            f"c={r.confidence if r.confidence is not None else '-'} via={r.via} "
            f"[{(r.heading or '')[:40]}] {(r.evidence or '')[:110]!r}"
            + (" (not the labelled evidence)" if v.evidence_ok is False else "")
        )


def eval_sitegen(out: Path, verbose: bool) -> dict[str, float]:
    config = load_config()
    with (out / "truth.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["kind"] in ("complete", "incomplete")]
    agree = dict.fromkeys(ELEMENT_NAMES, 0)
    elapsed = 0.0
    for row in rows:
        html = (out / "www" / row["path"].strip("/") / "index.html").read_text(encoding="utf-8")
        page = extract_page(html, row["url"])
        find_elements(page, config)  # first call compiles this subject's patterns
        t0 = time.perf_counter()
        results = find_elements(page, config)
        elapsed += time.perf_counter() - t0
        for res in results:
            truth = row[res.name]
            if (truth != "absent") == res.present:
                agree[res.name] += 1
            elif verbose:
                print(
                    f"  {row['path'][:60]:60} {res.name:10} truth={truth} {res.status} "
                    f"via={res.via} [{res.heading}] {(res.evidence or '')[:100]!r}"
                )
    n = len(rows)
    print(
        f"sitegen {out}: {n} articles (complete + incomplete); "
        f"find_elements {1000 * elapsed / max(n, 1):.3f} ms/page (warm)"
    )
    shares = {name: agree[name] / max(n, 1) for name in ELEMENT_NAMES}
    for name, share in shares.items():
        print(f"  {name:10} agree {share:8.3%}")
    return shares


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--sitegen", type=Path, help="an existing sitegen output folder")
    parser.add_argument("--no-sitegen", action="store_true", help="skip the sitegen part")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every disagreement")
    parser.add_argument("--half", choices=["A", "B"], help="with --verbose: one half's sites")
    args = parser.parse_args(argv)
    report: dict[str, object] = {}
    if (args.corpus / "labels.tsv").is_file():
        if args.verbose:
            _print_disagreements(corpus_verdicts(args.corpus), args.half)
        report = evaluate(args.corpus)
        _table(
            f"corpus: {report['pages']} article pages, {report['sites']} sites", report["corpus"]
        )  # type: ignore[arg-type]
        halves = report["half_of_site"]
        for h in "AB":
            names = sorted(s.split(",")[0] for s, x in halves.items() if x == h)  # type: ignore[union-attr]
            _table(
                f"site split, half {h} ({len(names)} sites: {'; '.join(names)})",
                report["halves"][h],
            )  # type: ignore[index]
        print("per site (all elements): F1, unclear share, P(missing)")
        for site, x in report["per_site"].items():  # type: ignore[union-attr]
            print(
                f"  {site.split(',')[0][:44]:44} F1 {x['f1']:.3f}  "
                f"unclear {x['unclear_share']:5.1%}  P(miss) {x['missing_precision']:.3f}  "
                f"n={x['n']}"
            )
    else:
        print(f"no corpus at {args.corpus} (needs ../shared/corpus): corpus figures skipped")
    if not args.no_sitegen and (args.sitegen or SITEGEN.is_file()):
        with tempfile.TemporaryDirectory() as tmp:
            out = args.sitegen
            if out is None:
                out = Path(tmp) / "site"
                cmd = [sys.executable, str(SITEGEN), "-n", str(args.pages), "-s", str(args.seed)]
                subprocess.run([*cmd, "-o", str(out), "-q"], check=True)
            report["sitegen"] = eval_sitegen(out, args.verbose)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
