"""Measure the element detector: corpus precision/recall/F1 and sitegen agreement.

Usage:
    .venv/bin/python bench/eval_elements.py [--corpus ../shared/corpus]
        [--sitegen DIR] [--pages 300] [--seed 11] [--verbose]

Corpus: every page labelled ``article`` in labels.tsv (``--all-kinds`` for every page);
``.md`` files are rendered with markdown-it-py (commonmark + tables).  Sitegen: a site of
``--pages`` pages is generated (unless ``--sitegen`` names an existing one) and each
``complete``/``incomplete`` article is compared with truth.csv (present = not ``absent``).

Pages are built with ``extract.extract_page``; while extraction is unfinished (it raises
NotImplementedError) a small stand-in here takes the article's main column and drops
obvious chrome, which is enough to measure the detector but not a substitute for extract.py.
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from markdown_it import MarkdownIt

from content_audit.config import load_config
from content_audit.elements import find_elements
from content_audit.extract import extract_page
from content_audit.model import ELEMENT_NAMES, Page, Section

SHARED = Path(__file__).resolve().parents[1].parent / "shared"  # ../shared beside the clone
SITEGEN = SHARED / "sitegen" / "sitegen.py"
_CHROME = re.compile(
    r"^(?:.*[-_])?(?:sidebar|footer|header|nav|navbar|navigation|menu|related|breadcrumbs?|"
    r"comments?|share|sharing|cookie|recent|teasers?|cards?|popup|modal|widget-area|secondary|"
    r"post-navigation)(?:[-_].*)?$",
    re.IGNORECASE,
)
_BLOCKS = ("p", "li", "td", "th", "blockquote", "dd", "dt", "figcaption")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _stand_in_page(html: str, url: str | None) -> Page:
    """A rough article extraction used only while extract.py is unfinished."""
    soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    h1s = tuple(h.get_text(" ", strip=True) for h in soup.find_all("h1"))
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form"]):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is None:  # already removed with a parent
            continue
        marks = [*tag.get("class", []), tag.get("id", "") or ""]
        if tag.name not in ("html", "body") and any(_CHROME.match(m) for m in marks if m):
            tag.decompose()
    root = (
        soup.select_one(".entry-content")
        or soup.find("article")
        or soup.find("main")
        or soup.body
        or soup
    )
    sections: list[Section] = []
    heading, level, pseudo, paras = "", 0, False, []

    def flush() -> None:
        if heading or paras:
            sections.append(Section(heading, level, tuple(paras), pseudo))

    for el in root.find_all([*_HEADINGS, *_BLOCKS]):
        if not isinstance(el, Tag):
            continue
        text = " ".join(el.get_text(" ", strip=True).split())
        if not text:
            continue
        if el.name in _HEADINGS:
            flush()
            heading, level, pseudo, paras = text, int(el.name[1]), False, []
            continue
        if el.find(_BLOCKS) or el.find_parent(_HEADINGS):
            continue  # a container of blocks: its children are taken one by one
        strong = el.find(["strong", "b"])
        if (
            el.name == "p"
            and strong is not None
            and " ".join(strong.get_text(" ", strip=True).split()) == text
            and len(text.split()) <= 12
        ):
            flush()
            heading, level, pseudo, paras = text, level + 1 if level else 3, True, []
            continue
        paras.append(text)
    flush()
    return Page(url=url, title=title, h1=h1s, sections=tuple(sections))


_FORCE_STAND_IN = False


def page_from_html(html: str, url: str | None = None) -> tuple[Page, str]:
    if _FORCE_STAND_IN:
        return _stand_in_page(html, url), "stand-in"
    try:
        return extract_page(html, url), "extract_page"
    except NotImplementedError:
        return _stand_in_page(html, url), "stand-in"


def page_from_file(path: Path) -> tuple[Page, str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".md":
        text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)
        text = re.sub(r"\{[%{].*?[%}]\}", "", text, flags=re.DOTALL)
        text = MarkdownIt("commonmark").enable("table").render(text)
        text = f"<html><body><main>{text}</main></body></html>"
    return page_from_html(text, path.name)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def eval_corpus(corpus: Path, all_kinds: bool, verbose: bool) -> None:
    config = load_config()
    rows = list(csv.DictReader((corpus / "labels.tsv").open(encoding="utf-8"), delimiter="\t"))
    if not all_kinds:
        rows = [r for r in rows if r["kind"] == "article"]
    counts = {n: [0, 0, 0] for n in ELEMENT_NAMES}
    how = set()
    for row in rows:
        page, source = page_from_file(corpus / row["file"])
        how.add(source)
        results = find_elements(page, config)
        for res in results:
            truth = row[res.name] == "1"
            c = counts[res.name]
            if truth and res.present:
                c[0] += 1
            elif res.present:
                c[1] += 1
            elif truth:
                c[2] += 1
            if verbose and truth != res.present:
                print(
                    f"  {row['id']:28} {res.name:10} truth={int(truth)} got={int(res.present)} "
                    f"via={res.via} [{res.heading}] {(res.evidence or '')[:110]!r}"
                )
    print(
        f"corpus: {len(rows)} pages ({'all kinds' if all_kinds else 'articles'}), "
        f"pages built by {', '.join(sorted(how))}"
    )
    print(f"  {'element':10} {'P':>6} {'R':>6} {'F1':>6}   tp fp fn")
    for name, (tp, fp, fn) in counts.items():
        p, r, f = _prf(tp, fp, fn)
        print(f"  {name:10} {p:6.3f} {r:6.3f} {f:6.3f}   {tp:2} {fp:2} {fn:2}")


def eval_sitegen(out: Path, verbose: bool) -> None:
    config = load_config()
    rows = list(csv.DictReader((out / "truth.csv").open(encoding="utf-8")))
    rows = [r for r in rows if r["kind"] in ("complete", "incomplete")]
    agree = {n: 0 for n in ELEMENT_NAMES}
    via_ok = {n: 0 for n in ELEMENT_NAMES}
    via_n = {n: 0 for n in ELEMENT_NAMES}
    how = set()
    elapsed = 0.0
    for row in rows:
        html = (out / "www" / row["path"].strip("/") / "index.html").read_text(encoding="utf-8")
        page, source = page_from_html(html, row["url"])
        how.add(source)
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
                    f"  {row['path'][:60]:60} {res.name:10} truth={truth} via={res.via} "
                    f"[{res.heading}] {(res.evidence or '')[:100]!r}"
                )
            if truth != "absent":
                via_n[res.name] += 1
                expected = {
                    "heading": "heading",
                    "pseudo_heading": "pseudo_heading",
                    "body": "text",
                }[truth]
                via_ok[res.name] += res.via == expected
    n = len(rows)
    print(
        f"sitegen {out}: {n} articles (complete + incomplete), pages built by "
        f"{', '.join(sorted(how))}; find_elements {1000 * elapsed / max(n, 1):.3f} ms/page (warm)"
    )
    print(f"  {'element':10} {'agree':>8} {'via matches truth':>18}")
    for name in ELEMENT_NAMES:
        print(
            f"  {name:10} {agree[name] / n:8.3%} {via_ok[name]:>7}/{via_n[name]:<4} "
            f"({via_ok[name] / max(via_n[name], 1):.1%})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--sitegen", type=Path, help="an existing sitegen output folder")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--all-kinds", action="store_true", help="score every corpus page")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every disagreement")
    parser.add_argument(
        "--stand-in", action="store_true", help="build pages with the stand-in, not extract.py"
    )
    args = parser.parse_args(argv)
    global _FORCE_STAND_IN
    _FORCE_STAND_IN = args.stand_in
    if args.corpus.is_dir():
        eval_corpus(args.corpus, args.all_kinds, args.verbose)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.sitegen
        if out is None:
            out = Path(tmp) / "site"
            subprocess.run(
                [
                    sys.executable,
                    str(SITEGEN),
                    "-n",
                    str(args.pages),
                    "-s",
                    str(args.seed),
                    "-o",
                    str(out),
                    "-q",
                ],
                check=True,
            )
        eval_sitegen(out, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
