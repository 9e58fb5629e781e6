#!/usr/bin/env python3
"""Draw the fourth real-site label sample: any helms-performance candidates left, bratton to 40.

Candidates are found as for the third sample (``bench/data/realsample3/sample.py``): a
breadth-first walk over the ``<a href>`` links of the served files (root-relative or relative,
same host), from ``/`` on helms-performance and from ``/desktop/`` on bratton-pt (scope
``/desktop/``); 404 pages, feeds, sitemaps and robots are skipped.  Excluded: every page in
``../shared/corpus/labels.tsv``, every page of the first, second and third samples
(``bench/data/realsample/sample.tsv``, ``bench/data/realsample2/sample.tsv``,
``bench/data/realsample3/sample.tsv``) and the bratton pages looked at while tuning
(``TUNED``, as listed in ``bench/data/realsample2/README.md``, unchanged).
The sorted candidate lists are sampled with ``random.Random(4444)``, one generator: all helms
candidates first (drawn in random order; none are expected to be left), then bratton to make
40, stratified: at most ``MAX_LIBRARY`` medical-library pages (``library_*``), drawn after the
rest are drawn from bratton's other pages (services, conditions, about, ...); if there are too
few other pages, all are taken and the library pages fill the rest.

    .venv/bin/python bench/data/realsample4/sample.py > bench/data/realsample4/sample.tsv
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

# bench/data is not a package: the shared draw module sits one folder up
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from realsample_draw import BRATTON, HELMS, TUNED, earlier_samples, main

EARLIER = earlier_samples("realsample", "realsample2", "realsample3")
SEED = 4444
TOTAL = 40
MAX_LIBRARY = 15
SITES = (HELMS, replace(BRATTON, stratify=True, max_library=MAX_LIBRARY, tuned=TUNED))

if __name__ == "__main__":
    sys.exit(main(SITES, seed=SEED, total=TOTAL, earlier=EARLIER))
