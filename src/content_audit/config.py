"""AuditConfig: every rule, target and limit of an audit, as one frozen value.

Precedence, lowest first: the TOML shipped with the package (``data/default.toml``) <
``[tool.content-audit]`` in a ``pyproject.toml`` < a ``--config`` file < command-line flags.
The shell loads the configuration once and passes it down; nothing reads it from a global.

Unknown keys are errors rather than silently ignored, because a misspelt threshold that
does nothing is the worst kind of configuration bug.
"""

from __future__ import annotations

import math
import re
import re._constants as _sre  # the parsed form of a pattern: its repeats
import re._parser as _sre_parser
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from .decisions import Decision, parse_decisions
from .errors import ConfigError

DEFAULT_CONFIG_RESOURCE = "default.toml"
DEFAULT_DECISIONS_FILE = "audit-decisions.toml"


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
    lead: tuple[str, ...] = ()
    """Patterns that state the element only where an entry opens: the first sentence under a
    heading that is the page subject, or of the article's opening text.  A glossary gives a
    term its meaning in a verbless gloss ("Elbow Joint Mobilization" / "Hands-on procedures
    intended to increase joint mobility."); the same words anywhere else prove nothing."""


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
    audit_budget_s: float = 30.0
    max_retry_after_s: float = 60.0
    max_query_variants: int = 100
    robots_unreachable: str = "disallow"
    max_sitemaps: int = 50
    audit_workers: int = 0
    dask_address: str = ""
    resume: bool = True
    render: str = "never"
    """Render pages in headless Chromium: "never", "auto" (pages that are a script shell)
    or "always" (``render.py``)."""
    render_pages: int = 2
    """Headless pages rendering at once."""
    render_timeout_s: float = 15.0
    browser: str = "/usr/bin/chromium"
    """The Chromium executable (Debian's); never a browser download."""
    axe_pages: int = 0
    """Pages (one per template) that axe-core checks after the crawl; 0 = none."""


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
class AlertsConfig:
    """Where the flow sends its one digest per regressed run (``alerts.py``)."""

    block: str = ""
    """A Prefect notification block, ``"<block-type-slug>/<name>"``; empty: no message."""
    clicks_csv: str = ""
    """A CSV of ``url,clicks`` from the site's analytics to rank pages by; empty: inlinks."""


@dataclass(frozen=True, slots=True)
class DecisionsConfig:
    """The maintainers' decisions file (``decisions.py``) and the entries read from it."""

    file: str = DEFAULT_DECISIONS_FILE
    """Path of the TOML file, relative to the configuration file's folder (or the working
    folder when there is none); a missing file means no decisions."""
    entries: tuple[Decision, ...] = ()
    """Filled by ``load_config`` from ``file``; not a configuration key."""
    path: str = ""
    """The resolved path ``entries`` came from (empty when the file does not exist)."""


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
    element_scores: bool = True
    """Settle the verdicts the element patterns leave open with the learned sentence scores
    (``element_model``, ``data/element_model.json``); false: the patterns alone."""
    weights: ScoreWeights = field(default_factory=ScoreWeights)
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    site: SiteConfig = field(default_factory=SiteConfig)
    health: HealthConfig = field(default_factory=HealthConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    decisions: DecisionsConfig = field(default_factory=DecisionsConfig)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    plain_words: tuple[tuple[str, str], ...] = ()
    """The user's own (term, plainer words) pairs (``[plain_words]``), lower-case terms;
    they win over the shipped lexicon (``data/plain_words.tsv``)."""

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
    elements = frozenset(merged.get("elements", {}))
    origins: dict[str, str] = {}
    """Dotted key -> where its value came from, so an error names the right file."""
    source = "<default.toml>"
    if pyproject is not None and Path(pyproject).is_file():
        table = _read_toml(Path(pyproject)).get("tool", {}).get("content-audit")
        if table:
            source = str(pyproject)
            _check_tables(table, source, elements)
            _merge(merged, table, source, origins)
    if path is not None:
        data = _read_toml(Path(path))
        if "tool" in data and "content-audit" in data.get("tool", {}):
            data = data["tool"]["content-audit"]
        source = str(path)
        _check_tables(data, source, elements)
        _merge(merged, data, source, origins)
    for dotted, value in (overrides or {}).items():
        if value is None:
            continue
        node = merged
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
        origins[dotted] = f"the command line ({dotted})"
    config = _build(merged, source, shipped, origins)
    home = Path(path).parent if path is not None else None
    if home is None and pyproject is not None and Path(pyproject).is_file():
        home = Path(pyproject).parent
    return load_decisions(config, home or Path.cwd())


def load_decisions(config: AuditConfig, home: Path) -> AuditConfig:
    """``config`` with the entries of its decisions file (relative to ``home``) read in."""
    target = Path(config.decisions.file).expanduser()
    if not target.is_absolute():
        target = home / target
    if not target.is_file():
        return config
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read decisions file {target}: {exc}") from None
    entries = parse_decisions(text, str(target))
    return replace(config, decisions=replace(config.decisions, entries=entries, path=str(target)))


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


def _check_tables(data: Mapping[str, Any], source: str, elements: frozenset[str]) -> None:
    """Refuse tables a user file may not add: an element the audit does not know (a
    misspelt or wrongly cased ``[elements.Consult]`` was silently ignored)."""
    tables = data.get("elements", {})
    if not isinstance(tables, Mapping):
        raise ConfigError(f"{source}: elements must be a table of [elements.NAME] tables")
    for name in tables:
        if name not in elements:
            raise ConfigError(
                f"{source}: unknown table elements.{name} (the elements are "
                f"{', '.join(sorted(elements))})"
            )


def _merge(
    base: dict[str, Any],
    extra: Mapping[str, Any],
    source: str,
    origins: dict[str, str] | None = None,
    prefix: str = "",
) -> None:
    """Merge ``extra`` into ``base``; element rules may ``add_*`` to the shipped lists."""
    for key, value in extra.items():
        if origins is not None:
            origins[prefix + key] = source
        if key == "vocabulary" and isinstance(value, Mapping):
            _merge_lists(base.setdefault("vocabulary", {}), value, f"{source}: vocabulary")
        elif key == "elements" and isinstance(value, Mapping):
            elements = base.setdefault("elements", {})
            for name, rule in value.items():
                if not isinstance(rule, Mapping):
                    raise ConfigError(f"{source}: elements.{name} must be a table")
                target = elements.setdefault(name, {})
                _merge_lists(target, rule, f"{source}: elements.{name}")
        elif isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value, source, origins, f"{prefix}{key}.")
        else:
            base[key] = value


