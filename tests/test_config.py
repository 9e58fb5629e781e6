from __future__ import annotations

from pathlib import Path

import pytest

from content_audit.config import AuditConfig, load_config
from content_audit.errors import ConfigError


def test_defaults_load_and_are_valid() -> None:
    config = load_config()
    assert isinstance(config, AuditConfig)
    assert config.grade_target == 8.0
    assert [r.name for r in config.elements] == ["definition", "uses", "mechanism", "consult"]
    assert config.crawl.respect_robots is True


def test_precedence_pyproject_then_file_then_overrides(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.content-audit]\ngrade_target = 7.0\nthin_words = 100\n")
    explicit = tmp_path / "audit.toml"
    explicit.write_text("grade_target = 9.5\n[crawl]\nmax_pages = 12\n")
    config = load_config(explicit, pyproject=pyproject, overrides={"crawl.delay_s": 0.25})
    assert config.grade_target == 9.5  # file beats pyproject
    assert config.thin_words == 100  # pyproject beats defaults
    assert config.crawl.max_pages == 12
    assert config.crawl.delay_s == 0.25  # flags beat everything


def test_add_wordings_extend_shipped_rules(tmp_path: Path) -> None:
    base = load_config().rule("consult").headings
    explicit = tmp_path / "audit.toml"
    explicit.write_text('[elements.consult]\nadd_headings = ["^Ring the surgery"]\n')
    config = load_config(explicit)
    headings = config.rule("consult").headings
    assert headings[: len(base)] == base
    assert headings[-1] == "^Ring the surgery"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("grade_targett = 8\n", "unknown key grade_targett"),
        ("[crawl]\nmax_pages = 'many'\n", "crawl.max_pages must be a number"),
        ("[crawl]\nmax_pages = -1\n", "must not be negative"),
        ("[crawl]\nmax_batch_size = 0\n", "crawl.max_batch_size must be at least 1"),
        ("[weights]\ndefinition = 90\n", "add up to 100"),
        ('[elements.uses]\nadd_body = ["(unclosed"]\n', "invalid pattern"),
        ("grade_target = \n", "invalid TOML"),
        ("[vocabulary]\nsymptoms = ['x']\n", "unknown key vocabulary.symptoms"),
        ("[vocabulary]\nadd_conditions = ['(unclosed']\n", "invalid pattern"),
        ("[vocabulary]\nadd_conditions = ['(a+)+']\n", "repeats a repetition"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert needle in str(info.value)
    assert str(path) in str(info.value) or "TOML" in str(info.value)


def test_vocabulary_fills_the_condition_slot_of_every_pattern(tmp_path: Path) -> None:
    """``{condition}`` in an element pattern stands for the ``[vocabulary] conditions``
    list: one list, shared by every pattern that names a condition, extended in one place."""
    shipped = load_config()
    assert not any(
        "{condition}" in p
        for rule in shipped.elements
        for p in (*rule.headings, *rule.body, *rule.negative, *rule.weak, *rule.lead)
    )
    assert not any("hidradenitis" in p for p in shipped.rule("uses").body)
    explicit = tmp_path / "audit.toml"
    explicit.write_text(
        "[vocabulary]\nadd_conditions = ['hidradenitis']\n"
        "[elements.uses]\nadd_body = ['\\\\bsoothes\\\\s+{condition}\\\\b']\n"
    )
    config = load_config(explicit)
    body = config.rule("uses").body
    assert sum("hidradenitis" in p for p in body) == sum("tinnitus" in p for p in body) > 1
    assert "sciatica" in body[-1] and "hidradenitis" in body[-1]


def test_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_every_shipped_pattern_compiles() -> None:
    """load_config skips validating the shipped patterns for speed, so check them here."""
    import re

    for rule in load_config().elements:
        for pattern in (*rule.headings, *rule.body, *rule.negative, *rule.weak):
            re.compile(pattern.replace("{subject}", "prolotherapy"))
