"""packing: audit outcomes survive the compact pickle unchanged."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass
from pathlib import Path

import pytest

from content_audit.config import load_config
from content_audit.model import Kind
from content_audit.packing import pack, unpack
from content_audit.pipeline import audit_pages, audit_pages_packed


@dataclass(frozen=True, slots=True)
class Frozen:
    a: int
    b: str = "x"


@dataclass(slots=True)
class WithState:
    """A slotted dataclass with its own pickling: left to pickle."""

    n: int

    def __getstate__(self) -> tuple[int]:
        return (self.n * 2,)

    def __setstate__(self, state: tuple[int]) -> None:
        self.n = state[0]


def test_real_outcomes_round_trip_equal_to_pickle(fixtures_dir: Path) -> None:
    html = (fixtures_dir / "seed_prolotherapy.html").read_text(encoding="utf-8")
    pages = [("https://clinic.example/blog/prolotherapy/", html), ("https://c.example/x", "<p>")]
    outcomes = audit_pages(pages, load_config())
    unpacked = unpack(pack(outcomes))
    assert unpacked == outcomes == pickle.loads(pickle.dumps(outcomes))
    assert unpacked[0].audit is not None and unpacked[0].audit.page.links
    assert unpack(audit_pages_packed(pages, load_config())) == outcomes


def test_rebuilt_objects_stay_frozen_and_typed() -> None:
    value = unpack(pack({"k": [Frozen(1), Frozen(2, "y"), Kind.ARTICLE]}))
    first, second, kind = value["k"]
    assert (first, second, kind) == (Frozen(1), Frozen(2, "y"), Kind.ARTICLE)
    assert type(first) is Frozen and kind is Kind.ARTICLE
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.a = 3  # type: ignore[misc]


def test_classes_with_their_own_state_pickle_the_usual_way() -> None:
    assert unpack(pack(WithState(3))).n == 6
