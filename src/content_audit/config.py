"""AuditConfig: every rule, target and limit of an audit, as one frozen value.

Precedence, lowest first: the TOML shipped with the package (``data/default.toml``) <
``[tool.content-audit]`` in a ``pyproject.toml`` < a ``--config`` file < command-line flags.
The shell loads the configuration once and passes it down; nothing reads it from a global.

Unknown keys are errors rather than silently ignored, because a misspelt threshold that
does nothing is the worst kind of configuration bug.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULT_CONFIG_RESOURCE = "default.toml"


@dataclass(frozen=True, slots=True)
class ElementRule:
    """How to recognise one required element.

    ``headings`` match a heading's text; ``body`` match a sentence of the article text.
    Patterns are case-insensitive regular expressions; ``{subject}`` stands for the page's
    subject (from its H1 or title), escaped.  ``negative`` patterns veto a body sentence
    (for example "available by appointment" is not a consult prompt).  ``weak`` patterns
    match a sentence that *may* state the element but does not settle it (a sentence about
    the subject with a plain "is", a list of conditions with no verb): such a sentence makes
    the element ``unclear`` rather than ``missing``, quoted for an editor to judge.
    """

    name: str
    headings: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScoreWeights:
    """Points of the 0-100 page score; they must add up to 100 (checked on load)."""

    definition: int = 20
    uses: int = 20
    mechanism: int = 20
    consult: int = 15
    readability: int = 15
    structure: int = 10


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    """Crawl limits and politeness; defaults are deliberately gentle on a clinic's server."""

    user_agent: str = ""
    max_pages: int = 10_000
    max_depth: int = 20
    delay_s: float = 0.0
    concurrency: int = 4
    timeout_s: float = 15.0
    max_bytes: int = 10_000_000
    retries: int = 3
    backoff_s: float = 0.5
    max_redirects: int = 10
    respect_robots: bool = True
    aliases: tuple[str, ...] = ()
    strip_params: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    batch_size: int = 100
    max_batch_size: int = 200
    deadline_s: float = 60.0
    max_retry_after_s: float = 60.0
    max_query_variants: int = 100
    robots_unreachable: str = "disallow"
    max_sitemaps: int = 50
    audit_workers: int = 0
    dask_address: str = ""
    resume: bool = True


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Thresholds of the cross-page checks."""

    offtopic_threshold: float = 0.1
    near_duplicate_threshold: float = 0.9
    stale_min_ratio: float = 0.8
    offtopic_min_words: int = 50
    near_duplicate_min_words: int = 50
    template_share: float = 0.4
    """A line of article text on at least this share of the sampled pages is the site's
    template (chrome), removed before elements and readability are measured; 0 = off."""
    template_min_pages: int = 5
    """...and on at least this many of them: a small site's pages are not pruned."""
    template_sample_pages: int = 200
    """The template is learnt from the first this-many HTML pages of the crawl."""


@dataclass(frozen=True, slots=True)
class HealthConfig:
    """Trust and plain-language checks of health articles (``health.py``, ``plain.py``).

    Each check can be turned off here (or its code listed in ``disabled_checks``).
    """

    trust: bool = True
    plain_language: bool = True
    medical_syllables: bool = True
    review_max_age_months: int = 24
    drift: bool = True
    """Compare runs in the history: ``review_drift`` when the text changed but the medical
    review date did not move (needs ``report.record_history``)."""
    long_sentence_words: int = 20
    long_sentence_max_share: float = 0.25
    paragraph_max_words: int = 150
    section_max_words: int = 300
    passive_max_share: float = 0.10
    same_start_run: int = 3
    section_grade_margin: float = 2.0
    claim_window_sentences: int = 1


@dataclass(frozen=True, slots=True)
class ReportConfig:
    """Where the run history lives (``report/history.py``)."""

    history: str = ""
    """A path or ``sqlite:///`` URL; empty means ``history.sqlite`` in the reports root."""
    record_history: bool = True


@dataclass(frozen=True, slots=True)
class AuditConfig:
    """Everything an audit needs to know, loaded once and passed down."""

    grade_target: float = 8.0
    title_min_chars: int = 20
    title_max_chars: int = 65
    meta_min_chars: int = 120
    meta_max_chars: int = 156
    thin_words: int = 300
    disabled_checks: tuple[str, ...] = ()
    elements: tuple[ElementRule, ...] = ()
    weights: ScoreWeights = field(default_factory=ScoreWeights)
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    site: SiteConfig = field(default_factory=SiteConfig)
    health: HealthConfig = field(default_factory=HealthConfig)
    report: ReportConfig = field(default_factory=ReportConfig)

    def rule(self, name: str) -> ElementRule:
        for rule in self.elements:
            if rule.name == name:
                return rule
        raise KeyError(name)

    def enabled(self, code: str) -> bool:
        return code not in self.disabled_checks


def default_toml() -> str:
    """The shipped defaults as TOML text (also what ``content-audit config`` prints)."""
    return (
        resources.files("content_audit.data")
        .joinpath(DEFAULT_CONFIG_RESOURCE)
        .read_text(encoding="utf-8")
    )


