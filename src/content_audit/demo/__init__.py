"""The bundled demo clinic site, served on loopback by ``content-audit demo``.

``site/www/`` is a 62-page WordPress-like clinic site made with ``../shared/sitegen/``
(60 pages, seed 7) plus the model prolotherapy article and an off-topic country-club post;
``_build.py`` says exactly how to regenerate it.  It is package data so the demo runs
offline on a fresh machine.  Its absolute URLs use ``DEMO_ORIGIN``, which ``server.py``
rewrites to the real loopback port at serve time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

DEMO_ORIGIN = "http://127.0.0.1:8080"
"""The origin the demo site was generated for (rewritten when served)."""

PROLOTHERAPY_PATH = "/blog/prolotherapy-a-natural-approach-to-joint-pain/"
"""The model article's path on the demo site."""


@contextmanager
def demo_root() -> Iterator[Path]:
    """The demo site folder (``www/``, ``redirects.tsv``, ``truth.csv``) as a real path."""
    with resources.as_file(resources.files(__name__).joinpath("site")) as root:
        yield Path(root)
