#!/usr/bin/env python3
"""Draw the fifth real-site label sample: 40 of the bratton-pt medical-library pages left.

Candidates are found as for the fourth sample (``bench/data/realsample4/sample.py``): a
breadth-first walk over the ``<a href>`` links of the served files (root-relative or relative,
same host), from ``/`` on helms-performance and from ``/desktop/`` on bratton-pt (scope
``/desktop/``); 404 pages, feeds, sitemaps and robots are skipped.  Excluded: every page in
``../shared/corpus/labels.tsv``, every page of the first, second, third and fourth samples
(``bench/data/realsample/sample.tsv``, ``bench/data/realsample2/sample.tsv``,
``bench/data/realsample3/sample.tsv``, ``bench/data/realsample4/sample.tsv``) and the bratton
pages looked at while tuning (``TUNED``, as listed in ``bench/data/realsample2/README.md``,
unchanged).
The sorted candidate lists are sampled with ``random.Random(5555)``, one generator: all helms
candidates first (drawn in random order; none are left), then bratton to make 40.  After the
fourth sample bratton has no non-library candidate left, so the stratification of samples 3 and
4 (at most 15 ``library_*`` pages, the other pages drawn first) is dropped: any other pages
would still be drawn first (none are left), and the ``library_*`` pages fill the rest without a
cap, i.e. the draw is a plain random sample of 40 of the remaining medical-library pages.

    .venv/bin/python bench/data/realsample5/sample.py > bench/data/realsample5/sample.tsv
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

# bench/data is not a package: the shared draw module sits one folder up
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from realsample_draw import BRATTON, HELMS, TUNED, earlier_samples, main

EARLIER = earlier_samples("realsample", "realsample2", "realsample3", "realsample4")
SEED = 5555
TOTAL = 40
# no library cap: only library pages are left after the fourth sample
SITES = (HELMS, replace(BRATTON, stratify=True, tuned=TUNED))

if __name__ == "__main__":
    sys.exit(main(SITES, seed=SEED, total=TOTAL, earlier=EARLIER))
