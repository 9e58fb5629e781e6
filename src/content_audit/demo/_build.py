"""Rebuild the bundled demo site (maintainers only; the package ships the result).

The demo must work offline on a fresh machine, so the generated site is committed under
``demo/site/`` as package data and this script is only needed to regenerate it::

    .venv/bin/python -m content_audit.demo._build \\
        --sitegen ../shared/sitegen/sitegen.py \\
        --seed-text ../shared/seed/000_9ad4b3a0b8af1526.txt

What it does:

1. ``sitegen.py --pages 60 --seed 7 --base-url http://127.0.0.1:8080`` (sitegen 1.0.0; 60
   is its minimum) into a temporary folder; copies ``www/``, ``redirects.tsv``,
   ``truth.csv`` and ``manifest.json`` into ``demo/site/``.
2. Adds an off-topic guest post, ``/blog/joining-the-oakland-country-club/``.
3. Adds the model article, ``/blog/prolotherapy-a-natural-approach-to-joint-pain/``: the text
   of the seed file in the same theme (H2 headings "What Is Prolotherapy?", "What Is It Used
   For?", "How Does It Work?", "Confer With a Medical Expert"), followed by six teasers cut
   with "[...]" as on the real page: the first links to the article itself, the second to
   the country-club post, the others to clinic posts of the matching specialty; plus the
   theme's Recent Posts sidebar.
4. Links both posts from the home page (as the newest posts) and lists them in the sitemap.

The site is 62 HTML pages answering 200 (sitegen's 60 and the two posts), about 1.8 MB.
"""

from __future__ import annotations

import argparse
import csv
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import DEMO_ORIGIN

SITE = Path(__file__).parent / "site"
PAGES, SEED = 60, 7
PROLO_SLUG = "prolotherapy-a-natural-approach-to-joint-pain"
PROLO_TITLE = "Prolotherapy: A Natural Approach to Joint Pain"
CLUB_SLUG = "joining-the-oakland-country-club"
CLUB_TITLE = "Joining the Oakland Country Club: What Members Get"
CLUB_TEXT = (
    "Registering for a membership at the Oakland country club offers more than access to a "
    "golf course. Members enjoy tennis courts, a pool, a fitness room and a full calendar of "
    "social events throughout the year.",
    "The clubhouse restaurant serves lunch and dinner, and private rooms can be booked for "
    "weddings and parties. Junior programs teach golf and swimming to children every summer.",
    "Membership tiers range from social to full golf privileges. Call the membership office "
    "to arrange a tour of the grounds and ask about this season's initiation offers.",
)
# Teasers 3-6 of the seed page point to posts of these sitegen categories, in order.
TEASER_CATEGORIES = ("Hormone Health", "Podiatry", "Vein Care", "Diagnostic Imaging")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sitegen", type=Path, required=True)
    parser.add_argument("--seed-text", type=Path, required=True)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        subprocess.run(
            [
                sys.executable,
                str(args.sitegen),
                "--pages",
                str(PAGES),
                "--seed",
                str(SEED),
                "--out",
                str(out),
                "--base-url",
                DEMO_ORIGIN,
                "-q",
            ],
            check=True,
        )
        if SITE.exists():
            shutil.rmtree(SITE)
        SITE.mkdir()
        shutil.copytree(out / "www", SITE / "www")
        for name in ("redirects.tsv", "truth.csv", "manifest.json"):
            shutil.copy2(out / name, SITE / name)
    www = SITE / "www"
    with open(SITE / "truth.csv", encoding="utf-8", newline="") as handle:
        truth = list(csv.DictReader(handle))
    template_row = next(r for r in truth if r["kind"] == "complete")
    template = (www / template_row["path"].strip("/") / "index.html").read_text("utf-8")
    targets = []
    for category in TEASER_CATEGORIES:
        row = next(r for r in truth if r["kind"] == "complete" and r["category"] == category)
        targets.append((row["intro_excerpt"], row["path"]))
    club_html = _post(
        template,
        CLUB_SLUG,
        CLUB_TITLE,
        "".join(f"<p>{html.escape(p)}</p>\n" for p in CLUB_TEXT),
        teasers=(),
    )
    _write(www, CLUB_SLUG, club_html)
    paragraphs, teaser_texts = _read_seed(args.seed_text)
    body = "".join(
        f'<h2 class="wp-block-heading">{html.escape(t)}</h2>\n'
        if is_heading
        else f"<p>{html.escape(t)}</p>\n"
        for is_heading, t in paragraphs
    )
    hrefs = [f"/blog/{PROLO_SLUG}/", f"/blog/{CLUB_SLUG}/"] + [p for _, p in targets]
    teasers = tuple(zip(teaser_texts, hrefs, strict=True))
    _write(www, PROLO_SLUG, _post(template, PROLO_SLUG, PROLO_TITLE, body, teasers=teasers))
    _link_from_home(
        www, [(CLUB_SLUG, CLUB_TITLE, CLUB_TEXT[0]), (PROLO_SLUG, PROLO_TITLE, paragraphs[0][1])]
    )
    _add_to_sitemap(www, [PROLO_SLUG, CLUB_SLUG])
    pages = sum(1 for _ in www.rglob("index.html"))
    print(f"demo site written to {SITE} ({pages} pages, 3 of them robots-disallowed)")
    return 0


