#!/usr/bin/env python3
"""Print the README's findings-code table from the registry in content_audit.checks.

.venv/bin/python scripts/findings_table.py   # paste between the README markers
"""

from __future__ import annotations

from content_audit.checks import FINDINGS


def findings_table() -> str:
    rows = ["| code | severity | scope | WCAG | meaning |", "|---|---|---|---|---|"]
    rows += [
        f"| `{s.code}` | {s.severity.value} | {s.scope} | {s.wcag} | {s.description} |"
        for s in FINDINGS.values()
    ]
    return "\n".join(rows)


if __name__ == "__main__":
    print(findings_table())
