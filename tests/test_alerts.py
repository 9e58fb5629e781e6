"""One alert per regressed flow run, through a real Prefect notification block
(``CustomWebhookNotificationBlock``) posting to a receiver on 127.0.0.1; none for an
unchanged re-run; a failing webhook never fails the audit."""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from content_audit.alerts import build_digest, regression_of

from .test_decisions import demo_site  # noqa: F401  (fixture)

TITLE = re.compile(r"<title>[^<]*</title>")
EDITED = "blog/dry-needling-benefits-uses-and-recovery-for-long-term-relief"
HARD = " ".join(
    ["Interdisciplinary musculoskeletal rehabilitation methodologies incorporating"]
    + ["neuromuscular electrophysiological considerations, biomechanical"] * 12
    + ["characterization, and individualized therapeutic prioritization."]
)


def test_digest_counts_and_ranks_by_importance() -> None:
    changes = [
        SimpleNamespace(url="/a/", change="finding_new", after="title_missing", before=""),
        SimpleNamespace(url="/a/", change="score_changed", before="90", after="80"),
        SimpleNamespace(url="/b/", change="element_lost", before="present", after="absent"),
        SimpleNamespace(url="/c/", change="score_changed", before="70", after="75"),
        SimpleNamespace(url="/d/", change="finding_new", after="teaser_dead", before=""),
    ]
    assert regression_of(changes[3]) is None
    digest = build_digest(
        "clinic", changes, {"/b/": 9, "/a/": 3}, "file:///r.html", index_of={"/b/": 4}
    )
    assert digest is not None
    assert dict(digest.counts)["new errors"] == 1
    assert dict(digest.counts)["pages that got worse"] == 1
    assert dict(digest.counts)["teasers gone dead"] == 1
    assert [p[0] for p in digest.pages] == ["/b/", "/a/", "/d/"]
    assert digest.pages[0][3] == "file:///r.html#page-4"
    assert build_digest("clinic", changes[3:4], {}, "") is None


class _Receiver(http.server.BaseHTTPRequestHandler):
    bodies: list[dict[str, str]]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.bodies.append(json.loads(self.rfile.read(length) or b"{}"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, str]]]]:
    bodies: list[dict[str, str]] = []
    handler = type("Handler", (_Receiver,), {"bodies": bodies})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", bodies
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def prefect_harness() -> Iterator[None]:
    from content_audit.flows import set_prefect_env_defaults

    set_prefect_env_defaults()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


def _save_block(name: str, url: str) -> str:
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    CustomWebhookNotificationBlock(
        name="clinic",
        url=url,
        json_data={"subject": "{{subject}}", "body": "{{body}}"},
        allow_private_urls=True,
    ).save(name, overwrite=True)
    return f"custom-webhook/{name}"


def test_one_alert_per_regressed_flow_run(
    prefect_harness: None,
    demo_site: tuple[str, Path],  # noqa: F811
    receiver: tuple[str, list[dict[str, str]]],
    tmp_path: Path,
) -> None:
    from content_audit.flows.audit_site import run_audit_site, summary_markdown

    base, www = demo_site
    hook, bodies = receiver
    block = _save_block("clinic-alerts", hook)

    def run(n: int, block: str = block) -> object:
        return run_audit_site(
            base + "/",
            out_dir=str(tmp_path / f"run{n}"),
            overrides={"crawl.delay_s": 0, "alerts.block": block},
            workers=0,
            site_name="clinic",
        )

    run(1)
    second = run(2)  # unchanged: no message
    assert bodies == []
    assert second.alert_markdown == ""  # type: ignore[attr-defined]
    page = www / EDITED / "index.html"
    html = TITLE.sub("", page.read_text("utf-8"), count=1)
    first = html.index("<p>", html.index("<h1"))
    page.write_text(html[:first] + "<p>" + HARD + "</p>" + html[first:], "utf-8")
    third = run(3)
    assert len(bodies) == 1
    body = bodies[0]["body"]
    url = f"{base}/{EDITED}/"
    assert "- new errors: 1" in body
    assert "- pages that got worse: 1" in body
    assert url in body and "#page-" in body
    assert "content-audit: clinic regressed" in bodies[0]["subject"]
    assert body in summary_markdown(third)  # type: ignore[arg-type]
    # a webhook that fails: the audit still completes, the warning is in the artifact
    other = www / "blog/exploring-effective-treatments-for-hammertoes/index.html"
    other.write_text(TITLE.sub("", other.read_text("utf-8"), count=1), "utf-8")
    dead = _save_block("dead-hook", "http://127.0.0.1:9/hook")
    fourth = run(4, dead)
    assert fourth.audited > 0  # type: ignore[attr-defined]
    assert "Warning: alert not sent" in summary_markdown(fourth)  # type: ignore[arg-type]
    assert len(bodies) == 1
