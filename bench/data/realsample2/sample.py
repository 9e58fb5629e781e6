#!/usr/bin/env python3
"""Draw the second real-site label sample: 15 pages of helms-performance, 25 of bratton-pt/desktop.

Candidates are found as for the first sample (``bench/data/realsample/sample.py``): a
breadth-first walk over the ``<a href>`` links of the served files (root-relative or relative,
same host), from ``/`` on helms-performance and from ``/desktop/`` on bratton-pt (scope
``/desktop/``); 404 pages, feeds, sitemaps and robots are skipped.  Excluded: every page in
``../shared/corpus/labels.tsv``, every page of the first sample
(``bench/data/realsample/sample.tsv``) and the bratton pages already looked at while tuning
(``TUNED``).  The sorted candidate list is sampled with ``random.Random(4242)``: helms first,
then bratton, from one generator; if helms has fewer than 15 candidates, all are taken and
bratton fills the rest.

    .venv/bin/python bench/data/realsample2/sample.py > bench/data/realsample2/sample.tsv
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

# bench/data is not a package: the shared draw module sits one folder up
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from realsample_draw import BRATTON, HELMS, TUNED, earlier_samples, main

EARLIER = earlier_samples("realsample")
SEED = 4242
TOTAL = 40
N_HELMS = 15
SITES = (replace(HELMS, quota=N_HELMS), replace(BRATTON, tuned=TUNED))

if __name__ == "__main__":
    sys.exit(main(SITES, seed=SEED, total=TOTAL, earlier=EARLIER))
