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
from prefect.logging import get_run_logger  # noqa: E402
from prefect.settings import (  # noqa: E402
    PREFECT_API_URL,
    PREFECT_SERVER_DATABASE_CONNECTION_URL,
    temporary_settings,
)
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from content_audit.flows.server import (  # noqa: E402
    SERVER_NICENESS,
    _drain_workers,
    temporary_api_server,
)


@task
def double(x: int) -> int:
    return 2 * x


@flow(name="server-probe")
def probe_flow() -> int:
    return sum(double(i) for i in range(3))


@task
def logged_triple(x: int) -> int:
    get_run_logger().info("tripling %d", x)
    return 3 * x


@flow(name="thread-probe", task_runner=ThreadPoolTaskRunner(max_workers=2))
def thread_probe() -> int:
    """Tasks run in the task runner's threads, each sending a log line: what the audit
    batches of ``audit-site`` do."""
    return sum(future.result() for future in [logged_triple.submit(i) for i in range(4)])


@flow(name="heartbeat-probe")
def heartbeat_probe() -> int | None:
    """The heartbeat interval the flow engine reads for this run (``None``: no heartbeats)."""
    from prefect.settings import get_current_settings

    return get_current_settings().flows.heartbeat_frequency


def test_a_configured_api_is_used_and_no_server_started() -> None:
    from prefect.settings import get_current_settings

    url = "http://127.0.0.1:9/api"
    waits: list[bool] = []
    with (
        temporary_settings(updates={PREFECT_API_URL: url}),
        temporary_api_server(while_starting=lambda ready: waits.append(True)) as got,
    ):
        assert got == url
        assert waits == []  # no server of ours to wait for
        # A configured server may run a zombie-run automation: Prefect's heartbeats stay.
        assert get_current_settings().flows.heartbeat_frequency == 180


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
            # Tasks in other threads, and their logs, reach this server through Prefect's
            # public settings alone (no process-global settings context is swapped).
            assert thread_probe() == 18
            # No heartbeats on a temporary server (``NO_HEARTBEATS``): the run's engine
            # reads the interval from its settings, which say none.
            assert heartbeat_probe() is None
            from prefect.client.orchestration import get_client

            with get_client(sync_client=True) as client:
                runs = client.read_flow_runs()
                assert sorted(r.state_name for r in runs) == ["Completed"] * 3
                assert len(client.read_task_runs()) == 7
                _drain_workers()  # the log lines are sent in the background
                messages = [entry.message for entry in client.read_logs()]
                assert sorted(m for m in messages if m.startswith("tripling")) == [
                    f"tripling {i}" for i in range(4)
                ]
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


def test_a_test_s_crawl_gets_a_server_of_its_own_not_the_shared_one() -> None:
    """conftest sets the keep time to 0 for every test (``_clean_env`` removed it with the
    other CONTENT_AUDIT_* variables: a test's `content-audit crawl` then left a shared
    server and its keeper for 900 s in ~/.prefect)."""
    assert os.environ["CONTENT_AUDIT_PREFECT_SERVER_KEEP_S"] == "0"


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
        waits: list[str] = []
        with temporary_api_server(
            timeout_s=120, keep_s=4, while_starting=lambda ready: waits.append("first")
        ) as first:
            assert first and PREFECT_API_URL.value() == first
            assert probe_flow() == 6
        # The first run waited for its server to start, and used the wait (once).
        assert waits == ["first"]
        # Still there after the run: the next run uses it, no start-up.
        with urllib.request.urlopen(f"{first}/health", timeout=5) as response:
            assert response.status == 200
        with temporary_api_server(
            timeout_s=120, keep_s=4, while_starting=lambda ready: waits.append("second")
        ) as second:
            assert second == first
            assert waits == ["first"]  # it answered at once: nothing to wait for
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


# ------------------------------------------------------------------ process hygiene (#19)


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat's fields after the command name (state first), or None when gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def _live(pids: set[int]) -> set[int]:
    return {pid for pid in pids if (fields := _stat(pid)) is not None and fields[0] != "Z"}


