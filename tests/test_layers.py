"""The house, drawn from the imports: front ends -> run driver -> store and exporters -> core.

Every ``import`` of every module of the package (those inside functions too: a lazy import
is still a dependency) is read with ``ast``; a module may import its own layer or a lower
one, never a higher one.  A new module must be placed in ``LAYERS``: the test fails on a
module it does not know, so the drawing never goes stale.  (``test_package.py`` checks the
core's wall at run time too: importing ``content_audit.audit`` loads no outer module.)
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "content_audit"

CORE = 0
STORE = 1
DRIVER = 2
FRONT = 3

LAYERS: dict[str, int] = {
    # The core: pure records in, records out; no files, network, processes or Prefect.
    **dict.fromkeys(
        (
            "model",
            "config",
            "errors",
            "checks",
            "classify",
            "elements",
            "element_model",
            "prefilter",
            "extract",
            "access",
            "soup",
            "urls",
            "readability",
            "syllables",
            "sentences",
            "health",
            "plain",
            "decisions",
            "template",
            "audit",
            "site",
            "sitechecks",
            "specs",
            "decode",
            "htmlredirect",
            "rewrite",
            "serialize",
            "data",
        ),
        CORE,
    ),
    # Store, exporters and the machinery the driver's steps call: crawl, render, the audit
    # pool and crawl loop (pipeline) with its page budget and lifeline, crawl state, digest
    # spill, history, report files.  (The README's design paragraph draws the same line.)
    **dict.fromkeys(
        (
            "crawl",
            "render",
            "target",
            "resume",
            "spill",
            "store",
            "alerts",
            "frames",
            "pipeline",
            "report",
            "exporters",
            "scorecard",
            "budget",
            "lifeline",
            "_lifeline_preload",
        ),
        STORE,
    ),
    "run": DRIVER,
    # Front ends: the command line, the Prefect flows, the demo, the package's public face.
    **dict.fromkeys(("cli", "flows", "demo", "watch", "__init__", "__main__"), FRONT),
}
NAMES = {CORE: "core", STORE: "store/exporters", DRIVER: "run driver", FRONT: "front end"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts)


def layer_of(module: str) -> int:
    """The layer of ``module`` (a dotted name inside the package) by its top-level name."""
    top = module.split(".")[0]
    if top not in LAYERS:
        raise AssertionError(f"{module}: not placed in a layer (tests/test_layers.py LAYERS)")
    return LAYERS[top]


def imported(path: Path) -> set[str]:
    """The package modules ``path`` imports (relative imports resolved), at any depth."""
    module = module_name(path)
    # ``content_audit/report/__init__.py`` is module ``report.__init__``, package ``report``.
    package = module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                if node.module:
                    found.add(".".join([*base, node.module]))
                else:
                    found.update(".".join([*base, a.name]) for a in node.names)
            elif node.module and node.module.startswith("content_audit"):
                name = node.module.removeprefix("content_audit").lstrip(".")
                if name:
                    found.add(name)
                else:
                    found.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("content_audit."):
                    found.add(alias.name.removeprefix("content_audit."))
    # ``from . import __version__``: a constant of the package, which Python has imported
    # before any of its modules anyway; not a dependency on the front end.
    found -= {"", "__version__"}
    return {name if name.split(".")[0] in LAYERS else "__init__" for name in found}


def test_every_import_points_down_or_across() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        own = layer_of(module)
        for target in sorted(imported(path)):
            if layer_of(target) > own:
                upward.append(
                    f"{module} ({NAMES[own]}) imports {target} ({NAMES[layer_of(target)]})"
                )
    assert not upward, "\n".join(upward)


def test_the_core_imports_nothing_of_the_outer_layers() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        if layer_of(module) == CORE:
            outer = {t for t in imported(path) if layer_of(t) != CORE}
            assert not outer, f"{module} imports {sorted(outer)}"


def test_the_front_ends_reach_the_run_only_through_the_driver() -> None:
    """The flow and the CLI start a site run with ``run`` (``SiteRun``/``drive``,
    ``audit_site``); neither spells out the sequence with the store's pieces itself."""
    spelled = {"RunOutputs", "open_recorder", "record_history", "DigestSpill", "run_batches"}
    for name in ("flows/audit_site.py", "cli.py"):
        tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
        used = {
            a.asname or a.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for a in node.names
        }
        assert not used & spelled, f"{name} uses {sorted(used & spelled)}"
    flow_imports = imported(PACKAGE / "flows" / "audit_site.py")
    assert "run" in flow_imports
    assert "run" in imported(PACKAGE / "cli.py")


def test_the_readme_draws_the_same_core() -> None:
    """The README's design paragraph lists the core's modules; they are this test's core."""
    import re

    readme = (PACKAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("The design: a pure core")
    core_part = readme[start:].split("and thin\nshells", 1)[0]
    named = set(re.findall(r"`(\w+)`", core_part))
    assert named == {m for m, layer in LAYERS.items() if layer == CORE} - {"data"}
