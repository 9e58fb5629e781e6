#!/usr/bin/env python3
"""What the cross-page checks cost the parent process of a site audit: memory and CPU.

Runs the library path (``run.audit_site``) on a sitegen folder read from disk
(``disk_site.py``, no server needed) with ``pipeline.run_site_checks`` wrapped, and prints
one JSON line:

- ``check_cpu_s``: CPU time of ``run_site_checks`` (the checks and writing their findings);
- ``parent_cpu_s``: CPU time of this process for the whole run (workers not included);
- ``rss_at_checks_mb``, ``peak_rss_before_checks_mb``: this process's resident set at the
  start of the checks and its peak until then; ``peak_rss_after_checks_mb``: the peak
  when the checks are done; ``peak_rss_mb``: the peak over the run (the reports too);
- with ``--trace``: ``traced_mb`` (tracemalloc's current total at the start of the checks),
  ``crawl_peak_mb`` (its peak until then), ``check_peak_mb`` (its peak during the checks),
  ``top`` (the largest allocation sites at the start of the checks).  Tracing slows the
  parent several times over, so CPU figures of a traced run are not comparable: measure
  them in a run without ``--trace``.

    PYTHONPATH=src:. .venv/bin/python bench/probe_site_checks.py bench/.sites/n1000-s7 \
        /tmp/out [--trace] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

WHOLE_SITE = {"crawl.max_pages": 1_000_000, "crawl.max_depth": 1_000}


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="sitegen output folder (with www/)")
    parser.add_argument("out", type=Path, help="report folder (emptied first)")
    parser.add_argument("--trace", action="store_true", help="tracemalloc the parent")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from disk_site import use_disk_site

    from content_audit import pipeline, run
    from content_audit.config import load_config

    use_disk_site(args.site)
    figures: dict[str, Any] = {}
    checks = pipeline.run_site_checks

    def probed(site: Any, config: Any, writer: Any) -> Any:
        if args.trace:
            current, peak = tracemalloc.get_traced_memory()
            figures["traced_mb"] = round(current / 2**20, 2)
            figures["crawl_peak_mb"] = round(peak / 2**20, 2)
            stats = tracemalloc.take_snapshot().statistics("lineno")[: args.top]
            figures["top"] = [
                f"{s.size / 2**20:.2f} MB {s.traceback[0].filename.rsplit('/', 2)[-1]}:"
                f"{s.traceback[0].lineno}"
                for s in stats
            ]
        figures["pages_indexed"] = len(site.index)
        figures["rss_at_checks_mb"], figures["peak_rss_before_checks_mb"] = _rss_mb()
        if args.trace:
            tracemalloc.reset_peak()
        began = time.process_time()
        result = checks(site, config, writer)
        figures["check_cpu_s"] = round(time.process_time() - began, 3)
        figures["peak_rss_after_checks_mb"] = _rss_mb()[1]
        if args.trace:
            figures["check_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 2)
        return result

    pipeline.run_site_checks = probed  # type: ignore[assignment]
    shutil.rmtree(args.out, ignore_errors=True)
    if args.trace:
        tracemalloc.start()
    began = cpu_s()
    summary = run.audit_site(
        _start(args.site),
        load_config(overrides=WHOLE_SITE),
        args.out,
        workers=args.workers,
    )
    figures["parent_cpu_s"] = round(cpu_s() - began, 2)
    if args.trace:
        tracemalloc.stop()
    figures["audited"] = summary.audited
    figures["site_findings"] = sum(n for _, n in summary.site_findings)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(figures))


def _rss_mb() -> tuple[float, float]:
    """This process's resident set now and its peak so far (VmRSS, VmHWM), in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return tuple(  # type: ignore[return-value]
        round(int(fields[key].split()[0]) / 1024, 1) for key in ("VmRSS", "VmHWM")
    )


def _start(site: Path) -> str:
    """The origin the sitegen site was generated for (its pages link to it)."""
    base = json.loads((site / "manifest.json").read_text(encoding="utf-8"))["base_url"]
    return base.rstrip("/") + "/"


if __name__ == "__main__":
    main()
