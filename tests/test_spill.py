"""spill.py: the scratch SQLite store of a site audit's digests.

It must behave as a dict (the findings and their order depend on it: a key overwritten keeps
its first position), give back equal values, and leave no file behind, whatever happens.
"""

from __future__ import annotations

import gc
import os
import random
from pathlib import Path

import pytest

from content_audit.model import Kind, PageDigest, RecentPost, TeaserDigest
from content_audit.spill import DigestSpill, SpilledMapping


def digest(n: int, **changes: object) -> PageDigest:
    teasers = tuple(
        TeaserDigest(
            f"http://clinic.test/blog/{n + i}/",
            f"Excerpt {i} [...]",
            True,
            i + 1,
            f"excerpt {i}",
            ("related", "listing", "recent")[i % 3],
            0xFFFFFFFF - n,
        )
        for i in range(n % 3)
    )
    values: dict[str, object] = dict(
        url=f"http://clinic.test/blog/{n}/",
        kind=(Kind.ARTICLE, Kind.LISTING, Kind.OTHER)[n % 3],
        title=f"Post {n}",
        h1=f"Post {n}",
        meta_description=None if n % 2 else f"About post {n}",
        opening="prolotherapy is an injection treatment",
        words=600 + n,
        post=n % 3 == 0,
        teasers=teasers,
        recent_posts=(RecentPost("Latest", "http://clinic.test/blog/latest/"),),
        links=("http://clinic.test/",),
        terms=bytes(range(8)),
        counts=bytes([1, 2]),
        top_terms=("prolotherapy", "injection"),
        sketch=b"\xff" * 16,
    )
    values.update(changes)
    return PageDigest(**values)  # type: ignore[arg-type]


def test_values_come_back_equal(tmp_path: Path) -> None:
    with DigestSpill(tmp_path) as spill:
        pages = [digest(n) for n in range(7)]
        for page in pages:
            spill.pages[page.url] = page
            spill.teasers[page.url] = page.teasers
        assert list(spill.pages.values()) == pages
        assert [spill.pages[p.url] for p in pages] == pages
        assert [spill.teasers[p.url] for p in pages] == [p.teasers for p in pages]
        # Every teaser field comes back, the block and its key included.
        back = spill.teasers[pages[2].url]
        assert [(t.block, t.block_key) for t in back] == [
            ("related", 0xFFFFFFFD),
            ("listing", 0xFFFFFFFD),
        ]
        assert [t.block for t in spill.pages[pages[2].url].teasers] == ["related", "listing"]
        assert spill.pages[pages[0].url].kind is Kind.ARTICLE
        # The same Recent Posts list, decoded once.
        a, b = spill.pages[pages[1].url], spill.pages[pages[2].url]
        assert a.recent_posts is b.recent_posts


def test_every_field_round_trips_a_new_one_included() -> None:
    """The codec is derived from the dataclass: a field added to ``PageDigest`` is stored
    and read back, not silently replaced by its default."""
    from dataclasses import dataclass, fields, replace

    from content_audit.spill import DigestCodec

    @dataclass(frozen=True)
    class NewDigest(PageDigest):
        reading_level: float = 0.0
        landmarks: tuple[str, ...] = ()

    base = replace(digest(2), post=True)
    page = NewDigest(
        **{f.name: getattr(base, f.name) for f in fields(PageDigest)},
        reading_level=8.5,
        landmarks=("main", "nav"),
    )
    back = DigestCodec(NewDigest).decode(DigestCodec(NewDigest).encode(page))
    assert back == page
    assert (back.reading_level, back.landmarks) == (8.5, ("main", "nav"))
    # And every PageDigest field differs from its default in the sample, so none is lost.
    codec = DigestCodec()
    assert codec.decode(codec.encode(base)) == base
    assert all(getattr(base, f.name) != f.default for f in fields(PageDigest) if f.name != "url")