def _merge_lists(target: dict[str, Any], table: Mapping[str, Any], where: str) -> None:
    """``add_<list>`` extends the list below it; any other key replaces it."""
    for key, value in table.items():
        if key.startswith("add_"):
            target.setdefault(key[4:], []).extend(_as_list(value, f"{where}.{key}"))
        else:
            target[key] = value


def _as_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{where} must be a string or a list of strings")


_RULE_KEYS = ("headings", "body", "negative", "weak", "lead")
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
    ) | frozenset(data.get("vocabulary", {}).get("conditions", []))


VOCABULARY_SLOTS = {"conditions": "{condition}"}
"""``[vocabulary]`` lists and the slot that stands for each in an element pattern: one list
of the conditions and symptoms people seek care for, shared by every pattern that names
one ("relief from {condition}"), extended in one place (``add_conditions``)."""


def _vocabulary(
    table: Any, source: str, trusted: frozenset[str], origins: Mapping[str, str]
) -> dict[str, str]:
    """Each ``[vocabulary]`` slot and the alternation it stands for in element patterns."""
    where = origins.get("vocabulary", source)
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: vocabulary must be a table")
    unknown = set(table) - set(VOCABULARY_SLOTS)
    if unknown:
        raise ConfigError(f"{where}: unknown key vocabulary.{sorted(unknown)[0]}")
    slots = {}
    for key, slot in VOCABULARY_SLOTS.items():
        words = _as_list(table.get(key, []), f"{where}: vocabulary.{key}")
        for word in words:
            if word not in trusted:
                _check_pattern(word, f"vocabulary.{key}", where)
        # An empty list matches nothing: the patterns that name the slot never fire.
        slots[slot] = "(?:" + "|".join(f"(?:{w})" for w in words) + ")" if words else "(?!)"
    return slots


def _fill(pattern: str, slots: Mapping[str, str]) -> str:
    for slot, alternation in slots.items():
        if slot in pattern:
            pattern = pattern.replace(slot, alternation)
    return pattern


