"""FastLXMLTreeBuilder builds the tree bs4's own lxml builder builds, field for field."""

from __future__ import annotations

import warnings
from pathlib import Path

import bs4
import pytest
from bs4 import BeautifulSoup, PageElement
from bs4.element import AttributeDict

from content_audit import soup as fastsoup
from content_audit.extract.text import _coerce
from content_audit.soup import FastLXMLTreeBuilder, make_soup

from .conftest import CORPUS, FIXTURES

DEMO = Path(fastsoup.__file__).parent / "demo" / "site"
OPTIONS = {"multi_valued_attributes": None, "attribute_dict_class": AttributeDict}

ODD = {
    "void tags": "<p>x<br/>y<img src=a.png>z</p>",
    "svg with namespaced attributes": (
        "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>"
        "<a xlink:href='#x'><text>t</text></a></svg><p>after</p>"
    ),
    "brace attribute (bs4's namespace path)": "<div {urn:x}b='1' c='2'>x</div><p>y</p>",
    "whitespace runs and pre": "<div>  <pre>  a\n  b  </pre>   <p> \n </p>\t</div>",
    "meta charset and content-type": (
        "<meta charset='utf-8'><meta http-equiv='Content-Type' "
        "content='text/html; charset=latin1'><title>t</title>"
    ),
    "string containers": (
        "<script>a<b && c</script><style>p{x:y}</style>"
        "<template><p>t</p></template><ruby>k<rp>(</rp><rt>x</rt></ruby>"
        '<script type=\'application/ld+json\'>{"@type": "Article"}</script>'
    ),
    "empty": "",
    "blank": "  \n ",
    "misnested": "<html><body><p>a<p>b<table><td>c</table></p></b></i></body></html>tail",
    "comments, doctype, pi": "<!-- c --><!DOCTYPE html><?php x ?><p>\n\n</p><!-- d -->",
    "text only": "just text & more",
    "entities": "<p>&amp; &nbsp; &#x1F600; &bogus;</p>",
    "textarea": "<form><textarea>  keep  </textarea><select><option>a<option>b</select></form>",
}


def dump(soup: BeautifulSoup) -> list:
    """Every field of every node, links to other nodes as their document-order index."""
    nodes = [soup, *soup.descendants]
    index = {id(n): i for i, n in enumerate(nodes)}

    def value(x: object) -> object:
        if isinstance(x, PageElement):
            return ("node", index.get(id(x), "outside"))
        if isinstance(x, dict):
            return (type(x), [(value(k), value(v)) for k, v in x.items()])
        if isinstance(x, list | tuple):
            return (type(x), [value(e) for e in x])
        if isinstance(x, set | frozenset):
            return (type(x), sorted(map(repr, x)))
        if isinstance(x, str):
            return (type(x), str(x))
        return repr(x)

    out = []
    for n in nodes:
        fields = {k: v for k, v in vars(n).items() if k not in ("builder", "parser")}
        out.append((type(n), str(n) if isinstance(n, str) else None, list(fields)))
        out.extend((k, value(v)) for k, v in fields.items())
    return out


def assert_same_tree(html: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stock = BeautifulSoup(html, "lxml", **OPTIONS)
        fast = BeautifulSoup(html, builder=FastLXMLTreeBuilder, **OPTIONS)
    assert dump(fast) == dump(stock)


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_markup_builds_the_stock_tree(name: str) -> None:
    assert_same_tree(ODD[name])


def test_pages_build_the_stock_tree() -> None:
    paths = [*sorted(FIXTURES.rglob("*.html")), *sorted(DEMO.rglob("*.html"))]
    assert len(paths) > 10
    for path in paths:
        assert_same_tree(_coerce(path.read_text(encoding="utf-8", errors="replace")))


@pytest.mark.needs_shared("corpus/labels.tsv")
def test_real_corpus_pages_build_the_stock_tree() -> None:
    """The real pages of ../shared/corpus (skipped with the reason when it is absent)."""
    paths = sorted(CORPUS.rglob("*.html"))
    assert len(paths) > 10
    for path in paths:
        assert_same_tree(_coerce(path.read_text(encoding="utf-8", errors="replace")))


def test_the_dump_sees_a_difference() -> None:
    """The comparison is not vacuous: a changed text or attribute changes the dump."""
    a = BeautifulSoup("<div class='a b'><p>x</p></div>", "lxml", **OPTIONS)
    b = BeautifulSoup("<div class='a b'><p>y</p></div>", "lxml", **OPTIONS)
    c = BeautifulSoup("<div class='a b'><p>x</p></div>", "lxml")
    assert dump(a) != dump(b)
    assert dump(a) != dump(c)


def test_make_soup_uses_the_fast_builder_on_checked_bs4() -> None:
    """A bs4 upgrade falls back to the stock builder (slower, same tree) until the tests
    above pass on it and its version joins ``_CHECKED_VERSIONS``."""
    soup = make_soup("<p>x</p>", **OPTIONS)
    if bs4.__version__ in fastsoup._CHECKED_VERSIONS:
        assert isinstance(soup.builder, FastLXMLTreeBuilder)
        assert soup.builder._plain
    else:
        assert not isinstance(soup.builder, FastLXMLTreeBuilder)


def test_namespaced_markup_takes_bs4s_own_path() -> None:
    soup = BeautifulSoup(ODD["brace attribute (bs4's namespace path)"], builder=FastLXMLTreeBuilder)
    assert not soup.builder._plain
