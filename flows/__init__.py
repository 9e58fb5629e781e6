"""Prefect flows of content-audit: orchestration only, the logic lives in content_audit."""
