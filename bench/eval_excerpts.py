#!/usr/bin/env python3
"""The element detector on labelled excerpts of real clinic pages, split by website.

Pages of sites nobody tuned on are what predict how the detector does on a new clinic's
site (issue #13), and whole pages of new sites are scarce.  Excerpts are not: a few hundred
passages of patient-education text, each from its own clinic website, each labelled by the
corpus rubric (``../shared/corpus/RUBRIC.md``) within the passage, by someone who has not run
the detector.  The passages are third-party text, so they are not kept in this repository;
this script reads a set from a TSV file with the columns

    id  domain  url  topic  kind_guess  definition  uses  mechanism  consult
    ev_definition  ev_uses  ev_mechanism  ev_consult  notes  excerpt

(``topic`` is what the page's H1 says, the four labels are 0/1, the ``ev_*`` cells quote the
evidence).  Each excerpt becomes a page: the topic as its ``<title>`` and H1, the passage as a
paragraph, and runs through ``extract_page`` and ``find_elements`` as ``check`` would.

Stored page text flattens headings into the text that follows them ("How Laser Hair Removal
Works Laser hair removal is a ..."): a leading run of three or more capitalised words
followed by a lower-case word is read back as a heading over the sentence that starts with
the run's last word, and a repeated title at the start is dropped.  Headings inside the
passage stay flattened, so recall here is a lower bound.

Printed per element, for the whole set and for each half of it (``--half A|B``: the domains
split by a hash, so one half can be read while tuning and the other kept for measuring):
P, R, F1 of ``found`` (``unclear`` counts as not found), the share of ``unclear``, the
precision of ``missing``, and recall when ``unclear`` counts as found.  ``--verbose`` lists
every disagreement with the evidence quoted on each side.

    .venv/bin/python bench/eval_excerpts.py SET.tsv [--half A|B] [--verbose]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import sys
from collections import Counter
from pathlib import Path

from content_audit.config import load_config
from content_audit.elements import find_elements
from content_audit.extract import extract_page

NAMES = ("definition", "uses", "mechanism", "consult")
_SMALL = frozenset({"of", "and", "for", "the", "in", "to", "a", "with", "&", "or", "-", "vs"})


def half_of(domain: str) -> str:
    """A or B, fixed for a domain whatever else is in the set."""
    return "A" if int(hashlib.md5(domain.encode()).hexdigest(), 16) % 2 == 0 else "B"


def as_page_html(topic: str, excerpt: str) -> str:
    """The excerpt as the page it came from: title and H1, a heading read back, the text."""
    body = excerpt
    rest = body[len(topic) + 1 :]
    if body.lower().startswith(topic.lower() + " ") and rest[:1].isupper():
        body = rest  # the page's H1, flattened into the stored text
    words = body.split(" ")
    k = 0
    while k < len(words) and (
        words[k][:1].isupper() or words[k].lower() in _SMALL or words[k][:1].isdigit()
    ):
        k += 1
    heading = ""
    if 3 <= k < len(words) and words[k][:1].islower() and words[k - 1][:1].isupper():
        heading, body = " ".join(words[: k - 1]), " ".join(words[k - 1 :])
    title = html.escape(topic)
    h2 = f"<h2>{html.escape(heading)}</h2>" if heading else ""
    return (
        f"<html><head><title>{title}</title></head><body><main><h1>{title}</h1>{h2}"
        f"<p>{html.escape(body)}</p></main></body></html>"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tsv", type=Path)
    parser.add_argument("--half", choices=("A", "B"))
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    csv.field_size_limit(10**7)
    try:
        with args.tsv.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
    except OSError as exc:
        print(f"cannot read {args.tsv}: {exc}", file=sys.stderr)
        return 2
    missing = {"domain", "topic", "excerpt", *NAMES} - set(rows[0] if rows else ())
    if missing:
        print(f"{args.tsv}: missing columns {', '.join(sorted(missing))}", file=sys.stderr)
        return 2
    config = load_config()
    halves = [args.half] if args.half else ["all", "A", "B"]
    verdicts = []
    for row in rows:
        page = extract_page(as_page_html(row["topic"], row["excerpt"]), "http://127.0.0.1/x")
        found = {r.name: r for r in find_elements(page, config)}
        verdicts.append((row, found))
        if args.verbose and (args.half is None or half_of(row["domain"]) == args.half):
            for name in NAMES:
                label, status = row[name].strip() == "1", found[name].status
                if label != (status == "found"):
                    print(
                        f"{row.get('id', '')} {name:10} label={int(label)} got={status:8} | "
                        f"{row['topic']} | ev: {row.get('ev_' + name, '')[:140]} | "
                        f"got: {(found[name].evidence or '')[:140]}"
                    )
    for half in halves:
        chosen = [(r, f) for r, f in verdicts if half == "all" or half_of(r["domain"]) == half]
        domains = len({r["domain"] for r, _ in chosen})
        print(f"{half}: {len(chosen)} excerpts from {domains} sites")
        print("  element     n+      P      R     F1  unclear  P(missing)  R lenient")
        for name in NAMES:
            counts = Counter((r[name].strip() == "1", f[name].status) for r, f in chosen)
            tp, fp = counts[(True, "found")], counts[(False, "found")]
            fn = counts[(True, "unclear")] + counts[(True, "missing")]
            p = tp / (tp + fp) if tp + fp else float("nan")
            rec = tp / (tp + fn) if tp + fn else float("nan")
            f1 = 2 * p * rec / (p + rec) if tp else 0.0
            unclear = (counts[(True, "unclear")] + counts[(False, "unclear")]) / len(chosen)
            called = counts[(True, "missing")] + counts[(False, "missing")]
            p_missing = counts[(False, "missing")] / called if called else float("nan")
            lenient = (tp + counts[(True, "unclear")]) / (tp + fn) if tp + fn else float("nan")
            print(
                f"  {name:10} {tp + fn:4}  {p:.3f}  {rec:.3f}  {f1:.3f}   {unclear:5.1%}"
                f"  {p_missing:.3f} ({called:3})  {lenient:.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