def _tree(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (zombies left out)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*"):
        fields = _stat(int(stat.name))
        if fields is not None and fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(stat.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.add(child)
            todo.append(child)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize(
    "path",
    ["library", "flow, a server of its own", "flow, the shared server"],
)
def test_after_sigkill_of_a_crawl_nothing_of_its_tree_is_alive_5_s_later(
    tmp_path: Path, path: str
) -> None:
    """SIGKILL of ``content-audit crawl`` alone (not its group): its audit workers, their
    forkserver, multiprocessing's resource tracker and, on the flow, its own API server
    are gone 5 s later.  The shared API server is none of them: its keeper is in a session
    of its own, outside the crawl's tree; it outlives the crawl, then ends by itself once
    unused for its keep time (here 3 s), with its server."""
    import json
    import signal
    import subprocess

    from .faultserver import FaultServer

    keep = "3" if "shared" in path else "0"
    home = tmp_path / "prefect-home"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "CONTENT_AUDIT_PREFECT_SERVER_KEEP_S": keep,
    }
    env.pop("PREFECT_API_URL", None)
    command = [
        str(Path(sys.executable).with_name("content-audit")),
        "crawl",
        "",
        "--workers",
        "2",
        "--out",
        str(tmp_path / "run"),
    ]
    if path == "library":
        command.append("--no-prefect")
    with FaultServer(robots="plain") as server:
        server.drop_sitemaps()
        server.page("/", [f"/slow?n={n}" for n in range(40)])
        command[2] = server.url("/")
        crawl = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        tree: set[int] = set()
        keeper = 0
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and crawl.poll() is None:
                tree = _tree(crawl.pid)
                pool = [pid for pid in tree if "forkserver" in _cmdline(pid)]
                if len(pool) >= 3:  # the forkserver and 2 workers: the audit is on
                    break
                time.sleep(0.2)
            assert crawl.poll() is None, "the crawl ended before it could be killed"
            time.sleep(0.5)
            tree = _tree(crawl.pid)
            roles = {pid: _cmdline(pid) for pid in tree}
            assert sum("forkserver" in c for c in roles.values()) >= 3, roles
            assert any("resource_tracker" in c for c in roles.values()), roles
            own_server = [pid for pid, c in roles.items() if "prefect.server.api" in c]
            assert len(own_server) == (1 if path == "flow, a server of its own" else 0), roles
            if keep != "0":
                (state,) = home.glob("content-audit-server-*.json")
                keeper = int(json.loads(state.read_text())["pid"])
                assert keeper not in tree
                assert _live({keeper}) == {keeper}
                # A session of its own: Ctrl-C or a signal to the crawl's group misses it.
                assert os.getsid(keeper) == keeper != os.getsid(crawl.pid)
            crawl.send_signal(signal.SIGKILL)
            crawl.wait(10)
            deadline = time.monotonic() + 5
            while _live(tree) and time.monotonic() < deadline:
                time.sleep(0.1)
            left = {pid: _cmdline(pid) for pid in _live(tree)}
            assert not left, left
            if keeper:
                assert _live({keeper}) == {keeper}  # the shared server outlives the crawl...
                served = _tree(keeper)
                assert any("prefect.server.api" in _cmdline(pid) for pid in served)
                deadline = time.monotonic() + 90  # ...and ends by itself, unused (3 s)
                while _live({keeper} | served) and time.monotonic() < deadline:
                    time.sleep(0.5)
                assert not _live({keeper} | served)
                assert not list(home.glob("content-audit-server-*.json"))
        finally:
            crawl.kill()
            for pid in _live(tree | ({keeper} if keeper else set())):
                os.kill(pid, signal.SIGKILL)


# ------------------------------------------------------------------ the template database (#20)


def test_the_shipped_prefect_template_is_for_the_installed_prefect() -> None:
    """The seam: a template is used only by the Prefect version that made it.  When the
    project moves to another Prefect, rebuild it (the old one would be ignored, and every
    first run would create its database again)."""
    import prefect

    from content_audit.flows import template_db

    version = template_db.prefect_version()
    assert version == prefect.__version__
    assert template_db.find_template(version) == (
        template_db.PACKAGE_DATA / f"prefect-template-{version}.db.gz"
    ), f"run scripts/build_prefect_template.py for Prefect {version}"


def test_a_database_that_exists_or_is_not_a_sqlite_file_is_left_to_prefect(
    tmp_path: Path,
) -> None:
    from content_audit.flows import template_db

    class Settings:
        def __init__(self, url: str) -> None:
            self.server = type("S", (), {"database": type("D", (), {"connection_url": url})})

    existing = tmp_path / "prefect.db"
    existing.write_bytes(b"theirs")
    assert template_db.seed(Settings(f"sqlite+aiosqlite:///{existing}"), "3.9.1") is None
    assert existing.read_bytes() == b"theirs"
    assert template_db.seed(Settings("postgresql+asyncpg://u:p@h/prefect"), "3.9.1") is None
    assert template_db.seed(Settings("sqlite+aiosqlite:///:memory:"), "3.9.1") is None
    # No template for this version: nothing copied, the server creates the database.
    fresh = tmp_path / "fresh" / "prefect.db"
    seeding = template_db.seed(Settings(f"sqlite+aiosqlite:///{fresh}"), "0.0-none")
    assert seeding == template_db.Seeding(fresh, None) and not fresh.exists()


@pytest.mark.slow
def test_a_fresh_prefect_home_gets_the_template_and_records_runs_in_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from prefect.settings import PREFECT_HOME

    from content_audit.flows import template_db

    home = tmp_path / "home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with (
        temporary_settings(
            updates={PREFECT_HOME: home},
            restore_defaults={PREFECT_API_URL, PREFECT_SERVER_DATABASE_CONNECTION_URL},
        ),
        temporary_api_server(timeout_s=120) as api_url,
    ):
        assert api_url
        assert probe_flow() == 6
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs()  # the template had none
            assert [r.state_name for r in runs] == ["Completed"]
    database = home / "prefect.db"
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 50
    # A template was there: nothing was written to the cache.
    assert not (tmp_path / "cache").exists()
    # Without one (another Prefect version), the database a server created becomes the
    # cached template of that version, for the next fresh home.
    seeding = template_db.Seeding(database, None)
    made = template_db.remember(seeding, "0.0-test")
    assert made == tmp_path / "cache" / "content-audit" / "prefect-template-0.0-test.db"
    assert template_db.find_template("0.0-test") == made
    with sqlite3.connect(made) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert template_db.remember(seeding, "0.0-test") is None  # made once


