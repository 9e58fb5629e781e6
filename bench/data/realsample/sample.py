#!/usr/bin/env python3
"""Draw the real-site label sample: 20 pages of helms-performance, 20 of bratton-pt/desktop.

Reachable pages are found the way a crawl meets them: a breadth-first walk over the
``<a href>`` links of the served files (root-relative or relative, same host), from ``/`` on
helms-performance and from ``/desktop/`` on bratton-pt (scope ``/desktop/``).  404 pages,
feeds, sitemaps and robots are skipped, and so is every page already in
``../shared/corpus/labels.tsv``.  The sorted candidate list is sampled with
``random.Random(2026)``: helms first, then bratton, 20 each, from one generator.

    .venv/bin/python bench/data/realsample/sample.py > bench/data/realsample/sample.tsv
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

# bench/data is not a package: the shared draw module sits one folder up
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from realsample_draw import BRATTON, HELMS, main

SEED = 2026
N = 20  # pages a site
# sample 1 predates the one-path-per-file rule and the tuning list: only the corpus is excluded
SITES = (replace(HELMS, quota=N), replace(BRATTON, quota=N))

if __name__ == "__main__":
    sys.exit(main(SITES, seed=SEED, total=2 * N, one_path_per_file=False))
