"""Tests of sentences.py: the one sentence splitter the checks share."""

from __future__ import annotations

import pytest

from content_audit import elements, health, plain, rewrite
from content_audit.audit import audit_page
from content_audit.model import Page, Section
from content_audit.sentences import PageText, split_sentences

from .conftest import FIXTURES

SEED_HTML = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "sentences"),
    [
        ("Dr. Smith sees runners. She heals.", ["Dr. Smith sees runners.", "She heals."]),
        ("Use cold, e.g. ice. Then rest.", ["Use cold, e.g. ice.", "Then rest."]),
        ("Ask J. Smith about it. He knows.", ["Ask J. Smith about it.", "He knows."]),
        ("See Fig. 2 for the steps.", ["See Fig. 2 for the steps."]),
        ("Hurt? Rarely! “Most feel a twitch.”", ["Hurt?", "Rarely!", "“Most feel a twitch.”"]),
        ("A heading without a stop", ["A heading without a stop"]),
        ("   ", []),
    ],
)  # fmt: skip
def test_split_sentences(line: str, sentences: list[str]) -> None:
    assert split_sentences(line) == sentences


def test_each_sentence_is_a_slice_of_the_line() -> None:
    """The rewrite guide finds each sentence in its line again."""
    line = "  Prolotherapy  is an injection.   It helps  ligaments heal.  "
    for sentence in split_sentences(line):
        assert sentence in line


def test_every_check_reads_text_with_the_same_splitter() -> None:
    for module in (elements, health, plain, rewrite):
        assert getattr(module, "split_sentences", split_sentences) is split_sentences
        assert getattr(module, "PageText", PageText) is PageText


def test_page_text_holds_each_paragraphs_sentences_in_order() -> None:
    page = Page(
        url=None,
        title="Prolotherapy",
        h1=("Prolotherapy",),
        sections=(
            Section("", 0, ("Dr. Smith sees runners. She heals.",)),
            Section("How It Works", 2, ("It irritates. Then it heals.", "Ask us.")),
        ),
    )
    text = PageText.of(page)
    assert text.sections == (
        (("Dr. Smith sees runners.", "She heals."),),
        (("It irritates.", "Then it heals."), ("Ask us.",)),
    )
    assert text.sentences() == [
        "Dr. Smith sees runners.", "She heals.", "It irritates.", "Then it heals.", "Ask us.",
    ]  # fmt: skip


def test_an_audit_splits_each_paragraph_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """One PageText per audit, handed to elements, trust and plain-language checks: each
    paragraph is split once, not once per scorer (before: three times)."""
    from content_audit import sentences as module

    calls: list[str] = []
    real = module.split_sentences

    def counting(paragraph: str) -> list[str]:
        calls.append(paragraph)
        return real(paragraph)

    monkeypatch.setattr(module, "split_sentences", counting)
    audit = audit_page(SEED_HTML, "https://clinic.example/prolotherapy/")
    paragraphs = [p for s in audit.page.sections for p in s.paragraphs]
    assert audit.kind.value == "article" and len(paragraphs) > 5
    assert sorted(calls) == sorted(paragraphs)
