#!/usr/bin/env python3
"""Draw the sixth real-site label sample: every bratton-pt medical-library page left.

Candidates are found as for the fifth sample (``bench/data/realsample5/sample.py``): a
breadth-first walk over the ``<a href>`` links of the served files (root-relative or relative,
same host), from ``/`` on helms-performance and from ``/desktop/`` on bratton-pt (scope
``/desktop/``); 404 pages, feeds, sitemaps and robots are skipped.  Excluded: every page in
``../shared/corpus/labels.tsv``, every page of the first five samples
(``bench/data/realsample/sample.tsv``, ``bench/data/realsample2/sample.tsv``,
``bench/data/realsample3/sample.tsv``, ``bench/data/realsample4/sample.tsv``,
``bench/data/realsample5/sample.tsv``) and the bratton pages looked at while tuning (``TUNED``,
as listed in ``bench/data/realsample2/README.md``, unchanged).
The sorted candidate lists are sampled with ``random.Random(6666)``, one generator: all helms
candidates first (drawn in random order; none are left), then bratton.  ``TOTAL`` is no longer a
target: every remaining candidate is taken (after the fifth sample only ``library_*`` pages are
left, about 36), any non-library pages first as before; the seed only fixes the row order.

    .venv/bin/python bench/data/realsample6/sample.py > bench/data/realsample6/sample.tsv
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

# bench/data is not a package: the shared draw module sits one folder up
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from realsample_draw import BRATTON, HELMS, TUNED, earlier_samples, main

EARLIER = earlier_samples("realsample", "realsample2", "realsample3", "realsample4", "realsample5")
SEED = 6666
# take every remaining candidate: no size target
TOTAL = 10**6
# no library cap; TOTAL is unbounded, so every remaining candidate is drawn
SITES = (HELMS, replace(BRATTON, stratify=True, tuned=TUNED))

if __name__ == "__main__":
    sys.exit(main(SITES, seed=SEED, total=TOTAL, earlier=EARLIER))