def _build(
    data: dict[str, Any],
    source: str,
    trusted: frozenset[str] = frozenset(),
    origins: Mapping[str, str] | None = None,
) -> AuditConfig:
    origins = origins or {}
    data = dict(data)
    elements_data = data.pop("elements", {})
    slots = _vocabulary(data.pop("vocabulary", {}), source, trusted, origins)
    rules = []
    for name, rule in elements_data.items():
        kwargs = {}
        for key in _RULE_KEYS:
            patterns = tuple(_as_list(rule.get(key, []), f"{source}: elements.{name}.{key}"))
            for pattern in patterns:
                if pattern not in trusted:
                    _check_pattern(_fill(pattern, slots), f"elements.{name}.{key}", source)
            kwargs[key] = tuple(_fill(pattern, slots) for pattern in patterns)
        unknown = set(rule) - set(_RULE_KEYS)
        if unknown:
            raise ConfigError(f"{source}: unknown key elements.{name}.{sorted(unknown)[0]}")
        rules.append(ElementRule(name=name, **kwargs))
    plain_words = _plain_words(data.pop("plain_words", {}), origins.get("plain_words", source))
    for table in ("weights", "crawl", "site", "health", "report", "decisions", "alerts"):
        if not isinstance(data.get(table, {}), Mapping):
            raise ConfigError(f"{origins.get(table, source)}: {table} must be a table")
    weights = _record(ScoreWeights, data.pop("weights", {}), "weights", source, origins)
    if sum(getattr(weights, f.name) for f in fields(ScoreWeights)) != 100:
        raise ConfigError(f"{source}: weights must add up to 100")
    crawl = _record(CrawlConfig, data.pop("crawl", {}), "crawl", source, origins)
    site = _record(SiteConfig, data.pop("site", {}), "site", source, origins)
    health = _record(HealthConfig, data.pop("health", {}), "health", source, origins)
    report = _record(ReportConfig, data.pop("report", {}), "report", source, origins)
    decisions_table = data.pop("decisions", {})
    for key in ("entries", "path"):
        if key in decisions_table:
            raise ConfigError(
                f"{origins.get('decisions.' + key, source)}: unknown key decisions.{key}"
            )
    decisions = _record(DecisionsConfig, decisions_table, "decisions", source, origins)
    alerts = _record(AlertsConfig, data.pop("alerts", {}), "alerts", source, origins)
    top = _record(AuditConfig, data, "", source, origins)
    config = replace(
        top,
        elements=tuple(rules),
        weights=weights,
        crawl=crawl,
        site=site,
        health=health,
        report=report,
        decisions=decisions,
        alerts=alerts,
        plain_words=plain_words,
    )
    _check_ranges(config, source, origins)
    return config


def _plain_words(table: Any, source: str) -> tuple[tuple[str, str], ...]:
    """``[plain_words]``: ``term = "plainer words"`` pairs, checked and lower-cased."""
    if not isinstance(table, Mapping):
        raise ConfigError(f'{source}: plain_words must be a table of term = "alternative"')
    out: list[tuple[str, str]] = []
    for term, alternative in table.items():
        if not isinstance(alternative, str) or not alternative.strip() or not term.strip():
            raise ConfigError(
                f"{source}: plain_words.{term} must be a non-empty string (the plainer words)"
            )
        out.append((" ".join(term.lower().split()), alternative.strip()))
    return tuple(sorted(out))


