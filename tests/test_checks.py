"""The findings registry, the README table, and page-level checks on hand-built pages."""

from __future__ import annotations

import re
from pathlib import Path

from content_audit.checks import FINDINGS, check_page
from content_audit.config import load_config
from content_audit.model import ElementResult, Image, Kind, Page, Readability, Section
from scripts.findings_table import findings_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_findings_table_matches_the_registry() -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- findings:start -->\n(.*?)\n<!-- findings:end -->", text, re.S)
    assert block, "README lacks the findings markers"
    assert block.group(1) == findings_table()


def test_codes_are_stable_snake_case() -> None:
    for code in FINDINGS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code), code


def _page(**kwargs: object) -> Page:
    defaults: dict[str, object] = {
        "url": "https://clinic.example/a/",
        "title": "Prolotherapy for chronic joint pain | Clinic",
        "h1": ("Prolotherapy",),
        "meta_description": "x" * 130,
        "lang": "en",
        "sections": (Section("Prolotherapy", 1, ("word " * 400,)),),
    }
    defaults.update(kwargs)
    return Page(**defaults)  # type: ignore[arg-type]


ALL_PRESENT = tuple(
    ElementResult(n, True, "H", "E", "heading")
    for n in ("definition", "uses", "mechanism", "consult")
)
EASY = Readability(flesch_kincaid_grade=6.0, words=400, sentences=40)


def codes(page: Page, kind: Kind = Kind.ARTICLE, **kwargs: object) -> set[str]:
    elements = kwargs.get("elements", ALL_PRESENT)
    readability = kwargs.get("readability", EASY)
    found = check_page(page, kind, readability, elements, load_config())  # type: ignore[arg-type]
    assert all(f.url == page.url for f in found)
    return {f.code for f in found}


def test_clean_page_has_no_findings() -> None:
    assert codes(_page()) == set()


def test_structure_findings() -> None:
    assert "h1_missing" in codes(_page(h1=()))
    assert "h1_multiple" in codes(_page(h1=("A", "B")))
    assert "title_missing" in codes(_page(title=""))
    assert "title_too_long" in codes(_page(title="t" * 90))
    assert "meta_description_missing" in codes(_page(meta_description=None))
    assert "meta_description_too_short" in codes(_page(meta_description="short"))
    assert "meta_description_too_long" in codes(_page(meta_description="m" * 170))
    assert "lang_missing" in codes(_page(lang=None))
    skipped = (Section("A", 2, ("w " * 200,)), Section("B", 4, ("w " * 200,)))
    assert "heading_level_skipped" in codes(_page(sections=skipped))


def test_alt_missing_but_not_empty_alt() -> None:
    assert "image_alt_missing" in codes(_page(images=(Image("a.jpg", None),)))
    assert "image_alt_missing" not in codes(_page(images=(Image("a.jpg", ""),)))


def test_missing_elements_only_for_articles() -> None:
    missing = (ElementResult("definition", False), *ALL_PRESENT[1:])
    assert "missing_definition" in codes(_page(), elements=missing)
    assert "missing_definition" not in codes(_page(), Kind.LISTING, elements=missing)
    body_only = (ElementResult("definition", True, None, "X is Y.", "text"), *ALL_PRESENT[1:])
    assert "element_without_heading" in codes(_page(), elements=body_only)


def test_grade_and_thin_content() -> None:
    hard = Readability(flesch_kincaid_grade=12.5, words=400, sentences=10)
    assert "grade_over_target" in codes(_page(), readability=hard)
    assert "grade_over_target" not in codes(_page(), Kind.OTHER, readability=hard)
    assert "thin_content" in codes(_page(sections=(Section("P", 1, ("a few words",)),)))


def test_disabled_checks_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('disabled_checks = ["lang_missing"]\n')
    page = _page(lang=None)
    found = check_page(page, Kind.ARTICLE, EASY, ALL_PRESENT, load_config(path))
    assert "lang_missing" not in {f.code for f in found}


def test_unclear_element_is_a_warning_quoting_its_candidate() -> None:
    unclear = ElementResult(
        "uses", False, "Who it helps", "It may suit some people.", "text", "unclear", 0.4
    )
    elements = (ALL_PRESENT[0], unclear, *ALL_PRESENT[2:])
    found = check_page(_page(), Kind.ARTICLE, EASY, elements, load_config())
    (f,) = [f for f in found if f.code.endswith("uses") or f.code == "element_without_heading"]
    assert f.code == "unclear_uses"
    assert f.severity == FINDINGS["unclear_uses"].severity == "warning"
    assert f.evidence == "It may suit some people."
    assert f.message.startswith("https://clinic.example/a/: uses (what it is used for) is unclear")
    assert '"Who it helps"' in f.message and "0.40" in f.message
    assert "unclear_uses" not in codes(_page(), Kind.LISTING, elements=elements)


def test_every_element_has_a_missing_and_an_unclear_code() -> None:
    for name in ("definition", "uses", "mechanism", "consult"):
        assert FINDINGS[f"missing_{name}"].severity == "error"
        assert FINDINGS[f"unclear_{name}"].severity == "warning"
        assert FINDINGS[f"unclear_{name}"].scope == "page"
        bare = ElementResult(name, False, status="unclear")
        elements = tuple(bare if e.name == name else e for e in ALL_PRESENT)
        found = check_page(_page(), Kind.ARTICLE, EASY, elements, load_config())
        assert [f.code for f in found] == [f"unclear_{name}"]
        assert found[0].evidence is None and "the article" in found[0].message


def test_unclear_codes_can_be_disabled(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('disabled_checks = ["unclear_consult"]\n')
    elements = (*ALL_PRESENT[:3], ElementResult("consult", False, status="unclear"))
    assert check_page(_page(), Kind.ARTICLE, EASY, elements, load_config(path)) == ()
