"""Deployment entry point: ``prefect.yaml`` names ``flows/audit_site.py:audit_site_flow``.

Only a pointer, not a package (no ``__init__.py``, never installed): the flow lives in the
installed package, ``content_audit.flows.audit_site``.  ``prefect deploy`` and the worker
load this file by path from the repository root; it imports the flow from there.
"""

from __future__ import annotations

from content_audit.flows.audit_site import audit_site_flow

__all__ = ["audit_site_flow"]
