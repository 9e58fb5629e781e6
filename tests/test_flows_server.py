"""content_audit/flows/server.py: the temporary API server a flow run gets when none is
configured."""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from content_audit.flows import set_prefect_env_defaults

set_prefect_env_defaults()

from prefect import flow, task  # noqa: E402
from prefect.settings import (  # noqa: E402
    PREFECT_API_URL,
    PREFECT_SERVER_DATABASE_CONNECTION_URL,
    temporary_settings,
)

from content_audit.flows.server import SERVER_NICENESS, temporary_api_server  # noqa: E402


@task
def double(x: int) -> int:
    return 2 * x


@flow(name="server-probe")
def probe_flow() -> int:
    return sum(double(i) for i in range(3))


def test_a_configured_api_is_used_and_no_server_started() -> None:
    url = "http://127.0.0.1:9/api"
    with temporary_settings(updates={PREFECT_API_URL: url}), temporary_api_server() as got:
        assert got == url


@pytest.mark.slow
def test_the_temporary_server_records_the_run_and_stops(tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}"
    with temporary_settings(
        updates={PREFECT_SERVER_DATABASE_CONNECTION_URL: database},
        restore_defaults={PREFECT_API_URL},
    ):
        modules_before = "prefect.server.api.server" in sys.modules
        with temporary_api_server(timeout_s=120) as api_url:
            assert api_url and api_url.startswith("http://127.0.0.1:")
            assert PREFECT_API_URL.value() == api_url
            # Its bookkeeping yields the CPU to the audit (its process listens on the port).
            server_pid = _listening_pid(int(api_url.split(":")[2].split("/")[0]))
            assert os.getpriority(os.PRIO_PROCESS, server_pid) == (
                os.getpriority(os.PRIO_PROCESS, 0) + SERVER_NICENESS
            )
            assert probe_flow() == 6
            from prefect.client.orchestration import get_client

            with get_client(sync_client=True) as client:
                runs = client.read_flow_runs()
                assert [r.state_name for r in runs] == ["Completed"]
                assert len(client.read_task_runs()) == 3
        # The flow's process never imported Prefect's server to get one.
        assert ("prefect.server.api.server" in sys.modules) == modules_before
        assert PREFECT_API_URL.value() is None
    with pytest.raises((urllib.error.URLError, OSError)):
        urllib.request.urlopen(f"{api_url}/health", timeout=2)
    assert (tmp_path / "prefect.db").is_file()


def _listening_pid(port: int) -> int:
    """The child process of this one that listens on ``port`` (from /proc)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                    inode = fields[9]
    assert inode is not None, f"nothing listens on {port}"
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            links = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in fds}
        except OSError:
            continue
        if f"socket:[{inode}]" in links:
            return int(pid)
    raise AssertionError(f"no process owns the socket on {port}")


def test_the_shared_server_is_kept_15_minutes_unless_told() -> None:
    from content_audit.flows.server import SHARED_SERVER_KEEP_S, shared_server_keep_s

    assert shared_server_keep_s({}) == SHARED_SERVER_KEEP_S == 900.0
    assert shared_server_keep_s({"CONTENT_AUDIT_PREFECT_SERVER_KEEP_S": "0"}) == 0.0
    assert shared_server_keep_s({"CONTENT_AUDIT_PREFECT_SERVER_KEEP_S": "30"}) == 30.0


def test_the_keeper_waits_for_live_leases_and_a_quiet_spell(tmp_path: Path) -> None:
    from content_audit.flows import server_keeper

    state = tmp_path / "state.json"
    assert server_keeper.idle(state, 60)  # no state file: nobody can find the server
    state.write_text("{}")
    assert not server_keeper.idle(state, 60)  # just used
    os.utime(state, (0, 0))
    assert server_keeper.idle(state, 60)
    leases = server_keeper.leases_of(state)
    leases.mkdir()
    (leases / str(os.getpid())).touch()
    assert not server_keeper.idle(state, 60)  # a run holds a lease
    (leases / str(os.getpid())).unlink()
    (leases / "999999999").touch()  # a run that died without giving its lease back
    assert server_keeper.idle(state, 60)
    assert not (leases / "999999999").exists()


@pytest.mark.slow
def test_the_shared_server_serves_later_runs_then_stops_when_unused(tmp_path: Path) -> None:
    from prefect.settings import PREFECT_HOME

    database = f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}"
    with temporary_settings(
        updates={PREFECT_SERVER_DATABASE_CONNECTION_URL: database, PREFECT_HOME: tmp_path},
        restore_defaults={PREFECT_API_URL},
    ):
        with temporary_api_server(timeout_s=120, keep_s=4) as first:
            assert first and PREFECT_API_URL.value() == first
            assert probe_flow() == 6
        # Still there after the run: the next run uses it, no start-up.
        with urllib.request.urlopen(f"{first}/health", timeout=5) as response:
            assert response.status == 200
        with temporary_api_server(timeout_s=120, keep_s=4) as second:
            assert second == first
            assert probe_flow() == 6
            from prefect.client.orchestration import get_client

            with get_client(sync_client=True) as client:
                assert len(client.read_flow_runs()) == 2
        assert PREFECT_API_URL.value() is None
        # Unused for keep_s seconds: its keeper stops it and removes the state file.
        deadline = time.monotonic() + 60
        while list(tmp_path.glob("content-audit-server-*.json")) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not list(tmp_path.glob("content-audit-server-*.json"))
    with pytest.raises((urllib.error.URLError, OSError)):
        urllib.request.urlopen(f"{first}/health", timeout=2)
