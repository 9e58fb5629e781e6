"""Test sites the repository makes itself: the bundled demo site, copied and grown.

The demo site (``src/content_audit/demo/site``) is sitegen's 60-page site (seed 7) plus two
posts, with sitegen's ``truth.csv`` and ``redirects.tsv``.  A test that needs a site of its
own (to edit between runs, or of more pages) copies it here for the origin of a server that
has already bound its port, so sitemaps, canonical links and ``truth.csv`` carry the real
origin.  ``pages`` grows it: blog posts are cloned under new slugs (title and H1 numbered,
self-links moved) and listed in the sitemap, until the site has that many HTML pages.
Tests that need sitegen's planted defects and ``truth_links.csv`` use ``../shared/sitegen``
instead (``@pytest.mark.needs_shared``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from content_audit.demo import DEMO_ORIGIN, demo_root

_TEXT = (".html", ".xml", ".txt", ".csv", ".tsv", ".json")
_TITLE = re.compile(r"(<title>)([^<]*?)( - [^<]*</title>)")
_H1 = re.compile(r'(<h1 class="entry-title">)([^<]*)(</h1>)')


def copy_demo_site(folder: Path, base_url: str, pages: int = 0) -> Path:
    """The demo site under ``folder`` (``www/``, ``truth.csv``, ``redirects.tsv``) for
    ``base_url``; with ``pages``, grown to at least that many HTML pages.  Returns folder."""
    with demo_root() as root:
        shutil.copytree(root, folder, dirs_exist_ok=True)
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in _TEXT:
            text = path.read_text(encoding="utf-8")
            if DEMO_ORIGIN in text:
                path.write_text(text.replace(DEMO_ORIGIN, base_url), encoding="utf-8")
    www = folder / "www"
    have = sum(1 for _ in www.rglob("index.html"))
    if pages > have:
        _grow(www, base_url, pages - have)
    return folder


def _grow(www: Path, base_url: str, extra: int) -> None:
    posts = sorted(p for p in (www / "blog").iterdir() if (p / "index.html").is_file())
    entries = []
    for n in range(extra):
        source = posts[n % len(posts)]
        copy = n // len(posts) + 2
        slug = f"{source.name}-part-{copy}"
        html = (source / "index.html").read_text(encoding="utf-8")
        html = html.replace(f"/blog/{source.name}/", f"/blog/{slug}/")
        html = _TITLE.sub(rf"\g<1>\g<2> (part {copy})\g<3>", html, count=1)
        html = _H1.sub(rf"\g<1>\g<2> (part {copy})\g<3>", html, count=1)
        (www / "blog" / slug).mkdir()
        (www / "blog" / slug / "index.html").write_text(html, encoding="utf-8")
        entries.append(f"<url><loc>{base_url}/blog/{slug}/</loc></url>\n")
    sitemap = www / "sitemap.xml"
    text = sitemap.read_text(encoding="utf-8")
    sitemap.write_text(text.replace("</urlset>", "".join(entries) + "</urlset>"), "utf-8")
