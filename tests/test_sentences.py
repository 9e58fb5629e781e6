"""Tests of sentences.py: the one sentence splitter the checks share."""

from __future__ import annotations

import pytest

from content_audit import elements, health, plain, rewrite
from content_audit.sentences import split_sentences


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
