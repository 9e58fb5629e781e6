#!/usr/bin/env python3
"""Build ``src/content_audit/data/prefect-template-<version>.db.gz`` for the installed Prefect.

The pre-migrated empty Prefect database a fresh Prefect home gets (``content_audit.flows.
template_db``): a Prefect API server of the installed version starts on an empty database in
a temporary Prefect home (it runs every migration and registers its block types), and once
it answers, before anything else uses it, a copy of its database is written, gzipped (no
timestamp in the gzip header: the same database gives the same bytes).  Run it when the
Prefect version the project tests with changes (``tests/test_flows_server.py`` says so), and
delete the template of the old version.

    .venv/bin/python scripts/build_prefect_template.py
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="prefect-template-") as tmp:
        home = Path(tmp) / "home"
        os.environ["PREFECT_HOME"] = str(home)
        os.environ.pop("PREFECT_API_URL", None)
        os.environ.pop("PREFECT_SERVER_DATABASE_CONNECTION_URL", None)
        os.environ.pop("PREFECT_API_DATABASE_CONNECTION_URL", None)
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")  # no cached template

        from content_audit.flows import server, template_db

        version = template_db.prefect_version()

        database = home / "prefect.db"
        env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        process, _ = server._start(env, 300)  # no seeding: the server creates the database
        try:
            copy = Path(tmp) / "template.db"
            template_db.save_copy(database, copy)
        finally:
            server._stop(process)
        out = template_db.PACKAGE_DATA / (template_db.template_name(version) + ".gz")
        data = copy.read_bytes()
        with open(out, "wb") as raw, gzip.GzipFile("", "wb", 9, raw, mtime=0) as gz:
            gz.write(data)
    print(f"{out.relative_to(ROOT)}: {out.stat().st_size} bytes (Prefect {version})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