def load_config(
    path: str | Path | None = None,
    *,
    pyproject: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> AuditConfig:
    """Build the AuditConfig from the shipped defaults and the user's layers.

    ``pyproject`` is a ``pyproject.toml`` whose ``[tool.content-audit]`` table applies when
    present; ``path`` is an explicit config file (its keys at top level, or under
    ``[tool.content-audit]`` when it is itself a pyproject); ``overrides`` are flag values
    with dotted keys (``{"crawl.max_pages": 50}``).
    """
    merged = _parse_toml(default_toml(), "<default.toml>")
    shipped = _shipped_patterns(merged)
    if pyproject is not None and Path(pyproject).is_file():
        table = _read_toml(Path(pyproject)).get("tool", {}).get("content-audit")
        if table:
            _merge(merged, table, str(pyproject))
    if path is not None:
        data = _read_toml(Path(path))
        if "tool" in data and "content-audit" in data.get("tool", {}):
            data = data["tool"]["content-audit"]
        _merge(merged, data, str(path))
    for dotted, value in (overrides or {}).items():
        if value is None:
            continue
        node = merged
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return _build(merged, str(path or pyproject or "<default.toml>"), shipped)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    return _parse_toml(text, str(path))


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML in {source}: {exc}") from None


def _merge(base: dict[str, Any], extra: Mapping[str, Any], source: str) -> None:
    """Merge ``extra`` into ``base``; element rules may ``add_*`` to the shipped lists."""
    for key, value in extra.items():
        if key == "elements" and isinstance(value, Mapping):
            elements = base.setdefault("elements", {})
            for name, rule in value.items():
                if not isinstance(rule, Mapping):
                    raise ConfigError(f"{source}: elements.{name} must be a table")
                target = elements.setdefault(name, {})
                for rkey, rvalue in rule.items():
                    if rkey.startswith("add_"):
                        listed = target.setdefault(rkey[4:], [])
                        listed.extend(_as_list(rvalue, f"{source}: elements.{name}.{rkey}"))
                    else:
                        target[rkey] = rvalue
        elif isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value, source)
        else:
            base[key] = value


def _as_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{where} must be a string or a list of strings")


_RULE_KEYS = ("headings", "body", "negative", "weak")
"""The pattern lists of an ``[elements.NAME]`` table (each also takes ``add_<key>``)."""


def _shipped_patterns(data: Mapping[str, Any]) -> frozenset[str]:
    """Patterns of the shipped defaults: a test compiles them, so loading skips them.

    Compiling ~180 patterns costs ~70 ms, a tenth of ``content-audit check``'s budget;
    only the patterns a user adds are validated at load time.
    """
    return frozenset(
        pattern
        for rule in data.get("elements", {}).values()
        for key in _RULE_KEYS
        for pattern in rule.get(key, [])
    )


def _build(data: dict[str, Any], source: str, trusted: frozenset[str] = frozenset()) -> AuditConfig:
    data = dict(data)
    elements_data = data.pop("elements", {})
    rules = []
    for name, rule in elements_data.items():
        kwargs = {}
        for key in _RULE_KEYS:
            patterns = tuple(_as_list(rule.get(key, []), f"{source}: elements.{name}.{key}"))
            for pattern in patterns:
                if pattern not in trusted:
                    _check_pattern(pattern, f"elements.{name}.{key}", source)
            kwargs[key] = patterns
        unknown = set(rule) - set(_RULE_KEYS)
        if unknown:
            raise ConfigError(f"{source}: unknown key elements.{name}.{sorted(unknown)[0]}")
        rules.append(ElementRule(name=name, **kwargs))
    weights = _record(ScoreWeights, data.pop("weights", {}), "weights", source)
    if sum(getattr(weights, f.name) for f in fields(ScoreWeights)) != 100:
        raise ConfigError(f"{source}: weights must add up to 100")
    crawl = _record(CrawlConfig, data.pop("crawl", {}), "crawl", source)
    site = _record(SiteConfig, data.pop("site", {}), "site", source)
    health = _record(HealthConfig, data.pop("health", {}), "health", source)
    report = _record(ReportConfig, data.pop("report", {}), "report", source)
    top = _record(AuditConfig, data, "", source)
    config = replace(
        top,
        elements=tuple(rules),
        weights=weights,
        crawl=crawl,
        site=site,
        health=health,
        report=report,
    )
    if config.grade_target <= 0:
        raise ConfigError(f"{source}: grade_target must be positive")
    for name in ("batch_size", "max_batch_size"):
        if getattr(crawl, name) < 1:
            raise ConfigError(f"{source}: crawl.{name} must be at least 1")
    if site.template_share > 1:
        raise ConfigError(f"{source}: site.template_share must be between 0 and 1")
    if site.template_sample_pages < 1:
        raise ConfigError(f"{source}: site.template_sample_pages must be at least 1")
    return config


def _record(cls: type, data: Mapping[str, Any], prefix: str, source: str) -> Any:
    """Instantiate a config dataclass from a table, checking names and types."""
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if key not in known or key in {"elements", "weights", "crawl", "site", "health", "report"}:
            raise ConfigError(f"{source}: unknown key {name}")
        default = getattr(cls(), key)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: {name} must be true or false")
        elif isinstance(default, int | float) and not isinstance(value, bool):
            if not isinstance(value, int | float):
                raise ConfigError(f"{source}: {name} must be a number")
            value = type(default)(value) if isinstance(default, float) else value
            if isinstance(default, int) and not isinstance(value, int):
                raise ConfigError(f"{source}: {name} must be a whole number")
            if value < 0:
                raise ConfigError(f"{source}: {name} must not be negative")
        elif isinstance(default, tuple):
            value = tuple(_as_list(value, f"{source}: {name}"))
        elif isinstance(default, str) and not isinstance(value, str):
            raise ConfigError(f"{source}: {name} must be a string")
        kwargs[key] = value
    return cls(**kwargs)


def _check_pattern(pattern: str, where: str, source: str) -> None:
    try:
        re.compile(pattern.replace("{subject}", "x"))
    except re.error as exc:
        raise ConfigError(f"{source}: invalid pattern in {where}: {pattern!r} ({exc})") from None