# ------------------------------------------------------------------ started before Prefect (#20)


def test_the_shared_server_is_prestarted_only_when_the_environment_decides_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from content_audit.flows.server import _guess_shared_state, state_file

    monkeypatch.chdir(tmp_path)
    home = tmp_path / "home"
    env = {"PREFECT_HOME": str(home), "PREFECT_LOGGING_LEVEL": "WARNING"}
    assert _guess_shared_state(env) == (
        state_file(home, f"sqlite+aiosqlite:///{home}/prefect.db"),
        f"sqlite+aiosqlite:///{home}/prefect.db",
    )
    for name, value in [
        ("PREFECT_API_URL", "http://127.0.0.1:4200/api"),
        ("PREFECT_SERVER_EPHEMERAL_ENABLED", "false"),
        ("PREFECT_PROFILE", "work"),
    ]:
        assert _guess_shared_state({**env, name: value}) is None, name
    for found in ("prefect.toml", ".env"):
        (tmp_path / found).write_text("")
        assert _guess_shared_state(env) is None, found
        (tmp_path / found).unlink()
    (tmp_path / "pyproject.toml").write_text("[tool.prefect]\nhome = '/elsewhere'\n")
    assert _guess_shared_state(env) is None
    (tmp_path / "pyproject.toml").unlink()
    home.mkdir()
    (home / "profiles.toml").write_text(
        'active = "ephemeral"\n[profiles.ephemeral]\nPREFECT_SERVER_ALLOW_EPHEMERAL_MODE = "true"\n'
    )
    assert _guess_shared_state(env) is not None
    (home / "profiles.toml").write_text(
        'active = "local"\n[profiles.local]\nPREFECT_API_URL = "http://127.0.0.1:4200/api"\n'
    )
    assert _guess_shared_state(env) is None


@pytest.mark.slow
def test_a_prestarted_server_is_the_one_the_run_uses_and_a_wrong_guess_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import subprocess

    from prefect.settings import PREFECT_HOME

    from content_audit.flows import server

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    home = tmp_path / "home"
    env = {**os.environ, "PREFECT_HOME": str(home), "CONTENT_AUDIT_PREFECT_SERVER_KEEP_S": "5"}
    env.pop("PREFECT_API_URL", None)
    # Before Prefect is imported: that is the point (a process of its own to see it).
    probe = (
        "import sys\n"
        "from content_audit.flows.server import prestart_shared_server, _keeper_of\n"
        "assert prestart_shared_server()\n"
        "assert 'prefect' not in sys.modules, 'Prefect was imported'\n"
    )
    alone = tmp_path / "alone"
    done = subprocess.run(
        [sys.executable, "-c", probe], env={**env, "PREFECT_HOME": str(alone)}, timeout=60
    )
    (alone_state,) = alone.glob("content-audit-server-*.json")
    server._stop_keeper(json.loads(alone_state.read_text())["pid"])
    assert done.returncode == 0
    assert server.prestart_shared_server(env)
    assert not server.prestart_shared_server(env)  # one server, however often it is asked
    (state,) = home.glob("content-audit-server-*.json")
    recorded = json.loads(state.read_text())
    with temporary_settings(
        updates={PREFECT_HOME: home},
        restore_defaults={PREFECT_API_URL, PREFECT_SERVER_DATABASE_CONNECTION_URL},
    ):
        with temporary_api_server(timeout_s=120, keep_s=5) as api_url:
            assert api_url == recorded["api_url"]
            assert probe_flow() == 6
        # A guess the settings contradict (another Prefect home): its server is stopped.
        other = tmp_path / "other"
        assert server.prestart_shared_server({**env, "PREFECT_HOME": str(other)})
        (wrong,) = other.glob("content-audit-server-*.json")
        keeper = json.loads(wrong.read_text())["pid"]
        with temporary_api_server(timeout_s=120, keep_s=5) as again:
            assert again == api_url
        assert not server._alive(keeper)
        assert not wrong.exists()
    deadline = time.monotonic() + 60  # the shared one ends by itself, unused
    while server._alive(recorded["pid"]) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not server._alive(recorded["pid"])