def _read_seed(path: Path) -> tuple[list[tuple[bool, str]], list[str]]:
    """The seed text as (is_heading, text) blocks, and its teaser lines without "[...]"."""
    blocks: list[tuple[bool, str]] = []
    teasers: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.endswith("[...]"):
            teasers.append(line[: -len("[...]")].strip())
        elif teasers:
            break  # the Recent Posts titles after the teasers: the theme has its own list
        else:
            blocks.append((len(line.split()) <= 8 and not line.endswith("."), line))
    return blocks, teasers


def _post(template: str, slug: str, title: str, body: str, teasers: Any) -> str:
    """A post page in the theme of ``template``, with a new title, body and teasers."""
    url = f"{DEMO_ORIGIN}/blog/{slug}/"
    esc = html.escape(title)
    page = re.sub(
        r"<title>.*?</title>",
        f"<title>{esc} - Bayview Integrated Health</title>",
        template,
        count=1,
    )
    page = re.sub(
        r'<link rel="canonical" href="[^"]*">',
        f'<link rel="canonical" href="{url}">',
        page,
        count=1,
    )
    page = re.sub(
        r'<meta property="og:url" content="[^"]*">',
        f'<meta property="og:url" content="{url}">',
        page,
        count=1,
    )
    page = re.sub(
        r'<meta property="og:title" content="[^"]*">',
        f'<meta property="og:title" content="{esc}">',
        page,
        count=1,
    )
    page = re.sub(r'<script type="application/ld\+json">.*?</script>\n?', "", page, flags=re.S)
    page = re.sub(
        r'<h1 class="entry-title">.*?</h1>', f'<h1 class="entry-title">{esc}</h1>', page, count=1
    )
    page = re.sub(
        r'(<div class="entry-content">\n).*?(</div>\n<footer class="entry-footer">)',
        lambda m: m.group(1) + body + m.group(2),
        page,
        count=1,
        flags=re.S,
    )
    cards = "".join(
        f'<div class="related-post"><p class="related-excerpt">{html.escape(text)} '
        f'<a class="more-link" href="{href}">[...]</a></p></div>\n'
        for text, href in teasers
    )
    return re.sub(
        r'(<div class="related-posts">\n).*?(</div>\n<nav class="navigation)',
        lambda m: m.group(1) + cards + m.group(2),
        page,
        count=1,
        flags=re.S,
    )


def _write(www: Path, slug: str, page: str) -> None:
    folder = www / "blog" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(page, encoding="utf-8")


def _link_from_home(www: Path, posts: list[tuple[str, str, str]]) -> None:
    home = www / "index.html"
    page = home.read_text(encoding="utf-8")
    first = page.index("<article ")
    cards = "".join(
        f'<article class="post type-post status-publish format-standard hentry">'
        f'<header class="entry-header"><h2 class="entry-title"><a href="/blog/{slug}/" '
        f'rel="bookmark">{html.escape(title)}</a></h2></header><div class="entry-summary"><p>'
        f'{html.escape(" ".join(intro.split()[:30]))} [...]</p></div><footer class="entry-footer">'
        f'<a class="more-link" href="/blog/{slug}/">Read More</a></footer></article>\n'
        for slug, title, intro in reversed(posts)
    )
    home.write_text(page[:first] + cards + page[first:], encoding="utf-8")


def _add_to_sitemap(www: Path, slugs: list[str]) -> None:
    sitemap = www / "sitemap.xml"
    text = sitemap.read_text(encoding="utf-8")
    entries = "".join(f"<url><loc>{DEMO_ORIGIN}/blog/{s}/</loc></url>\n" for s in slugs)
    sitemap.write_text(text.replace("</urlset>", entries + "</urlset>"), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