@pytest.mark.parametrize("batch", [1, 3, 512])
def test_it_behaves_as_a_dict(tmp_path: Path, batch: int) -> None:
    """Random sets, overwrites, deletes and reads, against a dict: same contents, same order
    (an overwritten key keeps its first position), with the buffer flushed at any point."""
    rng = random.Random(batch)
    with DigestSpill(tmp_path, batch=batch) as spill:
        store: SpilledMapping[PageDigest] = spill.pages
        model: dict[str, PageDigest] = {}
        for step in range(400):
            n = rng.randrange(40)
            key = f"http://clinic.test/blog/{n}/"
            action = rng.random()
            if action < 0.6:
                value = digest(n, words=step)
                store[key] = value
                model[key] = value
            elif action < 0.7:
                if key in model:
                    del store[key]
                    del model[key]
                else:
                    with pytest.raises(KeyError):
                        del store[key]
            elif action < 0.8:
                assert (key in store) == (key in model)
                assert store.get(key) == model.get(key)
            elif action < 0.85:
                assert len(store) == len(model)
            else:
                assert list(store) == list(model)
                assert list(store.items()) == list(model.items())
        assert list(store) == list(model)
        assert list(store.values()) == list(model.values())
        assert len(store.values()) == len(model)
        with pytest.raises(KeyError):
            store["http://clinic.test/nowhere/"]


def test_an_overwritten_key_keeps_its_first_position(tmp_path: Path) -> None:
    with DigestSpill(tmp_path, batch=2) as spill:
        for n in (1, 2, 3):
            spill.pages[digest(n).url] = digest(n)
        spill.pages[digest(1).url] = digest(1, title="Edited")  # in the file already
        spill.pages[digest(4).url] = digest(4)
        spill.pages[digest(4).url] = digest(4, title="Again")  # still buffered
        assert [d.title for d in spill.pages.values()] == ["Edited", "Post 2", "Post 3", "Again"]
        values = spill.pages.values()
        assert list(values) == list(values)  # a view: iterated again, read again


def test_the_file_is_in_the_folder_and_removed_on_close(tmp_path: Path) -> None:
    spill = DigestSpill(tmp_path / "run")
    assert spill.path.parent == tmp_path / "run" and spill.path.is_file()
    assert spill.path.name.startswith(".site-digests.") and spill.path.name.endswith(".tmp")
    spill.pages["x"] = digest(1)
    len(spill.pages)
    spill.close()
    spill.close()  # idempotent
    assert spill.closed and not list((tmp_path / "run").iterdir())


def test_the_file_is_removed_when_the_run_fails(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), DigestSpill(tmp_path) as spill:
        spill.pages["x"] = digest(1)
        assert len(spill.pages) == 1
        raise RuntimeError("the crawl failed")
    assert not list(tmp_path.iterdir())


def test_a_spill_dropped_unclosed_removes_its_file(tmp_path: Path) -> None:
    spill = DigestSpill(tmp_path)
    spill.pages["x"] = digest(1)
    path = spill.path
    del spill
    gc.collect()
    assert not path.exists()


def test_the_file_of_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = tmp_path / f".site-digests.abc.{gone.pid}.tmp"
    live = tmp_path / f".site-digests.def.{os.getppid()}.tmp"
    stale.write_bytes(b"")
    live.write_bytes(b"")
    with DigestSpill(tmp_path):
        assert not stale.exists() and live.exists()


def test_two_spills_in_one_folder_do_not_collide(tmp_path: Path) -> None:
    with DigestSpill(tmp_path) as a, DigestSpill(tmp_path) as b:
        a.pages["x"] = digest(1)
        b.pages["x"] = digest(2)
        assert a.pages["x"] == digest(1) and b.pages["x"] == digest(2)
        assert a.path != b.path


def test_without_a_folder_it_uses_the_temp_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    with DigestSpill() as spill:
        assert spill.path.parent == tmp_path
    assert not list(tmp_path.iterdir())
