"""The Prefect flow (content_audit/flows/audit_site.py, and the flows/ entry point that
prefect.yaml names) under prefect_test_harness, on Dask, and scheduled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_pipeline import (
    SCORED_CODES,
    ServedSite,
    assert_counts_match_findings,
    by_url,
    check_demo_site_findings,
    read_csv,
    serve_demo_copy,
    serve_sitegen,
    site_findings_vs_truth,
    teaser_pairs,
)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API (SQLite) for the flow tests of this module.

    Not for the session: while the API runs, Prefect's events client keeps a websocket to
    it whose keepalive pings draw from the global ``random`` in a background thread, and
    Hypothesis (``test_fuzz.py``, which runs next) rightly warns when the global random
    state changes while it generates an example.  Stopping the API closes the websocket.
    """
    from content_audit.flows import set_prefect_env_defaults

    set_prefect_env_defaults()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    # A sitegen site (../shared/sitegen): serve_sitegen skips with the reason without it.
    yield from serve_sitegen(tmp_path_factory.mktemp("flowsite"), 60, seed=3)


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The bundled demo site (sitegen's truth.csv, no truth_links.csv): needs nothing
    beside the clone, so it is never skipped."""
    yield from serve_demo_copy(tmp_path_factory.mktemp("flowdemo"))


def _check_pages(out: Path, site: ServedSite) -> None:
    """inventory.csv, pages.csv and findings.csv against the site's truth.csv."""
    truth = site.truth()
    inventory = by_url(read_csv(out / "inventory.csv"))
    pages = by_url(read_csv(out / "pages.csv"))
    for row in truth:
        assert row["url"] in inventory
        if row["robots_disallowed"] == "1":
            assert inventory[row["url"]]["error"] == "robots"
            assert row["url"] not in pages
        else:
            assert inventory[row["url"]]["status"] == "200"
            assert row["url"] in pages
    findings = read_csv(out / "findings.csv")
    for row in truth:
        if row["robots_disallowed"] == "0" and row["has_meta_description"] == "0":
            codes = {f["code"] for f in findings if f["url"] == row["url"]}
            assert "meta_description_missing" in codes, row["url"]


def _check_reports(out: Path, site: ServedSite) -> None:
    """Everything against sitegen's truth: pages, teasers, the planted cross-page defects."""
    _check_pages(out, site)
    assert site.teasers() <= teaser_pairs(out)
    # The cross-page checks ran in the flow (digests from the audit tasks, wherever those
    # ran) and their findings reached findings.csv before it was committed.
    want, got = site_findings_vs_truth(out, site)
    for code in SCORED_CODES:
        assert want[code], f"sitegen planted no {code} on this site"
        assert got[code] == want[code], code
    assert_counts_match_findings(out)


@pytest.mark.slow
def test_flow_writes_the_four_csvs_and_artifacts(
    prefect_harness: None, site: ServedSite, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client

    from content_audit.flows.audit_site import run_audit_site, summary_markdown

    summary = run_audit_site(
        site.base_url + "/", reports_root=tmp_path, overrides={"crawl.batch_size": 25}
    )
    out = summary.out_dir
    assert out.parent.parent == tmp_path
    assert (out.parent / "latest").resolve() == out.resolve()
    _check_reports(out, site)
    assert summary.audited == sum(1 for r in site.truth() if r["robots_disallowed"] == "0")
    assert dict(summary.site_findings)["teaser_self"] >= 1
    assert not list(out.glob(".site-digests.*"))  # the digests' scratch file is gone

    async def artifact_keys() -> set[str]:
        async with get_client() as client:
            return {a.key for a in await client.read_artifacts() if a.key}

    async def task_names() -> set[str]:
        async with get_client() as client:
            return {t.name.rsplit("-", 1)[0] for t in await client.read_task_runs()}

    import asyncio

    assert {"site-audit-summary", "worst-pages", "report-folder"} <= asyncio.run(artifact_keys())
    assert {"discover", "audit-batch", "site-checks"} <= asyncio.run(task_names())
    assert "teaser_self: " in summary_markdown(summary)


@pytest.mark.slow
def test_flow_runs_its_audit_batches_on_dask(
    prefect_harness: None, demo_site: ServedSite, tmp_path: Path
) -> None:
    site = demo_site
    from distributed import Client, LocalCluster

    from content_audit.flows.audit_site import run_audit_site

    with (
        LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        summary = run_audit_site(
            site.base_url + "/",
            out_dir=tmp_path,
            dask_address=cluster.scheduler_address,
            overrides={"crawl.batch_size": 20},
        )
        prefixes = client.run_on_scheduler(
            lambda dask_scheduler: sorted(map(str, dask_scheduler.task_prefixes))
        )
    # The audit batches ran on the cluster; fetching stayed next to the crawler.
    assert prefixes == ["audit_batch_task"]
    _check_pages(tmp_path, site)
    check_demo_site_findings(tmp_path)
    assert summary.failed_audits == 0


@pytest.mark.slow
def test_flow_learns_the_site_template_as_the_library_path_does(
    prefect_harness: None, tmp_path: Path
) -> None:
    """One SiteTemplate in run_batches serves both paths: same pages.csv, chrome CTA gone."""
    from content_audit.config import load_config
    from content_audit.demo.server import SiteServer
    from content_audit.flows.audit_site import run_audit_site
    from content_audit.run import audit_site
    from tests.test_template import OWN_CTA, TREATMENTS, slug, write_site

    root = tmp_path / "www"
    root.mkdir()
    write_site(root)
    overrides = {"crawl.batch_size": 2, "crawl.max_batch_size": 2, "site.template_sample_pages": 6}
    with SiteServer(root) as server:
        start = server.base_url + "/"
        run_audit_site(start, out_dir=tmp_path / "flow", overrides=overrides)
        config = load_config(overrides=overrides)
        audit_site(start, config, tmp_path / "lib", workers=1)
    flow_pages = by_url(read_csv(tmp_path / "flow" / "pages.csv"))
    assert flow_pages == by_url(read_csv(tmp_path / "lib" / "pages.csv"))
    for name in TREATMENTS:
        row = flow_pages[f"{server.base_url}/{slug(name)}/"]
        assert row["consult"] == ("true" if name == OWN_CTA else "false")


@pytest.mark.slow
def test_demo_command_runs_the_flow(prefect_harness: None, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from content_audit.cli import cli
    from tests.test_demo import check_demo_reports

    result = CliRunner().invoke(cli, ["demo", "--reports", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    check_demo_reports(tmp_path / "demo" / "latest")
    check_demo_site_findings(tmp_path / "demo" / "latest")


def test_served_deployment_has_the_cron_schedule() -> None:
    from content_audit.flows.audit_site import FLOW_NAME, audit_site_flow, deployment_kwargs

    kwargs = deployment_kwargs("https://clinic.example/", "0 6 * * 1", overrides={"x": None})
    deployment = audit_site_flow.to_deployment(**kwargs)
    assert deployment.name == "audit-clinic.example"
    assert deployment.flow_name == FLOW_NAME
    assert deployment.parameters == {"start": "https://clinic.example/"}
    [schedule] = deployment.schedules
    assert schedule.schedule.cron == "0 6 * * 1"


def test_prefect_yaml_defines_the_same_scheduled_deployment() -> None:
    import yaml

    from content_audit.flows.audit_site import FLOW_NAME, audit_site_flow

    spec = yaml.safe_load((REPO / "prefect.yaml").read_text(encoding="utf-8"))
    [deployment] = spec["deployments"]
    module, _, name = deployment["entrypoint"].partition(":")
    assert (REPO / module).is_file() and name == audit_site_flow.fn.__name__
    # What `prefect deploy` and the worker do with the entrypoint: load the file by path.
    # The top-level flows/ file is a thin pointer to the installed package's flow.
    from prefect.flows import load_flow_from_entrypoint

    loaded = load_flow_from_entrypoint(f"{REPO / module}:{name}")
    assert loaded.name == FLOW_NAME and loaded.fn is audit_site_flow.fn
    assert audit_site_flow.name == FLOW_NAME
    assert [s["cron"] for s in deployment["schedules"]] == ["0 6 * * 1"]
    assert "start" in deployment["parameters"]
    assert set(deployment["parameters"]) <= set(audit_site_flow.parameters.properties)


@pytest.mark.slow
def test_latest_never_names_a_run_without_its_report(
    prefect_harness: None, site: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After every step of a flow run, ``latest`` names a run folder with report.html (the
    flow used to point it at the run in write-outputs, before write-reports)."""
    import content_audit.flows.audit_site as audit_site

    seen: list[tuple[str, Path | None]] = []

    def check_latest(step: str) -> None:
        key = site_key_of(tmp_path)
        latest = tmp_path / key / "latest" if key else None
        if latest is None or not latest.exists():
            seen.append((step, None))
            return
        assert (latest.resolve() / "report.html").is_file(), step
        seen.append((step, latest.resolve()))

    for name in ("site_checks_task", "write_outputs_task", "write_reports_task", "publish_task"):
        real = getattr(audit_site, name)

        def wrapped(*args: object, _real: object = real, _name: str = name, **kw: object) -> object:
            check_latest(_name + " before")
            result = _real(*args, **kw)  # type: ignore[operator]
            check_latest(_name + " after")
            return result

        monkeypatch.setattr(audit_site, name, wrapped)
    for _ in range(2):  # the second run finds the first one's latest
        summary = audit_site.run_audit_site(site.base_url + "/", reports_root=tmp_path)
        assert (summary.out_dir.parent / "latest").resolve() == summary.out_dir.resolve()
    named = [where for step, where in seen if where is not None]
    assert named, "latest was never there to check"
    assert ("publish_task after", summary.out_dir.resolve()) in seen


def site_key_of(root: Path) -> str | None:
    """The one site folder under a reports root, if any yet."""
    folders = [p.name for p in root.iterdir() if p.is_dir()] if root.is_dir() else []
    return folders[0] if len(folders) == 1 else None


@pytest.mark.slow
def test_the_flow_runs_the_drivers_steps_in_the_library_paths_order(
    prefect_harness: None, demo_site: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flow and ``--no-prefect`` drive one ``SiteRun`` through ``run.drive``: the same
    steps in the same order, the flow's in their tasks (``task_step``)."""
    import content_audit.flows.audit_site as audit_site
    from content_audit.run import STEPS

    from .test_run import record_steps

    tasks: list[str] = []
    real_task_step = audit_site.task_step

    def task_step(run: object, step: str) -> object:
        tasks.append(step)
        return real_task_step(run, step)  # type: ignore[arg-type]

    monkeypatch.setattr(audit_site, "task_step", task_step)
    called = record_steps(monkeypatch)
    summary = audit_site.run_audit_site(demo_site.base_url + "/", reports_root=tmp_path)
    assert called == tasks == list(STEPS)
    assert (summary.out_dir / "summary.md").is_file()


@pytest.mark.slow
def test_a_first_run_audits_while_its_api_server_starts_and_records_that_in_the_flow(
    demo_site: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #20: with no server yet (a fresh Prefect home: a first run), the run
    discovers, fetches and audits while the server starts (``run.head_start``); the flow run
    then takes it over and records that work as its ``head-start`` task run.  Every page is
    in the reports, as on the library path."""
    import time

    from prefect.client.orchestration import get_client
    from prefect.context import FlowRunContext
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_HOME,
        PREFECT_SERVER_DATABASE_CONNECTION_URL,
        temporary_settings,
    )

    import content_audit.flows.audit_site as audit_site
    from content_audit.config import load_config
    from content_audit.run import audit_site as library_audit

    start = demo_site.base_url + "/"
    # Each in a folder of its own: the history sits next to the run folder.
    library = library_audit(start, load_config(), tmp_path / "a" / "library", workers=0)
    names: list[str] = []
    heads: list[object] = []
    real_publish = audit_site.publish_artifacts_task
    real_head_task = audit_site.head_start_task

    def head_task(head: object) -> object:
        heads.append(head)
        return real_head_task(head)

    def publish(summary: object) -> None:  # last in the flow: its task runs, from the API
        real_publish(summary)
        context = FlowRunContext.get()
        assert context is not None and context.flow_run is not None
        flow_run_id = context.flow_run.id
        deadline = time.monotonic() + 30
        with get_client(sync_client=True) as client:
            while time.monotonic() < deadline:
                runs = [t for t in client.read_task_runs() if t.flow_run_id == flow_run_id]
                names[:] = sorted(t.name.rsplit("-", 1)[0] for t in runs)
                if "head-start" in names:
                    return
                time.sleep(0.2)

    monkeypatch.setattr(audit_site, "publish_artifacts_task", publish)
    monkeypatch.setattr(audit_site, "head_start_task", head_task)
    database = f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}"
    with temporary_settings(
        updates={PREFECT_SERVER_DATABASE_CONNECTION_URL: database, PREFECT_HOME: tmp_path},
        restore_defaults={PREFECT_API_URL},
    ):
        summary = audit_site.run_audit_site(start, out_dir=tmp_path / "b" / "flow", workers=1)
    (head,) = heads
    assert head.discovered and head.pages > 0 and head.failed == ""  # type: ignore[attr-defined]
    assert "head-start" in names
    assert "discover" not in names  # it ran before the flow run, in the head start
    assert (summary.audited, summary.urls) == (library.audited, library.urls)
    for name in ("pages.csv", "findings.csv"):
        assert (tmp_path / "b" / "flow" / name).read_bytes() == (
            tmp_path / "a" / "library" / name
        ).read_bytes()


@pytest.mark.slow
def test_a_run_whose_server_answers_at_once_has_no_head_start(
    prefect_harness: None, demo_site: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import content_audit.flows.audit_site as audit_site

    heads: list[object] = []
    monkeypatch.setattr(audit_site, "head_start_task", heads.append)
    summary = audit_site.run_audit_site(demo_site.base_url + "/", out_dir=tmp_path / "out")
    assert heads == [] and summary.audited > 0
