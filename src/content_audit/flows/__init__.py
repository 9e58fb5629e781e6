"""Prefect flows of content-audit: orchestration only, the logic lives in content_audit.

Importing this package sets two Prefect settings *before* Prefect is imported, unless the
environment already sets them: anonymous analytics off, and a 60 s start-up timeout for the
ephemeral API server (it took 7-13 s to start on a busy 2-core machine, close to Prefect's
default).
"""

from __future__ import annotations

import os

PREFECT_ENV_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "60",
}


def set_prefect_env_defaults(environ: dict[str, str] | None = None) -> None:
    """Apply ``PREFECT_ENV_DEFAULTS`` to the environment where not already set."""
    env = os.environ if environ is None else environ
    for name, value in PREFECT_ENV_DEFAULTS.items():
        env.setdefault(name, value)


set_prefect_env_defaults()
