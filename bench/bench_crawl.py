#!/usr/bin/env python3
"""Throughput and memory of a whole-site audit: the library path vs the Prefect flow.

Generates a sitegen site (1,000 pages by default, seed 7) for a free loopback port, serves
it with sitegen's own stdlib server in a separate process, then audits it in a fresh
process per mode:

- ``library``: ``content_audit.run.audit_site`` (no Prefect);
- ``flow``: the ``audit-site`` Prefect flow
  (``content_audit.flows.audit_site.run_audit_site``), on a temporary (ephemeral) API
  server unless PREFECT_API_URL points at a running one;
- ``disk`` (needs ``--site OUT``, the sitegen folder): the library path with the pages read
  from ``OUT/www`` instead of HTTP (``disk_site.py``);
- ``advertools`` (``bench/run`` only): ``advertools.crawl`` of the site, for comparison.

For each it prints pages/s (audited HTML pages / wall time of the audit), the wall time,
and peak RSS: of the audit process itself (``resource.getrusage``), and the peak of the
summed RSS of its whole process tree (the audit workers and, for the flow, the temporary
API server), sampled from /proc every 0.2 s.  The Prefect
overhead ratio is flow time / library time, both for the flow body alone and for the
whole flow run including the temporary server's start-up.

    .venv/bin/python bench/bench_crawl.py [--pages 1000] [--modes library,flow] [--runs 1]
    .venv/bin/python bench/bench_crawl.py --pages 10000 --modes library   # flat memory?
    .venv/bin/python bench/bench_crawl.py --url http://127.0.0.1:8080/ --runs 3  # nginx

``parent CPU`` is the CPU time of the audit process itself (its threads, not the audit
workers nor the API server): what the crawl, the recording and Prefect's client cost.
With ``--runs N`` the modes are interleaved and the ratios are of the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITEGEN = ROOT.parent / "shared" / "sitegen" / "sitegen.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def peak_rss_mb() -> float:
    """Peak RSS in MB of this process (``ru_maxrss`` is in KB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class TreeSampler(threading.Thread):
    """Samples the summed RSS of this process and all its descendants every 0.2 s.

    ``RUSAGE_CHILDREN`` misses the audit workers: they are children of the multiprocessing
    forkserver, which is still alive when the audit returns.  /proc sees them all.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.peak_pss_kb = 0
        """Peak of the tree's summed PSS: shared pages (the audit workers share what their
        forkserver imported) counted once, split among the processes that share them."""
        self.peak_own_kb = 0
        """Peak summed RSS without a Prefect API server the run started: infrastructure,
        like nginx, and absent when the flow runs against a long-lived server."""
        self.peak_one_kb = 0
        """The largest single process seen (what ``/usr/bin/time -v`` reports, as the
        sitegen peer bench does; it is not the tree's sum)."""
        self.peak_workers = 0
        self.peak_pss_by_role: dict[str, int] = {}
        """Peak summed PSS (kB) of each kind of process: the audit ``parent``, the
        multiprocessing ``forkserver``, its ``workers``, the Prefect ``api-server``, and
        ``other`` (the resource tracker, Scrapy's children)."""
        self._ticks: dict[int, int] = {}
        """utime + stime of each descendant at its last sample (clock ticks)."""
        self._servers: set[int] = set()
        """Descendants that were a Prefect API server."""
        self.cpu_s = 0.0
        """CPU time of this thread, taken off the audit process's CPU time."""
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(0.2):
            self.sample()
        self.cpu_s = time.thread_time()

    @property
    def children_cpu_s(self) -> float:
        """CPU time of the descendants (audit workers, API server, Scrapy), as sampled: a
        process's last 0.2 s at most is missed."""
        return sum(self._ticks.values()) / os.sysconf("SC_CLK_TCK")

    @property
    def server_cpu_s(self) -> float:
        """CPU time of the Prefect API server(s) the run started, as sampled (start-up too)."""
        ticks = sum(n for pid, n in self._ticks.items() if pid in self._servers)
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self._stop_event.set()
        self.join()
        self.sample()

    def sample(self) -> None:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            pid = int(entry.name)
            parents[pid] = int(fields.get("PPid", "0").strip() or 0)
            rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
        me = os.getpid()
        tree = {me}
        changed = True
        while changed:
            changed = False
            for pid, ppid in parents.items():
                if ppid in tree and pid not in tree:
                    tree.add(pid)
                    changed = True
        self.peak_kb = max(self.peak_kb, sum(rss.get(pid, 0) for pid in tree))
        servers = {pid for pid in tree if _is_api_server(pid)}
        self._servers |= servers
        self.peak_own_kb = max(self.peak_own_kb, sum(rss.get(pid, 0) for pid in tree - servers))
        pss = {pid: _pss_kb(pid) for pid in tree}
        self.peak_pss_kb = max(self.peak_pss_kb, sum(pss.values()))
        by_role: Counter[str] = Counter()
        for pid, kb in pss.items():
            by_role[_role(pid, me, parents, servers)] += kb
        for role, kb in by_role.items():
            self.peak_pss_by_role[role] = max(self.peak_pss_by_role.get(role, 0), kb)
        for pid in tree - {me}:
            try:
                fields = (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2]
            except OSError:
                continue
            utime, stime = fields.split()[11:13]
            self._ticks[pid] = int(utime) + int(stime)
        self.peak_one_kb = max(self.peak_one_kb, *(rss.get(pid, 0) for pid in tree))
        self.peak_workers = max(self.peak_workers, len(tree) - 1)


def _pss_kb(pid: int) -> int:
    """Proportional set size of a process (0 once it is gone)."""
    try:
        rollup = (Path("/proc") / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return 0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def _role(pid: int, me: int, parents: dict[int, int], servers: set[int]) -> str:
    """What a process of the audit's tree is, for the per-role memory figures."""
    if pid == me:
        return "parent"
    if pid in servers:
        return "api-server"
    if _is_forkserver(pid):  # its workers are forks of it: the same command line
        return "workers" if _is_forkserver(parents.get(pid, 0)) else "forkserver"
    return "other"


def _cmdline(pid: int) -> bytes:
    """A process's command line (empty once it is gone)."""
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return b""


def _is_forkserver(pid: int) -> bool:
    return b"forkserver" in _cmdline(pid)


def _is_api_server(pid: int) -> bool:
    """A Prefect API server (uvicorn serving ``prefect.server``) started by the flow."""
    cmdline = _cmdline(pid)
    return b"uvicorn" in cmdline and b"prefect.server" in cmdline


def cpu_s(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


WHOLE_SITE = {"crawl.max_pages": 1_000_000, "crawl.max_depth": 1_000}
"""The shipped caps (10,000 URLs, depth 20) stop a 10k-page sitegen crawl short of its deep
archive pages (9,321 of 10,000 audited); advertools has no such caps, so the bench lifts
them and every tool crawls the whole site."""


def run_mode(
    mode: str, url: str, out: Path, workers: int | None, site: Path | None = None
) -> dict[str, object]:
    """One audit in this (fresh) process; returns its figures."""
    if mode == "advertools":
        return run_advertools(url, out)
    if mode == "disk":
        if site is None:
            raise SystemExit("disk mode needs --site (the sitegen output folder)")
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from disk_site import use_disk_site

        use_disk_site(site)
    sampler = TreeSampler()
    sampler.start()
    began = time.perf_counter()
    cpu_began = cpu_s(resource.RUSAGE_SELF)
    if mode in ("library", "disk"):
        from content_audit.config import load_config
        from content_audit.run import audit_site

        summary = audit_site(url, load_config(overrides=WHOLE_SITE), out, workers=workers)
    elif mode == "flow":
        from content_audit.flows import set_prefect_env_defaults

        set_prefect_env_defaults()
        # As `content-audit crawl` runs it: Prefect's own logs at WARNING (-v shows the
        # per-batch INFO lines, which the API server then stores too).
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        from content_audit.flows.server import prestart_shared_server
        from content_audit.pipeline import prestart_forkserver

        # As `content-audit crawl` does, before importing Prefect: the audit pool's
        # forkserver, and the shared API server if none lives.
        if workers != 0:
            prestart_forkserver()
        prestart_shared_server()
        from content_audit.flows.audit_site import run_audit_site

        summary = run_audit_site(url, out_dir=out, workers=workers, overrides=WHOLE_SITE)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    wall_s = time.perf_counter() - began
    sampler.stop()
    parent_cpu_s = cpu_s(resource.RUSAGE_SELF) - cpu_began - sampler.cpu_s
    return {
        "mode": mode,
        "pages": summary.audited,
        "urls": summary.urls,
        "wall_s": round(wall_s, 2),
        "body_s": summary.elapsed_s,
        "pages_per_s": round(summary.audited / summary.elapsed_s, 1),
        **process_figures(sampler, parent_cpu_s, summary.audited),
    }


def process_figures(sampler: TreeSampler, parent_cpu_s: float, pages: int) -> dict[str, object]:
    """Memory and CPU of one measured run: this process and its whole tree."""
    return {
        "peak_rss_mb": peak_rss_mb(),
        "peak_tree_rss_mb": round(sampler.peak_kb / 1024, 1),
        "peak_one_rss_mb": round(sampler.peak_one_kb / 1024, 1),
        "peak_tree_pss_mb": round(sampler.peak_pss_kb / 1024, 1),
        "peak_own_rss_mb": round(sampler.peak_own_kb / 1024, 1),
        "peak_pss_by_role_mb": {
            role: round(kb / 1024, 1) for role, kb in sorted(sampler.peak_pss_by_role.items())
        },
        "processes": sampler.peak_workers + 1,
        "parent_cpu_s": round(parent_cpu_s, 2),
        "tree_cpu_s": round(parent_cpu_s + sampler.children_cpu_s, 2),
        "server_cpu_s": round(sampler.server_cpu_s, 2),
        "workers_cpu_s": round(sampler.children_cpu_s - sampler.server_cpu_s, 2),
        "parent_cpu_s_per_1k": round(1000 * parent_cpu_s / max(1, pages), 2),
    }


def run_advertools(url: str, out: Path) -> dict[str, object]:
    """``advertools.crawl`` of the site in this (fresh) process, measured like ``run_mode``.

    advertools runs Scrapy in a ``scrapy runspider`` subprocess (found on PATH), which the
    tree sampler includes.  ``pages`` counts the rows of its output with status 200 and an
    HTML content type; ``body_s`` is Scrapy's own ``elapsed_time_seconds`` (from the first
    request to the end, without the subprocess's start-up), as content-audit's ``body_s``
    is the audit without the process start-up.
    """
    import advertools as adv

    out.mkdir(parents=True, exist_ok=True)
    output, log_file = out / "crawl.jl", out / "scrapy.log"
    sampler = TreeSampler()
    sampler.start()
    began = time.perf_counter()
    cpu_began = cpu_s(resource.RUSAGE_SELF)
    adv.crawl(
        url,
        str(output),
        follow_links=True,
        allowed_domains=["127.0.0.1"],
        custom_settings={"LOG_FILE": str(log_file)},
    )
    wall_s = time.perf_counter() - began
    sampler.stop()
    parent_cpu_s = cpu_s(resource.RUSAGE_SELF) - cpu_began - sampler.cpu_s
    rows = pages = 0
    if output.is_file():
        with output.open(encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                row = json.loads(line)
                rows += 1
                content_type = str(row.get("resp_headers_Content-Type") or "")
                if row.get("status") == 200 and "html" in content_type.lower():
                    pages += 1
    elapsed = None
    if log_file.is_file():
        for line in log_file.read_text(encoding="utf-8", errors="replace").splitlines():
            if "'elapsed_time_seconds':" in line:
                elapsed = float(line.split(":", 1)[1].strip().rstrip(",}"))
    body_s = elapsed if elapsed else wall_s
    return {
        "mode": "advertools",
        "pages": pages,
        "urls": rows,
        "wall_s": round(wall_s, 2),
        "body_s": round(body_s, 3),
        "pages_per_s": round(pages / body_s, 1) if body_s else 0.0,
        **process_figures(sampler, parent_cpu_s, pages),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--modes", default="library,flow")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None, help="audit processes")
    parser.add_argument(
        "--url", help="audit a site already served here (e.g. by nginx) instead of generating one"
    )
    parser.add_argument("--site", type=Path, help="sitegen output folder (disk mode)")
    parser.add_argument("--run", nargs=3, metavar=("MODE", "URL", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        mode, url, out = args.run
        print(json.dumps(run_mode(mode, url, Path(out), args.workers, args.site)), flush=True)
        if mode != "advertools":
            from content_audit.cli import skip_final_collection

            skip_final_collection()  # as the content-audit command does before it exits
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        tmp_dir = Path(tmp)
        results = run_all(args, args.url, tmp_dir) if args.url else serve_and_run(args, tmp_dir)
    report(results)
    return 0


def serve_and_run(args: argparse.Namespace, tmp: Path) -> list[dict[str, object]]:
    """Generate the site, serve it with sitegen's stdlib server, run every mode."""
    if not SITEGEN.is_file():
        sys.exit(f"sitegen not found at {SITEGEN}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    site = tmp / "site"
    subprocess.run(
        [
            sys.executable,
            str(SITEGEN),
            "-n",
            str(args.pages),
            "-s",
            str(args.seed),
            "-o",
            str(site),
            "--base-url",
            base,
            "-q",
        ],
        check=True,
    )
    server = subprocess.Popen(
        [sys.executable, str(SITEGEN), "--serve", str(site), "--port", str(port), "-q"],
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(base + "/robots.txt")
        return run_all(args, base + "/", tmp)
    finally:
        server.terminate()
        server.wait(timeout=10)


def run_all(args: argparse.Namespace, url: str, tmp: Path) -> list[dict[str, object]]:
    """Each mode ``--runs`` times, interleaved, each in a fresh process."""
    results: list[dict[str, object]] = []
    # This tree's sources first, whatever the venv has installed.
    pythonpath = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    for run in range(args.runs):
        for mode in args.modes.split(","):
            out = tmp / f"report-{mode}-{run}"
            cmd = [sys.executable, __file__, "--run", mode, url, str(out)]
            if args.workers is not None:
                cmd += ["--workers", str(args.workers)]
            done = subprocess.run(
                cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": pythonpath}
            )
            if done.returncode != 0:
                sys.stderr.write(done.stderr[-4000:])
                raise SystemExit(f"{mode} run failed (exit {done.returncode})")
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(figures)
            print(
                f"{mode:8s} {figures['pages']:6d} pages  "
                f"{figures['pages_per_s']:7.1f} pages/s  audit {figures['body_s']:6.2f} s  "
                f"process {figures['wall_s']:6.2f} s  parent CPU {figures['parent_cpu_s']:6.2f} s "
                f"({figures['parent_cpu_s_per_1k']:.2f} s/1k pages)  "
                f"peak RSS {figures['peak_rss_mb']} MB"
                f" (all {figures['processes']} processes: {figures['peak_tree_rss_mb']} MB)",
                flush=True,
            )
    return results


def report(results: list[dict[str, object]]) -> None:
    """Medians per mode, and the flow / library ratios of the medians."""
    by_mode: dict[str, list[dict[str, object]]] = {}
    for r in results:
        by_mode.setdefault(str(r["mode"]), []).append(r)

    def median(mode: str, key: str) -> float:
        return statistics.median(float(r[key]) for r in by_mode[mode])  # type: ignore[arg-type]

    if len(results) > len(by_mode):
        for mode in by_mode:
            print(
                f"median {mode:8s} audit {median(mode, 'body_s'):6.2f} s  "
                f"process {median(mode, 'wall_s'):6.2f} s  "
                f"parent CPU {median(mode, 'parent_cpu_s_per_1k'):.2f} s/1k pages"
            )
    if "library" in by_mode and "flow" in by_mode:
        print(
            f"Prefect overhead: flow body / library = "
            f"{median('flow', 'body_s') / median('library', 'body_s'):.2f}x; whole flow run "
            f"(with API server start-up, unless PREFECT_API_URL is set) / library = "
            f"{median('flow', 'wall_s') / median('library', 'wall_s'):.2f}x"
        )


if __name__ == "__main__":
    sys.exit(main())