_SHARES = (
    "site.offtopic_threshold",
    "site.near_duplicate_threshold",
    "site.stale_min_ratio",
    "health.long_sentence_max_share",
    "health.passive_max_share",
    "site.template_share",
)
"""Keys that are a share or a similarity: between 0 and 1."""
_AT_LEAST_ONE = (
    "crawl.batch_size",
    "crawl.max_batch_size",
    "crawl.concurrency",
    "crawl.max_bytes",
    "health.same_start_run",
    "site.template_sample_pages",
)
_POSITIVE = ("crawl.timeout_s", "crawl.deadline_s")
_CHOICES = {
    "crawl.robots_unreachable": ("disallow", "allow"),
    "crawl.render": ("never", "auto", "always"),
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _value(config: AuditConfig, dotted: str) -> Any:
    node: Any = config
    for part in dotted.split("."):
        node = getattr(node, part)
    return node


def _check_ranges(config: AuditConfig, source: str, origins: Mapping[str, str]) -> None:
    """Values of the right type that still make no sense, each named with its origin."""

    def fail(key: str, what: str) -> NoReturn:
        raise ConfigError(f"{origins.get(key, source)}: {key} {what}")

    if not 0 < config.grade_target <= 30:
        fail("grade_target", "must be a reading grade above 0 and at most 30")
    for key in _SHARES:
        if not 0 <= _value(config, key) <= 1:
            fail(key, "must be between 0 and 1")
    for key in _AT_LEAST_ONE:
        if _value(config, key) < 1:
            fail(key, "must be at least 1")
    for key in _POSITIVE:
        if _value(config, key) <= 0:
            fail(key, "must be above 0")
    for key, choices in _CHOICES.items():
        if _value(config, key) not in choices:
            fail(key, f"must be one of {', '.join(repr(c) for c in choices)}")
    if config.title_min_chars > config.title_max_chars:
        fail("title_min_chars", "must not be over title_max_chars")
    if config.meta_min_chars > config.meta_max_chars:
        fail("meta_min_chars", "must not be over meta_max_chars")
    if config.crawl.batch_size > config.crawl.max_batch_size:
        fail("crawl.batch_size", "must not be over crawl.max_batch_size")
    for key in ("crawl.user_agent", "crawl.dask_address", "report.history"):
        if _CONTROL.search(_value(config, key)):
            fail(key, "must not hold control characters (CR, LF, tab...)")
    from .checks import FINDINGS  # the registry of finding codes (checks imports config)

    for code in config.disabled_checks:
        if code not in FINDINGS:
            raise ConfigError(
                f"{origins.get('disabled_checks', source)}: disabled_checks names "
                f"{code!r}, which is no finding code (see the README's findings table)"
            )


def _record(
    cls: type,
    data: Mapping[str, Any],
    prefix: str,
    source: str,
    origins: Mapping[str, str] | None = None,
) -> Any:
    """Instantiate a config dataclass from a table, checking names and types."""
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        where = (origins or {}).get(name, source)
        if key not in known or key in {
            "elements",
            "weights",
            "crawl",
            "site",
            "health",
            "report",
            "decisions",
            "alerts",
            "plain_words",
            "vocabulary",
        }:
            raise ConfigError(f"{where}: unknown key {name}")
        default = getattr(cls(), key)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: {name} must be true or false")
        elif isinstance(default, int | float) and not isinstance(value, bool):
            if not isinstance(value, int | float):
                raise ConfigError(f"{where}: {name} must be a number")
            value = type(default)(value) if isinstance(default, float) else value
            if isinstance(default, int) and not isinstance(value, int):
                raise ConfigError(f"{where}: {name} must be a whole number")
            if not math.isfinite(value):
                raise ConfigError(f"{where}: {name} must be a finite number, not {value}")
            if value < 0:
                raise ConfigError(f"{where}: {name} must not be negative")
        elif isinstance(default, tuple):
            value = tuple(_as_list(value, f"{where}: {name}"))
        elif isinstance(default, str) and not isinstance(value, str):
            raise ConfigError(f"{where}: {name} must be a string")
        kwargs[key] = value
    return cls(**kwargs)


def _check_pattern(pattern: str, where: str, source: str) -> None:
    text = pattern.replace("{subject}", "x")
    try:
        re.compile(text)
        parsed = _sre_parser.parse(text, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"{source}: invalid pattern in {where}: {pattern!r} ({exc})") from None
    if _nested_quantifier(list(parsed)):
        raise ConfigError(
            f"{source}: pattern in {where} repeats a repetition, which can take minutes on one "
            f"sentence: {pattern!r} (write the outer repeat with a small bound, "
            "e.g. {1,5}, or drop the inner one)"
        )


_REPEATS = frozenset({_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT})
NESTED_REPEAT_MAX = 10
"""An outer repeat bounded at this many times or fewer may hold an inner one."""


def _children(op: Any, av: Any) -> list[Any]:
    if op is _sre.SUBPATTERN:
        return [av[-1]]
    if op is _sre.BRANCH:
        return list(av[1])
    if op in _REPEATS:
        return [av[2]]
    if op in (_sre.ASSERT, _sre.ASSERT_NOT):
        return [av[1]]
    if op is _sre.ATOMIC_GROUP:
        return [av]
    if op is _sre.GROUPREF_EXISTS:
        return [branch for branch in av[1:] if branch is not None]
    return []


def _repeats(items: Any) -> bool:
    """Whether ``items`` hold a repeat that can give back what it took (backtrack)."""
    for op, av in items:
        if op is _sre.POSSESSIVE_REPEAT or op is _sre.ATOMIC_GROUP:
            continue
        if op in _REPEATS and av[1] > 1:
            return True
        if any(_repeats(child) for child in _children(op, av)):
            return True
    return False


def _nested_quantifier(items: Any) -> bool:
    """A repeat (unbounded, or over ``NESTED_REPEAT_MAX`` times) of something that itself
    repeats: ``(a+)+``, ``(\\w+\\s?)*``.  Python's backtracking ``re`` can take exponential time
    on such a pattern when it fails to match, so user patterns (run over every sentence of
    every crawled page) are refused on load.  Possessive and atomic forms do not backtrack
    and are allowed.  The shipped patterns are tested, not checked here."""
    for op, av in items:
        if (
            op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT)
            and av[1] > NESTED_REPEAT_MAX
            and _repeats(av[2])
        ):
            return True
        if op is not _sre.ATOMIC_GROUP and any(
            _nested_quantifier(child) for child in _children(op, av)
        ):
            return True
    return False
